import Foundation
import Testing
@testable import Hangul

@Suite struct VocabularyTests {
    @Test func specialsComeFirstAndOrderIsDeterministic() {
        let tokens = "나 는 나 다 가 가 가 는".split(separator: " ").map(String.init)
        let vocabulary = Vocabulary.build(from: tokens)
        #expect(Array(vocabulary.tokens.prefix(6)) == Vocabulary.specials)
        // By count (가 3, 나 2, 는 2, 다 1), ties in scalar order (나 < 는).
        #expect(Array(vocabulary.tokens.dropFirst(6)) == ["가", "나", "는", "다"])
        #expect(vocabulary.id(of: "[PAD]") == 0 && vocabulary.id(of: "[UNK]") == 1)
        #expect(vocabulary.id(of: "가") == 6)
        #expect(vocabulary.id(of: "뷁") == Vocabulary.unknownID)
        #expect(vocabulary.token(for: 7) == "나")
        #expect(Vocabulary.build(from: tokens.reversed()) == vocabulary)
    }

    @Test func minCountAndMaxSize() {
        let tokens = "a a a b b c".split(separator: " ").map(String.init)
        #expect(Array(Vocabulary.build(from: tokens, minCount: 2).tokens.dropFirst(6)) == ["a", "b"])
        #expect(Vocabulary.build(from: tokens, maxSize: 7).tokens.last == "a")
        #expect(Vocabulary.build(from: tokens, maxSize: 7).count == 7)
    }

    @Test func saveAndLoadRoundTrip() throws {
        let vocabulary = Vocabulary.build(from: ["한", "국", "어", "한", "ㅋ", "👍🏽", "\u{1100}"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try vocabulary.save(to: path)
        let loaded = try Vocabulary.load(from: path)
        #expect(loaded == vocabulary)
        #expect(loaded.fingerprint == vocabulary.fingerprint)
        #expect(Vocabulary.build(from: ["x"]).fingerprint != vocabulary.fingerprint)
    }

    @Test func malformedFilesAreNamed() {
        #expect(throws: HangulError.malformedVocabulary(path: "v.txt", line: 1, reason: "expected special token [PAD], found \"[UNK]\"")) {
            try Vocabulary.parse("[UNK]\n[PAD]\n[BOS]\n[EOS]\n[SEP]\n[MASK]\n", path: "v.txt")
        }
        #expect(throws: HangulError.malformedVocabulary(path: "v.txt", line: 8, reason: "duplicate token \"a\"")) {
            try Vocabulary.parse(Vocabulary.specials.joined(separator: "\n") + "\na\na\n", path: "v.txt")
        }
        #expect(throws: HangulError.self) { try Vocabulary.load(from: "/nonexistent/vocab.txt") }
        #expect(throws: HangulError.unstorableToken("a\nb")) { try Vocabulary(tokens: ["a\nb"]).serialized() }
    }
}
