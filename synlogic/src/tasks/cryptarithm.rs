//! `cryptarithm`: each letter of an equation such as `ABC + DEF = GHIJ` stands for a distinct digit
//! (no number of two or more digits starts with 0); find the digits. The generator keeps only
//! equations our solver proves to have exactly one solution, and the verifier checks the stated
//! equation by the rules (same shape, consistent letters, arithmetically true).

use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::difficulty::Difficulty;
use crate::error::SynlogicError;
use crate::extract::strip_think;
use crate::instance::{Gold, Instance, Metadata};
use crate::language::{fill, pick, Bilingual};
use crate::puzzle::{self, Begun, GenOptions, Judgement, Puzzle};

const ID: &str = "cryptarithm";

/// The most words (terms and result) an equation may have, in a record or a response.
const MAX_WORDS: usize = 16;

/// (distinct letters, operators, operator level: 2 = `+ -`, 3 = `+ - *`) per level. SynLogic's
/// run.sh uses 3-4 letters, 1-2 operators at level 2.
const LEVELS: [(usize, usize, u8); 10] = [
    (4, 1, 2),
    (5, 1, 2),
    (6, 1, 2),
    (7, 1, 2),
    (7, 2, 2),
    (8, 2, 2),
    (8, 2, 3),
    // Nine letters over two operators proved uniqueness faster than eight (17 338 mean nodes after
    // 32 665); a third operator keeps level 8 between its neighbours (50 311).
    (8, 3, 3),
    (9, 3, 3),
    (10, 3, 3),
];

const INTROS: &[Bilingual] = &[
    Bilingual {
        en: "Solve the cryptarithm {equation}.",
        zh: "请解这道字母算式谜题：{equation}。",
    },
    Bilingual {
        en: "In the equation {equation}, every letter hides a digit. Recover the digits.",
        zh: "在等式 {equation} 中，每个字母代表一个数字，请还原这些数字。",
    },
    Bilingual {
        en: "Decode {equation}: replace the letters with digits so that the equation holds.",
        zh: "破解 {equation}：把字母换成数字，使等式成立。",
    },
];

const RULES: Bilingual = Bilingual {
    en: "Different letters stand for different digits and the same letter always for the same digit; a number of two or more digits does not start with 0. Multiplication is done before addition and subtraction.",
    zh: "不同的字母代表不同的数字，相同的字母代表相同的数字；两位及以上的数不以 0 开头。先算乘法，再算加减法。",
};

const FORMAT: Bilingual = Bilingual {
    en: "End your response with a last line of the form: The answer is 123 + 456 = 579 (the equation with the letters replaced by digits).",
    zh: "请在回答的最后一行写成如下形式：答案是 123 + 456 = 579（把字母替换为数字后的等式）。",
};

/// The cryptarithm task.
pub struct Cryptarithm;

/// Evaluates `terms[0] ops[0] terms[1] ...` with `*` before `+ -`, modulo `modulus` when given.
fn evaluate(terms: &[i128], ops: &[char], modulus: Option<i128>) -> Option<i128> {
    let reduce = |v: i128| modulus.map_or(v, |m| v.rem_euclid(m));
    let mut sum = 0i128;
    let mut sign = 1i128;
    let mut product = reduce(*terms.first()?);
    for (op, &term) in ops.iter().zip(&terms[1..]) {
        match op {
            '*' => product = reduce(product.checked_mul(term)?),
            '+' | '-' => {
                sum = reduce(sum.checked_add(sign.checked_mul(product)?)?);
                sign = if *op == '+' { 1 } else { -1 };
                product = reduce(term);
            }
            _ => return None,
        }
    }
    Some(reduce(sum.checked_add(sign.checked_mul(product)?)?))
}

/// The puzzle: words as letter indices (most significant first), the last word being the result.
struct Equation {
    words: Vec<Vec<usize>>,
    ops: Vec<char>,
    letters: usize,
}

impl Equation {
    fn from_numbers(numbers: &[i128], ops: &[char]) -> Equation {
        let mut index_of = [usize::MAX; 10];
        let mut letters = 0;
        let words = numbers
            .iter()
            .map(|n| {
                n.to_string()
                    .bytes()
                    .map(|b| {
                        let d = usize::from(b - b'0');
                        if index_of[d] == usize::MAX {
                            index_of[d] = letters;
                            letters += 1;
                        }
                        index_of[d]
                    })
                    .collect()
            })
            .collect();
        Equation {
            words,
            ops: ops.to_vec(),
            letters,
        }
    }

    fn leading(&self) -> Vec<bool> {
        let mut leading = vec![false; self.letters];
        for w in self.words.iter().filter(|w| w.len() > 1) {
            leading[w[0]] = true;
        }
        leading
    }

    /// Whether the digits satisfy the equation, on the last `columns` digits of each number
    /// (all of them when `None`): `+ - *` commute with reduction modulo 10^columns.
    fn holds(&self, digits: &[u8], columns: Option<usize>) -> bool {
        if let Some(c) = columns.filter(|&c| c <= 9) {
            return self.holds_mod(digits, c);
        }
        let modulus = columns.map(|c| 10i128.pow(c as u32));
        let value = |w: &[usize]| {
            let tail = columns.map_or(w, |c| &w[w.len().saturating_sub(c)..]);
            tail.iter()
                .fold(0i128, |v, &l| v * 10 + i128::from(digits[l]))
        };
        let (result, terms) = self.words.split_last().expect("an equation has a result");
        // Equations have at most a few terms: evaluated on the stack (this runs at every search node).
        let mut values = [0i128; MAX_WORDS];
        let Some(slots) = values.get_mut(..terms.len()) else {
            return false;
        };
        for (slot, w) in slots.iter_mut().zip(terms) {
            *slot = value(w);
        }
        let result = value(result);
        match evaluate(slots, &self.ops, modulus) {
            Some(v) => v == modulus.map_or(result, |m| result.rem_euclid(m)),
            None => false,
        }
    }

    /// [`Equation::holds`] on the last `columns` <= 9 digits, in `i64`: every reduced value is below
    /// 10^9, so no product or sum leaves the type, and the answer is the same as in `i128`.
    fn holds_mod(&self, digits: &[u8], columns: usize) -> bool {
        let m = 10i64.pow(columns as u32);
        let value = |w: &[usize]| {
            w[w.len().saturating_sub(columns)..]
                .iter()
                .fold(0i64, |v, &l| v * 10 + i64::from(digits[l]))
        };
        let (result, terms) = self.words.split_last().expect("an equation has a result");
        let mut sum = 0i64;
        let mut sign = 1i64;
        let mut product = value(&terms[0]) % m;
        for (op, term) in self.ops.iter().zip(&terms[1..]) {
            let term = value(term);
            match op {
                '*' => product = product * term % m,
                '+' | '-' => {
                    sum = (sum + sign * product).rem_euclid(m);
                    sign = if *op == '+' { 1 } else { -1 };
                    product = term % m;
                }
                _ => return false,
            }
        }
        (sum + sign * product).rem_euclid(m) == value(result) % m
    }
}

/// Counts the equation's solutions up to `limit`, assigning letters column by column from the right
/// and pruning when the last columns already disagree; returns (solutions, nodes).
fn count_solutions(eq: &Equation, limit: usize) -> (usize, u64) {
    let longest = eq.words.iter().map(Vec::len).max().unwrap_or(0);
    // Letters in order of first appearance from the units column leftwards, and after how many
    // letters each column is fully assigned.
    let mut order = Vec::new();
    let mut seen = vec![false; eq.letters];
    let mut check_after = vec![Vec::new(); eq.letters + 1];
    for col in 0..longest {
        for w in &eq.words {
            if col < w.len() {
                let l = w[w.len() - 1 - col];
                if !seen[l] {
                    seen[l] = true;
                    order.push(l);
                }
            }
        }
        check_after[order.len()].push(col + 1);
    }
    let leading = eq.leading();
    let mut digits = vec![0u8; eq.letters];
    let mut used = [false; 10];
    let (mut found, mut nodes) = (0, 0u64);
    #[allow(clippy::too_many_arguments)]
    fn go(
        k: usize,
        eq: &Equation,
        order: &[usize],
        check_after: &[Vec<usize>],
        leading: &[bool],
        digits: &mut [u8],
        used: &mut [bool; 10],
        found: &mut usize,
        nodes: &mut u64,
        limit: usize,
    ) {
        if check_after[k].iter().any(|&c| !eq.holds(digits, Some(c))) {
            return;
        }
        if k == order.len() {
            if eq.holds(digits, None) {
                *found += 1;
            }
            return;
        }
        let l = order[k];
        for d in 0..10u8 {
            if *found >= limit || used[usize::from(d)] || (d == 0 && leading[l]) {
                continue;
            }
            *nodes += 1;
            digits[l] = d;
            used[usize::from(d)] = true;
            go(
                k + 1,
                eq,
                order,
                check_after,
                leading,
                digits,
                used,
                found,
                nodes,
                limit,
            );
            used[usize::from(d)] = false;
        }
    }
    go(
        0,
        eq,
        &order,
        &check_after,
        &leading,
        &mut digits,
        &mut used,
        &mut found,
        &mut nodes,
        limit,
    );
    (found, nodes)
}

fn equation_text(numbers: &[String], ops: &[char]) -> String {
    let mut text = numbers[0].clone();
    for (op, n) in ops.iter().zip(&numbers[1..numbers.len() - 1]) {
        text.push_str(&format!(" {op} {n}"));
    }
    text.push_str(&format!(" = {}", numbers[numbers.len() - 1]));
    text
}

/// The set of decimal digits of a positive number below 10^18, as a bit mask (bit d for digit d).
fn digit_mask(n: i128) -> u16 {
    // In u64: 128-bit division is a slow library call, and this runs on every draw.
    let mut n = n as u64;
    let mut mask = 0u16;
    loop {
        mask |= 1 << (n % 10);
        n /= 10;
        if n == 0 {
            return mask;
        }
    }
}

/// Draws one equation like SynLogic: operands of 3-6 digits (1-2 digits one time in ten) from the
/// chosen digits, a positive result written with the same digits.
fn draw_equation(
    rng: &mut impl Rng,
    letters: usize,
    op_count: usize,
    op_level: u8,
) -> Option<(Vec<i128>, Vec<char>)> {
    // Most draws are rejected (the result uses another digit): nothing here allocates until one
    // is kept, and the draws from `rng` are the same as they always were.
    let mut pool: [u8; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    pool.shuffle(rng);
    let digits = &pool[..letters];
    let ops_allowed: &[char] = if op_level >= 3 {
        &['+', '-', '*']
    } else {
        &['+', '-']
    };
    let mut ops = ['+'; MAX_WORDS];
    let ops = ops.get_mut(..op_count)?;
    for op in ops.iter_mut() {
        *op = *ops_allowed.choose(rng).expect("operators");
    }
    let mut nonzero = [0u8; 10];
    let mut nonzero_len = 0;
    for &d in digits.iter().filter(|&&d| d != 0) {
        nonzero[nonzero_len] = d;
        nonzero_len += 1;
    }
    let nonzero = &nonzero[..nonzero_len];
    let mut numbers = [0i128; MAX_WORDS];
    let numbers = numbers.get_mut(..=op_count + 1)?;
    for number in numbers[..=op_count].iter_mut() {
        let len = if rng.gen_bool(0.1) {
            rng.gen_range(1..=2)
        } else {
            rng.gen_range(3..=6)
        };
        let mut n = i128::from(*nonzero.choose(rng)?);
        for _ in 1..len {
            n = n * 10 + i128::from(*digits.choose(rng)?);
        }
        *number = n;
    }
    let result = evaluate(&numbers[..=op_count], ops, None)?;
    // Positive, and small enough for the record's JSON integers.
    if result <= 0 || result >= 1_000_000_000_000_000 {
        return None;
    }
    numbers[op_count + 1] = result;
    let used = numbers.iter().fold(0u16, |m, &n| m | digit_mask(n));
    let allowed = digits.iter().fold(0u16, |m, &d| m | 1 << d);
    (used.count_ones() as usize == letters && used & !allowed == 0)
        .then(|| (numbers.to_vec(), ops.to_vec()))
}

/// A numeric equation found in a response: its numbers as written (borrowed from the response, the
/// result possibly with a `-`) and its operators, left to right. Chains longer than [`MAX_WORDS`]
/// numbers are only counted (no puzzle has that many words).
#[derive(Debug)]
struct Stated<'a> {
    numbers: [&'a str; MAX_WORDS],
    ops: [u8; MAX_WORDS],
    /// How many numbers the equation has, result included (may exceed `MAX_WORDS`).
    len: usize,
}

impl<'a> Stated<'a> {
    /// The numbers, when the equation has at most `MAX_WORDS` of them.
    fn numbers(&self) -> Option<&[&'a str]> {
        self.numbers.get(..self.len)
    }

    /// The operators between the terms.
    fn ops(&self) -> Option<&[u8]> {
        self.ops.get(..self.len.checked_sub(2)?)
    }
}

/// The equation ending at the `=` at `eq_pos`, if one is there: `n op n ... = n` (SynLogic's
/// fallback pattern; `-` allowed before the result). Scans left only to the previous
/// non-equation character.
fn equation_at(text: &str, eq_pos: usize) -> Option<Stated<'_>> {
    let b = text.as_bytes();
    // Right side: spaces, optional '-', digits.
    let mut r = eq_pos + 1;
    while b.get(r).is_some_and(|c| *c == b' ' || *c == b'\t') {
        r += 1;
    }
    let sign = r;
    if b.get(r) == Some(&b'-') {
        r += 1;
    }
    let start = r;
    while b.get(r).is_some_and(u8::is_ascii_digit) {
        r += 1;
    }
    if r == start {
        return None;
    }
    let result = &text[sign..r];
    // Left side, right to left: number (op number)*; stored from the right end of the arrays.
    let mut numbers = [""; MAX_WORDS];
    let mut ops = [0u8; MAX_WORDS];
    let (mut count, mut op_count) = (0usize, 0usize);
    let mut l = eq_pos;
    loop {
        while l > 0 && (b[l - 1] == b' ' || b[l - 1] == b'\t') {
            l -= 1;
        }
        let end = l;
        while l > 0 && b[l - 1].is_ascii_digit() {
            l -= 1;
        }
        if l == end {
            break;
        }
        if count < MAX_WORDS {
            numbers[MAX_WORDS - 1 - count] = &text[l..end];
        }
        count += 1;
        let mut k = l;
        while k > 0 && (b[k - 1] == b' ' || b[k - 1] == b'\t') {
            k -= 1;
        }
        match k.checked_sub(1).map(|i| b[i]) {
            Some(op @ (b'+' | b'-' | b'*')) => {
                if op_count < MAX_WORDS {
                    ops[MAX_WORDS - 1 - op_count] = op;
                }
                op_count += 1;
                l = k - 1;
            }
            _ => break,
        }
    }
    if count < 2 {
        return None;
    }
    let len = count + 1;
    let mut stated = Stated {
        numbers: [""; MAX_WORDS],
        ops: [0; MAX_WORDS],
        len,
    };
    if len <= MAX_WORDS {
        // Left to right: the `count` numbers stored last, then the result; the operators between
        // them are the last `count - 1` stored (a dangling one, e.g. in "+ 5 = 5", was stored
        // before them and is dropped: the chain ended before it).
        stated.numbers[..count].copy_from_slice(&numbers[MAX_WORDS - count..]);
        stated.numbers[count] = result;
        stated.ops[..count - 1].copy_from_slice(&ops[MAX_WORDS - (count - 1)..]);
    }
    Some(stated)
}

/// The last `n op n ... = n` in the text. Equations are independent of each other, so the `=`s are
/// tried from the right and the first that heads an equation wins; linear in the text.
fn last_equation(text: &str) -> Option<Stated<'_>> {
    text.rmatch_indices('=')
        .find_map(|(eq_pos, _)| equation_at(text, eq_pos))
}

/// What the verifier reads from a record: the words (capital letters, result last) and operators.
struct Board<'a> {
    words: [&'a str; MAX_WORDS],
    ops: [u8; MAX_WORDS],
    len: usize,
}

impl<'a> Board<'a> {
    fn words(&self) -> &[&'a str] {
        &self.words[..self.len]
    }

    fn ops(&self) -> &[u8] {
        &self.ops[..self.len - 2]
    }
}

/// The words and operators kept beside the JSON at generation, for [`Puzzle::verify_instance`]:
/// the words' letters one after the other (word w ends at `ends[w]`), in one allocation.
struct Letters {
    text: Box<str>,
    ends: [u8; MAX_WORDS],
    ops: [u8; MAX_WORDS],
    len: usize,
}

impl Letters {
    fn board(&self) -> Board<'_> {
        let mut board = Board {
            words: [""; MAX_WORDS],
            ops: self.ops,
            len: self.len,
        };
        let mut start = 0;
        for (slot, &end) in board.words.iter_mut().zip(&self.ends[..self.len]) {
            *slot = &self.text[start..usize::from(end)];
            start = usize::from(end);
        }
        board
    }
}

fn read_gold(gold: Gold<'_>) -> Result<Board<'_>, SynlogicError> {
    let bad_words = || {
        SynlogicError::bad_record(
            ID,
            "metadata.letter_words",
            "expected 2-16 words of capital letters",
        )
    };
    let list = gold
        .metadata
        .get("letter_words")
        .and_then(Value::as_array)
        .filter(|w| (2..=MAX_WORDS).contains(&w.len()))
        .ok_or_else(bad_words)?;
    let mut board = Board {
        words: [""; MAX_WORDS],
        ops: [0; MAX_WORDS],
        len: list.len(),
    };
    for (slot, word) in board.words.iter_mut().zip(list) {
        *slot = word
            .as_str()
            .filter(|x| !x.is_empty() && x.len() <= 32 && x.bytes().all(|c| c.is_ascii_uppercase()))
            .ok_or_else(bad_words)?;
    }
    let ops = gold
        .metadata
        .get("operators")
        .and_then(Value::as_array)
        .filter(|o| o.len() + 2 == board.len)
        .ok_or_else(|| {
            SynlogicError::bad_record(
                ID,
                "metadata.operators",
                "expected one of + - * between each pair of words",
            )
        })?;
    for (slot, op) in board.ops.iter_mut().zip(ops) {
        *slot = match op.as_str() {
            Some("+") => b'+',
            Some("-") => b'-',
            Some("*") => b'*',
            _ => {
                return Err(SynlogicError::bad_record(
                    ID,
                    "metadata.operators",
                    "expected one of + - * between each pair of words",
                ))
            }
        };
    }
    Ok(board)
}

fn judge(puzzle: &Board<'_>, stated: &Stated<'_>) -> Judgement {
    let (Some(numbers), Some(ops)) = (stated.numbers(), stated.ops()) else {
        return Judgement::wrong("the equation does not have the puzzle's operators and terms");
    };
    if ops != puzzle.ops() || numbers.len() != puzzle.len {
        return Judgement::wrong("the equation does not have the puzzle's operators and terms");
    }
    let mut letter_digit: [Option<u8>; 26] = [None; 26];
    let mut digit_letter: [Option<u8>; 10] = [None; 10];
    for (word, number) in puzzle.words().iter().zip(numbers) {
        if number.starts_with('-') || number.len() != word.len() {
            return Judgement::wrong(format!(
                "{number} does not have the {} digits of {word}",
                word.len()
            ));
        }
        if number.len() > 1 && number.starts_with('0') {
            return Judgement::wrong(format!("{number} starts with 0"));
        }
        for (l, d) in word.bytes().zip(number.bytes()) {
            let (l, d) = (l - b'A', d - b'0');
            if *letter_digit[usize::from(l)].get_or_insert(d) != d
                || *digit_letter[usize::from(d)].get_or_insert(l) != l
            {
                return Judgement::wrong(format!(
                    "letter {} and digit {d} are not matched one to one",
                    char::from(l + b'A')
                ));
            }
        }
    }
    let mut values = [0i128; MAX_WORDS];
    for (slot, n) in values.iter_mut().zip(numbers) {
        // Digits only (a sign was refused above): up to 19 of them fit a `u64`, whose parse
        // multiplies in one instruction where `i128`'s takes several (a quarter of this verifier).
        let value = if n.len() <= 19 {
            n.parse::<u64>().ok().map(i128::from)
        } else {
            n.parse::<i128>().ok()
        };
        let Some(v) = value else {
            return Judgement::wrong("a number is too large");
        };
        *slot = v;
    }
    let (result, terms) = values[..numbers.len()]
        .split_last()
        .expect("at least two numbers");
    let mut op_chars = ['+'; MAX_WORDS];
    for (c, &op) in op_chars.iter_mut().zip(ops) {
        *c = char::from(op);
    }
    if evaluate(terms, &op_chars[..ops.len()], None) != Some(*result) {
        return Judgement::wrong("the equation is false");
    }
    Judgement::correct()
}

/// The verdict on a full response: its last numeric equation against the puzzle.
fn judge_response(puzzle: &Board<'_>, response: &str) -> Judgement {
    match last_equation(strip_think(response)) {
        Some(stated) => judge(puzzle, &stated),
        None => Judgement::unparseable("no numeric equation `a + b = c` in the answer"),
    }
}

impl Puzzle for Cryptarithm {
    fn id(&self) -> &'static str {
        ID
    }

    fn summary(&self) -> &'static str {
        "SynLogic cryptarithm: letters to distinct digits in an arithmetic equation (unique solution)"
    }

    fn knobs(&self, difficulty: Difficulty) -> Value {
        let (letters, ops, level) = difficulty.pick(&LEVELS);
        json!({ "num_letter": letters, "operator_num": ops, "operator_level": level })
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
        let (letters, op_count, op_level) = level.pick(&LEVELS);
        let mut made = None;
        for _ in 0..20_000 {
            let Some((numbers, ops)) = draw_equation(&mut rng, letters, op_count, op_level) else {
                continue;
            };
            let eq = Equation::from_numbers(&numbers, &ops);
            let (solutions, nodes) = count_solutions(&eq, 2);
            if solutions == 1 {
                made = Some((numbers, ops, nodes));
                break;
            }
        }
        let Some((numbers, ops, nodes)) = made else {
            return Err(SynlogicError::Generation {
                task: ID,
                seed,
                index,
                message: "no equation with a unique solution in 20000 draws".into(),
            });
        };
        let mut alphabet: Vec<u8> = (b'A'..=b'Z').collect();
        alphabet.shuffle(&mut rng);
        let letter_of = |d: u8| char::from(alphabet[usize::from(d)]);
        let letter_words: Vec<String> = numbers
            .iter()
            .map(|n| n.to_string().bytes().map(|b| letter_of(b - b'0')).collect())
            .collect();
        let mut digit_map = Map::new();
        for d in 0..10u8 {
            if numbers
                .iter()
                .any(|n| n.to_string().bytes().any(|b| b - b'0' == d))
            {
                digit_map.insert(letter_of(d).to_string(), Value::from(d));
            }
        }
        let numbers_text: Vec<String> = numbers.iter().map(i128::to_string).collect();
        let answer = equation_text(&numbers_text, &ops);
        let puzzle_text = equation_text(&letter_words, &ops);
        let question = format!(
            "{} {}\n{}",
            fill(
                pick(&mut rng, INTROS, language),
                &[("equation", puzzle_text.as_str())]
            ),
            RULES.get(language),
            FORMAT.get(language)
        );
        // Generated numbers are under 10^18 and at most five: the word ends fit in a byte.
        let mut letters_typed = Letters {
            text: letter_words.concat().into_boxed_str(),
            ends: [0; MAX_WORDS],
            ops: [0; MAX_WORDS],
            len: letter_words.len(),
        };
        let mut end = 0;
        for (slot, word) in letters_typed.ends.iter_mut().zip(&letter_words) {
            end += word.len();
            *slot = end as u8;
        }
        for (slot, &op) in letters_typed.ops.iter_mut().zip(&ops) {
            *slot = op as u8;
        }
        let numbers_json: Vec<Value> = numbers.iter().map(|&n| Value::from(n as i64)).collect();
        let ops_json: Vec<String> = ops.iter().map(char::to_string).collect();
        Ok(Instance {
            question,
            answer: Value::String(answer).into(),
            difficulty: level,
            metadata: Metadata::lazy(move || {
                json!({
                    "trace_id": trace,
                    "numbers": numbers_json,
                    "letter_words": letter_words,
                    "operators": ops_json,
                    "digit_map": digit_map,
                    "num_letter": letters,
                    "operator_num": op_count,
                    "operator_level": op_level,
                    "rlvr": {
                        "level": level.level(), "seed": seed, "index": index, "language": language,
                        "solver_nodes": nodes,
                    },
                })
            })
            .with_typed(letters_typed),
        })
    }

    fn verify(&self, gold: Gold<'_>, response: &str) -> Result<Judgement, SynlogicError> {
        Ok(judge_response(&read_gold(gold)?, response))
    }

    fn verify_instance(
        &self,
        instance: &Instance,
        response: &str,
    ) -> Result<Judgement, SynlogicError> {
        match instance.metadata.typed::<Letters>() {
            Some(letters) => Ok(judge_response(&letters.board(), response)),
            None => self.verify(instance.gold(), response),
        }
    }

    fn reference_response(&self, gold: Gold<'_>) -> Result<String, SynlogicError> {
        let answer = gold
            .answer
            .as_str()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                SynlogicError::bad_record(ID, "answer", "expected the solved equation")
            })?;
        Ok(format!(
            "Replacing every letter by its digit:\nThe answer is {answer}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore]
    fn ladder_probe() {
        let cands: Vec<(u8, (usize, usize, u8))> = std::env::var("PROBE")
            .unwrap()
            .split(';')
            .map(|c| {
                let v: Vec<usize> = c.split(',').map(|x| x.parse().unwrap()).collect();
                (v[0] as u8, (v[1], v[2], v[3] as u8))
            })
            .collect();
        for (level, (letters, op_count, op_level)) in cands {
            let level = Difficulty::new(i64::from(level)).unwrap();
            let mut total = 0u64;
            for index in 0..16 {
                let mut rng = puzzle::begin(ID, 0, index, GenOptions::at(level)).rng;
                for _ in 0..20_000 {
                    let Some((numbers, ops)) = draw_equation(&mut rng, letters, op_count, op_level)
                    else {
                        continue;
                    };
                    let eq = Equation::from_numbers(&numbers, &ops);
                    let (solutions, nodes) = count_solutions(&eq, 2);
                    if solutions == 1 {
                        total += nodes;
                        break;
                    }
                }
            }
            println!(
                "PROBE level {} knobs {:?} mean {}",
                level.level(),
                (letters, op_count, op_level),
                total as f64 / 16.0
            );
        }
    }

    #[test]
    fn finds_the_last_equation() {
        let s = last_equation("try 1 + 2 = 4, no.\nThe answer is 12 + 345 - 6 = 351.").unwrap();
        assert_eq!(s.numbers().unwrap(), ["12", "345", "6", "351"]);
        assert_eq!(s.ops().unwrap(), &b"+-"[..]);
        let s = last_equation("so - 12 + 3 = -15 = x").unwrap();
        assert_eq!(s.numbers().unwrap(), ["12", "3", "-15"]);
        assert_eq!(s.ops().unwrap(), &b"+"[..]);
        let long = format!("{}1 = 2", "1 + ".repeat(40));
        let s = last_equation(&long).unwrap();
        assert_eq!((s.len, s.numbers(), s.ops()), (42, None, None));
        assert!(last_equation("x = 5").is_none());
        assert!(last_equation(&"1+".repeat(50_000)).is_none());
    }

    #[test]
    fn send_more_money_has_one_solution() {
        // SEND + MORE = MONEY: 9567 + 1085 = 10652.
        let eq = Equation::from_numbers(&[9567, 1085, 10652], &['+']);
        assert_eq!(count_solutions(&eq, 2).0, 1);
        // AB + BA = CC has several (12 + 21 = 33, 13 + 31 = 44, ...).
        let eq = Equation::from_numbers(&[12, 21, 33], &['+']);
        assert_eq!(count_solutions(&eq, 2).0, 2);
    }

    #[test]
    fn judges_by_the_rules() {
        let mut puzzle = Board {
            words: [""; MAX_WORDS],
            ops: [0; MAX_WORDS],
            len: 3,
        };
        puzzle.words[..3].copy_from_slice(&["SEND", "MORE", "MONEY"]);
        puzzle.ops[0] = b'+';
        let judge_text = |t: &str| judge(&puzzle, &last_equation(t).unwrap());
        assert!(judge_text("The answer is 9567 + 1085 = 10652").is_correct());
        // True equation, but E and N both 0... letters not one to one.
        assert!(!judge_text("The answer is 1000 + 0000 = 1000").is_correct());
        assert!(!judge_text("The answer is 9567 + 1085 = 10653").is_correct());
        assert!(!judge_text("The answer is 9567 - 1085 = 8482").is_correct());
    }
}
