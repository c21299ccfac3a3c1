import ArgumentParser
import Foundation
import NeuralCore
import QAEngine
import Summarizer

extension KorQA {
    struct Summarize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarize Korean text: the central sentences (extractive) or a short rewrite (abstractive).",
            discussion: """
            The text comes from the arguments, --file, or standard input. --mode extractive picks \
            --sentences sentences of the text, verbatim and in their order (LexRank over character \
            n-gram similarity, plus sentence vectors with --sentence-encoder); --json gives each \
            one's [start, end) code points into the text. --mode abstractive writes a summary with \
            the seq2seq model (--model, default: the shipped resources/summarizer-sae4k, trained \
            on utterances → what they ask for); input longer than the model reads is cut, and the \
            output says so. --mode auto (the default) is abstractive for one sentence and \
            extractive for more.

            Examples:
              korqa summarize "내일 아침 7시에 알람 좀 맞춰 줄래"
              korqa summarize --file article.txt --sentences 3 --json
              cat article.txt | korqa summarize --mode extractive
            """
        )

        @Argument(help: "The text (several arguments are joined with spaces); none reads --file or standard input.") var text: [String] = []
        @Option(help: "A UTF-8 text file to summarize.") var file: String?
        @Option(help: "auto, abstractive or extractive.") var mode: SummaryMode = .auto
        @Option(help: "Sentences in an extractive summary.") var sentences = 3
        @Option(help: "A summarizer model folder (korqa train summarizer), or 'default'.") var model = "default"
        @Option(help: "A sentence-encoder folder whose vectors join the extractive similarity.") var sentenceEncoder: String?
        @Option(help: "Beam width of abstractive decoding (1: greedy).") var beam = 4
        @Option(help: "Longest abstractive summary, in syllables and spaces.") var maxLength: Int?
        @Flag(help: "Print one JSON object: {mode, text, sentences: [{index, text, start, end, score}], truncated, …}.") var json = false

        func validate() throws {
            guard text.isEmpty || file == nil else { throw ValidationError("give the text as arguments or with --file, not both.") }
            guard sentences >= 1 else { throw ValidationError("--sentences must be at least 1 (got \(sentences)).") }
            guard beam >= 1 else { throw ValidationError("--beam must be at least 1 (got \(beam)).") }
            if let maxLength, maxLength < 1 { throw ValidationError("--max-length must be at least 1 (got \(maxLength)).") }
        }

        func run() throws {
            var input: String
            if !text.isEmpty {
                input = text.joined(separator: " ")
            } else if let file {
                let read = try TextSummarizer.readText(file)
                if read.replacedBytes { Diagnostics.warning("\(file) is not valid UTF-8 throughout: invalid bytes were read as U+FFFD") }
                input = read.text
            } else {
                input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
            let home = Home.current
            let needsModel = TextSummarizer.resolve(mode, for: input, hasModel: true) == .abstractive
            let abstractive = needsModel ? try home.summarizer(model) : nil
            var extractive = ExtractiveSummarizer()
            if let sentenceEncoder {
                let embedder = try EncoderEmbedder(directory: sentenceEncoder)
                extractive.embed = { embedder.vectors($0) }
            }
            var decoding = DecodingOptions(beamWidth: beam)
            decoding.maxLength = maxLength
            let result = try TextSummarizer(abstractive: abstractive, extractive: extractive)
                .summarize(input, mode: mode, sentences: sentences, decoding: decoding)
            if json { print(try JSON.line(result)); return }
            print(result.text)
            if result.truncated, let read = result.sourceSyllablesRead {
                Diagnostics.note("the model read only the first \(read) syllables of the text; the rest is not summarized (use --mode extractive for long text)")
            }
        }
    }
}

extension SummaryMode: ExpressibleByArgument {}
