import Foundation
import Hangul
import NeuralCore
import WordVectors

/// One question about one context, with its gold answers (offsets in code points).
public struct QAItem: Sendable {
    public var id: String
    public var question: String
    public var context: String
    public var answers: [SquadDataset.Answer]

    public init(id: String, question: String, context: String, answers: [SquadDataset.Answer]) {
        self.id = id; self.question = question; self.context = context; self.answers = answers
    }
}

extension SquadDataset {
    /// Every question as a `QAItem`.
    public var items: [QAItem] {
        questions.map { QAItem(id: $0.question.id, question: $0.question.text, context: $0.context, answers: $0.question.answers) }
    }

    /// The same dataset with only the given articles (by index), e.g. one cross-validation fold.
    public func subset(articles indices: [Int]) -> SquadDataset {
        var copy = self
        copy.articles = indices.map { articles[$0] }
        copy.misalignedAnswers = []
        return copy
    }
}

/// QA items prepared for the reader: contexts tokenized once, questions tokenized, and the
/// first gold answer that the context really holds mapped to a token span.
public struct ReaderCorpus: Sendable {
    struct Item: Sendable {
        var question: [Token]
        var context: Int
        var golds: [String]
        /// Token indices (inclusive) of the answer in the whole context; nil when no gold answer
        /// lines up with the context (still scored, never trained on).
        var span: ClosedRange<Int>?
    }

    var contexts: [TokenizedText] = []
    var items: [Item] = []

    public var count: Int { items.count }
    /// Items a model can be trained on (an answer that lines up with its context).
    public var trainableCount: Int { items.reduce(0) { $0 + ($1.span == nil ? 0 : 1) } }

    public init(_ qa: [QAItem]) {
        var index: [String: Int] = [:]
        for item in qa {
            let c: Int
            if let known = index[item.context] { c = known } else {
                c = contexts.count
                index[item.context] = c
                contexts.append(TokenizedText(item.context))
            }
            let scalars = Array(item.context.unicodeScalars)
            let aligned = item.answers.first { a in
                let n = a.text.unicodeScalars.count
                return n > 0 && a.start >= 0 && a.start + n <= scalars.count
                    && String(String.UnicodeScalarView(scalars[a.start..<(a.start + n)])) == a.text
            }
            let span = aligned.flatMap { contexts[c].tokenSpan(start: $0.start, length: $0.text.unicodeScalars.count) }
            items.append(Item(question: Reader.questionTokens(item.question), context: c, golds: item.answers.map(\.text), span: span))
        }
    }

    /// All syllable tokens (contexts and questions), for building a vocabulary.
    public var tokenTexts: [String] {
        contexts.flatMap { $0.tokens.map(\.text) } + items.flatMap { $0.question.map(\.text) }
    }
}

/// Everything a reader training run needs besides the data.
public struct ReaderTrainingOptions: Sendable {
    public var train = TrainConfig(epochs: 12, batchSize: 32, learningRate: 2e-3, warmupSteps: 300, decay: .linear,
                                   clipNorm: 5, patience: 3, seed: 1)
    /// The architecture of a new reader (its `vocabularySize` comes from the vocabulary). Hidden
    /// size 96 keeps a 500-syllable answer under 10 ms on one core (128: ~13 ms).
    public var architecture: ReaderConfig = {
        var config = ReaderConfig(vocabularySize: 0)
        config.hiddenSize = 96
        return config
    }()
    public var settings = ReaderSettings()
    /// Pre-trained word vectors a new reader reads (frozen); their size sets
    /// `architecture.wordVectorSize`. A reader trained from `initial` keeps its own.
    public var wordVectors: SubwordVectors?
    /// Dropout while training from `initial` (nil: the initial reader's). It changes no weight, so
    /// a pre-trained reader can be fine-tuned with more of it on a small labelled set.
    public var fineTuneDropout: Float?
    /// Give a reader trained from `initial` the conditional end pointer
    /// (`ReaderConfig.conditionalEnd`) if it has none; it starts at zero, so the reader first
    /// answers as `initial` does.
    public var addConditionalEnd = false
    /// Training examples are windows of at most this many syllables around the answer (and
    /// `trainingWindowStride` apart): shorter than reading windows, so batches stay cheap.
    public var trainingWindowLength = 512
    public var trainingWindowStride = 256
    /// Vocabulary: syllables seen at least this often, at most `maxVocabulary` entries.
    public var minCount = 2
    public var maxVocabulary = 10_000
    public init() {}
}

/// A training example is one (question, window) pair; validation examples stand for whole
/// questions (all their windows are read and the best span scored by F1).
public struct ReaderExample: Sendable {
    var item: Int
    var window: Range<Int>
    /// Answer token indices inside the window.
    var first: Int, last: Int
    /// A distillation example instead: its index in `DistillationSet.examples` of the task's
    /// set number `taughtBy` (the target is there; `item`, `window`, `first` and `last` are unused).
    var taught: Int? = nil
    var taughtBy = 0
}

final class ReaderTask: TrainingTask {
    let reader: Reader
    let train: ReaderCorpus
    let validation: ReaderCorpus
    /// Targets of distillation examples (`ReaderExample.taughtBy` indexes them).
    let distillation: [DistillationSet]
    var store: ParameterStore { reader.model.store }
    var configJSON: String { reader.model.config.json }
    let metricName = "f1"
    var lastExactMatch = 0.0

    init(reader: Reader, train: ReaderCorpus, validation: ReaderCorpus, distillation: [DistillationSet] = []) {
        self.reader = reader; self.train = train; self.validation = validation; self.distillation = distillation
    }

    /// One example per trainable item: the window that holds the answer most centrally.
    static func trainingExamples(_ corpus: ReaderCorpus, windowLength: Int, stride: Int) -> [ReaderExample] {
        corpus.items.enumerated().compactMap { i, item in
            guard let span = item.span else { return nil }
            let n = corpus.contexts[item.context].tokens.count
            let windows = ContextWindows.windows(tokenCount: n, length: windowLength, stride: stride)
            let center = (span.lowerBound + span.upperBound) / 2
            guard let window = windows.filter({ $0.contains(span.lowerBound) && $0.contains(span.upperBound) })
                .min(by: { abs(($0.lowerBound + $0.upperBound) / 2 - center) < abs(($1.lowerBound + $1.upperBound) / 2 - center) })
            else { return nil }  // an answer longer than a window
            return ReaderExample(item: i, window: window, first: span.lowerBound - window.lowerBound, last: span.upperBound - window.lowerBound)
        }
    }

    static func validationExamples(_ corpus: ReaderCorpus) -> [ReaderExample] {
        corpus.items.indices.map { ReaderExample(item: $0, window: 0..<0, first: 0, last: 0) }
    }

    /// One example per labelled window of `distillation`, set number `set` of the task.
    static func distillationExamples(_ distillation: DistillationSet, set: Int) -> [ReaderExample] {
        distillation.examples.indices.map {
            ReaderExample(item: 0, window: distillation.examples[$0].window, first: 0, last: 0, taught: $0, taughtBy: set)
        }
    }

    func length(of example: ReaderExample) -> Int { example.window.count }

    func lossAndGradients(_ batch: [ReaderExample], random: inout SeededRandom) -> Float {
        var windows: [ArraySlice<Token>] = [], questions: [[Token]] = [], targets: [SpanTarget] = []
        for example in batch {
            if let t = example.taught {
                let set = distillation[example.taughtBy], taught = set.examples[t], item = set.corpus.items[taught.item]
                windows.append(set.corpus.contexts[item.context].tokens[taught.window])
                questions.append(item.question)
                targets.append(.distribution(start: taught.start, end: taught.end))
            } else {
                let item = train.items[example.item]
                windows.append(train.contexts[item.context].tokens[example.window])
                questions.append(item.question)
                targets.append(.span(first: example.first, last: example.last))
            }
        }
        return reader.model.lossAndGradients(reader.batch(contexts: windows, questions: questions), targets: targets, random: &random)
    }

    func evaluate(_ examples: [ReaderExample]) -> Double {
        let score = Self.score(reader, validation, items: examples.map(\.item))
        lastExactMatch = score.exactMatch
        return score.f1
    }

    /// EM and F1 (0–100) of the reader's best answer for the given items, by the official metric.
    static func score(_ reader: Reader, _ corpus: ReaderCorpus, items: [Int]) -> (exactMatch: Double, f1: Double) {
        guard !items.isEmpty else { return (0, 0) }
        var em = 0.0, f1 = 0.0
        for (i, answers) in zip(items, reader.answers(corpus, items: items, top: 1, batchSize: 64)) {
            guard let text = answers.first?.text else { continue }
            let golds = corpus.items[i].golds
            em += golds.contains { KorQuADMetric.exactMatch(text, $0) } ? 1 : 0
            f1 += golds.map { KorQuADMetric.f1(text, $0) }.max() ?? 0
        }
        return (100 * em / Double(items.count), 100 * f1 / Double(items.count))
    }
}

extension Reader {
    /// A vocabulary of the syllables of `texts` (contexts, questions, pre-training text).
    public static func buildVocabulary(_ tokens: [String], options: ReaderTrainingOptions) -> Vocabulary {
        Vocabulary.build(from: tokens, minCount: options.minCount, maxSize: options.maxVocabulary)
    }

    /// Trains a reader. Checkpoints, metrics.jsonl and learning-curve.svg go to
    /// `directory/training`, the final model (best validation F1, or the last epoch with
    /// `keepLast`) to `directory`.
    ///
    /// - Parameter initial: a reader to start from (e.g. one pre-trained on synthetic
    ///   questions); its vocabulary and architecture are kept. Without it, a new model is built
    ///   over `vocabulary`.
    /// - Parameter taught: `train`'s own training windows with a teacher's targets
    ///   (`distillationTargets(training:)`), trained on instead of the gold spans alone.
    /// - Parameter distillation: more questions a teacher labelled (`distillationTargets`), trained
    ///   on beside `train`, each epoch.
    public static func train(train: ReaderCorpus, validation: ReaderCorpus, options: ReaderTrainingOptions,
                             vocabulary: Vocabulary, initial: Reader? = nil, taught: DistillationSet? = nil, distillation: DistillationSet? = nil,
                             directory: String, resume: Bool = false,
                             observer: (any TrainingObserver)? = nil, metadata: [String: String] = [:],
                             keepLast: Bool = false) throws -> (Reader, TrainingSummary) {
        let reader: Reader
        if let initial {
            var config = initial.model.config
            if let dropout = options.fineTuneDropout { config.dropout = dropout }
            if options.addConditionalEnd { config.conditionalEnd = true }
            let model = ReaderModel(config: config, seed: options.train.seed)
            model.store.copyValues(fromPrefix: initial.model.store)
            reader = Reader(model: model, vocabulary: initial.vocabulary, settings: options.settings, wordVectors: initial.wordVectors)
        } else {
            var config = options.architecture
            config.vocabularySize = vocabulary.count
            config.wordVectorSize = options.wordVectors?.dimension ?? 0
            reader = Reader(model: ReaderModel(config: config, seed: options.train.seed), vocabulary: vocabulary, settings: options.settings,
                            wordVectors: options.wordVectors)
        }
        let sets = [taught, distillation].compactMap { $0 }
        if let taught { precondition(taught.corpus.count == train.count, "taught targets must label the training corpus") }
        let examples = (taught == nil ? ReaderTask.trainingExamples(train, windowLength: options.trainingWindowLength, stride: options.trainingWindowStride) : [])
            + sets.indices.flatMap { ReaderTask.distillationExamples(sets[$0], set: $0) }
        guard !examples.isEmpty else {
            throw MRCError.cannotTrain(reason: "none of the \(train.count) training questions has an answer that lines up with its context")
        }
        guard validation.count > 0 else { throw MRCError.cannotTrain(reason: "the validation set is empty") }
        let task = ReaderTask(reader: reader, train: train, validation: validation, distillation: sets)
        let trainer = Trainer(task: task, config: options.train, directory: directory + "/training")
        trainer.observer = observer
        let summary = try trainer.run(train: examples, validation: ReaderTask.validationExamples(validation), resume: resume)
        try Checkpoint.load(into: reader.model.store, from: keepLast ? summary.lastWeights : summary.bestCheckpoint,
                            config: reader.model.config.json)
        var meta = metadata
        meta[keepLast ? "korqa.reader.training_sample_f1" : "korqa.reader.validation_f1"] =
            String(format: "%.2f", keepLast ? summary.records.last?.validationMetric ?? 0 : summary.bestMetric)
        try reader.save(to: directory, metadata: meta)
        return (reader, summary)
    }
}
