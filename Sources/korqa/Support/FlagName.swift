import ArgumentParser
import IntentClassifier
import MRCReader
import Summarizer
import TextEncoder

/// Command-line spellings of library field names.
enum FlagName {
    /// `batchSize` → `--batch-size`: the flag of a configuration field whose name the flag
    /// mirrors (swift-argument-parser's own conversion).
    static func of(_ field: String) -> String {
        var flag = "--"
        for character in field {
            if character.isUppercase { flag += "-" + character.lowercased() } else { flag.append(character) }
        }
        return flag
    }

    /// Runs a run configuration's `check()`; a refused field comes back as a usage error naming
    /// its flag ("--batch-size must be at least 1 (got 0)."), any other error as it is.
    static func validate(_ check: () throws -> Void) throws {
        do { try check() } catch let error as InvalidRunConfig {
            guard let (fields, reason) = error.invalidFields else { throw error }
            throw ValidationError("\(fields.map(of).joined(separator: ", ")) \(reason).")
        }
    }
}

/// A library error that can name the configuration fields it refused.
protocol InvalidRunConfig: Error {
    var invalidFields: (fields: [String], reason: String)? { get }
}

extension MRCError: InvalidRunConfig {
    var invalidFields: (fields: [String], reason: String)? {
        if case .invalidRunConfig(let fields, let reason) = self { return (fields, reason) }
        return nil
    }
}

extension IntentError: InvalidRunConfig {
    var invalidFields: (fields: [String], reason: String)? {
        if case .invalidRunConfig(let field, let reason) = self { return ([field], reason) }
        return nil
    }
}

extension TextEncoderError: InvalidRunConfig {
    var invalidFields: (fields: [String], reason: String)? {
        if case .invalidRunConfig(let field, let reason) = self { return ([field], reason) }
        return nil
    }
}

extension SummarizerError: InvalidRunConfig {
    var invalidFields: (fields: [String], reason: String)? {
        if case .invalidRunConfig(let field, let reason) = self { return ([field], reason) }
        return nil
    }
}
