//! Documents kept on a household's file: photos and scans of the family card,
//! identity cards, letters and the house's front. What is accepted is told by
//! the bytes (a name or a declared type that says otherwise is refused), and
//! who may open one follows what it shows (a KTP shows a whole NIK).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::photo::PNG_SIGNATURE;

crate::coded_enum! {
    /// What a document is.
    pub enum DocumentKind {
        FamilyCard = ("kk", "Kartu Keluarga (KK)", "Family card (KK)"),
        IdentityCard = ("ktp", "KTP", "Identity card (KTP)"),
        LowIncomeLetter = ("sktm", "Surat Keterangan Tidak Mampu (SKTM)", "Letter of low income (SKTM)"),
        MedicalLetter = ("surat_medis", "Surat keterangan medis", "Medical letter"),
        HouseFront = ("foto_rumah", "Foto rumah tampak depan", "Photo of the house's front"),
        Other = ("lainnya", "Dokumen lainnya", "Other document"),
    }
}

impl DocumentKind {
    /// What a user must be allowed to open a document of this kind: the
    /// family card, the KTP and the SKTM show NIK and No KK whole; a medical
    /// letter is health data (UU 27/2022); anything else is personal data.
    pub fn view_action(self) -> Action {
        match self {
            DocumentKind::FamilyCard
            | DocumentKind::IdentityCard
            | DocumentKind::LowIncomeLetter => Action::ViewFullIdentity,
            DocumentKind::MedicalLetter => Action::ViewSpecificData,
            DocumentKind::HouseFront | DocumentKind::Other => Action::ViewPersonalData,
        }
    }
}

crate::coded_enum! {
    /// The format of a document's file, told by its content.
    pub enum DocumentFormat {
        Jpeg = ("jpeg", "Foto JPEG", "JPEG photo"),
        Png = ("png", "Gambar PNG", "PNG image"),
        Pdf = ("pdf", "Pindaian PDF", "PDF scan"),
    }
}

impl DocumentFormat {
    /// The media type it is served as.
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Jpeg => "image/jpeg",
            DocumentFormat::Png => "image/png",
            DocumentFormat::Pdf => "application/pdf",
        }
    }

    /// The file name extension it is served with.
    pub fn extension(self) -> &'static str {
        match self {
            DocumentFormat::Jpeg => "jpg",
            DocumentFormat::Png => "png",
            DocumentFormat::Pdf => "pdf",
        }
    }

    /// The format of `bytes` by their signature, if one accepted.
    pub fn sniff(bytes: &[u8]) -> Option<DocumentFormat> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocumentFormat::Jpeg)
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Some(DocumentFormat::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(DocumentFormat::Pdf)
        } else {
            None
        }
    }

    /// The format a file's name claims by its extension (`None`: the name
    /// claims none of the accepted ones, and the content alone decides).
    pub fn claimed_by_name(name: &str) -> Option<DocumentFormat> {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" | "jpe" | "jfif" => Some(DocumentFormat::Jpeg),
            "png" => Some(DocumentFormat::Png),
            "pdf" => Some(DocumentFormat::Pdf),
            _ => None,
        }
    }

    /// The format a declared media type claims (`None` for a generic or unknown one).
    pub fn claimed_by_type(content_type: &str) -> Option<DocumentFormat> {
        let media = content_type.split(';').next().unwrap_or_default().trim();
        match media.to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(DocumentFormat::Jpeg),
            "image/png" => Some(DocumentFormat::Png),
            "application/pdf" => Some(DocumentFormat::Pdf),
            _ => None,
        }
    }
}

crate::coded_enum! {
    /// Why a document is refused.
    pub enum DocumentProblem {
        Missing = ("document_missing", "Pilih berkas yang akan diunggah.", "Choose the file to upload."),
        KindMissing = ("document_kind", "Pilih jenis dokumen (KK, KTP, SKTM, surat medis, foto rumah atau lainnya).", "Choose the kind of document (KK, KTP, SKTM, medical letter, house photo or other)."),
        NotAccepted = ("document_type", "Berkas harus berupa foto JPEG atau PNG, atau pindaian PDF (dilihat dari isinya, bukan hanya namanya).", "The file must be a JPEG or PNG photo or a PDF scan (by its content, not only its name)."),
        Mismatch = ("document_mismatch", "Isi berkas tidak sesuai dengan nama atau jenisnya (misalnya bernama .jpg tetapi bukan foto JPEG). Berkas tidak disimpan.", "The file's content does not match its name or type (for example named .jpg but not a JPEG photo). Nothing was kept."),
        TooLarge = ("document_too_large", "Berkas paling besar 8 MB: kecilkan foto atau pindaian, lalu coba lagi.", "A file may be 8 MB at most: make the photo or scan smaller, then try again."),
        Broken = ("document_broken", "Berkas ini rusak atau terpotong: ambil atau pindai ulang.", "This file is damaged or cut off: take or scan it again."),
        MemberNotInFamily = ("document_member", "Anggota yang dipilih bukan anggota keluarga ini.", "The member chosen is not a member of this family."),
        RecordNotOfFamily = ("document_record", "Kasus atau usulan yang dipilih bukan milik keluarga ini.", "The case or proposal chosen is not this family's."),
    }
}

impl From<DocumentProblem> for crate::error::DomainError {
    fn from(problem: DocumentProblem) -> Self {
        crate::error::DomainError::Document { problem }
    }
}

/// The largest document accepted, in bytes (as a photo: a phone's photo or a
/// scanned page fits).
pub const DOCUMENT_MAX_BYTES: usize = crate::photo::PHOTO_MAX_BYTES;

/// How near its end a PDF must say `%%EOF` (writers may add a line or two after it).
const PDF_TAIL: usize = 1024;

/// Checks a document's size and format by its content, and that its name and
/// declared media type do not claim another format. The structure of a photo
/// is checked again as its metadata is removed (`server::photo`).
pub fn check_document(
    name: &str,
    declared_type: &str,
    bytes: &[u8],
) -> Result<DocumentFormat, DocumentProblem> {
    if bytes.is_empty() {
        return Err(DocumentProblem::Missing);
    }
    if bytes.len() > DOCUMENT_MAX_BYTES {
        return Err(DocumentProblem::TooLarge);
    }
    let claimed = [
        DocumentFormat::claimed_by_name(name),
        DocumentFormat::claimed_by_type(declared_type),
    ];
    let Some(format) = DocumentFormat::sniff(bytes) else {
        // Named or declared as an accepted format but something else inside.
        return Err(if claimed.iter().any(Option::is_some) {
            DocumentProblem::Mismatch
        } else {
            DocumentProblem::NotAccepted
        });
    };
    if claimed.iter().flatten().any(|claim| *claim != format) {
        return Err(DocumentProblem::Mismatch);
    }
    if format == DocumentFormat::Pdf {
        let tail = &bytes[bytes.len().saturating_sub(PDF_TAIL)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(DocumentProblem::Broken);
        }
    }
    Ok(format)
}

/// A case or registry proposal of the family that a document is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentRecord {
    Case(i64),
    Proposal(i64),
}

impl DocumentRecord {
    const CASE: &'static str = "kasus-";
    const PROPOSAL: &'static str = "usulan-";

    /// Its value in the upload form's select: `kasus-12`, `usulan-5`.
    pub fn form_value(self) -> String {
        match self {
            DocumentRecord::Case(id) => format!("{}{id}", Self::CASE),
            DocumentRecord::Proposal(id) => format!("{}{id}", Self::PROPOSAL),
        }
    }

    /// The record a form value names; `None` for anything else.
    pub fn from_form_value(value: &str) -> Option<DocumentRecord> {
        let number = |digits: &str| -> Option<i64> {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()
        };
        if let Some(digits) = value.strip_prefix(Self::CASE) {
            number(digits).map(DocumentRecord::Case)
        } else if let Some(digits) = value.strip_prefix(Self::PROPOSAL) {
            number(digits).map(DocumentRecord::Proposal)
        } else {
            None
        }
    }
}

/// A case or proposal of the family as the documents name it: a case by its
/// number, a proposal by what it asks and the stage it has reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentAbout {
    Case {
        id: i64,
        number: String,
    },
    Proposal {
        id: i64,
        kind: crate::proposal::ProposalKind,
        stage: crate::proposal::ProposalStage,
    },
}

impl DocumentAbout {
    /// The record it names.
    pub fn record(&self) -> DocumentRecord {
        match self {
            DocumentAbout::Case { id, .. } => DocumentRecord::Case(*id),
            DocumentAbout::Proposal { id, .. } => DocumentRecord::Proposal(*id),
        }
    }
}

/// A document to keep on a household's file (the bytes as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachDocument {
    pub household_id: i64,
    /// The member it is about, if one.
    pub member_id: Option<i64>,
    /// The family's case or proposal it is about, if one.
    pub record: Option<DocumentRecord>,
    pub kind: DocumentKind,
    /// The name the file was sent with (checked against its content, never kept:
    /// phones and scanners name files after what they show).
    pub file_name: String,
    /// The media type the browser declared.
    pub declared_type: String,
    pub content: Vec<u8>,
}

/// A document as a household's file lists it (no content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub id: i64,
    pub kind: DocumentKind,
    pub format: DocumentFormat,
    /// The member it is about, by name.
    pub member: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    /// Who uploaded it (username).
    pub uploaded_by: Option<String>,
    /// Size as kept (after metadata was removed).
    pub size_bytes: i64,
    /// Whether the user may open it (see [`DocumentKind::view_action`]).
    pub may_open: bool,
    /// The family's case or proposal it is about, if one.
    #[serde(default)]
    pub about: Option<DocumentAbout>,
}

/// The documents of a household (or of one of its cases or proposals), and
/// what the upload form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentList {
    pub household_id: i64,
    /// Newest first.
    pub documents: Vec<DocumentRow>,
    /// The members a document may be about: (id, name).
    pub members: Vec<(i64, String)>,
    /// The family's cases and proposals a document may be about, newest first.
    #[serde(default)]
    pub records: Vec<DocumentAbout>,
    /// Whether the user may attach documents.
    pub may_attach: bool,
    /// The time zone of the household's village.
    pub zone: crate::clock::Zone,
}

/// A size for people: `820 KB`, `2,4 MB`.
pub fn size_text(bytes: i64) -> String {
    const MB: i64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{},{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec()
    }

    #[test]
    fn a_document_is_told_by_its_content_and_must_not_claim_otherwise() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        assert_eq!(
            check_document("foto.JPG", "image/jpeg", &jpeg),
            Ok(DocumentFormat::Jpeg)
        );
        assert_eq!(
            check_document("scan.pdf", "application/pdf", &pdf()),
            Ok(DocumentFormat::Pdf)
        );
        assert_eq!(
            check_document("kk", "", PNG_SIGNATURE),
            Ok(DocumentFormat::Png)
        );
        // A phone's name that claims none of the formats: the content decides.
        assert_eq!(
            check_document("IMG_0001.HEIC", "application/octet-stream", &jpeg),
            Ok(DocumentFormat::Jpeg)
        );
        // Named .jpg, but a PDF, a PNG, or text.
        assert_eq!(
            check_document("ktp.jpg", "", &pdf()),
            Err(DocumentProblem::Mismatch)
        );
        assert_eq!(
            check_document("ktp.jpeg", "image/jpeg", PNG_SIGNATURE),
            Err(DocumentProblem::Mismatch)
        );
        assert_eq!(
            check_document("ktp.jpg", "image/jpeg", b"MZ\x90\0 program"),
            Err(DocumentProblem::Mismatch)
        );
        // Declared as a PNG, a JPEG inside.
        assert_eq!(
            check_document("scan", "image/png", &jpeg),
            Err(DocumentProblem::Mismatch)
        );
        assert_eq!(
            check_document("surat.docx", "", b"PK\x03\x04"),
            Err(DocumentProblem::NotAccepted)
        );
        assert_eq!(
            check_document("a.pdf", "", b""),
            Err(DocumentProblem::Missing)
        );
        let huge = vec![0xFF; DOCUMENT_MAX_BYTES + 1];
        assert_eq!(
            check_document("a.jpg", "", &huge),
            Err(DocumentProblem::TooLarge)
        );
    }

    #[test]
    fn a_pdf_must_end_as_a_pdf_ends() {
        let mut cut = pdf();
        cut.truncate(30);
        assert_eq!(
            check_document("scan.pdf", "", &cut),
            Err(DocumentProblem::Broken)
        );
        let mut trailing = pdf();
        trailing.extend_from_slice(&[b' '; 200]);
        assert_eq!(
            check_document("scan.pdf", "", &trailing),
            Ok(DocumentFormat::Pdf)
        );
    }

    #[test]
    fn who_opens_a_document_follows_what_it_shows() {
        assert_eq!(
            DocumentKind::IdentityCard.view_action(),
            Action::ViewFullIdentity
        );
        assert_eq!(
            DocumentKind::MedicalLetter.view_action(),
            Action::ViewSpecificData
        );
        assert_eq!(
            DocumentKind::HouseFront.view_action(),
            Action::ViewPersonalData
        );
    }

    #[test]
    fn a_case_or_proposal_is_named_in_the_form_and_read_back() {
        for record in [DocumentRecord::Case(12), DocumentRecord::Proposal(5)] {
            assert_eq!(
                DocumentRecord::from_form_value(&record.form_value()),
                Some(record)
            );
        }
        assert_eq!(DocumentRecord::Case(12).form_value(), "kasus-12");
        for value in [
            "",
            "12",
            "kasus-",
            "kasus-1x",
            "usulan--3",
            "rujukan-4",
            "kasus-+4",
        ] {
            assert_eq!(DocumentRecord::from_form_value(value), None, "{value}");
        }
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(1), "1 KB");
        assert_eq!(size_text(820 * 1024), "820 KB");
        assert_eq!(size_text(2_516_582), "2,4 MB");
    }
}
