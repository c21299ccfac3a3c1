import ArgumentParser
import Foundation
import MRCReader
import NeuralCore
import QAEngine

extension KorQA {
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a question from a passage with the extractive reader.",
            discussion: """
            Prints the answer cut from the passage, its score (P(start)·P(end) in the window it \
            was read from, 0–1) and its offsets: Unicode code-point indices [start, end) into the \
            passage as given (KorQuAD's answer_start unit). Passages longer than the reader's \
            window are read in overlapping windows.

            Examples:
              korqa read --context "지미 카터는 1924년 10월 1일 조지아주에서 태어났다." "지미 카터는 언제 태어났어?"
              korqa read --context-file article.txt "수도는 어디인가?" --top 3 --json
            """
        )

        @Argument(help: "The question.") var question: String
        @Option(help: "The passage text.") var context: String?
        @Option(help: "A UTF-8 file holding the passage.") var contextFile: String?
        @Option(help: "How many answers to show.") var top = 1
        @OptionGroup var model: ReaderModelOptions
        @Flag(help: "Print one JSON object: {\"question\", \"answers\": [{text, score, start, end}]}.") var json = false

        func validate() throws {
            guard (context == nil) != (contextFile == nil) else { throw ValidationError("give the passage with exactly one of --context TEXT or --context-file FILE.") }
            guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("the question is empty: give the question to answer, e.g. korqa read --context TEXT \"수도는 어디인가?\".")
            }
            guard top >= 1 else { throw ValidationError("--top must be at least 1.") }
            guard model.threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
        }

        func run() throws {
            Parallelism.configure(threads: model.threads)
            let passage = try context ?? MRCFile.text(contextFile!)
            guard !passage.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError.usage(contextFile.map { "\($0) holds no text: nothing to read; give a passage file with text in it." }
                                     ?? "the passage (--context) is empty: nothing to read; give the text to answer from.")
            }
            let reader = try model.load()
            let answers = reader.answers(question: question, context: passage, top: top)
            if json {
                struct Report: Encodable { var question: String; var answers: [PassageAnswer] }
                print(try JSON.line(Report(question: question, answers: answers.map(PassageAnswer.init))))
                return
            }
            guard !answers.isEmpty else { print("No answer: nothing to read in the passage."); return }
            for (i, a) in answers.enumerated() {
                print((answers.count > 1 ? "\(i + 1). " : "") + a.text)
                print(String(format: "   (score %.2f · characters [%d, %d))", a.score, a.start, a.end))
            }
        }
    }
}
