//! Built-in output comparisons (exact, tokens, lines, floats) and structural comparison of return
//! values. Custom checker programs run in the sandbox (see `judge`).

use serde_json::Value;

/// Byte-for-byte equality.
pub fn exact(output: &str, expected: &str) -> bool {
    output == expected
}

/// Equal whitespace-separated tokens.
pub fn tokens(output: &str, expected: &str) -> bool {
    output.split_whitespace().eq(expected.split_whitespace())
}

/// Equal lines, ignoring trailing whitespace on each line and trailing empty lines.
pub fn lines(output: &str, expected: &str) -> bool {
    fn significant(text: &str) -> Vec<&str> {
        let mut v: Vec<&str> = text.lines().map(str::trim_end).collect();
        while v.last() == Some(&"") {
            v.pop();
        }
        v
    }
    significant(output) == significant(expected)
}

/// Tokens, where two numeric tokens match within `abs` absolutely or `rel` relatively to the expected
/// value (testlib's `doubleCompare`); NaN matches only NaN, infinities only themselves.
pub fn floats(output: &str, expected: &str, abs: f64, rel: f64) -> bool {
    let mut out = output.split_whitespace();
    let mut exp = expected.split_whitespace();
    loop {
        match (out.next(), exp.next()) {
            (None, None) => return true,
            (Some(o), Some(e)) => {
                if o == e {
                    continue;
                }
                match (o.parse::<f64>(), e.parse::<f64>()) {
                    (Ok(a), Ok(b)) if close(a, b, abs, rel) => {}
                    _ => return false,
                }
            }
            _ => return false,
        }
    }
}

fn close(a: f64, b: f64, abs: f64, rel: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    let diff = (a - b).abs();
    diff <= abs + 1e-15 || diff <= rel * b.abs() + 1e-15
}

/// Structural equality of JSON return values, as Python's `==` after LiveCodeBench turns tuples into
/// lists: numbers compare by value (`1 == 1.0`), lists elementwise, objects by key.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        // Python: True == 1 and False == 0.
        (Value::Bool(p), Value::Number(n)) | (Value::Number(n), Value::Bool(p)) => {
            n.as_f64() == Some(f64::from(u8::from(*p)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_and_line_checkers() {
        assert!(tokens("1 2\n3\n", "1\n2 3"));
        assert!(!tokens("1 2", "1 2 3"));
        assert!(!tokens("Yes", "YES"));
        assert!(lines("a b  \nc\n\n", "a b\nc"));
        assert!(!lines("a  b\nc", "a b\nc"));
        assert!(!lines("a b c", "a b\nc"));
        assert!(exact("x\n", "x\n"));
        assert!(!exact("x", "x\n"));
    }

    #[test]
    fn float_checker_uses_abs_or_rel() {
        assert!(floats("0.3333333", "0.33333333", 1e-6, 0.0));
        assert!(!floats("0.334", "0.333", 1e-6, 1e-6));
        assert!(floats("1000001", "1000000", 0.0, 1e-6));
        assert!(floats("YES 1.0", "YES 1", 1e-9, 0.0));
        assert!(!floats("NO 1.0", "YES 1", 1e-9, 0.0));
        assert!(!floats("nan", "1", 1.0, 1.0));
        assert!(!floats("1 2", "1", 1.0, 1.0));
    }

    #[test]
    fn return_values_compare_structurally() {
        assert!(same_value(&json!([1, [2, 3]]), &json!([1.0, [2, 3.0]])));
        assert!(same_value(&json!({"a": 1}), &json!({"a": 1.0})));
        assert!(same_value(&json!(true), &json!(1)));
        assert!(!same_value(&json!([1, 2]), &json!([2, 1])));
        assert!(!same_value(&json!("1"), &json!(1)));
        assert!(!same_value(&json!(0.1), &json!(0.10000001)));
    }
}
