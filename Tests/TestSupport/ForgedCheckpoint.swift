import NeuralCore

/// Rewrites a checkpoint with changed metadata and the same tensors: how the hardening tests
/// forge the impossible model files an attacker or a damaged disk could produce.
public func rewriteCheckpointMetadata(at path: String, _ change: (inout [String: String]) -> Void) throws {
    let file = try SafeTensorsFile(path: path)
    var metadata = file.metadata
    change(&metadata)
    let entries = file.names.map { name in
        SafeTensors.Entry(name: name, shape: file.tensors[name]!.shape, values: file.values(name)!, dtype: file.tensors[name]!.dtype)
    }
    try SafeTensors.write(entries, metadata: metadata, to: path)
}

/// `json` with the integer or number of `key` replaced by `value` (text, so that -1, 1e30 or
/// 1000000000 can be written as they would appear in a forged file).
public func replacingJSONNumber(_ json: String, key: String, with value: String) -> String {
    guard let keyRange = json.range(of: "\"\(key)\":") else { return json }
    let rest = json[keyRange.upperBound...]
    let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
    return json.replacingCharacters(in: keyRange.upperBound..<end, with: value)
}
