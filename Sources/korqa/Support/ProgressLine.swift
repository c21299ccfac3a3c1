#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on stderr: redrawn in place on a terminal, a few plain lines
/// when stderr is a file or pipe.
struct ProgressLine {
    let label: String
    let interactive = isatty(2) != 0
    var lastPrinted = -1.0
    var started = monotonicSeconds()
    var drawn = false

    init(label: String) { self.label = label }

    mutating func update(done: Int, total: Int) {
        let now = monotonicSeconds()
        let rate = Double(done) / max(now - started, 1e-9)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let text = "\(label): \(done)/\(total) (\(Int(100 * Double(done) / Double(max(total, 1))))%, \(Int(rate))/s, ETA \(Int(eta.rounded())) s)"
        if interactive {
            Diagnostics.progress("\r\u{1B}[K" + text)
            drawn = true
        } else if now - lastPrinted >= 10 || done == total {
            Diagnostics.progress(text + "\n")
            lastPrinted = now
        }
    }

    mutating func finish() {
        if interactive && drawn { Diagnostics.progress("\r\u{1B}[K") }
    }
}
