/// Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix.
public struct IntentMetrics: Equatable, Sendable {
    public struct ClassScore: Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public var accuracy: Double
    public var macroF1: Double
    public var perClass: [ClassScore]
    /// confusion[gold][predicted]
    public var confusion: [[Int]]

    public init(gold: [Int], predicted: [Int], classCount: Int) {
        precondition(gold.count == predicted.count, "gold and predicted differ in length")
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (g, p) in zip(gold, predicted) { confusion[g][p] += 1 }
        let correct = (0..<classCount).reduce(0) { $0 + confusion[$1][$1] }
        accuracy = gold.isEmpty ? 0 : Double(correct) / Double(gold.count)
        perClass = (0..<classCount).map { c in
            let tp = Double(confusion[c][c])
            let predictedC = Double((0..<classCount).reduce(0) { $0 + confusion[$1][c] })
            let support = confusion[c].reduce(0, +)
            let precision = predictedC > 0 ? tp / predictedC : 0
            let recall = support > 0 ? tp / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassScore(precision: precision, recall: recall, f1: f1, support: support)
        }
        // Macro average over the classes present in the gold labels (as scikit-learn does when
        // given those labels).
        let present = perClass.filter { $0.support > 0 }
        macroF1 = present.isEmpty ? 0 : present.map(\.f1).reduce(0, +) / Double(present.count)
        self.confusion = confusion
    }
}
