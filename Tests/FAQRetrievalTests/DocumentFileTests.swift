import Foundation
import Hangul
import Testing
@testable import FAQRetrieval

@Suite struct DocumentFileTests {
    func folder() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-docs-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: d + "/sub", withIntermediateDirectories: true)
        return d
    }

    /// Every supported format from one folder, walked recursively; bad records reported, not fatal;
    /// passages are slices of their document's text.
    @Test func readsEveryFormatAndReportsBadRecords() throws {
        let d = folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "\u{FEFF}# 설치 안내\r\n\r\nmake install 로 설치합니다.\r\n".write(toFile: d + "/guide.md", atomically: true, encoding: .utf8)
        try "지미 카터는 1924년에 태어났다. 그는 제39대 대통령이다.".write(toFile: d + "/sub/carter.txt", atomically: true, encoding: .utf8)
        try "{\"title\": \"서울\", \"text\": \"서울은 한국의 수도이다.\"}\n{\"text\": 3}\n{\"text\": \"제목 없는 글.\"}\n".write(toFile: d + "/a.jsonl", atomically: true, encoding: .utf8)
        try "[{\"title\": \"부산\", \"text\": \"부산은 항구 도시이다.\"}]".write(toFile: d + "/b.json", atomically: true, encoding: .utf8)
        try "<doc id=\"1\" url=\"u\" title=\"대구\">\n대구\n\n대구는 광역시이다.\n</doc>\n".write(toFile: d + "/sub/wiki_00", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: d + "/broken.txt", contents: Data([0xEA, 0xB0, 0x80, 0xFF, 0x41]))
        FileManager.default.createFile(atPath: d + "/ignored.csv", contents: Data("q,a\n".utf8))
        let loaded = try DocumentFile.read([d])
        let titles = loaded.documents.map(\.title)
        #expect(titles == ["서울", "a.jsonl #3", "부산", "가\u{FFFD}A", "설치 안내", "carter", "대구"], "\(titles)")
        #expect(loaded.problems.contains { $0.contains("a.jsonl:2") } && loaded.problems.contains { $0.contains("broken.txt: invalid UTF-8") })
        #expect(loaded.documents.first { $0.title == "대구" }?.text == "대구는 광역시이다.")
        for item in DocumentFile.passages(of: loaded.documents) {
            let scalars = Array(item.document.text.unicodeScalars)
            for p in item.passages { #expect(String(String.UnicodeScalarView(scalars[p.start..<p.end])) == p.text) }
        }
        #expect(throws: FAQError.self) { try DocumentFile.read([d + "/none"]) }
    }
}
