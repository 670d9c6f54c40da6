//! What the shopper submits, and its validation against the engine's verdicts.

use crate::eligibility::{evaluate_line, Outcome};
use crate::money::Money;
use crate::order::Order;
use crate::policy::Policy;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the shopper wants to return an item. The widget shows labels; core carries codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// No fault: the shopper changed their mind (无理由).
    ChangedMind,
    /// The size or fit is wrong.
    WrongSize,
    /// The item is faulty (quality problem).
    Defective,
    /// The item is not as described on the product page.
    NotAsDescribed,
    /// The item arrived damaged.
    ArrivedDamaged,
    /// A different item was delivered.
    WrongItem,
}

impl ReturnReason {
    /// Every reason, in the order the widget lists them.
    pub const ALL: [ReturnReason; 6] = [
        ReturnReason::ChangedMind,
        ReturnReason::WrongSize,
        ReturnReason::Defective,
        ReturnReason::NotAsDescribed,
        ReturnReason::ArrivedDamaged,
        ReturnReason::WrongItem,
    ];

    /// The stable machine code, e.g. `"changed_mind"`.
    pub fn code(self) -> &'static str {
        match self {
            ReturnReason::ChangedMind => "changed_mind",
            ReturnReason::WrongSize => "wrong_size",
            ReturnReason::Defective => "defective",
            ReturnReason::NotAsDescribed => "not_as_described",
            ReturnReason::ArrivedDamaged => "arrived_damaged",
            ReturnReason::WrongItem => "wrong_item",
        }
    }

    /// Parses a machine code.
    pub fn from_code(code: &str) -> Option<ReturnReason> {
        ReturnReason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A return request as the shopper drafted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnDraft {
    /// The order line to return.
    pub line_id: String,
    /// How many units.
    pub quantity: u32,
    /// Why.
    pub reason: ReturnReason,
}

/// A draft that passed validation, with what the engine worked out for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedReturn {
    /// The order line.
    pub line_id: String,
    /// Units returned.
    pub quantity: u32,
    /// Why.
    pub reason: ReturnReason,
    /// The refund the shopper can expect: unit price × quantity.
    pub refund_estimate: Money,
    /// The last day of the window the request was made in.
    pub last_day: NaiveDate,
}

/// One reason a draft is refused: a machine code and the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Machine code: `unknown_line`, `invalid_quantity`, `amount_out_of_range`, or an
    /// ineligibility code (`window_closed`, `not_delivered`, `fully_claimed`).
    pub code: String,
    /// The draft field concerned.
    pub field: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message())
    }
}

impl Violation {
    /// A plain-English sentence for the code (the widget translates codes itself).
    pub fn message(&self) -> &'static str {
        match self.code.as_str() {
            "unknown_line" => "This item is not on the order.",
            "invalid_quantity" => "The quantity is zero or more than can be returned.",
            "window_closed" => "The return window for this item has closed.",
            "not_delivered" => "This item has not been delivered yet.",
            "fully_claimed" => "Every unit of this item is already being returned.",
            "amount_out_of_range" => "The refund amount is out of range.",
            _ => "This request is not allowed.",
        }
    }

    fn new(code: &str, field: &str) -> Violation {
        Violation {
            code: code.to_string(),
            field: field.to_string(),
        }
    }
}

/// Checks a draft against the engine's verdict for its line at `now`.
///
/// # Errors
/// The first [`Violation`] found.
pub fn validate_return(
    policy: &Policy,
    order: &Order,
    draft: &ReturnDraft,
    now: DateTime<Utc>,
) -> Result<AcceptedReturn, Violation> {
    let line = order
        .line(&draft.line_id)
        .ok_or_else(|| Violation::new("unknown_line", "line_id"))?;
    match evaluate_line(policy, line, now) {
        Outcome::NotEligible { reason } => Err(Violation::new(reason.code(), "line_id")),
        Outcome::Eligible {
            last_day,
            max_quantity,
            ..
        } => {
            if draft.quantity == 0 || draft.quantity > max_quantity {
                return Err(Violation::new("invalid_quantity", "quantity"));
            }
            let refund_estimate = line
                .unit_money(order.currency)
                .checked_mul(i64::from(draft.quantity))
                .map_err(|_| Violation::new("amount_out_of_range", "quantity"))?;
            Ok(AcceptedReturn {
                line_id: draft.line_id.clone(),
                quantity: draft.quantity,
                reason: draft.reason,
                refund_estimate,
                last_day,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        serde_json::from_str(
            r#"{"number":"1001","placed_at":"2026-11-01T00:00:00Z","currency":"JPY","lines":[
              {"id":"a","sku":"A","title":"Tea","category":"food","unit_price":1500,"quantity":3,
               "quantity_claimed":1,"delivered_at":"2026-11-02T00:00:00Z"},
              {"id":"b","sku":"B","title":"Cup","category":"kitchen","unit_price":800,"quantity":1,
               "delivered_at":"2026-10-01T00:00:00Z"}]}"#,
        )
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2026-11-05T00:00:00Z".parse().unwrap()
    }

    fn draft(line: &str, quantity: u32) -> ReturnDraft {
        ReturnDraft {
            line_id: line.into(),
            quantity,
            reason: ReturnReason::ChangedMind,
        }
    }

    #[test]
    fn valid_draft_gets_a_refund_estimate() {
        let ok = validate_return(&Policy::default(), &order(), &draft("a", 2), now()).unwrap();
        assert_eq!(ok.refund_estimate.minor, 3000);
        assert_eq!(ok.refund_estimate.currency.code(), "JPY");
    }

    #[test]
    fn each_violation_names_its_code_and_field() {
        let p = Policy::default();
        let cases = [
            (draft("zzz", 1), "unknown_line", "line_id"),
            (draft("a", 0), "invalid_quantity", "quantity"),
            (draft("a", 3), "invalid_quantity", "quantity"), // 1 of 3 already claimed
            (draft("b", 1), "window_closed", "line_id"),
        ];
        for (d, code, field) in cases {
            let v = validate_return(&p, &order(), &d, now()).unwrap_err();
            assert_eq!((v.code.as_str(), v.field.as_str()), (code, field), "{d:?}");
            assert!(!v.to_string().is_empty());
        }
    }

    #[test]
    fn reason_codes_round_trip() {
        for r in ReturnReason::ALL {
            assert_eq!(ReturnReason::from_code(r.code()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.code());
        }
        assert_eq!(ReturnReason::from_code("because"), None);
    }
}
