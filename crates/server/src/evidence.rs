//! Photos a shopper attaches to a case, checked as an attacker's upload would be.
//!
//! The order of the checks: size (before reading further), type by content (magic bytes, never
//! the name or the declared type), pixel dimensions from the header (before decoding), then a
//! bounded decode. What is stored is a fresh JPEG encoded here from the pixels, so no metadata
//! of the original (EXIF, GPS position, comments, ICC tricks) survives, whatever the browser did.

use aftersales_core::media::{image_type, ImageType};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// Largest upload accepted, in bytes (the widget sends photos downscaled to 2048 px, well
/// under 2 MB).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest width or height accepted.
pub const MAX_SIDE: u32 = 8192;
/// Longest side stored: larger photos are downscaled.
pub const STORED_SIDE: u32 = 2048;
/// Most photos kept per order (a bound on what one shopper can store).
pub const MAX_PER_ORDER: i64 = 30;

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Over [`MAX_BYTES`].
    TooBig,
    /// Not a JPEG, PNG or WebP by its first bytes.
    NotAnImage,
    /// Wider or taller than [`MAX_SIDE`].
    TooManyPixels,
    /// Says it is an image but cannot be decoded.
    Unreadable,
}

impl Refusal {
    /// The API's error code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::TooBig => "evidence_too_big",
            Refusal::NotAnImage => "evidence_not_an_image",
            Refusal::TooManyPixels => "evidence_too_many_pixels",
            Refusal::Unreadable => "evidence_unreadable",
        }
    }

    /// A sentence for a person.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::TooBig => "The photo is larger than 10 MB.",
            Refusal::NotAnImage => "This file is not a photo: send a JPEG, PNG or WebP image.",
            Refusal::TooManyPixels => "The photo is larger than 8192 pixels on a side.",
            Refusal::Unreadable => "The photo could not be read; it may be damaged.",
        }
    }
}

/// A photo as stored: re-encoded JPEG bytes, their dimensions and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// JPEG bytes, without any metadata.
    pub jpeg: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// SHA-256 of `jpeg`, lower-case hex.
    pub sha256: String,
}

/// The image format by its first bytes (core's check, the same the widget runs).
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    image_type(bytes).map(|t| match t {
        ImageType::Jpeg => ImageFormat::Jpeg,
        ImageType::Png => ImageFormat::Png,
        ImageType::Webp => ImageFormat::WebP,
    })
}

/// Checks an upload and makes the photo to store. CPU-bound: call it off the async threads.
///
/// # Errors
/// The first check it fails.
pub fn check(bytes: &[u8]) -> Result<Photo, Refusal> {
    if bytes.len() > MAX_BYTES {
        return Err(Refusal::TooBig);
    }
    let format = sniff(bytes).ok_or(Refusal::NotAnImage)?;
    let reader = || ImageReader::with_format(Cursor::new(bytes), format);
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|_| Refusal::Unreadable)?;
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(Refusal::TooManyPixels);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    let mut r = reader();
    r.limits(limits);
    let img = r.decode().map_err(|_| Refusal::Unreadable)?;
    let img = if img.width().max(img.height()) > STORED_SIDE {
        img.resize(
            STORED_SIDE,
            STORED_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb)
        .map_err(|_| Refusal::Unreadable)?;
    let sha256 = crate::hex(&Sha256::digest(&jpeg));
    Ok(Photo {
        width: rgb.width(),
        height: rgb.height(),
        jpeg,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    /// A JPEG with an EXIF block (APP1) carrying a GPS marker, spliced in after SOI.
    fn jpeg_with_gps() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(64, 48, image::Rgb([10, 120, 200]));
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&DynamicImage::ImageRgb8(img))
            .unwrap();
        let payload = b"Exif\0\0GPSLatitude=31.2304N;GPSLongitude=121.4737E";
        let len = (payload.len() + 2) as u16;
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn a_photo_is_reencoded_without_its_metadata() {
        let original = jpeg_with_gps();
        assert!(original.windows(11).any(|w| w == b"GPSLatitude"));
        let photo = check(&original).unwrap();
        assert_eq!((photo.width, photo.height), (64, 48));
        assert!(!photo.jpeg.windows(4).any(|w| w == b"Exif"));
        assert!(!photo.jpeg.windows(3).any(|w| w == b"GPS"));
        assert_eq!(photo.sha256.len(), 64);
    }

    #[test]
    fn what_is_not_a_photo_is_refused_by_its_content() {
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00fake.png".to_vec();
        assert_eq!(check(&zip), Err(Refusal::NotAnImage));
        let mut lying = png(4, 4);
        lying.truncate(40);
        assert_eq!(check(&lying), Err(Refusal::Unreadable));
        assert_eq!(check(&vec![0u8; MAX_BYTES + 1]), Err(Refusal::TooBig));
        assert_eq!(check(&png(9000, 1)), Err(Refusal::TooManyPixels));
    }

    #[test]
    fn a_large_photo_is_stored_at_most_2048_pixels_on_a_side() {
        let photo = check(&png(3000, 1500)).unwrap();
        assert_eq!((photo.width, photo.height), (2048, 1024));
    }
}
