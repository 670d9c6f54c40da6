//! Any bytes as an orders import in each of its formats (JSON list, NDJSON, CSV): every record
//! accepted is a valid snapshot, nothing panics, and the problem list stays bounded.
use aftersales_server::orders::{parse, Format};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&which, rest)) = data.split_first() else {
            return;
        };
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        let format = [Format::Json, Format::Ndjson, Format::Csv][usize::from(which % 3)];
        match parse(text, format) {
            Ok(records) => {
                for r in records {
                    assert!(r.order.validate().is_ok(), "accepted an invalid order");
                }
            }
            Err(problems) => assert!(!problems.is_empty() && problems.len() <= 51),
        }
    });
}
