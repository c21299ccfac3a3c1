import ArgumentParser
import FAQRetrieval
import Foundation
import QAEngine
import WordVectors

extension KorQA {
    struct Similar: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Nearest words (word vectors) or nearest FAQ questions (sentence vectors), with cosines.",
            discussion: """
            A single word is looked up among the words of --words (default: resources/word-list.txt, \
            the 50,000 most frequent words of Korean Wikipedia) by the cosine of their subword word \
            vectors (--word-vectors, default: the reader's). With --sentence-encoder DIR the text is \
            a sentence: the nearest questions of the FAQ index (--db, embedded by the same encoder: \
            korqa index --sentence-encoder DIR) by the cosine of their sentence vectors.

            Examples:
              korqa similar 대통령
              korqa similar "택배 언제 와요" --sentence-encoder resources/sentence-encoder --top 5
            """
        )

        @Argument(help: "A word, or (with --sentence-encoder) a sentence.") var text: String
        @Option(help: "How many neighbours.") var top = 10
        @Option(help: "Word vectors (.safetensors), or 'default'.") var wordVectors = "default"
        @Option(help: "Candidate words, one per line.") var words: String?
        @Option(help: ArgumentHelp("A sentence-encoder folder: find FAQ questions instead of words.", valueName: "DIR")) var sentenceEncoder: String?
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print one JSON object: {\"query\", \"neighbours\": [{text, cosine}]}.") var json = false

        func validate() throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1 (got \(top)).") }
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("the text is empty: give a word or a sentence.") }
            if sentenceEncoder == nil && text.trimmingCharacters(in: .whitespaces).contains(" ") {
                throw ValidationError("'\(text)' is more than one word: pass --sentence-encoder DIR to find similar sentences, or give one word.")
            }
        }

        func run() throws {
            let neighbours: [LatentSpace.Neighbour]
            if let sentenceEncoder {
                let store = try database.open(quiet: json, readOnly: true)
                let results = try store.search(text, limit: top, mode: .dense, embedder: try EncoderEmbedder(directory: sentenceEncoder))
                neighbours = results.map { LatentSpace.Neighbour(text: $0.question, cosine: $0.similarity ?? 0) }
            } else {
                let (vectors, candidates) = try Home.current.wordSpace(vectors: wordVectors, words: words)
                let word = text.trimmingCharacters(in: .whitespaces)
                guard let probe = LatentSpace.normalized(vectors.vector(ofWord: word.unicodeScalars)) else {
                    throw CLIError.usage("no word vector for '\(word)': none of its syllables or syllable n-grams is known to \(wordVectors)")
                }
                neighbours = candidates.nearest(to: probe, count: top, excluding: [word])
            }
            if json {
                struct Output: Encodable { var query: String; var neighbours: [LatentSpace.Neighbour] }
                print(try JSON.line(Output(query: text, neighbours: neighbours)))
                return
            }
            for (i, n) in neighbours.enumerated() { print(String(format: "%2d. %@  (cosine %.3f)", i + 1, n.text, n.cosine)) }
        }
    }

    struct Analogy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Word analogies in the word vectors: A is to B as C is to ?  (B − A + C).",
            discussion: """
            Ranks the words of --words by the cosine of their vectors with B − A + C (each unit \
            length), leaving A, B and C out. With --test FILE (group<TAB>a<TAB>b<TAB>c<TAB>d lines) \
            it scores a set instead: how often d is first, or among the first five.

            Examples:
              korqa analogy 남자 왕 여자            # 남자 : 왕 = 여자 : ?  (왕 − 남자 + 여자)
              korqa analogy --test Tests/WordVectorsTests/Fixtures/analogies.tsv
            """
        )

        @Argument(help: "A B C: A is to B as C is to ?") var words: [String] = []
        @Option(help: "Score an analogy set (group, a, b, c, d per line) instead.") var test: String?
        @Option(help: "How many answers.") var top = 5
        @Option(help: "Word vectors (.safetensors), or 'default'.") var wordVectors = "default"
        @Option(name: .customLong("words"), help: "Candidate words, one per line.") var wordList: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (words.count == 3) != (test != nil) else { throw ValidationError("give three words A B C, or --test FILE.") }
            guard top >= 1 else { throw ValidationError("--top must be at least 1.") }
        }

        func run() throws {
            let (vectors, candidates) = try Home.current.wordSpace(vectors: wordVectors, words: wordList)
            if let test {
                let questions = try LatentSpace.analogyQuestions(at: test)
                let report = LatentSpace.score(questions, vectors: vectors, candidates: candidates)
                if json { print(try JSON.line(report)); return }
                print("group | questions | top-1 | top-5")
                for g in report.groups { print(String(format: "%@ | %d | %.3f | %.3f", g.group, g.questions, g.top1, g.top5)) }
                print(String(format: "all | %d | %.3f | %.3f", report.questions, report.top1, report.top5))
                return
            }
            let answers = LatentSpace.analogy(words[0], words[1], words[2], vectors: vectors, candidates: candidates, count: top)
            if json {
                struct Output: Encodable { var a: String; var b: String; var c: String; var answers: [LatentSpace.Neighbour] }
                print(try JSON.line(Output(a: words[0], b: words[1], c: words[2], answers: answers)))
                return
            }
            print("\(words[0]) : \(words[1]) = \(words[2]) : ?")
            for (i, n) in answers.enumerated() { print(String(format: "%2d. %@  (cosine %.3f)", i + 1, n.text, n.cosine)) }
        }
    }

    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A 2-D map (PCA) of words or of FAQ questions, as an SVG to open in a browser.",
            discussion: """
            --words W… maps those words' vectors; --db PATH --sentence-encoder DIR maps the index's \
            questions (their stored sentence vectors), coloured by category (or by source file). \
            Hover a point for its text.

            Examples:
              korqa plot --words 서울 부산 대구 사과 배 포도 --out words.svg
              korqa plot --db faq.sqlite --sentence-encoder resources/sentence-encoder --out faq.svg
            """
        )

        @Option(parsing: .upToNextOption, help: "Words to map.") var words: [String] = []
        @Option(help: ArgumentHelp("A sentence-encoder folder: map the index's questions.", valueName: "DIR")) var sentenceEncoder: String?
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Word vectors (.safetensors), or 'default'.") var wordVectors = "default"
        @Option(help: "Map at most this many questions.") var limit = 1000
        @Option(help: "The SVG file to write.") var out: String

        func validate() throws {
            guard words.isEmpty != (sentenceEncoder == nil) else { throw ValidationError("give --words W… or --sentence-encoder DIR (with --db PATH), not both.") }
            guard words.isEmpty || words.count >= 2 else { throw ValidationError("--words needs at least two words to map.") }
            guard limit >= 2 else { throw ValidationError("--limit must be at least 2.") }
        }

        func run() throws {
            var labels: [(String, String)] = [], vectors: [[Float]] = []
            var title: String
            if !words.isEmpty {
                let space = try Home.current.wordVectors(wordVectors)
                for w in words {
                    guard let v = LatentSpace.normalized(space.vector(ofWord: w.unicodeScalars)) else {
                        Diagnostics.warning("no vector for '\(w)': left out"); continue
                    }
                    labels.append((w, "words")); vectors.append(v)
                }
                title = "word vectors"
            } else {
                let store = try database.open(quiet: true, readOnly: true)
                let embedder = try EncoderEmbedder(directory: sentenceEncoder!)
                let entries = try store.entryVectors(modelID: embedder.modelID, limit: limit)
                guard !entries.isEmpty else { throw FAQError.vectorsMissing(path: store.path, model: embedder.modelID, missing: try store.count()) }
                for e in entries { labels.append((e.question, e.category ?? (e.source as NSString).lastPathComponent)); vectors.append(e.vector) }
                title = "FAQ questions of \(store.path)"
            }
            let coordinates = LatentSpace.principalCoordinates(vectors)
            let points = zip(labels, coordinates).map { LatentSpace.Point(label: $0.0.0, group: $0.0.1, x: $0.1[0], y: $0.1[1]) }
            do { try LatentSpace.svg(points, title: title).write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw CLIError.usage("cannot write \(out): \((error as NSError).localizedDescription)")
            }
            print("\(points.count) points mapped to \(out)")
        }
    }
}
