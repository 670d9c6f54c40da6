//! The policy as schema.org `MerchantReturnPolicy` JSON-LD (what search engines and Google
//! Merchant Center read), both ways. What maps, maps; what does not is reported, never
//! silently dropped.

use crate::money::{Currency, Money};
use crate::policy::{FeeAmount, Fees, Policy, SeasonalOverride, Window};
use crate::resolution::{ItemCondition, Resolution};
use crate::zone::ShopZone;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const SO: &str = "https://schema.org/";

/// The JSON-LD and the parts of the policy it could not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// A `MerchantReturnPolicy` object.
    pub json_ld: Value,
    /// One sentence per policy part schema.org has no place for.
    pub not_exported: Vec<String>,
}

/// A policy read from JSON-LD and what could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The policy: schema.org's terms over the seed defaults for everything else.
    pub policy: Policy,
    /// One sentence per property that was not used, or default that was assumed.
    pub notes: Vec<String>,
}

fn category(w: Option<&Window>) -> &'static str {
    match w {
        Some(Window::Unlimited) => "MerchantReturnUnlimitedWindow",
        Some(Window::Days(_) | Window::FaultOnlyDays(_)) => "MerchantReturnFiniteReturnWindow",
        Some(Window::NotPermitted) | None => "MerchantReturnNotPermitted",
    }
}

fn amount(minor: i64, currency: Currency) -> Value {
    json!({"@type": "MonetaryAmount", "value": Money::new(minor, currency).to_decimal_string(), "currency": currency.code()})
}

/// Exports the shop-wide return terms. `currency` is needed to state fixed fees.
pub fn export(policy: &Policy, currency: Option<Currency>) -> Exported {
    let mut out = Map::new();
    let mut not = Vec::new();
    out.insert("@context".into(), json!("https://schema.org"));
    out.insert("@type".into(), json!("MerchantReturnPolicy"));
    let refund = policy.windows.get(&Resolution::Refund);
    out.insert(
        "returnPolicyCategory".into(),
        json!(format!("{SO}{}", category(refund))),
    );
    if let Some(d) = refund.and_then(Window::days) {
        out.insert("merchantReturnDays".into(), json!(d));
    }
    if let Some(Window::FaultOnlyDays(_)) = refund {
        not.push("windows.refund: schema.org cannot say a window is for faulty items only".into());
    }
    let refund_types: Vec<Value> = [
        (Resolution::Refund, "FullRefund"),
        (Resolution::StoreCredit, "StoreCreditRefund"),
        (Resolution::Exchange, "ExchangeRefund"),
    ]
    .iter()
    // Only resolutions on the same terms as the refund: schema.org has one window.
    .filter(|(r, _)| {
        let w = policy.windows.get(r);
        !matches!(w, None | Some(Window::NotPermitted)) && (*r == Resolution::Refund || w == refund)
    })
    .map(|(_, t)| json!(format!("{SO}{t}")))
    .collect();
    if !refund_types.is_empty() {
        out.insert("refundType".into(), Value::Array(refund_types));
    }
    for (res, w) in &policy.windows {
        let same = match res {
            Resolution::Refund => true,
            Resolution::StoreCredit | Resolution::Exchange => Some(w) == refund,
            _ => false,
        };
        if !same {
            not.push(format!(
                "windows.{}: schema.org has one return window; only the refund window is exported",
                res.code()
            ));
        }
    }
    out.insert("returnMethod".into(), json!(format!("{SO}ReturnByMail")));
    let fees = &policy.fees;
    let remorse = if fees.free_returns || fees.return_shipping.is_none_or(|m| m == 0) {
        "FreeReturn"
    } else {
        "ReturnShippingFees"
    };
    out.insert("returnFees".into(), json!(format!("{SO}{remorse}")));
    out.insert(
        "customerRemorseReturnFees".into(),
        json!(format!("{SO}{remorse}")),
    );
    // Fees apply only when the shopper is at fault: defects return free.
    out.insert(
        "itemDefectReturnFees".into(),
        json!(format!("{SO}FreeReturn")),
    );
    if remorse == "ReturnShippingFees" {
        match (fees.return_shipping, currency) {
            (Some(m), Some(c)) => {
                out.insert("returnShippingFeesAmount".into(), amount(m, c));
                out.insert(
                    "customerRemorseReturnShippingFeesAmount".into(),
                    amount(m, c),
                );
            }
            _ => not.push("fees.return_shipping: give the currency to export the amount".into()),
        }
    }
    match (fees.restocking, currency) {
        (Some(FeeAmount::BasisPoints(bp)), _) => {
            // schema.org: a Number restocking fee is a percentage of the price.
            out.insert("restockingFee".into(), json!(f64::from(bp) / 100.0));
        }
        (Some(FeeAmount::Fixed(m)), Some(c)) => {
            out.insert("restockingFee".into(), amount(m, c));
        }
        (Some(FeeAmount::Fixed(_)), None) => {
            not.push("fees.restocking: give the currency to export the amount".into())
        }
        (None, _) => {}
    }
    if let Some(accepted) = policy.conditions.get(&Resolution::Refund) {
        let mut conditions: Vec<Value> = Vec::new();
        for c in accepted {
            let so = match c {
                ItemCondition::NewUnopened => "NewCondition",
                ItemCondition::Used => "UsedCondition",
                ItemCondition::Damaged => "DamagedCondition",
                ItemCondition::Opened => {
                    not.push("conditions.refund: \"opened\" has no schema.org condition".into());
                    continue;
                }
            };
            conditions.push(json!(format!("{SO}{so}")));
        }
        out.insert("itemCondition".into(), Value::Array(conditions));
    }
    if !policy.seasonal.is_empty() {
        let overrides: Vec<Value> = policy
            .seasonal
            .iter()
            .map(|s| {
                json!({
                    "@type": "MerchantReturnPolicySeasonalOverride",
                    "name": s.name,
                    "startDate": s.delivered_from.to_string(),
                    "endDate": s.delivered_to.to_string(),
                    "returnPolicyCategory": format!("{SO}MerchantReturnFiniteReturnWindow"),
                    "merchantReturnDays": s.last_day.to_string(),
                })
            })
            .collect();
        out.insert(
            "returnPolicySeasonalOverride".into(),
            Value::Array(overrides),
        );
    }
    for (i, r) in policy.rules.iter().enumerate() {
        not.push(format!("rules[{i}] ({}): schema.org return policies are shop-wide; attach a separate policy to the matching offers", r.name));
    }
    not.push("reasons, commitments and business hours have no schema.org property".into());
    not.push("time_zone: schema.org counts days without a zone".into());
    Exported {
        json_ld: Value::Object(out),
        not_exported: not,
    }
}

fn term(v: &Value) -> Option<&str> {
    v.as_str().map(|s| {
        s.trim_start_matches(SO)
            .trim_start_matches("http://schema.org/")
            .trim_start_matches("schema:")
    })
}

fn read_amount(v: &Value, currency: Option<Currency>, field: &str) -> Result<i64, String> {
    let value = &v["value"];
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return Err(format!("{field}: expected a MonetaryAmount with a value")),
    };
    let code = v["currency"].as_str().map(str::to_string);
    let currency = match (code, currency) {
        (Some(code), _) => Currency::new(&code).map_err(|e| format!("{field}: {e}"))?,
        (None, Some(c)) => c,
        (None, None) => return Err(format!("{field}: no currency given")),
    };
    Money::from_decimal_str(&text, currency)
        .map(|m| m.minor)
        .map_err(|e| format!("{field}: {e}"))
}

/// Reads a `MerchantReturnPolicy`. schema.org has no time zone, so it is given.
///
/// # Errors
/// When the document is not a `MerchantReturnPolicy` or a value it has cannot be read.
pub fn import(
    doc: &Value,
    time_zone: ShopZone,
    currency: Option<Currency>,
) -> Result<Imported, String> {
    let obj = doc.as_object().ok_or("expected a JSON-LD object")?;
    if obj.get("@type").and_then(term) != Some("MerchantReturnPolicy") {
        return Err("expected \"@type\": \"MerchantReturnPolicy\"".into());
    }
    let mut notes = Vec::new();
    let base = Policy::default();
    let days = match obj.get("merchantReturnDays") {
        None => None,
        Some(v) => Some(
            v.as_u64()
                .and_then(|d| u16::try_from(d).ok())
                .filter(|d| (1..=3650).contains(d))
                .ok_or("merchantReturnDays: expected a number of days from 1 to 3650 (a fixed date is not supported)")?,
        ),
    };
    let window = match (obj.get("returnPolicyCategory").and_then(term), days) {
        (Some("MerchantReturnUnlimitedWindow"), _) => Window::Unlimited,
        (Some("MerchantReturnNotPermitted"), _) => Window::NotPermitted,
        (Some("MerchantReturnFiniteReturnWindow") | None, Some(d)) => Window::Days(d),
        (Some("MerchantReturnFiniteReturnWindow"), None) => {
            return Err("a finite return window needs merchantReturnDays".into())
        }
        (None, None) => return Err("returnPolicyCategory or merchantReturnDays is required".into()),
        (Some(other), _) => return Err(format!("returnPolicyCategory: unknown value {other:?}")),
    };
    let mut windows = BTreeMap::new();
    let types: Vec<&str> = match obj.get("refundType") {
        Some(Value::Array(a)) => a.iter().filter_map(term).collect(),
        Some(v) => term(v).into_iter().collect(),
        None => vec!["FullRefund"],
    };
    for t in &types {
        match *t {
            "FullRefund" => windows.insert(Resolution::Refund, window),
            "StoreCreditRefund" => windows.insert(Resolution::StoreCredit, window),
            "ExchangeRefund" => windows.insert(Resolution::Exchange, window),
            other => {
                notes.push(format!("refundType {other:?} is not known and was ignored"));
                None
            }
        };
    }
    windows.entry(Resolution::Refund).or_insert(window);
    for res in [
        Resolution::Repair,
        Resolution::Reship,
        Resolution::Compensation,
        Resolution::KeepItem,
    ] {
        if let Some(w) = base.windows.get(&res) {
            windows.insert(res, *w);
        }
    }
    let mut fees = Fees::default();
    match obj.get("returnFees").and_then(term) {
        Some("FreeReturn") => fees.free_returns = true,
        Some("ReturnFeesCustomerResponsibility" | "ReturnShippingFees") | None => {}
        Some(other) => notes.push(format!("returnFees {other:?} is not known and was ignored")),
    }
    let shipping = obj
        .get("customerRemorseReturnShippingFeesAmount")
        .or(obj.get("returnShippingFeesAmount"));
    if let Some(v) = shipping {
        fees.return_shipping = Some(read_amount(v, currency, "returnShippingFeesAmount")?);
    }
    match obj.get("restockingFee") {
        Some(Value::Number(n)) => {
            let pct = n
                .as_f64()
                .filter(|p| (0.0..=100.0).contains(p))
                .ok_or("restockingFee: a percentage from 0 to 100")?;
            fees.restocking = Some(FeeAmount::BasisPoints((pct * 100.0).round() as u32));
        }
        Some(v @ Value::Object(_)) => {
            fees.restocking = Some(FeeAmount::Fixed(read_amount(v, currency, "restockingFee")?))
        }
        Some(_) => return Err("restockingFee: expected a percentage or a MonetaryAmount".into()),
        None => {}
    }
    let mut conditions = base.conditions.clone();
    if let Some(Value::Array(items)) = obj.get("itemCondition") {
        let mut accepted = Vec::new();
        for c in items.iter().filter_map(term) {
            match c {
                "NewCondition" => {
                    accepted.extend([ItemCondition::NewUnopened, ItemCondition::Opened])
                }
                "UsedCondition" | "RefurbishedCondition" => accepted.push(ItemCondition::Used),
                "DamagedCondition" => accepted.push(ItemCondition::Damaged),
                other => notes.push(format!(
                    "itemCondition {other:?} is not known and was ignored"
                )),
            }
        }
        accepted.sort();
        accepted.dedup();
        for res in [
            Resolution::Refund,
            Resolution::StoreCredit,
            Resolution::Exchange,
        ] {
            conditions.insert(res, accepted.clone());
        }
    }
    let mut seasonal = Vec::new();
    if let Some(Value::Array(items)) = obj.get("returnPolicySeasonalOverride") {
        for (i, s) in items.iter().enumerate() {
            let date = |k: &str| {
                s[k].as_str()
                    .and_then(|d| d.get(..10))
                    .and_then(|d| d.parse().ok())
            };
            let (Some(from), Some(to)) = (date("startDate"), date("endDate")) else {
                return Err(format!(
                    "returnPolicySeasonalOverride[{i}]: startDate and endDate are required dates"
                ));
            };
            let last_day = match (&s["merchantReturnDays"], date("merchantReturnDays")) {
                (_, Some(d)) => d,
                (Value::Number(n), None) => {
                    let d = n.as_u64().ok_or(format!(
                        "returnPolicySeasonalOverride[{i}].merchantReturnDays: days or a date"
                    ))?;
                    to + chrono::Days::new(d)
                }
                _ => {
                    return Err(format!(
                        "returnPolicySeasonalOverride[{i}].merchantReturnDays: days or a date"
                    ))
                }
            };
            let name = s["name"]
                .as_str()
                .unwrap_or("seasonal override")
                .to_string();
            seasonal.push(SeasonalOverride {
                name,
                delivered_from: from,
                delivered_to: to,
                last_day,
            });
        }
    }
    let known = [
        "@context",
        "@type",
        "@id",
        "name",
        "url",
        "returnPolicyCategory",
        "merchantReturnDays",
        "refundType",
        "returnFees",
        "customerRemorseReturnFees",
        "itemDefectReturnFees",
        "returnShippingFeesAmount",
        "customerRemorseReturnShippingFeesAmount",
        "restockingFee",
        "itemCondition",
        "returnPolicySeasonalOverride",
        "returnMethod",
    ];
    for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
        notes.push(format!("{key}: not used by this policy model"));
    }
    if obj
        .get("itemDefectReturnFees")
        .and_then(term)
        .is_some_and(|t| t != "FreeReturn")
    {
        notes.push("itemDefectReturnFees: faulty items always return free here; the stated fee was not used".into());
    }
    notes.push(format!(
        "time_zone: not in schema.org; set to {}",
        time_zone.as_str()
    ));
    notes.push("reasons, commitments, exchange-for-faults and warranty windows: the seed defaults were used".into());
    let policy = Policy {
        time_zone,
        windows,
        fees,
        conditions,
        seasonal,
        ..base
    };
    policy.validate().map_err(|e| e.to_string())?;
    Ok(Imported { policy, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_policy_exports_as_a_seven_day_finite_window() {
        let e = export(&Policy::default(), None);
        let j = &e.json_ld;
        assert_eq!(j["@type"], "MerchantReturnPolicy");
        assert_eq!(
            j["returnPolicyCategory"],
            "https://schema.org/MerchantReturnFiniteReturnWindow"
        );
        assert_eq!(j["merchantReturnDays"], 7);
        assert_eq!(
            j["refundType"],
            json!([
                "https://schema.org/FullRefund",
                "https://schema.org/StoreCreditRefund"
            ])
        );
        assert_eq!(j["returnFees"], "https://schema.org/FreeReturn");
        assert!(e
            .not_exported
            .iter()
            .any(|n| n.starts_with("windows.exchange")));
        assert!(e.not_exported.iter().any(|n| n.contains("final sale")));
    }

    #[test]
    fn fees_and_seasons_round_trip() {
        let p = Policy {
            fees: Fees {
                restocking: Some(FeeAmount::BasisPoints(1250)),
                return_shipping: Some(1_000),
                free_returns: false,
            },
            seasonal: vec![SeasonalOverride {
                name: "holiday returns".into(),
                delivered_from: "2026-11-20".parse().unwrap(),
                delivered_to: "2026-12-24".parse().unwrap(),
                last_day: "2027-01-15".parse().unwrap(),
            }],
            ..Policy::default()
        };
        let cny = Currency::new("CNY").unwrap();
        let e = export(&p, Some(cny));
        assert_eq!(e.json_ld["returnShippingFeesAmount"]["value"], "10.00");
        assert_eq!(e.json_ld["restockingFee"], 12.5);
        let back = import(&e.json_ld, p.time_zone.clone(), None).unwrap();
        assert_eq!(back.policy.fees, p.fees);
        assert_eq!(back.policy.seasonal, p.seasonal);
        assert_eq!(back.policy.windows[&Resolution::Refund], Window::Days(7));
    }

    #[test]
    fn import_reports_what_it_does_not_use_and_refuses_what_it_cannot_read() {
        let zone = ShopZone::parse("Europe/Berlin").unwrap();
        let doc = json!({
            "@context": "https://schema.org", "@type": "MerchantReturnPolicy",
            "applicableCountry": "DE", "returnPolicyCategory": "MerchantReturnFiniteReturnWindow",
            "merchantReturnDays": 30, "returnFees": "https://schema.org/ReturnFeesCustomerResponsibility",
            "restockingFee": {"@type": "MonetaryAmount", "value": 4.5, "currency": "EUR"}
        });
        let got = import(&doc, zone.clone(), None).unwrap();
        assert_eq!(got.policy.windows[&Resolution::Refund], Window::Days(30));
        assert_eq!(got.policy.fees.restocking, Some(FeeAmount::Fixed(450)));
        assert!(got.notes.iter().any(|n| n.starts_with("applicableCountry")));
        for (bad, why) in [
            (json!({"@type": "Offer"}), "MerchantReturnPolicy"),
            (
                json!({"@type": "MerchantReturnPolicy", "returnPolicyCategory": "MerchantReturnFiniteReturnWindow"}),
                "merchantReturnDays",
            ),
            (
                json!({"@type": "MerchantReturnPolicy", "merchantReturnDays": 0}),
                "merchantReturnDays",
            ),
            (
                json!({"@type": "MerchantReturnPolicy", "merchantReturnDays": 7, "restockingFee": 150}),
                "restockingFee",
            ),
            (
                json!({"@type": "MerchantReturnPolicy", "merchantReturnDays": 7, "returnShippingFeesAmount": {"value": "5.00"}}),
                "currency",
            ),
        ] {
            let e = import(&bad, zone.clone(), None).unwrap_err();
            assert!(e.contains(why), "{bad} => {e}");
        }
    }
}
