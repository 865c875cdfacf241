//! `arrow_maze`: fill the blank cells of a grid with arrows in eight directions. From each number,
//! a ray in a direction is the run of cells holding that direction's arrow right next to it; the
//! rays from a number add up to the number, and every arrow lies on some number's ray. Given numbers
//! and pre-filled arrows stay. The verifier recomputes the rays, so any valid filling passes
//! (SynLogic's verifier also let blank cells become new numbers; ours requires arrows there).

use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use rlvr_envs::extract::strip_think;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};
use crate::pyliteral::{self, PyValue};

const ID: &str = "arrow_maze";

/// (side, least and most share of the solution's arrows shown) per level; each instance draws its
/// share uniformly in the range and rounds it to one decimal, like SynLogic. Its run.sh uses 5x5 at
/// 0.3-0.9; its README shows 8x8 with nothing shown.
const LEVELS: [(usize, f64, f64); 10] = [
    (5, 0.7, 0.9),
    (5, 0.5, 0.7),
    (5, 0.3, 0.5),
    (6, 0.3, 0.5),
    (6, 0.1, 0.3),
    (7, 0.1, 0.3),
    (7, 0.0, 0.0),
    (8, 0.0, 0.0),
    (9, 0.0, 0.0),
    (10, 0.0, 0.0),
];

/// The eight arrows and their (row, column) steps, in SynLogic's order.
const ARROWS: [(&str, isize, isize); 8] = [
    ("↑", -1, 0),
    ("↓", 1, 0),
    ("←", 0, -1),
    ("→", 0, 1),
    ("↖", -1, -1),
    ("↗", -1, 1),
    ("↘", 1, 1),
    ("↙", 1, -1),
];

/// The index in [`ARROWS`] of each arrow's opposite.
const OPPOSITE: [usize; 8] = [1, 0, 3, 2, 6, 7, 4, 5];

/// Numbers are single digits, as in SynLogic.
const MAX_NUMBER: u8 = 9;
/// Grids drawn per instance before giving up (a blank cell that no ray can reach).
const MAX_DRAWS: usize = 1_000;
/// The largest grid side a record may claim.
const MAX_SIDE: usize = 64;
/// Chance that a leftover blank cell becomes a new number rather than extending a ray (SynLogic: 0.15).
const NEW_NUMBER_CHANCE: f64 = 0.15;

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n} x {m} arrow maze.",
        zh: "请解这个 {n} x {m} 的箭头迷宫。",
    },
    Bilingual {
        en: "Here is an arrow maze of {n} rows and {m} columns to complete.",
        zh: "这里有一个 {n} 行 {m} 列的箭头迷宫，请把它补全。",
    },
    Bilingual {
        en: "Fill in the {n} x {m} arrow grid below.",
        zh: "请填写下面这个 {n} x {m} 的箭头网格。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Cells marked X are blank; numbers and arrows already shown stay as they are. Write one arrow (↑ ↓ ← → ↖ ↗ ↘ ↙) in every blank cell. From a number, the ray in one direction is the unbroken run of cells holding exactly that direction's arrow, starting right next to the number. The lengths of a number's rays in all eight directions must add up to the number, and every arrow in the grid must belong to the ray of at least one number.",
    zh: "标 X 的格子是空格；已给出的数字和箭头保持不变。请在每个空格里写一个箭头（↑ ↓ ← → ↖ ↗ ↘ ↙）。从一个数字出发，某个方向上的射线是紧挨着数字、连续填着该方向箭头的一串格子。一个数字在八个方向上的射线长度之和必须等于这个数字，并且网格中的每个箭头都必须属于至少一个数字的射线。",
};

const FORMAT: Bilingual = Bilingual {
    en: "Give the completed grid at the end in a ```python code block holding only the 2-D list of strings, for example:\n```python\n[[\"2\", \"→\", \"↓\"], [\"↑\", \"1\", \"←\"]]\n```",
    zh: "请在最后用 ```python 代码块给出完整网格，代码块中只放字符串组成的二维列表，例如：\n```python\n[[\"2\", \"→\", \"↓\"], [\"↑\", \"1\", \"←\"]]\n```",
};

/// The arrow_maze task.
pub struct ArrowMaze;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Blank,
    Number(u8),
    /// An index into [`ARROWS`].
    Arrow(u8),
}

impl Cell {
    fn text(self) -> String {
        match self {
            Cell::Blank => "X".to_owned(),
            Cell::Number(v) => v.to_string(),
            Cell::Arrow(d) => ARROWS[usize::from(d)].0.to_owned(),
        }
    }

    /// A record's or response's cell: `"X"`, an arrow, a number as digits (or, in a response, an int).
    fn parse(text: &str) -> Option<Cell> {
        if text == "X" {
            return Some(Cell::Blank);
        }
        if let Some(d) = ARROWS.iter().position(|a| a.0 == text) {
            return Some(Cell::Arrow(d as u8));
        }
        if !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().ok().map(Cell::Number);
        }
        None
    }
}

/// A rectangular grid of cells, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Grid {
    n: usize,
    m: usize,
    cells: Vec<Cell>,
}

impl Grid {
    fn at(&self, i: usize, j: usize) -> Cell {
        self.cells[i * self.m + j]
    }

    /// The cell `k` steps from (i, j) in direction `d`, if inside the grid.
    fn step(&self, (i, j): (usize, usize), d: usize, k: usize) -> Option<(usize, usize)> {
        let (_, di, dj) = ARROWS[d];
        let i = i.checked_add_signed(di * k as isize)?;
        let j = j.checked_add_signed(dj * k as isize)?;
        (i < self.n && j < self.m).then_some((i, j))
    }

    /// The length of the ray from (i, j) in direction `d`.
    fn ray(&self, from: (usize, usize), d: usize) -> usize {
        (1..)
            .take_while(|&k| {
                self.step(from, d, k)
                    .is_some_and(|(a, b)| self.at(a, b) == Cell::Arrow(d as u8))
            })
            .count()
    }

    fn ray_sum(&self, from: (usize, usize)) -> usize {
        (0..ARROWS.len()).map(|d| self.ray(from, d)).sum()
    }

    fn rows_json(&self) -> Vec<Vec<String>> {
        self.cells
            .chunks(self.m)
            .map(|r| r.iter().map(|c| c.text()).collect())
            .collect()
    }
}

/// Checks a filled grid against the puzzle; `Err` names the first broken rule.
fn check(puzzle: &Grid, answer: &Grid) -> Result<(), String> {
    let (n, m) = (puzzle.n, puzzle.m);
    if (answer.n, answer.m) != (n, m) {
        return Err(format!("the answer is not a {n}x{m} grid"));
    }
    for i in 0..n {
        for j in 0..m {
            let (given, cell) = (puzzle.at(i, j), answer.at(i, j));
            let kept = match given {
                Cell::Blank => matches!(cell, Cell::Arrow(_)),
                _ => cell == given,
            };
            if !kept {
                return Err(match given {
                    Cell::Blank => format!("cell ({}, {}) needs an arrow", i + 1, j + 1),
                    _ => format!("the given cell ({}, {}) was changed", i + 1, j + 1),
                });
            }
        }
    }
    let mut covered = vec![false; n * m];
    for i in 0..n {
        for j in 0..m {
            let Cell::Number(v) = answer.at(i, j) else {
                continue;
            };
            let mut total = 0;
            for d in 0..ARROWS.len() {
                let len = answer.ray((i, j), d);
                for k in 1..=len {
                    if let Some((a, b)) = answer.step((i, j), d, k) {
                        covered[a * m + b] = true;
                    }
                }
                total += len;
            }
            if total != usize::from(v) {
                return Err(format!(
                    "the rays of {v} at ({}, {}) hold {total} arrows",
                    i + 1,
                    j + 1
                ));
            }
        }
    }
    match (0..n * m).find(|&k| matches!(answer.cells[k], Cell::Arrow(_)) && !covered[k]) {
        Some(k) => Err(format!(
            "the arrow at ({}, {}) is on no number's ray",
            k / m + 1,
            k % m + 1
        )),
        None => Ok(()),
    }
}

/// Builds a solved grid: numbers shoot random rays, then every leftover blank cell extends a ray
/// that ends next to it, becomes a new number with a ray of its own, or becomes a number counting
/// the rays that already leave it. `None` when a blank cell can do none of these.
fn build_solution(rng: &mut impl Rng, n: usize, m: usize) -> Option<Grid> {
    let mut grid = Grid {
        n,
        m,
        cells: vec![Cell::Blank; n * m],
    };
    // SynLogic's count: 4..=min(n + m, nm / 5) numbers, then 70-90% of that, at least 4.
    let drawn = rng.gen_range(4..=(n + m).min(n * m / 5).max(4));
    let count = ((drawn as f64 * rng.gen_range(0.7..0.9)) as usize).max(4);
    let mut order: Vec<usize> = (0..n * m).collect();
    order.shuffle(rng);
    for &k in &order[..count.min(n * m)] {
        grid.cells[k] = Cell::Number(0);
    }
    for &k in &order[..count.min(n * m)] {
        let from = (k / m, k % m);
        let mut dirs: Vec<usize> = (0..ARROWS.len())
            .filter(|&d| {
                grid.step(from, d, 1)
                    .is_some_and(|(a, b)| grid.at(a, b) == Cell::Blank)
            })
            .collect();
        dirs.shuffle(rng);
        let rays = rng.gen_range(1..=3).min(dirs.len());
        for &d in &dirs[..rays] {
            shoot(rng, &mut grid, from, d);
        }
    }
    order.shuffle(rng);
    for &k in &order {
        if grid.cells[k] != Cell::Blank {
            continue;
        }
        let cell = (k / m, k % m);
        let placed = (rng.gen_bool(NEW_NUMBER_CHANCE) && new_number(rng, &mut grid, cell))
            || extend_ray(rng, &mut grid, cell)
            || new_number(rng, &mut grid, cell)
            || counting_number(&mut grid, cell);
        if !placed {
            return None;
        }
    }
    for i in 0..n {
        for j in 0..m {
            if let Cell::Number(_) = grid.at(i, j) {
                let sum = grid.ray_sum((i, j));
                if !(1..=usize::from(MAX_NUMBER)).contains(&sum) {
                    return None;
                }
                grid.cells[i * m + j] = Cell::Number(sum as u8);
            }
        }
    }
    Some(grid)
}

/// Extends the ray from `from` in direction `d` over blank cells, stopping at random (SynLogic's 0.4
/// per cell), while the number stays at most [`MAX_NUMBER`].
fn shoot(rng: &mut impl Rng, grid: &mut Grid, from: (usize, usize), d: usize) {
    let mut k = 1;
    while let Some((a, b)) = grid.step(from, d, k) {
        if grid.at(a, b) != Cell::Blank || grid.ray_sum(from) >= usize::from(MAX_NUMBER) {
            break;
        }
        grid.cells[a * grid.m + b] = Cell::Arrow(d as u8);
        if rng.gen_bool(0.4) {
            break;
        }
        k += 1;
    }
}

/// Writes an arrow at `cell` that continues a ray ending right before it, if that ray's number can
/// still grow. Any other arrow beyond `cell` in that direction would have been unreachable, so
/// exactly one number grows by one.
fn extend_ray(rng: &mut impl Rng, grid: &mut Grid, cell: (usize, usize)) -> bool {
    let mut dirs: Vec<usize> = (0..ARROWS.len()).collect();
    dirs.shuffle(rng);
    for d in dirs {
        let back = OPPOSITE[d];
        let mut k = 1;
        let owner = loop {
            match grid.step(cell, back, k).map(|(a, b)| (a, b, grid.at(a, b))) {
                Some((_, _, Cell::Arrow(e))) if usize::from(e) == d => k += 1,
                Some((a, b, Cell::Number(_))) => break Some((a, b)),
                _ => break None,
            }
        };
        if let Some(owner) = owner {
            if grid.ray_sum(owner) < usize::from(MAX_NUMBER) {
                grid.cells[cell.0 * grid.m + cell.1] = Cell::Arrow(d as u8);
                return true;
            }
        }
    }
    false
}

/// Turns `cell` into a number whose new ray starts on a blank neighbour.
fn new_number(rng: &mut impl Rng, grid: &mut Grid, cell: (usize, usize)) -> bool {
    let mut dirs: Vec<usize> = (0..ARROWS.len()).collect();
    dirs.shuffle(rng);
    let Some(d) = dirs.into_iter().find(|&d| {
        grid.step(cell, d, 1)
            .is_some_and(|(a, b)| grid.at(a, b) == Cell::Blank)
    }) else {
        return false;
    };
    let k = cell.0 * grid.m + cell.1;
    grid.cells[k] = Cell::Number(0);
    if grid.ray_sum(cell) >= usize::from(MAX_NUMBER) {
        grid.cells[k] = Cell::Blank;
        return false;
    }
    shoot(rng, grid, cell, d);
    true
}

/// Turns `cell` into a number counting the rays that already leave it, when there are some.
fn counting_number(grid: &mut Grid, cell: (usize, usize)) -> bool {
    let sum = grid.ray_sum(cell);
    if (1..=usize::from(MAX_NUMBER)).contains(&sum) {
        grid.cells[cell.0 * grid.m + cell.1] = Cell::Number(sum as u8);
        true
    } else {
        false
    }
}

fn read_grid(value: &Value, field: &'static str) -> Result<Grid, SynlogicError> {
    let bad = |message: &str| SynlogicError::bad_record(ID, field, message.to_owned());
    let rows = value
        .as_array()
        .filter(|r| (1..=MAX_SIDE).contains(&r.len()))
        .ok_or_else(|| bad("missing or not 1 to 64 rows"))?;
    let m = rows[0].as_array().map_or(0, Vec::len);
    if !(1..=MAX_SIDE).contains(&m) {
        return Err(bad("rows must hold 1 to 64 cells"));
    }
    let mut cells = Vec::with_capacity(rows.len() * m);
    for row in rows {
        let row = row
            .as_array()
            .filter(|r| r.len() == m)
            .ok_or_else(|| bad("rows differ in length"))?;
        for cell in row {
            cells.push(
                cell.as_str()
                    .and_then(Cell::parse)
                    .ok_or_else(|| bad("a cell is not X, a number or an arrow"))?,
            );
        }
    }
    Ok(Grid {
        n: rows.len(),
        m,
        cells,
    })
}

fn response_grid(response: &str) -> Result<Grid, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 3))
        .ok_or_else(|| {
            Judgement::unparseable("no ```python block or [[...]] grid in the answer")
        })?;
    let candidate = extract::within_limit(candidate)?;
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    let rows = value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of rows"))?;
    let m = rows.first().and_then(PyValue::as_seq).map_or(0, <[_]>::len);
    let mut cells = Vec::with_capacity(rows.len() * m);
    for row in rows {
        let row = row
            .as_seq()
            .filter(|r| r.len() == m)
            .ok_or_else(|| Judgement::wrong("the rows are not lists of equal length"))?;
        for cell in row {
            let parsed = match cell {
                PyValue::Str(s) => Cell::parse(s),
                PyValue::Int(v) => u8::try_from(*v).ok().map(Cell::Number),
                _ => None,
            };
            cells.push(parsed.ok_or_else(|| {
                Judgement::wrong("cells must be arrows, numbers or X as strings")
            })?);
        }
    }
    Ok(Grid {
        n: rows.len(),
        m,
        cells,
    })
}

/// The search stops (and reports this many nodes) past this budget: above the heaviest instance of
/// the ladder's sample (471 M at level 10, seed 0, about 45 s), so no mean there is a lower bound.
const MAX_NODES: u64 = 1_000_000_000;

/// Solves the puzzle from its numbers and shown arrows: numbers in row-major order each choose the
/// length of their eight rays, writing arrows on blank cells and forbidding a ray's direction on
/// the blank cell just past it. A branch is pruned when a ray's stop leaves the number's later
/// directions more than they have room for, and when a number is done while a later number has no
/// room for its count or a blank cell is out of every later number's reach. Counts the ray lengths
/// tried.
fn solve_nodes(puzzle: &Grid) -> u64 {
    let (n, m) = (puzzle.n, puzzle.m);
    let numbers: Vec<(usize, usize, u8)> = (0..n)
        .flat_map(|i| (0..m).map(move |j| (i, j)))
        .filter_map(|(i, j)| match puzzle.at(i, j) {
            Cell::Number(v) => Some((i, j, v)),
            _ => None,
        })
        .collect();
    // The last number (in search order) whose rays could reach each blank cell, and every
    // (number, direction, distance) that could reach it.
    let mut last_reacher: Vec<Option<usize>> = vec![None; n * m];
    let mut reachers: Vec<Vec<(u16, u8, u8)>> = vec![Vec::new(); n * m];
    for (t, &(i, j, v)) in numbers.iter().enumerate() {
        for d in 0..ARROWS.len() {
            for k in 1..=usize::from(v) {
                let Some((a, b)) = puzzle.step((i, j), d, k) else {
                    break;
                };
                match puzzle.at(a, b) {
                    Cell::Blank => {
                        last_reacher[a * m + b] = Some(t);
                        reachers[a * m + b].push((t as u16, d as u8, k as u8));
                    }
                    Cell::Arrow(e) if usize::from(e) == d => {}
                    _ => break,
                }
            }
        }
    }
    if (0..n * m).any(|k| puzzle.cells[k] == Cell::Blank && last_reacher[k].is_none()) {
        return 0;
    }
    let mut closing: Vec<Vec<usize>> = vec![Vec::new(); numbers.len()];
    for (k, t) in last_reacher.iter().enumerate() {
        if let Some(t) = t {
            closing[*t].push(k);
        }
    }
    let mut search = RaySearch {
        grid: puzzle.clone(),
        forbidden: vec![0; n * m],
        numbers,
        closing,
        reachers,
        nodes: 0,
    };
    search.number(0);
    search.nodes.min(MAX_NODES)
}

struct RaySearch {
    grid: Grid,
    /// Per cell, a bit per direction whose arrow may not go there (it would lengthen a fixed ray).
    forbidden: Vec<u8>,
    numbers: Vec<(usize, usize, u8)>,
    closing: Vec<Vec<usize>>,
    /// Per blank cell of the puzzle: the (number, direction, distance) whose ray could reach it.
    reachers: Vec<Vec<(u16, u8, u8)>>,
    nodes: u64,
}

impl RaySearch {
    /// The longest ray from `from` in direction `d` the grid still allows: its own arrows, then
    /// blank cells where that arrow is not forbidden.
    fn reach(&self, from: (usize, usize), d: usize) -> usize {
        let m = self.grid.m;
        (1..)
            .take_while(|&k| {
                self.grid.step(from, d, k).is_some_and(|(a, b)| {
                    let cell = self.grid.cells[a * m + b];
                    cell == Cell::Arrow(d as u8)
                        || (cell == Cell::Blank && self.forbidden[a * m + b] & (1 << d) == 0)
                })
            })
            .count()
    }

    /// Whether, once number `t` is done, every later number can still place its count (its rays'
    /// room) and every blank cell still lies within reach of a later number's ray (the cells between
    /// free for that arrow). A check, not a branch: it counts no node.
    fn later_numbers_can_finish(&self, t: usize) -> bool {
        let m = self.grid.m;
        let room = |u: usize| {
            let (i, j, _) = self.numbers[u];
            (0..ARROWS.len())
                .map(|d| self.reach((i, j), d))
                .sum::<usize>()
        };
        if (t + 1..self.numbers.len()).any(|u| room(u) < usize::from(self.numbers[u].2)) {
            return false;
        }
        let free = |k: usize, d: usize| {
            let cell = self.grid.cells[k];
            cell == Cell::Arrow(d as u8)
                || (cell == Cell::Blank && self.forbidden[k] & (1 << d) == 0)
        };
        (0..self.grid.cells.len()).all(|k| {
            self.grid.cells[k] != Cell::Blank
                || self.reachers[k].iter().any(|&(u, d, dist)| {
                    let (u, d) = (usize::from(u), usize::from(d));
                    let (i, j, _) = self.numbers[u];
                    u > t
                        && (1..=usize::from(dist)).all(|k| {
                            self.grid
                                .step((i, j), d, k)
                                .is_some_and(|(a, b)| free(a * m + b, d))
                        })
                })
        })
    }

    fn number(&mut self, t: usize) -> bool {
        match self.numbers.get(t) {
            Some(&(_, _, v)) => self.ray(t, 0, usize::from(v)),
            None => check_cover(&self.grid),
        }
    }

    /// Chooses the ray of number `t` in direction `d`, with `left` arrows still to place.
    fn ray(&mut self, t: usize, d: usize, left: usize) -> bool {
        if d == ARROWS.len() {
            return left == 0
                && self.closing[t]
                    .iter()
                    .all(|&k| self.grid.cells[k] != Cell::Blank)
                && self.later_numbers_can_finish(t)
                && self.number(t + 1);
        }
        let (i, j, _) = self.numbers[t];
        let arrow = Cell::Arrow(d as u8);
        let m = self.grid.m;
        // The later directions' rays lie on other lines, so the longest each can still grow is
        // known now: a stop that leaves them more than that to place is not tried.
        let later: usize = (d + 1..ARROWS.len()).map(|e| self.reach((i, j), e)).sum();
        let shortest = left.saturating_sub(later);
        let mut written: Vec<usize> = Vec::new();
        let mut len = 0;
        let mut found = false;
        loop {
            let next = self.grid.step((i, j), d, len + 1).map(|(a, b)| a * m + b);
            let next_cell = next.map(|k| self.grid.cells[k]);
            // The ray may stop at `len` unless an arrow of its own direction follows.
            if len >= shortest && next_cell != Some(arrow) && (d + 1 < ARROWS.len() || len == left)
            {
                self.nodes += 1;
                if self.nodes > MAX_NODES {
                    found = true;
                    break;
                }
                let fence = next.filter(|&k| {
                    next_cell == Some(Cell::Blank) && self.forbidden[k] & (1 << d) == 0
                });
                if let Some(k) = fence {
                    self.forbidden[k] |= 1 << d;
                }
                let done = self.ray(t, d + 1, left - len);
                if let Some(k) = fence {
                    self.forbidden[k] &= !(1 << d);
                }
                if done {
                    found = true;
                    break;
                }
            }
            if len == left {
                break;
            }
            match (next, next_cell) {
                (Some(_), Some(c)) if c == arrow => {}
                (Some(k), Some(Cell::Blank)) if self.forbidden[k] & (1 << d) == 0 => {
                    self.grid.cells[k] = arrow;
                    written.push(k);
                }
                _ => break,
            }
            len += 1;
        }
        for k in written {
            self.grid.cells[k] = Cell::Blank;
        }
        found
    }
}

/// Whether every cell is filled and every arrow lies on a number's ray (the shown arrows included).
fn check_cover(grid: &Grid) -> bool {
    let m = grid.m;
    let mut covered = vec![false; grid.n * m];
    for i in 0..grid.n {
        for j in 0..m {
            match grid.at(i, j) {
                Cell::Blank => return false,
                Cell::Number(_) => {
                    for d in 0..ARROWS.len() {
                        for k in 1..=grid.ray((i, j), d) {
                            if let Some((a, b)) = grid.step((i, j), d, k) {
                                covered[a * m + b] = true;
                            }
                        }
                    }
                }
                Cell::Arrow(_) => {}
            }
        }
    }
    (0..grid.n * m).all(|k| !matches!(grid.cells[k], Cell::Arrow(_)) || covered[k])
}

/// Python's `json.dumps(grid)`: ASCII-only, non-ASCII as `\uXXXX`, `", "` between items.
fn python_json_dumps(rows: &[Vec<String>]) -> String {
    let mut out = String::from("[");
    for (r, row) in rows.iter().enumerate() {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('[');
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('"');
            for ch in cell.chars() {
                if ch.is_ascii() {
                    out.push(ch);
                } else {
                    out.push_str(&format!("\\u{:04x}", u32::from(ch)));
                }
            }
            out.push('"');
        }
        out.push(']');
    }
    out.push(']');
    out
}

impl Puzzle for ArrowMaze {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic arrow_maze: eight-direction arrow rays summing to each number"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (side, low, high) = difficulty.pick(&LEVELS);
        json!({ "width": side, "height": side, "arrow_fill_rate_min": low, "arrow_fill_rate_max": high })
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
        let (side, low, high) = level.pick(&LEVELS);
        let (n, m) = (side, side);
        let solution = (0..MAX_DRAWS)
            .find_map(|_| build_solution(&mut rng, n, m))
            .ok_or_else(|| SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: format!("no complete arrow grid in {MAX_DRAWS} draws"),
            })?;
        let rate = if high > low {
            (rng.gen_range(low..=high) * 10.0).round() / 10.0
        } else {
            low
        };
        let mut arrows: Vec<usize> = (0..n * m)
            .filter(|&k| matches!(solution.cells[k], Cell::Arrow(_)))
            .collect();
        let shown = (arrows.len() as f64 * rate) as usize;
        arrows.shuffle(&mut rng);
        let mut maze = solution.clone();
        for &k in &arrows[shown..] {
            maze.cells[k] = Cell::Blank;
        }
        let maze_rows = maze.rows_json();
        let solution_rows = solution.rows_json();
        let maze_text: Vec<String> = maze_rows.iter().map(|r| r.join(" ")).collect();
        let (n_text, m_text) = (n.to_string(), m.to_string());
        let vars = [("n", n_text.as_str()), ("m", m_text.as_str())];
        let question = format!(
            "{}\n{}\n\n{}\n\n{}",
            fill(pick(&mut rng, INTROS, language), &vars),
            RULES.get(language),
            maze_text.join("\n"),
            FORMAT.get(language)
        );
        Ok(Instance {
            question,
            answer: Value::String(python_json_dumps(&solution_rows)).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "maze": maze_rows,
                    "solution": solution_rows,
                    "height": n,
                    "width": m,
                    "arrow_fill_rate": rate,
                    "rlvr": { "level": level.level(), "seed": seed, "index": index, "language": language },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let maze = gold
            .metadata
            .get("maze")
            .ok_or_else(|| SynlogicError::bad_record(ID, "metadata.maze", "missing"))?;
        let puzzle = read_grid(maze, "metadata.maze")?;
        let answer = match response_grid(response) {
            Ok(grid) => grid,
            Err(judgement) => return Ok(judgement),
        };
        Ok(match check(&puzzle, &answer) {
            Ok(()) => Judgement::correct(),
            Err(reason) => Judgement::wrong(reason),
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let solution = gold
            .metadata
            .get("solution")
            .ok_or_else(|| SynlogicError::bad_record(ID, "metadata.solution", "missing"))?;
        let grid = read_grid(solution, "metadata.solution")?;
        Ok(format!(
            "The completed maze:\n```python\n{}\n```",
            serde_json::to_string(&grid.rows_json()).map_err(|e| SynlogicError::bad_record(
                ID,
                "metadata.solution",
                e.to_string()
            ))?
        ))
    }

    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        let maze = instance.metadata.get("maze")?;
        read_grid(maze, "metadata.maze")
            .ok()
            .map(|g| solve_nodes(&g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::puzzle::instance_rng;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            n: rows.len(),
            m: rows[0].len(),
            cells: rows
                .iter()
                .flat_map(|r| r.iter().map(|c| Cell::parse(c).unwrap()))
                .collect(),
        }
    }

    #[test]
    fn opposites_point_back() {
        for d in 0..ARROWS.len() {
            let (_, di, dj) = ARROWS[d];
            let (_, bi, bj) = ARROWS[OPPOSITE[d]];
            assert_eq!((di, dj), (-bi, -bj));
        }
    }

    #[test]
    fn rays_must_sum_and_cover() {
        let puzzle = grid(&[&["2", "X", "X"], &["X", "X", "X"]]);
        let good = grid(&[&["2", "→", "→"], &["↙", "↓", "↘"]]);
        assert!(
            check(&puzzle, &good).is_err(),
            "the bottom row lies on no ray"
        );
        let puzzle = grid(&[&["3", "X", "X"], &["X", "X", "1"]]);
        assert!(check(&puzzle, &grid(&[&["3", "→", "→"], &["↓", "↘", "1"]])).is_err());
        assert!(check(&puzzle, &grid(&[&["3", "→", "→"], &["↓", "←", "1"]])).is_ok());
        // A blank may not become a new number.
        assert!(check(&puzzle, &grid(&[&["3", "→", "→"], &["↓", "1", "1"]])).is_err());
        assert!(solve_nodes(&puzzle) > 0);
    }

    #[test]
    fn built_grids_keep_the_rules() {
        let mut rng = instance_rng(ID, 0, 0, Difficulty::new(1).unwrap());
        for side in 5..9 {
            let solution = (0..100)
                .find_map(|_| build_solution(&mut rng, side, side))
                .unwrap();
            assert_eq!(check(&solution, &solution), Ok(()));
        }
    }

    #[test]
    fn answer_is_python_json() {
        let rows = vec![vec!["1".to_owned(), "↑".to_owned()]];
        assert_eq!(python_json_dumps(&rows), "[[\"1\", \"\\u2191\"]]");
    }
}
