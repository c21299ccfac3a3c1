import Foundation
import Hangul
import NeuralCore
import WordVectors

/// The encoder's self-supervised pre-training: a bidirectional language model (ELMo). The
/// forward stack's state at syllable t predicts syllable t+1, the backward stack's predicts
/// t−1; one sampled-softmax output layer is shared by both directions.
///
/// Shapes: B chunks, T syllables, H hidden per direction, V syllables, k negatives.
///   (f, b) = encoder(x)                       [B, T, H] each
///   loss = ½ (sampled CE(f_t → x_{t+1}) + sampled CE(b_t → x_{t−1}))   over real positions
public final class BiLanguageModel: TrainingTask {
    public let store = ParameterStore()
    public let encoder: TextEncoder
    public let featurizer: TextFeaturizer
    let output: SampledSoftmax
    /// Negatives drawn per batch, from unigram^0.75.
    public let negatives: Int
    let cumulative: [Double]
    let logExpectedCount: [Float]
    /// Syllables per chunk fed at once.
    public let maxLength: Int

    /// - Parameter counts: how often each syllable id occurs in the training text (the
    ///   negatives' distribution).
    public init(config: TextEncoderConfig, featurizer: TextFeaturizer, counts: [Int], negatives: Int = 512, maxLength: Int = 128, seed: UInt64) {
        precondition(counts.count == config.vocabularySize, "one count per syllable id")
        var random = SeededRandom(seed: seed)
        encoder = TextEncoder(store: store, prefix: "encoder", config: config, random: &random)
        output = SampledSoftmax(store: store, name: "lm.softmax", vocabularySize: config.vocabularySize, inputSize: config.hiddenSize, random: &random)
        self.featurizer = featurizer
        self.negatives = negatives
        self.maxLength = maxLength
        let weights = counts.map { pow(Double(max($0, 1)), 0.75) }
        let total = weights.reduce(0, +)
        var sum = 0.0
        cumulative = weights.map { sum += $0 / total; return sum }
        logExpectedCount = weights.map { Float(log(Double(negatives) * $0 / total)) }
    }

    // MARK: TrainingTask

    public typealias Example = String
    public var configJSON: String { encoder.config.json }
    public let metricName = "negative_perplexity"
    public func length(of example: String) -> Int { min(example.unicodeScalars.count, maxLength) }

    /// Targets of each direction, flattened [B·T]: the next (previous) syllable, −1 at the ends and padding.
    func targets(_ ids: PaddedIDs) -> (next: [Int32], previous: [Int32]) {
        let B = ids.mask.batchSize, T = ids.mask.maxLength
        var next = [Int32](repeating: -1, count: B * T), previous = next
        for b in 0..<B {
            let n = ids.mask.lengths[b]
            for t in 0..<n {
                if t + 1 < n { next[b * T + t] = ids.channels[0][b * T + t + 1] }
                if t > 0 { previous[b * T + t] = ids.channels[0][b * T + t - 1] }
            }
        }
        return (next, previous)
    }

    public func lossAndGradients(_ batch: [String], random: inout SeededRandom) -> Float {
        lossAndGradients(input: featurizer.input(batch, maxLength: maxLength).0, random: &random)
    }

    /// One training step's loss and gradients on an already featurized batch.
    public func lossAndGradients(input: TextEncoder.Input, random: inout SeededRandom) -> Float {
        let B = input.ids.mask.batchSize, T = input.ids.mask.maxLength, H = encoder.config.hiddenSize
        let (out, cache) = encoder.forward(input, training: true, random: &random)
        let (next, previous) = targets(input.ids)
        let sample = SampledSoftmax.sample(k: negatives, cumulative: cumulative, logExpectedCount: logExpectedCount, random: &random)
        let f = output.lossAndBackward(out.forward.reshaped([B * T, H]), targets: next, sample: sample, scale: 0.5)
        let b = output.lossAndBackward(out.backward.reshaped([B * T, H]), targets: previous, sample: sample, scale: 0.5)
        encoder.backward(dForward: f.dInput.reshaped([B, T, H]), dBackward: b.dInput.reshaped([B, T, H]), cache: cache)
        return (f.loss + b.loss) / 2
    }

    /// −perplexity (exact softmax, both directions' positions pooled): higher is better.
    public func evaluate(_ examples: [String]) -> Double { -perplexity(examples) }

    public func perplexity(_ examples: [String], batchSize: Int = 32) -> Double {
        var random = SeededRandom(seed: 0)
        var sum = 0.0, count = 0
        let H = encoder.config.hiddenSize
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            let (input, _) = featurizer.input(Array(examples[start..<min(start + batchSize, examples.count)]), maxLength: maxLength)
            let B = input.ids.mask.batchSize, T = input.ids.mask.maxLength
            let (out, _) = encoder.forward(input, training: false, random: &random)
            let (next, previous) = targets(input.ids)
            let f = output.fullLogLikelihood(out.forward.reshaped([B * T, H]), targets: next)
            let b = output.fullLogLikelihood(out.backward.reshaped([B * T, H]), targets: previous)
            sum += f.sum + b.sum
            count += f.count + b.count
        }
        return count == 0 ? .infinity : exp(-sum / Double(count))
    }
}
