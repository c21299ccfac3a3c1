import ArgumentParser
import Foundation
import IntentClassifier
import NeuralCore

extension KorQA {
    struct EvalIntent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "intent",
            abstract: "Accuracy, macro-F1, per-class scores and confusion matrix of an intent model.",
            discussion: """
            FILE is labelled data in the training formats. Labels the model does not know are \
            reported and counted as errors.

            Example:
              korqa eval intent ../shared/data/intent/3i4k/fci_test.txt --json
            """
        )

        @Argument(help: "Labelled test data.") var file: String
        @OptionGroup var model: IntentModelOption
        @Option(help: "Threads (2 runs the two LSTM directions side by side).") var threads = 1
        @Flag(help: "Print one JSON object (accuracy, macro_f1, per_class, confusion, count, utterances_per_s).") var json = false

        func run() throws {
            Parallelism.configure(threads: threads)
            let loadStarted = monotonicSeconds()
            let classifier = try model.load()
            let loadMilliseconds = (monotonicSeconds() - loadStarted) * 1000
            let (examples, problems) = try LabeledData.read(path: file)
            for p in problems.prefix(20) { Diagnostics.warning("\(file):\(p); skipped") }
            guard !examples.isEmpty else { throw IntentError.noExamples(path: file) }
            let started = monotonicSeconds()
            let predictions = classifier.classify(examples.map(\.text))
            let seconds = monotonicSeconds() - started
            let index = Dictionary(uniqueKeysWithValues: classifier.labels.enumerated().map { ($1, $0) })
            let unknown = Set(examples.map(\.label)).subtracting(classifier.labels)
            if !unknown.isEmpty { Diagnostics.warning("labels the model does not know (counted as errors): \(unknown.sorted().joined(separator: ", "))") }
            // Unknown gold labels get an extra class that is never predicted.
            let extra = classifier.labels.count
            let gold = examples.map { index[$0.label] ?? extra }
            let predicted = predictions.map { index[$0.label]! }
            let metrics = IntentMetrics(gold: gold, predicted: predicted, classCount: extra + (unknown.isEmpty ? 0 : 1))
            let rate = Double(examples.count) / max(seconds, 1e-9)
            if json {
                struct PerClass: Encodable { var label, name: String; var precision, recall, f1: Double; var support: Int }
                struct Report: Encodable {
                    var accuracy, macroF1: Double; var count: Int; var utterancesPerS, loadMs: Double
                    var perClass: [PerClass]; var confusion: [[Int]]
                }
                let perClass = classifier.labels.indices.map { c in
                    let s = metrics.perClass[c]
                    return PerClass(label: classifier.labels[c], name: classifier.names[c], precision: s.precision, recall: s.recall, f1: s.f1, support: s.support)
                }
                print(try JSON.line(Report(accuracy: metrics.accuracy, macroF1: metrics.macroF1, count: examples.count, utterancesPerS: rate,
                                           loadMs: loadMilliseconds, perClass: perClass, confusion: metrics.confusion)))
                return
            }
            print(String(format: "%d utterances: accuracy %.4f, macro-F1 %.4f (%.0f utterances/s; model loaded in %.0f ms)",
                         examples.count, metrics.accuracy, metrics.macroF1, rate, loadMilliseconds))
            print("label                     precision  recall     f1  support")
            for c in classifier.labels.indices {
                let s = metrics.perClass[c]
                let name = classifier.labels[c] == classifier.names[c] ? classifier.labels[c] : "\(classifier.labels[c]) \(classifier.names[c])"
                print("\(name.padding(toLength: 24, withPad: " ", startingAt: 0))  \(String(format: "%9.3f %7.3f %6.3f %8d", s.precision, s.recall, s.f1, s.support))")
            }
            print("confusion (rows: gold, columns: predicted; order \(classifier.labels.joined(separator: " ")))")
            for row in metrics.confusion.prefix(classifier.labels.count) { print(row.map { String(format: "%6d", $0) }.joined()) }
        }
    }
}
