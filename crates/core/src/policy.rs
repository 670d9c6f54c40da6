//! The merchant's rules. This is the part of the policy file the engine reads today; it
//! rejects unknown fields so that a typo never silently weakens a rule.

use crate::zone::ShopZone;
use crate::CoreError;
use serde::{Deserialize, Serialize};

/// The merchant's after-sales policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The shop's time zone: it decides on which calendar day a window closes.
    pub time_zone: ShopZone,
    /// Days a delivered item may be returned without giving a fault (七天无理由退货: 7).
    /// Counted from the day after delivery, in the shop's time zone: delivered on the 1st,
    /// the 8th is the last day of a 7-day window.
    pub return_window_days: u16,
    /// Hours within which the merchant promises to review a return request (seed: 48).
    pub review_within_hours: u16,
}

impl Default for Policy {
    /// The seed defaults: a 7-day no-reason return, reviewed within 48 hours, in China
    /// Standard Time.
    fn default() -> Self {
        Policy {
            time_zone: ShopZone::fixed("Asia/Shanghai", 8 * 3600),
            return_window_days: 7,
            review_within_hours: 48,
        }
    }
}

impl Policy {
    /// Parses and validates a policy document (JSON).
    ///
    /// # Errors
    /// A message naming the field and what was expected.
    pub fn from_json(text: &str) -> Result<Policy, String> {
        let policy: Policy = serde_json::from_str(text).map_err(|e| e.to_string())?;
        policy.validate().map_err(|e| e.to_string())?;
        Ok(policy)
    }

    /// Checks the ranges serde cannot express.
    ///
    /// # Errors
    /// [`CoreError::InvalidPolicy`] for the first field out of range.
    pub fn validate(&self) -> Result<(), CoreError> {
        if !(1..=3650).contains(&self.return_window_days) {
            return Err(CoreError::InvalidPolicy {
                field: "return_window_days",
                expected: "between 1 and 3650",
            });
        }
        if !(1..=8760).contains(&self.review_within_hours) {
            return Err(CoreError::InvalidPolicy {
                field: "review_within_hours",
                expected: "between 1 and 8760",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_file_round_trips_and_rejects_typos() {
        let text =
            r#"{"time_zone":"Europe/Berlin","return_window_days":14,"review_within_hours":24}"#;
        let p = Policy::from_json(text).unwrap();
        assert_eq!(p.return_window_days, 14);
        assert_eq!(p.time_zone.as_str(), "Europe/Berlin");
        let typo = r#"{"time_zone":"UTC","return_windows_days":14,"review_within_hours":24}"#;
        let err = Policy::from_json(typo).unwrap_err();
        assert!(err.contains("return_windows_days"), "{err}");
        let zero = r#"{"time_zone":"UTC","return_window_days":0,"review_within_hours":24}"#;
        assert!(Policy::from_json(zero)
            .unwrap_err()
            .contains("return_window_days"));
        let bad_zone =
            r#"{"time_zone":"Mars/Base","return_window_days":7,"review_within_hours":24}"#;
        assert!(Policy::from_json(bad_zone)
            .unwrap_err()
            .contains("Mars/Base"));
    }
}
