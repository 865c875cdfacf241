//! Size limits that bound the work of every verdict. An answer past a limit is `unparseable`, which
//! keeps a hostile response (`10^{10^{10}}`, thousands of nested braces) to microseconds.

/// Characters in one extracted answer.
pub const MAX_INPUT_CHARS: usize = 4_000;
/// Tokens in one answer.
pub const MAX_TOKENS: usize = 2_000;
/// Nesting depth of the parser (braces, parentheses, fractions, exponents).
pub const MAX_DEPTH: usize = 64;
/// Bits in any exact integer produced while evaluating (numerator or denominator).
pub const MAX_BITS: u64 = 1 << 16;
/// Largest `n` in `n!`.
pub const MAX_FACTORIAL: u64 = 3_000;
/// Elements of a set, tuple or matrix, and expansions of `\pm`.
pub const MAX_ELEMENTS: usize = 256;
