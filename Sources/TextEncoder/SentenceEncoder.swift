import Foundation
import Hangul
import NeuralCore

/// How the encoder's states [B, T, 2H] become one vector per text.
public enum SentencePooling: String, Codable, Sendable, CaseIterable {
    /// Mean over the syllables.
    case mean
    /// Element-wise max over the syllables.
    case max
    /// Mean and max side by side ([B, 4H]).
    case meanMax = "mean-max"
}

public struct SentenceEncoderConfig: ModelConfig {
    public var encoder: TextEncoderConfig
    public var pooling: SentencePooling = .mean
    /// τ of the contrastive loss (cosine / τ are the logits).
    public var temperature: Float = 0.05
    public init(encoder: TextEncoderConfig) { self.encoder = encoder }
}

/// Two texts that mean the same (a positive pair), with a similarity score when the data gives
/// one (KorSTS 0–5), used to validate by Spearman correlation.
public struct SentencePair: Equatable, Sendable {
    public var a: String
    public var b: String
    public var score: Double?
    public init(_ a: String, _ b: String, score: Double? = nil) { self.a = a; self.b = b; self.score = score }
}

/// Sentence vectors from the shared encoder: pooled states, unit length, fine-tuned
/// contrastively (in-batch negatives; the two texts of a pair pass through different dropout,
/// as SimCSE's positives do).
///
/// Shapes: B pairs, T syllables, H hidden per direction, P pooled size (2H, or 4H for mean-max).
///   s = encoder(text)                 [B, T, 2H]
///   v = normalize(pool(s))            [B, P]
///   loss = InfoNCE(v_a, v_b; τ)
public final class SentenceEncoder: TrainingTask {
    public let store = ParameterStore()
    public let config: SentenceEncoderConfig
    public let encoder: TextEncoder
    public let featurizer: TextFeaturizer
    public static let maxLength = 128

    public init(config: SentenceEncoderConfig, vocabulary: Vocabulary, seed: UInt64) {
        precondition(config.encoder.vocabularySize == vocabulary.count, "the encoder's vocabulary size must be the vocabulary's")
        self.config = config
        var random = SeededRandom(seed: seed)
        encoder = TextEncoder(store: store, prefix: "encoder", config: config.encoder, random: &random)
        featurizer = TextFeaturizer(vocabulary: vocabulary, wordVectors: nil)
    }

    struct PoolCache {
        var states: Tensor
        var mask: SequenceMask
        var argmax: [Int]
        var pooled: Tensor
        var norms: [Float]
    }

    /// Unit vectors [B, P] of a featurized batch.
    func embed(_ input: TextEncoder.Input, training: Bool, random: inout SeededRandom) -> (Tensor, TextEncoder.Cache, PoolCache) {
        let (out, cache) = encoder.forward(input, training: training, random: &random)
        let (unit, pool) = pooled(out.states, mask: input.ids.mask)
        return (unit, cache, pool)
    }

    /// Pooled, unit-length vectors [B, P] of the states [B, T, 2H].
    func pooled(_ states: Tensor, mask: SequenceMask) -> (Tensor, PoolCache) {
        var pooled: Tensor
        var argmax: [Int] = []
        switch config.pooling {
        case .mean: pooled = Pooling.maskedMean(states, mask: mask)
        case .max: (pooled, argmax) = Pooling.maskedMax(states, mask: mask)
        case .meanMax:
            let (maxed, indices) = Pooling.maskedMax(states, mask: mask)
            argmax = indices
            pooled = concatenateLast(Pooling.maskedMean(states, mask: mask), maxed)
        }
        let (unit, norms) = L2Normalize.forward(pooled)
        return (unit, PoolCache(states: states, mask: mask, argmax: argmax, pooled: pooled, norms: norms))
    }

    func backward(_ dUnit: Tensor, unit: Tensor, cache: TextEncoder.Cache, pool: PoolCache) {
        let dPooled = L2Normalize.backward(dUnit, y: unit, norms: pool.norms)
        let shape = pool.states.shape
        var dStates: Tensor
        switch config.pooling {
        case .mean: dStates = Pooling.maskedMeanBackward(dPooled, mask: pool.mask, shape: shape)
        case .max: dStates = Pooling.maskedMaxBackward(dPooled, argmax: pool.argmax, shape: shape)
        case .meanMax:
            let (dMean, dMax) = splitLast(dPooled, shape[2])
            dStates = Pooling.maskedMeanBackward(dMean, mask: pool.mask, shape: shape)
            let fromMax = Pooling.maskedMaxBackward(dMax, argmax: pool.argmax, shape: shape)
            for i in 0..<dStates.count { dStates.data[i] += fromMax.data[i] }
        }
        let (dForward, dBackward) = splitLast(dStates, config.encoder.hiddenSize)
        encoder.backward(dForward: dForward, dBackward: dBackward, cache: cache)
    }

    /// Unit-length vectors of `texts`, [texts.count][P].
    public func vectors(_ texts: [String], batchSize: Int = 64) -> [[Float]] {
        var result: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let (input, _) = featurizer.input(Array(texts[start..<min(start + batchSize, texts.count)]), maxLength: Self.maxLength)
            let (unit, _) = pooled(encoder.infer(input).states, mask: input.ids.mask)
            let P = unit.shape[1]
            for b in 0..<unit.shape[0] { result.append(Array(unit.data[(b * P)..<((b + 1) * P)])) }
        }
        return result
    }

    // MARK: TrainingTask

    public typealias Example = SentencePair
    public var configJSON: String { config.json }
    public let metricName = "spearman"
    public func length(of example: SentencePair) -> Int { min(Swift.max(example.a.unicodeScalars.count, example.b.unicodeScalars.count), Self.maxLength) }

    public func lossAndGradients(_ batch: [SentencePair], random: inout SeededRandom) -> Float {
        let (a, _) = featurizer.input(batch.map(\.a), maxLength: Self.maxLength)
        let (b, _) = featurizer.input(batch.map(\.b), maxLength: Self.maxLength)
        let (ua, ca, pa) = embed(a, training: true, random: &random)
        let (ub, cb, pb) = embed(b, training: true, random: &random)
        let (loss, da, db) = Loss.inBatchContrastive(ua, ub, temperature: config.temperature)
        backward(da, unit: ua, cache: ca, pool: pa)
        backward(db, unit: ub, cache: cb, pool: pb)
        return loss
    }

    /// Spearman correlation between the pairs' cosines and their scores (pairs without a score
    /// are left out).
    public func evaluate(_ examples: [SentencePair]) -> Double {
        let scored = examples.filter { $0.score != nil }
        let va = vectors(scored.map(\.a)), vb = vectors(scored.map(\.b))
        let cosines = zip(va, vb).map { zip($0, $1).reduce(0.0) { $0 + Double($1.0 * $1.1) } }
        return Correlation.spearman(cosines, scored.map { $0.score! })
    }

    // MARK: Files

    /// Writes model.safetensors (weights + config) and vocab.txt into `directory`.
    public func save(to directory: String, metadata: [String: String] = [:]) throws {
        try ModelFolder.save(store, config: configJSON, vocabulary: featurizer.vocabulary, to: directory, metadata: metadata)
    }

    public static func load(from directory: String) throws -> SentenceEncoder {
        let path = directory + "/model.safetensors"
        let (configText, available) = try Checkpoint.header(at: path)
        guard let config = try? JSONDecoder().decode(SentenceEncoderConfig.self, from: Data(configText.utf8)) else {
            throw NeuralError.checkpointMismatch(path: path, reason: "its configuration is not a sentence encoder's")
        }
        try config.encoder.check(fileHolds: available).verify(path: path)
        let vocabulary = try ModelFolder.vocabulary(in: directory, size: config.encoder.vocabularySize)
        let model = SentenceEncoder(config: config, vocabulary: vocabulary, seed: 0)
        _ = try Checkpoint.load(into: model.store, from: path, config: configText)
        return model
    }
}

/// Rank correlation.
public enum Correlation {
    /// Spearman's ρ: Pearson's r of the ranks (ties get their mean rank).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(ranks(x), ranks(y))
    }

    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = mean }
            i = j + 1
        }
        return ranks
    }

    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard n > 1 else { return 0 }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
}
