import ArgumentParser
import FAQRetrieval
import QAEngine
import Foundation

extension KorQA {
    struct Index: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add FAQ files to the FAQ index (or update them).",
            discussion: """
            Formats: CSV or TSV with a header (a question column: question, Q or 질문; an answer \
            column: answer, A or 답변; optional category/label; other columns are kept), a JSON \
            array of objects, or JSON lines. BOM and CRLF are fine.

            Re-indexing a file makes the index mirror it: changed rows are updated, new rows \
            added, rows gone from the file removed; nothing is duplicated. All files are imported \
            in one transaction: if anything fails, or the process is killed, the index stays as \
            it was. Bad rows are reported with file, line and reason and skipped; with --strict \
            any bad row stops the import before anything is written.

            Every entry also gets its sentence vector from the shipped sentence encoder (or \
            --sentence-encoder DIR), so that ask and chat search hybrid (words and meaning) by \
            default; --sentence-encoder none skips that (ask and chat then search lexically).

            Examples:
              korqa index my_faq.csv
              korqa index faq.csv more.jsonl --db shop.sqlite --strict
              korqa index faq.csv --replace        # rebuild the index from this file only
            """
        )

        @Argument(help: "FAQ files to index (none with --sentence-encoder: embed the index as it is); with --documents, document files or folders.") var files: [String] = []
        @Flag(help: "The files are documents (text, Markdown, JSON/JSON lines {\"title\", \"text\"}, WikiExtractor folders), cut into passages of ≤ 500 syllables; re-indexing a file mirrors it.") var documents = false
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Fail on any bad row, writing nothing.") var strict = false
        @Flag(help: "Rebuild the index from these files only: entries of other files are removed.") var replace = false
        @Option(help: ArgumentHelp("Store every entry's sentence vector from this sentence encoder, for hybrid search (default: the shipped resources/sentence-encoder; 'none': no vectors). Entries embedded by another encoder are re-embedded.", valueName: "DIR"))
        var sentenceEncoder: String?
        @Option(help: ArgumentHelp("Longest question accepted, in characters; longer rows are reported and skipped.", valueName: "N"))
        var maxQuestionLength = FieldLimits().questionLength
        @Option(help: ArgumentHelp("Longest answer (or other column) accepted, in characters.", valueName: "N"))
        var maxFieldLength = FieldLimits().fieldLength

        func validate() throws {
            guard !files.isEmpty || sentenceEncoder != nil else {
                throw ValidationError("name at least one FAQ file to index (or --sentence-encoder DIR alone, to embed the index as it is).")
            }
            if files.isEmpty && replace { throw ValidationError("--replace needs the files to keep.") }
            if documents && (files.isEmpty || replace || strict) { throw ValidationError("--documents needs document files or folders, and takes no --replace or --strict.") }
            guard maxQuestionLength >= 1, maxFieldLength >= 1 else { throw ValidationError("--max-question-length and --max-field-length must be at least 1.") }
        }

        func run() throws {
            if documents { return try indexDocuments() }
            let started = monotonicSeconds()
            let limits = FieldLimits(questionLength: maxQuestionLength, fieldLength: maxFieldLength)
            let parsed = try files.map { try FAQFile.read(path: $0, limits: limits) }
            do { try FAQStore.checkImportable(parsed, strict: strict) } catch FAQError.noUsableRows(let path, let problems) {
                throw CLIError.usage("\(FAQError.noUsableRows(path: path, problems: problems))\nFix the rows, or raise --max-question-length / --max-field-length if the limits are too low.")
            }
            // The default index starts from the bundled FAQ, then holds the user's files too.
            let store = try database.open(create: true)
            var progress = ProgressLine(label: "indexing")
            let report = parsed.isEmpty ? ImportReport(files: [])
                : try store.importFiles(parsed, strict: strict, replaceAll: replace) { done, total in progress.update(done: done, total: total) }
            progress.finish()
            for (file, summary) in zip(parsed, report.files) {
                for problem in file.problems.prefix(20) { Diagnostics.warning("\(problem); row skipped") }
                if file.problems.count > 20 { Diagnostics.warning("… and \(file.problems.count - 20) more bad rows in \(file.path)") }
                let kept = summary.kept > 0 ? "; \(summary.kept) entries no longer in the file kept because it has bad rows (fix them and re-index to remove)" : ""
                print("\(file.path): \(file.rows.count) rows — \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.removed) removed; \(file.problems.count) bad rows skipped\(kept)")
            }
            if replace { print("--replace: \(report.removedFromOtherSources) entries of other files removed") }
            if let embedder = try Home.current.sentenceEmbedder(sentenceEncoder) {
                var vectorProgress = ProgressLine(label: "embedding")
                let embedded = try store.updateVectors(using: embedder) { done, total in vectorProgress.update(done: done, total: total) }
                vectorProgress.finish()
                print("sentence vectors: \(embedded) entries embedded by \(embedder.modelID)")
            }
            print("index \(store.path): \(try store.count()) entries (\(String(format: "%.2f", monotonicSeconds() - started)) s)")
        }
    
        /// `--documents`: read, cut into passages, import mirroring the files, report.
        func indexDocuments() throws {
            let started = monotonicSeconds()
            var reading = ProgressLine(label: "reading files")
            let loaded = try DocumentFile.read(files.map { URL(fileURLWithPath: $0).standardizedFileURL.path }) { reading.update(done: $0, total: $1) }
            reading.finish()
            for problem in loaded.problems.prefix(20) { Diagnostics.warning(problem) }
            if loaded.problems.count > 20 { Diagnostics.warning("… and \(loaded.problems.count - 20) more problems") }
            guard !loaded.documents.isEmpty else { throw CLIError.usage("no document with text in \(files.joined(separator: ", ")); nothing indexed") }
            let store = try database.open(create: true)
            var progress = ProgressLine(label: "indexing documents")
            let summary = try store.importDocuments(DocumentFile.passages(of: loaded.documents)) { done, total in progress.update(done: done, total: total) }
            progress.finish()
            let seconds = monotonicSeconds() - started
            print("documents: \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.removed) removed; \(summary.passages) passages written"
                  + (summary.passages > 0 ? String(format: " (%.0f passages/s)", Double(summary.passages) / max(seconds, 1e-9)) : ""))
            print(String(format: "index %@: %d documents (%.2f s)", store.path, try store.documents().count, seconds))
        }
    }
}
