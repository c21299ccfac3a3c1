import FAQRetrieval
import IntentClassifier
import MRCReader
import Summarizer

/// Where a line of user text was answered from.
public enum Route: String, Codable, Sendable, CaseIterable {
    /// A confident match in a domain FAQ (any indexed file that is not small talk).
    case faq
    /// A span the reader found in the current passage.
    case reader
    /// A passage of an indexed document collection (retriever → reader).
    case documents
    /// A request to summarize.
    case summary
    /// Everyday conversation, answered from the small-talk FAQ (ChatbotData).
    case smalltalk
    /// A request to do something KorQA cannot do ("창문 좀 닫아 줘").
    case command
    /// Nothing good enough: said honestly, with the closest matches.
    case unknown
}

/// Why the router chose the route: the rule that fired.
public enum RouteReason: String, Codable, Sendable {
    /// The reader's best span scored at least the reader threshold and shares wording with the question.
    case readerConfident
    /// The line asks for a summary, and no summarizer is available.
    case summarizerUnavailable
    /// The line asks for a summary: the passage was summarized.
    case summarized
    /// The line asks for a summary, and there is no passage to summarize.
    case nothingToSummarize
    /// The best domain-FAQ match reached the answer threshold.
    case faqMatch
    /// A span read from the indexed documents scored at least the reader threshold.
    case documentAnswer
    /// The best small-talk match reached the answer threshold (the command threshold for commands).
    case smalltalkMatch
    /// A command, and no FAQ or small-talk entry matches it well enough.
    case commandUnsupported
    /// Matches exist, and none reaches its threshold.
    case weakMatch
    /// No indexed entry shares a term with the line.
    case noMatch
}

/// One FAQ or small-talk entry that matched: the search hit and whether it is small talk.
/// Encoded flat (the hit's fields and `smalltalk` side by side); its fields read through
/// (`match.answer`, `match.confidence`).
@dynamicMemberLookup
public struct Match: Codable, Equatable, Sendable {
    public var entry: FAQResult
    /// The entry comes from a small-talk source.
    public var smalltalk: Bool

    public init(_ entry: FAQResult, smalltalk: Bool) {
        self.entry = entry
        self.smalltalk = smalltalk
    }

    public subscript<T>(dynamicMember field: KeyPath<FAQResult, T>) -> T { entry[keyPath: field] }

    enum Key: String, CodingKey { case smalltalk }

    public init(from decoder: Decoder) throws {
        entry = try FAQResult(from: decoder)
        smalltalk = try decoder.container(keyedBy: Key.self).decode(Bool.self, forKey: .smalltalk)
    }

    public func encode(to encoder: Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(smalltalk, forKey: .smalltalk)
    }
}

/// A span read out of the passage; [start, end) are Unicode scalar offsets into it.
public struct PassageAnswer: Codable, Equatable, Sendable {
    public var text: String
    public var start: Int
    public var end: Int
    /// P(start)·P(end) of the span.
    public var score: Double

    public init(_ answer: ReaderAnswer) {
        text = answer.text; start = answer.start; end = answer.end; score = Double(answer.score)
    }
}

/// The intent model's label for the line.
public struct IntentLabel: Codable, Equatable, Sendable {
    public var name: String
    public var probability: Double
}

/// The numbers the routing decision used, and the thresholds it compared them with.
public struct RouteScores: Codable, Equatable, Sendable {
    /// The best domain-FAQ match's confidence (nil: none matched).
    public var faq: Double?
    /// The best small-talk match's confidence (nil: none matched).
    public var smalltalk: Double?
    /// The reader's best span score (nil: no passage, or not asked).
    public var reader: Double?
    /// The line asks for a summary.
    public var summaryRequest: Bool
    public var answerThreshold: Double
    public var commandThreshold: Double
    public var readerThreshold: Double
    /// The best span read from the documents (calibrated probability; nil: not asked) and the
    /// least that answers.
    public var document: Double? = nil
    public var documentThreshold: Double? = nil
}

/// The engine's answer to one line: what to say, where it came from and why. Front ends encode
/// it (JSON) or show `message`.
public struct Reply: Codable, Equatable, Sendable {
    public var query: String
    public var route: Route
    public var reason: RouteReason
    /// What to tell the user, in the conversation's language.
    public var message: String
    public var intent: IntentLabel?
    /// The answer's entries for `faq`/`smalltalk`; the closest ones otherwise, best first.
    public var matches: [Match]
    /// Spans read from the passage (for `reader`: the answers; otherwise the reader's guess, if any).
    public var answers: [PassageAnswer]
    public var scores: RouteScores
    /// The summary, for `summary` replies that made one.
    public var summary: SummaryResult?
    /// Spans read from the indexed documents (for `documents`: the answers).
    public var documentAnswers: [DocumentAnswer]? = nil
}

/// `korqa ask`'s answer: the best FAQ entries for one question (no routing).
public struct SearchReply: Codable, Equatable, Sendable {
    public var query: String
    public var results: [Match]
    /// The best match is below the answer threshold (or nothing matched): say so, do not
    /// present it as the answer.
    public var lowConfidence: Bool
}

/// A span read out of an indexed document's passage.
public struct DocumentAnswer: Codable, Equatable, Sendable {
    public var text: String
    /// The span's score across passages (`DocumentScoring`): comparable between passages and
    /// questions; nothing below the engine's reader threshold is offered as an answer.
    public var score: Double
    public var title: String
    public var path: String
    /// [start, end) code points into the document's text (the file, for text and Markdown).
    public var start: Int
    public var end: Int
    /// The passage it was read from, and its BM25 score for the question.
    public var passage: String
    public var retrievalScore: Double
    /// The reader's P(start)·P(end) for the span within its passage.
    public var readerScore: Double
    /// How much of the question's term weight the passage holds (`PassageResult.coverage`).
    public var coverage: Double
}
