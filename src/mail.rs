//! Email for a reporting round: templates to units, summaries to leaders, reminders to
//! units that have not returned, problem lists to units whose returns failed the check.
//!
//! The office distributes everything by email, and a mail merge goes wrong in three known
//! ways: Chinese attachment names that older clients garble, messages sent twice when a run
//! is restarted, and runs that stop at the first bad address. So: every problem with the
//! contacts is found before anything is sent ([`contacts`]); attachments carry their name
//! both ways that clients read it ([`message`]); an append-only log decides what a rerun
//! still has to send ([`log`]); and a failure for one recipient is recorded and the run goes
//! on ([`smtp`]). Which messages a round needs is decided in [`plan`], their wording in
//! [`text`].

pub mod contacts;
pub mod log;
pub mod message;
pub mod plan;
pub mod smtp;
pub mod text;

use serde::{Deserialize, Serialize};

/// What is being mailed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Each unit its template (`duban templates` output).
    Templates,
    /// Each leader their summary workbook (`duban merge` output).
    Summaries,
    /// Each unit whose return is missing or rejected.
    Reminders,
    /// Each unit whose return had problems, with the problem workbook.
    Feedback,
}

impl Kind {
    /// The word used in file names and the sent log.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Templates => "templates",
            Kind::Summaries => "summaries",
            Kind::Reminders => "reminders",
            Kind::Feedback => "feedback",
        }
    }

    /// What the office calls it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Templates => "填报模板",
            Kind::Summaries => "领导汇总",
            Kind::Reminders => "催报提醒",
            Kind::Feedback => "校验反馈",
        }
    }
}

/// Who a message is for: a unit or a leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Unit,
    Leader,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Unit => "单位",
            Role::Leader => "领导",
        }
    }
}
