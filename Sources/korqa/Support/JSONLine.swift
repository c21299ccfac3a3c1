import Foundation

extension JSON {
    /// One line of JSON for `value`: keys in snake_case, sorted (the same bytes for the same value), numbers at full
    /// precision, non-ASCII as UTF-8. Every `--json` output goes through here (the streaming
    /// token writer of `tokenize` excepted).
    static func line<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
