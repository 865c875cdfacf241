//! The word list (`synlogic/data/words.txt`, built from Debian's wamerican by
//! `scripts/synlogic-words.sh`), embedded so generation is the same on every machine, with an index
//! for pattern queries ("5 letters, 'a' second").

use std::sync::OnceLock;

/// The shortest and longest word lengths in the list.
pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 8;

static WORDS_TEXT: &str = include_str!("../../../data/words.txt");

/// The words grouped by length, with per-(length, position, letter) id lists.
pub struct Dictionary {
    by_len: Vec<Vec<&'static [u8]>>,
    /// `with_letter[len][pos][letter]`: ids (into `by_len[len]`) of words with that letter there.
    with_letter: Vec<Vec<Vec<Vec<u32>>>>,
}

impl Dictionary {
    fn build() -> Self {
        let mut by_len: Vec<Vec<&'static [u8]>> = vec![Vec::new(); MAX_LEN + 1];
        for word in WORDS_TEXT.lines() {
            let bytes = word.as_bytes();
            if (MIN_LEN..=MAX_LEN).contains(&bytes.len())
                && bytes.iter().all(u8::is_ascii_lowercase)
            {
                by_len[bytes.len()].push(bytes);
            }
        }
        let with_letter = by_len
            .iter()
            .enumerate()
            .map(|(len, words)| {
                let mut table = vec![vec![Vec::new(); 26]; len];
                for (id, word) in words.iter().enumerate() {
                    for (pos, &b) in word.iter().enumerate() {
                        table[pos][usize::from(b - b'a')].push(id as u32);
                    }
                }
                table
            })
            .collect();
        Dictionary {
            by_len,
            with_letter,
        }
    }

    /// The words of `len` letters.
    pub fn of_len(&self, len: usize) -> &[&'static [u8]] {
        self.by_len.get(len).map_or(&[], Vec::as_slice)
    }

    /// The words matching `pattern` (`Some(letter)` fixed, `None` free), in list order.
    pub fn matching(&self, pattern: &[Option<u8>]) -> Vec<&'static [u8]> {
        let len = pattern.len();
        let words = self.of_len(len);
        let fixed: Vec<(usize, u8)> = pattern
            .iter()
            .enumerate()
            .filter_map(|(pos, l)| l.map(|l| (pos, l)))
            .filter(|&(_, l)| l.is_ascii_lowercase())
            .collect();
        let Some(&(pos, letter)) = fixed
            .iter()
            .min_by_key(|&&(pos, l)| self.with_letter[len][pos][usize::from(l - b'a')].len())
        else {
            return words.to_vec();
        };
        self.with_letter[len][pos][usize::from(letter - b'a')]
            .iter()
            .map(|&id| words[id as usize])
            .filter(|w| fixed.iter().all(|&(p, l)| w[p] == l))
            .collect()
    }
}

/// The embedded dictionary, indexed on first use.
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(Dictionary::build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_embedded_and_queryable() {
        let dict = dictionary();
        assert!(dict.of_len(3).len() > 500 && dict.of_len(8).len() > 3_000);
        let cats = dict.matching(&[Some(b'c'), Some(b'a'), None]);
        assert!(cats.contains(&&b"cat"[..]));
        assert!(cats.iter().all(|w| w.starts_with(b"ca") && w.len() == 3));
    }
}
