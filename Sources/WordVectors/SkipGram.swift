import Foundation
import Hangul
import NeuralCore

/// Text prepared for skip-gram training: every word interned once, the running text as word
/// ids, sentences (lines) kept apart so a window never crosses them.
public final class SkipGramCorpus: @unchecked Sendable {
    var wordOfKey: [UInt64: Int32] = [:]
    var wordScalars: [[Unicode.Scalar]] = []
    var wordCounts: [Int] = []
    var tokens: [Int32] = []
    /// `tokens[sentenceEnds[k - 1]..<sentenceEnds[k]]` is sentence k.
    var sentenceEnds: [Int] = []

    public init() {}

    public var tokenCount: Int { tokens.count }
    public var distinctWords: Int { wordScalars.count }
    public var sentenceCount: Int { sentenceEnds.count }

    /// Adds one line of text, cut into words as the reader cuts them (normalized, syllable
    /// tokens, `SubwordUnits.words`).
    public func add(line: String) {
        let syllables = SyllableTokenizer().tokenize(Normalizer().normalize(line))
        guard !syllables.isEmpty else { return }
        for word in SubwordUnits.words(syllables[...]) {
            let scalars = syllables[word].flatMap(\.text.unicodeScalars)
            let key = SubwordUnits.wordKey(of: scalars)
            let id: Int32
            if let known = wordOfKey[key] { id = known } else {
                id = Int32(wordScalars.count)
                wordOfKey[key] = id
                wordScalars.append(scalars)
                wordCounts.append(0)
            }
            wordCounts[Int(id)] += 1
            tokens.append(id)
        }
        sentenceEnds.append(tokens.count)
    }
}

/// Skip-gram with negative sampling over subword units (fastText's `skipgram` model): the
/// center word's vector h is the mean of its unit vectors; each context word o within a random
/// window is a positive example and `negatives` words drawn from unigram^0.75 negative ones.
///   loss = −log σ(h · v_o) − Σ_n log σ(−h · v_n)
public struct SkipGramOptions: Sendable, Codable, Equatable {
    public var dimension = 128
    /// Largest window (each center draws 1…window words per side, as word2vec does).
    public var window = 5
    public var negatives = 5
    public var epochs = 1
    public var learningRate: Float = 0.05
    /// Words seen at least this often are context words and get a whole-word unit.
    public var minWordCount = 5
    /// N-grams seen at least this often (counting every occurrence of their words) are units.
    public var minUnitCount = 5
    /// The most frequent units kept (the table shipped with a reader is units × dimension).
    public var maxUnits = 100_000
    public var maxContextWords = 200_000
    /// Frequent words are skipped with probability 1 − (√(f/t) + 1)·t/f (word2vec's t).
    public var subsample = 1e-4
    public var seed: UInt64 = 1

    public init() {}
}

public struct SkipGramProgress: Sendable {
    public var epoch: Int
    public var tokensDone: Int
    public var tokensTotal: Int
    /// Mean loss per (center, target) pair since the previous report.
    public var loss: Double
    public var learningRate: Float
    public var tokensPerSecond: Double
}

public enum SkipGram {
    /// The table layout and vocabularies a corpus gives under `options`.
    struct Plan {
        var unitKeys: [UInt64]
        /// CSR: word w's unit rows are `unitRows[unitStarts[w]..<unitStarts[w + 1]]`.
        var unitStarts: [Int]
        var unitRows: [Int32]
        /// Output row of each word, −1 for words too rare to be context words.
        var contextRow: [Int32]
        var contextCount: Int
        var negativeTable: [Int32]
    }

    static func plan(_ corpus: SkipGramCorpus, options: SkipGramOptions) -> Plan {
        var unitCounts: [UInt64: Int] = [:]
        for (w, scalars) in corpus.wordScalars.enumerated() {
            let count = corpus.wordCounts[w]
            for key in SubwordUnits.keys(of: scalars) where !SubwordUnits.isWholeWord(key) || count >= options.minWordCount {
                unitCounts[key, default: 0] += count
            }
        }
        let unitKeys = unitCounts.filter { $0.value >= options.minUnitCount }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(options.maxUnits).map(\.key)
        let rowOfKey = KeyRowTable(keys: unitKeys)
        var unitStarts = [0], unitRows: [Int32] = []
        for scalars in corpus.wordScalars {
            unitRows += SubwordUnits.keys(of: scalars).compactMap { rowOfKey[$0] }
            unitStarts.append(unitRows.count)
        }
        let contextWords = corpus.wordCounts.indices.filter { corpus.wordCounts[$0] >= options.minWordCount }
            .sorted { corpus.wordCounts[$0] != corpus.wordCounts[$1] ? corpus.wordCounts[$0] > corpus.wordCounts[$1] : $0 < $1 }
            .prefix(options.maxContextWords)
        var contextRow = [Int32](repeating: -1, count: corpus.distinctWords)
        for (row, w) in contextWords.enumerated() { contextRow[w] = Int32(row) }
        // Negatives: a table where word o fills a share ∝ count^0.75 (word2vec).
        let weights = contextWords.map { Foundation.pow(Double(corpus.wordCounts[$0]), 0.75) }
        let total = weights.reduce(0, +), size = min(10_000_000, max(1_000, contextWords.count * 50))
        var table: [Int32] = []
        table.reserveCapacity(size)
        var cumulative = 0.0
        for (row, weight) in weights.enumerated() {
            cumulative += weight
            let until = Int((cumulative / total * Double(size)).rounded())
            while table.count < until { table.append(Int32(row)) }
        }
        return Plan(unitKeys: unitKeys, unitStarts: unitStarts, unitRows: unitRows, contextRow: contextRow,
                    contextCount: contextWords.count, negativeTable: table)
    }

    /// One SGD step for one center word, fastText's update: h = mean of the input rows
    /// `units`; for each (output row, label) in order, g = σ(h · v) − label, v −= lr·g·h (v as
    /// it was goes into ∂h); then every unit row −= lr·∂L/∂h (fastText adds the gradient of h to
    /// each unit unscaled — n times the gradient of the mean, a larger step for many-unit words).
    /// Returns the summed loss −log σ(±h · v).
    ///
    /// `h` and `gradient` are scratch buffers of `dimension` floats.
    @inline(__always)
    static func step(units: UnsafeBufferPointer<Int32>, targets: UnsafeBufferPointer<(row: Int32, label: Float)>,
                     input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, dimension: Int,
                     learningRate: Float, h: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>) -> Float {
        let n = units.count
        guard n > 0 else { return 0 }
        h.initialize(repeating: 0, count: dimension)
        gradient.initialize(repeating: 0, count: dimension)
        for u in units {
            let row = input + Int(u) * dimension
            for d in 0..<dimension { h[d] += row[d] }
        }
        let scale = 1 / Float(n)
        for d in 0..<dimension { h[d] *= scale }
        var loss: Float = 0
        for target in targets {
            let v = output + Int(target.row) * dimension
            var dot: Float = 0
            for d in 0..<dimension { dot += h[d] * v[d] }
            let p = 1 / (1 + Foundation.exp(-dot))
            loss += target.label > 0 ? -Foundation.log(max(p, 1e-7)) : -Foundation.log(max(1 - p, 1e-7))
            let g = p - target.label
            for d in 0..<dimension {
                gradient[d] += g * v[d]
                v[d] -= learningRate * g * h[d]
            }
        }
        for u in units {
            let row = input + Int(u) * dimension
            for d in 0..<dimension { row[d] -= learningRate * gradient[d] }
        }
        return loss
    }

    /// Where training can resume: the tables after `epoch` full epochs.
    public struct Checkpoint: Sendable {
        public var epoch: Int
        public var input: [Float]
        public var output: [Float]

        public init(epoch: Int, input: [Float], output: [Float]) { self.epoch = epoch; self.input = input; self.output = output }
    }

    /// Trains vectors over the corpus. `checkpoint` is called after each epoch (to save it);
    /// `resumeFrom` continues a run with the same corpus and options.
    public static func train(_ corpus: SkipGramCorpus, options: SkipGramOptions, resumeFrom: Checkpoint? = nil,
                             progress: ((SkipGramProgress) -> Void)? = nil,
                             checkpoint: ((Checkpoint) throws -> Void)? = nil) throws -> SubwordVectors {
        guard corpus.tokenCount > 0 else { throw WordVectorsError.cannotTrain(reason: "the corpus has no words") }
        guard options.dimension > 0, options.window > 0, options.negatives >= 0, options.epochs > 0 else {
            throw WordVectorsError.cannotTrain(reason: "dimension, window and epochs must be positive and negatives ≥ 0")
        }
        let plan = plan(corpus, options: options)
        guard !plan.unitKeys.isEmpty, plan.contextCount > 0 else {
            throw WordVectorsError.cannotTrain(reason: "no word occurs \(options.minWordCount)+ times; lower the minimum count or give more text")
        }
        let D = options.dimension
        var random = SeededRandom(seed: options.seed)
        var input = (0..<(plan.unitKeys.count * D)).map { _ in (random.uniform() * 2 - 1) / Float(D) }
        var output = [Float](repeating: 0, count: plan.contextCount * D)
        var firstEpoch = 0
        if let resumeFrom {
            guard resumeFrom.input.count == input.count, resumeFrom.output.count == output.count else {
                throw WordVectorsError.cannotTrain(reason: "the checkpoint's tables do not fit this corpus and these options; start again without resuming")
            }
            input = resumeFrom.input; output = resumeFrom.output; firstEpoch = resumeFrom.epoch
        }
        let total = Double(corpus.tokenCount)
        let keepThreshold = options.subsample * total
        let keepProbability = corpus.wordCounts.map { count -> Float in
            guard options.subsample > 0 else { return 1 }
            let ratio = keepThreshold / Double(count)
            return Float(min(1, ratio.squareRoot() + ratio))
        }
        let allTokens = options.epochs * corpus.tokenCount
        var h = [Float](repeating: 0, count: D), gradient = [Float](repeating: 0, count: D)
        var targets: [(row: Int32, label: Float)] = []
        var kept: [Int32] = []
        for epoch in firstEpoch..<options.epochs {
            // Each epoch draws from its own stream, so a resumed run equals an uninterrupted one.
            random = SeededRandom(seed: options.seed &+ UInt64(epoch + 1) &* 0x9E37_79B9)
            var sentenceStart = 0, lossSum = 0.0, pairs = 0, lastReport = 0
            var started = Date()
            input.withUnsafeMutableBufferPointer { inputBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    for end in corpus.sentenceEnds {
                        defer { sentenceStart = end }
                        kept.removeAll(keepingCapacity: true)
                        for t in sentenceStart..<end {
                            let w = corpus.tokens[t]
                            if keepProbability[Int(w)] >= 1 || random.uniform() < keepProbability[Int(w)] { kept.append(w) }
                        }
                        let done = epoch * corpus.tokenCount + end
                        let lr = options.learningRate * Float(max(0.0001, 1 - Double(done) / Double(allTokens)))
                        for i in kept.indices {
                            let w = Int(kept[i])
                            let units = plan.unitStarts[w]..<plan.unitStarts[w + 1]
                            guard !units.isEmpty else { continue }
                            let reach = 1 + Int(random.next() % UInt64(options.window))
                            targets.removeAll(keepingCapacity: true)
                            for j in max(0, i - reach)...min(kept.count - 1, i + reach) where j != i {
                                let o = plan.contextRow[Int(kept[j])]
                                guard o >= 0 else { continue }
                                targets.append((o, 1))
                                for _ in 0..<options.negatives {
                                    let negative = plan.negativeTable[Int(random.next() % UInt64(plan.negativeTable.count))]
                                    if negative != o { targets.append((negative, 0)) }
                                }
                            }
                            guard !targets.isEmpty else { continue }
                            let loss = plan.unitRows.withUnsafeBufferPointer { rows in
                                targets.withUnsafeBufferPointer { t in
                                    h.withUnsafeMutableBufferPointer { hb in
                                        gradient.withUnsafeMutableBufferPointer { gb in
                                            step(units: UnsafeBufferPointer(rebasing: rows[units]), targets: t, input: inputBuffer.baseAddress!,
                                                 output: outputBuffer.baseAddress!, dimension: D, learningRate: lr, h: hb.baseAddress!, gradient: gb.baseAddress!)
                                        }
                                    }
                                }
                            }
                            lossSum += Double(loss); pairs += targets.count
                        }
                        if let progress, end - lastReport >= 200_000 || end == corpus.tokenCount {
                            let seconds = max(Date().timeIntervalSince(started), 1e-9)
                            progress(SkipGramProgress(epoch: epoch + 1, tokensDone: end, tokensTotal: corpus.tokenCount,
                                                      loss: pairs > 0 ? lossSum / Double(pairs) : 0, learningRate: lr,
                                                      tokensPerSecond: Double(end - lastReport) / seconds))
                            lossSum = 0; pairs = 0; lastReport = end; started = Date()
                        }
                    }
                }
            }
            try checkpoint?(Checkpoint(epoch: epoch + 1, input: input, output: output))
        }
        return SubwordVectors(dimension: D, keys: plan.unitKeys, vectors: input)
    }
}

extension SubwordUnits {
    /// The whole-word key of a word (the first of `keys(of:)`).
    public static func wordKey(of word: some Collection<Unicode.Scalar>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for s in word { hash = (hash ^ UInt64(s.value)) &* 0x100_0000_01b3 }
        return hash | (1 << 63)
    }
}

extension SkipGramCorpus {
    /// The corpus words (among the `among` most frequent) whose vectors are closest to `word`'s
    /// by cosine, best first; the word itself is left out.
    public func nearestWords(to word: String, vectors: SubwordVectors, count: Int, among: Int = 30_000) -> [(word: String, cosine: Float)] {
        func normalized(_ v: [Float]) -> [Float]? {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : nil
        }
        guard let probe = normalized(vectors.vector(ofWord: word.unicodeScalars)) else { return [] }
        let frequent = wordCounts.indices.sorted { wordCounts[$0] > wordCounts[$1] }.prefix(among)
        var scored: [(word: String, cosine: Float)] = []
        for w in frequent {
            let text = String(String.UnicodeScalarView(wordScalars[w]))
            guard text != word, let v = normalized(vectors.vector(ofWord: wordScalars[w])) else { continue }
            scored.append((text, zip(probe, v).reduce(0) { $0 + $1.0 * $1.1 }))
        }
        return Array(scored.sorted { $0.cosine > $1.cosine }.prefix(count))
    }
}
