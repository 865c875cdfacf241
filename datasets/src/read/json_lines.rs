//! JSON Lines: one record per line, read one line at a time.

use crate::decode::{record_from_slice, Origin};
use crate::DatasetError;
use serde::de::DeserializeOwned;
use std::io::BufRead;
use std::marker::PhantomData;
use std::path::PathBuf;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Yields the records of a JSON Lines file lazily. Blank lines are skipped; a bad line gives an
/// error and reading goes on with the next line; an I/O error ends the stream.
pub(crate) struct JsonLinesReader<R, T> {
    path: PathBuf,
    source: R,
    line_number: u64,
    line: Vec<u8>,
    finished: bool,
    record_type: PhantomData<fn() -> T>,
}

impl<R: BufRead, T: DeserializeOwned> JsonLinesReader<R, T> {
    pub(crate) fn new(path: PathBuf, source: R) -> Self {
        JsonLinesReader {
            path,
            source,
            line_number: 0,
            line: Vec::new(),
            finished: false,
            record_type: PhantomData,
        }
    }
}

impl<R: BufRead, T: DeserializeOwned> Iterator for JsonLinesReader<R, T> {
    type Item = Result<T, DatasetError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            self.line.clear();
            match self.source.read_until(b'\n', &mut self.line) {
                Ok(0) => self.finished = true,
                Ok(_) => {
                    self.line_number += 1;
                    let mut text = self.line.as_slice();
                    if self.line_number == 1 {
                        text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
                    }
                    if text.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(record_from_slice(
                        &self.path,
                        Origin::Line(self.line_number),
                        text,
                    ));
                }
                Err(err) => {
                    self.finished = true;
                    return Some(Err(DatasetError::io(&self.path, err)));
                }
            }
        }
        None
    }
}
