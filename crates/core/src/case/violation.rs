//! Why a draft is refused: one closed list of codes, each with its sentence.

use crate::eligibility::Ineligible;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What is wrong with a draft. On the wire each code is its snake_case name
/// (`"invalid_quantity"`); the widget words every one of them in its catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ViolationCode {
    /// No line was chosen for a case about items.
    LinesRequired,
    /// More lines than the order has.
    TooManyLines,
    /// A line appears twice.
    DuplicateLine,
    /// A line that is not on the order.
    UnknownLine,
    /// A quantity of zero or above what the line may still give.
    InvalidQuantity,
    /// No resolution was chosen for a case that needs one.
    ResolutionRequired,
    /// This type of case cannot lead to that resolution.
    ResolutionNotAllowed,
    /// No reason was chosen for a case that needs one.
    ReasonRequired,
    /// The reason is not in the policy's tree.
    UnknownReason,
    /// The reason does not lead to that resolution.
    ResolutionNotOfferedForReason,
    /// The window only admits faults of the shop.
    MerchantFaultRequired,
    /// The item's condition was not given.
    ConditionRequired,
    /// The shop does not take items back in this condition for this resolution.
    ConditionNotAccepted,
    /// The reason needs a photo (and a video link, where asked).
    EvidenceRequired,
    /// More attachments than a case may carry.
    TooMuchEvidence,
    /// An attachment reference is empty or too long.
    InvalidEvidence,
    /// A link that is not `https:`.
    InsecureLink,
    /// A required question is unanswered.
    AnswerRequired,
    /// A choice answer that is not one of the options.
    InvalidAnswer,
    /// An answer over the question's length limit.
    AnswerTooLong,
    /// An answer to a question the reason does not ask.
    UnknownQuestion,
    /// More answers than any reason asks.
    TooManyAnswers,
    /// A question or complaint without words.
    DescriptionRequired,
    /// The description is over its limit.
    DescriptionTooLong,
    /// The window has closed.
    WindowClosed,
    /// The item has not been delivered.
    NotDelivered,
    /// The item has not been shipped.
    NotShipped,
    /// Every unit is already in another case.
    FullyClaimed,
    /// Sold as final sale.
    FinalSale,
    /// A rule of the policy excludes it.
    NotPermitted,
    /// The shop does not offer it.
    NotOffered,
    /// A sum left the range money can hold.
    AmountOutOfRange,
    /// A replacement variant that the line does not list, or one named for a resolution that
    /// is not an exchange.
    InvalidExchangeOption,
}

impl ViolationCode {
    /// Every code, for tables and tests.
    pub const ALL: [ViolationCode; 33] = [
        ViolationCode::LinesRequired,
        ViolationCode::TooManyLines,
        ViolationCode::DuplicateLine,
        ViolationCode::UnknownLine,
        ViolationCode::InvalidQuantity,
        ViolationCode::ResolutionRequired,
        ViolationCode::ResolutionNotAllowed,
        ViolationCode::ReasonRequired,
        ViolationCode::UnknownReason,
        ViolationCode::ResolutionNotOfferedForReason,
        ViolationCode::MerchantFaultRequired,
        ViolationCode::ConditionRequired,
        ViolationCode::ConditionNotAccepted,
        ViolationCode::EvidenceRequired,
        ViolationCode::TooMuchEvidence,
        ViolationCode::InvalidEvidence,
        ViolationCode::InsecureLink,
        ViolationCode::AnswerRequired,
        ViolationCode::InvalidAnswer,
        ViolationCode::AnswerTooLong,
        ViolationCode::UnknownQuestion,
        ViolationCode::TooManyAnswers,
        ViolationCode::DescriptionRequired,
        ViolationCode::DescriptionTooLong,
        ViolationCode::WindowClosed,
        ViolationCode::NotDelivered,
        ViolationCode::NotShipped,
        ViolationCode::FullyClaimed,
        ViolationCode::FinalSale,
        ViolationCode::NotPermitted,
        ViolationCode::NotOffered,
        ViolationCode::AmountOutOfRange,
        ViolationCode::InvalidExchangeOption,
    ];

    /// The stable machine code, e.g. `"invalid_quantity"`.
    pub fn code(self) -> &'static str {
        use ViolationCode::*;
        match self {
            LinesRequired => "lines_required",
            TooManyLines => "too_many_lines",
            DuplicateLine => "duplicate_line",
            UnknownLine => "unknown_line",
            InvalidQuantity => "invalid_quantity",
            ResolutionRequired => "resolution_required",
            ResolutionNotAllowed => "resolution_not_allowed",
            ReasonRequired => "reason_required",
            UnknownReason => "unknown_reason",
            ResolutionNotOfferedForReason => "resolution_not_offered_for_reason",
            MerchantFaultRequired => "merchant_fault_required",
            ConditionRequired => "condition_required",
            ConditionNotAccepted => "condition_not_accepted",
            EvidenceRequired => "evidence_required",
            TooMuchEvidence => "too_much_evidence",
            InvalidEvidence => "invalid_evidence",
            InsecureLink => "insecure_link",
            AnswerRequired => "answer_required",
            InvalidAnswer => "invalid_answer",
            AnswerTooLong => "answer_too_long",
            UnknownQuestion => "unknown_question",
            TooManyAnswers => "too_many_answers",
            DescriptionRequired => "description_required",
            DescriptionTooLong => "description_too_long",
            WindowClosed => "window_closed",
            NotDelivered => "not_delivered",
            NotShipped => "not_shipped",
            FullyClaimed => "fully_claimed",
            FinalSale => "final_sale",
            NotPermitted => "not_permitted",
            NotOffered => "not_offered",
            AmountOutOfRange => "amount_out_of_range",
            InvalidExchangeOption => "invalid_exchange_option",
        }
    }

    /// A plain-English sentence for the API's `message` (the widget words codes itself).
    pub fn message(self) -> &'static str {
        use ViolationCode::*;
        match self {
            LinesRequired => "Choose at least one item.",
            TooManyLines => "The request lists more items than the order has.",
            DuplicateLine => "An item is listed twice.",
            UnknownLine => "This item is not on the order.",
            InvalidQuantity => "The quantity is zero or more than can be claimed.",
            ResolutionRequired => "Choose what you would like: a refund, an exchange, a repair…",
            ResolutionNotAllowed => "This kind of request cannot lead to that resolution.",
            ReasonRequired => "Choose a reason.",
            UnknownReason => "This reason is not offered by the shop.",
            ResolutionNotOfferedForReason => "That resolution is not offered for this reason.",
            MerchantFaultRequired => {
                "This is only available when the item is faulty, damaged or wrong."
            }
            ConditionRequired => "Tell us what condition the item is in.",
            ConditionNotAccepted => {
                "Items in this condition cannot be returned for this resolution."
            }
            EvidenceRequired => "Add a photo (and a video link, where asked) of the problem.",
            TooMuchEvidence => "Too many attachments.",
            InvalidEvidence => "An attachment reference is empty or too long.",
            InsecureLink => "A link must start with https://.",
            AnswerRequired => "Please answer this question.",
            InvalidAnswer => "Choose one of the offered answers.",
            AnswerTooLong => "This answer is too long.",
            UnknownQuestion => "This question is not asked for this reason.",
            TooManyAnswers => "The request has more answers than there are questions.",
            DescriptionRequired => "Please describe the problem.",
            DescriptionTooLong => "The description is too long.",
            WindowClosed => "The time to ask for this has passed.",
            NotDelivered => "This item has not been delivered yet.",
            NotShipped => "This item has not been shipped yet.",
            FullyClaimed => "Every unit of this item is already in another request.",
            FinalSale => "This item was sold as final sale.",
            NotPermitted => "The shop's policy does not allow this for this item.",
            NotOffered => "The shop does not offer this for this item.",
            AmountOutOfRange => "The amount is out of range.",
            InvalidExchangeOption => "This replacement is not offered for this item.",
        }
    }
}

impl From<&Ineligible> for ViolationCode {
    fn from(i: &Ineligible) -> Self {
        match i {
            Ineligible::NotOffered => ViolationCode::NotOffered,
            Ineligible::FinalSale => ViolationCode::FinalSale,
            Ineligible::NotPermitted { .. } => ViolationCode::NotPermitted,
            Ineligible::NotShipped => ViolationCode::NotShipped,
            Ineligible::NotDelivered => ViolationCode::NotDelivered,
            Ineligible::WindowClosed { .. } => ViolationCode::WindowClosed,
            Ineligible::FullyClaimed => ViolationCode::FullyClaimed,
        }
    }
}

impl std::str::FromStr for ViolationCode {
    type Err = ();
    /// The code for its wire name; `Err` for a name this version does not know.
    fn from_str(s: &str) -> Result<Self, ()> {
        ViolationCode::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or(())
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One reason a draft is refused: a code and the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Violation {
    /// What is wrong.
    pub code: ViolationCode,
    /// Path of the draft field concerned, e.g. `lines[0].quantity`.
    pub field: String,
}

impl Violation {
    pub(crate) fn new(code: ViolationCode, field: impl Into<String>) -> Violation {
        Violation {
            code,
            field: field.into(),
        }
    }

    /// The code's plain-English sentence.
    pub fn message(&self) -> &'static str {
        self.code.message()
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_their_wire_names() {
        for code in ViolationCode::ALL {
            assert_eq!(code.code().parse(), Ok(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.code()));
            assert_eq!(serde_json::from_str::<ViolationCode>(&json).unwrap(), code);
        }
        assert!(serde_json::from_str::<ViolationCode>("\"because\"").is_err());
        assert_eq!("because".parse::<ViolationCode>(), Err(()));
        assert_eq!("insecure_link".parse(), Ok(ViolationCode::InsecureLink));
    }
}
