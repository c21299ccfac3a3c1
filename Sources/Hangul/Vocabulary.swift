#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Token <-> id mapping with reserved specials.
///
/// Ids 0...5 are always `[PAD]`, `[UNK]`, `[BOS]`, `[EOS]`, `[SEP]`, `[MASK]`; built tokens follow
/// by descending count, ties broken by the tokens' Unicode scalar order, so the same text always
/// gives the same ids.
///
/// ```swift
/// let vocabulary = Vocabulary.build(from: tokens.map(\.text), minCount: 2, maxSize: 8000)
/// vocabulary.id(of: "한")      // e.g. 17
/// vocabulary.id(of: "뷁")      // Vocabulary.unknownID when unseen
/// ```
public struct Vocabulary: Equatable, Sendable {
    public static let specials = ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "[SEP]", "[MASK]"]
    public static let paddingID = 0
    public static let unknownID = 1
    public static let beginID = 2
    public static let endID = 3
    public static let separatorID = 4
    public static let maskID = 5

    public private(set) var tokens: [String]
    private var ids: [String: Int]

    /// A vocabulary of the specials followed by `tokens` in the given order (duplicates and
    /// specials among them are skipped).
    public init(tokens: [String]) {
        self.tokens = Self.specials
        self.ids = [:]
        for (i, special) in Self.specials.enumerated() { ids[special] = i }
        for token in tokens where ids[token] == nil {
            ids[token] = self.tokens.count
            self.tokens.append(token)
        }
    }

    public var count: Int { tokens.count }

    public func id(of token: String) -> Int { ids[token] ?? Self.unknownID }

    public func token(for id: Int) -> String { id >= 0 && id < tokens.count ? tokens[id] : Self.specials[Self.unknownID] }

    public func contains(_ token: String) -> Bool { ids[token] != nil }

    /// Counts `tokens` and keeps those seen at least `minCount` times, the most frequent first,
    /// so that the whole vocabulary (specials included) has at most `maxSize` entries.
    public static func build<S: Sequence>(from tokens: S, minCount: Int = 1, maxSize: Int? = nil) -> Vocabulary
    where S.Element == String {
        var counts: [String: Int] = [:]
        for token in tokens { counts[token, default: 0] += 1 }
        return build(counts: counts, minCount: minCount, maxSize: maxSize)
    }

    public static func build(counts: [String: Int], minCount: Int = 1, maxSize: Int? = nil) -> Vocabulary {
        var kept = counts.filter { $0.value >= minCount && !specials.contains($0.key) }
            .map { (token: $0.key, count: $0.value) }
        kept.sort { a, b in
            a.count != b.count ? a.count > b.count : a.token.unicodeScalars.lexicographicallyPrecedes(b.token.unicodeScalars)
        }
        if let maxSize { kept = Array(kept.prefix(max(0, maxSize - specials.count))) }
        return Vocabulary(tokens: kept.map(\.token))
    }

    /// A stable 64-bit FNV-1a hash of the token list, stored with models so that a checkpoint is
    /// never used with a vocabulary it was not trained with.
    public var fingerprint: UInt64 {
        tokens.reduce(FNV1a.offsetBasis) { hash, token in FNV1a.hash(CollectionOfOne(0x0A), from: FNV1a.hash(token.utf8, from: hash)) }
    }

    // MARK: - Files: one token per line, UTF-8, specials first.

    public func serialized() throws -> String {
        for token in tokens where token.contains(where: { $0.isNewline }) {
            throw HangulError.unstorableToken(token)
        }
        return tokens.joined(separator: "\n") + "\n"
    }

    /// Parses the text of a vocabulary file; `path` is only used in error messages.
    public static func parse(_ text: String, path: String = "<vocabulary>") throws -> Vocabulary {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count >= specials.count else {
            throw HangulError.malformedVocabulary(path: path, line: lines.count + 1,
                                                  reason: "expected the \(specials.count) special tokens \(specials.joined(separator: " ")) first")
        }
        for (i, special) in specials.enumerated() where lines[i] != special {
            throw HangulError.malformedVocabulary(path: path, line: i + 1,
                                                  reason: "expected special token \(special), found \(lines[i].debugDescription)")
        }
        var seen = Set<String>()
        for (i, line) in lines.enumerated() {
            if line.isEmpty {
                throw HangulError.malformedVocabulary(path: path, line: i + 1, reason: "empty token")
            }
            if !seen.insert(line).inserted {
                throw HangulError.malformedVocabulary(path: path, line: i + 1, reason: "duplicate token \(line.debugDescription)")
            }
        }
        return Vocabulary(tokens: Array(lines.dropFirst(specials.count)))
    }

    /// Writes atomically: a temporary file in the same directory, then rename.
    public func save(to path: String) throws {
        let text = try serialized()
        let temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "wb") else {
            throw HangulError.vocabularyIO(path: path, reason: String(cString: strerror(errno)))
        }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, file)
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            unlink(temporary)
            throw HangulError.vocabularyIO(path: path, reason: "short write")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw HangulError.vocabularyIO(path: path, reason: reason)
        }
    }

    public static func load(from path: String) throws -> Vocabulary {
        // A model folder is untrusted: a pipe named vocab.txt would block the read forever.
        if let problem = InputFile.problem(path) { throw HangulError.vocabularyIO(path: path, reason: problem) }
        guard let file = fopen(path, "rb") else {
            throw HangulError.vocabularyIO(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
        }
        let (scalars, replaced) = UTF8Decoding.decode(bytes)
        if replaced > 0 {
            throw HangulError.malformedVocabulary(path: path, line: 0, reason: "the file is not valid UTF-8")
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return try parse(String(view), path: path)
    }
}
