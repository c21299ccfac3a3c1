import Foundation

/// Plain-text corpora: one file, or a folder of shards such as WikiExtractor's output
/// (`AA/wiki_00` …, each holding articles as `<doc id=… title="T">` … `</doc>`). The one reader
/// of that format: word vectors, the reader's synthetic questions and the text benchmark all
/// walk corpora through it.
public enum TextCorpus {
    /// `path` itself, or every file under the folder `path` (recursively, as WikiExtractor
    /// writes AA/wiki_00 …), sorted; hidden files are left out.
    public static func files(at path: String) throws(HangulError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .corpusIO(path: path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var files: [String] = []
        while let name = enumerator?.nextObject() as? String {
            var d: ObjCBool = false
            let file = path + "/" + name
            let hidden = name.split(separator: "/").contains { $0.hasPrefix(".") }
            if !hidden, FileManager.default.fileExists(atPath: file, isDirectory: &d), !d.boolValue { files.append(file) }
        }
        return files.sorted()
    }

    /// An article title as compared across files (Wikipedia dumps, KorQuAD, TyDi): underscores
    /// read as spaces (KorQuAD writes "서양_철학" where the dump says "서양 철학"; before
    /// 2026-12-01 they were not, and 11 KorQuAD dev articles of the Wikipedia shards escaped
    /// exclusion), trimmed, lower-cased. Corpora drop the articles whose key an evaluation set uses.
    public static func titleKey(_ title: String) -> String {
        title.replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A file's bytes, refused with the reason when it is not a readable regular file.
    public static func contents(of file: String) throws(HangulError) -> Data {
        try InputFile.contents(file) { HangulError.corpusIO(path: file, reason: $0) }
    }

    /// One non-empty line of a corpus file, as WikiExtractor's markup makes it.
    public enum Line {
        /// `<doc … title="T">`: an article starts ("" when the line has no title).
        case articleStart(title: String)
        /// `</doc>`: the article ends.
        case articleEnd
        /// A line of text (inside an article or in a plain file), without its newline: UTF-8.
        case text(Data.SubSequence)
    }

    /// Calls `body` with every non-empty line of `data` (split at LF bytes), in order; stops when
    /// `body` returns false.
    public static func forEachLine(in data: Data, _ body: (Line) throws -> Bool) rethrows {
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let event: Line
            if line.starts(with: docOpen) {
                event = .articleStart(title: title(ofDocLine: line))
            } else if line.starts(with: docClose) {
                event = .articleEnd
            } else {
                event = .text(line)
            }
            guard try body(event) else { return }
        }
    }

    private static let docOpen = Array("<doc ".utf8), docClose = Array("</doc>".utf8)

    /// The `title="…"` attribute of a `<doc …>` line ("" when it has none).
    static func title(ofDocLine line: Data.SubSequence) -> String {
        let text = String(decoding: line, as: UTF8.self)
        return text.range(of: "title=\"").map { String(text[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
    }

    /// The text lines (UTF-8 bytes, without the newline) of the files at `path`, in order, until
    /// `limitBytes` are collected; WikiExtractor's `<doc …>` / `</doc>` lines are left out.
    public static func textLines(at path: String, limitBytes: Int) throws(HangulError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var total = 0
        for file in try files(at: path) {
            forEachLine(in: try contents(of: file)) { line in
                if case .text(let bytes) = line {
                    lines.append(Array(bytes))
                    total += bytes.count
                }
                return total < limitBytes
            }
            if total >= limitBytes { break }
        }
        return lines
    }

    /// Articles of WikiExtractor output: `<doc … title="T">` … `</doc>`; `lines` are the body
    /// lines, trimmed of spaces, without the first line's repeat of the title. Text outside any
    /// article is not part of one and is left out.
    public static func articles(in data: Data) -> [(title: String, lines: [String])] {
        var articles: [(title: String, lines: [String])] = []
        var current: (title: String, lines: [String])?
        forEachLine(in: data) { line in
            switch line {
            case .articleStart(let title):
                current = (title, [])
            case .articleEnd:
                if let c = current { articles.append(c) }
                current = nil
            case .text(let bytes):
                guard current != nil else { break }
                let body = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if body != current!.title { current!.lines.append(body) }
            }
            return true
        }
        return articles
    }
}
