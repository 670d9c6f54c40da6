//! The catalog checker, shared by `build.rs` (a bad catalog fails the build) and the tests.
//!
//! A catalog is one JSON object per locale, `locales/<tag>.json`: a key (`lookup.heading`)
//! maps to a message, either a string or a plural object `{"one": "…", "other": "…"}`.
//! Messages name their values in braces (`{days}`); `{n}` is the count of a plural. English
//! is the reference: every other catalog has exactly its keys and, per message, exactly its
//! placeholders.

use std::collections::BTreeSet;

/// One message of a catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The plural form for a count of one, where the language has it.
    pub one: Option<String>,
    /// The text (the plural form for any other count).
    pub other: String,
    /// Whether the message is a plural (an object in the file).
    pub plural: bool,
}

/// A parsed catalog, in file order.
pub type Catalog = Vec<(String, Message)>;

/// Parses a catalog file.
///
/// # Errors
/// One sentence per problem of shape: not a JSON object, a key of the wrong form, a message
/// that is neither a string nor a plural object, an empty text, unbalanced braces.
pub fn parse(text: &str) -> Result<Catalog, Vec<String>> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| vec![format!("not valid JSON: {e}")])?;
    let serde_json::Value::Object(map) = value else {
        return Err(vec![
            "the catalog must be a JSON object of key to message".into()
        ]);
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (key, value) in map {
        let good_key = !key.is_empty()
            && key.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            });
        if !good_key {
            problems.push(format!(
                "key {key:?} must be dot-separated words of letters, digits, '_' or '-'"
            ));
            continue;
        }
        let message = match value {
            serde_json::Value::String(s) => Message {
                one: None,
                other: s,
                plural: false,
            },
            serde_json::Value::Object(forms) => {
                let mut one = None;
                let mut other = None;
                for (form, text) in forms {
                    match (form.as_str(), text) {
                        ("one", serde_json::Value::String(s)) => one = Some(s),
                        ("other", serde_json::Value::String(s)) => other = Some(s),
                        (form, _) => problems.push(format!(
                            "{key}: plural forms are \"one\" and \"other\" (strings); got {form:?}"
                        )),
                    }
                }
                let Some(other) = other else {
                    problems.push(format!("{key}: a plural needs its \"other\" form"));
                    continue;
                };
                Message {
                    one,
                    other,
                    plural: true,
                }
            }
            _ => {
                problems.push(format!(
                    "{key}: a message is a string or {{\"one\": …, \"other\": …}}"
                ));
                continue;
            }
        };
        for text in message.one.iter().chain(Some(&message.other)) {
            if text.trim().is_empty() {
                problems.push(format!("{key}: a message may not be empty"));
            }
            if let Err(e) = placeholders(text) {
                problems.push(format!("{key}: {e}"));
            }
        }
        out.push((key, message));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The names in braces in `text`.
///
/// # Errors
/// An unclosed or stray brace, or a name that is not a lower-case word.
pub fn placeholders(text: &str) -> Result<BTreeSet<String>, String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find(['{', '}']) {
        if rest[start..].starts_with('}') {
            return Err(format!("a '}}' without its '{{' in {text:?}"));
        }
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("a '{{' without its '}}' in {text:?}"))?;
        let name = &after[..end];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(format!(
                "placeholder {{{name}}} must be a lower-case word in {text:?}"
            ));
        }
        names.insert(name.to_string());
        rest = &after[end + 1..];
    }
    Ok(names)
}

/// The placeholders of a message, all forms together (a form may leave `{n}` out: "1 day").
fn message_placeholders(m: &Message) -> BTreeSet<String> {
    let mut all = placeholders(&m.other).unwrap_or_default();
    if let Some(one) = &m.one {
        all.extend(placeholders(one).unwrap_or_default());
    }
    if m.plural {
        all.insert("n".into());
    }
    all
}

/// Compares `catalog` (of `locale`) with the reference catalog: the same keys, the same kind of
/// message, the same placeholders. Returns every difference.
pub fn compare(reference: &Catalog, locale: &str, catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, want) in reference {
        match catalog.iter().find(|(k, _)| k == key) {
            None => problems.push(format!("{locale}: key {key} is missing")),
            Some((_, got)) => {
                if want.plural != got.plural {
                    problems.push(format!(
                        "{locale}: {key} must be {} as in the reference",
                        if want.plural {
                            "a plural object"
                        } else {
                            "a plain string"
                        }
                    ));
                }
                let (w, g) = (message_placeholders(want), message_placeholders(got));
                for missing in w.difference(&g) {
                    problems.push(format!(
                        "{locale}: {key} lacks the placeholder {{{missing}}}"
                    ));
                }
                for extra in g.difference(&w) {
                    problems.push(format!(
                        "{locale}: {key} has the placeholder {{{extra}}} that the reference does not"
                    ));
                }
            }
        }
    }
    for (key, _) in catalog {
        if !reference.iter().any(|(k, _)| k == key) {
            problems.push(format!(
                "{locale}: key {key} is not in the reference catalog"
            ));
        }
    }
    problems
}

/// The Rust name of a key: `lookup.error.order_number` → `LookupErrorOrderNumber`.
pub fn variant(key: &str) -> String {
    key.split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
