import CKoreanICU

/// How the normalizer treats one scalar, read from ICU once per BMP code point.
///
/// The table lets the hot loop copy text that is already NFKC (almost all real Korean text) with
/// one lookup per scalar and call ICU only for the short chunks that need it.
enum ScalarClass: UInt8 {
    /// NFKC maps it to itself and nothing before it can combine with it. Alone in its chunk it
    /// is copied as is.
    case stableStart = 0
    /// Starts a new normalization chunk (NFKC boundary before it) but may change under NFKC.
    case start = 1
    /// No NFKC boundary before it: it may combine with what precedes (combining marks, trailing
    /// conjoining jamo).
    case continuation = 2
    /// White_Space: every run becomes one ASCII space.
    case whitespace = 3
    /// Zero-width and format characters named by KorQA's normalization, and control characters
    /// other than whitespace: dropped before normalizing.
    case removed = 4
    /// Hangul compatibility jamo (U+3131–U+318E): kept as they are, because NFKC would turn chat
    /// text such as ㅋㅋ or ㅠㅠ into conjoining jamo that then compose with neighbours.
    case compatibilityJamo = 5
    /// Halfwidth Hangul (U+FFA0–U+FFDC): becomes the compatibility jamo it is a narrow form of.
    case halfwidthJamo = 6
}

enum ScalarTables {
    /// Bits 0-6: `ScalarClass`; bit 7: "grapheme-simple" (Grapheme_Cluster_Break Other, LV or
    /// LVT). A run of grapheme-simple scalars breaks into graphemes between every two scalars.
    static let bmp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for c in 0..<UInt32(0x10000) where !(0xD800...0xDFFF).contains(c) {
            table[Int(c)] = compute(c)
        }
        return table
    }()

    static let simpleBit: UInt8 = 0x80

    /// Halfwidth jamo -> compatibility jamo, from ICU's one-step NFKC decomposition.
    static let halfwidthToCompatibility: [UInt32] = {
        (UInt32(0xFFA0)...0xFFDC).map { c in
            var buffer = [UInt16](repeating: 0, count: 4)
            let length = korqa_icu_nfkc_raw_decomposition(c, &buffer, 4)
            return length == 1 ? UInt32(buffer[0]) : c
        }
    }()

    static func compute(_ c: UInt32) -> UInt8 {
        let cls: ScalarClass
        if (0x3131...0x318E).contains(c) {
            cls = .compatibilityJamo
        } else if (0xFFA0...0xFFDC).contains(c), hasHalfwidthMapping(c) {
            cls = .halfwidthJamo
        } else if korqa_icu_is_white_space(c) != 0 {
            cls = .whitespace
        } else if isRemoved(c) {
            cls = .removed
        } else if korqa_icu_nfkc_has_boundary_before(c) == 0 {
            cls = .continuation
        } else if korqa_icu_nfkc_quick_check_yes(c) != 0 {
            cls = .stableStart
        } else {
            cls = .start
        }
        let gcb = korqa_icu_grapheme_cluster_break(c)
        let simple = gcb == 0 || gcb == 6 || gcb == 7
        return cls.rawValue | (simple ? simpleBit : 0)
    }

    static func hasHalfwidthMapping(_ c: UInt32) -> Bool {
        var buffer = [UInt16](repeating: 0, count: 4)
        return korqa_icu_nfkc_raw_decomposition(c, &buffer, 4) == 1
    }

    /// U+200B–U+200D, U+2060, U+FEFF, U+00AD and every Cc control that is not whitespace.
    static func isRemoved(_ c: UInt32) -> Bool {
        switch c {
        case 0x200B...0x200D, 0x2060, 0xFEFF, 0x00AD: return true
        default: return korqa_icu_general_category(c) == 15  // U_CONTROL_CHAR
        }
    }

    @inline(__always)
    static func entry(_ c: UInt32) -> UInt8 {
        c < 0x10000 ? bmp[Int(c)] : compute(c)
    }

    @inline(__always)
    static func scalarClass(_ c: UInt32) -> ScalarClass {
        ScalarClass(rawValue: entry(c) & 0x7F)!
    }

    @inline(__always)
    static func isGraphemeSimple(_ c: UInt32) -> Bool {
        entry(c) & simpleBit != 0
    }
}
