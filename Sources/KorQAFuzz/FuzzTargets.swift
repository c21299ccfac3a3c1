// libFuzzer targets (`make fuzz`): built only with KORQA_FUZZ=1 and `-sanitize=fuzzer,address`,
// which supplies main(). KORQA_FUZZ_TARGET picks the target: text, faq, squad, safetensors.
//
// Each target feeds the bytes to a parser of untrusted input and checks what must hold for any
// input: no trap (libFuzzer reports it), and the invariants below (a violation traps, so it is
// reported as a crash with the input saved).
import Foundation
import FAQRetrieval
import Hangul
import IntentClassifier
import MRCReader
import NeuralCore

enum FuzzTarget: String {
    case text, faq, squad, safetensors

    static let selected: FuzzTarget = {
        guard let name = ProcessInfo.processInfo.environment["KORQA_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
            fatalError("set KORQA_FUZZ_TARGET to one of: text, faq, squad, safetensors")
        }
        return target
    }()
}

/// A per-process scratch folder in memory for the parsers that read files.
let scratch: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let path = base + "/korqa-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

let tokenizers: [any Tokenizer] = TokenUnit.allCases.map(makeTokenizer)
let normalizers = [Normalizer(), Normalizer(options: .init(squashRepeats: 2, composeJamo: true))]

/// Normalizer and tokenizers: every offset lies in the original text, tokens are in order, each
/// normalized scalar maps back to a non-empty original range, and streaming (`forEachToken`)
/// gives exactly `tokenize`'s tokens.
func fuzzText(_ bytes: UnsafeRawBufferPointer) {
    var scalars: [Unicode.Scalar] = []
    _ = UTF8Decoding.decode(bytes.bindMemory(to: UInt8.self), into: &scalars)
    for normalizer in normalizers {
        let normalized = normalizer.normalize(scalars: scalars)
        precondition(normalized.starts.count == normalized.count && normalized.ends.count == normalized.count)
        for i in 0..<normalized.count {
            precondition(0 <= normalized.starts[i] && normalized.starts[i] < normalized.ends[i] && normalized.ends[i] <= scalars.count,
                         "normalized scalar \(i) maps to [\(normalized.starts[i]), \(normalized.ends[i])) of \(scalars.count)")
        }
        for tokenizer in tokenizers {
            var previousStart = 0
            let tokens = tokenizer.tokenize(normalized)
            var streamed = 0
            tokenizer.forEachToken(in: normalized) { text, start, end in
                precondition(streamed < tokens.count && start == tokens[streamed].start && end == tokens[streamed].end
                             && text.elementsEqual(tokens[streamed].text.unicodeScalars), "streamed token \(streamed) differs")
                streamed += 1
            }
            precondition(streamed == tokens.count, "streamed \(streamed) tokens, tokenize gave \(tokens.count)")
            for token in tokens {
                precondition(0 <= token.start && token.start < token.end && token.end <= scalars.count, "token \(token) outside the text")
                precondition(token.start >= previousStart, "token \(token) out of order")
                precondition(!token.text.isEmpty, "empty token at \(token.start)")
                previousStart = token.start
            }
        }
    }
}

/// FAQ files in every format: rows have non-empty questions and answers, no NUL, within limits.
func fuzzFAQ(_ data: Data) {
    let limits = FieldLimits(questionLength: 200, fieldLength: 2_000)
    for name in ["f.csv", "f.tsv", "f.json", "f.jsonl", "f"] {
        guard let file = try? FAQFile.parse(data, path: name, limits: limits) else { continue }
        for row in file.rows {
            precondition(!row.question.isEmpty && !row.answer.isEmpty, "empty field in \(row.location)")
            precondition(row.question.unicodeScalars.count <= 200 && !row.question.unicodeScalars.contains("\u{0}"))
        }
    }
}

/// KorQuAD/SQuAD files: every accepted answer start lies inside its context.
func fuzzSquad(_ data: Data) {
    for strip in [true, false] {
        guard let dataset = try? SquadDataset.parse(data, path: "fuzz.json", stripBoldTags: strip) else { continue }
        for article in dataset.articles {
            for paragraph in article.paragraphs {
                let length = paragraph.context.unicodeScalars.count
                for question in paragraph.questions {
                    for answer in question.answers {
                        precondition(answer.start >= 0 && answer.start + answer.text.unicodeScalars.count <= length)
                    }
                }
            }
        }
    }
}

/// safetensors files, and model folders built around them: accepted tensors read back with the
/// count their shape says; a reader or intent model whose weights file it is either loads or
/// throws (never traps, never allocates past the file's size).
func fuzzSafeTensors(_ data: Data) {
    let folder = scratch + "/model"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/model.safetensors"
    guard (try? data.write(to: URL(fileURLWithPath: path))) != nil else { return }
    if let file = try? SafeTensorsFile(path: path) {
        for name in file.names {
            let info = file.tensors[name]!
            precondition(file.values(name)!.count == info.shape.reduce(1, *))
        }
    }
    if !FileManager.default.fileExists(atPath: folder + "/vocab.txt") {
        try? Vocabulary.build(from: ["가", "나", "다"]).save(to: folder + "/vocab.txt")
    }
    _ = try? Reader.load(from: folder)
    _ = try? IntentClassifier.load(from: folder)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    switch FuzzTarget.selected {
    case .text: fuzzText(bytes)
    case .faq: fuzzFAQ(Data(bytes))
    case .squad: fuzzSquad(Data(bytes))
    case .safetensors: fuzzSafeTensors(Data(bytes))
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `<Target>_main`; hand control to
/// libFuzzer's driver from there (its runtime comes with `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt) -> CInt

@_cdecl("KorQAFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { fuzzOneInput($0, $1) }
}
