import CNeuralKernels

/// One LSTM direction over a padded batch.
///
/// Gates in PyTorch's order i, f, g, o:
///   gates = x W_ihᵀ + h_{t-1} W_hhᵀ + b      W_ih [4H, I], W_hh [4H, H], b [4H]
///   i, f, o = σ(·);  g = tanh(·);  c_t = f c_{t-1} + i g;  h_t = o tanh(c_t)
/// One bias vector (PyTorch keeps two, b_ih and b_hh, whose sum is equivalent).
///
/// Speed: the input projection of every time step is one GEMM [T·B, I] × [I, 4H] before the
/// recurrence, leaving one [B, H] × [H, 4H] GEMM per step; in backward, dW_ih and dW_hh are one
/// GEMM each after the loop. Buffers are time-major in processing order so each step's slice is
/// contiguous.
///
/// Padding: for row b, positions t ≥ lengths[b] leave the state unchanged and output zeros, so
/// padding changes no output and no gradient of the real positions. The reverse direction starts
/// at each row's own last real position.
public struct LSTM: Sendable {
    public let store: ParameterStore
    public let inputWeight: ParameterSlot  // [4H, I]
    public let hiddenWeight: ParameterSlot  // [4H, H]
    public let bias: ParameterSlot  // [4H]
    public let inputSize: Int
    public let hiddenSize: Int
    public let reverse: Bool

    /// Weights and bias ~ U(-1/√H, 1/√H) as in PyTorch; the forget-gate bias starts at 1 (a
    /// common choice that helps gradients flow early in training).
    public init(store: ParameterStore, name: String, inputSize: Int, hiddenSize: Int, reverse: Bool = false,
                random: inout SeededRandom) {
        self.store = store
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.reverse = reverse
        let h4 = 4 * hiddenSize
        inputWeight = store.add("\(name).weight_ih", shape: [h4, inputSize],
                                initial: Initializer.uniformFanIn(h4 * inputSize, fanIn: hiddenSize, random: &random))
        hiddenWeight = store.add("\(name).weight_hh", shape: [h4, hiddenSize],
                                 initial: Initializer.uniformFanIn(h4 * hiddenSize, fanIn: hiddenSize, random: &random))
        var b = Initializer.uniformFanIn(h4, fanIn: hiddenSize, random: &random)
        for j in hiddenSize..<(2 * hiddenSize) { b[j] += 1 }
        bias = store.add("\(name).bias", shape: [h4], initial: b)
    }

    /// What backward needs, kept from forward.
    public struct Cache: Sendable {
        var mask: SequenceMask
        var xTime: [Float]  // [T, B, I] processing order
        var gates: [Float]  // [T, B, 4H] activated i, f, g, o
        var cells: [Float]  // [T+1, B, H] c before/after each step
        var hiddens: [Float]  // [T+1, B, H]
        var tanhCells: [Float]  // [T, B, H]
    }

    @inline(__always)
    func time(_ k: Int, _ steps: Int) -> Int { reverse ? steps - 1 - k : k }

    /// x [B, T, I] -> output [B, T, H] (zeros at padding).
    public func forward(_ x: Tensor, mask: SequenceMask) -> (Tensor, Cache) { forward(x, mask: mask, initial: nil) }

    /// The state an LSTM starts from: h₀ and c₀, each [B, H] (a decoder starts from a state
    /// computed from its encoder).
    public struct State: Sendable {
        public var hidden: Tensor
        public var cell: Tensor
        public init(hidden: Tensor, cell: Tensor) { self.hidden = hidden; self.cell = cell }
    }

    /// x [B, T, I] from `initial` (nil: zeros) -> output [B, T, H]. `backwardWithState` gives the
    /// initial state's gradient too.
    public func forward(_ x: Tensor, mask: SequenceMask, initial: State?) -> (Tensor, Cache) {
        let B = mask.batchSize, T = mask.maxLength, I = inputSize, H = hiddenSize, H4 = 4 * H
        if let initial {
            precondition(initial.hidden.shape == [B, H] && initial.cell.shape == [B, H], "LSTM: initial state must be [\(B), \(H)] each")
        }
        precondition(x.shape == [B, T, I], "LSTM expects input [\(B), \(T), \(I)], got \(x.shape)")
        // Every element of these buffers is written before it is read (the state at step 0 is
        // zeroed, masked rows copy the previous state, tanhCells of masked rows are never
        // read), so they skip zero-filling 10+ MB per call.
        var xTime = uninitializedFloats(T * B * I)
        var gates = uninitializedFloats(T * B * H4)
        guard T > 0 && B > 0 else { return recur(gates: gates, xTime: xTime, mask: mask, initial: initial) }
        let wih = store.value(inputWeight), bias = store.value(self.bias)
        x.data.withUnsafeBufferPointer { xp in
            xTime.withUnsafeMutableBufferPointer { xt in
                for k in 0..<T {
                    let t = time(k, T)
                    for b in 0..<B {
                        (xt.baseAddress! + (k * B + b) * I).update(from: xp.baseAddress! + (b * T + t) * I, count: I)
                    }
                }
            }
        }
        // Hoisted input projection for all steps: gates = xTime W_ihᵀ + b.
        gates.withUnsafeMutableBufferPointer { gp in
            let g = gp.baseAddress!
            for row in 0..<(T * B) { (g + row * H4).update(from: bias, count: H4) }
            xTime.withUnsafeBufferPointer { xt in
                MatMul.gemm(transposeA: false, transposeB: true, m: T * B, n: H4, k: I,
                            a: xt.baseAddress!, lda: I, b: wih, ldb: I, beta: 1, c: g, ldc: H4)
            }
        }
        return recur(gates: gates, xTime: xTime, mask: mask, initial: initial)
    }

    /// The input projection of every row of an embedding table, folded: P = E W_ihᵀ + b, [V, 4H].
    ///
    /// When the LSTM reads embeddings directly, x_t W_ihᵀ + b = P[id_t], so inference can gather
    /// rows of P instead of running the [T·B, I] × [I, 4H] GEMM — half of a BiLSTM's FLOPs.
    /// P must be recomputed whenever the weights change (see `ParameterStore.version`).
    public func foldedProjection(of embedding: Embedding) -> [Float] {
        precondition(embedding.dimension == inputSize, "embedding size \(embedding.dimension) is not the LSTM input size \(inputSize)")
        let V = embedding.vocabularySize, H4 = 4 * hiddenSize
        var table = uninitializedFloats(V * H4)
        let bias = store.value(self.bias)
        table.withUnsafeMutableBufferPointer { tp in
            for v in 0..<V { (tp.baseAddress! + v * H4).update(from: bias, count: H4) }
            MatMul.gemm(transposeA: false, transposeB: true, m: V, n: H4, k: inputSize,
                        a: store.value(embedding.weight), lda: inputSize, b: store.value(inputWeight), ldb: inputSize,
                        beta: 1, c: tp.baseAddress!, ldc: H4)
        }
        return table
    }

    /// The input preactivations of token ids from a folded table (`foldedProjection`), laid out
    /// [T, B, 4H] in processing order.
    func gatheredGates(ids: [Int32], foldedProjection table: [Float], mask: SequenceMask) -> [Float] {
        let B = mask.batchSize, T = mask.maxLength, H4 = 4 * hiddenSize
        precondition(ids.count == B * T, "LSTM: \(ids.count) ids for a [\(B), \(T)] batch")
        var gates = uninitializedFloats(T * B * H4)
        gates.withUnsafeMutableBufferPointer { gp in
            table.withUnsafeBufferPointer { tp in
                for k in 0..<T {
                    let t = time(k, T)
                    for b in 0..<B {
                        (gp.baseAddress! + (k * B + b) * H4).update(from: tp.baseAddress! + Int(ids[b * T + t]) * H4, count: H4)
                    }
                }
            }
        }
        return gates
    }

    /// The recurrence over precomputed input preactivations `gates` [T, B, 4H] (time-major,
    /// processing order).
    func recur(gates inputGates: [Float], xTime: [Float], mask: SequenceMask, initial: State? = nil) -> (Tensor, Cache) {
        let B = mask.batchSize, T = mask.maxLength, H = hiddenSize, H4 = 4 * H
        var cache = Cache(mask: mask, xTime: xTime, gates: inputGates,
                          cells: uninitializedFloats((T + 1) * B * H, zeroPrefix: B * H),
                          hiddens: uninitializedFloats((T + 1) * B * H, zeroPrefix: B * H),
                          tanhCells: uninitializedFloats(T * B * H))
        if let initial {
            for i in 0..<(B * H) { cache.hiddens[i] = initial.hidden.data[i]; cache.cells[i] = initial.cell.data[i] }
        }
        var output = Tensor(zeros: [B, T, H])
        guard T > 0 && B > 0 else { return (output, cache) }
        let recurrentWeight = transposedHiddenWeight()
        cache.gates.withUnsafeMutableBufferPointer { gp in
        cache.cells.withUnsafeMutableBufferPointer { cp in
        cache.hiddens.withUnsafeMutableBufferPointer { hp in
        cache.tanhCells.withUnsafeMutableBufferPointer { tcp in
        output.data.withUnsafeMutableBufferPointer { op in
            let gates = gp.baseAddress!, cells = cp.baseAddress!, hiddens = hp.baseAddress!
            let tanhCells = tcp.baseAddress!, out = op.baseAddress!
            for k in 0..<T {
                step(k, mask: mask, gates: gates + k * B * H4,
                     hPrev: hiddens + k * B * H, cPrev: cells + k * B * H,
                     hNext: hiddens + (k + 1) * B * H, cNext: cells + (k + 1) * B * H,
                     tanhCells: tanhCells + k * B * H, output: out, outputStride: H,
                     recurrentWeight: recurrentWeight)
            }
        }}}}}
        return (output, cache)
    }

    /// The recurrence for inference: no cache, the state in two ping-pong [B, H] buffers, and h
    /// written straight into `output` rows of `outputStride` floats (so a BiLSTM's directions
    /// fill the two halves of one [B, T, 2H] tensor without copies).
    /// `recurrentWeight` is `transposedHiddenWeight()`, which callers that run many times keep.
    func recurWithoutCache(gates: inout [Float], mask: SequenceMask, recurrentWeight: [Float],
                           output: UnsafeMutablePointer<Float>, outputStride: Int) {
        gates.withUnsafeMutableBufferPointer { gp in
            recurWithoutCache(gates: gp.baseAddress!, stepStride: mask.batchSize * 4 * hiddenSize, mask: mask,
                              recurrentWeight: recurrentWeight, output: output, outputStride: outputStride)
        }
    }

    /// The same over gates laid out with `stepStride` floats (possibly negative) from one
    /// processing step's [B, 4H] block to the next, so a single sequence's gates can be read in
    /// place from a [T, 8H] projection of both directions.
    func recurWithoutCache(gates: UnsafeMutablePointer<Float>, stepStride: Int, mask: SequenceMask, recurrentWeight: [Float],
                           output: UnsafeMutablePointer<Float>, outputStride: Int) {
        let B = mask.batchSize, T = mask.maxLength, H = hiddenSize
        guard T > 0 && B > 0 else { return }
        var state = [Float](repeating: 0, count: 4 * B * H)  // h₀ h₁ c₀ c₁, each [B, H]
        var tanhCells = uninitializedFloats(B * H)
        state.withUnsafeMutableBufferPointer { sp in
        tanhCells.withUnsafeMutableBufferPointer { tcp in
        recurrentWeight.withUnsafeBufferPointer { wp in
            let h = [sp.baseAddress!, sp.baseAddress! + B * H]
            let c = [sp.baseAddress! + 2 * B * H, sp.baseAddress! + 3 * B * H]
            for k in 0..<T {
                step(k, mask: mask, gates: gates + k * stepStride,
                     hPrev: h[k & 1], cPrev: c[k & 1], hNext: h[(k + 1) & 1], cNext: c[(k + 1) & 1],
                     tanhCells: tcp.baseAddress!, output: output, outputStride: outputStride,
                     recurrentWeight: wp.baseAddress!)
            }
        }}}
    }

    /// W_hh [4H, H] as [H, 4H], followed by the same [H, 4H] packed for one sequence's product
    /// (`korqa_matvec_pack`): 2·H·4H floats. Batches multiply by the first half (OpenBLAS), a
    /// single sequence by the second (the register-blocked C kernel).
    func transposedHiddenWeight() -> [Float] {
        let H = hiddenSize, H4 = 4 * H
        let w = store.value(hiddenWeight)
        var t = uninitializedFloats(2 * H * H4)
        for r in 0..<H4 { for c in 0..<H { t[c * H4 + r] = w[r * H + c] } }
        t.withUnsafeMutableBufferPointer { p in
            korqa_matvec_pack(p.baseAddress!, p.baseAddress! + H * H4, Int64(H), Int64(H4))
        }
        return t
    }

    /// One time step for the whole batch. gates [B, 4H] holds the input preactivations and is
    /// turned into activations; padded rows carry the state over and get zero gates.
    @inline(__always)
    func step(_ k: Int, mask: SequenceMask, gates g: UnsafeMutablePointer<Float>,
              hPrev: UnsafeMutablePointer<Float>, cPrev: UnsafeMutablePointer<Float>,
              hNext: UnsafeMutablePointer<Float>, cNext: UnsafeMutablePointer<Float>,
              tanhCells: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, outputStride: Int,
              recurrentWeight whhT: UnsafePointer<Float>) {
        let B = mask.batchSize, T = mask.maxLength, H = hiddenSize, H4 = 4 * H
        let t = time(k, T)
        // W_hh pre-transposed to [H, 4H]: a plain NN product, which OpenBLAS runs with its
        // small-matrix kernel instead of re-packing W_hh at every step; one sequence's product
        // goes to a register-blocked C kernel instead.
        if B == 1 {
            korqa_matvec_packed(hPrev, whhT + H * H4, g, Int64(H), Int64(H4))
        } else {
            MatMul.gemm(transposeA: false, transposeB: false, m: B, n: H4, k: H,
                        a: hPrev, lda: H, b: whhT, ldb: H4, beta: 1, c: g, ldc: H4)
        }
        for b in 0..<B {
            let row = g + b * H4
            let hp = hPrev + b * H, cpv = cPrev + b * H, hn = hNext + b * H, cn = cNext + b * H
            if !mask.isReal(b, t) {
                hn.update(from: hp, count: H)
                cn.update(from: cpv, count: H)
                row.update(repeating: 0, count: H4)
                continue
            }
            korqa_lstm_cell_forward(row, cpv, cn, tanhCells + b * H, hn, Int64(H))
            (output + (b * T + t) * outputStride).update(from: hn, count: H)
        }
    }

    /// dOutput [B, T, H] -> dx [B, T, I]; adds the weight gradients into the store.
    public func backward(_ dOutput: Tensor, cache: Cache) -> Tensor { backwardWithState(dOutput, cache: cache).dx }

    /// dOutput [B, T, H] -> dx [B, T, I] and the gradient of the initial state (h₀, c₀ [B, H]);
    /// adds the weight gradients into the store.
    public func backwardWithState(_ dOutput: Tensor, cache: Cache) -> (dx: Tensor, dInitial: State) {
        let mask = cache.mask
        let B = mask.batchSize, T = mask.maxLength, I = inputSize, H = hiddenSize, H4 = 4 * H
        precondition(dOutput.shape == [B, T, H], "LSTM.backward expects [\(B), \(T), \(H)], got \(dOutput.shape)")
        precondition(cache.xTime.count == T * B * I, "LSTM.backward needs a cache from forward(_:mask:), not from the folded inference path")
        var dx = Tensor(zeros: [B, T, I])
        guard T > 0 && B > 0 else { return (dx, State(hidden: Tensor(zeros: [B, H]), cell: Tensor(zeros: [B, H]))) }
        let wih = store.value(inputWeight), whh = store.value(hiddenWeight)
        let dwih = store.gradient(inputWeight), dwhh = store.gradient(hiddenWeight), dbias = store.gradient(bias)
        var dGates = [Float](repeating: 0, count: T * B * H4)  // [T, B, 4H]
        var dh = [Float](repeating: 0, count: B * H)
        var dc = [Float](repeating: 0, count: B * H)
        var dhFromGates = [Float](repeating: 0, count: B * H)
        dGates.withUnsafeMutableBufferPointer { dgp in
        dh.withUnsafeMutableBufferPointer { dhp in
        dc.withUnsafeMutableBufferPointer { dcp in
        dhFromGates.withUnsafeMutableBufferPointer { dhgp in
        dOutput.data.withUnsafeBufferPointer { dop in
        cache.gates.withUnsafeBufferPointer { gp in
        cache.cells.withUnsafeBufferPointer { cp in
        cache.tanhCells.withUnsafeBufferPointer { tcp in
            let dG = dgp.baseAddress!, dH = dhp.baseAddress!, dC = dcp.baseAddress!, dHG = dhgp.baseAddress!
            let gates = gp.baseAddress!, cells = cp.baseAddress!, tanhCells = tcp.baseAddress!
            for k in stride(from: T - 1, through: 0, by: -1) {
                let t = time(k, T)
                for b in 0..<B where mask.isReal(b, t) {
                    let row = gates + (k * B + b) * H4
                    let dRow = dG + (k * B + b) * H4
                    let tc = tanhCells + (k * B + b) * H
                    let cPrev = cells + (k * B + b) * H
                    let dOut = dop.baseAddress! + (b * T + t) * H
                    korqa_lstm_cell_backward(row, cPrev, tc, dH + b * H, dOut, dC + b * H, dRow, Int64(H))
                }
                // dh_{t-1} = dGates W_hh for real rows; padded rows pass dh through unchanged.
                MatMul.gemm(transposeA: false, transposeB: false, m: B, n: H, k: H4,
                            a: dG + k * B * H4, lda: H4, b: whh, ldb: H, c: dHG, ldc: H)
                for b in 0..<B where mask.isReal(b, t) {
                    (dH + b * H).update(from: dHG + b * H, count: H)
                }
            }
            // Weight gradients over all steps at once.
            cache.hiddens.withUnsafeBufferPointer { hp in
                MatMul.gemm(transposeA: true, transposeB: false, m: H4, n: H, k: T * B,
                            a: dG, lda: H4, b: hp.baseAddress!, ldb: H, beta: 1, c: dwhh, ldc: H)
            }
            cache.xTime.withUnsafeBufferPointer { xt in
                MatMul.gemm(transposeA: true, transposeB: false, m: H4, n: I, k: T * B,
                            a: dG, lda: H4, b: xt.baseAddress!, ldb: I, beta: 1, c: dwih, ldc: I)
            }
            for row in 0..<(T * B) {
                let r = dG + row * H4
                for j in 0..<H4 { dbias[j] += r[j] }
            }
            // dx in time-major order, then scattered back to [B, T, I].
            var dxTime = [Float](repeating: 0, count: T * B * I)
            dxTime.withUnsafeMutableBufferPointer { dxt in
                MatMul.gemm(transposeA: false, transposeB: false, m: T * B, n: I, k: H4,
                            a: dG, lda: H4, b: wih, ldb: I, c: dxt.baseAddress!, ldc: I)
                dx.data.withUnsafeMutableBufferPointer { dxp in
                    for k in 0..<T {
                        let t = time(k, T)
                        for b in 0..<B {
                            (dxp.baseAddress! + (b * T + t) * I).update(from: dxt.baseAddress! + (k * B + b) * I, count: I)
                        }
                    }
                }
            }
        }}}}}}}}
        // After the first step's backward, dh and dc hold the gradients of the state before it.
        return (dx, State(hidden: Tensor(shape: [B, H], data: dh), cell: Tensor(shape: [B, H], data: dc)))
    }

    /// One step of a batch of N independent sequences, for decoding one token at a time:
    /// x [N, I], state (h, c) [N, H] each -> the next state. No cache (inference only).
    public func step(_ x: Tensor, state: State) -> State {
        let N = x.shape[0], I = inputSize, H = hiddenSize, H4 = 4 * H
        precondition(x.shape == [N, I] && state.hidden.shape == [N, H], "LSTM.step expects x [N, \(I)] and h [N, \(H)]")
        var gates = [Float](repeating: 0, count: N * H4)
        var next = State(hidden: Tensor(zeros: [N, H]), cell: Tensor(zeros: [N, H]))
        var tanhCells = [Float](repeating: 0, count: H)
        let wih = store.value(inputWeight), whh = store.value(hiddenWeight), bias = store.value(self.bias)
        gates.withUnsafeMutableBufferPointer { gp in
            let g = gp.baseAddress!
            for row in 0..<N { (g + row * H4).update(from: bias, count: H4) }
            x.data.withUnsafeBufferPointer { xp in
                MatMul.gemm(transposeA: false, transposeB: true, m: N, n: H4, k: I, a: xp.baseAddress!, lda: I, b: wih, ldb: I, beta: 1, c: g, ldc: H4)
            }
            state.hidden.data.withUnsafeBufferPointer { hp in
                MatMul.gemm(transposeA: false, transposeB: true, m: N, n: H4, k: H, a: hp.baseAddress!, lda: H, b: whh, ldb: H, beta: 1, c: g, ldc: H4)
            }
            state.cell.data.withUnsafeBufferPointer { cp in
            next.cell.data.withUnsafeMutableBufferPointer { cn in
            next.hidden.data.withUnsafeMutableBufferPointer { hn in
            tanhCells.withUnsafeMutableBufferPointer { tc in
                for row in 0..<N {
                    korqa_lstm_cell_forward(g + row * H4, cp.baseAddress! + row * H, cn.baseAddress! + row * H,
                                            tc.baseAddress!, hn.baseAddress! + row * H, Int64(H))
                }
            }}}}
        }
        return next
    }
}

/// A forward and a reverse LSTM over the same input; outputs concatenated as [B, T, 2H]
/// (forward features first).
public struct BiLSTM: Sendable {
    public let forwardLSTM: LSTM
    public let backwardLSTM: LSTM
    public var hiddenSize: Int { forwardLSTM.hiddenSize }
    public var outputSize: Int { 2 * forwardLSTM.hiddenSize }

    public init(store: ParameterStore, name: String, inputSize: Int, hiddenSize: Int, random: inout SeededRandom) {
        forwardLSTM = LSTM(store: store, name: "\(name).forward", inputSize: inputSize, hiddenSize: hiddenSize,
                           reverse: false, random: &random)
        backwardLSTM = LSTM(store: store, name: "\(name).backward", inputSize: inputSize, hiddenSize: hiddenSize,
                            reverse: true, random: &random)
    }

    public struct Cache: Sendable {
        var forward: LSTM.Cache
        var backward: LSTM.Cache
    }

    /// The two directions share no state and write disjoint parameter gradients, so with
    /// `Parallelism.threads` ≥ 2 they run at the same time.
    public func forward(_ x: Tensor, mask: SequenceMask) -> (Tensor, Cache) {
        var f: (Tensor, LSTM.Cache)?
        var r: (Tensor, LSTM.Cache)?
        Parallelism.both({ f = forwardLSTM.forward(x, mask: mask) }, { r = backwardLSTM.forward(x, mask: mask) })
        return (concatenateLast(f!.0, r!.0), Cache(forward: f!.1, backward: r!.1))
    }

    /// Inference from ids through folded tables (`LSTM.foldedProjection`), one per direction:
    /// no cache is kept and each direction writes its half of the [B, T, 2H] output directly.
    /// `recurrentWeights` are each direction's `LSTM.transposedHiddenWeight()`, kept by the caller
    /// with the tables (both derive from the weights) instead of transposed at every call.
    public func forward(ids: [Int32], foldedProjections tables: (forward: [Float], backward: [Float]),
                        recurrentWeights: (forward: [Float], backward: [Float]), mask: SequenceMask) -> Tensor {
        let H = hiddenSize
        var output = Tensor(zeros: [mask.batchSize, mask.maxLength, 2 * H])
        output.data.withUnsafeMutableBufferPointer { op in
            let out = UncheckedPointer(op.baseAddress!)
            Parallelism.both({
                var gates = forwardLSTM.gatheredGates(ids: ids, foldedProjection: tables.forward, mask: mask)
                forwardLSTM.recurWithoutCache(gates: &gates, mask: mask, recurrentWeight: recurrentWeights.forward,
                                              output: out.pointer, outputStride: 2 * H)
            }, {
                var gates = backwardLSTM.gatheredGates(ids: ids, foldedProjection: tables.backward, mask: mask)
                backwardLSTM.recurWithoutCache(gates: &gates, mask: mask, recurrentWeight: recurrentWeights.backward,
                                               output: out.pointer + H, outputStride: 2 * H)
            })
        }
        return output
    }

    public func backward(_ dOutput: Tensor, cache: Cache) -> Tensor {
        let (df, dr) = splitLast(dOutput, hiddenSize)
        var dxf: Tensor?
        var dxr: Tensor?
        Parallelism.both({ dxf = forwardLSTM.backward(df, cache: cache.forward) },
                         { dxr = backwardLSTM.backward(dr, cache: cache.backward) })
        var dx = dxf!
        for i in 0..<dx.count { dx.data[i] += dxr!.data[i] }
        return dx
    }
}

/// BiLSTM layers on top of each other, with dropout between them in training.
public struct StackedBiLSTM: Sendable {
    public let layers: [BiLSTM]
    public let dropout: Dropout

    public init(store: ParameterStore, name: String, inputSize: Int, hiddenSize: Int, layerCount: Int,
                dropout: Float = 0, random: inout SeededRandom) {
        var layers: [BiLSTM] = []
        for l in 0..<layerCount {
            layers.append(BiLSTM(store: store, name: "\(name).\(l)", inputSize: l == 0 ? inputSize : 2 * hiddenSize,
                                 hiddenSize: hiddenSize, random: &random))
        }
        self.layers = layers
        self.dropout = Dropout(probability: dropout)
    }

    public var outputSize: Int { layers.last!.outputSize }

    public struct Cache: Sendable {
        var layers: [BiLSTM.Cache] = []
        var dropoutMasks: [[Float]] = []
    }

    public func forward(_ x: Tensor, mask: SequenceMask, training: Bool, random: inout SeededRandom) -> (Tensor, Cache) {
        var cache = Cache()
        var h = x
        for (l, layer) in layers.enumerated() {
            if l > 0 {
                let (dropped, m) = dropout.forward(h, training: training, random: &random)
                h = dropped
                cache.dropoutMasks.append(m)
            }
            let (out, c) = layer.forward(h, mask: mask)
            cache.layers.append(c)
            h = out
        }
        return (h, cache)
    }

    public func backward(_ dOutput: Tensor, cache: Cache) -> Tensor {
        var d = dOutput
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            d = layers[l].backward(d, cache: cache.layers[l])
            if l > 0 { d = dropout.backward(d, mask: cache.dropoutMasks[l - 1]) }
        }
        return d
    }
}

/// [.., A] and [.., B] -> [.., A+B].
public func concatenateLast(_ a: Tensor, _ b: Tensor) -> Tensor {
    let da = a.shape.last!, db = b.shape.last!
    let rows = a.count / da
    precondition(rows * db == b.count, "concatenateLast: \(a.shape) and \(b.shape) differ in leading shape")
    var out = Tensor(zeros: Array(a.shape.dropLast()) + [da + db])
    for r in 0..<rows {
        for j in 0..<da { out.data[r * (da + db) + j] = a.data[r * da + j] }
        for j in 0..<db { out.data[r * (da + db) + da + j] = b.data[r * db + j] }
    }
    return out
}

/// [.., A+B] -> ([.., A], [.., B]) with A = `first`.
public func splitLast(_ x: Tensor, _ first: Int) -> (Tensor, Tensor) {
    let d = x.shape.last!, second = d - first
    let rows = x.count / d
    var a = Tensor(zeros: Array(x.shape.dropLast()) + [first])
    var b = Tensor(zeros: Array(x.shape.dropLast()) + [second])
    for r in 0..<rows {
        for j in 0..<first { a.data[r * first + j] = x.data[r * d + j] }
        for j in 0..<second { b.data[r * second + j] = x.data[r * d + first + j] }
    }
    return (a, b)
}

/// An array whose first `zeroPrefix` elements are 0 and the rest uninitialized (well, arbitrary
/// Float bit patterns): for buffers the caller overwrites completely.
func uninitializedFloats(_ count: Int, zeroPrefix: Int = 0) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { buffer.baseAddress!.update(repeating: 0, count: min(zeroPrefix, count)) }
        initialized = count
    }
}

/// A pointer handed to the two direction workers, which write disjoint halves of each row.
struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
