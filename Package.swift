// swift-tools-version: 6.1
// KorQA: a Korean natural-language-understanding engine (normalize, tokenize, encode, classify,
// retrieve, read, summarize) that runs offline on a CPU from one binary.
//
// Imports only point down: korqa (CLI) -> QAEngine -> tasks -> {Hangul, NeuralCore} -> C shims.
import Foundation
import PackageDescription

let package = Package(
    name: "KorQA",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "korqa", targets: ["korqa"]),
        .library(name: "Hangul", targets: ["Hangul"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // Pinned: GRDB's Linux support is contributor-maintained; 7.10.0 builds and links
        // against Debian 12's system SQLite (3.40, FTS5 on, no WAL snapshots).
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        // The HTTP server (`korqa serve`, issue #25).
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
    ],
    targets: [
        // ICU behind a C face whose header uses only <stdint.h> types (see korqa_icu.h for why).
        .target(
            name: "CKoreanICU",
            linkerSettings: [
                .linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata"),
            ]
        ),
        .target(name: "Hangul", dependencies: ["CKoreanICU"]),
        // OpenBLAS through pkg-config (Debian: libopenblas-dev), wrapped as GRDB wraps SQLite.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Elementwise kernels in C, where the compiler vectorizes them (see korqa_kernels.h).
        .target(name: "CNeuralKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        .target(name: "NeuralCore", dependencies: ["COpenBLAS", "CNeuralKernels"]),
        .target(
            name: "FAQRetrieval",
            dependencies: ["Hangul", "COpenBLAS", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(name: "IntentClassifier", dependencies: ["Hangul", "NeuralCore"]),
        // fastText-style subword vectors for words, trained on raw text (skip-gram).
        .target(name: "WordVectors", dependencies: ["Hangul", "NeuralCore", "CNeuralKernels"]),
        .target(name: "MRCReader", dependencies: ["Hangul", "NeuralCore", "WordVectors"]),
        // The shared encoder (embeddings + forward/backward LSTM stacks) and its self-supervised
        // pre-training (a bidirectional language model over Wikipedia).
        .target(name: "TextEncoder", dependencies: ["Hangul", "NeuralCore", "WordVectors"]),
        // Summaries: a pointer-generator with coverage on the shared encoder (abstractive) and
        // sentence selection (extractive), with ROUGE.
        .target(name: "Summarizer", dependencies: ["Hangul", "NeuralCore", "TextEncoder"]),
        .target(name: "QAEngine", dependencies: ["FAQRetrieval", "IntentClassifier", "MRCReader", "TextEncoder", "Summarizer", "WordVectors", "Hangul"]),
        // `korqa serve`: the engine behind JSON endpoints (Hummingbird 2); no logic of its own.
        .target(name: "KorQAServer", dependencies: ["QAEngine", "FAQRetrieval", "Summarizer", .product(name: "Hummingbird", package: "hummingbird")]),
        // GNU readline for the chat REPL (line editing and history).
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        .executableTarget(
            name: "korqa",
            dependencies: [
                "Hangul",
                "NeuralCore",
                "FAQRetrieval",
                "QAEngine",
                "IntentClassifier",
                "MRCReader",
                "WordVectors",
                "TextEncoder",
                "Summarizer",
                "CReadline",
                "KorQAServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HangulTests", dependencies: ["Hangul"]),
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "TestSupport"]),
        .testTarget(name: "FAQRetrievalTests", dependencies: ["FAQRetrieval"]),
        // Helpers shared by the test targets (not shipped in the product).
        .target(name: "TestSupport", dependencies: ["NeuralCore"], path: "Tests/TestSupport"),
        .testTarget(name: "IntentClassifierTests", dependencies: ["IntentClassifier", "Hangul", "NeuralCore", "TestSupport"]),
        .testTarget(name: "WordVectorsTests", dependencies: ["WordVectors", "Hangul", "NeuralCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MRCReaderTests", dependencies: ["MRCReader", "Hangul", "NeuralCore", "WordVectors", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TextEncoderTests", dependencies: ["TextEncoder", "Hangul", "NeuralCore", "WordVectors", "TestSupport"]),
        .testTarget(name: "SummarizerTests", dependencies: ["Summarizer", "TextEncoder", "Hangul", "NeuralCore", "TestSupport"]),
        .testTarget(name: "QAEngineTests", dependencies: ["QAEngine", "FAQRetrieval", "IntentClassifier", "MRCReader", "NeuralCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KorQAServerTests", dependencies: ["KorQAServer", "QAEngine", "FAQRetrieval", "MRCReader",
                                                              .product(name: "HummingbirdTesting", package: "hummingbird")]),
        // Runs the built korqa binary as a user would.
        .testTarget(name: "korqaTests", dependencies: ["korqa"]),
    ]
)

// libFuzzer targets, built only by `make fuzz` (KORQA_FUZZ=1 with -sanitize=fuzzer,address, which
// supplies main()); a plain build never sees them.
if ProcessInfo.processInfo.environment["KORQA_FUZZ"] == "1" {
    package.targets.append(.executableTarget(
        name: "KorQAFuzz",
        dependencies: ["Hangul", "NeuralCore", "FAQRetrieval", "MRCReader", "IntentClassifier"]
    ))
}
