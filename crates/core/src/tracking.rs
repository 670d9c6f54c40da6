//! Tracking numbers: the public id of a case.
//!
//! Format: `AS-XXXXX-XXXXXX`: ten random symbols and one check symbol from a 31-symbol
//! alphabet without look-alikes (no 0/O, 1/I/L). 31 is prime, and the check symbol makes the
//! position-weighted sum of all eleven symbols divisible by 31, so every single mistyped
//! symbol and every swap of two neighbours is caught before a lookup. Ten symbols carry
//! 49.5 bits of the server's randomness: not guessable.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The 31 symbols, in value order.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const BODY: usize = 10;
const MODULUS: u32 = 31;

/// A valid tracking number, stored in canonical form (`AS-XXXXX-XXXXXX`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

impl TrackingNumber {
    /// Makes a tracking number from randomness the caller supplies (the server's CSPRNG).
    /// Each byte is reduced to a symbol; pass bytes drawn uniformly below 248 (= 8 × 31)
    /// to keep every symbol equally likely.
    pub fn from_random(bytes: [u8; BODY]) -> TrackingNumber {
        let values: Vec<u32> = bytes.iter().map(|b| u32::from(*b) % MODULUS).collect();
        let check = check_value(&values);
        let mut symbols: Vec<u8> = values.iter().map(|v| ALPHABET[*v as usize]).collect();
        symbols.push(ALPHABET[check as usize]);
        TrackingNumber(canonical(&symbols))
    }

    /// Parses what a person typed: case, spaces and dashes do not matter, the `AS` prefix is
    /// optional.
    ///
    /// # Errors
    /// [`CoreError::InvalidTrackingNumber`] saying whether the length, a symbol or the check
    /// symbol is wrong.
    pub fn parse(input: &str) -> Result<TrackingNumber, CoreError> {
        TrackingNumber::check(input).map_err(|p| {
            CoreError::InvalidTrackingNumber(match p {
                TrackingProblem::Length => "expected 11 characters after AS-, like AS-7KQ2M-XH4P9C",
                TrackingProblem::Symbol => {
                    "contains a character that is never used (0, 1, I, L and O are not)"
                }
                TrackingProblem::Check => "a character is mistyped (check failed)",
            })
        })
    }

    /// [`TrackingNumber::parse`] with the problem as a code, for the widget to word.
    ///
    /// # Errors
    /// The [`TrackingProblem`].
    pub fn check(input: &str) -> Result<TrackingNumber, TrackingProblem> {
        let cleaned = clean(input);
        let values = symbol_values(&cleaned).ok_or(TrackingProblem::Symbol)?;
        if values.len() != BODY + 1 {
            return Err(TrackingProblem::Length);
        }
        if !weighted_sum(&values).is_multiple_of(MODULUS) {
            return Err(TrackingProblem::Check);
        }
        Ok(TrackingNumber(canonical(&cleaned)))
    }

    /// What is already wrong with a number being typed: a symbol never used, too many
    /// symbols, or — once all eleven are there — a failed check. `None` while it can still
    /// become valid.
    pub fn typing_problem(input: &str) -> Option<TrackingProblem> {
        let cleaned = clean(input);
        match symbol_values(&cleaned) {
            None => Some(TrackingProblem::Symbol),
            Some(v) if v.len() < BODY + 1 => None,
            Some(_) => TrackingNumber::check(input).err(),
        }
    }

    /// The canonical text, e.g. `AS-7KQ2M-XH4P9C`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is wrong with a typed tracking number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingProblem {
    /// Not eleven symbols after `AS`.
    Length,
    /// A character outside the alphabet (0, 1, I, L, O, punctuation …).
    Symbol,
    /// The check symbol does not match: a symbol is mistyped or two are swapped.
    Check,
}

/// Upper case, without spaces, dashes and the optional `AS` prefix.
fn clean(input: &str) -> Vec<u8> {
    let mut cleaned: Vec<u8> = input
        .bytes()
        .filter(|b| !matches!(b, b'-' | b' ' | b'\t'))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    // `AS` is the prefix when it is written apart (`AS-…`, `AS …`) or the number is longer
    // than a body; eleven symbols starting with A, S are a body.
    let head = input.trim_start().as_bytes();
    let apart =
        head.len() > 2 && head[..2].eq_ignore_ascii_case(b"AS") && matches!(head[2], b'-' | b' ');
    if cleaned.starts_with(b"AS") && (apart || cleaned.len() > BODY + 1) {
        cleaned.drain(..2);
    }
    cleaned
}

/// Each symbol's value, `None` if one is outside the alphabet.
fn symbol_values(cleaned: &[u8]) -> Option<Vec<u32>> {
    cleaned
        .iter()
        .map(|b| ALPHABET.iter().position(|a| a == b).map(|v| v as u32))
        .collect()
}

/// Σ (i + 1) · vᵢ over all symbols, the check included.
fn weighted_sum(values: &[u32]) -> u32 {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as u32 + 1) * v)
        .sum()
}

/// The check value c with weight 11 such that the whole weighted sum is ≡ 0 (mod 31).
fn check_value(body: &[u32]) -> u32 {
    let partial = weighted_sum(body) % MODULUS;
    // 11 · 17 = 187 = 6 · 31 + 1, so 17 is the inverse of 11 modulo 31.
    ((MODULUS - partial) % MODULUS * 17) % MODULUS
}

fn canonical(symbols: &[u8]) -> String {
    let text: String = symbols.iter().map(|b| *b as char).collect();
    format!("AS-{}-{}", &text[..5], &text[5..])
}

impl TryFrom<String> for TrackingNumber {
    type Error = CoreError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        TrackingNumber::parse(&value)
    }
}

impl From<TrackingNumber> for String {
    fn from(t: TrackingNumber) -> String {
        t.0
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(seed: u8) -> TrackingNumber {
        let mut bytes = [0u8; BODY];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = seed
                .wrapping_mul(37)
                .wrapping_add((i as u8).wrapping_mul(101));
        }
        TrackingNumber::from_random(bytes)
    }

    #[test]
    fn a_number_being_typed_is_flagged_only_once_something_is_surely_wrong() {
        let good = sample(3).as_str().to_string();
        for n in 1..good.len() {
            assert_eq!(
                TrackingNumber::typing_problem(&good[..n]),
                None,
                "{}",
                &good[..n]
            );
        }
        assert_eq!(TrackingNumber::typing_problem(&good), None);
        assert_eq!(TrackingNumber::typing_problem(&good.to_lowercase()), None);
        assert_eq!(
            TrackingNumber::typing_problem("AS-7KQ0"),
            Some(TrackingProblem::Symbol)
        );
        let mut typo = good.clone();
        let last = typo.pop().unwrap();
        typo.push(if last == '2' { '3' } else { '2' });
        assert_eq!(
            TrackingNumber::typing_problem(&typo),
            Some(TrackingProblem::Check)
        );
        assert_eq!(TrackingNumber::check(&typo), Err(TrackingProblem::Check));
        assert_eq!(
            TrackingNumber::typing_problem(&format!("{good}2")),
            Some(TrackingProblem::Length)
        );
        assert_eq!(TrackingNumber::check("AS-22"), Err(TrackingProblem::Length));
    }

    #[test]
    fn minted_numbers_parse_back_in_any_spelling() {
        for seed in 0..=255u8 {
            let t = sample(seed);
            assert_eq!(t.as_str().len(), 15);
            assert_eq!(TrackingNumber::parse(t.as_str()).unwrap(), t);
            let sloppy = t.as_str().to_lowercase().replace('-', " ");
            assert_eq!(TrackingNumber::parse(&sloppy).unwrap(), t);
            assert_eq!(TrackingNumber::parse(&t.as_str()[3..]).unwrap(), t);
        }
    }

    #[test]
    fn every_single_substitution_and_adjacent_swap_is_caught() {
        for seed in 0..64u8 {
            let t = sample(seed);
            let body: Vec<u8> = t.as_str().bytes().filter(|b| *b != b'-').skip(2).collect();
            for i in 0..body.len() {
                for &sym in ALPHABET.iter().filter(|s| **s != body[i]) {
                    let mut typo = body.clone();
                    typo[i] = sym;
                    let text = String::from_utf8(typo).unwrap();
                    assert!(
                        TrackingNumber::parse(&text).is_err(),
                        "substitution {text} passed"
                    );
                }
                if i + 1 < body.len() && body[i] != body[i + 1] {
                    let mut swapped = body.clone();
                    swapped.swap(i, i + 1);
                    let text = String::from_utf8(swapped).unwrap();
                    assert!(TrackingNumber::parse(&text).is_err(), "swap {text} passed");
                }
            }
        }
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        for bad in [
            "",
            "AS-",
            "AS-0KQ2M-XH4P9C",
            "hello world!",
            "AS-7KQ2M-XH4P9C-EXTRA",
        ] {
            assert!(matches!(
                TrackingNumber::parse(bad),
                Err(CoreError::InvalidTrackingNumber(_))
            ));
        }
    }
}
