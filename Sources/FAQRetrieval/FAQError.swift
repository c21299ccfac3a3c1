import Foundation

/// What can go wrong with FAQ files and the FAQ index. Each case names the file and, where
/// there is one, the line, and says how to fix it.
public enum FAQError: Error, Equatable, Sendable {
    case cannotRead(path: String, reason: String)
    case unknownFormat(path: String)
    case missingColumns(path: String, found: [String])
    case malformedJSON(path: String, reason: String)
    /// A strict import: the file has bad rows; nothing was written.
    case badRows(path: String, problems: [RowProblem])
    case database(path: String, message: String)
    case emptyFile(path: String)
    /// Every row of the file is bad: importing it would leave nothing of it in the index.
    case noUsableRows(path: String, problems: [RowProblem])
    /// Dense search was asked for, and entries have no vector of this encoder (the index was
    /// built without it, or by another encoder).
    case vectorsMissing(path: String, model: String, missing: Int)
}

/// One row of an FAQ file that could not be used.
public struct RowProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line where the row starts (for JSON arrays: the element index as `data[i]`).
    public var location: String
    public var reason: String
    public var description: String { "\(file):\(location): \(reason)" }
}

extension FAQError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .unknownFormat(let path):
            return "'\(path)': unknown FAQ file format; use .csv, .tsv, .json (an array of objects) or .jsonl (one object per line)"
        case .missingColumns(let path, let found):
            return "'\(path)': the header needs a question column (question, Q, 질문) and an answer column (answer, A, 답변); found \(found.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .malformedJSON(let path, let reason):
            return "'\(path)': not valid JSON: \(reason)"
        case .badRows(let path, let problems):
            let shown = problems.prefix(10).map { "  " + $0.description }.joined(separator: "\n")
            let more = problems.count > 10 ? "\n  … and \(problems.count - 10) more" : ""
            return "'\(path)': \(problems.count) bad row\(problems.count == 1 ? "" : "s"); nothing was imported (strict import):\n\(shown)\(more)\n"
        case .database(let path, let message):
            return "FAQ index '\(path)': \(message)"
        case .emptyFile(let path):
            return "'\(path)' has no FAQ rows; nothing was imported"
        case .vectorsMissing(let path, let model, let missing):
            return "FAQ index '\(path)': \(missing) entries have no sentence vector of the encoder \(model) (the index was built without it, or by another encoder)"
        case .noUsableRows(let path, let problems):
            let shown = problems.prefix(10).map { "  " + $0.description }.joined(separator: "\n")
            let more = problems.count > 10 ? "\n  … and \(problems.count - 10) more" : ""
            return "'\(path)': none of its \(problems.count) row\(problems.count == 1 ? "" : "s") can be used; nothing was imported and the index is unchanged:\n\(shown)\(more)"
        }
    }
}

extension FAQError: LocalizedError {
    public var errorDescription: String? { description }
}
