import FAQRetrieval
import IntentClassifier
import MRCReader

/// Decides how KorQA answers one line of user text: from the passage the user set (the
/// extractive reader) when the reader is sure, else from the FAQ index. The intent classifier
/// labels lines; the summarizer plugs in here later. Never prints.
public final class QAEngine: @unchecked Sendable {
    public var store: FAQStore
    /// How many FAQ matches a reply carries.
    public var topK: Int
    /// When set, every reply also says what kind of utterance the line is (question, command…).
    public var intentClassifier: IntentClassifier?

    /// The reader and the passage it answers from; questions go to the FAQ while either is nil.
    public var reader: Reader?
    public var passage: String?
    /// A reader answer with a lower score (P(start)·P(end)) is "unsure" and the FAQ answers
    /// instead, with the reader's guess shown beside it.
    public var readerThreshold: Float = 0.2

    public init(store: FAQStore, topK: Int = 3, intentClassifier: IntentClassifier? = nil) {
        self.store = store
        self.topK = topK
        self.intentClassifier = intentClassifier
    }

    /// The intent of a line, when a classifier is loaded.
    public func intent(of text: String) -> IntentClassifier.Prediction? {
        intentClassifier?.classify([text]).first
    }

    public enum Reply: Equatable, Sendable {
        /// FAQ matches, best first. `confident` is false when even the best one is a weak match.
        case faq([FAQResult], confident: Bool)
        /// Nothing in the index shares a term with the question.
        case noMatch
        /// Answers read from the passage, best first (the best one's score ≥ `readerThreshold`).
        case passage([ReaderAnswer])
        /// The reader was unsure (its best guess, if any); the FAQ's reply follows.
        indirect case readerUnsure(ReaderAnswer?, faq: Reply)
    }

    public func reply(to text: String) throws -> Reply {
        if let reader, let passage {
            let answers = reader.answers(question: text, context: passage, top: max(topK, 1))
            // A reader always points somewhere, often confidently, even for a question the passage
            // has nothing to do with; a question that shares no two-syllable piece with the
            // passage goes to the FAQ.
            if let best = answers.first, best.score >= readerThreshold, Self.sharesBigram(text, passage) { return .passage(answers) }
            return .readerUnsure(answers.first, faq: try faqReply(to: text))
        }
        return try faqReply(to: text)
    }

    /// Whether some two adjacent letters (spaces removed) of `question` occur in `passage`.
    static func sharesBigram(_ question: String, _ passage: String) -> Bool {
        func bigrams(_ text: String) -> Set<String> {
            let letters = Array(text.filter { $0.isLetter || $0.isNumber })
            return Set(letters.indices.dropFirst().map { String(letters[$0 - 1]) + String(letters[$0]) })
        }
        return !bigrams(question).isDisjoint(with: bigrams(passage))
    }

    func faqReply(to text: String) throws -> Reply {
        let results = try store.search(text, limit: max(topK, 1))
        guard let best = results.first else { return .noMatch }
        return .faq(results, confident: best.confidence >= FAQStore.lowConfidence)
    }
}
