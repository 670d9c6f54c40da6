//! Drafts survive a reload: every change to a request is saved in the browser's
//! `localStorage` (photos as their stored reference and small preview), per order and kind,
//! for 7 days, or until the order no longer allows that kind (its window closed: the choice
//! step drops it). Finding the same order again offers to continue or discard.
//!
//! Nothing is saved that the shopper did not type or choose: no order data, no credentials
//! beyond the contact they entered. The whole draft is bounded ([`MAX_BYTES`]): past it the
//! previews are dropped (the photos stay attached by reference).

use crate::journeys::store::{CaseStore, Part, Photo, Upload};
use aftersales_core::api::Channel;
use aftersales_core::case::{CaseKind, ComplaintAbout, LogisticsProblem};
use aftersales_core::resolution::{ItemCondition, Resolution};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long a draft is kept.
pub const KEEP_MS: i64 = 7 * 24 * 3600 * 1000;
/// Largest draft saved, in bytes of JSON.
pub const MAX_BYTES: usize = 1_000_000;
const PREFIX: &str = "as-draft:"; // i18n-ok: a storage key

/// What is saved of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// When, in milliseconds since the epoch.
    pub saved_at: i64,
    part: u8,
    quantities: BTreeMap<String, u32>,
    reason: Option<String>,
    answers: BTreeMap<String, String>,
    condition: Option<ItemCondition>,
    resolution: Option<Resolution>,
    exchange_for: BTreeMap<String, String>,
    problem: Option<LogisticsProblem>,
    about: Option<ComplaintAbout>,
    description: String,
    /// Stored photos: reference and preview.
    photos: Vec<(String, String)>,
    video: String,
    email: String,
    phone: String,
    channel: Channel,
    key: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn key_of(order: &str, kind: CaseKind) -> String {
    format!("{PREFIX}{order}:{}", kind.code()) // i18n-ok: a storage key
}

impl Saved {
    /// The store's state now (read reactively: an effect calling this re-runs on each change).
    pub fn of(store: &CaseStore, now_ms: i64) -> Saved {
        Saved {
            saved_at: now_ms,
            part: match store.part.get() {
                Part::Items => 0,
                Part::Details => 1,
                Part::Review => 2,
            },
            quantities: store.quantities.get(),
            reason: store.reason.get(),
            answers: store.answers.get(),
            condition: store.condition.get(),
            resolution: store.resolution.get(),
            exchange_for: store.exchange_for.get(),
            problem: store.problem.get(),
            about: store.about.get(),
            description: store.description.get(),
            photos: store.photos.with(|ps| {
                ps.iter()
                    .filter_map(|p| match &p.state {
                        Upload::Stored(id) => Some((id.clone(), p.preview.clone())),
                        _ => None,
                    })
                    .collect()
            }),
            video: store.video.get(),
            email: store.email.get(),
            phone: store.phone.get(),
            channel: store.channel.get(),
            key: store.key.get_value(),
        }
    }

    /// Puts the saved state back into a fresh store.
    pub fn restore(self, store: &CaseStore) {
        store.part.set(match self.part {
            0 if store.has_items_part() => Part::Items,
            2 => Part::Review,
            _ => Part::Details,
        });
        store.quantities.set(self.quantities);
        store.reason.set(self.reason);
        store.answers.set(self.answers);
        store.condition.set(self.condition);
        store.resolution.set(self.resolution);
        store.exchange_for.set(self.exchange_for);
        store.problem.set(self.problem);
        store.about.set(self.about);
        store.description.set(self.description);
        let photos = self
            .photos
            .into_iter()
            .map(|(id, preview)| Photo {
                key: store.photo_key(),
                preview,
                state: Upload::Stored(id),
            })
            .collect();
        store.photos.set(photos);
        store.video.set(self.video);
        if !self.email.is_empty() {
            store.email.set(self.email);
        }
        store.phone.set(self.phone);
        store.channel.set(self.channel);
        store.key.set_value(self.key);
    }

    /// Whether anything was entered (an untouched request is not worth offering back).
    pub fn is_blank(&self) -> bool {
        self.quantities.is_empty()
            && self.reason.is_none()
            && self.description.trim().is_empty()
            && self.photos.is_empty()
            && self.about.is_none()
            && self.problem.is_none()
    }

    /// The JSON to store, within [`MAX_BYTES`] (previews dropped when needed).
    pub fn to_bounded_json(&self) -> Option<String> {
        let json = serde_json::to_string(self).ok()?;
        if json.len() <= MAX_BYTES {
            return Some(json);
        }
        let mut lean = self.clone();
        for p in &mut lean.photos {
            p.1.clear();
        }
        serde_json::to_string(&lean)
            .ok()
            .filter(|j| j.len() <= MAX_BYTES)
    }
}

/// Saves (or, for an untouched request, removes) the draft of `kind` on `order`.
pub fn save(order: &str, kind: CaseKind, saved: &Saved) {
    let Some(s) = storage() else { return };
    let key = key_of(order, kind);
    match saved.to_bounded_json().filter(|_| !saved.is_blank()) {
        // A full or refused storage loses only the autosave, never the request on screen.
        Some(json) => {
            let _ = s.set_item(&key, &json);
        }
        None => {
            let _ = s.remove_item(&key);
        }
    }
}

/// The saved draft of `kind` on `order`, if one is younger than [`KEEP_MS`] at `now_ms`
/// (an older or unreadable one is removed).
pub fn load(order: &str, kind: CaseKind, now_ms: i64) -> Option<Saved> {
    let s = storage()?;
    let key = key_of(order, kind);
    let json = s.get_item(&key).ok()??;
    match serde_json::from_str::<Saved>(&json) {
        Ok(saved) if now_ms - saved.saved_at < KEEP_MS => Some(saved),
        _ => {
            let _ = s.remove_item(&key);
            None
        }
    }
}

/// Forgets the draft of `kind` on `order` (sent, or discarded by the shopper).
pub fn discard(order: &str, kind: CaseKind) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key_of(order, kind));
    }
}

/// The kinds with a saved draft on `order`, in the choice's order.
pub fn kinds_saved(order: &str, now_ms: i64) -> Vec<CaseKind> {
    aftersales_core::options::CHOOSABLE
        .iter()
        .copied()
        .filter(|k| load(order, *k, now_ms).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(preview_bytes: usize) -> Saved {
        Saved {
            saved_at: 1,
            part: 1,
            quantities: BTreeMap::from([("l1".into(), 2)]),
            reason: Some("defective".into()),
            answers: BTreeMap::new(),
            condition: None,
            resolution: Some(Resolution::Refund),
            exchange_for: BTreeMap::new(),
            problem: None,
            about: None,
            description: "It hums.".into(),
            photos: vec![("ph_1".into(), "x".repeat(preview_bytes))],
            video: String::new(),
            email: "a@b.c".into(),
            phone: String::new(),
            channel: Channel::Email,
            key: "w-1".into(),
        }
    }

    #[test]
    fn a_draft_is_kept_whole_or_without_previews_but_never_over_the_bound() {
        let small = saved(10);
        let json = small.to_bounded_json().unwrap();
        assert_eq!(serde_json::from_str::<Saved>(&json).unwrap(), small);
        let big = saved(MAX_BYTES);
        let json = big.to_bounded_json().unwrap();
        assert!(json.len() <= MAX_BYTES);
        let back: Saved = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.photos,
            vec![("ph_1".to_string(), String::new())],
            "the photo stays attached"
        );
        assert!(!small.is_blank());
        let blank = Saved {
            quantities: BTreeMap::new(),
            reason: None,
            description: " ".into(),
            photos: vec![],
            ..small
        };
        assert!(blank.is_blank());
    }
}
