//! Builds the message catalogs into the widget: `locales/<tag>.json` become one `Msg` enum
//! (a key that does not exist is a compile error) and one table of texts per locale. A catalog
//! that lacks a key, has a key the reference lacks, or drops a placeholder fails the build,
//! with every problem listed (the checker is `src/i18n/check.rs`, also run by the tests).

#[path = "src/i18n/check.rs"]
#[allow(dead_code)]
mod check;

use std::fmt::Write as _;
use std::path::Path;

/// The locales the widget ships, reference first; each has `locales/<tag>.json`.
const LOCALES: [(&str, &str); 3] = [("en", "EN"), ("zh-Hans", "ZH_HANS"), ("zh-Hant", "ZH_HANT")];

fn main() {
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=src/i18n/check.rs");
    let mut problems = Vec::new();
    let mut catalogs = Vec::new();
    for (tag, _) in LOCALES {
        let path = format!("locales/{tag}.json");
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        match check::parse(&text) {
            Ok(c) => catalogs.push(c),
            Err(p) => {
                problems.extend(p.into_iter().map(|p| format!("{path}: {p}")));
                catalogs.push(Vec::new());
            }
        }
    }
    for entry in std::fs::read_dir("locales").expect("locales/") {
        let name = entry.expect("locales/ entry").file_name();
        let name = name.to_string_lossy();
        let known = LOCALES.iter().any(|(tag, _)| format!("{tag}.json") == name);
        if !known {
            problems.push(format!(
                "locales/{name} is not a catalog the widget ships; add its locale to build.rs and src/i18n"
            ));
        }
    }
    let reference = &catalogs[0];
    for ((tag, _), catalog) in LOCALES.iter().zip(&catalogs).skip(1) {
        problems.extend(check::compare(reference, tag, catalog));
    }
    let mut variants: Vec<String> = reference.iter().map(|(k, _)| check::variant(k)).collect();
    let mut sorted = variants.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != variants.len() {
        problems.push("two keys give the same Rust name; rename one".into());
    }
    if !problems.is_empty() {
        panic!("message catalogs:\n  {}", problems.join("\n  "));
    }

    let mut out = String::new();
    out.push_str(
        "/// Every message of the catalogs, generated from `locales/en.json` by `build.rs`.\n",
    );
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum Msg {\n");
    for ((key, _), v) in reference.iter().zip(&variants) {
        let _ = writeln!(out, "    /// `{key}`\n    {v},");
    }
    out.push_str("}\n\n");
    let _ = writeln!(
        out,
        "/// How many messages there are.\npub const COUNT: usize = {};",
        reference.len()
    );
    for ((tag, name), catalog) in LOCALES.iter().zip(&catalogs) {
        let _ = writeln!(
            out,
            "/// The texts of `{tag}`, in `Msg` order.\npub static {name}: [&str; COUNT] = ["
        );
        for (key, _) in reference {
            let m = &catalog.iter().find(|(k, _)| k == key).expect("checked").1;
            let _ = writeln!(out, "    {:?},", m.other);
        }
        out.push_str("];\n");
        let _ = writeln!(out, "/// The \"one\" forms of `{tag}`'s plurals.\npub static {name}_ONE: &[(Msg, &str)] = &[");
        for ((key, _), v) in reference.iter().zip(&variants) {
            let m = &catalog.iter().find(|(k, _)| k == key).expect("checked").1;
            if let Some(one) = &m.one {
                let _ = writeln!(out, "    (Msg::{v}, {one:?}),");
            }
        }
        out.push_str("];\n");
    }
    out.push_str("/// The keys, in `Msg` order (a merchant's overrides name messages by key).\npub static KEYS: [&str; COUNT] = [\n");
    for (key, _) in reference {
        let _ = writeln!(out, "    {key:?},");
    }
    out.push_str("];\n/// Whether each message is a plural, in `Msg` order.\npub static PLURAL: [bool; COUNT] = [\n");
    for (_, m) in reference {
        let _ = writeln!(out, "    {},", m.plural);
    }
    out.push_str("];\n/// Every message, in `Msg` order.\npub static ALL: [Msg; COUNT] = [\n");
    for v in &variants {
        let _ = writeln!(out, "    Msg::{v},");
    }
    out.push_str("];\n/// The variant names, in `Msg` order (for tests).\n#[cfg(test)]\npub static VARIANTS: [&str; COUNT] = [\n");
    for v in variants.drain(..) {
        let _ = writeln!(out, "    {v:?},");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalog.rs");
    std::fs::write(dest, out).expect("write catalog.rs");
    stylesheet();
}

/// `style/widget.css` without its comments and layout whitespace (`OUT_DIR/widget.css`, what
/// the bundle carries): about 5 KB less in the first screen, 1.5 KB gzipped. Only whitespace
/// that cannot matter goes: runs become one space, and none is kept beside `{`, `}` or `;`
/// (a space before `:` or inside a value, like `calc(1px + 2px)`, stays).
fn stylesheet() {
    println!("cargo::rerun-if-changed=style/widget.css");
    let css = std::fs::read_to_string("style/widget.css").expect("style/widget.css");
    let mut out = String::with_capacity(css.len());
    let mut rest = css.as_str();
    let mut in_string: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if in_string.is_none() && rest.starts_with("/*") {
            let end = rest[2..]
                .find("*/")
                .expect("style/widget.css: a comment is never closed");
            rest = &rest[end + 4..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
        match in_string {
            Some(q) => {
                out.push(c);
                if c == q {
                    in_string = None;
                }
            }
            None if c == '"' || c == '\'' => {
                in_string = Some(c);
                out.push(c);
            }
            None if c.is_whitespace() => {
                let after = rest.trim_start().chars().next();
                let before = out.chars().last();
                let tight = |ch: Option<char>| matches!(ch, None | Some('{' | '}' | ';'));
                if !tight(before) && !tight(after) && !rest.trim_start().starts_with("/*") {
                    out.push(' ');
                }
            }
            None if c == '}' && out.ends_with(';') => {
                out.pop();
                out.push('}');
            }
            None => out.push(c),
        }
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("widget.css");
    std::fs::write(dest, out).expect("write widget.css");
}
