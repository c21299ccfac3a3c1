import Foundation
import Hangul
import NeuralCore
import WordVectors

/// The reader's architecture (frozen when saved).
public struct ReaderConfig: ModelConfig {
    public var vocabularySize: Int
    public var embeddingSize = 128
    public var hiddenSize = 128
    public var contextLayers = 2
    /// BiLSTM layers over the question-aware context [h; c2q; h∘c2q] (BiDAF's modeling layer);
    /// 0 points straight from the context encoder, as DrQA does.
    public var modelingLayers = 0
    public var alignSize = 128
    public var dropout: Float = 0.3
    /// Size of the pre-trained word vectors (`SubwordVectors`, frozen) each syllable carries
    /// beside its learned embedding: the vector of the word it is in. 0 = none.
    public var wordVectorSize = 0
    /// The end pointer reads a start-aware question: q + (Σ_i p_start(i) m_i) W_c, so where the
    /// answer starts informs where it ends (R-Net's pointer network does the same).
    public var conditionalEnd = false

    public init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

    enum CodingKeys: String, CodingKey {
        case vocabularySize, embeddingSize, hiddenSize, contextLayers, modelingLayers, alignSize, dropout, wordVectorSize, conditionalEnd
    }

    /// Readers saved before the modeling layer or word vectors existed have no `modelingLayers`
    /// or `wordVectorSize` key: 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        embeddingSize = try c.decode(Int.self, forKey: .embeddingSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        contextLayers = try c.decode(Int.self, forKey: .contextLayers)
        modelingLayers = try c.decodeIfPresent(Int.self, forKey: .modelingLayers) ?? 0
        alignSize = try c.decode(Int.self, forKey: .alignSize)
        dropout = try c.decode(Float.self, forKey: .dropout)
        wordVectorSize = try c.decodeIfPresent(Int.self, forKey: .wordVectorSize) ?? 0
        conditionalEnd = try c.decodeIfPresent(Bool.self, forKey: .conditionalEnd) ?? false
    }

    /// Refuses impossible values read from a checkpoint before a model is built from them.
    /// `fileHolds`: the parameter values in the checkpoint (the architecture needs at least its
    /// syllable table [V, D] and 4H·H recurrent weights per direction and layer).
    public func check(fileHolds available: Int) -> ConfigCheck {
        var check = ConfigCheck()
        check.size("vocabularySize", vocabularySize, in: 1...10_000_000)
        check.size("embeddingSize", embeddingSize, in: 1...8192)
        check.size("hiddenSize", hiddenSize, in: 1...8192)
        check.size("contextLayers", contextLayers, in: 1...64)
        check.size("modelingLayers", modelingLayers, in: 0...64)
        check.size("alignSize", alignSize, in: 1...8192)
        check.size("wordVectorSize", wordVectorSize, in: 0...8192)
        check.probability("dropout", dropout)
        // Products of factors only: no sum or product of file values is formed unchecked.
        let H = hiddenSize
        check.parameters([[vocabularySize, embeddingSize], [embeddingSize, alignSize], [wordVectorSize, alignSize],
                          [2, 4, H, H], [contextLayers, 2, 4, H, H], [modelingLayers, 2, 4, H, H]], fileHolds: available)
        return check
    }

    /// `modelingLayers` and `wordVectorSize` are written only when used, so older readers keep
    /// their exact config text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(embeddingSize, forKey: .embeddingSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(contextLayers, forKey: .contextLayers)
        if modelingLayers > 0 { try c.encode(modelingLayers, forKey: .modelingLayers) }
        try c.encode(alignSize, forKey: .alignSize)
        try c.encode(dropout, forKey: .dropout)
        if wordVectorSize > 0 { try c.encode(wordVectorSize, forKey: .wordVectorSize) }
        if conditionalEnd { try c.encode(conditionalEnd, forKey: .conditionalEnd) }
    }
}

/// What a training window's pointers should learn: the gold answer's first and last token, or a
/// teacher's start and end probabilities over the window's tokens (distillation).
public enum SpanTarget: Sendable, Equatable {
    case span(first: Int, last: Int)
    case distribution(start: [Float], end: [Float])
}

/// A DrQA-style extractive reader (Chen et al. 2017) over syllables.
///
/// Shapes: B windows, T context syllables, Q question syllables, D embedding, W word vector
/// (0 without), A alignment, H hidden per direction.
///   e(x) = [E_syllable + E_initial + E_medial + E_final; w(word of x)]     [·, D + W]
///   aligned_i = Σ_j softmax_j(relu(W e(c_i)) · relu(W e(q_j))) e(q_j)      [B, T, D + W]
///   h = BiLSTM stack([e(c); aligned; features])  (F = ContextFeatures.count) [B, T, 2H]
///   u = BiLSTM(e(q)); q = Σ_j softmax_j(w · u_j) u_j                         [B, 2H]
/// With modeling layers (BiDAF, Seo et al. 2017), the context is read again knowing the question
/// in context, which a syllable's static aligned embedding cannot give:
///   c2q_i = Σ_j softmax_j(h_i · u_j / √(2H)) u_j                             [B, T, 2H]
///   m = BiLSTM stack([h; c2q; h∘c2q])                                        [B, T, 2H]
/// and the pointers read m instead of h:
///   start_i = q W_s m_i,  end_i = q W_e m_i                                  [B, T]
public final class ReaderModel: @unchecked Sendable {
    public let config: ReaderConfig
    public let store = ParameterStore()
    let embedding: SummedEmbedding
    let align: Linear
    let contextEncoder: StackedBiLSTM
    let questionEncoder: StackedBiLSTM
    let questionAttention: Linear
    let modelingEncoder: StackedBiLSTM?
    let startScorer, endScorer: BilinearAttention
    /// W_c [2H, 2H] of `ReaderConfig.conditionalEnd`, registered last and starting at zero, so a
    /// reader without it can be extended and first answers exactly as before.
    let endCondition: ParameterSlot?
    let dropout: Dropout
    /// The weights laid out for inference (`inferenceScores`), rebuilt when they change.
    let inferenceCache = ReaderInferenceCache()

    public init(config: ReaderConfig, seed: UInt64) {
        self.config = config
        var r = SeededRandom(seed: seed)
        let D = config.embeddingSize + config.wordVectorSize, H2 = 2 * config.hiddenSize
        embedding = SummedEmbedding(store: store, tables: JamoIndex.embeddingTables(syllableVocabularySize: config.vocabularySize),
                                    dimension: config.embeddingSize, random: &r)
        align = Linear(store: store, name: "align", inputSize: D, outputSize: config.alignSize, random: &r)
        contextEncoder = StackedBiLSTM(store: store, name: "context", inputSize: 2 * D + ContextFeatures.count, hiddenSize: config.hiddenSize,
                                       layerCount: config.contextLayers, dropout: config.dropout, random: &r)
        questionEncoder = StackedBiLSTM(store: store, name: "question", inputSize: D, hiddenSize: config.hiddenSize,
                                        layerCount: 1, dropout: 0, random: &r)
        questionAttention = Linear(store: store, name: "question.attention", inputSize: H2, outputSize: 1, random: &r)
        modelingEncoder = config.modelingLayers > 0
            ? StackedBiLSTM(store: store, name: "modeling", inputSize: 3 * H2, hiddenSize: config.hiddenSize,
                            layerCount: config.modelingLayers, dropout: config.dropout, random: &r)
            : nil
        startScorer = BilinearAttention(store: store, name: "start", querySize: H2, keySize: H2, random: &r)
        endScorer = BilinearAttention(store: store, name: "end", querySize: H2, keySize: H2, random: &r)
        endCondition = config.conditionalEnd ? store.add("end.condition.weight", shape: [H2, H2], initial: [Float](repeating: 0, count: H2 * H2)) : nil
        dropout = Dropout(probability: config.dropout)
    }

    /// One training or inference batch: context windows, their questions, per-position
    /// context features (`ContextFeatures`) and, with word vectors, each syllable's word vector.
    public struct Batch: Sendable {
        public var context: PaddedIDs
        public var question: PaddedIDs
        public var features: [Float]  // [B, T, ContextFeatures.count]
        public var contextWords: [Float] = []  // [B, T, W]
        public var questionWords: [Float] = []  // [B, Q, W]

        /// `contexts[b]` is window b's tokens and `questions[b]` its question's (with offsets: a
        /// gap between two tokens is a space).
        public init(contexts: [ArraySlice<Token>], questions: [[Token]], vocabulary: Vocabulary, wordVectors: SubwordVectors? = nil) {
            context = PaddedIDs(contexts.map { SyllableIDs($0.lazy.map(\.text), vocabulary: vocabulary).channels },
                                channelCount: SyllableIDs.channelCount)
            question = PaddedIDs(questions.map { SyllableIDs($0.lazy.map(\.text), vocabulary: vocabulary).channels },
                                 channelCount: SyllableIDs.channelCount)
            let T = context.maxLength, F = ContextFeatures.count
            features = [Float](repeating: 0, count: contexts.count * T * F)
            for (b, window) in contexts.enumerated() {
                let values = ContextFeatures.compute(window: window, question: questions[b].map(\.text))
                for (i, v) in values.enumerated() { features[b * T * F + i] = v }
            }
            if let wordVectors {
                contextWords = Self.padded(contexts, length: T, vectors: wordVectors)
                questionWords = Self.padded(questions.map { $0[...] }, length: question.maxLength, vectors: wordVectors)
            }
        }

        /// [sequences.count, length, W]: each sequence's token vectors, zeros after its end.
        static func padded(_ sequences: [ArraySlice<Token>], length: Int, vectors: SubwordVectors) -> [Float] {
            let W = vectors.dimension
            var out = [Float](repeating: 0, count: sequences.count * length * W)
            for (b, tokens) in sequences.enumerated() {
                let values = vectors.tokenVectors(tokens)
                out.replaceSubrange((b * length * W)..<(b * length * W + values.count), with: values)
            }
            return out
        }
    }

    /// [B, L, D + W]: learned syllable embeddings, then the batch's word vectors.
    func embed(_ s: PaddedIDs, words: [Float]) -> Tensor {
        let e = embedding(s.channels, shape: [s.batchSize, s.maxLength])
        guard config.wordVectorSize > 0 else { return e }
        precondition(words.count == s.batchSize * s.maxLength * config.wordVectorSize, "the batch was made without the reader's word vectors")
        return concatenateLast(e, Tensor(shape: [s.batchSize, s.maxLength, config.wordVectorSize], data: words))
    }

    /// Word vectors are frozen: only the syllable-embedding part of the gradient is used.
    func embedBackward(_ d: Tensor, _ s: PaddedIDs) {
        embedding.backward(config.wordVectorSize > 0 ? splitLast(d, config.embeddingSize).0 : d, ids: s.channels)
    }

    struct Cache {
        var contextEmbedding, questionEmbedding: Tensor
        var contextDropMask, questionDropMask: [Float]
        var projectedContext, projectedQuestion: Tensor  // relu(W e), [B·T, A] and [B·Q, A]
        var alignWeights: Tensor  // [B, T, Q]
        var contextInput: Tensor  // [B, T, 2(D+W)+F]
        var contextCache: StackedBiLSTM.Cache
        var h: Tensor  // [B, T, 2H]
        var questionCache: StackedBiLSTM.Cache
        var u: Tensor  // [B, Q, 2H]
        var questionWeights: Tensor  // [B, Q]
        var q: Tensor  // [B, 2H]
        var modeling: ModelingCache?
        var startCache, endCache: BilinearAttention.Cache
        var endQuery: Tensor  // q, or q + s̄ W_c with a conditional end, [B, 2H]
        var condition: EndCondition?
    }

    /// What the conditional end pointer keeps for backward.
    struct EndCondition {
        var startProbabilities: Tensor  // softmax of the start scores over real positions, [B, T]
        var startSummary: Tensor  // s̄ = Σ_i p_start(i) m_i, [B, 2H]
    }

    struct ModelingCache {
        var weights: Tensor  // softmax_j(h_i · u_j / √(2H)), [B, T, Q]
        var c2q: Tensor  // [B, T, 2H]
        var dropMask: [Float]
        var encoder: StackedBiLSTM.Cache
        var m: Tensor  // [B, T, 2H]
    }

    /// Start and end scores [B, T] (padding not yet masked).
    func forward(_ batch: Batch, training: Bool, random: inout SeededRandom) -> (start: Tensor, end: Tensor, cache: Cache) {
        let B = batch.context.mask.batchSize, T = batch.context.mask.maxLength, Q = batch.question.mask.maxLength
        let D = config.embeddingSize + config.wordVectorSize, A = config.alignSize, H2 = 2 * config.hiddenSize
        let (ce, cdm) = dropout.forward(embed(batch.context, words: batch.contextWords), training: training, random: &random)
        let (qe, qdm) = dropout.forward(embed(batch.question, words: batch.questionWords), training: training, random: &random)
        let pc = Activation.relu.forward(align(ce.reshaped([B * T, D])))
        let pq = Activation.relu.forward(align(qe.reshaped([B * Q, D])))
        let alignWeights = Softmax.maskedLast(Attention.pairwiseScores(pc.reshaped([B, T, A]), pq.reshaped([B, Q, A])), keys: batch.question.mask)
        let aligned = Attention.pairwiseWeightedSum(weights: alignWeights, values: qe)
        let contextInput = concatenateLast(concatenateLast(ce, aligned), Tensor(shape: [B, T, ContextFeatures.count], data: batch.features))
        let (h, contextCache) = contextEncoder.forward(contextInput, mask: batch.context.mask, training: training, random: &random)
        let (u, questionCache) = questionEncoder.forward(qe, mask: batch.question.mask, training: training, random: &random)
        var keys = h, modeling: ModelingCache?
        if let modelingEncoder {
            let scale = 1 / Float(H2).squareRoot()
            var scores = Attention.pairwiseScores(h, u)
            for i in 0..<scores.count { scores.data[i] *= scale }
            let weights = Softmax.maskedLast(scores, keys: batch.question.mask)
            let c2q = Attention.pairwiseWeightedSum(weights: weights, values: u)
            var product = h
            for i in 0..<product.count { product.data[i] *= c2q.data[i] }
            let (input, dropMask) = dropout.forward(concatenateLast(concatenateLast(h, c2q), product), training: training, random: &random)
            let (m, encoderCache) = modelingEncoder.forward(input, mask: batch.context.mask, training: training, random: &random)
            keys = m
            modeling = ModelingCache(weights: weights, c2q: c2q, dropMask: dropMask, encoder: encoderCache, m: m)
        }
        let p = pointers(keys: keys, u: u, questionMask: batch.question.mask, contextMask: batch.context.mask)
        return (p.start, p.end, Cache(contextEmbedding: ce, questionEmbedding: qe, contextDropMask: cdm, questionDropMask: qdm,
                                      projectedContext: pc, projectedQuestion: pq, alignWeights: alignWeights, contextInput: contextInput,
                                      contextCache: contextCache, h: h, questionCache: questionCache, u: u, questionWeights: p.questionWeights,
                                      q: p.q, modeling: modeling, startCache: p.startCache, endCache: p.endCache, endQuery: p.endQuery,
                                      condition: p.condition))
    }

    /// The question summary q = Σ_j softmax_j(w · u_j) u_j [B, 2H] and the start and end scores
    /// q W m_i [B, T] over `keys` (h, or m with modeling layers); with a conditional end, the end
    /// scorer's query is q + s̄ W_c, s̄ = Σ_i softmax_i(start) m_i over the real positions.
    func pointers(keys: Tensor, u: Tensor, questionMask: SequenceMask, contextMask: SequenceMask)
        -> (start: Tensor, end: Tensor, questionWeights: Tensor, q: Tensor, startCache: BilinearAttention.Cache,
            endCache: BilinearAttention.Cache, endQuery: Tensor, condition: EndCondition?) {
        let B = questionMask.batchSize, Q = questionMask.maxLength, H2 = 2 * config.hiddenSize
        let questionWeights = Softmax.masked(questionAttention(u.reshaped([B * Q, H2])).reshaped([B, Q]), mask: questionMask)
        let q = Attention.weightedSum(weights: questionWeights, values: u)
        let (start, startCache) = startScorer.forward(query: q, keys: keys)
        var endQuery = q, condition: EndCondition?
        if let endCondition {
            let probabilities = Softmax.masked(start, mask: contextMask)
            let summary = Attention.weightedSum(weights: probabilities, values: keys)
            summary.data.withUnsafeBufferPointer { sp in
                endQuery.data.withUnsafeMutableBufferPointer { ep in
                    MatMul.gemm(transposeA: false, transposeB: false, m: B, n: H2, k: H2, a: sp.baseAddress!, lda: H2,
                                b: store.value(endCondition), ldb: H2, beta: 1, c: ep.baseAddress!, ldc: H2)
                }
            }
            condition = EndCondition(startProbabilities: probabilities, startSummary: summary)
        }
        let (end, endCache) = endScorer.forward(query: endQuery, keys: keys)
        return (start, end, questionWeights, q, startCache, endCache, endQuery, condition)
    }

    func backward(dStart: Tensor, dEnd: Tensor, batch: Batch, cache c: Cache) {
        let B = batch.context.mask.batchSize, T = batch.context.mask.maxLength, Q = batch.question.mask.maxLength
        let D = config.embeddingSize + config.wordVectorSize, A = config.alignSize, H2 = 2 * config.hiddenSize
        let keys = c.modeling?.m ?? c.h
        // End first: with a conditional end, its query depends on the start scores too.
        let (dq2, dKeys2) = endScorer.backward(dEnd, query: c.endQuery, keys: keys, cache: c.endCache)
        var dKeys = dKeys2, dStartTotal = dStart
        if let endCondition, let condition = c.condition {
            // endQuery = q + s̄ W_c: dW_c += s̄ᵀ dq2, ds̄ = dq2 W_cᵀ, then through s̄ = Σ_i p_i m_i and p = softmax(start).
            var dSummary = Tensor(zeros: [B, H2])
            dq2.data.withUnsafeBufferPointer { gp in
                condition.startSummary.data.withUnsafeBufferPointer { sp in
                    MatMul.gemm(transposeA: true, transposeB: false, m: H2, n: H2, k: B, a: sp.baseAddress!, lda: H2,
                                b: gp.baseAddress!, ldb: H2, beta: 1, c: store.gradient(endCondition), ldc: H2)
                }
                dSummary.data.withUnsafeMutableBufferPointer { dp in
                    MatMul.gemm(transposeA: false, transposeB: true, m: B, n: H2, k: H2, a: gp.baseAddress!, lda: H2,
                                b: store.value(endCondition), ldb: H2, c: dp.baseAddress!, ldc: H2)
                }
            }
            let (dProbabilities, dKeysSummary) = Attention.weightedSumBackward(dSummary, weights: condition.startProbabilities, values: keys)
            let dStartCondition = Softmax.backward(dProbabilities, output: condition.startProbabilities)
            for i in 0..<dKeys.count { dKeys.data[i] += dKeysSummary.data[i] }
            for i in 0..<dStartTotal.count { dStartTotal.data[i] += dStartCondition.data[i] }
        }
        let (dq1, dKeys1) = startScorer.backward(dStartTotal, query: c.q, keys: keys, cache: c.startCache)
        var dq = dq1
        for i in 0..<dKeys.count { dKeys.data[i] += dKeys1.data[i] }
        for i in 0..<dq.count { dq.data[i] += dq2.data[i] }
        // Question side.
        let (dQuestionWeights, du1) = Attention.weightedSumBackward(dq, weights: c.questionWeights, values: c.u)
        let dScoresQ = Softmax.backward(dQuestionWeights, output: c.questionWeights).reshaped([B * Q, 1])
        let du2 = questionAttention.backward(dScoresQ, input: c.u.reshaped([B * Q, H2])).reshaped([B, Q, H2])
        var du = du1
        for i in 0..<du.count { du.data[i] += du2.data[i] }
        // Modeling layer: back through [h; c2q; h∘c2q] to h and u.
        var dh = dKeys
        if let modelingEncoder, let mc = c.modeling {
            let dInput = dropout.backward(modelingEncoder.backward(dKeys, cache: mc.encoder), mask: mc.dropMask)
            let (dhc, dProduct) = splitLast(dInput, 2 * H2)
            var (dhDirect, dc2q) = splitLast(dhc, H2)
            for i in 0..<dhDirect.count {
                dhDirect.data[i] += dProduct.data[i] * mc.c2q.data[i]
                dc2q.data[i] += dProduct.data[i] * c.h.data[i]
            }
            let (dWeights, duValues) = Attention.pairwiseWeightedSumBackward(dc2q, weights: mc.weights, values: c.u)
            var dScores = Softmax.backward(dWeights, output: mc.weights)
            let scale = 1 / Float(H2).squareRoot()
            for i in 0..<dScores.count { dScores.data[i] *= scale }
            let (dhScores, duScores) = Attention.pairwiseScoresBackward(dScores, x: c.h, y: c.u)
            for i in 0..<dhDirect.count { dhDirect.data[i] += dhScores.data[i] }
            for i in 0..<du.count { du.data[i] += duValues.data[i] + duScores.data[i] }
            dh = dhDirect
        }
        var dqe = questionEncoder.backward(du, cache: c.questionCache)
        // Context side.
        let dContextInput = contextEncoder.backward(dh, cache: c.contextCache)
        let (dCeAligned, _) = splitLast(dContextInput, 2 * D)
        var (dce, dAligned) = splitLast(dCeAligned, D)
        let (dAlignWeights, dqe2) = Attention.pairwiseWeightedSumBackward(dAligned, weights: c.alignWeights, values: c.questionEmbedding)
        let dScores = Softmax.backward(dAlignWeights, output: c.alignWeights)
        let (dpc, dpq) = Attention.pairwiseScoresBackward(dScores, x: c.projectedContext.reshaped([B, T, A]), y: c.projectedQuestion.reshaped([B, Q, A]))
        let dce2 = align.backward(Activation.relu.backward(dpc.reshaped([B * T, A]), output: c.projectedContext),
                                  input: c.contextEmbedding.reshaped([B * T, D]))
        let dqe3 = align.backward(Activation.relu.backward(dpq.reshaped([B * Q, A]), output: c.projectedQuestion),
                                  input: c.questionEmbedding.reshaped([B * Q, D]))
        for i in 0..<dce.count { dce.data[i] += dce2.data[i] }
        for i in 0..<dqe.count { dqe.data[i] += dqe2.data[i] + dqe3.data[i] }
        embedBackward(dropout.backward(dce, mask: c.contextDropMask), batch.context)
        embedBackward(dropout.backward(dqe, mask: c.questionDropMask), batch.question)
    }

    /// Scores with padding pushed to -1e9, so softmax gives padded positions no mass.
    static func masked(_ scores: Tensor, _ mask: SequenceMask) -> Tensor {
        var s = scores
        for b in 0..<mask.batchSize { for t in mask.lengths[b]..<mask.maxLength { s.data[b * mask.maxLength + t] = -1e9 } }
        return s
    }

    /// Mean of −log p(start) − log p(end) over the batch; adds gradients into the store.
    /// `answers[b]` are token indices (first, last) inside window b.
    public func lossAndGradients(_ batch: Batch, answers: [(first: Int, last: Int)], random: inout SeededRandom) -> Float {
        lossAndGradients(batch, targets: answers.map { .span(first: $0.first, last: $0.last) }, random: &random)
    }

    /// Mean cross-entropy of the start and end pointers against `targets[b]` (window b's gold
    /// span, or a teacher's probabilities: distillation); adds gradients into the store.
    public func lossAndGradients(_ batch: Batch, targets: [SpanTarget], random: inout SeededRandom) -> Float {
        let (start, end, cache) = forward(batch, training: true, random: &random)
        let mask = batch.context.mask
        let startLogits = Self.masked(start, mask), endLogits = Self.masked(end, mask)
        let spans = targets.compactMap { target -> (Int32, Int32)? in
            if case .span(let first, let last) = target { return (Int32(first), Int32(last)) } else { return nil }
        }
        let startLoss: Float, dStart: Tensor, endLoss: Float, dEnd: Tensor
        if spans.count == targets.count {
            (startLoss, dStart) = Loss.softmaxCrossEntropy(logits: startLogits, targets: spans.map(\.0))
            (endLoss, dEnd) = Loss.softmaxCrossEntropy(logits: endLogits, targets: spans.map(\.1))
        } else {
            // [B, T] target distributions: a gold span is one-hot; padding gets no mass.
            let T = mask.maxLength
            var startTargets = [Float](repeating: 0, count: targets.count * T), endTargets = startTargets
            for (b, target) in targets.enumerated() {
                switch target {
                case .span(let first, let last):
                    startTargets[b * T + first] = 1; endTargets[b * T + last] = 1
                case .distribution(let s, let e):
                    precondition(s.count == mask.lengths[b] && e.count == mask.lengths[b], "a target distribution must cover its window")
                    startTargets.replaceSubrange((b * T)..<(b * T + s.count), with: s)
                    endTargets.replaceSubrange((b * T)..<(b * T + e.count), with: e)
                }
            }
            (startLoss, dStart) = Loss.softCrossEntropy(logits: startLogits, targets: startTargets)
            (endLoss, dEnd) = Loss.softCrossEntropy(logits: endLogits, targets: endTargets)
        }
        backward(dStart: dStart, dEnd: dEnd, batch: batch, cache: cache)
        return startLoss + endLoss
    }

    /// Log-probabilities of start and end per window (evaluation mode).
    public func spanLogProbabilities(_ batch: Batch) -> [(start: [Float], end: [Float])] {
        let (start, end) = inferenceScores(batch)
        let mask = batch.context.mask
        let ls = Softmax.logRows(Self.masked(start, mask)), le = Softmax.logRows(Self.masked(end, mask))
        let T = mask.maxLength
        return (0..<mask.batchSize).map { b in
            let n = mask.lengths[b]
            return (Array(ls.data[(b * T)..<(b * T + n)]), Array(le.data[(b * T)..<(b * T + n)]))
        }
    }
}
