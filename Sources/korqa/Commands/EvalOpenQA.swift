import ArgumentParser
import Foundation
import MRCReader
import NeuralCore
import QAEngine

extension KorQA {
    struct EvalOpenQA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "open-qa",
            abstract: "Answer KorQuAD/SQuAD questions from an indexed document collection (retriever → reader) and score them.",
            discussion: """
            Every question is answered from the documents of --db (`korqa index --documents …`), \
            never from its own paragraph: the best --retrieve passages are found by BM25, the \
            reader reads the first --read of them, and the span with the best cross-passage score \
            is the answer. Prints retrieval recall@1/5/20 (a retrieved passage contains a gold \
            answer), EM/F1, and seconds per question (p50/p95, retrieval and reading).

            A fair run needs a reader that never trained on the questions: --fold N --fold-file F \
            keeps only fold N's articles (resources/reader-open-qa-fold5, made by `make \
            open-qa-reader`, is the shipped method without fold 5 of resources/korquad-dev-folds.tsv).

            --calibrate fits the cross-passage score (a logistic model of "this span is right" on \
            the reader's probability, the passage's retrieval share and its coverage of the \
            question) by two-fold cross-fitting over the articles, reports the held-out result, \
            and prints the fit on all questions. --unanswerable adds the results of the same \
            questions against a collection without their articles, so the score learns to say \
            "no answer". --rescore scores an earlier --results file again (DATA is then not read).

            Example:
              korqa index --documents ../shared/data/mrc/kowiki ../shared/data/korquad/KorQuAD_v1.0_dev.json --db wiki.sqlite
              korqa eval open-qa ../shared/data/korquad/KorQuAD_v1.0_dev.json --db wiki.sqlite \\
                --model resources/reader-open-qa-fold5 --fold 5 --fold-file resources/korquad-dev-folds.tsv --calibrate
            """
        )

        @Argument(help: "KorQuAD/SQuAD v1.1 JSON with the questions.") var data: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var model: ReaderModelOptions
        @Option(help: "Only the articles of this fold (1-based) of --fold-file.") var fold: Int?
        @Option(help: "Fold assignment: index<TAB>fold<TAB>title per article of DATA.") var foldFile: String?
        @Option(help: "Passages retrieved per question (recall is reported at 1, 5 and this depth).") var retrieve = 20
        @Option(help: "Passages the reader reads per question.") var read = 5
        @Option(help: "At most this many questions (quick trials).") var limit: Int?
        @Flag(help: "Fit the cross-passage score by two-fold cross-fitting and print the fit.") var calibrate = false
        @Option(help: "Write every question's retrieved rank and candidate spans here (JSON lines).") var results: String?
        @Option(help: "Score (and with --calibrate, calibrate) the results of an earlier run (its --results file) instead of answering again.")
        var rescore: String?
        @Option(help: ArgumentHelp("With --calibrate: results (a --results file) of the same questions against a collection that does not hold their articles (e.g. the bundled Wikipedia slice), so the score also learns what an unanswerable question looks like; reported apart.", valueName: "FILE"))
        var unanswerable: [String] = []
        @Option(help: "The score under which no answer is given, for the answered share and the EM of those answered.") var threshold = 0.5
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            guard retrieve >= 1, read >= 1 else { throw ValidationError("--retrieve and --read must be at least 1.") }
            if (fold == nil) != (foldFile == nil) { throw ValidationError("--fold and --fold-file go together.") }
            if let fold, fold < 1 { throw ValidationError("--fold is 1-based (got \(fold)).") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
            if !unanswerable.isEmpty && !calibrate { throw ValidationError("--unanswerable is calibration data: add --calibrate.") }
            guard (0...1).contains(threshold) else { throw ValidationError("--threshold is a probability in [0, 1] (got \(threshold)).") }
        }

        func answer() throws -> [OpenQAEvaluation.QuestionResult] {
            if let rescore { return try OpenQAEvaluation.readResults(rescore) }
            var dataset = try SquadDataset.load(path: data, stripBoldTags: true)
            if let fold, let foldFile { dataset = try OpenQAEvaluation.fold(fold, of: dataset, foldFile: foldFile) }
            if let limit { dataset = dataset.limited(toQuestions: limit) }
            Parallelism.configure(threads: model.threads)
            let store = try database.open(quiet: json, readOnly: true)
            let reader = try model.load()
            let engine = Engine(store: store, loadReader: { reader })
            var options = OpenQAEvaluation.Options()
            options.retrieve = retrieve
            options.read = read
            var progress = ProgressLine(label: "answering")
            let answered = try OpenQAEvaluation.run(dataset, engine: engine, options: options) { progress.update(done: $0, total: $1) }
            progress.finish()
            return answered
        }

        func run() throws {
            let answered = try answer()
            if let results {
                let lines = try answered.map { try JSON.line($0) }.joined(separator: "\n") + "\n"
                try Data(lines.utf8).write(to: URL(fileURLWithPath: results), options: .atomic)
            }
            let depths = [1, 5, retrieve]
            let report = OpenQAEvaluation.report(answered, scoring: DocumentScoring(), depths: depths, threshold: threshold)
            let negatives = try unanswerable.map { try OpenQAEvaluation.readResults($0) }
            let calibrated = calibrate ? OpenQAEvaluation.crossFitted([answered] + negatives, threshold: threshold, depths: depths) : nil
            let negativeReports = negatives.map { OpenQAEvaluation.report($0, scoring: DocumentScoring(), depths: depths, threshold: threshold) }
            if json {
                struct Output: Encodable {
                    var report: OpenQAEvaluation.Report
                    var unanswerable: [OpenQAEvaluation.Report]
                    var crossFitted: OpenQAEvaluation.Report?
                    var crossFittedUnanswerable: [OpenQAEvaluation.Report]?
                    var fittedScoring: DocumentScoring?
                }
                print(try JSON.line(Output(report: report, unanswerable: negativeReports, crossFitted: calibrated?.reports[0],
                                           crossFittedUnanswerable: calibrated.map { Array($0.reports.dropFirst()) }, fittedScoring: calibrated?.fitted)))
                return
            }
            func show(_ name: String, _ r: OpenQAEvaluation.Report) {
                print(String(format: "%@: EM %.2f  F1 %.2f; answering only at score ≥ %.2f: %.1f%% answered, EM %.2f of those; mean score %.1f",
                             name, r.exactMatch, r.f1, r.threshold, r.answered, r.exactMatchAnswered, r.meanScore))
            }
            print("\(report.questions) questions; retrieval recall " + depths.map { String(format: "@%d %.3f", $0, report.recall[String($0)] ?? 0) }.joined(separator: "  "))
            show("shipped scoring", report)
            for (file, r) in zip(unanswerable, negativeReports) { show("shipped scoring, unanswerable (\(file))", r) }
            if let calibrated {
                show("cross-fitted scoring", calibrated.reports[0])
                for (file, r) in zip(unanswerable, calibrated.reports.dropFirst()) { show("cross-fitted scoring, unanswerable (\(file))", r) }
                let f = calibrated.fitted
                print(String(format: "fit on all questions: readerWeight %.4f  retrievalWeight %.4f  coverageWeight %.4f  bias %.4f",
                             f.readerWeight, f.retrievalWeight, f.coverageWeight, f.bias))
            }
            print(String(format: "seconds per question (retrieval + reading %d passages, %d thread(s)): p50 %.3f  p95 %.3f%@",
                         read, model.threads, report.p50Seconds, report.p95Seconds,
                         report.p50RetrievalSeconds.map { String(format: "; retrieval alone p50 %.1f ms", $0 * 1000) } ?? ""))
        }
    }
}
