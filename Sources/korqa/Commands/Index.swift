import ArgumentParser
import FAQRetrieval
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

            Examples:
              korqa index my_faq.csv
              korqa index faq.csv more.jsonl --db shop.sqlite --strict
              korqa index faq.csv --replace        # rebuild the index from this file only
            """
        )

        @Argument(help: "FAQ files to index.") var files: [String]
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Fail on any bad row, writing nothing.") var strict = false
        @Flag(help: "Remove everything in the index first (rebuild from these files).") var replace = false

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("name at least one FAQ file to index.") }
        }

        func run() throws {
            let started = monotonicSeconds()
            var parsed: [FAQFile] = []
            for file in files {
                let faq = try FAQFile.read(path: file)
                if strict && !faq.problems.isEmpty { throw FAQError.badRows(path: file, problems: faq.problems) }
                if faq.rows.isEmpty && faq.problems.isEmpty { throw FAQError.emptyFile(path: file) }
                parsed.append(faq)
            }
            let store: FAQStore
            if database.path == nil {
                // The default index starts from the bundled FAQ, then holds the user's files too.
                store = try database.open()
            } else {
                store = try FAQStore(path: database.resolvedPath)
            }
            var progress = ProgressLine(label: "indexing")
            let summaries = try store.importSources(
                parsed.map { (URL(fileURLWithPath: $0.path).standardizedFileURL.path, $0.rows) },
                replaceAll: replace) { done, total in progress.update(done: done, total: total) }
            progress.finish()
            for (file, summary) in zip(parsed, summaries) {
                for problem in file.problems.prefix(20) { Diagnostics.warning("\(problem); row skipped") }
                if file.problems.count > 20 { Diagnostics.warning("… and \(file.problems.count - 20) more bad rows in \(file.path)") }
                print("\(file.path): \(file.rows.count) rows — \(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged, \(summary.removed) removed; \(file.problems.count) bad rows skipped")
            }
            print("index \(store.path): \(try store.count()) entries (\(String(format: "%.2f", monotonicSeconds() - started)) s)")
        }
    }
}
