//! Shared by the fuzz targets: the demo shop's policy and orders, fixed in time.

use chrono::{DateTime, Utc};

/// The instant every target reads as now.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T04:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}
