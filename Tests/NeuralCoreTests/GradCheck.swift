import Testing
@testable import NeuralCore

/// Central-difference gradient checking in Float32 with a stated tolerance.
///
/// The scalar checked is L = Σ output ⊙ R for a fixed random R, so dL/dOutput = R. Every
/// parameter element and every input element is perturbed by ±eps (or a seeded sample of them
/// when `sample` is set) and (L⁺ − L⁻) / 2eps, summed in Double, is compared with the analytic
/// gradient: |numeric − analytic| ≤ absoluteTolerance + relativeTolerance·|analytic|.
/// With eps = 1e-2 in Float the truncation error is O(eps²) ≈ 1e-4 and rounding noise about
/// 1e-5 for these sizes, so the default tolerances (2e-3 absolute, 1e-2 relative) catch any
/// real error, which shows up at the size of the gradient itself.
struct GradCheck {
    var eps: Float = 1e-2
    var absoluteTolerance: Float = 2e-3
    var relativeTolerance: Float = 1e-2
    var sample: Int? = nil

    struct Report: CustomStringConvertible {
        var checked = 0
        var maxError: Float = 0
        var worst = ""
        var description: String { "checked \(checked) elements, largest difference \(maxError) at \(worst)" }
    }

    /// - forward: input -> output (deterministic).
    /// - backward: (dOutput, input) -> dInput; must add parameter gradients into `store`
    ///   (it may run forward again to get its cache).
    func check(store: ParameterStore?, input: Tensor, checkInput: Bool = true,
               forward: (Tensor) -> Tensor, backward: (Tensor, Tensor) -> Tensor?,
               sourceLocation: SourceLocation = #_sourceLocation) -> Report {
        var random = SeededRandom(seed: 1234)
        let y = forward(input)
        let r = Tensor.normal(y.shape, std: 1, random: &random)
        store?.zeroGradients()
        let dInput = backward(r, input)
        let analyticParameters = store.map { Array($0.gradients) } ?? []

        func loss(_ x: Tensor) -> Double {
            let out = forward(x)
            var sum: Double = 0
            for i in 0..<out.count { sum += Double(out.data[i]) * Double(r.data[i]) }
            return sum
        }
        var report = Report()
        func compare(_ numeric: Double, _ analytic: Float, _ label: String) {
            let error = abs(Float(numeric) - analytic)
            report.checked += 1
            if error > report.maxError { report.maxError = error; report.worst = "\(label): numeric \(numeric) analytic \(analytic)" }
            #expect(error <= absoluteTolerance + relativeTolerance * abs(analytic),
                    "\(label): numeric \(numeric) vs analytic \(analytic)", sourceLocation: sourceLocation)
        }
        func indices(_ count: Int) -> [Int] {
            guard let sample, sample < count else { return Array(0..<count) }
            var g = SeededRandom(seed: UInt64(count))
            return (0..<sample).map { _ in Int(g.next() % UInt64(count)) }
        }
        if let store {
            for slot in store.slots {
                for i in indices(slot.count) {
                    let p = store.value(slot) + i
                    let saved = p.pointee
                    p.pointee = saved + eps
                    let plus = loss(input)
                    p.pointee = saved - eps
                    let minus = loss(input)
                    p.pointee = saved
                    compare((plus - minus) / Double(2 * eps), analyticParameters[slot.offset + i], "\(slot.name)[\(i)]")
                }
            }
        }
        if checkInput, let dInput {
            for i in indices(input.count) {
                var x = input
                x.data[i] += eps
                let plus = loss(x)
                x.data[i] -= 2 * eps
                let minus = loss(x)
                compare((plus - minus) / Double(2 * eps), dInput.data[i], "input[\(i)]")
            }
        }
        return report
    }
}
