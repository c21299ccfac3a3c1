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

/// Longest fields an FAQ row may have, in characters (Unicode scalars). A question is searched
/// on every query, so one enormous row would slow every later question down; such rows are
/// reported and skipped.
public struct FieldLimits: Equatable, Sendable {
    public var questionLength: Int
    /// Answers, categories and extra columns.
    public var fieldLength: Int

    public init(questionLength: Int = 1_000, fieldLength: Int = 100_000) {
        self.questionLength = questionLength; self.fieldLength = fieldLength
    }
}

/// An FAQ file read into rows, with the rows that could not be used.
public struct FAQFile: Sendable {
    public enum Format: String, Sendable { case csv, tsv, json, jsonLines = "jsonl" }

    public var path: String
    public var format: Format
    public var rows: [FAQRow]
    public var problems: [RowProblem]

    /// The file's absolute, standardized path: what the index records as an entry's source.
    public var absolutePath: String { URL(fileURLWithPath: path).standardizedFileURL.path }

    static let questionNames: Set = ["question", "q", "질문", "query", "title"]
    static let answerNames: Set = ["answer", "a", "답변", "답", "response", "reply"]
    static let categoryNames: Set = ["category", "label", "카테고리", "분류"]

    /// Reads a file; the format comes from the extension (.csv, .tsv, .json, .jsonl/.ndjson) or,
    /// failing that, from the first character.
    public static func read(path: String, limits: FieldLimits = .init()) throws -> FAQFile {
        try parse(InputFile.contents(path) { FAQError.cannotRead(path: path, reason: $0) }, path: path, limits: limits)
    }

    /// `read` on bytes already read; `path` names them in problems and chooses the format by
    /// its extension.
    public static func parse(_ data: Data, path: String, limits: FieldLimits = .init()) throws -> FAQFile {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let (scalars, replaced) = UTF8Decoding.decode(bytes)
        let text = String(String.UnicodeScalarView(scalars))
        let format = try detectFormat(path: path, text: text)
        var file: FAQFile
        switch format {
        case .csv, .tsv: file = try parseDelimited(text, separator: format == .csv ? "," : "\t", path: path, format: format, limits: limits)
        case .json: file = try parseJSONArray(text, path: path, limits: limits)
        case .jsonLines: file = parseJSONLines(text, path: path, limits: limits)
        }
        if replaced > 0 {
            // Keep the rows (the bytes became U+FFFD) but say so.
            let affected = file.rows.filter { $0.question.contains("\u{FFFD}") || $0.answer.contains("\u{FFFD}") }
            for row in affected {
                file.problems.append(RowProblem(file: path, location: row.location, reason: "invalid UTF-8 (bytes replaced with U+FFFD)"))
            }
            file.rows.removeAll { $0.question.contains("\u{FFFD}") || $0.answer.contains("\u{FFFD}") }
        }
        return file
    }

    static func detectFormat(path: String, text: String) throws -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "txt" where text.prefix(while: { $0 != "\n" }).contains("\t"): return .tsv
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
                        location: String, path: String, limits: FieldLimits = .init()) -> Result<FAQRow, RowProblem> {
        func problem(_ reason: String) -> Result<FAQRow, RowProblem> { .failure(RowProblem(file: path, location: location, reason: reason)) }
        // SQLite stores text up to its first NUL: the rest of the field would be lost silently.
        if let column = fields.firstIndex(where: { $0.unicodeScalars.contains("\u{0}") }) {
            return problem("column \"\(header[column])\" contains a NUL character (U+0000)")
        }
        let question = fields[roles.question].trimmingCharacters(in: .whitespacesAndNewlines)
        let answer = fields[roles.answer].trimmingCharacters(in: .whitespacesAndNewlines)
        if question.isEmpty { return problem("empty question") }
        if answer.isEmpty { return problem("empty answer") }
        let questionLength = question.unicodeScalars.count
        if questionLength > limits.questionLength {
            return problem("the question is \(questionLength) characters long; the limit is \(limits.questionLength)")
        }
        for (i, field) in fields.enumerated() where i != roles.question {
            let length = field.unicodeScalars.count
            if length > limits.fieldLength {
                return problem("column \"\(header[i])\" is \(length) characters long; the limit is \(limits.fieldLength)")
            }
        }
        var extra: [String: String] = [:]
        for (i, name) in header.enumerated() where i != roles.question && i != roles.answer && i != roles.category {
            extra[name] = fields[i]
        }
        let category = roles.category.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        return .success(FAQRow(question: question, answer: answer, category: category, extra: extra, location: location))
    }

    /// One record of a delimited file: its fields, the line it starts on, how many lines it
    /// spans, and what is wrong with it.
    struct DelimitedRecord {
        var fields: [String] = []
        var line: Int
        var lineCount = 1
        var error: String?
        /// Byte index just past the record's line break.
        var next: Int
        /// Byte index just past the first line break after the record's start: where parsing
        /// resumes when a quote the record opened turns out never to close.
        var nextLine: Int
    }

    /// Reads the record starting at byte `start` of `bytes` (RFC 4180: quoted fields may hold
    /// separators, doubled quotes and line breaks; LF, CRLF and lone CR end records).
    static func delimitedRecord(_ bytes: [UInt8], from start: Int, line: Int, separator: UInt8) -> DelimitedRecord {
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var record = DelimitedRecord(line: line, next: bytes.count, nextLine: bytes.count)
        if let lineEnd = bytes[start...].firstIndex(where: { $0 == lf || $0 == cr }) {
            record.nextLine = lineEnd + (bytes[lineEnd] == cr && lineEnd + 1 < bytes.count && bytes[lineEnd + 1] == lf ? 2 : 1)
        }
        var field: [UInt8] = []
        var inQuotes = false, fieldWasQuoted = false
        var i = start
        func endField() {
            record.fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true); fieldWasQuoted = false
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == lf || (c == cr && !(i + 1 < bytes.count && bytes[i + 1] == lf)) { record.lineCount += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case quote where field.isEmpty && !fieldWasQuoted:
                inQuotes = true; fieldWasQuoted = true
            case quote:
                field.append(c)  // a quote inside an unquoted field: kept, as most tools do
            case separator:
                endField()
            case lf, cr:
                endField()
                record.next = i + (c == cr && i + 1 < bytes.count && bytes[i + 1] == lf ? 2 : 1)
                return record
            default:
                if fieldWasQuoted && record.error == nil { record.error = "text after a closing quote" }
                field.append(c)
            }
            i += 1
        }
        if inQuotes { record.error = "a quoted field is never closed (missing \")" }
        endField()
        return record
    }

    /// Records are numbered by the line they start on. A bad record that spans several lines
    /// (a quote opened by mistake swallowed the lines after it) is reported at its first line,
    /// and reading resumes on the next line, so one stray quote costs one row, not the rest of
    /// the file.
    static func parseDelimited(_ text: String, separator: Character, path: String, format: Format,
                               limits: FieldLimits = .init()) throws -> FAQFile {
        let bytes = Array(text.utf8), separatorByte = separator.asciiValue!
        var records: [DelimitedRecord] = []
        var position = 0, line = 1
        var headerCount: Int?
        while position < bytes.count {
            let record = delimitedRecord(bytes, from: position, line: line, separator: separatorByte)
            let isBlank = record.fields.count == 1 && record.fields[0].isEmpty && record.error == nil && bytes[position] != UInt8(ascii: "\"")
            let wrongCount = headerCount.map { record.fields.count != $0 } ?? false
            if record.lineCount > 1 && record.nextLine < bytes.count && (record.error != nil || wrongCount) {
                let reason = record.error ?? "expected \(headerCount!) fields, found \(record.fields.count)"
                records.append(DelimitedRecord(line: line, error: "\(reason), reading a quote that opens here over \(record.lineCount) lines (an unbalanced \"?); the lines after it are read on their own",
                                               next: record.nextLine, nextLine: record.nextLine))
                position = record.nextLine; line += 1
                continue
            }
            if !isBlank {
                records.append(record)
                if headerCount == nil { headerCount = record.fields.count }
            }
            position = record.next; line += record.lineCount
        }

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
            switch makeRow(record.fields, header: header.fields, roles: roles, location: location, path: path, limits: limits) {
            case .success(let row): file.rows.append(row)
            case .failure(let problem): file.problems.append(problem)
            }
        }
        return file
    }

    static func row(fromObject object: Any, location: String, path: String, limits: FieldLimits) -> Result<FAQRow, RowProblem> {
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
        return makeRow(fields, header: keys, roles: roles, location: location, path: path, limits: limits)
    }

    static func parseJSONArray(_ text: String, path: String, limits: FieldLimits) throws -> FAQFile {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw FAQError.malformedJSON(path: path, reason: (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)")
        }
        guard let array = object as? [Any] else { throw FAQError.malformedJSON(path: path, reason: "the top level is not an array of objects") }
        var file = FAQFile(path: path, format: .json, rows: [], problems: [])
        for (i, element) in array.enumerated() {
            switch row(fromObject: element, location: "data[\(i)]", path: path, limits: limits) {
            case .success(let row): file.rows.append(row)
            case .failure(let problem): file.problems.append(problem)
            }
        }
        return file
    }

    static func parseJSONLines(_ text: String, path: String, limits: FieldLimits) -> FAQFile {
        var file = FAQFile(path: path, format: .jsonLines, rows: [], problems: [])
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) else {
                file.problems.append(RowProblem(file: path, location: String(i + 1), reason: "not valid JSON")); continue
            }
            switch row(fromObject: object, location: String(i + 1), path: path, limits: limits) {
            case .success(let row): file.rows.append(row)
            case .failure(let problem): file.problems.append(problem)
            }
        }
        return file
    }
}
