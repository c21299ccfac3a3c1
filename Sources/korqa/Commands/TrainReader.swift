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
        @Option(help: "Fold assignment: lines index<TAB>fold<TAB>title, one per article of the first --train file.") var foldFile: String?
        @Option(help: "Maximum epochs.") var epochs = 12
        @Option(help: "Random seed (weights, shuffling, dropout, splits).") var seed: UInt64 = 1
        @Option(help: "Batch size (windows).") var batchSize = 32
        @Option(help: "Peak learning rate (Adam, linear warm-up and decay).") var learningRate: Float = 2e-3
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
        @Option(help: "Threads (2 runs the two LSTM directions side by side).") var threads = 2
        @Flag(help: "Continue an interrupted run from its last checkpoints.") var resume = false

        func validate() throws {
            guard !train.isEmpty else { throw ValidationError("give at least one --train FILE.") }
            for (name, value) in [("--epochs", epochs), ("--batch-size", batchSize), ("--patience", patience), ("--embed", embed ?? 1),
                                  ("--hidden", hidden ?? 1), ("--layers", layers ?? 1), ("--threads", threads), ("--folds", folds),
                                  ("--window", window), ("--stride", stride), ("--read-window", readWindow), ("--max-answer", maxAnswer),
                                  ("--pretrain-epochs", pretrainEpochs), ("--pretrain-questions", pretrainQuestions),
                                  ("--pretrain-paragraphs", pretrainParagraphs), ("--distill-questions", distillQuestions)] where value < 1 {
                throw ValidationError("\(name) must be at least 1 (got \(value)).")
            }
            guard (modelingLayers ?? 0) >= 0 else { throw ValidationError("--modeling-layers must not be negative (got \(modelingLayers ?? 0)).") }
            guard warmupSteps >= 0 else { throw ValidationError("--warmup-steps must not be negative.") }
            guard stride <= window else { throw ValidationError("--stride (\(stride)) must not exceed --window (\(window)).") }
            guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive.") }
            guard averageDecay >= 0 && averageDecay < 1 else { throw ValidationError("--average-decay must be in [0, 1) (got \(averageDecay)).") }
            if let dropout, !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1).") }
            guard (0...1).contains(pretrainNoise) else { throw ValidationError("--pretrain-noise must be in [0, 1] (got \(pretrainNoise)).") }
            guard (0...1).contains(pretrainWhLast) else { throw ValidationError("--pretrain-wh-last must be in [0, 1] (got \(pretrainWhLast)).") }
            if pretrainCorpus != nil && initFrom != nil { throw ValidationError("use either --pretrain-corpus or --init-from, not both.") }
            if initFrom != nil {
                let given = [("--word-vectors", wordVectors != nil), ("--embed", embed != nil), ("--hidden", hidden != nil), ("--layers", layers != nil),
                             ("--modeling-layers", modelingLayers != nil)].filter(\.1).map(\.0)
                if !given.isEmpty {
                    throw ValidationError("--init-from keeps the architecture and word vectors of the reader it starts from; drop \(given.joined(separator: ", ")).")
                }
            }
            if teacher.isEmpty && distillCorpus != nil {
                throw ValidationError("--distill-corpus makes questions for teachers to label: give the teachers with --teacher DIR.")
            }
            guard (0...1).contains(distillGoldWeight) else { throw ValidationError("--distill-gold-weight must be in [0, 1] (got \(distillGoldWeight)).") }
            if folds > 1 && dev != nil { throw ValidationError("--dev cannot be combined with --folds (each fold holds out its own validation articles).") }
            if noHoldout && dev != nil { throw ValidationError("--no-holdout cannot be combined with --dev.") }
        }

        /// The run's options, with the --word-vectors file loaded (once, in run()).
        func trainingOptions() throws -> ReaderTrainingOptions {
            var o = ReaderTrainingOptions()
            o.wordVectors = try wordVectors.map { try SubwordVectors.load(from: $0) }
            if let embed { o.architecture.embeddingSize = embed }
            if let hidden { o.architecture.hiddenSize = hidden }
            if let layers { o.architecture.contextLayers = layers }
            if let modelingLayers { o.architecture.modelingLayers = modelingLayers }
            if let dropout { o.architecture.dropout = dropout; o.fineTuneDropout = initFrom != nil ? dropout : nil }
            o.architecture.conditionalEnd = conditionalEnd
            o.addConditionalEnd = conditionalEnd && initFrom != nil
            o.trainingWindowLength = window; o.trainingWindowStride = stride
            o.settings.windowLength = readWindow; o.settings.windowStride = max(1, readWindow / 2); o.settings.maxAnswerLength = maxAnswer
            o.train = TrainConfig(epochs: epochs, batchSize: batchSize, learningRate: learningRate, warmupSteps: warmupSteps,
                                  decay: .linear, clipNorm: 5, patience: patience, seed: seed,
                                  averageDecay: averageDecay > 0 ? averageDecay : nil)
            return o
        }

        func run() throws {
            Parallelism.configure(threads: threads)
            try TrainingDirectory.checkOutput(out, resume: resume)
            let options = try trainingOptions()
            let started = monotonicSeconds()
            let command = (["korqa"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let datasets = try train.map(load)
            let devSet = try dev.map(load)
            let display = TrainingDisplay()
            var metadata = ["korqa.training_command": command, "korqa.training_data": train.joined(separator: " "), "korqa.seed": String(seed)]

            // The starting point: a pre-trained reader, a given one, or none (random weights over a
            // vocabulary of the training text).
            var initial: Reader?
            if let initFrom { initial = try Reader.load(from: perFold(initFrom, fold: 0)) }
            if let pretrainCorpus {
                let excluded = Set((datasets + (devSet.map { [$0] } ?? [])).flatMap { $0.articles.map { SquadDataset.titleKey($0.title) } })
                initial = try pretrain(corpus: pretrainCorpus, excludedTitles: excluded, datasets: datasets, options: options, display: display,
                                       metadata: metadata)
                metadata["korqa.pretrained_from"] = pretrainCorpus
            }
            let vocabulary = initial?.vocabulary
                ?? Reader.buildVocabulary(datasets.flatMap { ReaderCorpus($0.items).tokenTexts }, options: options)

            var distillationItems: [QAItem] = []
            if !teacher.isEmpty { metadata["korqa.distilled_from"] = teacher.joined(separator: " ") }
            if let distillCorpus {
                let excluded = Set((datasets + (devSet.map { [$0] } ?? [])).flatMap { $0.articles.map { SquadDataset.titleKey($0.title) } })
                distillationItems = try syntheticQuestions(corpus: distillCorpus, excludedTitles: excluded, count: distillQuestions,
                                                           laterParagraphs: true, seed: seed &+ 7919, what: "distillation")
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try writeSquad(distillationItems, to: out + "/distillation-questions.json")
            }

            if folds > 1 {
                try crossValidate(datasets, initial: initial, vocabulary: vocabulary, options: options, distillationItems: distillationItems,
                                  display: display, metadata: metadata)
            } else {
                var trainItems = datasets.flatMap(\.items), validation: [QAItem]
                var runOptions = options
                if let devSet { validation = devSet.items } else if noHoldout {
                    validation = trainingSample(trainItems)
                    runOptions.train.patience = epochs
                } else {
                    (trainItems, validation) = holdOut(datasets)
                }
                let trainCorpus = ReaderCorpus(trainItems), validationCorpus = ReaderCorpus(validation)
                let (taught, transfer) = try distillation(train: trainCorpus, transferItems: distillationItems, fold: 0, options: options)
                Diagnostics.note("training on \(trainCorpus.trainableCount) questions (\(trainCorpus.count - trainCorpus.trainableCount) without a usable answer skipped)\(transfer.map { " + \($0.count) distillation questions" } ?? ""), validating on \(validationCorpus.count); output \(out)")
                let (_, summary) = try Reader.train(train: trainCorpus, validation: validationCorpus, options: runOptions, vocabulary: vocabulary,
                                                    initial: initial, taught: taught, distillation: transfer, directory: out, resume: resume, observer: display, metadata: metadata,
                                                    keepLast: noHoldout)
                report(summary, what: noHoldout ? "training-sample" : "validation")
            }
            print(String(format: "done in %.0f s; %@", monotonicSeconds() - started,
                         folds > 1 ? "fold readers in \(out)/fold-N, scores in \(out)/cv.json" : "reader written to \(out)"))
        }

        func load(_ path: String) throws -> SquadDataset {
            var dataset = try SquadDataset.load(path: path)
            if !dataset.misalignedAnswers.isEmpty {
                Diagnostics.warning("\(path): \(dataset.misalignedAnswers.count) answer(s) do not match the context at answer_start and are not trained on, e.g. \(dataset.misalignedAnswers[0])")
            }
            if let limit {
                var kept = 0
                dataset.articles = dataset.articles.compactMap { article in
                    guard kept < limit else { return nil }
                    var a = article
                    a.paragraphs = a.paragraphs.compactMap { p in
                        guard kept < limit else { return nil }
                        var p = p
                        p.questions = Array(p.questions.prefix(limit - kept))
                        kept += p.questions.count
                        return p
                    }
                    return a
                }
            }
            return dataset
        }

        /// Every 20th article (in a seeded order) of every file goes to validation.
        func holdOut(_ datasets: [SquadDataset], fraction: Int = 20) -> (train: [QAItem], validation: [QAItem]) {
            var trainItems: [QAItem] = [], validation: [QAItem] = []
            for dataset in datasets {
                let order = ArticleFolds.assign(articleCount: dataset.articles.count, folds: fraction, seed: seed)
                trainItems += dataset.subset(articles: order.indices.filter { order[$0] != 0 }).items
                validation += dataset.subset(articles: order.indices.filter { order[$0] == 0 }).items
            }
            if validation.isEmpty { (trainItems, validation) = (trainItems, Array(trainItems.suffix(max(1, trainItems.count / fraction)))) }
            return (trainItems, validation)
        }

        /// Every 1/500th training question: a training-set F1 for --no-holdout runs, to watch the
        /// fitting, not to choose an epoch.
        func trainingSample(_ items: [QAItem]) -> [QAItem] {
            items.enumerated().filter { $0.offset % max(1, items.count / 500) == 0 }.map(\.element)
        }

        func report(_ summary: TrainingSummary, what: String, prefix: String = "") {
            let rate = summary.records.map(\.examplesPerSecond).reduce(0, +) / Double(max(summary.records.count, 1))
            if noHoldout && what == "training-sample" {
                // The last epoch is kept, whatever its training-sample F1.
                print(String(format: "%@kept the last epoch (%d): training-sample F1 %.2f; %.1f questions/s", prefix, summary.records.count,
                             summary.records.last?.validationMetric ?? 0, rate))
                return
            }
            print(String(format: "%@best epoch %d: %@ F1 %.2f%@; %d epochs, %.1f questions/s", prefix, summary.bestEpoch, what,
                         summary.bestMetric, summary.stoppedEarly ? " (stopped early)" : "", summary.records.count, rate))
        }

        // MARK: Pre-training

        func pretrain(corpus: String, excludedTitles: Set<String>, datasets: [SquadDataset], options: ReaderTrainingOptions, display: TrainingDisplay,
                      metadata: [String: String]) throws -> Reader {
            let directory = out + "/pretrain"
            if resume, FileManager.default.fileExists(atPath: directory + "/model.safetensors"),
               !FileManager.default.fileExists(atPath: directory + "/training/last.safetensors") || isFinished(directory) {
                Diagnostics.note("using the pre-trained reader in \(directory)")
                return try Reader.load(from: directory)
            }
            let items = try syntheticQuestions(corpus: corpus, excludedTitles: excludedTitles, count: pretrainQuestions, laterParagraphs: false,
                                               seed: seed, what: "pre-training")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try writeSquad(items, to: directory + "/synthetic-questions.json")
            let cut = items.count / 50
            let pretrainCorpus = ReaderCorpus(Array(items.dropFirst(cut))), validation = ReaderCorpus(Array(items.prefix(cut)))
            let vocabulary = Reader.buildVocabulary(pretrainCorpus.tokenTexts + datasets.flatMap { ReaderCorpus($0.items).tokenTexts }, options: options)
            var pretrainOptions = options
            pretrainOptions.train.epochs = pretrainEpochs
            pretrainOptions.train.patience = pretrainEpochs
            Diagnostics.note("pre-training on \(pretrainCorpus.trainableCount) synthetic questions (vocabulary \(vocabulary.count)); output \(directory)")
            var meta = metadata
            meta["korqa.pretrain_questions"] = String(items.count)
            let (reader, summary) = try Reader.train(train: pretrainCorpus, validation: validation, options: pretrainOptions, vocabulary: vocabulary,
                                                     directory: directory, resume: resume, observer: display, metadata: meta)
            report(summary, what: "synthetic validation", prefix: "pre-training: ")
            return reader
        }

        /// Synthetic cloze questions from the WikiExtractor files under `corpus`, skipping
        /// `excludedTitles`: from the first --pretrain-paragraphs paragraphs of each article, or
        /// with `laterParagraphs` from the next as many (paragraphs pre-training never reads).
        func syntheticQuestions(corpus: String, excludedTitles: Set<String>, count: Int, laterParagraphs: Bool, seed: UInt64, what: String) throws -> [QAItem] {
            let files = try TextCorpus.files(at: corpus)
            guard !files.isEmpty else { throw MRCError.cannotRead(path: corpus, reason: "no text files under it") }
            let skipped = laterParagraphs ? pretrainParagraphs : 0
            var random = SeededRandom(seed: seed)
            var items: [QAItem] = []
            var skippedArticles = 0, readFiles = 0
            let prefix = laterParagraphs ? "cloze-later" : "cloze"
            for file in files where items.count < count {
                let data = try MRCFile.data(file)
                readFiles += 1
                for (a, article) in ClozeQuestions.wikiExtractorArticles(String(decoding: data, as: UTF8.self)).enumerated() {
                    if excludedTitles.contains(SquadDataset.titleKey(article.title)) { skippedArticles += 1; continue }
                    // A few paragraphs per article, so the questions cover many topics.
                    for (p, paragraph) in ClozeQuestions.paragraphs(article.lines).dropFirst(skipped).prefix(pretrainParagraphs).enumerated()
                    where items.count < count {
                        items += ClozeQuestions.questions(paragraph: paragraph, idPrefix: "\(prefix)-\(readFiles)-\(a)-\(p)", noise: pretrainNoise,
                                                          whLast: pretrainWhLast, random: &random)
                    }
                }
                Diagnostics.progress("\r\(what) data: \(items.count) synthetic questions from \(readFiles) file(s)")
            }
            Diagnostics.progress("\n")
            items = Array(items.prefix(count))
            guard items.count >= 100 else {
                throw MRCError.cannotTrain(reason: "\(corpus) gave only \(items.count) synthetic questions; is it WikiExtractor output (<doc title=\"…\"> … </doc>)?")
            }
            Diagnostics.note("\(items.count) \(what) questions from \(readFiles) file(s)\(laterParagraphs ? " (paragraphs \(skipped + 1)–\(skipped + pretrainParagraphs) of each article)" : ""); \(skippedArticles) article(s) skipped because the training data use their titles")
            return items
        }

        /// `directory`, or with --folds its fold's reader `directory/fold-N` when it has one (a
        /// cross-validation run's output).
        func perFold(_ directory: String, fold k: Int) -> String {
            let foldDirectory = directory + "/fold-\(k + 1)"
            return folds > 1 && FileManager.default.fileExists(atPath: foldDirectory + "/model.safetensors") ? foldDirectory : directory
        }

        /// What the --teacher readers (an ensemble; fold k's with --folds) teach: their targets
        /// on the training windows of `train`, and on the --distill-corpus questions `transferItems`
        /// (none without them); (nil, nil) without --teacher.
        func distillation(train: ReaderCorpus, transferItems: [QAItem], fold k: Int, options: ReaderTrainingOptions) throws
            -> (taught: DistillationSet?, transfer: DistillationSet?) {
            guard !teacher.isEmpty else { return (nil, nil) }
            let readers = try teacher.map { try Reader.load(from: perFold($0, fold: k)) }
            let ensemble = readers[0]
            ensemble.ensemble = Array(readers.dropFirst())
            let names = teacher.map { perFold($0, fold: k) }.joined(separator: " + ")
            func labelled(_ what: String, total: Int, _ label: (@escaping (Int) -> Void) -> DistillationSet) -> DistillationSet {
                let started = monotonicSeconds()
                let set = label { done in Diagnostics.progress("\rdistillation: \(readers.count) teacher(s) labelled \(done)/\(total) \(what)") }
                Diagnostics.progress("\n")
                Diagnostics.note(String(format: "distillation: %d %@ labelled by %@ in %.0f s; the teachers' mean top probability %.2f",
                                        set.count, what, names, monotonicSeconds() - started, set.meanTopProbability))
                return set
            }
            let taught = labelled("training windows", total: train.trainableCount) {
                ensemble.distillationTargets(training: train, options: options, goldWeight: distillGoldWeight, progress: $0)
            }
            guard !transferItems.isEmpty else { return (taught, nil) }
            let transfer = ReaderCorpus(transferItems)
            return (taught, labelled("--distill-corpus questions", total: transfer.count) {
                ensemble.distillationTargets(transfer, windowLength: options.trainingWindowLength, progress: $0)
            })
        }

        /// The synthetic questions in SQuAD format, for inspection (`korqa eval korquad` reads it).
        func writeSquad(_ items: [QAItem], to path: String) throws {
            let paragraphs: [[String: Any]] = items.map { item in
                ["context": item.context,
                 "qas": [["id": item.id, "question": item.question,
                          "answers": item.answers.map { ["text": $0.text, "answer_start": $0.start] as [String: Any] }] as [String: Any]]]
            }
            let object: [String: Any] = ["version": "korqa-cloze", "data": [["title": "synthetic", "paragraphs": paragraphs]]]
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path), options: .atomic)
        }

        func isFinished(_ directory: String) -> Bool {
            guard let text = try? String(contentsOfFile: directory + "/training/metrics.jsonl", encoding: .utf8) else { return false }
            return text.split(separator: "\n").count >= pretrainEpochs
        }

        // MARK: Cross-validation

        func crossValidate(_ datasets: [SquadDataset], initial: Reader?, vocabulary: Vocabulary, options: ReaderTrainingOptions,
                           distillationItems: [QAItem], display: TrainingDisplay, metadata: [String: String]) throws {
            let split = datasets[0], extra = datasets.dropFirst().flatMap(\.items)
            let assignment: [Int]
            if let foldFile {
                assignment = try ArticleFolds.parse(MRCFile.text(foldFile))
                guard assignment.count == split.articles.count else {
                    throw MRCError.malformed(path: foldFile, element: "", reason: "it assigns \(assignment.count) articles, \(train[0]) has \(split.articles.count)")
                }
                guard assignment.allSatisfy({ (0..<folds).contains($0) }) else {
                    throw MRCError.malformed(path: foldFile, element: "", reason: "its folds are not all in 0..<\(folds) (--folds \(folds))")
                }
            } else {
                assignment = ArticleFolds.assign(articleCount: split.articles.count, folds: folds, seed: seed)
            }
            var predictions: [String: String] = [:]
            var rows: [String] = []
            for k in 0..<folds {
                let testArticles = assignment.indices.filter { assignment[$0] == k }
                let rest = assignment.indices.filter { assignment[$0] != k }
                // Validation (early stopping) comes from the training articles, never the test fold;
                // with --no-holdout every article outside the test fold is trained on for all --epochs.
                let inner = ArticleFolds.assign(articleCount: rest.count, folds: 10, seed: seed + UInt64(k))
                let heldOut = noHoldout ? [] : rest.indices.filter { inner[$0] == 0 }.map { rest[$0] }
                let trainArticles = rest.filter { !heldOut.contains($0) }  // ≤ 140 articles
                let trainItems = split.subset(articles: trainArticles).items + extra
                let validation = noHoldout ? trainingSample(trainItems) : split.subset(articles: heldOut).items
                var foldOptions = options
                if noHoldout { foldOptions.train.patience = epochs }
                let test = split.subset(articles: testArticles)
                let directory = out + "/fold-\(k + 1)"
                let reader: Reader
                if resume, FileManager.default.fileExists(atPath: directory + "/model.safetensors"),
                   FileManager.default.fileExists(atPath: directory + "/done") {
                    reader = try Reader.load(from: directory)
                    Diagnostics.note("fold \(k + 1)/\(folds): already trained (\(directory))")
                } else {
                    let trainCorpus = ReaderCorpus(trainItems)
                    let (taught, transfer) = try distillation(train: trainCorpus, transferItems: distillationItems, fold: k, options: options)
                    // A cross-validation --init-from starts each fold from its own reader (run()
                    // already loaded fold 1's as `initial`).
                    var start = initial
                    if let initFrom, k > 0, perFold(initFrom, fold: k) != initFrom { start = try Reader.load(from: perFold(initFrom, fold: k)) }
                    Diagnostics.note("fold \(k + 1)/\(folds): training on \(trainCorpus.trainableCount) questions\(transfer.map { " + \($0.count) distillation questions" } ?? ""), \(noHoldout ? "watching F1 on \(validation.count) of them" : "validating on \(validation.count)"), testing on \(test.questionCount) (\(testArticles.count) articles)")
                    let summary: TrainingSummary
                    (reader, summary) = try Reader.train(train: trainCorpus, validation: ReaderCorpus(validation), options: foldOptions,
                                                         vocabulary: vocabulary, initial: start, taught: taught, distillation: transfer, directory: directory, resume: resume,
                                                         observer: display, metadata: metadata, keepLast: noHoldout)
                    report(summary, what: noHoldout ? "training-sample" : "validation", prefix: "fold \(k + 1): ")
                    _ = FileManager.default.createFile(atPath: directory + "/done", contents: Data())
                }
                let foldPredictions = reader.predict(test)
                predictions.merge(foldPredictions) { a, _ in a }
                let score = KorQuADMetric.score(test, predictions: foldPredictions)
                print(String(format: "fold %d: EM %.2f  F1 %.2f  (%d questions)", k + 1, score.exactMatch, score.f1, score.count))
                rows.append("{\"fold\":\(k + 1),\"exact_match\":\(JSON.number(score.exactMatch)),\"f1\":\(JSON.number(score.f1)),\"count\":\(score.count)}")
            }
            let pooled = KorQuADMetric.score(split, predictions: predictions)
            print(String(format: "pooled (%d-fold cross-validation on %@, not an official score): EM %.2f  F1 %.2f  (%d questions)",
                         folds, train[0], pooled.exactMatch, pooled.f1, pooled.count))
            let json = "{\"folds\":[\(rows.joined(separator: ","))],\"pooled\":{\"exact_match\":\(JSON.number(pooled.exactMatch)),\"f1\":\(JSON.number(pooled.f1)),\"count\":\(pooled.count)}}\n"
            try json.write(toFile: out + "/cv.json", atomically: true, encoding: .utf8)
            let predictionData = try JSONSerialization.data(withJSONObject: predictions, options: [.sortedKeys])
            try predictionData.write(to: URL(fileURLWithPath: out + "/cv-predictions.json"), options: .atomic)
        }
    }
}
