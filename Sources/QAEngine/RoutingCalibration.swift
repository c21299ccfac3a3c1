import FAQRetrieval
import Foundation
import IntentClassifier

/// Calibrating `RoutingPolicy`'s thresholds on labelled data instead of guessing them, and
/// scoring the policy on a routing table.
public enum RoutingCalibration {
    /// One threshold's outcome: the share of in-scope queries answered correctly (confidence ≥
    /// threshold and the top entry right) and of out-of-scope queries refused (confidence <
    /// threshold); `balanced` is their mean.
    public struct Point: Codable, Equatable, Sendable {
        public var threshold: Double
        public var inScopeAnswered: Double
        public var outOfScopeRefused: Double
        public var balanced: Double
    }

    /// A query whose answer is in the index: the top match's confidence and whether it is right.
    public struct InScope: Sendable {
        public var confidence: Double
        public var correct: Bool
        public init(confidence: Double, correct: Bool) { self.confidence = confidence; self.correct = correct }
    }

    /// Every threshold 0.00, 0.01 … 1.00.
    public static func sweep(inScope: [InScope], outOfScope: [Double]) -> [Point] {
        (0...100).map { step in
            let t = Double(step) / 100
            let answered = Double(inScope.filter { $0.correct && $0.confidence >= t }.count) / Double(max(inScope.count, 1))
            let refused = Double(outOfScope.filter { $0 < t }.count) / Double(max(outOfScope.count, 1))
            return Point(threshold: t, inScopeAnswered: answered, outOfScopeRefused: refused, balanced: (answered + refused) / 2)
        }
    }

    /// The point of best balanced accuracy (the lowest threshold among ties).
    public static func best(_ points: [Point]) -> Point {
        points.reduce(points[0]) { $1.balanced > $0.balanced + 1e-12 ? $1 : $0 }
    }


    /// Small-talk data for calibration: for every answer group of `rows` with two or more
    /// questions, the first question is indexed and, in the calibration half, the others are
    /// queries; every other row is indexed as a distractor.
    public static func smalltalkSplit(_ rows: [FAQRow]) -> (indexed: [FAQRow], queries: [(text: String, answer: String)]) {
        let split = FAQEvaluation.sharedAnswers(rows, half: 0)
        return (split.indexed, split.queries.map { ($0.text, split.indexed[$0.target].answer) })
    }

    /// The calibration of both thresholds.
    public struct Report: Codable, Sendable {
        public var answer: Point
        public var answerCurve: [Point]
        public var inScopeQueries: Int
        public var outOfScopeQueries: Int
        public var command: Point
        public var commandCurve: [Point]
        public var smalltalkCommands: Int
        public var otherCommands: Int
        /// With sentence vectors: the cosine threshold of the dense top match, calibrated on the
        /// same queries (`RoutingPolicy.similarityThreshold`).
        public var similarity: Point?
        public var similarityCurve: [Point]?
    }

    /// Calibrates the answer threshold (small-talk questions with an answer in the index against
    /// `outOfScope` questions) and the command threshold (those small-talk questions the intent
    /// model calls commands against `commands`, requests small talk cannot answer).
    public static func calibrate(smalltalk rows: [FAQRow], outOfScope: [String], commands: [String], classifier: IntentClassifier,
                                 commandIntents: [String] = RoutingPolicy().commandIntents,
                                 embedder: (any SentenceEmbedder)? = nil) throws -> Report {
        let (indexed, queries) = smalltalkSplit(rows)
        let store = try FAQStore(path: ":memory:")
        try store.importRows(indexed, source: "calibration")
        var similarity: Point?, similarityCurve: [Point]?
        if let embedder {
            try store.updateVectors(using: embedder)
            func dense(_ text: String) throws -> FAQResult? { try store.search(text, limit: 1, mode: .dense, embedder: embedder).first }
            var inScope: [InScope] = []
            for q in queries {
                let best = try dense(q.text)
                inScope.append(InScope(confidence: best?.similarity ?? 0, correct: best?.answer == q.answer))
            }
            let curve = sweep(inScope: inScope, outOfScope: try outOfScope.map { try dense($0)?.similarity ?? 0 })
            similarity = best(curve)
            similarityCurve = curve
        }
        func top(_ text: String) throws -> FAQResult? { try store.search(text, limit: 1).first }
        var inScope: [InScope] = []
        for q in queries {
            let best = try top(q.text)
            inScope.append(InScope(confidence: best?.confidence ?? 0, correct: best?.answer == q.answer))
        }
        let outScores = try outOfScope.map { try top($0)?.confidence ?? 0 }
        let answerCurve = sweep(inScope: inScope, outOfScope: outScores)

        let intents = classifier.classify(queries.map(\.text))
        let commandInScope = zip(inScope, intents).filter { commandIntents.contains($0.1.name) }.map(\.0)
        let commandScores = try commands.map { try top($0)?.confidence ?? 0 }
        let commandCurve = sweep(inScope: commandInScope, outOfScope: commandScores)
        return Report(answer: best(answerCurve), answerCurve: answerCurve, inScopeQueries: inScope.count, outOfScopeQueries: outScores.count,
                      command: best(commandCurve), commandCurve: commandCurve, smalltalkCommands: commandInScope.count,
                      otherCommands: commandScores.count, similarity: similarity, similarityCurve: similarityCurve)
    }

    // MARK: Routing tables

    /// One row of a routing table: a line, the route it must take, and optionally a passage
    /// set before it.
    public struct TableRow: Codable, Equatable, Sendable {
        public var text: String
        public var expected: Route
        public var passage: String?
    }

    /// A routing table: TSV lines `route<TAB>utterance[<TAB>passage]`; `#` starts a comment.
    public static func parseTable(_ text: String, path: String) throws -> [TableRow] {
        var rows: [TableRow] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, let route = Route(rawValue: fields[0]) else {
                throw QAEngineError.badTable(path: path, line: n + 1,
                                             reason: "expected route<TAB>utterance[<TAB>passage] with a route among \(Route.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rows.append(TableRow(text: fields[1], expected: route, passage: fields.count > 2 && !fields[2].isEmpty ? fields[2] : nil))
        }
        return rows
    }

    /// Each row's reply beside what was expected.
    public struct TableResult: Codable, Sendable {
        public var rows: [Row]
        public var correct: Int
        public var accuracy: Double
        public struct Row: Codable, Sendable {
            public var text: String
            public var expected: Route
            public var route: Route
            public var reason: RouteReason
            public var intent: IntentLabel?
            public var scores: RouteScores
        }
    }

    /// Routes every row with `engine` (a fresh conversation state per row).
    public static func run(_ table: [TableRow], engine: Engine) throws -> TableResult {
        var rows: [TableResult.Row] = []
        for row in table {
            let reply = try engine.reply(to: row.text, passage: row.passage)
            rows.append(.init(text: row.text, expected: row.expected, route: reply.route, reason: reply.reason, intent: reply.intent, scores: reply.scores))
        }
        let correct = rows.filter { $0.route == $0.expected }.count
        return TableResult(rows: rows, correct: correct, accuracy: Double(correct) / Double(max(rows.count, 1)))
    }
}
