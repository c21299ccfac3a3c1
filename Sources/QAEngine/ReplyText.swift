import Summarizer
import Foundation

/// The language the chatbot speaks.
public enum Language: String, Codable, Sendable, CaseIterable {
    case korean = "ko"
    case english = "en"
}

/// What the chatbot says, in Korean (the default) or English: replies, hints and its own
/// messages. The one place those words live.
public struct ReplyText: Sendable {
    public let language: Language
    public init(_ language: Language) { self.language = language }

    var ko: Bool { language == .korean }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }

    /// The reply's text, as shown on a terminal. `passageSet`: a passage was read and did not
    /// answer (so the text says so before the FAQ's answer).
    public func message(for reply: Reply, passageSet: Bool) -> String {
        var lines: [String] = []
        if passageSet && reply.route != .reader && reply.route != .summary {
            if let guess = reply.answers.first {
                lines.append(ko ? "지문에서 분명한 답을 찾지 못했어요 (가장 그럴듯한 추측 \"\(guess.text)\", 점수 \(Self.format(guess.score)))."
                                : "The passage does not answer that clearly (best guess \"\(guess.text)\", score \(Self.format(guess.score))).")
            } else {
                lines.append(ko ? "지문에서 답을 찾지 못했어요." : "The passage does not answer that.")
            }
        }
        switch reply.route {
        case .reader:
            for (i, a) in reply.answers.enumerated() {
                lines.append((reply.answers.count > 1 ? "\(i + 1). " : "") + a.text)
                lines.append(ko ? "   (지문에서 · 점수 \(Self.format(a.score)) · 문자 [\(a.start), \(a.end)))"
                                : "   (from the passage · score \(Self.format(a.score)) · characters [\(a.start), \(a.end)))")
            }
        case .faq, .smalltalk:
            lines += entries(reply.matches)
        case .summary:
            if let summary = reply.summary {
                lines += self.summary(summary)
            } else if reply.reason == .nothingToSummarize {
                lines.append(ko ? "요약할 글이 없어요. /passage 파일 또는 글 로 지문을 주거나, /summarize 뒤에 글을 붙여 보내 주세요."
                                : "There is nothing to summarize. Give a passage (/passage FILE or TEXT), or send /summarize followed by the text.")
            } else {
                lines.append(ko ? "요약기를 쓸 수 없어요." : "No summarizer is available.")
            }
        case .command:
            lines.append(ko ? "죄송해요, 그런 일은 제가 직접 할 수 없어요. 저는 질문에 답하는 챗봇이에요. KorQA에 대해 묻거나 /passage 로 지문을 주고 질문해 보세요."
                            : "Sorry, I cannot do that; I answer questions. Ask about KorQA, or give a passage with /passage and ask about it.")
            if let best = reply.matches.first {
                lines.append(ko ? "비슷한 항목 (일치도 \(Self.format(best.confidence))): \"\(best.question)\""
                                : "Closest entry (match \(Self.format(best.confidence))): \"\(best.question)\"")
            }
        case .documents:
            for (i, a) in (reply.documentAnswers ?? []).enumerated() {
                lines.append(((reply.documentAnswers?.count ?? 0) > 1 ? "\(i + 1). " : "") + a.text)
                lines.append(ko ? "   (문서 \"\(a.title)\" · \((a.path as NSString).lastPathComponent) · 점수 \(Self.format(a.score)) · 문자 [\(a.start), \(a.end)))"
                                : "   (document \"\(a.title)\" · \((a.path as NSString).lastPathComponent) · score \(Self.format(a.score)) · characters [\(a.start), \(a.end)))")
            }
        case .unknown:
            if reply.matches.isEmpty {
                lines.append(ko ? "잘 모르겠어요. 이 말과 겹치는 단어가 있는 FAQ 항목이 없어요."
                                : "I don't know. No FAQ entry shares any words with that.")
            } else {
                lines.append(ko ? "잘 모르겠어요. 잘 맞는 답을 찾지 못했어요 (가장 가까운 일치도 \(Self.format(reply.matches[0].confidence))). 가장 가까운 항목:"
                                : "Not sure — no FAQ entry matches well (best match \(Self.format(reply.matches[0].confidence))). The closest:")
                lines += entries(reply.matches)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `korqa ask`'s answer: the entries, with a warning first when the best is weak.
    public func message(for reply: SearchReply) -> String {
        guard let best = reply.results.first else {
            return ko ? "그 질문과 겹치는 단어가 있는 FAQ 항목이 없어요." : "No FAQ entry shares any words with that question."
        }
        var lines: [String] = []
        if reply.lowConfidence {
            lines.append(ko ? "확실하지 않아요 — 잘 맞는 FAQ 항목이 없어요 (가장 가까운 일치도 \(Self.format(best.confidence))). 가장 가까운 항목:"
                            : "Not sure — no FAQ entry matches well (best match \(Self.format(best.confidence))). The closest:")
        }
        return (lines + entries(reply.results)).joined(separator: "\n")
    }

    /// A summary's lines: the text, then how it was made.
    public func summary(_ summary: SummaryResult) -> [String] {
        var lines = [summary.text]
        switch summary.mode {
        case .extractive, .auto:
            let chosen = summary.sentences?.count ?? 0, total = summary.inputSentences ?? chosen
            lines.append(ko ? "   (추출 요약 · \(total)문장 중 \(chosen)문장, 원문 그대로)" : "   (extractive · \(chosen) of \(total) sentences, verbatim)")
        case .abstractive:
            lines.append(ko ? "   (생성 요약\(summary.truncated ? " · 글이 길어 앞부분 \(summary.sourceSyllablesRead ?? 0)음절만 읽음" : ""))"
                            : "   (abstractive\(summary.truncated ? " · long text: only the first \(summary.sourceSyllablesRead ?? 0) syllables were read" : ""))")
        }
        return lines
    }

    func entries(_ matches: [Match]) -> [String] {
        var lines: [String] = []
        for (i, m) in matches.enumerated() {
            if matches.count > 1 { lines.append("\(i + 1).") }
            lines.append(m.answer)
            lines.append(ko ? "   (\(m.smalltalk ? "잡담" : "FAQ"): \"\(m.question)\" · 점수 \(Self.format(m.score)) · 일치도 \(Self.format(m.confidence)))"
                            : "   (\(m.smalltalk ? "small talk" : "FAQ"): \"\(m.question)\" · score \(Self.format(m.score)) · match \(Self.format(m.confidence)))")
        }
        return lines
    }

    /// `/why`: the evidence and the rule behind the last reply.
    public func explanation(of reply: Reply) -> String {
        let s = reply.scores
        func score(_ x: Double?) -> String { x.map(Self.format) ?? (ko ? "없음" : "none") }
        let rule: String
        switch reply.reason {
        case .readerConfident: rule = ko ? "지문 답의 점수가 기준 \(Self.format(s.readerThreshold)) 이상이고 질문과 지문이 단어를 공유함" : "the reader's span scored ≥ \(Self.format(s.readerThreshold)) and the question shares wording with the passage"
        case .summarizerUnavailable: rule = ko ? "요약 요청으로 보임 (요약기 없음)" : "it asks for a summary (no summarizer)"
        case .summarized: rule = ko ? "요약 요청으로 보여 지문을 요약함" : "it asks for a summary: the passage was summarized"
        case .nothingToSummarize: rule = ko ? "요약 요청으로 보이지만 요약할 지문이 없음" : "it asks for a summary, and there is no passage"
        case .faqMatch: rule = ko ? "FAQ 일치도가 기준 \(Self.format(s.answerThreshold)) 이상" : "the FAQ match is ≥ \(Self.format(s.answerThreshold))"
        case .documentAnswer: rule = ko ? "문서에서 읽은 답의 점수가 기준 \(Self.format(s.documentThreshold ?? 0)) 이상" : "a span read from the documents scored ≥ \(Self.format(s.documentThreshold ?? 0))"
        case .smalltalkMatch: rule = ko ? "잡담 일치도가 기준 이상 (명령이면 \(Self.format(s.commandThreshold)), 아니면 \(Self.format(s.answerThreshold)))" : "the small-talk match reached its threshold (\(Self.format(s.commandThreshold)) for commands, else \(Self.format(s.answerThreshold)))"
        case .commandUnsupported: rule = ko ? "명령으로 분류되었고 잡담 일치도가 기준 \(Self.format(s.commandThreshold)) 미만" : "a command, and no small-talk match ≥ \(Self.format(s.commandThreshold))"
        case .weakMatch: rule = ko ? "어떤 일치도도 기준 \(Self.format(s.answerThreshold))에 못 미침" : "no match reached \(Self.format(s.answerThreshold))"
        case .noMatch: rule = ko ? "겹치는 단어가 있는 항목이 없음" : "no entry shares a term"
        }
        let intent = reply.intent.map { "\($0.name) \(Self.format($0.probability))" } ?? (ko ? "없음 (의도 모델 없음)" : "none (no intent model)")
        if ko {
            return """
                "\(reply.query)" → \(reply.route.rawValue): \(rule)
                  의도 \(intent) · FAQ 일치도 \(score(s.faq)) · 잡담 일치도 \(score(s.smalltalk)) · 지문 점수 \(score(s.reader)) · 요약 요청 \(s.summaryRequest ? "예" : "아니요")
                """
        }
        return """
            "\(reply.query)" → \(reply.route.rawValue): \(rule)
              intent \(intent) · FAQ match \(score(s.faq)) · small-talk match \(score(s.smalltalk)) · reader score \(score(s.reader)) · summary request \(s.summaryRequest ? "yes" : "no")
            """
    }

    // MARK: The chat's own messages

    public func help(top: Int) -> String {
        if ko {
            return """
                한국어로 질문하거나 말을 걸어 보세요. KorQA가 FAQ, 잡담, 지문 가운데 알맞은 곳에서 답합니다.
                명령:
                  /help      이 도움말
                  /top N     답을 N개까지 보여 주기 (지금: \(top))
                  /db 경로   다른 FAQ 색인 쓰기 (만들기: korqa index 파일 --db 경로)
                  /intent on|off   입력마다 의도(질문, 명령…)도 보여 주기
                  /passage 파일|글   이 지문에서 답을 읽기; /passage 만 쓰면 지금 지문, /passage off 로 지우기
                  /summarize [글]   글(없으면 지금 지문)을 요약하기; "요약해 줘"라고 해도 지문을 요약합니다
                  /why       마지막 입력이 왜 그 답으로 갔는지
                  /lang ko|en   대화 언어 바꾸기
                  /quit      끝내기 (Ctrl-D도 됩니다; Ctrl-C는 줄을 지웁니다)
                """
        }
        return """
            Type a question in Korean (or any text); KorQA answers from the FAQ, small talk or the passage, whichever fits.
            Commands:
              /help      this text
              /top N     show the N best answers (now: \(top))
              /db PATH   switch to another FAQ index (build one with: korqa index FILE --db PATH)
              /intent on|off   also show what kind of utterance each line is (question, command…)
              /passage FILE|TEXT   answer from this passage with the reader; /passage alone shows it, /passage off forgets it
              /summarize [TEXT]   summarize TEXT (or the passage); "요약해 줘" summarizes the passage too
              /why       why the last line was answered the way it was
              /lang ko|en   switch the chat's language
              /quit      leave (Ctrl-D works too; Ctrl-C clears the line)
            """
    }

    func t(_ korean: String, _ english: String) -> String { ko ? korean : english }

    public var welcome: String { t("한국어로 물어보세요. 명령은 /help 를 입력하세요.", "Ask in Korean; /help for commands.") }
    public func usage(_ command: String) -> String { t("사용법: \(command)", "usage: \(command)") }
    public func showingTop(_ n: Int) -> String { t("답을 \(n)개까지 보여 줄게요", "showing the \(n) best answer\(n == 1 ? "" : "s")") }
    public var intentsOn: String { t("입력마다 의도를 보여 줄게요", "showing the intent of each line") }
    public var intentsOff: String { t("의도를 보여 주지 않을게요", "not showing intents") }
    public func cannotLoad(_ what: String, _ error: Error) -> String { t("\(what) 모델을 불러올 수 없어요: \(error)", "cannot load the \(what) model: \(error)") }
    public func error(_ error: Error) -> String { t("오류: \(error)", "error: \(error)") }
    public func unknownCommand(_ command: String) -> String { t("모르는 명령이에요: \(command). /help 를 입력해 보세요", "unknown command \(command); type /help") }
    public var nothingToExplain: String { t("아직 설명할 답이 없어요. 먼저 무언가를 물어보세요.", "nothing to explain yet; ask something first") }
    public func noIndex(_ path: String) -> String {
        t("\(path) 에 FAQ 색인이 없어요. 만들려면: korqa index 파일 --db \(path)", "no FAQ index at \(path); build one with: korqa index FILE --db \(path)")
    }
    public func usingIndex(_ path: String, entries: Int) -> String { t("\(path) 색인을 씁니다 (항목 \(entries)개)", "using \(path) (\(entries) entries)") }
    public var nothingToSummarize: String { t("요약할 글이 없어요. 사용법: /summarize 글, 또는 /passage 로 지문을 준 뒤 /summarize", "nothing to summarize; usage: /summarize TEXT, or set a passage with /passage and send /summarize") }
    public var noPassage: String { t("지문이 없어요. 사용법: /passage 파일 또는 /passage 글", "no passage set; usage: /passage FILE or /passage TEXT") }
    public func passagePreview(_ count: Int, _ preview: String) -> String { t("지문 (\(count)자): \(preview)", "passage (\(count) characters): \(preview)") }
    public var passageForgotten: String { t("지문을 지웠어요. 이제 FAQ에서 답합니다", "passage forgotten; answering from the FAQ") }
    public func noSuchFile(_ path: String) -> String {
        t("그런 파일이 없어요: \(path). 이 말 자체를 지문으로 쓰려면 글을 더 넣어 주세요: /passage 글",
          "no such file: \(path). To use these words as the passage itself, add a space or more text: /passage TEXT")
    }
    public func empty(_ source: String) -> String { t("\(source) 이(가) 비어 있어요", "\(source) is empty") }
    public func answeringFrom(_ source: String?, count: Int) -> String {
        t("\(source ?? "주신 글")에서 답할게요 (\(count)자). FAQ로 돌아가려면 /passage off",
          "answering from \(source ?? "the text given") (\(count) characters); /passage off to go back to the FAQ")
    }
    public var languageSet: String { t("이제 한국어로 말할게요", "speaking English now") }
}
