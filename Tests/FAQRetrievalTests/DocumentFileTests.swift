import GRDB
import Foundation
import Hangul
import Testing
@testable import FAQRetrieval

@Suite struct DocumentFileTests {
    func folder() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-docs-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: d + "/sub", withIntermediateDirectories: true)
        return d
    }

    /// Every supported format from one folder, walked recursively; bad records reported, not fatal;
    /// passages are slices of their document's text.
    @Test func readsEveryFormatAndReportsBadRecords() throws {
        let d = folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "\u{FEFF}# 설치 안내\r\n\r\nmake install 로 설치합니다.\r\n".write(toFile: d + "/guide.md", atomically: true, encoding: .utf8)
        try "지미 카터는 1924년에 태어났다. 그는 제39대 대통령이다.".write(toFile: d + "/sub/carter.txt", atomically: true, encoding: .utf8)
        try "{\"title\": \"서울\", \"text\": \"서울은 한국의 수도이다.\"}\n{\"text\": 3}\n{\"text\": \"제목 없는 글.\"}\n".write(toFile: d + "/a.jsonl", atomically: true, encoding: .utf8)
        try "[{\"title\": \"부산\", \"text\": \"부산은 항구 도시이다.\"}]".write(toFile: d + "/b.json", atomically: true, encoding: .utf8)
        try "<doc id=\"1\" url=\"u\" title=\"대구\">\n대구\n\n대구는 광역시이다.\n</doc>\n".write(toFile: d + "/sub/wiki_00", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: d + "/broken.txt", contents: Data([0xEA, 0xB0, 0x80, 0xFF, 0x41]))
        FileManager.default.createFile(atPath: d + "/ignored.csv", contents: Data("q,a\n".utf8))
        let loaded = try DocumentFile.read([d])
        let titles = loaded.documents.map(\.title)
        #expect(titles == ["서울", "a.jsonl #3", "부산", "가\u{FFFD}A", "설치 안내", "carter", "대구"], "\(titles)")
        #expect(loaded.problems.contains { $0.contains("a.jsonl:2") } && loaded.problems.contains { $0.contains("broken.txt: invalid UTF-8") })
        #expect(loaded.documents.first { $0.title == "대구" }?.text == "대구는 광역시이다.")
        for item in DocumentFile.passages(of: loaded.documents) {
            let scalars = Array(item.document.text.unicodeScalars)
            for p in item.passages { #expect(String(String.UnicodeScalarView(scalars[p.start..<p.end])) == p.text) }
        }
        #expect(throws: FAQError.self) { try DocumentFile.read([d + "/none"]) }
    }

    /// KorQuAD/SQuAD JSON: one document per paragraph, titled by its article, numbered in order.
    @Test func readsKorQuADParagraphsAsDocuments() throws {
        let d = folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try #"{"version": "KorQuAD_v1.0_dev", "data": [{"title": "지미 카터", "paragraphs": [{"context": "지미 카터는 제39대 대통령이다.", "qas": []}, {"context": "그는 1924년에 태어났다.", "qas": []}]}, {"title": "서울", "paragraphs": [{"context": "서울은 수도이다.", "qas": []}]}]}"#
            .write(toFile: d + "/dev.json", atomically: true, encoding: .utf8)
        let loaded = try DocumentFile.read([d + "/dev.json"])
        #expect(loaded.documents.map(\.title) == ["지미 카터", "지미 카터", "서울"])
        #expect(loaded.documents.map(\.part) == [0, 1, 2])
        #expect(loaded.documents[1].text == "그는 1924년에 태어났다.")
        #expect(loaded.problems.isEmpty)
    }
}

@Suite struct DocumentStoreTests {
    func items(_ docs: [(String, Int, String, String)]) -> [DocumentPassages] {
        DocumentFile.passages(of: docs.map { Document(title: $0.2, path: $0.0, part: $0.1, text: $0.3) }, splitter: PassageSplitter(maxSyllables: 40))
    }

    /// Import, search with offsets into the document, re-import mirroring the file (changed
    /// replaced, vanished removed, other files kept), remove.
    @Test func importSearchMirrorRemove() throws {
        let store = try FAQStore(path: ":memory:")
        let carter = "지미 카터는 1924년 10월 1일 조지아주 플레인스에서 태어났다.\n그는 미국의 제39대 대통령이다.\n\n노벨 평화상을 받았다."
        var summary = try store.importDocuments(items([("/d/a.jsonl", 0, "지미 카터", carter), ("/d/a.jsonl", 1, "서울", "서울은 한국의 수도이다."),
                                                       ("/d/b.txt", 0, "부산", "부산은 항구 도시이다.")]))
        #expect(summary.added == 3 && summary.passages >= 4)
        let hits = try store.searchPassages("카터는 몇 대 대통령이야", limit: 2)
        let top = try #require(hits.first)
        #expect(top.title == "지미 카터" && top.path == "/d/a.jsonl" && top.text.contains("제39대"))
        let scalars = Array(carter.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[top.start..<top.end])) == top.text)
        // The file now holds the first document changed and not the second: mirrored.
        summary = try store.importDocuments(items([("/d/a.jsonl", 0, "지미 카터", carter + " 2024년에 세상을 떠났다.")]))
        #expect(summary.updated == 1 && summary.removed == 1 && summary.added == 0)
        #expect(try store.documents().map(\.title) == ["지미 카터", "부산"])
        #expect(try store.searchPassages("서울 수도").allSatisfy { $0.title != "서울" })
        summary = try store.importDocuments(items([("/d/a.jsonl", 0, "지미 카터", carter + " 2024년에 세상을 떠났다.")]))
        #expect(summary.unchanged == 1 && summary.updated == 0)
        #expect(try store.removeDocuments(path: "/d") == 2 && store.documents().isEmpty && store.searchPassages("카터").isEmpty)
        // FAQ entries are untouched by documents.
        #expect(try store.count() == 0)
    }

    /// Passages are ranked as the FAQ's in-memory BM25 ranks the same terms (the on-disk FTS5
    /// index gives the same ranking and scores), and a search never builds an in-memory index.
    @Test func passageRankingEqualsTheInMemoryBM25() throws {
        let store = try FAQStore(path: ":memory:")
        let texts = ["서울은 한국의 수도이며 가장 큰 도시이다.", "부산은 한국 제2의 도시이자 항구 도시이다.", "대구는 분지에 있는 도시이다.",
                     "한국의 수도 서울에는 한강이 흐른다.", "제주도는 화산섬이다. 한라산이 있다.", "인천에는 국제공항이 있다."]
        try store.importDocuments(items(texts.enumerated().map { ("/d/\($0.offset).txt", 0, "문서 \($0.offset)", $0.element) }))
        let rows = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT p.id, d.title, p.text FROM passage p JOIN document d ON d.id = p.document_id ORDER BY p.id").map {
                (id: $0[0] as Int64, columns: SearchTerms(($0[1] as String) + "\n" + ($0[2] as String)).columnTexts)
            }
        }
        let w = FAQStore.columnWeights
        // Queries with syllable pairs are ranked in Swift over FTS5's candidates; "섬 한 곳" has
        // none and is ranked by FTS5's bm25() over all terms: both equal the in-memory BM25.
        func expectSameRanking(_ rows: [(id: Int64, columns: (String, String, String))]) throws {
            let memory = SearchIndex(rows: rows)
            for query in ["한국의 수도", "항구 도시", "한라산", "공항 있는 곳", "도시", "섬 한 곳"] {
                let expected = memory.search(SearchTerms(query), weights: (w.unigrams, w.bigrams, w.jamo), limit: 4)
                let got = try store.searchPassages(query, limit: 4)
                #expect(got.map(\.passageID) == expected.map(\.id), "\(query)")
                for (a, b) in zip(got, expected) { #expect(abs(a.score - b.score) < 1e-6 * max(1, abs(b.score)), "\(query)") }
            }
        }
        try expectSameRanking(rows)
        #expect(store.searchIndex == nil, "passage search builds no in-memory index")
        // Coverage: a passage holding every term of the question covers it fully; a question about
        // something no passage holds (비트코인) covers less of the same passage.
        #expect(try store.searchPassages("한라산 비트코인", limit: 1).first?.coverage == 1, "a small collection reports no coverage")
        store.coverageFrom = 0
        defer { store.coverageFrom = 2_000 }
        let full = try #require(try store.searchPassages("한라산", limit: 1).first)
        #expect(full.title == "문서 4" && abs(full.coverage - 1) < 1e-9, "\(full)")
        let partial = try #require(try store.searchPassages("한라산 비트코인", limit: 1).first)
        #expect(partial.passageID == full.passageID && partial.coverage > 0 && partial.coverage < 0.5, "\(partial.coverage)")
        #expect(SearchTerms("섬 한 곳").selectiveMatchExpression() == nil && SearchTerms("한국의 수도").selectiveMatchExpression() != nil)
        // Ranking by candidates (what a large collection does): the passages sharing a syllable
        // pair with the query, scored exactly — the in-memory ranking restricted to them, same
        // scores; and with fewer candidates than asked for, the full ranking.
        store.exactPassageRankingUpTo = 0
        let memory = SearchIndex(rows: rows)
        for query in ["한국의 수도", "항구 도시", "도시"] {
            let expected = memory.search(SearchTerms(query), weights: (w.unigrams, w.bigrams, w.jamo), limit: rows.count)
            let got = try store.searchPassages(query, limit: 2)
            #expect(got.count == 2, "\(query)")
            let pairs = Set(SearchTerms(query).bigrams)
            let sharing = Set(rows.filter { !pairs.isDisjoint(with: $0.columns.1.split(separator: " ").map(String.init)) }.map(\.id))
            let restricted = expected.filter { sharing.contains($0.id) }
            for (a, b) in zip(got, restricted) { #expect(a.passageID == b.id && abs(a.score - b.score) < 1e-6 * max(1, abs(b.score)), "\(query)") }
        }
        #expect(try store.searchPassages("한국의 수도", limit: rows.count).map(\.passageID)
                == memory.search(SearchTerms("한국의 수도"), weights: (w.unigrams, w.bigrams, w.jamo), limit: rows.count).map(\.id))
        store.exactPassageRankingUpTo = 2_000
        // Removing a document rewrites the statistics (N, document frequencies, lengths).
        #expect(try store.removeDocuments(path: "/d/0.txt") == 1)
        try expectSameRanking(Array(rows.dropFirst()))
        store.exactPassageRankingUpTo = 0
        let after = SearchIndex(rows: Array(rows.dropFirst()))
        let top = try #require(try store.searchPassages("한국의 수도", limit: 1).first)
        let expectedTop = try #require(after.search(SearchTerms("한국의 수도"), weights: (w.unigrams, w.bigrams, w.jamo), limit: 1).first)
        #expect(top.passageID == expectedTop.id && abs(top.score - expectedTop.score) < 1e-6 * max(1, expectedTop.score), "\(top) \(expectedTop)")
    }
}
