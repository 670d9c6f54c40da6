//! The outbox: a submitted request is kept on the device until the shop has it.
//!
//! Sending a request first writes it to IndexedDB ([`Parcel`], with its idempotency key), then
//! sends it. An answer deletes it: a receipt (shown, or noted for the shopper if the form is
//! gone) or a refusal (its reason shown). Anything else — offline, a timeout, a dropped
//! connection, a 5xx, a `429` or `409` — leaves it kept and sent again: after an exponential
//! backoff with jitter (1 s doubling to 60 s, or the server's `Retry-After`), at once when the
//! browser says it is `online` again, and on the next open of the widget on this shop (after
//! a reload, a crash, a closed tab). The key makes every retry the same request: the server
//! answers it with the first case, never a second (`docs/api.md`, Idempotency-Key).
//!
//! At most [`WORKERS`] requests are in flight at once; the rest wait their turn. Where
//! IndexedDB is not available (some private modes), a request is still retried while the page
//! is open, and the form says to keep it open.

use crate::backend::{Backend, BackendError};
use crate::i18n::{tr, use_i18n, Msg};
use crate::idb;
use crate::state::{OutboxNote, OutboxNotes, Step, Submitted};
use aftersales_core::api::CaseReceipt;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The IndexedDB database and its one object store (keyed by idempotency key).
const KEPT: idb::Db = idb::Db {
    name: "aftersales-outbox", // i18n-ok: a database name
    store: "requests",         // i18n-ok: an object store name
};

/// Requests sent at once.
pub const WORKERS: usize = 4;

/// The first wait after a failure, and the longest.
const BACKOFF_FIRST_MS: f64 = 1_000.0;
const BACKOFF_MAX_MS: f64 = 60_000.0;

/// A request kept on the device until the shop has it: what to send, and what to show when
/// it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parcel {
    /// The idempotency key: the same for every attempt.
    pub key: String,
    /// The request, as the contract's JSON text (sent as it is: the outbox never needs to
    /// read it back).
    pub request: String,
    /// The order it is about (for the note when the form is gone).
    pub order_number: String,
    /// The items concerned (title, variant, units), for the receipt.
    pub lines: Vec<(String, Option<String>, u32)>,
    /// The shop's time zone, for the receipt.
    pub zone: aftersales_core::zone::ShopZone,
    /// When it was first saved (ms since the epoch).
    pub saved_at: f64,
    /// The backend it is for ([`Backend::target`]): another widget on the same site (another
    /// `data-api`, the `local` adapter) leaves it alone.
    #[serde(default)]
    pub target: String,
}

/// What the form that sent a request hears of it.
#[derive(Debug, Clone)]
pub enum Sending {
    /// The first attempt failed and it is kept for another: on this device (`true`), or only
    /// in this page (`false`, no IndexedDB).
    Kept(bool),
    /// The shop has it.
    Sent(CaseReceipt),
    /// The shop refused it; it is no longer kept.
    Refused(BackendError),
}

/// Hears what becomes of one request; answers `false` once the form that sent it is gone
/// (the outcome then becomes a note).
pub type Waiter = Rc<dyn Fn(Sending) -> bool>;

/// A form's way to send its request through the outbox: `pending` while the request is out,
/// `kept` while it waits on the device ("Saved on this device — sending…"). Made while the
/// form is set up; once the form is gone, outcomes become notes instead.
#[derive(Clone)]
pub struct FormSend {
    alive: Arc<std::sync::atomic::AtomicBool>,
    /// A request is out (the button says so; a second tap does nothing).
    pub pending: RwSignal<bool>,
    /// Why the request is still on its way, while it is kept.
    pub kept: RwSignal<Option<Msg>>,
}

impl FormSend {
    /// For the form being set up (registers its clean-up).
    pub fn mounted() -> FormSend {
        let alive = Arc::new(std::sync::atomic::AtomicBool::new(true));
        on_cleanup({
            let alive = alive.clone();
            move || alive.store(false, std::sync::atomic::Ordering::Relaxed)
        });
        FormSend {
            alive,
            pending: RwSignal::new(false),
            kept: RwSignal::new(None),
        }
    }

    /// Sends `request` under `key` (the same for every attempt); `lines` and `zone` are what
    /// its receipt shows. `on_kept(on_device)` hears that it is kept for another attempt;
    /// `done` hears the outcome, a receipt to show or a refusal (or the outbox's code not
    /// arriving: `Unreachable`).
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &self,
        backend: Arc<dyn Backend>,
        key: String,
        request: &aftersales_core::api::CreateCaseRequest,
        lines: Vec<(String, Option<String>, u32)>,
        zone: aftersales_core::zone::ShopZone,
        on_kept: impl Fn(bool) + 'static,
        done: impl Fn(Result<Submitted, BackendError>) + 'static,
    ) {
        if self.pending.get_untracked() {
            return;
        }
        let (pending, kept, alive) = (self.pending, self.kept, self.alive.clone());
        pending.set(true);
        let parcel = Parcel {
            key,
            order_number: request.order_number.clone(),
            request: serde_json::to_string(request).unwrap_or_default(),
            lines,
            zone,
            saved_at: js_sys::Date::now(),
            target: String::new(), // set by `submit`
        };
        let (number, lines, zone) = (
            parcel.order_number.clone(),
            parcel.lines.clone(),
            parcel.zone.clone(),
        );
        let done = Rc::new(done);
        let finish = done.clone();
        let waiter: Waiter = Rc::new(move |update| {
            if !alive.load(std::sync::atomic::Ordering::Relaxed) {
                return false;
            }
            match update {
                Sending::Kept(on_device) => {
                    on_kept(on_device);
                    kept.set(Some(if on_device {
                        Msg::OutboxKept
                    } else {
                        Msg::OutboxKeptHere
                    }));
                }
                Sending::Sent(receipt) => {
                    pending.set(false);
                    kept.set(None);
                    done(Ok(Submitted {
                        receipt,
                        order_number: number.clone(),
                        lines: lines.clone(),
                        zone: zone.clone(),
                    }));
                }
                Sending::Refused(e) => {
                    pending.set(false);
                    kept.set(None);
                    done(Err(e));
                }
            }
            true
        });
        leptos::task::spawn_local(async move {
            let sent = crate::journeys::lazy::submit_case(backend, parcel, waiter).await;
            if sent.is_err() {
                pending.set(false);
                let why = "the outbox's code was not fetched"; // i18n-ok: a diagnostic
                finish(Err(BackendError::Unreachable(why.into())));
            }
        });
    }
}

/// The delay before attempt `attempt + 1` (`attempt` ≥ 1 failures so far): `Retry-After` if
/// the server gave one, else 1 s doubling up to 60 s, times a random factor in [0.5, 1) so
/// that many devices do not retry in step. `random` is in [0, 1).
pub fn backoff_ms(attempt: u32, retry_after: Option<u32>, random: f64) -> f64 {
    if let Some(secs) = retry_after {
        return f64::from(secs.min(3_600)) * 1_000.0;
    }
    let base = BACKOFF_FIRST_MS * 2f64.powi(attempt.saturating_sub(1).min(16) as i32);
    base.min(BACKOFF_MAX_MS) * (0.5 + random.clamp(0.0, 1.0) / 2.0)
}

/// One request waiting its turn, with the backend it goes to (a page may hold widgets for
/// several backends).
struct Queued {
    backend: Arc<dyn Backend>,
    parcel: Parcel,
    /// Also kept in IndexedDB (else only in this page).
    on_device: bool,
    attempts: u32,
    /// Not before this instant (ms since the epoch).
    due: f64,
}

struct Outbox {
    notes: Option<OutboxNotes>,
    queue: VecDeque<Queued>,
    /// Keys being sent now.
    sending: Vec<String>,
    waiters: HashMap<String, Waiter>,
    workers: usize,
    listening: bool,
}

thread_local! {
    static OUTBOX: RefCell<Option<Outbox>> = const { RefCell::new(None) };
}

fn with<T>(f: impl FnOnce(&mut Outbox) -> T) -> Option<T> {
    OUTBOX.with(|o| o.borrow_mut().as_mut().map(f))
}

/// Sets the outbox up for this page (once; later calls update where notes go).
fn ensure(notes: Option<OutboxNotes>) {
    OUTBOX.with(|o| {
        let mut o = o.borrow_mut();
        match o.as_mut() {
            Some(b) => {
                if notes.is_some() {
                    b.notes = notes;
                }
            }
            None => {
                *o = Some(Outbox {
                    notes,
                    queue: VecDeque::new(),
                    sending: Vec::new(),
                    waiters: HashMap::new(),
                    workers: 0,
                    listening: false,
                })
            }
        }
    });
}

/// On opening the widget: sends whatever an earlier visit left on this device. Delivered
/// requests become `notes` the widget shows.
pub async fn wake(backend: Arc<dyn Backend>, notes: OutboxNotes) {
    ensure(Some(notes));
    let Ok(kept) = KEPT.all().await else {
        return;
    };
    let target = backend.target();
    for json in kept {
        match serde_json::from_str::<Parcel>(&json) {
            Ok(parcel) if parcel.target != target => {}
            Ok(parcel) => enqueue(backend.clone(), parcel, true),
            // Written by another version and not readable: it cannot be sent as it is.
            Err(_) => {
                if let Some(key) = key_of(&json) {
                    let _ = KEPT.delete(&key).await;
                }
            }
        }
    }
    run();
}

/// Keeps `parcel` on the device and sends it; `waiter` hears what becomes of it.
pub async fn submit(backend: Arc<dyn Backend>, mut parcel: Parcel, waiter: Waiter) {
    ensure(None);
    parcel.target = backend.target();
    let key = parcel.key.clone();
    let kept = match serde_json::to_string(&parcel) {
        Ok(json) => KEPT.put(&key, &json).await.is_ok(),
        Err(_) => false,
    };
    with(|o| o.waiters.insert(key, waiter));
    enqueue(backend, parcel, kept);
    run();
}

/// Queues `parcel` unless it is already waiting or being sent (a double tap, or the outbox
/// already had it): one send.
fn enqueue(backend: Arc<dyn Backend>, parcel: Parcel, on_device: bool) {
    with(|o| {
        if !o.sending.contains(&parcel.key) && !o.queue.iter().any(|q| q.parcel.key == parcel.key) {
            o.queue.push_back(Queued {
                backend,
                parcel,
                on_device,
                attempts: 0,
                due: 0.0,
            });
        }
    });
}

/// Starts workers up to [`WORKERS`] while there is work, and listens for `online`.
fn run() {
    let start = with(|o| {
        if !o.listening {
            o.listening = true;
            listen_online();
        }
        let want = o.queue.len().min(WORKERS).saturating_sub(o.workers);
        o.workers += want;
        want
    })
    .unwrap_or(0);
    for _ in 0..start {
        leptos::task::spawn_local(worker());
    }
}

/// Back online: everything waiting is due now.
fn listen_online() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let online = Closure::<dyn Fn()>::new(|| {
        with(|o| o.queue.iter_mut().for_each(|q| q.due = 0.0));
        run();
    });
    let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref()); // i18n-ok: an event name
    online.forget();
}

/// Sends one due request after another until none is left; sleeps until the next is due.
async fn worker() {
    loop {
        let now = js_sys::Date::now();
        let next = with(|o| {
            if o.queue.is_empty() {
                o.workers -= 1;
                return Err(None);
            }
            let due = o.queue.iter().position(|q| q.due <= now);
            match due.and_then(|i| o.queue.remove(i)) {
                Some(q) => {
                    o.sending.push(q.parcel.key.clone());
                    Ok(q)
                }
                None => Err(o.queue.iter().map(|q| q.due).reduce(f64::min)),
            }
        });
        match next {
            None | Some(Err(None)) => return,
            Some(Err(Some(due))) => sleep_until(due).await,
            Some(Ok(q)) => attempt(q).await,
        }
    }
}

async fn attempt(mut q: Queued) {
    let key = q.parcel.key.clone();
    let result = q
        .backend
        .submit_case_json(q.parcel.request.clone(), key.clone())
        .await;
    with(|o| o.sending.retain(|k| k != &key));
    match result {
        Err(e) if e.is_transient() => {
            q.attempts += 1;
            q.due = js_sys::Date::now()
                + backoff_ms(q.attempts, e.retry_after(), js_sys::Math::random());
            if q.attempts == 1 {
                tell(&key, Sending::Kept(q.on_device));
            }
            with(|o| o.queue.push_back(q));
        }
        outcome => {
            let _ = KEPT.delete(&key).await;
            let note = match &outcome {
                Ok(receipt) => OutboxNote::Sent(Arc::new(Submitted {
                    receipt: receipt.clone(),
                    order_number: q.parcel.order_number.clone(),
                    lines: q.parcel.lines.clone(),
                    zone: q.parcel.zone.clone(),
                })),
                Err(e) => OutboxNote::Refused {
                    order_number: q.parcel.order_number.clone(),
                    message: e.message(),
                },
            };
            let update = match outcome {
                Ok(receipt) => Sending::Sent(receipt),
                Err(e) => Sending::Refused(e),
            };
            if !tell(&key, update) {
                if let Some(Some(notes)) = with(|o| o.notes) {
                    notes.0.update(|n| n.push(note));
                }
            }
            with(|o| o.waiters.remove(&key));
        }
    }
}

/// Tells the form that sent `key`, if it is still there.
fn tell(key: &str, update: Sending) -> bool {
    let waiter = with(|o| o.waiters.get(key).cloned()).flatten();
    waiter.is_some_and(|w| w(update))
}

/// Waits until `due` (ms since the epoch), or until the browser is back online.
async fn sleep_until(due: f64) {
    let wait = (due - js_sys::Date::now()).clamp(0.0, BACKOFF_MAX_MS * 2.0);
    let done = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, wait as i32);
            let once = web_sys::AddEventListenerOptions::new();
            once.set_once(true);
            let _ = w.add_event_listener_with_callback_and_add_event_listener_options(
                "online", // i18n-ok: an event name
                &resolve, &once,
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
}

/// The notes on requests sent from this device after their form was gone, each with a way
/// to its receipt (shown above the step, see `widget`).
pub fn notes_view(notes: OutboxNotes, step: RwSignal<Step>) -> AnyView {
    let show = move |i: usize, to: Step| {
        notes.0.update(|n| {
            if i < n.len() {
                n.remove(i);
            }
        });
        step.set(to);
    };
    (move || {
        notes
            .0
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, note)| note_view(note, move |to| show(i, to)))
            .collect_view()
    })
    .into_any()
}

/// What became of a request sent from this device after its form was gone.
fn note_view(note: OutboxNote, show: impl Fn(Step) + Copy + 'static) -> AnyView {
    let i18n = use_i18n();
    match note {
        OutboxNote::Sent(sent) => {
            let text = {
                let sent = sent.clone();
                move || {
                    i18n.f(
                        Msg::OutboxSent,
                        &[
                            ("order", &sent.order_number),
                            ("number", &sent.receipt.tracking_number),
                        ],
                    )
                }
            };
            view! {
                <p class="as-note">{text}" "
                    <button class="as-button as-button--quiet" part="button" type="button"
                        on:click=move |_| show(Step::Done(sent.clone()))>{tr(Msg::OutboxShow)}</button>
                </p>
            }
            .into_any()
        }
        OutboxNote::Refused {
            order_number,
            message,
        } => view! {
            <p class="as-error" part="error">
                {move || i18n.f(Msg::OutboxRefused, &[("order", &order_number)])}" "{tr(message)}
            </p>
        }
        .into_any(),
    }
}

/// The key of a kept request that no longer reads as a [`Parcel`].
fn key_of(json: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()?
        .get("key")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_one_second_to_a_minute_with_jitter() {
        // Without jitter's spread (random = 1 → factor just under 1): 1, 2, 4, … 60 s.
        let top = |n| backoff_ms(n, None, 0.999_999).round();
        assert_eq!(top(1), 1_000.0);
        assert_eq!(top(2), 2_000.0);
        assert_eq!(top(3), 4_000.0);
        assert_eq!(top(7), 60_000.0, "capped");
        assert_eq!(top(400), 60_000.0, "no overflow after many failures");
        // Jitter: between half and all of the wait.
        assert_eq!(backoff_ms(3, None, 0.0), 2_000.0);
        assert!(backoff_ms(3, None, 0.5) > 2_000.0 && backoff_ms(3, None, 0.5) < 4_000.0);
        // The server's word wins, within an hour.
        assert_eq!(backoff_ms(1, Some(7), 0.3), 7_000.0);
        assert_eq!(backoff_ms(1, Some(u32::MAX), 0.3), 3_600_000.0);
    }

    #[test]
    fn a_kept_request_reads_back_as_it_was_written() {
        let parcel = Parcel {
            key: "w-abc".into(),
            request:
                r#"{"order_number":"1001","email":"mei@example.com","case":{"type":"question"}}"#
                    .into(),
            order_number: "1001".into(),
            lines: vec![("Kettle".into(), Some("Black".into()), 1)],
            zone: aftersales_core::policy::Policy::default().time_zone,
            saved_at: 1.0e12,
            target: "http /shop-api".into(),
        };
        let json = serde_json::to_string(&parcel).unwrap();
        assert_eq!(serde_json::from_str::<Parcel>(&json).unwrap(), parcel);
        assert_eq!(key_of(&json).as_deref(), Some("w-abc"));
        assert_eq!(key_of("{\"nokey\":1}"), None);
        assert_eq!(key_of("not json"), None);
    }
}
