//! What kind of image a file is, by its first bytes (never its name or declared type): the
//! one check the widget runs before a photo leaves the device and the server runs again on
//! what arrives.

/// The image types a photo may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (its 8-byte signature).
    Png,
    /// WebP (`RIFF….WEBP`).
    Webp,
}

impl ImageType {
    /// The media type, e.g. `image/jpeg`.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Webp => "image/webp",
        }
    }
}

/// The image type of a file by its first bytes; `None` for anything else (a ZIP renamed
/// `.png` included).
pub fn image_type(head: &[u8]) -> Option<ImageType> {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => Some(ImageType::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageType::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageType::Webp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_known_by_their_first_bytes_not_their_name() {
        let kind = |b: &[u8]| image_type(b).map(ImageType::media_type);
        assert_eq!(kind(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some("image/jpeg"));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(kind(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(kind(b"PK\x03\x04\x14\0\0\0"), None, "a ZIP named .png");
        assert_eq!(kind(b"GIF89a"), None);
        assert_eq!(kind(b""), None);
    }
}
