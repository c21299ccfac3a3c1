import ArgumentParser
import FAQRetrieval
import QAEngine

/// `--mode` and `--sentence-encoder`, shared by the commands that search the FAQ index.
struct SearchOptions: ParsableArguments {
    @Option(help: "Search mode: lexical (BM25), dense (sentence vectors) or hybrid (both, fused by reciprocal rank). Default: hybrid when the index holds the sentence encoder's vectors (korqa index embeds them), else lexical.")
    var mode: SearchMode?

    @Option(help: ArgumentHelp("A sentence-encoder folder for dense and hybrid search ('default': the shipped resources/sentence-encoder; 'none': lexical only).", valueName: "DIR"))
    var sentenceEncoder: String?

    func validate() throws {
        if let mode, mode != .lexical, sentenceEncoder == "none" {
            throw ValidationError("--mode \(mode.rawValue) needs sentence vectors: give --sentence-encoder DIR (or leave it out for the shipped one), not none.")
        }
    }

    /// The mode and encoder for `store` (`KorQAHome.searchSetup`); a note when the default fell
    /// back to lexical search goes to stderr unless `quiet`.
    func setup(for store: FAQStore, quiet: Bool = false) throws -> KorQAHome.SearchSetup {
        let setup = try Home.current.searchSetup(store: store, mode: sentenceEncoder == "none" ? .lexical : mode, encoder: sentenceEncoder)
        if let note = setup.note, !quiet { Diagnostics.note(note + "; embed it with: korqa index --db \(store.path) --sentence-encoder default") }
        return setup
    }
}

extension SearchOptions {
    /// For evaluations, which never pick a mode by themselves: `--mode` (default lexical) and the
    /// encoder it needs (`--sentence-encoder`, else the shipped one).
    func explicit() throws -> (mode: SearchMode, embedder: EncoderEmbedder?) {
        let mode = self.mode ?? .lexical
        guard mode != .lexical || sentenceEncoder != nil else { return (.lexical, nil) }
        let embedder = try Home.current.sentenceEmbedder(sentenceEncoder ?? "default")
        if mode != .lexical && embedder == nil { throw QAEngineError.noSentenceEncoder(mode: mode.rawValue, searched: Home.current.searchPaths) }
        return (mode, embedder)
    }
}

extension SearchMode: ExpressibleByArgument {}
