//! The sample returns of `samples/returns/` (2020年第一季度) and `samples/returns-q2/`
//! (2020年第二季度): two rounds of the embedded 2020 catalog as the office receives them.
//! In the first quarter About two units in three return; most returns are
//! clean, with statuses mixed the way a first quarter looks (mostly 序时推进, some 已完成,
//! some 滞后 with their problems, a few 未启动) and 完成值 reported for the indicators; a
//! handful carry the mistakes clerks make; one unit sends twice; an Excel lock file and a
//! WPS .et file sit among them. In the second quarter tasks move on (some lagging tasks
//! catch up, others lag again), percents rise and the text is new, except where a clerk
//! copied last quarter's (照抄上期), lowered a percent or undid a 已完成; another set of
//! units is missing and one return comes after the deadline. Deterministic: the same bytes
//! on every run.
//!
//! usage: cargo run --example make_samples -- samples/returns [samples/returns-q2]
//!
//! [`plan`] also says what `duban check` must find in each file, for tests/samples.rs.
#![allow(dead_code)]

// tests/samples.rs includes this file, so the test binary loads returns.rs twice.
#[allow(clippy::duplicate_mod)]
#[path = "../tests/returns.rs"]
mod returns;

use std::path::Path;

use duban::catalog::{Catalog, Role};
use returns::{s, Return, V};

pub const ROUND: &str = "2020年第一季度";
/// The second sample round, checked against the first (a workspace's ledger holds it).
pub const ROUND_Q2: &str = "2020年第二季度";
/// The rounds' deadlines, as the bundled scripts give them.
pub const DEADLINES: [&str; 2] = ["2020-04-05", "2020-07-05"];

/// Which sample quarter: 1 or 2.
pub type Quarter = u32;

fn round_of(q: Quarter) -> &'static str {
    if q == 1 {
        ROUND
    } else {
        ROUND_Q2
    }
}

/// One file of the sample set and what the check must say about it.
pub struct Planned {
    /// The file written into the folder.
    pub file: String,
    /// The return as the check names it, when not the file itself (a member of an archive:
    /// `ARCHIVE.zip!name.xlsx`).
    pub reported: Option<String>,
    pub bytes: Vec<u8>,
    /// "accepted", "rejected", or "system" (a lock file: not a return, not reported).
    pub status: &'static str,
    /// Whether a later return of the same unit supersedes it.
    pub superseded: bool,
    /// The issue codes the check must give (each once, in any order).
    pub codes: Vec<&'static str>,
}

pub struct Plan {
    pub files: Vec<Planned>,
    /// Units with tasks that sent nothing.
    pub missing_units: Vec<String>,
    /// Units whose returns were all sent back.
    pub rejected_units: Vec<String>,
    /// Files that are not returns, as the check names them (非报表文件).
    pub ignored: Vec<String>,
}

/// What goes wrong in a unit's return.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Mistake {
    None,
    /// 正常推进 instead of 序时推进.
    StatusVariant,
    /// "80%" typed as text.
    PercentText,
    /// A task's row deleted.
    RowMissing,
    /// 完成进度 120.
    PercentOver,
    /// 已完成 with 60.
    DoneAt60,
    /// 工作进展 left empty on a hosted task.
    ProgressEmpty,
    /// Columns renamed to synonyms, moved, and one of the clerk's own inserted.
    ColumnsReworked,
    /// 联系电话 left blank.
    PhoneMissing,
    /// One 完成值 left blank.
    ValueMissing,
    /// Sent as a WPS .et file.
    EtFile,
    /// Sent twice: first with a status left blank, then corrected.
    SentTwice,
    /// Zipped on Chinese Windows (the member's name in GBK, no UTF-8 flag), with the
    /// stamped scan beside it.
    Zipped,
    /// Second quarter: every 工作进展 copied from the first quarter's return.
    Copied,
    /// Second quarter: a percent lower than the first quarter's.
    PercentDown,
    /// Second quarter: a task reported 已完成 in the first quarter now 滞后.
    DoneUndone,
    /// Second quarter: sent on 8 July, after the deadline (clean otherwise).
    Late,
}

/// The units that make the mistakes (all return), with the file name their clerk chose.
const MISTAKES: &[(&str, Mistake, Option<&str>)] = &[
    ("区发展改革局", Mistake::SentTwice, Some("区发改局报送")),
    ("区财政局", Mistake::StatusVariant, None),
    (
        "区商务局",
        Mistake::PercentText,
        Some("区商务局一季度工作进展"),
    ),
    (
        "区住房城乡建设局",
        Mistake::RowMissing,
        Some("区住建局报送"),
    ),
    ("区交通运输局", Mistake::PercentOver, None),
    ("区水务局", Mistake::DoneAt60, None),
    (
        "区农业农村局",
        Mistake::ProgressEmpty,
        Some("附件2：区农业农村局任务落实情况"),
    ),
    (
        "区教育和体育局",
        Mistake::ColumnsReworked,
        Some("区教体局2020年一季度任务进展（定稿）"),
    ),
    ("区民政局", Mistake::PhoneMissing, None),
    ("区人力资源社会保障局", Mistake::ValueMissing, None),
    ("区卫生健康局", Mistake::EtFile, Some("区卫健局任务进展")),
    ("新驿镇", Mistake::Zipped, Some("新驿镇报送材料")),
];

/// The second quarter's mistakes: units whose first-quarter return was accepted.
const MISTAKES_Q2: &[(&str, Mistake, Option<&str>)] = &[
    ("区财政局", Mistake::Copied, Some("区财政局二季度任务进展")),
    ("区民政局", Mistake::PercentDown, None),
    ("区工业和信息化局", Mistake::DoneUndone, None),
    ("区交通运输局", Mistake::PercentOver, None),
    ("鼓楼街道", Mistake::Late, Some("鼓楼街道办事处-二季度进展")),
];

/// Clean units whose clerk renamed the file anyway.
const CLERK_NAMES: &[(&str, &str)] = &[
    ("新兖镇", "新兖镇政府工作报告任务落实情况（一季度）"),
    ("区市场监管局", "市场监管局报送"),
    ("鼓楼街道", "鼓楼街道办事处-一季度进展"),
];

/// FNV-1a of a key and a number: the sample set's only source of variety.
fn h(key: &str, n: u32) -> u64 {
    let mut x: u64 = 0xcbf29ce484222325;
    for b in key.bytes().chain(n.to_le_bytes()) {
        x ^= b as u64;
        x = x.wrapping_mul(0x100000001b3);
    }
    x ^ (x >> 29)
}

fn pick<'a>(list: &[&'a str], key: &str, n: u32) -> &'a str {
    list[(h(key, n) % list.len() as u64) as usize]
}

#[derive(Clone, Copy, PartialEq)]
enum St {
    Done,
    OnSchedule,
    Lagging,
    NotStarted,
}

impl St {
    fn label(self) -> &'static str {
        match self {
            St::Done => "已完成",
            St::OnSchedule => "序时推进",
            St::Lagging => "滞后",
            St::NotStarted => "未启动",
        }
    }
}

/// A task's status in quarter `q`, the same for every unit on it (so whole tasks come out
/// done or lagging in the merge); a host may still report its own part lagging. In the
/// second quarter 已完成 stays, half the lagging and not started tasks catch up, a tenth of
/// the others are finished.
fn status(unit: &str, task: u32, role: Role, q: Quarter) -> St {
    let st = match h("status", task) % 20 {
        0 | 1 => St::Done,
        2 | 3 => St::Lagging,
        5 => St::NotStarted,
        _ => St::OnSchedule,
    };
    let st = match (q, st) {
        (1, st) | (_, st @ St::Done) => st,
        (_, St::Lagging | St::NotStarted) if h("catch up", task).is_multiple_of(2) => {
            St::OnSchedule
        }
        (_, St::Lagging | St::NotStarted) => St::Lagging,
        (_, St::OnSchedule) if h("finished", task).is_multiple_of(10) => St::Done,
        (_, st) => st,
    };
    let salt = if q == 1 { task } else { task + 1000 };
    if st == St::OnSchedule && role == Role::Host && h(unit, salt).is_multiple_of(25) {
        return St::Lagging;
    }
    st
}

/// The task's first clause, as units quote it.
fn topic(text: &str) -> String {
    let first = text
        .split(['，', '。', '；', '：'])
        .find(|p| p.chars().count() >= 4)
        .unwrap_or(text);
    let short: String = first.chars().take(18).collect();
    short.trim_matches(['“', '”', ' ']).to_string()
}

const STEPS_DONE: &[&str] = &[
    "已制定实施方案并印发，各项工作按节点完成",
    "已通过上级部门验收，相关资料整理归档",
    "年度目标提前完成，形成长效机制常态推进",
];
const STEPS_ON: &[&str] = &[
    "已制定实施方案，明确责任科室和时间节点",
    "召开专题调度会议 2 次，梳理形成任务清单",
    "对接上级主管部门，争取政策和资金支持",
    "完成前期调研，建立工作台账，实行周调度",
    "疫情防控期间采取线上方式推进，复工后加快实施",
];
const STEPS_MORE: &[&str] = &[
    "一季度完成年度计划的阶段目标",
    "已完成项目摸底和前期手续办理",
    "已开展督导检查 3 次，发现问题全部整改到位",
    "相关配套政策正在起草，拟于二季度出台",
];
const PROBLEMS: &[&str] = &[
    "受新冠肺炎疫情影响，施工队伍未能按期返岗，开工时间推迟。",
    "项目资金尚未全部落实，配套政策待上级明确。",
    "用地手续审批周期较长，目前仍在办理中。",
    "涉及部门较多，协调推进难度大，进度慢于计划。",
];
const NEXT_ON: &[&str] = &[
    "继续按照时间节点推进，确保二季度完成阶段任务。",
    "加强调度督导，及时解决推进中遇到的问题。",
    "强化部门协作，做好资料收集和上报工作。",
];
const NEXT_LAG: &[&str] = &[
    "倒排工期、挂图作战，力争二季度追回进度。",
    "积极对接上级部门，加快手续办理，确保尽快开工。",
];

const STEPS_Q2: &[&str] = &[
    "二季度组织实施单位倒排工期，逐项落实节点任务",
    "4月以来先后开展现场调度 3 次，协调解决用地和资金问题",
    "二季度完成项目招标并进场施工，形成月调度、季通报机制",
    "5月起联合相关部门开展专项督导，问题清单逐项销号",
];
const RESULTS_Q2: &[&str] = &[
    "截至6月底，完成年度计划的一半以上",
    "上半年累计完成投资和工作量均达到时序要求",
    "截至6月底，主体工作基本完成，进入验收准备阶段",
];
const NEXT_Q2: &[&str] = &[
    "三季度继续加压推进，确保完成前三季度目标。",
    "紧盯时间节点，每月调度一次，确保按期完成。",
];

/// One task row's input cells in quarter `q`: (status, percent, progress, problems, next
/// steps). Percents only rise from the first quarter to the second.
fn row_values(
    unit: &str,
    task: u32,
    text: &str,
    role: Role,
    q: Quarter,
) -> (St, f64, String, String, String) {
    let st = status(unit, task, role, q);
    let t = topic(text);
    let k = |salt: u32| task * 31 + salt;
    let first = |st: St| match st {
        St::Done => 100.0,
        St::NotStarted => 0.0,
        St::Lagging => (5 + 5 * (h(unit, k(1)) % 4)) as f64,
        St::OnSchedule => (20 + 5 * (h(unit, k(2)) % 6)) as f64,
    };
    let pct = match (q, st) {
        (1, st) => first(st),
        (_, St::Done) => 100.0,
        (_, St::NotStarted) => 0.0,
        // At least last quarter's, whatever it was.
        (_, St::Lagging) => first(status(unit, task, role, 1)).min(45.0) + 5.0,
        (_, St::OnSchedule) => (50 + 5 * (h(unit, k(12)) % 6)) as f64,
    };
    if q > 1 {
        let progress = match (role, st) {
            (Role::Host, St::Done) if status(unit, task, role, 1) == St::Done => format!(
                "该项任务已于一季度完成，二季度巩固提升成果，{}。",
                pick(STEPS_Q2, unit, k(13))
            ),
            (Role::Host, St::Done) => format!(
                "{}，“{t}”目标任务已全部完成，相关资料已整理归档。",
                pick(STEPS_Q2, unit, k(13))
            ),
            (Role::Host, St::OnSchedule) => format!(
                "{}。\n{}。",
                pick(STEPS_Q2, unit, k(13)),
                pick(RESULTS_Q2, unit, k(14))
            ),
            (Role::Host, _) => format!(
                "{}，但受资金和手续制约，整体进度仍慢于计划。",
                pick(STEPS_Q2, unit, k(13))
            ),
            (Role::CoUnit, _) if h(unit, k(15)).is_multiple_of(4) => String::new(),
            (Role::CoUnit, _) => format!(
                "二季度参加牵头单位调度会 {} 次，提供本单位负责部分的数据和材料。",
                1 + h(unit, k(16)) % 3
            ),
        };
        let problems = match st {
            St::Lagging => pick(PROBLEMS, unit, k(17)).to_string(),
            _ => String::new(),
        };
        let next = match st {
            St::Lagging => pick(NEXT_LAG, unit, k(18)).to_string(),
            St::Done => "巩固成果，做好总结。".to_string(),
            _ => pick(NEXT_Q2, unit, k(18)).to_string(),
        };
        return (st, pct, progress, problems, next);
    }
    let progress = match (role, st) {
        (Role::Host, St::Done) => format!(
            "围绕“{t}”，{}。\n{}。",
            pick(STEPS_ON, unit, k(3)),
            pick(STEPS_DONE, unit, k(4))
        ),
        (Role::Host, St::OnSchedule) => format!(
            "围绕“{t}”，{}。\n{}。",
            pick(STEPS_ON, unit, k(3)),
            pick(STEPS_MORE, unit, k(4))
        ),
        (Role::Host, St::Lagging) => format!(
            "围绕“{t}”，已启动前期工作，{}，但进度慢于计划。",
            pick(STEPS_ON, unit, k(3))
        ),
        (Role::Host, St::NotStarted) => {
            "该任务按年度计划于下半年集中实施，目前正在开展前期准备。".to_string()
        }
        (Role::CoUnit, _) if h(unit, k(5)).is_multiple_of(4) => String::new(),
        (Role::CoUnit, _) => format!(
            "配合牵头单位做好“{t}”相关工作，按要求报送材料 {} 次。",
            1 + h(unit, k(6)) % 3
        ),
    };
    let problems = match st {
        St::Lagging => pick(PROBLEMS, unit, k(7)).to_string(),
        St::OnSchedule if h(unit, k(8)).is_multiple_of(5) => "无".to_string(),
        _ => String::new(),
    };
    let next = match st {
        St::Lagging => pick(NEXT_LAG, unit, k(9)).to_string(),
        St::Done => "巩固成果，做好总结。".to_string(),
        St::NotStarted => "按计划启动实施。".to_string(),
        St::OnSchedule => pick(NEXT_ON, unit, k(9)).to_string(),
    };
    (st, pct, progress, problems, next)
}

/// A clean, realistic return of `unit` in quarter `q`.
fn realistic(cat: &Catalog, unit: &str, q: Quarter) -> Return {
    let mut r = Return::clean(cat, unit, round_of(q), false);
    for (n, role) in cat.tasks_of_unit(unit) {
        let t = cat.task(*n).unwrap();
        let (st, pct, progress, problems, next) = row_values(unit, *n, &t.text, *role, q);
        r.set(*n, "推进状态", s(st.label()))
            .set(*n, "完成进度(%)", V::N(pct))
            .set(*n, "工作进展", V::S(progress))
            .set(*n, "存在问题", V::S(problems))
            .set(*n, "下步措施", V::S(next));
    }
    for (task, name, v) in &mut r.indicators {
        let ind = cat
            .task(*task)
            .unwrap()
            .indicators
            .iter()
            .find(|i| i.name == *name)
            .unwrap();
        let frac = match status(unit, *task, Role::Host, q) {
            St::Done => 1.0,
            St::NotStarted => 0.0,
            _ => 0.15 * q as f64 + (h(unit, *task) % 20) as f64 / 100.0,
        };
        let x = ind.target * frac;
        // Counts are whole; rates and amounts keep one decimal.
        *v = V::N(if ind.unit == "%" || ind.target.fract() != 0.0 {
            (x * 10.0).round() / 10.0
        } else {
            x.round()
        });
    }
    let (filler, phone) = [
        ("王晓明", "0537-3412345"),
        ("张丽", "13853712468"),
        ("刘洋", "0537-3418826"),
        ("陈静", "15965788231"),
        ("赵凯", "0537-3462015"),
    ][(h(unit, 0) % 5) as usize];
    r.filler = s(filler);
    r.phone = s(phone);
    r.reviewer = s(["李建国", "孙志刚", "周海燕"][(h(unit, 1) % 3) as usize]);
    // Sent in the last days before the deadline (30 March to 5 April, 29 June to 5 July),
    // during office hours.
    let (before, last_day) = if q == 1 { (3, 30) } else { (6, 29) };
    // 9:00 to 16:00 in Beijing; the workbook records its time in UTC, as Excel does.
    let hour = 9 + (h(unit, 3) % 8) as u16 - 8;
    r.modified = Some(if h(unit, 2) % 7 < 2 {
        (2020, before, last_day + (h(unit, 4) % 2) as u8, hour)
    } else {
        (2020, before + 1, 1 + (h(unit, 4) % 5) as u8, hour)
    });
    r
}

fn first_hosted(cat: &Catalog, unit: &str) -> u32 {
    cat.tasks_of_unit(unit)
        .iter()
        .find(|(_, r)| *r == Role::Host)
        .unwrap_or_else(|| panic!("{unit} hosts no task"))
        .0
}

/// Moves a column (title and cells) to just before another.
fn move_column(r: &mut Return, title: &str, before: &str) {
    let from = r.col(title);
    let h = r.header.remove(from);
    let cells: Vec<V> = r.rows.iter_mut().map(|row| row.remove(from)).collect();
    let to = r.col(before);
    r.header.insert(to, h);
    for (row, v) in r.rows.iter_mut().zip(cells) {
        row.insert(to, v);
    }
}

/// The first quarter's sample set, file by file, with what the check must say.
pub fn plan(cat: &Catalog) -> Plan {
    plan_for(cat, 1)
}

/// The second quarter's: what the check must say given the first quarter's merge.
pub fn plan_q2(cat: &Catalog) -> Plan {
    plan_for(cat, 2)
}

/// The first hosted task whose first-quarter status was `st`.
fn hosted_with(cat: &Catalog, unit: &str, st: St) -> u32 {
    cat.tasks_of_unit(unit)
        .iter()
        .find(|(n, r)| *r == Role::Host && status(unit, *n, Role::Host, 1) == st)
        .unwrap_or_else(|| panic!("{unit} hosts no task {}", st.label()))
        .0
}

fn plan_for(cat: &Catalog, q: Quarter) -> Plan {
    let round = round_of(q);
    let standard = |unit: &str| format!("{round}_{unit}_任务进展填报表.xlsx");
    let (mistakes, clerks) = if q == 1 {
        (MISTAKES, CLERK_NAMES)
    } else {
        (MISTAKES_Q2, &[][..])
    };
    let mut files = Vec::new();
    let mut missing = Vec::new();
    let mut rejected_units = Vec::new();
    let mut ignored = Vec::new();
    let units: Vec<&String> = cat.assignments().keys().collect();
    for (i, unit) in units.iter().enumerate() {
        let unit = unit.as_str();
        let mistake = mistakes.iter().find(|m| m.0 == unit);
        // One unit in three (other than the mistaken ones) does not return in the first
        // quarter, one in four in the second (some of them again).
        if mistake.is_none() && i % (q as usize + 2) == 1 {
            missing.push(unit.to_string());
            continue;
        }
        let (kind, clerk) = mistake.map_or((Mistake::None, None), |m| (m.1, m.2));
        let clerk = clerk.or(clerks.iter().find(|c| c.0 == unit).map(|c| c.1));
        let name = clerk.map_or_else(|| standard(unit), |c| format!("{c}.xlsx"));
        let mut r = realistic(cat, unit, q);
        let first_quarter = MISTAKES.iter().find(|m| m.0 == unit).map(|m| m.1);
        if q == 2 && first_quarter == Some(Mistake::PercentText) {
            // Its "80%" of the first quarter stands: this quarter's figure is above it.
            let task = first_hosted(cat, unit);
            r.set(task, "推进状态", s("序时推进"))
                .set(task, "完成进度(%)", V::N(85.0));
        }
        let mut codes = Vec::new();
        let host = if matches!(kind, Mistake::None | Mistake::Late | Mistake::Copied) {
            0
        } else {
            first_hosted(cat, unit)
        };
        match kind {
            Mistake::None => {}
            Mistake::StatusVariant => {
                r.set(host, "推进状态", s("正常推进"));
                if !matches!(status(unit, host, Role::Host, q), St::OnSchedule) {
                    r.set(host, "完成进度(%)", V::N(30.0));
                }
                codes.push("W-STATUS-NORMALISED");
            }
            Mistake::PercentText => {
                r.set(host, "推进状态", s("序时推进"))
                    .set(host, "完成进度(%)", s("80%"));
                codes.push("W-PERCENT-NORMALISED");
            }
            Mistake::RowMissing => {
                let last = cat.tasks_of_unit(unit).last().unwrap().0;
                let i = r.row_of(last);
                r.rows.remove(i);
                codes.push("E-TASK-MISSING");
            }
            Mistake::PercentOver => {
                r.set(host, "推进状态", s("序时推进"))
                    .set(host, "完成进度(%)", V::N(120.0));
                codes.push("E-PERCENT-RANGE");
            }
            Mistake::DoneAt60 => {
                r.set(host, "推进状态", s("已完成"))
                    .set(host, "完成进度(%)", V::N(60.0))
                    .set(host, "存在问题", s(""));
                codes.push("E-DONE-NOT-100");
            }
            Mistake::ProgressEmpty => {
                r.set(host, "工作进展", V::Empty);
                codes.push("E-PROGRESS-MISSING");
            }
            Mistake::ColumnsReworked => {
                r.rename_column("工作进展", "进展情况")
                    .rename_column("推进状态", "完成状态")
                    .rename_column("下步措施", "下一步工作")
                    .insert_column("进展情况", "责任科室", s("综合科"));
                move_column(&mut r, "备注", "完成状态");
                r.extra_top_rows = 1;
            }
            Mistake::PhoneMissing => {
                r.phone = V::Empty;
                codes.push("W-PHONE-MISSING");
            }
            Mistake::ValueMissing => {
                let i = r
                    .indicators
                    .iter()
                    .position(|_| true)
                    .unwrap_or_else(|| panic!("{unit} reports no indicator"));
                r.indicators[i].2 = V::Empty;
                codes.push("W-VALUE-MISSING");
            }
            Mistake::Copied => {
                let before = realistic(cat, unit, 1);
                let col = r.col("工作进展");
                for (n, role) in cat.tasks_of_unit(unit) {
                    let was = before.rows[before.row_of(*n)][col].clone();
                    if *role == Role::Host || was != V::S(String::new()) {
                        let i = r.row_of(*n);
                        r.rows[i][col] = was;
                    }
                }
                codes.push("W-PROGRESS-COPIED");
            }
            Mistake::PercentDown => {
                let task = hosted_with(cat, unit, St::OnSchedule);
                r.set(task, "推进状态", s("序时推进"))
                    .set(task, "完成进度(%)", V::N(15.0));
                codes.push("W-PERCENT-DOWN");
            }
            Mistake::DoneUndone => {
                let task = hosted_with(cat, unit, St::Done);
                r.set(task, "推进状态", s("滞后"))
                    .set(task, "完成进度(%)", V::N(100.0))
                    .set(
                        task,
                        "存在问题",
                        s("上级部门验收时提出整改意见，需重新组织实施。"),
                    );
                codes.push("W-DONE-UNDONE");
                // 滞后 at 100 %: the two disagree (the bulletin printed "滞后，完成100%").
                codes.push("W-LAGGING-AT-100");
            }
            Mistake::Late => {
                r.modified = Some((2020, 7, 8, 7));
            }
            Mistake::EtFile => {
                let name = format!("{}.et", clerk.unwrap());
                files.push(Planned {
                    file: name,
                    reported: None,
                    bytes: r.bytes(),
                    status: "rejected",
                    superseded: false,
                    codes: vec!["E-FILE-FORMAT"],
                });
                // The file's name says who sent it: the unit did report.
                rejected_units.push(unit.to_string());
                continue;
            }
            Mistake::Zipped => {
                let zip = format!("{}.zip", clerk.unwrap());
                let member = format!("{unit}一季度任务进展.xlsx");
                let scan = "盖章扫描件.pdf";
                let bytes = gbk_zip(&[(&member, r.bytes()), (scan, b"%PDF-1.4 scan".to_vec())]);
                files.push(Planned {
                    file: zip.clone(),
                    reported: Some(format!("{zip}!{member}")),
                    bytes,
                    status: "accepted",
                    superseded: false,
                    codes: vec![],
                });
                ignored.push(format!("{zip}!{scan}"));
                continue;
            }
            Mistake::SentTwice => {
                let mut first = r.clone();
                first.set(host, "推进状态", V::Empty);
                first.modified = Some((2020, 4, 2, 2));
                files.push(Planned {
                    file: format!("{}.xlsx", clerk.unwrap()),
                    reported: None,
                    bytes: first.bytes(),
                    status: "rejected",
                    superseded: true,
                    codes: vec!["E-STATUS-MISSING", "W-SUPERSEDED"],
                });
                r.modified = Some((2020, 4, 3, 8));
                let name = format!("{}（修改）.xlsx", clerk.unwrap());
                files.push(Planned {
                    file: name,
                    reported: None,
                    bytes: r.bytes(),
                    status: "accepted",
                    superseded: false,
                    codes: vec![],
                });
                continue;
            }
        }
        let rejected = codes.iter().any(|c| c.starts_with("E-"));
        if rejected {
            rejected_units.push(unit.to_string());
        }
        files.push(Planned {
            file: name,
            reported: None,
            bytes: r.bytes(),
            status: if rejected { "rejected" } else { "accepted" },
            superseded: false,
            codes,
        });
    }
    // The lock file Excel leaves beside a workbook it has open: 165 bytes, the user first.
    if q == 1 {
        let mut lock = vec![6u8];
        lock.extend_from_slice(b"wangxm");
        lock.resize(165, b' ');
        files.push(Planned {
            file: format!("~${}", standard("区科技局")),
            reported: None,
            bytes: lock,
            status: "system",
            superseded: false,
            codes: vec![],
        });
    }
    files.sort_by(|a, b| a.file.cmp(&b.file));
    let order = |u: &String| units.iter().position(|x| *x == u);
    rejected_units.sort_by_key(order);
    Plan {
        files,
        missing_units: missing,
        rejected_units,
        ignored,
    }
}

/// A zip as Windows' built-in zip makes it on a Chinese system: member names in GBK,
/// without the UTF-8 flag; fixed times, so the bytes are the same on every run.
fn gbk_zip(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let time = zip::DateTime::from_date_and_time(2020, 4, 3, 10, 12, 0).unwrap();
    for (name, data) in members {
        let (gbk, _, _) = encoding_rs::GBK.encode(name);
        let opts = zip::write::SimpleFileOptions::default()
            .last_modified_time(time)
            .name(&gbk);
        w.start_file_with_options(opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Writes the plan's files into `dir` (created), replacing what is there.
pub fn write(plan: &Plan, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for f in &plan.files {
        std::fs::write(dir.join(&f.file), &f.bytes).unwrap();
    }
}

fn main() {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    assert!(
        (1..=2).contains(&dirs.len()),
        "usage: make_samples Q1_DIR [Q2_DIR]"
    );
    let cat = Catalog::embedded();
    for (dir, p) in dirs.iter().zip([plan(&cat), plan_q2(&cat)]) {
        write(&p, Path::new(dir));
        let count = |s: &str| p.files.iter().filter(|f| f.status == s).count();
        println!(
            "{} files in {dir}: {} accepted, {} rejected, {} system; {} units missing, {} sent back",
            p.files.len(),
            count("accepted"),
            count("rejected"),
            count("system"),
            p.missing_units.len(),
            p.rejected_units.len()
        );
    }
}
