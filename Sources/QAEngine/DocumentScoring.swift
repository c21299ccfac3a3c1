import Foundation

/// How a span read from one of several retrieved passages is scored so that spans of different
/// passages (and of different questions) compare: a logistic model of "this span is the answer"
///
///     P = σ(readerWeight · ln P_reader + retrievalWeight · ln share + bias)
///
/// where P_reader is the reader's P(start)·P(end) within its passage (the reader is confident
/// in almost any passage, so it cannot rank passages alone) and share is the passage's BM25 as
/// a share of the best retrieved passage's. Within one question the ranking is that of
/// P_reader · share^(retrievalWeight / readerWeight). The weights are fitted (`fit`) on
/// open-domain questions the reader never trained on (`korqa eval open-qa --calibrate`); the
/// defaults are that fit (docs/documents.md).
public struct DocumentScoring: Codable, Equatable, Sendable {
    public var readerWeight: Double
    public var retrievalWeight: Double
    public var bias: Double

    public init(readerWeight: Double = 1, retrievalWeight: Double = 1, bias: Double = 0) {
        self.readerWeight = readerWeight
        self.retrievalWeight = retrievalWeight
        self.bias = bias
    }

    /// Probabilities are floored so that a zero (an empty share, an underflowed reader
    /// probability) gives a very low score instead of −∞.
    static let floor = 1e-6

    /// The features of one candidate span: ln P_reader, ln share.
    static func features(reader: Double, retrievalShare: Double) -> (Double, Double) {
        (Foundation.log(max(reader, floor)), Foundation.log(max(retrievalShare, floor)))
    }

    /// The span's probability of being the answer, in (0, 1). `rank`: its passage's retrieval
    /// rank (0 = best), kept for scorers that use it.
    public func score(reader: Double, retrievalShare: Double, rank: Int = 0) -> Double {
        let (r, s) = Self.features(reader: reader, retrievalShare: retrievalShare)
        return Self.sigmoid(readerWeight * r + retrievalWeight * s + bias)
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// One candidate span of a calibration question: its reader probability, its passage's
    /// retrieval share, and whether it is a right answer.
    public struct Example: Codable, Equatable, Sendable {
        public var reader: Double
        public var retrievalShare: Double
        public var correct: Bool
        public init(reader: Double, retrievalShare: Double, correct: Bool) {
            self.reader = reader
            self.retrievalShare = retrievalShare
            self.correct = correct
        }
    }

    /// Logistic regression of `correct` on the two features by Newton's method (a 3×3 system per
    /// step; a small L2 penalty keeps it finite when the classes separate). Deterministic.
    public static func fit(_ examples: [Example], l2: Double = 1e-3, iterations: Int = 50) -> DocumentScoring {
        var w = [1.0, 1.0, 0.0]
        guard !examples.isEmpty else { return DocumentScoring() }
        let xs = examples.map { e -> [Double] in
            let (r, s) = features(reader: e.reader, retrievalShare: e.retrievalShare)
            return [r, s, 1]
        }
        let ys = examples.map { $0.correct ? 1.0 : 0.0 }
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: 3)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: 3), count: 3)
            for (x, y) in zip(xs, ys) {
                let p = sigmoid(x[0] * w[0] + x[1] * w[1] + x[2] * w[2])
                for i in 0..<3 {
                    gradient[i] += (p - y) * x[i]
                    for j in 0..<3 { hessian[i][j] += p * (1 - p) * x[i] * x[j] }
                }
            }
            let n = Double(xs.count)
            for i in 0..<2 { gradient[i] += l2 * n * w[i]; hessian[i][i] += l2 * n }
            for i in 0..<3 { hessian[i][i] += 1e-9 }
            guard let step = solve3(hessian, gradient) else { break }
            for i in 0..<3 { w[i] -= step[i] }
            if step.map(abs).max()! < 1e-10 { break }
        }
        return DocumentScoring(readerWeight: w[0], retrievalWeight: w[1], bias: w[2])
    }

    /// x with a·x = b (Gaussian elimination with partial pivoting), nil when a is singular.
    static func solve3(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a.enumerated().map { $1 + [b[$0]] }
        for c in 0..<3 {
            let pivot = (c..<3).max { abs(m[$0][c]) < abs(m[$1][c]) }!
            guard abs(m[pivot][c]) > 1e-300 else { return nil }
            m.swapAt(c, pivot)
            for r in 0..<3 where r != c {
                let f = m[r][c] / m[c][c]
                for k in c..<4 { m[r][k] -= f * m[c][k] }
            }
        }
        return (0..<3).map { m[$0][3] / m[$0][$0] }
    }
}
