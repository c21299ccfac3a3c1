import Foundation
import Hangul
import NeuralCore
import WordVectors

/// How a reader cuts contexts and decodes answers (stored with the model; may differ from the
/// values it was trained with).
public struct ReaderSettings: ModelConfig {
    /// Syllables per window a context is read in; longer contexts are read in overlapping
    /// windows. Training cuts shorter windows (`ReaderTrainingOptions.trainingWindowLength`);
    /// the BiLSTMs read longer ones fine, and a window that holds the whole passage lets the
    /// pointers compare every candidate at once (5-fold CV F1 +0.2–0.3 over 512 on three folds).
    public var windowLength = 1024
    /// Syllables between the starts of consecutive windows.
    public var windowStride = 512
    /// Longest answer in syllables (KorQuAD dev: 99% of answers ≤ 17 characters).
    public var maxAnswerLength = 30

    public init() {}

    /// Window and answer lengths must be positive, and windows must overlap or touch (stride ≤
    /// length), or a context could not be read at all.
    public func check() -> ConfigCheck {
        var check = ConfigCheck()
        check.size("windowLength", windowLength, in: 1...1_000_000)
        check.size("windowStride", windowStride, in: 1...max(1, windowLength))
        check.size("maxAnswerLength", maxAnswerLength, in: 1...1_000_000)
        return check
    }
}

/// One answer: text cut from the ORIGINAL context by code-point offsets [start, end).
public struct ReaderAnswer: Equatable, Sendable {
    public var text: String
    public var start: Int
    public var end: Int
    /// P(start) · P(end) within the window the answer was read from, in 0...1.
    public var score: Float
}

/// A trained reader: model, vocabulary and settings, saved as a directory with
/// `model.safetensors` (weights; config and settings in its metadata), `vocab.txt` and, when the
/// reader uses pre-trained word vectors, `word-vectors.safetensors`.
///
/// ```swift
/// let reader = try Reader.load(from: "resources/reader-korquad")
/// reader.answers(question: "지미 카터는 몇 대 대통령인가?", context: passage, top: 1)[0].text   // "39"
/// ```
public final class Reader: @unchecked Sendable {
    public let model: ReaderModel
    public let vocabulary: Vocabulary
    public var settings: ReaderSettings
    /// The frozen word vectors the model reads beside its syllable embeddings (nil: none).
    public let wordVectors: SubwordVectors?
    /// Other readers that read every window too: the span log-probabilities of all of them are
    /// averaged (a product-of-experts ensemble; each reads with its own vocabulary and word
    /// vectors). More accurate, and as many times slower as there are readers.
    public var ensemble: [Reader] = []

    public init(model: ReaderModel, vocabulary: Vocabulary, settings: ReaderSettings, wordVectors: SubwordVectors? = nil) {
        precondition(model.config.vocabularySize == vocabulary.count, "model and vocabulary sizes differ")
        precondition(model.config.wordVectorSize == (wordVectors?.dimension ?? 0), "the model's word-vector size and the word vectors differ")
        self.model = model; self.vocabulary = vocabulary; self.settings = settings; self.wordVectors = wordVectors
    }

    /// The model's input for windows of contexts and their questions.
    func batch(contexts: [ArraySlice<Token>], questions: [[Token]]) -> ReaderModel.Batch {
        ReaderModel.Batch(contexts: contexts, questions: questions, vocabulary: vocabulary, wordVectors: wordVectors)
    }

    /// A question to read: its syllable tokens and the tokenized context it is asked about.
    struct Job {
        var item: Int
        var question: [Token]
        var context: Int
        var window: Range<Int>
    }

    /// The question's syllable tokens, as the model sees them.
    static func questionTokens(_ question: String) -> [Token] { TokenizedText(question).tokens }

    /// The `top` best spans of every job, as (item, first token, last token, score) with token
    /// indices into the whole context. Jobs are batched by window length.
    func spans(_ jobs: [Job], contexts: [TokenizedText], top: Int, batchSize: Int,
               progress: ((Int) -> Void)? = nil) -> [[(first: Int, last: Int, score: Float)]] {
        var result = [[(first: Int, last: Int, score: Float)]](repeating: [], count: jobs.count)
        let order = jobs.indices.sorted { jobs[$0].window.count < jobs[$1].window.count }
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let chunk = order[start..<min(start + batchSize, order.count)]
            let logProbabilities = spanLogProbabilities(contexts: chunk.map { contexts[jobs[$0].context].tokens[jobs[$0].window] },
                                                        questions: chunk.map { jobs[$0].question })
            for (j, probs) in zip(chunk, logProbabilities) {
                let offset = jobs[j].window.lowerBound
                result[j] = SpanDecoder.best(startScores: probs.start, endScores: probs.end,
                                             maxLength: settings.maxAnswerLength, k: top)
                    .map { (offset + $0.first, offset + $0.last, Foundation.exp($0.score)) }
            }
            progress?(min(start + batchSize, order.count))
        }
        return result
    }

    /// Start and end log-probabilities over each window's tokens: the model's, or with an
    /// ensemble the mean over its readers (which read side by side when there are threads for it).
    func spanLogProbabilities(contexts windows: [ArraySlice<Token>], questions: [[Token]]) -> [(start: [Float], end: [Float])] {
        let readers = [self] + ensemble
        let perReader = Parallelism.map(readers.count) { k in
            readers[k].model.spanLogProbabilities(readers[k].batch(contexts: windows, questions: questions))
        }
        return perReader.count == 1 ? perReader[0] : perReader[0].indices.map { b in
            (start: Self.mean(perReader.map { $0[b].start }), end: Self.mean(perReader.map { $0[b].end }))
        }
    }

    /// The element-wise mean of equally long rows (summed in order, then scaled).
    static func mean(_ rows: [[Float]]) -> [Float] {
        var sum = rows[0]
        for row in rows.dropFirst() { for i in sum.indices { sum[i] += row[i] } }
        let share = 1 / Float(rows.count)
        return sum.map { $0 * share }
    }

    /// Windows of one context as jobs.
    func jobs(item: Int, question: [Token], context: Int, tokenCount: Int) -> [Job] {
        guard !question.isEmpty else { return [] }  // nothing to align the passage with
        return ContextWindows.windows(tokenCount: max(tokenCount, 1), length: settings.windowLength, stride: settings.windowStride)
            .map { Job(item: item, question: question, context: context, window: $0.clamped(to: 0..<tokenCount)) }
            .filter { !$0.window.isEmpty }
    }

    /// The best answers to `question` in `context`, best first (fewer when the context is short;
    /// none when the context or the question has no tokens).
    public func answers(question: String, context: String, top: Int = 1) -> [ReaderAnswer] {
        predict([(question, context)], top: top)[0]
    }

    /// Answers for many (question, context) pairs; contexts repeated across questions are
    /// tokenized once. `progress` receives the number of windows read so far and the total.
    public func predict(_ items: [(question: String, context: String)], top: Int = 1, batchSize: Int = 32,
                        progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> [[ReaderAnswer]] {
        let corpus = ReaderCorpus(items.map { QAItem(id: "", question: $0.question, context: $0.context, answers: []) })
        return answers(corpus, items: Array(corpus.items.indices), top: top, batchSize: batchSize, progress: progress)
    }

    /// The `top` answers to each of the corpus items `items` (in that order), best first: every
    /// window of the item's context is read, and a span that overlapping windows both find is
    /// kept once, with its best score.
    func answers(_ corpus: ReaderCorpus, items: [Int], top: Int, batchSize: Int,
                 progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> [[ReaderAnswer]] {
        var jobs: [Job] = []
        for (position, i) in items.enumerated() {
            let item = corpus.items[i]
            jobs += self.jobs(item: position, question: item.question, context: item.context,
                              tokenCount: corpus.contexts[item.context].tokens.count)
        }
        let spans = self.spans(jobs, contexts: corpus.contexts, top: top, batchSize: batchSize,
                               progress: progress.map { report in { report($0, jobs.count) } })
        var perItem = [[(first: Int, last: Int, score: Float)]](repeating: [], count: items.count)
        for (job, found) in zip(jobs, spans) { perItem[job.item] += found }
        return zip(items, perItem).map { i, candidates in
            let context = corpus.contexts[corpus.items[i].context]
            var seen = Set<[Int]>()
            return candidates.sorted { $0.score > $1.score }.filter { seen.insert([$0.first, $0.last]).inserted }.prefix(top).map { c in
                let cut = context.text(first: c.first, last: c.last)
                return ReaderAnswer(text: cut.text, start: cut.start, end: cut.end, score: c.score)
            }
        }
    }

    /// Best answer per question of a dataset, as the official prediction file wants
    /// (`{"id": "answer"}`; an empty string when the context has no tokens).
    public func predict(_ dataset: SquadDataset, batchSize: Int = 32,
                        progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> [String: String] {
        let questions = dataset.questions
        let answers = predict(questions.map { ($0.question.text, $0.context) }, top: 1, batchSize: batchSize, progress: progress)
        return Dictionary(uniqueKeysWithValues: zip(questions, answers).map { ($0.question.id, $1.first?.text ?? "") })
    }

    // MARK: - Files

    static let modelFile = "model.safetensors", vocabularyFile = "vocab.txt", settingsKey = "korqa.reader.settings"
    static let wordVectorFile = "word-vectors.safetensors"

    public func save(to directory: String, metadata: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try vocabulary.save(to: directory + "/" + Self.vocabularyFile)
        if let wordVectors { try wordVectors.save(to: directory + "/" + Self.wordVectorFile) }
        var meta = metadata
        meta[Self.settingsKey] = settings.json  // sorted keys: the same run writes the same bytes
        try Checkpoint.save(model.store, to: directory + "/" + Self.modelFile, config: model.config.json,
                            vocabularyFingerprint: String(vocabulary.fingerprint), metadata: meta)
    }

    public static func load(from directory: String) throws -> Reader {
        let modelPath = directory + "/" + modelFile
        guard FileManager.default.fileExists(atPath: modelPath) else { throw MRCError.modelNotFound(path: directory) }
        let vocabulary: Vocabulary
        do { vocabulary = try Vocabulary.load(from: directory + "/" + vocabularyFile) } catch {
            throw MRCError.badModel(path: directory, reason: "\(error)")
        }
        let (configText, parameterValueCount) = try Checkpoint.header(at: modelPath)
        guard let config = try? JSONDecoder().decode(ReaderConfig.self, from: Data(configText.utf8)) else {
            throw MRCError.badModel(path: directory, reason: "its config is not a reader's: \(configText)")
        }
        try config.check(fileHolds: parameterValueCount).verify(path: modelPath)
        guard config.vocabularySize == vocabulary.count else {
            throw MRCError.badModel(path: directory, reason: "vocab.txt has \(vocabulary.count) entries, the model expects \(config.vocabularySize)")
        }
        var wordVectors: SubwordVectors?
        if config.wordVectorSize > 0 {
            do { wordVectors = try SubwordVectors.load(from: directory + "/" + wordVectorFile) } catch {
                throw MRCError.badModel(path: directory, reason: "the model reads word vectors: \(error)")
            }
            guard wordVectors!.dimension == config.wordVectorSize else {
                throw MRCError.badModel(path: directory, reason: "\(wordVectorFile) has vectors of size \(wordVectors!.dimension), the model expects \(config.wordVectorSize)")
            }
        }
        let model = ReaderModel(config: config, seed: 0)
        let loaded = try Checkpoint.load(into: model.store, from: modelPath, config: configText,
                                         vocabularyFingerprint: String(vocabulary.fingerprint))
        var settings = ReaderSettings()
        if let text = loaded.metadata[settingsKey] {
            guard let decoded = try? JSONDecoder().decode(ReaderSettings.self, from: Data(text.utf8)) else {
                throw NeuralError.invalidConfig(path: modelPath, reason: "\(settingsKey) is not reader settings: \(text)")
            }
            settings = decoded
        }
        try settings.check().verify(path: modelPath)
        return Reader(model: model, vocabulary: vocabulary, settings: settings, wordVectors: wordVectors)
    }

    public static func metadata(at directory: String) throws -> [String: String] {
        try SafeTensorsFile(path: directory + "/" + modelFile).metadata
    }
}
