@testable import Hangul

/// SplitMix64: a tiny seeded generator so every randomized test is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random text made of the pieces that break naive Korean pipelines.
enum RandomText {
    static let fragments: [String] = [
        "한국어", "질문", "서울에서", "날씨", "비밀번호를", "읽다", "ㅋㅋㅋ", "ㅠㅠ", "ㅎㅏㄴ",
        "\u{1112}\u{1161}\u{11AB}",  // NFD 한
        "\u{1112}\u{119E}\u{11AB}",  // old Hangul ᄒᆞᆫ
        "가\u{11A8}",  // syllable + trailing jamo -> 각
        "\u{1100}",  // lone leading jamo
        "ＡＢＣ", "１２３", "！？", "㈜", "①②", "㎏", "⑴", "ﬁ", "Ⅻ",
        "👍🏽", "👨‍👩‍👧", "🇰🇷", "❤️", "😀",
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}",
        "\u{0007}", "\u{001B}", "\u{007F}",
        " ", "  ", "\t", "\u{00A0}", "\u{3000}", "\u{2003}",
        "e\u{0301}", "\u{0301}", "é", "Ä", "¨", "´",
        "\u{FFA1}\u{FFC2}", "\u{FFDA}",
        "KorQA", "BiLSTM", "3.5%", "(주)", "\"quoted\"", "NEAR(", "*",
        "漢字", "日本語", "Привет", "العربية", "हिन्दी",
        "\u{FFFD}", "𝐀", "𠀀",
    ]

    static func string(using generator: inout SeededGenerator, pieces: Int = 12) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 1...pieces, using: &generator) {
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                text += fragments.randomElement(using: &generator)!
            case 6:
                // A random modern syllable, sometimes decomposed (NFD).
                let s = Unicode.Scalar(Jamo.syllableBase + UInt32.random(in: 0..<Jamo.syllableCount, using: &generator))!
                if Bool.random(using: &generator) {
                    text.unicodeScalars.append(contentsOf: Jamo.decompose(s))
                } else {
                    text.unicodeScalars.append(s)
                }
            case 7:
                // A random compatibility jamo.
                text.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: 0x3131...0x318E, using: &generator))!)
            case 8:
                // A random BMP scalar, surrogates excluded.
                var v = UInt32.random(in: 0x20...0xFFFD, using: &generator)
                if (0xD800...0xDFFF).contains(v) { v = 0xAC00 }
                text.unicodeScalars.append(Unicode.Scalar(v)!)
            default:
                text += " "
            }
        }
        return text
    }
}

/// `original[start..<end]` in Unicode scalars, as KorQuAD slices its contexts.
func slice(_ original: String, _ start: Int, _ end: Int) -> String {
    let scalars = Array(original.unicodeScalars)
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[start..<end])
    return String(view)
}
