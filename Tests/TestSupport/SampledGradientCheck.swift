import NeuralCore

/// Central differences on a seeded sample of a store's parameters, for whole-model checks.
///
/// `loss()` must be deterministic (dropout off). Returns, for each sampled parameter, the
/// numeric derivative (L(w+eps) − L(w−eps)) / 2eps and the analytic one taken from `analytic`
/// (the store's gradients after one backward pass); the caller states the tolerance.
public func sampledParameterGradients(store: ParameterStore, analytic: [Float], samples: Int, seed: UInt64,
                                      eps: Float = 1e-2, loss: () -> Double) -> [(index: Int, numeric: Float, analytic: Float)] {
    var generator = SeededRandom(seed: seed)
    return (0..<samples).map { _ in
        let i = Int(generator.next() % UInt64(store.count))
        let saved = store.values[i]
        store.values[i] = saved + eps; store.markChanged()
        let plus = loss()
        store.values[i] = saved - eps; store.markChanged()
        let minus = loss()
        store.values[i] = saved; store.markChanged()
        return (i, Float((plus - minus) / Double(2 * eps)), analytic[i])
    }
}
