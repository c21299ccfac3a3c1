import FAQRetrieval
import Foundation
import IntentClassifier
import MRCReader
import QAEngine

/// The chat's state and its slash commands; the same for a terminal and for piped input.
final class ChatSession {
    var engine: QAEngine
    /// Show the intent of each line (needs an intent model).
    var showIntent = false
    /// Loads the intent model on first use (`/intent on`).
    let loadIntentModel: () throws -> IntentClassifier

    /// Loads the reader on first use (`/passage`).
    let loadReader: () throws -> Reader

    init(engine: QAEngine, loadIntentModel: @escaping () throws -> IntentClassifier, loadReader: @escaping () throws -> Reader) {
        self.engine = engine
        self.loadIntentModel = loadIntentModel
        self.loadReader = loadReader
    }

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
          /intent on|off   also show what kind of utterance each line is (question, command…)
          /passage FILE|TEXT   answer from this passage with the reader (the FAQ answers when
                     the reader is unsure); /passage alone shows it, /passage off forgets it
          /quit      leave (Ctrl-D works too; Ctrl-C clears the line)
        """

    func handle(_ line: String) -> Outcome {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .nothing }
        guard text.hasPrefix("/") else {
            do {
                var reply = ReplyText.render(try engine.reply(to: text))
                if showIntent, let intent = engine.intent(of: text) {
                    reply = "[\(intent.name) \(String(format: "%.2f", intent.probability))] " + reply
                }
                return .say(reply)
            } catch { return .say("error: \(error)") }
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
        case "/intent":
            switch argument.lowercased() {
            case "on":
                if engine.intentClassifier == nil {
                    do { engine.intentClassifier = try loadIntentModel() } catch { return .say("cannot load the intent model: \(error)") }
                }
                showIntent = true
                return .say("showing the intent of each line")
            case "off":
                showIntent = false
                return .say("not showing intents")
            default:
                return .say("usage: /intent on|off")
            }
        case "/passage":
            return setPassage(argument)
        case "/db":
            guard !argument.isEmpty else { return .say("usage: /db PATH   (now: \(engine.store.path))") }
            let path = (argument as NSString).expandingTildeInPath
            guard FileManager.default.fileExists(atPath: path) else {
                return .say("no FAQ index at \(path); build one with: korqa index FILE --db \(path)")
            }
            do {
                let store = try FAQStore(path: path, readOnly: true)
                engine.store = store
                return .say("using \(path) (\(try store.count()) entries)")
            } catch {
                return .say("error: \(error)")
            }
        default:
            return .say("unknown command \(parts[0]); type /help")
        }
    }

    /// One word with a slash, a leading ~ or ., or a file extension: meant as a file name.
    static func looksLikePath(_ argument: String) -> Bool {
        guard !argument.contains(where: \.isWhitespace) else { return false }
        if argument.contains("/") || argument.hasPrefix("~") || argument.hasPrefix(".") { return true }
        let ext = (argument as NSString).pathExtension.lowercased()
        return ["txt", "md", "json", "jsonl", "csv", "tsv", "text", "html"].contains(ext)
    }

    func setPassage(_ argument: String) -> Outcome {
        if argument.isEmpty {
            guard let passage = engine.passage else { return .say("no passage set; usage: /passage FILE or /passage TEXT") }
            let preview = passage.count > 120 ? String(passage.prefix(120)) + "…" : passage
            return .say("passage (\(passage.unicodeScalars.count) characters): \(preview)")
        }
        if argument.lowercased() == "off" {
            engine.passage = nil
            return .say("passage forgotten; answering from the FAQ")
        }
        let path = (argument as NSString).expandingTildeInPath
        var text = argument, source = "the text given"
        if FileManager.default.fileExists(atPath: path) {
            do { text = try MRCFile.text(path) } catch { return .say("\(error)") }
            source = path
        } else if Self.looksLikePath(argument) {
            // A mistyped file name must not silently become the passage.
            return .say("no such file: \(path). To use these words as the passage itself, add a space or more text: /passage TEXT")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .say("\(source) is empty") }
        if engine.reader == nil {
            do { engine.reader = try loadReader() } catch { return .say("cannot load the reader: \(error)") }
        }
        engine.passage = text
        return .say("answering from \(source) (\(text.unicodeScalars.count) characters); /passage off to go back to the FAQ")
    }
}
