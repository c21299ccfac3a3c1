/// BM25 over the precomputed search terms, in memory.
///
/// The same formula as SQLite FTS5's bm25() with column weights (fts5_aux.c): for each query
/// term t (one column each), with f = weight(column) × tf(t, row),
///   score += IDF(t) · f (k1 + 1) / (f + k1 (1 − b + b · |row| / avg|row|)),
///   IDF(t) = max(1e-6, ln((N − n(t) + 0.5) / (n(t) + 0.5))),
/// k1 = 1.2, b = 0.75, |row| = terms of the row in all columns. Scoring in Swift over posting
/// lists is what keeps a query under 2 ms at 12k entries: FTS5 calls bm25() for every row that
/// shares even one syllable with the query, which took ~14 ms.
struct SearchIndex {
    static let k1 = 1.2, b = 0.75

    /// Entry id of each row.
    var entryIDs: [Int64] = []
    var rowLengths: [Float] = []
    var averageLength: Float = 1
    /// Per column: term (its UTF-8 bytes) -> index of its posting list in `lists[column]`.
    ///
    /// Keyed by bytes, not String: a String hashes through Unicode normalization and splits on
    /// grapheme boundaries, which made building this index for 12k FAQ rows take ~0.5 s per
    /// process (jamo trigrams are the worst case). Terms are made from NFKC-normalized text, so
    /// equal bytes and equal Strings are the same thing here.
    var termIndex: [[TermBytes: Int32]] = [[:], [:], [:]]
    /// Per column: posting lists of (row, term frequency), rows ascending.
    var lists: [[[(row: Int32, count: Float)]]] = [[], [], []]

    /// A term's UTF-8 bytes: up to 24 inline (every syllable, pair and jamo triple), longer ones
    /// (Latin words) as an array.
    struct TermBytes: Hashable, Comparable {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0
        var count: Int
        var long: [UInt8]?

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            count = bytes.count
            if count > 24 { long = Array(bytes); return }
            withUnsafeMutableBytes(of: &a) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes).prefix(8))) }
            if count > 8 { withUnsafeMutableBytes(of: &b) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[8..<min(16, count)])) } }
            if count > 16 { withUnsafeMutableBytes(of: &c) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[16..<count])) } }
        }

        init(_ term: String) {
            var term = term
            self = term.withUTF8 { TermBytes($0) }
        }

        /// One mixed word into the hasher instead of five fields (hashing was a fifth of the build).
        func hash(into hasher: inout Hasher) {
            if let long { hasher.combine(long); return }
            hasher.combine((a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ (c &* 0x1656_67B1_9E37_79F9) ^ UInt64(count))
        }

        /// Any strict total order: only used to group a row's equal terms.
        static func < (x: TermBytes, y: TermBytes) -> Bool {
            if x.count != y.count { return x.count < y.count }
            if x.a != y.a { return x.a < y.a }
            if x.b != y.b { return x.b < y.b }
            if x.c != y.c { return x.c < y.c }
            return (x.long ?? []).lexicographicallyPrecedes(y.long ?? [])
        }
    }

    init(rows: [(id: Int64, columns: (String, String, String))]) {
        entryIDs.reserveCapacity(rows.count)
        var total: Float = 0
        var rowTerms: [TermBytes] = []
        for (r, row) in rows.enumerated() {
            entryIDs.append(row.id)
            var length: Float = 0
            for (c, text) in [row.columns.0, row.columns.1, row.columns.2].enumerated() {
                rowTerms.removeAll(keepingCapacity: true)
                var text = text
                text.withUTF8 { bytes in
                    var start = 0
                    for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x20 {
                        if i > start { rowTerms.append(TermBytes(UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
                        start = i + 1
                    }
                }
                // Equal terms side by side, then one posting per distinct term with its count.
                rowTerms.sort()
                var i = 0
                while i < rowTerms.count {
                    var j = i + 1
                    while j < rowTerms.count && rowTerms[j] == rowTerms[i] { j += 1 }
                    let n = Float(j - i)
                    if let index = termIndex[c][rowTerms[i]] {
                        lists[c][Int(index)].append((Int32(r), n))
                    } else {
                        termIndex[c][rowTerms[i]] = Int32(lists[c].count)
                        lists[c].append([(Int32(r), n)])
                    }
                    length += n
                    i = j
                }
            }
            rowLengths.append(length)
            total += length
        }
        averageLength = rows.isEmpty ? 1 : max(total / Float(rows.count), 1e-6)
    }

    /// FTS5's IDF of a term held by `df` of `n` rows (floored, as fts5_aux.c does).
    @inline(__always) static func idf(rows n: Double, holding df: Double) -> Double { max(1e-6, _log((n - df + 0.5) / (df + 0.5))) }

    /// k1 (1 − b + b · |row| / avg|row|).
    @inline(__always) static func lengthNorm(_ length: Double, average: Double) -> Double { k1 * (1 - b + b * length / average) }

    /// One term's share of a row's score: IDF · f (k1 + 1) / (f + norm), f the weighted frequency.
    @inline(__always) static func termScore(idf: Double, frequency f: Double, norm: Double) -> Double { idf * f * (k1 + 1) / (f + norm) }

    /// The best `limit` rows as (entry id, score), best first; ties by entry id.
    func search(_ terms: SearchTerms, weights: (Double, Double, Double), termLimit: Int = 48, limit: Int) -> [(id: Int64, score: Double)] {
        let n = Double(entryIDs.count)
        guard n > 0, limit > 0 else { return [] }
        var scores: [Int32: Double] = [:]
        let columnWeights = [weights.0, weights.1, weights.2]
        for (c, columnTerms) in terms.columns.enumerated() {
            for term in SearchTerms.distinct(columnTerms, limit: termLimit) {
                guard let index = termIndex[c][TermBytes(term)] else { continue }
                let list = lists[c][Int(index)]
                let idf = Self.idf(rows: n, holding: Double(list.count))
                for (row, count) in list {
                    let norm = Self.lengthNorm(Double(rowLengths[Int(row)]), average: Double(averageLength))
                    scores[row, default: 0] += Self.termScore(idf: idf, frequency: columnWeights[c] * Double(count), norm: norm)
                }
            }
        }
        let best = scores.sorted { $0.value != $1.value ? $0.value > $1.value : entryIDs[Int($0.key)] < entryIDs[Int($1.key)] }
        return best.prefix(limit).map { (entryIDs[Int($0.key)], $0.value) }
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
#else
import Foundation
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
#endif
