import ArgumentParser
import Foundation
import NeuralCore
import QAEngine
import Summarizer

extension KorQA {
    struct BenchSummarizer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summarizer",
            abstract: "Latency of summarizing one document (p50 / p90 per mode), on one thread by default.",
            discussion: """
            The document is the first sentences of sci-news-sum-kr-50 (--sci-news) up to --syllables \
            letters and digits. Extractive mode (TF-IDF LexRank, --sentences) and abstractive mode \
            (--model; greedy and beam --beam) each summarize it --runs times after one warm-up run.

            Example:
              korqa bench summarizer --sci-news ../shared/data/summarization/sci-news-sum-kr-50 --json
            """
        )

        @Option(help: "sci-news-sum-kr-50 folder (the document's text).") var sciNews: String
        @Option(help: "A summarizer model folder, or 'default'.") var model = "default"
        @Option(help: "Document length, in letters and digits.") var syllables = 1000
        @Option(help: "Sentences in the extractive summary.") var sentences = 3
        @Option(help: "Beam width of the beam-search run.") var beam = 4
        @Option(help: "Timed runs per mode.") var runs = 20
        @Option(help: "Threads.") var threads = 1
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            Parallelism.configure(threads: threads)
            let document = SummarizerEvaluation.document(from: try SummarizerEvaluation.sciNewsSum(sciNews), syllables: syllables)
            let summarizer = TextSummarizer(abstractive: try Home.current.summarizer(model))
            struct Timing: Encodable { var mode: String; var p50Ms: Double; var p90Ms: Double; var summary: String }
            func time(_ mode: String, _ body: () throws -> String) rethrows -> Timing {
                let summary = try body()
                var times: [Double] = []
                for _ in 0..<runs {
                    let started = monotonicSeconds()
                    _ = try body()
                    times.append(1000 * (monotonicSeconds() - started))
                }
                times.sort()
                return Timing(mode: mode, p50Ms: times[times.count / 2], p90Ms: times[min(times.count - 1, times.count * 9 / 10)], summary: summary)
            }
            let timings = [
                try time("extractive") { try summarizer.summarize(document, mode: .extractive, sentences: sentences).text },
                try time("abstractive greedy") { try summarizer.summarize(document, mode: .abstractive, decoding: DecodingOptions(beamWidth: 1)).text },
                try time("abstractive beam \(beam)") { try summarizer.summarize(document, mode: .abstractive, decoding: DecodingOptions(beamWidth: beam)).text },
            ]
            let letters = Rouge.units(document).count
            if json {
                struct Output: Encodable { var documentSyllables: Int; var threads: Int; var runs: Int; var timings: [Timing] }
                print(try JSON.line(Output(documentSyllables: letters, threads: threads, runs: runs, timings: timings)))
                return
            }
            print("document: \(letters) letters and digits; \(threads) thread(s), \(runs) runs")
            for t in timings { print(String(format: "%@: p50 %.1f ms, p90 %.1f ms", t.mode, t.p50Ms, t.p90Ms)) }
        }
    }
}
