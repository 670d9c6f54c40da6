//! A request about an order, of any kind: items (for the kinds that take them), then what
//! happened and what the shopper would like, then contact and one look at everything.
//!
//! Each part reads and writes the request's [`CaseStore`] and tells this component, through
//! callbacks, to move on or back; none of them decides what is allowed (core does).

mod details;
mod items;
mod review;

use crate::journeys::store::{Drafts, Part};
use crate::state::{LookedUp, Step};
use aftersales_core::case::CaseKind;
use leptos::prelude::*;
use std::sync::Arc;

/// The request journey for one kind.
#[component]
pub fn CaseJourney(
    /// The order found.
    found: Arc<LookedUp>,
    /// The kind of request.
    kind: CaseKind,
    /// The widget's step.
    step: RwSignal<Step>,
) -> impl IntoView {
    let drafts = expect_context::<Drafts>();
    let store = drafts.get(&found, kind);
    let to_choose = {
        let found = found.clone();
        Callback::new(move |()| step.set(Step::Choose(found.clone())))
    };
    let to = move |part: Part| Callback::new(move |()| store.part.set(part));
    let first_back = if store.has_items_part() {
        to(Part::Items)
    } else {
        to_choose
    };
    move || {
        let found = found.clone();
        match store.part.get() {
            Part::Items => view! {
                <items::ItemsPart found=found store=store on_back=to_choose on_next=to(Part::Details) />
            }
            .into_any(),
            Part::Details => view! {
                <details::DetailsPart found=found store=store on_back=first_back on_next=to(Part::Review) />
            }
            .into_any(),
            Part::Review => view! {
                <review::ReviewPart found=found store=store step=step on_back=to(Part::Details) />
            }
            .into_any(),
        }
    }
}

/// The id of the element showing `field`'s problem (`answers.what_happened` →
/// `as-err-answers-what_happened`), for `aria-describedby`.
pub(crate) fn error_id(field: &str) -> String {
    let safe: String = field
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("as-err-{safe}") // i18n-ok: an element id
}

/// The control a violation's field path belongs to: every line problem under the item list,
/// every evidence problem under the photos.
pub(crate) fn field_of(path: &str) -> String {
    let head = path.split(['[', '.']).next().unwrap_or(path);
    match head {
        "lines" | "evidence" | "reason" | "resolution" | "condition" | "description" => {
            head.to_string()
        }
        "answers" => path.to_string(),
        _ => "form".to_string(), // i18n-ok: a field key
    }
}

/// Moves focus to the first control marked invalid in the part, else to its error summary,
/// once the problems just set have reached the DOM (the next frame).
pub(crate) fn focus_first_problem(part: NodeRef<leptos::html::Div>) {
    request_animation_frame(move || focus_now(part));
}

fn focus_now(part: NodeRef<leptos::html::Div>) {
    use wasm_bindgen::JsCast;
    let Some(root) = part.get_untracked() else {
        return;
    };
    let target = root
        .query_selector("[aria-invalid=true]") // i18n-ok: a CSS selector
        .ok()
        .flatten()
        .or_else(|| root.query_selector(".as-alert").ok().flatten()); // i18n-ok: a CSS selector
    if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violation_paths_land_under_their_controls() {
        assert_eq!(field_of("lines[2].quantity"), "lines");
        assert_eq!(field_of("evidence[0].reference"), "evidence");
        assert_eq!(field_of("answers.what_happened"), "answers.what_happened");
        assert_eq!(field_of("reason"), "reason");
        assert_eq!(field_of("something_else"), "form");
        assert_eq!(
            error_id("answers.what_happened"),
            "as-err-answers-what_happened"
        );
    }
}
