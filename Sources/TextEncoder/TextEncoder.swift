import Foundation
import Hangul
import NeuralCore

/// The architecture of the shared encoder.
public struct TextEncoderConfig: ModelConfig {
    /// Syllable vocabulary size (the jamo tables have fixed sizes).
    public var vocabularySize: Int
    /// Size of the summed syllable + jamo embedding.
    public var embeddingSize = 128
    /// LSTM hidden size per direction.
    public var hiddenSize = 192
    /// LSTM layers per direction.
    public var layers = 2
    public var dropout: Float = 0.1
    /// Size of the frozen word vectors read beside the embedding (0: none).
    public var wordVectorSize = 0

    public init(vocabularySize: Int) { self.vocabularySize = vocabularySize }

    /// Refuses impossible sizes (a damaged or foreign checkpoint) before anything is allocated.
    public func check(fileHolds available: Int) -> ConfigCheck {
        var c = ConfigCheck()
        c.size("vocabularySize", vocabularySize, in: 1...10_000_000)
        c.size("embeddingSize", embeddingSize, in: 1...8192)
        c.size("hiddenSize", hiddenSize, in: 1...8192)
        c.size("layers", layers, in: 1...64)
        c.size("wordVectorSize", wordVectorSize, in: 0...8192)
        c.probability("dropout", dropout)
        c.parameters([[vocabularySize, embeddingSize], [layers, 2, 4, hiddenSize, hiddenSize]], fileHolds: available)
        return c
    }
}

/// KorQA's shared encoder: syllable + jamo embeddings (and frozen subword word vectors) into two
/// stacked unidirectional LSTMs, one reading left to right and one right to left, as ELMo's
/// language model does — the directions stay apart through the layers, so each can be trained
/// to predict the next (previous) syllable without seeing it. Its states, concatenated, are what
/// tasks read. All parameters are named `prefix.…`, so several models can hold an encoder and a
/// checkpoint of one loads into another (`ParameterStore.copyValues(fromPrefix:)`).
public final class TextEncoder: @unchecked Sendable {
    public let config: TextEncoderConfig
    public let prefix: String
    public let store: ParameterStore
    public let embedding: SummedEmbedding
    let forwardLayers: [LSTM]
    let backwardLayers: [LSTM]
    let dropout: Dropout

    public init(store: ParameterStore, prefix: String = "encoder", config: TextEncoderConfig, random: inout SeededRandom) {
        self.config = config
        self.prefix = prefix
        self.store = store
        let tables = JamoIndex.embeddingTables(syllableVocabularySize: config.vocabularySize).map { (name: prefix + "." + $0.name, vocabularySize: $0.vocabularySize) }
        embedding = SummedEmbedding(store: store, tables: tables, dimension: config.embeddingSize, random: &random)
        var forward: [LSTM] = [], backward: [LSTM] = []
        for layer in 0..<config.layers {
            let input = layer == 0 ? config.embeddingSize + config.wordVectorSize : config.hiddenSize
            forward.append(LSTM(store: store, name: "\(prefix).forward.\(layer)", inputSize: input, hiddenSize: config.hiddenSize, random: &random))
            backward.append(LSTM(store: store, name: "\(prefix).backward.\(layer)", inputSize: input, hiddenSize: config.hiddenSize,
                                 reverse: true, random: &random))
        }
        forwardLayers = forward
        backwardLayers = backward
        dropout = Dropout(probability: config.dropout)
    }

    /// This encoder's parameters (names starting with `prefix.`).
    public var slots: [ParameterSlot] { store.slots.filter { $0.name.hasPrefix(prefix + ".") } }

    /// Loads the weights of an encoder saved inside another model's checkpoint (e.g. the
    /// language model's, under `sourcePrefix`) into this one, whatever model holds it. The
    /// checkpoint's encoder must have this architecture (names and shapes are checked).
    public func loadWeights(from path: String, sourcePrefix: String = "encoder") throws {
        let file = try SafeTensorsFile(path: path)
        for slot in slots {
            let name = sourcePrefix + slot.name.dropFirst(prefix.count)
            guard let info = file.tensors[name] else {
                throw NeuralError.checkpointMismatch(path: path, reason: "it has no encoder parameter \(name)")
            }
            guard info.shape == slot.shape, let values = file.values(name) else {
                throw NeuralError.checkpointMismatch(path: path, reason: "\(name) has shape \(info.shape), this encoder needs \(slot.shape)")
            }
            store.value(slot).update(from: values, count: slot.count)
        }
        store.markChanged()
    }

    /// A batch: padded syllable + jamo ids, and the frozen word vector of each syllable's word.
    public struct Input: Sendable {
        public var ids: PaddedIDs
        /// [B, T, W] (nil when `wordVectorSize` is 0).
        public var wordVectors: Tensor?
        public init(ids: PaddedIDs, wordVectors: Tensor?) { self.ids = ids; self.wordVectors = wordVectors }
    }

    /// The top layer of each direction: [B, T, H] each.
    public struct Output: Sendable {
        public var forward: Tensor
        public var backward: Tensor
        /// [B, T, 2H]: both directions side by side, what tasks read.
        public var states: Tensor { concatenateLast(forward, backward) }
    }

    public struct Cache: Sendable {
        var input: Input
        var embeddingMask: [Float]
        var forward: [(LSTM.Cache, [Float])]  // per layer: the LSTM's cache, the dropout mask on its input
        var backward: [(LSTM.Cache, [Float])]
    }

    /// The first layer's input [B, T, D (+W)]: the summed embeddings, and the word vectors beside them.
    func embedded(_ input: Input) -> Tensor {
        let x = embedding(input.ids.channels, shape: [input.ids.mask.batchSize, input.ids.mask.maxLength])
        return input.wordVectors.map { concatenateLast(x, $0) } ?? x
    }

    public func forward(_ input: Input, training: Bool, random: inout SeededRandom) -> (Output, Cache) {
        let (dropped, embeddingMask) = dropout.forward(embedded(input), training: training, random: &random)
        func run(_ layers: [LSTM], random: inout SeededRandom) -> (Tensor, [(LSTM.Cache, [Float])]) {
            var h = dropped
            var caches: [(LSTM.Cache, [Float])] = []
            for (l, layer) in layers.enumerated() {
                var layerMask: [Float] = []
                if l > 0 { (h, layerMask) = dropout.forward(h, training: training, random: &random) }
                let (out, cache) = layer.forward(h, mask: input.ids.mask)
                caches.append((cache, layerMask))
                h = out
            }
            return (h, caches)
        }
        // Each stack draws its dropout from its own generator, so the two can run side by side
        // (two threads) and give the same result as one after the other.
        var forwardRandom = SeededRandom(seed: random.next()), backwardRandom = SeededRandom(seed: random.next())
        var forwardTop = dropped, backwardTop = dropped
        var forwardCaches: [(LSTM.Cache, [Float])] = [], backwardCaches: [(LSTM.Cache, [Float])] = []
        Parallelism.both({ (forwardTop, forwardCaches) = run(forwardLayers, random: &forwardRandom) },
                         { (backwardTop, backwardCaches) = run(backwardLayers, random: &backwardRandom) })
        return (Output(forward: forwardTop, backward: backwardTop),
                Cache(input: input, embeddingMask: embeddingMask, forward: forwardCaches, backward: backwardCaches))
    }

    /// The states for inference (no dropout, nothing kept for backward), through the packed
    /// single-sequence recurrence: what `forward(_:training: false, …)` gives, up to float
    /// rounding, at a fraction of the cost for one short text.
    public func infer(_ input: Input) -> Output {
        let (forwardRecurrent, backwardRecurrent) = recurrentWeights()
        let x = embedded(input)
        func run(_ layers: [LSTM], _ recurrent: [[Float]]) -> Tensor {
            var h = x
            for (layer, weights) in zip(layers, recurrent) { h = layer.inferenceForward(h, mask: input.ids.mask, recurrent: weights) }
            return h
        }
        var forwardTop = x, backwardTop = x
        Parallelism.both({ forwardTop = run(forwardLayers, forwardRecurrent) }, { backwardTop = run(backwardLayers, backwardRecurrent) })
        return Output(forward: forwardTop, backward: backwardTop)
    }

    /// The recurrent weights laid out for inference, rebuilt when the parameters change.
    private var inferenceLayout: (version: Int, forward: [[Float]], backward: [[Float]])?
    private let inferenceLayoutLock = NSLock()

    func recurrentWeights() -> (forward: [[Float]], backward: [[Float]]) {
        inferenceLayoutLock.lock()
        defer { inferenceLayoutLock.unlock() }
        if let layout = inferenceLayout, layout.version == store.version { return (layout.forward, layout.backward) }
        let layout = (store.version, forwardLayers.map { $0.inferenceRecurrentWeight() }, backwardLayers.map { $0.inferenceRecurrentWeight() })
        inferenceLayout = layout
        return (layout.1, layout.2)
    }

    /// Backward from the gradients of both directions' top layers ([B, T, H] each); adds the
    /// parameter gradients (word vectors are frozen: no gradient).
    public func backward(dForward: Tensor, dBackward: Tensor, cache: Cache) {
        func back(_ layers: [LSTM], _ caches: [(LSTM.Cache, [Float])], _ dTop: Tensor) -> Tensor {
            var d = dTop
            for l in stride(from: layers.count - 1, through: 0, by: -1) {
                d = layers[l].backward(d, cache: caches[l].0)
                if l > 0 { d = dropout.backward(d, mask: caches[l].1) }
            }
            return d
        }
        var dx = dForward, dxBackward = dBackward
        // The stacks' parameters are disjoint: their backward passes can run side by side.
        Parallelism.both({ dx = back(forwardLayers, cache.forward, dForward) }, { dxBackward = back(backwardLayers, cache.backward, dBackward) })
        for i in 0..<dx.count { dx.data[i] += dxBackward.data[i] }
        dx = dropout.backward(dx, mask: cache.embeddingMask)
        if config.wordVectorSize > 0 { dx = splitLast(dx, config.embeddingSize).0 }
        embedding.backward(dx, ids: cache.input.ids.channels)
    }
}
