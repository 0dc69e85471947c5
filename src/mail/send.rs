//! The one SMTP loop: `duban mail --send` and `duban collect --reply --send` both deliver
//! through [`deliver`].
//!
//! One connection, tried (connected, secured, logged in) before the first message: a wrong
//! password or an untrusted certificate would fail every message alike, so it is said once
//! and nothing is sent. Then each message in turn, at most `rate` a minute, with a
//! `sending` line in the sent log before it goes and a `sent`, `failed` or `uncertain`
//! line after ([`super::log`]): a failure for one recipient is recorded and the run goes
//! on. `uncertain` is a connection that broke after the message went, before the server
//! answered ([`super::smtp::Link::send`]): the message may have arrived, so no rerun
//! sends it again unless the office says so.

use std::path::Path;
use std::time::{Duration, Instant};

use super::log::{self, Entry, Outcome};
use super::message::Draft;
use super::smtp::{self, SendFailure, Settings};
use super::MailError;

/// Sends `drafts` in order and records every attempt in `outbox`'s sent log; `each` hears
/// of every message as soon as the server answered. Returns each message's result.
///
/// # Errors
/// [`MailError::Smtp`] (settings, CA file), [`MailError::Connect`] (nothing was sent),
/// [`MailError::Build`] and [`MailError::SentLog`] (sending stopped there, the log true).
pub fn deliver(
    drafts: &[&Draft],
    outbox: &Path,
    settings: &Settings,
    password: Option<String>,
    mut each: impl FnMut(&Draft, &Result<(), SendFailure>),
) -> Result<Vec<Result<(), SendFailure>>, MailError> {
    if drafts.is_empty() {
        return Ok(Vec::new());
    }
    let link = smtp::link(settings, password)?;
    if let Err(e) = link.test() {
        let (reason, detail) = smtp::describe(&e);
        return Err(MailError::Connect {
            host: settings.host.clone(),
            port: settings.port,
            security: settings.security.name(),
            reason,
            detail,
        });
    }
    let mut pacer = Pacer::new(settings.rate);
    let mut results = Vec::with_capacity(drafts.len());
    for d in drafts {
        let msg = d.build().map_err(|e| MailError::Build {
            recipient: d.recipient.clone(),
            message: e.to_string(),
        })?;
        pacer.wait();
        log::record(outbox, &Entry::of(d, Outcome::Sending, String::new()))?;
        let result = link.send(&msg);
        let line = match &result {
            Ok(()) => Entry::of(d, Outcome::Sent, String::new()),
            Err(e) if e.uncertain => Entry::of(d, Outcome::Uncertain, e.to_string()),
            Err(e) => Entry::of(d, Outcome::Failed, e.to_string()),
        };
        log::record(outbox, &line)?;
        each(d, &result);
        results.push(result);
    }
    Ok(results)
}

/// Keeps messages at least `60 / rate` seconds apart, counted from the start of one
/// message to the start of the next.
struct Pacer {
    gap: Option<Duration>,
    last: Option<Instant>,
}

impl Pacer {
    fn new(rate: u32) -> Pacer {
        Pacer {
            gap: (rate > 0).then(|| Duration::from_secs_f64(60.0 / f64::from(rate))),
            last: None,
        }
    }

    /// Sleeps what is left of the gap, then marks the start of a message.
    fn wait(&mut self) {
        if let (Some(gap), Some(last)) = (self.gap, self.last) {
            std::thread::sleep(remaining(gap, last.elapsed()));
        }
        self.last = Some(Instant::now());
    }
}

/// What is left of `gap` after `elapsed`: nothing once it has passed. The clock is read
/// once by the caller; reading it again between the test and the subtraction let the
/// difference go below zero and panic.
fn remaining(gap: Duration, elapsed: Duration) -> Duration {
    gap.saturating_sub(elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `gap - t.elapsed()` after `t.elapsed() < gap` read the clock twice and
    /// panicked ("overflow when subtracting durations") when the gap passed in between.
    #[test]
    fn a_gap_already_passed_leaves_nothing_to_wait() {
        let gap = Duration::from_millis(3000);
        assert_eq!(remaining(gap, Duration::from_millis(3001)), Duration::ZERO);
        assert_eq!(remaining(gap, gap), Duration::ZERO);
        assert_eq!(
            remaining(gap, Duration::from_millis(1000)),
            Duration::from_millis(2000)
        );
        let mut p = Pacer::new(0);
        p.wait();
        p.wait();
        assert!(p.gap.is_none() && p.last.is_some());
    }
}
