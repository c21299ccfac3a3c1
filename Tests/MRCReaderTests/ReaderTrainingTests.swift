import Foundation
import Hangul
import Testing
@testable import MRCReader
@testable import NeuralCore
import WordVectors

/// Capital-city questions as QA items, one per article.
func capitalItems() -> [QAItem] {
    ReaderModelTests.examples().enumerated().map { i, e in
        let start = e.context.unicodeScalars.count - (e.context.components(separatedBy: e.answer).last!.unicodeScalars.count + e.answer.unicodeScalars.count)
        return QAItem(id: "q\(i)", question: e.question, context: e.context, answers: [SquadDataset.Answer(text: e.answer, start: start)])
    }
}

@Suite struct ContextFeatureTests {
    @Test func matchesAndWordBoundaries() {
        let context = TokenizedText("서울의 인구는 많다")  // 서 울 의 | 인 구 는 | 많 다
        let question = TokenizedText("서울 인구").tokens.map(\.text)
        let f = ContextFeatures.compute(window: context.tokens[...], question: question)
        let F = ContextFeatures.count
        func feature(_ t: Int, _ k: Int) -> Float { f[t * F + k] }
        #expect((0..<8).map { feature($0, 0) } == [1, 1, 0, 1, 1, 0, 0, 0])  // 서 울 인 구 occur in the question
        #expect((0..<8).map { feature($0, 1) } == [1, 1, 0, 1, 1, 0, 0, 0])  // bigrams 서울, 인구
        #expect((0..<8).map { feature($0, 2) } == [1, 0, 0, 1, 0, 0, 1, 0])  // word starts
        #expect((0..<8).map { feature($0, 3) } == [0, 0, 1, 0, 0, 1, 0, 1])  // word ends
        // A window in the middle: its first token starts the window's first word.
        let inner = ContextFeatures.compute(window: context.tokens[1..<4], question: [])
        #expect(inner[2] == 1 && inner[F + 3] == 1)
    }

    @Test func particlesAndTheQuestionsSentence() {
        // 서 울 에 서 | 살 았 다 . | 인 구 는 | 많 다 .
        let context = TokenizedText("서울에서 살았다. 인구는 많다.")
        #expect(context.tokens.count == 14)
        let f = ContextFeatures.compute(window: context.tokens[...], question: TokenizedText("인구").tokens.map(\.text))
        let F = ContextFeatures.count
        func feature(_ k: Int) -> [Float] { (0..<14).map { f[$0 * F + k] } }
        // 에서 (the longest listed suffix) and 는 start particles; 다. ends a verb, not a noun.
        #expect(feature(4) == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])
        // The second sentence holds the question's only bigram (인구); the first holds none.
        #expect(feature(5) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
        #expect(feature(6) == feature(5))
        // A copula before the full stop: 서울이다. → 이.
        let copula = ContextFeatures.compute(window: TokenizedText("수도는 서울이다.").tokens[...], question: [])
        #expect((0..<8).map { copula[$0 * F + 4] } == [0, 0, 1, 0, 0, 1, 0, 0])
    }

    @Test func paddedIDsKeepEveryChannel() {
        let vocabulary = Vocabulary(tokens: ["한", "국"])
        let a = SyllableIDs(["한", "국", "뷁"], vocabulary: vocabulary), b = SyllableIDs(["국"], vocabulary: vocabulary)
        let batch = PaddedIDs([a.channels, b.channels, SyllableIDs().channels], channelCount: SyllableIDs.channelCount)
        #expect(batch.mask.lengths == [3, 1, 0] && batch.maxLength == 3)
        #expect(batch.channels[0] == [6, 7, 1, 7, 0, 0, 0, 0, 0])
        #expect(batch.channels[3][2] == a.finals[2] && batch.channels[1][3] == b.initials[0])
    }
}

@Suite struct ClozeQuestionTests {
    static let wiki = """
        <doc id="5" url="https://ko.wikipedia.org/wiki?curid=5" title="지미 카터">
        지미 카터

        제임스 얼 카터 주니어는 1924년 10월 1일 조지아주 플레인스에서 태어났다. 카터는 민주당 출신 미국 39대 대통령이다. 카터는 조지아 공과대학교를 졸업하였다. 그 후 해군에 들어가 잠수함의 승무원으로 일하였다.
        생애.
        1953년 미국 해군 대위로 예편하였고 이후 땅콩 농사로 많은 돈을 벌었다. 땅콩 농사는 그의 가업이었다. 그는 1962년 조지아주 상원 의원 선거에서 낙선한다. 그 선거는 부정선거였다.
        </doc>
        <doc id="9" url="x" title="둘째">
        둘째
        짧다.
        </doc>
        """

    @Test func readsWikiExtractorArticles() {
        let articles = TextCorpus.articles(in: Data(Self.wiki.utf8))
        #expect(articles.map(\.title) == ["지미 카터", "둘째"])
        #expect(articles[0].lines.count == 3 && !articles[0].lines.contains("지미 카터"))  // the title line is dropped
        #expect(articles[1].lines == ["짧다."])
        // Headings (short lines) split paragraphs; too-short paragraphs are dropped.
        let paragraphs = ClozeQuestions.paragraphs(articles[0].lines, minLength: 50)
        #expect(paragraphs.count == 2 && paragraphs[0].hasPrefix("제임스") && paragraphs[1].hasPrefix("1953년"))
    }

    /// 20 rounds of up to 3 questions on each paragraph of the sample article.
    static func clozeItems(seed: UInt64, whLast: Double = 0) -> [QAItem] {
        let paragraphs = ClozeQuestions.paragraphs(TextCorpus.articles(in: Data(wiki.utf8))[0].lines, minLength: 50)
        var random = SeededRandom(seed: seed)
        var items: [QAItem] = []
        for round in 0..<20 {
            for (p, paragraph) in paragraphs.enumerated() {
                items += ClozeQuestions.questions(paragraph: paragraph, idPrefix: "\(round)-\(p)", perParagraph: 3, whLast: whLast, random: &random)
            }
        }
        return items
    }

    /// Offsets property: every synthetic answer is what the paragraph holds at answer_start
    /// (code points), and the question replaces it with a wh-word.
    @Test func questionsPointAtTheirAnswers() {
        let items = Self.clozeItems(seed: 3)
        #expect(items.count > 40)
        for item in items {
            let answer = item.answers[0]
            let scalars = Array(item.context.unicodeScalars)
            let cut = String(String.UnicodeScalarView(scalars[answer.start..<(answer.start + answer.text.unicodeScalars.count)]))
            #expect(cut == answer.text, "\(item.question) -> \(answer.text) but the context has \(cut)")
            #expect(["언제", "몇 ", "무엇"].contains { item.question.contains($0) } && item.question.hasSuffix("?"), "\(item.question)")
            #expect(!item.question.contains(answer.text) || answer.text.count <= 2, "\(item.question) still holds \(answer.text)")
        }
        let texts = Set(items.map(\.answers[0].text))
        #expect(texts.contains("1924년 10월 1일") && texts.contains("39대") && texts.contains("카터"))
        #expect(!texts.contains("1953년 미국"))
        let born = items.first { $0.answers[0].text == "1924년 10월 1일" }!
        #expect(born.question == "제임스 얼 카터 주니어는 언제 조지아주 플레인스에서 태어났는가?")
    }

    /// Reworded questions keep the wh-word and the ending, lose words, and still point at their answers.
    @Test func noisyQuestionsAreShorterButStillPointAtTheirAnswers() {
        let paragraph = ClozeQuestions.paragraphs(TextCorpus.articles(in: Data(Self.wiki.utf8))[0].lines, minLength: 50)[0]
        var plainRandom = SeededRandom(seed: 5), noisyRandom = SeededRandom(seed: 5)
        var plainWords = 0, noisyWords = 0
        for seed in 0..<30 {
            let plain = ClozeQuestions.questions(paragraph: paragraph, idPrefix: "\(seed)", perParagraph: 3, random: &plainRandom)
            let noisy = ClozeQuestions.questions(paragraph: paragraph, idPrefix: "\(seed)", perParagraph: 3, noise: 1, random: &noisyRandom)
            plainWords += plain.map { $0.question.split(separator: " ").count }.reduce(0, +)
            noisyWords += noisy.map { $0.question.split(separator: " ").count }.reduce(0, +)
            for item in noisy {
                let answer = item.answers[0]
                let cut = String(String.UnicodeScalarView(Array(item.context.unicodeScalars)[answer.start..<(answer.start + answer.text.unicodeScalars.count)]))
                #expect(cut == answer.text)
                #expect(["언제", "몇 ", "무엇"].contains { item.question.contains($0) } && item.question.hasSuffix("?"), "\(item.question)")
                #expect(!item.question.contains("  ") && !item.question.hasPrefix(" "), "\(item.question)")
            }
        }
        #expect(plainWords > 0 && Double(noisyWords) < 0.9 * Double(plainWords), "\(noisyWords) vs \(plainWords) words")
    }

    /// Wh-last questions end in "것은 <wh>인가?", lose the wh-word's particle, and still point at
    /// their answers.
    @Test func whLastQuestionsEndInTheWhWord() {
        let items = Self.clozeItems(seed: 7, whLast: 1)
        let reordered = items.filter { $0.question.contains(" 것은 ") }
        #expect(reordered.count > items.count / 2, "\(reordered.count) of \(items.count)")
        for item in reordered {
            let answer = item.answers[0]
            let cut = String(String.UnicodeScalarView(Array(item.context.unicodeScalars)[answer.start..<(answer.start + answer.text.unicodeScalars.count)]))
            #expect(cut == answer.text)
            #expect(["언제인가?", "무엇인가?"].contains { item.question.hasSuffix("것은 " + $0) } || item.question.contains("것은 몇 "), "\(item.question)")
            #expect(!item.question.contains("  ") && !item.question.contains("언제에"), "\(item.question)")
        }
        let born = reordered.first { $0.answers[0].text == "1924년 10월 1일" }
        #expect(born?.question == "제임스 얼 카터 주니어는 조지아주 플레인스에서 태어났던 것은 언제인가?", "\(born?.question ?? "none")")
    }

    @Test func verbsBecomeModifiers() {
        #expect(ClozeQuestions.adnominal("대통령이다") == "대통령인")
        #expect(ClozeQuestions.adnominal("태어났다") == "태어났던")
        #expect(ClozeQuestions.adnominal("낙선한다") == "낙선하는")
        #expect(ClozeQuestions.adnominal("없다") == "없는")
        #expect(ClozeQuestions.adnominal("크다") == nil)
        #expect(ClozeQuestions.adnominal("다") == nil)
        #expect(ClozeQuestions.adnominal("1953년") == nil)
    }

    @Test func statementsBecomeQuestions() {
        #expect(ClozeQuestions.interrogative("그는 39대 대통령이다") == "그는 39대 대통령인가?")
        #expect(ClozeQuestions.interrogative("그는 선거에서 낙선한다") == "그는 선거에서 낙선하는가?")
        #expect(ClozeQuestions.interrogative("돈을 벌었다") == "돈을 벌었는가?")
        #expect(ClozeQuestions.interrogative("태어났다(메이지 25년)") == "태어났다(메이지 25년)?")
    }
}

@Suite struct ReaderTests {
    static func tinyOptions() -> ReaderTrainingOptions {
        var o = ReaderTrainingOptions()
        o.architecture.embeddingSize = 16; o.architecture.hiddenSize = 16; o.architecture.contextLayers = 1
        o.architecture.alignSize = 16; o.architecture.dropout = 0; o.minCount = 1
        o.train = TrainConfig(epochs: 120, batchSize: 8, learningRate: 0.02, warmupSteps: 0, decay: .constant, clipNorm: 5, patience: 120, seed: 3)
        return o
    }

    /// The whole path a user takes: corpus -> Reader.train (Trainer, checkpoints) -> save -> load
    /// -> answers cut from the original text at the right code-point offsets.
    @Test func trainsSavesLoadsAndAnswers() throws {
        let items = capitalItems()
        let corpus = ReaderCorpus(items)
        #expect(corpus.trainableCount == items.count)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let options = Self.tinyOptions()
        let vocabulary = Reader.buildVocabulary(corpus.tokenTexts, options: options)
        let (reader, summary) = try Reader.train(train: corpus, validation: corpus, options: options, vocabulary: vocabulary, directory: directory,
                                                 keepLast: true)  // the best epoch is the first with F1 100, often still unsure
        #expect(summary.bestMetric > 99, "validation F1 \(summary.bestMetric)")
        #expect(FileManager.default.fileExists(atPath: directory + "/training/metrics.jsonl"))
        let loaded = try Reader.load(from: directory)
        #expect(loaded.settings == options.settings && loaded.vocabulary == vocabulary)
        for item in items {
            let answer = loaded.answers(question: item.question, context: item.context, top: 3)
            #expect(answer[0].text == item.answers[0].text, "\(item.question): \(answer[0].text)")
            #expect(answer[0].start == item.answers[0].start && answer[0].score > 0.5, "score \(answer.map { ($0.text, $0.score) })")
            #expect(answer == reader.answers(question: item.question, context: item.context, top: 3))
            #expect(answer.count == 3 && answer[0].score >= answer[1].score && Set(answer.map { [$0.start, $0.end] }).count == 3)
            for a in answer {
                #expect(String(String.UnicodeScalarView(Array(item.context.unicodeScalars)[a.start..<a.end])) == a.text)
            }
        }
        // Long contexts are read in windows: padding the context with filler on both sides (and
        // NFD / fullwidth text) still finds the answer at the right offsets.
        loaded.settings.windowLength = 40; loaded.settings.windowStride = 20
        let item = items[2]
        let filler = String(repeating: "날씨가 좋다. ", count: 12)
        let long = "ＡＢ \u{1112}\u{1161}\u{11AB} " + filler + item.context + " " + filler
        let found = loaded.answers(question: item.question, context: long)[0]
        #expect(found.text == item.answers[0].text)
        #expect(String(String.UnicodeScalarView(Array(long.unicodeScalars)[found.start..<found.end])) == found.text)
        // Batch prediction in the official format.
        var dataset = try SquadDataset.load(path: Self.writeSquad(items, to: directory + "/tiny.json"))
        dataset.articles.removeLast()
        let predictions = loaded.predict(dataset)
        #expect(predictions.count == items.count - 1 && KorQuADMetric.score(dataset, predictions: predictions).f1 > 99)
        #expect(loaded.answers(question: "무엇?", context: "   ").isEmpty)
        // A blank question has nothing to align the passage with: no answer rather than a guess.
        #expect(loaded.answers(question: " \n ", context: "한국의 수도는 서울이다.").isEmpty)
    }

    /// Distillation: the teacher's targets are its own normalized probabilities over each
    /// question's first window (for an ensemble, the normalized mean of its readers'
    /// log-probabilities), and a student that sees no gold answer at all learns from them to
    /// answer as the teacher does.
    @Test func studentLearnsFromTheTeachersProbabilitiesAlone() throws {
        let items = capitalItems()
        let corpus = ReaderCorpus(items)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("distill-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = Self.tinyOptions()
        options.train.epochs = 60
        let vocabulary = Reader.buildVocabulary(corpus.tokenTexts, options: options)
        let (teacher, _) = try Reader.train(train: corpus, validation: corpus, options: options, vocabulary: vocabulary,
                                            directory: directory + "/teacher", keepLast: true)
        // Windows are cut at the training length: one shorter than some contexts.
        let windowLength = 12
        var progress: [Int] = []
        let alone = teacher.distillationTargets(corpus, windowLength: windowLength, batchSize: 3) { progress.append($0) }
        #expect(alone.count == items.count && progress.last == items.count && progress.count == 3)
        for example in alone.examples {
            let tokens = corpus.contexts[corpus.items[example.item].context].tokens
            #expect(example.window == 0..<min(tokens.count, windowLength))
            #expect(example.start.count == example.window.count && abs(example.start.reduce(0, +) - 1) < 1e-4 && abs(example.end.reduce(0, +) - 1) < 1e-4)
            let own = teacher.model.spanLogProbabilities(teacher.batch(contexts: [tokens[example.window]], questions: [corpus.items[example.item].question]))[0]
            #expect(zip(example.start, own.start).allSatisfy { abs($0 - Foundation.exp($1)) < 1e-5 })
        }
        #expect(alone.meanTopProbability > 0.5 && alone.meanTopProbability <= 1)
        // Two readers: the normalized geometric mean of their probabilities.
        var otherOptions = options
        otherOptions.train.seed = 8
        let (other, _) = try Reader.train(train: corpus, validation: corpus, options: otherOptions, vocabulary: vocabulary,
                                          directory: directory + "/other", keepLast: true)
        teacher.ensemble = [other]
        let both = teacher.distillationTargets(corpus, windowLength: windowLength)
        let first = both.examples[0], item = corpus.items[first.item]
        let window = corpus.contexts[item.context].tokens[first.window]
        let a = teacher.model.spanLogProbabilities(teacher.batch(contexts: [window], questions: [item.question]))[0].start
        let b = other.model.spanLogProbabilities(other.batch(contexts: [window], questions: [item.question]))[0].start
        let product = zip(a, b).map { Foundation.exp(($0 + $1) / 2) }, total = product.reduce(0, +)
        #expect(zip(first.start, product).allSatisfy { abs($0 - $1 / total) < 1e-5 })
        teacher.ensemble = []
        // A student from other random weights, trained on the teacher's targets with no gold span.
        let unanswered = ReaderCorpus(items.map { QAItem(id: $0.id, question: $0.question, context: $0.context, answers: []) })
        #expect(unanswered.trainableCount == 0)
        let teacherTargets = teacher.distillationTargets(corpus, windowLength: 512)
        var studentOptions = options
        studentOptions.train.seed = 21
        let (student, summary) = try Reader.train(train: unanswered, validation: corpus, options: studentOptions, vocabulary: vocabulary,
                                                  distillation: teacherTargets, directory: directory + "/student", keepLast: true)
        #expect(summary.records.last!.validationMetric > 99, "student F1 \(summary.records.last!.validationMetric)")
        for item in items {
            #expect(student.answers(question: item.question, context: item.context)[0].text == teacher.answers(question: item.question, context: item.context)[0].text)
        }
        // The training windows: the ones training cuts around each gold span, the target the
        // gold span's share plus the rest of the teacher's probabilities.
        var windowOptions = options
        windowOptions.trainingWindowLength = 12; windowOptions.trainingWindowStride = 6
        let training = teacher.distillationTargets(training: corpus, options: windowOptions, goldWeight: 0.25)
        let cut = ReaderTask.trainingExamples(corpus, windowLength: 12, stride: 6)
        #expect(training.count == cut.count && cut.count == items.count)
        for (example, window) in zip(training.examples, cut) {
            #expect(example.item == window.item && example.window == window.window)
            let item = corpus.items[example.item]
            let own = teacher.model.spanLogProbabilities(teacher.batch(contexts: [corpus.contexts[item.context].tokens[example.window]],
                                                                       questions: [item.question]))[0]
            for t in example.window.indices.map({ $0 - example.window.lowerBound }) {
                #expect(abs(example.start[t] - (0.75 * Foundation.exp(own.start[t]) + (t == window.first ? 0.25 : 0))) < 1e-5)
                #expect(abs(example.end[t] - (0.75 * Foundation.exp(own.end[t]) + (t == window.last ? 0.25 : 0))) < 1e-5)
            }
        }
        // All weight on the gold span: training on the targets is training on the gold spans.
        let goldOnly = teacher.distillationTargets(training: corpus, options: options, goldWeight: 1)
        var shortOptions = options
        shortOptions.train.epochs = 3
        let (fromGold, _) = try Reader.train(train: corpus, validation: corpus, options: shortOptions, vocabulary: vocabulary,
                                             directory: directory + "/gold", keepLast: true)
        let (fromTargets, _) = try Reader.train(train: corpus, validation: corpus, options: shortOptions, vocabulary: vocabulary, taught: goldOnly,
                                                directory: directory + "/targets", keepLast: true)
        #expect(zip(fromGold.model.store.values, fromTargets.model.store.values).allSatisfy { abs($0 - $1) <= 1e-4 + 1e-3 * abs($0) })
        // Without gold spans or targets there is nothing to train on, and the error says so.
        #expect(throws: MRCError.self) {
            try Reader.train(train: unanswered, validation: corpus, options: studentOptions, vocabulary: vocabulary, directory: directory + "/none")
        }
    }

    /// A reader with word vectors keeps them: saved beside the model, loaded back, the same
    /// answers; without the file it does not load (and says why).
    @Test func wordVectorsTravelWithTheReader() throws {
        let items = capitalItems()
        let corpus = ReaderCorpus(items)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reader-wv-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = Self.tinyOptions()
        options.train.epochs = 3
        options.wordVectors = ReaderModelTests.wordVectors(for: items.flatMap { [$0.context, $0.question] }, dimension: 6)
        let vocabulary = Reader.buildVocabulary(corpus.tokenTexts, options: options)
        let (reader, _) = try Reader.train(train: corpus, validation: corpus, options: options, vocabulary: vocabulary, directory: directory)
        #expect(reader.model.config.wordVectorSize == 6)
        let loaded = try Reader.load(from: directory)
        #expect(loaded.wordVectors?.keys == options.wordVectors?.keys && loaded.wordVectors?.vectors == options.wordVectors?.vectors)
        for item in items {
            #expect(loaded.answers(question: item.question, context: item.context, top: 2) == reader.answers(question: item.question, context: item.context, top: 2))
        }
        // Starting from it keeps its vectors and architecture; only a fine-tuning dropout may differ.
        var more = options
        more.wordVectors = nil; more.train.epochs = 1; more.fineTuneDropout = 0.45
        more.architecture.hiddenSize += 4  // a new reader's: ignored when starting from one
        let (continued, _) = try Reader.train(train: corpus, validation: corpus, options: more, vocabulary: vocabulary, initial: loaded,
                                              directory: directory + "/continued")
        #expect(continued.wordVectors?.keys == loaded.wordVectors?.keys)
        var expected = loaded.model.config
        expected.dropout = 0.45
        #expect(continued.model.config.json == expected.json && loaded.model.config.dropout != 0.45)
        try FileManager.default.removeItem(atPath: directory + "/word-vectors.safetensors")
        #expect(throws: MRCError.self) { try Reader.load(from: directory) }
        do { _ = try Reader.load(from: directory) } catch { #expect("\(error)".contains("word vectors")) }
    }

    @Test func loadingExplainsProblems() throws {
        #expect(throws: MRCError.modelNotFound(path: "/nonexistent")) { try Reader.load(from: "/nonexistent") }
        let corpus = ReaderCorpus([QAItem(id: "x", question: "q", context: "abc", answers: [SquadDataset.Answer(text: "zz", start: 0)])])
        #expect(corpus.trainableCount == 0)
        #expect(throws: MRCError.self) {
            try Reader.train(train: corpus, validation: corpus, options: Self.tinyOptions(), vocabulary: Vocabulary(tokens: []),
                             directory: FileManager.default.temporaryDirectory.appendingPathComponent("r-\(UUID())").path)
        }
    }

    static func writeSquad(_ items: [QAItem], to path: String) throws -> String {
        let data: [[String: Any]] = items.map { item in
            ["title": item.id, "paragraphs": [["context": item.context, "qas": [[
                "id": item.id, "question": item.question,
                "answers": item.answers.map { ["text": $0.text, "answer_start": $0.start] }]]]]]
        }
        try JSONSerialization.data(withJSONObject: ["version": "1.1", "data": data]).write(to: URL(fileURLWithPath: path))
        return path
    }
}
