/// ROUGE over syllables: the letters and digits of each text (spaces and punctuation removed,
/// Latin letters lowercased), as Korean summarization is usually scored — the word-level
/// `rouge_score` tokenizer drops Hangul entirely.
public enum Rouge {
    public struct Score: Codable, Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double

        init(overlap: Int, candidate: Int, reference: Int) {
            precision = candidate == 0 ? 0 : Double(overlap) / Double(candidate)
            recall = reference == 0 ? 0 : Double(overlap) / Double(reference)
            f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
    }

    public struct Scores: Codable, Equatable, Sendable {
        public var rouge1: Score
        public var rouge2: Score
        public var rougeL: Score
    }

    /// The units ROUGE counts: each letter or digit, lowercased.
    public static func units(_ text: String) -> [Unicode.Scalar] {
        text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    public static func scores(_ candidate: String, reference: String) -> Scores {
        let c = units(candidate), r = units(reference)
        return Scores(rouge1: ngram(c, r, n: 1), rouge2: ngram(c, r, n: 2),
                      rougeL: Score(overlap: longestCommonSubsequence(c, r), candidate: c.count, reference: r.count))
    }

    /// Clipped n-gram overlap: each reference n-gram matches at most as often as it occurs.
    static func ngram(_ c: [Unicode.Scalar], _ r: [Unicode.Scalar], n: Int) -> Score {
        func counts(_ s: [Unicode.Scalar]) -> [String: Int] {
            var out: [String: Int] = [:]
            guard s.count >= n else { return out }
            for i in 0...(s.count - n) {
                var key = ""
                key.unicodeScalars.append(contentsOf: s[i..<(i + n)])
                out[key, default: 0] += 1
            }
            return out
        }
        let cc = counts(c), rc = counts(r)
        let overlap = cc.reduce(0) { $0 + min($1.value, rc[$1.key] ?? 0) }
        return Score(overlap: overlap, candidate: max(0, c.count - n + 1), reference: max(0, r.count - n + 1))
    }

    static func longestCommonSubsequence(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty && !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1), current = previous
        for x in a {
            for (j, y) in b.enumerated() { current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j]) }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
