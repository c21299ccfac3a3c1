import Foundation
import Hangul
import NeuralCore

/// One utterance and its label as written in the data ("2", "question", …).
public struct LabeledText: Equatable, Sendable {
    public var label: String
    public var text: String
    public var line: Int
    public init(label: String, text: String, line: Int = 0) { self.label = label; self.text = text; self.line = line }
}

public enum LabeledData {
    static let labelNames: Set = ["label", "act", "topic", "intent", "class", "category", "라벨"]
    static let textNames: Set = ["text", "sentence", "utterance", "question", "문장"]

    /// Reads `label<TAB>text` lines (3i4k's format), or a CSV/TSV whose header names a label
    /// column (label, act, topic, intent, class) and a text column (text, sentence, utterance).
    /// BOM and CRLF are fine. Returns the examples and the malformed lines ("12: reason").
    public static func read(path: String) throws -> (examples: [LabeledText], problems: [String]) {
        let data = try InputFile.contents(path) { IntentError.cannotRead(path: path, reason: $0) }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let (scalars, replaced) = UTF8Decoding.decode(bytes)
        let text = String(String.UnicodeScalarView(scalars))
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first else { throw IntentError.noExamples(path: path) }
        let isCSV = (path as NSString).pathExtension.lowercased() == "csv"
        let separator: Character = isCSV ? "," : "\t"
        func fields(_ line: String) -> [String] { line.split(separator: separator, omittingEmptySubsequences: false).map(String.init) }
        var labelColumn = 0, textColumn = 1, start = 0, expected = 2
        let header = fields(first).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let l = header.firstIndex(where: labelNames.contains), let t = header.firstIndex(where: textNames.contains) {
            labelColumn = l; textColumn = t; start = 1; expected = header.count
        } else if isCSV {
            throw IntentError.malformedLines(path: path, problems: ["1: the CSV header needs a label column (label, act, topic, intent) and a text column (text, sentence)"])
        }
        var examples: [LabeledText] = []
        var problems: [String] = []
        for (i, line) in lines.enumerated().dropFirst(start) {
            let number = i + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            var parts = fields(line)
            // A text column that is last may itself contain the separator (commas in CSV text).
            if parts.count > expected && textColumn == expected - 1 {
                parts = Array(parts[..<textColumn]) + [parts[textColumn...].joined(separator: String(separator))]
            }
            guard parts.count == expected else {
                problems.append("\(number): expected \(expected) fields separated by \(isCSV ? "commas" : "a tab"), found \(parts.count)"); continue
            }
            let label = parts[labelColumn].trimmingCharacters(in: .whitespaces)
            let sentence = parts[textColumn].trimmingCharacters(in: .whitespaces)
            if label.isEmpty { problems.append("\(number): empty label"); continue }
            if sentence.isEmpty { problems.append("\(number): empty text"); continue }
            if replaced > 0 && sentence.contains("\u{FFFD}") { problems.append("\(number): invalid UTF-8"); continue }
            examples.append(LabeledText(label: label, text: sentence, line: number))
        }
        return (examples, problems)
    }

    /// Splits off about `fraction` of each label for validation (deterministic for a seed).
    public static func stratifiedSplit(_ examples: [LabeledText], fraction: Double, seed: UInt64) -> (train: [LabeledText], validation: [LabeledText]) {
        var byLabel: [String: [LabeledText]] = [:]
        for e in examples { byLabel[e.label, default: []].append(e) }
        var generator = SplitMix64(seed: seed)
        var train: [LabeledText] = [], validation: [LabeledText] = []
        for label in byLabel.keys.sorted() {
            var group = byLabel[label]!
            group.shuffle(using: &generator)
            let n = Int((Double(group.count) * fraction).rounded())
            validation += group.prefix(n)
            train += group.dropFirst(n)
        }
        return (train, validation)
    }
}
