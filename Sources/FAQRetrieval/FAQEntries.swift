import Foundation
import GRDB

/// One FAQ entry as the server's `/v1/faq` shows it.
public struct FAQEntry: Codable, Equatable, Sendable {
    public var id: Int64
    public var question: String
    public var answer: String
    public var category: String?
    public var source: String
}

extension FAQStore {
    /// Adds `rows` to `source` or updates the entries of `source` with the same question;
    /// nothing else changes (one transaction). The server's writes go to source "api".
    @discardableResult
    public func upsertEntries(_ rows: [FAQRow], source: String) throws -> ImportSummary {
        try importSources([(source: source, rows: rows, keepVanished: true)]).files[0]
    }

    /// The entry `id`, nil when there is none.
    public func entry(id: Int64) throws -> FAQEntry? {
        try wrap {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT id, question, answer, category, source FROM entry WHERE id = ?", arguments: [id]).map {
                    FAQEntry(id: $0[0], question: $0[1], answer: $0[2], category: $0[3], source: $0[4])
                }
            }
        }
    }

    /// The ids of `source`'s entries with these questions (as `upsertEntries` keys them), in order.
    public func entryIDs(source: String, questions: [String]) throws -> [Int64?] {
        try wrap {
            try writer.read { db in
                try questions.map { question in
                    let key = SearchTerms.normalizer.normalize(question).string
                    return try Int64.fetchOne(db, sql: "SELECT id FROM entry WHERE source = ? AND source_key = ?", arguments: [source, key])
                }
            }
        }
    }

    /// Removes the entry `id` (its terms and vector too); false when there is none.
    @discardableResult
    public func removeEntry(id: Int64) throws -> Bool {
        try wrap {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM entry_search WHERE rowid = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM entry_vector WHERE entry_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [id])
                guard db.changesCount > 0 else { return false }
                try db.execute(sql: "UPDATE index_state SET generation = generation + 1")
                return true
            }
        }
    }
}
