//! Text ↔ token ids: the checkpoint's `tokenizer.json` when it has one, else bytes (id = byte value).

use std::path::Path;

use super::error::ModelError;

pub enum Tokenizer {
    /// A HuggingFace `tokenizer.json`.
    Hf(Box<tokenizers::Tokenizer>),
    /// One token per UTF-8 byte, ids 0..=255.
    Bytes,
}

impl Tokenizer {
    /// `dir/tokenizer.json` if present, else byte-level.
    pub fn for_checkpoint(dir: &Path) -> Result<Self, ModelError> {
        let path = dir.join("tokenizer.json");
        if !path.exists() {
            return Ok(Tokenizer::Bytes);
        }
        tokenizers::Tokenizer::from_file(&path)
            .map(|t| Tokenizer::Hf(Box::new(t)))
            .map_err(|e| ModelError::Tokenizer(format!("{}: {e}", path.display())))
    }

    pub fn encode(&self, text: &str) -> Result<Vec<i64>, ModelError> {
        match self {
            Tokenizer::Bytes => Ok(text.bytes().map(i64::from).collect()),
            Tokenizer::Hf(t) => t
                .encode(text, false)
                .map(|e| e.get_ids().iter().map(|&i| i64::from(i)).collect())
                .map_err(|e| ModelError::Tokenizer(e.to_string())),
        }
    }

    /// Decodes generated ids. Byte-level: invalid UTF-8, and ids that are no byte (a checkpoint
    /// whose vocabulary is larger than 256 without a `tokenizer.json`), become U+FFFD, so a model's
    /// odd output is scored as text rather than ending the run. HF: negative ids are an error.
    pub fn decode(&self, ids: &[i64]) -> Result<String, ModelError> {
        match self {
            Tokenizer::Bytes => {
                let mut text = String::new();
                for run in ids.split(|&i| u8::try_from(i).is_err()) {
                    let bytes: Vec<u8> = run.iter().map(|&i| i as u8).collect();
                    text.push_str(&String::from_utf8_lossy(&bytes));
                    text.push(char::REPLACEMENT_CHARACTER);
                }
                text.pop(); // the separator after the last run
                Ok(text)
            }
            Tokenizer::Hf(t) => {
                let ids = ids
                    .iter()
                    .map(|&i| {
                        u32::try_from(i)
                            .map_err(|_| ModelError::Tokenizer(format!("id {i} is negative")))
                    })
                    .collect::<Result<Vec<u32>, _>>()?;
                t.decode(&ids, false)
                    .map_err(|e| ModelError::Tokenizer(e.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_odd_ids_become_replacement_characters() {
        let t = Tokenizer::Bytes;
        let ids = t.encode("héllo").unwrap();
        assert_eq!(t.decode(&ids).unwrap(), "héllo");
        assert_eq!(t.decode(&[104, 19513, 105]).unwrap(), "h\u{fffd}i");
        assert_eq!(t.decode(&[-1]).unwrap(), "\u{fffd}");
        assert_eq!(t.decode(&[]).unwrap(), "");
        // A lone continuation byte is invalid UTF-8: replaced, not an error.
        assert_eq!(t.decode(&[0x80, 65]).unwrap(), "\u{fffd}A");
    }
}
