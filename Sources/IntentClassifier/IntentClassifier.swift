import Foundation
import Hangul
import NeuralCore

/// A trained intent classifier: featurizer, model and label set, saved as a directory with
/// `model.safetensors` (weights; config, labels and label names in its metadata) and `vocab.txt`.
///
/// ```swift
/// let classifier = try IntentClassifier.load(from: "resources/intent-3i4k")
/// let p = classifier.classify(["내일 비 와?"])[0]   // p.label "2", p.name "question"
/// ```
public final class IntentClassifier: @unchecked Sendable {
    /// One trained network with its featurizer. An ensemble has several, trained from different
    /// seeds; their probabilities are averaged.
    public struct Member: Sendable {
        public let model: IntentModel
        public let featurizer: Featurizer
    }

    public let members: [Member]
    /// Labels as written in the training data, in model order.
    public let labels: [String]
    /// A readable name for each label ("question"); the label itself when none was given.
    public let names: [String]

    public var model: IntentModel { members[0].model }
    public var featurizer: Featurizer { members[0].featurizer }

    public struct Prediction: Equatable, Sendable {
        public var label: String
        public var name: String
        public var probability: Float
        public var probabilities: [Float]
    }

    init(members: [Member], labels: [String], names: [String]) {
        precondition(!members.isEmpty, "a classifier needs at least one member")
        self.members = members; self.labels = labels; self.names = names
    }

    convenience init(model: IntentModel, featurizer: Featurizer, labels: [String], names: [String]) {
        self.init(members: [Member(model: model, featurizer: featurizer)], labels: labels, names: names)
    }

    /// Combines classifiers trained on the same label set into one that averages them.
    public static func ensemble(_ classifiers: [IntentClassifier]) throws -> IntentClassifier {
        guard let first = classifiers.first else { throw IntentError.tooFewExamples(reason: "an ensemble needs at least one model") }
        for c in classifiers where c.labels != first.labels {
            throw IntentError.badModel(path: "ensemble", reason: "members have different labels (\(first.labels) vs \(c.labels))")
        }
        return IntentClassifier(members: classifiers.flatMap(\.members), labels: first.labels, names: first.names)
    }

    /// Classifies texts, `batchSize` at a time. Texts are batched by length (and answers put back
    /// in input order), so short utterances are not padded to the length of long ones.
    public func classify(_ texts: [String], batchSize: Int = 64) -> [Prediction] {
        let features = members.map { member in texts.map(member.featurizer.features) }
        let order = texts.indices.sorted { features[0][$0].count < features[0][$1].count }
        var out = [Prediction?](repeating: nil, count: texts.count)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let chunk = Array(order[start..<min(start + batchSize, order.count)])
            var sum = [[Float]](repeating: [Float](repeating: 0, count: labels.count), count: chunk.count)
            for (m, member) in members.enumerated() {
                let probs = member.model.probabilities(IntentModel.Batch(chunk.map { features[m][$0].channels }, channelCount: SyllableIDs.channelCount))
                for (i, p) in probs.enumerated() { for c in p.indices { sum[i][c] += p[c] / Float(members.count) } }
            }
            for (i, p) in sum.enumerated() {
                let best = p.indices.max { p[$0] < p[$1] }!
                out[chunk[i]] = Prediction(label: labels[best], name: names[best], probability: p[best], probabilities: p)
            }
        }
        return out.map { $0! }
    }

    // MARK: - Files

    static let modelFile = "model.safetensors", vocabularyFile = "vocab.txt"
    static let labelsKey = "korqa.intent.labels", namesKey = "korqa.intent.names"

    /// Saves a single model as `model.safetensors` + `vocab.txt`; an ensemble as `member-1/`,
    /// `member-2/`, … each holding one.
    public func save(to directory: String, metadata: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if members.count > 1 {
            for (k, member) in members.enumerated() {
                try IntentClassifier(members: [member], labels: labels, names: names)
                    .save(to: directory + "/member-\(k + 1)", metadata: metadata)
            }
            return
        }
        try featurizer.vocabulary.save(to: directory + "/" + Self.vocabularyFile)
        var meta = metadata
        meta[Self.labelsKey] = Self.jsonArray(labels)
        meta[Self.namesKey] = Self.jsonArray(names)
        try Checkpoint.save(model.store, to: directory + "/" + Self.modelFile, config: model.config.json,
                            vocabularyFingerprint: String(featurizer.vocabulary.fingerprint), metadata: meta)
    }

    /// Loads a model directory: one model, or an ensemble of `member-N/` directories.
    public static func load(from directory: String) throws -> IntentClassifier {
        if !FileManager.default.fileExists(atPath: directory + "/" + modelFile) {
            let members = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasPrefix("member-") && FileManager.default.fileExists(atPath: directory + "/" + $0 + "/" + modelFile) }
                .sorted { (Int($0.dropFirst(7)) ?? 0) < (Int($1.dropFirst(7)) ?? 0) }
            if !members.isEmpty { return try ensemble(members.map { try loadSingle(from: directory + "/" + $0) }) }
        }
        return try loadSingle(from: directory)
    }

    static func loadSingle(from directory: String) throws -> IntentClassifier {
        let modelPath = directory + "/" + modelFile
        guard FileManager.default.fileExists(atPath: modelPath) else { throw IntentError.modelNotFound(path: directory) }
        let vocabulary: Vocabulary
        do { vocabulary = try Vocabulary.load(from: directory + "/" + vocabularyFile) } catch {
            throw IntentError.badModel(path: directory, reason: "\(error)")
        }
        let (configText, parameterValueCount) = try Checkpoint.header(at: modelPath)
        guard let config = try? JSONDecoder().decode(IntentModelConfig.self, from: Data(configText.utf8)) else {
            throw IntentError.badModel(path: directory, reason: "its config is not an intent model's: \(configText)")
        }
        try config.check(fileHolds: parameterValueCount).verify(path: modelPath)
        guard config.vocabularySize == vocabulary.count else {
            throw IntentError.badModel(path: directory, reason: "vocab.txt has \(vocabulary.count) entries, the model expects \(config.vocabularySize)")
        }
        let model = IntentModel(config: config, seed: 0)
        let loaded = try Checkpoint.load(into: model.store, from: modelPath, config: configText,
                                         vocabularyFingerprint: String(vocabulary.fingerprint))
        guard let labels = loaded.metadata[labelsKey].flatMap(parseArray), labels.count == config.labelCount else {
            throw IntentError.badModel(path: directory, reason: "its label list is missing or does not match \(config.labelCount) classes")
        }
        let names = loaded.metadata[namesKey].flatMap(parseArray) ?? labels
        return IntentClassifier(model: model, featurizer: Featurizer(vocabulary: vocabulary), labels: labels,
                                names: names.count == labels.count ? names : labels)
    }

    public static func metadata(at directory: String) throws -> [String: String] {
        let single = directory + "/" + modelFile
        let path = FileManager.default.fileExists(atPath: single) ? single : directory + "/member-1/" + modelFile
        return try SafeTensorsFile(path: path).metadata
    }

    static func jsonArray(_ values: [String]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: values), as: UTF8.self)
    }

    static func parseArray(_ text: String) -> [String]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String]
    }
}

// MARK: - Training

/// Everything a training run needs besides the data.
public struct IntentTrainingOptions: Sendable {
    public var train = TrainConfig(epochs: 20, batchSize: 32, learningRate: 2e-3, warmupSteps: 200, decay: .linear,
                                   clipNorm: 5, patience: 4, seed: 1)
    public var embeddingSize = 96
    public var hiddenSize = 128
    public var layers = 1
    public var dropout: Float = 0.3
    public var minCount = 2
    /// Loss weight of class c is (mean count / count(c))^balance: 0 = plain cross-entropy,
    /// 1 = fully balanced. Between the two, rare classes (rhetorical questions) are not drowned.
    public var balance = 0.5
    public var names: [String: String] = [:]
    public init() {}
}

final class IntentTask: TrainingTask {
    typealias Example = (features: Featurizer.Features, label: Int32)
    let model: IntentModel
    let classWeights: [Float]
    var store: ParameterStore { model.store }
    var configJSON: String { model.config.json }
    let metricName = "macro_f1"
    var lastAccuracy = 0.0

    init(model: IntentModel, classWeights: [Float]) { self.model = model; self.classWeights = classWeights }

    func length(of example: Example) -> Int { example.features.count }

    func lossAndGradients(_ batch: [Example], random: inout SeededRandom) -> Float {
        model.lossAndGradients(IntentModel.Batch(batch.map(\.features.channels), channelCount: SyllableIDs.channelCount), labels: batch.map(\.label),
                               weights: batch.map { classWeights[Int($0.label)] }, random: &random)
    }

    func evaluate(_ examples: [Example]) -> Double {
        var predicted: [Int] = []
        for start in stride(from: 0, to: examples.count, by: 128) {
            let chunk = Array(examples[start..<min(start + 128, examples.count)])
            for p in model.probabilities(IntentModel.Batch(chunk.map(\.features.channels), channelCount: SyllableIDs.channelCount)) {
                predicted.append(p.indices.max { p[$0] < p[$1] }!)
            }
        }
        let metrics = IntentMetrics(gold: examples.map { Int($0.label) }, predicted: predicted, classCount: model.config.labelCount)
        lastAccuracy = metrics.accuracy
        return metrics.macroF1
    }
}

extension IntentClassifier {
    /// Trains a classifier; checkpoints, metrics.jsonl and learning-curve.svg go to
    /// `directory/training`, the final model to `directory`.
    public static func train(train: [LabeledText], validation: [LabeledText], options: IntentTrainingOptions,
                             directory: String, resume: Bool = false, observer: (any TrainingObserver)? = nil,
                             metadata: [String: String] = [:]) throws -> (IntentClassifier, TrainingSummary) {
        let labels = Array(Set(train.map(\.label))).sorted { a, b in
            if let x = Int(a), let y = Int(b) { return x < y }
            return a < b
        }
        guard labels.count >= 2 else { throw IntentError.tooFewExamples(reason: "training needs at least two different labels; found \(labels)") }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let unknown = Set(validation.map(\.label)).subtracting(labels)
        guard unknown.isEmpty else {
            throw IntentError.tooFewExamples(reason: "validation labels \(unknown.sorted()) never occur in the training data")
        }
        let vocabulary = Featurizer.buildVocabulary(train.map(\.text), minCount: options.minCount)
        let featurizer = Featurizer(vocabulary: vocabulary)
        var config = IntentModelConfig(vocabularySize: vocabulary.count, labelCount: labels.count)
        config.embeddingSize = options.embeddingSize
        config.hiddenSize = options.hiddenSize
        config.layers = options.layers
        config.dropout = options.dropout
        let model = IntentModel(config: config, seed: options.train.seed)
        var counts = [Double](repeating: 0, count: labels.count)
        for e in train { counts[index[e.label]!] += 1 }
        let mean = counts.reduce(0, +) / Double(counts.count)
        let weights = counts.map { Float(Foundation.pow(mean / $0, options.balance)) }
        let task = IntentTask(model: model, classWeights: weights)
        func examples(_ items: [LabeledText]) -> [IntentTask.Example] {
            items.map { (featurizer.features($0.text), Int32(index[$0.label]!)) }
        }
        let trainer = Trainer(task: task, config: options.train, directory: directory + "/training")
        trainer.observer = observer
        let summary = try trainer.run(train: examples(train), validation: examples(validation), resume: resume)
        try Checkpoint.load(into: model.store, from: summary.bestCheckpoint, config: config.json)
        let names = labels.map { options.names[$0] ?? $0 }
        let classifier = IntentClassifier(model: model, featurizer: featurizer, labels: labels, names: names)
        try classifier.save(to: directory, metadata: metadata)
        return (classifier, summary)
    }
}
