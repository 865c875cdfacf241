//! Bug injection into Python source, line by line: operator swaps, inverted conditions, off-by-one
//! constants and removed statements (the procedural kinds SWE-smith uses). Text-level and
//! deliberately simple: a candidate that breaks no test, or breaks the import, is discarded by the
//! caller, which runs the tests.

use serde::{Deserialize, Serialize};

/// What a mutation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationKind {
    OperatorSwap,
    InvertedCondition,
    OffByOne,
    RemovedStatement,
}

/// One candidate bug: replace line `line` (0-based) of `file` with `mutated`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutation {
    pub file: String,
    pub line: usize,
    pub original: String,
    pub mutated: String,
    pub kind: MutationKind,
    /// The enclosing function, for the problem statement.
    pub function: Option<String>,
}

const SWAPS: &[(&str, &str)] = &[
    (" == ", " != "),
    (" != ", " == "),
    (" <= ", " < "),
    (" >= ", " > "),
    (" < ", " <= "),
    (" > ", " >= "),
    (" and ", " or "),
    (" or ", " and "),
    (" is not ", " is "),
    (" not in ", " in "),
];

/// Every candidate mutation of one file's text, in line order.
pub fn candidates(file: &str, text: &str) -> Vec<Mutation> {
    let mut found = Vec::new();
    let mut in_docstring = false;
    let mut function: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
        if in_docstring {
            if quotes % 2 == 1 {
                in_docstring = false;
            }
            continue;
        }
        if quotes % 2 == 1 {
            in_docstring = true;
            continue;
        }
        if quotes > 0 || trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("def ") {
            function = rest.split('(').next().map(str::to_owned);
            continue;
        }
        if line.starts_with(|c: char| !c.is_whitespace()) {
            // Module level (imports, constants, class lines): out of any function.
            function = None;
            continue;
        }
        if function.is_none() || line.contains('\'') || line.contains('"') || line.ends_with('\\') {
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        let mut push = |mutated: String, kind| {
            found.push(Mutation {
                file: file.to_owned(),
                line: i,
                original: line.to_owned(),
                mutated,
                kind,
                function: function.clone(),
            })
        };
        if let Some((from, to)) = SWAPS.iter().find(|(from, _)| line.contains(from)) {
            push(line.replacen(from, to, 1), MutationKind::OperatorSwap);
        }
        for (keyword, cond_start) in [("if ", 3), ("elif ", 5), ("while ", 6)] {
            if trimmed.starts_with(keyword)
                && trimmed.ends_with(':')
                && !trimmed.contains(" lambda")
            {
                let cond = &trimmed[cond_start..trimmed.len() - 1];
                push(
                    format!("{indent}{}not ({cond}):", &trimmed[..cond_start]),
                    MutationKind::InvertedCondition,
                );
            }
        }
        for (from, to) in [
            (" + 1", " + 2"),
            (" - 1", " - 2"),
            ("[1:]", "[2:]"),
            ("[:-1]", "[:-2]"),
        ] {
            if line.contains(from) {
                push(line.replacen(from, to, 1), MutationKind::OffByOne);
                break;
            }
        }
        let is_simple_statement = !trimmed.ends_with(':')
            && !trimmed.ends_with(',')
            && !trimmed.ends_with('(')
            && !trimmed.ends_with('[')
            && !trimmed.ends_with('{')
            && !trimmed.starts_with("return")
            && !trimmed.starts_with("yield")
            && !trimmed.starts_with(')')
            && !trimmed.starts_with(']')
            && !trimmed.starts_with('}')
            && balanced(trimmed);
        if is_simple_statement
            && (trimmed.contains(" = ") || trimmed.contains(" += ") || trimmed.contains(".append("))
        {
            push(format!("{indent}pass"), MutationKind::RemovedStatement);
        }
    }
    found
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// `text` with the mutation applied (line endings kept as `\n`, the final newline kept).
pub fn apply(text: &str, mutation: &Mutation) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == mutation.line {
            out.push_str(&mutation.mutated);
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "import x\n\ndef take(n, seq):\n    \"\"\"Doc with a < b.\"\"\"\n    out = []\n    if n > 0:\n        out.append(seq[n - 1])\n    return out\n";

    #[test]
    fn finds_each_kind_inside_functions_only() {
        let found = candidates("m.py", SOURCE);
        let kinds: Vec<_> = found.iter().map(|m| (m.line, m.kind)).collect();
        assert!(kinds.contains(&(5, MutationKind::OperatorSwap)));
        assert!(kinds.contains(&(5, MutationKind::InvertedCondition)));
        assert!(kinds.contains(&(6, MutationKind::OffByOne)));
        assert!(kinds.contains(&(4, MutationKind::RemovedStatement)));
        // The docstring's `<` is never touched.
        assert!(found.iter().all(|m| m.line != 3));
        assert!(found.iter().all(|m| m.function.as_deref() == Some("take")));
    }

    #[test]
    fn apply_changes_exactly_one_line() {
        let m = candidates("m.py", SOURCE)
            .into_iter()
            .find(|m| m.kind == MutationKind::InvertedCondition)
            .unwrap();
        let mutated = apply(SOURCE, &m);
        assert!(mutated.contains("    if not (n > 0):\n"));
        assert_eq!(mutated.lines().count(), SOURCE.lines().count());
    }
}
