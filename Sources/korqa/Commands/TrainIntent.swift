import ArgumentParser
import Foundation
import IntentClassifier
import NeuralCore

extension KorQA {
    struct TrainIntent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "intent",
            abstract: "Train an intent classifier (syllable+jamo embeddings, BiLSTM, attention pooling).",
            discussion: """
            --train is TSV `label<TAB>text` (3i4k's format; CRLF and BOM are fine) or a CSV/TSV \
            with a header naming a label column (label, act, topic, intent) and a text column \
            (text, sentence). Malformed lines are reported with their numbers and skipped. With \
            no --dev, a stratified 10% of --train is held out for validation.

            Writes to --out: model.safetensors and vocab.txt (the model), and training/ with \
            best.safetensors, last.safetensors (resume with --resume), metrics.jsonl and \
            learning-curve.svg. Training stops early when validation macro-F1 stops improving.

            Example:
              korqa train intent --train ../shared/data/intent/3i4k/fci_train_val.txt \\
                --out models/intent --epochs 20 --seed 1 \\
                --names 0=fragment,1=statement,2=question,3=command,4=rhetorical-question,5=rhetorical-command,6=intonation-dependent
            """
        )

        @Option(help: "Training data.") var train: String
        @Option(help: "Validation data (default: a stratified 10% of --train).") var dev: String?
        @Option(help: "Output directory.") var out = "intent-model"
        @Option(help: "Maximum epochs.") var epochs = 20
        @Option(help: "Random seed (weights, shuffling, dropout, validation split).") var seed: UInt64 = 1
        @Option(help: "Batch size.") var batchSize = 32
        @Option(help: "Peak learning rate (Adam, linear warm-up and decay).") var learningRate: Float = 2e-3
        @Option(help: "Epochs without improvement before stopping.") var patience = 4
        @Option(help: "Embedding size.") var embed = 96
        @Option(help: "LSTM hidden size per direction.") var hidden = 128
        @Option(help: "BiLSTM layers.") var layers = 1
        @Option(help: "Dropout probability.") var dropout: Float = 0.3
        @Option(help: "Threads (2 runs the two LSTM directions side by side).") var threads = 2
        @Option(help: "Readable label names, e.g. 0=fragment,1=statement.") var names: String?
        @Option(help: "Train N models from seeds SEED…SEED+N-1 (each with its own validation split) and average them; saved as OUT/member-1 … member-N.")
        var ensemble = 1
        @Flag(help: "Continue from OUT/training/last.safetensors (each member's, for an ensemble).") var resume = false

        func validate() throws {
            for (name, value) in [("--epochs", epochs), ("--batch-size", batchSize), ("--patience", patience), ("--embed", embed),
                                  ("--hidden", hidden), ("--layers", layers), ("--threads", threads), ("--ensemble", ensemble)] where value < 1 {
                throw ValidationError("\(name) must be at least 1 (got \(value)).")
            }
            guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive.") }
            guard dropout >= 0 && dropout < 1 else { throw ValidationError("--dropout must be in [0, 1).") }
            if let names { _ = try Self.parseNames(names) }
        }

        static func parseNames(_ text: String) throws -> [String: String] {
            var result: [String: String] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ValidationError("--names takes label=name pairs separated by commas; '\(pair)' is not one.")
                }
                result[parts[0]] = parts[1]
            }
            return result
        }

        func run() throws {
            Parallelism.configure(threads: threads)
            try TrainingDirectory.checkOutput(out, resume: resume)
            let (trainAll, trainProblems) = try LabeledData.read(path: train)
            for p in trainProblems.prefix(20) { Diagnostics.warning("\(train):\(p); skipped") }
            if trainProblems.count > 20 { Diagnostics.warning("… \(trainProblems.count - 20) more malformed lines in \(train)") }
            guard !trainAll.isEmpty else { throw IntentError.noExamples(path: train) }
            var devSet: [LabeledText]?
            if let dev {
                let (examples, devProblems) = try LabeledData.read(path: dev)
                for p in devProblems.prefix(20) { Diagnostics.warning("\(dev):\(p); skipped") }
                devSet = examples
            }
            var options = IntentTrainingOptions()
            options.embeddingSize = embed
            options.hiddenSize = hidden
            options.layers = layers
            options.dropout = dropout
            options.names = try names.map(Self.parseNames) ?? [:]
            let display = TrainingDisplay()
            let command = (["korqa"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let started = monotonicSeconds()
            var members: [IntentClassifier] = []
            for k in 1...ensemble {
                let memberSeed = seed + UInt64(k - 1)
                let directory = ensemble == 1 ? out : out + "/member-\(k)"
                var trainSet = trainAll, validation: [LabeledText]
                if let devSet { validation = devSet } else {
                    (trainSet, validation) = LabeledData.stratifiedSplit(trainAll, fraction: 0.1, seed: memberSeed)
                }
                options.train = TrainConfig(epochs: epochs, batchSize: batchSize, learningRate: learningRate, warmupSteps: 200,
                                            decay: .linear, clipNorm: 5, patience: patience, seed: memberSeed)
                Diagnostics.note("\(ensemble > 1 ? "member \(k)/\(ensemble): " : "")training on \(trainSet.count) examples, validating on \(validation.count); output \(directory)")
                let (classifier, summary) = try IntentClassifier.train(
                    train: trainSet, validation: validation, options: options, directory: directory, resume: resume, observer: display,
                    metadata: ["korqa.training_command": command, "korqa.training_data": train, "korqa.seed": String(memberSeed)])
                print(String(format: "%@best epoch %d: validation macro-F1 %.4f%@; %d epochs", ensemble > 1 ? "member \(k): " : "",
                             summary.bestEpoch, summary.bestMetric, summary.stoppedEarly ? " (stopped early)" : "", summary.records.count))
                members.append(classifier)
            }
            let classifier = try IntentClassifier.ensemble(members)
            print(String(format: "trained in %.0f s; model written to %@ (labels: %@)", monotonicSeconds() - started, out,
                         zip(classifier.labels, classifier.names).map { $0 == $1 ? $0 : "\($0)=\($1)" }.joined(separator: ", ")))
        }
    }
}
