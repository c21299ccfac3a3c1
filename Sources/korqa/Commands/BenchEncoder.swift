import ArgumentParser
import Foundation
import Hangul
import NeuralCore
import TextEncoder

extension KorQA {
    struct BenchEncoder: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encoder",
            abstract: "Training speed of the shared encoder's language-model pre-training (tokens/s), on random ids.",
            discussion: """
            Trains the bidirectional language model `korqa train encoder` trains (syllable + jamo \
            embeddings, forward and backward LSTM stacks, sampled softmax, Adam) on a fixed batch \
            of random syllable ids for --seconds, after one warm-up step. bench/encoder.sh runs the \
            PyTorch peer of the same model beside it (bench/encoder_peer.py).

            Example:
              korqa bench encoder --threads 2 --json
            """
        )

        @Option(help: "Syllable vocabulary size.") var vocab = 6000
        @Option(help: "Embedding size.") var embed = 128
        @Option(help: "LSTM hidden size per direction.") var hidden = 192
        @Option(help: "LSTM layers per direction.") var layers = 2
        @Option(help: "Sequences per batch.") var batch = 32
        @Option(help: "Syllables per sequence.") var length = 128
        @Option(help: "Negatives per batch (sampled softmax).") var negatives = 512
        @Option(help: "Threads (2 runs the two directions side by side).") var threads = 1
        @Option(help: "Seconds to measure.") var seconds = 10.0
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            Parallelism.configure(threads: threads)
            var config = TextEncoderConfig(vocabularySize: vocab)
            config.embeddingSize = embed; config.hiddenSize = hidden; config.layers = layers; config.dropout = 0.1
            let vocabulary = Vocabulary.build(from: (0..<vocab).map { String(UnicodeScalar(0xAC00 + $0)!) })
            let model = BiLanguageModel(config: config, featurizer: TextFeaturizer(vocabulary: vocabulary, wordVectors: nil),
                                        counts: (0..<vocab).map { vocab - $0 }, negatives: negatives, maxLength: length, seed: 1)
            var random = SeededRandom(seed: 7)
            let sequences = (0..<batch).map { _ -> [[Int32]] in
                let syllables = (0..<length).map { _ in Int32(random.next() % UInt64(vocab)) }
                let jamo = { (count: Int) in (0..<length).map { _ in Int32(random.next() % UInt64(count)) } }
                return [syllables, jamo(JamoIndex.initialCount), jamo(JamoIndex.medialCount), jamo(JamoIndex.finalCount)]
            }
            let input = TextEncoder.Input(ids: PaddedIDs(sequences, channelCount: 4), wordVectors: nil)
            var adam = Adam(learningRate: 1e-3)
            func step() {
                model.store.zeroGradients()
                _ = model.lossAndGradients(input: input, random: &random)
                adam.update(model.store)
            }
            step()
            var steps = 0
            let started = monotonicSeconds()
            var elapsed = 0.0
            while elapsed < seconds {
                step()
                steps += 1
                elapsed = monotonicSeconds() - started
            }
            let tokensPerSecond = Double(steps * batch * length) / elapsed
            struct Report: Encodable { var mode = "train"; var batch, length, threads, steps: Int; var seconds: Double; var tokensPerS, peakRssMb: Int }
            let report = Report(batch: batch, length: length, threads: threads, steps: steps, seconds: elapsed, tokensPerS: Int(tokensPerSecond),
                                peakRssMb: peakResidentMegabytes())
            print(json ? try JSON.line(report) : "train: \(Int(tokensPerSecond)) tokens/s (\(steps) steps of \(batch)×\(length) in \(String(format: "%.1f", elapsed)) s, \(threads) thread(s))")
        }
    }
}
