import Foundation

/// The options of a training run that are not part of the model (they may change on resume).
public struct TrainConfig: Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var warmupSteps: Int
    public var decay: LearningRateSchedule.Decay
    public var clipNorm: Float?
    /// Stop after this many epochs without a better validation metric.
    public var patience: Int
    public var seed: UInt64
    /// Validate and keep an exponential moving average of the weights with this decay
    /// (`WeightAverage`); nil keeps the last step's weights.
    public var averageDecay: Float?

    public init(epochs: Int = 10, batchSize: Int = 32, learningRate: Float = 1e-3, warmupSteps: Int = 0,
                decay: LearningRateSchedule.Decay = .linear, clipNorm: Float? = 5, patience: Int = 3, seed: UInt64 = 1,
                averageDecay: Float? = nil) {
        self.epochs = epochs; self.batchSize = batchSize; self.learningRate = learningRate
        self.warmupSteps = warmupSteps; self.decay = decay; self.clipNorm = clipNorm
        self.patience = patience; self.seed = seed; self.averageDecay = averageDecay
    }
}

/// What a model must provide to be trained by `Trainer`.
public protocol TrainingTask: AnyObject {
    associatedtype Example
    var store: ParameterStore { get }
    /// The model's configuration (architecture) as text, stored in checkpoints.
    var configJSON: String { get }
    /// Sequence length, used to put examples of similar length into one batch.
    func length(of example: Example) -> Int
    /// Forward + backward of one batch: the mean loss, with gradients added into `store`
    /// (already zeroed by the trainer). `random` drives dropout.
    func lossAndGradients(_ batch: [Example], random: inout SeededRandom) -> Float
    /// The validation metric (higher is better), e.g. accuracy.
    func evaluate(_ examples: [Example]) -> Double
    /// The metric's name for logs ("accuracy", "f1", …).
    var metricName: String { get }
}

/// One line of metrics.jsonl.
public struct EpochRecord: Equatable, Sendable, Codable {
    public var epoch: Int
    public var trainLoss: Double
    public var validationMetric: Double
    public var metricName: String
    public var learningRate: Double
    public var seconds: Double
    public var examplesPerSecond: Double
    public var isBest: Bool

    enum CodingKeys: String, CodingKey {
        case epoch, trainLoss = "train_loss", validationMetric = "validation_metric", metricName = "metric"
        case learningRate = "learning_rate", seconds, examplesPerSecond = "examples_per_s", isBest = "best"
    }
}

/// Progress within an epoch, for a progress bar.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var examplesDone: Int
    public var examplesTotal: Int
    public var elapsedSeconds: Double
    public var runningLoss: Double
}

/// Receives progress; the CLI draws it (libraries never print).
public protocol TrainingObserver: AnyObject {
    func batchFinished(_ progress: TrainingProgress)
    func epochFinished(_ record: EpochRecord)
}

public struct TrainingSummary: Sendable {
    public var records: [EpochRecord]
    public var bestEpoch: Int
    public var bestMetric: Double
    public var stoppedEarly: Bool
    public var bestCheckpoint: String
    /// The weights after the last epoch to use (the average when `averageDecay` is set).
    public var lastWeights: String
}

/// Epochs of shuffled, length-bucketed batches with Adam, warm-up and decay, gradient clipping,
/// validation after every epoch, early stopping, the best weights kept, and resume.
///
/// Files in `directory`:
/// - `best.safetensors`: the weights with the best validation metric so far;
/// - `last.safetensors`: weights, Adam state and trainer state after the last finished epoch
///   (what `resume` continues from);
/// - `last-average.safetensors`: with `averageDecay`, the averaged weights after that epoch (the
///   ones to use; validation and `best.safetensors` use the average too);
/// - `metrics.jsonl`: one `EpochRecord` per epoch;
/// - `learning-curve.svg`: training loss and validation metric per epoch.
public final class Trainer<Task: TrainingTask> {
    public let task: Task
    public let config: TrainConfig
    public let directory: String
    public weak var observer: (any TrainingObserver)?

    public init(task: Task, config: TrainConfig, directory: String) {
        self.task = task
        self.config = config
        self.directory = directory
    }

    public var bestPath: String { directory + "/best.safetensors" }
    public var lastPath: String { directory + "/last.safetensors" }
    public var lastAveragePath: String { directory + "/last-average.safetensors" }
    public var metricsPath: String { directory + "/metrics.jsonl" }
    public var curvePath: String { directory + "/learning-curve.svg" }

    /// Trains; with `resume`, continues from `last.safetensors` when it exists. `epochSubset`
    /// gives the indices of `train` an epoch uses (nil: all of them): a corpus too large for one
    /// epoch between checkpoints is walked a part per epoch (every part the same size, so the
    /// learning-rate schedule counts batches right).
    public func run(train: [Task.Example], validation: [Task.Example], resume: Bool = false,
                    epochSubset: ((_ epoch: Int) -> [Int])? = nil) throws -> TrainingSummary {
        precondition(!train.isEmpty, "no training examples")
        try TrainingDirectory.prepare(directory)
        var random = SeededRandom(seed: config.seed)
        var adam = Adam(learningRate: config.learningRate)
        var average = config.averageDecay.map(WeightAverage.init(decay:))
        var records: [EpochRecord] = []
        var best = (epoch: 0, metric: -Double.infinity)
        var startEpoch = 1
        var step = 0
        if resume, FileManager.default.fileExists(atPath: lastPath) {
            let loaded = try Checkpoint.load(into: task.store, from: lastPath, config: task.configJSON)
            do { try adam.restore(state: loaded.extra) } catch NeuralError.checkpointMismatch(_, let reason) {
                throw NeuralError.checkpointMismatch(path: lastPath, reason: reason)
            }
            average?.restore(state: loaded.extra)
            let words = loaded.metadata["trainer.random"]?.split(separator: ",").compactMap { UInt64($0) } ?? []
            guard words.count == 4,
                  let epoch = loaded.metadata["trainer.epoch"].flatMap(Int.init),
                  let savedStep = loaded.metadata["trainer.step"].flatMap(Int.init),
                  let bestEpoch = loaded.metadata["trainer.best_epoch"].flatMap(Int.init),
                  let bestMetric = loaded.metadata["trainer.best_metric"].flatMap(Double.init),
                  (0...1_000_000).contains(epoch), (0...1_000_000_000).contains(savedStep), (0...epoch).contains(bestEpoch) else {
                throw NeuralError.checkpointMismatch(path: lastPath, reason: "it has no trainer state to resume from, or the state is out of range")
            }
            random = SeededRandom(state: words)
            startEpoch = epoch + 1
            step = savedStep
            best = (bestEpoch, bestMetric)
            records = Self.readRecords(metricsPath).filter { $0.epoch <= epoch }
        }
        // A fresh run leaves an earlier run's metrics.jsonl alone until its own first epoch ends
        // (writeRecords then replaces it whole), so a run that fails early loses nothing.
        let perEpoch = epochSubset?(1).count ?? train.count
        let batchesPerEpoch = (perEpoch + config.batchSize - 1) / config.batchSize
        let schedule = LearningRateSchedule(peak: config.learningRate, warmupSteps: config.warmupSteps,
                                            totalSteps: batchesPerEpoch * config.epochs, decay: config.decay)
        var stoppedEarly = false
        if startEpoch > 1 && startEpoch - 1 - best.epoch >= config.patience { stoppedEarly = true }
        var epoch = startEpoch
        while epoch <= config.epochs && !stoppedEarly {
            let started = Date()
            let used = epochSubset?(epoch) ?? Array(train.indices)
            let batches = LengthBuckets.batches(lengths: used.map { task.length(of: train[$0]) }, batchSize: config.batchSize, random: &random)
                .map { $0.map { used[$0] } }
            var lossSum: Double = 0
            var done = 0
            for indices in batches {
                adam.learningRate = schedule.rate(at: step)
                task.store.zeroGradients()
                let batch = indices.map { train[$0] }
                let loss = task.lossAndGradients(batch, random: &random)
                // A non-finite loss or gradient would poison every weight through Adam; stop before
                // the update, with every checkpoint of earlier epochs as it was.
                let norm = config.clipNorm.map { task.store.clipGradients(maxNorm: $0) } ?? task.store.gradientNorm()
                guard loss.isFinite else { throw NeuralError.diverged(epoch: epoch, step: step + 1, reason: "the loss became \(loss)") }
                guard norm.isFinite else { throw NeuralError.diverged(epoch: epoch, step: step + 1, reason: "the gradient norm became \(norm)") }
                adam.update(task.store)
                average?.update(task.store)
                step += 1
                lossSum += Double(loss) * Double(batch.count)
                done += batch.count
                observer?.batchFinished(TrainingProgress(epoch: epoch, epochs: config.epochs, examplesDone: done,
                                                         examplesTotal: used.count, elapsedSeconds: Date().timeIntervalSince(started),
                                                         runningLoss: lossSum / Double(done)))
            }
            let trainSeconds = Date().timeIntervalSince(started)
            // Validation and the kept weights use the average when there is one.
            var metric = 0.0
            var isBest = false
            func validateAndKeep() throws {
                guard task.store.valuesAreFinite else { throw NeuralError.diverged(epoch: epoch, step: step, reason: "the weights are no longer finite") }
                metric = task.evaluate(validation)
                guard metric.isFinite else { throw NeuralError.diverged(epoch: epoch, step: step, reason: "the validation \(task.metricName) became \(metric)") }
                isBest = metric > best.metric
                if isBest {
                    best = (epoch, metric)
                    try Checkpoint.save(task.store, to: bestPath, config: task.configJSON,
                                        metadata: ["trainer.epoch": String(epoch), "trainer.metric": String(metric)])
                }
                if average != nil {
                    try Checkpoint.save(task.store, to: lastAveragePath, config: task.configJSON, metadata: ["trainer.epoch": String(epoch)])
                }
            }
            if let average { try average.withAverage(in: task.store, validateAndKeep) } else { try validateAndKeep() }
            let record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(max(done, 1)), validationMetric: metric,
                                     metricName: task.metricName, learningRate: Double(adam.learningRate),
                                     seconds: trainSeconds, examplesPerSecond: Double(done) / max(trainSeconds, 1e-9), isBest: isBest)
            records.append(record)
            try Checkpoint.save(task.store, to: lastPath, config: task.configJSON,
                                metadata: ["trainer.epoch": String(epoch), "trainer.step": String(step),
                                           "trainer.best_epoch": String(best.epoch), "trainer.best_metric": String(best.metric),
                                           "trainer.random": random.stateWords.map(String.init).joined(separator: ",")],
                                extra: adam.state.merging(average?.state ?? [:]) { a, _ in a })
            try Self.writeRecords(records, to: metricsPath)
            try LearningCurve.svg(records).write(toFile: curvePath, atomically: true, encoding: .utf8)
            observer?.epochFinished(record)
            if epoch - best.epoch >= config.patience { stoppedEarly = epoch < config.epochs }
            epoch += 1
        }
        return TrainingSummary(records: records, bestEpoch: best.epoch, bestMetric: best.metric,
                               stoppedEarly: stoppedEarly, bestCheckpoint: bestPath,
                               lastWeights: average == nil ? lastPath : lastAveragePath)
    }

    static func writeRecords(_ records: [EpochRecord], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func readRecords(_ path: String) -> [EpochRecord] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(EpochRecord.self, from: Data($0.utf8)) }
    }
}

/// Batches of examples of similar length (less padding), in random order.
public enum LengthBuckets {
    /// Indices shuffled, then sorted by length within pools of 50 batches, cut into batches,
    /// and the batches shuffled.
    public static func batches(lengths: [Int], batchSize: Int, random: inout SeededRandom) -> [[Int]] {
        var order = Array(lengths.indices)
        order.shuffle(using: &random)
        let pool = batchSize * 50
        var batches: [[Int]] = []
        for start in stride(from: 0, to: order.count, by: pool) {
            let chunk = order[start..<min(start + pool, order.count)].sorted { lengths[$0] < lengths[$1] }
            for b in stride(from: 0, to: chunk.count, by: batchSize) {
                batches.append(Array(chunk[(chunk.startIndex + b)..<min(chunk.startIndex + b + batchSize, chunk.endIndex)]))
            }
        }
        batches.shuffle(using: &random)
        return batches
    }
}
