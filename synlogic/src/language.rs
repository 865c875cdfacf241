//! Prompt languages and seeded template choice. SynLogic writes each prompt in English or Chinese
//! (about half each) from several paraphrased templates; so do we, from our own wording.

use rand::Rng;
use serde::{Deserialize, Serialize};

use rlvr_envs::seed::TaskRng;

/// The language of a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Zh,
}

impl Language {
    /// Draws a language (50/50) and then applies `forced`, so the draw happens whatever is forced
    /// and the rest of the stream (the puzzle itself) is the same in both languages.
    pub fn draw(rng: &mut TaskRng, forced: Option<Language>) -> Language {
        let drawn = if rng.gen_bool(0.5) {
            Language::Zh
        } else {
            Language::En
        };
        forced.unwrap_or(drawn)
    }

    /// Whether this is Chinese (SynLogic's `is_chinese`).
    pub fn is_chinese(self) -> bool {
        self == Language::Zh
    }
}

/// The same text in both languages.
#[derive(Debug, Clone, Copy)]
pub struct Bilingual {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Bilingual {
    pub fn get(&self, language: Language) -> &'static str {
        match language {
            Language::En => self.en,
            Language::Zh => self.zh,
        }
    }
}

/// Picks one template of `bank` for `language` with the task's random stream.
pub fn pick(rng: &mut TaskRng, bank: &[Bilingual], language: Language) -> &'static str {
    bank[rng.gen_range(0..bank.len())].get(language)
}

/// Fills `{name}` placeholders in `template` from `values`. Unknown placeholders stay as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    fill_into(&mut out, template, values);
    out
}

/// [`fill`], appending to `out`: the generators build their whole prompt in one buffer.
pub fn fill_into(out: &mut String, template: &str, values: &[(&str, &str)]) {
    fill_with(out, template, |key, out| {
        match values.iter().find(|(k, _)| *k == key) {
            Some((_, v)) => {
                out.push_str(v);
                true
            }
            None => false,
        }
    });
}

/// [`fill_into`] with the values written by `write(key, out)`, which returns false for an unknown
/// key: a list or grid goes straight into the prompt, with no string of its own.
pub fn fill_with(
    out: &mut String,
    template: &str,
    mut write: impl FnMut(&str, &mut String) -> bool,
) {
    // Braces are ASCII, so a byte position is a char boundary; memchr scans a template in SIMD
    // strides (core's `find` goes a word at a time, a tenth of a survo record's generation).
    let find = |text: &str, byte: u8| memchr::memchr(byte, text.as_bytes());
    let mut rest = template;
    while let Some(open) = find(rest, b'{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match find(after, b'}') {
            Some(close) => {
                let key = &after[..close];
                if !write(key, out) {
                    out.push('{');
                    out.push_str(key);
                    out.push('}');
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_placeholders_and_keeps_others() {
        assert_eq!(
            fill("a {x} b {y} {", &[("x", "1")]),
            "a 1 b {y} {".to_owned()
        );
        let mut out = String::new();
        fill_with(&mut out, "[{x}|{y}]", |key, out| {
            key == "x" && {
                out.push_str("12");
                true
            }
        });
        assert_eq!(out, "[12|{y}]");
    }
}
