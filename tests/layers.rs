//! The code's layers hold: `scripts/layers` finds no circle between top-level modules, no
//! import from a lower layer into a higher one, no command `run` over 60 lines and no
//! source file over 600 (tests aside).

use crate::workdir::repo;

#[test]
fn the_layers_have_no_circle_and_no_upward_import() {
    let out = std::process::Command::new("python3")
        .arg(repo().join("scripts/layers"))
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.trim_end().ends_with("0 breaches"), "{text}");
    // The graph it printed names every layer's modules, domain at the bottom.
    assert!(text.contains(" 2 domain"), "{text}");
}
