import Foundation

/// The folder a training run writes to, checked before any work starts so that a mistyped
/// `--out` fails at once with a clear reason instead of after an epoch (or with a raw
/// Foundation error).
public enum TrainingDirectory {
    /// Creates `path` (and its parents) as a folder; throws `NeuralError.notAFolder` when it, or
    /// one of its parents, exists as something else (a file, a FIFO).
    public static func prepare(_ path: String) throws {
        try check(path)
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw NeuralError.checkpointIO(path: path, reason: "cannot create the folder: \((error as NSError).localizedDescription)")
        }
    }

    /// Throws `NeuralError.notAFolder` when `path`, or one of its parents, exists as something
    /// other than a folder; creates nothing.
    public static func check(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw NeuralError.notAFolder(path: prefix)
            }
        }
    }

    /// What a training command checks before it reads any data: `path` can become its output
    /// folder (`check`), and with `resume` it holds a checkpoint to continue from.
    public static func checkOutput(_ path: String, resume: Bool) throws {
        try check(path)
        if resume, !hasResumableCheckpoint(under: path) { throw NeuralError.nothingToResume(directory: path) }
    }

    /// Whether `path` holds a checkpoint a run can continue from: `training/last.safetensors`
    /// of a run, of an ensemble member or cross-validation fold under it, or a finished model.
    public static func hasResumableCheckpoint(under path: String) -> Bool {
        let names: Set = ["last.safetensors", "model.safetensors"]
        guard let walker = FileManager.default.enumerator(atPath: path) else { return false }
        while let entry = walker.nextObject() as? String {
            if walker.level > 4 { walker.skipDescendants(); continue }
            if names.contains((entry as NSString).lastPathComponent) { return true }
        }
        return false
    }
}
