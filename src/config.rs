//! The widget's configuration: the `data-*` attributes of the merchant's script tag or of the
//! `<after-sales>` element, as `loader.js` hands them over (a JSON object, keys without the
//! `data-` prefix). Checked strictly: a bad value gets one sentence naming the attribute, the
//! allowed values and what was given, shown in the widget area and in the console.

use crate::i18n::{message_of_key, placeholders, Locale, Msg};

/// Which adapter the widget talks to (`data-backend`), with its own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendKind {
    /// The `/v1` contract at `data-api`.
    Http,
    /// Everything in the browser: orders from `data-orders-url`, the policy from
    /// `data-policy-file` (else the default policy), cases kept in IndexedDB.
    Local {
        /// The orders file (`[{"email": …, "order": {…}}]`).
        orders_url: String,
        /// The policy file, if not the default policy.
        policy_file: Option<String>,
        /// The shop's answers (the FAQ file's format), if any: without it, no **Answers**.
        faq_file: Option<String>,
    },
    /// Medusa v2's Store API at `data-api`, straight from the browser (`docs/adapters.md`).
    Medusa {
        /// The publishable API key (`pk_…`), sent as `x-publishable-api-key`.
        publishable_key: String,
        /// The return shipping option every return is created with (`so_…`).
        return_option: String,
        /// The policy file, if not the default policy (Medusa has no return windows).
        policy_file: Option<String>,
    },
}

/// Settings of one widget instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetConfig {
    /// The adapter.
    pub backend: BackendKind,
    /// Root URL of the `/v1` API: `""` (the page's origin), a path, or an `http(s)://` URL.
    pub api: String,
    /// The shop's id, sent to multi-shop backends; `None` for a single shop.
    pub shop: Option<String>,
    /// Language of the widget (a BCP 47 tag) when the page names one; else the shopper's
    /// browser languages decide, then the shop's default (see `i18n::negotiate`).
    pub locale: Option<String>,
    /// Colour scheme.
    pub theme: Theme,
    /// The first step shown.
    pub view: View,
    /// The shop's full, human-readable returns policy page, linked from the policy summary.
    pub policy_url: Option<String>,
    /// An order to look up straight away (with `email`).
    pub order: Option<String>,
    /// The e-mail for `order`.
    pub email: Option<String>,
    /// A case to open at once (a link's `as-case`), with `token`.
    pub case: Option<String>,
    /// A signed link's token for `case` or `order` (instead of the e-mail).
    pub token: Option<String>,
    /// The merchant's own wording of some messages (`data-messages`).
    pub messages: Vec<(Locale, Msg, String)>,
    /// Where a shopper can reach the shop when the widget cannot help (`data-contact`: a page,
    /// a `mailto:` or a `tel:` link).
    pub contact: Option<String>,
    /// Whether the merchant's full diagnostics are shown in the widget (`data-debug`); they
    /// always go to the console.
    pub debug: bool,
}

/// What the widget can still use of settings that did not pass the check: where the shopper
/// can reach the shop, and whether the merchant asked to see diagnostics in the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fallback {
    /// A valid `data-contact`, if any.
    pub contact: Option<String>,
    /// `data-debug` is present (and not `"false"`).
    pub debug: bool,
}

impl Fallback {
    /// Reads what it can of the loader's JSON, whatever else is wrong with it.
    pub fn of(json: &str) -> Fallback {
        let Ok(mut map) = serde_json::from_str::<Attributes>(json) else {
            return Fallback::default();
        };
        let l = Raw::take(&mut map);
        Fallback {
            contact: l.contact.filter(|c| is_contact(c)),
            debug: l.debug.is_some_and(|d| d != "false"),
        }
    }
}

/// A page (path or http(s) URL), a `mailto:` or a `tel:` link.
fn is_contact(s: &str) -> bool {
    is_path_or_http_url(s) || s.starts_with("mailto:") || s.starts_with("tel:")
}

/// Attributes on the `<after-sales>` element that look like settings but lack the `data-`
/// prefix (`theme="blue"`), so the widget does not read them: one warning sentence each.
/// `theme="light"`/`"dark"` are the widget's own (it sets them) and pass.
pub fn misplaced_settings(attributes: &[(String, String)]) -> Vec<String> {
    attributes
        .iter()
        .filter(|(name, value)| {
            let ours = name == "theme" && (value == "light" || value == "dark");
            !ours && ATTRIBUTES.contains(&format!("data-{name}").as_str())
        })
        .map(|(name, value)| {
            format!("{name}={value:?} on <after-sales> is not read: the widget's settings take the data- prefix (data-{name}={value:?})")
        })
        .collect()
}

/// The colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Follow the shopper's system setting.
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The first step the widget shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Find the order.
    Lookup,
    /// The shop's returns policy and promises, in short.
    Policy,
    /// Follow a request by its tracking number.
    Track,
    /// Search the shop's answers.
    Help,
}

/// Reads `data-messages`: `{"zh-Hans": {"panel.title": "莲松售后"}}`, a language the widget
/// ships to messages by their catalog key.
///
/// # Errors
/// One sentence naming the language or key and what is wrong: a language not shipped, a key
/// that does not exist, a plural, a text that drops or adds a placeholder, a bad text.
pub fn parse_messages(json: &str) -> Result<Vec<(Locale, Msg, String)>, String> {
    let map: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> =
        serde_json::from_str(json).map_err(|e| {
            format!("data-messages must be a JSON object of language to {{key: text}}; {e}")
        })?;
    let mut out = Vec::new();
    for (tag, messages) in map {
        let locale = Locale::from_tag(&tag).ok_or_else(|| {
            format!("data-messages names {tag:?}, not a language the widget ships (en, zh-Hans, zh-Hant)")
        })?;
        for (key, text) in messages {
            let (m, plural) = message_of_key(&key).ok_or_else(|| {
                format!("data-messages: {key:?} is not a message of the widget (the keys are in locales/en.json)")
            })?;
            if plural {
                return Err(format!(
                    "data-messages: {key:?} is a plural message and cannot be overridden"
                ));
            }
            let want = placeholders(locale.catalog_text(m)).unwrap_or_default();
            if placeholders(&text).as_ref() != Some(&want) {
                let names: Vec<String> = want.iter().map(|n| format!("{{{n}}}")).collect();
                return Err(format!(
                    "data-messages: {tag} {key:?} must keep exactly the placeholders of the catalog ({}); got {text:?}",
                    if names.is_empty() { "none".to_string() } else { names.join(", ") }
                ));
            }
            if let Err(expected) = aftersales_core::text::check_text(&text) {
                return Err(format!("data-messages: {tag} {key:?} must be {expected}"));
            }
            out.push((locale, m, text));
        }
    }
    Ok(out)
}

/// The attributes as the loader sends them: all strings, nothing else allowed.
struct Raw {
    backend: Option<String>,
    api: Option<String>,
    shop: Option<String>,
    locale: Option<String>,
    theme: Option<String>,
    view: Option<String>,
    policy_url: Option<String>,
    order: Option<String>,
    email: Option<String>,
    case: Option<String>,
    token: Option<String>,
    messages: Option<String>,
    contact: Option<String>,
    debug: Option<String>,
    orders_url: Option<String>,
    policy_file: Option<String>,
    faq_file: Option<String>,
    publishable_key: Option<String>,
    return_option: Option<String>,
}

/// The loader's JSON object of strings, by name (a plain map rather than a derived struct:
/// the same reader serves [`Fallback`], and it is the smaller code).
type Attributes = std::collections::BTreeMap<String, String>;

impl Raw {
    /// Takes the known settings out of `map`; what is left is unknown.
    fn take(map: &mut Attributes) -> Raw {
        let mut take = |k: &str| map.remove(k);
        Raw {
            backend: take("backend"),
            api: take("api"),
            shop: take("shop"),
            locale: take("locale"),
            theme: take("theme"),
            view: take("view"),
            policy_url: take("policy-url"),
            order: take("order"),
            email: take("email"),
            case: take("case"),
            token: take("token"),
            messages: take("messages"),
            contact: take("contact"),
            debug: take("debug"),
            orders_url: take("orders-url"),
            policy_file: take("policy-file"),
            faq_file: take("faq-file"),
            publishable_key: take("publishable-key"),
            return_option: take("return-shipping-option"),
        }
    }
}

/// The attribute names, for messages.
pub const ATTRIBUTES: [&str; 19] = [
    "data-backend",
    "data-api",
    "data-shop",
    "data-locale",
    "data-theme",
    "data-view",
    "data-policy-url",
    "data-order",
    "data-email",
    "data-case",
    "data-token",
    "data-messages",
    "data-contact",
    "data-debug",
    "data-orders-url",
    "data-policy-file",
    "data-faq-file",
    "data-publishable-key",
    "data-return-shipping-option",
];

/// A path on the page's site or an absolute http(s) URL.
fn is_path_or_http_url(s: &str) -> bool {
    s.starts_with('/') || s.starts_with("https://") || s.starts_with("http://")
}

/// `#id`: the JSON is in the page, in the element with this id (a
/// `<script type="application/json" id="…">`).
pub fn is_element_ref(s: &str) -> bool {
    s.strip_prefix('#').is_some_and(|id| {
        (1..=64).contains(&id.len())
            && id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

fn one_of(attr: &str, allowed: &[&str], got: &str) -> String {
    format!("{attr} must be one of {}; got {got:?}", allowed.join(", "))
}

/// The `medusa` adapter's settings: a publishable key (never a secret one) and the return
/// shipping option.
fn medusa(raw: &Raw) -> Result<BackendKind, String> {
    if raw.orders_url.is_some() {
        return Err("data-orders-url goes with data-backend=\"local\"; the medusa adapter finds orders in Medusa".into());
    }
    let id = |s: &str| {
        (1..=100).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let key = raw.publishable_key.as_deref().map(str::trim).ok_or(
        "data-backend=\"medusa\" needs data-publishable-key: the store's publishable API key (pk_…)",
    )?;
    if key.starts_with("sk_") {
        return Err("data-publishable-key holds a secret API key (sk_…), which every visitor of this page can read: remove it, revoke it in Medusa's admin, and give the publishable key (pk_…)".into());
    }
    if !key.starts_with("pk_") || !id(key) {
        return Err(format!(
            "data-publishable-key must be a Medusa publishable API key (pk_ and letters or digits); got {key:?}"
        ));
    }
    let option = raw.return_option.as_deref().map(str::trim).ok_or(
        "data-backend=\"medusa\" needs data-return-shipping-option: the id of the shipping option returns are sent back with (so_…)",
    )?;
    if !id(option) {
        return Err(format!(
            "data-return-shipping-option must be a Medusa shipping option id such as \"so_01H…\"; got {option:?}"
        ));
    }
    Ok(BackendKind::Medusa {
        publishable_key: key.to_string(),
        return_option: option.to_string(),
        policy_file: raw.policy_file.clone(),
    })
}

impl WidgetConfig {
    /// Parses and checks a configuration. An empty string means all defaults.
    ///
    /// # Errors
    /// One sentence naming the attribute, what is allowed and what was given.
    pub fn parse(json: &str) -> Result<WidgetConfig, String> {
        let json = if json.trim().is_empty() { "{}" } else { json };
        let mut map: Attributes = serde_json::from_str(json)
            .map_err(|e| format!("after-sales widget configuration: {e}"))?;
        let raw = Raw::take(&mut map);
        if let Some(field) = map.keys().next() {
            return Err(format!(
                "data-{field} is not a setting of the after-sales widget; known: {}",
                ATTRIBUTES.join(", ")
            ));
        }
        let for_local = |attr: &str, v: &Option<String>| {
            match v {
            Some(url) if !is_path_or_http_url(url) && !is_element_ref(url) => Err(format!(
                "{attr} must be a path starting with '/', an http(s):// URL, or #id of a <script type=\"application/json\"> in the page; got {url:?}"
            )),
            _ => Ok(()),
        }
        };
        for_local("data-orders-url", &raw.orders_url)?;
        for_local("data-policy-file", &raw.policy_file)?;
        for_local("data-faq-file", &raw.faq_file)?;
        if raw.faq_file.is_some() && raw.backend.as_deref() != Some("local") {
            return Err("data-faq-file goes with data-backend=\"local\"".into());
        }
        if raw.backend.as_deref() != Some("medusa")
            && (raw.publishable_key.is_some() || raw.return_option.is_some())
        {
            return Err("data-publishable-key and data-return-shipping-option go with data-backend=\"medusa\"".into());
        }
        let backend = match raw.backend.as_deref() {
            None | Some("http") => {
                if raw.orders_url.is_some() || raw.policy_file.is_some() {
                    return Err("data-orders-url goes with data-backend=\"local\", data-policy-file with \"local\" or \"medusa\"".into());
                }
                BackendKind::Http
            }
            Some("local") => BackendKind::Local {
                orders_url: raw.orders_url.clone().ok_or(
                    "data-backend=\"local\" needs data-orders-url: the file of orders the widget finds orders in",
                )?,
                policy_file: raw.policy_file.clone(),
                faq_file: raw.faq_file.clone(),
            },
            Some("medusa") => medusa(&raw)?,
            Some(other) => {
                return Err(one_of(
                    "data-backend",
                    &["http", "local", "medusa"],
                    other,
                ))
            }
        };
        let api = raw.api.unwrap_or_default();
        let api_ok = api.is_empty() || is_path_or_http_url(&api);
        if !api_ok {
            return Err(format!("data-api must be empty, a path starting with '/', or an http(s):// URL; got {api:?}"));
        }
        if let Some(shop) = &raw.shop {
            let ok = !shop.is_empty()
                && shop.len() <= 64
                && shop.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                });
            if !ok {
                return Err(format!("data-shop must be 1 to 64 lower-case letters, digits, '-' or '_'; got {shop:?}"));
            }
        }
        if let Some(locale) = &raw.locale {
            if !aftersales_core::text::is_language_tag(locale) {
                return Err(format!(
                    "data-locale must be a language tag such as \"en\", \"zh-Hans\" or \"zh-TW\"; got {locale:?}"
                ));
            }
            if crate::i18n::Locale::from_tag(locale).is_none() {
                return Err(format!(
                    "data-locale must name a language the widget ships (en, zh-Hans, zh-Hant, or a regional tag of them such as zh-TW); got {locale:?}"
                ));
            }
        }
        let theme = match raw.theme.as_deref() {
            None | Some("auto") => Theme::Auto,
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            Some(other) => return Err(one_of("data-theme", &["auto", "light", "dark"], other)),
        };
        let view = match raw.view.as_deref() {
            None | Some("lookup") => View::Lookup,
            Some("policy") => View::Policy,
            Some("track") => View::Track,
            Some("help") => View::Help,
            Some(other) => {
                return Err(one_of(
                    "data-view",
                    &["lookup", "policy", "track", "help"],
                    other,
                ))
            }
        };
        if let Some(url) = &raw.policy_url {
            if !is_path_or_http_url(url) {
                return Err(format!(
                    "data-policy-url must be a path starting with '/' or an http(s):// URL; got {url:?}"
                ));
            }
        }
        let order = raw
            .order
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty());
        let email = raw
            .email
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty());
        let token = raw
            .token
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let case = raw
            .case
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        if token.as_ref().is_some_and(|t| {
            t.len() > 64 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
        }) {
            return Err("data-token must be a link token as the server mints it (digits, letters and one dot)".into());
        }
        if token.is_some() && case.is_none() && order.is_none() {
            return Err("data-token goes with data-case or data-order".into());
        }
        if order.is_some() && email.is_none() && token.is_none() {
            return Err("data-order goes with data-email (or a link's data-token)".into());
        }
        if email.is_some() && order.is_none() {
            return Err("data-order and data-email go together: give both or neither".into());
        }
        let messages = match &raw.messages {
            Some(json) => parse_messages(json)?,
            None => Vec::new(),
        };
        if let Some(c) = raw.contact.as_deref().filter(|c| !is_contact(c)) {
            return Err(format!(
                "data-contact must be a path starting with '/', an http(s):// URL, a mailto: or a tel: link; got {c:?}"
            ));
        }
        Ok(WidgetConfig {
            backend,
            api,
            shop: raw.shop,
            locale: raw.locale,
            theme,
            view,
            policy_url: raw.policy_url,
            order,
            email,
            case,
            token,
            messages,
            contact: raw.contact,
            debug: raw.debug.is_some_and(|d| d != "false"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_survives_a_bad_configuration() {
        for (json, contact, debug) in [
            (
                r#"{"theme":"blue","contact":"mailto:help@shop.example","debug":""}"#,
                Some("mailto:help@shop.example"),
                true,
            ),
            (
                r#"{"contact":"javascript:alert(1)","debug":"false"}"#,
                None,
                false,
            ),
            (
                r#"{"contact":"/pages/contact"}"#,
                Some("/pages/contact"),
                false,
            ),
            ("not json", None, false),
            (r#"["contact"]"#, None, false),
        ] {
            let f = Fallback::of(json);
            assert_eq!((f.contact.as_deref(), f.debug), (contact, debug), "{json}");
        }
    }

    #[test]
    fn settings_without_the_data_prefix_are_warned_about() {
        let attrs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            misplaced_settings(&attrs(&[
                ("theme", "blue"),
                ("api", "/shop-api"),
                ("class", "x")
            ])),
            [
                r#"theme="blue" on <after-sales> is not read: the widget's settings take the data- prefix (data-theme="blue")"#,
                r#"api="/shop-api" on <after-sales> is not read: the widget's settings take the data- prefix (data-api="/shop-api")"#,
            ]
        );
        // The widget's own attributes and real data- settings pass.
        let fine = attrs(&[
            ("theme", "dark"),
            ("mode", "floating"),
            ("data-theme", "dark"),
        ]);
        assert!(misplaced_settings(&fine).is_empty());
    }

    #[test]
    fn defaults_and_good_values() {
        let c = WidgetConfig::parse("").unwrap();
        assert_eq!(
            (c.api.as_str(), c.locale.as_deref(), c.theme),
            ("", None, Theme::Auto)
        );
        let c = WidgetConfig::parse(r#"{"backend":"http","api":"/shop-api","shop":"lotus-pine","locale":"zh-CN","theme":"dark","view":"policy","policy-url":"/pages/returns","order":" 1001 ","email":"a@b.c"}"#).unwrap();
        assert_eq!(c.view, View::Policy);
        assert_eq!(c.policy_url.as_deref(), Some("/pages/returns"));
        assert_eq!(c.api, "/shop-api");
        assert_eq!(c.shop.as_deref(), Some("lotus-pine"));
        assert_eq!(c.theme, Theme::Dark);
        assert_eq!(c.order.as_deref(), Some("1001"));
        assert_eq!(c.backend, BackendKind::Http);
        let c = WidgetConfig::parse(
            r##"{"backend":"local","orders-url":"#shop-orders","policy-file":"/policy.json","faq-file":"https://shop.example/faq.json"}"##,
        )
        .unwrap();
        assert_eq!(
            c.backend,
            BackendKind::Local {
                orders_url: "#shop-orders".into(),
                policy_file: Some("/policy.json".into()),
                faq_file: Some("https://shop.example/faq.json".into())
            }
        );
        let c = WidgetConfig::parse(
            r#"{"backend":"medusa","api":"https://medusa.shop.example","publishable-key":" pk_01abc ","return-shipping-option":"so_01RET"}"#,
        )
        .unwrap();
        assert_eq!(
            c.backend,
            BackendKind::Medusa {
                publishable_key: "pk_01abc".into(),
                return_option: "so_01RET".into(),
                policy_file: None
            }
        );
        let c =
            WidgetConfig::parse(r#"{"view":"track","case":" AS-22222-222222 ","token":"17.ab"}"#)
                .unwrap();
        assert_eq!(
            (c.view, c.case.as_deref(), c.token.as_deref()),
            (View::Track, Some("AS-22222-222222"), Some("17.ab"))
        );
        let c = WidgetConfig::parse(r#"{"view":"help","order":"1001","token":"17.ab"}"#).unwrap();
        assert_eq!(
            (c.view, c.order.as_deref(), c.email),
            (View::Help, Some("1001"), None)
        );
    }

    #[test]
    fn every_mistake_names_the_attribute_the_allowed_values_and_the_value() {
        let cases = [
            (
                r#"{"view":"tracking"}"#,
                r#"data-view must be one of lookup, policy, track, help; got "tracking""#,
            ),
            (
                r#"{"policy-url":"javascript:alert(1)"}"#,
                r#"data-policy-url must be a path starting with '/' or an http(s):// URL; got "javascript:alert(1)""#,
            ),
            (
                r#"{"backend":"htp"}"#,
                r#"data-backend must be one of http, local, medusa; got "htp""#,
            ),
            (
                r#"{"backend":"medusa","return-shipping-option":"so_1"}"#,
                r#"data-backend="medusa" needs data-publishable-key: the store's publishable API key (pk_…)"#,
            ),
            (
                r#"{"backend":"medusa","publishable-key":"sk_live123","return-shipping-option":"so_1"}"#,
                r#"data-publishable-key holds a secret API key (sk_…), which every visitor of this page can read: remove it, revoke it in Medusa's admin, and give the publishable key (pk_…)"#,
            ),
            (
                r#"{"backend":"medusa","publishable-key":"pk_1\"><script>","return-shipping-option":"so_1"}"#,
                r#"data-publishable-key must be a Medusa publishable API key (pk_ and letters or digits); got "pk_1\"><script>""#,
            ),
            (
                r#"{"backend":"medusa","publishable-key":"pk_1"}"#,
                r#"data-backend="medusa" needs data-return-shipping-option: the id of the shipping option returns are sent back with (so_…)"#,
            ),
            (
                r#"{"backend":"medusa","publishable-key":"pk_1","return-shipping-option":"so 1"}"#,
                r#"data-return-shipping-option must be a Medusa shipping option id such as "so_01H…"; got "so 1""#,
            ),
            (
                r#"{"backend":"medusa","publishable-key":"pk_1","return-shipping-option":"so_1","orders-url":"/o.json"}"#,
                r#"data-orders-url goes with data-backend="local"; the medusa adapter finds orders in Medusa"#,
            ),
            (
                r#"{"publishable-key":"pk_1"}"#,
                r#"data-publishable-key and data-return-shipping-option go with data-backend="medusa""#,
            ),
            (
                r#"{"backend":"local"}"#,
                r#"data-backend="local" needs data-orders-url: the file of orders the widget finds orders in"#,
            ),
            (
                r#"{"orders-url":"/orders.json"}"#,
                r#"data-orders-url goes with data-backend="local", data-policy-file with "local" or "medusa""#,
            ),
            (
                r#"{"backend":"local","orders-url":"file:///etc/passwd"}"#,
                r#"data-orders-url must be a path starting with '/', an http(s):// URL, or #id of a <script type="application/json"> in the page; got "file:///etc/passwd""#,
            ),
            (
                r##"{"backend":"local","orders-url":"#1st orders"}"##,
                r##"data-orders-url must be a path starting with '/', an http(s):// URL, or #id of a <script type="application/json"> in the page; got "#1st orders""##,
            ),
            (
                r#"{"faq-file":"/faq.json"}"#,
                r#"data-faq-file goes with data-backend="local""#,
            ),
            (
                r#"{"contact":"javascript:alert(1)"}"#,
                r#"data-contact must be a path starting with '/', an http(s):// URL, a mailto: or a tel: link; got "javascript:alert(1)""#,
            ),
            (
                r#"{"theme":"blue"}"#,
                r#"data-theme must be one of auto, light, dark; got "blue""#,
            ),
            (
                r#"{"api":"ftp://x"}"#,
                r#"data-api must be empty, a path starting with '/', or an http(s):// URL; got "ftp://x""#,
            ),
            (
                r#"{"shop":"Lotus Pine"}"#,
                r#"data-shop must be 1 to 64 lower-case letters, digits, '-' or '_'; got "Lotus Pine""#,
            ),
            (
                r#"{"locale":"english please"}"#,
                r#"data-locale must be a language tag such as "en", "zh-Hans" or "zh-TW"; got "english please""#,
            ),
            (
                r#"{"locale":"fr-FR"}"#,
                r#"data-locale must name a language the widget ships (en, zh-Hans, zh-Hant, or a regional tag of them such as zh-TW); got "fr-FR""#,
            ),
            (
                r#"{"order":"1001"}"#,
                "data-order goes with data-email (or a link's data-token)",
            ),
            (
                r#"{"email":"a@b.c"}"#,
                "data-order and data-email go together: give both or neither",
            ),
            (
                r#"{"token":"1.ab"}"#,
                "data-token goes with data-case or data-order",
            ),
            (
                r#"{"case":"AS-1","token":"<script>"}"#,
                "data-token must be a link token as the server mints it (digits, letters and one dot)",
            ),
        ];
        for (json, message) in cases {
            assert_eq!(WidgetConfig::parse(json).unwrap_err(), message);
        }
        let unknown = WidgetConfig::parse(r#"{"colour":"red"}"#).unwrap_err();
        assert!(
            unknown.starts_with(
                "data-colour is not a setting of the after-sales widget; known: data-backend"
            ),
            "{unknown}"
        );
        assert!(WidgetConfig::parse("{not json").is_err());
        assert!(WidgetConfig::parse(r#"{"api": 5}"#).is_err());
    }

    #[test]
    fn a_merchant_can_reword_a_message_but_not_break_it() {
        let ok = parse_messages(
            r#"{"zh-Hans": {"panel.title": "莲松售后", "choose.intro": "订单 {number}：选一件"}}"#,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        crate::i18n::set_overrides(&ok);
        assert_eq!(Locale::ZhHans.text(Msg::PanelTitle), "莲松售后");
        assert_eq!(
            Locale::ZhHant.text(Msg::PanelTitle),
            "退換貨與售後服務",
            "other languages keep theirs"
        );
        crate::i18n::set_overrides(&[]);
        assert_eq!(Locale::ZhHans.text(Msg::PanelTitle), "退换货与售后");
        let cases = [
            (
                r#"{"fr": {"panel.title": "Retours"}}"#,
                r#"data-messages names "fr", not a language the widget ships (en, zh-Hans, zh-Hant)"#,
            ),
            (
                r#"{"en": {"panel.titel": "Returns"}}"#,
                r#"data-messages: "panel.titel" is not a message of the widget (the keys are in locales/en.json)"#,
            ),
            (
                r#"{"en": {"verdict.days_left": "{n} to go"}}"#,
                r#"data-messages: "verdict.days_left" is a plural message and cannot be overridden"#,
            ),
            (
                r#"{"en": {"choose.intro": "Pick one"}}"#,
                r#"data-messages: en "choose.intro" must keep exactly the placeholders of the catalog ({number}); got "Pick one""#,
            ),
            (
                r#"{"en": {"panel.title": "Hi {name}"}}"#,
                r#"data-messages: en "panel.title" must keep exactly the placeholders of the catalog (none); got "Hi {name}""#,
            ),
            (
                r#"{"en": {"panel.title": ""}}"#,
                r#"data-messages: en "panel.title" must be a text of 1 to 500 characters"#,
            ),
        ];
        for (json, want) in cases {
            assert_eq!(parse_messages(json).unwrap_err(), want, "{json}");
        }
        assert!(parse_messages("[1]")
            .unwrap_err()
            .starts_with("data-messages must be a JSON object"));
    }
}
