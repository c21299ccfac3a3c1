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
