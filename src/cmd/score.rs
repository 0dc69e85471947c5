//! `duban score`: 考核 — every unit scored from the ledger by the workspace's
//! `考核规则.toml`, written to `考核得分.xlsx` with every point's evidence; `--explain`
//! prints one unit's points for its appeal.
//!
//! ```text
//! duban score                    # the whole year
//! duban score --round 2020年第一季度
//! duban score --explain 区科技局
//! ```

use std::path::PathBuf;

use super::out;
use crate::cmd::Globals;
use crate::score::{self, Rules, Scores};
use crate::write::score::{PointLine, ScoreBook, UnitLine};
use crate::{CliError, CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 只计本期的得分（默认计全年）。
    #[arg(long, value_name = "ROUND", conflicts_with = "year")]
    pub round: Option<String>,
    /// 计全年得分（默认）。
    #[arg(long)]
    pub year: bool,
    /// 列出该单位每一项加分、扣分及其依据（用于申诉核对）；不写文件。
    #[arg(long, value_name = "NAME")]
    pub explain: Option<String>,
    /// 得分表的保存位置（默认在工作区中：考核得分.xlsx，按期为 <期次>_考核得分.xlsx）。
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args, g: &Globals) -> CliResult {
    let ws = g.workspace("score")?;
    let path = ws.root.join(score::rules::FILE);
    let (text, wrote) = match std::fs::read_to_string(&path) {
        Ok(t) => (t, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::fsutil::write_atomic(&path, score::rules::DEFAULT.as_bytes())?;
            (score::rules::DEFAULT.to_string(), true)
        }
        Err(e) => {
            return Err(score::RulesError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            }
            .into())
        }
    };
    if wrote {
        out(&format!(
            "工作区中没有考核规则，已写出默认规则 {}\n",
            path.display()
        ));
    }
    let rules = Rules::parse(&text, &path.display().to_string())?;
    let ledger = ws.ledger()?;
    let round = match args.round.as_deref() {
        Some(r) => g.round(Some(r))?,
        None => None,
    };
    let scores = score::score(&ledger, &rules, round.as_deref())?;
    if let Some(name) = &args.explain {
        let unit = g.catalog()?.registry().unit(name)?.name.clone();
        let text = score::explain(&scores, &rules, &unit).ok_or(CliError::NotScored { unit })?;
        out(&text);
        return Ok(Outcome::Clean);
    }
    let bytes = crate::write::score::workbook(&book(&scores, &rules))?;
    let file = args
        .output
        .unwrap_or_else(|| ws.root.join(crate::outputs::scores(round.as_deref())));
    crate::fsutil::write_atomic(&file, &bytes)?;
    score::record(&ledger, &text, &scores, &crate::date::now_rfc3339())?;
    out(&format!(
        "已计 {} 的考核得分：{} 个单位，{} 项加减分；已写入 {}，并记入台账\n",
        scores.scope,
        scores.units.len(),
        scores.points.len(),
        file.display()
    ));
    Ok(Outcome::Clean)
}

fn book(scores: &Scores, rules: &Rules) -> ScoreBook {
    ScoreBook {
        scope: scores.scope.clone(),
        leaders_weight: rules.ranking.leaders_weight,
        units: (scores.units.iter())
            .map(|u| UnitLine {
                unit: u.unit.clone(),
                kind: u.kind.clone(),
                group: u.group.clone(),
                rank: u.rank,
                total: u.total,
            })
            .collect(),
        rules: rules.lines(),
        points: (scores.points.iter())
            .map(|p| PointLine {
                unit: p.unit.clone(),
                round: p.round.clone(),
                rule: p.rule.clone(),
                task: p.task,
                points: p.points,
                evidence: p.evidence.clone(),
            })
            .collect(),
    }
}
