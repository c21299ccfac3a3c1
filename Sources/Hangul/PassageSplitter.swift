/// Cuts a document into passages a reader can read: paragraph-based, at most about
/// `maxSyllables` non-space characters each, with [start, end) code-point offsets into the
/// document (the text of a passage is always the document's slice).
///
/// - Paragraphs are separated by line breaks. Consecutive short paragraphs are joined while
///   they fit (a passage never crosses a blank line, which usually ends a section).
/// - A paragraph longer than the limit is cut at sentence ends (`SentenceSplitter`), and each
///   piece after the first starts `overlapSentences` sentences back, so an answer that spans a
///   cut is whole in one of the two passages. A single sentence longer than the limit is cut
///   at a space (or anywhere, if it has none).
public struct PassageSplitter: Sendable {
    public var maxSyllables: Int
    public var overlapSentences: Int

    public init(maxSyllables: Int = 500, overlapSentences: Int = 1) {
        precondition(maxSyllables >= 1 && overlapSentences >= 0, "maxSyllables ≥ 1, overlapSentences ≥ 0")
        self.maxSyllables = maxSyllables
        self.overlapSentences = overlapSentences
    }

    public struct Passage: Codable, Equatable, Sendable {
        public var text: String
        public var start: Int
        public var end: Int
    }

    public func split(_ text: String) -> [Passage] {
        let scalars = Array(text.unicodeScalars)
        func weight(_ r: Range<Int>) -> Int { scalars[r].reduce(0) { $0 + ($1.properties.isWhitespace ? 0 : 1) } }
        func passage(_ r: Range<Int>) -> Passage? {
            var s = r.lowerBound, e = r.upperBound
            while s < e && scalars[s].properties.isWhitespace { s += 1 }
            while e > s && scalars[e - 1].properties.isWhitespace { e -= 1 }
            guard s < e else { return nil }
            return Passage(text: String(String.UnicodeScalarView(scalars[s..<e])), start: s, end: e)
        }
        // Paragraphs (line ranges with text) and whether a blank line precedes each.
        var paragraphs: [(range: Range<Int>, afterBlank: Bool)] = []
        var lineStart = 0, blank = false, i = 0
        while i <= scalars.count {
            let atEnd = i == scalars.count
            if atEnd || scalars[i] == "\n" || scalars[i] == "\r" || scalars[i] == "\u{2029}" {
                let line = lineStart..<i
                if weight(line) > 0 { paragraphs.append((line, blank)); blank = false } else if !atEnd { blank = true }
                if !atEnd && scalars[i] == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }  // CRLF is one break
                lineStart = i + 1
            }
            i += 1
        }
        var passages: [Passage] = []
        var pending: Range<Int>?
        func flush() {
            if let p = pending, let made = passage(p) { passages.append(made) }
            pending = nil
        }
        for (range, afterBlank) in paragraphs {
            let w = weight(range)
            if w > maxSyllables {
                flush()
                passages += long(range, scalars: scalars, weight: weight).compactMap(passage)
                continue
            }
            if let p = pending, !afterBlank, weight(p) + w <= maxSyllables {
                pending = p.lowerBound..<range.upperBound
            } else {
                flush()
                pending = range
            }
        }
        flush()
        return passages
    }

    /// Pieces of one long paragraph: sentences packed up to the limit, each piece after the
    /// first beginning `overlapSentences` sentences before the previous one ended.
    func long(_ range: Range<Int>, scalars: [Unicode.Scalar], weight: (Range<Int>) -> Int) -> [Range<Int>] {
        let text = String(String.UnicodeScalarView(scalars[range]))
        var sentences = SentenceSplitter().split(text).map { (range.lowerBound + $0.start)..<(range.lowerBound + $0.end) }
        // A sentence over the limit is cut at spaces into pieces that fit.
        sentences = sentences.flatMap { s -> [Range<Int>] in
            guard weight(s) > maxSyllables else { return [s] }
            var pieces: [Range<Int>] = [], start = s.lowerBound, count = 0, lastSpace: Int?
            for i in s {
                if scalars[i].properties.isWhitespace { lastSpace = i; continue }
                count += 1
                if count > maxSyllables {
                    let cut = lastSpace.map { $0 > start ? $0 : i } ?? i
                    pieces.append(start..<cut)
                    start = cut
                    count = weight(cut..<(i + 1))
                    lastSpace = nil
                }
            }
            pieces.append(start..<s.upperBound)
            return pieces
        }
        var pieces: [Range<Int>] = []
        var first = 0
        while first < sentences.count {
            var last = first, total = weight(sentences[first])
            while last + 1 < sentences.count, total + weight(sentences[last + 1]) <= maxSyllables {
                last += 1
                total += weight(sentences[last])
            }
            pieces.append(sentences[first].lowerBound..<sentences[last].upperBound)
            guard last + 1 < sentences.count else { break }
            // Step back for the overlap, but always move forward.
            first = max(first + 1, last + 1 - overlapSentences)
        }
        return pieces
    }
}
