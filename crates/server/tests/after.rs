//! After the case, over real HTTP and SQLite: following a case, links, the merchant's moves,
//! confirm/reopen, the survey, the FAQ and its events, and withdrawals.

mod common;

use aftersales_core::lifecycle::{Actor, Status, ALL_STATUSES};
use aftersales_server::db::{Store, TokenScope};
use common::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// A server whose clock can be moved, and a write and a read token.
struct Shop {
    s: Server,
    clock: Arc<Mutex<chrono::DateTime<chrono::Utc>>>,
    write: String,
    read: String,
    key: aftersales_server::links::LinkKey,
}

async fn shop() -> Shop {
    let store = Store::scratch().await.unwrap();
    let now = t(NOW);
    let write = store
        .create_token("ops", TokenScope::Write, now)
        .await
        .unwrap();
    let read = store
        .create_token("report", TokenScope::Read, now)
        .await
        .unwrap();
    let key = aftersales_server::links::LinkKey::new(store.link_key().await.unwrap());
    let clock = Arc::new(Mutex::new(now));
    let c = clock.clone();
    let s = start_with_store(
        store,
        now,
        Arc::new(move || *c.lock().unwrap()),
        None,
        vec![],
        aftersales_server::demo::policy(),
        // These tests open many complaints on one order: no limit of open cases.
        aftersales_server::limits::RateLimits {
            open_per_kind: 0,
            ..Default::default()
        },
    )
    .await;
    Shop {
        s,
        clock,
        write,
        read,
        key,
    }
}

impl Shop {
    fn advance(&self, minutes: i64) {
        *self.clock.lock().unwrap() += chrono::Duration::minutes(minutes);
    }

    /// A complaint (it claims no units, so a test can make many).
    async fn new_case(&self) -> String {
        self.submit(
            json!({"type": "complaint", "about": "service", "description": "Rude courier."}),
        )
        .await
    }

    async fn submit(&self, case: Value) -> String {
        let (status, body) = self
            .s
            .post(
                "/v1/cases",
                json!({"order_number": "1001", "email": "mei@example.com", "case": case}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["tracking_number"].as_str().unwrap().to_string()
    }

    async fn find(&self, tn: &str, email: &str) -> (u16, Value) {
        self.s
            .post(
                "/v1/cases/find",
                json!({"tracking_number": tn, "email": email}),
            )
            .await
    }

    async fn moved(&self, tn: &str, to: &str) -> (u16, Value) {
        self.s
            .merchant(
                &self.write,
                &format!("/v1/merchant/cases/{tn}/moves"),
                Some(json!({"to": to, "note": format!("now {to}")})),
            )
            .await
    }
}

#[tokio::test]
async fn a_case_is_followed_by_number_and_email_and_strangers_learn_nothing() {
    let shop = shop().await;
    let tn = shop
        .submit(
            json!({"type": "return", "lines": [{"line_id": "1001-1", "quantity": 1}],
            "resolution": "refund", "reason": "changed_mind", "condition": "new_unopened"}),
        )
        .await;
    let (status, v) = shop
        .find(&tn.to_lowercase().replace('-', " "), " MEI@example.com")
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["tracking_number"], tn.as_str());
    assert_eq!(v["status"], "submitted");
    assert_eq!(v["timeline"][0]["status"], "submitted");
    assert_eq!(v["timeline"][0]["by"], "shopper");
    assert_eq!(v["lines"][0]["quantity"], 1);
    assert_eq!(v["promise"]["kind"], "respond");
    assert_eq!(v["promise"]["state"], "on_time");
    assert!(
        v.get("email").is_none() && !v.to_string().contains("mei@"),
        "no e-mail in a view"
    );
    assert!(!v["link_token"].as_str().unwrap().is_empty());

    let wrong_email = shop.find(&tn, "sam@example.com").await;
    let other = aftersales_core::tracking::TrackingNumber::from_random([5; 10]);
    let unknown = shop.find(other.as_str(), "mei@example.com").await;
    assert_eq!(wrong_email.0, 404);
    assert_eq!(
        wrong_email, unknown,
        "a wrong e-mail answers like an unknown number"
    );
    // A mistyped check symbol never reaches the database.
    let mut typo = tn.clone();
    let last = typo.pop().unwrap();
    typo.push(if last == '2' { '3' } else { '2' });
    let (status, body) = shop.find(&typo, "mei@example.com").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "invalid_tracking_number");
}

#[tokio::test]
async fn a_link_token_opens_its_case_only_and_a_forged_one_is_a_plain_not_found() {
    let shop = shop().await;
    let tn = shop.new_case().await;
    let tn2 = shop.new_case().await;
    let token = shop.find(&tn, "mei@example.com").await.1["link_token"]
        .as_str()
        .unwrap()
        .to_string();
    let open = |tn: &str, token: &str| json!({"tracking_number": tn, "token": token});
    let (status, v) = shop.s.post("/v1/cases/find", open(&tn, &token)).await;
    assert_eq!(
        (status, v["tracking_number"].as_str()),
        (200, Some(tn.as_str()))
    );
    let other_case = shop.s.post("/v1/cases/find", open(&tn2, &token)).await;
    assert_eq!(other_case.0, 404);
    let mut forged = token.clone();
    forged.replace_range(forged.len() - 4.., "0000");
    assert_eq!(
        shop.s.post("/v1/cases/find", open(&tn, &forged)).await,
        other_case
    );
    // Expired: 181 days later.
    shop.advance(181 * 24 * 60);
    assert_eq!(
        shop.s.post("/v1/cases/find", open(&tn, &token)).await.0,
        404
    );
}

#[tokio::test]
async fn a_signed_order_link_looks_up_and_submits_without_the_email() {
    use aftersales_server::links::Scope;
    let shop = shop().await;
    let week = t(NOW) + chrono::Duration::days(7);
    let token = shop.key.mint(Scope::Order, "1001", week);
    let lookup =
        |number: &str, token: &str| json!({"order_number": number, "email": "", "token": token});
    let (status, found) = shop
        .s
        .post("/v1/orders/lookup", lookup("1001", &token))
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["order"]["number"], "1001");
    let (status, receipt) = shop
        .s
        .post(
            "/v1/cases",
            json!({"order_number": "1001", "email": "", "token": token, "case": {
                "type": "return", "lines": [{"line_id": "1001-1", "quantity": 1}],
                "resolution": "refund", "reason": "changed_mind", "condition": "new_unopened"}}),
        )
        .await;
    assert_eq!(status, 201, "{receipt}");
    let not_found = shop
        .s
        .post("/v1/orders/lookup", lookup("1002", &token))
        .await;
    assert_eq!(not_found.0, 404, "a token opens its own order only");
    let alien = aftersales_server::links::LinkKey::new([9; 32]).mint(Scope::Order, "1001", week);
    assert_eq!(
        shop.s
            .post("/v1/orders/lookup", lookup("1001", &alien))
            .await,
        not_found
    );
    let case_token = shop.key.mint(Scope::Case, "1001", week);
    assert_eq!(
        shop.s
            .post("/v1/orders/lookup", lookup("1001", &case_token))
            .await,
        not_found
    );
    shop.advance(8 * 24 * 60);
    assert_eq!(
        shop.s
            .post("/v1/orders/lookup", lookup("1001", &token))
            .await,
        not_found
    );
    // The command line prints a link with a token of its database's key.
    let dir = std::env::temp_dir().join(format!("aftersales-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("shop.sqlite3");
    let store = Store::open(db.to_str().unwrap()).await.unwrap();
    for d in aftersales_server::demo::orders(t(NOW)) {
        store.upsert_order(&d.order, d.email).await.unwrap();
    }
    let key = aftersales_server::links::LinkKey::new(store.link_key().await.unwrap());
    drop(store);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aftersales"))
        .args([
            "link",
            "order",
            "1001",
            "--shop-url",
            "https://shop.example/help",
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = String::from_utf8(out.stdout).unwrap();
    assert!(
        url.starts_with("https://shop.example/help?as-order=1001&as-token="),
        "{url}"
    );
    let printed = url.trim().rsplit("as-token=").next().unwrap();
    assert!(key.verify(Scope::Order, "1001", printed, chrono::Utc::now()));
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_aftersales"))
        .args(["link", "order", "9999"])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_merchant_moves_a_case_and_the_shopper_sees_every_step_with_its_actor() {
    let shop = shop().await;
    let tn = shop.new_case().await;
    shop.advance(30);
    let (status, v) = shop.moved(&tn, "approved").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["promise"]["kind"], "resolve",
        "answered: the resolution is owed next"
    );
    shop.advance(30);
    let (status, body) = shop.moved(&tn, "confirmed_by_shopper").await;
    assert_eq!(status, 409, "only the shopper confirms");
    assert_eq!(body["error"]["code"], "illegal_move");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("approved"),
        "{body}"
    );
    let (status, _) = shop
        .s
        .merchant(
            &shop.write,
            &format!("/v1/merchant/cases/{tn}/messages"),
            Some(json!({"body": "Label attached.\nThanks!"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(shop.moved(&tn, "resolved").await.0, 200);
    let (_, v) = shop.find(&tn, "mei@example.com").await;
    let steps: Vec<(&str, &str)> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["status"].as_str().unwrap(), e["by"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("submitted", "shopper"),
            ("approved", "merchant"),
            ("resolved", "merchant")
        ]
    );
    assert_eq!(v["timeline"][1]["note"], "now approved");
    assert_eq!(v["messages"][0]["body"], "Label attached.\nThanks!");
    assert_eq!(v["messages"][0]["by"], "merchant");
    assert_eq!(
        v["moves"],
        json!({"confirm": true, "reopen": false, "survey": false})
    );
    assert!(v.get("promise").is_none());
    // Every notification went to the shopper with a link back to the case.
    let sent = shop.s.notifications(4).await;
    let templates: Vec<&str> = sent
        .iter()
        .map(|n| n["template"].as_str().unwrap())
        .collect();
    assert_eq!(
        templates,
        [
            "case_received",
            "status_changed",
            "shop_message",
            "status_changed"
        ]
    );
    assert!(sent
        .iter()
        .all(|n| n["to"] == "mei@example.com" && n["reference"] == tn.as_str()));
    let link = sent[0]["link"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("https://shop.example/help?as-case={tn}&as-token=")),
        "{link}"
    );
}

#[tokio::test]
async fn every_merchant_move_is_exactly_what_the_lifecycle_allows() {
    let shop = shop().await;
    // For each status reachable by the shop from a fresh case, try every target once.
    for from in ALL_STATUSES {
        let Some(path) = path_to(from) else { continue };
        for to in ALL_STATUSES {
            let tn = shop.new_case().await;
            for step in &path {
                let (status, body) = shop.moved(&tn, step.code()).await;
                assert_eq!(status, 200, "{from:?} via {step:?}: {body}");
            }
            let (status, body) = shop.moved(&tn, to.code()).await;
            let legal = from.allows(to, Actor::Merchant);
            assert_eq!(status == 200, legal, "{from:?} → {to:?}: {body}");
            if !legal {
                assert_eq!(status, 409);
            }
        }
    }
}

/// Merchant moves from `submitted` to `target`, if the shop alone can get there.
fn path_to(target: Status) -> Option<Vec<Status>> {
    use Status::*;
    Some(match target {
        Submitted => vec![],
        Acknowledged => vec![Acknowledged],
        UnderReview => vec![UnderReview],
        Approved => vec![Approved],
        Rejected => vec![Rejected],
        AwaitingReturnShipment => vec![Approved, AwaitingReturnShipment],
        Received => vec![Approved, AwaitingReturnShipment, Received],
        Inspected => vec![Approved, AwaitingReturnShipment, Received, Inspected],
        Resolved => vec![Approved, Resolved],
        WaitingOnThirdParty => vec![UnderReview, WaitingOnThirdParty],
        Escalated => vec![Escalated],
        Closed => vec![Rejected, Closed],
        ConfirmedByShopper | Reopened | Withdrawn => return None,
    })
}

#[tokio::test]
async fn merchant_api_needs_a_live_token_and_a_write_scope_to_act() {
    let shop = shop().await;
    let tn = shop.new_case().await;
    let (status, body) = shop
        .s
        .merchant("ast_nope", "/v1/merchant/cases", None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (status, page) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?status=submitted", None)
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["cases"][0]["tracking_number"], tn.as_str());
    let (status, _) = shop
        .s
        .merchant(
            &shop.read,
            &format!("/v1/merchant/cases/{tn}/moves"),
            Some(json!({"to": "approved"})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, one) = shop
        .s
        .merchant(&shop.read, &format!("/v1/merchant/cases/{tn}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(one["contact_email"], "mei@example.com");
    let (status, _) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?status=nope", None)
        .await;
    assert_eq!(status, 400);
    // Paging by cursor.
    shop.new_case().await;
    let (_, first) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?limit=1", None)
        .await;
    let cursor = first["next_cursor"].as_i64().unwrap();
    let (_, second) = shop
        .s
        .merchant(
            &shop.read,
            &format!("/v1/merchant/cases?limit=1&cursor={cursor}"),
            None,
        )
        .await;
    assert_ne!(
        first["cases"][0]["tracking_number"],
        second["cases"][0]["tracking_number"]
    );
    // Overdue: the 48-hour review promise is broken three days later.
    let (_, none) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?overdue=true", None)
        .await;
    assert_eq!(none["cases"].as_array().unwrap().len(), 0);
    shop.advance(3 * 24 * 60);
    let (_, late) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?overdue=true", None)
        .await;
    assert_eq!(late["cases"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn confirm_then_survey_once_and_a_low_score_flags_a_follow_up() {
    let shop = shop().await;
    let tn = shop.new_case().await;
    let access = json!({"tracking_number": tn, "email": "mei@example.com"});
    let survey = |a: u8| json!({"access": access, "survey": {"attitude": a, "speed": 5, "problem_solving": 4, "comment": "ok"}});
    let (status, body) = shop.s.post("/v1/cases/survey", survey(3)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("survey_not_open"))
    );
    let (status, _) = shop
        .s
        .post(
            "/v1/cases/confirm",
            json!({"access": access, "resolved": true}),
        )
        .await;
    assert_eq!(status, 409, "not resolved yet");
    shop.moved(&tn, "approved").await;
    shop.moved(&tn, "resolved").await;
    let (status, v) = shop
        .s
        .post(
            "/v1/cases/confirm",
            json!({"access": access, "resolved": true}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "confirmed_by_shopper");
    assert_eq!(v["moves"]["survey"], true);
    let (status, v) = shop.s.post("/v1/cases/survey", survey(3)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["follow_up"], true);
    assert_eq!(v["survey"]["attitude"], 3);
    let (status, body) = shop.s.post("/v1/cases/survey", survey(5)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("survey_taken"))
    );
    let (_, flagged) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?follow_up=true", None)
        .await;
    assert_eq!(flagged["cases"][0]["tracking_number"], tn.as_str());
    let bad =
        json!({"access": access, "survey": {"attitude": 6, "speed": 5, "problem_solving": 4}});
    assert_eq!(shop.s.post("/v1/cases/survey", bad).await.0, 400);
}

#[tokio::test]
async fn no_reopens_with_a_reason_and_the_timeline_shows_it() {
    let shop = shop().await;
    let tn = shop.new_case().await;
    shop.moved(&tn, "approved").await;
    shop.moved(&tn, "resolved").await;
    let access = json!({"tracking_number": tn, "email": "mei@example.com"});
    let (status, body) = shop
        .s
        .post(
            "/v1/cases/confirm",
            json!({"access": access, "resolved": false}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("reason_missing"))
    );
    let (status, v) = shop
        .s
        .post(
            "/v1/cases/confirm",
            json!({"access": access, "resolved": false, "reason": "Still leaks."}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "reopened");
    let last = v["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["status"].as_str(),
            last["by"].as_str(),
            last["note"].as_str()
        ),
        (Some("reopened"), Some("shopper"), Some("Still leaks."))
    );
    assert_eq!(v["promise"]["kind"], "resolve");
    // Reopened: confirming now is not a legal move.
    let (status, _) = shop
        .s
        .post(
            "/v1/cases/confirm",
            json!({"access": access, "resolved": true}),
        )
        .await;
    assert_eq!(status, 409);
}

/// How many units of line 1001-1 the order's lookup shows as claimed.
async fn claimed_kettles(shop: &Shop) -> u64 {
    let (status, v) = shop
        .s
        .post(
            "/v1/orders/lookup",
            json!({"order_number": "1001", "email": "mei@example.com"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    v["order"]["lines"][0]["quantity_claimed"].as_u64().unwrap()
}

#[tokio::test]
async fn a_rejected_return_gives_its_unit_back_and_reopening_takes_it_again_only_if_free() {
    let shop = shop().await;
    let kettle = json!({"type": "return", "lines": [{"line_id": "1001-1", "quantity": 1}],
        "resolution": "refund", "reason": "changed_mind", "condition": "new_unopened"});
    let first = shop.submit(kettle.clone()).await;
    assert_eq!(claimed_kettles(&shop).await, 1);
    assert_eq!(shop.moved(&first, "rejected").await.0, 200);
    assert_eq!(claimed_kettles(&shop).await, 0, "the rejected case let go");
    let second = shop.submit(kettle.clone()).await;
    assert_eq!(claimed_kettles(&shop).await, 1);
    // The first shopper disagrees and reopens; the unit is the second case's now.
    let reopen = |tn: &str| {
        json!({"access": {"tracking_number": tn, "email": "mei@example.com"},
               "resolved": false, "reason": "It was unopened."})
    };
    let (status, v) = shop.s.post("/v1/cases/confirm", reopen(&first)).await;
    assert_eq!(status, 409, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("claimed by another request"),
        "{v}"
    );
    assert_eq!(claimed_kettles(&shop).await, 1);
    // Once the second is rejected too, the first can be reopened and holds the unit again.
    assert_eq!(shop.moved(&second, "rejected").await.0, 200);
    assert_eq!(claimed_kettles(&shop).await, 0);
    let (status, v) = shop.s.post("/v1/cases/confirm", reopen(&first)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "reopened");
    assert_eq!(claimed_kettles(&shop).await, 1);
    let (status, v) = shop
        .s
        .post(
            "/v1/cases",
            json!({"order_number": "1001", "email": "mei@example.com", "case": kettle}),
        )
        .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (422, Some("fully_claimed")),
        "{v}"
    );
}

#[tokio::test]
async fn the_faq_is_served_per_language_and_events_are_recorded() {
    let shop = shop().await;
    let (status, en) = shop.s.get("/v1/faq?lang=en").await;
    assert_eq!(status, 200);
    let articles = en["articles"].as_array().unwrap();
    assert!(articles.len() >= 20);
    assert_eq!(articles[0]["lang"], "en");
    let (_, zh) = shop.s.get("/v1/faq?lang=zh-Hant").await;
    assert_eq!(zh["articles"][0]["lang"], "zh-Hant");
    let (_, fr) = shop.s.get("/v1/faq?lang=fr").await;
    assert_eq!(fr["articles"][0]["lang"], "en", "falls back");
    assert_eq!(shop.s.get("/v1/faq?lang=%3Cscript%3E").await.0, 400);
    let id = articles[1]["id"].as_str().unwrap();
    let r = shop
        .s
        .client
        .post(format!("{}/v1/events", shop.s.base))
        .json(&json!({"kind": "faq_answered", "article": id, "query": "refund", "lang": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    for bad in [
        json!({"kind": "nope"}),
        json!({"kind": "faq_answered", "article": "no-such"}),
        json!({"kind": "faq_answered", "query": "x".repeat(201)}),
    ] {
        assert_eq!(shop.s.post("/v1/events", bad.clone()).await.0, 400, "{bad}");
    }
}

#[tokio::test]
async fn a_withdrawal_is_recorded_with_its_instant_claims_its_items_and_is_acknowledged() {
    let shop = shop().await;
    let body = |lines: &[&str]| {
        json!({"order_number": "1001", "email": "mei@example.com", "name": "Mei Lin",
               "line_ids": lines, "confirm_to": "mei@example.com"})
    };
    let (status, r) = shop.s.post("/v1/withdrawals", body(&["1001-1"])).await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r["received_at"], NOW);
    assert_eq!(r["name"], "Mei Lin");
    assert!(r["reference"].as_str().unwrap().starts_with("AS-"));
    let sent = shop.s.notifications(1).await;
    assert_eq!(sent[0]["template"], "withdrawal_received");
    assert_eq!(sent[0]["data"]["received_at"], NOW);
    // The items are claimed: a second withdrawal or a return of them is refused.
    let (status, again) = shop.s.post("/v1/withdrawals", body(&["1001-1"])).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (422, Some("withdrawal_period_over"))
    );
    let (status, _) = shop.s.post("/v1/withdrawals", body(&[])).await;
    assert_eq!(status, 422);
    let wrong = json!({"order_number": "1001", "email": "sam@example.com", "name": "X", "line_ids": ["1001-2"], "confirm_to": "a@b.c"});
    assert_eq!(shop.s.post("/v1/withdrawals", wrong).await.0, 404);
}

#[tokio::test]
async fn without_withdrawal_in_the_policy_the_function_is_refused() {
    let s = start(t(NOW), t(NOW)).await;
    let (status, body) = s
        .post(
            "/v1/withdrawals",
            json!({"order_number": "1001", "email": "mei@example.com", "name": "Mei",
                   "line_ids": ["1001-1"], "confirm_to": "mei@example.com"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("withdrawal_not_offered"))
    );
}

#[tokio::test]
async fn the_merchant_puts_an_order_in_and_a_shopper_finds_it_by_its_email_only() {
    let shop = shop().await;
    let order = |quantity: u32| {
        json!({"email": " Jun@Example.COM ", "order": {
            "number": "3001", "placed_at": "2026-11-18T02:00:00Z", "currency": "EUR",
            "lines": [{"id": "a", "sku": "KET-1", "title": "Kettle", "category": "kitchen",
                       "unit_price": 4990, "quantity": quantity,
                       "delivered_at": "2026-11-20T02:00:00Z"}]}})
    };
    let put = |token: String, body: Value| {
        let s = &shop.s;
        async move {
            let r = s
                .client
                .put(format!("{}/v1/merchant/orders/3001", s.base))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    // A read token cannot; every problem is named with its field; nothing is stored.
    assert_eq!(put(shop.read.clone(), order(1)).await.0, 403);
    let mut bad = order(0);
    bad["order"]["number"] = json!("3002");
    bad["email"] = json!("jun");
    let (status, body) = put(shop.write.clone(), bad).await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["error"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["order.number", "email", "order.lines[0].quantity"]);
    assert_eq!(body["error"]["field"], "order.number");
    let lookup = json!({"order_number": "3001", "email": "jun@example.com"});
    assert_eq!(
        shop.s.post("/v1/orders/lookup", lookup.clone()).await.0,
        404
    );

    // Added, then replaced: the same answer for the shopper, the e-mail matched in any case
    // and never returned.
    let (status, body) = put(shop.write.clone(), order(1)).await;
    assert_eq!(
        (status, &body),
        (201, &json!({"number": "3001", "created": true}))
    );
    let (status, body) = put(shop.write.clone(), order(2)).await;
    assert_eq!((status, body["created"].clone()), (200, json!(false)));
    let (status, found) = shop.s.post("/v1/orders/lookup", lookup).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["order"]["lines"][0]["quantity"], 2);
    assert!(!found.to_string().to_lowercase().contains("jun@example.com"));
}

#[tokio::test]
async fn cases_export_as_csv_with_the_lists_filters_and_every_page() {
    let shop = shop().await;
    let mut made = Vec::new();
    for _ in 0..205 {
        made.push(shop.new_case().await);
    }
    let get = |path: &'static str, token: String| {
        let s = &shop.s;
        async move {
            let r = s
                .client
                .get(format!("{}{path}", s.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let kind = r.headers()["content-type"].to_str().unwrap().to_string();
            (r.status().as_u16(), kind, r.text().await.unwrap())
        }
    };
    // A read token may export; past one page of 200, every case is there, newest first.
    let (status, kind, csv) = get("/v1/merchant/cases.csv", shop.read.clone()).await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "tracking_number,kind,status,order_number,created_at,respond_by,resolve_by,follow_up,needs_review,assignee"
    );
    assert_eq!(lines.len(), 1 + 205);
    assert!(lines[1].starts_with(&format!("{},complaint,submitted,1001,", made[204])));
    let (_, _, none) = get("/v1/merchant/cases.csv?kind=return", shop.read.clone()).await;
    assert_eq!(none.lines().count(), 1, "only the header: no returns");
    let (status, _, _) = get("/v1/merchant/cases.csv?kind=nope", shop.read.clone()).await;
    assert_eq!(status, 400);
    let (status, _, _) = get("/v1/merchant/cases.csv", "ast_nope".into()).await;
    assert_eq!(status, 401);
}

/// A webhook receiver on loopback: answers 500 to the first `fail_first` requests, then 204,
/// and keeps every request's headers and body.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>,
}

async fn receiver(fail_first: usize) -> Receiver {
    let got: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let mut all = seen.lock().unwrap();
                all.push((headers, body));
                if all.len() <= fail_first {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { url, got }
}

impl Receiver {
    /// Waits (up to 10 s) until `n` requests came.
    async fn wait_for(&self, n: usize) -> Vec<(axum::http::HeaderMap, String)> {
        for _ in 0..200 {
            let got = self.got.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "{} webhook requests, expected {n}",
            self.got.lock().unwrap().len()
        );
    }
}

/// A receiver's check of a Standard Webhooks signature, written from the specification
/// (not with the server's own code): HMAC-SHA256 over `id.timestamp.body` with the base64 key
/// after `whsec_`, compared with every `v1,` signature in the header.
fn verify(secret: &str, headers: &axum::http::HeaderMap, body: &str) -> bool {
    use base64::Engine as _;
    use hmac::Mac;
    let h = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_string();
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", h("webhook-id"), h("webhook-timestamp"), body).as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    h("webhook-signature")
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

#[tokio::test]
async fn case_events_reach_a_webhook_signed_and_a_failed_delivery_is_retried_with_its_id() {
    let shop = shop().await;
    let hook = receiver(1).await;
    // Only a write token adds endpoints, and only http(s) URLs.
    let (status, _) = shop
        .s
        .merchant(
            &shop.read,
            "/v1/merchant/webhooks",
            Some(json!({"url": hook.url})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, v) = shop
        .s
        .merchant(
            &shop.write,
            "/v1/merchant/webhooks",
            Some(json!({"url": "file:///etc/passwd"})),
        )
        .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (422, Some("invalid_url"))
    );
    let (status, v) = shop
        .s
        .merchant(
            &shop.write,
            "/v1/merchant/webhooks",
            Some(json!({"url": hook.url})),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let secret = v["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));

    let tn = shop.new_case().await;
    // The first attempt is answered 500 and retried 5 s later (the server's clock moves).
    let first = hook.wait_for(1).await;
    shop.advance(1);
    let got = hook.wait_for(2).await;
    let (headers, body) = &got[1];
    assert!(verify(&secret, headers, body), "{headers:?}");
    assert!(!verify(
        &secret,
        headers,
        &body.replace("complaint", "return")
    ));
    assert_eq!(
        headers.get("webhook-id"),
        first[0].0.get("webhook-id"),
        "a retry keeps the message's id"
    );
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["type"], "case.created");
    assert_eq!(event["data"]["tracking_number"], tn.as_str());
    assert_eq!(event["data"]["kind"], "complaint");
    assert!(!body.contains("mei@"), "no e-mail in an event");

    assert_eq!(shop.moved(&tn, "acknowledged").await.0, 200);
    let got = hook.wait_for(3).await;
    let (headers, body) = &got[2];
    assert!(verify(&secret, headers, body));
    let event: Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["type"], "case.status_changed");
    assert_eq!(
        (event["data"]["from"].as_str(), event["data"]["to"].as_str()),
        (Some("submitted"), Some("acknowledged"))
    );

    // The log: two attempts for the first message, the last one 204.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (status, v) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/webhooks/deliveries", None)
        .await;
    assert_eq!(status, 200, "{v}");
    let list = v["deliveries"].as_array().unwrap();
    let created = list.iter().find(|d| d["event"] == "case.created").unwrap();
    assert_eq!(
        (
            created["state"].as_str(),
            created["attempts"].as_i64(),
            created["last_status"].as_i64()
        ),
        (Some("delivered"), Some(2), Some(204))
    );
    let (status, v) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/webhooks", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["webhooks"][0]["delivered"], 2);
    assert!(
        !v.to_string().contains("whsec_"),
        "a list never shows a secret"
    );
}

#[tokio::test]
async fn the_kpis_count_what_happened_to_the_cases_of_the_period() {
    let shop = shop().await;
    // A return answered after 1 h and resolved after 3 h, confirmed and rated low, then
    // followed up by the shop.
    let kettle = shop
        .submit(
            json!({"type": "return", "lines": [{"line_id": "1001-1", "quantity": 1}],
            "resolution": "refund", "reason": "changed_mind", "condition": "new_unopened"}),
        )
        .await;
    shop.advance(60);
    assert_eq!(shop.moved(&kettle, "approved").await.0, 200);
    shop.advance(120);
    assert_eq!(shop.moved(&kettle, "resolved").await.0, 200);
    let access = json!({"tracking_number": kettle, "email": "mei@example.com"});
    let (status, _) = shop
        .s
        .post(
            "/v1/cases/confirm",
            json!({"access": access, "resolved": true}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = shop
        .s
        .post(
            "/v1/cases/survey",
            json!({"access": access, "survey": {"attitude": 2, "speed": 5, "problem_solving": 4}}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = shop
        .s
        .merchant(
            &shop.write,
            &format!("/v1/merchant/cases/{kettle}/messages"),
            Some(json!({"body": "Sorry about that — what went wrong?"})),
        )
        .await;
    assert_eq!(status, 200);
    // A complaint nobody answers: its 24 h promise breaks once two days pass.
    shop.new_case().await;
    shop.advance(2 * 24 * 60);
    // One FAQ answer helped.
    let r = shop
        .s
        .client
        .post(format!("{}/v1/events", shop.s.base))
        .json(&json!({"kind": "faq_answered", "article": "refund-time", "query": "refund"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    shop.advance(1);

    let (status, r) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/kpis?from=2026-11-01", None)
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["cases"], 2);
    assert_eq!(r["by_kind"], json!({"complaint": 1, "return": 1}));
    assert_eq!(r["by_reason"]["changed_mind"], 1);
    assert_eq!(r["first_response"]["median"], 1.0);
    assert_eq!(r["resolution"]["median"], 3.0);
    assert_eq!(
        r["promises"]["return"]["respond"],
        json!({"n": 1, "of": 1, "rate": 1.0})
    );
    assert_eq!(
        r["promises"]["complaint"]["respond"],
        json!({"n": 0, "of": 1, "rate": 0.0})
    );
    assert_eq!(r["first_contact_resolution"]["rate"], 1.0);
    assert_eq!(r["survey"]["attitude"], 2.0);
    assert_eq!(
        r["survey"]["satisfied"],
        json!({"n": 0, "of": 1, "rate": 0.0})
    );
    assert_eq!(r["follow_ups"], json!({"n": 1, "of": 1, "rate": 1.0}));
    assert_eq!(r["self_service"]["answered"], 1);
    let kettles = &r["return_rate_by_sku"][0];
    assert_eq!(
        (kettles["key"].as_str(), kettles["returned"].as_u64()),
        (Some("KET-200"), Some(1))
    );

    // A period with nothing in it, and bad periods named.
    let (status, r) = shop
        .s
        .merchant(
            &shop.read,
            "/v1/merchant/kpis?from=2020-01-01&to=2020-02-01",
            None,
        )
        .await;
    assert_eq!((status, r["cases"].as_u64()), (200, Some(0)));
    for (q, field) in [
        ("from=2026-13-01", "from"),
        ("from=2026-11-02&to=2026-11-01", "from"),
        ("from=2024-01-01&to=2026-01-01", "from"),
        ("min_returns=0", "min_returns"),
    ] {
        let (status, v) = shop
            .s
            .merchant(&shop.read, &format!("/v1/merchant/kpis?{q}"), None)
            .await;
        assert_eq!(
            (status, v["error"]["field"].as_str()),
            (400, Some(field)),
            "{q}: {v}"
        );
    }
    assert_eq!(shop.s.get("/v1/merchant/kpis").await.0, 401);
}

#[tokio::test]
async fn new_cases_go_round_robin_to_their_types_staff_and_can_be_assigned_by_hand() {
    let shop = shop().await;
    let put = reqwest::Method::PUT;
    let rule = |staff: Value| Some(json!({ "staff": staff }));
    let path = "/v1/merchant/assignment-rules/complaint";
    let (status, _) = shop
        .s
        .merchant_with(put.clone(), &shop.read, path, rule(json!(["li"])))
        .await;
    assert_eq!(status, 403, "a read token sets no rule");
    for (p, staff, field) in [
        (path, json!(["li", "li"]), "staff[1]"),
        (path, json!([" "]), "staff[0]"),
        (path, json!(["*"]), "staff[0]"),
        (
            "/v1/merchant/assignment-rules/nonsense",
            json!(["li"]),
            "kind",
        ),
    ] {
        let (status, v) = shop
            .s
            .merchant_with(put.clone(), &shop.write, p, rule(staff))
            .await;
        assert_eq!(
            (status, v["error"]["field"].as_str()),
            (400, Some(field)),
            "{v}"
        );
    }
    let (status, v) = shop
        .s
        .merchant_with(put.clone(), &shop.write, path, rule(json!(["li", "wang"])))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["rules"][0],
        json!({"kind": "complaint", "staff": ["li", "wang"], "next": 0})
    );

    let mut cases = Vec::new();
    for _ in 0..3 {
        cases.push(shop.new_case().await);
    }
    let (_, list) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?kind=complaint", None)
        .await;
    let who: Vec<(&str, &str)> = list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|c| {
            (
                c["tracking_number"].as_str().unwrap(),
                c["assignee"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        who,
        vec![
            (cases[0].as_str(), "li"),
            (cases[1].as_str(), "wang"),
            (cases[2].as_str(), "li")
        ]
    );
    // A return has no rule: nobody.
    let kettle = shop
        .submit(
            json!({"type": "return", "lines": [{"line_id": "1001-1", "quantity": 1}],
            "resolution": "refund", "reason": "changed_mind", "condition": "new_unopened"}),
        )
        .await;
    // By hand: to someone, then to nobody.
    let assignee = |tn: &str| format!("/v1/merchant/cases/{tn}/assignee");
    let (status, v) = shop
        .s
        .merchant_with(
            put.clone(),
            &shop.write,
            &assignee(&kettle),
            Some(json!({"assignee": " zhao "})),
        )
        .await;
    assert_eq!((status, v["assignee"].as_str()), (200, Some("zhao")), "{v}");
    let (_, mine) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?assignee=zhao", None)
        .await;
    assert_eq!(mine["cases"].as_array().unwrap().len(), 1);
    let (status, v) = shop
        .s
        .merchant_with(
            put.clone(),
            &shop.write,
            &assignee(&cases[0]),
            Some(json!({"assignee": null})),
        )
        .await;
    assert_eq!((status, v["assignee"].clone()), (200, Value::Null));
    let (_, nobody) = shop
        .s
        .merchant(&shop.read, "/v1/merchant/cases?assignee=", None)
        .await;
    assert_eq!(nobody["cases"][0]["tracking_number"], cases[0].as_str());
    let (status, _) = shop
        .s
        .merchant_with(
            put.clone(),
            &shop.write,
            &assignee(&kettle),
            Some(json!({"assignee": "a\u{7}b"})),
        )
        .await;
    assert_eq!(status, 400);
    // The CSV says who, too.
    let csv = shop
        .s
        .client
        .get(format!("{}/v1/merchant/cases.csv?kind=return", shop.s.base))
        .bearer_auth(&shop.read)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",assignee"), "{csv}");
    assert!(csv.contains(",zhao"), "{csv}");
}

#[tokio::test]
async fn the_case_list_filters_by_when_cases_were_submitted() {
    let shop = shop().await;
    shop.new_case().await;
    let count = |q: &'static str| {
        let shop = &shop;
        async move {
            let (status, v) = shop
                .s
                .merchant(&shop.read, &format!("/v1/merchant/cases?{q}"), None)
                .await;
            assert_eq!(status, 200, "{q}: {v}");
            v["cases"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("created_from=2026-11-25").await, 1);
    assert_eq!(
        count("created_from=2026-11-25T04:00:00Z&created_to=2026-11-25T04:00:01Z").await,
        1
    );
    assert_eq!(count("created_from=2026-11-26").await, 0);
    assert_eq!(
        count("created_to=2026-11-25T04:00:00Z").await,
        0,
        "the end is exclusive"
    );
    let (status, v) = shop
        .s
        .merchant(
            &shop.read,
            "/v1/merchant/cases?created_from=yesterday",
            None,
        )
        .await;
    assert_eq!(
        (status, v["error"]["field"].as_str()),
        (400, Some("created_from"))
    );
}

/// Found by the HTTP fuzzer: a write token could add endpoints without end (7,824 in a few
/// minutes), and every case event is written once per endpoint.
#[tokio::test]
async fn a_shop_has_at_most_twenty_webhook_endpoints() {
    let shop = shop().await;
    let add = |n: usize| {
        let shop = &shop;
        async move {
            shop.s
                .merchant(
                    &shop.write,
                    "/v1/merchant/webhooks",
                    Some(json!({"url": format!("https://hooks.example/{n}")})),
                )
                .await
        }
    };
    let mut ids = Vec::new();
    for n in 0..20 {
        let (status, v) = add(n).await;
        assert_eq!(status, 201, "{n}: {v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    let (status, v) = add(20).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (422, Some("too_many_webhooks"))
    );
    let (status, _) = shop
        .s
        .merchant_with(
            reqwest::Method::DELETE,
            &shop.write,
            &format!("/v1/merchant/webhooks/{}", ids[0]),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(add(21).await.0, 201, "a place freed is taken again");
}
