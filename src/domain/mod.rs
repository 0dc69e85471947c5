//! The domain's types, at the bottom of every layer: what a check finds ([`codes`],
//! [`report`], [`place`]), how a task and a unit stand ([`status`], [`colour`]), what a
//! round is called ([`round`]), what a merge derives ([`merged`], [`stats`], [`summary`])
//! and what the ledger hands back of the rounds before ([`history`]).
//!
//! Nothing here reads or writes a file but the colour settings' loader; every module above
//! (read, write, check, merge, ledger, bulletin, mail, collect, the commands) uses these
//! types, and none of them is imported here.

pub mod codes;
pub mod colour;
pub mod deadline;
pub mod history;
pub mod merged;
pub mod place;
pub mod report;
pub mod round;
pub mod stats;
pub mod status;
pub mod summary;
