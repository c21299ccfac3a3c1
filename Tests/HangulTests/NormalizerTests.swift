import Foundation
import Testing
@testable import Hangul

@Suite struct NormalizerTests {
    let normalizer = Normalizer()

    func normalized(_ text: String, _ options: Normalizer.Options = .init()) -> String {
        Normalizer(options: options).normalize(text).string
    }

    @Test(arguments: [
        ("\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}\u{110B}\u{1165}", "한국어"),  // NFD -> NFC
        ("ＡＢＣ", "ABC"),
        ("㈜", "(주)"),
        ("①", "1"),
        ("가\u{11A8}", "각"),
        ("\u{1112}\u{119E}\u{11AB}", "\u{1112}\u{119E}\u{11AB}"),  // old Hangul stays
        ("ㅋㅋ ㅠㅠ", "ㅋㅋ ㅠㅠ"),  // compatibility jamo stay compatibility jamo
        ("ㄱㅏ", "ㄱㅏ"),  // and do not compose with each other
        ("\u{FFA1}\u{FFC2}", "ㄱㅏ"),  // halfwidth -> compatibility
        ("\u{FFA0}", "\u{3164}"),
        ("a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}f\u{00AD}g", "abcdefg"),
        ("a\u{0007}b\u{001B}c\u{007F}", "abc"),
        ("  a \t\u{00A0}\u{3000} b\n", "a b"),
        ("\u{3000}\u{3000}", ""),
        ("", ""),
        ("가\u{200B}\u{11A8}", "각"),  // removed characters do not block composition
    ])
    func edgeCases(input: String, expected: String) {
        #expect(normalized(input) == expected)
    }

    @Test func options() {
        #expect(normalized("ㅋㅋㅋㅋㅋ 하하하하 !!!", .init(squashRepeats: 2)) == "ㅋㅋ 하하 !!")
        #expect(normalized("ＡＡＡＡ", .init(squashRepeats: 1)) == "A")
        #expect(normalized("ㅎㅏㄴㄱㅡㄹ", .init(composeJamo: true)) == "한글")
        #expect(normalized("ㄱㅗㅏㄴㄹㅣ ㅇㅣㄹㄱㄷㅏ ㅋㅋ", .init(composeJamo: true)) == "관리 읽다 ㅋㅋ")
        #expect(normalized("ㄷㅏㄹㄱ", .init(composeJamo: true)) == "닭")
        #expect(normalized("ㄸㄸ", .init(composeJamo: true)) == "ㄸㄸ")
    }

    @Test func offsetMapPointsIntoTheOriginal() {
        let original = "  ＡＢ ㈜가\u{11A8}\u{200B}x"
        let text = normalizer.normalize(original)
        #expect(text.string == "AB (주)각x")
        // A: [2,3)  B: [3,4)  space: [4,5)  ( 주 ): all three from ㈜ [5,6)  각: [6,8)  x: [9,10)
        #expect(text.starts == [2, 3, 4, 5, 5, 5, 6, 9])
        #expect(text.ends == [3, 4, 5, 6, 6, 6, 8, 10])
    }

    @Test func offsetsAfterComposeAndSquash() {
        let text = Normalizer(options: .init(squashRepeats: 1, composeJamo: true)).normalize("ㅎㅏㄴ ㅋㅋㅋ")
        #expect(text.string == "한 ㅋ")
        #expect(text.starts == [0, 3, 4])
        #expect(text.ends == [3, 4, 5])
    }

    @Test func idempotentOnRandomText() {
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<3000 {
            let input = RandomText.string(using: &generator)
            for options in [Normalizer.Options(), .init(squashRepeats: 2, composeJamo: true)] {
                let once = normalized(input, options)
                #expect(normalized(once, options) == once, "not idempotent on \(input.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test func agreesWithFoundationNFKCWhereNoExceptionApplies() {
        // Where KorQA's exceptions do not apply (no compatibility or halfwidth jamo, no
        // whitespace, no removed characters), the result is plain NFKC.
        var generator = SeededGenerator(seed: 7)
        var compared = 0
        for _ in 0..<3000 {
            let input = RandomText.string(using: &generator)
            let excepted = input.unicodeScalars.contains { scalar in
                let c = ScalarTables.scalarClass(scalar.value)
                return c == .whitespace || c == .removed || c == .compatibilityJamo || c == .halfwidthJamo
            }
            let nfkc = input.precomposedStringWithCompatibilityMapping
            // Foundation leaves a syllable followed by a trailing jamo (가 + U+11A8) apart, but
            // Unicode's Hangul composition (§3.12; Python's unicodedata agrees) makes it 각.
            let foundationDiverges = zip(nfkc.unicodeScalars, nfkc.unicodeScalars.dropFirst()).contains { a, b in
                Jamo.parts(of: a)?.final == 0 && (0x11A8...0x11C2).contains(b.value)
            }
            if excepted || foundationDiverges || nfkc.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { continue }
            #expect(Array(normalized(input).unicodeScalars) == Array(nfkc.unicodeScalars))
            compared += 1
        }
        #expect(compared > 300)
    }

    @Test func outputHasNoForbiddenScalars() {
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<2000 {
            let text = normalizer.normalize(RandomText.string(using: &generator))
            #expect(text.scalars.first != " " && text.scalars.last != " ")
            for (i, scalar) in text.scalars.enumerated() {
                let c = ScalarTables.scalarClass(scalar.value)
                #expect(c != .removed && c != .halfwidthJamo)
                if c == .whitespace { #expect(scalar == " " && text.scalars[i - 1] != " ") }
                #expect(text.starts[i] < text.ends[i])
                if i > 0 { #expect(text.starts[i - 1] <= text.starts[i]) }
            }
        }
    }

    @Test func invalidUTF8BecomesReplacementLikeSwift() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                Bool.random(using: &generator) ? UInt8.random(in: 0x80...0xFF, using: &generator)
                                               : Array("한a".utf8).randomElement(using: &generator)!
            }
            let (scalars, replaced) = UTF8Decoding.decode(bytes)
            let swift = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
            #expect(scalars == swift)
            #expect(replaced == swift.filter { $0 == "\u{FFFD}" }.count)
        }
    }
}
