//! A `duban mail` run: what it knows without being told (the round, the deadline, the
//! check report), the messages its kind needs, who is missing from the contacts, then
//! every message made and written to the outbox, and sent when asked ([`super::made`]).
//!
//! Every problem with the contacts, texts or options stops the run before anything is
//! written or sent; a recipient the contacts do not list is named and gets no message,
//! the others do.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lettre::message::Mailbox;

use super::console::Console;
use super::contacts::{self, Contacts};
use super::made::{self, Letterhead};
use super::plan::{self, Planned};
use super::settings::Settings;
use super::{text, Kind, MailError, Role};
use crate::catalog::names::{closest, fold};
use crate::catalog::Catalog;
use crate::check::{check_paths, CheckOptions};
use crate::date::Date;
use crate::domain::report::CheckReport;
use crate::fsutil::write_atomic;

/// What the clerk asked for, resolved: paths given or the workspace's, and the settings
/// from the options, else the config file, else the workspace.
#[derive(Debug)]
pub struct Request {
    pub kind: Kind,
    /// `--round`, or the workspace's; else found in the templates, merge or report.
    pub round: Option<String>,
    pub contacts: PathBuf,
    pub outbox: PathBuf,
    pub templates: Option<PathBuf>,
    pub merged: Option<PathBuf>,
    pub returns: Option<PathBuf>,
    pub check_report: Option<PathBuf>,
    pub send: bool,
    pub limit: Option<usize>,
    pub only: Vec<String>,
    pub resend: Vec<String>,
    /// Send again what the log leaves uncertain (or at `sending`).
    pub resend_uncertain: bool,
    pub mail_templates: Option<PathBuf>,
    pub settings: Settings,
    /// How to check `returns` (reminders and feedback); its round is the run's.
    pub check: CheckOptions,
    /// A check report already made (`duban remind`), instead of checking again.
    pub report: Option<CheckReport>,
    /// The wording, instead of the kind's (`duban remind`'s stages).
    pub text: Option<text::MailText>,
    /// Copy each unit's message to the leaders of the tasks it hosts (催报).
    pub copy_leaders: bool,
    /// A file to attach to a recipient's message besides its kind's (催办通知单).
    pub attach: BTreeMap<String, PathBuf>,
}

/// Makes, writes and (with `send`) sends the messages of `req`; true when some message
/// could not be made or sent, or a return could not be mailed about.
///
/// # Errors
/// Any [`MailError`]: the contacts, texts, options, the templates or merge folder, the
/// connection; nothing was sent then, except for [`MailError::SentLog`] and
/// [`MailError::Build`] (sending stopped there, the log true).
pub fn mail(req: &Request, catalog: &Catalog, console: &Console) -> Result<bool, MailError> {
    let s = &req.settings;
    let from_text = s.from.clone().ok_or(MailError::NoSender)?;
    let from: Mailbox = from_text.parse().map_err(|e| MailError::BadSender {
        text: from_text.clone(),
        message: super::address_problem(&e).to_string(),
    })?;
    let mail_text = match &req.text {
        Some(t) => t.clone(),
        None => text::load(req.kind, req.mail_templates.as_deref())?,
    };

    let known = Known::gather(req, catalog)?;
    let round = known.round.clone();
    let (mut planned, notes) = plan_kind(req, catalog, &known);
    let only = resolve_names(&req.only, catalog, "--only")?;
    if !only.is_empty() {
        planned.retain(|p| only.iter().any(|(r, n)| *r == p.role && *n == p.recipient));
    }
    let resend = resolve_names(&req.resend, catalog, "--resend")?;
    for p in &mut planned {
        if let Some(path) = req.attach.get(&p.recipient) {
            p.attachments.push(plan::Source::File {
                path: path.clone(),
                sha256: None,
            });
        }
    }

    // Every problem in the contacts file, together, before anything is written or sent.
    let contacts = contacts::read(&req.contacts, catalog)?;
    if !contacts.problems.is_empty() {
        return Err(MailError::Contacts {
            problems: contacts.problems,
        });
    }
    // A recipient the file does not list gets no message, and is named first; the others go.
    let unlisted: Vec<&Planned> = planned
        .iter()
        .filter(|p| contacts.get(p.role, &p.recipient).is_none())
        .collect();
    if !unlisted.is_empty() {
        console.say(&unlisted_note(&contacts, &unlisted));
    }

    let mut base: BTreeMap<&'static str, String> = BTreeMap::new();
    base.insert("round", round.clone());
    let office = s.office.clone().unwrap_or_else(|| "区督考办".into());
    base.insert("office", office);
    let office_contact = s.office_contact.clone();
    console.say(crate::placeholder::contact_note(office_contact.as_deref()));
    base.insert(
        "office_contact",
        office_contact.unwrap_or_else(|| from.email.to_string()),
    );
    if let Some(d) = s.deadline.clone().or(known.deadline.clone()) {
        // As a letter writes it (2020年4月5日), whichever way it was typed.
        let d = Date::parse(&d).map(Date::chinese).unwrap_or(d);
        base.insert("deadline", d);
    }

    let head = Letterhead {
        kind: req.kind,
        round: &round,
        outbox: &req.outbox,
        from: &from,
        text: &mail_text,
        base: &base,
    };
    let mut all = Vec::new();
    for p in planned {
        let contact = contacts.get(p.role, &p.recipient).cloned();
        let leaders = match req.copy_leaders && p.role == Role::Unit {
            true => leader_copies(&p.recipient, catalog, &contacts),
            false => Vec::new(),
        };
        let mut m = made::make(p, contact, &head)?;
        if let Some(d) = &mut m.draft {
            d.cc.extend(leaders);
        }
        all.push(m);
    }
    for m in &all {
        let Some(d) = &m.draft else { continue };
        for a in d
            .attachments
            .iter()
            .filter(|a| a.path.starts_with(&req.outbox))
        {
            write_atomic(&a.path, &a.bytes)?;
        }
        let msg = d.build().map_err(|e| MailError::Build {
            recipient: d.recipient.clone(),
            message: e.to_string(),
        })?;
        write_atomic(&m.eml, &super::fold::wire(&msg))?;
    }
    for n in &notes {
        console.say(&format!("注意：{n}\n"));
    }
    if req.send {
        let resend = made::Resend {
            names: &resend,
            uncertain: req.resend_uncertain,
        };
        made::send_all(&mut all, &req.outbox, s, &from, &resend, req.limit, console)?;
    }
    console.say(&made::table(&all, req.kind));
    if !req.send {
        console.say(&format!(
            "演练：{} 封邮件已写到 {}（.eml），未发送任何邮件；确认无误后加 --send 发送。\n",
            all.iter().filter(|m| m.draft.is_some()).count(),
            req.outbox.display()
        ));
    }
    Ok(all.iter().any(|m| m.failed) || !notes.is_empty())
}

/// The addresses of the leaders of the tasks `unit` hosts (contacts rows of 类别 领导),
/// for a copy of its 催报.
fn leader_copies(unit: &str, catalog: &Catalog, contacts: &Contacts) -> Vec<Mailbox> {
    let mut names: Vec<String> = Vec::new();
    for (number, role) in catalog.tasks_of_unit(unit) {
        if *role != crate::catalog::Role::Host {
            continue;
        }
        if let Some(task) = catalog.task(*number) {
            for l in &task.leaders {
                if !names.contains(l) {
                    names.push(l.clone());
                }
            }
        }
    }
    names
        .iter()
        .filter_map(|n| contacts.get(Role::Leader, n))
        .flat_map(|c| c.to.iter().map(|a| Mailbox::new(None, a.clone())))
        .collect()
}

/// The recipients the contacts file gives no address for: the row to complete for those
/// it lists with 邮箱 still empty (as `duban init` writes them), the row to add for the others.
fn unlisted_note(contacts: &Contacts, unlisted: &[&Planned]) -> String {
    let mut s = format!(
        "注意：联系人表 {} 中没有以下 {} 个收件人的邮箱，未给他们写邮件（其他邮件照常）：\n",
        contacts.path.display(),
        unlisted.len()
    );
    let mut missing = Vec::new();
    for p in unlisted {
        let row = contacts
            .unfilled
            .iter()
            .find(|c| c.role == p.role && c.name == p.recipient);
        match row {
            Some(c) => s.push_str(&format!(
                "  {}（{}）：请在第 {} 行填上邮箱\n",
                p.recipient,
                p.role.label(),
                c.line
            )),
            None => {
                s.push_str(&format!(
                    "  {}（{}）：表中没有这一行\n",
                    p.recipient,
                    p.role.label()
                ));
                missing.push(*p);
            }
        }
    }
    if let Some(p) = missing.first() {
        s.push_str(&format!(
            "表中没有的，请各补一行：{}，如“{},{},邮箱,,联系人”。\n",
            contacts::HEADER.join(","),
            p.recipient,
            p.role.label()
        ));
    }
    s.push_str("补好后重新运行即可。\n");
    s
}

/// What the run knows without being told: the round and deadline, the templates
/// folder's manifest, and (for reminders and feedback) the check report.
struct Known {
    round: String,
    deadline: Option<String>,
    manifest: Option<Vec<plan::ManifestRow>>,
    report: Option<CheckReport>,
}

impl Known {
    /// `--round` first; then the templates folder (manifest, or a template's identity);
    /// then the merge folder's check report, or the check report of reminders and
    /// feedback. The deadline, when not given, is the templates folder's.
    fn gather(args: &Request, catalog: &Catalog) -> Result<Known, MailError> {
        let needs = |option, what| MailError::NeedsOption {
            kind: args.kind.key(),
            option,
            what,
        };
        match args.kind {
            Kind::Templates if args.templates.is_none() => {
                return Err(needs("--templates DIR", "duban templates 的输出文件夹"))
            }
            Kind::Summaries if args.merged.is_none() => {
                return Err(needs("--merged DIR", "duban merge 的输出文件夹"))
            }
            _ => {}
        }
        let manifest = match &args.templates {
            Some(dir) => Some(plan::read_manifest(dir, catalog)?),
            None => None,
        };
        let facts = manifest
            .as_deref()
            .map(plan::templates_facts)
            .unwrap_or_default();
        let mut round = args.round.clone().or(facts.round);
        let report = match args.kind {
            Kind::Reminders | Kind::Feedback => {
                let report = match &args.report {
                    Some(r) => r.clone(),
                    None => check_report(args, catalog, round.as_deref())?,
                };
                round = round.or(report.round.clone());
                Some(report)
            }
            Kind::Templates | Kind::Summaries => None,
            Kind::Accepted | Kind::Returned | Kind::Untouched => None,
        };
        if round.is_none() {
            round = args
                .merged
                .as_deref()
                .and_then(|d| plan::merged_facts(d).round);
        }
        let round = round
            .filter(|r| !r.trim().is_empty())
            .ok_or(MailError::NeedsOption {
                kind: args.kind.key(),
                option: "--round",
                what: "填报期次，如 2020年第一季度；或用 --templates 指向本期模板文件夹",
            })?;
        Ok(Known {
            round,
            deadline: facts.deadline,
            manifest,
            report,
        })
    }
}

/// The messages of the kind, and notes about returns nobody can be mailed about.
fn plan_kind(args: &Request, catalog: &Catalog, known: &Known) -> (Vec<Planned>, Vec<String>) {
    let round = known.round.as_str();
    let report = || {
        known
            .report
            .as_ref()
            .expect("gathered for reminders and feedback")
    };
    match args.kind {
        Kind::Templates => {
            let rows = known.manifest.as_deref().unwrap_or_default();
            (plan::templates(rows, round), vec![])
        }
        Kind::Summaries => {
            let dir = args.merged.as_deref().expect("gathered: --merged is given");
            (plan::summaries(dir, catalog, round), vec![])
        }
        Kind::Reminders => (
            plan::reminders(report(), catalog, known.manifest.as_deref()),
            vec![],
        ),
        Kind::Feedback => {
            let s = &args.settings;
            let notes = crate::write::feedback::FeedbackNotes {
                office: s.office.clone().unwrap_or_default(),
                contact: s.office_contact.clone().unwrap_or_default(),
                resubmit_by: (s.deadline.clone().or(known.deadline.clone()))
                    .map(|d| Date::parse(&d).map(Date::chinese).unwrap_or(d)),
            };
            plan::feedback(report(), round, &notes)
        }
        // Not offered on this command line: `duban collect --reply` sends these.
        Kind::Accepted | Kind::Returned | Kind::Untouched => (Vec::new(), Vec::new()),
    }
}

/// The check report for reminders and feedback: `--check-report`, else the merge folder's
/// `<round>_校验报告.json`, else a check of `--returns` run now.
fn check_report(
    args: &Request,
    catalog: &Catalog,
    round: Option<&str>,
) -> Result<CheckReport, MailError> {
    let from_merge = args.merged.as_ref().and_then(|d| {
        let p = match round {
            Some(r) => d.join(crate::outputs::check_report(r)),
            // Without a round, the folder's one report, if it holds one.
            None => std::fs::read_dir(d)
                .ok()?
                .flatten()
                .map(|e| e.path())
                .find(|p| {
                    p.file_name()
                        .is_some_and(|n| crate::outputs::is_check_report(&n.to_string_lossy()))
                })?,
        };
        (p.exists() && args.returns.is_none()).then_some(p)
    });
    if let Some(p) = args.check_report.clone().or(from_merge) {
        let text = crate::fsutil::read_text(&p)?;
        return serde_json::from_str(&text).map_err(|e| MailError::NotCheckReport {
            path: p.clone(),
            message: crate::fsutil::describe_json(&e),
        });
    }
    let Some(dir) = &args.returns else {
        return Err(MailError::NeedsOption {
            kind: args.kind.key(),
            option: "--returns DIR 或 --check-report FILE",
            what: "各单位报送的表格，或 duban check --format json 的校验报告",
        });
    };
    if !dir.exists() {
        return Err(MailError::NoSuchPath(dir.clone()));
    }
    let opts = CheckOptions {
        round: round.map(String::from),
        ..args.check.clone()
    };
    Ok(check_paths(std::slice::from_ref(dir), catalog, &opts))
}

/// `--only`/`--resend` names to (role, canonical name); unknown names stop the run.
fn resolve_names(
    names: &[String],
    catalog: &Catalog,
    opt: &str,
) -> Result<Vec<(Role, String)>, MailError> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for n in names {
        if let Some(l) = catalog.leaders().iter().find(|l| fold(l) == fold(n)) {
            out.push((Role::Leader, l.clone()));
        } else if let Ok(u) = catalog.registry().unit(n) {
            out.push((Role::Unit, u.name.clone()));
        } else {
            let all = catalog
                .registry()
                .units()
                .iter()
                .map(|u| u.name.as_str())
                .chain(catalog.leaders().iter().map(|s| s.as_str()));
            bad.push(format!(
                "{opt} “{n}”既不是单位也不是领导，最接近的是：{}",
                closest(n, all, 3).join("、")
            ));
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(MailError::UnknownNames { names: bad })
    }
}
