import Foundation
import Testing
@testable import WordVectors

@Suite struct LatentSpaceTests {
    /// Points spread along one direction and a little along another: the first principal
    /// coordinate orders them along the first, the second along the other; both centred.
    @Test func principalCoordinatesFollowTheSpread() {
        let vectors: [[Float]] = (0..<10).map { i in [Float(i) * 3, Float(i % 2) * 0.5, 1] }
        let c = LatentSpace.principalCoordinates(vectors)
        let first = c.map { $0[0] }, second = c.map { $0[1] }
        let increasing = zip(first, first.dropFirst()).allSatisfy { $0 < $1 }, decreasing = zip(first, first.dropFirst()).allSatisfy { $0 > $1 }
        #expect(increasing || decreasing)
        #expect(abs(first.reduce(0, +)) < 1e-6 && abs(second.reduce(0, +)) < 1e-6)
        #expect(abs(abs(second[1] - second[0]) - 0.5) < 0.05)  // the y spread (i % 2 correlates a little with i)
    }

    @Test func analogyFilesAreCheckedLineByLine() throws {
        let questions = try LatentSpace.analogyQuestions("# comment\ncapital\t한국\t서울\t일본\t도쿄\n\n", path: "a.tsv")
        #expect(questions == [.init(group: "capital", a: "한국", b: "서울", c: "일본", d: "도쿄")])
        #expect(throws: WordVectorsError.malformed(path: "a.tsv", line: 2, reason: "expected group<TAB>a<TAB>b<TAB>c<TAB>d (a : b = c : d)")) {
            try LatentSpace.analogyQuestions("x\ta\tb\tc\td\nx\ta b c d\n", path: "a.tsv")
        }
        // The shipped set parses, and every answer is a different word from its question's.
        let url = try #require(Bundle.module.url(forResource: "Fixtures/analogies", withExtension: "tsv"))
        let set = try LatentSpace.analogyQuestions(at: url.path)
        #expect(set.count >= 30 && Set(set.map(\.group)) == ["capital", "family", "tense"] && set.allSatisfy { ![$0.a, $0.b, $0.c].contains($0.d) })
    }

    @Test func svgEscapesLabelsAndColoursGroups() {
        let svg = LatentSpace.svg([.init(label: "a<b", group: "x", x: 0, y: 0), .init(label: "c&d", group: "y", x: 1, y: 1)], title: "t")
        #expect(svg.hasPrefix("<svg") && svg.contains("a&lt;b") && svg.contains("c&amp;d") && svg.contains("#1f77b4") && svg.contains("#ff7f0e"))
        #expect(!svg.contains("a<b"))
    }
}
