//! A draft checked against the order, the policy and the engine's verdicts.
//!
//! The order of the checks:
//! 1. **size first**, before any work: the description, the attachments (`https:` links
//!    only), the answers and the lines are bounded — no more lines than the order has — so
//!    the rest is linear in the size of the draft;
//! 2. the reason must be in the policy's tree, and the resolution allowed for the case type
//!    and offered for the reason; the reason's questions answered and its evidence attached;
//! 3. every line is on the order and named once; cases that claim units
//!    ([`CaseKind::claims_units`](crate::case_type::CaseKind::claims_units)) and repairs take
//!    the engine's verdict for their resolution and at most its quantity; a question or
//!    complaint that names an item only points at it (1 to the units ordered);
//!    an exchange may name, per line, another variant the order lists for it;
//! 4. the item's condition, when [`conditions_asked`] says it is asked;
//! 5. for resolutions that pay money, the [`Quote`].

use super::draft::{
    CaseDraft, EvidenceKind, MAX_CHOICE_ANSWER, MAX_DESCRIPTION, MAX_EVIDENCE, MAX_REFERENCE,
};
use super::quote::{finish, price_line, Quote};
use super::violation::{Violation, ViolationCode as V};
use crate::case_type::CaseType;
use crate::eligibility::{evaluate_one, Outcome};
use crate::order::Order;
use crate::policy::Policy;
use crate::reasons::{Evidence, Fault, QuestionKind, ReasonDef};
use crate::resolution::{ItemCondition, Resolution};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A draft that passed validation, with what the engine worked out for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AcceptedCase {
    /// The draft, as accepted.
    pub draft: CaseDraft,
    /// The refund quote, for resolutions that pay money.
    pub quote: Option<Quote>,
    /// A rule asks for a person to decide: the case starts under review.
    pub needs_review: bool,
}

/// The conditions the shop takes an item back in, when the shopper must say which one theirs
/// is: for a reason that is the shopper's doing and a resolution the policy lists conditions
/// for. `None`: the question is not asked. Only accepted conditions are listed, so a shopper
/// is never offered one the shop will refuse.
pub fn conditions_asked<'p>(
    policy: &'p Policy,
    reason: Option<&ReasonDef>,
    resolution: Resolution,
) -> Option<&'p [ItemCondition]> {
    match reason {
        Some(r) if r.fault == Fault::Shopper => {
            policy.conditions.get(&resolution).map(Vec::as_slice)
        }
        _ => None,
    }
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
    if !check_size(order, draft, &mut v) {
        return Err(v);
    }

    let reason = match &draft.reason {
        Some(code) => match policy.reason(code) {
            Some(r) => Some(r),
            None => {
                v.push(Violation::new(V::UnknownReason, "reason"));
                None
            }
        },
        None => {
            if ct.is_item_case() {
                v.push(Violation::new(V::ReasonRequired, "reason"));
            }
            None
        }
    };
    let resolution = match draft.resolution {
        Some(res) if !ct.resolutions().contains(&res) => {
            v.push(Violation::new(V::ResolutionNotAllowed, "resolution"));
            None
        }
        Some(res) if reason.is_some_and(|r| !r.resolutions.contains(&res)) => {
            v.push(Violation::new(
                V::ResolutionNotOfferedForReason,
                "resolution",
            ));
            None
        }
        None if ct.is_item_case() => {
            v.push(Violation::new(V::ResolutionRequired, "resolution"));
            None
        }
        res => res,
    };
    match reason {
        Some(r) => check_answers_and_evidence(r, draft, &mut v),
        None if !draft.answers.is_empty() => {
            for id in draft.answers.keys() {
                v.push(Violation::new(V::UnknownQuestion, format!("answers.{id}")));
            }
        }
        None => {}
    }
    let fault = reason.map(|r| r.fault);

    if ct.is_item_case() && draft.lines.is_empty() {
        v.push(Violation::new(V::LinesRequired, "lines"));
    }
    let takes_verdict = ct.kind().claims_units() || ct == CaseType::Repair;
    let mut seen = HashSet::with_capacity(draft.lines.len());
    let mut needs_review = false;
    let mut asks_condition = false;
    let mut quote_lines = Vec::new();
    for (i, dl) in draft.lines.iter().enumerate() {
        if !seen.insert(dl.line_id.as_str()) {
            v.push(Violation::new(
                V::DuplicateLine,
                format!("lines[{i}].line_id"),
            ));
            continue;
        }
        let Some(line) = order.line(&dl.line_id) else {
            v.push(Violation::new(
                V::UnknownLine,
                format!("lines[{i}].line_id"),
            ));
            continue;
        };
        if let Some(sku) = &dl.exchange_for {
            let listed = line.exchange_options.iter().any(|o| &o.sku == sku);
            if !listed || resolution != Some(Resolution::Exchange) {
                v.push(Violation::new(
                    V::InvalidExchangeOption,
                    format!("lines[{i}].exchange_for"),
                ));
            }
        }
        if !takes_verdict {
            if dl.quantity == 0 || dl.quantity > line.quantity {
                v.push(Violation::new(
                    V::InvalidQuantity,
                    format!("lines[{i}].quantity"),
                ));
            }
            continue;
        }
        let Some(res) = resolution else {
            continue;
        };
        let allowance = match evaluate_one(policy, order, line, res, now) {
            Outcome::NotEligible { reason } => {
                v.push(Violation::new(
                    V::from(&reason),
                    format!("lines[{i}].line_id"),
                ));
                continue;
            }
            Outcome::NeedsReview(a) => {
                needs_review = true;
                a
            }
            Outcome::Eligible(a) => a,
        };
        if allowance.merchant_fault_only && fault == Some(Fault::Shopper) {
            v.push(Violation::new(V::MerchantFaultRequired, "reason"));
        }
        if dl.quantity == 0 || dl.quantity > allowance.max_quantity {
            v.push(Violation::new(
                V::InvalidQuantity,
                format!("lines[{i}].quantity"),
            ));
            continue;
        }
        asks_condition = true;
        if res.pays_money() || res == Resolution::Exchange {
            match price_line(policy, order, line, dl.quantity, fault) {
                Ok(q) => quote_lines.push(q),
                Err(_) => v.push(Violation::new(
                    V::AmountOutOfRange,
                    format!("lines[{i}].quantity"),
                )),
            }
        }
    }
    if let (true, Some(res)) = (asks_condition, resolution) {
        if let Some(accepted) = conditions_asked(policy, reason, res) {
            match draft.condition {
                None => v.push(Violation::new(V::ConditionRequired, "condition")),
                Some(c) if !accepted.contains(&c) => {
                    v.push(Violation::new(V::ConditionNotAccepted, "condition"))
                }
                Some(_) => {}
            }
        }
    }
    dedup(&mut v);
    if !v.is_empty() {
        return Err(v);
    }
    let quote = resolution.and_then(|res| {
        finish(
            policy,
            order,
            quote_lines,
            fault.unwrap_or(Fault::Merchant),
            res,
        )
    });
    Ok(AcceptedCase {
        draft: draft.clone(),
        quote,
        needs_review,
    })
}

/// The bounds that come before any work. `false` when the draft is too big to look at further
/// (more lines than the order, more answers than questions could be asked).
fn check_size(order: &Order, draft: &CaseDraft, v: &mut Vec<Violation>) -> bool {
    let ct = draft.case_type;
    if draft.description.chars().count() > MAX_DESCRIPTION {
        v.push(Violation::new(V::DescriptionTooLong, "description"));
    }
    let needs_words = matches!(ct, CaseType::Complaint { .. } | CaseType::Question);
    if needs_words && draft.description.trim().is_empty() {
        v.push(Violation::new(V::DescriptionRequired, "description"));
    }
    if draft.evidence.len() > MAX_EVIDENCE {
        v.push(Violation::new(V::TooMuchEvidence, "evidence"));
    } else {
        for (i, e) in draft.evidence.iter().enumerate() {
            let field = format!("evidence[{i}].reference");
            if e.reference.trim().is_empty() || e.reference.len() > MAX_REFERENCE {
                v.push(Violation::new(V::InvalidEvidence, field));
            } else if e.kind == EvidenceKind::VideoLink && !crate::order::is_https_url(&e.reference)
            {
                v.push(Violation::new(V::InsecureLink, field));
            }
        }
    }
    let mut fits = true;
    if draft.answers.len() > crate::reasons::MAX_QUESTIONS {
        v.push(Violation::new(V::TooManyAnswers, "answers"));
        fits = false;
    }
    if draft.lines.len() > order.lines.len() {
        v.push(Violation::new(V::TooManyLines, "lines"));
        fits = false;
    }
    fits
}

fn check_answers_and_evidence(r: &ReasonDef, draft: &CaseDraft, v: &mut Vec<Violation>) {
    let has = |k| draft.evidence.iter().any(|e| e.kind == k);
    let enough = match r.evidence {
        Evidence::None => true,
        Evidence::Photo => has(EvidenceKind::Photo),
        Evidence::PhotoAndVideo => has(EvidenceKind::Photo) && has(EvidenceKind::VideoLink),
    };
    if !enough {
        v.push(Violation::new(V::EvidenceRequired, "evidence"));
    }
    for q in &r.questions {
        let field = format!("answers.{}", q.id);
        match draft
            .answers
            .get(&q.id)
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            None if q.required => v.push(Violation::new(V::AnswerRequired, field)),
            None => {}
            Some(a) => match &q.kind {
                QuestionKind::Choice { .. } if a.len() > MAX_CHOICE_ANSWER => {
                    v.push(Violation::new(V::AnswerTooLong, field))
                }
                QuestionKind::Choice { options } if !options.iter().any(|o| o == a) => {
                    v.push(Violation::new(V::InvalidAnswer, field))
                }
                QuestionKind::Text { max_length } if a.chars().count() > *max_length as usize => {
                    v.push(Violation::new(V::AnswerTooLong, field))
                }
                _ => {}
            },
        }
    }
    for id in draft.answers.keys() {
        if !r.questions.iter().any(|q| &q.id == id) {
            v.push(Violation::new(V::UnknownQuestion, format!("answers.{id}")));
        }
    }
}

/// Drops repeated violations, keeping the first of each (the same code on the same field).
fn dedup(v: &mut Vec<Violation>) {
    let mut seen = HashSet::with_capacity(v.len());
    v.retain(|x| seen.insert((x.code, x.field.clone())));
}
