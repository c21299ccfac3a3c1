/// A dense, row-major Float32 tensor. A value type: copies are cheap until written (the storage
/// is an Array), so layers can return tensors and keep them in caches without aliasing.
///
/// Shapes are written `[B, T, H]`: B batch, T time steps, H features.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    public var count: Int { data.count }

    /// Same data, new shape with the same number of elements.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, data: data) }

    /// Values drawn from N(0, std²).
    public static func normal(_ shape: [Int], std: Float, random: inout SeededRandom) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in random.normal() * std })
    }

    public subscript(_ i: Int, _ j: Int) -> Float {
        get { data[i * shape[1] + j] }
        set { data[i * shape[1] + j] = newValue }
    }
}

/// Which positions of a padded batch are real: `lengths[b]` leading steps of row b.
public struct SequenceMask: Equatable, Sendable {
    public var lengths: [Int]
    public var maxLength: Int

    public init(lengths: [Int], maxLength: Int? = nil) {
        self.lengths = lengths
        self.maxLength = maxLength ?? (lengths.max() ?? 0)
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= self.maxLength }, "lengths must lie in 0...maxLength")
    }

    public var batchSize: Int { lengths.count }

    @inline(__always)
    public func isReal(_ b: Int, _ t: Int) -> Bool { t < lengths[b] }

    /// 1 for real positions, 0 for padding, as [B, T].
    public var floats: [Float] {
        var out = [Float](repeating: 0, count: batchSize * maxLength)
        for b in 0..<batchSize { for t in 0..<lengths[b] { out[b * maxLength + t] = 1 } }
        return out
    }
}
