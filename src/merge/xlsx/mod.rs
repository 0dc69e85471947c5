//! The merge's workbooks: `<round>_汇总.xlsx` (总表, 分单位明细, 统计, 量化指标, 未报送单位,
//! 报送文件, 校验问题) and one `<round>_<leader>_分管任务进展.xlsx` per leader.
//!
//! Laid out to be read on screen and printed: frozen headers, autofilter, wrapped text with
//! row heights estimated (LibreOffice does not size rows of wrapped text itself), status and
//! colour words with a fill (so they survive black-and-white printing), A4 landscape with
//! the header repeated on every page. The workbook's creation time is fixed and every list
//! is in a stable order, so the same inputs give the same bytes.
//!
//! Sheets that grow with the number of returns (分单位明细, 校验问题) are streamed in
//! rust_xlsxwriter's constant-memory mode: rows go to disk as they are written.

mod sheets;
mod tasks;

pub use tasks::TaskRows;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::stats::{IndicatorLine, Stats};
use super::{Colour, Merged, State};
use crate::write::{row_height_for, status_colors, BuildError, CREATED, FONT, FONT_SIZE};

/// How hard the output is compressed (0-9). Compression is the largest single cost of
/// writing; see the README's benchmark for what each level buys.
pub const DEFAULT_COMPRESSION: u8 = 1;

/// The fill of everything missing (未报送, an empty status).
const MISSING_FILL: u32 = 0xF8CBAD;

/// Excel refuses longer text in a cell.
const MAX_CELL: usize = 32_000;

/// The cell formats every sheet shares.
pub(crate) struct Styles {
    pub title: Format,
    pub info: Format,
    pub header: Format,
    pub text: Format,
    pub center: Format,
    pub number: Format,
    pub missing: Format,
    /// [`Styles::state`]'s formats in [`State::ALL`] order, and [`Styles::colour`]'s:
    /// made once, not once per cell (a `Format` holds strings).
    states: Vec<Format>,
    colours: Vec<Format>,
    /// Column formats of the streamed 分单位明细 (`text`, `center`, `number` without their
    /// border); its borders and status fills are conditional formats over the rows
    /// written, so no cell needs a format of its own (see [`sheets::detail`]).
    pub col_text: Format,
    pub col_center: Format,
    pub col_number: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(FONT_SIZE);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let unbordered = |f: &Format| f.clone().set_border(FormatBorder::None);
        let mut st = Styles {
            states: Vec::new(),
            colours: Vec::new(),
            col_text: Format::new(),
            col_center: Format::new(),
            col_number: Format::new(),
            title: base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            info: base
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            center: cell.clone().set_text_wrap().set_align(FormatAlign::Center),
            number: cell
                .clone()
                .set_num_format("0.0")
                .set_align(FormatAlign::Center),
            missing: cell
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_bold()
                .set_background_color(Color::RGB(MISSING_FILL)),
        };
        st.col_text = unbordered(&st.text);
        st.col_center = unbordered(&st.center);
        st.col_number = unbordered(&st.number);
        st.states = State::ALL.iter().map(|&s| st.make_state(s)).collect();
        st.colours = Colour::ALL.iter().map(|&c| st.make_colour(c)).collect();
        st
    }

    /// Every format the sheets use, in a fixed order: registered with the workbook before
    /// sheets are filled on several threads, so that the constant-memory sheets' shared
    /// format indices, handed out on first use, do not depend on which thread came first
    /// (the output stays byte-identical from run to run).
    fn all(&self) -> Vec<Format> {
        let mut all = vec![
            self.title.clone(),
            self.info.clone(),
            self.header.clone(),
            self.text.clone(),
            self.center.clone(),
            self.number.clone(),
            self.missing.clone(),
            self.col_text.clone(),
            self.col_center.clone(),
            self.col_number.clone(),
        ];
        all.extend(self.states.iter().cloned());
        all.extend(self.colours.iter().cloned());
        all
    }

    /// A centred cell in the state's colours (the templates' status colours; 未报送 like
    /// every other missing thing).
    pub fn state(&self, s: State) -> &Format {
        let i = State::ALL.iter().position(|&x| x == s).expect("a state");
        &self.states[i]
    }

    /// A centred bold cell with the colour's fill.
    pub fn colour(&self, c: Colour) -> &Format {
        let i = Colour::ALL.iter().position(|&x| x == c).expect("a colour");
        &self.colours[i]
    }

    /// The fill and font colour of a state's cells (the templates' status colours), or
    /// none for 未报送, which looks like every other missing thing.
    fn state_colours(s: State) -> Option<(u32, u32)> {
        use crate::layout::Status;
        let status = match s {
            State::Done => Status::Done,
            State::OnSchedule => Status::OnSchedule,
            State::Lagging => Status::Lagging,
            State::NotStarted => Status::NotStarted,
            State::Unreported => return None,
        };
        Some(status_colors(status))
    }

    /// A state's fill and font colour alone, for a conditional format.
    pub fn state_fill(s: State) -> Format {
        match Styles::state_colours(s) {
            Some((bg, fg)) => Format::new()
                .set_background_color(Color::RGB(bg))
                .set_font_color(Color::RGB(fg)),
            None => Format::new()
                .set_bold()
                .set_background_color(Color::RGB(MISSING_FILL)),
        }
    }

    fn make_state(&self, s: State) -> Format {
        match Styles::state_colours(s) {
            Some((bg, fg)) => self
                .center
                .clone()
                .set_background_color(Color::RGB(bg))
                .set_font_color(Color::RGB(fg)),
            None => self.missing.clone(),
        }
    }

    fn make_colour(&self, c: Colour) -> Format {
        let fill = match c {
            Colour::Blue => 0x9BC2E6,
            Colour::Yellow => 0xFFE699,
            Colour::Red => 0xFF7C80,
        };
        self.center
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(fill))
    }
}

/// A new workbook with the fixed creation time and the given compression level.
fn workbook(title: &str, compression: u8) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATED.0, CREATED.1, CREATED.2)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("duban")
            .set_creation_datetime(&created),
    );
    wb.set_zip_compression_level(compression);
    Ok(wb)
}

/// Print setup shared by every sheet: A4 landscape, one page wide, header rows repeated.
fn print(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// Writes a header row with column widths, freezes under it and puts an autofilter on it
/// over `last_row` (the autofilter range must be known when the header is written, so
/// streamed sheets can use it).
fn header(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    columns: &[(&str, f64)],
    last_row: u32,
    freeze_col: u16,
) -> Result<(), XlsxError> {
    for (c, (name, width)) in columns.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(row, c as u16, *name, &st.header)?;
    }
    let tallest = columns
        .iter()
        .map(|(n, w)| row_height_for(n, *w))
        .fold(0.0, f64::max);
    ws.set_row_height(row, tallest)?;
    ws.set_freeze_panes(row + 1, freeze_col)?;
    ws.autofilter(row, 0, last_row.max(row), columns.len() as u16 - 1)?;
    print(ws, row)
}

/// Writes text, cut to what Excel accepts.
fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    if s.len() <= MAX_CELL {
        ws.write_string_with_format(row, col, s, f)?;
    } else {
        ws.write_string_with_format(row, col, cut(s), f)?;
    }
    Ok(())
}

/// Writes text without a format of its own (the column's applies), cut to what Excel
/// accepts; an empty string writes nothing.
fn plain_text(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    if s.len() <= MAX_CELL {
        ws.write_string(row, col, s)?;
    } else {
        ws.write_string(row, col, cut(s))?;
    }
    Ok(())
}

/// Text too long for a cell, cut with a note.
fn cut(s: &str) -> String {
    let mut end = MAX_CELL - 32;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…（已截断）", &s[..end])
}

fn number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    f: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(v) => ws.write_number_with_format(row, col, super::round1(v), f)?,
        None => ws.write_blank(row, col, f)?,
    };
    Ok(())
}

/// Sets a row's height for its tallest wrapped cell (text, column width).
fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, f64)]) -> Result<(), XlsxError> {
    set_height(ws, row, row_height(cells))
}

/// The height of a row's tallest wrapped cell (text, column width).
fn row_height(cells: &[(&str, f64)]) -> f64 {
    cells
        .iter()
        .map(|(s, w)| row_height_for(s, *w))
        .fold(0.0, f64::max)
}

/// Sets a row's height when taller than one line.
fn set_height(ws: &mut Worksheet, row: u32, h: f64) -> Result<(), XlsxError> {
    if h > row_height_for("", 10.0) {
        ws.set_row_height(row, h)?;
    }
    Ok(())
}

/// A title across the columns in row 0 and an information line in row 1.
fn title(
    ws: &mut Worksheet,
    st: &Styles,
    widths: &[f64],
    title: &str,
    info: &str,
) -> Result<(), XlsxError> {
    let cols = widths.len() as u16;
    ws.merge_range(0, 0, 0, cols - 1, title, &st.title)?;
    ws.set_row_height(0, 30.0)?;
    ws.merge_range(1, 0, 1, cols - 1, info, &st.info)?;
    ws.set_row_height(1, row_height_for(info, widths.iter().sum()))?;
    Ok(())
}

/// "序时进度 50%（2020年上半年）" or a note that none is known.
fn schedule_line(m: &Merged) -> String {
    match m.schedule {
        Some(s) => format!(
            "序时进度 {}%",
            crate::catalog::format_number(super::round1(s))
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
) -> Result<Vec<u8>, BuildError> {
    fill_consolidated(m, rows, stats, indicators, round, compression, || ())?.save()
}

/// The consolidated workbook with every sheet filled, not yet packed.
pub struct Filled(Workbook);

impl Filled {
    /// Packs the workbook (compressing it is most of this).
    pub fn save(mut self) -> Result<Vec<u8>, BuildError> {
        Ok(self.0.save_to_buffer()?)
    }
}

/// Fills `<round>_汇总.xlsx`'s sheets. The detail sheet, one row per (unit, task), is most
/// of the work: it is filled on this thread while the other six are filled on another,
/// which then runs `alongside` (the caller's work of the same size, such as the CSV), so
/// that packing the workbook can overlap what comes after.
pub fn fill_consolidated(
    m: &Merged,
    rows: &TaskRows,
    stats: &Stats,
    indicators: &[IndicatorLine],
    round: &str,
    compression: u8,
    alongside: impl FnOnce() + Send,
) -> Result<Filled, BuildError> {
    let st = Styles::new();
    let mut wb = workbook(&format!("{round}任务推进情况汇总"), compression)?;
    for f in st.all() {
        wb.register_format(&f);
    }
    wb.add_worksheet();
    wb.add_worksheet_with_constant_memory()?;
    for _ in 0..4 {
        wb.add_worksheet();
    }
    wb.add_worksheet_with_constant_memory()?;
    let [overview, detail, statistics, ind, missing, files, issues] = &mut wb.worksheets_mut()[..]
    else {
        unreachable!("seven sheets were added");
    };
    let (a, b) = rayon::join(
        || sheets::detail(detail, &st, m),
        || -> Result<(), XlsxError> {
            tasks::overview(overview, &st, m, rows, stats, round)?;
            sheets::statistics(statistics, &st, m, stats, round)?;
            sheets::indicators(ind, &st, indicators)?;
            sheets::missing(missing, &st, m, stats)?;
            sheets::files(files, &st, m)?;
            sheets::issues(issues, &st, m)?;
            alongside();
            Ok(())
        },
    );
    a?;
    b?;
    Ok(Filled(wb))
}

/// `<round>_<leader>_分管任务进展.xlsx`.
pub fn leader_summary(
    m: &Merged,
    rows: &TaskRows,
    leader: &str,
    round: &str,
    compression: u8,
) -> Result<Vec<u8>, BuildError> {
    let st = Styles::new();
    let mut wb = workbook(&format!("{round}{leader}同志分管任务进展情况"), compression)?;
    tasks::leader(wb.add_worksheet(), &st, m, rows, leader, round)?;
    Ok(wb.save_to_buffer()?)
}
