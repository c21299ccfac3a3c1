import Foundation
import Testing
import Hangul
@testable import MRCReader
import NeuralCore
import WordVectors
import TestSupport

func temporaryJSON(_ name: String, _ object: Any) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-mrc-\(UUID())")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    FileManager.default.createFile(atPath: path, contents: try! JSONSerialization.data(withJSONObject: object))
    return path
}

@Suite struct KorQuADMetricTests {
    struct Case: Decodable { var prediction: String; var truth: String; var em: Bool; var f1: Double; var normalized: String }

    /// 1,500 pairs scored by the official evaluate-v1.0.py (Scripts/make_korquad_metric_fixture.py).
    @Test func matchesTheOfficialScriptOnEveryPair() throws {
        let url = Bundle.module.url(forResource: "korquad_metric_cases", withExtension: "json", subdirectory: "Fixtures")!
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        #expect(cases.count >= 1000)
        var mismatches = 0
        for c in cases {
            let normalizedOK = KorQuADMetric.normalize(c.prediction) == c.normalized
            let emOK = KorQuADMetric.exactMatch(c.prediction, c.truth) == c.em
            let f1OK = abs(KorQuADMetric.f1(c.prediction, c.truth) - c.f1) < 1e-12
            if !(normalizedOK && emOK && f1OK) {
                mismatches += 1
                Issue.record("\(c.prediction.debugDescription) vs \(c.truth.debugDescription): normalized \(KorQuADMetric.normalize(c.prediction).debugDescription) (official \(c.normalized.debugDescription)), EM \(c.em), F1 \(KorQuADMetric.f1(c.prediction, c.truth)) (official \(c.f1))")
            }
        }
        #expect(mismatches == 0)
    }

    @Test func byHand() {
        #expect(KorQuADMetric.normalize(" 《세종대왕》 (조선), ABC!! ") == "세종대왕 조선 abc")
        #expect(KorQuADMetric.exactMatch("1989년 2월 15일", "1989년 2월 15일."))
        // Character F1: "15일" vs "1989년 2월 15일" -> 3 shared of 3 / 10 characters.
        let f1 = KorQuADMetric.f1("15일", "1989년 2월 15일")
        #expect(abs(f1 - 2 * (1.0 * 0.3) / 1.3) < 1e-12)
        #expect(KorQuADMetric.f1("", "가") == 0)
        // Python's lower(): final sigma at a word end, medial sigma inside; İ becomes i + U+0307.
        #expect(KorQuADMetric.normalize("ΟΔΟΣ ΣΑ") == "\u{03BF}\u{03B4}\u{03BF}\u{03C2} \u{03C3}\u{03B1}")
        #expect(KorQuADMetric.normalize("İ") == "i\u{0307}")
    }

    @Test func missingPredictionsScoreZeroButCount() throws {
        let path = temporaryJSON("d.json", ["version": "KorQuAD_v1.0_dev", "data": [["title": "t", "paragraphs": [[
            "context": "1989년 2월 15일 여의도",
            "qas": [["id": "a", "question": "언제?", "answers": [["text": "1989년 2월 15일", "answer_start": 0]]],
                    ["id": "b", "question": "어디?", "answers": [["text": "여의도", "answer_start": 13]]]],
        ]]]]])
        let dataset = try SquadDataset.load(path: path)
        let score = KorQuADMetric.score(dataset, predictions: ["a": "1989년 2월 15일"])
        #expect(score == KorQuADMetric.Score(exactMatch: 50, f1: 50, count: 2, answered: 1))
    }

    /// End to end against the official script itself, when python3 and the script are here.
    @Test func officialScriptAgreesOnADataset() throws {
        let script = "../shared/data/korquad/evaluate-v1.0.py.txt"
        guard FileManager.default.fileExists(atPath: script), FileManager.default.fileExists(atPath: "/usr/bin/python3") ||
            FileManager.default.fileExists(atPath: "/usr/local/bin/python3") else { return }
        let url = Bundle.module.url(forResource: "korquad_metric_cases", withExtension: "json", subdirectory: "Fixtures")!
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        var qas: [[String: Any]] = [], predictions: [String: String] = [:]
        for (i, c) in cases.enumerated() {
            qas.append(["id": "q\(i)", "question": "?", "answers": [["text": c.truth, "answer_start": 0], ["text": "다른 답", "answer_start": 0]]])
            if i % 7 != 0 { predictions["q\(i)"] = c.prediction }  // every 7th unanswered
        }
        let dataPath = temporaryJSON("data.json", ["version": "KorQuAD_v1.0_dev", "data": [["title": "t", "paragraphs": [["context": String(repeating: "가", count: 300), "qas": qas]]]]])
        let predictionPath = temporaryJSON("pred.json", predictions)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, dataPath, predictionPath]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let official = try JSONSerialization.jsonObject(with: data) as! [String: Double]
        let ours = KorQuADMetric.score(try SquadDataset.load(path: dataPath, stripBoldTags: false), predictions: predictions)
        #expect(abs(ours.exactMatch - official["exact_match"]!) < 1e-9)
        #expect(abs(ours.f1 - official["f1"]!) < 1e-9)
    }
}

@Suite struct SquadDatasetTests {
    @Test func malformedElementsAreNamed() {
        let outside = temporaryJSON("x.json", ["data": [["paragraphs": [["context": "짧은 문맥", "qas": [
            ["id": "1", "question": "?", "answers": [["text": "문맥", "answer_start": 512]]]]]]]]])
        #expect(throws: MRCError.malformed(path: outside, element: "data[0].paragraphs[0].qas[0]", reason: "answer_start 512 is outside the context (length 5)")) {
            try SquadDataset.load(path: outside)
        }
        let noQas = temporaryJSON("y.json", ["data": [["paragraphs": [["context": "c"], ["context": "d"]]]]])
        #expect(throws: MRCError.malformed(path: noQas, element: "data[0].paragraphs[0]", reason: "missing \"qas\" list")) {
            try SquadDataset.load(path: noQas)
        }
        #expect(throws: MRCError.self) { try SquadDataset.load(path: "/nonexistent.json") }
    }

    @Test func offsetsAreCodePointsAndBoldTagsAreStripped() throws {
        let context = "2019년 FIFA U-20 월드컵</b>은 2019년 5월 23일부터 열린다. 👍🏽 다음 문장"
        let scalars = Array(context.unicodeScalars)
        let start = scalars.count - 5  // "다음 문장" counted in code points
        func offset(of text: String) -> Int {
            let t = Array(text.unicodeScalars)
            return (0...(scalars.count - t.count)).first { Array(scalars[$0..<($0 + t.count)]) == t }!
        }
        let path = temporaryJSON("t.json", ["data": [["title": "t", "paragraphs": [["context": context, "qas": [
            ["id": "k", "question": "?", "answers": [["text": "다음 문장", "answer_start": start], ["text": "5월 23일", "answer_start": offset(of: "5월 23일")]]]]]]]]])
        let dataset = try SquadDataset.load(path: path)
        let p = dataset.articles[0].paragraphs[0]
        #expect(!p.context.contains("</b>"))
        for answer in p.questions[0].answers {
            let scalars = Array(p.context.unicodeScalars)
            #expect(String(String.UnicodeScalarView(scalars[answer.start..<(answer.start + answer.text.unicodeScalars.count)])) == answer.text)
        }
        #expect(dataset.misalignedAnswers.isEmpty)
    }

    @Test func korQuADDevWhenPresent() throws {
        let path = "../shared/data/korquad/KorQuAD_v1.0_dev.json"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let dataset = try SquadDataset.load(path: path)
        #expect(dataset.articles.count == 140 && dataset.questionCount == 5774 && dataset.misalignedAnswers.isEmpty)
        // Gold answers as predictions score 100/100, as the official script does.
        var gold: [String: String] = [:]
        for (q, _, _) in dataset.questions { gold[q.id] = q.answers[0].text }
        let score = KorQuADMetric.score(dataset, predictions: gold)
        #expect(score.exactMatch == 100 && score.f1 == 100)
    }
}

@Suite struct ReaderPieceTests {
    @Test func committedFoldsMatchTheCodeAndTheData() throws {
        let text = try String(contentsOfFile: "resources/korquad-dev-folds.tsv", encoding: .utf8)
        let folds = try ArticleFolds.parse(text)
        #expect(folds == ArticleFolds.assign(articleCount: folds.count, folds: 5, seed: 20_261_121))
        #expect((0..<5).map { k in folds.filter { $0 == k }.count } == [28, 28, 28, 28, 28])
        let path = "../shared/data/korquad/KorQuAD_v1.0_dev.json"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let titles = try SquadDataset.load(path: path).articles.map(\.title)
        #expect(ArticleFolds.serialize(folds, titles: titles) == text)
    }

    /// Offsets: slicing the original context by an answer's token span gives back text that
    /// contains the answer, for every KorQuAD-style answer (here: generated ones, NFD and
    /// fullwidth included).
    @Test func answerSpansMapToTokensAndBack() {
        let context = "1989년 2월 15일 여의도 농민 폭력 시위를 주도한 혐의로 ＫＯＲＥＡ \u{1112}\u{1161}\u{11AB}국 👍🏽 끝."
        let tokenized = TokenizedText(context)
        let scalars = Array(context.unicodeScalars)
        for answer in ["1989년 2월 15일", "여의도", "ＫＯＲＥＡ", "\u{1112}\u{1161}\u{11AB}국", "👍🏽", "끝"] {
            let a = Array(answer.unicodeScalars)
            let start = (0...(scalars.count - a.count)).first { Array(scalars[$0..<($0 + a.count)]) == a }!
            let span = tokenized.tokenSpan(start: start, length: a.count)!
            let cut = SpanDecoder.answer(SpanDecoder.Span(first: span.lowerBound, last: span.upperBound, score: 0), in: tokenized)
            #expect(cut.text == answer, "\(answer) -> \(cut.text)")
        }
    }

    @Test func windowsCoverEverythingWithOverlap() {
        #expect(ContextWindows.windows(tokenCount: 5, length: 10, stride: 4) == [0..<5])
        let w = ContextWindows.windows(tokenCount: 25, length: 10, stride: 6)
        #expect(w == [0..<10, 6..<16, 12..<22, 15..<25])
        #expect(Set(w.flatMap { Array($0) }) == Set(0..<25))
    }

    @Test func decodingRespectsOrderAndMaximumLength() {
        let start: [Float] = [-2, 5, 0, 0, 1]
        let end: [Float] = [9, 0, 0, 3, 4]
        // (1, 0) would score 14 but ends before it starts; (0, 0) scores 7. With maxLength 3 the
        // best is (1, 3) = 8; (1, 4) = 9 needs length 4.
        #expect(SpanDecoder.best(startScores: start, endScores: end, maxLength: 3).first == SpanDecoder.Span(first: 1, last: 3, score: 8))
        #expect(SpanDecoder.best(startScores: start, endScores: end, maxLength: 4).first == SpanDecoder.Span(first: 1, last: 4, score: 9))
        let top = SpanDecoder.best(startScores: start, endScores: end, maxLength: 2, k: 4)
        #expect(top.map(\.score) == [7, 5, 5, 5] && top.allSatisfy { $0.first <= $0.last && $0.last - $0.first < 2 })
    }

    /// The top-k list must equal sorting every allowed span (score descending, then (first,
    /// last)), ties included: scores are drawn from a few integers so many spans tie.
    @Test func decodingMatchesSortingEverySpan() {
        var random = SeededRandom(seed: 7)
        for trial in 0..<200 {
            let n = 1 + trial % 23, maxLength = 1 + trial % 5, k = 1 + trial % 6
            let start = (0..<n).map { _ in Float(random.next() % 4) }, end = (0..<n).map { _ in Float(random.next() % 4) }
            var all: [SpanDecoder.Span] = []
            for i in 0..<n { for j in i..<min(i + maxLength, n) { all.append(.init(first: i, last: j, score: start[i] + end[j])) } }
            all.sort { $0.score != $1.score ? $0.score > $1.score : ($0.first, $0.last) < ($1.first, $1.last) }
            #expect(SpanDecoder.best(startScores: start, endScores: end, maxLength: maxLength, k: k) == Array(all.prefix(k)),
                    "n \(n), maxLength \(maxLength), k \(k)")
        }
    }
}

@Suite struct ReaderModelTests {
    static let countries = ["한국", "일본", "프랑스", "독일", "영국", "이집트", "캐나다", "호주"]
    static let capitals = ["서울", "도쿄", "파리", "베를린", "런던", "카이로", "오타와", "캔버라"]

    /// Context "…X의 수도는 Y이다…", question "X의 수도는?", answer Y.
    static func examples() -> [(context: String, question: String, answer: String)] {
        countries.indices.map { i in
            let other = (i + 3) % countries.count
            return ("\(countries[other])에는 \(capitals[other])이 있다. \(countries[i])의 수도는 \(capitals[i])이다. 날씨가 좋다.",
                    "\(countries[i])의 수도는 어디인가?", capitals[i])
        }
    }

    static func batch(_ items: [(context: String, question: String, answer: String)], vocabulary: Vocabulary,
                      wordVectors: SubwordVectors? = nil) -> (ReaderModel.Batch, [(first: Int, last: Int)], [TokenizedText]) {
        let contexts = items.map { TokenizedText($0.context) }
        let questions = items.map { TokenizedText($0.question) }
        let spans = items.enumerated().map { i, item -> (first: Int, last: Int) in
            let scalars = Array(item.context.unicodeScalars), a = Array(item.answer.unicodeScalars)
            let start = (0...(scalars.count - a.count)).last { Array(scalars[$0..<($0 + a.count)]) == a }!
            let span = contexts[i].tokenSpan(start: start, length: a.count)!
            return (span.lowerBound, span.upperBound)
        }
        let batch = ReaderModel.Batch(contexts: contexts.map { $0.tokens[...] }, questions: questions.map(\.tokens),
                                      vocabulary: vocabulary, wordVectors: wordVectors)
        return (batch, spans, contexts)
    }

    /// Readers saved before `modelingLayers` existed load as DrQA readers, with the same config text.
    @Test func configsWithoutModelingLayersStillLoad() throws {
        let old = #"{"alignSize":128,"contextLayers":2,"dropout":0.3,"embeddingSize":128,"hiddenSize":96,"vocabularySize":10}"#
        let config = try JSONDecoder().decode(ReaderConfig.self, from: Data(old.utf8))
        #expect(config.modelingLayers == 0 && config.hiddenSize == 96)
        #expect(config.json == old)
        var bidaf = config
        bidaf.modelingLayers = 1
        #expect(bidaf.json.contains(#""modelingLayers":1"#))
        #expect(try JSONDecoder().decode(ReaderConfig.self, from: Data(bidaf.json.utf8)) == bidaf)
    }

    /// Random vectors for the units of every word in `texts` (a stand-in for trained ones).
    static func wordVectors(for texts: [String], dimension: Int) -> SubwordVectors {
        var keys = Set<UInt64>()
        for text in texts {
            let tokens = TokenizedText(text).tokens
            for word in SubwordUnits.words(tokens[...]) { keys.formUnion(SubwordUnits.keys(of: tokens[word].flatMap(\.text.unicodeScalars))) }
        }
        var random = SeededRandom(seed: 9)
        let sorted = keys.sorted()
        return SubwordVectors(dimension: dimension, keys: sorted, vectors: (0..<(sorted.count * dimension)).map { _ in random.normal() })
    }

    @Test(arguments: [(0, 0, false), (1, 0, false), (0, 5, false), (0, 0, true)])
    func gradientOfTheWholeReader(modelingLayers: Int, wordVectorSize: Int, conditionalEnd: Bool) {
        let items = Array(Self.examples().prefix(3))
        let vocabulary = Vocabulary.build(from: items.flatMap { TokenizedText($0.context + $0.question).tokens.map(\.text) })
        var config = ReaderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = 4; config.hiddenSize = 3; config.alignSize = 3; config.contextLayers = 2; config.dropout = 0
        config.modelingLayers = modelingLayers; config.wordVectorSize = wordVectorSize; config.conditionalEnd = conditionalEnd
        let vectors = wordVectorSize > 0 ? Self.wordVectors(for: items.flatMap { [$0.context, $0.question] }, dimension: wordVectorSize) : nil
        let model = ReaderModel(config: config, seed: 2)
        Self.randomizeEndCondition(model)
        // Weights 3× their initial size, so every path (h∘c2q included) moves the loss by more
        // than float rounding, and a dropped term shows.
        for i in 0..<model.store.count { model.store.values[i] *= 3 }
        model.store.markChanged()
        let (batch, spans, _) = Self.batch(items, vocabulary: vocabulary, wordVectors: vectors)
        if let vectors { #expect(batch.contextWords.count == batch.context.mask.batchSize * batch.context.mask.maxLength * vectors.dimension) }
        var random = SeededRandom(seed: 0)
        model.store.zeroGradients()
        _ = model.lossAndGradients(batch, answers: spans, random: &random)
        let analytic = Array(model.store.gradients)
        func loss() -> Double {
            var r = SeededRandom(seed: 0)
            let (s, e, _) = model.forward(batch, training: false, random: &r)
            let mask = batch.context.mask
            return Double(Loss.softmaxCrossEntropy(logits: ReaderModel.masked(s, mask), targets: spans.map { Int32($0.first) }).loss
                + Loss.softmaxCrossEntropy(logits: ReaderModel.masked(e, mask), targets: spans.map { Int32($0.last) }).loss)
        }
        let checks = sampledParameterGradients(store: model.store, analytic: analytic, samples: 300, seed: 4, eps: 1e-2, loss: loss)
        for (i, numeric, analytic) in checks {
            #expect(abs(numeric - analytic) <= 2e-3 + 2e-2 * abs(analytic), "parameter \(i): numeric \(numeric) analytic \(analytic)")
        }
        // And overall: ‖numeric − analytic‖ / ‖numeric‖ (catches a small term missing everywhere).
        let difference = checks.reduce(0) { $0 + Double(($1.numeric - $1.analytic) * ($1.numeric - $1.analytic)) }.squareRoot()
        let size = checks.reduce(0) { $0 + Double($1.numeric * $1.numeric) }.squareRoot()
        #expect(difference / size < 1e-2, "relative gradient error \(difference / size)")
    }

    /// The reader learns to point at the capital, and the answer is cut from the original text.
    /// The inference path (attention moved through the projection, no caches, weights laid out
    /// once) computes the training path's scores, on a padded batch of several windows, and
    /// follows the weights when they change.
    /// W_c of the conditional end starts at zero, where the path through it carries no gradient
    /// to the rest: random values let the checks see that path.
    static func randomizeEndCondition(_ model: ReaderModel) {
        guard let slot = model.endCondition else { return }
        var random = SeededRandom(seed: 11)
        let w = model.store.value(slot)
        for i in 0..<slot.shape.reduce(1, *) { w[i] = random.normal() }
        model.store.markChanged()
    }

    /// Distillation targets: a one-hot distribution trains exactly as the gold span does, and a
    /// spread one gives the gradient of its own loss (finite differences through the whole reader).
    @Test func distributionTargetsTrainLikeSpansAndHaveTheirGradient() {
        let items = Array(Self.examples().prefix(3))
        let vocabulary = Vocabulary.build(from: items.flatMap { TokenizedText($0.context + $0.question).tokens.map(\.text) })
        var config = ReaderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = 4; config.hiddenSize = 3; config.alignSize = 3; config.contextLayers = 1; config.dropout = 0
        let model = ReaderModel(config: config, seed: 2)
        for i in 0..<model.store.count { model.store.values[i] *= 3 }
        model.store.markChanged()
        let (batch, spans, _) = Self.batch(items, vocabulary: vocabulary)
        let lengths = batch.context.mask.lengths
        func lossAndGradients(_ targets: [SpanTarget]) -> (Float, [Float]) {
            var random = SeededRandom(seed: 0)
            model.store.zeroGradients()
            let loss = model.lossAndGradients(batch, targets: targets, random: &random)
            return (loss, Array(model.store.gradients))
        }
        func oneHot(_ index: Int, _ n: Int) -> [Float] { (0..<n).map { $0 == index ? 1 : 0 } }
        let hard = lossAndGradients(spans.map { .span(first: $0.first, last: $0.last) })
        let mixed = lossAndGradients([.distribution(start: oneHot(spans[0].first, lengths[0]), end: oneHot(spans[0].last, lengths[0]))]
            + spans.dropFirst().map { .span(first: $0.first, last: $0.last) })
        #expect(abs(hard.0 - mixed.0) < 1e-5)
        #expect(zip(hard.1, mixed.1).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-4 * abs($0) })
        // Spread targets: the loss moves with the weights as the gradient says.
        var random = SeededRandom(seed: 7)
        func spread(_ n: Int) -> [Float] {
            let raw = (0..<n).map { _ in Float.random(in: 0.01...1, using: &random) }
            let sum = raw.reduce(0, +)
            return raw.map { $0 / sum }
        }
        let targets: [SpanTarget] = lengths.map { .distribution(start: spread($0), end: spread($0)) }
        let analytic = lossAndGradients(targets).1
        #expect(analytic != hard.1)
        func loss() -> Double {
            var r = SeededRandom(seed: 0)
            let (s, e, _) = model.forward(batch, training: false, random: &r)
            let mask = batch.context.mask, T = mask.maxLength
            var startTargets = [Float](repeating: 0, count: mask.batchSize * T), endTargets = startTargets
            for (b, target) in targets.enumerated() {
                guard case .distribution(let st, let en) = target else { continue }
                for t in 0..<st.count { startTargets[b * T + t] = st[t]; endTargets[b * T + t] = en[t] }
            }
            return Double(Loss.softCrossEntropy(logits: ReaderModel.masked(s, mask), targets: startTargets).loss
                + Loss.softCrossEntropy(logits: ReaderModel.masked(e, mask), targets: endTargets).loss)
        }
        let checks = sampledParameterGradients(store: model.store, analytic: analytic, samples: 200, seed: 5, eps: 1e-2, loss: loss)
        for (i, numeric, analytic) in checks {
            #expect(abs(numeric - analytic) <= 2e-3 + 2e-2 * abs(analytic), "parameter \(i): numeric \(numeric) analytic \(analytic)")
        }
    }

    @Test(arguments: [(1, 0, 0, false), (2, 0, 5, false), (2, 1, 0, false), (2, 0, 5, true)])
    func inferenceScoresMatchTheTrainingForward(layers: Int, modelingLayers: Int, wordVectorSize: Int, conditionalEnd: Bool) {
        let items = Self.examples()
        let vocabulary = Vocabulary.build(from: items.flatMap { TokenizedText($0.context + $0.question).tokens.map(\.text) })
        var config = ReaderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = 6; config.hiddenSize = 5; config.alignSize = 4; config.contextLayers = layers
        config.modelingLayers = modelingLayers; config.wordVectorSize = wordVectorSize; config.conditionalEnd = conditionalEnd
        let vectors = wordVectorSize > 0 ? Self.wordVectors(for: items.flatMap { [$0.context, $0.question] }, dimension: wordVectorSize) : nil
        let model = ReaderModel(config: config, seed: 5)
        Self.randomizeEndCondition(model)
        let (batch, _, _) = Self.batch(items, vocabulary: vocabulary, wordVectors: vectors)
        #expect(Set(batch.context.mask.lengths).count > 1 && Set(batch.question.mask.lengths).count > 1, "the batch must be padded")
        func compare(_ batch: ReaderModel.Batch) {
            var random = SeededRandom(seed: 0)
            let (start, end, _) = model.forward(batch, training: false, random: &random)
            let fast = model.inferenceScores(batch)
            #expect(fast.start.shape == start.shape && fast.end.shape == end.shape)
            let mask = batch.context.mask, T = mask.maxLength
            var largest: Float = 0
            for b in 0..<mask.batchSize { for t in 0..<mask.lengths[b] {
                largest = max(largest, abs(fast.start.data[b * T + t] - start.data[b * T + t]), abs(fast.end.data[b * T + t] - end.data[b * T + t]))
            }}
            #expect(largest < 1e-4, "largest difference \(largest)")
            #expect(start.data.contains { abs($0) > 1e-3 }, "scores all near zero: the comparison would prove nothing")
        }
        compare(batch)
        for i in 0..<model.store.count { model.store.values[i] *= 1.5 }
        model.store.markChanged()
        compare(batch)
        // One window alone: the single-sequence path that reads the gates in place.
        compare(Self.batch(Array(items.prefix(1)), vocabulary: vocabulary, wordVectors: vectors).0)
    }

    /// A reader extended with the conditional end (W_c registered last, at zero) first scores
    /// exactly as the reader it came from; the extension changes the end scores once W_c moves.
    @Test func conditionalEndExtendsAReaderWithoutChangingIt() {
        let items = Self.examples()
        let vocabulary = Vocabulary.build(from: items.flatMap { TokenizedText($0.context + $0.question).tokens.map(\.text) })
        var config = ReaderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = 6; config.hiddenSize = 5; config.alignSize = 4; config.contextLayers = 1
        let base = ReaderModel(config: config, seed: 7)
        config.conditionalEnd = true
        let extended = ReaderModel(config: config, seed: 8)
        extended.store.copyValues(fromPrefix: base.store)
        #expect(extended.store.slots.last?.name == "end.condition.weight" && extended.store.slots.count == base.store.slots.count + 1)
        #expect(config.json.contains(#""conditionalEnd":true"#))
        let (batch, _, _) = Self.batch(items, vocabulary: vocabulary)
        let before = base.inferenceScores(batch), after = extended.inferenceScores(batch)
        #expect(before.start.data == after.start.data && before.end.data == after.end.data)
        Self.randomizeEndCondition(extended)
        let moved = extended.inferenceScores(batch)
        #expect(moved.start.data == before.start.data && moved.end.data != before.end.data)
    }

    @Test func overfitsTinyQAAndCutsAnswersFromTheContext() {
        let items = Self.examples()
        let vocabulary = Vocabulary.build(from: items.flatMap { TokenizedText($0.context + $0.question).tokens.map(\.text) })
        var config = ReaderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = 16; config.hiddenSize = 16; config.alignSize = 16; config.contextLayers = 1; config.dropout = 0
        let model = ReaderModel(config: config, seed: 3)
        let (batch, spans, contexts) = Self.batch(items, vocabulary: vocabulary)
        var adam = Adam(learningRate: 0.02)
        var random = SeededRandom(seed: 1)
        var loss: Float = 0
        for _ in 0..<150 {
            model.store.zeroGradients()
            loss = model.lossAndGradients(batch, answers: spans, random: &random)
            adam.update(model.store)
        }
        #expect(loss < 0.05, "loss \(loss)")
        for (i, probs) in model.spanLogProbabilities(batch).enumerated() {
            let best = SpanDecoder.best(startScores: probs.start, endScores: probs.end, maxLength: 10)[0]
            #expect(SpanDecoder.answer(best, in: contexts[i]).text == items[i].answer)
        }
    }

    /// An ensemble scores each span by the geometric mean of its members' P(start)·P(end): the
    /// mean of their log-probabilities. A reader in an ensemble with itself answers as alone.
    @Test func ensembleAveragesTheReadersLogProbabilities() throws {
        let items = Self.examples()
        let vocabulary = Vocabulary.build(from: items.flatMap { TokenizedText($0.context + $0.question).tokens.map(\.text) })
        var config = ReaderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = 6; config.hiddenSize = 5; config.alignSize = 4
        let first = Reader(model: ReaderModel(config: config, seed: 5), vocabulary: vocabulary, settings: ReaderSettings())
        let second = Reader(model: ReaderModel(config: config, seed: 6), vocabulary: vocabulary, settings: ReaderSettings())
        let (context, question, _) = items[0]
        func scores(_ reader: Reader) -> [[Int]: Float] {
            Dictionary(uniqueKeysWithValues: reader.answers(question: question, context: context, top: 10_000).map { ([$0.start, $0.end], $0.score) })
        }
        let alone = scores(first), other = scores(second)
        #expect(alone.count > 100 && alone.keys == other.keys, "every span of the short context, from both readers")
        let expected = alone.map { span, p in (span, (p * other[span]!).squareRoot()) }.sorted { $0.1 > $1.1 }
        first.ensemble = [second]
        let together = first.answers(question: question, context: context, top: 3)
        #expect(together.map { [$0.start, $0.end] } == expected.prefix(3).map(\.0))
        for (answer, (_, p)) in zip(together, expected) { #expect(abs(answer.score - p) <= 1e-4 * p, "\(answer.score) against \(p)") }
        // On two threads the readers read side by side, with the same result.
        Parallelism.configure(threads: 2)
        let sideBySide = first.answers(question: question, context: context, top: 3)
        Parallelism.configure(threads: 1)
        #expect(sideBySide == together)
        #expect(expected[0].0 != alone.max { $0.value < $1.value }!.key || together[0].score != alone.values.max()!,
                "the ensemble must differ from the first reader alone, or the test proves nothing")
        first.ensemble = [Reader(model: first.model, vocabulary: vocabulary, settings: ReaderSettings())]
        let doubled = first.answers(question: question, context: context, top: 5)
        first.ensemble = []
        #expect(doubled == first.answers(question: question, context: context, top: 5))
    }
}
