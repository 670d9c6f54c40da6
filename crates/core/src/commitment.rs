//! Commitments (SLA promises): respond within, resolve within, in wall-clock or business
//! time, turned into due instants, and "on time / at risk / late" at a given instant.

use crate::case_type::CaseKind;
use crate::zone::ShopZone;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A length of time, in wall-clock or business time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// Minutes of wall-clock time.
    Minutes(u32),
    /// Hours of wall-clock time.
    Hours(u32),
    /// Minutes within business hours.
    BusinessMinutes(u32),
    /// Hours within business hours.
    BusinessHours(u32),
}

impl Span {
    fn minutes(self) -> i64 {
        match self {
            Span::Minutes(m) | Span::BusinessMinutes(m) => i64::from(m),
            Span::Hours(h) | Span::BusinessHours(h) => i64::from(h) * 60,
        }
    }

    fn is_business(self) -> bool {
        matches!(self, Span::BusinessMinutes(_) | Span::BusinessHours(_))
    }
}

/// The promise for one case type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// First answer to the shopper within this span.
    pub respond_within: Span,
    /// Resolution within this span, if promised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_within: Option<Span>,
}

/// Commitments per case type. A type without an entry gets [`Commitments::FALLBACK`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Commitments(pub BTreeMap<CaseKind, Commitment>);

impl Default for Commitments {
    /// The seed promises: return and exchange requests reviewed within 48 h (退换货审核48小时);
    /// complaints answered within 24 h and resolved within 48 h; questions answered within
    /// 30 minutes of business time; repairs answered within 24 h and general faults fixed
    /// within 48 h; delivery problems answered within 24 h.
    fn default() -> Self {
        let c = |respond, resolve| Commitment {
            respond_within: respond,
            resolve_within: resolve,
        };
        Commitments(BTreeMap::from([
            (CaseKind::Return, c(Span::Hours(48), None)),
            (CaseKind::Exchange, c(Span::Hours(48), None)),
            (CaseKind::Repair, c(Span::Hours(24), Some(Span::Hours(48)))),
            (
                CaseKind::Reshipment,
                c(Span::Hours(24), Some(Span::Hours(48))),
            ),
            (
                CaseKind::Compensation,
                c(Span::Hours(24), Some(Span::Hours(48))),
            ),
            (
                CaseKind::Complaint,
                c(Span::Hours(24), Some(Span::Hours(48))),
            ),
            (
                CaseKind::LogisticsIssue,
                c(Span::Hours(24), Some(Span::Hours(48))),
            ),
            (CaseKind::Question, c(Span::BusinessMinutes(30), None)),
        ]))
    }
}

impl Commitments {
    /// The promise for a case type without its own entry: respond within 24 hours.
    pub const FALLBACK: Commitment = Commitment {
        respond_within: Span::Hours(24),
        resolve_within: None,
    };

    /// The commitment for `kind`.
    pub fn for_kind(&self, kind: CaseKind) -> Commitment {
        self.0.get(&kind).copied().unwrap_or(Self::FALLBACK)
    }

    /// Checks spans are positive and resolve-within is not shorter than respond-within.
    ///
    /// # Errors
    /// `(path, expected)`.
    pub fn validate(&self) -> Result<(), (String, String)> {
        for (kind, c) in &self.0 {
            let path = kind.code();
            if c.respond_within.minutes() == 0 {
                return Err((
                    format!("{path}.respond_within"),
                    "a span longer than zero".into(),
                ));
            }
            if let Some(r) = c.resolve_within {
                if r.minutes() < c.respond_within.minutes() {
                    return Err((
                        format!("{path}.resolve_within"),
                        "at least as long as respond_within".into(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Priority tiers (紧急/高/中/低 → immediate / 24 h / 72 h): a tier can only tighten the
/// response commitment, never loosen it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Answer immediately: within one hour.
    High,
    /// Within 24 hours.
    Medium,
    /// Within 72 hours.
    #[default]
    Low,
}

impl Priority {
    /// The first-answer time this priority's tier promises.
    pub fn respond_span(self) -> Span {
        match self {
            Priority::High => Span::Hours(1),
            Priority::Medium => Span::Hours(24),
            Priority::Low => Span::Hours(72),
        }
    }
}

/// The shop's working time, in its time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// Working days: `"mon"` … `"sun"`.
    pub days: Vec<Day>,
    /// Opening time, `"HH:MM"`.
    pub open: ClockTime,
    /// Closing time, `"HH:MM"`, after `open`.
    pub close: ClockTime,
    /// Dates the shop is closed.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

/// A day of the week, written `"mon"` … `"sun"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Day {
    fn of(w: Weekday) -> Day {
        match w {
            Weekday::Mon => Day::Mon,
            Weekday::Tue => Day::Tue,
            Weekday::Wed => Day::Wed,
            Weekday::Thu => Day::Thu,
            Weekday::Fri => Day::Fri,
            Weekday::Sat => Day::Sat,
            Weekday::Sun => Day::Sun,
        }
    }
}

/// A time of day, `"HH:MM"` (00:00 to 24:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(u16);

impl TryFrom<String> for ClockTime {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bad = || format!("expected a time of day as \"HH:MM\"; got {s:?}");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 24 || m > 59 || (h == 24 && m > 0) || s.len() != 5 {
            return Err(bad());
        }
        Ok(ClockTime(h * 60 + m))
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> String {
        format!("{:02}:{:02}", t.0 / 60, t.0 % 60)
    }
}

impl BusinessHours {
    /// Checks there is at least one working day and opening precedes closing.
    ///
    /// # Errors
    /// `(path, expected)`.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if self.days.is_empty() {
            return Err(("days".into(), "at least one working day".into()));
        }
        if self.open >= self.close {
            return Err(("close".into(), "later than open".into()));
        }
        Ok(())
    }

    fn is_working(&self, date: NaiveDate) -> bool {
        self.days.contains(&Day::of(date.weekday())) && !self.holidays.contains(&date)
    }

    /// `start` plus `minutes` of working time, in `zone`. Time outside business hours does
    /// not count; work that starts outside them starts at the next opening.
    pub fn add(&self, zone: &ShopZone, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut remaining = minutes;
        let mut local = zone.local(start);
        // Bounded: at most ten years of calendar days are walked.
        for _ in 0..3660 {
            let date = local.date();
            if self.is_working(date) {
                let open = at(date, self.open);
                let close = at(date, self.close);
                let from = local.max(open);
                if from < close {
                    let available = (close - from).num_minutes();
                    if remaining <= available {
                        return zone.from_local(from + Duration::minutes(remaining));
                    }
                    remaining -= available;
                }
            }
            local = at(date.succ_opt().unwrap_or(date), ClockTime(0));
        }
        zone.from_local(local)
    }
}

fn at(date: NaiveDate, t: ClockTime) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(i64::from(t.0))
}

/// Adds `span` to `start`: wall-clock spans directly, business spans within `hours` (or as
/// wall-clock time when the shop has no business hours configured).
pub fn add_span(
    span: Span,
    start: DateTime<Utc>,
    zone: &ShopZone,
    hours: Option<&BusinessHours>,
) -> DateTime<Utc> {
    match hours {
        Some(bh) if span.is_business() => bh.add(zone, start, span.minutes()),
        _ => start + Duration::minutes(span.minutes()),
    }
}

/// When a case is due for its first answer and for its resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DueTimes {
    /// First answer due.
    pub respond_by: DateTime<Utc>,
    /// Resolution due, if promised.
    pub resolve_by: Option<DateTime<Utc>>,
}

/// How a deadline stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    /// More than a quarter of the time is left.
    OnTime,
    /// A quarter of the time or less is left.
    AtRisk,
    /// The due instant has passed.
    Late,
}

/// The status at `now` of something started at `start` and due at `due`.
pub fn sla_status(start: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> SlaStatus {
    if now >= due {
        SlaStatus::Late
    } else if (due - now) * 4 <= due - start {
        SlaStatus::AtRisk
    } else {
        SlaStatus::OnTime
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn office() -> BusinessHours {
        serde_json::from_str(r#"{"days":["mon","tue","wed","thu","fri"],"open":"09:00","close":"18:00","holidays":["2026-10-01"]}"#).unwrap()
    }

    #[test]
    fn business_minutes_skip_nights_weekends_and_holidays() {
        let zone = ShopZone::parse("Asia/Shanghai").unwrap();
        let bh = office();
        // Friday 27 Nov 2026 17:50 Shanghai + 30 business minutes = Monday 30 Nov 09:20.
        let fri = utc("2026-11-27T09:50:00Z");
        assert_eq!(bh.add(&zone, fri, 30), utc("2026-11-30T01:20:00Z"));
        // Saturday night: starts at Monday's opening.
        assert_eq!(
            bh.add(&zone, utc("2026-11-28T14:00:00Z"), 0),
            utc("2026-11-30T01:00:00Z")
        );
        // 30 Sep 17:30 + 60 min: 30 min on the 30th, 1 Oct is a holiday, 30 min on 2 Oct.
        assert_eq!(
            bh.add(&zone, utc("2026-09-30T09:30:00Z"), 60),
            utc("2026-10-02T01:30:00Z")
        );
        // Two full working days of 9 hours.
        assert_eq!(
            bh.add(&zone, utc("2026-11-24T01:00:00Z"), 18 * 60),
            utc("2026-11-25T10:00:00Z")
        );
    }

    #[test]
    fn business_time_across_a_dst_change() {
        let zone = ShopZone::parse("Europe/Berlin").unwrap();
        let bh = office();
        // Fri 23 Oct 2026 17:00 CEST (15:00Z) + 2 h → Mon 26 Oct 10:00 CET (09:00Z).
        assert_eq!(
            bh.add(&zone, utc("2026-10-23T15:00:00Z"), 120),
            utc("2026-10-26T09:00:00Z")
        );
    }

    #[test]
    fn seed_commitments_give_due_times() {
        let p = Policy::default();
        let t = utc("2026-11-25T04:00:00Z");
        let d = p.due_times(CaseKind::Complaint, Priority::Low, t);
        assert_eq!(d.respond_by, t + Duration::hours(24));
        assert_eq!(d.resolve_by, Some(t + Duration::hours(48)));
        // A high-priority case is answered within the hour, whatever the type's promise.
        assert_eq!(
            p.due_times(CaseKind::Return, Priority::High, t).respond_by,
            t + Duration::hours(1)
        );
        // Questions: 30 business minutes, as wall-clock time when no hours are configured.
        assert_eq!(
            p.due_times(CaseKind::Question, Priority::Low, t).respond_by,
            t + Duration::minutes(30)
        );
        let with_hours = Policy {
            business_hours: Some(office()),
            ..Policy::default()
        };
        let sat = utc("2026-11-28T04:00:00Z");
        assert_eq!(
            with_hours
                .due_times(CaseKind::Question, Priority::Low, sat)
                .respond_by,
            utc("2026-11-30T01:30:00Z")
        );
    }

    #[test]
    fn status_turns_at_risk_in_the_last_quarter_and_late_at_the_due_instant() {
        let start = utc("2026-11-25T00:00:00Z");
        let due = start + Duration::hours(48);
        assert_eq!(
            sla_status(start, due, start + Duration::hours(35)),
            SlaStatus::OnTime
        );
        assert_eq!(
            sla_status(start, due, start + Duration::hours(36)),
            SlaStatus::AtRisk
        );
        assert_eq!(
            sla_status(start, due, due - Duration::seconds(1)),
            SlaStatus::AtRisk
        );
        assert_eq!(sla_status(start, due, due), SlaStatus::Late);
    }

    #[test]
    fn bad_hours_and_spans_are_refused() {
        assert!(serde_json::from_str::<BusinessHours>(
            r#"{"days":["mon"],"open":"9:00","close":"18:00"}"#
        )
        .is_err());
        assert!(serde_json::from_str::<BusinessHours>(
            r#"{"days":["mon"],"open":"09:00","close":"25:00"}"#
        )
        .is_err());
        let inverted: BusinessHours =
            serde_json::from_str(r#"{"days":["mon"],"open":"18:00","close":"09:00"}"#).unwrap();
        assert_eq!(inverted.validate().unwrap_err().0, "close");
        let c: Commitments = serde_json::from_str(
            r#"{"complaint":{"respond_within":{"hours":24},"resolve_within":{"hours":2}}}"#,
        )
        .unwrap();
        assert_eq!(c.validate().unwrap_err().0, "complaint.resolve_within");
    }
}
