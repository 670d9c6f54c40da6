//! A merchant's own words in several languages: `{"en": "Kettles", "zh-Hans": "电热水壶"}`.
//!
//! Reason labels, rule names and policy notes are given this way in the policy file. Core
//! checks them and picks one by a fixed fallback order ([`Texts::pick`]); the widget asks for
//! the shopper's language.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// One text per language tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Texts(pub BTreeMap<String, String>);

/// Whether `tag` is a well-formed BCP 47 language tag (`en`, `zh-Hant`, `pt-BR`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    language_ok
        && tag.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks one text a merchant writes: 1 to [`MAX_TEXT_CHARS`] characters, not blank, with
/// no control or bidirectional-override characters (a text must not be able to display as
/// something it is not).
///
/// # Errors
/// What was expected, e.g. `"a text of 1 to 500 characters"`.
pub fn check_text(text: &str) -> Result<(), String> {
    check_bounded(text, MAX_TEXT_CHARS)
}

/// [`check_text`] with another length limit: 1 to `max_chars` characters, not blank, no
/// control or direction-override characters. The count stops at the limit, so a huge text
/// costs no more than a long one.
///
/// # Errors
/// What was expected.
pub fn check_bounded(text: &str, max_chars: usize) -> Result<(), String> {
    if text.trim().is_empty() || text.chars().nth(max_chars).is_some() {
        return Err(format!("a text of 1 to {max_chars} characters"));
    }
    if text.chars().any(is_hostile) {
        return Err("a text without control or direction-override characters".into());
    }
    Ok(())
}

/// [`check_bounded`] for text of several lines (an answer, a message): line breaks are
/// allowed, other control characters are not.
///
/// # Errors
/// What was expected.
pub fn check_paragraphs(text: &str, max_chars: usize) -> Result<(), String> {
    let one_line: String = text
        .chars()
        .take(max_chars + 1)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    check_bounded(&one_line, max_chars)
}

/// A control character, or one that overrides or isolates the direction of the text after it
/// (LRE…RLO, LRI…PDI): in a title it could make the text display as something it is not.
pub fn is_hostile(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl Texts {
    /// Whether no text is given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks every tag and text.
    ///
    /// # Errors
    /// `(tag, expected)` for the first bad entry: a malformed tag, or a text [`check_text`]
    /// refuses.
    pub fn validate(&self) -> Result<(), (String, String)> {
        for (tag, text) in &self.0 {
            if !is_language_tag(tag) {
                return Err((
                    tag.clone(),
                    format!("a language tag such as \"en\" or \"zh-Hans\"; got {tag:?}"),
                ));
            }
            check_text(text).map_err(|expected| (tag.clone(), expected))?;
        }
        Ok(())
    }

    /// The text for the first tag in `wanted` that has one, in this order: a text whose tag
    /// equals a wanted tag (case aside), in the order wanted; then a text of the same
    /// language as a wanted tag (`zh-Hans` for `zh-TW`); then the first text given.
    pub fn pick(&self, wanted: &[&str]) -> Option<&str> {
        let language = |tag: &str| tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        wanted
            .iter()
            .find_map(|w| self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(w)))
            .or_else(|| {
                wanted
                    .iter()
                    .find_map(|w| self.0.iter().find(|(k, _)| language(k) == language(w)))
            })
            .or_else(|| self.0.iter().next())
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(pairs: &[(&str, &str)]) -> Texts {
        Texts(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_fallback_order_is_exact_tag_then_language_then_first() {
        let t = texts(&[
            ("en", "Kettles"),
            ("zh-Hans", "电热水壶"),
            ("zh-Hant", "電熱水壺"),
        ]);
        assert_eq!(t.pick(&["zh-hant", "en"]), Some("電熱水壺"));
        assert_eq!(t.pick(&["zh-TW", "zh-Hant", "en"]), Some("電熱水壺"));
        assert_eq!(t.pick(&["zh-SG", "fr"]), Some("电热水壶"));
        assert_eq!(t.pick(&["fr", "en"]), Some("Kettles"));
        assert_eq!(t.pick(&["fr"]), Some("Kettles"));
        let only_zh = texts(&[("zh-Hans", "电热水壶")]);
        assert_eq!(only_zh.pick(&["en"]), Some("电热水壶"));
        assert_eq!(Texts::default().pick(&["en"]), None);
    }

    #[test]
    fn bad_tags_and_texts_are_named() {
        let cases = [
            (texts(&[("english", "x")]), "english"),
            (texts(&[("en", " ")]), "en"),
            (texts(&[("en", &"x".repeat(501))]), "en"),
            (texts(&[("en", "safe\u{202E}txt.exe")]), "en"),
            (texts(&[("en", "line\nbreak")]), "en"),
        ];
        for (t, tag) in cases {
            assert_eq!(t.validate().unwrap_err().0, tag);
        }
        assert!(texts(&[("en", "Kettles"), ("zh-Hant-TW", "電熱水壺")])
            .validate()
            .is_ok());
    }
}
