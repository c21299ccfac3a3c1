#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hangul

/// Reads plain-text corpora (one file, or a directory of shards such as WikiExtractor output).
enum TextCorpus {
    /// Whole lines (as UTF-8 bytes, without the newline) until `limitBytes` are collected.
    /// Empty lines and WikiExtractor's `<doc …>` / `</doc>` lines are skipped.
    static func loadLines(from path: String, limitBytes: Int) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var total = 0
        for file in try files(at: path) {
            let data = try InputFile.contents(file) { CLIError.io("cannot read \(file): \($0)") }
            for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
                if line.starts(with: Array("<doc".utf8)) || line.starts(with: Array("</doc>".utf8)) { continue }
                lines.append(Array(line))
                total += line.count
                if total >= limitBytes { return lines }
            }
        }
        return lines
    }

    /// `path` itself, or every file under the directory `path` (recursively, as WikiExtractor
    /// writes AA/wiki_00 …), sorted; hidden files are left out.
    static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.io("\(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var files: [String] = []
        while let name = enumerator?.nextObject() as? String {
            var d: ObjCBool = false
            let file = path + "/" + name
            let hidden = name.split(separator: "/").contains { $0.hasPrefix(".") }
            if !hidden, FileManager.default.fileExists(atPath: file, isDirectory: &d), !d.boolValue { files.append(file) }
        }
        return files.sorted()
    }
}

func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
