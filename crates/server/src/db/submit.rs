//! Storing submitted cases in groups: one task per server process writes every case the
//! process accepted, taking all that queued while it wrote the last group, and stores the whole
//! group in one write transaction with one statement per table — all the group's checks need
//! read in one statement and decided together, then the units, the cases, their lines, their
//! events, their assignment and their webhook deliveries each written at once. A request waits
//! only for its own answer.
//!
//! Why: a write transaction is one writer at a time (SQLite has one; PostgreSQL would lock the
//! same lines), and each statement in it is a round trip (on SQLite, to sqlx's worker thread).
//! Case by case, 32 shoppers at once queue for 8 round trips each; in a group they share them.
//!
//! Claims stay exact: the lines' units are read inside the write transaction, under SQLite's
//! write lock (`BEGIN IMMEDIATE`) or PostgreSQL's row locks (`FOR UPDATE`), so no other
//! process can change them before the group commits, and the group's own cases are counted
//! one after another in the order they arrived. The update that takes the units still says
//! `claimed + n <= quantity`: should the count ever disagree, the group is undone.
//!
//! A group that fails as a whole (another process stored the same idempotency key; a photo
//! taken by another process after all) is undone and its cases are written one by one, so
//! only the case at fault gets the error.

use super::{normalise_email, placeholders, Conflict, DbError, Store, StoredCase};
use aftersales_core::api::{Channel, Contact};
use aftersales_core::case::{AcceptedCase, EvidenceKind};
use aftersales_core::commitment::DueTimes;
use aftersales_core::lifecycle::{Actor, Lifecycle, Status};
use aftersales_core::order::Order;
use aftersales_core::tracking::TrackingNumber;
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use tokio::sync::{mpsc, oneshot};

/// The most cases stored in one transaction.
const MAX_GROUP: usize = 64;
/// A group takes no more cases once its lines reach this (one case may have up to the
/// order's 500): every statement stays far below the engines' limits on bound values.
const MAX_GROUP_LINES: usize = 1_000;
/// Cases waiting for the writer; a request beyond them waits to be queued.
const QUEUE: usize = 1_024;

/// A case the engine accepted, to be stored.
pub struct NewCase {
    /// The order, as the engine checked it.
    pub order: Order,
    /// What the engine accepted.
    pub accepted: AcceptedCase,
    /// How to reach the shopper.
    pub contact: Contact,
    /// The request's idempotency key and the hash of its body.
    pub idempotency: Option<(String, String)>,
    /// The most open cases of its type its order may have (see [`Conflict::TooManyOpen`]).
    pub open_limit: Option<u32>,
    /// When the shop promised to answer and to resolve it.
    pub due: DueTimes,
    /// Submitted at.
    pub now: DateTime<Utc>,
    /// Makes a public tracking number (called again in the unlikely event of a collision).
    pub mint: fn() -> Result<TrackingNumber, DbError>,
    /// The receipt the request is answered with, kept to answer a repeated request.
    pub receipt: Box<dyn Fn(&StoredCase) -> String + Send + Sync>,
}

/// What became of one case.
pub type Stored = Result<Result<StoredCase, Conflict>, DbError>;

pub(super) struct Job {
    case: Queued,
    reply: oneshot::Sender<Stored>,
}

/// A case with what can be made of it before the transaction, made by the request's own task
/// (the writer is one thread for every request): its tracking number, status and events,
/// receipt and stored draft.
struct Queued {
    case: NewCase,
    first: StoredCase,
    receipt_json: String,
    draft_json: String,
    events: Vec<(Option<Status>, Status, Actor, DateTime<Utc>)>,
}

impl std::ops::Deref for Queued {
    type Target = NewCase;
    fn deref(&self) -> &NewCase {
        &self.case
    }
}

/// The sending side of the writer's queue, held by every [`Store`] but the writer's own.
pub(super) type Queue = mpsc::Sender<Job>;

/// Starts the writer of `store`'s cases; it ends when every sender is dropped.
///
/// On SQLite the writer has a thread of its own: each statement of a group is a round trip
/// to SQLite's worker thread, and as one task among the requests' tasks the writer would wait
/// behind them for every answer. (PostgreSQL's connections belong to the runtime that opened
/// them: there it is a task.)
pub(super) fn start(store: &Store) -> Queue {
    let writer = Store {
        cases: None,
        ..store.clone()
    };
    let (tx, rx) = mpsc::channel(QUEUE);
    if writer.engine == super::Engine::Sqlite {
        let (w, main) = (writer.clone(), tokio::runtime::Handle::current());
        let own = std::thread::Builder::new()
            .name("aftersales-cases".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(write_groups(w, rx)),
                    // No runtime of its own (out of file handles): a task then.
                    Err(_) => drop(main.spawn(write_groups(w, rx))),
                }
            });
        if own.is_ok() {
            return tx;
        }
        // No thread either: a task, on a new queue (the first went with the closure).
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_groups(writer, rx));
        return tx;
    }
    tokio::spawn(write_groups(writer, rx));
    tx
}

async fn write_groups(store: Store, mut rx: mpsc::Receiver<Job>) {
    let checkpoints = (store.engine == super::Engine::Sqlite)
        .then(|| tokio::spawn(super::checkpoints(store.clone())));
    // On SQLite the writer keeps a connection of its own: the pages it writes stay in that
    // connection's cache from one group to the next (another connection's commit empties it).
    let mut own: Option<sqlx::pool::PoolConnection<sqlx::Any>> = None;
    while let Some(first) = rx.recv().await {
        if own.is_none() && store.engine == super::Engine::Sqlite {
            own = store.pool.acquire().await.ok();
        }
        let mut lines = first.case.accepted.draft.lines.len();
        let mut group = vec![first];
        while group.len() < MAX_GROUP && lines < MAX_GROUP_LINES {
            let Ok(job) = rx.try_recv() else { break };
            lines += job.case.accepted.draft.lines.len();
            group.push(job);
        }
        store.write_group(group, &mut own).await;
    }
    if let Some(c) = checkpoints {
        c.abort();
    }
}

/// Why a group was undone.
enum Undone {
    /// One case cannot be stored: alone, it is answered this.
    Conflict(Conflict),
    /// The database failed.
    Db(DbError),
}

impl Undone {
    /// What a case alone is answered when its transaction is undone.
    fn answer(self) -> Stored {
        match self {
            Undone::Conflict(c) => Ok(Err(c)),
            Undone::Db(e) => Err(e),
        }
    }
}

impl From<DbError> for Undone {
    fn from(e: DbError) -> Self {
        Undone::Db(e)
    }
}

impl From<sqlx::Error> for Undone {
    fn from(e: sqlx::Error) -> Self {
        Undone::Db(e.into())
    }
}

impl Store {
    /// Stores an accepted case with its lines, its first events, how to reach the shopper,
    /// the request's idempotency key and its receipt, taking the claimed units off their lines
    /// — with the other cases queued meanwhile, in one short transaction (see the module).
    ///
    /// # Errors
    /// `Ok(Err(conflict))` when another request changed the order since it was checked.
    pub async fn insert_case(&self, case: NewCase) -> Stored {
        let stopped = || DbError("the case writer has stopped".into());
        let queue = self.cases.as_ref().ok_or_else(stopped)?;
        let mut lifecycle = Lifecycle::new(case.now);
        if case.accepted.needs_review {
            lifecycle
                .apply(Status::UnderReview, Actor::System, case.now)
                .map_err(|e| DbError(e.to_string()))?;
        }
        let first = StoredCase {
            tracking_number: (case.mint)()?,
            status: lifecycle.status(),
            created_at: case.now,
            due: case.due,
        };
        // The shopper's submission, then every move the lifecycle made (a review rule's).
        let mut events = vec![(None, Status::Submitted, Actor::Shopper, case.now)];
        events.extend(
            lifecycle
                .history
                .iter()
                .map(|t| (Some(t.from), t.to, t.by, t.at)),
        );
        let case = Queued {
            receipt_json: (case.receipt)(&first),
            draft_json: serde_json::to_string(&case.accepted.draft)
                .map_err(|e| DbError(e.to_string()))?,
            events,
            first,
            case,
        };
        let (reply, answer) = oneshot::channel();
        queue
            .send(Job { case, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Writes a group; if it is undone as a whole, writes its cases one by one.
    async fn write_group(
        &self,
        group: Vec<Job>,
        own: &mut Option<sqlx::pool::PoolConnection<sqlx::Any>>,
    ) {
        let cases: Vec<&Queued> = group.iter().map(|j| &j.case).collect();
        let first = self.try_group(own.as_deref_mut(), &cases).await;
        if matches!(first, Err(Undone::Db(_))) {
            // A connection that failed is not trusted again.
            *own = None;
        }
        let answers = match first {
            Ok(stored) => stored.into_iter().map(Ok).collect(),
            Err(undone) if group.len() == 1 => vec![undone.answer()],
            Err(_) => {
                let mut answers = Vec::with_capacity(cases.len());
                for case in &cases {
                    answers.push(match self.try_group(None, &[case]).await {
                        Ok(mut stored) => Ok(stored.remove(0)),
                        Err(undone) => undone.answer(),
                    });
                }
                answers
            }
        };
        for (job, answer) in group.into_iter().zip(answers) {
            // The request may have gone (its client left): the case is stored all the same,
            // and a retry with its key gets the receipt.
            let _ = job.reply.send(answer);
        }
    }

    /// One transaction for `cases`: each is stored or answered with its conflict, or the
    /// whole is undone.
    async fn try_group(
        &self,
        conn: Option<&mut sqlx::AnyConnection>,
        cases: &[&Queued],
    ) -> Result<Vec<Result<StoredCase, Conflict>>, Undone> {
        let mut outcome: Vec<Option<Conflict>> = vec![None; cases.len()];
        let mut w = self.write_on(conn).await?;
        let lock = match self.engine {
            super::Engine::Sqlite => "",
            super::Engine::Postgres => " FOR UPDATE",
        };

        // What the group needs to know, read in one statement (each statement is a round trip
        // while the write lock is held): the units left on its orders' lines, its photos not
        // yet in a case, its orders' open cases per type, whether the shop has webhooks, and
        // which case types have an assignment rule.
        let claims = |i: usize| cases[i].accepted.draft.case_type.kind().claims_units();
        let photos = |i: usize| {
            cases[i]
                .accepted
                .draft
                .evidence
                .iter()
                .filter(|e| e.kind == EvidenceKind::Photo)
                .map(|e| e.reference.as_str())
        };
        let mut read = Read::new(w.engine);
        let orders = dedup(
            (0..cases.len())
                .filter(|&i| claims(i))
                .map(|i| cases[i].order.number.as_str()),
        );
        if !orders.is_empty() {
            let list = read.list(&orders);
            read.with(format!(
                "units AS (SELECT order_number, line_id, quantity - claimed AS n FROM order_lines
                 WHERE order_number IN ({list}) ORDER BY order_number, line_id{lock})"
            ));
            read.select("SELECT 'u', order_number, line_id, CAST(n AS BIGINT) FROM units".into());
        }
        let ids = dedup((0..cases.len()).flat_map(photos));
        if !ids.is_empty() {
            let list = read.list(&ids);
            read.with(format!(
                "photos AS (SELECT id, order_number FROM evidence
                 WHERE case_id IS NULL AND id IN ({list}){lock})"
            ));
            read.select("SELECT 'p', id, order_number, CAST(0 AS BIGINT) FROM photos".into());
        }
        let orders = dedup(
            (0..cases.len())
                .filter(|&i| cases[i].open_limit.is_some())
                .map(|i| cases[i].order.number.as_str()),
        );
        if !orders.is_empty() {
            let list = read.list(&orders);
            read.select(format!(
                "SELECT 'o', order_number, kind, COUNT(*) FROM cases
                 WHERE order_number IN ({list})
                   AND status NOT IN ('rejected', 'withdrawn', 'confirmed_by_shopper', 'closed')
                 GROUP BY order_number, kind"
            ));
        }
        read.select("SELECT 'w', '', '', COUNT(*) FROM webhooks WHERE disabled_at IS NULL".into());
        read.select("SELECT 'r', kind, '', CAST(0 AS BIGINT) FROM assignment_rules".into());
        let mut left: HashMap<(String, String), i64> = HashMap::new();
        let mut free: HashMap<String, String> = HashMap::new();
        let mut open: HashMap<(String, String), i64> = HashMap::new();
        let mut endpoints = 0;
        let mut ruled: HashSet<String> = HashSet::new();
        for row in read.fetch(&mut w).await? {
            let (tag, a, b, n): (String, String, String, i64) = (
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            );
            match tag.as_str() {
                "u" => drop(left.insert((a, b), n)),
                "p" => drop(free.insert(a, b)),
                "o" => drop(open.insert((a, b), n)),
                "w" => endpoints = n,
                "r" => drop(ruled.insert(a)),
                _ => {}
            }
        }

        // Each case in arrival order, as if alone after the ones before it: its units left, its
        // photos free and this order's, its order under the limit of open cases of its type.
        for (i, c) in cases.iter().enumerate() {
            let number = &c.order.number;
            let mut wanted: HashMap<&str, i64> = HashMap::new();
            if claims(i) {
                for l in &c.accepted.draft.lines {
                    *wanted.entry(l.line_id.as_str()).or_default() += i64::from(l.quantity);
                }
            }
            let short = c.accepted.draft.lines.iter().find(|l| {
                wanted.get(l.line_id.as_str()).is_some_and(|n| {
                    left.get(&(number.clone(), l.line_id.clone()))
                        .is_none_or(|units| units < n)
                })
            });
            let conflict = if let Some(l) = short {
                Some(Conflict::Claimed {
                    line_id: l.line_id.clone(),
                })
            } else if let Some(id) = photos(i).find(|id| free.get(*id) != Some(number)) {
                Some(Conflict::Evidence {
                    reference: id.to_string(),
                })
            } else if c.open_limit.is_some_and(|limit| {
                open.get(&(number.clone(), kind(c).to_string()))
                    .is_some_and(|n| *n >= i64::from(limit))
            }) {
                Some(Conflict::TooManyOpen)
            } else {
                None
            };
            if conflict.is_some() {
                outcome[i] = conflict;
                continue;
            }
            for (line, n) in wanted {
                if let Some(units) = left.get_mut(&(number.clone(), line.to_string())) {
                    *units -= n;
                }
            }
            for id in photos(i) {
                free.remove(id);
            }
            *open
                .entry((number.clone(), kind(c).to_string()))
                .or_default() += 1;
        }
        let stored: Vec<usize> = (0..cases.len()).filter(|&i| outcome[i].is_none()).collect();
        if stored.is_empty() {
            w.commit().await?;
            return Ok(outcome.into_iter().flatten().map(Err).collect());
        }

        // The units taken, one statement for every line of the group.
        let mut taken: HashMap<(&str, &str), i64> = HashMap::new();
        for &i in stored.iter().filter(|&&i| claims(i)) {
            for l in &cases[i].accepted.draft.lines {
                *taken
                    .entry((cases[i].order.number.as_str(), l.line_id.as_str()))
                    .or_default() += i64::from(l.quantity);
            }
        }
        if !taken.is_empty() {
            let mut update = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE order_lines SET claimed = claimed + v.column3
                 FROM (VALUES {}) AS v
                 WHERE order_lines.order_number = v.column1 AND order_lines.line_id = v.column2
                   AND order_lines.claimed + v.column3 <= order_lines.quantity",
                placeholders(w.engine, taken.len(), 3)
            )));
            for ((order, line), n) in &taken {
                update = update.bind(*order).bind(*line).bind(*n);
            }
            let done = update.execute(&mut *w.tx).await?;
            if done.rows_affected() != taken.len() as u64 {
                return Err(Undone::Db(DbError(
                    "a line's units changed under the write lock".into(),
                )));
            }
        }

        // Round-robin assignment: each rule's turn moves once for all its cases in the group.
        let mut assignees: Vec<Option<String>> = vec![None; cases.len()];
        let kinds: Vec<&str> = dedup(
            stored
                .iter()
                .map(|&i| kind(cases[i]))
                .filter(|k| ruled.contains(*k)),
        );
        for k in kinds {
            let of_kind: Vec<usize> = stored
                .iter()
                .copied()
                .filter(|&i| kind(cases[i]) == k)
                .collect();
            let n = of_kind.len() as i64;
            let row = sqlx::query(
                "UPDATE assignment_rules SET next_turn = next_turn + $2 WHERE kind = $1
                 RETURNING staff_json, next_turn - $2",
            )
            .bind(k)
            .bind(n)
            .fetch_optional(&mut *w.tx)
            .await?;
            let Some(row) = row else { continue };
            let staff: Vec<String> = serde_json::from_str(&row.try_get::<String, _>(0)?)
                .map_err(|e| DbError(format!("assignment rule for {k}: {e}")))?;
            let first = usize::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0);
            if staff.is_empty() {
                continue;
            }
            for (turn, i) in of_kind.into_iter().enumerate() {
                assignees[i] = Some(staff[(first + turn) % staff.len()].clone());
            }
        }

        // The cases; a tracking number taken already is minted again.
        let mut made: Vec<Option<(i64, StoredCase)>> = vec![None; cases.len()];
        let mut pending: Vec<(usize, StoredCase, String)> = stored
            .iter()
            .map(|&i| (i, cases[i].first.clone(), cases[i].receipt_json.clone()))
            .collect();
        for _ in 0..5 {
            if pending.is_empty() {
                break;
            }
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO cases (tracking_number, kind, status, order_number, resolution, reason,
                 refund_minor, currency, needs_review, draft_json, created_at, respond_by, resolve_by,
                 holds_claim, contact_email, contact_phone, contact_channel, idempotency_key,
                 receipt_json, request_hash, assignee)
                 VALUES {}
                 ON CONFLICT(tracking_number) DO NOTHING
                 RETURNING id, tracking_number",
                placeholders(w.engine, pending.len(), 21)
            )));
            let mut minted: HashMap<String, (usize, StoredCase)> = HashMap::new();
            for (i, case, receipt) in pending {
                let c = cases[i];
                let draft = &c.accepted.draft;
                insert = insert
                    .bind(case.tracking_number.to_string())
                    .bind(kind(c))
                    .bind(case.status.code())
                    .bind(c.order.number.clone())
                    .bind(draft.resolution.map(|r| r.code()))
                    .bind(draft.reason.clone())
                    .bind(c.accepted.quote.as_ref().map(|q| q.total.minor))
                    .bind(c.order.currency.code())
                    .bind(i64::from(c.accepted.needs_review))
                    .bind(c.draft_json.clone())
                    .bind(c.now.to_rfc3339())
                    .bind(c.due.respond_by.to_rfc3339())
                    .bind(c.due.resolve_by.map(|t| t.to_rfc3339()))
                    .bind(i64::from(draft.case_type.kind().claims_units()))
                    .bind(normalise_email(&c.contact.email))
                    .bind(c.contact.phone.trim().to_string())
                    .bind(match c.contact.channel {
                        Channel::Email => "email",
                        Channel::Phone => "phone",
                    })
                    .bind(c.idempotency.as_ref().map(|(k, _)| k.clone()))
                    .bind(receipt)
                    .bind(c.idempotency.as_ref().map(|(_, h)| h.clone()))
                    .bind(assignees[i].clone());
                minted.insert(case.tracking_number.to_string(), (i, case));
            }
            let rows = match insert.fetch_all(&mut *w.tx).await {
                Ok(rows) => rows,
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(Undone::Conflict(Conflict::KeyTaken));
                }
                Err(e) => return Err(e.into()),
            };
            for row in rows {
                let tracking: String = row.try_get(1)?;
                if let Some((i, case)) = minted.remove(&tracking) {
                    made[i] = Some((row.try_get(0)?, case));
                }
            }
            // Taken already: minted again.
            pending = Vec::new();
            for (i, case) in minted.into_values() {
                let case = StoredCase {
                    tracking_number: (cases[i].mint)()?,
                    ..case
                };
                let receipt = (cases[i].case.receipt)(&case);
                pending.push((i, case, receipt));
            }
            pending.sort_unstable_by_key(|p| p.0);
        }
        if !pending.is_empty() {
            return Err(Undone::Db(DbError(
                "could not mint a unique tracking number".into(),
            )));
        }
        let made: Vec<(usize, i64, StoredCase)> = made
            .into_iter()
            .enumerate()
            .filter_map(|(i, m)| m.map(|(id, case)| (i, id, case)))
            .collect();

        // Their photos, lines and events.
        for &(i, id, _) in &made {
            for photo in photos(i) {
                let attached = sqlx::query(
                    "UPDATE evidence SET case_id = $1
                     WHERE id = $2 AND order_number = $3 AND case_id IS NULL",
                )
                .bind(id)
                .bind(photo)
                .bind(&cases[i].order.number)
                .execute(&mut *w.tx)
                .await?;
                if attached.rows_affected() != 1 {
                    return Err(Undone::Conflict(Conflict::Evidence {
                        reference: photo.to_string(),
                    }));
                }
            }
        }
        let lines: Vec<(i64, &aftersales_core::case::DraftLine)> = made
            .iter()
            .flat_map(|&(i, id, _)| cases[i].accepted.draft.lines.iter().map(move |l| (id, l)))
            .collect();
        if !lines.is_empty() {
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO case_lines (case_id, line_id, quantity, exchange_sku) VALUES {}",
                placeholders(w.engine, lines.len(), 4)
            )));
            for (id, l) in lines {
                insert = insert
                    .bind(id)
                    .bind(l.line_id.clone())
                    .bind(i64::from(l.quantity))
                    .bind(l.exchange_for.clone());
            }
            insert.execute(&mut *w.tx).await?;
        }
        let mut events = Vec::new();
        for &(i, id, _) in &made {
            for &(from, to, by, at) in &cases[i].events {
                events.push((id, from, to, by, at));
            }
        }
        let mut insert = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO case_events (case_id, from_status, to_status, actor, at) VALUES {}",
            placeholders(w.engine, events.len(), 5)
        )));
        for (id, from, to, by, at) in events {
            insert = insert
                .bind(id)
                .bind(from.map(Status::code))
                .bind(to.code())
                .bind(by.code())
                .bind(at.to_rfc3339());
        }
        insert.execute(&mut *w.tx).await?;

        // What the merchant's webhooks are sent, if it has any.
        if endpoints > 0 {
            let mut created = Vec::with_capacity(made.len());
            for &(i, _, ref case) in &made {
                created.push((
                    "case.created",
                    created_event(cases[i], case, assignees[i].as_deref()),
                    cases[i].now,
                ));
            }
            super::webhooks::enqueue_many(&mut w, created).await?;
        }
        w.commit().await?;

        let mut answers: Vec<Option<Result<StoredCase, Conflict>>> =
            outcome.into_iter().map(|c| c.map(Err)).collect();
        for (i, _, case) in made {
            answers[i] = Some(Ok(case));
        }
        answers
            .into_iter()
            .map(|a| a.ok_or_else(|| Undone::Db(DbError("a case of the group was lost".into()))))
            .collect()
    }
}

/// One statement of `WITH` parts and `UNION ALL`-ed selects of four columns (a tag, two texts, a
/// number), its values bound in the order they were listed.
struct Read<'a> {
    engine: super::Engine,
    with: Vec<String>,
    selects: Vec<String>,
    values: Vec<&'a str>,
}

impl<'a> Read<'a> {
    fn new(engine: super::Engine) -> Self {
        Read {
            engine,
            with: Vec::new(),
            selects: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Placeholders for `values`, numbered after those listed before (see [`super::marks`]).
    /// The parts must be added in the order their values are listed.
    fn list(&mut self, values: &[&'a str]) -> String {
        let first = self.values.len() + 1;
        self.values.extend_from_slice(values);
        super::marks(self.engine, first, values.len())
    }

    fn with(&mut self, part: String) {
        self.with.push(part);
    }

    fn select(&mut self, part: String) {
        self.selects.push(part);
    }

    /// Its rows, in the group's transaction.
    async fn fetch(
        self,
        w: &mut super::WriteTx<'_>,
    ) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
        let with = if self.with.is_empty() {
            String::new()
        } else {
            format!("WITH {} ", self.with.join(", "))
        };
        let sql = format!("{with}{}", self.selects.join(" UNION ALL "));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in self.values {
            query = query.bind(v);
        }
        query.fetch_all(&mut *w.tx).await
    }
}

/// Each value once, in first-seen order.
fn dedup<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(*v)).collect()
}

fn kind(c: &NewCase) -> &'static str {
    c.accepted.draft.case_type.kind().code()
}

/// The `case.created` event's data: the case by its tracking number and order, never the
/// shopper's e-mail.
fn created_event(c: &NewCase, case: &StoredCase, assignee: Option<&str>) -> serde_json::Value {
    let draft = &c.accepted.draft;
    serde_json::json!({
        "assignee": assignee,
        "tracking_number": case.tracking_number.as_str(),
        "order_number": c.order.number,
        "kind": kind(c),
        "status": case.status.code(),
        "resolution": draft.resolution.map(|r| r.code()),
        "reason": draft.reason,
        "lines": draft.lines.iter().map(|l| serde_json::json!({
            "line_id": l.line_id, "quantity": l.quantity, "exchange_sku": l.exchange_for,
        })).collect::<Vec<_>>(),
        "refund": c.accepted.quote.as_ref().map(|q| serde_json::json!({
            "amount_minor": q.total.minor, "currency": c.order.currency.code(),
        })),
        "needs_review": c.accepted.needs_review,
        "created_at": c.now,
        "respond_by": case.due.respond_by,
        "resolve_by": case.due.resolve_by,
    })
}
