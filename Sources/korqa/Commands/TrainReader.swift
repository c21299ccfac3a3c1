import ArgumentParser
import Foundation
import Hangul
import MRCReader
import NeuralCore
import WordVectors

extension KorQA {
    struct TrainReader: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reader",
            abstract: "Train an extractive reader (MRC) on KorQuAD/SQuAD-format JSON, optionally pre-trained on Wikipedia text.",
            discussion: """
            --train takes KorQuAD/SQuAD v1.1 JSON (TyDi-style files without "version" too); give it \
            several times to train on several files. With no --dev, 5% of the training articles are \
            held out for validation (early stopping and the best checkpoint).

            --pretrain-corpus DIR reads WikiExtractor text files under DIR, makes synthetic cloze \
            questions (a date/number/noun span of a sentence replaced by 언제/몇/무엇, pointing at \
            the span in its paragraph), skips articles whose titles appear in any --train or --dev \
            file, pre-trains the reader on them (OUT/pretrain), and then fine-tunes it on --train.

            --word-vectors FILE (from `korqa train word-vectors`) gives a new reader pre-trained \
            word vectors: each syllable reads the frozen vector of its word beside its learned \
            embedding. The file is copied into the reader's directory.

            --teacher DIR (repeatable: an ensemble) distills: the teachers read every training \
            window, and the new reader learns --distill-gold-weight (0.5) on the gold span plus the \
            rest of the teachers' start/end probabilities, so it also learns which other spans they \
            found plausible. --distill-corpus DIR adds --distill-questions synthetic questions from \
            Wikipedia paragraphs pre-training never reads, labelled by the teachers alone. With \
            --folds, a teacher is a cross-validation directory and DIR/fold-N teaches fold N (it must \
            not have seen fold N's test articles); --init-from may be one too.

            --folds K runs K-fold cross-validation over the FIRST --train file's articles (the \
            fold of each article from --fold-file, e.g. resources/korquad-dev-folds.tsv, or a \
            seeded assignment), adding every other --train file to each fold's training data. It \
            writes OUT/fold-N/ (one reader per fold), OUT/cv-predictions.json and OUT/cv.json, \
            and prints per-fold and pooled EM/F1.

            Writes to OUT: model.safetensors and vocab.txt (the reader) and training/ with \
            best/last checkpoints (continue with --resume), metrics.jsonl and learning-curve.svg. \
            Memory grows with the training set's text only (contexts are tokenized once); the \
            progress line shows examples/s so you can estimate the time of a large run.

            Examples:
              korqa train reader --train KorQuAD_v1.0_train.json --dev KorQuAD_v1.0_dev.json --out models/reader
              korqa train reader --train KorQuAD_v1.0_dev.json --train korean_tydiqa_train.json \\
                --pretrain-corpus ../shared/data/mrc/kowiki --folds 5 --fold-file resources/korquad-dev-folds.tsv --out runs/cv
            """
        )

        @Option(help: "Training data (repeatable).") var train: [String] = []
        @Option(help: "Validation data (default: 5% of the training articles).") var dev: String?
        @Option(help: "Output directory.") var out = "reader-model"
        @Option(help: "WikiExtractor text directory for synthetic-question pre-training.") var pretrainCorpus: String?
        @Option(help: "Synthetic questions to generate for pre-training.") var pretrainQuestions = 60_000
        @Option(help: "Pre-training epochs over the synthetic questions.") var pretrainEpochs = 2
        @Option(help: "Paragraphs per Wikipedia article that synthetic questions are made from (2 questions each); more gives more distinct questions from the same corpus.") var pretrainParagraphs = 8
        @Option(help: "Share of synthetic questions reworded (distant words cut, 15% of words dropped), in [0, 1]; 0.8 with --pretrain-wh-last 0.3 was validated (CV F1 +1.3 over 0.5 with 0).") var pretrainNoise = 0.8
        @Option(help: "Share of synthetic questions asked wh-word last (\"…태어났던 것은 언제인가?\"), in [0, 1]; 0.3 was validated with noise 0.8.") var pretrainWhLast = 0.3
        @Option(help: "Pre-trained word vectors for a new reader (korqa train word-vectors).") var wordVectors: String?
        @Option(help: "Start from this reader (e.g. OUT/pretrain of an earlier run) instead of random weights; with --folds, a cross-validation directory (DIR/fold-N) starts each fold from its own reader.") var initFrom: String?
        @Option(help: "Distill: a reader (repeatable: an ensemble) that labels every training window with its start/end probabilities; the new reader learns those beside the gold span. With --folds, a cross-validation directory (DIR/fold-N teaches fold N).")
        var teacher: [String] = []
        @Option(help: "With --teacher: the share of each training target on the gold span (the rest is the teachers' probabilities), in [0, 1].")
        var distillGoldWeight: Float = 0.5
        @Option(help: "With --teacher: WikiExtractor text to make more questions from for the teachers to label (synthetic, from paragraphs pre-training never reads).")
        var distillCorpus: String?
        @Option(help: "Questions made from --distill-corpus.") var distillQuestions = 6_000
        @Option(help: "Cross-validation folds over the first --train file (1 = no cross-validation).") var folds = 1
        @Option(name: .customLong("only-fold"), help: "With --folds: train and score only this fold (repeatable; default all), e.g. one held-out reader for `korqa eval open-qa`.")
        var onlyFolds: [Int] = []
        @Option(help: "Fold assignment: lines index<TAB>fold<TAB>title, one per article of the first --train file.") var foldFile: String?
        @Option(help: "Maximum epochs.") var epochs = 12
        @OptionGroup var training: TrainingFlags
        @Option(help: "Epochs without a better validation F1 before stopping.") var patience = 3
        @Option(help: "Learning-rate warm-up steps (batches).") var warmupSteps = 300
        @Option(help: "Validate and keep a moving average of the weights with this decay per step (e.g. 0.995; 0 = off).")
        var averageDecay: Float = 0
        // Architecture of a new reader: optional, so a reader started --init-from (which keeps its
        // own) can refuse them instead of ignoring them. Dropout is no part of the weights, so it
        // may change when fine-tuning.
        @Option(help: "Embedding size of a new reader (default 128).") var embed: Int?
        @Option(help: "LSTM hidden size per direction of a new reader (default 96: answers a 500-syllable passage in < 10 ms on one core).")
        var hidden: Int?
        @Option(help: "Context BiLSTM layers of a new reader (default 2).") var layers: Int?
        @Option(help: "Modeling BiLSTM layers over the question-aware context (BiDAF) of a new reader; 0 = point from the context layers (DrQA) (default 0).")
        var modelingLayers: Int?
        @Option(help: "Dropout probability (default 0.3; with --init-from, the fine-tuning's: default the reader's own).") var dropout: Float?
        @Flag(help: "Point at the answer's end with a start-aware question (q + the start-weighted context times a learned matrix); with --init-from, adds it to that reader, starting where it left off (CV folds 1, 2: F1 75.19, 74.72 against 76.04, 75.44 without it).")
        var conditionalEnd = false
        @Option(help: "Syllables per training window (the one around each answer).") var window = 512
        @Option(help: "Syllables between training window starts.") var stride = 256
        @Option(help: "Syllables per window when reading (validation, and the saved reader's default; the stride is half).") var readWindow = 1024
        @Option(help: "Longest answer in syllables.") var maxAnswer = 30
        @Option(help: "Use at most this many questions of each --train file (quick trials).") var limit: Int?
        @Flag(help: "Train on every --train question (no held-out articles): runs all --epochs, keeps the last epoch, and reports F1 on 500 training questions. With --folds, each fold trains this way on all articles outside its test fold (how the shipped reader is trained).")
        var noHoldout = false

        /// The run these flags describe (field names are the flags' names in camelCase).
        var config: ReaderRunConfig {
            var c = ReaderRunConfig(train: train, out: out)
            c.dev = dev
            c.pretrainCorpus = pretrainCorpus; c.pretrainQuestions = pretrainQuestions; c.pretrainEpochs = pretrainEpochs
            c.pretrainParagraphs = pretrainParagraphs; c.pretrainNoise = pretrainNoise; c.pretrainWhLast = pretrainWhLast
            c.wordVectors = wordVectors; c.initFrom = initFrom
            c.teacher = teacher; c.distillGoldWeight = distillGoldWeight; c.distillCorpus = distillCorpus; c.distillQuestions = distillQuestions
            c.folds = folds; c.onlyFolds = onlyFolds; c.foldFile = foldFile
            c.epochs = epochs; c.seed = training.seed; c.batchSize = training.batchSize; c.learningRate = training.learningRate; c.patience = patience
            c.warmupSteps = warmupSteps; c.averageDecay = averageDecay
            c.embed = embed; c.hidden = hidden; c.layers = layers; c.modelingLayers = modelingLayers; c.dropout = dropout
            c.conditionalEnd = conditionalEnd
            c.window = window; c.stride = stride; c.readWindow = readWindow; c.maxAnswer = maxAnswer
            c.limit = limit; c.noHoldout = noHoldout; c.resume = training.resume
            return c
        }

        func validate() throws {
            try FlagName.validate { try config.check() }
        }

        func run() throws {
            Parallelism.configure(threads: training.threads)
            let command = (["korqa"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let result = try ReaderTrainingRun(config, observer: ReaderRunDisplay(), metadata: ["korqa.training_command": command]).run()
            if let pooled = result.pooled {
                print(String(format: "pooled (%d-fold cross-validation on %@, not an official score): EM %.2f  F1 %.2f  (%d questions)",
                             folds, train[0], pooled.exactMatch, pooled.f1, pooled.count))
            }
            print(String(format: "done in %.0f s; %@", result.seconds,
                         folds > 1 ? "fold readers in \(out)/fold-N, scores in \(out)/cv.json" : "reader written to \(out)"))
        }
    }
}

/// Shows a reader training run: progress on stderr, the phases' and folds' scores on stdout.
final class ReaderRunDisplay: TrainingDisplay, ReaderRunObserver {
    func phaseFinished(_ phase: ReaderRunResult.Phase, summary: TrainingSummary, keptLast: Bool) {
        let rate = summary.records.map(\.examplesPerSecond).reduce(0, +) / Double(max(summary.records.count, 1))
        // The fold's number comes with its score (the next line); with --only-fold they are not 1, 2, ….
        let prefix = phase == .pretraining ? "pre-training: " : phase == .fold ? "fold training: " : ""
        if keptLast {
            // The last epoch is kept, whatever its training-sample F1.
            print(String(format: "%@kept the last epoch (%d): training-sample F1 %.2f; %.1f questions/s", prefix, summary.records.count,
                         summary.records.last?.validationMetric ?? 0, rate))
            return
        }
        let what = phase == .pretraining ? "synthetic validation" : "validation"
        print(String(format: "%@best epoch %d: %@ F1 %.2f%@; %d epochs, %.1f questions/s", prefix, summary.bestEpoch, what,
                     summary.bestMetric, summary.stoppedEarly ? " (stopped early)" : "", summary.records.count, rate))
    }

    func foldScored(_ fold: Int, of folds: Int, score: KorQuADMetric.Score) {
        print(String(format: "fold %d: EM %.2f  F1 %.2f  (%d questions)", fold, score.exactMatch, score.f1, score.count))
    }
}
