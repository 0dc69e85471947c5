//! `duban templates`: every unit's workbook read back with calamine and unzipped, the
//! command's refusals, and LibreOffice opening, printing and re-saving the templates.

mod last_round;
mod libreoffice;
mod readback;

use duban::catalog::{sha256_hex, Catalog, Role};
use duban::template;

use crate::workdir::{Run, Workdir};
use readback::{check_template, check_xml, manifest, part, read};

const ROUND: &str = "2020年第一季度";
const DEADLINE: &str = "2020-04-05";

fn generate(wd: &Workdir, out: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "templates",
        "--round",
        ROUND,
        "--deadline",
        DEADLINE,
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    wd.output(&args)
}

fn file_of(unit: &str) -> String {
    format!("{ROUND}_{unit}_任务进展填报表.xlsx")
}

#[test]
fn every_unit_gets_its_tasks_for_2020_q1() {
    let wd = Workdir::new("templates-all");
    let run = generate(&wd, "out", &[]);
    run.assert_code(0);
    // Results on stdout, warnings on stderr, as every command does.
    assert!(
        run.stdout().starts_with("已为 ") && !run.stdout().contains("注意"),
        "{}",
        run.describe()
    );
    assert!(
        run.stderr().starts_with("注意：任务 ") && !run.stderr().contains("已为"),
        "{}",
        run.describe()
    );
    let cat = Catalog::embedded();
    let out = wd.path("out");
    let rows = manifest(&out);
    let units: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let with_tasks: Vec<&str> = cat.assignments().keys().map(String::as_str).collect();
    assert_eq!(
        units, with_tasks,
        "one template per unit with tasks, in registry order"
    );
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want: Vec<String> = units
        .iter()
        .map(|u| file_of(u))
        .chain([duban::outputs::MANIFEST.to_string()])
        .collect();
    want.sort();
    assert_eq!(
        files, want,
        "nothing else in the folder (no temporary files left)"
    );
    for r in &rows {
        let (unit, file) = (&r[0], &r[1]);
        let path = out.join(file);
        assert_eq!(file, &file_of(unit));
        assert_eq!(
            r[4],
            sha256_hex(&std::fs::read(&path).unwrap()),
            "{unit}: manifest sha256"
        );
        let tasks = cat.tasks_of_unit(unit);
        let hosts = tasks.iter().filter(|(_, role)| *role == Role::Host).count();
        assert_eq!(
            (
                r[2].parse::<usize>().unwrap(),
                r[3].parse::<usize>().unwrap()
            ),
            (hosts, tasks.len() - hosts),
            "{unit}: manifest counts"
        );
        check_template(&cat, unit, &path, tasks, "all");
        check_xml(unit, &path, tasks.len());
    }
    // The regression that matters most to a clerk: a co-unit's rows say 协办.
    let town = read(&out.join(file_of("新兖镇")));
    assert!(town.tasks.iter().any(|r| r[4] == "协办") && town.tasks.len() > 50);
    assert!(read(&out.join(file_of("区科技局"))).indicators.is_some());
    assert!(
        read(&out.join(file_of("龙桥街道"))).indicators.is_none(),
        "a co-unit only reports no indicators"
    );
    let err = generate(&wd, "out", &[]).stderr();
    assert!(err.contains("已有") && err.contains("--force"), "{err}");
}

#[test]
fn hosts_only_leaves_co_units_out() {
    let wd = Workdir::new("templates-hosts");
    let run = generate(&wd, "out", &["--hosts-only", "--password", "督办"]);
    run.assert_code(0);
    let cat = Catalog::embedded();
    let out = wd.path("out");
    let rows = manifest(&out);
    let hosts: Vec<&str> = cat
        .assignments()
        .iter()
        .filter(|(_, t)| t.iter().any(|(_, r)| *r == Role::Host))
        .map(|(u, _)| u.as_str())
        .collect();
    assert_eq!(
        rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        hosts
    );
    assert!(
        !out.join(file_of("龙桥街道")).exists(),
        "a unit with no hosted task gets no template"
    );
    for r in &rows {
        assert_eq!(r[3], "0", "{}: no co-unit rows", r[0]);
        let want = template::rows_of(&cat, &r[0], template::Rows::HostsOnly);
        assert!(want.iter().all(|(_, role)| *role == Role::Host));
        check_template(&cat, &r[0], &out.join(&r[1]), &want, "hosts");
    }
    let xml = part(&out.join(file_of("区科技局")), "xl/worksheets/sheet2.xml");
    assert!(
        xml.contains("<sheetProtection password=\""),
        "--password sets a sheet password"
    );
    let refused = generate(&wd, "other", &["--hosts-only", "--unit", "龙桥街道"]);
    refused.assert_code(2);
    assert!(
        refused.stderr().contains("没有主办的任务"),
        "{}",
        refused.describe()
    );
}

#[test]
fn units_by_alias_and_group_and_unknown_names() {
    let wd = Workdir::new("templates-units");
    let run = generate(
        &wd,
        "out",
        &[
            "--unit",
            "兖州区科技局",
            "--unit",
            "新兗镇",
            "--unit",
            "新兖镇人民政府",
            "--office-contact",
            "区督考办 张三 0537-3412345",
        ],
    );
    run.assert_code(0);
    let units: Vec<String> = manifest(&wd.path("out"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        units,
        ["新兖镇", "区科技局"],
        "canonical names, once each, in registry order"
    );
    let guide = read(&wd.path("out").join(file_of("新兖镇")))
        .guide
        .concat()
        .concat();
    assert!(
        guide.contains("区督考办 张三 0537-3412345"),
        "office contact on 填报说明"
    );
    assert!(run.stdout().contains("已为 2 个单位"), "{}", run.describe());

    generate(&wd, "streets", &["--unit", "各街道"]).assert_code(0);
    assert_eq!(
        manifest(&wd.path("streets")).len(),
        4,
        "a group names its units"
    );

    let unknown = generate(&wd, "none", &["--unit", "区科技", "--unit", "新兖镇"]);
    unknown.assert_code(2);
    assert!(
        unknown.stderr().contains("区科技局"),
        "closest names: {}",
        unknown.describe()
    );
    assert!(
        !wd.path("none").exists(),
        "nothing written after an unknown name"
    );

    for bad in ["2020-02-30", "2021/02/29", "04-05"] {
        let r = wd.output(&[
            "templates",
            "--round",
            ROUND,
            "--deadline",
            bad,
            "--out",
            "bad",
        ]);
        r.assert_code(2);
        assert!(r.stderr().contains("--deadline"), "{}", r.describe());
    }
}

#[test]
fn existing_files_are_kept_without_force() {
    let wd = Workdir::new("templates-force");
    generate(&wd, "out", &["--unit", "区科技局", "--unit", "区财政局"]).assert_code(0);
    let kept = wd.path("out").join(file_of("区科技局"));
    let removed = wd.path("out").join(file_of("区财政局"));
    std::fs::write(&kept, b"clerk's copy").unwrap();
    std::fs::remove_file(&removed).unwrap();
    let r = generate(&wd, "out", &["--unit", "区科技局", "--unit", "区财政局"]);
    r.assert_code(2);
    assert!(r.stderr().contains("--force"), "{}", r.describe());
    assert_eq!(std::fs::read(&kept).unwrap(), b"clerk's copy");
    assert!(
        !removed.exists(),
        "every target is checked before any is written"
    );
    generate(
        &wd,
        "out",
        &["--unit", "区科技局", "--unit", "区财政局", "--force"],
    )
    .assert_code(0);
    assert!(std::fs::read(&kept).unwrap().starts_with(b"PK") && removed.exists());
}

#[test]
fn output_is_byte_identical_across_runs() {
    let wd = Workdir::new("templates-repro");
    // The largest, one with indicators, one co-unit only, one with a quoted name.
    let units = [
        "--unit",
        "新兖镇",
        "--unit",
        "区科技局",
        "--unit",
        "龙桥街道",
        "--unit",
        "双招双引指挥部",
    ];
    generate(&wd, "a", &units).assert_code(0);
    generate(&wd, "b", &units).assert_code(0);
    let a = manifest(&wd.path("a"));
    assert_eq!(a, manifest(&wd.path("b")));
    for r in &a {
        assert_eq!(
            std::fs::read(wd.path("a").join(&r[1])).unwrap(),
            std::fs::read(wd.path("b").join(&r[1])).unwrap(),
            "{}",
            r[1]
        );
    }
}
