//! LiveCodeBench's compressed private tests: base64 of zlib of a Python pickle of one JSON string.
//!
//! Only what `pickle.dumps(str)` writes is accepted (protocols 0 to 5: PROTO, FRAME, one unicode
//! opcode, memo opcodes, STOP); anything else is an error, never evaluated.

use std::io::Read;

use base64::Engine;

/// Decodes `base64(zlib(pickle(str)))` into the string.
pub fn decode_compressed_string(text: &str) -> Result<String, String> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(text.trim().as_bytes())
        .map_err(|e| format!("not base64: {e}"))?;
    let mut inflated = Vec::new();
    flate2::read::ZlibDecoder::new(raw.as_slice())
        .take(1 << 30)
        .read_to_end(&mut inflated)
        .map_err(|e| format!("not zlib: {e}"))?;
    unpickle_str(&inflated)
}

/// The string of a pickle holding exactly one `str`.
pub fn unpickle_str(data: &[u8]) -> Result<String, String> {
    let mut pos = 0usize;
    let mut value: Option<String> = None;
    let take = |pos: &mut usize, n: usize| -> Result<&[u8], String> {
        let end = pos
            .checked_add(n)
            .filter(|&e| e <= data.len())
            .ok_or("pickle is truncated")?;
        let s = &data[*pos..end];
        *pos = end;
        Ok(s)
    };
    let utf8 = |b: &[u8]| {
        String::from_utf8(b.to_vec()).map_err(|_| "pickled string is not UTF-8".to_owned())
    };
    loop {
        let op = *take(&mut pos, 1)?.first().ok_or("pickle is truncated")?;
        match op {
            0x80 => {
                take(&mut pos, 1)?; // PROTO n
            }
            0x95 => {
                take(&mut pos, 8)?; // FRAME length
            }
            0x8c => {
                // SHORT_BINUNICODE
                let n = take(&mut pos, 1)?[0] as usize;
                value = Some(utf8(take(&mut pos, n)?)?);
            }
            b'X' => {
                // BINUNICODE
                let n =
                    u32::from_le_bytes(take(&mut pos, 4)?.try_into().expect("4 bytes")) as usize;
                value = Some(utf8(take(&mut pos, n)?)?);
            }
            0x8d => {
                // BINUNICODE8
                let n = u64::from_le_bytes(take(&mut pos, 8)?.try_into().expect("8 bytes"));
                let n = usize::try_from(n).map_err(|_| "pickled string too long")?;
                value = Some(utf8(take(&mut pos, n)?)?);
            }
            0x94 => {} // MEMOIZE
            b'q' => {
                take(&mut pos, 1)?; // BINPUT
            }
            b'r' => {
                take(&mut pos, 4)?; // LONG_BINPUT
            }
            b'.' => {
                return value.ok_or_else(|| "pickle holds no string".to_owned());
            }
            other => {
                return Err(format!(
                    "unsupported pickle opcode 0x{other:02x} at byte {}",
                    pos - 1
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_protocol_4_and_rejects_other_objects() {
        // pickle.dumps("[1]", protocol=4)
        let p4 = b"\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00\x8c\x03[1]\x94.";
        assert_eq!(unpickle_str(p4).unwrap(), "[1]");
        // pickle.dumps("ab", protocol=2)
        let p2 = b"\x80\x02X\x02\x00\x00\x00abq\x00.";
        assert_eq!(unpickle_str(p2).unwrap(), "ab");
        // pickle.dumps([1], protocol=2) is a list, not a string.
        assert!(unpickle_str(b"\x80\x02]q\x00K\x01a.").is_err());
        assert!(unpickle_str(b"\x80\x04\x8c\x05ab").is_err());
    }
}
