import Foundation
import NeuralCore

/// One `korqa train intent` run: data, architecture, optimizer settings and the ensemble size.
/// Field names are those of the command's flags (`batchSize` ↔ `--batch-size`).
public struct IntentRunConfig: Codable, Equatable, Sendable {
    /// Labelled training data (`label<TAB>text`, or CSV/TSV with label and text columns).
    public var train: String
    /// Validation data (nil: a stratified 10% of `train`, drawn per member with its seed).
    public var dev: String?
    public var out: String
    public var epochs = 20
    public var seed: UInt64 = 1
    public var batchSize = 32
    public var learningRate: Float = 2e-3
    public var patience = 4
    public var embed = 96
    public var hidden = 128
    public var layers = 1
    public var dropout: Float = 0.3
    /// Readable label names ("0" → "fragment").
    public var names: [String: String] = [:]
    /// Members trained from seeds seed…seed+n-1 (each with its own validation split) and averaged.
    public var ensemble = 1
    public var resume = false

    public init(train: String, out: String) {
        self.train = train
        self.out = out
    }

    /// Refuses impossible settings before anything is read or written.
    public func check() throws(IntentError) {
        for (name, value) in [("epochs", epochs), ("batchSize", batchSize), ("patience", patience), ("embed", embed),
                              ("hidden", hidden), ("layers", layers), ("ensemble", ensemble)] where value < 1 {
            throw .invalidRunConfig(field: name, reason: "must be at least 1 (got \(value))")
        }
        guard learningRate > 0 else { throw .invalidRunConfig(field: "learningRate", reason: "must be positive") }
        guard dropout >= 0 && dropout < 1 else { throw .invalidRunConfig(field: "dropout", reason: "must be in [0, 1)") }
    }
}

/// What an intent training run tells its front end besides training progress.
public protocol IntentRunObserver: TrainingObserver {
    func note(_ message: String)
    func warning(_ message: String)
    /// Member `member` (1-based) of `members` finished training.
    func memberFinished(_ member: Int, of members: Int, summary: TrainingSummary)
}

extension IntentRunConfig {
    /// `korqa train intent` as a library call: reads the data (malformed lines reported and
    /// skipped), trains one model or an ensemble (OUT/member-k), and returns the classifier.
    /// `metadata` goes into every saved model (e.g. the command line that started the run).
    public func run(observer: any IntentRunObserver, metadata: [String: String] = [:]) throws -> IntentClassifier {
        try check()
        try TrainingDirectory.checkOutput(out, resume: resume)
        /// Examples of `path`; its malformed lines are reported (the first 20, then a count).
        func read(_ path: String) throws -> [LabeledText] {
            let (examples, problems) = try LabeledData.read(path: path)
            for p in problems.prefix(20) { observer.warning("\(path):\(p); skipped") }
            if problems.count > 20 { observer.warning("… \(problems.count - 20) more malformed lines in \(path)") }
            return examples
        }
        let trainAll = try read(train)
        guard !trainAll.isEmpty else { throw IntentError.noExamples(path: train) }
        let devSet = try dev.map(read)
        var options = IntentTrainingOptions()
        options.embeddingSize = embed
        options.hiddenSize = hidden
        options.layers = layers
        options.dropout = dropout
        options.names = names
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
            observer.note("\(ensemble > 1 ? "member \(k)/\(ensemble): " : "")training on \(trainSet.count) examples, validating on \(validation.count); output \(directory)")
            var meta = metadata
            meta["korqa.training_data"] = train
            meta["korqa.seed"] = String(memberSeed)
            let (classifier, summary) = try IntentClassifier.train(train: trainSet, validation: validation, options: options, directory: directory,
                                                                   resume: resume, observer: observer, metadata: meta)
            observer.memberFinished(k, of: ensemble, summary: summary)
            members.append(classifier)
        }
        return try IntentClassifier.ensemble(members)
    }
}
