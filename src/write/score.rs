//! `考核得分.xlsx`: each unit's score and rank within its group, the rules as applied, and
//! every point added or taken with its evidence. A4 landscape, titled with the year or
//! round, header rows repeated and pages numbered, like the other workbooks. The data comes
//! in plain rows so that this writer knows nothing of how the scores were made.

use rust_xlsxwriter::{Formula, Worksheet, XlsxError};

use super::report::{self, fit_row, header, text, Styles};
use super::BuildError;

/// A unit's line on the first sheet.
pub struct UnitLine {
    pub unit: String,
    pub kind: String,
    pub group: String,
    pub rank: u32,
    pub total: f64,
}

/// A point with its evidence.
pub struct PointLine {
    pub unit: String,
    pub round: String,
    pub rule: String,
    pub task: Option<u32>,
    pub points: f64,
    pub evidence: String,
}

/// What the workbook shows.
pub struct ScoreBook {
    /// 2020年第一季度, or 全年（…）.
    pub scope: String,
    pub leaders_weight: f64,
    pub units: Vec<UnitLine>,
    pub rules: Vec<(String, String)>,
    pub points: Vec<PointLine>,
}

/// The workbook's bytes: the same book gives the same bytes.
pub fn workbook(book: &ScoreBook) -> Result<Vec<u8>, BuildError> {
    let st = Styles::new();
    let mut wb = report::workbook("考核得分", 6);
    units(wb.add_worksheet(), &st, book)?;
    rules(wb.add_worksheet(), &st, book)?;
    points(wb.add_worksheet(), &st, book)?;
    Ok(wb.save_to_buffer()?)
}

fn units(ws: &mut Worksheet, st: &Styles, book: &ScoreBook) -> Result<(), XlsxError> {
    ws.set_name("考核得分")?;
    let w = book.leaders_weight;
    let leaders = format!("领导评价\n（满分 {w}，请填写）");
    let cols: [(&str, f64); 8] = [
        ("序号", 6.0),
        ("单位", 24.0),
        ("类别", 12.0),
        ("排名分组", 10.0),
        ("组内排名", 9.0),
        ("考核得分", 10.0),
        (&leaders, 14.0),
        ("综合得分", 10.0),
    ];
    let widths: Vec<f64> = cols.iter().map(|c| c.1).collect();
    report::title(
        ws,
        st,
        &widths,
        &format!("{} 考核得分", book.scope),
        &format!(
            "按台账记录和考核规则计算，同一排名分组内排名；综合得分 = 考核得分 × (100 − {w}) / 100 + 领导评价。加减分依据见“加减分明细”。"
        ),
    )?;
    header(ws, st, 2, &cols, 2 + book.units.len() as u32, 2)?;
    for (i, u) in book.units.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &st.center)?;
        text(ws, r, 1, &u.unit, &st.text)?;
        text(ws, r, 2, &u.kind, &st.center)?;
        text(ws, r, 3, &u.group, &st.center)?;
        ws.write_number_with_format(r, 4, u.rank as f64, &st.center)?;
        ws.write_number_with_format(r, 5, u.total, &st.number)?;
        ws.write_blank(r, 6, &st.number)?;
        let formula = format!("=ROUND(F{n}*(100-{w})/100+G{n},2)", n = r + 1);
        ws.write_formula_with_format(r, 7, Formula::new(formula), &st.number)?;
    }
    Ok(())
}

fn rules(ws: &mut Worksheet, st: &Styles, book: &ScoreBook) -> Result<(), XlsxError> {
    ws.set_name("考核规则")?;
    let cols = [("规则", 30.0), ("分值或设置", 50.0)];
    report::title(
        ws,
        st,
        &[30.0, 50.0],
        &format!("{} 考核规则（本次计分所用）", book.scope),
        "规则取自工作区的 考核规则.toml；扣分为负数，加分为正数。",
    )?;
    header(ws, st, 2, &cols, 2 + book.rules.len() as u32, 0)?;
    for (i, (k, v)) in book.rules.iter().enumerate() {
        let r = 3 + i as u32;
        text(ws, r, 0, k, &st.text)?;
        text(ws, r, 1, v, &st.text)?;
        fit_row(ws, r, &[(v, 50.0)])?;
    }
    Ok(())
}

fn points(ws: &mut Worksheet, st: &Styles, book: &ScoreBook) -> Result<(), XlsxError> {
    ws.set_name("加减分明细")?;
    let cols = [
        ("单位", 20.0),
        ("期次", 16.0),
        ("规则", 16.0),
        ("任务序号", 7.0),
        ("分值", 8.0),
        ("依据（文件和单元格或收件时间）", 60.0),
    ];
    let widths: Vec<f64> = cols.iter().map(|c| c.1).collect();
    report::title(
        ws,
        st,
        &widths,
        &format!("{} 加减分明细", book.scope),
        "每一项加分或扣分及其依据，均来自督办台账。",
    )?;
    header(ws, st, 2, &cols, 2 + book.points.len() as u32, 1)?;
    for (i, p) in book.points.iter().enumerate() {
        let r = 3 + i as u32;
        text(ws, r, 0, &p.unit, &st.text)?;
        text(ws, r, 1, &p.round, &st.center)?;
        text(ws, r, 2, &p.rule, &st.center)?;
        match p.task {
            Some(t) => ws.write_number_with_format(r, 3, t as f64, &st.center)?,
            None => ws.write_blank(r, 3, &st.center)?,
        };
        ws.write_number_with_format(r, 4, p.points, &st.number)?;
        text(ws, r, 5, &p.evidence, &st.text)?;
        fit_row(ws, r, &[(&p.evidence, 60.0), (&p.unit, 20.0)])?;
    }
    Ok(())
}
