/// Small integer ids for a token's initial, medial and final jamo, for models that embed the
/// letters of a syllable (so an unseen syllable or a typo still shares letters with known ones).
///
/// Each table: 0 = padding, 1 = none (not Hangul, or no final), then the letters: 19 initials,
/// 21 medials, 27 finals. A lone compatibility jamo (ㅋ, ㅠ) fills the slot it can stand in.
public enum JamoIndex {
    public static let initialCount = 2 + 19
    public static let medialCount = 2 + 21
    public static let finalCount = 2 + 27

    /// The lookup tables of a syllable + jamo embedding, as (parameter name, rows), in the order
    /// models register them: syllables, then initials, medials and finals.
    public static func embeddingTables(syllableVocabularySize: Int) -> [(name: String, vocabularySize: Int)] {
        [("embedding.syllable", syllableVocabularySize), ("embedding.initial", initialCount),
         ("embedding.medial", medialCount), ("embedding.final", finalCount)]
    }

    public static func ids(of token: String) -> (initial: Int32, medial: Int32, final: Int32) {
        let scalars = Array(token.unicodeScalars)
        guard scalars.count == 1 else { return (1, 1, 1) }
        if let parts = Jamo.parts(of: scalars[0]) {
            return (Int32(2 + parts.initial), Int32(2 + parts.medial), parts.final == 0 ? 1 : Int32(1 + parts.final))
        }
        if Jamo.isCompatibilityJamo(scalars[0]) {
            let initial = Jamo.conjoining(fromCompatibility: scalars[0], as: .initial).map { Int32(2 + $0.value - 0x1100) }
            let medial = Jamo.conjoining(fromCompatibility: scalars[0], as: .medial).map { Int32(2 + $0.value - 0x1161) }
            return (initial ?? 1, medial ?? 1, 1)
        }
        return (1, 1, 1)
    }
}

/// The ids a syllable + jamo embedding reads for a token sequence: each token's syllable id in a
/// vocabulary and its initial / medial / final jamo ids (see `JamoIndex`), one position per token.
public struct SyllableIDs: Equatable, Sendable {
    public var syllables: [Int32] = []
    public var initials: [Int32] = []
    public var medials: [Int32] = []
    public var finals: [Int32] = []

    public init() {}

    public init<S: Sequence>(_ tokens: S, vocabulary: Vocabulary) where S.Element == String {
        for token in tokens { append(token, vocabulary: vocabulary) }
    }

    public mutating func append(_ token: String, vocabulary: Vocabulary) {
        syllables.append(Int32(vocabulary.id(of: token)))
        let jamo = JamoIndex.ids(of: token)
        initials.append(jamo.initial); medials.append(jamo.medial); finals.append(jamo.final)
    }

    public var count: Int { syllables.count }

    public static let channelCount = 4

    /// The id arrays in `JamoIndex.embeddingTables` order.
    public var channels: [[Int32]] { [syllables, initials, medials, finals] }
}
