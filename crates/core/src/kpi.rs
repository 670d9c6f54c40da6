//! The shop's figures over a period, from its cases: what the seeds measure (response and
//! resolution times against the promises, first-contact resolution, satisfaction, self-service,
//! return reasons by product) and signs of return abuse. The server gathers the facts; this
//! module alone defines and computes every figure, each written down where it is computed
//! and in `docs/server.md#kpis`.
//!
//! Decision order for a case, in one pass: counted by type and reason; its first response and
//! resolution read from its history; each promise kept, broken or still open at `now`; then
//! first contact, reopen, survey and follow-up; returns feed the return rates and the abuse
//! signals.

use crate::case::CaseKind;
use crate::commitment::DueTimes;
use crate::lifecycle::{Actor, Status, Transition};
use crate::resolution::ItemCondition;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// One case as the figures read it.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    /// Type.
    pub kind: CaseKind,
    /// Status now.
    pub status: Status,
    /// Reason code, if any.
    pub reason: Option<String>,
    /// The item's condition, as the shopper gave it.
    pub condition: Option<ItemCondition>,
    /// Submitted at.
    pub created_at: DateTime<Utc>,
    /// The promises made at submission.
    pub due: DueTimes,
    /// Every move after the submission, oldest first.
    pub history: Vec<Transition>,
    /// When the shop wrote to the shopper.
    pub shop_messages: Vec<DateTime<Utc>>,
    /// The survey's three scores (attitude, speed, problem solving) and when it came.
    pub survey: Option<([u8; 3], DateTime<Utc>)>,
    /// Flagged for a personal follow-up.
    pub follow_up: bool,
    /// Who the shopper is (the order's normalised e-mail).
    pub shopper: String,
    /// The items, with what the order says of them.
    pub lines: Vec<FactLine>,
}

/// An item of a case.
#[derive(Debug, Clone)]
pub struct FactLine {
    /// SKU.
    pub sku: String,
    /// Category.
    pub category: String,
    /// Units in the case.
    pub quantity: u32,
    /// When the item was delivered, if known.
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Units sold in the period (orders placed in it), per SKU.
#[derive(Debug, Clone)]
pub struct Sold {
    /// SKU.
    pub sku: String,
    /// Category.
    pub category: String,
    /// Units.
    pub units: u64,
}

/// What the merchant sets for the abuse signals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbuseRules {
    /// A shopper with at least this many returns in the period is listed.
    pub min_returns: u32,
    /// … or whose returns per order placed in the period reach this.
    pub max_rate: f64,
    /// A used or damaged item returned within this many days of delivery counts as a short
    /// use.
    pub short_use_days: i64,
}

impl Default for AbuseRules {
    fn default() -> Self {
        AbuseRules {
            min_returns: 3,
            max_rate: 0.5,
            short_use_days: 3,
        }
    }
}

/// Everything the figures are made from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Cases submitted in the period.
    pub cases: Vec<CaseFacts>,
    /// Units sold in the period.
    pub sold: Vec<Sold>,
    /// "This answered my question" in the FAQ, in the period.
    pub faq_answered: u64,
    /// "I still need help", in the period.
    pub faq_escalated: u64,
    /// Orders placed in the period per shopper (only shoppers who returned something).
    pub orders_by_shopper: BTreeMap<String, u64>,
}

/// A share: `n` of `of`, and `rate` = n ÷ of (absent when `of` is 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Share {
    /// How many.
    pub n: u64,
    /// Out of.
    pub of: u64,
    /// n ÷ of, 0 to 1.
    pub rate: Option<f64>,
}

impl Share {
    fn new(n: u64, of: u64) -> Share {
        Share {
            n,
            of,
            rate: (of > 0).then(|| n as f64 / of as f64),
        }
    }
}

/// Median and 90th percentile of durations, in hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Hours {
    /// How many cases.
    pub count: u64,
    /// Median.
    pub median: Option<f64>,
    /// 90th percentile (nearest rank).
    pub p90: Option<f64>,
}

/// Promises of one case type.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Promises {
    /// First answers given by their time, of those given or overdue.
    pub respond: Share,
    /// Resolutions by their time, of those resolved or overdue.
    pub resolve: Share,
}

/// Returns of a SKU or category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReturnRate {
    /// The SKU or category.
    pub key: String,
    /// Units in return cases submitted in the period.
    pub returned: u64,
    /// Units sold (orders placed in the period).
    pub sold: u64,
    /// returned ÷ sold.
    pub rate: Option<f64>,
}

/// Survey figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SurveyFigures {
    /// Surveys answered.
    pub count: u64,
    /// Average service-attitude score (1–5).
    pub attitude: Option<f64>,
    /// Average response-speed score.
    pub speed: Option<f64>,
    /// Average problem-solving score.
    pub problem_solving: Option<f64>,
    /// Surveys with every score 4 or 5, of all surveys (target ≥ 90 %).
    pub satisfied: Share,
}

/// A shopper the abuse rules list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Shopper {
    /// The order's e-mail.
    pub shopper: String,
    /// Return cases in the period.
    pub returns: u64,
    /// Orders placed in the period.
    pub orders: u64,
}

/// Signs of return abuse.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Abuse {
    /// Shoppers with at least the set number of returns, or whose returns per order reach
    /// the set rate; most returns first, at most 50.
    pub shoppers: Vec<Shopper>,
    /// Return cases of a used or damaged item filed within the set days of its delivery.
    pub short_use_returns: u64,
}

/// Self-service against cases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SelfService {
    /// FAQ answers marked "This answered my question".
    pub answered: u64,
    /// FAQ answers marked "I still need help".
    pub escalated: u64,
    /// Cases opened.
    pub cases_opened: u64,
    /// answered ÷ (answered + cases opened).
    pub rate: Option<f64>,
}

/// The figures of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Cases submitted in the period.
    pub cases: u64,
    /// … per type.
    pub by_kind: BTreeMap<String, u64>,
    /// … per reason code.
    pub by_reason: BTreeMap<String, u64>,
    /// Returned ÷ sold per category, highest rate first.
    pub return_rate_by_category: Vec<ReturnRate>,
    /// … per SKU, highest rate first, at most 50.
    pub return_rate_by_sku: Vec<ReturnRate>,
    /// Submission to the shop's first move.
    pub first_response: Hours,
    /// Submission to the first move to `resolved`.
    pub resolution: Hours,
    /// Promises kept per case type.
    pub promises: BTreeMap<String, Promises>,
    /// Resolved cases resolved at first contact (never reopened or escalated, at most one
    /// shop message before resolution), of resolved cases (target ≥ 70 %).
    pub first_contact_resolution: Share,
    /// Resolved cases reopened at least once, of resolved cases.
    pub reopened: Share,
    /// Surveys.
    pub survey: SurveyFigures,
    /// Cases flagged for follow-up, and of those the ones the shop wrote to after the survey.
    pub follow_ups: Share,
    /// FAQ self-service against cases.
    pub self_service: SelfService,
    /// Return-abuse signals.
    pub abuse: Abuse,
}

fn hours(mut v: Vec<f64>) -> Hours {
    v.sort_by(f64::total_cmp);
    let at = |p: f64| {
        // Nearest rank: the smallest value with at least p of the values at or below it.
        let rank = ((p * v.len() as f64).ceil() as usize).max(1);
        v.get(rank - 1).copied()
    };
    Hours {
        count: v.len() as u64,
        median: at(0.5),
        p90: at(0.9),
    }
}

fn span_hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 3600.0
}

/// Whether a promise was kept (`Some(true)`), broken (`Some(false)`) or is still open at `now`
/// (`None`): `done` is when it was met, if it was.
fn kept(due: DateTime<Utc>, done: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<bool> {
    match done {
        Some(at) => Some(at <= due),
        None if now > due => Some(false),
        None => None,
    }
}

/// The figures of `facts` for cases submitted in `[from, to)`, read at `now`.
pub fn report(
    facts: &Facts,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    rules: AbuseRules,
) -> Report {
    let mut by_kind = BTreeMap::new();
    let mut by_reason = BTreeMap::new();
    let (mut first_response, mut resolution) = (Vec::new(), Vec::new());
    let mut promises: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    let (mut resolved, mut fcr, mut reopened) = (0, 0, 0);
    let (mut scores, mut satisfied) = (Vec::new(), 0);
    let (mut flagged, mut followed) = (0, 0);
    let mut returned: BTreeMap<&str, (String, u64)> = BTreeMap::new();
    let mut returns_by_shopper: BTreeMap<&str, u64> = BTreeMap::new();
    let mut short_use = 0;
    let cases: Vec<&CaseFacts> = facts
        .cases
        .iter()
        .filter(|c| c.created_at >= from && c.created_at < to)
        .collect();
    for c in &cases {
        *by_kind.entry(c.kind.code().to_string()).or_insert(0) += 1;
        if let Some(r) = &c.reason {
            *by_reason.entry(r.clone()).or_insert(0) += 1;
        }
        // The shop's first move (a review rule's move counts: the system answered).
        let answered = c
            .history
            .iter()
            .find(|t| t.by != Actor::Shopper)
            .map(|t| t.at);
        let resolved_at = c
            .history
            .iter()
            .find(|t| t.to == Status::Resolved)
            .map(|t| t.at);
        if let Some(at) = answered {
            first_response.push(span_hours(c.created_at, at));
        }
        if let Some(at) = resolved_at {
            resolution.push(span_hours(c.created_at, at));
        }
        let p = promises.entry(c.kind.code().to_string()).or_insert([0; 4]);
        if let Some(k) = kept(c.due.respond_by, answered, now) {
            p[0] += u64::from(k);
            p[1] += 1;
        }
        // A rejected or withdrawn case has no resolution to promise.
        let ended = matches!(c.status, Status::Rejected | Status::Withdrawn);
        if let (Some(due), false) = (c.due.resolve_by, ended && resolved_at.is_none()) {
            if let Some(k) = kept(due, resolved_at, now) {
                p[2] += u64::from(k);
                p[3] += 1;
            }
        }
        if let Some(at) = resolved_at {
            resolved += 1;
            let reopen = c.history.iter().any(|t| t.to == Status::Reopened);
            let escalated = c.history.iter().any(|t| t.to == Status::Escalated);
            let asked = c.shop_messages.iter().filter(|m| **m <= at).count();
            if !reopen && !escalated && asked <= 1 {
                fcr += 1;
            }
            reopened += u64::from(reopen);
        }
        if let Some((s, at)) = c.survey {
            scores.push(s);
            satisfied += u64::from(s.iter().all(|x| *x >= 4));
            if c.follow_up {
                flagged += 1;
                followed += u64::from(c.shop_messages.iter().any(|m| *m >= at));
            }
        }
        if c.kind == CaseKind::Return {
            *returns_by_shopper.entry(c.shopper.as_str()).or_insert(0) += 1;
            for l in &c.lines {
                let e = returned
                    .entry(l.sku.as_str())
                    .or_insert((l.category.clone(), 0));
                e.1 += u64::from(l.quantity);
            }
            let worn = matches!(
                c.condition,
                Some(ItemCondition::Used | ItemCondition::Damaged)
            );
            let soon = c.lines.iter().any(|l| {
                l.delivered_at.is_some_and(|d| {
                    c.created_at >= d && (c.created_at - d).num_days() < rules.short_use_days
                })
            });
            short_use += u64::from(worn && soon);
        }
    }
    // Return rates: units asked back over units sold, per SKU and per category.
    let mut sold_sku: BTreeMap<&str, (String, u64)> = BTreeMap::new();
    for s in &facts.sold {
        let e = sold_sku
            .entry(s.sku.as_str())
            .or_insert((s.category.clone(), 0));
        e.1 += s.units;
    }
    let rate = |key: &str, returned: u64, sold: u64| ReturnRate {
        key: key.to_string(),
        returned,
        sold,
        rate: (sold > 0).then(|| returned as f64 / sold as f64),
    };
    let by_rate = |a: &ReturnRate, b: &ReturnRate| {
        b.rate
            .unwrap_or(f64::INFINITY)
            .total_cmp(&a.rate.unwrap_or(f64::INFINITY))
            .then(b.returned.cmp(&a.returned))
            .then(a.key.cmp(&b.key))
    };
    let mut by_sku: Vec<ReturnRate> = returned
        .iter()
        .map(|(sku, (_, n))| rate(sku, *n, sold_sku.get(sku).map_or(0, |s| s.1)))
        .collect();
    by_sku.sort_by(by_rate);
    by_sku.truncate(50);
    let mut categories: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (cat, n) in returned.values() {
        categories.entry(cat.as_str()).or_default().0 += n;
    }
    for (cat, n) in sold_sku.values() {
        categories.entry(cat.as_str()).or_default().1 += n;
    }
    let mut by_category: Vec<ReturnRate> = categories
        .into_iter()
        .filter(|(_, (r, _))| *r > 0)
        .map(|(cat, (r, s))| rate(cat, r, s))
        .collect();
    by_category.sort_by(by_rate);
    let average = |i: usize| {
        (!scores.is_empty())
            .then(|| scores.iter().map(|s| f64::from(s[i])).sum::<f64>() / scores.len() as f64)
    };
    let mut shoppers: Vec<Shopper> = returns_by_shopper
        .into_iter()
        .map(|(who, returns)| Shopper {
            shopper: who.to_string(),
            returns,
            orders: facts.orders_by_shopper.get(who).copied().unwrap_or(0),
        })
        .filter(|s| {
            s.returns >= u64::from(rules.min_returns)
                || (s.orders > 0
                    && s.returns as f64 / s.orders as f64 >= rules.max_rate
                    && s.returns > 1)
        })
        .collect();
    shoppers.sort_by(|a, b| b.returns.cmp(&a.returns).then(a.shopper.cmp(&b.shopper)));
    shoppers.truncate(50);
    let opened = cases.len() as u64;
    Report {
        from,
        to,
        cases: opened,
        by_kind,
        by_reason,
        return_rate_by_category: by_category,
        return_rate_by_sku: by_sku,
        first_response: hours(first_response),
        resolution: hours(resolution),
        promises: promises
            .into_iter()
            .map(|(k, p)| {
                (
                    k,
                    Promises {
                        respond: Share::new(p[0], p[1]),
                        resolve: Share::new(p[2], p[3]),
                    },
                )
            })
            .collect(),
        first_contact_resolution: Share::new(fcr, resolved),
        reopened: Share::new(reopened, resolved),
        survey: SurveyFigures {
            count: scores.len() as u64,
            attitude: average(0),
            speed: average(1),
            problem_solving: average(2),
            satisfied: Share::new(satisfied, scores.len() as u64),
        },
        follow_ups: Share::new(followed, flagged),
        self_service: SelfService {
            answered: facts.faq_answered,
            escalated: facts.faq_escalated,
            cases_opened: opened,
            rate: (facts.faq_answered + opened > 0)
                .then(|| facts.faq_answered as f64 / (facts.faq_answered + opened) as f64),
        },
        abuse: Abuse {
            shoppers,
            short_use_returns: short_use,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + chrono::Duration::hours(h)
    }

    fn mv(from: Status, to: Status, by: Actor, h: i64) -> Transition {
        Transition {
            from,
            to,
            by,
            at: t(h),
        }
    }

    /// A return of one unit of `sku`, submitted at hour `h`, answer due in 24 h and resolution
    /// in 72 h.
    fn ret(shopper: &str, sku: &str, h: i64) -> CaseFacts {
        CaseFacts {
            kind: CaseKind::Return,
            status: Status::Submitted,
            reason: Some("changed_mind".into()),
            condition: Some(ItemCondition::NewUnopened),
            created_at: t(h),
            due: DueTimes {
                respond_by: t(h + 24),
                resolve_by: Some(t(h + 72)),
            },
            history: vec![],
            shop_messages: vec![],
            survey: None,
            follow_up: false,
            shopper: shopper.into(),
            lines: vec![FactLine {
                sku: sku.into(),
                category: "kitchen".into(),
                quantity: 1,
                delivered_at: Some(t(h - 48)),
            }],
        }
    }

    fn resolved(mut c: CaseFacts, answer_h: i64, resolve_h: i64) -> CaseFacts {
        use Status::*;
        let h0 = (c.created_at - t(0)).num_hours();
        c.history = vec![
            mv(Submitted, Approved, Actor::Merchant, h0 + answer_h),
            mv(Approved, Resolved, Actor::Merchant, h0 + resolve_h),
        ];
        c.status = Resolved;
        c
    }

    #[test]
    fn times_promises_and_first_contact_are_read_from_each_history() {
        use Status::*;
        let mut reopened = resolved(ret("b@x", "K", 10), 2, 30);
        reopened
            .history
            .push(mv(Resolved, Reopened, Actor::Shopper, 50));
        reopened.status = Reopened;
        let mut chatty = resolved(ret("c@x", "K", 20), 30, 100);
        chatty.shop_messages = vec![t(25), t(40)];
        let facts = Facts {
            cases: vec![
                resolved(ret("a@x", "K", 0), 1, 10),
                reopened,
                chatty,
                ret("d@x", "K", 200), // unanswered, still in time at `now`
                ret("e@x", "K", 900), // outside the period
            ],
            ..Default::default()
        };
        let r = report(&facts, t(0), t(500), t(210), AbuseRules::default());
        assert_eq!(r.cases, 4);
        assert_eq!(r.first_response.count, 3);
        assert_eq!(r.first_response.median, Some(2.0));
        assert_eq!(r.first_response.p90, Some(30.0));
        assert_eq!(r.resolution.median, Some(30.0));
        let p = r.promises["return"];
        // Answers: 1 h and 2 h kept, 30 h broken (24 h promised), the fourth still open.
        assert_eq!((p.respond.n, p.respond.of), (2, 3));
        // Resolutions: 10 h and 30 h kept, 100 h broken (72 h promised).
        assert_eq!((p.resolve.n, p.resolve.of), (2, 3));
        // First contact: only the first (the second reopened, the third wrote twice).
        assert_eq!(
            (r.first_contact_resolution.n, r.first_contact_resolution.of),
            (1, 3)
        );
        assert_eq!((r.reopened.n, r.reopened.of), (1, 3));
        assert_eq!(r.by_reason["changed_mind"], 4);
    }

    #[test]
    fn an_unanswered_case_past_its_promise_counts_as_broken() {
        let facts = Facts {
            cases: vec![ret("a@x", "K", 0)],
            ..Default::default()
        };
        let r = report(&facts, t(0), t(10), t(100), AbuseRules::default());
        let p = r.promises["return"];
        assert_eq!((p.respond.n, p.respond.of), (0, 1));
        assert_eq!((p.resolve.n, p.resolve.of), (0, 1));
        assert_eq!(r.first_response.median, None);
    }

    #[test]
    fn surveys_satisfaction_and_follow_ups() {
        let mut happy = resolved(ret("a@x", "K", 0), 1, 2);
        happy.survey = Some(([5, 4, 5], t(3)));
        let mut unhappy = resolved(ret("b@x", "K", 0), 1, 2);
        unhappy.survey = Some(([2, 5, 3], t(3)));
        unhappy.follow_up = true;
        unhappy.shop_messages = vec![t(4)];
        let mut ignored = resolved(ret("c@x", "K", 0), 1, 2);
        ignored.survey = Some(([3, 3, 3], t(3)));
        ignored.follow_up = true;
        let facts = Facts {
            cases: vec![happy, unhappy, ignored],
            faq_answered: 6,
            faq_escalated: 2,
            ..Default::default()
        };
        let r = report(&facts, t(0), t(10), t(10), AbuseRules::default());
        assert_eq!(r.survey.count, 3);
        assert_eq!(r.survey.attitude, Some(10.0 / 3.0));
        assert_eq!(r.survey.speed, Some(4.0));
        assert_eq!((r.survey.satisfied.n, r.survey.satisfied.of), (1, 3));
        assert_eq!((r.follow_ups.n, r.follow_ups.of), (1, 2));
        assert_eq!(r.self_service.rate, Some(6.0 / 9.0));
    }

    #[test]
    fn return_rates_by_sku_and_category_and_abuse_signals() {
        let mut worn = ret("a@x", "TEE", 100);
        worn.condition = Some(ItemCondition::Used);
        worn.lines[0].category = "apparel".into();
        worn.lines[0].delivered_at = Some(t(60)); // 40 h after delivery: a short use
        let mut late = ret("b@x", "K", 100);
        late.condition = Some(ItemCondition::Used);
        late.lines[0].delivered_at = Some(t(0)); // 100 h: not short
        let facts = Facts {
            cases: vec![ret("a@x", "K", 10), ret("a@x", "K", 20), worn, late],
            sold: vec![
                Sold {
                    sku: "K".into(),
                    category: "kitchen".into(),
                    units: 30,
                },
                Sold {
                    sku: "TEE".into(),
                    category: "apparel".into(),
                    units: 4,
                },
            ],
            orders_by_shopper: [("a@x".to_string(), 3), ("b@x".to_string(), 10)].into(),
            ..Default::default()
        };
        let r = report(&facts, t(0), t(500), t(500), AbuseRules::default());
        assert_eq!(r.return_rate_by_sku[0].key, "TEE");
        assert_eq!(r.return_rate_by_sku[0].rate, Some(0.25));
        assert_eq!(r.return_rate_by_sku[1].rate, Some(0.1));
        assert_eq!(r.return_rate_by_category[0].key, "apparel");
        assert_eq!(r.abuse.short_use_returns, 1);
        assert_eq!(
            r.abuse.shoppers,
            vec![Shopper {
                shopper: "a@x".into(),
                returns: 3,
                orders: 3
            }]
        );
        // A lower threshold lists the other shopper too.
        let strict = AbuseRules {
            min_returns: 1,
            ..AbuseRules::default()
        };
        assert_eq!(
            report(&facts, t(0), t(500), t(500), strict)
                .abuse
                .shoppers
                .len(),
            2
        );
    }
}
