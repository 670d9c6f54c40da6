//! The facts the shop's figures are made from ([`aftersales_core::kpi`] computes them): the
//! cases submitted in a period with their history, shop messages, survey, items and shopper;
//! the units sold in the period; the FAQ's self-service events.

use super::follow::{actor_of, kind_of, status_of};
use super::{maybe_time_at, time_at, DbError, Store};
use aftersales_core::case::CaseDraft;
use aftersales_core::commitment::DueTimes;
use aftersales_core::kpi::{CaseFacts, FactLine, Facts, Sold};
use aftersales_core::lifecycle::Transition;
use aftersales_core::order::Line;
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

impl Store {
    /// Every fact of the period `[from, to)` (cases by submission, sales by order date).
    pub async fn kpi_facts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Facts, DbError> {
        let (from, to) = (from.to_rfc3339(), to.to_rfc3339());
        let in_period = "c.created_at >= $1 AND c.created_at < $2";
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT c.id, c.kind, c.status, c.reason, c.draft_json, c.created_at, c.respond_by,
                    c.resolve_by, c.follow_up, o.email
             FROM cases c JOIN orders o ON o.number = c.order_number
             WHERE {in_period} ORDER BY c.id"
        )))
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        let mut cases = Vec::with_capacity(rows.len());
        let mut index = HashMap::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get(0)?;
            // The condition is in the draft as submitted; an unreadable draft has none.
            let condition = serde_json::from_str::<CaseDraft>(&r.try_get::<String, _>(4)?)
                .ok()
                .and_then(|d| d.condition);
            index.insert(id, cases.len());
            cases.push(CaseFacts {
                kind: kind_of(&r.try_get::<String, _>(1)?)?,
                status: status_of(&r.try_get::<String, _>(2)?)?,
                reason: r.try_get(3)?,
                condition,
                created_at: time_at(&r, 5)?,
                due: DueTimes {
                    respond_by: time_at(&r, 6)?,
                    resolve_by: maybe_time_at(&r, 7)?,
                },
                history: Vec::new(),
                shop_messages: Vec::new(),
                survey: None,
                follow_up: r.try_get::<i64, _>(8)? != 0,
                shopper: r.try_get(9)?,
                lines: Vec::new(),
            });
        }
        let events = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT e.case_id, e.from_status, e.to_status, e.actor, e.at
             FROM case_events e JOIN cases c ON c.id = e.case_id
             WHERE {in_period} AND e.from_status IS NOT NULL ORDER BY e.id"
        )))
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        for r in events {
            if let Some(&i) = index.get(&r.try_get::<i64, _>(0)?) {
                cases[i].history.push(Transition {
                    from: status_of(&r.try_get::<String, _>(1)?)?,
                    to: status_of(&r.try_get::<String, _>(2)?)?,
                    by: actor_of(&r.try_get::<String, _>(3)?)?,
                    at: time_at(&r, 4)?,
                });
            }
        }
        let messages = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT m.case_id, m.at FROM case_messages m JOIN cases c ON c.id = m.case_id
             WHERE {in_period} AND m.author = 'merchant' ORDER BY m.id"
        )))
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        for r in messages {
            if let Some(&i) = index.get(&r.try_get::<i64, _>(0)?) {
                cases[i].shop_messages.push(time_at(&r, 1)?);
            }
        }
        let surveys = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT s.case_id, s.attitude, s.speed, s.problem_solving, s.at
             FROM surveys s JOIN cases c ON c.id = s.case_id WHERE {in_period}"
        )))
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        for r in surveys {
            if let Some(&i) = index.get(&r.try_get::<i64, _>(0)?) {
                let score = |k: usize| -> Result<u8, DbError> {
                    Ok(u8::try_from(r.try_get::<i64, _>(k)?).unwrap_or(0))
                };
                cases[i].survey = Some(([score(1)?, score(2)?, score(3)?], time_at(&r, 4)?));
            }
        }
        let lines = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT cl.case_id, cl.quantity, l.line_json
             FROM case_lines cl JOIN cases c ON c.id = cl.case_id
             JOIN order_lines l ON l.order_number = c.order_number AND l.line_id = cl.line_id
             WHERE {in_period}"
        )))
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        for r in lines {
            let Some(&i) = index.get(&r.try_get::<i64, _>(0)?) else {
                continue;
            };
            let Ok(line) = serde_json::from_str::<Line>(&r.try_get::<String, _>(2)?) else {
                continue;
            };
            cases[i].lines.push(FactLine {
                sku: line.sku,
                category: line.category,
                quantity: u32::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0),
                delivered_at: line.delivered_at,
            });
        }
        // Units sold: every line of the orders placed in the period, summed per SKU.
        let sold_rows = sqlx::query(
            "SELECT l.line_json FROM order_lines l JOIN orders o ON o.number = l.order_number
             WHERE o.placed_at >= $1 AND o.placed_at < $2",
        )
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        let mut sold: BTreeMap<String, (String, u64)> = BTreeMap::new();
        for r in sold_rows {
            if let Ok(line) = serde_json::from_str::<Line>(&r.try_get::<String, _>(0)?) {
                let e = sold.entry(line.sku).or_insert((line.category, 0));
                e.1 += u64::from(line.quantity);
            }
        }
        let orders = sqlx::query(
            "SELECT email, COUNT(*) FROM orders WHERE placed_at >= $1 AND placed_at < $2
             GROUP BY email",
        )
        .bind(&from)
        .bind(&to)
        .fetch_all(self.pool())
        .await?;
        let returners: std::collections::HashSet<&str> =
            cases.iter().map(|c| c.shopper.as_str()).collect();
        let mut orders_by_shopper = BTreeMap::new();
        for r in orders {
            let email: String = r.try_get(0)?;
            if returners.contains(email.as_str()) {
                orders_by_shopper
                    .insert(email, u64::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0));
            }
        }
        let mut faq = [0u64; 2];
        for (i, kind) in ["faq_answered", "faq_escalated"].into_iter().enumerate() {
            let n: i64 =
                sqlx::query("SELECT COUNT(*) FROM events WHERE kind = $1 AND at >= $2 AND at < $3")
                    .bind(kind)
                    .bind(&from)
                    .bind(&to)
                    .fetch_one(self.pool())
                    .await?
                    .try_get(0)?;
            faq[i] = u64::try_from(n).unwrap_or(0);
        }
        let [faq_answered, faq_escalated] = faq;
        Ok(Facts {
            cases,
            sold: sold
                .into_iter()
                .map(|(sku, (category, units))| Sold {
                    sku,
                    category,
                    units,
                })
                .collect(),
            faq_answered,
            faq_escalated,
            orders_by_shopper,
        })
    }
}
