//! Arbitrary bytes as a returned workbook: read them the way `duban check` reads a file
//! (sniffed by content: zip → xlsx/xlsm/ods, OLE → xls or encrypted xlsx, else refused),
//! then, when they read, run the whole check of the workbook against the 2020 catalog.
//!
//! OLE inputs (.xls) are left out: calamine's .xls reader loads a whole file at once and a
//! mutated cell position makes it ask for gigabytes (fuzz/findings/xls-dense-range-oom.xls),
//! an abort no in-process code can catch. The command-line tool therefore parses .xls and .ods
//! in a child process with a memory cap and a deadline (`duban::read::Isolation`), which
//! tests/check.rs drives with that file. .ods, read the same way, stays in: in-process it has
//! shown no such blow-up, and if it does the fuzzer reports it.
//!
//! A panic inside calamine is caught by `read_bytes` and becomes `ReadError::Panic` (an
//! E-FILE-CORRUPT issue): the target logs each distinct one and goes on. Any other
//! panic, in our code, aborts and is a finding.
#![no_main]

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use duban::catalog::Catalog;
use duban::check::{check_workbook, CheckOptions};
use duban::read::{read_bytes, Limits, ReadError, OLE_MAGIC};
use libfuzzer_sys::fuzz_target;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(Catalog::embedded)
}

fn options() -> &'static CheckOptions {
    static O: OnceLock<CheckOptions> = OnceLock::new();
    O.get_or_init(|| CheckOptions {
        round: Some("2020年第一季度".into()),
        // The real limits, tighter where a single input could take seconds or gigabytes.
        limits: Limits {
            inflated_bytes: 20 << 20,
            cells: 100_000,
            area: 1_000_000,
            ..Limits::default()
        },
    })
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(OLE_MAGIC) {
        return;
    }
    let opts = options();
    match read_bytes(data, &opts.limits) {
        Ok(book) => {
            let name = Path::new("2020年第一季度_区科技局_任务进展填报表.xlsx");
            let (report, _) = check_workbook(&book, name, catalog(), opts);
            assert!(report.data.is_some());
        }
        Err(ReadError::Panic { detail: msg }) => {
            static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
            let mut seen = SEEN.lock().unwrap();
            if seen.get_or_insert_with(HashSet::new).insert(msg.clone()) {
                eprintln!("CAUGHT calamine panic (reported as E-FILE-CORRUPT): {msg}");
            }
        }
        Err(_) => {}
    }
});
