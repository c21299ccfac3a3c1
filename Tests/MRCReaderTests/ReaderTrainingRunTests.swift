import Foundation
import Hangul
import Testing
@testable import MRCReader
@testable import NeuralCore

/// Records what a run reports.
final class RecordingRunObserver: ReaderRunObserver {
    var notes: [String] = [], warnings: [String] = []
    var phases: [ReaderRunResult.Phase] = []
    var folds: [(Int, KorQuADMetric.Score)] = []
    func note(_ message: String) { notes.append(message) }
    func warning(_ message: String) { warnings.append(message) }
    func progress(_ message: String) {}
    func phaseFinished(_ phase: ReaderRunResult.Phase, summary: TrainingSummary, keptLast: Bool) { phases.append(phase) }
    func foldScored(_ fold: Int, of folds: Int, score: KorQuADMetric.Score) { self.folds.append((fold, score)) }
    func batchFinished(_ progress: TrainingProgress) {}
    func epochFinished(_ record: EpochRecord) {}
}

@Suite struct ReaderTrainingRunTests {
    /// The capital questions as KorQuAD JSON, one article per question (cross-validation splits
    /// by article).
    static func squadFile() throws -> String {
        let data = capitalItems().map { item -> [String: Any] in
            ["title": "article \(item.id)",
             "paragraphs": [["context": item.context,
                             "qas": [["id": item.id, "question": item.question,
                                      "answers": item.answers.map { ["text": $0.text, "answer_start": $0.start] }]]]]]
        }
        let folder = NSTemporaryDirectory() + "korqa-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/capitals.json"
        try JSONSerialization.data(withJSONObject: ["version": "test", "data": data]).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func tinyConfig(train: String, out: String) -> ReaderRunConfig {
        var c = ReaderRunConfig(train: [train], out: out)
        c.embed = 16; c.hidden = 16; c.layers = 1; c.dropout = 0
        c.epochs = 2; c.batchSize = 8; c.learningRate = 0.02; c.warmupSteps = 0; c.seed = 3
        c.window = 128; c.stride = 64; c.readWindow = 256
        return c
    }

    @Test func checkNamesTheFields() {
        var c = ReaderRunConfig(train: ["a.json"], out: "o")
        #expect(throws: Never.self) { try c.check() }
        c.epochs = 0
        #expect(throws: MRCError.invalidRunConfig(fields: ["epochs"], reason: "must be at least 1 (got 0)")) { try c.check() }
        c = ReaderRunConfig(train: ["a.json"], out: "o")
        c.initFrom = "m"; c.hidden = 64; c.layers = 3; c.dropout = 0.4
        #expect(throws: MRCError.self) { try c.check() }
        do { try c.check() } catch { if case .invalidRunConfig(let fields, _) = error { #expect(fields == ["hidden", "layers"]) } }
        c = ReaderRunConfig(train: ["a.json"], out: "o")
        c.distillCorpus = "wiki"
        do { try c.check() } catch { if case .invalidRunConfig(let fields, _) = error { #expect(fields == ["teacher"]) } }
        c = ReaderRunConfig(train: [], out: "o")
        #expect(throws: MRCError.self) { try c.check() }
        // Errors say what, in the library's words: no flag names.
        #expect(!MRCError.invalidRunConfig(fields: ["batchSize"], reason: "must be at least 1").localizedDescription.contains("--"))
    }

    /// Cross-validation as `korqa train reader --folds 2` runs it, from the library: per-fold
    /// readers, scores, predictions; the same seed gives the same predictions in another folder,
    /// and a resumed run reuses the finished folds.
    @Test func crossValidationIsReproducibleAndResumable() throws {
        let train = try Self.squadFile()
        let folder = (train as NSString).deletingLastPathComponent
        var config = Self.tinyConfig(train: train, out: folder + "/cv")
        config.folds = 2; config.noHoldout = true
        let observer = RecordingRunObserver()
        let result = try ReaderTrainingRun(config, observer: observer).run()
        let total = capitalItems().count
        #expect(result.folds.map(\.fold) == [1, 2] && result.folds.map(\.count).reduce(0, +) == total)
        #expect(result.pooled?.count == total && observer.phases == [.fold, .fold] && observer.folds.map(\.0) == [1, 2])
        for file in ["cv.json", "cv-predictions.json", "fold-1/model.safetensors", "fold-2/model.safetensors", "fold-1/done"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/cv/" + file), "\(file)")
        }
        let scores = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/cv/cv.json"))) as! [String: Any]
        #expect((scores["pooled"] as? [String: Any])?["f1"] as? Double == result.pooled?.f1)

        var again = config
        again.out = folder + "/cv-again"
        _ = try ReaderTrainingRun(again, observer: RecordingRunObserver()).run()
        let first = try Data(contentsOf: URL(fileURLWithPath: folder + "/cv/cv-predictions.json"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/cv-again/cv-predictions.json")) == first)

        var resumed = config
        resumed.resume = true
        let resumedObserver = RecordingRunObserver()
        let resumedResult = try ReaderTrainingRun(resumed, observer: resumedObserver).run()
        #expect(resumedObserver.phases.isEmpty && resumedObserver.notes.filter { $0.contains("already trained") }.count == 2)
        #expect(resumedResult.pooled == result.pooled)
    }

    @Test func aSingleRunWritesTheReader() throws {
        let train = try Self.squadFile()
        let folder = (train as NSString).deletingLastPathComponent
        var config = Self.tinyConfig(train: train, out: folder + "/single")
        config.limit = 20
        let observer = RecordingRunObserver()
        let result = try ReaderTrainingRun(config, observer: observer).run()
        #expect(result.folds.isEmpty && result.pooled == nil && observer.phases == [.training])
        let reader = try Reader.load(from: folder + "/single")
        #expect(reader.settings.windowLength == 256 && reader.model.config.hiddenSize == 16)
        // Refused before anything is written: an output that is a file.
        try "x".write(toFile: folder + "/afile", atomically: true, encoding: .utf8)
        #expect(throws: NeuralError.self) { try ReaderTrainingRun(Self.tinyConfig(train: train, out: folder + "/afile"), observer: observer).run() }
    }
}
