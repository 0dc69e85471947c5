//! The name of every file duban writes, in one place: the commands that write a file and
//! the commands that read or mail it take its name from here, so they cannot disagree.
//!
//! Names are Chinese, as the office files them (`2020年第一季度_汇总.xlsx`); every part
//! that comes from outside (a round, a unit, a leader) is made safe for Windows file names.

use std::path::{Path, PathBuf};

/// The list of templates written beside them (unit, file, tasks, sha256).
pub const MANIFEST: &str = "manifest.csv";
/// Its columns: unit, file name (in the same folder), tasks as host, tasks as co-unit,
/// SHA-256 of the file, the round and the deadline (YYYY-MM-DD) the template was made for
/// (so that `mail templates` need not be told them again).
pub const MANIFEST_COLUMNS: &[&str] = &[
    "单位",
    "文件",
    "主办任务数",
    "协办任务数",
    "sha256",
    "期次",
    "截止时间",
];

/// The workspace's ledger (台账): one SQLite file.
pub const LEDGER: &str = "督办台账.db";

/// The ledger's workbook in a workspace (`ledger export` without `-o`).
pub const LEDGER_WORKBOOK: &str = "台账.xlsx";

/// The score workbook (`duban score`): `考核得分.xlsx` for the year, `<期次>_考核得分.xlsx`
/// for one round.
pub fn scores(round: Option<&str>) -> String {
    match round {
        Some(r) => format!("{}_考核得分.xlsx", file_part(r)),
        None => "考核得分.xlsx".to_string(),
    }
}

/// The mail outbox's log of every attempt.
pub const SENT_LOG: &str = "sent-log.jsonl";
/// The outbox's folder for attachments made for a message (problem lists).
pub const OUTBOX_ATTACHMENTS: &str = "附件";

/// A name part made safe for a file name on every system: characters Windows refuses
/// and control characters become `_`, bidi controls go ([`crate::untrusted::name_char`]).
pub fn file_part(s: &str) -> String {
    s.trim()
        .chars()
        .filter_map(crate::untrusted::name_char)
        .collect()
}

/// A unit's template: `<期次>_<单位>_任务进展填报表.xlsx`.
pub fn template(round: &str, unit: &str) -> String {
    format!(
        "{}_{}_任务进展填报表.xlsx",
        file_part(round),
        file_part(unit)
    )
}

/// The consolidated workbook: `<期次>_汇总.xlsx`.
pub fn consolidated(round: &str) -> String {
    format!("{}_汇总.xlsx", file_part(round))
}

/// The detail CSV: `<期次>_明细.csv`.
pub fn detail_csv(round: &str) -> String {
    format!("{}_明细.csv", file_part(round))
}

/// The merge's result as data (the ledger and the bulletin read it): `<期次>_汇总.json`.
pub fn merge_summary(round: &str) -> String {
    format!("{}_汇总.json", file_part(round))
}

/// The round's bulletin (通报): `<期次>_督查通报.docx` (in a workspace, under `rounds/<期次>/`).
pub fn bulletin(round: &str) -> String {
    format!("{}_督查通报.docx", file_part(round))
}

/// A round's folder of problem lists (`check` in a workspace writes them there).
pub const FEEDBACK_DIR: &str = "问题清单";

/// The mailbox's receipts in a returns folder: one JSON line per attachment saved.
pub const RECEIPTS: &str = "收件记录.jsonl";

/// What a collected file is named for when its sender's unit is not known.
pub const UNKNOWN_SENDER: &str = "未识别发件人";

/// A workspace's folder for returns of rounds not registered yet (`collect` files them
/// there, `round new` takes them into the round's 回收/).
pub const WAITING: &str = "待归期";

/// The longest name given to a collected file, in bytes (ext4 allows 255; a Chinese
/// character is 3 bytes here and 1 unit of Windows' 255).
const MAX_COLLECTED: usize = 200;

/// An attachment saved from the mailbox: `<收到时间 YYYYMMDD-HHMMSS>_<单位>_<原文件名>`.
/// The sent name is untrusted: separators and characters Windows refuses become `_`,
/// trailing dots and spaces go, and a long name is shortened keeping its extension.
///
/// ```
/// use duban::outputs::collected;
/// assert_eq!(
///     collected("20200403-100000", "区科技局", "../报表.xlsx"),
///     "20200403-100000_区科技局_.._报表.xlsx"
/// );
/// let long = collected("20200403-100000", "区科技局", &format!("{}.xlsx", "表".repeat(90)));
/// assert!(long.len() <= 200 && long.ends_with("表.xlsx"));
/// ```
pub fn collected(received: &str, unit: &str, original: &str) -> String {
    let name = file_part(original);
    let name = crate::untrusted::windows_trim(&name);
    let name = if name.is_empty() { "附件" } else { name };
    let full = format!("{}_{}_{name}", file_part(received), file_part(unit));
    if full.len() <= MAX_COLLECTED {
        return full;
    }
    let ext = full
        .rfind('.')
        .map(|i| &full[i..])
        .filter(|e| e.len() <= 16)
        .unwrap_or("");
    let mut cut = MAX_COLLECTED - ext.len();
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{ext}", &full[..cut])
}

/// A name for the `n`-th attachment of a message that was sent without one: `未命名附件2.xlsx`
/// (`ext` with its dot, or empty).
pub fn unnamed_attachment(n: usize, ext: &str) -> String {
    format!("未命名附件{n}{ext}")
}

/// The `n`-th file of one name in a folder: `报表_2.xlsx`.
pub fn numbered(name: &str, n: usize) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}_{n}.{ext}"),
        _ => format!("{name}_{n}"),
    }
}

/// Each expected unit's reporting state: `<期次>_报送情况.csv`.
pub fn unit_states_csv(round: &str) -> String {
    format!("{}_报送情况.csv", file_part(round))
}

/// The check report of a merge: `<期次>_校验报告.json`.
pub fn check_report(round: &str) -> String {
    format!("{}{CHECK_REPORT_SUFFIX}", file_part(round))
}

const CHECK_REPORT_SUFFIX: &str = "_校验报告.json";

/// Whether a file name is a merge's check report (of any round).
pub fn is_check_report(name: &str) -> bool {
    name.len() > CHECK_REPORT_SUFFIX.len() && name.ends_with(CHECK_REPORT_SUFFIX)
}

/// A leader's summary: `<期次>_<领导>_分管任务进展.xlsx`.
pub fn leader_summary(round: &str, leader: &str) -> String {
    format!(
        "{}_{}_分管任务进展.xlsx",
        file_part(round),
        file_part(leader)
    )
}

/// The round's 督办看板, one self-contained HTML page: `<期次>_督办看板.html`.
pub fn board(round: &str) -> String {
    format!("{}_督办看板.html", file_part(round))
}

/// A leader's own page of their tasks: `<期次>_<领导>_督办看板.html`.
pub fn leader_board(round: &str, leader: &str) -> String {
    format!("{}_{}_督办看板.html", file_part(round), file_part(leader))
}

/// The problem list sent back for one return: `<期次>_<单位>_问题清单.xlsx`, or, when the
/// unit could not be told, named after the returned file.
pub fn feedback(round: Option<&str>, unit: Option<&str>, return_path: &Path) -> String {
    let who = match unit {
        Some(u) => file_part(u),
        None => file_part(
            &return_path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
    };
    match round {
        Some(r) if !r.trim().is_empty() => format!("{}_{who}_问题清单.xlsx", file_part(r)),
        _ => format!("{who}_问题清单.xlsx"),
    }
}

/// A message previewed in the outbox: `<期次>_<种类>_<收件人>.eml`.
pub fn eml(round: &str, kind: &str, recipient: &str) -> String {
    format!(
        "{}_{}_{}.eml",
        file_part(round),
        file_part(kind),
        file_part(recipient)
    )
}

/// The files of one merge, in the order they are written.
#[derive(Clone, Debug)]
pub struct MergeOutputs {
    pub workbook: PathBuf,
    pub csv: PathBuf,
    pub units: PathBuf,
    pub report: PathBuf,
    pub summary: PathBuf,
    /// (leader, path) in catalog order.
    pub leaders: Vec<(String, PathBuf)>,
    /// The round's 督办看板 page.
    pub board: PathBuf,
    /// (leader, their page) in catalog order.
    pub leader_boards: Vec<(String, PathBuf)>,
}

impl MergeOutputs {
    pub fn new<'a>(dir: &Path, round: &str, leaders: impl IntoIterator<Item = &'a str>) -> Self {
        let leaders: Vec<&str> = leaders.into_iter().collect();
        MergeOutputs {
            board: dir.join(board(round)),
            leader_boards: (leaders.iter())
                .map(|l| (l.to_string(), dir.join(leader_board(round, l))))
                .collect(),
            workbook: dir.join(consolidated(round)),
            csv: dir.join(detail_csv(round)),
            units: dir.join(unit_states_csv(round)),
            report: dir.join(check_report(round)),
            summary: dir.join(merge_summary(round)),
            leaders: leaders
                .into_iter()
                .map(|l| (l.to_string(), dir.join(leader_summary(round, l))))
                .collect(),
        }
    }

    /// Every path, workbook first.
    pub fn all(&self) -> impl Iterator<Item = &PathBuf> {
        [
            &self.workbook,
            &self.csv,
            &self.units,
            &self.report,
            &self.summary,
        ]
        .into_iter()
        .chain(self.leaders.iter().map(|(_, p)| p))
        .chain([&self.board])
        .chain(self.leader_boards.iter().map(|(_, p)| p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_agree() {
        assert_eq!(
            template("2020/一季度", "区科技局"),
            "2020_一季度_区科技局_任务进展填报表.xlsx"
        );
        assert_eq!(
            leader_summary("2020年第一季度", "褚福梅"),
            "2020年第一季度_褚福梅_分管任务进展.xlsx"
        );
        assert_eq!(
            feedback(Some("R"), Some("区科技局"), Path::new("x/任意.xlsx")),
            "R_区科技局_问题清单.xlsx"
        );
        assert_eq!(
            feedback(None, None, Path::new("x/报送.xlsx")),
            "报送_问题清单.xlsx"
        );
        assert_eq!(bulletin("2020年第一季度"), "2020年第一季度_督查通报.docx");
        let o = MergeOutputs::new(Path::new("out"), "R", ["甲"]);
        // Five files, the round's page, and per leader a workbook and a page.
        assert_eq!(o.all().count(), 8);
        assert_eq!(board("R/1"), "R_1_督办看板.html");
        assert_eq!(leader_board("R", "甲"), "R_甲_督办看板.html");
    }
}
