//! `samples/returns/` and `samples/returns-q2/` are what examples/make_samples.rs writes,
//! and `duban check` finds in them exactly what the generator's plan put there (the second
//! quarter checked in a workspace that merged the first).

use std::collections::BTreeSet;
use std::path::Path;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::workdir::Workdir;

#[path = "../examples/make_samples.rs"]
mod make_samples;

fn samples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/returns")
}

fn samples_q2() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/returns-q2")
}

fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn same_as_the_generator(plan: &make_samples::Plan, committed: &Path, regen: &str) {
    let wd = Workdir::new(regen);
    make_samples::write(plan, &wd.dir);
    let fresh = listing(&wd.dir);
    assert_eq!(
        fresh,
        listing(committed),
        "{} differs from the generator: run `cargo run --example make_samples -- samples/returns samples/returns-q2`",
        committed.display()
    );
    // What matters is what duban reads from each file, not the writer's bytes (which a
    // new rust_xlsxwriter may lay out differently): the same sheets, cells and
    // properties, or for a file that is no workbook, the same bytes.
    let limits = duban::read::Limits::default();
    for name in &fresh {
        let (a, b) = (
            std::fs::read(wd.dir.join(name)).unwrap(),
            std::fs::read(committed.join(name)).unwrap(),
        );
        match (
            duban::read::read_bytes(&a, &limits),
            duban::read::read_bytes(&b, &limits),
        ) {
            (Ok(x), Ok(y)) => {
                assert_eq!(x.format, y.format, "{name}");
                assert_eq!(x.properties, y.properties, "{name}: properties");
                assert_eq!(x.modified, y.modified, "{name}: saved time");
                assert_eq!(x.sheets.len(), y.sheets.len(), "{name}: sheets");
                for (s, t) in x.sheets.iter().zip(&y.sheets) {
                    assert_eq!(s.name, t.name, "{name}");
                    assert_eq!(s.visibility, t.visibility, "{name}: {}", s.name);
                    assert_eq!(s.cells, t.cells, "{name}: cells of {}", s.name);
                }
            }
            (Err(x), Err(y)) => {
                assert_eq!(x, y, "{name}: read error");
                assert_eq!(a, b, "{name} differs from the generator's output");
            }
            (x, y) => panic!(
                "{name}: generator {:?} but committed {:?}",
                x.is_ok(),
                y.is_ok()
            ),
        }
    }
}

#[test]
fn committed_samples_are_what_the_generator_writes() {
    let cat = Catalog::embedded();
    same_as_the_generator(&make_samples::plan(&cat), &samples(), "samples-regen");
    same_as_the_generator(
        &make_samples::plan_q2(&cat),
        &samples_q2(),
        "samples-regen-q2",
    );
}

/// The check's JSON report says of each file what the plan says, and names the same units
/// missing, sent back and the same files ignored.
fn as_planned(plan: &make_samples::Plan, run: &crate::workdir::Run) {
    run.assert_code(1);
    let v: Value = serde_json::from_str(&run.stdout()).unwrap();
    let files = v["files"].as_array().unwrap();
    let returns: Vec<_> = plan.files.iter().filter(|p| p.status != "system").collect();
    assert_eq!(files.len(), returns.len(), "{}", run.stdout());
    for p in returns {
        let name = p.reported.as_deref().unwrap_or(&p.file);
        let f = files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(&format!("/{name}")))
            .unwrap_or_else(|| panic!("{name} not in the check's output"));
        let codes: BTreeSet<&str> = f["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap())
            .collect();
        let expected: BTreeSet<&str> = p.codes.iter().copied().collect();
        assert_eq!(codes, expected, "{}: {f:#}", p.file);
        assert_eq!(f["status"], p.status, "{}: {f:#}", p.file);
        assert_eq!(!f["superseded_by"].is_null(), p.superseded, "{}", p.file);
    }
    let count = |s: &str| plan.files.iter().filter(|f| f.status == s).count();
    assert!(
        count("accepted") >= 30 && count("rejected") >= 1,
        "a realistic mix"
    );
    let list = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        list("missing_units"),
        plan.missing_units,
        "units that sent nothing"
    );
    assert_eq!(
        list("rejected_units"),
        plan.rejected_units,
        "units sent back"
    );
    let ignored: Vec<String> = list("ignored")
        .iter()
        .map(|p| p.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(ignored, plan.ignored, "files that are not returns");
}

#[test]
fn check_finds_what_the_plan_put_in_the_samples() {
    let cat = Catalog::embedded();
    let plan = make_samples::plan(&cat);
    let wd = Workdir::new("samples-check");
    let dir = samples();
    let run = wd.output(&[
        "check",
        dir.to_str().unwrap(),
        "--round",
        make_samples::ROUND,
        "--format",
        "json",
    ]);
    as_planned(&plan, &run);
    assert!(plan.files.iter().filter(|f| f.status == "rejected").count() >= 5);

    // The second quarter, in a workspace whose ledger holds the first: the comparisons
    // with last round (照抄上期, percents down, 已完成 undone) are in the plan too.
    wd.run(&["init", "ws"]);
    let q1 = wd.output(&[
        "--workspace",
        "ws",
        "merge",
        dir.to_str().unwrap(),
        "--round",
        make_samples::ROUND,
    ]);
    q1.assert_code(1);
    let run = wd.output(&[
        "--workspace",
        "ws",
        "check",
        samples_q2().to_str().unwrap(),
        "--round",
        make_samples::ROUND_Q2,
        "--format",
        "json",
    ]);
    let plan = make_samples::plan_q2(&cat);
    as_planned(&plan, &run);
    for code in ["W-PROGRESS-COPIED", "W-PERCENT-DOWN", "W-DONE-UNDONE"] {
        assert!(
            plan.files.iter().any(|f| f.codes.contains(&code)),
            "the second quarter shows {code}"
        );
    }
    // Without receipts nobody is judged late or on time: a workbook's saved time is shown
    // (保存时间) but only an arrival is judged (README, 一年的规则), here as everywhere.
    wd.run(&[
        "--workspace",
        "ws",
        "round",
        "new",
        make_samples::ROUND_Q2,
        "--deadline",
        make_samples::DEADLINES[1],
    ]);
    let q2 = samples_q2();
    wd.output(&["--workspace", "ws", "merge", q2.to_str().unwrap()])
        .assert_code(1);
    let status = wd.output(&["--workspace", "ws", "status", "--format", "json"]);
    let v: Value = serde_json::from_str(&status.stdout()).unwrap();
    let late: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["late"] == true)
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert!(late.is_empty(), "{}", status.stdout());
    assert_eq!(v["counts"]["on_time"], 0);
    assert_eq!(v["counts"]["late"], 0);
    let text = wd.output(&["--workspace", "ws", "status"]).stdout();
    assert!(text.contains("保存时间"), "{text}");
    // Outside the workspace the same files are checked without a last round to compare.
    let alone = wd.output(&[
        "check",
        samples_q2().to_str().unwrap(),
        "--round",
        make_samples::ROUND_Q2,
    ]);
    assert!(!alone.stdout().contains("照抄上期"), "{}", alone.describe());
}

/// The README's examples of `check`, `merge` and `bulletin` output on the samples are what the binary
/// prints: every line shown is a line of the real output (a line cut with … a prefix of
/// one), in the same order.
#[test]
fn the_readme_shows_what_the_binary_prints() {
    let readme = std::fs::read_to_string(crate::workdir::repo().join("README.md")).unwrap();
    let block = |after: &str| -> Vec<String> {
        let start = readme
            .find(after)
            .unwrap_or_else(|| panic!("README: {after}"));
        let rest = &readme[start..];
        let open = rest.find("```text\n").unwrap() + "```text\n".len();
        let close = rest[open..].find("```").unwrap();
        rest[open..open + close]
            .lines()
            .map(String::from)
            .filter(|l| l.trim() != "…" && !l.trim().is_empty())
            .collect()
    };
    let wd = Workdir::new("samples-readme");
    let dir = samples();
    let check = wd.output(&[
        "check",
        dir.to_str().unwrap(),
        "--round",
        make_samples::ROUND,
    ]);
    let merge = wd.output(&[
        "merge",
        dir.to_str().unwrap(),
        "--round",
        make_samples::ROUND,
        "--out",
        "out",
    ]);
    let bulletin = wd.output(&[
        "bulletin",
        "--round",
        make_samples::ROUND,
        "--merged",
        "out",
        "-o",
        "通报/",
        "--number",
        "第1期",
        "--date",
        "2020-04-08",
        "--deadline",
        "2020-04-05",
    ]);
    for (shown, run) in [
        (
            block("On the bundled samples (`duban check samples/returns"),
            &check,
        ),
        (
            block("统计 and the one-line summary give the 报送率"),
            &merge,
        ),
        (
            block("give the same bytes. On the bundled samples"),
            &bulletin,
        ),
    ] {
        // The README shows the samples folder by its relative name.
        let printed = run
            .stdout()
            .replace(dir.to_str().unwrap(), "samples/returns");
        let lines: Vec<&str> = printed.lines().collect();
        let mut at = 0;
        for want in &shown {
            let found = lines[at..]
                .iter()
                .position(|l| match want.strip_suffix('…') {
                    Some(prefix) => l.starts_with(prefix),
                    None => l == want,
                });
            let Some(i) = found else {
                panic!("README line not printed (in order): {want}\n--- printed ---\n{printed}");
            };
            at += i + 1;
        }
    }
}
