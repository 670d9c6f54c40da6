//! One store per request being written: every answer of every step, so Back, a language
//! switch or a detour to "What do you need help with?" never loses what was entered.
//!
//! Stores are made under the widget's owner (not the step's), and kept per order and kind
//! until the order is left or the request is sent.

use crate::i18n::Msg;
use crate::journeys::saved;
use crate::state::LookedUp;
use aftersales_core::api::Channel;
use aftersales_core::case::{
    CaseDraft, CaseKind, CaseType, ComplaintAbout, DraftLine, EvidenceItem, EvidenceKind,
    LogisticsProblem,
};
use aftersales_core::resolution::{ItemCondition, Resolution};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The part of a request the shopper is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Which items, how many.
    Items,
    /// What happened, evidence, what they would like.
    Details,
    /// Contact, one look at everything, send.
    Review,
}

/// A photo being attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    /// The widget's own number for it.
    pub key: u32,
    /// `data:` address of a small preview of the photo.
    pub preview: String,
    /// Where its upload stands.
    pub state: Upload,
}

/// Where a photo's upload stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Upload {
    /// Being prepared or sent; the share sent.
    Sending(f64),
    /// Stored, under this reference.
    Stored(String),
    /// Refused or failed, with what to tell the shopper.
    Failed(Msg),
}

impl Upload {
    /// What tells one state from another in a list (the percentage sent, the reference, the
    /// message), without float formatting.
    pub fn key(&self) -> (u8, u32, String) {
        match self {
            Upload::Sending(f) => (0, (f.clamp(0.0, 1.0) * 1000.0) as u32, String::new()),
            Upload::Stored(id) => (1, 0, id.clone()),
            Upload::Failed(m) => (2, *m as u32, String::new()),
        }
    }
}

/// Everything a request holds while it is written.
#[derive(Clone, Copy)]
pub struct CaseStore {
    /// The kind of request.
    pub kind: CaseKind,
    /// Chosen lines and their units.
    pub quantities: RwSignal<BTreeMap<String, u32>>,
    /// The reason's code.
    pub reason: RwSignal<Option<String>>,
    /// Answers to the reason's questions, by question id.
    pub answers: RwSignal<BTreeMap<String, String>>,
    /// The item's condition, when asked.
    pub condition: RwSignal<Option<ItemCondition>>,
    /// What the shopper would like.
    pub resolution: RwSignal<Option<Resolution>>,
    /// For an exchange: the variant wanted instead, by line (absent: the same item).
    pub exchange_for: RwSignal<BTreeMap<String, String>>,
    /// A delivery problem's kind.
    pub problem: RwSignal<Option<LogisticsProblem>>,
    /// A complaint's subject.
    pub about: RwSignal<Option<ComplaintAbout>>,
    /// Free text.
    pub description: RwSignal<String>,
    /// Photos attached.
    pub photos: RwSignal<Vec<Photo>>,
    /// A video link, when the reason asks for one.
    pub video: RwSignal<String>,
    /// Contact e-mail (prefilled from the lookup).
    pub email: RwSignal<String>,
    /// Contact phone.
    pub phone: RwSignal<String>,
    /// Preferred channel.
    pub channel: RwSignal<Channel>,
    /// The part shown.
    pub part: RwSignal<Part>,
    /// Problems found, by field path (`lines`, `reason`, `answers.what_happened`, …).
    pub problems: RwSignal<Vec<(String, Msg)>>,
    /// The request's idempotency key: the same for every retry of this request.
    pub key: StoredValue<String>,
    next_photo: StoredValue<u32>,
}

impl CaseStore {
    fn new(kind: CaseKind, found: &LookedUp, carried: String) -> CaseStore {
        let first = if kind.claims_units() || kind == CaseKind::Repair {
            Part::Items
        } else {
            Part::Details
        };
        CaseStore {
            kind,
            quantities: RwSignal::new(BTreeMap::new()),
            reason: RwSignal::new(None),
            answers: RwSignal::new(BTreeMap::new()),
            condition: RwSignal::new(None),
            resolution: RwSignal::new(None),
            exchange_for: RwSignal::new(BTreeMap::new()),
            problem: RwSignal::new(None),
            about: RwSignal::new(None),
            description: RwSignal::new(carried),
            photos: RwSignal::new(Vec::new()),
            video: RwSignal::new(String::new()),
            email: RwSignal::new(found.request.email.clone()),
            phone: RwSignal::new(String::new()),
            channel: RwSignal::new(Channel::Email),
            part: RwSignal::new(first),
            problems: RwSignal::new(Vec::new()),
            key: StoredValue::new(new_key()),
            next_photo: StoredValue::new(0),
        }
    }

    /// Whether this kind starts by choosing items.
    pub fn has_items_part(&self) -> bool {
        self.kind.claims_units() || self.kind == CaseKind::Repair
    }

    /// The draft as it stands: what the engine checks and the server receives.
    pub fn draft(&self) -> CaseDraft {
        let case_type = match self.kind {
            CaseKind::Return => CaseType::Return,
            CaseKind::Exchange => CaseType::Exchange,
            CaseKind::Repair => CaseType::Repair,
            CaseKind::Reshipment => CaseType::Reshipment,
            CaseKind::Compensation => CaseType::Compensation,
            CaseKind::Complaint => CaseType::Complaint {
                about: self.about.get().unwrap_or(ComplaintAbout::Product),
            },
            CaseKind::LogisticsIssue => CaseType::LogisticsIssue {
                problem: self.problem.get().unwrap_or(LogisticsProblem::Lost),
            },
            CaseKind::Question => CaseType::Question,
        };
        let mut evidence: Vec<EvidenceItem> = self
            .photos
            .get()
            .into_iter()
            .filter_map(|p| match p.state {
                Upload::Stored(id) => Some(EvidenceItem {
                    kind: EvidenceKind::Photo,
                    reference: id,
                }),
                _ => None,
            })
            .collect();
        let video = self.video.get();
        if !video.trim().is_empty() {
            evidence.push(EvidenceItem {
                kind: EvidenceKind::VideoLink,
                reference: video.trim().to_string(),
            });
        }
        let resolution = self.resolution.get();
        let swaps = self.exchange_for.get();
        CaseDraft {
            case_type,
            lines: self
                .quantities
                .get()
                .into_iter()
                .map(|(line_id, quantity)| DraftLine {
                    exchange_for: swaps
                        .get(&line_id)
                        .filter(|_| resolution == Some(Resolution::Exchange))
                        .cloned(),
                    line_id,
                    quantity,
                })
                .collect(),
            resolution,
            reason: self.reason.get(),
            condition: self.condition.get(),
            answers: self
                .answers
                .get()
                .into_iter()
                .filter(|(_, a)| !a.trim().is_empty())
                .collect(),
            evidence,
            description: self.description.get().trim().to_string(),
        }
    }

    /// A fresh number for a photo.
    pub fn photo_key(&self) -> u32 {
        let k = self.next_photo.get_value();
        self.next_photo.set_value(k + 1);
        k
    }

    /// The problem shown for `field` (the first one), if any.
    pub fn problem(&self, field: &str) -> Option<Msg> {
        self.problems
            .with(|p| p.iter().find(|(f, _)| f == field).map(|(_, m)| *m))
    }

    /// Clears the problems of `field` once the shopper changes it.
    pub fn fixed(&self, field: &str) {
        if self
            .problems
            .with_untracked(|p| p.iter().any(|(f, _)| f == field))
        {
            self.problems.update(|p| p.retain(|(f, _)| f != field));
        }
    }
}

/// The stores of the order being worked on, kept under the widget's owner.
#[derive(Clone)]
pub struct Drafts {
    owner: Owner,
    stores: StoredValue<Vec<(String, CaseStore)>>,
    carried: StoredValue<String>,
}

impl Drafts {
    /// Stores owned by the current owner (the widget).
    pub fn new() -> Drafts {
        Drafts {
            owner: Owner::current().unwrap_or_default(),
            stores: StoredValue::new(Vec::new()),
            carried: StoredValue::new(String::new()),
        }
    }

    /// Text the next new request starts its description with: what the shopper searched for
    /// before "I still need help".
    pub fn carry(&self, text: &str) {
        self.carried.set_value(text.trim().to_string());
    }

    /// The store of `kind` for the order `found`, made on first use.
    pub fn get(&self, found: &LookedUp, kind: CaseKind) -> CaseStore {
        let number = &found.response.order.number;
        if let Some(s) = self.stores.with_value(|all| {
            all.iter()
                .find(|(n, s)| n == number && s.kind == kind)
                .map(|(_, s)| *s)
        }) {
            return s;
        }
        let carried = self.carried.with_value(|c| c.clone());
        self.carried.set_value(String::new());
        let order = number.clone();
        let store = self.owner.with(move || {
            let store = CaseStore::new(kind, found, carried);
            let now = || crate::state::device_now().timestamp_millis();
            // A draft left on this device (a reload, a later visit) comes back as it was,
            // and every change from now on is saved.
            if let Some(saved) = saved::load(&order, kind, now()) {
                saved.restore(&store);
            }
            Effect::new(move |_| saved::save(&order, kind, &saved::Saved::of(&store, now())));
            store
        });
        self.stores.update_value(|all| {
            // Another order's drafts are dropped: a shopper works on one order at a time.
            all.retain(|(n, _)| n == number);
            all.push((number.clone(), store));
        });
        store
    }

    /// Forgets the store of a sent request, and its saved draft.
    pub fn forget(&self, store: CaseStore) {
        self.stores.update_value(|all| {
            all.retain(|(order, s)| {
                let same = s.key.get_value() == store.key.get_value();
                if same {
                    saved::discard(order, s.kind);
                }
                !same
            })
        });
    }

    /// Drops the draft of `kind` on `order`: in memory and on the device ("Discard").
    pub fn discard(&self, order: &str, kind: CaseKind) {
        saved::discard(order, kind);
        self.stores
            .update_value(|all| all.retain(|(n, s)| !(n == order && s.kind == kind)));
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts::new()
    }
}

/// A random key for one request (not a secret: it only tells retries apart from new requests).
fn new_key() -> String {
    let mut out = String::from("w-"); // i18n-ok: a key prefix
    for _ in 0..4 {
        let n = (js_random() * f64::from(u32::MAX)) as u32;
        out.push_str(&format!("{n:08x}"));
    }
    out
}

#[cfg(target_arch = "wasm32")]
fn js_random() -> f64 {
    js_sys::Math::random()
}

#[cfg(not(target_arch = "wasm32"))]
fn js_random() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    f64::from(nanos % 1_000_000) / 1_000_000.0
}
