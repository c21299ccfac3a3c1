import Foundation
import Hangul
import NeuralCore

/// One `korqa train encoder` run: the corpus, what to leave out of it, the encoder's size and
/// the optimizer's settings. Field names are the command's flags (`chunkLength` ↔ `--chunk-length`).
public struct EncoderPretrainingConfig: Codable, Equatable, Sendable {
    /// A text file or a folder of WikiExtractor shards.
    public var corpus: String
    public var out: String
    /// `TextCorpus.titleKey`s of articles to leave out (those of every scored data set).
    public var excludedTitles: [String] = []
    /// Read at most this many megabytes (quick trials).
    public var maxMegabytes: Int?
    /// Syllables per training chunk (lines are cut at spaces into chunks of at most this many).
    public var chunkLength = 128
    /// Articles whose title hash falls in this per-mille share are held out for perplexity.
    public var heldOutPerMille = 10
    /// Held-out chunks scored after each epoch (a fixed sample of the held-out articles').
    public var validationChunks = 2000
    /// Syllables seen at least `minCount` times, at most `vocabularySize` of them.
    public var vocabularySize = 6000
    public var minCount = 5
    public var embed = 128
    public var hidden = 192
    public var layers = 2
    public var dropout: Float = 0.1
    /// Negatives per batch for the sampled softmax.
    public var negatives = 512
    /// Chunks per epoch: an epoch is one part of the corpus, so checkpoints come often; the
    /// parts are walked in turn (epoch e reads part (e−1) mod parts).
    public var chunksPerEpoch = 20_000
    public var epochs = 20
    public var batchSize = 32
    public var learningRate: Float = 2e-3
    public var warmupSteps = 500
    public var seed: UInt64 = 1
    public var resume = false

    public init(corpus: String, out: String) {
        self.corpus = corpus
        self.out = out
    }

    public func check() throws(TextEncoderError) {
        for (name, value) in [("chunkLength", chunkLength), ("validationChunks", validationChunks), ("vocabularySize", vocabularySize), ("minCount", minCount),
                              ("embed", embed), ("hidden", hidden), ("layers", layers), ("negatives", negatives), ("chunksPerEpoch", chunksPerEpoch),
                              ("epochs", epochs), ("batchSize", batchSize)] where value < 1 {
            throw .invalidRunConfig(field: name, reason: "must be at least 1 (got \(value))")
        }
        guard (0..<1000).contains(heldOutPerMille) else { throw .invalidRunConfig(field: "heldOutPerMille", reason: "must be in 0…999") }
        guard learningRate > 0 else { throw .invalidRunConfig(field: "learningRate", reason: "must be positive") }
        guard dropout >= 0 && dropout < 1 else { throw .invalidRunConfig(field: "dropout", reason: "must be in [0, 1)") }
        if let maxMegabytes, maxMegabytes < 1 { throw .invalidRunConfig(field: "maxMegabytes", reason: "must be at least 1") }
    }
}

/// What the pre-training tells its front end besides training progress.
public protocol EncoderPretrainingObserver: TrainingObserver {
    func note(_ message: String)
    func progress(_ message: String)
    /// The corpus is read: training starts on chunks of this mean length (syllables).
    func corpusRead(chunks: Int, syllablesPerChunk: Double)
}

/// The corpus as training material: chunks of the training articles and of the held-out ones.
public struct PretrainingCorpus: Sendable {
    public var train: [String] = []
    public var heldOut: [String] = []
    public var skippedArticles = 0
    public var heldOutArticles = 0
    public var bytes = 0

    /// Whether an article is held out: FNV-1a of its title key, per mille.
    public static func isHeldOut(title: String, perMille: Int) -> Bool {
        Int(FNV1a.hash(TextCorpus.titleKey(title).utf8) % 1000) < perMille
    }

    /// Cuts a line into pieces of at most `length` scalars, at spaces where it can.
    public static func chunks(of line: String, length: Int) -> [String] {
        var pieces: [String] = []
        var current = "", count = 0
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            let n = word.unicodeScalars.count
            if count > 0 && count + 1 + n > length {
                pieces.append(current); current = ""; count = 0
            }
            if n > length {  // one word longer than a chunk: cut it
                var scalars = Array(word.unicodeScalars)[...]
                while scalars.count > length {
                    pieces.append(String(String.UnicodeScalarView(scalars.prefix(length)))); scalars = scalars.dropFirst(length)
                }
                current = String(String.UnicodeScalarView(scalars)); count = scalars.count
                continue
            }
            current += count > 0 ? " " + word : String(word)
            count += (count > 0 ? 1 : 0) + n
        }
        if count > 0 { pieces.append(current) }
        return pieces
    }

    /// Reads `config.corpus`, leaving out the excluded titles' articles and holding out a share
    /// of the rest. `progress(filesDone, filesTotal, bytes)` after each file.
    public static func read(_ config: EncoderPretrainingConfig, progress: (Int, Int, Int) -> Void = { _, _, _ in }) throws -> PretrainingCorpus {
        var corpus = PretrainingCorpus()
        let excluded = Set(config.excludedTitles)
        let limit = config.maxMegabytes.map { $0 << 20 } ?? .max
        let files = try TextCorpus.files(at: config.corpus)
        for (f, file) in files.enumerated() where corpus.bytes < limit {
            var skipping = false, heldOut = false, firstLine = false, title = ""
            TextCorpus.forEachLine(in: try TextCorpus.contents(of: file)) { line in
                switch line {
                case .articleStart(let t):
                    title = t
                    skipping = excluded.contains(TextCorpus.titleKey(t))
                    heldOut = !skipping && isHeldOut(title: t, perMille: config.heldOutPerMille)
                    if skipping { corpus.skippedArticles += 1 } else if heldOut { corpus.heldOutArticles += 1 }
                    firstLine = true
                case .articleEnd:
                    skipping = false; heldOut = false
                case .text(let bytes):
                    defer { firstLine = false }
                    guard !skipping else { break }
                    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    // WikiExtractor repeats the title as the article's first line.
                    if firstLine && text == title { break }
                    let pieces = chunks(of: text, length: config.chunkLength).filter { $0.unicodeScalars.count >= 8 }
                    if heldOut { corpus.heldOut += pieces } else { corpus.train += pieces }
                    corpus.bytes += bytes.count
                }
                return corpus.bytes < limit
            }
            progress(f + 1, files.count, corpus.bytes)
        }
        return corpus
    }
}

/// The result of a pre-training run.
public struct EncoderPretrainingResult: Sendable {
    public var summary: TrainingSummary
    public var trainChunks: Int
    public var trainSyllables: Int
    public var heldOutPerplexity: Double
    public var vocabularySize: Int
}

extension EncoderPretrainingConfig {
    /// Pre-trains the encoder as a bidirectional language model: reads and chunks the corpus,
    /// builds the syllable vocabulary (OUT/vocab.txt), and trains with checkpoints in OUT
    /// (best/last.safetensors, metrics.jsonl with the held-out perplexity per epoch as
    /// −perplexity, learning-curve.svg). Resumable.
    public func run(observer: any EncoderPretrainingObserver) throws -> EncoderPretrainingResult {
        try check()
        try TrainingDirectory.checkOutput(out, resume: resume)
        let corpus = try PretrainingCorpus.read(self) { done, total, bytes in
            observer.progress(String(format: "\rreading %@: file %d/%d, %.1f MB", self.corpus, done, total, Double(bytes) / 1e6))
        }
        observer.progress("\n")
        guard corpus.train.count >= batchSize, !corpus.heldOut.isEmpty else {
            throw TextEncoderError.cannotTrain(reason: "\(self.corpus) gave \(corpus.train.count) training and \(corpus.heldOut.count) held-out chunks; give more text")
        }
        // The vocabulary: kept across a resume (the checkpoint's ids depend on it).
        let vocabularyPath = out + "/vocab.txt"
        var counts: [String: Int] = [:]
        var syllables = 0
        for chunk in corpus.train {
            for token in TextFeaturizer.tokens(chunk) { counts[token.text, default: 0] += 1; syllables += 1 }
        }
        let vocabulary: Vocabulary
        if resume, FileManager.default.fileExists(atPath: vocabularyPath) {
            vocabulary = try Vocabulary.load(from: vocabularyPath)
        } else {
            vocabulary = Vocabulary.build(counts: counts, minCount: minCount, maxSize: vocabularySize)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try vocabulary.save(to: vocabularyPath)
        }
        var idCounts = [Int](repeating: 0, count: vocabulary.count)
        for (token, n) in counts { idCounts[vocabulary.id(of: token)] += n }
        var config = TextEncoderConfig(vocabularySize: vocabulary.count)
        config.embeddingSize = embed; config.hiddenSize = hidden; config.layers = layers; config.dropout = dropout
        let model = BiLanguageModel(config: config, featurizer: TextFeaturizer(vocabulary: vocabulary, wordVectors: nil), counts: idCounts,
                                    negatives: negatives, maxLength: chunkLength, seed: seed)
        observer.note(String(format: "%d training chunks (%d syllables, %.1f per chunk), %d held-out chunks from %d held-out articles; %d articles left out by title; vocabulary %d syllables; %d parameters",
                             corpus.train.count, syllables, Double(syllables) / Double(corpus.train.count), corpus.heldOut.count,
                             corpus.heldOutArticles, corpus.skippedArticles, vocabulary.count, model.store.count))
        observer.corpusRead(chunks: corpus.train.count, syllablesPerChunk: Double(syllables) / Double(corpus.train.count))
        // Epoch e reads part (e−1) mod parts of a seeded order of the chunks.
        var random = SeededRandom(seed: seed &+ 17)
        var order = Array(corpus.train.indices)
        order.shuffle(using: &random)
        let perEpoch = min(chunksPerEpoch, order.count), parts = max(1, order.count / perEpoch)
        let validation = Array(corpus.heldOut.enumerated().filter { $0.offset % max(1, corpus.heldOut.count / validationChunks) == 0 }.map(\.element).prefix(validationChunks))
        let trainer = Trainer(task: model, config: TrainConfig(epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                                                               warmupSteps: warmupSteps, decay: .linear, clipNorm: 5, patience: epochs, seed: seed),
                              directory: out)
        trainer.observer = observer
        let summary = try trainer.run(train: corpus.train, validation: validation, resume: resume) { epoch in
            let part = (epoch - 1) % parts
            return Array(order[(part * perEpoch)..<((part + 1) * perEpoch)])
        }
        try Self.exportEncoder(run: out, to: out + "/encoder", metadata: ["korqa.heldout_perplexity": String(-summary.bestMetric)])
        return EncoderPretrainingResult(summary: summary, trainChunks: corpus.train.count, trainSyllables: syllables,
                                        heldOutPerplexity: -(summary.records.last?.validationMetric ?? -.infinity), vocabularySize: vocabulary.count)
    }

    /// Writes the encoder alone — without the language model's output layer — of a pre-training
    /// run (`run`/best.safetensors, `run`/vocab.txt) into the model folder `directory`
    /// (model.safetensors in F16 + vocab.txt): what ships as resources/encoder-kowiki and what
    /// `--encoder DIR` of the task trainers loads.
    public static func exportEncoder(run: String, to directory: String, metadata: [String: String] = [:]) throws {
        let checkpoint = run + "/best.safetensors"
        let (configText, _) = try Checkpoint.header(at: checkpoint)
        guard let config = try? JSONDecoder().decode(TextEncoderConfig.self, from: Data(configText.utf8)) else {
            throw NeuralError.checkpointMismatch(path: checkpoint, reason: "it is not a pre-trained encoder's checkpoint")
        }
        let vocabulary = try ModelFolder.vocabulary(in: run, size: config.vocabularySize)
        let store = ParameterStore()
        var random = SeededRandom(seed: 0)
        let encoder = TextEncoder(store: store, prefix: "encoder", config: config, random: &random)
        try encoder.loadWeights(from: checkpoint)
        try ModelFolder.save(store, config: config.json, vocabulary: vocabulary, to: directory, metadata: metadata)
    }
}

/// What the encoder's pre-training can fail with.
public enum TextEncoderError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case invalidRunConfig(field: String, reason: String)
    case cannotTrain(reason: String)
    case cannotRead(path: String, reason: String)
    case malformed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidRunConfig(let field, let reason): return "\(field) \(reason)"
        case .cannotTrain(let reason): return reason
        case .cannotRead(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .malformed(let path, let line, let reason): return "\(path):\(line): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
