import FAQRetrieval
import Foundation
import MRCReader

/// Open-domain QA evaluation (issue #24): every question of a KorQuAD/SQuAD file is answered
/// from an indexed document collection — retrieved, read, the best span across passages chosen
/// — never from its own paragraph. Retrieval recall@k counts a question when one of the first k
/// passages contains a gold answer's text (DrQA's measure); EM/F1 are KorQuAD's.
public enum OpenQAEvaluation {
    public struct Options: Sendable {
        /// Passages retrieved per question (recall is reported up to this depth).
        public var retrieve = 20
        /// Of those, how many the reader reads.
        public var read = 5
        public var scoring = DocumentScoring()
        public init() {}
    }

    /// One question's outcome.
    public struct QuestionResult: Codable, Sendable {
        public var id: String
        public var question: String
        public var answers: [String]
        /// The article index in the dataset (calibration halves split by it).
        public var article: Int
        /// 1-based rank of the first retrieved passage holding a gold answer (nil: none of them).
        public var goldRank: Int?
        /// Every span read (one per passage read), best first by `Options.scoring`.
        public var candidates: [Candidate]
        /// Retrieval and reading, seconds.
        public var seconds: Double
        /// Retrieval alone, seconds (nil in results written before it was measured).
        public var retrievalSeconds: Double?
    }

    public struct Candidate: Codable, Sendable {
        public var text: String
        public var reader: Double
        public var retrievalShare: Double
        /// The passage's coverage of the question (nil in results written before it existed: 1).
        public var coverage: Double?
        public var title: String
        /// Exact match with a gold answer (KorQuAD normalization), and the best F1.
        public var exact: Bool
        public var f1: Double
    }

    /// Answers every question of `dataset` from `engine`'s documents. `progress(done, total)`.
    public static func run(_ dataset: SquadDataset, engine: Engine, options: Options = Options(),
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> [QuestionResult] {
        var questions: [(article: Int, question: SquadDataset.Question)] = []
        for (a, article) in dataset.articles.enumerated() {
            for paragraph in article.paragraphs { for q in paragraph.questions { questions.append((a, q)) } }
        }
        var results: [QuestionResult] = []
        results.reserveCapacity(questions.count)
        for (done, (article, q)) in questions.enumerated() {
            if done % 10 == 0 { progress(done, questions.count) }
            let gold = q.answers.map(\.text)
            let clock = ContinuousClock.now
            let hits = try engine.store.searchPassages(q.text, limit: max(options.retrieve, options.read))
            let retrieved = ContinuousClock.now - clock
            let spans = try engine.answer(q.text, from: Array(hits.prefix(options.read)), top: options.read, scoring: options.scoring)
            let elapsed = ContinuousClock.now - clock
            let best = hits.first?.score ?? 0
            let goldRank = hits.prefix(options.retrieve).firstIndex { hit in gold.contains { !$0.isEmpty && hit.text.contains($0) } }
            results.append(QuestionResult(
                id: q.id, question: q.text, answers: gold, article: article, goldRank: goldRank.map { $0 + 1 },
                candidates: spans.map { span in
                    Candidate(text: span.text, reader: span.readerScore, retrievalShare: best > 0 ? span.retrievalScore / best : 0, coverage: span.coverage,
                              title: span.title, exact: gold.contains { KorQuADMetric.exactMatch(span.text, $0) },
                              f1: gold.map { KorQuADMetric.f1(span.text, $0) }.max() ?? 0)
                },
                seconds: elapsed.inSeconds, retrievalSeconds: retrieved.inSeconds))
        }
        progress(questions.count, questions.count)
        return results
    }

    /// What a set of results scores with `scoring` choosing each question's answer.
    public struct Report: Codable, Equatable, Sendable {
        public var questions: Int
        /// Depth → share of questions with a gold-holding passage among the first `depth`.
        public var recall: [String: Double]
        /// KorQuAD EM and F1 (×100) of the best span, every question answered.
        public var exactMatch: Double
        public var f1: Double
        /// With "no answer" below `threshold`: the share answered and their EM (×100).
        public var threshold: Double
        public var answered: Double
        public var exactMatchAnswered: Double
        /// Mean predicted probability and actual exact-match rate of the chosen answers (×100):
        /// close when the score is calibrated.
        public var meanScore: Double
        public var p50Seconds: Double
        public var p95Seconds: Double
        /// Retrieval alone (nil when the results do not hold it).
        public var p50RetrievalSeconds: Double?
    }

    public static func report(_ results: [QuestionResult], scoring: DocumentScoring, depths: [Int] = [1, 5, 20],
                              threshold: Double = 0.5) -> Report {
        report(results, scoringFor: { _ in scoring }, depths: depths, threshold: threshold)
    }

    /// The report with each result's answer chosen by its own scoring (cross-fitting).
    static func report(_ results: [QuestionResult], scoringFor: (QuestionResult) -> DocumentScoring, depths: [Int] = [1, 5, 20],
                       threshold: Double = 0.5) -> Report {
        let n = Double(max(results.count, 1))
        var recall: [String: Double] = [:]
        for depth in depths { recall[String(depth)] = Double(results.filter { ($0.goldRank ?? .max) <= depth }.count) / n }
        var exact = 0.0, f1 = 0.0, answered = 0.0, exactAnswered = 0.0, scoreSum = 0.0
        for r in results {
            let scoring = scoringFor(r)
            func score(_ c: Candidate) -> Double { scoring.score(reader: c.reader, retrievalShare: c.retrievalShare, coverage: c.coverage ?? 1) }
            guard let best = r.candidates.max(by: { score($0) < score($1) }) else { continue }
            let score = score(best)
            exact += best.exact ? 1 : 0
            f1 += best.f1
            scoreSum += score
            if score >= threshold {
                answered += 1
                exactAnswered += best.exact ? 1 : 0
            }
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]
        }
        let seconds = results.map(\.seconds), retrieval = results.compactMap(\.retrievalSeconds)
        return Report(questions: results.count, recall: recall, exactMatch: 100 * exact / n, f1: 100 * f1 / n, threshold: threshold,
                      answered: 100 * answered / n, exactMatchAnswered: answered > 0 ? 100 * exactAnswered / answered : 0,
                      meanScore: 100 * scoreSum / n, p50Seconds: percentile(seconds, 0.5), p95Seconds: percentile(seconds, 0.95),
                      p50RetrievalSeconds: retrieval.count == results.count && !retrieval.isEmpty ? percentile(retrieval, 0.5) : nil)
    }

    /// Calibration examples: per question, every candidate span with whether it is exactly right.
    public static func examples(_ results: [QuestionResult]) -> [[DocumentScoring.Example]] {
        results.map { r in r.candidates.map { DocumentScoring.Example(reader: $0.reader, retrievalShare: $0.retrievalShare, coverage: $0.coverage ?? 1, correct: $0.exact) } }
    }

    /// Two-fold cross-fitting by article (even / odd article index): each question is scored by
    /// the scoring fitted on the other half, so the report is of a calibration that never saw
    /// its questions. `groups`: several result sets (e.g. one collection that answers the
    /// questions and one that does not), fitted together, reported each. Returns the reports and
    /// the scoring fitted on everything (the one to ship).
    public static func crossFitted(_ groups: [[QuestionResult]], threshold: Double = 0.5, depths: [Int] = [1, 5, 20])
        -> (reports: [Report], fitted: DocumentScoring) {
        let all = groups.flatMap { $0 }
        let fitOnEven = DocumentScoring.fit(questions: examples(all.filter { $0.article % 2 == 0 }))
        let fitOnOdd = DocumentScoring.fit(questions: examples(all.filter { $0.article % 2 == 1 }))
        let reports = groups.map { report($0, scoringFor: { $0.article % 2 == 0 ? fitOnOdd : fitOnEven }, depths: depths, threshold: threshold) }
        return (reports, DocumentScoring.fit(questions: examples(all)))
    }
}

extension OpenQAEvaluation {
    /// Results written earlier as JSON lines (snake_case keys, as `korqa eval open-qa --results`
    /// writes them), to score or calibrate again without answering again.
    public static func readResults(_ path: String) throws -> [QuestionResult] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let text = try MRCFile.text(path)
        return try text.split(separator: "\n").enumerated().map { i, line in
            do { return try decoder.decode(QuestionResult.self, from: Data(line.utf8)) } catch {
                throw MRCError.malformed(path: path, element: "line \(i + 1)", reason: "not an open-QA result (\(error))")
            }
        }
    }

    /// The questions of fold `fold` (1-based) of `dataset` under a fold file's assignment
    /// (`index<TAB>fold<TAB>title` per article, folds 0-based as `korqa train reader --folds`
    /// writes them), so a fold reader answers only the questions it never trained on.
    public static func fold(_ fold: Int, of dataset: SquadDataset, foldFile: String) throws -> SquadDataset {
        let assignment = try ArticleFolds.parse(try MRCFile.text(foldFile))
        guard assignment.count == dataset.articles.count else {
            throw MRCError.malformed(path: foldFile, element: "", reason: "it assigns \(assignment.count) articles, the data has \(dataset.articles.count)")
        }
        let chosen = assignment.indices.filter { assignment[$0] == fold - 1 }
        guard !chosen.isEmpty else { throw MRCError.malformed(path: foldFile, element: "", reason: "no article is in fold \(fold)") }
        return dataset.subset(articles: chosen)
    }
}

extension SquadDataset {
    /// The first `count` questions (whole articles and paragraphs kept in order, later questions
    /// dropped): quick trials.
    public func limited(toQuestions count: Int) -> SquadDataset {
        var copy = self
        var left = count
        copy.articles = articles.compactMap { article in
            guard left > 0 else { return nil }
            var article = article
            article.paragraphs = article.paragraphs.compactMap { paragraph in
                guard left > 0 else { return nil }
                var paragraph = paragraph
                paragraph.questions = Array(paragraph.questions.prefix(left))
                left -= paragraph.questions.count
                return paragraph
            }
            return article
        }
        return copy
    }
}

extension Duration {
    /// The duration in seconds, as a Double (evaluation timings, the server's latency metrics).
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
