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
        }
    }
}
