//! Answer extraction shared by rule-checked environments: strip reasoning, find the final answer.

/// The part of a response after its reasoning: text after the last `</think>`, or the whole response
/// when there is none. An unclosed `<think>` means the model never answered, so nothing is left.
pub fn strip_think(response: &str) -> &str {
    if let Some(end) = response.rfind("</think>") {
        return &response[end + "</think>".len()..];
    }
    if response.contains("<think>") {
        return "";
    }
    response
}

/// The content of the last `\boxed{...}` (or `\fbox{...}`) in `text`, braces balanced.
/// Returns `None` when there is none or its braces never close.
pub fn last_boxed(text: &str) -> Option<&str> {
    let start = ["\\boxed", "\\fbox"]
        .iter()
        .filter_map(|m| text.rfind(m).map(|i| i + m.len()))
        .max()?;
    let rest = text[start..].trim_start();
    let rest = rest.strip_prefix('{')?;
    let mut depth = 1usize;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The content of the last `<answer>...</answer>` block (SynLogic's and many RL recipes' format).
pub fn last_answer_tag(text: &str) -> Option<&str> {
    let start = text.rfind("<answer>")? + "<answer>".len();
    let end = text[start..].find("</answer>")? + start;
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_reasoning() {
        assert_eq!(strip_think("<think>4?</think> 5"), " 5");
        assert_eq!(strip_think("<think>never closed 5"), "");
        assert_eq!(strip_think("plain 5"), "plain 5");
    }

    #[test]
    fn finds_last_balanced_box() {
        assert_eq!(
            last_boxed(r"\boxed{1} then \boxed{\frac{1}{2}}"),
            Some(r"\frac{1}{2}")
        );
        assert_eq!(last_boxed(r"\fbox{7}"), Some("7"));
        assert_eq!(last_boxed(r"\boxed{unclosed"), None);
        assert_eq!(last_boxed("none"), None);
    }

    #[test]
    fn finds_last_answer_tag() {
        assert_eq!(
            last_answer_tag("<answer>a</answer> <answer>b</answer>"),
            Some("b")
        );
        assert_eq!(last_answer_tag("<answer>open"), None);
    }
}
