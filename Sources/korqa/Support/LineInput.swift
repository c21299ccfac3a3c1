#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hangul

/// Lines from the command line or from standard input, decoded to scalars.
///
/// Standard input is read in 64 KiB blocks and handed on one line at a time, so a 100 MB file
/// is never held whole. Invalid UTF-8 becomes U+FFFD and a warning naming the line goes to
/// stderr; the line is still processed.
struct LineInput {
    let arguments: [String]
    /// Longest line read from standard input, in bytes. A line is processed whole (offsets are
    /// relative to its start), so without a limit one 200 MB line without a newline would need
    /// gigabytes; past the limit the command stops with an error naming the line.
    var maxLineBytes = 64 << 20

    static let maxLineHelp = "Longest input line, in MiB (lines are processed whole; a longer one stops the command with an error)."

    /// Calls `body(lineNumber, scalars)` for every line (1-based numbers).
    func forEachLine(_ body: (Int, [Unicode.Scalar]) throws -> Void) throws {
        if !arguments.isEmpty {
            for (i, text) in arguments.enumerated() { try body(i + 1, Array(text.unicodeScalars)) }
            return
        }
        var lineNumber = 0
        var pending: [UInt8] = []
        var scalars: [Unicode.Scalar] = []
        func emit(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            lineNumber += 1
            var end = bytes.count
            if end > 0 && bytes[end - 1] == 0x0D { end -= 1 }  // CRLF
            scalars.removeAll(keepingCapacity: true)
            let replaced = UTF8Decoding.decode(UnsafeBufferPointer(rebasing: bytes[0..<end]), into: &scalars)
            if replaced > 0 {
                Diagnostics.warning("line \(lineNumber): invalid UTF-8; \(replaced) byte sequence\(replaced == 1 ? "" : "s") replaced with U+FFFD")
            }
            try body(lineNumber, scalars)
        }
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = block.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError.io("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try block.withUnsafeBufferPointer { buffer in
                var lineStart = 0
                for i in 0..<n where buffer[i] == 0x0A {
                    if pending.isEmpty {
                        try emit(UnsafeBufferPointer(rebasing: buffer[lineStart..<i]))
                    } else {
                        pending.append(contentsOf: buffer[lineStart..<i])
                        try pending.withUnsafeBufferPointer { try emit($0) }
                        pending.removeAll(keepingCapacity: true)
                    }
                    lineStart = i + 1
                }
                pending.append(contentsOf: buffer[lineStart..<n])
                if pending.count > maxLineBytes {
                    throw CLIError.io("line \(lineNumber + 1) of standard input is longer than \(maxLineBytes >> 20) MiB (no line break yet); split the input into lines, or raise the limit with --max-line-mib")
                }
            }
        }
        if !pending.isEmpty { try pending.withUnsafeBufferPointer { try emit($0) } }
    }
}
