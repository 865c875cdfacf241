//! Chat messages to token ids and back: a plain-text template over the model's tokenizer.

use rlvr_envs::{Message, Role};

use crate::model::tokenizer::Tokenizer;
use crate::model::ModelError;

/// The template: `BOS`, then `<role>: <content>\n` per message, then `assistant: `; responses end
/// with the EOS token.
pub struct ChatFormat {
    pub tokenizer: Tokenizer,
    pub bos: Option<i64>,
    pub eos: i64,
}

impl ChatFormat {
    pub fn prompt_text(messages: &[Message]) -> String {
        let mut text = String::new();
        for m in messages {
            let role = match m.role {
                Role::System => "system",
                Role::User => "user",
                Role::Assistant => "assistant",
                Role::Tool => "tool",
            };
            text.push_str(role);
            text.push_str(": ");
            text.push_str(&m.content);
            text.push('\n');
        }
        text.push_str("assistant: ");
        text
    }

    pub fn encode_prompt(&self, messages: &[Message]) -> Result<Vec<i64>, ModelError> {
        let mut ids: Vec<i64> = self.bos.into_iter().collect();
        ids.extend(self.tokenizer.encode(&Self::prompt_text(messages))?);
        Ok(ids)
    }

    /// The target tokens of a reference response (for SFT): its text, then EOS.
    pub fn encode_response(&self, text: &str) -> Result<Vec<i64>, ModelError> {
        let mut ids = self.tokenizer.encode(text)?;
        ids.push(self.eos);
        Ok(ids)
    }

    /// The text of generated tokens, without the EOS that ended them.
    pub fn decode_response(&self, tokens: &[i64]) -> Result<String, ModelError> {
        let body = match tokens.last() {
            Some(&t) if t == self.eos => &tokens[..tokens.len() - 1],
            _ => tokens,
        };
        self.tokenizer.decode(body)
    }
}
