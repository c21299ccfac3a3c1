import Foundation
import GRDB

/// One search hit.
public struct FAQResult: Codable, Equatable, Sendable {
    public var id: Int64
    public var question: String
    public var answer: String
    public var category: String?
    public var source: String
    /// Higher is better: the negated BM25 of SQLite FTS5 (fused with a dense score when one
    /// is configured).
    public var score: Double
    /// 0...1: the Dice overlap of the query's and the question's syllables and syllable pairs.
    /// Below `FAQStore.lowConfidence` the match is weak and callers should say so.
    public var confidence: Double
    /// Cosine of the query's and the question's sentence vectors (dense and hybrid search).
    public var similarity: Double? = nil
}

/// What an import changed.
public struct ImportSummary: Equatable, Sendable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var removed = 0
    public var skipped = 0
    /// Entries no longer in the file that were kept because the file has bad rows (a row that
    /// failed to parse is not a row the user deleted).
    public var kept = 0
}

/// What importing several files changed.
public struct ImportReport: Equatable, Sendable {
    /// One summary per file, in the order given.
    public var files: [ImportSummary]
    /// Entries of other sources removed by a replacing import.
    public var removedFromOtherSources = 0

    public init(files: [ImportSummary], removedFromOtherSources: Int = 0) {
        self.files = files
        self.removedFromOtherSources = removedFromOtherSources
    }
}

/// The SQLite FAQ index (WAL mode, versioned schema).
///
/// ```swift
/// let store = try FAQStore(path: "faq.sqlite")
/// let file = try FAQFile.read(path: "ChatbotData.csv")
/// try store.importFile(file)
/// let hits = try store.search("비밀번호를 잊어버렸어요", limit: 5)
/// ```
public final class FAQStore: @unchecked Sendable {
    public let path: String
    let writer: any DatabaseWriter

    /// How hybrid search fuses its two rankings (set before the store is shared). The default,
    /// a blend with lexical weight 0.2, is the weight of best R@1 on ChatbotData's calibration
    /// half with the shipped sentence encoder (`korqa eval faq --calibrate-fusion`, docs/encoder.md).
    public var hybridFusion: HybridFusion = FAQStore.defaultFusion
    public static let defaultFusion = HybridFusion.blend(lexicalWeight: 0.2)

    /// Collections of at most this many passages are ranked by FTS5's bm25() over every term
    /// (exact, and quick at that size); larger ones by candidates (`searchPassages`). Set before
    /// the store is shared.
    public var exactPassageRankingUpTo = 2_000
    /// Collections of fewer passages report every passage's coverage as 1: how rare a term is
    /// among a few hundred passages says little about whether the collection holds what a
    /// question asks (a small manual lacks "몇" and "이야" too), and the cross-passage score was
    /// calibrated at Wikipedia scale (11k and 100k passages).
    public var coverageFrom = 2_000

    /// Confidence under which a result is reported as a weak match.
    public static let lowConfidence = 0.3

    /// Opens (creating and migrating when needed) the index at `path`; ":memory:" for a
    /// private in-memory index.
    /// - Parameter readOnly: open an existing index for searching only (it is never migrated or
    ///   written); an index the process may not write is opened this way too.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        do {
            if path != ":memory:", readOnly || (FileManager.default.fileExists(atPath: path) && access(path, W_OK) != 0) {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw FAQError.database(path: path, message: "no such index file")
                }
                // A read-only index (a shared or archived file) is searched as it is, never migrated.
                var configuration = Configuration()
                configuration.readonly = true
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                guard try queue.read({ try Self.migrator.hasCompletedMigrations($0) }) else {
                    throw FAQError.database(path: path, message: "opened read-only, and it is not a KorQA FAQ index of this version")
                }
                writer = queue
                return
            }
            if path == ":memory:" {
                writer = try DatabaseQueue()
            } else {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
                writer = try DatabasePool(path: path)  // WAL
            }
            try Self.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw FAQError.database(path: path, message: "\(error.message ?? "\(error)") — is this a KorQA FAQ index, and is the disk writable?")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE entry (
                    id INTEGER PRIMARY KEY,
                    question TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    category TEXT,
                    extra TEXT,                 -- other columns of the source row, as JSON
                    source TEXT NOT NULL,       -- the file it came from (absolute path)
                    source_key TEXT NOT NULL,  -- identifies the row within its file across re-imports
                    updated_at TEXT NOT NULL,
                    UNIQUE (source, source_key)
                );
                -- Precomputed Korean search terms (SearchTerms), one column per kind, so that BM25
                -- can weigh them differently. rowid = entry.id.
                CREATE VIRTUAL TABLE entry_search USING fts5(unigrams, bigrams, jamo, tokenize = 'unicode61 remove_diacritics 0');
                -- The slot for dense sentence vectors (fused with BM25 by reciprocal rank).
                -- Bumped by every import, so that processes holding an in-memory search index
                -- (SearchIndex) know to reload it.
                CREATE TABLE index_state (generation INTEGER NOT NULL);
                INSERT INTO index_state (generation) VALUES (0);
                CREATE TABLE entry_vector (
                    entry_id INTEGER PRIMARY KEY REFERENCES entry(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    vector BLOB NOT NULL        -- little-endian float32
                );
                """)
        }
        migrator.registerMigration("v2") { db in
            // The question a vector was made from: an entry whose question changed is re-embedded.
            try db.execute(sql: "ALTER TABLE entry_vector ADD COLUMN question TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v3") { db in
            // Document collections (issue #24): documents, their passages (offsets into the
            // document's text) and the passages' search terms.
            try db.execute(sql: """
                CREATE TABLE document (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    part INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    text TEXT NOT NULL,
                    UNIQUE (path, part)
                );
                CREATE TABLE passage (
                    id INTEGER PRIMARY KEY,
                    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                    start INTEGER NOT NULL,
                    end INTEGER NOT NULL,
                    text TEXT NOT NULL
                );
                CREATE INDEX passage_document ON passage(document_id);
                -- The passages' search terms, rowid = passage.id. FTS5 keeps the inverted index on
                -- disk, so a question reads only its terms' postings: no per-process rebuild,
                -- whatever the collection's size.
                CREATE VIRTUAL TABLE passage_search USING fts5(unigrams, bigrams, jamo, tokenize = 'unicode61 remove_diacritics 0');
                """)
        }
        migrator.registerMigration("v4") { db in
            // BM25 statistics of the passages' terms (document frequency per column, row count,
            // token total), rewritten by every import and removal: a question ranks a short list
            // of candidates exactly in Swift instead of letting FTS5 score every passage that
            // shares a syllable with it (1.2 s at 100k passages; docs/documents.md).
            try db.execute(sql: """
                CREATE TABLE passage_term_stats (
                    col INTEGER NOT NULL,
                    term TEXT NOT NULL,
                    df INTEGER NOT NULL,
                    PRIMARY KEY (col, term)
                ) WITHOUT ROWID;
                CREATE TABLE passage_stats (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    passages INTEGER NOT NULL,
                    tokens INTEGER NOT NULL
                );
                """)
            try FAQStore.refreshPassageStatistics(db)
        }
        return migrator
    }

    public func count() throws -> Int {
        try wrap { try writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM entry") ?? 0 } }
    }

    /// The sources (files) in the index with their entry counts.
    public func sources() throws -> [(source: String, entries: Int)] {
        try wrap {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT source, count(*) AS n FROM entry GROUP BY source ORDER BY source")
                    .map { ($0["source"], $0["n"]) }
            }
        }
    }

    func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            throw FAQError.database(path: path, message: error.message ?? "\(error)")
        }
    }

    // MARK: - Import

    /// Makes the index's rows for `source` mirror `rows` (see `importSources`).
    @discardableResult
    public func importRows(_ rows: [FAQRow], source: String, replaceAll: Bool = false,
                           progress: ((Int, Int) -> Void)? = nil) throws -> ImportSummary {
        try importSources([(source, rows, false)], replaceAll: replaceAll, progress: progress).files[0]
    }

    /// Imports parsed FAQ files (see `importSources`), each file's rows under its absolute path.
    /// A file with no usable row is refused before anything is written (mirroring it would
    /// remove every entry it had); with `strict`, so is a file with any bad row. Entries of a
    /// file with bad rows are never removed (they are counted as `kept`).
    public func importFiles(_ files: [FAQFile], strict: Bool = false, replaceAll: Bool = false,
                            progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        try Self.checkImportable(files, strict: strict)
        return try importSources(files.map { ($0.absolutePath, $0.rows, !$0.problems.isEmpty) }, replaceAll: replaceAll, progress: progress)
    }

    /// The refusals of `importFiles`, for callers that want them before opening an index.
    public static func checkImportable(_ files: [FAQFile], strict: Bool) throws {
        for file in files {
            if strict && !file.problems.isEmpty { throw FAQError.badRows(path: file.path, problems: file.problems) }
            if file.rows.isEmpty {
                throw file.problems.isEmpty ? FAQError.emptyFile(path: file.path) : FAQError.noUsableRows(path: file.path, problems: file.problems)
            }
        }
    }

    /// Makes the index's rows for each source mirror its rows, all in ONE transaction: new rows
    /// are added, changed rows updated, rows no longer in the file removed (unless
    /// `keepVanished`: the file had rows that could not be read), identical rows left alone.
    /// With `replaceAll`, every entry of any other source is removed too. If anything fails (or
    /// the process is killed) the previous index stays as it was.
    ///
    /// A row is identified by its normalized question and, for repeated questions, by which
    /// repetition it is, so editing an answer updates the row instead of adding a duplicate.
    /// `progress(done, total)` is called every 500 rows.
    @discardableResult
    public func importSources(_ sources: [(source: String, rows: [FAQRow], keepVanished: Bool)], replaceAll: Bool = false,
                              progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        let now = ISO8601DateFormatter().string(from: Date())
        let total = sources.reduce(0) { $0 + $1.rows.count }
        var done = 0
        return try wrap {
            try writer.write { db in
                var removedElsewhere = 0
                if replaceAll {
                    // Every other source is mirrored as empty: the same removal, counted the same way.
                    let given = Set(sources.map(\.source))
                    for other in try String.fetchAll(db, sql: "SELECT DISTINCT source FROM entry") where !given.contains(other) {
                        removedElsewhere += try Self.mirror([], source: other, in: db, now: now) {}.removed
                    }
                }
                let summaries = try sources.map { source, rows, keepVanished in
                    try Self.mirror(rows, source: source, keepVanished: keepVanished, in: db, now: now) {
                        done += 1
                        if let progress, done % 500 == 0 || done == total { progress(done, total) }
                    }
                }
                try db.execute(sql: "UPDATE index_state SET generation = generation + 1")
                return ImportReport(files: summaries, removedFromOtherSources: removedElsewhere)
            }
        }
    }

    static func mirror(_ rows: [FAQRow], source: String, keepVanished: Bool = false, in db: Database, now: String, rowDone: () -> Void) throws -> ImportSummary {
        var summary = ImportSummary()
        var existing: [String: (id: Int64, question: String, answer: String, category: String?, extra: String?)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, source_key, question, answer, category, extra FROM entry WHERE source = ?", arguments: [source]) {
            existing[row["source_key"]] = (row["id"], row["question"], row["answer"], row["category"], row["extra"])
        }
        var seen = Set<String>()
        var occurrences: [String: Int] = [:]
        let insert = try db.makeStatement(sql: """
            INSERT INTO entry (question, answer, category, extra, source, source_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let update = try db.makeStatement(sql: "UPDATE entry SET question = ?, answer = ?, category = ?, extra = ?, updated_at = ? WHERE id = ?")
        let insertTerms = try db.makeStatement(sql: "INSERT INTO entry_search (rowid, unigrams, bigrams, jamo) VALUES (?, ?, ?, ?)")
        let deleteTerms = try db.makeStatement(sql: "DELETE FROM entry_search WHERE rowid = ?")
        for row in rows {
            let normalized = SearchTerms.normalizer.normalize(row.question).string
            let n = occurrences[normalized, default: 0]
            occurrences[normalized] = n + 1
            let key = n == 0 ? normalized : "\(normalized)\u{1F}\(n)"
            seen.insert(key)
            let extra = row.extra.isEmpty ? nil : Self.json(row.extra)
            let terms = SearchTerms(row.question).columnTexts
            if let old = existing[key] {
                if old.question == row.question && old.answer == row.answer && old.category == row.category && old.extra == extra {
                    summary.unchanged += 1
                } else {
                    try update.execute(arguments: [row.question, row.answer, row.category, extra, now, old.id])
                    try deleteTerms.execute(arguments: [old.id])
                    try insertTerms.execute(arguments: [old.id, terms.0, terms.1, terms.2])
                    summary.updated += 1
                }
            } else {
                try insert.execute(arguments: [row.question, row.answer, row.category, extra, source, key, now])
                try insertTerms.execute(arguments: [db.lastInsertedRowID, terms.0, terms.1, terms.2])
                summary.added += 1
            }
            rowDone()
        }
        for (key, old) in existing where !seen.contains(key) {
            if keepVanished { summary.kept += 1; continue }
            try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [old.id])
            try deleteTerms.execute(arguments: [old.id])
            summary.removed += 1
        }
        return summary
    }

    static func json(_ dict: [String: String]) -> String {
        let data = try? JSONSerialization.data(withJSONObject: dict, options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    // MARK: - Search

    /// BM25 column weights: syllable pairs carry most of the meaning; single syllables and jamo
    /// triples add recall (particles, typos) at lower weight.
    public static let columnWeights = (unigrams: 0.4, bigrams: 1.0, jamo: 0.3)

    /// The in-memory BM25 index and the database generation it was built from.
    var searchIndex: (generation: Int64, index: SearchIndex)?

    let searchIndexLock = NSLock()
    /// The sentence vectors of one model and the generation they were read at (DenseSearch).
    var vectorCache: (generation: Int64, model: String, table: VectorTable)?
    let vectorCacheLock = NSLock()

    func currentSearchIndex(_ db: Database) throws -> SearchIndex {
        // The lock is taken before the cache is touched (the inout access below), so that
        // concurrent searches never access it at once.
        searchIndexLock.lock()
        defer { searchIndexLock.unlock() }
        return try cachedSearchIndex(db, table: "entry_search", idColumn: "rowid", cache: &searchIndex)
    }

    /// The in-memory BM25 index over `table`'s term columns (unigrams, bigrams, jamo), kept
    /// until the index's generation changes (any import bumps it). Callers hold the cache's lock.
    func cachedSearchIndex(_ db: Database, table: String, idColumn: String, cache: inout (generation: Int64, index: SearchIndex)?) throws -> SearchIndex {
        let generation = try Int64.fetchOne(db, sql: "SELECT generation FROM index_state") ?? 0
        if let cached = cache, cached.generation == generation { return cached.index }
        let rows = try Row.fetchAll(db, sql: "SELECT \(idColumn), unigrams, bigrams, jamo FROM \(table) ORDER BY \(idColumn)").map { row in
            (id: row[0] as Int64, columns: (row[1] as String, row[2] as String, row[3] as String))
        }
        let index = SearchIndex(rows: rows)
        cache = (generation, index)
        return index
    }

    /// The best `limit` entries for `query`, best first. Any text is accepted: it is turned into
    /// terms of letters and digits, never read as SQL or FTS5 syntax. Empty or termless input
    /// gives [].
    public func search(_ query: String, limit: Int = 5) throws -> [FAQResult] {
        let terms = SearchTerms(query)
        guard limit > 0, !terms.isEmpty else { return [] }
        return try wrap { try writer.read { db in try results(db, lexicalRanking(db, terms, limit: limit), querySet: terms.overlapSet) } }
    }

    /// The best `limit` entries by BM25, best first, inside a read (no rows read).
    func lexicalRanking(_ db: Database, _ terms: SearchTerms, limit: Int) throws -> [(id: Int64, score: Double)] {
        let w = Self.columnWeights
        return try currentSearchIndex(db).search(terms, weights: (w.unigrams, w.bigrams, w.jamo), limit: limit)
    }

    /// The entries of ranked ids as results, read in the same transaction as the ranking: their
    /// score in that ranking, the lexical confidence against `querySet`, and the cosine when known.
    func results(_ db: Database, _ ranked: [(id: Int64, score: Double)], querySet: Set<String>,
                 similarity: (Int64) -> Double? = { _ in nil }) throws -> [FAQResult] {
        guard !ranked.isEmpty else { return [] }
        let rows = try Row.fetchAll(db, sql: "SELECT id, question, answer, category, source FROM entry WHERE id IN (\(ranked.map { String($0.id) }.joined(separator: ",")))")
        var byID: [Int64: Row] = [:]
        for row in rows { byID[row["id"]] = row }
        return ranked.compactMap { entry -> FAQResult? in
            guard let row = byID[entry.id] else { return nil }
            let question: String = row["question"]
            return FAQResult(id: entry.id, question: question, answer: row["answer"], category: row["category"], source: row["source"],
                             score: entry.score, confidence: SearchTerms.dice(querySet, SearchTerms(question).overlapSet),
                             similarity: similarity(entry.id))
        }
    }

    /// The same ranking computed by SQLite FTS5's own bm25() over the stored terms — the
    /// reference the in-memory index is tested against.
    func searchWithFTS5(_ query: String, limit: Int) throws -> [(id: Int64, score: Double)] {
        let terms = SearchTerms(query)
        guard let match = terms.matchExpression() else { return [] }
        let w = Self.columnWeights
        return try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rowid, -bm25(entry_search, ?, ?, ?) FROM entry_search WHERE entry_search MATCH ?
                ORDER BY bm25(entry_search, ?, ?, ?), rowid LIMIT ?
                """, arguments: [w.unigrams, w.bigrams, w.jamo, match, w.unigrams, w.bigrams, w.jamo, limit])
                .map { ($0[0] as Int64, $0[1] as Double) }
        }
    }
}

/// Reciprocal-rank fusion (Cormack et al. 2009): score(d) = Σ_lists 1 / (k + rank_list(d)).
/// The slot where a dense sentence-vector ranking joins BM25 once an encoder fills
/// `entry_vector`.
public enum RankFusion {
    public static func reciprocalRank(_ rankings: [[Int64]], k: Double = 60) -> [(id: Int64, score: Double)] {
        var scores: [Int64: Double] = [:]
        for ranking in rankings {
            for (rank, id) in ranking.enumerated() { scores[id, default: 0] += 1 / (k + Double(rank + 1)) }
        }
        return scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
