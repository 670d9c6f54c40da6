//! Self-help before a case: the merchant's FAQ and the matcher that searches it.
//!
//! The file (`faq.json` beside the policy) holds entries, each with a category and, per
//! language, a question, an answer and keywords. [`Faq::articles`] picks one language with the
//! same fallback as the policy's texts; [`search`] ranks articles for what the shopper typed.
//!
//! Matching folds case, accents (Latin letters) and full-width forms (`ＲＥＴＵＲＮ` is
//! `return`), so it finds what a person means rather than what they typed. Chinese, Japanese
//! and Korean text has no spaces, so it is matched by overlapping pairs of characters
//! (bigrams): `退款多久` finds an answer about `退款…多久到账`.

use crate::text::{check_bounded, check_paragraphs, is_language_tag};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most entries in one file.
pub const MAX_ENTRIES: usize = 500;
/// Longest answer, in characters.
pub const MAX_ANSWER: usize = 4_000;
/// Longest query taken, in characters (the rest is ignored).
pub const MAX_QUERY: usize = 200;

/// The FAQ file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Faq {
    /// The entries, in the order the merchant wants them shown when nothing is searched.
    pub entries: Vec<FaqEntry>,
}

/// One question, in as many languages as the merchant writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    /// Stable id (`refund-time`), recorded when it answers someone.
    pub id: String,
    /// A grouping such as `refunds`, `delivery`, `warranty`.
    pub category: String,
    /// Per language tag.
    pub texts: BTreeMap<String, FaqText>,
}

/// An entry in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FaqText {
    /// The question, as a shopper would ask it.
    pub question: String,
    /// The answer (plain text; blank lines separate paragraphs).
    pub answer: String,
    /// Other words a shopper may use for it.
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// An entry picked in one language: what the widget shows and searches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FaqArticle {
    /// The entry's id.
    pub id: String,
    /// Its category.
    pub category: String,
    /// The language picked.
    pub lang: String,
    /// Question, answer and keywords in that language.
    #[serde(flatten)]
    pub text: FaqText,
}

/// `GET /v1/faq?lang=…` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FaqResponse {
    /// Every entry, in the language asked for where written, else the fallback.
    pub articles: Vec<FaqArticle>,
}

/// A problem in the FAQ file, with the path of the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqError {
    /// E.g. `entries[3].texts.en.answer`.
    pub path: String,
    /// What was expected.
    pub expected: String,
}

impl std::fmt::Display for FaqError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.expected)
    }
}

impl std::error::Error for FaqError {}

fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Faq {
    /// Reads and checks a file.
    ///
    /// # Errors
    /// The first problem, with its path.
    pub fn from_json(text: &str) -> Result<Faq, FaqError> {
        let faq: Faq = serde_json::from_str(text).map_err(|e| FaqError {
            path: "faq".into(),
            expected: e.to_string(),
        })?;
        faq.validate()?;
        Ok(faq)
    }

    /// Checks bounds: at most [`MAX_ENTRIES`], unique ids, well-formed tags, texts within
    /// their lengths and free of control or direction-override characters.
    ///
    /// # Errors
    /// The first problem, with its path.
    pub fn validate(&self) -> Result<(), FaqError> {
        let bad = |path: String, expected: &str| FaqError {
            path,
            expected: expected.into(),
        };
        if self.entries.len() > MAX_ENTRIES {
            return Err(bad("entries".into(), "at most 500 entries"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, e) in self.entries.iter().enumerate() {
            let at = format!("entries[{i}]");
            if !is_id(&e.id) || !seen.insert(e.id.as_str()) {
                return Err(bad(
                    format!("{at}.id"),
                    "a unique id of 1 to 64 letters, digits, - or _",
                ));
            }
            if !is_id(&e.category) {
                return Err(bad(
                    format!("{at}.category"),
                    "1 to 64 letters, digits, - or _",
                ));
            }
            if e.texts.is_empty() {
                return Err(bad(
                    format!("{at}.texts"),
                    "the entry in at least one language",
                ));
            }
            for (tag, t) in &e.texts {
                let at = format!("{at}.texts.{tag}");
                if !is_language_tag(tag) {
                    return Err(bad(at, "a language tag such as \"en\" or \"zh-Hans\""));
                }
                check_bounded(&t.question, 300).map_err(|x| bad(format!("{at}.question"), &x))?;
                check_paragraphs(&t.answer, MAX_ANSWER)
                    .map_err(|x| bad(format!("{at}.answer"), &x))?;
                if t.keywords.len() > 30 {
                    return Err(bad(format!("{at}.keywords"), "at most 30 keywords"));
                }
                for (k, w) in t.keywords.iter().enumerate() {
                    check_bounded(w, 60).map_err(|x| bad(format!("{at}.keywords[{k}]"), &x))?;
                }
            }
        }
        Ok(())
    }

    /// Every entry in language `lang`, else in the same language without region or script
    /// (`zh-Hant` → `zh`), else `fallback`, else English, else its first language.
    pub fn articles(&self, lang: &str, fallback: Option<&str>) -> Vec<FaqArticle> {
        self.entries
            .iter()
            .filter_map(|e| {
                let base = lang.split('-').next().unwrap_or(lang);
                let (tag, text) = e
                    .texts
                    .get_key_value(lang)
                    .or_else(|| e.texts.get_key_value(base))
                    .or_else(|| fallback.and_then(|f| e.texts.get_key_value(f)))
                    .or_else(|| e.texts.get_key_value("en"))
                    .or_else(|| e.texts.iter().next())?;
                Some(FaqArticle {
                    id: e.id.clone(),
                    category: e.category.clone(),
                    lang: tag.clone(),
                    text: text.clone(),
                })
            })
            .collect()
    }
}

/// Folds one character for matching: full-width ASCII to ASCII, the ideographic space to a
/// space, Latin letters with accents to their base letter, upper to lower case.
fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    strip_accent(lower(c))
}

/// Lower case for the scripts a shop's FAQ is written in besides CJK (which has no case):
/// Latin (ASCII, Latin-1; Latin Extended-A is folded by [`strip_accent`]), Greek and
/// Cyrillic. Written out rather than `char::to_lowercase`, whose full Unicode table would
/// cost the widget kilobytes for scripts it never folds.
fn lower(c: char) -> char {
    let shifted = match c {
        'A'..='Z' | 'À'..='Þ' | 'Α'..='Ω' | 'А'..='Я' if c != '×' => c as u32 + 0x20,
        'Ѐ'..='Џ' => c as u32 + 0x50,
        _ => return c,
    };
    char::from_u32(shifted).unwrap_or(c)
}

/// The base letter of an accented Latin letter (Latin-1 and Latin Extended-A); other
/// characters unchanged.
fn strip_accent(c: char) -> char {
    const LATIN1: &str = "aaaaaaaceeeeiiiidnooooo÷ouuuuyþy";
    match c {
        'à'..='ÿ' => LATIN1
            .chars()
            .nth(c as usize - 'à' as usize)
            .filter(|b| b.is_ascii())
            .unwrap_or(c),
        '\u{100}'..='\u{17F}' => {
            const EXT_A: &str = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
            EXT_A.chars().nth(c as usize - 0x100).unwrap_or(c)
        }
        _ => c,
    }
}

/// Whether `c` is written without spaces between words (Han, kana, Hangul).
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

/// Words too common to tell articles apart.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "be", "can", "do", "does", "for", "how", "i", "if", "in", "is", "it",
    "my", "of", "on", "or", "the", "to", "what", "when", "where", "why", "will", "with", "you",
    "your",
];

/// The terms of a text: folded words of letters and digits (stop words dropped), and for
/// runs of CJK characters, every pair of neighbours (a lone character stands for itself).
pub fn terms(text: &str) -> Vec<String> {
    let folded: String = text.chars().take(MAX_ANSWER).map(fold_char).collect();
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_word = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() && !STOP_WORDS.contains(&word.as_str()) {
            out.push(std::mem::take(word));
        }
        word.clear();
    };
    let flush_run = |run: &mut Vec<char>, out: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    };
    for c in folded.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.push(c);
        } else {
            flush_word(&mut word, &mut out);
            flush_run(&mut run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_run(&mut run, &mut out);
    out
}

/// An article's terms by where they occur, built once per FAQ ([`index`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Indexed {
    question: Vec<String>,
    keywords: Vec<String>,
    answer: Vec<String>,
}

/// Prepares articles for [`search`].
pub fn index(articles: &[FaqArticle]) -> Vec<Indexed> {
    articles
        .iter()
        .map(|a| Indexed {
            question: terms(&a.text.question),
            keywords: a.text.keywords.iter().flat_map(|k| terms(k)).collect(),
            answer: terms(&a.text.answer),
        })
        .collect()
}

/// Whether a query term matches a text term: the same, or (for a word of 3 letters or more)
/// the start of it, so `refund` finds `refunds` and `refunded`.
fn hits(query: &str, term: &str) -> bool {
    term == query || (query.chars().count() >= 3 && term.starts_with(query))
}

/// The articles that answer `query`, best first, at most `limit`, as indexes into what
/// [`index`] was given. A query term found in the question counts 3, in the keywords 3, in the
/// answer 1; an article must match at least half of the query's terms. An empty query finds
/// nothing.
pub fn search(indexed: &[Indexed], query: &str, limit: usize) -> Vec<usize> {
    let query: String = query.chars().take(MAX_QUERY).collect();
    let mut wanted = terms(&query);
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Vec::new();
    }
    let needed = wanted.len().div_ceil(2);
    let mut scored: Vec<(u32, usize)> = indexed
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let mut score = 0;
            let mut matched = 0;
            for q in &wanted {
                let in_question = a.question.iter().any(|t| hits(q, t));
                let in_keywords = a.keywords.iter().any(|t| hits(q, t));
                let in_answer = a.answer.iter().any(|t| hits(q, t));
                let s =
                    3 * u32::from(in_question) + 3 * u32::from(in_keywords) + u32::from(in_answer);
                if s > 0 {
                    matched += 1;
                    score += s;
                }
            }
            (matched >= needed).then_some((score, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(limit).map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faq() -> Faq {
        Faq::from_json(
            r#"{"entries": [
            {"id": "refund-time", "category": "refunds", "texts": {
                "en": {"question": "How long does a refund take?", "answer": "Refunds reach your card within 5 business days.", "keywords": ["money back"]},
                "zh-Hans": {"question": "退款多久到账？", "answer": "退款在5个工作日内退回原支付账户。", "keywords": ["钱"]}}},
            {"id": "café-free", "category": "delivery", "texts": {
                "en": {"question": "Where is my parcel?", "answer": "Track it with the courier's number.", "keywords": ["delivery", "late"]}}}
            ]}"#.replace("café-free", "parcel").as_str(),
        )
        .unwrap()
    }

    #[test]
    fn folding_ignores_case_accents_and_full_width_forms() {
        assert_eq!(terms("ＲＥＦＵＮＤ"), vec!["refund"]);
        assert_eq!(terms("Remboursé Ça"), vec!["rembourse", "ca"]);
        assert_eq!(terms("Łódź Straße"), vec!["lodz", "straße"]);
        assert_eq!(terms("How do I return it?"), vec!["return"]);
        assert_eq!(terms("退款多久"), vec!["退款", "款多", "多久"]);
        assert_eq!(terms("包"), vec!["包"]);
        assert_eq!(terms("iPhone退货"), vec!["iphone", "退货"]);
        assert_eq!(
            terms("ÉCOLE Ωμέγα ВОЗВРАТ Ёлка"),
            vec!["ecole", "ωμέγα", "возврат", "ёлка"]
        );
        // The same as the standard library's lower case wherever this folds.
        for c in ('\0'..='\u{52F}').filter(|c| !('\u{100}'..='\u{17F}').contains(c)) {
            let std = c.to_lowercase().next().unwrap();
            if c.is_alphabetic() && lower(c) != c {
                assert_eq!(lower(c), std, "{c}");
            }
        }
    }

    #[test]
    fn search_finds_by_question_keyword_and_prefix_in_english_and_chinese() {
        let f = faq();
        let en = f.articles("en", None);
        let ix = index(&en);
        assert_eq!(search(&ix, "refund", 5), vec![0]);
        assert_eq!(search(&ix, "REFUNDS", 5), vec![0]);
        assert_eq!(search(&ix, "ｒｅｆｕｎｄ", 5), vec![0]);
        assert_eq!(search(&ix, "my delivery is late", 5), vec![1]);
        assert_eq!(search(&ix, "money", 5), vec![0]);
        assert!(search(&ix, "", 5).is_empty());
        assert!(search(&ix, "the and of", 5).is_empty());
        assert!(search(&ix, "umbrella", 5).is_empty());
        let zh = f.articles("zh-Hans", None);
        assert_eq!(zh[1].lang, "en", "falls back to English where not written");
        let ix = index(&zh);
        assert_eq!(search(&ix, "退款要多久", 5), vec![0]);
        assert_eq!(search(&ix, "多久到账", 5), vec![0]);
        assert!(search(&ix, "保修", 5).is_empty());
    }

    #[test]
    fn huge_queries_cost_no_more_than_long_ones() {
        let ix = index(&faq().articles("en", None));
        let huge = "refund ".repeat(100_000);
        assert_eq!(search(&ix, &huge, 5), vec![0]);
    }

    #[test]
    fn bad_files_are_refused_with_their_path() {
        let one = |body: &str| Faq::from_json(&format!(r#"{{"entries": [{body}]}}"#));
        let ok =
            r#"{"id": "a", "category": "c", "texts": {"en": {"question": "Q?", "answer": "A."}}}"#;
        assert!(one(ok).is_ok());
        let cases = [
            (
                r#"{"id": "a b", "category": "c", "texts": {"en": {"question": "Q", "answer": "A"}}}"#,
                "entries[0].id",
            ),
            (
                r#"{"id": "a", "category": "c", "texts": {}}"#,
                "entries[0].texts",
            ),
            (
                r#"{"id": "a", "category": "c", "texts": {"english": {"question": "Q", "answer": "A"}}}"#,
                "entries[0].texts.english",
            ),
            (
                r#"{"id": "a", "category": "c", "texts": {"en": {"question": "", "answer": "A"}}}"#,
                "entries[0].texts.en.question",
            ),
            (
                r#"{"id": "a", "category": "c", "texts": {"en": {"question": "Q", "answer": "A\u202e"}}}"#,
                "entries[0].texts.en.answer",
            ),
        ];
        for (body, path) in cases {
            assert_eq!(one(body).unwrap_err().path, path, "{body}");
        }
        let twice = format!("{ok}, {ok}");
        assert_eq!(one(&twice).unwrap_err().path, "entries[1].id");
        assert_eq!(Faq::from_json(r#"{"entries": 3}"#).unwrap_err().path, "faq");
    }
}
