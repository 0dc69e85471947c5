//! Reading a mailbox without changing it: EXAMINE, one listing, then batched whole-message
//! fetches with `BODY.PEEK[]`.
//!
//! Why this shape:
//! * EXAMINE opens the mailbox read-only (the server must answer `[READ-ONLY]`: checked),
//!   and `BODY.PEEK[]` is the form of `BODY[]` that never sets `\Seen`. Either alone keeps
//!   the flags; both together keep them even if one is gotten wrong later. No command that
//!   stores, copies, moves or expunges is ever sent.
//! * One `UID FETCH … (UID RFC822.SIZE INTERNALDATE)` lists the mailbox (or what `UID
//!   SEARCH SINCE` found): a few bytes per message, one round trip.
//! * Bodies then come in batches bounded by count *and* bytes, one `UID FETCH` per batch:
//!   never one round trip per message, and never a 1 GB answer because 200 returns were
//!   5 MB each.
//! * A UID means something only with the mailbox's UIDVALIDITY; both go into the receipts.

use std::collections::HashSet;

use jiff::tz::Offset;
use jiff::Timestamp;

use super::transport::{self, Transport};
use super::{Account, CollectError};
use crate::date::Date;

/// A logged-in IMAP session over our own stream.
pub type Session = imap::Session<Transport>;

/// Messages per fetch, and bytes per fetch (from RFC822.SIZE): whichever comes first.
pub const BATCH_MESSAGES: usize = 200;
pub const BATCH_BYTES: u64 = 32 << 20;

/// A mailbox opened read-only.
pub struct Opened {
    pub session: Session,
    pub uidvalidity: u32,
    /// Messages in it when it was opened.
    pub exists: u32,
}

/// Connects, logs in and EXAMINEs the account's mailbox.
///
/// # Errors
/// [`CollectError::Connect`] (see [`transport::connect`]), [`CollectError::Login`] when the
/// server refuses the user or password, [`CollectError::Mailbox`] when the folder cannot
/// be opened, [`CollectError::NotReadOnly`] when the server does not confirm `[READ-ONLY]`
/// (nothing is fetched then) and [`CollectError::NoUidValidity`].
pub fn open(account: &Account, password: &str) -> Result<Opened, CollectError> {
    let client = transport::connect(account)?;
    let mut session =
        client
            .login(&account.user, password)
            .map_err(|(e, _)| CollectError::Login {
                host: account.host.clone(),
                user: account.user.clone(),
                message: describe(&e),
            })?;
    // The name on the wire is modified UTF-7: 报表 is `&YqWIaA-`.
    let mb = match session.examine(super::utf7::encode(&account.mailbox)) {
        Ok(mb) => mb,
        Err(e) => {
            let message = describe(&e);
            return Err(CollectError::Mailbox {
                mailbox: account.mailbox.clone(),
                message,
                folders: folders(&mut session),
            });
        }
    };
    if !mb.is_read_only {
        let _ = session.logout();
        return Err(CollectError::NotReadOnly {
            mailbox: account.mailbox.clone(),
        });
    }
    let uidvalidity = mb.uid_validity.ok_or_else(|| CollectError::NoUidValidity {
        mailbox: account.mailbox.clone(),
    })?;
    Ok(Opened {
        session,
        uidvalidity,
        exists: mb.exists,
    })
}

/// The account's folders as the clerk names them (decoded from modified UTF-7), for the
/// message that says a folder was not found; empty when the server does not list them.
fn folders(session: &mut Session) -> Vec<String> {
    let Ok(names) = session.list(None, Some("*")) else {
        return Vec::new();
    };
    let mut v: Vec<String> = names
        .iter()
        .map(|n| crate::untrusted::shown(&super::utf7::decode(n.name())).into_owned())
        .collect();
    v.sort();
    v
}

/// One message as listed: enough to plan the fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub uid: u32,
    pub size: u32,
    /// INTERNALDATE: when the server received it.
    pub received: Option<Timestamp>,
}

/// Lists the examined mailbox: every message, or those received on or after `since` in the
/// office's zone.
///
/// IMAP's SINCE compares dates only, in the server's zone, which need not be the office's:
/// the search asks for one day earlier and the listing is then filtered on INTERNALDATE.
pub fn list(
    opened: &mut Opened,
    since: Option<Date>,
    offset: Offset,
) -> Result<Vec<Listed>, CollectError> {
    if opened.exists == 0 {
        return Ok(Vec::new());
    }
    let session = &mut opened.session;
    let set = match since {
        None => "1:*".to_string(),
        Some(date) => {
            let query = format!("SINCE {}", date.previous_day().imap());
            let mut uids: Vec<u32> = session
                .uid_search(query)
                .map_err(failed("UID SEARCH"))?
                .into_iter()
                .collect();
            if uids.is_empty() {
                return Ok(Vec::new());
            }
            uids.sort_unstable();
            uid_set(&uids)
        }
    };
    let fetches = session
        .uid_fetch(set, "(UID RFC822.SIZE INTERNALDATE)")
        .map_err(failed("UID FETCH"))?;
    let from = since.map(|d| d.start_of_day(offset));
    let mut out: Vec<Listed> = fetches
        .iter()
        .filter_map(|f| {
            Some(Listed {
                uid: f.uid?,
                size: f.size.unwrap_or(0),
                received: received(f),
            })
        })
        .filter(|m| match (from, m.received) {
            (Some(from), Some(t)) => t >= from,
            _ => true,
        })
        .collect();
    session.take_all_unsolicited().for_each(drop);
    out.sort_by_key(|m| m.uid);
    out.dedup_by_key(|m| m.uid); // a server may repeat a FETCH response
    Ok(out)
}

/// INTERNALDATE as an instant (the server writes it in its own zone).
fn received(f: &imap::types::Fetch<'_>) -> Option<Timestamp> {
    let d = f.internal_date()?;
    Timestamp::from_second(d.timestamp()).ok()
}

/// Splits messages into batches of at most `max_count` and (unless one message alone is
/// bigger) `max_bytes`, in UID order.
pub fn plan_batches(messages: &[Listed], max_count: usize, max_bytes: u64) -> Vec<Vec<u32>> {
    let mut batches = Vec::new();
    let mut cur: Vec<u32> = Vec::new();
    let mut cur_bytes = 0u64;
    for m in messages {
        let size = u64::from(m.size);
        if !cur.is_empty() && (cur.len() >= max_count || cur_bytes + size > max_bytes) {
            batches.push(std::mem::take(&mut cur));
            cur_bytes = 0;
        }
        cur.push(m.uid);
        cur_bytes += size;
    }
    if !cur.is_empty() {
        batches.push(cur);
    }
    batches
}

/// A compact IMAP sequence set for sorted UIDs: `[1,2,3,7,9,10]` → `"1:3,7,9:10"`.
pub fn uid_set(sorted_uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < sorted_uids.len() {
        let start = sorted_uids[i];
        let mut end = start;
        while i + 1 < sorted_uids.len() && sorted_uids[i + 1] == end + 1 {
            i += 1;
            end = sorted_uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// One fetched message, borrowed from the batch's answer.
pub struct Fetched<'a> {
    pub uid: u32,
    pub received: Option<Timestamp>,
    pub raw: &'a [u8],
}

/// Fetches the whole messages of one batch and hands each to `on_message`, in UID order.
/// Returns the UIDs asked for but not returned (expunged meanwhile).
pub fn fetch_batch(
    opened: &mut Opened,
    batch: &[u32],
    mut on_message: impl FnMut(Fetched<'_>),
) -> Result<Vec<u32>, CollectError> {
    let wanted: HashSet<u32> = batch.iter().copied().collect();
    let session = &mut opened.session;
    let fetches = session
        .uid_fetch(uid_set(batch), "(UID INTERNALDATE BODY.PEEK[])")
        .map_err(failed("UID FETCH BODY.PEEK[]"))?;
    let mut got: Vec<Fetched<'_>> = Vec::with_capacity(batch.len());
    let mut seen = HashSet::with_capacity(batch.len());
    for f in fetches.iter() {
        let (Some(uid), Some(raw)) = (f.uid, f.body()) else {
            continue;
        };
        if wanted.contains(&uid) && seen.insert(uid) {
            got.push(Fetched {
                uid,
                received: received(f),
                raw,
            });
        }
    }
    got.sort_by_key(|m| m.uid);
    for m in got {
        on_message(m);
    }
    session.take_all_unsolicited().for_each(drop);
    Ok(batch
        .iter()
        .copied()
        .filter(|u| !seen.contains(u))
        .collect())
}

/// Logs out; a server that has already closed is no error worth reporting.
pub fn close(mut opened: Opened) {
    let _ = opened.session.logout();
}

/// An IMAP error in one line: the server's own words where it gave some.
pub fn describe(e: &imap::Error) -> String {
    let text = e.to_string().replace(['\r', '\n'], " ");
    crate::untrusted::shown(text.trim()).into_owned()
}

fn failed(during: &'static str) -> impl Fn(imap::Error) -> CollectError {
    move |e| CollectError::Imap {
        during,
        message: describe(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(uid: u32, size: u32) -> Listed {
        Listed {
            uid,
            size,
            received: None,
        }
    }

    #[test]
    fn uid_sets() {
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
    }

    #[test]
    fn batches_by_count_and_bytes() {
        let msgs: Vec<Listed> = (1..=5).map(|u| listed(u, 10)).collect();
        assert_eq!(
            plan_batches(&msgs, 2, 1000),
            vec![vec![1, 2], vec![3, 4], vec![5]]
        );
        assert_eq!(
            plan_batches(&msgs, 100, 25),
            vec![vec![1, 2], vec![3, 4], vec![5]]
        );
        // A message bigger than the byte budget still gets a batch of its own.
        let big = vec![listed(1, 10), listed(2, 500), listed(3, 10)];
        assert_eq!(
            plan_batches(&big, 100, 100),
            vec![vec![1], vec![2], vec![3]]
        );
    }
}
