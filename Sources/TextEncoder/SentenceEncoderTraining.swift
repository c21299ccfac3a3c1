import Foundation
import Hangul
import NeuralCore

/// One `korqa train sentence-encoder` run. Field names are the command's flags.
public struct SentenceEncoderTrainingConfig: Codable, Equatable, Sendable {
    /// KorSTS train TSV: pairs scored ≥ `korstsMinimumScore` are positives.
    public var korsts: String?
    public var korstsMinimumScore = 4.0
    /// Question_pair TSV (train.txt): the pairs marked the same question.
    public var questionPairs: String?
    /// ParaKQC: consecutive sentences of sets 1–800 (801–1000 are never read here).
    public var parakqc: String?
    /// KorSTS dev TSV: Spearman after each epoch chooses the best weights.
    public var dev: String
    public var out: String
    /// A pre-trained encoder folder (`korqa train encoder`: vocab.txt, best.safetensors); nil
    /// trains from random weights over a vocabulary of the training pairs (the ablation).
    public var encoder: String?
    public var embed = 128
    public var hidden = 192
    public var layers = 2
    public var dropout: Float = 0.1
    public var pooling: SentencePooling = .mean
    public var temperature: Float = 0.05
    public var epochs = 5
    public var batchSize = 64
    public var learningRate: Float = 1e-3
    public var seed: UInt64 = 1
    public var resume = false

    public init(dev: String, out: String) {
        self.dev = dev
        self.out = out
    }

    public func check() throws(TextEncoderError) {
        guard korsts != nil || questionPairs != nil || parakqc != nil else {
            throw .invalidRunConfig(field: "korsts", reason: "(or questionPairs, or parakqc): give at least one source of training pairs")
        }
        for (name, value) in [("embed", embed), ("hidden", hidden), ("layers", layers), ("epochs", epochs), ("batchSize", batchSize)] where value < 1 {
            throw .invalidRunConfig(field: name, reason: "must be at least 1 (got \(value))")
        }
        guard batchSize >= 2 else { throw .invalidRunConfig(field: "batchSize", reason: "must be at least 2 (in-batch negatives)") }
        guard temperature > 0, learningRate > 0 else { throw .invalidRunConfig(field: "temperature", reason: "and the learning rate must be positive") }
        guard dropout >= 0 && dropout < 1 else { throw .invalidRunConfig(field: "dropout", reason: "must be in [0, 1)") }
    }

    /// Trains and writes OUT/model.safetensors + OUT/vocab.txt (the best epoch by dev Spearman)
    /// and OUT/training/ (checkpoints, metrics.jsonl, learning-curve.svg).
    public func run(observer: (any TrainingObserver)?, note: (String) -> Void = { _ in }) throws -> (SentenceEncoder, TrainingSummary, pairs: Int) {
        try check()
        try TrainingDirectory.checkOutput(out, resume: resume)
        var pairs: [SentencePair] = []
        if let korsts { pairs += try SentencePairs.korSTS(korsts, minimumScore: korstsMinimumScore) }
        if let questionPairs { pairs += try SentencePairs.questionPairs(questionPairs) }
        if let parakqc { pairs += try SentencePairs.paraKQCTraining(parakqc) }
        let validation = try SentencePairs.korSTS(dev)
        guard pairs.count >= batchSize else { throw TextEncoderError.cannotTrain(reason: "only \(pairs.count) training pairs") }
        var config: SentenceEncoderConfig
        let vocabulary: Vocabulary
        var weights: String?
        if let encoder {
            let pretrained = try PretrainedEncoder(folder: encoder)
            weights = pretrained.weights
            var encoderConfig = pretrained.config
            encoderConfig.dropout = dropout
            config = SentenceEncoderConfig(encoder: encoderConfig)
            vocabulary = pretrained.vocabulary
        } else {
            vocabulary = Vocabulary.build(from: pairs.flatMap { TextFeaturizer.tokens($0.a).map(\.text) + TextFeaturizer.tokens($0.b).map(\.text) },
                                          minCount: 2, maxSize: 6000)
            var encoderConfig = TextEncoderConfig(vocabularySize: vocabulary.count)
            encoderConfig.embeddingSize = embed; encoderConfig.hiddenSize = hidden; encoderConfig.layers = layers; encoderConfig.dropout = dropout
            config = SentenceEncoderConfig(encoder: encoderConfig)
        }
        config.pooling = pooling
        config.temperature = temperature
        let model = SentenceEncoder(config: config, vocabulary: vocabulary, seed: seed)
        if let weights { try model.encoder.loadWeights(from: weights) }
        note("\(pairs.count) training pairs, \(validation.count) dev pairs; \(encoder.map { "encoder pre-trained in \($0)" } ?? "encoder from random weights"); vocabulary \(vocabulary.count); dev Spearman before training \(String(format: "%.4f", model.evaluate(validation)))")
        let trainer = Trainer(task: model, config: TrainConfig(epochs: epochs, batchSize: batchSize, learningRate: learningRate, warmupSteps: 100,
                                                               decay: .linear, clipNorm: 5, patience: epochs, seed: seed),
                              directory: out + "/training")
        trainer.observer = observer
        let summary = try trainer.run(train: pairs, validation: validation, resume: resume)
        _ = try Checkpoint.load(into: model.store, from: summary.bestCheckpoint, config: model.configJSON)
        try model.save(to: out, metadata: ["korqa.training_pairs": String(pairs.count), "korqa.seed": String(seed),
                                           "korqa.pretrained_encoder": encoder ?? "none"])
        return (model, summary, pairs.count)
    }
}
