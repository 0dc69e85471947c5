//! What one return may hold: the bounds the reader checks before and while reading.

use super::*;

/// The most characters a cell can hold in Excel (and WPS); longer text can only come from
/// a program, and is cut there.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// Bounds on what one return may hold; beyond them the file is refused with a clear message.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Limits {
    /// Bytes on disk.
    pub file_bytes: u64,
    /// Sum of the uncompressed sizes of a zip's entries (xlsx, ods).
    pub inflated_bytes: u64,
    /// Entries in a zip.
    pub zip_entries: usize,
    pub sheets: usize,
    /// Non-empty cells of one sheet.
    pub cells: usize,
    /// Rows × columns of one sheet's used range (xls/ods, whose reader is dense).
    pub area: u64,
    /// Characters in one cell; longer text is cut and reported. Excel's own limit
    /// ([`EXCEL_CELL_CHARS`]) by default: whatever a clerk could type is read whole.
    pub cell_chars: usize,
    /// Where .xls and .ods are parsed; see [`Isolation`].
    #[serde(skip)]
    pub isolation: Isolation,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 20 << 20,
            inflated_bytes: 200 << 20,
            zip_entries: 2_000,
            sheets: 50,
            cells: 500_000,
            area: 5_000_000,
            cell_chars: EXCEL_CELL_CHARS,
            isolation: Isolation::InProcess,
        }
    }
}
