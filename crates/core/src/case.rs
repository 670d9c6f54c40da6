//! What the shopper submits (a case draft), and its validation against the engine.

use crate::eligibility::{evaluate_line, fees_for, matching_rule, Outcome};
use crate::money::Money;
use crate::order::Order;
use crate::policy::{FeeAmount, Policy};
use crate::reasons::{Evidence, Fault, QuestionKind};
use crate::resolution::{ItemCondition, Resolution};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The type of a case, flat: the key of commitments and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Return and refund (退货退款).
    Return,
    /// Exchange for another variant (换货).
    Exchange,
    /// Repair under warranty (维修/保修).
    Repair,
    /// Send again (补发货).
    Reshipment,
    /// Compensation (赔偿).
    Compensation,
    /// Complaint (投诉).
    Complaint,
    /// A delivery problem (物流异常).
    LogisticsIssue,
    /// A question (咨询).
    Question,
}

impl CaseKind {
    /// The stable machine code, e.g. `"logistics_issue"`.
    pub fn code(self) -> &'static str {
        match self {
            CaseKind::Return => "return",
            CaseKind::Exchange => "exchange",
            CaseKind::Repair => "repair",
            CaseKind::Reshipment => "reshipment",
            CaseKind::Compensation => "compensation",
            CaseKind::Complaint => "complaint",
            CaseKind::LogisticsIssue => "logistics_issue",
            CaseKind::Question => "question",
        }
    }
}

/// What a complaint is about (产品问题、服务问题、物流问题).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintAbout {
    /// The product.
    Product,
    /// The service.
    Service,
    /// The delivery.
    Logistics,
}

/// A delivery problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogisticsProblem {
    /// The parcel is lost.
    Lost,
    /// The parcel arrived damaged.
    Damaged,
    /// The parcel is late.
    Late,
    /// The parcel went to a wrong address.
    WrongAddress,
}

/// The type of a case, with its detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseType {
    /// Return and refund (or store credit, or keep the item).
    Return,
    /// Exchange for another variant.
    Exchange,
    /// Repair under warranty.
    Repair,
    /// Send again.
    Reshipment,
    /// Compensation.
    Compensation,
    /// Complaint.
    Complaint {
        /// About what.
        about: ComplaintAbout,
    },
    /// A delivery problem.
    LogisticsIssue {
        /// Which.
        problem: LogisticsProblem,
    },
    /// A question.
    Question,
}

impl CaseType {
    /// The flat kind.
    pub fn kind(self) -> CaseKind {
        match self {
            CaseType::Return => CaseKind::Return,
            CaseType::Exchange => CaseKind::Exchange,
            CaseType::Repair => CaseKind::Repair,
            CaseType::Reshipment => CaseKind::Reshipment,
            CaseType::Compensation => CaseKind::Compensation,
            CaseType::Complaint { .. } => CaseKind::Complaint,
            CaseType::LogisticsIssue { .. } => CaseKind::LogisticsIssue,
            CaseType::Question => CaseKind::Question,
        }
    }

    /// The resolutions this type of case may ask for. Empty: none is asked (a question, a
    /// complaint the shop answers in words).
    pub fn resolutions(self) -> &'static [Resolution] {
        use Resolution::*;
        match self {
            CaseType::Return => &[Refund, StoreCredit, KeepItem],
            CaseType::Exchange => &[Exchange],
            CaseType::Repair => &[Repair],
            CaseType::Reshipment => &[Reship],
            CaseType::Compensation => &[Compensation],
            CaseType::LogisticsIssue { .. } => &[Reship, Compensation],
            CaseType::Complaint { .. } => &[Compensation],
            CaseType::Question => &[],
        }
    }

    /// True when the case must name order lines, a resolution and a reason.
    pub fn is_item_case(self) -> bool {
        matches!(
            self,
            CaseType::Return
                | CaseType::Exchange
                | CaseType::Repair
                | CaseType::Reshipment
                | CaseType::Compensation
        )
    }
}

/// A line of a case draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftLine {
    /// The order line.
    pub line_id: String,
    /// Units concerned.
    pub quantity: u32,
}

/// A piece of evidence: an uploaded photo's reference or a video link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceItem {
    /// Photo or video link.
    pub kind: EvidenceKind,
    /// The upload's id or the link.
    pub reference: String,
}

/// The kind of an evidence item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A photo upload.
    Photo,
    /// A link to a video.
    VideoLink,
}

/// Limits on free input, so a case stays a reasonable size.
pub const MAX_DESCRIPTION: usize = 5_000;
/// Most evidence items on one case.
pub const MAX_EVIDENCE: usize = 10;
/// Longest evidence reference.
pub const MAX_REFERENCE: usize = 2_048;

/// A case as the shopper drafted it. In JSON the type's fields sit at the top level:
/// `{"type": "complaint", "about": "service", "description": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawDraft")]
pub struct CaseDraft {
    /// The type of case.
    #[serde(flatten)]
    pub case_type: CaseType,
    /// The order lines concerned.
    #[serde(default)]
    pub lines: Vec<DraftLine>,
    /// The resolution asked for.
    #[serde(default)]
    pub resolution: Option<Resolution>,
    /// Reason code from the policy's reason tree.
    #[serde(default)]
    pub reason: Option<String>,
    /// The item's condition, as the shopper declares it.
    #[serde(default)]
    pub condition: Option<ItemCondition>,
    /// Answers to the reason's follow-up questions, by question id.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// Evidence.
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    /// Free text.
    #[serde(default)]
    pub description: String,
}

/// The wire form of [`CaseDraft`]: serde cannot refuse unknown fields next to a flattened
/// enum, so the draft is read flat and checked here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDraft {
    #[serde(rename = "type")]
    kind: CaseKind,
    #[serde(default)]
    about: Option<ComplaintAbout>,
    #[serde(default)]
    problem: Option<LogisticsProblem>,
    #[serde(default)]
    lines: Vec<DraftLine>,
    #[serde(default)]
    resolution: Option<Resolution>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    condition: Option<ItemCondition>,
    #[serde(default)]
    answers: BTreeMap<String, String>,
    #[serde(default)]
    evidence: Vec<EvidenceItem>,
    #[serde(default)]
    description: String,
}

impl TryFrom<RawDraft> for CaseDraft {
    type Error = String;
    fn try_from(r: RawDraft) -> Result<Self, Self::Error> {
        let case_type = match (r.kind, r.about, r.problem) {
            (CaseKind::Complaint, Some(about), None) => CaseType::Complaint { about },
            (CaseKind::Complaint, _, _) => {
                return Err("a complaint takes \"about\" (product, service or logistics) and no \"problem\"".into())
            }
            (CaseKind::LogisticsIssue, None, Some(problem)) => CaseType::LogisticsIssue { problem },
            (CaseKind::LogisticsIssue, _, _) => {
                return Err("a logistics issue takes \"problem\" (lost, damaged, late or wrong_address) and no \"about\"".into())
            }
            (kind, Some(_), _) | (kind, _, Some(_)) => {
                return Err(format!("\"about\" and \"problem\" do not apply to a {} case", kind.code()))
            }
            (CaseKind::Return, None, None) => CaseType::Return,
            (CaseKind::Exchange, None, None) => CaseType::Exchange,
            (CaseKind::Repair, None, None) => CaseType::Repair,
            (CaseKind::Reshipment, None, None) => CaseType::Reshipment,
            (CaseKind::Compensation, None, None) => CaseType::Compensation,
            (CaseKind::Question, None, None) => CaseType::Question,
        };
        Ok(CaseDraft {
            case_type,
            lines: r.lines,
            resolution: r.resolution,
            reason: r.reason,
            condition: r.condition,
            answers: r.answers,
            evidence: r.evidence,
            description: r.description,
        })
    }
}

/// One reason a draft is refused: a machine code and the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Machine code (see [`Violation::message`] for the list).
    pub code: String,
    /// Path of the draft field concerned, e.g. `lines[0].quantity`.
    pub field: String,
}

impl Violation {
    fn new(code: &str, field: impl Into<String>) -> Violation {
        Violation {
            code: code.to_string(),
            field: field.into(),
        }
    }

    /// A plain-English sentence for the code (the widget translates codes itself).
    pub fn message(&self) -> &'static str {
        match self.code.as_str() {
            "lines_required" => "Choose at least one item.",
            "duplicate_line" => "An item is listed twice.",
            "unknown_line" => "This item is not on the order.",
            "invalid_quantity" => "The quantity is zero or more than can be claimed.",
            "resolution_required" => "Choose what you would like: a refund, an exchange, a repair…",
            "resolution_not_allowed" => "This kind of request cannot lead to that resolution.",
            "reason_required" => "Choose a reason.",
            "unknown_reason" => "This reason is not offered by the shop.",
            "resolution_not_offered_for_reason" => {
                "That resolution is not offered for this reason."
            }
            "merchant_fault_required" => {
                "This is only available when the item is faulty, damaged or wrong."
            }
            "condition_required" => "Tell us what condition the item is in.",
            "condition_not_accepted" => {
                "Items in this condition cannot be returned for this resolution."
            }
            "evidence_required" => "Add a photo (and a video link, where asked) of the problem.",
            "too_much_evidence" => "Too many attachments.",
            "invalid_evidence" => "An attachment reference is empty or too long.",
            "answer_required" => "Please answer this question.",
            "invalid_answer" => "Choose one of the offered answers.",
            "answer_too_long" => "This answer is too long.",
            "unknown_question" => "This question is not asked for this reason.",
            "description_required" => "Please describe the problem.",
            "description_too_long" => "The description is too long.",
            "window_closed" => "The time to ask for this has passed.",
            "not_delivered" => "This item has not been delivered yet.",
            "not_shipped" => "This item has not been shipped yet.",
            "fully_claimed" => "Every unit of this item is already in another request.",
            "final_sale" => "This item was sold as final sale.",
            "not_permitted" => "The shop's policy does not allow this for this item.",
            "not_offered" => "The shop does not offer this for this item.",
            "amount_out_of_range" => "The amount is out of range.",
            _ => "This request is not allowed.",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message())
    }
}

/// The money side of an accepted case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Per line: what the units cost and the fee on them.
    pub lines: Vec<QuoteLine>,
    /// Return shipping charged to the shopper (zero when the shop pays).
    pub return_shipping_fee: Money,
    /// What the shopper gets back: paid − fees, never below zero.
    pub total: Money,
    /// Who bears return shipping and fees.
    pub fees_borne_by: Fault,
}

/// One line of a [`Quote`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    /// The order line.
    pub line_id: String,
    /// Units.
    pub quantity: u32,
    /// What those units cost the shopper (list price minus their share of the discount).
    pub paid: Money,
    /// Restocking fee on them.
    pub restocking_fee: Money,
}

/// A draft that passed validation, with what the engine worked out for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptedCase {
    /// The draft, as accepted.
    pub draft: CaseDraft,
    /// The refund quote, for resolutions that pay money.
    pub quote: Option<Quote>,
    /// A rule asks for a person to decide: the case starts under review.
    pub needs_review: bool,
}

/// Validates a draft against the order, the policy and the engine's verdicts at `now`.
///
/// # Errors
/// Every violation found, each with its code and field.
pub fn validate_case(
    policy: &Policy,
    order: &Order,
    draft: &CaseDraft,
    now: DateTime<Utc>,
) -> Result<AcceptedCase, Vec<Violation>> {
    let mut v = Vec::new();
    let ct = draft.case_type;
    check_text(draft, ct, &mut v);

    let reason = match &draft.reason {
        Some(code) => match policy.reason(code) {
            Some(r) => Some(r),
            None => {
                v.push(Violation::new("unknown_reason", "reason"));
                None
            }
        },
        None => {
            if ct.is_item_case() {
                v.push(Violation::new("reason_required", "reason"));
            }
            None
        }
    };
    match draft.resolution {
        Some(res) if !ct.resolutions().contains(&res) => {
            v.push(Violation::new("resolution_not_allowed", "resolution"))
        }
        Some(res) if reason.is_some_and(|r| !r.resolutions.contains(&res)) => v.push(
            Violation::new("resolution_not_offered_for_reason", "resolution"),
        ),
        None if ct.is_item_case() => v.push(Violation::new("resolution_required", "resolution")),
        _ => {}
    }
    if let Some(r) = reason {
        check_answers_and_evidence(r, draft, &mut v);
    }
    let fault = reason.map(|r| r.fault);

    if ct.is_item_case() && draft.lines.is_empty() {
        v.push(Violation::new("lines_required", "lines"));
    }
    let mut needs_review = false;
    let mut quote_lines = Vec::new();
    for (i, dl) in draft.lines.iter().enumerate() {
        if draft.lines[..i].iter().any(|o| o.line_id == dl.line_id) {
            v.push(Violation::new(
                "duplicate_line",
                format!("lines[{i}].line_id"),
            ));
            continue;
        }
        let Some(line) = order.line(&dl.line_id) else {
            v.push(Violation::new(
                "unknown_line",
                format!("lines[{i}].line_id"),
            ));
            continue;
        };
        let Some(res) = draft.resolution else {
            continue;
        };
        if !ct.resolutions().contains(&res) {
            continue;
        }
        let verdicts = evaluate_line(policy, order, line, now);
        let allowance = match verdicts.get(res) {
            Some(Outcome::NotEligible { reason }) => {
                v.push(Violation::new(reason.code(), format!("lines[{i}].line_id")));
                continue;
            }
            Some(Outcome::NeedsReview(a)) => {
                needs_review = true;
                *a
            }
            Some(Outcome::Eligible(a)) => *a,
            None => continue,
        };
        if allowance.merchant_fault_only && fault == Some(Fault::Shopper) {
            v.push(Violation::new("merchant_fault_required", "reason"));
        }
        if dl.quantity == 0 || dl.quantity > allowance.max_quantity {
            v.push(Violation::new(
                "invalid_quantity",
                format!("lines[{i}].quantity"),
            ));
            continue;
        }
        if fault == Some(Fault::Shopper) {
            if let Some(accepted) = policy.conditions.get(&res) {
                match draft.condition {
                    None => v.push(Violation::new("condition_required", "condition")),
                    Some(c) if !accepted.contains(&c) => {
                        v.push(Violation::new("condition_not_accepted", "condition"))
                    }
                    Some(_) => {}
                }
            }
        }
        if res.pays_money() {
            let rule = matching_rule(policy, order, line);
            let fees = fees_for(policy, rule);
            let paid = match line.paid_for(dl.quantity, order.currency) {
                Ok(m) => m,
                Err(_) => {
                    v.push(Violation::new(
                        "amount_out_of_range",
                        format!("lines[{i}].quantity"),
                    ));
                    continue;
                }
            };
            let restocking_fee = match (fault, fees.restocking) {
                (Some(Fault::Shopper), Some(FeeAmount::Fixed(m))) => Money::new(m, order.currency),
                (Some(Fault::Shopper), Some(FeeAmount::BasisPoints(bp))) => paid
                    .checked_basis_points(bp)
                    .unwrap_or(Money::zero(order.currency)),
                _ => Money::zero(order.currency),
            };
            quote_lines.push(QuoteLine {
                line_id: line.id.clone(),
                quantity: dl.quantity,
                paid,
                restocking_fee,
            });
        }
    }
    dedup(&mut v);
    if !v.is_empty() {
        return Err(v);
    }
    let quote = match draft.resolution {
        Some(res) if res.pays_money() => Some(quote(
            policy,
            order,
            quote_lines,
            fault.unwrap_or(Fault::Merchant),
            res,
        )),
        _ => None,
    };
    Ok(AcceptedCase {
        draft: draft.clone(),
        quote,
        needs_review,
    })
}

fn quote(
    policy: &Policy,
    order: &Order,
    lines: Vec<QuoteLine>,
    fault: Fault,
    res: Resolution,
) -> Quote {
    let zero = Money::zero(order.currency);
    let ships_back = res != Resolution::KeepItem;
    let return_shipping_fee = match (fault, policy.fees.return_shipping) {
        (Fault::Shopper, Some(m)) if ships_back && !policy.fees.free_returns => {
            Money::new(m, order.currency)
        }
        _ => zero,
    };
    let paid: i64 = lines.iter().map(|l| l.paid.minor).sum();
    let fees: i64 =
        lines.iter().map(|l| l.restocking_fee.minor).sum::<i64>() + return_shipping_fee.minor;
    let total = Money::new(
        paid.saturating_sub(fees).clamp(0, paid.max(0)),
        order.currency,
    );
    Quote {
        lines,
        return_shipping_fee,
        total,
        fees_borne_by: fault,
    }
}

fn check_text(draft: &CaseDraft, ct: CaseType, v: &mut Vec<Violation>) {
    let chars = draft.description.chars().count();
    if chars > MAX_DESCRIPTION {
        v.push(Violation::new("description_too_long", "description"));
    }
    let needs_words = matches!(ct, CaseType::Complaint { .. } | CaseType::Question);
    if needs_words && draft.description.trim().is_empty() {
        v.push(Violation::new("description_required", "description"));
    }
    if draft.evidence.len() > MAX_EVIDENCE {
        v.push(Violation::new("too_much_evidence", "evidence"));
    }
    for (i, e) in draft.evidence.iter().enumerate() {
        if e.reference.trim().is_empty() || e.reference.len() > MAX_REFERENCE {
            v.push(Violation::new(
                "invalid_evidence",
                format!("evidence[{i}].reference"),
            ));
        }
    }
}

fn check_answers_and_evidence(
    r: &crate::reasons::ReasonDef,
    draft: &CaseDraft,
    v: &mut Vec<Violation>,
) {
    let has = |k| draft.evidence.iter().any(|e| e.kind == k);
    let enough = match r.evidence {
        Evidence::None => true,
        Evidence::Photo => has(EvidenceKind::Photo),
        Evidence::PhotoAndVideo => has(EvidenceKind::Photo) && has(EvidenceKind::VideoLink),
    };
    if !enough {
        v.push(Violation::new("evidence_required", "evidence"));
    }
    for q in &r.questions {
        let field = format!("answers.{}", q.id);
        match draft
            .answers
            .get(&q.id)
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            None if q.required => v.push(Violation::new("answer_required", field)),
            None => {}
            Some(a) => match &q.kind {
                QuestionKind::Choice { options } if !options.iter().any(|o| o == a) => {
                    v.push(Violation::new("invalid_answer", field))
                }
                QuestionKind::Text { max_length } if a.chars().count() > *max_length as usize => {
                    v.push(Violation::new("answer_too_long", field))
                }
                _ => {}
            },
        }
    }
    for id in draft.answers.keys() {
        if !r.questions.iter().any(|q| &q.id == id) {
            v.push(Violation::new("unknown_question", format!("answers.{id}")));
        }
    }
}

fn dedup(v: &mut Vec<Violation>) {
    let mut seen = Vec::new();
    v.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(x.clone());
            true
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Fees;

    fn order() -> Order {
        serde_json::from_str(
            r#"{"number":"1001","placed_at":"2026-11-01T00:00:00Z","currency":"JPY","lines":[
              {"id":"a","sku":"A","title":"Tea","category":"food","unit_price":1500,"quantity":3,
               "quantity_claimed":1,"discount":300,"delivered_at":"2026-11-02T00:00:00Z"},
              {"id":"b","sku":"B","title":"Cup","category":"kitchen","unit_price":800,"quantity":1,
               "delivered_at":"2026-10-01T00:00:00Z"},
              {"id":"c","sku":"C","title":"Kettle","category":"appliances","unit_price":9900,"quantity":1,
               "delivered_at":"2026-11-03T00:00:00Z"}]}"#,
        )
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2026-11-05T00:00:00Z".parse().unwrap()
    }

    fn ret(line: &str, quantity: u32, reason: &str) -> CaseDraft {
        CaseDraft {
            case_type: CaseType::Return,
            lines: vec![DraftLine {
                line_id: line.into(),
                quantity,
            }],
            resolution: Some(Resolution::Refund),
            reason: Some(reason.into()),
            condition: Some(ItemCondition::NewUnopened),
            answers: BTreeMap::new(),
            evidence: vec![],
            description: String::new(),
        }
    }

    fn codes(r: Result<AcceptedCase, Vec<Violation>>) -> Vec<(String, String)> {
        r.unwrap_err()
            .into_iter()
            .map(|v| (v.code, v.field))
            .collect()
    }

    #[test]
    fn a_change_of_mind_refunds_what_was_paid() {
        let ok = validate_case(
            &Policy::default(),
            &order(),
            &ret("a", 2, "changed_mind"),
            now(),
        )
        .unwrap();
        let q = ok.quote.unwrap();
        // 3 × ¥1500 with ¥300 off: units cost 1400 each; units 2 and 3 are refunded.
        assert_eq!(q.total.minor, 2800);
        assert_eq!(q.total.currency.code(), "JPY");
        assert!(!ok.needs_review);
    }

    #[test]
    fn the_fault_side_decides_who_pays_fees() {
        let policy = Policy {
            fees: Fees {
                restocking: Some(FeeAmount::BasisPoints(1000)),
                return_shipping: Some(500),
                free_returns: false,
            },
            ..Policy::default()
        };
        let mine = validate_case(&policy, &order(), &ret("c", 1, "changed_mind"), now())
            .unwrap()
            .quote
            .unwrap();
        assert_eq!(
            (
                mine.lines[0].restocking_fee.minor,
                mine.return_shipping_fee.minor
            ),
            (990, 500)
        );
        assert_eq!(mine.total.minor, 9900 - 990 - 500);
        assert_eq!(mine.fees_borne_by, Fault::Shopper);

        let mut faulty = ret("c", 1, "defective");
        faulty.evidence = vec![EvidenceItem {
            kind: EvidenceKind::Photo,
            reference: "upload-1".into(),
        }];
        faulty
            .answers
            .insert("what_happened".into(), "It does not heat".into());
        faulty.condition = Some(ItemCondition::Used);
        let theirs = validate_case(&policy, &order(), &faulty, now())
            .unwrap()
            .quote
            .unwrap();
        assert_eq!(
            theirs.total.minor, 9900,
            "a defect costs the shopper nothing"
        );
        assert_eq!(theirs.fees_borne_by, Fault::Merchant);

        let free = Policy {
            fees: Fees {
                free_returns: true,
                ..policy.fees
            },
            ..policy.clone()
        };
        let q = validate_case(&free, &order(), &ret("c", 1, "changed_mind"), now())
            .unwrap()
            .quote
            .unwrap();
        assert_eq!(
            (q.return_shipping_fee.minor, q.total.minor),
            (0, 9900 - 990)
        );
    }

    #[test]
    fn three_decimal_currencies_round_fees_to_the_fils() {
        let mut o = order();
        o.currency = crate::money::Currency::new("KWD").unwrap();
        o.lines[2].unit_price = 12_345; // KWD 12.345
        let policy = Policy {
            fees: Fees {
                restocking: Some(FeeAmount::BasisPoints(1000)),
                ..Fees::default()
            },
            ..Policy::default()
        };
        let q = validate_case(&policy, &o, &ret("c", 1, "changed_mind"), now())
            .unwrap()
            .quote
            .unwrap();
        assert_eq!(
            q.lines[0].restocking_fee.minor, 1_235,
            "1.2345 rounds half away from zero"
        );
        assert_eq!(q.total.to_decimal_string(), "11.110");
    }

    #[test]
    fn each_violation_names_its_code_and_field() {
        let p = Policy::default();
        let o = order();
        let t = now();
        assert_eq!(
            codes(validate_case(&p, &o, &ret("zzz", 1, "changed_mind"), t)),
            [("unknown_line".into(), "lines[0].line_id".into())]
        );
        assert_eq!(
            codes(validate_case(&p, &o, &ret("a", 3, "changed_mind"), t)),
            [("invalid_quantity".into(), "lines[0].quantity".into())]
        );
        assert_eq!(
            codes(validate_case(&p, &o, &ret("b", 1, "changed_mind"), t)),
            [("window_closed".into(), "lines[0].line_id".into())]
        );
        assert_eq!(
            codes(validate_case(&p, &o, &ret("a", 1, "because"), t)),
            [("unknown_reason".into(), "reason".into())]
        );
        let mut used = ret("a", 1, "changed_mind");
        used.condition = Some(ItemCondition::Used);
        assert_eq!(
            codes(validate_case(&p, &o, &used, t)),
            [("condition_not_accepted".into(), "condition".into())]
        );
        used.condition = None;
        assert_eq!(
            codes(validate_case(&p, &o, &used, t)),
            [("condition_required".into(), "condition".into())]
        );
        let twice = CaseDraft {
            lines: vec![
                DraftLine {
                    line_id: "a".into(),
                    quantity: 1
                };
                2
            ],
            ..ret("a", 1, "changed_mind")
        };
        assert_eq!(
            codes(validate_case(&p, &o, &twice, t)),
            [("duplicate_line".into(), "lines[1].line_id".into())]
        );
    }

    #[test]
    fn a_defect_needs_its_evidence_and_answers() {
        let mut d = ret("c", 1, "defective");
        d.answers.insert("when_noticed".into(), "yesterday".into());
        d.answers.insert("colour".into(), "red".into());
        let got = codes(validate_case(&Policy::default(), &order(), &d, now()));
        assert_eq!(
            got,
            [
                ("evidence_required".into(), "evidence".into()),
                ("answer_required".into(), "answers.what_happened".into()),
                ("invalid_answer".into(), "answers.when_noticed".into()),
                ("unknown_question".into(), "answers.colour".into()),
            ]
        );
    }

    #[test]
    fn exchanges_within_fifteen_days_need_a_fault() {
        let mut d = ret("a", 1, "changed_mind");
        d.case_type = CaseType::Exchange;
        d.resolution = Some(Resolution::Exchange);
        assert_eq!(
            codes(validate_case(&Policy::default(), &order(), &d, now())),
            [("merchant_fault_required".into(), "reason".into())]
        );
        d.resolution = Some(Resolution::Refund);
        assert_eq!(
            codes(validate_case(&Policy::default(), &order(), &d, now())),
            [("resolution_not_allowed".into(), "resolution".into())]
        );
    }

    #[test]
    fn questions_and_complaints_need_words_not_lines() {
        let q: CaseDraft = serde_json::from_str(
            r#"{"type":"question","description":"Does the kettle fit 220 V?"}"#,
        )
        .unwrap();
        let ok = validate_case(&Policy::default(), &order(), &q, now()).unwrap();
        assert!(ok.quote.is_none());
        let empty: CaseDraft =
            serde_json::from_str(r#"{"type":"complaint","about":"service"}"#).unwrap();
        assert_eq!(
            codes(validate_case(&Policy::default(), &order(), &empty, now())),
            [("description_required".into(), "description".into())]
        );
        let long = CaseDraft {
            description: "x".repeat(MAX_DESCRIPTION + 1),
            ..q
        };
        assert_eq!(
            codes(validate_case(&Policy::default(), &order(), &long, now())),
            [("description_too_long".into(), "description".into())]
        );
        assert!(serde_json::from_str::<CaseDraft>(
            r#"{"type":"complaint","about":"weather","description":"x"}"#
        )
        .is_err());
    }
}
