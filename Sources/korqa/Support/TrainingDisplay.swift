import NeuralCore
#if canImport(Glibc)
import Glibc
#endif

/// Shows training progress on stderr: a redrawn bar with rate and ETA on a terminal, a plain
/// line per epoch (and every 30 s) when piped.
class TrainingDisplay: TrainingObserver {
    let interactive = isatty(2) != 0
    var lastLine = monotonicSeconds()
    /// When examples are chunks of text: their mean length, to show tokens/s and the whole run's ETA.
    var tokensPerExample: Double?

    func line(_ progress: TrainingProgress) -> String {
        var text = ProgressFormatter.line(progress, interactive: interactive)
        if let tokensPerExample, progress.elapsedSeconds > 0, progress.examplesDone > 0 {
            let rate = Double(progress.examplesDone) / progress.elapsedSeconds
            let epochSeconds = Double(progress.examplesTotal) / rate
            let left = Double(progress.examplesTotal - progress.examplesDone) / rate + Double(progress.epochs - progress.epoch) * epochSeconds
            text += String(format: "  %.0f tokens/s  run ETA %@", rate * tokensPerExample, ProgressFormatter.duration(left))
        }
        return text
    }

    // What training runs report beside their progress (their observer protocols ask for these).
    func note(_ message: String) { Diagnostics.note(message) }
    func warning(_ message: String) { Diagnostics.warning(message) }
    func progress(_ message: String) { Diagnostics.progress(message) }

    func batchFinished(_ progress: TrainingProgress) {
        let now = monotonicSeconds()
        if interactive {
            if now - lastLine >= 0.2 || progress.examplesDone == progress.examplesTotal {
                Diagnostics.progress("\r\u{1B}[K" + line(progress))
                lastLine = now
            }
        } else if now - lastLine >= 30 {
            Diagnostics.progress(line(progress) + "\n")
            lastLine = now
        }
    }

    func epochFinished(_ record: EpochRecord) {
        if interactive { Diagnostics.progress("\r\u{1B}[K") }
        Diagnostics.progress(String(format: "epoch %d: train loss %.4f, validation %@ %.4f%@ (%.0f s, %.0f examples/s)\n",
                                    record.epoch, record.trainLoss, record.metricName, record.validationMetric,
                                    record.isBest ? " *best*" : "", record.seconds, record.examplesPerSecond))
    }
}
