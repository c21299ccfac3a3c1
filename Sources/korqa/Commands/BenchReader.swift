import ArgumentParser
import Foundation
import MRCReader
import NeuralCore

extension KorQA {
    struct BenchReader: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reader",
            abstract: "Answer latency of the reader on contexts of a fixed length (load time, p50, p95).",
            discussion: """
            Takes the paragraphs of DATA (KorQuAD/SQuAD JSON) that have at least --syllables \
            syllables, cuts each to exactly that many (at a syllable's end), and answers each \
            paragraph's first question, one at a time, for --seconds. Prints the model load time \
            and the latency percentiles of `Reader.answers` (tokenizing included).

            Example:
              korqa bench reader ../shared/data/korquad/KorQuAD_v1.0_dev.json --syllables 500 --threads 1
            """
        )

        @Argument(help: "KorQuAD/SQuAD-format JSON to take contexts and questions from.") var data: String
        @Option(help: "Context length in syllables.") var syllables = 500
        @Option(help: "Seconds to measure (after a warm-up answer).") var seconds: Double = 10
        @OptionGroup var model: ReaderModelOptions
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            Parallelism.configure(threads: model.threads)
            let loadStart = monotonicSeconds()
            let reader = try model.load()
            let loadSeconds = monotonicSeconds() - loadStart
            let dataset = try SquadDataset.load(path: data)
            var cases: [(question: String, context: String)] = []
            for article in dataset.articles {
                for paragraph in article.paragraphs {
                    guard let question = paragraph.questions.first else { continue }
                    let tokens = TokenizedText(paragraph.context).tokens
                    guard tokens.count >= syllables else { continue }
                    let end = tokens[syllables - 1].end
                    cases.append((question.text, String(String.UnicodeScalarView(Array(paragraph.context.unicodeScalars)[0..<end]))))
                }
            }
            guard !cases.isEmpty else { throw CLIError.usage("no paragraph in \(data) has \(syllables) syllables") }
            _ = reader.answers(question: cases[0].question, context: cases[0].context)
            var latencies: [Double] = []
            let started = monotonicSeconds()
            var i = 0
            while monotonicSeconds() - started < seconds || latencies.count < 10 {
                let t = monotonicSeconds()
                _ = reader.answers(question: cases[i % cases.count].question, context: cases[i % cases.count].context)
                latencies.append(monotonicSeconds() - t)
                i += 1
            }
            latencies.sort()
            func percentile(_ p: Double) -> Double { 1000 * latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))] }
            if json {
                struct Report: Encodable { var syllables, threads, answers: Int; var loadMs, p50Ms, p95Ms: Double }
                print(try JSON.line(Report(syllables: syllables, threads: model.threads, answers: latencies.count, loadMs: 1000 * loadSeconds,
                                           p50Ms: percentile(0.5), p95Ms: percentile(0.95))))
            } else {
                print(String(format: "%d answers over %d-syllable contexts, %d thread(s): p50 %.2f ms, p95 %.2f ms; model load %.0f ms",
                             latencies.count, syllables, model.threads, percentile(0.5), percentile(0.95), 1000 * loadSeconds))
            }
        }
    }
}
