import CKoreanICU

/// One token and where it stands in the ORIGINAL text: `start ..< end` are Unicode scalar
/// (code point) offsets, half-open, as KorQuAD's `answer_start` counts.
public struct Token: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var start: Int
    public var end: Int

    public init(text: String, start: Int, end: Int) {
        self.text = text; self.start = start; self.end = end
    }

    public var description: String { "\(text)[\(start),\(end))" }
}

/// The ways KorQA cuts normalized text into tokens.
public enum TokenUnit: String, CaseIterable, Sendable {
    /// Each non-space character (grapheme) is a token; a Hangul syllable is one token.
    case syllable
    /// Like `syllable`, but each Hangul syllable becomes its conjoining jamo (초성, 중성, 종성), all
    /// carrying the syllable's offsets.
    case jamo
    /// ICU word boundaries (root locale); spaces are dropped, punctuation is kept.
    case word
    /// Whitespace-separated words (어절).
    case eojeol
}

/// Cuts normalized text into tokens whose offsets point into the original text.
public protocol Tokenizer: Sendable {
    func tokenize(_ text: NormalizedText) -> [Token]

    /// Calls `body` with each token of `tokenize(text)`, in order: its text as scalars (valid
    /// only during the call) and its offsets, without building a String or an array of tokens.
    /// What streaming front ends use (`korqa tokenize` writes tens of millions of tokens).
    func forEachToken(in text: NormalizedText, _ body: (_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ start: Int, _ end: Int) -> Void)
}

extension Tokenizer {
    /// By way of `tokenize`; the syllable and jamo tokenizers stream instead.
    public func forEachToken(in text: NormalizedText, _ body: (_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ start: Int, _ end: Int) -> Void) {
        for token in tokenize(text) {
            Array(token.text.unicodeScalars).withUnsafeBufferPointer { body($0, token.start, token.end) }
        }
    }
}

extension Tokenizer {
    /// Normalizes with `normalizer` and tokenizes.
    public func tokenize(_ string: String, normalizer: Normalizer = Normalizer()) -> [Token] {
        tokenize(normalizer.normalize(string))
    }
}

public func makeTokenizer(_ unit: TokenUnit) -> any Tokenizer {
    switch unit {
    case .syllable: return SyllableTokenizer()
    case .jamo: return JamoTokenizer()
    case .word: return WordTokenizer()
    case .eojeol: return EojeolTokenizer()
    }
}

/// A grapheme of the normalized text: scalars `first...last` (never a space).
struct GraphemeRange {
    var first: Int
    var last: Int
}

/// The maximal runs of non-space scalars (normalized text holds only single ASCII spaces as
/// whitespace).
func eojeolRanges(_ text: NormalizedText) -> [GraphemeRange] {
    var ranges: [GraphemeRange] = []
    var first = -1
    text.scalars.withUnsafeBufferPointer { scalars in
        for i in 0..<scalars.count {
            if scalars[i] == " " {
                if first >= 0 { ranges.append(GraphemeRange(first: first, last: i - 1)); first = -1 }
            } else if first < 0 {
                first = i
            }
        }
        if first >= 0 { ranges.append(GraphemeRange(first: first, last: scalars.count - 1)) }
    }
    return ranges
}

/// The grapheme clusters of the normalized text, spaces left out.
///
/// A word of "grapheme-simple" scalars (Grapheme_Cluster_Break Other, LV or LVT) breaks between
/// every two scalars, so only words with combining marks, conjoining jamo, emoji sequences and
/// the like pay for Swift's grapheme segmentation.
func graphemeRanges(_ text: NormalizedText) -> [GraphemeRange] {
    var ranges: [GraphemeRange] = []
    ranges.reserveCapacity(text.count)
    let table = ScalarTables.bmp
    for word in eojeolRanges(text) {
        if isGraphemeSimple(text, word, table) {
            for i in word.first...word.last { ranges.append(GraphemeRange(first: i, last: i)) }
        } else {
            appendGraphemes(of: text, word, to: &ranges)
        }
    }
    return ranges
}

/// True when every scalar of `word` is grapheme-simple, so each one is its own grapheme.
@inline(__always)
func isGraphemeSimple(_ text: NormalizedText, _ word: GraphemeRange, _ table: [UInt8]) -> Bool {
    for i in word.first...word.last {
        let c = text.scalars[i].value
        let entry = c < 0x10000 ? table[Int(c)] : ScalarTables.compute(c)
        if entry & ScalarTables.simpleBit == 0 { return false }
    }
    return true
}

/// The slow path: Swift's grapheme segmentation of one word.
func appendGraphemes(of text: NormalizedText, _ word: GraphemeRange, to ranges: inout [GraphemeRange]) {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: text.scalars[word.first...word.last])
    var position = word.first
    for character in String(view) {
        let n = character.unicodeScalars.count
        ranges.append(GraphemeRange(first: position, last: position + n - 1))
        position += n
    }
}

/// Ready-made one-scalar Strings for ASCII, conjoining jamo and the modern syllables: copying a
/// small String is far cheaper than building one, and these are nearly all tokens.
enum ScalarStrings {
    static let ascii: [String] = (0..<0x80).map { String(Character(Unicode.Scalar(UInt8($0)))) }
    static let conjoining: [String] = (0x1100..<0x1200).map { String(Character(Unicode.Scalar(UInt32($0))!)) }
    static let syllables: [String] = (0..<Jamo.syllableCount).map {
        String(Character(Unicode.Scalar(Jamo.syllableBase + $0)!))
    }

    @inline(__always)
    static func string(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        if v < 0x80 { return ascii[Int(v)] }
        if v &- Jamo.syllableBase < Jamo.syllableCount { return syllables[Int(v - Jamo.syllableBase)] }
        if v &- 0x1100 < 0x100 { return conjoining[Int(v - 0x1100)] }
        return String(Character(scalar))
    }
}

@inline(__always)
func makeString(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    if scalars.count == 1 { return ScalarStrings.string(scalars.first!) }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
}

public struct SyllableTokenizer: Tokenizer {
    public init() {}

    /// The hot path of KorQA's input pipeline: words made only of grapheme-simple scalars (nearly
    /// all Korean words) give one token per scalar without building grapheme ranges.
    public func tokenize(_ text: NormalizedText) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(text.count)
        var slow: [GraphemeRange] = []
        let table = ScalarTables.bmp
        let syllables = ScalarStrings.syllables, ascii = ScalarStrings.ascii
        for word in eojeolRanges(text) {
            if isGraphemeSimple(text, word, table) {
                for i in word.first...word.last {
                    let v = text.scalars[i].value
                    let string = v &- Jamo.syllableBase < Jamo.syllableCount ? syllables[Int(v &- Jamo.syllableBase)]
                        : v < 0x80 ? ascii[Int(v)] : ScalarStrings.string(text.scalars[i])
                    tokens.append(Token(text: string, start: text.starts[i], end: text.ends[i]))
                }
            } else {
                slow.removeAll(keepingCapacity: true)
                appendGraphemes(of: text, word, to: &slow)
                for g in slow {
                    tokens.append(Token(text: makeString(text.scalars[g.first...g.last]),
                                        start: text.starts[g.first], end: text.ends[g.last]))
                }
            }
        }
        return tokens
    }
}

extension SyllableTokenizer {
    public func forEachToken(in text: NormalizedText, _ body: (_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ start: Int, _ end: Int) -> Void) {
        let table = ScalarTables.bmp
        var slow: [GraphemeRange] = []
        text.scalars.withUnsafeBufferPointer { scalars in
            for word in eojeolRanges(text) {
                if isGraphemeSimple(text, word, table) {
                    for i in word.first...word.last { body(UnsafeBufferPointer(rebasing: scalars[i...i]), text.starts[i], text.ends[i]) }
                } else {
                    slow.removeAll(keepingCapacity: true)
                    appendGraphemes(of: text, word, to: &slow)
                    for g in slow {
                        body(UnsafeBufferPointer(rebasing: scalars[g.first...g.last]), text.starts[g.first], text.ends[g.last])
                    }
                }
            }
        }
    }
}

public struct JamoTokenizer: Tokenizer {
    public init() {}

    public func forEachToken(in text: NormalizedText, _ body: (_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ start: Int, _ end: Int) -> Void) {
        let graphemes = graphemeRanges(text)
        withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: 1) { one in
            text.scalars.withUnsafeBufferPointer { scalars in
                let single = UnsafeBufferPointer(one)
                for g in graphemes {
                    let start = text.starts[g.first], end = text.ends[g.last]
                    if g.first == g.last, let parts = Jamo.parts(of: scalars[g.first]) {
                        one[0] = Unicode.Scalar(UInt32(0x1100 + parts.initial))!
                        body(single, start, end)
                        one[0] = Unicode.Scalar(UInt32(0x1161 + parts.medial))!
                        body(single, start, end)
                        if parts.final != 0 {
                            one[0] = Unicode.Scalar(UInt32(0x11A7 + parts.final))!
                            body(single, start, end)
                        }
                    } else {
                        body(UnsafeBufferPointer(rebasing: scalars[g.first...g.last]), start, end)
                    }
                }
            }
        }
    }

    public func tokenize(_ text: NormalizedText) -> [Token] {
        let graphemes = graphemeRanges(text)
        var tokens: [Token] = []
        tokens.reserveCapacity(graphemes.count * 3)
        let conjoining = ScalarStrings.conjoining
        for g in graphemes {
            let start = text.starts[g.first], end = text.ends[g.last]
            if g.first == g.last, let parts = Jamo.parts(of: text.scalars[g.first]) {
                tokens.append(Token(text: conjoining[parts.initial], start: start, end: end))
                tokens.append(Token(text: conjoining[0x61 + parts.medial], start: start, end: end))
                if parts.final != 0 {
                    tokens.append(Token(text: conjoining[0xA7 + parts.final], start: start, end: end))
                }
            } else {
                tokens.append(Token(text: makeString(text.scalars[g.first...g.last]), start: start, end: end))
            }
        }
        return tokens
    }
}

public struct EojeolTokenizer: Tokenizer {
    public init() {}

    public func tokenize(_ text: NormalizedText) -> [Token] {
        eojeolRanges(text).map { word in
            Token(text: makeString(text.scalars[word.first...word.last]),
                  start: text.starts[word.first], end: text.ends[word.last])
        }
    }
}

/// ICU word boundaries over the normalized text; segments made only of spaces are dropped.
public struct WordTokenizer: Tokenizer {
    public init() {}

    public func tokenize(_ text: NormalizedText) -> [Token] {
        guard !text.isEmpty else { return [] }
        // UTF-16 copy plus, for each UTF-16 unit, the index of the scalar it belongs to.
        var utf16: [UInt16] = []
        var scalarIndex: [Int] = []
        utf16.reserveCapacity(text.count)
        for (i, scalar) in text.scalars.enumerated() {
            for unit in UTF16.encode(scalar)! {
                utf16.append(unit); scalarIndex.append(i)
            }
        }
        scalarIndex.append(text.count)
        var capacity = utf16.count + 1
        var boundaries: [Int32] = []
        var status: [Int32] = []
        while true {
            boundaries = [Int32](repeating: 0, count: capacity)
            status = [Int32](repeating: 0, count: capacity)
            var error: Int32 = 0
            let n = korqa_icu_word_boundaries(utf16, Int32(utf16.count), &boundaries, &status, Int32(capacity), &error)
            if n == Int32.min {
                // Word-break rules come from libicudata; without them fall back to 어절.
                return EojeolTokenizer().tokenize(text)
            }
            if n >= 0 { boundaries.removeSubrange(Int(n)...); break }
            capacity = Int(-n)
        }
        var tokens: [Token] = []
        for k in 1..<boundaries.count {
            let first = scalarIndex[Int(boundaries[k - 1])]
            let end = scalarIndex[Int(boundaries[k])]
            guard end > first else { continue }
            // A segment may begin with a space that a combining mark attached to (" ̈");
            // tokens never contain spaces, so split at them.
            var pieceFirst = -1
            for i in first...end {
                if i == end || text.scalars[i] == " " {
                    if pieceFirst >= 0 {
                        tokens.append(Token(text: makeString(text.scalars[pieceFirst..<i]),
                                            start: text.starts[pieceFirst], end: text.ends[i - 1]))
                        pieceFirst = -1
                    }
                } else if pieceFirst < 0 {
                    pieceFirst = i
                }
            }
        }
        return tokens
    }
}
