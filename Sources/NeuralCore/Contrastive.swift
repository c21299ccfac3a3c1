import Foundation

/// Unit-length rows: y = x / ‖x‖ per row of [N, D] (a zero row stays zero).
public enum L2Normalize {
    public static func forward(_ x: Tensor) -> (y: Tensor, norms: [Float]) {
        let D = x.shape.last!, N = x.count / D
        var y = x
        var norms = [Float](repeating: 0, count: N)
        for i in 0..<N {
            var s: Float = 0
            for d in 0..<D { s += x.data[i * D + d] * x.data[i * D + d] }
            let n = s.squareRoot()
            norms[i] = n
            if n > 0 { for d in 0..<D { y.data[i * D + d] /= n } }
        }
        return (y, norms)
    }

    /// dx = (dy − y (y·dy)) / ‖x‖.
    public static func backward(_ dy: Tensor, y: Tensor, norms: [Float]) -> Tensor {
        let D = y.shape.last!, N = y.count / D
        var dx = Tensor(zeros: y.shape)
        for i in 0..<N where norms[i] > 0 {
            var dot: Float = 0
            for d in 0..<D { dot += y.data[i * D + d] * dy.data[i * D + d] }
            for d in 0..<D { dx.data[i * D + d] = (dy.data[i * D + d] - y.data[i * D + d] * dot) / norms[i] }
        }
        return dx
    }
}

extension Loss {
    /// In-batch contrastive loss (InfoNCE; SimCSE, Gao et al. 2021): row i of `a` [B, D] should
    /// be closer to row i of `b` than to every other row of `b`, and the other way round.
    /// S = a bᵀ / τ; loss = ½ (CE(S, diag) + CE(Sᵀ, diag)). With unit rows, S/τ is cosine over τ.
    ///
    /// Returns the loss and dLoss/da, dLoss/db.
    public static func inBatchContrastive(_ a: Tensor, _ b: Tensor, temperature: Float) -> (loss: Float, da: Tensor, db: Tensor) {
        let B = a.shape[0], D = a.shape[1]
        precondition(b.shape == [B, D], "contrastive: a \(a.shape), b \(b.shape)")
        var scores = Tensor(zeros: [B, B])
        a.data.withUnsafeBufferPointer { ap in
            b.data.withUnsafeBufferPointer { bp in
                scores.data.withUnsafeMutableBufferPointer { sp in
                    MatMul.gemm(transposeA: false, transposeB: true, m: B, n: B, k: D, alpha: 1 / temperature, a: ap.baseAddress!, lda: D,
                                b: bp.baseAddress!, ldb: D, c: sp.baseAddress!, ldc: B)
                }
            }
        }
        let diagonal = (0..<B).map(Int32.init)
        let rows = softmaxCrossEntropy(logits: scores, targets: diagonal)
        var transposed = Tensor(zeros: [B, B])
        for i in 0..<B { for j in 0..<B { transposed.data[j * B + i] = scores.data[i * B + j] } }
        let columns = softmaxCrossEntropy(logits: transposed, targets: diagonal)
        // dS = ½ (dRows + dColumnsᵀ) / τ folded into the products below.
        var dScores = Tensor(zeros: [B, B])
        for i in 0..<B { for j in 0..<B { dScores.data[i * B + j] = 0.5 * (rows.dLogits.data[i * B + j] + columns.dLogits.data[j * B + i]) / temperature } }
        var da = Tensor(zeros: [B, D]), db = Tensor(zeros: [B, D])
        dScores.data.withUnsafeBufferPointer { gp in
            b.data.withUnsafeBufferPointer { bp in
                da.data.withUnsafeMutableBufferPointer { dp in
                    MatMul.gemm(transposeA: false, transposeB: false, m: B, n: D, k: B, a: gp.baseAddress!, lda: B, b: bp.baseAddress!, ldb: D,
                                c: dp.baseAddress!, ldc: D)
                }
            }
            a.data.withUnsafeBufferPointer { ap in
                db.data.withUnsafeMutableBufferPointer { dp in
                    MatMul.gemm(transposeA: true, transposeB: false, m: B, n: D, k: B, a: gp.baseAddress!, lda: B, b: ap.baseAddress!, ldb: D,
                                c: dp.baseAddress!, ldc: D)
                }
            }
        }
        return (0.5 * (rows.loss + columns.loss), da, db)
    }
}
