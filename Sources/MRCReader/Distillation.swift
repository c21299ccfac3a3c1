import Foundation
import Hangul
import NeuralCore

/// Questions a teacher (typically an ensemble, `Reader.ensemble`) has answered with
/// probabilities, for training a student reader to answer as the teacher does (knowledge
/// distillation, Hinton et al. 2015). The questions need no gold answers: the teacher's start
/// and end distributions over each question's window are the targets, so they carry what the
/// teacher finds plausible besides its best span.
///
/// Label questions the teacher was not trained on (e.g. synthetic questions from unseen
/// Wikipedia paragraphs): on its own training questions a teacher is nearly certain, and its
/// targets say little more than the gold spans do.
public struct DistillationSet: Sendable {
    struct Example: Sendable {
        var item: Int
        var window: Range<Int>
        /// The teacher's probabilities over the window's tokens (each sums to 1).
        var start: [Float], end: [Float]
    }

    var corpus: ReaderCorpus
    var examples: [Example]

    /// Questions with targets (questions whose context or question has no tokens are left out).
    public var count: Int { examples.count }

    /// The mean probability the teacher gives its most likely start and end: how sure it was
    /// (1 = the targets are one-hot; lower = more to learn than the best span).
    public var meanTopProbability: Double {
        guard !examples.isEmpty else { return 0 }
        return examples.reduce(0.0) { $0 + Double(($1.start.max() ?? 0) + ($1.end.max() ?? 0)) / 2 } / Double(examples.count)
    }
}

extension Reader {
    /// Labels `corpus` for distillation: each question's first window (at most `windowLength`
    /// tokens, the length students train on) read by this reader and its ensemble, whose mean
    /// log-probabilities are normalized into start and end distributions. `progress` receives
    /// the number of questions labelled so far.
    public func distillationTargets(_ corpus: ReaderCorpus, windowLength: Int, batchSize: Int = 32,
                                    progress: ((Int) -> Void)? = nil) -> DistillationSet {
        let items = corpus.items.indices.filter {
            !corpus.items[$0].question.isEmpty && !corpus.contexts[corpus.items[$0].context].tokens.isEmpty
        }
        var examples: [DistillationSet.Example] = []
        examples.reserveCapacity(items.count)
        for start in stride(from: 0, to: items.count, by: batchSize) {
            let chunk = items[start..<min(start + batchSize, items.count)]
            let windows = chunk.map { 0..<min(corpus.contexts[corpus.items[$0].context].tokens.count, windowLength) }
            let logProbabilities = spanLogProbabilities(contexts: zip(chunk, windows).map { corpus.contexts[corpus.items[$0].context].tokens[$1] },
                                                        questions: chunk.map { corpus.items[$0].question })
            for ((item, window), scores) in zip(zip(chunk, windows), logProbabilities) {
                examples.append(.init(item: item, window: window, start: Self.normalized(scores.start), end: Self.normalized(scores.end)))
            }
            progress?(min(start + batchSize, items.count))
        }
        return DistillationSet(corpus: corpus, examples: examples)
    }

    /// softmax of log-scores: a mean of several readers' log-probabilities is no longer
    /// normalized (it is their geometric mean).
    static func normalized(_ logScores: [Float]) -> [Float] {
        let top = logScores.max() ?? 0
        let e = logScores.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }
}
