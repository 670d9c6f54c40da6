//! Words and numbers for the shopper (English for now; catalogs come with i18n).

use aftersales_core::case::CaseKind;
use aftersales_core::commitment::Span;
use aftersales_core::eligibility::{Ineligible, Outcome};
use aftersales_core::money::Money;
use aftersales_core::policy::{Policy, Window};
use aftersales_core::resolution::ItemCondition;
use aftersales_core::resolution::Resolution;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `25 Nov 2026` (written out by hand: chrono's strftime machinery costs bundle size).
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// `09:05`.
pub fn time(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// `CNY 199.00`.
pub fn money(m: Money) -> String {
    format!("{} {}", m.currency.code(), m.to_decimal_string())
}

/// The label of a reason code; codes a merchant added get their code in words.
pub fn reason(code: &str) -> String {
    let known = match code {
        "changed_mind" => "I changed my mind",
        "wrong_size" => "Wrong size or fit",
        "defective" => "It is faulty",
        "not_as_described" => "Not as described",
        "arrived_damaged" => "It arrived damaged",
        "missing_part" => "A part is missing",
        "wrong_item" => "I received the wrong item",
        "lost_in_delivery" => "The parcel never arrived",
        other => {
            let words = other.replace('_', " ");
            let mut c = words.chars();
            return c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
        }
    };
    known.to_string()
}

/// The label of an item condition.
pub fn condition(c: ItemCondition) -> &'static str {
    match c {
        ItemCondition::NewUnopened => "New, unopened",
        ItemCondition::Opened => "Opened, not used",
        ItemCondition::Used => "Used",
        ItemCondition::Damaged => "Damaged",
    }
}

/// `48 hours`, `30 minutes`, `8 business hours`.
pub fn span(s: Span) -> String {
    let (n, unit) = match s {
        Span::Minutes(n) => (n, "minute"),
        Span::Hours(n) => (n, "hour"),
        Span::BusinessMinutes(n) => (n, "business minute"),
        Span::BusinessHours(n) => (n, "business hour"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The shop's policy in a few sentences, for the policy step.
pub fn policy_summary(p: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    let days = |w: Option<&Window>| w.and_then(Window::days);
    out.push(match p.windows.get(&Resolution::Refund) {
        Some(Window::Days(d)) => {
            format!("Changed your mind? Return it within {d} days of delivery for a refund.")
        }
        Some(Window::FaultOnlyDays(d)) => {
            format!("Refunds within {d} days of delivery for faulty, damaged or wrong items.")
        }
        Some(Window::Unlimited) => "Changed your mind? Return it at any time for a refund.".into(),
        Some(Window::NotPermitted) | None => "Refunds are not offered for a change of mind.".into(),
    });
    if let Some(d) = days(p.windows.get(&Resolution::Exchange)) {
        out.push(match p.windows.get(&Resolution::Exchange) {
            Some(Window::FaultOnlyDays(_)) => {
                format!("Faulty, damaged or wrong? Exchange it within {d} days.")
            }
            _ => format!("Exchange it within {d} days."),
        });
    }
    if let Some(d) = days(p.windows.get(&Resolution::Repair)) {
        out.push(format!("Repair under warranty for {d} days."));
    }
    for rule in &p.rules {
        if let Some(d) = days(rule.windows.get(&Resolution::Repair)) {
            let what = if rule.when.categories.is_empty() {
                rule.name.clone()
            } else {
                rule.when.categories.join(" and ")
            };
            let span = if d % 365 == 0 {
                format!("{} year{}", d / 365, if d == 365 { "" } else { "s" })
            } else {
                format!("{d} days")
            };
            out.push(format!("Warranty repair for {what}: {span}."));
        }
        if rule.when.final_sale == Some(true)
            && rule.windows.get(&Resolution::Refund) == Some(&Window::NotPermitted)
        {
            out.push("Items sold as final sale cannot be returned for a refund.".into());
        }
    }
    let charged = !p.fees.free_returns
        && (p.fees.return_shipping.unwrap_or(0) > 0 || p.fees.restocking.is_some());
    out.push(if charged {
        "A change of mind may cost return shipping or a restocking fee; faulty items never do."
            .into()
    } else {
        "Returns cost you nothing.".into()
    });
    out.push(format!(
        "We answer return requests within {}.",
        span(p.commitments.for_kind(CaseKind::Return).respond_within)
    ));
    let complaint = p.commitments.for_kind(CaseKind::Complaint);
    out.push(match complaint.resolve_within {
        Some(r) => format!(
            "Complaints: answered within {}, resolved within {}.",
            span(complaint.respond_within),
            span(r)
        ),
        None => format!(
            "Complaints: answered within {}.",
            span(complaint.respond_within)
        ),
    });
    out
}

/// The verdict line under an item, e.g. `Returnable until 2 Dec 2026 (7 days left)`.
pub fn verdict(outcome: &Outcome, window_days: Option<u16>, today: NaiveDate) -> String {
    let until = |last_day: Option<NaiveDate>| match last_day {
        None => "Returnable at any time".to_string(),
        Some(last) => {
            let hint = match (last - today).num_days() {
                i64::MIN..=0 => "last day today".to_string(),
                1 => "1 day left".to_string(),
                n => format!("{n} days left"),
            };
            format!("Returnable until {} ({hint})", date(last))
        }
    };
    match outcome {
        Outcome::Eligible(a) => until(a.last_day),
        Outcome::NeedsReview(a) => format!("{}; the shop reviews each request", until(a.last_day)),
        Outcome::NotEligible { reason } => match reason {
            Ineligible::WindowClosed { last_day } => match window_days {
                Some(d) => format!(
                    "Not returnable: the {d}-day window closed on {}",
                    date(*last_day)
                ),
                None => format!(
                    "Not returnable: the return window closed on {}",
                    date(*last_day)
                ),
            },
            Ineligible::NotDelivered => {
                "Not returnable yet: this item has not been delivered".into()
            }
            Ineligible::NotShipped => "Not returnable: this item has not been shipped yet".into(),
            Ineligible::FullyClaimed => "Already being returned".into(),
            Ineligible::FinalSale => "Not returnable: sold as final sale".into(),
            Ineligible::NotPermitted { .. } | Ineligible::NotOffered => {
                "Not returnable under the shop's policy".into()
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_core::eligibility::Allowance;
    use aftersales_core::money::Currency;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn open(last: Option<NaiveDate>) -> Allowance {
        Allowance {
            last_day: last,
            closes_at: None,
            max_quantity: 1,
            merchant_fault_only: false,
            max_refund: None,
        }
    }

    #[test]
    fn verdict_sentences() {
        let today = d(2026, 11, 25);
        let seven = Some(7);
        assert_eq!(
            verdict(&Outcome::Eligible(open(Some(d(2026, 12, 2)))), seven, today),
            "Returnable until 2 Dec 2026 (7 days left)"
        );
        assert_eq!(
            verdict(&Outcome::Eligible(open(Some(today))), seven, today),
            "Returnable until 25 Nov 2026 (last day today)"
        );
        assert_eq!(
            verdict(&Outcome::Eligible(open(None)), seven, today),
            "Returnable at any time"
        );
        let closed = Outcome::NotEligible {
            reason: Ineligible::WindowClosed {
                last_day: d(2026, 11, 22),
            },
        };
        assert_eq!(
            verdict(&closed, seven, today),
            "Not returnable: the 7-day window closed on 22 Nov 2026"
        );
        let sale = Outcome::NotEligible {
            reason: Ineligible::FinalSale,
        };
        assert_eq!(
            verdict(&sale, seven, today),
            "Not returnable: sold as final sale"
        );
    }

    #[test]
    fn the_seed_policy_in_words() {
        assert_eq!(
            policy_summary(&Policy::default()),
            [
                "Changed your mind? Return it within 7 days of delivery for a refund.",
                "Faulty, damaged or wrong? Exchange it within 15 days.",
                "Items sold as final sale cannot be returned for a refund.",
                "Warranty repair for electronics and appliances: 1 year.",
                "Returns cost you nothing.",
                "We answer return requests within 48 hours.",
                "Complaints: answered within 24 hours, resolved within 48 hours.",
            ]
        );
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(date(d(2026, 1, 5)), "5 Jan 2026");
        assert_eq!(date(d(2026, 12, 31)), "31 Dec 2026");
        assert_eq!(time(d(2026, 1, 5).and_hms_opt(9, 5, 59).unwrap()), "09:05");
    }

    #[test]
    fn money_spans_and_reasons() {
        assert_eq!(
            money(Money::new(19_900, Currency::new("CNY").unwrap())),
            "CNY 199.00"
        );
        assert_eq!(
            money(Money::new(1_500, Currency::new("JPY").unwrap())),
            "JPY 1500"
        );
        assert_eq!(span(Span::Hours(48)), "48 hours");
        assert_eq!(span(Span::BusinessMinutes(1)), "1 business minute");
        assert_eq!(reason("changed_mind"), "I changed my mind");
        assert_eq!(reason("too_small_for_my_cat"), "Too small for my cat");
    }
}
