//! What the merchant does to a case, shared by the merchant API and the command line: move
//! it through core's lifecycle, write to the shopper. Each returns the case as the shopper now
//! sees it and the notification to send once the database lock is released.

use crate::db::{CaseRecord, DbError, Store};
use crate::links::{LinkKey, Scope, CASE_LINK_DAYS};
use crate::notify::{Notification, Template};
use aftersales_core::follow::{check_message, CaseView};
use aftersales_core::lifecycle::{Actor, Status};
use aftersales_core::tracking::TrackingNumber;
use chrono::{DateTime, Duration, Utc};

/// Why a merchant's action was refused.
#[derive(Debug)]
pub enum ActionError {
    /// No case with that tracking number.
    NotFound,
    /// The lifecycle does not allow the move; its reason.
    Illegal(String),
    /// A field is wrong: the field and what was expected.
    Invalid(&'static str, String),
    /// The database failed.
    Db(DbError),
}

impl From<DbError> for ActionError {
    fn from(e: DbError) -> Self {
        ActionError::Db(e)
    }
}

/// Where links to cases point, and the key that signs them.
#[derive(Debug, Clone)]
pub struct Links {
    /// The signing key.
    pub key: LinkKey,
    /// The shop page with the widget (`https://shop.example/help`), if known.
    pub shop_url: Option<String>,
}

impl Links {
    /// A token opening `tracking_number` for [`CASE_LINK_DAYS`] from `now`.
    pub fn case_token(&self, tracking_number: &str, now: DateTime<Utc>) -> String {
        self.key.mint(
            Scope::Case,
            tracking_number,
            now + Duration::days(CASE_LINK_DAYS),
        )
    }

    /// The shop page's URL with `params` added, if the page is known.
    pub fn page_with(&self, params: &[(&str, &str)]) -> Option<String> {
        let base = self.shop_url.as_deref()?;
        let query: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        let sep = if base.contains('?') { '&' } else { '?' };
        Some(format!("{base}{sep}{}", query.join("&")))
    }

    /// The deep link that opens a case in the widget.
    pub fn case_link(&self, tracking_number: &str, now: DateTime<Utc>) -> Option<String> {
        let token = self.case_token(tracking_number, now);
        self.page_with(&[("as-case", tracking_number), ("as-token", &token)])
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The case with this tracking number, as typed.
///
/// # Errors
/// [`ActionError::NotFound`] for a malformed or unknown number.
pub async fn find(store: &Store, tracking_number: &str) -> Result<CaseRecord, ActionError> {
    let tn = TrackingNumber::parse(tracking_number).map_err(|_| ActionError::NotFound)?;
    store
        .find_case(tn.as_str())
        .await?
        .ok_or(ActionError::NotFound)
}

/// The notification about `case` for its shopper.
pub fn notification(
    case: &CaseRecord,
    template: Template,
    links: &Links,
    now: DateTime<Utc>,
    data: serde_json::Value,
) -> Notification {
    let to = case
        .contact_email
        .clone()
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| case.order_email.clone());
    notification_to(to, &case.tracking_number, template, links, now, data)
}

/// The notification about the case `tracking_number` for the address `to`.
pub fn notification_to(
    to: String,
    tracking_number: &str,
    template: Template,
    links: &Links,
    now: DateTime<Utc>,
    data: serde_json::Value,
) -> Notification {
    Notification {
        template,
        to,
        reference: tracking_number.to_string(),
        link: links.case_link(tracking_number, now),
        data,
    }
}

/// The shop moves a case to `to`, with an optional note for the shopper.
///
/// # Errors
/// [`ActionError`].
pub async fn merchant_move(
    store: &Store,
    tracking_number: &str,
    to: &str,
    note: &str,
    links: &Links,
    now: DateTime<Utc>,
) -> Result<(CaseView, Notification), ActionError> {
    let to = Status::from_code(to).ok_or_else(|| {
        ActionError::Invalid("to", format!("a status code such as approved; got {to:?}"))
    })?;
    if !note.trim().is_empty() {
        check_message(note).map_err(|e| ActionError::Invalid("note", e))?;
    }
    let case = find(store, tracking_number).await?;
    let from = case.status;
    store
        .move_case(&case, to, Actor::Merchant, now, note.trim())
        .await?
        .map_err(ActionError::Illegal)?;
    let case = find(store, tracking_number).await?;
    let view = store.case_view(&case, now).await?;
    let data = serde_json::json!({"from": from.code(), "to": to.code(), "note": note.trim()});
    Ok((
        view,
        notification(&case, Template::StatusChanged, links, now, data),
    ))
}

/// The shop writes to the shopper about a case.
///
/// # Errors
/// [`ActionError`].
pub async fn merchant_message(
    store: &Store,
    tracking_number: &str,
    body: &str,
    links: &Links,
    now: DateTime<Utc>,
) -> Result<(CaseView, Notification), ActionError> {
    check_message(body).map_err(|e| ActionError::Invalid("body", e))?;
    let case = find(store, tracking_number).await?;
    store
        .add_message(&case, Actor::Merchant, body.trim(), now)
        .await?;
    let view = store.case_view(&case, now).await?;
    let data = serde_json::json!({ "body": body.trim() });
    Ok((
        view,
        notification(&case, Template::ShopMessage, links, now, data),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_encoded_parameters_on_the_shop_page() {
        let links = Links {
            key: LinkKey::new([1; 32]),
            shop_url: Some("https://shop.example/help?x=1".into()),
        };
        let url = links.page_with(&[("as-order", "A 1/é")]).unwrap();
        assert_eq!(url, "https://shop.example/help?x=1&as-order=A%201%2F%C3%A9");
        let none = Links {
            shop_url: None,
            ..links
        };
        assert_eq!(none.case_link("AS-22222-222222", Utc::now()), None);
    }
}
