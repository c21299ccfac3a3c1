import ArgumentParser

extension KorQA {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure KorQA's speed (bench/ runs these beside the Python peers).",
            subcommands: [BenchText.self, BenchLSTM.self, BenchReader.self, BenchEncoder.self, BenchSummarizer.self]
        )
    }
}
