import Foundation
import Hangul

/// A text and its summary.
public struct SummaryPair: Codable, Equatable, Sendable {
    public var source: String
    public var target: String
    public init(source: String, target: String) { self.source = source; self.target = target }
}

/// Reading pairs: the user's own (TSV or JSON lines), sae4K with its fixed split, and
/// self-supervised lead generation from Korean Wikipedia.
public enum SummaryPairs {
    /// Pairs of a file plus the lines that could not be read ("line N: reason"), which the
    /// caller reports; a file without a single usable pair throws.
    public struct Loaded: Sendable {
        public var pairs: [SummaryPair]
        public var problems: [String]
    }

    /// `source<TAB>target[<TAB>…]` lines (extra columns ignored, as sae4K's label), or JSON lines
    /// `{"source": …, "target": …}` when the file's first non-empty line starts with `{`. UTF-8
    /// with or without BOM, LF or CRLF; empty lines skipped.
    public static func read(_ path: String) throws(SummarizerError) -> Loaded {
        let text = try InputFile.text(path) { SummarizerError.cannotRead(path: path, reason: $0) }.text
        let lines = lines(of: text)
        let isJSON = lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.trimmingCharacters(in: .whitespaces).hasPrefix("{") ?? false
        var loaded = Loaded(pairs: [], problems: [])
        for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = index + 1
            if line.contains("\u{FFFD}") { loaded.problems.append("line \(number): invalid UTF-8 (read as U+FFFD)") }
            if isJSON {
                guard let pair = try? JSONDecoder().decode(SummaryPair.self, from: Data(line.utf8)) else {
                    loaded.problems.append("line \(number): not a JSON object with string fields \"source\" and \"target\"")
                    continue
                }
                append(pair, number: number, to: &loaded)
            } else {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count >= 2 else {
                    loaded.problems.append("line \(number): expected source<TAB>target, found no tab")
                    continue
                }
                append(SummaryPair(source: String(fields[0]), target: String(fields[1])), number: number, to: &loaded)
            }
        }
        guard !loaded.pairs.isEmpty else {
            throw .malformed(path: path, line: 1, reason: "no usable pair (\(loaded.problems.first ?? "the file is empty"))")
        }
        return loaded
    }

    /// Lines split at LF or CRLF (to Swift "\r\n" is one Character), empty lines kept so that
    /// line numbers count every line of the file.
    static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    static func append(_ pair: SummaryPair, number: Int, to loaded: inout Loaded) {
        let source = pair.source.trimmingCharacters(in: .whitespaces), target = pair.target.trimmingCharacters(in: .whitespaces)
        guard !source.isEmpty, !target.isEmpty else {
            loaded.problems.append("line \(number): empty \(source.isEmpty ? "source" : "target")")
            return
        }
        loaded.pairs.append(SummaryPair(source: source, target: target))
    }

    /// sae4K's fixed split by line number i (0-based, counting every line of the file):
    /// i % 10 == 9 is test (never trained on), i % 10 == 8 validation, the rest training.
    public enum Sae4KPart: String, Codable, Sendable, CaseIterable { case train, validation, test }

    public static func sae4KPart(line i: Int) -> Sae4KPart { i % 10 == 9 ? .test : i % 10 == 8 ? .validation : .train }

    /// The pairs of one part of sae4K (`utterance<TAB>argument<TAB>label`).
    public static func sae4K(_ path: String, part: Sae4KPart) throws(SummarizerError) -> [SummaryPair] {
        let text = try InputFile.text(path) { SummarizerError.cannotRead(path: path, reason: $0) }.text
        var lines = lines(of: text)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var pairs: [SummaryPair] = []
        for (i, line) in lines.enumerated() where sae4KPart(line: i) == part {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { throw .malformed(path: path, line: i + 1, reason: "expected utterance<TAB>argument<TAB>label") }
            pairs.append(SummaryPair(source: String(fields[0]), target: String(fields[1])))
        }
        return pairs
    }
}

extension SummaryPairs {
    /// Lead generation from Korean Wikipedia (WikiExtractor folders), self-supervised: an
    /// article's first sentence is the target, the sentences after it (up to `sourceLength`
    /// syllables, from the opening lines) the source — a one-sentence gist of what follows.
    public struct WikipediaLeads: Sendable {
        public var train: [SummaryPair] = []
        public var heldOut: [SummaryPair] = []
        /// Articles left out because a scored data set uses their title.
        public var excludedArticles = 0
        /// Articles too short for a pair (no second sentence, or a lead outside 10…200 syllables).
        public var tooShort = 0
    }

    /// - Parameters:
    ///   - excludedTitles: title keys (`TextCorpus.titleKey`) of scored data sets' articles.
    ///   - isHeldOut: which titles are held out (the encoder's pre-training uses the same rule,
    ///     so held-out articles are new to the whole model).
    public static func wikipediaLeads(corpus: String, excludedTitles: Set<String>, sourceLength: Int = 400,
                                      isHeldOut: (String) -> Bool, limitArticles: Int = .max) throws -> WikipediaLeads {
        var leads = WikipediaLeads()
        let splitter = SentenceSplitter()
        var articles = 0
        for file in try TextCorpus.files(at: corpus) where articles < limitArticles {
            for article in TextCorpus.articles(in: try TextCorpus.contents(of: file)) where articles < limitArticles {
                if excludedTitles.contains(TextCorpus.titleKey(article.title)) { leads.excludedArticles += 1; continue }
                let sentences = article.lines.prefix(4).filter { !$0.isEmpty }.flatMap { splitter.split($0).map(\.text) }
                guard sentences.count >= 2 else { leads.tooShort += 1; continue }
                let lead = sentences[0], leadLength = lead.unicodeScalars.count
                guard (10...200).contains(leadLength) else { leads.tooShort += 1; continue }
                var source = "", length = 0
                for sentence in sentences.dropFirst() {
                    let n = sentence.unicodeScalars.count
                    if length > 0 && length + 1 + n > sourceLength { break }
                    source += (length > 0 ? " " : "") + sentence
                    length += n + (length > 0 ? 1 : 0)
                }
                guard length >= 40 else { leads.tooShort += 1; continue }
                articles += 1
                let pair = SummaryPair(source: source, target: lead)
                if isHeldOut(article.title) { leads.heldOut.append(pair) } else { leads.train.append(pair) }
            }
        }
        return leads
    }
}
