import Foundation
import NeuralCore
import Hangul

/// A KorQuAD / SQuAD v1.1 dataset (TyDi-style files without `version` too).
///
/// Offsets are Unicode scalar (code point) indices into the context, as KorQuAD's
/// `answer_start` (Python string indices) are.
public struct SquadDataset: Sendable {
    public struct Answer: Equatable, Sendable {
        public var text: String
        /// Code-point offset of the answer in the context.
        public var start: Int
    }

    public struct Question: Equatable, Sendable {
        public var id: String
        public var text: String
        public var answers: [Answer]
    }

    public struct Paragraph: Sendable {
        public var context: String
        public var questions: [Question]
    }

    public struct Article: Sendable {
        public var title: String
        public var paragraphs: [Paragraph]
    }

    public var version: String?
    public var articles: [Article]
    /// Answers whose text is not what the context holds at answer_start ("data[0]…: …"): the
    /// question is kept for evaluation (which only compares texts) but training skips the answer.
    public var misalignedAnswers: [String]

    /// An article title as compared across files: `TextCorpus.titleKey`.
    public static func titleKey(_ title: String) -> String { TextCorpus.titleKey(title) }

    /// The title keys of every article of `datasets`: what corpora for pre-training leave out.
    public static func titleKeys(_ datasets: [SquadDataset]) -> Set<String> {
        Set(datasets.flatMap { $0.articles.map { titleKey($0.title) } })
    }

    /// The title keys of the SQuAD-format files at `paths`, sorted: the articles a corpus must
    /// leave out so that nothing scored on these files is trained on.
    public static func titleKeys(ofFiles paths: [String]) throws -> [String] {
        try titleKeys(paths.map { try load(path: $0) }).sorted()
    }

    public var questionCount: Int { articles.reduce(0) { $0 + $1.paragraphs.reduce(0) { $0 + $1.questions.count } } }

    /// All questions with their contexts, in file order.
    public var questions: [(question: Question, context: String, title: String)] {
        articles.flatMap { a in a.paragraphs.flatMap { p in p.questions.map { ($0, p.context, a.title) } } }
    }

    /// Reads and validates a file. Structural problems (a missing key, a wrong type, an
    /// answer_start outside the context, a repeated id) throw `MRCError.malformed` naming the
    /// element; nothing is half-read.
    ///
    /// - Parameter stripBoldTags: remove TyDi's stray `<b>` / `</b>` from contexts and answers,
    ///   shifting answer offsets to match.
    public static func load(path: String, stripBoldTags: Bool = true) throws -> SquadDataset {
        try parse(MRCFile.data(path), path: path, stripBoldTags: stripBoldTags)
    }

    /// `load` on bytes already read; `path` names them in errors.
    public static func parse(_ data: Data, path: String, stripBoldTags: Bool = true) throws -> SquadDataset {
        let object = try MRCFile.json(data, path: path)
        func fail(_ element: String, _ reason: String) -> MRCError { .malformed(path: path, element: element, reason: reason) }
        guard let root = object as? [String: Any] else { throw fail("", "the top level is not an object with a \"data\" list") }
        guard let articles = root["data"] as? [Any] else { throw fail("", "missing \"data\" list") }
        var dataset = SquadDataset(version: root["version"] as? String, articles: [], misalignedAnswers: [])
        var seenIDs = Set<String>()
        for (a, articleAny) in articles.enumerated() {
            let ae = "data[\(a)]"
            guard let article = articleAny as? [String: Any] else { throw fail(ae, "not an object") }
            guard let paragraphs = article["paragraphs"] as? [Any] else { throw fail(ae, "missing \"paragraphs\" list") }
            var parsedArticle = Article(title: article["title"] as? String ?? "", paragraphs: [])
            for (p, paragraphAny) in paragraphs.enumerated() {
                let pe = "\(ae).paragraphs[\(p)]"
                guard let paragraph = paragraphAny as? [String: Any] else { throw fail(pe, "not an object") }
                guard var context = paragraph["context"] as? String else { throw fail(pe, "missing \"context\" string") }
                guard let qas = paragraph["qas"] as? [Any] else { throw fail(pe, "missing \"qas\" list") }
                // Offsets of removed tags, to shift answer starts.
                var removed: [Int] = []
                if stripBoldTags { (context, removed) = Self.strippingBoldTags(context) }
                let contextScalars = Array(context.unicodeScalars)
                var parsedParagraph = Paragraph(context: context, questions: [])
                for (q, qaAny) in qas.enumerated() {
                    let qe = "\(pe).qas[\(q)]"
                    guard let qa = qaAny as? [String: Any] else { throw fail(qe, "not an object") }
                    guard let id = (qa["id"] as? String) ?? (qa["id"] as? NSNumber)?.stringValue else { throw fail(qe, "missing \"id\"") }
                    guard seenIDs.insert(id).inserted else { throw fail(qe, "id \(id) appears twice") }
                    guard let question = qa["question"] as? String else { throw fail(qe, "missing \"question\" string") }
                    guard let answers = qa["answers"] as? [Any] else { throw fail(qe, "missing \"answers\" list") }
                    var parsed = Question(id: id, text: question, answers: [])
                    for (n, answerAny) in answers.enumerated() {
                        let ne = "\(qe).answers[\(n)]"
                        guard let answer = answerAny as? [String: Any], var text = answer["text"] as? String else {
                            throw fail(ne, "missing \"text\" string")
                        }
                        guard let startValue = answer["answer_start"] else { throw fail(ne, "missing integer \"answer_start\"") }
                        // Checked before any arithmetic: a forged 2^63-1 or 1e30 must not overflow or wrap.
                        guard let claimedStart = Checked.jsonInteger(startValue) else {
                            throw fail(ne, "answer_start \(startValue) is not an integer")
                        }
                        guard claimedStart >= 0, claimedStart <= contextScalars.count else {
                            throw fail(qe, "answer_start \(claimedStart) is outside the context (length \(contextScalars.count))")
                        }
                        var start = claimedStart
                        if stripBoldTags {
                            start -= removed.filter { $0 < start }.count
                            text = Self.strippingBoldTags(text).0
                        }
                        let length = text.unicodeScalars.count
                        guard start >= 0, start + length <= contextScalars.count else {
                            throw fail(qe, "answer_start \(claimedStart) is outside the context (length \(contextScalars.count))")
                        }
                        if String(String.UnicodeScalarView(contextScalars[start..<(start + length)])) != text {
                            dataset.misalignedAnswers.append("\(ne): the context at answer_start \(start) does not read \(text.debugDescription)")
                        }
                        parsed.answers.append(Answer(text: text, start: start))
                    }
                    parsedParagraph.questions.append(parsed)
                }
                parsedArticle.paragraphs.append(parsedParagraph)
            }
            dataset.articles.append(parsedArticle)
        }
        return dataset
    }

    /// Removes `<b>` and `</b>`; returns the text and the original offset of every removed
    /// scalar (an offset after k of them shifts down by k).
    static func strippingBoldTags(_ text: String) -> (String, [Int]) {
        guard text.contains("<b>") || text.contains("</b>") else { return (text, []) }
        let scalars = Array(text.unicodeScalars)
        let tags = [Array("</b>".unicodeScalars), Array("<b>".unicodeScalars)]
        var out = String.UnicodeScalarView()
        var removed: [Int] = []
        var i = 0
        while i < scalars.count {
            if let tag = tags.first(where: { i + $0.count <= scalars.count && Array(scalars[i..<(i + $0.count)]) == $0 }) {
                removed.append(contentsOf: i..<(i + tag.count))
                i += tag.count
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return (String(out), removed)
    }
}
