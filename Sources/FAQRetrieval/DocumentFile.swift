import Foundation
import Hangul

/// One document of a collection: its title, where it came from, and its text.
public struct Document: Codable, Equatable, Sendable {
    public var title: String
    /// The file it was read from (for a JSON lines file or a WikiExtractor file: that file, with
    /// `part` telling the documents in it apart).
    public var path: String
    /// The position of the document in its file (0 for a file that holds one document).
    public var part: Int
    /// The text passages are cut from: a text or Markdown file as it is (BOM removed, line
    /// breaks kept), a JSON document's "text", a WikiExtractor article's body.
    public var text: String
}

/// A document cut into passages: each passage's text is `document.text`'s slice at [start, end)
/// (code points).
public struct DocumentPassages: Sendable {
    public var document: Document
    public var passages: [PassageSplitter.Passage]
}

/// Reading the documents a user names: plain text (.txt), Markdown (.md), JSON (an object or an
/// array of objects with "text" and optional "title", or KorQuAD/SQuAD JSON: one document per
/// paragraph), JSON lines, and WikiExtractor output
/// (`<doc … title="…">` … `</doc>`, the files of a Korean Wikipedia dump). Folders are walked
/// recursively. UTF-8 with or without BOM; CRLF is fine; invalid bytes are read as U+FFFD and
/// reported, not fatal.
public enum DocumentFile {
    public struct Loaded: Sendable {
        public var documents: [Document]
        /// "path: what was wrong" for every file or record that was skipped or repaired.
        public var problems: [String]
    }

    static let textExtensions: Set = ["txt", "text", "md", "markdown"]
    static let jsonExtensions: Set = ["json", "jsonl", "ndjson"]

    /// The documents of the files and folders at `paths`, in path order. `progress(done, total)`
    /// counts files read (a large collection takes a while before anything is written).
    public static func read(_ paths: [String], progress: (Int, Int) -> Void = { _, _ in }) throws(FAQError) -> Loaded {
        var loaded = Loaded(documents: [], problems: [])
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .cannotRead(path: path, reason: "no such file or folder")
            }
            let found = isDirectory.boolValue ? documentFiles(in: path) : [path]
            if isDirectory.boolValue && found.isEmpty {
                throw .cannotRead(path: path, reason: "the folder holds no .txt, .md, .json, .jsonl or WikiExtractor file")
            }
            files += found
        }
        for (done, file) in files.enumerated() {
            progress(done, files.count)
            try readFile(file, into: &loaded)
        }
        progress(files.count, files.count)
        return loaded
    }

    /// Files under `folder` that can hold documents: by extension, or WikiExtractor's wiki_NN.
    static func documentFiles(in folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        while let entry = walker.nextObject() as? String {
            let name = (entry as NSString).lastPathComponent, ext = (name as NSString).pathExtension.lowercased()
            if name.hasPrefix(".") { continue }
            if textExtensions.contains(ext) || jsonExtensions.contains(ext) || name.hasPrefix("wiki_") {
                var isDirectory: ObjCBool = false
                let full = folder + "/" + entry
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(full) }
            }
        }
        return files.sorted()
    }

    static func readFile(_ path: String, into loaded: inout Loaded) throws(FAQError) {
        let (text, replaced) = try InputFile.text(path) { FAQError.cannotRead(path: path, reason: $0) }
        if replaced { loaded.problems.append("\(path): invalid UTF-8 bytes were read as U+FFFD") }
        let name = (path as NSString).lastPathComponent, ext = (name as NSString).pathExtension.lowercased()
        if text.hasPrefix("<doc ") || (name.hasPrefix("wiki_") && text.contains("<doc ")) {
            let articles = TextCorpus.articles(in: Data(text.utf8))
            for (i, article) in articles.enumerated() {
                let body = article.lines.filter { !$0.isEmpty }.joined(separator: "\n")
                if body.isEmpty { continue }
                loaded.documents.append(Document(title: article.title, path: path, part: i, text: body))
            }
        } else if jsonExtensions.contains(ext) {
            readJSON(text, path: path, lines: ext != "json", into: &loaded)
        } else {
            guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
                loaded.problems.append("\(path): empty; skipped")
                return
            }
            loaded.documents.append(Document(title: title(ofText: text, fileName: name), path: path, part: 0, text: text))
        }
    }

    /// A Markdown file's first heading, else the first line of a plain text when it is short, else
    /// the file name without its extension.
    static func title(ofText text: String, fileName: String) -> String {
        let first = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if first.hasPrefix("#") { return first.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces) }
        if !first.isEmpty && first.unicodeScalars.count <= 60 && !first.hasSuffix(".") { return first }
        return (fileName as NSString).deletingPathExtension
    }

    static func readJSON(_ text: String, path: String, lines: Bool, into loaded: inout Loaded) {
        struct Record: Decodable { var title: String?; var text: String }
        struct SquadFile: Decodable {
            struct Article: Decodable { var title: String; var paragraphs: [Paragraph] }
            struct Paragraph: Decodable { var context: String }
            var data: [Article]
        }
        /// `number`: the record's line (JSON lines) or position (an array), 1-based.
        func add(_ record: Record, part: Int, number: Int) {
            guard record.text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
                loaded.problems.append("\(path): record \(number) has empty \"text\"; skipped")
                return
            }
            let fallback = "\((path as NSString).lastPathComponent) #\(number)"
            loaded.documents.append(Document(title: record.title ?? fallback, path: path, part: part, text: record.text))
        }
        if lines {
            let rows = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            var part = 0
            for (i, row) in rows.enumerated() where !row.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let record = try? JSONDecoder().decode(Record.self, from: Data(row.utf8)) else {
                    loaded.problems.append("\(path):\(i + 1): not a JSON object with a string \"text\" (and optional \"title\"); skipped")
                    continue
                }
                add(record, part: part, number: i + 1)
                part += 1
            }
        } else if let squad = try? JSONDecoder().decode(SquadFile.self, from: Data(text.utf8)) {
            // KorQuAD/SQuAD: every paragraph's context is a document titled by its article.
            var part = 0
            for article in squad.data {
                for paragraph in article.paragraphs {
                    add(Record(title: article.title, text: paragraph.context), part: part, number: part + 1)
                    part += 1
                }
            }
        } else if let records = try? JSONDecoder().decode([Record].self, from: Data(text.utf8)) {
            for (i, record) in records.enumerated() { add(record, part: i, number: i + 1) }
        } else if let record = try? JSONDecoder().decode(Record.self, from: Data(text.utf8)) {
            add(record, part: 0, number: 1)
        } else {
            loaded.problems.append("\(path): not a JSON object or array of objects with a string \"text\"; skipped")
        }
    }

    /// Every document cut into passages.
    public static func passages(of documents: [Document], splitter: PassageSplitter = PassageSplitter()) -> [DocumentPassages] {
        documents.map { DocumentPassages(document: $0, passages: splitter.split($0.text)) }
    }
}
