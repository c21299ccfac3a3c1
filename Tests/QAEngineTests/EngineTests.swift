import FAQRetrieval
import Foundation
import Testing
@testable import QAEngine

/// A small index: two domain entries and three small-talk entries (ChatbotData.csv as the source).
func tinyEngine(policy: RoutingPolicy = RoutingPolicy()) throws -> (Engine, FAQStore) {
    let store = try FAQStore(path: ":memory:")
    try store.importRows([FAQRow(question: "비밀번호를 잊어버렸어요", answer: "설정에서 비밀번호 재설정을 누르세요."),
                          FAQRow(question: "환불은 어떻게 하나요", answer: "주문 내역에서 환불을 신청하세요.")], source: "/data/shop_faq.csv")
    try store.importRows([FAQRow(question: "배고파", answer: "뭐라도 드세요."),
                          FAQRow(question: "심심해", answer: "친구랑 놀아 보세요."),
                          FAQRow(question: "위로해 줘", answer: "힘내세요.")], source: "/data/ChatbotData.csv")
    return (Engine(store: store, policy: policy), store)
}

@Suite struct EngineTests {
    @Test func answersFromTheRightSource() throws {
        let (engine, _) = try tinyEngine()
        let faq = try engine.reply(to: "비밀번호를 잊어버렸어요")
        #expect(faq.route == .faq && faq.reason == .faqMatch && faq.matches.first?.answer == "설정에서 비밀번호 재설정을 누르세요.")
        #expect(faq.matches.allSatisfy { !$0.smalltalk } && faq.scores.faq == 1 && faq.intent == nil)
        #expect(faq.message.contains("설정에서 비밀번호") && faq.message.contains("일치도 1.00"))
        let talk = try engine.reply(to: "배고파")
        #expect(talk.route == .smalltalk && talk.matches.first?.smalltalk == true && talk.message.contains("잡담"))
        let nothing = try engine.reply(to: "양자역학")
        #expect(nothing.route == .unknown && nothing.reason == .noMatch && nothing.matches.isEmpty)
        #expect(nothing.message == "잘 모르겠어요. 이 말과 겹치는 단어가 있는 FAQ 항목이 없어요.")
        let summary = try engine.reply(to: "요약해 줘", language: .english)
        #expect(summary.route == .summary && summary.reason == .nothingToSummarize && summary.summary == nil)
        #expect(summary.message.hasPrefix("There is nothing to summarize"))
    }

    /// "요약해 줘" with a passage summarizes it (extractive: its central sentences, verbatim,
    /// with offsets into the passage); /summarize TEXT summarizes the text.
    @Test func summaryRequestsSummarizeThePassage() throws {
        let (engine, _) = try tinyEngine()
        let passage = "고양이는 작은 동물이다. 오늘 주식 시장은 하락했다. 고양이는 작고 귀여운 동물이다. 많은 사람이 고양이를 키운다."
        let reply = try engine.reply(to: "이 글 요약해 줘", passage: passage)
        #expect(reply.route == .summary && reply.reason == .summarized && reply.summary?.mode == .extractive)
        let sentences = try #require(reply.summary?.sentences)
        #expect(sentences.count == 3 && !sentences.contains { $0.text.contains("주식") })
        let scalars = Array(passage.unicodeScalars)
        for s in sentences { #expect(String(String.UnicodeScalarView(scalars[s.start..<s.end])) == s.text) }
        #expect(reply.message.contains("추출 요약 · 4문장 중 3문장"))
        let chat = Conversation(engine: engine)
        guard case .message(let text) = chat.handle("/summarize " + passage) else { Issue.record("no message"); return }
        #expect(text.hasPrefix(sentences.map(\.text).joined(separator: " ")))
        guard case .message(let empty) = chat.handle("/summarize") else { Issue.record("no message"); return }
        #expect(empty.hasPrefix("요약할 글이 없어요"))
    }

    @Test func weakMatchesAreSaidToBeWeak() throws {
        let (engine, _) = try tinyEngine()
        let reply = try engine.reply(to: "비밀 이야기 하나 해 줄까", top: 2)
        #expect(reply.route == .unknown && reply.reason == .weakMatch, "\(reply)")
        #expect(!reply.matches.isEmpty && reply.matches.count <= 2 && reply.message.hasPrefix("잘 모르겠어요. 잘 맞는 답을 찾지 못했어요"))
    }

    @Test func repliesEncodeAsJSONWithFullPrecision() throws {
        let (engine, _) = try tinyEngine()
        let reply = try engine.reply(to: "환불 어떻게 해요")
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(reply)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["route"] as? String == "faq" && object["reason"] as? String == "faqMatch")
        let scores = object["scores"] as! [String: Any]
        #expect(scores["answer_threshold"] as? Double == 0.37 && scores["summary_request"] as? Bool == false)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let back = try decoder.decode(Reply.self, from: data)
        #expect(back == reply)
        // The confidence is not rounded on the way.
        #expect(back.matches[0].confidence == reply.matches[0].confidence && reply.matches[0].confidence != (reply.matches[0].confidence * 100).rounded() / 100)
    }

    @Test func askFlagsWeakMatches() throws {
        let (engine, _) = try tinyEngine()
        #expect(try engine.ask("비밀번호를 잊어버렸어요", top: 3).lowConfidence == false)
        #expect(try engine.ask("비밀 이야기", top: 3).lowConfidence == true)
        let none = try engine.ask("양자역학", top: 3)
        #expect(none.lowConfidence && none.results.isEmpty && ReplyText(.korean).message(for: none).contains("FAQ 항목이 없어요"))
    }

    @Test func manyThreadsShareOneEngine() throws {
        let (engine, _) = try tinyEngine()
        let lines = ["비밀번호를 잊어버렸어요", "배고파", "환불은 어떻게", "심심해", "양자역학", "요약해 줘"]
        let expected = try lines.map { try engine.reply(to: $0) }
        final class Results: @unchecked Sendable {
            var replies = [Reply?](repeating: nil, count: 64)
            let lock = NSLock()
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let reply = try? engine.reply(to: lines[i % lines.count])
            results.lock.lock(); results.replies[i] = reply; results.lock.unlock()
        }
        for i in 0..<64 { #expect(results.replies[i] == expected[i % lines.count]) }
    }

    @Test func theReaderIsOnlyTriedWithAPassage() throws {
        let (engine, _) = try tinyEngine()
        #expect(!engine.hasReader)
        // No reader: a passage is ignored, never crashes.
        let reply = try engine.reply(to: "배고파", passage: "아무 글")
        #expect(reply.route == .smalltalk && reply.scores.reader == nil)
    }
}

@Suite struct ConversationTests {
    @Test func slashCommands() throws {
        let (engine, _) = try tinyEngine()
        let chat = Conversation(engine: engine)
        #expect(chat.handle("   ") == .nothing)
        #expect(chat.handle("/quit") == .quit)
        guard case .message(let help) = chat.handle("/help") else { Issue.record("no help"); return }
        #expect(help.contains("/passage") && help.contains("/why") && help.contains("지금: 1"))
        #expect(chat.handle("/top 3") == .message("답을 3개까지 보여 줄게요") && chat.settings.top == 3)
        #expect(chat.handle("/top 0") == .message("사용법: /top N  (N: 1–50)") && chat.settings.top == 3)
        #expect(chat.handle("/why") == .message("아직 설명할 답이 없어요. 먼저 무언가를 물어보세요."))
        guard case .reply(let reply) = chat.handle("환불은 어떻게 하나요") else { Issue.record("no reply"); return }
        #expect(reply.route == .faq && chat.recent.last == reply)
        guard case .message(let why) = chat.handle("/why") else { Issue.record("no why"); return }
        #expect(why.contains("→ faq") && why.contains("FAQ 일치도 1.00") && why.contains("기준 0.37"))
        #expect(chat.handle("/lang en") == .message("speaking English now") && chat.settings.language == .english)
        #expect(chat.handle("/nope") == .message("unknown command /nope; type /help"))
        #expect(chat.handle("/lang fr") == .message("usage: /lang ko|en"))
    }

    @Test func passages() throws {
        let (engine, _) = try tinyEngine()
        let chat = Conversation(engine: engine)
        #expect(chat.handle("/passage") == .message("지문이 없어요. 사용법: /passage 파일 또는 /passage 글"))
        guard case .message(let missing) = chat.handle("/passage missing.txt") else { Issue.record("no message"); return }
        #expect(missing.hasPrefix("그런 파일이 없어요") && !chat.hasPassage)
        // This engine has no reader: a passage cannot be read, and says why.
        guard case .message(let noReader) = chat.handle("/passage 서울은 한국의 수도이다.") else { Issue.record("no message"); return }
        #expect(noReader.contains("reader") && !chat.hasPassage)
    }

    @Test func dbSwitchKeepsTheModelsAndChecksThePath() throws {
        let (engine, _) = try tinyEngine()
        let chat = Conversation(engine: engine)
        guard case .message(let message) = chat.handle("/db /nonexistent/x.sqlite") else { Issue.record("no message"); return }
        #expect(message.contains("FAQ 색인이 없어요"))
        let folder = try temporaryFolder()
        let other = try FAQStore(path: folder + "/other.sqlite")
        try other.importRows([FAQRow(question: "배송은 얼마나 걸려요", answer: "이틀 걸립니다.")], source: "ship.csv")
        #expect(chat.handle("/db \(folder)/other.sqlite") == .message("\(folder)/other.sqlite 색인을 씁니다 (항목 1개)"))
        guard case .reply(let reply) = chat.handle("배송은 얼마나 걸려요") else { Issue.record("no reply"); return }
        #expect(reply.matches.first?.answer == "이틀 걸립니다.")
    }
}

@Suite struct KorQAHomeTests {
    @Test func findsShippedFoldersInOrder() throws {
        let first = try temporaryFolder(), second = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: second + "/faq", withIntermediateDirectories: true)
        try "question,answer\n안녕,반가워요\n".write(toFile: second + "/faq/a.csv", atomically: true, encoding: .utf8)
        try "not an faq".write(toFile: second + "/faq/notes.txt", atomically: true, encoding: .utf8)
        let home = KorQAHome(dataDirectory: first + "/data", searchPaths: [first, second])
        #expect(home.shipped("faq") == second + "/faq" && home.shipped("resources") == nil)
        #expect(home.bundledFAQFiles() == [second + "/faq/a.csv"])
        #expect(throws: QAEngineError.shippedModelMissing(name: "resources/reader-korquad", searched: [first, second])) { try home.reader(nil) }
        // The default index is seeded once, with events; a given path must exist.
        var events: [String] = []
        let store = try home.openIndex(nil) { event in events.append("\(event)") }
        #expect(try store.count() == 1 && events.count == 2 && store.path == first + "/data/faq.sqlite")
        events = []
        _ = try home.openIndex(nil) { event in events.append("\(event)") }
        #expect(events.isEmpty)
        #expect(throws: QAEngineError.noIndex(path: first + "/none.sqlite")) { try home.openIndex(first + "/none.sqlite") }
        // Indexing into a new file creates it (empty: given paths are never seeded).
        #expect(try home.openIndex(first + "/new.sqlite", create: true).count() == 0)
        #expect(FileManager.default.fileExists(atPath: first + "/new.sqlite"))
        let empty = KorQAHome(dataDirectory: first + "/data2", searchPaths: [first])
        #expect(throws: QAEngineError.self) { try empty.openIndex(nil) }
    }

    @Test func standardPlaces() {
        let home = KorQAHome.standard(executable: "/opt/korqa/bin/korqa", environment: ["HOME": "/home/u", "KORQA_HOME": "/k"])
        #expect(home.dataDirectory == "/home/u/.local/share/korqa" && home.defaultDatabase == "/home/u/.local/share/korqa/faq.sqlite")
        #expect(Array(home.searchPaths.prefix(3)) == ["/k", "/opt/korqa/share/korqa", "/opt/korqa/bin"])
        #expect(home.searchPaths.last == "/usr/local/share/korqa")
        let xdg = KorQAHome.standard(executable: "/x/korqa", environment: ["XDG_DATA_HOME": "/xdg"])
        #expect(xdg.dataDirectory == "/xdg/korqa")
    }

    @Test func errorsAreLocalizedAndNameNoFlags() {
        let errors: [Error] = [QAEngineError.noIndex(path: "/a"), QAEngineError.shippedModelMissing(name: "resources/x", searched: ["/b"])]
        for error in errors {
            #expect(error.localizedDescription == "\(error)" && !error.localizedDescription.contains("--"))
        }
    }
}
