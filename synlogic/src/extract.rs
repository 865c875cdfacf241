//! Finding the answer region of a response, in the formats SynLogic's prompts ask for.
//!
//! Every function here is linear in the length of the text (no backtracking regexes), so a 1 MB
//! response costs about a millisecond. Callers strip `<think>...</think>` first.

use crate::puzzle::Judgement;

/// The longest answer region a verifier parses. Answers of the largest puzzles are a few KB; a
/// longer region is judged wrong without parsing, which keeps verification time bounded.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The response after its reasoning: [`rlvr_envs::extract::strip_think`] (the text after the last
/// `</think>`; nothing when a `<think>` is never closed; else all of it), found in one backward
/// pass over the `<`s (a byte search) instead of two substring searches, which set up a searcher
/// per call and cost more than the rest of verifying a short answer.
pub fn strip_think(response: &str) -> &str {
    let bytes = response.as_bytes();
    let mut end = response.len();
    let mut opened = false;
    while let Some(i) = response[..end].rfind('<') {
        let rest = &bytes[i..];
        if rest.starts_with(b"</think>") {
            return &response[i + "</think>".len()..];
        }
        opened |= rest.starts_with(b"<think>");
        end = i;
    }
    if opened {
        ""
    } else {
        response
    }
}

/// `Err(wrong)` when an extracted answer region is too long to be a real answer.
pub fn within_limit(candidate: &str) -> Result<&str, Judgement> {
    if candidate.len() > MAX_ANSWER_BYTES {
        Err(Judgement::wrong(format!(
            "the answer is {} bytes long, over the {MAX_ANSWER_BYTES}-byte limit",
            candidate.len()
        )))
    } else {
        Ok(candidate)
    }
}

/// The bodies of the fenced code blocks opened by "```" + `lang` (e.g. `"python"`), left to right,
/// trimmed. Like SynLogic's non-greedy fence regex: a block runs to the next "```".
pub fn fenced_blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let opener = format!("```{lang}");
    let mut blocks = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find(&opener) {
        let start = pos + found + opener.len();
        let Some(len) = text[start..].find("```") else {
            break;
        };
        let mut body = &text[start..start + len];
        if lang.is_empty() {
            body = strip_language_tag(body);
        }
        blocks.push(body.trim());
        pos = start + len + 3;
    }
    blocks
}

/// Drops a language word right after an opening fence ("```json\n[...]" gives "[...]").
fn strip_language_tag(body: &str) -> &str {
    let word_len = body
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'+' || *b == b'-')
        .count();
    if word_len > 0 && body[word_len..].starts_with(['\n', '\r']) {
        &body[word_len..]
    } else {
        body
    }
}

/// The next "```" at or after `from`: a byte search for '`' (no substring searcher to set up per
/// call, which costs more than the search on a short answer). Linear over repeated calls with
/// growing `from`.
fn next_fence(text: &str, mut from: usize) -> Option<usize> {
    loop {
        let at = from + text.get(from..)?.find('`')?;
        if text.as_bytes()[at..].starts_with(b"```") {
            return Some(at);
        }
        from = at + 1;
    }
}

/// The last of [`fenced_blocks`], found without collecting them (and without allocating).
pub fn last_fenced_block<'a>(text: &'a str, lang: &str) -> Option<&'a str> {
    let mut last = None;
    let mut pos = 0;
    // The next "```" + `lang` at or after `from` (what `find` of the joined opener gives).
    let opener_at = |mut from: usize| -> Option<usize> {
        loop {
            let at = next_fence(text, from)?;
            if text[at + 3..].starts_with(lang) {
                return Some(at);
            }
            from = at + 1;
        }
    };
    while let Some(found) = opener_at(pos) {
        let start = found + 3 + lang.len();
        let Some(end) = next_fence(text, start) else {
            break;
        };
        let mut body = &text[start..end];
        if lang.is_empty() {
            body = strip_language_tag(body);
        }
        last = Some(body.trim());
        pos = end + 3;
    }
    last
}

/// The last "```python" block, else the last fenced block of any language.
pub fn last_python_or_any_block(text: &str) -> Option<&str> {
    next_fence(text, 0)?;
    last_fenced_block(text, "python").or_else(|| last_fenced_block(text, ""))
}

/// The contents of every `[[...]]` group that holds no `]` inside (SynLogic's `\[\[([^\]]+)\]\]`),
/// left to right.
pub fn double_bracket_groups(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut groups = Vec::new();
    let mut i = 0;
    // Position of the next ']' at or after some index, cached so the scan stays linear.
    let mut next_close: Option<usize> = None;
    while i + 1 < bytes.len() {
        if bytes[i] != b'[' || bytes[i + 1] != b'[' {
            i += 1;
            continue;
        }
        let from = i + 2;
        let close = match next_close {
            Some(c) if c >= from => Some(c),
            _ => text[from..].find(']').map(|c| c + from),
        };
        next_close = close;
        let Some(close) = close else { break };
        if close > from && bytes.get(close + 1) == Some(&b']') {
            groups.push(&text[from..close]);
            i = close + 2;
        } else {
            i += 1;
        }
    }
    groups
}

/// Rows of integers from the inside of a `[[...]]` answer: rows separated by commas, numbers by
/// whitespace (`"1 2 3,4 5 6"`). `None` when a token is not an integer.
pub fn space_separated_rows(group: &str) -> Option<Vec<Vec<i64>>> {
    group
        .split(',')
        .map(|row| {
            row.split_whitespace()
                .map(|t| t.parse::<i64>().ok())
                .collect()
        })
        .collect()
}

/// The last span of `text` that starts with `open` and whose brackets (`open_char`/`close_char`)
/// balance, e.g. the last `[[...]]` matrix. Nesting deeper than `max_depth` abandons that span.
pub fn last_balanced(
    text: &str,
    open_char: char,
    close_char: char,
    max_depth: usize,
) -> Option<&str> {
    let bytes = text.as_bytes();
    let (open_b, close_b) = (open_char as u8, close_char as u8);
    // Scan right to left: the first close bracket met from the end, matched leftwards.
    let mut end = bytes.len();
    while let Some(close) = bytes[..end].iter().rposition(|&b| b == close_b) {
        let mut depth = 0usize;
        let mut j = close + 1;
        let mut found = None;
        while j > 0 {
            j -= 1;
            if bytes[j] == close_b {
                depth += 1;
                if depth > max_depth {
                    break;
                }
            } else if bytes[j] == open_b {
                depth -= 1;
                if depth == 0 {
                    found = Some(j);
                    break;
                }
            }
        }
        if let Some(start) = found {
            return Some(&text[start..=close]);
        }
        end = close;
        // A span that failed cannot succeed from further left with the same closers: skip past
        // the region we already scanned to keep this linear.
        end = end.min(j);
        if end == 0 {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_reasoning_like_the_shared_helper() {
        for text in [
            "",
            "answer",
            "<think>a</think>b",
            "<think>a</think>b</think>c",
            "<think>never closed",
            "x <think> y </think",
            "</think>",
            "<<think>>",
            "a < b <think",
            "<thinking>x</thinking> y",
            "中文<think>推理</think>答案",
            "<think></think><think>again",
        ] {
            assert_eq!(
                strip_think(text),
                rlvr_envs::extract::strip_think(text),
                "{text:?}"
            );
        }
        let long = format!("{}</think>ok", "<".repeat(100_000));
        assert_eq!(strip_think(&long), "ok");
    }

    proptest::proptest! {
        #[test]
        fn strip_think_agrees_on_tag_soup(text in "(<|>|/|think|t|h|<think>|</think>|中| ){0,24}") {
            proptest::prop_assert_eq!(strip_think(&text), rlvr_envs::extract::strip_think(&text));
        }
    }

    #[test]
    fn finds_fenced_blocks_like_synlogic() {
        let text = "a ```python\n[[1]]\n``` b ```python [[2]] ``` c ```json\n[3]\n```";
        assert_eq!(fenced_blocks(text, "python"), vec!["[[1]]", "[[2]]"]);
        assert_eq!(last_python_or_any_block(text), Some("[[2]]"));
        assert_eq!(last_python_or_any_block("x ```json\n[3]\n```"), Some("[3]"));
        for (text, lang) in [
            (text, "python"),
            (text, ""),
            ("``````python a```", "python"),
            ("```python a ```python b``` c```", "python"),
            ("```", ""),
            ("a```b```c```d```", ""),
            ("```pyth```python x```", "python"),
        ] {
            assert_eq!(
                last_fenced_block(text, lang),
                fenced_blocks(text, lang).pop(),
                "{text:?} {lang:?}"
            );
        }
        assert_eq!(
            fenced_blocks("```python never closed", "python"),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn finds_double_bracket_groups() {
        assert_eq!(
            double_bracket_groups("[[1 2,3 4]] and [[5]] [[x] ]]"),
            vec!["1 2,3 4", "5"]
        );
        assert_eq!(double_bracket_groups("[[[1 2]]"), vec!["[1 2"]);
        assert!(double_bracket_groups(&"[[".repeat(10_000)).is_empty());
    }

    #[test]
    fn finds_last_balanced_span() {
        assert_eq!(
            last_balanced("x [[1],[2]] y [[3]] z", '[', ']', 8),
            Some("[[3]]")
        );
        assert_eq!(
            last_balanced("((1,2),(3,4))", '(', ')', 8),
            Some("((1,2),(3,4))")
        );
        assert_eq!(last_balanced("no brackets", '[', ']', 8), None);
        assert_eq!(last_balanced(&"]".repeat(100_000), '[', ']', 8), None);
    }
}
