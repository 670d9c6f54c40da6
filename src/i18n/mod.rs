//! Languages: the catalogs the widget ships (`locales/*.json`, built into [`Msg`] and one table
//! per locale by `build.rs`), choosing a locale, and putting values into messages.
//!
//! Core returns codes and values; this module and [`crate::format`] turn them into words. A
//! view never holds a sentence of its own: it asks [`I18n`] for a [`Msg`] (a test fails on a
//! literal in a view, see `tests` below).

#[allow(dead_code)] // `variant` serves build.rs, `parse` and `compare` the tests
mod check;
mod catalog {
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

pub use catalog::Msg;
use leptos::prelude::*;
use std::cell::RefCell;

thread_local! {
    /// The merchant's own wording of some messages (`data-messages`).
    static OVERRIDES: RefCell<Vec<(Locale, Msg, &'static str)>> = const { RefCell::new(Vec::new()) };
}

/// Puts the merchant's wording in force (replacing any earlier). The texts live as long as
/// the page: a widget is mounted once.
pub fn set_overrides(list: &[(Locale, Msg, String)]) {
    let leaked = list
        .iter()
        .map(|(l, m, t)| (*l, *m, &*Box::leak(t.clone().into_boxed_str())))
        .collect();
    OVERRIDES.with(|o| *o.borrow_mut() = leaked);
}

/// The message of a catalog key (`"lookup.heading"`), and whether it is a plural.
pub fn message_of_key(key: &str) -> Option<(Msg, bool)> {
    let i = catalog::KEYS.iter().position(|k| *k == key)?;
    Some((catalog::ALL[i], catalog::PLURAL[i]))
}

/// The names in braces in a message (`{days}`), or `None` if its braces do not pair up.
pub fn placeholders(text: &str) -> Option<std::collections::BTreeSet<String>> {
    check::placeholders(text).ok()
}

/// A language the widget ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// English.
    En,
    /// Chinese in simplified characters (mainland China, Singapore).
    ZhHans,
    /// Chinese in traditional characters (Taiwan, Hong Kong, Macau).
    ZhHant,
}

impl Locale {
    /// Every shipped locale, in the switcher's order.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::ZhHans, Locale::ZhHant];

    /// Its BCP 47 tag, as the catalog file is named.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhHans => "zh-Hans",
            Locale::ZhHant => "zh-Hant",
        }
    }

    /// Its name in its own language, for the switcher.
    pub fn autonym(self) -> Msg {
        match self {
            Locale::En => Msg::LanguageEn,
            Locale::ZhHans => Msg::LanguageZhHans,
            Locale::ZhHant => Msg::LanguageZhHant,
        }
    }

    fn table(
        self,
    ) -> (
        &'static [&'static str; catalog::COUNT],
        &'static [(Msg, &'static str)],
    ) {
        match self {
            Locale::En => (&catalog::EN, catalog::EN_ONE),
            Locale::ZhHans => (&catalog::ZH_HANS, catalog::ZH_HANS_ONE),
            Locale::ZhHant => (&catalog::ZH_HANT, catalog::ZH_HANT_ONE),
        }
    }

    /// The catalog's own text of a message (whatever the merchant overrides).
    pub fn catalog_text(self, m: Msg) -> &'static str {
        self.table().0[m as usize]
    }

    /// The text of a message: the merchant's wording where given, else the catalog's.
    pub fn text(self, m: Msg) -> &'static str {
        OVERRIDES
            .with(|o| {
                o.borrow()
                    .iter()
                    .find(|(l, k, _)| *l == self && *k == m)
                    .map(|(_, _, t)| *t)
            })
            .unwrap_or_else(|| self.catalog_text(m))
    }

    /// The text of a plural message for a count of `n`. English has a "one" form; Chinese
    /// has none (every count takes "other").
    pub fn plural(self, m: Msg, n: i64) -> &'static str {
        if n == 1 {
            if let Some((_, one)) = self.table().1.iter().find(|(k, _)| *k == m) {
                return one;
            }
        }
        self.text(m)
    }

    /// The shipped locale for a BCP 47 tag, if there is one: `en-GB` → English, `zh-CN`,
    /// `zh-SG`, `zh-Hans-*` and bare `zh` → simplified, `zh-TW`, `zh-HK`, `zh-MO` and
    /// `zh-Hant-*` → traditional. Case does not matter (`ZH-tw`).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let mut parts = tag.split(['-', '_']);
        let language = parts.next()?.to_ascii_lowercase();
        match language.as_str() {
            "en" => Some(Locale::En),
            "zh" => {
                let mut locale = Locale::ZhHans;
                for part in parts {
                    match part.to_ascii_lowercase().as_str() {
                        "hant" | "tw" | "hk" | "mo" => locale = Locale::ZhHant,
                        "hans" => return Some(Locale::ZhHans),
                        _ => {}
                    }
                }
                Some(locale)
            }
            _ => None,
        }
    }
}

/// The language of the widget: the catalog it words things with, and the tag it formats
/// dates and money with (the shopper's own, e.g. `en-GB` or `zh-TW`, where it matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lang {
    /// The catalog.
    pub locale: Locale,
    /// The BCP 47 tag for `Intl` formatting.
    pub tag: String,
}

impl Lang {
    /// A language with the locale's own tag.
    pub fn of(locale: Locale) -> Lang {
        Lang {
            locale,
            tag: locale.tag().to_string(),
        }
    }

    /// The text of a message.
    pub fn t(&self, m: Msg) -> &'static str {
        self.locale.text(m)
    }

    /// A message with its values put in.
    pub fn f(&self, m: Msg, args: &[(&str, &str)]) -> String {
        fill(self.locale.text(m), args)
    }

    /// A plural message for `n`, with `{n}` and the other values put in.
    pub fn p(&self, m: Msg, n: i64, args: &[(&str, &str)]) -> String {
        let count = n.to_string();
        let mut all = vec![("n", count.as_str())];
        all.extend_from_slice(args);
        fill(self.locale.plural(m, n), &all)
    }
}

/// The first tag in `wanted` that a shipped locale serves, in order: the page's
/// `data-locale`, then the browser's languages, then the shop's default. `None` when none
/// does (the caller then uses English).
pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>) -> Option<Lang> {
    wanted.into_iter().find_map(|tag| {
        Locale::from_tag(tag).map(|locale| Lang {
            locale,
            tag: tag.to_string(),
        })
    })
}

/// Puts values into a message: each `{name}` becomes its value; a name without a value stays
/// as it is (the journeys fail on any brace left in the page).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The widget's language, shared through the reactive context: reading it in a view makes
/// that text follow the switcher.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
    /// Whether the page, the browser or the shopper chose the language (else the shop's
    /// default may still take over when the policy arrives).
    settled: StoredValue<bool>,
}

impl I18n {
    /// The language to start with; `settled` when the page or the browser named it.
    pub fn new(lang: Lang, settled: bool) -> I18n {
        I18n {
            lang: RwSignal::new(lang),
            settled: StoredValue::new(settled),
        }
    }

    /// The current language (tracked).
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    /// The shopper's choice in the switcher.
    pub fn choose(self, lang: Lang) {
        self.settled.set_value(true);
        self.lang.set(lang);
    }

    /// The shop's default language (from its policy), used when nothing else chose one.
    pub fn adopt_shop_default(self, tag: Option<&str>) {
        if self.settled.get_value() {
            return;
        }
        if let Some(lang) = negotiate(tag) {
            self.settled.set_value(true);
            if self.lang.get_untracked() != lang {
                self.lang.set(lang);
            }
        }
    }

    /// The text of a message in the current language (tracked).
    pub fn t(self, m: Msg) -> &'static str {
        self.lang.with(|l| l.t(m))
    }

    /// A message with its values (tracked).
    pub fn f(self, m: Msg, args: &[(&str, &str)]) -> String {
        self.lang.with(|l| l.f(m, args))
    }

    /// A plural message for `n` (tracked).
    pub fn p(self, m: Msg, n: i64, args: &[(&str, &str)]) -> String {
        self.lang.with(|l| l.p(m, n, args))
    }
}

/// A text that shows a message and follows the language switcher. Every message shares this
/// one closure type, so its rendering code is in the bundle once, not once per message.
pub fn tr(m: Msg) -> impl IntoView + Copy + 'static {
    let i18n = use_i18n();
    move || i18n.t(m)
}

/// The widget's [`I18n`] (provided when it mounts).
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn tags_find_their_locale() {
        let cases = [
            ("en", Some(Locale::En)),
            ("en-GB", Some(Locale::En)),
            ("zh", Some(Locale::ZhHans)),
            ("zh-CN", Some(Locale::ZhHans)),
            ("zh-SG", Some(Locale::ZhHans)),
            ("zh-Hans", Some(Locale::ZhHans)),
            ("zh-Hans-HK", Some(Locale::ZhHans)),
            ("zh-TW", Some(Locale::ZhHant)),
            ("ZH-hk", Some(Locale::ZhHant)),
            ("zh-MO", Some(Locale::ZhHant)),
            ("zh-Hant", Some(Locale::ZhHant)),
            ("zh_TW", Some(Locale::ZhHant)),
            ("fr-FR", None),
            ("", None),
        ];
        for (tag, want) in cases {
            assert_eq!(Locale::from_tag(tag), want, "{tag}");
        }
    }

    #[test]
    fn the_first_wanted_tag_with_a_catalog_wins() {
        let l = negotiate(["fr-FR", "zh-TW", "en"]).unwrap();
        assert_eq!((l.locale, l.tag.as_str()), (Locale::ZhHant, "zh-TW"));
        assert_eq!(negotiate(["de", "fr"]), None);
    }

    #[test]
    fn values_go_into_their_places_and_unknown_names_stay() {
        assert_eq!(
            fill(
                "Returnable until {date} ({left})",
                &[("date", "2 Dec"), ("left", "7 days left")]
            ),
            "Returnable until 2 Dec (7 days left)"
        );
        assert_eq!(fill("{a}{a}", &[("a", "x")]), "xx");
        assert_eq!(fill("keep {missing} and {", &[]), "keep {missing} and {");
        assert_eq!(fill("无占位符", &[("a", "x")]), "无占位符");
    }

    #[test]
    fn english_has_a_one_form_and_chinese_does_not_need_one() {
        let en = Lang::of(Locale::En);
        assert_eq!(en.p(Msg::VerdictDaysLeft, 1, &[]), "1 day left");
        assert_eq!(en.p(Msg::VerdictDaysLeft, 5, &[]), "5 days left");
        assert_eq!(en.p(Msg::VerdictDaysLeft, 0, &[]), "0 days left");
        let zh = Lang::of(Locale::ZhHans);
        assert_eq!(zh.p(Msg::VerdictDaysLeft, 1, &[]), "还剩 1 天");
        assert_eq!(zh.p(Msg::VerdictDaysLeft, 5, &[]), "还剩 5 天");
    }

    #[test]
    fn the_seven_day_no_reason_return_reads_as_written_in_chinese() {
        assert!(Locale::ZhHans
            .text(Msg::PolicyRefundDays7)
            .contains("七天无理由退货"));
        assert!(Locale::ZhHant
            .text(Msg::PolicyRefundDays7)
            .contains("七天無理由退貨"));
    }

    fn read(path: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    #[test]
    fn the_shipped_catalogs_pass_the_checker() {
        let en = check::parse(&read("locales/en.json")).unwrap();
        for tag in ["zh-Hans", "zh-Hant"] {
            let other = check::parse(&read(&format!("locales/{tag}.json"))).unwrap();
            assert_eq!(check::compare(&en, tag, &other), Vec::<String>::new());
        }
    }

    #[test]
    fn the_checker_finds_every_kind_of_catalog_mistake() {
        let en = check::parse(
            r#"{"a.b": "Hello {name}", "c": {"one": "1 day", "other": "{n} days"}, "d": "Plain"}"#,
        )
        .unwrap();
        let cases: [(&str, &[&str]); 5] = [
            (
                r#"{"a.b": "你好", "c": {"other": "{n} 天"}, "d": "x"}"#,
                &["zh: a.b lacks the placeholder {name}"],
            ),
            (
                r#"{"a.b": "你好 {name}", "d": "x"}"#,
                &["zh: key c is missing"],
            ),
            (
                r#"{"a.b": "你好 {name}", "c": {"other": "{n} 天"}, "d": "x", "e": "extra"}"#,
                &["zh: key e is not in the reference catalog"],
            ),
            (
                r#"{"a.b": "你好 {name}", "c": "{n} 天", "d": "x"}"#,
                &["zh: c must be a plural object as in the reference"],
            ),
            (
                r#"{"a.b": "你好 {name} {who}", "c": {"other": "{n} 天"}, "d": "x"}"#,
                &["zh: a.b has the placeholder {who} that the reference does not"],
            ),
        ];
        for (text, want) in cases {
            let zh = check::parse(text).unwrap();
            assert_eq!(check::compare(&en, "zh", &zh), want.to_vec(), "{text}");
        }
        let bad_shapes = [
            (
                r#"["a"]"#,
                "the catalog must be a JSON object of key to message",
            ),
            (
                r#"{"a b": "x"}"#,
                "key \"a b\" must be dot-separated words of letters, digits, '_' or '-'",
            ),
            (r#"{"a": ""}"#, "a: a message may not be empty"),
            (
                r#"{"a": 5}"#,
                "a: a message is a string or {\"one\": …, \"other\": …}",
            ),
            (
                r#"{"a": {"one": "x"}}"#,
                "a: a plural needs its \"other\" form",
            ),
            (
                r#"{"a": "open {brace"}"#,
                "a: a '{' without its '}' in \"open {brace\"",
            ),
            (
                r#"{"a": "{Name}"}"#,
                "a: placeholder {Name} must be a lower-case word in \"{Name}\"",
            ),
        ];
        for (text, want) in bad_shapes {
            assert_eq!(
                check::parse(text).unwrap_err(),
                vec![want.to_string()],
                "{text}"
            );
        }
    }

    /// Every source file of the widget, outside its tests, as (path, text).
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let code = match text.find("#[cfg(test)]\nmod tests") {
                        Some(i) => text[..i].to_string(),
                        None => text,
                    };
                    out.push((path.display().to_string(), code));
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
        out
    }

    #[test]
    fn every_message_is_used_somewhere() {
        let code: String = sources().into_iter().map(|(_, t)| t).collect();
        // The loader's words are put into it by the packaging script.
        let packaging = read("scripts/package.mjs");
        let unused: Vec<&str> = catalog::VARIANTS
            .iter()
            .zip(catalog::KEYS)
            .filter(|(v, k)| {
                !code.contains(&format!("Msg::{v}")) && !packaging.contains(&format!("\"{k}\""))
            })
            .map(|(_, k)| k)
            .collect();
        assert!(unused.is_empty(), "keys no code uses: {unused:?}");
    }

    #[test]
    fn no_view_words_things_itself() {
        let mut found = Vec::new();
        for (path, text) in sources() {
            // Settings errors are for the merchant's console, in English by design; the
            // mounting code names DOM and JS things; the catalog checker speaks to developers.
            // None of them shows the shopper a sentence.
            if ["config.rs", "embed.rs", "check.rs"]
                .iter()
                .any(|f| path.ends_with(f))
            {
                continue;
            }
            for (line_no, line) in text.lines().enumerate() {
                for literal in check_literals::user_visible(line) {
                    found.push(format!("{path}:{}: {literal:?}", line_no + 1));
                }
            }
        }
        assert!(
            found.is_empty(),
            "literal text outside the catalogs:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_literal_finder_tells_words_from_code() {
        let flagged = [
            r#"<p class="as-note">"Loading…"</p>"#,
            r#"<button aria-label="Close">"#,
            r#"format!("{n} days left")"#,
            r#"Some("Choose a reason".into())"#,
            r#"<span>"预计退款"</span>"#,
            r#"<label>"Quantity"</label>"#,
        ];
        for line in flagged {
            assert!(!check_literals::user_visible(line).is_empty(), "{line}");
        }
        let fine = [
            r#"<p class="as-note as-note--big" part="error" role="alert">"#,
            r#"<input name="order_number" autocomplete="off" maxlength="64" type="email"/>"#,
            r#"self.post("/v1/orders/lookup", &req)"#,
            r#"let x = "changed_mind"; // "A comment"  "#,
            r#"format!("{}{path}", self.base)"#,
            r#"<span aria-hidden="true">"×"</span>"#,
            r#"/// "Doc comments" are not views"#,
            r#"x.push_str("UTC"); // i18n-ok: the zone's abbreviation"#,
            r#"("minimumFractionDigits", &digits),"#,
            r#"extern "C" {"#,
        ];
        for line in fine {
            assert_eq!(
                check_literals::user_visible(line),
                Vec::<String>::new(),
                "{line}"
            );
        }
    }

    /// Finds string literals that a shopper could read.
    mod check_literals {
        /// Attributes whose values a shopper never reads.
        const CODE_ATTRIBUTES: [&str; 22] = [
            "class",
            "part",
            "name",
            "type",
            "autocomplete",
            "maxlength",
            "id",
            "role",
            "data-testid",
            "value",
            "href",
            "target",
            "rel",
            "aria-hidden",
            "aria-live",
            "aria-modal",
            "aria-labelledby",
            "aria-describedby",
            "inputmode",
            "for",
            "dir",
            "tabindex",
        ];

        /// The literals of one line that hold words: not code-like, not the value of a
        /// code attribute, not in a comment, not on a line marked `i18n-ok`.
        pub fn user_visible(line: &str) -> Vec<String> {
            let trimmed = line.trim_start();
            let skip = ["//", "#[", "extern "]
                .iter()
                .any(|p| trimmed.starts_with(p));
            if skip || line.contains("i18n-ok:") {
                return Vec::new();
            }
            let mut out = Vec::new();
            let bytes = line.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/') {
                    break;
                }
                if bytes[i] != b'"' {
                    i += 1;
                    continue;
                }
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let literal = &line[start..j.min(line.len())];
                let before = line[..i].trim_end();
                let attribute = before
                    .strip_suffix('=')
                    .map(|b| b.rsplit([' ', '<', '(']).next().unwrap_or("").trim());
                let code_attribute = attribute.is_some_and(|a| CODE_ATTRIBUTES.contains(&a));
                if !code_attribute && has_words(literal) {
                    out.push(literal.to_string());
                }
                i = j + 1;
            }
            out
        }

        /// Whether a literal reads as words: letters beyond a lower-case code (`as-line`,
        /// `changed_mind`, `/v1/cases`), format placeholders aside.
        fn has_words(literal: &str) -> bool {
            let mut text = String::new();
            let mut depth = 0;
            for c in literal.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ if depth == 0 => text.push(c),
                    _ => {}
                }
            }
            let has_letter = text.chars().any(char::is_alphabetic);
            let code_like = text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-./:#[]=@".contains(c));
            // A JS or DOM name such as `timeZoneName`: capitals inside one lower-case word.
            let camel_case = text.starts_with(|c: char| c.is_ascii_lowercase())
                && text.chars().all(|c| c.is_ascii_alphanumeric())
                && text.chars().any(|c| c.is_ascii_uppercase());
            // A language tag (`zh-Hant`) or an environment name (`OUT_DIR`).
            let tag = crate::i18n::Locale::ALL.iter().any(|l| l.tag() == text);
            let env = text.contains('_')
                && text
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            has_letter && !code_like && !camel_case && !tag && !env
        }
    }
}
