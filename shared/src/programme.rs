//! The programme and service catalogue types and the receiving institutions referrals go to.
//! The catalogue itself is data edited by administrators; [`ProgrammeKind`] is what each entry is.

use serde::{Deserialize, Serialize};

use crate::complaint::Sector;
use crate::error::DomainError;
use crate::geo::AreaScope;

crate::coded_enum! {
    /// A kind of social protection programme or service SLRT can refer to.
    pub enum ProgrammeKind {
        /// PKH (Program Keluarga Harapan): conditional cash transfer.
        Pkh = ("pkh", "PKH", "PKH (conditional cash transfer)"),
        /// BPNT / Program Sembako: food aid on the KKS card.
        Bpnt = ("bpnt", "BPNT / Program Sembako", "BPNT / Sembako (food aid)"),
        /// PBI-JK / KIS: national health insurance paid by the central government.
        PbiJk = ("pbi_jk", "PBI-JK / KIS", "PBI-JK / KIS (state-paid health insurance)"),
        /// PBI APBD: health insurance premiums paid by the district budget.
        PbiApbd = ("pbi_apbd", "PBI APBD", "PBI APBD (district-paid health insurance)"),
        /// KIP / PIP: education assistance (Kartu/Program Indonesia Pintar).
        KipPip = ("kip_pip", "KIP / PIP", "KIP / PIP (education assistance)"),
        /// RTLH / Rutilahu: repair of an uninhabitable house (rumah tidak layak huni).
        Rtlh = ("rtlh", "RTLH / Rutilahu", "RTLH (house repair)"),
        /// ATENSI: social rehabilitation for elderly, disabled people and children.
        Atensi = ("atensi", "ATENSI", "ATENSI (social rehabilitation)"),
        /// ASPD: assistance for people with severe disability.
        Aspd = ("aspd", "ASPD", "ASPD (disability assistance)"),
        /// BLT Dana Desa: cash aid from the village fund.
        BltDanaDesa = ("blt_dana_desa", "BLT Dana Desa", "BLT Dana Desa (village cash aid)"),
        /// Electricity and LPG subsidy.
        EnergySubsidy = ("energy_subsidy", "Subsidi listrik dan LPG", "Electricity and LPG subsidy"),
        /// Civil documents via Disdukcapil: KK, KTP, birth certificate.
        CivilDocuments = ("civil_documents", "Dokumen kependudukan (KK, KTP, akta)", "Civil documents (KK, KTP, birth certificate)"),
        /// Hospital fee waiver letter (surat keterangan keringanan biaya).
        HospitalFeeWaiver = ("hospital_fee_waiver", "Keringanan biaya rumah sakit", "Hospital fee waiver"),
        /// BAZNAS zakat aid.
        Baznas = ("baznas", "Bantuan BAZNAS", "BAZNAS zakat aid"),
        /// A local (provincial, district or village) programme.
        Local = ("local", "Program daerah", "Local programme"),
        /// Private help (CSR).
        Csr = ("csr", "Bantuan swasta (CSR)", "Private help (CSR)"),
    }
}

crate::coded_enum! {
    /// Who pays for a programme.
    pub enum FundingSource {
        /// APBN: the national budget.
        National = ("national", "APBN", "National budget"),
        /// APBD: a provincial or district budget.
        Regional = ("regional", "APBD", "Regional budget"),
        /// Dana Desa: the village fund.
        VillageFund = ("village_fund", "Dana Desa", "Village fund"),
        /// Zakat, infaq and sadaqah.
        Zakat = ("zakat", "Zakat/infak", "Zakat"),
        /// Companies and charities.
        Private = ("private", "Swasta", "Private"),
    }
}

impl ProgrammeKind {
    /// Who usually pays for the programme.
    pub fn funding(self) -> FundingSource {
        use ProgrammeKind as P;
        match self {
            P::Pkh | P::Bpnt | P::PbiJk | P::KipPip | P::Atensi | P::Aspd | P::EnergySubsidy => {
                FundingSource::National
            }
            P::PbiApbd | P::Rtlh | P::CivilDocuments | P::HospitalFeeWaiver | P::Local => {
                FundingSource::Regional
            }
            P::BltDanaDesa => FundingSource::VillageFund,
            P::Baznas => FundingSource::Zakat,
            P::Csr => FundingSource::Private,
        }
    }

    /// The sector a need for this programme usually belongs to.
    pub fn sector(self) -> Sector {
        use ProgrammeKind as P;
        match self {
            P::Pkh | P::BltDanaDesa | P::EnergySubsidy | P::Baznas | P::Local | P::Csr => {
                Sector::SocialAssistance
            }
            P::Bpnt => Sector::Food,
            P::PbiJk | P::PbiApbd | P::HospitalFeeWaiver => Sector::Health,
            P::KipPip => Sector::Education,
            P::Rtlh => Sector::Housing,
            P::Atensi => Sector::ChildProtection,
            P::Aspd => Sector::Disability,
            P::CivilDocuments => Sector::CivilDocuments,
        }
    }

    /// Whether enrolment is decided from the national registry (DTKS/DTSEN), so a family
    /// outside the registry needs a registry proposal (flow B) first.
    pub fn needs_registry(self) -> bool {
        use ProgrammeKind as P;
        matches!(
            self,
            P::Pkh | P::Bpnt | P::PbiJk | P::KipPip | P::Aspd | P::EnergySubsidy
        )
    }
}

crate::coded_enum! {
    /// The kind of a receiving institution (lembaga penerima rujukan).
    pub enum InstitutionKind {
        /// Rumah sakit.
        Hospital = ("hospital", "Rumah sakit", "Hospital"),
        /// Puskesmas: community health centre.
        HealthCentre = ("health_centre", "Puskesmas", "Community health centre"),
        /// School or madrasah.
        School = ("school", "Sekolah/Madrasah", "School"),
        /// Dinas Kesehatan: district health office.
        HealthOffice = ("health_office", "Dinas Kesehatan", "Health office"),
        /// Dinas Pendidikan: district education office.
        EducationOffice = ("education_office", "Dinas Pendidikan", "Education office"),
        /// Dinas Sosial: district social office.
        SocialOffice = ("social_office", "Dinas Sosial", "Social office"),
        /// Disdukcapil: civil registry office.
        CivilRegistryOffice = ("civil_registry_office", "Disdukcapil", "Civil registry office"),
        /// Dinas Perkim/PUPR: housing and public works office.
        HousingOffice = ("housing_office", "Dinas Perkim/PUPR", "Housing office"),
        /// Dinas Tenaga Kerja: manpower office.
        ManpowerOffice = ("manpower_office", "Dinas Tenaga Kerja", "Manpower office"),
        /// BPJS Kesehatan: the health insurance agency.
        HealthInsurance = ("health_insurance", "BPJS Kesehatan", "Health insurance agency (BPJS)"),
        /// Sentra/balai of Kemensos (social rehabilitation centre).
        RehabilitationCentre = ("rehabilitation_centre", "Sentra/Balai Kemensos", "Kemensos rehabilitation centre"),
        /// UPTD PPA / DP3A: women and child protection unit.
        ChildProtectionUnit = ("child_protection_unit", "UPTD PPA / DP3A", "Women and child protection unit"),
        /// BAZNAS: national zakat agency.
        Baznas = ("baznas", "BAZNAS", "BAZNAS (zakat agency)"),
        /// Pemerintah desa: the village government.
        VillageGovernment = ("village_government", "Pemerintah desa", "Village government"),
        /// Company or charity (CSR).
        PrivateOrCharity = ("private_or_charity", "Swasta/lembaga sosial", "Company or charity"),
        /// Another institution.
        Other = ("other", "Lainnya", "Other"),
    }
}

/// Identifier of a receiving institution (its stable slug or database key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InstitutionId(String);

impl InstitutionId {
    /// Wraps an identifier (as stored).
    pub fn new(id: impl Into<String>) -> InstitutionId {
        InstitutionId(id.into())
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<i64> for InstitutionId {
    /// An institution's database key as its identifier.
    fn from(key: i64) -> Self {
        InstitutionId(key.to_string())
    }
}

/// A receiving institution (lembaga penerima rujukan): a hospital, school, office or charity that accepts referrals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivingInstitution {
    /// Its identifier.
    pub id: InstitutionId,
    /// Its name, e.g. "RSUD Waled".
    pub name: String,
    /// What kind of institution it is.
    pub kind: InstitutionKind,
    /// The area it serves (the nation for Kemensos centres).
    pub serves: AreaScope,
    /// Whether it still takes referrals.
    pub active: bool,
}

/// Longest name of a catalogue entry or institution.
pub const CATALOGUE_NAME_MAX: usize = 120;

/// One entry of the programme and service catalogue, as administrators edit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    /// Short stable code chosen by the administrator (lowercase letters, digits, `_`, `-`).
    pub code: String,
    /// Name shown to staff, e.g. "PBI APBD Kabupaten Cirebon".
    pub name: String,
    /// Which kind of programme this is.
    pub kind: ProgrammeKind,
    /// The sector of need it answers.
    pub sector: Sector,
    /// The institution kinds a referral for it goes to.
    pub institution_kinds: Vec<InstitutionKind>,
    /// Where it is offered.
    pub area: AreaScope,
    /// Whether it can still be chosen.
    pub active: bool,
}

impl CatalogueEntry {
    /// Checks the code (1–40 of `a-z 0-9 _ -`) and the name.
    pub fn validate(&self) -> Result<(), DomainError> {
        let code_ok = !self.code.is_empty()
            && self.code.len() <= 40
            && self
                .code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !code_ok {
            return Err(DomainError::UnknownCode {
                field: "code".into(),
                code: self.code.chars().take(40).collect(),
            });
        }
        crate::text::required("name", &self.name, CATALOGUE_NAME_MAX).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<ProgrammeKind>();
        check_coded::<FundingSource>();
        check_coded::<InstitutionKind>();
        assert_eq!(ProgrammeKind::ALL.len(), 15);
    }

    #[test]
    fn programme_facts() {
        assert_eq!(ProgrammeKind::PbiApbd.funding(), FundingSource::Regional);
        assert_eq!(
            ProgrammeKind::BltDanaDesa.funding(),
            FundingSource::VillageFund
        );
        assert_eq!(ProgrammeKind::KipPip.sector(), Sector::Education);
        assert_eq!(ProgrammeKind::Aspd.sector(), Sector::Disability);
        assert!(ProgrammeKind::Pkh.needs_registry());
        assert!(!ProgrammeKind::Baznas.needs_registry());
        assert_eq!(InstitutionId::from(42).as_str(), "42");
    }

    #[test]
    fn catalogue_entries_are_checked() {
        let mut entry = CatalogueEntry {
            code: "pbi_apbd_cirebon".into(),
            name: "PBI APBD Kabupaten Cirebon".into(),
            kind: ProgrammeKind::PbiApbd,
            sector: Sector::Health,
            institution_kinds: vec![InstitutionKind::HealthOffice],
            area: AreaScope::National,
            active: true,
        };
        assert_eq!(entry.validate(), Ok(()));
        entry.code = "PBI APBD".into();
        assert!(matches!(
            entry.validate(),
            Err(DomainError::UnknownCode { .. })
        ));
        entry.code = "ok".into();
        entry.name = " ".into();
        assert_eq!(
            entry.validate(),
            Err(DomainError::TextRequired {
                field: "name".into()
            })
        );
    }
}
