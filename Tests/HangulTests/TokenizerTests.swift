import Foundation
import Testing
@testable import Hangul

@Suite struct TokenizerTests {
    func tokens(_ text: String, _ unit: TokenUnit) -> [Token] {
        makeTokenizer(unit).tokenize(text)
    }

    @Test func syllableTokens() {
        #expect(tokens("한국어 질문", .syllable) == [
            Token(text: "한", start: 0, end: 1), Token(text: "국", start: 1, end: 2),
            Token(text: "어", start: 2, end: 3), Token(text: "질", start: 4, end: 5),
            Token(text: "문", start: 5, end: 6),
        ])
        // NFD input: 15 scalars, tokens point at the scalar ranges of each syllable.
        let nfd = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}\u{110B}\u{1165} \u{110C}\u{1175}\u{11AF}\u{1106}\u{116E}\u{11AB}"
        #expect(tokens(nfd, .syllable).map(\.text) == ["한", "국", "어", "질", "문"])
        #expect(tokens(nfd, .syllable).map(\.start) == [0, 3, 6, 9, 12])
        #expect(tokens(nfd, .syllable).map(\.end) == [3, 6, 8, 12, 15])
        // Graphemes stay whole: an emoji with a skin tone, old Hangul, e + combining acute.
        #expect(tokens("👍🏽ᄒᆞᆫe\u{0301}", .syllable).map(\.text) == ["👍🏽", "ᄒᆞᆫ", "é"])
    }

    @Test func jamoTokens() {
        #expect(tokens("각 a", .jamo) == [
            Token(text: "\u{1100}", start: 0, end: 1), Token(text: "\u{1161}", start: 0, end: 1),
            Token(text: "\u{11A8}", start: 0, end: 1), Token(text: "a", start: 2, end: 3),
        ])
        #expect(tokens("ㅋ가", .jamo).map(\.text) == ["ㅋ", "\u{1100}", "\u{1161}"])
    }

    @Test func wordAndEojeolTokens() {
        #expect(tokens("서울에서 날씨는? 3.5%입니다", .word).map(\.text) == ["서울에서", "날씨는", "?", "3.5", "%", "입니다"])
        #expect(tokens("  서울에서\u{3000}날씨는?  ", .eojeol) == [
            Token(text: "서울에서", start: 2, end: 6), Token(text: "날씨는?", start: 7, end: 11),
        ])
        #expect(tokens("", .word).isEmpty && tokens(" \u{200B} ", .eojeol).isEmpty)
    }

    /// The offset property every tokenizer must keep: slicing the ORIGINAL text by a token's
    /// [start, end) and normalizing gives the token. Where one original character normalizes to
    /// several tokens (㈜ -> ( 주 ), ㎏ -> k g), those tokens share or overlap its range; they
    /// are compared as a group: the union of their ranges gives their concatenation.
    /// The streaming form gives exactly `tokenize`'s tokens (text, offsets, order), on text made
    /// of the pieces that break naive pipelines.
    @Test(arguments: TokenUnit.allCases)
    func streamingGivesTheSameTokens(unit: TokenUnit) {
        var generator = SeededGenerator(seed: 7)
        let normalizer = Normalizer()
        let tokenizer = makeTokenizer(unit)
        var total = 0
        for _ in 0..<2000 {
            let text = normalizer.normalize(RandomText.string(using: &generator))
            var streamed: [Token] = []
            tokenizer.forEachToken(in: text) { scalars, start, end in
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                streamed.append(Token(text: String(view), start: start, end: end))
            }
            #expect(streamed == tokenizer.tokenize(text))
            total += streamed.count
        }
        #expect(total > 2_000)  // thousands of tokens compared, for every unit
    }

    @Test(arguments: TokenUnit.allCases)
    func slicingTheOriginalGivesTheToken(unit: TokenUnit) {
        var generator = SeededGenerator(seed: 42)
        let normalizer = Normalizer()
        let tokenizer = makeTokenizer(unit)
        var checked = 0
        var grouped = 0
        for _ in 0..<2000 {
            let original = RandomText.string(using: &generator)
            let count = original.unicodeScalars.count
            let tokens = tokenizer.tokenize(normalizer.normalize(original))
            var i = 0
            while i < tokens.count {
                var j = i
                var groupEnd = tokens[i].end
                while j + 1 < tokens.count && tokens[j + 1].start < groupEnd {
                    j += 1
                    groupEnd = max(groupEnd, tokens[j].end)
                }
                for token in tokens[i...j] {
                    #expect(0 <= token.start && token.start < token.end && token.end <= count)
                }
                if i > 0 { #expect(tokens[i - 1].end <= tokens[i].start) }
                let group = tokens[i...j].map(\.text).joined()
                #expect(!group.unicodeScalars.contains(" "))
                let expected = normalizer.normalize(slice(original, tokens[i].start, groupEnd)).string
                    .replacingSpaces()
                if unit == .jamo {
                    // Jamo tokens of one syllable compose back into it.
                    #expect(normalizer.normalize(group).string == expected, "\(unit) \(tokens[i...j]) in \(original.debugDescription)")
                } else {
                    #expect(group == expected, "\(unit) \(tokens[i...j]) in \(original.debugDescription)")
                }
                checked += 1
                if j > i { grouped += 1 }
                i = j + 1
            }
        }
        // Apart from jamo (a syllable's 2-3 jamo always share its range), most tokens stand
        // alone: the grouping is for the rare expanding characters.
        #expect(checked > 2000)
        #expect(unit == .jamo || grouped * 5 < checked)
        #expect(checked > 2000)
    }
}

extension String {
    /// Tokens never contain spaces; a slice that normalizes to several words is compared with
    /// its spaces taken out.
    func replacingSpaces() -> String {
        String(String.UnicodeScalarView(unicodeScalars.filter { $0 != " " }))
    }
}

@Suite struct TextCorpusTests {
    static let sample = """
        <doc id="1" url="u" title="가나">
        가나

          첫 줄이다.  
        둘째 줄.
        </doc>
        바깥 줄
        <doc id="2" title="">
        빈 제목
        </doc>
        """

    @Test func oneReaderForWikiExtractorFiles() throws {
        let data = Data(Self.sample.utf8)
        var events: [String] = []
        TextCorpus.forEachLine(in: data) { line in
            switch line {
            case .articleStart(let title): events.append("start \(title)")
            case .articleEnd: events.append("end")
            case .text(let bytes): events.append(String(decoding: bytes, as: UTF8.self))
            }
            return true
        }
        #expect(events == ["start 가나", "가나", "  첫 줄이다.  ", "둘째 줄.", "end", "바깥 줄", "start ", "빈 제목", "end"])
        let articles = TextCorpus.articles(in: data)
        #expect(articles.map(\.title) == ["가나", ""] && articles[0].lines == ["첫 줄이다.", "둘째 줄."] && articles[1].lines == ["빈 제목"])
        // Stopping early: `false` ends the walk.
        var seen = 0
        TextCorpus.forEachLine(in: data) { _ in seen += 1; return seen < 3 }
        #expect(seen == 3)
        #expect(TextCorpus.titleKey("  Jimmy Carter ") == "jimmy carter")
        #expect(TextCorpus.titleKey("서양_철학") == TextCorpus.titleKey("서양 철학"), "KorQuAD writes titles with underscores")
    }

    @Test func filesAndTextLines() throws {
        let folder = NSTemporaryDirectory() + "korqa-corpus-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/AA", withIntermediateDirectories: true)
        try Self.sample.write(toFile: folder + "/AA/wiki_01", atomically: true, encoding: .utf8)
        try "하나\n둘\n".write(toFile: folder + "/AA/wiki_00", atomically: true, encoding: .utf8)
        try "숨김".write(toFile: folder + "/.hidden", atomically: true, encoding: .utf8)
        #expect(try TextCorpus.files(at: folder) == [folder + "/AA/wiki_00", folder + "/AA/wiki_01"])
        #expect(try TextCorpus.files(at: folder + "/AA/wiki_00") == [folder + "/AA/wiki_00"])
        #expect(throws: HangulError.corpusIO(path: folder + "/none", reason: "no such file or directory")) { try TextCorpus.files(at: folder + "/none") }
        let all = try TextCorpus.textLines(at: folder, limitBytes: .max).map { String(decoding: $0, as: UTF8.self) }
        #expect(all == ["하나", "둘", "가나", "  첫 줄이다.  ", "둘째 줄.", "바깥 줄", "빈 제목"])
        // The limit keeps whole lines: the first line reaching it is the last.
        #expect(try TextCorpus.textLines(at: folder, limitBytes: 7).count == 2)
        #expect(throws: HangulError.self) { try TextCorpus.contents(of: folder + "/AA") }
    }
}
