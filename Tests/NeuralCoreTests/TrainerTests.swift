import Foundation
import Testing
@testable import NeuralCore

/// A toy tagging task: tag = (id + next id) mod 3 over sequences of 3–8 tokens.
final class ToyTaggingTask: TrainingTask {
    typealias Example = (ids: [Int32], labels: [Int32])
    let model: SequenceTagger
    var fixedMetric: Double?
    var store: ParameterStore { model.store }
    var configJSON: String { model.config.json }
    let metricName = "accuracy"

    init(seed: UInt64) {
        model = SequenceTagger(.init(vocabularySize: 12, embeddingSize: 8, hiddenSize: 8, labelCount: 3), seed: seed)
    }

    static func examples(_ count: Int, seed: UInt64) -> [Example] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let n = 3 + Int(random.next() % 6)
            let ids = (0..<n).map { _ in Int32(random.next() % 12) }
            let labels = (0..<n).map { i in (ids[i] + ids[min(i + 1, n - 1)]) % 3 }
            return (ids, labels)
        }
    }

    func padded(_ batch: [Example]) -> ([Int32], [Int32], SequenceMask) {
        let mask = SequenceMask(lengths: batch.map { $0.ids.count })
        var ids = [Int32](repeating: 0, count: mask.batchSize * mask.maxLength), labels = ids
        for (b, e) in batch.enumerated() {
            for t in 0..<e.ids.count { ids[b * mask.maxLength + t] = e.ids[t]; labels[b * mask.maxLength + t] = e.labels[t] }
        }
        return (ids, labels, mask)
    }

    func length(of example: Example) -> Int { example.ids.count }

    func lossAndGradients(_ batch: [Example], random: inout SeededRandom) -> Float {
        let (ids, labels, mask) = padded(batch)
        return model.lossAndGradients(ids: ids, labels: labels, mask: mask)
    }

    func evaluate(_ examples: [Example]) -> Double {
        if let fixedMetric { return fixedMetric }
        let (ids, labels, mask) = padded(examples)
        let logits = model.logits(ids: ids, mask: mask)
        var correct = 0, total = 0
        for b in 0..<mask.batchSize { for t in 0..<mask.lengths[b] {
            let row = (b * mask.maxLength + t) * 3
            let predicted = (0..<3).max { logits.data[row + $0] < logits.data[row + $1] }!
            correct += predicted == Int(labels[b * mask.maxLength + t]) ? 1 : 0
            total += 1
        } }
        return Double(correct) / Double(total)
    }
}

final class RecordingObserver: TrainingObserver {
    var batches = 0
    var epochs: [Int] = []
    func batchFinished(_ progress: TrainingProgress) { batches += 1 }
    func epochFinished(_ record: EpochRecord) { epochs.append(record.epoch) }
}

@Suite struct TrainerTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("korqa-train-\(UUID())").path
    }

    @Test func trainsKeepsTheBestAndWritesItsFiles() throws {
        let task = ToyTaggingTask(seed: 1)
        let directory = temporaryDirectory()
        let trainer = Trainer(task: task, config: TrainConfig(epochs: 12, batchSize: 16, learningRate: 0.02, patience: 12, seed: 5),
                              directory: directory)
        let observer = RecordingObserver()
        trainer.observer = observer
        let summary = try trainer.run(train: ToyTaggingTask.examples(300, seed: 1), validation: ToyTaggingTask.examples(60, seed: 2))
        #expect(summary.records.count == 12 && observer.epochs == Array(1...12))
        #expect(observer.batches == 12 * 19)
        #expect(summary.bestMetric > 0.9, "validation accuracy \(summary.bestMetric)")
        #expect(summary.records.last!.trainLoss < summary.records.first!.trainLoss)
        // The best checkpoint holds the weights of the best epoch: reloading reproduces its metric.
        let reloaded = ToyTaggingTask(seed: 99)
        try Checkpoint.load(into: reloaded.store, from: summary.bestCheckpoint, config: reloaded.configJSON)
        #expect(reloaded.evaluate(ToyTaggingTask.examples(60, seed: 2)) == summary.bestMetric)
        let lines = try String(contentsOfFile: trainer.metricsPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 12 && lines[0].contains("\"train_loss\"") && lines[0].contains("\"validation_metric\""))
        let svg = try String(contentsOfFile: trainer.curvePath, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<polyline").count == 3)
    }

    @Test func stopsEarlyWhenValidationStopsImproving() throws {
        let task = ToyTaggingTask(seed: 1)
        task.fixedMetric = 0.5  // never improves after epoch 1
        let trainer = Trainer(task: task, config: TrainConfig(epochs: 10, batchSize: 16, patience: 2), directory: temporaryDirectory())
        let summary = try trainer.run(train: ToyTaggingTask.examples(40, seed: 1), validation: ToyTaggingTask.examples(10, seed: 2))
        #expect(summary.stoppedEarly && summary.records.count == 3 && summary.bestEpoch == 1)
    }

    /// Stopping after 2 epochs and resuming to 5 gives bit-identical weights to 5 epochs in one
    /// run: the weights, Adam's moments, the step count and the shuffling generator all resume.
    @Test func resumeIsExact() throws {
        let train = ToyTaggingTask.examples(64, seed: 3), validation = ToyTaggingTask.examples(16, seed: 4)
        func config(_ epochs: Int) -> TrainConfig {
            TrainConfig(epochs: epochs, batchSize: 8, learningRate: 0.01, decay: .constant, patience: 99, seed: 7)
        }
        let straight = ToyTaggingTask(seed: 2)
        _ = try Trainer(task: straight, config: config(5), directory: temporaryDirectory()).run(train: train, validation: validation)

        let directory = temporaryDirectory()
        _ = try Trainer(task: ToyTaggingTask(seed: 2), config: config(2), directory: directory).run(train: train, validation: validation)
        let resumed = ToyTaggingTask(seed: 123)  // different initial weights: all must come from the checkpoint
        let summary = try Trainer(task: resumed, config: config(5), directory: directory).run(train: train, validation: validation, resume: true)
        #expect(summary.records.map(\.epoch) == [1, 2, 3, 4, 5])
        #expect(Array(resumed.store.values) == Array(straight.store.values))
    }

    /// a ← d·a + (1 − d)·w with d = min(decay, (1 + n)/(10 + n)); `withAverage` swaps the average in
    /// and puts the training weights back.
    @Test func weightAverageFollowsItsFormulaAndSwapsBack() {
        let store = ParameterStore()
        let slot = store.add("w", shape: [2], initial: [0, 10])
        var average = WeightAverage(decay: 0.5)
        average.update(store)  // starts at w; d = 0.1: stays [0, 10]
        store.value(slot)[0] = 4; store.value(slot)[1] = 2
        average.update(store)  // d = min(0.5, 2/11) = 2/11
        let d: Float = 2.0 / 11
        #expect(average.average == [d * 0 + (1 - d) * 4, d * 10 + (1 - d) * 2])
        let seen = average.withAverage(in: store) { Array(store.values) }
        #expect(seen == average.average)
        #expect(Array(store.values) == [4, 2])
        var restored = WeightAverage(decay: 0.5)
        restored.restore(state: average.state)
        #expect(restored.average == average.average && restored.updates == 2)
    }

    /// With averaging, validation and best.safetensors use the averaged weights, the training
    /// weights keep training, and a resumed run matches a straight one bit for bit.
    @Test func trainsWithAnAverageAndResumesExactly() throws {
        let train = ToyTaggingTask.examples(64, seed: 3), validation = ToyTaggingTask.examples(16, seed: 4)
        func config(_ epochs: Int) -> TrainConfig {
            TrainConfig(epochs: epochs, batchSize: 8, learningRate: 0.01, decay: .constant, patience: 99, seed: 7, averageDecay: 0.9)
        }
        let straight = ToyTaggingTask(seed: 2)
        let straightDirectory = temporaryDirectory()
        let summary = try Trainer(task: straight, config: config(4), directory: straightDirectory).run(train: train, validation: validation)
        #expect(summary.lastWeights.hasSuffix("last-average.safetensors"))
        let averaged = ToyTaggingTask(seed: 9), last = ToyTaggingTask(seed: 9)
        try Checkpoint.load(into: averaged.store, from: summary.lastWeights, config: averaged.configJSON)
        try Checkpoint.load(into: last.store, from: straightDirectory + "/last.safetensors", config: last.configJSON)
        #expect(Array(last.store.values) == Array(straight.store.values))
        #expect(Array(averaged.store.values) != Array(straight.store.values))
        #expect(averaged.evaluate(validation) == summary.records.last!.validationMetric)

        let directory = temporaryDirectory()
        _ = try Trainer(task: ToyTaggingTask(seed: 2), config: config(2), directory: directory).run(train: train, validation: validation)
        let resumed = ToyTaggingTask(seed: 123)
        let resumedSummary = try Trainer(task: resumed, config: config(4), directory: directory).run(train: train, validation: validation, resume: true)
        #expect(Array(resumed.store.values) == Array(straight.store.values))
        let resumedAverage = ToyTaggingTask(seed: 9)
        try Checkpoint.load(into: resumedAverage.store, from: resumedSummary.lastWeights, config: resumedAverage.configJSON)
        #expect(Array(resumedAverage.store.values) == Array(averaged.store.values))
    }

    @Test func lengthBucketsCoverEveryExampleOnce() {
        var random = SeededRandom(seed: 1)
        let lengths = (0..<1000).map { _ in Int(random.next() % 100) }
        let batches = LengthBuckets.batches(lengths: lengths, batchSize: 32, random: &random)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<1000))
        #expect(batches.allSatisfy { $0.count <= 32 })
        // Similar lengths share a batch: the average spread inside a batch is far below the
        // spread of the data (0–99).
        let spread = batches.map { b in b.map { lengths[$0] }.max()! - b.map { lengths[$0] }.min()! }
        #expect(Double(spread.reduce(0, +)) / Double(spread.count) < 10)
    }

    @Test func progressLines() {
        let p = TrainingProgress(epoch: 2, epochs: 5, examplesDone: 250, examplesTotal: 1000, elapsedSeconds: 5, runningLoss: 0.5)
        #expect(ProgressFormatter.line(p, interactive: false) == "epoch 2/5  25% 250/1000  50 ex/s  ETA 0:15  loss 0.5000")
        #expect(ProgressFormatter.line(p, interactive: true, width: 8) == "epoch 2/5 [██······]  25% 250/1000  50 ex/s  ETA 0:15  loss 0.5000")
        #expect(ProgressFormatter.duration(3725) == "1:02:05")
    }
}
