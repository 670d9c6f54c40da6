//! Signed links: `?as-case=AS-…&as-token=…` opens a case and `?as-order=…&as-token=…` an
//! order without typing the e-mail.
//!
//! A token is `EXPIRY.MAC`: the expiry in Unix seconds and the first 128 bits of
//! HMAC-SHA256 over the scope, the subject (tracking number or order number) and the expiry,
//! in hex, under the server's key (made once, kept in the database). It names no e-mail and
//! cannot be moved to another case or order, or stretched past its expiry.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One case, by tracking number.
    Case,
    /// One order, by number.
    Order,
}

impl Scope {
    fn code(self) -> &'static str {
        match self {
            Scope::Case => "case",
            Scope::Order => "order",
        }
    }
}

/// How long a case link stays valid: as long as a shopper may still need it.
pub const CASE_LINK_DAYS: i64 = 180;
/// How long an order link stays valid by default.
pub const ORDER_LINK_DAYS: i64 = 30;
/// Longest token accepted (anything longer is not ours).
const MAX_TOKEN: usize = 64;

/// The key that signs links.
#[derive(Clone)]
pub struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    /// A key from 32 secret bytes.
    pub fn new(bytes: [u8; 32]) -> LinkKey {
        LinkKey(bytes)
    }

    fn mac(&self, scope: Scope, subject: &str, expires: i64) -> Hmac<Sha256> {
        // A key of any length is accepted by HMAC; 32 bytes cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(scope.code().as_bytes());
        mac.update(b"\n");
        mac.update(subject.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// A token for `subject` valid until `expires`.
    pub fn mint(&self, scope: Scope, subject: &str, expires: DateTime<Utc>) -> String {
        let at = expires.timestamp();
        let tag = self.mac(scope, subject, at).finalize().into_bytes();
        format!("{at}.{}", crate::hex(&tag[..16]))
    }

    /// Whether `token` opens `subject` at `now`: well-formed, not expired, and signed by this
    /// key for this scope and subject (compared in constant time).
    pub fn verify(&self, scope: Scope, subject: &str, token: &str, now: DateTime<Utc>) -> bool {
        if token.len() > MAX_TOKEN {
            return false;
        }
        let Some((at, hex)) = token.split_once('.') else {
            return false;
        };
        let Ok(at) = at.parse::<i64>() else {
            return false;
        };
        if at <= now.timestamp() || hex.len() != 32 {
            return false;
        }
        let Some(tag) = (0..16)
            .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        self.mac(scope, subject, at)
            .verify_truncated_left(&tag)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        "2026-11-25T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_token_opens_its_subject_until_it_expires() {
        let key = LinkKey::new([7; 32]);
        let t = key.mint(Scope::Case, "AS-22222-222222", now() + Duration::days(1));
        assert!(key.verify(Scope::Case, "AS-22222-222222", &t, now()));
        assert!(!key.verify(
            Scope::Case,
            "AS-22222-222222",
            &t,
            now() + Duration::days(1)
        ));
        assert!(
            !key.verify(Scope::Case, "AS-33333-333333", &t, now()),
            "another case"
        );
        assert!(
            !key.verify(Scope::Order, "AS-22222-222222", &t, now()),
            "another scope"
        );
        assert!(!LinkKey::new([8; 32]).verify(Scope::Case, "AS-22222-222222", &t, now()));
    }

    #[test]
    fn tampered_and_malformed_tokens_are_refused() {
        let key = LinkKey::new([7; 32]);
        let t = key.mint(Scope::Order, "1001", now() + Duration::days(1));
        let (at, hex) = t.split_once('.').unwrap();
        let later = format!("{}.{hex}", at.parse::<i64>().unwrap() + 86_400);
        assert!(
            !key.verify(Scope::Order, "1001", &later, now()),
            "a stretched expiry"
        );
        let mut flipped = t.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert!(!key.verify(Scope::Order, "1001", &flipped, now()));
        for bad in [
            "",
            ".",
            "x.y",
            "1.zz",
            &format!("{at}.{}", &hex[..30]),
            &"9".repeat(100),
            "é.é",
        ] {
            assert!(!key.verify(Scope::Order, "1001", bad, now()), "{bad:?}");
        }
    }
}
