import FAQRetrieval
import Foundation
import IntentClassifier
import MRCReader
import Summarizer
import WordVectors

/// Where KorQA keeps the user's data and finds what it ships with (resources/ and faq/), and
/// the one place that turns "the default model" or "the default index" into files. Every
/// front end (the CLI, the chat, a server) resolves models and indexes here.
public struct KorQAHome: Sendable {
    /// $XDG_DATA_HOME/korqa, or ~/.local/share/korqa: the default index and chat history.
    public var dataDirectory: String
    /// Folders searched, in order, for a shipped folder ("resources", "faq").
    public var searchPaths: [String]

    public init(dataDirectory: String, searchPaths: [String]) {
        self.dataDirectory = dataDirectory
        self.searchPaths = searchPaths
    }

    /// The usual places: $KORQA_HOME, then the nearest ancestor (up to 5 levels) of the folder
    /// holding `executable` (a checkout's .build/release/korqa finds the checkout), then the
    /// install prefix's share/korqa (`make install`), then /usr/local/share/korqa.
    public static func standard(executable: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> KorQAHome {
        let data: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { data = xdg + "/korqa" } else {
            data = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/korqa"
        }
        var paths: [String] = []
        if let home = environment["KORQA_HOME"], !home.isEmpty { paths.append(home) }
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        // bin/korqa of an installation finds ../share/korqa.
        paths.append(directory.deletingLastPathComponent().appendingPathComponent("share/korqa").path)
        for _ in 0..<5 {
            paths.append(directory.path)
            directory.deleteLastPathComponent()
        }
        paths.append("/usr/local/share/korqa")
        return KorQAHome(dataDirectory: data, searchPaths: paths)
    }

    /// The default FAQ index, shared by `index`, `ask` and `chat`.
    public var defaultDatabase: String { dataDirectory + "/faq.sqlite" }
    public var chatHistory: String { dataDirectory + "/chat_history" }

    /// The shipped folder `name`, from the first search path that has it.
    public func shipped(_ name: String) -> String? {
        searchPaths.map { $0 + "/" + name }.first { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue }
    }

    /// The FAQ files shipped in faq/ (CSV, TSV, JSON, JSON lines), in name order.
    public func bundledFAQFiles() -> [String] {
        guard let directory = shipped("faq"), let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let formats: Set = ["csv", "tsv", "json", "jsonl"]
        return names.filter { formats.contains(($0 as NSString).pathExtension.lowercased()) }.sorted().map { directory + "/" + $0 }
    }

    // MARK: Models

    /// The shipped reader's folder name under resources/.
    public static let shippedReader = "reader-korquad"
    /// The shipped intent model's folder name under resources/.
    public static let shippedIntentModel = "intent-3i4k"

    /// The folder of a shipped model, or `QAEngineError.shippedModelMissing`.
    public func shippedModel(_ name: String) throws(QAEngineError) -> String {
        guard let resources = shipped("resources"), FileManager.default.fileExists(atPath: resources + "/" + name) else {
            throw .shippedModelMissing(name: "resources/" + name, searched: searchPaths)
        }
        return resources + "/" + name
    }

    /// The reader at `path` ("default" or nil: the shipped one), with the readers at `partners`
    /// as its ensemble (their span log-probabilities averaged).
    public func reader(_ path: String?, ensembleWith partners: [String] = []) throws -> Reader {
        func one(_ path: String?) throws -> Reader {
            guard let path, path != "default" else { return try Reader.load(from: try shippedModel(Self.shippedReader)) }
            return try Reader.load(from: path)
        }
        let reader = try one(path)
        reader.ensemble = try partners.map { try one($0) }
        return reader
    }

    /// The shipped word vectors (the reader's input) and the words `similar`/`analogy` rank.
    public static let shippedWordVectors = "reader-korquad/word-vectors.safetensors"
    public static let shippedWordList = "word-list.txt"

    /// The word vectors at `path` (nil or "default": the shipped ones) and the candidate words
    /// of `words` (nil: the shipped word list), as a space to search.
    public func wordSpace(vectors path: String?, words: String?) throws -> (SubwordVectors, LatentSpace.Words) {
        let vectors = try wordVectors(path)
        let list = try LatentSpace.wordList(at: words ?? (try shippedModel(Self.shippedWordList)))
        return (vectors, LatentSpace.Words(list, vectors: vectors))
    }

    /// The word vectors at `path` (nil or "default": the shipped ones).
    public func wordVectors(_ path: String?) throws -> SubwordVectors {
        guard let path, path != "default" else { return try SubwordVectors.load(from: try shippedModel(Self.shippedWordVectors)) }
        return try SubwordVectors.load(from: path)
    }

    /// The shipped abstractive summarizer (utterances → what they ask for, trained on sae4K).
    public static let shippedSummarizer = "summarizer-sae4k"

    /// The summarizer at `path` (nil or "default": the shipped one).
    public func summarizer(_ path: String?) throws -> PointerGenerator {
        guard let path, path != "default" else { return try PointerGenerator.load(from: try shippedModel(Self.shippedSummarizer)) }
        return try PointerGenerator.load(from: path)
    }

    /// What chat and servers summarize with: the abstractive model at `path` (nil or "default":
    /// the shipped one when it is present; without it, extractive summaries only).
    public func textSummarizer(_ path: String?) throws -> TextSummarizer {
        let useShipped = path == nil || path == "default"
        if useShipped, (try? shippedModel(Self.shippedSummarizer)) == nil { return TextSummarizer(abstractive: nil) }
        return TextSummarizer(abstractive: try summarizer(path))
    }

    /// The intent model at `path` (nil or "default": the shipped one).
    public func intentClassifier(_ path: String?) throws -> IntentClassifier {
        guard let path, path != "default" else { return try IntentClassifier.load(from: try shippedModel(Self.shippedIntentModel)) }
        return try IntentClassifier.load(from: path)
    }

    // MARK: Sentence vectors and the search mode

    /// The shipped sentence encoder's folder name under resources/.
    public static let shippedSentenceEncoder = "sentence-encoder"

    /// The sentence encoder at `path`: nil or "default" is the shipped one when present (nil
    /// when KorQA ships none), "none" is none.
    public func sentenceEmbedder(_ path: String?) throws -> EncoderEmbedder? {
        switch path {
        case "none": return nil
        case nil, "default":
            guard let folder = try? shippedModel(Self.shippedSentenceEncoder) else { return nil }
            return try EncoderEmbedder(directory: folder)
        case let path?: return try EncoderEmbedder(directory: path)
        }
    }

    /// How a store will be searched, and why.
    public struct SearchSetup: Sendable {
        public var mode: SearchMode
        public var embedder: EncoderEmbedder?
        /// Said to the user when the default could not be hybrid (nil otherwise).
        public var note: String?
    }

    /// The search for `store`: `mode` as asked (dense and hybrid need an encoder: `encoder`, else
    /// the shipped one); with no mode, hybrid when the index holds every entry's vector of that
    /// encoder, lexical otherwise (with a note saying how to embed the index).
    public func searchSetup(store: FAQStore, mode: SearchMode?, encoder: String?) throws -> SearchSetup {
        if mode == .lexical { return SearchSetup(mode: .lexical, embedder: nil, note: nil) }
        let embedder = try sentenceEmbedder(encoder)
        if let mode {
            guard let embedder else { throw QAEngineError.noSentenceEncoder(mode: mode.rawValue, searched: searchPaths) }
            return SearchSetup(mode: mode, embedder: embedder, note: nil)
        }
        guard let embedder else { return SearchSetup(mode: .lexical, embedder: nil, note: nil) }
        let coverage = try store.vectorCoverage(model: embedder.modelID)
        if coverage.entries > 0 && coverage.withVector == coverage.entries { return SearchSetup(mode: .hybrid, embedder: embedder, note: nil) }
        return SearchSetup(mode: .lexical, embedder: nil,
                           note: "searching lexically: \(coverage.entries - coverage.withVector) of \(coverage.entries) entries of \(store.path) have no sentence vector yet")
    }

    // MARK: The FAQ index

    /// What opening the default index did.
    public enum IndexEvent: Sendable {
        /// The default index is empty: it is being filled from these bundled files.
        case seeding(path: String, files: [String])
        /// It now holds this many entries.
        case seeded(entries: Int)
        /// Its entries were embedded with the shipped sentence encoder (for hybrid search).
        case embedded(entries: Int)
        /// The bundled document collection (resources/wikipedia-ko) is being indexed into it.
        case seedingDocuments(file: String)
        case seededDocuments(documents: Int, passages: Int)
    }

    /// The shipped document collection's folder name under resources/: a slice of Korean
    /// Wikipedia, the default index's documents.
    public static let bundledDocumentsFolder = "wikipedia-ko"

    /// The bundled document collection's file (its README is not a document), when shipped.
    public func bundledDocuments() -> String? {
        guard let resources = shipped("resources") else { return nil }
        let file = resources + "/" + Self.bundledDocumentsFolder + "/articles.jsonl"
        return FileManager.default.fileExists(atPath: file) ? file : nil
    }

    /// Opens the FAQ index at `path`; nil opens the default index, filling it from the bundled
    /// FAQ files the first time (and whenever it is empty), and then with the bundled documents
    /// (`bundledDocuments`, ~10 s for the Wikipedia slice) when it has none. An index given by path must exist
    /// unless `create` (indexing into a new file). `readOnly`: the caller only searches, so an
    /// index it may not write works (the default index is writable the first time, to be filled).
    public func openIndex(_ path: String?, readOnly: Bool = false, create: Bool = false, events: (IndexEvent) -> Void = { _ in }) throws -> FAQStore {
        if let path {
            guard create || FileManager.default.fileExists(atPath: path) else { throw QAEngineError.noIndex(path: path) }
            return try FAQStore(path: path, readOnly: readOnly && !create)
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let store = try FAQStore(path: defaultDatabase)
        if try store.count() == 0 {
            let files = bundledFAQFiles()
            guard !files.isEmpty else { throw QAEngineError.nothingToSeed(index: store.path, searched: searchPaths) }
            events(.seeding(path: store.path, files: files))
            _ = try store.importFiles(try files.map { try FAQFile.read(path: $0) })
            events(.seeded(entries: try store.count()))
            if let embedder = try sentenceEmbedder(nil) { events(.embedded(entries: try store.updateVectors(using: embedder))) }
            // The bundled documents, the first time only: a user who removes them keeps them removed.
            if let file = bundledDocuments(), try store.documents().isEmpty {
                events(.seedingDocuments(file: file))
                let loaded = try DocumentFile.read([file])
                let summary = try store.importDocuments(DocumentFile.passages(of: loaded.documents))
                events(.seededDocuments(documents: summary.added, passages: summary.passages))
            }
        }
        return store
    }
}
