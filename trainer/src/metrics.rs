//! Metrics: one JSON object per line in `RUN_DIR/metrics.jsonl`, flushed after every step.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

pub const METRICS_FILE: &str = "metrics.jsonl";

pub struct MetricsWriter {
    path: PathBuf,
    file: File,
    lines: u64,
}

impl MetricsWriter {
    /// Opens `out_dir/metrics.jsonl`, keeping only its first `keep_lines` lines (those of the steps a
    /// resumed checkpoint covers), so a resumed run continues the same curve without duplicates.
    pub fn open(out_dir: &Path, keep_lines: u64) -> std::io::Result<Self> {
        std::fs::create_dir_all(out_dir)?;
        let path = out_dir.join(METRICS_FILE);
        if path.exists() {
            let kept: Vec<String> = BufReader::new(File::open(&path)?)
                .lines()
                .take(keep_lines as usize)
                .collect::<Result<_, _>>()?;
            let mut tmp = tempfile::NamedTempFile::new_in(out_dir)?;
            for line in &kept {
                writeln!(tmp, "{line}")?;
            }
            tmp.persist(&path).map_err(|e| e.error)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let lines = BufReader::new(File::open(&path)?).lines().count() as u64;
        Ok(MetricsWriter { path, file, lines })
    }

    pub fn write(&mut self, record: &Value) -> std::io::Result<()> {
        writeln!(self.file, "{record}")?;
        self.file.flush()?;
        self.lines += 1;
        Ok(())
    }

    pub fn lines(&self) -> u64 {
        self.lines
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads every record of a metrics file (for plots and tests).
pub fn read(path: &Path) -> std::io::Result<Vec<Value>> {
    BufReader::new(File::open(path)?)
        .lines()
        .map(|l| {
            l.and_then(|l| {
                serde_json::from_str(&l)
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })
        })
        .collect()
}
