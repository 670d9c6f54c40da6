//! After the case: reading a case with its timeline, moving it through core's lifecycle,
//! messages, surveys, self-service events and withdrawals.

use super::{maybe_time_at, normalise_email, time_at, Conflict, DbError, Store};
use aftersales_core::case::CaseKind;
use aftersales_core::commitment::DueTimes;
use aftersales_core::follow::{
    next_promise, shopper_moves, CaseMessage, CaseView, CaseViewLine, TimelineEntry,
};
use aftersales_core::lifecycle::{Actor, Lifecycle, Status, Transition};
use aftersales_core::order::Line;
use aftersales_core::survey::Survey;
use aftersales_core::withdrawal::{WithdrawableLine, WithdrawalReceipt};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A stored case's head.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    /// Row id.
    pub id: i64,
    /// Public id.
    pub tracking_number: String,
    /// Type.
    pub kind: CaseKind,
    /// Current status.
    pub status: Status,
    /// The order.
    pub order_number: String,
    /// The order's e-mail (normalised), for access checks only; never sent to a shopper.
    pub order_email: String,
    /// Where the shopper wants to hear from the shop.
    pub contact_email: Option<String>,
    /// Submitted at.
    pub created_at: DateTime<Utc>,
    /// The promises.
    pub due: DueTimes,
    /// Flagged for a personal follow-up.
    pub follow_up: bool,
    /// The staff member handling it.
    pub assignee: Option<String>,
}

/// A case as the merchant lists it.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct MerchantCase {
    /// Public id.
    pub tracking_number: String,
    /// Type.
    pub kind: CaseKind,
    /// Status.
    pub status: Status,
    /// The order.
    pub order_number: String,
    /// Submitted at.
    pub created_at: DateTime<Utc>,
    /// First answer due.
    pub respond_by: DateTime<Utc>,
    /// Resolution due.
    pub resolve_by: Option<DateTime<Utc>>,
    /// Flagged for a personal follow-up.
    pub follow_up: bool,
    /// Whether a person must look (a review rule).
    pub needs_review: bool,
    /// The staff member handling it.
    pub assignee: Option<String>,
}

pub(super) fn kind_of(code: &str) -> Result<CaseKind, DbError> {
    serde_json::from_value(serde_json::Value::String(code.to_string()))
        .map_err(|e| DbError(format!("unknown case kind {code:?}: {e}")))
}

pub(super) fn status_of(code: &str) -> Result<Status, DbError> {
    Status::from_code(code).ok_or_else(|| DbError(format!("unknown status {code:?}")))
}

pub(super) fn actor_of(code: &str) -> Result<Actor, DbError> {
    [Actor::Shopper, Actor::Merchant, Actor::System]
        .into_iter()
        .find(|a| a.code() == code)
        .ok_or_else(|| DbError(format!("unknown actor {code:?}")))
}

/// A case's moves after its submission (the event without a `from`), with their notes.
async fn lifecycle(
    conn: &mut sqlx::AnyConnection,
    case: &CaseRecord,
) -> Result<(Lifecycle, Vec<String>), DbError> {
    let rows = sqlx::query(
        "SELECT from_status, to_status, actor, at, COALESCE(note, '') FROM case_events
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(case.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut life = Lifecycle::new(case.created_at);
    let mut notes = Vec::new();
    for r in rows {
        let Some(from) = r.try_get::<Option<String>, _>(0)? else {
            continue;
        };
        life.history.push(Transition {
            from: status_of(&from)?,
            to: status_of(&r.try_get::<String, _>(1)?)?,
            by: actor_of(&r.try_get::<String, _>(2)?)?,
            at: time_at(&r, 3)?,
        });
        notes.push(r.try_get(4)?);
    }
    Ok((life, notes))
}

impl Store {
    /// The case with this tracking number (canonical form), if any.
    pub async fn find_case(&self, tracking_number: &str) -> Result<Option<CaseRecord>, DbError> {
        let row = sqlx::query(
            "SELECT c.id, c.tracking_number, c.kind, c.status, c.order_number, o.email,
                    c.contact_email, c.created_at, c.respond_by, c.resolve_by, c.follow_up,
                    c.assignee
             FROM cases c JOIN orders o ON o.number = c.order_number
             WHERE c.tracking_number = $1",
        )
        .bind(tracking_number)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(CaseRecord {
            id: r.try_get(0)?,
            tracking_number: r.try_get(1)?,
            kind: kind_of(&r.try_get::<String, _>(2)?)?,
            status: status_of(&r.try_get::<String, _>(3)?)?,
            order_number: r.try_get(4)?,
            order_email: r.try_get(5)?,
            contact_email: r.try_get(6)?,
            created_at: time_at(&r, 7)?,
            due: DueTimes {
                respond_by: time_at(&r, 8)?,
                resolve_by: maybe_time_at(&r, 9)?,
            },
            follow_up: r.try_get::<i64, _>(10)? != 0,
            assignee: r.try_get(11)?,
        }))
    }

    /// Whether `email` is the case's order e-mail.
    pub fn email_matches(case: &CaseRecord, email: &str) -> bool {
        case.order_email == normalise_email(email)
    }

    /// The case as its shopper follows it, at `now`.
    pub async fn case_view(
        &self,
        case: &CaseRecord,
        now: DateTime<Utc>,
    ) -> Result<CaseView, DbError> {
        let mut conn = self.pool().acquire().await?;
        let (life, notes) = lifecycle(&mut conn, case).await?;
        let mut timeline = vec![TimelineEntry {
            status: Status::Submitted,
            by: Actor::Shopper,
            at: case.created_at,
            note: String::new(),
        }];
        timeline.extend(
            life.history
                .iter()
                .zip(notes)
                .map(|(t, note)| TimelineEntry {
                    status: t.to,
                    by: t.by,
                    at: t.at,
                    note,
                }),
        );
        let rows = sqlx::query(
            "SELECT l.line_json, cl.quantity FROM case_lines cl
             JOIN order_lines l ON l.order_number = $2 AND l.line_id = cl.line_id
             WHERE cl.case_id = $1 ORDER BY l.position",
        )
        .bind(case.id)
        .bind(&case.order_number)
        .fetch_all(&mut *conn)
        .await?;
        let lines = rows
            .into_iter()
            .map(|r| {
                let line: Line = serde_json::from_str(&r.try_get::<String, _>(0)?)
                    .map_err(|e| DbError(format!("stored line is unreadable: {e}")))?;
                Ok(CaseViewLine {
                    title: line.title,
                    variant: line.variant,
                    quantity: u32::try_from(r.try_get::<i64, _>(1)?.max(0)).unwrap_or(u32::MAX),
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let rows = sqlx::query(
            "SELECT author, body, at FROM case_messages WHERE case_id = $1 ORDER BY id LIMIT 200",
        )
        .bind(case.id)
        .fetch_all(&mut *conn)
        .await?;
        let messages = rows
            .into_iter()
            .map(|r| {
                Ok(CaseMessage {
                    by: actor_of(&r.try_get::<String, _>(0)?)?,
                    body: r.try_get(1)?,
                    at: time_at(&r, 2)?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let survey = survey(&mut conn, case.id).await?;
        let answered = life.first_response().is_some();
        Ok(CaseView {
            tracking_number: case.tracking_number.clone(),
            kind: case.kind,
            order_number: case.order_number.clone(),
            status: case.status,
            lines,
            timeline,
            messages,
            promise: next_promise(case.status, answered, case.created_at, case.due, now),
            moves: shopper_moves(case.status, survey.is_some()),
            survey,
            follow_up: case.follow_up,
            link_token: String::new(),
            server_time: now,
        })
    }

    /// Moves a case through core's lifecycle, in one write transaction with its event: the move
    /// is refused with the lifecycle's reason when it is not allowed from the case's status now
    /// (read inside the transaction, so two moves cannot both pass). A move that ends the
    /// case's claim (rejected, withdrawn) gives its units back to their lines; one that renews
    /// it (reopened) takes them again, and is refused if they were claimed meanwhile.
    ///
    /// # Errors
    /// `Ok(Err(reason))` for a refused move; `Err` for a database failure.
    pub async fn move_case(
        &self,
        case: &CaseRecord,
        to: Status,
        by: Actor,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<Result<Status, String>, DbError> {
        let mut w = self.write().await?;
        let (mut life, _) = lifecycle(&mut w.tx, case).await?;
        let row = sqlx::query("SELECT status, holds_claim FROM cases WHERE id = $1")
            .bind(case.id)
            .fetch_one(&mut *w.tx)
            .await?;
        let stored = status_of(&row.try_get::<String, _>(0)?)?;
        let held = row.try_get::<i64, _>(1)? != 0;
        if stored != life.status() {
            return Err(DbError(format!(
                "case {}: status {} does not match its history",
                case.tracking_number,
                stored.code()
            )));
        }
        if let Err(e) = life.apply(to, by, at) {
            return Ok(Err(e.to_string()));
        }
        let holds = case.kind.claims_units() && life.holds_claim();
        if held && !holds {
            super::release(&mut w, case.id).await?;
        } else if holds && !held {
            let lines = sqlx::query("SELECT line_id, quantity FROM case_lines WHERE case_id = $1")
                .bind(case.id)
                .fetch_all(&mut *w.tx)
                .await?;
            for l in lines {
                let line_id: String = l.try_get(0)?;
                if !super::claim(&mut w, &case.order_number, &line_id, l.try_get(1)?).await? {
                    return Ok(Err(
                        "its items were claimed by another request meanwhile".into()
                    ));
                }
            }
        }
        let changed = sqlx::query(
            "UPDATE cases SET status = $2, holds_claim = $3 WHERE id = $1 AND status = $4",
        )
        .bind(case.id)
        .bind(to.code())
        .bind(i64::from(holds))
        .bind(stored.code())
        .execute(&mut *w.tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(Err("the case moved meanwhile; read it again".into()));
        }
        sqlx::query(
            "INSERT INTO case_events (case_id, from_status, to_status, actor, at, note)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(case.id)
        .bind(stored.code())
        .bind(to.code())
        .bind(by.code())
        .bind(at.to_rfc3339())
        .bind(note)
        .execute(&mut *w.tx)
        .await?;
        let data = serde_json::json!({
            "tracking_number": case.tracking_number, "order_number": case.order_number,
            "kind": case.kind.code(), "from": stored.code(), "to": to.code(), "by": by.code(),
            "note": note, "at": at,
        });
        super::enqueue(&mut w, "case.status_changed", data, at).await?;
        w.commit().await?;
        Ok(Ok(to))
    }

    /// Adds a message to a case's conversation.
    pub async fn add_message(
        &self,
        case: &CaseRecord,
        by: Actor,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO case_messages (case_id, author, body, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(case.id)
        .bind(by.code())
        .bind(body)
        .bind(at.to_rfc3339())
        .execute(&mut *w.tx)
        .await?;
        let data = serde_json::json!({
            "tracking_number": case.tracking_number, "order_number": case.order_number,
            "by": by.code(), "body": body, "at": at,
        });
        super::enqueue(&mut w, "case.message_added", data, at).await?;
        w.commit().await
    }

    /// Stores a case's survey and flags the case for follow-up when core says so; `false` when
    /// the case already has one.
    pub async fn insert_survey(
        &self,
        case: &CaseRecord,
        survey: &Survey,
        at: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let mut w = self.write().await?;
        let [a, s, p] = survey.scores();
        let inserted = sqlx::query(
            "INSERT INTO surveys (case_id, attitude, speed, problem_solving, comment, at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT(case_id) DO NOTHING",
        )
        .bind(case.id)
        .bind(i64::from(a))
        .bind(i64::from(s))
        .bind(i64::from(p))
        .bind(survey.comment.trim())
        .bind(at.to_rfc3339())
        .execute(&mut *w.tx)
        .await?
        .rows_affected()
            == 1;
        if inserted && survey.needs_follow_up() {
            sqlx::query("UPDATE cases SET follow_up = 1 WHERE id = $1")
                .bind(case.id)
                .execute(&mut *w.tx)
                .await?;
        }
        if inserted {
            let data = serde_json::json!({
                "tracking_number": case.tracking_number, "order_number": case.order_number,
                "attitude": a, "speed": s, "problem_solving": p,
                "comment": survey.comment.trim(), "follow_up": survey.needs_follow_up(), "at": at,
            });
            super::enqueue(&mut w, "case.survey_submitted", data, at).await?;
        }
        w.commit().await?;
        Ok(inserted)
    }

    /// Records a self-service event (`faq_answered`, `faq_escalated`).
    pub async fn record_event(
        &self,
        kind: &str,
        article: Option<&str>,
        query: &str,
        lang: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO events (kind, article, query, lang, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(kind)
        .bind(article)
        .bind(query)
        .bind(lang)
        .bind(at.to_rfc3339())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Number of events of a kind (for tests and reports).
    pub async fn event_count(&self, kind: &str) -> Result<i64, DbError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM events WHERE kind = $1")
            .bind(kind)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?)
    }

    /// Stores a withdrawal and claims its units, in one write transaction (each line's claim a
    /// conditional update, as a case's).
    ///
    /// # Errors
    /// `Ok(Err(conflict))` when another request claimed the units meanwhile.
    pub async fn insert_withdrawal(
        &self,
        receipt: &WithdrawalReceipt,
        lines: &[WithdrawableLine],
    ) -> Result<Result<(), Conflict>, DbError> {
        let mut w = self.write().await?;
        for l in lines {
            if !super::claim(
                &mut w,
                &receipt.order_number,
                &l.line_id,
                i64::from(l.units),
            )
            .await?
            {
                return Ok(Err(Conflict::Claimed {
                    line_id: l.line_id.clone(),
                }));
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO withdrawals (reference, order_number, name, confirm_to, received_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&receipt.reference)
        .bind(&receipt.order_number)
        .bind(&receipt.name)
        .bind(normalise_email(&receipt.confirm_to))
        .bind(receipt.received_at.to_rfc3339())
        .fetch_one(&mut *w.tx)
        .await?
        .try_get(0)?;
        for l in lines {
            sqlx::query(
                "INSERT INTO withdrawal_lines (withdrawal_id, line_id, quantity) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&l.line_id)
            .bind(i64::from(l.units))
            .execute(&mut *w.tx)
            .await?;
        }
        let data = serde_json::json!({
            "reference": receipt.reference, "order_number": receipt.order_number,
            "lines": lines.iter().map(|l| serde_json::json!({"line_id": l.line_id, "quantity": l.units}))
                .collect::<Vec<_>>(),
            "received_at": receipt.received_at,
        });
        super::enqueue(&mut w, "withdrawal.received", data, receipt.received_at).await?;
        w.commit().await?;
        Ok(Ok(()))
    }

    /// The server's link-signing key: made from the operating system's randomness on first
    /// use and kept, so links stay valid across restarts (the first of several processes to
    /// make it wins; the others read it).
    pub async fn link_key(&self) -> Result<[u8; 32], DbError> {
        let read = || async {
            let row = sqlx::query("SELECT value FROM settings WHERE key = 'link_key'")
                .fetch_optional(self.pool())
                .await?;
            let value: Option<Vec<u8>> = row.map(|r| r.try_get(0)).transpose()?;
            Ok::<_, DbError>(value.and_then(|v| <[u8; 32]>::try_from(v).ok()))
        };
        if let Some(key) = read().await? {
            return Ok(key);
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| DbError(format!("the random number generator failed: {e}")))?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('link_key', $1) ON CONFLICT(key) DO NOTHING",
        )
        .bind(key.to_vec())
        .execute(self.pool())
        .await?;
        read()
            .await?
            .ok_or_else(|| DbError("the link key was not stored".into()))
    }
}

async fn survey(conn: &mut sqlx::AnyConnection, case_id: i64) -> Result<Option<Survey>, DbError> {
    let row = sqlx::query(
        "SELECT attitude, speed, problem_solving, comment FROM surveys WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let v = serde_json::json!({
        "attitude": r.try_get::<i64, _>(0)?, "speed": r.try_get::<i64, _>(1)?,
        "problem_solving": r.try_get::<i64, _>(2)?, "comment": r.try_get::<String, _>(3)?,
    });
    serde_json::from_value(v)
        .map(Some)
        .map_err(|e| DbError(format!("stored survey: {e}")))
}
