//! A per-thread scratch buffer for building a generated text before it is kept: the text is written
//! there, then copied into a `String` of exactly its length. One allocation per kept text, with no
//! over-estimated capacity to shrink afterwards (a `realloc`, and a hole next to every held record).

use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<String> = RefCell::new(String::with_capacity(4096));
}

/// The text `write` appends to an empty buffer, as a `String` of exactly its length.
pub fn build(write: impl FnOnce(&mut String)) -> String {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            write(&mut buf);
            String::from(buf.as_str())
        }
        // Only when `write` itself builds a text: use a buffer of its own.
        Err(_) => {
            let mut own = String::new();
            write(&mut own);
            own.shrink_to_fit();
            own
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_exact_texts_even_when_nested() {
        let text = build(|out| {
            out.push('a');
            let inner = build(|o| o.push_str("bc"));
            out.push_str(&inner);
        });
        assert_eq!(text, "abc");
        assert_eq!(text.capacity(), 3);
        assert_eq!(build(|_| {}), "");
    }
}
