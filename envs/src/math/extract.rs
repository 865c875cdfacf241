//! Finding the final answer in a full model response.
//!
//! Candidates, in the order they are tried (the first that parses wins):
//! 1. the last `\boxed{}` / `\fbox{}` (or `\boxed 7`), joined with the boxes just before it when they
//!    sit close together (`\boxed{1}` and `\boxed{2}`), so a multi-part answer can be boxed piecewise
//!    and a shotgun of boxes is judged as the set it is;
//! 2. the last "final answer is X";
//! 3. the last "answer: X" / "answer is X";
//! 4. the last display math (`$$...$$`, `\[...\]`), then the last inline math (`$...$`, `\(...\)`);
//! 5. a short response as a whole, then its last number.
//!
//! Text inside `<think>...</think>` is never read.

use crate::extract::strip_think;

/// Boxes are one answer when at most this much text (besides `$`, punctuation, `and`, `or`) sits
/// between them (`x = \boxed{1}, y = \boxed{2}`).
const BOX_JOIN_GAP: usize = 6;
/// A response this short may be the answer itself.
const SHORT_RESPONSE: usize = 80;
/// Only in a response this short is its last number a candidate.
const LAST_NUMBER_RESPONSE: usize = 400;

/// The answer candidates of `response`, most trusted first.
pub fn candidates(response: &str) -> Vec<String> {
    let text = strip_think(response);
    let mut out = Vec::new();
    let boxes = boxed_spans(text);
    if let Some(last) = boxes.last() {
        let mut run = vec![last];
        for pair in boxes.windows(2).rev() {
            let (prev, next) = (&pair[0], &pair[1]);
            if !joins(text.get(prev.end..next.start).unwrap_or("")) {
                break;
            }
            run.push(prev);
        }
        if run.len() > 1 {
            let joined: Vec<&str> = run.iter().rev().map(|b| b.content.as_str()).collect();
            out.push(joined.join(", "));
        }
        out.push(last.content.clone());
        // A response that boxed its answer is judged on the box alone.
        return out;
    }
    for phrase in ["final answer is", "final answer:"] {
        if let Some(segment) = after_last(text, phrase) {
            out.extend(segment_candidates(segment));
        }
    }
    for phrase in ["answer:", "answer is", "answer is:", "answer =", "####"] {
        if let Some(segment) = after_last(text, phrase) {
            out.extend(segment_candidates(segment));
        }
    }
    if let Some(display) = last_delimited(text, &[("$$", "$$"), ("\\[", "\\]")]) {
        out.push(display.to_owned());
    }
    if let Some(inline) = last_delimited(text, &[("$", "$"), ("\\(", "\\)")]) {
        out.push(inline.to_owned());
    }
    let trimmed = text.trim();
    // A short response may be the bare answer; several plain words ("no idea") are not one.
    let several_words = trimmed.split_whitespace().count() > 1
        && trimmed
            .chars()
            .all(|c| c.is_alphabetic() || " .,'!?".contains(c));
    if !trimmed.is_empty() && trimmed.len() <= SHORT_RESPONSE && !several_words {
        out.extend(segment_candidates(trimmed.trim_end_matches('.')));
    }
    if trimmed.len() <= LAST_NUMBER_RESPONSE {
        out.extend(last_number(text).map(str::to_owned));
    }
    out.dedup();
    out
}

/// Strips the wrappers a gold answer may come with (`$...$`, `\boxed{...}`).
pub fn gold_answer(gold: &str) -> String {
    let trimmed = gold.trim();
    let boxes = boxed_spans(trimmed);
    if boxes.len() == 1 && boxes[0].start <= 8 {
        return boxes[0].content.clone();
    }
    trimmed.to_owned()
}

struct BoxSpan {
    start: usize,
    end: usize,
    content: String,
}

/// Every `\boxed{...}` / `\fbox{...}` / `\boxed 7`, in order, braces balanced.
fn boxed_spans(text: &str) -> Vec<BoxSpan> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some((start, after)) = next_box(text, from) {
        let rest = &text[after..];
        let trimmed = rest.trim_start();
        let offset = after + (rest.len() - trimmed.len());
        if let Some(inner) = trimmed.strip_prefix('{') {
            match balanced(inner) {
                Some(len) => {
                    spans.push(BoxSpan {
                        start,
                        end: offset + 1 + len + 1,
                        content: inner[..len].to_owned(),
                    });
                    from = offset + 1 + len + 1;
                }
                None => break,
            }
        } else if rest.starts_with(' ') {
            // `\boxed 7`: one token up to whitespace or `$`.
            let len = trimmed
                .find(|c: char| c.is_whitespace() || c == '$')
                .unwrap_or(trimmed.len());
            spans.push(BoxSpan {
                start,
                end: offset + len,
                content: trimmed[..len].to_owned(),
            });
            from = offset + len.max(1);
        } else {
            from = after;
        }
        if from >= text.len() {
            break;
        }
    }
    spans
}

fn next_box(text: &str, from: usize) -> Option<(usize, usize)> {
    ["\\boxed", "\\fbox"]
        .iter()
        .filter_map(|m| text[from..].find(m).map(|i| (from + i, from + i + m.len())))
        .min()
}

/// The length of the content up to the brace closing an already-open one.
fn balanced(inner: &str) -> Option<usize> {
    let mut depth = 1usize;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The text after the last (case-insensitive) occurrence of `phrase`, up to the end of its sentence.
fn after_last<'t>(text: &'t str, phrase: &str) -> Option<&'t str> {
    let lower = text.to_ascii_lowercase();
    let at = lower.rfind(phrase)? + phrase.len();
    let rest = &text[at..];
    let end = sentence_end(rest);
    let segment = rest[..end].trim();
    (!segment.is_empty()).then_some(segment)
}

/// The end of a sentence: a newline, or a full stop followed by a space or the end (outside `$`).
fn sentence_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut in_math = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'$' => in_math = !in_math,
            b'\n' => return i,
            b'.' if !in_math && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {
                // A decimal point is followed by a digit, so this is a full stop.
                return i;
            }
            _ => {}
        }
    }
    text.len()
}

/// Candidates from a prose segment: its math if it has any, the whole segment if it is plain, or its
/// last number when it mixes words and numbers (`not 5; it is 7`).
fn segment_candidates(segment: &str) -> Vec<String> {
    let segment = segment.trim().trim_start_matches(':').trim();
    if let Some(math) = last_delimited(
        segment,
        &[("$$", "$$"), ("\\[", "\\]"), ("$", "$"), ("\\(", "\\)")],
    ) {
        return vec![math.to_owned()];
    }
    let has_prose = segment
        .split(|c: char| !c.is_ascii_alphabetic() && c != '\\')
        .any(|w| w.len() >= 2 && !w.starts_with('\\') && is_prose_word(w));
    let only_words = segment
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '-');
    if has_prose && !only_words {
        return last_number(segment)
            .map(str::to_owned)
            .into_iter()
            .collect();
    }
    vec![segment.to_owned()]
}

/// Whether a bare word marks a segment as prose rather than an expression: a short English glue
/// word, or any word of three or more letters that is not math vocabulary.
fn is_prose_word(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let glue = matches!(
        lower.as_str(),
        "is" | "it" | "be" | "of" | "so" | "we" | "to" | "an" | "as" | "at"
    );
    let math = matches!(
        lower.as_str(),
        "sin"
            | "cos"
            | "tan"
            | "sec"
            | "csc"
            | "cot"
            | "log"
            | "ln"
            | "exp"
            | "sqrt"
            | "pi"
            | "and"
            | "percent"
            | "degrees"
            | "degree"
            | "infinity"
            | "inf"
            | "arcsin"
            | "arccos"
            | "arctan"
    );
    glue || (lower.len() >= 3 && !math)
}

/// Whether the text between two boxes leaves them one answer.
fn joins(gap: &str) -> bool {
    let mut rest = gap.to_ascii_lowercase();
    for filler in ["\\text{", "\\quad", "\\qquad", "and", "or"] {
        rest = rest.replace(filler, "");
    }
    rest.chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '$' | ',' | ';' | '.' | '{' | '}' | '\\')))
        .count()
        <= BOX_JOIN_GAP
}

/// The content of the last pair of delimiters of any of the kinds given.
fn last_delimited<'t>(text: &'t str, kinds: &[(&str, &str)]) -> Option<&'t str> {
    let mut best: Option<(usize, &str)> = None;
    for (open, close) in kinds {
        let mut from = 0;
        let mut last = None;
        while let Some(i) = text[from..].find(open) {
            let start = from + i + open.len();
            let Some(j) = text[start..].find(close) else {
                break;
            };
            let content = &text[start..start + j];
            if !content.trim().is_empty() {
                last = Some((from + i, content));
            }
            from = start + j + close.len();
            if from >= text.len() {
                break;
            }
        }
        if let Some((at, content)) = last {
            if best.is_none_or(|(b, _)| at > b) {
                best = Some((at, content));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// The last number written in plain text (`-12`, `3.5`, `1,000`, `3/4`), with a trailing `%`.
fn last_number(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    while end > 0 && !bytes[end - 1].is_ascii_digit() {
        end -= 1;
    }
    if end == 0 {
        return None;
    }
    let mut start = end;
    while start > 0 {
        let c = bytes[start - 1];
        let inner_mark =
            matches!(c, b'.' | b',' | b'/') && start >= 2 && bytes[start - 2].is_ascii_digit();
        if c.is_ascii_digit() || inner_mark {
            start -= 1;
        } else {
            break;
        }
    }
    if start > 0 && bytes[start - 1] == b'-' {
        start -= 1;
    }
    let end = if bytes.get(end) == Some(&b'%') {
        end + 1
    } else {
        end
    };
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_the_last_box_and_joins_close_ones() {
        assert_eq!(
            candidates("so \\boxed{1} and later \\boxed{\\frac{1}{2}}")[0],
            "1, \\frac{1}{2}"
        );
        let far = format!("\\boxed{{1}}{}\\boxed{{2}}", " words".repeat(3));
        assert_eq!(candidates(&far)[0], "2");
        assert_eq!(candidates("$x = \\boxed{1}$, $y = \\boxed{2}$")[0], "1, 2");
        assert_eq!(
            candidates("<think>\\boxed{9}</think> The answer is 4.")[0],
            "4"
        );
        assert_eq!(candidates("\\boxed 7.")[0], "7.");
    }

    #[test]
    fn reads_answer_phrases_and_math() {
        assert_eq!(
            candidates("The final answer is $\\frac{3}{4}$. I hope")[0],
            "\\frac{3}{4}"
        );
        assert_eq!(candidates("The answer is not 5; it is 7.")[0], "7");
        assert_eq!(candidates("Answer: 12 cm")[0], "12 cm");
        assert_eq!(candidates("We get $x=2$ and so $$y = 3$$")[0], "y = 3");
        assert_eq!(gold_answer("$\\boxed{3}$"), "3");
    }
}
