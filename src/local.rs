//! The `local` adapter: the whole widget with no server. Orders come from a file the merchant
//! points at (`data-orders-url`), the policy from another (`data-policy-file`, else the
//! default policy), the shop's answers from a third (`data-faq-file`, optional) — each a URL
//! or `#id` of a `<script type="application/json">` in the page; every request is checked by the same core engine the reference server
//! runs, given a tracking number from core and kept in this browser's IndexedDB, where the
//! "Track a request" view finds it. Made for trying the widget on a static page and as the
//! worked example of an adapter (`docs/adapters.md`); a real shop's cases belong on a server.
//!
//! Capabilities: following a case (it stays "submitted": no one at a shop moves it), and the
//! answers when there is an FAQ file (searched in the browser; what helped is not recorded:
//! there is no shop to tell). No photos or withdrawals.

use crate::backend::{Backend, BackendError, Capabilities, LocalFuture};
use crate::idb;
use crate::state::device_now;
use aftersales_core::api::{
    CaseReceipt, CreateCaseRequest, ErrorDetail, LookupRequest, LookupResponse, OpenCase, OpenLine,
    ViolationDetail,
};
use aftersales_core::case::{validate_case, Violation};
use aftersales_core::commitment::DueTimes;
use aftersales_core::faq::{Faq, FaqResponse};
use aftersales_core::follow::{
    next_promise, shopper_moves, CaseAccess, CaseView, CaseViewLine, TimelineEntry,
};
use aftersales_core::lifecycle::{Actor, Status};
use aftersales_core::order::Order;
use aftersales_core::policy::Policy;
use aftersales_core::tracking::TrackingNumber;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// Where this browser keeps the cases.
const CASES: idb::Db = idb::Db {
    name: "aftersales-local", // i18n-ok: a database name
    store: "cases",           // i18n-ok: an object store name
};

/// One entry of the orders file: `{"email": "…", "order": {…the order snapshot…}}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderEntry {
    /// The e-mail the order was placed with.
    pub email: String,
    /// The order, as `docs/api.md` describes the lookup's `order`.
    pub order: Order,
}

/// A case as this browser keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kept {
    receipt: CaseReceipt,
    order_number: String,
    /// The order's e-mail, normalised.
    email: String,
    /// The request's idempotency key: the same request again gets this case.
    key: String,
    lines: Vec<OpenLine>,
    /// Whether its units are taken off their lines.
    claims: bool,
    shown: Vec<CaseViewLine>,
    timeline: Vec<TimelineEntry>,
}

/// Where the adapter's files are (`data-orders-url`, `data-policy-file`, `data-faq-file`):
/// each a URL, or `#id` of a `<script type="application/json">` in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// The orders file (required).
    pub orders: String,
    /// The policy file, else the default policy.
    pub policy: Option<String>,
    /// The shop's answers, if any.
    pub faq: Option<String>,
}

/// The files, read once.
struct Loaded {
    orders: Vec<OrderEntry>,
    policy: Policy,
}

/// The adapter.
pub struct LocalBackend(Arc<Inner>);

struct Inner {
    files: Files,
    loaded: Mutex<Option<Arc<Loaded>>>,
    faq: Mutex<Option<Arc<Faq>>>,
}

impl LocalBackend {
    /// An adapter reading its files from where `files` says.
    pub fn new(files: Files) -> LocalBackend {
        LocalBackend(Arc::new(Inner {
            files,
            loaded: Mutex::new(None),
            faq: Mutex::new(None),
        }))
    }
}

/// A problem with the merchant's files: said in full in the console, "a problem" to the
/// shopper.
pub(crate) fn broken(what: String) -> BackendError {
    web_sys::console::error_1(&what.as_str().into());
    BackendError::Broken(what)
}

fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The text of the file at `url`, or of the page's element `#id`.
pub(crate) async fn fetch(url: &str) -> Result<String, BackendError> {
    let failed = |e: String| broken(format!("{url} could not be read: {e}")); // i18n-ok: a diagnostic
    if let Some(id) = url.strip_prefix('#') {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id));
        return element
            .and_then(|e| e.text_content())
            .ok_or_else(|| failed("no such element in the page".into())); // i18n-ok: a diagnostic
    }
    let r = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    if !r.ok() {
        return Err(failed(format!("HTTP {}", r.status()))); // i18n-ok: a diagnostic
    }
    r.text().await.map_err(|e| failed(e.to_string()))
}

/// Reads and checks the orders file: every order valid, no number twice.
pub fn parse_orders(url: &str, json: &str) -> Result<Vec<OrderEntry>, String> {
    let entries: Vec<OrderEntry> = serde_json::from_str(json)
        .map_err(|e| format!("{url}: not a list of {{\"email\", \"order\"}}: {e}"))?; // i18n-ok: a diagnostic
    for (i, e) in entries.iter().enumerate() {
        if let Err(problems) = e.order.validate() {
            let (number, problem) = (&e.order.number, &problems[0]);
            let why = format!("{url}: order {number} (entry {i}): {problem}"); // i18n-ok: log
            return Err(why);
        }
        if entries[..i]
            .iter()
            .any(|o| o.order.number == e.order.number)
        {
            let number = &e.order.number;
            return Err(format!("{url}: order {number} is listed twice")); // i18n-ok: log
        }
    }
    Ok(entries)
}

impl Inner {
    async fn files(&self) -> Result<Arc<Loaded>, BackendError> {
        if let Some(f) = self.loaded.lock().ok().and_then(|f| f.clone()) {
            return Ok(f);
        }
        let url = &self.files.orders;
        let orders = parse_orders(url, &fetch(url).await?).map_err(broken)?;
        let policy = match &self.files.policy {
            Some(url) => {
                Policy::from_json(&fetch(url).await?).map_err(|e| broken(format!("{url}: {e}")))?
            } // i18n-ok: a diagnostic
            None => Policy::default(),
        };
        let files = Arc::new(Loaded { orders, policy });
        if let Ok(mut slot) = self.loaded.lock() {
            *slot = Some(files.clone());
        }
        Ok(files)
    }

    async fn faq(&self) -> Result<Arc<Faq>, BackendError> {
        if let Some(f) = self.faq.lock().ok().and_then(|f| f.clone()) {
            return Ok(f);
        }
        let Some(url) = &self.files.faq else {
            return Err(BackendError::Unsupported);
        };
        let faq = Faq::from_json(&fetch(url).await?).map_err(|e| broken(format!("{url}: {e}")))?; // i18n-ok: a diagnostic
        let faq = Arc::new(faq);
        if let Ok(mut slot) = self.faq.lock() {
            *slot = Some(faq.clone());
        }
        Ok(faq)
    }
}

/// Every case kept in this browser.
async fn kept() -> Vec<Kept> {
    CASES
        .all()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|j| serde_json::from_str(j).ok())
        .collect()
}

/// The order with the units its kept cases claim, and those cases as the lookup lists them.
fn with_claims(order: &Order, cases: &[Kept]) -> (Order, Vec<OpenCase>) {
    let mut order = order.clone();
    let mine: Vec<&Kept> = cases
        .iter()
        .filter(|c| c.order_number == order.number)
        .collect();
    for line in &mut order.lines {
        line.quantity_claimed = mine
            .iter()
            .filter(|c| c.claims)
            .flat_map(|c| c.lines.iter())
            .filter(|l| l.line_id == line.id)
            .map(|l| l.quantity)
            .sum::<u32>()
            .min(line.quantity);
    }
    let open = mine
        .iter()
        .map(|c| OpenCase {
            tracking_number: c.receipt.tracking_number.clone(),
            kind: c.receipt.kind,
            status: c.receipt.status,
            lines: c.lines.clone(),
        })
        .collect();
    (order, open)
}

/// Ten random symbols for a tracking number (core adds the check symbol). The number is
/// only ever shown on this device, so the page's generator is enough.
fn tracking_number() -> TrackingNumber {
    let mut bytes = [0u8; 10];
    for b in &mut bytes {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
    TrackingNumber::from_random(bytes)
}

fn violations(list: Vec<Violation>) -> BackendError {
    let details: Vec<ViolationDetail> = list.iter().map(ViolationDetail::from).collect();
    let code = details
        .first()
        .map_or_else(|| "invalid_case".into(), |d| d.code.clone()); // i18n-ok: a code
    BackendError::Refused(ErrorDetail {
        code,
        message: String::new(),
        field: None,
        violations: details,
    })
}

/// What the `local` adapter does beyond the required operations: following, and the answers
/// when it has an FAQ file.
pub const fn capabilities(faq: bool) -> Capabilities {
    Capabilities {
        follow: true,
        faq,
        ..Capabilities::NONE
    }
}

impl Backend for LocalBackend {
    fn capabilities(&self) -> Capabilities {
        capabilities(self.0.files.faq.is_some())
    }

    fn faq(&self, lang: &str) -> LocalFuture<Result<FaqResponse, BackendError>> {
        let (inner, lang) = (self.0.clone(), lang.to_string());
        Box::pin(async move {
            let faq = inner.faq().await?;
            let fallback = inner.files().await?.policy.default_locale.clone();
            Ok(FaqResponse {
                articles: faq.articles(&lang, fallback.as_deref()),
            })
        })
    }

    fn self_service(
        &self,
        event: crate::backend::SelfService,
    ) -> LocalFuture<Result<(), BackendError>> {
        // No shop to tell what helped: the event stays unrecorded.
        let _ = event;
        Box::pin(async { Ok(()) })
    }

    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>> {
        let inner = self.0.clone();
        Box::pin(async move { Ok(inner.files().await?.policy.clone()) })
    }

    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>> {
        let inner = self.0.clone();
        Box::pin(async move {
            let files = inner.files().await?;
            let email = normalise(&req.email);
            let number = req.order_number.trim();
            // No signed links here: a token opens nothing.
            let entry = files.orders.iter().find(|e| {
                req.token.is_empty() && e.order.number == number && normalise(&e.email) == email
            });
            let Some(entry) = entry else {
                return Err(BackendError::refused("order_not_found"));
            };
            let (order, open_cases) = with_claims(&entry.order, &kept().await);
            Ok(LookupResponse {
                order,
                policy: files.policy.clone(),
                server_time: device_now(),
                open_cases,
            })
        })
    }

    fn submit_case(
        &self,
        req: CreateCaseRequest,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        let inner = self.0.clone();
        Box::pin(async move {
            let files = inner.files().await?;
            let email = normalise(&req.email);
            let Some(entry) = files.orders.iter().find(|e| {
                e.order.number == req.order_number.trim() && normalise(&e.email) == email
            }) else {
                return Err(BackendError::refused("order_not_found"));
            };
            let cases = kept().await;
            // The same request again (a retry): the first case, as the server does.
            if let Some(first) = cases.iter().find(|c| c.key == idempotency_key) {
                return Ok(first.receipt.clone());
            }
            let (order, _) = with_claims(&entry.order, &cases);
            let now = device_now();
            let accepted =
                validate_case(&files.policy, &order, &req.case, now).map_err(violations)?;
            let receipt =
                CaseReceipt::accepted(&files.policy, &accepted, tracking_number().to_string(), now);
            let kind = receipt.kind;
            let mut timeline = vec![TimelineEntry {
                status: Status::Submitted,
                by: Actor::Shopper,
                at: now,
                note: String::new(),
            }];
            if receipt.status == Status::UnderReview {
                timeline.push(TimelineEntry {
                    status: Status::UnderReview,
                    by: Actor::System,
                    at: now,
                    note: String::new(),
                });
            }
            let lines: Vec<OpenLine> = accepted
                .draft
                .lines
                .iter()
                .map(|l| OpenLine {
                    line_id: l.line_id.clone(),
                    quantity: l.quantity,
                })
                .collect();
            let shown = lines
                .iter()
                .filter_map(|l| {
                    order.line(&l.line_id).map(|o| CaseViewLine {
                        title: o.title.clone(),
                        variant: o.variant.clone(),
                        quantity: l.quantity,
                    })
                })
                .collect();
            let case = Kept {
                receipt: receipt.clone(),
                order_number: order.number.clone(),
                email,
                key: idempotency_key,
                lines,
                claims: kind.claims_units(),
                shown,
                timeline,
            };
            let json = serde_json::to_string(&case).map_err(|e| broken(e.to_string()))?;
            CASES
                .put(&receipt.tracking_number, &json)
                .await
                .map_err(|_| broken("this browser did not keep the case (IndexedDB)".into()))?; // i18n-ok: a diagnostic
            Ok(receipt)
        })
    }

    fn find_case(&self, access: CaseAccess) -> LocalFuture<Result<CaseView, BackendError>> {
        Box::pin(async move {
            let number = TrackingNumber::parse(&access.tracking_number)
                .map_err(|_| BackendError::refused("invalid_tracking_number"))?;
            let found = CASES
                .get(number.as_str())
                .await
                .ok()
                .flatten()
                .and_then(|j| serde_json::from_str::<Kept>(&j).ok())
                .filter(|c| access.token.is_empty() && c.email == normalise(&access.email));
            let Some(case) = found else {
                return Err(BackendError::refused("case_not_found"));
            };
            let now = device_now();
            let r = &case.receipt;
            let due = DueTimes {
                respond_by: r.respond_by,
                resolve_by: r.resolve_by,
            };
            Ok(CaseView {
                tracking_number: r.tracking_number.clone(),
                kind: r.kind,
                order_number: case.order_number.clone(),
                status: r.status,
                lines: case.shown.clone(),
                timeline: case.timeline.clone(),
                messages: Vec::new(),
                promise: next_promise(r.status, false, r.created_at, due, now),
                moves: shopper_moves(r.status, false),
                survey: None,
                follow_up: false,
                link_token: String::new(),
                server_time: now,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_orders_file_is_checked_with_every_problem_named() {
        let order = |number: &str| {
            serde_json::json!({"email": "mei@example.com", "order": {
                "number": number, "placed_at": "2026-11-20T02:00:00Z", "currency": "CNY",
                "lines": [{"id": "l1", "sku": "K-1", "title": "Kettle", "category": "kitchen",
                           "unit_price": 19900, "quantity": 1}]}})
        };
        let ok = serde_json::json!([order("1001"), order("1002")]).to_string();
        let entries = parse_orders("/orders.json", &ok).unwrap();
        assert_eq!(entries.len(), 2);
        let twice = serde_json::json!([order("1001"), order("1001")]).to_string();
        assert_eq!(
            parse_orders("/orders.json", &twice).unwrap_err(),
            "/orders.json: order 1001 is listed twice"
        );
        let not_a_list = parse_orders("/orders.json", "{}").unwrap_err();
        assert!(
            not_a_list.starts_with("/orders.json: not a list of {\"email\", \"order\"}"),
            "{not_a_list}"
        );
        let mut bad = order("1003");
        bad["order"]["lines"][0]["quantity"] = serde_json::json!(0);
        let bad = parse_orders("/o.json", &serde_json::json!([bad]).to_string()).unwrap_err();
        assert!(bad.starts_with("/o.json: order 1003 (entry 0): "), "{bad}");
    }

    #[test]
    fn kept_cases_claim_their_units_and_are_listed_on_their_order() {
        let entries = parse_orders(
            "/o.json",
            &serde_json::json!([{"email": "a@b.c", "order": {
                "number": "7", "placed_at": "2026-11-20T02:00:00Z", "currency": "CNY",
                "lines": [{"id": "l1", "sku": "K", "title": "Kettle", "category": "kitchen",
                           "unit_price": 100, "quantity": 2}]}}])
            .to_string(),
        )
        .unwrap();
        let receipt: CaseReceipt = serde_json::from_value(serde_json::json!({
            "tracking_number": "AS-22222-222222", "kind": "return", "status": "submitted",
            "created_at": "2026-11-21T00:00:00Z", "respond_by": "2026-11-22T00:00:00Z",
            "link_token": ""}))
        .unwrap();
        let case = |order: &str, claims: bool| Kept {
            receipt: receipt.clone(),
            order_number: order.into(),
            email: "a@b.c".into(),
            key: "k".into(),
            lines: vec![OpenLine {
                line_id: "l1".into(),
                quantity: 1,
            }],
            claims,
            shown: Vec::new(),
            timeline: Vec::new(),
        };
        let cases = [case("7", true), case("7", false), case("8", true)];
        let (order, open) = with_claims(&entries[0].order, &cases);
        assert_eq!(
            order.lines[0].quantity_claimed, 1,
            "only this order's claiming case"
        );
        assert_eq!(open.len(), 2);
    }
}
