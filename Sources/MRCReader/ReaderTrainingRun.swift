import Foundation
import Hangul
import NeuralCore
import WordVectors

/// Everything one reader training run needs: data, the optional Wikipedia pre-training and
/// distillation, cross-validation, the architecture of a new reader and the optimizer's
/// settings. Field names are those of `korqa train reader`'s flags (`batchSize` ↔
/// `--batch-size`), so a front end maps them one to one; `check()` names fields the same way.
public struct ReaderRunConfig: Codable, Equatable, Sendable {
    /// KorQuAD/SQuAD JSON files to train on; with `folds` > 1 the first is cross-validated.
    public var train: [String]
    /// Validation data (nil: 5% of the training articles, or a training sample with `noHoldout`).
    public var dev: String?
    /// The output folder.
    public var out: String
    /// WikiExtractor text for synthetic-question pre-training (OUT/pretrain).
    public var pretrainCorpus: String?
    public var pretrainQuestions = 60_000
    public var pretrainEpochs = 2
    /// Paragraphs per article that synthetic questions come from (2 questions each).
    public var pretrainParagraphs = 8
    /// Share of synthetic questions reworded, and asked wh-word last, in [0, 1].
    public var pretrainNoise = 0.8
    public var pretrainWhLast = 0.3
    /// Pre-trained word vectors for a new reader (a `SubwordVectors` file).
    public var wordVectors: String?
    /// A reader (with `folds` > 1: a cross-validation folder, DIR/fold-N for fold N) to start from.
    public var initFrom: String?
    /// Teacher readers (an ensemble) whose start/end probabilities the new reader learns.
    public var teacher: [String] = []
    public var distillGoldWeight: Float = 0.5
    /// WikiExtractor text whose later paragraphs give questions the teachers alone label.
    public var distillCorpus: String?
    public var distillQuestions = 6_000
    public var folds = 1
    /// With `folds` > 1: train and score only these folds (1-based; empty = all). One held-out
    /// reader is enough for an open-domain evaluation, at a fifth of the cost.
    public var onlyFolds: [Int] = []
    /// Fold assignment (index<TAB>fold<TAB>title per article of the first training file).
    public var foldFile: String?
    public var epochs = 12
    public var seed: UInt64 = 1
    public var batchSize = 32
    public var learningRate: Float = 2e-3
    public var patience = 3
    public var warmupSteps = 300
    /// Moving average of the weights with this decay per step (0: off).
    public var averageDecay: Float = 0
    /// Architecture of a new reader (nil: the default); a reader started from `initFrom` keeps
    /// its own and refuses these.
    public var embed: Int?
    public var hidden: Int?
    public var layers: Int?
    public var modelingLayers: Int?
    /// Dropout (with `initFrom`: the fine-tuning's; nil keeps the reader's own).
    public var dropout: Float?
    public var conditionalEnd = false
    /// Syllables per training window and between their starts; per reading window.
    public var window = 512
    public var stride = 256
    public var readWindow = 1024
    public var maxAnswer = 30
    /// At most this many questions of each training file (quick trials).
    public var limit: Int?
    /// Train on every question (no held-out articles), all epochs, keep the last.
    public var noHoldout = false
    /// Continue an interrupted run from its checkpoints.
    public var resume = false

    public init(train: [String], out: String) {
        self.train = train
        self.out = out
    }

    /// Refuses impossible or contradictory settings before anything is read or written.
    public func check() throws(MRCError) {
        func bad(_ field: String, _ reason: String) -> MRCError { .invalidRunConfig(fields: [field], reason: reason) }
        guard !train.isEmpty else { throw bad("train", "give at least one training file") }
        for (name, value) in [("epochs", epochs), ("batchSize", batchSize), ("patience", patience), ("embed", embed ?? 1),
                              ("hidden", hidden ?? 1), ("layers", layers ?? 1), ("folds", folds),
                              ("window", window), ("stride", stride), ("readWindow", readWindow), ("maxAnswer", maxAnswer),
                              ("pretrainEpochs", pretrainEpochs), ("pretrainQuestions", pretrainQuestions),
                              ("pretrainParagraphs", pretrainParagraphs), ("distillQuestions", distillQuestions)] where value < 1 {
            throw bad(name, "must be at least 1 (got \(value))")
        }
        guard (modelingLayers ?? 0) >= 0 else { throw bad("modelingLayers", "must not be negative (got \(modelingLayers ?? 0))") }
        guard warmupSteps >= 0 else { throw bad("warmupSteps", "must not be negative") }
        guard stride <= window else { throw bad("stride", "(\(stride)) must not exceed the window (\(window))") }
        guard learningRate > 0 else { throw bad("learningRate", "must be positive") }
        guard averageDecay >= 0 && averageDecay < 1 else { throw bad("averageDecay", "must be in [0, 1) (got \(averageDecay))") }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw bad("dropout", "must be in [0, 1)") }
        guard (0...1).contains(pretrainNoise) else { throw bad("pretrainNoise", "must be in [0, 1] (got \(pretrainNoise))") }
        guard (0...1).contains(pretrainWhLast) else { throw bad("pretrainWhLast", "must be in [0, 1] (got \(pretrainWhLast))") }
        if pretrainCorpus != nil && initFrom != nil { throw bad("initFrom", "pre-train on a corpus or start from a reader, not both") }
        if initFrom != nil {
            let given = [("wordVectors", wordVectors != nil), ("embed", embed != nil), ("hidden", hidden != nil), ("layers", layers != nil),
                         ("modelingLayers", modelingLayers != nil)].filter(\.1).map(\.0)
            if !given.isEmpty {
                throw MRCError.invalidRunConfig(fields: given, reason: "cannot be set when starting from another reader: it keeps the architecture and word vectors of the reader it starts from")
            }
        }
        if teacher.isEmpty && distillCorpus != nil { throw bad("teacher", "is needed: the distillation corpus makes questions for teachers to label") }
        guard (0...1).contains(distillGoldWeight) else { throw bad("distillGoldWeight", "must be in [0, 1] (got \(distillGoldWeight))") }
        if let fold = onlyFolds.first(where: { !(1...folds).contains($0) }) {
            throw bad("onlyFolds", folds > 1 ? "fold \(fold) is not one of 1…\(folds)" : "needs cross-validation (folds > 1)")
        }
        if folds > 1 && dev != nil { throw bad("dev", "cannot be combined with cross-validation (each fold holds out its own validation articles)") }
        if noHoldout && dev != nil { throw bad("dev", "cannot be combined with training on every question (no hold-out)") }
    }

    /// The library's training options for this run (`vectors`: the loaded `wordVectors`).
    public func trainingOptions(wordVectors vectors: SubwordVectors?) -> ReaderTrainingOptions {
        var o = ReaderTrainingOptions()
        o.wordVectors = vectors
        if let embed { o.architecture.embeddingSize = embed }
        if let hidden { o.architecture.hiddenSize = hidden }
        if let layers { o.architecture.contextLayers = layers }
        if let modelingLayers { o.architecture.modelingLayers = modelingLayers }
        if let dropout { o.architecture.dropout = dropout; o.fineTuneDropout = initFrom != nil ? dropout : nil }
        o.architecture.conditionalEnd = conditionalEnd
        o.addConditionalEnd = conditionalEnd && initFrom != nil
        o.trainingWindowLength = window; o.trainingWindowStride = stride
        o.settings.windowLength = readWindow; o.settings.windowStride = max(1, readWindow / 2); o.settings.maxAnswerLength = maxAnswer
        o.train = TrainConfig(epochs: epochs, batchSize: batchSize, learningRate: learningRate, warmupSteps: warmupSteps,
                              decay: .linear, clipNorm: 5, patience: patience, seed: seed,
                              averageDecay: averageDecay > 0 ? averageDecay : nil)
        return o
    }
}

/// What a run tells its front end while it works (training progress comes through the
/// `TrainingObserver` methods).
public protocol ReaderRunObserver: TrainingObserver {
    /// What the run is doing or found (a line).
    func note(_ message: String)
    func warning(_ message: String)
    /// A status line that the next one replaces (`\r` at its start; `\n` ends the series).
    func progress(_ message: String)
    /// A training phase ended: pre-training, a fold, or the single run.
    func phaseFinished(_ phase: ReaderRunResult.Phase, summary: TrainingSummary, keptLast: Bool)
    /// Fold `fold` (1-based) of `folds` answered its test questions.
    func foldScored(_ fold: Int, of folds: Int, score: KorQuADMetric.Score)
}

/// The outcome of a run.
public struct ReaderRunResult: Codable, Equatable, Sendable {
    public enum Phase: String, Codable, Sendable { case pretraining, fold, training }

    public struct FoldScore: Codable, Equatable, Sendable {
        public var fold: Int
        public var exactMatch: Double
        public var f1: Double
        public var count: Int
    }

    public struct PooledScore: Codable, Equatable, Sendable {
        public var exactMatch: Double
        public var f1: Double
        public var count: Int
    }

    /// Per fold and pooled over every question of the first training file (cross-validation).
    public var folds: [FoldScore] = []
    public var pooled: PooledScore?
    public var seconds = 0.0
}

/// `korqa train reader` as a library call: pre-training on synthetic Wikipedia questions,
/// distillation from teachers, cross-validation or a single run, with checkpoints, resume and
/// the files each step writes (OUT/pretrain, OUT/fold-N, OUT/cv.json, OUT/cv-predictions.json).
public final class ReaderTrainingRun {
    public let config: ReaderRunConfig
    let observer: any ReaderRunObserver
    /// Written into every saved model's metadata (e.g. the command line that started the run).
    let metadata: [String: String]

    public init(_ config: ReaderRunConfig, observer: any ReaderRunObserver, metadata: [String: String] = [:]) {
        self.config = config
        self.observer = observer
        self.metadata = metadata
    }

    public func run() throws -> ReaderRunResult {
        try config.check()
        try TrainingDirectory.checkOutput(config.out, resume: config.resume)
        let started = Date()
        let options = config.trainingOptions(wordVectors: try config.wordVectors.map { try SubwordVectors.load(from: $0) })
        let datasets = try config.train.map(load)
        let devSet = try config.dev.map(load)
        var metadata = self.metadata
        metadata["korqa.training_data"] = config.train.joined(separator: " ")
        metadata["korqa.seed"] = String(config.seed)

        // The starting point: a pre-trained reader, a given one, or none (random weights over a
        // vocabulary of the training text).
        var initial: Reader?
        if let initFrom = config.initFrom { initial = try Reader.load(from: perFold(initFrom, fold: 0)) }
        let excluded = SquadDataset.titleKeys(datasets + (devSet.map { [$0] } ?? []))
        if let pretrainCorpus = config.pretrainCorpus {
            initial = try pretrain(corpus: pretrainCorpus, excludedTitles: excluded, datasets: datasets, options: options, metadata: metadata)
            metadata["korqa.pretrained_from"] = pretrainCorpus
        }
        let vocabulary = initial?.vocabulary
            ?? Reader.buildVocabulary(datasets.flatMap { ReaderCorpus($0.items).tokenTexts }, options: options)

        var distillationItems: [QAItem] = []
        if !config.teacher.isEmpty { metadata["korqa.distilled_from"] = config.teacher.joined(separator: " ") }
        if let distillCorpus = config.distillCorpus {
            distillationItems = try syntheticQuestions(corpus: distillCorpus, excludedTitles: excluded, count: config.distillQuestions,
                                                       laterParagraphs: true, seed: config.seed &+ 7919, what: "distillation")
            try FileManager.default.createDirectory(atPath: config.out, withIntermediateDirectories: true)
            try Self.writeSquad(distillationItems, to: config.out + "/distillation-questions.json")
        }

        var result = ReaderRunResult()
        if config.folds > 1 {
            result = try crossValidate(datasets, initial: initial, vocabulary: vocabulary, options: options, distillationItems: distillationItems,
                                       metadata: metadata)
        } else {
            var trainItems = datasets.flatMap(\.items), validation: [QAItem]
            var runOptions = options
            if let devSet { validation = devSet.items } else if config.noHoldout {
                validation = Self.trainingSample(trainItems)
                runOptions.train.patience = config.epochs
            } else {
                (trainItems, validation) = holdOut(datasets)
            }
            let trainCorpus = ReaderCorpus(trainItems), validationCorpus = ReaderCorpus(validation)
            let (taught, transfer) = try distillation(train: trainCorpus, transferItems: distillationItems, fold: 0, options: options)
            observer.note("training on \(trainCorpus.trainableCount) questions (\(trainCorpus.count - trainCorpus.trainableCount) without a usable answer skipped)\(transfer.map { " + \($0.count) distillation questions" } ?? ""), validating on \(validationCorpus.count); output \(config.out)")
            let (_, summary) = try Reader.train(train: trainCorpus, validation: validationCorpus, options: runOptions, vocabulary: vocabulary,
                                                initial: initial, taught: taught, distillation: transfer, directory: config.out, resume: config.resume,
                                                observer: observer, metadata: metadata, keepLast: config.noHoldout)
            observer.phaseFinished(.training, summary: summary, keptLast: config.noHoldout)
        }
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    /// A training file, cut to `limit` questions when set; answers that do not match their
    /// context are reported (and not trained on).
    func load(_ path: String) throws -> SquadDataset {
        var dataset = try SquadDataset.load(path: path)
        if !dataset.misalignedAnswers.isEmpty {
            observer.warning("\(path): \(dataset.misalignedAnswers.count) answer(s) do not match the context at answer_start and are not trained on, e.g. \(dataset.misalignedAnswers[0])")
        }
        if let limit = config.limit {
            var kept = 0
            dataset.articles = dataset.articles.compactMap { article in
                guard kept < limit else { return nil }
                var a = article
                a.paragraphs = a.paragraphs.compactMap { p in
                    guard kept < limit else { return nil }
                    var p = p
                    p.questions = Array(p.questions.prefix(limit - kept))
                    kept += p.questions.count
                    return p
                }
                return a
            }
        }
        return dataset
    }

    /// Every 20th article (in a seeded order) of every file goes to validation.
    func holdOut(_ datasets: [SquadDataset], fraction: Int = 20) -> (train: [QAItem], validation: [QAItem]) {
        var trainItems: [QAItem] = [], validation: [QAItem] = []
        for dataset in datasets {
            let order = ArticleFolds.assign(articleCount: dataset.articles.count, folds: fraction, seed: config.seed)
            trainItems += dataset.subset(articles: order.indices.filter { order[$0] != 0 }).items
            validation += dataset.subset(articles: order.indices.filter { order[$0] == 0 }).items
        }
        if validation.isEmpty { (trainItems, validation) = (trainItems, Array(trainItems.suffix(max(1, trainItems.count / fraction)))) }
        return (trainItems, validation)
    }

    /// Every 1/500th training question: a training-set F1 for no-hold-out runs, to watch the
    /// fitting, not to choose an epoch.
    static func trainingSample(_ items: [QAItem]) -> [QAItem] {
        items.enumerated().filter { $0.offset % max(1, items.count / 500) == 0 }.map(\.element)
    }

    // MARK: Pre-training

    func pretrain(corpus: String, excludedTitles: Set<String>, datasets: [SquadDataset], options: ReaderTrainingOptions,
                  metadata: [String: String]) throws -> Reader {
        let directory = config.out + "/pretrain"
        if config.resume, FileManager.default.fileExists(atPath: directory + "/model.safetensors"),
           !FileManager.default.fileExists(atPath: directory + "/training/last.safetensors") || isFinished(directory) {
            observer.note("using the pre-trained reader in \(directory)")
            return try Reader.load(from: directory)
        }
        let items = try syntheticQuestions(corpus: corpus, excludedTitles: excludedTitles, count: config.pretrainQuestions, laterParagraphs: false,
                                           seed: config.seed, what: "pre-training")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.writeSquad(items, to: directory + "/synthetic-questions.json")
        let cut = items.count / 50
        let pretrainCorpus = ReaderCorpus(Array(items.dropFirst(cut))), validation = ReaderCorpus(Array(items.prefix(cut)))
        let vocabulary = Reader.buildVocabulary(pretrainCorpus.tokenTexts + datasets.flatMap { ReaderCorpus($0.items).tokenTexts }, options: options)
        var pretrainOptions = options
        pretrainOptions.train.epochs = config.pretrainEpochs
        pretrainOptions.train.patience = config.pretrainEpochs
        observer.note("pre-training on \(pretrainCorpus.trainableCount) synthetic questions (vocabulary \(vocabulary.count)); output \(directory)")
        var meta = metadata
        meta["korqa.pretrain_questions"] = String(items.count)
        let (reader, summary) = try Reader.train(train: pretrainCorpus, validation: validation, options: pretrainOptions, vocabulary: vocabulary,
                                                 directory: directory, resume: config.resume, observer: observer, metadata: meta)
        observer.phaseFinished(.pretraining, summary: summary, keptLast: false)
        return reader
    }

    /// Synthetic cloze questions from the WikiExtractor files under `corpus`, skipping
    /// `excludedTitles`: from the first `pretrainParagraphs` paragraphs of each article, or
    /// with `laterParagraphs` from the next as many (paragraphs pre-training never reads).
    func syntheticQuestions(corpus: String, excludedTitles: Set<String>, count: Int, laterParagraphs: Bool, seed: UInt64, what: String) throws -> [QAItem] {
        let files = try TextCorpus.files(at: corpus)
        guard !files.isEmpty else { throw MRCError.cannotRead(path: corpus, reason: "no text files under it") }
        let perArticle = config.pretrainParagraphs
        let skipped = laterParagraphs ? perArticle : 0
        var random = SeededRandom(seed: seed)
        var items: [QAItem] = []
        var skippedArticles = 0, readFiles = 0
        let prefix = laterParagraphs ? "cloze-later" : "cloze"
        for file in files where items.count < count {
            let data = try MRCFile.data(file)
            readFiles += 1
            for (a, article) in TextCorpus.articles(in: data).enumerated() {
                if excludedTitles.contains(TextCorpus.titleKey(article.title)) { skippedArticles += 1; continue }
                // A few paragraphs per article, so the questions cover many topics.
                for (p, paragraph) in ClozeQuestions.paragraphs(article.lines).dropFirst(skipped).prefix(perArticle).enumerated()
                where items.count < count {
                    items += ClozeQuestions.questions(paragraph: paragraph, idPrefix: "\(prefix)-\(readFiles)-\(a)-\(p)", noise: config.pretrainNoise,
                                                      whLast: config.pretrainWhLast, random: &random)
                }
            }
            observer.progress("\r\(what) data: \(items.count) synthetic questions from \(readFiles) file(s)")
        }
        observer.progress("\n")
        items = Array(items.prefix(count))
        guard items.count >= 100 else {
            throw MRCError.cannotTrain(reason: "\(corpus) gave only \(items.count) synthetic questions; is it WikiExtractor output (<doc title=\"…\"> … </doc>)?")
        }
        observer.note("\(items.count) \(what) questions from \(readFiles) file(s)\(laterParagraphs ? " (paragraphs \(skipped + 1)–\(skipped + perArticle) of each article)" : ""); \(skippedArticles) article(s) skipped because the training data use their titles")
        return items
    }

    /// `directory`, or with cross-validation its fold's reader `directory/fold-N` when it has
    /// one (a cross-validation run's output).
    func perFold(_ directory: String, fold k: Int) -> String {
        let foldDirectory = directory + "/fold-\(k + 1)"
        return config.folds > 1 && FileManager.default.fileExists(atPath: foldDirectory + "/model.safetensors") ? foldDirectory : directory
    }

    /// What the teacher readers (an ensemble; fold k's with cross-validation) teach: their
    /// targets on the training windows of `train`, and on the distillation-corpus questions
    /// `transferItems` (none without them); (nil, nil) without teachers.
    func distillation(train: ReaderCorpus, transferItems: [QAItem], fold k: Int, options: ReaderTrainingOptions) throws
        -> (taught: DistillationSet?, transfer: DistillationSet?) {
        guard !config.teacher.isEmpty else { return (nil, nil) }
        let readers = try config.teacher.map { try Reader.load(from: perFold($0, fold: k)) }
        let ensemble = readers[0]
        ensemble.ensemble = Array(readers.dropFirst())
        let names = config.teacher.map { perFold($0, fold: k) }.joined(separator: " + ")
        let observer = self.observer
        func labelled(_ what: String, total: Int, _ label: (@escaping (Int) -> Void) -> DistillationSet) -> DistillationSet {
            let started = Date()
            let set = label { done in observer.progress("\rdistillation: \(readers.count) teacher(s) labelled \(done)/\(total) \(what)") }
            observer.progress("\n")
            observer.note(String(format: "distillation: %d %@ labelled by %@ in %.0f s; the teachers' mean top probability %.2f",
                                 set.count, what, names, Date().timeIntervalSince(started), set.meanTopProbability))
            return set
        }
        let taught = labelled("training windows", total: train.trainableCount) {
            ensemble.distillationTargets(training: train, options: options, goldWeight: config.distillGoldWeight, progress: $0)
        }
        guard !transferItems.isEmpty else { return (taught, nil) }
        let transfer = ReaderCorpus(transferItems)
        return (taught, labelled("distillation-corpus questions", total: transfer.count) {
            ensemble.distillationTargets(transfer, windowLength: options.trainingWindowLength, progress: $0)
        })
    }

    /// Synthetic questions in SQuAD format, for inspection (the evaluation reads it).
    static func writeSquad(_ items: [QAItem], to path: String) throws {
        let paragraphs: [[String: Any]] = items.map { item in
            ["context": item.context,
             "qas": [["id": item.id, "question": item.question,
                      "answers": item.answers.map { ["text": $0.text, "answer_start": $0.start] as [String: Any] }] as [String: Any]]]
        }
        let object: [String: Any] = ["version": "korqa-cloze", "data": [["title": "synthetic", "paragraphs": paragraphs]]]
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    func isFinished(_ directory: String) -> Bool {
        guard let text = try? String(contentsOfFile: directory + "/training/metrics.jsonl", encoding: .utf8) else { return false }
        return text.split(separator: "\n").count >= config.pretrainEpochs
    }

    // MARK: Cross-validation

    func crossValidate(_ datasets: [SquadDataset], initial: Reader?, vocabulary: Vocabulary, options: ReaderTrainingOptions,
                       distillationItems: [QAItem], metadata: [String: String]) throws -> ReaderRunResult {
        let folds = config.folds
        let split = datasets[0], extra = datasets.dropFirst().flatMap(\.items)
        let assignment: [Int]
        if let foldFile = config.foldFile {
            assignment = try ArticleFolds.parse(MRCFile.text(foldFile))
            guard assignment.count == split.articles.count else {
                throw MRCError.malformed(path: foldFile, element: "", reason: "it assigns \(assignment.count) articles, \(config.train[0]) has \(split.articles.count)")
            }
            guard assignment.allSatisfy({ (0..<folds).contains($0) }) else {
                throw MRCError.malformed(path: foldFile, element: "", reason: "its folds are not all in 0..<\(folds) (\(folds) folds)")
            }
        } else {
            assignment = ArticleFolds.assign(articleCount: split.articles.count, folds: folds, seed: config.seed)
        }
        var predictions: [String: String] = [:]
        var result = ReaderRunResult()
        var scoredArticles: [Int] = []
        for k in 0..<folds where config.onlyFolds.isEmpty || config.onlyFolds.contains(k + 1) {
            let testArticles = assignment.indices.filter { assignment[$0] == k }
            let rest = assignment.indices.filter { assignment[$0] != k }
            // Validation (early stopping) comes from the training articles, never the test fold;
            // with noHoldout every article outside the test fold is trained on for all epochs.
            let inner = ArticleFolds.assign(articleCount: rest.count, folds: 10, seed: config.seed + UInt64(k))
            let heldOut = config.noHoldout ? [] : rest.indices.filter { inner[$0] == 0 }.map { rest[$0] }
            let trainArticles = rest.filter { !heldOut.contains($0) }  // ≤ 140 articles
            let trainItems = split.subset(articles: trainArticles).items + extra
            let validation = config.noHoldout ? Self.trainingSample(trainItems) : split.subset(articles: heldOut).items
            var foldOptions = options
            if config.noHoldout { foldOptions.train.patience = config.epochs }
            let test = split.subset(articles: testArticles)
            scoredArticles += testArticles
            let directory = config.out + "/fold-\(k + 1)"
            let reader: Reader
            if config.resume, FileManager.default.fileExists(atPath: directory + "/model.safetensors"),
               FileManager.default.fileExists(atPath: directory + "/done") {
                reader = try Reader.load(from: directory)
                observer.note("fold \(k + 1)/\(folds): already trained (\(directory))")
            } else {
                let trainCorpus = ReaderCorpus(trainItems)
                let (taught, transfer) = try distillation(train: trainCorpus, transferItems: distillationItems, fold: k, options: options)
                // A cross-validation initFrom starts each fold from its own reader (run() already
                // loaded fold 1's as `initial`).
                var start = initial
                if let initFrom = config.initFrom, k > 0, perFold(initFrom, fold: k) != initFrom {
                    start = try Reader.load(from: perFold(initFrom, fold: k))
                }
                observer.note("fold \(k + 1)/\(folds): training on \(trainCorpus.trainableCount) questions\(transfer.map { " + \($0.count) distillation questions" } ?? ""), \(config.noHoldout ? "watching F1 on \(validation.count) of them" : "validating on \(validation.count)"), testing on \(test.questionCount) (\(testArticles.count) articles)")
                let summary: TrainingSummary
                (reader, summary) = try Reader.train(train: trainCorpus, validation: ReaderCorpus(validation), options: foldOptions,
                                                     vocabulary: vocabulary, initial: start, taught: taught, distillation: transfer, directory: directory,
                                                     resume: config.resume, observer: observer, metadata: metadata, keepLast: config.noHoldout)
                observer.phaseFinished(.fold, summary: summary, keptLast: config.noHoldout)
                _ = FileManager.default.createFile(atPath: directory + "/done", contents: Data())
            }
            let foldPredictions = reader.predict(test)
            predictions.merge(foldPredictions) { a, _ in a }
            let score = KorQuADMetric.score(test, predictions: foldPredictions)
            observer.foldScored(k + 1, of: folds, score: score)
            result.folds.append(.init(fold: k + 1, exactMatch: score.exactMatch, f1: score.f1, count: score.count))
        }
        // Pooled over the folds that ran (all of the first file unless onlyFolds chose some).
        let pooled = KorQuADMetric.score(split.subset(articles: scoredArticles.sorted()), predictions: predictions)
        result.pooled = .init(exactMatch: pooled.exactMatch, f1: pooled.f1, count: pooled.count)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        var scores = try encoder.encode(CrossValidationScores(folds: result.folds, pooled: result.pooled!))
        scores.append(0x0A)
        try scores.write(to: URL(fileURLWithPath: config.out + "/cv.json"), options: .atomic)
        let predictionData = try JSONSerialization.data(withJSONObject: predictions, options: [.sortedKeys])
        try predictionData.write(to: URL(fileURLWithPath: config.out + "/cv-predictions.json"), options: .atomic)
        return result
    }

    /// OUT/cv.json.
    struct CrossValidationScores: Encodable {
        var folds: [ReaderRunResult.FoldScore]
        var pooled: ReaderRunResult.PooledScore
    }
}
