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
        @OptionGroup var training: TrainingFlags
        @Option(help: "Epochs without improvement before stopping.") var patience = 4
        @Option(help: "Embedding size.") var embed = 96
        @Option(help: "LSTM hidden size per direction.") var hidden = 128
        @Option(help: "BiLSTM layers.") var layers = 1
        @Option(help: "Dropout probability.") var dropout: Float = 0.3
        @Option(help: "Readable label names, e.g. 0=fragment,1=statement.") var names: String?
        @Option(help: "Train N models from seeds SEED…SEED+N-1 (each with its own validation split) and average them; saved as OUT/member-1 … member-N.")
        var ensemble = 1

        /// The run these flags describe (field names are the flags' names in camelCase).
        func config() throws -> IntentRunConfig {
            var c = IntentRunConfig(train: train, out: out)
            c.dev = dev; c.epochs = epochs; c.seed = training.seed; c.batchSize = training.batchSize
            c.learningRate = training.learningRate; c.patience = patience
            c.embed = embed; c.hidden = hidden; c.layers = layers; c.dropout = dropout
            c.names = try names.map(Self.parseNames) ?? [:]
            c.ensemble = ensemble; c.resume = training.resume
            return c
        }

        func validate() throws {
            let run = try config()
            try FlagName.validate { try run.check() }
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
            Parallelism.configure(threads: training.threads)
            let command = (["korqa"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            let started = monotonicSeconds()
            let classifier = try config().run(observer: IntentRunDisplay(), metadata: ["korqa.training_command": command])
            print(String(format: "trained in %.0f s; model written to %@ (labels: %@)", monotonicSeconds() - started, out,
                         zip(classifier.labels, classifier.names).map { $0 == $1 ? $0 : "\($0)=\($1)" }.joined(separator: ", ")))
        }
    }
}

/// Shows an intent training run: progress on stderr, each member's result on stdout.
final class IntentRunDisplay: TrainingDisplay, IntentRunObserver {
    func memberFinished(_ member: Int, of members: Int, summary: TrainingSummary) {
        print(String(format: "%@best epoch %d: validation macro-F1 %.4f%@; %d epochs", members > 1 ? "member \(member): " : "",
                     summary.bestEpoch, summary.bestMetric, summary.stoppedEarly ? " (stopped early)" : "", summary.records.count))
    }
}
