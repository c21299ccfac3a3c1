import Foundation
import Hangul

/// Reading paraphrase and similarity data into `SentencePair`s. The evaluation splits are fixed
/// here: ParaKQC sets 801–1000 (0-based 800…999) are never training data; KorSTS dev and test
/// are files of their own.
public enum SentencePairs {
    static func lines(_ path: String) throws -> [Substring] {
        let text = try InputFile.text(path) { TextEncoderError.cannotRead(path: path, reason: $0) }.text
        return text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
    }

    /// KorSTS TSV (`genre filename year id score sentence1 sentence2`, header first): every pair
    /// with its 0–5 score; `minimumScore` keeps only pairs that close (positives for training).
    public static func korSTS(_ path: String, minimumScore: Double? = nil) throws -> [SentencePair] {
        var pairs: [SentencePair] = []
        for (n, line) in try lines(path).enumerated() where n > 0 {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 7, let score = Double(fields[4]) else {
                throw TextEncoderError.malformed(path: path, line: n + 1, reason: "expected 7 tab-separated fields with a numeric score (KorSTS)")
            }
            if let minimumScore, score < minimumScore { continue }
            pairs.append(SentencePair(String(fields[5]), String(fields[6]), score: score))
        }
        return pairs
    }

    /// Question_pair TSV (`question1 question2 is_duplicate`, header first; 0 = the same
    /// question): the pairs marked the same.
    public static func questionPairs(_ path: String) throws -> [SentencePair] {
        var pairs: [SentencePair] = []
        for (n, line) in try lines(path).enumerated() where n > 0 {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3 else {
                throw TextEncoderError.malformed(path: path, line: n + 1, reason: "expected question1<TAB>question2<TAB>is_duplicate")
            }
            if fields[2].trimmingCharacters(in: .whitespaces) == "0" { pairs.append(SentencePair(String(fields[0]), String(fields[1]))) }
        }
        return pairs
    }

    /// The sentences of ParaKQC (`topic<TAB>intent<TAB>sentence`, 10 lines per paraphrase set),
    /// grouped by set.
    public static func paraKQCSets(_ path: String) throws -> [[String]] {
        let sentences = try lines(path).map { $0.split(separator: "\t", omittingEmptySubsequences: false).last.map(String.init) ?? "" }
        guard sentences.count % 10 == 0 else {
            throw TextEncoderError.malformed(path: path, line: sentences.count, reason: "expected sets of 10 lines (ParaKQC)")
        }
        return stride(from: 0, to: sentences.count, by: 10).map { Array(sentences[$0..<($0 + 10)]) }
    }

    /// The training sets of ParaKQC: 1–800.
    public static let paraKQCTrainingSets = 0..<800

    /// Positive pairs of ParaKQC's training sets: each sentence with the next one of its set.
    public static func paraKQCTraining(_ path: String) throws -> [SentencePair] {
        try paraKQCSets(path)[paraKQCTrainingSets].flatMap { set in (1..<set.count).map { SentencePair(set[$0 - 1], set[$0]) } }
    }
}
