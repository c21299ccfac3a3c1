import CNeuralKernels
import Foundation
import Hangul
import NeuralCore

/// Pre-trained vectors for Korean words (어절), fastText-style (Bojanowski et al. 2017): a word's
/// vector is the mean of the vectors of its units — the whole word, when it was frequent, and
/// its syllable n-grams (n = 1…3, with word-boundary marks). A word inflected with particles
/// ("대통령이", "대통령의") shares most units with its stem, so a word never seen in training
/// still gets a vector near its relatives', which is what a reader trained on a few thousand
/// questions cannot learn about paraphrases by itself.
///
/// ```swift
/// let vectors = try SubwordVectors.load(from: "resources/reader-korquad/word-vectors.safetensors")
/// vectors.vector(ofWord: Array("대통령이".unicodeScalars))   // [dimension] floats
/// ```
public final class SubwordVectors: @unchecked Sendable {
    public let dimension: Int
    /// Unit keys (`SubwordUnits`), in row order of `vectors`.
    public let keys: [UInt64]
    /// Row-major [keys.count, dimension]; row r holds integers in -127...127 times rowScales[r].
    public let vectors: [Float]
    /// [keys.count]: each row's step, its largest magnitude / 127.
    let rowScales: [Float]
    let rowOfKey: KeyRowTable

    /// `vectors` are narrowed to what the file stores — one byte a value, scaled per row (128-d
    /// vectors for 100,000 units: 13 MB instead of 51 MB in F32) — so a reader answers the same
    /// before and after it is saved.
    public convenience init(dimension: Int, keys: [UInt64], vectors: [Float]) {
        precondition(dimension > 0 && vectors.count == keys.count * dimension, "vectors must hold keys.count × dimension values")
        let (values, scales) = Self.quantize(vectors, dimension: dimension)
        self.init(dimension: dimension, keys: keys, quantized: values, rowScales: scales)
    }

    private init(dimension: Int, keys: [UInt64], quantized vectors: [Float], rowScales: [Float]) {
        self.dimension = dimension; self.keys = keys; self.vectors = vectors; self.rowScales = rowScales
        rowOfKey = KeyRowTable(keys: keys)
    }

    /// Per-row int8 quantization. The values pass through F16 first, so vectors saved in F16 by
    /// earlier versions load to exactly the values freshly trained ones get.
    static func quantize(_ vectors: [Float], dimension: Int) -> (values: [Float], scales: [Float]) {
        var values = vectors.map { Float(Float16($0)) }
        var scales = [Float](repeating: 0, count: vectors.count / dimension)
        for r in scales.indices {
            let row = (r * dimension)..<((r + 1) * dimension)
            let scale = values[row].reduce(0) { max($0, abs($1)) } / 127
            scales[r] = scale
            for i in row { values[i] = scale > 0 ? Self.dequantize((values[i] / scale).rounded(), scale) : 0 }
        }
        return (values, scales)
    }

    /// The one expression both quantizing and loading use, so both give the same floats.
    @inline(__always) static func dequantize(_ step: Float, _ scale: Float) -> Float { step * scale }

    public var unitCount: Int { keys.count }

    /// Rows of the word's known units (empty for a word with none).
    public func rows(ofWord word: some Collection<Unicode.Scalar>) -> [Int32] {
        SubwordUnits.keys(of: word).compactMap { rowOfKey[$0] }
    }

    /// The mean of the word's unit vectors; zeros when none of its units is known.
    public func vector(ofWord word: some Collection<Unicode.Scalar>) -> [Float] {
        var out = [Float](repeating: 0, count: dimension)
        out.withUnsafeMutableBufferPointer { addVector(ofWord: word, into: $0.baseAddress!) }
        return out
    }

    /// Writes the word's vector into `out[0..<dimension]`.
    func addVector(ofWord word: some Collection<Unicode.Scalar>, into out: UnsafeMutablePointer<Float>) {
        let rows = rows(ofWord: word)
        guard !rows.isEmpty else { return }
        korqa_add_scaled_rows(out, vectors, rows, Int64(rows.count), Int64(dimension), 1 / Float(rows.count))
    }

    /// One vector per token, [tokens.count, dimension] row-major: every syllable token carries
    /// the vector of the word it belongs to (`SubwordUnits.words`).
    public func tokenVectors(_ tokens: ArraySlice<Token>) -> [Float] {
        var out = [Float](repeating: 0, count: tokens.count * dimension)
        let first = tokens.startIndex
        out.withUnsafeMutableBufferPointer { buffer in
            for word in SubwordUnits.words(tokens) {
                let start = (word.lowerBound - first) * dimension
                addVector(ofWord: tokens[word].flatMap(\.text.unicodeScalars), into: buffer.baseAddress! + start)
                for t in (word.lowerBound + 1)..<word.upperBound {
                    (buffer.baseAddress! + (t - first) * dimension).update(from: buffer.baseAddress! + start, count: dimension)
                }
            }
        }
        return out
    }

    // MARK: - Files

    static let tensorName = "vectors", scalesName = "row_scales", keysKey = "korqa.word_vector_units", formatKey = "korqa.word_vectors"

    /// One safetensors file: the [units, dimension] table in I8 with its [units] F32 row scales
    /// (the vectors are frozen inputs), the unit keys (hex) in the metadata.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        var meta = metadata
        meta[Self.formatKey] = "1"
        meta[Self.keysKey] = keys.map { String($0, radix: 16) }.joined(separator: " ")
        var steps = vectors
        for (r, scale) in rowScales.enumerated() where scale > 0 {
            for i in (r * dimension)..<((r + 1) * dimension) { steps[i] = (vectors[i] / scale).rounded() }
        }
        try SafeTensors.write([.init(name: Self.tensorName, shape: [keys.count, dimension], values: steps, dtype: .i8),
                               .init(name: Self.scalesName, shape: [keys.count], values: rowScales)],
                              metadata: meta, to: path)
    }

    public static func load(from path: String) throws -> SubwordVectors {
        guard FileManager.default.fileExists(atPath: path) else { throw WordVectorsError.notFound(path: path) }
        let file = try SafeTensorsFile(path: path)
        guard file.metadata[formatKey] == "1", let keyText = file.metadata[keysKey], let info = file.tensors[tensorName],
              info.shape.count == 2, let values = file.values(tensorName) else {
            throw WordVectorsError.badFile(path: path, reason: "not a KorQA word-vector file")
        }
        let keys = Self.parseHexKeys(keyText)
        guard keys.count == info.shape[0], info.shape[1] > 0 else {
            throw WordVectorsError.badFile(path: path, reason: "\(keys.count) unit keys for a table of \(info.shape[0]) rows")
        }
        // F16 tables (written before I8 storage) are quantized as freshly trained vectors are.
        guard info.dtype == .i8 else { return SubwordVectors(dimension: info.shape[1], keys: keys, vectors: values) }
        guard let scales = file.values(scalesName), scales.count == keys.count else {
            throw WordVectorsError.badFile(path: path, reason: "the I8 table has no \(scalesName) tensor of \(keys.count) values")
        }
        // In place: `consume` leaves the table one owner, so no second 58 MB copy is made (the
        // reader's load time was a fifth page faults).
        var vectors = consume values
        let dimension = info.shape[1]
        vectors.withUnsafeMutableBufferPointer { v in
            for (r, scale) in scales.enumerated() {
                for i in (r * dimension)..<((r + 1) * dimension) { v[i] = Self.dequantize(v[i], scale) }
            }
        }
        return SubwordVectors(dimension: info.shape[1], keys: keys, quantized: vectors, rowScales: scales)
    }

    /// Space-separated hex numbers, read byte by byte: ~500k keys, where splitting the String
    /// into Substrings (grapheme by grapheme) took a fifth of a reader's load time. A malformed
    /// key ends the list (the count check after it reports the file).
    static func parseHexKeys(_ text: String) -> [UInt64] {
        var keys: [UInt64] = []
        var value: UInt64 = 0, digits = 0, valid = true
        for byte in text.utf8 {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            case UInt8(ascii: " "):
                if digits > 0 { keys.append(value) }
                value = 0; digits = 0
                continue
            default: valid = false; digit = 0
            }
            guard valid, digits < 16 else { return keys }
            value = value << 4 | digit
            digits += 1
        }
        if digits > 0 { keys.append(value) }
        return keys
    }

    /// Files for metadata such as how the vectors were made.
    public static func metadata(at path: String) throws -> [String: String] { try SafeTensorsFile(path: path).metadata }
}

/// How words are cut from syllable tokens and into units.
public enum SubwordUnits {
    /// Longest syllable n-gram.
    public static let maxN = 3

    /// Token ranges of the words in `tokens`: a run of adjacent letter/digit tokens (no space
    /// between them in the original text) is one word; any other token (punctuation, symbols)
    /// is a word of its own, so "서울이다." gives "서울이다" and ".".
    public static func words(_ tokens: ArraySlice<Token>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = tokens.startIndex
        while i < tokens.endIndex {
            var j = i + 1
            if isWordy(tokens[i]) {
                while j < tokens.endIndex, tokens[j].start == tokens[j - 1].end, isWordy(tokens[j]) { j += 1 }
            }
            result.append(i..<j)
            i = j
        }
        return result
    }

    static func isWordy(_ token: Token) -> Bool {
        guard let s = token.text.unicodeScalars.first else { return false }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    // Keys: an n-gram packs up to three 21-bit scalars (the marks are values above U+10FFFF);
    // the whole word is a 63-bit FNV-1a hash with the top bit set, so the two never collide.
    static let beginMark: UInt64 = 0x1F_FFFE, endMark: UInt64 = 0x1F_FFFD

    /// The word's unit keys: the whole word, then every n-gram of ⟨word⟩ (n = 1…3; the bare
    /// marks are not units).
    public static func keys(of word: some Collection<Unicode.Scalar>) -> [UInt64] {
        var marked: [UInt64] = [beginMark]
        marked.reserveCapacity(word.count + 2)
        for s in word { marked.append(UInt64(s.value)) }
        marked.append(endMark)
        guard marked.count > 2 else { return [] }
        var keys: [UInt64] = [wordKey(of: word)]
        keys.reserveCapacity(1 + 3 * marked.count)
        for n in 1...maxN {
            for start in 0...(marked.count - n) {
                if n == 1 && (start == 0 || start == marked.count - 1) { continue }
                var key: UInt64 = 0
                for k in 0..<n { key |= marked[start + k] << (21 * UInt64(k)) }
                keys.append(key)
            }
        }
        return keys
    }

    /// Whether a key is a whole word's (not an n-gram's).
    public static func isWholeWord(_ key: UInt64) -> Bool { key >> 63 == 1 }

    /// An n-gram key as text, with ⟨ ⟩ for the marks (for listings); nil for a whole-word key.
    public static func text(ofNGram key: UInt64) -> String? {
        guard !isWholeWord(key) else { return nil }
        var out = ""
        var k = key
        while k != 0 {
            let v = k & 0x1F_FFFF
            out += v == beginMark ? "⟨" : v == endMark ? "⟩" : Unicode.Scalar(UInt32(v)).map { String($0) } ?? "?"
            k >>= 21
        }
        return out
    }
}

public enum WordVectorsError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case notFound(path: String)
    case badFile(path: String, reason: String)
    case cannotTrain(reason: String)
    /// Resuming was asked for, and there is no checkpoint at `path`.
    case nothingToResume(path: String)
    /// A word list or analogy file line that cannot be read.
    case malformed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path): return "no word-vector file at '\(path)'"
        case .badFile(let path, let reason): return "word vectors '\(path)': \(reason)"
        case .cannotTrain(let reason): return reason
        case .nothingToResume(let path): return "there is no word-vector checkpoint at '\(path)' to continue from"
        case .malformed(let path, let line, let reason): return "\(path):\(line): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
