import ArgumentParser
import Foundation
import MRCReader
import NeuralCore

extension KorQA {
    struct EvalKorQuAD: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "korquad",
            abstract: "Run the reader on KorQuAD/SQuAD-format data, or score a prediction file (official KorQuAD 1.0 metric).",
            discussion: """
            Without --predictions, runs the reader (--model DIR, default the shipped one) on every \
            question, prints EM, F1, the count and answers/s, and with --output writes the \
            predictions in the official format {"question id": "answer text"}.

            With --predictions PRED, scores that file instead. EM and F1 are computed exactly as \
            KorQuAD's evaluate-v1.0.py does (character-level F1, max over gold answers); questions \
            without a prediction score 0 and are counted.

            Examples:
              korqa eval korquad ../shared/data/korquad/KorQuAD_v1.0_dev.json --output pred.json
              korqa eval korquad ../shared/data/korquad/KorQuAD_v1.0_dev.json --predictions pred.json --json
            """
        )

        @Argument(help: "KorQuAD/SQuAD v1.1 JSON (TyDi-style files without \"version\" too).") var data: String
        @Option(help: "Predictions to score: {\"id\": \"answer\"} (instead of running the reader).") var predictions: String?
        @OptionGroup var model: ReaderModelOptions
        @Option(help: "Write the reader's predictions here (official format).") var output: String?
        @Flag(help: "Print one JSON object: exact_match, f1, count, answered (and answers_per_s when the reader ran).") var json = false

        func validate() throws {
            if predictions != nil && output != nil { throw ValidationError("--output writes the reader's predictions; it cannot be combined with --predictions.") }
            guard model.threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
        }

        func run() throws {
            let dataset = try SquadDataset.load(path: data, stripBoldTags: predictions == nil)
            var rate: Double?
            let answers: [String: String]
            if let predictions {
                answers = try KorQuADMetric.readPredictions(predictions)
            } else {
                Parallelism.configure(threads: model.threads)
                let reader = try model.load()
                var progress = ProgressLine(label: "reading windows")
                let started = monotonicSeconds()
                answers = reader.predict(dataset) { done, total in progress.update(done: done, total: total) }
                progress.finish()
                rate = Double(dataset.questionCount) / max(monotonicSeconds() - started, 1e-9)
                if let output {
                    let data = try JSONSerialization.data(withJSONObject: answers, options: [.sortedKeys])
                    try data.write(to: URL(fileURLWithPath: output), options: .atomic)
                }
            }
            let known = Set(dataset.questions.map(\.question.id))
            let unknown = answers.keys.filter { !known.contains($0) }
            if !unknown.isEmpty { Diagnostics.warning("\(unknown.count) prediction id(s) are not in \(data), e.g. \(unknown.sorted().prefix(3).joined(separator: ", "))") }
            let score = KorQuADMetric.score(dataset, predictions: answers)
            if score.answered < score.count { Diagnostics.warning("\(score.count - score.answered) question(s) have no prediction and score 0") }
            if json {
                struct Report: Encodable { var exactMatch, f1: Double; var count, answered: Int; var answersPerS: Double? }
                print(try JSON.line(Report(exactMatch: score.exactMatch, f1: score.f1, count: score.count, answered: score.answered, answersPerS: rate)))
            } else {
                let speed = rate.map { String(format: "; %.0f answers/s", $0) } ?? ""
                print(String(format: "EM %.2f  F1 %.2f  (%d questions, %d answered%@)", score.exactMatch, score.f1, score.count, score.answered, speed))
                if let output { print("predictions written to \(output)") }
            }
        }
    }
}
