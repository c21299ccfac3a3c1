import ArgumentParser
import FAQRetrieval
import QAEngine

/// `--mode` and `--sentence-encoder`, shared by the commands that search the FAQ index.
struct SearchOptions: ParsableArguments {
    @Option(help: "Search mode: lexical (BM25), dense (sentence vectors) or hybrid (both, fused by reciprocal rank). Dense and hybrid need --sentence-encoder and an index embedded by it (korqa index --sentence-encoder DIR).")
    var mode: SearchMode = .lexical

    @Option(help: ArgumentHelp("A sentence-encoder folder (korqa train sentence-encoder) for dense and hybrid search.", valueName: "DIR"))
    var sentenceEncoder: String?

    func validate() throws {
        if mode != .lexical && sentenceEncoder == nil { throw ValidationError("--mode \(mode.rawValue) needs --sentence-encoder DIR.") }
    }

    func embedder() throws -> EncoderEmbedder? { try sentenceEncoder.map { try EncoderEmbedder(directory: $0) } }
}

extension SearchMode: ExpressibleByArgument {}
