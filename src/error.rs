//! The errors that stop a command: each module's own error, and the few failures that
//! belong to the command line itself. `main` prints one once, and exits with status 2.

use std::path::PathBuf;

use crate::bulletin::BulletinError;
use crate::catalog::{self, notice::NoticeError, registry::RegistryError, UnknownName};
use crate::date::DateError;
use crate::domain::colour::ConfigError;
use crate::fsutil::{InputError, WriteError};
use crate::mail::MailError;
use crate::write::BuildError;

/// An error that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Catalog(#[from] catalog::CatalogError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("{0}")]
    Notice(#[from] NoticeError),
    #[error(transparent)]
    Import(#[from] crate::ops::import::ImportError),
    #[error(transparent)]
    Unknown(#[from] UnknownName),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Bulletin(#[from] BulletinError),
    #[error(transparent)]
    Workspace(#[from] crate::workspace::WorkspaceError),
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    #[error(transparent)]
    Rules(#[from] crate::score::RulesError),
    #[error("单位“{unit}”不在本次考核的台账记录中（未承担汇总过的期次的任务）")]
    NotScored { unit: String },
    #[error(transparent)]
    RoundName(#[from] crate::domain::round::RoundNameError),
    /// The merge's outputs were put in place, then the ledger could not record the round.
    #[error("本期汇总已写入 {}（新的汇总结果），但台账 {} 未能记下本期：{source}\n台账中仍是此前的记录，与 {} 中的新汇总不一致。请先排除上述问题（如腾出磁盘空间、取消台账文件的只读属性），再运行 duban merge --round {round} --force 重新汇总一次，台账即与汇总一致。", merged.display(), ledger.display(), merged.display())]
    LedgerAfterOutputs {
        merged: PathBuf,
        ledger: PathBuf,
        round: String,
        source: Box<crate::ledger::LedgerError>,
    },
    /// A command that needs a workspace was run outside one.
    #[error("{command} 需要在督办工作区中运行（或用 --workspace DIR 指定）；可用 duban init DIR 创建工作区")]
    NoWorkspace { command: &'static str },
    /// An option a command needs outside a workspace (in one, the workspace supplies it).
    #[error("缺少 {option}：不在工作区中时必须指定（{what}）")]
    Needs {
        option: &'static str,
        what: &'static str,
    },
    #[error(transparent)]
    Collect(#[from] crate::collect::CollectError),
    #[error(transparent)]
    Round(#[from] crate::ops::round_edit::RoundError),
    #[error(transparent)]
    Remind(#[from] crate::ops::remind::RemindError),

    /// An option's date could not be read.
    #[error("{option}：{source}")]
    Date {
        option: &'static str,
        source: DateError,
    },
    /// `round new` without `--deadline`, and no default in `duban.toml` for this round.
    #[error("期次“{round}”未指定截止日期：请用 --deadline 指定（如 --deadline 2021-04-05），或在 duban.toml 的 [round] 中设 deadline_day（如 deadline_day = 28，期次须写明年份和月份、季度或半年）")]
    NoDeadline { round: String },
    /// A required text option is empty.
    #[error("{option} 不能为空，请写明填报期次，如 2020年第一季度")]
    EmptyRound { option: &'static str },
    /// A path given on the command line does not exist.
    #[error("找不到文件或文件夹：{}", .0.display())]
    NoSuchPath(PathBuf),
    /// Options that exclude each other.
    #[error("{0} 一次只能用一个")]
    Exclusive(&'static str),
    /// Outputs already there, and no `--force`: nothing was written.
    #[error("输出文件夹中已有 {count} 个同名文件（如 {}），未写入任何文件；如需覆盖请加 --force", first.display())]
    OutputsExist { count: usize, first: PathBuf },
    /// A set of outputs could not be written (the folder is a file, not writable, or the
    /// disk filled): none of the set was left behind.
    #[error("{source}；本次未写入任何文件，解决后重新运行即可")]
    OutputsNotWritten { dir: PathBuf, source: WriteError },
    /// The output folder lies inside a folder of returns being read.
    #[error("输出文件夹 {} 位于报表文件夹 {} 之内，下次汇总会把汇总表当作报表读取；请换一个输出文件夹", out.display(), input.display())]
    OutputInsideInputs { out: PathBuf, input: PathBuf },
    /// Some templates could not be made (each said above); none was written.
    #[error("{0} 个单位的模板未能生成，见上面的错误；本次未写入任何模板")]
    TemplatesFailed(usize),
    /// `--unit` named a unit that has no row to fill.
    #[error("单位“{unit}”{why}，无需生成模板")]
    NoRows { unit: String, why: &'static str },
    /// `--unit` named a group the registry cannot list.
    #[error("“{group}”无法展开为具体单位：{note}；请用 --unit 逐个指定单位")]
    GroupNotListed { group: String, note: String },
    /// `catalog show --task N` with no such task.
    #[error("没有任务 {number}：任务序号为 1-{count}")]
    NoSuchTask { number: u32, count: usize },
    /// `catalog show --leader NAME` with no such leader.
    #[error(
        "没有名为“{name}”的牵头领导{}",
        crate::catalog::names::suggestion(closest)
    )]
    NoSuchLeader { name: String, closest: Vec<String> },
    /// `catalog import FILE.json` that is not an export of duban.
    #[error("{} 不是 duban 导出的 JSON：{message}", path.display())]
    NotCatalogJson { path: PathBuf, message: String },
}

impl CliError {
    /// A staged set of outputs that could not be written into `dir`.
    pub fn not_written(dir: &std::path::Path) -> impl Fn(WriteError) -> CliError + '_ {
        move |source| CliError::OutputsNotWritten {
            dir: dir.to_path_buf(),
            source,
        }
    }

    /// A date option's error, naming the option.
    pub fn date(option: &'static str) -> impl FnOnce(DateError) -> CliError {
        move |source| CliError::Date { option, source }
    }
}

/// What a command run ended in, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything fine (exit 0).
    Clean,
    /// The command ran and found problems (exit 1).
    Findings,
}

/// Result of a command.
pub type CliResult = Result<Outcome, CliError>;
