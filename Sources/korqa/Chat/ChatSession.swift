import FAQRetrieval
import Foundation
import QAEngine

/// The chat's state and its slash commands; the same for a terminal and for piped input.
final class ChatSession {
    var engine: QAEngine

    init(engine: QAEngine) { self.engine = engine }

    enum Outcome: Equatable {
        case say(String)
        case quit
        case nothing
    }

    static let help = """
        Type a question in Korean (or any text) and KorQA answers from the FAQ index.
        Commands:
          /help      this text
          /top N     show the N best answers (now: %d)
          /db PATH   switch to another FAQ index (build one with: korqa index FILE --db PATH)
          /quit      leave (Ctrl-D works too; Ctrl-C clears the line)
        """

    func handle(_ line: String) -> Outcome {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .nothing }
        guard text.hasPrefix("/") else {
            do { return .say(ReplyText.render(try engine.reply(to: text))) } catch { return .say("error: \(error)") }
        }
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0].lowercased() {
        case "/help", "/?":
            return .say(String(format: Self.help, engine.topK))
        case "/quit", "/exit", "/q":
            return .quit
        case "/top":
            guard let n = Int(argument), n >= 1, n <= 50 else { return .say("usage: /top N  (N from 1 to 50)") }
            engine.topK = n
            return .say("showing the \(n) best answer\(n == 1 ? "" : "s")")
        case "/db":
            guard !argument.isEmpty else { return .say("usage: /db PATH   (now: \(engine.store.path))") }
            let path = (argument as NSString).expandingTildeInPath
            guard FileManager.default.fileExists(atPath: path) else {
                return .say("no FAQ index at \(path); build one with: korqa index FILE --db \(path)")
            }
            do {
                let store = try FAQStore(path: path)
                engine.store = store
                return .say("using \(path) (\(try store.count()) entries)")
            } catch {
                return .say("error: \(error)")
            }
        default:
            return .say("unknown command \(parts[0]); type /help")
        }
    }
}
