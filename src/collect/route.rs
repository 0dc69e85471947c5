//! Which folder each collected return goes to: its own round's, whatever round the
//! office is collecting now.
//!
//! Units send next round's return before the office has registered that round, and late
//! corrections of the last round after the next was opened. Filed with the current round
//! the first is rejected as another round's and the second judged against the wrong round.
//! So in a workspace the return's round is read from the return itself (the template's
//! identity, else its 填报期次 line: the check's own reading), and:
//!
//! * a registered round → that round's 回收/ (an earlier one is told to be merged again
//!   when it was merged already);
//! * a round not registered yet → the workspace's 待归期/, until `round new` takes it in
//!   ([`super::waiting`]);
//! * no round to be read → the round the arrival falls in (the last one opened by then),
//!   with a warning.
//!
//! The other attachments of a message (a scanned letter) follow its returns; a message
//! without a return goes by its arrival, without a warning. Outside a workspace
//! everything goes into the one folder given.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::catalog::Catalog;
use crate::check::CheckOptions;
use crate::domain::round::round_key;
use crate::outputs;

/// Where collected files may go.
#[derive(Clone, Debug)]
pub enum Folders {
    /// `--into DIR`, or no workspace: one folder for everything.
    One(PathBuf),
    /// A workspace's rounds.
    Rounds(Rounds),
}

/// The rounds of a workspace, as routing needs them.
#[derive(Clone, Debug)]
pub struct Rounds {
    /// In the ledger's order.
    pub list: Vec<RoundFolder>,
    /// The round being collected: its returns need no word.
    pub current: String,
    /// Where returns of rounds not registered yet wait (`待归期/`).
    pub waiting: PathBuf,
}

/// One registered round.
#[derive(Clone, Debug)]
pub struct RoundFolder {
    pub name: String,
    /// When `round new` registered it.
    pub opened: Option<Timestamp>,
    /// Its 回收/.
    pub dir: PathBuf,
    /// Whether it has been merged: a late return then asks for a new merge.
    pub merged: bool,
}

/// Why a file went where it went, when that is not the current round's folder or not
/// sure.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Routed {
    /// A round not registered yet: in 待归期/.
    Waiting(String),
    /// An earlier round than the current one; `merged`: it must be merged again.
    Earlier { round: String, merged: bool },
    /// A later registered round than the one being collected.
    Later(String),
    /// No round could be read: filed with the round its arrival falls in.
    Guessed(String),
}

impl Folders {
    /// The folder the collection is first of all about: `--into`, or the current round's.
    pub fn main(&self) -> &Path {
        match self {
            Folders::One(dir) => dir,
            Folders::Rounds(r) => r
                .list
                .iter()
                .find(|f| f.name == r.current)
                .map_or(r.waiting.as_path(), |f| f.dir.as_path()),
        }
    }

    /// Every folder a receipts log may be in: what a rerun must know it collected already.
    pub fn all(&self) -> Vec<PathBuf> {
        match self {
            Folders::One(dir) => vec![dir.clone()],
            Folders::Rounds(r) => r
                .list
                .iter()
                .map(|f| f.dir.clone())
                .chain([r.waiting.clone()])
                .collect(),
        }
    }

    /// The round a folder holds, when it holds one (not 待归期/, not `--into`).
    pub fn round_of(&self, dir: &Path) -> Option<&str> {
        match self {
            Folders::One(_) => None,
            Folders::Rounds(r) => r
                .list
                .iter()
                .find(|f| f.dir == dir)
                .map(|f| f.name.as_str()),
        }
    }

    /// Where a return of `round` (as the return says, if it says) that arrived at
    /// `received` goes.
    pub fn place(&self, round: Option<&str>, received: Timestamp) -> (PathBuf, Option<Routed>) {
        let r = match self {
            Folders::One(dir) => return (dir.clone(), None),
            Folders::Rounds(r) => r,
        };
        let current = r.list.iter().position(|f| f.name == r.current);
        let Some(round) = round.filter(|s| !s.trim().is_empty()) else {
            let (dir, name) = r.by_arrival(received);
            return (dir, name.map(Routed::Guessed));
        };
        match r
            .list
            .iter()
            .position(|f| round_key(&f.name) == round_key(round))
        {
            None => (r.waiting.clone(), Some(Routed::Waiting(round.to_string()))),
            Some(i) => {
                let f = &r.list[i];
                let routed = match current {
                    Some(c) if i < c => Some(Routed::Earlier {
                        round: f.name.clone(),
                        merged: f.merged,
                    }),
                    Some(c) if i > c => Some(Routed::Later(f.name.clone())),
                    _ => None,
                };
                (f.dir.clone(), routed)
            }
        }
    }

    /// Where something with no round of its own goes (a message without a return): the
    /// round its arrival falls in, without a word.
    pub fn by_arrival(&self, received: Timestamp) -> PathBuf {
        match self {
            Folders::One(dir) => dir.clone(),
            Folders::Rounds(r) => r.by_arrival(received).0,
        }
    }
}

impl Rounds {
    /// The last round opened by `received` (the first round for earlier mail), and its
    /// name; 待归期/ when no round is registered.
    fn by_arrival(&self, received: Timestamp) -> (PathBuf, Option<String>) {
        let found = self
            .list
            .iter()
            .rev()
            .find(|f| f.opened.is_some_and(|t| t <= received))
            .or(self.list.first());
        match found {
            Some(f) => (f.dir.clone(), Some(f.name.clone())),
            None => (self.waiting.clone(), None),
        }
    }
}

/// What the check reads of one attachment: its unit and its round, when it names one
/// each (an archive holding several units' returns names none).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Identified {
    pub unit: Option<String>,
    pub round: Option<String>,
}

/// Reads the unit and round of each `(key, name, bytes)` attachment through the check, in
/// one check for the batch (the attachments written into a scratch folder, each in its
/// own subfolder named by its key).
pub fn identify(
    files: &[(usize, &str, &[u8])],
    catalog: &Catalog,
    check: &CheckOptions,
) -> HashMap<usize, Identified> {
    let mut out = HashMap::new();
    if files.is_empty() {
        return out;
    }
    let Ok(tmp) = tempfile::tempdir() else {
        return out;
    };
    let writes: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|(i, name, data)| {
            let file = tmp
                .path()
                .join(i.to_string())
                .join(outputs::file_part(name));
            (file, data.to_vec())
        })
        .collect();
    if crate::fsutil::write_many_atomic(&writes).is_err() {
        return out;
    }
    let report = crate::check::check_paths(&[tmp.path().to_path_buf()], catalog, check);
    type Seen = (BTreeSet<Option<String>>, BTreeSet<Option<String>>);
    let mut found: HashMap<usize, Seen> = HashMap::new();
    for f in &report.files {
        let Ok(rel) = f.path.strip_prefix(tmp.path()) else {
            continue;
        };
        let Some(i) = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str()?.parse::<usize>().ok())
        else {
            continue;
        };
        let e = found.entry(i).or_default();
        e.0.insert(f.unit.clone());
        e.1.insert(f.round.clone());
    }
    for (i, (units, rounds)) in found {
        let one = |s: BTreeSet<Option<String>>| match s.into_iter().collect::<Vec<_>>().as_slice() {
            [Some(x)] => Some(x.clone()),
            _ => None,
        };
        out.insert(
            i,
            Identified {
                unit: one(units),
                round: one(rounds),
            },
        );
    }
    out
}

/// The summary's lines for what went elsewhere than the current round's folder.
pub fn describe(routed: &[(Routed, String)]) -> String {
    let mut s = String::new();
    let mut groups: std::collections::BTreeMap<&Routed, Vec<&str>> = Default::default();
    for (r, unit) in routed {
        groups.entry(r).or_default().push(unit);
    }
    for (r, units) in groups {
        let who = units.join("、");
        let n = units.len();
        s.push_str(&match r {
            Routed::Waiting(round) => format!(
                "提前报送：{n} 份报表属于尚未登记的期次“{round}”（{who}），暂存于 {}/；登记该期次（duban round new {round}）时自动移入其回收文件夹\n",
                outputs::WAITING
            ),
            Routed::Earlier { round, merged } => format!(
                "补报：{n} 份报表属于较早的期次“{round}”（{who}），已存入该期次的回收文件夹{}\n",
                if *merged {
                    format!("；“{round}”已汇总，需重新汇总：duban merge --round {round}")
                } else {
                    String::new()
                }
            ),
            Routed::Later(round) => format!(
                "{n} 份报表属于期次“{round}”（{who}），已存入该期次的回收文件夹\n"
            ),
            Routed::Guessed(round) => format!(
                "注意：{n} 份报表无法判断填报期次（{who}），按收到时间归入“{round}”，请核对\n"
            ),
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rounds() -> Folders {
        let f = |name: &str, opened: &str, merged: bool| RoundFolder {
            name: name.into(),
            opened: Some(opened.parse().unwrap()),
            dir: PathBuf::from(name),
            merged,
        };
        Folders::Rounds(Rounds {
            list: vec![
                f("2020年第一季度", "2020-04-01T00:00:00Z", true),
                f("2020年第二季度", "2020-07-01T00:00:00Z", false),
            ],
            current: "2020年第二季度".into(),
            waiting: PathBuf::from("待归期"),
        })
    }

    #[test]
    fn each_return_goes_to_its_own_round() {
        let f = rounds();
        let at: Timestamp = "2020-07-03T00:00:00Z".parse().unwrap();
        assert_eq!(
            f.place(Some("2020年二季度"), at),
            ("2020年第二季度".into(), None)
        );
        assert_eq!(
            f.place(Some("2020年第一季度"), at).1,
            Some(Routed::Earlier {
                round: "2020年第一季度".into(),
                merged: true
            })
        );
        assert_eq!(
            f.place(Some("2020年第三季度"), at),
            (
                "待归期".into(),
                Some(Routed::Waiting("2020年第三季度".into()))
            )
        );
        let april: Timestamp = "2020-04-03T00:00:00Z".parse().unwrap();
        assert_eq!(
            f.place(None, april),
            (
                "2020年第一季度".into(),
                Some(Routed::Guessed("2020年第一季度".into()))
            )
        );
        assert_eq!(f.by_arrival(at), PathBuf::from("2020年第二季度"));
    }
}
