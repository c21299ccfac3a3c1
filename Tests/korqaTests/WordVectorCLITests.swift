import Foundation
import Testing

@Suite struct WordVectorCommandTests {
    /// train word-vectors over WikiExtractor-style text (an excluded article left out) -> a
    /// reader trained with them -> read; --resume continues from the checkpoint.
    @Test func trainVectorsThenAReaderThatReadsThem() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let (main, extra) = try writeCapitalQA(to: d)
        try FileManager.default.createDirectory(atPath: d + "/wiki/AA", withIntermediateDirectories: true)
        var text = ""
        for (i, city) in ["서울", "파리", "도쿄", "베를린", "런던"].enumerated() {
            text += "<doc id=\"\(i)\" title=\"도시 \(i)\">\n도시 \(i)\n"
            text += String(repeating: "\(city)는 큰 도시이다. 사람들은 \(city)에 산다. 수도는 \(city)이다.\n", count: 20) + "</doc>\n"
        }
        text += "<doc id=\"9\" title=\"한국\">\n한국\n" + String(repeating: "빠져야 하는 문장이다.\n", count: 20) + "</doc>\n"
        try text.write(toFile: d + "/wiki/AA/wiki_00", atomically: true, encoding: .utf8)
        let vectors = d + "/wv.safetensors"
        let common = ["train", "word-vectors", "--corpus", d + "/wiki", "--exclude-titles-of", main, "--dimension", "8", "--min-count", "2",
                      "--out", vectors, "--probe", "서울"]
        let trained = try korqa(common + ["--epochs", "1"])
        #expect(trained.status == 0, "\(trained.err)")
        #expect(trained.err.contains("1 article(s) skipped"), "\(trained.err)")
        #expect(trained.out.hasPrefix("서울: ") && trained.out.contains("units × 8 written to"), "\(trained.out)")
        #expect(FileManager.default.fileExists(atPath: vectors) && FileManager.default.fileExists(atPath: vectors + ".checkpoint"))
        let resumed = try korqa(common + ["--epochs", "2", "--resume"])
        #expect(resumed.status == 0 && resumed.err.contains("resuming after epoch 1"), "\(resumed.err)")

        let model = d + "/reader"
        let reader = try korqa(["train", "reader", "--train", main, "--train", extra, "--no-holdout", "--epochs", "3",
                                "--word-vectors", vectors, "--out", model] + tinyReaderOptions)
        #expect(reader.status == 0, "\(reader.err)")
        #expect(FileManager.default.fileExists(atPath: model + "/word-vectors.safetensors"))
        let read = try korqa(["read", "--model", model, "--context", "한국의 수도는 서울이다.", "한국의 수도는?"])
        #expect(read.status == 0 && read.out.contains("score"), "\(read.err)")
    }

    @Test func wordVectorErrorsExplainThemselves() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let missing = try korqa(["train", "word-vectors", "--corpus", d + "/nothing"])
        #expect(missing.status != 0 && missing.err.contains("no such file or directory"), "\(missing.err)")
        try "한 줄\n".write(toFile: d + "/tiny.txt", atomically: true, encoding: .utf8)
        let noResume = try korqa(["train", "word-vectors", "--corpus", d + "/tiny.txt", "--out", d + "/v.safetensors", "--resume"])
        #expect(noResume.status != 0 && noResume.err.contains("no word-vector checkpoint at '\(d)/v.safetensors.checkpoint'") && noResume.err.contains("run without --resume"), "\(noResume.err)")
        let tooLittle = try korqa(["train", "word-vectors", "--corpus", d + "/tiny.txt", "--out", d + "/v.safetensors"])
        #expect(tooLittle.status != 0 && tooLittle.err.contains("lower the minimum count"), "\(tooLittle.err)")
        #expect(!FileManager.default.fileExists(atPath: d + "/v.safetensors"))
        let badVectors = try korqa(["train", "reader", "--train", d + "/tiny.txt", "--word-vectors", d + "/absent.safetensors"])
        #expect(badVectors.status != 0 && badVectors.err.contains("korqa train word-vectors"), "\(badVectors.err)")
    }
}
