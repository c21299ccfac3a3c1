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
        let windows = items.map { (item: $0, window: 0..<min(corpus.contexts[corpus.items[$0].context].tokens.count, windowLength),
                                   gold: nil as (first: Int, last: Int)?) }
        return label(corpus, windows, goldWeight: 0, batchSize: batchSize, progress: progress)
    }

    /// Labels the training windows of `corpus` (the ones `Reader.train` cuts around each gold
    /// answer, per `options`): the target is `goldWeight` on the gold span plus 1 − `goldWeight`
    /// times the teacher's probabilities. A student trained on these (`Reader.train(taught:)`)
    /// learns which other spans the teacher found plausible (born-again distillation).
    public func distillationTargets(training corpus: ReaderCorpus, options: ReaderTrainingOptions, goldWeight: Float, batchSize: Int = 32,
                                    progress: ((Int) -> Void)? = nil) -> DistillationSet {
        let windows = ReaderTask.trainingExamples(corpus, windowLength: options.trainingWindowLength, stride: options.trainingWindowStride)
            .map { (item: $0.item, window: $0.window, gold: ($0.first, $0.last) as (first: Int, last: Int)?) }
        return label(corpus, windows, goldWeight: goldWeight, batchSize: batchSize, progress: progress)
    }

    /// The teacher's normalized probabilities over each window, mixed with its gold span.
    private func label(_ corpus: ReaderCorpus, _ windows: [(item: Int, window: Range<Int>, gold: (first: Int, last: Int)?)], goldWeight: Float,
                       batchSize: Int, progress: ((Int) -> Void)?) -> DistillationSet {
        var examples: [DistillationSet.Example] = []
        examples.reserveCapacity(windows.count)
        for start in stride(from: 0, to: windows.count, by: batchSize) {
            let chunk = windows[start..<min(start + batchSize, windows.count)]
            let logProbabilities = spanLogProbabilities(contexts: chunk.map { corpus.contexts[corpus.items[$0.item].context].tokens[$0.window] },
                                                        questions: chunk.map { corpus.items[$0.item].question })
            for (w, scores) in zip(chunk, logProbabilities) {
                // softmax again: a mean of several readers' log-probabilities is no longer
                // normalized (it is their geometric mean).
                var startTarget = Softmax.rows(Tensor(shape: [1, scores.start.count], data: scores.start)).data
                var endTarget = Softmax.rows(Tensor(shape: [1, scores.end.count], data: scores.end)).data
                if let gold = w.gold {
                    for i in startTarget.indices { startTarget[i] *= 1 - goldWeight; endTarget[i] *= 1 - goldWeight }
                    startTarget[gold.first] += goldWeight; endTarget[gold.last] += goldWeight
                }
                examples.append(.init(item: w.item, window: w.window, start: startTarget, end: endTarget))
            }
            progress?(min(start + batchSize, windows.count))
        }
        return DistillationSet(corpus: corpus, examples: examples)
    }
}
