import Hangul

/// A context cut into syllable tokens that remember their code-point offsets in the ORIGINAL
/// context, so answers are sliced from the source text, never rebuilt from tokens (DrQA).
public struct TokenizedText: Sendable {
    public var tokens: [Token]
    /// The original text, as code points (what token offsets index).
    public let scalars: [Unicode.Scalar]

    public init(_ text: String) {
        tokens = SyllableTokenizer().tokenize(Normalizer().normalize(text))
        scalars = Array(text.unicodeScalars)
    }

    /// The original text from token `first`'s start to token `last`'s end (inclusive indices).
    public func text(first: Int, last: Int) -> (text: String, start: Int, end: Int) {
        let start = tokens[first].start, end = tokens[last].end
        return (String(String.UnicodeScalarView(scalars[start..<end])), start, end)
    }

    /// The token range covering the answer at code points [start, start + length), or nil when
    /// no token overlaps it.
    public func tokenSpan(start: Int, length: Int) -> ClosedRange<Int>? {
        let end = start + length
        guard let first = tokens.firstIndex(where: { $0.end > start }),
              let last = tokens.lastIndex(where: { $0.start < end }), first <= last else { return nil }
        return first...last
    }
}

/// Overlapping windows over a long context: at most `length` tokens each, consecutive windows
/// starting `stride` tokens apart, the last one ending at the context's end.
public enum ContextWindows {
    public static func windows(tokenCount: Int, length: Int, stride: Int) -> [Range<Int>] {
        precondition(length > 0 && stride > 0 && stride <= length, "windows need 0 < stride ≤ length")
        guard tokenCount > length else { return [0..<tokenCount] }
        var result: [Range<Int>] = []
        var start = 0
        while true {
            let end = min(start + length, tokenCount)
            result.append(start..<end)
            if end == tokenCount { break }
            start += stride
            if start + length > tokenCount { start = tokenCount - length }
        }
        return result
    }
}

/// The best answer span from start/end scores.
public enum SpanDecoder {
    public struct Span: Equatable, Sendable {
        /// Token indices, inclusive.
        public var first: Int
        public var last: Int
        /// startScore[first] + endScore[last] (log-probabilities, typically).
        public var score: Float
    }

    /// The `k` best spans with first ≤ last < first + maxLength, best first; equal scores in
    /// (first, last) order. O(T · maxLength · k): the candidates are kept in a sorted list of at
    /// most k, since sorting all T · maxLength spans was a tenth of a 500-syllable answer's time.
    public static func best(startScores: [Float], endScores: [Float], maxLength: Int, k: Int = 1) -> [Span] {
        precondition(startScores.count == endScores.count, "start and end scores differ in length")
        guard k > 0 else { return [] }
        var kept: [Span] = []
        kept.reserveCapacity(k + 1)
        for i in startScores.indices {
            let start = startScores[i]
            for j in i..<min(i + maxLength, endScores.count) {
                let score = start + endScores[j]
                if kept.count == k, score <= kept[k - 1].score { continue }
                // Spans come in (first, last) order, so a new one goes after every equal score.
                var at = kept.count
                while at > 0, kept[at - 1].score < score { at -= 1 }
                kept.insert(Span(first: i, last: j, score: score), at: at)
                if kept.count > k { kept.removeLast() }
            }
        }
        return kept
    }

    /// The answer text cut from the ORIGINAL context by the span's code-point offsets.
    public static func answer(_ span: Span, in context: TokenizedText) -> (text: String, start: Int, end: Int) {
        context.text(first: span.first, last: span.last)
    }
}

/// Per-position context features the embeddings cannot see.
///
/// 0. the syllable occurs in the question (DrQA's exact match, at syllable level);
/// 1. the syllable bigram ending or starting here occurs in the question (a stronger match:
///    single syllables like 의, 는 are everywhere);
/// 2. the syllable starts a word (a space or the window's start before it);
/// 3. the syllable ends a word. Syllable tokens drop spaces, and Korean answers mostly start at
///    a word's start and end before a particle, so the model needs to know where words are;
/// 4. the syllable starts a particle or copula ending its word ("서울에서" → 에, "RDX라" → 라):
///    where answers end, which word boundaries alone get wrong (a closed class, like DrQA's POS);
/// 5. the share of the question's syllable bigrams that occur in this syllable's sentence;
/// 6. this syllable's sentence shares the most question bigrams in the window. 5 and 6 point at
///    the sentence the question paraphrases, which attention learns slowly from few examples.
public enum ContextFeatures {
    public static let count = 7

    /// Particles and endings that follow a noun in the same word, as syllable strings: the ones
    /// synthetic questions strip from answers (`ClozeQuestions.particles`) and more.
    static let particles = Set(ClozeQuestions.particles.map(\.0)).union([
        "나", "라", "고", "랑", "이라", "라고", "이나", "에는", "에도", "로는", "로서", "로써", "처럼", "보다", "께서", "한테",
        "였다", "이며", "이고", "인", "이란", "란", "와의", "과의", "에의", "에서도", "에서의", "으로서", "으로써", "이라고",
        "이었다", "에게는", "까지는",
    ])
    static let longestParticle = 3

    /// Row-major [window.count, count].
    public static func compute(window: ArraySlice<Token>, question: [String]) -> [Float] {
        let asked = Set(question)
        var bigrams = Set<String>()
        for i in question.indices.dropFirst() { bigrams.insert(question[i - 1] + question[i]) }
        var values = [Float](repeating: 0, count: window.count * count)
        let first = window.startIndex, last = window.endIndex - 1
        func startsWord(_ i: Int) -> Bool { i == first || window[i - 1].end < window[i].start }
        func endsWord(_ i: Int) -> Bool { i == last || window[i + 1].start > window[i].end }
        var wordStart = first
        var sentenceStart = first
        var sentences: [(range: Range<Int>, matched: Int)] = []
        var sentenceBigrams = Set<String>()
        for (t, i) in window.indices.enumerated() {
            let token = window[i]
            if startsWord(i) { wordStart = i }
            if asked.contains(token.text) { values[t * count] = 1 }
            let matchesBefore = i > first && bigrams.contains(window[i - 1].text + token.text)
            if matchesBefore { sentenceBigrams.insert(window[i - 1].text + token.text) }
            if matchesBefore || (i < last && bigrams.contains(token.text + window[i + 1].text)) { values[t * count + 1] = 1 }
            if startsWord(i) { values[t * count + 2] = 1 }
            if endsWord(i) {
                values[t * count + 3] = 1
                // The particle: the longest suffix in the list that leaves a stem of ≥ 1 syllable
                // (trailing punctuation aside: "서울이다." → 이).
                var end = i
                while end > wordStart, !(window[end].text.unicodeScalars.first?.properties.isAlphabetic ?? false) { end -= 1 }
                for length in stride(from: min(longestParticle, end - wordStart), through: 1, by: -1) {
                    let suffixStart = end - length + 1
                    if particles.contains(window[suffixStart...end].lazy.map(\.text).joined()) {
                        values[(suffixStart - first) * count + 4] = 1
                        break
                    }
                }
                // A sentence ends at ".", "?" or "!" that ends a word.
                if [".", "?", "!"].contains(token.text) || i == last {
                    sentences.append((sentenceStart..<(i + 1), sentenceBigrams.count))
                    sentenceStart = i + 1
                    sentenceBigrams = []
                }
            }
        }
        let best = sentences.map(\.matched).max() ?? 0
        for sentence in sentences {
            let share = bigrams.isEmpty ? 0 : Float(sentence.matched) / Float(bigrams.count)
            let isBest: Float = best > 0 && sentence.matched == best ? 1 : 0
            for i in sentence.range {
                values[(i - first) * count + 5] = share
                values[(i - first) * count + 6] = isBest
            }
        }
        return values
    }
}
