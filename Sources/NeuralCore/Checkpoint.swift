/// A model checkpoint: every parameter of a store (by its slot name), optional extra tensors
/// (optimizer state), and metadata. `korqa.config` holds the model configuration as JSON text;
/// `korqa.vocabulary` a fingerprint of the vocabulary the model was trained with.
///
/// On load, the architecture (config) must match exactly; the parameter names and shapes must
/// match the store. Anything else is a clear error naming the file — never a crash.
public enum Checkpoint {
    public static let formatKey = "korqa.format"
    public static let configKey = "korqa.config"
    public static let vocabularyKey = "korqa.vocabulary"
    public static let format = "1"
    static let extraPrefix = "__extra__."

    /// - Parameter dtype: how the parameters are stored: F32 for checkpoints that keep training,
    ///   F16 for a finished model shipped compact (loading widens it back to Float).
    public static func save(_ store: ParameterStore, to path: String, config: String, vocabularyFingerprint: String? = nil,
                            metadata: [String: String] = [:], extra: [String: [Float]] = [:], dtype: SafeTensors.DType = .f32) throws {
        precondition(dtype != .i8, "parameters are stored as F32 or F16")
        var entries = store.slots.map { SafeTensors.Entry(name: $0.name, shape: $0.shape, values: store.tensor($0).data, dtype: dtype) }
        for name in extra.keys.sorted() {
            entries.append(SafeTensors.Entry(name: extraPrefix + name, shape: [extra[name]!.count], values: extra[name]!))
        }
        var meta = metadata
        meta[formatKey] = format
        meta[configKey] = config
        if let vocabularyFingerprint { meta[vocabularyKey] = vocabularyFingerprint }
        try SafeTensors.write(entries, metadata: meta, to: path)
    }

    public struct Loaded: Sendable {
        public var metadata: [String: String]
        public var extra: [String: [Float]]
    }

    /// Reads the configuration text of a checkpoint without touching any model (to build the
    /// right model before `load`).
    public static func config(at path: String) throws -> String {
        try header(at: path).config
    }

    /// The configuration text and the number of parameter values the file holds, from one read
    /// of its header: what a loader checks a configuration against (`ConfigCheck`) before it
    /// builds a model of that size.
    public static func header(at path: String) throws -> (config: String, parameterValueCount: Int) {
        let file = try SafeTensorsFile(path: path)
        guard let config = file.metadata[configKey] else {
            throw NeuralError.checkpointMismatch(path: path, reason: "it has no \(configKey) metadata; was it written by KorQA?")
        }
        return (config, file.parameterValueCount)
    }

    /// Copies the checkpoint's parameters into `store`.
    /// - Parameters:
    ///   - config: when given, must equal the checkpoint's config text.
    ///   - vocabularyFingerprint: when given, must equal the checkpoint's.
    @discardableResult
    public static func load(into store: ParameterStore, from path: String, config: String? = nil,
                            vocabularyFingerprint: String? = nil) throws -> Loaded {
        let file = try SafeTensorsFile(path: path)
        func mismatch(_ reason: String) -> NeuralError { .checkpointMismatch(path: path, reason: reason) }
        if let config, file.metadata[configKey] != config {
            throw mismatch("its model configuration \(file.metadata[configKey] ?? "(none)") differs from the expected \(config)")
        }
        if let vocabularyFingerprint, let stored = file.metadata[vocabularyKey], stored != vocabularyFingerprint {
            throw mismatch("it was trained with a different vocabulary (fingerprint \(stored), expected \(vocabularyFingerprint))")
        }
        for slot in store.slots {
            guard let info = file.tensors[slot.name] else { throw mismatch("parameter \(slot.name) is missing") }
            guard info.shape == slot.shape else {
                throw mismatch("parameter \(slot.name) has shape \(info.shape), the model needs \(slot.shape)")
            }
        }
        let known = Set(store.slots.map(\.name))
        if let unknown = file.names.first(where: { !known.contains($0) && !$0.hasPrefix(extraPrefix) }) {
            throw mismatch("it holds parameter \(unknown), which this model does not have")
        }
        for slot in store.slots {
            let values = file.values(slot.name)!
            store.value(slot).update(from: values, count: values.count)
        }
        store.markChanged()
        var extra: [String: [Float]] = [:]
        for name in file.names where name.hasPrefix(extraPrefix) {
            extra[String(name.dropFirst(extraPrefix.count))] = file.values(name)
        }
        return Loaded(metadata: file.metadata, extra: extra)
    }
}
