//! Laws of the engine, checked on random inputs (proptest; `PROPTEST_CASES` raises the count).

use aftersales_core::case::{validate_case, CaseDraft, CaseType, DraftLine};
use aftersales_core::eligibility::{evaluate, Outcome};
use aftersales_core::lifecycle::{Actor, Lifecycle, Status, ALL_STATUSES, TRANSITIONS};
use aftersales_core::money::{Currency, Money};
use aftersales_core::order::{Line, Order};
use aftersales_core::policy::{FeeAmount, Fees, Policy};
use aftersales_core::resolution::{ItemCondition, Resolution};
use aftersales_core::tracking::{TrackingNumber, ALPHABET};
use aftersales_core::zone::ShopZone;
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(vec!["JPY", "CNY", "EUR", "USD", "KWD", "BHD"])
        .prop_map(|c| Currency::new(c).unwrap())
}

fn zone() -> impl Strategy<Value = ShopZone> {
    prop::sample::select(vec![
        "Asia/Shanghai",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "America/Santiago",
        "UTC",
        "Asia/Kolkata",
    ])
    .prop_map(|z| ShopZone::parse(z).unwrap())
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2024-01-01 .. 2028-12-31
    (1_704_067_200i64..1_861_919_999).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

prop_compose! {
    fn line()(quantity in 1u32..20, claimed in 0u32..25, unit_price in 0i64..5_000_000, discount_pct in 0i64..=100,
              delivered_offset in prop::option::of(0i64..400 * 86_400), final_sale in any::<bool>(),
              category in prop::sample::select(vec!["kitchen", "electronics", "appliances", "apparel"])) -> (Line, Option<i64>) {
        let discount = unit_price * i64::from(quantity) * discount_pct / 100;
        (Line {
            id: String::new(), sku: "SKU".into(), title: "t".into(), variant: None, image_url: None, exchange_options: vec![], category: category.into(), tags: vec![],
            final_sale, unit_price, discount, quantity, quantity_claimed: claimed.min(quantity), status: None,
            fulfilled_at: None, delivered_at: None,
        }, delivered_offset)
    }
}

prop_compose! {
    fn order()(currency in currency(), placed in instant(), lines in prop::collection::vec(line(), 1..6)) -> Order {
        let lines = lines.into_iter().enumerate().map(|(i, (mut l, off))| {
            l.id = format!("L{i}");
            l.delivered_at = off.map(|s| placed + Duration::seconds(s));
            l
        }).collect();
        Order { number: "1".into(), placed_at: placed, currency, shipping_country: None, lines }
    }
}

fn policy_with(zone: ShopZone, restocking_bp: u32, shipping: i64) -> Policy {
    Policy {
        time_zone: zone,
        fees: Fees {
            restocking: Some(FeeAmount::BasisPoints(restocking_bp)),
            return_shipping: Some(shipping),
            free_returns: false,
        },
        ..Policy::default()
    }
}

proptest! {
    #[test]
    fn never_eligible_at_or_after_the_deadline(o in order(), z in zone(), probe in -86_400i64..86_400 * 30) {
        let p = policy_with(z, 0, 0);
        for lv in evaluate(&p, &o, o.placed_at) {
            for v in &lv.verdicts {
                if let Some(closes) = v.outcome.allowance().and_then(|a| a.closes_at) {
                    let line = o.line(&lv.line_id).unwrap();
                    let at = closes + Duration::seconds(probe.abs());
                    let later = aftersales_core::eligibility::evaluate_one(&p, &o, line, v.resolution, at);
                    prop_assert!(later.allowance().is_none(), "{:?} still open at {at} (closes {closes})", v.resolution);
                    // ...and open the second before, if it was open at the start.
                    let before = aftersales_core::eligibility::evaluate_one(&p, &o, line, v.resolution, closes - Duration::seconds(1));
                    prop_assert!(before.allowance().is_some());
                }
            }
        }
    }

    #[test]
    fn the_last_day_is_the_shops_calendar_day_of_the_closing_instant_minus_one(o in order(), z in zone()) {
        let p = policy_with(z.clone(), 0, 0);
        for lv in evaluate(&p, &o, o.placed_at) {
            for v in &lv.verdicts {
                if let Some(a) = v.outcome.allowance() {
                    if let (Some(last), Some(closes)) = (a.last_day, a.closes_at) {
                        prop_assert_eq!(z.local_date(closes - Duration::seconds(1)), last);
                        prop_assert!(z.local_date(closes) > last);
                    }
                }
            }
        }
    }

    #[test]
    fn refunds_stay_between_zero_and_what_was_paid(o in order(), z in zone(), bp in 0u32..=10_000, shipping in 0i64..100_000,
                                                   reason in prop::sample::select(vec!["changed_mind", "wrong_size"]), at_off in 0i64..30 * 86_400) {
        prop_assert!(o.validate().is_ok(), "a sane order is accepted: {:?}", o.validate());
        let p = policy_with(z, bp, shipping);
        let now = o.placed_at + Duration::seconds(at_off);
        for line in &o.lines {
            for qty in 1..=line.claimable() {
                let draft = CaseDraft {
                    case_type: CaseType::Return,
                    lines: vec![DraftLine { line_id: line.id.clone(), quantity: qty , exchange_for: None }],
                    resolution: Some(Resolution::Refund),
                    reason: Some(reason.to_string()),
                    condition: Some(ItemCondition::NewUnopened),
                    answers: BTreeMap::new(),
                    evidence: vec![],
                    description: String::new(),
                };
                if let Ok(accepted) = validate_case(&p, &o, &draft, now) {
                    let q = accepted.quote.unwrap();
                    let paid: i64 = q.lines.iter().map(|l| l.paid.minor).sum();
                    prop_assert!(q.total.minor >= 0);
                    prop_assert!(q.total.minor <= paid);
                    prop_assert!(paid <= line.unit_price * i64::from(qty));
                    prop_assert_eq!(q.total.currency, o.currency);
                }
            }
        }
    }

    #[test]
    fn claims_never_exceed_what_is_left(o in order(), z in zone()) {
        let p = policy_with(z, 0, 0);
        for lv in evaluate(&p, &o, o.placed_at) {
            let line = o.line(&lv.line_id).unwrap();
            for v in &lv.verdicts {
                if let Some(a) = v.outcome.allowance() {
                    prop_assert!(a.max_quantity >= 1);
                    prop_assert!(a.max_quantity <= line.quantity - line.quantity_claimed);
                }
                if line.claimable() == 0 {
                    prop_assert!(!matches!(v.outcome, Outcome::Eligible(_) | Outcome::NeedsReview(_)));
                }
            }
        }
    }

    #[test]
    fn discount_shares_of_all_units_sum_to_the_line_total(o in order()) {
        for line in &o.lines {
            let fresh = Line { quantity_claimed: 0, ..line.clone() };
            let mut sum = 0;
            let mut claimed = fresh.clone();
            for _ in 0..fresh.quantity {
                sum += claimed.paid_for(1, o.currency).unwrap().minor;
                claimed.quantity_claimed += 1;
            }
            prop_assert_eq!(sum, fresh.unit_price * i64::from(fresh.quantity) - fresh.discount);
        }
    }

    #[test]
    fn allocations_sum_exactly(minor in -1_000_000_000_000i64..1_000_000_000_000, parts in 1u32..500, c in currency()) {
        let shares = Money::new(minor, c).allocate_evenly(parts);
        prop_assert_eq!(shares.len(), parts as usize);
        prop_assert_eq!(shares.iter().map(|m| m.minor).sum::<i64>(), minor);
        let (lo, hi) = (shares.iter().map(|m| m.minor).min().unwrap(), shares.iter().map(|m| m.minor).max().unwrap());
        prop_assert!(hi - lo <= 1);
    }

    #[test]
    fn random_moves_only_ever_follow_the_transition_table(moves in prop::collection::vec((0usize..15, 0usize..3), 0..60)) {
        let t0 = Utc.timestamp_opt(1_764_000_000, 0).unwrap();
        let mut c = Lifecycle::new(t0);
        let actors = [Actor::Shopper, Actor::Merchant, Actor::System];
        for (i, (s, a)) in moves.into_iter().enumerate() {
            let before = c.status();
            let to = ALL_STATUSES[s];
            let ok = c.apply(to, actors[a], t0 + Duration::minutes(i as i64)).is_ok();
            let legal = TRANSITIONS.iter().any(|(f, t, who)| *f == before && *t == to && who.contains(&actors[a]));
            prop_assert_eq!(ok, legal);
            prop_assert_eq!(c.status(), if ok { to } else { before });
        }
        let mut at = Status::Submitted;
        for t in &c.history {
            prop_assert_eq!(t.from, at);
            prop_assert!(t.from.allows(t.to, t.by));
            at = t.to;
        }
    }

    #[test]
    fn tracking_numbers_catch_every_single_substitution_and_adjacent_swap(bytes in prop::array::uniform10(0u8..248), pos in 0usize..11, sym in 0usize..31) {
        let t = TrackingNumber::from_random(bytes);
        let body: Vec<u8> = t.as_str().bytes().filter(|b| *b != b'-').skip(2).collect();
        prop_assert_eq!(body.len(), 11);
        if ALPHABET[sym] != body[pos] {
            let mut typo = body.clone();
            typo[pos] = ALPHABET[sym];
            prop_assert!(TrackingNumber::parse(std::str::from_utf8(&typo).unwrap()).is_err());
        }
        if pos + 1 < body.len() && body[pos] != body[pos + 1] {
            let mut swapped = body.clone();
            swapped.swap(pos, pos + 1);
            prop_assert!(TrackingNumber::parse(std::str::from_utf8(&swapped).unwrap()).is_err());
        }
    }
}

prop_compose! {
    /// Lines as a careless or hostile backend might send them: any price, any discount, any
    /// quantity and claim.
    fn wild_line()(unit_price in prop_oneof![any::<i64>(), -1_000i64..10_000_000],
                   discount in prop_oneof![any::<i64>(), -1_000i64..10_000_000],
                   quantity in prop_oneof![any::<u32>(), 0u32..10],
                   claimed in prop_oneof![any::<u32>(), 0u32..10]) -> Line {
        Line {
            id: String::new(), sku: "SKU".into(), title: "t".into(), variant: None, image_url: None, exchange_options: vec![],
            category: "kitchen".into(), tags: vec![], final_sale: false, unit_price, discount,
            quantity, quantity_claimed: claimed, status: None, fulfilled_at: None, delivered_at: None,
        }
    }
}

proptest! {
    /// For any order the validator accepts, every quote the engine makes is between zero and
    /// what the chosen units cost, and no check panics on what it refuses.
    #[test]
    fn wild_orders_the_validator_accepts_never_refund_out_of_range(lines in prop::collection::vec(wild_line(), 1..4),
                                                   restocking_bp in 0u32..=10_000, shipping in 0i64..100_000) {
        let placed = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let order = Order {
            number: "1".into(), placed_at: placed, currency: Currency::new("EUR").unwrap(),
            shipping_country: None,
            lines: lines.into_iter().enumerate().map(|(i, mut l)| {
                l.id = format!("L{i}");
                l.delivered_at = Some(placed + Duration::days(1));
                l
            }).collect(),
        };
        let valid = order.validate().is_ok();
        let policy = policy_with(ShopZone::parse("UTC").unwrap(), restocking_bp, shipping);
        let now = placed + Duration::days(3);
        for line in &order.lines {
            for quantity in [1, line.quantity.saturating_sub(line.quantity_claimed), line.quantity] {
                let Ok(paid) = line.paid_for(quantity, order.currency) else { continue };
                if valid {
                    prop_assert!(paid.minor >= 0, "paid {} for {quantity} of {line:?}", paid.minor);
                    prop_assert!(paid.minor <= line.unit_price * i64::from(quantity));
                }
                let draft = CaseDraft {
                    case_type: CaseType::Return,
                    lines: vec![DraftLine { line_id: line.id.clone(), quantity, exchange_for: None }],
                    resolution: Some(Resolution::Refund),
                    reason: Some("changed_mind".into()),
                    condition: Some(ItemCondition::NewUnopened),
                    answers: BTreeMap::new(),
                    evidence: vec![],
                    description: String::new(),
                };
                if let (true, Ok(accepted)) = (valid, validate_case(&policy, &order, &draft, now)) {
                    let q = accepted.quote.unwrap();
                    let paid: i64 = q.lines.iter().map(|l| l.paid.minor).sum();
                    prop_assert!((0..=paid).contains(&q.total.minor), "total {} of {paid}", q.total.minor);
                }
            }
        }
    }
}
