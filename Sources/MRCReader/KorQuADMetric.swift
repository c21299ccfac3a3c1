import Foundation
/// The official KorQuAD 1.0 metric (evaluate-v1.0.py), re-implemented exactly.
///
/// normalize(s) = whitespace_fix(remove_punctuation(lower(remove_marks(s)))), where
/// remove_marks turns ' " 《 》 < > 〈 〉 ( ) ‘ ’ into spaces, lower is Python's str.lower (full
/// Unicode case mapping, final sigma included), remove_punctuation drops ASCII
/// string.punctuation, and whitespace_fix splits on Python's str.split() whitespace and joins
/// with one space. EM compares normalized strings. F1 is by CHARACTER (code point): the
/// characters of the normalized tokens, counted as multisets. Each question takes the max over
/// its gold answers; a question without a prediction scores 0 and still counts.
public enum KorQuADMetric {
    static let marks: Set<Unicode.Scalar> = ["'", "\"", "《", "》", "<", ">", "〈", "〉", "(", ")", "\u{2018}", "\u{2019}"]
    static let asciiPunctuation: Set<Unicode.Scalar> = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)
    /// Python's str.isspace() characters (what str.split() splits on).
    static let pythonWhitespace: Set<UInt32> = [0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                                                0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
                                                0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]

    /// The normalized tokens of `s`.
    public static func normalizedTokens(_ s: String) -> [[Unicode.Scalar]] {
        let marked = s.unicodeScalars.map { marks.contains($0) ? " " : $0 }
        let lowered = pythonLower(marked).filter { !asciiPunctuation.contains($0) }
        var tokens: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in lowered {
            if pythonWhitespace.contains(scalar.value) {
                if !current.isEmpty { tokens.append(current); current = [] }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    public static func normalize(_ s: String) -> String {
        String(String.UnicodeScalarView(normalizedTokens(s).joined(separator: [" "])))
    }

    /// Python's str.lower(): each code point's full lowercase mapping, with Greek capital sigma
    /// becoming final ς when a cased letter precedes it and none follows (case-ignorable
    /// characters skipped), as CPython's handle_capital_sigma does.
    static func pythonLower(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for (i, s) in scalars.enumerated() {
            if s == "\u{03A3}" {
                out.append(isFinalSigma(scalars, i) ? "\u{03C2}" : "\u{03C3}")
            } else if s.value < 0x80 {
                out.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
            } else {
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    static func isFinalSigma(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && s[j].properties.isCased else { return false }
        j = i + 1
        while j < s.count && s[j].properties.isCaseIgnorable { j += 1 }
        return !(j < s.count && s[j].properties.isCased)
    }

    public static func exactMatch(_ prediction: String, _ truth: String) -> Bool {
        normalize(prediction) == normalize(truth)
    }

    public static func f1(_ prediction: String, _ truth: String) -> Double {
        let p = normalizedTokens(prediction).flatMap { $0 }
        let t = normalizedTokens(truth).flatMap { $0 }
        var counts: [Unicode.Scalar: Int] = [:]
        for c in t { counts[c, default: 0] += 1 }
        var same = 0
        for c in p where counts[c, default: 0] > 0 { counts[c]! -= 1; same += 1 }
        guard same > 0 else { return 0 }
        let precision = Double(same) / Double(p.count), recall = Double(same) / Double(t.count)
        return 2 * precision * recall / (precision + recall)
    }

    public struct Score: Equatable, Sendable {
        /// Percent, as the official script prints.
        public var exactMatch: Double
        public var f1: Double
        public var count: Int
        public var answered: Int
    }

    /// Reads an official-format prediction file `{"question id": "answer text"}`. What is wrong
    /// with a malformed one is said: the JSON parser's own message (with its position), or the
    /// id whose prediction is not a string.
    public static func readPredictions(_ path: String) throws -> [String: String] {
        let expected = "predictions are one JSON object {\"question id\": \"answer text\"}"
        let object = try MRCFile.json(MRCFile.data(path), path: path, expected: expected)
        guard let dict = object as? [String: Any] else {
            throw MRCError.malformed(path: path, element: "", reason: "the top level is \(object is [Any] ? "an array" : "not an object"); \(expected)")
        }
        var answers: [String: String] = [:]
        for (id, value) in dict {
            guard let text = value as? String else { throw MRCError.malformed(path: path, element: id, reason: "the prediction is not a string") }
            answers[id] = text
        }
        return answers
    }

    /// Scores predictions {id: answer text} against a dataset.
    public static func score(_ dataset: SquadDataset, predictions: [String: String]) -> Score {
        var em = 0.0, f1Sum = 0.0, total = 0, answered = 0
        for (question, _, _) in dataset.questions {
            total += 1
            guard let prediction = predictions[question.id] else { continue }
            answered += 1
            let truths = question.answers.map(\.text)
            em += truths.contains { exactMatch(prediction, $0) } ? 1 : 0
            f1Sum += truths.map { f1(prediction, $0) }.max() ?? 0
        }
        return Score(exactMatch: total == 0 ? 0 : 100 * em / Double(total), f1: total == 0 ? 0 : 100 * f1Sum / Double(total),
                     count: total, answered: answered)
    }
}
