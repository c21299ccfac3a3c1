import ArgumentParser
import QAEngine

extension KorQA {
    struct Ask: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer one question from the FAQ index.",
            discussion: """
            Prints the best answers with the FAQ question each came from, its BM25 score and its \
            match (0–1: how much of the wording the two share). A weak best match (below the \
            engine's calibrated answer threshold, 0.37; see docs/routing.md) is reported as such \
            rather than presented as the answer. `korqa chat` routes between the FAQ, small talk \
            and a passage; `ask` searches the index only.

            Examples:
              korqa ask "비밀번호를 잊어버렸어요"
              korqa ask "환불 어떻게 해요" --top 3 --db shop.sqlite
              korqa ask "배송 기간" --json
            """
        )

        @Argument(help: "The question.") var question: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var search: SearchOptions
        @Option(help: "How many answers to show.") var top = 1
        @Option(help: "The language of the answer's notes: ko or en.") var lang: Language = .korean
        @Flag(help: "Print one JSON object: {\"query\", \"results\": [{id, question, answer, category, source, score, confidence, smalltalk}], \"low_confidence\"}.")
        var json = false

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1.") }
        }

        func run() throws {
            let store = try database.open(quiet: json, readOnly: true)
            let setup = try search.setup(for: store, quiet: json)
            let engine = Engine(store: store, searchMode: setup.mode, embedder: setup.embedder)
            let reply = try engine.ask(question, top: top)
            print(json ? try JSON.line(reply) : ReplyText(lang).message(for: reply))
        }
    }
}

extension Language: ExpressibleByArgument {}
