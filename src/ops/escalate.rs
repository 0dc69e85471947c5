//! `duban escalate`'s workflow: the round's 督办单, after its merge.
//!
//! A task gets one when it has lagged two or more rounds running (the one count of
//! [`crate::domain::history::lagging_run`]), or is red this round; blue, yellow or red by
//! its streak (`[remind]` yellow-after / red-after). A task nobody reported on this round
//! (未报送, 退回重报) is the units' matter, chased by `duban remind`, not a 督办单's. Each
//! 督办单 is numbered in the year's series (督办〔2020〕N号) and recorded in the ledger
//! against each host unit; written again for the same round it keeps its number.

use std::path::PathBuf;

use crate::bulletin::supervise::{self, Level, Supervise};
use crate::catalog::{Catalog, Role};
use crate::date::Date;
use crate::domain::colour::Colour;
use crate::domain::history::{lagging_run, RoundInfo, TaskRound};
use crate::domain::status::Status;
use crate::fsutil::write_atomic;
use crate::ledger::chase::Chase;
use crate::ops::remind::{Calendar, RemindError};
use crate::workspace::Workspace;

/// One run, resolved by the command.
pub struct Escalate<'a> {
    pub ws: &'a Workspace,
    pub round: &'a RoundInfo,
    pub catalog: &'a Catalog,
    pub today: Date,
    /// The day the 整改 answers are due; else `[remind]` answer-days working days on.
    pub due: Option<Date>,
    pub offset: jiff::tz::Offset,
}

/// One 督办单 written.
pub struct Written {
    pub task: u32,
    pub number: String,
    pub level: Level,
    pub streak: u32,
    pub path: PathBuf,
}

/// Writes the round's 督办单 into its 督办文书 folder and records them.
///
/// # Errors
/// [`RemindError`]: the ledger, a bad `[remind]` day, a document that cannot be written.
pub fn escalate(e: &Escalate<'_>) -> Result<Vec<Written>, RemindError> {
    let s = &e.ws.config.remind;
    let due = match e.due {
        Some(d) => d,
        None => Calendar::new(s)?.working_days_after(e.today, s.answer_days),
    };
    let ledger = e.ws.ledger()?;
    let office = match e.ws.config.office.trim() {
        "" => "区督考办".to_string(),
        o => o.to_string(),
    };
    let year = e.today.year();
    let mut next = ledger.next_number(&supervise::prefix(year))?;
    let dir = e.ws.round_dir(&e.round.name).join("督办文书");
    let mut out = Vec::new();
    for task in e.catalog.tasks() {
        let mut history: Vec<TaskRound> = ledger.task_rounds(task.number)?;
        if let Some(i) = history.iter().position(|t| t.round == e.round.name) {
            history.truncate(i + 1);
        } else {
            continue;
        }
        let now = history.last().expect("holds this round");
        if matches!(now.status, Status::Unreported | Status::Rejected) {
            continue;
        }
        let streak = lagging_run(
            history
                .iter()
                .rev()
                .map(|t| crate::domain::colour::lagging(t.status, t.colour)),
        );
        if streak < 2 && now.colour != Colour::Red {
            continue;
        }
        let level = if streak >= s.red_after {
            Level::Red
        } else if streak >= s.yellow_after {
            Level::Yellow
        } else {
            Level::Blue
        };
        let hosts: Vec<String> = e
            .catalog
            .registry()
            .units()
            .iter()
            .filter(|u| e.catalog.role(&u.name, task.number) == Some(Role::Host))
            .map(|u| u.name.clone())
            .collect();
        let stage = format!("督办单（任务{}）", task.number);
        let number = match hosts
            .first()
            .map(|h| ledger.chase_number(e.round, h, &stage))
            .transpose()?
            .flatten()
        {
            Some(n) => n,
            None => {
                next += 1;
                supervise::number(year, next - 1)
            }
        };
        let problems = ledger.task_problems(e.round, task.number)?;
        let doc = Supervise {
            number: &number,
            task,
            round: &e.round.name,
            level,
            streak,
            history: &history,
            problems: &problems,
            due,
            today: e.today,
            office: &office,
        };
        let bytes = supervise::supervise_docx(&doc, e.offset).map_err(RemindError::Docx)?;
        let path = dir.join(format!(
            "{}_督办单_任务{}_{}.docx",
            e.round.name,
            task.number,
            level.label()
        ));
        write_atomic(&path, &bytes).map_err(crate::mail::MailError::from)?;
        for h in &hosts {
            ledger.record_chase(
                e.round,
                &Chase {
                    round: e.round.name.clone(),
                    unit: h.clone(),
                    stage: stage.clone(),
                    date: e.today.iso(),
                    outcome: format!("已写出（{}，连续{streak}期）", level.label()),
                    number: Some(number.clone()),
                },
            )?;
        }
        out.push(Written {
            task: task.number,
            number,
            level,
            streak,
            path,
        });
    }
    Ok(out)
}
