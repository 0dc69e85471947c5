//! The only user of calamine: opens a returned workbook, whatever state it comes back in,
//! and hands the check a plain, sparse grid of cells per sheet.
//!
//! Returns arrive from Excel, WPS and LibreOffice, renamed, re-saved, encrypted, truncated
//! by a mail client, or not spreadsheets at all. So the reader never trusts the file name
//! (it sniffs the first bytes), never trusts a declared size (it bounds the file, the
//! inflated zip content, the sheets and the cells before and while reading), and never lets
//! a reader panic escape: one bad file becomes one [`ReadError`], and the batch goes on.

pub mod archive;
mod budget;
mod error;
mod grid;
mod isolated;
mod limits;
mod ods;
mod ole;
mod open;
mod value;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use calamine::{
    Data, DataRef, Dimensions, Ods, Reader, SheetType, SheetVisible, Sheets, Xls, Xlsb, Xlsx,
    XlsxError,
};

use crate::domain::codes::{format_advice, Code};
use crate::domain::report::Issue;
pub use error::ReadError;
pub use grid::{Cell, Region, Sheet, Value, Visibility, Workbook};
use isolated::read_dense_isolated;
pub use isolated::{isolated_child, Isolation, ISOLATED_SUBCOMMAND};
pub use limits::{Limits, EXCEL_CELL_CHARS};
pub use open::*;
use value::*;

/// The file formats duban reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    /// Excel's binary workbook: read cell by cell like .xlsx, without its styles.
    Xlsb,
}
