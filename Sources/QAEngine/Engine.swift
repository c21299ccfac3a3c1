import FAQRetrieval
import Foundation
import IntentClassifier
import MRCReader
import Summarizer

/// What the engine searches: the FAQ index today, a PostgreSQL store or a document collection
/// later. Implementations must be safe to call from several threads at once.
public protocol EntrySearching: Sendable {
    /// Where the entries live (a file path or a URL), for messages.
    var location: String { get }
    /// The best `limit` entries for `query`, best first, searched in `mode` (dense and hybrid
    /// with `embedder`'s vectors).
    func search(_ query: String, limit: Int, mode: SearchMode, embedder: (any SentenceEmbedder)?) throws -> [FAQResult]
    /// The best `limit` passages of the indexed documents for `query` (BM25).
    func searchPassages(_ query: String, limit: Int) throws -> [PassageResult]
}

extension FAQStore: EntrySearching {
    public var location: String { path }
}

/// KorQA's engine: the models and stores one process shares, and the routing policy. It holds
/// no per-user state (that is a `Conversation`'s), never prints, and is safe to use from
/// several threads at once: the models are loaded once (lazily, under a lock) and each model
/// runs one call at a time.
public final class Engine: @unchecked Sendable {
    public let store: any EntrySearching
    public let policy: RoutingPolicy
    /// How the store is searched, and the sentence vectors dense and hybrid search use.
    public let searchMode: SearchMode
    public let embedder: (any SentenceEmbedder)?
    private let intentModel: LazyModel<IntentClassifier>
    private let readerModel: LazyModel<Reader>
    private let summarizerModel: LazyModel<TextSummarizer>

    /// - Parameters:
    ///   - loadIntentClassifier: loads the intent model on first use (nil: lines get no intent
    ///     and commands are not told apart).
    ///   - loadReader: loads the reader on first use (when a passage is read).
    public init(store: any EntrySearching, policy: RoutingPolicy = RoutingPolicy(), searchMode: SearchMode = .lexical,
                embedder: (any SentenceEmbedder)? = nil,
                loadIntentClassifier: (@Sendable () throws -> IntentClassifier)? = nil,
                loadReader: (@Sendable () throws -> Reader)? = nil,
                loadSummarizer: (@Sendable () throws -> TextSummarizer)? = { TextSummarizer(abstractive: nil) }) {
        precondition(searchMode == .lexical || embedder != nil, "dense and hybrid search need a sentence embedder")
        self.store = store
        self.policy = policy
        self.searchMode = searchMode
        self.embedder = embedder
        intentModel = LazyModel(loadIntentClassifier)
        readerModel = LazyModel(loadReader)
        summarizerModel = LazyModel(loadSummarizer)
    }

    /// The same models and policy over another store (`/db` in chat).
    public func with(store: any EntrySearching) -> Engine {
        Engine(store: store, policy: policy, sharing: self)
    }

    private init(store: any EntrySearching, policy: RoutingPolicy, sharing other: Engine) {
        self.store = store
        self.policy = policy
        searchMode = other.searchMode
        embedder = other.embedder
        intentModel = other.intentModel
        readerModel = other.readerModel
        summarizerModel = other.summarizerModel
    }

    /// Loads the intent model now (so its errors show at start instead of on the first line).
    public func loadIntentClassifier() throws { _ = try intentModel.get() }
    /// Loads the reader now.
    public func loadReader() throws { _ = try readerModel.get() }
    public var hasReader: Bool { readerModel.canLoad }

    /// The intent of a line (nil without an intent model).
    public func intent(of text: String) throws -> IntentLabel? {
        let prediction = try intentModel.run { $0.classify([text]).first } ?? nil
        return prediction.map { IntentLabel(name: $0.name, probability: Double($0.probability)) }
    }

    /// Spans of `passage` that answer `question`, best first.
    public func read(question: String, passage: String, top: Int) throws -> [ReaderAnswer] {
        try readerModel.run { $0.answers(question: question, context: passage, top: top) } ?? []
    }

    /// A summary of `text` (`TextSummarizer`); nil when the engine has no summarizer.
    public func summarize(_ text: String, mode: SummaryMode = .auto, sentences: Int = 3) throws -> SummaryResult? {
        try summarizerModel.run { try $0.summarize(text, mode: mode, sentences: sentences) }
    }

    /// Answers from the indexed documents: the reader reads the best `passages` passages for
    /// `question` (one batch); a span's score compares across passages (`DocumentScoring`). Each
    /// answer carries its passage's title, file and [start, end) in the document's text. Empty
    /// without documents.
    public func answerFromDocuments(_ question: String, passages: Int = 5, top: Int = 1) throws -> [DocumentAnswer] {
        guard hasReader else { throw QAEngineError.noReader }
        return try answer(question, from: try store.searchPassages(question, limit: passages), top: top)
    }

    /// Reads `hits` (retrieved passages, best first) for `question`; the best `top` spans over
    /// all of them by `scoring`.
    public func answer(_ question: String, from hits: [PassageResult], top: Int = 1,
                       scoring: DocumentScoring = DocumentScoring()) throws -> [DocumentAnswer] {
        guard !hits.isEmpty else { return [] }
        let spans = try readerModel.run { $0.predict(hits.map { (question, $0.text) }, top: 1) } ?? []
        let best = hits[0].score
        var answers: [DocumentAnswer] = []
        for (hit, found) in zip(hits, spans) {
            for span in found {
                let score = scoring.score(reader: Double(span.score), retrievalShare: best > 0 ? hit.score / best : 0, coverage: hit.coverage)
                answers.append(DocumentAnswer(text: span.text, score: score, title: hit.title, path: hit.path,
                                              start: hit.start + span.start, end: hit.start + span.end, passage: hit.text,
                                              retrievalScore: hit.score, readerScore: Double(span.score), coverage: hit.coverage))
            }
        }
        return Array(answers.sorted { $0.score > $1.score }.prefix(top))
    }

    /// FAQ matches for `text`, best first (domain and small talk mixed).
    public func search(_ text: String, limit: Int) throws -> [Match] {
        try store.search(text, limit: limit, mode: searchMode, embedder: embedder).map { result in
            var result = result
            result.confidence = policy.fusedConfidence(overlap: result.confidence, similarity: result.similarity)
            return Match(result, smalltalk: policy.isSmalltalk(source: result.source))
        }
    }

    /// The best `top` FAQ entries for `question`, flagged when even the best is a weak match.
    public func ask(_ question: String, top: Int) throws -> SearchReply {
        let results = try search(question, limit: max(top, 1))
        return SearchReply(query: question, results: results, lowConfidence: (results.first?.confidence ?? 0) < policy.answerThreshold)
    }

    /// How many FAQ candidates a reply looks at, so that both a domain entry and a small-talk
    /// entry are found when either matches.
    static let candidates = 20

    /// Routes one line and answers it. `passage`: the conversation's passage (the reader tries
    /// it first); `top`: how many matches or spans the reply carries.
    public func reply(to text: String, passage: String? = nil, top: Int = 1, language: Language = .korean) throws -> Reply {
        let top = max(top, 1)
        var evidence = RoutingPolicy.Evidence()
        evidence.summaryRequest = SummaryRequest.detect(text)
        let intent = try intent(of: text)
        evidence.intent = intent?.name
        var answers: [ReaderAnswer] = []
        if let passage, !evidence.summaryRequest, hasReader {
            answers = try read(question: text, passage: passage, top: top)
            evidence.readerScore = answers.first.map { Double($0.score) }
            // A reader always points somewhere, often confidently, even for a question the passage
            // has nothing to do with; a question that shares no two-letter piece with the passage
            // is not the passage's.
            evidence.readerSharesWording = Self.sharesBigram(text, passage)
        }
        let candidates = try search(text, limit: max(Self.candidates, top))
        let domain = candidates.filter { !$0.smalltalk }, smalltalk = candidates.filter(\.smalltalk)
        evidence.faq = domain.first?.confidence
        evidence.smalltalk = smalltalk.first?.confidence
        var documentAnswers: [DocumentAnswer] = []
        if passage == nil, !evidence.summaryRequest, hasReader, (evidence.faq ?? 0) < policy.answerThreshold {
            documentAnswers = try answerFromDocuments(text, passages: 5, top: top)
            evidence.documentScore = documentAnswers.first?.score
            evidence.documentSharesWording = documentAnswers.first.map { Self.sharesBigram(text, $0.passage) } ?? false
        }
        var (route, reason) = policy.route(evidence)
        var summary: SummaryResult?
        if route == .summary {
            if let passage, let result = try summarize(passage) {
                summary = result
                reason = .summarized
            } else if passage != nil {
                reason = .summarizerUnavailable
            } else {
                reason = .nothingToSummarize
            }
        }
        let matches: [Match]
        switch route {
        case .faq: matches = Array(domain.prefix(top))
        case .smalltalk: matches = Array(smalltalk.prefix(top))
        default: matches = Array(candidates.sorted { $0.confidence > $1.confidence }.prefix(top))
        }
        let scores = RouteScores(faq: evidence.faq, smalltalk: evidence.smalltalk, reader: evidence.readerScore,
                                 summaryRequest: evidence.summaryRequest, answerThreshold: policy.answerThreshold,
                                 commandThreshold: policy.commandThreshold, readerThreshold: policy.readerThreshold,
                                 document: evidence.documentScore, documentThreshold: evidence.documentScore == nil ? nil : policy.documentThreshold)
        var reply = Reply(query: text, route: route, reason: reason, message: "", intent: intent, matches: matches,
                          answers: answers.map(PassageAnswer.init), scores: scores, summary: summary,
                          documentAnswers: documentAnswers.isEmpty ? nil : documentAnswers)
        reply.message = ReplyText(language).message(for: reply, passageSet: passage != nil)
        return reply
    }

    /// Whether some two adjacent letters (spaces removed) of `question` occur in `passage`.
    static func sharesBigram(_ question: String, _ passage: String) -> Bool {
        func bigrams(_ text: String) -> Set<String> {
            let letters = Array(text.filter { $0.isLetter || $0.isNumber })
            return Set(letters.indices.dropFirst().map { String(letters[$0 - 1]) + String(letters[$0]) })
        }
        return !bigrams(question).isDisjoint(with: bigrams(passage))
    }
}

/// A model loaded on first use and then shared; calls run one at a time (the models keep
/// scratch buffers between calls).
final class LazyModel<Model>: @unchecked Sendable {
    private let load: (@Sendable () throws -> Model)?
    private var model: Model?
    private let lock = NSLock()

    init(_ load: (@Sendable () throws -> Model)?) { self.load = load }

    var canLoad: Bool { load != nil }

    func get() throws -> Model? {
        lock.lock()
        defer { lock.unlock() }
        if let model { return model }
        guard let load else { return nil }
        model = try load()
        return model
    }

    /// `body` on the model under the lock (nil when there is no model).
    func run<T>(_ body: (Model) throws -> T) throws -> T? {
        guard try get() != nil else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return try body(model!)
    }
}
