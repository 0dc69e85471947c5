//! A JSON file duban wrote itself (a merge's 汇总.json, a 校验报告.json, a catalog export)
//! that does not read back: where and what, in Chinese; serde_json's English at most as a
//! detail line.

/// serde_json's error in words a clerk can act on: line and column, the kind of mistake,
/// and for a file that parses but lacks what duban needs, the item concerned.
pub fn describe_json(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let english = e.to_string();
    // Its text ends with " at line L column C", said in Chinese below.
    let english = english
        .rsplit_once(" at line ")
        .map_or(english.as_str(), |(m, _)| m);
    let quoted = english.split('`').nth(1).unwrap_or_default();
    let at = format!("第 {} 行第 {} 列：", e.line(), e.column());
    match e.classify() {
        Category::Eof => "文件不完整（在中途断了），可能没有写完或被截断".to_string(),
        Category::Syntax => format!("{at}不是有效的 JSON（格式错误），可能被手工改动或损坏"),
        Category::Io => format!("读取时出错\n  （{english}）"),
        Category::Data if english.starts_with("missing field") => {
            format!("缺少“{quoted}”项，可能由别的程序或别的版本写成")
        }
        Category::Data if english.starts_with("unknown variant") => {
            format!("{at}“{quoted}”不是可用的取值")
        }
        Category::Data => format!("{at}内容与 duban 写出的不符\n  （{english}）"),
    }
}
