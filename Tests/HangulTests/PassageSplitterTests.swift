import Testing
@testable import Hangul

@Suite struct PassageSplitterTests {
    @Test func joinsShortParagraphsAndStopsAtBlankLines() {
        let text = "첫 문단입니다.\n둘째 문단입니다.\n\n새 절의 문단입니다.\r\n이어지는 줄."
        let passages = PassageSplitter(maxSyllables: 100).split(text)
        #expect(passages.map(\.text) == ["첫 문단입니다.\n둘째 문단입니다.", "새 절의 문단입니다.\r\n이어지는 줄."])
        // Too long together: each paragraph alone.
        #expect(PassageSplitter(maxSyllables: 10).split("가나다라마바사.\n아자차카타파하.").count == 2)
    }

    /// A long paragraph is cut at sentence ends, each piece within the limit, with one sentence
    /// of overlap; a sentence longer than the limit is cut at spaces.
    @Test func cutsLongParagraphsWithOverlap() {
        let sentences = (1...12).map { "문장 번호 \($0)은 열 글자 정도다." }
        let text = sentences.joined(separator: " ")
        let passages = PassageSplitter(maxSyllables: 40, overlapSentences: 1).split(text)
        #expect(passages.count > 3)
        for p in passages { #expect(p.text.unicodeScalars.filter { !$0.properties.isWhitespace }.count <= 40) }
        for (a, b) in zip(passages, passages.dropFirst()) { #expect(b.start < a.end && b.start > a.start) }  // overlap, progress
        #expect(passages.first?.text.hasPrefix("문장 번호 1은") == true && passages.last?.text.hasSuffix("12은 열 글자 정도다.") == true)
        let run = String(repeating: "가나다 ", count: 30)
        let cut = PassageSplitter(maxSyllables: 20).split(run)
        #expect(cut.count >= 4 && cut.allSatisfy { $0.text.unicodeScalars.filter { !$0.properties.isWhitespace }.count <= 20 })
    }

    /// Property: every passage is the document's slice at its offsets, in order, for random
    /// documents mixing Hangul, emoji, breaks, CRLF and sentence ends.
    @Test func offsetsSliceTheDocument() {
        let pieces = ["한국어", "문장", ". ", "\n", "\n\n", "\r\n", " ", "다. ", "👩‍👩‍👧", "é", "3.5", "긴단어가이어진다", "?"]
        var random = UInt64(12345)
        func next() -> Int { random = random &* 6364136223846793005 &+ 1442695040888963407; return Int(random >> 33) }
        for _ in 0..<300 {
            let text = (0..<(next() % 60)).map { _ in pieces[next() % pieces.count] }.joined()
            let scalars = Array(text.unicodeScalars)
            var previousStart = -1
            for p in PassageSplitter(maxSyllables: 1 + next() % 30, overlapSentences: next() % 2).split(text) {
                #expect(String(String.UnicodeScalarView(scalars[p.start..<p.end])) == p.text, "\(text.debugDescription)")
                #expect(p.start > previousStart)
                previousStart = p.start
            }
        }
    }
}
