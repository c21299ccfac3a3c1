import Foundation
import Hangul

/// One usable row of an FAQ file.
public struct FAQRow: Equatable, Sendable {
    public var question: String
    public var answer: String
    public var category: String?
    /// Columns other than question/answer/category, kept as they are.
    public var extra: [String: String]
    /// Where the row starts ("12" for line 12, "data[3]" for a JSON array element).
    public var location: String

    public init(question: String, answer: String, category: String? = nil, extra: [String: String] = [:], location: String = "") {
        self.question = question; self.answer = answer; self.category = category; self.extra = extra; self.location = location
    }
}

/// An FAQ file read into rows, with the rows that could not be used.
public struct FAQFile: Sendable {
    public enum Format: String, Sendable { case csv, tsv, json, jsonLines = "jsonl" }

    public var path: String
    public var format: Format
    public var rows: [FAQRow]
    public var problems: [RowProblem]

    static let questionNames: Set = ["question", "q", "질문", "query", "title"]
    static let answerNames: Set = ["answer", "a", "답변", "답", "response", "reply"]
    static let categoryNames: Set = ["category", "label", "카테고리", "분류"]

    /// Reads a file; the format comes from the extension (.csv, .tsv, .json, .jsonl/.ndjson) or,
    /// failing that, from the first character.
    public static func read(path: String) throws -> FAQFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FAQError.cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let (scalars, replaced) = UTF8Decoding.decode(bytes)
        let text = String(String.UnicodeScalarView(scalars))
        let format = try detectFormat(path: path, text: text)
        var file: FAQFile
        switch format {
        case .csv, .tsv: file = try parseDelimited(text, separator: format == .csv ? "," : "\t", path: path, format: format)
        case .json: file = try parseJSONArray(text, path: path)
        case .jsonLines: file = parseJSONLines(text, path: path)
        }
        if replaced > 0 {
            // Keep the rows (the bytes became U+FFFD) but say so.
            let affected = file.rows.filter { $0.question.contains("\u{FFFD}") || $0.answer.contains("\u{FFFD}") }
            for row in affected {
                file.problems.append(RowProblem(file: path, location: row.location, reason: "invalid UTF-8 (bytes replaced with U+FFFD); row skipped"))
            }
            file.rows.removeAll { $0.question.contains("\u{FFFD}") || $0.answer.contains("\u{FFFD}") }
        }
        return file
    }

    static func detectFormat(path: String, text: String) throws -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "tsv", "tab", "txt" where text.prefix(while: { $0 != "\n" }).contains("\t"): return .tsv
        case "json": return .json
        case "jsonl", "ndjson": return .jsonLines
        default:
            let first = text.first { !$0.isWhitespace }
            if first == "[" { return .json }
            if first == "{" { return .jsonLines }
            let header = text.prefix { $0 != "\n" }
            if header.contains("\t") { return .tsv }
            if header.contains(",") { return .csv }
            throw FAQError.unknownFormat(path: path)
        }
    }

    /// Maps header names to roles; throws when there is no question or no answer column.
    static func columnRoles(_ header: [String], path: String) throws -> (question: Int, answer: Int, category: Int?) {
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let q = names.firstIndex(where: questionNames.contains), let a = names.firstIndex(where: answerNames.contains) else {
            throw FAQError.missingColumns(path: path, found: header)
        }
        return (q, a, names.firstIndex(where: categoryNames.contains))
    }

    static func makeRow(_ fields: [String], header: [String], roles: (question: Int, answer: Int, category: Int?),
                        location: String, path: String) -> Result<FAQRow, RowProblem> {
        let question = fields[roles.question].trimmingCharacters(in: .whitespacesAndNewlines)
        let answer = fields[roles.answer].trimmingCharacters(in: .whitespacesAndNewlines)
        if question.isEmpty { return .failure(RowProblem(file: path, location: location, reason: "empty question")) }
        if answer.isEmpty { return .failure(RowProblem(file: path, location: location, reason: "empty answer")) }
        var extra: [String: String] = [:]
        for (i, name) in header.enumerated() where i != roles.question && i != roles.answer && i != roles.category {
            extra[name] = fields[i]
        }
        let category = roles.category.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        return .success(FAQRow(question: question, answer: answer, category: category, extra: extra, location: location))
    }

    /// RFC 4180: quoted fields may hold separators, doubled quotes and line breaks; CRLF and LF
    /// both end records. Records are numbered by the line they start on.
    static func parseDelimited(_ text: String, separator: Character, path: String, format: Format) throws -> FAQFile {
        var records: [(line: Int, fields: [String], error: String?)] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var recordLine = 1
        var error: String?
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) { records.append((recordLine, fields, error)) }
            fields = []; field = ""; fieldWasQuoted = false; error = nil
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true; fieldWasQuoted = true
            case "\"":
                // A quote inside an unquoted field: keep it, as most tools do.
                field.append(c)
            case separator:
                fields.append(field); field = ""; fieldWasQuoted = false
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted && error == nil { error = "text after a closing quote" }
                field.append(c)
            }
        }
        if inQuotes { error = "a quoted field is never closed (missing \")" }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }

        guard let header = records.first else { throw FAQError.emptyFile(path: path) }
        let roles = try columnRoles(header.fields, path: path)
        var file = FAQFile(path: path, format: format, rows: [], problems: [])
        for record in records.dropFirst() {
            let location = String(record.line)
            if let error = record.error {
                file.problems.append(RowProblem(file: path, location: location, reason: error)); continue
            }
            guard record.fields.count == header.fields.count else {
                file.problems.append(RowProblem(file: path, location: location,
                                                reason: "expected \(header.fields.count) fields, found \(record.fields.count)"))
                continue
            }
            switch makeRow(record.fields, header: header.fields, roles: roles, location: location, path: path) {
            case .success(let row): file.rows.append(row)
            case .failure(let problem): file.problems.append(problem)
            }
        }
        return file
    }

    static func row(fromObject object: Any, location: String, path: String) -> Result<FAQRow, RowProblem> {
        guard let dict = object as? [String: Any] else {
            return .failure(RowProblem(file: path, location: location, reason: "not a JSON object"))
        }
        let keys = Array(dict.keys).sorted()
        guard let roles = try? columnRoles(keys, path: path) else {
            return .failure(RowProblem(file: path, location: location, reason: "no question/answer keys (found \(keys.joined(separator: ", ")))"))
        }
        let fields = keys.map { key -> String in
            switch dict[key] {
            case let s as String: return s
            case let n as NSNumber: return n.stringValue
            case nil, is NSNull: return ""
            case let other?: return (try? String(decoding: JSONSerialization.data(withJSONObject: other), as: UTF8.self)) ?? ""
            }
        }
        return makeRow(fields, header: keys, roles: roles, location: location, path: path)
    }

    static func parseJSONArray(_ text: String, path: String) throws -> FAQFile {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw FAQError.malformedJSON(path: path, reason: (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)")
        }
        guard let array = object as? [Any] else { throw FAQError.malformedJSON(path: path, reason: "the top level is not an array of objects") }
        var file = FAQFile(path: path, format: .json, rows: [], problems: [])
        for (i, element) in array.enumerated() {
            switch row(fromObject: element, location: "data[\(i)]", path: path) {
            case .success(let row): file.rows.append(row)
            case .failure(let problem): file.problems.append(problem)
            }
        }
        return file
    }

    static func parseJSONLines(_ text: String, path: String) -> FAQFile {
        var file = FAQFile(path: path, format: .jsonLines, rows: [], problems: [])
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) else {
                file.problems.append(RowProblem(file: path, location: String(i + 1), reason: "not valid JSON")); continue
            }
            switch row(fromObject: object, location: String(i + 1), path: path) {
            case .success(let row): file.rows.append(row)
            case .failure(let problem): file.problems.append(problem)
            }
        }
        return file
    }
}
