import Foundation
import Testing
@testable import NeuralCore

@Suite struct CheckpointTests {
    let directory: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-ckpt-\(UUID())").path
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    func model(seed: UInt64, hidden: Int = 4) -> ParameterStore {
        var random = SeededRandom(seed: seed)
        let store = ParameterStore()
        _ = Embedding(store: store, name: "emb", vocabularySize: 10, dimension: 3, random: &random)
        _ = BiLSTM(store: store, name: "enc", inputSize: 3, hiddenSize: hidden, random: &random)
        return store
    }

    @Test func roundTripWithOptimizerState() throws {
        let path = directory + "/model.safetensors"
        let saved = model(seed: 1)
        try Checkpoint.save(saved, to: path, config: "{\"hidden\":4}", vocabularyFingerprint: "abc",
                            metadata: ["note": "ünïcode \"quoted\""], extra: ["adam.m": [1, 2, 3], "adam.step": [7]])
        let loaded = model(seed: 2)
        #expect(Array(loaded.values) != Array(saved.values))
        let result = try Checkpoint.load(into: loaded, from: path, config: "{\"hidden\":4}", vocabularyFingerprint: "abc")
        #expect(Array(loaded.values) == Array(saved.values))
        #expect(result.extra["adam.m"] == [1, 2, 3] && result.extra["adam.step"] == [7])
        #expect(result.metadata["note"] == "ünïcode \"quoted\"")
        #expect(try Checkpoint.config(at: path) == "{\"hidden\":4}")
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }

    /// F16 tables take half the bytes and read back as the nearest half-precision values.
    @Test func halfPrecisionTablesRoundTrip() throws {
        let path = directory + "/half.safetensors"
        let values: [Float] = [0, 1, -2.5, 0.1, 1e-3, 65504, 3.14159, -0.333333]
        try SafeTensors.write([.init(name: "table", shape: [2, 4], values: values, dtype: .f16),
                               .init(name: "full", shape: [2], values: [0.1, 0.2])], metadata: [:], to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(file.tensors["table"]?.dtype == .f16 && file.tensors["table"].map { $0.end - $0.begin } == 16)
        #expect(file.values("table") == values.map { Float(Float16($0)) })
        #expect(file.values("full") == [0.1, 0.2])
        let loaded = file.values("table")!
        for (a, b) in zip(loaded, values) { #expect(abs(a - b) <= 1e-3 * max(1, abs(b))) }
        #expect(loaded[3] != values[3])  // 0.1 is not a half-precision number: it really was narrowed
    }

    /// I8 tables take one byte a value and read back exactly; Python's safetensors names the
    /// type "I8" too.
    @Test func int8TablesRoundTrip() throws {
        let path = directory + "/int8.safetensors"
        let values: [Float] = [0, 1, -1, 127, -127, 42, -5, 100]
        try SafeTensors.write([.init(name: "table", shape: [4, 2], values: values, dtype: .i8),
                               .init(name: "scale", shape: [4], values: [0.5, 0.25, 1, 2])], metadata: [:], to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(file.tensors["table"]?.dtype == .i8 && file.tensors["table"].map { $0.end - $0.begin } == 8)
        #expect(file.values("table") == values)
        #expect(file.values("scale") == [0.5, 0.25, 1, 2])
    }

    @Test func headerIsStandardSafetensors() throws {
        let path = directory + "/h.safetensors"
        try SafeTensors.write([SafeTensors.Entry(name: "w", shape: [2, 2], values: [1, 2, 3, 4])], metadata: ["k": "v"], to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let n = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect(n % 8 == 0 && bytes.count == 8 + n + 16)
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as! [String: Any]
        let w = header["w"] as! [String: Any]
        #expect(w["dtype"] as? String == "F32" && (w["shape"] as? [Int]) == [2, 2] && (w["data_offsets"] as? [Int]) == [0, 16])
        #expect((header["__metadata__"] as? [String: String]) == ["k": "v"])
        // Little-endian float 1.0 = 00 00 80 3F.
        #expect(Array(bytes[(8 + n)..<(12 + n)]) == [0, 0, 0x80, 0x3F])
    }

    func expectCorrupt(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = directory + "/bad-\(UUID()).safetensors"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            _ = try SafeTensorsFile(path: path)
            Issue.record("no error for a damaged file (\(fragment))", sourceLocation: sourceLocation)
        } catch let error as NeuralError {
            guard case .corruptCheckpoint(let p, let reason) = error else {
                Issue.record("wrong error \(error)", sourceLocation: sourceLocation); return
            }
            #expect(p == path, sourceLocation: sourceLocation)
            #expect(reason.contains(fragment), "\(reason)", sourceLocation: sourceLocation)
            #expect(error.description.contains(path), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func damagedFilesGiveClearErrors() throws {
        let path = directory + "/good.safetensors"
        try Checkpoint.save(model(seed: 3), to: path, config: "{}")
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let n = Int(good[0])  | Int(good[1]) << 8 | Int(good[2]) << 16
        expectCorrupt([], "shorter than the 8-byte header")
        expectCorrupt(Array(good[0..<5]), "shorter than the 8-byte header")
        expectCorrupt(Array(good[0..<(8 + n / 2)]), "truncated")
        expectCorrupt(Array(good.dropLast(10)), "truncated")
        var huge = good; huge[6] = 0xFF
        expectCorrupt(huge, "not safetensors")
        var garbled = good; for i in 8..<20 { garbled[i] = 0x21 }
        expectCorrupt(garbled, "not a JSON object")
        // Every truncation point gives an error, never a crash.
        for cut in stride(from: 0, to: good.count - 1, by: max(1, good.count / 97)) {
            let p = directory + "/cut.safetensors"
            FileManager.default.createFile(atPath: p, contents: Data(good[0..<cut]))
            #expect(throws: NeuralError.self) { try Checkpoint.load(into: model(seed: 3), from: p) }
        }
        let header = String(decoding: good[8..<(8 + n)], as: UTF8.self)
        func withHeader(_ h: String) -> [UInt8] {
            var bytes = Array(h.utf8); while bytes.count < n { bytes.append(0x20) }
            return Array(good[0..<8]) + bytes + Array(good[(8 + n)...])
        }
        expectCorrupt(withHeader(header.replacingOccurrences(of: "\"F32\"", with: "\"I32\"")), "dtype I32 is not supported")
        // F16 is read, but F32-sized data under an F16 label does not fit its shape.
        expectCorrupt(withHeader(header.replacingOccurrences(of: "\"F32\"", with: "\"F16\"")), "bytes, shape")
        expectCorrupt(withHeader(header.replacingOccurrences(of: "\"data_offsets\":[0,", with: "\"data_offsets\":[4,")), "data_offsets")
    }

    @Test func mismatchedModelsAreRefused() throws {
        let path = directory + "/m.safetensors"
        try Checkpoint.save(model(seed: 1), to: path, config: "{\"hidden\":4}", vocabularyFingerprint: "v1")
        #expect(throws: NeuralError.checkpointMismatch(path: path, reason: "parameter enc.forward.weight_ih has shape [16, 3], the model needs [20, 3]")) {
            try Checkpoint.load(into: model(seed: 1, hidden: 5), from: path)
        }
        #expect(throws: NeuralError.self) { try Checkpoint.load(into: model(seed: 1), from: path, config: "{\"hidden\":8}") }
        #expect(throws: NeuralError.self) { try Checkpoint.load(into: model(seed: 1), from: path, vocabularyFingerprint: "v2") }
        let bigger = model(seed: 1)
        var random = SeededRandom(seed: 0)
        _ = Linear(store: bigger, name: "head", inputSize: 8, outputSize: 2, random: &random)
        #expect(throws: NeuralError.checkpointMismatch(path: path, reason: "parameter head.weight is missing")) {
            try Checkpoint.load(into: bigger, from: path)
        }
        #expect(throws: NeuralError.checkpointIO(path: directory + "/none", reason: "No such file or directory")) {
            try Checkpoint.load(into: model(seed: 1), from: directory + "/none")
        }
    }
}
