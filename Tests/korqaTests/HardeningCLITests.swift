import Foundation
import Testing

/// The CLI's side of issue #26: errors that say what is wrong instead of traps, hangs, raw
/// Foundation errors or silent guesses.
@Suite struct HardeningCLITests {
    @Test func overlongLinesStopWithAnErrorAfterTheEarlierLines() throws {
        var input = Data("첫 줄\n".utf8)
        input.append(Data(repeating: UInt8(ascii: "a"), count: 1_200_000))
        let r = try korqa(["normalize", "--max-line-mib", "1"], input: input)
        #expect(r.status != 0 && r.err.contains("line 2 of standard input is longer than 1 MiB"), "\(r.err)")
        #expect(r.out == "첫 줄\n")
        let t = try korqa(["tokenize", "--max-line-mib", "1"], input: input)
        #expect(t.status != 0 && t.out == "첫 줄\n")
    }

    @Test func indexRefusesToWipeAndSaysNothingContradictory() throws {
        let dir = scratchDirectory()
        let good = dir + "/good.csv", bad = dir + "/bad.csv", db = dir + "/x.sqlite"
        try "question,answer\n배송은?,2일\n환불은?,내역에서\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "question,answer\n,빈 질문\n질문만,\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(try korqa(["index", good, "--db", db]).status == 0)
        let wipe = try korqa(["index", bad, "--db", db, "--replace"])
        #expect(wipe.status != 0 && wipe.err.contains("none of its 2 rows can be used") && wipe.err.contains("index is unchanged"), "\(wipe.err)")
        #expect(try korqa(["ask", "환불은?", "--db", db]).out.contains("내역에서"))
        #expect(try korqa(["ask", "배송은?", "--db", db]).out.contains("2일"))

        var bytes = Array("question,answer\n배송은?,2일\n나쁜 ".utf8); bytes.append(0xFF); bytes += Array("질문,답\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/utf8.csv"))
        let strict = try korqa(["index", dir + "/utf8.csv", "--db", db, "--strict"])
        #expect(strict.status != 0 && strict.err.contains("invalid UTF-8") && !strict.err.contains("row skipped"), "\(strict.err)")
        let lenient = try korqa(["index", dir + "/utf8.csv", "--db", db])
        #expect(lenient.status == 0 && lenient.err.components(separatedBy: "row skipped").count == 2, "\(lenient.err)")

        let folder = try korqa(["index", dir, "--db", db])
        #expect(folder.status != 0 && folder.err.contains("it is a folder, not a file"), "\(folder.err)")
    }

    @Test func trainingOutputAndResumeMistakesAreExplained() throws {
        let dir = scratchDirectory()
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        try "0\t안녕\n1\t가자\n".write(toFile: dir + "/t.tsv", atomically: true, encoding: .utf8)
        let onFile = try korqa(["train", "intent", "--train", dir + "/t.tsv", "--out", dir + "/file"])
        #expect(onFile.status != 0 && onFile.err.contains("exists and is not a folder"), "\(onFile.err)")
        let resume = try korqa(["train", "intent", "--train", dir + "/t.tsv", "--out", dir + "/empty", "--resume"])
        #expect(resume.status != 0 && resume.err.contains("no checkpoint to resume from"), "\(resume.err)")
        let reader = try korqa(["train", "reader", "--train", dir + "/t.tsv", "--out", dir + "/r", "--resume"])
        #expect(reader.status != 0 && reader.err.contains("no checkpoint to resume from"), "\(reader.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/empty") && !FileManager.default.fileExists(atPath: dir + "/r"))
    }

    @Test func malformedPredictionsAndMissingPassagesAreNamed() throws {
        let dir = scratchDirectory()
        try #"{"data": [{"title": "t", "paragraphs": [{"context": "서울은 수도다", "qas": [{"id": "a", "question": "수도는?", "answers": [{"text": "서울", "answer_start": 0}]}]}]}]}"#
            .write(toFile: dir + "/d.json", atomically: true, encoding: .utf8)
        try "{\"a\": \"서울\",".write(toFile: dir + "/p.json", atomically: true, encoding: .utf8)
        let r = try korqa(["eval", "korquad", dir + "/d.json", "--predictions", dir + "/p.json"])
        #expect(r.status != 0 && r.err.contains("not valid JSON (") && r.err.contains("p.json"), "\(r.err)")

        try "question,answer\n배송은?,2일\n".write(toFile: dir + "/f.csv", atomically: true, encoding: .utf8)
        #expect(try korqa(["index", dir + "/f.csv", "--db", dir + "/f.sqlite"]).status == 0)
        let chat = try korqa(["chat", "--db", dir + "/f.sqlite"], input: Data("/passage \(dir)/missing.txt\n/passage\n".utf8))
        #expect(chat.out.contains("그런 파일이 없어요: \(dir)/missing.txt") && chat.out.contains("지문이 없어요"), "\(chat.out)")
    }
}
