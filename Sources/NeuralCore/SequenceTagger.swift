/// Embedding -> BiLSTM -> Linear, one label per token: the smallest complete model, used by
/// `korqa bench lstm` (the same network as the PyTorch peer in bench/) and by the tests.
public final class SequenceTagger: @unchecked Sendable {
    public struct Config: Equatable, Sendable {
        public var vocabularySize: Int
        public var embeddingSize: Int
        public var hiddenSize: Int
        public var labelCount: Int
        public init(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, labelCount: Int) {
            self.vocabularySize = vocabularySize; self.embeddingSize = embeddingSize
            self.hiddenSize = hiddenSize; self.labelCount = labelCount
        }
        public var json: String {
            "{\"model\":\"sequence-tagger\",\"vocabulary\":\(vocabularySize),\"embedding\":\(embeddingSize),\"hidden\":\(hiddenSize),\"labels\":\(labelCount)}"
        }
    }

    public let config: Config
    public let store = ParameterStore()
    public let embedding: Embedding
    public let encoder: BiLSTM
    public let head: Linear

    public init(_ config: Config, seed: UInt64) {
        self.config = config
        var random = SeededRandom(seed: seed)
        embedding = Embedding(store: store, name: "embedding", vocabularySize: config.vocabularySize,
                              dimension: config.embeddingSize, random: &random)
        encoder = BiLSTM(store: store, name: "encoder", inputSize: config.embeddingSize,
                         hiddenSize: config.hiddenSize, random: &random)
        head = Linear(store: store, name: "head", inputSize: encoder.outputSize, outputSize: config.labelCount, random: &random)
    }

    /// Folded embedding·W_ih tables and transposed W_hh for inference, and the weight version
    /// they were made from.
    private var folded: (version: Int, forward: [Float], backward: [Float], recurrentForward: [Float], recurrentBackward: [Float])?

    /// ids [B, T] -> logits [B·T, labels], for inference: the embedding and the LSTMs' input
    /// projections are folded into one table per direction (recomputed after weights change).
    public func logits(ids: [Int32], mask: SequenceMask) -> Tensor {
        if folded?.version != store.version {
            folded = (store.version, encoder.forwardLSTM.foldedProjection(of: embedding),
                      encoder.backwardLSTM.foldedProjection(of: embedding),
                      encoder.forwardLSTM.transposedHiddenWeight(), encoder.backwardLSTM.transposedHiddenWeight())
        }
        let h = encoder.forward(ids: ids, foldedProjections: (folded!.forward, folded!.backward),
                                recurrentWeights: (folded!.recurrentForward, folded!.recurrentBackward), mask: mask)
        return head(h.reshaped([mask.batchSize * mask.maxLength, encoder.outputSize]))
    }

    /// The same logits computed the training way (embedding lookup, then the LSTM's GEMM).
    public func unfoldedLogits(ids: [Int32], mask: SequenceMask) -> Tensor {
        let x = embedding(ids, shape: [mask.batchSize, mask.maxLength])
        let (h, _) = encoder.forward(x, mask: mask)
        return head(h.reshaped([mask.batchSize * mask.maxLength, encoder.outputSize]))
    }

    /// Forward, masked cross-entropy and backward: returns the loss and adds the gradients into
    /// the store (which the caller zeroes).
    public func lossAndGradients(ids: [Int32], labels: [Int32], mask: SequenceMask) -> Float {
        let B = mask.batchSize, T = mask.maxLength, D = encoder.outputSize
        let x = embedding(ids, shape: [B, T])
        let (h, cache) = encoder.forward(x, mask: mask)
        let flat = h.reshaped([B * T, D])
        let (loss, dLogits) = Loss.softmaxCrossEntropy(logits: head(flat), targets: labels, weights: mask.floats)
        let dh = head.backward(dLogits, input: flat).reshaped([B, T, D])
        embedding.backward(encoder.backward(dh, cache: cache), ids: ids)
        return loss
    }

    /// Zero gradients, `lossAndGradients`, optimizer step. Returns the loss.
    public func trainStep(ids: [Int32], labels: [Int32], mask: SequenceMask, optimizer: inout some Optimizer) -> Float {
        store.zeroGradients()
        let loss = lossAndGradients(ids: ids, labels: labels, mask: mask)
        optimizer.update(store)
        return loss
    }
}
