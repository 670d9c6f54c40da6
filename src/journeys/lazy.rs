//! The journeys past the first screen, each fetched when the shopper first needs it.
//!
//! Built with the `split` feature (the release bundle, `scripts/build-bundle`), every function
//! here is a split point: its view and everything only it reaches (the case forms, evidence,
//! tracking, survey, answers, withdrawal, their parsing and checks) go into the chunk named
//! first in its `split!` line, which the browser fetches on first use (and in idle time after
//! the first screen, see [`preload`]). A chunk that does not arrive is [`NotLoaded`]: the step
//! says so and offers to try again; nothing the shopper entered is lost. Without the feature
//! (tests, `cargo check`) they are plain async functions that resolve at once.

use crate::backend::{Backend, HttpBackend};
use crate::journeys::{
    CaseJourney, CaseStatusView, ChooseView, HelpView, PolicyView, ReceiptView, TrackForm,
    WithdrawView, WithdrawnView,
};
use crate::outbox::{Parcel, Waiter};
use crate::state::{Followed, LookedUp, OutboxNotes, Step, Submitted};
use aftersales_core::case::CaseKind;
use aftersales_core::follow::CaseAccess;
use aftersales_core::withdrawal::WithdrawalReceipt;
use leptos::prelude::*;
use std::sync::Arc;

/// A chunk of the widget that could not be fetched (offline, or the server failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotLoaded;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// `split!(chunk, preload_name, fn name(args) -> T { body })`: an async `name` that fetches
/// `chunk` (once) and then runs `body` in it; `preload_name` fetches it without running.
macro_rules! split {
    ($(#[$doc:meta])* $chunk:ident, $preload:ident, fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty $body:block) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible, preload(#[allow(dead_code)] $preload))]
        pub fn $name($($arg: $ty),*) -> Result<$ret, NotLoaded> {
            Ok($body)
        }

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        pub async fn $name($($arg: $ty),*) -> Result<$ret, NotLoaded> {
            Ok($body)
        }
    };
}

split! {
    /// The policy in short (its own chunk: the lookup form does not need it).
    policy, preload_policy, fn policy(step: RwSignal<Step>, policy_url: Option<String>) -> AnyView {
        view! { <PolicyView step=step policy_url=policy_url /> }.into_any()
    }
}

split! {
    /// "What do you need help with?"
    request, preload_request, fn choose(found: Arc<LookedUp>, step: RwSignal<Step>) -> AnyView {
        view! { <ChooseView found=found step=step /> }.into_any()
    }
}

split! {
    /// A request of one kind: items, details, evidence, review.
    request, preload_case, fn case(found: Arc<LookedUp>, kind: CaseKind, step: RwSignal<Step>) -> AnyView {
        view! { <CaseJourney found=found kind=kind step=step /> }.into_any()
    }
}

split! {
    /// The receipt with the tracking number.
    request, preload_receipt, fn receipt(sent: Arc<Submitted>, step: RwSignal<Step>) -> AnyView {
        view! { <ReceiptView sent=sent step=step /> }.into_any()
    }
}

split! {
    /// The tracking form.
    follow, preload_follow, fn track(opening: Option<Arc<CaseAccess>>, step: RwSignal<Step>) -> AnyView {
        view! { <TrackForm step=step opening=opening /> }.into_any()
    }
}

split! {
    /// A followed case: status, promise, messages, confirmation, survey.
    follow, preload_tracked, fn tracked(followed: Arc<Followed>, step: RwSignal<Step>) -> AnyView {
        view! { <CaseStatusView followed=followed step=step /> }.into_any()
    }
}

split! {
    /// The shop's answers.
    help, preload_help, fn help(found: Option<Arc<LookedUp>>, step: RwSignal<Step>) -> AnyView {
        view! { <HelpView found=found step=step /> }.into_any()
    }
}

split! {
    /// The withdrawal form.
    withdraw, preload_withdraw, fn withdraw(found: Arc<LookedUp>, step: RwSignal<Step>) -> AnyView {
        view! { <WithdrawView found=found step=step /> }.into_any()
    }
}

split! {
    /// The withdrawal's acknowledgement.
    withdraw, preload_withdrawn, fn withdrawn(receipt: Arc<WithdrawalReceipt>) -> AnyView {
        view! { <WithdrawnView receipt=receipt /> }.into_any()
    }
}

split! {
    /// The `/v1` HTTP adapter: its requests, their JSON and its error handling.
    backend, preload_backend, fn http_backend(api: String) -> Arc<dyn Backend> {
        Arc::new(HttpBackend::new(&api))
    }
}

split! {
    /// The outbox, woken when the widget opens: sends what an earlier visit left on this
    /// device (see `crate::outbox`).
    outbox, preload_outbox, fn wake_outbox(backend: Arc<dyn Backend>, notes: OutboxNotes) -> () {
        leptos::task::spawn_local(crate::outbox::wake(backend, notes));
    }
}

split! {
    /// The `local` adapter: orders and policy from files, the core engine, IndexedDB.
    local, preload_local, fn local_backend(files: crate::local::Files) -> Arc<dyn Backend> {
        Arc::new(crate::local::LocalBackend::new(files))
    }
}

split! {
    /// The `medusa` adapter: Medusa v2's Store API.
    medusa, preload_medusa, fn medusa_backend(settings: crate::medusa::Settings) -> Arc<dyn Backend> {
        Arc::new(crate::medusa::MedusaBackend::new(settings))
    }
}

split! {
    /// Sends a request through the outbox (kept on the device until the shop answers).
    outbox, preload_outbox_submit, fn submit_case(backend: Arc<dyn Backend>, parcel: Parcel, waiter: Waiter) -> () {
        leptos::task::spawn_local(crate::outbox::submit(backend, parcel, waiter));
    }
}

split! {
    /// What became of requests sent from this device after their form was gone.
    outbox, preload_outbox_notes, fn outbox_notes(notes: OutboxNotes, step: RwSignal<Step>) -> AnyView {
        crate::outbox::notes_view(notes, step)
    }
}

thread_local! {
    /// The outbox to wake once the first screen is up (see [`wake_outbox_later`]).
    static WAKE: std::cell::RefCell<Option<(Arc<dyn Backend>, OutboxNotes)>> =
        const { std::cell::RefCell::new(None) };
}

/// Asks [`preload`] to wake the outbox (send what an earlier visit left on this device) once
/// the first screen is up and the adapter's code is here, not while the first step is drawn.
pub fn wake_outbox_later(backend: Arc<dyn Backend>, notes: OutboxNotes) {
    WAKE.with(|w| *w.borrow_mut() = Some((backend, notes)));
}

/// Fetches every chunk the shopper may need next, without running any, and wakes the outbox
/// after the adapter: called once the first screen is mounted, so the next step opens at once.
/// A failed fetch here is ignored (the step itself fetches again and says so if it still fails).
pub fn preload() {
    leptos::task::spawn_local(async {
        // The order a shopper most often goes: find the order, make a request, then the rest.
        #[cfg(feature = "split")]
        let _ = preload_backend().await;
        if let Some((backend, notes)) = WAKE.with(|w| w.borrow_mut().take()) {
            let _ = wake_outbox(backend, notes).await;
        }
        #[cfg(feature = "split")]
        {
            let _ = preload_request().await;
            let _ = preload_policy().await;
            let _ = preload_help().await;
            let _ = preload_follow().await;
            let _ = preload_withdraw().await;
        }
    });
}
