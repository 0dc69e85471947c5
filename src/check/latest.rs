//! Which of a unit's returns is the later one, when it sent several for the round.
//!
//! Times are compared as instants: when each return arrived (the mailbox's receipts) if
//! the office knows it for every one of them, else the time each workbook says it was
//! saved. Excel writes that time in UTC (`…Z`), LibreOffice in local time without a zone,
//! which is read in the office's zone. When the times cannot order the returns (one is
//! missing, or the latest two are equal), the file's own time and then its name decide,
//! and the unit's latest return says so (W-ORDER-UNCERTAIN), naming the others: a name
//! such as `报送(1).xlsx` or `（修改）` is recorded there as a hint, not taken as proof.
//! A return for another round never competes, nor an untouched template (模板未填写).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::{CheckOptions, Checked};
use crate::catalog::sha256_hex;
use crate::domain::codes::Code;
use crate::domain::report::Issue;

/// What the name of a resend often carries.
const RESEND_HINTS: &[&str] = &[
    "(1)", "(2)", "(3)", "（1）", "（2）", "修改", "更正", "最终", "终稿", "定稿", "新版", "重报",
];

/// One competing return and what orders it.
struct Candidate {
    i: usize,
    received: Option<Timestamp>,
    saved: Option<Timestamp>,
    file: Option<Timestamp>,
}

/// Marks all but the latest return of each unit for this round as superseded by it.
pub(super) fn supersede(checked: &mut [Checked], opts: &CheckOptions) {
    let mut by_unit: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in checked.iter().enumerate() {
        let r = &c.report;
        // Nor does the untouched template: it must not hide a filled return.
        let other_round = r.untouched() || r.issues.iter().any(|x| x.code == Code::RoundOther);
        if let (Some(unit), Some(_), false) = (&r.unit, &r.data, other_round) {
            by_unit.entry(unit.clone()).or_default().push(i);
        }
    }
    for (_, idx) in by_unit.into_iter().filter(|(_, v)| v.len() > 1) {
        let mut cands: Vec<Candidate> = idx.iter().map(|&i| candidate(checked, i, opts)).collect();
        // The basis every candidate has: arrival, else saved time, else none.
        let basis: fn(&Candidate) -> Option<Timestamp> =
            if cands.iter().all(|c| c.received.is_some()) {
                |c| c.received
            } else {
                |c| c.saved
            };
        let known = cands.iter().all(|c| basis(c).is_some());
        cands.sort_by(|a, b| {
            let key = |c: &Candidate| {
                (
                    if known { basis(c) } else { None },
                    c.file,
                    checked[c.i].report.path.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        let n = cands.len();
        let uncertain = !known || basis(&cands[n - 1]) == basis(&cands[n - 2]);
        let latest = cands[n - 1].i;
        let latest_path = checked[latest].report.path.clone();
        for c in &cands[..n - 1] {
            let report = &mut checked[c.i].report;
            report.superseded_by = Some(latest_path.clone());
            report.issues.push(Issue::new(
                Code::Superseded,
                format!(
                    "本单位另有更晚报送的文件 {}，本文件已被其取代（两份均保留）",
                    latest_path.display()
                ),
                &[],
            ));
        }
        if uncertain {
            let others: Vec<usize> = cands[..n - 1].iter().map(|c| c.i).collect();
            let warning = uncertain_order(checked, latest, &others, known, opts);
            checked[latest].report.issues.push(warning);
        }
    }
}

fn candidate(checked: &mut [Checked], i: usize, opts: &CheckOptions) -> Candidate {
    let c = &mut checked[i];
    // The workbook's saved time is read only now, for the few returns that compete.
    if let Some(data) = c.report.data.as_mut().filter(|d| d.modified.is_none()) {
        data.modified = c
            .input
            .bytes(&opts.limits)
            .ok()
            .and_then(|b| crate::read::read_modified(&b, &opts.limits).ok().flatten());
    }
    let saved = c
        .report
        .data
        .as_ref()
        .and_then(|d| d.modified.as_deref())
        .and_then(|m| crate::date::instant(m, opts.offset));
    let received = opts.received.get(&c.report.path).copied().or_else(|| {
        c.report
            .received_at
            .as_deref()
            .and_then(|t| crate::date::instant(t, opts.offset))
    });
    Candidate {
        i,
        received,
        saved,
        file: c.input.file_time(opts.offset),
    }
}

/// The warning on a unit's latest return when the times could not order its returns.
fn uncertain_order(
    checked: &mut [Checked],
    latest: usize,
    others: &[usize],
    known: bool,
    opts: &CheckOptions,
) -> Issue {
    let group: Vec<usize> = std::iter::once(latest)
        .chain(others.iter().copied())
        .collect();
    // By file name, or by path where two of the group share a name (copies in two folders).
    let short = |i: usize| checked[i].report.file_name();
    let twice = |i: usize| group.iter().filter(|&&j| short(j) == short(i)).count() > 1;
    let names: Vec<String> = (0..checked.len())
        .map(|i| {
            if group.contains(&i) && twice(i) {
                checked[i].report.path.display().to_string()
            } else {
                short(i)
            }
        })
        .collect();
    let name = |i: usize| names[i].clone();
    let why = if known {
        "保存时间相同"
    } else {
        "没有可比较的保存时间"
    };
    let mut message = format!(
        "本单位报送了 {} 份表格（{}），{why}，无法确定哪份最新；按文件时间和文件名认定 {} 为最新",
        others.len() + 1,
        listed(group.iter().map(|&i| name(i)).collect()),
        name(latest)
    );
    let hinted: Vec<String> = std::iter::once(latest)
        .chain(others.iter().copied())
        .map(name)
        .filter(|n| RESEND_HINTS.iter().any(|h| n.contains(h)))
        .collect();
    if !hinted.is_empty() {
        message.push_str(&format!(
            "；文件名像是重报的：{}（仅供参考）",
            listed(hinted)
        ));
    }
    for &i in std::iter::once(&latest).chain(others) {
        let c = &mut checked[i];
        if c.report.sha256.is_none() {
            c.report.sha256 = c.input.bytes(&opts.limits).ok().map(|b| sha256_hex(&b));
        }
    }
    let hash = |i: usize| checked[i].report.sha256.clone();
    let same: Vec<String> = others
        .iter()
        .filter(|&&i| hash(latest).is_some() && hash(i) == hash(latest))
        .map(|&i| names[i].clone())
        .collect();
    if !same.is_empty() {
        message.push_str(&format!("；内容与 {} 完全相同", listed(same)));
    }
    Issue::new(Code::OrderUncertain, message, &[])
}

/// Names joined for a message, at most [`LISTED`] of them: a unit that sent 500 copies
/// gets one readable line, not 500 names.
fn listed(names: Vec<String>) -> String {
    if names.len() <= LISTED {
        return names.join("、");
    }
    format!("{} 等 {} 份", names[..LISTED].join("、"), names.len())
}

/// At most this many file names in one warning.
const LISTED: usize = 5;
