//! What comes back in a round's folder, accounted for (issue 13): units sent back are not
//! 未报送; archives are read as folders; system files are dropped and other files listed;
//! returns of another round or task list are sent back; the later of two returns is told
//! by instants; units are found by former names, the 填报说明 sheet or their tasks.

use std::io::Write;

use duban::catalog::Catalog;
use serde_json::Value;

use crate::checked::{check_json as check, codes, file};
use crate::returns::{gbk_zip, s, Return, V};
use crate::workdir::{rows_of, soffice_convert, Workdir};

const ROUND: &str = "2020年第一季度";

fn cat() -> Catalog {
    Catalog::embedded()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_unit_whose_return_was_sent_back_did_report() {
    let wd = Workdir::new("intake-states");
    let c = cat();
    // 区科技局 hosts task 2 and others; its return is rejected (a percent over 100).
    let mut kj = Return::clean(&c, "区科技局", ROUND, false);
    kj.set(2, "完成进度(%)", V::N(120.0));
    wd.create("returns/科技局.xlsx", kj.bytes());
    wd.create(
        "returns/财政局.xlsx",
        Return::clean(&c, "区财政局", ROUND, false).bytes(),
    );
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    let rejected = strings(&v["rejected_units"]);
    let missing = strings(&v["missing_units"]);
    assert_eq!(rejected, ["区科技局"]);
    assert!(!missing.contains(&"区科技局".to_string()));
    assert!(!missing.contains(&"区财政局".to_string()));
    assert_eq!(missing.len(), c.assignments().len() - 2);
    let text = wd.output(&["check", "returns", "--round", ROUND]).stdout();
    assert!(
        text.contains(&format!(
            "已通过 1 个，已报送未通过 1 个，未报送 {} 个",
            missing.len()
        )),
        "{text}"
    );
    assert!(
        text.contains("已报送未通过（须退回重报，1 个）：\n  区科技局\n"),
        "{text}"
    );

    let run = wd.output(&["merge", "returns", "--round", ROUND, "--out", "out"]);
    run.assert_code(1);
    let line = format!(
        "已报送 2 个（已通过 1 个，已报送未通过 1 个），未报送 {} 个；报送率",
        missing.len()
    );
    assert!(run.stdout().contains(&line), "{}", run.describe());
    assert!(run.stdout().contains("通过率 50%"), "{}", run.describe());
    let book = std::fs::read(wd.path(&format!("out/{ROUND}_汇总.xlsx"))).unwrap();
    // 总表: task 2's host was sent back: 退回重报, not 未报送, in status and host column.
    let total = rows_of(&book, "总表");
    let header = total.iter().position(|r| r[0] == "序号").unwrap();
    let col = |t: &str| total[header].iter().position(|h| h == t).unwrap();
    let row2 = total.iter().find(|r| r[0] == "2").unwrap();
    assert_eq!(row2[col("推进状态")], "退回重报", "{row2:?}");
    assert_eq!(row2[col("三色标识")], "红");
    assert!(
        row2[col("主办单位填报情况")].contains("退回重报"),
        "{row2:?}"
    );
    // Sheets: 未报送单位 only those that sent nothing; 退回重报单位 the one sent back.
    // Under each sheet's title, information line and column header.
    let silent: Vec<String> = rows_of(&book, "未报送单位")[3..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(silent, missing);
    let sent_back = rows_of(&book, "退回重报单位");
    assert_eq!(sent_back.len(), 4);
    assert_eq!(sent_back[3][0], "区科技局");
    assert!(sent_back[3][5].contains("超出 0-100"), "{sent_back:?}");
    // 统计 gives both rates and each unit's state.
    let stats = rows_of(&book, "统计");
    assert!(
        stats[1][0].contains("报送率") && stats[1][0].contains("通过率"),
        "{:?}",
        stats[1]
    );
    let kj_row = stats.iter().find(|r| r[0] == "区科技局").unwrap();
    assert!(kj_row.contains(&"已报送未通过".to_string()), "{kj_row:?}");
    // The leader of task 2 sees it too.
    let leader = &c.task(2).unwrap().leaders[0];
    let summary =
        std::fs::read(wd.path(&format!("out/{ROUND}_{leader}_分管任务进展.xlsx"))).unwrap();
    let lines = rows_of(&summary, "分管任务进展");
    assert!(lines[1][0].contains("退回重报"), "{:?}", lines[1]);
    // The units' CSV.
    let units = std::fs::read_to_string(wd.path(&format!("out/{ROUND}_报送情况.csv"))).unwrap();
    assert!(units.contains("区科技局,区直部门,已报送未通过"), "{units}");
    assert!(units.contains("区财政局,区直部门,已通过"), "{units}");
    // And reminders go to both kinds of unit, with what differs between them.
    wd.create(
        "contacts.csv",
        "name,role,to\n区科技局,unit,kj@example.org\n区商务局,unit,sw@example.org\n",
    );
    let run = wd.output(&[
        "mail",
        "reminders",
        "--round",
        ROUND,
        "--contacts",
        "contacts.csv",
        "--outbox",
        "outbox",
        "--returns",
        "returns",
        "--deadline",
        "2020-04-05",
        "--from",
        "区督考办 <office@example.org>",
        "--only",
        "区科技局",
        "--only",
        "区商务局",
    ]);
    run.assert_code(0);
    let eml = |unit: &str| {
        std::fs::read_to_string(wd.path(&format!("outbox/{ROUND}_催报提醒_{unit}.eml"))).unwrap()
    };
    assert!(eml("区科技局").len() > 100 && eml("区商务局").len() > 100);
}

#[test]
fn archives_are_read_as_folders_with_their_gbk_names() {
    let wd = Workdir::new("intake-zip");
    let c = cat();
    let kj = Return::clean(&c, "区科技局", ROUND, false).bytes();
    let cz = Return::clean(&c, "区财政局", ROUND, false).bytes();
    let inner = gbk_zip(&[("财政局/2020年第一季度_区财政局_任务进展填报表.xlsx", cz)]);
    let outer = gbk_zip(&[
        ("材料/区科技局一季度报表.xlsx", kj),
        ("材料/说明.docx", b"PK not really".to_vec()),
        ("__MACOSX/材料/._区科技局一季度报表.xlsx", b"mac".to_vec()),
        ("财政局材料.zip", inner),
    ]);
    wd.create("returns/两个单位的报表.zip", outer);
    // A bomb: a member that inflates far beyond the limit.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("a.xlsx", zip::write::SimpleFileOptions::default())
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..210 {
        w.write_all(&zeros).unwrap();
    }
    wd.create("returns/炸弹.zip", w.finish().unwrap().into_inner());
    wd.create("returns/压缩包.rar", b"Rar!\x1a\x07\x00");
    // The same bomb one level down: the limits hold for every member too.
    let bomb = std::fs::read(wd.path("returns/炸弹.zip")).unwrap();
    wd.create("returns/套娃.zip", gbk_zip(&[("内层.zip", bomb)]));
    // A name as a zip tool with the UTF-8 flag writes it, and one with junk bytes for a
    // name and the real name in an Info-ZIP Unicode Path field (which wins).
    let sw = Return::clean(&c, "区商务局", ROUND, false).bytes();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(
        "商务局/区商务局一季度.xlsx",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(&sw).unwrap();
    wd.create("returns/统一码.zip", w.finish().unwrap().into_inner());
    let mz = Return::clean(&c, "区民政局", ROUND, false).bytes();
    let (junk, _, _) = encoding_rs::GBK.encode("乱码.xlsx");
    let mut field = vec![1u8];
    field.extend_from_slice(&crc32(&junk).to_le_bytes());
    field.extend_from_slice("区民政局一季度.xlsx".as_bytes());
    let mut opts = zip::write::FullFileOptions::default().name(&junk);
    opts.add_extra_field(0x7075, field, false).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file_with_options(opts).unwrap();
    w.write_all(&mz).unwrap();
    wd.create("returns/民政局.zip", w.finish().unwrap().into_inner());
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    assert_eq!(codes(file(&v, "套娃.zip!内层.zip")), ["E-FILE-ZIP-BOMB"]);
    let sw = file(&v, "统一码.zip!商务局/区商务局一季度.xlsx");
    assert_eq!(
        (sw["status"].as_str(), sw["unit"].as_str()),
        (Some("accepted"), Some("区商务局"))
    );
    let mz = file(&v, "民政局.zip!区民政局一季度.xlsx");
    assert_eq!(
        (mz["status"].as_str(), mz["unit"].as_str()),
        (Some("accepted"), Some("区民政局"))
    );
    let kj = file(&v, "两个单位的报表.zip!材料/区科技局一季度报表.xlsx");
    assert_eq!(kj["status"], "accepted", "{kj:#}");
    assert_eq!(kj["unit"], "区科技局");
    let cz = file(
        &v,
        "两个单位的报表.zip!财政局材料.zip!财政局/2020年第一季度_区财政局_任务进展填报表.xlsx",
    );
    assert_eq!(cz["status"], "accepted", "{cz:#}");
    assert_eq!(cz["unit"], "区财政局");
    let ignored = strings(&v["ignored"]);
    assert_eq!(ignored.len(), 1, "{ignored:?}");
    assert!(ignored[0].ends_with("两个单位的报表.zip!材料/说明.docx"));
    assert_eq!(codes(file(&v, "炸弹.zip")), ["E-FILE-ZIP-BOMB"]);
    let rar = file(&v, "压缩包.rar");
    assert_eq!(codes(rar), ["E-FILE-FORMAT"]);
    assert!(rar["issues"][0]["fix"].as_str().unwrap().contains("解压"));
    // The archive's returns merge like any other.
    wd.output(&["merge", "returns", "--round", ROUND, "--out", "out"])
        .assert_code(1);
    let csv = std::fs::read_to_string(wd.path(&format!("out/{ROUND}_报送情况.csv"))).unwrap();
    assert!(csv.contains("区科技局,区直部门,已通过"), "{csv}");
    assert!(csv.contains("区财政局,区直部门,已通过"), "{csv}");
}

#[test]
fn system_files_are_dropped_and_other_files_listed_once() {
    let wd = Workdir::new("intake-other");
    let c = cat();
    wd.create(
        "returns/科技局.xlsx",
        Return::clean(&c, "区科技局", ROUND, false).bytes(),
    );
    for (name, bytes) in [
        ("returns/Thumbs.db", &b"\xd0\xcf\x11\xe0thumbs"[..]),
        ("returns/desktop.ini", b"[.ShellClassInfo]"),
        ("returns/.DS_Store", b"\0\0\0\x01Bud1"),
        ("returns/~$科技局.xlsx", b"\x06wangxm"),
        ("returns/__MACOSX/._科技局.xlsx", b"mac"),
        ("returns/盖章扫描件.pdf", b"%PDF-1.4"),
        ("returns/说明.docx", b"PK\x03\x04word"),
        ("returns/照片.jpg", b"\xff\xd8\xff"),
        ("returns/备注.txt", b"see attachment"),
    ] {
        wd.create(name, bytes);
    }
    wd.create("returns/卫健局.et", b"et");
    wd.create("returns/商务局.csv", "序号,推进状态\n12,序时推进\n");
    wd.create("returns/民政局.wps", b"wps");
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    let names: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        ["卫健局.et", "商务局.csv", "民政局.wps", "科技局.xlsx"]
    );
    for n in ["卫健局.et", "商务局.csv", "民政局.wps"] {
        let f = file(&v, n);
        assert_eq!(f["status"], "rejected");
        assert!(
            f["issues"][0]["fix"].as_str().unwrap().contains(".xlsx"),
            "{f:#}"
        );
    }
    // The unit an unreadable file names did report: sent back, not 未报送.
    let rejected = strings(&v["rejected_units"]);
    assert!(
        rejected.contains(&"区卫生健康局".to_string()),
        "{rejected:?}"
    );
    let ignored: Vec<String> = strings(&v["ignored"])
        .iter()
        .map(|p| p.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(
        ignored,
        ["备注.txt", "照片.jpg", "盖章扫描件.pdf", "说明.docx"]
    );
    let text = wd.output(&["check", "returns", "--round", ROUND]).stdout();
    assert_eq!(text.matches("非报表文件").count(), 2, "{text}");
    assert!(text.contains("另有非报表文件 4 个，已忽略"), "{text}");
    for quiet in ["Thumbs", "desktop", "DS_Store", "~$", "MACOSX"] {
        assert!(!text.contains(quiet), "{quiet} in {text}");
    }
}

#[test]
fn a_return_for_another_round_is_sent_back_and_supersedes_nothing() {
    let wd = Workdir::new("intake-round");
    let c = cat();
    let mut q1 = Return::clean(&c, "区科技局", ROUND, false);
    q1.modified = Some((2020, 4, 3, 9));
    wd.create("returns/科技局一季度.xlsx", q1.bytes());
    // Sent later, but for the second quarter.
    let mut q2 = Return::clean(&c, "区科技局", "2020年第二季度", false);
    q2.modified = Some((2020, 4, 4, 9));
    wd.create("returns/科技局二季度.xlsx", q2.bytes());
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    let f2 = file(&v, "科技局二季度.xlsx");
    assert_eq!(f2["status"], "rejected");
    assert_eq!(codes(f2), ["E-ROUND-OTHER"]);
    let f1 = file(&v, "科技局一季度.xlsx");
    assert_eq!(f1["status"], "accepted", "{f1:#}");
    assert!(f1["superseded_by"].is_null(), "{f1:#}");
    assert!(codes(f1).is_empty(), "{f1:#}");
    // Merged: only the first quarter's return.
    let run = wd.output(&["merge", "returns", "--round", ROUND, "--out", "out"]);
    run.assert_code(1);
    assert!(run.stdout().contains("采用 1 份"), "{}", run.describe());
    // Without --round, nothing is checked against it, and the summary says so once.
    let text = wd.output(&["check", "returns"]).stdout();
    assert_eq!(text.matches("未指定 --round").count(), 1, "{text}");

    // The same round as units write it is this round: 一季度 for 第一季度, 1 for 一,
    // full-width digits.
    for (i, written) in ["2020年一季度", "2020年第1季度", "２０２０年 第一季度"]
        .iter()
        .enumerate()
    {
        let dir = format!("same{i}");
        wd.create(
            &format!("{dir}/科技局.xlsx"),
            Return::clean(&c, "区科技局", written, false).bytes(),
        );
        let v = check(&wd, &[&dir, "--round", ROUND], 0);
        let f = file(&v, "科技局.xlsx");
        assert_eq!(f["status"], "accepted", "{written}: {f:#}");
        assert!(codes(f).is_empty(), "{written}: {f:#}");
    }
}

#[test]
fn a_return_for_another_round_does_not_count_against_its_unit_in_this_one() {
    // A late correction of the first quarter dropped among the second quarter's returns:
    // listed with its reason, but the unit has not reported for the second quarter.
    let wd = Workdir::new("intake-other-round");
    let c = cat();
    wd.create(
        "returns/科技局一季度更正.xlsx",
        Return::clean(&c, "区科技局", ROUND, false).bytes(),
    );
    wd.create(
        "returns/财政局.xlsx",
        Return::clean(&c, "区财政局", "2020年第二季度", false).bytes(),
    );
    let v = check(&wd, &["returns", "--round", "2020年第二季度"], 1);
    assert_eq!(codes(file(&v, "科技局一季度更正.xlsx")), ["E-ROUND-OTHER"]);
    let listed = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        listed("missing_units").contains(&"区科技局".to_string()),
        "{v:#}"
    );
    assert!(
        !listed("rejected_units").contains(&"区科技局".to_string()),
        "{v:#}"
    );
    assert!(!listed("missing_units").contains(&"区财政局".to_string()));
}

#[test]
fn last_years_template_with_the_round_typed_over_is_sent_back() {
    let wd = Workdir::new("intake-catalog");
    let c = cat();
    let mut r = Return::clean(&c, "区科技局", ROUND, false);
    // Last year's template: another task list (hash) and other texts, its identity's round
    // the old one, the visible 填报期次 typed over with this round.
    r.catalog_hash = "0123456789abcdef".into();
    let text = r.col("任务内容");
    for row in &mut r.rows {
        if let V::S(t) = &row[text] {
            row[text] = V::S(format!("（2019年）{}", t.chars().rev().collect::<String>()));
        }
    }
    let mut old = r.clone();
    old.round = "2019年第四季度".into();
    let mut bytes_round_typed_over = old.bytes();
    // The visible line says this round: rewrite it in the sheet's shared strings.
    bytes_round_typed_over = patch(
        &bytes_round_typed_over,
        "填报期次：2019年第四季度",
        &format!("填报期次：{ROUND}"),
        "xl/sharedStrings.xml",
    );
    wd.create("returns/科技局.xlsx", bytes_round_typed_over);
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    let f = file(&v, "科技局.xlsx");
    let list = codes(f);
    assert!(list.contains(&"E-ROUND-OTHER".to_string()), "{f:#}");
    assert!(list.contains(&"E-CATALOG-OTHER".to_string()), "{f:#}");
    // One error for the whole file, not a warning per row.
    assert!(!list.contains(&"W-TEXT-ALTERED".to_string()), "{f:#}");
    let msg = f["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "E-ROUND-OTHER")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("2019年第四季度"),
        "the identity's round wins: {msg}"
    );
    // The same template of this catalog with the texts edited is only warned about.
    r.catalog_hash = c.hash().to_string();
    wd.create("returns/科技局.xlsx", r.bytes());
    let v = check(&wd, &["returns", "--round", ROUND], 0);
    assert!(codes(file(&v, "科技局.xlsx")).contains(&"W-TEXT-ALTERED".to_string()));
}

/// Replaces text in one part of an .xlsx (a clerk typing over a cell).
fn patch(bytes: &[u8], from: &str, to: &str, part: &str) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        if name == part {
            data = String::from_utf8(data)
                .unwrap()
                .replace(from, to)
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_return_with_no_round_anywhere_is_warned_about() {
    let wd = Workdir::new("intake-no-round");
    let mut r = Return::clean(&cat(), "区科技局", ROUND, false);
    r.anonymous();
    wd.create(
        "returns/2020年第一季度_区科技局_任务进展填报表.xlsx",
        {
            r.round = String::new();
            r.bytes()
        },
    );
    let v = check(&wd, &["returns", "--round", ROUND], 0);
    assert!(
        codes(&v["files"][0]).contains(&"W-ROUND-MISSING".to_string()),
        "{v:#}"
    );
}

#[test]
fn saved_times_are_compared_as_instants() {
    // A LibreOffice .ods records its saved time in local time without a zone (10:00 in
    // Beijing), Excel in UTC (03:00Z, 11:00 in Beijing): the .xlsx is the later, though
    // its text sorts first.
    let wd = Workdir::new("intake-instants");
    let c = cat();
    let mut first = Return::clean(&c, "区科技局", ROUND, false);
    first.set(2, "工作进展", s("初稿：已制定实施方案"));
    let x = wd.create("src/科技局初稿.xlsx", first.bytes());
    let ods = soffice_convert(&x, "ods", &wd.path("ods"));
    let ods_bytes = std::fs::read(&ods).unwrap();
    let meta = {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(ods_bytes.clone())).unwrap();
        let mut m = String::new();
        std::io::Read::read_to_string(&mut z.by_name("meta.xml").unwrap(), &mut m).unwrap();
        m
    };
    let date = meta
        .split("<dc:date>")
        .nth(1)
        .and_then(|r| r.split("</dc:date>").next())
        .expect("LibreOffice writes dc:date")
        .to_string();
    assert!(
        !date.ends_with('Z'),
        "LibreOffice's time has no zone: {date}"
    );
    let ods_bytes = patch(
        &ods_bytes,
        &date,
        "2020-04-03T10:00:00.123456789",
        "meta.xml",
    );
    wd.create("returns/科技局一季度.ods", ods_bytes);
    let mut second = Return::clean(&c, "区科技局", ROUND, false);
    second.modified = Some((2020, 4, 3, 3));
    wd.create("returns/科技局.xlsx", second.bytes());
    let v = check(&wd, &["returns", "--round", ROUND], 0);
    let ods = file(&v, "科技局一季度.ods");
    assert!(
        ods["superseded_by"]
            .as_str()
            .unwrap()
            .ends_with("科技局.xlsx"),
        "{v:#}"
    );
    // In another office zone (UTC), 10:00 local is after 03:00Z: the order flips.
    let run = wd.output(&[
        "--time-zone",
        "+00:00",
        "check",
        "--format",
        "json",
        "returns",
        "--round",
        ROUND,
    ]);
    let v: Value = serde_json::from_str(&run.stdout()).unwrap();
    let xlsx = file(&v, "/科技局.xlsx");
    assert!(
        xlsx["superseded_by"].as_str().unwrap().ends_with(".ods"),
        "{v:#}"
    );
}

#[test]
fn returns_that_cannot_be_ordered_say_so_and_name_each_other() {
    let wd = Workdir::new("intake-order");
    let c = cat();
    let mut r = Return::clean(&c, "区科技局", ROUND, false);
    r.modified = Some((2020, 4, 3, 9));
    let bytes = r.bytes();
    let a = wd.create("returns/科技局报送.xlsx", &bytes);
    let b = wd.create("returns/科技局报送(1).xlsx", &bytes);
    // File times decide: the "(1)" copy was written later.
    let at = |p: &std::path::Path, secs: u64| {
        let f = std::fs::File::options().write(true).open(p).unwrap();
        f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
            .unwrap();
    };
    at(&a, 1_600_000_000);
    at(&b, 1_600_000_100);
    let v = check(&wd, &["returns", "--round", ROUND], 0);
    let latest = file(&v, "科技局报送(1).xlsx");
    let warning = latest["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "W-ORDER-UNCERTAIN")
        .unwrap_or_else(|| panic!("{latest:#}"))["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(warning.contains("科技局报送.xlsx"), "{warning}");
    assert!(warning.contains("完全相同"), "{warning}");
    assert!(warning.contains("像是重报"), "{warning}");
    assert!(!file(&v, "/科技局报送.xlsx")["superseded_by"].is_null());
}

#[test]
fn units_are_found_when_their_identity_is_lost() {
    let wd = Workdir::new("intake-unit");
    let c = cat();
    // A former name in the 填报单位 line.
    let mut r = Return::clean(&c, "区发展改革局", ROUND, false);
    r.anonymous().unit = "区发改委".into();
    wd.create("returns/a.xlsx", r.bytes());
    // An empty 填报单位 cell, nothing else, and a row gone (no task set either).
    let mut r = Return::clean(&c, "区财政局", ROUND, false);
    r.anonymous().unit = String::new();
    let i = r.row_of(c.tasks_of_unit("区财政局")[0].0);
    r.rows.remove(i);
    wd.create("returns/b.xlsx", r.bytes());
    // Only the task set says who: exactly 区商务局's tasks.
    let mut r = Return::clean(&c, "区商务局", ROUND, false);
    r.anonymous().unit_line = false;
    wd.create("returns/c.xlsx", r.bytes());
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    assert_eq!(file(&v, "a.xlsx")["unit"], "区发展改革局");
    let b = file(&v, "b.xlsx");
    assert!(codes(b).contains(&"E-UNIT-MISSING".to_string()), "{b:#}");
    assert!(
        b["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("是空的"),
        "{b:#}"
    );
    let cc = file(&v, "c.xlsx");
    assert_eq!(cc["unit"], "区商务局");
    assert!(codes(cc).contains(&"W-UNIT-BY-TASKS".to_string()), "{cc:#}");
    // An unknown name suggests the unit its distinctive part names.
    let mut r = Return::clean(&c, "区发展改革局", ROUND, false);
    r.anonymous().unit = "区发改中心".into();
    let i = r.row_of(c.tasks_of_unit("区发展改革局")[0].0);
    r.rows.remove(i);
    wd.create("returns/d.xlsx", r.bytes());
    let v = check(&wd, &["returns/d.xlsx", "--round", ROUND], 1);
    let msg = v["files"][0]["issues"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("最接近的是：区发展改革局"), "{msg}");
    assert!(!msg.contains("区委政法委"), "{msg}");
    // The guide sheet names the unit when the tasks sheet lost its line.
    let mut r = Return::clean(&c, "区民政局", ROUND, false);
    r.anonymous().unit_line = false;
    r.guide_unit = true;
    let i = r.row_of(c.tasks_of_unit("区民政局")[0].0);
    r.rows.remove(i);
    wd.create("returns/e.xlsx", r.bytes());
    let v = check(&wd, &["returns/e.xlsx", "--round", ROUND], 1);
    assert_eq!(v["files"][0]["unit"], "区民政局", "{v:#}");
}

#[test]
fn five_hundred_files_give_a_report_a_clerk_can_scan() {
    let wd = Workdir::new("intake-big");
    let c = cat();
    let units: Vec<&String> = c.assignments().keys().collect();
    let clean = Return::clean(&c, units[0], ROUND, false);
    let bytes = clean.bytes();
    for i in 0..500 {
        wd.create(&format!("returns/{:03}_{}.xlsx", i, units[0]), &bytes);
    }
    let run = wd.output(&["check", "returns", "--round", ROUND]);
    run.assert_code(0);
    let text = run.stdout();
    let lines = text.lines().count();
    // The summary on top, then a line per return (499 superseded, 1 standing with its
    // one reminder): no block of problems per copy.
    assert!(
        text.starts_with("汇总（2020年第一季度）：收到报表 500 份"),
        "{}",
        &text[..200]
    );
    assert!(lines < 530, "{lines} lines");
    // The one warning names a few of the copies and counts the rest, in a line a clerk
    // can read across (the list of units not reported is whole, as the office needs it).
    let warning: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("W-ORDER-UNCERTAIN"))
        .collect();
    assert_eq!(warning.len(), 1, "{text}");
    assert!(warning[0].chars().count() < 300, "{}", warning[0]);
    assert!(warning[0].contains("等 500 份"), "{}", warning[0]);
}

#[test]
fn arrival_times_from_the_receipts_decide_before_saved_times() {
    // The corrected return was saved (by its workbook's clock) before the first one, but
    // it arrived later: the mailbox's receipts say so, and they decide.
    let wd = Workdir::new("intake-received");
    let c = cat();
    let mut first = Return::clean(&c, "区科技局", ROUND, false);
    first.set(2, "推进状态", V::Empty);
    first.modified = Some((2020, 4, 3, 16));
    wd.create("returns/20200403-090000_区科技局_报送.xlsx", first.bytes());
    let mut fixed = Return::clean(&c, "区科技局", ROUND, false);
    fixed.modified = Some((2020, 4, 3, 8));
    wd.create("returns/20200404-100000_区科技局_报送.xlsx", fixed.bytes());
    let receipt = |path: &str, at: &str| {
        format!(
            "{{\"uid\":1,\"uidvalidity\":1,\"message_id\":\"<{path}>\",\"sender\":\"kj@example.org\",\"unit\":\"区科技局\",\"received_at\":\"{at}\",\"subject\":\"报送\",\"name\":\"报送.xlsx\",\"sha256\":\"\",\"path\":\"{path}\"}}\n"
        )
    };
    wd.create(
        "returns/收件记录.jsonl",
        receipt(
            "20200403-090000_区科技局_报送.xlsx",
            "2020-04-03T09:00:00+08:00",
        ) + &receipt(
            "20200404-100000_区科技局_报送.xlsx",
            "2020-04-04T10:00:00+08:00",
        ),
    );
    // The rejected return is superseded by the accepted one: nothing needs the office.
    let v = check(&wd, &["returns", "--round", ROUND], 0);
    let old = file(&v, "20200403-090000_区科技局_报送.xlsx");
    assert!(!old["superseded_by"].is_null(), "{v:#}");
    let new = file(&v, "20200404-100000_区科技局_报送.xlsx");
    assert!(new["superseded_by"].is_null(), "{v:#}");
    assert_eq!(new["received_at"], "2020-04-04T10:00:00+08:00");
    assert!(
        strings(&v["ignored"]).is_empty(),
        "the log is not a return: {v:#}"
    );
    // Without the receipts the saved times decide, the other way (the blank status stands).
    std::fs::remove_file(wd.path("returns/收件记录.jsonl")).unwrap();
    let v = check(&wd, &["returns", "--round", ROUND], 1);
    assert!(file(&v, "20200403-090000_区科技局_报送.xlsx")["superseded_by"].is_null());
}

/// CRC-32 (IEEE), as zip's Unicode Path field carries it of the raw name.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
