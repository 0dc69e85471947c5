//! SQLite's errors told in Chinese: what happened to the ledger file, then SQLite's own
//! words as a detail line (for whoever opens the file with an SQLite tool).

use rusqlite::ErrorCode;

/// A Chinese sentence for an SQLite error, with the library's text on a second line.
pub fn reason(e: &rusqlite::Error) -> String {
    let said = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            "不是台账文件（SQLite 数据库），可能被别的文件覆盖了；请从备份恢复".to_string()
        }
        Some(ErrorCode::DatabaseCorrupt) => "文件已损坏；请从备份恢复".to_string(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "正被其他程序使用；请关闭打开它的程序后重试".to_string()
        }
        Some(ErrorCode::CannotOpen) => "无法打开文件（文件夹不存在或没有权限）".to_string(),
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
            "没有写入权限（文件只读或在只读位置）".to_string()
        }
        Some(ErrorCode::DiskFull) => "磁盘已满".to_string(),
        Some(ErrorCode::SystemIoFailure) => "读写文件时出错（磁盘或网络盘故障）".to_string(),
        _ => "台账内容与本程序不符".to_string(),
    };
    format!("{said}\n  （SQLite：{e}）")
}
