import Foundation
import Hangul
import NeuralCore
import Testing
import TestSupport
import TextEncoder
@testable import Summarizer

/// A tiny model over a tiny vocabulary (fast enough for gradient checks and training).
func tinySummarizer(texts: [String], seed: UInt64 = 3, coverage: Float = 1) -> PointerGenerator {
    let vocabulary = Vocabulary.build(from: texts.flatMap { TextFeaturizer.tokens($0).map(\.text) })
    var encoder = TextEncoderConfig(vocabularySize: vocabulary.count)
    encoder.embeddingSize = 6; encoder.hiddenSize = 5; encoder.layers = 1; encoder.dropout = 0
    var config = SummarizerConfig(encoder: encoder)
    config.decoderEmbedding = 6; config.decoderHidden = 7; config.attention = 5; config.outputHidden = 6
    config.coverageLoss = coverage
    config.maxSourceLength = 40; config.maxTargetLength = 20
    return PointerGenerator(config: config, vocabulary: vocabulary, seed: seed)
}

@Suite struct PointerGeneratorTests {
    /// The whole loss — decoder step, attention, copy distribution (with an out-of-vocabulary
    /// syllable only the pointer can produce) and the coverage loss — against central differences.
    @Test func wholeModelGradientsMatchCentralDifferences() {
        let model = tinySummarizer(texts: ["오늘 날씨 알려줘", "오늘 날씨", "내일 수업 있니"])
        let batch = [SummaryPair(source: "오늘 날씨 알려줘", target: "오늘 날씨"),
                     SummaryPair(source: "내일 수업 뭐 있니 鑫", target: "내일 수업 鑫")]
        var random = SeededRandom(seed: 1)
        model.store.zeroGradients()
        _ = model.lossAndGradients(batch, random: &random)
        let analytic = Array(model.store.gradients)
        func loss() -> Double {
            var r = SeededRandom(seed: 1)
            let pass = model.forward(batch, training: false, random: &r)
            return Double(model.loss(pass).0)
        }
        var worst: Float = 0
        for (i, numeric, value) in sampledParameterGradients(store: model.store, analytic: analytic, samples: 300, seed: 5, eps: 5e-3, loss: loss) {
            worst = max(worst, abs(numeric - value))
            #expect(abs(numeric - value) <= 3e-3 + 2e-2 * abs(value), "parameter \(i) (\(model.store.slots.first { $0.offset <= i && i < $0.offset + $0.count }!.name)): numeric \(numeric) analytic \(value)")
        }
        #expect(worst < 3e-2)
    }

    /// Copied syllables outside the vocabulary get extended ids and come back exactly.
    @Test func outOfVocabularySyllablesAreCopiedAsWritten() {
        let model = tinySummarizer(texts: ["오늘 날씨"])
        let view = model.view(of: "오늘 鑫 날씨")
        #expect(view.outOfVocabulary == ["鑫"])
        let ids = model.targetIDs("鑫 날씨", source: view)
        #expect(Int(ids[0]) == model.vocabulary.count + 1 && Int(ids[1]) == model.spaceID && Int(ids.last!) == Vocabulary.endID)
        #expect(model.text(of: Array(ids.dropLast()), source: view) == "鑫 날씨")
        #expect(view.spaceBefore == [0, 0, 1, 1, 0])
        // Normalization that turns one character into several tokens (same offsets) is no trap.
        let expanded = model.view(of: "㈜한국 ㎏ 날씨")
        #expect(expanded.tokens.count > 5 && expanded.spaceBefore.count == expanded.tokens.count)
        #expect(model.targetIDs("㈜ 날씨", source: expanded).last == Int32(Vocabulary.endID))
    }
}

@Suite struct DecodingTests {
    static let texts = ["가나 다라", "나가", "다라 가"]

    /// Beam search with a beam wide enough to keep every hypothesis finds the best sequence an
    /// exhaustive search finds (same constraints, same length normalization).
    @Test(arguments: [0.0, 1.0])
    func wideBeamEqualsExhaustiveSearch(lengthPenalty: Double) {
        let model = tinySummarizer(texts: Self.texts, seed: 9)
        let source = "가나 다라"
        var options = DecodingOptions(beamWidth: 100_000, lengthPenalty: lengthPenalty, blockRepeatedTrigrams: false, maxLength: 3)
        let beam = model.summarize(source, options: options)
        // Exhaustive: every sequence of allowed ids up to length 3, ended or cut at the limit.
        let memory = model.memory(of: source)
        var best = -Double.infinity, bestIDs: [Int32] = []
        func expand(_ ids: [Int32], _ logP: Double, _ state: LSTM.State, _ coverage: Tensor) {
            var coverage = coverage
            let (next, dist) = model.step(memory, last: [ids.last ?? Int32(Vocabulary.beginID)], state: state, coverage: &coverage)
            for (j, value) in dist[0].enumerated() where model.allowed(Int32(j), after: ids, options: options) {
                let total = logP + value
                if j == Vocabulary.endID {
                    let score = model.rankingScore(total, length: ids.count + 1, options: options)
                    if score > best { best = score; bestIDs = ids }
                } else if ids.count + 1 >= 3 {
                    let score = model.rankingScore(total, length: ids.count + 1, options: options)
                    if score > best { best = score; bestIDs = ids + [Int32(j)] }
                } else {
                    expand(ids + [Int32(j)], total, next, coverage)
                }
            }
        }
        expand([], 0, memory.start, Tensor(zeros: [1, memory.view.tokens.count]))
        #expect(abs(beam.score - best) < 1e-9 && beam.ids == bestIDs, "beam \(beam.ids) \(beam.score), exhaustive \(bestIDs) \(best)")
        // A narrow beam can only do as well or worse.
        options.beamWidth = 2
        #expect(model.summarize(source, options: options).score <= best + 1e-9)
    }

    @Test func greedyEqualsBeamOfOne() {
        let model = tinySummarizer(texts: Self.texts, seed: 4)
        for source in ["가나 다라", "다라 가 나가"] {
            let greedy = model.greedy(model.memory(of: source), options: DecodingOptions(beamWidth: 1, maxLength: 8))
            let beam = model.beamSearch(model.memory(of: source), options: DecodingOptions(beamWidth: 1, maxLength: 8))
            #expect(greedy.ids == beam.ids && abs(greedy.logProbability - beam.logProbability) < 1e-9)
        }
    }

    /// A tiny model learns to copy its input (the pointer's job), including a syllable it has
    /// never seen in training.
    @Test func tinyModelLearnsToCopy() throws {
        let words = ["가", "나", "다", "라", "마", "바", "사", "아"]
        var random = SeededRandom(seed: 2)
        var pairs: [SummaryPair] = []
        for _ in 0..<300 {
            let n = 2 + Int(random.next() % 3)
            let text = (0..<n).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined()
            pairs.append(SummaryPair(source: text, target: text))
        }
        let vocabulary = Vocabulary.build(from: words)
        var encoder = TextEncoderConfig(vocabularySize: vocabulary.count)
        encoder.embeddingSize = 16; encoder.hiddenSize = 24; encoder.layers = 1; encoder.dropout = 0
        var config = SummarizerConfig(encoder: encoder)
        config.decoderEmbedding = 16; config.decoderHidden = 32; config.attention = 16; config.outputHidden = 32
        config.maxTargetLength = 10
        let model = PointerGenerator(config: config, vocabulary: vocabulary, seed: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-copy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trainer = Trainer(task: model, config: TrainConfig(epochs: 12, batchSize: 16, learningRate: 1e-2, patience: 12, seed: 1), directory: directory)
        _ = try trainer.run(train: pairs, validation: Array(pairs.prefix(20)))
        _ = try Checkpoint.load(into: model.store, from: directory + "/best.safetensors", config: model.configJSON)
        for source in ["가나다", "라마바사", "다가", "가鑫나"] {
            #expect(model.summarize(source, options: DecodingOptions(beamWidth: 2)).text == source, "copy of \(source)")
        }
    }
}

@Suite struct RougeTests {
    /// Hand-computed: candidate 가나다라 vs reference 가나마라 — units 4/4, unigram overlap 3,
    /// bigrams {가나, 나다, 다라} vs {가나, 나마, 마라}: 1, LCS 가나라 = 3.
    @Test func handComputedValues() {
        let s = Rouge.scores("가나 다라!", reference: "가나마라")
        #expect(abs(s.rouge1.f1 - 0.75) < 1e-12 && abs(s.rouge2.f1 - 1.0 / 3) < 1e-12 && abs(s.rougeL.f1 - 0.75) < 1e-12)
        // Repeated n-grams are clipped: 가가가 vs 가 → precision 1/3, recall 1.
        let clipped = Rouge.scores("가가가", reference: "가")
        #expect(abs(clipped.rouge1.precision - 1.0 / 3) < 1e-12 && clipped.rouge1.recall == 1 && abs(clipped.rouge1.f1 - 0.5) < 1e-12)
        // Different lengths: LCS of ABCBDAB / BDCABA is 4 (classic example), in letters.
        let l = Rouge.scores("ABCBDAB", reference: "bdcaba").rougeL
        #expect(abs(l.precision - 4.0 / 7) < 1e-12 && abs(l.recall - 4.0 / 6) < 1e-12)
        #expect(Rouge.scores("", reference: "가").rougeL.f1 == 0)
        #expect(Rouge.units("3.5퍼센트, OK") == Array("35퍼센트ok".unicodeScalars))
    }
}

@Suite struct SentenceSplitterTests {
    @Test func splitsKoreanSentences() {
        let text = "날씨가 좋다. 그는 \"내일 보자.\"라고 말했다! 가격은 3.5% 올랐어요? 1. 소개\n둘째 줄입니다…  끝"
        let sentences = SentenceSplitter().split(text).map(\.text)
        #expect(sentences == ["날씨가 좋다.", "그는 \"내일 보자.\"라고 말했다!", "가격은 3.5% 올랐어요?", "1. 소개", "둘째 줄입니다…", "끝"])
        #expect(SentenceSplitter().split("그가 말했다. \"좋아요.\" 그리고 떠났다.").map(\.text) == ["그가 말했다.", "\"좋아요.\"", "그리고 떠났다."])
        #expect(SentenceSplitter().split("  \n ").isEmpty)
    }

    /// Property: slicing the original text by each sentence's offsets gives the sentence, for
    /// random texts mixing Hangul, emoji, combining marks, quotes, numbers and breaks.
    @Test func offsetsSliceTheOriginal() {
        let pieces = ["한국어", "문장", ".", "?", "! ", " ", "\n", "3.5", "\"", "”", "👩‍👩‍👧", "é", "다.", "요. ", "…", "\r\n", "A. ", "1. "]
        var random = SeededRandom(seed: 7)
        for _ in 0..<300 {
            let text = (0..<Int(random.next() % 25)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let scalars = Array(text.unicodeScalars)
            var previousEnd = 0
            for s in SentenceSplitter().split(text) {
                var slice = ""
                slice.unicodeScalars.append(contentsOf: scalars[s.start..<s.end])
                #expect(slice == s.text && s.start >= previousEnd && s.start < s.end, "\(text.debugDescription): \(s)")
                previousEnd = s.end
            }
        }
    }
}

@Suite struct ExtractiveTests {
    /// The central sentences (sharing the most with the rest) are chosen, in input order,
    /// with offsets into the original; a near-repeat is skipped.
    @Test func picksCentralSentencesInOrder() throws {
        let text = "고양이는 귀엽다. 오늘 주식 시장은 하락했다. 고양이는 작은 동물이며 귀엽다. 고양이와 강아지는 인기 있는 동물이다. 고양이는 작은 동물이며 귀엽다."
        let summary = try ExtractiveSummarizer().summarize(text, sentences: 2)
        #expect(summary.sentences.count == 2 && summary.sentenceCount == 5)
        #expect(summary.sentences.map(\.index) == summary.sentences.map(\.index).sorted())
        #expect(!summary.sentences.contains { $0.text.contains("주식") })
        #expect(Set(summary.sentences.map(\.text)).count == 2)  // the repeat is not chosen twice
        let scalars = Array(text.unicodeScalars)
        for s in summary.sentences { #expect(String(String.UnicodeScalarView(scalars[s.start..<s.end])) == s.text) }
        #expect(throws: SummarizerError.emptyText) { try ExtractiveSummarizer().summarize(" \n", sentences: 3) }
    }

    @Test func bootstrapIntervalContainsTheMean() {
        let e = SummarizerEvaluation.Estimate([0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(abs(e.mean - 0.6) < 1e-12 && e.low <= e.mean && e.mean <= e.high && e.low >= 0.2 && e.high <= 1.0)
    }
}

@Suite struct SummaryPairsTests {
    func write(_ text: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-pairs-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func readsTSVAndJSONLinesAndReportsBadLines() throws {
        let tsv = write("\u{FEFF}오늘 날씨 알려줘\t오늘 날씨\r\n틀린 줄\n\n내일 일정\t일정\t3\n")
        defer { try? FileManager.default.removeItem(atPath: tsv) }
        let loaded = try SummaryPairs.read(tsv)
        #expect(loaded.pairs == [SummaryPair(source: "오늘 날씨 알려줘", target: "오늘 날씨"), SummaryPair(source: "내일 일정", target: "일정")])
        #expect(loaded.problems == ["line 2: expected source<TAB>target, found no tab"])
        let jsonl = write("{\"source\": \"긴 글\", \"target\": \"글\"}\n{\"source\": 3}\n")
        defer { try? FileManager.default.removeItem(atPath: jsonl) }
        let j = try SummaryPairs.read(jsonl)
        #expect(j.pairs.count == 1 && j.problems.first?.hasPrefix("line 2:") == true)
        let empty = write("no tabs here\n")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: SummarizerError.self) { try SummaryPairs.read(empty) }
    }

    @Test func sae4KSplitFollowsLineNumbers() throws {
        let lines = (0..<30).map { "문장 \($0)\t요약 \($0)\t0" }.joined(separator: "\r\n")
        let path = write("\u{FEFF}" + lines + "\r\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let test = try SummaryPairs.sae4K(path, part: .test)
        #expect(test.map(\.source) == ["문장 9", "문장 19", "문장 29"])
        #expect(try SummaryPairs.sae4K(path, part: .train).count == 24)
        #expect(try SummaryPairs.sae4K(path, part: .validation).map(\.target) == ["요약 8", "요약 18", "요약 28"])
    }
}
