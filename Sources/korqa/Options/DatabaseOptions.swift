import ArgumentParser
import FAQRetrieval
import Foundation
import QAEngine

/// `--db PATH`, shared by the FAQ commands.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "The FAQ index (SQLite). Default: $XDG_DATA_HOME/korqa/faq.sqlite (~/.local/share/korqa/faq.sqlite), built from the bundled faq/ files on first use.",
        valueName: "PATH"))
    var path: String?

    /// Opens the index (the engine's rules: the default one is filled from the bundled files on
    /// first use; an explicit --db must exist). `readOnly`: the caller only searches.
    /// `create`: a --db that does not exist yet is created (indexing).
    func open(quiet: Bool = false, readOnly: Bool = false, create: Bool = false) throws -> FAQStore {
        try Home.current.openIndex(path, readOnly: readOnly, create: create) { event in
            guard !quiet else { return }
            switch event {
            case .seeding(let path, let files): Diagnostics.note("building the FAQ index \(path) from \(files.count) bundled file(s)…")
            case .seeded(let entries): Diagnostics.note("indexed \(entries) FAQ entries")
            case .embedded(let entries): Diagnostics.note("embedded \(entries) entries with the shipped sentence encoder (hybrid search)")
            case .seedingDocuments(let file): Diagnostics.note("indexing the bundled documents \(file) (a Korean Wikipedia slice, ~10 s, once)…")
            case .seededDocuments(let documents, let passages): Diagnostics.note("indexed \(documents) documents (\(passages) passages); questions the FAQ cannot answer are read from them")
            }
        }
    }
}
