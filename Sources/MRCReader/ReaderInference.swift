import Foundation
import NeuralCore

/// The reader's BiLSTM weights laid out for inference, and the parameter version they came from.
struct ReaderInferenceWeights {
    var version: Int
    var context: [BiLSTM.InferenceWeights]
    var question: [BiLSTM.InferenceWeights]
    /// Per embedding table k (syllable, initial, medial, final): E_k W_eᵀ [V_k, 8H], W_e the
    /// columns of the first context layer's W_ih that read the learned embedding. Since
    /// e(x) = Σ_k E_k[id_k(x)], its projection is a sum of 4 gathered rows (6,515 syllables × 768
    /// floats, 20 MB, for a [T, 128] × [128, 8H] product per window).
    var foldedEmbedding: [[Float]]
}

/// Holds one `ReaderInferenceWeights`, rebuilt when the model's weights change (after a training
/// step or a checkpoint load). Locked so that readers shared between threads build it once.
final class ReaderInferenceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var weights: ReaderInferenceWeights?

    func weights(version: Int, make: () -> ReaderInferenceWeights) -> ReaderInferenceWeights {
        lock.lock()
        defer { lock.unlock() }
        if let weights, weights.version == version { return weights }
        let made = make()
        weights = made
        return made
    }
}

extension ReaderModel {
    /// Start and end scores [B, T] (padding not yet masked) in evaluation mode: the function of
    /// `forward(_:training: false)`, computed with fewer FLOPs and no caches.
    ///
    /// The first context layer's input [e(c); aligned; features] (width 2(D+W)+F) is projected
    /// part by part, and the aligned part through the question, since attention and projection
    /// commute: aligned_i W_alᵀ = Σ_j a_ij (e(q_j) W_alᵀ). That is a [Q, D+W] × [D+W, 8H] and a
    /// [T, Q] × [Q, 8H] product instead of [T, D+W] × [D+W, 8H], with Q (a question's syllables,
    /// ~20) far below D+W (256): a third of the reader's FLOPs for a 500-syllable passage.
    /// Readers with modeling layers take the general path.
    func inferenceScores(_ batch: Batch) -> (start: Tensor, end: Tensor) {
        guard modelingEncoder == nil else {
            var random = SeededRandom(seed: 0)
            let (start, end, _) = forward(batch, training: false, random: &random)
            return (start, end)
        }
        let B = batch.context.mask.batchSize, T = batch.context.mask.maxLength, Q = batch.question.mask.maxLength
        let D = config.embeddingSize + config.wordVectorSize, A = config.alignSize, F = ContextFeatures.count
        let H8 = 8 * config.hiddenSize
        let weights = inferenceCache.weights(version: store.version) {
            let context = contextEncoder.inferenceWeights()
            return ReaderInferenceWeights(version: store.version, context: context, question: questionEncoder.inferenceWeights(),
                                          foldedEmbedding: embedding.tables.map { fold($0, into: context[0]) })
        }
        let ce = embed(batch.context, words: batch.contextWords)  // [B, T, D]
        let qe = embed(batch.question, words: batch.questionWords)  // [B, Q, D]
        let pc = Activation.relu.forward(align(ce.reshaped([B * T, D])))
        let pq = Activation.relu.forward(align(qe.reshaped([B * Q, D])))
        let alignWeights = Softmax.maskedLast(Attention.pairwiseScores(pc.reshaped([B, T, A]), pq.reshaped([B, Q, A])),
                                              keys: batch.question.mask)  // [B, T, Q]

        // The first context layer's input preactivations [B, T, 8H], from the column blocks of
        // W_ih [8H, 2D+F]: [0, E) reads the learned embedding (folded), [E, D) the word vector,
        // [D, 2D) the aligned question, [2D, 2D+F) the features.
        let first = weights.context[0], I = first.inputSize, E = config.embeddingSize, W = config.wordVectorSize
        precondition(I == 2 * D + F, "context encoder input \(I) is not 2·\(D)+\(F)")
        var gates = contextEncoder.layers[0].biasRows(B * T, weights: first)
        gates.withUnsafeMutableBufferPointer { gp in
            for (table, ids) in zip(weights.foldedEmbedding, batch.context.channels) {
                table.withUnsafeBufferPointer { tp in
                    for (row, id) in ids.enumerated() {
                        let g = gp.baseAddress! + row * H8, folded = tp.baseAddress! + Int(id) * H8
                        for j in 0..<H8 { g[j] += folded[j] }
                    }
                }
            }
        }
        var questionProjection = [Float](repeating: 0, count: Q * H8)  // e(q_j) W_alᵀ of one window, [Q, 8H]
        gates.withUnsafeMutableBufferPointer { gp in
        questionProjection.withUnsafeMutableBufferPointer { qp in
        first.inputWeight.withUnsafeBufferPointer { wp in
        qe.data.withUnsafeBufferPointer { qep in
        alignWeights.data.withUnsafeBufferPointer { ap in
            let g = gp.baseAddress!, w = wp.baseAddress!
            if W > 0 { addWordVectorProjection(batch.contextWords, rows: B * T, weights: w + E, ldw: I, into: g, H8: H8) }
            MatMul.gemm(transposeA: false, transposeB: true, m: B * T, n: H8, k: F, a: batch.features, lda: F,
                        b: w + 2 * D, ldb: I, beta: 1, c: g, ldc: H8)
            for b in 0..<B where Q > 0 {
                MatMul.gemm(transposeA: false, transposeB: true, m: Q, n: H8, k: D, a: qep.baseAddress! + b * Q * D, lda: D,
                            b: w + D, ldb: I, beta: 0, c: qp.baseAddress!, ldc: H8)
                MatMul.gemm(transposeA: false, transposeB: false, m: T, n: H8, k: Q, a: ap.baseAddress! + b * T * Q, lda: Q,
                            b: qp.baseAddress!, ldb: H8, beta: 1, c: g + b * T * H8, ldc: H8)
            }
        }}}}}
        let h = contextEncoder.forward(firstLayerGates: gates, mask: batch.context.mask, weights: weights.context)  // [B, T, 2H]
        let u = questionEncoder.inferenceForward(qe, mask: batch.question.mask, weights: weights.question)  // [B, Q, 2H]
        let p = pointers(keys: h, u: u, questionMask: batch.question.mask, contextMask: batch.context.mask)
        return (p.start, p.end)
    }

    /// E W_eᵀ [V, 8H] for an embedding table E [V, E] and the columns [0, E) of `layer`'s W_ih.
    func fold(_ table: Embedding, into layer: BiLSTM.InferenceWeights) -> [Float] {
        let V = table.vocabularySize, E = table.dimension, H8 = layer.bias.count
        var folded = [Float](repeating: 0, count: V * H8)
        folded.withUnsafeMutableBufferPointer { fp in
            MatMul.gemm(transposeA: false, transposeB: true, m: V, n: H8, k: E, a: store.value(table.weight), lda: E,
                        b: layer.inputWeight, ldb: layer.inputSize, beta: 0, c: fp.baseAddress!, ldc: H8)
        }
        return folded
    }

    /// g[r] += words[r] W_wᵀ for the rows of `words` [rows, W] (W_w [8H, W] with row stride `ldw`).
    /// The syllables of one word carry the same vector, so each run of equal rows is projected
    /// once — [words, W] × [W, 8H] instead of [syllables, W] × [W, 8H], ~2.5× fewer rows — and
    /// added to every row of the run (the same sums in the same order: bit-identical gates).
    func addWordVectorProjection(_ words: [Float], rows: Int, weights: UnsafePointer<Float>, ldw: Int,
                                 into g: UnsafeMutablePointer<Float>, H8: Int) {
        let W = config.wordVectorSize
        var runOfRow = [Int](repeating: 0, count: rows)
        var distinct = [Float]()
        distinct.reserveCapacity(rows * W)
        words.withUnsafeBufferPointer { wp in
            let base = wp.baseAddress!
            var runs = 0
            for r in 0..<rows {
                if r == 0 || memcmp(base + r * W, base + (r - 1) * W, W * MemoryLayout<Float>.size) != 0 {
                    distinct.append(contentsOf: UnsafeBufferPointer(start: base + r * W, count: W))
                    runs += 1
                }
                runOfRow[r] = runs - 1
            }
        }
        let runs = distinct.count / W
        var projected = [Float](repeating: 0, count: runs * H8)
        projected.withUnsafeMutableBufferPointer { pp in
            MatMul.gemm(transposeA: false, transposeB: true, m: runs, n: H8, k: W, a: distinct, lda: W,
                        b: weights, ldb: ldw, beta: 0, c: pp.baseAddress!, ldc: H8)
            for r in 0..<rows {
                let row = g + r * H8, source = pp.baseAddress! + runOfRow[r] * H8
                for j in 0..<H8 { row[j] += source[j] }
            }
        }
    }
}
