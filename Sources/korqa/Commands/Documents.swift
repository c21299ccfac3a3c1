import ArgumentParser
import FAQRetrieval
import Foundation

extension KorQA {
    struct Documents: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List or remove the documents of the index (korqa index --documents adds them).",
            discussion: """
            Examples:
              korqa documents list --db manual.sqlite
              korqa documents remove ~/manuals/old --db manual.sqlite   # a file, or every file under a folder
            """,
            subcommands: [List.self, Remove.self]
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The documents, with their passage counts.")
            @OptionGroup var database: DatabaseOptions
            @Flag(help: "Print one JSON object per document.") var json = false

            func run() throws {
                let documents = try database.open(quiet: json, readOnly: true).documents()
                for d in documents {
                    if json { print(try JSON.line(d)) } else { print("\(d.path)\(d.part > 0 ? "#\(d.part + 1)" : "")  \(d.title)  (\(d.passages) passages)") }
                }
                if !json { print("\(documents.count) documents, \(documents.reduce(0) { $0 + $1.passages }) passages") }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove the documents of a file, or of every file under a folder.")
            @Argument(help: "The file or folder, as it was indexed.") var path: String
            @OptionGroup var database: DatabaseOptions

            func run() throws {
                let full = URL(fileURLWithPath: path).standardizedFileURL.path
                let removed = try database.open().removeDocuments(path: full)
                guard removed > 0 else { throw CLIError.usage("no document of \(full) is in the index (see: korqa documents list)") }
                print("\(removed) documents removed")
            }
        }
    }
}
