//! The shop's time zone, which decides what "day 7" means.
//!
//! A zone is given as an IANA name from a built-in table of common shop zones
//! (`"Asia/Shanghai"`, `"Europe/Berlin"`, …) or as a POSIX `TZ` rule string
//! (`"CST-8"`, `"CET-1CEST,M3.5.0,M10.5.0/3"`), which covers every zone with today's rules
//! without shipping the IANA database to the browser. Note the POSIX sign: `CST-8` is UTC+8.

use crate::CoreError;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// IANA names accepted without a POSIX rule, with the rule in force for them today.
pub const NAMED_ZONES: &[(&str, &str)] = &[
    ("UTC", "UTC0"),
    ("Etc/UTC", "UTC0"),
    ("Asia/Shanghai", "CST-8"),
    ("Asia/Hong_Kong", "HKT-8"),
    ("Asia/Taipei", "CST-8"),
    ("Asia/Tokyo", "JST-9"),
    ("Asia/Seoul", "KST-9"),
    ("Asia/Singapore", "<+08>-8"),
    ("Asia/Kuala_Lumpur", "<+08>-8"),
    ("Asia/Manila", "PST-8"),
    ("Asia/Bangkok", "<+07>-7"),
    ("Asia/Jakarta", "WIB-7"),
    ("Asia/Kolkata", "IST-5:30"),
    ("Asia/Dubai", "<+04>-4"),
    ("Europe/London", "GMT0BST,M3.5.0/1,M10.5.0"),
    ("Europe/Lisbon", "WET0WEST,M3.5.0/1,M10.5.0"),
    ("Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Paris", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Madrid", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Rome", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Amsterdam", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Brussels", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Vienna", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Zurich", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Stockholm", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Warsaw", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Prague", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ("Europe/Helsinki", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Athens", "EET-2EEST,M3.5.0/3,M10.5.0/4"),
    ("Europe/Istanbul", "<+03>-3"),
    ("Europe/Moscow", "MSK-3"),
    ("America/New_York", "EST5EDT,M3.2.0,M11.1.0"),
    ("America/Toronto", "EST5EDT,M3.2.0,M11.1.0"),
    ("America/Chicago", "CST6CDT,M3.2.0,M11.1.0"),
    ("America/Denver", "MST7MDT,M3.2.0,M11.1.0"),
    ("America/Phoenix", "MST7"),
    ("America/Los_Angeles", "PST8PDT,M3.2.0,M11.1.0"),
    ("America/Vancouver", "PST8PDT,M3.2.0,M11.1.0"),
    ("America/Mexico_City", "CST6"),
    ("America/Sao_Paulo", "<-03>3"),
    ("America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24"),
    ("Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    ("Australia/Melbourne", "AEST-10AEDT,M10.1.0,M4.1.0/3"),
    ("Australia/Brisbane", "AEST-10"),
    ("Australia/Perth", "AWST-8"),
    ("Pacific/Auckland", "NZST-12NZDT,M9.5.0,M4.1.0/3"),
    ("Africa/Johannesburg", "SAST-2"),
    ("Africa/Lagos", "WAT-1"),
];

/// A shop's time zone: a standard offset and, optionally, a daylight-saving rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ShopZone {
    input: String,
    std_offset: i32,
    dst: Option<Dst>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dst {
    offset: i32,
    start: Rule,
    end: Rule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rule {
    date: RuleDate,
    /// Seconds after local midnight (may be negative or past 24 h, as POSIX allows).
    time: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleDate {
    /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay { month: u32, week: u32, weekday: u32 },
    /// `Jn`: day 1..=365, February 29 never counted.
    JulianNoLeap(u32),
    /// `n`: day 0..=365, February 29 counted.
    Julian(u32),
}

impl ShopZone {
    /// Parses an IANA name from [`NAMED_ZONES`] or a POSIX `TZ` rule.
    ///
    /// # Errors
    /// [`CoreError::InvalidTimeZone`] naming what is wrong.
    pub fn parse(input: &str) -> Result<ShopZone, CoreError> {
        let rule = NAMED_ZONES
            .iter()
            .find(|(name, _)| *name == input)
            .map(|(_, rule)| *rule)
            .unwrap_or(input);
        let err = |reason| CoreError::InvalidTimeZone {
            input: input.to_string(),
            reason,
        };
        if rule.contains('/') && !rule.contains(',') {
            return Err(err("unknown zone name: use one from the documented list or a POSIX TZ rule such as \"CET-1CEST,M3.5.0,M10.5.0/3\""));
        }
        let mut p = Parser {
            s: rule.as_bytes(),
            i: 0,
        };
        p.name().map_err(err)?;
        let std_offset = -p.offset().map_err(err)?;
        if p.done() {
            return Ok(ShopZone {
                input: input.to_string(),
                std_offset,
                dst: None,
            });
        }
        p.name().map_err(err)?;
        let dst_offset = if p.peek() == Some(b',') || p.done() {
            std_offset + 3600
        } else {
            -p.offset().map_err(err)?
        };
        if p.done() {
            return Err(err("a daylight-saving zone needs its start and end rules"));
        }
        p.expect(b',').map_err(err)?;
        let start = p.rule().map_err(err)?;
        p.expect(b',').map_err(err)?;
        let end = p.rule().map_err(err)?;
        if !p.done() {
            return Err(err("unexpected text after the end rule"));
        }
        Ok(ShopZone {
            input: input.to_string(),
            std_offset,
            dst: Some(Dst {
                offset: dst_offset,
                start,
                end,
            }),
        })
    }

    /// A zone without daylight saving, `offset` seconds east of UTC, called `name`.
    pub(crate) fn fixed(name: &str, offset: i32) -> ShopZone {
        ShopZone {
            input: name.to_string(),
            std_offset: offset,
            dst: None,
        }
    }

    /// The zone as it was written.
    pub fn as_str(&self) -> &str {
        &self.input
    }

    /// Seconds east of UTC in force at `t`.
    pub fn offset_at(&self, t: DateTime<Utc>) -> i32 {
        let Some(dst) = self.dst else {
            return self.std_offset;
        };
        let year = (t + Duration::seconds(i64::from(self.std_offset))).year();
        let start = transition(year, dst.start, self.std_offset);
        let end = transition(year, dst.end, dst.offset);
        let in_dst = if start < end {
            start <= t && t < end
        } else {
            !(end <= t && t < start)
        };
        if in_dst {
            dst.offset
        } else {
            self.std_offset
        }
    }

    /// The shop's wall-clock time at `t`.
    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.naive_utc() + Duration::seconds(i64::from(self.offset_at(t)))
    }

    /// The shop's calendar date at `t`.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date()
    }

    /// The instant at which the shop's wall clock reads `local`. An ambiguous time (clocks
    /// going back) gives the earlier instant; a time skipped by a jump forward gives the
    /// instant of the jump's standard-time reading (02:30 in a 02:00→03:00 gap is 03:30).
    pub fn from_local(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let at = |off: i32| Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(off))));
        let standard = at(self.std_offset);
        let Some(dst) = self.dst else { return standard };
        [standard, at(dst.offset)]
            .into_iter()
            .filter(|c| self.local(*c) == local)
            .min()
            .unwrap_or(standard)
    }

    /// The first instant of the shop's calendar day `date`: local midnight, or, where a
    /// daylight-saving jump skips midnight, the first wall-clock time that exists that day.
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        // A jump skipping midnight starts the day at the jump: from_local's reading of a
        // skipped time in standard time is exactly that instant.
        self.from_local(date.and_hms_opt(0, 0, 0).unwrap_or_default())
    }
}

impl TryFrom<String> for ShopZone {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ShopZone::parse(&value)
    }
}

impl From<ShopZone> for String {
    fn from(z: ShopZone) -> String {
        z.input
    }
}

/// The UTC instant at which `rule` fires in `year`, given the offset in force before it.
fn transition(year: i32, rule: Rule, offset_before: i32) -> DateTime<Utc> {
    let date = match rule.date {
        RuleDate::MonthWeekDay {
            month,
            week,
            weekday,
        } => {
            let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
            let first_wd = first.weekday().num_days_from_sunday();
            let mut day = 1 + (weekday + 7 - first_wd) % 7 + 7 * (week - 1);
            let days_in_month = days_in_month(year, month);
            while day > days_in_month {
                day -= 7;
            }
            NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
        }
        RuleDate::JulianNoLeap(n) => {
            let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
            let leap = NaiveDate::from_ymd_opt(year, 2, 29).is_some();
            let skip = u32::from(leap && n >= 60);
            jan1 + Duration::days(i64::from(n - 1 + skip))
        }
        RuleDate::Julian(n) => {
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default() + Duration::days(i64::from(n))
        }
    };
    let local = date.and_hms_opt(0, 0, 0).unwrap_or_default()
        + Duration::seconds(i64::from(rule.time) - i64::from(offset_before));
    Utc.from_utc_datetime(&local)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let next = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
    next.pred_opt().map(|d| d.day()).unwrap_or(28)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
    fn expect(&mut self, c: u8) -> Result<(), &'static str> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err("expected ',' between the zone and its rules")
        }
    }
    fn name(&mut self) -> Result<(), &'static str> {
        if self.peek() == Some(b'<') {
            let close = self.s[self.i..].iter().position(|&c| c == b'>');
            let Some(close) = close else {
                return Err("a <quoted> zone name is not closed");
            };
            if close < 4 {
                return Err("a zone abbreviation needs at least three characters");
            }
            self.i += close + 1;
            return Ok(());
        }
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        if self.i - start < 3 {
            return Err("expected a zone abbreviation of at least three letters, e.g. \"CST\"");
        }
        Ok(())
    }
    fn number(&mut self, max: u32) -> Result<u32, &'static str> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if start == self.i || self.i - start > 3 {
            return Err("expected a number");
        }
        let n: u32 = std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or("expected a number")?;
        if n > max {
            return Err("a number is out of range");
        }
        Ok(n)
    }
    /// `[+-]hh[:mm[:ss]]` in seconds, POSIX sign (positive = west of UTC).
    fn offset(&mut self) -> Result<i32, &'static str> {
        self.hms(24)
    }
    fn hms(&mut self, max_hours: u32) -> Result<i32, &'static str> {
        let sign = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                -1
            }
            Some(b'+') => {
                self.i += 1;
                1
            }
            _ => 1,
        };
        let mut secs = self.number(max_hours)? * 3600;
        for unit in [60, 1] {
            if self.peek() == Some(b':') {
                self.i += 1;
                secs += self.number(59)? * unit;
            } else {
                break;
            }
        }
        Ok(sign * secs as i32)
    }
    fn rule(&mut self) -> Result<Rule, &'static str> {
        let date = match self.peek() {
            Some(b'M') => {
                self.i += 1;
                let month = self.number(12)?;
                self.expect_dot()?;
                let week = self.number(5)?;
                self.expect_dot()?;
                let weekday = self.number(6)?;
                if month == 0 || week == 0 {
                    return Err("month and week of a rule start at 1");
                }
                RuleDate::MonthWeekDay {
                    month,
                    week,
                    weekday,
                }
            }
            Some(b'J') => {
                self.i += 1;
                let n = self.number(365)?;
                if n == 0 {
                    return Err("Jn days start at 1");
                }
                RuleDate::JulianNoLeap(n)
            }
            Some(c) if c.is_ascii_digit() => RuleDate::Julian(self.number(365)?),
            _ => return Err("expected a rule such as M3.5.0"),
        };
        let time = if self.peek() == Some(b'/') {
            self.i += 1;
            self.hms(167)?
        } else {
            7200
        };
        Ok(Rule { date, time })
    }
    fn expect_dot(&mut self) -> Result<(), &'static str> {
        if self.peek() == Some(b'.') {
            self.i += 1;
            Ok(())
        } else {
            Err("expected '.' in an Mm.w.d rule")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn fixed_offset_zone() {
        let z = ShopZone::parse("Asia/Shanghai").unwrap();
        assert_eq!(z.offset_at(utc("2026-06-01T00:00:00Z")), 8 * 3600);
        // 16:00 UTC is already the next day in Shanghai.
        assert_eq!(
            z.local_date(utc("2026-11-01T16:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
        );
        assert_eq!(
            z.start_of_day(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()),
            utc("2026-11-01T16:00:00Z")
        );
        let india = ShopZone::parse("IST-5:30").unwrap();
        assert_eq!(
            india.offset_at(utc("2026-01-01T00:00:00Z")),
            5 * 3600 + 1800
        );
    }

    #[test]
    fn european_summer_time_switches_on_the_last_sundays() {
        let z = ShopZone::parse("Europe/Berlin").unwrap();
        // 2026: DST from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(z.offset_at(utc("2026-03-29T00:59:59Z")), 3600);
        assert_eq!(z.offset_at(utc("2026-03-29T01:00:00Z")), 7200);
        assert_eq!(z.offset_at(utc("2026-10-25T00:59:59Z")), 7200);
        assert_eq!(z.offset_at(utc("2026-10-25T01:00:00Z")), 3600);
        assert_eq!(
            z.start_of_day(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()),
            utc("2026-06-30T22:00:00Z")
        );
    }

    #[test]
    fn us_and_southern_hemisphere_rules() {
        let ny = ShopZone::parse("America/New_York").unwrap();
        // 2026: second Sunday of March is 8 March, first Sunday of November is 1 November.
        assert_eq!(ny.offset_at(utc("2026-03-08T06:59:59Z")), -5 * 3600);
        assert_eq!(ny.offset_at(utc("2026-03-08T07:00:00Z")), -4 * 3600);
        assert_eq!(ny.offset_at(utc("2026-11-01T05:59:59Z")), -4 * 3600);
        assert_eq!(ny.offset_at(utc("2026-11-01T06:00:00Z")), -5 * 3600);
        let syd = ShopZone::parse("Australia/Sydney").unwrap();
        assert_eq!(syd.offset_at(utc("2026-01-15T00:00:00Z")), 11 * 3600);
        assert_eq!(syd.offset_at(utc("2026-07-15T00:00:00Z")), 10 * 3600);
    }

    #[test]
    fn midnight_skipped_by_dst_starts_the_day_at_the_jump() {
        // Santiago springs forward at 24:00 on the first Saturday of September: 2026-09-06
        // has no 00:00, its first instant is 00:00 standard time = 01:00 summer time.
        let z = ShopZone::parse("America/Santiago").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let start = z.start_of_day(day);
        assert_eq!(start, utc("2026-09-06T04:00:00Z"));
        assert_eq!(z.local_date(start), day);
        assert!(z.local_date(start - Duration::seconds(1)) < day);
    }

    #[test]
    fn bad_zones_are_rejected_with_a_reason() {
        for bad in [
            "",
            "Mars/Olympus",
            "X-1",
            "CET-1CEST",
            "CET-1CEST,M13.1.0,M10.5.0",
            "CST-99",
        ] {
            let e = ShopZone::parse(bad).unwrap_err();
            assert!(matches!(e, CoreError::InvalidTimeZone { .. }), "{bad}: {e}");
        }
    }

    #[test]
    fn every_named_zone_parses() {
        for (name, _) in NAMED_ZONES {
            ShopZone::parse(name).unwrap();
        }
    }
}
