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

mod cli;

use cli::Flags;

fn main() -> ExitCode {
    let parsed = match cli::parse(std::env::args().skip(1)) {
        Ok(p) => p,
        // --help and --version print to stdout and succeed; a usage mistake prints the
        // command's usage to stderr and exits 2.
        Err(e) => e.exit(),
    };
    let (pos, flags) = (parsed.positional, parsed.flags);
    let path: Vec<&str> = parsed.path.iter().map(String::as_str).collect();
    let result = match path.as_slice() {
        ["serve"] => serve(&flags),
        ["check"] => check(&flags),
        ["policy", "validate"] => validate(&pos),
        ["policy", "export"] => export(&flags),
        ["policy", "defaults"] => defaults(),
        ["policy", "import"] => import(&flags),
        ["token", sub] => token(sub, &flags),
        ["orders", sub] => orders(sub, &pos, &flags),
        ["webhook", sub] => webhook(sub, &pos, &flags),
        ["kpis"] => kpis(&flags),
        ["assign", sub] => assign(sub, &pos, &flags),
        ["case", sub] => case(sub, &pos, &flags),
        ["link", sub] => link(sub, &pos, &flags),
        ["demo"] => demo_files(pos.first().map(String::as_str)),
        ["openapi"] => {
            let doc = aftersales_server::openapi::document();
            match pos.first() {
                Some(_) => print!("{}", aftersales_server::openapi::markdown(&doc)),
                None => print!("{}", aftersales_server::openapi::yaml(&doc)),
            }
            Ok(())
        }
        _ => Err(format!("{}: not a command", parsed.path.join(" "))),
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
        return Err("policy validate takes one file".into());
    };
    read_policy(path)?;
    println!("{path}: valid");
    Ok(())
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
        _ => return Err("demo prints orders, policy or faq".into()),
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

fn export(flags: &Flags) -> Result<(), String> {
    let policy = read_policy(flags.need("--schema-org")?)?;
    let out = schema_org::export(&policy, currency(flags)?);
    println!(
        "{}",
        serde_json::to_string_pretty(&out.json_ld).map_err(|e| e.to_string())?
    );
    for note in out.not_exported {
        eprintln!("not exported: {note}");
    }
    Ok(())
}

fn import(flags: &Flags) -> Result<(), String> {
    let path = flags.need("--schema-org")?;
    let doc = read_json(path, "JSON-LD")?;
    let zone = ShopZone::parse(flags.need("--time-zone")?).map_err(|e| e.to_string())?;
    let got =
        schema_org::import(&doc, zone, currency(flags)?).map_err(|e| format!("{path}: {e}"))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&got.policy).map_err(|e| e.to_string())?
    );
    for note in got.notes {
        eprintln!("note: {note}");
    }
    Ok(())
}

fn check(flags: &Flags) -> Result<(), String> {
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

fn serve(flags: &Flags) -> Result<(), String> {
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
    let allowed_origins = flags.all("--allow-origin");
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

fn orders(sub: &str, pos: &[String], flags: &Flags) -> Result<(), String> {
    use aftersales_server::orders::{parse, schema, Format};
    match sub {
        "schema" => {
            let text = serde_json::to_string_pretty(&schema()).map_err(|e| e.to_string())?;
            println!("{text}");
            Ok(())
        }
        "import" => {
            let [path] = pos else {
                return Err("orders import takes one FILE".into());
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
            let store = open_db(flags)?;
            let (created, updated) = block(store.import_orders(&records))?;
            println!("{path}: {created} order(s) added, {updated} updated");
            Ok(())
        }
        _ => Err("orders takes import or schema".into()),
    }
}

fn assign(sub: &str, pos: &[String], flags: &Flags) -> Result<(), String> {
    let store = open_db(flags)?;
    match (sub, pos) {
        ("set", [kind, staff @ ..]) => {
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
        ("list", []) => {
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
        _ => Err("assign takes set KIND NAME... or list".into()),
    }
}

fn kpis(flags: &Flags) -> Result<(), String> {
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
    let store = open_db(flags)?;
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

fn webhook(sub: &str, pos: &[String], flags: &Flags) -> Result<(), String> {
    let store = open_db(flags)?;
    match (sub, pos) {
        ("add", [url]) => {
            let url = url.trim();
            aftersales_server::webhooks::check_url(url)
                .map_err(|e| format!("{url}: expected {e}"))?;
            let (id, secret) = block(store.add_webhook(url, chrono::Utc::now()))?.ok_or(
                "this shop has as many webhook endpoints as it may (20); remove one first",
            )?;
            println!("{secret}");
            eprintln!("webhook {id} posts every case event to {url}; its secret (above) is shown only this once");
            Ok(())
        }
        ("list", []) => {
            for w in block(store.webhooks())? {
                println!(
                    "{:<4} {}  pending {} delivered {} failed {}",
                    w.id, w.url, w.pending, w.delivered, w.failed
                );
            }
            Ok(())
        }
        ("deliveries", []) => {
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
        ("remove", [id]) => {
            let id: i64 = id
                .parse()
                .map_err(|_| format!("{id}: expected a webhook id (webhook list)"))?;
            if !block(store.remove_webhook(id))? {
                return Err(format!("no webhook {id}"));
            }
            println!("removed webhook {id}");
            Ok(())
        }
        _ => Err("webhook takes add URL, list, deliveries or remove ID".into()),
    }
}

fn token(sub: &str, flags: &Flags) -> Result<(), String> {
    let name = flags.need("--name")?;
    let store = open_db(flags)?;
    let now = chrono::Utc::now();
    match sub {
        "create" => {
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
        "revoke" => {
            let n = block(store.revoke_token(name, now))?;
            if n == 0 {
                return Err(format!("no live token named {name:?}"));
            }
            println!("revoked {n} token(s) named {name:?}");
            Ok(())
        }
        _ => Err("token takes create or revoke".into()),
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

fn case(sub: &str, pos: &[String], flags: &Flags) -> Result<(), String> {
    let store = open_db(flags)?;
    let now = chrono::Utc::now();
    let send = |n: aftersales_server::notify::Notification| {
        notifier(flags.get("--outbox").map(Path::new))
            .send(&n)
            .map_err(|e| format!("the case changed, but the notification failed: {e}"))
    };
    let day = |flag: &str| {
        flags
            .get(flag)
            .map(|v| {
                aftersales_server::merchant::parse_day_or_time(v).ok_or_else(|| {
                    format!("{flag} {v}: expected a date such as 2026-11-01 or an RFC 3339 time")
                })
            })
            .transpose()
    };
    let (created_from, created_to) = (day("--created-from")?, day("--created-to")?);
    let status = flags
        .get("--status")
        .map(|s| {
            aftersales_core::lifecycle::Status::from_code(s)
                .ok_or_else(|| format!("--status {s}: not a status code"))
        })
        .transpose()?;
    match (sub, pos) {
        ("list", []) => {
            let filter = aftersales_server::db::CaseFilter {
                status,
                created_from,
                created_to,
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
        ("export", []) => {
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
                created_from,
                created_to,
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
        ("move", [tn, to]) => {
            let links = links_for(&store, flags)?;
            let note = flags.get("--note").unwrap_or("");
            let (view, n) = runtime()
                .block_on(cases::merchant_move(&store, tn, to, note, &links, now))
                .map_err(action_error)?;
            send(n)?;
            println!("{}: {}", view.tracking_number, view.status.code());
            Ok(())
        }
        ("assign", [tn, rest @ ..]) => {
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
        ("message", [tn, text]) => {
            let links = links_for(&store, flags)?;
            let (view, n) = runtime()
                .block_on(cases::merchant_message(&store, tn, text, &links, now))
                .map_err(action_error)?;
            send(n)?;
            println!("{}: message sent", view.tracking_number);
            Ok(())
        }
        _ => Err("case takes list, export, assign, move or message".into()),
    }
}

fn link(sub: &str, pos: &[String], flags: &Flags) -> Result<(), String> {
    let store = open_db(flags)?;
    let links = links_for(&store, flags)?;
    let now = chrono::Utc::now();
    let (param, subject, token) = match (sub, pos) {
        ("order", [number]) => {
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
        ("case", [tn]) => {
            let case = runtime()
                .block_on(cases::find(&store, tn))
                .map_err(action_error)?;
            let token = links.case_token(&case.tracking_number, now);
            ("as-case", case.tracking_number, token)
        }
        _ => return Err("link takes order NUMBER or case TRACKING-NUMBER".into()),
    };
    match links.page_with(&[(param, &subject), ("as-token", &token)]) {
        Some(url) => println!("{url}"),
        None => println!("?{param}={subject}&as-token={token}"),
    }
    Ok(())
}
