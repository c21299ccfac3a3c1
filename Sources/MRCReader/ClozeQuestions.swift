import Foundation
import NeuralCore

/// Synthetic extractive questions from unlabeled text, for pre-training a reader.
///
/// In a paragraph, pick a sentence and in it a number/date-like span ("1924년 10월 1일",
/// "39대") or a noun that the paragraph mentions again ("카터는" → "카터"), replace the span by
/// a wh-word that fits it (언제, 몇 대, 얼마, 무엇), turn the sentence's ending into a question
/// ("…했다." → "…했는가?"), and point at the span in the paragraph:
///
///     지미 카터는 1924년 10월 1일에 태어났다.  →  지미 카터는 언제에 태어났는가?  (answer: 1924년 10월 1일)
///
/// The reader learns to align a question with the passage and to find span boundaries
/// (numbers with their counters, nouns without their particles).
public enum ClozeQuestions {
    /// Paragraphs for questions: runs of consecutive prose lines (section headings, which are
    /// short, break runs) joined by spaces, `minLength`–`maxLength` characters.
    public static func paragraphs(_ lines: [String], minLength: Int = 150, maxLength: Int = 700) -> [String] {
        var result: [String] = []
        var current = ""
        func flush() {
            if current.count >= minLength { result.append(current) }
            current = ""
        }
        for line in lines {
            guard line.count >= 40 else { flush(); continue }
            if !current.isEmpty && current.count + 1 + line.count > maxLength { flush() }
            current += current.isEmpty ? line : " " + line
        }
        flush()
        return result
    }

    /// Particles stripped from a noun's end, longest first, each with the form it takes after
    /// 무엇 (which ends in a consonant).
    static let particles: [(String, String)] = [
        ("에서는", "에서는"), ("으로는", "으로는"), ("에서", "에서"), ("에게", "에게"), ("으로", "으로"), ("까지", "까지"),
        ("부터", "부터"), ("이라는", "이라는"), ("라는", "이라는"), ("이다", "인가"), ("와", "과"), ("과", "과"),
        ("은", "은"), ("는", "은"), ("이", "이"), ("가", "이"), ("을", "을"), ("를", "을"), ("의", "의"), ("에", "에"),
        ("로", "으로"), ("도", "도"), ("만", "만"),
    ].sorted { $0.0.count > $1.0.count }

    /// Last syllables of verb stems before 는/은/도 ("다루는", "가리키는", "하는"); a noun's stem
    /// rarely ends so, and a lost name now and then is cheaper than teaching wrong boundaries.
    static let verbEndings: Set<Character> = ["하", "되", "키", "루", "르", "리", "지", "기", "시", "히", "치", "우", "주", "보",
                                              "오", "내", "나", "러", "려", "서", "어", "아", "게", "고", "며", "면", "있", "없", "였", "했", "던", "된", "한"]

    static let dateCounters: Set<Character> = ["년", "월", "일"]

    static func isHangulSyllable(_ c: Character) -> Bool {
        guard let s = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return false }
        return (0xAC00...0xD7A3).contains(s.value)
    }

    /// A candidate answer in a sentence: character range [start, end) in the sentence, the
    /// replacement text for [start, replaceEnd).
    struct Candidate {
        var start: Int, end: Int, replaceEnd: Int
        var wh: String
        /// The wh-word without the particle `wh` carries ("무엇을" → "무엇"), for wh-last questions.
        var bareWh: String
    }

    /// Up to `perParagraph` questions about `paragraph`, ids `idPrefix`-0, -1, ….
    ///
    /// With probability `noise` a question is roughened the way people reword a sentence into a
    /// question (Lewis et al. 2019's noisy cloze): the words far before the wh-word are cut, and
    /// each remaining word except the wh-word's and the last is dropped with probability 0.15. A
    /// verbatim copy teaches the reader only to find identical text; real questions share maybe
    /// half their words with the passage.
    ///
    /// With probability `whLast` the wh-word moves to the end, behind the sentence's verb made a
    /// modifier, the way most real questions ask ("…역임했던 것은 언제인가?", "…하는 것은
    /// 무엇인가?"): the answer's place in the passage then no longer mirrors the wh-word's place
    /// in the question.
    public static func questions(paragraph: String, idPrefix: String, perParagraph: Int = 2, noise: Double = 0,
                                 whLast: Double = 0, random: inout SeededRandom) -> [QAItem] {
        let chars = Array(paragraph)
        // Sentence ranges: a sentence ends at "." followed by a space or the end.
        var sentences: [Range<Int>] = []
        var start = 0
        for i in chars.indices where chars[i] == "." && (i + 1 == chars.count || chars[i + 1] == " ") {
            if i > start { sentences.append(start..<(i + 1)) }
            start = i + 2
        }
        sentences = sentences.filter { $0.count >= 20 && $0.count <= 200 }
        sentences.shuffle(using: &random)
        var items: [QAItem] = []
        for sentence in sentences where items.count < perParagraph {
            let words = wordRanges(chars, in: sentence)
            var candidates = numberCandidates(chars, words: words) + nounCandidates(chars, words: words, paragraph: paragraph)
            guard !candidates.isEmpty else { continue }
            candidates.shuffle(using: &random)
            let c = candidates[0]
            var before = String(chars[sentence.lowerBound..<c.start]).split(separator: " ").map(String.init)
            var after = String(chars[c.replaceEnd..<(sentence.upperBound - 1)]).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if Double(random.uniform()) < noise {
                before = Array(before.suffix(2 + Int(random.next() % 5)))
                before = before.filter { _ in random.uniform() >= 0.15 }
                if after.count > 2 {
                    // after[0] is what is left of the wh-word's word (its particle); the last word carries the ending.
                    after = [after[0]] + after[1..<(after.count - 1)].filter { _ in random.uniform() >= 0.15 } + [after[after.count - 1]]
                }
            }
            var question = interrogative((before + [c.wh]).joined(separator: " ") + after.joined(separator: " "))
            // after[0] is the wh-word's particle (or ""), which the wh-last form drops.
            if Double(random.uniform()) < whLast, after.count >= 2, let verb = adnominal(after[after.count - 1]) {
                let words = (before + after[1..<(after.count - 1)] + [verb]).filter { !$0.isEmpty }
                question = (words + ["것은", c.bareWh + "인가?"]).joined(separator: " ")
            }
            let answer = String(chars[c.start..<c.end])
            // Offsets: KorQuAD counts code points, not Characters.
            let answerStart = String(chars[0..<c.start]).unicodeScalars.count
            items.append(QAItem(id: "\(idPrefix)-\(items.count)", question: question, context: paragraph,
                                answers: [SquadDataset.Answer(text: answer, start: answerStart)]))
        }
        return items
    }

    static func wordRanges(_ chars: [Character], in sentence: Range<Int>) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var s = sentence.lowerBound
        for i in sentence.lowerBound...sentence.upperBound {
            if i == sentence.upperBound || chars[i] == " " {
                if i > s { words.append(s..<i) }
                s = i + 1
            }
        }
        return words
    }

    /// Numbers with their counter: "1924년 10월 1일에" → 1924년 10월 1일 (언제), "39대" (몇 대),
    /// "3.5%" (얼마).
    static func numberCandidates(_ chars: [Character], words: [Range<Int>]) -> [Candidate] {
        var result: [Candidate] = []
        var w = 0
        while w < words.count {
            let word = words[w]
            guard chars[word.lowerBound].isASCII, chars[word.lowerBound].isNumber else { w += 1; continue }
            var i = word.lowerBound
            while i < word.upperBound, chars[i].isASCII, chars[i].isNumber || chars[i] == "," || chars[i] == "." { i += 1 }
            while i > word.lowerBound, !chars[i - 1].isNumber { i -= 1 }  // "1,000," → "1,000"
            guard i < word.upperBound, isHangulSyllable(chars[i]) || chars[i] == "%" else { w += 1; continue }
            let counter = chars[i]
            var end = i + 1
            // "1990년대", "1년간": the counter goes on into another word; only a particle may follow.
            let rest = String(chars[end..<word.upperBound])
            guard rest.isEmpty || particles.contains(where: { $0.0 == rest }) || rest == "에는" || rest == "부터" else { w += 1; continue }
            var last = w
            if dateCounters.contains(counter) {
                // Join the following date parts: 1924년 10월 1일.
                while last + 1 < words.count {
                    let next = words[last + 1]
                    var j = next.lowerBound
                    while j < next.upperBound, chars[j].isASCII, chars[j].isNumber { j += 1 }
                    guard j > next.lowerBound, j < next.upperBound, dateCounters.contains(chars[j]) else { break }
                    end = j + 1
                    last += 1
                }
            }
            let wh = dateCounters.contains(counter) ? "언제" : counter == "%" ? "몇 %" : "몇 \(counter)"
            result.append(Candidate(start: word.lowerBound, end: end, replaceEnd: end, wh: wh, bareWh: wh))
            w = last + 1
        }
        return result
    }

    /// Hangul nouns followed by a particle whose stem (≥ 2 syllables) the paragraph mentions at
    /// least twice: likely names and key terms.
    static func nounCandidates(_ chars: [Character], words: [Range<Int>], paragraph: String) -> [Candidate] {
        var result: [Candidate] = []
        for (n, word) in words.enumerated() where n > 0 || words.count > 2 {
            let text = String(chars[word])
            guard text.allSatisfy(isHangulSyllable) else { continue }
            guard let (particle, afterWh) = particles.first(where: { text.hasSuffix($0.0) && text.count - $0.0.count >= 2 }) else { continue }
            let stem = String(text.dropLast(particle.count))
            // "다루는", "기념하는", "되기도": verb forms, not nouns with a particle.
            guard let last = stem.last, !verbEndings.contains(last) else { continue }
            guard paragraph.components(separatedBy: stem).count - 1 >= 2 else { continue }
            result.append(Candidate(start: word.lowerBound, end: word.upperBound - particle.count, replaceEnd: word.upperBound,
                                    wh: "무엇" + afterWh, bareWh: "무엇"))
        }
        return result
    }

    /// A sentence-final verb as a modifier of 것: "대통령이다" → "대통령인", "태어났다" →
    /// "태어났던", "낙선한다" → "낙선하는", "없다" → "없는"; nil for other endings (adjectives such
    /// as "크다" need rules this does not have).
    static func adnominal(_ verb: String) -> String? {
        var s = verb
        if s.hasSuffix("이다") { return String(s.dropLast(2)) + "인" }
        guard s.hasSuffix("다"), s.count >= 2 else { return nil }
        s.removeLast()
        guard let last = s.last, isHangulSyllable(last), let scalar = last.unicodeScalars.first else { return nil }
        if last == "없" || last == "있" { return s + "는" }
        switch (scalar.value - 0xAC00) % 28 {
        case 20: return s + "던"  // final ㅆ: the past tense
        case 4:  // final ㄴ: the present tense, 한다 → 하는
            s.removeLast()
            return s + String(Character(Unicode.Scalar(scalar.value - 4)!)) + "는"
        default: return nil
        }
    }

    /// "…이다" → "…인가?", "…했다" → "…했는가?", "…한다" → "…하는가?" (the present tense's ㄴ
    /// comes off); anything else gets a question mark.
    static func interrogative(_ statement: String) -> String {
        var s = statement.trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("이다") {
            s = String(s.dropLast(2)) + "인가"
        } else if s.hasSuffix("다") {
            s.removeLast()
            if let last = s.last, let scalar = last.unicodeScalars.first, isHangulSyllable(last),
               (scalar.value - 0xAC00) % 28 == 4 {  // final ㄴ: 한다 → 하는가
                s.removeLast()
                s.append(Character(Unicode.Scalar(scalar.value - 4)!))
            }
            s += "는가"
        }
        return s + "?"
    }
}
