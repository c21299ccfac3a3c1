import ArgumentParser
import Hangul

extension KorQA {
    struct Normalize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Normalize Korean text (NFKC with Hangul-aware exceptions).",
            discussion: """
            NFKC, except that Hangul compatibility jamo (ㅋㅋ, ㅠㅠ) stay as they are and halfwidth \
            Hangul becomes compatibility jamo; zero-width and control characters are removed; every \
            run of whitespace becomes one space; the result is trimmed.

            With no TEXT, reads standard input line by line and writes one normalized line per \
            input line (streaming, so files of any size work). Invalid UTF-8 becomes U+FFFD with \
            a warning that names the line.

            Examples:
              korqa normalize "ＡＢＣ  ㈜한국어"            # ABC (주)한국어
              korqa normalize --squash-repeats 2 "ㅋㅋㅋㅋㅋ"  # ㅋㅋ
              korqa normalize --compose-jamo "ㅎㅏㄴㄱㅡㄹ"   # 한글
              korqa normalize < corpus.txt > corpus.norm.txt
            """
        )

        @OptionGroup var normalization: NormalizationOptions

        @Option(help: ArgumentHelp(LineInput.maxLineHelp, valueName: "MiB")) var maxLineMib = 64

        @Argument(help: "Text to normalize; each argument is one line. Reads stdin when absent.")
        var text: [String] = []

        func run() throws {
            let normalizer = normalization.normalizer
            let output = Output()
            defer { output.flush() }  // what was done before an error still reaches stdout
            guard maxLineMib >= 1 && maxLineMib <= 1 << 20 else { throw ValidationError("--max-line-mib must be in 1...1048576.") }
            try LineInput(arguments: text, maxLineBytes: maxLineMib << 20).forEachLine { _, scalars in
                output.write(scalars: normalizer.normalize(scalars: scalars).scalars)
                output.write(byte: 0x0A)
            }
        }
    }
}
