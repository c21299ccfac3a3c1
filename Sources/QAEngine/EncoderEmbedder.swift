import FAQRetrieval
import Foundation
import Hangul
import NeuralCore
import TextEncoder

/// The sentence encoder as the FAQ index's embedder. Its model id names the folder's weights by
/// content (size and a hash of model.safetensors), so an index embedded by other weights is
/// detected, not mixed.
public final class EncoderEmbedder: SentenceEmbedder, @unchecked Sendable {
    public let encoder: SentenceEncoder
    public let modelID: String
    private let lock = NSLock()

    public init(directory: String) throws {
        encoder = try SentenceEncoder.load(from: directory)
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/model.safetensors"), options: .mappedIfSafe)
        modelID = "sentence-encoder-\(data.count)-" + String(FNV1a.hash(data), radix: 16)
    }

    public func vectors(_ texts: [String]) -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        return encoder.vectors(texts)
    }
}
