//! The satisfaction survey after a case is resolved (满意度调查): attitude, speed and
//! problem solving, each 1–5, and a comment. Any score below 4 flags the
//! case for a personal follow-up (seed plan 001).

use serde::{Deserialize, Serialize};

/// A score from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

impl TryFrom<u8> for Score {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        if (1..=5).contains(&v) {
            Ok(Score(v))
        } else {
            Err(format!("a score is 1 to 5; got {v}"))
        }
    }
}

impl From<Score> for u8 {
    fn from(s: Score) -> u8 {
        s.0
    }
}

/// Longest comment accepted.
pub const MAX_COMMENT: usize = 2_000;

/// A filled-in survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// Service attitude (服务态度).
    pub attitude: Score,
    /// Response speed (响应速度).
    pub speed: Score,
    /// Problem-solving ability (解决问题能力).
    pub problem_solving: Score,
    /// Suggestions, at most [`MAX_COMMENT`] characters.
    #[serde(default)]
    pub comment: String,
}

impl Survey {
    /// Checks the comment's length (scores are checked when parsed).
    ///
    /// # Errors
    /// The field and the limit.
    pub fn validate(&self) -> Result<(), String> {
        if self.comment.trim().is_empty() {
            return Ok(());
        }
        if self.comment.chars().nth(MAX_COMMENT).is_some() {
            return Err(format!("comment: at most {MAX_COMMENT} characters"));
        }
        crate::follow::check_message(&self.comment).map_err(|e| format!("comment: {e}"))
    }

    /// The three scores: attitude, speed, problem solving.
    pub fn scores(&self) -> [u8; 3] {
        [self.attitude.0, self.speed.0, self.problem_solving.0]
    }

    /// True when any score is below 4: someone at the shop should reach out personally.
    pub fn needs_follow_up(&self) -> bool {
        [self.attitude, self.speed, self.problem_solving]
            .iter()
            .any(|s| s.0 < 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey(a: u8, s: u8, p: u8) -> Survey {
        serde_json::from_value(serde_json::json!({"attitude": a, "speed": s, "problem_solving": p}))
            .unwrap()
    }

    #[test]
    fn any_score_below_four_flags_a_follow_up() {
        assert!(!survey(4, 4, 4).needs_follow_up());
        assert!(!survey(5, 5, 5).needs_follow_up());
        assert!(survey(5, 3, 5).needs_follow_up());
        assert!(survey(4, 4, 1).needs_follow_up());
        assert!(survey(3, 5, 5).needs_follow_up());
    }

    #[test]
    fn scores_outside_one_to_five_and_long_comments_are_refused() {
        for bad in [0, 6, 255] {
            let r = serde_json::from_value::<Survey>(
                serde_json::json!({"attitude": bad, "speed": 3, "problem_solving": 3}),
            );
            assert!(r.is_err(), "{bad}");
        }
        let mut s = survey(5, 5, 5);
        s.comment = "é".repeat(MAX_COMMENT);
        assert!(s.validate().is_ok());
        s.comment.push('x');
        assert!(s.validate().is_err());
        s.comment = "fine\u{202e}".into();
        assert!(s.validate().is_err());
        let old =
            serde_json::json!({"attitude": 5, "speed": 5, "problem_solving": 5, "overall": 5});
        assert!(
            serde_json::from_value::<Survey>(old).is_err(),
            "unknown fields are refused"
        );
    }
}
