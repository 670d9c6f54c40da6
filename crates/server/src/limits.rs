//! Rate limits on the endpoints that find an order or a case by what a shopper types: per
//! client address and per order (or case), so neither one machine nor many machines can guess
//! e-mail addresses for one order at speed. Each is a GCRA quota from `governor` (a burst of
//! the whole minute's allowance, refilled evenly); a refused request is answered `429` with
//! `Retry-After`. The address is checked first, so a client over its own limit does not spend
//! the order's.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// Attempts allowed per minute; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Per client address (shoppers behind one carrier NAT share it).
    pub per_address: u32,
    /// Per order number or tracking number.
    pub per_subject: u32,
    /// Open cases one order may have of one type (0: no limit): past it a new case of that
    /// type is refused, so no order can grow without bound and slow its own lookups.
    pub open_per_kind: u32,
}

impl Default for RateLimits {
    /// 60 a minute from one address, 20 a minute at one order: far above what a shopper
    /// types, far below what guessing needs.
    fn default() -> Self {
        RateLimits {
            per_address: 60,
            per_subject: 20,
            open_per_kind: 20,
        }
    }
}

/// The limiters in force.
pub struct Limiter {
    by_address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    by_subject: Option<DefaultKeyedRateLimiter<String>>,
    open_per_kind: Option<NonZeroU32>,
}

fn per_minute<K: std::hash::Hash + Eq + Clone>(n: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    NonZeroU32::new(n).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

impl Limiter {
    /// Limiters for `limits`.
    pub fn new(limits: RateLimits) -> Limiter {
        Limiter {
            by_address: per_minute(limits.per_address),
            by_subject: per_minute(limits.per_subject),
            open_per_kind: NonZeroU32::new(limits.open_per_kind),
        }
    }

    /// How many open cases of one type an order may have, if there is a limit.
    pub fn open_per_kind(&self) -> Option<u32> {
        self.open_per_kind.map(NonZeroU32::get)
    }

    /// Counts one attempt by `client` at `subject` (an order or tracking number, already
    /// normalised).
    ///
    /// # Errors
    /// The whole seconds to wait before trying again (at least 1).
    pub fn check(&self, client: IpAddr, subject: &str) -> Result<(), u64> {
        let wait = |e: governor::NotUntil<_>| {
            let d = e.wait_time_from(DefaultClock::default().now());
            (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
        };
        if let Some(l) = &self.by_address {
            l.check_key(&client).map_err(wait)?;
        }
        if let Some(l) = &self.by_subject {
            l.check_key(&subject.to_string()).map_err(wait)?;
        }
        Ok(())
    }

    /// Drops the keys whose allowance has fully refilled, so memory follows recent traffic
    /// only (the server calls it once a minute).
    pub fn forget_idle(&self) {
        for l in self.by_address.iter() {
            l.retain_recent();
            l.shrink_to_fit();
        }
        for l in self.by_subject.iter() {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// How many keys are tracked (for tests).
    pub fn tracked(&self) -> usize {
        self.by_address.as_ref().map_or(0, |l| l.len())
            + self.by_subject.as_ref().map_or(0, |l| l.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn limiter(per_address: u32, per_subject: u32) -> Limiter {
        Limiter::new(RateLimits {
            per_address,
            per_subject,
            ..RateLimits::default()
        })
    }

    #[test]
    fn an_address_is_held_to_its_allowance_and_told_how_long_to_wait() {
        let l = limiter(3, 0);
        for n in 0..3 {
            assert_eq!(l.check(A, &format!("order-{n}")), Ok(()));
        }
        let wait = l.check(A, "order-9").unwrap_err();
        assert!(
            (1..=20).contains(&wait),
            "one attempt refills in 20 s: {wait}"
        );
        assert_eq!(l.check(B, "order-9"), Ok(()), "another address has its own");
    }

    #[test]
    fn an_order_is_held_to_its_allowance_whatever_the_address() {
        let l = limiter(0, 2);
        assert_eq!(l.check(A, "1001"), Ok(()));
        assert_eq!(l.check(B, "1001"), Ok(()));
        assert!(l.check(IpAddr::from([198, 51, 100, 7]), "1001").is_err());
        assert_eq!(l.check(A, "1002"), Ok(()));
    }

    #[test]
    fn an_address_over_its_limit_does_not_spend_the_orders_allowance() {
        let l = limiter(1, 2);
        assert_eq!(l.check(A, "1001"), Ok(()));
        for _ in 0..10 {
            assert!(l.check(A, "1001").is_err());
        }
        assert_eq!(
            l.check(B, "1001"),
            Ok(()),
            "the order's second attempt is still there"
        );
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let l = limiter(0, 0);
        for _ in 0..1000 {
            assert_eq!(l.check(A, "1001"), Ok(()));
        }
        assert_eq!(l.tracked(), 0);
    }
}
