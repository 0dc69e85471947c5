//! Workflows that combine several modules of the layer below (check, merge, ledger, the
//! writers, the outputs' names), just below `cmd` (after cargo's `ops`): a command resolves
//! what was typed and calls one of these; a workflow that is one module's business lives
//! in that module instead.

pub mod escalate;
pub mod import;
pub mod merge;
pub mod new_year;
pub mod remind;
pub mod round;
pub mod round_edit;
pub mod templates;

pub use merge::{merge_round, MergeRound, RoundMerged};
pub use round::{new_round, NewRound};
pub use templates::{select_units, write_templates, TemplateSet, Written};
