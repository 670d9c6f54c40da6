//! The eligibility engine: for each order line, may it be returned, and until when?

use crate::order::{Line, Order};
use crate::policy::Policy;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The engine's answer for one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineVerdict {
    /// The line this verdict is about.
    pub line_id: String,
    /// Eligible, with its deadline, or not, with the reason.
    pub outcome: Outcome,
}

/// Whether a line may be returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// The line may be returned.
    Eligible {
        /// Last calendar day (shop's time zone) on which the return may be requested.
        last_day: NaiveDate,
        /// The first instant at which it no longer may (start of the day after `last_day`).
        closes_at: DateTime<Utc>,
        /// Units that may be returned.
        max_quantity: u32,
    },
    /// The line may not be returned.
    NotEligible {
        /// Why not.
        reason: Ineligible,
    },
}

/// Machine reason codes for a refusal; the widget turns them into words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Ineligible {
    /// The return window has closed.
    WindowClosed {
        /// The last day on which a return could have been requested.
        last_day: NaiveDate,
    },
    /// The line has not been delivered yet, so there is nothing to send back.
    NotDelivered,
    /// Every unit of the line is already claimed by an earlier case.
    FullyClaimed,
}

impl Ineligible {
    /// The stable machine code, e.g. `"window_closed"`.
    pub fn code(&self) -> &'static str {
        match self {
            Ineligible::WindowClosed { .. } => "window_closed",
            Ineligible::NotDelivered => "not_delivered",
            Ineligible::FullyClaimed => "fully_claimed",
        }
    }
}

impl LineVerdict {
    /// True when the line may be returned.
    pub fn is_eligible(&self) -> bool {
        matches!(self.outcome, Outcome::Eligible { .. })
    }
}

/// Verdicts for a plain return of every line of `order` at instant `now`.
pub fn evaluate_returns(policy: &Policy, order: &Order, now: DateTime<Utc>) -> Vec<LineVerdict> {
    order
        .lines
        .iter()
        .map(|line| LineVerdict {
            line_id: line.id.clone(),
            outcome: evaluate_line(policy, line, now),
        })
        .collect()
}

/// The verdict for one line.
pub fn evaluate_line(policy: &Policy, line: &Line, now: DateTime<Utc>) -> Outcome {
    let Some(delivered_at) = line.delivered_at else {
        return Outcome::NotEligible {
            reason: Ineligible::NotDelivered,
        };
    };
    let last_day = last_return_day(policy, delivered_at);
    let closes_at = policy
        .time_zone
        .start_of_day(last_day.succ_opt().unwrap_or(last_day));
    if now >= closes_at {
        return Outcome::NotEligible {
            reason: Ineligible::WindowClosed { last_day },
        };
    }
    match line.claimable() {
        0 => Outcome::NotEligible {
            reason: Ineligible::FullyClaimed,
        },
        max_quantity => Outcome::Eligible {
            last_day,
            closes_at,
            max_quantity,
        },
    }
}

/// The last day of the return window for something delivered at `delivered_at`: the
/// delivery day in the shop's zone plus `return_window_days`.
pub fn last_return_day(policy: &Policy, delivered_at: DateTime<Utc>) -> NaiveDate {
    let delivered_on = policy.time_zone.local_date(delivered_at);
    delivered_on
        .checked_add_days(Days::new(u64::from(policy.return_window_days)))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::zone::ShopZone;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn line(delivered_at: Option<&str>) -> Line {
        Line {
            id: "L1".into(),
            sku: "SKU".into(),
            title: "Kettle".into(),
            category: "appliances".into(),
            unit_price: 19_900,
            quantity: 2,
            quantity_claimed: 0,
            delivered_at: delivered_at.map(utc),
        }
    }

    fn policy(zone: &str) -> Policy {
        Policy {
            time_zone: ShopZone::parse(zone).unwrap(),
            ..Policy::default()
        }
    }

    #[test]
    fn day_seven_is_inside_and_day_eight_is_outside() {
        let p = policy("Asia/Shanghai");
        // Delivered 1 Nov 10:00 in Shanghai. Day 1 is 2 Nov, day 7 is 8 Nov.
        let l = line(Some("2026-11-01T02:00:00Z"));
        let last_second_of_day_7 = utc("2026-11-08T15:59:59Z"); // 23:59:59 in Shanghai
        let first_second_of_day_8 = utc("2026-11-08T16:00:00Z"); // 00:00:00 on 9 Nov
        match evaluate_line(&p, &l, last_second_of_day_7) {
            Outcome::Eligible {
                last_day,
                closes_at,
                max_quantity,
            } => {
                assert_eq!(last_day, NaiveDate::from_ymd_opt(2026, 11, 8).unwrap());
                assert_eq!(closes_at, first_second_of_day_8);
                assert_eq!(max_quantity, 2);
            }
            other => panic!("expected eligible, got {other:?}"),
        }
        assert_eq!(
            evaluate_line(&p, &l, first_second_of_day_8),
            Outcome::NotEligible {
                reason: Ineligible::WindowClosed {
                    last_day: NaiveDate::from_ymd_opt(2026, 11, 8).unwrap()
                }
            }
        );
    }

    #[test]
    fn the_shops_time_zone_decides_the_day() {
        // Delivered 1 Nov 20:00 UTC: still 1 Nov in New York, already 2 Nov in Shanghai.
        let l = line(Some("2026-11-01T20:00:00Z"));
        let now = utc("2026-11-09T10:00:00Z");
        let shanghai = evaluate_line(&policy("Asia/Shanghai"), &l, now);
        let new_york = evaluate_line(&policy("America/New_York"), &l, now);
        // Shanghai: delivered 2 Nov, last day 9 Nov (ends 9 Nov 16:00 UTC): open.
        assert!(matches!(shanghai, Outcome::Eligible { .. }), "{shanghai:?}");
        // New York: delivered 1 Nov, last day 8 Nov (ends 9 Nov 05:00 UTC): closed.
        assert!(
            matches!(new_york, Outcome::NotEligible { .. }),
            "{new_york:?}"
        );
    }

    #[test]
    fn window_ending_across_a_dst_change_closes_at_local_midnight() {
        // Berlin leaves summer time on 25 Oct 2026. Delivered 20 Oct, last day 27 Oct,
        // closes at 28 Oct 00:00 CET = 27 Oct 23:00 UTC (not 22:00, the summer offset).
        let p = policy("Europe/Berlin");
        let l = line(Some("2026-10-20T09:00:00Z"));
        match evaluate_line(&p, &l, utc("2026-10-27T22:30:00Z")) {
            Outcome::Eligible { closes_at, .. } => {
                assert_eq!(closes_at, utc("2026-10-27T23:00:00Z"))
            }
            other => panic!("expected eligible, got {other:?}"),
        }
    }

    #[test]
    fn undelivered_and_fully_claimed_lines_are_refused() {
        let p = policy("UTC");
        let now = utc("2026-11-02T00:00:00Z");
        assert_eq!(
            evaluate_line(&p, &line(None), now),
            Outcome::NotEligible {
                reason: Ineligible::NotDelivered
            }
        );
        let mut l = line(Some("2026-11-01T00:00:00Z"));
        l.quantity_claimed = 1;
        assert!(matches!(
            evaluate_line(&p, &l, now),
            Outcome::Eligible {
                max_quantity: 1,
                ..
            }
        ));
        l.quantity_claimed = 2;
        assert_eq!(
            evaluate_line(&p, &l, now),
            Outcome::NotEligible {
                reason: Ineligible::FullyClaimed
            }
        );
    }

    #[test]
    fn verdicts_serialise_with_stable_codes() {
        let order = Order {
            number: "1".into(),
            placed_at: utc("2026-10-01T00:00:00Z"),
            currency: Currency::new("CNY").unwrap(),
            lines: vec![line(Some("2026-10-01T00:00:00Z"))],
        };
        let v = evaluate_returns(&policy("UTC"), &order, utc("2026-11-01T00:00:00Z"));
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json[0]["outcome"]["status"], "not_eligible");
        assert_eq!(json[0]["outcome"]["reason"]["code"], "window_closed");
        assert_eq!(json[0]["outcome"]["reason"]["last_day"], "2026-10-08");
    }
}
