//! The catalog in force for each merged round, as the ledger recorded it: what `history`,
//! `ledger export` and `catalog diff` show a round with, so that an edit of 任务清单.toml
//! (a task moved to another leader, a unit renamed) never rewrites the past.

use std::collections::HashMap;
use std::rc::Rc;

use crate::catalog::names::fold;
use crate::catalog::Catalog;
use crate::cmd::globals::recorded_catalog;
use crate::cmd::Globals;
use crate::ledger::Ledger;
use crate::CliError;

/// Each merged round's catalog, and the one in use for rounds without a record.
pub struct RoundCatalogs {
    pub current: Rc<Catalog>,
    by_round: HashMap<String, Rc<Catalog>>,
}

impl RoundCatalogs {
    /// Reads every round's recorded catalog (each distinct one parsed once).
    pub fn load(g: &Globals, ledger: &Ledger) -> Result<RoundCatalogs, CliError> {
        let current = Rc::new(g.catalog()?);
        let mut by_id: HashMap<i64, Rc<Catalog>> = HashMap::new();
        let mut by_round = HashMap::new();
        for r in ledger.rounds()? {
            if let Some((id, toml)) = ledger.catalog_of(&r)? {
                let cat = match by_id.get(&id) {
                    Some(c) => c.clone(),
                    None => Rc::new(recorded_catalog(&toml, &r.name)?),
                };
                by_id.insert(id, cat.clone());
                by_round.insert(r.name, cat);
            }
        }
        Ok(RoundCatalogs { current, by_round })
    }

    /// The catalog a round was merged with (the one in use for a round not merged).
    pub fn of(&self, round: &str) -> &Catalog {
        self.by_round.get(round).unwrap_or(&self.current)
    }

    /// Every catalog of the year, the one in use first.
    pub fn all(&self) -> impl Iterator<Item = &Catalog> {
        std::iter::once(self.current.as_ref()).chain(self.by_round.values().map(|c| c.as_ref()))
    }

    /// A leader's name as some catalog of the year writes it.
    pub fn leader(&self, name: &str) -> Option<String> {
        self.all()
            .flat_map(|c| c.leaders().iter())
            .find(|l| fold(l) == fold(name))
            .cloned()
    }

    /// Whether `leader` led `task` in `round`.
    pub fn leads(&self, round: &str, task: u32, leader: &str) -> bool {
        (self.of(round).task(task)).is_some_and(|t| t.leaders.iter().any(|l| l == leader))
    }

    /// The tasks a leader led in any round, in order.
    pub fn tasks_of_leader(&self, leader: &str) -> Vec<u32> {
        let mut tasks: Vec<u32> = (self.all())
            .flat_map(|c| {
                c.tasks_of_leader(leader)
                    .map(|t| t.number)
                    .collect::<Vec<_>>()
            })
            .collect();
        tasks.sort_unstable();
        tasks.dedup();
        tasks
    }

    /// The tasks a unit (under any of `names`) had in any round, in order.
    pub fn tasks_of_unit(&self, names: &[String]) -> Vec<u32> {
        let mut tasks: Vec<u32> = (self.all())
            .flat_map(|c| {
                names
                    .iter()
                    .flat_map(|n| c.tasks_of_unit(n).iter().map(|(t, _)| *t))
            })
            .collect();
        tasks.sort_unstable();
        tasks.dedup();
        tasks
    }
}

/// A unit's names over the year: its name now and those it had before a reorganisation,
/// as the catalog in use records them (`former`), so that its history follows it.
pub fn unit_names(cat: &Catalog, unit: &str) -> Vec<String> {
    let mut names = vec![unit.to_string()];
    if let Some(u) = cat.registry().units().iter().find(|u| u.name == unit) {
        names.extend(u.former.iter().cloned());
    }
    names
}

/// `catalog diff R1 [R2]`: what changed between the catalogs two rounds were merged with
/// (R2 left out: the catalog in use, which the next merge takes).
pub fn diff(g: &Globals, from: &str, to: Option<&str>) -> crate::CliResult {
    let ws = g.workspace("catalog diff")?;
    let ledger = ws.ledger()?;
    for r in std::iter::once(from).chain(to) {
        if ledger.round(r)?.is_none() {
            return Err(crate::ledger::LedgerError::NoRound(r.to_string()).into());
        }
    }
    let cats = RoundCatalogs::load(g, &ledger)?;
    let (old, new) = (
        cats.of(from),
        to.map_or(cats.current.as_ref(), |t| cats.of(t)),
    );
    let lines = crate::catalog::diff::diff(old, new);
    let title = format!(
        "“{from}”与{}的任务清单",
        match to {
            Some(t) => format!("“{t}”"),
            None => "现行".to_string(),
        }
    );
    let text = match lines.is_empty() {
        true => format!("{title}相同。\n"),
        false => format!(
            "{title}有 {} 处不同：\n  {}\n",
            lines.len(),
            lines.join("\n  ")
        ),
    };
    crate::cmd::out(&text);
    Ok(crate::Outcome::Clean)
}
