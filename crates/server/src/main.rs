//! `aftersales`: the reference server and the merchant's command line.

use aftersales_core::eligibility::{evaluate, Outcome};
use aftersales_core::faq::Faq;
use aftersales_core::money::Currency;
use aftersales_core::order::Order;
use aftersales_core::policy::Policy;
use aftersales_core::schema_org;
use aftersales_core::zone::ShopZone;
use aftersales_server::cases::{self, Links};
use aftersales_server::db::Store;
use aftersales_server::links::{LinkKey, Scope};
use aftersales_server::notify::{FileOutbox, Notifier, Silent};
use aftersales_server::{bind, demo, ServeOptions};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "\
usage:
  aftersales serve [--addr 127.0.0.1:8080] [--db aftersales.sqlite3|postgres://…] [--policy FILE]
                   [--faq FILE] [--outbox FILE] [--shop-url URL]
                   [--assets DIR] [--demo] [--allow-origin https://shop.example]...
                   [--limit-per-address 60] [--limit-per-order 20] [--limit-open-cases 20]
                   [--max-connections 1000] [--no-access-log]
  aftersales token create --name NAME [--scope read|write] [--db FILE]
  aftersales token revoke --name NAME [--db FILE]
  aftersales webhook add URL [--db FILE]
  aftersales webhook list|deliveries [--limit 50] [--db FILE]
  aftersales webhook remove ID [--db FILE]
  aftersales kpis [--from 2026-11-01] [--to 2026-12-01] [--min-returns 3] [--max-rate 0.5]
                  [--short-use-days 3] [--json] [--db FILE]
  aftersales orders import FILE [--format json|ndjson|csv] [--db FILE]
  aftersales orders schema
  aftersales case list [--status CODE] [--follow-up] [--db FILE]
  aftersales case export [--status CODE] [--kind KIND] [--follow-up] [--db FILE] > cases.csv
  aftersales case assign TRACKING-NUMBER NAME|--nobody [--db FILE]
  aftersales assign set KIND NAME... [--db FILE]     (no NAME: remove the rule)
  aftersales assign list [--db FILE]
  aftersales case move TRACKING-NUMBER STATUS [--note TEXT] [--outbox FILE] [--shop-url URL] [--db FILE]
  aftersales case message TRACKING-NUMBER TEXT [--outbox FILE] [--shop-url URL] [--db FILE]
  aftersales link order NUMBER [--days 30] [--shop-url URL] [--db FILE]
  aftersales link case TRACKING-NUMBER [--shop-url URL] [--db FILE]
  aftersales policy validate FILE
  aftersales policy defaults
  aftersales policy export --schema-org FILE [--currency CODE]
  aftersales policy import --schema-org FILE --time-zone ZONE [--currency CODE]
  aftersales check --policy FILE --order FILE [--at RFC3339] [--human]
  aftersales demo orders|policy|faq
  aftersales openapi [markdown]

serve            answer the widget's /v1 API from an SQLite file or a PostgreSQL database
                 (--db postgres://user:password@host/db), created and migrated on first start; with --assets, also serve the built widget and the demo
                 shop page; with --demo, (re)load the demo orders dated relative to now
                 and, unless given, use the demo policy (with EU withdrawal) and FAQ, the
                 outbox outbox.jsonl beside the database, and this server as the shop page;
                 --allow-origin (repeatable) lets shop pages on other hosts call the API;
                 --faq: the FAQ file (docs/examples/faq.json shows the format);
                 --limit-per-address, --limit-per-order: order lookups and case reads
                 allowed a minute from one client address and at one order or case
                 (429 with Retry-After past them; 0 turns a limit off);
                 --limit-open-cases: open cases one order may have of one type (422
                 too_many_open_requests past it; 0: no limit)
                 --outbox: append every message a shopper would get to FILE (JSON lines);
                 --shop-url: the page with the widget, for links in messages
                 every request is logged to stderr as one JSON line (time, method, path
                 without the query, status, ms, client address; never a header or body);
                 --no-access-log turns it off;
                 --max-connections: connections open at once (more are closed as they
                 come); a request head must arrive within 10 s, a body within 30 s (408),
                 and a connection quiet for 60 s is closed
token            make (printed once, stored hashed) or revoke merchant API tokens
webhook          post every case event to URL, signed per Standard Webhooks with the secret
                 printed once (docs/server.md#webhooks); list endpoints, the newest
                 deliveries and their attempts, or remove one
kpis             the shop's figures for cases submitted in a period (default: the last 30
                 days): times to answer and resolve, promises kept, first-contact resolution,
                 satisfaction, self-service, return rates, abuse signals; each defined in
                 docs/server.md#kpis; --json prints the API's answer
orders import    load the shop's orders (a JSON list of {email, order}, NDJSON, or CSV
                 with one row per order line; docs/merchant.md) — all or nothing: every
                 problem is listed with its record and field; importing again updates
orders schema    print the JSON Schema of one order record (docs/order.schema.json)
case             list cases, export them as CSV, assign one to a staff member, move one
                 through the lifecycle, or write to its shopper
assign           round-robin rules: new cases of KIND go to the NAMEs in turn
link             print a signed link that opens an order or a case in the widget
policy validate  check a policy file and explain the first problem found
policy defaults  print the seed policy (7-day returns, 15-day exchange for faults, 1-year
                 warranty, …) as a file to start from
policy export    print the policy as schema.org MerchantReturnPolicy JSON-LD; what schema.org
                 cannot say is listed on stderr
policy import    read schema.org JSON-LD and print a policy file; what was not used is
                 listed on stderr
check            print the engine's verdicts for every line and resolution of an order
                 (JSON, or a table with --human), at --at or now
demo             print the demo orders (dated relative to now), the demo policy or the demo
                 FAQ as the widget's `local` adapter reads them (data-orders-url,
                 data-policy-file, data-faq-file)
openapi          print the /v1 contract as OpenAPI 3.1 YAML (docs/api/openapi.yaml), or
                 rendered for reading (markdown: docs/api/operations.md)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sub = args.get(1).map(String::as_str);
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("policy") if sub == Some("validate") => validate(&args[2..]),
        Some("policy") if sub == Some("export") => export(&args[2..]),
        Some("policy") if sub == Some("defaults") && args.len() == 2 => defaults(),
        Some("policy") if sub == Some("import") => import(&args[2..]),
        Some("token") => token(sub, &args[2.min(args.len())..]),
        Some("orders") => orders(sub, &args[2.min(args.len())..]),
        Some("webhook") => webhook(sub, &args[2.min(args.len())..]),
        Some("kpis") => kpis(&args[1..]),
        Some("assign") => assign(sub, &args[2.min(args.len())..]),
        Some("case") => case(sub, &args[2.min(args.len())..]),
        Some("link") => link(sub, &args[2.min(args.len())..]),
        Some("demo") if args.len() == 2 => demo_files(sub),
        Some("openapi") if args.len() == 1 || (args.len() == 2 && sub == Some("markdown")) => {
            let doc = aftersales_server::openapi::document();
            match sub {
                Some(_) => print!("{}", aftersales_server::openapi::markdown(&doc)),
                None => print!("{}", aftersales_server::openapi::yaml(&doc)),
            }
            Ok(())
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("aftersales: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn read_policy(path: &str) -> Result<Policy, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read policy {path}: {e}"))?;
    Policy::from_json(&text).map_err(|e| format!("policy {path}: {e}"))
}

fn validate(args: &[String]) -> Result<(), String> {
    let [path] = args else {
        return Err(format!("policy validate takes one file\n{USAGE}"));
    };
    read_policy(path)?;
    println!("{path}: valid");
    Ok(())
}

/// `--flag value` pairs and bare `--switch`es.
struct Flags(Vec<(String, Option<String>)>);

impl Flags {
    fn parse(args: &[String], switches: &[&str], valued: &[&str]) -> Result<Flags, String> {
        let mut out = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if switches.contains(&a.as_str()) {
                out.push((a.clone(), None));
            } else if valued.contains(&a.as_str()) {
                let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
                out.push((a.clone(), Some(v.clone())));
            } else {
                return Err(format!("unknown option {a}\n{USAGE}"));
            }
        }
        Ok(Flags(out))
    }
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    }
    fn need(&self, name: &str) -> Result<&str, String> {
        self.get(name)
            .ok_or_else(|| format!("{name} is required\n{USAGE}"))
    }
    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

fn read_json(path: &str, what: &str) -> Result<serde_json::Value, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{what} {path}: {e}"))
}

fn currency(flags: &Flags) -> Result<Option<Currency>, String> {
    flags
        .get("--currency")
        .map(|c| Currency::new(c).map_err(|e| e.to_string()))
        .transpose()
}

/// `demo orders|policy`: the files the `local` adapter's demo page reads.
fn demo_files(which: Option<&str>) -> Result<(), String> {
    let json = match which {
        Some("orders") => serde_json::to_string_pretty(
            &demo::orders(Utc::now())
                .into_iter()
                .map(|d| serde_json::json!({"email": d.email, "order": d.order}))
                .collect::<Vec<_>>(),
        ),
        Some("policy") => serde_json::to_string_pretty(&demo::policy()),
        Some("faq") => serde_json::to_string_pretty(&demo::faq()?),
        _ => return Err(format!("demo prints orders, policy or faq\n{USAGE}")),
    };
    println!("{}", json.map_err(|e| e.to_string())?);
    Ok(())
}

fn defaults() -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string_pretty(&Policy::default()).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn export(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &[], &["--schema-org", "--currency"])?;
    let policy = read_policy(flags.need("--schema-org")?)?;
    let out = schema_org::export(&policy, currency(&flags)?);
    println!(
        "{}",
        serde_json::to_string_pretty(&out.json_ld).map_err(|e| e.to_string())?
    );
    for note in out.not_exported {
        eprintln!("not exported: {note}");
    }
    Ok(())
}

fn import(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &[], &["--schema-org", "--time-zone", "--currency"])?;
    let path = flags.need("--schema-org")?;
    let doc = read_json(path, "JSON-LD")?;
    let zone = ShopZone::parse(flags.need("--time-zone")?).map_err(|e| e.to_string())?;
    let got =
        schema_org::import(&doc, zone, currency(&flags)?).map_err(|e| format!("{path}: {e}"))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&got.policy).map_err(|e| e.to_string())?
    );
    for note in got.notes {
        eprintln!("note: {note}");
    }
    Ok(())
}

fn check(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &["--human"], &["--policy", "--order", "--at"])?;
    let policy = read_policy(flags.need("--policy")?)?;
    let order_path = flags.need("--order")?;
    let order: Order = serde_json::from_value(read_json(order_path, "order")?)
        .map_err(|e| format!("order {order_path}: {e}"))?;
    let at = match flags.get("--at") {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| format!("--at {t}: expected an RFC 3339 instant such as 2026-11-25T12:00:00+08:00 ({e})"))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let verdicts = evaluate(&policy, &order, at);
    if !flags.has("--human") {
        let out = serde_json::json!({ "order": order.number, "at": at, "lines": verdicts });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!("(fault): only when the merchant is at fault (defect, damage, wrong item)");
    println!(
        "order {} at {} ({} shop time)",
        order.number,
        at.to_rfc3339(),
        policy.time_zone.local(at).format("%Y-%m-%d %H:%M")
    );
    println!(
        "{:<12} {:<13} {:<21} {:<11} {:>4} {:>14}  rule",
        "line", "resolution", "verdict", "last day", "qty", "refund"
    );
    for lv in &verdicts {
        for v in &lv.verdicts {
            let (status, last, qty, refund) = match &v.outcome {
                Outcome::Eligible(a) | Outcome::NeedsReview(a) => (
                    format!(
                        "{}{}",
                        if matches!(v.outcome, Outcome::Eligible(_)) {
                            "eligible"
                        } else {
                            "needs review"
                        },
                        if a.merchant_fault_only {
                            " (fault)"
                        } else {
                            ""
                        }
                    ),
                    a.last_day.map_or("unlimited".into(), |d| d.to_string()),
                    a.max_quantity.to_string(),
                    a.max_refund
                        .map(|m| format!("{} {}", m.currency, m.to_decimal_string()))
                        .unwrap_or_default(),
                ),
                Outcome::NotEligible { reason } => (
                    format!("no: {}", reason.code()),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
            };
            println!(
                "{:<12} {:<13} {:<21} {:<11} {:>4} {:>14}  {}",
                lv.line_id,
                v.resolution.code(),
                status,
                last,
                qty,
                refund,
                lv.rule.as_deref().unwrap_or("")
            );
        }
    }
    Ok(())
}

fn serve(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(
        args,
        &["--demo", "--no-access-log"],
        &[
            "--addr",
            "--db",
            "--policy",
            "--faq",
            "--outbox",
            "--shop-url",
            "--assets",
            "--allow-origin",
            "--limit-per-address",
            "--limit-per-order",
            "--limit-open-cases",
            "--max-connections",
        ],
    )?;
    let defaults = aftersales_server::limits::RateLimits::default();
    let per_minute = |flag: &str, default: u32| -> Result<u32, String> {
        flags.get(flag).map_or(Ok(default), |v| {
            v.parse().map_err(|_| {
                format!("{flag} {v}: expected a whole number of attempts a minute (0 turns it off)")
            })
        })
    };
    let limits = aftersales_server::limits::RateLimits {
        per_address: per_minute("--limit-per-address", defaults.per_address)?,
        per_subject: per_minute("--limit-per-order", defaults.per_subject)?,
        open_per_kind: match flags.get("--limit-open-cases") {
            None => defaults.open_per_kind,
            Some(v) => v.parse().map_err(|_| {
                format!("--limit-open-cases {v}: expected a whole number of open cases (0 turns it off)")
            })?,
        },
    };
    let conn_limits = aftersales_server::conn::ConnLimits {
        max_connections: match flags.get("--max-connections") {
            None => aftersales_server::conn::ConnLimits::default().max_connections,
            Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("--max-connections {v}: expected a whole number of connections, at least 1")
            })?,
        },
        ..Default::default()
    };
    let allowed_origins: Vec<String> = flags
        .0
        .iter()
        .filter(|(k, _)| k == "--allow-origin")
        .filter_map(|(_, v)| v.clone())
        .collect();
    for o in &allowed_origins {
        let host = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"))
            .unwrap_or("");
        if host.is_empty() || host.contains(['/', ' ', '*']) {
            return Err(format!(
                "--allow-origin {o}: expected an origin such as https://shop.example (no path)"
            ));
        }
    }
    let addr = flags.get("--addr").unwrap_or("127.0.0.1:8080").to_string();
    let db = flags.get("--db").unwrap_or(DEFAULT_DB).to_string();
    let load_demo = flags.has("--demo");
    let quiet = flags.has("--no-access-log");
    let policy = match flags.get("--policy") {
        Some(path) => read_policy(path)?,
        None if load_demo => demo::policy(),
        None => Policy::default(),
    };
    let faq = match flags.get("--faq") {
        Some(path) => read_faq(path)?,
        None if load_demo => demo::faq()?,
        None => Faq::default(),
    };
    let outbox = flags
        .get("--outbox")
        .map(PathBuf::from)
        .or_else(|| load_demo.then(|| demo_outbox(&db)));
    let shop_url = flags.get("--shop-url").map(str::to_string);
    let assets = flags.get("--assets").map(PathBuf::from);
    let addr = addr
        .parse()
        .map_err(|_| format!("--addr {addr}: expected IP:PORT, e.g. 127.0.0.1:8080"))?;
    if let Some(dir) = &assets {
        if !dir.join("shop.html").is_file() {
            return Err(format!(
                "{}: no shop.html there; build the widget first (scripts/demo does)",
                dir.display()
            ));
        }
    }
    runtime().block_on(async move {
        let store = Store::open(&db).await.map_err(|e| e.to_string())?;
        if load_demo {
            for d in demo::orders(chrono::Utc::now()) {
                store
                    .upsert_order(&d.order, d.email)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        // The demo's links point at the demo shop this server serves.
        let listener_addr = addr;
        let opts = ServeOptions {
            addr,
            store,
            policy,
            assets,
            clock: Arc::new(chrono::Utc::now),
            allowed_origins,
            faq,
            notifier: notifier(outbox.as_deref()),
            shop_url: shop_url.or_else(|| load_demo.then(|| format!("http://{listener_addr}/"))),
            limits,
        };
        let (listener, app) = bind(opts)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        // Scripts and tests read this line to learn the port.
        println!("aftersales listening on http://{local}");
        println!("database: {}", redact(&db));
        if let Some(o) = &outbox {
            println!("outbox: {}", o.display());
        }
        let app = if quiet {
            app
        } else {
            aftersales_server::api::with_access_log(app, Arc::new(|line| eprintln!("{line}")))
        };
        aftersales_server::conn::serve(listener, app, conn_limits, shutdown())
            .await
            .map_err(|e| format!("server error: {e}"))
    })
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

fn read_faq(path: &str) -> Result<Faq, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read FAQ {path}: {e}"))?;
    Faq::from_json(&text).map_err(|e| format!("FAQ {path}: {e}"))
}

fn notifier(outbox: Option<&Path>) -> Arc<dyn Notifier> {
    match outbox {
        Some(p) => Arc::new(FileOutbox::new(p.to_path_buf())),
        None => Arc::new(Silent),
    }
}

/// Positional arguments first, then `--flags`.
fn split_positional(args: &[String]) -> (Vec<&String>, &[String]) {
    let n = args.iter().take_while(|a| !a.starts_with("--")).count();
    (args[..n].iter().collect(), &args[n..])
}

/// The database when `--db` is not given.
const DEFAULT_DB: &str = "aftersales.sqlite3";

/// The async runtime every command runs its database work on (two workers: two cores here).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| {
                eprintln!("aftersales: cannot start the runtime: {e}");
                std::process::exit(1)
            })
    })
}

/// Runs a database call to its end, its error as a sentence.
fn block<T, E: std::fmt::Display>(
    f: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    runtime().block_on(f).map_err(|e| e.to_string())
}

/// `--db` as printed: a PostgreSQL URL without its password.
fn redact(db: &str) -> String {
    match (db.split_once("://"), db.rfind('@')) {
        (Some((scheme, rest)), Some(at)) if aftersales_server::db::is_postgres_url(db) => {
            let creds = &rest[..at - scheme.len() - 3];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{}", &db[at + 1..])
        }
        _ => db.to_string(),
    }
}

/// The demo's outbox: beside an SQLite database, in the working directory for PostgreSQL.
fn demo_outbox(db: &str) -> PathBuf {
    if aftersales_server::db::is_postgres_url(db) {
        return PathBuf::from("outbox.jsonl");
    }
    Path::new(db)
        .parent()
        .unwrap_or(Path::new("."))
        .join("outbox.jsonl")
}

fn open_db(flags: &Flags) -> Result<Store, String> {
    block(Store::open(flags.get("--db").unwrap_or(DEFAULT_DB)))
}

fn links_for(store: &Store, flags: &Flags) -> Result<Links, String> {
    Ok(Links {
        key: LinkKey::new(block(store.link_key())?),
        shop_url: flags.get("--shop-url").map(str::to_string),
    })
}

fn orders(sub: Option<&str>, args: &[String]) -> Result<(), String> {
    use aftersales_server::orders::{parse, schema, Format};
    match sub {
        Some("schema") if args.is_empty() => {
            let text = serde_json::to_string_pretty(&schema()).map_err(|e| e.to_string())?;
            println!("{text}");
            Ok(())
        }
        Some("import") => {
            let (pos, rest) = split_positional(args);
            let flags = Flags::parse(rest, &[], &["--format", "--db"])?;
            let [path] = pos[..] else {
                return Err(format!("orders import takes one FILE\n{USAGE}"));
            };
            let format = match flags.get("--format") {
                Some(name) => Format::from_name(name)
                    .ok_or_else(|| format!("--format {name}: expected json, ndjson or csv"))?,
                None => Format::of_path(path).ok_or_else(|| {
                    format!("{path}: name it .json, .ndjson or .csv, or give --format")
                })?,
            };
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let records = parse(&text, format).map_err(|problems| {
                format!(
                    "{path}: nothing imported; {} problem(s):\n  {}",
                    problems.len(),
                    problems.join("\n  ")
                )
            })?;
            let store = open_db(&flags)?;
            let (created, updated) = block(store.import_orders(&records))?;
            println!("{path}: {created} order(s) added, {updated} updated");
            Ok(())
        }
        _ => Err(format!("orders takes import or schema\n{USAGE}")),
    }
}

fn assign(sub: Option<&str>, args: &[String]) -> Result<(), String> {
    let (pos, rest) = split_positional(args);
    let flags = Flags::parse(rest, &[], &["--db"])?;
    let store = open_db(&flags)?;
    match (sub, pos.as_slice()) {
        (Some("set"), [kind, staff @ ..]) => {
            let staff: Vec<String> = staff.iter().map(|s| s.to_string()).collect();
            let (kind, staff) = aftersales_server::merchant::check_rule(kind, &staff)
                .map_err(|(field, expected)| format!("{field}: expected {expected}"))?;
            block(store.set_assignment_rule(&kind, &staff))?;
            if staff.is_empty() {
                println!("{kind}: no rule; new cases stay unassigned");
            } else {
                println!("{kind}: new cases go to {} in turn", staff.join(", "));
            }
            Ok(())
        }
        (Some("list"), []) => {
            for r in block(store.assignment_rules())? {
                println!(
                    "{:<10} {}  (next: {})",
                    r.kind,
                    r.staff.join(", "),
                    r.staff[r.next]
                );
            }
            Ok(())
        }
        _ => Err(format!("assign takes set KIND NAME... or list\n{USAGE}")),
    }
}

fn kpis(args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(
        args,
        &["--json"],
        &[
            "--from",
            "--to",
            "--min-returns",
            "--max-rate",
            "--short-use-days",
            "--db",
        ],
    )?;
    let number = |flag: &str| -> Result<Option<f64>, String> {
        flags
            .get(flag)
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| format!("{flag} {v}: expected a number"))
            })
            .transpose()
    };
    let now = chrono::Utc::now();
    let (from, to, rules) = aftersales_server::merchant::kpi_request(
        flags.get("--from"),
        flags.get("--to"),
        number("--min-returns")?.map(|n| n as u32),
        number("--max-rate")?,
        number("--short-use-days")?.map(|n| n as i64),
        now,
    )
    .map_err(|(field, expected)| format!("--{}: expected {expected}", field.replace('_', "-")))?;
    let store = open_db(&flags)?;
    let facts = block(store.kpi_facts(from, to))?;
    let r = aftersales_core::kpi::report(&facts, from, to, now, rules);
    if flags.has("--json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    print!("{}", aftersales_server::merchant::kpi_text(&r));
    Ok(())
}

fn webhook(sub: Option<&str>, args: &[String]) -> Result<(), String> {
    let (pos, rest) = split_positional(args);
    let flags = Flags::parse(rest, &[], &["--limit", "--db"])?;
    let store = open_db(&flags)?;
    match (sub, pos.as_slice()) {
        (Some("add"), [url]) => {
            let url = url.trim();
            aftersales_server::webhooks::check_url(url)
                .map_err(|e| format!("{url}: expected {e}"))?;
            let (id, secret) = block(store.add_webhook(url, chrono::Utc::now()))?;
            println!("{secret}");
            eprintln!("webhook {id} posts every case event to {url}; its secret (above) is shown only this once");
            Ok(())
        }
        (Some("list"), []) => {
            for w in block(store.webhooks())? {
                println!(
                    "{:<4} {}  pending {} delivered {} failed {}",
                    w.id, w.url, w.pending, w.delivered, w.failed
                );
            }
            Ok(())
        }
        (Some("deliveries"), []) => {
            let limit = match flags.get("--limit") {
                Some(n) => n
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| format!("--limit {n}: expected 1 to 1000"))?,
                None => 50,
            };
            for d in block(store.deliveries(None, limit))? {
                let last = match (d.last_status, &d.last_error) {
                    (Some(s), _) => format!("HTTP {s}"),
                    (None, Some(e)) => e.clone(),
                    (None, None) => "not tried yet".into(),
                };
                println!(
                    "{}  webhook {:<3} {:<22} {:<9} {} attempt(s), last: {last}",
                    d.message_id, d.webhook_id, d.event, d.state, d.attempts
                );
            }
            Ok(())
        }
        (Some("remove"), [id]) => {
            let id: i64 = id
                .parse()
                .map_err(|_| format!("{id}: expected a webhook id (webhook list)"))?;
            if !block(store.remove_webhook(id))? {
                return Err(format!("no webhook {id}"));
            }
            println!("removed webhook {id}");
            Ok(())
        }
        _ => Err(format!(
            "webhook takes add URL, list, deliveries or remove ID\n{USAGE}"
        )),
    }
}

fn token(sub: Option<&str>, args: &[String]) -> Result<(), String> {
    let flags = Flags::parse(args, &[], &["--name", "--scope", "--db"])?;
    let name = flags.need("--name")?;
    let store = open_db(&flags)?;
    let now = chrono::Utc::now();
    match sub {
        Some("create") => {
            let scope = flags.get("--scope").unwrap_or("read");
            let scope = aftersales_server::db::TokenScope::parse(scope)
                .ok_or_else(|| format!("--scope {scope}: expected read or write"))?;
            let t = block(store.create_token(name, scope, now))?;
            println!("{t}");
            eprintln!(
                "token {name:?} ({}) created; it is shown only this once",
                scope.code()
            );
            Ok(())
        }
        Some("revoke") => {
            let n = block(store.revoke_token(name, now))?;
            if n == 0 {
                return Err(format!("no live token named {name:?}"));
            }
            println!("revoked {n} token(s) named {name:?}");
            Ok(())
        }
        _ => Err(format!("token takes create or revoke\n{USAGE}")),
    }
}

fn action_error(e: cases::ActionError) -> String {
    match e {
        cases::ActionError::NotFound => "no request with that tracking number".into(),
        cases::ActionError::Illegal(reason) => format!("not allowed: {reason}"),
        cases::ActionError::Invalid(field, expected) => format!("{field}: expected {expected}"),
        cases::ActionError::Db(e) => e.to_string(),
    }
}

fn case(sub: Option<&str>, args: &[String]) -> Result<(), String> {
    let (pos, rest) = split_positional(args);
    let flags = Flags::parse(
        rest,
        &["--follow-up", "--nobody"],
        &[
            "--status",
            "--kind",
            "--note",
            "--outbox",
            "--shop-url",
            "--db",
        ],
    )?;
    let store = open_db(&flags)?;
    let now = chrono::Utc::now();
    let send = |n: aftersales_server::notify::Notification| {
        notifier(flags.get("--outbox").map(Path::new))
            .send(&n)
            .map_err(|e| format!("the case changed, but the notification failed: {e}"))
    };
    let status = flags
        .get("--status")
        .map(|s| {
            aftersales_core::lifecycle::Status::from_code(s)
                .ok_or_else(|| format!("--status {s}: not a status code"))
        })
        .transpose()?;
    match (sub, pos.as_slice()) {
        (Some("list"), []) => {
            let filter = aftersales_server::db::CaseFilter {
                status,
                follow_up: flags.has("--follow-up"),
                limit: 200,
                ..Default::default()
            };
            let (list, _) = block(store.list_cases(&filter))?;
            for c in list {
                println!(
                    "{}  {:<10} {:<24} order {:<10} {}{}{}",
                    c.tracking_number,
                    c.kind.code(),
                    c.status.code(),
                    c.order_number,
                    c.created_at.format("%Y-%m-%d %H:%M"),
                    c.assignee
                        .as_deref()
                        .map(|a| format!("  {a}"))
                        .unwrap_or_default(),
                    if c.follow_up { "  follow-up" } else { "" }
                );
            }
            Ok(())
        }
        (Some("export"), []) => {
            let kind = flags
                .get("--kind")
                .map(|k| {
                    serde_json::from_value(serde_json::Value::String(k.to_string()))
                        .map_err(|_| format!("--kind {k}: not a case type such as return"))
                })
                .transpose()?;
            let filter = aftersales_server::db::CaseFilter {
                status,
                kind,
                follow_up: flags.has("--follow-up"),
                ..Default::default()
            };
            let csv = block(aftersales_server::export::cases_csv(
                &store,
                &filter,
                usize::MAX,
            ))?;
            print!("{csv}");
            Ok(())
        }
        (Some("move"), [tn, to]) => {
            let links = links_for(&store, &flags)?;
            let note = flags.get("--note").unwrap_or("");
            let (view, n) = runtime()
                .block_on(cases::merchant_move(&store, tn, to, note, &links, now))
                .map_err(action_error)?;
            send(n)?;
            println!("{}: {}", view.tracking_number, view.status.code());
            Ok(())
        }
        (Some("assign"), [tn, rest @ ..]) => {
            let who = match (rest, flags.has("--nobody")) {
                ([name], false) => Some(
                    aftersales_server::merchant::check_staff(name)
                        .map_err(|e| format!("{name}: expected {e}"))?,
                ),
                ([], true) => None,
                _ => return Err("case assign takes TRACKING-NUMBER and a NAME or --nobody".into()),
            };
            let case = runtime()
                .block_on(cases::find(&store, tn))
                .map_err(action_error)?;
            block(store.assign(&case, who, now))?;
            println!("{}: {}", case.tracking_number, who.unwrap_or("nobody"));
            Ok(())
        }
        (Some("message"), [tn, text]) => {
            let links = links_for(&store, &flags)?;
            let (view, n) = runtime()
                .block_on(cases::merchant_message(&store, tn, text, &links, now))
                .map_err(action_error)?;
            send(n)?;
            println!("{}: message sent", view.tracking_number);
            Ok(())
        }
        _ => Err(format!(
            "case takes list, move TN STATUS or message TN TEXT\n{USAGE}"
        )),
    }
}

fn link(sub: Option<&str>, args: &[String]) -> Result<(), String> {
    let (pos, rest) = split_positional(args);
    let flags = Flags::parse(rest, &[], &["--days", "--shop-url", "--db"])?;
    let store = open_db(&flags)?;
    let links = links_for(&store, &flags)?;
    let now = chrono::Utc::now();
    let (param, subject, token) = match (sub, pos.as_slice()) {
        (Some("order"), [number]) => {
            let days: i64 = match flags.get("--days") {
                Some(d) => d
                    .parse()
                    .ok()
                    .filter(|d| (1..=365).contains(d))
                    .ok_or_else(|| format!("--days {d}: expected 1 to 365"))?,
                None => aftersales_server::links::ORDER_LINK_DAYS,
            };
            let number = number.trim();
            if block(store.find_order_verified(number))?.is_none() {
                return Err(format!("no order {number:?} in this database"));
            }
            let expires = now + chrono::Duration::days(days);
            (
                "as-order",
                number.to_string(),
                links.key.mint(Scope::Order, number, expires),
            )
        }
        (Some("case"), [tn]) => {
            let case = runtime()
                .block_on(cases::find(&store, tn))
                .map_err(action_error)?;
            let token = links.case_token(&case.tracking_number, now);
            ("as-case", case.tracking_number, token)
        }
        _ => {
            return Err(format!(
                "link takes order NUMBER or case TRACKING-NUMBER\n{USAGE}"
            ))
        }
    };
    match links.page_with(&[(param, &subject), ("as-token", &token)]) {
        Some(url) => println!("{url}"),
        None => println!("?{param}={subject}&as-token={token}"),
    }
    Ok(())
}
