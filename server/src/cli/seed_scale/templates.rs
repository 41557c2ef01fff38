//! The fixed tables cases are made from: the needs residents bring, the paths a case takes,
//! and the notes of closing, escalating and referral outcomes.

use shared::case::{CaseAction, CloseReason};
use shared::complaint::{ComplaintType, EvidenceDocument, Sector};
use shared::programme::ProgrammeKind;

/// One need a resident brings, with the programme that answers it.
pub(super) struct NeedTemplate {
    pub(super) sector: Sector,
    pub(super) complaint_type: ComplaintType,
    pub(super) description: &'static str,
    pub(super) programme: Option<ProgrammeKind>,
    pub(super) evidence: &'static [EvidenceDocument],
}

use EvidenceDocument as E;

pub(super) static NEEDS: [NeedTemplate; 18] = [
    NeedTemplate {
        sector: Sector::Health,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Membutuhkan surat keringanan biaya rawat inap di rumah sakit.",
        programme: Some(ProgrammeKind::HospitalFeeWaiver),
        evidence: &[E::Ktp, E::Kk, E::MedicalLetter, E::PovertyLetter],
    },
    NeedTemplate {
        sector: Sector::Health,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Belum memiliki jaminan kesehatan; mohon didaftarkan PBI.",
        programme: Some(ProgrammeKind::PbiApbd),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::Health,
        complaint_type: ComplaintType::Grievance,
        description: "Kartu KIS tidak aktif saat berobat ke Puskesmas.",
        programme: Some(ProgrammeKind::PbiJk),
        evidence: &[E::Ktp, E::ProgrammeCard],
    },
    NeedTemplate {
        sector: Sector::Education,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Anak usia sekolah membutuhkan bantuan biaya sekolah (PIP).",
        programme: Some(ProgrammeKind::KipPip),
        evidence: &[E::Kk, E::SchoolLetter],
    },
    NeedTemplate {
        sector: Sector::Food,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Keluarga belum menerima bantuan sembako.",
        programme: Some(ProgrammeKind::Bpnt),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::Housing,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Rumah tidak layak huni: atap bocor dan dinding bilik rusak.",
        programme: Some(ProgrammeKind::Rtlh),
        evidence: &[E::Ktp, E::Kk, E::Photo],
    },
    NeedTemplate {
        sector: Sector::CivilDocuments,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Anak belum memiliki akta kelahiran.",
        programme: Some(ProgrammeKind::CivilDocuments),
        evidence: &[E::Kk],
    },
    NeedTemplate {
        sector: Sector::CivilDocuments,
        complaint_type: ComplaintType::ServiceRequest,
        description: "KK belum diperbarui setelah anggota keluarga meninggal.",
        programme: Some(ProgrammeKind::CivilDocuments),
        evidence: &[E::Kk, E::DeathCertificate],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Mohon didaftarkan sebagai penerima PKH.",
        programme: Some(ProgrammeKind::Pkh),
        evidence: &[E::Ktp, E::Kk, E::PovertyLetter],
    },
    NeedTemplate {
        sector: Sector::Disability,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Anggota keluarga penyandang disabilitas membutuhkan kursi roda.",
        programme: Some(ProgrammeKind::Atensi),
        evidence: &[E::Ktp, E::Kk, E::MedicalLetter],
    },
    NeedTemplate {
        sector: Sector::Disability,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Penyandang disabilitas berat belum menerima ASPD.",
        programme: Some(ProgrammeKind::Aspd),
        evidence: &[E::Ktp, E::Kk, E::MedicalLetter],
    },
    NeedTemplate {
        sector: Sector::Elderly,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Lansia tinggal sendiri membutuhkan pendampingan dan permakanan.",
        programme: Some(ProgrammeKind::Atensi),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::EmploymentEconomic,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Membutuhkan modal usaha warung setelah suami sakit.",
        programme: Some(ProgrammeKind::Baznas),
        evidence: &[E::Ktp, E::Kk, E::PovertyLetter],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Mohon bantuan langsung tunai Dana Desa.",
        programme: Some(ProgrammeKind::BltDanaDesa),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::Question,
        description: "Menanyakan jadwal penyaluran bantuan sosial bulan ini.",
        programme: None,
        evidence: &[E::Ktp],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::Question,
        description: "Menanyakan status desil keluarga di DTSEN.",
        programme: None,
        evidence: &[E::Kk],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::Grievance,
        description: "Bantuan PKH tahap ini belum diterima.",
        programme: None,
        evidence: &[E::Ktp, E::ProgrammeCard],
    },
    NeedTemplate {
        sector: Sector::Other,
        complaint_type: ComplaintType::Suggestion,
        description: "Usul jam layanan Puskesos ditambah pada hari Sabtu.",
        programme: None,
        evidence: &[],
    },
];

pub(super) const CLOSE_NOTES: [&str; 4] = [
    "Warga menyatakan mencabut permohonan.",
    "Tidak memenuhi syarat program yang diminta.",
    "Warga tidak dapat dihubungi setelah tiga kali kunjungan.",
    "Layanan yang dibutuhkan belum tersedia di daerah.",
];
pub(super) const ESCALATE_NOTES: [&str; 3] = [
    "Melewati batas waktu layanan; perlu keputusan tingkat kabupaten.",
    "Kebutuhan di luar kewenangan Puskesos.",
    "Belum ada tindak lanjut lembaga; diteruskan ke tingkat berikutnya.",
];

/// The path of a case from registration: its actions in order.
pub(super) struct CasePlan {
    pub(super) actions: &'static [CaseAction],
    /// Finished cases are spread over the year; open ones are recent.
    pub(super) finished: bool,
}

use CaseAction as A;

pub(super) static PLANS: [CasePlan; 18] = [
    CasePlan {
        actions: &[],
        finished: false,
    },
    CasePlan {
        actions: &[A::CheckRegistry],
        finished: false,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::IdentifyNeeds],
        finished: false,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::IdentifyNeeds, A::DecideService],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
        ],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
        ],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::Close(CloseReason::Withdrawn)],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::Close(CloseReason::NotEligible),
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::Close(CloseReason::NoServiceAvailable),
        ],
        finished: true,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::IdentifyNeeds, A::Escalate],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Escalate,
        ],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::Escalate,
            A::TakeOver,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::Escalate, A::TakeOver, A::Escalate],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::Escalate,
            A::TakeOver,
            A::Escalate,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Close(CloseReason::Unreachable),
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::Escalate,
            A::TakeOver,
            A::Close(CloseReason::Duplicate),
        ],
        finished: true,
    },
];

/// How often each plan is chosen after every plan has been used once.
pub(super) const PLAN_WEIGHTS: [u32; 18] = [6, 4, 5, 4, 5, 8, 22, 12, 4, 4, 2, 3, 2, 4, 1, 1, 2, 1];

pub(super) const REJECT_NOTES: [&str; 3] = [
    "Berkas belum lengkap; surat keterangan dokter tidak ada.",
    "Bukan kewenangan lembaga kami; silakan ke dinas terkait.",
    "Kuota program tahun ini sudah penuh.",
];
pub(super) const COMPLETE_NOTES: [&str; 4] = [
    "Layanan telah diberikan; warga sudah menerima manfaat.",
    "Warga telah didaftarkan dan kartu sudah diterbitkan.",
    "Biaya perawatan dibebaskan sesuai surat keterangan.",
    "Dokumen kependudukan telah terbit dan diserahkan.",
];
pub(super) const CANCEL_NOTES: [&str; 2] = [
    "Warga tidak datang ke lembaga dalam batas waktu.",
    "Kebutuhan sudah terpenuhi melalui program lain.",
];
