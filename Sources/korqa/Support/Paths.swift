import Foundation

/// Where KorQA keeps user data and finds the files it ships with.
enum Paths {
    /// $XDG_DATA_HOME/korqa, or ~/.local/share/korqa.
    static var dataDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/korqa" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/korqa"
    }

    /// The default FAQ index, shared by `index`, `ask` and `chat`.
    static var defaultDatabase: String { dataDirectory + "/faq.sqlite" }

    static var chatHistory: String { dataDirectory + "/chat_history" }

    /// The project's shipped folder `name` ("faq", "resources"): $KORQA_HOME/name, else the
    /// nearest ancestor of the executable that has it (a checkout's .build/release/korqa finds
    /// the checkout's), else /usr/local/share/korqa/name.
    static func shipped(_ name: String) -> String? {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["KORQA_HOME"] { candidates.append(home + "/" + name) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent(name).path)
            directory.deleteLastPathComponent()
        }
        candidates.append("/usr/local/share/korqa/" + name)
        return candidates.first { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue }
    }

    /// The FAQ files shipped in faq/ (CSV, TSV, JSON, JSON lines), in name order.
    static func bundledFAQFiles() -> [String] {
        guard let directory = shipped("faq"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let formats: Set = ["csv", "tsv", "json", "jsonl"]
        return names.filter { formats.contains(($0 as NSString).pathExtension.lowercased()) }.sorted().map { directory + "/" + $0 }
    }
}
