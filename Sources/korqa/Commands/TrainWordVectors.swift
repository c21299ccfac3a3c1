import ArgumentParser
import Foundation
import Hangul
import MRCReader
import NeuralCore
import WordVectors
#if canImport(Glibc)
import Glibc
#endif

extension KorQA {
    struct TrainWordVectors: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "word-vectors",
            abstract: "Train subword word vectors (fastText-style skip-gram) on raw Korean text, for the reader's input.",
            discussion: """
            --corpus is a text file or a directory of them (WikiExtractor output: <doc title="…"> \
            lines mark articles). Every line is cut into words as the reader cuts them (normalized \
            syllables; a run of letters/digits is a word, punctuation stands alone). A word's \
            vector is the mean of its units' vectors: the whole word (if seen --min-count times) \
            and its syllable 1–3-grams with word-boundary marks, so "대통령이" and "대통령의" share \
            most of theirs.

            --exclude-titles-of FILE (KorQuAD/SQuAD JSON, repeatable) drops the corpus articles \
            whose titles occur in FILE, so vectors never read the passages a reader is scored on.

            Writes OUT (one safetensors file: the unit table, its unit keys and how it was made) \
            and, after every epoch, OUT.checkpoint (continue with --resume). Prints the nearest \
            words of a few --probe words at the end as a sanity check.

            Example:
              korqa train word-vectors --corpus ../shared/data/mrc/kowiki \\
                --exclude-titles-of KorQuAD_v1.0_dev.json --exclude-titles-of korean_tydiqa_train.json --out runs/word-vectors.safetensors
              korqa train reader --word-vectors runs/word-vectors.safetensors --train … 
            """
        )

        @Option(help: "Text file or directory of text files (WikiExtractor output works).") var corpus: String
        @Option(help: "Output file.") var out = "word-vectors.safetensors"
        @Option(help: "KorQuAD/SQuAD JSON whose article titles are dropped from the corpus (repeatable).") var excludeTitlesOf: [String] = []
        @Option(help: "Read at most this many megabytes of text (quick trials).") var maxMegabytes: Int?
        @Option(help: "Vector size (128: the shipped reader's; a reader reading them answers a 500-syllable passage in < 10 ms on one core).") var dimension = 128
        @Option(help: "Epochs over the corpus.") var epochs = 1
        @Option(help: "Largest context window (words per side).") var window = 5
        @Option(help: "Negative samples per context word.") var negatives = 5
        @Option(help: "Starting learning rate (decays linearly to 0).") var learningRate: Float = 0.05
        @Option(help: "Words seen fewer times are not context words and get no whole-word unit.") var minCount = 5
        @Option(help: "Most units kept (the table is units × dimension floats).") var maxUnits = 100_000
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Option(help: "Words whose nearest neighbours are printed at the end (comma-separated).") var probe = "대통령,서울,1950년,축구,화학"
        @Flag(help: "Continue from OUT.checkpoint after the epochs it holds.") var resume = false

        func validate() throws {
            for (name, value) in [("--dimension", dimension), ("--epochs", epochs), ("--window", window), ("--min-count", minCount),
                                  ("--max-units", maxUnits)] where value < 1 {
                throw ValidationError("\(name) must be at least 1 (got \(value)).")
            }
            guard negatives >= 1 else { throw ValidationError("--negatives must be at least 1 (got \(negatives)).") }
            guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive (got \(learningRate)).") }
            if let maxMegabytes, maxMegabytes < 1 { throw ValidationError("--max-megabytes must be at least 1 (got \(maxMegabytes)).") }
        }

        var options: SkipGramOptions {
            var o = SkipGramOptions()
            o.dimension = dimension; o.epochs = epochs; o.window = window; o.negatives = negatives
            o.learningRate = learningRate; o.minWordCount = minCount; o.minUnitCount = minCount; o.maxUnits = maxUnits; o.seed = seed
            return o
        }

        var checkpointPath: String { out + ".checkpoint" }

        func run() throws {
            let started = monotonicSeconds()
            let excluded = Set(try SquadDataset.titleKeys(ofFiles: excludeTitlesOf))
            let limit = maxMegabytes.map { $0 << 20 } ?? Int.max
            let (text, report) = try SkipGramCorpus.read(corpus, excludedTitles: excluded, limitBytes: limit) { done, total, bytes in
                Diagnostics.progress(String(format: "\rreading %@: file %d/%d, %.1f MB", corpus, done, total, Double(bytes) / 1e6))
            }
            Diagnostics.progress("\n")
            let (skipped, bytes) = (report.skippedArticles, report.bytes)
            Diagnostics.note(String(format: "%d words (%d distinct) in %d lines, %.1f MB read in %.0f s%@", text.tokenCount, text.distinctWords,
                                    text.sentenceCount, Double(bytes) / 1e6, monotonicSeconds() - started,
                                    excluded.isEmpty ? "" : "; \(skipped) article(s) skipped because the --exclude-titles-of files use their titles"))
            let resumeFrom = resume ? try SkipGram.Checkpoint.load(from: checkpointPath) : nil
            if let resumeFrom { Diagnostics.note("resuming after epoch \(resumeFrom.epoch) from \(checkpointPath)") }
            let interactive = isatty(2) != 0
            var lastLine = monotonicSeconds()
            let trainingStarted = monotonicSeconds()
            let vectors = try SkipGram.train(text, options: options, resumeFrom: resumeFrom, progress: { p in
                let now = monotonicSeconds()
                guard interactive || now - lastLine >= 30 || p.tokensDone == p.tokensTotal else { return }
                lastLine = now
                let line = String(format: "epoch %d/%d  %5.1f%%  loss %.4f  lr %.4f  %.0f words/s", p.epoch, epochs,
                                  100 * Double(p.tokensDone) / Double(p.tokensTotal), p.loss, p.learningRate, p.tokensPerSecond)
                Diagnostics.progress(interactive ? "\r\u{1B}[K" + line : line + "\n")
            }, checkpoint: { try $0.save(to: checkpointPath) })
            if interactive { Diagnostics.progress("\n") }
            let command = (["korqa"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys  // the same run writes the same bytes
            let optionsJSON = String(decoding: try encoder.encode(options), as: UTF8.self)
            try vectors.save(to: out, metadata: ["korqa.training_command": command, "korqa.word_vector_options": optionsJSON,
                                                 "korqa.corpus_words": String(text.tokenCount)])
            for word in probe.split(separator: ",") {
                let neighbours = text.nearestWords(to: String(word), vectors: vectors, count: 8)
                print("\(word): " + neighbours.map { String(format: "%@ %.2f", $0.word, $0.cosine) }.joined(separator: ", "))
            }
            print(String(format: "done in %.0f s (training %.0f s): %d units × %d written to %@", monotonicSeconds() - started,
                         monotonicSeconds() - trainingStarted, vectors.unitCount, vectors.dimension, out))
        }
    }
}
