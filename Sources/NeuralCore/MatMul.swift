import Dispatch
import COpenBLAS

/// Row-major matrix multiply `C = alpha * op(A) * op(B) + beta * C` where op(A) is [m, k],
/// op(B) is [k, n] and C is [m, n]. `lda`, `ldb`, `ldc` are the row strides as stored.
///
/// The BLAS path is what every layer uses; `naive` is kept beside it as the reference the tests
/// compare against (llm.c's habit) and as a fallback that needs no library.
public enum MatMul {
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0 && n > 0 else { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            else if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The reference: three loops, accumulated in Double.
    public static func naive(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                let previous = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(sum) + previous
            }
        }
    }
}

/// OpenBLAS's own thread pool (used inside each GEMM).
public enum BLASThreads {
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
    public static var count: Int { Int(openblas_get_num_threads()) }
    /// Ends OpenBLAS's worker threads and keeps BLAS on the calling thread (`set(n)` with n > 1
    /// starts them again). Measured: idle workers spinning after load cost `korqa tokenize` a
    /// fifth of its time on a busy core.
    public static func stopWorkers() {
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
    }
    /// The kernel OpenBLAS chose for this CPU (e.g. "Haswell", "SkylakeX").
    public static var coreName: String { String(cString: openblas_get_corename()) }
}

/// How NeuralCore uses the machine's cores.
///
/// Measured on this project's 2-core machine (README): OpenBLAS's own threads slow the BiLSTM
/// down 2–3×, because its per-step GEMMs ([B, H] × [H, 4H]) are too small to split. What pays
/// is running independent work side by side — the two directions of a BiLSTM — each with
/// single-threaded BLAS. So `configure(threads:)` keeps OpenBLAS at one thread and lets layers
/// run up to `threads` independent parts concurrently.
public enum Parallelism {
    nonisolated(unsafe) public private(set) static var threads = 1

    /// Call once at start-up, before any model runs.
    public static func configure(threads: Int) {
        self.threads = max(1, threads)
        BLASThreads.set(1)
    }

    /// Runs `first` and `second`, concurrently when more than one thread is configured.
    public static func both(_ first: () -> Void, _ second: () -> Void) {
        guard threads > 1 else { first(); second(); return }
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let work = UncheckedPair(first, second)
                DispatchQueue.concurrentPerform(iterations: 2) { i in i == 0 ? work.first() : work.second() }
            }
        }
    }
}

extension Parallelism {
    /// `[body(0), …, body(count - 1)]`, the calls run concurrently when more than one thread is
    /// configured (e.g. the readers of an ensemble, one a core). `body` must only read shared state.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        guard threads > 1, count > 1 else { return (0..<count).map(body) }
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            withoutActuallyEscaping(body) { body in
                let work = UncheckedIndexedWork(buffer: buffer, body: body)
                DispatchQueue.concurrentPerform(iterations: count) { i in work.run(i) }
            }
        }
        return results.map { $0! }
    }
}

/// A body and the result slots it fills, one slot per index, handed to worker threads.
private struct UncheckedIndexedWork<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T?>
    let body: (Int) -> T
    func run(_ i: Int) { buffer[i] = body(i) }
}

/// Two closures handed to worker threads; they touch disjoint memory (see BiLSTM).
private struct UncheckedPair: @unchecked Sendable {
    let first: () -> Void
    let second: () -> Void
    init(_ first: @escaping () -> Void, _ second: @escaping () -> Void) { self.first = first; self.second = second }
}
