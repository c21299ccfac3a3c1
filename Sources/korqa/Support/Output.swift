#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered standard output: one write(2) per 64 KiB instead of one per token.
///
/// The buffer is raw memory with a cursor, not an Array: streaming commands append ~10 million
/// small pieces per second, and an Array's uniqueness and capacity checks on every append cost
/// more than the copying (measured on `korqa tokenize --unit jamo`).
final class Output {
    private static let capacity = 1 << 16
    private let storage: UnsafeMutablePointer<UInt8>
    private var used = 0

    init() { storage = .allocate(capacity: Self.capacity) }

    deinit {
        flush()
        storage.deallocate()
    }

    /// Room for `count` more bytes, flushing first when needed; false when `count` can never fit.
    @inline(__always)
    private func reserve(_ count: Int) -> Bool {
        if used + count > Self.capacity { flush() }
        return count <= Self.capacity
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: $0) }
    }

    func write(bytes: UnsafeBufferPointer<UInt8>) {
        guard reserve(bytes.count) else { flush(); Self.writeAll(bytes.baseAddress!, bytes.count); return }
        (storage + used).update(from: bytes.baseAddress!, count: bytes.count)
        used += bytes.count
    }

    func writeLine(_ text: String) {
        write(text)
        write(byte: 0x0A)
    }

    /// One byte.
    @inline(__always)
    func write(byte: UInt8) {
        _ = reserve(1)
        storage[used] = byte
        used += 1
    }

    /// Scalars as UTF-8, without building a String first (a String per line cost the streaming
    /// commands 3x).
    func write(scalars: [Unicode.Scalar]) {
        scalars.withUnsafeBufferPointer { write(scalars: $0) }
    }

    func write(scalars: UnsafeBufferPointer<Unicode.Scalar>) {
        for scalar in scalars {
            _ = reserve(4)
            let v = scalar.value
            switch v {
            case ..<0x80:
                storage[used] = UInt8(v); used += 1
            case ..<0x800:
                storage[used] = UInt8(0xC0 | (v >> 6)); storage[used + 1] = UInt8(0x80 | (v & 0x3F)); used += 2
            case ..<0x10000:
                storage[used] = UInt8(0xE0 | (v >> 12)); storage[used + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                storage[used + 2] = UInt8(0x80 | (v & 0x3F)); used += 3
            default:
                storage[used] = UInt8(0xF0 | (v >> 18)); storage[used + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                storage[used + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); storage[used + 3] = UInt8(0x80 | (v & 0x3F)); used += 4
            }
        }
    }

    /// An integer in decimal.
    func write(integer: Int) {
        guard integer >= 0 else { write(String(integer)); return }
        _ = reserve(20)
        var n = integer, digits = 0
        repeat { digits += 1; n /= 10 } while n > 0
        n = integer
        for i in stride(from: digits - 1, through: 0, by: -1) {
            storage[used + i] = UInt8(ascii: "0") + UInt8(n % 10); n /= 10
        }
        used += digits
    }

    /// Scalars as a JSON string literal, escaped as `JSON.quote` escapes them.
    func write(jsonScalars scalars: UnsafeBufferPointer<Unicode.Scalar>) {
        write(byte: UInt8(ascii: "\""))
        var start = 0
        for (i, scalar) in scalars.enumerated() {
            guard let escaped = JSON.escape(scalar) else { continue }
            write(scalars: UnsafeBufferPointer(rebasing: scalars[start..<i]))
            write(escaped)
            start = i + 1
        }
        write(scalars: UnsafeBufferPointer(rebasing: scalars[start...]))
        write(byte: UInt8(ascii: "\""))
    }

    func flush() {
        guard used > 0 else { return }
        Self.writeAll(storage, used)
        used = 0
    }

    private static func writeAll(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        var offset = 0
        while offset < count {
            let n = Glibc.write(1, bytes + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                // A closed pipe (`korqa … | head`) is not an error worth a message.
                exit(errno == EPIPE ? 0 : 1)
            }
            offset += n
        }
    }
}

enum JSON {
    /// A JSON string literal for `text` (RFC 8259 escaping; non-ASCII is written as UTF-8).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if let escaped = escape(scalar) { out += escaped } else { out.unicodeScalars.append(scalar) }
        }
        return out + "\""
    }

    /// The escape sequence of a scalar that a JSON string may not hold as it is (", \ and
    /// controls); nil for every other scalar, which is written as UTF-8.
    @inline(__always)
    static func escape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: return nil
        }
    }
}
