//! Text clean-up before lexing: Unicode math symbols to LaTeX, sizing and spacing commands that carry
//! no meaning dropped, synonyms unified. Pure string rewriting; structure is the parser's job.

/// Unicode symbols models write, and their LaTeX.
const UNICODE: &[(char, &str)] = &[
    ('\u{2212}', "-"), // minus sign
    ('\u{2013}', "-"),
    ('\u{00d7}', "\\times "),
    ('\u{22c5}', "\\cdot "),
    ('\u{00b7}', "\\cdot "),
    ('\u{00f7}', "/"),
    ('\u{03c0}', "\\pi "),
    ('\u{221a}', "\\sqrt"),
    ('\u{221b}', "\\sqrt[3]"),
    ('\u{00b0}', "^\\circ "),
    ('\u{221e}', "\\infty "),
    ('\u{2264}', "\\le "),
    ('\u{2265}', "\\ge "),
    ('\u{2260}', "\\ne "),
    ('\u{2248}', "="),
    ('\u{2205}', "\\emptyset "),
    ('\u{222a}', "\\cup "),
    ('\u{00b1}', "\\pm "),
    ('\u{00bd}', "\\frac{1}{2}"),
    ('\u{2153}', "\\frac{1}{3}"),
    ('\u{2154}', "\\frac{2}{3}"),
    ('\u{00bc}', "\\frac{1}{4}"),
    ('\u{00be}', "\\frac{3}{4}"),
    ('\u{2155}', "\\frac{1}{5}"),
    ('\u{2159}', "\\frac{1}{6}"),
    ('\u{215b}', "\\frac{1}{8}"),
    ('\u{00b2}', "^2"),
    ('\u{00b3}', "^3"),
    ('\u{00a0}', " "),
    ('\u{2009}', " "),
    ('\u{202f}', " "),
];

/// Commands dropped outright: sizing, style and `\left`/`\right`.
const DROPPED: &[&str] = &[
    "\\displaystyle",
    "\\textstyle",
    "\\scriptstyle",
    "\\left",
    "\\right",
    "\\bigl",
    "\\bigr",
    "\\Bigl",
    "\\Bigr",
    "\\biggl",
    "\\biggr",
    "\\Biggl",
    "\\Biggr",
    "\\big",
    "\\Big",
    "\\bigg",
    "\\Bigg",
    "\\limits",
    "\\mathclose",
    "\\mathopen",
];

/// Rewrites `input` into the plain LaTeX the lexer reads.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match UNICODE.iter().find(|(u, _)| *u == c) {
            Some((_, latex)) => out.push_str(latex),
            None => out.push(c),
        }
    }
    let mut text = drop_commands(&out);
    for (from, to) in [
        ("\\dfrac", "\\frac"),
        ("\\tfrac", "\\frac"),
        ("\\cfrac", "\\frac"),
        ("\\varnothing", "\\emptyset"),
        ("\\lvert", "|"),
        ("\\rvert", "|"),
        ("\\vert", "|"),
        ("\\lbrace", "\\{"),
        ("\\rbrace", "\\}"),
        ("\\dots", ""),
        ("\\ldots", ""),
    ] {
        if text.contains(from) {
            text = text.replace(from, to);
        }
    }
    text.replace('$', " ")
}

/// Removes each command of [`DROPPED`] where it is a whole command (not a prefix of a longer name).
fn drop_commands(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('\\') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let name_len = rest[1..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len() - 1);
        let command = &rest[..1 + name_len];
        if name_len > 0 && DROPPED.contains(&command) {
            rest = &rest[command.len()..];
            // `\left.` and `\right.` are invisible delimiters.
            if let Some(after) = rest.strip_prefix('.') {
                rest = after;
            }
        } else {
            let keep = command.len().max(1);
            out.push_str(&rest[..keep]);
            rest = &rest[keep..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_unicode_and_drops_sizing() {
        assert_eq!(normalize("\u{2212}3\u{00b0}"), "-3^\\circ ");
        assert_eq!(normalize("\\left(1,2\\right]"), "(1,2]");
        assert_eq!(normalize("\\left.x\\right|"), "x|");
        assert_eq!(normalize("\\leftarrow"), "\\leftarrow");
        assert_eq!(normalize("$\\dfrac12$"), " \\frac12 ");
    }
}
