//! Progress of long commands (`hearth import`, `hearth export`, `hearth backup`): a bar with the
//! rate and time left on a terminal (indicatif), plain lines every few seconds otherwise (CI, logs),
//! all on stderr so that the commands' standard output stays what scripts read.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::time::{Duration, Instant};

/// How often a plain line is written when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// What a piece of work is measured in.
#[derive(Clone, Copy)]
enum Unit {
    Bytes,
    Rows,
}

/// The progress of one piece of work.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    unit: Unit,
    total: u64,
    done: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    /// Progress towards `total` bytes, shown as `label`.
    pub fn bytes(label: impl Into<String>, total: u64) -> Progress {
        Progress::new(label.into(), Unit::Bytes, total)
    }

    /// Progress towards `total` rows, shown as `label`.
    pub fn rows(label: impl Into<String>, total: u64) -> Progress {
        Progress::new(label.into(), Unit::Rows, total)
    }

    fn new(label: String, unit: Unit, total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let template = match unit {
                Unit::Bytes => {
                    "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left"
                }
                Unit::Rows => {
                    "{prefix} [{bar:30}] {human_pos}/{human_len} rows {per_sec}, {eta} left"
                }
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            let bar = ProgressBar::new(total).with_style(style);
            bar.set_prefix(label.clone());
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            label,
            unit,
            total,
            done: 0,
            started: now,
            last_line: now,
        }
    }

    /// The work turned out to be `total` (an estimate made once the work has begun).
    pub fn set_total(&mut self, total: u64) {
        self.total = total;
        // The rate is of the work itself, not of finding out how much there is.
        self.started = Instant::now();
        if let Some(bar) = &self.bar {
            bar.set_length(total);
        }
    }

    /// `done` so far.
    pub fn set(&mut self, done: u64) {
        self.done = done;
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            return;
        }
        if self.last_line.elapsed() >= PLAIN_EVERY {
            self.last_line = Instant::now();
            eprintln!("{}", self.line());
        }
    }

    /// `more` done since the last call.
    pub fn add(&mut self, more: u64) {
        self.set(self.done.saturating_add(more));
    }

    /// The plain line: how far, of how much, how fast, and how long is left.
    fn line(&self) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = self.done as f64 / seconds;
        let left = match self.total.checked_sub(self.done) {
            Some(left) if rate > 0.0 => format!(", about {:.0} s left", left as f64 / rate),
            _ => String::new(),
        };
        let percent = 100.0 * self.done as f64 / self.total.max(1) as f64;
        match self.unit {
            Unit::Bytes => format!(
                "{}: {} of {} bytes ({percent:.0}%), {:.1} MB/s{left}",
                self.label,
                self.done,
                self.total,
                rate / 1e6
            ),
            Unit::Rows => format!(
                "{}: {} of {} rows ({percent:.0}%), {rate:.0} rows/s{left}",
                self.label, self.done, self.total
            ),
        }
    }

    /// The work is done: the bar is cleared (the command prints its own summary).
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }

    /// `inner`, counting the bytes read from it into this progress.
    pub fn reader<R: Read>(self, inner: R) -> Reading<R> {
        Reading {
            inner,
            progress: self,
        }
    }
}

/// A reader whose bytes count into a [`Progress`]; dropping it finishes the progress.
pub struct Reading<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for Reading<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.progress.add(read as u64);
        Ok(read)
    }
}

impl<R> Drop for Reading<R> {
    fn drop(&mut self) {
        if let Some(bar) = &self.progress.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_line_says_how_far_how_fast_and_how_long_is_left() {
        let mut progress = Progress::rows("export", 1000);
        progress.add(250);
        let line = progress.line();
        assert!(
            line.starts_with("export: 250 of 1000 rows (25%), "),
            "{line}"
        );
        assert!(line.contains("rows/s, about "), "{line}");
        let bytes = Progress::bytes("import Client.csv", 0).line();
        assert!(
            bytes.starts_with("import Client.csv: 0 of 0 bytes (0%)"),
            "{bytes}"
        );
    }

    #[test]
    fn a_reader_counts_what_passes_through_it() {
        let mut reading = Progress::bytes("read", 5).reader(&b"hello"[..]);
        let mut text = String::new();
        reading.read_to_string(&mut text).expect("reads");
        assert_eq!((text.as_str(), reading.progress.done), ("hello", 5));
    }
}
