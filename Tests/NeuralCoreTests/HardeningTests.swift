import Foundation
import Testing
import TestSupport
@testable import NeuralCore

/// Hostile or damaged files must give clear errors, never traps or unbounded allocations
/// (issue #26); a diverging run must keep what earlier epochs saved.
@Suite struct HardeningTests {
    let directory: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-hard-\(UUID())").path
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// A file of an 8-byte header length and `header` (padded), then `dataBytes` zero bytes.
    func forge(_ header: String, length: UInt64? = nil, dataBytes: Int = 0) throws -> String {
        let path = directory + "/forged-\(UUID()).safetensors"
        var bytes = [UInt8]()
        withUnsafeBytes(of: (length ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header.utf8)
        bytes.append(contentsOf: [UInt8](repeating: 0, count: dataBytes))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func corruptReason(_ path: String) -> String? {
        do { _ = try SafeTensorsFile(path: path); return nil } catch let NeuralError.corruptCheckpoint(_, reason) { return reason } catch {
            return "unexpected \(error)"
        }
    }

    @Test func headerLengthsBeyondIntAreCorruption() throws {
        let maximal = try forge("{}", length: UInt64.max)
        #expect(corruptReason(maximal)?.contains("18446744073709551615") == true)
        let signBit = try forge("{}", length: 1 << 63)
        #expect(corruptReason(signBit)?.contains("header claims") == true)
    }

    @Test func shapesWhoseSizeOverflowsAreCorruption() throws {
        let huge = try forge(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,16]}}"#, dataBytes: 16)
        #expect(corruptReason(huge)?.contains("more values than any file can") == true)
        let wrapsToSmall = try forge(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#)
        #expect(corruptReason(wrapsToSmall)?.contains("more values than any file can") == true)
        let fractional = try forge(#"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,10]}}"#, dataBytes: 10)
        #expect(corruptReason(fractional)?.contains("shape is not a list") == true)
        let hugeOffset = try forge(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[1e30,1e30]}}"#, dataBytes: 4)
        #expect(corruptReason(hugeOffset)?.contains("data_offsets") == true)
        let pastEnd = try forge(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775803,9223372036854775807]}}"#, dataBytes: 4)
        #expect(corruptReason(pastEnd) != nil)
    }

    @Test func jsonIntegersAreExactOrRefused() {
        #expect(Checked.jsonInteger(NSNumber(value: 42)) == 42)
        #expect(Checked.jsonInteger(NSNumber(value: Int.max)) == Int.max)
        #expect(Checked.jsonInteger(NSNumber(value: 3.0)) == 3)
        #expect(Checked.jsonInteger(NSNumber(value: 2.5)) == nil)
        #expect(Checked.jsonInteger(NSNumber(value: 1e30)) == nil)
        #expect(Checked.jsonInteger(NSNumber(value: UInt64.max)) == nil)
        #expect(Checked.jsonInteger("12") == nil)
        #expect(Checked.product([1 << 32, 1 << 32]) == nil && Checked.product([3, -1]) == nil && Checked.product([6, 7]) == 42)
        #expect(Checked.sumOfProducts([[Int.max], [1]]) == nil && Checked.sumOfProducts([[2, 3], [4]]) == 10)
    }

    @Test func configChecksNameEveryImpossibleValue() throws {
        var check = ConfigCheck()
        check.size("hiddenSize", -1, in: 1...8192)
        check.size("layers", 1_000_000_000, in: 1...64)
        check.probability("dropout", -1)
        check.probability("dropout2", .nan)
        check.parameters([[10, 10]], fileHolds: 1_000)  // skipped: sizes already out of range
        #expect(check.problems.count == 4)
        #expect(throws: NeuralError.self) { try check.verify(path: "m.safetensors") }
        do { try check.verify(path: "m.safetensors") } catch {
            #expect("\(error)".contains("hiddenSize is -1") && "\(error)".contains("layers is 1000000000") && "\(error)".contains("m.safetensors"))
        }
        var big = ConfigCheck()
        big.parameters([[8192, 8192], [64, 2, 4, 8192, 8192]], fileHolds: 100)
        #expect(big.problems.first?.contains("the file holds 100") == true)
        var overflow = ConfigCheck()
        overflow.parameters([[Int.max, 2]], fileHolds: 100)
        #expect(overflow.problems.first?.contains("more parameters than any machine") == true)
        var fine = ConfigCheck()
        fine.size("hiddenSize", 8, in: 1...8192); fine.probability("dropout", 0.3); fine.parameters([[8, 8]], fileHolds: 64)
        try fine.verify(path: "m")
    }

    /// A run that diverges stops with a clear error before writing anything, and the previous
    /// run's checkpoints and metrics stay byte for byte, so it can still be resumed.
    @Test func divergenceKeepsEarlierCheckpointsAndMetrics() throws {
        let train = ToyTaggingTask.examples(64, seed: 1), validation = ToyTaggingTask.examples(16, seed: 2)
        let run = directory + "/run"
        _ = try Trainer(task: ToyTaggingTask(seed: 1), config: TrainConfig(epochs: 1, batchSize: 16, seed: 1), directory: run)
            .run(train: train, validation: validation)
        let files = ["last.safetensors", "best.safetensors", "metrics.jsonl"]
        let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: run + "/" + $0)) }
        #expect(throws: NeuralError.self) {
            _ = try Trainer(task: ToyTaggingTask(seed: 1), config: TrainConfig(epochs: 2, batchSize: 16, learningRate: 1e30, clipNorm: nil, seed: 1),
                            directory: run).run(train: train, validation: validation)
        }
        do {
            _ = try Trainer(task: ToyTaggingTask(seed: 1), config: TrainConfig(epochs: 2, batchSize: 16, learningRate: 1e30, clipNorm: nil, seed: 1),
                            directory: run).run(train: train, validation: validation)
        } catch let NeuralError.diverged(epoch, _, reason) {
            #expect(epoch == 1 && (reason.contains("nan") || reason.contains("inf") || reason.contains("finite")), "\(reason)")
        }
        let after = try files.map { try Data(contentsOf: URL(fileURLWithPath: run + "/" + $0)) }
        #expect(before == after)
        // And resuming from them still works.
        let resumed = try Trainer(task: ToyTaggingTask(seed: 1), config: TrainConfig(epochs: 2, batchSize: 16, seed: 1), directory: run)
            .run(train: train, validation: validation, resume: true)
        #expect(resumed.records.count == 2 && resumed.records.allSatisfy { $0.trainLoss.isFinite })
    }

    /// A resumable checkpoint whose trainer or optimizer state is forged is refused, not trusted:
    /// `Int(nan)` or epoch + 1 past Int.max would trap.
    @Test func forgedTrainerStateIsRefusedOnResume() throws {
        let train = ToyTaggingTask.examples(32, seed: 1), validation = ToyTaggingTask.examples(8, seed: 2)
        for (key, value) in [("trainer.epoch", "9223372036854775807"), ("trainer.step", "-1"), ("trainer.best_epoch", "7")] {
            let run = directory + "/forged-\(key)"
            _ = try Trainer(task: ToyTaggingTask(seed: 1), config: TrainConfig(epochs: 1, batchSize: 16, seed: 1), directory: run)
                .run(train: train, validation: validation)
            try rewriteCheckpointMetadata(at: run + "/last.safetensors") { $0[key] = value }
            #expect(throws: NeuralError.self, "\(key)=\(value)") {
                _ = try Trainer(task: ToyTaggingTask(seed: 1), config: TrainConfig(epochs: 2, batchSize: 16, seed: 1), directory: run)
                    .run(train: train, validation: validation, resume: true)
            }
        }
        var adam = Adam()
        for step: Float in [.nan, 1e30, -1, 2.5] {
            #expect(throws: NeuralError.self) { try adam.restore(state: ["adam.m": [0, 0], "adam.v": [0, 0], "adam.step": [step]]) }
        }
        #expect(throws: NeuralError.self) { try adam.restore(state: ["adam.m": [0, 0], "adam.v": [0], "adam.step": [1]]) }
        try adam.restore(state: ["adam.m": [0, 0], "adam.v": [0, 0], "adam.step": [3]])
    }

    @Test func outputFoldersThatAreFilesAreRefused() throws {
        let file = directory + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: NeuralError.notAFolder(path: file)) { try TrainingDirectory.prepare(file) }
        #expect(throws: NeuralError.notAFolder(path: file)) { try TrainingDirectory.check(file + "/inside/deeper") }
        try TrainingDirectory.check(directory + "/new/folder")
        #expect(!FileManager.default.fileExists(atPath: directory + "/new"))
        #expect(!TrainingDirectory.hasResumableCheckpoint(under: directory + "/nothing-here"))
        try TrainingDirectory.prepare(directory + "/m/fold-1/training")
        #expect(!TrainingDirectory.hasResumableCheckpoint(under: directory + "/m"))
        try "x".write(toFile: directory + "/m/fold-1/training/last.safetensors", atomically: true, encoding: .utf8)
        #expect(TrainingDirectory.hasResumableCheckpoint(under: directory + "/m"))
    }
}
