//! Two server processes on one database (SQLite file, or PostgreSQL when
//! `AFTERSALES_TEST_POSTGRES` names a server): the last unit of a line goes to one case only,
//! however the shoppers' requests are spread over the processes.

use aftersales_server::db::{scratch_db, Store};
use serde_json::json;

#[path = "support/process.rs"]
mod process;

fn serve(db: &str) -> process::Process {
    process::serve(
        env!("CARGO_BIN_EXE_aftersales"),
        db,
        &["--limit-open-cases", "0"],
    )
}

const TRIES: usize = 10;
const SHOPPERS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_never_both_claim_the_last_unit() {
    let db = scratch_db().await.unwrap();
    let now = chrono::Utc::now();
    // Ten copies of the demo's order 1001, whose line 1001-1 has one unit.
    let store = Store::open(&db).await.unwrap();
    let demo = aftersales_server::demo::orders(now)
        .into_iter()
        .find(|d| d.order.number == "1001")
        .unwrap();
    for i in 0..TRIES {
        let mut order = demo.order.clone();
        order.number = format!("P{i}");
        store.upsert_order(&order, demo.email).await.unwrap();
    }
    let servers = [serve(&db), serve(&db)];
    let client = reqwest::Client::new();
    for i in 0..TRIES {
        let body = json!({"order_number": format!("P{i}"), "email": demo.email, "case": {
            "type": "return", "lines": [{"line_id": "1001-1", "quantity": 1}],
            "resolution": "refund", "reason": "changed_mind", "condition": "new_unopened"}});
        let sends = (0..SHOPPERS).map(|k| {
            let url = format!("{}/v1/cases", servers[k % 2].base);
            let req = client.post(url).json(&body).send();
            async move {
                let r = req.await.unwrap();
                let status = r.status().as_u16();
                let v: serde_json::Value = r.json().await.unwrap();
                (status, v)
            }
        });
        let answers = futures_join_all(sends).await;
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        assert_eq!(created, 1, "order P{i}: {answers:?}");
        for (status, v) in answers.iter().filter(|(s, _)| *s != 201) {
            assert_eq!(*status, 422, "{v}");
            assert!(
                ["invalid_quantity", "fully_claimed"]
                    .contains(&v["error"]["code"].as_str().unwrap_or_default()),
                "{v}"
            );
        }
        let order = store
            .find_order_verified(&format!("P{i}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(order.lines[0].quantity_claimed, 1);
    }
    drop(servers);
    if !aftersales_server::db::is_postgres_url(&db) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{db}{suffix}"));
        }
    }
}

/// Runs the futures at once and collects their outputs in order.
async fn futures_join_all<F>(fs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
