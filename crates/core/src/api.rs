//! The bodies of the `/v1` HTTP API, shared by the widget (client) and the server, so the two
//! cannot drift apart. The contract is documented in `docs/api.md`.

use crate::case::{CaseDraft, CaseKind, Quote};
use crate::lifecycle::Status;
use crate::order::Order;
use crate::policy::Policy;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /v1/orders/lookup` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// The order number from the confirmation e-mail.
    pub order_number: String,
    /// The e-mail address the order was placed with (may be empty with a `token`).
    pub email: String,
    /// A signed order link's token (`?as-order=…&as-token=…`), instead of the e-mail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
}

impl LookupRequest {
    /// Credentials typed by the shopper: a number and an e-mail, no token.
    pub fn typed(order_number: &str, email: &str) -> LookupRequest {
        LookupRequest {
            order_number: order_number.to_string(),
            email: email.to_string(),
            token: String::new(),
        }
    }
}

/// Which lookup credential is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialProblem {
    /// The order number: empty, over 64 characters, or with control characters.
    OrderNumber,
    /// The e-mail: over 254 bytes, or not `something@something` without spaces.
    Email,
}

/// The order number as typed, trimmed, when it can be one (1 to 64 characters, no control
/// characters). The one check of it: the widget runs it as the shopper types, the server on
/// every lookup, case and upload.
///
/// # Errors
/// [`CredentialProblem::OrderNumber`].
pub fn check_order_number(number: &str) -> Result<&str, CredentialProblem> {
    let n = number.trim();
    let ok = !n.is_empty() && n.chars().count() <= 64 && !n.chars().any(char::is_control);
    ok.then_some(n).ok_or(CredentialProblem::OrderNumber)
}

/// The e-mail as typed, trimmed, when it can be one (at most 254 bytes, an `@` with something
/// on both sides, no spaces or control characters).
///
/// # Errors
/// [`CredentialProblem::Email`].
pub fn check_email(email: &str) -> Result<&str, CredentialProblem> {
    let e = email.trim();
    let ok = e.len() <= 254
        && e.find('@').is_some_and(|i| i > 0 && i + 1 < e.len())
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(e).ok_or(CredentialProblem::Email)
}

/// `POST /v1/orders/lookup` answer (200).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LookupResponse {
    /// The order snapshot, with quantities already claimed by earlier cases.
    pub order: Order,
    /// The policy to evaluate it with.
    pub policy: Policy,
    /// The server's clock when it answered, so the widget can correct a wrong device clock.
    pub server_time: DateTime<Utc>,
    /// Requests already open on this order (newest first, at most 50), so the widget can say
    /// "already being returned: AS-…" instead of refusing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_cases: Vec<OpenCase>,
}

/// A request already open on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenCase {
    /// Its tracking number.
    pub tracking_number: String,
    /// Its kind.
    pub kind: CaseKind,
    /// Where it stands.
    pub status: Status,
    /// The lines it names, with their units.
    pub lines: Vec<OpenLine>,
}

/// A line of an [`OpenCase`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenLine {
    /// The order line.
    pub line_id: String,
    /// Units.
    pub quantity: u32,
}

/// `POST /v1/cases` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCaseRequest {
    /// The order number.
    pub order_number: String,
    /// The e-mail address the order was placed with (may be empty with a `token`).
    pub email: String,
    /// A signed order link's token, instead of the e-mail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// The case.
    pub case: CaseDraft,
    /// How the shop should reach the shopper about this case (the order's e-mail when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// How to reach the shopper about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// E-mail address.
    pub email: String,
    /// Phone number, as the shopper wrote it (digits, spaces, `+ - ( )`), or empty.
    #[serde(default)]
    pub phone: String,
    /// Which of the two they prefer.
    #[serde(default)]
    pub channel: Channel,
}

/// The shopper's preferred way to be contacted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// By e-mail.
    #[default]
    Email,
    /// By phone.
    Phone,
}

/// A contact problem, as a field path and what was expected.
pub type ContactProblem = (&'static str, &'static str);

impl Contact {
    /// Checks the contact: an e-mail of at most 254 bytes with an `@` inside, a phone of at most
    /// 32 characters of digits, spaces and `+ - ( )` with at least 5 digits, and a phone given
    /// when the shopper prefers phone.
    ///
    /// # Errors
    /// Every problem, each as (field, expected).
    pub fn validate(&self) -> Result<(), Vec<ContactProblem>> {
        let mut out = Vec::new();
        if check_email(&self.email).is_err() {
            out.push((
                "contact.email",
                "an e-mail address such as name@example.com",
            ));
        }
        let phone = self.phone.trim();
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone.is_empty()
            && (phone.chars().count() > 32
                || digits < 5
                || !phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-()".contains(c)))
        {
            out.push((
                "contact.phone",
                "a phone number of 5 to 32 digits, spaces and + - ( )",
            ));
        } else if phone.is_empty() && self.channel == Channel::Phone {
            out.push(("contact.phone", "a phone number, to be called on"));
        }
        if out.is_empty() {
            Ok(())
        } else {
            Err(out)
        }
    }
}

/// `POST /v1/cases` answer (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseReceipt {
    /// The case's public id, e.g. `AS-7KQ2M-XH4P9C`.
    pub tracking_number: String,
    /// The type of case.
    pub kind: CaseKind,
    /// The case's status: `submitted`, or `under_review` when a rule asks for a person.
    pub status: Status,
    /// What the shopper gets back, for resolutions that pay money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
    /// When the case was stored.
    pub created_at: DateTime<Utc>,
    /// When the shop promised its first answer.
    pub respond_by: DateTime<Utc>,
    /// When the shop promised the resolution, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_by: Option<DateTime<Utc>>,
    /// A token for a link that opens this case without the e-mail (`?as-case=…&as-token=…`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link_token: String,
}

impl CaseReceipt {
    /// The receipt of a case just accepted with `tracking_number` at `now`: the kind, the
    /// status (under review when a rule asks for a person), the quote and the policy's
    /// promises. No link token (a server that signs links adds one).
    pub fn accepted(
        policy: &Policy,
        accepted: &crate::case::AcceptedCase,
        tracking_number: String,
        now: DateTime<Utc>,
    ) -> CaseReceipt {
        let kind = accepted.draft.case_type.kind();
        let due = policy.due_times(kind, crate::commitment::Priority::default(), now);
        CaseReceipt {
            tracking_number,
            kind,
            status: if accepted.needs_review {
                Status::UnderReview
            } else {
                Status::Submitted
            },
            quote: accepted.quote.clone(),
            created_at: now,
            respond_by: due.respond_by,
            resolve_by: due.resolve_by,
            link_token: String::new(),
        }
    }
}

/// `POST /v1/evidence` answer (201): the stored photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EvidenceReceipt {
    /// The reference to put in the case's `evidence`.
    pub id: String,
    /// SHA-256 of the stored bytes.
    pub sha256: String,
    /// Stored width in pixels.
    pub width: u32,
    /// Stored height in pixels.
    pub height: u32,
    /// Stored size in bytes.
    pub bytes: u64,
}

/// Every error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// Machine code, e.g. `order_not_found`, `window_closed`, `bad_request`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// The request field concerned, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a refused case: every problem found (the first is repeated in `code`/`field`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<ViolationDetail>,
}

/// One problem with a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ViolationDetail {
    // `code` stays a string on the wire: a client reads a code newer than itself as
    // "unknown" (see `violation`) instead of failing to read the whole answer.
    /// Machine code, e.g. `evidence_required`.
    pub code: String,
    /// Path of the field in the case, e.g. `lines[0].quantity`.
    pub field: String,
    /// A sentence for a person.
    pub message: String,
}

impl From<&crate::case::Violation> for ViolationDetail {
    fn from(v: &crate::case::Violation) -> Self {
        ViolationDetail {
            code: v.code.code().to_string(),
            field: v.field.clone(),
            message: v.message().into(),
        }
    }
}

impl ViolationDetail {
    /// The code, when this version knows it.
    pub fn violation(&self) -> Option<crate::case::ViolationCode> {
        self.code.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_checked_once_for_widget_and_server() {
        for (n, ok) in [
            ("1001", true),
            ("  1001 ", true),
            ("", false),
            ("   ", false),
            ("1\u{7}", false),
        ] {
            assert_eq!(check_order_number(n).is_ok(), ok, "{n:?}");
        }
        assert!(check_order_number(&"9".repeat(65)).is_err());
        for (e, ok) in [
            ("mei@example.com", true),
            (" Mei@Example.com ", true),
            ("mei@", false),
            ("@example.com", false),
            ("mei example.com", false),
            ("mei @example.com", false),
        ] {
            assert_eq!(check_email(e).is_ok(), ok, "{e:?}");
        }
        assert!(check_email(&format!("{}@x.io", "a".repeat(250))).is_err());
    }
}
