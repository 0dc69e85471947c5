//! `duban remind`: run once a day by the scheduler, chases the latest round's units.
//!
//! ```text
//! duban remind            # what is due today, written to the outbox, nothing sent
//! duban remind --send     # the same, sent; each unit gets each stage once per round
//! ```
//!
//! The stages and the office's holidays are set in duban.toml `[remind]`; what each run
//! did is in the ledger. The workflow is [`crate::ops::remind`].

use crate::date::Date;
use crate::mail::console::Console;
use crate::mail::settings::Settings;
use crate::mail::MailError;
use crate::ops::remind::{self, Remind};
use crate::{CliResult, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 填报期次；默认最新一期。
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// 真正发送；不加时只写出 .eml 并列表预览，不发送、不记入台账。
    #[arg(long)]
    pub send: bool,
}

pub fn run(args: Args, g: &crate::cmd::Globals) -> CliResult {
    let ws = g.workspace("remind")?;
    let info = g.round_info(ws, args.round.as_deref())?;
    let catalog = g.catalog_for(&info.name)?;
    let settings =
        Settings::default().or(super::mail::workspace_settings(ws).map_err(MailError::from)?);
    let console = Console::new();
    let r = Remind {
        ws,
        round: &info,
        catalog: &catalog,
        check: g.check_options(Some(info.name.clone()))?,
        settings,
        today: Date::today(g.offset),
        send: args.send,
        offset: g.offset,
    };
    let failed = remind::remind(&r, &console)?;
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
