import Foundation

/// What summarizing, its data and its training can fail with. Messages name the file, the line
/// and the value; the CLI adds the flag that fixes it.
public enum SummarizerError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case invalidRunConfig(field: String, reason: String)
    case cannotRead(path: String, reason: String)
    case malformed(path: String, line: Int, reason: String)
    case noPairs(reason: String)
    case emptyText
    case notASummarizer(path: String, reason: String)
    case noModel

    public var description: String {
        switch self {
        case .invalidRunConfig(let field, let reason): return "\(field) \(reason)"
        case .cannotRead(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .malformed(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .noPairs(let reason): return "no training pairs: \(reason)"
        case .emptyText: return "there is no text to summarize (it is empty or only spaces)"
        case .notASummarizer(let path, let reason): return "'\(path)' is not a summarizer model folder: \(reason)"
        case .noModel: return "abstractive summaries need a summarizer model, and none is loaded"
        }
    }

    public var errorDescription: String? { description }
}
