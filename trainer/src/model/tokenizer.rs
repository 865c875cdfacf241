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

    /// Ids outside the tokenizer's range are an error; invalid UTF-8 from bytes is replaced.
    pub fn decode(&self, ids: &[i64]) -> Result<String, ModelError> {
        match self {
            Tokenizer::Bytes => {
                let bytes = ids
                    .iter()
                    .map(|&i| {
                        u8::try_from(i)
                            .map_err(|_| ModelError::Tokenizer(format!("id {i} is not a byte")))
                    })
                    .collect::<Result<Vec<u8>, _>>()?;
                Ok(String::from_utf8_lossy(&bytes).into_owned())
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
