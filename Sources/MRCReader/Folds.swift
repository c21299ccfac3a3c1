import Foundation
import NeuralCore

/// Cross-validation folds by ARTICLE, so no article's paragraphs are split between training
/// and testing.
public enum ArticleFolds {
    /// Assigns article indices 0..<count to `folds` folds: a seeded shuffle, then round robin.
    public static func assign(articleCount: Int, folds: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<articleCount)
        // Fisher–Yates spelled out (not the standard library's shuffle, whose algorithm may
        // change), so the committed fold file can be checked against this code forever.
        var generator = SplitMix64(seed: seed)
        if articleCount > 1 {
            for i in stride(from: articleCount - 1, to: 0, by: -1) { order.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        }
        var fold = [Int](repeating: 0, count: articleCount)
        for (position, article) in order.enumerated() { fold[article] = position % folds }
        return fold
    }

    /// The fold file: one line per article, `index<TAB>fold<TAB>title`.
    public static func serialize(_ folds: [Int], titles: [String]) -> String {
        zip(folds.indices, zip(folds, titles)).map { "\($0)\t\($1.0)\t\($1.1)" }.joined(separator: "\n") + "\n"
    }

    public static func parse(_ text: String) throws -> [Int] {
        try text.split(separator: "\n").enumerated().map { i, line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count >= 2, Int(parts[0]) == i, let fold = Int(parts[1]) else {
                throw MRCError.malformed(path: "fold file", element: "line \(i + 1)", reason: "expected index<TAB>fold<TAB>title")
            }
            return fold
        }
    }
}
