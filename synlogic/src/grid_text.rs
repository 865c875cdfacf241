//! Small renderers shared by the grid puzzles' prompts and records.

use std::borrow::Cow;

use serde_json::Value;

/// Rows of cells joined by spaces, one row per line; 0 renders as `X`.
pub fn masked_rows(grid: &[u8], n: usize) -> String {
    let mut out = String::with_capacity(grid.len() * 3);
    push_masked_rows(&mut out, grid, n);
    out
}

/// [`masked_rows`], appending to `out`.
pub fn push_masked_rows(out: &mut String, grid: &[u8], n: usize) {
    for (k, row) in grid.chunks(n.max(1)).enumerate() {
        if k > 0 {
            out.push('\n');
        }
        for (j, &v) in row.iter().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if v == 0 {
                out.push('X');
            } else {
                push_int(out, i64::from(v));
            }
        }
    }
}

/// `[[a b c,d e f]]`: the bracketed answer format of futoshiki and calcudoko.
pub fn bracket_rows(grid: &[u8], n: usize) -> String {
    let rows: Vec<String> = grid
        .chunks(n)
        .map(|row| row.iter().map(u8::to_string).collect::<Vec<_>>().join(" "))
        .collect();
    format!("[[{}]]", rows.join(","))
}

/// The grid as a JSON array of rows of numbers.
pub fn json_rows(grid: &[u8], n: usize) -> Value {
    Value::Array(
        grid.chunks(n)
            .map(|row| Value::Array(row.iter().map(|&v| Value::from(v)).collect()))
            .collect(),
    )
}

/// A JSON array of rows of integers, as `Vec<Vec<i64>>`; `None` when it is not one.
pub fn read_int_rows(value: &Value) -> Option<Vec<Vec<i64>>> {
    value
        .as_array()?
        .iter()
        .map(|row| row.as_array()?.iter().map(Value::as_i64).collect())
        .collect()
}

// Appending writers for the generators' hot path: each prompt is built in one buffer, numbers written
// without `fmt` (a `to_string` per cell was a large share of generating a small puzzle).

/// The decimal form of `v`, borrowed from a table for the small numbers that fill templates (grid
/// sides, counts), so a prompt needs no allocation for them.
pub fn small_int(v: usize) -> Cow<'static, str> {
    const SMALL: [&str; 33] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
        "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
        "32",
    ];
    match SMALL.get(v) {
        Some(&s) => Cow::Borrowed(s),
        None => Cow::Owned(v.to_string()),
    }
}

/// Appends the decimal form of `v`, as `to_string` writes it.
pub fn push_int(out: &mut String, v: i64) {
    // Most numbers in a prompt have one or two digits.
    if (0..10).contains(&v) {
        out.push(char::from(b'0' + v as u8));
        return;
    }
    if (10..100).contains(&v) {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
        return;
    }
    let mut buf = [0u8; 20];
    // ASCII digits and '-' only: each byte is its own char.
    out.extend(decimal(v, &mut buf).iter().map(|&b| char::from(b)));
}

/// `value` in decimal ASCII (as `to_string` writes it), written at the end of `buf`.
pub fn decimal(value: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut pos = buf.len();
    let mut rest = value.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        pos -= 1;
        buf[pos] = b'-';
    }
    &buf[pos..]
}

/// Appends `[a, b, c]`, as `format!("{:?}", vec)` writes a list of integers.
pub fn push_list(out: &mut String, values: impl IntoIterator<Item = i64>) {
    out.push('[');
    for (k, v) in values.into_iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        push_int(out, v);
    }
    out.push(']');
}

/// Appends `[[a, b], [c, d]]` for a row-major grid of `cols` columns, as `{:?}` of `Vec<Vec<i64>>`.
pub fn push_matrix(out: &mut String, grid: &[i64], cols: usize) {
    out.push('[');
    for (k, row) in grid.chunks(cols.max(1)).enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        push_list(out, row.iter().copied());
    }
    out.push(']');
}

/// Appends the rows of a row-major grid, cells joined by `sep` and rows by newlines; `blank` (when
/// given) renders as `X`.
pub fn push_rows(out: &mut String, grid: &[i64], cols: usize, sep: &str, blank: Option<i64>) {
    for (k, row) in grid.chunks(cols.max(1)).enumerate() {
        if k > 0 {
            out.push('\n');
        }
        for (j, &v) in row.iter().enumerate() {
            if j > 0 {
                out.push_str(sep);
            }
            if Some(v) == blank {
                out.push('X');
            } else {
                push_int(out, v);
            }
        }
    }
}

/// A row-major grid of `cols` columns as a JSON array of rows of numbers.
pub fn int_rows_value(grid: &[i64], cols: usize) -> Value {
    Value::Array(
        grid.chunks(cols.max(1))
            .map(|row| Value::Array(row.iter().map(|&v| Value::from(v)).collect()))
            .collect(),
    )
}

/// A JSON array of integers.
pub fn int_list_value(values: impl IntoIterator<Item = i64>) -> Value {
    Value::Array(values.into_iter().map(Value::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_match_the_fmt_forms() {
        for v in [0, 7, 9, -7, 10, 42, 99, 100, -99, 12345, i64::MIN, i64::MAX] {
            let mut s = String::new();
            push_int(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        let grid = [1i64, 2, 3, 4, 0, 6];
        let rows: Vec<Vec<i64>> = grid.chunks(3).map(<[i64]>::to_vec).collect();
        let mut s = String::new();
        push_matrix(&mut s, &grid, 3);
        assert_eq!(s, format!("{rows:?}"));
        let mut s = String::new();
        push_list(&mut s, []);
        assert_eq!(s, "[]");
        let mut s = String::new();
        push_rows(&mut s, &grid, 3, " ", Some(0));
        assert_eq!(s, "1 2 3\n4 X 6");
        assert_eq!(int_rows_value(&grid, 3), serde_json::json!(rows));
        assert_eq!(masked_rows(&[1, 0, 12, 3], 2), "1 X\n12 3");
        for v in [0, 9, 32, 33, 1000] {
            assert_eq!(small_int(v), v.to_string());
        }
    }
}
