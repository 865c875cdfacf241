//! Splits normalized LaTeX into tokens. Numbers are read whole here (thousands separators,
//! decimals, repeating decimals, `3e5`), so the parser never sees separator commas.

use super::limits::{MAX_INPUT_CHARS, MAX_TOKENS};
use super::ParseError;

/// A number as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumLit {
    pub int_digits: String,
    pub frac_digits: String,
    /// Digits under `\overline{}` or `\bar{}` after the decimal point.
    pub repeat_digits: String,
    /// Power of ten from `e` notation (`3e5`).
    pub exponent: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Num(NumLit),
    /// One letter: a variable, a constant or a multiple-choice letter.
    Letter(char),
    /// A run of two or more ASCII letters outside any command (`sin`, `cm`, `Monday`).
    Word(String),
    /// A command name without its backslash (`frac`, `pi`, `le`).
    Cmd(String),
    /// The raw content of `\text{}`, `\mathrm{}`, `\textbf{}` and friends.
    Text(String),
    /// `\begin{name}` / `\end{name}`.
    Begin(String),
    End(String),
    /// A single punctuation or operator character.
    Sym(char),
    /// `\{` and `\}`.
    SetOpen,
    SetClose,
    /// `\\` (a matrix row break).
    RowBreak,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    /// Whitespace came just before (mixed numbers `2 1/2` and unit words need it).
    pub space_before: bool,
}

/// Commands whose braced argument is text, not math.
const TEXT_COMMANDS: &[&str] = &[
    "text",
    "textbf",
    "textit",
    "textrm",
    "textup",
    "textsf",
    "texttt",
    "textnormal",
    "mathrm",
    "mathbf",
    "mathit",
    "mathsf",
    "mathtt",
    "mathbb",
    "mathcal",
    "mbox",
    "hbox",
    "operatorname",
    "emph",
];

/// Spacing commands (whitespace to the lexer).
const SPACES: &[&str] = &[
    ",",
    ";",
    ":",
    "!",
    " ",
    "quad",
    "qquad",
    "thinspace",
    "enspace",
];

/// Separators allowed between groups of three digits.
const THOUSANDS_SEPARATORS: &[&str] = &["{,}", ",", "\\,", "\\ ", "\\;", "\\:", "\\!", "~", " "];

pub fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    if text.chars().count() > MAX_INPUT_CHARS {
        return Err(ParseError::TooLarge("answer too long"));
    }
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut space = false;
    while i < bytes.len() {
        if tokens.len() > MAX_TOKENS {
            return Err(ParseError::TooLarge("too many tokens"));
        }
        let c = text[i..].chars().next().expect("in bounds");
        if c.is_whitespace() || c == '~' {
            space = true;
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_digit() || (c == '.' && next_is_digit(bytes, i + 1)) {
            let (lit, end) = lex_number(text, i);
            i = end;
            Tok::Num(lit)
        } else if c.is_ascii_alphabetic() {
            let end = text[i..]
                .find(|ch: char| !ch.is_ascii_alphabetic())
                .map_or(text.len(), |n| i + n);
            let run = &text[i..end];
            i = end;
            if run.len() == 1 {
                Tok::Letter(c)
            } else {
                Tok::Word(run.to_owned())
            }
        } else if c == '\\' {
            let rest = &text[i + 1..];
            let name_len = rest
                .find(|ch: char| !ch.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            if name_len == 0 {
                let Some(next) = rest.chars().next() else {
                    i += 1;
                    continue;
                };
                i += 1 + next.len_utf8();
                match next {
                    '{' => Tok::SetOpen,
                    '}' => Tok::SetClose,
                    '\\' => Tok::RowBreak,
                    '%' => Tok::Sym('%'),
                    '$' => {
                        space = true;
                        continue;
                    }
                    '#' | '&' | '_' => Tok::Sym(next),
                    other if SPACES.contains(&other.to_string().as_str()) => {
                        space = true;
                        continue;
                    }
                    other => Tok::Sym(other),
                }
            } else {
                let name = &rest[..name_len];
                i += 1 + name_len;
                if SPACES.contains(&name) {
                    space = true;
                    continue;
                }
                if TEXT_COMMANDS.contains(&name) {
                    let (content, end) = braced_or_single(text, i)?;
                    i = end;
                    Tok::Text(content.to_owned())
                } else if name == "begin" || name == "end" {
                    let (content, end) = braced_or_single(text, i)?;
                    i = end;
                    let env = content.trim().to_owned();
                    // `\begin{array}{cc}`: skip the column spec.
                    if name == "begin" && env == "array" && text[i..].trim_start().starts_with('{')
                    {
                        let skip = text[i..].len() - text[i..].trim_start().len();
                        let (_, after) = braced_or_single(text, i + skip)?;
                        i = after;
                    }
                    if name == "begin" {
                        Tok::Begin(env)
                    } else {
                        Tok::End(env)
                    }
                } else {
                    Tok::Cmd(name.to_owned())
                }
            }
        } else {
            i += c.len_utf8();
            Tok::Sym(c)
        };
        debug_assert!(i > start);
        tokens.push(Token {
            tok,
            space_before: space,
        });
        space = false;
    }
    Ok(tokens)
}

fn next_is_digit(bytes: &[u8], i: usize) -> bool {
    bytes.get(i).is_some_and(u8::is_ascii_digit)
}

fn digits_at(text: &str, i: usize) -> usize {
    text[i..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len() - i)
}

/// The content of `{...}` starting at `i` (after optional spaces), or the single next character.
fn braced_or_single(text: &str, i: usize) -> Result<(&str, usize), ParseError> {
    let skip = text[i..].len() - text[i..].trim_start().len();
    let i = i + skip;
    let rest = &text[i..];
    if let Some(inner) = rest.strip_prefix('{') {
        let mut depth = 1usize;
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok((&inner[..k], i + 1 + k + 1));
                    }
                }
                _ => {}
            }
        }
        Err(ParseError::Syntax("unbalanced braces".into()))
    } else if let Some(c) = rest.chars().next() {
        Ok((&rest[..c.len_utf8()], i + c.len_utf8()))
    } else {
        Err(ParseError::Syntax("command without argument".into()))
    }
}

/// Reads a number starting at `i`; returns it and the index after it.
fn lex_number(text: &str, mut i: usize) -> (NumLit, usize) {
    let bytes = text.as_bytes();
    let first = digits_at(text, i);
    let mut int_digits = text[i..i + first].to_owned();
    i += first;
    // Thousands separators: only after a first group of 1-3 digits, each group exactly three digits.
    if (1..=3).contains(&first) {
        'groups: loop {
            for sep in THOUSANDS_SEPARATORS {
                if text[i..].starts_with(sep) {
                    let at = i + sep.len();
                    if digits_at(text, at) == 3 && !is_decimal_comma_context(text, at + 3, sep) {
                        int_digits.push_str(&text[at..at + 3]);
                        i = at + 3;
                        continue 'groups;
                    }
                }
            }
            break;
        }
    }
    let mut frac_digits = String::new();
    let mut repeat_digits = String::new();
    if bytes.get(i) == Some(&b'.') {
        let n = digits_at(text, i + 1);
        let after = &text[i + 1 + n..];
        let repeat = ["\\overline", "\\bar", "\\dot"]
            .iter()
            .find_map(|cmd| after.strip_prefix(cmd));
        if n > 0 || repeat.is_some() {
            frac_digits = text[i + 1..i + 1 + n].to_owned();
            i += 1 + n;
            if let Some(arg) = repeat {
                let offset = after.len() - arg.len();
                if let Ok((digits, end)) = braced_or_single(text, i + offset) {
                    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                        repeat_digits = digits.to_owned();
                        i = end;
                    }
                }
            }
        }
    }
    let mut exponent = 0;
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut k = i + 1;
        let negative = bytes.get(k) == Some(&b'-');
        if matches!(bytes.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        let n = digits_at(text, k);
        let followed_by_letter = bytes.get(k + n).is_some_and(u8::is_ascii_alphabetic);
        if n > 0 && n <= 6 && !followed_by_letter {
            let value: i32 = text[k..k + n].parse().unwrap_or(0);
            exponent = if negative { -value } else { value };
            i = k + n;
        }
    }
    (
        NumLit {
            int_digits,
            frac_digits,
            repeat_digits,
            exponent,
        },
        i,
    )
}

/// `1, 234` with a space after the comma is a list, not a thousands separator; so is a comma group
/// followed by more digits.
fn is_decimal_comma_context(text: &str, after_group: usize, sep: &str) -> bool {
    let next = text[after_group..].chars().next();
    sep == "," && next.is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> NumLit {
        match &lex(text).unwrap()[0].tok {
            Tok::Num(n) => n.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_separators_decimals_and_exponents() {
        assert_eq!(num("1,000,000").int_digits, "1000000");
        assert_eq!(num("1\\,000").int_digits, "1000");
        assert_eq!(num("1{,}000").int_digits, "1000");
        assert_eq!(num("1 234 567").int_digits, "1234567");
        assert_eq!(num("1,5").int_digits, "1");
        assert_eq!(num("12.50").frac_digits, "50");
        assert_eq!(num("0.\\overline{3}").repeat_digits, "3");
        assert_eq!(num("3e5").exponent, 5);
        assert_eq!(num("1.5E-3").exponent, -3);
        assert_eq!(lex("2e").unwrap().len(), 2);
    }

    #[test]
    fn reads_commands_text_and_words() {
        let toks: Vec<Tok> = lex("\\frac{1}{2}\\text{ cm} sin x")
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect();
        assert_eq!(toks[0], Tok::Cmd("frac".into()));
        assert!(toks.contains(&Tok::Text(" cm".into())));
        assert!(toks.contains(&Tok::Word("sin".into())));
        assert!(toks.contains(&Tok::Letter('x')));
    }
}
