//! What a case can lead to, and the condition an item comes back in.

use serde::{Deserialize, Serialize};

/// An outcome the shopper may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Money back to the original payment method.
    Refund,
    /// Money back as store credit.
    StoreCredit,
    /// Another variant of the same product (other size or colour, or a replacement unit).
    Exchange,
    /// Repair under warranty (保修).
    Repair,
    /// Send the item again (补发货): lost or damaged in delivery, missing part.
    Reship,
    /// Compensation for a loss without returning the item (赔偿损失).
    Compensation,
    /// Refund without sending the item back (returnless).
    KeepItem,
}

impl Resolution {
    /// Every resolution, in display order.
    pub const ALL: [Resolution; 7] = [
        Resolution::Refund,
        Resolution::StoreCredit,
        Resolution::Exchange,
        Resolution::Repair,
        Resolution::Reship,
        Resolution::Compensation,
        Resolution::KeepItem,
    ];

    /// The stable machine code, e.g. `"store_credit"`.
    pub fn code(self) -> &'static str {
        match self {
            Resolution::Refund => "refund",
            Resolution::StoreCredit => "store_credit",
            Resolution::Exchange => "exchange",
            Resolution::Repair => "repair",
            Resolution::Reship => "reship",
            Resolution::Compensation => "compensation",
            Resolution::KeepItem => "keep_item",
        }
    }

    /// True when the shopper needs the item in hand: it must have been delivered.
    pub fn needs_delivered_item(self) -> bool {
        !matches!(self, Resolution::Reship | Resolution::Compensation)
    }

    /// True when the resolution pays money back (and so has a refund estimate).
    pub fn pays_money(self) -> bool {
        matches!(
            self,
            Resolution::Refund | Resolution::StoreCredit | Resolution::KeepItem
        )
    }
}

/// The state an item is returned in, as the shopper declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemCondition {
    /// New, in its unopened packaging.
    NewUnopened,
    /// Opened, not used.
    Opened,
    /// Used.
    Used,
    /// Damaged.
    Damaged,
}

impl ItemCondition {
    /// The stable machine code, e.g. `"new_unopened"`.
    pub fn code(self) -> &'static str {
        match self {
            ItemCondition::NewUnopened => "new_unopened",
            ItemCondition::Opened => "opened",
            ItemCondition::Used => "used",
            ItemCondition::Damaged => "damaged",
        }
    }
}
