//! Progress of long commands (`hearth backup`): a bar with the rate and time left on a terminal
//! (indicatif), plain lines every few seconds otherwise (CI, logs), all on stderr so that the
//! commands' standard output stays what scripts read.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often a plain line is written when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// The progress of one piece of work measured in bytes.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: &'static str,
    total: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    /// Progress towards `total` bytes, shown as `label`.
    pub fn bytes(label: &'static str, total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(label);
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            label,
            total,
            started: now,
            last_line: now,
        }
    }

    /// `done` bytes so far.
    pub fn set(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            return;
        }
        if self.last_line.elapsed() >= PLAIN_EVERY {
            self.last_line = Instant::now();
            let seconds = self.started.elapsed().as_secs_f64().max(0.001);
            eprintln!(
                "{}: {} of {} bytes ({:.0}%), {:.1} MB/s",
                self.label,
                done,
                self.total,
                100.0 * done as f64 / self.total.max(1) as f64,
                done as f64 / seconds / 1e6
            );
        }
    }

    /// The work is done: the bar is cleared (the command prints its own summary).
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
