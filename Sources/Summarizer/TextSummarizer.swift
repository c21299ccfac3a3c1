import Foundation
import Hangul

/// Which kind of summary.
public enum SummaryMode: String, Codable, Sendable, CaseIterable {
    /// Extractive for a text of several sentences, abstractive for one sentence (an utterance).
    case auto
    /// The seq2seq model writes the summary (copying names and numbers from the source).
    case abstractive
    /// The most central sentences, verbatim, in their order, with offsets.
    case extractive
}

/// A summary of either kind, as front ends print it (`--json` encodes it as is).
public struct SummaryResult: Codable, Equatable, Sendable {
    public var mode: SummaryMode
    public var text: String
    /// Extractive: the chosen sentences with [start, end) code points into the input.
    public var sentences: [ExtractiveSummary.Sentence]?
    /// Extractive: how many sentences the input had.
    public var inputSentences: Int?
    /// Abstractive: the model read only the first `sourceSyllablesRead` syllables.
    public var truncated: Bool
    public var sourceSyllablesRead: Int?
}

/// The one summarizing workflow: picks the mode, runs the model or the sentence ranker, and
/// says what it did. Thread-safe for concurrent calls (the models are read-only).
public final class TextSummarizer: @unchecked Sendable {
    public let abstractive: PointerGenerator?
    public let extractive: ExtractiveSummarizer

    public init(abstractive: PointerGenerator?, extractive: ExtractiveSummarizer = ExtractiveSummarizer()) {
        self.abstractive = abstractive
        self.extractive = extractive
    }

    /// What `auto` picks for `text`.
    public static func resolve(_ mode: SummaryMode, for text: String, hasModel: Bool) -> SummaryMode {
        guard mode == .auto else { return mode }
        return SentenceSplitter().split(text).count == 1 && hasModel ? .abstractive : .extractive
    }

    /// - Parameters:
    ///   - sentences: extractive summary length.
    ///   - decoding: abstractive decoding options.
    public func summarize(_ text: String, mode: SummaryMode = .auto, sentences: Int = 3,
                          decoding: DecodingOptions = DecodingOptions()) throws(SummarizerError) -> SummaryResult {
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { throw .emptyText }
        guard sentences >= 1 else { throw .invalidRunConfig(field: "sentences", reason: "must be at least 1 (got \(sentences))") }
        switch Self.resolve(mode, for: text, hasModel: abstractive != nil) {
        case .extractive, .auto:
            let summary = try extractive.summarize(text, sentences: sentences)
            return SummaryResult(mode: .extractive, text: summary.text, sentences: summary.sentences, inputSentences: summary.sentenceCount,
                                 truncated: false, sourceSyllablesRead: nil)
        case .abstractive:
            guard let abstractive else { throw .noModel }
            let summary = abstractive.summarize(text, options: decoding)
            return SummaryResult(mode: .abstractive, text: summary.text, sentences: nil, inputSentences: nil,
                                 truncated: summary.truncated, sourceSyllablesRead: summary.sourceSyllablesRead)
        }
    }
}

extension TextSummarizer {
    /// A text file to summarize: UTF-8 (BOM dropped); invalid bytes become U+FFFD and are
    /// reported (`replacedBytes`), not fatal.
    public static func readText(_ path: String) throws(SummarizerError) -> (text: String, replacedBytes: Bool) {
        try InputFile.text(path) { SummarizerError.cannotRead(path: path, reason: $0) }
    }
}
