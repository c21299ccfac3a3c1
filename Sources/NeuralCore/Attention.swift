import Foundation

/// The pieces that readers and classifiers combine: scores between a query and a sequence,
/// weighted sums, and pooling over the real positions of a padded batch.
public enum Attention {
    /// scores[b, t] = query[b] · keys[b, t]. query [B, D], keys [B, T, D] -> [B, T].
    public static func dotScores(query: Tensor, keys: Tensor) -> Tensor {
        let B = keys.shape[0], T = keys.shape[1], D = keys.shape[2]
        precondition(query.shape == [B, D], "dotScores: query \(query.shape) vs keys \(keys.shape)")
        var s = Tensor(zeros: [B, T])
        for b in 0..<B { for t in 0..<T {
            var sum: Float = 0
            for d in 0..<D { sum += query.data[b * D + d] * keys.data[(b * T + t) * D + d] }
            s.data[b * T + t] = sum
        } }
        return s
    }

    public static func dotScoresBackward(_ dScores: Tensor, query: Tensor, keys: Tensor) -> (dQuery: Tensor, dKeys: Tensor) {
        let B = keys.shape[0], T = keys.shape[1], D = keys.shape[2]
        var dq = Tensor(zeros: query.shape), dk = Tensor(zeros: keys.shape)
        for b in 0..<B { for t in 0..<T {
            let g = dScores.data[b * T + t]
            for d in 0..<D {
                dq.data[b * D + d] += g * keys.data[(b * T + t) * D + d]
                dk.data[(b * T + t) * D + d] += g * query.data[b * D + d]
            }
        } }
        return (dq, dk)
    }

    /// out[b] = Σ_t weights[b, t] values[b, t]. weights [B, T], values [B, T, D] -> [B, D].
    public static func weightedSum(weights: Tensor, values: Tensor) -> Tensor {
        let B = values.shape[0], T = values.shape[1], D = values.shape[2]
        precondition(weights.shape == [B, T], "weightedSum: weights \(weights.shape) vs values \(values.shape)")
        var out = Tensor(zeros: [B, D])
        for b in 0..<B { for t in 0..<T {
            let w = weights.data[b * T + t]
            if w == 0 { continue }
            for d in 0..<D { out.data[b * D + d] += w * values.data[(b * T + t) * D + d] }
        } }
        return out
    }

    public static func weightedSumBackward(_ dOut: Tensor, weights: Tensor, values: Tensor) -> (dWeights: Tensor, dValues: Tensor) {
        let B = values.shape[0], T = values.shape[1], D = values.shape[2]
        var dw = Tensor(zeros: weights.shape), dv = Tensor(zeros: values.shape)
        for b in 0..<B { for t in 0..<T {
            var sum: Float = 0
            let w = weights.data[b * T + t]
            for d in 0..<D {
                sum += dOut.data[b * D + d] * values.data[(b * T + t) * D + d]
                dv.data[(b * T + t) * D + d] = w * dOut.data[b * D + d]
            }
            dw.data[b * T + t] = sum
        } }
        return (dw, dv)
    }
}

/// scores[b, t] = query[b]ᵀ W keys[b, t] with W [Dq, Dk] (DrQA's bilinear span scorer).
public struct BilinearAttention: Sendable {
    public let store: ParameterStore
    public let weight: ParameterSlot
    public let querySize: Int
    public let keySize: Int

    public init(store: ParameterStore, name: String, querySize: Int, keySize: Int, random: inout SeededRandom) {
        self.store = store
        self.querySize = querySize
        self.keySize = keySize
        weight = store.add("\(name).weight", shape: [querySize, keySize],
                           initial: Initializer.uniformFanIn(querySize * keySize, fanIn: keySize, random: &random))
    }

    public struct Cache: Sendable { var projected: Tensor }

    /// query [B, Dq], keys [B, T, Dk] -> scores [B, T].
    public func forward(query: Tensor, keys: Tensor) -> (Tensor, Cache) {
        let B = query.shape[0]
        var u = Tensor(zeros: [B, keySize])  // u = q W
        query.data.withUnsafeBufferPointer { q in
            u.data.withUnsafeMutableBufferPointer { up in
                MatMul.gemm(transposeA: false, transposeB: false, m: B, n: keySize, k: querySize,
                            a: q.baseAddress!, lda: querySize, b: store.value(weight), ldb: keySize,
                            c: up.baseAddress!, ldc: keySize)
            }
        }
        return (Attention.dotScores(query: u, keys: keys), Cache(projected: u))
    }

    public func backward(_ dScores: Tensor, query: Tensor, keys: Tensor, cache: Cache) -> (dQuery: Tensor, dKeys: Tensor) {
        let B = query.shape[0]
        let (du, dk) = Attention.dotScoresBackward(dScores, query: cache.projected, keys: keys)
        var dq = Tensor(zeros: query.shape)
        du.data.withUnsafeBufferPointer { g in
            query.data.withUnsafeBufferPointer { q in
                // dW += qᵀ du
                MatMul.gemm(transposeA: true, transposeB: false, m: querySize, n: keySize, k: B,
                            a: q.baseAddress!, lda: querySize, b: g.baseAddress!, ldb: keySize,
                            beta: 1, c: store.gradient(weight), ldc: keySize)
            }
            dq.data.withUnsafeMutableBufferPointer { dqp in
                // dq = du Wᵀ
                MatMul.gemm(transposeA: false, transposeB: true, m: B, n: querySize, k: keySize,
                            a: g.baseAddress!, lda: keySize, b: store.value(weight), ldb: keySize,
                            c: dqp.baseAddress!, ldc: querySize)
            }
        }
        return (dq, dk)
    }
}

/// Pooling [B, T, D] -> [B, D] over the real positions only.
public enum Pooling {
    /// Max over real positions (0 for an empty row). Also returns, per [b, d], the t it came from
    /// (-1 for an empty row) for backward.
    public static func maskedMax(_ x: Tensor, mask: SequenceMask) -> (Tensor, [Int]) {
        let B = x.shape[0], T = x.shape[1], D = x.shape[2]
        var out = Tensor(zeros: [B, D])
        var argmax = [Int](repeating: -1, count: B * D)
        for b in 0..<B where mask.lengths[b] > 0 {
            for d in 0..<D {
                var best = -Float.infinity, at = 0
                for t in 0..<mask.lengths[b] where x.data[(b * T + t) * D + d] > best {
                    best = x.data[(b * T + t) * D + d]; at = t
                }
                out.data[b * D + d] = best
                argmax[b * D + d] = at
            }
        }
        return (out, argmax)
    }

    public static func maskedMaxBackward(_ dOut: Tensor, argmax: [Int], shape: [Int]) -> Tensor {
        let T = shape[1], D = shape[2]
        var dx = Tensor(zeros: shape)
        for (i, t) in argmax.enumerated() where t >= 0 {
            let b = i / D, d = i % D
            dx.data[(b * T + t) * D + d] += dOut.data[i]
        }
        return dx
    }

    /// Mean over real positions (0 for an empty row).
    public static func maskedMean(_ x: Tensor, mask: SequenceMask) -> Tensor {
        let B = x.shape[0], T = x.shape[1], D = x.shape[2]
        var out = Tensor(zeros: [B, D])
        for b in 0..<B where mask.lengths[b] > 0 {
            let scale = 1 / Float(mask.lengths[b])
            for t in 0..<mask.lengths[b] { for d in 0..<D { out.data[b * D + d] += x.data[(b * T + t) * D + d] * scale } }
        }
        return out
    }

    public static func maskedMeanBackward(_ dOut: Tensor, mask: SequenceMask, shape: [Int]) -> Tensor {
        let T = shape[1], D = shape[2]
        var dx = Tensor(zeros: shape)
        for b in 0..<shape[0] where mask.lengths[b] > 0 {
            let scale = 1 / Float(mask.lengths[b])
            for t in 0..<mask.lengths[b] { for d in 0..<D { dx.data[(b * T + t) * D + d] = dOut.data[b * D + d] * scale } }
        }
        return dx
    }
}

/// Attention between two sequences (DrQA's aligned question embedding, BiDAF's similarity):
/// every position of x looks at every position of y.
extension Attention {
    /// C[b] = op(A[b]) op(B[b]) for every b: A holds B matrices of [rowsA, colsA], B of
    /// [rowsB, colsB], op transposes when asked; the result is [B, m, n].
    static func batchedProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        let batch = a.shape[0], (ra, ca) = (a.shape[1], a.shape[2]), (rb, cb) = (b.shape[1], b.shape[2])
        let (m, k) = transposeA ? (ca, ra) : (ra, ca)
        let (kb, n) = transposeB ? (cb, rb) : (rb, cb)
        precondition(b.shape[0] == batch && k == kb, "batched product: \(a.shape) and \(b.shape) do not multiply")
        var c = Tensor(zeros: [batch, m, n])
        a.data.withUnsafeBufferPointer { ap in b.data.withUnsafeBufferPointer { bp in c.data.withUnsafeMutableBufferPointer { cp in
            for i in 0..<batch {
                MatMul.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                            a: ap.baseAddress! + i * ra * ca, lda: ca, b: bp.baseAddress! + i * rb * cb, ldb: cb,
                            c: cp.baseAddress! + i * m * n, ldc: n)
            }
        } } }
        return c
    }

    /// scores[b, i, j] = x[b, i] · y[b, j]. x [B, T, D], y [B, Q, D] -> [B, T, Q].
    public static func pairwiseScores(_ x: Tensor, _ y: Tensor) -> Tensor {
        precondition(y.shape[0] == x.shape[0] && y.shape[2] == x.shape[2], "pairwiseScores: x \(x.shape) and y \(y.shape) differ in batch or depth")
        return batchedProduct(x, y, transposeA: false, transposeB: true)
    }

    /// dx[b] = dS[b] y[b], dy[b] = dS[b]ᵀ x[b].
    public static func pairwiseScoresBackward(_ dScores: Tensor, x: Tensor, y: Tensor) -> (dx: Tensor, dy: Tensor) {
        (batchedProduct(dScores, y, transposeA: false, transposeB: false), batchedProduct(dScores, x, transposeA: true, transposeB: false))
    }

    /// out[b, i] = Σ_j weights[b, i, j] values[b, j]. weights [B, T, Q], values [B, Q, D] -> [B, T, D].
    public static func pairwiseWeightedSum(weights: Tensor, values: Tensor) -> Tensor {
        precondition(values.shape[0] == weights.shape[0] && values.shape[1] == weights.shape[2],
                     "pairwiseWeightedSum: weights \(weights.shape) vs values \(values.shape)")
        return batchedProduct(weights, values, transposeA: false, transposeB: false)
    }

    /// dWeights[b] = dOut[b] values[b]ᵀ, dValues[b] = weights[b]ᵀ dOut[b].
    public static func pairwiseWeightedSumBackward(_ dOut: Tensor, weights: Tensor, values: Tensor) -> (dWeights: Tensor, dValues: Tensor) {
        (batchedProduct(dOut, values, transposeA: false, transposeB: true), batchedProduct(weights, dOut, transposeA: true, transposeB: false))
    }
}

extension Softmax {
    /// Softmax over the last axis of scores [B, T, Q] where row b attends only to its first
    /// `keys.lengths[b]` positions; padded keys get exactly 0 (an empty key set gives all 0).
    /// Backward is `Softmax.backward` (the zeros stay zero).
    public static func maskedLast(_ scores: Tensor, keys: SequenceMask) -> Tensor {
        let B = scores.shape[0], T = scores.shape[1], Q = scores.shape[2]
        precondition(keys.batchSize == B && keys.maxLength == Q, "maskedLast: key mask \(keys.lengths)/\(keys.maxLength) vs scores \(scores.shape)")
        var y = Tensor(zeros: scores.shape)
        for b in 0..<B where keys.lengths[b] > 0 {
            let n = keys.lengths[b]
            for t in 0..<T {
                let row = (b * T + t) * Q
                var m = -Float.infinity
                for j in 0..<n { m = max(m, scores.data[row + j]) }
                var sum: Float = 0
                for j in 0..<n { let e = Foundation.exp(scores.data[row + j] - m); y.data[row + j] = e; sum += e }
                for j in 0..<n { y.data[row + j] /= sum }
            }
        }
        return y
    }
}
