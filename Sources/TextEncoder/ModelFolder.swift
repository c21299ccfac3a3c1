import Foundation
import Hangul
import NeuralCore

/// A model folder of the shared-encoder family: model.safetensors (weights + config +
/// metadata) and vocab.txt, as `korqa train sentence-encoder` and `korqa train summarizer`
/// write them. The finished model is stored in F16 (half the size; the training checkpoints
/// under training/ stay F32) — docs/summarizer.md and docs/encoder.md measure that it scores
/// the same.
public enum ModelFolder {
    public static func save(_ store: ParameterStore, config: String, vocabulary: Vocabulary, to directory: String,
                            metadata: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The model in memory becomes what the file holds, so it answers as the loaded one will.
        store.roundToHalfPrecision()
        try Checkpoint.save(store, to: directory + "/model.safetensors", config: config, metadata: metadata, dtype: .f16)
        try vocabulary.save(to: directory + "/vocab.txt")
    }

    /// vocab.txt of `directory`, refused unless it has the model's `size` entries.
    public static func vocabulary(in directory: String, size: Int) throws -> Vocabulary {
        let vocabulary = try Vocabulary.load(from: directory + "/vocab.txt")
        guard vocabulary.count == size else {
            throw NeuralError.checkpointMismatch(path: directory + "/model.safetensors",
                                                 reason: "vocab.txt has \(vocabulary.count) entries, the model \(size)")
        }
        return vocabulary
    }
}

/// A pre-trained encoder to start a task model from: a pre-training run's folder
/// (best.safetensors, vocab.txt) or an exported encoder folder (model.safetensors, vocab.txt).
public struct PretrainedEncoder: Sendable {
    /// The checkpoint holding `encoder.…` parameters (load with `TextEncoder.loadWeights(from:)`).
    public var weights: String
    public var config: TextEncoderConfig
    public var vocabulary: Vocabulary

    public init(folder: String) throws {
        var weights = folder + "/best.safetensors"
        if !FileManager.default.fileExists(atPath: weights) { weights = folder + "/model.safetensors" }
        let (configText, _) = try Checkpoint.header(at: weights)
        guard let config = try? JSONDecoder().decode(TextEncoderConfig.self, from: Data(configText.utf8)) else {
            throw NeuralError.checkpointMismatch(path: weights, reason: "it is not a pre-trained encoder's checkpoint")
        }
        self.weights = weights
        self.config = config
        vocabulary = try ModelFolder.vocabulary(in: folder, size: config.vocabularySize)
    }
}
