import Foundation

/// Updates a store's values from its gradients. Like mlx-swift's optimizers, each one is a
/// single per-element rule (`applySingle`-style), here one loop over the flat buffers.
public protocol Optimizer {
    var learningRate: Float { get set }
    mutating func update(_ store: ParameterStore)
    /// Named state tensors (for checkpoints) and their restoration.
    var state: [String: [Float]] { get }
    mutating func restore(state: [String: [Float]]) throws
}

/// Plain SGD with optional momentum (v = μv + g; w -= lr v).
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    var velocity: [Float] = []

    public init(learningRate: Float, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func update(_ store: ParameterStore) {
        store.markChanged()
        let w = store.values, g = store.gradients
        if momentum == 0 {
            for i in 0..<w.count { w[i] -= learningRate * g[i] }
            return
        }
        if velocity.count != w.count { velocity = [Float](repeating: 0, count: w.count) }
        for i in 0..<w.count {
            velocity[i] = momentum * velocity[i] + g[i]
            w[i] -= learningRate * velocity[i]
        }
    }

    public var state: [String: [Float]] { momentum == 0 ? [:] : ["sgd.velocity": velocity] }

    public mutating func restore(state: [String: [Float]]) throws {
        if let v = state["sgd.velocity"] { velocity = v }
    }
}

/// Adam (Kingma & Ba) and, with `decoupledWeightDecay` > 0, AdamW (Loshchilov & Hutter).
///
/// Defaults, written down because frameworks differ: β1 0.9, β2 0.999, ε 1e-8 added to √v̂
/// (PyTorch's placement), bias correction ON (as in PyTorch and llm.c; MLX's Adam has it off),
/// weight decay 0.
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var decoupledWeightDecay: Float
    public private(set) var step = 0
    var m: [Float] = []
    var v: [Float] = []

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                decoupledWeightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    public mutating func update(_ store: ParameterStore) {
        store.markChanged()
        let w = store.values, g = store.gradients
        if m.count != w.count {
            m = [Float](repeating: 0, count: w.count)
            v = [Float](repeating: 0, count: w.count)
        }
        step += 1
        let correction1 = 1 - Float(Foundation.pow(Double(beta1), Double(step)))
        let correction2 = 1 - Float(Foundation.pow(Double(beta2), Double(step)))
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon, wd = decoupledWeightDecay
        m.withUnsafeMutableBufferPointer { mp in
            v.withUnsafeMutableBufferPointer { vp in
                for i in 0..<w.count {
                    let gi = g[i]
                    mp[i] = b1 * mp[i] + (1 - b1) * gi
                    vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                    let mHat = mp[i] / correction1
                    let vHat = vp[i] / correction2
                    w[i] -= lr * (mHat / (vHat.squareRoot() + eps) + wd * w[i])
                }
            }
        }
    }

    public var state: [String: [Float]] { ["adam.m": m, "adam.v": v, "adam.step": [Float(step)]] }

    public mutating func restore(state: [String: [Float]]) throws {
        guard let m = state["adam.m"], let v = state["adam.v"], let s = state["adam.step"]?.first else { return }
        // Read from a file: a step count that is not a whole number in range, or moment buffers
        // of different sizes, would trap later (Int(nan), an index past v's end).
        guard m.count == v.count, s.isFinite, s >= 0, s <= 1e9, s == s.rounded() else {
            throw NeuralError.checkpointMismatch(path: "", reason: "its optimizer state is inconsistent (adam.m \(m.count) values, adam.v \(v.count), step \(s))")
        }
        self.m = m
        self.v = v
        self.step = Int(s)
    }
}

/// Learning rate as a function of the step: linear warm-up from 0, then constant, linear decay
/// to 0, or cosine decay to 0 at `totalSteps`.
public struct LearningRateSchedule: Sendable, Equatable {
    public enum Decay: String, Sendable { case constant, linear, cosine }

    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var decay: Decay

    public init(peak: Float, warmupSteps: Int = 0, totalSteps: Int, decay: Decay = .constant) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = max(totalSteps, 1)
        self.decay = decay
    }

    /// The rate for 0-based `step`.
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let span = max(totalSteps - warmupSteps, 1)
        let progress = min(Float(step - warmupSteps) / Float(span), 1)
        switch decay {
        case .constant: return peak
        case .linear: return peak * (1 - progress)
        case .cosine: return peak * 0.5 * (1 + Float(Foundation.cos(Double.pi * Double(progress))))
        }
    }
}

/// An exponential moving average of the weights (Polyak averaging; the "shadow variables" of
/// TensorFlow's ExponentialMovingAverage, used by BiDAF): after every optimizer step
/// a ← d·a + (1 − d)·w with d = min(decay, (1 + n) / (10 + n)) after n updates, so the first
/// steps do not keep the random initialization. Evaluating with the average instead of the last
/// step's weights smooths out the noise of small-batch training on small data.
public struct WeightAverage: Sendable {
    public let decay: Float
    public private(set) var updates = 0
    public private(set) var average: [Float] = []

    public init(decay: Float) {
        precondition(decay >= 0 && decay < 1, "the average's decay must be in [0, 1)")
        self.decay = decay
    }

    public mutating func update(_ store: ParameterStore) {
        let w = store.values
        if average.count != w.count { average = Array(w); updates = 0 }
        let d = min(decay, Float(1 + updates) / Float(10 + updates))
        updates += 1
        average.withUnsafeMutableBufferPointer { a in
            for i in 0..<w.count { a[i] = d * a[i] + (1 - d) * w[i] }
        }
    }

    /// Runs `body` with the average in the store, then puts the training weights back.
    public func withAverage<T>(in store: ParameterStore, _ body: () throws -> T) rethrows -> T {
        guard average.count == store.count else { return try body() }
        let training = Array(store.values)
        _ = store.values.update(from: average)
        store.markChanged()
        defer {
            _ = store.values.update(from: training)
            store.markChanged()
        }
        return try body()
    }

    public var state: [String: [Float]] { average.isEmpty ? [:] : ["average.weights": average, "average.updates": [Float(updates)]] }

    public mutating func restore(state: [String: [Float]]) {
        guard let a = state["average.weights"], let n = state["average.updates"]?.first else { return }
        average = a
        updates = Int(n)
    }
}
