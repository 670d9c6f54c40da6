//! SQLite storage: orders (the shop's snapshot) and cases (what shoppers submit).

use aftersales_core::case::AcceptedReturn;
use aftersales_core::money::Currency;
use aftersales_core::order::{Line, Order};
use aftersales_core::tracking::TrackingNumber;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE orders (
    number     TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    placed_at  TEXT NOT NULL,
    currency   TEXT NOT NULL
);
CREATE TABLE order_lines (
    order_number TEXT NOT NULL REFERENCES orders(number) ON DELETE CASCADE,
    line_id      TEXT NOT NULL,
    position     INTEGER NOT NULL,
    sku          TEXT NOT NULL,
    title        TEXT NOT NULL,
    category     TEXT NOT NULL,
    unit_price   INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    delivered_at TEXT,
    PRIMARY KEY (order_number, line_id)
);
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    tracking_number TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    order_number    TEXT NOT NULL,
    line_id         TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    reason          TEXT NOT NULL,
    refund_minor    INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    review_due_at   TEXT NOT NULL
);
CREATE INDEX cases_by_line ON cases(order_number, line_id);
"#];

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
    pub status: String,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
    /// When the merchant promised to have reviewed it.
    pub review_due_at: DateTime<Utc>,
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

    /// Inserts or replaces an order and its lines (cases are kept).
    pub fn upsert_order(&mut self, order: &Order, email: &str) -> Result<(), DbError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM order_lines WHERE order_number = ?1",
            [&order.number],
        )?;
        tx.execute(
            "INSERT INTO orders (number, email, placed_at, currency) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(number) DO UPDATE SET email = ?2, placed_at = ?3, currency = ?4",
            params![
                order.number,
                normalise_email(email),
                order.placed_at.to_rfc3339(),
                order.currency.code()
            ],
        )?;
        for (pos, l) in order.lines.iter().enumerate() {
            tx.execute(
                "INSERT INTO order_lines (order_number, line_id, position, sku, title, category,
                 unit_price, quantity, delivered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    order.number,
                    l.id,
                    pos as i64,
                    l.sku,
                    l.title,
                    l.category,
                    l.unit_price,
                    l.quantity,
                    l.delivered_at.map(|d| d.to_rfc3339())
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The order with this number and e-mail (case-insensitive), with claimed quantities
    /// filled in from earlier cases. `None` when either does not match.
    pub fn find_order(&self, number: &str, email: &str) -> Result<Option<Order>, DbError> {
        let head = self
            .conn
            .query_row(
                "SELECT placed_at, currency FROM orders WHERE number = ?1 AND email = ?2",
                params![number, normalise_email(email)],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?;
        let Some((placed_at, currency)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT l.line_id, l.sku, l.title, l.category, l.unit_price, l.quantity, l.delivered_at,
                    COALESCE((SELECT SUM(c.quantity) FROM cases c
                              WHERE c.order_number = l.order_number AND c.line_id = l.line_id
                                AND c.status <> 'rejected'), 0)
             FROM order_lines l WHERE l.order_number = ?1 ORDER BY l.position",
        )?;
        let lines = stmt
            .query_map([number], |r| {
                let delivered: Option<String> = r.get(6)?;
                Ok(Line {
                    id: r.get(0)?,
                    sku: r.get(1)?,
                    title: r.get(2)?,
                    category: r.get(3)?,
                    unit_price: r.get(4)?,
                    quantity: r.get(5)?,
                    delivered_at: delivered.as_deref().map(parse_time).transpose()?,
                    quantity_claimed: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Order {
            number: number.to_string(),
            placed_at: parse_time(&placed_at)?,
            currency: Currency::new(&currency).map_err(|e| DbError(e.to_string()))?,
            lines,
        }))
    }

    /// Stores an accepted return as a new case and returns it. The tracking number comes
    /// from `mint`, called again in the unlikely event of a collision.
    pub fn insert_return(
        &mut self,
        order_number: &str,
        accepted: &AcceptedReturn,
        now: DateTime<Utc>,
        review_due_at: DateTime<Utc>,
        mut mint: impl FnMut() -> Result<TrackingNumber, DbError>,
    ) -> Result<StoredCase, DbError> {
        for _ in 0..5 {
            let tracking_number = mint()?;
            let inserted = self.conn.execute(
                "INSERT INTO cases (tracking_number, kind, status, order_number, line_id, quantity,
                 reason, refund_minor, currency, created_at, review_due_at)
                 VALUES (?1, 'return', 'submitted', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(tracking_number) DO NOTHING",
                params![
                    tracking_number.as_str(),
                    order_number,
                    accepted.line_id,
                    accepted.quantity,
                    accepted.reason.code(),
                    accepted.refund_estimate.minor,
                    accepted.refund_estimate.currency.code(),
                    now.to_rfc3339(),
                    review_due_at.to_rfc3339()
                ],
            )?;
            if inserted == 1 {
                return Ok(StoredCase {
                    tracking_number,
                    status: "submitted".into(),
                    created_at: now,
                    review_due_at,
                });
            }
        }
        Err(DbError("could not mint a unique tracking number".into()))
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
