//! 分单位明细: every returned row of the round, the sheet that grows with the returns.

use rust_xlsxwriter::{
    ConditionalFormatBlank, ConditionalFormatCell, ConditionalFormatCellRule,
    ConditionalFormatFormula, Format, FormatBorder, Worksheet, XlsxError,
};

use crate::columns::{DetailField, TaskCol, DETAIL_COLUMNS};
use crate::domain::merged::{detail_records, round1, Merged};
use crate::domain::status::Status;
use crate::write::paper::Imprint;
use crate::write::report::{fit_row, plain_text, titled_header, Styles};

/// 分单位明细: every returned row, streamed in file order.
///
/// The sheet that grows with the returns (57,000 rows for a city) is written without a
/// format per cell: a cell format costs rust_xlsxwriter a hash of the whole `Format` on
/// every write, most of this sheet's time. Columns carry the font, alignment, wrapping and
/// number format; a conditional format draws the grid over the rows written (a column's
/// own border would run down to row 1,048,576) and others colour the status words.
pub(super) fn detail(
    ws: &mut Worksheet,
    st: &Styles,
    m: &Merged,
    (round, imprint): (&str, &Imprint),
) -> Result<(), XlsxError> {
    ws.set_name("分单位明细")?;
    let columns: Vec<(&str, f64)> = DETAIL_COLUMNS
        .iter()
        .map(|(f, w)| (f.title(), *w))
        .collect();
    let n = m.detail().count() as u32;
    let (t, info) = super::sheet_title(
        round,
        "各单位报送明细",
        format!("共{n}行：每个单位每项任务一行"),
        imprint,
    );
    let first = titled_header(ws, st, (&t, &info), &columns, n, 2)?;
    let last = first + n.max(1) - 1;
    let col_of = |field: DetailField| {
        DETAIL_COLUMNS
            .iter()
            .position(|(f, _)| *f == field)
            .expect("a detail column") as u16
    };
    let status_col = col_of(DetailField::Task(TaskCol::Status));
    for (c, (field, _)) in DETAIL_COLUMNS.iter().enumerate() {
        let format = match field {
            DetailField::Task(TaskCol::Percent) => &st.col_number,
            DetailField::Unit | DetailField::Row => &st.col_center,
            DetailField::Task(t) if t.spec().centred => &st.col_center,
            _ => &st.col_text,
        };
        ws.set_column_format(c as u16, format)?;
    }
    if n > 0 {
        // The status rules come first and draw their own border: LibreOffice applies only
        // the first rule that holds, Excel every one (priority is the order added).
        // Only the statuses a row can have: the four reported, or none (blank).
        for s in Status::REPORTED.into_iter().chain([Status::Unreported]) {
            let format = Styles::status_fill(s).set_border(FormatBorder::Thin);
            if s == Status::Unreported {
                let blank = ConditionalFormatBlank::new().set_format(format);
                ws.add_conditional_format(first, status_col, last, status_col, &blank)?;
            } else {
                let word = format!("\"{}\"", s.label());
                let rule = ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::EqualTo(word.as_str()))
                    .set_format(format);
                ws.add_conditional_format(first, status_col, last, status_col, &rule)?;
            }
        }
        let last_col = DETAIL_COLUMNS.len() as u16 - 1;
        let grid = ConditionalFormatFormula::new()
            .set_rule("TRUE")
            .set_format(Format::new().set_border(FormatBorder::Thin));
        ws.add_conditional_format(first, 0, last, last_col, &grid)?;
    }
    for (i, (rec, (_, r))) in detail_records(m).zip(m.detail()).enumerate() {
        let row = first + i as u32;
        let mut sized: Vec<(&str, f64)> = Vec::new();
        for (c, (cell, (field, width))) in rec.iter().zip(&DETAIL_COLUMNS).enumerate() {
            let c = c as u16;
            match field {
                DetailField::Task(TaskCol::Number) => {
                    ws.write_number(row, c, r.task).map(|_| ())?
                }
                DetailField::Task(TaskCol::Percent) => {
                    if let Some(p) = r.percent {
                        ws.write_number(row, c, round1(p))?;
                    }
                }
                DetailField::Row => ws.write_number(row, c, r.row).map(|_| ())?,
                DetailField::Task(t) => {
                    // The unit's own texts wrap: the row is as tall as the tallest.
                    if t.spec().input && !t.spec().centred {
                        sized.push((cell.as_ref(), *width));
                    }
                    plain_text(ws, row, c, cell)?
                }
                _ => plain_text(ws, row, c, cell)?,
            }
        }
        fit_row(ws, row, &sized)?;
    }
    // On paper, the unit's texts; where they came from (file, sheet, row) is for the screen.
    let printed = DETAIL_COLUMNS
        .iter()
        .position(|(f, _)| *f == DetailField::File)
        .unwrap_or(DETAIL_COLUMNS.len()) as u16;
    ws.set_print_area(0, 0, last, printed - 1)?;
    Ok(())
}
