//! The merge rules on check reports built by hand against the embedded 2020 catalog.

use super::testutil::{file, indicator, report, row};
use super::*;
use crate::domain::colour::Colour;
use crate::domain::report::FileStatus;
use crate::domain::stats::{indicators, stats, Counts};

const D: Option<Status> = Some(Status::Done);
const O: Option<Status> = Some(Status::OnSchedule);
const L: Option<Status> = Some(Status::Lagging);
const N: Option<Status> = Some(Status::NotStarted);

fn merged<'a>(c: &'a Catalog, r: &'a CheckReport, schedule: Option<f64>) -> Merged<'a> {
    super::merge(c, r, schedule, Thresholds::default())
}

#[test]
fn task_status_is_the_least_advanced_host() {
    let c = Catalog::embedded();
    // Task 1: hosts 工业经济发展指挥部, 区工业和信息化局, 区发展改革局.
    let r = report(vec![
        file(&c, "工业经济发展指挥部", vec![row(1, O, Some(60.0))]),
        file(&c, "区工业和信息化局", vec![row(1, D, Some(100.0))]),
        file(
            &c,
            "区发展改革局",
            vec![row(1, L, Some(40.0)), row(9, N, Some(0.0))],
        ),
    ]);
    let m = merged(&c, &r, Some(50.0));
    let t1 = &m.tasks[0];
    assert_eq!(t1.task.number, 1);
    assert_eq!(t1.status, Status::Lagging);
    assert_eq!(t1.percent, Some(40.0));
    assert_eq!(t1.hosts.len(), 3);
    assert_eq!(t1.hosts[2].status_text(), "滞后 40%");
    // Task 9: 区发展改革局 未启动, the other three hosts silent: still 未启动, not 未报送.
    let t9 = &m.tasks[8];
    assert_eq!(t9.status, Status::NotStarted);
    assert_eq!(t9.missing_hosts().count(), 3);
    assert_eq!(t9.hosts[1].status_text(), "未报送");
}

#[test]
fn order_is_lagging_not_started_on_schedule_done() {
    let c = Catalog::embedded();
    for (a, b, want) in [
        (N, L, Status::Lagging),
        (O, N, Status::NotStarted),
        (D, O, Status::OnSchedule),
        (D, D, Status::Done),
    ] {
        // Task 11: hosts 区发展改革局, 区财政局.
        let r = report(vec![
            file(&c, "区发展改革局", vec![row(11, a, None)]),
            file(&c, "区财政局", vec![row(11, b, None)]),
        ]);
        assert_eq!(merged(&c, &r, None).tasks[10].status, want, "{a:?} {b:?}");
    }
}

#[test]
fn no_host_return_is_unreported_whatever_the_co_units_say() {
    let c = Catalog::embedded();
    // Task 3: host 区科技局; co-units 工业园区 and every town and street.
    let r = report(vec![file(&c, "工业园区", vec![row(3, D, Some(100.0))])]);
    let m = merged(&c, &r, Some(25.0));
    let t3 = &m.tasks[2];
    assert_eq!(t3.status, Status::Unreported);
    assert_eq!(t3.colour, Colour::Red);
    let park = t3.co_units.iter().find(|e| e.unit == "工业园区").unwrap();
    assert_eq!(park.status(), Status::Done);
    assert!(
        t3.co_units.len() > 10,
        "各镇街 expanded: {}",
        t3.co_units.len()
    );
}

#[test]
fn rejected_and_superseded_returns_are_not_merged() {
    let c = Catalog::embedded();
    let mut rejected = file(&c, "区科技局", vec![row(3, D, Some(100.0))]);
    rejected.status = FileStatus::Rejected;
    let mut old = file(&c, "区科技局", vec![row(3, L, Some(10.0))]);
    old.superseded_by = Some("returns/新.xlsx".into());
    let new = file(&c, "区科技局", vec![row(3, O, Some(50.0))]);
    let r = report(vec![rejected, old, new]);
    let m = merged(&c, &r, None);
    assert_eq!(m.tasks[2].status, Status::OnSchedule);
    assert_eq!(m.detail().count(), 1);
}

#[test]
fn behind_schedule_is_flagged_coloured_and_warned() {
    let c = Catalog::embedded();
    // Task 3 (区科技局) 35% at 序时进度 50: 15 points below → 疑似滞后, yellow.
    // Task 5 (区市场监管局) 45%: within 10 points → blue.  Task 8 (区自然资源局) 15%: red.
    let mut r = report(vec![
        file(&c, "区科技局", vec![row(3, O, Some(35.0))]),
        file(&c, "区市场监管局", vec![row(5, O, Some(45.0))]),
        file(&c, "区自然资源局", vec![row(8, O, Some(15.0))]),
    ]);
    let t = Thresholds::default();
    assert_eq!(flag_behind_schedule(&c, &mut r, 50.0, &t), 2);
    assert_eq!(
        flag_behind_schedule(&c, &mut r, 50.0, &t),
        0,
        "a second call adds nothing"
    );
    let w = &r.files[0].issues[0];
    assert_eq!(w.code, crate::domain::codes::Code::BehindSchedule);
    assert_eq!(w.severity(), crate::domain::codes::Severity::Warning);
    assert_eq!((w.task, w.row), (Some(3), Some(7)));
    assert!(
        w.message.contains("35%") && w.message.contains("50%"),
        "{}",
        w.message
    );
    assert!(r.files[1].issues.is_empty());

    let m = merged(&c, &r, Some(50.0));
    let (t3, t5, t8) = (&m.tasks[2], &m.tasks[4], &m.tasks[7]);
    assert_eq!(
        (t3.status, t3.behind, t3.colour),
        (Status::OnSchedule, true, Colour::Yellow)
    );
    assert_eq!(
        (t5.status, t5.behind, t5.colour),
        (Status::OnSchedule, false, Colour::Blue)
    );
    assert_eq!(
        (t8.status, t8.behind, t8.colour),
        (Status::OnSchedule, true, Colour::Red)
    );
    // Without 序时进度 nothing is judged behind.
    assert!(!merged(&c, &r, None).tasks[2].behind);
}

#[test]
fn colours_follow_the_thresholds() {
    let t = Thresholds::default();
    let j = |s, p, sch| t.colour(s, p, sch);
    assert_eq!(j(Status::Done, Some(100.0), Some(50.0)), Colour::Blue);
    assert_eq!(j(Status::Unreported, None, None), Colour::Red);
    assert_eq!(j(Status::Lagging, Some(30.0), Some(50.0)), Colour::Yellow);
    assert_eq!(j(Status::Lagging, Some(10.0), Some(50.0)), Colour::Red);
    assert_eq!(j(Status::Lagging, None, None), Colour::Yellow);
    assert_eq!(j(Status::NotStarted, Some(0.0), Some(25.0)), Colour::Yellow);
    assert_eq!(
        j(Status::NotStarted, None, Some(1100.0 / 12.0)),
        Colour::Red
    );
    assert_eq!(j(Status::OnSchedule, Some(40.0), Some(50.0)), Colour::Blue);
    assert_eq!(
        j(Status::OnSchedule, Some(39.0), Some(50.0)),
        Colour::Yellow
    );
    assert_eq!(j(Status::OnSchedule, Some(19.0), Some(50.0)), Colour::Red);
    assert_eq!(j(Status::OnSchedule, None, Some(50.0)), Colour::Blue);
    let strict = Thresholds {
        tolerance: 5.0,
        red_gap: 15.0,
        not_started_red_after: 20.0,
    };
    assert_eq!(
        strict.colour(Status::OnSchedule, Some(40.0), Some(50.0)),
        Colour::Yellow
    );
    assert_eq!(
        strict.colour(Status::NotStarted, None, Some(25.0)),
        Colour::Red
    );
}

/// 褚福梅 leads 12 tasks; the test reports some of them and counts what it expects.
#[test]
fn leader_summary_lists_lagging_first_with_a_count_line() {
    let c = Catalog::embedded();
    let led: Vec<u32> = c.tasks_of_leader("褚福梅").map(|t| t.number).collect();
    assert_eq!(led.len(), 12);
    // Report every led task through its first host, cycling through the four statuses and
    // leaving every fifth unreported.
    let mut files: IndexMap<String, Vec<TaskRow>> = IndexMap::new();
    let mut want = Counts::default();
    let cycle = [D, O, L, N];
    for (i, n) in led.iter().enumerate() {
        let t = c.task(*n).unwrap();
        let hosts: Vec<String> = t
            .hosts
            .iter()
            .flat_map(|h| c.expand_name(h))
            .map(|u| u.name.clone())
            .collect();
        if i % 5 == 4 {
            // Nobody hosting it reports, so it is 未报送.
            want.add(Status::Unreported);
            continue;
        }
        let s = cycle[i % 4];
        for h in &hosts {
            files
                .entry(h.clone())
                .or_default()
                .push(row(*n, s, Some(50.0)));
        }
        want.add(Status::or_unreported(s));
    }
    let r = report(
        files
            .into_iter()
            .map(|(u, rows)| file(&c, &u, rows))
            .collect(),
    );
    let m = merged(&c, &r, Some(50.0));
    let lines = m.leader_tasks("褚福梅");
    assert_eq!(lines.len(), 12);
    let got: Counts = lines.iter().map(|l| l.status).collect();
    assert_eq!(
        got,
        want,
        "{:?}",
        lines
            .iter()
            .map(|l| (l.task.number, l.status))
            .collect::<Vec<_>>()
    );
    let order: Vec<Status> = lines.iter().map(|l| l.status).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    assert!(lines[0].status.is_lagging());
    for w in lines.windows(2) {
        if w[0].status == w[1].status {
            assert!(w[0].task.number < w[1].task.number);
        }
    }
    let expected_line = format!(
        "分管任务 12 项：{}",
        Status::ALL
            .iter()
            .filter(|s| want.get(**s) > 0)
            .map(|s| format!("{} {} 项", s.label(), want.get(*s)))
            .collect::<Vec<_>>()
            .join("，")
    );
    assert_eq!(got.line("分管任务"), expected_line);
}

#[test]
fn count_line_reads_like_the_office_writes_it() {
    let mut c = Counts::default();
    for (s, n) in [
        (Status::Done, 2),
        (Status::OnSchedule, 7),
        (Status::Lagging, 2),
        (Status::Unreported, 1),
    ] {
        (0..n).for_each(|_| c.add(s));
    }
    assert_eq!(
        c.line("分管任务"),
        "分管任务 12 项：已完成 2 项，序时推进 7 项，滞后 2 项，未报送 1 项"
    );
    assert_eq!(Counts::default().line("分管任务"), "分管任务 0 项");
}

#[test]
fn statistics_add_up_by_section_leader_and_unit() {
    let c = Catalog::embedded();
    let r = report(vec![
        file(
            &c,
            "区科技局",
            vec![row(3, D, Some(100.0)), row(6, O, Some(50.0))],
        ),
        file(&c, "区财政局", vec![row(11, L, Some(20.0))]),
    ]);
    let m = merged(&c, &r, Some(50.0));
    let s = stats(&m);
    assert_eq!(s.overall.total(), 77);
    assert_eq!(s.overall.get(Status::Done), 1);
    assert_eq!(s.overall.get(Status::Lagging), 1);
    // Task 6 has six hosts; one reported 序时推进: 序时推进.
    assert_eq!(s.overall.get(Status::OnSchedule), 1);
    assert_eq!(s.overall.get(Status::Unreported), 74);
    assert_eq!(s.sections.len(), 7);
    assert_eq!(s.sections.iter().map(|(_, c)| c.total()).sum::<usize>(), 77);
    let (label, sec2) = &s.sections[0];
    assert!(label.starts_with("二、"), "{label}");
    assert_eq!(sec2.get(Status::Done), 1);
    let chu = s.leaders.iter().find(|(l, _)| *l == "褚福梅").unwrap().1;
    assert_eq!(chu.total(), 12);
    assert_eq!(chu.get(Status::Done), 1); // task 3
    assert_eq!(s.returned, 2);
    assert_eq!(s.expected, c.assignments().len());
    assert!((s.return_rate() - 200.0 / s.expected as f64).abs() < 1e-9);
    let kj = s.units.iter().find(|u| u.unit == "区科技局").unwrap();
    assert_eq!(kj.tasks, c.tasks_of_unit("区科技局").len());
    assert_eq!(kj.counts.get(Status::Done), 1);
    assert_eq!(kj.counts.get(Status::OnSchedule), 1);
    assert_eq!(kj.counts.get(Status::Unreported), kj.tasks - 2);
    assert_eq!(m.missing_units().len(), s.expected - 2);
}

#[test]
fn indicator_rates_from_reported_values() {
    let c = Catalog::embedded();
    let mut kj = file(&c, "区科技局", vec![row(3, O, Some(60.0))]);
    kj.data.as_mut().unwrap().indicators = vec![indicator(3, "新增国家级高新技术企业", 3.0)];
    // Task 52: two hosts report 万元GDP能耗降低 (%) → averaged; 压减煤炭消费量 (万吨) → summed.
    let mut a = file(&c, "区生态环境分局", vec![]);
    a.data.as_mut().unwrap().indicators = vec![
        indicator(52, "万元GDP能耗降低", 3.0),
        indicator(52, "压减煤炭消费量", 40.0),
    ];
    let mut b = file(&c, "区发展改革局", vec![]);
    b.data.as_mut().unwrap().indicators = vec![
        indicator(52, "万元GDP能耗降低", 4.0),
        indicator(52, "压减煤炭消费量", 37.33),
    ];
    let r = report(vec![kj, a, b]);
    let m = merged(&c, &r, None);
    let ind = indicators(&m);
    let total: usize = c.tasks().iter().map(|t| t.indicators.len()).sum();
    assert_eq!(ind.len(), total);
    let find = |n: &str| ind.iter().find(|l| l.indicator.name == n).unwrap();
    let hi = find("新增国家级高新技术企业");
    assert_eq!(hi.rate, Some(75.0));
    assert_eq!(hi.met(), Some(false));
    // Task 52's indicators are the task's totals: its lead host's (区生态环境分局) alone
    // count, not the sum of both hosts' (issue 23: 53 + 66 + 56 shown against 150).
    let energy = find("万元GDP能耗降低");
    assert_eq!(energy.total, Some(3.0));
    assert_eq!(energy.values.len(), 1);
    let coal = find("压减煤炭消费量");
    assert_eq!(coal.total, Some(40.0));
    // Where the catalog marks an indicator as a sum of parts, each host's part is added.
    let toml = c.to_toml().replacen(
        "name = \"压减煤炭消费量\"",
        "name = \"压减煤炭消费量\"\nparts = true",
        1,
    );
    let parts = Catalog::from_toml(&toml, std::path::Path::new("任务清单.toml")).unwrap();
    let m = merged(&parts, &r, None);
    let ind = indicators(&m);
    let coal = ind
        .iter()
        .find(|l| l.indicator.name == "压减煤炭消费量")
        .unwrap();
    assert!((coal.rate.unwrap() - 100.0).abs() < 1e-9);
    assert_eq!(coal.values.len(), 2);
    let find = |n: &str| ind.iter().find(|l| l.indicator.name == n).unwrap();
    let platforms = find("新增省级以上创新平台");
    assert!(platforms.values.is_empty() && platforms.rate.is_none());
}

#[test]
fn csv_has_a_bom_and_neutralises_formulas() {
    let c = Catalog::embedded();
    let mut f = file(
        &c,
        "区科技局",
        vec![row(3, O, Some(60.0)), row(6, D, Some(100.0))],
    );
    let rows = &mut f.data.as_mut().unwrap().rows;
    rows[0].progress = "=HYPERLINK(\"http://x\")".into();
    rows[0].problems = "+1".into();
    rows[1].next_steps = "@SUM(A1)".into();
    rows[1].remarks = "\t-2".into();
    let r = report(vec![f]);
    let m = merged(&c, &r, None);
    let bytes = csv::detail_csv(&m);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut rd = ::csv::Reader::from_reader(text.as_bytes());
    let recs: Vec<::csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(&recs[0][0], "区科技局");
    assert_eq!(&recs[0][1], "3");
    assert_eq!(&recs[0][3], "序时推进");
    assert_eq!(&recs[0][4], "60");
    assert_eq!(&recs[0][5], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&recs[0][6], "'+1");
    assert_eq!(&recs[1][7], "'@SUM(A1)");
    assert_eq!(&recs[1][8], "'\t-2");
    assert_eq!(&recs[1][9], "区科技局.xlsx");
}

mod workbooks {
    use super::*;

    /// A sheet read back by duban's own reader, as a dense grid of text.
    fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
        let book = crate::read::read_bytes(bytes, &crate::read::Limits::default()).unwrap();
        let sheet = book.sheet(name).unwrap();
        let rows = sheet
            .cells
            .keys()
            .map(|(r, _)| *r)
            .max()
            .map_or(0, |r| r + 1);
        let cols = sheet
            .cells
            .keys()
            .map(|(_, c)| *c)
            .max()
            .map_or(0, |c| c + 1);
        (0..rows)
            .map(|r| (0..cols).map(|c| sheet.value(r, c).text()).collect())
            .collect()
    }

    fn sample(c: &Catalog) -> CheckReport {
        let mut kj = file(
            c,
            "区科技局",
            vec![row(3, O, Some(35.0)), row(6, D, Some(100.0))],
        );
        kj.data.as_mut().unwrap().indicators = vec![indicator(3, "新增国家级高新技术企业", 3.0)];
        report(vec![
            kj,
            file(c, "区财政局", vec![row(11, L, Some(20.0))]),
            file(
                c,
                "区发展改革局",
                vec![row(11, D, Some(100.0)), row(9, N, None)],
            ),
        ])
    }

    #[test]
    fn consolidated_workbook_reads_back() {
        let c = Catalog::embedded();
        let mut r = sample(&c);
        flag_behind_schedule(&c, &mut r, 50.0, &Thresholds::default());
        let m = merged(&c, &r, Some(50.0));
        let (s, ind) = (stats(&m), indicators(&m));
        let bytes = crate::write::merge::consolidated(
            &m,
            &crate::write::merge::TaskRows::new(&m),
            &s,
            &ind,
            "2020年上半年",
            1,
            &Default::default(),
        )
        .unwrap();
        assert_eq!(
            bytes,
            crate::write::merge::consolidated(
                &m,
                &crate::write::merge::TaskRows::new(&m),
                &s,
                &ind,
                "2020年上半年",
                1,
                &Default::default(),
            )
            .unwrap(),
            "same bytes twice"
        );

        let wb = crate::read::read_bytes(&bytes, &crate::read::Limits::default()).unwrap();
        assert_eq!(
            wb.sheets
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
            [
                "总表",
                "分单位明细",
                "统计",
                "量化指标",
                "未报送单位",
                "退回重报单位",
                "报送文件",
                "校验问题"
            ]
        );
        let total = sheet(&bytes, "总表");
        let col = |t: &str| total[2].iter().position(|h| h == t).unwrap();
        let (status, behind, colour) = (col("推进状态"), col("疑似滞后"), col("三色标识"));
        let task = |n: u32| total.iter().find(|r| r[0] == n.to_string()).unwrap();
        assert_eq!(task(3)[status], "序时推进");
        assert_eq!(task(3)[behind], "疑似滞后");
        assert_eq!(task(3)[colour], "黄");
        assert_eq!(task(11)[status], "滞后");
        let hosts = &task(11)[col("主办单位填报情况")];
        assert!(hosts.contains("区财政局：滞后 20%"), "{hosts}");
        assert_eq!(task(1)[status], "未报送");
        assert_eq!(task(1)[colour], "红");
        // The notice's parts are rows across the table, each before its first task.
        let sections = c.sections().len();
        assert_eq!(total.len(), 3 + 77 + sections);
        assert_eq!(total[3][0], c.section_label(&c.tasks()[0].section));

        let st = sheet(&bytes, "统计");
        let total_row = st.iter().find(|r| r[0] == "合计").unwrap();
        assert_eq!(total_row[1..7], ["77", "1", "1", "1", "1", "73"]);

        let q = sheet(&bytes, "量化指标");
        let hi = q.iter().find(|r| r[1] == "新增国家级高新技术企业").unwrap();
        assert_eq!((hi[6].as_str(), hi[7].as_str()), ("3", "75"));
        let none = q.iter().find(|r| r[1] == "新增省级以上创新平台").unwrap();
        assert_eq!(none[6], "未报送");

        // The other sheets: a title and an information line over the column header.
        let detail = sheet(&bytes, "分单位明细");
        assert!(detail[0][0].ends_with("各单位报送明细"), "{:?}", detail[0]);
        assert_eq!(detail[2][0], "填报单位");
        assert_eq!(detail.len(), 3 + 5);
        let issues = sheet(&bytes, "校验问题");
        assert!(issues
            .iter()
            .any(|r| r[4] == crate::domain::codes::Code::BehindSchedule.as_str()));
        let missing = sheet(&bytes, "未报送单位");
        assert!(missing[0][0].ends_with("未报送单位"), "{:?}", missing[0]);
        assert_eq!(missing.len() - 3, m.missing_units().len());
    }

    #[test]
    fn leader_summary_reads_back_lagging_first() {
        let c = Catalog::embedded();
        let r = sample(&c);
        let m = merged(&c, &r, Some(50.0));
        let bytes = crate::write::merge::leader_summary(
            &m,
            &crate::write::merge::TaskRows::new(&m),
            "屈耀武",
            "2020年上半年",
            1,
            &Default::default(),
        )
        .unwrap();
        let rows = sheet(&bytes, "分管任务进展");
        let lines = m.leader_tasks("屈耀武");
        let counts: Counts = lines.iter().map(|l| l.status).collect();
        assert!(
            rows[1][0].starts_with(&counts.line("分管任务")),
            "{}",
            rows[1][0]
        );
        assert_eq!(rows.len(), 3 + lines.len());
        // Task 11 (滞后) comes first, then 9 (未启动), then the unreported ones.
        assert_eq!(rows[3][0], "11");
        assert_eq!(rows[4][0], "9");
        let status = rows[2].iter().position(|t| t == "推进状态").unwrap();
        assert_eq!(rows[5][status], "未报送");
        // Contacts and co-units are on the sheet for the screen.
        let all = sheet(&bytes, "全部栏目");
        let contact = all[2].iter().position(|t| t == "主办单位联系人").unwrap();
        assert_eq!(all[3][0], "11");
        assert!(
            all[3][contact].contains("区财政局：区财政局填报人 0537-3411111"),
            "{}",
            all[3][contact]
        );
    }
}

/// Issue 25: a task due 6月底 is judged against its own window, and is 逾期 after June.
#[test]
fn a_task_due_in_june_has_its_own_schedule_and_is_late_after_june() {
    let mut data = Catalog::embedded().data().clone();
    data.notice.year = Some(2021);
    data.tasks[2].deadline = Some("6月底前".to_string());
    data.tasks[4].deadline = Some("长期坚持".to_string());
    let c = Catalog::new(data, std::path::Path::new("c.toml")).unwrap();
    // Task 3 at 35% in 第一季度: its own 序时进度 is 50, so 15 points behind → 疑似滞后.
    // Task 5 at 20%: ongoing, judged against the year's 25 → blue.
    let r = report(vec![
        file(&c, "区科技局", vec![row(3, O, Some(35.0))]),
        file(&c, "区市场监管局", vec![row(5, O, Some(20.0))]),
    ]);
    let m = merged(&c, &r, Some(25.0));
    assert_eq!(m.tasks[2].schedule, Some(50.0));
    assert!(m.tasks[2].behind);
    assert_eq!(m.tasks[2].colour, Colour::Yellow);
    assert!(!m.tasks[2].overdue);
    assert_eq!(m.tasks[4].schedule, Some(25.0));
    assert!(!m.tasks[4].behind);
    // 前三季度: past June and not done → 逾期; the ongoing task never is.
    let m = merged(&c, &r, Some(75.0));
    assert_eq!(m.tasks[2].schedule, Some(100.0));
    assert!(m.tasks[2].overdue);
    assert!(!m.tasks[4].overdue);
    let done = report(vec![file(&c, "区科技局", vec![row(3, D, Some(100.0))])]);
    assert!(!merged(&c, &done, Some(75.0)).tasks[2].overdue);
}

/// Issue 25: sub-items are tasks of their own; their parent stands as the least advanced.
#[test]
fn a_task_with_sub_items_rolls_them_up() {
    let mut data = Catalog::embedded().data().clone();
    // Tasks 4 and 5 become sub-items of task 3.
    data.tasks[3].parent = Some(3);
    data.tasks[4].parent = Some(3);
    let c = Catalog::new(data, std::path::Path::new("c.toml")).unwrap();
    let hosts = |n: usize| c.tasks()[n - 1].hosts[0].clone();
    let r = report(vec![
        file(&c, &hosts(3), vec![row(3, D, Some(100.0))]),
        file(&c, &hosts(4), vec![row(4, O, Some(60.0))]),
        file(&c, &hosts(5), vec![row(5, L, Some(20.0))]),
    ]);
    let m = merged(&c, &r, Some(50.0));
    assert_eq!(
        m.tasks[2].status,
        Status::Lagging,
        "the least advanced sub-item"
    );
    assert_eq!(m.tasks[2].percent, Some(20.0));
    assert_eq!(
        m.tasks[3].status,
        Status::OnSchedule,
        "a sub-item stands alone"
    );
    // A parent without sub-items reported is 未报送 whatever its own row says.
    let r = report(vec![file(&c, &hosts(3), vec![row(3, D, Some(100.0))])]);
    assert_eq!(
        merged(&c, &r, Some(50.0)).tasks[2].status,
        Status::Unreported
    );
    // A sub-item must come after its parent.
    let mut data = Catalog::embedded().data().clone();
    data.tasks[2].parent = Some(4);
    assert!(Catalog::new(data, std::path::Path::new("c.toml")).is_err());
}
