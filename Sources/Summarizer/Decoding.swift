import Foundation
import Hangul
import NeuralCore
import TextEncoder

/// How summaries are generated.
public struct DecodingOptions: Codable, Equatable, Sendable {
    /// 1 is greedy decoding.
    public var beamWidth = 4
    /// Hypotheses are ranked by log P / length^α (0: raw log-probability; 1: per token).
    public var lengthPenalty = 1.0
    /// Never generate a trigram of tokens the hypothesis already contains.
    public var blockRepeatedTrigrams = true
    /// Tokens (syllables and spaces) before the end may be generated.
    public var minLength = 0
    /// At most this many tokens (nil: the model's maxTargetLength).
    public var maxLength: Int?

    public init(beamWidth: Int = 4, lengthPenalty: Double = 1, blockRepeatedTrigrams: Bool = true, minLength: Int = 0, maxLength: Int? = nil) {
        self.beamWidth = beamWidth; self.lengthPenalty = lengthPenalty
        self.blockRepeatedTrigrams = blockRepeatedTrigrams; self.minLength = minLength; self.maxLength = maxLength
    }
}

/// A generated summary.
public struct AbstractiveSummary: Codable, Equatable, Sendable {
    public var text: String
    /// The output ids (extended vocabulary, without the end token).
    public var ids: [Int32]
    /// log P of the ids and the end, and the ranking score (length-normalized).
    public var logProbability: Double
    public var score: Double
    /// The model read only the first `sourceSyllablesRead` syllables of a longer input.
    public var truncated: Bool
    public var sourceSyllablesRead: Int
}

extension PointerGenerator {
    /// What decoding keeps per source: the encoder's memory and the start state.
    struct Memory {
        var view: SourceView
        var projectedKeys: Tensor  // [S, A]
        var values: Tensor  // [S, 2H+1]
        var start: LSTM.State  // [1, Hd]
    }

    func memory(of source: String) -> Memory {
        let view = view(of: source)
        let S = view.tokens.count
        let ids = PaddedIDs([SyllableIDs(view.tokens.map(\.text), vocabulary: vocabulary).channels], channelCount: 4)
        let encoded = encoder.infer(TextEncoder.Input(ids: ids, wordVectors: nil))
        // The same summary and values as training builds, for one sequence.
        let summary = Self.encoderSummary(encoded, lengths: [S])
        let values = Self.attentionValues(encoded.states, spaceBefore: [view.spaceBefore]).reshaped([S, 2 * config.encoder.hiddenSize + 1])
        let projected = S > 0 ? attention.projectKeys(encoded.states).reshaped([S, config.attention]) : Tensor(zeros: [0, config.attention])
        let start = LSTM.State(hidden: Activation.tanh.forward(initialHidden(summary)), cell: initialCell(summary))
        return Memory(view: view, projectedKeys: projected, values: values, start: start)
    }

    /// One decoding step for N hypotheses: their last output ids, states and coverages ->
    /// the next states and log P over the extended vocabulary [N][V + OOV].
    func step(_ memory: Memory, last: [Int32], state: LSTM.State, coverage: inout Tensor) -> (LSTM.State, [[Double]]) {
        let N = last.count, V = config.outputVocabularySize, S = memory.view.tokens.count
        let x = embedding(last.map(inputID), shape: [N])
        let next = decoder.step(x, state: state)
        var contexts = Tensor(zeros: [N, memory.values.shape[1]]), weights = Tensor(zeros: [N, S])
        if S > 0 {
            (weights, contexts) = attention.step(queries: next.hidden, projectedKeys: memory.projectedKeys, values: memory.values, coverage: &coverage)
        }
        let hidden = Activation.tanh.forward(outputHidden(concatenateLast(next.hidden, contexts)))
        let probabilities = Softmax.rows(outputLayer(hidden))
        let gates = generate(concatenateLast(concatenateLast(contexts, next.hidden), x))
        let extendedSize = V + memory.view.outOfVocabulary.count
        var result: [[Double]] = []
        for r in 0..<N {
            let pg = Double(1 / (1 + exp(-gates.data[r])))
            var p = [Double](repeating: 0, count: extendedSize)
            for j in 0..<V { p[j] = pg * Double(probabilities.data[r * V + j]) }
            for i in 0..<S { p[Int(memory.view.extendedIDs[i])] += (1 - pg) * Double(weights.data[r * S + i]) }
            result.append(p.map { log(max($0, 1e-30)) })
        }
        return (next, result)
    }

    /// Whether `id` may follow `ids`: never padding, [BOS], [UNK] or other specials; the end
    /// only after `minLength` tokens; no repeated trigram when asked.
    func allowed(_ id: Int32, after ids: [Int32], options: DecodingOptions) -> Bool {
        let i = Int(id)
        if i == Vocabulary.endID { return ids.count >= options.minLength }
        if i < Vocabulary.specials.count { return false }
        if options.blockRepeatedTrigrams, ids.count >= 2 {
            let a = ids[ids.count - 2], b = ids[ids.count - 1]
            if ids.count >= 3 {
                for k in 0..<(ids.count - 2) where ids[k] == a && ids[k + 1] == b && ids[k + 2] == id { return false }
            }
        }
        return true
    }

    /// The `count` allowed ids of highest log P, best first (ties: the lower id first). One pass
    /// over the vocabulary; `allowed` (with its trigram scan) runs only for ids that would enter
    /// the top `count`.
    func best(_ logP: [Double], after ids: [Int32], count: Int, options: DecodingOptions) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(count + 1)
        for (j, value) in logP.enumerated() {
            if top.count == count, value <= logP[top[count - 1]] { continue }
            guard allowed(Int32(j), after: ids, options: options) else { continue }
            var k = top.count
            while k > 0 && logP[top[k - 1]] < value { k -= 1 }
            top.insert(j, at: k)
            if top.count > count { top.removeLast() }
        }
        return top
    }

    func rankingScore(_ logProbability: Double, length: Int, options: DecodingOptions) -> Double {
        options.lengthPenalty == 0 ? logProbability : logProbability / pow(Double(max(1, length)), options.lengthPenalty)
    }

    /// Summarizes `source` (greedy when beamWidth is 1, beam search otherwise). Incremental:
    /// each step runs the decoder cell once per live hypothesis.
    public func summarize(_ source: String, options: DecodingOptions = DecodingOptions()) -> AbstractiveSummary {
        let memory = memory(of: source)
        return options.beamWidth <= 1 ? greedy(memory, options: options) : beamSearch(memory, options: options)
    }

    func finish(_ ids: [Int32], logProbability: Double, ended: Bool, memory: Memory, options: DecodingOptions) -> AbstractiveSummary {
        AbstractiveSummary(text: text(of: ids, source: memory.view), ids: ids, logProbability: logProbability,
                           score: rankingScore(logProbability, length: ids.count + (ended ? 1 : 0), options: options),
                           truncated: memory.view.truncated, sourceSyllablesRead: memory.view.tokens.count)
    }

    func greedy(_ memory: Memory, options: DecodingOptions) -> AbstractiveSummary {
        let maxLength = options.maxLength ?? config.maxTargetLength
        var state = memory.start, coverage = Tensor(zeros: [1, memory.view.tokens.count])
        var ids: [Int32] = [], last = Int32(Vocabulary.beginID), total = 0.0
        while ids.count < maxLength {
            let (next, logP) = step(memory, last: [last], state: state, coverage: &coverage)
            state = next
            guard let first = best(logP[0], after: ids, count: 1, options: options).first else { break }
            let best = Int32(first)
            total += logP[0][first]
            if Int(best) == Vocabulary.endID { return finish(ids, logProbability: total, ended: true, memory: memory, options: options) }
            ids.append(best)
            last = best
        }
        return finish(ids, logProbability: total, ended: false, memory: memory, options: options)
    }

    struct Hypothesis {
        var ids: [Int32]
        var logProbability: Double
        var row: Int  // which row of the batched state / coverage
    }

    func beamSearch(_ memory: Memory, options: DecodingOptions) -> AbstractiveSummary {
        let width = options.beamWidth, maxLength = options.maxLength ?? config.maxTargetLength
        let S = memory.view.tokens.count, Hd = config.decoderHidden
        var live = [Hypothesis(ids: [], logProbability: 0, row: 0)]
        var state = memory.start, coverage = Tensor(zeros: [1, S])
        var finished: [AbstractiveSummary] = []
        while !live.isEmpty && finished.count < width {
            let (next, logP) = step(memory, last: live.map { $0.ids.last ?? Int32(Vocabulary.beginID) }, state: state, coverage: &coverage)
            var candidates: [(parent: Int, id: Int32, logProbability: Double)] = []
            for (r, hypothesis) in live.enumerated() {
                // The best 2·width continuations of each hypothesis are enough to fill the beam.
                for j in best(logP[r], after: hypothesis.ids, count: 2 * width, options: options) { candidates.append((r, Int32(j), hypothesis.logProbability + logP[r][j])) }
            }
            candidates.sort { $0.logProbability > $1.logProbability }
            var kept: [Hypothesis] = []
            for candidate in candidates {
                let ids = live[candidate.parent].ids
                if Int(candidate.id) == Vocabulary.endID {
                    finished.append(finish(ids, logProbability: candidate.logProbability, ended: true, memory: memory, options: options))
                } else if ids.count + 1 >= maxLength {
                    finished.append(finish(ids + [candidate.id], logProbability: candidate.logProbability, ended: false, memory: memory, options: options))
                } else {
                    kept.append(Hypothesis(ids: ids + [candidate.id], logProbability: candidate.logProbability, row: candidate.parent))
                }
                if kept.count == width || finished.count >= width { break }
            }
            // Gather the kept hypotheses' states and coverages into the next batch.
            var hidden = Tensor(zeros: [kept.count, Hd]), cell = Tensor(zeros: [kept.count, Hd]), nextCoverage = Tensor(zeros: [kept.count, S])
            for (k, hypothesis) in kept.enumerated() {
                for j in 0..<Hd {
                    hidden.data[k * Hd + j] = next.hidden.data[hypothesis.row * Hd + j]
                    cell.data[k * Hd + j] = next.cell.data[hypothesis.row * Hd + j]
                }
                for i in 0..<S { nextCoverage.data[k * S + i] = coverage.data[hypothesis.row * S + i] }
                kept[k].row = k
            }
            state = LSTM.State(hidden: hidden, cell: cell)
            coverage = nextCoverage
            live = kept
        }
        if finished.isEmpty {
            return finish([], logProbability: 0, ended: false, memory: memory, options: options)
        }
        return finished.max { $0.score < $1.score }!
    }
}
