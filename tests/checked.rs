//! The check's JSON report as the tests read it: one run, a file by its path's end, a
//! file's issues.

use serde_json::Value;

use crate::workdir::Workdir;

/// Runs `duban check --format json ARGS…`, asserts the exit status and parses the report.
pub fn check_json(wd: &Workdir, args: &[&str], code: i32) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = wd.output(&all);
    run.assert_code(code);
    serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("json: {e}\n{}", run.describe()))
}

/// The report's file whose path ends with `name`.
pub fn file<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no file {name} in {v:#}"))
}

/// (code, cell, task) of a file's issues.
pub fn issues(f: &Value) -> Vec<(String, Option<String>, Option<u64>)> {
    f["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["cell"].as_str().map(String::from),
                i["task"].as_u64(),
            )
        })
        .collect()
}

/// The codes of a file's issues, in order.
pub fn codes(f: &Value) -> Vec<String> {
    issues(f).into_iter().map(|(c, _, _)| c).collect()
}
