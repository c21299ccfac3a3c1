import Foundation

/// An SVG plot of training loss (left axis) and the validation metric (right axis) per epoch,
/// so that overfitting — loss still falling while the metric turns down — is visible at a glance.
public enum LearningCurve {
    public static func svg(_ records: [EpochRecord], width: Double = 640, height: Double = 360) -> String {
        let left = 60.0, right = 60.0, top = 30.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let epochs = records.map { Double($0.epoch) }
        let losses = records.map(\.trainLoss), metrics = records.map(\.validationMetric)
        let minE = epochs.min() ?? 1, maxE = max(epochs.max() ?? 1, minE + 1)
        func range(_ v: [Double]) -> (Double, Double) {
            let finite = v.filter(\.isFinite)
            let lo = finite.min() ?? 0, hi = finite.max() ?? 1
            return hi - lo < 1e-12 ? (lo - 0.5, hi + 0.5) : (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        }
        let (lossLo, lossHi) = range(losses), (metricLo, metricHi) = range(metrics)
        func x(_ e: Double) -> Double { left + (e - minE) / (maxE - minE) * plotW }
        func y(_ v: Double, _ lo: Double, _ hi: Double) -> Double { top + (1 - (v - lo) / (hi - lo)) * plotH }
        func polyline(_ values: [Double], _ lo: Double, _ hi: Double, _ color: String) -> String {
            let points = zip(epochs, values).filter { $0.1.isFinite }
                .map { String(format: "%.1f,%.1f", x($0.0), y($0.1, lo, hi)) }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>"
        }
        let metricName = records.first?.metricName ?? "metric"
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <rect x="\(left)" y="\(top)" width="\(plotW)" height="\(plotH)" fill="none" stroke="#999"/>
        <text x="\(left)" y="18" fill="#1f77b4">training loss</text>
        <text x="\(width - right)" y="18" fill="#d62728" text-anchor="end">validation \(metricName)</text>
        <text x="\(left + plotW / 2)" y="\(height - 8)" text-anchor="middle">epoch</text>

        """
        for i in 0...4 {
            let f = Double(i) / 4
            let yy = top + f * plotH
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#1f77b4\">%.3g</text>\n", left - 6, yy + 4, lossHi - f * (lossHi - lossLo))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\">%.3g</text>\n", width - right + 6, yy + 4, metricHi - f * (metricHi - metricLo))
        }
        for e in Set(epochs).sorted() {
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", x(e), top + plotH + 16, Int(e))
        }
        svg += polyline(losses, lossLo, lossHi, "#1f77b4") + "\n"
        svg += polyline(metrics, metricLo, metricHi, "#d62728") + "\n"
        if let best = records.last(where: \.isBest) {
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#d62728\"><title>best: epoch %d</title></circle>\n",
                          x(Double(best.epoch)), y(best.validationMetric, metricLo, metricHi), best.epoch)
        }
        return svg + "</svg>\n"
    }
}

/// Formats training progress for a terminal (one redrawn line with a bar, rate and ETA) or for
/// a log (plain lines). The CLI decides which and writes it; this only builds the text.
public enum ProgressFormatter {
    public static func line(_ p: TrainingProgress, interactive: Bool, width: Int = 24) -> String {
        let fraction = p.examplesTotal > 0 ? Double(p.examplesDone) / Double(p.examplesTotal) : 1
        let rate = p.elapsedSeconds > 0 ? Double(p.examplesDone) / p.elapsedSeconds : 0
        let eta = rate > 0 ? Double(p.examplesTotal - p.examplesDone) / rate : 0
        let stats = String(format: "%3.0f%% %d/%d  %.0f ex/s  ETA %@  loss %.4f", fraction * 100, p.examplesDone, p.examplesTotal,
                           rate, duration(eta), p.runningLoss)
        guard interactive else { return "epoch \(p.epoch)/\(p.epochs) \(stats)" }
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        return "epoch \(p.epoch)/\(p.epochs) [\(bar)] \(stats)"
    }

    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
