import ArgumentParser
import Foundation
import Summarizer

extension KorQA {
    struct EvalRouge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rouge",
            abstract: "Syllable ROUGE-1/2/L of your own summaries against references.",
            discussion: """
            FILE holds one pair per line: candidate<TAB>reference (or JSON lines {"source": \
            candidate, "target": reference}). ROUGE counts letters and digits (Latin lowercased), \
            spaces and punctuation removed — the usual way to score Korean summaries (the word-level \
            rouge_score tokenizer drops Hangul). Prints the means; --json prints one object per \
            pair, then the means.

            Example:
              korqa eval rouge my-summaries.tsv --json
            """
        )

        @Argument(help: "TSV candidate<TAB>reference, or JSON lines.") var file: String
        @Flag(help: "One JSON object per pair ({line, rouge1, rouge2, rouge_l}, each {precision, recall, f1}), then {\"mean\": …}.") var json = false

        func run() throws {
            let loaded = try SummaryPairs.read(file)
            for problem in loaded.problems { Diagnostics.warning("\(file): \(problem)") }
            var sums = [0.0, 0.0, 0.0]
            for (i, pair) in loaded.pairs.enumerated() {
                let s = Rouge.scores(pair.source, reference: pair.target)
                sums[0] += s.rouge1.f1; sums[1] += s.rouge2.f1; sums[2] += s.rougeL.f1
                if json {
                    struct Line: Encodable { var pair: Int; var rouge1: Rouge.Score; var rouge2: Rouge.Score; var rougeL: Rouge.Score }
                    print(try JSON.line(Line(pair: i + 1, rouge1: s.rouge1, rouge2: s.rouge2, rougeL: s.rougeL)))
                }
            }
            let n = Double(loaded.pairs.count)
            if json {
                /// Mean F1 of each measure.
                struct Mean: Encodable { var pairs: Int; var rouge1: Double; var rouge2: Double; var rougeL: Double }
                struct Output: Encodable { var mean: Mean }
                print(try JSON.line(Output(mean: Mean(pairs: loaded.pairs.count, rouge1: sums[0] / n, rouge2: sums[1] / n, rougeL: sums[2] / n))))
            } else {
                print(String(format: "%d pairs: ROUGE-1 %.4f · ROUGE-2 %.4f · ROUGE-L %.4f (F1, syllables)", loaded.pairs.count, sums[0] / n, sums[1] / n, sums[2] / n))
            }
        }
    }
}
