import Foundation
import Hangul

/// An extractive summary: sentences of the input, in their order, each with its offsets.
public struct ExtractiveSummary: Codable, Equatable, Sendable {
    public struct Sentence: Codable, Equatable, Sendable {
        /// Position among the input's sentences (0-based).
        public var index: Int
        public var text: String
        /// [start, end) code points into the original text.
        public var start: Int
        public var end: Int
        public var score: Double
    }
    public var sentences: [Sentence]
    /// How many sentences the input had.
    public var sentenceCount: Int
    public var text: String { sentences.map(\.text).joined(separator: " ") }
}

/// Picks the most central sentences (LexRank: PageRank over a graph whose edges are sentence
/// similarities) and returns them in the input's order — every word as the input wrote it.
///
/// Similarity is the cosine of character 1–3-gram TF-IDF vectors (IDF over the text's own
/// sentences; n-grams over the raw characters, spaces included), averaged with the cosine of the shared encoder's sentence vectors when an
/// embedder is given. A sentence nearly repeating one already chosen is passed over.
public struct ExtractiveSummarizer: Sendable {
    /// Unit-length sentence vectors (the shared sentence encoder), or nil for TF-IDF only.
    public var embed: (@Sendable ([String]) -> [[Float]])?
    /// Weight of the dense cosine in the similarity (the rest is TF-IDF).
    public var denseWeight = 0.5
    public var damping = 0.85
    /// A candidate whose TF-IDF cosine with a chosen sentence exceeds this is skipped (1: never).
    public var redundancy = 0.7
    /// N-grams over the raw characters (spaces and punctuation too, across words) instead of
    /// letters and digits within words. Raw is the default: on the Wikipedia development set
    /// (`korqa eval summarizer --wikipedia-extractive … --variants`, docs/summarizer.md) it
    /// scored ROUGE-L 0.677 against 0.601.
    public var rawCharacters = true

    public init(embed: (@Sendable ([String]) -> [[Float]])? = nil) { self.embed = embed }

    /// The `count` best sentences of `text` (split by `SentenceSplitter`).
    public func summarize(_ text: String, sentences count: Int) throws(SummarizerError) -> ExtractiveSummary {
        let spans = SentenceSplitter().split(text)
        guard !spans.isEmpty else { throw .emptyText }
        return summarize(spans, count: count)
    }

    /// The `count` best of sentences already split (e.g. a data set's), in their order.
    public func summarize(_ spans: [SentenceSpan], count: Int) -> ExtractiveSummary {
        let texts = spans.map(\.text)
        let tfidf = Self.tfidfVectors(texts, raw: rawCharacters)
        let scores = centrality(texts, tfidf: tfidf)
        let order = spans.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var chosen: [Int] = []
        for i in order where chosen.count < count {
            if chosen.contains(where: { Self.cosine(tfidf[$0], tfidf[i]) > redundancy }) { continue }
            chosen.append(i)
        }
        // Too few left after skipping near-repeats: fill up by score.
        for i in order where chosen.count < min(count, spans.count) && !chosen.contains(i) {
            chosen.append(i)
        }
        let sentences = chosen.sorted().map { ExtractiveSummary.Sentence(index: $0, text: spans[$0].text, start: spans[$0].start, end: spans[$0].end, score: scores[$0]) }
        return ExtractiveSummary(sentences: sentences, sentenceCount: spans.count)
    }

    /// The indices (in order) of the `count` best of sentences given as a list (a data set's).
    public func choose(_ sentences: [String], count: Int) -> [Int] {
        summarize(sentences.enumerated().map { SentenceSpan(text: $1, start: $0, end: $0 + 1) }, count: count).sentences.map(\.index)
    }

    /// LexRank scores (summing to 1) of the sentences.
    public func centrality(_ sentences: [String]) -> [Double] {
        centrality(sentences, tfidf: Self.tfidfVectors(sentences, raw: rawCharacters))
    }

    /// The same, from the sentences' TF-IDF vectors already made.
    func centrality(_ sentences: [String], tfidf: [[String: Double]]) -> [Double] {
        let n = sentences.count
        guard n > 1 else { return [Double](repeating: 1, count: n) }
        let dense = embed?(sentences)
        var similarity = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                var s = Self.cosine(tfidf[i], tfidf[j])
                if let dense {
                    let d = max(0, Double(zip(dense[i], dense[j]).reduce(Float(0)) { $0 + $1.0 * $1.1 }))
                    s = (1 - denseWeight) * s + denseWeight * d
                }
                similarity[i][j] = s; similarity[j][i] = s
            }
        }
        let rowSums = similarity.map { $0.reduce(0, +) }
        var rank = [Double](repeating: 1 / Double(n), count: n)
        for _ in 0..<100 {
            var next = [Double](repeating: (1 - damping) / Double(n), count: n)
            for j in 0..<n {
                // A sentence similar to nothing spreads its rank evenly.
                if rowSums[j] == 0 { for i in 0..<n { next[i] += damping * rank[j] / Double(n) }; continue }
                for i in 0..<n where similarity[j][i] > 0 { next[i] += damping * rank[j] * similarity[j][i] / rowSums[j] }
            }
            let change = zip(next, rank).reduce(0) { $0 + abs($1.0 - $1.1) }
            rank = next
            if change < 1e-9 { break }
        }
        return rank
    }

    /// Sparse TF-IDF vectors over character 1–3-grams of each sentence's letters and digits
    /// (spaces kept as one separator so n-grams do not cross words silently).
    static func tfidfVectors(_ sentences: [String], raw: Bool = false) -> [[String: Double]] {
        let grams = sentences.map { sentence -> [String: Double] in
            var counts: [String: Double] = [:]
            let units = raw ? Array(sentence.lowercased().unicodeScalars)
                : Array(sentence.lowercased().unicodeScalars.map { $0.properties.isAlphabetic || $0.properties.numericType != nil ? $0 : " " })
            for n in 1...3 where units.count >= n {
                for i in 0...(units.count - n) {
                    let piece = units[i..<(i + n)]
                    if !raw && (piece.allSatisfy({ $0 == " " }) || (n == 1 && piece.first == " ")) { continue }
                    var key = ""
                    key.unicodeScalars.append(contentsOf: piece)
                    counts[key, default: 0] += 1
                }
            }
            return counts
        }
        var documentFrequency: [String: Double] = [:]
        for g in grams { for key in g.keys { documentFrequency[key, default: 0] += 1 } }
        let n = Double(sentences.count)
        return grams.map { g in
            var v: [String: Double] = [:]
            for (key, tf) in g { v[key] = tf * (log((1 + n) / (1 + documentFrequency[key]!)) + 1) }
            return v
        }
    }

    static func cosine(_ a: [String: Double], _ b: [String: Double]) -> Double {
        let (small, large) = a.count < b.count ? (a, b) : (b, a)
        var dot = 0.0
        for (key, value) in small { if let w = large[key] { dot += value * w } }
        let na = a.values.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return na > 0 && nb > 0 ? dot / (na * nb) : 0
    }
}
