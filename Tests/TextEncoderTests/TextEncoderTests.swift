import Foundation
import Hangul
import Testing
@testable import NeuralCore
@testable import TextEncoder
import TestSupport

@Suite struct SampledSoftmaxTests {
    /// Gradients of the sampled loss with respect to the input and the output layer, with a
    /// negative equal to a target (masked) and a skipped position.
    @Test func gradientCheck() {
        let store = ParameterStore()
        var random = SeededRandom(seed: 3)
        let layer = SampledSoftmax(store: store, name: "out", vocabularySize: 7, inputSize: 4, random: &random)
        let h = Tensor.normal([5, 4], std: 1, random: &random)
        let targets: [Int32] = [2, 0, -1, 6, 2]
        let sample = SampledSoftmax.Sample(negatives: [1, 2, 5, 5], logExpectedCount: (0..<7).map { Float($0) * 0.1 - 0.3 })
        store.zeroGradients()
        let (_, dh, count) = layer.lossAndBackward(h, targets: targets, sample: sample, scale: 1)
        #expect(count == 4)
        let analytic = Array(store.gradients)
        func loss(_ x: Tensor) -> Double {
            let scratch = ParameterStore()
            var r = SeededRandom(seed: 3)
            let copy = SampledSoftmax(store: scratch, name: "out", vocabularySize: 7, inputSize: 4, random: &r)
            scratch.copyValues(from: store)
            return Double(copy.lossAndBackward(x, targets: targets, sample: sample).loss)
        }
        let eps: Float = 1e-2
        for i in 0..<h.count {
            var plus = h, minus = h
            plus.data[i] += eps; minus.data[i] -= eps
            let numeric = Float((loss(plus) - loss(minus)) / Double(2 * eps))
            #expect(abs(numeric - dh.data[i]) <= 2e-3 + 1e-2 * abs(dh.data[i]), "dh[\(i)] numeric \(numeric) analytic \(dh.data[i])")
        }
        for (i, numeric, value) in sampledParameterGradients(store: store, analytic: analytic, samples: 36, seed: 4, loss: { loss(h) }) {
            #expect(abs(numeric - value) <= 2e-3 + 1e-2 * abs(value), "parameter \(i): numeric \(numeric) analytic \(value)")
        }
        // The skipped position gets no gradient.
        #expect(dh.data[8..<12].allSatisfy { $0 == 0 })
    }

    /// With every id as a negative once and no correction, the sampled loss is the exact
    /// softmax cross-entropy (the target's copy among the negatives is masked).
    @Test func equalsTheFullSoftmaxWhenEveryIdIsSampled() {
        let store = ParameterStore()
        var random = SeededRandom(seed: 8)
        let layer = SampledSoftmax(store: store, name: "out", vocabularySize: 6, inputSize: 3, random: &random)
        let h = Tensor.normal([4, 3], std: 1, random: &random)
        let targets: [Int32] = [0, 5, 3, 3]
        let sample = SampledSoftmax.Sample(negatives: (0..<6).map(Int32.init), logExpectedCount: [Float](repeating: 0, count: 6))
        let sampled = layer.lossAndBackward(h, targets: targets, sample: sample).loss
        let full = layer.fullLogLikelihood(h, targets: targets)
        #expect(full.count == 4 && abs(Double(sampled) + full.sum / 4) < 1e-5)
    }

    @Test func samplesFollowTheDistribution() {
        var random = SeededRandom(seed: 1)
        let sample = SampledSoftmax.sample(k: 20_000, cumulative: [0.1, 0.1, 0.6, 1.0], logExpectedCount: [0, 0, 0, 0], random: &random)
        let counts = (0..<4).map { id in sample.negatives.filter { $0 == id }.count }
        #expect(counts[1] == 0 && abs(Double(counts[0]) / 20_000 - 0.1) < 0.01 && abs(Double(counts[2]) / 20_000 - 0.5) < 0.015)
    }
}

func tinyFeaturizer() -> TextFeaturizer {
    let texts = ["한국의 수도는 서울이다", "서울은 큰 도시다", "도시에는 사람이 많다"]
    return TextFeaturizer(vocabulary: Vocabulary.build(from: texts.flatMap { TextFeaturizer.tokens($0).map(\.text) }), wordVectors: nil)
}

@Suite struct TextEncoderTests {
    /// Every parameter of the encoder (embeddings, both stacks, 2 layers) against central
    /// differences, through sequences of 3–5 steps in both directions, with padding.
    @Test func gradientCheck() {
        let featurizer = tinyFeaturizer()
        var config = TextEncoderConfig(vocabularySize: featurizer.vocabulary.count)
        config.embeddingSize = 4; config.hiddenSize = 3; config.layers = 2; config.dropout = 0
        let store = ParameterStore()
        var random = SeededRandom(seed: 2)
        let encoder = TextEncoder(store: store, prefix: "enc", config: config, random: &random)
        let (input, _) = featurizer.input(["한국의 수도", "서울이다", "큰 도시에는"])
        let B = input.ids.mask.batchSize, T = input.ids.mask.maxLength
        let rForward = Tensor.normal([B, T, 3], std: 1, random: &random), rBackward = Tensor.normal([B, T, 3], std: 1, random: &random)
        func loss() -> Double {
            var r = SeededRandom(seed: 0)
            let (out, _) = encoder.forward(input, training: false, random: &r)
            var total = 0.0
            for i in 0..<out.forward.count { total += Double(out.forward.data[i] * rForward.data[i] + out.backward.data[i] * rBackward.data[i]) }
            return total
        }
        store.zeroGradients()
        var r = SeededRandom(seed: 0)
        let (_, cache) = encoder.forward(input, training: false, random: &r)
        encoder.backward(dForward: rForward, dBackward: rBackward, cache: cache)
        let analytic = Array(store.gradients)
        var worst: Float = 0
        for (i, numeric, value) in sampledParameterGradients(store: store, analytic: analytic, samples: 200, seed: 7, loss: loss) {
            worst = max(worst, abs(numeric - value))
            #expect(abs(numeric - value) <= 2e-3 + 1e-2 * abs(value), "parameter \(i): numeric \(numeric) analytic \(value)")
        }
        #expect(worst < 1e-2 && store.slots.allSatisfy { $0.name.hasPrefix("enc.") })
    }

    /// The inference path (packed single-sequence recurrence) gives the training forward's states,
    /// for one text and for a padded batch.
    @Test(arguments: [["서울은 큰 도시다"], ["한국의 수도는 서울이다", "큰", "도시에는 사람이 많다"]])
    func inferenceMatchesForward(texts: [String]) {
        let featurizer = tinyFeaturizer()
        var config = TextEncoderConfig(vocabularySize: featurizer.vocabulary.count)
        config.embeddingSize = 8; config.hiddenSize = 7; config.layers = 2; config.dropout = 0.3
        var random = SeededRandom(seed: 6)
        let encoder = TextEncoder(store: ParameterStore(), config: config, random: &random)
        let input = featurizer.input(texts).0
        let (trained, _) = encoder.forward(input, training: false, random: &random)
        let inferred = encoder.infer(input)
        #expect(zip(trained.states.data, inferred.states.data).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(trained.states.shape == inferred.states.shape)
    }

    /// The forward stack never sees what comes after a syllable, the backward stack never what
    /// comes before: what the language model's objective relies on.
    @Test func directionsDoNotSeeWhatTheyPredict() {
        let featurizer = tinyFeaturizer()
        var config = TextEncoderConfig(vocabularySize: featurizer.vocabulary.count)
        config.embeddingSize = 6; config.hiddenSize = 5; config.layers = 2; config.dropout = 0
        var random = SeededRandom(seed: 4)
        let encoder = TextEncoder(store: ParameterStore(), config: config, random: &random)
        let a = encoder.forward(featurizer.input(["서울은 큰 도시다"]).0, training: false, random: &random).0
        let b = encoder.forward(featurizer.input(["서울은 큰 도람다"]).0, training: false, random: &random).0  // syllable 5 (시) changed
        let H = 5
        #expect(Array(a.forward.data[0..<(5 * H)]) == Array(b.forward.data[0..<(5 * H)]))   // t < 5: same
        #expect(Array(a.forward.data[(5 * H)..<(6 * H)]) != Array(b.forward.data[(5 * H)..<(6 * H)]))
        #expect(Array(a.backward.data[(6 * H)...]) == Array(b.backward.data[(6 * H)...]))   // t > 5: same
        #expect(Array(a.backward.data[0..<H]) != Array(b.backward.data[0..<H]))
    }
}

@Suite struct BiLanguageModelTests {
    static let corpus = (0..<40).map { i in ["한국의 수도는 서울이다", "서울은 큰 도시다", "도시에는 사람이 많다", "사람이 많은 서울"][i % 4] }

    static func model(seed: UInt64 = 1) -> BiLanguageModel {
        let featurizer = tinyFeaturizer()
        var config = TextEncoderConfig(vocabularySize: featurizer.vocabulary.count)
        config.embeddingSize = 16; config.hiddenSize = 16; config.layers = 1; config.dropout = 0
        var counts = [Int](repeating: 0, count: featurizer.vocabulary.count)
        for text in corpus { for t in TextFeaturizer.tokens(text) { counts[featurizer.vocabulary.id(of: t.text)] += 1 } }
        return BiLanguageModel(config: config, featurizer: featurizer, counts: counts, negatives: 8, maxLength: 32, seed: seed)
    }

    /// The whole model's gradient (sampled loss of both directions through the encoder).
    @Test func gradientCheck() {
        let lm = Self.model()
        var random = SeededRandom(seed: 5)
        lm.store.zeroGradients()
        _ = lm.lossAndGradients(["한국의 수도", "서울은 큰 도시다"], random: &random)
        let analytic = Array(lm.store.gradients)
        func loss() -> Double {
            var r = SeededRandom(seed: 5)  // the same negatives; the gradients it adds are not read
            return Double(lm.lossAndGradients(["한국의 수도", "서울은 큰 도시다"], random: &r))
        }
        for (i, numeric, value) in sampledParameterGradients(store: lm.store, analytic: analytic, samples: 120, seed: 3, loss: loss) {
            #expect(abs(numeric - value) <= 2e-3 + 1e-2 * abs(value), "parameter \(i): numeric \(numeric) analytic \(value)")
        }
    }

    /// A tiny corpus is learned (perplexity falls far below the vocabulary size), checkpoints
    /// are written, and the encoder's weights load into a second model under another prefix.
    @Test func learnsAndItsEncoderLoadsElsewhere() throws {
        let lm = Self.model()
        let before = lm.perplexity(Self.corpus)
        let directory = NSTemporaryDirectory() + "korqa-lm-\(UUID().uuidString)"
        let trainer = Trainer(task: lm, config: TrainConfig(epochs: 25, batchSize: 8, learningRate: 0.02, warmupSteps: 0, decay: .constant, patience: 25, seed: 2),
                              directory: directory)
        let summary = try trainer.run(train: Self.corpus, validation: Array(Self.corpus.prefix(8)))
        let after = lm.perplexity(Self.corpus)
        #expect(after < before / 3 && after < 4, "perplexity \(before) → \(after)")
        #expect(summary.records.count == 25 && FileManager.default.fileExists(atPath: directory + "/metrics.jsonl"))

        let other = ParameterStore()
        var random = SeededRandom(seed: 99)
        _ = other.add("task.head", shape: [2], initial: [0, 0])  // a task registers its own parameters first
        let encoder = TextEncoder(store: other, prefix: "reader.encoder", config: lm.encoder.config, random: &random)
        try encoder.loadWeights(from: directory + "/last.safetensors")
        var r1 = SeededRandom(seed: 0), r2 = SeededRandom(seed: 0)
        let input = lm.featurizer.input(["서울은 큰 도시다"]).0
        let a = lm.encoder.forward(input, training: false, random: &r1).0, b = encoder.forward(input, training: false, random: &r2).0
        #expect(a.states == b.states)
        var wrong = lm.encoder.config
        wrong.hiddenSize = 8
        let mismatched = TextEncoder(store: ParameterStore(), config: wrong, random: &random)
        #expect(throws: NeuralError.self) { try mismatched.loadWeights(from: directory + "/last.safetensors") }
    }
}

@Suite struct SentenceVectorTests {
    /// Central differences for the normalization and the contrastive loss, inputs and outputs.
    @Test func contrastiveLossAndNormalizationGradients() {
        var random = SeededRandom(seed: 11)
        let a = Tensor.normal([4, 3], std: 1, random: &random), b = Tensor.normal([4, 3], std: 1, random: &random)
        func loss(_ a: Tensor, _ b: Tensor) -> Double {
            let (ua, _) = L2Normalize.forward(a), (ub, _) = L2Normalize.forward(b)
            return Double(Loss.inBatchContrastive(ua, ub, temperature: 0.5).loss)
        }
        let (ua, na) = L2Normalize.forward(a), (ub, nb) = L2Normalize.forward(b)
        let (_, dua, dub) = Loss.inBatchContrastive(ua, ub, temperature: 0.5)
        let da = L2Normalize.backward(dua, y: ua, norms: na), db = L2Normalize.backward(dub, y: ub, norms: nb)
        let eps: Float = 1e-2
        for i in 0..<a.count {
            var p = a, m = a
            p.data[i] += eps; m.data[i] -= eps
            let numeric = Float((loss(p, b) - loss(m, b)) / Double(2 * eps))
            #expect(abs(numeric - da.data[i]) <= 2e-3 + 1e-2 * abs(da.data[i]), "da[\(i)] \(numeric) vs \(da.data[i])")
            var pb = b, mb = b
            pb.data[i] += eps; mb.data[i] -= eps
            let numericB = Float((loss(a, pb) - loss(a, mb)) / Double(2 * eps))
            #expect(abs(numericB - db.data[i]) <= 2e-3 + 1e-2 * abs(db.data[i]), "db[\(i)] \(numericB) vs \(db.data[i])")
        }
        // Rows come out unit length; identical pairs at low temperature cost almost nothing.
        #expect(abs(ua.data[0..<3].reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        let (u, _) = L2Normalize.forward(Tensor(shape: [2, 2], data: [1, 0, 0, 1]))
        #expect(Loss.inBatchContrastive(u, u, temperature: 0.01).loss < 1e-6)
    }

    static func model(pooling: SentencePooling) -> SentenceEncoder {
        let featurizer = tinyFeaturizer()
        var config = TextEncoderConfig(vocabularySize: featurizer.vocabulary.count)
        config.embeddingSize = 4; config.hiddenSize = 3; config.layers = 1; config.dropout = 0
        var sentence = SentenceEncoderConfig(encoder: config)
        sentence.pooling = pooling
        sentence.temperature = 0.5
        return SentenceEncoder(config: sentence, vocabulary: featurizer.vocabulary, seed: 3)
    }

    /// The whole sentence model's gradient for each pooling.
    @Test(arguments: SentencePooling.allCases) func gradientCheck(pooling: SentencePooling) {
        let model = Self.model(pooling: pooling)
        let batch = [SentencePair("한국의 수도", "서울이다"), SentencePair("큰 도시", "사람이 많다"), SentencePair("서울은", "도시에는")]
        var random = SeededRandom(seed: 1)
        model.store.zeroGradients()
        _ = model.lossAndGradients(batch, random: &random)
        let analytic = Array(model.store.gradients)
        func loss() -> Double { var r = SeededRandom(seed: 1); return Double(model.lossAndGradients(batch, random: &r)) }
        for (i, numeric, value) in sampledParameterGradients(store: model.store, analytic: analytic, samples: 80, seed: 2, loss: loss) {
            #expect(abs(numeric - value) <= 2e-3 + 1e-2 * abs(value), "\(pooling) parameter \(i): numeric \(numeric) analytic \(value)")
        }
    }

    @Test func spearmanByHand() {
        #expect(Correlation.ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
        #expect(abs(Correlation.spearman([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-12)
        #expect(abs(Correlation.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12)
        // ρ = 1 − 6 Σd² / (n(n²−1)) without ties: ranks (1,2,3,4,5) vs (2,1,4,3,5): Σd² = 4 → 0.8.
        #expect(abs(Correlation.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) - 0.8) < 1e-12)
    }

    @Test func pairFilesAndTheFixedSplits() throws {
        let folder = NSTemporaryDirectory() + "korqa-pairs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\nmain\tx\t2012\t1\t4.5\t가 간다\t가가 간다\nmain\tx\t2012\t2\t1.0\t나\t다\n"
            .write(toFile: folder + "/sts.tsv", atomically: true, encoding: .utf8)
        #expect(try SentencePairs.korSTS(folder + "/sts.tsv").map(\.score) == [4.5, 1.0])
        #expect(try SentencePairs.korSTS(folder + "/sts.tsv", minimumScore: 4).count == 1)
        try "question1\tquestion2\tis_duplicate\n같다\t같아\t0\n다르다\t엉뚱\t1\n".write(toFile: folder + "/qp.txt", atomically: true, encoding: .utf8)
        #expect(try SentencePairs.questionPairs(folder + "/qp.txt") == [SentencePair("같다", "같아")])
        let sets = (0..<1000).flatMap { s in (0..<10).map { "0\t0\t문장 \(s)-\($0)" } }
        try sets.joined(separator: "\n").write(toFile: folder + "/parakqc.txt", atomically: true, encoding: .utf8)
        let training = try SentencePairs.paraKQCTraining(folder + "/parakqc.txt")
        #expect(training.count == 800 * 9 && training.first == SentencePair("문장 0-0", "문장 0-1") && training.last == SentencePair("문장 799-8", "문장 799-9"))
        try "genre\tfilename\n1\t2\n".write(toFile: folder + "/bad.tsv", atomically: true, encoding: .utf8)
        #expect(throws: TextEncoderError.malformed(path: folder + "/bad.tsv", line: 2, reason: "expected 7 tab-separated fields with a numeric score (KorSTS)")) {
            try SentencePairs.korSTS(folder + "/bad.tsv")
        }
    }

    /// Saved and loaded, the model gives the same vectors bit for bit.
    @Test func savesAndLoadsExactly() throws {
        let model = Self.model(pooling: .meanMax)
        let folder = NSTemporaryDirectory() + "korqa-sentence-\(UUID().uuidString)"
        try model.save(to: folder)
        let loaded = try SentenceEncoder.load(from: folder)
        let texts = ["서울은 큰 도시다", "한국의 수도"]
        #expect(loaded.vectors(texts) == model.vectors(texts) && loaded.config == model.config)
        #expect(model.vectors(texts)[0].count == 4 * 3)
        #expect(throws: Error.self) { try SentenceEncoder.load(from: folder + "/none") }
    }
}
