//! Any text as the body of POST /v1/cases, checked by the engine against the demo orders and
//! policy: refused with violations or accepted with a quote that never exceeds what the lines
//! cost; never a panic.
use aftersales_core::api::CreateCaseRequest;
use aftersales_core::case::validate_case;

fn main() {
    let now = aftersales_fuzz::now();
    let policy = aftersales_server::demo::policy();
    let orders: Vec<_> = aftersales_server::demo::orders(now - chrono::Duration::days(1))
        .into_iter()
        .map(|d| d.order)
        .collect();
    afl::fuzz!(|data: &[u8]| {
        let Ok(req) = serde_json::from_slice::<CreateCaseRequest>(data) else {
            return;
        };
        let order = &orders[req.order_number.len() % orders.len()];
        if let Ok(accepted) = validate_case(&policy, order, &req.case, now) {
            if let Some(q) = accepted.quote {
                let most: i64 = order
                    .lines
                    .iter()
                    .map(|l| l.unit_price.saturating_mul(i64::from(l.quantity)))
                    .sum();
                assert!(q.total.minor <= most, "refund above the order's value");
            }
        }
    });
}
