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
    let (code, _, stderr) =
        aftersales(&["serve", "--allow-origin", "https://shop.example/returns"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("expected an origin such as https://shop.example"),
        "{stderr}"
    );
    // Usage mistakes are clap's: exit 2, with the usage.
    let (code, _, stderr) = aftersales(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unrecognized subcommand 'frobnicate'"),
        "{stderr}"
    );
    assert!(stderr.contains("Usage:"), "{stderr}");
    let (code, _, stderr) = aftersales(&["serve", "--port", "8080"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unexpected argument '--port'"), "{stderr}");
}

#[test]
fn every_command_has_help() {
    for path in [
        &["serve"][..],
        &["token", "create"],
        &["webhook", "add"],
        &["kpis"],
        &["orders", "import"],
        &["case", "move"],
        &["assign", "set"],
        &["link", "order"],
        &["policy", "import"],
        &["check"],
        &["demo"],
        &["openapi"],
    ] {
        let mut args = path.to_vec();
        args.push("--help");
        let (code, stdout, stderr) = aftersales(&args);
        assert_eq!(code, 0, "{path:?}: {stderr}");
        assert!(
            stdout.contains(&format!("Usage: aftersales {}", path.join(" "))),
            "{path:?}: {stdout}"
        );
    }
    let (code, stdout, _) = aftersales(&["--version"]);
    assert_eq!(
        (code, stdout.trim()),
        (0, concat!("aftersales ", env!("CARGO_PKG_VERSION")))
    );
}

fn example(name: &str) -> String {
    format!("{}/../../docs/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_documented_examples_validate_and_check() {
    let (code, stdout, stderr) = aftersales(&["policy", "validate", &example("policy.json")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.ends_with("valid\n"));

    let (code, stdout, stderr) = aftersales(&[
        "check",
        "--policy",
        &example("policy.json"),
        "--order",
        &example("order.json"),
        "--at",
        "2026-11-20T23:59:59+08:00",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let kettle_refund = &out["lines"][0]["verdicts"][0];
    assert_eq!(kettle_refund["resolution"], "refund");
    assert_eq!(kettle_refund["outcome"]["status"], "eligible");
    assert_eq!(kettle_refund["outcome"]["last_day"], "2026-11-20");
    assert_eq!(
        out["lines"][1]["verdicts"][0]["outcome"]["max_refund"]["minor"],
        7400
    );
    assert_eq!(
        out["lines"][2]["verdicts"][0]["outcome"]["reason"]["code"],
        "final_sale"
    );
    assert_eq!(
        out["lines"][3]["verdicts"][0]["outcome"]["reason"]["code"],
        "not_delivered"
    );

    // One second later, in shop time, the 7-day window has closed.
    let (_, stdout, _) = aftersales(&[
        "check",
        "--policy",
        &example("policy.json"),
        "--order",
        &example("order.json"),
        "--at",
        "2026-11-21T00:00:00+08:00",
    ]);
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out["lines"][0]["verdicts"][0]["outcome"]["reason"]["code"],
        "window_closed"
    );

    let (code, stdout, _) = aftersales(&[
        "check",
        "--policy",
        &example("policy.json"),
        "--order",
        &example("order.json"),
        "--at",
        "2026-11-20T12:00:00Z",
        "--human",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("1001-3       refund        no: final_sale"),
        "{stdout}"
    );
}

#[test]
fn schema_org_export_and_import_round_trip_the_return_window() {
    let (code, stdout, stderr) = aftersales(&[
        "policy",
        "export",
        "--schema-org",
        &example("policy.json"),
        "--currency",
        "CNY",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let exported: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let documented: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(example("merchant-return-policy.jsonld")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        exported, documented,
        "docs/examples/merchant-return-policy.jsonld is what export prints"
    );
    assert!(
        stderr.contains("not exported: rules[0] (final sale)"),
        "{stderr}"
    );

    let (code, stdout, stderr) = aftersales(&[
        "policy",
        "import",
        "--schema-org",
        &example("merchant-return-policy.jsonld"),
        "--time-zone",
        "Asia/Shanghai",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let imported = write("imported.json", &stdout);
    let (code, _, _) = aftersales(&["policy", "validate", imported.to_str().unwrap()]);
    assert_eq!(code, 0);
    let policy: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(policy["windows"]["refund"], serde_json::json!({"days": 7}));
    assert!(stderr.contains("note: time_zone"), "{stderr}");
}

#[test]
fn check_refuses_bad_input_clearly() {
    let (code, _, stderr) = aftersales(&[
        "check",
        "--policy",
        &example("policy.json"),
        "--order",
        &example("order.json"),
        "--at",
        "yesterday",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("expected an RFC 3339 instant"), "{stderr}");
    let bad_order = write(
        "bad-order.json",
        r#"{"number":"1","placed_at":"2026-11-01T00:00:00Z","currency":"XXX","lines":[]}"#,
    );
    let (code, _, stderr) = aftersales(&[
        "check",
        "--policy",
        &example("policy.json"),
        "--order",
        bad_order.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("unknown currency \"XXX\""), "{stderr}");
    let (code, _, stderr) = aftersales(&["check", "--order", &example("order.json")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--policy <FILE>"), "{stderr}");
}

#[test]
fn orders_import_takes_all_three_formats_all_or_nothing_and_again_as_an_update() {
    let db = write("orders.sqlite3", "");
    std::fs::remove_file(&db).unwrap();
    let db = db.to_str().unwrap();
    let csv = write(
        "orders.csv",
        "order_number,email,placed_at,currency,line_id,sku,title,category,unit_price,quantity\n\
         4001,a@example.com,2026-11-20T02:00:00Z,EUR,a,KET-1,Kettle,kitchen,49.90,1\n\
         4001,a@example.com,2026-11-20T02:00:00Z,EUR,b,TEE-M,T-shirt,apparel,19.99,2\n",
    );
    let (code, stdout, stderr) =
        aftersales(&["orders", "import", csv.to_str().unwrap(), "--db", db]);
    assert_eq!(
        (code, stdout.trim()),
        (
            0,
            format!("{}: 1 order(s) added, 0 updated", csv.display()).as_str()
        ),
        "{stderr}"
    );
    let record = r#"{"email":"b@example.com","order":{"number":"4002","placed_at":"2026-11-20T02:00:00Z","currency":"JPY","lines":[{"id":"a","sku":"CUP","title":"Cup","category":"kitchen","unit_price":1500,"quantity":1}]}}"#;
    let ndjson = write("orders.ndjson", &format!("{record}\n"));
    let (code, stdout, _) = aftersales(&["orders", "import", ndjson.to_str().unwrap(), "--db", db]);
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with("1 order(s) added, 0 updated\n"),
        "{stdout}"
    );
    // The same order again in a JSON list, with one bad order: nothing is taken.
    let bad = record
        .replace("4002", "4003")
        .replace("\"quantity\":1", "\"quantity\":0");
    let json = write("orders.json", &format!("[{record},{bad}]"));
    let (code, _, stderr) = aftersales(&["orders", "import", json.to_str().unwrap(), "--db", db]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("nothing imported; 1 problem(s):\n  entry 1: order.lines[0].quantity: 1 to 1000000 units"),
        "{stderr}"
    );
    let json = write("orders.json", &format!("[{record}]"));
    let (code, stdout, _) = aftersales(&["orders", "import", json.to_str().unwrap(), "--db", db]);
    assert_eq!(code, 0);
    assert!(
        stdout.ends_with("0 order(s) added, 1 updated\n"),
        "{stdout}"
    );
    let (code, _, stderr) = aftersales(&["orders", "import", "orders.txt", "--db", db]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("orders.txt: name it .json, .ndjson or .csv, or give --format"),
        "{stderr}"
    );
}

#[test]
fn cases_export_prints_csv_from_the_command_line() {
    let db = write("export.sqlite3", "");
    std::fs::remove_file(&db).unwrap();
    let db = db.to_str().unwrap();
    let (code, stdout, stderr) = aftersales(&["case", "export", "--kind", "return", "--db", db]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "tracking_number,kind,status,order_number,created_at,respond_by,resolve_by,follow_up,needs_review,assignee\n"
    );
    let (code, _, stderr) = aftersales(&["case", "export", "--kind", "parcel", "--db", db]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("--kind parcel: not a case type such as return"),
        "{stderr}"
    );
}
