@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#endif

/// GNU readline with persistent history, for a terminal.
///
/// Korean input edits correctly because the locale is set from the environment first (readline
/// then treats UTF-8 sequences as characters). Ctrl-C clears the line being typed instead of
/// ending the program; Ctrl-D on an empty line ends input.
final class LineEditor {
    let historyPath: String
    static let historyLimit: Int32 = 1000

    init(historyPath: String) {
        self.historyPath = historyPath
        if setlocale(LC_ALL, "") == nil || !String(cString: nl_langinfo(nl_item(CODESET))).uppercased().contains("UTF") {
            // A "C" or POSIX locale would make readline treat Hangul as raw bytes.
            _ = setlocale(LC_ALL, "C.UTF-8")
        }
        rl_catch_signals = 0
        using_history()
        _ = read_history(historyPath)
        signal(SIGINT) { _ in
            // Abandon the current line and show a fresh prompt.
            _ = write(1, "\n", 1)
            rl_on_new_line()
            rl_replace_line("", 0)
            rl_redisplay()
        }
    }

    /// The next line, or nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty { add_history(raw) }
        return line
    }

    func saveHistory() {
        _ = write_history(historyPath)
        _ = history_truncate_file(historyPath, Self.historyLimit)
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
