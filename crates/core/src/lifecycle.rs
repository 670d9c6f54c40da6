//! The case lifecycle: statuses, who may move a case between them, and the record of every
//! move with its instant. An illegal move is an error, never a silent no-op.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Sent by the shopper.
    Submitted,
    /// The shop has seen it (受理).
    Acknowledged,
    /// Someone at the shop is looking at it (审核).
    UnderReview,
    /// Accepted.
    Approved,
    /// Refused, with a reason given to the shopper.
    Rejected,
    /// Waiting for the shopper to send the item back.
    AwaitingReturnShipment,
    /// The item is back at the shop.
    Received,
    /// The item was checked (质量鉴定).
    Inspected,
    /// Done: refunded, exchanged, repaired, reshipped or compensated.
    Resolved,
    /// The shopper confirmed it is resolved (客户确认).
    ConfirmedByShopper,
    /// The shopper says it is not resolved.
    Reopened,
    /// Handed to someone with more authority.
    Escalated,
    /// Waiting on a carrier, a manufacturer or another third party.
    WaitingOnThirdParty,
    /// The shopper withdrew the case.
    Withdrawn,
    /// Archived (归档). Final.
    Closed,
}

/// Who makes a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The shopper.
    Shopper,
    /// Someone at the shop.
    Merchant,
    /// The software, on its own (a timer, an integration).
    System,
}

impl Actor {
    /// The stable machine code, e.g. `"merchant"`.
    pub fn code(self) -> &'static str {
        match self {
            Actor::Shopper => "shopper",
            Actor::Merchant => "merchant",
            Actor::System => "system",
        }
    }
}

use Actor::{Merchant as M, Shopper as S, System as Y};
use Status::*;

/// Every legal move: from, to, and who may make it.
pub const TRANSITIONS: &[(Status, Status, &[Actor])] = &[
    (Submitted, Acknowledged, &[M, Y]),
    (Submitted, UnderReview, &[M, Y]),
    (Submitted, Approved, &[M, Y]),
    (Submitted, Rejected, &[M]),
    (Submitted, Withdrawn, &[S]),
    (Acknowledged, UnderReview, &[M]),
    (Acknowledged, Approved, &[M]),
    (Acknowledged, Rejected, &[M]),
    (Acknowledged, Withdrawn, &[S]),
    (UnderReview, Approved, &[M]),
    (UnderReview, Rejected, &[M]),
    (UnderReview, WaitingOnThirdParty, &[M]),
    (UnderReview, Withdrawn, &[S]),
    (Approved, AwaitingReturnShipment, &[M, Y]),
    (Approved, Resolved, &[M, Y]),
    (Approved, WaitingOnThirdParty, &[M]),
    (AwaitingReturnShipment, Received, &[M, Y]),
    (AwaitingReturnShipment, Withdrawn, &[S]),
    (Received, Inspected, &[M]),
    (Received, Resolved, &[M]),
    (Inspected, Resolved, &[M]),
    (Inspected, Rejected, &[M]),
    (WaitingOnThirdParty, UnderReview, &[M, Y]),
    (WaitingOnThirdParty, Approved, &[M]),
    (Resolved, ConfirmedByShopper, &[S]),
    (Resolved, Reopened, &[S]),
    (Resolved, Closed, &[Y, M]),
    (ConfirmedByShopper, Closed, &[Y, M]),
    (Rejected, Reopened, &[S]),
    (Rejected, Closed, &[Y, M]),
    (Reopened, UnderReview, &[M]),
    (Reopened, Escalated, &[S, M, Y]),
    (Escalated, UnderReview, &[M]),
    (Escalated, Approved, &[M]),
    (Escalated, Rejected, &[M]),
    (Withdrawn, Closed, &[Y, M]),
    // Escalation from any open status: the shopper when a promise is broken, the shop or
    // the system (an overdue commitment).
    (Submitted, Escalated, &[S, M, Y]),
    (Acknowledged, Escalated, &[S, M, Y]),
    (UnderReview, Escalated, &[S, M, Y]),
    (WaitingOnThirdParty, Escalated, &[S, M, Y]),
];

impl Status {
    /// The stable machine code, e.g. `"under_review"`.
    pub fn code(self) -> &'static str {
        match self {
            Submitted => "submitted",
            Acknowledged => "acknowledged",
            UnderReview => "under_review",
            Approved => "approved",
            Rejected => "rejected",
            AwaitingReturnShipment => "awaiting_return_shipment",
            Received => "received",
            Inspected => "inspected",
            Resolved => "resolved",
            ConfirmedByShopper => "confirmed_by_shopper",
            Reopened => "reopened",
            Escalated => "escalated",
            WaitingOnThirdParty => "waiting_on_third_party",
            Withdrawn => "withdrawn",
            Closed => "closed",
        }
    }

    /// Parses a machine code.
    pub fn from_code(code: &str) -> Option<Status> {
        ALL_STATUSES.into_iter().find(|s| s.code() == code)
    }

    /// May `actor` move a case from `self` to `to`?
    pub fn allows(self, to: Status, actor: Actor) -> bool {
        TRANSITIONS
            .iter()
            .any(|(f, t, who)| *f == self && *t == to && who.contains(&actor))
    }

    /// No move leads out of it.
    pub fn is_final(self) -> bool {
        self == Closed
    }
}

/// Every status.
pub const ALL_STATUSES: [Status; 15] = [
    Submitted,
    Acknowledged,
    UnderReview,
    Approved,
    Rejected,
    AwaitingReturnShipment,
    Received,
    Inspected,
    Resolved,
    ConfirmedByShopper,
    Reopened,
    Escalated,
    WaitingOnThirdParty,
    Withdrawn,
    Closed,
];

/// One recorded move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Transition {
    /// From.
    pub from: Status,
    /// To.
    pub to: Status,
    /// Who.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// A refused move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// No such move, or not for this actor.
    NotAllowed {
        /// From.
        from: Status,
        /// To.
        to: Status,
        /// Who tried.
        by: Actor,
    },
    /// The move is dated before the previous one.
    OutOfOrder,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransitionError::NotAllowed { from, to, by } => {
                write!(
                    f,
                    "a case cannot go from {} to {} by {by:?}",
                    from.code(),
                    to.code()
                )
            }
            TransitionError::OutOfOrder => {
                write!(f, "a move cannot be dated before the previous one")
            }
        }
    }
}

impl std::error::Error for TransitionError {}

/// A case's status and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Lifecycle {
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// Every move since, oldest first.
    pub history: Vec<Transition>,
}

impl Lifecycle {
    /// A case submitted at `at`.
    pub fn new(at: DateTime<Utc>) -> Lifecycle {
        Lifecycle {
            submitted_at: at,
            history: Vec::new(),
        }
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.history.last().map_or(Submitted, |t| t.to)
    }

    /// Moves the case, recording who and when.
    ///
    /// # Errors
    /// [`TransitionError`] when the move is not allowed or is dated in the past.
    pub fn apply(
        &mut self,
        to: Status,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        let from = self.status();
        if !from.allows(to, by) {
            return Err(TransitionError::NotAllowed { from, to, by });
        }
        let last = self.history.last().map_or(self.submitted_at, |t| t.at);
        if at < last {
            return Err(TransitionError::OutOfOrder);
        }
        self.history.push(Transition { from, to, by, at });
        Ok(())
    }

    /// Whether the case's units count as claimed: yes, unless it was rejected or withdrawn
    /// (and not reopened since), also once closed.
    pub fn holds_claim(&self) -> bool {
        let last_open = self
            .history
            .iter()
            .rev()
            .map(|t| t.to)
            .find(|s| *s != Closed);
        !matches!(last_open, Some(Rejected | Withdrawn))
    }

    /// When the shop first answered (the first move out of `submitted` by the shop or the
    /// system), for response-time commitments.
    pub fn first_response(&self) -> Option<DateTime<Utc>> {
        self.history
            .iter()
            .find(|t| t.by != Actor::Shopper)
            .map(|t| t.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        "2026-11-25T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_return_goes_all_the_way_to_closed() {
        let mut c = Lifecycle::new(t0());
        let steps = [
            (Acknowledged, Actor::System),
            (UnderReview, Actor::Merchant),
            (Approved, Actor::Merchant),
            (AwaitingReturnShipment, Actor::System),
            (Received, Actor::Merchant),
            (Inspected, Actor::Merchant),
            (Resolved, Actor::Merchant),
            (ConfirmedByShopper, Actor::Shopper),
            (Closed, Actor::System),
        ];
        for (i, (to, by)) in steps.iter().enumerate() {
            c.apply(*to, *by, t0() + Duration::hours(i as i64)).unwrap();
        }
        assert_eq!(c.status(), Closed);
        assert!(c.status().is_final());
        assert_eq!(c.first_response(), Some(t0()));
        assert_eq!(c.history.len(), 9);
    }

    #[test]
    fn illegal_moves_and_wrong_actors_are_refused() {
        let mut c = Lifecycle::new(t0());
        assert_eq!(
            c.apply(Resolved, Actor::Merchant, t0()),
            Err(TransitionError::NotAllowed {
                from: Submitted,
                to: Resolved,
                by: Actor::Merchant
            })
        );
        // Only the shop approves; only the shopper withdraws.
        assert!(c.apply(Approved, Actor::Shopper, t0()).is_err());
        assert!(c.apply(Withdrawn, Actor::Merchant, t0()).is_err());
        c.apply(Withdrawn, Actor::Shopper, t0() + Duration::hours(1))
            .unwrap();
        assert!(!c.holds_claim(), "a withdrawn case frees its units");
        assert_eq!(
            c.apply(Closed, Actor::System, t0()),
            Err(TransitionError::OutOfOrder)
        );
        c.apply(Closed, Actor::System, t0() + Duration::hours(2))
            .unwrap();
        assert!(!c.holds_claim());
        for s in ALL_STATUSES {
            for a in [Actor::Shopper, Actor::Merchant, Actor::System] {
                assert!(
                    c.clone().apply(s, a, t0() + Duration::days(1)).is_err(),
                    "closed is final"
                );
            }
        }
    }

    #[test]
    fn a_shopper_can_reopen_a_resolution_and_escalate() {
        let mut c = Lifecycle::new(t0());
        c.apply(Approved, Actor::Merchant, t0()).unwrap();
        c.apply(Resolved, Actor::Merchant, t0()).unwrap();
        c.apply(Reopened, Actor::Shopper, t0()).unwrap();
        assert!(c.holds_claim());
        c.apply(Escalated, Actor::Shopper, t0()).unwrap();
        c.apply(UnderReview, Actor::Merchant, t0()).unwrap();
        assert_eq!(c.status(), UnderReview);
    }

    #[test]
    fn codes_round_trip_and_every_status_is_reachable() {
        for s in ALL_STATUSES {
            assert_eq!(Status::from_code(s.code()), Some(s));
            let reachable = s == Submitted || TRANSITIONS.iter().any(|(_, to, _)| *to == s);
            assert!(reachable, "{s:?}");
        }
    }
}
