//! SQLite storage: orders (the shop's snapshot) and cases (what shoppers submit).

use aftersales_core::api::{Channel, Contact, OpenCase, OpenLine};
use aftersales_core::case::{AcceptedCase, CaseKind, EvidenceKind};
use aftersales_core::commitment::DueTimes;
use aftersales_core::lifecycle::{Actor, Lifecycle, Status};
use aftersales_core::money::Currency;
use aftersales_core::order::{Line, Order};
use aftersales_core::tracking::TrackingNumber;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE orders (
    number           TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    placed_at        TEXT NOT NULL,
    currency         TEXT NOT NULL,
    shipping_country TEXT
);
-- A line is stored as the JSON of its snapshot (aftersales_core::order::Line); the claimed
-- quantity is never stored, it is summed from the cases when the order is read.
CREATE TABLE order_lines (
    order_number TEXT NOT NULL REFERENCES orders(number) ON DELETE CASCADE,
    line_id      TEXT NOT NULL,
    position     INTEGER NOT NULL,
    line_json    TEXT NOT NULL,
    PRIMARY KEY (order_number, line_id)
);
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    tracking_number TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    holds_claim     INTEGER NOT NULL DEFAULT 1,
    order_number    TEXT NOT NULL,
    resolution      TEXT,
    reason          TEXT,
    refund_minor    INTEGER,
    currency        TEXT NOT NULL,
    needs_review    INTEGER NOT NULL DEFAULT 0,
    draft_json      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    respond_by      TEXT NOT NULL,
    resolve_by      TEXT
);
CREATE TABLE case_lines (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    line_id  TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (case_id, line_id)
);
CREATE TABLE case_events (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX cases_by_order ON cases(order_number);
CREATE INDEX case_lines_by_line ON case_lines(line_id);
"#,
    // 2: only cases that take units off a line hold a claim (core's CaseKind::claims_units): a
    // question or complaint naming an item, or a repair, never blocked its return.
    r#"
UPDATE cases SET holds_claim = 0 WHERE kind IN ('repair', 'question', 'complaint');
"#,
    // 3: how to reach the shopper, and the request's idempotency key with the receipt it got,
    // so a repeated submission is answered with the first case.
    r#"
ALTER TABLE cases ADD COLUMN contact_email TEXT;
ALTER TABLE cases ADD COLUMN contact_phone TEXT;
ALTER TABLE cases ADD COLUMN contact_channel TEXT;
ALTER TABLE cases ADD COLUMN idempotency_key TEXT;
ALTER TABLE cases ADD COLUMN receipt_json TEXT;
CREATE UNIQUE INDEX cases_by_idempotency_key ON cases(order_number, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
"#,
    // 4: photos attached to cases, stored re-encoded (crate::evidence), tied to their order
    // when uploaded and to their case when it is submitted.
    r#"
CREATE TABLE evidence (
    id           TEXT PRIMARY KEY,
    order_number TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    case_id      INTEGER REFERENCES cases(id) ON DELETE SET NULL
);
CREATE INDEX evidence_by_order ON evidence(order_number);
"#,
    // 5: the variant an exchange asks for instead, per line.
    r#"
ALTER TABLE case_lines ADD COLUMN exchange_sku TEXT;
"#,
    // 6: after the case: notes on moves, messages, surveys and follow-ups, self-service
    // events, withdrawals (which claim their units like a return), merchant API tokens
    // (hashed), and the server's own settings (the link-signing key).
    r#"
ALTER TABLE case_events ADD COLUMN note TEXT;
ALTER TABLE cases ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0;
CREATE TABLE case_messages (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    author  TEXT NOT NULL,
    body    TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE TABLE surveys (
    case_id         INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    attitude        INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    speed           INTEGER NOT NULL CHECK (speed BETWEEN 1 AND 5),
    problem_solving INTEGER NOT NULL CHECK (problem_solving BETWEEN 1 AND 5),
    comment         TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    article TEXT,
    query   TEXT,
    lang    TEXT,
    at      TEXT NOT NULL
);
CREATE TABLE withdrawals (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    order_number TEXT NOT NULL,
    name         TEXT NOT NULL,
    confirm_to   TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
CREATE TABLE withdrawal_lines (
    withdrawal_id INTEGER NOT NULL REFERENCES withdrawals(id) ON DELETE CASCADE,
    line_id       TEXT NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (withdrawal_id, line_id)
);
CREATE INDEX withdrawals_by_order ON withdrawals(order_number);
CREATE TABLE merchant_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
"#,
    // 7: the Idempotency-Key draft: what the first request with a key asked for (a hash of
    // its body, so a different body under the same key is refused), and each photo's hash as
    // uploaded (a retried upload gets the first photo back).
    r#"
ALTER TABLE cases ADD COLUMN request_hash TEXT;
ALTER TABLE evidence ADD COLUMN upload_sha256 TEXT;
CREATE INDEX evidence_by_upload ON evidence(order_number, upload_sha256);
"#,
];

mod follow;
mod merchant;
pub use follow::{CaseRecord, MerchantCase};
pub use merchant::{CaseFilter, TokenScope};

/// An error from the database, with the operation that failed.
#[derive(Debug)]
pub struct DbError(pub String);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "database error: {}", self.0)
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError(e.to_string())
    }
}

/// A stored case, as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    /// Public id.
    pub tracking_number: TrackingNumber,
    /// Current status.
    pub status: Status,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
    /// When the shop promised to answer and to resolve it.
    pub due: DueTimes,
}

/// A stored photo as `POST /v1/evidence` answers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct StoredPhoto {
    /// Its id (`ph_…`), for the case's evidence.
    pub id: String,
    /// SHA-256 of the stored JPEG.
    pub sha256: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the stored JPEG.
    pub bytes: usize,
}

/// What the first request with an idempotency key got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// Its receipt, as JSON.
    pub receipt: String,
    /// The hash of its body (none for cases stored before hashes were kept).
    pub request_hash: Option<String>,
}

/// The database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, DbError> {
        let conn = Connection::open(path)
            .map_err(|e| DbError(format!("cannot open {}: {e}", path.display())))?;
        Store::init(conn)
    }

    /// An in-memory database, for tests.
    pub fn in_memory() -> Result<Store, DbError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, DbError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // WAL lets readers (a merchant's `sqlite3` session, the tests) look while we write.
        let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), DbError> {
        let done: usize = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if done > MIGRATIONS.len() {
            return Err(DbError(format!(
                "the database schema is version {done}, newer than this server ({}); upgrade the server",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Inserts or replaces an order and its lines (cases are kept). The snapshot is checked
    /// first ([`Order::validate`]): nothing stored can make an order unreadable or a refund
    /// wrong.
    pub fn upsert_order(&mut self, order: &Order, email: &str) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        put_order(&tx, order, email)?;
        tx.commit()?;
        Ok(())
    }

    /// Imports orders in one transaction (all or none): each is inserted or replaces the order
    /// with its number (its cases are kept). Answers how many were added and how many updated.
    pub fn import_orders(
        &mut self,
        records: &[crate::orders::OrderRecord],
    ) -> Result<(usize, usize), DbError> {
        let tx = self.conn.transaction()?;
        let mut created = 0;
        for r in records {
            let existed: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM orders WHERE number = ?1)",
                [&r.order.number],
                |row| row.get(0),
            )?;
            put_order(&tx, &r.order, &r.email)?;
            created += usize::from(!existed);
        }
        tx.commit()?;
        Ok((created, records.len() - created))
    }

    /// The order with this number and e-mail (case-insensitive), with claimed quantities
    /// filled in from earlier cases. `None` when either does not match.
    pub fn find_order(&self, number: &str, email: &str) -> Result<Option<Order>, DbError> {
        self.load_order(number, Some(email))
    }

    /// The order with this number, when the caller proved access another way (a signed
    /// link, a case found by its tracking number and e-mail).
    pub fn find_order_verified(&self, number: &str) -> Result<Option<Order>, DbError> {
        self.load_order(number, None)
    }

    /// The e-mail an order was placed with (normalised), for messages; never for a shopper.
    pub fn order_email(&self, number: &str) -> Result<Option<String>, DbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT email FROM orders WHERE number = ?1",
                [number],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn load_order(&self, number: &str, email: Option<&str>) -> Result<Option<Order>, DbError> {
        let head = self
            .conn
            .query_row(
                "SELECT placed_at, currency, shipping_country FROM orders
                 WHERE number = ?1 AND (?2 IS NULL OR email = ?2)",
                params![number, email.map(normalise_email)],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((placed_at, currency, shipping_country)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT l.line_json,
                    COALESCE((SELECT SUM(cl.quantity) FROM case_lines cl JOIN cases c ON c.id = cl.case_id
                              WHERE c.order_number = l.order_number AND cl.line_id = l.line_id
                                AND c.holds_claim = 1), 0)
                  + COALESCE((SELECT SUM(wl.quantity) FROM withdrawal_lines wl
                              JOIN withdrawals w ON w.id = wl.withdrawal_id
                              WHERE w.order_number = l.order_number AND wl.line_id = l.line_id), 0)
             FROM order_lines l WHERE l.order_number = ?1 ORDER BY l.position",
        )?;
        let rows = stmt
            .query_map([number], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut lines = Vec::with_capacity(rows.len());
        for (json, claimed) in rows {
            let line: Line = serde_json::from_str(&json)
                .map_err(|e| DbError(format!("order {number}: stored line is unreadable: {e}")))?;
            // Whatever was stored, the claim reads as 0 to the units ordered: no sum of old
            // rows can make an order unreadable.
            let claimed = u32::try_from(claimed.max(0))
                .unwrap_or(u32::MAX)
                .min(line.quantity);
            lines.push(Line {
                quantity_claimed: claimed,
                ..line
            });
        }
        Ok(Some(Order {
            number: number.to_string(),
            placed_at: parse_time(&placed_at)?,
            currency: Currency::new(&currency).map_err(|e| DbError(e.to_string()))?,
            shipping_country,
            lines,
        }))
    }

    /// The first request with this idempotency key on this order: the receipt it got and the
    /// hash of its body (none for cases stored before hashes were kept).
    pub fn replay(&self, order_number: &str, key: &str) -> Result<Option<Replay>, DbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT receipt_json, request_hash FROM cases
                 WHERE order_number = ?1 AND idempotency_key = ?2",
                params![order_number, key],
                |r| {
                    Ok(r.get::<_, Option<String>>(0)?.map(|receipt| Replay {
                        receipt,
                        request_hash: r.get(1).unwrap_or_default(),
                    }))
                },
            )
            .optional()?
            .flatten())
    }

    /// Stores an accepted case with its lines, its first event, how to reach the shopper, the
    /// request's idempotency key and the receipt `receipt` makes of it (kept to answer a
    /// repeated request), in one transaction. The tracking number comes from `mint`, called
    /// again in the unlikely event of a collision.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_case(
        &mut self,
        order: &Order,
        accepted: &AcceptedCase,
        contact: &Contact,
        idempotency: Option<(&str, &str)>,
        due: DueTimes,
        now: DateTime<Utc>,
        mut mint: impl FnMut() -> Result<TrackingNumber, DbError>,
        receipt: impl Fn(&StoredCase) -> String,
    ) -> Result<StoredCase, DbError> {
        let draft = &accepted.draft;
        let mut lifecycle = Lifecycle::new(now);
        if accepted.needs_review {
            lifecycle
                .apply(Status::UnderReview, Actor::System, now)
                .map_err(|e| DbError(e.to_string()))?;
        }
        let status = lifecycle.status();
        let draft_json = serde_json::to_string(draft).map_err(|e| DbError(e.to_string()))?;
        let tx = self.conn.transaction()?;
        for _ in 0..5 {
            let tracking_number = mint()?;
            let inserted = tx.execute(
                "INSERT INTO cases (tracking_number, kind, status, order_number, resolution, reason,
                 refund_minor, currency, needs_review, draft_json, created_at, respond_by, resolve_by,
                 holds_claim)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT(tracking_number) DO NOTHING",
                params![
                    tracking_number.as_str(),
                    draft.case_type.kind().code(),
                    status.code(),
                    order.number,
                    draft.resolution.map(|r| r.code()),
                    draft.reason,
                    accepted.quote.as_ref().map(|q| q.total.minor),
                    order.currency.code(),
                    accepted.needs_review,
                    draft_json,
                    now.to_rfc3339(),
                    due.respond_by.to_rfc3339(),
                    due.resolve_by.map(|t| t.to_rfc3339()),
                    draft.case_type.kind().claims_units(),
                ],
            )?;
            if inserted == 0 {
                continue;
            }
            let id = tx.last_insert_rowid();
            let stored = StoredCase {
                tracking_number,
                status,
                created_at: now,
                due,
            };
            tx.execute(
                "UPDATE cases SET contact_email = ?2, contact_phone = ?3, contact_channel = ?4,
                 idempotency_key = ?5, receipt_json = ?6, request_hash = ?7 WHERE id = ?1",
                params![
                    id,
                    normalise_email(&contact.email),
                    contact.phone.trim(),
                    match contact.channel {
                        Channel::Email => "email",
                        Channel::Phone => "phone",
                    },
                    idempotency.map(|(key, _)| key),
                    receipt(&stored),
                    idempotency.map(|(_, hash)| hash),
                ],
            )?;
            for e in draft
                .evidence
                .iter()
                .filter(|e| e.kind == EvidenceKind::Photo)
            {
                tx.execute(
                    "UPDATE evidence SET case_id = ?1 WHERE id = ?2 AND order_number = ?3",
                    params![id, e.reference, order.number],
                )?;
            }
            for l in &draft.lines {
                tx.execute(
                    "INSERT INTO case_lines (case_id, line_id, quantity, exchange_sku) VALUES (?1, ?2, ?3, ?4)",
                    params![id, l.line_id, l.quantity, l.exchange_for],
                )?;
            }
            // The shopper's submission, then every move the lifecycle made (a review rule's).
            let insert_event = "INSERT INTO case_events (case_id, from_status, to_status, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)";
            tx.execute(
                insert_event,
                params![
                    id,
                    None::<&str>,
                    Status::Submitted.code(),
                    Actor::Shopper.code(),
                    now.to_rfc3339()
                ],
            )?;
            for t in &lifecycle.history {
                tx.execute(
                    insert_event,
                    params![
                        id,
                        t.from.code(),
                        t.to.code(),
                        t.by.code(),
                        t.at.to_rfc3339()
                    ],
                )?;
            }
            tx.commit()?;
            return Ok(stored);
        }
        Err(DbError("could not mint a unique tracking number".into()))
    }

    /// How many open cases of `kind` the order has (not rejected, withdrawn, confirmed or
    /// closed).
    pub fn open_case_count(&self, order_number: &str, kind: CaseKind) -> Result<u32, DbError> {
        let kind = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM cases
             WHERE order_number = ?1 AND kind = ?2
               AND status NOT IN ('rejected', 'withdrawn', 'confirmed_by_shopper', 'closed')",
            params![order_number, kind],
            |r| r.get(0),
        )?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Requests still open on an order (not rejected, withdrawn, confirmed or closed), newest
    /// first, at most 50.
    pub fn open_cases(&self, order_number: &str) -> Result<Vec<OpenCase>, DbError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, tracking_number, kind, status FROM cases
             WHERE order_number = ?1
               AND status NOT IN ('rejected', 'withdrawn', 'confirmed_by_shopper', 'closed')
             ORDER BY id DESC LIMIT 50",
        )?;
        let heads = stmt
            .query_map([order_number], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut lines = self.conn.prepare(
            "SELECT line_id, quantity FROM case_lines WHERE case_id = ?1 ORDER BY line_id",
        )?;
        let mut out = Vec::with_capacity(heads.len());
        for (id, tracking_number, kind, status) in heads {
            let kind = serde_json::from_value(serde_json::Value::String(kind))
                .map_err(|e| DbError(format!("case {tracking_number}: unknown kind: {e}")))?;
            let status = Status::from_code(&status).ok_or_else(|| {
                DbError(format!("case {tracking_number}: unknown status {status:?}"))
            })?;
            let case_lines = lines
                .query_map([id], |r| {
                    Ok(OpenLine {
                        line_id: r.get(0)?,
                        quantity: r.get::<_, i64>(1)?.clamp(0, i64::from(u32::MAX)) as u32,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            out.push(OpenCase {
                tracking_number,
                kind,
                status,
                lines: case_lines,
            });
        }
        Ok(out)
    }

    /// Photos already uploaded for an order.
    pub fn evidence_count(&self, order_number: &str) -> Result<i64, DbError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM evidence WHERE order_number = ?1",
            [order_number],
            |r| r.get(0),
        )?)
    }

    /// Stores a checked photo for an order under `id`; `upload_sha256` is the hash of the
    /// bytes as uploaded (see [`Store::uploaded_evidence`]).
    pub fn insert_evidence(
        &mut self,
        id: &str,
        order_number: &str,
        photo: &crate::evidence::Photo,
        upload_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.conn.execute(
            "INSERT INTO evidence (id, order_number, sha256, content_type, width, height, bytes,
             created_at, upload_sha256)
             VALUES (?1, ?2, ?3, 'image/jpeg', ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                order_number,
                photo.sha256,
                photo.width,
                photo.height,
                photo.jpeg,
                now.to_rfc3339(),
                upload_sha256,
            ],
        )?;
        Ok(())
    }

    /// A photo of this order uploaded with exactly these bytes and not yet part of a case: a
    /// retried upload gets it back instead of storing it twice.
    pub fn uploaded_evidence(
        &self,
        order_number: &str,
        upload_sha256: &str,
    ) -> Result<Option<StoredPhoto>, DbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, sha256, width, height, length(bytes) FROM evidence
                 WHERE order_number = ?1 AND upload_sha256 = ?2 AND case_id IS NULL
                 ORDER BY created_at LIMIT 1",
                params![order_number, upload_sha256],
                |r| {
                    Ok(StoredPhoto {
                        id: r.get(0)?,
                        sha256: r.get(1)?,
                        width: r.get(2)?,
                        height: r.get(3)?,
                        bytes: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// The positions in `ids` of photos that are not this order's or already belong to a case.
    pub fn unusable_evidence(
        &self,
        order_number: &str,
        ids: &[&str],
    ) -> Result<Vec<usize>, DbError> {
        let mut stmt = self.conn.prepare(
            "SELECT 1 FROM evidence WHERE id = ?1 AND order_number = ?2 AND case_id IS NULL",
        )?;
        let mut bad = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if !stmt.exists(params![id, order_number])? {
                bad.push(i);
            }
        }
        Ok(bad)
    }

    /// Number of stored cases (for tests and the health endpoint).
    pub fn case_count(&self) -> Result<i64, DbError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))?)
    }
}

/// E-mails are matched without regard to case or surrounding spaces.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, rusqlite::Error> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

/// Inserts or replaces an order and its lines inside the caller's transaction, after checking
/// the snapshot ([`Order::validate`]).
fn put_order(tx: &rusqlite::Connection, order: &Order, email: &str) -> Result<(), DbError> {
    if let Err(problems) = order.validate() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(DbError(format!(
            "order {:?} is not a valid snapshot: {}",
            order.number.chars().take(64).collect::<String>(),
            list.join("; ")
        )));
    }
    tx.execute(
        "DELETE FROM order_lines WHERE order_number = ?1",
        [&order.number],
    )?;
    tx.execute(
        "INSERT INTO orders (number, email, placed_at, currency, shipping_country) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(number) DO UPDATE SET email = ?2, placed_at = ?3, currency = ?4, shipping_country = ?5",
        params![
            order.number,
            normalise_email(email),
            order.placed_at.to_rfc3339(),
            order.currency.code(),
            order.shipping_country
        ],
    )?;
    for (pos, l) in order.lines.iter().enumerate() {
        let snapshot = Line {
            quantity_claimed: 0,
            ..l.clone()
        };
        let json = serde_json::to_string(&snapshot).map_err(|e| DbError(e.to_string()))?;
        tx.execute(
            "INSERT INTO order_lines (order_number, line_id, position, line_json) VALUES (?1, ?2, ?3, ?4)",
            params![order.number, l.id, pos as i64, json],
        )?;
    }
    Ok(())
}
