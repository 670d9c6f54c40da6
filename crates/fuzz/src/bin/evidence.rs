//! Any bytes as an uploaded photo: refused with a reason, or re-encoded within the limits.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        if let Ok(photo) = aftersales_server::evidence::check(data) {
            assert!(photo.width > 0 && photo.height > 0);
            assert!(photo.jpeg.len() <= aftersales_server::evidence::MAX_BYTES);
        }
    });
}
