//! The money side of a case: what the chosen units cost, the fees on them, and what the
//! shopper gets back.

use crate::eligibility::{fees_for, matching_rule};
use crate::money::Money;
use crate::order::{Line, Order};
use crate::policy::{FeeAmount, Policy};
use crate::reasons::Fault;
use crate::resolution::Resolution;
use serde::{Deserialize, Serialize};

/// The money side of an accepted case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Quote {
    /// Per line: what the units cost and the fee on them.
    pub lines: Vec<QuoteLine>,
    /// Return shipping charged to the shopper (zero when the shop pays).
    pub return_shipping_fee: Money,
    /// What the shopper gets back: paid − fees, never below zero.
    pub total: Money,
    /// Who bears return shipping and fees.
    pub fees_borne_by: Fault,
    /// Store credit on top, for choosing store credit or an exchange (the policy's `bonus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus: Option<Money>,
}

/// One line of a [`Quote`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Prices `quantity` units of `line`: what they cost the shopper and the restocking fee on
/// them (only when the shopper is the cause, from the line's rule or else the policy).
///
/// # Errors
/// [`crate::CoreError::Overflow`] when the units cost more than money can hold.
pub fn price_line(
    policy: &Policy,
    order: &Order,
    line: &Line,
    quantity: u32,
    fault: Option<Fault>,
) -> Result<QuoteLine, crate::CoreError> {
    let fees = fees_for(policy, matching_rule(policy, order, line));
    let paid = line.paid_for(quantity, order.currency)?;
    let restocking_fee = match (fault, fees.restocking) {
        (Some(Fault::Shopper), Some(FeeAmount::Fixed(m))) => Money::new(m, order.currency),
        (Some(Fault::Shopper), Some(FeeAmount::BasisPoints(bp))) => paid
            .checked_basis_points(bp)
            .unwrap_or(Money::zero(order.currency)),
        _ => Money::zero(order.currency),
    };
    Ok(QuoteLine {
        line_id: line.id.clone(),
        quantity,
        paid,
        restocking_fee,
    })
}

/// The quote for priced lines: fees are taken off what was paid, and the total is never
/// below zero nor above what was paid, whatever the fees.
pub(crate) fn quote(
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
    let sum = |f: fn(&QuoteLine) -> i64| {
        lines
            .iter()
            .fold(0i64, |acc, l| acc.saturating_add(f(l).max(0)))
    };
    let paid = sum(|l| l.paid.minor);
    let fees = sum(|l| l.restocking_fee.minor).saturating_add(return_shipping_fee.minor.max(0));
    let total = Money::new(paid.saturating_sub(fees).clamp(0, paid), order.currency);
    let bonus = bonus(policy, order, &lines, res);
    Quote {
        lines,
        return_shipping_fee,
        total,
        fees_borne_by: fault,
        bonus,
    }
}

/// The money side of a case with `resolution`, or `None`: resolutions that pay money get
/// their quote; an exchange gets one only when the policy gives a bonus for it (its total is
/// zero, the bonus is what the shopper gets).
pub(crate) fn finish(
    policy: &Policy,
    order: &Order,
    lines: Vec<QuoteLine>,
    fault: Fault,
    resolution: Resolution,
) -> Option<Quote> {
    if resolution.pays_money() {
        return Some(quote(policy, order, lines, fault, resolution));
    }
    if resolution != Resolution::Exchange {
        return None;
    }
    let bonus = bonus(policy, order, &lines, resolution)?;
    let zero = Money::zero(order.currency);
    Some(Quote {
        lines: lines
            .into_iter()
            .map(|l| QuoteLine {
                restocking_fee: zero,
                ..l
            })
            .collect(),
        return_shipping_fee: zero,
        total: zero,
        fees_borne_by: fault,
        bonus: Some(bonus),
    })
}

/// The bonus for choosing `resolution` for these lines: each line's rule's bonus, else the
/// policy's; shares are of what the line's units cost, a fixed amount counts once per case
/// (the largest). `None` when there is none.
fn bonus(
    policy: &Policy,
    order: &Order,
    lines: &[QuoteLine],
    resolution: Resolution,
) -> Option<Money> {
    let (mut shares, mut fixed, mut any) = (0i64, 0i64, false);
    for ql in lines {
        let Some(line) = order.line(&ql.line_id) else {
            continue;
        };
        let table = matching_rule(policy, order, line)
            .and_then(|r| r.bonus.as_ref())
            .unwrap_or(&policy.bonus);
        match table.get(&resolution) {
            Some(FeeAmount::BasisPoints(bp)) => {
                any = true;
                let part = ql.paid.checked_basis_points(*bp).map_or(0, |m| m.minor);
                shares = shares.saturating_add(part.max(0));
            }
            Some(FeeAmount::Fixed(m)) => {
                any = true;
                fixed = fixed.max(*m);
            }
            None => {}
        }
    }
    let total = shares.saturating_add(fixed.max(0));
    (any && total > 0).then(|| Money::new(total, order.currency))
}

/// What the engine would pay back for `lines` with `resolution`, before the case is complete
/// (the widget shows it beside each choice): the same pricing as an accepted case. `None` for a
/// resolution that pays no money (and earns no bonus), or lines not on the order.
pub fn estimate(
    policy: &Policy,
    order: &Order,
    lines: &[super::DraftLine],
    fault: Fault,
    resolution: Resolution,
) -> Option<Quote> {
    if lines.is_empty() {
        return None;
    }
    let priced = lines
        .iter()
        .map(|dl| {
            let line = order.line(&dl.line_id)?;
            price_line(policy, order, line, dl.quantity, Some(fault)).ok()
        })
        .collect::<Option<Vec<_>>>()?;
    finish(policy, order, priced, fault, resolution)
}
