import Hangul

/// A context cut into syllable tokens that remember their code-point offsets in the ORIGINAL
/// context, so answers are sliced from the source text, never rebuilt from tokens (DrQA).
public struct TokenizedText: Sendable {
    public var tokens: [Token]

    public init(_ text: String) {
        tokens = SyllableTokenizer().tokenize(Normalizer().normalize(text))
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
    public static func answer(_ span: Span, tokens: [Token], context: String) -> (text: String, start: Int, end: Int) {
        let start = tokens[span.first].start, end = tokens[span.last].end
        let scalars = Array(context.unicodeScalars)
        return (String(String.UnicodeScalarView(scalars[start..<end])), start, end)
    }
}
