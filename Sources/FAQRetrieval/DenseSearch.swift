import COpenBLAS
import Foundation
import GRDB

/// Turns texts into unit-length sentence vectors (the shared encoder's sentence model). The
/// index stores `modelID` beside each vector, so vectors of different models are never mixed.
public protocol SentenceEmbedder: Sendable {
    /// Identifies the model (and its weights): vectors are comparable only within one id.
    var modelID: String { get }
    /// Unit-length vectors, one per text, all of one dimension.
    func vectors(_ texts: [String]) -> [[Float]]
}

/// How hybrid search merges the lexical and the dense ranking.
public enum HybridFusion: Codable, Equatable, Sendable {
    /// Reciprocal-rank fusion of the two top-50 lists (no scores involved).
    case reciprocalRank
    /// lexicalWeight · BM25 / (the query's best BM25) + (1 − lexicalWeight) · cosine, over the
    /// union of the two top-50 lists; the weight calibrated on a validation split
    /// (`FAQEvaluation.calibrateBlend`).
    case blend(lexicalWeight: Double)
}

/// How the index is searched.
public enum SearchMode: String, Codable, Sendable, CaseIterable {
    /// BM25 over syllable, syllable-pair and jamo terms.
    case lexical
    /// Cosine of sentence vectors (every entry's, brute force).
    case dense
    /// Both rankings fused by reciprocal rank.
    case hybrid
}

extension FAQStore {
    /// Embeds every entry that has no vector of `embedder`'s model, or whose question changed
    /// since its vector was made; one transaction. Returns how many were embedded.
    @discardableResult
    public func updateVectors(using embedder: any SentenceEmbedder, batchSize: Int = 256,
                              progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        let model = embedder.modelID
        let pending = try wrap {
            try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT e.id, e.question FROM entry e LEFT JOIN entry_vector v ON v.entry_id = e.id
                    WHERE v.entry_id IS NULL OR v.model != ? OR v.question != e.question ORDER BY e.id
                    """, arguments: [model]).map { ($0[0] as Int64, $0[1] as String) }
            }
        }
        guard !pending.isEmpty else { return 0 }
        var rows: [(Int64, String, Data)] = []
        for start in stride(from: 0, to: pending.count, by: batchSize) {
            let batch = Array(pending[start..<min(start + batchSize, pending.count)])
            for ((id, question), vector) in zip(batch, embedder.vectors(batch.map(\.1))) {
                rows.append((id, question, vector.withUnsafeBufferPointer { Data(buffer: $0) }))
            }
            progress(min(start + batchSize, pending.count), pending.count)
        }
        try wrap {
            try writer.write { db in
                let statement = try db.makeStatement(sql: "INSERT OR REPLACE INTO entry_vector (entry_id, model, vector, question) VALUES (?, ?, ?, ?)")
                for (id, question, blob) in rows { try statement.execute(arguments: [id, model, blob, question]) }
                // Vectors of another model cannot be compared with these: gone.
                try db.execute(sql: "DELETE FROM entry_vector WHERE model != ?", arguments: [model])
                try db.execute(sql: "UPDATE index_state SET generation = generation + 1")
            }
        }
        return rows.count
    }

    /// How many entries have a current vector of `model`, and how many entries there are.
    public func vectorCoverage(model: String) throws -> (withVector: Int, entries: Int) {
        let table = try vectorTable(model: model)
        return (table.ids.count, table.ids.count + table.missing)
    }

    /// The best `limit` entries for `query` in `mode`. Dense and hybrid need `embedder`, and every
    /// entry must have its vector (`updateVectors`): an index embedded by another model, or not
    /// at all, is refused rather than searched half.
    public func search(_ query: String, limit: Int, mode: SearchMode, embedder: (any SentenceEmbedder)?) throws -> [FAQResult] {
        guard mode != .lexical else { return try search(query, limit: limit) }
        guard let embedder else { throw FAQError.database(path: path, message: "\(mode.rawValue) search needs a sentence encoder") }
        let table = try vectorTable(model: embedder.modelID)
        guard table.missing == 0 else { throw FAQError.vectorsMissing(path: path, model: embedder.modelID, missing: table.missing) }
        guard let queryVector = embedder.vectors([query]).first, !table.ids.isEmpty else { return [] }
        guard table.dimension == queryVector.count else {
            throw FAQError.database(path: path, message: "the index's vectors have \(table.dimension) dimensions, the encoder's \(queryVector.count)")
        }
        let cosines = table.cosines(queryVector)
        let terms = SearchTerms(query)
        return try wrap {
            try writer.read { db in
                let ranked: [(id: Int64, score: Double)]
                if mode == .dense {
                    ranked = table.top(cosines, limit).map { (table.ids[$0], Double(cosines[$0])) }
                } else {
                    let candidates = max(limit, Self.fusionCandidates)
                    let lexical = terms.isEmpty ? [] : try lexicalRanking(db, terms, limit: candidates)
                    let dense = table.top(cosines, candidates).map { table.ids[$0] }
                    switch hybridFusion {
                    case .reciprocalRank:
                        ranked = Array(RankFusion.reciprocalRank([lexical.map(\.id), dense]).prefix(limit))
                    case .blend(let weight):
                        let best = lexical.first?.score ?? 0
                        var lexicalScore: [Int64: Double] = [:]
                        for (id, score) in lexical { lexicalScore[id] = best > 0 ? score / best : 0 }
                        var seen = Set<Int64>()
                        let union = (lexical.map(\.id) + dense).filter { seen.insert($0).inserted }
                        var blended: [(id: Int64, score: Double)] = []
                        for id in union {
                            let cosine: Double = table.row[id].map { Double(cosines[$0]) } ?? 0
                            let lexicalPart: Double = weight * (lexicalScore[id] ?? 0)
                            blended.append((id, lexicalPart + (1 - weight) * cosine))
                        }
                        blended.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
                        ranked = Array(blended.prefix(limit))
                    }
                }
                return try results(db, ranked, querySet: terms.overlapSet, similarity: { table.row[$0].map { Double(cosines[$0]) } })
            }
        }
    }

    /// An entry with its stored sentence vector (for maps of the index).
    public struct EntryVector: Sendable {
        public var question: String
        public var category: String?
        public var source: String
        public var vector: [Float]
    }

    /// The first `limit` entries (by id) that have a current vector of `modelID`.
    public func entryVectors(modelID: String, limit: Int) throws -> [EntryVector] {
        let table = try vectorTable(model: modelID)
        return try wrap {
            try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT e.id, e.question, e.category, e.source FROM entry e JOIN entry_vector v ON v.entry_id = e.id
                    WHERE v.model = ? AND v.question = e.question ORDER BY e.id LIMIT ?
                    """, arguments: [modelID, limit]).compactMap { row in
                    guard let r = table.row[row[0] as Int64] else { return nil }
                    let d = table.dimension
                    return EntryVector(question: row[1], category: row[2], source: row[3], vector: Array(table.matrix[(r * d)..<((r + 1) * d)]))
                }
            }
        }
    }

    /// Candidates each ranking contributes to the fusion.
    public static let fusionCandidates = 50
}

/// Every vector of one model, in one matrix, and how many entries lack a current one.
struct VectorTable {
    var ids: [Int64] = []
    /// [ids.count, dimension] row-major.
    var matrix: [Float] = []
    var dimension = 0
    /// The row of each id.
    var row: [Int64: Int] = [:]
    /// Entries with no vector of the model, or one made from another question.
    var missing = 0

    /// The cosine of `vector` (unit length) with every row: one matrix-vector product.
    func cosines(_ vector: [Float]) -> [Float] {
        var scores = [Float](repeating: 0, count: ids.count)
        matrix.withUnsafeBufferPointer { m in
            vector.withUnsafeBufferPointer { v in
                scores.withUnsafeMutableBufferPointer { s in
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(ids.count), Int32(dimension), 1, m.baseAddress!, Int32(dimension),
                                v.baseAddress!, 1, 0, s.baseAddress!, 1)
                }
            }
        }
        return scores
    }

    /// The rows of the `k` best scores, best first (ties: the smaller id first).
    func top(_ scores: [Float], _ k: Int) -> [Int] {
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        func before(_ a: Int, _ b: Int) -> Bool { scores[a] != scores[b] ? scores[a] > scores[b] : ids[a] < ids[b] }
        for i in scores.indices {
            if best.count == k, let last = best.last, !before(i, last) { continue }
            var j = best.count
            while j > 0 && before(i, best[j - 1]) { j -= 1 }
            best.insert(i, at: j)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}

extension FAQStore {
    /// The vectors of `model`, read once per index generation.
    func vectorTable(model: String) throws -> VectorTable {
        try wrap {
            try writer.read { db in
                let generation = try Int64.fetchOne(db, sql: "SELECT generation FROM index_state") ?? 0
                vectorCacheLock.lock()
                defer { vectorCacheLock.unlock() }
                if let cached = vectorCache, cached.generation == generation, cached.model == model { return cached.table }
                var table = VectorTable()
                let rows = try Row.fetchAll(db, sql: """
                    SELECT e.id, v.vector FROM entry e LEFT JOIN entry_vector v ON v.entry_id = e.id AND v.model = ? AND v.question = e.question
                    ORDER BY e.id
                    """, arguments: [model])
                for row in rows {
                    guard let blob = row[1] as Data? else { table.missing += 1; continue }
                    let count = blob.count / MemoryLayout<Float>.size
                    if table.dimension == 0 { table.dimension = count }
                    guard count == table.dimension else { table.missing += 1; continue }
                    table.row[row[0]] = table.ids.count
                    table.ids.append(row[0])
                    blob.withUnsafeBytes { table.matrix.append(contentsOf: $0.bindMemory(to: Float.self)) }
                }
                vectorCache = (generation, model, table)
                return table
            }
        }
    }
}
