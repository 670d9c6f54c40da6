//! After the case: what a shopper following a case is shown and may do.
//!
//! The server builds a [`CaseView`] from what it stored; the widget only words it. The
//! decisions are here: which promise is next and how it stands ([`next_promise`]), what the
//! shopper may do now ([`shopper_moves`]), whether a survey is taken ([`survey_allowed`]).

use crate::case::CaseKind;
use crate::commitment::{sla_status, DueTimes, SlaStatus};
use crate::lifecycle::{Actor, Status};
use crate::survey::Survey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a shopper proves a case is theirs: its tracking number and either the order's e-mail
/// or a link token the server minted for this case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseAccess {
    /// `AS-XXXXX-XXXXXX`, as typed (core parses it).
    pub tracking_number: String,
    /// The e-mail the order was placed with.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// A token from a link (`?as-case=…&as-token=…`), instead of the e-mail.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
}

/// `POST /v1/cases/confirm`: the shopper answers "Is this resolved?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// Whose case.
    pub access: CaseAccess,
    /// Yes (confirm) or no (reopen).
    pub resolved: bool,
    /// Why not, when reopening (required then, at most [`MAX_MESSAGE`] characters).
    #[serde(default)]
    pub reason: String,
}

/// `POST /v1/cases/survey`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyRequest {
    /// Whose case.
    pub access: CaseAccess,
    /// The answers.
    pub survey: Survey,
}

/// Longest message or reopening reason accepted.
pub const MAX_MESSAGE: usize = 2_000;

/// One status the case went through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimelineEntry {
    /// The status reached.
    pub status: Status,
    /// Who moved it there.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// What the mover said (a reopening reason, a shop's note), if anything.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A message between the shop and the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseMessage {
    /// The shop or the shopper.
    pub by: Actor,
    /// The text.
    pub body: String,
    /// When it was written.
    pub at: DateTime<Utc>,
}

/// A line of the case as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseViewLine {
    /// The item's title.
    pub title: String,
    /// Its variant, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Units concerned.
    pub quantity: u32,
}

/// Which promise is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PromiseKind {
    /// The shop's first answer.
    Respond,
    /// The resolution.
    Resolve,
}

/// The next promise the shop owes and how it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Promise {
    /// Answer or resolution.
    pub kind: PromiseKind,
    /// Due at.
    pub due: DateTime<Utc>,
    /// On time, at risk or late, at the server's time of the answer.
    pub state: SlaStatus,
}

/// What the shopper may do with the case now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ShopperMoves {
    /// Answer "Is this resolved?" (yes confirms, no reopens).
    pub confirm: bool,
    /// Reopen without confirming first (a rejected case).
    pub reopen: bool,
    /// Rate the service.
    pub survey: bool,
}

/// `POST /v1/cases/find` (and confirm, survey) answer: the case as its shopper follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseView {
    /// `AS-XXXXX-XXXXXX`.
    pub tracking_number: String,
    /// The type.
    pub kind: CaseKind,
    /// The order.
    pub order_number: String,
    /// The current status.
    pub status: Status,
    /// The items concerned.
    pub lines: Vec<CaseViewLine>,
    /// Every status with who and when, oldest first (the first is the submission).
    pub timeline: Vec<TimelineEntry>,
    /// The conversation, oldest first.
    pub messages: Vec<CaseMessage>,
    /// The next promise, while one is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<Promise>,
    /// What the shopper may do.
    pub moves: ShopperMoves,
    /// The survey the shopper gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<Survey>,
    /// Flagged for a personal follow-up by the shop (a score under 4).
    #[serde(default)]
    pub follow_up: bool,
    /// A token for links to this case (`?as-case=…&as-token=…`), minted by the server.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link_token: String,
    /// The server's clock when it answered.
    pub server_time: DateTime<Utc>,
}

/// The promise still owed: the first answer until the shop (or the system) has moved the case
/// once, then the resolution until the case is resolved or ended. A reopened case owes its
/// resolution again, against the same due time.
pub fn next_promise(
    status: Status,
    answered: bool,
    created_at: DateTime<Utc>,
    due: DueTimes,
    now: DateTime<Utc>,
) -> Option<Promise> {
    use Status::*;
    let settled = matches!(
        status,
        Resolved | ConfirmedByShopper | Rejected | Withdrawn | Closed
    );
    if settled {
        return None;
    }
    let (kind, at) = if answered {
        (PromiseKind::Resolve, due.resolve_by?)
    } else {
        (PromiseKind::Respond, due.respond_by)
    };
    Some(Promise {
        kind,
        due: at,
        state: sla_status(created_at, at, now),
    })
}

/// What the shopper may do in `status`, read from the lifecycle's table (so the widget never
/// offers a move the server refuses), and whether a survey was already given.
pub fn shopper_moves(status: Status, surveyed: bool) -> ShopperMoves {
    let shopper_may = |to| status.allows(to, Actor::Shopper);
    ShopperMoves {
        confirm: shopper_may(Status::ConfirmedByShopper),
        reopen: shopper_may(Status::Reopened) && !shopper_may(Status::ConfirmedByShopper),
        survey: survey_allowed(status, surveyed),
    }
}

/// A survey is taken once, after the shopper confirmed the case resolved (also once it is
/// closed after that).
pub fn survey_allowed(status: Status, surveyed: bool) -> bool {
    !surveyed && matches!(status, Status::ConfirmedByShopper | Status::Closed)
}

/// Why a confirm or reopen request is refused before the lifecycle is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmProblem {
    /// Reopening needs a reason.
    ReasonMissing,
    /// The reason is longer than [`MAX_MESSAGE`] or has control characters.
    ReasonInvalid,
}

impl ConfirmRequest {
    /// The status the request asks for, once its reason is checked.
    ///
    /// # Errors
    /// [`ConfirmProblem`].
    pub fn target(&self) -> Result<Status, ConfirmProblem> {
        if self.resolved {
            return Ok(Status::ConfirmedByShopper);
        }
        if self.reason.trim().is_empty() {
            return Err(ConfirmProblem::ReasonMissing);
        }
        check_message(&self.reason).map_err(|_| ConfirmProblem::ReasonInvalid)?;
        Ok(Status::Reopened)
    }
}

/// Checks a message or reason someone writes: 1 to [`MAX_MESSAGE`] characters, not blank,
/// line breaks allowed but no other control or direction-override character.
///
/// # Errors
/// What was expected.
pub fn check_message(text: &str) -> Result<(), String> {
    crate::text::check_paragraphs(text, MAX_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::ALL_STATUSES;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn due() -> DueTimes {
        DueTimes {
            respond_by: t("2026-11-26T00:00:00Z"),
            resolve_by: Some(t("2026-11-28T00:00:00Z")),
        }
    }

    #[test]
    fn the_answer_is_owed_first_then_the_resolution() {
        let created = t("2026-11-25T00:00:00Z");
        let p = next_promise(
            Status::Submitted,
            false,
            created,
            due(),
            t("2026-11-25T06:00:00Z"),
        );
        assert_eq!(
            p.map(|p| (p.kind, p.state)),
            Some((PromiseKind::Respond, SlaStatus::OnTime))
        );
        let p = next_promise(
            Status::Submitted,
            false,
            created,
            due(),
            t("2026-11-25T19:00:00Z"),
        );
        assert_eq!(p.map(|p| p.state), Some(SlaStatus::AtRisk));
        let p = next_promise(
            Status::Submitted,
            false,
            created,
            due(),
            t("2026-11-26T00:00:00Z"),
        );
        assert_eq!(p.map(|p| p.state), Some(SlaStatus::Late));
        let p = next_promise(
            Status::Approved,
            true,
            created,
            due(),
            t("2026-11-26T00:00:00Z"),
        );
        assert_eq!(
            p.map(|p| (p.kind, p.due)),
            Some((PromiseKind::Resolve, t("2026-11-28T00:00:00Z")))
        );
        let p = next_promise(
            Status::Reopened,
            true,
            created,
            due(),
            t("2026-11-29T00:00:00Z"),
        );
        assert_eq!(p.map(|p| p.state), Some(SlaStatus::Late));
        for settled in [
            Status::Resolved,
            Status::Rejected,
            Status::Closed,
            Status::Withdrawn,
        ] {
            assert_eq!(
                next_promise(settled, true, created, due(), created),
                None,
                "{settled:?}"
            );
        }
        let no_resolution = DueTimes {
            resolve_by: None,
            ..due()
        };
        assert_eq!(
            next_promise(Status::UnderReview, true, created, no_resolution, created),
            None
        );
    }

    #[test]
    fn the_shopper_is_offered_exactly_the_moves_the_lifecycle_allows() {
        for s in ALL_STATUSES {
            let m = shopper_moves(s, false);
            assert_eq!(
                m.confirm,
                s.allows(Status::ConfirmedByShopper, Actor::Shopper),
                "{s:?}"
            );
            if m.reopen {
                assert!(s.allows(Status::Reopened, Actor::Shopper), "{s:?}");
            }
        }
        assert!(shopper_moves(Status::Resolved, false).confirm);
        assert!(
            !shopper_moves(Status::Resolved, false).reopen,
            "no is the confirm question's"
        );
        assert!(shopper_moves(Status::Rejected, false).reopen);
        assert!(!shopper_moves(Status::UnderReview, false).reopen);
    }

    #[test]
    fn a_survey_is_taken_once_after_confirmation() {
        assert!(survey_allowed(Status::ConfirmedByShopper, false));
        assert!(survey_allowed(Status::Closed, false));
        assert!(!survey_allowed(Status::ConfirmedByShopper, true));
        assert!(!survey_allowed(Status::Resolved, false));
        assert!(!survey_allowed(Status::Submitted, false));
    }

    #[test]
    fn reopening_needs_a_reason_within_bounds() {
        let access = CaseAccess {
            tracking_number: "AS-1".into(),
            email: String::new(),
            token: String::new(),
        };
        let req = |resolved, reason: &str| ConfirmRequest {
            access: access.clone(),
            resolved,
            reason: reason.into(),
        };
        assert_eq!(req(true, "").target(), Ok(Status::ConfirmedByShopper));
        assert_eq!(
            req(false, "  ").target(),
            Err(ConfirmProblem::ReasonMissing)
        );
        assert_eq!(req(false, "still broken").target(), Ok(Status::Reopened));
        let long = "x".repeat(MAX_MESSAGE + 1);
        assert_eq!(
            req(false, &long).target(),
            Err(ConfirmProblem::ReasonInvalid)
        );
        assert_eq!(
            req(false, "bad\u{202e}").target(),
            Err(ConfirmProblem::ReasonInvalid)
        );
        assert_eq!(
            req(false, "line one\nline two").target(),
            Ok(Status::Reopened)
        );
        assert_eq!(
            req(false, "bell\u{7}").target(),
            Err(ConfirmProblem::ReasonInvalid)
        );
    }
}
