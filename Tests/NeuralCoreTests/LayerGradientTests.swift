import Testing
@testable import NeuralCore

@Suite struct LayerGradientTests {
    let mask = SequenceMask(lengths: [4, 2, 3, 1], maxLength: 4)  // padding in the batch

    func randomInput(_ shape: [Int], seed: UInt64 = 7) -> Tensor {
        var random = SeededRandom(seed: seed)
        return Tensor.normal(shape, std: 1, random: &random)
    }

    @Test func linear() {
        var random = SeededRandom(seed: 1)
        let store = ParameterStore()
        let layer = Linear(store: store, name: "fc", inputSize: 5, outputSize: 3, random: &random)
        let report = GradCheck().check(store: store, input: randomInput([2, 3, 5]),
                                       forward: { layer($0) }, backward: { layer.backward($0, input: $1) })
        #expect(report.checked == 5 * 3 + 3 + 30)
    }

    @Test func embeddingWithRepeatedIds() {
        var random = SeededRandom(seed: 2)
        let store = ParameterStore()
        let layer = Embedding(store: store, name: "emb", vocabularySize: 6, dimension: 4, std: 1, random: &random)
        let ids: [Int32] = [1, 3, 3, 0, 5, 1]
        _ = GradCheck().check(store: store, input: Tensor(zeros: [1]), checkInput: false,
                              forward: { _ in layer(ids, shape: [2, 3]) },
                              backward: { d, _ in layer.backward(d, ids: ids); return nil })
        // Rows never looked up get no gradient (row-sparse).
        store.zeroGradients()
        layer.backward(Tensor(shape: [6, 4], data: [Float](repeating: 1, count: 24)), ids: ids)
        let grad = store.gradientTensor(layer.weight)
        #expect(grad.data[2 * 4..<3 * 4].allSatisfy { $0 == 0 } && grad.data[4 * 4..<5 * 4].allSatisfy { $0 == 0 })
        #expect(grad.data[3 * 4] == 2)  // id 3 appears twice
    }

    @Test(arguments: [false, true])
    func lstmOverPaddedBatch(reverse: Bool) {
        var random = SeededRandom(seed: 3)
        let store = ParameterStore()
        let lstm = LSTM(store: store, name: "lstm", inputSize: 3, hiddenSize: 4, reverse: reverse, random: &random)
        let report = GradCheck().check(store: store, input: randomInput([4, 4, 3]),
                                       forward: { lstm.forward($0, mask: mask).0 },
                                       backward: { d, x in lstm.backward(d, cache: lstm.forward(x, mask: mask).1) })
        #expect(report.checked == 16 * 3 + 16 * 4 + 16 + 48)
    }

    @Test func biLSTMAndStack() {
        var random = SeededRandom(seed: 4)
        let store = ParameterStore()
        let stack = StackedBiLSTM(store: store, name: "enc", inputSize: 3, hiddenSize: 3, layerCount: 2, dropout: 0, random: &random)
        var unused = SeededRandom(seed: 0)
        _ = GradCheck(sample: 60).check(store: store, input: randomInput([4, 4, 3]),
                                        forward: { stack.forward($0, mask: mask, training: false, random: &unused).0 },
                                        backward: { d, x in
                                            stack.backward(d, cache: stack.forward(x, mask: mask, training: false, random: &unused).1)
                                        })
    }

    @Test func dropoutWithFixedMask() {
        let dropout = Dropout(probability: 0.4)
        _ = GradCheck().check(store: nil, input: randomInput([3, 5]),
                              forward: { x in var r = SeededRandom(seed: 9); return dropout.forward(x, training: true, random: &r).0 },
                              backward: { d, x in var r = SeededRandom(seed: 9); return dropout.backward(d, mask: dropout.forward(x, training: true, random: &r).1) })
        var r = SeededRandom(seed: 1)
        let x = randomInput([1000])
        let (y, _) = dropout.forward(x, training: true, random: &r)
        let zeros = y.data.filter { $0 == 0 }.count
        #expect(zeros > 330 && zeros < 470)  // ≈ 40% dropped
        #expect(dropout.forward(x, training: false, random: &r).0 == x)  // eval: identity
    }

    @Test(arguments: Activation.allCases)
    func activations(kind: Activation) {
        // Keep inputs away from relu's kink at 0, where the derivative is undefined.
        var x = randomInput([4, 9])
        for i in 0..<x.count where abs(x.data[i]) < 0.05 { x.data[i] = 0.3 }
        _ = GradCheck().check(store: nil, input: x, forward: { kind.forward($0) },
                              backward: { d, x in kind.backward(d, output: kind.forward(x)) })
    }

    @Test func vectorizedFunctionsMatchLibm() {
        var worstExp: Float = 0, worstTanh: Float = 0, worstSigmoid: Float = 0
        var values = stride(from: Float(-30), through: 30, by: 0.0137).map { $0 }
        values += [0, 1e-6, -1e-6, 1e-3, 0.0624, 0.0626, -80, 80]
        var e = values, t = values, s = values
        Vectorized.exp(&e, count: e.count)
        Vectorized.tanh(&t, count: t.count)
        Vectorized.sigmoid(&s, count: s.count)
        for (i, x) in values.enumerated() {
            let exact = Double(x)
            worstExp = max(worstExp, Float(abs(Double(e[i]) - Foundation.exp(exact)) / Foundation.exp(exact)))
            let th = Foundation.tanh(exact)
            worstTanh = max(worstTanh, Float(abs(Double(t[i]) - th) / max(abs(th), 1e-30)))
            let sg = 1 / (1 + Foundation.exp(-exact))
            worstSigmoid = max(worstSigmoid, Float(abs(Double(s[i]) - sg) / sg))
        }
        #expect(worstExp < 1e-6 && worstTanh < 1e-5 && worstSigmoid < 1e-5,
                "relative errors: exp \(worstExp) tanh \(worstTanh) sigmoid \(worstSigmoid)")
    }

    @Test func softmaxFamilies() {
        let x = randomInput([3, 5])
        _ = GradCheck().check(store: nil, input: x, forward: { Softmax.rows($0) },
                              backward: { d, x in Softmax.backward(d, output: Softmax.rows(x)) })
        let m = SequenceMask(lengths: [5, 2, 0], maxLength: 5)
        _ = GradCheck().check(store: nil, input: x, forward: { Softmax.masked($0, mask: m) },
                              backward: { d, x in Softmax.backward(d, output: Softmax.masked(x, mask: m)) })
        let y = Softmax.masked(x, mask: m)
        #expect(abs(y.data[0..<5].reduce(0, +) - 1) < 1e-6 && y.data[7..<15].allSatisfy { $0 == 0 })
        // Stable for huge logits.
        let big = Softmax.logRows(Tensor(shape: [1, 3], data: [1000, 0, -1000]))
        #expect(big.data.allSatisfy { $0.isFinite } && abs(big.data[0]) < 1e-6)
    }

    @Test func crossEntropyWithPaddingWeights() {
        let targets: [Int32] = [1, 0, 4, 2]
        let weights: [Float] = [1, 0, 1, 1]
        let logits = randomInput([4, 5])
        let (loss, d) = Loss.softmaxCrossEntropy(logits: logits, targets: targets, weights: weights)
        // By hand: the mean of -log p over the three weighted rows.
        let logp = Softmax.logRows(logits)
        let expected = -(logp[0, 1] + logp[2, 4] + logp[3, 2]) / 3
        #expect(abs(loss - expected) < 1e-5)
        #expect(d.data[5..<10].allSatisfy { $0 == 0 })
        // Gradient against finite differences of the loss itself (output = loss, R = 1 scale).
        _ = GradCheck().check(store: nil, input: logits,
                              forward: { Tensor(shape: [1], data: [Loss.softmaxCrossEntropy(logits: $0, targets: targets, weights: weights).loss]) },
                              backward: { r, x in
                                  var g = Loss.softmaxCrossEntropy(logits: x, targets: targets, weights: weights).dLogits
                                  for i in 0..<g.count { g.data[i] *= r.data[0] }
                                  return g
                              })
    }

    @Test func softCrossEntropyMatchesHardOnOneHotAndChecksGradient() {
        let logits = randomInput([3, 5], seed: 21)
        // One-hot targets: the same loss and gradient as the class-id cross-entropy.
        let ids: [Int32] = [2, 0, 4]
        var oneHot = [Float](repeating: 0, count: 15)
        for (r, id) in ids.enumerated() { oneHot[r * 5 + Int(id)] = 1 }
        let hard = Loss.softmaxCrossEntropy(logits: logits, targets: ids)
        let soft = Loss.softCrossEntropy(logits: logits, targets: oneHot)
        #expect(abs(hard.loss - soft.loss) < 1e-5)
        #expect(zip(hard.dLogits.data, soft.dLogits.data).allSatisfy { abs($0 - $1) < 1e-6 })
        // Spread targets: by hand, and the gradient against finite differences.
        let targets: [Float] = [0.5, 0.25, 0.25, 0, 0,  0, 0, 0, 0, 1,  0.2, 0.2, 0.2, 0.2, 0.2]
        let logp = Softmax.logRows(logits)
        let expected = -(0..<15).map { targets[$0] * logp.data[$0] }.reduce(0, +) / 3
        #expect(abs(Loss.softCrossEntropy(logits: logits, targets: targets).loss - expected) < 1e-5)
        _ = GradCheck().check(store: nil, input: logits,
                              forward: { Tensor(shape: [1], data: [Loss.softCrossEntropy(logits: $0, targets: targets).loss]) },
                              backward: { r, x in
                                  var g = Loss.softCrossEntropy(logits: x, targets: targets).dLogits
                                  for i in 0..<g.count { g.data[i] *= r.data[0] }
                                  return g
                              })
    }

    @Test func attentionPieces() {
        let keys = randomInput([2, 3, 4], seed: 11)
        let query = randomInput([2, 4], seed: 12)
        _ = GradCheck().check(store: nil, input: query, forward: { Attention.dotScores(query: $0, keys: keys) },
                              backward: { d, q in Attention.dotScoresBackward(d, query: q, keys: keys).dQuery })
        _ = GradCheck().check(store: nil, input: keys, forward: { Attention.dotScores(query: query, keys: $0) },
                              backward: { d, k in Attention.dotScoresBackward(d, query: query, keys: k).dKeys })
        let weights = Softmax.rows(randomInput([2, 3], seed: 13))
        _ = GradCheck().check(store: nil, input: weights, forward: { Attention.weightedSum(weights: $0, values: keys) },
                              backward: { d, w in Attention.weightedSumBackward(d, weights: w, values: keys).dWeights })
        _ = GradCheck().check(store: nil, input: keys, forward: { Attention.weightedSum(weights: weights, values: $0) },
                              backward: { d, v in Attention.weightedSumBackward(d, weights: weights, values: v).dValues })
        var random = SeededRandom(seed: 5)
        let store = ParameterStore()
        let bilinear = BilinearAttention(store: store, name: "bil", querySize: 4, keySize: 4, random: &random)
        _ = GradCheck().check(store: store, input: query, forward: { bilinear.forward(query: $0, keys: keys).0 },
                              backward: { d, q in bilinear.backward(d, query: q, keys: keys, cache: bilinear.forward(query: q, keys: keys).1).dQuery })
        _ = GradCheck().check(store: store, input: keys, forward: { bilinear.forward(query: query, keys: $0).0 },
                              backward: { d, k in bilinear.backward(d, query: query, keys: k, cache: bilinear.forward(query: query, keys: k).1).dKeys })
    }

    @Test func maskedPooling() {
        let m = SequenceMask(lengths: [3, 1], maxLength: 3)
        let x = randomInput([2, 3, 4], seed: 21)
        _ = GradCheck().check(store: nil, input: x, forward: { Pooling.maskedMax($0, mask: m).0 },
                              backward: { d, x in Pooling.maskedMaxBackward(d, argmax: Pooling.maskedMax(x, mask: m).1, shape: x.shape) })
        _ = GradCheck().check(store: nil, input: x, forward: { Pooling.maskedMean($0, mask: m) },
                              backward: { d, x in Pooling.maskedMeanBackward(d, mask: m, shape: x.shape) })
        // The padded positions of row 1 never reach the output.
        var padded = x
        for t in 1..<3 { for d in 0..<4 { padded.data[(3 + t) * 4 + d] = 100 } }
        #expect(Pooling.maskedMax(padded, mask: m).0 == Pooling.maskedMax(x, mask: m).0)
        #expect(Pooling.maskedMean(padded, mask: m) == Pooling.maskedMean(x, mask: m))
    }
}

import Foundation

@Suite struct SequenceAttentionTests {
    func input(_ shape: [Int], _ seed: UInt64) -> Tensor { var r = SeededRandom(seed: seed); return Tensor.normal(shape, std: 1, random: &r) }

    @Test func pairwiseScoresAndWeightedSum() {
        let x = input([2, 3, 4], 1), y = input([2, 5, 4], 2)
        _ = GradCheck().check(store: nil, input: x, forward: { Attention.pairwiseScores($0, y) },
                              backward: { d, x in Attention.pairwiseScoresBackward(d, x: x, y: y).dx })
        _ = GradCheck().check(store: nil, input: y, forward: { Attention.pairwiseScores(x, $0) },
                              backward: { d, y in Attention.pairwiseScoresBackward(d, x: x, y: y).dy })
        let keys = SequenceMask(lengths: [5, 2], maxLength: 5)
        let w = Softmax.maskedLast(input([2, 3, 5], 3), keys: keys)
        let v = input([2, 5, 4], 4)
        _ = GradCheck().check(store: nil, input: w, forward: { Attention.pairwiseWeightedSum(weights: $0, values: v) },
                              backward: { d, w in Attention.pairwiseWeightedSumBackward(d, weights: w, values: v).dWeights })
        _ = GradCheck().check(store: nil, input: v, forward: { Attention.pairwiseWeightedSum(weights: w, values: $0) },
                              backward: { d, v in Attention.pairwiseWeightedSumBackward(d, weights: w, values: v).dValues })
        // Against the definition, by loops.
        let s = Attention.pairwiseScores(x, y)
        var dot: Float = 0
        for d in 0..<4 { dot += x.data[(1 * 3 + 2) * 4 + d] * y.data[(1 * 5 + 3) * 4 + d] }
        #expect(abs(s.data[(1 * 3 + 2) * 5 + 3] - dot) < 1e-5)
    }

    @Test func keyMaskedSoftmax() {
        let keys = SequenceMask(lengths: [5, 2, 0], maxLength: 5)
        let scores = input([3, 2, 5], 5)
        _ = GradCheck().check(store: nil, input: scores, forward: { Softmax.maskedLast($0, keys: keys) },
                              backward: { d, s in Softmax.backward(d, output: Softmax.maskedLast(s, keys: keys)) })
        let y = Softmax.maskedLast(scores, keys: keys)
        #expect(abs(y.data[0..<5].reduce(0, +) - 1) < 1e-6)
        #expect(y.data[(1 * 2) * 5 + 2..<(1 * 2) * 5 + 5].allSatisfy { $0 == 0 })  // row 1 sees only 2 keys
        #expect(y.data[20..<30].allSatisfy { $0 == 0 })  // no keys at all
    }
}

@Suite struct SummedEmbeddingTests {
    @Test func sumOfTablesAndItsGradient() {
        var random = SeededRandom(seed: 6)
        let store = ParameterStore()
        let layer = SummedEmbedding(store: store, tables: [("a", 5), ("b", 3)], dimension: 2, random: &random)
        let ids: [[Int32]] = [[0, 4, 4], [2, 1, 0]]
        let y = layer(ids, shape: [1, 3])
        let a = store.tensor(store.slot(named: "a.weight")!), b = store.tensor(store.slot(named: "b.weight")!)
        #expect(y.data[2] == a.data[8] + b.data[2] && y.data[3] == a.data[9] + b.data[3])  // position 1: a[4] + b[1]
        _ = GradCheck().check(store: store, input: Tensor(zeros: [1]), checkInput: false,
                              forward: { _ in layer(ids, shape: [1, 3]) },
                              backward: { d, _ in layer.backward(d, ids: ids); return nil })
    }
}
