//! A read-only snapshot of what the shopper bought and what was delivered.

use crate::money::{Currency, Money};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An order as the shop's backend reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Another variant a line may be exchanged for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExchangeOption {
    /// Its SKU.
    pub sku: String,
    /// The variant in words (`"Black / L"`).
    pub variant: String,
}

/// Most exchange options on one line.
pub const MAX_EXCHANGE_OPTIONS: usize = 50;

/// Where a line is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Identifier of the line, unique within the order.
    pub id: String,
    /// Stock-keeping unit of the product.
    pub sku: String,
    /// Product title as shown on the order.
    pub title: String,
    /// The variant bought, in words (`"Blue / 42"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// A picture of the product (`https:`), shown beside the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Other variants this line may be exchanged for (another size or colour).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchange_options: Vec<ExchangeOption>,
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

/// Most lines on one order.
pub const MAX_LINES: usize = 500;
/// Most units on one line.
pub const MAX_QUANTITY: u32 = 1_000_000;
/// Highest unit price, in minor units: with [`MAX_QUANTITY`] a line's total stays far inside
/// the range money can hold.
pub const MAX_UNIT_PRICE: i64 = 1_000_000_000_000;
/// Longest title or variant, in characters.
pub const MAX_TITLE: usize = 300;
/// Longest order number, line id, SKU, category or tag, in characters.
pub const MAX_CODE: usize = 64;
/// Longest image address, in bytes.
pub const MAX_URL: usize = 2_048;
/// Most tags on one line.
pub const MAX_TAGS: usize = 50;

/// One problem with an order snapshot: the field's path and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderProblem {
    /// Path of the field, e.g. `lines[2].discount`.
    pub path: String,
    /// What was expected.
    pub expected: String,
}

impl std::fmt::Display for OrderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.expected)
    }
}

impl Order {
    /// Checks a snapshot before the engine may use it, as a policy file is checked: every
    /// problem, each with its field. An order that passes can be evaluated, quoted and
    /// displayed safely: prices and discounts in range (a refund is never negative nor above
    /// what was paid), quantities bounded, dates in order, texts bounded and free of control
    /// and direction-override characters, images on `https:`.
    ///
    /// # Errors
    /// Every problem found.
    pub fn validate(&self) -> Result<(), Vec<OrderProblem>> {
        let mut out = Vec::new();
        let mut bad = |path: String, expected: &str| {
            out.push(OrderProblem {
                path,
                expected: expected.to_string(),
            })
        };
        let text = |s: &str, max| crate::text::check_bounded(s, max).is_ok();
        if !text(&self.number, MAX_CODE) {
            bad("number".into(), "an order number of 1 to 64 characters");
        }
        if let Some(c) = &self.shipping_country {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                bad(
                    "shipping_country".into(),
                    "a two-letter country code such as \"DE\"",
                );
            }
        }
        if self.lines.is_empty() || self.lines.len() > MAX_LINES {
            bad("lines".into(), "1 to 500 lines");
            if !self.lines.is_empty() {
                return Err(out);
            }
        }
        let mut ids = std::collections::HashSet::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            let at = |f: &str| format!("lines[{i}].{f}");
            if !text(&l.id, MAX_CODE) {
                bad(at("id"), "an id of 1 to 64 characters");
            } else if !ids.insert(l.id.as_str()) {
                bad(at("id"), "an id no other line of the order has");
            }
            if !text(&l.sku, MAX_CODE) {
                bad(at("sku"), "a SKU of 1 to 64 characters");
            }
            if !text(&l.title, MAX_TITLE) {
                bad(at("title"), "a title of 1 to 300 characters, without control or direction-override characters");
            }
            if l.variant.as_deref().is_some_and(|v| !text(v, MAX_TITLE)) {
                bad(at("variant"), "a variant of 1 to 300 characters, without control or direction-override characters");
            }
            if l.exchange_options.len() > MAX_EXCHANGE_OPTIONS {
                bad(at("exchange_options"), "at most 50 exchange options");
            } else {
                for (k, o) in l.exchange_options.iter().enumerate() {
                    if !text(&o.sku, MAX_CODE) {
                        bad(
                            format!("lines[{i}].exchange_options[{k}].sku"),
                            "a SKU of 1 to 64 characters",
                        );
                    }
                    if !text(&o.variant, MAX_TITLE) {
                        bad(format!("lines[{i}].exchange_options[{k}].variant"), "a variant of 1 to 300 characters, without control or direction-override characters");
                    }
                }
            }
            if l.image_url.as_deref().is_some_and(|u| !is_image_url(u)) {
                bad(at("image_url"), "an https: address, or a path on the shop's own site starting with /, of at most 2048 bytes");
            }
            if !text(&l.category, MAX_CODE) {
                bad(at("category"), "a category of 1 to 64 characters");
            }
            if l.tags.len() > MAX_TAGS {
                bad(at("tags"), "at most 50 tags");
            } else if let Some(k) = l.tags.iter().position(|t| !text(t, MAX_CODE)) {
                bad(
                    format!("lines[{i}].tags[{k}]"),
                    "a tag of 1 to 64 characters",
                );
            }
            if !(1..=MAX_QUANTITY).contains(&l.quantity) {
                bad(at("quantity"), "1 to 1000000 units");
            }
            if l.quantity_claimed > l.quantity {
                bad(at("quantity_claimed"), "no more units than were ordered");
            }
            if !(0..=MAX_UNIT_PRICE).contains(&l.unit_price) {
                bad(
                    at("unit_price"),
                    "a price of 0 to 1000000000000 minor units",
                );
            } else {
                let gross = l.unit_price.saturating_mul(i64::from(l.quantity));
                if !(0..=gross).contains(&l.discount) {
                    bad(
                        at("discount"),
                        "a discount of 0 up to the line's price times its quantity",
                    );
                }
            }
            if l.fulfilled_at.is_some_and(|t| t < self.placed_at) {
                bad(at("fulfilled_at"), "a time after the order was placed");
            }
            if l.delivered_at
                .is_some_and(|d| d < self.placed_at || l.fulfilled_at.is_some_and(|f| d < f))
            {
                bad(
                    at("delivered_at"),
                    "a time after the order was placed and shipped",
                );
            }
        }
        if out.is_empty() {
            Ok(())
        } else {
            Err(out)
        }
    }

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
        // Whatever the snapshot says, a refund is never negative nor above the list price.
        let paid = gross.checked_sub(Money::new(discount, currency))?;
        Ok(Money::new(
            paid.minor.clamp(0, gross.minor.max(0)),
            currency,
        ))
    }
}

/// Where a product picture may come from: `https:`, or a path on the shop's own site
/// (`/images/kettle.jpg`; not `//host`, which would be another site).
pub fn is_image_url(s: &str) -> bool {
    is_https_url(s)
        || (s.starts_with('/')
            && !s.starts_with("//")
            && s.len() <= MAX_URL
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '\\'))
}

/// `https://` with something after it, no spaces or control characters, at most
/// [`MAX_URL`] bytes.
pub fn is_https_url(s: &str) -> bool {
    s.len() > 8
        && s.len() <= MAX_URL
        && s.get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(discount: i64, quantity: u32, claimed: u32) -> Line {
        Line {
            id: "l".into(),
            sku: "s".into(),
            title: "t".into(),
            variant: None,
            image_url: None,
            exchange_options: vec![],
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

    #[test]
    fn a_bad_snapshot_names_every_problem_with_its_field() {
        let good = r#"{"number":"1","placed_at":"2026-11-01T00:00:00Z","currency":"EUR","lines":[
            {"id":"a","sku":"S","title":"Tea","category":"food","unit_price":1000,"quantity":2,
             "delivered_at":"2026-11-02T00:00:00Z"}]}"#;
        let base: serde_json::Value = serde_json::from_str(good).unwrap();
        let order = |patch: serde_json::Value| -> Order {
            let mut v = base.clone();
            for (k, val) in patch.as_object().unwrap() {
                v["lines"][0][k] = val.clone();
            }
            serde_json::from_value(v).unwrap()
        };
        assert_eq!(order(serde_json::json!({})).validate(), Ok(()));
        let table: &[(serde_json::Value, &str)] = &[
            (serde_json::json!({"unit_price": -1}), "lines[0].unit_price"),
            (serde_json::json!({"discount": 2001}), "lines[0].discount"),
            (serde_json::json!({"discount": -5}), "lines[0].discount"),
            (serde_json::json!({"quantity": 0}), "lines[0].quantity"),
            (
                serde_json::json!({"quantity_claimed": 3}),
                "lines[0].quantity_claimed",
            ),
            (
                serde_json::json!({"title": "Tea\u{202E}gnp.exe"}),
                "lines[0].title",
            ),
            (
                serde_json::json!({"title": "x".repeat(301)}),
                "lines[0].title",
            ),
            (serde_json::json!({"title": "  "}), "lines[0].title"),
            (
                serde_json::json!({"variant": "Blue\u{0007}"}),
                "lines[0].variant",
            ),
            (serde_json::json!({"sku": "s".repeat(65)}), "lines[0].sku"),
            (
                serde_json::json!({"image_url": "http://shop.example/a.png"}),
                "lines[0].image_url",
            ),
            (
                serde_json::json!({"image_url": "javascript:alert(1)"}),
                "lines[0].image_url",
            ),
            (
                serde_json::json!({"delivered_at": "2026-10-01T00:00:00Z"}),
                "lines[0].delivered_at",
            ),
            (serde_json::json!({"tags": ["ok", ""]}), "lines[0].tags[1]"),
        ];
        for (patch, path) in table {
            let problems = order(patch.clone()).validate().unwrap_err();
            assert_eq!(
                problems.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
                [*path],
                "{patch}"
            );
        }
        let mut two = order(serde_json::json!({"unit_price": -1, "quantity": 0}));
        two.lines.push(two.lines[0].clone());
        let paths: Vec<String> = two
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.path)
            .collect();
        assert!(
            paths.contains(&"lines[1].id".to_string()),
            "duplicate ids: {paths:?}"
        );
        assert!(paths.len() >= 5, "every problem at once: {paths:?}");
    }

    #[test]
    fn a_discount_above_the_price_never_pays_back_a_negative_amount() {
        let eur = Currency::new("EUR").unwrap();
        // Such a line is refused by validate(); the engine is still safe with it.
        assert_eq!(line(5000, 1, 0).paid_for(1, eur).unwrap().minor, 0);
        assert_eq!(line(-5000, 1, 0).paid_for(1, eur).unwrap().minor, 1000);
    }
}
