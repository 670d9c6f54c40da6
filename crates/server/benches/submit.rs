//! Load bench of case submission (not a test; `scripts/bench-server` runs it): the release
//! server on 127.0.0.1, its database seeded with 100,000 orders through `aftersales orders
//! import`, then shoppers submitting returns as fast as they are answered — 1, 8 and 32 at
//! once, and 32 again with one client alongside sending hostile bodies (2 MB, and 250 KB
//! cases naming thousands of lines). Prints cases/s and p50/p99 per run.
//!
//! `BENCH_DB`: `sqlite` (default) or a PostgreSQL server's URL (a fresh database is made on
//! it). `BENCH_SECONDS`: each run's length (default 8). `BENCH_ORDERS`: orders seeded
//! (default 100000). `BENCH_BIN`: another `aftersales` binary to measure (an earlier build,
//! to compare in one sitting).

use std::io::Write;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/support/process.rs"]
mod process;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Writes `n` orders as NDJSON: each placed and delivered two days ago, one line of 20 units
/// (room for many returns) and one of 1.
fn orders_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("orders.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let placed = (chrono::Utc::now() - chrono::Duration::days(3)).to_rfc3339();
    let delivered = (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339();
    for i in 0..n {
        let record = serde_json::json!({"email": format!("shopper{i}@example.com"), "order": {
        "number": format!("B{i}"), "placed_at": placed, "currency": "EUR",
        "lines": [
            {"id": "a", "sku": format!("SKU-{}", i % 500), "title": "Kettle", "category": "kitchen",
             "unit_price": 4990, "quantity": 20, "delivered_at": delivered},
            {"id": "b", "sku": "TEE", "title": "T-shirt", "category": "apparel",
             "unit_price": 1990, "quantity": 1, "delivered_at": delivered},
        ]}});
        writeln!(out, "{record}").unwrap();
    }
    out.flush().unwrap();
    path
}

fn case_body(order: usize) -> String {
    serde_json::json!({"order_number": format!("B{order}"), "email": format!("shopper{order}@example.com"),
        "case": {"type": "return", "lines": [{"line_id": "a", "quantity": 1}],
                 "resolution": "refund", "reason": "changed_mind", "condition": "new_unopened"}})
    .to_string()
}

/// Hostile bodies: 2 MB of nothing useful, and a case naming 9,000 made-up lines (under the
/// route's 256 KB limit).
fn hostile_bodies(orders: usize) -> [String; 2] {
    let big = format!(
        "{{\"order_number\":\"B1\",\"email\":\"x@y.z\",\"pad\":\"{}\"}}",
        "x".repeat(2 << 20)
    );
    let lines: Vec<_> = (0..9000)
        .map(|i| serde_json::json!({"line_id": format!("l{i}"), "quantity": 1}))
        .collect();
    let wide = serde_json::json!({"order_number": format!("B{}", orders - 1),
        "email": format!("shopper{}@example.com", orders - 1),
        "case": {"type": "return", "lines": lines, "resolution": "refund", "reason": "changed_mind",
                 "condition": "new_unopened"}})
    .to_string();
    [big, wide]
}

struct RunResult {
    created: u64,
    /// Answers other than 201, by status (0: no answer).
    other: std::collections::BTreeMap<u16, u64>,
    latencies: Vec<Duration>,
    elapsed: Duration,
    hostile: u64,
}

async fn run(
    base: &str,
    clients: usize,
    seconds: u64,
    orders: usize,
    next: Arc<AtomicU64>,
    hostile: bool,
) -> RunResult {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, stop, next, url) = (
            client.clone(),
            stop.clone(),
            next.clone(),
            format!("{base}/v1/cases"),
        );
        workers.push(tokio::spawn(async move {
            let (mut created, mut other, mut lat) = (0u64, Vec::new(), Vec::new());
            while !stop.load(Ordering::Relaxed) {
                let n = next.fetch_add(1, Ordering::Relaxed);
                // Orders spread by a multiplicative hash, so neighbours do not share an order.
                let order = (n.wrapping_mul(2_654_435_761) % orders as u64) as usize;
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("idempotency-key", format!("bench-{n}"))
                    .body(case_body(order))
                    .send()
                    .await;
                let status = match r {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let _ = r.bytes().await;
                        status
                    }
                    Err(_) => 0,
                };
                lat.push(t.elapsed());
                if status == 201 {
                    created += 1
                } else {
                    other.push(status)
                }
            }
            (created, other, lat)
        }));
    }
    let hostile_task = hostile.then(|| {
        // Its own connections: the server closes one after refusing a body it did not read,
        // and a shopper's request sent on it meanwhile would fail for the bench's reason.
        let client = reqwest::Client::new();
        let (stop, url) = (stop.clone(), format!("{base}/v1/cases"));
        let bodies = hostile_bodies(orders);
        tokio::spawn(async move {
            let mut sent = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let body = bodies[(sent % 2) as usize].clone();
                if let Ok(r) = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                {
                    let _ = r.bytes().await;
                }
                sent += 1;
            }
            sent
        })
    });
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut result = RunResult {
        created: 0,
        other: Default::default(),
        latencies: Vec::new(),
        elapsed: Duration::ZERO,
        hostile: 0,
    };
    for w in workers {
        let (c, o, l) = w.await.unwrap();
        result.created += c;
        for status in o {
            *result.other.entry(status).or_default() += 1;
        }
        result.latencies.extend(l);
    }
    result.elapsed = started.elapsed();
    if let Some(h) = hostile_task {
        result.hostile = h.await.unwrap();
    }
    result
}

/// CPU seconds a process has used so far (user and system, all its threads), from Linux's
/// `/proc/PID/stat`; `None` elsewhere.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) closed by the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime are fields 14 and 15 of the line, in USER_HZ (100 on Linux).
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes --bench; nothing else is taken.
    let seconds: u64 = env_or("BENCH_SECONDS", 8);
    let orders: usize = env_or("BENCH_ORDERS", 100_000);
    let bin =
        std::env::var("BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_aftersales").into());
    let engine = std::env::var("BENCH_DB").unwrap_or_else(|_| "sqlite".into());
    let dir = std::env::temp_dir().join(format!("aftersales-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let db = if engine == "sqlite" {
        dir.join("bench.sqlite3").to_string_lossy().into_owned()
    } else {
        runtime
            .block_on(aftersales_server::db::scratch_db_on(Some(&engine)))
            .unwrap()
    };
    let label = if engine == "sqlite" {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let file = orders_file(&dir, orders);
    let t = Instant::now();
    let out = Command::new(&bin)
        .args(["orders", "import"])
        .arg(&file)
        .args(["--db", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "{label}: {orders} orders imported in {:.1} s ({})",
        t.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    let server = process::serve(&bin, &db, &[]);
    let next = Arc::new(AtomicU64::new(0));
    println!(
        "{label}: clients | cases/s | p50 ms | p99 ms | not 201 (n×status, 0: no answer) | hostile requests | CPU ms/case server, bench"
    );
    let server_pid = server.child.id().to_string();
    for (clients, hostile) in [(1, false), (8, false), (32, false), (32, true)] {
        let cpu_before = (cpu_seconds(&server_pid), cpu_seconds("self"));
        let r = runtime.block_on(run(
            &server.base,
            clients,
            seconds,
            orders,
            next.clone(),
            hostile,
        ));
        // CPU per case stored: steadier than cases/s on a shared machine, where another
        // tenant's load moves the throughput of a run by ±10 %.
        let per_case = |before: Option<f64>, pid: &str| match (before, cpu_seconds(pid)) {
            (Some(b), Some(a)) if r.created > 0 => {
                format!("{:.2}", (a - b) * 1e3 / r.created as f64)
            }
            _ => "-".into(),
        };
        let cpu = format!(
            "{}, {}",
            per_case(cpu_before.0, &server_pid),
            per_case(cpu_before.1, "self")
        );
        let mut lat = r.latencies;
        lat.sort();
        println!(
            "{label}: {:>7} | {:>7.0} | {:>6.1} | {:>6.1} | {:>7} | {:>16} | {}",
            if hostile {
                format!("{clients}+1")
            } else {
                clients.to_string()
            },
            r.created as f64 / r.elapsed.as_secs_f64(),
            percentile(&lat, 0.50),
            percentile(&lat, 0.99),
            if r.other.is_empty() {
                "0".to_string()
            } else {
                r.other
                    .iter()
                    .map(|(status, n)| format!("{n}×{status}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            if hostile {
                r.hostile.to_string()
            } else {
                "-".into()
            },
            cpu,
        );
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
