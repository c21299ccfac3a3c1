import CNeuralKernels

/// Elementwise nonlinearities, vectorized eight lanes at a time.
///
/// `exp` is Cephes' single-precision polynomial (max relative error about 2e-7 on the clamped
/// range [-87.3, 88.3]); sigmoid and tanh are built on it. The LSTM spends most of its
/// non-GEMM time here, so a scalar libm call per element would cost more than the GEMMs.
/// Written in C (CNeuralKernels) because Swift's generic SIMD rounding and Float→Int32
/// conversion run lane by lane.
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

/// Vectorized exp, sigmoid and tanh over raw memory (the C kernels in CNeuralKernels).
public enum Vectorized {
    public static func exp(_ p: UnsafeMutablePointer<Float>, count: Int) { korqa_exp(p, Int64(count)) }
    public static func sigmoid(_ p: UnsafeMutablePointer<Float>, count: Int) { korqa_sigmoid(p, Int64(count)) }
    public static func tanh(_ p: UnsafeMutablePointer<Float>, count: Int) { korqa_tanh(p, Int64(count)) }
}
