//! The `aftersales` command line, run as a real process.

use std::process::Command;

fn aftersales(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aftersales"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aftersales-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn policy_validate_accepts_a_good_file_and_explains_a_bad_one() {
    let good = write(
        "good.json",
        r#"{"time_zone":"Europe/Berlin","windows":{"refund":{"days":14}}}"#,
    );
    let (code, stdout, _) = aftersales(&["policy", "validate", good.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("valid"), "{stdout}");

    let bad = write(
        "bad.json",
        r#"{"time_zone":"Europe/Berlin","windows":{"refund":{"days":0}}}"#,
    );
    let (code, _, stderr) = aftersales(&["policy", "validate", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("windows.refund: a number of days between 1 and 3650"),
        "{stderr}"
    );

    let (code, _, stderr) = aftersales(&["policy", "validate", "/nonexistent/policy.json"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot read policy"), "{stderr}");
}

#[test]
fn serve_refuses_bad_options_clearly() {
    let (code, _, stderr) = aftersales(&["serve", "--addr", "localhost"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("expected IP:PORT"), "{stderr}");
    let (code, _, stderr) = aftersales(&["serve", "--assets", "/nonexistent"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no shop.html"), "{stderr}");
    let (code, _, stderr) = aftersales(&["frobnicate"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("usage:"), "{stderr}");
}
