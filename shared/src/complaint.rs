//! Complaints and needs (pengaduan dan kebutuhan) recorded in identification: type, sector, channel, urgency, evidence.
//! The complaint type also fixes the service deadline (see [`crate::deadline`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, FieldErrors};

crate::coded_enum! {
    /// The type of a complaint, which sets its service deadline in working days.
    pub enum ComplaintType {
        /// Pertanyaan: a question, answered within 2 working days.
        Question = ("question", "Pertanyaan", "Question"),
        /// Saran: a suggestion, answered within 5 working days.
        Suggestion = ("suggestion", "Saran", "Suggestion"),
        /// Keluhan: a grievance about a service, handled within 5 working days.
        Grievance = ("grievance", "Keluhan", "Grievance"),
        /// Permohonan layanan: a request for a programme or service, decided within 14 working days.
        ServiceRequest = ("service_request", "Permohonan layanan", "Service request"),
    }
}

impl ComplaintType {
    /// The published service standard: working days allowed to handle this type.
    pub fn deadline_working_days(self) -> u32 {
        match self {
            ComplaintType::Question => 2,
            ComplaintType::Suggestion | ComplaintType::Grievance => 5,
            ComplaintType::ServiceRequest => 14,
        }
    }
}

crate::coded_enum! {
    /// The sector of a need.
    pub enum Sector {
        /// Kesehatan.
        Health = ("health", "Kesehatan", "Health"),
        /// Pendidikan.
        Education = ("education", "Pendidikan", "Education"),
        /// Pangan.
        Food = ("food", "Pangan", "Food"),
        /// Perumahan.
        Housing = ("housing", "Perumahan", "Housing"),
        /// Administrasi kependudukan: KK, KTP, birth certificate.
        CivilDocuments = ("civil_documents", "Administrasi kependudukan", "Civil documents"),
        /// Bantuan sosial.
        SocialAssistance = ("social_assistance", "Bantuan sosial", "Social assistance"),
        /// Disabilitas.
        Disability = ("disability", "Disabilitas", "Disability"),
        /// Lanjut usia (60 years and over).
        Elderly = ("elderly", "Lanjut usia", "Elderly"),
        /// Pekerjaan dan ekonomi.
        EmploymentEconomic = ("employment_economic", "Pekerjaan/ekonomi", "Employment/economic"),
        /// Perlindungan anak.
        ChildProtection = ("child_protection", "Perlindungan anak", "Child protection"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

impl Sector {
    /// Whether needs of this sector are specific (sensitive) personal data under UU 27/2022
    /// (health, disability, children), to be shown only to those handling the case.
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            Sector::Health | Sector::Disability | Sector::ChildProtection
        )
    }
}

crate::coded_enum! {
    /// How the resident reached SLRT.
    pub enum Channel {
        /// Came to the Puskesos in the village.
        WalkInPuskesos = ("walk_in_puskesos", "Datang ke Puskesos", "Walk-in at Puskesos"),
        /// Came to the SLRT secretariat at the district.
        WalkInDistrict = ("walk_in_district", "Datang ke sekretariat SLRT", "Walk-in at district SLRT"),
        /// Met by a facilitator on outreach (penjangkauan) or a home visit.
        FacilitatorVisit = ("facilitator_visit", "Kunjungan fasilitator", "Facilitator visit"),
        /// By phone or WhatsApp.
        PhoneWhatsapp = ("phone_whatsapp", "Telepon/WhatsApp", "Phone/WhatsApp"),
    }
}

crate::coded_enum! {
    /// How urgent a need is, for ordering work; deadlines follow the type, not the urgency.
    pub enum Urgency {
        /// Biasa.
        Normal = ("normal", "Biasa", "Normal"),
        /// Mendesak: should be handled before normal needs.
        Urgent = ("urgent", "Mendesak", "Urgent"),
        /// Darurat: life, health or safety at stake; handle the same day.
        Emergency = ("emergency", "Darurat", "Emergency"),
    }
}

crate::coded_enum! {
    /// A document the officer saw as evidence.
    pub enum EvidenceDocument {
        /// KTP: identity card.
        Ktp = ("ktp", "KTP", "Identity card (KTP)"),
        /// KK: family card.
        Kk = ("kk", "Kartu Keluarga", "Family card (KK)"),
        /// Akta kelahiran: birth certificate.
        BirthCertificate = ("birth_certificate", "Akta kelahiran", "Birth certificate"),
        /// Surat keterangan dokter: medical letter.
        MedicalLetter = ("medical_letter", "Surat keterangan dokter", "Medical letter"),
        /// SKTM: certificate of low income from the village.
        PovertyLetter = ("poverty_letter", "SKTM", "Certificate of low income (SKTM)"),
        /// Akta kematian: death certificate.
        DeathCertificate = ("death_certificate", "Akta kematian", "Death certificate"),
        /// Buku nikah / akta perkawinan.
        MarriageCertificate = ("marriage_certificate", "Buku nikah/akta perkawinan", "Marriage certificate"),
        /// Surat pindah: moving letter.
        MovingLetter = ("moving_letter", "Surat pindah", "Moving letter"),
        /// Kartu program: KKS, KIS, KIP card.
        ProgrammeCard = ("programme_card", "Kartu program (KKS/KIS/KIP)", "Programme card (KKS/KIS/KIP)"),
        /// Surat dari sekolah.
        SchoolLetter = ("school_letter", "Surat sekolah", "School letter"),
        /// Laporan polisi.
        PoliceReport = ("police_report", "Laporan polisi", "Police report"),
        /// Foto kondisi.
        Photo = ("photo", "Foto", "Photo"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

/// Longest complaint description.
pub const DESCRIPTION_MAX: usize = 2000;

/// A complaint or need, as recorded by an officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    /// Question, suggestion, grievance or service request.
    pub complaint_type: ComplaintType,
    /// Sector of the need.
    pub sector: Sector,
    /// What the resident said, in brief.
    pub description: String,
    /// How the resident came.
    pub channel: Channel,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// Login name of the officer who recorded it.
    pub officer: String,
    /// Documents seen.
    pub evidence: Vec<EvidenceDocument>,
    /// How urgent.
    pub urgency: Urgency,
}

impl Complaint {
    /// Checks the description (required, at most [`DESCRIPTION_MAX`] characters), the officer,
    /// that the date is not after `today`, and trims the text. All errors at once.
    pub fn validated(mut self, today: NaiveDate) -> Result<Complaint, DomainError> {
        let mut errors = FieldErrors::new();
        if let Some(text) = errors.check(
            "description",
            crate::text::required("description", &self.description, DESCRIPTION_MAX),
        ) {
            self.description = text;
        }
        if let Some(officer) = errors.check(
            "officer",
            crate::text::required("officer", &self.officer, 64),
        ) {
            self.officer = officer;
        }
        if self.received_on > today {
            errors.push(
                "received_on",
                DomainError::DateInFuture {
                    field: "received_on".into(),
                },
            );
        }
        self.evidence.sort();
        self.evidence.dedup();
        errors.finish().map(|()| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<ComplaintType>();
        check_coded::<Sector>();
        check_coded::<Channel>();
        check_coded::<Urgency>();
        check_coded::<EvidenceDocument>();
        assert_eq!(Sector::ALL.len(), 11);
    }

    #[test]
    fn deadlines_follow_the_service_standard() {
        let days: Vec<u32> = ComplaintType::ALL
            .iter()
            .map(|t| t.deadline_working_days())
            .collect();
        assert_eq!(days, vec![2, 5, 5, 14]);
        assert!(Urgency::Emergency > Urgency::Normal);
        assert!(Sector::Health.is_sensitive() && !Sector::Food.is_sensitive());
    }

    #[test]
    fn validation_reports_every_field_at_once() {
        let day = NaiveDate::from_ymd_opt(2025, 5, 5).unwrap_or_default();
        let complaint = Complaint {
            complaint_type: ComplaintType::ServiceRequest,
            sector: Sector::Health,
            description: "  Butuh PBI  ".into(),
            channel: Channel::WalkInPuskesos,
            received_on: day,
            officer: "fo.desa".into(),
            evidence: vec![
                EvidenceDocument::Kk,
                EvidenceDocument::Ktp,
                EvidenceDocument::Kk,
            ],
            urgency: Urgency::Urgent,
        };
        let ok = complaint
            .clone()
            .validated(day)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.description, "Butuh PBI");
        assert_eq!(
            ok.evidence,
            vec![EvidenceDocument::Ktp, EvidenceDocument::Kk]
        );
        let bad = Complaint {
            description: String::new(),
            received_on: day.succ_opt().unwrap_or(day),
            ..complaint
        };
        match bad.validated(day) {
            Err(DomainError::Invalid { errors }) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, vec!["description", "received_on"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
