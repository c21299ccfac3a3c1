import Foundation
import Testing
@testable import IntentClassifier
@testable import NeuralCore
import TestSupport
import Hangul

func writeTemporary(_ name: String, _ contents: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-intent-\(UUID())")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
    return path
}

/// A tiny generated corpus whose label is readable from the sentence ending, as in Korean:
/// questions end in -니/-까/-요?, commands in -해/-라/-세요, statements in -다.
func toyCorpus(_ count: Int, seed: UInt64) -> [LabeledText] {
    let stems = ["밥", "학교", "비", "내일", "친구", "영화", "공부", "청소", "운동", "노래", "창문", "숙제"]
    let endings: [(String, [String])] = [("0", ["먹었니", "갔니", "오니", "할까", "봤어요?"]),
                                         ("1", ["먹었다", "갔다", "온다", "했다", "봤습니다"]),
                                         ("2", ["먹어라", "가라", "해", "닫아 줘", "하세요"])]
    var g = SeededRandom(seed: seed)
    return (0..<count).map { i in
        let (label, options) = endings[i % 3]
        let stem = stems[Int(g.next() % UInt64(stems.count))]
        return LabeledText(label: label, text: "\(stem) \(options[Int(g.next() % UInt64(options.count))])")
    }
}

@Suite struct LabeledDataTests {
    @Test func threeI4KFormatWithCRLFAndBOM() throws {
        let path = writeTemporary("fci.txt", "\u{FEFF}2\t내일 비 와\r\n3\t창문 닫아\r\n\r\nbad line without tab\r\n1\t\r\n0\t고급")
        let (examples, problems) = try LabeledData.read(path: path)
        #expect(examples == [LabeledText(label: "2", text: "내일 비 와", line: 1), LabeledText(label: "3", text: "창문 닫아", line: 2),
                             LabeledText(label: "0", text: "고급", line: 6)])
        #expect(problems == ["4: expected 2 fields separated by a tab, found 1", "5: empty text"])
    }

    @Test func headerTSVAndCSV() throws {
        let tsv = try LabeledData.read(path: writeTemporary("train.tsv", "act\tsentence\n0\t노트북이 삼성인지 엘지인지 알려주세요\n"))
        #expect(tsv.examples.first?.label == "0" && tsv.examples.first?.text.hasPrefix("노트북") == true)
        let csv = try LabeledData.read(path: writeTemporary("d.csv", "text,label\n\"안녕, 반가워\",greet\n"))
        #expect(csv.examples.isEmpty || csv.examples.first?.label == "greet")
    }

    @Test func stratifiedSplitKeepsEveryLabel() {
        let data = toyCorpus(300, seed: 1)
        let (train, validation) = LabeledData.stratifiedSplit(data, fraction: 0.1, seed: 3)
        #expect(train.count + validation.count == 300 && validation.count == 30)
        #expect(Set(validation.map(\.label)) == ["0", "1", "2"])
        #expect(LabeledData.stratifiedSplit(data, fraction: 0.1, seed: 3).validation == validation)
    }
}

@Suite struct IntentMetricsTests {
    @Test func byHand() {
        // gold 0 0 1 1 2, predicted 0 1 1 1 0
        let m = IntentMetrics(gold: [0, 0, 1, 1, 2], predicted: [0, 1, 1, 1, 0], classCount: 3)
        #expect(m.accuracy == 0.6)
        #expect(m.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
        // class 0: P 1/2 R 1/2 F1 .5; class 1: P 2/3 R 1 F1 .8; class 2: 0.
        #expect(abs(m.perClass[1].f1 - 0.8) < 1e-12 && m.perClass[2].f1 == 0)
        #expect(abs(m.macroF1 - (0.5 + 0.8 + 0) / 3) < 1e-12)
    }
}

@Suite struct IntentModelTests {
    @Test func featuresCarryJamo() {
        let vocabulary = Featurizer.buildVocabulary(["한국"], minCount: 1)
        let x = Featurizer(vocabulary: vocabulary).features("한국 뷁ㅋ!")
        // 한 국 뷁 ㅋ ! (the space is not a position)
        #expect(x.count == 5)
        #expect(x.syllables[0] == Int32(vocabulary.id(of: "한")) && x.syllables[2] == 1)  // 뷁 is unknown…
        #expect(x.initials[2] == 2 + 7 && x.medials[2] == 2 + 15 && x.finals[2] == 1 + 9)  // …but ㅂ(7) ㅞ(15) ㄺ(9) are not
        #expect(x.initials[3] == 2 + 15 && x.medials[3] == 1 && x.finals[3] == 1)  // ㅋ alone
        #expect(x.initials[4] == 1 && x.medials[4] == 1 && x.finals[4] == 1)  // ! has no jamo
    }

    /// The whole network against finite differences (dropout off): every parameter's gradient.
    @Test func gradientOfTheWholeModel() {
        let vocabulary = Featurizer.buildVocabulary(["밥 먹었니", "학교 갔다", "창문 닫아"], minCount: 1)
        var config = IntentModelConfig(vocabularySize: vocabulary.count, labelCount: 3)
        config.embeddingSize = 4; config.hiddenSize = 3; config.attentionSize = 3; config.dropout = 0
        let model = IntentModel(config: config, seed: 5)
        let featurizer = Featurizer(vocabulary: vocabulary)
        let batch = IntentModel.Batch(["밥 먹었니", "학교", "창문 닫아 줘"].map { featurizer.features($0).channels }, channelCount: SyllableIDs.channelCount)
        let labels: [Int32] = [0, 1, 2]
        var random = SeededRandom(seed: 0)
        model.store.zeroGradients()
        _ = model.lossAndGradients(batch, labels: labels, weights: [1, 2, 1], random: &random)
        let analytic = Array(model.store.gradients)
        func loss() -> Double {
            var r = SeededRandom(seed: 0)
            let (logits, _) = model.forward(batch, training: false, random: &r)
            return Double(Loss.softmaxCrossEntropy(logits: logits, targets: labels, weights: [1, 2, 1]).loss)
        }
        var worst: Float = 0
        for (i, numeric, analytic) in sampledParameterGradients(store: model.store, analytic: analytic, samples: 150, seed: 9, loss: loss) {
            worst = max(worst, abs(numeric - analytic))
            #expect(abs(numeric - analytic) <= 1e-3 + 1e-2 * abs(analytic), "parameter \(i): numeric \(numeric) analytic \(analytic)")
        }
        #expect(worst < 1e-2)
    }

    @Test func trainsSavesAndLoads() throws {
        let data = toyCorpus(240, seed: 2)
        let (train, validation) = LabeledData.stratifiedSplit(data, fraction: 0.2, seed: 1)
        var options = IntentTrainingOptions()
        options.train = TrainConfig(epochs: 15, batchSize: 16, learningRate: 5e-3, warmupSteps: 10, patience: 15, seed: 4)
        options.embeddingSize = 16; options.hiddenSize = 16; options.minCount = 1
        options.names = ["0": "question", "1": "statement", "2": "command"]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-intent-model-\(UUID())").path
        let (classifier, summary) = try IntentClassifier.train(train: train, validation: validation, options: options, directory: dir)
        #expect(summary.bestMetric > 0.95, "validation macro-F1 \(summary.bestMetric)")
        let test = toyCorpus(60, seed: 77)
        let predictions = classifier.classify(test.map(\.text))
        let accuracy = Double(zip(test, predictions).filter { $0.label == $1.label }.count) / Double(test.count)
        #expect(accuracy > 0.9)
        let loaded = try IntentClassifier.load(from: dir)
        #expect(loaded.labels == ["0", "1", "2"] && loaded.names == ["question", "statement", "command"])
        #expect(loaded.classify(test.map(\.text)) == predictions)
        #expect(FileManager.default.fileExists(atPath: dir + "/training/metrics.jsonl"))
        #expect(throws: IntentError.self) { try IntentClassifier.load(from: dir + "/nothing") }
    }
}

@Suite struct EnsembleTests {
    @Test func averagesMembersAndRoundTrips() throws {
        let data = toyCorpus(150, seed: 5)
        var options = IntentTrainingOptions()
        options.train = TrainConfig(epochs: 4, batchSize: 16, learningRate: 5e-3, warmupSteps: 5, patience: 4, seed: 1)
        options.embeddingSize = 8; options.hiddenSize = 8; options.minCount = 1
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-ensemble-\(UUID())").path
        var members: [IntentClassifier] = []
        for seed in [1, 2] as [UInt64] {
            options.train.seed = seed
            let split = LabeledData.stratifiedSplit(data, fraction: 0.2, seed: seed)
            members.append(try IntentClassifier.train(train: split.train, validation: split.validation, options: options,
                                                      directory: base + "/m\(seed)").0)
        }
        let ensemble = try IntentClassifier.ensemble(members)
        let texts = ["밥 먹었니", "학교 갔다", "창문 닫아 줘"]
        let a = members[0].classify(texts), b = members[1].classify(texts), e = ensemble.classify(texts)
        for i in texts.indices {
            for c in 0..<3 { #expect(abs(e[i].probabilities[c] - (a[i].probabilities[c] + b[i].probabilities[c]) / 2) < 1e-6) }
        }
        try ensemble.save(to: base + "/ensemble")
        #expect(FileManager.default.fileExists(atPath: base + "/ensemble/member-2/model.safetensors"))
        let loaded = try IntentClassifier.load(from: base + "/ensemble")
        #expect(loaded.members.count == 2 && loaded.classify(texts) == e)
    }
}

final class RecordingIntentObserver: IntentRunObserver {
    var notes: [String] = [], warnings: [String] = [], members: [Int] = []
    func note(_ message: String) { notes.append(message) }
    func warning(_ message: String) { warnings.append(message) }
    func memberFinished(_ member: Int, of members: Int, summary: TrainingSummary) { self.members.append(member) }
    func batchFinished(_ progress: TrainingProgress) {}
    func epochFinished(_ record: EpochRecord) {}
}

@Suite struct IntentTrainingRunTests {
    /// `korqa train intent --ensemble 2` from the library: malformed lines reported, two members
    /// with their own folders, an ensemble that classifies the toy corpus.
    @Test func trainsAnEnsembleFromAFile() throws {
        let lines = toyCorpus(240, seed: 5).map { "\($0.label)\t\($0.text)" } + ["no tab here"]
        let path = writeTemporary("train.tsv", lines.joined(separator: "\n") + "\n")
        let out = (path as NSString).deletingLastPathComponent + "/model"
        var config = IntentRunConfig(train: path, out: out)
        // Warm-up is 200 steps: batches of 8 give 27 steps an epoch.
        config.epochs = 15; config.patience = 15; config.batchSize = 8; config.embed = 16; config.hidden = 16; config.learningRate = 5e-3
        config.ensemble = 2; config.names = ["0": "question", "1": "statement", "2": "command"]
        let observer = RecordingIntentObserver()
        let classifier = try config.run(observer: observer)
        #expect(observer.members == [1, 2] && observer.warnings.count == 1 && observer.warnings[0].contains("train.tsv:241"), "\(observer.warnings)")
        #expect(FileManager.default.fileExists(atPath: out + "/member-1/model.safetensors") && FileManager.default.fileExists(atPath: out + "/member-2/model.safetensors"))
        let test = toyCorpus(60, seed: 99)
        let predictions = classifier.classify(test.map(\.text))
        let accuracy = Double(zip(predictions, test).filter { $0.label == $1.label }.count) / Double(test.count)
        #expect(accuracy > 0.9 && predictions[0].name == config.names[predictions[0].label])
    }

    @Test func refusesImpossibleSettings() {
        var config = IntentRunConfig(train: "x.tsv", out: "o")
        config.hidden = 0
        #expect(throws: IntentError.invalidRunConfig(field: "hidden", reason: "must be at least 1 (got 0)")) { try config.check() }
        config = IntentRunConfig(train: "x.tsv", out: "o")
        config.dropout = 1
        #expect(throws: IntentError.self) { try config.check() }
        #expect(throws: IntentError.self) { try IntentRunConfig(train: "/nonexistent.tsv", out: NSTemporaryDirectory() + "korqa-x-\(UUID())").run(observer: RecordingIntentObserver()) }
    }
}
