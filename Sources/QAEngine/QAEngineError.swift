import Foundation

/// What the engine can fail with (errors of the stores and models it holds arrive as their own
/// targets' errors). Messages say what and where; front ends add how to fix it.
public enum QAEngineError: Error, Equatable, Sendable {
    /// A shipped model folder (e.g. resources/reader-korquad) is in none of the searched folders.
    case shippedModelMissing(name: String, searched: [String])
    /// No FAQ index exists at this path.
    case noIndex(path: String)
    /// The default index is empty and no bundled faq/ folder was found to fill it.
    case nothingToSeed(index: String, searched: [String])
    /// A passage was set on an engine that has no reader to read it.
    case noReader
    /// The engine was made without a summarizer.
    case noSummarizer
    /// Dense or hybrid search was asked for, and there is no sentence encoder.
    case noSentenceEncoder(mode: String, searched: [String])
    /// A routing table line is malformed.
    case badTable(path: String, line: Int, reason: String)
}

extension QAEngineError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .shippedModelMissing(let name, let searched):
            return "no shipped \(name) found (looked in \(searched.joined(separator: ", ")))"
        case .noIndex(let path):
            return "no FAQ index at \(path)"
        case .nothingToSeed(let index, let searched):
            return "the FAQ index \(index) is empty and no bundled faq/ folder was found (looked in \(searched.joined(separator: ", ")))"
        case .noReader:
            return "this engine has no reader model to read a passage with"
        case .noSummarizer:
            return "this engine has no summarizer"
        case .noSentenceEncoder(let mode, let searched):
            return "\(mode) search needs sentence vectors, and no shipped resources/sentence-encoder was found (looked in \(searched.joined(separator: ", ")))"
        case .badTable(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
