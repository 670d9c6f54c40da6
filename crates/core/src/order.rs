//! A read-only snapshot of what the shopper bought and what was delivered.

use crate::money::{Currency, Money};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An order as the shop's backend reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The order number the shopper knows (printed on the confirmation e-mail).
    pub number: String,
    /// When the order was placed.
    pub placed_at: DateTime<Utc>,
    /// Currency of every price on the order.
    pub currency: Currency,
    /// ISO 3166-1 alpha-2 country the order was shipped to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_country: Option<String>,
    /// The order lines.
    pub lines: Vec<Line>,
}

/// Where a line is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fulfilment {
    /// Not shipped yet.
    Unfulfilled,
    /// Shipped, not (yet) delivered.
    Shipped,
    /// Delivered.
    Delivered,
}

/// One order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Identifier of the line, unique within the order.
    pub id: String,
    /// Stock-keeping unit of the product.
    pub sku: String,
    /// Product title as shown on the order.
    pub title: String,
    /// Product category, used by policy rules (e.g. `"electronics"`).
    pub category: String,
    /// Product tags, used by policy rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Sold as final sale.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub final_sale: bool,
    /// List price of one unit, in minor units of the order's currency.
    pub unit_price: i64,
    /// Discount on the whole line (all units), in minor units; refunds give it back pro rata.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub discount: i64,
    /// Units ordered.
    pub quantity: u32,
    /// Units already claimed by earlier cases (returned or being returned).
    #[serde(default)]
    pub quantity_claimed: u32,
    /// Delivery state; when absent it follows from the dates given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Fulfilment>,
    /// When the line was shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// When the line was delivered.
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Order {
    /// The line with id `id`.
    pub fn line(&self, id: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.id == id)
    }
}

impl Line {
    /// The unit price as [`Money`] in `currency`.
    pub fn unit_money(&self, currency: Currency) -> Money {
        Money::new(self.unit_price, currency)
    }

    /// Units that can still be claimed: ordered minus already claimed.
    pub fn claimable(&self) -> u32 {
        self.quantity.saturating_sub(self.quantity_claimed)
    }

    /// The delivery state: `status` if given, else delivered when there is a delivery date,
    /// shipped when there is a shipping date, unfulfilled otherwise.
    pub fn fulfilment(&self) -> Fulfilment {
        match (self.status, self.delivered_at, self.fulfilled_at) {
            (Some(s), _, _) => s,
            (None, Some(_), _) => Fulfilment::Delivered,
            (None, None, Some(_)) => Fulfilment::Shipped,
            (None, None, None) => Fulfilment::Unfulfilled,
        }
    }

    /// The instant windows count from: delivery, else shipping, else the order date.
    pub fn window_anchor(&self, placed_at: DateTime<Utc>) -> DateTime<Utc> {
        self.delivered_at.or(self.fulfilled_at).unwrap_or(placed_at)
    }

    /// What `quantity` units cost the shopper: list price minus their share of the line
    /// discount. Units already claimed took the first shares (the discount is split evenly,
    /// leftover minor units on the first units), so every unit's refund adds up to exactly
    /// what was paid for the line.
    ///
    /// # Errors
    /// [`crate::CoreError::Overflow`].
    pub fn paid_for(&self, quantity: u32, currency: Currency) -> Result<Money, crate::CoreError> {
        let gross = self.unit_money(currency).checked_mul(i64::from(quantity))?;
        // The shares of Money::allocate_evenly, summed in O(1): every unit gets `base`, the
        // first `leftover` units one more.
        let n = i64::from(self.quantity.max(1));
        let (base, leftover) = (self.discount.div_euclid(n), self.discount.rem_euclid(n));
        let start = i64::from(self.quantity_claimed.min(self.quantity));
        let end = (start + i64::from(quantity)).min(i64::from(self.quantity));
        let extra = (end.min(leftover) - start).max(0);
        let discount = base
            .checked_mul(end - start)
            .and_then(|d| d.checked_add(extra))
            .ok_or(crate::CoreError::Overflow)?;
        gross.checked_sub(Money::new(discount, currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(discount: i64, quantity: u32, claimed: u32) -> Line {
        Line {
            id: "l".into(),
            sku: "s".into(),
            title: "t".into(),
            category: "c".into(),
            tags: vec![],
            final_sale: false,
            unit_price: 1000,
            discount,
            quantity,
            quantity_claimed: claimed,
            status: None,
            fulfilled_at: None,
            delivered_at: None,
        }
    }

    #[test]
    fn discounts_are_refunded_pro_rata_and_add_up_exactly() {
        let eur = Currency::new("EUR").unwrap();
        // 3 units at 10.00 with 1.00 off the line: 9.66 + 9.67 + 9.67 = 29.00 paid.
        assert_eq!(line(100, 3, 0).paid_for(1, eur).unwrap().minor, 966);
        assert_eq!(line(100, 3, 1).paid_for(2, eur).unwrap().minor, 1934);
        assert_eq!(line(100, 3, 0).paid_for(3, eur).unwrap().minor, 2900);
    }

    #[test]
    fn fulfilment_follows_the_dates_unless_given() {
        let mut l = line(0, 1, 0);
        assert_eq!(l.fulfilment(), Fulfilment::Unfulfilled);
        l.fulfilled_at = Some("2026-11-01T00:00:00Z".parse().unwrap());
        assert_eq!(l.fulfilment(), Fulfilment::Shipped);
        l.delivered_at = Some("2026-11-03T00:00:00Z".parse().unwrap());
        assert_eq!(l.fulfilment(), Fulfilment::Delivered);
        assert_eq!(l.window_anchor(Default::default()), l.delivered_at.unwrap());
        l.status = Some(Fulfilment::Shipped);
        assert_eq!(l.fulfilment(), Fulfilment::Shipped);
    }
}
