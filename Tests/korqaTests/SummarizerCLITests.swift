import Foundation
import Testing

@Suite struct SummarizerCommandTests {
    static let article = """
        고양이는 작은 육식 동물이다. 오늘 주식 시장은 크게 하락했다. 고양이는 작고 귀여운 동물이라 인기가 많다.
        많은 사람이 고양이를 반려 동물로 키운다. 가격은 3.5% 올랐다.
        """

    /// Extractive summaries from arguments, a file and standard input; --json offsets slice the
    /// input; errors name what is wrong.
    @Test func extractiveSummariesAndTheirOffsets() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try Self.article.write(toFile: d + "/a.txt", atomically: true, encoding: .utf8)
        let plain = try korqa(["summarize", "--file", d + "/a.txt", "--sentences", "2"])
        #expect(plain.status == 0 && !plain.out.contains("주식") && plain.out.contains("고양이"), "\(plain)")
        let piped = try korqa(["summarize", "--sentences", "2"], input: Data(Self.article.utf8))
        #expect(piped.out == plain.out)
        let json = try korqa(["summarize", "--json", "--sentences", "2", Self.article])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(object["mode"] as? String == "extractive" && object["input_sentences"] as? Int == 5)
        let sentences = try #require(object["sentences"] as? [[String: Any]])
        let scalars = Array(Self.article.unicodeScalars)
        #expect(sentences.count == 2)
        for s in sentences {
            let start = s["start"] as! Int, end = s["end"] as! Int
            #expect(String(String.UnicodeScalarView(scalars[start..<end])) == s["text"] as? String)
        }
        let empty = try korqa(["summarize", "  "])
        #expect(empty.status != 0 && empty.err.contains("no text to summarize"), "\(empty.err)")
        let zero = try korqa(["summarize", "--sentences", "0", "글"])
        #expect(zero.status != 0 && zero.err.contains("--sentences must be at least 1"))
        let missing = try korqa(["summarize", "--file", d + "/nope.txt"])
        #expect(missing.status != 0 && missing.err.contains("nope.txt") && missing.err.contains("no such file"), "\(missing.err)")
        let noModel = try korqa(["summarize", "--mode", "abstractive", "--model", d, "오늘 날씨 알려줘"])
        #expect(noModel.status != 0 && noModel.err.contains("not a summarizer model folder"), "\(noModel.err)")
    }

    /// Train a tiny abstractive model on a TSV with a bad line (reported by number), summarize
    /// with it, and score it on a sae4K-format file.
    @Test func trainAndUseAnAbstractiveModel() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let places = ["서울", "부산", "대구", "인천", "광주", "대전"], days = ["오늘", "내일", "모레"]
        var lines: [String] = []
        for p in places { for day in days { lines.append("\(day) \(p) 날씨 알려줘\t\(day) \(p) 날씨\t0") } }
        try (lines.joined(separator: "\n") + "\n틀린 줄\n").write(toFile: d + "/pairs.tsv", atomically: true, encoding: .utf8)
        let train = try korqa(["train", "summarizer", "--train", d + "/pairs.tsv", "--embed", "8", "--hidden", "8", "--layers", "1",
                               "--decoder-hidden", "8", "--attention", "8", "--epochs", "1", "--batch-size", "4", "--threads", "1",
                               "--out", d + "/m"])
        #expect(train.status == 0 && train.out.contains("validation ROUGE-L"), "\(train.err)")
        #expect(train.err.contains("line \(lines.count + 1): expected source<TAB>target"), "\(train.err)")
        #expect(FileManager.default.fileExists(atPath: d + "/m/model.safetensors") && FileManager.default.fileExists(atPath: d + "/m/training/metrics.jsonl"))
        let summary = try korqa(["summarize", "--model", d + "/m", "--mode", "abstractive", "--json", "오늘 서울 날씨 알려줘"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.out.utf8)) as? [String: Any], "\(summary.err)")
        #expect(object["mode"] as? String == "abstractive" && object["text"] is String && object["truncated"] as? Bool == false)
        let eval = try korqa(["eval", "summarizer", "--sae4k", d + "/pairs.tsv", "--model", d + "/m", "--beam", "1"])
        #expect(eval.status == 0 && eval.out.contains("copy the utterance") && eval.out.contains("KorQA abstractive"), "\(eval.err)")
        let nothing = try korqa(["train", "summarizer", "--out", d + "/x"])
        #expect(nothing.status != 0 && nothing.err.contains("--train"), "\(nothing.err)")
        let resume = try korqa(["train", "summarizer", "--train", d + "/pairs.tsv", "--out", d + "/none", "--resume"])
        #expect(resume.status != 0 && resume.err.contains("resume"), "\(resume.err)")
    }
}

@Suite struct LatentSpaceCommandTests {
    /// With the shipped word vectors and word list: neighbours, an analogy, a map; and errors.
    @Test func similarAnalogyAndPlot() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let similar = try korqa(["similar", "대통령", "--top", "3", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(similar.out.utf8)) as? [String: Any], "\(similar.err)")
        let neighbours = try #require(object["neighbours"] as? [[String: Any]])
        #expect(neighbours.count == 3 && neighbours.allSatisfy { ($0["cosine"] as? Double ?? 0) > 0.5 })
        let analogy = try korqa(["analogy", "남자", "왕", "여자", "--top", "10"])
        #expect(analogy.status == 0 && analogy.out.contains("여왕"), "\(analogy.out)\(analogy.err)")
        let plot = try korqa(["plot", "--words", "서울", "부산", "사과", "포도", "--out", d + "/w.svg"])
        let svg = try String(contentsOfFile: d + "/w.svg", encoding: .utf8)
        #expect(plot.status == 0 && svg.contains("부산"), "\(plot.err)")
        let sentence = try korqa(["similar", "택배 언제 와요"])
        #expect(sentence.status != 0 && sentence.err.contains("--sentence-encoder"))
        let badWords = try korqa(["analogy", "남자", "왕"])
        #expect(badWords.status != 0 && badWords.err.contains("three words"))
        let noList = try korqa(["similar", "대통령", "--words", d + "/none.txt"])
        #expect(noList.status != 0 && noList.err.contains("none.txt"), "\(noList.err)")
    }
}

@Suite struct DocumentCommandTests {
    /// Index a folder of documents, answer from them with the shipped reader (title, file and
    /// offsets into the document), list and remove them; errors name what is wrong.
    @Test func indexAskListRemove() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try FileManager.default.createDirectory(atPath: d + "/docs", withIntermediateDirectories: true)
        let text = "# 지미 카터\n\n지미 카터는 1924년 10월 1일 조지아주 플레인스에서 태어났다. 그는 미국의 제39대 대통령이다.\n"
        try text.write(toFile: d + "/docs/carter.md", atomically: true, encoding: .utf8)
        try "{\"title\": \"서울\", \"text\": \"서울은 대한민국의 수도이다.\"}\n".write(toFile: d + "/docs/more.jsonl", atomically: true, encoding: .utf8)
        let index = try korqa(["index", "--documents", d + "/docs", "--db", d + "/x.sqlite"])
        #expect(index.status == 0 && index.out.contains("2 added"), "\(index.err)")
        let ask = try korqa(["ask", "--documents", "지미 카터는 몇 대 대통령이야?", "--db", d + "/x.sqlite", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ask.out.utf8)) as? [String: Any], "\(ask.err)")
        let answer = try #require((object["answers"] as? [[String: Any]])?.first)
        #expect(answer["title"] as? String == "지미 카터" && (answer["path"] as? String)?.hasSuffix("carter.md") == true)
        let scalars = Array(text.unicodeScalars), start = answer["start"] as! Int, end = answer["end"] as! Int
        #expect(String(String.UnicodeScalarView(scalars[start..<end])) == answer["text"] as? String)
        // The chat routes a question its documents answer to them (no FAQ entry matches).
        let chat = try korqa(["chat", "--db", d + "/x.sqlite", "--json"], input: Data("지미 카터는 몇 대 대통령이야?\n".utf8))
        let reply = try #require(try JSONSerialization.jsonObject(with: Data(chat.out.utf8)) as? [String: Any], "\(chat.err)")
        #expect(reply["route"] as? String == "documents" && (reply["message"] as? String)?.contains("지미 카터") == true, "\(chat.out)")
        let list = try korqa(["documents", "list", "--db", d + "/x.sqlite"])
        #expect(list.out.contains("2 documents"))
        let remove = try korqa(["documents", "remove", d + "/docs/more.jsonl", "--db", d + "/x.sqlite"])
        #expect(remove.status == 0 && remove.out.contains("1 documents removed"), "\(remove.err)")
        let again = try korqa(["documents", "remove", d + "/docs/more.jsonl", "--db", d + "/x.sqlite"])
        #expect(again.status != 0 && again.err.contains("no document"))
        let missing = try korqa(["index", "--documents", d + "/nowhere", "--db", d + "/x.sqlite"])
        #expect(missing.status != 0 && missing.err.contains("nowhere"))
    }
    /// `eval open-qa` answers KorQuAD questions from an indexed collection (never from their own
    /// paragraph), reports recall, EM/F1 and seconds, writes per-question results; flag mistakes
    /// are named.
    @Test func evalOpenQA() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let squad = #"{"version": "test", "data": [{"title": "지미 카터", "paragraphs": [{"context": "지미 카터는 1924년 10월 1일 조지아주 플레인스에서 태어났다. 그는 미국의 제39대 대통령이다.", "qas": [{"id": "q1", "question": "지미 카터는 몇 대 대통령인가?", "answers": [{"text": "제39대", "answer_start": 45}]}, {"id": "q2", "question": "지미 카터가 태어난 곳은?", "answers": [{"text": "조지아주 플레인스", "answer_start": 20}]}]}]}]}"#
        try squad.write(toFile: d + "/qa.json", atomically: true, encoding: .utf8)
        try "{\"title\": \"서울\", \"text\": \"서울은 대한민국의 수도이다. 한강이 흐른다.\"}\n".write(toFile: d + "/more.jsonl", atomically: true, encoding: .utf8)
        let index = try korqa(["index", "--documents", d + "/qa.json", d + "/more.jsonl", "--db", d + "/x.sqlite"])
        #expect(index.status == 0, "\(index.err)")
        let run = try korqa(["eval", "open-qa", d + "/qa.json", "--db", d + "/x.sqlite", "--results", d + "/r.jsonl", "--calibrate", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any], "\(run.err)")
        let report = try #require(object["report"] as? [String: Any])
        #expect(report["questions"] as? Int == 2 && (report["recall"] as? [String: Double])?["1"] == 1, "\(run.out)")
        #expect((report["f1"] as? Double ?? -1) > 50 && (report["p50_seconds"] as? Double ?? -1) > 0, "\(run.out)")
        #expect(object["fitted_scoring"] != nil && object["cross_fitted"] != nil)
        let lines = try String(contentsOfFile: d + "/r.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[0].contains("\"gold_rank\":1"))
        let unpaired = try korqa(["eval", "open-qa", d + "/qa.json", "--db", d + "/x.sqlite", "--fold", "2"])
        #expect(unpaired.status != 0 && unpaired.err.contains("--fold-file"))
        let noResults = try korqa(["eval", "open-qa", "x", "--rescore", d + "/none.jsonl"])
        #expect(noResults.status != 0 && noResults.err.contains("none.jsonl") && !noResults.err.contains("NSCocoaErrorDomain"), "\(noResults.err)")
        let rescored = try korqa(["eval", "open-qa", "x", "--rescore", d + "/r.jsonl", "--unanswerable", d + "/r.jsonl", "--calibrate"])
        #expect(rescored.status == 0 && rescored.out.contains("unanswerable"), "\(rescored.err)")
        let noIndex = try korqa(["eval", "open-qa", d + "/qa.json", "--db", d + "/none.sqlite"])
        #expect(noIndex.status != 0 && noIndex.err.contains("none.sqlite"))
    }
    /// A `kill -9` in the middle of a large document import leaves the previous index as it was:
    /// the same documents listed, the same answer found.
    @Test func killDuringDocumentImportKeepsThePreviousIndex() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "{\"title\": \"지미 카터\", \"text\": \"지미 카터는 미국의 제39대 대통령이다.\"}\n".write(toFile: d + "/small.jsonl", atomically: true, encoding: .utf8)
        #expect(try korqa(["index", "--documents", d + "/small.jsonl", "--db", d + "/x.sqlite"]).status == 0)
        let before = try korqa(["documents", "list", "--db", d + "/x.sqlite", "--json"]).out
        // ~40k documents: long enough to be killed mid-import.
        var big = ""
        for i in 0..<40_000 { big += "{\"title\": \"문서 \(i)\", \"text\": \"문서 \(i)번은 서울과 부산과 대구의 날씨를 설명한다. 오늘은 맑고 내일은 비가 온다.\"}\n" }
        try big.write(toFile: d + "/big.jsonl", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Bundle.main.bundleURL.appendingPathComponent("korqa")
        process.arguments = ["index", "--documents", d + "/big.jsonl", "--db", d + "/x.sqlite"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the import is writing (its write-ahead log grows), then kill it.
        func walSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: d + "/x.sqlite-wal"))?[.size] as? Int) ?? 0 }
        while process.isRunning && walSize() < 4_000_000 { usleep(10_000) }
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(wasRunning && process.terminationReason == .uncaughtSignal, "the import finished before it could be killed")
        #expect(try korqa(["documents", "list", "--db", d + "/x.sqlite", "--json"]).out == before)
        let ask = try korqa(["ask", "--documents", "카터는 몇 대 대통령이야?", "--db", d + "/x.sqlite", "--json"])
        #expect(ask.status == 0 && ask.out.contains("지미 카터"), "\(ask.err)")
    }
}

@Suite struct ServeCommandTests {
    /// `korqa serve` listens, answers over HTTP, and stops cleanly on SIGTERM; bad flags are named.
    @Test func servesAndStopsOnSIGTERM() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try "question,answer\n배송은 얼마나 걸려요?,보통 2~3일 걸립니다.\n".write(toFile: d + "/faq.csv", atomically: true, encoding: .utf8)
        #expect(try korqa(["index", d + "/faq.csv", "--db", d + "/x.sqlite", "--sentence-encoder", "none"]).status == 0)
        let port = Int.random(in: 20_000..<60_000)
        let process = Process()
        process.executableURL = Bundle.main.bundleURL.appendingPathComponent("korqa")
        process.arguments = ["serve", "--port", String(port), "--db", d + "/x.sqlite"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // curl (Debian's) stands in for a front end; retried while the models load.
        func curl(_ arguments: [String]) throws -> String {
            let c = Process(), out = Pipe()
            c.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            c.arguments = ["-s", "--max-time", "20"] + arguments
            c.standardOutput = out
            try c.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            c.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        var health = ""
        for _ in 0..<120 where !health.contains("ok") {
            health = try curl(["http://127.0.0.1:\(port)/healthz"])
            if !health.contains("ok") { usleep(250_000) }
        }
        #expect(health.contains("\"ok\""), "the server did not answer /healthz")
        let ask = try curl(["-H", "Content-Type: application/json", "-d", #"{"question": "배송 얼마나 걸려요"}"#, "http://127.0.0.1:\(port)/v1/ask"])
        #expect(ask.contains("2~3일"), "\(ask)")
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        #expect(!process.isRunning && process.terminationStatus == 0, "serve did not stop on SIGTERM")
        let badPort = try korqa(["serve", "--port", "70000"])
        #expect(badPort.status != 0 && badPort.err.contains("--port"))
        let noToken = try korqa(["serve", "--db", d + "/x.sqlite", "--token-file", d + "/none"])
        #expect(noToken.status != 0 && noToken.err.contains("--token-file"), "\(noToken.err)")
        try "short\n".write(toFile: d + "/token", atomically: true, encoding: .utf8)
        let shortToken = try korqa(["serve", "--db", d + "/x.sqlite", "--token-file", d + "/token"])
        #expect(shortToken.status != 0 && shortToken.err.contains("at least 16"), "\(shortToken.err)")
    }
}
