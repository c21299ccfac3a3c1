import ArgumentParser
import Foundation
import QAEngine
#if canImport(Glibc)
import Glibc
#endif

extension KorQA {
    struct Chat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The KorQA chatbot: ask questions in Korean, answered from the FAQ index.",
            discussion: """
            On a terminal: line editing and history (saved in $XDG_DATA_HOME/korqa/chat_history), \
            commands /help, /top N, /db PATH, /intent on|off, /passage FILE|TEXT, /quit; Ctrl-D \
            leaves, Ctrl-C clears the line. After /passage (or --passage FILE), questions are \
            answered from the passage by the reader, with its score; when the reader is unsure \
            (score < 0.2, or the question shares no two letters in a row with the passage), the \
            FAQ answers and the reader's guess is shown.

            With standard input not a terminal, reads one question per line and prints each \
            answer followed by a blank line, so it can be scripted:
              printf '비밀번호를 잊어버렸어요\\n환불하고 싶어요\\n' | korqa chat

            With no --db, uses the default index, built on first use from the FAQ files bundled \
            in faq/ (ChatbotData and the KorQA FAQ).
            """
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many answers to show per question.") var top = 1
        @Flag(help: "Show the intent of each line (as /intent on).") var intent = false
        @OptionGroup var intentModel: IntentModelOption
        @Option(help: ArgumentHelp("The reader for /passage (default: the shipped resources/reader-korquad).", valueName: "DIR"))
        var readerModel = "default"
        @Option(help: ArgumentHelp("Another reader that reads each passage too, its span log-probabilities averaged with --reader-model's (repeatable; more accurate, as many times slower).", valueName: "DIR"))
        var readerEnsembleWith: [String] = []
        @Option(help: "Start with this passage (as /passage FILE).") var passage: String?

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1.") }
        }

        func run() throws {
            let interactive = isatty(0) != 0
            let store = try database.open(quiet: !interactive, readOnly: true)
            let modelOption = intentModel
            let readerPath = readerModel, partnerPaths = readerEnsembleWith
            let session = ChatSession(engine: QAEngine(store: store, topK: top), loadIntentModel: { try modelOption.load() },
                                      loadReader: { try ReaderModelOptions.load(readerPath, ensembleWith: partnerPaths) })
            if intent { _ = session.handle("/intent on") }
            if let passage {
                guard FileManager.default.fileExists(atPath: passage) else { throw CLIError.usage("--passage: no such file \(passage)") }
                if case .say(let text) = session.handle("/passage " + passage), interactive || text.hasPrefix("cannot") {
                    Diagnostics.note(text)
                }
                guard session.engine.passage != nil else { throw ExitCode.failure }
            }
            if !interactive {
                let output = Output()
                try LineInput(arguments: []).forEachLine { _, scalars in
                    switch session.handle(String(String.UnicodeScalarView(scalars))) {
                    case .say(let text): output.writeLine(text); output.writeLine("")
                    case .quit: output.flush(); throw ExitCode.success
                    case .nothing: break
                    }
                }
                output.flush()
                return
            }
            try FileManager.default.createDirectory(atPath: Paths.dataDirectory, withIntermediateDirectories: true)
            let editor = LineEditor(historyPath: Paths.chatHistory)
            print("KorQA — FAQ index \(store.path) (\(try store.count()) entries). Ask in Korean; /help for commands.")
            defer { editor.saveHistory() }
            while let line = editor.readLine(prompt: "korqa> ") {
                switch session.handle(line) {
                case .say(let text): print(text + "\n")
                case .quit: return
                case .nothing: continue
                }
            }
            print("")
        }
    }
}
