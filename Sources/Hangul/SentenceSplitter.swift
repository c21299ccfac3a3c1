/// One sentence of a text: its text and [start, end) code-point offsets into the original.
public struct SentenceSpan: Codable, Equatable, Sendable {
    public var text: String
    public var start: Int
    public var end: Int
    public init(text: String, start: Int, end: Int) { self.text = text; self.start = start; self.end = end }
}

/// Korean (and mixed) sentence splitting for summaries and documents.
///
/// A sentence ends at a line break, or after . ? ! … 。 ？ ！ (any run of them, then any closing
/// quotes or brackets) when whitespace or the end of the text follows. So "했다. 그는" splits,
/// while "3.5", "좋다.\"라고" and "example.com" do not; a lone list number ("1. 소개") or a
/// one-letter initial ("J. 김") does not end a sentence. Offsets are code points into the text
/// as given (the unit of KorQuAD's answer_start); each sentence is trimmed of whitespace.
public struct SentenceSplitter: Sendable {
    public init() {}

    static let terminals: Set<Unicode.Scalar> = [".", "?", "!", "…", "。", "？", "！"]
    static let closers: Set<Unicode.Scalar> = ["\"", "'", "”", "’", ")", "]", "}", "」", "』", "》", "〉", "）"]

    public func split(_ text: String) -> [SentenceSpan] {
        let scalars = Array(text.unicodeScalars)
        var spans: [SentenceSpan] = []
        var start = 0
        func emit(_ end: Int) {
            var s = start, e = end
            while s < e && scalars[s].properties.isWhitespace { s += 1 }
            while e > s && scalars[e - 1].properties.isWhitespace { e -= 1 }
            if s < e {
                var piece = ""
                piece.unicodeScalars.append(contentsOf: scalars[s..<e])
                spans.append(SentenceSpan(text: piece, start: s, end: e))
            }
            start = end
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}" {
                emit(i)
                i += 1
                continue
            }
            guard Self.terminals.contains(c) else { i += 1; continue }
            var j = i
            while j < scalars.count && Self.terminals.contains(scalars[j]) { j += 1 }
            while j < scalars.count && Self.closers.contains(scalars[j]) { j += 1 }
            let boundary = j == scalars.count || scalars[j].properties.isWhitespace
            if boundary && !isListMarkerOrInitial(scalars, sentenceStart: start, terminal: i) { emit(j) }
            i = j
        }
        emit(scalars.count)
        return spans
    }

    /// "1." / "2)" / "가." or a single Latin initial before the period: the text since the
    /// sentence start (or the last space) is one or two digits or one letter.
    func isListMarkerOrInitial(_ scalars: [Unicode.Scalar], sentenceStart: Int, terminal: Int) -> Bool {
        guard scalars[terminal] == "." else { return false }
        var k = terminal
        while k > sentenceStart && !scalars[k - 1].properties.isWhitespace { k -= 1 }
        let word = scalars[k..<terminal]
        if word.isEmpty { return false }
        if word.count <= 2 && word.allSatisfy({ $0.properties.numericType != nil }) {
            // Only a list marker when it opens the sentence.
            return scalars[sentenceStart..<k].allSatisfy { $0.properties.isWhitespace }
        }
        return word.count == 1 && word.first!.isASCII && word.first!.properties.isUppercase
    }
}
