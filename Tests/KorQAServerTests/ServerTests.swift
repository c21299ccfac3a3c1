import FAQRetrieval
import MRCReader
import Foundation
import HummingbirdTesting
import Hummingbird
import QAEngine
import Testing
@testable import KorQAServer

/// The checkout (resources/ holds the shipped reader).
let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

@Suite struct ServerTests {
    /// An engine over a small in-memory FAQ; `reader`: with the shipped reader.
    static func service(reader: Bool = false, limits: KorQAService.Limits = .init()) throws -> KorQAService {
        let store = try FAQStore(path: ":memory:")
        let csv = "question,answer\n비밀번호를 잊어버렸어요,로그인 화면에서 비밀번호 찾기를 누르세요.\n배송은 얼마나 걸려요?,보통 2~3일 걸립니다.\n"
        _ = try store.importFiles([try FAQFile.parse(Data(csv.utf8), path: "faq.csv")])
        let home = KorQAHome(dataDirectory: NSTemporaryDirectory(), searchPaths: [checkout])
        let engine = reader ? Engine(store: store, loadReader: { @Sendable in try home.reader(nil) }) : Engine(store: store)
        return KorQAService(engine: engine, limits: limits)
    }

    static func post(_ client: some TestClientProtocol, _ uri: String, _ body: String) async throws -> (status: Int, json: [String: Any]) {
        try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body)) { response in
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
            return (Int(response.status.code), object)
        }
    }

    static func errorField(_ json: [String: Any]) -> String? { (json["error"] as? [String: Any])?["field"] as? String }

    @Test func healthReadyAndAsk() async throws {
        let app = Application(router: try Self.service().router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            let ask = try await Self.post(client, "/v1/ask", #"{"question": "비밀번호 잊어버렸어", "top": 2}"#)
            let results = ask.json["results"] as? [[String: Any]] ?? []
            #expect(ask.status == 200 && (1...2).contains(results.count) && (results.first?["answer"] as? String)?.contains("비밀번호 찾기") == true, "\(ask.json)")
            #expect(ask.json["low_confidence"] as? Bool == false)
        }
    }

    /// Bad requests are 400/413 JSON errors naming the field, never a crash.
    @Test func badRequestsNameTheirField() async throws {
        var limits = KorQAService.Limits()
        limits.maxBodyBytes = 200
        limits.maxTextLength = 20
        let app = Application(router: try Self.service(limits: limits).router())
        try await app.test(.router) { client in
            let missing = try await Self.post(client, "/v1/ask", #"{"top": 1}"#)
            #expect(missing.status == 400 && Self.errorField(missing.json) == "question", "\(missing.json)")
            let wrongType = try await Self.post(client, "/v1/ask", #"{"question": 3}"#)
            #expect(wrongType.status == 400 && Self.errorField(wrongType.json) == "question")
            let notJSON = try await Self.post(client, "/v1/ask", "question=hi")
            #expect(notJSON.status == 400 && notJSON.json["error"] != nil)
            let empty = try await Self.post(client, "/v1/ask", #"{"question": "  "}"#)
            #expect(empty.status == 400 && Self.errorField(empty.json) == "question")
            let top = try await Self.post(client, "/v1/ask", #"{"question": "배송", "top": 0}"#)
            #expect(top.status == 400 && Self.errorField(top.json) == "top")
            let long = try await Self.post(client, "/v1/ask", #"{"question": "배송은 얼마나 걸려요 배송은 얼마나 걸려요"}"#)
            #expect(long.status == 413 && Self.errorField(long.json) == "question")
            let big = try await Self.post(client, "/v1/ask", #"{"question": ""# + String(repeating: "가", count: 300) + #""}"#)
            #expect(big.status == 413, "\(big.json)")
            let invalid = try await client.execute(uri: "/v1/ask", method: .post, body: ByteBuffer(bytes: [0x7B, 0xFF, 0xFE, 0x7D])) { $0.status }
            #expect(invalid == .badRequest)
            let both = try await Self.post(client, "/v1/intent", #"{"text": "안녕", "texts": ["안녕"]}"#)
            #expect(both.status == 400 && Self.errorField(both.json) == "text")
            let mode = try await Self.post(client, "/v1/summarize", #"{"text": "고양이는 귀엽다.", "mode": "poem"}"#)
            #expect(mode.status == 400 && Self.errorField(mode.json) == "mode")
            // No reader in this engine: reading is unavailable, said as such.
            let read = try await Self.post(client, "/v1/read", #"{"question": "몇 대?", "passage": "제39대 대통령"}"#)
            #expect(read.status == 503)
            try await client.execute(uri: "/v1/nowhere", method: .post) { #expect($0.status == .notFound) }
            // Every answered request is counted by route and status, and timed.
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"korqa_requests_total{route="/v1/ask",status="400"} 6"#), "\(text)")
                #expect(text.contains(#"korqa_requests_total{route="/v1/ask",status="413"} 2"#))
                #expect(text.contains(#"korqa_request_seconds_count{route="/v1/read"} 1"#) && text.contains("le=\"+Inf\""))
            }
        }
    }

    @Test func intentsAndSummaries() async throws {
        let app = Application(router: try Self.service().router())
        try await app.test(.router) { client in
            // This engine has no intent model: every text gets null, in order.
            let intents = try await Self.post(client, "/v1/intent", #"{"texts": ["안녕", "창문 닫아 줘"]}"#)
            #expect(intents.status == 200 && (intents.json["intents"] as? [Any])?.count == 2, "\(intents.json)")
            let text = "고양이는 작은 육식 동물이다. 오늘 주식 시장은 크게 하락했다. 고양이는 작고 귀여워 인기가 많다. 많은 사람이 고양이를 키운다."
            let summary = try await Self.post(client, "/v1/summarize", #"{"text": "\#(text)", "mode": "extractive", "sentences": 2}"#)
            #expect(summary.status == 200 && (summary.json["text"] as? String)?.contains("고양이") == true
                    && !(summary.json["text"] as? String ?? "").contains("주식") && summary.json["mode"] as? String == "extractive", "\(summary.json)")
        }
    }

    /// Reading, and a chat whose conversation (its passage) lives on the server between requests.
    @Test func readAndChatWithServerSideConversation() async throws {
        let app = Application(router: try Self.service(reader: true).router())
        let passage = "지미 카터는 1924년 10월 1일 조지아주 플레인스에서 태어났다. 그는 미국의 제39대 대통령이다."
        try await app.test(.router) { client in
            let read = try await Self.post(client, "/v1/read", #"{"question": "카터는 몇 대 대통령이야?", "passage": "\#(passage)"}"#)
            let answer = (read.json["answers"] as? [[String: Any]])?.first
            #expect(read.status == 200 && (answer?["text"] as? String)?.contains("39") == true, "\(read.json)")
            let first = try await Self.post(client, "/v1/chat", #"{"message": "안녕", "passage": "\#(passage)"}"#)
            let id = try #require(first.json["conversation_id"] as? String)
            let second = try await Self.post(client, "/v1/chat", #"{"message": "카터는 몇 대 대통령이야?", "conversation_id": "\#(id)"}"#)
            let reply = second.json["reply"] as? [String: Any] ?? [:]
            #expect(second.json["conversation_id"] as? String == id && reply["route"] as? String == "reader", "\(second.json)")
            // Another conversation has no passage.
            let other = try await Self.post(client, "/v1/chat", #"{"message": "카터는 몇 대 대통령이야?"}"#)
            #expect(other.json["conversation_id"] as? String != id && (other.json["reply"] as? [String: Any])?["route"] as? String != "reader")
            // A passage is text, never a file of the server.
            let file = try await Self.post(client, "/v1/chat", #"{"message": "내용이 뭐야?", "passage": "/etc/passwd"}"#)
            #expect(!"\(file.json)".contains("root:"))
        }
    }

    @Test func conversationsExpireAndAreBounded() throws {
        let store = try FAQStore(path: ":memory:")
        let conversations = ConversationStore(engine: Engine(store: store), ttl: 3_600, capacity: 2)
        let (a, _) = try conversations.reply(to: "안녕", conversation: nil, top: 1, passage: nil)
        _ = try conversations.reply(to: "안녕", conversation: "b", top: 1, passage: nil)
        _ = try conversations.reply(to: "안녕", conversation: "c", top: 1, passage: nil)
        #expect(conversations.count == 2)
        let (again, _) = try conversations.reply(to: "안녕", conversation: a, top: 1, passage: nil)
        #expect(again == a)  // the oldest was dropped; the id is kept, with a new conversation
        let expiring = ConversationStore(engine: Engine(store: store), ttl: 0, capacity: 10)
        _ = try expiring.reply(to: "안녕", conversation: "x", top: 1, passage: nil)
        _ = try expiring.reply(to: "안녕", conversation: "y", top: 1, passage: nil)
        #expect(expiring.count == 1)
    }

    /// openapi.yaml documents exactly the endpoints the server has, and each of them is routed.
    @Test func openAPIDocumentMatchesTheRoutes() async throws {
        let yaml = try String(contentsOfFile: checkout + "/openapi.yaml", encoding: .utf8)
        var documented: [String] = [], path = ""
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            else if !path.isEmpty, let method = ["get", "post", "put", "delete"].first(where: { line == "    \($0):" }) {
                documented.append(method.uppercased() + " " + path)
            } else if !line.hasPrefix(" ") && !line.isEmpty { path = "" }
        }
        #expect(documented.sorted() == KorQAService.endpoints.sorted(), "\(documented)")
        let app = Application(router: try Self.service().router())
        try await app.test(.router) { client in
            for endpoint in KorQAService.endpoints {
                let parts = endpoint.split(separator: " ")
                let method: HTTPRequest.Method = parts[0] == "GET" ? .get : parts[0] == "DELETE" ? .delete : .post
                let uri = String(parts[1]).replacingOccurrences(of: "{id}", with: "1")
                try await client.execute(uri: uri, method: method, body: ByteBuffer(string: "{}")) {
                    #expect($0.status != .notFound && $0.status != .methodNotAllowed, "\(endpoint)")
                }
            }
        }
    }

    /// Writes need the bearer token; they change what /v1/ask finds at once; bad ids are named.
    @Test func faqWritesNeedTheTokenAndShowInSearch() async throws {
        let store = try FAQStore(path: ":memory:")
        let token = "0123456789abcdef-secret"
        let service = KorQAService(engine: Engine(store: store), writableStore: store, token: token)
        let readOnly = KorQAService(engine: Engine(store: store))
        let add = #"{"entries": [{"question": "영업시간이 어떻게 되나요?", "answer": "평일 9시부터 6시까지입니다."}]}"#
        try await Application(router: readOnly.router()).test(.router) { client in
            let refused = try await Self.post(client, "/v1/faq", add)
            #expect(refused.status == 403)
        }
        try await Application(router: service.router()).test(.router) { client in
            let anonymous = try await Self.post(client, "/v1/faq", add)
            #expect(anonymous.status == 401)
            let wrong = try await client.execute(uri: "/v1/faq", method: .post, headers: [.authorization: "Bearer nope"], body: ByteBuffer(string: add)) { $0.status }
            #expect(wrong == .unauthorized)
            let added = try await client.execute(uri: "/v1/faq", method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: add)) {
                ($0.status, try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any] ?? [:])
            }
            #expect(added.0 == .ok && added.1["added"] as? Int == 1, "\(added.1)")
            let id = try #require((added.1["ids"] as? [Any])?.first as? Int)
            let ask = try await Self.post(client, "/v1/ask", #"{"question": "영업시간 알려주세요"}"#)
            #expect(((ask.json["results"] as? [[String: Any]])?.first?["answer"] as? String)?.contains("9시") == true, "\(ask.json)")
            try await client.execute(uri: "/v1/faq/\(id)", method: .get) { response in
                let entry = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
                #expect(response.status == .ok && entry["source"] as? String == "api" && entry["question"] as? String == "영업시간이 어떻게 되나요?")
            }
            try await client.execute(uri: "/v1/faq/abc", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/v1/faq/\(id)", method: .delete) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/faq/\(id)", method: .delete, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/faq/\(id)", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/faq/\(id)", method: .delete, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .notFound) }
            let gone = try await Self.post(client, "/v1/ask", #"{"question": "영업시간 알려주세요"}"#)
            #expect((gone.json["results"] as? [[String: Any]])?.isEmpty == true, "\(gone.json)")
            let empty = try await client.execute(uri: "/v1/faq", method: .post, headers: [.authorization: "Bearer \(token)"],
                                                 body: ByteBuffer(string: #"{"entries": []}"#)) { $0.status }
            #expect(empty == .badRequest)
        }
    }

    /// A request that takes longer than the limit is answered 503 with a JSON error; the server
    /// keeps serving.
    @Test func slowRequestsTimeOut() async throws {
        var limits = KorQAService.Limits()
        limits.requestTimeout = 0.05
        let app = Application(router: try Self.service(reader: true, limits: limits).router())
        try await app.test(.router) { client in
            // ~20k characters: loading the reader and reading ~20 windows takes far longer than 50 ms.
            let passage = String(repeating: "지미 카터는 미국의 제39대 대통령이다. ", count: 900)
            let slow = try await Self.post(client, "/v1/read", #"{"question": "카터는 몇 대 대통령이야?", "passage": "\#(passage)"}"#)
            #expect(slow.status == 503 && ((slow.json["error"] as? [String: Any])?["message"] as? String)?.contains("longer than") == true, "\(slow.json)")
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }
}
