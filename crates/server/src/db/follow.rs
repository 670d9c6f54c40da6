//! After the case: reading a case with its timeline, moving it through core's lifecycle,
//! messages, surveys, self-service events and withdrawals.

use super::{normalise_email, parse_time, DbError, Store};
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
use rusqlite::{params, OptionalExtension};

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
}

pub(super) fn kind_of(code: &str) -> Result<CaseKind, DbError> {
    serde_json::from_value(serde_json::Value::String(code.to_string()))
        .map_err(|e| DbError(format!("unknown case kind {code:?}: {e}")))
}

pub(super) fn status_of(code: &str) -> Result<Status, DbError> {
    Status::from_code(code).ok_or_else(|| DbError(format!("unknown status {code:?}")))
}

fn actor_of(code: &str) -> Result<Actor, DbError> {
    [Actor::Shopper, Actor::Merchant, Actor::System]
        .into_iter()
        .find(|a| a.code() == code)
        .ok_or_else(|| DbError(format!("unknown actor {code:?}")))
}

impl Store {
    /// The case with this tracking number (canonical form), if any.
    pub fn find_case(&self, tracking_number: &str) -> Result<Option<CaseRecord>, DbError> {
        let row = self
            .conn
            .query_row(
                "SELECT c.id, c.tracking_number, c.kind, c.status, c.order_number, o.email,
                        c.contact_email, c.created_at, c.respond_by, c.resolve_by, c.follow_up
                 FROM cases c JOIN orders o ON o.number = c.order_number
                 WHERE c.tracking_number = ?1",
                [tracking_number],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                        r.get::<_, Option<String>>(9)?,
                        r.get::<_, bool>(10)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, tn, kind, status, order, email, contact, created, respond, resolve, fu)) =
            row
        else {
            return Ok(None);
        };
        Ok(Some(CaseRecord {
            id,
            tracking_number: tn,
            kind: kind_of(&kind)?,
            status: status_of(&status)?,
            order_number: order,
            order_email: email,
            contact_email: contact,
            created_at: parse_time(&created)?,
            due: DueTimes {
                respond_by: parse_time(&respond)?,
                resolve_by: resolve.as_deref().map(parse_time).transpose()?,
            },
            follow_up: fu,
        }))
    }

    /// Whether `email` is the case's order e-mail.
    pub fn email_matches(case: &CaseRecord, email: &str) -> bool {
        case.order_email == normalise_email(email)
    }

    fn lifecycle(&self, case: &CaseRecord) -> Result<(Lifecycle, Vec<String>), DbError> {
        let mut stmt = self.conn.prepare(
            "SELECT from_status, to_status, actor, at, COALESCE(note, '') FROM case_events
             WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([case.id], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut life = Lifecycle::new(case.created_at);
        let mut notes = Vec::new();
        for (from, to, actor, at, note) in rows {
            // The submission itself is the event without a `from`.
            let Some(from) = from else { continue };
            life.history.push(Transition {
                from: status_of(&from)?,
                to: status_of(&to)?,
                by: actor_of(&actor)?,
                at: parse_time(&at)?,
            });
            notes.push(note);
        }
        Ok((life, notes))
    }

    /// The case as its shopper follows it, at `now`.
    pub fn case_view(&self, case: &CaseRecord, now: DateTime<Utc>) -> Result<CaseView, DbError> {
        let (life, notes) = self.lifecycle(case)?;
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
        let mut stmt = self.conn.prepare(
            "SELECT l.line_json, cl.quantity FROM case_lines cl
             JOIN order_lines l ON l.order_number = ?2 AND l.line_id = cl.line_id
             WHERE cl.case_id = ?1 ORDER BY l.position",
        )?;
        let lines = stmt
            .query_map(params![case.id, case.order_number], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(|(json, qty)| {
                let line: Line = serde_json::from_str(&json)
                    .map_err(|e| DbError(format!("stored line is unreadable: {e}")))?;
                Ok(CaseViewLine {
                    title: line.title,
                    variant: line.variant,
                    quantity: u32::try_from(qty.max(0)).unwrap_or(u32::MAX),
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT author, body, at FROM case_messages WHERE case_id = ?1 ORDER BY id LIMIT 200",
        )?;
        let messages = stmt
            .query_map([case.id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(|(by, body, at)| {
                Ok(CaseMessage {
                    by: actor_of(&by)?,
                    body,
                    at: parse_time(&at)?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let survey = self.survey(case.id)?;
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

    fn survey(&self, case_id: i64) -> Result<Option<Survey>, DbError> {
        let row = self
            .conn
            .query_row(
                "SELECT attitude, speed, problem_solving, comment FROM surveys WHERE case_id = ?1",
                [case_id],
                |r| {
                    Ok(serde_json::json!({
                        "attitude": r.get::<_, u8>(0)?, "speed": r.get::<_, u8>(1)?,
                        "problem_solving": r.get::<_, u8>(2)?, "comment": r.get::<_, String>(3)?,
                    }))
                },
            )
            .optional()?;
        row.map(|v| serde_json::from_value(v).map_err(|e| DbError(format!("stored survey: {e}"))))
            .transpose()
    }

    /// Moves a case through core's lifecycle, in one transaction with its event: the move is
    /// refused with the lifecycle's reason when it is not allowed from the case's status now
    /// (read inside the transaction, so two moves cannot both pass).
    ///
    /// # Errors
    /// `Ok(Err(reason))` for a refused move; `Err` for a database failure.
    pub fn move_case(
        &mut self,
        case: &CaseRecord,
        to: Status,
        by: Actor,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<Result<Status, String>, DbError> {
        let (mut life, _) = self.lifecycle(case)?;
        let stored = status_of(&self.conn.query_row(
            "SELECT status FROM cases WHERE id = ?1",
            [case.id],
            |r| r.get::<_, String>(0),
        )?)?;
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
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE cases SET status = ?2, holds_claim = ?3 WHERE id = ?1 AND status = ?4",
            params![
                case.id,
                to.code(),
                case.kind.claims_units() && life.holds_claim(),
                stored.code()
            ],
        )?;
        if changed == 0 {
            return Ok(Err("the case moved meanwhile; read it again".into()));
        }
        tx.execute(
            "INSERT INTO case_events (case_id, from_status, to_status, actor, at, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                case.id,
                stored.code(),
                to.code(),
                by.code(),
                at.to_rfc3339(),
                note
            ],
        )?;
        tx.commit()?;
        Ok(Ok(to))
    }

    /// Adds a message to a case's conversation.
    pub fn add_message(
        &mut self,
        case: &CaseRecord,
        by: Actor,
        body: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.conn.execute(
            "INSERT INTO case_messages (case_id, author, body, at) VALUES (?1, ?2, ?3, ?4)",
            params![case.id, by.code(), body, at.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Stores a case's survey and flags the case for follow-up when core says so; `false` when
    /// the case already has one.
    pub fn insert_survey(
        &mut self,
        case: &CaseRecord,
        survey: &Survey,
        at: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let tx = self.conn.transaction()?;
        let [a, s, p] = survey.scores();
        let inserted = tx.execute(
            "INSERT INTO surveys (case_id, attitude, speed, problem_solving, comment, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(case_id) DO NOTHING",
            params![case.id, a, s, p, survey.comment.trim(), at.to_rfc3339()],
        )?;
        if inserted == 1 && survey.needs_follow_up() {
            tx.execute("UPDATE cases SET follow_up = 1 WHERE id = ?1", [case.id])?;
        }
        tx.commit()?;
        Ok(inserted == 1)
    }

    /// Records a self-service event (`faq_answered`, `faq_escalated`).
    pub fn record_event(
        &mut self,
        kind: &str,
        article: Option<&str>,
        query: &str,
        lang: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.conn.execute(
            "INSERT INTO events (kind, article, query, lang, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind, article, query, lang, at.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Number of events of a kind (for tests and reports).
    pub fn event_count(&self, kind: &str) -> Result<i64, DbError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM events WHERE kind = ?1", [kind], |r| {
                r.get(0)
            })?)
    }

    /// Stores a withdrawal and claims its units, in one transaction.
    pub fn insert_withdrawal(
        &mut self,
        receipt: &WithdrawalReceipt,
        lines: &[WithdrawableLine],
    ) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO withdrawals (reference, order_number, name, confirm_to, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                receipt.reference,
                receipt.order_number,
                receipt.name,
                normalise_email(&receipt.confirm_to),
                receipt.received_at.to_rfc3339()
            ],
        )?;
        let id = tx.last_insert_rowid();
        for l in lines {
            tx.execute(
                "INSERT INTO withdrawal_lines (withdrawal_id, line_id, quantity) VALUES (?1, ?2, ?3)",
                params![id, l.line_id, l.units],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The server's link-signing key: made from the operating system's randomness on first
    /// use and kept, so links stay valid across restarts.
    pub fn link_key(&mut self) -> Result<[u8; 32], DbError> {
        let stored: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'link_key'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(key) = stored.and_then(|v| <[u8; 32]>::try_from(v).ok()) {
            return Ok(key);
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| DbError(format!("the random number generator failed: {e}")))?;
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES ('link_key', ?1)
             ON CONFLICT(key) DO UPDATE SET value = ?1",
            [key.as_slice()],
        )?;
        Ok(key)
    }
}
