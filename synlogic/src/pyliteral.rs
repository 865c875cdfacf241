//! A bounded parser for the Python literals SynLogic answers are written in (what `ast.literal_eval`
//! accepts for our tasks): integers, floats, strings, `None`/`True`/`False`, lists, tuples, dicts.
//!
//! Bounded: nesting deeper than [`MAX_DEPTH`] is an error rather than a stack overflow, and the
//! parser is a single left-to-right pass.

use std::fmt;

/// Nesting limit; SynLogic's answers nest at most three deep.
pub const MAX_DEPTH: usize = 32;

/// A parsed literal.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    List(Vec<PyValue>),
    Tuple(Vec<PyValue>),
    Dict(Vec<(PyValue, PyValue)>),
}

impl PyValue {
    /// The items of a list or tuple.
    pub fn as_seq(&self) -> Option<&[PyValue]> {
        match self {
            PyValue::List(v) | PyValue::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// An integer (not a bool, not a float).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            PyValue::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            PyValue::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Why a literal did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralError {
    pub offset: usize,
    pub message: &'static str,
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for LiteralError {}

/// Parses one literal; only whitespace and `#` comments may surround it.
pub fn parse(text: &str) -> Result<PyValue, LiteralError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    let value = p.value(0)?;
    p.skip_space();
    if p.pos != p.src.len() {
        return Err(p.err("unexpected text after the literal"));
    }
    Ok(value)
}

/// An integer matrix from a literal: a list or tuple of equal-length lists or tuples of integers.
pub fn int_matrix(value: &PyValue) -> Option<Vec<Vec<i64>>> {
    value
        .as_seq()?
        .iter()
        .map(|row| row.as_seq()?.iter().map(PyValue::as_int).collect())
        .collect()
}

/// The common shape of an answer, a list of lists (`[[1, 2], [3, 4]]`, `[["1", "X"]]`), read
/// without building [`PyValue`]s. `None` means "not in this simple subset" (comments, tuples, escapes,
/// `+`/`_` in numbers, ...): the caller then runs [`parse`], so no answer is judged differently.
fn simple_rows<'a, T>(
    text: &'a str,
    mut cell: impl FnMut(&mut Scanner<'a>) -> Option<T>,
) -> Option<Vec<Vec<T>>> {
    let mut sc = Scanner {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    let mut rows = Vec::new();
    sc.list(|sc| {
        let mut row = Vec::new();
        sc.list(|sc| {
            row.push(cell(sc)?);
            Some(())
        })?;
        rows.push(row);
        Some(())
    })?;
    sc.space();
    (sc.pos == sc.src.len()).then_some(rows)
}

/// An integer matrix written as a list of lists of decimal integers, read directly; `None` when the
/// text is anything else (then use [`parse`] and [`int_matrix`], which agree on this subset).
pub fn simple_int_matrix(text: &str) -> Option<Vec<Vec<i64>>> {
    simple_rows(text, Scanner::int)
}

/// A matrix of strings written as a list of lists of quoted strings without escapes, borrowed from
/// `text`; `None` when the text is anything else (then use [`parse`]).
pub fn simple_str_matrix(text: &str) -> Option<Vec<Vec<&str>>> {
    simple_rows(text, Scanner::string)
}

/// The cells of a list of lists of quoted strings without escapes (the subset of
/// [`simple_str_matrix`]), visited as (row, column, text) without building any list. `None` when
/// the text is outside that subset or `visit` stops with `None`; else the number of rows.
pub fn visit_simple_str_cells<'a>(
    text: &'a str,
    mut visit: impl FnMut(usize, usize, &'a str) -> Option<()>,
) -> Option<usize> {
    visit_simple_cells(text, |row, col, cell| match cell {
        SimpleCell::Str(cell) => visit(row, col, cell),
        SimpleCell::Int(_) => None,
    })
}

/// A cell of a simple matrix: a plain decimal integer, or a quoted string without escapes
/// (borrowed from the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimpleCell<'a> {
    Int(i64),
    Str(&'a str),
}

/// The cells of a list of lists whose cells are plain decimal integers or quoted strings without
/// escapes, visited as (row, column, cell) without building any list. `None` when the text is
/// outside that subset or `visit` stops with `None`; else the number of rows. On this subset
/// [`parse`] gives the same values (`PyValue::Int`, `PyValue::Str`).
pub fn visit_simple_cells<'a>(
    text: &'a str,
    mut visit: impl FnMut(usize, usize, SimpleCell<'a>) -> Option<()>,
) -> Option<usize> {
    let mut sc = Scanner {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    let mut row = 0;
    sc.list(|sc| {
        let mut col = 0;
        sc.list(|sc| {
            sc.space();
            let cell = match sc.src.get(sc.pos)? {
                b'"' | b'\'' => SimpleCell::Str(sc.string()?),
                _ => SimpleCell::Int(sc.int()?),
            };
            visit(row, col, cell)?;
            col += 1;
            Some(())
        })?;
        row += 1;
        Some(())
    })?;
    sc.space();
    (sc.pos == sc.src.len()).then_some(row)
}

/// A list of integer pairs written `[(r, c), [r, c], ...]` (plain decimal integers), read
/// directly; `None` when the text is anything else (then use [`parse`], which agrees on this subset).
pub fn simple_pairs(text: &str) -> Option<Vec<(i64, i64)>> {
    let mut sc = Scanner {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    let mut out = Vec::new();
    sc.list(|sc| {
        out.push(sc.pair()?);
        Some(())
    })?;
    sc.space();
    (sc.pos == sc.src.len()).then_some(out)
}

/// A list of coordinate pairs written `[[(r, c), (r, c)], ...]` (each bracket `[]` or `()`, plain
/// decimal integers), read directly; `None` when the text is anything else (then use [`parse`],
/// which reads this subset the same way).
pub fn simple_pair_pairs(text: &str) -> Option<Vec<[(i64, i64); 2]>> {
    let mut sc = Scanner {
        src: text.as_bytes(),
        text,
        pos: 0,
    };
    let mut out = Vec::new();
    sc.list(|sc| {
        let a_open = sc.open()?;
        let a = sc.pair()?;
        sc.space();
        if sc.src.get(sc.pos) != Some(&b',') {
            return None;
        }
        sc.pos += 1;
        let b = sc.pair()?;
        sc.space();
        if sc.src.get(sc.pos) == Some(&b',') {
            sc.pos += 1;
        }
        sc.close(a_open)?;
        out.push([a, b]);
        Some(())
    })?;
    sc.space();
    (sc.pos == sc.src.len()).then_some(out)
}

/// The scanner behind the `simple_*` readers: whitespace is `[ \t\r\n]` only.
struct Scanner<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn space(&mut self) {
        while matches!(self.src.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// `[item, item, ...]` with an optional trailing comma.
    fn list(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.space();
        if self.src.get(self.pos) != Some(&b'[') {
            return None;
        }
        self.pos += 1;
        loop {
            self.space();
            if self.src.get(self.pos) == Some(&b']') {
                self.pos += 1;
                return Some(());
            }
            item(self)?;
            self.space();
            match self.src.get(self.pos)? {
                b',' => self.pos += 1,
                b']' => {}
                _ => return None,
            }
        }
    }

    fn int(&mut self) -> Option<i64> {
        self.space();
        let negative = self.src.get(self.pos) == Some(&b'-');
        if negative {
            self.pos += 1;
        }
        let start = self.pos;
        let mut value: i64 = 0;
        while let Some(&b) = self.src.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            // Accumulated negatively, so i64::MIN reads too.
            value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
            self.pos += 1;
        }
        if self.pos == start
            || matches!(
                self.src.get(self.pos),
                Some(b'.' | b'e' | b'E' | b'_' | b'j' | b'J')
            )
        {
            return None;
        }
        if negative {
            Some(value)
        } else {
            value.checked_neg()
        }
    }

    /// An opening `[` or `(`; returns the closer it needs.
    fn open(&mut self) -> Option<u8> {
        self.space();
        let close = match self.src.get(self.pos)? {
            b'[' => b']',
            b'(' => b')',
            _ => return None,
        };
        self.pos += 1;
        Some(close)
    }

    fn close(&mut self, close: u8) -> Option<()> {
        self.space();
        (self.src.get(self.pos) == Some(&close)).then(|| self.pos += 1)
    }

    /// `(int, int)` or `[int, int]`, an optional trailing comma inside.
    fn pair(&mut self) -> Option<(i64, i64)> {
        let close = self.open()?;
        let a = self.int()?;
        self.space();
        if self.src.get(self.pos) != Some(&b',') {
            return None;
        }
        self.pos += 1;
        let b = self.int()?;
        self.space();
        if self.src.get(self.pos) == Some(&b',') {
            self.pos += 1;
        }
        self.close(close)?;
        Some((a, b))
    }

    fn string(&mut self) -> Option<&'a str> {
        self.space();
        let quote = *self.src.get(self.pos)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let start = self.pos + 1;
        // A plain loop: cells are a byte or two, where `position`'s unrolled search costs more
        // than the scan.
        let mut end = start;
        loop {
            match *self.src.get(end)? {
                b if b == quote => break,
                b'\\' | b'\n' => return None,
                _ => end += 1,
            }
        }
        self.pos = end + 1;
        // Both ends are ASCII quotes, so always char boundaries.
        self.text.get(start..end)
    }
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> LiteralError {
        LiteralError {
            offset: self.pos,
            message,
        }
    }

    fn skip_space(&mut self) {
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => {
                    while self.src.get(self.pos).is_some_and(|&b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<PyValue, LiteralError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.skip_space();
        match self.src.get(self.pos) {
            None => Err(self.err("expected a value")),
            Some(b'[') => {
                self.pos += 1;
                let (items, _) = self.items(b']', depth)?;
                Ok(PyValue::List(items))
            }
            Some(b'(') => {
                self.pos += 1;
                let (mut items, trailing_comma) = self.items(b')', depth)?;
                // `(x)` is x itself; `(x,)` and `()` are tuples.
                if items.len() == 1 && !trailing_comma {
                    Ok(items.pop().expect("one item"))
                } else {
                    Ok(PyValue::Tuple(items))
                }
            }
            Some(b'{') => {
                self.pos += 1;
                self.dict(depth)
            }
            Some(b'\'' | b'"') => self.string(),
            Some(b) if b.is_ascii_digit() || *b == b'-' || *b == b'+' || *b == b'.' => {
                self.number()
            }
            Some(_) => self.word(),
        }
    }

    /// Comma-separated values up to `close`; returns whether the last item had a trailing comma.
    fn items(&mut self, close: u8, depth: usize) -> Result<(Vec<PyValue>, bool), LiteralError> {
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.skip_space();
            if self.src.get(self.pos) == Some(&close) {
                self.pos += 1;
                return Ok((items, trailing_comma));
            }
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.src.get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                    trailing_comma = true;
                }
                Some(&b) if b == close => {
                    trailing_comma = false;
                }
                _ => return Err(self.err("expected `,` or a closing bracket")),
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<PyValue, LiteralError> {
        let mut entries = Vec::new();
        loop {
            self.skip_space();
            if self.src.get(self.pos) == Some(&b'}') {
                self.pos += 1;
                return Ok(PyValue::Dict(entries));
            }
            let key = self.value(depth + 1)?;
            self.skip_space();
            if self.src.get(self.pos) != Some(&b':') {
                return Err(self.err("expected `:` in a dict"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.skip_space();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.err("expected `,` or `}` in a dict")),
            }
        }
    }

    fn string(&mut self) -> Result<PyValue, LiteralError> {
        let quote = self.src[self.pos];
        self.pos += 1;
        let mut out = String::new();
        let start = self.pos;
        let mut chunk_start = start;
        while let Some(&b) = self.src.get(self.pos) {
            if b == quote {
                out.push_str(&self.text[chunk_start..self.pos]);
                self.pos += 1;
                return Ok(PyValue::Str(out));
            }
            if b == b'\n' {
                return Err(self.err("newline inside a string"));
            }
            if b == b'\\' {
                out.push_str(&self.text[chunk_start..self.pos]);
                let escaped = self.src.get(self.pos + 1).copied();
                match escaped {
                    Some(b'n') => out.push('\n'),
                    Some(b't') => out.push('\t'),
                    Some(b'\\') => out.push('\\'),
                    Some(b'\'') => out.push('\''),
                    Some(b'"') => out.push('"'),
                    // `\u2191`: how `json.dumps` writes non-ASCII text, e.g. SynLogic's arrows.
                    Some(b'u') => {
                        let ch = self
                            .text
                            .get(self.pos + 2..self.pos + 6)
                            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                            .and_then(char::from_u32)
                            .ok_or_else(|| self.err("bad \\u escape in a string"))?;
                        out.push(ch);
                        self.pos += 4;
                    }
                    _ => return Err(self.err("unsupported escape in a string")),
                }
                self.pos += 2;
                chunk_start = self.pos;
                continue;
            }
            self.pos += 1;
        }
        Err(self.err("unterminated string"))
    }

    fn number(&mut self) -> Result<PyValue, LiteralError> {
        let start = self.pos;
        if matches!(self.src.get(self.pos), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        let mut is_float = false;
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b'0'..=b'9' | b'_' => {}
                b'.' | b'e' | b'E' => is_float = true,
                b'-' | b'+' if matches!(self.src[self.pos - 1], b'e' | b'E') => {}
                _ => break,
            }
            self.pos += 1;
        }
        let literal: String = self.text[start..self.pos]
            .chars()
            .filter(|&c| c != '_')
            .collect();
        if is_float {
            literal
                .parse::<f64>()
                .map(PyValue::Float)
                .map_err(|_| self.err("malformed number"))
        } else {
            literal
                .parse::<i64>()
                .map(PyValue::Int)
                .map_err(|_| self.err("malformed or too large integer"))
        }
    }

    fn word(&mut self) -> Result<PyValue, LiteralError> {
        let rest = &self.text[self.pos..];
        for (word, value) in [
            ("None", PyValue::None),
            ("True", PyValue::Bool(true)),
            ("False", PyValue::Bool(false)),
        ] {
            if rest.starts_with(word) {
                self.pos += word.len();
                return Ok(value);
            }
        }
        Err(self.err("not a literal"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_literals() {
        let v = parse("((1, 2), [3, -4],)  # done").unwrap();
        assert_eq!(int_matrix(&v), Some(vec![vec![1, 2], vec![3, -4]]));
        assert_eq!(parse("(7)").unwrap(), PyValue::Int(7));
        assert_eq!(
            parse("(7,)").unwrap(),
            PyValue::Tuple(vec![PyValue::Int(7)])
        );
        assert_eq!(
            parse("{'A': [(1, 2)], \"B\": None}").unwrap(),
            PyValue::Dict(vec![
                (
                    PyValue::Str("A".into()),
                    PyValue::List(vec![PyValue::Tuple(vec![PyValue::Int(1), PyValue::Int(2)])])
                ),
                (PyValue::Str("B".into()), PyValue::None)
            ])
        );
        assert_eq!(parse("'a\\'b'").unwrap(), PyValue::Str("a'b".into()));
        assert_eq!(parse("2.5").unwrap(), PyValue::Float(2.5));
    }

    #[test]
    fn simple_readers_agree_with_the_general_parser() {
        for text in [
            "[[1, 2], [3, -4]]",
            " [ [1,2,] ,[3] , ]  ",
            "[]",
            "[[]]",
            "[[9223372036854775807, -9223372036854775808]]",
            "[[9223372036854775808]]",
            "[[1.5]]",
            "[[1_0]]",
            "[[+1]]",
            "[[1]] # note",
            "[(1, 2)]",
            "[[1 2]]",
            "[[1]] x",
            "[[-]]",
            "[[1e3]]",
            "[[0x1]]",
        ] {
            let general = parse(text).ok().and_then(|v| int_matrix(&v));
            if let Some(simple) = simple_int_matrix(text) {
                assert_eq!(Some(simple), general, "{text:?}");
            }
        }
        assert_eq!(
            simple_int_matrix("[[1, 2], [3, -4]]"),
            Some(vec![vec![1, 2], vec![3, -4]])
        );
        assert_eq!(
            simple_str_matrix(r#"[["1","X"], ['X', "1"]]"#),
            Some(vec![vec!["1", "X"], vec!["X", "1"]])
        );
        for text in [r#"[["a\"b"]]"#, r#"[["a]]"#, r#"[["a'"]]"#, "[['x\ny']]"] {
            if let Some(simple) = simple_str_matrix(text) {
                let general = parse(text).unwrap();
                let rows: Vec<Vec<&str>> = general
                    .as_seq()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        r.as_seq()
                            .unwrap()
                            .iter()
                            .map(|c| c.as_str().unwrap())
                            .collect()
                    })
                    .collect();
                assert_eq!(simple, rows, "{text:?}");
            }
        }
    }

    #[test]
    fn rejects_malformed_and_deep_input() {
        for bad in [
            "",
            "[1,",
            "[1 2]",
            "(1,2",
            "abc",
            "[1]]",
            "99999999999999999999",
            "'open",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(&deep).unwrap_err().message, "nesting too deep");
    }

    #[test]
    fn simple_pair_pairs_agrees_with_the_full_parser() {
        for text in [
            "[[(1, 2), (1, 3)], [(4,4),(5,4)]]",
            "[([1, 2], [1, 3],), ]",
            "[]",
            "[[(1, 2), (1, 3)], [(4, 4)]]",
            "[[(1, 2), (1, 3)] # c\n]",
            "[[(1, 2), (1, 3))]",
        ] {
            let fast = simple_pair_pairs(text);
            let full = parse(text).ok().and_then(|v| {
                v.as_seq()?
                    .iter()
                    .map(|d| match d.as_seq()? {
                        [a, b] => {
                            let pair = |p: &PyValue| match p.as_seq()? {
                                [r, c] => Some((r.as_int()?, c.as_int()?)),
                                _ => None,
                            };
                            Some([pair(a)?, pair(b)?])
                        }
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
            });
            if let Some(fast) = fast {
                assert_eq!(Some(fast), full, "{text}");
            }
        }
        assert_eq!(
            simple_pair_pairs("[[(1, 2), (1, 3)], [(4,4),(5,4)]]"),
            Some(vec![[(1, 2), (1, 3)], [(4, 4), (5, 4)]])
        );
        assert_eq!(simple_pair_pairs("[[(1, 2), (1, 3))]"), None);
    }

    #[test]
    fn visiting_cells_matches_the_str_matrix_reader() {
        let text = r#"[["1", "X"], ['X', "1"],]"#;
        let mut seen = Vec::new();
        let rows = visit_simple_str_cells(text, |r, c, cell| {
            seen.push((r, c, cell));
            Some(())
        });
        assert_eq!(rows, Some(2));
        let matrix = simple_str_matrix(text).unwrap();
        let flat: Vec<(usize, usize, &str)> = matrix
            .iter()
            .enumerate()
            .flat_map(|(r, row)| row.iter().enumerate().map(move |(c, &s)| (r, c, s)))
            .collect();
        assert_eq!(seen, flat);
        assert_eq!(
            visit_simple_str_cells(r#"[["1"], [1]]"#, |_, _, _| Some(())),
            None
        );
        assert_eq!(
            visit_simple_str_cells(r#"[["1", "2"]]"#, |_, c, _| (c == 0).then_some(())),
            None
        );
    }

    #[test]
    fn visiting_mixed_cells_agrees_with_the_full_parser() {
        for text in [
            r#"[["A", 2, 'X'], [-3, "", "x y"]]"#,
            "[[1, 2], [3]]",
            "[]",
            "[[]]",
            r#"[["a\"b"]]"#,
            "[[1.5]]",
            "[[+1]]",
            "[[True]]",
            "[[1]] # c",
            "[(1, 2)]",
            "[[99999999999999999999]]",
        ] {
            let mut rows: Vec<Vec<PyValue>> = Vec::new();
            let fast = visit_simple_cells(text, |r, c, cell| {
                while rows.len() <= r {
                    rows.push(Vec::new());
                }
                assert_eq!(c, rows[r].len());
                rows[r].push(match cell {
                    SimpleCell::Int(k) => PyValue::Int(k),
                    SimpleCell::Str(s) => PyValue::Str(s.to_owned()),
                });
                Some(())
            });
            if let Some(count) = fast {
                let full = parse(text).unwrap();
                let full: Vec<Vec<PyValue>> = full
                    .as_seq()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_seq().unwrap().to_vec())
                    .collect();
                // Empty rows have no cells to visit.
                rows.resize(count, Vec::new());
                assert_eq!(rows, full, "{text}");
            }
        }
        assert_eq!(
            visit_simple_cells(r#"[["A", 2], [3, "X"]]"#, |_, _, _| Some(())),
            Some(2)
        );
        assert_eq!(visit_simple_cells("[[1.5]]", |_, _, _| Some(())), None);
    }

    #[test]
    fn simple_pairs_agrees_with_the_full_parser() {
        for text in [
            "[(0, 1), [2,3],]",
            "[]",
            "[(0, 1, 2)]",
            "[(0, 1)] x",
            "[(1.5, 2)]",
        ] {
            let full = parse(text).ok().and_then(|v| {
                v.as_seq()?
                    .iter()
                    .map(|p| match p.as_seq()? {
                        [r, c] => Some((r.as_int()?, c.as_int()?)),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
            });
            if let Some(fast) = simple_pairs(text) {
                assert_eq!(Some(fast), full, "{text}");
            }
        }
        assert_eq!(simple_pairs("[(0, 1), [2,3],]"), Some(vec![(0, 1), (2, 3)]));
        assert_eq!(simple_pairs("[(0, 1, 2)]"), None);
    }
}
