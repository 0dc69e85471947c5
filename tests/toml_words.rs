//! A TOML file with a mistake is told in Chinese by kind of mistake. `fsutil::describe_toml`
//! sorts the toml crate's English messages by their words, so a new toml version that
//! rewords them would turn every message into the generic "格式不对": this pins each kind.

use std::path::Path;

fn colour(text: &str) -> String {
    duban::domain::colour::Config::from_toml(text, Path::new("三色.toml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn each_kind_of_toml_mistake_has_its_own_words() {
    for (text, want) in [
        (
            "[colour]\ntolerance = 10\nred_gapp = 20\n",
            "第 3 行第 1 列（red_gapp = 20）：不认识的设置项 red_gapp（可用的有：tolerance、",
        ),
        (
            "[colour]\ntolerance = 10\ntolerance = 20\n",
            "第 3 行第 1 列（tolerance = 20）：同一设置项写了两次",
        ),
        (
            "[colour]\n[colour]\n",
            "第 2 行第 2 列（[colour]）：同一设置项写了两次",
        ),
        (
            "[colour]\ntolerance = \"ten\"\n",
            "第 2 行第 13 列（tolerance = \"ten\"）：值的类型不对",
        ),
        (
            "[colour\ntolerance = 10\n",
            "第 1 行第 8 列（[colour）：格式不对（检查英文引号、方括号和等号是否成对、齐全）",
        ),
    ] {
        let said = colour(text);
        assert!(
            said.contains("三色.toml") && said.contains(want),
            "{text:?}: {said}"
        );
    }
    let said =
        duban::catalog::Catalog::from_toml("[notice]\nnumber = \"x\"\n", Path::new("k.toml"))
            .unwrap_err()
            .to_string();
    assert!(
        said.contains("k.toml") && said.contains("缺少设置项 issuer"),
        "{said}"
    );
}
