import ArgumentParser

@main
struct KorQA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "korqa",
        abstract: "Korean natural-language understanding, offline on a CPU.",
        discussion: """
        Normalize and tokenize Korean text with offsets into the original, and (as the project \
        grows) classify intents, answer FAQ questions, read answers out of passages and summarize.

        Examples:
          korqa normalize "ＡＢＣ  ㈜한국어"
          korqa tokenize --unit jamo --json "한국어"
          cat corpus.txt | korqa tokenize --unit syllable > tokens.txt
        """,
        version: "0.1.0",
        subcommands: [Normalize.self, Tokenize.self, Bench.self]
    )
}
