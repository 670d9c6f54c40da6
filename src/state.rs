//! What the widget remembers between its steps.

use aftersales_core::api::{CaseReceipt, LookupRequest, LookupResponse};
use aftersales_core::case::CaseKind;
use chrono::{DateTime, Duration, Utc};

/// The step the widget shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Asking for the order number and e-mail.
    Lookup,
    /// The shop's policy in short.
    Policy,
    /// "What do you need help with?" for the order found.
    Choose(std::sync::Arc<LookedUp>),
    /// A request of one kind about the order found.
    Case(std::sync::Arc<LookedUp>, CaseKind),
    /// The case was sent; showing its tracking number.
    Done(std::sync::Arc<Submitted>),
    /// Asking for a tracking number and e-mail; opening a case at once when given its token.
    Track(Option<std::sync::Arc<aftersales_core::follow::CaseAccess>>),
    /// A case the shopper follows.
    Tracked(std::sync::Arc<Followed>),
    /// Searching the shop's answers; with the order when one was found first.
    Help(Option<std::sync::Arc<LookedUp>>),
    /// The EU withdrawal function for the order found.
    Withdraw(std::sync::Arc<LookedUp>),
    /// The withdrawal's acknowledgement.
    Withdrawn(std::sync::Arc<aftersales_core::withdrawal::WithdrawalReceipt>),
}

/// A case found by its tracking number, with how it was opened (a link token after the first
/// answer, so the e-mail is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    /// Sent again with each action on the case.
    pub access: aftersales_core::follow::CaseAccess,
    /// The case as the server sees it now.
    pub view: aftersales_core::follow::CaseView,
}

impl Followed {
    /// Keeps the view and opens the case from now on with its link token.
    pub fn new(view: aftersales_core::follow::CaseView, typed: &str) -> Followed {
        let access = aftersales_core::follow::CaseAccess {
            tracking_number: view.tracking_number.clone(),
            email: if view.link_token.is_empty() {
                typed.to_string()
            } else {
                String::new()
            },
            token: view.link_token.clone(),
        };
        Followed { access, view }
    }
}

/// An order the shopper found, with the credentials that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookedUp {
    /// The credentials, sent again with the case.
    pub request: LookupRequest,
    /// The server's answer.
    pub response: LookupResponse,
    /// Server clock minus device clock when the answer arrived, in milliseconds.
    pub clock_offset_ms: i64,
}

impl LookedUp {
    /// Remembers an answer received when the device clock read `device_now`.
    pub fn new(
        request: LookupRequest,
        response: LookupResponse,
        device_now: DateTime<Utc>,
    ) -> LookedUp {
        let clock_offset_ms = (response.server_time - device_now).num_milliseconds();
        LookedUp {
            request,
            response,
            clock_offset_ms,
        }
    }

    /// The server's idea of now, from the device clock: a wrong device clock does not move
    /// a return window.
    pub fn now(&self, device_now: DateTime<Utc>) -> DateTime<Utc> {
        device_now + Duration::milliseconds(self.clock_offset_ms)
    }
}

/// A sent case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The server's receipt.
    pub receipt: CaseReceipt,
    /// The order's number.
    pub order_number: String,
    /// The items concerned: title, variant, units.
    pub lines: Vec<(String, Option<String>, u32)>,
    /// The shop's time zone, to show the promised answer time in.
    pub zone: aftersales_core::zone::ShopZone,
}

/// What became of a request the outbox sent after the form that made it was gone (a reload,
/// a closed tab): the widget shows it on opening.
#[derive(Debug, Clone)]
pub enum OutboxNote {
    /// The shop has it: its receipt.
    Sent(std::sync::Arc<Submitted>),
    /// The shop refused it.
    Refused {
        /// The order it was about.
        order_number: String,
        /// Why.
        message: crate::i18n::Msg,
    },
}

/// The notes the widget shows (see [`OutboxNote`]).
#[derive(Debug, Clone, Copy)]
pub struct OutboxNotes(pub leptos::prelude::RwSignal<Vec<OutboxNote>>);

impl Events {
    /// A case was stored: the page hears of it, and the widget shows its receipt.
    pub fn submitted(&self, step: leptos::prelude::RwSignal<Step>, sent: Submitted) {
        use leptos::prelude::{Callable, Set};
        self.0.run(WidgetEvent::CaseSubmitted {
            tracking_number: sent.receipt.tracking_number.clone(),
            kind: sent.receipt.kind.code().to_string(),
        });
        step.set(Step::Done(std::sync::Arc::new(sent)));
    }
}

impl Step {
    /// The followed case, as the server answered it, opened the same way again.
    pub fn tracked(
        access: aftersales_core::follow::CaseAccess,
        view: aftersales_core::follow::CaseView,
    ) -> Step {
        Step::Tracked(std::sync::Arc::new(Followed { access, view }))
    }
}

/// What the widget tells the page (as `as-*` DOM events, see `embed.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WidgetEvent {
    /// The shopper pressed the close button.
    Close,
    /// A case was stored.
    CaseSubmitted {
        /// Its tracking number.
        tracking_number: String,
        /// Its type code, e.g. `return`.
        kind: String,
    },
}

/// The widget's event sink, shared through the reactive context.
#[derive(Clone, Copy)]
pub struct Events(pub leptos::prelude::Callback<WidgetEvent>);

/// The device clock (browser only).
#[cfg(target_arch = "wasm32")]
pub fn device_now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// The device clock (native builds, used by tests of pure parts).
#[cfg(not(target_arch = "wasm32"))]
pub fn device_now() -> DateTime<Utc> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_core::policy::Policy;

    #[test]
    fn a_wrong_device_clock_is_corrected_by_the_server_time() {
        let server: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().unwrap();
        let device = server - Duration::days(3); // device clock three days slow
        let order = serde_json::from_str(
            r#"{"number":"1","placed_at":"2026-11-01T00:00:00Z","currency":"EUR","lines":[]}"#,
        )
        .unwrap();
        let response = LookupResponse {
            order,
            policy: Policy::default(),
            server_time: server,
            open_cases: vec![],
        };
        let req = LookupRequest::typed("1", "a@b.c");
        let l = LookedUp::new(req, response, device);
        assert_eq!(
            l.now(device + Duration::seconds(30)),
            server + Duration::seconds(30)
        );
    }
}
