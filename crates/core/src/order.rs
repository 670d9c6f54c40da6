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
    /// The order lines.
    pub lines: Vec<Line>,
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
    /// Price paid for one unit, in minor units of the order's currency.
    pub unit_price: i64,
    /// Units ordered.
    pub quantity: u32,
    /// Units already claimed by earlier cases (returned or being returned).
    #[serde(default)]
    pub quantity_claimed: u32,
    /// When the line was delivered, if it was.
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
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
}
