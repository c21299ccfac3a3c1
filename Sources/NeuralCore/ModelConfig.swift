import Foundation

/// A model's architecture, stored as JSON text in its checkpoints (`Checkpoint`'s `config`),
/// which must match exactly on load.
public protocol ModelConfig: Codable, Equatable, Sendable {}

extension ModelConfig {
    /// Sorted-key JSON, so the same architecture always gives the same text.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
