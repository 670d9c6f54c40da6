//! The reason tree: why a shopper opens a case, who is at fault, what it may lead to, what
//! evidence it needs and what to ask next. Labels in each language are the widget's
//! business; core carries codes.

use crate::resolution::Resolution;
use crate::text::Texts;
use serde::{Deserialize, Serialize};

/// Whose fault the problem is; it decides who pays return shipping and fees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The merchant's or carrier's: defect, wrong item, damaged in transit, missing part.
    Merchant,
    /// Nobody's: the shopper changed their mind (无理由).
    Shopper,
}

/// Evidence a reason requires before a case can be submitted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Nothing.
    #[default]
    None,
    /// At least one photo.
    Photo,
    /// At least one photo and a link to a video.
    PhotoAndVideo,
}

/// A follow-up question: `{"id": "…", "kind": "choice", "options": [...], "required": true}`
/// or `{"id": "…", "kind": "text", "max_length": 500}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawQuestion")]
pub struct Question {
    /// Identifier of the question, unique within its reason.
    pub id: String,
    /// Choice or free text.
    #[serde(flatten)]
    pub kind: QuestionKind,
    /// Whether an answer is needed to submit.
    #[serde(default)]
    pub required: bool,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of a fixed set of option codes.
    Choice {
        /// The option codes.
        options: Vec<String>,
    },
    /// Free text, at most `max_length` characters.
    Text {
        /// Longest accepted answer (default 2000).
        #[serde(default = "default_text_length")]
        max_length: u32,
    },
}

/// Most follow-up questions one reason may ask.
pub const MAX_QUESTIONS: usize = 20;

fn default_text_length() -> u32 {
    2000
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    kind: String,
    #[serde(default)]
    options: Option<Vec<String>>,
    #[serde(default)]
    max_length: Option<u32>,
    #[serde(default)]
    required: bool,
}

impl TryFrom<RawQuestion> for Question {
    type Error = String;
    fn try_from(r: RawQuestion) -> Result<Self, Self::Error> {
        let kind = match (r.kind.as_str(), r.options, r.max_length) {
            ("choice", Some(options), None) => QuestionKind::Choice { options },
            ("choice", None, _) => {
                return Err(format!("question {:?}: a choice needs \"options\"", r.id))
            }
            ("text", None, max) => QuestionKind::Text {
                max_length: max.unwrap_or_else(default_text_length),
            },
            ("text", Some(_), _) => {
                return Err(format!(
                    "question {:?}: a text question takes no \"options\"",
                    r.id
                ))
            }
            ("choice", Some(_), Some(_)) => {
                return Err(format!(
                    "question {:?}: a choice takes no \"max_length\"",
                    r.id
                ))
            }
            (other, _, _) => {
                return Err(format!(
                    "question {:?}: kind must be \"choice\" or \"text\"; got {other:?}",
                    r.id
                ))
            }
        };
        Ok(Question {
            id: r.id,
            kind,
            required: r.required,
        })
    }
}

/// One reason in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReasonDef {
    /// Machine code, e.g. `"defective"`.
    pub code: String,
    /// The group it is listed under, e.g. `"quality_problem"`.
    pub group: String,
    /// Whose fault it is.
    pub fault: Fault,
    /// Resolutions this reason may lead to.
    pub resolutions: Vec<Resolution>,
    /// Evidence required.
    #[serde(default)]
    pub evidence: Evidence,
    /// Follow-up questions.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// The reason in the shopper's words, per language. The widget's own catalog words the
    /// default reasons; a reason the merchant adds should have labels.
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    pub labels: Texts,
}

fn reason(
    code: &str,
    group: &str,
    fault: Fault,
    resolutions: &[Resolution],
    evidence: Evidence,
    questions: Vec<Question>,
) -> ReasonDef {
    ReasonDef {
        code: code.into(),
        group: group.into(),
        fault,
        resolutions: resolutions.to_vec(),
        evidence,
        questions,
        labels: Texts::default(),
    }
}

fn text(id: &str, required: bool) -> Question {
    Question {
        id: id.into(),
        kind: QuestionKind::Text { max_length: 2000 },
        required,
    }
}

fn choice(id: &str, options: &[&str], required: bool) -> Question {
    Question {
        id: id.into(),
        kind: QuestionKind::Choice {
            options: options.iter().map(|o| o.to_string()).collect(),
        },
        required,
    }
}

/// The default tree, from the seed plans: quality problems, delivery problems, wrong or
/// not-as-described items, and change of mind.
pub fn default_reasons() -> Vec<ReasonDef> {
    use Resolution::*;
    vec![
        reason(
            "changed_mind",
            "changed_mind",
            Fault::Shopper,
            &[Refund, StoreCredit, Exchange],
            Evidence::None,
            vec![],
        ),
        reason(
            "wrong_size",
            "changed_mind",
            Fault::Shopper,
            &[Exchange, Refund, StoreCredit],
            Evidence::None,
            vec![],
        ),
        reason(
            "defective",
            "quality_problem",
            Fault::Merchant,
            &[Refund, Exchange, Repair, StoreCredit],
            Evidence::Photo,
            vec![
                text("what_happened", true),
                choice("when_noticed", &["on_arrival", "first_use", "later"], false),
            ],
        ),
        reason(
            "not_as_described",
            "quality_problem",
            Fault::Merchant,
            &[Refund, Exchange, StoreCredit],
            Evidence::Photo,
            vec![text("difference", true)],
        ),
        reason(
            "arrived_damaged",
            "delivery_problem",
            Fault::Merchant,
            &[Reship, Refund, Exchange, Compensation, KeepItem],
            Evidence::Photo,
            vec![choice("outer_box_damaged", &["yes", "no"], true)],
        ),
        reason(
            "missing_part",
            "delivery_problem",
            Fault::Merchant,
            &[Reship, Compensation, Refund],
            Evidence::None,
            vec![text("missing", true)],
        ),
        reason(
            "wrong_item",
            "wrong_item",
            Fault::Merchant,
            &[Exchange, Refund, Reship],
            Evidence::Photo,
            vec![],
        ),
        reason(
            "lost_in_delivery",
            "delivery_problem",
            Fault::Merchant,
            &[Reship, Compensation],
            Evidence::None,
            vec![],
        ),
    ]
}
