import Foundation

/// Additive attention over a memory, with coverage (Bahdanau et al. 2015; See et al. 2017):
/// a decoder state attends over the encoder states, and the sum of its earlier attention
/// (coverage) enters the score so that it learns not to attend to — and repeat — the same
/// source positions again.
///
/// Shapes: B batch, T decoder steps (queries), S memory positions, A attention size,
/// K key size, Q query size, D value size.
///   keys'   = keys W_kᵀ + b_k                      [B, S, A]  (once per source)
///   query'  = query W_qᵀ + b_q                     [B, T, A]
///   e_ti    = v · tanh(keys'_i + query'_t + w_c cov_ti)
///   a_t     = softmax over the real positions i of e_t        [B, T, S]
///   cov_0 = 0,  cov_{t+1} = cov_t + a_t                       [B, S]
///   context_t = Σ_i a_ti values_i                             [B, T, D]
/// The steps are sequential through the coverage, so forward walks t in order and backward in
/// reverse, carrying dL/dcov.
public struct CoverageAttention: Sendable {
    public let keyProjection: Linear
    public let queryProjection: Linear
    public let coverageWeight: ParameterSlot  // w_c [A]
    public let scoreVector: ParameterSlot  // v [A]
    public let size: Int

    public init(store: ParameterStore, name: String, keySize: Int, querySize: Int, size: Int, random: inout SeededRandom) {
        keyProjection = Linear(store: store, name: "\(name).key", inputSize: keySize, outputSize: size, random: &random)
        queryProjection = Linear(store: store, name: "\(name).query", inputSize: querySize, outputSize: size, random: &random)
        coverageWeight = store.add("\(name).coverage", shape: [size],
                                   initial: Initializer.uniformFanIn(size, fanIn: 1, random: &random).map { $0 * 0.1 })
        scoreVector = store.add("\(name).v", shape: [size], initial: Initializer.uniformFanIn(size, fanIn: size, random: &random))
        self.size = size
    }

    public struct Output: Sendable {
        /// context_t [B, T, D]
        public var contexts: Tensor
        /// a_t [B, T, S] (zeros at padded steps and positions)
        public var weights: Tensor
        /// cov_t, the coverage each step saw before attending [B, T, S]
        public var coverage: Tensor
    }

    public struct Cache: Sendable {
        var keys: Tensor, queries: Tensor, values: Tensor
        var projectedKeys: Tensor, projectedQueries: Tensor
        var activations: [Float]  // tanh(·) [B, T, S, A]
        var memory: SequenceMask, steps: SequenceMask
    }

    /// The keys' projection, computed once per source (decoding reuses it at every step).
    public func projectKeys(_ keys: Tensor) -> Tensor { keyProjection(keys) }

    /// Attention of every real decoder step t < steps.lengths[b] over the memory positions
    /// i < memory.lengths[b].
    public func forward(queries: Tensor, keys: Tensor, values: Tensor, memory: SequenceMask, steps: SequenceMask) -> (Output, Cache) {
        let B = memory.batchSize, S = memory.maxLength, T = steps.maxLength, A = size, D = values.shape[2]
        precondition(queries.shape[0] == B && queries.shape[1] == T && keys.shape[1] == S && values.shape[1] == S,
                     "CoverageAttention: queries [B, T, Q], keys [B, S, K], values [B, S, D] must agree with the masks")
        let pk = keyProjection(keys), pq = queryProjection(queries)
        var output = Output(contexts: Tensor(zeros: [B, T, D]), weights: Tensor(zeros: [B, T, S]), coverage: Tensor(zeros: [B, T, S]))
        var activations = [Float](repeating: 0, count: B * T * S * A)
        let wc = keyProjection.store.value(coverageWeight), v = keyProjection.store.value(scoreVector)
        var coverage = [Float](repeating: 0, count: S)
        var scores = [Float](repeating: 0, count: S)
        activations.withUnsafeMutableBufferPointer { actp in
            for b in 0..<B {
                let n = memory.lengths[b]
                for i in 0..<S { coverage[i] = 0 }
                for t in 0..<steps.lengths[b] {
                    let act = actp.baseAddress! + ((b * T + t) * S) * A
                    pk.data.withUnsafeBufferPointer { kp in
                        pq.data.withUnsafeBufferPointer { qp in
                            let q = qp.baseAddress! + (b * T + t) * A
                            for i in 0..<n {
                                let k = kp.baseAddress! + (b * S + i) * A, row = act + i * A, c = coverage[i]
                                for j in 0..<A { row[j] = k[j] + q[j] + wc[j] * c }
                            }
                        }
                    }
                    Vectorized.tanh(act, count: n * A)
                    for i in 0..<n {
                        var e: Float = 0
                        let row = act + i * A
                        for j in 0..<A { e += v[j] * row[j] }
                        scores[i] = e
                    }
                    let weights = Self.softmax(scores, count: n)
                    let base = (b * T + t) * S
                    for i in 0..<n {
                        output.coverage.data[base + i] = coverage[i]
                        output.weights.data[base + i] = weights[i]
                        coverage[i] += weights[i]
                        let value = (b * S + i) * D, context = (b * T + t) * D
                        for d in 0..<D { output.contexts.data[context + d] += weights[i] * values.data[value + d] }
                    }
                }
            }
        }
        return (output, Cache(keys: keys, queries: queries, values: values, projectedKeys: pk, projectedQueries: pq,
                              activations: activations, memory: memory, steps: steps))
    }

    /// Gradients of the contexts [B, T, D], of the weights used elsewhere (a copy distribution)
    /// [B, T, S] and of the coverage each step saw (a coverage loss) [B, T, S]; adds the
    /// parameter gradients into the store and returns those of the queries, keys and values.
    public func backward(dContexts: Tensor, dWeights: Tensor?, dCoverage: Tensor?, output: Output, cache: Cache)
        -> (dQueries: Tensor, dKeys: Tensor, dValues: Tensor) {
        let memory = cache.memory, steps = cache.steps
        let B = memory.batchSize, S = memory.maxLength, T = steps.maxLength, A = size, D = cache.values.shape[2]
        var dpk = Tensor(zeros: cache.projectedKeys.shape), dpq = Tensor(zeros: cache.projectedQueries.shape)
        var dValues = Tensor(zeros: cache.values.shape)
        let store = keyProjection.store
        let wc = store.value(coverageWeight), v = store.value(scoreVector)
        let dwc = store.gradient(coverageWeight), dv = store.gradient(scoreVector)
        var carried = [Float](repeating: 0, count: S)  // dL/dcov_{t+1}
        var dA = [Float](repeating: 0, count: S)
        var dPre = [Float](repeating: 0, count: A)
        for b in 0..<B {
            let n = memory.lengths[b]
            for i in 0..<S { carried[i] = 0 }
            for t in stride(from: steps.lengths[b] - 1, through: 0, by: -1) {
                let base = (b * T + t) * S, context = (b * T + t) * D
                var weighted: Float = 0
                for i in 0..<n {
                    var g = carried[i] + (dWeights?.data[base + i] ?? 0)
                    let value = (b * S + i) * D, a = output.weights.data[base + i]
                    for d in 0..<D {
                        g += dContexts.data[context + d] * cache.values.data[value + d]
                        dValues.data[value + d] += a * dContexts.data[context + d]
                    }
                    dA[i] = g
                    weighted += a * g
                }
                for i in 0..<n {
                    let a = output.weights.data[base + i]
                    let de = a * (dA[i] - weighted)
                    let act = (base + i) * A
                    var dCov: Float = 0
                    for j in 0..<A {
                        let th = cache.activations[act + j]
                        dv[j] += de * th
                        let g = de * v[j] * (1 - th * th)
                        dPre[j] = g
                        dwc[j] += g * output.coverage.data[base + i]
                        dCov += g * wc[j]
                    }
                    let k = (b * S + i) * A, q = (b * T + t) * A
                    for j in 0..<A { dpk.data[k + j] += dPre[j]; dpq.data[q + j] += dPre[j] }
                    // cov_{t+1} = cov_t + a_t: what reached cov_{t+1} also reaches cov_t.
                    carried[i] += dCov + (dCoverage?.data[base + i] ?? 0)
                }
            }
        }
        let dKeys = keyProjection.backward(dpk, input: cache.keys)
        let dQueries = queryProjection.backward(dpq, input: cache.queries)
        return (dQueries, dKeys, dValues)
    }

    /// One decoding step of N hypotheses over one source: queries [N, Q], the source's
    /// projected keys [S, A] and values [S, D], each hypothesis's coverage [N, S] (advanced in
    /// place) -> weights [N, S] and contexts [N, D].
    public func step(queries: Tensor, projectedKeys: Tensor, values: Tensor, coverage: inout Tensor) -> (weights: Tensor, contexts: Tensor) {
        let N = queries.shape[0], S = projectedKeys.shape[0], A = size, D = values.shape[1]
        let pq = queryProjection(queries)
        let store = keyProjection.store
        let wc = store.value(coverageWeight), v = store.value(scoreVector)
        var weights = Tensor(zeros: [N, S]), contexts = Tensor(zeros: [N, D])
        var act = [Float](repeating: 0, count: S * A)
        var scores = [Float](repeating: 0, count: S)
        for r in 0..<N {
            act.withUnsafeMutableBufferPointer { ap in
                for i in 0..<S {
                    let c = coverage.data[r * S + i]
                    for j in 0..<A { ap[i * A + j] = projectedKeys.data[i * A + j] + pq.data[r * A + j] + wc[j] * c }
                }
                Vectorized.tanh(ap.baseAddress!, count: S * A)
                for i in 0..<S {
                    var e: Float = 0
                    for j in 0..<A { e += v[j] * ap[i * A + j] }
                    scores[i] = e
                }
            }
            let a = Self.softmax(scores, count: S)
            for i in 0..<S {
                weights.data[r * S + i] = a[i]
                coverage.data[r * S + i] += a[i]
                for d in 0..<D { contexts.data[r * D + d] += a[i] * values.data[i * D + d] }
            }
        }
        return (weights, contexts)
    }


    static func softmax(_ scores: [Float], count n: Int) -> [Float] {
        guard n > 0 else { return [] }
        var m = -Float.infinity
        for i in 0..<n { m = Swift.max(m, scores[i]) }
        var out = [Float](repeating: 0, count: n)
        var sum: Float = 0
        for i in 0..<n { out[i] = expf(scores[i] - m); sum += out[i] }
        for i in 0..<n { out[i] /= sum }
        return out
    }
}
