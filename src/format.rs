//! Words and numbers for the shopper, in their language: core's codes and values become
//! catalog messages ([`crate::i18n`]); dates, times and money go through the browser's `Intl`
//! (cheaper in bytes than carrying locale data in Rust, and always up to date).

use crate::i18n::{Lang, Msg};
use aftersales_core::api::ViolationDetail;
use aftersales_core::case::{ComplaintAbout, LogisticsProblem, ViolationCode};
use aftersales_core::commitment::Span;
use aftersales_core::eligibility::{Ineligible, Outcome};
use aftersales_core::money::Money;
use aftersales_core::policy::Policy;
use aftersales_core::reasons::ReasonDef;
use aftersales_core::resolution::{ItemCondition, Resolution};
use aftersales_core::summary::PolicyFact;
use aftersales_core::text::Texts;
use aftersales_core::zone::{ShopZone, NAMED_ZONES};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = NumberFormat)]
    type NumberFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "NumberFormat", catch)]
    fn new_number(locale: &str, options: &js_sys::Object) -> Result<NumberFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "NumberFormat")]
    fn format(this: &NumberFormat, value: &str) -> String;

    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateTimeFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DateTimeFormat", catch)]
    fn new_date(locale: &str, options: &js_sys::Object) -> Result<DateTimeFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "DateTimeFormat", js_name = format)]
    fn format_ms(this: &DateTimeFormat, epoch_ms: f64) -> String;

    #[wasm_bindgen(js_namespace = Intl, js_name = ListFormat)]
    type ListFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "ListFormat", catch)]
    fn new_list(locale: &str, options: &js_sys::Object) -> Result<ListFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "ListFormat", js_name = format)]
    fn format_list(this: &ListFormat, items: &js_sys::Array) -> String;
}

/// An options object for `Intl`.
fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

/// Makes an `Intl` formatter for the shopper's tag, or for the catalog's tag if the browser
/// refuses theirs.
fn with_tag<T>(lang: &Lang, make: impl Fn(&str) -> Result<T, JsValue>) -> Option<T> {
    make(&lang.tag).or_else(|_| make(lang.locale.tag())).ok()
}

/// Money in the shopper's locale and the order's currency: `CN¥199.00` (en), `¥199.00`
/// (zh-Hans), `€12.50`, `KWD 1.005`, `NT$1,200.00`, with the currency's own minor digits
/// (core's, not the browser's) and the exact decimal (no float rounding).
pub fn money(lang: &Lang, m: Money) -> String {
    let digits = m.currency.exponent().to_string();
    let opts = options(&[
        ("style", "currency"),
        ("currency", m.currency.code()),
        ("minimumFractionDigits", &digits),
        ("maximumFractionDigits", &digits),
    ]);
    let amount = m.to_decimal_string();
    with_tag(lang, |tag| NumberFormat::new_number(tag, &opts))
        .map(|f| f.format(&amount))
        .unwrap_or_else(|| format!("{} {amount}", m.currency.code()))
}

fn utc_ms(t: NaiveDateTime) -> f64 {
    t.and_utc().timestamp_millis() as f64
}

/// A calendar day: `Nov 25, 2026` (en-US), `25 Nov 2026` (en-GB), `2026年11月25日` (zh).
pub fn date(lang: &Lang, d: NaiveDate) -> String {
    let opts = options(&[
        ("year", "numeric"),
        ("month", "short"),
        ("day", "numeric"),
        ("timeZone", "UTC"), // i18n-ok: a zone name
    ]);
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    with_tag(lang, |tag| DateTimeFormat::new_date(tag, &opts))
        .map(|f| f.format_ms(utc_ms(midnight)))
        .unwrap_or_else(|| d.to_string())
}

/// An instant in the shop's time zone, with the zone named: `Nov 27, 2026, 2:00 PM GMT+8`.
/// A zone the browser knows by its IANA name is named by the browser (in the shopper's
/// language); a POSIX rule is shown as its UTC offset at that instant.
pub fn date_time(lang: &Lang, t: DateTime<Utc>, zone: &ShopZone) -> String {
    let iana = NAMED_ZONES.iter().any(|(name, _)| *name == zone.as_str());
    let mut pairs = vec![
        ("year", "numeric"),
        ("month", "short"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
    ];
    let (ms, suffix) = if iana {
        pairs.push(("timeZone", zone.as_str()));
        pairs.push(("timeZoneName", "short"));
        (t.timestamp_millis() as f64, String::new())
    } else {
        pairs.push(("timeZone", "UTC")); // i18n-ok: a zone name
        let offset = zone.offset_at(t);
        let sign = if offset < 0 { '-' } else { '+' };
        let (h, m) = (offset.abs() / 3600, offset.abs() % 3600 / 60);
        let label = format!(" UTC{sign}{h:02}:{m:02}"); // i18n-ok: an offset is not words
        (utc_ms(zone.local(t)), label)
    };
    let opts = options(&pairs);
    let text = with_tag(lang, |tag| DateTimeFormat::new_date(tag, &opts))
        .map(|f| f.format_ms(ms))
        .unwrap_or_else(|| zone.local(t).to_string());
    text + &suffix
}

/// An instant in the shopper's own time zone (the device's), with the zone named.
pub fn local_date_time(lang: &Lang, t: DateTime<Utc>) -> String {
    let opts = options(&[
        ("year", "numeric"),
        ("month", "short"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
        ("timeZoneName", "short"),
    ]);
    with_tag(lang, |tag| DateTimeFormat::new_date(tag, &opts))
        .map(|f| f.format_ms(t.timestamp_millis() as f64))
        .unwrap_or_else(|| t.to_rfc3339())
}

/// Words joined as a list: `electronics and appliances`, `电子和家电`.
pub fn list(lang: &Lang, items: &[String]) -> String {
    let array: js_sys::Array = items.iter().map(|s| JsValue::from_str(s)).collect();
    with_tag(lang, |tag| {
        ListFormat::new_list(tag, &options(&[("type", "conjunction")]))
    })
    .map(|f| f.format_list(&array))
    .unwrap_or_else(|| items.join(", "))
}

/// A merchant's text in the shopper's language, by core's fallback order: their tag, the
/// catalog's tag, the shop's default language, English, then whatever the merchant gave.
pub fn merchant_text<'a>(
    lang: &Lang,
    texts: &'a Texts,
    shop_default: Option<&str>,
) -> Option<&'a str> {
    let mut wanted = vec![lang.tag.as_str(), lang.locale.tag()];
    wanted.extend(shop_default);
    wanted.push("en");
    texts.pick(&wanted)
}

/// The label of a reason: the merchant's own, else the catalog's for the default reasons,
/// else its code in words.
pub fn reason(lang: &Lang, def: &ReasonDef, shop_default: Option<&str>) -> String {
    if let Some(label) = merchant_text(lang, &def.labels, shop_default) {
        return label.to_string();
    }
    let known = match def.code.as_str() {
        "changed_mind" => Msg::ReasonChangedMind,
        "wrong_size" => Msg::ReasonWrongSize,
        "defective" => Msg::ReasonDefective,
        "not_as_described" => Msg::ReasonNotAsDescribed,
        "arrived_damaged" => Msg::ReasonArrivedDamaged,
        "missing_part" => Msg::ReasonMissingPart,
        "wrong_item" => Msg::ReasonWrongItem,
        "lost_in_delivery" => Msg::ReasonLostInDelivery,
        other => return humanize(other),
    };
    lang.t(known).to_string()
}

/// A merchant's code with no words of its own, read as words: `too_heavy` → `Too heavy`.
pub fn humanize(code: &str) -> String {
    let words = code.replace('_', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The heading a group of reasons is listed under.
pub fn reason_group(lang: &Lang, group: &str) -> String {
    let known = match group {
        "changed_mind" => Msg::GroupChangedMind,
        "quality_problem" => Msg::GroupQualityProblem,
        "delivery_problem" => Msg::GroupDeliveryProblem,
        "wrong_item" => Msg::GroupWrongItem,
        other => return humanize(other),
    };
    lang.t(known).to_string()
}

/// A follow-up question of the default reasons, in words.
pub fn question(lang: &Lang, id: &str) -> String {
    let known = match id {
        "what_happened" => Msg::QuestionWhatHappened,
        "when_noticed" => Msg::QuestionWhenNoticed,
        "difference" => Msg::QuestionDifference,
        "outer_box_damaged" => Msg::QuestionOuterBoxDamaged,
        "missing" => Msg::QuestionMissing,
        other => return humanize(other),
    };
    lang.t(known).to_string()
}

/// An option of a choice question, in words.
pub fn answer_option(lang: &Lang, option: &str) -> String {
    let known = match option {
        "on_arrival" => Msg::AnswerOnArrival,
        "first_use" => Msg::AnswerFirstUse,
        "later" => Msg::AnswerLater,
        "yes" => Msg::AnswerYes,
        "no" => Msg::AnswerNo,
        other => return humanize(other),
    };
    lang.t(known).to_string()
}

/// What the shopper may ask for, in a shopper's words.
pub fn resolution(r: Resolution) -> Msg {
    match r {
        Resolution::Refund => Msg::ResolutionRefund,
        Resolution::StoreCredit => Msg::ResolutionStoreCredit,
        Resolution::Exchange => Msg::ResolutionExchange,
        Resolution::Repair => Msg::ResolutionRepair,
        Resolution::Reship => Msg::ResolutionReship,
        Resolution::Compensation => Msg::ResolutionCompensation,
        Resolution::KeepItem => Msg::ResolutionKeepItem,
    }
}

/// A case's status, in a shopper's words.
pub fn status(s: aftersales_core::lifecycle::Status) -> Msg {
    use aftersales_core::lifecycle::Status::*;
    match s {
        Submitted => Msg::StatusSubmitted,
        Acknowledged => Msg::StatusAcknowledged,
        UnderReview => Msg::StatusUnderReview,
        Approved => Msg::StatusApproved,
        Rejected => Msg::StatusRejected,
        AwaitingReturnShipment => Msg::StatusAwaitingReturnShipment,
        Received => Msg::StatusReceived,
        Inspected => Msg::StatusInspected,
        Resolved => Msg::StatusResolved,
        ConfirmedByShopper => Msg::StatusConfirmed,
        Reopened => Msg::StatusReopened,
        Escalated => Msg::StatusEscalated,
        WaitingOnThirdParty => Msg::StatusWaiting,
        Withdrawn => Msg::StatusWithdrawn,
        Closed => Msg::StatusClosed,
    }
}

/// Who moved a case: you, the shop, or the system.
pub fn actor(a: aftersales_core::lifecycle::Actor) -> Msg {
    use aftersales_core::lifecycle::Actor;
    match a {
        Actor::Shopper => Msg::ActorYou,
        Actor::Merchant => Msg::ActorShop,
        Actor::System => Msg::ActorSystem,
    }
}

/// A delivery problem, in words.
pub fn problem(p: LogisticsProblem) -> Msg {
    match p {
        LogisticsProblem::Lost => Msg::ProblemLost,
        LogisticsProblem::Damaged => Msg::ProblemDamaged,
        LogisticsProblem::MissingPart => Msg::ProblemMissingPart,
        LogisticsProblem::Late => Msg::ProblemLate,
        LogisticsProblem::WrongAddress => Msg::ProblemWrongAddress,
    }
}

/// A complaint's subject, in words.
pub fn about(a: ComplaintAbout) -> Msg {
    match a {
        ComplaintAbout::Product => Msg::AboutProduct,
        ComplaintAbout::Service => Msg::AboutService,
        ComplaintAbout::Logistics => Msg::AboutLogistics,
    }
}

/// The message of an item condition.
pub fn condition(c: ItemCondition) -> Msg {
    match c {
        ItemCondition::NewUnopened => Msg::ConditionNewUnopened,
        ItemCondition::Opened => Msg::ConditionOpened,
        ItemCondition::Used => Msg::ConditionUsed,
        ItemCondition::Damaged => Msg::ConditionDamaged,
    }
}

/// `48 hours`, `30 minutes`, `8 business hours`, `48 小时`.
pub fn span(lang: &Lang, s: Span) -> String {
    let (n, m) = match s {
        Span::Minutes(n) => (n, Msg::SpanMinutes),
        Span::Hours(n) => (n, Msg::SpanHours),
        Span::BusinessMinutes(n) => (n, Msg::SpanBusinessMinutes),
        Span::BusinessHours(n) => (n, Msg::SpanBusinessHours),
    };
    lang.p(m, i64::from(n), &[])
}

/// The message for a violation code from core or the server: every code has its own.
pub fn violation(code: ViolationCode) -> Msg {
    use ViolationCode as V;
    match code {
        V::LinesRequired => Msg::ViolationLinesRequired,
        V::TooManyLines => Msg::ViolationTooManyLines,
        V::DuplicateLine => Msg::ViolationDuplicateLine,
        V::UnknownLine => Msg::ViolationUnknownLine,
        V::InvalidQuantity => Msg::ViolationInvalidQuantity,
        V::ResolutionRequired => Msg::ViolationResolutionRequired,
        V::ResolutionNotAllowed => Msg::ViolationResolutionNotAllowed,
        V::ReasonRequired => Msg::ViolationReasonRequired,
        V::UnknownReason => Msg::ViolationUnknownReason,
        V::ResolutionNotOfferedForReason => Msg::ViolationResolutionNotOfferedForReason,
        V::MerchantFaultRequired => Msg::ViolationMerchantFaultRequired,
        V::ConditionRequired => Msg::ViolationConditionRequired,
        V::ConditionNotAccepted => Msg::ViolationConditionNotAccepted,
        V::EvidenceRequired => Msg::ViolationEvidenceRequired,
        V::TooMuchEvidence => Msg::ViolationTooMuchEvidence,
        V::InvalidEvidence => Msg::ViolationInvalidEvidence,
        V::InsecureLink => Msg::ViolationInsecureLink,
        V::AnswerRequired => Msg::ViolationAnswerRequired,
        V::InvalidAnswer => Msg::ViolationInvalidAnswer,
        V::AnswerTooLong => Msg::ViolationAnswerTooLong,
        V::UnknownQuestion => Msg::ViolationUnknownQuestion,
        V::TooManyAnswers => Msg::ViolationTooManyAnswers,
        V::DescriptionRequired => Msg::ViolationDescriptionRequired,
        V::DescriptionTooLong => Msg::ViolationDescriptionTooLong,
        V::WindowClosed => Msg::ViolationWindowClosed,
        V::NotDelivered => Msg::ViolationNotDelivered,
        V::NotShipped => Msg::ViolationNotShipped,
        V::FullyClaimed => Msg::ViolationFullyClaimed,
        V::FinalSale => Msg::ViolationFinalSale,
        V::NotPermitted => Msg::ViolationNotPermitted,
        V::NotOffered => Msg::ViolationNotOffered,
        V::AmountOutOfRange => Msg::ViolationAmountOutOfRange,
        V::InvalidExchangeOption => Msg::ViolationInvalidExchangeOption,
    }
}

/// The message for a violation code read off the wire: a code this version does not know
/// (a newer server) reads as a general refusal.
pub fn violation_detail(detail: &ViolationDetail) -> Msg {
    detail.violation().map_or(Msg::ViolationOther, violation)
}

/// A rule as a shopper knows it: its label in their language, else its categories, else its
/// name.
fn rule_name(lang: &Lang, rule: &aftersales_core::policy::Rule, shop: Option<&str>) -> String {
    match merchant_text(lang, &rule.label, shop) {
        Some(label) => label.to_string(),
        None if rule.when.categories.is_empty() => rule.name.clone(),
        None => list(lang, &rule.when.categories),
    }
}

/// The shop's policy in a few sentences, for the policy step: core's facts
/// ([`Policy::summary`]) in the shopper's words, rules named by their label in the shopper's
/// language, the merchant's notes as written.
pub fn policy_summary(lang: &Lang, p: &Policy) -> Vec<String> {
    let shop = p.default_locale.as_deref();
    let n = |d: u16| d.to_string();
    p.summary()
        .into_iter()
        .filter_map(|fact| {
            Some(match fact {
                PolicyFact::RefundDays { days: 7 } => lang.t(Msg::PolicyRefundDays7).to_string(),
                PolicyFact::RefundDays { days } => {
                    lang.f(Msg::PolicyRefundDays, &[("days", &n(days))])
                }
                PolicyFact::RefundFaultOnly { days } => {
                    lang.f(Msg::PolicyRefundFaultOnly, &[("days", &n(days))])
                }
                PolicyFact::RefundUnlimited => lang.t(Msg::PolicyRefundUnlimited).to_string(),
                PolicyFact::RefundNone => lang.t(Msg::PolicyRefundNone).to_string(),
                PolicyFact::Exchange { days, faults_only } => lang.f(
                    if faults_only {
                        Msg::PolicyExchangeFaultOnly
                    } else {
                        Msg::PolicyExchangeDays
                    },
                    &[("days", &n(days))],
                ),
                PolicyFact::Repair { days } => lang.f(Msg::PolicyRepairDays, &[("days", &n(days))]),
                PolicyFact::RuleRefund { rule, days } => {
                    let what = rule_name(lang, p.rules.get(rule)?, shop);
                    lang.f(
                        Msg::PolicyRefundRule,
                        &[("what", &what), ("days", &n(days))],
                    )
                }
                PolicyFact::Questions { respond } => {
                    lang.f(Msg::PolicyQuestions, &[("span", &span(lang, respond))])
                }
                PolicyFact::Withdrawal { days } => {
                    lang.f(Msg::PolicyWithdrawal, &[("days", &n(days))])
                }
                PolicyFact::RuleRepair { rule, days } => {
                    let what = rule_name(lang, p.rules.get(rule)?, shop);
                    if days % 365 == 0 {
                        lang.p(
                            Msg::PolicyRepairRuleYears,
                            i64::from(days / 365),
                            &[("what", &what)],
                        )
                    } else {
                        lang.p(
                            Msg::PolicyRepairRuleDays,
                            i64::from(days),
                            &[("what", &what)],
                        )
                    }
                }
                PolicyFact::FinalSale => lang.t(Msg::PolicyFinalSale).to_string(),
                PolicyFact::Fees { charged } => lang
                    .t(if charged {
                        Msg::PolicyFeesCharged
                    } else {
                        Msg::PolicyFeesFree
                    })
                    .to_string(),
                PolicyFact::Answer { respond } => {
                    lang.f(Msg::PolicyAnswer, &[("span", &span(lang, respond))])
                }
                PolicyFact::Complaints { respond, resolve } => {
                    let respond = span(lang, respond);
                    match resolve {
                        Some(r) => lang.f(
                            Msg::PolicyComplaintsResolve,
                            &[("respond", &respond), ("resolve", &span(lang, r))],
                        ),
                        None => lang.f(Msg::PolicyComplaintsRespond, &[("respond", &respond)]),
                    }
                }
                PolicyFact::Note { index } => {
                    merchant_text(lang, p.notes.get(index)?, shop)?.to_string()
                }
            })
        })
        .collect()
}

/// Why a kind of request cannot be opened now (the "What do you need help with?" list).
pub fn closed(lang: &Lang, reason: &Ineligible) -> String {
    match reason {
        Ineligible::FullyClaimed => lang.t(Msg::ChooseClosedClaimed).to_string(),
        Ineligible::WindowClosed { last_day, days } => lang.f(
            Msg::ChooseClosedWindow,
            &[
                ("days", &days.to_string()),
                ("date", &date(lang, *last_day)),
            ],
        ),
        Ineligible::NotDelivered => lang.t(Msg::ChooseClosedNotDelivered).to_string(),
        Ineligible::NotShipped => lang.t(Msg::ChooseClosedNotShipped).to_string(),
        Ineligible::FinalSale => lang.t(Msg::ChooseClosedFinalSale).to_string(),
        Ineligible::NotPermitted { .. } | Ineligible::NotOffered => {
            lang.t(Msg::ChooseClosedNotOffered).to_string()
        }
    }
}

/// The verdict line under an item, e.g. `Returnable until Dec 2, 2026 (7 days left)`.
pub fn verdict(lang: &Lang, outcome: &Outcome, today: NaiveDate) -> String {
    let until = |last_day: Option<NaiveDate>| match last_day {
        None => lang.t(Msg::VerdictAnyTime).to_string(),
        Some(last) => {
            let left = match (last - today).num_days() {
                i64::MIN..=0 => lang.t(Msg::VerdictLastDay).to_string(),
                n => lang.p(Msg::VerdictDaysLeft, n, &[]),
            };
            lang.f(
                Msg::VerdictUntil,
                &[("date", &date(lang, last)), ("left", &left)],
            )
        }
    };
    match outcome {
        Outcome::Eligible(a) => until(a.last_day),
        Outcome::NeedsReview(a) => lang.f(Msg::VerdictReview, &[("verdict", &until(a.last_day))]),
        Outcome::NotEligible { reason } => match reason {
            Ineligible::WindowClosed { last_day, days } => lang.f(
                Msg::VerdictClosedDays,
                &[
                    ("days", &days.to_string()),
                    ("date", &date(lang, *last_day)),
                ],
            ),
            Ineligible::NotDelivered => lang.t(Msg::VerdictNotDelivered).to_string(),
            Ineligible::NotShipped => lang.t(Msg::VerdictNotShipped).to_string(),
            Ineligible::FullyClaimed => lang.t(Msg::VerdictFullyClaimed).to_string(),
            Ineligible::FinalSale => lang.t(Msg::VerdictFinalSale).to_string(),
            Ineligible::NotPermitted { .. } | Ineligible::NotOffered => {
                lang.t(Msg::VerdictNotPermitted).to_string()
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;
    use std::collections::BTreeMap;

    #[test]
    fn the_seed_policy_in_words_in_english_and_chinese() {
        assert_eq!(
            policy_summary(&Lang::of(Locale::En), &Policy::default()),
            [
                "7-day no-reason returns: changed your mind? Return it within 7 days of delivery for a refund.",
                "Faulty, damaged or wrong? Exchange it within 15 days.",
                "Items sold as final sale cannot be returned for a refund.",
                "Warranty repair for electronics and appliances: 1 year.",
                "Returns cost you nothing.",
                "We answer return requests within 48 hours.",
                "Complaints: answered within 24 hours, resolved within 48 hours.",
                "Questions are answered within 30 business minutes.",
            ]
        );
        let eu = Policy {
            withdrawal: Some(aftersales_core::withdrawal::WithdrawalRule { days: 14 }),
            ..Policy::default()
        };
        let words = policy_summary(&Lang::of(Locale::En), &eu);
        assert!(
            words
                .last()
                .unwrap()
                .starts_with("EU customers may withdraw from a purchase within 14 days"),
            "{words:?}"
        );
        let zh = policy_summary(&Lang::of(Locale::ZhHans), &Policy::default());
        assert_eq!(
            zh[0],
            "支持七天无理由退货：签收后 7 天内，不满意可申请退货退款。"
        );
        assert_eq!(zh[3], "电子产品和家电保修 1 年。");
        assert_eq!(zh[6], "投诉将在 24 小时内答复，48 小时内解决。");
        assert_eq!(zh[7], "咨询在 30 个工作分钟内答复。");
    }

    #[test]
    fn merchant_notes_and_labels_follow_the_shoppers_language_then_the_shops() {
        let texts = |pairs: &[(&str, &str)]| {
            Texts(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            )
        };
        let mut policy = Policy {
            default_locale: Some("zh-Hans".into()),
            notes: vec![texts(&[
                ("zh-Hans", "退货请寄往杭州仓库。"),
                ("en", "Returns go to Hangzhou."),
            ])],
            ..Policy::default()
        };
        let tw = Lang {
            locale: Locale::ZhHant,
            tag: "zh-TW".into(),
        };
        // No traditional text: the shop's default language comes before English.
        assert_eq!(
            policy_summary(&tw, &policy).last().unwrap(),
            "退货请寄往杭州仓库。"
        );
        assert_eq!(
            policy_summary(&Lang::of(Locale::En), &policy)
                .last()
                .unwrap(),
            "Returns go to Hangzhou."
        );
        policy.reasons[0].labels = texts(&[("en", "Not for me"), ("zh-Hant", "不喜歡")]);
        assert_eq!(reason(&tw, &policy.reasons[0], Some("zh-Hans")), "不喜歡");
        assert_eq!(
            reason(&Lang::of(Locale::ZhHans), &policy.reasons[1], None),
            "尺码或版型不合适"
        );
        let mut own = policy.reasons[1].clone();
        own.code = "too_heavy_to_carry".into();
        assert_eq!(
            reason(&Lang::of(Locale::En), &own, None),
            "Too heavy to carry"
        );
    }

    #[test]
    fn verdicts_spans_and_codes_in_words() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let en = Lang::of(Locale::En);
        let no = |reason| Outcome::NotEligible { reason };
        assert_eq!(
            verdict(&en, &no(Ineligible::FinalSale), today),
            "Not returnable: sold as final sale"
        );
        assert_eq!(
            verdict(
                &Lang::of(Locale::ZhHant),
                &no(Ineligible::NotDelivered),
                today
            ),
            "暫時無法退貨：商品尚未簽收"
        );
        assert_eq!(span(&en, Span::Hours(1)), "1 hour");
        assert_eq!(span(&en, Span::BusinessMinutes(30)), "30 business minutes");
        assert_eq!(
            span(&Lang::of(Locale::ZhHans), Span::BusinessHours(8)),
            "8 个工作小时"
        );
        assert_eq!(
            violation(ViolationCode::WindowClosed),
            Msg::ViolationWindowClosed
        );
        let wire = |code: &str| ViolationDetail {
            code: code.into(),
            field: "lines[0].line_id".into(),
            message: String::new(),
        };
        assert_eq!(
            violation_detail(&wire("insecure_link")),
            Msg::ViolationInsecureLink
        );
        assert_eq!(
            violation_detail(&wire("something_new")),
            Msg::ViolationOther,
            "a code newer than this widget"
        );
        assert_eq!(condition(ItemCondition::Opened), Msg::ConditionOpened);
    }
}
