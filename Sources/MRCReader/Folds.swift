import Foundation

/// Cross-validation folds by ARTICLE, so no article's paragraphs are split between training
/// and testing.
public enum ArticleFolds {
    /// Assigns article indices 0..<count to `folds` folds: a seeded shuffle, then round robin.
    public static func assign(articleCount: Int, folds: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<articleCount)
        var state = seed
        // Fisher–Yates with SplitMix64, spelled out so the committed fold file can be checked
        // against this code forever (no dependence on the standard library's shuffle algorithm).
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        if articleCount > 1 {
            for i in stride(from: articleCount - 1, to: 0, by: -1) { order.swapAt(i, Int(next() % UInt64(i + 1))) }
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
