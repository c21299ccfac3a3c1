/// Elementwise nonlinearities, vectorized eight lanes at a time.
///
/// `exp` is Cephes' single-precision polynomial (max relative error about 2e-7 on the clamped
/// range [-87.3, 88.3]); sigmoid and tanh are built on it. The LSTM spends most of its
/// non-GEMM time here, so a scalar libm call per element would cost more than the GEMMs.
public enum Activation: String, Sendable, CaseIterable {
    case tanh, sigmoid, relu

    /// `y = f(x)`, any shape.
    public func forward(_ x: Tensor) -> Tensor {
        var y = x
        y.data.withUnsafeMutableBufferPointer { p in apply(p.baseAddress!, count: p.count) }
        return y
    }

    /// `dx = dy * f'(x)`, written in terms of the forward OUTPUT `y`, which is what a cache keeps.
    public func backward(_ dy: Tensor, output y: Tensor) -> Tensor {
        precondition(dy.shape == y.shape, "gradient shape \(dy.shape) differs from output shape \(y.shape)")
        var dx = dy
        for i in 0..<dx.count {
            let v = y.data[i]
            switch self {
            case .tanh: dx.data[i] *= 1 - v * v
            case .sigmoid: dx.data[i] *= v * (1 - v)
            case .relu: dx.data[i] = v > 0 ? dx.data[i] : 0
            }
        }
        return dx
    }

    /// In place over raw memory.
    @inline(__always)
    public func apply(_ p: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .tanh: Vectorized.tanh(p, count: count)
        case .sigmoid: Vectorized.sigmoid(p, count: count)
        case .relu: for i in 0..<count where p[i] < 0 { p[i] = 0 }
        }
    }
}

public enum Vectorized {
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let x = x.clamped(lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.3))
        let n = (x * 1.442_695_04).rounded(.toNearestOrEven)
        // r = x - n ln2, with ln2 split in two for precision (Cephes C1, C2).
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        var p = SIMD8<Float>(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let exponent = (SIMD8<Int32>(n, rounding: .toNearestOrEven) &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp(-x)) }

    /// tanh(x) = 2 sigmoid(2x) - 1; for |x| < 0.0625 the odd Taylor series x - x³/3 + 2x⁵/15
    /// keeps relative precision near zero, where the identity would cancel.
    @inline(__always)
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let viaSigmoid = 2 * sigmoid(2 * x) - 1
        let x2 = x * x
        let series = x * (1 - x2 * (SIMD8<Float>(repeating: 1.0 / 3) - x2 * (2.0 / 15)))
        let small = (x * x) .< SIMD8<Float>(repeating: 0.0625 * 0.0625)
        return viaSigmoid.replacing(with: series, where: small)
    }

    public static func exp(_ p: UnsafeMutablePointer<Float>, count: Int) { map(p, count, exp) }
    public static func sigmoid(_ p: UnsafeMutablePointer<Float>, count: Int) { map(p, count, sigmoid) }
    public static func tanh(_ p: UnsafeMutablePointer<Float>, count: Int) { map(p, count, tanh) }

    @inline(__always)
    static func map(_ p: UnsafeMutablePointer<Float>, _ count: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        var i = 0
        let raw = UnsafeMutableRawPointer(p)
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            raw.storeBytes(of: f(v), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var v = SIMD8<Float>(repeating: 0)
            for j in 0..<(count - i) { v[j] = p[i + j] }
            let y = f(v)
            for j in 0..<(count - i) { p[i + j] = y[j] }
        }
    }
}
