//! Any text as a policy file: parsed and checked, never a panic; a policy that parses also
//! survives its own round trip.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        if let Ok(policy) = aftersales_core::policy::Policy::from_json(text) {
            let again = serde_json::to_string(&policy).unwrap_or_default();
            assert!(
                aftersales_core::policy::Policy::from_json(&again).is_ok(),
                "a parsed policy must read back: {again}"
            );
        }
    });
}
