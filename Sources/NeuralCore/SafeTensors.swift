import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`,
/// then the raw little-endian tensor bytes (offsets relative to the end of the header).
/// Files written here load in Python's `safetensors` package (bench/check_safetensors.py).
public enum SafeTensors {
    /// Header JSON larger than this is treated as corruption rather than read into memory.
    static let maximumHeaderBytes = 100 << 20

    /// How a tensor's values are stored. Weights that keep training are F32; F16 (~3
    /// significant digits) and I8 (integers in -127...127, which the caller scales) are for
    /// large frozen tables such as word vectors.
    public enum DType: String, Sendable {
        case f32 = "F32", f16 = "F16", i8 = "I8"
        public var byteCount: Int {
            switch self { case .f32: 4; case .f16: 2; case .i8: 1 }
        }
    }

    public struct Entry: Sendable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
        public var dtype: DType
        /// With `.i8`, every value must be an integer in -127...127.
        public init(name: String, shape: [Int], values: [Float], dtype: DType = .f32) {
            precondition(shape.reduce(1, *) == values.count, "tensor \(name): shape \(shape) holds \(shape.reduce(1, *)) values, not \(values.count)")
            precondition(dtype != .i8 || values.allSatisfy { $0 == $0.rounded() && abs($0) <= 127 },
                         "tensor \(name): I8 values must be integers in -127...127")
            self.name = name; self.shape = shape; self.values = values; self.dtype = dtype
        }
    }

    /// Writes atomically: a temporary file beside `path`, fsync, then rename, so a crash never
    /// leaves a half-written checkpoint under the real name.
    public static func write(_ entries: [Entry], metadata: [String: String], to path: String) throws {
        var header = "{"
        var offset = 0
        if !metadata.isEmpty {
            header += "\"__metadata__\":{"
            header += metadata.keys.sorted().map { "\(quote($0)):\(quote(metadata[$0]!))" }.joined(separator: ",")
            header += "},"
        }
        header += entries.map { entry -> String in
            let bytes = entry.values.count * entry.dtype.byteCount
            defer { offset += bytes }
            return "\(quote(entry.name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(entry.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
        }.joined(separator: ",")
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }  // pad to 8 as the reference does

        let temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "wb") else {
            throw NeuralError.checkpointIO(path: path, reason: String(cString: strerror(errno)))
        }
        var ok = true
        var length = UInt64(headerBytes.count).littleEndian
        ok = ok && fwrite(&length, 8, 1, file) == 1
        ok = ok && fwrite(headerBytes, 1, headerBytes.count, file) == headerBytes.count
        for entry in entries where ok {
            // Float is little-endian on every platform Swift runs on here (x86_64, arm64).
            switch entry.dtype {
            case .f32:
                ok = entry.values.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
            case .f16:
                let half = entry.values.map { Float16($0).bitPattern.littleEndian }
                ok = half.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
            case .i8:
                let bytes = entry.values.map { Int8($0) }
                ok = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
            }
        }
        ok = ok && fflush(file) == 0 && fsync(fileno(file)) == 0
        let reason = String(cString: strerror(errno))
        ok = (fclose(file) == 0) && ok
        guard ok else {
            unlink(temporary)
            throw NeuralError.checkpointIO(path: path, reason: "write failed: \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw NeuralError.checkpointIO(path: path, reason: reason)
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A safetensors file mapped into memory and validated; tensors are copied out on request.
public final class SafeTensorsFile: @unchecked Sendable {
    public struct TensorInfo: Sendable, Equatable {
        public var shape: [Int]
        public var begin: Int
        public var end: Int
        /// The stored type (`values` widens F16 and I8 to Float).
        public var dtype = SafeTensors.DType.f32
    }

    public let path: String
    public let metadata: [String: String]
    public let tensors: [String: TensorInfo]
    /// Tensor names in the order of their data.
    public let names: [String]
    private let base: UnsafeMutableRawPointer?
    private let size: Int
    private let dataStart: Int

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw NeuralError.checkpointIO(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NeuralError.checkpointIO(path: path, reason: String(cString: strerror(errno))) }
        size = Int(info.st_size)
        func corrupt(_ reason: String) -> NeuralError { .corruptCheckpoint(path: path, reason: reason) }
        guard size >= 8 else { throw corrupt("the file is \(size) bytes, shorter than the 8-byte header length (truncated?)") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw NeuralError.checkpointIO(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = mapped
        let mappedSize = size
        var ok = false
        defer { if !ok { munmap(mapped, mappedSize) } }

        // Compared as UInt64 before any conversion: a length of 2^63 or more is not an Int.
        let claimedLength = UInt64(littleEndian: mapped.loadUnaligned(as: UInt64.self))
        guard claimedLength <= UInt64(SafeTensors.maximumHeaderBytes) else {
            throw corrupt("the header claims \(claimedLength) bytes (more than \(SafeTensors.maximumHeaderBytes)); the file is not safetensors or is corrupted")
        }
        let headerLength = Int(claimedLength)
        guard 8 + headerLength <= size else {
            throw corrupt("the header claims \(headerLength) bytes but only \(size - 8) follow (truncated?)")
        }
        dataStart = 8 + headerLength
        let headerData = Data(bytes: mapped + 8, count: headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
            throw corrupt("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else { throw corrupt("__metadata__ is not an object") }
                for (k, v) in dict {
                    guard let s = v as? String else { throw corrupt("__metadata__.\(k) is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any] else { throw corrupt("tensor \(name): entry is not an object") }
            guard let dtype = entry["dtype"] as? String else { throw corrupt("tensor \(name): missing dtype") }
            guard let type = SafeTensors.DType(rawValue: dtype) else {
                throw corrupt("tensor \(name): dtype \(dtype) is not supported (KorQA stores F32, or F16/I8 for frozen tables)")
            }
            guard let shapeAny = entry["shape"] as? [Any], let shape = shapeAny.map(Checked.jsonInteger) as? [Int],
                  shape.allSatisfy({ $0 >= 0 }) else { throw corrupt("tensor \(name): shape is not a list of non-negative integers") }
            guard let offsetsAny = entry["data_offsets"] as? [Any], offsetsAny.count == 2,
                  let begin = Checked.jsonInteger(offsetsAny[0]), let end = Checked.jsonInteger(offsetsAny[1]) else {
                throw corrupt("tensor \(name): data_offsets is not [begin, end] (two integers)")
            }
            // The element count of a shape read from a file can overflow Int; no file this big exists.
            guard let elements = Checked.product(shape), let expected = Checked.product([elements, type.byteCount]) else {
                throw corrupt("tensor \(name): shape \(shape) holds more values than any file can")
            }
            guard begin >= 0, end >= begin else {
                throw corrupt("tensor \(name): data_offsets [\(begin), \(end)] is not a range of the data")
            }
            guard end - begin == expected else {
                throw corrupt("tensor \(name): data_offsets [\(begin), \(end)] hold \(end - begin) bytes, shape \(shape) needs \(expected)")
            }
            guard end <= size - dataStart else {
                throw corrupt("tensor \(name): data ends \(end) bytes into the data section but the file has only \(size - dataStart) there (truncated?)")
            }
            tensors[name] = TensorInfo(shape: shape, begin: begin, end: end, dtype: type)
        }
        // Byte ranges must not overlap (the format requires them to tile the data section).
        let ordered = tensors.sorted { $0.value.begin < $1.value.begin }
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.value.end > b.value.begin {
            throw corrupt("tensors \(a.key) and \(b.key) overlap")
        }
        self.metadata = metadata
        self.tensors = tensors
        self.names = ordered.map(\.key)
        ok = true
    }

    deinit {
        if let base { munmap(base, size) }
    }

    /// Values stored in the file's tensors (extra tensors such as optimizer state excluded): a
    /// model whose configuration needs more parameters than this cannot be this file's, so
    /// loaders check a configuration against it before allocating anything.
    public var parameterValueCount: Int {
        tensors.filter { !$0.key.hasPrefix(Checkpoint.extraPrefix) }.reduce(0) { $0 + ($1.value.end - $1.value.begin) / $1.value.dtype.byteCount }
    }

    /// A copy of one tensor's values; nil when there is no tensor of that name.
    public func values(_ name: String) -> [Float]? {
        guard let info = tensors[name], let base else { return nil }
        let start = base + dataStart + info.begin
        let count = (info.end - info.begin) / info.dtype.byteCount
        return [Float](unsafeUninitializedCapacity: count) { buffer, n in
            switch info.dtype {
            case .f32:
                memcpy(buffer.baseAddress!, start, info.end - info.begin)
            case .f16:
                for i in 0..<count {
                    var bits: UInt16 = 0
                    memcpy(&bits, start + 2 * i, 2)
                    buffer[i] = Float(Float16(bitPattern: UInt16(littleEndian: bits)))
                }
            case .i8:
                let bytes = start.assumingMemoryBound(to: Int8.self)
                for i in 0..<count { buffer[i] = Float(bytes[i]) }
            }
            n = count
        }
    }
}
