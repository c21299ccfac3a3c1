import Foundation
import Testing
@testable import FAQRetrieval

func temporaryFile(_ name: String, _ contents: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-faq-\(UUID())")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
    return path
}

let sampleRows: [FAQRow] = [
    FAQRow(question: "비밀번호를 잊어버렸어요", answer: "로그인 화면에서 '비밀번호 찾기'를 누르세요."),
    FAQRow(question: "서울 날씨 어때?", answer: "날씨 앱을 확인해 보세요."),
    FAQRow(question: "배송은 얼마나 걸리나요?", answer: "보통 2~3일 걸립니다."),
    FAQRow(question: "환불하고 싶어요", answer: "주문 내역에서 환불을 신청하세요."),
    FAQRow(question: "회원 탈퇴는 어떻게 하나요?", answer: "설정 > 계정 > 탈퇴를 누르세요."),
    FAQRow(question: "KorQA는 어떻게 설치하나요?", answer: "make chat 한 줄이면 됩니다."),
]

@Suite struct SearchTermTests {
    @Test func termsOfAKoreanSentence() {
        let terms = SearchTerms("서울에서 날씨!! KorQA 3.5")
        #expect(terms.unigrams == ["서", "울", "에", "서", "날", "씨", "korqa", "3", "5"])
        #expect(terms.bigrams == ["서울", "울에", "에서", "날씨"])
        #expect(terms.jamoTrigrams.first == "ㅅㅓㅇ" && terms.jamoTrigrams.contains("ㄴㅏㄹ"))
    }

    @Test func matchExpressionQuotesEverything() {
        let m = SearchTerms("NEAR(a b) \"x\" * OR -- ;DROP TABLE entry").matchExpression()!
        #expect(!m.contains("NEAR(") && !m.contains("*") && !m.contains(";"))
        #expect(m.split(separator: " OR ").allSatisfy { $0.contains(" : \"") && $0.hasSuffix("\"") })
    }
}

@Suite struct FAQStoreTests {
    func store(_ rows: [FAQRow] = sampleRows) throws -> FAQStore {
        let store = try FAQStore(path: ":memory:")
        try store.importRows(rows, source: "/sample.csv")
        return store
    }

    @Test func findsExactAndParaphrasedQuestions() throws {
        let s = try store()
        #expect(try s.search("비밀번호를 잊어버렸어요").first?.question == "비밀번호를 잊어버렸어요")
        #expect(try s.search("비밀번호를 잊어버렸어요").first!.confidence == 1)
        #expect(try s.search("환불 어떻게 해요").first?.question == "환불하고 싶어요")
    }

    @Test func particlesDoNotBlockAMatch() throws {
        let s = try store()
        #expect(try s.search("서울에서 날씨").first?.question == "서울 날씨 어때?")
    }

    @Test func typosStillFindTheEntry() throws {
        let s = try store()
        #expect(try s.search("비밀번오").first?.question == "비밀번호를 잊어버렸어요")
        #expect(try s.search("배송은 얼마나 걸려여").first?.question == "배송은 얼마나 걸리나요?")
    }

    @Test(arguments: ["\"", "\"\"\"", "NEAR(", "NEAR(비밀번호 환불, 2)", "*", "비밀*", "AND", "OR NOT", "question:비밀번호",
                      "unigrams : 비", "(((", ")", "'; DROP TABLE entry; --", "", "   ", "ㅋㅋㅋ", "🙂", "\u{0000}", "^비밀번호"])
    func anyInputIsPlainText(query: String) throws {
        let s = try store()
        _ = try s.search(query)  // never throws a syntax error
        #expect(try s.count() == sampleRows.count)
    }

    @Test func weakMatchesHaveLowConfidence() throws {
        let s = try store()
        let hits = try s.search("오늘 점심 메뉴 추천")
        #expect(hits.allSatisfy { $0.confidence < FAQStore.lowConfidence })
        #expect(try s.search("회원 탈퇴 방법").first.map { $0.confidence >= FAQStore.lowConfidence } == true)
    }

    @Test func reimportUpdatesAddsAndRemovesWithoutDuplicates() throws {
        let s = try store()
        var edited = sampleRows
        edited[2].answer = "보통 하루면 도착합니다."
        edited.removeLast()
        edited.append(FAQRow(question: "쿠폰은 어디서 받나요?", answer: "이벤트 페이지에서 받으세요."))
        let summary = try s.importRows(edited, source: "/sample.csv")
        #expect(summary == ImportSummary(added: 1, updated: 1, unchanged: 4, removed: 1, skipped: 0))
        #expect(try s.count() == 6)
        #expect(try s.search("배송 기간").first?.answer == "보통 하루면 도착합니다.")
        #expect(try s.search("KorQA 설치").first?.question != "KorQA는 어떻게 설치하나요?")
        #expect(try s.importRows(edited, source: "/sample.csv") == ImportSummary(unchanged: 6))
        // Another file adds its own rows; --replace rebuilds from scratch.
        try s.importRows([FAQRow(question: "영업시간은?", answer: "9시부터 6시까지")], source: "/other.csv")
        #expect(try s.count() == 7 && s.sources().count == 2)
        try s.importRows(sampleRows, source: "/sample.csv", replaceAll: true)
        #expect(try s.count() == sampleRows.count && s.sources().map(\.source) == ["/sample.csv"])
    }

    @Test func repeatedQuestionsAreKeptApart() throws {
        let rows = [FAQRow(question: "안녕", answer: "안녕하세요"), FAQRow(question: "안녕", answer: "반가워요")]
        let s = try store(rows)
        #expect(try s.count() == 2)
        #expect(try s.importRows(rows, source: "/sample.csv") == ImportSummary(unchanged: 2))
    }

    @Test func failedImportLeavesThePreviousIndex() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-\(UUID()).sqlite").path
        let s = try FAQStore(path: path)
        try s.importRows(sampleRows, source: "/sample.csv")
        // An import that fails half-way through its transaction leaves nothing behind.
        #expect(throws: Error.self) {
            try s.importRowsFailingAfter(400, rows: (0..<1000).map { FAQRow(question: "질문 \($0)", answer: "답 \($0)") }, source: "/big.csv")
        }
        let reopened = try FAQStore(path: path)
        #expect(try reopened.count() == sampleRows.count)
    }
}

extension FAQStore {
    /// Test helper: an import that fails after `n` rows, inside the transaction.
    func importRowsFailingAfter(_ n: Int, rows: [FAQRow], source: String) throws {
        struct InjectedFailure: Error {}
        try writer.write { db in
            for (i, row) in rows.enumerated() {
                if i == n { throw InjectedFailure() }
                try db.execute(sql: "INSERT INTO entry (question, answer, source, source_key, updated_at) VALUES (?, ?, ?, ?, '')",
                               arguments: [row.question, row.answer, source, row.question])
            }
        }
    }
}

@Suite struct FAQFileTests {
    @Test func csvWithBOMCRLFQuotesAndExtraColumns() throws {
        let path = temporaryFile("faq.csv", "\u{FEFF}Q,A,label,note\r\n\"비밀번호, 잊음\",\"찾기를 누르세요\r\n(두 줄)\",1,x\r\n환불,\"\"\"환불\"\" 버튼\",2,\r\n")
        let file = try FAQFile.read(path: path)
        #expect(file.format == .csv && file.problems.isEmpty)
        #expect(file.rows == [
            FAQRow(question: "비밀번호, 잊음", answer: "찾기를 누르세요\r\n(두 줄)", category: "1", extra: ["note": "x"], location: "2"),
            FAQRow(question: "환불", answer: "\"환불\" 버튼", category: "2", extra: ["note": ""], location: "4"),
        ])
    }

    @Test func badRowsAreReportedWithLineAndReason() throws {
        let path = temporaryFile("faq.csv", "question,answer\n좋은 질문,좋은 답\n,답만 있음\n질문만 있음,\n필드,가,너무 많음\n\"닫히지 않은,따옴표\n")
        let file = try FAQFile.read(path: path)
        #expect(file.rows.map(\.question) == ["좋은 질문"])
        #expect(file.problems.map(\.description) == [
            "\(path):3: empty question", "\(path):4: empty answer", "\(path):5: expected 2 fields, found 3",
            "\(path):6: a quoted field is never closed (missing \")",
        ])
    }

    @Test func tsvJSONAndJSONLines() throws {
        let tsv = try FAQFile.read(path: temporaryFile("faq.tsv", "질문\t답변\n안녕\t반가워요\n"))
        #expect(tsv.format == .tsv && tsv.rows.first?.answer == "반가워요")
        let json = try FAQFile.read(path: temporaryFile("faq.json", "[{\"question\":\"안녕\",\"answer\":\"반가워요\",\"category\":\"인사\"},{\"q\":\"x\"},3]"))
        #expect(json.rows == [FAQRow(question: "안녕", answer: "반가워요", category: "인사", location: "data[0]")])
        #expect(json.problems.map(\.location) == ["data[1]", "data[2]"])
        let lines = try FAQFile.read(path: temporaryFile("faq.jsonl", "{\"Q\":\"안녕\",\"A\":\"반가워요\"}\n\nnot json\n{\"Q\":\"잘가\",\"A\":\"또 봐요\"}\n"))
        #expect(lines.rows.map(\.question) == ["안녕", "잘가"] && lines.problems.map(\.location) == ["3"])
    }

    @Test func filesThatCannotBeUsed() {
        let headerless = temporaryFile("faq.csv", "title2,body\nx,y\n")
        #expect(throws: FAQError.missingColumns(path: headerless, found: ["title2", "body"])) {
            try FAQFile.read(path: headerless)
        }
        #expect(throws: FAQError.self) { try FAQFile.read(path: "/nonexistent/faq.csv") }
        #expect(throws: FAQError.self) { try FAQFile.read(path: temporaryFile("faq.json", "[{\"question\": ")) }
        #expect(throws: FAQError.self) { try FAQFile.read(path: temporaryFile("faq.dat", "no structure here")) }
    }

    @Test func chatbotDataWhenPresent() throws {
        let path = "../shared/data/faq/chatbot_data/ChatbotData.csv"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let file = try FAQFile.read(path: path)
        #expect(file.rows.count + file.problems.count == 11_823)
        #expect(file.rows.count > 11_800)
    }
}

@Suite struct RankFusionTests {
    @Test func reciprocalRankFusion() {
        let fused = RankFusion.reciprocalRank([[1, 2, 3], [3, 1, 4]], k: 60)
        #expect(fused.map(\.id) == [1, 3, 2, 4])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 62)) < 1e-12)
    }
}

@Suite struct SearchIndexTests {
    /// The in-memory BM25 ranks exactly as SQLite FTS5's bm25() does on the same terms.
    @Test func agreesWithFTS5BM25() throws {
        let store = try FAQStore(path: ":memory:")
        var rows = sampleRows
        for i in 0..<200 { rows.append(FAQRow(question: "주문 \(i)번 배송 상태를 알려주세요 \(i % 7)", answer: "답 \(i)")) }
        // Terms past the 24 bytes a key holds inline, and ones that differ only after byte 16.
        rows.append(FAQRow(question: "supercalifragilisticexpialidocious internationalization 설정", answer: "긴 단어"))
        rows.append(FAQRow(question: "internationalizations internationalization", answer: "비슷한 단어"))
        try store.importRows(rows, source: "/x.csv")
        for query in ["배송 상태", "비밀번호 찾기", "주문 17번", "회원 탈퇴", "서울에서 날씨", "KorQA 설치", "환불",
                      "supercalifragilisticexpialidocious", "internationalization 설정", "internationalizations"] {
            let ours = try store.search(query, limit: 10)
            let reference = try store.searchWithFTS5(query, limit: 10)
            #expect(ours.map(\.id) == reference.map(\.id), "\(query)")
            for (a, b) in zip(ours, reference) { #expect(abs(a.score - b.score) < 1e-6 * max(1, abs(b.score))) }
        }
    }

    @Test func reloadsAfterAnotherImport() throws {
        let store = try FAQStore(path: ":memory:")
        try store.importRows(sampleRows, source: "/a.csv")
        #expect(try store.search("쿠폰 받는 곳").first?.question != "쿠폰은 어디서 받나요?")
        try store.importRows([FAQRow(question: "쿠폰은 어디서 받나요?", answer: "이벤트 페이지")], source: "/b.csv")
        #expect(try store.search("쿠폰 받는 곳").first?.question == "쿠폰은 어디서 받나요?")
    }
}
