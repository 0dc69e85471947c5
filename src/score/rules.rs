//! `考核规则.toml`: the rules the office scores units by, edited by the office. `init` writes
//! [`DEFAULT`], which follows the published practice (base 100, 未报送 −10, 内容空洞 −5, 逾期
//! 主办 −5 / 协办 −2.5, 完成 主办 +2 / 协办 +1, caps per round and per year, 镇街 and 部门 ranked
//! apart, the leaders' assessment weighing 20). Numbers are ranged so that a typo (a
//! deduction written as a bonus, a weight over 100) is told rather than scored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The rules file's name in the workspace.
pub const FILE: &str = "考核规则.toml";

/// The rules `init` writes, commented for the office.
pub const DEFAULT: &str = r#"# 考核规则：duban score 按本文件从台账计算各单位得分。
# 修改后重新运行 duban score 即按新规则计分；每次计分所用规则都记入台账。
# 扣分写负数，加分写正数。

# 基础分
base = 100.0

[report]
# 每期未报送（截止后汇总时仍无报送）扣分
missing = -10.0
# 报送内容空洞（照抄上期、只重复任务内容等），每项任务扣分
no_substance = -5.0
# 视为“内容空洞”的校验问题代码
no_substance_codes = ["W-PROGRESS-COPIED", "W-PROGRESS-RESTATES-TASK"]

[task]
# 逾期报送（以收件时间为准，保存时间不作判断），每项任务：主办单位扣分
overdue_host = -5.0
# 逾期报送，每项任务：协办单位扣分
overdue_co = -2.5
# 任务首次报告“已完成”：主办单位加分
done_host = 2.0
# 任务首次报告“已完成”：协办单位加分
done_co = 1.0

[caps]
# 每期扣分上限（正数，0 为不设上限）
round_deduction = 30.0
# 每期加分上限（0 为不设上限）
round_bonus = 10.0
# 全年扣分上限（0 为不设上限）
year_deduction = 60.0
# 全年加分上限（0 为不设上限）
year_bonus = 20.0

[ranking]
# 分组排名：同一组内的单位类别合并排名，未列出的类别各自排名
groups = { "镇街" = ["镇", "街道"], "部门" = ["区直部门", "园区", "指挥部", "法院/检察院", "其他"] }
# 领导评价的权重（满分，0-100）：综合得分 = 考核得分 × (100 - 权重) / 100 + 领导评价
leaders_weight = 20.0
"#;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub base: f64,
    pub report: Report,
    pub task: TaskRules,
    pub caps: Caps,
    pub ranking: Ranking,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub missing: f64,
    pub no_substance: f64,
    pub no_substance_codes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRules {
    pub overdue_host: f64,
    pub overdue_co: f64,
    pub done_host: f64,
    pub done_co: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caps {
    pub round_deduction: f64,
    pub round_bonus: f64,
    pub year_deduction: f64,
    pub year_bonus: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ranking {
    pub groups: BTreeMap<String, Vec<String>>,
    pub leaders_weight: f64,
}

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("读取考核规则 {path} 出错：{message}；可删除后用 duban init 的默认规则重新写出")]
    Read { path: String, message: String },
    #[error("考核规则 {path} 有误：{message}")]
    Parse { path: String, message: String },
    #[error("考核规则 {path} 中 {key} = {value} 超出范围：{want}")]
    Range {
        path: String,
        key: &'static str,
        value: f64,
        want: &'static str,
    },
}

impl Rules {
    /// The default rules.
    pub fn default_rules() -> Rules {
        Rules::parse(DEFAULT, FILE).expect("the default rules parse")
    }

    /// Rules from a file's text; `path` names it in messages.
    pub fn parse(text: &str, path: &str) -> Result<Rules, RulesError> {
        let rules: Rules =
            crate::fsutil::parse_toml(text).map_err(|message| RulesError::Parse {
                path: path.to_string(),
                message,
            })?;
        rules.check(path)?;
        Ok(rules)
    }

    fn check(&self, path: &str) -> Result<(), RulesError> {
        const DEDUCT: &str = "扣分应为 -100 到 0 之间的数";
        const BONUS: &str = "加分应为 0 到 100 之间的数";
        const CAP: &str = "上限应为 0 到 1000 之间的数（0 为不设上限）";
        let checks: [(&'static str, f64, f64, f64, &'static str); 12] = [
            (
                "base",
                self.base,
                0.0,
                1000.0,
                "基础分应为 0 到 1000 之间的数",
            ),
            ("report.missing", self.report.missing, -100.0, 0.0, DEDUCT),
            (
                "report.no_substance",
                self.report.no_substance,
                -100.0,
                0.0,
                DEDUCT,
            ),
            (
                "task.overdue_host",
                self.task.overdue_host,
                -100.0,
                0.0,
                DEDUCT,
            ),
            ("task.overdue_co", self.task.overdue_co, -100.0, 0.0, DEDUCT),
            ("task.done_host", self.task.done_host, 0.0, 100.0, BONUS),
            ("task.done_co", self.task.done_co, 0.0, 100.0, BONUS),
            (
                "caps.round_deduction",
                self.caps.round_deduction,
                0.0,
                1000.0,
                CAP,
            ),
            ("caps.round_bonus", self.caps.round_bonus, 0.0, 1000.0, CAP),
            (
                "caps.year_deduction",
                self.caps.year_deduction,
                0.0,
                1000.0,
                CAP,
            ),
            ("caps.year_bonus", self.caps.year_bonus, 0.0, 1000.0, CAP),
            (
                "ranking.leaders_weight",
                self.ranking.leaders_weight,
                0.0,
                100.0,
                "权重应为 0 到 100 之间的数",
            ),
        ];
        for (key, value, lo, hi, want) in checks {
            if !(value.is_finite() && value >= lo && value <= hi) {
                return Err(RulesError::Range {
                    path: path.to_string(),
                    key,
                    value,
                    want,
                });
            }
        }
        Ok(())
    }

    /// The group a kind of unit is ranked in: its group's name, else the kind itself.
    pub fn group_of<'a>(&'a self, kind: &'a str) -> &'a str {
        self.ranking
            .groups
            .iter()
            .find(|(_, kinds)| kinds.iter().any(|k| k == kind))
            .map_or(kind, |(g, _)| g.as_str())
    }

    /// The rules as applied, one (name, value) line each, for the workbook and `--explain`.
    pub fn lines(&self) -> Vec<(String, String)> {
        let n = |v: f64| format!("{v}");
        let cap = |v: f64| {
            if v == 0.0 {
                "不设上限".to_string()
            } else {
                n(v)
            }
        };
        let mut lines = vec![
            ("基础分".to_string(), n(self.base)),
            ("未报送（每期）".into(), n(self.report.missing)),
            ("内容空洞（每项任务）".into(), n(self.report.no_substance)),
            (
                "内容空洞的问题代码".into(),
                self.report.no_substance_codes.join("、"),
            ),
            (
                "逾期报送·主办（每项任务）".into(),
                n(self.task.overdue_host),
            ),
            ("逾期报送·协办（每项任务）".into(), n(self.task.overdue_co)),
            ("任务完成·主办".into(), n(self.task.done_host)),
            ("任务完成·协办".into(), n(self.task.done_co)),
            ("每期扣分上限".into(), cap(self.caps.round_deduction)),
            ("每期加分上限".into(), cap(self.caps.round_bonus)),
            ("全年扣分上限".into(), cap(self.caps.year_deduction)),
            ("全年加分上限".into(), cap(self.caps.year_bonus)),
            ("领导评价权重".into(), n(self.ranking.leaders_weight)),
        ];
        for (g, kinds) in &self.ranking.groups {
            lines.push((format!("排名分组“{g}”"), kinds.join("、")));
        }
        lines
    }
}
