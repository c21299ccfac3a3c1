import Foundation

/// Everything the Hangul layer can fail with. Bad *text* never fails (invalid UTF-8 becomes
/// U+FFFD); these are failures of the machinery or of files handed to it.
public enum HangulError: Error, Equatable, Sendable {
    /// ICU reported an error code while normalizing or segmenting.
    case icuFailure(operation: String, code: Int32)
    /// A vocabulary file could not be read or written.
    case vocabularyIO(path: String, reason: String)
    /// A vocabulary file is not in the expected format.
    case malformedVocabulary(path: String, line: Int, reason: String)
    /// A token cannot be stored in a line-per-token vocabulary file.
    case unstorableToken(String)
    /// A corpus file or folder could not be found or read.
    case corpusIO(path: String, reason: String)
}

extension HangulError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .icuFailure(let operation, let code):
            return "ICU failed during \(operation) (UErrorCode \(code)); is libicu installed and intact?"
        case .vocabularyIO(let path, let reason):
            return "cannot access vocabulary file '\(path)': \(reason)"
        case .malformedVocabulary(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .unstorableToken(let token):
            return "token \(token.debugDescription) contains a line break and cannot be stored in a vocabulary file"
        case .corpusIO(let path, let reason):
            return "cannot read the corpus '\(path)': \(reason)"
        }
    }
}

extension HangulError: LocalizedError {
    public var errorDescription: String? { description }
}
