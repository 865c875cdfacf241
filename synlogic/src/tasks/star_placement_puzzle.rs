//! `star_placement_puzzle` (star battle): place stars on an n x n grid split into n lettered regions so
//! that every row, column and region holds exactly k stars and no two stars touch, even diagonally.
//!
//! We plant one star per row and column first and grow the regions around them, so every instance is
//! solvable; several solutions may exist and the verifier accepts any valid one. SynLogic's prompt
//! tells the model "exactly one star" even when k = 2, and its verifier reads only the first python
//! block; ours states k and reads the last block. Our levels use k = 1 (see `LEVELS`).

use std::sync::OnceLock;

use rand::Rng;
use serde_json::{json, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::grid_text;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill_into, Bilingual, Language};
use crate::puzzle::{self, GenOptions, Judgement, LazyBegun, Puzzle};
use crate::pyliteral::{self, PyValue};

const ID: &str = "star_placement_puzzle";

/// Grid side per level, one star per row, column and region. SynLogic's run.sh draws n = 4..6.
/// 12 is skipped: on the test sample 12x12 measured above 13x13 (23 285 vs 7 455
/// mean nodes; one-star grids are heavy-tailed), so the top two levels are 13 and 14.
const LEVELS: [usize; 10] = [4, 5, 6, 7, 8, 9, 10, 11, 13, 14];

/// Stars per row, column and region at every level.
const K: usize = 1;

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n} x {n} star placement puzzle.",
        zh: "请解这道 {n} x {n} 的星星放置谜题。",
    },
    Bilingual {
        en: "Here is a {n} x {n} star battle grid divided into lettered regions.",
        zh: "这是一个被划分为字母区域的 {n} x {n} 星星谜题网格。",
    },
    Bilingual {
        en: "Place the stars on the {n} x {n} grid below.",
        zh: "请在下方 {n} x {n} 的网格中放置星星。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Every row, every column and every lettered region must contain exactly {k} star(s), and no two stars may touch, not even diagonally. Rows and columns are numbered from 1, starting at the top-left cell.",
    zh: "每一行、每一列和每个字母区域都必须恰好有 {k} 颗星星，并且任意两颗星星不能相邻，包括对角线方向。行和列从 1 开始编号，左上角的格子为 (1, 1)。",
};

const FORMAT: Bilingual = Bilingual {
    en: "At the end, give the stars as a Python dictionary from region letter to its list of (row, column) coordinates in a ```python code block, e.g.\n```python\n{'A': [(1, 2)], 'B': [(3, 1)]}\n```",
    zh: "请在最后用 ```python 代码块给出一个 Python 字典，把每个区域字母映射到其星星的 (行, 列) 坐标列表，例如\n```python\n{'A': [(1, 2)], 'B': [(3, 1)]}\n```",
};

/// The star_placement_puzzle task.
pub struct StarPlacementPuzzle;

type Cell = (usize, usize);

struct Board {
    n: usize,
    k: usize,
    /// Region index of each cell.
    region: Vec<Vec<usize>>,
    regions: usize,
}

fn touches(a: Cell, b: Cell) -> bool {
    a.0.abs_diff(b.0) <= 1 && a.1.abs_diff(b.1) <= 1
}

/// The longest side a level draws: generation works on fixed buffers (and regions, one per row,
/// stay within the letters A-Z).
const GEN_SIDE: usize = 16;
const _: () = {
    let mut k = 0;
    while k < LEVELS.len() {
        // Two less than the stride: `grow_regions` keeps a border of taken cells around the board.
        assert!(LEVELS[k] + 2 <= GEN_SIDE);
        k += 1;
    }
};

/// Where cell (i, j) lies in the grid `grow_regions` returns: a row of border above the board, the
/// columns from n on (and so column -1, the end of the row above) border too, then a row of border
/// below; so a cell's four neighbours need no bounds checks.
const fn padded(i: usize, j: usize) -> usize {
    (i + 1) * GEN_SIDE + j
}

/// Rand's `shuffle` on a slice (`SliceRandom::shuffle`, the same draws): written out so that it
/// inlines into the search.
fn shuffle(rng: &mut impl Rng, items: &mut [u8]) {
    for i in (1..items.len()).rev() {
        let j = rng.gen_range(0..(i + 1) as u32) as usize;
        items.swap(i, j);
    }
}

/// The columns a star in column `c` forbids in the next row.
fn touching_columns(c: u32) -> u32 {
    (0b111 << c) >> 1
}

/// One star per row and column, none touching: a random permutation found by backtracking. The
/// column of the star in row r is `cols[r]`.
fn plant_stars(rng: &mut impl Rng, n: usize) -> Option<[u8; GEN_SIDE]> {
    /// `used`: the columns taken so far, as bits.
    fn go(
        rng: &mut impl Rng,
        n: usize,
        cols: &mut [u8; GEN_SIDE],
        len: usize,
        used: u32,
        budget: &mut u32,
    ) -> bool {
        if len == n {
            return true;
        }
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        // Shuffled like a list 0..n: the same draws.
        let mut order: [u8; GEN_SIDE] = std::array::from_fn(|k| k as u8);
        shuffle(rng, &mut order[..n]);
        let blocked = if len > 0 {
            used | touching_columns(u32::from(cols[len - 1]))
        } else {
            used
        };
        for &c in &order[..n] {
            if blocked >> c & 1 != 0 {
                continue;
            }
            cols[len] = c;
            if go(rng, n, cols, len + 1, used | 1 << c, budget) {
                return true;
            }
        }
        false
    }
    let mut cols = [0u8; GEN_SIDE];
    let mut budget = 100_000;
    go(rng, n, &mut cols, 0, 0, &mut budget).then_some(cols)
}

/// Grows one region from each star over the other cells (random frontier growth, 4-connected).
/// Region r is grown from the star of row r; the result is the region of every cell, cell (i, j) at
/// `padded(i, j)`.
fn grow_regions(rng: &mut impl Rng, n: usize, stars: &[u8]) -> [u8; GEN_SIDE * GEN_SIDE] {
    const FREE: u8 = u8::MAX;
    const BORDER: u8 = u8::MAX - 1;
    const S: usize = GEN_SIDE;
    let mut label = [BORDER; S * S];
    for i in 0..n {
        label[padded(i, 0)..padded(i, n)].fill(FREE);
    }
    // Cells whose neighbours may still be free.
    let mut frontier = [0u8; S * S];
    let mut len = 0;
    for (r, &c) in stars.iter().enumerate() {
        let cell = padded(r, usize::from(c));
        label[cell] = r as u8;
        frontier[len] = cell as u8;
        len += 1;
    }
    while len > 0 {
        let at = rng.gen_range(0..len);
        let cell = usize::from(frontier[at]);
        // Up, left, down, right: the order the draw below indexes. Counted without branches (which
        // neighbours are free is a coin toss to the branch predictor).
        let mut free = [0u8; 4];
        let mut n_free = 0;
        for next in [cell - S, cell - 1, cell + S, cell + 1] {
            free[n_free & 3] = next as u8;
            n_free += usize::from(label[next] == FREE);
        }
        if n_free == 0 {
            // `swap_remove`.
            len -= 1;
            frontier[at] = frontier[len];
            continue;
        }
        let next = usize::from(free[rng.gen_range(0..n_free)]);
        label[next] = label[cell];
        frontier[len] = next as u8;
        len += 1;
    }
    // The grid is connected, so growth reaches every cell.
    label
}

fn region_letter(r: usize) -> char {
    char::from(b'A' + r as u8)
}

fn read_board(gold: Gold<'_>) -> Result<Board, SynlogicError> {
    let m = gold.metadata;
    let bad = |field: &'static str, message: &str| {
        SynlogicError::bad_record(ID, field, message.to_owned())
    };
    let n = m
        .get("n")
        .and_then(Value::as_u64)
        .filter(|v| (1..=26).contains(v))
        .ok_or_else(|| bad("metadata.n", "not an integer 1..=26"))? as usize;
    let k = m
        .get("k")
        .and_then(Value::as_u64)
        .filter(|&v| v >= 1 && v as usize <= n)
        .ok_or_else(|| bad("metadata.k", "not an integer 1..=n"))? as usize;
    let rows = m
        .get("region_grid")
        .and_then(Value::as_array)
        .filter(|r| r.len() == n)
        .ok_or_else(|| bad("metadata.region_grid", "not n rows"))?;
    let mut labels: Vec<&str> = Vec::new();
    let mut region = Vec::with_capacity(n);
    for row in rows {
        let cells = row
            .as_array()
            .filter(|r| r.len() == n)
            .ok_or_else(|| bad("metadata.region_grid", "a row is not n labels"))?;
        let mut out = Vec::with_capacity(n);
        for cell in cells {
            let text = cell
                .as_str()
                .ok_or_else(|| bad("metadata.region_grid", "a label is not a string"))?;
            let r = match labels.iter().position(|&l| l == text) {
                Some(r) => r,
                None => {
                    labels.push(text);
                    labels.len() - 1
                }
            };
            out.push(r);
        }
        region.push(out);
    }
    Ok(Board {
        n,
        k,
        region,
        regions: labels.len(),
    })
}

/// The stars of a response (1-based as written), from the last python block or the last `{...}`.
fn response_stars(response: &str) -> Result<Vec<(i64, i64)>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '{', '}', 2))
        .ok_or_else(|| {
            Judgement::unparseable("no {region: [(row, column), ...]} dictionary in the answer")
        })?;
    let candidate = extract::within_limit(candidate)?;
    let value = pyliteral::parse(candidate.trim()).map_err(|e| {
        Judgement::unparseable(format!("the answer is not a dictionary literal: {e}"))
    })?;
    let PyValue::Dict(entries) = value else {
        return Err(Judgement::wrong("the answer is not a dictionary"));
    };
    let mut stars = Vec::new();
    for (_, coords) in &entries {
        let list = coords
            .as_seq()
            .ok_or_else(|| Judgement::wrong("a region's value is not a list of coordinates"))?;
        for c in list {
            match c.as_seq() {
                Some([r, c]) => match (r.as_int(), c.as_int()) {
                    (Some(r), Some(c)) => stars.push((r, c)),
                    _ => return Err(Judgement::wrong("a coordinate is not two integers")),
                },
                _ => return Err(Judgement::wrong("a coordinate is not a (row, column) pair")),
            }
        }
    }
    Ok(stars)
}

/// Checks the rules; `Err` names the first broken one.
fn check(board: &Board, stars: &[(i64, i64)]) -> Result<(), String> {
    let n = board.n;
    // Bounds the quadratic checks below by the grid, whatever the response's length.
    if stars.len() != n * board.k {
        return Err(format!("{} stars listed, not {}", stars.len(), n * board.k));
    }
    let mut cells: Vec<Cell> = Vec::with_capacity(stars.len());
    for &(r, c) in stars {
        let inside = |v: i64| usize::try_from(v).ok().filter(|v| (1..=n).contains(v));
        let (Some(r), Some(c)) = (inside(r), inside(c)) else {
            return Err(format!("star ({r}, {c}) is outside the {n}x{n} grid"));
        };
        if cells.contains(&(r - 1, c - 1)) {
            return Err(format!("star ({r}, {c}) is listed twice"));
        }
        cells.push((r - 1, c - 1));
    }
    let k = board.k;
    for i in 0..n {
        let count = cells.iter().filter(|c| c.0 == i).count();
        if count != k {
            return Err(format!("row {} has {count} stars, not {k}", i + 1));
        }
        let count = cells.iter().filter(|c| c.1 == i).count();
        if count != k {
            return Err(format!("column {} has {count} stars, not {k}", i + 1));
        }
    }
    for r in 0..board.regions {
        let count = cells.iter().filter(|c| board.region[c.0][c.1] == r).count();
        if count != k {
            return Err(format!("a region has {count} stars, not {k}"));
        }
    }
    for (x, &a) in cells.iter().enumerate() {
        if let Some(&b) = cells[x + 1..].iter().find(|&&b| touches(a, b)) {
            return Err(format!(
                "stars ({}, {}) and ({}, {}) touch",
                a.0 + 1,
                a.1 + 1,
                b.0 + 1,
                b.1 + 1
            ));
        }
    }
    Ok(())
}

/// Row-by-row search (one star per row) for the first solution; counts the stars placed.
/// `region(row, column)` is in `0..regions`.
fn first_solution_nodes(n: usize, regions: usize, region: impl Fn(usize, usize) -> usize) -> u64 {
    /// Columns and regions in use are bits: the search tries the same cells in the same order as a
    /// scan of columns 0..n, so it counts the same nodes.
    struct Search {
        n: usize,
        region: [[u8; GEN_SIDE]; GEN_SIDE],
        nodes: u64,
    }
    impl Search {
        fn go(&mut self, row: usize, cols_used: u32, regions_used: u32, touching: u32) -> bool {
            if row == self.n {
                return true;
            }
            let mut open = !(cols_used | touching) & ((1 << self.n) - 1);
            while open != 0 {
                let c = open.trailing_zeros();
                open &= open - 1;
                let r = self.region[row][c as usize];
                if regions_used >> r & 1 != 0 {
                    continue;
                }
                self.nodes += 1;
                if self.go(
                    row + 1,
                    cols_used | 1 << c,
                    regions_used | 1 << r,
                    touching_columns(c),
                ) {
                    return true;
                }
            }
            false
        }
    }
    assert!(
        n <= GEN_SIDE && regions <= 32,
        "the search's buffers and bitsets"
    );
    let mut search = Search {
        n,
        region: [[0; GEN_SIDE]; GEN_SIDE],
        nodes: 0,
    };
    for (i, row) in search.region[..n].iter_mut().enumerate() {
        for (j, r) in row[..n].iter_mut().enumerate() {
            *r = region(i, j) as u8;
        }
    }
    search.go(0, 0, 0, 0);
    search.nodes
}

/// The prompt's text above the grid (intro, then rules) for each side, intro and language: it
/// depends on nothing else, so each is filled once.
static HEADS: [OnceLock<[[String; 2]; INTROS.len()]>; GEN_SIDE + 1] =
    [const { OnceLock::new() }; GEN_SIDE + 1];

fn prompt_head(n: usize, intro_at: usize, language: Language) -> &'static str {
    let heads = HEADS[n].get_or_init(|| {
        let n_text = grid_text::small_int(n);
        let k_text = grid_text::small_int(K);
        let vars = [("n", &*n_text), ("k", &*k_text)];
        std::array::from_fn(|at| {
            [Language::En, Language::Zh].map(|language| {
                let mut head = String::new();
                fill_into(&mut head, INTROS[at].get(language), &vars);
                head.push('\n');
                fill_into(&mut head, RULES.get(language), &vars);
                head.push_str("\n\n");
                head
            })
        })
    });
    &heads[intro_at][usize::from(language == Language::Zh)]
}

/// The longest region grid a prompt shows: n rows of `["A","B",...]`, newline-separated.
const GRID_TEXT_MAX: usize = GEN_SIDE * (4 * GEN_SIDE + 2);

impl Puzzle for StarPlacementPuzzle {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic star_placement_puzzle: star battle, k stars per row, column and region, none touching"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        json!({ "n": difficulty.pick(&LEVELS), "k": K })
    }

    fn generate(
        &self,
        seed: u64,
        index: u64,
        options: GenOptions,
    ) -> Result<Instance, SynlogicError> {
        let LazyBegun {
            level,
            mut rng,
            language,
            trace,
        } = puzzle::begin_lazy(ID, seed, index, options);
        let n = level.pick(&LEVELS);
        let planted = plant_stars(&mut rng, n).ok_or_else(|| SynlogicError::Generation {
            task: ID,
            seed,
            index,
            message: format!("no non-touching star placement on {n}x{n} within the search budget"),
        })?;
        let stars = &planted[..n];
        let label = grow_regions(&mut rng, n, stars);
        let nodes = first_solution_nodes(n, n, |row, c| usize::from(label[padded(row, c)]));
        // `language::pick`'s draw, kept as an index to find the prompt's head.
        let intro_at = rng.gen_range(0..INTROS.len());
        let head = prompt_head(n, intro_at, language);
        let format = FORMAT.get(language);
        // Each row as JSON: `["A","A","B"]`, built as bytes (all ASCII).
        let mut grid = [0u8; GRID_TEXT_MAX];
        let mut len = 0;
        for i in 0..n {
            if i > 0 {
                grid[len] = b'\n';
                len += 1;
            }
            grid[len] = b'[';
            len += 1;
            for j in 0..n {
                if j > 0 {
                    grid[len] = b',';
                    len += 1;
                }
                grid[len..len + 3].copy_from_slice(&[b'"', b'A' + label[padded(i, j)], b'"']);
                len += 3;
            }
            grid[len] = b']';
            len += 1;
        }
        let grid = std::str::from_utf8(&grid[..len]).expect("region letters are ASCII");
        // Sized exactly: the record may be held (a batch, the bench).
        let mut question = String::with_capacity(head.len() + grid.len() + 2 + format.len());
        question.push_str(head);
        question.push_str(grid);
        question.push_str("\n\n");
        question.push_str(format);
        // SynLogic's `answer` string: `[[A(1,2)\n\nB(3,1)...]]`, regions in letter order, each
        // region's stars in (row, column) order. Region r holds one star, the one of row r it was
        // grown from.
        let mut answer = String::with_capacity(16 * n);
        answer.push_str("[[");
        for (r, &c) in stars.iter().enumerate() {
            if r > 0 {
                answer.push_str("\n\n");
            }
            answer.push(region_letter(r));
            answer.push('(');
            grid_text::push_int(&mut answer, r as i64 + 1);
            answer.push(',');
            grid_text::push_int(&mut answer, i64::from(c) + 1);
            answer.push(')');
        }
        answer.push_str("]]");
        // What the metadata is built from, in one small buffer: the regions, then the stars.
        let mut kept = Vec::with_capacity(n * n + n);
        for i in 0..n {
            kept.extend_from_slice(&label[padded(i, 0)..padded(i, n)]);
        }
        kept.extend_from_slice(stars);
        Ok(Instance {
            question,
            answer: Value::String(answer).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                let (label, stars) = kept.split_at(n * n);
                let region_grid: Vec<Vec<String>> = (0..n)
                    .map(|i| {
                        (0..n)
                            .map(|j| region_letter(usize::from(label[i * n + j])).to_string())
                            .collect()
                    })
                    .collect();
                let solution: Vec<[usize; 2]> = stars
                    .iter()
                    .enumerate()
                    .map(|(r, &c)| [r + 1, usize::from(c) + 1])
                    .collect();
                json!({
                    "trace_id": trace.to_string(),
                    "n": n,
                    "k": K,
                    "region_nums": n,
                    "region_grid": region_grid,
                    "solution": solution,
                    "rlvr": {
                        "level": level.level(), "seed": seed, "index": index, "language": language,
                        "solver_nodes": nodes,
                    },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let board = read_board(gold)?;
        let stars = match response_stars(response) {
            Ok(s) => s,
            Err(judgement) => return Ok(judgement),
        };
        Ok(match check(&board, &stars) {
            Ok(()) => Judgement::correct(),
            Err(reason) => Judgement::wrong(reason),
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let bad =
            || SynlogicError::bad_record(ID, "metadata.solution", "expected [[row, column], ...]");
        let board = read_board(gold)?;
        let grid = gold
            .metadata
            .get("region_grid")
            .and_then(Value::as_array)
            .ok_or_else(bad)?;
        let solution = gold
            .metadata
            .get("solution")
            .and_then(Value::as_array)
            .ok_or_else(bad)?;
        let mut by_region: Vec<(String, Vec<(u64, u64)>)> = Vec::new();
        for star in solution {
            let (r, c) = star
                .as_array()
                .filter(|s| s.len() == 2)
                .and_then(|s| Some((s[0].as_u64()?, s[1].as_u64()?)))
                .filter(|&(r, c)| {
                    (1..=board.n as u64).contains(&r) && (1..=board.n as u64).contains(&c)
                })
                .ok_or_else(bad)?;
            let label = grid[r as usize - 1][c as usize - 1]
                .as_str()
                .ok_or_else(bad)?
                .to_owned();
            match by_region.iter_mut().find(|(l, _)| *l == label) {
                Some((_, cells)) => cells.push((r, c)),
                None => by_region.push((label, vec![(r, c)])),
            }
        }
        by_region.sort();
        let entries: Vec<String> = by_region
            .iter()
            .map(|(label, cells)| {
                let coords: Vec<String> =
                    cells.iter().map(|(r, c)| format!("({r}, {c})")).collect();
                format!("    '{label}': [{}]", coords.join(", "))
            })
            .collect();
        Ok(format!(
            "The stars are:\n```python\n{{\n{}\n}}\n```",
            entries.join(",\n")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> Board {
        // Regions are the columns of a 4x4 grid.
        Board {
            n: 4,
            k: 1,
            region: vec![vec![0, 1, 2, 3]; 4],
            regions: 4,
        }
    }

    #[test]
    fn any_valid_placement_passes_and_touching_stars_fail() {
        assert!(check(&board(), &[(1, 2), (2, 4), (3, 1), (4, 3)]).is_ok());
        assert!(check(&board(), &[(1, 3), (2, 1), (3, 4), (4, 2)]).is_ok());
        assert!(check(&board(), &[(1, 1), (2, 2), (3, 3), (4, 4)]).is_err());
        assert!(check(&board(), &[(1, 2), (2, 4), (3, 1)]).is_err());
    }

    #[test]
    fn the_solver_finds_the_planted_stars() {
        let b = board();
        assert!(first_solution_nodes(b.n, b.regions, |r, c| b.region[r][c]) >= 4);
    }
}
