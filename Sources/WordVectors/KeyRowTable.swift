/// Unit key -> row of the vector table: open addressing with linear probing and a
/// multiplicative hash, for the ~500k keys of a word-vector file. Every word's units are looked
/// up on every read (a 500-syllable passage makes ~2,000 lookups), and `Dictionary`'s SipHash
/// plus a scattered bucket made that a noticeable share of the reader's input; a table of two
/// flat arrays also builds in a fraction of the time at load.
///
/// A key given twice maps to its last row, as assigning into a Dictionary does.
struct KeyRowTable: Sendable {
    private var slotKeys: [UInt64]
    /// -1 marks an empty slot.
    private var slotRows: [Int32]
    private let mask: Int
    private let shift: UInt64

    init(keys: [UInt64]) {
        var bits = 4
        while (1 << bits) < 2 * keys.count { bits += 1 }  // at most half full
        mask = (1 << bits) - 1
        shift = UInt64(64 - bits)
        slotKeys = [UInt64](repeating: 0, count: 1 << bits)
        slotRows = [Int32](repeating: -1, count: 1 << bits)
        for (row, key) in keys.enumerated() {
            var i = slot(of: key)
            while slotRows[i] >= 0 && slotKeys[i] != key { i = (i + 1) & mask }
            slotKeys[i] = key
            slotRows[i] = Int32(row)
        }
    }

    @inline(__always)
    private func slot(of key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The row of `key`, or nil when the table has no such unit.
    @inline(__always)
    subscript(key: UInt64) -> Int32? {
        var i = slot(of: key)
        while true {
            let row = slotRows[i]
            if row < 0 { return nil }
            if slotKeys[i] == key { return row }
            i = (i + 1) & mask
        }
    }
}
