import ArgumentParser

extension KorQA {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train KorQA's models on your data.",
            subcommands: [TrainIntent.self, TrainReader.self, TrainWordVectors.self, TrainEncoder.self, TrainSentenceEncoder.self, TrainSummarizer.self]
        )
    }
}
