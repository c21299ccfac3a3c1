import Foundation
import Hangul
import NeuralCore

extension SkipGramCorpus {
    /// What reading a corpus found.
    public struct ReadReport: Sendable {
        /// Articles left out because their titles are excluded.
        public var skippedArticles = 0
        /// UTF-8 bytes of text read.
        public var bytes = 0
    }

    /// Every text line of the files at `path` (a file or a folder of WikiExtractor shards), with
    /// the articles whose `TextCorpus.titleKey` is in `excludedTitles` left out (their title
    /// lines too), up to `limitBytes`. `progress(filesDone, filesTotal, bytes)` after each file.
    public static func read(_ path: String, excludedTitles: Set<String> = [], limitBytes: Int = .max,
                            progress: (Int, Int, Int) -> Void = { _, _, _ in }) throws -> (SkipGramCorpus, ReadReport) {
        let corpus = SkipGramCorpus()
        var report = ReadReport()
        let files = try TextCorpus.files(at: path)
        for (f, file) in files.enumerated() where report.bytes < limitBytes {
            var skipping = false
            TextCorpus.forEachLine(in: try TextCorpus.contents(of: file)) { line in
                switch line {
                case .articleStart(let title):
                    skipping = excludedTitles.contains(TextCorpus.titleKey(title))
                    if skipping { report.skippedArticles += 1 }
                case .articleEnd:
                    skipping = false
                case .text(let bytes):
                    if !skipping {
                        corpus.add(line: String(decoding: bytes, as: UTF8.self))
                        report.bytes += bytes.count
                    }
                }
                return report.bytes < limitBytes
            }
            progress(f + 1, files.count, report.bytes)
        }
        return (corpus, report)
    }
}

extension SkipGram.Checkpoint {
    /// Writes the checkpoint (both tables and the epoch) as safetensors, atomically.
    public func save(to path: String) throws {
        try SafeTensors.write([.init(name: "input", shape: [input.count], values: input),
                               .init(name: "output", shape: [output.count], values: output)],
                              metadata: ["korqa.epoch": String(epoch)], to: path)
    }

    /// A checkpoint written by `save(to:)`.
    public static func load(from path: String) throws -> SkipGram.Checkpoint {
        guard FileManager.default.fileExists(atPath: path) else { throw WordVectorsError.nothingToResume(path: path) }
        let file = try SafeTensorsFile(path: path)
        guard let epoch = file.metadata["korqa.epoch"].flatMap(Int.init), let input = file.values("input"), let output = file.values("output") else {
            throw WordVectorsError.badFile(path: path, reason: "not a word-vector checkpoint")
        }
        return SkipGram.Checkpoint(epoch: epoch, input: input, output: output)
    }
}
