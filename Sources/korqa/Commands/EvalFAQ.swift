import ArgumentParser
import FAQRetrieval
import Foundation
import QAEngine

extension KorQA {
    struct EvalFAQ: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "faq",
            abstract: "Retrieval accuracy and query latency of the FAQ search.",
            discussion: """
            ParaKQC: the first sentence of each of the 1,000 paraphrase sets is indexed and the \
            other nine query it (9,000 queries). ChatbotData: questions that share an answer — the \
            first is indexed (with every other question as a distractor), the rest query it. \
            Reports Recall@1, Recall@5, MRR@10 and query latency; latency at full size is \
            measured against an index of all ChatbotData rows. bench/faq.sh runs the Python peers \
            (rank_bm25, scikit-learn TF-IDF) on the same splits.

            --held-out scores the shared encoder's evaluation splits instead: ParaKQC sets \
            801–1000 (never trained on) and the ChatbotData queries of the test half of the answer \
            groups (a hash of the answer; never trained or calibrated on). --mode dense|hybrid \
            searches with the sentence vectors of --sentence-encoder DIR (hybrid: fused with BM25 \
            by reciprocal rank).

            Example:
              korqa eval faq --parakqc ../shared/data/paraphrase/parakqc/paraKQC_v1.txt \\
                             --chatbot ../shared/data/faq/chatbot_data/ChatbotData.csv
              korqa eval faq --held-out --mode hybrid --sentence-encoder runs/sentence-encoder --parakqc … --chatbot …
            """
        )

        @Option(help: "ParaKQC v1 text file.") var parakqc: String?
        @Option(help: "ChatbotData.csv (Q,A,label).") var chatbot: String?
        @Flag(help: "Score the held-out splits (ParaKQC sets 801–1000, ChatbotData test half).") var heldOut = false
        @OptionGroup var search: SearchOptions
        @Option(help: "Hybrid fusion: rrf (reciprocal rank) or blend:W (W · BM25/best BM25 + (1 − W) · cosine); the default is what ask and chat use.") var fusion = "blend:0.2"
        @Flag(help: "Sweep the blend weight on ChatbotData's calibration half (needs --chatbot and a sentence encoder) and print each weight's R@1.") var calibrateFusion = false
        @Flag(help: "Print JSON lines.") var json = false

        func validate() throws {
            guard parakqc != nil || chatbot != nil else { throw ValidationError("give --parakqc FILE and/or --chatbot FILE.") }
            guard (try? Self.parseFusion(fusion)) != nil else { throw ValidationError("--fusion must be rrf or blend:W with W in [0, 1] (got \(fusion)).") }
            if calibrateFusion && chatbot == nil { throw ValidationError("--calibrate-fusion needs --chatbot FILE.") }
        }

        static func parseFusion(_ text: String) throws -> HybridFusion {
            if text == "rrf" { return .reciprocalRank }
            guard text.hasPrefix("blend:"), let w = Double(text.dropFirst(6)), (0...1).contains(w) else { throw ValidationError("bad fusion") }
            return .blend(lexicalWeight: w)
        }

        func run() throws {
            let (mode, embedder) = try search.explicit()
            let fusion = try Self.parseFusion(self.fusion)
            if calibrateFusion {
                guard let embedder else { throw ValidationError("--calibrate-fusion needs a sentence encoder (--sentence-encoder DIR).") }
                let split = FAQEvaluation.sharedAnswers(try FAQFile.read(path: chatbot!).rows, half: 0)
                let (best, curve) = try FAQEvaluation.calibrateBlend(split, embedder: embedder)
                for point in curve { print(String(format: "blend:%.1f  R@1 %.3f (ChatbotData calibration half, %d queries)", point.weight, point.recallAt1, split.queries.count)) }
                print(String(format: "best: blend:%.1f", best))
                return
            }
            let systemName = mode == .lexical ? "korqa" : mode == .hybrid && self.fusion == "rrf" ? "korqa-hybrid-rrf" : "korqa-\(mode.rawValue)"
            var latencyQueries: [String] = []
            struct Report: Encodable {
                var dataset: String; var system = "korqa"; var entries, queries: Int
                var recallAt1, recallAt5, mrr: Double?; var p50Ms, p95Ms: Double
            }
            func report(_ name: String, _ m: FAQEvaluation.Metrics, entries: Int) throws {
                if json {
                    print(try JSON.line(Report(dataset: name, system: systemName, entries: entries, queries: m.queries, recallAt1: m.recallAt1, recallAt5: m.recallAt5,
                                               mrr: m.mrr, p50Ms: m.latencyP50Milliseconds, p95Ms: m.latencyP95Milliseconds)))
                } else {
                    print(String(format: "%@ (\(systemName)): %d entries, %d queries — R@1 %.3f  R@5 %.3f  MRR %.3f  p50 %.2f ms  p95 %.2f ms",
                                 name, entries, m.queries, m.recallAt1, m.recallAt5, m.mrr, m.latencyP50Milliseconds, m.latencyP95Milliseconds))
                }
            }
            if let parakqc {
                let split = try FAQEvaluation.paraKQC(path: parakqc, sets: heldOut ? FAQEvaluation.paraKQCHeldOutSets : nil)
                try report(heldOut ? "parakqc-801-1000" : "parakqc", try FAQEvaluation.run(split, mode: mode, embedder: embedder, fusion: fusion), entries: split.indexed.count)
                latencyQueries = split.queries.map(\.text)
            }
            if let chatbot {
                let file = try FAQFile.read(path: chatbot)
                let split = heldOut ? FAQEvaluation.sharedAnswers(file.rows, half: 1) : FAQEvaluation.sharedAnswers(file.rows)
                try report(heldOut ? "chatbot-shared-answers-test-half" : "chatbot-shared-answers", try FAQEvaluation.run(split, mode: mode, embedder: embedder, fusion: fusion),
                           entries: split.indexed.count)
                if latencyQueries.isEmpty { latencyQueries = split.queries.map(\.text) }
                let (entries, p50, p95) = try FAQEvaluation.latency(indexing: file.rows, queries: Array(latencyQueries.prefix(2000)), mode: mode, embedder: embedder)
                if json {
                    print(try JSON.line(Report(dataset: "latency", system: systemName, entries: entries, queries: min(2000, latencyQueries.count), p50Ms: p50, p95Ms: p95)))
                } else {
                    print(String(format: "latency at %d entries: p50 %.2f ms  p95 %.2f ms", entries, p50, p95))
                }
            }
        }
    }
}
