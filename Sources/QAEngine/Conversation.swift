import FAQRetrieval
import Foundation
import MRCReader

/// One user's conversation with a shared `Engine`: the passage they set, their recent replies
/// and settings, and the chat's slash commands. Not thread-safe: one per user (or per chat
/// window); many conversations may share one engine.
public final class Conversation {
    public private(set) var engine: Engine

    public struct Settings: Codable, Equatable, Sendable {
        /// How many answers a reply shows.
        public var top = 1
        public var language: Language = .korean
        /// Show each line's intent before the reply.
        public var showIntent = false
        public init() {}
    }

    public var settings: Settings
    /// The text the reader answers from, and where it came from (nil: typed text).
    public private(set) var passage: (text: String, source: String?)?
    /// The last replies, oldest first (at most `historyLimit`).
    public private(set) var recent: [Reply] = []
    public static let historyLimit = 20

    public init(engine: Engine, settings: Settings = Settings()) {
        self.engine = engine
        self.settings = settings
    }

    var text: ReplyText { ReplyText(settings.language) }

    /// Answers one line (not a slash command) and remembers the reply.
    public func reply(to line: String) throws -> Reply {
        let reply = try engine.reply(to: line, passage: passage?.text, top: settings.top, language: settings.language)
        recent.append(reply)
        if recent.count > Self.historyLimit { recent.removeFirst(recent.count - Self.historyLimit) }
        return reply
    }

    /// What handling a line produced.
    public enum Outcome: Equatable {
        /// An answer to the line.
        case reply(Reply)
        /// A message of the chat itself (help, a setting changed, an error).
        case message(String)
        case quit
        /// An empty line.
        case nothing
    }

    /// A line typed into the chat: a slash command or something to answer.
    public func handle(_ line: String) -> Outcome {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .nothing }
        guard trimmed.hasPrefix("/") else {
            do { return .reply(try reply(to: trimmed)) } catch { return .message(text.error(error)) }
        }
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0].lowercased() {
        case "/help", "/?":
            return .message(text.help(top: settings.top))
        case "/quit", "/exit", "/q":
            return .quit
        case "/top":
            guard let n = Int(argument), n >= 1, n <= 50 else { return .message(text.usage("/top N  (N: 1–50)")) }
            settings.top = n
            return .message(text.showingTop(n))
        case "/intent":
            switch argument.lowercased() {
            case "on":
                do { try engine.loadIntentClassifier() } catch { return .message(text.cannotLoad("intent", error)) }
                settings.showIntent = true
                return .message(text.intentsOn)
            case "off":
                settings.showIntent = false
                return .message(text.intentsOff)
            default:
                return .message(text.usage("/intent on|off"))
            }
        case "/why":
            guard let last = recent.last else { return .message(text.nothingToExplain) }
            return .message(text.explanation(of: last))
        case "/lang":
            guard let language = Language(rawValue: argument.lowercased()) else { return .message(text.usage("/lang ko|en")) }
            settings.language = language
            return .message(text.languageSet)
        case "/passage":
            return .message(setPassage(argument))
        case "/summarize", "/summary", "/요약":
            // The text after the command, else the passage.
            guard let source = argument.isEmpty ? passage?.text : argument else { return .message(text.nothingToSummarize) }
            do {
                guard let summary = try engine.summarize(source) else { return .message(text.cannotLoad("summarizer", QAEngineError.noSummarizer)) }
                return .message(text.summary(summary).joined(separator: "\n"))
            } catch { return .message(text.error(error)) }
        case "/db":
            guard !argument.isEmpty else { return .message(text.usage("/db PATH  (\(engine.store.location))")) }
            let path = (argument as NSString).expandingTildeInPath
            guard FileManager.default.fileExists(atPath: path) else { return .message(text.noIndex(path)) }
            do {
                let store = try FAQStore(path: path, readOnly: true)
                engine = engine.with(store: store)
                return .message(text.usingIndex(path, entries: try store.count()))
            } catch {
                return .message(text.error(error))
            }
        default:
            return .message(text.unknownCommand(parts[0]))
        }
    }

    /// One word with a slash, a leading ~ or ., or a file extension: meant as a file name.
    static func looksLikePath(_ argument: String) -> Bool {
        guard !argument.contains(where: \.isWhitespace) else { return false }
        if argument.contains("/") || argument.hasPrefix("~") || argument.hasPrefix(".") { return true }
        let ext = (argument as NSString).pathExtension.lowercased()
        return ["txt", "md", "json", "jsonl", "csv", "tsv", "text", "html"].contains(ext)
    }

    /// `/passage FILE|TEXT|off` or `/passage` alone (show it).
    public func setPassage(_ argument: String) -> String {
        if argument.isEmpty {
            guard let passage else { return text.noPassage }
            let preview = passage.text.count > 120 ? String(passage.text.prefix(120)) + "…" : passage.text
            return text.passagePreview(passage.text.unicodeScalars.count, preview)
        }
        if argument.lowercased() == "off" {
            passage = nil
            return text.passageForgotten
        }
        let path = (argument as NSString).expandingTildeInPath
        var content = argument, source: String?
        if FileManager.default.fileExists(atPath: path) {
            do { content = try MRCFile.text(path) } catch { return "\(error)" }
            source = path
        } else if Self.looksLikePath(argument) {
            // A mistyped file name must not silently become the passage.
            return text.noSuchFile(path)
        }
        guard !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return text.empty(source ?? "text") }
        do {
            guard engine.hasReader else { throw QAEngineError.noReader }
            try engine.loadReader()
        } catch { return text.cannotLoad("reader", error) }
        passage = (content, source)
        return text.answeringFrom(source, count: content.unicodeScalars.count)
    }

    /// Sets the passage to `text` itself — never read as a file name, for front ends whose users
    /// must not reach this machine's files (the server); nil or blank text clears it.
    public func usePassageText(_ text: String?) {
        guard let text, text.contains(where: { !$0.isWhitespace }) else {
            passage = nil
            return
        }
        passage = (text, nil)
    }

    /// Whether a passage is set (the reader answers first).
    public var hasPassage: Bool { passage != nil }
}
