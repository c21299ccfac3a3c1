import ArgumentParser
import FAQRetrieval
import Foundation

/// `--db PATH`, shared by the FAQ commands.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "The FAQ index (SQLite). Default: $XDG_DATA_HOME/korqa/faq.sqlite (~/.local/share/korqa/faq.sqlite), built from the bundled faq/ files on first use.",
        valueName: "PATH"))
    var path: String?

    var resolvedPath: String { path ?? Paths.defaultDatabase }

    /// Opens the index. The default index is filled from the bundled FAQ files the first time
    /// (and whenever it is empty); an explicit --db must already exist.
    /// `readOnly`: the caller only searches (ask, chat), so an index it may not write works.
    func open(quiet: Bool = false, readOnly: Bool = false) throws -> FAQStore {
        if let path {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError.usage("no FAQ index at \(path); create it with: korqa index FILE --db \(path)")
            }
            return try FAQStore(path: path, readOnly: readOnly)
        }
        let store = try FAQStore(path: Paths.defaultDatabase)
        if try store.count() == 0 { try Self.seed(store, quiet: quiet) }
        return store
    }

    static func seed(_ store: FAQStore, quiet: Bool) throws {
        let files = Paths.bundledFAQFiles()
        guard !files.isEmpty else {
            throw CLIError.usage("the FAQ index \(store.path) is empty and no bundled faq/ folder was found; index a file with: korqa index FILE (or set KORQA_HOME to a KorQA checkout)")
        }
        if !quiet { Diagnostics.note("building the FAQ index \(store.path) from \(files.count) bundled file(s)…") }
        let parsed = try files.map { try FAQFile.read(path: $0) }
        _ = try store.importFiles(parsed)
        if !quiet { Diagnostics.note("indexed \(try store.count()) FAQ entries") }
    }
}
