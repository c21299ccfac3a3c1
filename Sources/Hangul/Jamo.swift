/// Algorithmic Hangul: the 11,172 modern syllables U+AC00–U+D7A3 are
/// `0xAC00 + (initial * 21 + medial) * 28 + final`, with 19 initials (choseong), 21 medials
/// (jungseong) and 27 finals (jongseong; 0 means none).
public enum Jamo {
    public static let syllableBase: UInt32 = 0xAC00
    public static let syllableCount: UInt32 = 11_172
    public static let initialCount: UInt32 = 19
    public static let medialCount: UInt32 = 21
    public static let finalCount: UInt32 = 28  // including "no final"

    static let initialBase: UInt32 = 0x1100
    static let medialBase: UInt32 = 0x1161
    static let finalBase: UInt32 = 0x11A7  // final index 1 is U+11A8

    /// Compatibility jamo for each initial index (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ).
    static let initialCompatibility: [UInt32] = [
        0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
        0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
    ]
    /// Compatibility jamo for each final index 1...27 (element 0 is unused).
    static let finalCompatibility: [UInt32] = [
        0, 0x3131, 0x3132, 0x3133, 0x3134, 0x3135, 0x3136, 0x3137, 0x3139, 0x313A, 0x313B,
        0x313C, 0x313D, 0x313E, 0x313F, 0x3140, 0x3141, 0x3142, 0x3144, 0x3145, 0x3146,
        0x3147, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
    ]
    /// Compatibility medials are contiguous: U+314F (ㅏ) ... U+3163 (ㅣ).
    static let medialCompatibilityBase: UInt32 = 0x314F

    /// Compatibility consonant (U+3131–U+314E) -> initial index, or -1 when it cannot start a
    /// syllable (ㄳ, ㄵ, …).
    static let compatibilityToInitial: [Int8] = table(from: initialCompatibility, offset: 0)
    /// Compatibility consonant -> final index, or -1 when it cannot end one (ㄸ, ㅃ, ㅉ).
    static let compatibilityToFinal: [Int8] = table(from: finalCompatibility, offset: 0)

    private static func table(from values: [UInt32], offset: Int) -> [Int8] {
        var result = [Int8](repeating: -1, count: 0x314F - 0x3131)
        for (index, value) in values.enumerated() where value != 0 {
            result[Int(value - 0x3131)] = Int8(index)
        }
        return result
    }

    /// The parts of a modern syllable as indices.
    public struct Parts: Equatable, Sendable {
        public var initial: Int  // 0..<19
        public var medial: Int  // 0..<21
        public var final: Int  // 0..<28, 0 = none
        public init(initial: Int, medial: Int, final: Int) {
            self.initial = initial; self.medial = medial; self.final = final
        }
    }

    @inline(__always)
    public static func isSyllable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value &- syllableBase < syllableCount
    }

    public static func isCompatibilityJamo(_ scalar: Unicode.Scalar) -> Bool {
        (0x3131...0x318E).contains(scalar.value)
    }

    /// Splits a modern syllable into its indices; nil for anything else.
    @inline(__always)
    public static func parts(of syllable: Unicode.Scalar) -> Parts? {
        let s = syllable.value &- syllableBase
        guard s < syllableCount else { return nil }
        return Parts(initial: Int(s / (medialCount * finalCount)),
                     medial: Int((s % (medialCount * finalCount)) / finalCount),
                     final: Int(s % finalCount))
    }

    /// The syllable made of `parts`; nil when an index is out of range.
    public static func syllable(_ parts: Parts) -> Unicode.Scalar? {
        guard (0..<Int(initialCount)).contains(parts.initial),
              (0..<Int(medialCount)).contains(parts.medial),
              (0..<Int(finalCount)).contains(parts.final) else { return nil }
        let value = syllableBase
            + (UInt32(parts.initial) * medialCount + UInt32(parts.medial)) * finalCount
            + UInt32(parts.final)
        return Unicode.Scalar(value)
    }

    /// A syllable as conjoining jamo: initial U+1100…, medial U+1161…, and final U+11A8… when
    /// there is one. Other scalars come back unchanged, alone.
    public static func decompose(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        guard let p = parts(of: scalar) else { return [scalar] }
        var result = [Unicode.Scalar(initialBase + UInt32(p.initial))!,
                      Unicode.Scalar(medialBase + UInt32(p.medial))!]
        if p.final != 0 { result.append(Unicode.Scalar(finalBase + UInt32(p.final))!) }
        return result
    }

    /// Composes a sequence of conjoining jamo (L V [T]) back into one syllable.
    public static func compose(conjoining jamo: [Unicode.Scalar]) -> Unicode.Scalar? {
        guard jamo.count == 2 || jamo.count == 3 else { return nil }
        let l = jamo[0].value &- initialBase, v = jamo[1].value &- medialBase
        guard l < initialCount, v < medialCount else { return nil }
        var t: UInt32 = 0
        if jamo.count == 3 {
            t = jamo[2].value &- finalBase
            guard t >= 1 && t < finalCount else { return nil }
        }
        return syllable(Parts(initial: Int(l), medial: Int(v), final: Int(t)))
    }

    /// Conjoining jamo -> compatibility jamo (ᄀ, ᆨ -> ㄱ; ᅡ -> ㅏ). Nil for anything else,
    /// including old-Hangul jamo that have no compatibility form here.
    public static func compatibility(fromConjoining scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let c = scalar.value
        if c &- initialBase < initialCount { return Unicode.Scalar(initialCompatibility[Int(c - initialBase)]) }
        if c &- medialBase < medialCount { return Unicode.Scalar(medialCompatibilityBase + c - medialBase) }
        let t = c &- finalBase
        if t >= 1 && t < finalCount { return Unicode.Scalar(finalCompatibility[Int(t)]) }
        return nil
    }

    /// The position a conjoining jamo takes in a syllable.
    public enum Position: Sendable { case initial, medial, final }

    /// Compatibility jamo -> the conjoining jamo for `position`; nil when that letter cannot
    /// stand there (ㄸ as a final, ㄳ as an initial, a vowel as a consonant…).
    public static func conjoining(fromCompatibility scalar: Unicode.Scalar, as position: Position) -> Unicode.Scalar? {
        let c = scalar.value
        switch position {
        case .medial:
            let v = c &- medialCompatibilityBase
            return v < medialCount ? Unicode.Scalar(medialBase + v) : nil
        case .initial:
            guard let index = consonantIndex(c, compatibilityToInitial) else { return nil }
            return Unicode.Scalar(initialBase + UInt32(index))
        case .final:
            guard let index = consonantIndex(c, compatibilityToFinal) else { return nil }
            return Unicode.Scalar(finalBase + UInt32(index))
        }
    }

    @inline(__always)
    static func consonantIndex(_ c: UInt32, _ table: [Int8]) -> Int? {
        let offset = c &- 0x3131
        guard offset < UInt32(table.count) else { return nil }
        let index = table[Int(offset)]
        return index < 0 ? nil : Int(index)
    }

    @inline(__always)
    static func medialIndex(_ c: UInt32) -> Int? {
        let v = c &- medialCompatibilityBase
        return v < medialCount ? Int(v) : nil
    }

    /// Two compatibility vowels typed one after the other that form one medial (ㅗ+ㅏ = ㅘ).
    static func compoundMedial(_ first: Int, _ second: Int) -> Int? {
        switch (first, second) {
        case (8, 0): return 9  // ㅗㅏ ㅘ
        case (8, 1): return 10  // ㅗㅐ ㅙ
        case (8, 20): return 11  // ㅗㅣ ㅚ
        case (13, 4): return 14  // ㅜㅓ ㅝ
        case (13, 5): return 15  // ㅜㅔ ㅞ
        case (13, 20): return 16  // ㅜㅣ ㅟ
        case (18, 20): return 19  // ㅡㅣ ㅢ
        default: return nil
        }
    }

    /// Two compatibility consonants typed one after the other that form one final (ㄹ+ㄱ = ㄺ).
    static func compoundFinal(_ first: Int, _ second: Int) -> Int? {
        switch (first, second) {
        case (1, 19): return 3  // ㄱㅅ ㄳ
        case (4, 22): return 5  // ㄴㅈ ㄵ
        case (4, 27): return 6  // ㄴㅎ ㄶ
        case (8, 1): return 9  // ㄹㄱ ㄺ
        case (8, 16): return 10  // ㄹㅁ ㄻ
        case (8, 17): return 11  // ㄹㅂ ㄼ
        case (8, 19): return 12  // ㄹㅅ ㄽ
        case (8, 25): return 13  // ㄹㅌ ㄾ
        case (8, 26): return 14  // ㄹㅍ ㄿ
        case (8, 27): return 15  // ㄹㅎ ㅀ
        case (17, 19): return 18  // ㅂㅅ ㅄ
        default: return nil
        }
    }
}
