//! The plain, sparse grid the check reads: workbooks, sheets, cells, merged regions.

use super::*;

/// Whether a sheet shows in the tab bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    Visible,
    Hidden,
    VeryHidden,
}

/// A cell's value, as the check needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or time, as the spreadsheet shows it.
    Date(String),
    /// An error value such as `#REF!`.
    Error(String),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as text: trimmed text, numbers without a trailing `.0`.
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(v) => crate::catalog::format_number(*v),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Date(s) | Value::Error(s) => s.clone(),
        }
    }
}

/// One non-empty cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub value: Value,
    /// The cell's number format shows a percent (so 0.8 means 80).
    pub percent: bool,
    /// The text was longer than the limit and was cut; the original length in chars.
    pub cut_from: Option<usize>,
}

/// A merged region of a sheet: its first and last cells, 0-based (row, column), inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Region {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

impl Region {
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first.0..=self.last.0).contains(&row) && (self.first.1..=self.last.1).contains(&col)
    }

    /// "I4:I5".
    pub fn a1(&self) -> String {
        format!(
            "{}:{}",
            crate::domain::place::a1(self.first.0, self.first.1),
            crate::domain::place::a1(self.last.0, self.last.1)
        )
    }

    pub(super) fn from_dimensions(d: &Dimensions) -> Region {
        Region {
            first: d.start,
            last: d.end,
        }
    }
}

/// One sheet, sparse: positions are absolute, 0-based (row, column).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub visibility: Option<Visibility>,
    #[serde(with = "cells_as_list")]
    pub cells: BTreeMap<(u32, u32), Cell>,
    /// Merged regions as read with the sheet (.xls, whose reader has them anyway); .xlsx
    /// regions are read on request ([`Workbook::merged_regions`]).
    #[serde(default)]
    pub merged: Vec<Region>,
}

const EMPTY: Value = Value::Empty;

impl Sheet {
    pub fn value(&self, row: u32, col: u32) -> &Value {
        self.cells.get(&(row, col)).map_or(&EMPTY, |c| &c.value)
    }

    pub fn cell(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// Rows holding at least one cell, in order.
    pub fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }

    /// The cells of one row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Cell)> {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .map(|((_, c), cell)| (*c, cell))
    }
}

/// A workbook as read.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Workbook {
    pub format: Format,
    pub sheets: Vec<Sheet>,
    /// Custom document properties, as text.
    pub properties: HashMap<String, String>,
    /// The workbook's own modified time (ISO 8601), when recorded.
    pub modified: Option<String>,
    /// The open .xlsx, for what only some checks ask (see [`Workbook::merged_regions`]).
    #[serde(skip)]
    pub(super) open: Option<OpenXlsx>,
}

/// An .xlsx kept open after its cells were read. Merged regions and formulas each cost
/// another pass over a sheet's XML (a third of reading it): only the check of the task
/// table asks for them, and only for its own sheet.
#[derive(Clone)]
pub(super) struct OpenXlsx(pub(super) Arc<Mutex<XlsxBook>>);

/// An .xlsx reader over the file's bytes, owned.
type XlsxBook = Xlsx<Cursor<Vec<u8>>>;

impl std::fmt::Debug for OpenXlsx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenXlsx")
    }
}

impl OpenXlsx {
    /// Runs `f` on the reader; a panic or an error inside gives `None`, since what is
    /// asked here only refines a check that has already read every cell.
    fn with<T>(&self, f: impl FnOnce(&mut XlsxBook) -> Option<T>) -> Option<T> {
        let mut book = self.0.lock().ok()?;
        quiet_panics(|| Ok(f(&mut book))).ok().flatten()
    }
}

impl Workbook {
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// The merged regions of sheet `i`. .xls and .ods regions come with the sheet (.ods's
    /// read by [`ods`], as calamine does not report them); .xlsx regions are read now.
    pub fn merged_regions(&self, i: usize) -> Option<Vec<Region>> {
        let sheet = self.sheets.get(i)?;
        match self.format {
            Format::Xls | Format::Ods | Format::Xlsb => Some(sheet.merged.clone()),
            Format::Xlsx => match &self.open {
                None => Some(sheet.merged.clone()),
                Some(open) => open
                    .with(|b| b.merge_cells_by_sheet_name(&sheet.name).ok())
                    .map(|ds| ds.iter().map(Region::from_dimensions).collect()),
            },
        }
    }

    /// The cells of sheet `i` that hold a formula but no cached result: a file written by
    /// a program and never opened in a spreadsheet, whose formulas read as empty. Only
    /// .xlsx can be in that state (.xls and .ods always store results).
    pub fn uncached_formulas(&self, i: usize) -> BTreeSet<(u32, u32)> {
        let (Some(sheet), Some(open)) = (self.sheets.get(i), &self.open) else {
            return BTreeSet::new();
        };
        open.with(|b| {
            let mut reader = b.worksheet_cells_reader(&sheet.name).ok()?;
            let mut out = BTreeSet::new();
            while let Some(cell) = reader.next_cell_with_formula_metadata().ok()? {
                // A cached empty text (`t="str"`, `<v></v>`: =IF(…,"",…)) is a result;
                // only a formula without any `<v>` reads as Empty.
                if matches!(cell.value, DataRef::Empty) && cell.formula.is_some() {
                    out.insert(cell.pos);
                }
            }
            Some(out)
        })
        .unwrap_or_default()
    }
}
