//! A crossword filler: puts the given across and down words into a layout's slots so crossings
//! agree, to measure an instance's difficulty. Depth-first; at each step it fills the open slot with
//! the fewest words that still fit.

/// One slot: first cell, direction and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub row: usize,
    pub col: usize,
    pub across: bool,
    pub len: usize,
}

impl Slot {
    fn cell(&self, k: usize) -> (usize, usize) {
        if self.across {
            (self.row, self.col + k)
        } else {
            (self.row + k, self.col)
        }
    }
}

struct Filler<'a> {
    slots: &'a [Slot],
    across: &'a [&'a [u8]],
    down: &'a [&'a [u8]],
    letters: Vec<Vec<Option<u8>>>,
    filled: Vec<bool>,
    used_across: Vec<bool>,
    used_down: Vec<bool>,
    nodes: u64,
    budget: u64,
}

impl Filler<'_> {
    fn fits(&self, slot: &Slot, word: &[u8]) -> bool {
        word.len() == slot.len
            && word.iter().enumerate().all(|(k, &l)| {
                let (r, c) = slot.cell(k);
                self.letters[r][c].is_none_or(|x| x == l)
            })
    }

    /// Word indices (into the slot's direction list) that fit `slot` now.
    fn options(&self, slot: &Slot) -> Vec<usize> {
        let (words, used) = if slot.across {
            (self.across, &self.used_across)
        } else {
            (self.down, &self.used_down)
        };
        (0..words.len())
            .filter(|&w| !used[w] && self.fits(slot, words[w]))
            .collect()
    }

    fn go(&mut self) -> bool {
        let mut best: Option<(usize, Vec<usize>)> = None;
        for s in 0..self.slots.len() {
            if self.filled[s] {
                continue;
            }
            let options = self.options(&self.slots[s]);
            if best.as_ref().is_none_or(|(_, b)| options.len() < b.len()) {
                let dead = options.is_empty();
                best = Some((s, options));
                if dead {
                    return false;
                }
            }
        }
        let Some((s, options)) = best else {
            return true;
        };
        let slot = self.slots[s];
        for w in options {
            self.nodes += 1;
            if self.nodes > self.budget {
                return true;
            }
            let word = if slot.across {
                self.across[w]
            } else {
                self.down[w]
            };
            let mut written = Vec::new();
            for (k, &l) in word.iter().enumerate() {
                let (r, c) = slot.cell(k);
                if self.letters[r][c].is_none() {
                    self.letters[r][c] = Some(l);
                    written.push((r, c));
                }
            }
            self.filled[s] = true;
            if slot.across {
                self.used_across[w] = true;
            } else {
                self.used_down[w] = true;
            }
            if self.go() {
                return true;
            }
            self.filled[s] = false;
            if slot.across {
                self.used_across[w] = false;
            } else {
                self.used_down[w] = false;
            }
            for (r, c) in written {
                self.letters[r][c] = None;
            }
        }
        false
    }
}

/// Word placements tried until the first complete fill of an n x n layout (at most `budget`).
pub fn fill_nodes(n: usize, slots: &[Slot], across: &[&[u8]], down: &[&[u8]], budget: u64) -> u64 {
    let mut filler = Filler {
        slots,
        across,
        down,
        letters: vec![vec![None; n]; n],
        filled: vec![false; slots.len()],
        used_across: vec![false; across.len()],
        used_down: vec![false; down.len()],
        nodes: 0,
        budget,
    };
    filler.go();
    filler.nodes.min(budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_a_small_cross() {
        // "cat" across on row 0, "cow" down from (0, 0).
        let slots = [
            Slot {
                row: 0,
                col: 0,
                across: true,
                len: 3,
            },
            Slot {
                row: 0,
                col: 0,
                across: false,
                len: 3,
            },
        ];
        assert_eq!(fill_nodes(3, &slots, &[b"cat"], &[b"cow"], 100), 2);
    }
}
