//! The one error type of this crate.

use std::fmt;

/// Everything that can go wrong in `aftersales-core`, with a message a person understands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoreError {
    /// A time-zone rule (POSIX `TZ` string or zone name) could not be understood.
    InvalidTimeZone {
        /// The text that was given.
        input: String,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A currency code is not a known ISO 4217 code.
    UnknownCurrency(String),
    /// Two amounts in different currencies were combined.
    CurrencyMismatch {
        /// The currency of the left-hand amount.
        left: String,
        /// The currency of the right-hand amount.
        right: String,
    },
    /// A decimal amount could not be read.
    InvalidAmount(String),
    /// An amount left the range of a 64-bit count of minor units.
    Overflow,
    /// A tracking number is malformed or its check character does not match.
    InvalidTrackingNumber(&'static str),
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::InvalidTimeZone { input, reason } => {
                write!(f, "invalid time zone {input:?}: {reason}")
            }
            CoreError::UnknownCurrency(code) => {
                write!(
                    f,
                    "unknown currency {code:?}: expected an ISO 4217 code such as \"EUR\""
                )
            }
            CoreError::CurrencyMismatch { left, right } => {
                write!(f, "cannot combine amounts in {left} and {right}")
            }
            CoreError::Overflow => write!(f, "amount out of range"),
            CoreError::InvalidAmount(text) => write!(
                f,
                "invalid amount {text:?}: expected digits with at most the currency's decimals, e.g. \"19.90\""
            ),
            CoreError::InvalidTrackingNumber(why) => write!(f, "invalid tracking number: {why}"),
        }
    }
}

impl std::error::Error for CoreError {}
