//! `aftersales`: the reference server and the merchant's command line.

use aftersales_core::policy::Policy;
use aftersales_server::db::Store;
use aftersales_server::{bind, demo, ServeOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "\
usage:
  aftersales serve [--addr 127.0.0.1:8080] [--db aftersales.sqlite3] [--policy FILE]
                   [--assets DIR] [--demo]
  aftersales policy validate FILE

serve            answer the widget's /v1 API from an SQLite database (created and migrated
                 on first start); with --assets, also serve the built widget and the demo
                 shop page; with --demo, (re)load the demo orders dated relative to now
policy validate  check a policy file and explain the first problem found";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("policy") if args.get(1).map(String::as_str) == Some("validate") => {
            validate(&args[2..])
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

fn serve(args: &[String]) -> Result<(), String> {
    let mut addr = "127.0.0.1:8080".to_string();
    let mut db = PathBuf::from("aftersales.sqlite3");
    let mut policy = Policy::default();
    let mut assets = None;
    let mut load_demo = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--addr" => addr = value()?,
            "--db" => db = PathBuf::from(value()?),
            "--policy" => policy = read_policy(&value()?)?,
            "--assets" => assets = Some(PathBuf::from(value()?)),
            "--demo" => load_demo = true,
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
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
    let mut store = Store::open(&db).map_err(|e| e.to_string())?;
    if load_demo {
        for d in demo::orders(chrono::Utc::now()) {
            store
                .upsert_order(&d.order, d.email)
                .map_err(|e| e.to_string())?;
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let opts = ServeOptions {
            addr,
            store,
            policy,
            assets,
            clock: Arc::new(chrono::Utc::now),
        };
        let (listener, app) = bind(opts)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        // Scripts and tests read this line to learn the port.
        println!("aftersales listening on http://{local}");
        println!("database: {}", db.display());
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
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
