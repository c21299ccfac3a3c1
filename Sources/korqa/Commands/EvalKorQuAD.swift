import ArgumentParser
import Foundation
import MRCReader

extension KorQA {
    struct EvalKorQuAD: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "korquad",
            abstract: "Score official-format predictions on KorQuAD/SQuAD-format data (official KorQuAD 1.0 metric).",
            discussion: """
            PRED is the official prediction format, a JSON object {"question id": "answer text"}. \
            EM and F1 are computed exactly as KorQuAD's evaluate-v1.0.py does (character-level F1, \
            max over gold answers); questions without a prediction score 0 and are counted.

            Example:
              korqa eval korquad ../shared/data/korquad/KorQuAD_v1.0_dev.json --predictions pred.json --json
            """
        )

        @Argument(help: "KorQuAD/SQuAD v1.1 JSON (TyDi-style files without \"version\" too).") var data: String
        @Option(help: "Predictions to score: {\"id\": \"answer\"}.") var predictions: String
        @Flag(help: "Print one JSON object: exact_match, f1, count, answered.") var json = false

        func run() throws {
            let dataset = try SquadDataset.load(path: data, stripBoldTags: false)
            let answers = try Self.readPredictions(predictions)
            let known = Set(dataset.questions.map(\.question.id))
            let unknown = answers.keys.filter { !known.contains($0) }
            if !unknown.isEmpty { Diagnostics.warning("\(unknown.count) prediction id(s) are not in \(data), e.g. \(unknown.sorted().prefix(3).joined(separator: ", "))") }
            let score = KorQuADMetric.score(dataset, predictions: answers)
            if score.answered < score.count { Diagnostics.warning("\(score.count - score.answered) question(s) have no prediction and score 0") }
            if json {
                print("{\"exact_match\":\(JSON.number(score.exactMatch)),\"f1\":\(JSON.number(score.f1)),\"count\":\(score.count),\"answered\":\(score.answered)}")
            } else {
                print(String(format: "EM %.2f  F1 %.2f  (%d questions, %d answered)", score.exactMatch, score.f1, score.count, score.answered))
            }
        }

        static func readPredictions(_ path: String) throws -> [String: String] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MRCError.cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
                throw MRCError.malformed(path: path, element: "", reason: "predictions must be a JSON object {\"question id\": \"answer text\"}")
            }
            var answers: [String: String] = [:]
            for (id, value) in dict {
                guard let text = value as? String else { throw MRCError.malformed(path: path, element: id, reason: "the prediction is not a string") }
                answers[id] = text
            }
            return answers
        }
    }
}
