import QAEngine

/// Where this `korqa` finds its shipped files and keeps the user's (see `KorQAHome.standard`).
enum Home {
    static let current = KorQAHome.standard(executable: CommandLine.arguments[0])
}
