//! Token clean-up between lexing and parsing: words become commands, separators or letters, and
//! units after a value are dropped.
//!
//! The unit rule: a `\text{...}` word right after a value is a unit (`12\text{ cm}`, `5\mbox{ dollars}`);
//! so is a bare word of two or more letters that names a unit (`12 cm`) or, after a space, any bare word
//! of three or more letters (`5 apples`). A single bare letter is never a unit: `3m` stays `3 * m`.

use super::lexer::{Tok, Token};
use super::parser::word_role;

/// What a bare word means.
pub(super) enum WordRole {
    /// A function or constant spelled without backslash (`sin`, `pi`, `infinity`).
    Command(String),
    /// `and`, `or`: between several answers.
    Separator,
    Percent,
    Degrees,
    Other,
}

/// Short bare words that are units (longer words after a space count as units anyway).
const SHORT_UNITS: &[&str] = &[
    "cm", "mm", "km", "kg", "mg", "ml", "ft", "yd", "mi", "lb", "oz", "hr", "hrs", "min", "mins",
    "mph", "kph", "sq", "cu", "cc", "ms", "ns", "kw", "kj", "mb", "gb", "usd", "am", "pm",
];

fn ends_value(tok: &Tok) -> bool {
    match tok {
        Tok::Num(_) | Tok::Sym(')' | '}' | '%' | ']') | Tok::Letter(_) => true,
        Tok::Cmd(c) => c == "pi" || c == "circ",
        _ => false,
    }
}

fn is_text_word(content: &str) -> bool {
    let t = content.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '-' || c == '/')
}

fn separator_text(content: &str) -> bool {
    matches!(content.trim(), "and" | "or" | "," | "or," | "and,")
}

pub(super) fn clean_tokens(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut iter = tokens.into_iter().peekable();
    let mut dropped_unit = false;
    while let Some(mut token) = iter.next() {
        // A power right after a dropped unit (`\text{ cm}^2`) goes with it.
        if dropped_unit && token.tok == Tok::Sym('^') {
            if let Some(next) = iter.next() {
                if next.tok == Tok::Sym('{') {
                    for t in iter.by_ref() {
                        if t.tok == Tok::Sym('}') {
                            break;
                        }
                    }
                }
            }
            continue;
        }
        dropped_unit = false;
        let after_value = out.last().is_some_and(|t| ends_value(&t.tok));
        match &token.tok {
            Tok::Word(w) => match word_role(w) {
                WordRole::Command(name) => token.tok = Tok::Cmd(name),
                WordRole::Separator => token.tok = Tok::Sym(','),
                WordRole::Percent => token.tok = Tok::Sym('%'),
                WordRole::Degrees => token.tok = Tok::Cmd("circ".into()),
                WordRole::Other => {
                    let lower = w.to_ascii_lowercase();
                    let unit = SHORT_UNITS.contains(&lower.as_str())
                        || (token.space_before && w.len() >= 3);
                    if after_value && unit {
                        dropped_unit = true;
                        continue;
                    }
                }
            },
            Tok::Text(t) if separator_text(t) => token.tok = Tok::Sym(','),
            Tok::Text(t) if t.trim().eq_ignore_ascii_case("percent") || t.trim() == "%" => {
                token.tok = Tok::Sym('%')
            }
            Tok::Text(t) if t.trim().eq_ignore_ascii_case("degrees") => {
                token.tok = Tok::Cmd("circ".into())
            }
            Tok::Text(t) if after_value && is_text_word(t) => {
                dropped_unit = true;
                continue;
            }
            Tok::Text(t) if t.trim().is_empty() => continue,
            _ => {}
        }
        out.push(token);
    }
    // A sentence's full stop.
    while out.last().is_some_and(|t| t.tok == Tok::Sym('.')) {
        out.pop();
    }
    let only_words = out
        .iter()
        .all(|t| matches!(t.tok, Tok::Word(_) | Tok::Text(_) | Tok::Letter(_)));
    if only_words {
        return out;
    }
    // Inside math, an unknown run of letters is a product of one-letter variables (`xy`).
    let mut split = Vec::with_capacity(out.len());
    for token in out {
        match token.tok {
            Tok::Word(w) => {
                for (k, c) in w.chars().enumerate() {
                    split.push(Token {
                        tok: Tok::Letter(c),
                        space_before: token.space_before && k == 0,
                    });
                }
            }
            tok => split.push(Token {
                tok,
                space_before: token.space_before,
            }),
        }
    }
    split
}
