//! The policy in short, as facts the widget words: windows, warranties per rule, final sale,
//! whether a change of mind may cost anything (the policy's fees and every rule's), the
//! promised answer times, and the merchant's own notes. Core decides what is said; the widget
//! only chooses the words.

use crate::case_type::CaseKind;
use crate::commitment::Span;
use crate::policy::{Fees, Policy, Window};
use crate::resolution::Resolution;
use serde::{Deserialize, Serialize};

/// One sentence of the summary, as a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum PolicyFact {
    /// Returns for a refund within `days` of delivery, for any reason.
    RefundDays {
        /// The window.
        days: u16,
    },
    /// Refunds within `days`, for faults of the shop only.
    RefundFaultOnly {
        /// The window.
        days: u16,
    },
    /// Refunds at any time.
    RefundUnlimited,
    /// No refunds by default.
    RefundNone,
    /// Exchanges within `days`.
    Exchange {
        /// The window.
        days: u16,
        /// For faults of the shop only.
        faults_only: bool,
    },
    /// Repairs under warranty within `days` (the policy's default).
    Repair {
        /// The window.
        days: u16,
    },
    /// A rule's own warranty: the widget names the rule by its label, else its categories.
    RuleRepair {
        /// Index of the rule in `rules`.
        rule: usize,
        /// The warranty in days.
        days: u16,
    },
    /// A rule's own return window for a change of mind (differing from the default).
    RuleRefund {
        /// Index of the rule in `rules`.
        rule: usize,
        /// The window in days.
        days: u16,
    },
    /// Items sold as final sale cannot be returned for a refund.
    FinalSale,
    /// Whether a change of mind may cost return shipping or a restocking fee, under the
    /// policy's fees or any rule's.
    Fees {
        /// True when some fee may be charged.
        charged: bool,
    },
    /// The promised first answer to a return request.
    Answer {
        /// Within.
        respond: Span,
    },
    /// The promises for complaints.
    Complaints {
        /// First answer within.
        respond: Span,
        /// Resolved within, when promised.
        resolve: Option<Span>,
    },
    /// The promised answer to a question.
    Questions {
        /// First answer within.
        respond: Span,
    },
    /// The EU withdrawal function: `days` from delivery.
    Withdrawal {
        /// The period.
        days: u16,
    },
    /// The merchant's note number `index` (in `notes`).
    Note {
        /// Its index.
        index: usize,
    },
}

fn charges(f: &Fees) -> bool {
    !f.free_returns && (f.return_shipping.unwrap_or(0) > 0 || f.restocking.is_some())
}

impl Policy {
    /// The policy in short, in the order it is told.
    pub fn summary(&self) -> Vec<PolicyFact> {
        let days = |w: Option<&Window>| w.and_then(Window::days);
        let mut out = vec![match self.windows.get(&Resolution::Refund) {
            Some(Window::Days(d)) => PolicyFact::RefundDays { days: *d },
            Some(Window::FaultOnlyDays(d)) => PolicyFact::RefundFaultOnly { days: *d },
            Some(Window::Unlimited) => PolicyFact::RefundUnlimited,
            Some(Window::NotPermitted) | None => PolicyFact::RefundNone,
        }];
        if let Some(d) = days(self.windows.get(&Resolution::Exchange)) {
            out.push(PolicyFact::Exchange {
                days: d,
                faults_only: matches!(
                    self.windows.get(&Resolution::Exchange),
                    Some(Window::FaultOnlyDays(_))
                ),
            });
        }
        if let Some(d) = days(self.windows.get(&Resolution::Repair)) {
            out.push(PolicyFact::Repair { days: d });
        }
        let default_refund = days(self.windows.get(&Resolution::Refund));
        for (i, rule) in self.rules.iter().enumerate() {
            if let Some(Window::Days(d)) = rule.windows.get(&Resolution::Refund) {
                if Some(*d) != default_refund {
                    out.push(PolicyFact::RuleRefund { rule: i, days: *d });
                }
            }
            if let Some(d) = days(rule.windows.get(&Resolution::Repair)) {
                out.push(PolicyFact::RuleRepair { rule: i, days: d });
            }
            if rule.when.final_sale == Some(true)
                && rule.windows.get(&Resolution::Refund) == Some(&Window::NotPermitted)
            {
                out.push(PolicyFact::FinalSale);
            }
        }
        let charged = charges(&self.fees)
            || self
                .rules
                .iter()
                .filter_map(|r| r.fees.as_ref())
                .any(charges);
        out.push(PolicyFact::Fees { charged });
        out.push(PolicyFact::Answer {
            respond: self.commitments.for_kind(CaseKind::Return).respond_within,
        });
        let complaint = self.commitments.for_kind(CaseKind::Complaint);
        out.push(PolicyFact::Complaints {
            respond: complaint.respond_within,
            resolve: complaint.resolve_within,
        });
        out.push(PolicyFact::Questions {
            respond: self.commitments.for_kind(CaseKind::Question).respond_within,
        });
        if let Some(w) = self.withdrawal {
            out.push(PolicyFact::Withdrawal { days: w.days });
        }
        out.extend((0..self.notes.len()).map(|index| PolicyFact::Note { index }));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{FeeAmount, Matcher, Rule};

    #[test]
    fn the_seed_policy_in_facts() {
        let facts = Policy::default().summary();
        assert_eq!(facts[0], PolicyFact::RefundDays { days: 7 });
        assert_eq!(
            facts[1],
            PolicyFact::Exchange {
                days: 15,
                faults_only: true
            }
        );
        assert!(facts.contains(&PolicyFact::FinalSale));
        assert!(facts.contains(&PolicyFact::Fees { charged: false }));
        assert!(facts
            .iter()
            .any(|f| matches!(f, PolicyFact::Questions { .. })));
        assert!(!facts
            .iter()
            .any(|f| matches!(f, PolicyFact::Withdrawal { .. })));
        let eu = Policy {
            withdrawal: Some(crate::withdrawal::WithdrawalRule { days: 30 }),
            ..Policy::default()
        };
        assert!(eu.summary().contains(&PolicyFact::Withdrawal { days: 30 }));
    }

    #[test]
    fn a_rule_with_its_own_return_window_is_told() {
        let mut p = Policy::default();
        p.rules.push(Rule {
            name: "shoes".into(),
            when: Matcher {
                categories: vec!["shoes".into()],
                ..Default::default()
            },
            windows: std::collections::BTreeMap::from([(Resolution::Refund, Window::Days(30))]),
            fees: None,
            bonus: None,
            label: Default::default(),
            needs_review: false,
        });
        let i = p.rules.len() - 1;
        assert!(p
            .summary()
            .contains(&PolicyFact::RuleRefund { rule: i, days: 30 }));
    }

    #[test]
    fn a_rule_that_charges_makes_the_summary_say_fees_may_apply() {
        let mut p = Policy::default();
        p.rules.push(Rule {
            name: "bulky".into(),
            when: Matcher {
                categories: vec!["furniture".into()],
                ..Default::default()
            },
            windows: Default::default(),
            fees: Some(Fees {
                restocking: Some(FeeAmount::BasisPoints(1500)),
                ..Fees::default()
            }),
            bonus: None,
            label: Default::default(),
            needs_review: false,
        });
        assert!(p.summary().contains(&PolicyFact::Fees { charged: true }));
    }
}
