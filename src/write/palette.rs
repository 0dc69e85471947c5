//! Every colour duban paints, in one place (RGB). Status colours are the same in the
//! templates' dropdown, the merge's sheets and the feedback; fills are light enough for
//! black text and survive black-and-white printing as shades, and the words are always
//! written beside them.

use crate::domain::colour::Colour;
use crate::domain::status::Status;

/// Header rows of the templates.
pub const TEMPLATE_HEADER: u32 = 0xD9D9D9;
/// Locked canonical cells of the templates: grey, so clerks see they are not theirs.
pub const CANONICAL_CELL: u32 = 0xF2F2F2;
/// Locked cells of the templates showing what the unit reported last round: a darker
/// grey than [`CANONICAL_CELL`], so that history is told apart from the catalog.
pub const REFERENCE_CELL: u32 = 0xDDDDDD;
/// Their text: dark grey, still black enough to print.
pub const REFERENCE_TEXT: u32 = 0x404040;
/// Header rows of the office's outputs (汇总, leader summaries, 问题清单).
pub const REPORT_HEADER: u32 = 0xD9E1F2;
/// Everything missing: 未报送, an empty status, an unreported indicator.
pub const MISSING: u32 = 0xF8CBAD;
/// The text of an error in a problem list.
pub const ERROR_TEXT: u32 = 0xC00000;

/// Fill and font colour of a status's cells; 未报送 and 退回重报 have none of their own
/// (they are drawn like everything missing, [`MISSING`] and bold).
pub fn status(s: Status) -> Option<(u32, u32)> {
    match s {
        Status::Done => Some((0xC6EFCE, 0x006100)),
        Status::OnSchedule => Some((0xDDEBF7, 0x1F4E78)),
        Status::Lagging => Some((0xFFC7CE, 0x9C0006)),
        Status::NotStarted => Some((0xFFEB9C, 0x9C5700)),
        Status::Closed => Some((0xE2EFDA, 0x375623)),
        Status::Unreported | Status::Rejected => None,
    }
}

/// The fill of a colour's cells.
pub fn colour(c: Colour) -> u32 {
    match c {
        Colour::Blue => 0x9BC2E6,
        Colour::Yellow => 0xFFE699,
        Colour::Red => 0xFF7C80,
    }
}

/// Bar fill per status in the charts, darker than the cell fills so the bars read on paper.
pub fn bar(s: Status) -> u32 {
    match s {
        Status::Done => 0x70AD47,
        Status::OnSchedule => 0x5B9BD5,
        Status::Lagging => 0xFFC000,
        Status::NotStarted => 0xA5A5A5,
        Status::Unreported => 0xC00000,
        Status::Rejected => 0x7030A0,
        Status::Closed => 0x548235,
    }
}
