import Foundation
import Testing
@testable import Hangul

@Suite struct JamoTests {
    @Test func allModernSyllablesRoundTrip() {
        var seen = Set<UInt32>()
        for value in Jamo.syllableBase..<(Jamo.syllableBase + Jamo.syllableCount) {
            let syllable = Unicode.Scalar(value)!
            let parts = Jamo.parts(of: syllable)!
            #expect(Jamo.syllable(parts) == syllable)
            let conjoining = Jamo.decompose(syllable)
            #expect(conjoining.count == (parts.final == 0 ? 2 : 3))
            #expect(Jamo.compose(conjoining: conjoining) == syllable)
            // Conjoining -> compatibility -> conjoining in the same position.
            let positions: [Jamo.Position] = [.initial, .medial, .final]
            for (jamo, position) in zip(conjoining, positions) {
                let compatibility = Jamo.compatibility(fromConjoining: jamo)!
                #expect(Jamo.isCompatibilityJamo(compatibility))
                #expect(Jamo.conjoining(fromCompatibility: compatibility, as: position) == jamo)
            }
            seen.insert(value)
        }
        #expect(seen.count == 11_172)
    }

    @Test func decompositionAgreesWithFoundationNFD() {
        // An independent implementation: Foundation's canonical decomposition.
        for value in Jamo.syllableBase..<(Jamo.syllableBase + Jamo.syllableCount) {
            let syllable = Unicode.Scalar(value)!
            let expected = Array(String(Character(syllable)).decomposedStringWithCanonicalMapping.unicodeScalars)
            #expect(Jamo.decompose(syllable) == expected)
        }
        #expect(Jamo.decompose("a") == ["a"])
    }

    @Test func rejectsWhatCannotStandThere() {
        #expect(Jamo.conjoining(fromCompatibility: "ㄸ", as: .final) == nil)
        #expect(Jamo.conjoining(fromCompatibility: "ㄳ", as: .initial) == nil)
        #expect(Jamo.conjoining(fromCompatibility: "ㅏ", as: .initial) == nil)
        #expect(Jamo.conjoining(fromCompatibility: "ㄱ", as: .medial) == nil)
        #expect(Jamo.compose(conjoining: ["\u{1100}"]) == nil)
        #expect(Jamo.parts(of: "A") == nil)
        #expect(Jamo.syllable(Jamo.Parts(initial: 19, medial: 0, final: 0)) == nil)
    }
}

