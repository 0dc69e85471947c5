//! The merge's workbooks: `<round>_汇总.xlsx` (总表, 分单位明细, 统计, 量化指标, 未报送单位,
//! 退回重报单位, 报送文件, 校验问题) and one `<round>_<leader>_分管任务进展.xlsx` per leader.
//!
//! Laid out to be read on screen and printed: frozen headers, autofilter, wrapped text with
//! row heights estimated (LibreOffice does not size rows of wrapped text itself), status and
//! colour words with a fill (so they survive black-and-white printing), A4 landscape with
//! the header repeated on every page. The workbook's creation time is fixed and every list
//! is in a stable order, so the same inputs give the same bytes.
//!
//! Sheets that grow with the number of returns (分单位明细, 校验问题) are streamed in
//! rust_xlsxwriter's constant-memory mode: rows go to disk as they are written.

mod detail;
mod sheets;
use tasks::LeaderSheet;
mod tasks;

pub use tasks::TaskRows;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::report::{workbook, Styles};
use super::BuildError;
use crate::domain::merged::Merged;
use crate::domain::stats::{IndicatorLine, Stats};
use crate::write::paper::Imprint;

/// How hard the output is compressed (0-9). Compression is the largest single cost of
/// writing; see the README's benchmark for what each level buys.
pub const DEFAULT_COMPRESSION: u8 = 1;

/// "序时进度 50%（2020年上半年）" or a note that none is known.
pub(super) fn schedule_line(m: &Merged) -> String {
    match m.schedule {
        Some(s) => format!(
            "序时进度 {}%",
            crate::catalog::format_number(crate::domain::merged::round1(s))
        ),
        None => "序时进度未知（期次未写明月份、季度或半年，可用 --as-of 指定），未判断疑似滞后"
            .to_string(),
    }
}

/// `<round>_汇总.xlsx`.
pub fn consolidated(
    m: &Merged,
    rows: &TaskRows,
    stats: &Stats,
    indicators: &[IndicatorLine],
    round: &str,
    compression: u8,
    imprint: &Imprint,
) -> Result<Vec<u8>, BuildError> {
    fill_consolidated(m, rows, stats, indicators, round, compression, imprint)?.save()
}

/// The consolidated workbook with every sheet filled, not yet packed.
pub struct Filled(Workbook);

impl Filled {
    /// Packs the workbook (compressing it is most of this).
    pub fn save(mut self) -> Result<Vec<u8>, BuildError> {
        Ok(self.0.save_to_buffer()?)
    }
}

/// Fills `<round>_汇总.xlsx`'s sheets, leaving the packing to [`Filled::save`] so that it
/// can overlap what comes after. The detail sheet, one row per (unit, task), is most of
/// the work: it is filled on one core while the other seven are filled on another.
pub fn fill_consolidated(
    m: &Merged,
    rows: &TaskRows,
    stats: &Stats,
    indicators: &[IndicatorLine],
    round: &str,
    compression: u8,
    imprint: &Imprint,
) -> Result<Filled, BuildError> {
    // 总表 at 9 pt (its columns fit A4 landscape unscaled), the other sheets at 10 pt.
    let small = Styles::sized(crate::columns::summary::OVERVIEW.font_size);
    let st = Styles::sized(10.0);
    let mut wb = workbook(&format!("{round}任务推进情况汇总"), compression);
    for f in small.all().into_iter().chain(st.all()) {
        wb.register_format(&f);
    }
    wb.add_worksheet();
    wb.add_worksheet_with_constant_memory()?;
    for _ in 0..5 {
        wb.add_worksheet();
    }
    wb.add_worksheet_with_constant_memory()?;
    let [overview, detail, statistics, ind, missing, rejected, files, issues] =
        &mut wb.worksheets_mut()[..]
    else {
        unreachable!("eight sheets were added");
    };
    let (a, b) = rayon::join(
        || detail::detail(detail, &st, m, (round, imprint)),
        || -> Result<(), XlsxError> {
            tasks::overview(overview, &small, m, rows, stats, round, imprint)?;
            sheets::statistics(statistics, &st, m, stats, (round, imprint))?;
            sheets::indicators(ind, &st, indicators, (round, imprint))?;
            sheets::missing(missing, &st, (m, stats), (round, imprint))?;
            sheets::rejected(rejected, &st, (m, stats), (round, imprint))?;
            sheets::files(files, &st, m, (round, imprint))?;
            sheets::issues(issues, &st, m, (round, imprint))
        },
    );
    a?;
    b?;
    // Every printed page names the round and the sheet (总表 says more of itself).
    for ws in wb.worksheets_mut().iter_mut().skip(1) {
        let what = format!("{round} 汇总·{}", ws.name());
        crate::write::paper::header(ws, &what, imprint);
    }
    Ok(Filled(wb))
}

/// `<round>_<leader>_分管任务进展.xlsx`.
pub fn leader_summary(
    m: &Merged,
    rows: &TaskRows,
    leader: &str,
    round: &str,
    compression: u8,
    imprint: &Imprint,
) -> Result<Vec<u8>, BuildError> {
    let paper = Styles::sized(crate::columns::summary::LEADER.font_size);
    let screen = Styles::sized(crate::columns::summary::SCREEN.font_size);
    let mut wb = workbook(&format!("{round}{leader}同志分管任务进展情况"), compression);
    for (st, sheet) in [(&paper, LeaderSheet::Paper), (&screen, LeaderSheet::Screen)] {
        tasks::leader(
            wb.add_worksheet(),
            st,
            (m, rows),
            (leader, round),
            imprint,
            sheet,
        )?;
    }
    Ok(wb.save_to_buffer()?)
}

/// The title and information line of a secondary sheet: the round and what the sheet is,
/// how many rows it lists, and who made it when.
pub(super) fn sheet_title(
    round: &str,
    what: &str,
    count: String,
    imprint: &Imprint,
) -> (String, String) {
    let mut info = count;
    tasks::push_imprint(&mut info, imprint);
    (format!("{round}{what}"), info.trim_start().to_string())
}
