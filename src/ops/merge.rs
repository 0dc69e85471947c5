//! A round's merge, from returns to outputs: every return checked as `duban check` does,
//! the accepted ones merged, the consolidated workbook, the leaders' summaries, the CSVs
//! and the reports written as one set, and in a workspace the round recorded in the ledger
//! once they all exist.

use std::path::{Path, PathBuf};

use jiff::tz::Offset;

use crate::catalog::Catalog;
use crate::check::CheckOptions;
use crate::date::Date;
use crate::domain::colour::Thresholds;
use crate::domain::merged::Merged;
use crate::domain::report::{CheckReport, FileStatus};
use crate::domain::round as schedule;
use crate::domain::stats::{indicators, stats, IndicatorLine, Stats};
use crate::domain::summary::Summary;
use crate::fsutil::{check_overwrite, Staged};
use crate::ledger::Ledger;
use crate::merge::{csv, flag_behind_schedule};
use crate::outputs::MergeOutputs;
use crate::write::merge as xlsx;
use crate::CliError;

/// A merge to run, resolved from the command line and the workspace.
pub struct MergeRound<'a> {
    pub round: &'a str,
    /// Returns: files, folders or archives.
    pub paths: &'a [PathBuf],
    /// The output folder.
    pub out: &'a Path,
    /// Replace outputs of the same names.
    pub force: bool,
    /// `--as-of`: the day 序时进度 is reckoned at.
    pub as_of: Option<Date>,
    pub colour: Thresholds,
    pub compression: u8,
    /// The check's options, as `duban check` would use them for the round.
    pub check: CheckOptions,
    /// In a workspace, the ledger the round is recorded in, and the office's zone.
    pub ledger: Option<(Ledger, Offset)>,
    /// What the printed tables say of who made them, and their paper.
    pub imprint: crate::write::paper::Imprint,
}

/// What a merge did, for the command's message.
pub struct RoundMerged {
    /// Returns read, taken, rejected (and not superseded: still the office's business) and
    /// superseded.
    pub files: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub superseded: usize,
    /// The statistics' lines on the returns and on the tasks.
    pub return_line: String,
    pub task_line: String,
    /// 序时进度 was reckoned (the round or `--as-of` names a period).
    pub scheduled: bool,
    pub outputs: MergeOutputs,
    /// In a workspace: the ledger's file and the round's number in it.
    pub recorded: Option<(PathBuf, i64)>,
}

/// Merges the returns of `r.paths` into `r.out`.
///
/// # Errors
/// A return path that does not exist, an output folder inside the returns, outputs that
/// exist without `force`, outputs that cannot be written (none is left behind), or a
/// ledger that cannot record the round (then it is left as it was).
pub fn merge_round(catalog: &Catalog, r: MergeRound) -> Result<RoundMerged, CliError> {
    let (round, out) = (r.round, r.out);
    if let Some(p) = r.paths.iter().find(|p| !p.exists()) {
        return Err(CliError::NoSuchPath(p.clone()));
    }
    refuse_output_among_inputs(out, r.paths)?;
    let outputs = MergeOutputs::new(out, round, catalog.leaders().iter().map(|l| l.as_str()));
    for p in outputs.all() {
        check_overwrite(p, r.force)?;
    }
    let mut ledger = r.ledger;
    // Registered (or its --as-of kept) only with the merge's record.
    let info = match &ledger {
        Some((l, _)) => Some(l.planned(round, r.as_of)?),
        None => None,
    };
    let schedule = match r.as_of.or(info.as_ref().and_then(|i| i.as_of)) {
        Some(d) => Some(d.schedule()),
        None => schedule::from_round(round),
    };
    // Said now, before the returns are read, if the folder cannot take the outputs.
    let staged = Staged::new(out).map_err(CliError::not_written(out))?;

    // The boundary with the check: the same rules and report as `duban check`.
    let mut report = crate::check::check_paths(r.paths, catalog, &r.check);
    if let Some(s) = schedule {
        flag_behind_schedule(catalog, &mut report, s, &r.colour);
    }
    let mut m = crate::merge::merge(catalog, &report, schedule, r.colour);
    if let (Some((l, _)), Some(i)) = (&ledger, &info) {
        m.history = Some(l.history_before(i)?);
    }
    let st = stats(&m);
    let ind = indicators(&m);
    let summary = Summary::of(&m, &st, round);
    // Units whose return arrived after the deadline, by the ledger's one rule.
    let late: std::collections::BTreeSet<String> = match (&ledger, &info) {
        (Some((_, offset)), Some(i)) => {
            crate::ledger::unit_records(round, &summary, &report, i.deadline, *offset)
                .into_iter()
                .filter(|u| u.late == Some(true))
                .map(|u| u.unit)
                .collect()
        }
        _ => Default::default(),
    };
    let set = OutputSet {
        late: &late,
        m: &m,
        stats: &st,
        indicators: &ind,
        report: &report,
        summary: &summary,
        round,
        compression: r.compression,
        outputs: &outputs,
        imprint: &r.imprint,
    };
    // In a workspace the round's record is staged in the ledger on a thread of its own
    // while the outputs are made, and committed only once they are all in place: a run
    // that fails leaves the ledger as it was.
    let recorded = match (ledger.as_mut(), &info) {
        (Some((l, offset)), Some(i)) => {
            let path = l.path().to_path_buf();
            let toml = catalog.to_toml();
            let (pending, written) = std::thread::scope(|s| {
                let staging = s.spawn(|| l.stage(i, &report, &summary, &toml, *offset));
                let written = set.write(staged);
                (
                    staging.join().expect("staging the ledger does not panic"),
                    written,
                )
            });
            written?;
            // One transaction that replaces what the ledger held of the round. The
            // outputs are in place already: a failure here must say so.
            pending
                .and_then(|p| p.commit())
                .map_err(|source| CliError::LedgerAfterOutputs {
                    merged: out.to_path_buf(),
                    ledger: path.clone(),
                    round: round.to_string(),
                    source: Box::new(source),
                })?;
            Some((path, i.seq))
        }
        _ => {
            set.write(staged)?;
            None
        }
    };
    let files = &report.files;
    Ok(RoundMerged {
        files: files.len(),
        accepted: m.returns.len(),
        // A rejected return superseded by a later one no longer needs the office.
        rejected: (files.iter())
            .filter(|f| f.status == FileStatus::Rejected && f.superseded_by.is_none())
            .filter(|f| !f.untouched())
            .count(),
        superseded: files.iter().filter(|f| f.superseded_by.is_some()).count(),
        return_line: st.return_line(),
        task_line: st.overall.line("任务"),
        scheduled: schedule.is_some(),
        outputs,
        recorded,
    })
}

/// Everything the outputs are made of.
struct OutputSet<'a> {
    m: &'a Merged<'a>,
    stats: &'a Stats<'a>,
    indicators: &'a [IndicatorLine<'a>],
    report: &'a CheckReport,
    summary: &'a Summary,
    late: &'a std::collections::BTreeSet<String>,
    round: &'a str,
    compression: u8,
    outputs: &'a MergeOutputs,
    imprint: &'a crate::write::paper::Imprint,
}

impl OutputSet<'_> {
    /// Builds every output in memory on the cores there are (the consolidated workbook's
    /// sheets beside the CSVs and reports; then the workbook packed while the leaders'
    /// summaries are made), writes them into the staging folder side by side and moves
    /// them into place together: a run that fails leaves none of them.
    fn write(&self, staged: Staged) -> Result<(), CliError> {
        let (m, round, level, imprint) = (self.m, self.round, self.compression, self.imprint);
        let rows = xlsx::TaskRows::new(m);
        let (filled, side) = rayon::join(
            || {
                xlsx::fill_consolidated(
                    m,
                    &rows,
                    self.stats,
                    self.indicators,
                    round,
                    level,
                    imprint,
                )
            },
            || {
                [
                    csv::detail_csv(m),
                    csv::unit_states_csv(self.stats),
                    serde_json::to_vec_pretty(self.report).expect("a check report serialises"),
                    serde_json::to_vec_pretty(self.summary).expect("a summary serialises"),
                ]
            },
        );
        let filled = filled?;
        let (book, leaders) = rayon::join(
            || filled.save(),
            || {
                use rayon::prelude::*;
                self.outputs
                    .leaders
                    .par_iter()
                    .map(|(l, _)| xlsx::leader_summary(m, &rows, l, round, level, imprint))
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        let o = self.outputs;
        let paths = [&o.workbook, &o.csv, &o.units, &o.report, &o.summary]
            .into_iter()
            .chain(o.leaders.iter().map(|(_, p)| p));
        let pages = self.pages();
        let paths = paths
            .chain([&o.board])
            .chain(o.leader_boards.iter().map(|(_, p)| p));
        let files: Vec<(String, Vec<u8>)> = paths
            .map(|p| file_name(p))
            .zip([book?].into_iter().chain(side).chain(leaders?).chain(pages))
            .collect();
        let out = staged.target().to_path_buf();
        staged
            .write_many(&files)
            .and_then(|()| staged.commit())
            .map_err(CliError::not_written(&out))
    }
}

impl OutputSet<'_> {
    /// The round's 督办看板 and each leader's page.
    fn pages(&self) -> Vec<Vec<u8>> {
        let board = |leader: Option<&str>| {
            crate::write::html::page(&crate::write::html::Board {
                summary: self.summary,
                history: self.m.history.as_ref(),
                late: self.late,
                leader,
            })
            .into_bytes()
        };
        std::iter::once(board(None))
            .chain(
                self.outputs
                    .leader_boards
                    .iter()
                    .map(|(l, _)| board(Some(l))),
            )
            .collect()
    }
}

/// A path's last part, as the message names it.
pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writing the outputs into a folder being merged would make the next run read them as
/// returns. The output folder need not exist yet.
fn refuse_output_among_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), CliError> {
    let out_abs = crate::fsutil::resolved(out);
    for p in inputs.iter().filter(|p| p.is_dir()) {
        if out_abs.starts_with(crate::fsutil::resolved(p)) {
            return Err(CliError::OutputInsideInputs {
                out: out.to_path_buf(),
                input: p.clone(),
            });
        }
    }
    Ok(())
}
