import Foundation

/// Integer arithmetic on numbers read from files (configurations, headers, datasets), which
/// must never trap: nil where the exact result does not fit in Int.
public enum Checked {
    /// A JSON number (as JSONSerialization gives it) that is an integer Int holds exactly; nil
    /// for 2.5, 1e30 or 2^64 (`NSNumber.intValue` would truncate or wrap them silently).
    public static func jsonInteger(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        if let exact = Int(number.stringValue) { return exact }
        let double = number.doubleValue
        guard double.isFinite, double == double.rounded(), abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }

    /// The product of `factors`; nil on overflow or a negative factor.
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// Σ of the products of each term's factors; nil on overflow.
    public static func sumOfProducts(_ terms: [[Int]]) -> Int? {
        var total = 0
        for term in terms {
            guard let value = product(term) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(value)
            if overflow { return nil }
            total = sum
        }
        return total
    }
}

/// Checks the numbers of a model configuration read from a checkpoint before any model is built
/// from them: every size in its range, every probability a probability, and the parameters the
/// architecture needs no more than the file holds (so a forged `layers: 1000000000` is refused
/// instead of allocating without bound).
public struct ConfigCheck {
    public private(set) var problems: [String] = []

    public init() {}

    public mutating func size(_ name: String, _ value: Int, in range: ClosedRange<Int>) {
        if !range.contains(value) { problems.append("\(name) is \(value), it must be in \(range.lowerBound)...\(range.upperBound)") }
    }

    /// A dropout probability: finite, 0 ≤ p < 1.
    public mutating func probability(_ name: String, _ value: Float) {
        if !(value.isFinite && value >= 0 && value < 1) { problems.append("\(name) is \(value), it must be at least 0 and below 1") }
    }

    /// `minimumParameters` (Σ of products of sizes; nil = overflowed) against the values the file holds.
    public mutating func parameters(_ terms: [[Int]], fileHolds available: Int) {
        guard problems.isEmpty else { return }  // sizes out of range make the estimate meaningless
        guard let needed = Checked.sumOfProducts(terms) else {
            problems.append("its sizes need more parameters than any machine holds"); return
        }
        if needed > available {
            problems.append("its sizes need at least \(needed) parameters, the file holds \(available)")
        }
    }

    /// Throws `NeuralError.invalidConfig` naming the file and every problem found.
    public func verify(path: String) throws {
        if !problems.isEmpty { throw NeuralError.invalidConfig(path: path, reason: problems.joined(separator: "; ")) }
    }
}
