import FAQRetrieval
import IntentClassifier
import MRCReader
import NeuralCore
import QAEngine
import Summarizer
import WordVectors

/// The CLI's half of an error message: libraries say what went wrong and where; this adds how
/// to fix it with korqa's commands and flags.
enum ErrorHints {
    static func hint(for error: Error) -> String? {
        switch error {
        case MRCError.modelNotFound(let path):
            return "train one with: korqa train reader --train FILE --out \(path)"
        case IntentError.modelNotFound(let path):
            return "train one with: korqa train intent --train FILE --out \(path)"
        case WordVectorsError.notFound(let path):
            return "make one with: korqa train word-vectors --corpus DIR --out \(path)"
        case WordVectorsError.nothingToResume, NeuralError.nothingToResume:
            return "run without --resume to start a new run"
        case FAQError.badRows:
            return "fix the rows, or import without --strict to skip them"
        case FAQError.vectorsMissing(let path, _, _):
            return "embed the index with: korqa index --sentence-encoder DIR --db \(path) (the same DIR as --sentence-encoder here)"
        case QAEngineError.noIndex(let path):
            return "create it with: korqa index FILE --db \(path)"
        case QAEngineError.shippedModelMissing:
            return "pass --model DIR, or set KORQA_HOME to a KorQA checkout or installation (make install)"
        case SummarizerError.notASummarizer, SummarizerError.noModel:
            return "pass --model DIR of a model from: korqa train summarizer (or use --mode extractive, which needs none)"
        case QAEngineError.nothingToSeed:
            return "index a file with: korqa index FILE (or set KORQA_HOME to a KorQA checkout)"
        default:
            return nil
        }
    }

    /// `error` with its hint appended, as the CLI shows it.
    static func decorated(_ error: Error) -> Error {
        guard let hint = hint(for: error) else { return error }
        return CLIError.usage("\(error); \(hint)")
    }
}
