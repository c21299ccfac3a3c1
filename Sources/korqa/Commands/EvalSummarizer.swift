import ArgumentParser
import Foundation
import NeuralCore
import QAEngine
import Summarizer
import TextEncoder

extension KorQA {
    struct EvalSummarizer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summarizer",
            abstract: "Syllable ROUGE-1/2/L (F1, 95% bootstrap intervals) of the summarizer beside its baselines.",
            discussion: """
            --sae4k FILE scores the abstractive model (--model) on sae4K's test part (lines \
            i % 10 == 9, never trained on) beside copying the utterance and dropping its last 어절, \
            with exact match. --sci-news DIR scores extractive summaries of --sentences sentences \
            on sci-news-sum-kr-50 beside Lead-N, with sentence F1 against the gold indices (only 50 \
            articles: report, never tune). ROUGE counts letters and digits, spaces and punctuation \
            removed.

            Examples:
              korqa eval summarizer --sae4k ../shared/data/summarization/sae4k/sae4k_v1.txt
              korqa eval summarizer --sci-news ../shared/data/summarization/sci-news-sum-kr-50 --json
            """
        )

        @Option(help: "sae4K v1 file (its test part is scored).") var sae4k: String?
        @Option(help: "sci-news-sum-kr-50 folder.") var sciNews: String?
        @Option(help: "Korean Wikipedia (WikiExtractor folder): lead generation on its held-out articles.") var wikipedia: String?
        @Option(help: "A document summarizer (trained with --pretrain-corpus): scored on --wikipedia's held-out leads, and its abstractive summaries on --sci-news.") var documentModel: String?
        @Option(help: "Korean Wikipedia: extractive summaries of held-out articles against their principal sentences (a development set).") var wikipediaExtractive: String?
        @Flag(help: "Also score the extractive variants (raw-character n-grams, no redundancy skip).") var variants = false
        @Option(help: "A summarizer model folder, or 'default'.") var model = "default"
        @Option(help: "A sentence-encoder folder whose vectors join the extractive similarity.") var sentenceEncoder: String?
        @Option(help: "Sentences in an extractive summary.") var sentences = 3
        @Option(help: "Beam width (1: greedy).") var beam = 4
        @Option(help: "Score at most this many sae4K test pairs or Wikipedia articles (all by default).") var limit: Int?
        @Option(help: "Threads.") var threads = 1
        @Flag(help: "Print one JSON object: {\"reports\": [{system, documents, rouge1, rouge2, rouge_l, …}]}.") var json = false

        func validate() throws {
            guard sae4k != nil || sciNews != nil || wikipedia != nil || wikipediaExtractive != nil else { throw ValidationError("give --sae4k FILE, --sci-news DIR and/or --wikipedia DIR to evaluate on.") }
            guard wikipedia == nil || documentModel != nil else { throw ValidationError("--wikipedia needs --document-model DIR (a model trained with --pretrain-corpus).") }
            // --document-model with --sci-news also scores its abstractive summaries of the articles.
            guard sentences >= 1, beam >= 1 else { throw ValidationError("--sentences and --beam must be at least 1.") }
        }

        func run() throws {
            Parallelism.configure(threads: threads)
            var reports: [SummarizerEvaluation.Report] = []
            if let sae4k {
                var pairs = try SummaryPairs.sae4K(sae4k, part: .test)
                if let limit { pairs = Array(pairs.prefix(limit)) }
                let summarizer = try Home.current.summarizer(model)
                let options = DecodingOptions(beamWidth: beam)
                reports.append(SummarizerEvaluation.pairs(pairs, system: "copy the utterance", summarize: SummarizerEvaluation.copySource))
                reports.append(SummarizerEvaluation.pairs(pairs, system: "drop the last 어절", summarize: SummarizerEvaluation.dropLastWord))
                let started = monotonicSeconds()
                reports.append(SummarizerEvaluation.pairs(pairs, system: "KorQA abstractive (beam \(beam))") { summarizer.summarize($0, options: options).text })
                Diagnostics.note(String(format: "sae4K test: %d pairs summarized in %.1f s", pairs.count, monotonicSeconds() - started))
            }
            if let wikipedia, let documentModel {
                var pairs = try SummaryPairs.wikipediaLeads(corpus: wikipedia, excludedTitles: [], isHeldOut: { PretrainingCorpus.isHeldOut(title: $0, perMille: 10) }).heldOut
                if let limit { pairs = Array(pairs.prefix(limit)) }
                let summarizer = try Home.current.summarizer(documentModel)
                let options = DecodingOptions(beamWidth: beam)
                reports.append(SummarizerEvaluation.pairs(pairs, system: "first sentence of the rest", summarize: SummarizerEvaluation.firstSentence))
                let started = monotonicSeconds()
                reports.append(SummarizerEvaluation.pairs(pairs, system: "KorQA lead generation (beam \(beam))") { summarizer.summarize($0, options: options).text })
                Diagnostics.note(String(format: "Wikipedia held-out leads: %d articles summarized in %.1f s", pairs.count, monotonicSeconds() - started))
            }
            var extractiveSets: [(String, [SummarizerEvaluation.Article])] = []
            if let wikipediaExtractive {
                extractiveSets.append(("Wikipedia principal sentences", try SummarizerEvaluation.wikipediaPrincipalSentences(
                    corpus: wikipediaExtractive, articles: limit ?? 500, count: sentences, isHeldOut: { PretrainingCorpus.isHeldOut(title: $0, perMille: 10) })))
            }
            if let sciNews { extractiveSets.append(("sci-news-sum-kr-50", try SummarizerEvaluation.sciNewsSum(sciNews))) }
            for (setName, articles) in extractiveSets {
                let tag = extractiveSets.count > 1 ? " · \(setName)" : ""
                if variants {
                    for (name, raw, redundancy) in [("letters and digits only", false, 0.7), ("no redundancy skip", true, 1.0), ("letters only, no skip", false, 1.0)] {
                        var variant = ExtractiveSummarizer()
                        variant.rawCharacters = raw; variant.redundancy = redundancy
                        reports.append(SummarizerEvaluation.extractive(articles, system: "KorQA extractive (\(name))\(tag)") { variant.choose($0.sentences, count: sentences) })
                    }
                }
                reports.append(SummarizerEvaluation.extractive(articles, system: "Lead-\(sentences)\(tag)", choose: SummarizerEvaluation.lead(sentences)))
                var extractive = ExtractiveSummarizer()
                reports.append(SummarizerEvaluation.extractive(articles, system: "KorQA extractive (TF-IDF LexRank)\(tag)") { article in
                    extractive.choose(article.sentences, count: sentences)
                })
                if let documentModel, setName == "sci-news-sum-kr-50" {
                    let summarizer = try Home.current.summarizer(documentModel)
                    let options = DecodingOptions(beamWidth: beam)
                    reports.append(SummarizerEvaluation.abstractive(articles, system: "KorQA abstractive (\(documentModel), beam \(beam))\(tag)") {
                        summarizer.summarize($0, options: options).text
                    })
                }
                if let sentenceEncoder {
                    let embedder = try EncoderEmbedder(directory: sentenceEncoder)
                    extractive.embed = { embedder.vectors($0) }
                    reports.append(SummarizerEvaluation.extractive(articles, system: "KorQA extractive (TF-IDF + sentence vectors)\(tag)") { article in
                        extractive.choose(article.sentences, count: sentences)
                    })
                }
            }
            if json {
                struct Output: Encodable { var reports: [SummarizerEvaluation.Report] }
                print(try JSON.line(Output(reports: reports)))
                return
            }
            func cell(_ e: SummarizerEvaluation.Estimate?) -> String {
                guard let e else { return "—" }
                return String(format: "%.3f [%.3f, %.3f]", e.mean, e.low, e.high)
            }
            print("system | n | ROUGE-1 | ROUGE-2 | ROUGE-L | sentence F1 | exact match")
            for r in reports {
                print("\(r.system) | \(r.documents) | \(cell(r.rouge1)) | \(cell(r.rouge2)) | \(cell(r.rougeL)) | \(cell(r.sentenceF1)) | \(cell(r.exactMatch))")
            }
        }
    }
}
