import Foundation
import GRDB
import Testing
@testable import FAQRetrieval

/// A deterministic embedder for tests: syllables hashed into 16 buckets, unit length; `synonyms`
/// maps words to others first, so dense search can find what shares no letters.
struct HashingEmbedder: SentenceEmbedder {
    var modelID = "hashing-16"
    var synonyms: [String: String] = [:]
    func vectors(_ texts: [String]) -> [[Float]] {
        texts.map { text in
            var mapped = text
            for (word, other) in synonyms { mapped = mapped.replacingOccurrences(of: word, with: other) }
            var v = [Float](repeating: 0, count: 16)
            for scalar in mapped.unicodeScalars where !scalar.properties.isWhitespace { v[Int(scalar.value % 16)] += 1 }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
    }
}

@Suite struct DenseSearchTests {
    static func store() throws -> FAQStore {
        let store = try FAQStore(path: ":memory:")
        try store.importRows([FAQRow(question: "비밀번호를 잊어버렸어요", answer: "재설정하세요"),
                              FAQRow(question: "환불은 어떻게 하나요", answer: "주문 내역에서"),
                              FAQRow(question: "배송은 얼마나 걸려요", answer: "이틀")], source: "faq.csv")
        return store
    }

    /// Blend fusion: weight 1 ranks as BM25 does, weight 0 as the cosines do, and the scores
    /// are the stated mix.
    @Test func blendFusionMixesNormalizedBM25AndCosine() throws {
        let store = try Self.store()
        let embedder = HashingEmbedder(synonyms: ["택배": "배송은"])
        try store.updateVectors(using: embedder)
        let query = "택배 환불"
        store.hybridFusion = .blend(lexicalWeight: 1)
        let lexicalOnly = try store.search(query, limit: 3, mode: .hybrid, embedder: embedder)
        let bm25 = try store.search(query, limit: 3)
        #expect(lexicalOnly.first?.id == bm25.first?.id && abs(lexicalOnly[0].score - 1) < 1e-12)
        store.hybridFusion = .blend(lexicalWeight: 0)
        let denseOnly = try store.search(query, limit: 3, mode: .hybrid, embedder: embedder)
        let dense = try store.search(query, limit: 3, mode: .dense, embedder: embedder)
        #expect(denseOnly.map(\.id) == dense.map(\.id))
        for r in denseOnly { #expect(abs(r.score - (r.similarity ?? -1)) < 1e-6) }
        store.hybridFusion = .blend(lexicalWeight: 0.5)
        for r in try store.search(query, limit: 3, mode: .hybrid, embedder: embedder) {
            let lexical = bm25.first { $0.id == r.id }.map { $0.score / bm25[0].score } ?? 0
            #expect(abs(r.score - (0.5 * lexical + 0.5 * (r.similarity ?? 0))) < 1e-6)
        }
    }

    @Test func vectorsAreStoredExactlyAndKeptCurrent() throws {
        let store = try Self.store()
        let embedder = HashingEmbedder()
        #expect(try store.updateVectors(using: embedder) == 3)
        #expect(try store.updateVectors(using: embedder) == 0)  // nothing changed
        #expect(try store.vectorCoverage(model: embedder.modelID) == (3, 3))
        // Stored bytes are the embedder's floats, bit for bit.
        let table = try store.vectorTable(model: embedder.modelID)
        let expected = embedder.vectors(["비밀번호를 잊어버렸어요", "환불은 어떻게 하나요", "배송은 얼마나 걸려요"]).flatMap { $0 }
        #expect(table.matrix == expected && table.dimension == 16)
        // A changed question is re-embedded; another model's vectors are replaced, never mixed.
        try store.importRows([FAQRow(question: "비밀번호 재설정", answer: "재설정하세요"), FAQRow(question: "환불은 어떻게 하나요", answer: "주문 내역에서"),
                              FAQRow(question: "배송은 얼마나 걸려요", answer: "이틀")], source: "faq.csv", replaceAll: true)
        #expect(try store.vectorCoverage(model: embedder.modelID).withVector < 3)
        #expect(throws: FAQError.self) { try store.search("비밀번호", limit: 1, mode: .dense, embedder: embedder) }
        #expect(try store.updateVectors(using: embedder) >= 1 && store.vectorCoverage(model: embedder.modelID) == (3, 3))
        let other = HashingEmbedder(modelID: "other")
        #expect(throws: FAQError.vectorsMissing(path: ":memory:", model: "other", missing: 3)) { try store.search("배송", limit: 1, mode: .hybrid, embedder: other) }
        #expect(try store.updateVectors(using: other) == 3 && store.vectorCoverage(model: embedder.modelID).withVector == 0)
    }

    @Test func denseFindsWhatSharesNoLettersAndHybridFusesBoth() throws {
        let store = try Self.store()
        let embedder = HashingEmbedder(synonyms: ["소포": "배송은", "언제 옴": "얼마나 걸려요"])
        try store.updateVectors(using: embedder)
        // "소포 언제 옴" shares no syllable with any question: lexical does not find the delivery entry.
        #expect(try store.search("소포 언제 옴", limit: 3, mode: .lexical, embedder: nil).first?.answer != "이틀")
        let dense = try store.search("소포 언제 옴", limit: 3, mode: .dense, embedder: embedder)
        #expect(dense.first?.answer == "이틀" && dense.first?.similarity.map { $0 > 0.99 } == true && dense.count == 3)
        #expect(dense.map(\.score) == dense.compactMap(\.similarity))  // dense ranks by cosine
        // Hybrid by reciprocal-rank fusion of both rankings (an entry first in both ranks first).
        store.hybridFusion = .reciprocalRank
        let hybrid = try store.search("비밀번호를 잊어버렸어요", limit: 3, mode: .hybrid, embedder: embedder)
        #expect(hybrid.first?.answer == "재설정하세요" && abs(hybrid[0].score - 2.0 / 61) < 1e-12 && hybrid[0].confidence == 1)
        // 3: 1/63 + 1/61 = 0.032266 > 2: 2/62 = 0.032258 > 1: 1/61.
        let fused = RankFusion.reciprocalRank([[1, 2, 3], [3, 2]])
        #expect(fused.map(\.id) == [3, 2, 1])
        // Lexical search is the old search, untouched.
        #expect(try store.search("환불", limit: 2, mode: .lexical, embedder: embedder) == store.search("환불", limit: 2))
    }
}
