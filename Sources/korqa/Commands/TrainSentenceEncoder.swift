import ArgumentParser
import Foundation
import NeuralCore
import TextEncoder

extension KorQA {
    struct TrainSentenceEncoder: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sentence-encoder",
            abstract: "Fine-tune the shared encoder into sentence vectors on paraphrase pairs (contrastive, in-batch negatives).",
            discussion: """
            Positives come from --korsts (KorSTS train, pairs scored ≥ --korsts-minimum-score), \
            --question-pairs (Question_pair train.txt, pairs marked the same question) and \
            --parakqc (ParaKQC, consecutive sentences of sets 1–800 only; 801–1000 are kept for \
            evaluation). Each pair's two texts are encoded (with different dropout), pooled \
            (--pooling mean|max|mean-max) and normalized; the loss pulls each text to its partner \
            and away from the batch's other texts (InfoNCE, temperature --temperature). --encoder \
            DIR starts from a pre-trained encoder (`korqa train encoder`); without it the encoder \
            starts from random weights (the ablation). The epoch with the best Spearman on --dev \
            (KorSTS dev) is kept.

            Example:
              korqa train sentence-encoder --encoder runs/encoder \\
                --korsts ../shared/data/paraphrase/korsts/sts-train.tsv \\
                --question-pairs ../shared/data/paraphrase/question_pair/train.txt \\
                --parakqc ../shared/data/paraphrase/parakqc/paraKQC_v1.txt \\
                --dev ../shared/data/paraphrase/korsts/sts-dev.tsv --out runs/sentence-encoder
            """
        )

        @Option(help: "KorSTS train TSV.") var korsts: String?
        @Option(help: "KorSTS pairs scored at least this are positives.") var korstsMinimumScore = 4.0
        @Option(help: "Question_pair train.txt.") var questionPairs: String?
        @Option(help: "ParaKQC (paraKQC_v1.txt); sets 1–800 are used.") var parakqc: String?
        @Option(help: "KorSTS dev TSV (chooses the best epoch).") var dev: String
        @Option(help: "Output directory.") var out = "sentence-encoder"
        @Option(help: "A pre-trained encoder folder (korqa train encoder).") var encoder: String?
        @Option(help: "Embedding size (without --encoder).") var embed = 128
        @Option(help: "LSTM hidden size per direction (without --encoder).") var hidden = 192
        @Option(help: "LSTM layers per direction (without --encoder).") var layers = 2
        @Option(help: "Dropout (also the noise between a pair's two passes).") var dropout: Float = 0.1
        @Option(help: "Pooling: mean, max or mean-max.") var pooling: SentencePooling = .mean
        @Option(help: "Temperature of the contrastive loss.") var temperature: Float = 0.05
        @Option(help: "Epochs.") var epochs = 5
        @Option(help: "Pairs per batch (each batch's other pairs are the negatives).") var batchSize = 64
        @Option(help: "Peak learning rate (Adam, warm-up and linear decay).") var learningRate: Float = 1e-3
        @Option(help: "Random seed.") var seed: UInt64 = 1
        @Option(help: "Threads (2 runs the two LSTM directions side by side).") var threads = 2
        @Flag(help: "Continue from OUT/training/last.safetensors.") var resume = false

        var config: SentenceEncoderTrainingConfig {
            var c = SentenceEncoderTrainingConfig(dev: dev, out: out)
            c.korsts = korsts; c.korstsMinimumScore = korstsMinimumScore; c.questionPairs = questionPairs; c.parakqc = parakqc
            c.encoder = encoder; c.embed = embed; c.hidden = hidden; c.layers = layers; c.dropout = dropout
            c.pooling = pooling; c.temperature = temperature; c.epochs = epochs; c.batchSize = batchSize
            c.learningRate = learningRate; c.seed = seed; c.resume = resume
            return c
        }

        func validate() throws {
            try FlagName.validate { try config.check() }
        }

        func run() throws {
            Parallelism.configure(threads: threads)
            let started = monotonicSeconds()
            let (_, summary, pairs) = try config.run(observer: TrainingDisplay()) { Diagnostics.note($0) }
            print(String(format: "done in %.0f s: %d pairs, best epoch %d, KorSTS dev Spearman %.4f; sentence encoder written to %@",
                         monotonicSeconds() - started, pairs, summary.bestEpoch, summary.bestMetric, out))
        }
    }
}

extension SentencePooling: ExpressibleByArgument {}
