import Hangul

/// The terms a question is indexed and searched by.
///
/// SQLite's unicode61 tokenizer indexes whole 어절, so 서울 would not match 서울에서, and its
/// trigram tokenizer misses two-syllable words, which most Korean nouns are. So KorQA indexes
/// its own terms, computed from the normalized text:
/// - `unigrams`: each Hangul syllable, and each run of Latin letters or digits as one term;
/// - `bigrams`: adjacent syllables inside a word (서울에서 -> 서울 울에 에서), so particles do not
///   block a match: 서울에서 날씨 and 서울 날씨 share 서울 and 날씨;
/// - `jamoTrigrams`: three consecutive jamo inside a word, so a typo in one letter still leaves
///   most terms intact (비밀번오 and 비밀번호 share ㅂㅣㅁ, ㅣㅁㅣ, … ㅓㄴㅎ is lost, others stay).
public struct SearchTerms: Equatable, Sendable {
    public var unigrams: [String] = []
    public var bigrams: [String] = []
    public var jamoTrigrams: [String] = []

    /// Chat text repeats letters (ㅋㅋㅋㅋ, 네네네네); three are kept.
    static let normalizer = Normalizer(options: .init(squashRepeats: 3))

    public init(_ text: String) {
        let normalized = Self.normalizer.normalize(text).scalars
        var run: [Unicode.Scalar] = []
        var runIsHangul = false
        func flush() {
            guard !run.isEmpty else { return }
            if runIsHangul { addHangul(run) } else { unigrams.append(String(String.UnicodeScalarView(run)).lowercased()) }
            run.removeAll(keepingCapacity: true)
        }
        for scalar in normalized {
            let hangul = Jamo.isSyllable(scalar) || Jamo.isCompatibilityJamo(scalar)
            let wordCharacter = hangul || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if !wordCharacter { flush(); continue }
            if !run.isEmpty && hangul != runIsHangul { flush() }
            runIsHangul = hangul
            run.append(scalar)
        }
        flush()
    }

    private mutating func addHangul(_ word: [Unicode.Scalar]) {
        for s in word { unigrams.append(String(s)) }
        if word.count >= 2 {
            for i in 0..<(word.count - 1) { bigrams.append(String(word[i]) + String(word[i + 1])) }
        }
        // Letters of the word as compatibility jamo (한 -> ㅎ ㅏ ㄴ).
        var letters: [Unicode.Scalar] = []
        for s in word {
            if Jamo.isCompatibilityJamo(s) { letters.append(s); continue }
            for j in Jamo.decompose(s) { letters.append(Jamo.compatibility(fromConjoining: j) ?? j) }
        }
        if letters.count >= 3 {
            for i in 0..<(letters.count - 2) {
                jamoTrigrams.append(String(String.UnicodeScalarView(letters[i...(i + 2)])))
            }
        }
    }

    public var isEmpty: Bool { unigrams.isEmpty }

    /// The terms as the space-separated text stored in each FTS5 column.
    var columnTexts: (String, String, String) {
        (unigrams.joined(separator: " "), bigrams.joined(separator: " "), jamoTrigrams.joined(separator: " "))
    }

    /// A set of all unigrams and bigrams, for the overlap confidence.
    var overlapSet: Set<String> { Set(unigrams).union(bigrams) }

    /// 0...1: the Dice overlap of two `overlapSet`s (how much wording two texts share).
    static func dice(_ a: Set<String>, _ b: Set<String>) -> Double {
        a.isEmpty && b.isEmpty ? 0 : 2 * Double(a.intersection(b).count) / Double(a.count + b.count)
    }

    /// The three columns' terms: unigrams, bigrams, jamo trigrams.
    var columns: [[String]] { [unigrams, bigrams, jamoTrigrams] }

    /// The first `limit` distinct terms, in order (what a query searches a column by).
    static func distinct(_ terms: [String], limit: Int = 48) -> [String] {
        var seen = Set<String>()
        return terms.filter { seen.count < limit && seen.insert($0).inserted }
    }

    /// The MATCH expression of the selective terms only: syllable pairs and whole Latin or
    /// number words (a single syllable or jamo triple occurs in most passages); nil when the
    /// query has none.
    func selectiveMatchExpression(limit: Int = 48) -> String? {
        let words = unigrams.filter { $0.unicodeScalars.count > 1 || !Jamo.isSyllable($0.unicodeScalars.first!) && !Jamo.isCompatibilityJamo($0.unicodeScalars.first!) }
        return Self.orExpression([("unigrams", words), ("bigrams", bigrams)], limit: limit)
    }

    /// The FTS5 MATCH expression that ORs every distinct term, each as a quoted string with a
    /// column filter. Nothing the user typed is ever read as FTS5 syntax: terms hold only
    /// letters and digits, and are quoted anyway. At most `limit` terms per column, so a 1 MB
    /// pasted line still gives a quick query.
    func matchExpression(limit: Int = 48) -> String? {
        Self.orExpression([("unigrams", unigrams), ("bigrams", bigrams), ("jamo", jamoTrigrams)], limit: limit)
    }

    /// `column : "term"` for the first `limit` distinct terms of each column, ORed; nil when
    /// there is none.
    static func orExpression(_ columns: [(name: String, terms: [String])], limit: Int) -> String? {
        let parts = columns.flatMap { column in
            distinct(column.terms, limit: limit).map { "\(column.name) : \"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " OR ")
    }
}

extension String {
    init(_ scalar: Unicode.Scalar) { self.init(Character(scalar)) }
}
