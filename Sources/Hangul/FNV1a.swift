/// The 64-bit FNV-1a hash: stable across runs and machines (unlike `Hasher`), for fingerprints
/// and fixed data splits that must come out the same every time.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x100_0000_01b3

    /// The hash of `bytes`, continuing from `hash` (the offset basis to start a new one).
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>, from hash: UInt64 = offsetBasis) -> UInt64 {
        var h = hash
        for byte in bytes { h = (h ^ UInt64(byte)) &* prime }
        return h
    }
}
