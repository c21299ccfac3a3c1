import FAQRetrieval
import Foundation
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
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        modelID = "sentence-encoder-\(data.count)-" + String(hash, radix: 16)
    }

    public func vectors(_ texts: [String]) -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        return encoder.vectors(texts)
    }
}
