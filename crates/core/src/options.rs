//! "What do you need help with?": what an order allows now, kind by kind, with the one fact
//! that explains each answer.
//!
//! How an option is decided, in order:
//! 1. a question and a complaint are always open (they claim nothing);
//! 2. an item kind (return, exchange, repair, delivery problem) is open when at least one
//!    line has an eligible or needs-review verdict for one of the kind's resolutions; it is
//!    open until the latest last day among those verdicts (`None` when one is unlimited), and
//!    "faults only" when every open verdict is for merchant faults only;
//! 3. otherwise it is closed, with the verdict that says most about why: an item already being
//!    handled first, then a closed window (the latest), then delivery state, then the rules.

use crate::case_type::CaseKind;
use crate::eligibility::{evaluate, evaluate_one, Ineligible, LineVerdicts, Outcome};
use crate::order::Order;
use crate::policy::Policy;
use crate::reasons::{Fault, ReasonDef};
use crate::resolution::Resolution;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The kinds the shopper chooses between, in the order they are listed. Reshipment and
/// compensation are what a delivery problem leads to, not a choice of their own.
pub const CHOOSABLE: [CaseKind; 6] = [
    CaseKind::Return,
    CaseKind::Exchange,
    CaseKind::Repair,
    CaseKind::LogisticsIssue,
    CaseKind::Complaint,
    CaseKind::Question,
];

/// One entry of the choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseOption {
    /// The kind of case.
    pub kind: CaseKind,
    /// Whether it can be opened now, and the fact that goes with the answer.
    pub status: OptionStatus,
}

/// Open (until when, for which lines) or closed (why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OptionStatus {
    /// May be opened now.
    Open {
        /// Last day (shop time) it may be opened for some line; `None` when unlimited or when
        /// the kind names no item.
        until: Option<NaiveDate>,
        /// Only for faults of the shop (a defect, damage, a wrong item).
        faults_only: bool,
        /// The lines it may name (every line for a question or complaint).
        lines: Vec<String>,
    },
    /// Cannot be opened now.
    Closed {
        /// Why, from the most telling line.
        reason: Ineligible,
    },
}

impl OptionStatus {
    /// Whether the option may be chosen.
    pub fn is_open(&self) -> bool {
        matches!(self, OptionStatus::Open { .. })
    }
}

/// Every choosable kind for `order` at `now`, in [`CHOOSABLE`] order.
pub fn case_options(policy: &Policy, order: &Order, now: DateTime<Utc>) -> Vec<CaseOption> {
    let verdicts = evaluate(policy, order, now);
    CHOOSABLE
        .iter()
        .map(|&kind| CaseOption {
            kind,
            status: option_for(kind, order, &verdicts),
        })
        .collect()
}

/// What one line allows for a kind of request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LineStatus {
    /// May be named: up to `max` units (the most over the kind's resolutions), until the
    /// latest last day (`None`: no limit), perhaps for faults of the shop only.
    Open {
        /// Units that may be claimed.
        max: u32,
        /// Last day (shop time).
        until: Option<NaiveDate>,
        /// Only for faults of the shop.
        faults_only: bool,
    },
    /// May not, with the most telling reason.
    Closed {
        /// Why.
        reason: Ineligible,
    },
}

/// What a line allows for `kind`, from its verdicts.
pub fn line_status(lv: &LineVerdicts, kind: CaseKind) -> LineStatus {
    let mut max = 0;
    let mut until = Some(None::<NaiveDate>);
    let mut faults_only = true;
    let mut refusal: Option<&Ineligible> = None;
    for &res in kind.resolutions() {
        match lv.get(res) {
            Some(Outcome::Eligible(a)) | Some(Outcome::NeedsReview(a)) => {
                max = max.max(a.max_quantity);
                faults_only &= a.merchant_fault_only;
                until = later(until, a.last_day);
            }
            Some(Outcome::NotEligible { reason })
                if refusal.is_none_or(|r| telling(reason) > telling(r)) =>
            {
                refusal = Some(reason);
            }
            _ => {}
        }
    }
    if max > 0 {
        LineStatus::Open {
            max,
            until: until.flatten(),
            faults_only,
        }
    } else {
        LineStatus::Closed {
            reason: refusal.cloned().unwrap_or(Ineligible::NotOffered),
        }
    }
}

/// The option for one kind, from verdicts already made: open for the lines whose
/// [`line_status`] is open, until the latest of their days.
pub fn option_for(kind: CaseKind, order: &Order, verdicts: &[LineVerdicts]) -> OptionStatus {
    if !kind.claims_units() && kind != CaseKind::Repair {
        return OptionStatus::Open {
            until: None,
            faults_only: false,
            lines: order.lines.iter().map(|l| l.id.clone()).collect(),
        };
    }
    let mut lines = Vec::new();
    let mut until = Some(None::<NaiveDate>);
    let mut faults_only = true;
    let mut refusal: Option<Ineligible> = None;
    for lv in verdicts {
        match line_status(lv, kind) {
            LineStatus::Open {
                until: u,
                faults_only: f,
                ..
            } => {
                lines.push(lv.line_id.clone());
                faults_only &= f;
                until = later(until, u);
            }
            LineStatus::Closed { reason } => {
                if refusal
                    .as_ref()
                    .is_none_or(|r| telling(&reason) > telling(r))
                {
                    refusal = Some(reason);
                }
            }
        }
    }
    if lines.is_empty() {
        OptionStatus::Closed {
            reason: refusal.unwrap_or(Ineligible::NotOffered),
        }
    } else {
        OptionStatus::Open {
            until: until.flatten(),
            faults_only,
            lines,
        }
    }
}

/// The reasons a shopper may give for a case of `kind`: those that can lead to one of its
/// resolutions, without the shopper's own reasons when the kind is open for faults only (an
/// exchange in its fault-only window), in the policy's order.
pub fn reasons_for(policy: &Policy, kind: CaseKind, faults_only: bool) -> Vec<&ReasonDef> {
    policy
        .reasons
        .iter()
        .filter(|r| r.resolutions.iter().any(|x| kind.resolutions().contains(x)))
        .filter(|r| !(faults_only && r.fault == Fault::Shopper))
        .collect()
}

/// The resolutions the shopper may ask for: allowed for `kind`, offered for `reason`, and open
/// (eligible or needs review) for every chosen line at `now`, in the reason's order. A
/// resolution that pays money back in full for a shopper's reason is not hidden: its quote
/// shows the fees.
pub fn resolutions_for(
    policy: &Policy,
    order: &Order,
    line_ids: &[&str],
    reason: &ReasonDef,
    kind: CaseKind,
    now: DateTime<Utc>,
) -> Vec<Resolution> {
    let lines: Vec<_> = line_ids.iter().filter_map(|id| order.line(id)).collect();
    reason
        .resolutions
        .iter()
        .copied()
        .filter(|r| kind.resolutions().contains(r))
        .filter(|&r| {
            lines.iter().all(|l| {
                evaluate_one(policy, order, l, r, now)
                    .allowance()
                    .is_some_and(|a| !(a.merchant_fault_only && reason.fault == Fault::Shopper))
            })
        })
        .collect()
}

/// The latest last day so far, folded with one more: `Some(None)` is "none seen yet",
/// `Some(Some(d))` the latest day, `None` unlimited (an unlimited window outlasts every day).
fn later(so_far: Option<Option<NaiveDate>>, day: Option<NaiveDate>) -> Option<Option<NaiveDate>> {
    match (so_far, day) {
        (Some(best), Some(d)) => Some(Some(best.map_or(d, |b| b.max(d)))),
        _ => None,
    }
}

/// How much a refusal says to the shopper: higher says more.
fn telling(i: &Ineligible) -> (u8, Option<NaiveDate>) {
    match i {
        Ineligible::FullyClaimed => (6, None),
        Ineligible::WindowClosed { last_day, .. } => (5, Some(*last_day)),
        Ineligible::NotDelivered => (4, None),
        Ineligible::NotShipped => (3, None),
        Ineligible::FinalSale => (2, None),
        Ineligible::NotPermitted { .. } => (1, None),
        Ineligible::NotOffered => (0, None),
    }
}

/// One complete answer for a return in one go: a reason that needs no photo and no further
/// question, with the item's condition when the policy asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickChoice {
    /// The reason's code.
    pub reason: String,
    /// The condition stated, when asked.
    pub condition: Option<crate::resolution::ItemCondition>,
}

/// An item that can be returned for a refund in one go, and the answers that complete it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickReturn {
    /// The line.
    pub line_id: String,
    /// Every complete answer, in the policy's reason order.
    pub choices: Vec<QuickChoice>,
}

impl QuickReturn {
    /// The case for one unit of the line with `choice`: what the widget sends (and the
    /// server checks like any other).
    pub fn draft(&self, choice: &QuickChoice) -> crate::case::CaseDraft {
        crate::case::CaseDraft {
            case_type: crate::case_type::CaseType::Return,
            lines: vec![crate::case::DraftLine {
                line_id: self.line_id.clone(),
                quantity: 1,
                exchange_for: None,
            }],
            resolution: Some(Resolution::Refund),
            reason: Some(choice.reason.clone()),
            condition: choice.condition,
            answers: Default::default(),
            evidence: Vec::new(),
            description: String::new(),
        }
    }
}

/// The seeds' one-click return (一鍵退換貨): every line whose refund is open at `now` with a
/// unit left, with the reasons that need no photo and ask nothing more (each condition the
/// policy accepts made its own choice). Lines with no such reason are left out: they need the
/// full form.
pub fn quick_returns(policy: &Policy, order: &Order, now: DateTime<Utc>) -> Vec<QuickReturn> {
    let reasons: Vec<&ReasonDef> = policy
        .reasons
        .iter()
        .filter(|r| {
            r.evidence == crate::reasons::Evidence::None
                && r.questions.iter().all(|q| !q.required)
                && r.resolutions.contains(&Resolution::Refund)
        })
        .collect();
    evaluate(policy, order, now)
        .iter()
        .filter_map(|lv| {
            let allowance = match lv.get(Resolution::Refund) {
                Some(Outcome::Eligible(a)) if a.max_quantity > 0 => a,
                _ => return None,
            };
            let choices: Vec<QuickChoice> = reasons
                .iter()
                .filter(|r| !(allowance.merchant_fault_only && r.fault == Fault::Shopper))
                .flat_map(|r| {
                    match crate::case::conditions_asked(policy, Some(r), Resolution::Refund) {
                        Some(list) => list
                            .iter()
                            .map(|c| QuickChoice {
                                reason: r.code.clone(),
                                condition: Some(*c),
                            })
                            .collect(),
                        None => vec![QuickChoice {
                            reason: r.code.clone(),
                            condition: None,
                        }],
                    }
                })
                .collect();
            (!choices.is_empty()).then(|| QuickReturn {
                line_id: lv.line_id.clone(),
                choices,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(lines: &str) -> Order {
        serde_json::from_str(&format!(
            r#"{{"number":"1","placed_at":"2026-10-01T00:00:00Z","currency":"CNY","lines":[{lines}]}}"#
        ))
        .unwrap()
    }

    fn status(o: &Order, now: &str, kind: CaseKind) -> OptionStatus {
        case_options(&Policy::default(), o, now.parse().unwrap())
            .into_iter()
            .find(|c| c.kind == kind)
            .unwrap()
            .status
    }

    const KETTLE: &str = r#"{"id":"k","sku":"K","title":"Kettle","category":"appliances","unit_price":19900,"quantity":1,"delivered_at":"2026-11-20T00:00:00Z"}"#;
    const MUG: &str = r#"{"id":"m","sku":"M","title":"Mug","category":"kitchen","unit_price":4900,"quantity":1,"delivered_at":"2026-10-02T00:00:00Z"}"#;

    #[test]
    fn each_kind_says_until_when_or_why_not() {
        let o = order(&format!("{KETTLE},{MUG}"));
        let now = "2026-11-22T00:00:00Z";
        // Default policy in Shanghai: 7 days to return, 15 to exchange (faults only), a year of
        // warranty on appliances.
        assert_eq!(
            status(&o, now, CaseKind::Return),
            OptionStatus::Open {
                until: NaiveDate::from_ymd_opt(2026, 11, 27),
                faults_only: false,
                lines: vec!["k".into()],
            }
        );
        assert!(matches!(
            status(&o, now, CaseKind::Exchange),
            OptionStatus::Open {
                faults_only: true,
                ..
            }
        ));
        match status(&o, now, CaseKind::Repair) {
            OptionStatus::Open { until, lines, .. } => {
                assert_eq!(lines, ["k"]);
                assert_eq!(until, NaiveDate::from_ymd_opt(2027, 11, 20));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            status(&o, now, CaseKind::Question),
            OptionStatus::Open {
                until: None,
                faults_only: false,
                lines: vec!["k".into(), "m".into()],
            }
        );
        // Two months on, every window has closed: the latest is the reason given.
        let late = "2026-12-30T00:00:00Z";
        match status(&o, late, CaseKind::Return) {
            OptionStatus::Closed {
                reason: Ineligible::WindowClosed { last_day, days: 7 },
            } => assert_eq!(last_day, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()),
            other => panic!("{other:?}"),
        }
        assert!(status(&o, late, CaseKind::Complaint).is_open());
    }

    #[test]
    fn reasons_and_resolutions_follow_the_kind_the_reason_and_the_lines() {
        let p = Policy::default();
        let o = order(&format!("{KETTLE},{MUG}"));
        let now: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
        let codes = |rs: Vec<&ReasonDef>| rs.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        let exchange = codes(reasons_for(&p, CaseKind::Exchange, true));
        assert!(exchange.contains(&"defective".to_string()));
        assert!(
            !exchange.contains(&"changed_mind".to_string()),
            "faults only"
        );
        assert_eq!(
            codes(reasons_for(&p, CaseKind::Repair, false)),
            ["defective"]
        );
        let defective = p.reason("defective").unwrap();
        assert_eq!(
            resolutions_for(&p, &o, &["k"], defective, CaseKind::Return, now),
            [Resolution::Refund, Resolution::StoreCredit]
        );
        // The mug's windows have all closed: with it chosen nothing is left.
        assert!(resolutions_for(&p, &o, &["k", "m"], defective, CaseKind::Return, now).is_empty());
        let mind = p.reason("changed_mind").unwrap();
        assert_eq!(
            resolutions_for(&p, &o, &["k"], mind, CaseKind::Exchange, now),
            [],
            "an exchange for a change of mind is past its fault-only window"
        );
    }

    #[test]
    fn a_line_allows_the_most_units_of_its_kind_or_says_why_not() {
        let mugs = r#"{"id":"a","sku":"A","title":"Mugs","category":"kitchen","unit_price":500,"quantity":4,"quantity_claimed":1,"delivered_at":"2026-11-20T00:00:00Z"}"#;
        let o = order(&format!("{mugs},{MUG}"));
        let v = evaluate(
            &Policy::default(),
            &o,
            "2026-11-22T00:00:00Z".parse().unwrap(),
        );
        assert_eq!(
            line_status(&v[0], CaseKind::Return),
            LineStatus::Open {
                max: 3,
                until: NaiveDate::from_ymd_opt(2026, 11, 27),
                faults_only: false,
            }
        );
        assert!(matches!(
            line_status(&v[1], CaseKind::Return),
            LineStatus::Closed {
                reason: Ineligible::WindowClosed { days: 7, .. }
            }
        ));
    }

    #[test]
    fn an_item_being_handled_is_said_before_a_closed_window() {
        let claimed = KETTLE.replace(r#""quantity":1"#, r#""quantity":1,"quantity_claimed":1"#);
        let o = order(&format!("{claimed},{MUG}"));
        assert_eq!(
            status(&o, "2026-11-22T00:00:00Z", CaseKind::Return),
            OptionStatus::Closed {
                reason: Ineligible::FullyClaimed
            }
        );
    }

    #[test]
    fn a_parcel_on_its_way_opens_a_delivery_problem_only() {
        let shipped = r#"{"id":"p","sku":"P","title":"Lamp","category":"kitchen","unit_price":100,"quantity":1,"fulfilled_at":"2026-11-10T00:00:00Z"}"#;
        let o = order(shipped);
        let now = "2026-11-22T00:00:00Z";
        assert!(status(&o, now, CaseKind::LogisticsIssue).is_open());
        assert_eq!(
            status(&o, now, CaseKind::Return),
            OptionStatus::Closed {
                reason: Ineligible::NotDelivered
            }
        );
    }

    #[test]
    fn a_quick_return_is_offered_only_where_every_answer_fits_in_one_tap_and_passes_the_engine() {
        use crate::case::validate_case;
        let policy = Policy::default();
        let order: Order = serde_json::from_str(r#"{"number": "9", "placed_at": "2026-11-01T08:00:00Z", "currency": "CNY", "lines": [
            {"id": "new", "sku": "A", "title": "Mug", "category": "home", "unit_price": 100, "quantity": 2, "delivered_at": "2026-11-20T10:00:00Z"},
            {"id": "old", "sku": "B", "title": "Cup", "category": "home", "unit_price": 100, "quantity": 1, "delivered_at": "2026-11-01T10:00:00Z"},
            {"id": "gone", "sku": "C", "title": "Pot", "category": "home", "unit_price": 100, "quantity": 1, "quantity_claimed": 1, "delivered_at": "2026-11-20T10:00:00Z"}
        ]}"#).unwrap();
        let now: DateTime<Utc> = "2026-11-22T12:00:00Z".parse().unwrap();
        let quick = quick_returns(&policy, &order, now);
        assert_eq!(
            quick.iter().map(|q| q.line_id.as_str()).collect::<Vec<_>>(),
            ["new"]
        );
        let codes: Vec<(&str, Option<crate::resolution::ItemCondition>)> = quick[0]
            .choices
            .iter()
            .map(|c| (c.reason.as_str(), c.condition))
            .collect();
        assert!(
            codes
                .iter()
                .all(|(r, _)| ["changed_mind", "wrong_size"].contains(r)),
            "{codes:?}"
        );
        assert!(
            codes.iter().all(|(_, c)| c.is_some()),
            "a shopper's reason states the condition"
        );
        for c in &quick[0].choices {
            let draft = quick[0].draft(c);
            assert!(validate_case(&policy, &order, &draft, now).is_ok(), "{c:?}");
        }
    }
}
