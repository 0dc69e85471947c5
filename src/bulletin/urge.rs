//! The 催办通知单: the written notice an overdue unit gets some working days after the
//! deadline (`duban remind`), laid out as a 公文 by the one GB/T 9704 writer. It names the
//! round, the deadline, the days overdue, the tasks the unit owes and the office's contact,
//! under a number of the year's series (督办催〔2020〕N号).

use jiff::tz::Offset;

use crate::catalog::{Catalog, Role};
use crate::date::Date;
use crate::docx::{self, Align, Block, Column, DocxError, Options, Table};

/// What one notice says.
pub struct Urge<'a> {
    /// 督办催〔2020〕1号.
    pub number: &'a str,
    pub unit: &'a str,
    pub round: &'a str,
    pub deadline: Date,
    /// The day it is issued.
    pub today: Date,
    /// 未报送, or 已报送未通过.
    pub status: &'a str,
    pub office: &'a str,
    pub office_contact: &'a str,
}

/// The number of the `n`th notice of `year`.
pub fn number(year: i32, n: u32) -> String {
    format!("{}{n}号", prefix(year))
}

/// What every number of `year`'s series starts with.
pub fn prefix(year: i32) -> String {
    format!("督办催〔{year}〕")
}

/// The notice as .docx bytes.
///
/// # Errors
/// [`DocxError`] for a table that cannot be laid out.
pub fn urge_docx(u: &Urge<'_>, catalog: &Catalog, offset: Offset) -> Result<Vec<u8>, DocxError> {
    let days = u.deadline.days_until(u.today);
    let mut rows = Vec::new();
    for (n, role) in catalog.tasks_of_unit(u.unit) {
        let Some(t) = catalog.task(*n) else { continue };
        let text: String = t.text.chars().take(60).collect();
        let text = if t.text.chars().count() > 60 {
            format!("{text}……")
        } else {
            text
        };
        let role = if *role == Role::Host {
            "主办"
        } else {
            "协办"
        };
        rows.push(vec![n.to_string(), text, role.to_string()]);
    }
    let count = rows.len();
    let table = Table::new(
        vec![
            Column::new("任务序号", 12, Align::Center),
            Column::new("任务内容", 70, Align::Left),
            Column::new("承办角色", 18, Align::Center),
        ],
        rows,
    )?;
    let blocks = vec![
        Block::DocNumber(u.number.to_string()),
        Block::Title("催办通知单".into()),
        Block::Addressee(format!("{}：", u.unit)),
        Block::para(format!(
            "{}任务进展填报表的报送截止时间为{}。截至{}，已逾期{}天，{}仍未收到你单位合格的填报表（当前状态：{}）。",
            u.round,
            u.deadline.chinese(),
            u.today.chinese(),
            days,
            u.office,
            u.status
        )),
        Block::para(format!(
            "你单位承担本期任务共{count}项，均须报送进展，具体如下："
        )),
        Block::Table(table),
        Block::para("请于收到本通知后1个工作日内按要求报送，并书面说明逾期原因。"),
        Block::para(format!("联系方式：{}", u.office_contact)),
        Block::Signature(u.office.to_string()),
        Block::Date(u.today.chinese()),
    ];
    let opts = Options::new("催办通知单", u.office, u.today.start_of_day(offset));
    Ok(docx::write_docx(&blocks, &opts))
}
