//! A JSON array of records, streamed one element at a time.
//!
//! serde_json can only hand a whole array to a visitor, which would either hold every record in memory
//! or take control of the loop. Instead a small scanner finds where each element starts and ends
//! (tracking strings, escapes and nesting only), and serde_json then decodes that element's bytes.
//! Memory use is one element, whatever the file's size.

use crate::decode::{record_from_slice, Origin};
use crate::error::Location;
use crate::DatasetError;
use serde::de::DeserializeOwned;
use std::io::{BufRead, Bytes};
use std::iter::Peekable;
use std::marker::PhantomData;
use std::path::PathBuf;

/// Yields the elements of a JSON array lazily. An element that does not fit `T` gives an error and
/// reading goes on; a break in the array's structure (or an I/O error) gives an error and ends it.
pub(crate) struct JsonArrayReader<R: BufRead, T> {
    path: PathBuf,
    bytes: Peekable<Bytes<R>>,
    /// 1-based line and column of the next byte.
    line: u64,
    column: u64,
    state: State,
    next_index: u64,
    element: Vec<u8>,
    /// An error found after the last element (text after `]`), yielded after that element.
    pending_error: Option<DatasetError>,
    record_type: PhantomData<fn() -> T>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Start,
    /// After `[` or after a `,`: an element (or, right after `[`, the closing `]`) comes next.
    BeforeElement { after_comma: bool },
    /// The array is closed or broken; nothing more to yield.
    Done,
}

/// How an element's scan ended.
enum ElementEnd {
    /// A `,` follows: more elements come.
    Comma,
    /// The closing `]` follows.
    Close,
}

impl<R: BufRead, T: DeserializeOwned> JsonArrayReader<R, T> {
    pub(crate) fn new(path: PathBuf, source: R) -> Self {
        JsonArrayReader {
            path,
            bytes: source.bytes().peekable(),
            line: 1,
            column: 1,
            state: State::Start,
            next_index: 0,
            element: Vec::new(),
            pending_error: None,
            record_type: PhantomData,
        }
    }

    fn here(&self) -> Location {
        Location::Element {
            index: self.next_index,
            line: self.line,
            column: self.column,
        }
    }

    fn structure_error(&mut self, message: impl Into<String>) -> DatasetError {
        self.state = State::Done;
        DatasetError::InvalidJson {
            path: self.path.clone(),
            location: self.here(),
            message: message.into(),
        }
    }

    /// The next byte, or `None` at the end of the file; keeps line and column up to date.
    fn advance(&mut self) -> Result<Option<u8>, DatasetError> {
        match self.bytes.next() {
            None => Ok(None),
            Some(Err(err)) => {
                self.state = State::Done;
                Err(DatasetError::io(&self.path, err))
            }
            Some(Ok(byte)) => {
                if byte == b'\n' {
                    self.line += 1;
                    self.column = 1;
                } else {
                    self.column += 1;
                }
                Ok(Some(byte))
            }
        }
    }

    /// The next byte without consuming it; `None` at the end of the file or on an I/O error, which
    /// the following [`Self::advance`] then reports.
    fn peek(&mut self) -> Option<u8> {
        match self.bytes.peek() {
            Some(Ok(byte)) => Some(*byte),
            _ => None,
        }
    }

    /// Skips whitespace (and a UTF-8 byte-order mark at the very start).
    fn skip_whitespace(&mut self) -> Result<(), DatasetError> {
        while let Some(byte) = self.peek() {
            let is_bom_start = byte == 0xEF && self.line == 1 && self.column == 1;
            if !(byte.is_ascii_whitespace() || is_bom_start) {
                break;
            }
            self.advance()?;
            if is_bom_start {
                for expected in [0xBB, 0xBF] {
                    if self.advance()? != Some(expected) {
                        return Err(self.structure_error(
                            "the file starts with an incomplete byte-order mark",
                        ));
                    }
                }
                self.column = 1;
            }
        }
        Ok(())
    }

    /// Collects the bytes of one element into `self.element`, consuming the `,` or `]` after it.
    fn scan_element(&mut self) -> Result<ElementEnd, DatasetError> {
        self.element.clear();
        let mut depth: usize = 0;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let Some(byte) = self.advance()? else {
                return Err(
                    self.structure_error("the file ends before the array is closed with `]`")
                );
            };
            if in_string {
                match (escaped, byte) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                self.element.push(byte);
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth > 0 => depth -= 1,
                b']' => return Ok(ElementEnd::Close),
                b',' if depth == 0 => return Ok(ElementEnd::Comma),
                b'}' => return Err(self.structure_error("unexpected `}` outside any object")),
                _ => {}
            }
            self.element.push(byte);
        }
    }

    /// After the closing `]` only whitespace may follow.
    fn expect_end_of_file(&mut self) -> Result<(), DatasetError> {
        self.skip_whitespace()?;
        match self.advance()? {
            None => Ok(()),
            Some(_) => {
                Err(self.structure_error("unexpected text after the closing `]` of the array"))
            }
        }
    }

    fn next_record(&mut self) -> Option<Result<T, DatasetError>> {
        if let Some(err) = self.pending_error.take() {
            return Some(Err(err));
        }
        loop {
            match self.state {
                State::Done => return None,
                State::Start => {
                    if let Err(err) = self.skip_whitespace() {
                        return Some(Err(err));
                    }
                    match self.advance() {
                        Ok(Some(b'[')) => self.state = State::BeforeElement { after_comma: false },
                        Ok(_) => {
                            return Some(Err(
                                self.structure_error("expected a JSON array starting with `[`")
                            ))
                        }
                        Err(err) => return Some(Err(err)),
                    }
                }
                State::BeforeElement { after_comma } => {
                    if let Err(err) = self.skip_whitespace() {
                        return Some(Err(err));
                    }
                    if self.peek() == Some(b']') {
                        if after_comma {
                            return Some(Err(self.structure_error(
                                "a `,` followed by `]`: expected another element",
                            )));
                        }
                        // Consume `]`, then check that nothing but whitespace follows.
                        if let Err(err) = self.advance() {
                            return Some(Err(err));
                        }
                        self.state = State::Done;
                        return self.expect_end_of_file().err().map(Err);
                    }
                    return Some(self.read_element());
                }
            }
        }
    }

    fn read_element(&mut self) -> Result<T, DatasetError> {
        let origin = Origin::Element {
            index: self.next_index,
            line: self.line,
            column: self.column,
        };
        let end = self.scan_element()?;
        if self.element.iter().all(u8::is_ascii_whitespace) {
            return Err(self.structure_error("expected an element, found none"));
        }
        self.next_index += 1;
        let record = record_from_slice(&self.path, origin, &self.element);
        match end {
            ElementEnd::Comma => self.state = State::BeforeElement { after_comma: true },
            ElementEnd::Close => {
                self.state = State::Done;
                // Text after the closing `]` is reported after the last element.
                self.pending_error = self.expect_end_of_file().err();
            }
        }
        record
    }
}

impl<R: BufRead, T: DeserializeOwned> Iterator for JsonArrayReader<R, T> {
    type Item = Result<T, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}
