//! What the wordscapes verifier reads from a record, in one allocation.
//!
//! A verifier run touches every part of it, so the parts are laid end to end: a record kept in
//! memory (the typed gold of a generated instance) is read from a few adjacent cache lines instead
//! of four vectors scattered over the heap among thousands of other records.

/// The layout's rows (possibly ragged) stored one after the other, and the words, lowercased.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Board {
    /// The counts (`HEADER`: rows, cells, words, across words), the row starts (`rows + 1`), each
    /// cell's letter flag (0 or 1), each word's (start, end) in the characters that follow, then
    /// every word's characters one after the other. Counts included, so a read starts with one
    /// pointer to follow.
    data: Box<[u32]>,
}

/// The counts at the start of [`Board::data`].
const HEADER: usize = 4;

/// The parts of a [`Board`] as they are read, before they are laid out.
#[derive(Debug, Default)]
pub(super) struct Parts {
    /// `row_start[r]..row_start[r + 1]` are row r's cells in `letter` (and in an answer's cells).
    pub row_start: Vec<usize>,
    /// Whether each cell takes a letter.
    pub letter: Vec<bool>,
    /// Every word's characters, one after the other; `spans[w]` is word w's range.
    pub chars: Vec<char>,
    pub spans: Vec<(usize, usize)>,
    pub across: usize,
}

/// An offset or count as stored: a record's layout is at most 64 x 64 cells and its words are
/// read from memory, far below `u32::MAX` characters.
fn word32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Board {
    pub(super) fn new(parts: &Parts) -> Board {
        let rows = parts.row_start.len().saturating_sub(1);
        let (cells, words) = (parts.letter.len(), parts.spans.len());
        let mut data = Vec::with_capacity(
            HEADER + parts.row_start.len() + cells + 2 * words + parts.chars.len(),
        );
        data.extend([rows, cells, words, parts.across].map(word32));
        data.extend(parts.row_start.iter().map(|&s| word32(s)));
        data.extend(parts.letter.iter().map(|&l| u32::from(l)));
        for &(a, b) in &parts.spans {
            data.extend([word32(a), word32(b)]);
        }
        data.extend(parts.chars.iter().map(|&c| u32::from(c)));
        Board {
            data: data.into_boxed_slice(),
        }
    }

    pub(super) fn rows(&self) -> usize {
        self.data[0] as usize
    }

    pub(super) fn cells(&self) -> usize {
        self.data[1] as usize
    }

    pub(super) fn word_count(&self) -> usize {
        self.data[2] as usize
    }

    /// Words `..across()` are the across words, the rest the down words.
    pub(super) fn across(&self) -> usize {
        self.data[3] as usize
    }

    /// The first cell of row `r` (`r` up to `rows()`, where it is the cell count).
    pub(super) fn row_start(&self, r: usize) -> usize {
        self.data[HEADER + r] as usize
    }

    /// Whether cell `k` takes a letter.
    pub(super) fn letter(&self, k: usize) -> bool {
        self.data[HEADER + self.rows() + 1 + k] != 0
    }

    /// The index of cell (r, c) when the row has that column.
    pub(super) fn at(&self, r: usize, c: usize) -> Option<usize> {
        if r >= self.rows() {
            return None;
        }
        let (start, end) = (self.row_start(r), self.row_start(r + 1));
        (c < end - start).then_some(start + c)
    }

    /// Word w's characters (as `u32` codes, like an answer's cells).
    pub(super) fn word(&self, w: usize) -> &[u32] {
        let spans = HEADER + self.rows() + 1 + self.cells();
        let (a, b) = (self.data[spans + 2 * w], self.data[spans + 2 * w + 1]);
        let chars = &self.data[spans + 2 * self.word_count()..];
        &chars[a as usize..b as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_its_parts() {
        let parts = Parts {
            row_start: vec![0, 3, 3, 4],
            letter: vec![true, false, true, true],
            chars: "catédog".chars().collect(),
            spans: vec![(0, 4), (4, 4), (4, 7)],
            across: 2,
        };
        let board = Board::new(&parts);
        assert_eq!((board.rows(), board.cells(), board.word_count()), (3, 4, 3));
        assert_eq!(board.across(), 2);
        assert_eq!(
            (0..=3).map(|r| board.row_start(r)).collect::<Vec<_>>(),
            [0, 3, 3, 4]
        );
        assert_eq!(
            (0..4).map(|k| board.letter(k)).collect::<Vec<_>>(),
            parts.letter
        );
        let word = |w| -> String {
            board
                .word(w)
                .iter()
                .filter_map(|&c| char::from_u32(c))
                .collect()
        };
        assert_eq!([word(0), word(1), word(2)], ["caté", "", "dog"]);
        assert_eq!(board.at(0, 2), Some(2));
        assert_eq!(board.at(0, 3), None);
        assert_eq!(board.at(1, 0), None);
        assert_eq!(board.at(2, 0), Some(3));
        assert_eq!(board.at(3, 0), None);
    }
}
