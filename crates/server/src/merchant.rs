//! The merchant API (`/v1/merchant/…`) behind `Authorization: Bearer` tokens made with
//! `aftersales token create`: put the shop's orders in, list and read cases, move them through
//! core's lifecycle, write to the shopper, manage webhooks. A read token lists and reads; a
//! write token also acts.

use crate::api::{ApiError, AppState};
use crate::cases::{self, ActionError};
use crate::db::{CaseFilter, MerchantCase, TokenScope};
use aftersales_core::follow::CaseView;
use aftersales_core::lifecycle::Status;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// The merchant routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/merchant/cases", get(list))
        .route("/v1/merchant/cases.csv", get(export))
        .route("/v1/merchant/cases/{tracking_number}", get(read))
        .route(
            "/v1/merchant/cases/{tracking_number}/moves",
            post(move_case),
        )
        .route(
            "/v1/merchant/cases/{tracking_number}/messages",
            post(message),
        )
        .route("/v1/merchant/kpis", get(kpis))
        .route(
            "/v1/merchant/cases/{tracking_number}/assignee",
            axum::routing::put(assign),
        )
        .route("/v1/merchant/assignment-rules", get(rules))
        .route(
            "/v1/merchant/assignment-rules/{kind}",
            axum::routing::put(set_rule),
        )
        .route(
            "/v1/merchant/webhooks",
            get(list_webhooks).post(add_webhook),
        )
        .route(
            "/v1/merchant/webhooks/{id}",
            axum::routing::delete(remove_webhook),
        )
        .route("/v1/merchant/webhooks/deliveries", get(deliveries))
        .route(
            "/v1/merchant/orders/{number}",
            // An order of 500 lines is larger than the other merchant bodies.
            axum::routing::put(put_order)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::LARGE_BODY)),
        )
}

/// Checks the bearer token and that its scope allows `needed`.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    needed: TokenScope,
) -> Result<(), ApiError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    let unauthorized = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a merchant token: Authorization: Bearer ast_… (aftersales token create).",
        )
    };
    if token.is_empty() || token.len() > 100 {
        return Err(unauthorized());
    }
    let scope = state
        .store
        .token_scope(token)
        .await?
        .ok_or_else(unauthorized)?;
    if needed == TokenScope::Write && scope != TokenScope::Write {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "read_only_token",
            "This token may only read; make one with --scope write to act on cases.",
        ));
    }
    Ok(())
}

impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "case_not_found",
                "No request with that tracking number.",
            ),
            ActionError::Illegal(reason) => ApiError::new(
                StatusCode::CONFLICT,
                "illegal_move",
                &format!("Not allowed: {reason}."),
            ),
            ActionError::Invalid(field, expected) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_field",
                &format!("{field}: expected {expected}."),
            )
            .field(field),
            ActionError::Db(e) => ApiError::from(e),
        }
    }
}

/// `GET /v1/merchant/cases` query.
/// `PUT /v1/merchant/orders/{number}`'s answer.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct OrderSaved {
    /// The order's number.
    number: String,
    /// Whether it is new (201) or replaced one (200).
    created: bool,
}

/// `PUT /v1/merchant/orders/{number}`: inserts or replaces one order (its cases are kept),
/// checked as `aftersales orders import` checks a file: every problem with its field.
async fn put_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: Result<Json<crate::orders::OrderRecord>, JsonRejection>,
) -> Result<(StatusCode, Json<OrderSaved>), ApiError> {
    authorize(&state, &headers, TokenScope::Write).await?;
    let Json(record) = body?;
    let invalid = |field: String, message: String| aftersales_core::api::ViolationDetail {
        code: "invalid_order".into(),
        field,
        message,
    };
    let mut problems = Vec::new();
    if record.order.number != number {
        problems.push(invalid(
            "order.number".into(),
            "the order's number as in the address".into(),
        ));
    }
    problems.extend(
        crate::orders::problems(&record)
            .into_iter()
            .map(|(field, expected)| invalid(field, expected)),
    );
    if let Some(first) = problems.first().cloned() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            &first.code,
            &first.message,
        )
        .field(&first.field)
        .violations(problems));
    }
    let (created, _) = state
        .store
        .import_orders(std::slice::from_ref(&record))
        .await?;
    let status = if created == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(OrderSaved {
            number,
            created: created == 1,
        }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    follow_up: bool,
    #[serde(default)]
    overdue: bool,
    assignee: Option<String>,
    created_from: Option<String>,
    created_to: Option<String>,
    cursor: Option<i64>,
    limit: Option<u32>,
}

/// A page of cases.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CasePage {
    cases: Vec<MerchantCase>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<i64>,
}

/// The list's query as a filter, each bad value named.
fn filter_of(state: &AppState, q: ListQuery) -> Result<CaseFilter, ApiError> {
    let invalid = |field: &str, msg: &str| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_field", msg).field(field)
    };
    let status = q
        .status
        .as_deref()
        .map(|s| {
            Status::from_code(s)
                .ok_or_else(|| invalid("status", "status: a status code such as under_review."))
        })
        .transpose()?;
    let kind = q
        .kind
        .as_deref()
        .map(|k| {
            serde_json::from_value(serde_json::Value::String(k.to_string()))
                .map_err(|_| invalid("kind", "kind: a case type such as return."))
        })
        .transpose()?;
    let day = |field: &str, v: Option<&str>| {
        v.map(|t| {
            parse_day_or_time(t).ok_or_else(|| {
                invalid(
                    field,
                    &format!("{field}: a date such as 2026-11-01 or an RFC 3339 time."),
                )
            })
        })
        .transpose()
    };
    let created_from = day("created_from", q.created_from.as_deref())?;
    let created_to = day("created_to", q.created_to.as_deref())?;
    Ok(CaseFilter {
        created_from,
        created_to,
        status,
        kind,
        follow_up: q.follow_up,
        overdue_at: q.overdue.then(|| (state.clock)()),
        assignee: q.assignee,
        before: q.cursor,
        limit: q.limit.unwrap_or(50),
    })
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CasePage>, ApiError> {
    authorize(&state, &headers, TokenScope::Read).await?;
    let Query(q) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", &e.body_text()))?;
    let filter = filter_of(&state, q)?;
    let (cases, next_cursor) = state.store.list_cases(&filter).await?;
    Ok(Json(CasePage { cases, next_cursor }))
}

/// `GET /v1/merchant/cases.csv`: the list's filters, every page, as CSV (at most
/// [`crate::export::MAX_API_ROWS`] rows).
async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    authorize(&state, &headers, TokenScope::Read).await?;
    let Query(q) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", &e.body_text()))?;
    let filter = filter_of(&state, q)?;
    let csv = crate::export::cases_csv(&state.store, &filter, crate::export::MAX_API_ROWS).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"cases.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

/// A case as the merchant reads it: the shopper's view plus how to reach them.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MerchantView {
    #[serde(flatten)]
    case: CaseView,
    contact_email: Option<String>,
    /// The staff member handling it.
    assignee: Option<String>,
}

async fn read(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(tn): Path<String>,
) -> Result<Json<MerchantView>, ApiError> {
    authorize(&state, &headers, TokenScope::Read).await?;
    let case = cases::find(&state.store, &tn).await?;
    let view = state.store.case_view(&case, (state.clock)()).await?;
    Ok(Json(MerchantView {
        case: view,
        contact_email: case.contact_email,
        assignee: case.assignee,
    }))
}

/// `POST …/moves` body.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The status to move to.
    to: String,
    /// A note the shopper sees on the timeline.
    #[serde(default)]
    note: String,
}

async fn move_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(tn): Path<String>,
    body: Result<Json<MoveRequest>, JsonRejection>,
) -> Result<Json<CaseView>, ApiError> {
    authorize(&state, &headers, TokenScope::Write).await?;
    let Json(req) = body?;
    let (view, n) = cases::merchant_move(
        &state.store,
        &tn,
        &req.to,
        &req.note,
        &state.links,
        (state.clock)(),
    )
    .await?;
    state.notify(n);
    Ok(Json(view))
}

/// `POST …/messages` body.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// The text for the shopper.
    body: String,
}

async fn message(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(tn): Path<String>,
    body: Result<Json<MessageRequest>, JsonRejection>,
) -> Result<Json<CaseView>, ApiError> {
    authorize(&state, &headers, TokenScope::Write).await?;
    let Json(req) = body?;
    let (view, n) =
        cases::merchant_message(&state.store, &tn, &req.body, &state.links, (state.clock)())
            .await?;
    state.notify(n);
    Ok(Json(view))
}

/// `POST /v1/merchant/webhooks` body.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where to post every case event (`https://…`).
    url: String,
}

/// A new endpoint, with the secret that signs its deliveries (shown this once).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WebhookCreated {
    /// Its id.
    id: i64,
    /// Where events are posted.
    url: String,
    /// `whsec_…`: verify `webhook-signature` with it (Standard Webhooks).
    secret: String,
}

/// Every endpoint.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WebhookList {
    webhooks: Vec<crate::db::Webhook>,
}

/// The newest deliveries.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DeliveryList {
    deliveries: Vec<crate::db::Delivery>,
}

/// `GET /v1/merchant/webhooks/deliveries` query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    webhook: Option<i64>,
    limit: Option<u32>,
}

async fn list_webhooks(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<WebhookList>, ApiError> {
    authorize(&state, &headers, TokenScope::Read).await?;
    Ok(Json(WebhookList {
        webhooks: state.store.webhooks().await?,
    }))
}

async fn add_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<WebhookRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    authorize(&state, &headers, TokenScope::Write).await?;
    let Json(req) = body?;
    let url = req.url.trim();
    crate::webhooks::check_url(url).map_err(|expected| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_url",
            &format!("url: expected {expected}."),
        )
        .field("url")
    })?;
    let (id, secret) = state
        .store
        .add_webhook(url, (state.clock)())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_many_webhooks",
                "This shop has as many webhook endpoints as it may (20); remove one first.",
            )
            .field("url")
        })?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreated {
            id,
            url: url.to_string(),
            secret,
        }),
    ))
}

async fn remove_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    authorize(&state, &headers, TokenScope::Write).await?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "webhook_not_found",
            "There is no webhook with that id.",
        )
    };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    if state.store.remove_webhook(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

async fn deliveries(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<DeliveryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeliveryList>, ApiError> {
    authorize(&state, &headers, TokenScope::Read).await?;
    let Query(q) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", &e.body_text()))?;
    Ok(Json(DeliveryList {
        deliveries: state
            .store
            .deliveries(q.webhook, q.limit.unwrap_or(50))
            .await?,
    }))
}

/// `GET /v1/merchant/kpis` query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiQuery {
    from: Option<String>,
    to: Option<String>,
    min_returns: Option<u32>,
    max_rate: Option<f64>,
    short_use_days: Option<i64>,
}

/// `400 invalid_field` on `field`: "field: expected …".
fn invalid_field(field: &str, expected: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_field",
        &format!("{field}: expected {expected}."),
    )
    .field(field)
}

/// The longest period one report covers.
pub const MAX_KPI_DAYS: i64 = 366;

/// A date (`2026-11-01`, midnight UTC) or an RFC 3339 time.
pub fn parse_day_or_time(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// A report's period (from, to) and abuse rules.
pub type KpiRequest = (
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::Utc>,
    aftersales_core::kpi::AbuseRules,
);

/// The period and rules of a report, each bad value named: `to` defaults to now, `from` to 30
/// days before `to`; at most [`MAX_KPI_DAYS`].
///
/// # Errors
/// The field and what was expected.
pub fn kpi_request(
    from: Option<&str>,
    to: Option<&str>,
    min_returns: Option<u32>,
    max_rate: Option<f64>,
    short_use_days: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<KpiRequest, (&'static str, &'static str)> {
    let day = "a date such as 2026-11-01 or an RFC 3339 time";
    let to = match to {
        Some(t) => parse_day_or_time(t).ok_or(("to", day))?,
        None => now,
    };
    let from = match from {
        Some(f) => parse_day_or_time(f).ok_or(("from", day))?,
        None => to - chrono::Duration::days(30),
    };
    if from >= to || to - from > chrono::Duration::days(MAX_KPI_DAYS) {
        return Err(("from", "a time before to, at most 366 days before it"));
    }
    let defaults = aftersales_core::kpi::AbuseRules::default();
    let rules = aftersales_core::kpi::AbuseRules {
        min_returns: match min_returns {
            Some(n) if (1..=1000).contains(&n) => n,
            Some(_) => return Err(("min_returns", "1 to 1000 returns")),
            None => defaults.min_returns,
        },
        max_rate: match max_rate {
            Some(r) if r > 0.0 && r <= 100.0 => r,
            Some(_) => return Err(("max_rate", "returns per order above 0, at most 100")),
            None => defaults.max_rate,
        },
        short_use_days: match short_use_days {
            Some(d) if (1..=365).contains(&d) => d,
            Some(_) => return Err(("short_use_days", "1 to 365 days")),
            None => defaults.short_use_days,
        },
    };
    Ok((from, to, rules))
}

async fn kpis(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<KpiQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<aftersales_core::kpi::Report>, ApiError> {
    authorize(&state, &headers, TokenScope::Read).await?;
    let Query(q) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", &e.body_text()))?;
    let now = (state.clock)();
    let (from, to, rules) = kpi_request(
        q.from.as_deref(),
        q.to.as_deref(),
        q.min_returns,
        q.max_rate,
        q.short_use_days,
        now,
    )
    .map_err(|(field, expected)| invalid_field(field, expected))?;
    let facts = state.store.kpi_facts(from, to).await?;
    Ok(Json(aftersales_core::kpi::report(
        &facts, from, to, now, rules,
    )))
}

/// A report as text for the command line: one figure a line.
pub fn kpi_text(r: &aftersales_core::kpi::Report) -> String {
    use aftersales_core::kpi::{Hours, Share};
    use std::fmt::Write;
    let pct = |s: &Share| match s.rate {
        Some(r) => format!("{:.1} % ({} of {})", r * 100.0, s.n, s.of),
        None => "—".to_string(),
    };
    let hours = |h: &Hours| match (h.median, h.p90) {
        (Some(m), Some(p)) => format!("median {m:.1} h, p90 {p:.1} h ({} cases)", h.count),
        _ => "—".to_string(),
    };
    let num = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.2}"));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "period              {} to {}",
        r.from.format("%Y-%m-%d %H:%M"),
        r.to.format("%Y-%m-%d %H:%M")
    );
    let _ = writeln!(out, "cases               {}", r.cases);
    for (k, n) in &r.by_kind {
        let _ = writeln!(out, "  {k:<18}{n}");
    }
    let _ = writeln!(out, "first response      {}", hours(&r.first_response));
    let _ = writeln!(out, "resolution          {}", hours(&r.resolution));
    for (k, p) in &r.promises {
        let _ = writeln!(
            out,
            "promises, {k:<10}answer {}; resolve {}",
            pct(&p.respond),
            pct(&p.resolve)
        );
    }
    let _ = writeln!(
        out,
        "first contact       {}",
        pct(&r.first_contact_resolution)
    );
    let _ = writeln!(out, "reopened            {}", pct(&r.reopened));
    let _ = writeln!(
        out,
        "survey              {} answered; attitude {}, speed {}, problem solving {}; satisfied {}",
        r.survey.count,
        num(r.survey.attitude),
        num(r.survey.speed),
        num(r.survey.problem_solving),
        pct(&r.survey.satisfied)
    );
    let _ = writeln!(out, "follow-ups done     {}", pct(&r.follow_ups));
    let _ = writeln!(
        out,
        "self-service        {} answered by the FAQ, {} still needed help, {} cases; rate {}",
        r.self_service.answered,
        r.self_service.escalated,
        r.self_service.cases_opened,
        r.self_service
            .rate
            .map_or("—".to_string(), |v| format!("{:.1} %", v * 100.0))
    );
    for (k, n) in &r.by_reason {
        let _ = writeln!(out, "reason {k:<13}{n}");
    }
    for rr in r
        .return_rate_by_category
        .iter()
        .chain(r.return_rate_by_sku.iter().take(10))
    {
        let _ = writeln!(
            out,
            "returned {:<11}{} of {} sold{}",
            rr.key,
            rr.returned,
            rr.sold,
            rr.rate
                .map_or(String::new(), |v| format!(" ({:.1} %)", v * 100.0))
        );
    }
    let _ = writeln!(out, "short-use returns   {}", r.abuse.short_use_returns);
    for s in &r.abuse.shoppers {
        let _ = writeln!(
            out,
            "frequent returner   {} ({} returns, {} orders)",
            s.shopper, s.returns, s.orders
        );
    }
    out
}

/// A staff member's name: 1 to 64 characters, no control characters, no `*`.
///
/// # Errors
/// What was expected.
pub fn check_staff(name: &str) -> Result<&str, &'static str> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && !name
            .chars()
            .any(|c| c.is_control() || c == '*' || aftersales_core::text::is_hostile(c));
    if ok {
        Ok(name)
    } else {
        Err("a staff member's name of 1 to 64 characters, without control characters or *")
    }
}

/// `PUT …/assignee` body.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Who handles the case; `null` for nobody.
    assignee: Option<String>,
}

async fn assign(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(tn): Path<String>,
    body: Result<Json<AssignRequest>, JsonRejection>,
) -> Result<Json<MerchantView>, ApiError> {
    authorize(&state, &headers, TokenScope::Write).await?;
    let Json(req) = body?;
    let assignee = req
        .assignee
        .as_deref()
        .map(check_staff)
        .transpose()
        .map_err(|expected| invalid_field("assignee", expected))?;
    let case = cases::find(&state.store, &tn).await?;
    let now = (state.clock)();
    state.store.assign(&case, assignee, now).await?;
    let case = cases::find(&state.store, &tn).await?;
    let view = state.store.case_view(&case, now).await?;
    Ok(Json(MerchantView {
        case: view,
        contact_email: case.contact_email,
        assignee: case.assignee,
    }))
}

/// Every assignment rule.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RuleList {
    rules: Vec<crate::db::AssignmentRule>,
}

/// `PUT /v1/merchant/assignment-rules/{kind}` body.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    /// The staff who take new cases of this type in turn; empty removes the rule.
    staff: Vec<String>,
}

async fn rules(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<RuleList>, ApiError> {
    authorize(&state, &headers, TokenScope::Read).await?;
    Ok(Json(RuleList {
        rules: state.store.assignment_rules().await?,
    }))
}

/// The staff of a rule, checked: at most 50 names, each once.
///
/// # Errors
/// The field and what was expected.
pub fn check_rule(
    kind: &str,
    staff: &[String],
) -> Result<(String, Vec<String>), (String, &'static str)> {
    let kind: aftersales_core::case::CaseKind =
        serde_json::from_value(serde_json::Value::String(kind.to_string()))
            .map_err(|_| ("kind".to_string(), "a case type such as return"))?;
    if staff.len() > 50 {
        return Err(("staff".to_string(), "at most 50 names"));
    }
    let mut names: Vec<String> = Vec::with_capacity(staff.len());
    for (i, s) in staff.iter().enumerate() {
        let name = check_staff(s).map_err(|e| (format!("staff[{i}]"), e))?;
        if names.iter().any(|n| n == name) {
            return Err((format!("staff[{i}]"), "each name once"));
        }
        names.push(name.to_string());
    }
    Ok((kind.code().to_string(), names))
}

async fn set_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    body: Result<Json<RuleRequest>, JsonRejection>,
) -> Result<Json<RuleList>, ApiError> {
    authorize(&state, &headers, TokenScope::Write).await?;
    let Json(req) = body?;
    let (kind, staff) = check_rule(&kind, &req.staff)
        .map_err(|(field, expected)| invalid_field(&field, expected))?;
    state.store.set_assignment_rule(&kind, &staff).await?;
    Ok(Json(RuleList {
        rules: state.store.assignment_rules().await?,
    }))
}
