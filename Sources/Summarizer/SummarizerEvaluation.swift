import Foundation
import Hangul

/// Scoring summaries: abstractive on pairs (sae4K test), extractive on sci-news-sum-kr-50
/// (documents as sentence lists, gold = sentence indices), with bootstrap intervals.
public enum SummarizerEvaluation {
    /// One sci-news-sum-kr-50 article.
    public struct Article: Sendable {
        public var name: String
        public var title: String
        public var sentences: [String]
        public var gold: [Int]
        public var reference: String { gold.map { sentences[$0] }.joined(separator: " ") }
    }

    /// The articles of a sci-news-sum-kr-50 folder (NN.json, in name order).
    public static func sciNewsSum(_ directory: String) throws(SummarizerError) -> [Article] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted() } catch {
            throw .cannotRead(path: directory, reason: "not a folder of sci-news-sum-kr-50 JSON files")
        }
        guard !names.isEmpty else { throw .cannotRead(path: directory, reason: "it holds no .json file") }
        struct File: Decodable { var title: String; var sentences: [String]; var summaries: [Int] }
        var articles: [Article] = []
        for name in names {
            let path = directory + "/" + name
            let data = try InputFile.contents(path) { SummarizerError.cannotRead(path: path, reason: $0) }
            guard let file = try? JSONDecoder().decode(File.self, from: data) else {
                throw .malformed(path: path, line: 1, reason: "expected {\"title\", \"sentences\": [...], \"summaries\": [indices]}")
            }
            guard file.summaries.allSatisfy({ (0..<file.sentences.count).contains($0) }) else {
                throw .malformed(path: path, line: 1, reason: "a summary index lies outside the \(file.sentences.count) sentences")
            }
            articles.append(Article(name: name, title: file.title, sentences: file.sentences, gold: file.summaries))
        }
        return articles
    }

    /// A development set for extractive design choices that is not sci-news-sum-kr-50 (which is
    /// only ever reported): held-out Korean Wikipedia articles (their first `maxSentences`
    /// sentences), gold = the `count` principal sentences — those with the highest ROUGE-1 F1
    /// against the rest of the article (PEGASUS's "Ind-Orig" gap sentences).
    public static func wikipediaPrincipalSentences(corpus: String, articles limit: Int, count: Int = 3, maxSentences: Int = 25,
                                                   isHeldOut: (String) -> Bool) throws -> [Article] {
        var articles: [Article] = []
        let splitter = SentenceSplitter()
        for file in try TextCorpus.files(at: corpus) where articles.count < limit {
            for article in TextCorpus.articles(in: try TextCorpus.contents(of: file)) where articles.count < limit && isHeldOut(article.title) {
                let sentences = Array(article.lines.filter { $0.unicodeScalars.count > 20 }.flatMap { splitter.split($0).map(\.text) }
                    .filter { Rouge.units($0).count >= 10 }.prefix(maxSentences))
                guard sentences.count >= 2 * count + 2 else { continue }
                let scores = sentences.indices.map { i in
                    Rouge.scores(sentences[i], reference: sentences.indices.filter { $0 != i }.map { sentences[$0] }.joined(separator: " ")).rouge1.f1
                }
                let gold = sentences.indices.sorted { scores[$0] > scores[$1] }.prefix(count).sorted()
                articles.append(Article(name: article.title, title: article.title, sentences: sentences, gold: Array(gold)))
            }
        }
        return articles
    }

    /// A mean with a 95% percentile bootstrap interval (1,000 resamples, fixed seed).
    public struct Estimate: Codable, Equatable, Sendable {
        public var mean: Double
        public var low: Double
        public var high: Double

        public init(_ values: [Double], resamples: Int = 1000, seed: UInt64 = 1) {
            let n = values.count
            mean = n == 0 ? 0 : values.reduce(0, +) / Double(n)
            guard n > 1 else { low = mean; high = mean; return }
            var state = seed
            var means: [Double] = []
            for _ in 0..<resamples {
                var sum = 0.0
                for _ in 0..<n {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    sum += values[Int((state >> 33) % UInt64(n))]
                }
                means.append(sum / Double(n))
            }
            means.sort()
            low = means[Int(0.025 * Double(resamples))]
            high = means[min(resamples - 1, Int(0.975 * Double(resamples)))]
        }
    }

    public struct Report: Codable, Equatable, Sendable {
        public var system: String
        public var documents: Int
        public var rouge1: Estimate
        public var rouge2: Estimate
        public var rougeL: Estimate
        /// Sentence-level F1 against the gold indices (extractive only).
        public var sentenceF1: Estimate?
        /// Exact match of the whole summary (letters and digits), abstractive pairs only.
        public var exactMatch: Estimate?
    }

    /// Extractive systems on articles: `choose` returns the chosen sentence indices.
    public static func extractive(_ articles: [Article], system: String, choose: (Article) -> [Int]) -> Report {
        var r1: [Double] = [], r2: [Double] = [], rl: [Double] = [], f1: [Double] = []
        for article in articles {
            let chosen = choose(article).sorted()
            let scores = Rouge.scores(chosen.map { article.sentences[$0] }.joined(separator: " "), reference: article.reference)
            r1.append(scores.rouge1.f1); r2.append(scores.rouge2.f1); rl.append(scores.rougeL.f1)
            let hits = Double(Set(chosen).intersection(article.gold).count)
            let p = chosen.isEmpty ? 0 : hits / Double(chosen.count), r = hits / Double(article.gold.count)
            f1.append(p + r == 0 ? 0 : 2 * p * r / (p + r))
        }
        return Report(system: system, documents: articles.count, rouge1: Estimate(r1), rouge2: Estimate(r2), rougeL: Estimate(rl),
                      sentenceF1: Estimate(f1), exactMatch: nil)
    }

    /// An abstractive system on articles: its text against the gold sentences (no sentence F1).
    public static func abstractive(_ articles: [Article], system: String, summarize: (String) -> String) -> Report {
        var report = pairs(articles.map { SummaryPair(source: $0.sentences.joined(separator: " "), target: $0.reference) },
                           system: system, summarize: summarize)
        report.exactMatch = nil
        return report
    }

    /// Abstractive (or any text → text) systems on pairs.
    public static func pairs(_ pairs: [SummaryPair], system: String, summarize: (String) -> String) -> Report {
        var r1: [Double] = [], r2: [Double] = [], rl: [Double] = [], em: [Double] = []
        for pair in pairs {
            let candidate = summarize(pair.source)
            let scores = Rouge.scores(candidate, reference: pair.target)
            r1.append(scores.rouge1.f1); r2.append(scores.rouge2.f1); rl.append(scores.rougeL.f1)
            em.append(Rouge.units(candidate) == Rouge.units(pair.target) ? 1 : 0)
        }
        return Report(system: system, documents: pairs.count, rouge1: Estimate(r1), rouge2: Estimate(r2), rougeL: Estimate(rl),
                      sentenceF1: nil, exactMatch: Estimate(em))
    }

    /// The baselines the issue names, for the same table: copying the utterance, and dropping
    /// its last 어절 (sae4K); Lead-N (articles).
    public static func copySource(_ source: String) -> String { source }
    public static func dropLastWord(_ source: String) -> String {
        var words = source.split(whereSeparator: { $0.isWhitespace })
        if words.count > 1 { words.removeLast() }
        return words.joined(separator: " ")
    }
    /// A document of about `syllables` letters and digits: whole sentences of the articles, in
    /// order (latency measurements summarize it).
    public static func document(from articles: [Article], syllables: Int) -> String {
        var sentences: [String] = [], count = 0
        for sentence in articles.flatMap(\.sentences) where count < syllables {
            sentences.append(sentence.hasSuffix(".") ? sentence : sentence + ".")
            count += Rouge.units(sentence).count
        }
        return sentences.joined(separator: " ")
    }

    /// Lead generation's baseline: the first sentence of the rest of the article.
    public static func firstSentence(_ source: String) -> String { SentenceSplitter().split(source).first?.text ?? source }
    public static func lead(_ count: Int) -> (Article) -> [Int] { { Array(0..<min(count, $0.sentences.count)) } }
}
