import ArgumentParser
import NeuralCore
#if canImport(Glibc)
import Glibc
#endif

@main
struct KorQA: ParsableCommand {
    /// Keep freed memory in the heap instead of returning it to the kernel: training allocates
    /// and frees the same ~40 MB of activations every step, and with glibc's defaults each
    /// allocation is a fresh mmap whose page faults cost a fifth of the run time.
    static func tuneAllocator() {
        #if canImport(Glibc)
        _ = glibcMallopt(-3, 1 << 30)  // M_MMAP_THRESHOLD (<malloc.h>)
        _ = glibcMallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD
        #endif
    }

    /// OpenBLAS picks its kernels when it loads, from OPENBLAS_CORETYPE if set. Some machines
    /// (this project's among them) export OPENBLAS_CORETYPE=Haswell, which on newer CPUs runs
    /// KorQA's BiLSTM 1.6–3.3× slower than OpenBLAS's own detection (README, "OpenBLAS kernels").
    /// So KorQA runs itself once more without it, unless KORQA_KEEP_OPENBLAS_CORETYPE=1 asks
    /// to keep the inherited choice.
    static func dropInheritedBLASCoreType() {
        #if os(Linux)
        guard getenv("OPENBLAS_CORETYPE") != nil, getenv("KORQA_KEEP_OPENBLAS_CORETYPE") == nil else { return }
        unsetenv("OPENBLAS_CORETYPE")
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed (no /proc?): carry on with the kernels already chosen.
        #endif
    }

    static func main() {
        dropInheritedBLASCoreType()
        tuneAllocator()
        BLASThreads.stopWorkers()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: ErrorHints.decorated(error))
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "korqa",
        abstract: "Korean natural-language understanding, offline on a CPU.",
        discussion: """
        A Korean chatbot engine that runs offline on a CPU: it answers from your FAQ files \
        (lexical BM25 search), reads answer spans out of passages (extractive MRC, KorQuAD \
        format), classifies utterances (question, command, …), and normalizes and tokenizes \
        Korean text with offsets into the original. `korqa chat` routes each line to the right \
        one. Nothing leaves the machine.

        Start here (each command's --help has more examples):
          korqa chat
          korqa ask "비밀번호를 잊어버렸어요"
          korqa index my_faq.csv
          korqa read --context-file doc.txt "지미 카터는 언제 태어났나?"
          korqa intent "창문 좀 닫아 줘"
          korqa tokenize --unit jamo --json "한국어"
        """,
        version: "0.1.0",
        subcommands: [Chat.self, Serve.self, Ask.self, Read.self, Index.self, Intent.self, Summarize.self, Similar.self, Analogy.self, Plot.self, Documents.self, Normalize.self, Tokenize.self, Train.self, Eval.self, Bench.self]
    )
}

#if canImport(Glibc)
/// glibc's mallopt(3), declared here because the Glibc module does not include <malloc.h>.
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
