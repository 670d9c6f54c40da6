//! Demo orders, dated relative to the moment the server starts so that the demo always shows
//! lines inside and outside the 7-day window.

use aftersales_core::money::Currency;
use aftersales_core::order::{ExchangeOption, Line, Order};
use chrono::{DateTime, Duration, SubsecRound as _, Utc};

/// A demo order with the e-mail it was placed with.
pub struct DemoOrder {
    /// The shopper's e-mail.
    pub email: &'static str,
    /// The order snapshot.
    pub order: Order,
}

fn line(
    id: &str,
    sku: &str,
    title: &str,
    category: &str,
    price: i64,
    qty: u32,
    delivered: Option<DateTime<Utc>>,
) -> Line {
    Line {
        id: id.into(),
        sku: sku.into(),
        title: title.into(),
        variant: None,
        image_url: None,
        exchange_options: vec![],
        category: category.into(),
        tags: Vec::new(),
        final_sale: false,
        unit_price: price,
        discount: 0,
        quantity: qty,
        quantity_claimed: 0,
        status: None,
        fulfilled_at: None,
        delivered_at: delivered,
    }
}

/// The demo orders as of `now`.
pub fn orders(now: DateTime<Utc>) -> Vec<DemoOrder> {
    let now = now.trunc_subsecs(0);
    let cny = Currency::new("CNY").unwrap_or_else(|e| panic!("{e}"));
    let days = |n: i64| Some(now - Duration::days(n));
    let mut headphones = line(
        "1001-3",
        "HP-300",
        "Wireless headphones",
        "electronics",
        59_900,
        1,
        None,
    );
    headphones.fulfilled_at = days(1);
    let mut scarf = line(
        "1002-3",
        "SCF-SILK",
        "Silk scarf (final sale)",
        "apparel",
        25_900,
        1,
        days(3),
    );
    scarf.final_sale = true;
    scarf.discount = 5_000;
    let mut napkins = line(
        "1002-4",
        "NPK-LIN",
        "Linen napkins, set of 4",
        "home",
        8_900,
        2,
        days(3),
    );
    napkins.variant = Some("Oat".into());
    let mut kettle = line(
        "1001-1",
        "KET-200",
        "Electric kettle, 1.7 l",
        "appliances",
        19_900,
        1,
        days(2),
    );
    kettle.image_url = Some("/images/kettle.svg".into());
    let mut tee = line(
        "1001-2",
        "TEE-BLK-M",
        "Cotton T-shirt",
        "apparel",
        7_900,
        2,
        days(10),
    );
    tee.variant = Some("Black / M".into());
    tee.exchange_options = [
        ("TEE-BLK-S", "Black / S"),
        ("TEE-BLK-L", "Black / L"),
        ("TEE-WHT-M", "White / M"),
    ]
    .into_iter()
    .map(|(sku, variant)| ExchangeOption {
        sku: sku.into(),
        variant: variant.into(),
    })
    .collect();
    tee.image_url = Some("/images/tshirt.svg".into());
    headphones.image_url = Some("/images/headphones.svg".into());
    // Order 1003: a speaker bought eight months ago (only its warranty is left) and a lamp
    // shipped twelve days ago that never arrived.
    let speaker = line(
        "1003-1",
        "SPK-10",
        "Bluetooth speaker",
        "electronics",
        29_900,
        1,
        days(240),
    );
    let mut lamp = line("1003-2", "LMP-DESK", "Desk lamp", "home", 15_900, 1, None);
    lamp.variant = Some("Walnut".into());
    lamp.fulfilled_at = days(12);
    vec![
        DemoOrder {
            email: "mei@example.com",
            order: Order {
                number: "1001".into(),
                placed_at: now - Duration::days(12),
                currency: cny,
                shipping_country: Some("CN".into()),
                lines: vec![kettle, tee, headphones],
            },
        },
        DemoOrder {
            email: "sam@example.com",
            order: Order {
                number: "1002".into(),
                placed_at: now - Duration::days(9),
                currency: cny,
                shipping_country: Some("CN".into()),
                lines: vec![
                    line(
                        "1002-1",
                        "MUG-01",
                        "Stoneware mug",
                        "kitchen",
                        4_900,
                        4,
                        days(7),
                    ),
                    line(
                        "1002-2",
                        "TEA-OOL",
                        "Oolong tea, 250 g",
                        "food",
                        12_800,
                        1,
                        days(8),
                    ),
                    scarf,
                    napkins,
                ],
            },
        },
        DemoOrder {
            email: "li@example.com",
            order: Order {
                number: "1003".into(),
                placed_at: now - Duration::days(250),
                currency: cny,
                shipping_country: Some("CN".into()),
                lines: vec![speaker, lamp],
            },
        },
    ]
}

/// The demo's policy: the seed defaults, with the EU withdrawal function on (14 days).
pub fn policy() -> aftersales_core::policy::Policy {
    aftersales_core::policy::Policy {
        withdrawal: Some(aftersales_core::withdrawal::WithdrawalRule { days: 14 }),
        ..aftersales_core::policy::Policy::default()
    }
}

/// The demo's FAQ (`docs/examples/faq.json`, built in).
///
/// # Errors
/// The file's first problem (a test keeps it valid).
pub fn faq() -> Result<aftersales_core::faq::Faq, String> {
    aftersales_core::faq::Faq::from_json(include_str!("../../../docs/examples/faq.json"))
        .map_err(|e| format!("docs/examples/faq.json: {e}"))
}
