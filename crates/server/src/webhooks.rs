//! Webhook deliveries: every case event, signed per Standard Webhooks
//! (<https://www.standardwebhooks.com>), sent from the durable queue in the database and
//! retried with backoff.
//!
//! Each request carries `webhook-id` (the same on every attempt of a message: receivers use it
//! to drop duplicates), `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the endpoint's secret,
//! the base64 after `whsec_`). A 2xx answer delivers; anything else, a timeout or a refused
//! connection is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then given up.
//! Every attempt is logged. Delivery is at least once: a crash between a receiver's 2xx and
//! the log sends that message again with the same `webhook-id`.

use crate::api::Clock;
use crate::db::{DueDelivery, Outcome, Store};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// Waits after the 1st, 2nd, … failed attempt; after the last, the delivery is given up.
pub const RETRY_AFTER: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Deliveries sent at once by one server process.
const BATCH: u32 = 16;

/// The `webhook-signature` value for a message.
///
/// # Errors
/// When the secret is not `whsec_` and base64.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = secret
        .strip_prefix("whsec_")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .ok_or("the endpoint's secret is not whsec_ and base64")?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|_| "the endpoint's secret is empty")?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Checks an endpoint URL: `https://` (or `http://`), a host, no credentials, at most 2000
/// characters. The sentence says what was expected.
///
/// # Errors
/// What is wrong, as a sentence.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    let expected =
        "an http:// or https:// URL with a host and no user or password, at most 2000 characters";
    if url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(expected);
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| expected)?;
    let ok = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.username().is_empty()
        && parsed.password().is_none();
    if ok {
        Ok(())
    } else {
        Err(expected)
    }
}

/// Sends due deliveries for as long as the server runs: woken when a change queues one, and
/// every second for retries that came due. Several server processes on one database share
/// the queue (each delivery is leased before it is sent).
pub async fn run(store: Store, clock: Clock) {
    let client = match reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("aftersales-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("aftersales: webhooks are off: cannot make an HTTP client: {e}");
            return;
        }
    };
    loop {
        let now = clock();
        // Longer than an attempt may take; a crash mid-attempt delays that delivery by this.
        let lease = now
            + chrono::Duration::from_std(ATTEMPT_TIMEOUT).unwrap_or_default()
            + chrono::Duration::seconds(5);
        let due = match store.take_due_deliveries(now, lease, BATCH).await {
            Ok(due) => due,
            Err(e) => {
                eprintln!("aftersales: webhook queue: {e}");
                Vec::new()
            }
        };
        let full = due.len() == BATCH as usize;
        let sends = due.into_iter().map(|d| {
            let (client, store, clock) = (client.clone(), store.clone(), clock.clone());
            tokio::spawn(async move { deliver(&client, &store, &clock, d).await })
        });
        for s in sends.collect::<Vec<_>>() {
            let _ = s.await;
        }
        if !full {
            tokio::select! {
                _ = store.queued() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

/// One attempt at one delivery, logged.
async fn deliver(client: &reqwest::Client, store: &Store, clock: &Clock, d: DueDelivery) {
    let at = clock();
    let started = std::time::Instant::now();
    let (status, error) = match attempt(client, &d, at).await {
        Ok(status) => (Some(status), None),
        Err(e) => (None, Some(e)),
    };
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let outcome = outcome(status, d.attempts, at);
    if let Err(e) = store
        .record_attempt(d.id, at, status, error.as_deref(), ms, outcome)
        .await
    {
        eprintln!("aftersales: webhook {}: {e}", d.message_id);
    }
}

/// What an attempt's answer means, after `before` earlier attempts.
pub fn outcome(status: Option<u16>, before: i64, at: DateTime<Utc>) -> Outcome {
    if status.is_some_and(|s| (200..300).contains(&s)) {
        return Outcome::Delivered;
    }
    match usize::try_from(before)
        .ok()
        .and_then(|n| RETRY_AFTER.get(n))
    {
        Some(wait) => Outcome::RetryAt(at + chrono::Duration::from_std(*wait).unwrap_or_default()),
        None => Outcome::GaveUp,
    }
}

async fn attempt(
    client: &reqwest::Client,
    d: &DueDelivery,
    at: DateTime<Utc>,
) -> Result<u16, String> {
    let timestamp = at.timestamp();
    let signature = sign(&d.secret, &d.message_id, timestamp, &d.payload)?;
    let response = client
        .post(&d.url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| {
            let what = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "could not connect"
            } else {
                "the request failed"
            };
            format!("{what}: {e}")
        })?;
    Ok(response.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification, signed as it says.
    #[test]
    fn signs_the_specifications_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(sign("MfKQ9r8G", id, 1, body).is_err());
    }

    #[test]
    fn endpoint_urls_are_http_with_a_host_and_no_credentials() {
        for good in [
            "https://hooks.example/aftersales",
            "http://127.0.0.1:9000/x?y=1",
        ] {
            assert_eq!(check_url(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "ftp://hooks.example/",
            "https://user:pw@hooks.example/",
            "https://",
            "https://hooks.example/ a",
            "javascript:alert(1)",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(check_url(&format!("https://h.example/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn failures_are_retried_on_the_schedule_then_given_up() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(outcome(Some(204), 0, at), Outcome::Delivered);
        assert_eq!(
            outcome(Some(500), 0, at),
            Outcome::RetryAt(at + chrono::Duration::seconds(5))
        );
        assert_eq!(
            outcome(None, 1, at),
            Outcome::RetryAt(at + chrono::Duration::minutes(5))
        );
        assert_eq!(
            outcome(Some(301), 6, at),
            Outcome::RetryAt(at + chrono::Duration::hours(10))
        );
        assert_eq!(outcome(Some(410), 7, at), Outcome::GaveUp);
    }
}
