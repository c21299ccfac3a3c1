import Foundation

/// How a span read from one of several retrieved passages is scored so that spans of different
/// passages (and of different questions) compare: a logistic model of "this span is the answer"
///
///     P = σ(readerWeight · ln P_reader + retrievalWeight · ln share + coverageWeight · ln coverage + bias)
///
/// where P_reader is the reader's P(start)·P(end) within its passage (the reader is confident
/// in almost any passage, so it cannot rank passages alone), share is the passage's BM25 as a
/// share of the best retrieved passage's, and coverage how much of the question's term weight
/// the passage holds (`PassageResult.coverage`: low when the collection does not hold what the
/// question is about). The score is the probability that the answer a question gets (its best
/// span) is exactly right. The weights are fitted (`fit`) on open-domain questions the reader
/// never trained on (`korqa eval open-qa --calibrate`); the defaults are that fit
/// (docs/documents.md).
public struct DocumentScoring: Codable, Equatable, Sendable {
    public var readerWeight: Double
    public var retrievalWeight: Double
    public var coverageWeight: Double
    public var bias: Double

    /// The defaults: fitted on KorQuAD 1.0 dev fold 5 (993 questions, resources/korquad-dev-folds.tsv)
    /// answered by a reader that never trained on them, 5 passages read, from 100,319 passages
    /// (the Wikipedia shards + every dev paragraph: answerable) and from the bundled Wikipedia
    /// slice (which holds no KorQuAD article: mostly unanswerable) — `make open-qa-reader`, then
    /// `korqa eval open-qa … --calibrate --unanswerable …` (docs/documents.md). Held out by
    /// two-fold cross-fitting: EM 61.3 / F1 72.8 on the answerable questions, and at 0.3 an
    /// answer for 76.6% of them (70.3% exactly right) against 6.1% of the unanswerable ones.
    public init(readerWeight: Double = 2.0522, retrievalWeight: Double = 2.3128, coverageWeight: Double = 4.9780, bias: Double = 2.8396) {
        self.readerWeight = readerWeight
        self.retrievalWeight = retrievalWeight
        self.coverageWeight = coverageWeight
        self.bias = bias
    }

    /// Probabilities are floored so that a zero (an empty share, an underflowed reader
    /// probability) gives a very low score instead of −∞.
    static let floor = 1e-6

    /// The features of one candidate span: ln P_reader, ln share, ln coverage, 1.
    static func features(reader: Double, retrievalShare: Double, coverage: Double) -> [Double] {
        [Foundation.log(max(reader, floor)), Foundation.log(max(retrievalShare, floor)), Foundation.log(max(coverage, floor)), 1]
    }

    var weights: [Double] { [readerWeight, retrievalWeight, coverageWeight, bias] }

    init(weights w: [Double]) { self.init(readerWeight: w[0], retrievalWeight: w[1], coverageWeight: w[2], bias: w[3]) }

    /// The span's probability of being the answer, in (0, 1).
    public func score(reader: Double, retrievalShare: Double, coverage: Double = 1) -> Double {
        Self.sigmoid(logit(Example(reader: reader, retrievalShare: retrievalShare, coverage: coverage, correct: false)))
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// One candidate span of a calibration question: its reader probability, its passage's
    /// retrieval share and coverage, and whether it is a right answer.
    public struct Example: Codable, Equatable, Sendable {
        public var reader: Double
        public var retrievalShare: Double
        public var coverage: Double
        public var correct: Bool
        public init(reader: Double, retrievalShare: Double, coverage: Double = 1, correct: Bool) {
            self.reader = reader
            self.retrievalShare = retrievalShare
            self.coverage = coverage
            self.correct = correct
        }
        var features: [Double] { DocumentScoring.features(reader: reader, retrievalShare: retrievalShare, coverage: coverage) }
    }

    /// Fits the scoring to calibration questions, each a list of its candidate spans:
    /// 1. the ranking: logistic regression of `correct` on the features over every candidate;
    /// 2. the probability: the answer a question would get is its best candidate, which is right
    ///    more often than a candidate of the same logit on average, so a one-feature logistic fit
    ///    (Platt scaling) of the chosen answers' correctness on their logit rescales the weights
    ///    (a > 0: the ranking is unchanged) so that the score is P(the chosen answer is right).
    public static func fit(questions: [[Example]], l2: Double = 1e-3) -> DocumentScoring {
        let ranking = fit(questions.flatMap { $0 }, l2: l2)
        let chosen = questions.compactMap { candidates in
            candidates.max { ranking.logit($0) < ranking.logit($1) }
        }
        guard !chosen.isEmpty else { return ranking }
        let (scale, shift) = logistic(chosen.map { [ranking.logit($0), 1] }, chosen.map { $0.correct ? 1 : 0 }, penalized: [l2, 0])
        guard scale > 0 else { return ranking }
        var weights = ranking.weights.map { scale * $0 }
        weights[3] += shift
        return DocumentScoring(weights: weights)
    }

    /// w·x of an example.
    func logit(_ e: Example) -> Double { zip(weights, e.features).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Logistic regression of `correct` on the features by Newton's method (a small L2 penalty
    /// keeps it finite when the classes separate). Deterministic.
    public static func fit(_ examples: [Example], l2: Double = 1e-3) -> DocumentScoring {
        guard !examples.isEmpty else { return DocumentScoring() }
        let w = logisticWeights(examples.map(\.features), examples.map { $0.correct ? 1.0 : 0.0 }, penalized: [l2, l2, l2, 0], start: [1, 1, 0, 0])
        return DocumentScoring(weights: w)
    }

    static func logistic(_ xs: [[Double]], _ ys: [Double], penalized: [Double]) -> (Double, Double) {
        let w = logisticWeights(xs, ys, penalized: penalized, start: [1, 0])
        return (w[0], w[1])
    }

    /// Newton's method for logistic regression with per-weight L2 penalties (× the example count).
    static func logisticWeights(_ xs: [[Double]], _ ys: [Double], penalized: [Double], start: [Double], iterations: Int = 50) -> [Double] {
        let d = start.count
        var w = start
        let n = Double(xs.count)
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: d)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            for (x, y) in zip(xs, ys) {
                var z = 0.0
                for i in 0..<d { z += x[i] * w[i] }
                let p = sigmoid(z)
                for i in 0..<d {
                    gradient[i] += (p - y) * x[i]
                    for j in 0..<d { hessian[i][j] += p * (1 - p) * x[i] * x[j] }
                }
            }
            for i in 0..<d { gradient[i] += penalized[i] * n * w[i]; hessian[i][i] += penalized[i] * n + 1e-9 }
            guard let step = solve(hessian, gradient) else { break }
            for i in 0..<d { w[i] -= step[i] }
            if step.map(abs).max()! < 1e-10 { break }
        }
        return w
    }

    /// x with a·x = b (Gauss–Jordan elimination with partial pivoting), nil when a is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let d = b.count
        var m = a.enumerated().map { $1 + [b[$0]] }
        for c in 0..<d {
            let pivot = (c..<d).max { abs(m[$0][c]) < abs(m[$1][c]) }!
            guard abs(m[pivot][c]) > 1e-300 else { return nil }
            m.swapAt(c, pivot)
            for r in 0..<d where r != c {
                let f = m[r][c] / m[c][c]
                for k in c...d { m[r][k] -= f * m[c][k] }
            }
        }
        return (0..<d).map { m[$0][d] / m[$0][$0] }
    }
}
