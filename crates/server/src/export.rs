//! Cases out as CSV, for a spreadsheet or the shop's own reports: `aftersales case export`
//! and `GET /v1/merchant/cases.csv`, with the merchant list's filters.

use crate::db::{CaseFilter, DbError, MerchantCase, Store};

/// The columns, in order.
pub const COLUMNS: [&str; 10] = [
    "tracking_number",
    "kind",
    "status",
    "order_number",
    "created_at",
    "respond_by",
    "resolve_by",
    "follow_up",
    "needs_review",
    "assignee",
];

/// Most rows one export answers over the API (the CLI has no limit).
pub const MAX_API_ROWS: usize = 100_000;

/// A cell as a spreadsheet cannot mistake it for a formula (`=`, `+`, `-`, `@` first get a `'`).
fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

fn row(c: &MerchantCase) -> [String; 10] {
    let time =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    [
        cell(&c.tracking_number),
        c.kind.code().to_string(),
        c.status.code().to_string(),
        cell(&c.order_number),
        time(c.created_at),
        time(c.respond_by),
        c.resolve_by.map(time).unwrap_or_default(),
        c.follow_up.to_string(),
        c.needs_review.to_string(),
        cell(c.assignee.as_deref().unwrap_or_default()),
    ]
}

/// The cases `filter` selects, newest first, as CSV with a header — at most `max_rows`, read
/// one page (200 cases) at a time, each its own short query.
///
/// # Errors
/// A database error.
pub async fn cases_csv(
    store: &Store,
    filter: &CaseFilter,
    max_rows: usize,
) -> Result<String, DbError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| DbError(e.to_string());
    out.write_record(COLUMNS).map_err(failed)?;
    let mut page = CaseFilter {
        limit: 200,
        ..filter.clone()
    };
    let mut rows = 0;
    while rows < max_rows {
        let (cases, next) = store.list_cases(&page).await?;
        for c in cases.iter().take(max_rows - rows) {
            out.write_record(row(c)).map_err(failed)?;
            rows += 1;
        }
        match next {
            Some(cursor) => page.before = Some(cursor),
            None => break,
        }
    }
    let bytes = out.into_inner().map_err(|e| DbError(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| DbError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_never_starts_a_formula() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("1001"), "1001");
    }
}
