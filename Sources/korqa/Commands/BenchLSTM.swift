import ArgumentParser
import NeuralCore
#if canImport(Glibc)
import Glibc
#endif

extension KorQA {
    struct BenchLSTM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lstm",
            abstract: "Training and inference speed of the BiLSTM core (the PyTorch peer's exact model).",
            discussion: """
            Model: Embedding(vocab, embed) -> 1-layer BiLSTM (hidden per direction) -> \
            Linear(2·hidden -> 16) per token, softmax cross-entropy, Adam lr 1e-3, every sequence \
            of the fixed --length. Random token ids and labels from a fixed seed.

            Prints one JSON line per mode (with --json): train at --batch, inference at batch 1 \
            and at --batch, each with tokens_per_s; the last line also has the peak resident memory.
            bench/lstm.sh runs this beside PyTorch at 1 and 2 threads and prints the ratios.

            Example:
              korqa bench lstm --vocab 3000 --embed 64 --hidden 64 --batch 32 --length 400 --threads 1 --seconds 10 --json
            """
        )

        @Option(help: "Vocabulary size.") var vocab = 3000
        @Option(help: "Embedding size.") var embed = 64
        @Option(help: "LSTM hidden size per direction.") var hidden = 64
        @Option(help: "Batch size for training and batched inference.") var batch = 32
        @Option(help: "Sequence length (every sequence).") var length = 400
        @Option(help: "Threads: 2 runs the two LSTM directions side by side (OpenBLAS itself stays at 1; see README).") var threads = 1
        @Option(help: "Seconds to spend per mode (after one warm-up step).") var seconds: Double = 10
        @Option(help: "Which measurements to run, comma-separated: train, infer1, infer-batch.") var modes = "train,infer1,infer-batch"
        @Option(help: "Also write the trained model to this safetensors file.") var checkpoint: String?
        @Flag(help: "Print JSON lines.") var json = false

        func validate() throws {
            for (name, value) in [("--vocab", vocab), ("--embed", embed), ("--hidden", hidden), ("--batch", batch),
                                  ("--length", length), ("--threads", threads)] where value < 1 {
                throw ValidationError("\(name) must be at least 1 (got \(value)).")
            }
            guard seconds > 0 else { throw ValidationError("--seconds must be positive.") }
            let known: Set = ["train", "infer1", "infer-batch"]
            for mode in modes.split(separator: ",") where !known.contains(String(mode)) {
                throw ValidationError("unknown mode '\(mode)' in --modes; use train, infer1, infer-batch.")
            }
        }

        func run() throws {
            Parallelism.configure(threads: threads)
            let labels = 16
            let config = SequenceTagger.Config(vocabularySize: vocab, embeddingSize: embed, hiddenSize: hidden, labelCount: labels)
            let model = SequenceTagger(config, seed: 42)
            var random = SeededRandom(seed: 7)
            func randomIDs(_ n: Int, below: Int) -> [Int32] { (0..<n).map { _ in Int32(random.next() % UInt64(below)) } }
            let ids = randomIDs(batch * length, below: vocab)
            let targets = randomIDs(batch * length, below: labels)
            let batchMask = SequenceMask(lengths: Array(repeating: length, count: batch))
            let singleMask = SequenceMask(lengths: [length])
            var adam = Adam(learningRate: 1e-3)

            func measure(_ mode: String, batch b: Int, _ work: () -> Void) {
                work()  // warm-up: allocations, OpenBLAS buffers
                var steps = 0
                let started = monotonicSeconds()
                var elapsed = 0.0
                while elapsed < seconds {
                    work()
                    steps += 1
                    elapsed = monotonicSeconds() - started
                }
                let tokensPerSecond = Double(steps * b * length) / elapsed
                struct Report: Encodable { var mode: String; var batch, length, threads, steps: Int; var seconds: Double; var tokensPerS, peakRssMb: Int; var blasCore: String }
                let report = Report(mode: mode, batch: b, length: length, threads: threads, steps: steps, seconds: elapsed, tokensPerS: Int(tokensPerSecond),
                                    peakRssMb: peakResidentMegabytes(), blasCore: BLASThreads.coreName)
                print(json ? ((try? JSON.line(report)) ?? "") : "\(mode) batch \(b): \(Int(tokensPerSecond)) tokens/s (\(steps) steps in \(String(format: "%.1f", elapsed)) s)")
            }

            var lastLoss: Float = 0
            let selected = Set(modes.split(separator: ",").map(String.init))
            if selected.contains("train") {
                measure("train", batch: batch) { lastLoss = model.trainStep(ids: ids, labels: targets, mask: batchMask, optimizer: &adam) }
            }
            if selected.contains("infer1") {
                measure("infer", batch: 1) { _ = model.logits(ids: Array(ids[0..<length]), mask: singleMask) }
            }
            if selected.contains("infer-batch") {
                measure("infer", batch: batch) { _ = model.logits(ids: ids, mask: batchMask) }
            }
            if !json { print("final training loss \(lastLoss); peak resident memory \(peakResidentMegabytes()) MB") }
            if let checkpoint {
                try Checkpoint.save(model.store, to: checkpoint, config: config.json)
            }
        }
    }
}

/// Peak resident set size of this process so far, in MB.
func peakResidentMegabytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) / 1024  // Linux reports kilobytes
}
