import CNeuralKernels
import Foundation

/// An output layer over a large vocabulary (syllables), trained with sampled softmax (Jean et
/// al. 2015, as ELMo's language model is): each position's loss is the cross-entropy over its
/// target and `k` negatives shared by the batch, each logit corrected by −log(expected count of
/// that id in the sample), and a negative equal to the target masked out. It costs N·k·H instead
/// of N·V·H; `fullLogLikelihood` scores with the exact softmax (perplexity).
///
/// Parameters: `name.weight` [V, H], `name.bias` [V].
public struct SampledSoftmax: Sendable {
    public let store: ParameterStore
    public let weight: ParameterSlot
    public let bias: ParameterSlot
    public let vocabularySize: Int
    public let inputSize: Int

    public init(store: ParameterStore, name: String, vocabularySize: Int, inputSize: Int, random: inout SeededRandom) {
        self.store = store
        self.vocabularySize = vocabularySize
        self.inputSize = inputSize
        let std = 1 / Float(inputSize).squareRoot()
        weight = store.add(name + ".weight", shape: [vocabularySize, inputSize],
                           initial: (0..<(vocabularySize * inputSize)).map { _ in random.normal() * std })
        bias = store.add(name + ".bias", shape: [vocabularySize], initial: [Float](repeating: 0, count: vocabularySize))
    }

    /// The negatives of one batch and the log of each id's expected count in such a sample.
    public struct Sample: Sendable {
        /// [k] ids, drawn with replacement.
        public var negatives: [Int32]
        /// log(k · q(id)) for every id of the vocabulary, [V].
        public var logExpectedCount: [Float]
    }

    /// Draws `k` ids from `distribution` (q, summing to 1; e.g. unigram^0.75), cumulative sums
    /// precomputed in `cumulative`.
    public static func sample(k: Int, cumulative: [Double], logExpectedCount: [Float], random: inout SeededRandom) -> Sample {
        let total = cumulative.last ?? 1
        let negatives = (0..<k).map { _ -> Int32 in
            let u = Double(random.uniform()) * total
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] <= u { lo = mid + 1 } else { hi = mid }
            }
            return Int32(lo)
        }
        return Sample(negatives: negatives, logExpectedCount: logExpectedCount)
    }

    /// Mean sampled cross-entropy over the positions whose target is ≥ 0 (−1: skip), and
    /// dL/dh [N, H]; parameter gradients (times `scale`) are added into the store.
    /// - Parameters: h [N, H]; targets [N].
    public func lossAndBackward(_ h: Tensor, targets: [Int32], sample: Sample, scale: Float = 1) -> (loss: Float, dInput: Tensor, count: Int) {
        let N = h.shape[0], H = inputSize, k = sample.negatives.count
        precondition(h.shape == [N, H] && targets.count == N, "SampledSoftmax: h \(h.shape), \(targets.count) targets")
        let counted = targets.filter { $0 >= 0 }.count
        var dh = Tensor(zeros: [N, H])
        guard counted > 0 else { return (0, dh, 0) }
        let W = store.value(weight), b = store.value(bias), dW = store.gradient(weight), db = store.gradient(bias)
        // Negative rows gathered: Wn [k, H]; logits [N, k] = h · Wnᵀ + bn − log E.
        var negativeWeights = [Float](repeating: 0, count: k * H)
        for (j, id) in sample.negatives.enumerated() {
            negativeWeights.withUnsafeMutableBufferPointer { ($0.baseAddress! + j * H).update(from: W + Int(id) * H, count: H) }
        }
        var logits = [Float](repeating: 0, count: N * k)
        h.data.withUnsafeBufferPointer { hp in
            negativeWeights.withUnsafeBufferPointer { wp in
                logits.withUnsafeMutableBufferPointer { lp in
                    MatMul.gemm(transposeA: false, transposeB: true, m: N, n: k, k: H, a: hp.baseAddress!, lda: H,
                                b: wp.baseAddress!, ldb: H, c: lp.baseAddress!, ldc: k)
                }
            }
        }
        var loss: Double = 0
        var dTrue = [Float](repeating: 0, count: N)
        let weightPerPosition = scale / Float(counted)
        for i in 0..<N {
            let t = Int(targets[i])
            guard t >= 0 else {
                for j in 0..<k { logits[i * k + j] = 0 }
                continue
            }
            var trueLogit = b[t] - sample.logExpectedCount[t]
            h.data.withUnsafeBufferPointer { hp in for d in 0..<H { trueLogit += hp[i * H + d] * W[t * H + d] } }
            var maximum = trueLogit
            for j in 0..<k {
                let id = Int(sample.negatives[j])
                let value = id == t ? -Float.infinity : logits[i * k + j] + b[id] - sample.logExpectedCount[id]
                logits[i * k + j] = value
                maximum = max(maximum, value)
            }
            // Softmax over (target, negatives), the row exponentiated in place by the vectorized
            // kernel; the row then holds p(negative), the gradient's negative part.
            let trueProbabilityUnnormalized = exp(Double(trueLogit - maximum))
            var sum = trueProbabilityUnnormalized
            logits.withUnsafeMutableBufferPointer { row in
                let r = row.baseAddress! + i * k
                for j in 0..<k { r[j] = max(r[j] - maximum, -80) }  // exp(−80) ≈ 2e−35: a masked hit counts as 0
                korqa_exp(r, Int64(k))
                for j in 0..<k where Int(sample.negatives[j]) == t { r[j] = 0 }
                var rowSum: Float = 0
                for j in 0..<k { rowSum += r[j] }
                sum += Double(rowSum)
                let factor = Float(1 / sum) * weightPerPosition
                for j in 0..<k { r[j] *= factor }
            }
            loss += log(sum) - Double(trueLogit - maximum)
            // dL/dlogit = (p − onehot) / counted · scale.
            dTrue[i] = (Float(trueProbabilityUnnormalized / sum) - 1) * weightPerPosition
        }
        // dh = dNeg · Wn + dTrue · W[t]; dWn = dNegᵀ · h (scattered); dW[t] += dTrue · h.
        var dNegativeWeights = [Float](repeating: 0, count: k * H)
        logits.withUnsafeBufferPointer { gp in
            negativeWeights.withUnsafeBufferPointer { wp in
                dh.data.withUnsafeMutableBufferPointer { dp in
                    MatMul.gemm(transposeA: false, transposeB: false, m: N, n: H, k: k, a: gp.baseAddress!, lda: k,
                                b: wp.baseAddress!, ldb: H, c: dp.baseAddress!, ldc: H)
                }
            }
            h.data.withUnsafeBufferPointer { hp in
                dNegativeWeights.withUnsafeMutableBufferPointer { dwp in
                    MatMul.gemm(transposeA: true, transposeB: false, m: k, n: H, k: N, a: gp.baseAddress!, lda: k,
                                b: hp.baseAddress!, ldb: H, c: dwp.baseAddress!, ldc: H)
                }
            }
        }
        for j in 0..<k {
            let id = Int(sample.negatives[j])
            var column: Float = 0
            for i in 0..<N { column += logits[i * k + j] }
            db[id] += column
            for d in 0..<H { dW[id * H + d] += dNegativeWeights[j * H + d] }
        }
        h.data.withUnsafeBufferPointer { hp in
            for i in 0..<N where targets[i] >= 0 {
                let t = Int(targets[i]), g = dTrue[i]
                db[t] += g
                for d in 0..<H {
                    dh.data[i * H + d] += g * W[t * H + d]
                    dW[t * H + d] += g * hp[i * H + d]
                }
            }
        }
        return (Float(loss / Double(counted)), dh, counted)
    }

    /// Σ log p(target) under the full softmax over the vocabulary, and how many positions had a
    /// target (≥ 0); exp(−sum / count) is the perplexity.
    public func fullLogLikelihood(_ h: Tensor, targets: [Int32]) -> (sum: Double, count: Int) {
        let N = h.shape[0], H = inputSize, V = vocabularySize
        var logits = [Float](repeating: 0, count: N * V)
        let W = store.value(weight), b = store.value(bias)
        h.data.withUnsafeBufferPointer { hp in
            logits.withUnsafeMutableBufferPointer { lp in
                MatMul.gemm(transposeA: false, transposeB: true, m: N, n: V, k: H, a: hp.baseAddress!, lda: H, b: W, ldb: H, c: lp.baseAddress!, ldc: V)
            }
        }
        var sum: Double = 0, count = 0
        for i in 0..<N where targets[i] >= 0 {
            var maximum = -Float.infinity
            for v in 0..<V { logits[i * V + v] += b[v]; maximum = max(maximum, logits[i * V + v]) }
            var total: Double = 0
            for v in 0..<V { total += exp(Double(logits[i * V + v] - maximum)) }
            sum += Double(logits[i * V + Int(targets[i])] - maximum) - log(total)
            count += 1
        }
        return (sum, count)
    }
}
