//! The shopper's endpoints after a case: follow it, confirm or reopen it, rate it; the FAQ and
//! its self-service events; the EU withdrawal function.
//!
//! A case is opened with its tracking number and either the order's e-mail or a link token;
//! an unknown number, a wrong e-mail and a bad token get the same 404.

use crate::api::{check_credentials, ApiError, AppState, Client};
use crate::db::{CaseRecord, Store};
use crate::links::Scope;
use crate::notify::{Notification, Template};
use aftersales_core::api::check_email;
use aftersales_core::faq::{FaqResponse, MAX_QUERY};
use aftersales_core::follow::{
    survey_allowed, CaseAccess, CaseView, ConfirmProblem, ConfirmRequest, SurveyRequest,
};
use aftersales_core::lifecycle::Actor;
use aftersales_core::text::is_language_tag;
use aftersales_core::tracking::TrackingNumber;
use aftersales_core::withdrawal::{WithdrawalReceipt, WithdrawalRequest};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

fn case_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "case_not_found",
        "We could not find a request with that tracking number and e-mail address.",
    )
}

/// The case `access` opens.
async fn authorize(state: &AppState, access: &CaseAccess) -> Result<CaseRecord, ApiError> {
    let tn = TrackingNumber::parse(&access.tracking_number).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_tracking_number",
            &format!("That is not a tracking number: {e}."),
        )
        .field("tracking_number")
    })?;
    if access.token.is_empty() {
        check_email(&access.email).map_err(|_| ApiError::invalid_email())?;
    }
    let case = state
        .store
        .find_case(tn.as_str())
        .await?
        .ok_or_else(case_not_found)?;
    let now = (state.clock)();
    let allowed = if access.token.is_empty() {
        Store::email_matches(&case, &access.email)
    } else {
        state
            .links
            .key
            .verify(Scope::Case, tn.as_str(), &access.token, now)
    };
    if allowed {
        Ok(case)
    } else {
        Err(case_not_found())
    }
}

/// The view of `case` with a fresh link token.
async fn view(state: &AppState, case: &CaseRecord) -> Result<CaseView, ApiError> {
    let now = (state.clock)();
    let mut v = state.store.case_view(case, now).await?;
    v.link_token = state.links.case_token(&case.tracking_number, now);
    Ok(v)
}

/// `POST /v1/cases/find`: the case, its timeline, messages and next promise.
pub async fn find_case(
    State(state): State<AppState>,
    Client(client): Client,
    body: Result<Json<CaseAccess>, JsonRejection>,
) -> Result<Json<CaseView>, ApiError> {
    let Json(access) = body?;
    // Counted per address and per case before the database is touched (a malformed number
    // is refused below without reading anything).
    if let Ok(tn) = TrackingNumber::parse(&access.tracking_number) {
        state
            .limiter
            .check(client, tn.as_str())
            .map_err(ApiError::rate_limited)?;
    }
    let case = authorize(&state, &access).await?;
    Ok(Json(view(&state, &case).await?))
}

/// `POST /v1/cases/confirm`: "Is this resolved?" — yes confirms, no reopens with a reason.
pub async fn confirm(
    State(state): State<AppState>,
    body: Result<Json<ConfirmRequest>, JsonRejection>,
) -> Result<Json<CaseView>, ApiError> {
    let Json(req) = body?;
    let to = req.target().map_err(|p| {
        let (code, msg) = match p {
            ConfirmProblem::ReasonMissing => {
                ("reason_missing", "Tell the shop what is still wrong.")
            }
            ConfirmProblem::ReasonInvalid => (
                "invalid_reason",
                "The reason must be at most 2000 characters of plain text.",
            ),
        };
        ApiError::new(StatusCode::BAD_REQUEST, code, msg).field("reason")
    })?;
    let now = (state.clock)();
    let (view, n) = {
        let store = &state.store;
        let case = authorize(&state, &req.access).await?;
        let from = case.status;
        store
            .move_case(&case, to, Actor::Shopper, now, req.reason.trim())
            .await?
            .map_err(|reason| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "not_allowed_now",
                    &format!("This request cannot be changed that way now ({reason})."),
                )
            })?;
        let case = store
            .find_case(&case.tracking_number)
            .await?
            .ok_or_else(case_not_found)?;
        let data = json!({"from": from.code(), "to": to.code(), "note": req.reason.trim()});
        let n = crate::cases::notification(&case, Template::StatusChanged, &state.links, now, data);
        (view(&state, &case).await?, n)
    };
    state.notify(n);
    Ok(Json(view))
}

/// `POST /v1/cases/survey`: once per case, after it is confirmed; a score under 4 flags it for
/// a personal follow-up.
pub async fn survey(
    State(state): State<AppState>,
    body: Result<Json<SurveyRequest>, JsonRejection>,
) -> Result<Json<CaseView>, ApiError> {
    let Json(req) = body?;
    req.survey.validate().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_survey",
            &format!("The survey's {e}."),
        )
        .field("survey.comment")
    })?;
    let now = (state.clock)();
    let store = &state.store;
    let case = authorize(&state, &req.access).await?;
    if !survey_allowed(case.status, false) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "survey_not_open",
            "A request can be rated once it is resolved and confirmed.",
        ));
    }
    if !store.insert_survey(&case, &req.survey, now).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "survey_taken",
            "Thank you — this request has already been rated.",
        ));
    }
    let case = store
        .find_case(&case.tracking_number)
        .await?
        .ok_or_else(case_not_found)?;
    Ok(Json(view(&state, &case).await?))
}

/// `GET /v1/faq` query.
#[derive(Debug, Deserialize)]
pub struct FaqQuery {
    /// The shopper's language.
    #[serde(default)]
    lang: String,
}

/// `GET /v1/faq?lang=…`: every entry in that language (or the fallback).
pub async fn faq(
    State(state): State<AppState>,
    Query(q): Query<FaqQuery>,
) -> Result<Json<FaqResponse>, ApiError> {
    let lang = if q.lang.is_empty() {
        "en"
    } else {
        q.lang.as_str()
    };
    if !is_language_tag(lang) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_lang",
            "lang must be a language tag such as en or zh-Hans.",
        )
        .field("lang"));
    }
    let fallback = state.policy.default_locale.as_deref();
    Ok(Json(FaqResponse {
        articles: state.faq.articles(lang, fallback),
    }))
}

/// `POST /v1/events` body: a self-service event.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    /// `faq_answered` ("This answered my question") or `faq_escalated` ("I still need help").
    kind: String,
    /// The FAQ entry's id.
    #[serde(default)]
    article: Option<String>,
    /// What the shopper searched for.
    #[serde(default)]
    query: String,
    /// The shopper's language.
    #[serde(default)]
    lang: String,
}

/// `POST /v1/events`: records a self-service event (answers 204).
pub async fn event(
    State(state): State<AppState>,
    body: Result<Json<EventRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(e) = body?;
    let bad = |field: &str, msg: &str| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_event", msg).field(field)
    };
    if !matches!(e.kind.as_str(), "faq_answered" | "faq_escalated") {
        return Err(bad("kind", "kind must be faq_answered or faq_escalated."));
    }
    if let Some(a) = &e.article {
        if !state.faq.entries.iter().any(|x| &x.id == a) {
            return Err(bad("article", "article must be the id of an FAQ entry."));
        }
    }
    if e.query.chars().nth(MAX_QUERY).is_some()
        || e.query.chars().any(aftersales_core::text::is_hostile)
    {
        return Err(bad(
            "query",
            "query must be at most 200 characters of plain text.",
        ));
    }
    if !e.lang.is_empty() && !is_language_tag(&e.lang) {
        return Err(bad(
            "lang",
            "lang must be a language tag such as en or zh-Hans.",
        ));
    }
    let now = (state.clock)();
    state
        .store
        .record_event(&e.kind, e.article.as_deref(), e.query.trim(), &e.lang, now)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/withdrawals`: the EU withdrawal function's declaration. Records it with the exact
/// time, claims the items, and sends the acknowledgement (answers 201 with its content).
pub async fn withdraw(
    State(state): State<AppState>,
    body: Result<Json<WithdrawalRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<WithdrawalReceipt>), ApiError> {
    let Json(req) = body?;
    let creds = check_credentials(&req.order_number, &req.email, &req.token)?;
    let now = (state.clock)();
    let receipt = {
        let order = creds
            .order(&state)
            .await?
            .ok_or_else(ApiError::order_not_found)?;
        let lines = req.check(&state.policy, &order, now).map_err(|p| {
            let msg = match p {
                aftersales_core::withdrawal::WithdrawalProblem::NotOffered => {
                    "This shop does not offer withdrawal here."
                }
                aftersales_core::withdrawal::WithdrawalProblem::Name => "Enter your name.",
                aftersales_core::withdrawal::WithdrawalProblem::Lines => {
                    "Choose the items, each once."
                }
                aftersales_core::withdrawal::WithdrawalProblem::LineClosed(_) => {
                    "An item chosen is outside its withdrawal period or already returned."
                }
                aftersales_core::withdrawal::WithdrawalProblem::ConfirmTo => {
                    "Enter the e-mail address for the confirmation."
                }
            };
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, p.code(), msg).field(p.field())
        })?;
        let receipt = WithdrawalReceipt {
            reference: crate::api::mint_tracking_number()?.to_string(),
            order_number: order.number.clone(),
            name: req.name.trim().to_string(),
            lines: lines
                .iter()
                .filter_map(|w| {
                    let l = order.lines.iter().find(|l| l.id == w.line_id)?;
                    Some(aftersales_core::follow::CaseViewLine {
                        title: l.title.clone(),
                        variant: l.variant.clone(),
                        quantity: w.units,
                    })
                })
                .collect(),
            received_at: now,
            confirm_to: req.confirm_to.trim().to_string(),
        };
        if let Err(conflict) = state.store.insert_withdrawal(&receipt, &lines).await? {
            // Another request claimed the units between the check and the insert.
            let line = match conflict {
                crate::db::Conflict::Claimed { line_id } => line_id,
                _ => String::new(),
            };
            let p = aftersales_core::withdrawal::WithdrawalProblem::LineClosed(line);
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                p.code(),
                "An item chosen is outside its withdrawal period or already returned.",
            )
            .field(p.field()));
        }
        receipt
    };
    state.notify(Notification {
        template: Template::WithdrawalReceived,
        to: receipt.confirm_to.clone(),
        reference: receipt.reference.clone(),
        link: None,
        data: serde_json::to_value(&receipt).unwrap_or_default(),
    });
    Ok((StatusCode::CREATED, Json(receipt)))
}
