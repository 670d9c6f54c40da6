//! The eligibility engine: for every line × resolution, may the shopper have it, until when,
//! for how many units, and for how much.
//!
//! How a verdict is reached, in order:
//! 1. the **first** policy rule whose matcher fits the line supplies its windows (replacing
//!    the defaults resolution by resolution), its fees and its review flag;
//! 2. no window for the resolution → `not_offered`; `not_permitted` → `final_sale` (when the
//!    rule matches final-sale lines) or `not_permitted`;
//! 3. a resolution that needs the item in hand needs a delivered line (`not_shipped`,
//!    `not_delivered`); reship and compensation need a shipped one;
//! 4. a finite window closes at the start of the day after its last day in the shop's time
//!    zone (`window_closed`); a seasonal override can push the last day later;
//! 5. nothing left to claim → `fully_claimed`;
//! 6. otherwise eligible, or needs review when the rule says so.

use crate::money::Money;
use crate::order::{Fulfilment, Line, Order};
use crate::policy::{Fees, Policy, Rule, Window};
use crate::resolution::Resolution;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Verdicts for one line, one per resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineVerdicts {
    /// The line.
    pub line_id: String,
    /// The rule that applied, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// One verdict per resolution, in [`Resolution::ALL`] order.
    pub verdicts: Vec<Verdict>,
}

/// The engine's answer for one line × resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verdict {
    /// The resolution asked about.
    pub resolution: Resolution,
    /// The answer.
    pub outcome: Outcome,
}

/// What may be claimed, when a resolution is available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Allowance {
    /// Last calendar day (shop time) on which it may be requested; `None` when unlimited.
    pub last_day: Option<NaiveDate>,
    /// First instant at which it no longer may; `None` when unlimited.
    pub closes_at: Option<DateTime<Utc>>,
    /// Units that may be claimed.
    pub max_quantity: u32,
    /// Only for reasons that are the merchant's fault (a defect, not a change of mind).
    pub merchant_fault_only: bool,
    /// For resolutions that pay money: what `max_quantity` units cost, before any fee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_refund: Option<Money>,
}

/// Eligible, needs review, or not eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Available.
    Eligible(Allowance),
    /// Available, but a person at the shop decides (the matching rule asks for review).
    NeedsReview(Allowance),
    /// Not available.
    NotEligible {
        /// Why not.
        reason: Ineligible,
    },
}

/// Machine reason codes for a refusal; the widget turns them into words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Ineligible {
    /// The shop does not offer this resolution for this line.
    NotOffered,
    /// Sold as final sale.
    FinalSale,
    /// Excluded by a rule (e.g. a category without returns).
    NotPermitted {
        /// The rule's name.
        rule: String,
    },
    /// Not shipped yet.
    NotShipped,
    /// Shipped but not delivered: nothing to send back yet.
    NotDelivered,
    /// The window has closed.
    WindowClosed {
        /// The last day on which it could have been requested.
        last_day: NaiveDate,
        /// The window's length in days, as the rule that applied set it (a line under a
        /// 30-day rule reads "the 30-day window closed", whatever the shop's default).
        days: u16,
    },
    /// Every unit is already claimed by an earlier case.
    FullyClaimed,
}

impl Ineligible {
    /// The stable machine code, e.g. `"window_closed"`.
    pub fn code(&self) -> &'static str {
        match self {
            Ineligible::NotOffered => "not_offered",
            Ineligible::FinalSale => "final_sale",
            Ineligible::NotPermitted { .. } => "not_permitted",
            Ineligible::NotShipped => "not_shipped",
            Ineligible::NotDelivered => "not_delivered",
            Ineligible::WindowClosed { .. } => "window_closed",
            Ineligible::FullyClaimed => "fully_claimed",
        }
    }
}

impl Outcome {
    /// The allowance when eligible or needing review.
    pub fn allowance(&self) -> Option<&Allowance> {
        match self {
            Outcome::Eligible(a) | Outcome::NeedsReview(a) => Some(a),
            Outcome::NotEligible { .. } => None,
        }
    }
}

impl LineVerdicts {
    /// The verdict for `resolution`.
    pub fn get(&self, resolution: Resolution) -> Option<&Outcome> {
        self.verdicts
            .iter()
            .find(|v| v.resolution == resolution)
            .map(|v| &v.outcome)
    }
}

/// Verdicts for every line of `order` at instant `now`.
pub fn evaluate(policy: &Policy, order: &Order, now: DateTime<Utc>) -> Vec<LineVerdicts> {
    order
        .lines
        .iter()
        .map(|line| evaluate_line(policy, order, line, now))
        .collect()
}

/// Verdicts for one line.
pub fn evaluate_line(
    policy: &Policy,
    order: &Order,
    line: &Line,
    now: DateTime<Utc>,
) -> LineVerdicts {
    let rule = matching_rule(policy, order, line);
    LineVerdicts {
        line_id: line.id.clone(),
        rule: rule.map(|r| r.name.clone()),
        verdicts: Resolution::ALL
            .iter()
            .map(|&resolution| Verdict {
                resolution,
                outcome: decide(policy, order, line, rule, resolution, now),
            })
            .collect(),
    }
}

/// The verdict for one line × resolution.
pub fn evaluate_one(
    policy: &Policy,
    order: &Order,
    line: &Line,
    resolution: Resolution,
    now: DateTime<Utc>,
) -> Outcome {
    decide(
        policy,
        order,
        line,
        matching_rule(policy, order, line),
        resolution,
        now,
    )
}

/// The first rule whose matcher fits the line.
pub fn matching_rule<'p>(policy: &'p Policy, order: &Order, line: &Line) -> Option<&'p Rule> {
    policy.rules.iter().find(|r| {
        let m = &r.when;
        (m.categories.is_empty() || m.categories.contains(&line.category))
            && (m.tags.is_empty() || m.tags.iter().any(|t| line.tags.contains(t)))
            && (m.skus.is_empty() || m.skus.contains(&line.sku))
            && m.min_unit_price.is_none_or(|lo| line.unit_price >= lo)
            && m.max_unit_price.is_none_or(|hi| line.unit_price <= hi)
            && (m.shipping_countries.is_empty()
                || order
                    .shipping_country
                    .as_ref()
                    .is_some_and(|c| m.shipping_countries.contains(c)))
            && m.final_sale.is_none_or(|f| f == line.final_sale)
    })
}

/// The fees that apply to a line: its rule's, else the policy's.
pub fn fees_for<'p>(policy: &'p Policy, rule: Option<&'p Rule>) -> &'p Fees {
    rule.and_then(|r| r.fees.as_ref()).unwrap_or(&policy.fees)
}

fn decide(
    policy: &Policy,
    order: &Order,
    line: &Line,
    rule: Option<&Rule>,
    resolution: Resolution,
    now: DateTime<Utc>,
) -> Outcome {
    let no = |reason| Outcome::NotEligible { reason };
    let window = rule
        .and_then(|r| r.windows.get(&resolution))
        .or_else(|| policy.windows.get(&resolution));
    let Some(window) = window else {
        return no(Ineligible::NotOffered);
    };
    let (days, merchant_fault_only) = match *window {
        Window::NotPermitted => {
            return match rule {
                Some(r) if r.when.final_sale == Some(true) => no(Ineligible::FinalSale),
                Some(r) => no(Ineligible::NotPermitted {
                    rule: r.name.clone(),
                }),
                None => no(Ineligible::NotOffered),
            }
        }
        Window::Unlimited => (None, false),
        Window::Days(d) => (Some(d), false),
        Window::FaultOnlyDays(d) => (Some(d), true),
    };
    match (line.fulfilment(), resolution.needs_delivered_item()) {
        (Fulfilment::Unfulfilled, _) => return no(Ineligible::NotShipped),
        (Fulfilment::Shipped, true) => return no(Ineligible::NotDelivered),
        _ => {}
    }
    let (last_day, closes_at) = match days {
        None => (None, None),
        Some(d) => {
            let last = last_day(policy, line.window_anchor(order.placed_at), d);
            let closes = policy
                .time_zone
                .start_of_day(last.succ_opt().unwrap_or(last));
            if now >= closes {
                return no(Ineligible::WindowClosed {
                    last_day: last,
                    days: d,
                });
            }
            (Some(last), Some(closes))
        }
    };
    let max_quantity = line.claimable();
    if max_quantity == 0 {
        return no(Ineligible::FullyClaimed);
    }
    let max_refund = if resolution.pays_money() {
        line.paid_for(max_quantity, order.currency).ok()
    } else {
        None
    };
    let allowance = Allowance {
        last_day,
        closes_at,
        max_quantity,
        merchant_fault_only,
        max_refund,
    };
    if rule.is_some_and(|r| r.needs_review) {
        Outcome::NeedsReview(allowance)
    } else {
        Outcome::Eligible(allowance)
    }
}

/// The last day of a `days`-day window anchored at `anchor`: the anchor's day in the shop's
/// zone plus `days` (day 1 is the day after delivery), pushed later by any seasonal override
/// covering the anchor's day.
pub fn last_day(policy: &Policy, anchor: DateTime<Utc>, days: u16) -> NaiveDate {
    let start = policy.time_zone.local_date(anchor);
    let plain = start
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX);
    policy
        .seasonal
        .iter()
        .filter(|s| s.delivered_from <= start && start <= s.delivered_to)
        .map(|s| s.last_day)
        .fold(plain, NaiveDate::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::policy::{Matcher, SeasonalOverride};
    use crate::zone::ShopZone;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn line(category: &str, delivered_at: Option<&str>) -> Line {
        Line {
            id: "L1".into(),
            sku: "SKU".into(),
            title: "Kettle".into(),
            variant: None,
            image_url: None,
            exchange_options: vec![],
            category: category.into(),
            tags: vec![],
            final_sale: false,
            unit_price: 19_900,
            discount: 0,
            quantity: 2,
            quantity_claimed: 0,
            status: None,
            fulfilled_at: None,
            delivered_at: delivered_at.map(utc),
        }
    }

    fn order(lines: Vec<Line>) -> Order {
        Order {
            number: "1".into(),
            placed_at: utc("2026-10-01T00:00:00Z"),
            currency: Currency::new("CNY").unwrap(),
            shipping_country: Some("CN".into()),
            lines,
        }
    }

    fn policy(zone: &str) -> Policy {
        Policy {
            time_zone: ShopZone::parse(zone).unwrap(),
            ..Policy::default()
        }
    }

    fn refund(p: &Policy, l: &Line, now: &str) -> Outcome {
        evaluate_one(p, &order(vec![l.clone()]), l, Resolution::Refund, utc(now))
    }

    fn code(o: &Outcome) -> &'static str {
        match o {
            Outcome::Eligible(_) => "eligible",
            Outcome::NeedsReview(_) => "needs_review",
            Outcome::NotEligible { reason } => reason.code(),
        }
    }

    #[test]
    fn day_seven_is_inside_and_day_eight_is_outside() {
        let p = policy("Asia/Shanghai");
        // Delivered 1 Nov 10:00 in Shanghai. Day 1 is 2 Nov, day 7 is 8 Nov.
        let l = line("kitchen", Some("2026-11-01T02:00:00Z"));
        match refund(&p, &l, "2026-11-08T15:59:59Z") {
            Outcome::Eligible(a) => {
                assert_eq!(a.last_day, NaiveDate::from_ymd_opt(2026, 11, 8));
                assert_eq!(a.closes_at, Some(utc("2026-11-08T16:00:00Z")));
                assert_eq!(a.max_quantity, 2);
                assert_eq!(a.max_refund.map(|m| m.minor), Some(39_800));
            }
            other => panic!("expected eligible, got {other:?}"),
        }
        assert_eq!(
            refund(&p, &l, "2026-11-08T16:00:00Z"),
            Outcome::NotEligible {
                reason: Ineligible::WindowClosed {
                    last_day: NaiveDate::from_ymd_opt(2026, 11, 8).unwrap(),
                    days: 7,
                }
            }
        );
    }

    #[test]
    fn the_shops_time_zone_decides_the_day() {
        // Delivered 1 Nov 20:00 UTC: still 1 Nov in New York, already 2 Nov in Shanghai.
        let l = line("kitchen", Some("2026-11-01T20:00:00Z"));
        let now = "2026-11-09T10:00:00Z";
        assert_eq!(code(&refund(&policy("Asia/Shanghai"), &l, now)), "eligible");
        assert_eq!(
            code(&refund(&policy("America/New_York"), &l, now)),
            "window_closed"
        );
    }

    #[test]
    fn window_ending_across_a_dst_change_closes_at_local_midnight() {
        // Berlin leaves summer time on 25 Oct 2026. Delivered 20 Oct, last day 27 Oct,
        // closes at 28 Oct 00:00 CET = 27 Oct 23:00 UTC (not 22:00, the summer offset).
        let l = line("kitchen", Some("2026-10-20T09:00:00Z"));
        match refund(&policy("Europe/Berlin"), &l, "2026-10-27T22:30:00Z") {
            Outcome::Eligible(a) => assert_eq!(a.closes_at, Some(utc("2026-10-27T23:00:00Z"))),
            other => panic!("expected eligible, got {other:?}"),
        }
    }

    #[test]
    fn fulfilment_and_claims_gate_the_item_resolutions() {
        let p = policy("UTC");
        let now = "2026-11-02T00:00:00Z";
        assert_eq!(
            code(&refund(&p, &line("kitchen", None), now)),
            "not_shipped"
        );
        let mut shipped = line("kitchen", None);
        shipped.fulfilled_at = Some(utc("2026-10-30T00:00:00Z"));
        assert_eq!(code(&refund(&p, &shipped, now)), "not_delivered");
        // A parcel on its way can still be reshipped (lost) — counted from shipping.
        let o = order(vec![shipped.clone()]);
        assert_eq!(
            code(&evaluate_one(
                &p,
                &o,
                &shipped,
                Resolution::Reship,
                utc(now)
            )),
            "eligible"
        );
        let mut l = line("kitchen", Some("2026-11-01T00:00:00Z"));
        l.quantity_claimed = 1;
        assert!(matches!(
            refund(&p, &l, now),
            Outcome::Eligible(Allowance {
                max_quantity: 1,
                ..
            })
        ));
        l.quantity_claimed = 2;
        assert_eq!(code(&refund(&p, &l, now)), "fully_claimed");
    }

    #[test]
    fn seed_windows_exchange_fifteen_days_for_faults_and_warranty_a_year_for_durables() {
        let p = policy("UTC");
        let kettle = line("appliances", Some("2026-01-10T00:00:00Z"));
        let mug = line("kitchen", Some("2026-01-10T00:00:00Z"));
        let o = order(vec![kettle.clone(), mug.clone()]);
        let at = |res, l: &Line, now: &str| evaluate_one(&p, &o, l, res, utc(now));
        // Day 15 of the exchange window; merchant's fault only.
        match at(Resolution::Exchange, &mug, "2026-01-25T23:59:59Z") {
            Outcome::Eligible(a) => assert!(a.merchant_fault_only),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            code(&at(Resolution::Exchange, &mug, "2026-01-26T00:00:00Z")),
            "window_closed"
        );
        // Repair: a year for appliances, not offered for a mug.
        assert_eq!(
            code(&at(Resolution::Repair, &kettle, "2027-01-10T12:00:00Z")),
            "eligible"
        );
        assert_eq!(
            code(&at(Resolution::Repair, &kettle, "2027-01-11T00:00:00Z")),
            "window_closed"
        );
        assert_eq!(
            code(&at(Resolution::Repair, &mug, "2026-01-11T00:00:00Z")),
            "not_offered"
        );
    }

    #[test]
    fn final_sale_blocks_refunds_but_not_fault_exchanges() {
        let p = policy("UTC");
        let mut l = line("kitchen", Some("2026-11-01T00:00:00Z"));
        l.final_sale = true;
        let o = order(vec![l.clone()]);
        let v = evaluate_line(&p, &o, &l, utc("2026-11-02T00:00:00Z"));
        assert_eq!(v.rule.as_deref(), Some("final sale"));
        assert_eq!(code(v.get(Resolution::Refund).unwrap()), "final_sale");
        assert_eq!(code(v.get(Resolution::StoreCredit).unwrap()), "final_sale");
        assert_eq!(code(v.get(Resolution::Exchange).unwrap()), "eligible");
    }

    #[test]
    fn first_matching_rule_wins_and_matchers_combine() {
        let mut p = policy("UTC");
        let rule = |name: &str, when: Matcher, w: Window| Rule {
            name: name.into(),
            when,
            windows: [(Resolution::Refund, w)].into(),
            fees: None,
            bonus: None,
            label: Default::default(),
            needs_review: false,
        };
        p.rules = vec![
            rule(
                "no returns on underwear",
                Matcher {
                    categories: vec!["underwear".into()],
                    ..Default::default()
                },
                Window::NotPermitted,
            ),
            rule(
                "expensive in DE",
                Matcher {
                    min_unit_price: Some(10_000),
                    shipping_countries: vec!["DE".into()],
                    ..Default::default()
                },
                Window::Days(30),
            ),
            rule(
                "tagged gifts",
                Matcher {
                    tags: vec!["gift".into()],
                    ..Default::default()
                },
                Window::Unlimited,
            ),
        ];
        p.rules[1].needs_review = true;
        let now = utc("2026-11-20T00:00:00Z");
        let mut l = line("underwear", Some("2026-11-01T00:00:00Z"));
        l.tags = vec!["gift".into()];
        let mut o = order(vec![l.clone()]);
        // Underwear first: the later gift rule does not rescue it.
        assert_eq!(
            code(&evaluate_one(&p, &o, &l, Resolution::Refund, now)),
            "not_permitted"
        );
        l.category = "kitchen".into();
        // Expensive, but shipped to CN: the DE rule does not match; the gift rule does.
        assert!(matches!(
            evaluate_one(&p, &o, &l, Resolution::Refund, now),
            Outcome::Eligible(Allowance { last_day: None, .. })
        ));
        o.shipping_country = Some("DE".into());
        match evaluate_one(&p, &o, &l, Resolution::Refund, now) {
            Outcome::NeedsReview(a) => assert_eq!(a.last_day, NaiveDate::from_ymd_opt(2026, 12, 1)),
            other => panic!("{other:?}"),
        }
        // Past the DE rule's 30 days the verdict says 30, not the policy's default 7.
        let late = utc("2026-12-02T00:00:00Z");
        assert_eq!(
            evaluate_one(&p, &o, &l, Resolution::Refund, late),
            Outcome::NotEligible {
                reason: Ineligible::WindowClosed {
                    last_day: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                    days: 30,
                }
            }
        );
        // A cheap line in DE falls through to the gift rule.
        l.unit_price = 500;
        assert_eq!(
            code(&evaluate_one(&p, &o, &l, Resolution::Refund, now)),
            "eligible"
        );
    }

    #[test]
    fn seasonal_override_extends_the_window_for_deliveries_in_its_range() {
        let mut p = policy("UTC");
        p.seasonal = vec![SeasonalOverride {
            name: "holiday returns".into(),
            delivered_from: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            delivered_to: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
        }];
        let covered = line("kitchen", Some("2026-12-01T10:00:00Z"));
        let outside = line("kitchen", Some("2026-11-19T10:00:00Z"));
        assert_eq!(
            code(&refund(&p, &covered, "2027-01-15T23:59:59Z")),
            "eligible"
        );
        assert_eq!(
            code(&refund(&p, &covered, "2027-01-16T00:00:00Z")),
            "window_closed"
        );
        assert_eq!(
            code(&refund(&p, &outside, "2026-11-27T00:00:00Z")),
            "window_closed"
        );
    }

    #[test]
    fn verdicts_serialise_with_stable_codes() {
        let l = line("kitchen", Some("2026-10-01T00:00:00Z"));
        let v = evaluate(&policy("UTC"), &order(vec![l]), utc("2026-11-01T00:00:00Z"));
        let json = serde_json::to_value(&v).unwrap();
        let refund = &json[0]["verdicts"][0];
        assert_eq!(refund["resolution"], "refund");
        assert_eq!(refund["outcome"]["status"], "not_eligible");
        assert_eq!(refund["outcome"]["reason"]["code"], "window_closed");
        assert_eq!(refund["outcome"]["reason"]["last_day"], "2026-10-08");
        assert_eq!(refund["outcome"]["reason"]["days"], 7);
    }
}
