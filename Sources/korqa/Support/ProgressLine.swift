#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on stderr: redrawn in place on a terminal; when stderr is a file
/// or pipe, a plain line every 10 seconds (so only long jobs log progress).
struct ProgressLine {
    let label: String
    let interactive = isatty(2) != 0
    var started = monotonicSeconds()
    lazy var lastPrinted = started
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
        } else if now - lastPrinted >= 10 {
            // In a log, a line every 10 s; short jobs print nothing.
            Diagnostics.progress(text + "\n")
            lastPrinted = now
        }
    }

    mutating func finish() {
        if interactive && drawn { Diagnostics.progress("\r\u{1B}[K") }
    }
}
