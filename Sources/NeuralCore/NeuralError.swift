import Foundation

/// Everything NeuralCore can fail with. Misuse (shape mismatches between layers a program wires
/// together) traps with a message instead, as GRDB does for programmer errors: it is a bug in
/// the calling code, not a condition a user can fix.
public enum NeuralError: Error, Equatable, Sendable {
    /// A checkpoint file could not be opened, read or written.
    case checkpointIO(path: String, reason: String)
    /// A checkpoint file is not valid safetensors (truncated, corrupted header, bad offsets…).
    case corruptCheckpoint(path: String, reason: String)
    /// A valid checkpoint that does not fit the model being loaded (names, shapes, config).
    case checkpointMismatch(path: String, reason: String)
    /// A checkpoint whose configuration or settings hold impossible values (a size of -1 or 10⁹,
    /// a dropout of -1, a window stride of 0).
    case invalidConfig(path: String, reason: String)
    /// Training produced a non-finite loss or weights (the learning rate is too high, or the data
    /// holds extreme values); nothing was saved from the step that diverged.
    case diverged(epoch: Int, step: Int, reason: String)
    /// A training run cannot continue: `resume` found no checkpoint to continue from.
    case nothingToResume(directory: String)
    /// An output folder (or one of its parents) exists as a file.
    case notAFolder(path: String)
}

extension NeuralError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .checkpointIO(let path, let reason):
            return "cannot access checkpoint '\(path)': \(reason)"
        case .corruptCheckpoint(let path, let reason):
            return "checkpoint '\(path)' is damaged: \(reason). Re-create it, or restore it from a copy."
        case .checkpointMismatch(let path, let reason):
            return "checkpoint '\(path)' does not fit this model: \(reason)"
        case .invalidConfig(let path, let reason):
            return "checkpoint '\(path)' holds an impossible model configuration: \(reason). The file is damaged or was not written by KorQA."
        case .diverged(let epoch, let step, let reason):
            return "training diverged at epoch \(epoch), step \(step): \(reason). The checkpoints and metrics of earlier epochs are kept; lower the learning rate and train again (or resume)."
        case .nothingToResume(let directory):
            return "there is no checkpoint to resume from in '\(directory)' (no training/last.safetensors or model.safetensors under it)"
        case .notAFolder(let path):
            return "'\(path)' exists and is not a folder; training writes a folder of checkpoints there"
        }
    }
}

extension NeuralError: LocalizedError {
    public var errorDescription: String? { description }
}
