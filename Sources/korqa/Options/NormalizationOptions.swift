import ArgumentParser
import Hangul

/// The normalization flags shared by every command that reads text.
struct NormalizationOptions: ParsableArguments {
    @Option(name: .customLong("squash-repeats"), help: ArgumentHelp(
        "Cut every run of one character longer than N to N (ㅋㅋㅋㅋㅋ -> ㅋㅋ with 2).",
        valueName: "N"))
    var squashRepeats: Int?

    @Flag(name: .customLong("compose-jamo"),
          help: "Compose Hangul letters typed one by one into syllables (ㅎㅏㄴㄱㅡㄹ -> 한글).")
    var composeJamo = false

    func validate() throws {
        if let squashRepeats, squashRepeats < 1 {
            throw ValidationError("--squash-repeats must be at least 1 (got \(squashRepeats)).")
        }
    }

    var normalizer: Normalizer {
        Normalizer(options: .init(squashRepeats: squashRepeats, composeJamo: composeJamo))
    }
}
