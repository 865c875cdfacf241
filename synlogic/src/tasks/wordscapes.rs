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

mod board;
mod fill;
mod layout;
mod words;

use rand::seq::SliceRandom;
use serde_json::{json, Value};

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract::{self, strip_think};
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual, Language};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};
use crate::pyliteral::{self, PyValue};

use board::{Board, Parts};
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
    let mut row_start = Vec::with_capacity(rows.len() + 1);
    let mut letter = Vec::with_capacity(rows.len() * rows.len());
    row_start.push(0);
    for row in rows {
        let cells = row
            .as_array()
            .filter(|r| r.len() <= MAX_SIDE)
            .ok_or_else(|| bad("metadata.grid", "a row is not a list"))?;
        for cell in cells {
            letter.push(match cell.as_str() {
                Some("X") => true,
                Some("0") => false,
                _ => return Err(bad("metadata.grid", "a cell is neither \"X\" nor \"0\"")),
            });
        }
        row_start.push(letter.len());
    }
    let mut board = Parts {
        row_start,
        letter,
        ..Parts::default()
    };
    for field in ["metadata.across_words", "metadata.down_words"] {
        let words = gold
            .metadata
            .get(&field["metadata.".len()..])
            .and_then(Value::as_array)
            .filter(|w| w.len() <= MAX_WORDS)
            .ok_or_else(|| bad(field, "missing or not a list of words"))?;
        for w in words {
            let w = w
                .as_str()
                .ok_or_else(|| bad(field, "a word is not a string"))?;
            let start = board.chars.len();
            board.chars.extend(w.chars().flat_map(char::to_lowercase));
            board.spans.push((start, board.chars.len()));
        }
        if board.across == 0 && field == "metadata.across_words" {
            board.across = board.spans.len();
        }
    }
    Ok(Board::new(&board))
}

/// An answer cell: a lowercased letter's code, or [`EMPTY`].
const EMPTY: u32 = u32::MAX;

/// One answer cell's text: `Some(None)` for an empty cell, `Some(Some(letter))` (lowercased), or
/// `None` when it is neither.
fn text_cell(s: &str) -> Option<Option<char>> {
    // One ASCII byte, the usual cell, without the Unicode trim and case tables.
    if let [b] = s.as_bytes() {
        return match b {
            b'0' => Some(None),
            b if b.is_ascii_alphabetic() => Some(Some(char::from(b.to_ascii_lowercase()))),
            b if b.is_ascii_whitespace() || *b == 0x0b => Some(None),
            // Any other ASCII byte (a one-byte str is always ASCII).
            _ => None,
        };
    }
    general_text_cell(s)
}

/// [`text_cell`]'s rule for any text: trimmed, empty or `0` is an empty cell, one letter is that
/// letter lowercased.
fn general_text_cell(s: &str) -> Option<Option<char>> {
    let s = s.trim();
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Some(None),
        (Some('0'), None) => Some(None),
        (Some(c), None) if c.is_alphabetic() => c.to_lowercase().next().map(Some),
        _ => None,
    }
}

fn code(cell: Option<char>) -> u32 {
    cell.map_or(EMPTY, u32::from)
}

/// The response grid in the board's cell order, or `Ok(None)` when its shape differs from the
/// layout's. The usual answer, a list of lists of quoted cells, is read in place; anything else,
/// or a cell that is not a letter, " " or "0", goes through the literal parser, so every response
/// is judged as the parser alone would judge it.
fn response_grid(board: &Board, response: &str) -> Result<Option<Vec<u32>>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 3))
        .ok_or_else(|| Judgement::unparseable("no 2-D list in the answer"))?;
    let candidate = extract::within_limit(candidate)?;
    let mut cells = vec![EMPTY; board.cells()];
    // Cells outside the layout make the shape differ; each row holding at most its layout's
    // cells, all of them filled, and as many rows: the same shape.
    let mut outside = false;
    let mut filled = 0;
    let read = pyliteral::visit_simple_str_cells(candidate, |r, c, s| {
        let cell = text_cell(s)?;
        match board.at(r, c) {
            Some(k) => {
                cells[k] = code(cell);
                filled += 1;
            }
            None => outside = true,
        }
        Some(())
    });
    if let Some(rows) = read {
        let same = !outside && rows == board.rows() && filled == board.cells();
        return Ok(same.then_some(cells));
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
    let bad_cell = || Judgement::wrong("a cell is not one letter, \" \" or \"0\"");
    let rows = value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of rows"))?;
    let mut same = rows.len() == board.rows();
    for (r, row) in rows.iter().enumerate() {
        let row = row
            .as_seq()
            .ok_or_else(|| Judgement::wrong("a row is not a list"))?;
        same &= board
            .at(r, 0)
            .map_or(row.is_empty() && r < board.rows(), |k| {
                board.row_start(r + 1) - k == row.len()
            });
        for (c, v) in row.iter().enumerate() {
            let v = cell(v).ok_or_else(bad_cell)?;
            if let Some(k) = board.at(r, c).filter(|_| same) {
                cells[k] = code(v);
            }
        }
    }
    Ok(same.then_some(cells))
}

/// Visits the cells of `word` laid from (r, c), across or down, while `f` accepts them (with the
/// word's character there); whether all were in the grid and accepted.
fn walk(
    puzzle: &Board,
    word: &[u32],
    across: bool,
    (r, c): (usize, usize),
    mut f: impl FnMut(usize, u32) -> bool,
) -> bool {
    word.iter().enumerate().all(|(k, &ch)| {
        let cell = if across {
            puzzle.at(r, c + k)
        } else {
            puzzle.at(r + k, c)
        };
        cell.is_some_and(|cell| f(cell, ch))
    })
}

/// The words of one direction and where each can start: word `first + w` may start at the (row,
/// column) pairs `start_cells[starts[w].0..starts[w].1]`.
struct WordStarts<'a> {
    puzzle: &'a Board,
    first: usize,
    across: bool,
    starts: &'a [(usize, usize)],
    start_cells: &'a [(usize, usize)],
}

impl WordStarts<'_> {
    /// Whether each word (in `order`) can take one of its starts with no cell shared between two
    /// of them; depth-first, bounded by [`MATCH_BUDGET`] steps.
    fn place(&self, taken: &mut [bool], order: &[usize], steps: &mut u64) -> bool {
        let Some((&w, rest)) = order.split_first() else {
            return true;
        };
        let word = self.puzzle.word(self.first + w);
        let (a, b) = self.starts[w];
        for &start in &self.start_cells[a..b] {
            *steps += 1;
            if *steps > MATCH_BUDGET {
                return false;
            }
            if !walk(self.puzzle, word, self.across, start, |k, _| !taken[k]) {
                continue;
            }
            walk(self.puzzle, word, self.across, start, |k, _| {
                taken[k] = true;
                true
            });
            if self.place(taken, rest, steps) {
                return true;
            }
            walk(self.puzzle, word, self.across, start, |k, _| {
                taken[k] = false;
                true
            });
        }
        false
    }
}

/// Checks an answer grid (in the board's cell order, `None` when its shape differs); `Err` names
/// the first broken rule.
fn check(puzzle: &Board, answer: Option<&[u32]>) -> Result<(), String> {
    let Some(answer) = answer else {
        return Err("the grid's shape differs from the layout".into());
    };
    for r in 0..puzzle.rows() {
        let (start, end) = (puzzle.row_start(r), puzzle.row_start(r + 1));
        for k in start..end {
            match (answer[k] != EMPTY, puzzle.letter(k)) {
                (true, false) => return Err(format!("cell ({r}, {}) must stay empty", k - start)),
                (false, true) => return Err(format!("cell ({r}, {}) needs a letter", k - start)),
                _ => {}
            }
        }
    }
    // Filled rather than zero-allocated: glibc's `calloc` skips its per-thread cache, and these
    // small buffers are freed and reallocated on every call.
    let mut covered = Vec::with_capacity(answer.len());
    covered.resize(answer.len(), false);
    let mut taken = covered.clone();
    let mut starts = Vec::with_capacity(puzzle.word_count());
    let mut start_cells = Vec::new();
    let mut order = Vec::with_capacity(puzzle.word_count());
    for across in [true, false] {
        let name = if across { "across" } else { "down" };
        let words = if across {
            0..puzzle.across()
        } else {
            puzzle.across()..puzzle.word_count()
        };
        // Every start where the word's letters appear in that direction (start cells only: the
        // cells follow from the word's length).
        starts.clear();
        start_cells.clear();
        for w in words.clone() {
            let from = start_cells.len();
            let word = puzzle.word(w);
            if let Some(&first) = word.first() {
                for r in 0..puzzle.rows() {
                    let (a, b) = (puzzle.row_start(r), puzzle.row_start(r + 1));
                    for c in 0..b - a {
                        // The first letter rules out most starts before the walk.
                        if answer[a + c] == first
                            && walk(puzzle, word, across, (r, c), |cell, ch| answer[cell] == ch)
                        {
                            start_cells.push((r, c));
                        }
                    }
                }
            }
            starts.push((from, start_cells.len()));
        }
        if let Some(w) = words.clone().find(|&w| {
            let (a, b) = starts[w - words.start];
            a == b
        }) {
            let word: String = puzzle
                .word(w)
                .iter()
                .filter_map(|&c| char::from_u32(c))
                .collect();
            return Err(format!("the {name} word {word:?} is not in the grid"));
        }
        order.clear();
        order.extend(0..words.len());
        order.sort_by_key(|&w| starts[w].1 - starts[w].0);
        taken.fill(false);
        let placement = WordStarts {
            puzzle,
            first: words.start,
            across,
            starts: &starts,
            start_cells: &start_cells,
        };
        let mut steps = 0;
        if !placement.place(&mut taken, &order, &mut steps) {
            return Err(format!(
                "the {name} words cannot each take their own cells in the grid"
            ));
        }
        for (cov, &t) in covered.iter_mut().zip(&taken) {
            *cov |= t;
        }
    }
    for r in 0..puzzle.rows() {
        let (start, end) = (puzzle.row_start(r), puzzle.row_start(r + 1));
        if let Some(k) = (start..end).find(|&k| puzzle.letter(k) && !covered[k]) {
            return Err(format!(
                "the letter at ({r}, {}) belongs to no given word",
                k - start
            ));
        }
    }
    Ok(())
}

/// The verdict on a full response against the layout and words.
fn judge(puzzle: &Board, response: &str) -> Judgement {
    let answer = match response_grid(puzzle, response) {
        Ok(a) => a,
        Err(judgement) => return judgement,
    };
    match check(puzzle, answer.as_deref()) {
        Ok(()) => Judgement::correct(),
        Err(reason) => Judgement::wrong(reason),
    }
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
        // What `read_puzzle` reads back from the JSON built below.
        let mut board = Parts {
            row_start: vec![0],
            spans: Vec::with_capacity(across_words.len() + down_words.len()),
            across: across_words.len(),
            ..Parts::default()
        };
        for row in &grid {
            board.letter.extend(row.iter().map(|&cell| cell == "X"));
            board.row_start.push(board.letter.len());
        }
        for word in across_words.iter().chain(&down_words) {
            let start = board.chars.len();
            board
                .chars
                .extend(word.chars().flat_map(char::to_lowercase));
            board.spans.push((start, board.chars.len()));
        }
        let board = Board::new(&board);
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
            answer: json!(solution).into(),
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
            })
            .with_typed(board),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        Ok(judge(&read_puzzle(gold)?, response))
    }

    fn verify_instance(
        &self,
        instance: &Instance,
        response: &str,
    ) -> Result<Judgement, SynlogicError> {
        match instance.metadata.typed::<Board>() {
            Some(board) => Ok(judge(board, response)),
            None => self.verify(instance.gold(), response),
        }
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
        let mut board = Parts {
            row_start: vec![0],
            across: across.len(),
            ..Parts::default()
        };
        for row in layout {
            board.letter.extend(row.chars().map(|c| c == 'X'));
            board.row_start.push(board.letter.len());
        }
        for w in across.iter().chain(down) {
            let start = board.chars.len();
            board.chars.extend(w.chars());
            board.spans.push((start, board.chars.len()));
        }
        Board::new(&board)
    }

    fn grid(rows: &[&str]) -> Vec<u32> {
        rows.iter()
            .flat_map(|r| r.chars().map(|c| code((c != '.').then_some(c))))
            .collect()
    }

    #[test]
    fn one_word_cannot_serve_twice_and_letters_must_belong_to_words() {
        let p = puzzle(&["XXX", "X00", "X00"], &["cat"], &["cow"]);
        assert_eq!(check(&p, Some(&grid(&["cat", "o..", "w.."]))), Ok(()));
        assert!(check(&p, Some(&grid(&["cat", "a..", "w.."]))).is_err());
        // Two across words of which SynLogic finds both inside the one row "catcat".
        let p = puzzle(&["XXXXXX", "000000"], &["cat", "cat"], &[]);
        assert_eq!(check(&p, Some(&grid(&["catcat", "......"]))), Ok(()));
        let p = puzzle(&["XXXXX0", "000000"], &["cat", "tab"], &[]);
        assert!(check(&p, Some(&grid(&["catab.", "......"]))).is_err());
        let p = puzzle(&["XXXX", "0000"], &["cat"], &[]);
        assert!(check(&p, Some(&grid(&["cats", "...."])))
            .unwrap_err()
            .contains("no given word"));
    }

    #[test]
    fn one_byte_cells_read_as_the_general_rule() {
        let general = general_text_cell;
        for b in 0u8..128 {
            let s = char::from(b).to_string();
            assert_eq!(text_cell(&s), general(&s), "{b}");
        }
        for s in ["", " a ", "ab", "É", " 0", "ß"] {
            assert_eq!(text_cell(s), general(s), "{s:?}");
        }
    }

    #[test]
    fn shapes_are_compared_row_by_row() {
        let p = puzzle(&["XXX", "X00", "X00"], &["cat"], &["cow"]);
        let judge = |text: &str| check(&p, response_grid(&p, text).unwrap().as_deref());
        assert_eq!(
            judge(r#"[["c","a","t"],["o"," ","0"],["w","0",""]]"#),
            Ok(())
        );
        assert_eq!(judge(r#"[["c","a","t"],["o",0,"0"],["w","0",""]]"#), Ok(()));
        for text in [
            r#"[["c","a","t"],["o"," "],["w","0","", ""]]"#,
            r#"[["c","a","t"],["o"," ","0"]]"#,
            r#"[["c","a","t"],["o"," ","0"],["w","0",""],[]]"#,
            r#"[["c","a","t"],["o",0],["w","0","",0]]"#,
        ] {
            assert_eq!(
                judge(text),
                Err("the grid's shape differs from the layout".into()),
                "{text}"
            );
        }
    }
}
