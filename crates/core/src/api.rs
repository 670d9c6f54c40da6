//! The bodies of the `/v1` HTTP API, shared by the widget (client) and the server, so the two
//! cannot drift apart. The contract is documented in `docs/api.md`.

use crate::money::Money;
use crate::order::Order;
use crate::policy::Policy;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /v1/orders/lookup` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// The order number from the confirmation e-mail.
    pub order_number: String,
    /// The e-mail address the order was placed with.
    pub email: String,
}

/// `POST /v1/orders/lookup` answer (200).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupResponse {
    /// The order snapshot, with quantities already claimed by earlier cases.
    pub order: Order,
    /// The policy to evaluate it with.
    pub policy: Policy,
    /// The server's clock when it answered, so the widget can correct a wrong device clock.
    pub server_time: DateTime<Utc>,
}

/// `POST /v1/cases` request: a return of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateReturnRequest {
    /// The order number.
    pub order_number: String,
    /// The e-mail address the order was placed with.
    pub email: String,
    /// The line to return.
    pub line_id: String,
    /// Units to return.
    pub quantity: u32,
    /// Reason code, e.g. `"changed_mind"` (see [`crate::case::ReturnReason`]).
    pub reason: String,
}

/// `POST /v1/cases` answer (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReceipt {
    /// The case's public id, e.g. `AS-7KQ2M-XH4P9C`.
    pub tracking_number: String,
    /// The case's status: `submitted`.
    pub status: String,
    /// The refund the shopper can expect.
    pub refund_estimate: Money,
    /// When the case was stored.
    pub created_at: DateTime<Utc>,
    /// When the merchant promised to have reviewed it.
    pub review_due_at: DateTime<Utc>,
}

/// Every error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine code, e.g. `order_not_found`, `window_closed`, `bad_request`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// The request field concerned, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
