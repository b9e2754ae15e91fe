//! All progress-bar code: a bar on stderr when it is a terminal, hidden otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar over input bytes that also counts documents.
pub struct Progress {
    bar: ProgressBar,
    docs: u64,
}

impl Progress {
    /// Whether a bar is drawn: not when `quiet`, nor when stderr is not a terminal.
    pub fn shown(quiet: bool) -> bool {
        !quiet && std::io::stderr().is_terminal()
    }

    /// A bar for `total_bytes` (0 when unknown, e.g. stdin); hidden when `quiet`
    /// or when stderr is not a terminal.
    pub fn new(total_bytes: u64, quiet: bool) -> Self {
        let visible = Self::shown(quiet);
        let bar = if !visible {
            ProgressBar::hidden()
        } else if total_bytes > 0 {
            let bar =
                ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {decimal_bytes} {decimal_bytes_per_sec} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        };
        Progress { bar, docs: 0 }
    }

    /// One more document of `bytes` input bytes is done.
    pub fn document(&mut self, bytes: u64) {
        self.docs += 1;
        self.bar.inc(bytes);
        if self.docs.is_multiple_of(64) {
            self.bar.set_message(format!("{} docs", self.docs));
        }
    }

    /// Prints a line above the bar (or plainly when hidden).
    pub fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            super::say(format_args!("{line}"));
        } else {
            self.bar.println(line);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
