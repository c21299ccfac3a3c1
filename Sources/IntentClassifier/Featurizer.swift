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


    public init(vocabulary: Vocabulary) { self.vocabulary = vocabulary }

    public typealias Features = SyllableIDs

    public static func tokens(_ text: String) -> [String] {
        SyllableTokenizer().tokenize(normalizer.normalize(text)).prefix(maximumLength).map(\.text)
    }

    public func features(_ text: String) -> Features { SyllableIDs(Self.tokens(text), vocabulary: vocabulary) }

    /// A vocabulary of the syllables seen at least `minCount` times in `texts`.
    public static func buildVocabulary(_ texts: [String], minCount: Int = 2, maxSize: Int = 6000) -> Vocabulary {
        Vocabulary.build(from: texts.flatMap(tokens), minCount: minCount, maxSize: maxSize)
    }
}
