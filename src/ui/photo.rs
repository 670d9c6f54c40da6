//! Photos chosen by the shopper, made ready to send: checked by their first bytes (core's
//! `media::image_type`, not their name), refused early when huge, downscaled to at most
//! 2048 px on a side and re-encoded as JPEG in the browser, which drops EXIF and the GPS
//! position with it. The server runs the same check on the bytes again.

use crate::i18n::Msg;

/// Largest photo accepted from the device, before downscaling.
pub const MAX_ORIGINAL_BYTES: f64 = 25.0 * 1024.0 * 1024.0;
/// Longest side sent.
pub const MAX_SIDE: u32 = 2048;
/// The types the file picker offers.
pub const ACCEPT: &str = "image/jpeg,image/png,image/webp"; // i18n-ok: media types

/// JPEG quality of the photo sent.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const QUALITY: f64 = 0.85;

/// The size a photo of `w`×`h` is sent at: unchanged up to [`MAX_SIDE`], else scaled down
/// keeping its proportions.
pub fn fit(w: u32, h: u32) -> (u32, u32) {
    fit_to(w, h, MAX_SIDE)
}

/// `w`×`h` scaled down (never up) to at most `side` on its long side.
fn fit_to(w: u32, h: u32, side: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= side || long == 0 {
        return (w, h);
    }
    let scale = |x: u32| {
        ((u64::from(x) * u64::from(side) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
    };
    (scale(w), scale(h))
}

/// Longest side of the preview shown in the widget.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const PREVIEW_SIDE: u32 = 240;

/// A photo made ready: the JPEG to send, and a small `data:` preview (a shop's
/// Content-Security-Policy commonly allows `img-src data:`, rarely `blob:`).
pub struct Prepared {
    /// The downscaled JPEG, without metadata.
    pub jpeg: web_sys::Blob,
    /// A `data:image/jpeg` preview.
    pub preview: String,
}

/// Checks, downscales and re-encodes a chosen file; the message says what to do otherwise.
#[cfg(target_arch = "wasm32")]
pub async fn prepare(file: web_sys::File) -> Result<Prepared, Msg> {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    if file.size() > MAX_ORIGINAL_BYTES {
        return Err(Msg::PhotoTooBig);
    }
    let head = file
        .slice_with_i32_and_i32(0, 16)
        .map_err(|_| Msg::PhotoUnreadable)?;
    let bytes = JsFuture::from(head.array_buffer())
        .await
        .map_err(|_| Msg::PhotoUnreadable)?;
    let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
    if aftersales_core::media::image_type(&bytes).is_none() {
        return Err(Msg::PhotoNotAPhoto);
    }
    let window = web_sys::window().ok_or(Msg::PhotoUnreadable)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(
        window
            .create_image_bitmap_with_blob(&file)
            .map_err(|_| Msg::PhotoUnreadable)?,
    )
    .await
    .map_err(|_| Msg::PhotoUnreadable)?
    .unchecked_into();
    let (w, h) = fit(bitmap.width(), bitmap.height());
    let canvas = draw(&bitmap, w, h)?;
    // The preview: the same pixels, small, as a data: URL (blank if it cannot be drawn).
    let (pw, ph) = fit_to(bitmap.width(), bitmap.height(), PREVIEW_SIDE);
    let preview = draw(&bitmap, pw, ph)
        .ok()
        .and_then(|small| small.to_data_url_with_type("image/jpeg").ok()) // i18n-ok: a media type
        .unwrap_or_default();
    bitmap.close();
    let blob = js_sys::Promise::new(&mut |resolve, _reject| {
        let done = wasm_bindgen::closure::Closure::once_into_js(move |b: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &b);
        });
        let _ = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg", // i18n-ok: a media type
            &JsValue::from_f64(QUALITY),
        );
    });
    let jpeg = JsFuture::from(blob)
        .await
        .ok()
        .and_then(|b| b.dyn_into::<web_sys::Blob>().ok())
        .ok_or(Msg::PhotoUnreadable)?;
    Ok(Prepared { jpeg, preview })
}

/// A new canvas of `w`×`h` with the bitmap drawn over all of it.
#[cfg(target_arch = "wasm32")]
fn draw(bitmap: &web_sys::ImageBitmap, w: u32, h: u32) -> Result<web_sys::HtmlCanvasElement, Msg> {
    use wasm_bindgen::JsCast;
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()
        .and_then(|win| win.document())
        .and_then(|d| d.create_element("canvas").ok()) // i18n-ok: a tag name
        .ok_or(Msg::PhotoUnreadable)?
        .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d") // i18n-ok: a context name
        .ok()
        .flatten()
        .ok_or(Msg::PhotoUnreadable)?
        .unchecked_into();
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| Msg::PhotoUnreadable)?;
    Ok(canvas)
}

/// Native builds (tests of pure parts) cannot read files.
#[cfg(not(target_arch = "wasm32"))]
pub async fn prepare(_file: web_sys::File) -> Result<Prepared, Msg> {
    Err(Msg::PhotoUnreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_photos_are_scaled_to_2048_on_their_long_side() {
        assert_eq!(fit(4032, 3024), (2048, 1536));
        assert_eq!(fit(3024, 4032), (1536, 2048));
        assert_eq!(fit(800, 600), (800, 600));
        assert_eq!(fit(100_000, 1), (2048, 1));
    }
}
