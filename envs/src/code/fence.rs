//! Finding the program in a response: the last fenced code block of the target language.

use super::language::Language;

/// One fenced block: its info-string language (if any) and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fenced<'a> {
    pub tag: &'a str,
    pub body: &'a str,
}

/// Every fenced block (``` or ~~~, three or more) in order. An unclosed last block is dropped: the
/// response was cut off and the program is incomplete.
pub fn fenced_blocks(text: &str) -> Vec<Fenced<'_>> {
    let mut blocks = Vec::new();
    let mut lines = LineIter { text, pos: 0 };
    while let Some((line, _, body_start)) = lines.next_line() {
        let trimmed = line.trim_start();
        let Some((marker, info)) = fence_open(trimmed) else {
            continue;
        };
        let tag = info.split_whitespace().next().unwrap_or("");
        let mut closed = None;
        while let Some((inner, inner_start, _)) = lines.next_line() {
            let t = inner.trim();
            if t.len() >= marker.len()
                && t.chars().all(|c| c == marker.chars().next().unwrap_or('`'))
            {
                closed = Some(inner_start);
                break;
            }
        }
        match closed {
            Some(end) => blocks.push(Fenced {
                tag,
                body: &text[body_start..end],
            }),
            None => break,
        }
    }
    blocks
}

/// An opening fence: the marker run and the info string after it.
fn fence_open(line: &str) -> Option<(&str, &str)> {
    let ch = line.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let n = line.chars().take_while(|&c| c == ch).count();
    if n < 3 {
        return None;
    }
    let (marker, info) = line.split_at(n);
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((marker, info.trim()))
}

struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LineIter<'a> {
    /// The next line without its newline, its start offset and the offset after its newline.
    fn next_line(&mut self) -> Option<(&'a str, usize, usize)> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.pos = if end < self.text.len() { end + 1 } else { end };
        Some((&self.text[start..end], start, self.pos))
    }
}

/// The program for `language`: the last block tagged with it. With no tagged block, the last untagged
/// block is taken (models often omit the tag); a block tagged with another language never is.
pub fn program_for(text: &str, language: Language) -> Option<&str> {
    let blocks = fenced_blocks(text);
    blocks
        .iter()
        .rev()
        .find(|b| Language::from_name(b.tag) == Some(language))
        .or_else(|| blocks.iter().rev().find(|b| b.tag.is_empty()))
        .map(|b| b.body)
        .filter(|b| !b.trim().is_empty())
}

/// The language and program of the last block tagged with any supported language.
pub fn any_program(text: &str) -> Option<(Language, &str)> {
    fenced_blocks(text)
        .into_iter()
        .rev()
        .find_map(|b| Language::from_name(b.tag).map(|l| (l, b.body)))
        .filter(|(_, b)| !b.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_last_block_of_the_language() {
        let text = "First:\n```python\nprint(1)\n```\nC++:\n```cpp\nint main(){}\n```\nFinal:\n```python\nprint(2)\n```\n";
        assert_eq!(program_for(text, Language::Python), Some("print(2)\n"));
        assert_eq!(program_for(text, Language::Cpp), Some("int main(){}\n"));
        assert_eq!(program_for(text, Language::Rust), None);
        assert_eq!(any_program(text), Some((Language::Python, "print(2)\n")));
    }

    #[test]
    fn untagged_blocks_are_a_fallback_and_unclosed_blocks_are_dropped() {
        assert_eq!(
            program_for("```\nx = 1\n```", Language::Python),
            Some("x = 1\n")
        );
        assert_eq!(program_for("```python\nprint(1)\n", Language::Python), None);
        assert_eq!(program_for("```python\n```", Language::Python), None);
        assert_eq!(
            program_for("~~~py\nprint(3)\n~~~\n", Language::Python),
            Some("print(3)\n")
        );
        assert_eq!(
            program_for("````python\n```\ninner\n```\n````", Language::Python),
            Some("```\ninner\n```\n")
        );
    }
}
