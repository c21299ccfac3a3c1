import Foundation
import Testing
@testable import NeuralCore

@Suite struct MatMulTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func blasMatchesNaive(transposeA: Bool, transposeB: Bool) {
        var random = SeededRandom(seed: 17)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (32, 256, 64), (17, 3, 129)] {
            let a = (0..<(m * k)).map { _ in random.normal() }
            let b = (0..<(k * n)).map { _ in random.normal() }
            let c0 = (0..<(m * n)).map { _ in random.normal() }
            var fast = c0, slow = c0
            let lda = transposeA ? m : k, ldb = transposeB ? k : n
            MatMul.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                        a: a, lda: lda, b: b, ldb: ldb, beta: 0.25, c: &fast, ldc: n)
            MatMul.naive(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                         a: a, lda: lda, b: b, ldb: ldb, beta: 0.25, c: &slow, ldc: n)
            let worst = zip(fast, slow).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-4 * Float(k), "m \(m) n \(n) k \(k): largest difference \(worst)")
        }
    }
}

@Suite struct PaddingTests {
    /// Padding must not change any output or gradient of the real positions: run a batch padded
    /// to T = 4 and the same batch padded to T = 7 with garbage in the padding, with garbage
    /// gradients arriving at padded outputs, and compare with each row run alone.
    @Test func biLSTMIgnoresPadding() {
        var random = SeededRandom(seed: 8)
        let store = ParameterStore()
        let bi = BiLSTM(store: store, name: "bi", inputSize: 3, hiddenSize: 4, random: &random)
        let lengths = [4, 2, 3]
        let x4 = Tensor.normal([3, 4, 3], std: 1, random: &random)
        let d4 = Tensor.normal([3, 4, 8], std: 1, random: &random)

        func padded(_ t: Tensor, to T: Int, garbage: Bool) -> Tensor {
            let (B, oldT, D) = (t.shape[0], t.shape[1], t.shape[2])
            var out = Tensor(zeros: [B, T, D])
            for b in 0..<B { for s in 0..<T { for d in 0..<D {
                let real = s < lengths[b]
                out.data[(b * T + s) * D + d] = real ? t.data[(b * oldT + s) * D + d] : (garbage ? 1000 + Float(s) : 0)
            } } }
            return out
        }
        func run(_ x: Tensor, _ d: Tensor, _ mask: SequenceMask) -> (Tensor, Tensor, [Float]) {
            store.zeroGradients()
            let (y, cache) = bi.forward(x, mask: mask)
            let dx = bi.backward(d, cache: cache)
            return (y, dx, Array(store.gradients))
        }
        let (y4, dx4, g4) = run(padded(x4, to: 4, garbage: false), padded(d4, to: 4, garbage: false), SequenceMask(lengths: lengths, maxLength: 4))
        let (y7, dx7, g7) = run(padded(x4, to: 7, garbage: true), padded(d4, to: 7, garbage: true), SequenceMask(lengths: lengths, maxLength: 7))
        #expect(padded(y7, to: 4, garbage: false) == padded(y4, to: 4, garbage: false))
        #expect(padded(dx7, to: 4, garbage: false) == padded(dx4, to: 4, garbage: false))
        let worst = zip(g4, g7).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5, "weight gradients differ by \(worst)")
        // Outputs at padded positions are exactly zero.
        for b in 0..<3 { for s in lengths[b]..<7 { #expect(y7.data[(b * 7 + s) * 8..<(b * 7 + s + 1) * 8].allSatisfy { $0 == 0 }) } }
        // Each row alone (no padding at all) gives the same outputs.
        var accumulated = [Float](repeating: 0, count: g4.count)
        for b in 0..<3 {
            let n = lengths[b]
            let xb = Tensor(shape: [1, n, 3], data: Array(x4.data[(b * 4 * 3)..<(b * 4 * 3 + n * 3)]))
            let db = Tensor(shape: [1, n, 8], data: Array(d4.data[(b * 4 * 8)..<(b * 4 * 8 + n * 8)]))
            let (yb, _, gb) = run(xb, db, SequenceMask(lengths: [n]))
            for i in 0..<gb.count { accumulated[i] += gb[i] }
            for s in 0..<n { for j in 0..<8 {
                #expect(abs(yb.data[s * 8 + j] - y4.data[(b * 4 + s) * 8 + j]) < 1e-6)
            } }
        }
        #expect(zip(accumulated, g4).map { abs($0 - $1) }.max()! < 1e-5)
    }
}

@Suite struct OptimizerTests {
    func storeWith(_ values: [Float], gradients: [Float]) -> ParameterStore {
        let store = ParameterStore()
        store.add("w", shape: [values.count], initial: values)
        for i in 0..<gradients.count { store.gradients[i] = gradients[i] }
        return store
    }

    @Test func oneAdamStepByHand() {
        // Step 1 with bias correction: m̂ = g, v̂ = g², so w -= lr * g / (|g| + eps).
        let store = storeWith([1.0, -2.0, 0.5], gradients: [0.1, -0.3, 0])
        var adam = Adam(learningRate: 0.01)
        adam.update(store)
        let expected: [Float] = [1.0 - 0.01 * 0.1 / (0.1 + 1e-8), -2.0 + 0.01 * 0.3 / (0.3 + 1e-8), 0.5]
        for i in 0..<3 { #expect(abs(store.values[i] - expected[i]) < 1e-7) }
        // Step 2 with gradient 0.2 on w0: m = 0.9*0.01 + 0.1*0.2 = 0.029 → m̂ = 0.029/0.19;
        // v = 0.999*1e-5 + 0.001*0.04 = 4.999e-5 → v̂ = 4.999e-5/0.001999.
        store.gradients[0] = 0.2
        adam.update(store)
        let mHat = 0.029 / 0.19, vHat = 4.999e-5 / (1 - 0.999 * 0.999)
        let w0 = Double(expected[0]) - 0.01 * mHat / (vHat.squareRoot() + 1e-8)
        #expect(abs(Double(store.values[0]) - w0) < 1e-6)
    }

    @Test func adamWDecaysDecoupled() {
        let store = storeWith([2.0], gradients: [0])
        var adamW = Adam(learningRate: 0.1, decoupledWeightDecay: 0.5)
        adamW.update(store)
        let expected: Float = 2.0 - 0.1 * 0.5 * 2.0
        #expect(abs(store.values[0] - expected) < 1e-6)
    }

    @Test func sgdWithMomentum() {
        let store = storeWith([1.0], gradients: [0.5])
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        sgd.update(store)
        #expect(abs(store.values[0] - 0.95) < 1e-7)
        sgd.update(store)  // v = 0.9*0.5 + 0.5 = 0.95
        let expected: Float = 0.95 - 0.095
        #expect(abs(store.values[0] - expected) < 1e-6)
    }

    @Test func clippingByGlobalNorm() {
        let store = storeWith([0, 0], gradients: [3, 4])
        #expect(store.clipGradients(maxNorm: 1) == 5)
        #expect(abs(store.gradients[0] - 0.6) < 1e-6 && abs(store.gradients[1] - 0.8) < 1e-6)
        #expect(store.clipGradients(maxNorm: 10) <= 1.0001)  // under the limit: unchanged
    }

    @Test func schedules() {
        let linear = LearningRateSchedule(peak: 1, warmupSteps: 4, totalSteps: 14, decay: .linear)
        #expect(linear.rate(at: 0) == 0.25 && linear.rate(at: 3) == 1)
        #expect(abs(linear.rate(at: 9) - 0.5) < 1e-6 && linear.rate(at: 14) == 0)
        let cosine = LearningRateSchedule(peak: 2, warmupSteps: 0, totalSteps: 10, decay: .cosine)
        #expect(cosine.rate(at: 0) == 2 && abs(cosine.rate(at: 5) - 1) < 1e-6 && abs(cosine.rate(at: 10)) < 1e-6)
        #expect(LearningRateSchedule(peak: 3, totalSteps: 5).rate(at: 4) == 3)
    }
}

/// Embedding -> BiLSTM -> Linear per-token tagger: the model `korqa bench lstm` times.
@Suite struct TrainingTests {
    static func tagger(seed: UInt64) -> SequenceTagger {
        SequenceTagger(.init(vocabularySize: 20, embeddingSize: 8, hiddenSize: 8, labelCount: 4), seed: seed)
    }

    static let mask = SequenceMask(lengths: [6, 4, 5], maxLength: 6)
    static let ids: [Int32] = [3, 5, 7, 2, 9, 11, 4, 4, 8, 1, 0, 0, 12, 13, 3, 6, 2, 0]
    // A tag that depends on context: (id + next id) % 4, which a BiLSTM can learn.
    static let tags: [Int32] = (0..<18).map { (i: Int) -> Int32 in
        let next: Int = i % 6 == 5 ? i : i + 1
        let sum: Int = Int(ids[i]) + Int(ids[next])
        return Int32(sum % 4)
    }

    @Test func overfitsATinyBatch() {
        let model = Self.tagger(seed: 3)
        var adam = Adam(learningRate: 0.02)
        var first: Float = 0, last: Float = 0
        for step in 0..<300 {
            last = model.trainStep(ids: Self.ids, labels: Self.tags, mask: Self.mask, optimizer: &adam)
            if step == 0 { first = last }
        }
        #expect(first > 1.0)
        #expect(last < 0.02, "loss after 300 steps: \(last)")
    }

    @Test func sameSeedGivesBitIdenticalWeights() {
        BLASThreads.set(1)
        func train() -> [Float] {
            let model = Self.tagger(seed: 11)
            var adam = Adam(learningRate: 0.01)
            for _ in 0..<20 { _ = model.trainStep(ids: Self.ids, labels: Self.tags, mask: Self.mask, optimizer: &adam) }
            return Array(model.store.values)
        }
        let a = train(), b = train()
        #expect(a == b)
        let other = Self.tagger(seed: 12), same = Self.tagger(seed: 11)
        #expect(Array(other.store.values) != Array(same.store.values))
    }
}

@Suite struct ParallelismTests {
    /// The two BiLSTM directions may run on two threads; the results must be bit-identical to
    /// running them one after the other.
    @Test func parallelDirectionsGiveIdenticalResults() {
        func run(threads: Int) -> ([Float], [Float], [Float]) {
            Parallelism.configure(threads: threads)
            defer { Parallelism.configure(threads: 1) }
            var random = SeededRandom(seed: 5)
            let store = ParameterStore()
            let bi = BiLSTM(store: store, name: "bi", inputSize: 6, hiddenSize: 5, random: &random)
            let x = Tensor.normal([3, 7, 6], std: 1, random: &random)
            let mask = SequenceMask(lengths: [7, 3, 5])
            let (y, cache) = bi.forward(x, mask: mask)
            let dx = bi.backward(Tensor.normal([3, 7, 10], std: 1, random: &random), cache: cache)
            return (y.data, dx.data, Array(store.gradients))
        }
        let serial = run(threads: 1), parallel = run(threads: 2)
        #expect(serial.0 == parallel.0 && serial.1 == parallel.1 && serial.2 == parallel.2)
    }

    /// `Parallelism.map` returns every index's result in index order, on one thread or two.
    @Test func mapKeepsIndexOrder() {
        func squares(threads: Int) -> [[Int]] {
            Parallelism.configure(threads: threads)
            defer { Parallelism.configure(threads: 1) }
            return Parallelism.map(7) { i in (0..<(1_000 * (7 - i))).map { _ in i * i }.suffix(1) + [i] }
        }
        let expected = (0..<7).map { [$0 * $0, $0] }
        #expect(squares(threads: 1) == expected && squares(threads: 2) == expected)
    }
}

@Suite struct FoldedInferenceTests {
    /// Inference through the folded embedding·W_ih tables equals the training path, and the
    /// tables follow the weights after an optimizer step.
    @Test func foldedLogitsMatchTheTrainingPath() {
        let model = SequenceTagger(.init(vocabularySize: 30, embeddingSize: 6, hiddenSize: 5, labelCount: 3), seed: 9)
        let mask = SequenceMask(lengths: [5, 2, 4])
        var random = SeededRandom(seed: 3)
        let ids = (0..<15).map { _ in Int32(random.next() % 30) }
        func close(_ a: Tensor, _ b: Tensor) -> Bool { zip(a.data, b.data).allSatisfy { abs($0 - $1) < 1e-5 } }
        #expect(close(model.logits(ids: ids, mask: mask), model.unfoldedLogits(ids: ids, mask: mask)))
        var adam = Adam(learningRate: 0.1)
        let before = model.logits(ids: ids, mask: mask)
        _ = model.trainStep(ids: ids, labels: ids.map { $0 % 3 }, mask: mask, optimizer: &adam)
        let after = model.logits(ids: ids, mask: mask)
        #expect(!close(before, after))
        #expect(close(after, model.unfoldedLogits(ids: ids, mask: mask)))
    }

    /// The cache-free BiLSTM stack (stacked W_ih, pre-transposed W_hh) equals the training
    /// forward, on a padded batch (zeros at padding included) and on one sequence (whose gates
    /// are read in place, backwards for the reverse direction), at one and two threads.
    @Test(arguments: [1, 2], [[5, 2, 4], [5]]) func cacheFreeStackMatchesTheTrainingForward(threads: Int, lengths: [Int]) {
        let store = ParameterStore()
        var random = SeededRandom(seed: 4)
        let stack = StackedBiLSTM(store: store, name: "enc", inputSize: 4, hiddenSize: 3, layerCount: 2, dropout: 0.5, random: &random)
        let mask = SequenceMask(lengths: lengths)
        let x = Tensor(shape: [lengths.count, 5, 4], data: (0..<(lengths.count * 20)).map { _ in random.normal() })
        Parallelism.configure(threads: threads)
        defer { Parallelism.configure(threads: 1) }
        let (expected, _) = stack.forward(x, mask: mask, training: false, random: &random)
        let fast = stack.inferenceForward(x, mask: mask, weights: stack.inferenceWeights())
        #expect(fast.shape == expected.shape)
        #expect(zip(fast.data, expected.data).allSatisfy { abs($0 - $1) < 1e-5 }, "\(fast.data) vs \(expected.data)")
        #expect(expected.data.contains { abs($0) > 1e-2 })
    }
}
