import Foundation

/// How a line is routed, as data: the thresholds (calibrated, see `RoutingCalibration` and
/// docs/routing.md) and which indexed files are small talk.
///
/// The rules, in order (the first that holds wins):
/// 1. the line asks for a summary (`SummaryRequest`) → `summary`;
/// 2. a passage is set, the reader's best span scores ≥ `readerThreshold` and the question shares
///    two letters in a row with the passage → `reader`;
/// 3. the best domain-FAQ match has confidence ≥ `answerThreshold` → `faq`;
/// 3b. the index holds documents, the line is not a command, the best span read from them
///    scores ≥ `documentThreshold` (its calibrated probability of being right, `DocumentScoring`)
///    with shared wording, and the line is a question (intent) or small talk does not answer it
///    (≥ `answerThreshold`) → `documents`: "친구랑 싸웠어" stays small talk, "조선의 첫 번째 왕은
///    누구인가?" goes to the documents even though small talk has a weak match;
/// 4. the intent model calls the line a command: the best small-talk match has confidence ≥
///    `commandThreshold` → `smalltalk` ("위로해 줘"), else → `command` (KorQA cannot do it);
/// 5. the best small-talk match has confidence ≥ `answerThreshold` → `smalltalk`;
/// 6. otherwise → `unknown`, with the closest matches.
public struct RoutingPolicy: Codable, Equatable, Sendable {
    /// The least match confidence (0–1, `FAQResult.confidence`) that answers a line from the FAQ
    /// or small talk. Calibrated by `korqa eval routing` (docs/routing.md): the threshold of best
    /// balanced accuracy between ChatbotData questions that have an answer in the index (the
    /// calibration half of the answer groups) and out-of-scope questions (KorQuAD dev and TyDi).
    public var answerThreshold = 0.37
    /// The least small-talk confidence that answers a command from small talk; calibrated the
    /// same way between ChatbotData commands and 3i4k's commands (which small talk cannot answer).
    public var commandThreshold = 0.46
    /// In dense and hybrid search, the sentence-vector cosine that counts as much as a match of
    /// `answerThreshold`: a match's confidence is the larger of its lexical overlap and its
    /// cosine mapped onto the same scale (see `fusedConfidence`). Calibrated for the shipped
    /// sentence encoder by `korqa eval routing --calibrate --sentence-encoder DIR`
    /// (docs/routing.md); another encoder needs its own.
    public var similarityThreshold = 0.70
    /// A reader span with a lower score (P(start)·P(end)) does not answer (measured when the
    /// reader shipped; README "Chat").
    public var readerThreshold = 0.2
    /// The least cross-passage score (`DocumentScoring`: the calibrated probability that the
    /// span is exactly right) at which the documents answer a line. KorQuAD dev fold 5, read by a
    /// reader that never saw it (docs/documents.md): from 100k Wikipedia passages that hold the
    /// answers, 76.6% of the questions get an answer at 0.3, 70.3% of those exactly right; from
    /// the bundled slice, which holds none of their articles, 6.1% do.
    public var documentThreshold = 0.3
    /// Intent names that are questions (3i4k's `question`): they go to the documents before weak
    /// small talk.
    public var questionIntents = ["question"]
    /// File names (last path component) whose entries are small talk, not a domain FAQ.
    public var smalltalkSources = ["ChatbotData.csv"]
    /// Intent names that mean "do something" (3i4k's `command`).
    public var commandIntents = ["command"]

    public init() {}

    /// A dense or hybrid match's confidence: max(lexical overlap, cosine · answerThreshold /
    /// similarityThreshold), at most 1 — so a paraphrase that shares few syllables but whose
    /// vectors agree (cosine ≥ similarityThreshold) is as confident as a lexical match at the
    /// answer threshold, and a weak match in both still says so.
    public func fusedConfidence(overlap: Double, similarity: Double?) -> Double {
        guard let similarity else { return overlap }
        return min(1, max(overlap, similarity * answerThreshold / similarityThreshold))
    }

    public func isSmalltalk(source: String) -> Bool {
        smalltalkSources.contains((source as NSString).lastPathComponent)
    }

    /// What the rules look at, computed by the engine for one line.
    public struct Evidence: Equatable, Sendable {
        public var summaryRequest = false
        /// nil: no passage (or no reader).
        public var readerScore: Double?
        public var readerSharesWording = false
        public var faq: Double?
        public var smalltalk: Double?
        /// The intent model's label name (nil: no model).
        public var intent: String?
        /// The best answer read from the indexed documents (nil: no documents, or not a question
        /// for them), and whether the question shares wording with its passage.
        public var documentScore: Double?
        public var documentSharesWording = false
        public init() {}
    }

    /// The route and the rule that chose it.
    public func route(_ e: Evidence) -> (Route, RouteReason) {
        if e.summaryRequest { return (.summary, .summarized) }
        if let reader = e.readerScore, reader >= readerThreshold, e.readerSharesWording { return (.reader, .readerConfident) }
        if let faq = e.faq, faq >= answerThreshold { return (.faq, .faqMatch) }
        if let document = e.documentScore, document >= documentThreshold, e.documentSharesWording, !commandIntents.contains(e.intent ?? ""),
           e.intent.map(questionIntents.contains) ?? true || (e.smalltalk ?? 0) < answerThreshold {
            return (.documents, .documentAnswer)
        }
        if let intent = e.intent, commandIntents.contains(intent) {
            if let smalltalk = e.smalltalk, smalltalk >= commandThreshold { return (.smalltalk, .smalltalkMatch) }
            return (.command, .commandUnsupported)
        }
        if let smalltalk = e.smalltalk, smalltalk >= answerThreshold { return (.smalltalk, .smalltalkMatch) }
        return (.unknown, e.faq == nil && e.smalltalk == nil ? .noMatch : .weakMatch)
    }
}

/// Whether a line asks for a summary ("요약해 줘", "세 줄로 줄여 줘", "핵심만 알려줘"): one of a
/// few request forms appears in it, spaces ignored. Asking about the feature without asking
/// for it ("요약 기능이 있나요?") does not count.
public enum SummaryRequest {
    static let markers = ["요약해", "요약하", "요약좀", "요약부탁", "요약을부탁", "요약을해", "요약본", "간추려", "간추리", "줄여줘", "줄여주",
                          "줄여서", "핵심만", "세줄요약", "한줄요약", "summar", "tl;dr", "tldr"]

    public static func detect(_ text: String) -> Bool {
        let compact = String(text.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        return markers.contains { compact.contains($0) }
    }
}
