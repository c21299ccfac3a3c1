import FAQRetrieval
import Foundation
import Testing
import MRCReader
import NeuralCore
@testable import QAEngine

@Suite struct DocumentScoringTests {
    /// Candidates drawn from a known logistic model: the fit recovers its weights, ranks as
    /// P_reader · share^(w_s / w_r), and predicts probabilities close to the observed rates.
    @Test func fitRecoversAKnownLogisticModel() {
        let truth = DocumentScoring(readerWeight: 1.5, retrievalWeight: 3, coverageWeight: 2, bias: 0.5)
        var generator = SeededRandom(seed: 7)
        var examples: [DocumentScoring.Example] = []
        for _ in 0..<20_000 {
            let reader = Double.random(in: 0.01...1, using: &generator), share = Double.random(in: 0.3...1, using: &generator)
            let coverage = Double.random(in: 0.2...1, using: &generator)
            let p = truth.score(reader: reader, retrievalShare: share, coverage: coverage)
            examples.append(.init(reader: reader, retrievalShare: share, coverage: coverage, correct: Double.random(in: 0..<1, using: &generator) < p))
        }
        let fitted = DocumentScoring.fit(examples, l2: 0)
        #expect(abs(fitted.readerWeight - 1.5) < 0.15 && abs(fitted.retrievalWeight - 3) < 0.4 && abs(fitted.coverageWeight - 2) < 0.4
                && abs(fitted.bias - 0.5) < 0.2, "\(fitted)")
        // Scores are probabilities, monotone in both features.
        let s = fitted.score(reader: 0.5, retrievalShare: 0.9, coverage: 0.5)
        #expect(s > 0 && s < 1 && fitted.score(reader: 0.6, retrievalShare: 0.9, coverage: 0.5) > s && fitted.score(reader: 0.5, retrievalShare: 1, coverage: 0.5) > s
                && fitted.score(reader: 0.5, retrievalShare: 0.9, coverage: 0.6) > s)
        // Zeros are floored, not −∞ / NaN.
        #expect(fitted.score(reader: 0, retrievalShare: 0, coverage: 0).isFinite)
        #expect(DocumentScoring.fit([]) == DocumentScoring())
    }

    @Test func solvesLinearSystems() {
        let x = DocumentScoring.solve([[2, 1, 0], [1, 3, 1], [0, 1, 4]], [3, 5, 5])!
        #expect(zip(x, [1.0, 1, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(DocumentScoring.solve([[1, 2, 3], [2, 4, 6], [0, 0, 1]], [1, 2, 3]) == nil)
        #expect(DocumentScoring.solve([[4, 2], [1, 3]], [6, 4]).map { zip($0, [1.0, 1]).allSatisfy { abs($0 - $1) < 1e-12 } } == true)
    }

    /// Questions whose best candidate is right more often than the candidate-level model says:
    /// the second stage makes the chosen answers' mean score match their accuracy, and keeps
    /// the ranking (weights scaled by the same positive factor).
    @Test func questionLevelCalibrationMatchesTheChosenAnswersAccuracy() {
        var generator = SeededRandom(seed: 3)
        var questions: [[DocumentScoring.Example]] = []
        for _ in 0..<3_000 {
            var candidates: [DocumentScoring.Example] = []
            let right = Int.random(in: 0..<4, using: &generator)
            for i in 0..<4 {
                // The right span has a higher reader probability, usually.
                let reader = i == right ? Double.random(in: 0.3...1, using: &generator) : Double.random(in: 0.01...0.6, using: &generator)
                candidates.append(.init(reader: reader, retrievalShare: Double.random(in: 0.5...1, using: &generator), correct: i == right))
            }
            questions.append(candidates)
        }
        let candidateLevel = DocumentScoring.fit(questions.flatMap { $0 })
        let fitted = DocumentScoring.fit(questions: questions)
        #expect(abs(fitted.retrievalWeight / fitted.readerWeight - candidateLevel.retrievalWeight / candidateLevel.readerWeight) < 1e-9)
        let chosen = questions.map { q in q.max { fitted.score(reader: $0.reader, retrievalShare: $0.retrievalShare) < fitted.score(reader: $1.reader, retrievalShare: $1.retrievalShare) }! }
        let accuracy = Double(chosen.filter(\.correct).count) / Double(chosen.count)
        let meanScore = chosen.map { fitted.score(reader: $0.reader, retrievalShare: $0.retrievalShare) }.reduce(0, +) / Double(chosen.count)
        #expect(abs(meanScore - accuracy) < 0.01, "\(meanScore) vs \(accuracy)")
    }
}

@Suite struct OpenQAReportTests {
    func candidate(_ text: String, reader: Double, share: Double, exact: Bool) -> OpenQAEvaluation.Candidate {
        .init(text: text, reader: reader, retrievalShare: share, title: "t", exact: exact, f1: exact ? 1 : 0)
    }

    /// Recall at each depth, the answer chosen by the scoring (not by retrieval order), EM/F1,
    /// the no-answer threshold and the percentiles, on hand-made results.
    @Test func reportsRecallAnswersAndThreshold() {
        let results = [
            OpenQAEvaluation.QuestionResult(id: "1", question: "q1", answers: ["39"], article: 0, goldRank: 1,
                                            candidates: [candidate("39", reader: 0.9, share: 1, exact: true), candidate("x", reader: 0.2, share: 0.5, exact: false)], seconds: 0.1),
            // The right span is in the second passage but the reader is surer of it: chosen.
            OpenQAEvaluation.QuestionResult(id: "2", question: "q2", answers: ["서울"], article: 1, goldRank: 2,
                                            candidates: [candidate("부산", reader: 0.1, share: 1, exact: false), candidate("서울", reader: 0.95, share: 0.9, exact: true)], seconds: 0.2),
            OpenQAEvaluation.QuestionResult(id: "3", question: "q3", answers: ["a"], article: 2, goldRank: nil,
                                            candidates: [candidate("b", reader: 0.05, share: 1, exact: false)], seconds: 0.4),
        ]
        let report = OpenQAEvaluation.report(results, scoring: DocumentScoring(readerWeight: 1, retrievalWeight: 1, coverageWeight: 0, bias: 0), depths: [1, 5], threshold: 0.4)
        #expect(report.questions == 3 && report.recall == ["1": 1.0 / 3, "5": 2.0 / 3])
        #expect(abs(report.exactMatch - 200.0 / 3) < 1e-9 && abs(report.f1 - 200.0 / 3) < 1e-9)
        // σ(ln(r·s)) = r·s / (1 + r·s): 0.47 and 0.46 pass 0.4, question 3's 0.048 does not.
        #expect(abs(report.answered - 200.0 / 3) < 1e-9 && report.exactMatchAnswered == 100)
        #expect(report.p50Seconds == 0.2 && report.p95Seconds == 0.4 && report.p50RetrievalSeconds == nil)
        let timed = results.enumerated().map { var r = $1; r.retrievalSeconds = [0.01, 0.03, 0.02][$0]; return r }
        #expect(OpenQAEvaluation.report(timed, scoring: DocumentScoring()).p50RetrievalSeconds == 0.02)
        let (cross, fitted) = OpenQAEvaluation.crossFitted([results + results.map { var r = $0; r.article += 3; return r }, results])
        #expect(cross.count == 2 && cross[0].questions == 6 && cross[1].questions == 3 && fitted.readerWeight.isFinite
                && cross[0].exactMatch >= 0 && cross[0].exactMatch <= 100)
    }

    @Test func limitsDatasetsToTheirFirstQuestions() throws {
        let json = #"{"data": [{"title": "a", "paragraphs": [{"context": "가나다", "qas": [{"id": "1", "question": "가?", "answers": [{"text": "가", "answer_start": 0}]}, {"id": "2", "question": "나?", "answers": [{"text": "나", "answer_start": 1}]}]}]}, {"title": "b", "paragraphs": [{"context": "라마", "qas": [{"id": "3", "question": "라?", "answers": [{"text": "라", "answer_start": 0}]}]}]}]}"#
        let path = try temporaryFolder() + "/d.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        let dataset = try SquadDataset.load(path: path)
        #expect(dataset.limited(toQuestions: 2).questionCount == 2 && dataset.limited(toQuestions: 2).articles.count == 1)
        #expect(dataset.limited(toQuestions: 9).questionCount == 3)
        let folds = try temporaryFolder() + "/folds.tsv"
        try "0\t1\ta\n1\t0\tb\n".write(toFile: folds, atomically: true, encoding: .utf8)
        #expect(try OpenQAEvaluation.fold(2, of: dataset, foldFile: folds).articles.map(\.title) == ["a"])
        #expect(throws: MRCError.self) { try OpenQAEvaluation.fold(3, of: dataset, foldFile: folds) }
    }
}

@Suite struct BundledDocumentsTests {
    /// The default index takes the bundled documents on first use, once: a user who removes
    /// them keeps them removed; an index given by path never gets them.
    @Test func defaultIndexIndexesTheBundledDocumentsOnce() throws {
        let shipped = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: shipped + "/faq", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: shipped + "/resources/wikipedia-ko", withIntermediateDirectories: true)
        try "question,answer\n안녕,반가워요\n".write(toFile: shipped + "/faq/a.csv", atomically: true, encoding: .utf8)
        try "{\"title\": \"지미 카터\", \"text\": \"지미 카터는 미국의 제39대 대통령이다.\"}\n"
            .write(toFile: shipped + "/resources/wikipedia-ko/articles.jsonl", atomically: true, encoding: .utf8)
        try "# not a document\n".write(toFile: shipped + "/resources/wikipedia-ko/README.md", atomically: true, encoding: .utf8)
        let home = KorQAHome(dataDirectory: try temporaryFolder(), searchPaths: [shipped])
        var events: [String] = []
        let store = try home.openIndex(nil) { events.append("\($0)") }
        #expect(try store.documents().map(\.title) == ["지미 카터"], "the README is not indexed")
        #expect(events.contains { $0.hasPrefix("seededDocuments(documents: 1") }, "\(events)")
        #expect(try store.searchPassages("카터 대통령", limit: 1).first?.title == "지미 카터")
        #expect(try store.removeDocuments(path: shipped + "/resources/wikipedia-ko/articles.jsonl") == 1)
        events = []
        #expect(try home.openIndex(nil) { events.append("\($0)") }.documents().isEmpty && events.isEmpty)
        #expect(try home.openIndex(try temporaryFolder() + "/given.sqlite", create: true).documents().isEmpty)
    }
}
