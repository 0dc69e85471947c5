//! The templates' workbooks: a [`Book`] of [`Sheet`]s with one set of cell [`Style`]s (a
//! CJK font, borders, wrapped text, locked canonical cells on a grey fill and unlocked
//! input cells on white, status colours), row heights from the wrapped text, and
//! validations, protection, conditional colours and print setup behind small plain calls.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, DataValidation,
    DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::{
    palette, properties, row_height_for_size, BuildError, FONT, FONT_CHARSET, FONT_FAMILY,
    FONT_SIZE, MAX_ROW_HEIGHT,
};
use crate::domain::status::Status;

/// The column width Excel uses when none is set.
const DEFAULT_COL_WIDTH: f64 = 8.43;

/// The cell styles every duban workbook uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Sheet title: large, bold, centred.
    Title,
    /// A line of facts under a title (填报单位：…), left-aligned, no border.
    Subtitle,
    /// Column header: bold, centred, wrapped, bordered, grey.
    Header,
    /// A locked canonical cell: wrapped, bordered, light grey so clerks see it is not theirs.
    Cell,
    /// [`Style::Cell`], centred (numbers, short words).
    CellCenter,
    /// A locked cell showing what was reported last round: darker grey, dark grey text.
    Reference,
    /// [`Style::Reference`], centred.
    ReferenceCenter,
    /// An unlocked input cell: wrapped, bordered, white.
    Input,
    /// [`Style::Input`], centred (status, percent, numbers).
    InputCenter,
    /// [`Style::Input`] with the text number format, so a phone number typed as digits
    /// stays text instead of turning into 1.38E+10.
    InputText,
    /// A label before an input cell (填报人): bold, right-aligned, locked.
    Label,
    /// A paragraph of instructions: wrapped, top-aligned, no border.
    Paragraph,
    /// A heading inside instructions: bold.
    Heading,
    /// Plain text with no decoration (machine-readable sheets).
    Plain,
    /// A status word on its status colour (for outputs where the status is fixed).
    Status(Status),
}

impl Style {
    /// Font size in points.
    pub fn size(self) -> f64 {
        match self {
            Style::Title => 16.0,
            Style::Heading => 12.0,
            _ => FONT_SIZE,
        }
    }

    /// Whether the style wraps text (and so needs its row height estimated).
    pub fn wraps(self) -> bool {
        !matches!(self, Style::Title | Style::Subtitle | Style::Plain)
    }
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_charset(FONT_CHARSET)
        .set_font_family(FONT_FAMILY)
        .set_font_size(FONT_SIZE)
}

fn boxed(f: Format) -> Format {
    f.set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
}

/// The [`Format`] of each [`Style`], built once.
struct Styles {
    formats: HashMap<Style, Format>,
}

static STYLES: LazyLock<Styles> = LazyLock::new(Styles::new);

impl Styles {
    fn new() -> Styles {
        let mut formats = HashMap::new();
        let plain = [
            Style::Title,
            Style::Subtitle,
            Style::Header,
            Style::Cell,
            Style::CellCenter,
            Style::Reference,
            Style::ReferenceCenter,
            Style::Input,
            Style::InputCenter,
            Style::InputText,
            Style::Label,
            Style::Paragraph,
            Style::Heading,
            Style::Plain,
        ];
        let statuses = Status::REPORTED.map(Style::Status);
        for s in plain.into_iter().chain(statuses) {
            formats.insert(s, Styles::build(s));
        }
        Styles { formats }
    }

    fn build(style: Style) -> Format {
        let f = base().set_font_size(style.size());
        match style {
            Style::Title => f
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            Style::Subtitle => f.set_align(FormatAlign::VerticalCenter),
            Style::Header => boxed(f)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(palette::TEMPLATE_HEADER)),
            Style::Cell => boxed(f).set_background_color(Color::RGB(palette::CANONICAL_CELL)),
            Style::CellCenter => boxed(f)
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(palette::CANONICAL_CELL)),
            Style::Reference => boxed(f)
                .set_background_color(Color::RGB(palette::REFERENCE_CELL))
                .set_font_color(Color::RGB(palette::REFERENCE_TEXT)),
            Style::ReferenceCenter => boxed(f)
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(palette::REFERENCE_CELL))
                .set_font_color(Color::RGB(palette::REFERENCE_TEXT)),
            Style::Input => boxed(f).set_unlocked(),
            Style::InputCenter => boxed(f).set_align(FormatAlign::Center).set_unlocked(),
            Style::InputText => boxed(f).set_num_format("@").set_unlocked(),
            Style::Label => boxed(f)
                .set_bold()
                .set_align(FormatAlign::Right)
                .set_background_color(Color::RGB(palette::CANONICAL_CELL)),
            Style::Paragraph => f.set_text_wrap().set_align(FormatAlign::Top),
            Style::Heading => f
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            Style::Plain => f,
            Style::Status(s) => {
                let (bg, fg) = palette::status(s).unwrap_or((palette::MISSING, 0));
                boxed(f)
                    .set_align(FormatAlign::Center)
                    .set_background_color(Color::RGB(bg))
                    .set_font_color(Color::RGB(fg))
            }
        }
    }

    fn get(&self, style: Style) -> &Format {
        &self.formats[&style]
    }
}

/// What a data validation allows.
#[derive(Clone, Copy, Debug)]
pub enum Rule<'a> {
    /// One of these words, as a dropdown.
    List(&'a [&'a str]),
    /// A number between the bounds (inclusive).
    Decimal(f64, f64),
    /// Text whose length is between the bounds.
    TextLength(u32, u32),
    /// Anything: only the input message is shown.
    Any,
}

/// The messages of a data validation: a title (≤ 32 characters) shown over both the input
/// message and the error message.
#[derive(Clone, Copy, Debug)]
pub struct Prompt<'a> {
    pub title: &'a str,
    pub input: &'a str,
    pub error: &'a str,
}

/// Page setup for printing: A4, fit to one page wide.
#[derive(Clone, Debug, Default)]
pub struct Print {
    pub landscape: bool,
    /// Rows repeated at the top of every page (first, last).
    pub repeat_rows: Option<(u32, u32)>,
    /// Footer text; `&P` is the page number, `&N` the page count, `&L`/`&C`/`&R` sections.
    pub footer: String,
}

/// One worksheet being written. Tracks column widths and, per row, the height its wrapped
/// texts need; [`Book::push`] applies the heights.
pub struct Sheet {
    ws: Worksheet,
    widths: BTreeMap<u16, f64>,
    heights: BTreeMap<u32, f64>,
}

impl Sheet {
    /// A new sheet named `name` (≤ 31 characters, none of `[]:*?/\`).
    pub fn new(name: &str) -> Result<Sheet, BuildError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            widths: BTreeMap::new(),
            heights: BTreeMap::new(),
        })
    }

    /// Sets the widths of columns 0, 1, … in column-width units.
    pub fn set_widths(&mut self, widths: &[f64]) -> Result<(), BuildError> {
        for (i, w) in widths.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
            self.ws.set_column_width(col, *w)?;
            self.widths.insert(col, *w);
        }
        Ok(())
    }

    /// The width of a column, in column-width units.
    pub fn width(&self, col: u16) -> f64 {
        self.widths.get(&col).copied().unwrap_or(DEFAULT_COL_WIDTH)
    }

    /// Makes sure `row` is at least `points` tall.
    pub fn min_height(&mut self, row: u32, points: f64) {
        let h = self.heights.entry(row).or_insert(0.0);
        *h = h.max(points.min(MAX_ROW_HEIGHT));
    }

    fn fit(&mut self, row: u32, cols: std::ops::RangeInclusive<u16>, text: &str, style: Style) {
        let width: f64 = cols.map(|c| self.width(c)).sum();
        let h = if style.wraps() {
            row_height_for_size(text, width, style.size())
        } else {
            row_height_for_size("", width, style.size())
        };
        self.min_height(row, h);
    }

    /// Writes text; an empty string writes a blank cell that still carries the style (so
    /// an empty input cell is unlocked).
    pub fn text(&mut self, row: u32, col: u16, text: &str, style: Style) -> Result<(), BuildError> {
        let f = STYLES.get(style);
        if text.is_empty() {
            self.ws.write_blank(row, col, f)?;
        } else {
            self.ws.write_string_with_format(row, col, text, f)?;
        }
        self.fit(row, col..=col, text, style);
        Ok(())
    }

    /// Writes a number.
    pub fn number(
        &mut self,
        row: u32,
        col: u16,
        value: f64,
        style: Style,
    ) -> Result<(), BuildError> {
        self.ws
            .write_number_with_format(row, col, value, STYLES.get(style))?;
        self.fit(row, col..=col, "", style);
        Ok(())
    }

    /// Writes an empty cell with a style (an unlocked input cell, a bordered gap).
    pub fn blank(&mut self, row: u32, col: u16, style: Style) -> Result<(), BuildError> {
        self.text(row, col, "", style)
    }

    /// Merges columns `first..=last` of one row and writes text into them (an empty text
    /// leaves a blank that carries the style); the row height is estimated over the merged
    /// width.
    pub fn merge(
        &mut self,
        row: u32,
        first: u16,
        last: u16,
        text: &str,
        style: Style,
    ) -> Result<(), BuildError> {
        if first == last {
            return self.text(row, first, text, style);
        }
        let f = STYLES.get(style);
        self.ws.merge_range(row, first, row, last, text, f)?;
        if text.is_empty() {
            // An empty merged input reads back as a blank cell, not as an empty string.
            self.ws.write_blank(row, first, f)?;
        }
        self.fit(row, first..=last, text, style);
        Ok(())
    }

    /// Adds a data validation over a rectangle, with its input and error messages (an
    /// error stops the entry).
    pub fn validate(
        &mut self,
        (first_row, first_col, last_row, last_col): (u32, u16, u32, u16),
        rule: Rule,
        prompt: &Prompt,
    ) -> Result<(), BuildError> {
        let v = DataValidation::new();
        let v = match rule {
            Rule::List(items) => v.allow_list_strings(items)?,
            Rule::Decimal(lo, hi) => v.allow_decimal_number(DataValidationRule::Between(lo, hi)),
            Rule::TextLength(lo, hi) => v.allow_text_length(DataValidationRule::Between(lo, hi)),
            Rule::Any => v.allow_any_value(),
        };
        let v = v
            .set_input_title(prompt.title)?
            .set_input_message(prompt.input)?
            .set_error_title(prompt.title)?
            .set_error_message(prompt.error)?
            .set_error_style(DataValidationErrorStyle::Stop);
        self.ws
            .add_data_validation(first_row, first_col, last_row, last_col, &v)?;
        Ok(())
    }

    /// Colours the cells of a column range by the status word they hold.
    pub fn color_statuses(
        &mut self,
        first_row: u32,
        last_row: u32,
        col: u16,
    ) -> Result<(), BuildError> {
        for s in Status::REPORTED {
            let (bg, fg) = palette::status(s).expect("a reported status has colours");
            let cf = ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::EqualTo(s.label()))
                .set_format(
                    Format::new()
                        .set_background_color(Color::RGB(bg))
                        .set_font_color(Color::RGB(fg)),
                );
            self.ws
                .add_conditional_format(first_row, col, last_row, col, &cf)?;
        }
        Ok(())
    }

    /// Protects the sheet: locked cells refuse edits, unlocked cells take input; rows and
    /// columns may still be resized (clerks write long texts). A password is only the
    /// format's old 16-bit hash: a deterrent against accidents, not security.
    pub fn protect(&mut self, password: Option<&str>) {
        let options = ProtectionOptions {
            format_rows: true,
            format_columns: true,
            ..ProtectionOptions::new()
        };
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            self.ws.protect_with_password(p);
        }
        self.ws.protect_with_options(&options);
    }

    /// Freezes the rows above `row` and the columns left of `col`.
    pub fn freeze(&mut self, row: u32, col: u16) -> Result<(), BuildError> {
        self.ws.set_freeze_panes(row, col)?;
        Ok(())
    }

    /// A4, narrow margins, fit to one page wide, optional repeated rows and footer.
    pub fn print(&mut self, print: &Print) -> Result<(), BuildError> {
        self.ws.set_paper_size(9);
        if print.landscape {
            self.ws.set_landscape();
        }
        self.ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
        self.ws.set_print_fit_to_pages(1, 0);
        self.ws.set_print_center_horizontally(true);
        if let Some((first, last)) = print.repeat_rows {
            self.ws.set_repeat_rows(first, last)?;
        }
        if !print.footer.is_empty() {
            self.ws.set_footer(&print.footer);
        }
        Ok(())
    }

    /// Hides the sheet so that it cannot be unhidden from the menus (Excel, WPS); readers
    /// still see it. LibreOffice turns it into a plain hidden sheet on re-save.
    pub fn very_hidden(&mut self) {
        self.ws.set_very_hidden(true);
    }
}

/// A workbook being written.
pub struct Book {
    wb: Workbook,
}

impl Default for Book {
    fn default() -> Self {
        Book::new()
    }
}

impl Book {
    pub fn new() -> Book {
        let mut book = Book {
            wb: Workbook::new(),
        };
        book.set_properties("", &[]);
        book
    }

    /// Adds a finished sheet, applying the row heights its texts need.
    pub fn push(&mut self, mut sheet: Sheet) -> Result<(), BuildError> {
        for (row, h) in &sheet.heights {
            sheet.ws.set_row_height(*row, *h)?;
        }
        self.wb.push_worksheet(sheet.ws);
        Ok(())
    }

    /// Sets the title and custom properties (text), with the fixed creation time.
    pub fn set_properties(&mut self, title: &str, custom: &[(String, String)]) {
        self.wb.set_properties(&properties(title, custom));
    }

    /// The .xlsx file's bytes.
    pub fn save(mut self) -> Result<Vec<u8>, BuildError> {
        Ok(self.wb.save_to_buffer()?)
    }
}
