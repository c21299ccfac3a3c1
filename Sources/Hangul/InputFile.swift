import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading a file a user names (FAQ files, datasets, corpora, passages). Anything but a regular
/// file is refused with the reason before it is opened: reading a FIFO would block forever, and
/// a folder or device has no text to read.
public enum InputFile {
    /// Why `path` cannot be read as a file, or nil when it can.
    public static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? "no such file" : String(cString: strerror(errno))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "it is a folder, not a file"
        case S_IFIFO: return "it is a pipe (FIFO), not a regular file"
        default: return "it is not a regular file (a device or socket)"
        }
        guard access(path, R_OK) == 0 else { return "permission denied" }
        return nil
    }

    /// The file's bytes; `reason` is called with the problem to build the caller's error.
    public static func contents<E: Error>(_ path: String, orThrow error: (String) -> E) throws(E) -> Data {
        if let problem = problem(path) { throw error(problem) }
        guard let data = FileManager.default.contents(atPath: path) else { throw error("cannot be read (\(String(cString: strerror(errno))))") }
        return data
    }

    /// The file as UTF-8 text, its BOM dropped; invalid bytes are read as U+FFFD and
    /// `replacedBytes` says so (callers report it, it is not fatal).
    public static func text<E: Error>(_ path: String, orThrow error: (String) -> E) throws(E) -> (text: String, replacedBytes: Bool) {
        let data = try contents(path, orThrow: error)
        var text = String(decoding: data, as: UTF8.self)
        let replaced = text.unicodeScalars.contains(UTF8Decoding.replacement) && String(data: data, encoding: .utf8) == nil
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return (text, replaced)
    }
}
