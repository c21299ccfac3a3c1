import ArgumentParser
import FAQRetrieval
import Foundation
import IntentClassifier
import MRCReader
import QAEngine

extension KorQA {
    struct EvalRouting: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "routing",
            abstract: "Score the chat's routing on a table of utterances, or calibrate its thresholds.",
            discussion: """
            --table FILE routes every line of a TSV table `route<TAB>utterance[<TAB>passage]` \
            (routes: faq, reader, documents, summary, smalltalk, command, unknown) with the engine \
            the chat uses, over --db (default: the bundled FAQ index), and prints each miss and the \
            accuracy. The table the tests hold is Tests/QAEngineTests/Fixtures/routing-table.tsv.

            --calibrate sweeps the answer threshold (ChatbotData questions whose answer group is \
            in the calibration half, each against an index without it, versus out-of-scope \
            questions from --out-of-scope KorQuAD/SQuAD files) and the command threshold \
            (ChatbotData questions the intent model calls commands, versus the commands of \
            --commands, 3i4k's label 3) and prints the threshold of best balanced accuracy for \
            each. These are RoutingPolicy's defaults (docs/routing.md). With --sentence-encoder \
            DIR it also calibrates the cosine at which a dense match counts as an answer \
            (RoutingPolicy.similarityThreshold; the confidence of dense and hybrid matches). \
            --mode hybrid --sentence-encoder DIR scores a table with hybrid search.

            Examples:
              korqa eval routing --table Tests/QAEngineTests/Fixtures/routing-table.tsv
              korqa eval routing --calibrate --chatbot faq/ChatbotData.csv \\
                --out-of-scope ../shared/data/korquad/KorQuAD_v1.0_dev.json \\
                --out-of-scope ../shared/data/mrc/tydiqa_goldp_ko/korean_tydiqa_train.json \\
                --commands ../shared/data/intent/3i4k/fci_train_val.txt
            """
        )

        @Option(help: "A routing table to score.") var table: String?
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Calibrate the thresholds instead.") var calibrate = false
        @Option(help: "With --calibrate: ChatbotData.csv (Q,A,label).") var chatbot: String?
        @Option(help: "With --calibrate: KorQuAD/SQuAD JSON whose questions are out of scope (repeatable).") var outOfScope: [String] = []
        @Option(help: "With --calibrate: out-of-scope questions used, spread evenly over the files.") var maxOutOfScope = 3000
        @Option(help: "With --calibrate: labelled utterances (label<TAB>text) whose commands small talk cannot answer.") var commands: String?
        @Option(help: "With --calibrate: the label of commands in --commands.") var commandLabel = "3"
        @OptionGroup var intentModel: IntentModelOption
        @OptionGroup var search: SearchOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard (table != nil) != calibrate else { throw ValidationError("give either --table FILE or --calibrate.") }
            if calibrate && (chatbot == nil || outOfScope.isEmpty || commands == nil) {
                throw ValidationError("--calibrate needs --chatbot FILE, --out-of-scope FILE and --commands FILE.")
            }
        }

        func run() throws {
            if let table { return try score(table) }
            let classifier = try intentModel.load()
            let rows = try FAQFile.read(path: chatbot!).rows
            let questions = try outOfScope.flatMap { try SquadDataset.load(path: $0).questions.map(\.question.text) }
            let step = max(1, questions.count / maxOutOfScope)
            let sample = stride(from: 0, to: questions.count, by: step).prefix(maxOutOfScope).map { questions[$0] }
            let (labelled, _) = try LabeledData.read(path: commands!)
            let commandTexts = labelled.filter { $0.label == commandLabel }.map(\.text)
            let report = try RoutingCalibration.calibrate(smalltalk: rows, outOfScope: sample, commands: commandTexts, classifier: classifier,
                                                          embedder: try search.explicit().embedder)
            if json { print(try JSON.line(report)); return }
            func show(_ name: String, _ p: RoutingCalibration.Point, _ detail: String) {
                print(String(format: "%@ threshold %.2f: balanced accuracy %.3f (in scope answered correctly %.3f, out of scope refused %.3f) — %@",
                             name, p.threshold, p.balanced, p.inScopeAnswered, p.outOfScopeRefused, detail))
            }
            show("answer", report.answer, "\(report.inScopeQueries) small-talk questions against \(report.outOfScopeQueries) out-of-scope questions")
            show("command", report.command, "\(report.smalltalkCommands) small-talk commands against \(report.otherCommands) other commands")
            if let similarity = report.similarity { show("similarity (cosine of the dense top match)", similarity, "the same queries, sentence vectors") }
            print("threshold  answer: in-scope  out-of-scope  balanced   command: in-scope  out-of-scope  balanced")
            for (a, c) in zip(report.answerCurve, report.commandCurve) where Int((a.threshold * 100).rounded()) % 5 == 0 {
                print(String(format: "%9.2f  %16.3f  %12.3f  %8.3f  %17.3f  %12.3f  %8.3f", a.threshold, a.inScopeAnswered, a.outOfScopeRefused,
                             a.balanced, c.inScopeAnswered, c.outOfScopeRefused, c.balanced))
            }
        }

        func score(_ path: String) throws {
            let rows = try RoutingCalibration.parseTable(MRCFile.text(path), path: path)
            let home = Home.current, intentPath = intentModel.path
            let (mode, embedder) = try search.explicit()
            let engine = Engine(store: try database.open(quiet: json, readOnly: true), searchMode: mode, embedder: embedder,
                                loadIntentClassifier: { try home.intentClassifier(intentPath) }, loadReader: { try home.reader(nil) })
            let result = try RoutingCalibration.run(rows, engine: engine)
            if json { print(try JSON.line(result)); return }
            for row in result.rows where row.route != row.expected {
                let intent = row.intent.map { "\($0.name) \(String(format: "%.2f", $0.probability))" } ?? "-"
                print("miss: \"\(row.text)\" → \(row.route.rawValue) (\(row.reason.rawValue)), expected \(row.expected.rawValue); intent \(intent), faq \(row.scores.faq.map { String(format: "%.2f", $0) } ?? "-"), small talk \(row.scores.smalltalk.map { String(format: "%.2f", $0) } ?? "-")")
            }
            print(String(format: "%d of %d routed as expected (%.1f%%)", result.correct, result.rows.count, 100 * result.accuracy))
        }
    }
}
