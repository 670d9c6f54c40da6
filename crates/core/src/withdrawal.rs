//! The withdrawal function for consumers in the EU (Directive 2011/83/EU, Article 11a, added
//! by Directive (EU) 2023/2673, in force since 19 June 2026).
//!
//! A contract concluded online may be withdrawn from within the withdrawal period (14 days
//! from delivery unless the shop grants more) through a function labelled "Withdraw from
//! contract here" that asks only for the consumer's name, the contract, and how to receive
//! the confirmation, followed by a "Confirm withdrawal" step; the trader acknowledges on a
//! durable medium with the content, date and time. Core decides which lines may still be
//! withdrawn from ([`withdrawable`]) and checks a request ([`WithdrawalRequest::check`]).

use crate::order::Order;
use crate::policy::Policy;
use crate::text::check_bounded;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The policy's `withdrawal` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRule {
    /// Days from delivery (day 1 is the day after), at least the law's 14.
    #[serde(default = "default_days")]
    pub days: u16,
}

fn default_days() -> u16 {
    14
}

/// The law's minimum period.
pub const MIN_DAYS: u16 = 14;

/// A line that may still be withdrawn from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WithdrawableLine {
    /// The line's id.
    pub line_id: String,
    /// Units not already in a return.
    pub units: u32,
    /// The last day of the period in the shop's zone; none while not delivered (the period
    /// has not started).
    pub last_day: Option<NaiveDate>,
}

/// The lines of `order` inside the withdrawal period at `now`, in order; empty when the policy
/// does not enable withdrawal.
pub fn withdrawable(policy: &Policy, order: &Order, now: DateTime<Utc>) -> Vec<WithdrawableLine> {
    let Some(rule) = policy.withdrawal else {
        return Vec::new();
    };
    let today = policy.time_zone.local_date(now);
    order
        .lines
        .iter()
        .filter_map(|l| {
            let units = l.quantity.saturating_sub(l.quantity_claimed);
            let last_day = l.delivered_at.map(|d| {
                policy
                    .time_zone
                    .local_date(d)
                    .checked_add_days(Days::new(u64::from(rule.days)))
                    .unwrap_or(NaiveDate::MAX)
            });
            let open = units > 0 && last_day.is_none_or(|last| today <= last);
            open.then(|| WithdrawableLine {
                line_id: l.id.clone(),
                units,
                last_day,
            })
        })
        .collect()
}

/// `POST /v1/withdrawals`: only what the law allows to be asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequest {
    /// The order.
    pub order_number: String,
    /// The order's e-mail (or a link token in `token`).
    #[serde(default)]
    pub email: String,
    /// A signed order link's token, instead of the e-mail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// The consumer's name.
    pub name: String,
    /// The lines withdrawn from (all their remaining units).
    pub line_ids: Vec<String>,
    /// Where the acknowledgement goes.
    pub confirm_to: String,
}

/// Why a withdrawal request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawalProblem {
    /// The shop does not offer the function.
    NotOffered,
    /// The name is blank, over 200 characters or has control characters.
    Name,
    /// No line chosen, or one twice.
    Lines,
    /// A line not in the order or outside its period.
    LineClosed(String),
    /// The confirmation address is not an e-mail.
    ConfirmTo,
}

impl WithdrawalProblem {
    /// The field it concerns.
    pub fn field(&self) -> &'static str {
        match self {
            WithdrawalProblem::NotOffered => "order_number",
            WithdrawalProblem::Name => "name",
            WithdrawalProblem::Lines | WithdrawalProblem::LineClosed(_) => "line_ids",
            WithdrawalProblem::ConfirmTo => "confirm_to",
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            WithdrawalProblem::NotOffered => "withdrawal_not_offered",
            WithdrawalProblem::Name => "invalid_name",
            WithdrawalProblem::Lines => "no_lines",
            WithdrawalProblem::LineClosed(_) => "withdrawal_period_over",
            WithdrawalProblem::ConfirmTo => "invalid_email",
        }
    }
}

impl WithdrawalRequest {
    /// Checks the request against the order at `now`; answers the lines withdrawn with their
    /// units.
    ///
    /// # Errors
    /// The first [`WithdrawalProblem`].
    pub fn check(
        &self,
        policy: &Policy,
        order: &Order,
        now: DateTime<Utc>,
    ) -> Result<Vec<WithdrawableLine>, WithdrawalProblem> {
        if policy.withdrawal.is_none() {
            return Err(WithdrawalProblem::NotOffered);
        }
        check_bounded(self.name.trim(), 200).map_err(|_| WithdrawalProblem::Name)?;
        crate::api::check_email(&self.confirm_to).map_err(|_| WithdrawalProblem::ConfirmTo)?;
        let mut ids: Vec<&str> = self.line_ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() || ids.len() != self.line_ids.len() || ids.len() > order.lines.len() {
            return Err(WithdrawalProblem::Lines);
        }
        let open = withdrawable(policy, order, now);
        self.line_ids
            .iter()
            .map(|id| {
                open.iter()
                    .find(|l| &l.line_id == id)
                    .cloned()
                    .ok_or_else(|| WithdrawalProblem::LineClosed(id.clone()))
            })
            .collect()
    }
}

/// `POST /v1/withdrawals` answer (201): the acknowledgement's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WithdrawalReceipt {
    /// Reference of the withdrawal (`AS-…`, the same format as a case's).
    pub reference: String,
    /// The order.
    pub order_number: String,
    /// The consumer's name as given.
    pub name: String,
    /// What was withdrawn from.
    pub lines: Vec<crate::follow::CaseViewLine>,
    /// The exact instant the declaration was received.
    pub received_at: DateTime<Utc>,
    /// Where the acknowledgement was sent.
    pub confirm_to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        serde_json::from_str(r#"{"number": "9", "placed_at": "2026-11-01T08:00:00Z", "currency": "EUR", "lines": [
            {"id": "a", "sku": "A", "title": "Lamp", "category": "home", "unit_price": 100, "quantity": 2, "delivered_at": "2026-11-03T10:00:00Z"},
            {"id": "b", "sku": "B", "title": "Mug", "category": "home", "unit_price": 100, "quantity": 1},
            {"id": "c", "sku": "C", "title": "Cup", "category": "home", "unit_price": 100, "quantity": 1, "quantity_claimed": 1, "delivered_at": "2026-11-03T10:00:00Z"}
        ]}"#).unwrap()
    }

    fn policy(days: Option<u16>) -> Policy {
        Policy {
            withdrawal: days.map(|days| WithdrawalRule { days }),
            ..Policy::default()
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_period_runs_from_delivery_and_ends_on_its_last_day() {
        let p = policy(Some(14));
        let open = withdrawable(&p, &order(), t("2026-11-17T12:00:00Z"));
        let ids: Vec<_> = open.iter().map(|l| l.line_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "c is already returned in full");
        assert_eq!(open[0].last_day, NaiveDate::from_ymd_opt(2026, 11, 17));
        assert_eq!(open[0].units, 2);
        assert_eq!(
            open[1].last_day, None,
            "not delivered: the period has not started"
        );
        let later = withdrawable(&p, &order(), t("2026-11-18T12:00:00Z"));
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].line_id, "b");
        let longer = withdrawable(&policy(Some(30)), &order(), t("2026-11-18T12:00:00Z"));
        assert_eq!(longer.len(), 2);
        assert!(withdrawable(&policy(None), &order(), t("2026-11-04T00:00:00Z")).is_empty());
    }

    #[test]
    fn a_request_asks_only_what_the_law_allows_and_is_checked() {
        let p = policy(Some(14));
        let now = t("2026-11-18T12:00:00Z");
        let req = |name: &str, ids: &[&str], to: &str| WithdrawalRequest {
            order_number: "9".into(),
            email: "x@y.z".into(),
            token: String::new(),
            name: name.into(),
            line_ids: ids.iter().map(|s| s.to_string()).collect(),
            confirm_to: to.into(),
        };
        assert_eq!(
            req("Ana", &["b"], "a@b.c")
                .check(&p, &order(), now)
                .unwrap()[0]
                .line_id,
            "b"
        );
        assert_eq!(
            req(" ", &["b"], "a@b.c").check(&p, &order(), now),
            Err(WithdrawalProblem::Name)
        );
        assert_eq!(
            req("Ana", &[], "a@b.c").check(&p, &order(), now),
            Err(WithdrawalProblem::Lines)
        );
        assert_eq!(
            req("Ana", &["b", "b"], "a@b.c").check(&p, &order(), now),
            Err(WithdrawalProblem::Lines)
        );
        assert_eq!(
            req("Ana", &["a"], "a@b.c").check(&p, &order(), now),
            Err(WithdrawalProblem::LineClosed("a".into()))
        );
        assert_eq!(
            req("Ana", &["zz"], "a@b.c").check(&p, &order(), now),
            Err(WithdrawalProblem::LineClosed("zz".into()))
        );
        assert_eq!(
            req("Ana", &["b"], "nope").check(&p, &order(), now),
            Err(WithdrawalProblem::ConfirmTo)
        );
        assert_eq!(
            req("Ana", &["b"], "a@b.c").check(&policy(None), &order(), now),
            Err(WithdrawalProblem::NotOffered)
        );
    }
}
