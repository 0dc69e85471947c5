use super::*;

#[test]
fn messages_are_chinese_and_name_the_path() {
    let e = read(Path::new("/nonexistent/报表.xlsx")).unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(
        e.to_string(),
        "无法读取 /nonexistent/报表.xlsx：找不到该文件或文件夹"
    );
}

#[test]
fn the_systems_words_are_never_shown_even_beside_a_chinese_path() {
    let dir = tempfile::tempdir().unwrap();
    let wrapped = tempfile::Builder::new()
        .prefix(".模板.")
        .tempdir_in(dir.path().join("没有这个文件夹"))
        .unwrap_err();
    assert_eq!(describe_io(&wrapped), "找不到该文件或文件夹");
}

#[test]
fn atomic_write_replaces_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("汇总.xlsx");
    write_atomic(&p, b"one").unwrap();
    write_atomic(&p, b"two").unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"two");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file left behind");
    assert!(check_overwrite(&p, false).is_err() && check_overwrite(&p, true).is_ok());
    let many: Vec<(PathBuf, Vec<u8>)> = (0..40)
        .map(|i| (dir.path().join(format!("{i}.xlsx")), vec![i as u8; i]))
        .collect();
    write_many_atomic(&many).unwrap();
    for (p, b) in &many {
        assert_eq!(&std::fs::read(p).unwrap(), b);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 41);
    let bad = vec![(dir.path().join("汇总.xlsx/x"), vec![1])];
    assert!(write_many_atomic(&bad).is_err());
}

#[test]
fn text_is_read_as_windows_saves_it() {
    let gbk = encoding_rs::GBK
        .encode("单位名称,邮箱\r\n区科技局,a@example.org\r\n")
        .0;
    assert_eq!(
        decode_text(&gbk),
        (
            "单位名称,邮箱\r\n区科技局,a@example.org\r\n".to_string(),
            TextEncoding::Gb18030
        )
    );
    assert_eq!(
        decode_text("\u{feff}名称".as_bytes()),
        ("名称".to_string(), TextEncoding::Utf8)
    );
    assert_eq!(decode_text("名称".as_bytes()).1, TextEncoding::Utf8);
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("名称".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    assert_eq!(
        decode_text(&utf16),
        ("名称".to_string(), TextEncoding::Utf16)
    );
}

#[test]
fn staged_sets_appear_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("汇总");
    let entries = |p: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    // Dropped uncommitted: nothing left, not even the staging folder.
    let s = Staged::new(&out).unwrap();
    s.write("a.xlsx", b"1").unwrap();
    drop(s);
    assert!(entries(dir.path()).is_empty());
    // Committed into a new folder, then into the existing one, replacing a file.
    let s = Staged::new(&out).unwrap();
    s.write("a.xlsx", b"1").unwrap();
    s.commit().unwrap();
    std::fs::write(out.join("keep.txt"), b"k").unwrap();
    let s = Staged::new(&out).unwrap();
    s.write("a.xlsx", b"2").unwrap();
    s.write("b.csv", b"3").unwrap();
    s.commit().unwrap();
    assert_eq!(entries(&out), ["a.xlsx", "b.csv", "keep.txt"]);
    assert_eq!(std::fs::read(out.join("a.xlsx")).unwrap(), b"2");
    assert_eq!(entries(dir.path()), ["汇总"]);
    // A file where the folder should be.
    let file = dir.path().join("f");
    std::fs::write(&file, b"").unwrap();
    let e = Staged::new(&file).err().unwrap();
    assert_eq!(e.source.kind(), std::io::ErrorKind::NotADirectory);
    assert!(e.to_string().contains("这是一个文件，不是文件夹"), "{e}");
}

#[test]
fn bounded_reads_refuse_large_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a");
    std::fs::write(&p, [0u8; 10]).unwrap();
    assert_eq!(read_bounded(&p, 9).unwrap(), Err(10));
    assert_eq!(read_bounded(&p, 10).unwrap().unwrap().len(), 10);
}
