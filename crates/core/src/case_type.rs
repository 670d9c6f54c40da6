//! The types of case, with no dependency on the rest of the engine: commitments, statistics
//! and the API name them without pulling in validation.

use crate::resolution::Resolution;
use serde::{Deserialize, Serialize};

/// The type of a case, flat: the key of commitments and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Every kind, in the order the widget offers them.
    pub const ALL: [CaseKind; 8] = [
        CaseKind::Return,
        CaseKind::Exchange,
        CaseKind::Repair,
        CaseKind::Reshipment,
        CaseKind::Compensation,
        CaseKind::LogisticsIssue,
        CaseKind::Complaint,
        CaseKind::Question,
    ];

    /// True when a case of this kind takes units off what its lines may still give: the item
    /// goes back, is replaced, resent or paid for. A repair returns the same unit; a question or
    /// complaint that names an item only says which one it is about.
    pub fn claims_units(self) -> bool {
        matches!(
            self,
            CaseKind::Return
                | CaseKind::Exchange
                | CaseKind::Reshipment
                | CaseKind::Compensation
                | CaseKind::LogisticsIssue
        )
    }

    /// The resolutions a case of this kind may lead to (for a complaint or delivery problem,
    /// whatever its detail).
    pub fn resolutions(self) -> &'static [Resolution] {
        use Resolution::*;
        match self {
            CaseKind::Return => &[Refund, StoreCredit, KeepItem],
            CaseKind::Exchange => &[Exchange],
            CaseKind::Repair => &[Repair],
            CaseKind::Reshipment => &[Reship],
            CaseKind::Compensation => &[Compensation],
            CaseKind::LogisticsIssue => &[Reship, Compensation],
            CaseKind::Complaint => &[Compensation],
            CaseKind::Question => &[],
        }
    }

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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// A part of the order is missing from the parcel.
    MissingPart,
}

impl LogisticsProblem {
    /// Every problem, in the order the widget lists them.
    pub const ALL: [LogisticsProblem; 5] = [
        LogisticsProblem::Lost,
        LogisticsProblem::Damaged,
        LogisticsProblem::MissingPart,
        LogisticsProblem::Late,
        LogisticsProblem::WrongAddress,
    ];

    /// The stable machine code, e.g. `"wrong_address"`.
    pub fn code(self) -> &'static str {
        match self {
            LogisticsProblem::Lost => "lost",
            LogisticsProblem::Damaged => "damaged",
            LogisticsProblem::Late => "late",
            LogisticsProblem::WrongAddress => "wrong_address",
            LogisticsProblem::MissingPart => "missing_part",
        }
    }

    /// The reason of the default tree this problem is, when it leads to a remedy for items
    /// (reship, compensation); `None` for a problem the shop answers in words (late, sent to a
    /// wrong address) until the carrier has been asked.
    pub fn reason_code(self) -> Option<&'static str> {
        match self {
            LogisticsProblem::Lost => Some("lost_in_delivery"),
            LogisticsProblem::Damaged => Some("arrived_damaged"),
            LogisticsProblem::MissingPart => Some("missing_part"),
            LogisticsProblem::Late | LogisticsProblem::WrongAddress => None,
        }
    }
}

impl ComplaintAbout {
    /// Every subject, in the order the widget lists them.
    pub const ALL: [ComplaintAbout; 3] = [
        ComplaintAbout::Product,
        ComplaintAbout::Service,
        ComplaintAbout::Logistics,
    ];

    /// The stable machine code, e.g. `"service"`.
    pub fn code(self) -> &'static str {
        match self {
            ComplaintAbout::Product => "product",
            ComplaintAbout::Service => "service",
            ComplaintAbout::Logistics => "logistics",
        }
    }
}

/// The type of a case, with its detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        self.kind().resolutions()
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
