import ArgumentParser
import Foundation
import QAEngine
#if canImport(Glibc)
import Glibc
#endif

extension KorQA {
    struct Chat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The KorQA chatbot: talk in Korean; each line is answered from the FAQ, small talk or a passage.",
            discussion: """
            Each line is classified (the intent model) and routed: a summary request → not \
            available yet; a question with a passage set → the reader; a confident FAQ match → \
            the FAQ's answer; a command → small talk only for a near match, else "I cannot do \
            that"; other chit-chat → the small-talk FAQ; nothing good enough → said honestly, \
            with the closest matches. /why shows why the last line went where it went. The \
            thresholds are calibrated (docs/routing.md).

            On a terminal: line editing and history (saved in $XDG_DATA_HOME/korqa/chat_history), \
            commands /help, /top N, /db PATH, /intent on|off, /passage FILE|TEXT, /why, /lang \
            ko|en, /quit; Ctrl-D leaves, Ctrl-C clears the line. The chatbot speaks Korean \
            (--lang en: English).

            With standard input not a terminal, reads one line at a time and prints each answer \
            followed by a blank line, or with --json one JSON object per line (the reply, its \
            route, reason, intent, matches, answers and the scores the decision used):
              printf '비밀번호를 잊어버렸어요\\n요약해 줘\\n' | korqa chat --json

            With no --db, uses the default index, built on first use from the FAQ files bundled \
            in faq/ (ChatbotData as small talk, and the KorQA FAQ).
            """
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var search: SearchOptions
        @Option(help: "How many answers to show per line.") var top = 1
        @Flag(help: "Show the intent of each line (as /intent on).") var intent = false
        @OptionGroup var intentModel: IntentModelOption
        @Option(help: ArgumentHelp("The reader for /passage (default: the shipped resources/reader-korquad).", valueName: "DIR"))
        var readerModel = "default"
        @Option(help: ArgumentHelp("Another reader that reads each passage too, its span log-probabilities averaged with --reader-model's (repeatable; more accurate, as many times slower).", valueName: "DIR"))
        var readerEnsembleWith: [String] = []
        @Option(help: "Start with this passage (as /passage FILE).") var passage: String?
        @Option(help: "The chatbot's language: ko (Korean) or en (English).") var lang: Language = .korean
        @Flag(help: "With piped input: one JSON object per line instead of text.") var json = false

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1.") }
        }

        func run() throws {
            let interactive = isatty(0) != 0
            let store = try database.open(quiet: !interactive, readOnly: true)
            let home = Home.current, intentPath = intentModel.path, readerPath = readerModel, partners = readerEnsembleWith
            let setup = try search.setup(for: store, quiet: !interactive)
            let engine = Engine(store: store, searchMode: setup.mode, embedder: setup.embedder, loadIntentClassifier: { try home.intentClassifier(intentPath) },
                                loadReader: { try home.reader(readerPath, ensembleWith: partners) },
                                loadSummarizer: { try home.textSummarizer(nil) })
            // Routing needs the intent model: a missing or broken one is an error now, not on the first line.
            try engine.loadIntentClassifier()
            var settings = Conversation.Settings()
            settings.top = top
            settings.language = lang
            settings.showIntent = intent
            let conversation = Conversation(engine: engine, settings: settings)
            if let passage {
                guard FileManager.default.fileExists(atPath: passage) else { throw CLIError.usage("--passage: no such file \(passage)") }
                let message = conversation.setPassage(passage)
                guard conversation.hasPassage else { throw CLIError.usage(message) }
                if interactive { Diagnostics.note(message) }
            }
            if !interactive {
                let output = Output()
                try LineInput(arguments: []).forEachLine { _, scalars in
                    switch conversation.handle(String(String.UnicodeScalarView(scalars))) {
                    case .reply(let reply):
                        output.writeLine(json ? try JSON.line(reply) : Self.text(of: reply, settings: conversation.settings))
                        if !json { output.writeLine("") }
                    case .message(let message):
                        if json { struct Note: Encodable { var message: String }; output.writeLine(try JSON.line(Note(message: message))) } else {
                            output.writeLine(message); output.writeLine("")
                        }
                    case .quit: output.flush(); throw ExitCode.success
                    case .nothing: break
                    }
                }
                output.flush()
                return
            }
            try FileManager.default.createDirectory(atPath: home.dataDirectory, withIntermediateDirectories: true)
            let editor = LineEditor(historyPath: home.chatHistory)
            let words = ReplyText(lang)
            print("KorQA — \(store.path) (\(try store.count())) · " + words.welcome)
            defer { editor.saveHistory() }
            while let line = editor.readLine(prompt: "korqa> ") {
                switch conversation.handle(line) {
                case .reply(let reply): print(Self.text(of: reply, settings: conversation.settings) + "\n")
                case .message(let message): print(message + "\n")
                case .quit: return
                case .nothing: continue
                }
            }
            print("")
        }

        /// A reply on a terminal: its message, after its intent when asked for.
        static func text(of reply: Reply, settings: Conversation.Settings) -> String {
            guard settings.showIntent, let intent = reply.intent else { return reply.message }
            return "[\(intent.name) \(String(format: "%.2f", intent.probability))] " + reply.message
        }
    }
}
