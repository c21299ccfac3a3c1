#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors the CLI itself raises (library errors arrive typed from their targets).
enum CLIError: Error, CustomStringConvertible {
    case io(String)
    case usage(String)

    var description: String {
        switch self {
        case .io(let message), .usage(let message): return message
        }
    }
}

/// The one place that writes diagnostics to standard error.
enum Diagnostics {
    static func warning(_ message: String) { write("korqa: warning: \(message)\n") }
    static func note(_ message: String) { write("korqa: \(message)\n") }
    static func progress(_ message: String) { write(message) }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
