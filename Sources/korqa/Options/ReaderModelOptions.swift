import ArgumentParser
import Foundation
import MRCReader
import QAEngine

/// `--model DIR|default`, shared by the commands that run the reader.
struct ReaderModelOptions: ParsableArguments {
        @Option(name: .customLong("model"), help: ArgumentHelp(
        "A reader directory from `korqa train reader`, or `default` for the shipped resources/\(KorQAHome.shippedReader).", valueName: "DIR"))
    var path = "default"

    @Option(help: "Threads (2 runs the two LSTM directions side by side).") var threads = 1

    @Option(help: ArgumentHelp("Read contexts in windows of this many syllables instead of the reader's own (longer windows see more of a long passage at once; the stride becomes half the window).", valueName: "N"))
    var window: Int?

    @Option(help: ArgumentHelp("Longest answer in syllables, instead of the reader's own (30 for the shipped one).", valueName: "N"))
    var maxAnswer: Int?

    @Option(name: .customLong("ensemble-with"), help: ArgumentHelp("Another reader directory that reads every window too; the readers' span log-probabilities are averaged (repeatable; as many times slower). resources/reader-korquad-2 with the shipped reader: CV F1 76.58 against 75.03, p50 ~18 ms against ~9 on one thread; with --threads 2 the readers run side by side (~9.6 ms).", valueName: "DIR"))
    var ensembleWith: [String] = []

    func validate() throws {
        if let window, window < 2 { throw ValidationError("--window must be at least 2 syllables (got \(window)).") }
        if let maxAnswer, maxAnswer < 1 { throw ValidationError("--max-answer must be at least 1 syllable (got \(maxAnswer)).") }
    }

    func load() throws -> Reader {
        let reader = try Home.current.reader(path, ensembleWith: ensembleWith)
        if let window {
            reader.settings.windowLength = window
            reader.settings.windowStride = window / 2
        }
        if let maxAnswer { reader.settings.maxAnswerLength = maxAnswer }
        return reader
    }
}
