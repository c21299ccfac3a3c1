import Foundation
import Hangul

/// Retrieval evaluation: which indexed entry each query should find, and how well search does.
public enum FAQEvaluation {
    /// A query and the id of the entry (its position in `indexed`) it should find.
    public struct Query: Sendable {
        public var text: String
        public var target: Int
    }

    public struct Split: Sendable {
        public var indexed: [FAQRow]
        public var queries: [Query]
    }

    /// ParaKQC v1 (`topic<TAB>intent<TAB>sentence`, 10 consecutive lines per paraphrase set):
    /// the first sentence of each set is indexed, the other nine are the queries.
    public static func paraKQC(path: String, sets: Range<Int>? = nil) throws -> Split {
        let data = try InputFile.contents(path) { FAQError.cannotRead(path: path, reason: $0) }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).last.map(String.init) ?? "" }
        guard lines.count >= 10, lines.count % 10 == 0 else {
            throw FAQError.malformedJSON(path: path, reason: "expected sets of 10 lines, found \(lines.count) lines")
        }
        var split = Split(indexed: [], queries: [])
        for set in (sets ?? 0..<(lines.count / 10)).clamped(to: 0..<(lines.count / 10)) {
            let target = split.indexed.count
            split.indexed.append(FAQRow(question: lines[set * 10], answer: "paraKQC set \(set)"))
            for k in 1..<10 { split.queries.append(Query(text: lines[set * 10 + k], target: target)) }
        }
        return split
    }

    /// ChatbotData questions that share an answer: per answer, the first question is indexed and
    /// the others are queries; questions with an answer of their own are indexed as distractors.
    /// ParaKQC's held-out sets (801–1000): the sentence encoder never trains on them.
    public static let paraKQCHeldOutSets = 800..<1000

    /// Which half of ChatbotData's answer groups an answer belongs to: 0 is the calibration /
    /// training half, 1 the test half (only ever queried, never trained or calibrated on).
    /// FNV-1a of the answer's UTF-8, so the split is fixed and needs no file.
    public static func answerHalf(_ answer: String) -> Int {
        Int(FNV1a.hash(answer.utf8) & 1)
    }

    /// `sharedAnswers` with only the queries of one half of the answer groups (every row is
    /// still indexed, as distractors).
    public static func sharedAnswers(_ rows: [FAQRow], half: Int) -> Split {
        var split = sharedAnswers(rows)
        split.queries = split.queries.filter { answerHalf(split.indexed[$0.target].answer) == half }
        return split
    }

    public static func sharedAnswers(_ rows: [FAQRow]) -> Split {
        var firstIndex: [String: Int] = [:]
        var split = Split(indexed: [], queries: [])
        for row in rows {
            if let target = firstIndex[row.answer] {
                split.queries.append(Query(text: row.question, target: target))
            } else {
                firstIndex[row.answer] = split.indexed.count
                split.indexed.append(row)
            }
        }
        return split
    }

    public struct Metrics: Sendable {
        public var queries: Int
        public var recallAt1: Double
        public var recallAt5: Double
        /// Mean reciprocal rank over the top 10.
        public var mrr: Double
        public var latencyP50Milliseconds: Double
        public var latencyP95Milliseconds: Double
    }

    /// Indexes `split.indexed` into a fresh in-memory store and runs every query in `mode`
    /// (dense and hybrid embed the entries with `embedder` first).
    public static func run(_ split: Split, mode: SearchMode = .lexical, embedder: (any SentenceEmbedder)? = nil,
                           fusion: HybridFusion = FAQStore.defaultFusion) throws -> Metrics {
        let store = try evaluationStore(split.indexed, source: "evaluation", embedder: mode != .lexical ? embedder : nil)
        store.hybridFusion = fusion
        return try run(split, store: store, mode: mode, embedder: embedder)
    }

    /// A fresh in-memory store of `rows`, embedded with `embedder` when one is given.
    static func evaluationStore(_ rows: [FAQRow], source: String, embedder: (any SentenceEmbedder)?) throws -> FAQStore {
        let store = try FAQStore(path: ":memory:")
        try store.importRows(rows, source: source)
        if let embedder { try store.updateVectors(using: embedder) }
        return store
    }

    /// The blend weight of best R@1 on `split` (a validation split: ChatbotData's calibration
    /// half), over 0.0, 0.1 … 1.0, with every weight's R@1.
    public static func calibrateBlend(_ split: Split, embedder: any SentenceEmbedder) throws -> (best: Double, curve: [(weight: Double, recallAt1: Double)]) {
        let store = try evaluationStore(split.indexed, source: "evaluation", embedder: embedder)
        var curve: [(weight: Double, recallAt1: Double)] = []
        for step in 0...10 {
            store.hybridFusion = .blend(lexicalWeight: Double(step) / 10)
            curve.append((Double(step) / 10, try run(split, store: store, mode: .hybrid, embedder: embedder).recallAt1))
        }
        return (curve.reduce(curve[0]) { $1.recallAt1 > $0.recallAt1 ? $1 : $0 }.weight, curve)
    }

    static func run(_ split: Split, store: FAQStore, mode: SearchMode, embedder: (any SentenceEmbedder)?) throws -> Metrics {
        // Entry ids follow insertion order: id - 1 is the position in split.indexed. Questions
        // repeated in the data are kept apart (see importRows), so positions stay aligned.
        var hits1 = 0, hits5 = 0
        var reciprocal = 0.0
        var latencies: [Double] = []
        for query in split.queries {
            let started = DispatchTime.now().uptimeNanoseconds
            let results = try store.search(query.text, limit: 10, mode: mode, embedder: embedder)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            if let rank = results.firstIndex(where: { Int($0.id) - 1 == query.target }) {
                if rank == 0 { hits1 += 1 }
                if rank < 5 { hits5 += 1 }
                reciprocal += 1 / Double(rank + 1)
            }
        }
        latencies.sort()
        let n = Double(max(split.queries.count, 1))
        return Metrics(queries: split.queries.count, recallAt1: Double(hits1) / n, recallAt5: Double(hits5) / n,
                       mrr: reciprocal / n, latencyP50Milliseconds: latencies.isEmpty ? 0 : latencies[latencies.count / 2],
                       latencyP95Milliseconds: latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, latencies.count * 95 / 100)])
    }

    /// Query latency against an index of `rows` (all of them): p50 and p95 over `queries`.
    /// In `mode`, the time includes encoding the query.
    public static func latency(indexing rows: [FAQRow], queries: [String], mode: SearchMode = .lexical,
                               embedder: (any SentenceEmbedder)? = nil) throws -> (entries: Int, p50: Double, p95: Double) {
        let store = try evaluationStore(rows, source: "latency", embedder: mode != .lexical ? embedder : nil)
        _ = try store.search(queries.first ?? "", limit: 5, mode: mode, embedder: embedder)  // the index is built once, before timing
        var latencies: [Double] = []
        for query in queries {
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try store.search(query, limit: 5, mode: mode, embedder: embedder)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        latencies.sort()
        return (try store.count(), latencies[latencies.count / 2], latencies[min(latencies.count - 1, latencies.count * 95 / 100)])
    }
}
