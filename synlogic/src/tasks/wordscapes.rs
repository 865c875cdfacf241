//! `wordscapes`: a crossword without clues. The prompt gives an X/0 layout (X = a letter goes here)
//! and the across and down words, unordered; the answer is the filled grid as a 2-D list of
//! one-letter strings, `" "` for empty cells.
//!
//! SynLogic's generator picks the across words freely and fits only the down words to them, its
//! layouts let words touch side by side, and it rebuilds a length index over 235k words per puzzle.
//! Its verifier only asks that each word occur somewhere in some row or column, so one word can
//! serve for two and a letter run may hide a word in the middle of another. Ours builds well-formed
//! crosswords (every run of two or more letters is exactly one word) from an embedded list (see
//! `data/WORDS-LICENSE.md`), and checks that the layout is kept, that the across words and the down
//! words each take their own letter cells (no two across words share a cell, likewise down), and
//! that every letter cell belongs to a word. On a well-formed layout that means each run holds one
//! given word; SynLogic's own layouts, whose words may abut, pass the same check.

mod fill;
mod layout;
mod words;

use rand::seq::SliceRandom;
use serde_json::{json, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual, Language};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};
use crate::pyliteral::{self, PyValue};

pub use fill::{fill_nodes, Slot};
pub use layout::{build, runs, Crossword, Placement};
pub use words::{dictionary, Dictionary};

const ID: &str = "wordscapes";

/// (side, words, most crossings) per level. SynLogic's run.sh uses side 4 with 5 words and at most
/// 3 crossings (its commented upper bound: side 15, 10 words, 10 crossings); its defaults draw sides
/// 4-6, 4-8 words and 5-10 crossings. A connected crossword of w words needs w - 1 crossings.
const LEVELS: [(usize, usize, usize); 10] = [
    (5, 3, 2),
    (6, 4, 3),
    (6, 5, 5),
    (7, 6, 6),
    (8, 7, 8),
    (9, 8, 9),
    (10, 10, 12),
    (12, 12, 14),
    (13, 14, 17),
    (15, 16, 20),
];

/// Layout draws per instance before giving up.
const MAX_DRAWS: usize = 500;

/// Filler placements allowed when measuring effort.
const FILL_BUDGET: u64 = 20_000_000;

/// Placement-matching steps allowed when verifying; real answers need one per word.
const MATCH_BUDGET: u64 = 100_000;

/// Limits on a record's layout.
const MAX_SIDE: usize = 64;
const MAX_WORDS: usize = 256;

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Fill in this {n}x{n} crossword with the words listed below.",
        zh: "请用下面列出的单词填好这个 {n}x{n} 的填字格。",
    },
    Bilingual {
        en: "Here is a {n}x{n} word grid with no clues, only the words that belong in it.",
        zh: "这是一个没有提示的 {n}x{n} 单词网格，只给出了要填入的单词。",
    },
    Bilingual {
        en: "Complete the {n}x{n} Wordscapes puzzle below.",
        zh: "请完成下面这道 {n}x{n} 的 Wordscapes 填词谜题。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "In the layout, X marks a cell that takes a letter and 0 a cell that stays empty. Every across word reads left to right along a row and every down word top to bottom along a column; each word fills one line of X cells from end to end, and where an across word and a down word cross they share the letter. Use every listed word exactly once.",
    zh: "在布局中，X 表示要填字母的格子，0 表示保持空白的格子。横向单词沿一行从左往右读，纵向单词沿一列从上往下读；每个单词从头到尾占满一段连续的 X 格，横向词与纵向词相交处共用同一个字母。列出的每个单词都恰好使用一次。",
};

const FORMAT: Bilingual = Bilingual {
    en: "At the end, write the filled grid as a 2-D list with one quoted letter per cell and \" \" (or \"0\") for empty cells, e.g. [[\"C\", \"A\", \"T\"], [\" \", \" \", \"O\"], [\" \", \" \", \"E\"]].",
    zh: "请在最后把填好的网格写成二维列表，每个格子一个带引号的字母，空白格写 \" \"（或 \"0\"），例如 [[\"C\", \"A\", \"T\"], [\" \", \" \", \"O\"], [\" \", \" \", \"E\"]]。",
};

/// The wordscapes task.
pub struct Wordscapes;

fn text(word: &[u8]) -> String {
    String::from_utf8_lossy(word).into_owned()
}

/// What a verifier reads from a record.
struct Board {
    /// `layout[r][c]`: whether the cell takes a letter.
    layout: Vec<Vec<bool>>,
    across: Vec<Vec<char>>,
    down: Vec<Vec<char>>,
}

fn read_puzzle(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let bad = |field: &'static str, message: &str| {
        SynlogicError::bad_record(ID, field, message.to_owned())
    };
    let rows = gold
        .metadata
        .get("grid")
        .and_then(Value::as_array)
        .filter(|r| (1..=MAX_SIDE).contains(&r.len()))
        .ok_or_else(|| bad("metadata.grid", "missing, or not 1 to 64 rows"))?;
    let layout = rows
        .iter()
        .map(|row| {
            row.as_array()
                .filter(|r| r.len() <= MAX_SIDE)
                .ok_or_else(|| bad("metadata.grid", "a row is not a list"))?
                .iter()
                .map(|cell| match cell.as_str() {
                    Some("X") => Ok(true),
                    Some("0") => Ok(false),
                    _ => Err(bad("metadata.grid", "a cell is neither \"X\" nor \"0\"")),
                })
                .collect()
        })
        .collect::<Result<Vec<Vec<bool>>, _>>()?;
    let word_list = |field: &'static str| -> Result<Vec<Vec<char>>, SynlogicError> {
        gold.metadata
            .get(&field["metadata.".len()..])
            .and_then(Value::as_array)
            .filter(|w| w.len() <= MAX_WORDS)
            .ok_or_else(|| bad(field, "missing or not a list of words"))?
            .iter()
            .map(|w| {
                w.as_str()
                    .map(|s| s.chars().flat_map(char::to_lowercase).collect())
                    .ok_or_else(|| bad(field, "a word is not a string"))
            })
            .collect()
    };
    Ok(Board {
        layout,
        across: word_list("metadata.across_words")?,
        down: word_list("metadata.down_words")?,
    })
}

/// The response grid: `Some(letter)` (lowercased) or `None` for an empty cell.
fn response_grid(response: &str) -> Result<Vec<Vec<Option<char>>>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 3))
        .ok_or_else(|| Judgement::unparseable("no 2-D list in the answer"))?;
    let candidate = extract::within_limit(candidate)?;
    let text_cell = |s: &str| -> Option<Option<char>> {
        let s = s.trim();
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (None, _) => Some(None),
            (Some('0'), None) => Some(None),
            (Some(c), None) if c.is_alphabetic() => c.to_lowercase().next().map(Some),
            _ => None,
        }
    };
    let bad_cell = || Judgement::wrong("a cell is not one letter, \" \" or \"0\"");
    // The usual answer, a list of lists of quoted cells, is read in place without a literal tree.
    if let Some(rows) = pyliteral::simple_str_matrix(candidate) {
        return rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|s| text_cell(s).ok_or_else(bad_cell))
                    .collect()
            })
            .collect();
    }
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    let cell = |v: &PyValue| -> Option<Option<char>> {
        match v {
            PyValue::Int(0) => Some(None),
            PyValue::Str(s) => text_cell(s),
            _ => None,
        }
    };
    value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of rows"))?
        .iter()
        .map(|row| {
            row.as_seq()
                .ok_or_else(|| Judgement::wrong("a row is not a list"))?
                .iter()
                .map(|v| cell(v).ok_or_else(bad_cell))
                .collect()
        })
        .collect()
}

/// The cells of a word of `len` letters starting at `start`, across or down.
fn cells(start: (usize, usize), len: usize, across: bool) -> impl Iterator<Item = (usize, usize)> {
    (0..len).map(move |k| {
        if across {
            (start.0, start.1 + k)
        } else {
            (start.0 + k, start.1)
        }
    })
}

/// Whether each word of one direction (in `order`) can take one of its `starts` with no cell shared
/// between two of them; depth-first, bounded by [`MATCH_BUDGET`] steps.
fn place_words(
    starts: &[Vec<(usize, usize)>],
    lens: &[usize],
    across: bool,
    taken: &mut [Vec<bool>],
    order: &[usize],
    steps: &mut u64,
) -> bool {
    let Some((&w, rest)) = order.split_first() else {
        return true;
    };
    for &start in &starts[w] {
        *steps += 1;
        if *steps > MATCH_BUDGET {
            return false;
        }
        if cells(start, lens[w], across).any(|(r, c)| taken[r][c]) {
            continue;
        }
        for (r, c) in cells(start, lens[w], across) {
            taken[r][c] = true;
        }
        if place_words(starts, lens, across, taken, rest, steps) {
            return true;
        }
        for (r, c) in cells(start, lens[w], across) {
            taken[r][c] = false;
        }
    }
    false
}

/// Checks an answer grid; `Err` names the first broken rule.
fn check(puzzle: &Board, answer: &[Vec<Option<char>>]) -> Result<(), String> {
    let layout = &puzzle.layout;
    if answer.len() != layout.len() || answer.iter().zip(layout).any(|(a, l)| a.len() != l.len()) {
        return Err("the grid's shape differs from the layout".into());
    }
    for (r, (row, lrow)) in answer.iter().zip(layout).enumerate() {
        for (c, (cell, &letter)) in row.iter().zip(lrow).enumerate() {
            match (cell, letter) {
                (Some(_), false) => return Err(format!("cell ({r}, {c}) must stay empty")),
                (None, true) => return Err(format!("cell ({r}, {c}) needs a letter")),
                _ => {}
            }
        }
    }
    let mut covered: Vec<Vec<bool>> = layout.iter().map(|r| vec![false; r.len()]).collect();
    let mut taken: Vec<Vec<bool>> = covered.clone();
    for (across, words) in [(true, &puzzle.across), (false, &puzzle.down)] {
        let name = if across { "across" } else { "down" };
        // Every start where the word's letters appear in that direction (start cells only: the
        // cells follow from the word's length, so no per-place list is built).
        let fits = |word: &[char], start: (usize, usize)| {
            !word.is_empty()
                && word
                    .iter()
                    .zip(cells(start, word.len(), across))
                    .all(|(&ch, (r, c))| {
                        answer.get(r).and_then(|row| row.get(c)) == Some(&Some(ch))
                    })
        };
        let starts: Vec<Vec<(usize, usize)>> = words
            .iter()
            .map(|word| {
                (0..answer.len())
                    .flat_map(|r| (0..answer[r].len()).map(move |c| (r, c)))
                    .filter(|&start| fits(word, start))
                    .collect()
            })
            .collect();
        if let Some(w) = (0..words.len()).find(|&w| starts[w].is_empty()) {
            let word: String = words[w].iter().collect();
            return Err(format!("the {name} word {word:?} is not in the grid"));
        }
        let lens: Vec<usize> = words.iter().map(Vec::len).collect();
        let mut order: Vec<usize> = (0..words.len()).collect();
        order.sort_by_key(|&w| starts[w].len());
        for row in taken.iter_mut() {
            row.fill(false);
        }
        let mut steps = 0;
        if !place_words(&starts, &lens, across, &mut taken, &order, &mut steps) {
            return Err(format!(
                "the {name} words cannot each take their own cells in the grid"
            ));
        }
        for (cov, t) in covered.iter_mut().zip(&taken) {
            for (c, &t) in cov.iter_mut().zip(t) {
                *c |= t;
            }
        }
    }
    for (r, (cov, lrow)) in covered.iter().zip(layout).enumerate() {
        if let Some(c) = (0..lrow.len()).find(|&c| lrow[c] && !cov[c]) {
            return Err(format!("the letter at ({r}, {c}) belongs to no given word"));
        }
    }
    Ok(())
}

impl Puzzle for Wordscapes {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic wordscapes: fit the given across and down words into a crossword layout"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (size, num_words, max_intersections) = difficulty.pick(&LEVELS);
        json!({ "size": size, "num_words": num_words, "max_intersections": max_intersections })
    }

    fn generate(
        &self,
        seed: u64,
        index: u64,
        options: GenOptions,
    ) -> Result<Instance, SynlogicError> {
        let Begun {
            level,
            mut rng,
            language,
            trace,
        } = puzzle::begin(ID, seed, index, options);
        let (size, num_words, max_intersections) = level.pick(&LEVELS);
        let dict = dictionary();
        let crossword = (0..MAX_DRAWS)
            .find_map(|_| build(&mut rng, dict, size, num_words, max_intersections))
            .ok_or_else(|| SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: format!("no crossword of {num_words} words in {MAX_DRAWS} draws"),
            })?;
        let mut across: Vec<&'static [u8]> = Vec::new();
        let mut down: Vec<&'static [u8]> = Vec::new();
        let mut slots = Vec::new();
        for p in &crossword.placements {
            if p.across {
                across.push(p.word);
            } else {
                down.push(p.word);
            }
            slots.push(Slot {
                row: p.row,
                col: p.col,
                across: p.across,
                len: p.word.len(),
            });
        }
        // The lists must not reveal the slot order.
        across.shuffle(&mut rng);
        down.shuffle(&mut rng);
        slots.sort_by_key(|s| (s.row, s.col, !s.across));
        let nodes = fill_nodes(size, &slots, &across, &down, FILL_BUDGET);
        let grid: Vec<Vec<&str>> = crossword
            .letters
            .iter()
            .map(|row| {
                row.iter()
                    .map(|l| if l.is_some() { "X" } else { "0" })
                    .collect()
            })
            .collect();
        let solution: Vec<Vec<String>> = crossword
            .letters
            .iter()
            .map(|row| {
                row.iter()
                    .map(|l| l.map_or_else(|| " ".to_owned(), |l| char::from(l).to_string()))
                    .collect()
            })
            .collect();
        let across_words: Vec<String> = across.iter().map(|w| text(w)).collect();
        let down_words: Vec<String> = down.iter().map(|w| text(w)).collect();
        let n_text = size.to_string();
        let (across_label, down_label, layout_label) = match language {
            Language::En => ("Across words", "Down words", "Layout"),
            Language::Zh => ("横向单词", "纵向单词", "布局"),
        };
        let layout_text: Vec<String> = grid.iter().map(|r| r.join(" ")).collect();
        let question = format!(
            "{}\n{}\n\n{across_label}: {}\n{down_label}: {}\n\n{layout_label}:\n{}\n\n{}",
            fill(pick(&mut rng, INTROS, language), &[("n", n_text.as_str())]),
            RULES.get(language),
            across_words.join(", "),
            down_words.join(", "),
            layout_text.join("\n"),
            FORMAT.get(language)
        );
        Ok(Instance {
            question,
            answer: json!(solution),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "id": index.to_string(),
                    "grid": grid,
                    "across_words": across_words,
                    "down_words": down_words,
                    "solution": solution,
                    "size": size,
                    "num_words": num_words,
                    "max_intersections": max_intersections,
                    "rlvr": {
                        "level": level.level(), "seed": seed, "index": index, "language": language,
                        "solver_nodes": nodes, "intersections": crossword.intersections,
                    },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let puzzle = read_puzzle(gold)?;
        let answer = match response_grid(response) {
            Ok(a) => a,
            Err(judgement) => return Ok(judgement),
        };
        Ok(match check(&puzzle, &answer) {
            Ok(()) => Judgement::correct(),
            Err(reason) => Judgement::wrong(reason),
        })
    }

    /// The gold grid with empty cells written "0", a form the verifier accepts like " ".
    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let bad = || {
            SynlogicError::bad_record(
                ID,
                "metadata.solution",
                "expected rows of one-letter strings",
            )
        };
        let rows = gold
            .metadata
            .get("solution")
            .and_then(Value::as_array)
            .ok_or_else(bad)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let cells: Vec<String> = row
                .as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|c| {
                    let c = c.as_str().ok_or_else(bad)?.trim();
                    Ok(format!("\"{}\"", if c.is_empty() { "0" } else { c }))
                })
                .collect::<Result<_, SynlogicError>>()?;
            out.push(format!("[{}]", cells.join(", ")));
        }
        Ok(format!("```python\n[{}]\n```", out.join(",\n ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn puzzle(layout: &[&str], across: &[&str], down: &[&str]) -> Board {
        Board {
            layout: layout
                .iter()
                .map(|r| r.chars().map(|c| c == 'X').collect())
                .collect(),
            across: across.iter().map(|w| w.chars().collect()).collect(),
            down: down.iter().map(|w| w.chars().collect()).collect(),
        }
    }

    fn grid(rows: &[&str]) -> Vec<Vec<Option<char>>> {
        rows.iter()
            .map(|r| r.chars().map(|c| (c != '.').then_some(c)).collect())
            .collect()
    }

    #[test]
    fn one_word_cannot_serve_twice_and_letters_must_belong_to_words() {
        let p = puzzle(&["XXX", "X00", "X00"], &["cat"], &["cow"]);
        assert_eq!(check(&p, &grid(&["cat", "o..", "w.."])), Ok(()));
        assert!(check(&p, &grid(&["cat", "a..", "w.."])).is_err());
        // Two across words of which SynLogic finds both inside the one row "catcat".
        let p = puzzle(&["XXXXXX", "000000"], &["cat", "cat"], &[]);
        assert_eq!(check(&p, &grid(&["catcat", "......"])), Ok(()));
        let p = puzzle(&["XXXXX0", "000000"], &["cat", "tab"], &[]);
        assert!(check(&p, &grid(&["catab.", "......"])).is_err());
        let p = puzzle(&["XXXX", "0000"], &["cat"], &[]);
        assert!(check(&p, &grid(&["cats", "...."]))
            .unwrap_err()
            .contains("no given word"));
    }
}
