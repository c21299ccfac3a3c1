import FAQRetrieval
import Foundation
import Hummingbird
import QAEngine
import Summarizer

/// `korqa serve`: the engine behind versioned JSON endpoints. The server holds no logic of its
/// own — every answer is the `Engine`'s (the one the chat uses) — only request decoding, limits,
/// error bodies and the per-conversation state of `/v1/chat`.
///
/// Errors are JSON: `{"error": {"status": 400, "message": "…", "field": "question"}}`.
public struct KorQAService: Sendable {
    public struct Limits: Sendable {
        /// Largest request body, bytes (larger: 413).
        public var maxBodyBytes = 1 << 20
        /// Longest text field (question, message, passage, text), Unicode scalars (longer: 413).
        public var maxTextLength = 100_000
        /// Most texts in one /v1/intent request.
        public var maxTexts = 256
        /// Conversations idle this long are forgotten (seconds).
        public var conversationTTL: Double = 1_800
        /// Most conversations kept at once (the least recently used go first).
        public var maxConversations = 10_000
        /// A request that takes longer is answered 503 (its work finishes in the background and
        /// is dropped: the models cannot be interrupted mid-call).
        public var requestTimeout: Double = 30
        public init() {}
    }

    public let engine: Engine
    public let limits: Limits
    let conversations: ConversationStore
    let metrics = RequestMetrics()
    /// The index the write endpoints change (nil: writes are refused) and the bearer token they
    /// need (read from a file by `korqa serve --token-file`, never logged).
    let writableStore: FAQStore?
    let token: String?

    /// The source name of entries added over HTTP.
    public static let apiSource = "api"

    public init(engine: Engine, limits: Limits = Limits(), writableStore: FAQStore? = nil, token: String? = nil) {
        self.engine = engine
        self.limits = limits
        self.writableStore = writableStore
        self.token = token
        conversations = ConversationStore(engine: engine, ttl: limits.conversationTTL, capacity: limits.maxConversations)
    }

    // MARK: Request and response bodies (snake_case on the wire)

    struct AskRequest: Decodable { var question: String; var top: Int?; var documents: Bool? }
    struct ReadRequest: Decodable { var question: String; var passage: String; var top: Int? }
    struct IntentRequest: Decodable { var text: String?; var texts: [String]? }
    struct SummarizeRequest: Decodable { var text: String; var mode: String?; var sentences: Int? }
    /// `passage`: the conversation's passage from now on (text, never a file name; "" clears it).
    struct ChatRequest: Decodable { var message: String; var conversationId: String?; var top: Int?; var passage: String? }

    struct FAQWrite: Decodable {
        struct Entry: Decodable { var question: String; var answer: String; var category: String? }
        var entries: [Entry]
    }
    struct FAQWriteReply: Encodable { var added: Int; var updated: Int; var unchanged: Int; var ids: [Int64?] }

    struct DocumentsReply: Encodable { var query: String; var answers: [DocumentAnswer]; var lowConfidence: Bool }
    struct ReadReply: Encodable { var question: String; var answers: [PassageAnswer] }
    struct IntentReply: Encodable { var intents: [IntentLabel?] }
    struct ChatReply: Encodable { var conversationId: String; var reply: Reply }

    /// Every endpoint `router()` serves, as "METHOD /path" (openapi.yaml documents the same set;
    /// a test checks both against the router).
    public static let endpoints = ["GET /healthz", "GET /readyz", "GET /metrics", "POST /v1/ask", "POST /v1/read", "POST /v1/intent",
                                   "POST /v1/summarize", "POST /v1/chat", "POST /v1/faq", "GET /v1/faq/{id}", "DELETE /v1/faq/{id}"]

    /// The router with every endpoint.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        // Every request logged with its request id (swift-log; LOG_LEVEL=debug shows them), the
        // Authorization header never.
        router.add(middleware: LogRequestsMiddleware(.debug, redactHeaders: [.authorization]))
        router.get("/healthz") { _, _ in try Self.json(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            do {
                _ = try engine.search("준비", limit: 1)
                return try Self.json(["status": "ready"])
            } catch {
                return try Self.error(.serviceUnavailable, "not ready: \(error)")
            }
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        router.post("/v1/ask") { request, _ in
            try await handle(request, route: "/v1/ask") { (body: AskRequest) in
                let question = try text(body.question, field: "question")
                let top = try count(body.top ?? 1, field: "top", range: 1...50)
                if body.documents == true {
                    guard engine.hasReader else { throw APIError(.serviceUnavailable, "no reader is loaded: documents cannot be read", field: "documents") }
                    let answers = try engine.answerFromDocuments(question, passages: 5, top: top)
                    return try Self.json(DocumentsReply(query: question, answers: answers,
                                                        lowConfidence: (answers.first?.score ?? 0) < engine.policy.documentThreshold))
                }
                return try Self.json(try engine.ask(question, top: top))
            }
        }
        router.post("/v1/read") { request, _ in
            try await handle(request, route: "/v1/read") { (body: ReadRequest) in
                let question = try text(body.question, field: "question"), passage = try text(body.passage, field: "passage")
                let top = try count(body.top ?? 1, field: "top", range: 1...20)
                guard engine.hasReader else { throw APIError(.serviceUnavailable, "no reader is loaded", field: nil) }
                let answers = try engine.read(question: question, passage: passage, top: top).map(PassageAnswer.init)
                return try Self.json(ReadReply(question: question, answers: answers))
            }
        }
        router.post("/v1/intent") { request, _ in
            try await handle(request, route: "/v1/intent") { (body: IntentRequest) in
                let texts: [String]
                switch (body.text, body.texts) {
                case (let one?, nil): texts = [one]
                case (nil, let many?): texts = many
                default: throw APIError(.badRequest, "give either \"text\" or \"texts\"", field: "text")
                }
                guard texts.count <= limits.maxTexts else { throw APIError(.contentTooLarge, "at most \(limits.maxTexts) texts", field: "texts") }
                let intents = try texts.map { try engine.intent(of: try text($0, field: "texts", allowEmpty: true)) }
                return try Self.json(IntentReply(intents: intents))
            }
        }
        router.post("/v1/summarize") { request, _ in
            try await handle(request, route: "/v1/summarize") { (body: SummarizeRequest) in
                let input = try text(body.text, field: "text")
                let mode = try body.mode.map { name -> SummaryMode in
                    guard let mode = SummaryMode(rawValue: name) else {
                        throw APIError(.badRequest, "unknown mode \"\(name)\" (auto, abstractive, extractive)", field: "mode")
                    }
                    return mode
                } ?? .auto
                let sentences = try count(body.sentences ?? 3, field: "sentences", range: 1...50)
                guard let result = try engine.summarize(input, mode: mode, sentences: sentences) else {
                    throw APIError(.serviceUnavailable, "no summarizer is loaded", field: nil)
                }
                return try Self.json(result)
            }
        }
        router.post("/v1/chat") { request, _ in
            try await handle(request, route: "/v1/chat") { (body: ChatRequest) in
                let message = try text(body.message, field: "message")
                if let id = body.conversationId, id.isEmpty || id.count > 128 {
                    throw APIError(.badRequest, "conversation_id must be 1–128 characters", field: "conversation_id")
                }
                let top = try count(body.top ?? 1, field: "top", range: 1...20)
                let passage = try body.passage.map { try text($0, field: "passage", allowEmpty: true) }
                let (id, reply) = try conversations.reply(to: message, conversation: body.conversationId, top: top, passage: passage)
                return try Self.json(ChatReply(conversationId: id, reply: reply))
            }
        }
        router.post("/v1/faq") { request, _ in
            try await handle(request, route: "/v1/faq") { (body: FAQWrite) in
                let store = try authorize(request)
                guard !body.entries.isEmpty, body.entries.count <= 1_000 else {
                    throw APIError(.badRequest, "give 1 to 1000 entries", field: "entries")
                }
                let rows = try body.entries.enumerated().map { i, e in
                    FAQRow(question: try text(e.question, field: "entries[\(i)].question"), answer: try text(e.answer, field: "entries[\(i)].answer"),
                           category: e.category, location: "entries[\(i)]")
                }
                let summary = try store.upsertEntries(rows, source: Self.apiSource)
                // New entries get their sentence vectors now, so hybrid search finds them by meaning too.
                if let embedder = engine.embedder { _ = try store.updateVectors(using: embedder) }
                let ids = try store.entryIDs(source: Self.apiSource, questions: rows.map(\.question))
                return try Self.json(FAQWriteReply(added: summary.added, updated: summary.updated, unchanged: summary.unchanged, ids: ids))
            }
        }
        router.get("/v1/faq/:id") { request, context in
            try await handle(request, route: "/v1/faq/{id}", allowEmptyBody: true) { (_: Empty) in
                let id = try entryID(context)
                guard let entry = try (writableStore ?? engine.store as? FAQStore)?.entry(id: id) else {
                    throw APIError(.notFound, "no FAQ entry \(id)", field: "id")
                }
                return try Self.json(entry)
            }
        }
        router.delete("/v1/faq/:id") { request, context in
            try await handle(request, route: "/v1/faq/{id}", allowEmptyBody: true) { (_: Empty) in
                let store = try authorize(request)
                let id = try entryID(context)
                guard try store.removeEntry(id: id) else { throw APIError(.notFound, "no FAQ entry \(id)", field: "id") }
                return try Self.json(["removed": id])
            }
        }
        return router
    }

    // MARK: Helpers

    /// Runs the engine's (blocking) work on a Dispatch thread, off Swift concurrency's few
    /// cooperative threads, and gives up after `limits.requestTimeout` seconds.
    func offload(_ work: @escaping @Sendable () throws -> Response) async throws -> Response {
        let timeout = limits.requestTimeout
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Response, any Error>) in
            let once = Once()
            DispatchQueue.global().async {
                let result = Result { try work() }
                if once.claim() { continuation.resume(with: result) }
            }
            // Its own queue: the global queues run on as many threads as there are cores, and
            // with those busy with engine work the timeout would wait for the work it times out.
            Self.timeouts.asyncAfter(deadline: .now() + timeout) {
                if once.claim() {
                    continuation.resume(throwing: APIError(.serviceUnavailable, String(format: "the request took longer than %g s", timeout)))
                }
            }
        }
    }

    /// Where request timeouts fire (a serial queue with a thread of its own).
    static let timeouts = DispatchQueue(label: "korqa.server.timeouts")

    /// A request without a body (GET, DELETE).
    struct Empty: Decodable {}

    func entryID(_ context: BasicRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError(.badRequest, "the entry id must be an integer", field: "id") }
        return id
    }

    /// The writable index when the request carries the server's bearer token; 403 when the
    /// server takes no writes, 401 for a missing or wrong token (compared in constant time).
    func authorize(_ request: Request) throws -> FAQStore {
        guard let token, let store = writableStore else {
            throw APIError(.forbidden, "this server takes no writes (start it with --token-file)")
        }
        let given = Array((request.headers[.authorization] ?? "").utf8), expected = Array("Bearer \(token)".utf8)
        var difference = given.count == expected.count ? 0 : 1
        for i in 0..<min(given.count, expected.count) { difference |= Int(given[i] ^ expected[i]) }
        guard difference == 0 else { throw APIError(.unauthorized, "a write needs the header Authorization: Bearer <token>") }
        return store
    }

    /// A client mistake (or an unavailable model) with the field it concerns.
    struct APIError: Error {
        var status: HTTPResponse.Status
        var message: String
        var field: String?
        init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) {
            self.status = status
            self.message = message
            self.field = field
        }
    }

    /// Reads the body (at most `maxBodyBytes`), decodes it as `Body` and runs `body`; every
    /// failure becomes a JSON error response, never a crash or an HTML page.
    func handle<Body: Decodable & Sendable>(_ request: Request, route: String, allowEmptyBody: Bool = false,
                                            _ respond: @escaping @Sendable (Body) throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await decodeAndRespond(request, allowEmptyBody: allowEmptyBody, respond)
        metrics.record(route: route, status: Int(response.status.code), seconds: (ContinuousClock.now - started).inSeconds)
        return response
    }

    private func decodeAndRespond<Body: Decodable & Sendable>(_ request: Request, allowEmptyBody: Bool,
                                                              _ respond: @escaping @Sendable (Body) throws -> Response) async throws -> Response {
        do {
            var data = Data()
            for try await chunk in request.body {
                guard data.count + chunk.readableBytes <= limits.maxBodyBytes else {
                    throw APIError(.contentTooLarge, "the request body is larger than \(limits.maxBodyBytes) bytes")
                }
                data.append(contentsOf: chunk.readableBytesView)
            }
            guard String(data: data, encoding: .utf8) != nil else { throw APIError(.badRequest, "the body is not valid UTF-8") }
            if allowEmptyBody && data.isEmpty { data = Data("{}".utf8) }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let body: Body
            do { body = try decoder.decode(Body.self, from: data) } catch let error as DecodingError {
                throw Self.explain(error)
            }
            return try await offload { try respond(body) }
        } catch let error as APIError {
            return try Self.error(error.status, error.message, field: error.field)
        } catch {
            return try Self.error(.internalServerError, "\(error)")
        }
    }

    func text(_ value: String, field: String, allowEmpty: Bool = false) throws -> String {
        guard value.unicodeScalars.count <= limits.maxTextLength else {
            throw APIError(.contentTooLarge, "\(field) is longer than \(limits.maxTextLength) characters", field: field)
        }
        guard allowEmpty || value.contains(where: { !$0.isWhitespace }) else { throw APIError(.badRequest, "\(field) is empty", field: field) }
        return value
    }

    func count(_ value: Int, field: String, range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else { throw APIError(.badRequest, "\(field) must be in \(range.lowerBound)…\(range.upperBound) (got \(value))", field: field) }
        return value
    }

    /// A decoding error as the field it concerns (snake_case, as the client wrote it).
    static func explain(_ error: DecodingError) -> APIError {
        func name(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let keys = path + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? snake($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = name(context.codingPath, key)
            return APIError(.badRequest, "missing field \"\(field)\"", field: field)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = name(context.codingPath)
            return APIError(.badRequest, "field \"\(field)\" must be \(describe(type))", field: field.isEmpty ? nil : field)
        case .dataCorrupted(let context):
            let field = name(context.codingPath)
            return APIError(.badRequest, field.isEmpty ? "the body is not a JSON object" : "field \"\(field)\" is malformed",
                            field: field.isEmpty ? nil : field)
        @unknown default:
            return APIError(.badRequest, "the body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is [String].Type: return "an array of strings"
        default: return "a JSON object"
        }
    }

    static func snake(_ name: String) -> String {
        name.unicodeScalars.reduce(into: "") { out, c in
            if CharacterSet.uppercaseLetters.contains(c) { out += "_" + String(c).lowercased() } else { out.unicodeScalars.append(c) }
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable { var status: Int; var message: String; var field: String? }
        var error: Detail
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) throws -> Response {
        try json(ErrorBody(error: .init(status: status.code, message: message, field: field)), status: status)
    }
}

/// True for the first caller only.
final class Once: @unchecked Sendable {
    private var done = false
    private let lock = NSLock()
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

/// The conversations of `/v1/chat`: a `Conversation` (passage, settings, recent replies) per id,
/// forgotten after `ttl` seconds idle or when `capacity` is reached (least recently used first).
final class ConversationStore: @unchecked Sendable {
    private let engine: Engine
    private let ttl: Double
    private let capacity: Int
    private var entries: [String: (conversation: Conversation, lastUsed: Date)] = [:]
    private let lock = NSLock()

    init(engine: Engine, ttl: Double, capacity: Int) {
        self.engine = engine
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The reply to `message` in conversation `id` (a new one, with a new id, when nil or unknown).
    /// Replies run one at a time (a `Conversation` is not thread-safe, and the engine's models
    /// run one call at a time anyway).
    func reply(to message: String, conversation id: String?, top: Int, passage: String?) throws -> (String, Reply) {
        lock.lock()
        defer { lock.unlock() }
        let (key, conversation) = take(id)
        conversation.settings.top = top
        if let passage { conversation.usePassageText(passage) }
        return (key, try conversation.reply(to: message))
    }

    /// Under the lock.
    private func take(_ id: String?) -> (String, Conversation) {
        let now = Date()
        entries = entries.filter { now.timeIntervalSince($0.value.lastUsed) < ttl }
        if let id, let entry = entries[id] {
            entries[id] = (entry.conversation, now)
            return (id, entry.conversation)
        }
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            entries[oldest] = nil
        }
        let key = id ?? UUID().uuidString.lowercased()
        let conversation = Conversation(engine: engine)
        entries[key] = (conversation, now)
        return (key, conversation)
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}

extension KorQAService {
    /// Serves on `host:port` until SIGTERM or SIGINT, then finishes the requests in flight.
    public func run(host: String, port: Int) async throws {
        let app = Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "korqa"))
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// Request counts and latency histograms per route, in Prometheus's text format (`GET /metrics`).
final class RequestMetrics: @unchecked Sendable {
    /// Histogram upper bounds, seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private var counts: [String: [Int: Int]] = [:]
    private var histograms: [String: (buckets: [Int], sum: Double, count: Int)] = [:]
    private let lock = NSLock()

    func record(route: String, status: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        counts[route, default: [:]][status, default: 0] += 1
        var h = histograms[route] ?? (Array(repeating: 0, count: Self.buckets.count), 0, 0)
        for (i, bound) in Self.buckets.enumerated() where seconds <= bound { h.buckets[i] += 1 }
        h.sum += seconds
        h.count += 1
        histograms[route] = h
    }

    func exposition() -> String {
        lock.lock()
        defer { lock.unlock() }
        var lines = ["# HELP korqa_requests_total Requests answered, by route and HTTP status.", "# TYPE korqa_requests_total counter"]
        for route in counts.keys.sorted() {
            for (status, n) in counts[route]!.sorted(by: { $0.key < $1.key }) {
                lines.append("korqa_requests_total{route=\"\(route)\",status=\"\(status)\"} \(n)")
            }
        }
        lines += ["# HELP korqa_request_seconds Time to answer a request, by route.", "# TYPE korqa_request_seconds histogram"]
        for route in histograms.keys.sorted() {
            let h = histograms[route]!
            for (i, bound) in Self.buckets.enumerated() {
                lines.append("korqa_request_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(h.buckets[i])")
            }
            lines.append("korqa_request_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(h.count)")
            lines.append("korqa_request_seconds_sum{route=\"\(route)\"} \(h.sum)")
            lines.append("korqa_request_seconds_count{route=\"\(route)\"} \(h.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
