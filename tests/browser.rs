//! Component tests in headless Chromium: the widget mounted into a real shadow root, driven
//! through its DOM. The backend here is an in-memory fake; the real HTTP backend is driven by
//! the Playwright journeys in `e2e/` against the real server.
#![cfg(target_arch = "wasm32")]

use aftersales_core::api::{
    CaseReceipt, Channel, Contact, CreateCaseRequest, ErrorDetail, EvidenceReceipt, LookupRequest,
    LookupResponse,
};
use aftersales_core::case::{CaseDraft, CaseKind, CaseType, DraftLine, Quote, QuoteLine};
use aftersales_core::follow::CaseAccess;
use aftersales_core::lifecycle::Status;
use aftersales_core::money::{Currency, Money};
use aftersales_core::order::{Line, Order};
use aftersales_core::policy::Policy;
use aftersales_core::reasons::Fault;
use aftersales_core::resolution::{ItemCondition, Resolution};
use aftersales_core::tracking::TrackingNumber;
use aftersales_widget::backend::{Backend, BackendError, Capabilities, LocalFuture, Progress};
use aftersales_widget::config::WidgetConfig;
use aftersales_widget::embed::{mount_shadow, mount_with_backend, shadow_root};
use aftersales_widget::state::device_now;
use chrono::Duration;
use std::sync::{Arc, Mutex};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// An in-memory backend with one order and a record of what was submitted.
struct FakeBackend {
    order: Order,
    email: String,
    policy: Policy,
    submitted: Mutex<Vec<(CreateCaseRequest, String)>>,
}

impl FakeBackend {
    fn new() -> FakeBackend {
        let now = device_now();
        let line = |id: &str, title: &str, days_ago: i64, qty: u32| Line {
            id: id.into(),
            sku: id.into(),
            title: title.into(),
            variant: None,
            image_url: None,
            exchange_options: vec![],
            category: "home".into(),
            tags: vec![],
            final_sale: false,
            unit_price: 4_900,
            discount: 0,
            quantity: qty,
            quantity_claimed: 0,
            status: None,
            fulfilled_at: None,
            delivered_at: Some(now - Duration::days(days_ago)),
        };
        FakeBackend {
            order: Order {
                number: "A-1".into(),
                placed_at: now - Duration::days(20),
                currency: Currency::new("EUR").unwrap(),
                shipping_country: None,
                lines: vec![
                    line("fresh", "Linen towel", 1, 3),
                    line("old", "Wool blanket", 15, 1),
                ],
            },
            email: "ana@example.com".into(),
            policy: Policy::default(),
            submitted: Mutex::new(Vec::new()),
        }
    }
}

impl Backend for FakeBackend {
    /// Photos only: finding cases, answers and withdrawals are left to the optional
    /// operations' defaults (the Playwright journeys drive them against the real server).
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            evidence: true,
            ..Capabilities::NONE
        }
    }

    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>> {
        let result = if req.order_number == self.order.number && req.email == self.email {
            Ok(LookupResponse {
                order: self.order.clone(),
                policy: self.policy.clone(),
                server_time: device_now(),
                open_cases: vec![],
            })
        } else {
            Err(BackendError::Refused(ErrorDetail {
                code: "order_not_found".into(),
                message: "We could not find an order with that number and e-mail address.".into(),
                field: None,
                violations: vec![],
            }))
        };
        Box::pin(async move { result })
    }

    fn policy(&self) -> LocalFuture<Result<Policy, BackendError>> {
        Box::pin(async { Ok(Policy::default()) })
    }

    fn submit_case(
        &self,
        req: CreateCaseRequest,
        idempotency_key: String,
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        self.submitted
            .lock()
            .unwrap()
            .push((req.clone(), idempotency_key));
        let eur = Currency::new("EUR").unwrap();
        let quantity = req.case.lines[0].quantity;
        let paid = Money::new(4_900 * i64::from(quantity), eur);
        let receipt = CaseReceipt {
            tracking_number: TrackingNumber::from_random([7, 1, 4, 30, 9, 22, 5, 17, 0, 12])
                .to_string(),
            kind: CaseKind::Return,
            status: Status::Submitted,
            quote: Some(Quote {
                lines: vec![QuoteLine {
                    line_id: req.case.lines[0].line_id.clone(),
                    quantity,
                    paid,
                    restocking_fee: Money::zero(eur),
                }],
                return_shipping_fee: Money::zero(eur),
                total: paid,
                fees_borne_by: Fault::Shopper,
                bonus: None,
            }),
            created_at: device_now(),
            respond_by: device_now() + Duration::hours(48),
            resolve_by: None,
            link_token: String::new(),
        };
        Box::pin(async move { Ok(receipt) })
    }

    fn upload_evidence(
        &self,
        _credentials: LookupRequest,
        photo: web_sys::Blob,
        progress: Progress,
    ) -> LocalFuture<Result<EvidenceReceipt, BackendError>> {
        progress(1.0);
        let bytes = photo.size() as u64;
        Box::pin(async move {
            Ok(EvidenceReceipt {
                id: "ph_TEST".into(),
                sha256: String::new(),
                width: 1,
                height: 1,
                bytes,
            })
        })
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Polls until `cond` holds (reactive updates land asynchronously), failing after 2 s.
async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

fn host() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

fn find(root: &ShadowRoot, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.dyn_into().unwrap())
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    find(root, selector)
        .map(|e| e.inner_text())
        .unwrap_or_default()
}

fn fire(el: &HtmlElement, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

fn type_into(root: &ShadowRoot, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector).unwrap().dyn_into().unwrap();
    input.set_value(value);
    fire(&input, "input");
}

fn button(root: &ShadowRoot, label: &str) -> HtmlElement {
    let all = root.query_selector_all("button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.dyn_into::<HtmlElement>().unwrap())
        .find(|b| b.inner_text().trim() == label)
        .unwrap_or_else(|| panic!("no button {label:?}"))
}

fn mount(backend: Arc<FakeBackend>) -> ShadowRoot {
    mount_on(&host(), backend)
}

fn mount_on(host: &HtmlElement, backend: Arc<FakeBackend>) -> ShadowRoot {
    mount_with(host, backend, r#"{"locale":"en"}"#)
}

fn mount_with(host: &HtmlElement, backend: Arc<FakeBackend>, config: &str) -> ShadowRoot {
    // Every test shares one page: a draft an earlier test left on the "device" would come
    // back in this one (the widget restoring it is right; the tests start fresh).
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root = shadow_root(host).unwrap();
    mount_with_backend(host, &root, backend, &WidgetConfig::parse(config).unwrap()).unwrap();
    root
}

fn select(root: &ShadowRoot, selector: &str, value: &str) {
    let s: HtmlSelectElement = find(root, selector).unwrap().dyn_into().unwrap();
    s.set_value(value);
    fire(&s, "change");
}

/// The element focused inside the widget's shadow root.
fn focused(root: &ShadowRoot) -> Option<web_sys::Element> {
    root.active_element()
}

/// Records the `as-*` events a host dispatches.
fn record_events(name: &str) -> Arc<Mutex<Vec<String>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let listener = Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        let detail = js_sys::JSON::stringify(&e.detail())
            .map(String::from)
            .unwrap_or_default();
        sink.lock().unwrap().push(format!(
            "{} {} {}",
            e.type_(),
            e.bubbles() && e.composed(),
            detail
        ));
    });
    // Listen on the document: the event must bubble out of the shadow root to get there.
    let document = web_sys::window().unwrap().document().unwrap();
    document
        .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
        .unwrap();
    listener.forget();
    seen
}

#[wasm_bindgen_test]
async fn shopper_finds_an_order_and_requests_a_return_inside_a_shadow_root() {
    // Hostile page CSS: must not reach into the widget.
    let document = web_sys::window().unwrap().document().unwrap();
    let style = document.create_element("style").unwrap();
    style.set_text_content(Some(
        ".as-panel { display: none !important } button { text-transform: uppercase }",
    ));
    document.body().unwrap().append_child(&style).unwrap();

    let backend = Arc::new(FakeBackend::new());
    let host = host();
    let submitted_events = record_events("as-case-submitted");
    let root = mount_on(&host, backend.clone());
    let panel = find(&root, ".as-panel").expect("panel rendered");
    let computed = web_sys::window()
        .unwrap()
        .get_computed_style(&panel)
        .unwrap()
        .unwrap();
    assert_eq!(computed.get_property_value("display").unwrap(), "block");
    assert_eq!(
        document.query_selector_all(".as-panel").unwrap().length(),
        0,
        "nothing leaks into the light DOM"
    );

    type_into(&root, "input[name=order_number]", "A-1");
    type_into(&root, "input[name=email]", "ana@example.com");
    button(&root, "Find my order").click();
    wait_for("the choice", || find(&root, ".as-choices").is_some()).await;
    // What the order allows, each with its one line of why; what it does not is said.
    assert!(
        text(&root, "[data-kind=return]").starts_with("Return an item\nReturnable until "),
        "{}",
        text(&root, "[data-kind=return]")
    );
    assert_eq!(
        find(&root, "[data-kind=repair]")
            .unwrap()
            .get_attribute("data-open")
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        text(&root, "[data-kind=repair] .as-choice__why"),
        "Not offered for the items in this order"
    );
    assert!(
        find(&root, "[data-kind=repair] button").is_none(),
        "no dead button"
    );
    find(&root, "[data-kind=return] button").unwrap().click();
    wait_for("the items", || find(&root, ".as-line").is_some()).await;

    let fresh = text(&root, "[data-line-id=fresh] [data-testid=verdict]");
    assert!(
        fresh.starts_with("Returnable until ") && fresh.ends_with("(6 days left)"),
        "{fresh}"
    );
    let old = text(&root, "[data-line-id=old] [data-testid=verdict]");
    assert!(
        old.starts_with("Closed: the 7-day window ended on "),
        "{old}"
    );
    let old_box: HtmlInputElement = find(&root, "[data-line-id=old] input")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(old_box.disabled());

    // No item: said under the list, focus on the first box.
    button(&root, "Continue").click();
    wait_for("the problem", || !text(&root, "#as-err-lines").is_empty()).await;
    assert_eq!(text(&root, "#as-err-lines"), "Choose at least one item.");
    // Focus moves after the render that shows the problem: wait for it, as a person would.
    wait_for("focus on the first box", || {
        focused(&root).and_then(|e| e.get_attribute("value")) == Some("fresh".into())
    })
    .await;
    find(&root, "[data-line-id=fresh] input").unwrap().click();
    wait_for("the stepper", || find(&root, ".as-stepper").is_some()).await;
    assert!(text(&root, "#as-err-lines").is_empty(), "fixed, gone");
    // The quantity is bounded by core's maximum: three delivered, three may go back.
    let more = find(&root, ".as-stepper__button:last-of-type").unwrap();
    more.click();
    more.click();
    wait_for("three", || text(&root, "[data-testid=quantity]") == "3").await;
    assert!(more.has_attribute("disabled"), "no fourth unit");
    find(&root, ".as-stepper__button").unwrap().click();
    wait_for("two", || text(&root, "[data-testid=quantity]") == "2").await;
    button(&root, "Continue").click();

    // The reason tree, grouped; a defect asks its questions and a photo.
    wait_for("the reasons", || {
        find(&root, "select[name=reason]").is_some()
    })
    .await;
    let groups = root
        .query_selector_all("select[name=reason] optgroup")
        .unwrap();
    assert_eq!(groups.length(), 4);
    select(&root, "select[name=reason]", "defective");
    wait_for("the questions", || {
        find(&root, "textarea[name='answers.what_happened']").is_some()
    })
    .await;
    assert!(find(&root, "select[name='answers.when_noticed']").is_some());
    assert!(
        find(&root, "input[type=file][name=photos]").is_some(),
        "a defect needs a photo"
    );
    let resolutions = root
        .query_selector_all("input[name=resolution]")
        .unwrap()
        .length();
    assert_eq!(
        resolutions, 2,
        "refund and store credit (no exchange for a towel past nothing)"
    );
    // A change of fit needs neither, and only the conditions the shop takes are offered.
    select(&root, "select[name=reason]", "wrong_size");
    wait_for("no questions", || {
        find(&root, "textarea[name='answers.what_happened']").is_none()
    })
    .await;
    assert!(find(&root, "input[type=file][name=photos]").is_none());
    button(&root, "Continue").click();
    wait_for("the resolution problem", || {
        !text(&root, "#as-err-resolution").is_empty()
    })
    .await;
    assert_eq!(
        text(&root, "#as-err-resolution"),
        "Choose what you would like: a refund, an exchange, a repair…"
    );
    find(&root, "input[name=resolution][value=refund]")
        .unwrap()
        .click();
    wait_for("the condition", || {
        find(&root, "select[name=condition]").is_some()
    })
    .await;
    let condition: HtmlSelectElement = find(&root, "select[name=condition]")
        .unwrap()
        .dyn_into()
        .unwrap();
    let offered: Vec<String> = (0..condition.length())
        .filter_map(|i| condition.item(i))
        .map(|o| o.get_attribute("value").unwrap_or_default())
        .collect();
    assert_eq!(
        offered,
        ["", "new_unopened", "opened"],
        "never offered, then refused"
    );
    assert_eq!(
        text(
            &root,
            "input[value=refund] + .as-radio__text [data-testid=estimate]"
        ),
        "You get back €98.00"
    );
    button(&root, "Continue").click();
    wait_for("the condition problem", || {
        !text(&root, "#as-err-condition").is_empty()
    })
    .await;
    assert_eq!(
        text(&root, "#as-err-condition"),
        "Tell us what condition the item is in."
    );
    assert!(
        backend.submitted.lock().unwrap().is_empty(),
        "nothing sent that core refuses"
    );
    select(&root, "select[name=condition]", "opened");
    button(&root, "Continue").click();

    // Review: the whole request, core's breakdown, contact prefilled.
    wait_for("the review", || {
        find(&root, "[data-testid=summary]").is_some()
    })
    .await;
    assert_eq!(text(&root, "[data-testid=total]"), "€98.00");
    let email: HtmlInputElement = find(&root, "input[name=contact_email]")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(email.value(), "ana@example.com");
    // Back keeps everything.
    button(&root, "Back").click();
    wait_for("the details again", || {
        find(&root, "select[name=condition]").is_some()
    })
    .await;
    let kept: HtmlSelectElement = find(&root, "select[name=condition]")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(kept.value(), "opened");
    button(&root, "Continue").click();
    wait_for("the review again", || {
        find(&root, "[data-testid=summary]").is_some()
    })
    .await;
    type_into(&root, "input[name=contact_phone]", "+49 30 1234567");

    button(&root, "Send request").click();
    wait_for("the tracking number", || {
        find(&root, "[data-testid=tracking-number]").is_some()
    })
    .await;
    let tracking = text(&root, "[data-testid=tracking-number]");
    assert!(TrackingNumber::parse(&tracking).is_ok(), "{tracking}");
    assert!(find(&root, "[data-testid=packing-slip]").is_some());
    assert_eq!(
        submitted_events.lock().unwrap().clone(),
        vec![format!(
            r#"as-case-submitted true {{"kind":"return","tracking_number":"{tracking}"}}"#
        )]
    );
    let sent = backend.submitted.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].1.starts_with("w-") && sent[0].1.len() == 34,
        "{}",
        sent[0].1
    );
    assert_eq!(
        sent[0].0,
        CreateCaseRequest {
            order_number: "A-1".into(),
            email: "ana@example.com".into(),
            token: String::new(),
            case: CaseDraft {
                case_type: CaseType::Return,
                lines: vec![DraftLine {
                    line_id: "fresh".into(),
                    quantity: 2,
                    exchange_for: None
                }],
                resolution: Some(Resolution::Refund),
                reason: Some("wrong_size".into()),
                condition: Some(ItemCondition::Opened),
                answers: Default::default(),
                evidence: vec![],
                description: String::new(),
            },
            contact: Some(Contact {
                email: "ana@example.com".into(),
                phone: "+49 30 1234567".into(),
                channel: Channel::Email,
            }),
        }
    );
}

#[wasm_bindgen_test]
async fn a_bonus_for_store_credit_shows_beside_it_and_in_the_review() {
    let mut backend = FakeBackend::new();
    backend.policy.bonus = [(
        Resolution::StoreCredit,
        aftersales_core::policy::FeeAmount::BasisPoints(1000),
    )]
    .into();
    let root = mount(Arc::new(backend));
    type_into(&root, "input[name=order_number]", "A-1");
    type_into(&root, "input[name=email]", "ana@example.com");
    button(&root, "Find my order").click();
    wait_for("the choice", || find(&root, ".as-choices").is_some()).await;
    find(&root, "[data-kind=return] button").unwrap().click();
    wait_for("the items", || find(&root, ".as-line").is_some()).await;
    find(&root, "[data-line-id=fresh] input").unwrap().click();
    button(&root, "Continue").click();
    wait_for("the reasons", || {
        find(&root, "select[name=reason]").is_some()
    })
    .await;
    select(&root, "select[name=reason]", "changed_mind");
    wait_for("the choices", || {
        find(&root, "input[value=store_credit]").is_some()
    })
    .await;
    assert_eq!(
        text(
            &root,
            "input[value=store_credit] + .as-radio__text [data-testid=estimate]"
        ),
        "You get back €49.00 · plus €4.90 bonus store credit"
    );
    assert_eq!(
        text(
            &root,
            "input[value=refund] + .as-radio__text [data-testid=estimate]"
        ),
        "You get back €49.00",
        "money back earns no bonus"
    );
    find(&root, "input[value=store_credit]").unwrap().click();
    wait_for("the condition", || {
        find(&root, "select[name=condition]").is_some()
    })
    .await;
    select(&root, "select[name=condition]", "new_unopened");
    button(&root, "Continue").click();
    wait_for("the review", || {
        find(&root, "[data-testid=bonus]").is_some()
    })
    .await;
    assert_eq!(text(&root, "[data-testid=bonus]"), "+€4.90");
    assert_eq!(text(&root, "[data-testid=total]"), "€49.00");
}

#[wasm_bindgen_test]
async fn unknown_order_shows_the_backends_message_and_keeps_the_input() {
    let root = mount(Arc::new(FakeBackend::new()));
    type_into(&root, "input[name=order_number]", "A-1");
    type_into(&root, "input[name=email]", "eve@example.com");
    button(&root, "Find my order").click();
    wait_for("the alert", || find(&root, ".as-error").is_some()).await;
    assert_eq!(
        text(&root, ".as-error"),
        "We could not find an order with that number and e-mail address. Check both and try again."
    );
    let email: HtmlInputElement = find(&root, "input[name=email]")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(email.value(), "eve@example.com");
}

#[wasm_bindgen_test]
async fn a_bad_configuration_is_shown_in_the_widget_area_not_a_blank_box() {
    let host = host();
    let errors = record_events("as-error");
    let err = mount_shadow(host.clone(), r#"{"backend":"htp"}"#).unwrap_err();
    let message = err.as_string().unwrap();
    assert_eq!(
        message,
        r#"data-backend must be one of http, local, medusa; got "htp""#
    );
    assert_eq!(errors.lock().unwrap().len(), 1);
    let root = host.shadow_root().unwrap();
    assert_eq!(text(&root, "[role=alert]"), message);
}

#[wasm_bindgen_test]
async fn mounting_twice_keeps_one_widget() {
    let host = host();
    let root = mount_on(&host, Arc::new(FakeBackend::new()));
    mount_on(&host, Arc::new(FakeBackend::new()));
    assert_eq!(root.query_selector_all(".as-panel").unwrap().length(), 1);
}

#[wasm_bindgen_test]
async fn the_page_can_open_an_order_and_the_close_button_tells_it() {
    let host = host();
    let closes = record_events("as-close");
    let root = mount_on(&host, Arc::new(FakeBackend::new()));
    // What AfterSales.open({order, email}) does once the widget is mounted.
    let again = WidgetConfig::parse(r#"{"order":"A-1","email":"ana@example.com"}"#).unwrap();
    mount_with_backend(&host, &root, Arc::new(FakeBackend::new()), &again).unwrap();
    wait_for("the choice", || find(&root, ".as-choices").is_some()).await;
    button(&root, "×").click();
    wait_for("the close event", || !closes.lock().unwrap().is_empty()).await;
    assert!(find(&root, ".as-root").unwrap().has_attribute("hidden"));
    assert_eq!(closes.lock().unwrap()[0], "as-close true {}");
}

#[wasm_bindgen_test]
async fn what_the_backend_cannot_do_is_not_offered() {
    // The fake finds orders and takes cases and photos, nothing more: no answers, no tracking.
    let host = host();
    let root = mount_with(
        &host,
        Arc::new(FakeBackend::new()),
        r#"{"locale":"en","view":"track"}"#,
    );
    wait_for("the lookup", || {
        find(&root, "input[name=order_number]").is_some()
    })
    .await;
    let nav: Vec<String> = {
        let all = root.query_selector_all(".as-nav button").unwrap();
        (0..all.length())
            .filter_map(|i| all.item(i))
            .map(|n| n.dyn_into::<HtmlElement>().unwrap().inner_text())
            .collect()
    };
    assert_eq!(nav, ["Policy"], "data-view=track falls back to the lookup");
    let unsupported = FakeBackend::new().find_case(CaseAccess {
        tracking_number: "AS-22222-222222".into(),
        email: "ana@example.com".into(),
        token: String::new(),
    });
    assert_eq!(unsupported.await.unwrap_err(), BackendError::Unsupported);
}

#[wasm_bindgen_test]
async fn the_brand_token_set_by_the_page_colours_the_inside() {
    let host = host();
    host.style()
        .set_property("--as-brand", "rgb(200, 30, 90)")
        .unwrap();
    let root = mount_on(&host, Arc::new(FakeBackend::new()));
    let header = find(&root, ".as-header").unwrap();
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&header)
        .unwrap()
        .unwrap();
    assert_eq!(
        style.get_property_value("background-color").unwrap(),
        "rgb(200, 30, 90)"
    );
    // Light enough brand colours get black text, dark ones white (derived from the brand's
    // luminance, not configured).
    assert_eq!(
        style.get_property_value("color").unwrap(),
        "color(srgb 1 1 1)"
    );
    host.style()
        .set_property("--as-brand", "rgb(250, 220, 80)")
        .unwrap();
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&header)
        .unwrap()
        .unwrap();
    assert_eq!(
        style.get_property_value("color").unwrap(),
        "color(srgb 0 0 0)"
    );
}

#[wasm_bindgen_test]
async fn the_policy_view_explains_the_rules_before_any_order_is_found() {
    let host = host();
    let root = shadow_root(&host).unwrap();
    let config = WidgetConfig::parse(r#"{"view":"policy","policy-url":"/pages/returns"}"#).unwrap();
    mount_with_backend(&host, &root, Arc::new(FakeBackend::new()), &config).unwrap();
    wait_for("the policy", || {
        find(&root, ".as-policy__list li").is_some()
    })
    .await;
    let lines: Vec<String> = {
        let all = root.query_selector_all(".as-policy__list li").unwrap();
        (0..all.length())
            .filter_map(|i| all.item(i))
            .map(|n| n.text_content().unwrap_or_default())
            .collect()
    };
    assert_eq!(
        lines[0],
        "7-day no-reason returns: changed your mind? Return it within 7 days of delivery for a refund."
    );
    assert!(lines.contains(&"Warranty repair for electronics and appliances: 1 year.".to_string()));
    let link = find(&root, ".as-link").unwrap();
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/pages/returns")
    );
    assert_eq!(link.get_attribute("rel").as_deref(), Some("noopener"));
    button(&root, "Find my order").click();
    wait_for("the lookup", || {
        find(&root, "input[name=order_number]").is_some()
    })
    .await;
    button(&root, "Our returns policy").click();
    wait_for("the policy again", || find(&root, ".as-policy").is_some()).await;
}

#[wasm_bindgen_test]
async fn money_and_dates_are_written_the_way_each_language_writes_them() {
    use aftersales_widget::format;
    use aftersales_widget::i18n::{Lang, Locale};
    let tag = |t: &str| Lang {
        locale: Locale::from_tag(t).unwrap(),
        tag: t.into(),
    };
    let m = |minor: i64, code: &str| Money::new(minor, Currency::new(code).unwrap());
    let cases = [
        ("en", m(19_900, "CNY"), "CN¥199.00"),
        ("zh-Hans", m(19_900, "CNY"), "¥199.00"),
        ("zh-Hant", m(19_900, "CNY"), "CN¥199.00"),
        ("en", m(120_000, "TWD"), "NT$1,200.00"),
        ("zh-Hans", m(120_000, "TWD"), "NT$1,200.00"),
        ("zh-Hant", m(120_000, "TWD"), "$1,200.00"),
        ("en", m(1_250, "EUR"), "€12.50"),
        ("en", m(1_005, "KWD"), "KWD 1.005"),
        ("en", m(1_500, "JPY"), "¥1,500"),
        ("en", m(123_456_789_012, "USD"), "$1,234,567,890.12"),
    ];
    for (t, money, want) in cases {
        assert_eq!(
            format::money(&tag(t), money).replace('\u{a0}', " "),
            want,
            "{t}"
        );
    }
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    assert_eq!(format::date(&tag("en-US"), day), "Dec 2, 2026");
    assert_eq!(format::date(&tag("en-GB"), day), "2 Dec 2026");
    assert_eq!(format::date(&tag("zh-Hans"), day), "2026年12月2日");
    let noon_utc = chrono::DateTime::parse_from_rfc3339("2026-12-02T06:00:00Z")
        .unwrap()
        .to_utc();
    let shanghai = aftersales_core::zone::ShopZone::parse("Asia/Shanghai").unwrap();
    let named = format::date_time(&tag("en-US"), noon_utc, &shanghai).replace('\u{202f}', " ");
    assert_eq!(named, "Dec 2, 2026, 2:00 PM GMT+8");
    let posix = aftersales_core::zone::ShopZone::parse("<+0530>-5:30").unwrap();
    let offset = format::date_time(&tag("en-US"), noon_utc, &posix).replace('\u{202f}', " ");
    assert_eq!(offset, "Dec 2, 2026, 11:30 AM UTC+05:30");
}

#[wasm_bindgen_test]
async fn the_widget_speaks_the_pages_language_and_switching_keeps_what_was_typed() {
    let host = host();
    let root = mount_with(&host, Arc::new(FakeBackend::new()), r#"{"locale":"zh-TW"}"#);
    let panel = find(&root, ".as-panel").unwrap();
    assert_eq!(panel.get_attribute("lang").as_deref(), Some("zh-Hant"));
    assert_eq!(text(&root, ".as-step__heading"), "查詢訂單");
    assert_eq!(text(&root, ".as-step__count"), "第 1 步，共 5 步");
    type_into(&root, "input[name=order_number]", "A-1");
    select(&root, "select[name=language]", "zh-Hans");
    wait_for("simplified Chinese", || {
        text(&root, ".as-step__heading") == "查找订单"
    })
    .await;
    assert_eq!(panel.get_attribute("lang").as_deref(), Some("zh-Hans"));
    let number: HtmlInputElement = find(&root, "input[name=order_number]")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(number.value(), "A-1", "switching language loses nothing");
    type_into(&root, "input[name=email]", "ana@example.com");
    button(&root, "查找订单").click();
    wait_for("the choice", || find(&root, ".as-choices").is_some()).await;
    assert_eq!(text(&root, ".as-step__heading"), "需要什么帮助？");
    find(&root, "[data-kind=return] button").unwrap().click();
    wait_for("the order lines", || find(&root, ".as-line").is_some()).await;
    let fresh = text(&root, "[data-line-id=fresh] [data-testid=verdict]");
    assert!(
        fresh.starts_with("可退货，截止到 ") && fresh.ends_with("（还剩 6 天）"),
        "{fresh}"
    );
    assert_eq!(
        text(&root, "[data-line-id=fresh] .as-line__meta"),
        "3 件 × €49.00"
    );
    select(&root, "select[name=language]", "en");
    wait_for("English", || {
        text(&root, ".as-step__heading") == "Which items?"
    })
    .await;
    let fresh = text(&root, "[data-line-id=fresh] [data-testid=verdict]");
    assert!(fresh.ends_with("(6 days left)"), "{fresh}");
}

#[wasm_bindgen_test]
async fn the_lookup_names_both_missing_fields_and_focus_follows_the_steps() {
    let host = host();
    host.set_attribute("mode", "floating").unwrap();
    let closes = record_events("as-close");
    let root = mount_on(&host, Arc::new(FakeBackend::new()));
    wait_for("focus in the panel", || {
        focused(&root).is_some_and(|e| e.class_name() == "as-step__heading")
    })
    .await;
    let panel = find(&root, ".as-panel").unwrap();
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(panel.get_attribute("aria-modal").as_deref(), Some("true"));
    button(&root, "Find my order").click();
    wait_for("the problems", || {
        !text(&root, "#as-email-error").is_empty()
    })
    .await;
    assert_eq!(
        text(&root, "#as-order-number-error"),
        "Enter the order number from your confirmation e-mail."
    );
    assert_eq!(
        text(&root, "#as-email-error"),
        "Enter the e-mail address you ordered with."
    );
    assert_eq!(
        focused(&root)
            .and_then(|e| e.get_attribute("name"))
            .as_deref(),
        Some("order_number")
    );
    type_into(&root, "input[name=order_number]", "A-1");
    wait_for("the problem cleared as it is fixed", || {
        text(&root, "#as-order-number-error").is_empty()
    })
    .await;
    assert_eq!(
        text(&root, "#as-email-error"),
        "Enter the e-mail address you ordered with.",
        "the other field's problem stays until it is fixed"
    );
    type_into(&root, "input[name=email]", "ana@example.com");
    button(&root, "Find my order").click();
    wait_for("the next step's heading focused", || {
        focused(&root)
            .is_some_and(|e| e.text_content().as_deref() == Some("What do you need help with?"))
    })
    .await;
    // Escape closes a floating widget.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    focused(&root).unwrap().dispatch_event(&escape).unwrap();
    wait_for("the close event", || !closes.lock().unwrap().is_empty()).await;
}

#[wasm_bindgen_test]
async fn a_merchant_rewords_a_message_with_data_messages() {
    let host = host();
    let config = r#"{"locale":"en","messages":"{\"en\":{\"panel.title\":\"Lotus & Pine care\"}}"}"#;
    let root = mount_with(&host, Arc::new(FakeBackend::new()), config);
    assert_eq!(text(&root, ".as-header__title"), "Lotus & Pine care");
    let err = mount_shadow(
        self::host(),
        r#"{"messages":"{\"en\":{\"choose.intro\":\"Pick one\"}}"}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.as_string().unwrap(),
        r#"data-messages: en "choose.intro" must keep exactly the placeholders of the catalog ({number}); got "Pick one""#
    );
    aftersales_widget::i18n::set_overrides(&[]);
}
