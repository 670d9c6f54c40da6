//! Who handles a case: by hand, or by a rule per case type whose staff take new cases in turn.

use super::follow::CaseRecord;
use super::{DbError, Store};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A round-robin rule: new cases of `kind` go to `staff` in turn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct AssignmentRule {
    /// The case type (`return`, `repair`, …).
    pub kind: String,
    /// The staff, in the order they take turns.
    pub staff: Vec<String>,
    /// Whose turn is next (an index into `staff`).
    pub next: usize,
}

impl Store {
    /// Sets the rule of a case type (its turn starts again); an empty `staff` removes it.
    pub async fn set_assignment_rule(&self, kind: &str, staff: &[String]) -> Result<(), DbError> {
        if staff.is_empty() {
            sqlx::query("DELETE FROM assignment_rules WHERE kind = $1")
                .bind(kind)
                .execute(self.pool())
                .await?;
            return Ok(());
        }
        let json = serde_json::to_string(staff).map_err(|e| DbError(e.to_string()))?;
        sqlx::query(
            "INSERT INTO assignment_rules (kind, staff_json, next_turn) VALUES ($1, $2, 0)
             ON CONFLICT(kind) DO UPDATE SET staff_json = excluded.staff_json, next_turn = 0",
        )
        .bind(kind)
        .bind(json)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every rule, by case type.
    pub async fn assignment_rules(&self) -> Result<Vec<AssignmentRule>, DbError> {
        let rows =
            sqlx::query("SELECT kind, staff_json, next_turn FROM assignment_rules ORDER BY kind")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|r| {
                let staff: Vec<String> = serde_json::from_str(&r.try_get::<String, _>(1)?)
                    .map_err(|e| DbError(format!("assignment rule: {e}")))?;
                let turn = usize::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0);
                Ok(AssignmentRule {
                    kind: r.try_get(0)?,
                    next: turn % staff.len().max(1),
                    staff,
                })
            })
            .collect()
    }

    /// Assigns a case to `assignee` (`None`: nobody), with a `case.assigned` event.
    pub async fn assign(
        &self,
        case: &CaseRecord,
        assignee: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut w = self.write().await?;
        sqlx::query("UPDATE cases SET assignee = $2 WHERE id = $1")
            .bind(case.id)
            .bind(assignee)
            .execute(&mut *w.tx)
            .await?;
        let data = serde_json::json!({
            "tracking_number": case.tracking_number, "order_number": case.order_number,
            "assignee": assignee, "at": at,
        });
        super::enqueue(&mut w, "case.assigned", data, at).await?;
        w.commit().await
    }
}
