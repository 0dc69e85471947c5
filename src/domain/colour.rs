//! The district's three-colour marking (蓝黄红) and 疑似滞后, with their thresholds: the
//! defaults are written once here ([`Thresholds::DEFAULT`]), the config file may change
//! them, and [`Thresholds::colour`] and [`Thresholds::behind`] are the only places that
//! apply them.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalog::format_number;
use crate::domain::status::Status;

/// A task's colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Colour {
    Blue,
    Yellow,
    Red,
}

impl Colour {
    pub const ALL: [Colour; 3] = [Colour::Blue, Colour::Yellow, Colour::Red];

    pub fn label(self) -> &'static str {
        match self {
            Colour::Blue => "蓝",
            Colour::Yellow => "黄",
            Colour::Red => "红",
        }
    }
}

/// The thresholds of the three colours, from the optional `--config FILE`:
///
/// ```toml
/// [colour]
/// tolerance = 10              # 序时推进 more than this below 序时进度: 疑似滞后, yellow
/// red_gap = 30                # more than this below 序时进度: red
/// not_started_red_after = 50  # 未启动 when 序时进度 is past this: red
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Points below 序时进度 a 序时推进 task may be and still be blue (and not 疑似滞后).
    #[serde(default = "tolerance", alias = "疑似滞后阈值")]
    pub tolerance: f64,
    /// Points below 序时进度 beyond which a task is red.
    #[serde(default = "red_gap", alias = "红色阈值")]
    pub red_gap: f64,
    /// 序时进度 after which a 未启动 task is red (mid-year).
    #[serde(default = "not_started_red_after", alias = "未启动标红序时进度")]
    pub not_started_red_after: f64,
}

fn tolerance() -> f64 {
    Thresholds::DEFAULT.tolerance
}
fn red_gap() -> f64 {
    Thresholds::DEFAULT.red_gap
}
fn not_started_red_after() -> f64 {
    Thresholds::DEFAULT.not_started_red_after
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::DEFAULT
    }
}

impl Thresholds {
    /// The office's rule when no config says otherwise.
    pub const DEFAULT: Thresholds = Thresholds {
        tolerance: 10.0,
        red_gap: 30.0,
        not_started_red_after: 50.0,
    };

    /// 疑似滞后: a row reported 序时推进 whose percent is more than the tolerance below
    /// 序时进度. The status stays as reported; this is a flag beside it.
    pub fn behind(&self, status: Option<Status>, percent: Option<f64>, schedule: f64) -> bool {
        status == Some(Status::OnSchedule) && percent.is_some_and(|p| p < schedule - self.tolerance)
    }

    /// A task's colour from its derived status, its (least) percent and 序时进度. Without
    /// 序时进度 only the status counts.
    pub fn colour(&self, status: Status, percent: Option<f64>, schedule: Option<f64>) -> Colour {
        let gap = |default: f64| match schedule {
            Some(s) => s - percent.unwrap_or(default),
            None => 0.0,
        };
        match status {
            Status::Unreported | Status::Rejected => Colour::Red,
            Status::Done | Status::Closed => Colour::Blue,
            Status::NotStarted => {
                let late = schedule.is_some_and(|s| s > self.not_started_red_after);
                if late || gap(0.0) > self.red_gap {
                    Colour::Red
                } else {
                    Colour::Yellow
                }
            }
            Status::Lagging => {
                if gap(100.0) > self.red_gap {
                    Colour::Red
                } else {
                    Colour::Yellow
                }
            }
            Status::OnSchedule => {
                let g = gap(100.0);
                if g > self.red_gap {
                    Colour::Red
                } else if g > self.tolerance {
                    Colour::Yellow
                } else {
                    Colour::Blue
                }
            }
        }
    }

    /// The rule as the office reads it, with these thresholds.
    pub fn legend(&self) -> String {
        format!(
            "三色标识：蓝 已完成或按序时推进；黄 滞后，或落后序时进度 {}～{} 个百分点；红 落后序时进度超过 {} 个百分点、序时进度过 {}% 仍未启动，或未报送、退回重报",
            format_number(self.tolerance),
            format_number(self.red_gap),
            format_number(self.red_gap),
            format_number(self.not_started_red_after)
        )
    }

    /// The defaults, for `--help`.
    pub fn help() -> String {
        let d = Thresholds::DEFAULT;
        format!(
            "三色标识阈值配置文件（TOML），不指定时用默认阈值（疑似滞后 {}、标红 {}、未启动标红序时进度 {}）。",
            format_number(d.tolerance),
            format_number(d.red_gap),
            format_number(d.not_started_red_after)
        )
    }
}

impl Thresholds {
    /// Each threshold is a number of percentage points from 0 to 100 (not NaN), and the
    /// red gap is not below the tolerance: `red_gap = -500` would turn every task red.
    /// `path` is the file they came from (a `--config` file or `duban.toml`), for the message.
    ///
    /// # Errors
    /// [`ConfigError::OutOfRange`] or [`ConfigError::RedBelowTolerance`].
    pub fn check(&self, path: &Path) -> Result<(), ConfigError> {
        let t = self;
        for (name, value) in [
            ("tolerance", t.tolerance),
            ("red_gap", t.red_gap),
            ("not_started_red_after", t.not_started_red_after),
        ] {
            if !(0.0..=100.0).contains(&value) {
                return Err(ConfigError::OutOfRange {
                    path: path.to_path_buf(),
                    name,
                    value,
                });
            }
        }
        if t.red_gap < t.tolerance {
            return Err(ConfigError::RedBelowTolerance {
                path: path.to_path_buf(),
                red_gap: t.red_gap,
                tolerance: t.tolerance,
            });
        }
        Ok(())
    }
}

/// A merge config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Read(#[from] crate::fsutil::InputError),
    #[error("配置文件 {} 格式错误：{message}", path.display())]
    Format { path: PathBuf, message: String },
    #[error("配置文件 {}：[colour] {name} = {value} 不可用，应是 0 到 100 之间的数（百分点）", path.display())]
    OutOfRange {
        path: PathBuf,
        name: &'static str,
        value: f64,
    },
    #[error("配置文件 {}：red_gap（{red_gap}）不应小于 tolerance（{tolerance}）", path.display())]
    RedBelowTolerance {
        path: PathBuf,
        red_gap: f64,
        tolerance: f64,
    },
}

/// The merge's config file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, alias = "三色")]
    pub colour: Thresholds,
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Config::from_toml(&crate::fsutil::read_text(path)?, path)
    }

    /// Parses a config file's text; `path` is only for the message.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let c: Config = crate::fsutil::parse_toml(text).map_err(|message| ConfigError::Format {
            path: path.to_path_buf(),
            message,
        })?;
        c.colour.check(path)?;
        Ok(c)
    }
}

/// 进展滞后: 滞后 or 未启动, no host reporting at all (未报送, 退回重报), or 红 whatever the
/// status (a 序时推进 more than the red gap behind). The one test behind 连续滞后 in 总表,
/// the leader summaries, `history`, the 台账 and the bulletin's section 三.
pub fn lagging(status: Status, colour: Colour) -> bool {
    status.is_lagging() || colour == Colour::Red
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_defaults_and_overrides() {
        let p = Path::new("c.toml");
        assert_eq!(Config::from_toml("", p).unwrap(), Config::default());
        let c = Config::from_toml("[colour]\nred_gap = 40\n", p).unwrap();
        assert_eq!(c.colour.red_gap, 40.0);
        assert_eq!(c.colour.tolerance, 10.0);
        let c = Config::from_toml("[\"三色\"]\n\"疑似滞后阈值\" = 5\n", p).unwrap();
        assert_eq!(c.colour.tolerance, 5.0);
        assert!(matches!(
            Config::from_toml("[colour]\nred_gap = 5\n", p),
            Err(ConfigError::RedBelowTolerance { .. })
        ));
        assert!(matches!(
            Config::from_toml("[colour]\nredgap = 5\n", p),
            Err(ConfigError::Format { .. })
        ));
        assert!(matches!(
            Config::from_toml("[colour]\ntolerance = 120\n", p),
            Err(ConfigError::OutOfRange {
                name: "tolerance",
                ..
            })
        ));
    }

    #[test]
    fn the_help_states_the_defaults() {
        assert!(Thresholds::help().contains("10、标红 30、未启动标红序时进度 50"));
    }
}
