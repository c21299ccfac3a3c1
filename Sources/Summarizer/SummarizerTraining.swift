import Foundation
import Hangul
import NeuralCore
import TextEncoder

extension PointerGenerator {
    /// Writes model.safetensors (weights + config) and vocab.txt into `directory`.
    public func save(to directory: String, metadata: [String: String] = [:]) throws {
        try ModelFolder.save(store, config: configJSON, vocabulary: vocabulary, to: directory, metadata: metadata)
    }

    /// A model folder written by `save` (or `korqa train summarizer`); sizes are checked
    /// against the file before anything is allocated.
    public static func load(from directory: String) throws -> PointerGenerator {
        let path = directory + "/model.safetensors"
        if let problem = InputFile.problem(path) { throw SummarizerError.notASummarizer(path: directory, reason: "model.safetensors: \(problem)") }
        let (configText, available) = try Checkpoint.header(at: path)
        guard let config = try? JSONDecoder().decode(SummarizerConfig.self, from: Data(configText.utf8)) else {
            throw SummarizerError.notASummarizer(path: directory, reason: "its configuration is not a summarizer's")
        }
        try config.check(fileHolds: available).verify(path: path)
        let vocabulary = try ModelFolder.vocabulary(in: directory, size: config.encoder.vocabularySize)
        let model = PointerGenerator(config: config, vocabulary: vocabulary, seed: 0)
        _ = try Checkpoint.load(into: model.store, from: path, config: configText)
        return model
    }
}

/// One `korqa train summarizer` run. Field names are the command's flags.
public struct SummarizerTrainingConfig: Codable, Equatable, Sendable {
    /// Pair files (TSV `source<TAB>target` or JSON lines).
    public var train: [String] = []
    /// sae4K: its training part is trained on, its validation part validates (the test part is
    /// never read here).
    public var sae4k: String?
    /// Korean Wikipedia (WikiExtractor folder): lead-generation pairs, self-supervised; its
    /// held-out articles (1% by title hash, as the encoder's pre-training) validate.
    public var pretrainCorpus: String?
    /// Title keys of scored data sets, whose articles are left out of `pretrainCorpus`.
    public var excludedTitles: [String] = []
    /// Read at most this many Wikipedia articles' pairs (nil: all).
    public var maxArticles: Int?
    /// Validation pairs; without it (and without sae4k) 5% of the training pairs, chosen by a
    /// hash of the source, validate.
    public var validation: String?
    /// Validate on at most this many pairs (greedy decoding, ROUGE-L).
    public var validationLimit = 600
    public var out: String
    /// A pre-trained encoder folder (`korqa train encoder`: vocab.txt, best.safetensors); nil
    /// trains from random weights over a vocabulary of the training pairs (the ablation).
    public var encoder: String?
    public var embed = 128
    public var hidden = 192
    public var layers = 2
    public var dropout: Float = 0.1
    public var decoderHidden = 256
    public var attention = 128
    public var coverageLoss: Float = 1
    public var maxSourceLength = 400
    public var maxTargetLength = 100
    public var epochs = 10
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var seed: UInt64 = 1
    public var resume = false

    public init(out: String) { self.out = out }

    public func check() throws(SummarizerError) {
        guard !train.isEmpty || sae4k != nil || pretrainCorpus != nil else {
            throw .invalidRunConfig(field: "train", reason: "(or sae4k, or pretrainCorpus): give at least one source of pairs")
        }
        for (name, value) in [("embed", embed), ("hidden", hidden), ("layers", layers), ("epochs", epochs), ("batchSize", batchSize),
                              ("decoderHidden", decoderHidden), ("attention", attention), ("maxSourceLength", maxSourceLength),
                              ("maxTargetLength", maxTargetLength), ("validationLimit", validationLimit)] where value < 1 {
            throw .invalidRunConfig(field: name, reason: "must be at least 1 (got \(value))")
        }
        guard maxTargetLength >= 2 else { throw .invalidRunConfig(field: "maxTargetLength", reason: "must be at least 2 (a token and the end)") }
        guard learningRate > 0, learningRate.isFinite else { throw .invalidRunConfig(field: "learningRate", reason: "must be positive (got \(learningRate))") }
        guard dropout >= 0 && dropout < 1 else { throw .invalidRunConfig(field: "dropout", reason: "must be in [0, 1) (got \(dropout))") }
        guard coverageLoss >= 0, coverageLoss.isFinite else { throw .invalidRunConfig(field: "coverageLoss", reason: "must be 0 or more (got \(coverageLoss))") }
    }

    /// What a run read, for its report.
    public struct DataReport: Sendable {
        public var trainingPairs: Int
        public var validationPairs: Int
        public var problems: [String]
    }

    /// The training and validation pairs, and every line that could not be read.
    public func pairs() throws -> (train: [SummaryPair], validation: [SummaryPair], problems: [String]) {
        var train: [SummaryPair] = [], validation: [SummaryPair] = [], problems: [String] = []
        for path in self.train {
            let loaded = try SummaryPairs.read(path)
            train += loaded.pairs
            problems += loaded.problems.map { "\(path): \($0)" }
        }
        if let sae4k {
            train += try SummaryPairs.sae4K(sae4k, part: .train)
            validation += try SummaryPairs.sae4K(sae4k, part: .validation)
        }
        if let pretrainCorpus {
            let leads = try SummaryPairs.wikipediaLeads(corpus: pretrainCorpus, excludedTitles: Set(excludedTitles), sourceLength: maxSourceLength,
                                                        isHeldOut: { PretrainingCorpus.isHeldOut(title: $0, perMille: 10) },
                                                        limitArticles: maxArticles ?? .max)
            train += leads.train
            validation += leads.heldOut
        }
        if let path = self.validation {
            let loaded = try SummaryPairs.read(path)
            validation += loaded.pairs
            problems += loaded.problems.map { "\(path): \($0)" }
        } else if self.sae4k == nil && pretrainCorpus == nil {
            let held = train.filter { FNV1a.hash(Array($0.source.utf8)) % 20 == 0 }
            train.removeAll { FNV1a.hash(Array($0.source.utf8)) % 20 == 0 }
            validation = held
        }
        guard !train.isEmpty else { throw SummarizerError.noPairs(reason: "the files hold none once validation is set aside") }
        return (train, Array(validation.prefix(validationLimit)), problems)
    }

    /// Trains and writes OUT/model.safetensors + OUT/vocab.txt (the best epoch by validation
    /// ROUGE-L) and OUT/training/ (checkpoints, metrics.jsonl, learning-curve.svg).
    public func run(observer: (any TrainingObserver)?, note: (String) -> Void = { _ in }) throws -> (PointerGenerator, TrainingSummary, DataReport) {
        try check()
        try TrainingDirectory.checkOutput(out, resume: resume)
        let (train, validation, problems) = try pairs()
        var encoderConfig: TextEncoderConfig
        let vocabulary: Vocabulary
        var weights: String?
        if let encoder {
            let pretrained = try PretrainedEncoder(folder: encoder)
            weights = pretrained.weights
            encoderConfig = pretrained.config
            encoderConfig.dropout = dropout
            vocabulary = pretrained.vocabulary
        } else {
            vocabulary = Vocabulary.build(from: train.flatMap { TextFeaturizer.tokens($0.source).map(\.text) + TextFeaturizer.tokens($0.target).map(\.text) },
                                          minCount: 2, maxSize: 6000)
            encoderConfig = TextEncoderConfig(vocabularySize: vocabulary.count)
            encoderConfig.embeddingSize = embed; encoderConfig.hiddenSize = hidden; encoderConfig.layers = layers; encoderConfig.dropout = dropout
        }
        var config = SummarizerConfig(encoder: encoderConfig)
        config.decoderEmbedding = encoderConfig.embeddingSize
        config.decoderHidden = decoderHidden
        config.attention = attention
        config.coverageLoss = coverageLoss
        config.maxSourceLength = maxSourceLength
        config.maxTargetLength = maxTargetLength
        let model = PointerGenerator(config: config, vocabulary: vocabulary, seed: seed)
        if let weights { try model.encoder.loadWeights(from: weights) }
        model.initializeDecoderEmbeddingFromEncoder()
        note("\(train.count) training pairs, \(validation.count) validation pairs; \(encoder.map { "encoder pre-trained in \($0)" } ?? "encoder from random weights"); vocabulary \(vocabulary.count); \(model.store.count) parameters")
        let trainer = Trainer(task: model, config: TrainConfig(epochs: epochs, batchSize: batchSize, learningRate: learningRate, warmupSteps: 200,
                                                               decay: .linear, clipNorm: 5, patience: epochs, seed: seed),
                              directory: out + "/training")
        trainer.observer = observer
        let summary = try trainer.run(train: train, validation: validation, resume: resume)
        _ = try Checkpoint.load(into: model.store, from: summary.bestCheckpoint, config: model.configJSON)
        try model.save(to: out, metadata: ["korqa.training_pairs": String(train.count), "korqa.seed": String(seed),
                                           "korqa.pretrained_encoder": encoder ?? "none",
                                           "korqa.data": (self.train + [sae4k, pretrainCorpus].compactMap { $0 }).joined(separator: ",")])
        return (model, summary, DataReport(trainingPairs: train.count, validationPairs: validation.count, problems: problems))
    }
}
