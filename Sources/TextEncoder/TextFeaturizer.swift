import Hangul
import NeuralCore
import WordVectors

/// The one path from text to the encoder's input: normalize (repeats cut to three), syllable
/// tokens with offsets into the original, syllable + jamo ids, and each syllable's word vector.
public struct TextFeaturizer: Sendable {
    public let vocabulary: Vocabulary
    public let wordVectors: SubwordVectors?
    static let normalizer = Normalizer(options: .init(squashRepeats: 3))

    public init(vocabulary: Vocabulary, wordVectors: SubwordVectors?) {
        self.vocabulary = vocabulary
        self.wordVectors = wordVectors
    }

    /// Syllable tokens of `text`, [start, end) code points into the original.
    public static func tokens(_ text: String) -> [Token] { SyllableTokenizer().tokenize(normalizer.normalize(text)) }

    /// A padded batch of the first `maxLength` syllables of each text, and the tokens used.
    public func input(_ texts: [String], maxLength: Int = 512) -> (TextEncoder.Input, tokens: [[Token]]) {
        let tokens = texts.map { Array(Self.tokens($0).prefix(maxLength)) }
        let ids = PaddedIDs(tokens.map { SyllableIDs($0.map(\.text), vocabulary: vocabulary).channels }, channelCount: 4)
        var vectors: Tensor?
        if let wordVectors {
            let B = tokens.count, T = ids.mask.maxLength, W = wordVectors.dimension
            var data = [Float](repeating: 0, count: B * T * W)
            for (b, sequence) in tokens.enumerated() where !sequence.isEmpty {
                let rows = wordVectors.tokenVectors(sequence[...])
                data.withUnsafeMutableBufferPointer { ($0.baseAddress! + b * T * W).update(from: rows, count: rows.count) }
            }
            vectors = Tensor(shape: [B, T, W], data: data)
        }
        return (TextEncoder.Input(ids: ids, wordVectors: vectors), tokens)
    }
}
