import ArgumentParser
import Hangul

extension TokenUnit: ExpressibleByArgument {}

extension KorQA {
    struct Tokenize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Normalize and tokenize Korean text, with offsets into the original.",
            discussion: """
            Units:
              syllable  each non-space character; a Hangul syllable is one token
              jamo      each Hangul syllable as its conjoining jamo (초성 중성 종성)
              word      ICU word boundaries; punctuation kept, spaces dropped
              eojeol    whitespace-separated words (어절)

            Plain output is the tokens separated by spaces, one line per input line. With --json \
            each input line gives one JSON array of {"text","start","end"}, where start..<end are \
            Unicode code-point offsets into the ORIGINAL line (half-open), the unit of KorQuAD's \
            answer_start.

            Examples:
              korqa tokenize --unit syllable "한국어 질문"        # 한 국 어 질 문
              korqa tokenize --unit jamo --json "각"
              korqa tokenize --unit word < corpus.txt
            """
        )

        @Option(help: "Token unit: \(TokenUnit.allCases.map(\.rawValue).joined(separator: ", ")).")
        var unit: TokenUnit = .syllable

        @Flag(help: "Print one JSON array of tokens with offsets per input line.")
        var json = false

        @OptionGroup var normalization: NormalizationOptions

        @Option(help: ArgumentHelp(LineInput.maxLineHelp, valueName: "MiB")) var maxLineMib = 64

        @Argument(help: "Text to tokenize; each argument is one line. Reads stdin when absent.")
        var text: [String] = []

        func run() throws {
            let normalizer = normalization.normalizer
            let tokenizer = makeTokenizer(unit)
            let output = Output()
            defer { output.flush() }  // what was done before an error still reaches stdout
            guard maxLineMib >= 1 && maxLineMib <= 1 << 20 else { throw ValidationError("--max-line-mib must be in 1...1048576.") }
            try LineInput(arguments: text, maxLineBytes: maxLineMib << 20).forEachLine { _, scalars in
                // Streamed: no String or Token per token (tens of millions per run).
                let normalized = normalizer.normalize(scalars: scalars)
                var first = true
                if json {
                    output.write(byte: UInt8(ascii: "["))
                    tokenizer.forEachToken(in: normalized) { text, start, end in
                        output.write(first ? "{\"text\":" : ",{\"text\":")
                        output.write(jsonScalars: text)
                        output.write(",\"start\":")
                        output.write(integer: start)
                        output.write(",\"end\":")
                        output.write(integer: end)
                        output.write(byte: UInt8(ascii: "}"))
                        first = false
                    }
                    output.write("]\n")
                } else {
                    tokenizer.forEachToken(in: normalized) { text, _, _ in
                        if !first { output.write(byte: 0x20) }
                        output.write(scalars: text)
                        first = false
                    }
                    output.write(byte: 0x0A)
                }
            }
        }
    }
}
