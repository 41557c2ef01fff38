//! A photo kept without what the phone wrote into it besides the picture: the
//! place it was taken (GPS), the phone, the time, thumbnails and comments.
//! The file is rewritten segment by segment, never decoded: a JPEG keeps its
//! frame, tables, colour profile and picture data, and of its Exif only the
//! orientation (so that it still shows upright); a PNG keeps every chunk but
//! its text, time and Exif chunks. A file whose structure does not hold
//! together is refused as broken.

use shared::photo::{PNG_SIGNATURE, PhotoProblem, PhotoType, check_photo};

/// The photo as it is kept: its kind and its bytes without metadata.
pub fn cleaned(bytes: &[u8]) -> Result<(PhotoType, Vec<u8>), PhotoProblem> {
    let kind = check_photo(bytes)?;
    let clean = match kind {
        PhotoType::Jpeg => jpeg(bytes),
        PhotoType::Png => png(bytes),
    }
    .ok_or(PhotoProblem::Broken)?;
    Ok((kind, clean))
}

/// APP1 (Exif, XMP) to APP15, except the ones a picture needs to show right.
fn keeps_jpeg_segment(marker: u8, body: &[u8]) -> bool {
    match marker {
        // APP0: JFIF header.
        0xE0 => true,
        // APP2: the colour profile only (it also carries FlashPix data).
        0xE2 => body.starts_with(b"ICC_PROFILE\0"),
        // APP14: Adobe's colour transform, needed to read CMYK/YCCK right.
        0xEE => body.starts_with(b"Adobe"),
        // Other application segments and comments.
        0xE1..=0xEF | 0xFE => false,
        _ => true,
    }
}

fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut orientation = None;
    let mut pos = 2;
    loop {
        // Fill bytes (0xFF) may pad a marker.
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        while *bytes.get(pos)? == 0xFF {
            pos += 1;
        }
        let marker = *bytes.get(pos)?;
        pos += 1;
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some(out);
            }
            0x01 | 0xD0..=0xD7 => out.extend_from_slice(&[0xFF, marker]),
            _ => {
                let length =
                    usize::from(u16::from_be_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]));
                if length < 2 {
                    return None;
                }
                let body = bytes.get(pos + 2..pos + length)?;
                if marker == 0xE1 && body.starts_with(b"Exif\0\0") && orientation.is_none() {
                    orientation = exif_orientation(&body[6..]);
                }
                if marker == 0xDA {
                    // The picture data follows the scan header to the end
                    // (more scans and their tables included): kept as it is,
                    // after the orientation, which must come before the frame.
                    if let Some(turn) = orientation.filter(|o| *o != 1) {
                        let app0 = out.len().min(jfif_end(&out));
                        out.splice(app0..app0, orientation_segment(turn));
                    }
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(bytes.get(pos..)?);
                    return Some(out);
                }
                if keeps_jpeg_segment(marker, body) {
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(bytes.get(pos..pos + length)?);
                }
                pos += length;
            }
        }
    }
}

/// Where a JFIF APP0 segment at the start of `out` ends (2 when there is none).
fn jfif_end(out: &[u8]) -> usize {
    if out.get(2..4) == Some(&[0xFF, 0xE0])
        && let (Some(hi), Some(lo)) = (out.get(4), out.get(5))
    {
        return 4 + usize::from(u16::from_be_bytes([*hi, *lo]));
    }
    2
}

/// The Orientation tag (0x0112) of an Exif block's first directory.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(0..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let pair = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let quad = [
            *tiff.get(at)?,
            *tiff.get(at + 1)?,
            *tiff.get(at + 2)?,
            *tiff.get(at + 3)?,
        ];
        Some(if big {
            u32::from_be_bytes(quad)
        } else {
            u32::from_le_bytes(quad)
        })
    };
    let directory = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(directory)?);
    (0..entries).find_map(|i| {
        let entry = directory + 2 + i * 12;
        (u16_at(entry)? == 0x0112)
            .then(|| u16_at(entry + 8))
            .flatten()
            .filter(|o| (1..=8).contains(o))
    })
}

/// An APP1 Exif segment holding the orientation alone.
fn orientation_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A\0\0\0\x08"); // big-endian, first directory at 8
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next directory
    let length = u16::try_from(2 + 6 + tiff.len()).unwrap_or(u16::MAX);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&length.to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
}

/// PNG chunks that carry text, a time or Exif (where a phone puts the place).
const DROPPED_PNG_CHUNKS: [&[u8; 4]; 5] = [b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"];

fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut pos = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        let length = usize::try_from(u32::from_be_bytes(
            bytes.get(pos..pos + 4)?.try_into().ok()?,
        ))
        .ok()?;
        let kind: &[u8; 4] = bytes.get(pos + 4..pos + 8)?.try_into().ok()?;
        let end = pos.checked_add(12)?.checked_add(length)?;
        let chunk = bytes.get(pos..end)?;
        if first && kind != b"IHDR" {
            return None;
        }
        first = false;
        if !DROPPED_PNG_CHUNKS.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        pos = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small JPEG's own segments (no real picture: the structure is what is read).
    pub(crate) fn jpeg_with_location() -> Vec<u8> {
        let mut exif = b"Exif\0\0".to_vec();
        // Little-endian TIFF: IFD0 with Orientation = 6 and a GPS pointer, then
        // the GPS directory with a latitude reference "S".
        exif.extend_from_slice(b"II\x2A\0\x08\0\0\0");
        exif.extend_from_slice(&2u16.to_le_bytes());
        exif.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        exif.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        exif.extend_from_slice(&0u32.to_le_bytes());
        exif.extend_from_slice(&1u16.to_le_bytes());
        exif.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'S', 0, 0, 0]);
        exif.extend_from_slice(&0u32.to_le_bytes());
        exif.extend_from_slice(b"GPS -6.9175 107.6191 Samsung SM-A015");
        let segment = |marker: u8, body: &[u8]| {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap_or(0).to_be_bytes());
            s.extend_from_slice(body);
            s
        };
        let mut file = vec![0xFF, 0xD8];
        file.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        file.extend(segment(0xE1, &exif));
        file.extend(segment(
            0xE1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>-6.9175</x:xmpmeta>",
        ));
        file.extend(segment(0xFE, b"taken at Jl. Mawar 7"));
        file.extend(segment(0xDB, &[0; 65]));
        file.extend(segment(0xC0, &[8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
        file.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        file.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
        file
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_jpeg_loses_its_location_and_keeps_its_picture_and_orientation() {
        let original = jpeg_with_location();
        let (kind, clean) = cleaned(&original).expect("a JPEG");
        assert_eq!(kind, PhotoType::Jpeg);
        for leak in [&b"-6.9175"[..], b"Samsung", b"xmpmeta", b"Jl. Mawar"] {
            assert!(contains(&original, leak));
            assert!(!contains(&clean, leak), "{}", String::from_utf8_lossy(leak));
        }
        // The picture data and the tables, as they were.
        assert!(clean.ends_with(&[
            0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9
        ]));
        assert!(contains(&clean, b"JFIF"));
        // Upright still: an Exif block with the orientation alone, after JFIF.
        let exif = clean
            .windows(6)
            .position(|w| w == b"Exif\0\0")
            .expect("the orientation is kept");
        assert_eq!(exif_orientation(&clean[exif + 6..]), Some(6));
        assert!(exif > clean.windows(4).position(|w| w == b"JFIF").unwrap_or(0));
        // Cleaning twice changes nothing more.
        assert_eq!(cleaned(&clean).map(|(_, c)| c), Ok(clean.clone()));
    }

    #[test]
    fn a_png_loses_its_text_time_and_exif_chunks() {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = u32::try_from(data.len())
                .unwrap_or(0)
                .to_be_bytes()
                .to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let mut file = PNG_SIGNATURE.to_vec();
        file.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
        file.extend(chunk(b"eXIf", b"MM\0\x2A GPS -6.9175"));
        file.extend(chunk(b"tEXt", b"Comment\0Rumah Bu Sumiati"));
        file.extend(chunk(b"IDAT", &[1, 2, 3]));
        file.extend(chunk(b"IEND", &[]));
        let (kind, clean) = cleaned(&file).expect("a PNG");
        assert_eq!(kind, PhotoType::Png);
        assert!(!contains(&clean, b"-6.9175") && !contains(&clean, b"Sumiati"));
        assert!(contains(&clean, b"IDAT") && clean.ends_with(&chunk(b"IEND", &[])));
    }

    #[test]
    fn what_is_not_a_whole_photo_is_refused() {
        let jpeg = jpeg_with_location();
        // Cut off in the middle of its headers.
        assert_eq!(cleaned(&jpeg[..40]), Err(PhotoProblem::Broken));
        // A PDF named .jpg, a PNG without its header chunk.
        assert_eq!(cleaned(b"%PDF-1.4 foto.jpg"), Err(PhotoProblem::NotAPhoto));
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0, 0, 0, 0]);
        assert_eq!(cleaned(&png), Err(PhotoProblem::Broken));
        // A segment longer than the file.
        let mut long = vec![0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E'];
        long.extend_from_slice(&[0; 10]);
        assert_eq!(cleaned(&long), Err(PhotoProblem::Broken));
    }
}
