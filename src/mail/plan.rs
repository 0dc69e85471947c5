//! Which messages a kind needs for a round, read from the other commands' outputs: the
//! templates folder's manifest, the merge folder's leader workbooks, and a check report of
//! the returns.
//!
//! Planning reads and decides; it sends nothing and writes nothing. A message that cannot
//! be made (its attachment is missing or changed since it was made) is planned anyway with
//! the reason, so the office sees it in the table and the others still go.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Role;
use crate::catalog::{sha256_hex, Catalog, Role as TaskRole, UnknownName};
use crate::domain::report::{CheckReport, FileStatus, Issue};
use crate::domain::status::UnitState;
use crate::fsutil::InputError;
use crate::outputs::{self, MANIFEST, MANIFEST_COLUMNS};

/// A templates folder whose manifest cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{source}。--templates 应指向 duban templates 的输出文件夹")]
    Read {
        #[from]
        source: InputError,
    },
    #[error("{} 的第一行应为 {}", path.display(), MANIFEST_COLUMNS.join(","))]
    Header { path: PathBuf },
    #[error("{} 第 {line} 行：{message}", path.display())]
    Row {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{} 第 {line} 行：{source}", path.display())]
    Unit {
        path: PathBuf,
        line: usize,
        source: UnknownName,
    },
}

/// An attachment that cannot be sent as planned.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("附件 {} 不存在", path.display())]
    Missing { path: PathBuf },
    #[error(transparent)]
    Read(InputError),
    #[error("附件 {} 与 manifest.csv 记录的 SHA-256 不符（生成后被改动或替换过）；请重新生成模板", path.display())]
    Changed { path: PathBuf },
}

/// Where an attachment's bytes come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A file made by another command; `sha256` is the hash its maker recorded, if any.
    File {
        path: PathBuf,
        sha256: Option<String>,
    },
    /// Made for this message (a feedback workbook), to be written into the outbox.
    Made { file_name: String, bytes: Vec<u8> },
}

/// One message to make.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    /// Canonical unit or leader name.
    pub recipient: String,
    pub role: Role,
    /// Placeholder values known from the plan (count, status, problems …).
    pub vars: BTreeMap<&'static str, String>,
    pub attachments: Vec<Source>,
    /// Why this message cannot be sent, when it cannot.
    pub blocked: Option<String>,
}

impl Planned {
    fn new(recipient: &str, role: Role) -> Planned {
        Planned {
            recipient: recipient.to_string(),
            role,
            vars: BTreeMap::new(),
            attachments: Vec::new(),
            blocked: None,
        }
    }
}

/// One row of a templates manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestRow {
    pub unit: String,
    pub path: PathBuf,
    pub hosts: usize,
    pub co_units: usize,
    pub sha256: Option<String>,
    /// The round and deadline it was made for (manifests before these columns lack them).
    pub round: Option<String>,
    pub deadline: Option<String>,
}

/// What duban already knows of a round from its own outputs, so that it need not ask.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoundFacts {
    pub round: Option<String>,
    /// As recorded (YYYY-MM-DD).
    pub deadline: Option<String>,
}

/// The round and deadline of a templates folder: its manifest's 期次 and 截止时间, or
/// else the identity of the first template that still carries one (a manifest written
/// before it had those columns).
pub fn templates_facts(rows: &[ManifestRow]) -> RoundFacts {
    let first = |f: fn(&ManifestRow) -> &Option<String>| rows.iter().find_map(|r| f(r).clone());
    let mut facts = RoundFacts {
        round: first(|r| &r.round),
        deadline: first(|r| &r.deadline),
    };
    if facts.round.is_some() && facts.deadline.is_some() {
        return facts;
    }
    let limits = crate::read::Limits::default();
    for row in rows {
        let book = crate::fsutil::read_bounded(&row.path, limits.file_bytes)
            .ok()
            .and_then(|within| within.ok())
            .and_then(|bytes| crate::read::read_bytes(&bytes, &limits).ok());
        let Some(book) = book else { continue };
        let known = crate::template::read_facts(&book);
        let get = |k: &str| known.get(k).filter(|v| !v.is_empty()).cloned();
        facts.round = facts.round.or(get(crate::layout::key::ROUND));
        facts.deadline = facts.deadline.or(get(crate::layout::key::DEADLINE));
        if facts.round.is_some() {
            break;
        }
    }
    facts
}

/// The round of a merge folder: the round its one check report was made for.
pub fn merged_facts(dir: &Path) -> RoundFacts {
    let reports: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| outputs::is_check_report(&n.to_string_lossy()))
                })
                .collect()
        })
        .unwrap_or_default();
    let [only] = reports.as_slice() else {
        return RoundFacts::default();
    };
    let round = crate::fsutil::read_text(only)
        .ok()
        .and_then(|t| serde_json::from_str::<CheckReport>(&t).ok())
        .and_then(|r| r.round);
    RoundFacts {
        round,
        deadline: None,
    }
}

/// Reads DIR/manifest.csv as `duban templates` writes it; unit names go through the
/// registry (a hand-edited manifest may use an alias).
pub fn read_manifest(dir: &Path, catalog: &Catalog) -> Result<Vec<ManifestRow>, ManifestError> {
    let path = dir.join(MANIFEST);
    let text = crate::fsutil::read_text(&path)?;
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = r
        .headers()
        .map_err(|_| ManifestError::Header { path: path.clone() })?
        .clone();
    let col = |i: usize| header.iter().position(|h| h.trim() == MANIFEST_COLUMNS[i]);
    let (Some(cu), Some(cf)) = (col(0), col(1)) else {
        return Err(ManifestError::Header { path });
    };
    let (ch, cc, cs, cr, cd) = (col(2), col(3), col(4), col(5), col(6));
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| ManifestError::Row {
            path: path.clone(),
            line: i + 2,
            message: e.to_string(),
        })?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
        let unit = catalog
            .registry()
            .unit(&get(Some(cu)))
            .map_err(|source| ManifestError::Unit {
                path: path.clone(),
                line: i + 2,
                source,
            })?
            .name
            .clone();
        let sha = get(cs);
        let some = |s: String| (!s.is_empty()).then_some(s);
        out.push(ManifestRow {
            unit,
            path: dir.join(get(Some(cf))),
            hosts: get(ch).parse().unwrap_or(0),
            co_units: get(cc).parse().unwrap_or(0),
            sha256: some(sha.to_lowercase()),
            round: some(get(cr)),
            deadline: some(get(cd)),
        });
    }
    Ok(out)
}

/// `templates`: each unit in the manifest its workbook.
pub fn templates(rows: &[ManifestRow], round: &str) -> Vec<Planned> {
    rows.iter()
        .cloned()
        .map(|row| {
            let mut p = Planned::new(&row.unit, Role::Unit);
            p.vars
                .insert("count", (row.hosts + row.co_units).to_string());
            p.vars.insert("hosts", row.hosts.to_string());
            p.vars.insert("co_units", row.co_units.to_string());
            let file = row
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            if file != outputs::template(round, &row.unit) {
                p.blocked = Some(format!(
                    "{file} 不是本期（{round}）的模板：请确认 --round 或 --templates 文件夹"
                ));
            }
            p.attachments.push(Source::File {
                path: row.path,
                sha256: row.sha256,
            });
            p
        })
        .collect()
}

/// `summaries`: each leader of the catalog their `<round>_<leader>_分管任务进展.xlsx`, and
/// beside it their own 督办看板 page (`<round>_<leader>_督办看板.html`) when the merge made
/// one (a merge by an older duban did not).
pub fn summaries(dir: &Path, catalog: &Catalog, round: &str) -> Vec<Planned> {
    catalog
        .leaders()
        .iter()
        .map(|leader| {
            let mut p = Planned::new(leader, Role::Leader);
            p.vars
                .insert("count", catalog.tasks_of_leader(leader).count().to_string());
            p.attachments.push(Source::File {
                path: dir.join(outputs::leader_summary(round, leader)),
                sha256: None,
            });
            let page = dir.join(outputs::leader_board(round, leader));
            if page.is_file() {
                p.attachments.push(Source::File {
                    path: page,
                    sha256: None,
                });
            }
            p
        })
        .collect()
}

/// The return that stands for a unit: its latest one not superseded and not skipped.
/// `reminders`: each expected unit with no accepted return: those that sent nothing, then
/// those whose returns were all sent back. With `templates`, the unit's template is
/// attached again (units lose them).
pub fn reminders(
    report: &CheckReport,
    catalog: &Catalog,
    templates: Option<&[ManifestRow]>,
) -> Vec<Planned> {
    // A unit to remind has no accepted return: the one that stands is its latest.
    let standing = report.standing();
    report
        .units_to_remind()
        .map(|unit| {
            catalog
                .registry()
                .unit(unit)
                .map(|u| u.name.clone())
                .unwrap_or_else(|_| unit.clone())
        })
        // With the round's templates, only the units that were sent one (a --hosts-only
        // round sends none to the units that only assist).
        .filter(|unit| templates.is_none_or(|rows| rows.iter().any(|r| &r.unit == unit)))
        .map(|unit| {
            let mut p = Planned::new(&unit, Role::Unit);
            let tasks = catalog.tasks_of_unit(&unit);
            p.vars.insert("count", tasks.len().to_string());
            p.vars.insert(
                "hosts",
                tasks
                    .iter()
                    .filter(|t| t.1 == TaskRole::Host)
                    .count()
                    .to_string(),
            );
            p.vars.insert(
                "co_units",
                tasks
                    .iter()
                    .filter(|t| t.1 != TaskRole::Host)
                    .count()
                    .to_string(),
            );
            match standing.get(unit.as_str()) {
                Some(f) if f.status == FileStatus::Rejected => {
                    let errors: Vec<&Issue> = f.issues.iter().filter(|i| i.is_error()).collect();
                    p.vars.insert("status", "已报送但未通过校验".into());
                    p.vars.insert(
                        "problems",
                        format!(
                            "\n已收到的表格（{}）未通过校验，须修改的问题如下：\n{}\n",
                            file_name(&f.path),
                            problem_lines(&errors, 20)
                        ),
                    );
                }
                _ => {
                    p.vars.insert("status", UnitState::Missing.label().into());
                    p.vars.insert("problems", String::new());
                }
            }
            if let Some(rows) = templates {
                if let Some(row) = rows.iter().find(|r| r.unit == unit) {
                    p.attachments.push(Source::File {
                        path: row.path.clone(),
                        sha256: row.sha256.clone(),
                    });
                }
            }
            p
        })
        .collect()
}

/// `feedback`: each unit whose standing return has issues, its problem workbook attached.
/// Returns whose unit could not be told are listed in the second value: nobody to mail.
pub fn feedback(
    report: &CheckReport,
    round: &str,
    notes: &crate::write::feedback::FeedbackNotes,
) -> (Vec<Planned>, Vec<String>) {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for f in &report.files {
        // A file the office could not read is the office's matter: no mail to the unit.
        if f.superseded_by.is_some() || f.issues.is_empty() || f.unread_by_office() {
            continue;
        }
        let Some(unit) = f.unit.as_deref() else {
            unknown.push(format!(
                "{}：无法确定报送单位，未生成反馈邮件",
                f.path.display()
            ));
            continue;
        };
        let mut p = Planned::new(unit, Role::Unit);
        let refs: Vec<&Issue> = f.issues.iter().collect();
        let errors = f.errors();
        p.vars.insert("count", refs.len().to_string());
        p.vars.insert("errors", errors.to_string());
        p.vars.insert(
            "verdict",
            if f.status == FileStatus::Rejected {
                "未通过，请修改后重新报送".into()
            } else {
                "已通过，但有需要注意的地方".into()
            },
        );
        p.vars.insert("problems", graded_lines(&refs, 30));
        let file_name = outputs::feedback(Some(round), Some(unit), &f.path);
        match crate::write::feedback::feedback_workbook(f, Some(round), notes) {
            Ok(bytes) => p.attachments.push(Source::Made { file_name, bytes }),
            Err(e) => p.blocked = Some(format!("无法生成问题清单 {file_name}：{e}")),
        }
        out.push(p);
    }
    (out, unknown)
}

/// The problems in two parts, those that must be fixed (errors) and those that are only
/// reminders (warnings), each under its heading: a unit must see which it may leave.
pub fn graded_lines(issues: &[&Issue], max: usize) -> String {
    let (errors, warnings): (Vec<&Issue>, Vec<&Issue>) =
        issues.iter().copied().partition(|i| i.is_error());
    let mut parts = Vec::new();
    if !errors.is_empty() {
        parts.push(format!(
            "必须修改的问题（{} 处，不改不能通过）：\n{}",
            errors.len(),
            problem_lines(&errors, max)
        ));
    }
    if !warnings.is_empty() {
        let room = max.saturating_sub(errors.len()).max(5);
        parts.push(format!(
            "提醒（{} 处，请核实，不影响通过）：\n{}",
            warnings.len(),
            problem_lines(&warnings, room)
        ));
    }
    parts.join("\n\n")
}

/// Numbered problem lines, at most `max`, then how many more.
pub fn problem_lines(issues: &[&Issue], max: usize) -> String {
    let mut lines: Vec<String> = issues
        .iter()
        .take(max)
        .enumerate()
        .map(|(i, is)| {
            let place = is.place();
            let task = is.task.map(|t| format!("（任务 {t}）")).unwrap_or_default();
            let fix = if is.fix.is_empty() {
                String::new()
            } else {
                format!(" 怎么改：{}", is.fix)
            };
            format!("{}. {place}{task}：{}{fix}", i + 1, is.message)
        })
        .collect();
    if issues.len() > max {
        lines.push(format!("……另有 {} 处，详见附件", issues.len() - max));
    }
    lines.join("\n")
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads a planned attachment: the file, checked against its recorded hash.
pub fn read_source(s: &Source) -> Result<(PathBuf, String, Vec<u8>), AttachmentError> {
    match s {
        Source::Made { file_name, bytes } => {
            Ok((PathBuf::from(file_name), file_name.clone(), bytes.clone()))
        }
        Source::File { path, sha256 } => {
            let bytes = crate::fsutil::read(path).map_err(|e| {
                if e.is_not_found() {
                    AttachmentError::Missing { path: path.clone() }
                } else {
                    AttachmentError::Read(e)
                }
            })?;
            if let Some(want) = sha256 {
                if sha256_hex(&bytes) != *want {
                    return Err(AttachmentError::Changed { path: path.clone() });
                }
            }
            Ok((path.clone(), file_name(path), bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::Code;
    use crate::domain::report::{FileReport, Issue};

    fn issue(code: Code) -> Issue {
        let mut i = Issue::new(code, "推进状态为空", &[]);
        i.sheet = Some("任务进展".into());
        i.row = Some(5);
        i.col = Some(7);
        i.task = Some(3);
        i
    }

    fn file(path: &str, unit: &str, status: FileStatus, issues: Vec<Issue>) -> FileReport {
        FileReport {
            path: PathBuf::from(path),
            unit: Some(unit.into()),
            round: Some("R".into()),
            status,
            superseded_by: None,
            issues,
            received_at: None,
            sha256: None,
            data: None,
        }
    }

    #[test]
    fn reminders_tell_missing_from_rejected() {
        let cat = Catalog::embedded();
        let units: Vec<String> = cat.assignments().keys().take(3).cloned().collect();
        let report = CheckReport {
            round: Some("R".into()),
            files: vec![
                file("a.xlsx", &units[0], FileStatus::Accepted, vec![]),
                file(
                    "b.xlsx",
                    &units[1],
                    FileStatus::Rejected,
                    vec![issue(Code::StatusMissing)],
                ),
            ],
            missing_units: vec![units[2].clone()],
            rejected_units: vec![units[1].clone()],
            ..Default::default()
        };
        let plan = reminders(&report, &cat, None);
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[1].recipient, units[1]);
        assert_eq!(plan[1].vars["status"], "已报送但未通过校验");
        assert!(
            plan[1].vars["problems"].contains("任务进展!G5（任务 3）"),
            "{}",
            plan[1].vars["problems"]
        );
        assert_eq!(plan[0].vars["status"], "未报送");
        assert_eq!(
            plan[0].vars["count"],
            cat.tasks_of_unit(&units[2]).len().to_string()
        );
    }

    #[test]
    fn feedback_only_for_standing_returns_with_issues() {
        let cat = Catalog::embedded();
        let units: Vec<String> = cat.assignments().keys().take(3).cloned().collect();
        let mut old = file(
            "old.xlsx",
            &units[0],
            FileStatus::Rejected,
            vec![issue(Code::StatusMissing)],
        );
        old.superseded_by = Some(PathBuf::from("new.xlsx"));
        let mut nameless = file(
            "x.xlsx",
            "",
            FileStatus::Rejected,
            vec![issue(Code::UnitMissing)],
        );
        nameless.unit = None;
        let report = CheckReport {
            round: Some("R".into()),
            files: vec![
                old,
                file("new.xlsx", &units[0], FileStatus::Accepted, vec![]),
                file(
                    "c.xlsx",
                    &units[1],
                    FileStatus::Accepted,
                    vec![issue(Code::PhoneMissing)],
                ),
                file(
                    "d.xlsx",
                    &units[2],
                    FileStatus::Rejected,
                    vec![issue(Code::StatusMissing), issue(Code::PhoneMissing)],
                ),
                nameless,
            ],
            ..Default::default()
        };
        let (plan, unknown) = feedback(&report, "R", &Default::default());
        let who: Vec<&str> = plan.iter().map(|p| p.recipient.as_str()).collect();
        assert_eq!(who, [units[1].as_str(), units[2].as_str()]);
        assert_eq!(plan[1].vars["errors"], "1");
        assert_eq!(plan[1].vars["count"], "2");
        assert!(plan[1].vars["verdict"].starts_with("未通过"));
        // The must-fix problem apart from the reminder (issue 22).
        let problems = &plan[1].vars["problems"];
        let (must, remind) = problems.split_once("提醒（1 处").expect(problems);
        assert!(
            must.starts_with("必须修改的问题（1 处") && !must.contains("联系电话"),
            "{problems}"
        );
        assert!(remind.contains("联系电话"), "{problems}");
        assert!(
            matches!(&plan[1].attachments[0], Source::Made { file_name, bytes } if file_name.ends_with("问题清单.xlsx") && bytes.starts_with(b"PK"))
        );
        assert_eq!(unknown.len(), 1);
    }
}
