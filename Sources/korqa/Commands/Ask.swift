import ArgumentParser
import FAQRetrieval
import QAEngine

extension KorQA {
    struct Ask: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer one question from the FAQ index.",
            discussion: """
            Prints the best answers with the FAQ question each came from, its BM25 score and its \
            match (0–1: how much of the wording the two share). A weak best match (match < 0.3) \
            is reported as such rather than presented as the answer.

            Examples:
              korqa ask "비밀번호를 잊어버렸어요"
              korqa ask "환불 어떻게 해요" --top 3 --db shop.sqlite
              korqa ask "배송 기간" --json
            """
        )

        @Argument(help: "The question.") var question: String
        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many answers to show.") var top = 1
        @Flag(help: "Print one JSON object: {\"query\", \"results\": [{id, question, answer, score, confidence}], \"low_confidence\"}.")
        var json = false

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1.") }
        }

        func run() throws {
            let engine = QAEngine(store: try database.open(quiet: json, readOnly: true), topK: top)
            let reply = try engine.reply(to: question)
            if json {
                var results: [FAQResult] = []
                var confident = false
                if case .faq(let r, let c) = reply { results = r; confident = c }  // ask never sets a passage
                let items = results.map { r in
                    "{\"id\":\(r.id),\"question\":\(JSON.quote(r.question)),\"answer\":\(JSON.quote(r.answer)),\"score\":\(JSON.number(r.score)),\"confidence\":\(JSON.number(r.confidence))}"
                }
                print("{\"query\":\(JSON.quote(question)),\"results\":[\(items.joined(separator: ","))],\"low_confidence\":\(!confident)}")
                return
            }
            print(ReplyText.render(reply))
        }
    }
}

/// How replies read on a terminal (shared by `ask` and `chat`).
enum ReplyText {
    static func render(_ reply: QAEngine.Reply) -> String {
        switch reply {
        case .passage(let answers):
            return answers.enumerated().map { i, a in
                (answers.count > 1 ? "\(i + 1). " : "") + a.text + "\n   (from the passage · score \(format(Double(a.score))) · characters [\(a.start), \(a.end)))"
            }.joined(separator: "\n")
        case .readerUnsure(let guess, let faq):
            let note = guess.map { "The passage does not answer that clearly (best guess \"\($0.text)\", score \(format(Double($0.score)))); from the FAQ:" }
                ?? "The passage is empty; from the FAQ:"
            return note + "\n" + render(faq)
        case .noMatch:
            return "No FAQ entry shares any words with that question."
        case .faq(let results, let confident):
            var lines: [String] = []
            if !confident {
                lines.append("Not sure — no FAQ entry matches well (best match \(format(results[0].confidence))). The closest:")
            }
            for (i, r) in results.enumerated() {
                if results.count > 1 { lines.append("\(i + 1).") }
                lines.append(r.answer)
                lines.append("   (FAQ: \"\(r.question)\" · score \(format(r.score)) · match \(format(r.confidence)))")
            }
            return lines.joined(separator: "\n")
        }
    }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
