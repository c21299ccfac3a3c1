import Foundation
import Testing

/// Runs `korqa` with arguments and standard input; returns (stdout, stderr, exit status).
func korqa(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:], executable: String? = nil,
           removing removed: [String] = []) throws -> (out: String, err: String, status: Int32) {
    let process = Process()
    process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Bundle.main.bundleURL.appendingPathComponent("korqa")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    for k in removed { env[k] = nil }
    process.environment = env
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    // korqa may stop reading early (an error on a long line): a closed pipe is then an answer,
    // not a reason for the test process to die of SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    try process.run()
    try? stdin.fileHandleForWriting.write(contentsOf: input)
    try? stdin.fileHandleForWriting.close()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), process.terminationStatus)
}

func scratchDirectory() -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-cli-\(UUID())").path
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

@Suite struct TextCommandTests {
    @Test func normalizeArgumentsAndStreamingStdin() throws {
        let r = try korqa(["normalize", "ＡＢＣ  ㈜한국어", "ㅋㅋㅋㅋ"])
        #expect(r.out == "ABC (주)한국어\nㅋㅋㅋㅋ\n" && r.status == 0)
        let piped = try korqa(["normalize", "--squash-repeats", "2", "--compose-jamo"], input: Data("ㅎㅏㅎㅏㅎㅏ ㅋㅋㅋ\r\n\n한\u{3000}국\n".utf8))
        #expect(piped.out == "하하 ㅋㅋ\n\n한 국\n")
    }

    @Test func invalidUTF8IsReplacedAndReported() throws {
        let r = try korqa(["normalize"], input: Data([0x41, 0x0A, 0xFF, 0x42, 0x0A]))
        #expect(r.out == "A\n\u{FFFD}B\n" && r.status == 0)
        #expect(r.err.contains("line 2: invalid UTF-8"))
    }

    @Test func tokenizeJSONOffsetsSliceTheOriginal() throws {
        let line = "  서울에서 ㈜ＫＱ"
        let r = try korqa(["tokenize", "--unit", "word", "--json", line])
        let tokens = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [[String: Any]]
        let scalars = Array(line.unicodeScalars)
        #expect(tokens.map { $0["text"] as! String } == ["서울에서", "(", "주", ")", "KQ"])
        let first = tokens[0]
        let slice = String(String.UnicodeScalarView(scalars[(first["start"] as! Int)..<(first["end"] as! Int)]))
        #expect(slice == "서울에서")
    }

    @Test func badOptionsExplainThemselves() throws {
        let r = try korqa(["tokenize", "--unit", "morpheme", "x"])
        #expect(r.status != 0 && r.err.contains("morpheme"))
        let s = try korqa(["normalize", "--squash-repeats", "0", "x"])
        #expect(s.status != 0 && s.err.contains("--squash-repeats must be at least 1"))
        let help = try korqa(["tokenize", "--help"])
        #expect(help.out.contains("Examples:") && help.out.contains("--unit"))
    }
}

@Suite struct FAQCommandTests {
    @Test func indexAskAndChatOverOwnFile() throws {
        let dir = scratchDirectory()
        let csv = dir + "/shop.csv"
        try "질문,답변,분류\n배송은 얼마나 걸리나요?,보통 2~3일 걸립니다.,배송\n환불하고 싶어요,주문 내역에서 환불을 신청하세요.,환불\n,빈 질문,x\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let db = dir + "/shop.sqlite"
        let indexed = try korqa(["index", csv, "--db", db])
        #expect(indexed.status == 0 && indexed.out.contains("2 added"))
        #expect(indexed.err.contains("\(csv):4: empty question"))

        let strict = try korqa(["index", csv, "--db", dir + "/strict.sqlite", "--strict"])
        #expect(strict.status != 0 && strict.err.contains("nothing was imported"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/strict.sqlite"))

        let ask = try korqa(["ask", "배송 얼마나 걸려요", "--db", db, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(ask.out.utf8)) as! [String: Any]
        let results = object["results"] as! [[String: Any]]
        #expect(object["query"] as? String == "배송 얼마나 걸려요")
        #expect(results.first?["answer"] as? String == "보통 2~3일 걸립니다.")
        #expect(object["low_confidence"] as? Bool == false)

        let chat = try korqa(["chat", "--db", db], input: Data("환불 신청\n/top 2\n/nonsense\n/quit\n배송\n".utf8))
        #expect(chat.status == 0)
        #expect(chat.out.contains("주문 내역에서 환불을 신청하세요."))
        #expect(chat.out.contains("답을 2개까지 보여 줄게요") && chat.out.contains("모르는 명령이에요: /nonsense"))
        let english = try korqa(["chat", "--db", db, "--lang", "en"], input: Data("/top 2\n/nonsense\n".utf8))
        #expect(english.out.contains("showing the 2 best answers") && english.out.contains("unknown command /nonsense"))
        // --json: one object per line, the route and the scores the decision used.
        let json = try korqa(["chat", "--db", db, "--json"], input: Data("환불하고 싶어요\n요약해 줘\n".utf8))
        let lines = json.out.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 2 && lines[0]["route"] as? String == "faq" && lines[1]["route"] as? String == "summary", "\(json.out)")
        #expect((lines[0]["scores"] as? [String: Any])?["answer_threshold"] as? Double == 0.37 && (lines[0]["intent"] as? [String: Any])?["name"] != nil)
        #expect(!chat.out.contains("보통 2~3일"))  // after /quit nothing is answered

        let missing = try korqa(["ask", "x", "--db", dir + "/none.sqlite"])
        #expect(missing.status != 0 && missing.err.contains("korqa index FILE --db"))
    }

    @Test func defaultIndexIsBuiltFromTheBundledFAQ() throws {
        let home = scratchDirectory()
        let r = try korqa(["ask", "KorQA는 어떻게 설치하나요?"], environment: ["XDG_DATA_HOME": home])
        #expect(r.status == 0 && r.out.contains("make chat"))
        #expect(r.err.contains("building the FAQ index \(home)/korqa/faq.sqlite"))
        #expect(FileManager.default.fileExists(atPath: home + "/korqa/faq.sqlite"))
        let again = try korqa(["ask", "KorQA가 뭐예요?"], environment: ["XDG_DATA_HOME": home])
        #expect(!again.err.contains("building"))  // reused
    }

    /// `make install`'s layout (PREFIX/bin/korqa beside PREFIX/share/korqa/{faq,resources}): the
    /// installed korqa finds its files from any folder, with no KORQA_HOME.
    @Test func installedLayoutFindsItsFiles() throws {
        let prefix = scratchDirectory(), home = scratchDirectory()
        let manager = FileManager.default
        try manager.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: prefix + "/share/korqa", withIntermediateDirectories: true)
        try manager.copyItem(atPath: Bundle.main.bundleURL.appendingPathComponent("korqa").path, toPath: prefix + "/bin/korqa")
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        try manager.copyItem(atPath: checkout + "/faq", toPath: prefix + "/share/korqa/faq")
        let r = try korqa(["ask", "KorQA는 무엇인가요?"], environment: ["XDG_DATA_HOME": home], executable: prefix + "/bin/korqa", removing: ["KORQA_HOME"])
        #expect(r.status == 0 && r.out.contains("한국어 자연어 이해"), "\(r.err)")
        #expect(r.err.contains("building the FAQ index \(home)/korqa/faq.sqlite from 2 bundled file(s)"), "\(r.err)")
        // No resources/ installed: the intent model is missing, and the message says where korqa looked.
        let intent = try korqa(["intent", "안녕"], executable: prefix + "/bin/korqa", removing: ["KORQA_HOME"])
        #expect(intent.status != 0 && intent.err.contains("resources/intent-3i4k") && intent.err.contains("\(prefix)/share/korqa"), "\(intent.err)")
    }
}

@Suite struct IntentCommandTests {
    /// The shipped model answers from a fresh process: labels as in 3i4k, readable names.
    @Test func shippedModelClassifies() throws {
        let r = try korqa(["intent", "--json", "창문 좀 닫아 줘", "오늘 날씨가 좋다", "지금 몇 시야"])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.map { $0["name"] as! String } == ["command", "statement", "question"])
        #expect(lines.map { $0["label"] as! String } == ["3", "1", "2"])
        #expect(lines.allSatisfy { ($0["probability"] as! Double) > 0.5 })
    }

    @Test func missingModelIsExplained() throws {
        let r = try korqa(["intent", "--model", "/nonexistent/model", "x"])
        #expect(r.status != 0 && r.err.contains("korqa train intent"))
    }
}
