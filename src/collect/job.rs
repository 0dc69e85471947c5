//! A `duban collect` run: the mailbox read, each new message's attachments saved into the
//! returns folder and logged, a summary for the clerk, and (with `--reply`) each sender
//! answered through the mail machinery.
//!
//! Everything `--reply` needs (round, outbox, sender, texts, the sending server) is
//! resolved before the mailbox is opened: a mistake in it must not be found only after
//! everything was collected.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;

use super::mailbox::{self, BATCH_BYTES, BATCH_MESSAGES};
use super::reply::{self, Context, Letter};
use super::route::{Folders, Routed};
use super::save::{AddressBook, Collected, Collector, Incoming};
use super::{message, Account, CollectError};
use crate::catalog::Catalog;
use crate::check::CheckOptions;
use crate::date::Date;
use crate::mail::console::Console;
use crate::mail::contacts::{self, Contacts};
use crate::mail::settings::{self, Protocol, Settings};
use crate::mail::{smtp, text, Kind, MailError};
use crate::outputs::{RECEIPTS, UNKNOWN_SENDER};
use crate::table::{render, truncate};

/// Why a run of `duban collect` stopped: the mailbox's side, or the answers'.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Collect(#[from] CollectError),
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// What the clerk asked for, resolved: options, else the config file, else the workspace.
#[derive(Debug)]
pub struct Request {
    /// The folder collected into: `--into`, or the current round's.
    pub into: PathBuf,
    /// In a workspace without `--into`: every round's folder, each return filed in its own.
    pub rounds: Option<super::route::Rounds>,
    pub contacts: Option<PathBuf>,
    pub since: Option<Date>,
    pub settings: Settings,
    /// The office's time zone.
    pub offset: jiff::tz::Offset,
    /// How the returns are checked as they are saved.
    pub check: CheckOptions,
    /// `--reply`: the answers.
    pub reply: Option<ReplyRequest>,
    /// The outboxes whose sent logs say what the office sent, to tell which of its mails
    /// a bounce carries back: every round's in a workspace, and `--outbox`.
    pub sent_logs: Vec<PathBuf>,
}

/// What `--reply` was told.
#[derive(Debug)]
pub struct ReplyRequest {
    pub round: Option<String>,
    pub outbox: Option<PathBuf>,
    /// In a workspace without `--outbox`: each round's outbox, so that the answers about a
    /// return of an earlier round are written and logged with that round's mail.
    pub round_outboxes: Vec<(String, PathBuf)>,
    pub mail_templates: Option<PathBuf>,
    pub send: bool,
    /// How the whole folder is checked before answering: for the round.
    pub check: CheckOptions,
}

/// Collects what is new in the mailbox and answers the senders when asked; true when some
/// message could not be read or some answer not made or sent.
///
/// # Errors
/// Options, contacts, connection, login, the folder ([`JobError`]); files already saved
/// stay saved and logged, so a rerun goes on from there.
pub fn collect(req: &Request, catalog: &Catalog, console: &Console) -> Result<bool, JobError> {
    // A contacts file that cannot be read would name every return 未识别发件人: stop.
    let contacts = match &req.contacts {
        Some(p) => contacts::read(p, catalog).map_err(MailError::from)?,
        None => Contacts::default(),
    };
    for p in &contacts.problems {
        console.say(&format!("注意：联系人表 {p}（不用于识别发件人）\n"));
    }
    let mut setup = match &req.reply {
        Some(r) => Some(reply_setup(r, &req.settings, &req.into)?),
        None => None,
    };
    let account = super::account(&req.settings)?;
    let password = settings::password(Protocol::Imap, &account.user).map_err(CollectError::from)?;
    if let Some((smtp, password)) = setup.as_mut().and_then(|s| s.smtp.as_mut()) {
        *password = smtp.password().map_err(MailError::from)?;
    }

    let mut opened = mailbox::open(&account, &password)?;
    let uidvalidity = opened.uidvalidity;
    let folders = match &req.rounds {
        Some(r) => Folders::Rounds(r.clone()),
        None => Folders::One(req.into.clone()),
    };
    let mut collector = Collector::open(
        folders.clone(),
        opened.uidvalidity,
        AddressBook::new(&contacts),
        catalog,
        req.check.clone(),
    )?;
    let listed = mailbox::list(&mut opened, req.since, req.offset)?;
    let new: Vec<mailbox::Listed> = listed
        .iter()
        .filter(|m| !collector.is_known(m.uid))
        .cloned()
        .collect();
    let vanished = fetch(&mut opened, &mut collector, &new)?;
    mailbox::close(opened);

    let summary = Summary {
        account: &account,
        uidvalidity,
        offset: req.offset,
        listed: listed.len(),
        known: listed.len() - new.len(),
        since: req.since,
        into: &req.into,
        contacts_given: req.contacts.is_some(),
    };
    console.say(&summary.render(&collector.taken, &collector.failures, &vanished));
    console.say(&super::route::describe(&routed(&collector.taken)));
    let sent = super::bounce::SentMail::read(&req.sent_logs);
    console.say(&super::bounce::report(&collector.taken, &contacts, &sent));
    let mut failed = !collector.failures.is_empty();

    if let (Some(setup), Some(r)) = (setup, &req.reply) {
        // The folder stays locked while answering: two runs must not send the same answer.
        let taken = std::mem::take(&mut collector.taken);
        // Each return is answered as its own round's, from its own round's folder.
        let mut dirs = vec![req.into.clone()];
        for f in taken.iter().flat_map(|c| &c.saved) {
            if !dirs.contains(&f.dir) && folders.round_of(&f.dir).is_some() {
                dirs.push(f.dir.clone());
            }
        }
        for dir in dirs {
            let mut check = r.check.clone();
            let round = match folders.round_of(&dir) {
                Some(round) => round.to_string(),
                None => setup.round.clone(),
            };
            check.round = Some(round.clone());
            let outbox = (r.round_outboxes.iter())
                .find(|(name, _)| *name == round)
                .map_or(&setup.outbox, |(_, o)| o);
            let here: Vec<Collected> = taken
                .iter()
                .filter(|c| c.saved.iter().any(|f| f.dir == dir))
                .cloned()
                .collect();
            let cx = Answering {
                uidvalidity,
                into: &dir,
                contacts: &contacts,
                offset: req.offset,
                check: &check,
                round: &round,
                outbox,
            };
            failed |= answer(&here, &cx, catalog, &setup, console)?;
        }
        console.say(&unanswered_waiting(&taken));
    }
    drop(collector);
    Ok(failed)
}

/// What `--reply` needs, resolved before the mailbox is opened: a mistake in it must not
/// be found only after everything was collected.
struct ReplySetup {
    round: String,
    outbox: PathBuf,
    from: Mailbox,
    accepted: text::MailText,
    returned: text::MailText,
    untouched: text::MailText,
    base: BTreeMap<&'static str, String>,
    smtp: Option<(smtp::Settings, Option<String>)>,
}
/// Fetches the messages `new` lists, batch by batch, into the collector; returns the UIDs
/// that were gone by then. A progress line runs on a terminal.
fn fetch(
    opened: &mut mailbox::Opened,
    collector: &mut Collector<'_>,
    new: &[mailbox::Listed],
) -> Result<Vec<u32>, CollectError> {
    let batches = mailbox::plan_batches(new, BATCH_MESSAGES, BATCH_BYTES);
    let progress = std::io::stderr().is_terminal() && batches.len() > 1;
    let mut vanished = Vec::new();
    let mut done = 0;
    for batch in &batches {
        let mut incoming = Vec::with_capacity(batch.len());
        vanished.extend(mailbox::fetch_batch(opened, batch, |m| {
            incoming.push(Incoming {
                uid: m.uid,
                received: m.received,
                parsed: message::parse(m.raw).map_err(|e| e.to_string()),
            })
        })?);
        collector.take(incoming)?;
        done += batch.len();
        if progress {
            eprint!("\r收取中：{done}/{} 封", new.len());
        }
    }
    if progress {
        eprintln!();
    }
    Ok(vanished)
}

/// Checks `--reply`'s options and reads its texts.
fn reply_setup(
    args: &ReplyRequest,
    settings: &Settings,
    into: &Path,
) -> Result<ReplySetup, JobError> {
    let needs =
        |option: &'static str, what: &'static str| CollectError::ReplyNeeds { option, what };
    let round = args
        .round
        .clone()
        .filter(|r| !r.trim().is_empty())
        .ok_or(needs("--round", "按哪一期校验"))?;
    let outbox = args
        .outbox
        .clone()
        .ok_or(needs("--outbox DIR", "答复写到哪里"))?;
    let (o, i) = (
        crate::fsutil::resolved(&outbox),
        crate::fsutil::resolved(into),
    );
    if o.starts_with(&i) {
        return Err(CollectError::OutboxInsideFolder {
            out: outbox,
            input: into.to_path_buf(),
        }
        .into());
    }
    let from_text = settings.from.clone().ok_or(MailError::NoSender)?;
    let from: Mailbox = from_text.parse().map_err(|e| MailError::BadSender {
        text: from_text.clone(),
        message: crate::mail::address_problem(&e).to_string(),
    })?;
    let dir = args.mail_templates.as_deref();
    let accepted = text::load(Kind::Accepted, dir).map_err(MailError::from)?;
    let returned = text::load(Kind::Returned, dir).map_err(MailError::from)?;
    let untouched = text::load(Kind::Untouched, dir).map_err(MailError::from)?;
    let mut base = BTreeMap::new();
    base.insert("round", round.clone());
    base.insert(
        "office",
        settings.office.clone().unwrap_or_else(|| "区督考办".into()),
    );
    base.insert(
        "office_contact",
        settings
            .office_contact
            .clone()
            .unwrap_or_else(|| from.email.to_string()),
    );
    // The password is asked for after the mailbox's.
    let smtp = if args.send {
        Some((smtp::Settings::resolve(settings, from.clone())?, None))
    } else {
        None
    };
    Ok(ReplySetup {
        round,
        outbox,
        from,
        accepted,
        returned,
        untouched,
        base,
        smtp,
    })
}

/// The messages whose returns wait in 待归期/ for a round not registered yet: answered
/// once `round new` has taken them in, not now (no round to check them against).
fn unanswered_waiting(taken: &[Collected]) -> String {
    let n = (taken.iter())
        .filter(|c| (c.saved.iter()).any(|f| matches!(f.routed, Some(Routed::Waiting(_)))))
        .count();
    match n {
        0 => String::new(),
        n => format!(
            "另有 {n} 封来信的报表属于尚未登记的期次（在 待归期/），暂不答复；用 round new 登记该期次后，下一次 collect --reply 答复。\n"
        ),
    }
}

/// What answering needs from the collecting.
struct Answering<'a> {
    uidvalidity: u32,
    into: &'a Path,
    contacts: &'a Contacts,
    offset: jiff::tz::Offset,
    check: &'a CheckOptions,
    /// The round of the folder answered for.
    round: &'a str,
    /// Where its answers are written and logged: that round's outbox.
    outbox: &'a Path,
}

/// Checks the folder and answers the senders; true when some answer failed.
fn answer(
    taken: &[Collected],
    a: &Answering<'_>,
    catalog: &Catalog,
    setup: &ReplySetup,
    console: &Console,
) -> Result<bool, JobError> {
    let (uidvalidity, into, contacts) = (a.uidvalidity, a.into, a.contacts);
    let report = crate::check::check_paths(&[into.to_path_buf()], catalog, a.check);
    let mut base = setup.base.clone();
    base.insert("round", a.round.to_string());
    let cx = Context {
        round: a.round,
        dir: into,
        outbox: a.outbox,
        from: &setup.from,
        offset: a.offset,
        contacts,
        accepted: &setup.accepted,
        returned: &setup.returned,
        untouched: &setup.untouched,
        base,
    };
    let (entries, _) = crate::mail::log::read(a.outbox).map_err(MailError::from)?;
    let this_run = taken
        .iter()
        .filter(|c| !c.saved.is_empty())
        .map(|c| {
            let mut c = c.clone();
            c.saved.retain(|f| f.dir == into);
            Letter::collected(&c, uidvalidity)
        })
        .collect();
    let mut made = Vec::new();
    let mut unanswerable = false;
    for l in reply::letters(this_run, &report, &entries, &cx)? {
        match reply::make(&l, &report, &cx) {
            Ok(Some(m)) => made.push(m),
            Ok(None) => {}
            // One sender's address: that answer, not the others.
            Err(MailError::Build { recipient, message }) => {
                console.say(&format!("无法答复 {recipient}：{message}\n"));
                unanswerable = true;
            }
            Err(e) => return Err(e.into()),
        }
    }
    reply::write(&made)?;
    match &setup.smtp {
        Some((s, password)) => reply::send(&mut made, a.outbox, s, password.clone())?,
        None => reply::record_drafts(&mut made, a.outbox)?,
    }
    let rows: Vec<Vec<String>> = made
        .iter()
        .map(|m| {
            vec![
                m.draft.recipient.clone(),
                m.letter.sender.clone(),
                m.draft.kind.label().to_string(),
                truncate(
                    &m.draft
                        .attachments
                        .iter()
                        .map(|a| a.file_name.clone())
                        .collect::<Vec<_>>()
                        .join("、"),
                    40,
                ),
                m.status.clone(),
            ]
        })
        .collect();
    if made.is_empty() {
        console.say("\n答复：没有需要答复的报表。\n");
        return Ok(unanswerable);
    }
    console.say(&format!(
        "\n答复：{} 封\n{}",
        made.len(),
        render(&["单位", "发件人", "答复", "附件", "状态"], &rows)
    ));
    if setup.smtp.is_none() {
        console.say(&format!(
            "演练：答复已写到 {}（.eml），未发送；确认无误后加 --send 发送。\n",
            a.outbox.display()
        ));
    }
    Ok(unanswerable || made.iter().any(|m| m.failed))
}

/// The numbers the run ends with.
struct Summary<'a> {
    account: &'a Account,
    uidvalidity: u32,
    offset: jiff::tz::Offset,
    listed: usize,
    known: usize,
    since: Option<Date>,
    into: &'a Path,
    contacts_given: bool,
}

impl Summary<'_> {
    fn render(&self, taken: &[Collected], failures: &[String], vanished: &[u32]) -> String {
        let a = self.account;
        let mut s = format!(
            "收件：{}@{} 的 {}{}，共 {} 封邮件，此前已收取 {} 封，本次收取 {} 封。\n",
            a.user,
            a.host,
            a.mailbox,
            self.since
                .map(|d| format!("（{}起）", d.chinese()))
                .unwrap_or_default(),
            self.listed,
            self.known,
            taken.len() + failures.len()
        );
        let mut by_unit: BTreeMap<&str, usize> = BTreeMap::new();
        let mut returns = 0;
        for f in taken
            .iter()
            .flat_map(|c| &c.saved)
            .filter(|f| f.spreadsheet)
        {
            *by_unit.entry(f.receipt.unit.as_str()).or_default() += 1;
            returns += 1;
        }
        if returns > 0 {
            let mut units: Vec<(&str, usize)> = by_unit.into_iter().collect();
            // The unknown last, so the clerk's eye ends on what needs a hand.
            units.sort_by_key(|(u, _)| *u == UNKNOWN_SENDER);
            let list: Vec<String> = units.iter().map(|(u, n)| format!("{u} {n} 份")).collect();
            s.push_str(&format!("新保存报表 {returns} 份：{}\n", list.join("、")));
        } else {
            s.push_str("没有新的报表。\n");
        }
        let copies: Vec<&Collected> = taken.iter().filter(|c| c.copies > 0).collect();
        if !copies.is_empty() {
            let files: usize = copies.iter().map(|c| c.copies).sum();
            s.push_str(&format!(
                "重复投递的邮件 {} 封：其中 {files} 个附件此前已保存，未重复保存。\n",
                copies.len()
            ));
        }
        let doubled: Vec<&Collected> = taken.iter().filter(|c| c.doubled > 0).collect();
        if !doubled.is_empty() {
            let files: usize = doubled.iter().map(|c| c.doubled).sum();
            s.push_str(&format!(
                "同一封邮件中重复附上的附件 {files} 个（{} 封邮件），每份只保存了一次。\n",
                doubled.len()
            ));
        }
        let strangers: Vec<&Collected> = taken
            .iter()
            .filter(|c| !c.in_contacts && c.automatic.is_none())
            .collect();
        if !strangers.is_empty() {
            let mut seen: Vec<String> = Vec::new();
            for c in &strangers {
                let unit = match &c.unit {
                    Some(u) => format!("{u}（由附件识别）"),
                    None => UNKNOWN_SENDER.to_string(),
                };
                let line = format!("  {} → {unit}", c.sender);
                if !seen.contains(&line) {
                    seen.push(line);
                }
            }
            let why = if self.contacts_given {
                "联系人表中没有的发件人"
            } else {
                "未提供联系人表（--contacts），发件人"
            };
            s.push_str(&format!("{why} {} 个：\n{}\n", seen.len(), seen.join("\n")));
        }
        let plain: Vec<&Collected> = taken
            .iter()
            .filter(|c| !c.has_spreadsheet && c.automatic.is_none())
            .collect();
        if !plain.is_empty() {
            let rows: Vec<Vec<String>> = plain
                .iter()
                .map(|c| {
                    vec![
                        c.sender.clone(),
                        truncate(&c.subject, 40),
                        crate::date::display_in(c.received, self.offset),
                    ]
                })
                .collect();
            s.push_str(&format!(
                "无报表附件的邮件 {} 封（请人工查看）：\n{}",
                plain.len(),
                render(&["发件人", "主题", "时间"], &rows)
            ));
        }
        let others: Vec<&str> = taken
            .iter()
            .flat_map(|c| &c.saved)
            .filter(|f| !f.spreadsheet)
            .map(|f| f.receipt.path.as_str())
            .collect();
        if !others.is_empty() {
            s.push_str(&format!(
                "另存其他附件 {} 个（不是报表）：\n  {}\n",
                others.len(),
                others.join("\n  ")
            ));
        }
        if !failures.is_empty() {
            s.push_str(&format!(
                "未能读取的邮件 {} 封：\n  {}\n",
                failures.len(),
                failures.join("\n  ")
            ));
        }
        if !vanished.is_empty() {
            s.push_str(&format!(
                "收取期间被删除的邮件 {} 封（UID {}），未保存。\n",
                vanished.len(),
                vanished
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        s.push_str(&format!(
            "文件夹：{}（收件记录 {}，UIDVALIDITY {}）\n",
            self.into.display(),
            RECEIPTS,
            self.uidvalidity
        ));
        s
    }
}

/// What went elsewhere than the current round's folder, with the unit of each.
fn routed(taken: &[Collected]) -> Vec<(Routed, String)> {
    taken
        .iter()
        .flat_map(|c| &c.saved)
        .filter(|f| f.spreadsheet)
        .filter_map(|f| Some((f.routed.clone()?, f.receipt.unit.clone())))
        .collect()
}
