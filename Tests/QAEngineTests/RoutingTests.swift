import FAQRetrieval
import Foundation
import Testing
@testable import QAEngine

/// The checkout this test file is in (faq/ and resources/ are found there).
let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "korqa-engine-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct RoutingPolicyTests {
    let policy = RoutingPolicy()

    func evidence(_ build: (inout RoutingPolicy.Evidence) -> Void) -> RoutingPolicy.Evidence {
        var e = RoutingPolicy.Evidence()
        build(&e)
        return e
    }

    @Test func eachRuleInOrder() {
        // A summary request wins over everything, a passage that answers over the FAQ.
        #expect(policy.route(evidence { $0.summaryRequest = true; $0.faq = 0.9; $0.readerScore = 0.9; $0.readerSharesWording = true }) == (.summary, .summarized))
        #expect(policy.route(evidence { $0.readerScore = 0.5; $0.readerSharesWording = true; $0.faq = 0.9 }) == (.reader, .readerConfident))
        // A confident reader whose question shares nothing with the passage does not answer.
        #expect(policy.route(evidence { $0.readerScore = 0.9; $0.readerSharesWording = false; $0.faq = 0.9 }) == (.faq, .faqMatch))
        #expect(policy.route(evidence { $0.readerScore = 0.1; $0.readerSharesWording = true; $0.faq = 0.9 }) == (.faq, .faqMatch))
        // Commands: small talk only at the command threshold.
        #expect(policy.route(evidence { $0.intent = "command"; $0.smalltalk = policy.commandThreshold }) == (.smalltalk, .smalltalkMatch))
        #expect(policy.route(evidence { $0.intent = "command"; $0.smalltalk = policy.commandThreshold - 0.01 }) == (.command, .commandUnsupported))
        #expect(policy.route(evidence { $0.intent = "command" }) == (.command, .commandUnsupported))
        // A domain FAQ match answers a command ("KorQA 설치해 줘").
        #expect(policy.route(evidence { $0.intent = "command"; $0.faq = 0.8 }) == (.faq, .faqMatch))
        #expect(policy.route(evidence { $0.intent = "statement"; $0.smalltalk = policy.answerThreshold }) == (.smalltalk, .smalltalkMatch))
        #expect(policy.route(evidence { $0.intent = "question"; $0.smalltalk = policy.answerThreshold - 0.01; $0.faq = 0.1 }) == (.unknown, .weakMatch))
        #expect(policy.route(evidence { $0.intent = "question" }) == (.unknown, .noMatch))
    }

    @Test func thresholdsAreTheCalibratedOnes() {
        // docs/routing.md: korqa eval routing --calibrate (best balanced accuracy).
        #expect(policy.answerThreshold == 0.37 && policy.commandThreshold == 0.46 && policy.readerThreshold == 0.2)
    }

    @Test func smalltalkSourcesByFileName() {
        #expect(policy.isSmalltalk(source: "/usr/local/share/korqa/faq/ChatbotData.csv"))
        #expect(!policy.isSmalltalk(source: "/home/me/faq/korqa_faq.csv"))
    }

    /// Dense and hybrid matches: a cosine at the similarity threshold is as confident as a
    /// lexical match at the answer threshold; lexical results keep their overlap.
    @Test func fusedConfidenceMapsCosinesOntoTheAnswerScale() {
        var policy = RoutingPolicy()
        policy.answerThreshold = 0.4; policy.similarityThreshold = 0.8
        #expect(abs(policy.fusedConfidence(overlap: 0.1, similarity: 0.8) - 0.4) < 1e-12)
        #expect(policy.fusedConfidence(overlap: 0.1, similarity: 0.79) < 0.4)
        #expect(policy.fusedConfidence(overlap: 0.7, similarity: 0.2) == 0.7)
        #expect(policy.fusedConfidence(overlap: 0.3, similarity: nil) == 0.3)
        #expect(policy.fusedConfidence(overlap: 0.3, similarity: 1) == 0.5 && policy.fusedConfidence(overlap: 0, similarity: 3) == 1)
    }

    @Test func summaryRequests() {
        for text in ["이 글 요약해 줘", "요약 좀", "세 줄로 줄여 줘", "핵심만 알려줘", "Summarize this", "요 약 해 주세요"] {
            #expect(SummaryRequest.detect(text), "\(text)")
        }
        for text in ["요약 기능이 있나요?", "창문 좀 닫아 줘", "줄넘기 하자", "", "요약"] {
            #expect(!SummaryRequest.detect(text), "\(text)")
        }
    }
}

@Suite struct RoutingTableTests {
    /// The chat's engine over the bundled FAQ files, the Wikipedia slice and the shipped models,
    /// searching hybrid, as `make chat` runs it.
    static func bundledEngine() throws -> Engine { try bundled.get() }
    /// Built once for every test here: the first build indexes the bundled Wikipedia slice.
    static let bundled = Result<Engine, any Error> {
        let home = KorQAHome(dataDirectory: try temporaryFolder(), searchPaths: [checkout])
        let store = try home.openIndex(nil)
        let setup = try home.searchSetup(store: store, mode: nil, encoder: nil)
        return Engine(store: store, searchMode: setup.mode, embedder: setup.embedder,
                      loadIntentClassifier: { try home.intentClassifier(nil) }, loadReader: { try home.reader(nil) })
    }

    @Test func routesTheTableAsExpected() throws {
        let path = Bundle.module.url(forResource: "routing-table", withExtension: "tsv", subdirectory: "Fixtures")!.path
        let table = try RoutingCalibration.parseTable(String(contentsOfFile: path, encoding: .utf8), path: path)
        #expect(table.count >= 60)
        // Every route the table names is covered by several lines.
        for route: Route in [.faq, .summary, .command, .smalltalk, .unknown, .reader] {
            #expect(table.filter { $0.expected == route }.count >= 3, "\(route)")
        }
        let result = try RoutingCalibration.run(table, engine: try Self.bundledEngine())
        let misses = result.rows.filter { $0.route != $0.expected }.map { "\($0.text) → \($0.route.rawValue), expected \($0.expected.rawValue)" }
        #expect(result.accuracy >= 0.9, "\(result.correct)/\(result.rows.count); misses: \(misses)")
    }

    @Test func theIssuesExamples() throws {
        let engine = try Self.bundledEngine()
        // From the issue: a question about KorQA gets the KorQA FAQ, a command is not answered
        // from small talk, a summary request without a passage says what to summarize, in Korean.
        let what = try engine.reply(to: "KorQA는 무엇인가요?")
        #expect(what.route == .faq && what.matches.first?.answer.contains("한국어 자연어 이해") == true, "\(what)")
        let window = try engine.reply(to: "창문 좀 닫아 줘")
        #expect(window.route == .command && window.intent?.name == "command" && window.message.contains("할 수 없어요"), "\(window)")
        let summary = try engine.reply(to: "이 글 요약해 줘")
        #expect(summary.route == .summary && summary.message.hasPrefix("요약할 글이 없어요"))
        let unknown = try engine.reply(to: "셰익스피어의 4대 비극은 무엇인가?")
        #expect(unknown.route == .unknown && unknown.message.hasPrefix("잘 모르겠어요"))
        #expect(try engine.reply(to: "셰익스피어의 4대 비극은 무엇인가?", language: .english).message.hasPrefix("Not sure"))
        // From the documents issue: `make chat` answers from the bundled Wikipedia, article shown.
        let carter = try engine.reply(to: "지미 카터는 몇 대 대통령이야?")
        #expect(carter.route == .documents && carter.documentAnswers?.first?.text == "39" && carter.documentAnswers?.first?.title == "지미 카터"
                && carter.message.contains("지미 카터"), "\(carter)")
    }
}

@Suite struct CalibrationTests {
    @Test func sweepAndBest() {
        let inScope = [RoutingCalibration.InScope(confidence: 0.9, correct: true), .init(confidence: 0.5, correct: true),
                       .init(confidence: 0.6, correct: false), .init(confidence: 0.2, correct: true)]
        let outOfScope = [0.1, 0.3, 0.45]
        let points = RoutingCalibration.sweep(inScope: inScope, outOfScope: outOfScope)
        #expect(points.count == 101)
        // At 0.46: answered 2/4 correct (0.9, 0.5), refused 3/3 → balanced 0.75, the best (the
        // lowest of 0.46…0.50); 0.20 answers 3/4 but refuses only 1/3.
        let best = RoutingCalibration.best(points)
        #expect(best.threshold == 0.46 && abs(best.balanced - 0.75) < 1e-12 && best.inScopeAnswered == 0.5 && best.outOfScopeRefused == 1)
        #expect(abs(points[20].balanced - (0.75 + 1.0 / 3) / 2) < 1e-12)
    }

    @Test func answerHalvesAreFixedAndBalanced() {
        #expect(FAQEvaluation.answerHalf("위로해 드립니다.") == FAQEvaluation.answerHalf("위로해 드립니다."))
        let halves = (0..<2000).map { FAQEvaluation.answerHalf("답변 \($0)") }
        let ones = halves.filter { $0 == 1 }.count
        #expect(ones > 900 && ones < 1100)
    }

    @Test func smalltalkSplitQueriesOnlyTheCalibrationHalf() {
        var rows: [FAQRow] = []
        for group in 0..<40 { for k in 0..<3 { rows.append(FAQRow(question: "질문 \(group)-\(k)", answer: "답 \(group)")) } }
        let (indexed, queries) = RoutingCalibration.smalltalkSplit(rows)
        #expect(indexed.count == 40)
        #expect(!queries.isEmpty && queries.allSatisfy { FAQEvaluation.answerHalf($0.answer) == 0 })
        #expect(queries.count == 2 * Set(queries.map(\.answer)).count)
    }

    @Test func tableErrorsNameTheLine() {
        #expect(throws: QAEngineError.self) { try RoutingCalibration.parseTable("faq\t좋아\nfqa\t오타", path: "t.tsv") }
        do { _ = try RoutingCalibration.parseTable("# c\nfaq\t좋아\nsmalltalk", path: "t.tsv") } catch let error as QAEngineError {
            guard case .badTable(_, let line, _) = error else { Issue.record("\(error)"); return }
            #expect(line == 3)
        } catch { Issue.record("\(error)") }
        let rows = try? RoutingCalibration.parseTable("reader\t누구?\t지문이다\nfaq\t뭐야?\t", path: "t.tsv")
        #expect(rows == [.init(text: "누구?", expected: .reader, passage: "지문이다"), .init(text: "뭐야?", expected: .faq, passage: nil)])
    }
}
