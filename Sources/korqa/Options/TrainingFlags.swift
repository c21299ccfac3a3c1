import ArgumentParser

/// The flags every neural training command shares (same names, same defaults).
struct TrainingFlags: ParsableArguments {
    @Option(help: "Random seed (weights, shuffling, dropout, splits).") var seed: UInt64 = 1
    @Option(help: "Batch size.") var batchSize = 32
    @Option(help: "Peak learning rate (Adam, linear warm-up and decay).") var learningRate: Float = 2e-3
    @Option(help: "Threads (2 runs the two LSTM directions side by side).") var threads = 2
    @Flag(help: "Continue an interrupted run from its last checkpoints.") var resume = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }
}
