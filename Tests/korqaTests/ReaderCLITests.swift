import Foundation
import Testing

/// A KorQuAD-format file of capital-city questions, one article each, plus a second file (the
/// TyDi role: added to every fold's training data).
func writeCapitalQA(to directory: String) throws -> (main: String, extra: String) {
    let countries = ["한국", "일본", "프랑스", "독일", "영국", "이집트", "캐나다", "호주", "중국", "러시아"]
    let capitals = ["서울", "도쿄", "파리", "베를린", "런던", "카이로", "오타와", "캔버라", "베이징", "모스크바"]
    func article(_ i: Int) -> [String: Any] {
        let other = (i + 3) % countries.count
        let context = "\(countries[other])에는 \(capitals[other])이 있다. \(countries[i])의 수도는 \(capitals[i])이다. 날씨가 좋다."
        let start = context.unicodeScalars.count - ("\(capitals[i])이다. 날씨가 좋다.".unicodeScalars.count)
        return ["title": countries[i], "paragraphs": [["context": context, "qas": [[
            "id": "q\(i)", "question": "\(countries[i])의 수도는 어디인가?",
            "answers": [["text": capitals[i], "answer_start": start]]]]]]]
    }
    let main = directory + "/capitals.json", extra = directory + "/extra.json"
    try JSONSerialization.data(withJSONObject: ["version": "1.1", "data": (0..<8).map(article)]).write(to: URL(fileURLWithPath: main))
    try JSONSerialization.data(withJSONObject: ["data": (8..<10).map(article)]).write(to: URL(fileURLWithPath: extra))
    return (main, extra)
}

let tinyReaderOptions = ["--embed", "16", "--hidden", "16", "--layers", "1", "--dropout", "0", "--learning-rate", "0.02",
                         "--batch-size", "8", "--warmup-steps", "0", "--threads", "1"]

@Suite struct ReaderCommandTests {
    /// train reader -> read -> eval korquad (running the reader, then scoring its own file) -> chat /passage.
    @Test func trainReadEvaluateAndChat() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let (main, extra) = try writeCapitalQA(to: d)
        let model = d + "/reader"
        let trained = try korqa(["train", "reader", "--train", main, "--train", extra, "--no-holdout", "--epochs", "120",
                                 "--out", model] + tinyReaderOptions)
        // --no-holdout keeps the last epoch: with a --dev the best is the first epoch at F1 100, often still unsure.
        #expect(trained.status == 0, "\(trained.err)")
        #expect(trained.out.contains("kept the last epoch (120): training-sample F1") && trained.out.contains("questions/s"))
        #expect(FileManager.default.fileExists(atPath: model + "/model.safetensors") && FileManager.default.fileExists(atPath: model + "/training/learning-curve.svg"))

        let context = "프랑스에는 파리이 있다. 한국의 수도는 서울이다. 날씨가 좋다."
        let read = try korqa(["read", "--model", model, "--context", context, "한국의 수도는 어디인가?", "--json", "--top", "2"])
        #expect(read.status == 0, "\(read.err)")
        let object = try JSONSerialization.jsonObject(with: Data(read.out.utf8)) as! [String: Any]
        let answers = object["answers"] as! [[String: Any]]
        #expect(answers.count == 2 && answers[0]["text"] as? String == "서울")
        for a in answers {  // offsets are code points into the passage as given
            let s = a["start"] as! Int, e = a["end"] as! Int
            #expect(String(String.UnicodeScalarView(Array(context.unicodeScalars)[s..<e])) == a["text"] as! String)
        }
        let file = d + "/passage.txt"
        try context.write(toFile: file, atomically: true, encoding: .utf8)
        // --ensemble-with loads its readers (the averaging itself is tested in MRCReaderTests):
        // the reader with itself answers as alone, a missing one is named.
        let doubled = try korqa(["read", "--model", model, "--ensemble-with", model, "--context", context, "한국의 수도는 어디인가?", "--json", "--top", "2"])
        // Scores are printed at full precision: averaging a reader with itself may move the last bit.
        let doubledAnswers = (try JSONSerialization.jsonObject(with: Data(doubled.out.utf8)) as! [String: Any])["answers"] as! [[String: Any]]
        #expect(doubled.status == 0 && doubledAnswers.count == answers.count, "\(doubled.err)")
        for (a, b) in zip(doubledAnswers, answers) {
            #expect(a["text"] as? String == b["text"] as? String && a["start"] as? Int == b["start"] as? Int && a["end"] as? Int == b["end"] as? Int)
            #expect(abs((a["score"] as! Double) - (b["score"] as! Double)) < 1e-6)
        }
        let missing = try korqa(["read", "--model", model, "--ensemble-with", d + "/nowhere", "--context", context, "한국의 수도는 어디인가?"])
        #expect(missing.status != 0 && missing.err.contains("no reader model at '\(d)/nowhere'"), "\(missing.err)")
        // A blank question or passage is refused (status 1) with what to give instead.
        let blankQuestion = try korqa(["read", "--model", model, "--context", context, "  "])
        #expect(blankQuestion.status != 0 && blankQuestion.err.contains("the question is empty"), "\(blankQuestion.err)")
        let blankFile = d + "/blank.txt"
        try " \n".write(toFile: blankFile, atomically: true, encoding: .utf8)
        let blankPassage = try korqa(["read", "--model", model, "--context-file", blankFile, "한국의 수도는?"])
        #expect(blankPassage.status != 0 && blankPassage.err.contains("\(blankFile) holds no text"), "\(blankPassage.err)")
        let plain = try korqa(["read", "--model", model, "--context-file", file, "한국의 수도는 어디인가?"])
        #expect(plain.status == 0 && plain.out.hasPrefix("서울\n") && plain.out.contains("score"))
        // --max-answer bounds the span: one syllable cannot hold "서울".
        let short = try korqa(["read", "--model", model, "--context", context, "한국의 수도는 어디인가?", "--json", "--max-answer", "1"])
        let shortAnswers = (try JSONSerialization.jsonObject(with: Data(short.out.utf8)) as! [String: Any])["answers"] as! [[String: Any]]
        #expect(short.status == 0 && !shortAnswers.isEmpty && shortAnswers.allSatisfy { ($0["end"] as! Int) - ($0["start"] as! Int) == 1 })

        let predictions = d + "/pred.json"
        let evaluated = try korqa(["eval", "korquad", main, "--model", model, "--output", predictions, "--json"])
        #expect(evaluated.status == 0, "\(evaluated.err)")
        let score = try JSONSerialization.jsonObject(with: Data(evaluated.out.utf8)) as! [String: Any]
        #expect(score["count"] as? Int == 8 && (score["f1"] as! Double) > 90 && (score["answers_per_s"] as! Double) > 0)
        // Reading in windows shorter than the passages (overlapping, stride half the window).
        let windowed = try korqa(["eval", "korquad", main, "--model", model, "--window", "12", "--json"])
        #expect(windowed.status == 0, "\(windowed.err)")
        let windowedScore = try JSONSerialization.jsonObject(with: Data(windowed.out.utf8)) as! [String: Any]
        #expect(windowedScore["count"] as? Int == 8)
        let rescored = try korqa(["eval", "korquad", main, "--predictions", predictions, "--json"])
        let again = try JSONSerialization.jsonObject(with: Data(rescored.out.utf8)) as! [String: Any]
        #expect(again["f1"] as? Double == score["f1"] as? Double && again["exact_match"] as? Double == score["exact_match"] as? Double)

        // Chat: the passage answers what it can; an unrelated question falls back to the FAQ.
        let faq = d + "/faq.csv"
        try "question,answer\n영업시간이 어떻게 되나요,평일 9시부터 6시까지입니다\n".write(toFile: faq, atomically: true, encoding: .utf8)
        #expect(try korqa(["index", faq, "--db", d + "/faq.sqlite"]).status == 0)
        let chat = try korqa(["chat", "--db", d + "/faq.sqlite", "--reader-model", model],
                             input: Data("/passage \(file)\n한국의 수도는 어디인가?\n영업시간이 어떻게 되나요\n/passage off\n영업시간이 어떻게 되나요\n".utf8))
        #expect(chat.status == 0, "\(chat.err)")
        let replies = chat.out.components(separatedBy: "\n\n")
        #expect(replies.count >= 5, "\(chat.out)")
        #expect(replies[0].contains("\(file)에서 답할게요"))
        #expect(replies[1].hasPrefix("서울") && replies[1].contains("(지문에서 · 점수"))
        #expect(replies[2].contains("지문에서 분명한 답을 찾지 못했어요") && replies[2].contains("평일 9시부터 6시까지입니다"))
        #expect(replies[4].hasPrefix("평일 9시부터 6시까지입니다"))
        let chatWithMissingPartner = try korqa(["chat", "--db", d + "/faq.sqlite", "--reader-model", model, "--reader-ensemble-with", d + "/nowhere"],
                                               input: Data("/passage \(file)\n".utf8))
        #expect(chatWithMissingPartner.out.contains("reader 모델을 불러올 수 없어요") && chatWithMissingPartner.out.contains("\(d)/nowhere"), "\(chatWithMissingPartner.out)")
    }

    /// K-fold cross-validation by article: per-fold and pooled scores, predictions for every question.
    @Test func crossValidationByArticle() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let (main, extra) = try writeCapitalQA(to: d)
        let out = d + "/cv"
        let r = try korqa(["train", "reader", "--train", main, "--train", extra, "--folds", "2", "--epochs", "3", "--out", out] + tinyReaderOptions)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("fold 1: EM") && r.out.contains("fold 2: EM") && r.out.contains("not an official score"))
        let cv = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cv.json"))) as! [String: Any]
        let folds = cv["folds"] as! [[String: Any]]
        #expect(folds.map { $0["count"] as! Int }.reduce(0, +) == 8)
        #expect((cv["pooled"] as! [String: Any])["count"] as? Int == 8)
        let predictions = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cv-predictions.json"))) as! [String: String]
        #expect(Set(predictions.keys) == Set((0..<8).map { "q\($0)" }))
        // --no-holdout: each fold trains on every article outside its test fold (4 + the 2 extra
        // questions) for all --epochs, as the shipped reader is trained, and keeps the last epoch.
        let all = try korqa(["train", "reader", "--train", main, "--train", extra, "--folds", "2", "--epochs", "2", "--no-holdout",
                             "--out", d + "/cv-all"] + tinyReaderOptions)
        #expect(all.status == 0, "\(all.err)")
        #expect(all.err.contains("fold 1/2: training on 6 questions, watching F1 on 6 of them") && all.err.contains("fold 2/2: training on 6 questions"), "\(all.err)")
        #expect(all.out.contains("fold training: kept the last epoch (2): training-sample F1") && all.out.contains("pooled"), "\(all.out)")
        // --only-fold: one held-out reader (fold 2's), scored on fold 2's questions alone.
        let one = try korqa(["train", "reader", "--train", main, "--train", extra, "--folds", "2", "--only-fold", "2", "--epochs", "2", "--no-holdout",
                             "--out", d + "/cv-one"] + tinyReaderOptions)
        #expect(one.status == 0 && !one.out.contains("fold 1: EM") && one.out.contains("fold 2: EM"), "\(one.out) \(one.err)")
        #expect(FileManager.default.fileExists(atPath: d + "/cv-one/fold-2/model.safetensors") && !FileManager.default.fileExists(atPath: d + "/cv-one/fold-1"))
        let oneScores = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/cv-one/cv.json"))) as! [String: Any]
        #expect((oneScores["pooled"] as! [String: Any])["count"] as? Int == (oneScores["folds"] as! [[String: Any]])[0]["count"] as? Int)
        let wrongFold = try korqa(["train", "reader", "--train", main, "--folds", "2", "--only-fold", "3", "--out", d + "/x"] + tinyReaderOptions)
        #expect(wrongFold.status != 0 && wrongFold.err.contains("not one of 1…2"), "\(wrongFold.err)")
        // A fold file that does not fit the data is refused, naming the problem.
        try "0\t0\ta\n1\t1\tb\n".write(toFile: d + "/folds.tsv", atomically: true, encoding: .utf8)
        let bad = try korqa(["train", "reader", "--train", main, "--folds", "2", "--fold-file", d + "/folds.tsv", "--out", d + "/x"] + tinyReaderOptions)
        #expect(bad.status != 0 && bad.err.contains("assigns 2 articles"))
    }

    /// Synthetic-question pre-training from a WikiExtractor corpus: articles whose titles the
    /// training data uses are skipped (no leakage), `--pretrain-paragraphs` bounds the paragraphs
    /// read per article, and the pre-trained reader is kept in OUT/pretrain with its questions.
    @Test func pretrainingOnSyntheticQuestions() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let (main, extra) = try writeCapitalQA(to: d)
        try writeWikiCorpus(to: d + "/wiki", paragraphs: 3)
        let common = ["train", "reader", "--train", main, "--train", extra, "--pretrain-corpus", d + "/wiki", "--pretrain-epochs", "1",
                      "--no-holdout", "--epochs", "1"] + tinyReaderOptions
        // One paragraph per article gives at most 2 × 30 questions: too few, and the error says so.
        let few = try korqa(common + ["--pretrain-paragraphs", "1", "--out", d + "/few"])
        #expect(few.status != 0 && few.err.contains("gave only") && few.err.contains("synthetic questions"), "\(few.err)")
        let r = try korqa(common + ["--pretrain-paragraphs", "3", "--out", d + "/m"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("1 article(s) skipped because the training data use their titles"), "\(r.err)")
        let questions = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/m/pretrain/synthetic-questions.json"))) as! [String: Any]
        let paragraphs = ((questions["data"] as! [[String: Any]])[0]["paragraphs"] as! [[String: Any]])
        #expect(paragraphs.count > 100 && paragraphs.count <= 180)
        // Every synthetic answer is cut from its paragraph at its offset (Unicode scalars).
        for paragraph in paragraphs {
            let context = Array((paragraph["context"] as! String).unicodeScalars)
            let answer = ((paragraph["qas"] as! [[String: Any]])[0]["answers"] as! [[String: Any]])[0]
            let start = answer["answer_start"] as! Int, text = answer["text"] as! String
            #expect(String(String.UnicodeScalarView(context[start..<(start + text.unicodeScalars.count)])) == text)
        }
        #expect(FileManager.default.fileExists(atPath: d + "/m/pretrain/model.safetensors"))
        #expect(FileManager.default.fileExists(atPath: d + "/m/model.safetensors"))
    }

    /// Distillation in cross-validation: fold N of the student starts from the teacher run's
    /// fold-N reader, which labels the fold's training windows and synthetic questions from
    /// paragraphs pre-training never reads (after the first --pretrain-paragraphs of each article).
    @Test func distillationFromACrossValidationRun() throws {
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let (main, extra) = try writeCapitalQA(to: d)
        try writeWikiCorpus(to: d + "/wiki", paragraphs: 5)
        let teacher = try korqa(["train", "reader", "--train", main, "--train", extra, "--folds", "2", "--epochs", "2", "--no-holdout",
                                 "--out", d + "/cv"] + tinyReaderOptions)
        #expect(teacher.status == 0, "\(teacher.err)")
        // A fine-tuning run keeps the reader's architecture: no --embed/--hidden/--layers.
        let fineTuning = ["--dropout", "0", "--learning-rate", "0.02", "--batch-size", "8", "--warmup-steps", "0", "--threads", "1"]
        let r = try korqa(["train", "reader", "--train", main, "--train", extra, "--folds", "2", "--epochs", "1", "--no-holdout",
                           "--init-from", d + "/cv", "--teacher", d + "/cv", "--distill-corpus", d + "/wiki", "--distill-questions", "100",
                           "--pretrain-paragraphs", "2", "--out", d + "/student"] + fineTuning)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("training windows labelled by \(d)/cv/fold-1 in") && r.err.contains("training windows labelled by \(d)/cv/fold-2 in"), "\(r.err)")
        #expect(r.err.contains("100 distillation-corpus questions labelled by \(d)/cv/fold-2 in"), "\(r.err)")
        #expect(r.err.contains("fold 1/2: training on 6 questions + 100 distillation questions"), "\(r.err)")
        #expect(r.err.contains("(paragraphs 3–4 of each article)"), "\(r.err)")
        #expect(r.out.contains("fold 2: EM") && r.out.contains("pooled"), "\(r.out)")
        let questions = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/student/distillation-questions.json"))) as! [String: Any]
        let paragraphs = (questions["data"] as! [[String: Any]])[0]["paragraphs"] as! [[String: Any]]
        #expect(paragraphs.count == 100)
        for paragraph in paragraphs {
            // Paragraphs 1 and 2 of an article say "4년 동안" and "5년 동안"; pre-training reads them.
            let context = paragraph["context"] as! String
            #expect(!context.contains("4년 동안 공부") && !context.contains("5년 동안 공부") && !context.contains("한국"), "\(context)")
            #expect(((paragraph["qas"] as! [[String: Any]])[0]["id"] as! String).hasPrefix("cloze-later-"))
        }
        // The fold reader records its teachers (safetensors: an 8-byte header length, then JSON).
        let model = try Data(contentsOf: URL(fileURLWithPath: d + "/student/fold-1/model.safetensors"))
        let headerLength = model.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: model.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        #expect((header["__metadata__"] as? [String: String])?["korqa.distilled_from"] == d + "/cv")
        // Questions without teachers to label them are refused, saying what is missing.
        let half = try korqa(["train", "reader", "--train", main, "--distill-corpus", d + "/wiki", "--out", d + "/x"] + tinyReaderOptions)
        #expect(half.status != 0 && half.err.contains("--teacher"), "\(half.err)")
        let weight = try korqa(["train", "reader", "--train", main, "--teacher", d + "/cv", "--distill-gold-weight", "1.5", "--out", d + "/x"] + tinyReaderOptions)
        #expect(weight.status != 0 && weight.err.contains("--distill-gold-weight must be in [0, 1]"), "\(weight.err)")
    }

    @Test func readerErrorsExplainThemselves() throws {
        let noModel = try korqa(["read", "--model", "/nonexistent/reader", "--context", "가나다", "질문"])
        #expect(noModel.status != 0 && noModel.err.contains("korqa train reader"))
        let both = try korqa(["read", "--context", "가", "--context-file", "/x", "질문"])
        #expect(both.status != 0 && both.err.contains("exactly one of --context"))
        let tinyWindow = try korqa(["read", "--window", "1", "--context", "가나다", "질문"])
        #expect(tinyWindow.status != 0 && tinyWindow.err.contains("--window must be at least 2"))
        let noAnswer = try korqa(["read", "--max-answer", "0", "--context", "가나다", "질문"])
        #expect(noAnswer.status != 0 && noAnswer.err.contains("--max-answer must be at least 1"))
        let noTrain = try korqa(["train", "reader"])
        #expect(noTrain.status != 0 && noTrain.err.contains("--train"))
        // A reader started from another keeps that one's architecture: the options are refused, not
        // ignored (dropout is not architecture: it sets the fine-tuning's).
        let reshaped = try korqa(["train", "reader", "--train", "x.json", "--init-from", "m", "--hidden", "64", "--layers", "3", "--dropout", "0.4"])
        #expect(reshaped.status != 0 && reshaped.err.contains("keeps the architecture") && reshaped.err.contains("--hidden, --layers cannot be set"), "\(reshaped.err)")
        let d = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        try #"{"data": [{"paragraphs": [{"context": "짧다", "qas": [{"id": "a", "question": "q", "answers": [{"text": "x", "answer_start": 40}]}]}]}]}"#
            .write(toFile: d + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try korqa(["train", "reader", "--train", d + "/bad.json", "--out", d + "/m"])
        #expect(bad.status != 0 && bad.err.contains("data[0].paragraphs[0].qas[0]: answer_start 40 is outside the context (length 2)"))
        #expect(!FileManager.default.fileExists(atPath: d + "/m"))
    }
}

@Suite struct ShippedReaderTests {
    /// The shipped reader (resources/reader-korquad) answers a plain factual question, and the
    /// answer's offsets slice the passage as given.
    @Test func shippedReaderAnswers() throws {
        let passage = "지미 카터는 1924년 10월 1일 조지아주 플레인스에서 태어났다. 그는 미국 39대 대통령이다."
        let r = try korqa(["read", "--context", passage, "지미 카터가 태어난 날은?", "--json"])
        #expect(r.status == 0, "\(r.err)")
        let object = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let best = (object["answers"] as! [[String: Any]])[0]
        #expect(best["text"] as? String == "1924년 10월 1일")
        #expect(best["start"] as? Int == 7 && best["end"] as? Int == 19)
    }

    /// The shipped ensemble partner loads from a checkout (its word vectors are a link to the
    /// shipped reader's) and the pair answers the same question, with a score of its own.
    @Test func shippedEnsembleAnswers() throws {
        let partner = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("resources/reader-korquad-2").path
        let passage = "지미 카터는 1924년 10월 1일 조지아주 플레인스에서 태어났다. 그는 미국 39대 대통령이다."
        func best(_ extra: [String]) throws -> [String: Any] {
            let r = try korqa(["read", "--context", passage, "지미 카터가 태어난 날은?", "--json"] + extra)
            #expect(r.status == 0, "\(r.err)")
            return (try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any])["answers"].map { ($0 as! [[String: Any]])[0] }!
        }
        let alone = try best([]), pair = try best(["--ensemble-with", partner])
        #expect(pair["text"] as? String == "1924년 10월 1일" && pair["start"] as? Int == 7 && pair["end"] as? Int == 19)
        #expect(pair["score"] as? Double != alone["score"] as? Double, "the partner must change the scores, or it was not read")
    }
}

/// A WikiExtractor corpus of 30 articles of `paragraphs` paragraphs about made-up people (a
/// line under 40 characters ends a paragraph), plus one titled like a training article ("한국").
func writeWikiCorpus(to directory: String, paragraphs: Int) throws {
    try FileManager.default.createDirectory(atPath: directory + "/AA", withIntermediateDirectories: true)
    let people = ["김철수", "이영희", "박민수", "최지우", "정하늘", "강바다", "조은별", "윤가람", "장서진", "임도윤"]
    let cities = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "수원"]
    var corpus = ""
    for a in 0..<31 {
        let title = a == 30 ? "한국" : "인물 \(a)"
        corpus += "<doc id=\"\(a)\" url=\"x\" title=\"\(title)\">\n\(title)\n"
        for p in 0..<paragraphs {
            let person = people[(a + p) % people.count], city = cities[(a * 3 + p) % cities.count]
            corpus += "\(person)은 \(1900 + a * 3 + p)년에 \(city)에서 태어나 \(10 + a + p)개의 작품을 남겼다. 그는 \(1950 + a + p)년 \(cities[(a + p + 1) % cities.count])로 이주하여 활동하였다.\n"
            corpus += "\(person)은 \(city)대학교에서 \(4 + p)년 동안 공부하였고 \(1940 + a)년에 첫 작품을 발표하였다.\n"
            corpus += "\(person)의 작품은 \(3 + p)개 나라에서 출판되었다. \(person)은 \(1990 + a)년에 \(city) 문학상을 받았으며 \(70 + p)세에 은퇴하였다. 그의 제자는 \(20 + a)명이었다.\n참고.\n"
        }
        corpus += "</doc>\n"
    }
    try corpus.write(toFile: directory + "/AA/wiki_00", atomically: true, encoding: .utf8)
}
