//! Photos taken in the field (the front of a house at the home visit): what is
//! accepted, told by the bytes and never by the file's name, and why one is
//! refused. The server keeps a photo only after removing what a phone writes
//! into it besides the picture (the place it was taken, the phone, the time:
//! see `server::photo`).

crate::coded_enum! {
    /// The kind of a photo, told by its first bytes.
    pub enum PhotoType {
        Jpeg = ("jpeg", "Foto JPEG", "JPEG photo"),
        Png = ("png", "Gambar PNG", "PNG image"),
    }
}

crate::coded_enum! {
    /// Why a photo is refused.
    pub enum PhotoProblem {
        Missing = ("photo_missing", "Pilih foto yang akan diunggah.", "Choose the photo to upload."),
        NotAPhoto = ("photo_type", "Foto harus berupa JPEG atau PNG (isi berkasnya, bukan hanya namanya).", "The photo must be a JPEG or PNG (by its content, not only its name)."),
        TooLarge = ("photo_too_large", "Foto paling besar 8 MB: kecilkan ukurannya di ponsel, lalu coba lagi.", "A photo may be 8 MB at most: make it smaller on the phone, then try again."),
        VisitClosed = ("visit_closed", "Kunjungan ini sudah selesai atau usulannya sudah lanjut: foto tidak dapat diunggah lagi.", "This visit is finished or its proposal has moved on: no photo can be uploaded any more."),
        Broken = ("photo_broken", "Foto ini rusak atau terpotong: ambil atau unggah ulang.", "This photo is damaged or cut off: take or upload it again."),
    }
}

impl From<PhotoProblem> for crate::error::DomainError {
    fn from(problem: PhotoProblem) -> Self {
        crate::error::DomainError::Photo { problem }
    }
}

/// The largest photo accepted, in bytes.
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;

impl PhotoType {
    /// The kind of `bytes` by their signature, if one accepted.
    pub fn sniff(bytes: &[u8]) -> Option<PhotoType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoType::Jpeg)
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Some(PhotoType::Png)
        } else {
            None
        }
    }

    /// The media type it is served as.
    pub fn content_type(self) -> &'static str {
        match self {
            PhotoType::Jpeg => "image/jpeg",
            PhotoType::Png => "image/png",
        }
    }
}

/// The first eight bytes of every PNG file.
pub const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Checks a photo's size and kind (its structure is checked as it is cleaned).
pub fn check_photo(bytes: &[u8]) -> Result<PhotoType, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::Missing);
    }
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    PhotoType::sniff(bytes).ok_or(PhotoProblem::NotAPhoto)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_told_by_its_bytes() {
        assert_eq!(check_photo(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(PhotoType::Jpeg));
        assert_eq!(check_photo(PNG_SIGNATURE), Ok(PhotoType::Png));
        assert_eq!(check_photo(b"%PDF-1.4"), Err(PhotoProblem::NotAPhoto));
        assert_eq!(check_photo(b""), Err(PhotoProblem::Missing));
        let huge = vec![0xFF; PHOTO_MAX_BYTES + 1];
        assert_eq!(check_photo(&huge), Err(PhotoProblem::TooLarge));
    }
}
