//! A photo kept without what the phone wrote into it besides the picture: the
//! place it was taken (GPS), the phone, the time, thumbnails and comments.
//! The file is rewritten segment by segment, never decoded, keeping only what
//! is known to be picture: a JPEG keeps its frame, tables, colour profile,
//! its JFIF header without thumbnail, its scans, and of its Exif only the
//! orientation (so that it still shows upright), and ends at its end of
//! image (what a phone appends after it, other images included, is dropped);
//! a PNG keeps the picture's and the colours' chunks. A file whose structure
//! does not hold together (no frame, no scan, no end) is refused as broken.

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

/// The JFIF header (APP0) rewritten without its thumbnail: the first 12
/// bytes of its body (identifier, version, density) and a 0×0 thumbnail.
fn jfif_without_thumbnail(body: &[u8]) -> Option<Vec<u8>> {
    let header = body.get(..12)?;
    let mut segment = vec![0xFF, 0xE0, 0x00, 0x10];
    segment.extend_from_slice(header);
    segment.extend_from_slice(&[0, 0]);
    Some(segment)
}

/// Whether a segment is kept as it is: the frame (SOFn), the tables (DHT,
/// DAC, DQT, DRI, DNL), the colour profile (APP2 ICC) and Adobe's colour
/// transform (APP14, needed to read CMYK/YCCK right). Everything else (every
/// other application segment, comments, reserved markers) is dropped.
fn keeps_jpeg_segment(marker: u8, body: &[u8]) -> bool {
    match marker {
        0xC4 | 0xCC | 0xDB | 0xDC | 0xDD => true,
        0xE2 => body.starts_with(b"ICC_PROFILE\0"),
        0xEE => body.starts_with(b"Adobe"),
        _ => is_frame(marker),
    }
}

/// SOF0 to SOF15, which are C0 to CF but for DHT (C4), JPG (C8) and DAC (CC).
fn is_frame(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// Where the entropy-coded data of a scan starting at `from` ends: at the
/// first marker that is neither a stuffed zero (FF 00) nor a restart (RSTn).
fn scan_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        if *bytes.get(at)? == 0xFF {
            match *bytes.get(at.checked_add(1)?)? {
                0x00 | 0xD0..=0xD7 => at = at.checked_add(2)?,
                _ => return Some(at),
            }
        } else {
            at = at.checked_add(1)?;
        }
    }
}

fn jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut orientation = None;
    let (mut jfif, mut framed, mut scanned) = (false, false, false);
    let mut pos = 2;
    loop {
        // Fill bytes (0xFF) may pad a marker.
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        while *bytes.get(pos)? == 0xFF {
            pos = pos.checked_add(1)?;
        }
        let marker = *bytes.get(pos)?;
        pos = pos.checked_add(1)?;
        match marker {
            // The end of the picture: whatever follows it (a phone's trailer,
            // further images with their own Exif) is not kept.
            0xD9 => {
                if !(framed && scanned) {
                    return None;
                }
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some(out);
            }
            // Markers without a length outside a scan carry nothing.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(pos)?,
            *bytes.get(pos.checked_add(1)?)?,
        ]));
        if length < 2 {
            return None;
        }
        let end = pos.checked_add(length)?;
        let body = bytes.get(pos.checked_add(2)?..end)?;
        let segment = bytes.get(pos - 2..end)?;
        match marker {
            0xE1 if body.starts_with(b"Exif\0\0") && orientation.is_none() => {
                orientation = exif_orientation(&body[6..]);
            }
            0xE0 if !jfif && body.starts_with(b"JFIF\0") => {
                out.extend(jfif_without_thumbnail(body)?);
                jfif = true;
            }
            0xDA => {
                if !framed {
                    return None;
                }
                // The scan header, then its picture data as it is.
                let data_end = scan_end(bytes, end)?;
                out.extend_from_slice(segment);
                out.extend_from_slice(bytes.get(end..data_end)?);
                scanned = true;
                pos = data_end;
                continue;
            }
            _ if keeps_jpeg_segment(marker, body) => {
                if is_frame(marker) && !framed {
                    framed = true;
                    // Upright still: the orientation alone, before the frame.
                    if let Some(turn) = orientation.filter(|o| *o != 1) {
                        let at = out.len().min(jfif_end(&out));
                        out.splice(at..at, orientation_segment(turn));
                    }
                }
                out.extend_from_slice(segment);
            }
            _ => {}
        }
        pos = end;
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
        let entry = directory.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        (u16_at(entry)? == 0x0112)
            .then(|| u16_at(entry.checked_add(8)?))
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

/// The PNG chunks kept: the picture and how to show its colours. Everything
/// else (text, time, Exif in any of its spellings, private chunks) is dropped.
const KEPT_PNG_CHUNKS: [&[u8; 4]; 13] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"bKGD", b"pHYs",
];

fn png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut pos = PNG_SIGNATURE.len();
    let mut first = true;
    let mut pictured = false;
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
        if KEPT_PNG_CHUNKS.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        pictured |= kind == b"IDAT";
        pos = end;
        if kind == b"IEND" {
            return pictured.then_some(out);
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
        file.extend(chunk(b"exIf", b"II*\0 GPS 107.6191"));
        file.extend(chunk(b"prVt", b"phone model SM-A015"));
        file.extend(chunk(b"IDAT", &[1, 2, 3]));
        file.extend(chunk(b"IEND", &[]));
        let (kind, clean) = cleaned(&file).expect("a PNG");
        assert_eq!(kind, PhotoType::Png);
        for leak in [&b"-6.9175"[..], b"Sumiati", b"107.6191", b"SM-A015"] {
            assert!(!contains(&clean, leak), "{leak:?}");
        }
        assert!(contains(&clean, b"IDAT") && clean.ends_with(&chunk(b"IEND", &[])));
    }

    #[test]
    fn what_follows_the_picture_and_what_hides_between_its_scans_is_dropped() {
        let segment = |marker: u8, body: &[u8]| {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap_or(0).to_be_bytes());
            s.extend_from_slice(body);
            s
        };
        // A JFIF header with a 1×1 thumbnail, two scans with an Exif block
        // between them, and a second image with its own position after the end.
        let mut file = vec![0xFF, 0xD8];
        file.extend(segment(
            0xE0,
            b"JFIF\0\x01\x01\0\0\x01\0\x01\x01\x01\xAA\xBB\xCC",
        ));
        file.extend(segment(0xC2, &[8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
        file.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        file.extend_from_slice(&[0x11, 0xFF, 0xD0, 0x22]);
        file.extend(segment(0xE1, b"Exif\0\0 GPS -6.9175"));
        file.extend(segment(0xC4, &[0; 17]));
        file.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        file.extend_from_slice(&[0x33, 0xFF, 0xD9]);
        file.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 16]);
        file.extend_from_slice(b"Exif\0\0GPS 107.6");
        file.extend_from_slice(b"SEFT samsung trailer 2026-12-07");
        let (_, clean) = cleaned(&file).expect("a progressive JPEG");
        for leak in [&b"-6.9175"[..], b"107.6", b"samsung", &[0xAA, 0xBB, 0xCC]] {
            assert!(contains(&file, leak));
            assert!(!contains(&clean, leak), "{leak:?}");
        }
        // Both scans, the table between them, the end.
        assert!(
            contains(&clean, &[0x11, 0xFF, 0xD0, 0x22]) && contains(&clean, &[0x33, 0xFF, 0xD9])
        );
        assert!(contains(&clean, &[0xFF, 0xC4, 0, 19]));
        assert!(clean.ends_with(&[0x33, 0xFF, 0xD9]));
        // The JFIF header stays, with a 0×0 thumbnail.
        assert_eq!(
            &clean[2..20],
            b"\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
        );
    }

    #[test]
    fn what_is_not_a_whole_photo_is_refused() {
        // Nothing but its start and end; a scan before any frame.
        assert_eq!(
            cleaned(&[0xFF, 0xD8, 0xFF, 0xD9]),
            Err(PhotoProblem::Broken)
        );
        assert_eq!(
            cleaned(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9]),
            Err(PhotoProblem::Broken)
        );
        let jpeg = jpeg_with_location();
        // Cut off in the middle of its headers.
        assert_eq!(cleaned(&jpeg[..40]), Err(PhotoProblem::Broken));
        // A PDF named .jpg, a PNG without its header chunk.
        assert_eq!(cleaned(b"%PDF-1.4 foto.jpg"), Err(PhotoProblem::NotAPhoto));
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0, 0, 0, 0]);
        assert_eq!(cleaned(&png), Err(PhotoProblem::Broken));
        // A header and an end but no picture.
        let mut empty = PNG_SIGNATURE.to_vec();
        empty.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R']);
        empty.extend_from_slice(&[0; 17]);
        empty.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0, 0, 0, 0]);
        assert_eq!(cleaned(&empty), Err(PhotoProblem::Broken));
        // A segment longer than the file.
        let mut long = vec![0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E'];
        long.extend_from_slice(&[0; 10]);
        assert_eq!(cleaned(&long), Err(PhotoProblem::Broken));
    }
}
