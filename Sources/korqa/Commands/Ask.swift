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
              korqa ask "지미 카터는 몇 대 대통령이야?" --documents --db wiki.sqlite   # read the answer out of indexed documents

            With --documents the question is answered from the documents of the index (korqa \
            index --documents; the default index holds a bundled Korean Wikipedia slice): the \
            reader reads the --passages best passages (BM25) and the best span is shown with its \
            document's title, file and [start, end) code points into the document's text. Its \
            score is the calibrated probability that the span is exactly right (comparable across \
            passages and questions); under the chat's threshold the answer is marked as a guess.
            """
        )

        @Argument(help: "The question.") var question: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var search: SearchOptions
        @Option(help: "How many answers to show.") var top = 1
        @Option(help: "The language of the answer's notes: ko or en.") var lang: Language = .korean
        @Flag(help: "Print one JSON object: {\"query\", \"results\": [{id, question, answer, category, source, score, confidence, smalltalk}], \"low_confidence\"}; with --documents {\"query\", \"answers\": [{text, score (calibrated probability of being right), title, path, start, end, passage, retrieval_score, reader_score}], \"low_confidence\", \"threshold\"}.")
        var json = false
        @Flag(help: "Answer from the indexed documents with the reader (korqa index --documents adds them).") var documents = false
        @Option(help: "With --documents: how many passages the reader reads.") var passages = 5
        @OptionGroup var readerModel: ReaderModelOptions

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1.") }
        }

        func run() throws {
            if documents { return try answerFromDocuments() }
            let store = try database.open(quiet: json, readOnly: true)
            let setup = try search.setup(for: store, quiet: json)
            let engine = Engine(store: store, searchMode: setup.mode, embedder: setup.embedder)
            let reply = try engine.ask(question, top: top)
            print(json ? try JSON.line(reply) : ReplyText(lang).message(for: reply))
        }

        func answerFromDocuments() throws {
            guard passages >= 1 else { throw ValidationError("--passages must be at least 1.") }
            let store = try database.open(quiet: json, readOnly: true)
            let reader = readerModel
            let engine = Engine(store: store, loadReader: { try reader.load() })
            let answers = try engine.answerFromDocuments(question, passages: passages, top: top)
            // Below the chat's threshold the best span is still shown, marked as a guess.
            let threshold = engine.policy.documentThreshold
            let lowConfidence = (answers.first?.score ?? 0) < threshold
            if json {
                struct Output: Encodable { var query: String; var answers: [DocumentAnswer]; var lowConfidence: Bool; var threshold: Double }
                print(try JSON.line(Output(query: question, answers: answers, lowConfidence: lowConfidence, threshold: threshold)))
                return
            }
            guard !answers.isEmpty else { print("No answer: no indexed passage shares words with the question (korqa documents list shows the documents)."); return }
            if lowConfidence {
                print(String(format: "Not sure: the best answer scores %.2f, under the %.2f at which the chat answers from documents (a guess):", answers[0].score, threshold))
            }
            for (i, a) in answers.enumerated() {
                print((answers.count > 1 ? "\(i + 1). " : "") + a.text)
                print(String(format: "   (%@ · %@ · score %.2f · characters [%d, %d))", a.title, a.path, a.score, a.start, a.end))
            }
        }
    }
}

extension Language: ExpressibleByArgument {}
