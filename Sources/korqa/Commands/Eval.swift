import ArgumentParser

extension KorQA {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure KorQA's accuracy on labelled data.",
            subcommands: [EvalFAQ.self, EvalIntent.self, EvalKorQuAD.self, EvalOpenQA.self, EvalRouting.self, EvalSTS.self, EvalSummarizer.self, EvalRouge.self]
        )
    }
}
