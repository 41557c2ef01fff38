//! Households (keluarga): No KK, address, housing conditions, assets, income band, the registry record and household events.
//! Also the rules over a household's members (exactly one head, no NIK twice).

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::complaint::EvidenceDocument;
use crate::error::DomainError;
use crate::geo::{Address, MoveReach};
use crate::identity::NoKk;
use crate::member::{Member, Relationship};
use crate::programme::ProgrammeKind;

crate::coded_enum! {
    /// Tenure of the house or of the land under it.
    pub enum Tenure {
        /// Milik sendiri: owned.
        Owned = ("owned", "Milik sendiri", "Owned"),
        /// Kontrak/sewa: rented.
        Rented = ("rented", "Kontrak/sewa", "Rented"),
        /// Bebas sewa: used free of charge (family, employer).
        RentFree = ("rent_free", "Bebas sewa", "Rent-free"),
        /// Dinas: official housing.
        Official = ("official", "Dinas", "Official housing"),
        /// Lainnya (e.g. state land without title).
        Other = ("other", "Lainnya", "Other"),
    }
}

crate::coded_enum! {
    /// Widest floor material.
    pub enum FloorMaterial {
        /// Marmer/granit.
        Marble = ("marble", "Marmer/granit", "Marble/granite"),
        /// Keramik.
        Ceramic = ("ceramic", "Keramik", "Ceramic"),
        /// Parket/vinil/karpet.
        Vinyl = ("vinyl", "Parket/vinil/karpet", "Parquet/vinyl/carpet"),
        /// Ubin/tegel/teraso.
        Tile = ("tile", "Ubin/tegel/teraso", "Tile/terrazzo"),
        /// Kayu/papan.
        Wood = ("wood", "Kayu/papan", "Wood/board"),
        /// Semen/bata merah.
        Cement = ("cement", "Semen/bata merah", "Cement/brick"),
        /// Bambu.
        Bamboo = ("bamboo", "Bambu", "Bamboo"),
        /// Tanah.
        Earth = ("earth", "Tanah", "Earth"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

crate::coded_enum! {
    /// Widest wall material.
    pub enum WallMaterial {
        /// Tembok: masonry.
        Masonry = ("masonry", "Tembok", "Masonry"),
        /// Plesteran anyaman bambu/kawat.
        PlasteredWeave = ("plastered_weave", "Plesteran anyaman bambu/kawat", "Plastered woven bamboo/wire"),
        /// Kayu/papan.
        Wood = ("wood", "Kayu/papan", "Wood/board"),
        /// Anyaman bambu.
        WovenBamboo = ("woven_bamboo", "Anyaman bambu", "Woven bamboo"),
        /// Batang kayu.
        Logs = ("logs", "Batang kayu", "Logs"),
        /// Bambu.
        Bamboo = ("bamboo", "Bambu", "Bamboo"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

crate::coded_enum! {
    /// Widest roof material.
    pub enum RoofMaterial {
        /// Beton.
        Concrete = ("concrete", "Beton", "Concrete"),
        /// Genteng.
        ClayTile = ("clay_tile", "Genteng", "Clay tile"),
        /// Asbes.
        Asbestos = ("asbestos", "Asbes", "Asbestos"),
        /// Seng.
        Zinc = ("zinc", "Seng", "Corrugated zinc"),
        /// Bambu.
        Bamboo = ("bamboo", "Bambu", "Bamboo"),
        /// Kayu/sirap.
        Wood = ("wood", "Kayu/sirap", "Wood/shingle"),
        /// Jerami/ijuk/daun/rumbia.
        Thatch = ("thatch", "Jerami/ijuk/daun/rumbia", "Thatch"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

crate::coded_enum! {
    /// Main source of drinking water.
    pub enum DrinkingWater {
        /// Air kemasan bermerk.
        Bottled = ("bottled", "Air kemasan bermerk", "Branded bottled water"),
        /// Air isi ulang.
        Refill = ("refill", "Air isi ulang", "Refilled water"),
        /// Leding meteran.
        PipedMetered = ("piped_metered", "Leding meteran", "Piped, metered"),
        /// Leding eceran.
        PipedRetail = ("piped_retail", "Leding eceran", "Piped, bought retail"),
        /// Sumur bor/pompa.
        Borehole = ("borehole", "Sumur bor/pompa", "Borehole/pump"),
        /// Sumur terlindung.
        ProtectedWell = ("protected_well", "Sumur terlindung", "Protected well"),
        /// Sumur tak terlindung.
        UnprotectedWell = ("unprotected_well", "Sumur tak terlindung", "Unprotected well"),
        /// Mata air terlindung.
        ProtectedSpring = ("protected_spring", "Mata air terlindung", "Protected spring"),
        /// Mata air tak terlindung.
        UnprotectedSpring = ("unprotected_spring", "Mata air tak terlindung", "Unprotected spring"),
        /// Air sungai/danau/waduk.
        SurfaceWater = ("surface_water", "Air sungai/danau/waduk", "River/lake water"),
        /// Air hujan.
        Rainwater = ("rainwater", "Air hujan", "Rainwater"),
        /// Lainnya.
        Other = ("other", "Lainnya", "Other"),
    }
}

crate::coded_enum! {
    /// Main source of lighting; PLN is the state electricity company, VA the connected power.
    pub enum Lighting {
        /// PLN meter 450 VA (the subsidised tier).
        Pln450 = ("pln_450", "Listrik PLN 450 VA", "PLN 450 VA"),
        /// PLN meter 900 VA.
        Pln900 = ("pln_900", "Listrik PLN 900 VA", "PLN 900 VA"),
        /// PLN meter 1,300 VA.
        Pln1300 = ("pln_1300", "Listrik PLN 1.300 VA", "PLN 1,300 VA"),
        /// PLN meter 2,200 VA.
        Pln2200 = ("pln_2200", "Listrik PLN 2.200 VA", "PLN 2,200 VA"),
        /// PLN meter above 2,200 VA.
        PlnAbove2200 = ("pln_above_2200", "Listrik PLN > 2.200 VA", "PLN above 2,200 VA"),
        /// PLN without own meter (shared from a neighbour).
        PlnNoMeter = ("pln_no_meter", "Listrik PLN tanpa meteran", "PLN without own meter"),
        /// Non-PLN electricity (generator, solar, village plant).
        NonPln = ("non_pln", "Listrik non-PLN", "Non-PLN electricity"),
        /// No electricity (oil lamp, none).
        None = ("none", "Bukan listrik", "No electricity"),
    }
}

crate::coded_enum! {
    /// Main cooking fuel.
    pub enum CookingFuel {
        /// Listrik.
        Electricity = ("electricity", "Listrik", "Electricity"),
        /// LPG 5.5 kg or larger.
        LpgLarge = ("lpg_large", "Gas 5,5 kg atau lebih", "LPG 5.5 kg or larger"),
        /// LPG 3 kg (subsidised).
        Lpg3kg = ("lpg_3kg", "Gas 3 kg", "LPG 3 kg"),
        /// Gas kota/biogas.
        PipedGasOrBiogas = ("piped_gas_or_biogas", "Gas kota/biogas", "City gas/biogas"),
        /// Minyak tanah.
        Kerosene = ("kerosene", "Minyak tanah", "Kerosene"),
        /// Briket/arang.
        CharcoalOrBriquette = ("charcoal_or_briquette", "Briket/arang", "Charcoal/briquette"),
        /// Kayu bakar.
        Firewood = ("firewood", "Kayu bakar", "Firewood"),
        /// Tidak memasak di rumah.
        DoesNotCook = ("does_not_cook", "Tidak memasak di rumah", "Does not cook at home"),
    }
}

crate::coded_enum! {
    /// Toilet facility.
    pub enum ToiletFacility {
        /// Sendiri: own, with septic tank.
        OwnWithSepticTank = ("own_with_septic_tank", "Sendiri, dengan tangki septik", "Own, with septic tank"),
        /// Sendiri tanpa tangki septik.
        OwnWithoutSepticTank = ("own_without_septic_tank", "Sendiri, tanpa tangki septik", "Own, without septic tank"),
        /// Bersama: shared with other households.
        Shared = ("shared", "Bersama", "Shared"),
        /// Umum: public.
        Public = ("public", "Umum", "Public"),
        /// Tidak ada: none (open defecation).
        None = ("none", "Tidak ada", "None"),
    }
}

crate::coded_enum! {
    /// An asset the household owns, as asked in the registry questionnaire.
    pub enum AssetKind {
        /// Tabung gas 5,5 kg atau lebih.
        LargeGasCylinder = ("large_gas_cylinder", "Tabung gas 5,5 kg atau lebih", "Gas cylinder 5.5 kg or larger"),
        /// Lemari es.
        Refrigerator = ("refrigerator", "Lemari es/kulkas", "Refrigerator"),
        /// AC.
        AirConditioner = ("air_conditioner", "AC", "Air conditioner"),
        /// Pemanas air.
        WaterHeater = ("water_heater", "Pemanas air", "Water heater"),
        /// Televisi layar datar.
        FlatTelevision = ("flat_television", "Televisi layar datar", "Flat-screen television"),
        /// Komputer/laptop.
        Computer = ("computer", "Komputer/laptop", "Computer/laptop"),
        /// Telepon seluler.
        Smartphone = ("smartphone", "Telepon seluler", "Mobile phone"),
        /// Emas/perhiasan ≥ 10 gram.
        Gold = ("gold", "Emas/perhiasan (≥ 10 gram)", "Gold/jewellery (≥ 10 g)"),
        /// Sepeda.
        Bicycle = ("bicycle", "Sepeda", "Bicycle"),
        /// Sepeda motor.
        Motorcycle = ("motorcycle", "Sepeda motor", "Motorcycle"),
        /// Mobil.
        Car = ("car", "Mobil", "Car"),
        /// Perahu.
        Boat = ("boat", "Perahu", "Boat"),
        /// Perahu motor.
        MotorBoat = ("motor_boat", "Perahu motor", "Motor boat"),
        /// Lahan/tanah lain.
        Land = ("land", "Lahan/tanah lain", "Other land"),
        /// Rumah di tempat lain.
        OtherHouse = ("other_house", "Rumah di tempat lain", "House elsewhere"),
        /// Ternak (sapi, kerbau, kambing).
        Livestock = ("livestock", "Ternak", "Livestock"),
    }
}

crate::coded_enum! {
    /// Monthly household income band, in rupiah.
    pub enum IncomeBand {
        /// Below Rp 500.000.
        Below500k = ("below_500k", "< Rp500.000", "Below Rp500,000"),
        /// Rp 500.000 to below Rp 1.000.000.
        From500kTo1m = ("from_500k_to_1m", "Rp500.000 – <Rp1.000.000", "Rp500,000 – <Rp1,000,000"),
        /// Rp 1.000.000 to below Rp 2.000.000.
        From1mTo2m = ("from_1m_to_2m", "Rp1.000.000 – <Rp2.000.000", "Rp1,000,000 – <Rp2,000,000"),
        /// Rp 2.000.000 to below Rp 3.000.000.
        From2mTo3m = ("from_2m_to_3m", "Rp2.000.000 – <Rp3.000.000", "Rp2,000,000 – <Rp3,000,000"),
        /// Rp 3.000.000 to below Rp 5.000.000.
        From3mTo5m = ("from_3m_to_5m", "Rp3.000.000 – <Rp5.000.000", "Rp3,000,000 – <Rp5,000,000"),
        /// Rp 5.000.000 and above.
        From5m = ("from_5m", "≥ Rp5.000.000", "Rp5,000,000 and above"),
    }
}

impl IncomeBand {
    /// The lower bound of each band in rupiah, in the order of [`IncomeBand::ALL`].
    const LOWER_BOUNDS: [u64; 6] = [0, 500_000, 1_000_000, 2_000_000, 3_000_000, 5_000_000];

    /// The band of a monthly income in whole rupiah.
    pub fn from_monthly_rupiah(rupiah: u64) -> IncomeBand {
        let index = Self::LOWER_BOUNDS
            .iter()
            .rposition(|&bound| rupiah >= bound)
            .unwrap_or(0);
        IncomeBand::ALL
            .get(index)
            .copied()
            .unwrap_or(IncomeBand::Below500k)
    }

    /// The band's range in rupiah: lower bound inclusive, upper bound exclusive (`None` for the top band).
    pub fn range_rupiah(self) -> (u64, Option<u64>) {
        let index = IncomeBand::ALL.iter().position(|b| *b == self).unwrap_or(0);
        (
            Self::LOWER_BOUNDS[index],
            Self::LOWER_BOUNDS.get(index + 1).copied(),
        )
    }
}

/// Largest floor area accepted, in square metres.
pub const FLOOR_AREA_MAX: u32 = 10_000;

/// The condition of the house the household lives in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HousingCondition {
    /// Tenure of the house.
    pub house_tenure: Tenure,
    /// Tenure of the land.
    pub land_tenure: Tenure,
    /// Floor area in square metres (1 to [`FLOOR_AREA_MAX`]).
    pub floor_area_m2: u32,
    /// Floor material.
    pub floor: FloorMaterial,
    /// Wall material.
    pub wall: WallMaterial,
    /// Roof material.
    pub roof: RoofMaterial,
    /// Drinking water.
    pub drinking_water: DrinkingWater,
    /// Lighting.
    pub lighting: Lighting,
    /// Cooking fuel.
    pub cooking_fuel: CookingFuel,
    /// Toilet.
    pub toilet: ToiletFacility,
}

impl HousingCondition {
    /// Checks the floor area.
    pub fn validate(&self) -> Result<(), DomainError> {
        if (1..=FLOOR_AREA_MAX).contains(&self.floor_area_m2) {
            Ok(())
        } else {
            Err(DomainError::NumberOutOfRange {
                field: "floor_area_m2".into(),
                min: 1,
                max: i64::from(FLOOR_AREA_MAX),
                found: i64::from(self.floor_area_m2),
            })
        }
    }

    /// Floor area per person in square metres (0 for an empty household).
    pub fn area_per_person(&self, people: usize) -> f64 {
        if people == 0 {
            0.0
        } else {
            f64::from(self.floor_area_m2) / people as f64
        }
    }

    /// Whether the house shows the signs of an uninhabitable house (rumah tidak layak huni,
    /// the RTLH programme's target): less than 7.2 m² per person, or an earth or bamboo floor,
    /// or a wall of bamboo, logs or woven bamboo, or a thatched roof, or no toilet.
    pub fn is_uninhabitable(&self, people: usize) -> bool {
        (people > 0 && self.area_per_person(people) < 7.2)
            || matches!(self.floor, FloorMaterial::Earth | FloorMaterial::Bamboo)
            || matches!(
                self.wall,
                WallMaterial::Bamboo | WallMaterial::Logs | WallMaterial::WovenBamboo
            )
            || self.roof == RoofMaterial::Thatch
            || self.toilet == ToiletFacility::None
    }
}

crate::coded_enum! {
    /// Which national registry a record comes from.
    pub enum RegistrySource {
        /// DTKS (Data Terpadu Kesejahteraan Sosial): the welfare registry until 2025.
        Dtks = ("dtks", "DTKS", "DTKS (integrated social welfare data)"),
        /// DTSEN (Data Tunggal Sosial Ekonomi Nasional): the single registry since 2025.
        Dtsen = ("dtsen", "DTSEN", "DTSEN (single national socio-economic data)"),
    }
}

/// Desil: the family's welfare decile in the registry, 1 (poorest tenth) to 10 (richest), ranked by BPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Desil(u8);

impl Desil {
    /// A desil from 1 to 10.
    pub fn new(value: u8) -> Result<Desil, DomainError> {
        if (1..=10).contains(&value) {
            Ok(Desil(value))
        } else {
            Err(DomainError::NumberOutOfRange {
                field: "desil".into(),
                min: 1,
                max: 10,
                found: i64::from(value),
            })
        }
    }

    /// The decile number.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Whether the family is among the poorest fifth (desil 1–2), the priority of coverage checks.
    pub fn is_poorest_fifth(self) -> bool {
        self.0 <= 2
    }
}

impl TryFrom<u8> for Desil {
    type Error = DomainError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Desil::new(value)
    }
}

impl From<Desil> for u8 {
    fn from(desil: Desil) -> u8 {
        desil.0
    }
}

/// The family's identifier in the registry (e.g. an ID DTKS or DTSEN family id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegistryId(String);

impl RegistryId {
    /// 1 to 32 ASCII letters or digits, `-` and `/` allowed; surrounding spaces ignored.
    pub fn parse(input: &str) -> Result<RegistryId, DomainError> {
        let trimmed = input.trim();
        let ok = !trimmed.is_empty()
            && trimmed.len() <= 32
            && trimmed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/');
        if ok {
            Ok(RegistryId(trimmed.to_owned()))
        } else {
            Err(DomainError::RegistryIdInvalid)
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegistryId {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RegistryId::parse(&value)
    }
}

impl From<RegistryId> for String {
    fn from(id: RegistryId) -> String {
        id.0
    }
}

/// What the registry says about a family found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryRecord {
    /// The family's registry id.
    pub registry_id: RegistryId,
    /// DTKS or DTSEN.
    pub source: RegistrySource,
    /// Welfare decile.
    pub desil: Desil,
    /// Programmes the family receives according to the registry.
    pub programmes: Vec<ProgrammeKind>,
}

impl RegistryRecord {
    /// Whether this is a coverage gap: a family in desil 1–2 receiving no programme.
    pub fn is_coverage_gap(&self) -> bool {
        self.desil.is_poorest_fifth() && self.programmes.is_empty()
    }
}

/// What the registry said about a family when a case checked it, as the case's
/// timeline keeps it (the registry changes with every import; the case keeps
/// what the desk saw). No identity number in it.
pub fn registry_check_note(record: Option<&RegistryRecord>) -> String {
    match record {
        None => "Hasil cek registri: keluarga tidak ditemukan di registri (dapat diusulkan sebagai keluarga baru).".to_string(),
        Some(record) => {
            let programmes = if record.programmes.is_empty() {
                "belum menerima program".to_string()
            } else {
                let names: Vec<&str> = record.programmes.iter().map(|p| p.label_id()).collect();
                format!("program: {}", names.join(", "))
            };
            format!(
                "Hasil cek registri: terdaftar di {} (ID {}), desil {}; {}{}.",
                record.source.label_id(),
                record.registry_id.as_str(),
                record.desil.get(),
                programmes,
                if record.is_coverage_gap() { " (desil 1–2 tanpa program)" } else { "" },
            )
        }
    }
}

/// A household (keluarga) as SLRT records it: one family card (KK) at one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// The family card number.
    pub no_kk: NoKk,
    /// Name of the head of family, as on the KK.
    pub head_name: String,
    /// Where the household lives.
    pub address: Address,
    /// The registry record, when the family is in the registry.
    pub registry: Option<RegistryRecord>,
    /// Housing condition.
    pub housing: HousingCondition,
    /// Assets owned.
    pub assets: Vec<AssetKind>,
    /// Monthly income band.
    pub income_band: IncomeBand,
    /// Programmes the household is enrolled in (as recorded by SLRT, which may differ from the registry).
    pub programmes: Vec<ProgrammeKind>,
    /// Whether a photo of the house front is on file.
    pub has_house_photo: bool,
}

impl Household {
    /// Checks the head's name and the housing; tidies the lists.
    pub fn validated(mut self) -> Result<Household, DomainError> {
        self.head_name =
            crate::text::required("head_name", &self.head_name, crate::member::NAME_MAX)?;
        self.housing.validate()?;
        self.assets.sort();
        self.assets.dedup();
        self.programmes.sort();
        self.programmes.dedup();
        Ok(self)
    }

    /// Whether the household counts as in the registry.
    pub fn in_registry(&self) -> bool {
        self.registry.is_some()
    }
}

/// Checks a household's living members: exactly one head (relationship 1) and no NIK twice.
/// Members no longer counted in the family (deceased, listed twice, moved out) are ignored.
pub fn check_members(members: &[Member]) -> Result<(), DomainError> {
    let living = members
        .iter()
        .filter(|m| m.registry_status.counts_in_family());
    let heads = living
        .clone()
        .filter(|m| m.relationship == Relationship::Head)
        .count();
    if heads != 1 {
        return Err(DomainError::HouseholdHeadCount { found: heads });
    }
    let mut seen = HashSet::new();
    for nik in living.filter_map(|m| m.nik.as_ref()) {
        if !seen.insert(nik) {
            return Err(DomainError::DuplicateNik {
                masked: nik.typed_echo(),
            });
        }
    }
    Ok(())
}

crate::coded_enum! {
    /// A change in a household that the portal follows.
    pub enum HouseholdEventKind {
        /// Pindah: the family moves to another village.
        Moved = ("moved", "Pindah", "Moved"),
        /// Pecah KK: a member (e.g. a married child) starts a new family card.
        SplitFamilyCard = ("split_family_card", "Pecah KK", "Family card split"),
        /// A member died.
        MemberDied = ("member_died", "Anggota meninggal", "Member died"),
        /// A member was found recorded twice.
        MemberDuplicate = ("member_duplicate", "Anggota ganda", "Duplicate member"),
        /// A member joined (marriage, moving in).
        MemberJoined = ("member_joined", "Anggota bertambah", "Member joined"),
        /// A baby was born into the family.
        MemberBorn = ("member_born", "Kelahiran", "Birth"),
        /// A member moved out of the family.
        MemberMovedOut = ("member_moved_out", "Anggota pindah keluar", "Member moved out"),
        /// Another member became the head of the family.
        HeadChanged = ("head_changed", "Ganti kepala keluarga", "Change of head of family"),
        /// The family's second record (registered twice) was merged into this one.
        Merged = ("merged", "Catatan ganda digabungkan", "Duplicate record merged"),
    }
}

/// A household event: what changed, when, on which document, recorded by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdEvent {
    /// What happened.
    pub kind: HouseholdEventKind,
    /// When it happened.
    pub date: NaiveDate,
    /// The document seen.
    pub document: EvidenceDocument,
    /// Login name of the officer who recorded it.
    pub recorded_by: String,
    /// For a move, how far the family went.
    pub move_reach: Option<MoveReach>,
}

impl HouseholdEvent {
    /// Whether the event must become a registry correction proposal (flow B):
    /// always when the family is in the registry.
    pub fn needs_registry_correction(&self, in_registry: bool) -> bool {
        in_registry
    }

    /// Whether the household's file, open cases and referrals go to another district's staff.
    pub fn transfers_to_other_district(&self) -> bool {
        self.kind == HouseholdEventKind::Moved
            && self.move_reach.is_some_and(MoveReach::leaves_district)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use crate::member::MemberRegistryStatus;
    use crate::member::tests::{boy, woman};
    use proptest::prelude::*;

    #[test]
    fn a_registry_check_note_says_what_the_registry_said() -> Result<(), DomainError> {
        assert!(registry_check_note(None).contains("tidak ditemukan"));
        let record = RegistryRecord {
            registry_id: RegistryId::parse("DTSEN-3209-0001")?,
            source: RegistrySource::Dtsen,
            desil: Desil::new(2)?,
            programmes: Vec::new(),
        };
        let note = registry_check_note(Some(&record));
        assert!(note.contains("DTSEN") && note.contains("desil 2"), "{note}");
        assert!(note.contains("tanpa program"), "a gap is named: {note}");
        let served = RegistryRecord {
            programmes: vec![ProgrammeKind::Pkh],
            ..record
        };
        let note = registry_check_note(Some(&served));
        assert!(note.contains(ProgrammeKind::Pkh.label_id()), "{note}");
        assert!(!note.contains("tanpa program"), "{note}");
        assert!(
            note.chars().count() < 300,
            "leaves room for the desk's own note"
        );
        Ok(())
    }

    pub(crate) fn housing() -> HousingCondition {
        HousingCondition {
            house_tenure: Tenure::Owned,
            land_tenure: Tenure::RentFree,
            floor_area_m2: 36,
            floor: FloorMaterial::Cement,
            wall: WallMaterial::Masonry,
            roof: RoofMaterial::ClayTile,
            drinking_water: DrinkingWater::Refill,
            lighting: Lighting::Pln450,
            cooking_fuel: CookingFuel::Lpg3kg,
            toilet: ToiletFacility::OwnWithSepticTank,
        }
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<Tenure>();
        check_coded::<FloorMaterial>();
        check_coded::<WallMaterial>();
        check_coded::<RoofMaterial>();
        check_coded::<DrinkingWater>();
        check_coded::<Lighting>();
        check_coded::<CookingFuel>();
        check_coded::<ToiletFacility>();
        check_coded::<AssetKind>();
        check_coded::<IncomeBand>();
        check_coded::<RegistrySource>();
        check_coded::<HouseholdEventKind>();
    }

    #[test]
    fn desil_is_one_to_ten() {
        assert!(Desil::new(0).is_err() && Desil::new(11).is_err());
        assert!(Desil::new(2).is_ok_and(Desil::is_poorest_fifth));
        assert!(Desil::new(3).is_ok_and(|d| !d.is_poorest_fifth()));
        assert!(serde_json::from_str::<Desil>("11").is_err());
        assert_eq!(
            serde_json::from_str::<Desil>("4").ok().map(Desil::get),
            Some(4)
        );
    }

    #[test]
    fn registry_ids_and_coverage_gaps() {
        assert!(RegistryId::parse("").is_err() && RegistryId::parse("a b").is_err());
        let id = RegistryId::parse(" DTSEN-3209/0001 ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.as_str(), "DTSEN-3209/0001");
        let mut record = RegistryRecord {
            registry_id: id,
            source: RegistrySource::Dtsen,
            desil: Desil(1),
            programmes: vec![],
        };
        assert!(record.is_coverage_gap());
        record.programmes.push(ProgrammeKind::Pkh);
        assert!(!record.is_coverage_gap());
    }

    #[test]
    fn income_bands_cover_every_amount() {
        assert_eq!(IncomeBand::from_monthly_rupiah(0), IncomeBand::Below500k);
        assert_eq!(
            IncomeBand::from_monthly_rupiah(499_999),
            IncomeBand::Below500k
        );
        assert_eq!(
            IncomeBand::from_monthly_rupiah(500_000),
            IncomeBand::From500kTo1m
        );
        assert_eq!(
            IncomeBand::from_monthly_rupiah(u64::MAX),
            IncomeBand::From5m
        );
        assert_eq!(
            IncomeBand::From1mTo2m.range_rupiah(),
            (1_000_000, Some(2_000_000))
        );
        assert_eq!(IncomeBand::From5m.range_rupiah(), (5_000_000, None));
    }

    #[test]
    fn housing_rules() {
        assert_eq!(housing().validate(), Ok(()));
        assert!(matches!(
            HousingCondition {
                floor_area_m2: 0,
                ..housing()
            }
            .validate(),
            Err(DomainError::NumberOutOfRange { .. })
        ));
        assert!(!housing().is_uninhabitable(4));
        assert!(housing().is_uninhabitable(6)); // 6 m² each
        assert!(
            HousingCondition {
                floor: FloorMaterial::Earth,
                ..housing()
            }
            .is_uninhabitable(1)
        );
        assert!(
            HousingCondition {
                toilet: ToiletFacility::None,
                ..housing()
            }
            .is_uninhabitable(1)
        );
    }

    #[test]
    fn members_need_exactly_one_living_head_and_unique_niks() {
        assert_eq!(check_members(&[woman(), boy()]), Ok(()));
        assert_eq!(
            check_members(&[boy()]),
            Err(DomainError::HouseholdHeadCount { found: 0 })
        );
        let second_head = Member {
            relationship: Relationship::Head,
            ..boy()
        };
        assert_eq!(
            check_members(&[woman(), second_head]),
            Err(DomainError::HouseholdHeadCount { found: 2 })
        );
        let dead_head = Member {
            registry_status: MemberRegistryStatus::Deceased,
            ..woman()
        };
        let new_head = Member {
            relationship: Relationship::Head,
            ..boy()
        };
        assert_eq!(check_members(&[dead_head, new_head]), Ok(()));
        let twin = Member {
            relationship: Relationship::Child,
            ..woman()
        };
        assert_eq!(
            check_members(&[woman(), twin]),
            Err(DomainError::DuplicateNik {
                masked: "************0001".into()
            })
        );
    }

    #[test]
    fn household_events() {
        let event = HouseholdEvent {
            kind: HouseholdEventKind::Moved,
            date: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap_or_default(),
            document: EvidenceDocument::MovingLetter,
            recorded_by: "fo.desa".into(),
            move_reach: Some(MoveReach::OtherProvince),
        };
        assert!(event.transfers_to_other_district());
        assert!(event.needs_registry_correction(true) && !event.needs_registry_correction(false));
        let near = HouseholdEvent {
            move_reach: Some(MoveReach::SameDistrict),
            ..event
        };
        assert!(!near.transfers_to_other_district());
    }

    proptest! {
        #[test]
        fn income_band_contains_its_amount(rupiah in any::<u64>()) {
            let (low, high) = IncomeBand::from_monthly_rupiah(rupiah).range_rupiah();
            prop_assert!(rupiah >= low);
            prop_assert!(high.is_none_or(|high| rupiah < high));
        }

        #[test]
        fn desil_accepts_exactly_one_to_ten(value in any::<u8>()) {
            prop_assert_eq!(Desil::new(value).is_ok(), (1..=10).contains(&value));
        }
    }
}
