import Foundation
import Hangul

/// What can go wrong reading MRC data or predictions. Each case names the file and the JSON
/// element (`data[3].paragraphs[2].qas[0]`) so the user can find the problem.
public enum MRCError: Error, Equatable, Sendable {
    case cannotRead(path: String, reason: String)
    case malformed(path: String, element: String, reason: String)
    case modelNotFound(path: String)
    case badModel(path: String, reason: String)
    /// Training cannot start (no usable answers, an empty corpus, …).
    case cannotTrain(reason: String)
    /// `ReaderRunConfig` fields hold an impossible or contradictory value.
    case invalidRunConfig(fields: [String], reason: String)
}

extension MRCError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .malformed(let path, let element, let reason):
            return element.isEmpty ? "'\(path)': \(reason)" : "'\(path)': \(element): \(reason)"
        case .modelNotFound(let path):
            return "no reader model at '\(path)' (expected model.safetensors and vocab.txt there)"
        case .badModel(let path, let reason): return "reader model '\(path)': \(reason)"
        case .cannotTrain(let reason): return reason
        case .invalidRunConfig(let fields, let reason): return "\(fields.joined(separator: ", ")) \(reason)"
        }
    }
}

extension MRCError: LocalizedError {
    public var errorDescription: String? { description }
}

/// Reading the files MRC commands take (datasets, predictions, passages, corpora), with the
/// reason a file cannot be read in the error.
public enum MRCFile {
    public static func data(_ path: String) throws -> Data {
        try InputFile.contents(path) { MRCError.cannotRead(path: path, reason: $0) }
    }

    /// `data` parsed as JSON; otherwise `MRCError.malformed` with the parser's own message (it
    /// says where), and `expected` (what the file should hold) after it when given.
    public static func json(_ data: Data, path: String, expected: String? = nil) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: data) } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw MRCError.malformed(path: path, element: "", reason: "not valid JSON (\(reason))" + (expected.map { "; \($0)" } ?? ""))
        }
    }

    /// The file as UTF-8 text; anything else is refused rather than guessed at.
    public static func text(_ path: String) throws -> String {
        guard let text = String(data: try data(path), encoding: .utf8) else { throw MRCError.cannotRead(path: path, reason: "not UTF-8 text") }
        return text
    }
}
