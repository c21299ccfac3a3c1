import Hangul

/// Text -> model inputs: one position per syllable (grapheme) of the normalized text, with the
/// syllable's id and its initial / medial / final jamo ids, so an unseen syllable or a typo
/// still shares letters with known ones.
public struct Featurizer: Sendable {
    public let vocabulary: Vocabulary
    /// Chat text repeats letters; three are kept (ㅋㅋㅋㅋㅋ -> ㅋㅋㅋ).
    static let normalizer = Normalizer(options: .init(squashRepeats: 3))
    /// Utterances longer than this are cut (3i4k's longest is ~150 syllables).
    public static let maximumLength = 200

    /// Jamo id tables: 0 = padding, 1 = none (not Hangul / no final), then the letters.
    public static let initialCount = 2 + 19
    public static let medialCount = 2 + 21
    public static let finalCount = 2 + 27

    public init(vocabulary: Vocabulary) { self.vocabulary = vocabulary }

    public struct Features: Equatable, Sendable {
        public var syllables: [Int32] = []
        public var initials: [Int32] = []
        public var medials: [Int32] = []
        public var finals: [Int32] = []
        public var count: Int { syllables.count }
    }

    public static func tokens(_ text: String) -> [String] {
        SyllableTokenizer().tokenize(normalizer.normalize(text)).prefix(maximumLength).map(\.text)
    }

    public func features(_ text: String) -> Features {
        var f = Features()
        for token in Self.tokens(text) {
            f.syllables.append(Int32(vocabulary.id(of: token)))
            let scalars = Array(token.unicodeScalars)
            if scalars.count == 1, let parts = Jamo.parts(of: scalars[0]) {
                f.initials.append(Int32(2 + parts.initial))
                f.medials.append(Int32(2 + parts.medial))
                f.finals.append(parts.final == 0 ? 1 : Int32(1 + parts.final))
            } else if scalars.count == 1, Jamo.isCompatibilityJamo(scalars[0]) {
                // ㅋ, ㅠ: a lone letter in its own slot.
                let initial = Jamo.conjoining(fromCompatibility: scalars[0], as: .initial).map { Int32(2 + $0.value - 0x1100) }
                let medial = Jamo.conjoining(fromCompatibility: scalars[0], as: .medial).map { Int32(2 + $0.value - 0x1161) }
                f.initials.append(initial ?? 1); f.medials.append(medial ?? 1); f.finals.append(1)
            } else {
                f.initials.append(1); f.medials.append(1); f.finals.append(1)
            }
        }
        return f
    }

    /// A vocabulary of the syllables seen at least `minCount` times in `texts`.
    public static func buildVocabulary(_ texts: [String], minCount: Int = 2, maxSize: Int = 6000) -> Vocabulary {
        Vocabulary.build(from: texts.flatMap(tokens), minCount: minCount, maxSize: maxSize)
    }
}
