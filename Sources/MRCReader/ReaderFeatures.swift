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

    /// The `k` best spans with first ≤ last < first + maxLength, best first. O(T · maxLength).
    public static func best(startScores: [Float], endScores: [Float], maxLength: Int, k: Int = 1) -> [Span] {
        precondition(startScores.count == endScores.count, "start and end scores differ in length")
        var spans: [Span] = []
        for i in startScores.indices {
            for j in i..<min(i + maxLength, endScores.count) {
                spans.append(Span(first: i, last: j, score: startScores[i] + endScores[j]))
            }
        }
        spans.sort { $0.score != $1.score ? $0.score > $1.score : ($0.first, $0.last) < ($1.first, $1.last) }
        return Array(spans.prefix(k))
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
///    a word's start and end before a particle, so the model needs to know where words are.
public enum ContextFeatures {
    public static let count = 4

    /// Row-major [window.count, count].
    public static func compute(window: ArraySlice<Token>, question: [String]) -> [Float] {
        let asked = Set(question)
        var bigrams = Set<String>()
        for i in question.indices.dropFirst() { bigrams.insert(question[i - 1] + question[i]) }
        var values = [Float](repeating: 0, count: window.count * count)
        let first = window.startIndex, last = window.endIndex - 1
        for (t, i) in window.indices.enumerated() {
            let token = window[i]
            if asked.contains(token.text) { values[t * count] = 1 }
            if (i > first && bigrams.contains(window[i - 1].text + token.text))
                || (i < last && bigrams.contains(token.text + window[i + 1].text)) { values[t * count + 1] = 1 }
            if i == first || window[i - 1].end < token.start { values[t * count + 2] = 1 }
            if i == last || window[i + 1].start > token.end { values[t * count + 3] = 1 }
        }
        return values
    }
}
