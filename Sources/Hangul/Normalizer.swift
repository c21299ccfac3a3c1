import CKoreanICU

/// Normalized text together with where each of its scalars came from.
///
/// `starts[i] ..< ends[i]` is the half-open range of Unicode scalar (code point) offsets in the
/// ORIGINAL input that produced `scalars[i]` — the unit of KorQuAD's `answer_start`. When one
/// input chunk expands or contracts (㈜ -> (주), 가+ᆨ -> 각), every output scalar of the chunk
/// carries the whole chunk's range.
public struct NormalizedText: Equatable, Sendable {
    public internal(set) var scalars: [Unicode.Scalar] = []
    public internal(set) var starts: [Int] = []
    public internal(set) var ends: [Int] = []

    public init() {}

    public var count: Int { scalars.count }
    public var isEmpty: Bool { scalars.isEmpty }

    /// The normalized text as a String.
    public var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// The original range of the normalized scalars `range`.
    public func originalRange(of range: Range<Int>) -> Range<Int> {
        precondition(!range.isEmpty, "an empty normalized range has no original range")
        return starts[range.lowerBound] ..< ends[range.upperBound - 1]
    }

    @inline(__always)
    mutating func append(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int) {
        scalars.append(scalar); starts.append(start); ends.append(end)
    }

    mutating func reserve(_ n: Int) {
        scalars.reserveCapacity(n); starts.reserveCapacity(n); ends.reserveCapacity(n)
    }
}

/// KorQA's text normalization.
///
/// ICU NFKC, except that Hangul compatibility jamo (ㅋㅋ, ㅠㅠ) stay compatibility jamo and
/// halfwidth Hangul becomes compatibility jamo; zero-width and format characters (U+200B–U+200D,
/// U+2060, U+FEFF, U+00AD) and control characters other than whitespace are removed; every run of
/// whitespace (NBSP and U+3000 included) becomes one ASCII space; the result is trimmed.
///
/// ```swift
/// let normalizer = Normalizer()
/// normalizer.normalize("ＡＢＣ ㈜한국어").string  // "ABC (주)한국어"
/// ```
///
/// The text is cut into chunks at NFKC boundaries; a chunk that is one scalar already in NFKC is
/// copied without calling ICU, so ordinary Korean text costs one table lookup per scalar.
public struct Normalizer: Sendable {
    public struct Options: Equatable, Sendable {
        /// A run of one scalar longer than this is cut to this length (`ㅋㅋㅋㅋㅋ` -> `ㅋㅋ` at 2).
        /// Nil keeps runs as they are.
        public var squashRepeats: Int?
        /// Compose compatibility jamo typed letter by letter into syllables (ㅎㅏㄴㄱㅡㄹ -> 한글).
        public var composeJamo: Bool

        public init(squashRepeats: Int? = nil, composeJamo: Bool = false) {
            self.squashRepeats = squashRepeats
            self.composeJamo = composeJamo
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        precondition(options.squashRepeats.map { $0 >= 1 } ?? true, "squashRepeats must be at least 1")
        self.options = options
    }

    public func normalize(_ text: String) -> NormalizedText {
        normalize(scalars: Array(text.unicodeScalars))
    }

    public func normalize(scalars input: [Unicode.Scalar]) -> NormalizedText {
        var output = input.withUnsafeBufferPointer { Self.nfkcWithExceptions($0) }
        if options.composeJamo { output = Self.composeJamo(output) }
        if let limit = options.squashRepeats { output = Self.squashRepeats(output, limit: limit) }
        return output
    }

    // MARK: - The core pass

    /// Builds the output while collapsing whitespace: a space is only written once a non-space
    /// follows it, which also trims both ends.
    ///
    /// Writes through raw buffers: appending to three arrays costs a uniqueness check and a
    /// capacity check per scalar, which was a third of the normalizer's time.
    final class Emitter {
        var scalars: UnsafeMutablePointer<Unicode.Scalar>
        var starts: UnsafeMutablePointer<Int>
        var ends: UnsafeMutablePointer<Int>
        var count = 0
        var capacity: Int
        var pendingSpaceStart = -1
        var pendingSpaceEnd = -1

        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            scalars = .allocate(capacity: self.capacity)
            starts = .allocate(capacity: self.capacity)
            ends = .allocate(capacity: self.capacity)
        }

        deinit {
            scalars.deallocate(); starts.deallocate(); ends.deallocate()
        }

        func grow() {
            let newCapacity = capacity * 2
            func moved<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
                let new = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
                new.moveInitialize(from: old, count: count)
                old.deallocate()
                return new
            }
            scalars = moved(scalars); starts = moved(starts); ends = moved(ends)
            capacity = newCapacity
        }

        @inline(__always)
        func space(_ start: Int, _ end: Int) {
            if pendingSpaceStart < 0 { pendingSpaceStart = start }
            pendingSpaceEnd = end
        }

        @inline(__always)
        func emit(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int) {
            if pendingSpaceStart >= 0 {
                if count > 0 { append(" ", pendingSpaceStart, pendingSpaceEnd) }
                pendingSpaceStart = -1
            }
            append(scalar, start, end)
        }

        @inline(__always)
        func append(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int) {
            if count == capacity { grow() }
            scalars[count] = scalar; starts[count] = start; ends[count] = end
            count += 1
        }

        /// For scalars produced by ICU, which may themselves be whitespace (¨ -> " ̈").
        func emitChecked(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int) {
            switch ScalarTables.scalarClass(scalar.value) {
            case .whitespace: space(start, end)
            case .removed: break
            default: emit(scalar, start, end)
            }
        }

        func finish() -> NormalizedText {
            var text = NormalizedText()
            text.scalars = Array(UnsafeBufferPointer(start: scalars, count: count))
            text.starts = Array(UnsafeBufferPointer(start: starts, count: count))
            text.ends = Array(UnsafeBufferPointer(start: ends, count: count))
            return text
        }
    }

    static func nfkcWithExceptions(_ input: UnsafeBufferPointer<Unicode.Scalar>) -> NormalizedText {
        let out = Emitter(capacity: input.count + input.count / 8)
        let table = ScalarTables.bmp
        // The pending chunk is input[chunkFirst ... chunkLast] minus removed scalars.
        var chunkFirst = -1
        var chunkLast = -1
        var chunkNeedsICU = false
        var scratch = ChunkScratch()

        @inline(__always)
        func flush() {
            guard chunkFirst >= 0 else { return }
            if chunkNeedsICU {
                scratch.normalize(input, chunkFirst, chunkLast, into: out)
            } else {
                out.emit(input[chunkFirst], chunkFirst, chunkLast + 1)
            }
            chunkFirst = -1
        }

        for i in 0..<input.count {
            let c = input[i].value
            let entry = c < 0x10000 ? table[Int(c)] : ScalarTables.compute(c)
            switch ScalarClass(rawValue: entry & 0x7F)! {
            case .stableStart:
                flush()
                chunkFirst = i; chunkLast = i; chunkNeedsICU = false
            case .start:
                flush()
                chunkFirst = i; chunkLast = i; chunkNeedsICU = true
            case .continuation:
                if chunkFirst < 0 { chunkFirst = i }
                chunkLast = i; chunkNeedsICU = true
            case .whitespace:
                flush()
                out.space(i, i + 1)
            case .removed:
                continue
            case .compatibilityJamo:
                flush()
                out.emit(input[i], i, i + 1)
            case .halfwidthJamo:
                flush()
                let mapped = ScalarTables.halfwidthToCompatibility[Int(c - 0xFFA0)]
                out.emit(Unicode.Scalar(mapped)!, i, i + 1)
            }
        }
        flush()
        return out.finish()
    }

    /// Reused buffers for the chunks that go through ICU.
    struct ChunkScratch {
        var utf16: [UInt16] = []
        var result: [UInt16] = []

        mutating func normalize(_ input: UnsafeBufferPointer<Unicode.Scalar>, _ first: Int, _ last: Int,
                                into out: Emitter) {
            utf16.removeAll(keepingCapacity: true)
            for j in first...last where ScalarTables.scalarClass(input[j].value) != .removed {
                utf16.append(contentsOf: UTF16.encode(input[j])!)
            }
            var capacity = max(16, utf16.count * 4)
            var length: Int32 = 0
            while true {
                if result.count < capacity { result = [UInt16](repeating: 0, count: capacity) }
                var error: Int32 = 0
                length = korqa_icu_nfkc(utf16, Int32(utf16.count), &result, Int32(result.count), &error)
                if length >= 0 { break }
                if length == Int32.min {
                    // ICU's NFKC data is compiled into libicudata; a failure here means a broken
                    // install. Keep the text rather than lose it.
                    for j in first...last { out.emitChecked(input[j], first, last + 1) }
                    return
                }
                capacity = Int(-length)
            }
            // ICU's output is well-formed UTF-16.
            var iterator = result[0..<Int(length)].makeIterator()
            var decoder = UTF16()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): out.emitChecked(scalar, first, last + 1)
                case .emptyInput: break decoding
                case .error: out.emitChecked(UTF8Decoding.replacement, first, last + 1)
                }
            }
        }
    }

    // MARK: - Options

    static func composeJamo(_ text: NormalizedText) -> NormalizedText {
        var out = NormalizedText()
        out.reserve(text.count)
        let s = text.scalars
        var i = 0
        func value(_ k: Int) -> UInt32 { k < s.count ? s[k].value : 0 }
        while i < s.count {
            guard let initial = Jamo.consonantIndex(value(i), Jamo.compatibilityToInitial),
                  var medial = Jamo.medialIndex(value(i + 1)) else {
                out.append(s[i], text.starts[i], text.ends[i])
                i += 1
                continue
            }
            var j = i + 2
            if let second = Jamo.medialIndex(value(j)), let compound = Jamo.compoundMedial(medial, second) {
                medial = compound; j += 1
            }
            var final = 0
            if let f1 = Jamo.consonantIndex(value(j), Jamo.compatibilityToFinal),
               Jamo.medialIndex(value(j + 1)) == nil {
                // A consonant followed by a vowel starts the next syllable instead.
                if let f2 = Jamo.consonantIndex(value(j + 1), Jamo.compatibilityToFinal),
                   let compound = Jamo.compoundFinal(f1, f2), Jamo.medialIndex(value(j + 2)) == nil {
                    final = compound; j += 2
                } else {
                    final = f1; j += 1
                }
            }
            let syllable = Jamo.syllable(Jamo.Parts(initial: initial, medial: medial, final: final))!
            out.append(syllable, text.starts[i], text.ends[j - 1])
            i = j
        }
        return out
    }

    static func squashRepeats(_ text: NormalizedText, limit: Int) -> NormalizedText {
        var out = NormalizedText()
        out.reserve(text.count)
        var run = 0
        for i in 0..<text.count {
            run = (i > 0 && text.scalars[i] == text.scalars[i - 1]) ? run + 1 : 1
            if run <= limit { out.append(text.scalars[i], text.starts[i], text.ends[i]) }
        }
        return out
    }
}
