//! `number_wall`: a Nurikabe-like grid. Some cells hold numbers; the solver turns other cells into
//! walls `A`, leaving island cells `X`, so that every island (edge-connected non-wall cells) holds
//! exactly one number equal to its size, no 2x2 block is all walls, and no two islands touch
//! diagonally (cells of different islands meeting corner to corner between two walls). Walls need
//! not be connected. The answer is a 2-D Python list.
//!
//! SynLogic's verifier only checks that the given numbers are kept, so a response could add a number
//! to a numberless island (or anywhere) and pass; ours requires numbers exactly where given. Its
//! generator grows islands from random numbers and then patches walls, rejecting most draws; ours
//! grows islands that never touch and extends them until no 2x2 wall block is left, so every draw
//! that completes is a valid solution. Several solutions may exist; any valid one is accepted.

mod solver;

use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use rlvr_envs::seed::TaskRng;

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract::{self, strip_think};
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};
use crate::pyliteral::{self, PyValue, SimpleCell};

pub use solver::{solve, Effort};

const ID: &str = "number_wall";

/// (side, share of cells holding a number, largest island) per level. SynLogic's run.sh draws sides
/// 3-5 and number rates 0.15-0.25 (numbers 1 to the side).
const LEVELS: [(usize, f64, usize); 10] = [
    (3, 0.25, 3),
    (4, 0.2, 4),
    (4, 0.15, 5),
    (5, 0.2, 5),
    (5, 0.15, 6),
    (6, 0.15, 6),
    // At rate .12 level 7 measured below level 6 (32 vs 44 mean nodes); fewer numbers, more search.
    (7, 0.1, 7),
    // Rate .1 like level 7, so level 8 stays above it (at .12: 142 vs 234 mean nodes).
    (8, 0.1, 8),
    // Fewer numbers and larger islands than level 8 (at (9, .1, 8): 761 vs 1 113 mean nodes).
    (9, 0.08, 9),
    (10, 0.1, 8),
];

/// Draws per instance before giving up.
const MAX_DRAWS: usize = 1_000;

/// The largest side a record may have.
const MAX_SIDE: usize = 32;

/// Solver placements allowed when measuring effort.
const SOLVER_BUDGET: u64 = 20_000_000;

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve this {n}x{n} Number Wall puzzle.",
        zh: "请解这道 {n}x{n} 的数字墙（Number Wall）谜题。",
    },
    Bilingual {
        en: "Build walls in the {n}x{n} Number Wall grid below.",
        zh: "请在下面 {n}x{n} 的数字墙网格中砌墙。",
    },
    Bilingual {
        en: "The {n}x{n} grid below is a Number Wall puzzle: split it into numbered islands with walls.",
        zh: "下面这个 {n}x{n} 的网格是一道数字墙谜题：请用墙把它分成带数字的岛。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Every cell that is not a number starts as X; turn some of them into walls, written A. The cells that are not walls form islands (groups of cells joined through shared edges). Rules: each island contains exactly one number, and its cell count (the number's cell included) equals that number; no 2x2 square may consist of four walls; cells of two different islands may not touch, not even at a corner. Keep every number where it is and add no new numbers.",
    zh: "所有不是数字的格子初始为 X；请把其中一些改为墙，记作 A。不是墙的格子组成岛（通过共享边相连的格子群）。规则：每个岛恰好包含一个数字，且岛的格子数（含数字所在格）等于该数字；任何 2x2 的方块都不能全是墙；不同岛的格子不能相接，连角上相接也不行。数字保持原位，不要添加新的数字。",
};

const FORMAT: Bilingual = Bilingual {
    en: "Give the solved grid at the end in a ```python code block as a 2-D list, numbers as integers and the other cells as \"X\" or \"A\", e.g. [[1, \"A\", \"X\"], [\"A\", \"A\", 2]].",
    zh: "请在最后用 ```python 代码块给出完成的网格，写成二维列表，数字写成整数，其余格子写成 \"X\" 或 \"A\"，例如 [[1, \"A\", \"X\"], [\"A\", \"A\", 2]]。",
};

/// The number_wall task.
pub struct NumberWall;

type Cell = (usize, usize);

fn edge_neighbours(n: usize, (i, j): Cell) -> impl Iterator<Item = Cell> {
    let up = i.checked_sub(1).map(|i| (i, j));
    let left = j.checked_sub(1).map(|j| (i, j));
    let down = (i + 1 < n).then_some((i + 1, j));
    let right = (j + 1 < n).then_some((i, j + 1));
    [up, left, down, right].into_iter().flatten()
}

fn ring(n: usize, (i, j): Cell) -> impl Iterator<Item = Cell> {
    let rows = i.saturating_sub(1)..=(i + 1).min(n - 1);
    rows.flat_map(move |r| (j.saturating_sub(1)..=(j + 1).min(n - 1)).map(move |c| (r, c)))
        .filter(move |&c| c != (i, j))
}

/// Island growth on an n x n grid: `owner[i][j]` is the island holding a cell, `None` for a wall.
struct Islands {
    n: usize,
    owner: Vec<Vec<Option<usize>>>,
    sizes: Vec<usize>,
}

impl Islands {
    /// Whether `cell` may join `island` (`None`: start a new one): it is a wall, and no cell of another
    /// island is among its eight neighbours.
    fn may_take(&self, cell: Cell, island: Option<usize>) -> bool {
        self.owner[cell.0][cell.1].is_none()
            && ring(self.n, cell).all(|(r, c)| match self.owner[r][c] {
                None => true,
                Some(o) => Some(o) == island,
            })
    }

    fn take(&mut self, (i, j): Cell, island: usize) {
        self.owner[i][j] = Some(island);
        self.sizes[island] += 1;
    }

    /// A cell of `island`'s growth ring that it may take, drawn at random.
    fn growth(&self, rng: &mut TaskRng, island: usize) -> Option<Cell> {
        let n = self.n;
        let mut options = Vec::new();
        for i in 0..n {
            for j in 0..n {
                if self.owner[i][j].is_none()
                    && edge_neighbours(n, (i, j)).any(|(r, c)| self.owner[r][c] == Some(island))
                    && self.may_take((i, j), Some(island))
                {
                    options.push((i, j));
                }
            }
        }
        options.choose(rng).copied()
    }

    /// The first 2x2 block of four walls, by its top-left cell.
    fn wall_block(&self) -> Option<Cell> {
        let n = self.n;
        (0..n.saturating_sub(1))
            .flat_map(|i| (0..n - 1).map(move |j| (i, j)))
            .find(|&(i, j)| {
                [(i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1)]
                    .iter()
                    .all(|&(r, c)| self.owner[r][c].is_none())
            })
    }

    /// Breaks a wall block by extending a bordering island (below `max_size`) into one of its
    /// cells, or by a new one-cell island there; `false` when neither fits.
    fn break_block(&mut self, rng: &mut TaskRng, (i, j): Cell, max_size: usize) -> bool {
        let mut cells = [(i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1)];
        cells.shuffle(rng);
        for cell in cells {
            let bordering = edge_neighbours(self.n, cell).find_map(|(r, c)| self.owner[r][c]);
            if let Some(island) = bordering {
                if self.sizes[island] < max_size && self.may_take(cell, Some(island)) {
                    self.take(cell, island);
                    return true;
                }
            }
        }
        for cell in cells {
            if self.may_take(cell, None) {
                self.sizes.push(0);
                let island = self.sizes.len() - 1;
                self.take(cell, island);
                return true;
            }
        }
        false
    }
}

/// One random solution grid: islands seeded apart, grown to random sizes, then extended until no
/// 2x2 block is all walls. `None` when a wall block cannot be broken.
fn draw_islands(rng: &mut TaskRng, n: usize, rate: f64, max_size: usize) -> Option<Islands> {
    let target = (((n * n) as f64) * rate).round().max(1.0) as usize;
    let mut islands = Islands {
        n,
        owner: vec![vec![None; n]; n],
        sizes: Vec::new(),
    };
    let mut cells: Vec<Cell> = (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).collect();
    cells.shuffle(rng);
    let mut caps = Vec::new();
    for cell in cells {
        if islands.sizes.len() == target {
            break;
        }
        if islands.may_take(cell, None) {
            islands.sizes.push(0);
            islands.take(cell, islands.sizes.len() - 1);
            caps.push(rng.gen_range(1..=max_size));
        }
    }
    loop {
        let mut grew = false;
        for island in 0..caps.len() {
            if islands.sizes[island] < caps[island] {
                if let Some(cell) = islands.growth(rng, island) {
                    islands.take(cell, island);
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
    while let Some(block) = islands.wall_block() {
        if !islands.break_block(rng, block, max_size) {
            return None;
        }
    }
    Some(islands)
}

/// A record's puzzle grid, row-major: `Some(k)` for a number, `None` for an open cell; and its side.
fn read_grid(gold: Gold<'_>) -> Result<(usize, Vec<Option<i64>>), SynlogicError> {
    let bad = |message: &str| SynlogicError::bad_record(ID, "metadata.grid", message.to_owned());
    let rows = gold
        .metadata
        .get("grid")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("missing or not a list of rows"))?;
    let n = rows.len();
    if !(1..=MAX_SIDE).contains(&n) {
        return Err(bad("expected 1 to 32 rows"));
    }
    let mut grid = Vec::with_capacity(n * n);
    for row in rows {
        let cells = row
            .as_array()
            .filter(|r| r.len() == n)
            .ok_or_else(|| bad("a row is not a list of n cells"))?;
        for cell in cells {
            grid.push(match cell {
                Value::Number(k) => Some(
                    k.as_i64()
                        .filter(|&k| k >= 1)
                        .ok_or_else(|| bad("a number is not a positive integer"))?,
                ),
                Value::String(_) => None,
                _ => return Err(bad("a cell is neither a number nor a string")),
            });
        }
    }
    Ok((n, grid))
}

/// A response cell: a number, an island cell or a wall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Number(i64),
    Island,
    Wall,
}

fn read_text_mark(s: &str) -> Option<Mark> {
    match s.trim() {
        "A" | "a" => Some(Mark::Wall),
        "X" | "x" => Some(Mark::Island),
        digits => digits.parse().ok().map(Mark::Number),
    }
}

fn read_mark(value: &PyValue) -> Option<Mark> {
    match value {
        PyValue::Int(k) => Some(Mark::Number(*k)),
        PyValue::Str(s) => read_text_mark(s),
        _ => None,
    }
}

/// The response grid, row-major, or `Ok(None)` when it is a grid of marks but not n x n. The usual
/// answer (plain integers and quoted strings) is read in place; anything else, or a cell that is
/// not a mark, goes through the literal parser, so every response is judged as the parser alone
/// would judge it.
fn response_grid(response: &str, n: usize) -> Result<Option<Vec<Mark>>, Judgement> {
    let text = strip_think(response);
    let candidate = extract::last_python_or_any_block(text)
        .or_else(|| extract::last_balanced(text, '[', ']', 3))
        .ok_or_else(|| Judgement::unparseable("no 2-D list in the answer"))?;
    let candidate = extract::within_limit(candidate)?;
    let mut cells = Vec::with_capacity(n * n);
    let mut too_wide = false;
    let rows = pyliteral::visit_simple_cells(candidate, |r, c, cell| {
        let mark = match cell {
            SimpleCell::Int(k) => Mark::Number(k),
            SimpleCell::Str(s) => read_text_mark(s)?,
        };
        // Rows of at most n cells, n*n cells in all and n rows: exactly n x n.
        if r < n && c < n {
            cells.push(mark);
        } else {
            too_wide = true;
        }
        Some(())
    });
    if let Some(rows) = rows {
        let square = rows == n && !too_wide && cells.len() == n * n;
        return Ok(square.then_some(cells));
    }
    cells.clear();
    let value = pyliteral::parse(candidate)
        .map_err(|e| Judgement::unparseable(format!("the answer is not a list literal: {e}")))?;
    let rows = value
        .as_seq()
        .ok_or_else(|| Judgement::wrong("the answer is not a list of rows"))?;
    let mut square = rows.len() == n;
    for row in rows {
        let row = row
            .as_seq()
            .ok_or_else(|| Judgement::wrong("a row is not a list"))?;
        square &= row.len() == n;
        for v in row {
            let mark = read_mark(v)
                .ok_or_else(|| Judgement::wrong("a cell is not a number, \"X\" or \"A\""))?;
            if square {
                cells.push(mark);
            }
        }
    }
    Ok(square.then_some(cells))
}

/// Checks a response grid against the puzzle (both row-major, n x n); `Err` names the first broken
/// rule.
fn check(n: usize, puzzle: &[Option<i64>], answer: Option<&[Mark]>) -> Result<(), String> {
    let Some(answer) = answer else {
        return Err(format!("the grid is not {n}x{n}"));
    };
    for (k, (&given, &mark)) in puzzle.iter().zip(answer).enumerate() {
        let (i, j) = (k / n, k % n);
        match (given, mark) {
            (Some(k), Mark::Number(v)) if k == v => {}
            (Some(k), _) => {
                return Err(format!(
                    "the number {k} at ({i}, {j}) is changed or missing"
                ))
            }
            (None, Mark::Number(v)) => return Err(format!("a number {v} is added at ({i}, {j})")),
            (None, _) => {}
        }
    }
    let wall = |(i, j): Cell| answer[i * n + j] == Mark::Wall;
    for i in 0..n.saturating_sub(1) {
        for j in 0..n - 1 {
            if [(i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1)]
                .into_iter()
                .all(wall)
            {
                return Err(format!("the 2x2 block at ({i}, {j}) is all walls"));
            }
        }
    }
    // Island labels and the flood-fill stack share one allocation.
    const NONE: u16 = u16::MAX;
    let mut scratch = vec![NONE; 2 * n * n];
    let (island, stack) = scratch.split_at_mut(n * n);
    let mut count: u16 = 0;
    for start in 0..n * n {
        if answer[start] == Mark::Wall || island[start] != NONE {
            continue;
        }
        let (i, j) = (start / n, start % n);
        stack[0] = start as u16;
        let mut top = 1;
        island[start] = count;
        let mut size = 0i64;
        let mut numbers = 0;
        let mut number = 0;
        while top > 0 {
            top -= 1;
            let cell = usize::from(stack[top]);
            size += 1;
            if let Some(k) = puzzle[cell] {
                numbers += 1;
                number = k;
            }
            for (r, c) in edge_neighbours(n, (cell / n, cell % n)) {
                let next = r * n + c;
                if answer[next] != Mark::Wall && island[next] == NONE {
                    island[next] = count;
                    stack[top] = next as u16;
                    top += 1;
                }
            }
        }
        match numbers {
            1 if number == size => {}
            1 => {
                return Err(format!(
                    "the island of the {number} at its cell near ({i}, {j}) has {size} cells"
                ))
            }
            0 => return Err(format!("the island at ({i}, {j}) holds no number")),
            _ => return Err(format!("the island at ({i}, {j}) holds several numbers")),
        }
        count += 1;
    }
    for i in 0..n {
        for j in 0..n {
            if wall((i, j)) {
                continue;
            }
            let here = island[i * n + j];
            if let Some((r, c)) =
                ring(n, (i, j)).find(|&(r, c)| !wall((r, c)) && island[r * n + c] != here)
            {
                return Err(format!(
                    "islands touch at a corner between ({i}, {j}) and ({r}, {c})"
                ));
            }
        }
    }
    Ok(())
}

fn cell_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Puzzle for NumberWall {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic number_wall: walls that cut the grid into islands sized by their numbers"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (n, number_rate, max_island) = difficulty.pick(&LEVELS);
        json!({ "n": n, "number_rate": number_rate, "max_island": max_island })
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
        let (n, number_rate, max_island) = level.pick(&LEVELS);
        let islands = (0..MAX_DRAWS)
            .find_map(|_| draw_islands(&mut rng, n, number_rate, max_island))
            .ok_or_else(|| SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: format!("no island layout without a 2x2 wall block in {MAX_DRAWS} draws"),
            })?;
        // Each island shows its size on one of its cells, drawn at random.
        let mut members: Vec<Vec<Cell>> = vec![Vec::new(); islands.sizes.len()];
        for i in 0..n {
            for j in 0..n {
                if let Some(k) = islands.owner[i][j] {
                    members[k].push((i, j));
                }
            }
        }
        let mut grid: Vec<Vec<Value>> = vec![vec![json!("X"); n]; n];
        let mut solution: Vec<Vec<Value>> = vec![vec![json!("A"); n]; n];
        for cells in &members {
            for &(i, j) in cells {
                solution[i][j] = json!("X");
            }
            let &(i, j) = cells.choose(&mut rng).expect("islands are never empty");
            grid[i][j] = json!(cells.len());
            solution[i][j] = json!(cells.len());
        }
        let n_text = n.to_string();
        let board: Vec<String> = grid
            .iter()
            .map(|row| row.iter().map(cell_text).collect::<Vec<_>>().join(" "))
            .collect();
        let question = format!(
            "{}\n{}\n\n{}\n\n{}",
            fill(pick(&mut rng, INTROS, language), &[("n", n_text.as_str())]),
            RULES.get(language),
            board.join("\n"),
            FORMAT.get(language)
        );
        Ok(Instance {
            question,
            answer: Value::String(String::new()).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "grid": grid,
                    "solution": solution,
                    "n": n,
                    "number_rate": number_rate,
                    "rlvr": {
                        "level": level.level(), "seed": seed, "index": index, "language": language,
                        "numbers": members.len(), "max_island": max_island,
                    },
                })
            }),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        let (n, puzzle) = read_grid(gold)?;
        let answer = match response_grid(response, n) {
            Ok(a) => a,
            Err(judgement) => return Ok(judgement),
        };
        Ok(match check(n, &puzzle, answer.as_deref()) {
            Ok(()) => Judgement::correct(),
            Err(reason) => Judgement::wrong(reason),
        })
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let solution = gold
            .metadata
            .get("solution")
            .filter(|s| s.is_array())
            .ok_or_else(|| {
                SynlogicError::bad_record(ID, "metadata.solution", "missing or not a list")
            })?;
        Ok(format!("```python\n{solution}\n```"))
    }

    /// Solves outside generation, which never needs the solver.
    fn solver_effort(&self, instance: &Instance) -> Option<u64> {
        let (n, grid) = read_grid(instance.gold()).ok()?;
        let numbers: Vec<(usize, usize)> = (0..n * n)
            .filter_map(|k| Some((k, usize::try_from(grid[k]?).ok()?)))
            .collect();
        solve(n, &numbers, SOLVER_BUDGET).map(|effort| effort.nodes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(rows: &[&str]) -> Vec<Vec<Mark>> {
        rows.iter()
            .map(|r| {
                r.chars()
                    .map(|c| match c {
                        'A' => Mark::Wall,
                        'X' => Mark::Island,
                        d => Mark::Number(d.to_digit(10).unwrap() as i64),
                    })
                    .collect()
            })
            .collect()
    }

    /// `check` on row-wise grids.
    fn check_rows(puzzle: &[Vec<Option<i64>>], answer: &[Vec<Mark>]) -> Result<(), String> {
        let n = puzzle.len();
        let flat: Vec<Option<i64>> = puzzle.concat();
        let square = answer.len() == n && answer.iter().all(|r| r.len() == n);
        check(n, &flat, square.then(|| answer.concat()).as_deref())
    }

    #[test]
    fn added_numbers_wall_blocks_and_corner_contact_are_wrong() {
        let lone_two = vec![
            vec![Some(2), None, None],
            vec![None, None, None],
            vec![None, None, None],
        ];
        // No island of 2 from the corner covers the lower-right 2x2 block; SynLogic accepts a
        // response that adds a 1 there, we do not.
        assert!(check_rows(&lone_two, &marks(&["2AA", "XA1", "AAA"]))
            .unwrap_err()
            .contains("added"));
        assert!(check_rows(&lone_two, &marks(&["2XA", "AAA", "AAA"]))
            .unwrap_err()
            .contains("2x2"));
        let three = vec![
            vec![Some(2), None, None],
            vec![None, None, Some(1)],
            vec![Some(1), None, None],
        ];
        assert_eq!(
            check_rows(&three, &marks(&["2AA", "XA1", "AAA"])).unwrap_err(),
            "the number 1 at (2, 0) is changed or missing"
        );
        // The 2 laid along the top row meets the 1 at (1, 2) corner to corner.
        assert!(check_rows(&three, &marks(&["2XA", "AA1", "1AA"]))
            .unwrap_err()
            .contains("corner"));
        assert_eq!(
            check_rows(&three, &marks(&["2AA", "XA1", "1AA"])).unwrap_err(),
            "the island at (0, 0) holds several numbers"
        );
        let solvable = vec![
            vec![Some(2), None, None],
            vec![None, None, None],
            vec![None, None, Some(2)],
        ];
        assert_eq!(
            check_rows(&solvable, &marks(&["2AA", "XAX", "AA2"])),
            Ok(())
        );
    }
}
