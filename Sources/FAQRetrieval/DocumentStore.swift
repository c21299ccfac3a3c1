import Foundation
import GRDB
import Hangul

/// What a document import changed.
public struct DocumentImportSummary: Equatable, Sendable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var removed = 0
    public var passages = 0
}

/// A passage that matched, with where it is.
public struct PassageResult: Codable, Equatable, Sendable {
    public var passageID: Int64
    public var title: String
    public var path: String
    /// [start, end) code points into the document's text.
    public var start: Int
    public var end: Int
    public var text: String
    public var score: Double
    /// 0...1: how much of the question the passage holds — the IDF mass (Lucene's IDF, column
    /// weights) of the question's terms found in it over that of all of them (a term no passage
    /// holds counts at the highest IDF).
    /// Unlike `score`, comparable across questions: a question about something the collection
    /// does not hold covers little of any passage. 1 when the index has no statistics or fewer
    /// than `FAQStore.coverageFrom` passages.
    public var coverage: Double = 1
}

/// A document of the collection, as `korqa documents list` shows it.
public struct DocumentInfo: Codable, Equatable, Sendable {
    public var path: String
    public var part: Int
    public var title: String
    public var passages: Int
}

extension FAQStore {
    /// Imports documents cut into passages, mirroring their files: for every file of the import,
    /// documents whose text changed are replaced, new ones added, ones no longer in the file
    /// removed; other files' documents stay. One transaction: a failure or a kill leaves the
    /// index as it was.
    @discardableResult
    public func importDocuments(_ items: [DocumentPassages], progress: (Int, Int) -> Void = { _, _ in }) throws -> DocumentImportSummary {
        var summary = DocumentImportSummary()
        try wrap {
            try writer.write { db in
                let paths = Set(items.map(\.document.path))
                var existing: [String: [Int: (id: Int64, text: String)]] = [:]
                for path in paths {
                    for row in try Row.fetchAll(db, sql: "SELECT id, part, text FROM document WHERE path = ?", arguments: [path]) {
                        existing[path, default: [:]][row[1] as Int] = (row[0], row[2])
                    }
                }
                var kept = Set<Int64>()
                let insertDocument = try db.makeStatement(sql: "INSERT INTO document (path, part, title, text) VALUES (?, ?, ?, ?)")
                let insertPassage = try db.makeStatement(sql: "INSERT INTO passage (document_id, start, end, text) VALUES (?, ?, ?, ?)")
                let insertTerms = try db.makeStatement(sql: "INSERT INTO passage_search (rowid, unigrams, bigrams, jamo) VALUES (?, ?, ?, ?)")
                for (done, item) in items.enumerated() {
                    if done % 256 == 0 { progress(done, items.count) }
                    let doc = item.document
                    if let old = existing[doc.path]?[doc.part] {
                        if old.text == doc.text {
                            kept.insert(old.id)
                            summary.unchanged += 1
                            continue
                        }
                        try Self.deleteDocument(db, old.id)
                        kept.insert(old.id)  // handled: replaced below, not "no longer in the file"
                        summary.updated += 1
                    } else {
                        summary.added += 1
                    }
                    try insertDocument.execute(arguments: [doc.path, doc.part, doc.title, doc.text])
                    let documentID = db.lastInsertedRowID
                    kept.insert(documentID)
                    for p in item.passages {
                        try insertPassage.execute(arguments: [documentID, p.start, p.end, p.text])
                        let terms = SearchTerms(doc.title + "\n" + p.text).columnTexts
                        try insertTerms.execute(arguments: [db.lastInsertedRowID, terms.0, terms.1, terms.2])
                        summary.passages += 1
                    }
                }
                // Documents of these files that the files no longer hold.
                for (_, parts) in existing {
                    for (_, old) in parts where !kept.contains(old.id) {
                        try Self.deleteDocument(db, old.id)
                        summary.removed += 1
                    }
                }
                if summary.added + summary.updated + summary.removed > 0 { try Self.refreshPassageStatistics(db) }
                try db.execute(sql: "UPDATE index_state SET generation = generation + 1")
                progress(items.count, items.count)
            }
        }
        return summary
    }

    /// Removes every document read from `path` (a file, or every file under a folder); returns
    /// how many documents were removed.
    @discardableResult
    public func removeDocuments(path: String) throws -> Int {
        try wrap {
            try writer.write { db in
                let ids = try Int64.fetchAll(db, sql: "SELECT id FROM document WHERE path = ? OR path LIKE ? ESCAPE '\\'",
                                             arguments: [path, Self.likePrefix(path) + "/%"])
                for id in ids {
                    try Self.deleteDocument(db, id)
                }
                if !ids.isEmpty {
                    try Self.refreshPassageStatistics(db)
                    try db.execute(sql: "UPDATE index_state SET generation = generation + 1")
                }
                return ids.count
            }
        }
    }

    /// A document, its passages and their terms.
    static func deleteDocument(_ db: Database, _ id: Int64) throws {
        try db.execute(sql: "DELETE FROM passage_search WHERE rowid IN (SELECT id FROM passage WHERE document_id = ?)", arguments: [id])
        try db.execute(sql: "DELETE FROM passage WHERE document_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM document WHERE id = ?", arguments: [id])
    }

    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// Every document, in path order, with its passage count.
    public func documents() throws -> [DocumentInfo] {
        try wrap {
            try writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT d.path, d.part, d.title, (SELECT COUNT(*) FROM passage p WHERE p.document_id = d.id)
                    FROM document d ORDER BY d.path, d.part
                    """).map { DocumentInfo(path: $0[0], part: $0[1], title: $0[2], passages: $0[3]) }
            }
        }
    }

    /// Rewrites the passages' BM25 statistics from FTS5's own vocabulary (one scan of the
    /// inverted index: ~3 s at 100k passages), inside the caller's write transaction.
    static func refreshPassageStatistics(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.passage_vocabulary USING fts5vocab(main, passage_search, 'col');
            DELETE FROM passage_term_stats;
            DELETE FROM passage_stats;
            INSERT INTO passage_term_stats (col, term, df)
              SELECT CASE col WHEN 'unigrams' THEN 0 WHEN 'bigrams' THEN 1 ELSE 2 END, term, doc FROM temp.passage_vocabulary;
            INSERT INTO passage_stats (id, passages, tokens)
              VALUES (1, (SELECT count(*) FROM passage), (SELECT coalesce(sum(cnt), 0) FROM temp.passage_vocabulary));
            """)
    }

    /// How many passages each search first takes from FTS5 (by the selective terms only)
    /// before ranking them exactly.
    public static let passageCandidates = 200

    /// The best `limit` passages for `query` by BM25 over the passages' terms (title included),
    /// the same formula and column weights as the FAQ's `SearchIndex`, from the on-disk index:
    /// nothing is rebuilt per process.
    ///
    /// FTS5 computing bm25() itself visits every passage sharing a single syllable with the
    /// query (most of them: 1.2 s a question at 100k passages). So above
    /// `exactPassageRankingUpTo` passages, FTS5 ranks by the selective terms alone (syllable pairs and
    /// whole Latin/number words) to find `passageCandidates` candidates, and those are scored
    /// exactly, all terms, in Swift, with the collection's statistics (`passage_term_stats`).
    /// The result equals FTS5's full ranking whenever the true best passages are among the
    /// candidates (a passage sharing no pair or word with the query rarely is: at 100k passages the
    /// top 20 were identical for 200 of 200 KorQuAD questions); a smaller collection, a query with
    /// no selective term or fewer candidates than `limit`, or an index without statistics, is
    /// ranked by FTS5 over all terms.
    public func searchPassages(_ query: String, limit: Int = 5) throws -> [PassageResult] {
        let terms = SearchTerms(query)
        guard limit > 0, let match = terms.matchExpression() else { return [] }
        let w = Self.columnWeights
        let weights = [w.unigrams, w.bigrams, w.jamo]
        return try wrap {
            try writer.read { db in
                // The collection's statistics (none: an index from before migration v4, read-only),
                // looked up per query term only when they are used: ranking candidates of a large
                // collection, or the coverage of a collection of `coverageFrom` passages or more.
                let ranking = try Row.fetchOne(db, sql: "SELECT passages, tokens FROM passage_stats WHERE id = 1")
                    .flatMap { stats -> PassageRanking? in
                        let passages: Int = stats[0]
                        guard passages > 0, passages > exactPassageRankingUpTo || passages >= coverageFrom else { return nil }
                        return try PassageRanking(terms: terms, db: db, passages: passages, tokens: stats[1], weights: weights)
                    }
                if let ranking, ranking.passages > exactPassageRankingUpTo, let selective = terms.selectiveMatchExpression() {
                    let candidates = try Row.fetchAll(db, sql: """
                        SELECT p.id, d.title, d.path, p.start, p.end, p.text FROM
                          (SELECT rowid AS id FROM passage_search WHERE passage_search MATCH ? ORDER BY bm25(passage_search, ?, ?, ?), rowid LIMIT ?) s
                        JOIN passage p ON p.id = s.id JOIN document d ON d.id = p.document_id
                        """, arguments: [selective, w.unigrams, w.bigrams, w.jamo, max(Self.passageCandidates, limit)])
                    // Fewer candidates than asked for: passages sharing only single syllables or
                    // jamo may belong in the answer, so FTS5 ranks them all (below).
                    if candidates.count >= limit {
                        let scored = candidates.map { row -> PassageResult in
                            let title: String = row[1], text: String = row[5]
                            let passageTerms = SearchTerms(title + "\n" + text)
                            return PassageResult(passageID: row[0], title: title, path: row[2], start: row[3], end: row[4], text: text,
                                                 score: ranking.score(passageTerms),
                                                 coverage: ranking.passages >= coverageFrom ? ranking.coverage(passageTerms) : 1)
                        }
                        return Array(scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.passageID < $1.passageID }.prefix(limit))
                    }
                }
                var results = try Row.fetchAll(db, sql: """
                    SELECT p.id, d.title, d.path, p.start, p.end, p.text, s.score FROM
                      (SELECT rowid AS id, -bm25(passage_search, ?, ?, ?) AS score FROM passage_search
                       WHERE passage_search MATCH ? ORDER BY bm25(passage_search, ?, ?, ?), rowid LIMIT ?) s
                    JOIN passage p ON p.id = s.id JOIN document d ON d.id = p.document_id
                    ORDER BY s.score DESC, p.id
                    """, arguments: [w.unigrams, w.bigrams, w.jamo, match, w.unigrams, w.bigrams, w.jamo, limit]).map {
                    PassageResult(passageID: $0[0], title: $0[1], path: $0[2], start: $0[3], end: $0[4], text: $0[5], score: $0[6])
                }
                if let ranking, ranking.passages >= coverageFrom {
                    for i in results.indices { results[i].coverage = ranking.coverage(SearchTerms(results[i].title + "\n" + results[i].text)) }
                }
                return results
            }
        }
    }
}

/// BM25 of one query against passages, with the collection's statistics: FTS5's bm25() formula
/// (`SearchIndex`), for the query's distinct terms (at most 48 per column, as FTS5 is asked).
/// Sums run in the query's term order, so a score is the same to the last bit in every process
/// (a Dictionary's order changes with each process's hash seed).
struct PassageRanking {
    /// Per column: the query's distinct terms that some passage holds, in query order, with their
    /// BM25 IDF and their coverage weight (column weight × Lucene's IDF).
    var held: [[(term: String, idf: Double, weight: Double)]] = [[], [], []]
    /// The same terms as sets, to count only them in a passage.
    var heldTerms: [Set<String>] = [[], [], []]
    /// The coverage weight of the query's terms no passage holds.
    var unheldWeight = 0.0
    var averageLength: Double
    var weights: [Double]
    /// Passages in the collection.
    var passages: Int

    init(terms: SearchTerms, db: Database, passages: Int, tokens: Int, weights: [Double]) throws {
        self.passages = passages
        let n = Double(passages)
        averageLength = max(Double(tokens) / max(n, 1), 1e-6)
        self.weights = weights
        let lookup = try db.cachedStatement(sql: "SELECT df FROM passage_term_stats WHERE col = ? AND term = ?")
        for (c, columnTerms) in terms.columns.enumerated() {
            for term in SearchTerms.distinct(columnTerms) {
                let df = try Int.fetchOne(lookup, arguments: [c, term]) ?? 0
                // Coverage weighs terms by Lucene's IDF, ln(1 + (N − n + 0.5) / (n + 0.5)): always
                // positive, so a small collection (where BM25's IDF is 0 for any term in half the
                // passages) still weighs them; a term no passage holds weighs the most.
                let weight = weights[c] * Foundation.log(1 + (n - Double(df) + 0.5) / (Double(df) + 0.5))
                guard df > 0 else {
                    unheldWeight += weight
                    continue
                }
                held[c].append((term, SearchIndex.idf(rows: n, holding: Double(df)), weight))
                heldTerms[c].insert(term)
            }
        }
    }

    /// 0...1: the weighted IDF of the query terms `row` holds over that of every query term.
    func coverage(_ row: SearchTerms) -> Double {
        var found = 0.0, total = unheldWeight
        for (c, columnTerms) in row.columns.enumerated() where !held[c].isEmpty {
            let present = Set(columnTerms.filter(heldTerms[c].contains))
            for query in held[c] {
                total += query.weight
                if present.contains(query.term) { found += query.weight }
            }
        }
        return total > 0 ? found / total : 0
    }

    func score(_ row: SearchTerms) -> Double {
        let columns = row.columns
        let length = Double(columns.reduce(0) { $0 + $1.count })
        let norm = SearchIndex.lengthNorm(length, average: averageLength)
        var score = 0.0
        for c in 0..<3 where !held[c].isEmpty {
            var counts: [String: Double] = [:]
            for term in columns[c] where heldTerms[c].contains(term) { counts[term, default: 0] += 1 }
            for query in held[c] {
                guard let count = counts[query.term] else { continue }
                score += SearchIndex.termScore(idf: query.idf, frequency: weights[c] * count, norm: norm)
            }
        }
        return score
    }
}
