import ArgumentParser
import Foundation
import NeuralCore
import TextEncoder

extension KorQA {
    struct EvalSTS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sts",
            abstract: "Spearman correlation (×100) between sentence-vector cosines and human similarity scores (KorSTS format).",
            discussion: """
            Example:
              korqa eval sts ../shared/data/paraphrase/korsts/sts-test.tsv --model runs/sentence-encoder
            """
        )

        @Argument(help: "KorSTS-format TSV (genre, filename, year, id, score, sentence1, sentence2).") var file: String
        @Option(help: "A sentence-encoder folder (korqa train sentence-encoder).") var model: String
        @Option(help: "Threads.") var threads = 1
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            Parallelism.configure(threads: threads)
            let encoder = try SentenceEncoder.load(from: model)
            let pairs = try SentencePairs.korSTS(file)
            let started = monotonicSeconds()
            let spearman = encoder.evaluate(pairs)
            let seconds = monotonicSeconds() - started
            struct Report: Encodable { var file: String; var pairs: Int; var spearmanX100: Double; var seconds: Double }
            if json {
                print(try JSON.line(Report(file: file, pairs: pairs.count, spearmanX100: 100 * spearman, seconds: seconds)))
            } else {
                print(String(format: "%d pairs: Spearman ×100 %.2f (%.1f s)", pairs.count, 100 * spearman, seconds))
            }
        }
    }
}
