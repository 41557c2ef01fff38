//! Household members (anggota keluarga): relationship, civil status, education, work, disability, illness, PPKS, registry status.
//! [`Member::validated`] cross-checks the NIK against sex and birth date and the PPKS categories against age.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, FieldErrors};
use crate::identity::{Nik, Sex};

crate::coded_enum! {
    /// Relationship to the head of the family, numbered 1–8 as on the KK and in the registry.
    pub enum Relationship {
        /// 1 Kepala keluarga.
        Head = ("head", "Kepala keluarga", "Head of family"),
        /// 2 Istri/suami.
        Spouse = ("spouse", "Istri/suami", "Spouse"),
        /// 3 Anak.
        Child = ("child", "Anak", "Child"),
        /// 4 Menantu.
        ChildInLaw = ("child_in_law", "Menantu", "Child-in-law"),
        /// 5 Cucu.
        Grandchild = ("grandchild", "Cucu", "Grandchild"),
        /// 6 Orang tua/mertua.
        ParentOrInLaw = ("parent_or_in_law", "Orang tua/mertua", "Parent or parent-in-law"),
        /// 7 Pembantu rumah tangga.
        HouseholdHelp = ("household_help", "Pembantu rumah tangga", "Household help"),
        /// 8 Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

impl Relationship {
    /// The official number, 1 to 8.
    pub fn number(self) -> u8 {
        Relationship::ALL
            .iter()
            .position(|r| *r == self)
            .map_or(8, |i| i as u8 + 1)
    }

    /// The relationship with the official number, 1 to 8.
    pub fn from_number(number: u8) -> Result<Relationship, DomainError> {
        usize::from(number)
            .checked_sub(1)
            .and_then(|index| Relationship::ALL.get(index).copied())
            .ok_or(DomainError::NumberOutOfRange {
                field: "relationship".into(),
                min: 1,
                max: 8,
                found: i64::from(number),
            })
    }
}

crate::coded_enum! {
    /// Marital status (status perkawinan) as in the civil registry.
    pub enum MaritalStatus {
        /// Belum kawin.
        NeverMarried = ("never_married", "Belum kawin", "Never married"),
        /// Kawin tercatat: married, registered.
        MarriedRegistered = ("married_registered", "Kawin tercatat", "Married (registered)"),
        /// Kawin belum tercatat: married by religion or custom only.
        MarriedUnregistered = ("married_unregistered", "Kawin belum tercatat", "Married (unregistered)"),
        /// Cerai hidup.
        Divorced = ("divorced", "Cerai hidup", "Divorced"),
        /// Cerai mati.
        Widowed = ("widowed", "Cerai mati", "Widowed"),
    }
}

crate::coded_enum! {
    /// Highest education completed, in the civil registry's categories.
    pub enum Education {
        /// Tidak/belum sekolah.
        NoSchooling = ("no_schooling", "Tidak/belum sekolah", "No schooling"),
        /// Belum tamat SD/sederajat.
        PrimaryIncomplete = ("primary_incomplete", "Belum tamat SD/sederajat", "Primary not completed"),
        /// Tamat SD/sederajat.
        Primary = ("primary", "Tamat SD/sederajat", "Primary school"),
        /// SLTP/sederajat.
        JuniorSecondary = ("junior_secondary", "SLTP/sederajat", "Junior secondary"),
        /// SLTA/sederajat.
        SeniorSecondary = ("senior_secondary", "SLTA/sederajat", "Senior secondary"),
        /// Diploma I/II.
        DiplomaOneTwo = ("diploma_1_2", "Diploma I/II", "Diploma I/II"),
        /// Akademi/Diploma III.
        DiplomaThree = ("diploma_3", "Akademi/Diploma III", "Diploma III"),
        /// Diploma IV/Strata I.
        Bachelor = ("bachelor", "Diploma IV/Strata I", "Bachelor (D-IV/S1)"),
        /// Strata II.
        Master = ("master", "Strata II", "Master (S2)"),
        /// Strata III.
        Doctorate = ("doctorate", "Strata III", "Doctorate (S3)"),
    }
}

crate::coded_enum! {
    /// Main occupation.
    pub enum Occupation {
        /// Tidak/belum bekerja.
        NotWorking = ("not_working", "Tidak/belum bekerja", "Not working"),
        /// Pelajar/mahasiswa.
        Student = ("student", "Pelajar/mahasiswa", "Student"),
        /// Mengurus rumah tangga.
        Homemaker = ("homemaker", "Mengurus rumah tangga", "Homemaker"),
        /// Petani/pekebun.
        Farmer = ("farmer", "Petani/pekebun", "Farmer"),
        /// Nelayan.
        Fisher = ("fisher", "Nelayan", "Fisher"),
        /// Buruh tani/perkebunan.
        FarmLabourer = ("farm_labourer", "Buruh tani/perkebunan", "Farm labourer"),
        /// Buruh harian lepas.
        CasualLabourer = ("casual_labourer", "Buruh harian lepas", "Casual labourer"),
        /// Karyawan swasta/pabrik.
        PrivateEmployee = ("private_employee", "Karyawan swasta", "Private employee"),
        /// PNS/TNI/Polri.
        CivilServant = ("civil_servant", "PNS/TNI/Polri", "Civil servant, military or police"),
        /// Pedagang/wiraswasta.
        Trader = ("trader", "Pedagang/wiraswasta", "Trader or self-employed"),
        /// Sopir/ojek.
        Driver = ("driver", "Sopir/ojek", "Driver"),
        /// Tukang/pengrajin.
        Craftsperson = ("craftsperson", "Tukang/pengrajin", "Craftsperson"),
        /// Asisten rumah tangga.
        DomesticWorker = ("domestic_worker", "Asisten rumah tangga", "Domestic worker"),
        /// Pensiunan.
        Retired = ("retired", "Pensiunan", "Retired"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

crate::coded_enum! {
    /// Type of disability (ragam penyandang disabilitas, UU 8/2016); a member may have several.
    pub enum DisabilityType {
        /// Disabilitas fisik.
        Physical = ("physical", "Disabilitas fisik", "Physical"),
        /// Disabilitas intelektual.
        Intellectual = ("intellectual", "Disabilitas intelektual", "Intellectual"),
        /// Disabilitas mental (psychosocial).
        Mental = ("mental", "Disabilitas mental", "Mental (psychosocial)"),
        /// Disabilitas sensorik netra: visual.
        Visual = ("visual", "Disabilitas netra", "Visual"),
        /// Disabilitas sensorik rungu: hearing.
        Hearing = ("hearing", "Disabilitas rungu", "Hearing"),
        /// Disabilitas sensorik wicara: speech.
        Speech = ("speech", "Disabilitas wicara", "Speech"),
    }
}

crate::coded_enum! {
    /// A chronic illness (penyakit kronis/menahun).
    pub enum ChronicIllness {
        /// Hipertensi.
        Hypertension = ("hypertension", "Hipertensi", "Hypertension"),
        /// Diabetes.
        Diabetes = ("diabetes", "Diabetes", "Diabetes"),
        /// Penyakit jantung.
        HeartDisease = ("heart_disease", "Penyakit jantung", "Heart disease"),
        /// Stroke.
        Stroke = ("stroke", "Stroke", "Stroke"),
        /// Kanker.
        Cancer = ("cancer", "Kanker", "Cancer"),
        /// TBC.
        Tuberculosis = ("tuberculosis", "TBC", "Tuberculosis"),
        /// HIV/AIDS.
        HivAids = ("hiv_aids", "HIV/AIDS", "HIV/AIDS"),
        /// Gagal ginjal.
        KidneyFailure = ("kidney_failure", "Gagal ginjal", "Kidney failure"),
        /// Asma/PPOK.
        ChronicLungDisease = ("chronic_lung_disease", "Asma/PPOK", "Asthma/COPD"),
        /// Kusta.
        Leprosy = ("leprosy", "Kusta", "Leprosy"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

crate::coded_enum! {
    /// PPKS (Pemerlu Pelayanan Kesejahteraan Sosial): the 26 official categories of people needing social welfare services (Permensos 8/2012).
    pub enum PpksCategory {
        /// 1 Anak balita telantar.
        NeglectedToddler = ("neglected_toddler", "Anak balita telantar", "Neglected child under five"),
        /// 2 Anak telantar.
        NeglectedChild = ("neglected_child", "Anak telantar", "Neglected child"),
        /// 3 Anak yang berhadapan dengan hukum.
        ChildInConflictWithLaw = ("child_in_conflict_with_law", "Anak yang berhadapan dengan hukum", "Child in conflict with the law"),
        /// 4 Anak jalanan.
        StreetChild = ("street_child", "Anak jalanan", "Street child"),
        /// 5 Anak dengan disabilitas.
        ChildWithDisability = ("child_with_disability", "Anak dengan disabilitas", "Child with disability"),
        /// 6 Anak korban tindak kekerasan atau diperlakukan salah.
        AbusedChild = ("abused_child", "Anak korban tindak kekerasan", "Child victim of violence or abuse"),
        /// 7 Anak yang memerlukan perlindungan khusus.
        ChildNeedingSpecialProtection = ("child_needing_special_protection", "Anak yang memerlukan perlindungan khusus", "Child needing special protection"),
        /// 8 Lanjut usia telantar.
        NeglectedElderly = ("neglected_elderly", "Lanjut usia telantar", "Neglected elderly person"),
        /// 9 Penyandang disabilitas.
        PersonWithDisability = ("person_with_disability", "Penyandang disabilitas", "Person with disability"),
        /// 10 Tuna susila.
        SexWorker = ("sex_worker", "Tuna susila", "Sex worker"),
        /// 11 Gelandangan.
        Homeless = ("homeless", "Gelandangan", "Homeless person"),
        /// 12 Pengemis.
        Beggar = ("beggar", "Pengemis", "Beggar"),
        /// 13 Pemulung.
        Scavenger = ("scavenger", "Pemulung", "Scavenger"),
        /// 14 Kelompok minoritas.
        MinorityGroup = ("minority_group", "Kelompok minoritas", "Minority group member"),
        /// 15 Bekas warga binaan lembaga pemasyarakatan.
        FormerPrisoner = ("former_prisoner", "Bekas warga binaan lembaga pemasyarakatan", "Former prisoner"),
        /// 16 Orang dengan HIV/AIDS (ODHA).
        PersonWithHiv = ("person_with_hiv", "Orang dengan HIV/AIDS", "Person living with HIV/AIDS"),
        /// 17 Korban penyalahgunaan NAPZA.
        DrugAbuseVictim = ("drug_abuse_victim", "Korban penyalahgunaan NAPZA", "Victim of drug abuse"),
        /// 18 Korban perdagangan orang.
        TraffickingVictim = ("trafficking_victim", "Korban perdagangan orang", "Trafficking victim"),
        /// 19 Korban tindak kekerasan.
        ViolenceVictim = ("violence_victim", "Korban tindak kekerasan", "Victim of violence"),
        /// 20 Pekerja migran bermasalah sosial.
        TroubledMigrantWorker = ("troubled_migrant_worker", "Pekerja migran bermasalah sosial", "Migrant worker with social problems"),
        /// 21 Korban bencana alam.
        NaturalDisasterVictim = ("natural_disaster_victim", "Korban bencana alam", "Natural disaster victim"),
        /// 22 Korban bencana sosial.
        SocialDisasterVictim = ("social_disaster_victim", "Korban bencana sosial", "Social disaster victim"),
        /// 23 Perempuan rawan sosial ekonomi.
        VulnerableWoman = ("vulnerable_woman", "Perempuan rawan sosial ekonomi", "Socially and economically vulnerable woman"),
        /// 24 Fakir miskin.
        Poor = ("poor", "Fakir miskin", "Poor person"),
        /// 25 Keluarga bermasalah sosial psikologis.
        TroubledFamily = ("troubled_family", "Keluarga bermasalah sosial psikologis", "Family with psychosocial problems"),
        /// 26 Komunitas adat terpencil.
        RemoteIndigenousCommunity = ("remote_indigenous_community", "Komunitas adat terpencil", "Remote indigenous community"),
    }
}

impl PpksCategory {
    /// The ages (in whole years, inclusive) the category applies to, where it has limits:
    /// under five for toddlers, under eighteen for children, 60 and over for the elderly,
    /// 18 and over for a vulnerable woman.
    pub fn age_range(self) -> Option<(u32, u32)> {
        use PpksCategory as P;
        match self {
            P::NeglectedToddler => Some((0, 4)),
            P::NeglectedChild
            | P::ChildInConflictWithLaw
            | P::StreetChild
            | P::ChildWithDisability
            | P::AbusedChild
            | P::ChildNeedingSpecialProtection => Some((0, 17)),
            P::NeglectedElderly => Some((60, 200)),
            P::VulnerableWoman => Some((18, 200)),
            _ => None,
        }
    }
}

crate::coded_enum! {
    /// The status of a member against the registry and civil registry.
    pub enum MemberRegistryStatus {
        /// Terkonfirmasi: found and matching.
        Confirmed = ("confirmed", "Terkonfirmasi", "Confirmed"),
        /// Tidak terkonfirmasi: not (yet) matched.
        Unconfirmed = ("unconfirmed", "Tidak terkonfirmasi", "Unconfirmed"),
        /// Ganda: recorded twice.
        Duplicate = ("duplicate", "Ganda", "Duplicate"),
        /// Meninggal: deceased.
        Deceased = ("deceased", "Meninggal", "Deceased"),
        /// Pindah keluar: left the family (moved out); kept for its history.
        MovedOut = ("moved_out", "Pindah keluar", "Moved out"),
        /// Tanpa dokumen: has no civil documents (no NIK).
        Undocumented = ("undocumented", "Tanpa dokumen", "No civil documents"),
    }
}

impl MemberRegistryStatus {
    /// Whether a member of this status still counts in the family (neither
    /// deceased nor listed twice).
    pub fn counts_in_family(self) -> bool {
        !matches!(
            self,
            MemberRegistryStatus::Deceased
                | MemberRegistryStatus::Duplicate
                | MemberRegistryStatus::MovedOut
        )
    }
}

/// Longest name of a person or place.
pub const NAME_MAX: usize = 100;

/// Whole years of age on `on` for someone born on `birth` (0 if `on` is before `birth`).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// A member of a household (anggota keluarga).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// NIK; absent only for members without civil documents.
    pub nik: Option<Nik>,
    /// Full name.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Place of birth.
    pub birth_place: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Relationship to the head of the family.
    pub relationship: Relationship,
    /// Marital status.
    pub marital_status: MaritalStatus,
    /// Highest education completed.
    pub education: Education,
    /// Main occupation.
    pub occupation: Occupation,
    /// Disabilities (empty: none). Specific personal data (UU 27/2022).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disabilities: Vec<DisabilityType>,
    /// Chronic illnesses (empty: none). Specific personal data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chronic_illnesses: Vec<ChronicIllness>,
    /// Currently pregnant.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pregnant: bool,
    /// PPKS categories (empty: none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ppks: Vec<PpksCategory>,
    /// Matched against the civil registry (padan Dukcapil).
    pub civil_registry_matched: bool,
    /// Status against the registry.
    pub registry_status: MemberRegistryStatus,
}

impl Member {
    /// Checks the member on `today` and returns it tidied (names trimmed, lists sorted, no repeats).
    /// Reports every wrong field at once in [`DomainError::Invalid`].
    pub fn validated(mut self, today: NaiveDate) -> Result<Member, DomainError> {
        let mut errors = FieldErrors::new();
        if let Some(name) =
            errors.check("name", crate::text::required("name", &self.name, NAME_MAX))
        {
            self.name = name;
        }
        if let Some(place) = errors.check(
            "birth_place",
            crate::text::required("birth_place", &self.birth_place, NAME_MAX),
        ) {
            self.birth_place = place;
        }
        if self.birth_date > today {
            errors.push(
                "birth_date",
                DomainError::DateInFuture {
                    field: "birth_date".into(),
                },
            );
        }
        match &self.nik {
            Some(nik) => {
                if nik.sex() != self.sex {
                    errors.push(
                        "sex",
                        DomainError::NikSexMismatch {
                            nik_sex: nik.sex(),
                            recorded: self.sex,
                        },
                    );
                }
                let nik_date = nik.birth_date(today);
                if nik_date != self.birth_date {
                    errors.push(
                        "birth_date",
                        DomainError::NikBirthDateMismatch {
                            nik_date,
                            recorded: self.birth_date,
                        },
                    );
                }
            }
            None => {
                if self.registry_status != MemberRegistryStatus::Undocumented {
                    errors.push("nik", DomainError::NikRequired);
                }
                if self.civil_registry_matched {
                    errors.push("civil_registry_matched", DomainError::CivilMatchRequiresNik);
                }
            }
        }
        if self.pregnant && self.sex != Sex::Female {
            errors.push("pregnant", DomainError::PregnancyRequiresFemale);
        }
        let age = age_on(self.birth_date, today);
        for category in &self.ppks {
            if let Some((min, max)) = category.age_range()
                && !(min..=max).contains(&age)
            {
                errors.push(
                    "ppks",
                    DomainError::PpksAgeMismatch {
                        category: *category,
                        age,
                    },
                );
            }
        }
        self.disabilities.sort();
        self.disabilities.dedup();
        self.chronic_illnesses.sort();
        self.chronic_illnesses.dedup();
        self.ppks.sort();
        self.ppks.dedup();
        errors.finish().map(|()| self)
    }

    /// Age in whole years on `on`.
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        age_on(self.birth_date, on)
    }

    /// Whether the member is elderly (lanjut usia: 60 or over) on `on`.
    pub fn is_elderly_on(&self, on: NaiveDate) -> bool {
        self.age_on(on) >= 60
    }

    /// Whether the member is a child (under 18) on `on`.
    pub fn is_child_on(&self, on: NaiveDate) -> bool {
        self.age_on(on) < 18
    }

    /// Whether the record holds specific personal data (health, disability, child) under UU 27/2022.
    pub fn has_sensitive_data(&self, on: NaiveDate) -> bool {
        !self.disabilities.is_empty()
            || !self.chronic_illnesses.is_empty()
            || self.pregnant
            || self.is_child_on(on)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use crate::identity::tests::{BOY_NIK, WOMAN_NIK, nik_parts, nik_text};
    use proptest::prelude::*;

    pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    pub(crate) fn today() -> NaiveDate {
        date(2025, 6, 1)
    }

    /// A synthetic head of family: a woman born 12/05/1985.
    pub(crate) fn woman() -> Member {
        Member {
            nik: Nik::parse(WOMAN_NIK).ok(),
            name: "Siti Contoh".into(),
            sex: Sex::Female,
            birth_place: "Cirebon".into(),
            birth_date: date(1985, 5, 12),
            relationship: Relationship::Head,
            marital_status: MaritalStatus::Widowed,
            education: Education::Primary,
            occupation: Occupation::CasualLabourer,
            disabilities: vec![],
            chronic_illnesses: vec![ChronicIllness::Hypertension],
            pregnant: false,
            ppks: vec![PpksCategory::Poor, PpksCategory::VulnerableWoman],
            civil_registry_matched: true,
            registry_status: MemberRegistryStatus::Confirmed,
        }
    }

    /// A synthetic son born 03/01/2010.
    pub(crate) fn boy() -> Member {
        Member {
            nik: Nik::parse(BOY_NIK).ok(),
            name: "Budi Contoh".into(),
            sex: Sex::Male,
            birth_date: date(2010, 1, 3),
            relationship: Relationship::Child,
            marital_status: MaritalStatus::NeverMarried,
            education: Education::Primary,
            occupation: Occupation::Student,
            chronic_illnesses: vec![],
            ppks: vec![],
            ..woman()
        }
    }

    fn field_errors(result: Result<Member, DomainError>) -> Vec<(String, &'static str)> {
        match result {
            Err(DomainError::Invalid { errors }) => errors
                .into_iter()
                .map(|e| (e.field, e.error.code()))
                .collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<Relationship>();
        check_coded::<MaritalStatus>();
        check_coded::<Education>();
        check_coded::<Occupation>();
        check_coded::<DisabilityType>();
        check_coded::<ChronicIllness>();
        check_coded::<PpksCategory>();
        check_coded::<MemberRegistryStatus>();
        assert_eq!(PpksCategory::ALL.len(), 26);
        assert_eq!(Relationship::ALL.len(), 8);
    }

    #[test]
    fn relationship_numbers_are_one_to_eight() {
        for (index, relationship) in Relationship::ALL.iter().enumerate() {
            assert_eq!(usize::from(relationship.number()), index + 1);
            assert_eq!(
                Relationship::from_number(relationship.number()),
                Ok(*relationship)
            );
        }
        assert!(Relationship::from_number(0).is_err());
        assert!(Relationship::from_number(9).is_err());
    }

    #[test]
    fn valid_members_pass_and_are_tidied() {
        let mut member = woman();
        member.name = "  Siti Contoh ".into();
        member.ppks = vec![PpksCategory::Poor, PpksCategory::Poor];
        let checked = member.validated(today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.name, "Siti Contoh");
        assert_eq!(checked.ppks, vec![PpksCategory::Poor]);
        assert!(boy().validated(today()).is_ok());
    }

    #[test]
    fn nik_must_agree_with_sex_and_birth_date() {
        let member = Member {
            sex: Sex::Male,
            birth_date: date(1985, 5, 13),
            ..woman()
        };
        assert_eq!(
            field_errors(member.validated(today())),
            vec![
                ("sex".into(), "nik_sex_mismatch"),
                ("birth_date".into(), "nik_birth_date_mismatch")
            ]
        );
    }

    #[test]
    fn members_without_nik_must_be_undocumented() {
        let member = Member {
            nik: None,
            ..woman()
        };
        assert_eq!(
            field_errors(member.validated(today())),
            vec![
                ("nik".into(), "nik_required"),
                ("civil_registry_matched".into(), "civil_match_requires_nik")
            ]
        );
        let undocumented = Member {
            nik: None,
            civil_registry_matched: false,
            registry_status: MemberRegistryStatus::Undocumented,
            ..woman()
        };
        assert!(undocumented.validated(today()).is_ok());
    }

    #[test]
    fn pregnancy_ppks_age_and_future_birth_are_checked() {
        let member = Member {
            pregnant: true,
            ppks: vec![PpksCategory::NeglectedElderly, PpksCategory::StreetChild],
            ..boy()
        };
        assert_eq!(
            field_errors(member.validated(today())),
            vec![
                ("pregnant".into(), "pregnancy_requires_female"),
                ("ppks".into(), "ppks_age_mismatch")
            ]
        );
        let unborn = Member {
            nik: None,
            registry_status: MemberRegistryStatus::Undocumented,
            civil_registry_matched: false,
            birth_date: date(2026, 1, 1),
            ..boy()
        };
        assert_eq!(
            field_errors(unborn.validated(today())),
            vec![("birth_date".into(), "date_in_future")]
        );
    }

    #[test]
    fn ages_and_sensitivity() {
        assert_eq!(age_on(date(2010, 1, 3), date(2025, 1, 2)), 14);
        assert_eq!(age_on(date(2010, 1, 3), date(2025, 1, 3)), 15);
        assert_eq!(age_on(date(2010, 1, 3), date(2000, 1, 1)), 0);
        assert!(boy().is_child_on(today()) && boy().has_sensitive_data(today()));
        assert!(woman().has_sensitive_data(today()));
        assert!(!woman().is_elderly_on(today()));
        assert_eq!(PpksCategory::NeglectedToddler.age_range(), Some((0, 4)));
        assert_eq!(PpksCategory::Poor.age_range(), None);
    }

    proptest! {
        #[test]
        fn members_built_from_their_nik_always_validate((region, sex, birth, serial) in nik_parts()) {
            let nik = Nik::parse(&nik_text(&region, sex, birth, serial)).ok();
            let member = Member { nik, sex, birth_date: birth, pregnant: false, ppks: vec![], ..woman() };
            prop_assert!(member.validated(today()).is_ok());
        }
    }
}
