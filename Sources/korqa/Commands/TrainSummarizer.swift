import ArgumentParser
import Foundation
import MRCReader
import NeuralCore
import Summarizer

extension KorQA {
    struct TrainSummarizer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summarizer",
            abstract: "Train the abstractive summarizer (pointer-generator with coverage) on pairs of text and summary.",
            discussion: """
            Pairs come from --train FILE (TSV source<TAB>target, or JSON lines {"source", "target"}; \
            lines that cannot be read are reported with their numbers and skipped) and/or --sae4k \
            (sae4K v1: lines i % 10 == 9 are its test part and never read here, i % 10 == 8 \
            validate) and/or --pretrain-corpus (Korean Wikipedia: each article's first sentence from \
            the sentences after it; 1% of articles, by title hash, held out to validate; \
            --exclude-titles-of leaves out the articles of scored data sets). Without a validation source, 5% of the pairs (by a hash of the source) \
            validate. --encoder DIR starts from the pre-trained shared encoder (`korqa train \
            encoder`); without it the encoder starts from random weights. The epoch with the best \
            validation ROUGE-L (greedy decoding, syllables) is kept. OUT gets model.safetensors + \
            vocab.txt; OUT/training checkpoints, metrics.jsonl and learning-curve.svg.

            Example:
              korqa train summarizer --sae4k ../shared/data/summarization/sae4k/sae4k_v1.txt \\
                --encoder resources/encoder-kowiki --out runs/summarizer-sae4k
            """
        )

        @Option(help: "A file of pairs (TSV or JSON lines); repeat for more.") var train: [String] = []
        @Option(help: "sae4K v1 (sae4k_v1.txt): its train part trains, its validation part validates.") var sae4k: String?
        @Option(help: "Korean Wikipedia (WikiExtractor folder): lead-generation pairs (first sentence ← the sentences after it).") var pretrainCorpus: String?
        @Option(help: "KorQuAD/SQuAD JSON whose article titles are left out of --pretrain-corpus (repeatable).") var excludeTitlesOf: [String] = []
        @Option(help: "Read at most this many Wikipedia articles.") var maxArticles: Int?
        @Option(help: "A file of validation pairs.") var validation: String?
        @Option(help: "Validate on at most this many pairs.") var validationLimit = 600
        @Option(help: "Output directory.") var out = "summarizer"
        @Option(help: "A pre-trained encoder folder (korqa train encoder).") var encoder: String?
        @Option(help: "Embedding size (without --encoder).") var embed = 128
        @Option(help: "Encoder LSTM hidden size per direction (without --encoder).") var hidden = 192
        @Option(help: "Encoder LSTM layers per direction (without --encoder).") var layers = 2
        @Option(help: "Dropout.") var dropout: Float = 0.1
        @Option(help: "Decoder LSTM hidden size.") var decoderHidden = 256
        @Option(help: "Attention size.") var attention = 128
        @Option(help: "Weight of the coverage loss (0 turns coverage off).") var coverageLoss: Float = 1
        @Option(help: "Source syllables read (longer inputs are cut).") var maxSourceLength = 400
        @Option(help: "Longest target, in syllables and spaces.") var maxTargetLength = 100
        @Option(help: "Epochs.") var epochs = 10
        @OptionGroup var training: TrainingFlags

        var config: SummarizerTrainingConfig {
            var c = SummarizerTrainingConfig(out: out)
            c.train = train; c.sae4k = sae4k; c.pretrainCorpus = pretrainCorpus; c.maxArticles = maxArticles; c.validation = validation; c.validationLimit = validationLimit
            c.encoder = encoder; c.embed = embed; c.hidden = hidden; c.layers = layers; c.dropout = dropout
            c.decoderHidden = decoderHidden; c.attention = attention; c.coverageLoss = coverageLoss
            c.maxSourceLength = maxSourceLength; c.maxTargetLength = maxTargetLength; c.epochs = epochs
            c.batchSize = training.batchSize; c.learningRate = training.learningRate; c.seed = training.seed; c.resume = training.resume
            return c
        }

        func validate() throws {
            try FlagName.validate { try config.check() }
        }

        func run() throws {
            Parallelism.configure(threads: training.threads)
            let started = monotonicSeconds()
            var config = self.config
            config.excludedTitles = try SquadDataset.titleKeys(ofFiles: excludeTitlesOf)
            let (_, summary, report) = try config.run(observer: TrainingDisplay()) { Diagnostics.note($0) }
            for problem in report.problems.prefix(20) { Diagnostics.warning(problem) }
            if report.problems.count > 20 { Diagnostics.warning("… and \(report.problems.count - 20) more lines that could not be read") }
            print(String(format: "done in %.0f s: %d pairs, best epoch %d, validation ROUGE-L %.4f; summarizer written to %@",
                         monotonicSeconds() - started, report.trainingPairs, summary.bestEpoch, summary.bestMetric, out))
        }
    }
}
