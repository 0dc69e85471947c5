//! What a run tells the clerk as it goes, on stdout.
//!
//! Other commands end quietly when stdout is closed (`duban … | head`): they have done
//! nothing the clerk has not seen. A run that sends mail or collects it must not stop
//! half-way because nobody reads the rest of its table: it goes on, silently, and its logs
//! (the sent log, the receipts) stay true. The exit status stays the sending's.
use std::cell::Cell;
use std::io::Write;

/// stdout, until it is closed.
#[derive(Debug, Default)]
pub struct Console {
    closed: Cell<bool>,
}

impl Console {
    pub fn new() -> Console {
        Console::default()
    }

    /// Prints `text`, any control character but line breaks written out (a subject's
    /// `ESC [2J` must not clear the screen, [`crate::untrusted::shown_lines`]); after stdout
    /// was found closed, drops it.
    pub fn say(&self, text: &str) {
        if self.closed.get() {
            return;
        }
        let text = crate::untrusted::shown_lines(text);
        let mut stdout = std::io::stdout().lock();
        if stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
            .is_err()
        {
            self.closed.set(true);
        }
    }

    /// Whether some of what was said was lost.
    pub fn closed(&self) -> bool {
        self.closed.get()
    }
}
