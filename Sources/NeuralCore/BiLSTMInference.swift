/// Inference through BiLSTMs with nothing kept for backward, and with the weights laid out once
/// for it: both directions' W_ih stacked so one GEMM projects the input for both, and W_hh
/// pre-transposed (`LSTM.transposedHiddenWeight`) instead of re-transposed at every call.
///
/// The layout is derived from the parameters, so it must be rebuilt when they change
/// (`ParameterStore.version`). Results equal `forward(_:mask:)` up to float rounding.
extension BiLSTM {
    public struct InferenceWeights: Sendable {
        /// [8H, I]: the forward direction's W_ih rows, then the backward direction's.
        public let inputWeight: [Float]
        /// [8H]: the forward direction's bias, then the backward direction's.
        public let bias: [Float]
        /// W_hhᵀ of each direction, [H, 4H].
        let forwardRecurrent: [Float]
        let backwardRecurrent: [Float]
        public let inputSize: Int
    }

    public func inferenceWeights() -> InferenceWeights {
        let store = forwardLSTM.store, H4 = 4 * hiddenSize, I = forwardLSTM.inputSize
        var input = uninitializedFloats(2 * H4 * I), bias = uninitializedFloats(2 * H4)
        input.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.update(from: store.value(forwardLSTM.inputWeight), count: H4 * I)
            (p.baseAddress! + H4 * I).update(from: store.value(backwardLSTM.inputWeight), count: H4 * I)
        }
        bias.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.update(from: store.value(forwardLSTM.bias), count: H4)
            (p.baseAddress! + H4).update(from: store.value(backwardLSTM.bias), count: H4)
        }
        return InferenceWeights(inputWeight: input, bias: bias, forwardRecurrent: forwardLSTM.transposedHiddenWeight(),
                                backwardRecurrent: backwardLSTM.transposedHiddenWeight(), inputSize: I)
    }

    /// [rows, 8H] filled with both directions' bias: the start of a projection that GEMMs add into.
    public func biasRows(_ rows: Int, weights: InferenceWeights) -> [Float] {
        let H8 = 8 * hiddenSize
        var gates = uninitializedFloats(rows * H8)
        gates.withUnsafeMutableBufferPointer { gp in
            for row in 0..<rows { (gp.baseAddress! + row * H8).update(from: weights.bias, count: H8) }
        }
        return gates
    }

    /// Both directions' input preactivations for x [B, T, I]: b + x W_ihᵀ, [B, T, 8H].
    public func projectedGates(_ x: Tensor, weights: InferenceWeights) -> [Float] {
        let I = weights.inputSize, rows = x.count / I, H8 = 8 * hiddenSize
        precondition(x.shape.last == I, "BiLSTM expects input [.., \(I)], got \(x.shape)")
        var gates = biasRows(rows, weights: weights)
        gates.withUnsafeMutableBufferPointer { gp in
            MatMul.gemm(transposeA: false, transposeB: true, m: rows, n: H8, k: I, a: x.data, lda: I,
                        b: weights.inputWeight, ldb: I, beta: 1, c: gp.baseAddress!, ldc: H8)
        }
        return gates
    }

    /// The outputs [B, T, 2H] (zeros at padding) from both directions' input preactivations
    /// `gates` [B, T, 8H] (bias included, overwritten); each direction writes its half of every
    /// row. A single sequence's gates are read in place, a batch's gathered time-major first.
    public func forward(projectedGates gates: inout [Float], mask: SequenceMask, weights: InferenceWeights) -> Tensor {
        let B = mask.batchSize, T = mask.maxLength, H = hiddenSize, H8 = 8 * H
        precondition(gates.count == B * T * H8, "BiLSTM: \(gates.count) preactivations for a [\(B), \(T)] batch of hidden size \(H)")
        var output = Tensor(zeros: [B, T, 2 * H])
        guard B > 0 && T > 0 else { return output }
        output.data.withUnsafeMutableBufferPointer { op in
            gates.withUnsafeMutableBufferPointer { gp in
                let out = op.baseAddress!, projected = gp.baseAddress!
                func run(_ lstm: LSTM, offset: Int, recurrent: [Float], output: UnsafeMutablePointer<Float>) {
                    if B == 1 {
                        let first = lstm.reverse ? (T - 1) * H8 : 0
                        lstm.recurWithoutCache(gates: projected + first + offset, stepStride: lstm.reverse ? -H8 : H8, mask: mask,
                                               recurrentWeight: recurrent, output: output, outputStride: 2 * H)
                    } else {
                        var g = lstm.timeMajorGates(from: projected, rowStride: H8, offset: offset, mask: mask)
                        lstm.recurWithoutCache(gates: &g, mask: mask, recurrentWeight: recurrent, output: output, outputStride: 2 * H)
                    }
                }
                Parallelism.both({ run(forwardLSTM, offset: 0, recurrent: weights.forwardRecurrent, output: out) },
                                 { run(backwardLSTM, offset: 4 * H, recurrent: weights.backwardRecurrent, output: out + H) })
            }
        }
        return output
    }
}

extension LSTM {
    /// This direction's input preactivations as [T, B, 4H] in processing order, gathered from
    /// `projected` [B, T, rowStride] whose rows hold them from `offset` on.
    func timeMajorGates(from projected: UnsafePointer<Float>, rowStride: Int, offset: Int, mask: SequenceMask) -> [Float] {
        let B = mask.batchSize, T = mask.maxLength, H4 = 4 * hiddenSize
        var gates = uninitializedFloats(T * B * H4)
        gates.withUnsafeMutableBufferPointer { gp in
            for k in 0..<T {
                let t = time(k, T)
                for b in 0..<B {
                    (gp.baseAddress! + (k * B + b) * H4).update(from: projected + (b * T + t) * rowStride + offset, count: H4)
                }
            }
        }
        return gates
    }
}

extension StackedBiLSTM {
    public func inferenceWeights() -> [BiLSTM.InferenceWeights] { layers.map { $0.inferenceWeights() } }

    /// Inference (no dropout, no cache) from the first layer's input preactivations [B, T, 8H],
    /// for callers that compute them more cheaply than x W_ihᵀ; -> [B, T, 2H].
    public func forward(firstLayerGates: consuming [Float], mask: SequenceMask, weights: [BiLSTM.InferenceWeights]) -> Tensor {
        precondition(weights.count == layers.count, "\(weights.count) inference weights for \(layers.count) layers")
        var gates = firstLayerGates
        var h = layers[0].forward(projectedGates: &gates, mask: mask, weights: weights[0])
        for l in layers.indices.dropFirst() {
            gates = layers[l].projectedGates(h, weights: weights[l])
            h = layers[l].forward(projectedGates: &gates, mask: mask, weights: weights[l])
        }
        return h
    }

    /// Inference (no dropout, no cache): x [B, T, I] -> [B, T, 2H].
    public func inferenceForward(_ x: Tensor, mask: SequenceMask, weights: [BiLSTM.InferenceWeights]) -> Tensor {
        forward(firstLayerGates: layers[0].projectedGates(x, weights: weights[0]), mask: mask, weights: weights)
    }
}

extension LSTM {
    /// The recurrent weights laid out for `inferenceForward` (rebuild when the parameters change).
    public func inferenceRecurrentWeight() -> [Float] { transposedHiddenWeight() }

    /// One direction's outputs [B, T, H] for x [B, T, I] (zeros at padding) with nothing kept for
    /// backward: the input projected by one GEMM, the recurrence by the packed single-sequence
    /// kernel. Equals `forward(_:mask:)` up to float rounding.
    public func inferenceForward(_ x: Tensor, mask: SequenceMask, recurrent: [Float]) -> Tensor {
        let B = mask.batchSize, T = mask.maxLength, H = hiddenSize, H4 = 4 * H, I = inputSize
        precondition(x.shape == [B, T, I], "LSTM expects input [\(B), \(T), \(I)], got \(x.shape)")
        var output = Tensor(zeros: [B, T, H])
        guard B > 0 && T > 0 else { return output }
        var gates = uninitializedFloats(B * T * H4)
        let bias = store.value(self.bias)
        gates.withUnsafeMutableBufferPointer { gp in
            for row in 0..<(B * T) { (gp.baseAddress! + row * H4).update(from: bias, count: H4) }
            MatMul.gemm(transposeA: false, transposeB: true, m: B * T, n: H4, k: I, a: x.data, lda: I,
                        b: store.value(inputWeight), ldb: I, beta: 1, c: gp.baseAddress!, ldc: H4)
        }
        output.data.withUnsafeMutableBufferPointer { op in
            if B == 1 {
                gates.withUnsafeMutableBufferPointer { gp in
                    recurWithoutCache(gates: gp.baseAddress! + (reverse ? (T - 1) * H4 : 0), stepStride: reverse ? -H4 : H4, mask: mask,
                                      recurrentWeight: recurrent, output: op.baseAddress!, outputStride: H)
                }
            } else {
                var g = gates.withUnsafeBufferPointer { timeMajorGates(from: $0.baseAddress!, rowStride: H4, offset: 0, mask: mask) }
                recurWithoutCache(gates: &g, mask: mask, recurrentWeight: recurrent, output: op.baseAddress!, outputStride: H)
            }
        }
        return output
    }
}
