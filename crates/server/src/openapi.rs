//! The `/v1` contract as an OpenAPI 3.1 document, served at `GET /v1/openapi.json` and kept
//! as `docs/api/openapi.yaml` (`aftersales openapi` writes it).
//!
//! Nothing in it is a second copy that can drift: every body's JSON Schema is generated from
//! the Rust type the handler reads or writes (`schemars`, following the types' serde
//! attributes), and the operations are listed here beside the router — a test fails when a
//! route is missing, when the file differs from what this module makes, and the e2e contract
//! test checks the server's real answers, successes and errors, against the document.

use aftersales_core::api::{
    CaseReceipt, CreateCaseRequest, ErrorBody, LookupRequest, LookupResponse,
};
use aftersales_core::faq::FaqResponse;
use aftersales_core::follow::{CaseAccess, CaseView, ConfirmRequest, SurveyRequest};
use aftersales_core::policy::Policy;
use aftersales_core::withdrawal::{WithdrawalReceipt, WithdrawalRequest};
use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{json, Map, Value};

/// One operation: its route, words, request and answers.
struct Op {
    method: &'static str,
    path: &'static str,
    id: &'static str,
    tag: &'static str,
    summary: &'static str,
    /// The request body's media type and schema.
    body: Option<(&'static str, Value)>,
    parameters: Vec<Value>,
    /// Status, description, body schema.
    answers: Vec<(u16, &'static str, Option<Value>)>,
    /// Needs a merchant token.
    merchant: bool,
}

fn header(name: &str, required: bool, description: &str) -> Value {
    json!({"name": name, "in": "header", "required": required, "description": description,
           "schema": {"type": "string"}})
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn tracking_param() -> Value {
    json!({"name": "tracking_number", "in": "path", "required": true,
           "description": "The case's tracking number (AS-XXXXX-XXXXXX).",
           "schema": {"type": "string"}})
}

/// Every route of the router, in the order `api::router` lists them.
fn operations(g: &mut SchemaGenerator) -> Vec<Op> {
    let schema = |v: schemars::Schema| serde_json::to_value(v).unwrap_or(Value::Null);
    let json_body = |s: Value| Some(("application/json", s));
    let view = schema(g.subschema_for::<CaseView>());
    vec![
        Op {
            method: "get",
            path: "/v1/health",
            id: "health",
            tag: "service",
            summary: "Whether the service and its database answer (no counts).",
            body: None,
            parameters: vec![],
            answers: vec![(
                200,
                "Up.",
                Some(json!({"type": "object", "required": ["status"], "additionalProperties": false,
                            "properties": {"status": {"const": "ok"}}})),
            )],
            merchant: false,
        },
        Op {
            method: "get",
            path: "/v1/policy",
            id: "policy",
            tag: "shopper",
            summary: "The shop's policy, shown before any order is found.",
            body: None,
            parameters: vec![],
            answers: vec![(200, "The policy.", Some(schema(g.subschema_for::<Policy>())))],
            merchant: false,
        },
        Op {
            method: "post",
            path: "/v1/orders/lookup",
            id: "lookupOrder",
            tag: "shopper",
            summary: "Finds an order by number and e-mail (or a signed link's token). An unknown order and a wrong e-mail get the same answer.",
            body: json_body(schema(g.subschema_for::<LookupRequest>())),
            parameters: vec![],
            answers: vec![
                (200, "The order, the policy, the server's clock and the requests already open.", Some(schema(g.subschema_for::<LookupResponse>()))),
                (404, "order_not_found: no order with that number and e-mail.", None),
                (429, "rate_limited, with Retry-After.", None),
            ],
            merchant: false,
        },
        Op {
            method: "post",
            path: "/v1/cases",
            id: "createCase",
            tag: "shopper",
            summary: "Submits a case. Idempotent by Idempotency-Key (IETF draft): the same key and body answer the first receipt with Idempotent-Replayed: true.",
            body: json_body(schema(g.subschema_for::<CreateCaseRequest>())),
            parameters: vec![header(
                "Idempotency-Key",
                false,
                "1 to 100 of A-Z a-z 0-9 - _, bare or as a quoted sf-string; kept as long as the case.",
            )],
            answers: vec![
                (201, "The receipt, with the tracking number.", Some(schema(g.subschema_for::<CaseReceipt>()))),
                (404, "order_not_found.", None),
                (409, "request_in_progress: the first request with this key is still running (Retry-After: 1).", None),
                (413, "payload_too_large.", None),
                (422, "invalid_case with every violation, idempotency_key_reused (same key, another body), or too_many_open_requests (the order has the shop's limit of open cases of this type).", None),
                (429, "rate_limited, with Retry-After.", None),
            ],
            merchant: false,
        },
        Op {
            method: "post",
            path: "/v1/cases/find",
            id: "findCase",
            tag: "shopper",
            summary: "A case as its shopper follows it, by tracking number and e-mail or link token.",
            body: json_body(schema(g.subschema_for::<CaseAccess>())),
            parameters: vec![],
            answers: vec![
                (200, "The case.", Some(view.clone())),
                (404, "case_not_found: unknown number or wrong e-mail, the same answer.", None),
                (429, "rate_limited, with Retry-After.", None),
            ],
            merchant: false,
        },
        Op {
            method: "post",
            path: "/v1/cases/confirm",
            id: "confirmCase",
            tag: "shopper",
            summary: "\"Is this resolved?\": yes confirms, no reopens with a reason.",
            body: json_body(schema(g.subschema_for::<ConfirmRequest>())),
            parameters: vec![],
            answers: vec![
                (200, "The case after the move.", Some(view.clone())),
                (404, "case_not_found.", None),
                (409, "not_allowed_now: the case is not waiting for the shopper.", None),
            ],
            merchant: false,
        },
        Op {
            method: "post",
            path: "/v1/cases/survey",
            id: "rateCase",
            tag: "shopper",
            summary: "The satisfaction survey, once per case.",
            body: json_body(schema(g.subschema_for::<SurveyRequest>())),
            parameters: vec![],
            answers: vec![
                (200, "The case with its survey.", Some(view.clone())),
                (404, "case_not_found.", None),
                (409, "survey_taken or not_allowed_now.", None),
            ],
            merchant: false,
        },
        Op {
            method: "get",
            path: "/v1/faq",
            id: "faq",
            tag: "shopper",
            summary: "The shop's answers in a language (or its fallback).",
            body: None,
            parameters: vec![query("lang", json!({"type": "string"}), "A language tag (en, zh-Hans); en when absent.")],
            answers: vec![(200, "The articles.", Some(schema(g.subschema_for::<FaqResponse>())))],
            merchant: false,
        },
        Op {
            method: "post",
            path: "/v1/events",
            id: "selfServiceEvent",
            tag: "shopper",
            summary: "Records a self-service event (an answer that helped, or one that did not).",
            body: json_body(schema(g.subschema_for::<crate::after::EventRequest>())),
            parameters: vec![],
            answers: vec![(204, "Recorded.", None)],
            merchant: false,
        },
        Op {
            method: "post",
            path: "/v1/withdrawals",
            id: "withdraw",
            tag: "shopper",
            summary: "The EU withdrawal declaration, within its period.",
            body: json_body(schema(g.subschema_for::<WithdrawalRequest>())),
            parameters: vec![],
            answers: vec![
                (201, "The acknowledgement of receipt.", Some(schema(g.subschema_for::<WithdrawalReceipt>()))),
                (404, "order_not_found.", None),
                (422, "withdrawal_period_over or a field's problem.", None),
            ],
            merchant: false,
        },
        Op {
            method: "get",
            path: "/v1/merchant/cases",
            id: "listCases",
            tag: "merchant",
            summary: "Cases, newest first, filtered and paginated by cursor.",
            body: None,
            parameters: vec![
                query("status", json!({"type": "string"}), "A status code (under_review)."),
                query("kind", json!({"type": "string"}), "A case type (return)."),
                query("follow_up", json!({"type": "boolean"}), "Only cases flagged for follow-up."),
                query("overdue", json!({"type": "boolean"}), "Only cases past a promise."),
                query("assignee", json!({"type": "string"}), "Only cases handled by this staff member (empty: by nobody)."),
                query("created_from", json!({"type": "string"}), "Only cases submitted at or after this (2026-11-01 or an RFC 3339 time)."),
                query("created_to", json!({"type": "string"}), "Only cases submitted before this."),
                query("cursor", json!({"type": "integer"}), "next_cursor of the page before."),
                query("limit", json!({"type": "integer", "minimum": 1, "maximum": 200}), "Cases per page (50)."),
            ],
            answers: vec![(200, "A page of cases.", Some(schema(g.subschema_for::<crate::merchant::CasePage>())))],
            merchant: true,
        },
        Op {
            method: "get",
            path: "/v1/merchant/cases.csv",
            id: "exportCases",
            tag: "merchant",
            summary: "The cases the list's filters select, every page, as CSV (tracking_number, kind, status, order_number, created_at, respond_by, resolve_by, follow_up, needs_review, assignee; at most 100,000 rows).",
            body: None,
            parameters: vec![
                query("status", json!({"type": "string"}), "A status code (under_review)."),
                query("kind", json!({"type": "string"}), "A case type (return)."),
                query("follow_up", json!({"type": "boolean"}), "Only cases flagged for follow-up."),
                query("overdue", json!({"type": "boolean"}), "Only cases past a promise."),
                query("assignee", json!({"type": "string"}), "Only cases handled by this staff member (empty: by nobody)."),
                query("created_from", json!({"type": "string"}), "Only cases submitted at or after this (2026-11-01 or an RFC 3339 time)."),
                query("created_to", json!({"type": "string"}), "Only cases submitted before this."),
            ],
            answers: vec![(200, "CSV with a header row.", Some(json!({"type": "string"})))],
            merchant: true,
        },
        Op {
            method: "get",
            path: "/v1/merchant/cases/{tracking_number}",
            id: "readCase",
            tag: "merchant",
            summary: "One case with its lines, timeline, messages and contact.",
            body: None,
            parameters: vec![tracking_param()],
            answers: vec![
                (200, "The case.", Some(schema(g.subschema_for::<crate::merchant::MerchantView>()))),
                (404, "case_not_found.", None),
            ],
            merchant: true,
        },
        Op {
            method: "post",
            path: "/v1/merchant/cases/{tracking_number}/moves",
            id: "moveCase",
            tag: "merchant",
            summary: "Moves a case through core's lifecycle; an illegal move is refused with the reason.",
            body: json_body(schema(g.subschema_for::<crate::merchant::MoveRequest>())),
            parameters: vec![tracking_param()],
            answers: vec![
                (200, "The case after the move.", Some(view.clone())),
                (404, "case_not_found.", None),
                (409, "illegal_move.", None),
            ],
            merchant: true,
        },
        Op {
            method: "post",
            path: "/v1/merchant/cases/{tracking_number}/messages",
            id: "messageShopper",
            tag: "merchant",
            summary: "Posts a message the shopper reads on the case.",
            body: json_body(schema(g.subschema_for::<crate::merchant::MessageRequest>())),
            parameters: vec![tracking_param()],
            answers: vec![(200, "The case with the message.", Some(view)), (404, "case_not_found.", None)],
            merchant: true,
        },
        Op {
            method: "put",
            path: "/v1/merchant/orders/{number}",
            id: "putOrder",
            tag: "merchant",
            summary: "Inserts or replaces one order (its cases are kept); every problem with its field. The e-mail is stored normalised and never returned to shoppers.",
            body: json_body(schema(g.subschema_for::<crate::orders::OrderRecord>())),
            parameters: vec![json!({"name": "number", "in": "path", "required": true,
                                    "description": "The order's number (the body's order.number).",
                                    "schema": {"type": "string"}})],
            answers: vec![
                (201, "Added.", Some(schema(g.subschema_for::<crate::merchant::OrderSaved>()))),
                (200, "Replaced.", Some(schema(g.subschema_for::<crate::merchant::OrderSaved>()))),
                (422, "invalid_order, with every problem as a violation (field: order.lines[0].quantity).", None),
            ],
            merchant: true,
        },
        Op {
            method: "put",
            path: "/v1/merchant/cases/{tracking_number}/assignee",
            id: "assignCase",
            tag: "merchant",
            summary: "Assigns a case to a staff member (null: to nobody); a case.assigned event follows.",
            body: json_body(schema(g.subschema_for::<crate::merchant::AssignRequest>())),
            parameters: vec![tracking_param()],
            answers: vec![
                (200, "The case.", Some(schema(g.subschema_for::<crate::merchant::MerchantView>()))),
                (400, "invalid_field: not a staff member's name.", None),
                (404, "case_not_found.", None),
            ],
            merchant: true,
        },
        Op {
            method: "get",
            path: "/v1/merchant/assignment-rules",
            id: "listAssignmentRules",
            tag: "merchant",
            summary: "The round-robin rules: per case type, the staff who take new cases in turn, and whose turn is next.",
            body: None,
            parameters: vec![],
            answers: vec![(200, "The rules.", Some(schema(g.subschema_for::<crate::merchant::RuleList>())))],
            merchant: true,
        },
        Op {
            method: "put",
            path: "/v1/merchant/assignment-rules/{kind}",
            id: "setAssignmentRule",
            tag: "merchant",
            summary: "Sets the staff who take new cases of a type in turn (the turn starts again); an empty list removes the rule.",
            body: json_body(schema(g.subschema_for::<crate::merchant::RuleRequest>())),
            parameters: vec![json!({"name": "kind", "in": "path", "required": true,
                                    "description": "A case type (return, exchange, repair, delivery, complaint, question).",
                                    "schema": {"type": "string"}})],
            answers: vec![
                (200, "Every rule after the change.", Some(schema(g.subschema_for::<crate::merchant::RuleList>()))),
                (400, "invalid_field: an unknown type or a bad name, named.", None),
            ],
            merchant: true,
        },
        Op {
            method: "get",
            path: "/v1/merchant/kpis",
            id: "kpis",
            tag: "merchant",
            summary: "The shop's figures for cases submitted in a period (default: the 30 days to now): cases by type and reason, return rates by category and SKU, median and p90 times to first response and resolution, promises kept per type, first-contact resolution, reopen rate, survey averages and satisfaction, follow-ups, self-service, return-abuse signals. Every figure is defined in docs/server.md#kpis.",
            body: None,
            parameters: vec![
                query("from", json!({"type": "string"}), "Start (inclusive): 2026-11-01 or an RFC 3339 time; 30 days before `to` when absent."),
                query("to", json!({"type": "string"}), "End (exclusive); now when absent. At most 366 days after `from`."),
                query("min_returns", json!({"type": "integer", "minimum": 1}), "List shoppers with at least this many returns (3)."),
                query("max_rate", json!({"type": "number"}), "… or with at least this many returns per order placed (0.5)."),
                query("short_use_days", json!({"type": "integer", "minimum": 1}), "A used or damaged item returned within this many days of delivery is a short use (3)."),
            ],
            answers: vec![
                (200, "The figures.", Some(schema(g.subschema_for::<aftersales_core::kpi::Report>()))),
                (400, "invalid_field: a bad period or rule, named.", None),
            ],
            merchant: true,
        },
        Op {
            method: "get",
            path: "/v1/merchant/webhooks",
            id: "listWebhooks",
            tag: "merchant",
            summary: "Every webhook endpoint with its queue's counts (pending, delivered, failed); never a secret.",
            body: None,
            parameters: vec![],
            answers: vec![(200, "The endpoints.", Some(schema(g.subschema_for::<crate::merchant::WebhookList>())))],
            merchant: true,
        },
        Op {
            method: "post",
            path: "/v1/merchant/webhooks",
            id: "addWebhook",
            tag: "merchant",
            summary: "Adds an endpoint: every case event (case.created, case.status_changed, case.message_added, case.assigned, case.survey_submitted, withdrawal.received) is posted to it, signed per Standard Webhooks with the secret answered here once, and retried with backoff.",
            body: json_body(schema(g.subschema_for::<crate::merchant::WebhookRequest>())),
            parameters: vec![],
            answers: vec![
                (201, "Added, with its secret.", Some(schema(g.subschema_for::<crate::merchant::WebhookCreated>()))),
                (422, "invalid_url; too_many_webhooks (20 endpoints already).", None),
            ],
            merchant: true,
        },
        Op {
            method: "delete",
            path: "/v1/merchant/webhooks/{id}",
            id: "removeWebhook",
            tag: "merchant",
            summary: "Removes an endpoint and its queue.",
            body: None,
            parameters: vec![json!({"name": "id", "in": "path", "required": true,
                                    "description": "The endpoint's id.", "schema": {"type": "integer"}})],
            answers: vec![(204, "Removed.", None), (404, "webhook_not_found.", None)],
            merchant: true,
        },
        Op {
            method: "get",
            path: "/v1/merchant/webhooks/deliveries",
            id: "listDeliveries",
            tag: "merchant",
            summary: "The newest deliveries with their state and last attempt.",
            body: None,
            parameters: vec![
                query("webhook", json!({"type": "integer"}), "Only this endpoint's."),
                query("limit", json!({"type": "integer", "minimum": 1, "maximum": 1000}), "At most this many (50)."),
            ],
            answers: vec![(200, "The deliveries, newest first.", Some(schema(g.subschema_for::<crate::merchant::DeliveryList>())))],
            merchant: true,
        },
        Op {
            method: "post",
            path: "/v1/evidence",
            id: "uploadPhoto",
            tag: "shopper",
            summary: "Uploads a photo (JPEG, PNG or WebP; re-encoded, metadata stripped) for a case about to be submitted. The same bytes for the same order answer the first photo until it is part of a case.",
            body: Some(("image/*", json!({"type": "string", "contentMediaType": "image/jpeg"}))),
            parameters: vec![
                header("x-order-number", true, "The order number."),
                header("x-order-email", false, "The order's e-mail (or x-order-token)."),
                header("x-order-token", false, "A signed link's token instead of the e-mail."),
            ],
            answers: vec![
                (201, "The stored photo.", Some(schema(g.subschema_for::<crate::db::StoredPhoto>()))),
                (404, "order_not_found.", None),
                (413, "photo_too_large.", None),
                (422, "Not a photo the server can read.", None),
            ],
            merchant: false,
        },
        Op {
            method: "get",
            path: "/v1/openapi.json",
            id: "openapi",
            tag: "service",
            summary: "This document.",
            body: None,
            parameters: vec![],
            answers: vec![(200, "OpenAPI 3.1.", Some(json!({"type": "object"})))],
            merchant: false,
        },
    ]
}

/// The whole document.
pub fn document() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas/".into())
        .into_generator();
    let error = serde_json::to_value(g.subschema_for::<ErrorBody>()).unwrap_or(Value::Null);
    let mut paths = Map::new();
    for op in operations(&mut g) {
        let mut responses = Map::new();
        for (status, description, body) in &op.answers {
            let mut r = json!({"description": description});
            if let Some(schema) = body {
                let media = if op.path.ends_with(".csv") {
                    "text/csv"
                } else {
                    "application/json"
                };
                r["content"] = json!({media: {"schema": schema}});
            } else if *status >= 400 {
                r["content"] = json!({"application/json": {"schema": error}});
            }
            if *status == 429 || *status == 409 {
                r["headers"] = json!({"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}});
            }
            responses.insert(status.to_string(), r);
        }
        responses.insert(
            "default".into(),
            json!({"description": "Any other error (400 bad_request, 404 not_found, 405, 413, 429, 500), in the contract's error shape.",
                   "content": {"application/json": {"schema": error}}}),
        );
        let mut operation = json!({
            "operationId": op.id, "tags": [op.tag], "summary": op.summary,
            "responses": responses,
        });
        if !op.parameters.is_empty() {
            operation["parameters"] = Value::Array(op.parameters);
        }
        if let Some((media, schema)) = op.body {
            operation["requestBody"] =
                json!({"required": true, "content": {media: {"schema": schema}}});
        }
        if op.merchant {
            operation["security"] = json!([{"merchantToken": []}]);
        }
        let item = paths
            .entry(op.path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[op.method] = operation;
    }
    let schemas = g.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "After-sales widget API",
            "version": "1",
            "description": "The contract between the after-sales widget and a merchant's backend (docs/api.md). Every error is {\"error\": {\"code\", \"message\", \"field\"?, \"violations\"?}}.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "shopper", "description": "What the widget calls."},
            {"name": "merchant", "description": "The shop's staff and systems (Authorization: Bearer)."},
            {"name": "service", "description": "Operations."}
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"merchantToken": {"type": "http", "scheme": "bearer",
                "description": "A token from `aftersales token create`."}}
        }
    })
}

/// The document rendered for reading (`docs/api/operations.md`): each operation with its
/// request and answers, schemas by name.
pub fn markdown(doc: &Value) -> String {
    let name = |schema: &Value| -> String {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => format!("`{}`", r.rsplit('/').next().unwrap_or(r)),
            None if schema.is_null() => String::new(),
            None => format!("`{}`", schema), // an inline schema, as it is
        }
    };
    let mut out = String::from(
        "<!-- Generated by `aftersales openapi markdown` from the server's types; do not edit by hand. -->\n\
         # The `/v1` operations\n\n\
         Rendered from [`openapi.yaml`](openapi.yaml) (OpenAPI 3.1; also served at `GET /v1/openapi.json`). \
         The bodies' schemas are under `components.schemas` there; [api.md](../api.md) explains them.\n",
    );
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let summary = op["summary"].as_str().unwrap_or_default();
            let lock = if op.get("security").is_some() {
                " (merchant token)"
            } else {
                ""
            };
            out.push_str(&format!(
                "\n## `{} {path}`{lock}\n\n{summary}\n\n",
                method.to_uppercase()
            ));
            for p in op["parameters"].as_array().into_iter().flatten() {
                let (n, at, d) = (
                    p["name"].as_str(),
                    p["in"].as_str(),
                    p["description"].as_str(),
                );
                out.push_str(&format!(
                    "- {} `{}`: {}\n",
                    at.unwrap_or_default(),
                    n.unwrap_or_default(),
                    d.unwrap_or_default()
                ));
            }
            if let Some(content) = op["requestBody"]["content"].as_object() {
                for (media, c) in content {
                    out.push_str(&format!("- request: {} ({media})\n", name(&c["schema"])));
                }
            }
            out.push_str("\n| status | meaning | body |\n|---|---|---|\n");
            for (status, r) in op["responses"].as_object().into_iter().flatten() {
                let body = name(&r["content"]["application/json"]["schema"]);
                let said = r["description"]
                    .as_str()
                    .unwrap_or_default()
                    .replace('|', "\\|");
                out.push_str(&format!("| {status} | {said} | {body} |\n"));
            }
        }
    }
    out
}

/// The document as YAML, as `docs/api/openapi.yaml` keeps it: block style, every string
/// written as a JSON string (a valid YAML double-quoted scalar), keys bare when they can be.
pub fn yaml(value: &Value) -> String {
    let mut out = String::from(
        "# Generated by `aftersales openapi` from the server's types; do not edit by hand.\n",
    );
    write_yaml(value, 0, &mut out);
    out
}

fn key(k: &str) -> String {
    let bare = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            k,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if bare {
        k.to_string()
    } else {
        Value::String(k.to_string()).to_string()
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(_) | Value::Array(_) => None,
        other => Some(other.to_string()),
    }
}

fn write_yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, item) in m {
                match scalar(item) {
                    Some(s) => out.push_str(&format!("{pad}{}: {s}\n", key(k))),
                    None => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        write_yaml(item, indent + 2, out);
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for item in a {
                match scalar(item) {
                    Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                    None => {
                        // The item's first line goes after the dash, the rest under it.
                        let mut inner = String::new();
                        write_yaml(item, indent + 2, &mut inner);
                        let inner = inner.trim_start_matches(' ');
                        out.push_str(&format!("{pad}- {inner}"));
                    }
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other).unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The routes the router has (read from its source, so a new route cannot be forgotten).
    fn routes_in_source() -> Vec<String> {
        let mut out = Vec::new();
        for source in [include_str!("api.rs"), include_str!("merchant.rs")] {
            let mut rest = source;
            while let Some(at) = rest.find(".route(") {
                rest = &rest[at + 7..];
                let start = rest.find('"').unwrap_or(0) + 1;
                let end = start + rest[start..].find('"').unwrap_or(0);
                out.push(rest[start..end].to_string());
            }
        }
        // (A test's own little router may name a path again.)
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_route_is_in_the_document_and_nothing_else() {
        let doc = document();
        let mut documented: Vec<String> =
            doc["paths"].as_object().unwrap().keys().cloned().collect();
        documented.sort();
        assert_eq!(documented, routes_in_source());
    }

    #[test]
    fn the_file_in_docs_is_what_the_types_make() {
        let file = include_str!("../../../docs/api/openapi.yaml");
        let made = yaml(&document());
        assert!(
            file == made,
            "docs/api/openapi.yaml is out of date: run `cargo run -p aftersales-server -- openapi > docs/api/openapi.yaml`"
        );
    }

    #[test]
    fn the_rendered_view_in_docs_is_current() {
        let file = include_str!("../../../docs/api/operations.md");
        assert!(
            file == markdown(&document()),
            "docs/api/operations.md is out of date: run `cargo run -p aftersales-server -- openapi markdown > docs/api/operations.md`"
        );
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                schemas.contains_key(name),
                "{name} is referenced, not defined"
            );
        }
        assert!(schemas.contains_key("Policy") && schemas.contains_key("ErrorBody"));
    }

    #[test]
    fn yaml_keeps_what_json_says() {
        let v = json!({"a": {"b": [1, {"c": "x: y", "d": []}], "/v1/x": {}, "true": "no"}});
        assert_eq!(
            yaml(&v).lines().skip(1).collect::<Vec<_>>().join("\n"),
            "a:\n  \"/v1/x\": {}\n  b:\n    - 1\n    - c: \"x: y\"\n      d: []\n  \"true\": \"no\""
        );
    }
}
