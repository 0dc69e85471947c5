//! Why a file could not be read at all, told in Chinese, one [`Code`] per kind.

use super::*;

/// Why a file could not be read at all. Each variant maps to one [`Code`], and its
/// message says in Chinese what is wrong (never the reader library's English).
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum ReadError {
    /// The file could not be opened or read from disk.
    #[error("{message}")]
    Io { message: String },
    /// A known non-spreadsheet extension (.et, .csv, .xlsb …).
    #[error("不支持 .{ext} 格式")]
    Unsupported { ext: String },
    /// The content is not an Excel or ODS workbook.
    #[error("文件不是电子表格（{what}）")]
    NotSpreadsheet { what: String },
    /// A password-protected workbook.
    #[error("文件已加密（设置了打开密码）")]
    Encrypted,
    #[error("文件过大（{size} 字节，上限 {limit} 字节）")]
    TooLarge { size: u64, limit: u64 },
    /// The zip's entries would inflate beyond the limit (a zip bomb or a huge sheet).
    #[error("文件解压后过大（{size} 字节，上限 {limit} 字节）")]
    ZipBomb { size: u64, limit: u64 },
    /// The zip holds more entries than any workbook needs.
    #[error("文件中的压缩条目过多（{count} 个，上限 {limit} 个）")]
    TooManyEntries { count: usize, limit: usize },
    #[error("工作表过多（{count} 个，上限 {limit} 个）")]
    TooManySheets { count: usize, limit: usize },
    #[error("工作表“{sheet}”过大（{what}）")]
    SheetTooLarge { sheet: String, what: String },
    /// Damaged content: truncated, bad zip, bad XML. `detail` is the reader's own words,
    /// kept for whoever debugs, not shown to the clerk.
    #[error("文件已损坏，无法解析：{what}")]
    Corrupt { what: String, detail: String },
    /// The reader panicked; reported like a damaged file.
    #[error("读取时出错，文件可能已损坏")]
    Panic { detail: String },
    /// The isolated reader ran out of its memory allowance: the file claims a huge sheet.
    #[error("文件内容展开后过大（读取需要超过 {limit_mb} MB 内存），可能已损坏")]
    OutOfMemory { limit_mb: u64 },
    /// The isolated reader did not finish in time.
    #[error("读取超时（超过 {secs} 秒），文件可能已损坏")]
    Timeout { secs: u64 },
    /// The isolated reader could not cap its own memory, so it did not read the file.
    #[error("无法限制读取进程的内存（{message}），为安全起见未读取此文件")]
    Sandbox { message: String },
}

impl ReadError {
    /// The code of the issue that reports it.
    pub fn code(&self) -> Code {
        match self {
            ReadError::Io { .. } | ReadError::Sandbox { .. } => Code::FileUnreadable,
            ReadError::Unsupported { .. } => Code::FileFormat,
            ReadError::NotSpreadsheet { .. } => Code::FileNotSpreadsheet,
            ReadError::Encrypted => Code::FileEncrypted,
            ReadError::TooLarge { .. } | ReadError::OutOfMemory { .. } => Code::FileTooLarge,
            ReadError::ZipBomb { .. } | ReadError::TooManyEntries { .. } => Code::FileZipBomb,
            ReadError::TooManySheets { .. } => Code::FileTooManySheets,
            ReadError::SheetTooLarge { .. } => Code::SheetTooLarge,
            ReadError::Corrupt { .. } | ReadError::Panic { .. } | ReadError::Timeout { .. } => {
                Code::FileCorrupt
            }
        }
    }

    /// The issue that reports it, with the code's fix.
    pub fn issue(&self) -> Issue {
        let advice = match self {
            ReadError::Unsupported { ext } => format_advice(ext),
            _ => "",
        };
        Issue::new(self.code(), self.to_string(), &[("advice", advice)])
    }

    /// A damaged file, in words a clerk understands; the reader's own words are kept.
    pub(crate) fn corrupt(sheet: Option<&str>, detail: impl std::fmt::Display) -> ReadError {
        let detail = detail.to_string();
        let d = detail.to_lowercase();
        let why = if d.contains("eocd") || d.contains("invalid zip") || d.contains("end of central")
        {
            "不是完整的 Excel 文件，可能下载或复制不完整"
        } else if d.contains("deflate") || d.contains("crc") || d.contains("compress") {
            "文件中的压缩数据已损坏"
        } else if d.contains("xml") || d.contains("utf") || d.contains("encoding") {
            "表格内容（XML）已损坏"
        } else if d.contains("eof") || d.contains("unexpected end") || d.contains("too short") {
            "文件被截断，内容不完整"
        } else {
            "文件结构无法识别"
        };
        let what = match sheet {
            Some(s) => format!("工作表“{s}”{why}"),
            None => why.to_string(),
        };
        ReadError::Corrupt { what, detail }
    }
}
