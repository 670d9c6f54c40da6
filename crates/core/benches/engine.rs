//! `cargo bench -p aftersales-core`: the engine on a 1,000-line order against a 50-rule
//! policy (goal: under 1 ms natively), and one case validation.

use aftersales_core::case::{validate_case, CaseDraft, CaseType, DraftLine};
use aftersales_core::eligibility::evaluate;
use aftersales_core::money::Currency;
use aftersales_core::order::{Line, Order};
use aftersales_core::policy::{Matcher, Policy, Rule, SeasonalOverride, Window};
use aftersales_core::resolution::{ItemCondition, Resolution};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::collections::BTreeMap;

fn now() -> DateTime<Utc> {
    "2026-11-25T04:00:00Z".parse().unwrap()
}

/// 50 rules of every matcher kind; most lines fall through many of them.
fn policy() -> Policy {
    let mut p = Policy::default();
    let mut rules = Vec::new();
    for i in 0..48 {
        let when = match i % 4 {
            0 => Matcher {
                skus: vec![format!("SKU-{}", i * 7)],
                ..Matcher::default()
            },
            1 => Matcher {
                tags: vec![format!("tag-{i}")],
                ..Matcher::default()
            },
            2 => Matcher {
                min_unit_price: Some(1_000_000 + i),
                shipping_countries: vec!["DE".into()],
                ..Matcher::default()
            },
            _ => Matcher {
                categories: vec![format!("category-{i}")],
                ..Matcher::default()
            },
        };
        rules.push(Rule {
            name: format!("rule {i}"),
            when,
            windows: BTreeMap::from([(Resolution::Refund, Window::Days(30))]),
            fees: None,
            bonus: None,
            label: Default::default(),
            needs_review: i % 5 == 0,
        });
    }
    rules.append(&mut p.rules);
    p.rules = rules;
    p.seasonal = vec![SeasonalOverride {
        name: "holiday".into(),
        delivered_from: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        delivered_to: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
        last_day: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
    }];
    assert_eq!(p.rules.len(), 50);
    p
}

fn order(lines: usize) -> Order {
    let categories = [
        "kitchen",
        "electronics",
        "appliances",
        "apparel",
        "category-3",
    ];
    Order {
        number: "BIG".into(),
        placed_at: now() - Duration::days(30),
        currency: Currency::new("CNY").unwrap(),
        shipping_country: Some("CN".into()),
        lines: (0..lines)
            .map(|i| Line {
                id: format!("L{i}"),
                sku: format!("SKU-{i}"),
                title: format!("Item {i}"),
                variant: None,
                image_url: None,
                exchange_options: vec![],
                category: categories[i % categories.len()].into(),
                tags: vec![format!("tag-{}", i % 60)],
                final_sale: i % 17 == 0,
                unit_price: 1_000 + (i as i64 * 37) % 90_000,
                discount: (i as i64 % 7) * 10,
                quantity: 1 + (i as u32 % 4),
                quantity_claimed: i as u32 % 2,
                status: None,
                fulfilled_at: None,
                delivered_at: Some(now() - Duration::hours(i as i64 % 400)),
            })
            .collect(),
    }
}

fn bench(c: &mut Criterion) {
    let p = policy();
    let o = order(1_000);
    c.bench_function("evaluate 1000 lines x 7 resolutions, 50 rules", |b| {
        b.iter(|| evaluate(black_box(&p), black_box(&o), now()))
    });
    let draft = CaseDraft {
        case_type: CaseType::Return,
        lines: (0..10)
            .map(|i| DraftLine {
                line_id: format!("L{}", i * 2 + 1),
                quantity: 1,
                exchange_for: None,
            })
            .collect(),
        resolution: Some(Resolution::Refund),
        reason: Some("changed_mind".into()),
        condition: Some(ItemCondition::Opened),
        answers: BTreeMap::new(),
        evidence: vec![],
        description: String::new(),
    };
    c.bench_function("validate a 10-line return on that order", |b| {
        b.iter(|| validate_case(black_box(&p), black_box(&o), black_box(&draft), now()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
