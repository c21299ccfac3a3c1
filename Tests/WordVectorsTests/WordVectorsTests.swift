import Foundation
import Hangul
import NeuralCore
import Testing
@testable import WordVectors

@Suite struct SubwordUnitsTests {
    func tokens(_ text: String) -> [Token] { SyllableTokenizer().tokenize(Normalizer().normalize(text)) }

    /// Property: words partition the tokens in order, and slicing the ORIGINAL text by a word's
    /// first start and last end gives the word's tokens with nothing between them.
    @Test func wordsPartitionTokensAndSliceTheOriginal() {
        var random = SeededRandom(seed: 7)
        let pieces = ["서울", "이다", ".", " ", "  ", "RDX", "라", "1946", "년", "(", ")", "《", "》", "대통령", "의", ",", "é", "Ab"]
        for _ in 0..<300 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let all = tokens(text)
            let words = SubwordUnits.words(all[...])
            #expect(words.map(\.count).reduce(0, +) == all.count)
            #expect(zip(words, words.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            let scalars = Array(text.unicodeScalars)
            for word in words {
                let sliced = String(String.UnicodeScalarView(scalars[all[word.lowerBound].start..<all[word.upperBound - 1].end]))
                #expect(sliced == all[word].map(\.text).joined(), "\(text): \(word)")
                if word.count > 1 { #expect(all[word].allSatisfy(SubwordUnits.isWordy)) }
            }
        }
    }

    @Test func punctuationIsAWordOfItsOwn() {
        let all = tokens("서울이다. (1946년)")
        let words = SubwordUnits.words(all[...]).map { all[$0].map(\.text).joined() }
        #expect(words == ["서울이다", ".", "(", "1946년", ")"])
    }

    @Test func inflectedWordsShareTheirStemsUnits() {
        let a = Set(SubwordUnits.keys(of: "대통령이".unicodeScalars)), b = Set(SubwordUnits.keys(of: "대통령의".unicodeScalars))
        let shared = a.intersection(b).compactMap(SubwordUnits.text(ofNGram:)).sorted()
        #expect(shared == ["⟨대", "⟨대통", "대", "대통", "대통령", "령", "통", "통령"].sorted())
        // The whole words differ, and a whole-word key is never an n-gram key.
        #expect(SubwordUnits.keys(of: "대통령이".unicodeScalars).first != SubwordUnits.keys(of: "대통령의".unicodeScalars).first)
        #expect(SubwordUnits.isWholeWord(SubwordUnits.wordKey(of: "대통령".unicodeScalars)))
        #expect(!a.filter { !SubwordUnits.isWholeWord($0) }.contains { SubwordUnits.text(ofNGram: $0) == nil })
        #expect(SubwordUnits.keys(of: [Unicode.Scalar]()).isEmpty)
        // 4 syllables → 1 whole word + 4 unigrams + 5 bigrams + 4 trigrams.
        #expect(a.count == 14)
    }
}

@Suite struct SkipGramTests {
    /// Finite differences: one step with a tiny learning rate moves each output row by
    /// −lr·∂L/∂v and each input unit row by −lr·n·∂L/∂u (fastText's unscaled update of the mean).
    @Test func stepFollowsTheLossGradient() {
        let D = 6, units: [Int32] = [0, 2, 3], targets: [(row: Int32, label: Float)] = [(1, 1), (0, 0), (3, 0)]
        var random = SeededRandom(seed: 3)
        let input0 = (0..<(4 * D)).map { _ in random.normal() * 0.5 }, output0 = (0..<(4 * D)).map { _ in random.normal() * 0.5 }
        func loss(_ input: [Float], _ output: [Float]) -> Double {
            var h = [Double](repeating: 0, count: D)
            for u in units { for d in 0..<D { h[d] += Double(input[Int(u) * D + d]) / Double(units.count) } }
            return targets.reduce(0.0) { sum, t in
                let dot = (0..<D).reduce(0.0) { $0 + h[$1] * Double(output[Int(t.row) * D + $1]) }
                let p = 1 / (1 + exp(-dot))
                return sum - (t.label > 0 ? log(p) : log(1 - p))
            }
        }
        var input = input0, output = output0
        var h = [Float](repeating: 0, count: D), g = [Float](repeating: 0, count: D)
        let lr: Float = 1e-3
        let reported = units.withUnsafeBufferPointer { u in
            targets.withUnsafeBufferPointer { t in
                SkipGram.step(units: u, targets: t, input: &input, output: &output, dimension: D, learningRate: lr, h: &h, gradient: &g)
            }
        }
        #expect(abs(Double(reported) - loss(input0, output0)) < 1e-4)
        let eps: Float = 1e-2
        var worst = 0.0
        for (table, isInput) in [(input0, true), (output0, false)] {
            for i in table.indices {
                var plus = table, minus = table
                plus[i] += eps; minus[i] -= eps
                let numeric = isInput ? (loss(plus, output0) - loss(minus, output0)) / Double(2 * eps)
                                      : (loss(input0, plus) - loss(input0, minus)) / Double(2 * eps)
                let row = i / D
                let scale = isInput && units.contains(Int32(row)) ? Double(units.count) : 1
                let expected = -Double(lr) * scale * numeric
                let moved = Double(isInput ? input[i] - input0[i] : output[i] - output0[i])
                worst = max(worst, abs(moved - expected) / max(1e-6, abs(expected) + abs(moved)))
                if abs(expected) > 1e-6 { #expect(abs(moved - expected) / abs(expected) < 2e-2, "\(isInput ? "input" : "output")[\(i)]") }
            }
        }
        #expect(worst < 5e-2)
    }

    /// Words that occur in the same contexts end up closer than words that never share one.
    @Test func wordsOfTheSameContextsGetCloseVectors() throws {
        let corpus = SkipGramCorpus()
        var random = SeededRandom(seed: 5)
        let fruits = ["사과", "포도", "딸기"], cities = ["부산", "대구", "광주"]
        for _ in 0..<600 {
            let f = fruits[Int(random.next() % 3)], c = cities[Int(random.next() % 3)]
            corpus.add(line: "나는 \(f) 주스를 맛있게 마셨다")
            corpus.add(line: "우리는 기차로 \(c) 여행을 떠났다")
        }
        var options = SkipGramOptions()
        options.dimension = 16; options.epochs = 3; options.minWordCount = 2; options.minUnitCount = 2
        options.subsample = 0; options.learningRate = 0.05
        var reports = 0
        let vectors = try SkipGram.train(corpus, options: options, progress: { _ in reports += 1 })
        #expect(reports > 0)
        func cosine(_ a: String, _ b: String) -> Float {
            let x = vectors.vector(ofWord: a.unicodeScalars), y = vectors.vector(ofWord: b.unicodeScalars)
            let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / ((x.reduce(0) { $0 + $1 * $1 }).squareRoot() * (y.reduce(0) { $0 + $1 * $1 }).squareRoot())
        }
        #expect(cosine("사과", "포도") > cosine("사과", "부산") + 0.2)
        #expect(cosine("대구", "광주") > cosine("대구", "딸기") + 0.2)
    }

    @Test func tooLittleTextIsAnError() {
        let corpus = SkipGramCorpus()
        corpus.add(line: "한 번만 나오는 말")
        #expect(throws: WordVectorsError.self) { try SkipGram.train(corpus, options: SkipGramOptions()) }
        #expect(throws: WordVectorsError.self) { try SkipGram.train(SkipGramCorpus(), options: SkipGramOptions()) }
    }
}

@Suite struct SubwordVectorsTests {
    /// The open-addressing key table answers as a Dictionary filled the same way would: every
    /// key its (last) row, any other key nil, collisions and repeated keys included.
    @Test func keyRowTableAnswersAsADictionary() {
        var random = SeededRandom(seed: 11)
        var keys = (0..<5_000).map { _ in random.next() % 20_000 }  // many repeats
        keys += [0, UInt64.max, 1 << 63]
        let table = KeyRowTable(keys: keys)
        var reference: [UInt64: Int32] = [:]
        for (row, key) in keys.enumerated() { reference[key] = Int32(row) }
        for key in UInt64(0)..<20_000 { #expect(table[key] == reference[key]) }
        for key in [UInt64.max, 1 << 63, UInt64.max - 1] { #expect(table[key] == reference[key]) }
        #expect(KeyRowTable(keys: [])[42] == nil)
    }

    /// The byte-level key reader gives what `UInt64(_:radix: 16)` over the split text gives.
    @Test func hexKeysParseAsTheStandardLibraryDoes() {
        var random = SeededRandom(seed: 3)
        let keys = (0..<2_000).map { _ in random.next() >> (random.next() % 64) } + [0, UInt64.max, 0xABCDEF]
        let text = keys.map { String($0, radix: 16) }.joined(separator: " ")
        #expect(SubwordVectors.parseHexKeys(text) == text.split(separator: " ").compactMap { UInt64($0, radix: 16) })
        #expect(SubwordVectors.parseHexKeys("FF  a0 ") == [255, 160])
        #expect(SubwordVectors.parseHexKeys("1 2 zz 3") == [1, 2])  // a malformed key ends the list
        #expect(SubwordVectors.parseHexKeys("11112222333344445") == [])  // 17 digits: not a UInt64
    }

    func sample() -> SubwordVectors {
        let keys = SubwordUnits.keys(of: "서울".unicodeScalars)
        var random = SeededRandom(seed: 2)
        return SubwordVectors(dimension: 4, keys: keys, vectors: (0..<(keys.count * 4)).map { _ in random.normal() })
    }

    @Test func everyTokenCarriesItsWordsVector() {
        let vectors = sample()
        let tokens = SyllableTokenizer().tokenize(Normalizer().normalize("서울에서 서울."))
        let table = vectors.tokenVectors(tokens[...])
        #expect(table.count == tokens.count * 4)
        let seoul = vectors.vector(ofWord: "서울".unicodeScalars)
        #expect(Array(table[(4 * 4)..<(5 * 4)]) == seoul)  // 서 of the second 서울
        #expect(Array(table[(5 * 4)..<(6 * 4)]) == seoul)
        #expect(Array(table[0..<4]) == Array(table[4..<8]))  // 서울에서: one word, one vector
        #expect(Array(table[(6 * 4)..<(7 * 4)]) == [0, 0, 0, 0])  // "." has no known unit
        #expect(vectors.vector(ofWord: "뷁".unicodeScalars) == [0, 0, 0, 0])
    }

    /// A word's vector is the mean of its unit rows, each scaled by 1/n and added in unit order,
    /// bit for bit as a scalar loop computes it (the C kernel must not fuse multiply and add:
    /// readers were trained on these exact values). 37 dimensions: not a multiple of a vector width.
    @Test func wordVectorIsTheExactMeanOfItsUnitRows() {
        let keys = SubwordUnits.keys(of: "대통령이".unicodeScalars)
        var random = SeededRandom(seed: 5)
        let vectors = SubwordVectors(dimension: 37, keys: keys, vectors: (0..<(keys.count * 37)).map { _ in random.normal() })
        let rows = vectors.rows(ofWord: "대통령이".unicodeScalars)
        #expect(rows.count == keys.count)
        let scale = 1 / Float(rows.count)
        var expected = [Float](repeating: 0, count: 37)
        for row in rows { for d in 0..<37 { expected[d] = expected[d] + scale * vectors.vectors[Int(row) * 37 + d] } }
        #expect(vectors.vector(ofWord: "대통령이".unicodeScalars) == expected)
    }

    @Test func savesAndLoads() throws {
        let vectors = sample()
        let path = NSTemporaryDirectory() + "korqa-wv-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try vectors.save(to: path, metadata: ["note": "x"])
        let loaded = try SubwordVectors.load(from: path)
        #expect(loaded.keys == vectors.keys && loaded.vectors == vectors.vectors && loaded.dimension == 4)
        #expect(try SubwordVectors.metadata(at: path)["note"] == "x")
        #expect(throws: WordVectorsError.notFound(path: path + ".missing")) { try SubwordVectors.load(from: path + ".missing") }
        try SafeTensors.write([.init(name: "w", shape: [1], values: [1])], metadata: [:], to: path)
        #expect(throws: WordVectorsError.self) { try SubwordVectors.load(from: path) }
    }

    /// One byte a value, scaled per row: every value within half a step of the trained one,
    /// loading gives the same floats, and saving what was loaded writes the same file.
    @Test func storesOneBytePerValueScaledPerRow() throws {
        var random = SeededRandom(seed: 3)
        let dimension = 16, keys: [UInt64] = (0..<50).map { UInt64($0) + 1 }
        var trained = (0..<(keys.count * dimension)).map { _ in (random.uniform() * 2 - 1) * 0.3 }
        for d in 0..<dimension { trained[d] = 0 }  // an all-zero row stays zero
        let vectors = SubwordVectors(dimension: dimension, keys: keys, vectors: trained)
        for r in 1..<keys.count {
            let row = (r * dimension)..<((r + 1) * dimension)
            let step = trained[row].map(abs).max()! / 127
            for i in row { #expect(abs(vectors.vectors[i] - trained[i]) <= step * 0.51 + 1e-3 * abs(trained[i]), "row \(r)") }
            #expect(Set(vectors.vectors[row].map { ($0 / step).rounded() }).count <= 255)
        }
        #expect(vectors.vectors[0..<dimension].allSatisfy { $0 == 0 })

        let path = NSTemporaryDirectory() + "korqa-wv8-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try vectors.save(to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(file.tensors["vectors"]?.dtype == .i8 && file.tensors["vectors"].map { $0.end - $0.begin } == keys.count * dimension)
        let loaded = try SubwordVectors.load(from: path)
        #expect(loaded.vectors == vectors.vectors)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try loaded.save(to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)

        // A table saved in F16 (before I8 storage) loads to the values freshly trained ones get.
        try SafeTensors.write([.init(name: "vectors", shape: [keys.count, dimension], values: trained, dtype: .f16)],
                              metadata: ["korqa.word_vectors": "1", "korqa.word_vector_units": keys.map { String($0, radix: 16) }.joined(separator: " ")],
                              to: path)
        #expect(try SubwordVectors.load(from: path).vectors == vectors.vectors)

        // An I8 table without its scales cannot be read as vectors.
        try SafeTensors.write([.init(name: "vectors", shape: [keys.count, dimension], values: [Float](repeating: 1, count: keys.count * dimension), dtype: .i8)],
                              metadata: ["korqa.word_vectors": "1", "korqa.word_vector_units": keys.map { String($0, radix: 16) }.joined(separator: " ")],
                              to: path)
        #expect(throws: WordVectorsError.self) { try SubwordVectors.load(from: path) }
    }
}

@Suite struct SkipGramFilesTests {
    @Test func readsCorporaWithoutExcludedArticles() throws {
        let folder = NSTemporaryDirectory() + "korqa-sg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            <doc id="1" title="지미 카터">
            지미 카터
            카터는 대통령이다.
            </doc>
            <doc id="2" title="서울">
            서울
            서울은 도시이다.
            </doc>
            """.write(toFile: folder + "/wiki_00", atomically: true, encoding: .utf8)
        var progress: [(Int, Int)] = []
        let (all, allReport) = try SkipGramCorpus.read(folder) { done, total, _ in progress.append((done, total)) }
        let (some, report) = try SkipGramCorpus.read(folder, excludedTitles: [TextCorpus.titleKey(" 지미 카터")])
        #expect(allReport.skippedArticles == 0 && report.skippedArticles == 1 && progress.count == 1 && progress[0] == (1, 1))
        #expect(all.sentenceCount == 4 && some.sentenceCount == 2 && report.bytes == "서울".utf8.count + "서울은 도시이다.".utf8.count)
        let (limited, limitedReport) = try SkipGramCorpus.read(folder, limitBytes: 1)
        #expect(limited.sentenceCount == 1 && limitedReport.bytes == "지미 카터".utf8.count)
        #expect(throws: HangulError.self) { try SkipGramCorpus.read(folder + "/none") }
    }

    @Test func checkpointsRoundTripExactly() throws {
        let path = NSTemporaryDirectory() + "korqa-sg-\(UUID().uuidString).checkpoint"
        let saved = SkipGram.Checkpoint(epoch: 3, input: [1.5, -0.25, .leastNonzeroMagnitude], output: [0, 2, 3.25])
        try saved.save(to: path)
        let loaded = try SkipGram.Checkpoint.load(from: path)
        #expect(loaded.epoch == 3 && loaded.input == saved.input && loaded.output == saved.output)
        #expect(throws: WordVectorsError.nothingToResume(path: path + ".none")) { try SkipGram.Checkpoint.load(from: path + ".none") }
    }
}
