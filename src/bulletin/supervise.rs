//! The 督办单: the written order a task lagging round after round gets (`duban escalate`),
//! to its host units and copied to its leaders, blue, yellow or red by how many rounds it
//! has lagged running; laid out as a 公文 by the one GB/T 9704 writer.

use jiff::tz::Offset;

use crate::catalog::Task;
use crate::date::Date;
use crate::docx::{self, Align, Block, Column, DocxError, Options, Table};
use crate::domain::history::TaskRound;

/// How pressing a 督办单 is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Blue,
    Yellow,
    Red,
}

impl Level {
    /// 蓝色督办, 黄色督办, 红色督办.
    pub fn label(self) -> &'static str {
        match self {
            Level::Blue => "蓝色",
            Level::Yellow => "黄色",
            Level::Red => "红色",
        }
    }
}

/// What one 督办单 says.
pub struct Supervise<'a> {
    /// 督办〔2020〕1号.
    pub number: &'a str,
    pub task: &'a Task,
    pub round: &'a str,
    pub level: Level,
    /// Rounds lagging running.
    pub streak: u32,
    /// The task's record round by round, up to this round.
    pub history: &'a [TaskRound],
    /// (unit, 存在问题) as the hosts reported them this round.
    pub problems: &'a [(String, String)],
    /// The day the 整改 answer is due.
    pub due: Date,
    pub today: Date,
    pub office: &'a str,
}

/// The number of the `n`th 督办单 of `year`.
pub fn number(year: i32, n: u32) -> String {
    format!("{}{n}号", prefix(year))
}

/// What every number of `year`'s series starts with.
pub fn prefix(year: i32) -> String {
    format!("督办〔{year}〕")
}

/// The 督办单 as .docx bytes.
///
/// # Errors
/// [`DocxError`] for a table that cannot be laid out.
pub fn supervise_docx(s: &Supervise<'_>, offset: Offset) -> Result<Vec<u8>, DocxError> {
    let rows = s
        .history
        .iter()
        .map(|t| {
            vec![
                t.round.clone(),
                t.status.label().to_string(),
                t.percent.map(|p| format!("{p:.0}%")).unwrap_or_default(),
                t.colour.label().to_string(),
            ]
        })
        .collect();
    let table = Table::new(
        vec![
            Column::new("期次", 34, Align::Center),
            Column::new("推进状态", 24, Align::Center),
            Column::new("完成进度", 22, Align::Center),
            Column::new("三色标识", 20, Align::Center),
        ],
        rows,
    )?;
    let mut blocks = vec![
        Block::DocNumber(s.number.to_string()),
        Block::Title(format!("督办单（{}）", s.level.label())),
        // As the notice names them: 区直各部门 stays the 统称 GB/T 9704 allows for 主送,
        // not forty departments one by one.
        Block::Addressee(format!("{}：", s.task.hosts.join("、"))),
        Block::para(format!(
            "政府工作报告第{}项任务“{}”截至{}已连续{}期滞后，现予{}督办。该任务历次推进情况如下：",
            s.task.number,
            s.task.text,
            s.round,
            s.streak,
            s.level.label()
        )),
        Block::Table(table),
    ];
    if s.problems.is_empty() {
        blocks.push(Block::para("本期主办单位未反映存在问题。"));
    } else {
        blocks.push(Block::para("本期主办单位反映的存在问题："));
        for (unit, p) in s.problems {
            blocks.push(Block::para_lead(format!("{unit}："), p.clone()));
        }
    }
    blocks.push(Block::para(format!(
        "请于{}前将整改措施和进展书面报{}。",
        s.due.chinese(),
        s.office
    )));
    blocks.push(Block::para(format!("抄送：{}", s.task.leaders.join("、"))));
    blocks.push(Block::Signature(s.office.to_string()));
    blocks.push(Block::Date(s.today.chinese()));
    let opts = Options::new("督办单", s.office, s.today.start_of_day(offset));
    Ok(docx::write_docx(&blocks, &opts))
}
