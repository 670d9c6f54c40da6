//! A case: what the shopper submits, why a draft is refused, what it costs, and the check
//! that decides.
//!
//! - [`crate::case_type`]: the types of case (a leaf: commitments and the API use it alone);
//! - [`draft`]: the draft as it arrives on the wire, and its limits;
//! - [`violation`]: the closed list of refusal codes;
//! - [`quote`]: the money side;
//! - [`validate`]: the check, in its written order.

pub mod draft;
pub mod quote;
pub mod validate;
pub mod violation;

pub use crate::case_type::{CaseKind, CaseType, ComplaintAbout, LogisticsProblem};
pub use draft::{
    CaseDraft, DraftLine, EvidenceItem, EvidenceKind, MAX_CHOICE_ANSWER, MAX_DESCRIPTION,
    MAX_EVIDENCE, MAX_REFERENCE,
};
pub use quote::{estimate, price_line, Quote, QuoteLine};
pub use validate::{conditions_asked, validate_case, AcceptedCase};
pub use violation::{Violation, ViolationCode};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::Order;
    use crate::policy::{FeeAmount, Fees, Policy};
    use crate::reasons::Fault;
    use crate::resolution::{ItemCondition, Resolution};
    use chrono::{DateTime, Utc};
    use std::collections::BTreeMap;

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

    /// The seed policy with a 10 % restocking fee and 5.00 return shipping.
    fn fee_policy() -> Policy {
        Policy {
            fees: Fees {
                restocking: Some(FeeAmount::BasisPoints(1000)),
                return_shipping: Some(500),
                free_returns: false,
            },
            ..Policy::default()
        }
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
                exchange_for: None,
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
            .map(|v| (v.code.code().to_string(), v.field))
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
        let policy = fee_policy();
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
                    quantity: 1,
                    exchange_for: None
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

    #[test]
    fn links_are_https_and_items_named_by_a_question_are_only_pointed_at() {
        let mut d = ret("c", 1, "defective");
        d.answers
            .insert("what_happened".into(), "It does not heat".into());
        d.evidence = vec![
            EvidenceItem {
                kind: EvidenceKind::Photo,
                reference: "upload-1".into(),
            },
            EvidenceItem {
                kind: EvidenceKind::VideoLink,
                reference: "http://video.example/1".into(),
            },
            EvidenceItem {
                kind: EvidenceKind::VideoLink,
                reference: "javascript:alert(1)".into(),
            },
        ];
        assert_eq!(
            codes(validate_case(&Policy::default(), &order(), &d, now())),
            [
                ("insecure_link".into(), "evidence[1].reference".into()),
                ("insecure_link".into(), "evidence[2].reference".into()),
            ]
        );
        // A question may name the tea (3 ordered, 1 already returned) with any of its units,
        // even the returned one, and never more than were ordered.
        let ask = |quantity| CaseDraft {
            case_type: CaseType::Question,
            lines: vec![DraftLine {
                line_id: "a".into(),
                quantity,
                exchange_for: None,
            }],
            description: "Is it organic?".into(),
            ..ret("a", 1, "changed_mind")
        };
        let mut q = ask(3);
        q.resolution = None;
        q.reason = None;
        q.condition = None;
        assert!(validate_case(&Policy::default(), &order(), &q, now()).is_ok());
        let mut q = ask(u32::MAX);
        q.resolution = None;
        q.reason = None;
        assert_eq!(
            codes(validate_case(&Policy::default(), &order(), &q, now())),
            [("invalid_quantity".into(), "lines[0].quantity".into())]
        );
    }

    #[test]
    fn a_draft_bigger_than_its_order_is_refused_before_any_work() {
        let lines = (0..4)
            .map(|i| DraftLine {
                line_id: format!("x{i}"),
                quantity: 1,
                exchange_for: None,
            })
            .collect();
        let d = CaseDraft {
            lines,
            ..ret("a", 1, "changed_mind")
        };
        assert_eq!(
            codes(validate_case(&Policy::default(), &order(), &d, now())),
            [("too_many_lines".into(), "lines".into())]
        );
    }

    #[test]
    fn only_accepted_conditions_are_asked_and_only_for_the_shoppers_own_reasons() {
        let p = Policy::default();
        let mind = p.reason("changed_mind");
        let asked = conditions_asked(&p, mind, Resolution::Refund).unwrap();
        assert!(asked.contains(&ItemCondition::NewUnopened));
        assert!(
            !asked.contains(&ItemCondition::Used),
            "never offered, then refused"
        );
        assert_eq!(
            conditions_asked(&p, p.reason("defective"), Resolution::Refund),
            None
        );
        assert_eq!(conditions_asked(&p, None, Resolution::Refund), None);
    }

    #[test]
    fn the_estimate_is_the_quote_an_accepted_case_gets() {
        let policy = fee_policy();
        let d = ret("c", 1, "changed_mind");
        let accepted = validate_case(&policy, &order(), &d, now()).unwrap();
        assert_eq!(
            estimate(
                &policy,
                &order(),
                &d.lines,
                Fault::Shopper,
                Resolution::Refund
            ),
            accepted.quote
        );
        assert_eq!(
            estimate(
                &policy,
                &order(),
                &d.lines,
                Fault::Shopper,
                Resolution::Exchange
            ),
            None
        );
    }

    #[test]
    fn an_exchange_may_ask_for_a_listed_variant_only() {
        let mut o = order();
        o.lines[2].exchange_options = vec![crate::order::ExchangeOption {
            sku: "C-RED".into(),
            variant: "Red".into(),
        }];
        let swap = |sku: &str, res: Resolution| CaseDraft {
            case_type: if res == Resolution::Exchange {
                CaseType::Exchange
            } else {
                CaseType::Return
            },
            lines: vec![DraftLine {
                line_id: "c".into(),
                quantity: 1,
                exchange_for: Some(sku.into()),
            }],
            resolution: Some(res),
            reason: Some("not_as_described".into()),
            condition: None,
            answers: [("difference".to_string(), "Wrong colour".to_string())].into(),
            evidence: vec![EvidenceItem {
                kind: EvidenceKind::Photo,
                reference: "ph_1".into(),
            }],
            description: String::new(),
        };
        let p = Policy::default();
        assert!(validate_case(&p, &o, &swap("C-RED", Resolution::Exchange), now()).is_ok());
        assert_eq!(
            codes(validate_case(
                &p,
                &o,
                &swap("C-BLUE", Resolution::Exchange),
                now()
            )),
            [(
                "invalid_exchange_option".into(),
                "lines[0].exchange_for".into()
            )]
        );
        assert_eq!(
            codes(validate_case(
                &p,
                &o,
                &swap("C-RED", Resolution::Refund),
                now()
            )),
            [(
                "invalid_exchange_option".into(),
                "lines[0].exchange_for".into()
            )],
            "a variant is only for an exchange"
        );
    }

    #[test]
    fn a_bonus_for_store_credit_or_an_exchange_is_priced_beside_the_refund() {
        let policy = Policy {
            bonus: [
                (Resolution::StoreCredit, FeeAmount::BasisPoints(1000)),
                (Resolution::Exchange, FeeAmount::Fixed(500)),
            ]
            .into(),
            ..Policy::default()
        };
        let mut credit = ret("c", 1, "changed_mind");
        credit.resolution = Some(Resolution::StoreCredit);
        let q = validate_case(&policy, &order(), &credit, now())
            .unwrap()
            .quote
            .unwrap();
        assert_eq!(
            q.total.minor, 9900,
            "the refund part is still what was paid"
        );
        assert_eq!(q.bonus.map(|b| b.minor), Some(990), "10 % on top");
        let refund = validate_case(&policy, &order(), &ret("c", 1, "changed_mind"), now())
            .unwrap()
            .quote
            .unwrap();
        assert_eq!(refund.bonus, None, "money back earns no bonus");
        // An exchange pays nothing back, but earns its fixed bonus.
        let q = estimate(
            &policy,
            &order(),
            &credit.lines,
            Fault::Merchant,
            Resolution::Exchange,
        )
        .unwrap();
        assert_eq!((q.total.minor, q.bonus.map(|b| b.minor)), (0, Some(500)));
        // A bonus for a refund is refused in the policy file.
        let bad = Policy::from_json(
            r#"{"time_zone":"UTC","windows":{},"bonus":{"refund":{"fixed":100}}}"#,
        );
        assert!(bad.unwrap_err().to_string().starts_with("bonus.refund"));
    }
}
