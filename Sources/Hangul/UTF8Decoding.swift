/// Decodes UTF-8 bytes into Unicode scalars, never failing.
///
/// Each maximal ill-formed subsequence becomes one U+FFFD (the "maximal subpart" practice of
/// Unicode §3.9, which Python's `errors="replace"` and Swift's `String(decoding:)` also follow),
/// so offsets computed over the result agree with those tools.
public enum UTF8Decoding {
    public static let replacement = Unicode.Scalar(0xFFFD)!

    /// Appends the scalars of `bytes` to `scalars`; returns how many replacements were made.
    @discardableResult
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into scalars: inout [Unicode.Scalar]) -> Int {
        guard bytes.count > 0 else { return 0 }
        var replaced = 0
        // At most one scalar per byte. Writing into uninitialized storage avoids a uniqueness
        // and capacity check per scalar, which dominated decoding time.
        let decoded = [Unicode.Scalar](unsafeUninitializedCapacity: bytes.count) { out, written in
            replaced = decode(bytes, to: out.baseAddress!, count: &written)
        }
        if scalars.isEmpty { scalars = decoded } else { scalars.append(contentsOf: decoded) }
        return replaced
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<Unicode.Scalar>,
                               count written: inout Int) -> Int {
        var replaced = 0
        let n = bytes.count
        var i = 0
        var k = 0
        while i < n {
            let b0 = UInt32(bytes[i])
            if b0 < 0x80 {
                out[k] = Unicode.Scalar(UInt8(b0)); k += 1
                i += 1
                continue
            }
            // Fast path for the common well-formed 3-byte form (all of Hangul): lead E1–EC or
            // EE–EF, two continuation bytes.
            if i + 2 < n, (0xE1...0xEF).contains(b0), b0 != 0xED {
                let b1 = UInt32(bytes[i + 1]), b2 = UInt32(bytes[i + 2])
                if b1 & 0xC0 == 0x80 && b2 & 0xC0 == 0x80 {
                    let value = (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F)
                    out[k] = unsafeBitCast(value, to: Unicode.Scalar.self); k += 1
                    i += 3
                    continue
                }
            }
            // Expected length and the allowed range of the second byte (Table 3-7 of Unicode).
            var length = 0
            var lo: UInt32 = 0x80, hi: UInt32 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; hi = 0x9F
            case 0xF0: length = 4; lo = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; hi = 0x8F
            default: length = 0
            }
            if length == 0 {
                out[k] = replacement; k += 1; replaced += 1; i += 1
                continue
            }
            var value = b0 & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            var j = 1
            var ok = true
            while j < length {
                guard i + j < n else { ok = false; break }
                let b = UInt32(bytes[i + j])
                let (low, high) = j == 1 ? (lo, hi) : (0x80, 0xBF)
                guard b >= low && b <= high else { ok = false; break }
                value = (value << 6) | (b & 0x3F)
                j += 1
            }
            if ok {
                // The ranges above exclude surrogates and values past U+10FFFF.
                out[k] = unsafeBitCast(value, to: Unicode.Scalar.self); k += 1
                i += length
            } else {
                // The lead byte and the continuation bytes that were valid so far form one
                // maximal subpart.
                out[k] = replacement; k += 1; replaced += 1; i += j
            }
        }
        written = k
        return replaced
    }

    /// Convenience over an array of bytes.
    public static func decode(_ bytes: [UInt8]) -> (scalars: [Unicode.Scalar], replaced: Int) {
        var scalars: [Unicode.Scalar] = []
        let replaced = bytes.withUnsafeBufferPointer { decode($0, into: &scalars) }
        return (scalars, replaced)
    }
}
