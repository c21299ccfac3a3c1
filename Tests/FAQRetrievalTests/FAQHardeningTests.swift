import Foundation
import Testing
@testable import FAQRetrieval

/// No data loss on careless files, bounded rows, and indexes that cannot be written (issue #26).
@Suite struct FAQHardeningTests {
    /// 100 rows, one of them opening a quote it never closes on line 3: that line is reported and
    /// every other row is read. (The parser used to swallow the rest of the file.)
    @Test func oneStrayQuoteCostsOneRow() throws {
        var lines = ["question,answer"]
        for i in 1...100 { lines.append(i == 2 ? "\"질문 \(i),답 \(i)" : "질문 \(i),답 \(i)") }
        lines[60] = "\"인용된, 질문 59\",답 59"  // a well-formed quoted field later on
        let file = try FAQFile.read(path: temporaryFile("faq.csv", lines.joined(separator: "\n") + "\n"))
        #expect(file.rows.count == 99)
        #expect(file.rows.contains { $0.question == "인용된, 질문 59" })
        #expect(file.problems.count == 1 && file.problems[0].location == "3" && file.problems[0].reason.contains("unbalanced"))
        // Line numbers after the bad line stay true.
        #expect(file.rows.first { $0.question == "질문 50" }?.location == "51")
    }

    /// Re-indexing a file that has gained a bad row must not delete the entries the bad row (or
    /// rows a parser lost) stood for; they are kept and counted.
    @Test func reindexWithBadRowsRemovesNothing() throws {
        let store = try FAQStore(path: ":memory:")
        let good = (1...30).map { "질문 \($0),답 \($0)" }
        let path = temporaryFile("faq.csv", (["question,answer"] + good).joined(separator: "\n") + "\n")
        #expect(try store.importFiles([FAQFile.read(path: path)]).files[0].added == 30)
        var damaged = good
        damaged[2] = "\"질문 3,답 3"  // the stray quote now swallows nothing, but the row is bad
        damaged.removeLast()          // and one row is really gone
        try (["question,answer"] + damaged).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let report = try store.importFiles([FAQFile.read(path: path)])
        #expect(report.files[0].removed == 0 && report.files[0].kept == 2 && report.files[0].unchanged == 28)
        #expect(try store.count() == 30)
    }

    @Test func filesWithoutUsableRowsAreRefusedAndReplaceCountsTruly() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-\(UUID()).sqlite").path
        let store = try FAQStore(path: path)
        let big = temporaryFile("big.csv", "question,answer\n" + (1...200).map { "질문 \($0),답 \($0)\n" }.joined())
        let other = temporaryFile("other.csv", "question,answer\n영업시간은?,9시부터\n")
        try store.importFiles([FAQFile.read(path: big), FAQFile.read(path: other)])
        let unusable = temporaryFile("bad.csv", "question,answer\n,빈 질문\n질문만,\n")
        #expect(throws: FAQError.self) { try store.importFiles([FAQFile.read(path: unusable)], replaceAll: true) }
        do { try store.importFiles([FAQFile.read(path: unusable)], replaceAll: true) } catch let FAQError.noUsableRows(p, problems) {
            #expect(p == unusable && problems.count == 2)
        }
        #expect(throws: FAQError.self) { try FAQStore.checkImportable([FAQFile.read(path: temporaryFile("e.csv", "question,answer\n"))], strict: false) }
        #expect(try store.count() == 201)
        // --replace with a real file: the other files' entries are removed and counted.
        let edited = temporaryFile("edited.csv", "question,answer\n질문 1,답 1\n")
        let report = try store.importFiles([FAQFile.read(path: edited)], replaceAll: true)
        #expect(report.removedFromOtherSources == 201 && report.files[0].added == 1)
        #expect(try store.count() == 1)
    }

    @Test func nulCharactersAndOversizedFieldsAreReported() throws {
        let path = temporaryFile("faq.csv", "question,answer\n좋은 질문,좋은 답\n널\u{0}문자,답\n질문,답에 널\u{0}\n\(String(repeating: "가", count: 1_001)),답\n긴 답,\(String(repeating: "나", count: 50))\n")
        let file = try FAQFile.read(path: path, limits: FieldLimits(questionLength: 1_000, fieldLength: 40))
        #expect(file.rows.map(\.question) == ["좋은 질문"])
        #expect(file.problems.map(\.reason) == [
            "column \"question\" contains a NUL character (U+0000)", "column \"answer\" contains a NUL character (U+0000)",
            "the question is 1001 characters long; the limit is 1000", "column \"answer\" is 50 characters long; the limit is 40",
        ])
        let jsonl = temporaryFile("faq.jsonl", "{\"question\": \"널\\u0000\", \"answer\": \"답\"}\n{\"question\": \"q\", \"answer\": \"a\"}\n")
        let lines = try FAQFile.read(path: jsonl)
        #expect(lines.rows.count == 1 && lines.problems.first?.reason.contains("NUL") == true)
    }

    @Test func invalidUTF8ProblemsDoNotSayRowSkippedTwice() throws {
        let path = temporaryFile("faq.csv", "")
        try Data("question,answer\n좋은 질문,좋은 답\n나쁜 \u{FF}질문,답\n".utf8).write(to: URL(fileURLWithPath: path))
        var bytes = Array("question,answer\n좋은 질문,좋은 답\n나쁜 ".utf8); bytes.append(0xFF); bytes += Array("질문,답\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try FAQFile.read(path: path)
        #expect(file.rows.count == 1 && file.problems.count == 1)
        #expect(file.problems[0].reason == "invalid UTF-8 (bytes replaced with U+FFFD)")
    }

    /// A read-only index (an archived or shared file) is searched as it is.
    @Test func readOnlyIndexesAreSearchable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-ro-\(UUID()).sqlite").path
        do {
            let store = try FAQStore(path: path)
            try store.importRows(sampleRows, source: "/sample.csv")
        }
        let readOnly = try FAQStore(path: path, readOnly: true)
        #expect(try readOnly.search("비밀번호 잊음").first?.question == "비밀번호를 잊어버렸어요")
        #expect(throws: FAQError.self) { try readOnly.importRows(sampleRows, source: "/x.csv") }
        #expect(try FAQStore(path: path).count() == sampleRows.count)  // the write was refused, nothing half-done
        // Without write permission (not testable as root, who may write anyway) the same happens by itself.
        #expect(chmod(path, 0o444) == 0)
        defer { chmod(path, 0o644) }
        if access(path, W_OK) != 0 {
            #expect(try FAQStore(path: path).search("배송 기간").isEmpty == false)
        }
        #expect(throws: FAQError.self) { try FAQStore(path: path + ".missing", readOnly: true) }
    }

    @Test func foldersAndPipesAreRefusedAsFAQFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-dir-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(throws: FAQError.cannotRead(path: directory, reason: "it is a folder, not a file")) { try FAQFile.read(path: directory) }
        #expect(mkfifo(directory + "/pipe.csv", 0o600) == 0)
        #expect(throws: FAQError.cannotRead(path: directory + "/pipe.csv", reason: "it is a pipe (FIFO), not a regular file")) {
            try FAQFile.read(path: directory + "/pipe.csv")
        }
    }
}
