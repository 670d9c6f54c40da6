//! The merchant's rules, read from the policy file (JSON, documented in `docs/policy.md`,
//! schema in `docs/policy.schema.json`). Unknown fields are refused so that a typo never
//! silently weakens a rule; ranges serde cannot express are checked by [`Policy::validate`],
//! which names the field path.

use crate::case_type::CaseKind;
use crate::commitment::{add_span, BusinessHours, Commitments, DueTimes, Priority};
use crate::reasons::{default_reasons, ReasonDef};
use crate::resolution::{ItemCondition, Resolution};
use crate::text::Texts;
use crate::zone::ShopZone;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The merchant's after-sales policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The shop's time zone: it decides on which calendar day a window closes.
    pub time_zone: ShopZone,
    /// The default window of each resolution the shop offers. A resolution missing here is
    /// not offered, unless a rule gives it a window.
    pub windows: BTreeMap<Resolution, Window>,
    /// Rules for particular products; the **first** rule that matches a line applies.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Date ranges that extend windows (e.g. holiday returns).
    #[serde(default)]
    pub seasonal: Vec<SeasonalOverride>,
    /// Fees charged when the shopper is at fault.
    #[serde(default)]
    pub fees: Fees,
    /// A bonus for choosing store credit or an exchange instead of money back, per
    /// resolution (`store_credit`, `exchange`): a fixed amount or a share of what the items
    /// cost. Rules may set their own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bonus: BTreeMap<Resolution, FeeAmount>,
    /// Item conditions accepted per resolution when the shopper is at fault (a faulty or
    /// damaged item is accepted in any condition). A resolution missing here accepts any.
    #[serde(default = "default_conditions")]
    pub conditions: BTreeMap<Resolution, Vec<ItemCondition>>,
    /// Response and resolution promises per case type.
    #[serde(default)]
    pub commitments: Commitments,
    /// The shop's working days and hours, for commitments counted in business time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<BusinessHours>,
    /// The reason tree.
    #[serde(default = "default_reasons")]
    pub reasons: Vec<ReasonDef>,
    /// The shop's own language (a BCP 47 tag): the widget speaks it when neither the page nor
    /// the shopper's browser names one it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_locale: Option<String>,
    /// Notes shown under the policy summary, each in as many languages as the shop writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Texts>,
    /// The EU withdrawal function ("Withdraw from contract here"), with its period; off when
    /// missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<crate::withdrawal::WithdrawalRule>,
}

/// How long a resolution stays available, counted from the day after delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Window {
    /// Available for this many days (schema.org `MerchantReturnFiniteReturnWindow`).
    Days(u16),
    /// Available for this many days, and only for reasons that are the merchant's fault
    /// (15天质量问题包换: a 15-day exchange for quality problems).
    FaultOnlyDays(u16),
    /// Always available (`MerchantReturnUnlimitedWindow`).
    Unlimited,
    /// Not available (`MerchantReturnNotPermitted`).
    NotPermitted,
}

impl Window {
    /// The number of days of a finite window.
    pub fn days(&self) -> Option<u16> {
        match self {
            Window::Days(d) | Window::FaultOnlyDays(d) => Some(*d),
            Window::Unlimited | Window::NotPermitted => None,
        }
    }
}

/// A rule for the lines it matches. The first matching rule applies; its windows replace the
/// defaults resolution by resolution, and its fees replace the default fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A name for people and for verdicts (`"electronics warranty"`).
    pub name: String,
    /// Conditions a line must meet; all given conditions must hold. An empty matcher matches
    /// every line.
    #[serde(default)]
    pub when: Matcher,
    /// Windows replacing the defaults for matched lines.
    #[serde(default)]
    pub windows: BTreeMap<Resolution, Window>,
    /// Fees replacing the defaults for matched lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<Fees>,
    /// Bonuses for lines this rule matches, replacing the policy's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus: Option<BTreeMap<Resolution, FeeAmount>>,
    /// What the rule covers, in the shopper's words ("Kettles and toasters"), per language;
    /// without it the widget names the rule's categories.
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    pub label: Texts,
    /// Matched lines are never decided automatically: eligible becomes needs-review.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_review: bool,
}

/// Conditions on a line. Lists match when they contain the line's value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    /// Product categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Product tags: matches when the line has any of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// SKUs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skus: Vec<String>,
    /// Lowest unit price (minor units, inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_unit_price: Option<i64>,
    /// Highest unit price (minor units, inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unit_price: Option<i64>,
    /// ISO 3166-1 alpha-2 shipping countries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipping_countries: Vec<String>,
    /// Whether the line was sold as final sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_sale: Option<bool>,
}

/// Lines delivered between `delivered_from` and `delivered_to` (inclusive, shop time) keep
/// every finite window open at least until `last_day`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SeasonalOverride {
    /// A name for people (`"holiday returns"`).
    pub name: String,
    /// First delivery day covered.
    pub delivered_from: NaiveDate,
    /// Last delivery day covered.
    pub delivered_to: NaiveDate,
    /// The window's last day is at least this day.
    pub last_day: NaiveDate,
}

/// Fees deducted from a refund when the shopper is at fault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Fees {
    /// Restocking fee, per returned line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restocking: Option<FeeAmount>,
    /// Return shipping the shopper pays, per case (minor units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_shipping: Option<i64>,
    /// Free returns: the shop pays return shipping whoever is at fault.
    #[serde(default)]
    pub free_returns: bool,
}

/// A fee: a fixed amount, or a share of the refunded amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeAmount {
    /// Minor units.
    Fixed(i64),
    /// Hundredths of a percent of the refunded amount (1 000 = 10 %).
    BasisPoints(u32),
}

fn default_conditions() -> BTreeMap<Resolution, Vec<ItemCondition>> {
    let resale = vec![ItemCondition::NewUnopened, ItemCondition::Opened];
    BTreeMap::from([
        (Resolution::Refund, resale.clone()),
        (Resolution::StoreCredit, resale.clone()),
        (Resolution::Exchange, resale),
    ])
}

impl Default for Policy {
    /// The seed defaults: 7-day no-reason return (七天无理由退货), 15-day exchange for quality
    /// problems (15天质量问题包换), 1-year warranty repair (1年保修) for electronics and
    /// appliances, delivery problems reported within 15 days, in China Standard Time.
    fn default() -> Self {
        let windows = BTreeMap::from([
            (Resolution::Refund, Window::Days(7)),
            (Resolution::StoreCredit, Window::Days(7)),
            (Resolution::Exchange, Window::FaultOnlyDays(15)),
            (Resolution::Reship, Window::FaultOnlyDays(15)),
            (Resolution::Compensation, Window::FaultOnlyDays(15)),
            (Resolution::KeepItem, Window::FaultOnlyDays(7)),
        ]);
        let warranty = Rule {
            name: "1-year warranty for durable goods".into(),
            when: Matcher {
                categories: vec!["electronics".into(), "appliances".into()],
                ..Matcher::default()
            },
            windows: BTreeMap::from([(Resolution::Repair, Window::FaultOnlyDays(365))]),
            fees: None,
            bonus: None,
            label: Texts(BTreeMap::from([
                ("en".into(), "electronics and appliances".into()),
                ("zh-Hans".into(), "电子产品和家电".into()),
                ("zh-Hant".into(), "電子產品和家電".into()),
            ])),
            needs_review: false,
        };
        let final_sale = Rule {
            name: "final sale".into(),
            when: Matcher {
                final_sale: Some(true),
                ..Matcher::default()
            },
            windows: BTreeMap::from([
                (Resolution::Refund, Window::NotPermitted),
                (Resolution::StoreCredit, Window::NotPermitted),
            ]),
            fees: None,
            bonus: None,
            label: Texts::default(),
            needs_review: false,
        };
        Policy {
            time_zone: ShopZone::fixed("Asia/Shanghai", 8 * 3600),
            windows,
            // Final sale first: the first matching rule wins.
            rules: vec![final_sale, warranty],
            seasonal: Vec::new(),
            fees: Fees::default(),
            bonus: BTreeMap::new(),
            conditions: default_conditions(),
            commitments: Commitments::default(),
            business_hours: None,
            reasons: default_reasons(),
            default_locale: None,
            notes: Vec::new(),
            withdrawal: None,
        }
    }
}

/// A policy that does not make sense, with the path of the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// Path of the field, e.g. `rules[2].windows.refund`.
    pub path: String,
    /// What was expected.
    pub expected: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.expected)
    }
}

impl std::error::Error for PolicyError {}

fn err(path: impl Into<String>, expected: impl Into<String>) -> PolicyError {
    PolicyError {
        path: path.into(),
        expected: expected.into(),
    }
}

fn check_window(path: &str, w: &Window) -> Result<(), PolicyError> {
    match w {
        Window::Days(d) | Window::FaultOnlyDays(d) if !(1..=3650).contains(d) => {
            Err(err(path, "a number of days between 1 and 3650"))
        }
        _ => Ok(()),
    }
}

fn check_bonus(path: &str, b: &BTreeMap<Resolution, FeeAmount>) -> Result<(), PolicyError> {
    for (res, amount) in b {
        let at = format!("{path}.{}", res.code());
        if !matches!(res, Resolution::StoreCredit | Resolution::Exchange) {
            return Err(err(at, "a bonus only for store_credit or exchange"));
        }
        match amount {
            FeeAmount::Fixed(m) if *m < 0 => {
                return Err(err(format!("{at}.fixed"), "an amount of 0 or more"))
            }
            FeeAmount::BasisPoints(bp) if *bp > 10_000 => {
                return Err(err(
                    format!("{at}.basis_points"),
                    "between 0 and 10000 (100 %)",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_fees(path: &str, f: &Fees) -> Result<(), PolicyError> {
    match f.restocking {
        Some(FeeAmount::Fixed(m)) if m < 0 => {
            return Err(err(
                format!("{path}.restocking.fixed"),
                "an amount of 0 or more",
            ))
        }
        Some(FeeAmount::BasisPoints(bp)) if bp > 10_000 => {
            return Err(err(
                format!("{path}.restocking.basis_points"),
                "between 0 and 10000 (100 %)",
            ))
        }
        _ => {}
    }
    if f.return_shipping.is_some_and(|m| m < 0) {
        return Err(err(
            format!("{path}.return_shipping"),
            "an amount of 0 or more",
        ));
    }
    Ok(())
}

impl Policy {
    /// Parses and validates a policy document (JSON).
    ///
    /// # Errors
    /// A message naming the field (and, for syntax errors, the line and column).
    pub fn from_json(text: &str) -> Result<Policy, String> {
        let policy: Policy = serde_json::from_str(text).map_err(|e| e.to_string())?;
        policy.validate().map_err(|e| e.to_string())?;
        Ok(policy)
    }

    /// When a case of `kind` and `priority` submitted at `submitted` is due for its first
    /// answer (the sooner of the shop's promise and the priority's tier) and its resolution.
    pub fn due_times(
        &self,
        kind: CaseKind,
        priority: Priority,
        submitted: DateTime<Utc>,
    ) -> DueTimes {
        let c = self.commitments.for_kind(kind);
        let bh = self.business_hours.as_ref();
        let zone = &self.time_zone;
        let promised = add_span(c.respond_within, submitted, zone, bh);
        let tier = add_span(priority.respond_span(), submitted, zone, None);
        DueTimes {
            respond_by: promised.min(tier),
            resolve_by: c.resolve_within.map(|s| add_span(s, submitted, zone, bh)),
        }
    }

    /// Checks what serde cannot: ranges, duplicates, references between fields.
    ///
    /// # Errors
    /// The first problem found, with its field path.
    pub fn validate(&self) -> Result<(), PolicyError> {
        for (res, w) in &self.windows {
            check_window(&format!("windows.{}", res.code()), w)?;
        }
        check_fees("fees", &self.fees)?;
        check_bonus("bonus", &self.bonus)?;
        if let Some(w) = self.withdrawal {
            if !(crate::withdrawal::MIN_DAYS..=365).contains(&w.days) {
                return Err(err(
                    "withdrawal.days",
                    "14 to 365 days (the law's minimum is 14)",
                ));
            }
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if let Some(b) = &rule.bonus {
                check_bonus(&format!("rules[{i}].bonus"), b)?;
            }
            if rule.name.trim().is_empty() {
                return Err(err(format!("rules[{i}].name"), "a non-empty name"));
            }
            for (res, w) in &rule.windows {
                check_window(&format!("rules[{i}].windows.{}", res.code()), w)?;
            }
            if let Some(f) = &rule.fees {
                check_fees(&format!("rules[{i}].fees"), f)?;
            }
            let m = &rule.when;
            if let (Some(lo), Some(hi)) = (m.min_unit_price, m.max_unit_price) {
                if lo > hi {
                    return Err(err(
                        format!("rules[{i}].when.max_unit_price"),
                        "at least min_unit_price",
                    ));
                }
            }
            for c in &m.shipping_countries {
                if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(err(
                        format!("rules[{i}].when.shipping_countries"),
                        format!("ISO 3166 alpha-2 codes such as \"CN\"; got {c:?}"),
                    ));
                }
            }
        }
        for (i, s) in self.seasonal.iter().enumerate() {
            if s.delivered_from > s.delivered_to {
                return Err(err(
                    format!("seasonal[{i}].delivered_to"),
                    "on or after delivered_from",
                ));
            }
            if s.last_day < s.delivered_to {
                return Err(err(
                    format!("seasonal[{i}].last_day"),
                    "on or after delivered_to",
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in self.reasons.iter().enumerate() {
            if r.code.is_empty()
                || !r
                    .code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
            {
                return Err(err(
                    format!("reasons[{i}].code"),
                    "a snake_case code such as \"defective\"",
                ));
            }
            if !seen.insert(r.code.as_str()) {
                return Err(err(
                    format!("reasons[{i}].code"),
                    format!(
                        "a code not used by another reason; {:?} is repeated",
                        r.code
                    ),
                ));
            }
            if r.resolutions.is_empty() {
                return Err(err(
                    format!("reasons[{i}].resolutions"),
                    "at least one resolution",
                ));
            }
            if r.questions.len() > crate::reasons::MAX_QUESTIONS {
                return Err(err(
                    format!("reasons[{i}].questions"),
                    "at most 20 questions",
                ));
            }
            let mut ids = std::collections::BTreeSet::new();
            for (j, q) in r.questions.iter().enumerate() {
                if !ids.insert(q.id.as_str()) {
                    return Err(err(
                        format!("reasons[{i}].questions[{j}].id"),
                        "an id not used by another question of this reason",
                    ));
                }
                if let crate::reasons::QuestionKind::Choice { options } = &q.kind {
                    if options.is_empty() {
                        return Err(err(
                            format!("reasons[{i}].questions[{j}].options"),
                            "at least one option",
                        ));
                    }
                    if let Some(k) = options
                        .iter()
                        .position(|o| o.is_empty() || o.len() > crate::case::MAX_CHOICE_ANSWER)
                    {
                        return Err(err(
                            format!("reasons[{i}].questions[{j}].options[{k}]"),
                            "an option of 1 to 200 bytes",
                        ));
                    }
                }
            }
        }
        if self.reasons.is_empty() {
            return Err(err("reasons", "at least one reason"));
        }
        for (i, r) in self.reasons.iter().enumerate() {
            r.labels
                .validate()
                .map_err(|(tag, expected)| err(format!("reasons[{i}].labels.{tag}"), expected))?;
        }
        for (i, rule) in self.rules.iter().enumerate() {
            rule.label
                .validate()
                .map_err(|(tag, expected)| err(format!("rules[{i}].label.{tag}"), expected))?;
        }
        for (i, note) in self.notes.iter().enumerate() {
            if note.is_empty() {
                return Err(err(format!("notes[{i}]"), "at least one language's text"));
            }
            note.validate()
                .map_err(|(tag, expected)| err(format!("notes[{i}].{tag}"), expected))?;
        }
        if let Some(tag) = &self.default_locale {
            if !crate::text::is_language_tag(tag) {
                return Err(err(
                    "default_locale",
                    format!("a language tag such as \"en\" or \"zh-Hans\"; got {tag:?}"),
                ));
            }
        }
        self.commitments
            .validate()
            .map_err(|(path, expected)| err(format!("commitments.{path}"), expected))?;
        if let Some(bh) = &self.business_hours {
            bh.validate()
                .map_err(|(path, expected)| err(format!("business_hours.{path}"), expected))?;
        }
        Ok(())
    }

    /// The reason with this code.
    pub fn reason(&self, code: &str) -> Option<&ReasonDef> {
        self.reasons.iter().find(|r| r.code == code)
    }

    /// The number of days of the plain return window (refund), if it is finite: the
    /// "7-day" in "7-day returns".
    pub fn return_days(&self) -> Option<u16> {
        self.windows.get(&Resolution::Refund).and_then(Window::days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_valid_and_round_trips() {
        let p = Policy::default();
        p.validate().unwrap();
        let json = serde_json::to_string_pretty(&p).unwrap();
        assert_eq!(Policy::from_json(&json).unwrap(), p);
        assert_eq!(p.return_days(), Some(7));
    }

    #[test]
    fn the_documented_example_is_the_seed_policy() {
        let example = include_str!("../../../docs/examples/policy.json");
        assert_eq!(Policy::from_json(example).unwrap(), Policy::default());
    }

    #[test]
    fn a_minimal_file_gets_the_default_reasons_and_conditions() {
        let p =
            Policy::from_json(r#"{"time_zone":"Europe/Berlin","windows":{"refund":{"days":14}}}"#)
                .unwrap();
        assert_eq!(p.windows[&Resolution::Refund], Window::Days(14));
        assert!(p.reason("defective").is_some());
        assert_eq!(
            p.conditions[&Resolution::Refund],
            vec![ItemCondition::NewUnopened, ItemCondition::Opened]
        );
    }

    #[test]
    fn mistakes_are_named_by_path() {
        let cases = [
            (
                r#"{"time_zone":"UTC","windows":{"refund":{"days":0}}}"#,
                "windows.refund",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"rules":[{"name":"x","windows":{"exchange":{"days":9999}}}]}"#,
                "rules[0].windows.exchange",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"rules":[{"name":"x","when":{"min_unit_price":5,"max_unit_price":1}}]}"#,
                "rules[0].when.max_unit_price",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"rules":[{"name":"x","when":{"shipping_countries":["china"]}}]}"#,
                "rules[0].when.shipping_countries",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"fees":{"restocking":{"basis_points":20000}}}"#,
                "fees.restocking.basis_points",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"seasonal":[{"name":"h","delivered_from":"2026-12-01","delivered_to":"2026-11-01","last_day":"2027-01-15"}]}"#,
                "seasonal[0].delivered_to",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"reasons":[{"code":"a","group":"g","fault":"shopper","resolutions":["refund"]},{"code":"a","group":"g","fault":"shopper","resolutions":["refund"]}]}"#,
                "reasons[1].code",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"reasons":[]}"#,
                "reasons",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"reasons":[{"code":"a","group":"g","fault":"shopper","resolutions":["refund"],"labels":{"en":""}}]}"#,
                "reasons[0].labels.en",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"rules":[{"name":"x","label":{"chinese":"茶"}}]}"#,
                "rules[0].label.chinese",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"notes":[{}]}"#,
                "notes[0]",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"notes":[{"en":"ok"},{"zh-Hans":"\u202e反转"}]}"#,
                "notes[1].zh-Hans",
            ),
            (
                r#"{"time_zone":"UTC","windows":{},"default_locale":"Chinese please"}"#,
                "default_locale",
            ),
        ];
        for (json, path) in cases {
            let e = Policy::from_json(json).unwrap_err();
            assert!(e.starts_with(&format!("{path}:")), "{json}\n=> {e}");
        }
    }

    #[test]
    fn unknown_fields_and_values_are_refused() {
        for (json, needle) in [
            (
                r#"{"time_zone":"UTC","windows":{},"return_windows_days":7}"#,
                "return_windows_days",
            ),
            (
                r#"{"time_zone":"UTC","windows":{"refunds":{"days":7}}}"#,
                "refunds",
            ),
            (
                r#"{"time_zone":"UTC","windows":{"refund":{"weeks":1}}}"#,
                "weeks",
            ),
            (r#"{"time_zone":"Mars/Base","windows":{}}"#, "Mars/Base"),
            (
                r#"{"time_zone":"UTC","windows":{},"rules":[{"name":"x","when":{"colour":"red"}}]}"#,
                "colour",
            ),
        ] {
            let e = Policy::from_json(json).unwrap_err();
            assert!(e.contains(needle), "{json}\n=> {e}");
        }
    }
}
