import Foundation

/// Numerically stable softmax families and the cross-entropy loss.
public enum Softmax {
    /// Row-wise softmax of [N, C]; subtracts each row's max first so exp never overflows.
    public static func rows(_ x: Tensor) -> Tensor {
        let c = x.shape.last!
        var y = x
        for r in 0..<(x.count / c) {
            let m = rowMaximum(x, r, c)
            var sum: Float = 0
            for j in 0..<c { let e = Foundation.exp(x.data[r * c + j] - m); y.data[r * c + j] = e; sum += e }
            for j in 0..<c { y.data[r * c + j] /= sum }
        }
        return y
    }

    /// Row-wise log-softmax of [N, C]: x - max - log Σ exp(x - max).
    public static func logRows(_ x: Tensor) -> Tensor {
        let c = x.shape.last!
        var y = x
        for r in 0..<(x.count / c) {
            let m = rowMaximum(x, r, c)
            var sum: Double = 0
            for j in 0..<c { sum += Foundation.exp(Double(x.data[r * c + j] - m)) }
            let logSum = Float(Foundation.log(sum))
            for j in 0..<c { y.data[r * c + j] = x.data[r * c + j] - m - logSum }
        }
        return y
    }

    @inline(__always)
    static func rowMaximum(_ x: Tensor, _ r: Int, _ c: Int) -> Float {
        var m = -Float.infinity
        for j in 0..<c { m = max(m, x.data[r * c + j]) }
        return m
    }

    /// Softmax over the last axis of scores [B, T] where only the first `lengths[b]` positions of
    /// each row take part; padded positions get exactly 0. A row with no real position is all 0.
    public static func masked(_ scores: Tensor, mask: SequenceMask) -> Tensor {
        let T = mask.maxLength
        precondition(scores.shape == [mask.batchSize, T], "masked softmax expects [\(mask.batchSize), \(T)], got \(scores.shape)")
        var y = Tensor(zeros: scores.shape)
        for b in 0..<mask.batchSize {
            let n = mask.lengths[b]
            guard n > 0 else { continue }
            var m = -Float.infinity
            for t in 0..<n { m = max(m, scores.data[b * T + t]) }
            var sum: Float = 0
            for t in 0..<n { let e = Foundation.exp(scores.data[b * T + t] - m); y.data[b * T + t] = e; sum += e }
            for t in 0..<n { y.data[b * T + t] /= sum }
        }
        return y
    }

    /// Backward of any softmax along the last axis, given its output y: dx = y ⊙ (dy − Σ dy·y).
    /// (Padded positions have y = 0, so they get 0.)
    public static func backward(_ dy: Tensor, output y: Tensor) -> Tensor {
        let c = y.shape.last!
        var dx = dy
        for r in 0..<(y.count / c) {
            var dot: Float = 0
            for j in 0..<c { dot += dy.data[r * c + j] * y.data[r * c + j] }
            for j in 0..<c { dx.data[r * c + j] = y.data[r * c + j] * (dy.data[r * c + j] - dot) }
        }
        return dx
    }
}

public enum Loss {
    /// Mean softmax cross-entropy of logits [N, C] against class ids, over the rows whose weight
    /// is non-zero (`weights` nil: every row counts 1; use 0 for padding).
    ///
    /// Returns the loss and dLoss/dLogits = weight (softmax − onehot) / Σ weights.
    public static func softmaxCrossEntropy(logits: Tensor, targets: [Int32], weights: [Float]? = nil) -> (loss: Float, dLogits: Tensor) {
        let c = logits.shape.last!
        let n = logits.count / c
        precondition(targets.count == n, "cross-entropy: \(targets.count) targets for \(n) rows")
        let logp = Softmax.logRows(logits)
        var total: Double = 0
        var weightSum: Double = 0
        var d = Tensor(zeros: logits.shape)
        for r in 0..<n {
            let w = weights?[r] ?? 1
            guard w != 0 else { continue }
            let target = Int(targets[r])
            precondition(target >= 0 && target < c, "cross-entropy: target \(target) outside 0..<\(c)")
            total -= Double(w) * Double(logp.data[r * c + target])
            weightSum += Double(w)
        }
        guard weightSum > 0 else { return (0, d) }
        let scale = Float(1 / weightSum)
        for r in 0..<n {
            let w = weights?[r] ?? 1
            guard w != 0 else { continue }
            for j in 0..<c { d.data[r * c + j] = w * scale * Foundation.exp(logp.data[r * c + j]) }
            d.data[r * c + Int(targets[r])] -= w * scale
        }
        return (Float(total / weightSum), d)
    }
}

extension Loss {
    /// Mean cross-entropy −Σ_j p_rj log softmax(logits)_rj of logits [N, C] against target
    /// distributions p [N, C] (rows sum to 1; a one-hot row is the class-id loss). Used to
    /// distill a teacher: its probabilities are the targets.
    ///
    /// Returns the loss and dLoss/dLogits = (softmax − p) / N.
    public static func softCrossEntropy(logits: Tensor, targets: [Float]) -> (loss: Float, dLogits: Tensor) {
        let c = logits.shape.last!
        let n = logits.count / c
        precondition(targets.count == logits.count, "soft cross-entropy: \(targets.count) target values for \(n) rows of \(c)")
        guard n > 0 else { return (0, Tensor(zeros: logits.shape)) }
        let logp = Softmax.logRows(logits)
        var total: Double = 0
        var d = Tensor(zeros: logits.shape)
        let scale = 1 / Float(n)
        for i in 0..<logits.count {
            // 0 · log p is 0 even where p underflows to 0 (masked padding has log p ≈ −1e9).
            if targets[i] != 0 { total -= Double(targets[i]) * Double(logp.data[i]) }
            d.data[i] = scale * (Foundation.exp(logp.data[i]) - targets[i])
        }
        return (Float(total / Double(n)), d)
    }
}
