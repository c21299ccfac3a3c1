/// Where one named parameter tensor lives inside the flat store.
public struct ParameterSlot: Equatable, Sendable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
}

/// All parameters of a model in one flat buffer, with their gradients in a second buffer of the
/// same layout (llm.c's design). The optimizer is then one loop over two arrays, a checkpoint is
/// a list of named views, and no parameter is ever found by reflection.
///
/// Layers register their tensors at construction (`add`) and read/write them through the
/// pointers while running. The store is a class so that every layer of a model shares one.
public final class ParameterStore: @unchecked Sendable {
    public private(set) var slots: [ParameterSlot] = []
    public private(set) var count = 0
    /// Bumped whenever values change through an optimizer, a checkpoint load or `markChanged`,
    /// so that anything derived from the weights (folded projections) knows to recompute.
    /// Code that writes `values` directly must call `markChanged()`.
    public private(set) var version = 0
    private var valueStorage: UnsafeMutablePointer<Float>
    private var gradientStorage: UnsafeMutablePointer<Float>
    private var capacity = 0

    public init() {
        valueStorage = .allocate(capacity: 1)
        gradientStorage = .allocate(capacity: 1)
    }

    deinit {
        valueStorage.deallocate()
        gradientStorage.deallocate()
    }

    /// The parameter values, all slots back to back. The buffer lives as long as the store: copy
    /// it (`Array(store.values)`) to keep it beyond that.
    public var values: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: valueStorage, count: count) }
    /// The gradients, same layout as `values`.
    public var gradients: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: gradientStorage, count: count) }

    /// Copies every value of `other`, a store with the same slots (same model architecture).
    public func copyValues(from other: ParameterStore) {
        precondition(slots.map(\.name) == other.slots.map(\.name) && slots.map(\.shape) == other.slots.map(\.shape),
                     "stores hold different parameters")
        values.baseAddress!.update(from: other.values.baseAddress!, count: count)
        markChanged()
    }

    /// Copies `other`'s values into this store's first parameters, whose names and shapes must be
    /// `other`'s, in order: a model extended with parameters registered after the old ones starts
    /// from the old model (the new ones keep their initial values).
    public func copyValues(fromPrefix other: ParameterStore) {
        precondition(slots.count >= other.slots.count
                     && zip(slots, other.slots).allSatisfy { $0.name == $1.name && $0.shape == $1.shape },
                     "this store does not begin with the other's parameters")
        values.baseAddress!.update(from: other.values.baseAddress!, count: other.count)
        markChanged()
    }

    /// Registers a tensor; its values come from `initial` (count must match the shape).
    @discardableResult
    public func add(_ name: String, shape: [Int], initial: [Float]) -> ParameterSlot {
        precondition(!slots.contains { $0.name == name }, "parameter \(name) registered twice")
        let n = shape.reduce(1, *)
        precondition(initial.count == n, "parameter \(name): \(initial.count) initial values for shape \(shape)")
        if count + n > capacity {
            let newCapacity = max(2 * capacity, count + n, 1024)
            let newValues = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
            let newGradients = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
            newValues.update(from: valueStorage, count: count)
            newGradients.update(from: gradientStorage, count: count)
            valueStorage.deallocate(); gradientStorage.deallocate()
            valueStorage = newValues; gradientStorage = newGradients
            capacity = newCapacity
        }
        let slot = ParameterSlot(name: name, shape: shape, offset: count)
        (valueStorage + count).update(from: initial, count: n)
        (gradientStorage + count).initialize(repeating: 0, count: n)
        count += n
        slots.append(slot)
        version &+= 1
        return slot
    }

    @inline(__always)
    public func value(_ slot: ParameterSlot) -> UnsafeMutablePointer<Float> { valueStorage + slot.offset }

    @inline(__always)
    public func gradient(_ slot: ParameterSlot) -> UnsafeMutablePointer<Float> { gradientStorage + slot.offset }

    public func slot(named name: String) -> ParameterSlot? { slots.first { $0.name == name } }

    /// A copy of one parameter as a tensor.
    public func tensor(_ slot: ParameterSlot) -> Tensor {
        Tensor(shape: slot.shape, data: Array(UnsafeBufferPointer(start: value(slot), count: slot.count)))
    }

    public func gradientTensor(_ slot: ParameterSlot) -> Tensor {
        Tensor(shape: slot.shape, data: Array(UnsafeBufferPointer(start: gradient(slot), count: slot.count)))
    }

    public func markChanged() { version &+= 1 }

    /// False when any value is NaN or infinite (a diverged run; never saved as a checkpoint).
    public var valuesAreFinite: Bool {
        for i in 0..<count where !valueStorage[i].isFinite { return false }
        return true
    }

    /// Rounds every value to the nearest Float16 (what an F16 file stores), so a model saved
    /// compact answers the same before and after it is loaded again.
    public func roundToHalfPrecision() {
        for i in 0..<count { valueStorage[i] = Float(Float16(valueStorage[i])) }
        markChanged()
    }

    public func zeroGradients() {
        gradientStorage.update(repeating: 0, count: count)
    }

    /// Euclidean norm of all gradients together.
    public func gradientNorm() -> Float {
        var sum: Double = 0
        for i in 0..<count { sum += Double(gradientStorage[i]) * Double(gradientStorage[i]) }
        return Float(sum.squareRoot())
    }

    /// Scales all gradients down so that their global norm is at most `maxNorm`; returns the
    /// norm before clipping.
    @discardableResult
    public func clipGradients(maxNorm: Float) -> Float {
        let norm = gradientNorm()
        if norm > maxNorm && norm > 0 {
            let scale = maxNorm / norm
            for i in 0..<count { gradientStorage[i] *= scale }
        }
        return norm
    }
}

/// Initializers used by the layers (written down, since defaults differ between frameworks).
public enum Initializer {
    /// U(-a, a) with a = 1/sqrt(fanIn): PyTorch's default for Linear and LSTM weights and biases.
    public static func uniformFanIn(_ count: Int, fanIn: Int, random: inout SeededRandom) -> [Float] {
        let a = 1 / Float(fanIn).squareRoot()
        return (0..<count).map { _ in (random.uniform() * 2 - 1) * a }
    }

    /// N(0, std²): PyTorch's default for Embedding uses std 1.
    public static func normal(_ count: Int, std: Float, random: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in random.normal() * std }
    }
}
