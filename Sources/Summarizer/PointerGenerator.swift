import Foundation
import Hangul
import NeuralCore
import TextEncoder

/// The summarizer's architecture; stored as the checkpoint's config.
public struct SummarizerConfig: ModelConfig {
    /// The shared encoder (its vocabulary is also the decoder's, plus one space token).
    public var encoder: TextEncoderConfig
    public var decoderEmbedding = 128
    public var decoderHidden = 256
    public var attention = 128
    public var outputHidden = 256
    /// λ of the coverage loss (See et al. use 1).
    public var coverageLoss: Float = 1
    /// Source syllables read; longer inputs are cut (and the summary says so).
    public var maxSourceLength = 400
    /// Target tokens (syllables and spaces, plus the end) trained on and generated at most.
    public var maxTargetLength = 100

    public init(encoder: TextEncoderConfig) { self.encoder = encoder }

    /// The decoder's output vocabulary: the encoder's syllables, then the space token.
    public var outputVocabularySize: Int { encoder.vocabularySize + 1 }

    /// Refuses impossible sizes (a damaged or foreign checkpoint) before anything is allocated.
    public func check(fileHolds available: Int) -> ConfigCheck {
        var c = encoder.check(fileHolds: Int.max)
        for (name, value) in [("decoderEmbedding", decoderEmbedding), ("decoderHidden", decoderHidden), ("attention", attention),
                              ("outputHidden", outputHidden)] {
            c.size(name, value, in: 1...8192)
        }
        c.size("maxSourceLength", maxSourceLength, in: 1...100_000)
        c.size("maxTargetLength", maxTargetLength, in: 1...10_000)
        return c
    }
}

/// A source as the model reads it: its syllables (offsets into the original text), whether a
/// space preceded each, and each syllable's id in the extended vocabulary — syllables outside the
/// vocabulary get ids after it, one per distinct string, so the pointer can copy them.
public struct SourceView: Sendable {
    public var tokens: [Token]
    public var spaceBefore: [Float]
    public var extendedIDs: [Int32]
    /// The out-of-vocabulary syllables, in order of first appearance; id = vocabulary.count + 1 + index.
    public var outOfVocabulary: [String]
    /// The source had more syllables than the model reads.
    public var truncated: Bool

    init(text: String, tokens: [Token], allTokenCount: Int, vocabulary: Vocabulary) {
        self.tokens = tokens
        truncated = allTokenCount > tokens.count
        let scalars = Array(text.unicodeScalars)
        spaceBefore = tokens.indices.map { k in
            return Self.spaceBetween(tokens, k, scalars) ? 1 : 0
        }
        var oov: [String] = [], index: [String: Int] = [:]
        extendedIDs = tokens.map { token in
            if vocabulary.contains(token.text) { return Int32(vocabulary.id(of: token.text)) }
            if let k = index[token.text] { return Int32(vocabulary.count + 1 + k) }
            index[token.text] = oov.count
            oov.append(token.text)
            return Int32(vocabulary.count + oov.count)
        }
        outOfVocabulary = oov
    }

    /// Whether the original text has whitespace between token k − 1 and token k. Normalizing
    /// can make several tokens of one character ("㈜" → "(", "주", ")"), whose ranges coincide.
    static func spaceBetween(_ tokens: [Token], _ k: Int, _ scalars: [Unicode.Scalar]) -> Bool {
        guard k > 0, tokens[k - 1].end < tokens[k].start else { return false }
        return scalars[tokens[k - 1].end..<tokens[k].start].contains { $0.properties.isWhitespace }
    }
}

/// A pointer-generator network with coverage (See et al. 2017) on the shared encoder.
///
/// Shapes: B batch, S source syllables, T target steps, H encoder hidden per direction,
/// E decoder embedding, Hd decoder hidden, D output hidden, V output vocabulary (syllables + space).
///   (f, b) = encoder(source)                              [B, S, H] each; m = [f ‖ b ‖ space] [B, S, 2H+1]
///   h₀ = tanh(W_h [f_last ‖ b_first]),  c₀ = W_c [f_last ‖ b_first]      [B, Hd]
///   s = LSTM(embed(y_{t−1}); h₀, c₀)                      [B, T, Hd]
///   a_t, ctx_t = CoverageAttention(s_t over [f ‖ b], values m)       [B, T, S], [B, T, 2H+1]
///   P_vocab = softmax(W_o tanh(W_d [s_t ‖ ctx_t]))        [B, T, V]
///   p_gen = σ(w_g · [ctx_t ‖ s_t ‖ embed(y_{t−1})])        [B, T]
///   P(w) = p_gen P_vocab(w) + (1 − p_gen) Σ_{i: x_i = w} a_ti
///   loss = mean_t [−log P(y_t) + λ Σ_i min(a_ti, cov_ti)]
/// The space flag among the attention's values tells the decoder where the source had spaces
/// (the encoder reads syllables only).
public final class PointerGenerator: TrainingTask, @unchecked Sendable {
    public let store = ParameterStore()
    public let config: SummarizerConfig
    public let vocabulary: Vocabulary
    public let encoder: TextEncoder
    public let featurizer: TextFeaturizer
    let initialHidden: Linear
    let initialCell: Linear
    let embedding: Embedding
    let decoder: LSTM
    let attention: CoverageAttention
    let outputHidden: Linear
    let outputLayer: Linear
    let generate: Linear
    let dropout: Dropout

    /// The space token's id, right after the syllables.
    public var spaceID: Int { vocabulary.count }

    public init(config: SummarizerConfig, vocabulary: Vocabulary, seed: UInt64) {
        precondition(config.encoder.vocabularySize == vocabulary.count, "the encoder's vocabulary size must be the vocabulary's")
        self.config = config
        self.vocabulary = vocabulary
        var random = SeededRandom(seed: seed)
        encoder = TextEncoder(store: store, prefix: "encoder", config: config.encoder, random: &random)
        featurizer = TextFeaturizer(vocabulary: vocabulary, wordVectors: nil)
        let H2 = 2 * config.encoder.hiddenSize, Hd = config.decoderHidden, E = config.decoderEmbedding
        initialHidden = Linear(store: store, name: "decoder.init_hidden", inputSize: H2, outputSize: Hd, random: &random)
        initialCell = Linear(store: store, name: "decoder.init_cell", inputSize: H2, outputSize: Hd, random: &random)
        embedding = Embedding(store: store, name: "decoder.embedding", vocabularySize: config.outputVocabularySize, dimension: E, random: &random)
        decoder = LSTM(store: store, name: "decoder.lstm", inputSize: E, hiddenSize: Hd, random: &random)
        attention = CoverageAttention(store: store, name: "decoder.attention", keySize: H2, querySize: Hd, size: config.attention, random: &random)
        outputHidden = Linear(store: store, name: "decoder.output_hidden", inputSize: Hd + H2 + 1, outputSize: config.outputHidden, random: &random)
        outputLayer = Linear(store: store, name: "decoder.output", inputSize: config.outputHidden, outputSize: config.outputVocabularySize, random: &random)
        generate = Linear(store: store, name: "decoder.generate", inputSize: H2 + 1 + Hd + E, outputSize: 1, random: &random)
        dropout = Dropout(probability: config.encoder.dropout)
    }

    /// Starts the decoder's syllable embedding from the encoder's (when the sizes agree): the
    /// pre-trained encoder then also gives the decoder what it knows about syllables.
    public func initializeDecoderEmbeddingFromEncoder() {
        guard config.decoderEmbedding == config.encoder.embeddingSize else { return }
        let source = store.value(encoder.embedding.tables[0].weight), target = store.value(embedding.weight)
        target.update(from: source, count: vocabulary.count * config.decoderEmbedding)
        store.markChanged()
    }

    // MARK: Text <-> ids

    /// The source as the model reads it (the first `maxSourceLength` syllables).
    public func view(of source: String) -> SourceView {
        let all = TextFeaturizer.tokens(source)
        return SourceView(text: source, tokens: Array(all.prefix(config.maxSourceLength)), allTokenCount: all.count, vocabulary: vocabulary)
    }

    /// Target ids (extended vocabulary) ending with [EOS]: a space token wherever the target
    /// has whitespace between syllables; syllables outside the vocabulary are the source's copy
    /// ids when the source has them, [UNK] otherwise.
    public func targetIDs(_ target: String, source: SourceView) -> [Int32] {
        let scalars = Array(target.unicodeScalars)
        var ids: [Int32] = []
        let tokens = TextFeaturizer.tokens(target)
        for (k, token) in tokens.enumerated() {
            if SourceView.spaceBetween(tokens, k, scalars) { ids.append(Int32(spaceID)) }
            if vocabulary.contains(token.text) {
                ids.append(Int32(vocabulary.id(of: token.text)))
            } else if let k = source.outOfVocabulary.firstIndex(of: token.text) {
                ids.append(Int32(vocabulary.count + 1 + k))
            } else {
                ids.append(Int32(Vocabulary.unknownID))
            }
        }
        return Array(ids.prefix(config.maxTargetLength - 1)) + [Int32(Vocabulary.endID)]
    }

    /// The text of generated ids: syllables, spaces and copied out-of-vocabulary syllables as
    /// the source wrote them; [EOS] and other specials dropped.
    public func text(of ids: [Int32], source: SourceView) -> String {
        var out = ""
        for id in ids.map(Int.init) {
            if id == spaceID { out += " " } else if id > spaceID {
                let k = id - spaceID - 1
                if k < source.outOfVocabulary.count { out += source.outOfVocabulary[k] }
            } else if id >= Vocabulary.specials.count { out += vocabulary.token(for: id) }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// The decoder's input id for an output id: copied out-of-vocabulary syllables enter as [UNK].
    func inputID(_ id: Int32) -> Int32 { Int(id) >= config.outputVocabularySize ? Int32(Vocabulary.unknownID) : id }

    // MARK: Training

    public typealias Example = SummaryPair
    public var configJSON: String { config.json }
    public let metricName = "rouge_l"
    public func length(of example: SummaryPair) -> Int { min(example.source.unicodeScalars.count, config.maxSourceLength) }

    /// Forward values kept for backward.
    struct Pass {
        var views: [SourceView]
        var targets: [[Int32]]
        var memoryMask: SequenceMask, steps: SequenceMask
        var encoderOutput: TextEncoder.Output, encoderCache: TextEncoder.Cache
        var summary: Tensor, h0: Tensor
        var decoderIDs: [Int32], embedded: Tensor, dropMask: [Float]
        var decoded: Tensor, decoderCache: LSTM.Cache
        var states: Tensor, values: Tensor
        var attended: CoverageAttention.Output, attentionCache: CoverageAttention.Cache
        var features: Tensor, hidden: Tensor, probabilities: Tensor
        var generateInput: Tensor, pGen: [Float]
    }

    func forward(_ batch: [SummaryPair], training: Bool, random: inout SeededRandom) -> Pass {
        let (input, tokens) = featurizer.input(batch.map(\.source), maxLength: config.maxSourceLength)
        let views = zip(batch, tokens).map { SourceView(text: $0.source, tokens: $1, allTokenCount: $1.count, vocabulary: vocabulary) }
        let targets = zip(batch, views).map { targetIDs($0.target, source: $1) }
        let memoryMask = input.ids.mask
        let B = batch.count
        let T = targets.map(\.count).max() ?? 0
        let steps = SequenceMask(lengths: targets.map(\.count), maxLength: T)
        let (encoded, encoderCache) = encoder.forward(input, training: training, random: &random)
        let states = encoded.states
        let summary = Self.encoderSummary(encoded, lengths: memoryMask.lengths)
        let h0 = Activation.tanh.forward(initialHidden(summary)), c0 = initialCell(summary)
        var decoderIDs = [Int32](repeating: Int32(Vocabulary.paddingID), count: B * T)
        for b in 0..<B {
            for t in 0..<targets[b].count { decoderIDs[b * T + t] = t == 0 ? Int32(Vocabulary.beginID) : inputID(targets[b][t - 1]) }
        }
        let embedded = embedding(decoderIDs, shape: [B, T])
        let (dropped, dropMask) = dropout.forward(embedded, training: training, random: &random)
        let (decoded, decoderCache) = decoder.forward(dropped, mask: steps, initial: LSTM.State(hidden: h0, cell: c0))
        let values = Self.attentionValues(states, spaceBefore: views.map(\.spaceBefore))
        let (attended, attentionCache) = attention.forward(queries: decoded, keys: states, values: values, memory: memoryMask, steps: steps)
        let features = concatenateLast(decoded, attended.contexts)
        let hidden = Activation.tanh.forward(outputHidden(features))
        let logits = outputLayer(hidden)
        let probabilities = Softmax.rows(logits.reshaped([B * T, config.outputVocabularySize]))
        let generateInput = concatenateLast(concatenateLast(attended.contexts, decoded), embedded)
        let pGen = generate(generateInput).data.map { 1 / (1 + exp(-$0)) }
        return Pass(views: views, targets: targets, memoryMask: memoryMask, steps: steps, encoderOutput: encoded, encoderCache: encoderCache,
                    summary: summary, h0: h0, decoderIDs: decoderIDs, embedded: embedded, dropMask: dropMask,
                    decoded: decoded, decoderCache: decoderCache, states: states, values: values,
                    attended: attended, attentionCache: attentionCache, features: features, hidden: hidden,
                    probabilities: probabilities, generateInput: generateInput, pGen: pGen)
    }

    /// [f at each row's last syllable ‖ b at its first] [B, 2H]: what each direction read last
    /// (zeros for an empty row); the decoder starts from it.
    static func encoderSummary(_ encoded: TextEncoder.Output, lengths: [Int]) -> Tensor {
        let B = lengths.count, S = encoded.forward.shape[1], H = encoded.forward.shape[2], H2 = 2 * H
        var summary = Tensor(zeros: [B, H2])
        for b in 0..<B where lengths[b] > 0 {
            let last = lengths[b] - 1
            for j in 0..<H {
                summary.data[b * H2 + j] = encoded.forward.data[(b * S + last) * H + j]
                summary.data[b * H2 + H + j] = encoded.backward.data[(b * S) * H + j]
            }
        }
        return summary
    }

    /// The attention's values [B, S, 2H+1]: the encoder states [B, S, 2H] and each syllable's
    /// space-before flag.
    static func attentionValues(_ states: Tensor, spaceBefore: [[Float]]) -> Tensor {
        let B = states.shape[0], S = states.shape[1]
        var flags = Tensor(zeros: [B, S, 1])
        for b in 0..<B { for (i, f) in spaceBefore[b].enumerated() { flags.data[b * S + i] = f } }
        return concatenateLast(states, flags)
    }

    public func lossAndGradients(_ batch: [SummaryPair], random: inout SeededRandom) -> Float {
        let pass = forward(batch, training: true, random: &random)
        let (loss, gradients) = loss(pass)
        backward(pass, gradients)
        return loss
    }

    struct OutputGradients {
        var dLogits: Tensor, dGenerate: Tensor, dWeights: Tensor, dCoverage: Tensor
    }

    /// The mean loss over real target steps and its gradients w.r.t. the logits, p_gen's
    /// pre-activation, the attention weights (copy + coverage) and the coverage.
    func loss(_ pass: Pass) -> (Float, OutputGradients) {
        let B = pass.targets.count, T = pass.steps.maxLength, S = pass.memoryMask.maxLength, V = config.outputVocabularySize
        let count = Float(max(1, pass.targets.reduce(0) { $0 + $1.count }))
        var g = OutputGradients(dLogits: Tensor(zeros: [B, T, V]), dGenerate: Tensor(zeros: [B, T, 1]),
                                dWeights: Tensor(zeros: [B, T, S]), dCoverage: Tensor(zeros: [B, T, S]))
        var total = 0.0
        let lambda = config.coverageLoss
        for b in 0..<B {
            let n = pass.memoryMask.lengths[b], extended = pass.views[b].extendedIDs
            for (t, y) in pass.targets[b].enumerated() {
                let row = b * T + t, base = row * S
                let pv = Int(y) < V ? pass.probabilities.data[row * V + Int(y)] : 0
                var copy: Float = 0
                for i in 0..<n where extended[i] == y { copy += pass.attended.weights.data[base + i] }
                let pg = pass.pGen[row]
                let p = max(pg * pv + (1 - pg) * copy, 1e-12)
                total -= Double(log(p))
                let dP = -1 / (p * count)
                g.dGenerate.data[row] = dP * (pv - copy) * pg * (1 - pg)
                if Int(y) < V {
                    let dpv = dP * pg * pv
                    for j in 0..<V { g.dLogits.data[row * V + j] = -dpv * pass.probabilities.data[row * V + j] }
                    g.dLogits.data[row * V + Int(y)] += dpv
                }
                for i in 0..<n where extended[i] == y { g.dWeights.data[base + i] += dP * (1 - pg) }
                guard lambda > 0 else { continue }
                for i in 0..<n {
                    let a = pass.attended.weights.data[base + i], c = pass.attended.coverage.data[base + i]
                    total += Double(lambda * min(a, c))
                    if a < c { g.dWeights.data[base + i] += lambda / count } else { g.dCoverage.data[base + i] += lambda / count }
                }
            }
        }
        return (Float(total / Double(count)), g)
    }

    func backward(_ pass: Pass, _ g: OutputGradients) {
        let H = config.encoder.hiddenSize, H2 = 2 * H, Hd = config.decoderHidden
        let B = pass.targets.count, S = pass.memoryMask.maxLength
        let dHidden = Activation.tanh.backward(outputLayer.backward(g.dLogits, input: pass.hidden), output: pass.hidden)
        let (dDecoded1, dContexts1) = splitLast(outputHidden.backward(dHidden, input: pass.features), Hd)
        let dGenerateInput = generate.backward(g.dGenerate, input: pass.generateInput)
        let (dContextAndState, dEmbedded2) = splitLast(dGenerateInput, H2 + 1 + Hd)
        let (dContexts2, dDecoded2) = splitLast(dContextAndState, H2 + 1)
        var dContexts = dContexts1, dDecoded = dDecoded1
        for i in 0..<dContexts.count { dContexts.data[i] += dContexts2.data[i] }
        for i in 0..<dDecoded.count { dDecoded.data[i] += dDecoded2.data[i] }
        let (dQueries, dKeys, dValues) = attention.backward(dContexts: dContexts, dWeights: g.dWeights, dCoverage: g.dCoverage,
                                                            output: pass.attended, cache: pass.attentionCache)
        for i in 0..<dDecoded.count { dDecoded.data[i] += dQueries.data[i] }
        var dStates = dKeys
        let (dValueStates, _) = splitLast(dValues, H2)
        for i in 0..<dStates.count { dStates.data[i] += dValueStates.data[i] }
        let (dDropped, dInitial) = decoder.backwardWithState(dDecoded, cache: pass.decoderCache)
        var dEmbedded = dropout.backward(dDropped, mask: pass.dropMask)
        for i in 0..<dEmbedded.count { dEmbedded.data[i] += dEmbedded2.data[i] }
        embedding.backward(dEmbedded, ids: pass.decoderIDs)
        let dH0 = Activation.tanh.backward(dInitial.hidden, output: pass.h0)
        var dSummary = initialHidden.backward(dH0, input: pass.summary)
        let fromCell = initialCell.backward(dInitial.cell, input: pass.summary)
        for i in 0..<dSummary.count { dSummary.data[i] += fromCell.data[i] }
        var (dForward, dBackward) = splitLast(dStates, H)
        for b in 0..<B where pass.memoryMask.lengths[b] > 0 {
            let last = pass.memoryMask.lengths[b] - 1
            for j in 0..<H {
                dForward.data[(b * S + last) * H + j] += dSummary.data[b * H2 + j]
                dBackward.data[(b * S) * H + j] += dSummary.data[b * H2 + H + j]
            }
        }
        encoder.backward(dForward: dForward, dBackward: dBackward, cache: pass.encoderCache)
    }

    /// ROUGE-L F1 (syllables) of greedy summaries against the targets: the validation metric.
    public func evaluate(_ examples: [SummaryPair]) -> Double {
        guard !examples.isEmpty else { return 0 }
        let options = DecodingOptions(beamWidth: 1)
        var sum = 0.0
        for example in examples { sum += Rouge.scores(summarize(example.source, options: options).text, reference: example.target).rougeL.f1 }
        return sum / Double(examples.count)
    }
}
