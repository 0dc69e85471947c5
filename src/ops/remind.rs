//! `duban remind`'s workflow: what is due today for the latest round, done once.
//!
//! The scheduler runs it every day. From the round's deadline and `[remind]` it finds the
//! stage due today (提醒 N days before, 催报 the day after with the 分管领导 copied, a
//! 催办通知 some working days after); if a run was missed, the latest stage that has come is
//! done. The units without an accepted return, as a check of 回收 finds them now, get it —
//! a unit whose return was sent back gets the 退回 text with its problems instead — each at
//! most once per round and stage: what was delivered is recorded in the ledger
//! ([`crate::ledger::chase`]). Each stage has its own outbox folder, so its sent log is its
//! own.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::bulletin::urge::{self, Urge};
use crate::catalog::Catalog;
use crate::check::{check_paths, CheckOptions};
use crate::date::Date;
use crate::domain::history::RoundInfo;
use crate::domain::report::FileStatus;
use crate::fsutil::write_atomic;
use crate::ledger::chase::Chase;
use crate::ledger::{Ledger, LedgerError};
use crate::mail::console::Console;
use crate::mail::job::{self, Request};
use crate::mail::settings::Settings;
use crate::mail::{log, text, Kind, MailError};
use crate::workspace::{RemindSettings, Workspace};

/// Why `duban remind` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum RemindError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("期次“{0}”没有登记截止时间，无法安排提醒：请用 duban round new --deadline 登记")]
    NoDeadline(String),
    #[error("无法生成催办通知单：{0}")]
    Docx(crate::docx::DocxError),
    #[error("duban.toml [remind] 中的日期“{0}”不是有效日期（应写作 2020-04-04）")]
    BadDay(String),
}

/// A step of chasing a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// 提醒, this many days before the deadline.
    Before(u32),
    /// 催报, the 分管领导 copied.
    Chase,
    /// 催办通知, some working days after the deadline.
    Notice,
}

impl Stage {
    /// Its name in the ledger and on screen.
    pub fn key(self) -> String {
        match self {
            Stage::Before(n) => format!("提醒（前{n}天）"),
            Stage::Chase => "催报".into(),
            Stage::Notice => "催办通知".into(),
        }
    }

    fn text(self) -> &'static str {
        match self {
            Stage::Before(_) => include_str!("../../templates/mail/remind_before.txt"),
            Stage::Chase => include_str!("../../templates/mail/remind_chase.txt"),
            Stage::Notice => include_str!("../../templates/mail/remind_notice.txt"),
        }
    }
}

/// The office's working days: weekends off, `holidays` off, `workdays` (调休) worked.
pub struct Calendar {
    holidays: Vec<Date>,
    workdays: Vec<Date>,
}

impl Calendar {
    /// # Errors
    /// [`RemindError::BadDay`] for a day that is not a date.
    pub fn new(s: &RemindSettings) -> Result<Calendar, RemindError> {
        let days = |list: &[String]| {
            list.iter()
                .map(|d| Date::parse(d).map_err(|_| RemindError::BadDay(d.clone())))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Calendar {
            holidays: days(&s.holidays)?,
            workdays: days(&s.workdays)?,
        })
    }

    pub fn is_working(&self, d: Date) -> bool {
        self.workdays.contains(&d) || !(d.is_weekend() || self.holidays.contains(&d))
    }

    /// The `n`th working day after `d`.
    pub fn working_days_after(&self, d: Date, n: u32) -> Date {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.plus_days(1);
            if self.is_working(day) {
                left -= 1;
            }
        }
        day
    }
}

/// Every stage of a round with its day, in order.
pub fn stages(deadline: Date, s: &RemindSettings, cal: &Calendar) -> Vec<(Stage, Date)> {
    let mut out: Vec<(Stage, Date)> = s
        .before
        .iter()
        .map(|&n| (Stage::Before(n), deadline.plus_days(-i64::from(n))))
        .collect();
    out.push((Stage::Chase, deadline.plus_days(i64::from(s.chase_after))));
    out.push((
        Stage::Notice,
        cal.working_days_after(deadline, s.notice_after),
    ));
    out.sort_by_key(|(_, d)| *d);
    out
}

/// One run, resolved by the command.
pub struct Remind<'a> {
    pub ws: &'a Workspace,
    pub round: &'a RoundInfo,
    pub catalog: &'a Catalog,
    pub check: CheckOptions,
    pub settings: Settings,
    pub today: Date,
    pub send: bool,
    /// The office's zone, for the documents' times.
    pub offset: jiff::tz::Offset,
}

/// Does what is due today; true when some message could not be made or sent.
///
/// # Errors
/// [`RemindError`]: no deadline, a bad `[remind]` day, the ledger, or a mail problem that
/// stopped the stage before anything was sent.
pub fn remind(r: &Remind<'_>, console: &Console) -> Result<bool, RemindError> {
    let deadline = r
        .round
        .deadline
        .ok_or_else(|| RemindError::NoDeadline(r.round.name.clone()))?;
    let s = &r.ws.config.remind;
    let cal = Calendar::new(s)?;
    let Some((stage, day)) = stages(deadline, s, &cal)
        .into_iter()
        .rfind(|(_, d)| *d <= r.today)
    else {
        console.say(&format!(
            "{}：{}（截止 {}）今天没有到期的提醒。\n",
            r.today.iso(),
            r.round.name,
            deadline.chinese()
        ));
        return Ok(false);
    };
    let ledger = r.ws.ledger()?;
    let returns = r.ws.returns_dir(&r.round.name);
    let opts = CheckOptions {
        round: Some(r.round.name.clone()),
        ..r.check.clone()
    };
    let report = check_paths(std::slice::from_ref(&returns), r.catalog, &opts);
    let standing = report.standing();
    let (mut missing, mut rejected) = (Vec::new(), Vec::new());
    for unit in report.units_to_remind() {
        let name = r
            .catalog
            .registry()
            .unit(unit)
            .map(|u| u.name.clone())
            .unwrap_or_else(|_| unit.clone());
        if ledger.chased(r.round, &name, &stage.key())? {
            continue;
        }
        match standing.get(unit.as_str()) {
            Some(f) if f.status == FileStatus::Rejected => rejected.push(name),
            _ => missing.push(name),
        }
    }
    console.say(&format!(
        "{}：{}（截止 {}）今天办理“{}”（应于 {}）：提醒 {} 个单位，退回重报 {} 个单位。\n",
        r.today.iso(),
        r.round.name,
        deadline.chinese(),
        stage.key(),
        day.iso(),
        missing.len(),
        rejected.len()
    ));
    let days = deadline.days_until(r.today).unsigned_abs();
    let days = match stage {
        Stage::Before(n) => n.to_string(),
        _ => days.to_string(),
    };
    let text = text::split(
        &stage.text().replace("{days}", &days),
        &format!("{}（内置）", stage.key()),
    )
    .map_err(MailError::from)?;
    let outbox = stage_outbox(r.ws, &r.round.name, stage);
    let notices = match stage {
        Stage::Notice => write_notices(r, &ledger, deadline, &missing, &rejected)?,
        _ => BTreeMap::new(),
    };
    let mut failed = false;
    for (kind, units, text) in [
        (Kind::Reminders, missing, Some(text)),
        (Kind::Feedback, rejected, None),
    ] {
        if units.is_empty() {
            continue;
        }
        let mut req = request(
            r,
            kind,
            &units,
            text,
            stage == Stage::Chase,
            &outbox,
            &report,
        );
        req.attach = notices
            .iter()
            .map(|(u, (_, p))| (u.clone(), p.clone()))
            .collect();
        failed |= job::mail(&req, r.catalog, console)?;
        if r.send {
            record(&ledger, r, stage, kind, &units, &outbox, &notices)?;
        }
    }
    Ok(failed)
}

/// The mail run of one stage for `units`.
fn request(
    r: &Remind<'_>,
    kind: Kind,
    units: &[String],
    text: Option<text::MailText>,
    copy_leaders: bool,
    outbox: &std::path::Path,
    report: &crate::domain::report::CheckReport,
) -> Request {
    let templates = r.ws.templates_dir(&r.round.name);
    Request {
        kind,
        round: Some(r.round.name.clone()),
        contacts: r.ws.contacts_path(),
        outbox: outbox.to_path_buf(),
        templates: templates.is_dir().then_some(templates),
        merged: None,
        returns: None,
        check_report: None,
        send: r.send,
        limit: None,
        only: units.to_vec(),
        resend: Vec::new(),
        resend_uncertain: false,
        mail_templates: None,
        settings: r.settings.clone(),
        check: r.check.clone(),
        report: Some(report.clone()),
        text,
        copy_leaders,
        attach: BTreeMap::new(),
    }
}

/// Records in the ledger the units the stage's sent log shows delivered.
fn record(
    ledger: &Ledger,
    r: &Remind<'_>,
    stage: Stage,
    kind: Kind,
    units: &[String],
    outbox: &std::path::Path,
    notices: &Notices,
) -> Result<(), RemindError> {
    let (entries, _) = log::read(outbox).map_err(MailError::from)?;
    for unit in units {
        let sent = log::last(&entries, kind, &r.round.name, unit)
            .is_some_and(|e| e.result == log::Outcome::Sent);
        if sent {
            let stage_key = stage.key();
            ledger.record_chase(
                r.round,
                &Chase {
                    round: r.round.name.clone(),
                    unit: unit.clone(),
                    stage: stage_key,
                    date: r.today.iso(),
                    outcome: match kind {
                        Kind::Feedback => "已发送（退回重报）".into(),
                        _ => "已发送".into(),
                    },
                    number: notices.get(unit).map(|(n, _)| n.clone()),
                },
            )?;
        }
    }
    Ok(())
}

/// Each overdue unit's 催办通知单: its number and file.
type Notices = BTreeMap<String, (String, PathBuf)>;

/// Writes the 催办通知单 of the units chased at the notice stage, numbered on from the
/// year's last number in the ledger, into the round's 督办文书 folder.
fn write_notices(
    r: &Remind<'_>,
    ledger: &Ledger,
    deadline: Date,
    missing: &[String],
    rejected: &[String],
) -> Result<Notices, RemindError> {
    let year = r.today.year();
    let first = ledger.next_number(&urge::prefix(year))?;
    let office = match r.ws.config.office.trim() {
        "" => "区督考办".to_string(),
        o => o.to_string(),
    };
    let contact = match r.ws.config.office_contact.trim() {
        "" => r.settings.from.clone().unwrap_or_default(),
        c => c.to_string(),
    };
    let dir = r.ws.round_dir(&r.round.name).join("督办文书");
    let mut out = Notices::new();
    // Numbered only for the units that can be sent one: a number is kept once sent.
    let contacts =
        crate::mail::contacts::read(&r.ws.contacts_path(), r.catalog).map_err(MailError::from)?;
    let units = missing
        .iter()
        .map(|u| (u, "未报送"))
        .chain(rejected.iter().map(|u| (u, "已报送未通过")))
        .filter(|(u, _)| contacts.get(crate::mail::Role::Unit, u).is_some());
    for (i, (unit, status)) in units.enumerate() {
        let number = urge::number(year, first + u32::try_from(i).unwrap_or(0));
        let u = Urge {
            number: &number,
            unit,
            round: &r.round.name,
            deadline,
            today: r.today,
            status,
            office: &office,
            office_contact: &contact,
        };
        let bytes = urge::urge_docx(&u, r.catalog, r.offset).map_err(RemindError::Docx)?;
        let path = dir.join(format!("{}_催办通知单_{unit}.docx", r.round.name));
        write_atomic(&path, &bytes).map_err(MailError::from)?;
        out.insert(unit.clone(), (number, path));
    }
    Ok(out)
}

/// Where a stage's messages are kept.
pub fn stage_outbox(ws: &Workspace, round: &str, stage: Stage) -> PathBuf {
    ws.outbox_dir(round).join("督促").join(stage.key())
}
