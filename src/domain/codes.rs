//! Every check code, in one table: its stable identifier, its severity, its Chinese title
//! and how to fix it. An issue is always built from a [`Code`]; no other file spells an
//! `E-…` or `W-…` code, and the severity is the table's, never read off the prefix.
//!
//! A fix may name what only the finding knows (`{task}`, `{column}`, `{measure}`, `{round}`,
//! `{advice}`): [`Code::fix`] fills them from the finding's values.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::status::Status;

/// How bad an issue is: an error rejects the return, a warning does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The word the clerk reads.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "提醒",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $sev:ident, $title:literal, $fix:literal; )*) => {
        /// A check code. Serialised as its identifier (`"E-STATUS-MISSING"`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in the table's order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable identifier, e.g. `E-STATUS-MISSING`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// A short Chinese name of the problem.
            pub fn title(self) -> &'static str {
                match self { $( Code::$variant => $title, )* }
            }

            /// The fix with its `{placeholders}` unfilled.
            pub fn fix_template(self) -> &'static str {
                match self { $( Code::$variant => $fix, )* }
            }
        }
    };
}

codes! {
    // --- the file as a whole ------------------------------------------------------------
    /// The file could not be read from disk.
    FileUnreadable = "E-FILE-UNREADABLE", Error, "文件无法读取",
        "文件可能在传送中损坏：请在 Excel 或 WPS 中打开确认能正常显示，另存为 .xlsx 后重新报送";
    /// A Word or PDF document sent instead of the workbook, and no workbook from the unit.
    FileDocument = "E-FILE-DOCUMENT", Error, "请使用 Excel 模板填报",
        "收到的是 Word 或 PDF 文档，不是填报表：请在下发的 Excel 模板中填写后，把 .xlsx 文件作为附件重新报送（盖章扫描件可另附）";
    /// A format duban does not read (.et, .csv, .xlsb …): what to save it as.
    FileFormat = "E-FILE-FORMAT", Error, "文件格式不支持", "{advice}";
    FileNotSpreadsheet = "E-FILE-NOT-SPREADSHEET", Error, "不是电子表格",
        "请用下发的 Excel 模板填写，另存为 .xlsx（Excel 工作簿）后重新报送";
    FileEncrypted = "E-FILE-ENCRYPTED", Error, "文件设置了打开密码",
        "请取消打开密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新报送";
    FileTooLarge = "E-FILE-TOO-LARGE", Error, "文件过大",
        "请只保留下发模板中的内容（删除多余的图片、附件和大量空行空列），另存为 .xlsx 后重新报送";
    /// The zip would inflate beyond the limit, or holds too many entries.
    FileZipBomb = "E-FILE-ZIP-BOMB", Error, "文件解压后过大",
        "请只保留下发模板中的内容（删除多余的图片、附件和大量空行空列），另存为 .xlsx 后重新报送";
    FileTooManySheets = "E-FILE-TOO-MANY-SHEETS", Error, "工作表过多",
        "请删除多余的工作表，只保留下发模板中的工作表后重新报送";
    SheetTooLarge = "E-SHEET-TOO-LARGE", Error, "工作表过大",
        "请只保留下发模板中的内容（删除多余的图片、附件和大量空行空列），另存为 .xlsx 后重新报送";
    FileCorrupt = "E-FILE-CORRUPT", Error, "文件已损坏",
        "文件可能在传送中损坏：请在 Excel 或 WPS 中打开确认能正常显示，另存为 .xlsx 后重新报送";
    /// A later return of the same unit stands instead.
    Superseded = "W-SUPERSEDED", Warning, "已被更晚的报送取代",
        "以较晚报送的文件为准；如本文件才是最终版本，请重新报送本文件";
    /// A unit's returns could not be ordered by their times.
    OrderUncertain = "W-ORDER-UNCERTAIN", Warning, "无法确定哪份报送最新",
        "请确认本文件是否为最终版本；如不是，请重新报送最终版本（只发一份）";

    // --- who sent it, for which round ---------------------------------------------------
    UnitUnknown = "E-UNIT-UNKNOWN", Error, "报送单位不在单位名录中",
        "请在“填报单位”处填写本单位规范全称（与下发模板一致），或直接使用下发的模板重新填报";
    UnitMissing = "E-UNIT-MISSING", Error, "无法确定报送单位",
        "请使用下发的本单位模板填报，并保留“填报单位”一行；或把文件名改为“期次_单位名称_任务进展填报表.xlsx”";
    UnitNoTasks = "E-UNIT-NO-TASKS", Error, "单位没有承办任务",
        "请确认报送单位是否正确；如有疑问请联系区督考办";
    UnitDisagree = "W-UNIT-DISAGREE", Warning, "报送单位不一致",
        "请确认是否用了其他单位的模板；请使用本单位的模板，填报单位写本单位全称";
    /// The unit was found only by the set of tasks the table holds.
    UnitByTasks = "W-UNIT-BY-TASKS", Warning, "按任务认定报送单位",
        "请使用下发的本单位模板，保留“填报单位”一行并填写本单位全称";
    /// A return for another round: sent back, never merged.
    RoundOther = "E-ROUND-OTHER", Error, "不是本期的报表",
        "本次收集的是“{round}”：请使用本期下发的模板填报后重新报送";
    RoundMissing = "W-ROUND-MISSING", Warning, "没有注明填报期次",
        "请使用本期下发的模板，保留“填报期次”一行";
    CatalogDiffers = "W-CATALOG-DIFFERS", Warning, "模板的任务清单已更新",
        "请向区督考办索取最新模板，把填报内容复制到新模板后重新报送";
    /// Made from another task list (last year's template with the round typed over).
    CatalogOther = "E-CATALOG-OTHER", Error, "用了其他任务清单的模板",
        "请使用区督考办本期下发的模板重新填报（不要在往年或其他期次的模板上修改期次）";

    // --- the table ----------------------------------------------------------------------
    HeaderMissing = "E-HEADER-MISSING", Error, "找不到表头",
        "请使用下发的模板填报，不要删除或改写表头行（序号、任务内容、推进状态、完成进度(%)、工作进展……）";
    ColumnMissing = "E-COLUMN-MISSING", Error, "缺少必填列",
        "请恢复模板中的“{column}”列并填写";
    /// A task 办结 by the office that the return reports on (滞后, 序时推进 …): not read,
    /// and the office told that the unit disagrees with the 办结.
    ClosedReported = "W-CLOSED-REPORTED", Warning, "已办结任务仍填报了推进状态",
        "该任务已由区督考办办结（销号），本期无需填报；如认为尚未完成，请联系区督考办";
    TaskNumberMissing = "E-TASK-NUMBER-MISSING", Error, "填报行没有序号",
        "请填写该行的任务序号（与下发模板一致），不要新增行";
    TaskMatchedByText = "W-TASK-MATCHED-BY-TEXT", Warning, "按任务内容认定序号",
        "请在该行“序号”处填写 {task}";
    /// A hand-made table numbered 1..n whose texts name other tasks: bound by the texts.
    NumberIsRowNumber = "W-NUMBER-IS-ROW", Warning, "序号像是行号",
        "请在“序号”处填写任务清单中的任务序号（与下发模板一致），或直接使用下发的模板填报";
    /// A row without 序号 whose canonical cells are merged with the task row above.
    RowContinued = "W-ROW-CONTINUED", Warning, "续行并入上一任务",
        "请把续行的内容并入任务 {task} 所在的一行，删除多余的行，不要合并单元格";
    /// Every task row of the table is blank: the template came back as sent.
    TemplateEmpty = "E-TEMPLATE-EMPTY", Error, "模板未填写",
        "请在每项任务的一行中填写推进状态、完成进度(%)、工作进展等栏目后重新报送";
    TaskUnknown = "E-TASK-UNKNOWN", Error, "序号不在任务清单中",
        "请核对序号，按下发模板填写，不要新增或改动序号";
    TaskNotAssigned = "E-TASK-NOT-ASSIGNED", Error, "不是本单位承办的任务",
        "请删除该行；如确有承办，请联系区督考办核实任务清单";
    TaskDuplicate = "E-TASK-DUPLICATE", Error, "任务重复填报",
        "每项任务只填一行：请合并内容，删除重复的行";
    TaskMissing = "E-TASK-MISSING", Error, "缺少任务的填报行",
        "请按下发模板补上任务 {task} 的一行并填写，不要删除模板中的行";
    TextAltered = "W-TEXT-ALTERED", Warning, "任务内容被改动",
        "任务内容由区督考办统一下发，请勿修改；如需说明，请写在“备注”中";

    // --- the cells ----------------------------------------------------------------------
    CellError = "E-CELL-ERROR", Error, "单元格是错误值",
        "请删除公式或错误引用，直接填写内容";
    /// A merged region over input cells of two tasks, or over two columns.
    CellMerged = "E-CELL-MERGED", Error, "合并单元格",
        "请取消合并，每个任务分别填写";
    /// A formula whose result was never calculated (the file was written by a program).
    FormulaNoValue = "E-FORMULA-NO-VALUE", Error, "公式没有计算结果",
        "请在 Excel/WPS 中打开后保存再报送（保存时会算出结果），或直接填写内容";
    /// Beyond Excel's own limit: only a program can write that, and the text was cut.
    CellTooLong = "E-CELL-TOO-LONG", Error, "单元格内容过长",
        "请精简内容；详细材料请另附文件报送";
    /// Long, but within Excel's limit: read whole.
    CellLong = "W-CELL-LONG", Warning, "单元格内容较长",
        "内容已全部读取，无需修改；如能精简更便于汇总阅读，详细材料可另附文件报送";
    StatusMissing = "E-STATUS-MISSING", Error, "推进状态未填写",
        "请从下拉列表中选择：{statuses}";
    StatusInvalid = "E-STATUS-INVALID", Error, "推进状态不规范",
        "请从下拉列表中选择：{statuses}";
    StatusNormalised = "W-STATUS-NORMALISED", Warning, "推进状态按规范写法读取",
        "请从下拉列表中选择规范写法：{statuses}";
    PercentMissing = "E-PERCENT-MISSING", Error, "完成进度未填写",
        "请填写 0 到 100 之间的数字（如完成八成填 80）";
    PercentInvalid = "E-PERCENT-INVALID", Error, "完成进度不是数字",
        "请填写 0 到 100 之间的数字（如完成八成填 80），不要填文字";
    PercentRange = "E-PERCENT-RANGE", Error, "完成进度超出范围",
        "请填写 0 到 100 之间的数字（如完成八成填 80）";
    PercentNormalised = "W-PERCENT-NORMALISED", Warning, "完成进度按数字读取",
        "请直接填写 0 到 100 之间的数字（如 80），不要带 % 或文字";
    DoneNot100 = "E-DONE-NOT-100", Error, "已完成但进度不足 100",
        "已完成的任务完成进度应填 100；如尚未全部完成，请把推进状态改为“序时推进”或“滞后”";
    LaggingAt100 = "W-LAGGING-AT-100", Warning, "滞后但进度已达 100",
        "完成进度已达 100 的任务不应为“滞后”：如已完成请改为“已完成”；如仍有未完成的部分，请如实填写完成进度";
    NotStartedNot0 = "E-NOTSTARTED-NOT-0", Error, "未启动但进度大于 0",
        "未启动的任务完成进度应填 0；如已开始实施，请把推进状态改为“序时推进”或“滞后”";
    ProgressMissing = "E-PROGRESS-MISSING", Error, "工作进展未填写",
        "请填写本期工作进展：做了哪些工作、取得什么成效（可分条）";
    ProblemsMissing = "E-PROBLEMS-MISSING", Error, "滞后但未写存在问题",
        "请在“存在问题”中说明滞后的原因，并在“下步措施”中写明如何追赶进度";
    /// 照抄上期: the same 工作进展 as last round's.
    ProgressCopied = "W-PROGRESS-COPIED", Warning, "照抄上期",
        "请写本期新的工作进展（本期做了什么、完成多少），不要照抄上期";
    /// 工作进展 that only restates the task.
    ProgressRestatesTask = "W-PROGRESS-RESTATES-TASK", Warning, "工作进展只是重复任务内容",
        "请写具体做了哪些工作、取得什么成效，不要只重复任务内容";
    /// A percent lower than last round's.
    PercentDown = "W-PERCENT-DOWN", Warning, "完成进度比上期低",
        "请核实完成进度：如确有回退，请在“存在问题”中说明原因";
    /// 已完成 last round, not done now.
    DoneUndone = "W-DONE-UNDONE", Warning, "上期已完成，本期未完成",
        "请核实推进状态：上期已报“已完成”，如情况有变，请在“存在问题”中说明";
    PhoneMissing = "W-PHONE-MISSING", Warning, "联系电话未填写",
        "请在表格下方“联系电话”处填写填报人的手机或办公电话，便于核实";
    PhoneInvalid = "W-PHONE-INVALID", Warning, "联系电话格式不对",
        "请填写 11 位手机号或带区号的办公电话（如 0537-3412345），多个号码用顿号分隔";
    ValueMissing = "W-VALUE-MISSING", Warning, "指标完成值未填写",
        "请填写截至本期的累计完成值（单位：{measure}），只填数字";
    ValueInvalid = "E-VALUE-INVALID", Error, "指标完成值不是数字",
        "请只填写数字（单位：{measure}），说明文字写在“说明”列";

    // --- the merge's judgement ----------------------------------------------------------
    /// 序时推进 reported far below 序时进度.
    BehindSchedule = "W-BEHIND-SCHEDULE", Warning, "疑似滞后",
        "请核实：确已落后的改报“滞后”并在“存在问题”中说明原因；进度填错的更正“完成进度(%)”";
}

impl Code {
    /// The identifier read back (`mail --check-report`).
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The fix, with each `{name}` replaced by its value from `args`; `{statuses}` is
    /// always known. A placeholder left without a value is dropped with its braces.
    pub fn fix(self, args: &[(&str, &str)]) -> String {
        let template = self.fix_template();
        crate::placeholder::fill_with(template, |name| match name {
            "statuses" => Some(Status::REPORTED.map(|s| s.label()).join("、")),
            _ => args
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string()),
        })
        // Every fix is closed (`fixes_fill_their_placeholders`); should one not be, it
        // reads as written rather than losing its end.
        .unwrap_or_else(|_| template.to_string())
    }
}

/// What to save a file of an unsupported format as: the `{advice}` of
/// [`Code::FileFormat`].
pub fn format_advice(ext: &str) -> &'static str {
    match ext {
        "et" | "ett" | "wps" => {
            "这是 WPS 表格格式：请在 WPS 中“文件 → 另存为”，文件类型选“Excel 工作簿(*.xlsx)”后重新报送"
        }
        "csv" | "txt" => {
            "CSV/文本文件会丢失表格结构：请用下发的模板填写，保存为 .xlsx 后重新报送"
        }
        "rar" | "7z" => {
            "这是 .rar/.7z 压缩包：请解压后直接发送其中的 Excel 文件（.xlsx），或改用 .zip 压缩"
        }
        _ => "请用下发的 Excel 模板填写，另存为 .xlsx（Excel 工作簿）后重新报送",
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = String::deserialize(d)?;
        Code::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("未知的校验代码“{s}”")))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_unique_and_say_their_severity() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            let prefix = match c.severity() {
                Severity::Error => "E-",
                Severity::Warning => "W-",
            };
            assert!(c.as_str().starts_with(prefix), "{}", c.as_str());
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(!c.title().is_empty() && !c.fix_template().is_empty(), "{c}");
        }
    }

    #[test]
    fn fixes_fill_their_placeholders() {
        assert_eq!(
            Code::TaskMissing.fix(&[("task", "57")]),
            "请按下发模板补上任务 57 的一行并填写，不要删除模板中的行"
        );
        assert_eq!(
            Code::StatusMissing.fix(&[]),
            "请从下拉列表中选择：已完成、序时推进、滞后、未启动"
        );
        assert!(Code::FileFormat
            .fix(&[("advice", format_advice("et"))])
            .contains("WPS"));
        // Every placeholder a fix uses is one the check fills somewhere.
        for c in Code::ALL {
            let names = crate::placeholder::names(c.fix_template()).expect("closed");
            for name in names {
                assert!(
                    ["task", "column", "measure", "round", "advice", "statuses"]
                        .contains(&name.as_str()),
                    "{c}: {{{name}}}"
                );
            }
        }
    }
}
