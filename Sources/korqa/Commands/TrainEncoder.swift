import ArgumentParser
import Foundation
import MRCReader
import NeuralCore
import TextEncoder

extension KorQA {
    struct TrainEncoder: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encoder",
            abstract: "Pre-train KorQA's shared encoder on raw Korean text (a bidirectional language model, as ELMo).",
            discussion: """
            The encoder (syllable + jamo embeddings into a forward and a backward stack of LSTMs) \
            learns to predict each syllable from the ones before it (forward stack) and from the \
            ones after it (backward stack), with a sampled softmax over the syllable vocabulary. \
            --corpus is a text file or a folder of WikiExtractor shards; articles whose titles occur \
            in an --exclude-titles-of file (KorQuAD/SQuAD JSON) are left out, and 1% of the rest \
            (by a hash of the title) is held out for perplexity.

            An epoch is --chunks-per-epoch chunks (one part of the corpus; the parts are read in \
            turn), so checkpoints come often. Writes to --out: vocab.txt, best.safetensors and \
            last.safetensors (continue with --resume), metrics.jsonl (held-out perplexity per \
            epoch, as negative_perplexity) and learning-curve.svg; at the end OUT/encoder/ holds \
            the encoder alone (F16, without the language model's output layer), the folder the \
            task trainers' --encoder takes. --export-only writes OUT/encoder/ from OUT's best \
            checkpoint without training. The progress line shows tokens/s and the ETA of the \
            whole run.

            Example:
              korqa train encoder --corpus ../shared/data/mrc/kowiki \\
                --exclude-titles-of ../shared/data/korquad/KorQuAD_v1.0_dev.json --out runs/encoder
            """
        )

        @Option(help: "Text file or folder of text files (WikiExtractor output works).") var corpus: String?
        @Option(help: "KorQuAD/SQuAD JSON whose article titles are left out of the corpus (repeatable).") var excludeTitlesOf: [String] = []
        @Option(help: "Output directory.") var out = "encoder-model"
        @Option(help: "Read at most this many megabytes of text (quick trials).") var maxMegabytes: Int?
        @Option(help: "Syllables per chunk.") var chunkLength = 128
        @Option(help: "Syllable vocabulary size.") var vocabularySize = 6000
        @Option(help: "Least count of a syllable in the vocabulary.") var minCount = 5
        @Option(help: "Embedding size.") var embed = 128
        @Option(help: "LSTM hidden size per direction.") var hidden = 192
        @Option(help: "LSTM layers per direction.") var layers = 2
        @Option(help: "Dropout probability.") var dropout: Float = 0.1
        @Option(help: "Negatives per batch for the sampled softmax.") var negatives = 512
        @Option(help: "Chunks per epoch (one part of the corpus).") var chunksPerEpoch = 20_000
        @Option(help: "Epochs (parts read).") var epochs = 20
        @Option(help: "Learning-rate warm-up steps (batches).") var warmupSteps = 500
        @OptionGroup var training: TrainingFlags
        @Flag(help: "Only write OUT/encoder/ (the encoder alone, F16) from OUT/best.safetensors of a finished run.") var exportOnly = false

        /// The run these flags describe (field names are the flags' names in camelCase); the
        /// excluded titles are read in `run`.
        var config: EncoderPretrainingConfig {
            var c = EncoderPretrainingConfig(corpus: corpus ?? "", out: out)
            c.maxMegabytes = maxMegabytes; c.chunkLength = chunkLength; c.vocabularySize = vocabularySize; c.minCount = minCount
            c.embed = embed; c.hidden = hidden; c.layers = layers; c.dropout = dropout; c.negatives = negatives
            c.chunksPerEpoch = chunksPerEpoch; c.epochs = epochs; c.warmupSteps = warmupSteps
            c.batchSize = training.batchSize; c.learningRate = training.learningRate; c.seed = training.seed; c.resume = training.resume
            return c
        }

        func validate() throws {
            if exportOnly { return }
            guard corpus != nil else { throw ValidationError("--corpus DIR is required (the text to pre-train on).") }
            try FlagName.validate { try config.check() }
        }

        func run() throws {
            if exportOnly {
                try EncoderPretrainingConfig.exportEncoder(run: out, to: out + "/encoder")
                print("encoder written to \(out)/encoder")
                return
            }
            Parallelism.configure(threads: training.threads)
            let started = monotonicSeconds()
            var run = config
            run.excludedTitles = try SquadDataset.titleKeys(ofFiles: excludeTitlesOf)
            let result = try run.run(observer: EncoderPretrainingDisplay())
            print(String(format: "done in %.0f s: %d epochs of %d chunks, held-out perplexity %.2f (vocabulary %d); encoder in %@",
                         monotonicSeconds() - started, result.summary.records.count, min(chunksPerEpoch, result.trainChunks),
                         result.heldOutPerplexity, result.vocabularySize, out))
        }
    }
}

/// Shows the encoder's pre-training: notes and progress (tokens/s, run ETA) on stderr.
final class EncoderPretrainingDisplay: TrainingDisplay, EncoderPretrainingObserver {
    func corpusRead(chunks: Int, syllablesPerChunk: Double) { tokensPerExample = syllablesPerChunk }
}
