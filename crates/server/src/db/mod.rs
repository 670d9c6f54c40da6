//! Storage: orders (the shop's snapshot) and cases (what shoppers submit), in SQLite (one file,
//! the default) or PostgreSQL (by URL), through one set of queries on sqlx's Any driver.
//!
//! The queries are written once for both engines: `$n` placeholders, `RETURNING`, integers for
//! flags, RFC 3339 text for times. Where the engines must differ (how a write transaction
//! starts, the schema's types) [`Engine`] says so. Nothing here blocks the async runtime:
//! SQLite runs on sqlx's own worker threads, PostgreSQL over the network.

use aftersales_core::api::{OpenCase, OpenLine};
use aftersales_core::commitment::DueTimes;
use aftersales_core::lifecycle::Status;
use aftersales_core::money::Currency;
use aftersales_core::order::{Line, Order};
use aftersales_core::tracking::TrackingNumber;
use chrono::{DateTime, Utc};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row, SqlSafeStr};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod assign;
mod follow;
mod kpi;
mod merchant;
mod submit;
mod webhooks;
pub use assign::AssignmentRule;
pub use follow::{CaseRecord, MerchantCase};
pub use merchant::{CaseFilter, TokenScope};
pub use submit::{NewCase, Stored};
pub(crate) use webhooks::enqueue;
pub use webhooks::{Delivery, DueDelivery, Outcome, Webhook, MAX_WEBHOOKS};

/// An error from the database, with the operation that failed.
#[derive(Debug)]
pub struct DbError(pub String);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "database error: {}", self.0)
    }
}

impl std::error::Error for DbError {}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        DbError(e.to_string())
    }
}

/// Which database engine a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// One SQLite file (WAL), created and migrated on first start.
    Sqlite,
    /// A PostgreSQL database by URL, migrated on first start.
    Postgres,
}

/// SQLite's schema, in order; never edited once released, only appended to.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "claims by kind",
        include_str!("../../migrations/sqlite/0002_claims_by_kind.sql"),
    ),
    (
        3,
        "contact and idempotency",
        include_str!("../../migrations/sqlite/0003_contact_and_idempotency.sql"),
    ),
    (
        4,
        "evidence",
        include_str!("../../migrations/sqlite/0004_evidence.sql"),
    ),
    (
        5,
        "exchange sku",
        include_str!("../../migrations/sqlite/0005_exchange_sku.sql"),
    ),
    (
        6,
        "after the case",
        include_str!("../../migrations/sqlite/0006_after_the_case.sql"),
    ),
    (
        7,
        "idempotency hashes",
        include_str!("../../migrations/sqlite/0007_idempotency_hashes.sql"),
    ),
    (
        8,
        "claims per line",
        include_str!("../../migrations/sqlite/0008_claims_per_line.sql"),
    ),
    (
        9,
        "webhooks",
        include_str!("../../migrations/sqlite/0009_webhooks.sql"),
    ),
    (
        10,
        "assignment",
        include_str!("../../migrations/sqlite/0010_assignment.sql"),
    ),
    (
        11,
        "one_index_per_order",
        include_str!("../../migrations/sqlite/0011_one_index_per_order.sql"),
    ),
];

/// PostgreSQL's schema: its first migration is SQLite's 1 to 8 at once, numbered 8, so every
/// later change has the same number on both engines.
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        8,
        "initial",
        include_str!("../../migrations/postgres/0008_initial.sql"),
    ),
    (
        9,
        "webhooks",
        include_str!("../../migrations/postgres/0009_webhooks.sql"),
    ),
    (
        10,
        "assignment",
        include_str!("../../migrations/postgres/0010_assignment.sql"),
    ),
    (
        11,
        "one_index_per_order",
        include_str!("../../migrations/postgres/0011_one_index_per_order.sql"),
    ),
];

/// The migrations of one engine.
pub fn migrator(engine: Engine) -> Migrator {
    let list = match engine {
        Engine::Sqlite => SQLITE_MIGRATIONS,
        Engine::Postgres => POSTGRES_MIGRATIONS,
    };
    Migrator::with_migrations(
        list.iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
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

/// Why a case (or a withdrawal) the engine allowed could not be stored: another request changed
/// the order between the check and the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Another request claimed this line's last units meanwhile.
    Claimed {
        /// The line.
        line_id: String,
    },
    /// This photo became part of another case meanwhile.
    Evidence {
        /// The photo's id.
        reference: String,
    },
    /// Another request with the same idempotency key was stored meanwhile (by another server
    /// process): a retry is answered with that one.
    KeyTaken,
    /// The order has as many open cases of this type as the shop's limit.
    TooManyOpen,
}

/// The database: a pool of connections, shared by every request (no lock around a request's
/// work). Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite has one writer at a time: writers of this process queue here (fairly, without
    /// SQLite's sleeping busy handler) and wait on SQLite's lock only for other processes.
    write_gate: Option<Arc<tokio::sync::Mutex<()>>>,
    /// Woken when a change queued a webhook delivery (see [`crate::webhooks`]).
    wake: Arc<tokio::sync::Notify>,
    /// A scratch database removed when the last clone is dropped.
    _scratch: Option<Arc<Scratch>>,
    /// The queue of this process's case writer (see [`submit`]); none in the writer's own.
    cases: Option<submit::Queue>,
}

/// A write transaction: `BEGIN IMMEDIATE` on SQLite (the write lock is taken first, so a
/// read-then-write cannot fail half-way), `BEGIN` on PostgreSQL (row locks and conditional
/// updates keep claims exact).
pub(crate) struct WriteTx<'c> {
    pub(crate) tx: sqlx::Transaction<'c, sqlx::Any>,
    pub(crate) engine: Engine,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// Whether the transaction queued a webhook delivery: the sender is woken on commit.
    queued: bool,
    wake: Arc<tokio::sync::Notify>,
}

impl WriteTx<'_> {
    pub(crate) async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await?;
        if self.queued {
            self.wake.notify_one();
        }
        Ok(())
    }
}

/// A scratch SQLite file for tests, removed with its WAL files.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Copies SQLite's WAL back into the database file every [`CHECKPOINT_EVERY`], on a
/// connection of its own, while writers go on appending (a passive checkpoint takes no write
/// lock). Under steady writes such a checkpoint never catches up with the last frames, and
/// only one that does lets the next writer start the WAL again from its beginning: once the
/// WAL is [`RESTART_AT`] pages long, right after a passive checkpoint has copied nearly all
/// of it, writers of this process are held back for the rest (see [`restart_wal`]). Runs as
/// long as the case writer does.
pub(crate) async fn checkpoints(store: Store) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let passive = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&store.pool)
            .await
            .and_then(|row| row.try_get::<i64, _>(1));
        let done = match passive {
            Ok(frames) if frames > RESTART_AT => restart_wal(&store).await,
            Ok(_) => Ok(()),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = done {
            eprintln!("aftersales: WAL checkpoint failed (tried again shortly): {e}");
        }
    }
}

/// Copies the rest of the WAL, waiting for readers on older snapshots and holding other
/// writers of this process back meanwhile, so that the next write starts the WAL afresh.
async fn restart_wal(store: &Store) -> Result<(), DbError> {
    let _gate = store.hold_writers().await;
    sqlx::query("PRAGMA wal_checkpoint(RESTART)")
        .fetch_all(&store.pool)
        .await?;
    Ok(())
}

/// How often the WAL is checkpointed.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// The WAL's length (in pages) past which it is restarted: 256 MB, a few seconds of writes
/// at full load (each restart is a short stall: it waits for readers and syncs, so not too
/// often); afterwards the file is cut back to 64 MB.
const RESTART_AT: i64 = 65_536;

/// `sqlite:` URL of a file path (`?` and `#` in names are escaped), created if missing.
fn sqlite_url(path: &Path) -> String {
    let mut url = String::from("sqlite:");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.push_str("?mode=rwc");
    url
}

/// Where a test's fresh database is: a new database on the PostgreSQL server named by
/// `AFTERSALES_TEST_POSTGRES` (its URL), or else the path of a new SQLite file in the temporary
/// directory (the caller removes it).
pub async fn scratch_db() -> Result<String, DbError> {
    scratch_db_on(std::env::var("AFTERSALES_TEST_POSTGRES").ok().as_deref()).await
}

/// A fresh database: a new one on the PostgreSQL server `postgres` (its URL), or the path of a
/// new SQLite file in the temporary directory.
pub async fn scratch_db_on(postgres: Option<&str>) -> Result<String, DbError> {
    let name = format!("aftersales_test_{}", random_hex(8)?);
    let Some(server) = postgres else {
        let path = std::env::temp_dir().join(format!("{name}.sqlite3"));
        return Ok(path.to_string_lossy().into_owned());
    };
    sqlx::any::install_default_drivers();
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(server)
        .await?;
    // The name is ours: letters, digits and '_' only.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    let (head, query) = server.split_once('?').unwrap_or((server, ""));
    let base = head.rsplit_once('/').map_or(head, |(b, _)| b);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Ok(format!("{base}/{name}{query}"))
}

/// Whether `db` names a PostgreSQL database rather than an SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

fn random_hex(bytes: usize) -> Result<String, DbError> {
    let mut raw = vec![0u8; bytes];
    getrandom::fill(&mut raw)
        .map_err(|e| DbError(format!("the random number generator failed: {e}")))?;
    Ok(crate::hex(&raw))
}

impl Store {
    /// Opens (creating if needed) and migrates the database `db`: a `postgres://` URL, or else
    /// the path of an SQLite file.
    pub async fn open(db: &str) -> Result<Store, DbError> {
        if is_postgres_url(db) {
            Store::connect(Engine::Postgres, db, 16).await
        } else {
            Store::connect(Engine::Sqlite, &sqlite_url(Path::new(db)), 8)
                .await
                .map_err(|e| DbError(format!("cannot open {db}: {}", e.0)))
        }
    }

    /// A fresh, empty database for a test: an SQLite file in the temporary directory (removed
    /// when the store is dropped), or, when `AFTERSALES_TEST_POSTGRES` holds a server's URL, a
    /// new database on that server.
    pub async fn scratch() -> Result<Store, DbError> {
        let db = scratch_db().await?;
        let mut store = Store::open(&db).await?;
        if !is_postgres_url(&db) {
            store._scratch = Some(Arc::new(Scratch(PathBuf::from(db))));
        }
        Ok(store)
    }

    async fn connect(engine: Engine, url: &str, connections: u32) -> Result<Store, DbError> {
        sqlx::any::install_default_drivers();
        let mut options = AnyPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(std::time::Duration::from_secs(10))
            // A file does not go away like a network peer: no ping (a round trip to the
            // connection's worker thread) before every use.
            .test_before_acquire(engine == Engine::Postgres);
        if engine == Engine::Sqlite {
            // Safe with WAL (a power cut may lose the last commits, never corrupt the file),
            // and it skips an fsync per commit.
            // No connection checkpoints the WAL when it commits (the one that happens to
            // cross 1,000 pages would stall for the copy and its fsyncs, with every shopper
            // behind it): [`checkpoints`] does, beside the writers.
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("PRAGMA synchronous = NORMAL")
                        .execute(&mut *conn)
                        .await?;
                    // A statement's scratch tables (a group's VALUES list, a sort) in memory:
                    // as files they were made and unlinked in /var/tmp at every group.
                    sqlx::query("PRAGMA temp_store = MEMORY")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA wal_autocheckpoint = 0")
                        .execute(&mut *conn)
                        .await?;
                    // After a restart the WAL file is cut back to 64 MB.
                    sqlx::query("PRAGMA journal_size_limit = 67108864")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        if engine == Engine::Sqlite {
            // WAL lets readers (other requests, a merchant's `sqlite3` session) look while one
            // request writes; it is kept in the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let mut store = Store {
            pool,
            engine,
            write_gate: (engine == Engine::Sqlite).then(Arc::default),
            wake: Arc::default(),
            _scratch: None,
            cases: None,
        };
        store.migrate().await?;
        store.cases = Some(submit::start(&store));
        Ok(store)
    }

    /// The engine this store runs on.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Applies the migrations not yet applied. An SQLite file made before migrations were
    /// tracked by sqlx (its `PRAGMA user_version` counted them) has those marked as applied.
    async fn migrate(&self) -> Result<(), DbError> {
        let migrator = migrator(self.engine);
        let newest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        if self.engine == Engine::Sqlite {
            let tracked: i64 = sqlx::query(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
            let counted: i64 = sqlx::query("PRAGMA user_version")
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
            if counted > newest {
                return Err(DbError(format!(
                    "the database schema is version {counted}, newer than this server ({newest}); upgrade the server"
                )));
            }
            if tracked == 0 && counted > 0 {
                migrator
                    .skip(&self.pool, Some(counted))
                    .await
                    .map_err(|e| DbError(format!("cannot adopt schema version {counted}: {e}")))?;
            }
        }
        migrator.run(&self.pool).await.map_err(|e| {
            DbError(match e {
                sqlx::migrate::MigrateError::VersionTooNew(v, _)
                | sqlx::migrate::MigrateError::VersionMissing(v) => format!(
                    "the database schema has migration {v}, which this server ({newest}) does not know; upgrade the server"
                ),
                e => format!("cannot migrate the database: {e}"),
            })
        })
    }

    /// Waits for this process's turn to write (SQLite's one writer; none on PostgreSQL) and
    /// holds it until the guard is dropped.
    async fn hold_writers(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.write_gate {
            Some(g) => Some(g.clone().lock_owned().await),
            None => None,
        }
    }

    /// Begins a write transaction (see [`WriteTx`]).
    pub(crate) async fn write(&self) -> Result<WriteTx<'static>, DbError> {
        self.write_on(None).await
    }

    /// Begins a write transaction on `conn`, or else on a connection of the pool.
    pub(crate) async fn write_on<'c>(
        &self,
        conn: Option<&'c mut sqlx::AnyConnection>,
    ) -> Result<WriteTx<'c>, DbError> {
        use sqlx::Connection;
        let gate = self.hold_writers().await;
        let tx = match (self.engine, conn) {
            (Engine::Sqlite, Some(c)) => c.begin_with("BEGIN IMMEDIATE").await?,
            (Engine::Sqlite, None) => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            (Engine::Postgres, Some(c)) => c.begin().await?,
            (Engine::Postgres, None) => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            engine: self.engine,
            _gate: gate,
            queued: false,
            wake: self.wake.clone(),
        })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Resolves when a change has queued a webhook delivery since the last call.
    pub async fn queued(&self) {
        self.wake.notified().await;
    }

    /// Inserts or replaces an order and its lines (cases are kept). The snapshot is checked
    /// first ([`Order::validate`]): nothing stored can make an order unreadable or a refund
    /// wrong.
    pub async fn upsert_order(&self, order: &Order, email: &str) -> Result<(), DbError> {
        let mut w = self.write().await?;
        put_order(&mut w, order, email).await?;
        w.commit().await
    }

    /// Imports orders in one transaction (all or none): each is inserted or replaces the order
    /// with its number (its cases are kept). Answers how many were added and how many updated.
    pub async fn import_orders(
        &self,
        records: &[crate::orders::OrderRecord],
    ) -> Result<(usize, usize), DbError> {
        let mut w = self.write().await?;
        let mut created = 0;
        for r in records {
            if !put_order(&mut w, &r.order, &r.email).await? {
                created += 1;
            }
        }
        w.commit().await?;
        Ok((created, records.len() - created))
    }

    /// The order with this number and e-mail (case-insensitive), with claimed quantities
    /// filled in. `None` when either does not match.
    pub async fn find_order(&self, number: &str, email: &str) -> Result<Option<Order>, DbError> {
        self.load_order(number, Some(email)).await
    }

    /// The order with this number, when the caller proved access another way (a signed
    /// link, a case found by its tracking number and e-mail).
    pub async fn find_order_verified(&self, number: &str) -> Result<Option<Order>, DbError> {
        self.load_order(number, None).await
    }

    /// The e-mail an order was placed with (normalised), for messages; never for a shopper.
    pub async fn order_email(&self, number: &str) -> Result<Option<String>, DbError> {
        let row = sqlx::query("SELECT email FROM orders WHERE number = $1")
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    async fn load_order(
        &self,
        number: &str,
        email: Option<&str>,
    ) -> Result<Option<Order>, DbError> {
        // One statement: the head and the lines are read from one snapshot.
        let rows = sqlx::query(
            "SELECT o.placed_at, o.currency, o.shipping_country, l.line_json, l.claimed
             FROM orders o LEFT JOIN order_lines l ON l.order_number = o.number
             WHERE o.number = $1 AND ($2 = '' OR o.email = $2)
             ORDER BY l.position",
        )
        .bind(number)
        .bind(email.map(normalise_email).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let placed_at: String = first.try_get(0)?;
        let currency: String = first.try_get(1)?;
        let shipping_country: Option<String> = first.try_get(2)?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(json) = row.try_get::<Option<String>, _>(3)? else {
                continue;
            };
            let claimed: i64 = row.try_get(4)?;
            let line: Line = serde_json::from_str(&json)
                .map_err(|e| DbError(format!("order {number}: stored line is unreadable: {e}")))?;
            // Whatever was stored, the claim reads as 0 to the units ordered.
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
    pub async fn replay(&self, order_number: &str, key: &str) -> Result<Option<Replay>, DbError> {
        let row = sqlx::query(
            "SELECT receipt_json, request_hash FROM cases
             WHERE order_number = $1 AND idempotency_key = $2",
        )
        .bind(order_number)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let receipt: Option<String> = row.try_get(0)?;
        Ok(receipt.map(|receipt| Replay {
            receipt,
            request_hash: row.try_get(1).unwrap_or_default(),
        }))
    }

    /// Requests still open on an order (not rejected, withdrawn, confirmed or closed), newest
    /// first, at most 50.
    pub async fn open_cases(&self, order_number: &str) -> Result<Vec<OpenCase>, DbError> {
        let rows = sqlx::query(
            "SELECT c.id, c.tracking_number, c.kind, c.status, cl.line_id, cl.quantity
             FROM (SELECT id, tracking_number, kind, status FROM cases
                   WHERE order_number = $1
                     AND status NOT IN ('rejected', 'withdrawn', 'confirmed_by_shopper', 'closed')
                   ORDER BY id DESC LIMIT 50) c
             LEFT JOIN case_lines cl ON cl.case_id = c.id
             ORDER BY c.id DESC, cl.line_id",
        )
        .bind(order_number)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<(i64, OpenCase)> = Vec::new();
        for row in rows {
            let id: i64 = row.try_get(0)?;
            if out.last().is_none_or(|(last, _)| *last != id) {
                let tracking_number: String = row.try_get(1)?;
                let kind = follow::kind_of(&row.try_get::<String, _>(2)?)?;
                let status = follow::status_of(&row.try_get::<String, _>(3)?)?;
                out.push((
                    id,
                    OpenCase {
                        tracking_number,
                        kind,
                        status,
                        lines: Vec::new(),
                    },
                ));
            }
            if let (Some(line_id), Some((_, case))) =
                (row.try_get::<Option<String>, _>(4)?, out.last_mut())
            {
                let quantity: i64 = row.try_get::<Option<i64>, _>(5)?.unwrap_or(0);
                case.lines.push(OpenLine {
                    line_id,
                    quantity: quantity.clamp(0, i64::from(u32::MAX)) as u32,
                });
            }
        }
        Ok(out.into_iter().map(|(_, c)| c).collect())
    }

    /// Photos already uploaded for an order.
    pub async fn evidence_count(&self, order_number: &str) -> Result<i64, DbError> {
        Ok(
            sqlx::query("SELECT COUNT(*) FROM evidence WHERE order_number = $1")
                .bind(order_number)
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?,
        )
    }

    /// Stores a checked photo for an order under `id`; `upload_sha256` is the hash of the
    /// bytes as uploaded (see [`Store::uploaded_evidence`]). A photo with the same upload hash
    /// stored meanwhile (the same photo sent twice at once) is answered instead.
    pub async fn insert_evidence(
        &self,
        id: &str,
        order_number: &str,
        photo: &crate::evidence::Photo,
        upload_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<StoredPhoto, DbError> {
        let mut w = self.write().await?;
        if let Some(first) = uploaded(&mut w.tx, order_number, upload_sha256).await? {
            return Ok(first);
        }
        sqlx::query(
            "INSERT INTO evidence (id, order_number, sha256, content_type, width, height, bytes,
             created_at, upload_sha256)
             VALUES ($1, $2, $3, 'image/jpeg', $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(order_number)
        .bind(&photo.sha256)
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(photo.jpeg.clone())
        .bind(now.to_rfc3339())
        .bind(upload_sha256)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(StoredPhoto {
            id: id.to_string(),
            sha256: photo.sha256.clone(),
            width: photo.width,
            height: photo.height,
            bytes: photo.jpeg.len(),
        })
    }

    /// A photo of this order uploaded with exactly these bytes and not yet part of a case: a
    /// retried upload gets it back instead of storing it twice.
    pub async fn uploaded_evidence(
        &self,
        order_number: &str,
        upload_sha256: &str,
    ) -> Result<Option<StoredPhoto>, DbError> {
        let mut conn = self.pool.acquire().await?;
        uploaded(&mut conn, order_number, upload_sha256).await
    }

    /// The positions in `ids` of photos that are not this order's or already belong to a case.
    pub async fn unusable_evidence(
        &self,
        order_number: &str,
        ids: &[&str],
    ) -> Result<Vec<usize>, DbError> {
        let mut bad = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let found = sqlx::query(
                "SELECT 1 FROM evidence WHERE id = $1 AND order_number = $2 AND case_id IS NULL",
            )
            .bind(*id)
            .bind(order_number)
            .fetch_optional(&self.pool)
            .await?;
            if found.is_none() {
                bad.push(i);
            }
        }
        Ok(bad)
    }

    /// Number of stored cases (for tests and the health endpoint).
    pub async fn case_count(&self) -> Result<i64, DbError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM cases")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }
}

async fn uploaded(
    conn: &mut sqlx::AnyConnection,
    order_number: &str,
    upload_sha256: &str,
) -> Result<Option<StoredPhoto>, DbError> {
    let row = sqlx::query(
        "SELECT id, sha256, width, height, length(bytes) FROM evidence
         WHERE order_number = $1 AND upload_sha256 = $2 AND case_id IS NULL
         ORDER BY created_at LIMIT 1",
    )
    .bind(order_number)
    .bind(upload_sha256)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(StoredPhoto {
            id: r.try_get(0)?,
            sha256: r.try_get(1)?,
            width: u32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(0),
            height: u32::try_from(r.try_get::<i64, _>(3)?).unwrap_or(0),
            bytes: usize::try_from(r.try_get::<i64, _>(4)?).unwrap_or(0),
        })
    })
    .transpose()
}

/// `($1, $2), ($3, $4)` for `rows` rows of `cols` values: only placeholders, the values are
/// bound in order. SQLite's are `?`: sqlx looks a numbered one up by name, a search through
/// every name of the statement, so a group's insert of a thousand values would spend more on
/// its placeholders than on its rows.
fn placeholders(engine: Engine, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", marks(engine, r * cols + 1, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$first, …` for `n` values (`?, …` on SQLite, see [`placeholders`]).
fn marks(engine: Engine, first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| match engine {
            Engine::Sqlite => "?".to_string(),
            Engine::Postgres => format!("${i}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Takes `units` off a line if that many remain; `false` (nothing changed) when they do not.
pub(crate) async fn claim(
    w: &mut WriteTx<'_>,
    order_number: &str,
    line_id: &str,
    units: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE order_lines SET claimed = claimed + $3
         WHERE order_number = $1 AND line_id = $2 AND claimed + $3 <= quantity",
    )
    .bind(order_number)
    .bind(line_id)
    .bind(units)
    .execute(&mut *w.tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a case's units back to their lines (a rejected or withdrawn case).
pub(crate) async fn release(w: &mut WriteTx<'_>, case_id: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE order_lines SET claimed = CASE WHEN claimed > cl.quantity THEN claimed - cl.quantity ELSE 0 END
         FROM case_lines cl JOIN cases c ON c.id = cl.case_id
         WHERE cl.case_id = $1 AND order_lines.order_number = c.order_number
           AND order_lines.line_id = cl.line_id",
    )
    .bind(case_id)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

/// E-mails are matched without regard to case or surrounding spaces.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The time in column `i` of a row.
fn time_at(row: &sqlx::any::AnyRow, i: usize) -> Result<DateTime<Utc>, DbError> {
    parse_time(&row.try_get::<String, _>(i)?)
}

/// The time in column `i` of a row, which may be NULL.
fn maybe_time_at(row: &sqlx::any::AnyRow, i: usize) -> Result<Option<DateTime<Utc>>, DbError> {
    row.try_get::<Option<String>, _>(i)?
        .as_deref()
        .map(parse_time)
        .transpose()
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, DbError> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| DbError(format!("stored time {s:?} is unreadable: {e}")))
}

/// Inserts or replaces an order and its lines inside the caller's transaction, after checking
/// the snapshot ([`Order::validate`]); its lines' claimed units are counted again from its
/// cases and withdrawals. Answers whether the order existed.
async fn put_order(w: &mut WriteTx<'_>, order: &Order, email: &str) -> Result<bool, DbError> {
    if let Err(problems) = order.validate() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(DbError(format!(
            "order {:?} is not a valid snapshot: {}",
            order.number.chars().take(64).collect::<String>(),
            list.join("; ")
        )));
    }
    let existed = sqlx::query("SELECT 1 FROM orders WHERE number = $1")
        .bind(&order.number)
        .fetch_optional(&mut *w.tx)
        .await?
        .is_some();
    sqlx::query("DELETE FROM order_lines WHERE order_number = $1")
        .bind(&order.number)
        .execute(&mut *w.tx)
        .await?;
    sqlx::query(
        "INSERT INTO orders (number, email, placed_at, currency, shipping_country)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT(number) DO UPDATE SET email = excluded.email, placed_at = excluded.placed_at,
            currency = excluded.currency, shipping_country = excluded.shipping_country",
    )
    .bind(&order.number)
    .bind(normalise_email(email))
    .bind(order.placed_at.to_rfc3339())
    .bind(order.currency.code())
    .bind(&order.shipping_country)
    .execute(&mut *w.tx)
    .await?;
    for (pos, l) in order.lines.iter().enumerate() {
        let snapshot = Line {
            quantity_claimed: 0,
            ..l.clone()
        };
        let json = serde_json::to_string(&snapshot).map_err(|e| DbError(e.to_string()))?;
        sqlx::query(
            "INSERT INTO order_lines (order_number, line_id, position, line_json, quantity, claimed)
             VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(&order.number)
        .bind(&l.id)
        .bind(pos as i64)
        .bind(json)
        .bind(i64::from(l.quantity))
        .execute(&mut *w.tx)
        .await?;
    }
    if existed {
        sqlx::query(
            "UPDATE order_lines SET claimed =
                CAST(COALESCE((SELECT SUM(cl.quantity) FROM case_lines cl JOIN cases c ON c.id = cl.case_id
                          WHERE c.order_number = order_lines.order_number
                            AND cl.line_id = order_lines.line_id AND c.holds_claim = 1), 0) AS BIGINT)
              + CAST(COALESCE((SELECT SUM(wl.quantity) FROM withdrawal_lines wl
                          JOIN withdrawals w ON w.id = wl.withdrawal_id
                          WHERE w.order_number = order_lines.order_number
                            AND wl.line_id = order_lines.line_id), 0) AS BIGINT)
             WHERE order_number = $1",
        )
        .bind(&order.number)
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(existed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made before sqlx tracked migrations (`PRAGMA user_version` = 7, claims summed
    /// from cases) is adopted: 1–7 marked as applied, 8 run, the claims counted into the lines.
    #[tokio::test]
    async fn a_database_from_before_sqlx_is_adopted_and_its_claims_counted() {
        let path = scratch_db().await.unwrap();
        if is_postgres_url(&path) {
            return; // The old layout only ever existed on SQLite.
        }
        let _cleanup = Scratch(PathBuf::from(&path));
        sqlx::any::install_default_drivers();
        let old = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&sqlite_url(Path::new(&path)))
            .await
            .unwrap();
        for (_, _, sql) in &SQLITE_MIGRATIONS[..7] {
            sqlx::raw_sql(*sql).execute(&old).await.unwrap();
        }
        sqlx::raw_sql(
            r#"PRAGMA user_version = 7;
            INSERT INTO orders VALUES ('1001', 'mei@example.com', '2026-11-01T00:00:00+00:00', 'EUR', NULL);
            INSERT INTO order_lines VALUES ('1001', 'a', 0, '{"id":"a","sku":"K","title":"Kettle","category":"x","unit_price":100,"quantity":3}');
            INSERT INTO cases (id, tracking_number, kind, status, holds_claim, order_number, currency,
                               draft_json, created_at, respond_by)
                VALUES (1, 'AS-1', 'return', 'submitted', 1, '1001', 'EUR', '{}', 't', 't'),
                       (2, 'AS-2', 'return', 'rejected', 0, '1001', 'EUR', '{}', 't', 't');
            INSERT INTO case_lines (case_id, line_id, quantity) VALUES (1, 'a', 2), (2, 'a', 1);"#,
        )
        .execute(&old)
        .await
        .unwrap();
        old.close().await;

        let store = Store::open(&path).await.unwrap();
        let applied: i64 = sqlx::query("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(applied, SQLITE_MIGRATIONS.len() as i64);
        let order = store.find_order_verified("1001").await.unwrap().unwrap();
        assert_eq!(order.lines[0].quantity, 3);
        assert_eq!(
            order.lines[0].quantity_claimed, 2,
            "the rejected case holds none"
        );
        // Opening it again changes nothing.
        drop(store);
        let store = Store::open(&path).await.unwrap();
        let order = store.find_order_verified("1001").await.unwrap().unwrap();
        assert_eq!(order.lines[0].quantity_claimed, 2);
    }

    #[tokio::test]
    async fn a_database_newer_than_the_server_is_refused_with_a_sentence() {
        let path = scratch_db().await.unwrap();
        if is_postgres_url(&path) {
            return;
        }
        let _cleanup = Scratch(PathBuf::from(&path));
        drop(Store::open(&path).await.unwrap());
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .connect(&sqlite_url(Path::new(&path)))
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99, 'future', TRUE, X'00', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        let err = Store::open(&path).await.err().unwrap().to_string();
        assert!(err.contains("upgrade the server"), "{err}");
    }

    #[test]
    fn sqlite_paths_become_urls_that_keep_odd_names() {
        assert_eq!(
            sqlite_url(Path::new("a b/c?.db")),
            "sqlite:a%20b/c%3F.db?mode=rwc"
        );
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("postgresql://u@h/db"));
        assert!(!is_postgres_url("shop.sqlite3"));
    }
}
