import ArgumentParser
import Foundation
import KorQAServer
import QAEngine

extension KorQA {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the engine over HTTP: JSON endpoints for chat front ends.",
            discussion: """
            The same engine as `korqa chat` (the FAQ index, documents, reader, intent model and \
            summarizer, loaded once and shared) behind versioned JSON endpoints:

              GET  /healthz                 liveness
              GET  /readyz                  the index answers a search (503 when it does not)
              POST /v1/ask        {"question", "top"?, "documents"?}      FAQ matches, or answers read from the documents
              POST /v1/read       {"question", "passage", "top"?}         answer spans of a passage
              POST /v1/intent     {"text"} or {"texts": [...]}            intents
              POST /v1/summarize  {"text", "mode"?, "sentences"?}         a summary
              GET  /metrics                 Prometheus text: requests and latency per route
              POST /v1/faq        {"entries": [{"question", "answer", "category"?}]}  add or update (token)
              GET  /v1/faq/ID                                             one entry
              DELETE /v1/faq/ID                                           remove one (token)
              POST /v1/chat       {"message", "conversation_id"?, "top"?, "passage"?} the routed
                                  reply; the conversation (its passage: text, never a file) is
                                  kept server-side, forgotten after 30 min idle

            Errors are JSON {"error": {"status", "message", "field"}}: 400 for bad JSON, wrong types \
            or missing fields (naming the field), 413 for a body over --max-body-bytes or a text \
            over --max-text-length, 503 for a request over --request-timeout, 401/403 for writes without the token of --token-file. Stops on \
            SIGTERM/SIGINT after the requests in flight.

            Example:
              korqa serve --port 8080 &
              curl -s localhost:8080/v1/ask -d '{"question": "비밀번호를 잊어버렸어요"}'
              curl -s localhost:8080/v1/chat -d '{"message": "지미 카터는 몇 대 대통령이야?"}'
            """
        )

        @Option(help: "Address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8080
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var search: SearchOptions
        @Option(help: ArgumentHelp("A file holding the bearer token that write requests (POST /v1/faq, DELETE /v1/faq/ID) must carry; without it the server takes no writes. Never give the token on the command line.", valueName: "PATH"))
        var tokenFile: String?
        @Option(help: "Largest request body, bytes.") var maxBodyBytes = 1 << 20
        @Option(help: "Longest text field (question, message, passage, text), characters.") var maxTextLength = 100_000
        @Option(help: "Seconds after which a request is answered 503 (its work is dropped when it ends).") var requestTimeout: Double = 30

        func validate() throws {
            guard (1...65_535).contains(port) else { throw ValidationError("--port must be in 1…65535 (got \(port)).") }
            guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive (got \(requestTimeout)).") }
            guard maxBodyBytes >= 64, maxTextLength >= 1 else { throw ValidationError("--max-body-bytes must be at least 64 and --max-text-length at least 1.") }
        }

        func run() throws {
            let token = try tokenFile.map { path -> String in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError.usage("--token-file: cannot read \(path)") }
                let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard token.count >= 16, !token.contains(where: \.isWhitespace) else {
                    throw CLIError.usage("--token-file: \(path) must hold one token of at least 16 characters, no spaces")
                }
                return token
            }
            let store = try database.open(quiet: false, readOnly: token == nil)
            let home = Home.current
            let setup = try search.setup(for: store, quiet: false)
            let engine = Engine(store: store, searchMode: setup.mode, embedder: setup.embedder,
                                loadIntentClassifier: { try home.intentClassifier(nil) },
                                loadReader: { try home.reader(nil) },
                                loadSummarizer: { try home.textSummarizer(nil) })
            // Load the models now: a missing one is an error at start, and the first request is not slow.
            try engine.loadIntentClassifier()
            try engine.loadReader()
            var limits = KorQAService.Limits()
            limits.maxBodyBytes = maxBodyBytes
            limits.maxTextLength = maxTextLength
            limits.requestTimeout = requestTimeout
            let service = KorQAService(engine: engine, limits: limits, writableStore: token == nil ? nil : store, token: token)
            Diagnostics.note("serving \(store.path) on http://\(host):\(port) (Ctrl-C stops)")
            let outcome = ServeOutcome()
            let done = DispatchSemaphore(value: 0)
            let host = host, port = port
            Task.detached {
                do { try await service.run(host: host, port: port) } catch { outcome.error = error }
                done.signal()
            }
            done.wait()
            if let error = outcome.error { throw CLIError.usage("the server stopped: \(error)") }
        }
    }
}

/// How the server task ended (set once, read after it signalled).
final class ServeOutcome: @unchecked Sendable {
    var error: (any Error)?
}
