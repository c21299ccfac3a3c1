import Foundation
import Hangul

/// Nearest neighbours, analogies and 2-D maps in a vector space (word vectors or sentence
/// vectors): what `korqa similar`, `korqa analogy` and `korqa plot` show.
public enum LatentSpace {
    /// A candidate and its cosine with the probe.
    public struct Neighbour: Codable, Equatable, Sendable {
        public var text: String
        public var cosine: Double
        public init(text: String, cosine: Double) { self.text = text; self.cosine = cosine }
    }

    /// Unit-length copy of `v` (nil for the zero vector).
    public static func normalized(_ v: [Float]) -> [Float]? {
        let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : nil
    }

    /// The words of a word list (one per line; only the first tab-separated field counts).
    public static func wordList(at path: String) throws(WordVectorsError) -> [String] {
        let data = try InputFile.contents(path) { WordVectorsError.badFile(path: path, reason: $0) }
        let words = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .compactMap { $0.split(separator: "\t").first.map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        guard !words.isEmpty else { throw .badFile(path: path, reason: "it holds no words (one word per line)") }
        return words
    }

    /// Word vectors of `words` (unit length; words without a known unit are left out).
    public struct Words: Sendable {
        public var words: [String]
        public var vectors: [[Float]]

        public init(_ candidates: [String], vectors: SubwordVectors) {
            var words: [String] = [], rows: [[Float]] = []
            var seen = Set<String>()
            for word in candidates where !word.isEmpty && seen.insert(word).inserted {
                if let v = normalized(vectors.vector(ofWord: word.unicodeScalars)) { words.append(word); rows.append(v) }
            }
            self.words = words
            self.vectors = rows
        }

        /// The `count` candidates nearest to `probe` by cosine, best first, without `excluding`.
        public func nearest(to probe: [Float], count: Int, excluding: Set<String> = []) -> [Neighbour] {
            guard let unit = normalized(probe) else { return [] }
            var scored: [Neighbour] = []
            for (word, v) in zip(words, vectors) where !excluding.contains(word) {
                var dot: Float = 0
                for i in 0..<v.count { dot += v[i] * unit[i] }
                scored.append(Neighbour(text: word, cosine: Double(dot)))
            }
            return Array(scored.sorted { $0.cosine > $1.cosine }.prefix(count))
        }
    }

    /// a : b = c : ? — the candidates nearest to b − a + c (each unit length first, as word2vec's
    /// "3CosAdd"), leaving out the three words themselves.
    public static func analogy(_ a: String, _ b: String, _ c: String, vectors: SubwordVectors, candidates: Words, count: Int) -> [Neighbour] {
        guard let va = normalized(vectors.vector(ofWord: a.unicodeScalars)), let vb = normalized(vectors.vector(ofWord: b.unicodeScalars)),
              let vc = normalized(vectors.vector(ofWord: c.unicodeScalars)) else { return [] }
        let probe = (0..<va.count).map { vb[$0] - va[$0] + vc[$0] }
        return candidates.nearest(to: probe, count: count, excluding: [a, b, c])
    }

    /// One line of an analogy set: a : b = c : d.
    public struct AnalogyQuestion: Codable, Equatable, Sendable {
        public var group: String
        public var a: String, b: String, c: String, d: String
    }

    /// `group<TAB>a<TAB>b<TAB>c<TAB>d` lines (# comments and blank lines skipped).
    public static func analogyQuestions(_ text: String, path: String) throws(WordVectorsError) -> [AnalogyQuestion] {
        var questions: [AnalogyQuestion] = []
        for (i, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 5, fields.allSatisfy({ !$0.isEmpty }) else {
                throw .malformed(path: path, line: i + 1, reason: "expected group<TAB>a<TAB>b<TAB>c<TAB>d (a : b = c : d)")
            }
            questions.append(AnalogyQuestion(group: fields[0], a: fields[1], b: fields[2], c: fields[3], d: fields[4]))
        }
        return questions
    }

    /// The analogy set in the file at `path`.
    public static func analogyQuestions(at path: String) throws(WordVectorsError) -> [AnalogyQuestion] {
        let data = try InputFile.contents(path) { WordVectorsError.badFile(path: path, reason: $0) }
        return try analogyQuestions(String(decoding: data, as: UTF8.self), path: path)
    }

    /// How often the answer is first, or among the first five, per group and overall.
    public struct AnalogyReport: Codable, Equatable, Sendable {
        public struct Group: Codable, Equatable, Sendable {
            public var group: String
            public var questions: Int
            public var top1: Double
            public var top5: Double
        }
        public var groups: [Group]
        public var questions: Int
        public var top1: Double
        public var top5: Double
        /// Questions whose answer is not among the candidate words (counted as wrong).
        public var answerNotACandidate: Int
    }

    public static func score(_ questions: [AnalogyQuestion], vectors: SubwordVectors, candidates: Words) -> AnalogyReport {
        var groups: [AnalogyReport.Group] = []
        var hits1 = 0, hits5 = 0
        let known = Set(candidates.words)
        for q in questions {
            let answers = analogy(q.a, q.b, q.c, vectors: vectors, candidates: candidates, count: 5).map(\.text)
            let one = answers.first == q.d ? 1 : 0, five = answers.contains(q.d) ? 1 : 0
            hits1 += one; hits5 += five
            if let i = groups.firstIndex(where: { $0.group == q.group }) {
                let n = Double(groups[i].questions)
                groups[i].top1 = (groups[i].top1 * n + Double(one)) / (n + 1)
                groups[i].top5 = (groups[i].top5 * n + Double(five)) / (n + 1)
                groups[i].questions += 1
            } else {
                groups.append(.init(group: q.group, questions: 1, top1: Double(one), top5: Double(five)))
            }
        }
        let n = Double(max(questions.count, 1))
        return AnalogyReport(groups: groups, questions: questions.count, top1: Double(hits1) / n, top5: Double(hits5) / n,
                             answerNotACandidate: questions.filter { !known.contains($0.d) }.count)
    }

    /// The first two principal components of `vectors` (power iteration with deflation on the
    /// centred data), and each vector's coordinates on them, [n][2].
    public static func principalCoordinates(_ vectors: [[Float]], iterations: Int = 200) -> [[Double]] {
        guard let d = vectors.first?.count, vectors.count > 1 else { return vectors.map { _ in [0, 0] } }
        let n = Double(vectors.count)
        var mean = [Double](repeating: 0, count: d)
        for v in vectors { for i in 0..<d { mean[i] += Double(v[i]) / n } }
        var x = vectors.map { v in (0..<d).map { Double(v[$0]) - mean[$0] } }
        var coordinates = [[Double]](repeating: [0, 0], count: vectors.count)
        for component in 0..<2 {
            // A fixed, not random, start so that the map is the same on every run.
            var w = (0..<d).map { 1.0 / Double(d).squareRoot() + (Double($0 % 7) - 3) * 1e-3 }
            for _ in 0..<iterations {
                var next = [Double](repeating: 0, count: d)
                for row in x {
                    var dot = 0.0
                    for i in 0..<d { dot += row[i] * w[i] }
                    for i in 0..<d { next[i] += dot * row[i] }
                }
                let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { break }
                w = next.map { $0 / norm }
            }
            for (r, row) in x.enumerated() {
                var dot = 0.0
                for i in 0..<d { dot += row[i] * w[i] }
                coordinates[r][component] = dot
                for i in 0..<d { x[r][i] -= dot * w[i] }
            }
        }
        return coordinates
    }

    /// A labelled point of a map.
    public struct Point: Sendable {
        public var label: String
        public var group: String
        public var x: Double, y: Double
        public init(label: String, group: String, x: Double, y: Double) { self.label = label; self.group = group; self.x = x; self.y = y }
    }

    /// An SVG scatter plot, one colour per group (with a legend), labels beside the points.
    public static func svg(_ points: [Point], title: String, width: Int = 900, height: Int = 700) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        var groups: [String] = []
        for p in points where !groups.contains(p.group) { groups.append(p.group) }
        let xs = points.map(\.x), ys = points.map(\.y)
        let (minX, maxX) = (xs.min() ?? 0, xs.max() ?? 1), (minY, maxY) = (ys.min() ?? 0, ys.max() ?? 1)
        let margin = 60.0, legend = groups.count > 1 ? 180.0 : 0
        func sx(_ x: Double) -> Double { margin + (x - minX) / max(maxX - minX, 1e-12) * (Double(width) - 2 * margin - legend) }
        func sy(_ y: Double) -> Double { Double(height) - margin - (y - minY) / max(maxY - minY, 1e-12) * (Double(height) - 2 * margin) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="24" text-anchor="middle" font-size="16">\(escape(title))</text>

            """
        for p in points {
            let color = palette[(groups.firstIndex(of: p.group) ?? 0) % palette.count]
            out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%@\"><title>%@</title></circle>", sx(p.x), sy(p.y), color, escape("\(p.label) (\(p.group))"))
            if points.count <= 300 { out += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"%@\">%@</text>", sx(p.x) + 6, sy(p.y) + 4, color, escape(p.label)) }
            out += "\n"
        }
        if groups.count > 1 {
            for (i, g) in groups.prefix(30).enumerated() {
                let y = 50 + 18 * i, x = width - Int(legend) + 10
                out += "<circle cx=\"\(x)\" cy=\"\(y - 4)\" r=\"5\" fill=\"\(palette[i % palette.count])\"/><text x=\"\(x + 10)\" y=\"\(y)\">\(escape(g))</text>\n"
            }
        }
        out += "<text x=\"\(margin)\" y=\"\(height - 20)\" fill=\"#555\">first two principal components (PCA)</text>\n</svg>\n"
        return out
    }
}
