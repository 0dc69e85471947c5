//! The office's report styles and sheet helpers, shared by the consolidated workbook, the
//! leader summaries and the problem lists: frozen headers, autofilter, wrapped text with
//! row heights estimated, status and colour words on their fills, A4 landscape with the
//! header repeated on every page.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{palette, properties, row_height_for, FONT, FONT_SIZE};
use crate::domain::colour::Colour;
use crate::domain::status::Status;

/// Excel refuses longer text in a cell.
pub(crate) const MAX_CELL: usize = 32_000;

/// The cell formats every sheet shares.
pub(crate) struct Styles {
    pub title: Format,
    pub info: Format,
    pub header: Format,
    pub text: Format,
    pub center: Format,
    pub number: Format,
    pub missing: Format,
    /// A row across a table naming the part of the notice the rows under it belong to.
    pub band: Format,
    /// [`Styles::status`]'s formats in [`Status::ALL`] order, and [`Styles::colour`]'s:
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
    pub fn new() -> Styles {
        Styles::sized(FONT_SIZE)
    }

    /// The styles with body text at `size` points (titles stay larger): printed sheets
    /// choose the size their columns fit A4 at without being scaled below 9 pt.
    pub fn sized(size: f64) -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(size);
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
                .set_background_color(Color::RGB(palette::REPORT_HEADER)),
            text: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            center: cell.clone().set_text_wrap().set_align(FormatAlign::Center),
            band: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Left)
                .set_background_color(Color::RGB(palette::CANONICAL_CELL)),
            number: cell
                .clone()
                .set_num_format("0.0")
                .set_align(FormatAlign::Center),
            missing: cell
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_bold()
                .set_background_color(Color::RGB(palette::MISSING)),
        };
        st.col_text = unbordered(&st.text);
        st.col_center = unbordered(&st.center);
        st.col_number = unbordered(&st.number);
        st.states = Status::ALL.iter().map(|&s| st.make_status(s)).collect();
        st.colours = Colour::ALL.iter().map(|&c| st.make_colour(c)).collect();
        st
    }

    /// Every format the sheets use, in a fixed order: registered with the workbook before
    /// sheets are filled on several threads, so that the constant-memory sheets' shared
    /// format indices, handed out on first use, do not depend on which thread came first
    /// (the output stays byte-identical from run to run).
    pub fn all(&self) -> Vec<Format> {
        let mut all = vec![
            self.title.clone(),
            self.info.clone(),
            self.header.clone(),
            self.text.clone(),
            self.center.clone(),
            self.number.clone(),
            self.missing.clone(),
            self.band.clone(),
            self.col_text.clone(),
            self.col_center.clone(),
            self.col_number.clone(),
        ];
        all.extend(self.states.iter().cloned());
        all.extend(self.colours.iter().cloned());
        all
    }

    /// A centred cell in the status's colours (the templates' status colours; 未报送 like
    /// every other missing thing).
    pub fn status(&self, s: Status) -> &Format {
        &self.states[s.index()]
    }

    /// A centred bold cell with the colour's fill.
    pub fn colour(&self, c: Colour) -> &Format {
        let i = Colour::ALL.iter().position(|&x| x == c).expect("a colour");
        &self.colours[i]
    }

    /// A status's fill and font colour alone, for a conditional format.
    pub fn status_fill(s: Status) -> Format {
        match palette::status(s) {
            Some((bg, fg)) => Format::new()
                .set_background_color(Color::RGB(bg))
                .set_font_color(Color::RGB(fg)),
            None => Format::new()
                .set_bold()
                .set_background_color(Color::RGB(palette::MISSING)),
        }
    }

    fn make_status(&self, s: Status) -> Format {
        match palette::status(s) {
            Some((bg, fg)) => self
                .center
                .clone()
                .set_background_color(Color::RGB(bg))
                .set_font_color(Color::RGB(fg)),
            None => self.missing.clone(),
        }
    }

    fn make_colour(&self, c: Colour) -> Format {
        let fill = palette::colour(c);
        self.center
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(fill))
    }
}

/// A new workbook with the fixed creation time and the given compression level.
pub(crate) fn workbook(title: &str, compression: u8) -> Workbook {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(title, &[]));
    wb.set_zip_compression_level(compression);
    wb
}

/// Print setup shared by every sheet: A4 landscape, one page wide, header rows repeated,
/// every page numbered. [`super::paper::Page`] adds what a page says (round, office).
pub(crate) fn print(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.7, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_footer(super::paper::FOOTER);
    Ok(())
}

/// Writes a header row with column widths, freezes under it and puts an autofilter on it
/// over `last_row` (the autofilter range must be known when the header is written, so
/// streamed sheets can use it).
pub(crate) fn header(
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
pub(crate) fn text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    if s.len() <= MAX_CELL {
        ws.write_string_with_format(row, col, s, f)?;
    } else {
        ws.write_string_with_format(row, col, cut(s), f)?;
    }
    Ok(())
}

/// Writes text without a format of its own (the column's applies), cut to what Excel
/// accepts; an empty string writes nothing.
pub(crate) fn plain_text(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    if s.len() <= MAX_CELL {
        ws.write_string(row, col, s)?;
    } else {
        ws.write_string(row, col, cut(s))?;
    }
    Ok(())
}

/// Text too long for a cell, cut with a note.
pub(crate) fn cut(s: &str) -> String {
    let mut end = MAX_CELL - 32;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…（已截断）", &s[..end])
}

pub(crate) fn number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    f: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(v) => ws.write_number_with_format(row, col, crate::domain::merged::round1(v), f)?,
        None => ws.write_blank(row, col, f)?,
    };
    Ok(())
}

/// Sets a row's height for its tallest wrapped cell (text, column width).
pub(crate) fn fit_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[(&str, f64)],
) -> Result<(), XlsxError> {
    set_height(ws, row, row_height(cells))
}

/// The height of a row's tallest wrapped cell (text, column width).
pub(crate) fn row_height(cells: &[(&str, f64)]) -> f64 {
    cells
        .iter()
        .map(|(s, w)| row_height_for(s, *w))
        .fold(0.0, f64::max)
}

/// Sets a row's height when taller than one line.
pub(crate) fn set_height(ws: &mut Worksheet, row: u32, h: f64) -> Result<(), XlsxError> {
    if h > row_height_for("", 10.0) {
        ws.set_row_height(row, h)?;
    }
    Ok(())
}

/// The row of a titled sheet's column header: under the title and the information line.
pub(crate) const TITLED_HEADER_ROW: u32 = 2;

/// A printed table's head: the title (which round, what the table is) across the columns,
/// the information line under it, then the column header, repeated on every printed page
/// and frozen on screen. Returns the first data row.
pub(crate) fn titled_header(
    ws: &mut Worksheet,
    st: &Styles,
    (title_text, info): (&str, &str),
    columns: &[(&str, f64)],
    rows: u32,
    freeze_col: u16,
) -> Result<u32, XlsxError> {
    let widths: Vec<f64> = columns.iter().map(|(_, w)| *w).collect();
    title(ws, st, &widths, title_text, info)?;
    let first = TITLED_HEADER_ROW + 1;
    header(
        ws,
        st,
        TITLED_HEADER_ROW,
        columns,
        first + rows.max(1) - 1,
        freeze_col,
    )?;
    Ok(first)
}

/// A title across the columns in row 0 and an information line in row 1.
pub(crate) fn title(
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
