/// Command-line spellings of library field names.
enum FlagName {
    /// `batchSize` → `--batch-size`: the flag of a configuration field whose name the flag
    /// mirrors (swift-argument-parser's own conversion).
    static func of(_ field: String) -> String {
        var flag = "--"
        for character in field {
            if character.isUppercase { flag += "-" + character.lowercased() } else { flag.append(character) }
        }
        return flag
    }
}
