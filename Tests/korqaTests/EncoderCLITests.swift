import Foundation
import Testing

@Suite struct EncoderCommandTests {
    /// Train a tiny sentence encoder, embed an index with it, search it densely, score STS; and
    /// the errors a user meets on the way.
    @Test func sentenceVectorsEndToEnd() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let sentences = ["배송은 얼마나 걸려요", "배송 기간이 궁금해요", "환불하고 싶어요", "환불 신청은 어떻게", "비밀번호를 잊었어요", "비밀번호 찾기",
                         "주문을 취소할래요", "주문 취소 방법"]
        var sts = "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\n"
        for i in stride(from: 0, to: sentences.count, by: 2) {
            sts += "main\tx\t2020\t\(i)\t4.5\t\(sentences[i])\t\(sentences[i + 1])\n"
            sts += "main\tx\t2020\t\(i + 1)\t0.5\t\(sentences[i])\t\(sentences[(i + 2) % sentences.count])\n"
        }
        try sts.write(toFile: d + "/sts.tsv", atomically: true, encoding: .utf8)
        let train = try korqa(["train", "sentence-encoder", "--korsts", d + "/sts.tsv", "--dev", d + "/sts.tsv", "--korsts-minimum-score", "4",
                               "--embed", "8", "--hidden", "8", "--layers", "1", "--epochs", "1", "--batch-size", "2", "--threads", "1", "--out", d + "/s"])
        #expect(train.status == 0 && train.out.contains("KorSTS dev Spearman"), "\(train.err)")
        let eval = try korqa(["eval", "sts", d + "/sts.tsv", "--model", d + "/s", "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(eval.out.utf8)) as? [String: Any]
        #expect(eval.status == 0 && report?["pairs"] as? Int == 8 && report?["spearman_x100"] is Double, "\(eval.err)")

        try "question,answer\n배송은 얼마나 걸려요,이틀\n환불하고 싶어요,주문 내역에서\n".write(toFile: d + "/faq.csv", atomically: true, encoding: .utf8)
        #expect(try korqa(["index", d + "/faq.csv", "--db", d + "/f.sqlite"]).status == 0)
        // Not embedded yet: refused, with how to fix it.
        let refused = try korqa(["ask", "배송 기간", "--db", d + "/f.sqlite", "--mode", "hybrid", "--sentence-encoder", d + "/s"])
        #expect(refused.status != 0 && refused.err.contains("no sentence vector") && refused.err.contains("korqa index --sentence-encoder"), "\(refused.err)")
        let needsEncoder = try korqa(["ask", "배송 기간", "--db", d + "/f.sqlite", "--mode", "dense", "--sentence-encoder", "none"])
        #expect(needsEncoder.status != 0 && needsEncoder.err.contains("--mode dense needs sentence vectors"), "\(needsEncoder.err)")
        let embed = try korqa(["index", "--sentence-encoder", d + "/s", "--db", d + "/f.sqlite"])
        #expect(embed.status == 0 && embed.out.contains("sentence vectors: 2 entries embedded"), "\(embed.err)")
        let ask = try korqa(["ask", "배송 기간", "--db", d + "/f.sqlite", "--mode", "dense", "--sentence-encoder", d + "/s", "--json", "--top", "2"])
        let results = (try JSONSerialization.jsonObject(with: Data(ask.out.utf8)) as? [String: Any])?["results"] as? [[String: Any]]
        #expect(ask.status == 0 && results?.count == 2 && results?.allSatisfy { $0["similarity"] is Double } == true, "\(ask.err)")
        // Pre-training refuses a corpus that is not there, naming it.
        let noCorpus = try korqa(["train", "encoder", "--corpus", d + "/nothing", "--out", d + "/e"])
        #expect(noCorpus.status != 0 && noCorpus.err.contains("\(d)/nothing"), "\(noCorpus.err)")
    }
}
