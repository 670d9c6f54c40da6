//! Words and numbers for the shopper (English for now; catalogs come with i18n).

use aftersales_core::case::ReturnReason;
use aftersales_core::eligibility::{Ineligible, Outcome};
use aftersales_core::money::Money;
use chrono::NaiveDate;

/// `25 Nov 2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// `CNY 199.00`.
pub fn money(m: Money) -> String {
    format!("{} {}", m.currency.code(), m.to_decimal_string())
}

/// The label of a return reason.
pub fn reason(r: ReturnReason) -> &'static str {
    match r {
        ReturnReason::ChangedMind => "I changed my mind",
        ReturnReason::WrongSize => "Wrong size or fit",
        ReturnReason::Defective => "It is faulty",
        ReturnReason::NotAsDescribed => "Not as described",
        ReturnReason::ArrivedDamaged => "It arrived damaged",
        ReturnReason::WrongItem => "I received the wrong item",
    }
}

/// The verdict line under an item, e.g. `Returnable until 2 Dec 2026 (7 days left)`.
pub fn verdict(outcome: &Outcome, window_days: u16, today: NaiveDate) -> String {
    match outcome {
        Outcome::Eligible { last_day, .. } => {
            let left = (*last_day - today).num_days();
            let hint = match left {
                i64::MIN..=0 => "last day today".to_string(),
                1 => "1 day left".to_string(),
                n => format!("{n} days left"),
            };
            format!("Returnable until {} ({hint})", date(*last_day))
        }
        Outcome::NotEligible {
            reason: Ineligible::WindowClosed { last_day },
        } => format!(
            "Not returnable: the {window_days}-day window closed on {}",
            date(*last_day)
        ),
        Outcome::NotEligible {
            reason: Ineligible::NotDelivered,
        } => "Not returnable yet: this item has not been delivered".into(),
        Outcome::NotEligible {
            reason: Ineligible::FullyClaimed,
        } => "Already being returned".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_core::money::Currency;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn verdict_sentences() {
        let today = d(2026, 11, 25);
        let open = Outcome::Eligible {
            last_day: d(2026, 12, 2),
            closes_at: Default::default(),
            max_quantity: 1,
        };
        assert_eq!(
            verdict(&open, 7, today),
            "Returnable until 2 Dec 2026 (7 days left)"
        );
        let last = Outcome::Eligible {
            last_day: today,
            closes_at: Default::default(),
            max_quantity: 1,
        };
        assert_eq!(
            verdict(&last, 7, today),
            "Returnable until 25 Nov 2026 (last day today)"
        );
        let closed = Outcome::NotEligible {
            reason: Ineligible::WindowClosed {
                last_day: d(2026, 11, 22),
            },
        };
        assert_eq!(
            verdict(&closed, 7, today),
            "Not returnable: the 7-day window closed on 22 Nov 2026"
        );
    }

    #[test]
    fn money_uses_the_currency_exponent() {
        assert_eq!(
            money(Money::new(19_900, Currency::new("CNY").unwrap())),
            "CNY 199.00"
        );
        assert_eq!(
            money(Money::new(1_500, Currency::new("JPY").unwrap())),
            "JPY 1500"
        );
    }
}
