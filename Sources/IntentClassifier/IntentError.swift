import Foundation

/// What can go wrong reading labelled data or a model directory.
public enum IntentError: Error, Equatable, Sendable {
    case cannotRead(path: String, reason: String)
    case noExamples(path: String)
    /// Lines that could not be read, with their numbers.
    case malformedLines(path: String, problems: [String])
    case modelNotFound(path: String)
    case badModel(path: String, reason: String)
    case tooFewExamples(reason: String)
    /// An `IntentRunConfig` field holds an impossible value.
    case invalidRunConfig(field: String, reason: String)
}

extension IntentError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .noExamples(let path): return "'\(path)' has no labelled examples (expected label<TAB>text lines, or a CSV/TSV with label and text columns)"
        case .malformedLines(let path, let problems):
            let shown = problems.prefix(10).map { "  \(path):\($0)" }.joined(separator: "\n")
            return "'\(path)': \(problems.count) malformed line(s):\n\(shown)\(problems.count > 10 ? "\n  …" : "")"
        case .modelNotFound(let path): return "no intent model at '\(path)' (expected model.safetensors, vocab.txt and labels.txt there)"
        case .badModel(let path, let reason): return "intent model '\(path)': \(reason)"
        case .tooFewExamples(let reason): return reason
        case .invalidRunConfig(let field, let reason): return "\(field) \(reason)"
        }
    }
}

extension IntentError: LocalizedError {
    public var errorDescription: String? { description }
}
