import ArgumentParser
import Hangul
#if canImport(Glibc)
import Glibc
#endif

extension KorQA {
    struct BenchText: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "text",
            abstract: "Throughput of normalize and tokenize (with offsets) over a text corpus.",
            discussion: """
            Reads whole lines from the files in --corpus (sorted by name; WikiExtractor's <doc> \
            lines are skipped) until --megabytes of UTF-8 are loaded, then times, on one thread: \
            UTF-8 decoding + normalize; the same + syllable tokens; the same + jamo tokens. Each \
            is run --repeats times and the median is reported in MB/s of input UTF-8.

            Example:
              korqa bench text --corpus ../shared/data/mrc/kowiki/AA --megabytes 10 --json
            """
        )

        @Option(help: "A text file, or a directory whose files are read in name order.")
        var corpus: String

        @Option(help: "How much text to load, in MB (10^6 bytes).")
        var megabytes: Double = 10

        @Option(help: "How many timed runs per measurement; the median is reported.")
        var repeats: Int = 3

        @Flag(help: "Print one JSON object per measurement.")
        var json = false

        func validate() throws {
            guard megabytes > 0 else { throw ValidationError("--megabytes must be positive.") }
            guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1.") }
        }

        func run() throws {
            let lines = try TextCorpus.textLines(at: corpus, limitBytes: Int(megabytes * 1_000_000))
            let totalBytes = lines.reduce(0) { $0 + $1.count }
            guard totalBytes > 0 else { throw CLIError.usage("no text found in \(corpus)") }
            let normalizer = Normalizer()
            var scalars: [Unicode.Scalar] = []

            func measure(_ name: String, _ work: (NormalizedText) -> Int) {
                var seconds: [Double] = []
                var produced = 0
                for _ in 0..<repeats {
                    let started = monotonicSeconds()
                    produced = 0
                    for line in lines {
                        scalars.removeAll(keepingCapacity: true)
                        line.withUnsafeBufferPointer { _ = UTF8Decoding.decode($0, into: &scalars) }
                        produced += work(normalizer.normalize(scalars: scalars))
                    }
                    seconds.append(monotonicSeconds() - started)
                }
                seconds.sort()
                let median = seconds[seconds.count / 2]
                let rate = Double(totalBytes) / 1e6 / median
                if json {
                    struct Report: Encodable { var bench = "text"; var task: String; var bytes, lines, items: Int; var seconds, mbPerS: Double }
                    print((try? JSON.line(Report(task: name, bytes: totalBytes, lines: lines.count, items: produced, seconds: median, mbPerS: rate))) ?? "")
                } else {
                    print("\(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", rate)) MB/s  (\(produced) items, \(totalBytes) bytes, median of \(repeats))")
                }
            }

            measure("normalize") { $0.count }
            let syllable = SyllableTokenizer()
            measure("normalize+syllable") { syllable.tokenize($0).count }
            let jamo = JamoTokenizer()
            measure("normalize+jamo") { jamo.tokenize($0).count }
        }
    }
}
