/// `y = x Wᵀ + b`. W is [out, in] (PyTorch's layout), b is [out].
///
/// Input [N, in] (or any leading shape, flattened to N rows), output [N, out].
public struct Linear: Sendable {
    public let store: ParameterStore
    public let weight: ParameterSlot
    public let bias: ParameterSlot
    public let inputSize: Int
    public let outputSize: Int

    /// Weights and bias ~ U(-1/√in, 1/√in), as PyTorch initializes nn.Linear.
    public init(store: ParameterStore, name: String, inputSize: Int, outputSize: Int, random: inout SeededRandom) {
        self.store = store
        self.inputSize = inputSize
        self.outputSize = outputSize
        weight = store.add("\(name).weight", shape: [outputSize, inputSize],
                           initial: Initializer.uniformFanIn(outputSize * inputSize, fanIn: inputSize, random: &random))
        bias = store.add("\(name).bias", shape: [outputSize],
                         initial: Initializer.uniformFanIn(outputSize, fanIn: inputSize, random: &random))
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == inputSize, "Linear expects last dimension \(inputSize), got shape \(x.shape)")
        let n = x.count / inputSize
        var y = Tensor(zeros: Array(x.shape.dropLast()) + [outputSize])
        let w = store.value(weight), b = store.value(bias)
        y.data.withUnsafeMutableBufferPointer { out in
            for row in 0..<n { (out.baseAddress! + row * outputSize).update(from: b, count: outputSize) }
            x.data.withUnsafeBufferPointer { input in
                MatMul.gemm(transposeA: false, transposeB: true, m: n, n: outputSize, k: inputSize,
                            a: input.baseAddress!, lda: inputSize, b: w, ldb: inputSize,
                            beta: 1, c: out.baseAddress!, ldc: outputSize)
            }
        }
        return y
    }

    /// Adds dW += dyᵀ x and db += Σ dy into the store; returns dx = dy W.
    public func backward(_ dy: Tensor, input x: Tensor) -> Tensor {
        let n = x.count / inputSize
        precondition(dy.count == n * outputSize, "Linear.backward: gradient shape \(dy.shape) does not match input \(x.shape)")
        var dx = Tensor(zeros: x.shape)
        let w = store.value(weight), dw = store.gradient(weight), db = store.gradient(bias)
        dy.data.withUnsafeBufferPointer { g in
            x.data.withUnsafeBufferPointer { input in
                MatMul.gemm(transposeA: true, transposeB: false, m: outputSize, n: inputSize, k: n,
                            a: g.baseAddress!, lda: outputSize, b: input.baseAddress!, ldb: inputSize,
                            beta: 1, c: dw, ldc: inputSize)
            }
            for row in 0..<n { for j in 0..<outputSize { db[j] += g[row * outputSize + j] } }
            dx.data.withUnsafeMutableBufferPointer { out in
                MatMul.gemm(transposeA: false, transposeB: false, m: n, n: inputSize, k: outputSize,
                            a: g.baseAddress!, lda: outputSize, b: w, ldb: inputSize,
                            c: out.baseAddress!, ldc: inputSize)
            }
        }
        return dx
    }
}

/// A lookup table [vocabulary, dimension]; ids in, rows out.
///
/// The gradient is row-sparse: backward touches only the rows of the ids in the batch.
public struct Embedding: Sendable {
    public let store: ParameterStore
    public let weight: ParameterSlot
    public let vocabularySize: Int
    public let dimension: Int

    /// Rows ~ N(0, std²); PyTorch uses std 1, small models train better with ~0.1.
    public init(store: ParameterStore, name: String, vocabularySize: Int, dimension: Int, std: Float = 0.1,
                random: inout SeededRandom) {
        self.store = store
        self.vocabularySize = vocabularySize
        self.dimension = dimension
        weight = store.add("\(name).weight", shape: [vocabularySize, dimension],
                           initial: Initializer.normal(vocabularySize * dimension, std: std, random: &random))
    }

    /// ids of shape `shape` (e.g. [B, T]) -> [shape..., D]. Ids outside the table trap (a bug in
    /// the caller's vocabulary handling, not a user error).
    public func callAsFunction(_ ids: [Int32], shape: [Int]) -> Tensor {
        precondition(ids.count == shape.reduce(1, *), "Embedding: \(ids.count) ids for shape \(shape)")
        var out = Tensor(zeros: shape + [dimension])
        let w = store.value(weight)
        out.data.withUnsafeMutableBufferPointer { o in
            for (i, id) in ids.enumerated() {
                precondition(id >= 0 && Int(id) < vocabularySize, "Embedding: id \(id) outside 0..<\(vocabularySize)")
                (o.baseAddress! + i * dimension).update(from: w + Int(id) * dimension, count: dimension)
            }
        }
        return out
    }

    public func backward(_ dOut: Tensor, ids: [Int32]) {
        let dw = store.gradient(weight)
        dOut.data.withUnsafeBufferPointer { g in
            for (i, id) in ids.enumerated() {
                let row = dw + Int(id) * dimension
                for j in 0..<dimension { row[j] += g[i * dimension + j] }
            }
        }
    }
}

/// Inverted dropout: in training, each value is zeroed with probability p and the rest scaled
/// by 1/(1-p), so evaluation needs no rescaling.
public struct Dropout: Sendable {
    public let probability: Float

    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1)")
        self.probability = probability
    }

    /// Returns the output and the mask (scale per element) that backward needs.
    public func forward(_ x: Tensor, training: Bool, random: inout SeededRandom) -> (Tensor, [Float]) {
        guard training && probability > 0 else { return (x, []) }
        let keep = 1 - probability
        let mask = (0..<x.count).map { _ in random.uniform() < keep ? 1 / keep : 0 }
        var y = x
        for i in 0..<y.count { y.data[i] *= mask[i] }
        return (y, mask)
    }

    public func backward(_ dy: Tensor, mask: [Float]) -> Tensor {
        guard !mask.isEmpty else { return dy }
        var dx = dy
        for i in 0..<dx.count { dx.data[i] *= mask[i] }
        return dx
    }
}

/// Several lookup tables of one dimension whose rows are added: e(x) = Σ_k E_k[ids_k(x)]
/// (a syllable's embedding plus those of its initial, medial and final jamo, for example).
public struct SummedEmbedding: Sendable {
    public let tables: [Embedding]
    public var dimension: Int { tables[0].dimension }

    /// One table per (name, vocabulary size), registered in this order.
    public init(store: ParameterStore, tables specs: [(name: String, vocabularySize: Int)], dimension: Int, random: inout SeededRandom) {
        precondition(!specs.isEmpty, "SummedEmbedding needs at least one table")
        var tables: [Embedding] = []
        for spec in specs {
            tables.append(Embedding(store: store, name: spec.name, vocabularySize: spec.vocabularySize, dimension: dimension, random: &random))
        }
        self.tables = tables
    }

    /// `ids[k]` indexes table k; all of shape `shape` -> [shape..., D].
    public func callAsFunction(_ ids: [[Int32]], shape: [Int]) -> Tensor {
        precondition(ids.count == tables.count, "SummedEmbedding: \(ids.count) id lists for \(tables.count) tables")
        var x = tables[0](ids[0], shape: shape)
        for k in 1..<tables.count {
            let e = tables[k](ids[k], shape: shape)
            for i in 0..<x.count { x.data[i] += e.data[i] }
        }
        return x
    }

    public func backward(_ dOut: Tensor, ids: [[Int32]]) {
        for (table, tableIDs) in zip(tables, ids) { table.backward(dOut, ids: tableIDs) }
    }
}
