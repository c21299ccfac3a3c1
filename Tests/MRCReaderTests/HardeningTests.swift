import Foundation
import Hangul
import NeuralCore
import Testing
import TestSupport
@testable import MRCReader

/// Model folders and datasets are untrusted input: impossible numbers in them give errors that
/// name the file and the value, never a trap or an unbounded allocation (issue #26).
@Suite struct ReaderHardeningTests {
    let directory: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-mrc-hard-\(UUID())").path
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    /// A tiny saved reader, copied fresh for each forgery.
    func savedReader() throws -> String {
        let vocabulary = Vocabulary.build(from: ["서", "울", "은", "수", "도", "다"])
        var config = ReaderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = 4; config.hiddenSize = 3; config.alignSize = 2
        let path = directory + "/reader-\(UUID())"
        try Reader(model: ReaderModel(config: config, seed: 1), vocabulary: vocabulary, settings: ReaderSettings()).save(to: path)
        return path
    }

    func loadError(_ path: String) -> String {
        do { _ = try Reader.load(from: path); return "loaded" } catch { return "\(error)" }
    }

    @Test func impossibleSettingsAreRefused() throws {
        for (key, value, expected) in [("windowStride", "0", "windowStride is 0"), ("windowLength", "0", "windowLength is 0"),
                                       ("windowLength", "-1", "windowLength is -1"), ("maxAnswerLength", "-5", "maxAnswerLength is -5")] {
            let path = try savedReader()
            try rewriteCheckpointMetadata(at: path + "/model.safetensors") { metadata in
                metadata["korqa.reader.settings"] = replacingJSONNumber(metadata["korqa.reader.settings"]!, key: key, with: value)
            }
            let error = loadError(path)
            #expect(error.contains(expected) && error.contains("model.safetensors"), "\(error)")
        }
        let garbled = try savedReader()
        try rewriteCheckpointMetadata(at: garbled + "/model.safetensors") { $0["korqa.reader.settings"] = "{\"windowLength\": \"long\"}" }
        #expect(loadError(garbled).contains("korqa.reader.settings is not reader settings"))
    }

    @Test func impossibleArchitecturesAreRefusedBeforeAllocating() throws {
        for (key, value, expected) in [("hiddenSize", "-1", "hiddenSize is -1"), ("hiddenSize", "1000000000", "hiddenSize is 1000000000"),
                                       ("contextLayers", "1000000000", "contextLayers is 1000000000"), ("dropout", "-1", "dropout is -1"),
                                       ("embeddingSize", "4096", "parameters, the file holds"), ("alignSize", "9223372036854775807", "alignSize is")] {
            let path = try savedReader()
            try rewriteCheckpointMetadata(at: path + "/model.safetensors") { metadata in
                metadata["korqa.config"] = replacingJSONNumber(metadata["korqa.config"]!, key: key, with: value)
            }
            let error = loadError(path)
            #expect(error.contains(expected), "\(key)=\(value): \(error)")
        }
        // The untouched reader still loads.
        #expect(loadError(try savedReader()) == "loaded")
    }

    func datasetError(answerStart: String) throws -> String {
        let path = directory + "/squad-\(UUID()).json"
        try #"{"data": [{"title": "t", "paragraphs": [{"context": "서울은 수도다", "qas": [{"id": "a", "question": "q", "answers": [{"text": "서울", "answer_start": \#(answerStart)}]}]}]}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        do { _ = try SquadDataset.load(path: path); return "loaded" } catch { return "\(error)" }
    }

    @Test func answerStartsThatOverflowOrWrapAreRefused() throws {
        #expect(try datasetError(answerStart: "9223372036854775807").contains("answer_start 9223372036854775807 is outside the context (length 7)"))
        #expect(try datasetError(answerStart: "18446744073709551616").contains("is not an integer"))
        #expect(try datasetError(answerStart: "1e30").contains("is not an integer"))
        #expect(try datasetError(answerStart: "2.5").contains("is not an integer"))
        #expect(try datasetError(answerStart: "-9223372036854775808").contains("outside the context"))
        #expect(try datasetError(answerStart: "\"0\"").contains("is not an integer"))
        #expect(try datasetError(answerStart: "0") == "loaded")
    }

    @Test func predictionFilesSayWhatIsWrong() throws {
        let path = directory + "/pred.json"
        try "{\"a\": \"서울\",\n \"b\": }".write(toFile: path, atomically: true, encoding: .utf8)
        do { _ = try KorQuADMetric.readPredictions(path); Issue.record("malformed predictions were accepted") } catch {
            #expect("\(error)".contains("not valid JSON (") && "\(error)".contains(path), "\(error)")
        }
        try "[\"서울\"]".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MRCError.self) { try KorQuADMetric.readPredictions(path) }
        try "{\"a\": 3}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MRCError.malformed(path: path, element: "a", reason: "the prediction is not a string")) { try KorQuADMetric.readPredictions(path) }
        try "{\"a\": \"서울\"}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try KorQuADMetric.readPredictions(path) == ["a": "서울"])
    }

    @Test func foldersAndPipesAreNotReadAsFiles() throws {
        #expect(throws: MRCError.cannotRead(path: directory, reason: "it is a folder, not a file")) { try MRCFile.data(directory) }
        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: MRCError.cannotRead(path: fifo, reason: "it is a pipe (FIFO), not a regular file")) { try MRCFile.data(fifo) }
        #expect(throws: MRCError.cannotRead(path: directory + "/missing", reason: "no such file")) { try MRCFile.data(directory + "/missing") }
        // A model folder whose vocab.txt is a pipe is refused, not read forever.
        let model = try savedReader()
        try FileManager.default.removeItem(atPath: model + "/vocab.txt")
        #expect(mkfifo(model + "/vocab.txt", 0o600) == 0)
        #expect(loadError(model).contains("pipe (FIFO)"), "\(loadError(model))")
    }
}
