//! Component tests in headless Chromium: the widget mounted into a real shadow root, driven
//! through its DOM. The backend here is an in-memory fake; the real HTTP backend is driven by
//! the Playwright journeys in `e2e/` against the real server.
#![cfg(target_arch = "wasm32")]

use aftersales_core::api::{
    CaseReceipt, CreateCaseRequest, ErrorDetail, LookupRequest, LookupResponse,
};
use aftersales_core::case::{CaseDraft, CaseKind, CaseType, DraftLine, Quote, QuoteLine};
use aftersales_core::lifecycle::Status;
use aftersales_core::money::{Currency, Money};
use aftersales_core::order::{Line, Order};
use aftersales_core::policy::Policy;
use aftersales_core::reasons::Fault;
use aftersales_core::resolution::{ItemCondition, Resolution};
use aftersales_core::tracking::TrackingNumber;
use aftersales_widget::backend::{Backend, BackendError, LocalFuture};
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
    submitted: Mutex<Vec<CreateCaseRequest>>,
}

impl FakeBackend {
    fn new() -> FakeBackend {
        let now = device_now();
        let line = |id: &str, title: &str, days_ago: i64, qty: u32| Line {
            id: id.into(),
            sku: id.into(),
            title: title.into(),
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
            submitted: Mutex::new(Vec::new()),
        }
    }
}

impl Backend for FakeBackend {
    fn lookup(&self, req: LookupRequest) -> LocalFuture<Result<LookupResponse, BackendError>> {
        let result = if req.order_number == self.order.number && req.email == self.email {
            Ok(LookupResponse {
                order: self.order.clone(),
                policy: Policy::default(),
                server_time: device_now(),
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
    ) -> LocalFuture<Result<CaseReceipt, BackendError>> {
        self.submitted.lock().unwrap().push(req.clone());
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
            }),
            created_at: device_now(),
            respond_by: device_now() + Duration::hours(48),
            resolve_by: None,
        };
        Box::pin(async move { Ok(receipt) })
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
    let root = shadow_root(host).unwrap();
    mount_with_backend(host, &root, backend, &WidgetConfig::parse("").unwrap()).unwrap();
    root
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
    wait_for("the order lines", || find(&root, ".as-line").is_some()).await;

    let fresh = text(&root, "[data-line-id=fresh] [data-testid=verdict]");
    assert!(
        fresh.starts_with("Returnable until ") && fresh.ends_with("(6 days left)"),
        "{fresh}"
    );
    let old = text(&root, "[data-line-id=old] [data-testid=verdict]");
    assert!(
        old.starts_with("Not returnable: the 7-day window closed on "),
        "{old}"
    );
    let old_radio: HtmlInputElement = find(&root, "[data-line-id=old] input")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(old_radio.disabled());

    let submit = button(&root, "Request return");
    assert!(submit
        .dyn_ref::<web_sys::HtmlButtonElement>()
        .unwrap()
        .disabled());
    find(&root, "[data-line-id=fresh] input").unwrap().click();
    wait_for("the quantity picker", || {
        find(&root, "select[name=quantity]").is_some()
    })
    .await;
    let qty: HtmlSelectElement = find(&root, "select[name=quantity]")
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(
        qty.length(),
        3,
        "three units delivered, three may be returned"
    );
    qty.set_value("2");
    fire(&qty, "change");
    let reason: HtmlSelectElement = find(&root, "select[name=reason]")
        .unwrap()
        .dyn_into()
        .unwrap();
    let offered: Vec<String> = (0..reason.length())
        .filter_map(|i| reason.item(i))
        .map(|o| o.get_attribute("value").unwrap_or_default())
        .collect();
    assert_eq!(
        offered,
        ["", "changed_mind", "wrong_size"],
        "only reasons this form can complete"
    );
    reason.set_value("wrong_size");
    fire(&reason, "change");
    // A change of mind or fit: the shop asks what condition the item is in.
    wait_for("the condition picker", || {
        find(&root, "select[name=condition]").is_some()
    })
    .await;
    let condition: HtmlSelectElement = find(&root, "select[name=condition]")
        .unwrap()
        .dyn_into()
        .unwrap();
    condition.set_value("used");
    fire(&condition, "change");
    button(&root, "Request return").click();
    wait_for("the refusal", || find(&root, "[role=alert]").is_some()).await;
    assert_eq!(
        text(&root, "[role=alert]"),
        "Items in this condition cannot be returned for this resolution."
    );
    assert!(
        backend.submitted.lock().unwrap().is_empty(),
        "nothing is sent that the engine refuses"
    );
    condition.set_value("opened");
    fire(&condition, "change");
    wait_for("the estimate", || {
        text(&root, "[data-testid=estimate]") == "Estimated refund: EUR 98.00"
    })
    .await;

    button(&root, "Request return").click();
    wait_for("the tracking number", || {
        find(&root, "[data-testid=tracking-number]").is_some()
    })
    .await;
    let tracking = text(&root, "[data-testid=tracking-number]");
    assert!(TrackingNumber::parse(&tracking).is_ok(), "{tracking}");
    assert_eq!(
        submitted_events.lock().unwrap().clone(),
        vec![format!(
            r#"as-case-submitted true {{"kind":"return","tracking_number":"{tracking}"}}"#
        )]
    );
    let sent = backend.submitted.lock().unwrap().clone();
    assert_eq!(
        sent,
        vec![CreateCaseRequest {
            order_number: "A-1".into(),
            email: "ana@example.com".into(),
            case: CaseDraft {
                case_type: CaseType::Return,
                lines: vec![DraftLine {
                    line_id: "fresh".into(),
                    quantity: 2
                }],
                resolution: Some(Resolution::Refund),
                reason: Some("wrong_size".into()),
                condition: Some(ItemCondition::Opened),
                answers: Default::default(),
                evidence: vec![],
                description: String::new(),
            },
        }]
    );
}

#[wasm_bindgen_test]
async fn unknown_order_shows_the_backends_message_and_keeps_the_input() {
    let root = mount(Arc::new(FakeBackend::new()));
    type_into(&root, "input[name=order_number]", "A-1");
    type_into(&root, "input[name=email]", "eve@example.com");
    button(&root, "Find my order").click();
    wait_for("the alert", || find(&root, "[role=alert]").is_some()).await;
    assert_eq!(
        text(&root, "[role=alert]"),
        "We could not find an order with that number and e-mail address."
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
    assert_eq!(message, r#"data-backend must be one of http; got "htp""#);
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
    wait_for("the order lines", || find(&root, ".as-line").is_some()).await;
    button(&root, "×").click();
    wait_for("the close event", || !closes.lock().unwrap().is_empty()).await;
    assert!(find(&root, ".as-root").unwrap().has_attribute("hidden"));
    assert_eq!(closes.lock().unwrap()[0], "as-close true {}");
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
    // Light enough brand colours get dark text, dark ones white (derived, not configured).
    assert_eq!(style.get_property_value("color").unwrap(), "oklch(1 0 0)");
    host.style()
        .set_property("--as-brand", "rgb(250, 220, 80)")
        .unwrap();
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&header)
        .unwrap()
        .unwrap();
    assert_eq!(style.get_property_value("color").unwrap(), "oklch(0 0 0)");
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
        "Changed your mind? Return it within 7 days of delivery for a refund."
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
