import Foundation
import Hangul
import NeuralCore

/// The architecture of an intent model (frozen when it is saved).
public struct IntentModelConfig: ModelConfig {
    public var vocabularySize: Int
    public var labelCount: Int
    public var embeddingSize = 96
    public var hiddenSize = 128
    public var layers = 1
    public var attentionSize = 64
    public var dropout: Float = 0.3

    public init(vocabularySize: Int, labelCount: Int) {
        self.vocabularySize = vocabularySize
        self.labelCount = labelCount
    }

    /// Refuses impossible values read from a checkpoint before a model is built from them.
    /// `fileHolds`: the parameter values in the checkpoint (the architecture needs at least its
    /// syllable table [V, D] and 4H·H recurrent weights per direction and layer).
    public func check(fileHolds available: Int) -> ConfigCheck {
        var check = ConfigCheck()
        check.size("vocabularySize", vocabularySize, in: 1...10_000_000)
        check.size("labelCount", labelCount, in: 1...1_000_000)
        check.size("embeddingSize", embeddingSize, in: 1...8192)
        check.size("hiddenSize", hiddenSize, in: 1...8192)
        check.size("layers", layers, in: 1...64)
        check.size("attentionSize", attentionSize, in: 1...8192)
        check.probability("dropout", dropout)
        check.parameters([[vocabularySize, embeddingSize], [layers, 2, 4, hiddenSize, hiddenSize], [4, hiddenSize, labelCount]],
                         fileHolds: available)
        return check
    }
}

/// Syllable + jamo embeddings -> BiLSTM -> self-attentive pooling (and max pooling) -> softmax.
///
/// Shapes: B utterances, T syllables, D embedding, H hidden per direction, A attention, C labels.
///   x = E_syllable[s] + E_initial[i] + E_medial[m] + E_final[f]            [B, T, D]
///   h = BiLSTM(dropout(x))                                                   [B, T, 2H]
///   α = masked softmax over t of  vᵀ tanh(W_a h_t + b_a)                     [B, T]
///   pooled = [Σ_t α_t h_t ; max_t h_t]                                       [B, 4H]
///   logits = W_c dropout(pooled) + b_c                                       [B, C]
public final class IntentModel: @unchecked Sendable {
    public let config: IntentModelConfig
    public let store = ParameterStore()
    let embedding: SummedEmbedding
    let encoder: StackedBiLSTM
    let attentionProjection: Linear
    let attentionVector: Linear
    let classifier: Linear
    let dropout: Dropout

    public init(config: IntentModelConfig, seed: UInt64) {
        self.config = config
        var random = SeededRandom(seed: seed)
        let D = config.embeddingSize, H2 = 2 * config.hiddenSize
        embedding = SummedEmbedding(store: store, tables: JamoIndex.embeddingTables(syllableVocabularySize: config.vocabularySize),
                                    dimension: D, random: &random)
        encoder = StackedBiLSTM(store: store, name: "encoder", inputSize: D, hiddenSize: config.hiddenSize,
                                layerCount: config.layers, dropout: config.dropout, random: &random)
        attentionProjection = Linear(store: store, name: "attention.projection", inputSize: H2, outputSize: config.attentionSize, random: &random)
        attentionVector = Linear(store: store, name: "attention.vector", inputSize: config.attentionSize, outputSize: 1, random: &random)
        classifier = Linear(store: store, name: "classifier", inputSize: 2 * H2, outputSize: config.labelCount, random: &random)
        dropout = Dropout(probability: config.dropout)
    }

    /// A padded batch of featurized utterances (syllable + jamo id channels).
    public typealias Batch = PaddedIDs

    struct Cache {
        var batch: Batch
        var embeddingMask: [Float]
        var encoder: StackedBiLSTM.Cache
        var hidden: Tensor  // [B, T, 2H]
        var projected: Tensor  // [B·T, A] after tanh
        var weights: Tensor  // α [B, T]
        var argmax: [Int]
        var pooled: Tensor  // [B, 4H] before dropout
        var pooledMask: [Float]
        var classifierInput: Tensor
    }

    func forward(_ batch: Batch, training: Bool, random: inout SeededRandom) -> (logits: Tensor, cache: Cache) {
        let B = batch.mask.batchSize, T = batch.mask.maxLength, H2 = 2 * config.hiddenSize
        let x = embedding(batch.channels, shape: [B, T])
        let (dropped, embeddingMask) = dropout.forward(x, training: training, random: &random)
        let (h, encoderCache) = encoder.forward(dropped, mask: batch.mask, training: training, random: &random)
        let flat = h.reshaped([B * T, H2])
        let projected = Activation.tanh.forward(attentionProjection(flat))
        let scores = attentionVector(projected).reshaped([B, T])
        let weights = Softmax.masked(scores, mask: batch.mask)
        let attended = Attention.weightedSum(weights: weights, values: h)
        let (maxed, argmax) = Pooling.maskedMax(h, mask: batch.mask)
        let pooled = concatenateLast(attended, maxed)
        let (classifierInput, pooledMask) = dropout.forward(pooled, training: training, random: &random)
        let logits = classifier(classifierInput)
        return (logits, Cache(batch: batch, embeddingMask: embeddingMask, encoder: encoderCache, hidden: h, projected: projected,
                              weights: weights, argmax: argmax, pooled: pooled, pooledMask: pooledMask, classifierInput: classifierInput))
    }

    func backward(_ dLogits: Tensor, cache: Cache) {
        let B = cache.batch.mask.batchSize, T = cache.batch.mask.maxLength, H2 = 2 * config.hiddenSize
        let dPooled = dropout.backward(classifier.backward(dLogits, input: cache.classifierInput), mask: cache.pooledMask)
        let (dAttended, dMaxed) = splitLast(dPooled, H2)
        var dh = Pooling.maskedMaxBackward(dMaxed, argmax: cache.argmax, shape: cache.hidden.shape)
        let (dWeights, dValues) = Attention.weightedSumBackward(dAttended, weights: cache.weights, values: cache.hidden)
        let dScores = Softmax.backward(dWeights, output: cache.weights).reshaped([B * T, 1])
        let dProjected = Activation.tanh.backward(attentionVector.backward(dScores, input: cache.projected), output: cache.projected)
        let dFlat = attentionProjection.backward(dProjected, input: cache.hidden.reshaped([B * T, H2]))
        for i in 0..<dh.count { dh.data[i] += dValues.data[i] + dFlat.data[i] }
        let dx = dropout.backward(encoder.backward(dh, cache: cache.encoder), mask: cache.embeddingMask)
        embedding.backward(dx, ids: cache.batch.channels)
    }

    /// Mean (weighted) cross-entropy of a batch; adds gradients into the store.
    public func lossAndGradients(_ batch: Batch, labels: [Int32], weights: [Float]?, random: inout SeededRandom) -> Float {
        let (logits, cache) = forward(batch, training: true, random: &random)
        let (loss, dLogits) = Loss.softmaxCrossEntropy(logits: logits, targets: labels, weights: weights)
        backward(dLogits, cache: cache)
        return loss
    }

    /// Class probabilities [B][C] (evaluation mode: no dropout).
    public func probabilities(_ batch: Batch) -> [[Float]] {
        var random = SeededRandom(seed: 0)
        let probs = Softmax.rows(forward(batch, training: false, random: &random).logits)
        let C = config.labelCount
        return (0..<batch.mask.batchSize).map { Array(probs.data[($0 * C)..<(($0 + 1) * C)]) }
    }
}
