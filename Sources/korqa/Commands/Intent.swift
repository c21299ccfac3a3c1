import ArgumentParser
import Foundation
import IntentClassifier
import NeuralCore
import QAEngine

extension KorQA {
    struct Intent: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify the intent of utterances (question, command, statement…).",
            discussion: """
            Prints the label name and its probability per line. With no TEXT, reads standard \
            input one utterance per line. The default model is the one shipped in \
            resources/intent-3i4k (3i4k's seven classes).

            Examples:
              korqa intent "내일 비 와?" "창문 좀 닫아 줘"
              korqa intent --json < utterances.txt
            """
        )

        @Argument(help: "Utterances; each argument is one. Reads stdin when absent.") var text: [String] = []
        @OptionGroup var model: IntentModelOption
        @Option(help: "Threads (2 runs the two LSTM directions side by side).") var threads = 1
        @Flag(help: "One JSON object per line: {\"text\",\"label\",\"name\",\"probability\"}.") var json = false

        func run() throws {
            Parallelism.configure(threads: threads)
            let classifier = try model.load()
            let output = Output()
            var pending: [String] = []
            struct Line: Encodable { var text, label, name: String; var probability: Double }
            func flush() throws {
                for (t, p) in zip(pending, classifier.classify(pending)) {
                    if json {
                        output.writeLine(try JSON.line(Line(text: t, label: p.label, name: p.name, probability: Double(p.probability))))
                    } else {
                        output.writeLine("\(p.name)\t\(String(format: "%.2f", p.probability))\t\(t)")
                    }
                }
                pending.removeAll(keepingCapacity: true)
            }
            try LineInput(arguments: text).forEachLine { _, scalars in
                pending.append(String(String.UnicodeScalarView(scalars)))
                if pending.count == 256 { try flush() }
            }
            try flush()
            output.flush()
        }
    }
}

/// `--model DIR`, shared by the intent commands.
struct IntentModelOption: ParsableArguments {
    @Option(name: .customLong("model"), help: ArgumentHelp("An intent model directory (default: the shipped resources/intent-3i4k).", valueName: "DIR"))
    var path: String?

    func load() throws -> IntentClassifier { try Home.current.intentClassifier(path) }
}
