//! Webhooks: endpoints, the durable queue of deliveries (written in the transaction of the
//! change it reports) and the log of attempts.

use super::{random_hex, time_at, DbError, Store, WriteTx};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// The most endpoints a shop may have.
pub const MAX_WEBHOOKS: i64 = 20;

/// An endpoint as listed (never with its secret).
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Where events are posted.
    pub url: String,
    /// Added at.
    pub created_at: DateTime<Utc>,
    /// Deliveries waiting to be sent or retried.
    pub pending: i64,
    /// Deliveries answered with 2xx.
    pub delivered: i64,
    /// Deliveries given up after every retry.
    pub failed: i64,
}

/// A delivery due to be sent.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    /// Row id.
    pub id: i64,
    /// Endpoint.
    pub url: String,
    /// The endpoint's secret (`whsec_…`).
    pub secret: String,
    /// `webhook-id`: the same on every attempt.
    pub message_id: String,
    /// The JSON body.
    pub payload: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// When it was due (its lease is taken by moving this).
    pub next_attempt_at: String,
}

/// A delivery as the merchant reads it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Delivery {
    /// `webhook-id`.
    pub message_id: String,
    /// Endpoint id.
    pub webhook_id: i64,
    /// Event type (`case.created`, …).
    pub event: String,
    /// Made at.
    pub created_at: DateTime<Utc>,
    /// Attempts so far.
    pub attempts: i64,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// The last attempt's HTTP status, if it got one.
    pub last_status: Option<i64>,
    /// The last attempt's error, if any.
    pub last_error: Option<String>,
}

/// What became of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered 2xx.
    Delivered,
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// No more retries.
    GaveUp,
}

/// Queues `event` with `data` for every endpoint, inside the caller's transaction: it is sent
/// if and only if the change commits.
pub(crate) async fn enqueue(
    w: &mut WriteTx<'_>,
    event: &str,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    enqueue_many(w, vec![(event, data, now)]).await
}

/// Queues several events (each its type, data and time) for every endpoint in one statement.
pub(crate) async fn enqueue_many(
    w: &mut WriteTx<'_>,
    events: Vec<(&str, serde_json::Value, DateTime<Utc>)>,
) -> Result<(), DbError> {
    if events.is_empty() {
        return Ok(());
    }
    let mut insert = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO webhook_deliveries (webhook_id, message_id, event, payload, created_at,
                                         next_attempt_at)
         SELECT w.id, v.column1 || '_' || CAST(w.id AS TEXT), v.column2, v.column3, v.column4,
                v.column4
         FROM webhooks w CROSS JOIN (VALUES {}) AS v
         WHERE w.disabled_at IS NULL",
        super::placeholders(w.engine, events.len(), 4)
    )));
    for (event, data, now) in events {
        let payload = serde_json::json!({
            "type": event,
            "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "data": data,
        });
        insert = insert
            .bind(format!("msg_{}", random_hex(12)?))
            .bind(event.to_string())
            .bind(payload.to_string())
            .bind(now.to_rfc3339());
    }
    insert.execute(&mut *w.tx).await?;
    w.queued = true;
    Ok(())
}

impl Store {
    /// Adds an endpoint; answers its id and its secret (`whsec_` and 32 random bytes in
    /// base64), shown once — or `None` when there are [`MAX_WEBHOOKS`] already (every case
    /// event is written once per endpoint, so their number bounds the work of a request).
    pub async fn add_webhook(
        &self,
        url: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, String)>, DbError> {
        use base64::Engine as _;
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw)
            .map_err(|e| DbError(format!("the random number generator failed: {e}")))?;
        let secret = format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        );
        let mut w = self.write().await?;
        let row = sqlx::query(
            "INSERT INTO webhooks (url, secret, created_at)
             SELECT $1, $2, $3 WHERE (SELECT COUNT(*) FROM webhooks) < $4
             RETURNING id",
        )
        .bind(url)
        .bind(&secret)
        .bind(now.to_rfc3339())
        .bind(MAX_WEBHOOKS)
        .fetch_optional(&mut *w.tx)
        .await?;
        w.commit().await?;
        row.map(|r| Ok((r.try_get(0)?, secret.clone()))).transpose()
    }

    /// Removes an endpoint and its queue; `false` for an unknown id.
    pub async fn remove_webhook(&self, id: i64) -> Result<bool, DbError> {
        let mut w = self.write().await?;
        sqlx::query(
            "DELETE FROM webhook_attempts WHERE delivery_id IN
                (SELECT id FROM webhook_deliveries WHERE webhook_id = $1)",
        )
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let gone = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?
            .rows_affected()
            == 1;
        w.commit().await?;
        Ok(gone)
    }

    /// Every endpoint with its queue's counts.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, DbError> {
        let rows = sqlx::query(
            "SELECT w.id, w.url, w.created_at,
                    (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id
                       AND d.delivered_at IS NULL AND d.failed_at IS NULL),
                    (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id
                       AND d.delivered_at IS NOT NULL),
                    (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id
                       AND d.failed_at IS NOT NULL)
             FROM webhooks w WHERE w.disabled_at IS NULL ORDER BY w.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Webhook {
                    id: r.try_get(0)?,
                    url: r.try_get(1)?,
                    created_at: time_at(&r, 2)?,
                    pending: r.try_get(3)?,
                    delivered: r.try_get(4)?,
                    failed: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// The newest deliveries (of one endpoint, or all), at most `limit`, with their last
    /// attempt.
    pub async fn deliveries(
        &self,
        webhook_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Delivery>, DbError> {
        let rows = sqlx::query(
            "SELECT d.message_id, d.webhook_id, d.event, d.created_at, d.attempts,
                    CASE WHEN d.delivered_at IS NOT NULL THEN 'delivered'
                         WHEN d.failed_at IS NOT NULL THEN 'failed' ELSE 'pending' END,
                    a.status, a.error
             FROM webhook_deliveries d
             LEFT JOIN webhook_attempts a ON a.id =
                 (SELECT MAX(id) FROM webhook_attempts WHERE delivery_id = d.id)
             WHERE ($1 = 0 OR d.webhook_id = $1)
             ORDER BY d.id DESC LIMIT $2",
        )
        .bind(webhook_id.unwrap_or(0))
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Delivery {
                    message_id: r.try_get(0)?,
                    webhook_id: r.try_get(1)?,
                    event: r.try_get(2)?,
                    created_at: time_at(&r, 3)?,
                    attempts: r.try_get(4)?,
                    state: r.try_get(5)?,
                    last_status: r.try_get(6)?,
                    last_error: r.try_get(7)?,
                })
            })
            .collect()
    }

    /// Deliveries due at `now`, oldest first, at most `limit`, each leased until `lease_until`
    /// (its due time moved there), so another server process does not send it at the same
    /// time; a crash before the attempt is logged leaves it due again at `lease_until`.
    pub async fn take_due_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, DbError> {
        let rows = sqlx::query(
            "SELECT d.id, w.url, w.secret, d.message_id, d.payload, d.attempts, d.next_attempt_at
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= $1
             ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(now.to_rfc3339())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        let mut taken = Vec::with_capacity(rows.len());
        for r in rows {
            let due = DueDelivery {
                id: r.try_get(0)?,
                url: r.try_get(1)?,
                secret: r.try_get(2)?,
                message_id: r.try_get(3)?,
                payload: r.try_get(4)?,
                attempts: r.try_get(5)?,
                next_attempt_at: r.try_get(6)?,
            };
            let leased = sqlx::query(
                "UPDATE webhook_deliveries SET next_attempt_at = $3
                 WHERE id = $1 AND next_attempt_at = $2 AND delivered_at IS NULL",
            )
            .bind(due.id)
            .bind(&due.next_attempt_at)
            .bind(lease_until.to_rfc3339())
            .execute(self.pool())
            .await?
            .rows_affected()
                == 1;
            if leased {
                taken.push(due);
            }
        }
        Ok(taken)
    }

    /// Logs an attempt and moves its delivery on (delivered, retried later, or given up).
    pub async fn record_attempt(
        &self,
        delivery_id: i64,
        at: DateTime<Utc>,
        status: Option<u16>,
        error: Option<&str>,
        ms: u64,
        outcome: Outcome,
    ) -> Result<(), DbError> {
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, at, status, error, ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(delivery_id)
        .bind(at.to_rfc3339())
        .bind(status.map(i64::from))
        .bind(error)
        .bind(i64::try_from(ms).unwrap_or(i64::MAX))
        .execute(&mut *w.tx)
        .await?;
        let (delivered, failed, next) = match outcome {
            Outcome::Delivered => (Some(at.to_rfc3339()), None, at),
            Outcome::RetryAt(next) => (None, None, next),
            Outcome::GaveUp => (None, Some(at.to_rfc3339()), at),
        };
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = $2,
                    failed_at = $3, next_attempt_at = $4
             WHERE id = $1",
        )
        .bind(delivery_id)
        .bind(delivered)
        .bind(failed)
        .bind(next.to_rfc3339())
        .execute(&mut *w.tx)
        .await?;
        w.commit().await
    }
}
