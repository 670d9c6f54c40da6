//! What the shopper submits: a case draft, as it arrives on the wire.

use crate::case_type::{CaseKind, CaseType, ComplaintAbout, LogisticsProblem};
use crate::resolution::{ItemCondition, Resolution};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A line of a case draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftLine {
    /// The order line.
    pub line_id: String,
    /// Units concerned.
    pub quantity: u32,
    /// For an exchange: the SKU of another variant the order lists for this line
    /// (`exchange_options`); absent, the same item is sent again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_for: Option<String>,
}

/// A piece of evidence: an uploaded photo's reference or a video link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceItem {
    /// Photo or video link.
    pub kind: EvidenceKind,
    /// The upload's id or the link.
    pub reference: String,
}

/// The kind of an evidence item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
/// Longest answer to a choice question (a text question has its own limit).
pub const MAX_CHOICE_ANSWER: usize = 200;

/// A case as the shopper drafted it. In JSON the type's fields sit at the top level:
/// `{"type": "complaint", "about": "service", "description": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
                return Err("a logistics issue takes \"problem\" (lost, damaged, missing_part, late or wrong_address) and no \"about\"".into())
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
