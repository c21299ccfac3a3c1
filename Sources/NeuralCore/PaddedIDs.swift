/// A batch of id sequences padded with 0 to one length, with several parallel id channels per
/// position (e.g. syllable, initial, medial and final jamo ids for a summed embedding).
///
/// `channels[c]` is [B·T], row-major: sequence b's position t is at b·T + t.
public struct PaddedIDs: Equatable, Sendable {
    public var channels: [[Int32]]
    public var mask: SequenceMask

    /// `sequences[b][c]` is channel c of sequence b; all channels of a sequence have one length.
    /// An empty batch or empty sequence still gets one padding position, so shapes stay valid.
    public init(_ sequences: [[[Int32]]], channelCount: Int) {
        let lengths = sequences.map { $0.first?.count ?? 0 }
        mask = SequenceMask(lengths: lengths, maxLength: max(1, lengths.max() ?? 1))
        let T = mask.maxLength
        channels = [[Int32]](repeating: [Int32](repeating: 0, count: sequences.count * T), count: channelCount)
        for (b, sequence) in sequences.enumerated() {
            precondition(sequence.count == channelCount && sequence.allSatisfy { $0.count == lengths[b] },
                         "sequence \(b) needs \(channelCount) channels of one length")
            for c in 0..<channelCount {
                channels[c].withUnsafeMutableBufferPointer { out in
                    for (t, id) in sequence[c].enumerated() { out[b * T + t] = id }
                }
            }
        }
    }

    public var batchSize: Int { mask.batchSize }
    public var maxLength: Int { mask.maxLength }
}
