//! Small renderers shared by the grid puzzles' prompts and records.

use serde_json::Value;

/// Rows of cells joined by spaces, one row per line; 0 renders as `X`.
pub fn masked_rows(grid: &[u8], n: usize) -> String {
    grid.chunks(n)
        .map(|row| {
            row.iter()
                .map(|&v| {
                    if v == 0 {
                        "X".to_owned()
                    } else {
                        v.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
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
            .map(|row| Value::from(row.to_vec()))
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
