import FAQRetrieval
import IntentClassifier

/// Decides how KorQA answers one line of user text. Today: the FAQ index; the intent
/// classifier, the passage reader and the summarizer plug in here. Never prints.
public final class QAEngine: @unchecked Sendable {
    public var store: FAQStore
    /// How many FAQ matches a reply carries.
    public var topK: Int
    /// When set, every reply also says what kind of utterance the line is (question, command…).
    public var intentClassifier: IntentClassifier?

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
    }

    public func reply(to text: String) throws -> Reply {
        let results = try store.search(text, limit: max(topK, 1))
        guard let best = results.first else { return .noMatch }
        return .faq(results, confident: best.confidence >= FAQStore.lowConfidence)
    }
}
