import NeuralCore
#if canImport(Glibc)
import Glibc
#endif

/// Shows training progress on stderr: a redrawn bar with rate and ETA on a terminal, a plain
/// line per epoch (and every 30 s) when piped.
class TrainingDisplay: TrainingObserver {
    let interactive = isatty(2) != 0
    var lastLine = monotonicSeconds()

    func batchFinished(_ progress: TrainingProgress) {
        let now = monotonicSeconds()
        if interactive {
            if now - lastLine >= 0.2 || progress.examplesDone == progress.examplesTotal {
                Diagnostics.progress("\r\u{1B}[K" + ProgressFormatter.line(progress, interactive: true))
                lastLine = now
            }
        } else if now - lastLine >= 30 {
            Diagnostics.progress(ProgressFormatter.line(progress, interactive: false) + "\n")
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
