import Testing
@testable import NeuralCore

/// The layers a seq2seq decoder needs: an LSTM started from a given state (with that state's
/// gradient), the same LSTM one step at a time, and coverage attention over a memory.
@Suite struct DecoderLayerTests {
    func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var random = SeededRandom(seed: seed)
        return Tensor.normal(shape, std: 1, random: &random)
    }

    /// One flat input [x | h₀ | c₀] so that GradCheck perturbs all three.
    @Test func lstmFromAnInitialStateChecksEveryGradient() {
        let B = 3, T = 4, I = 5, H = 4
        let mask = SequenceMask(lengths: [4, 2, 0], maxLength: T)
        var random = SeededRandom(seed: 11)
        let store = ParameterStore()
        let lstm = LSTM(store: store, name: "dec", inputSize: I, hiddenSize: H, random: &random)
        func split(_ flat: Tensor) -> (Tensor, LSTM.State) {
            let x = Tensor(shape: [B, T, I], data: Array(flat.data[0..<(B * T * I)]))
            let h = Tensor(shape: [B, H], data: Array(flat.data[(B * T * I)..<(B * T * I + B * H)]))
            let c = Tensor(shape: [B, H], data: Array(flat.data[(B * T * I + B * H)...]))
            return (x, LSTM.State(hidden: h, cell: c))
        }
        let input = randomTensor([B * T * I + 2 * B * H], seed: 12)
        let report = GradCheck().check(store: store, input: input,
            forward: { flat in let (x, s) = split(flat); return lstm.forward(x, mask: mask, initial: s).0 },
            backward: { dy, flat in
                let (x, s) = split(flat)
                let (_, cache) = lstm.forward(x, mask: mask, initial: s)
                let (dx, d0) = lstm.backwardWithState(dy, cache: cache)
                return Tensor(shape: flat.shape, data: dx.data + d0.hidden.data + d0.cell.data)
            })
        #expect(report.checked > 100)
        // Row 2 has no steps: its initial state gets no gradient from the outputs.
        let (x, s) = split(input)
        let (_, cache) = lstm.forward(x, mask: mask, initial: s)
        let (_, d0) = lstm.backwardWithState(randomTensor([B, T, H], seed: 13), cache: cache)
        #expect(d0.hidden.data[(2 * H)...].allSatisfy { $0 == 0 } && d0.hidden.data[0..<H].contains { $0 != 0 })
    }

    /// Decoding one step at a time gives the states of the whole-sequence forward.
    @Test func stepByStepEqualsTheSequenceForward() {
        let B = 2, T = 5, I = 3, H = 6
        var random = SeededRandom(seed: 21)
        let lstm = LSTM(store: ParameterStore(), name: "dec", inputSize: I, hiddenSize: H, random: &random)
        let x = randomTensor([B, T, I], seed: 22)
        let start = LSTM.State(hidden: randomTensor([B, H], seed: 23), cell: randomTensor([B, H], seed: 24))
        let (whole, _) = lstm.forward(x, mask: SequenceMask(lengths: [T, T]), initial: start)
        var state = start
        for t in 0..<T {
            var xt = Tensor(zeros: [B, I])
            for b in 0..<B { for i in 0..<I { xt.data[b * I + i] = x.data[(b * T + t) * I + i] } }
            state = lstm.step(xt, state: state)
            for b in 0..<B { for h in 0..<H { #expect(abs(state.hidden.data[b * H + h] - whole.data[(b * T + t) * H + h]) < 1e-5) } }
        }
    }

    /// Input [queries | keys | values], output [contexts | weights | coverage]: the check drives
    /// all three output gradients (as the copy distribution and the coverage loss do).
    @Test func coverageAttentionChecksEveryGradient() {
        let B = 2, T = 3, S = 4, Q = 3, K = 5, D = 2, A = 4
        let memory = SequenceMask(lengths: [4, 2], maxLength: S), steps = SequenceMask(lengths: [3, 2], maxLength: T)
        var random = SeededRandom(seed: 31)
        let store = ParameterStore()
        let attention = CoverageAttention(store: store, name: "att", keySize: K, querySize: Q, size: A, random: &random)
        // A coverage weight large enough that its path matters in the check.
        for j in 0..<A { store.value(attention.coverageWeight)[j] = Float(j) - 1.5 }
        let sizes = [B * T * Q, B * S * K, B * S * D]
        func split(_ flat: Tensor) -> (Tensor, Tensor, Tensor) {
            let q = Tensor(shape: [B, T, Q], data: Array(flat.data[0..<sizes[0]]))
            let k = Tensor(shape: [B, S, K], data: Array(flat.data[sizes[0]..<(sizes[0] + sizes[1])]))
            let v = Tensor(shape: [B, S, D], data: Array(flat.data[(sizes[0] + sizes[1])...]))
            return (q, k, v)
        }
        let input = randomTensor([sizes.reduce(0, +)], seed: 32)
        let report = GradCheck().check(store: store, input: input,
            forward: { flat in
                let (q, k, v) = split(flat)
                let out = attention.forward(queries: q, keys: k, values: v, memory: memory, steps: steps).0
                return Tensor(shape: [out.contexts.count + 2 * out.weights.count], data: out.contexts.data + out.weights.data + out.coverage.data)
            },
            backward: { dy, flat in
                let (q, k, v) = split(flat)
                let (out, cache) = attention.forward(queries: q, keys: k, values: v, memory: memory, steps: steps)
                let n = out.contexts.count, w = out.weights.count
                let grads = attention.backward(dContexts: Tensor(shape: out.contexts.shape, data: Array(dy.data[0..<n])),
                                               dWeights: Tensor(shape: out.weights.shape, data: Array(dy.data[n..<(n + w)])),
                                               dCoverage: Tensor(shape: out.weights.shape, data: Array(dy.data[(n + w)...])),
                                               output: out, cache: cache)
                return Tensor(shape: flat.shape, data: grads.dQueries.data + grads.dKeys.data + grads.dValues.data)
            })
        #expect(report.checked > 100)
    }

    /// Weights sum to one over the real positions, coverage is their running sum, and the
    /// single-step path used by decoding matches the batched forward.
    @Test func coverageAttentionStepMatchesForward() {
        let T = 4, S = 5, Q = 3, K = 4, D = 3, A = 6
        var random = SeededRandom(seed: 41)
        let store = ParameterStore()
        let attention = CoverageAttention(store: store, name: "att", keySize: K, querySize: Q, size: A, random: &random)
        let q = randomTensor([1, T, Q], seed: 42), k = randomTensor([1, S, K], seed: 43), v = randomTensor([1, S, D], seed: 44)
        let (out, _) = attention.forward(queries: q, keys: k, values: v, memory: SequenceMask(lengths: [S]), steps: SequenceMask(lengths: [T]))
        let projected = attention.projectKeys(k).reshaped([S, A])
        var coverage = Tensor(zeros: [1, S])
        for t in 0..<T {
            let sum = out.weights.data[(t * S)..<((t + 1) * S)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
            for i in 0..<S { #expect(abs(out.coverage.data[t * S + i] - coverage.data[i]) < 1e-5) }
            let query = Tensor(shape: [1, Q], data: Array(q.data[(t * Q)..<((t + 1) * Q)]))
            let (weights, contexts) = attention.step(queries: query, projectedKeys: projected, values: v.reshaped([S, D]), coverage: &coverage)
            for i in 0..<S { #expect(abs(weights.data[i] - out.weights.data[t * S + i]) < 1e-5) }
            for d in 0..<D { #expect(abs(contexts.data[d] - out.contexts.data[t * D + d]) < 1e-5) }
        }
    }
}
