//! Synthetic households: the villages that receive them, housing and assets, registry
//! records and enrolments.

use anyhow::bail;
use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::household::{
    AssetKind, CookingFuel, DrinkingWater, FloorMaterial, HousingCondition, IncomeBand, Lighting,
    RoofMaterial, Tenure, ToiletFacility, WallMaterial,
};
use shared::identity::{mask_id_number, mask_nik};
use shared::member::{MemberRegistryStatus, age_on};
use shared::programme::ProgrammeKind;

use super::names::{DUSUN, STREETS};
use super::people::Synth;
use super::write::{NextIds, Rows, take};
use super::{chance, days_before, pick, weighted};
use crate::entities::{areas, enrolments, households, members, registry_families, registry_people};
use crate::protect::IdKind;
use crate::records::HouseholdDetails;
use crate::services::households::words;

/// A village that receives synthetic households.
#[derive(Debug, Clone)]
pub(crate) struct Village {
    /// `32.09.01.2008`.
    pub code: String,
    /// `3209012008`.
    pub digits: String,
    /// The six digits of its sub-district, the region prefix of NIK and No KK.
    pub region: String,
    /// `32.09`.
    pub district: String,
}

impl Village {
    fn new(code: &str) -> Option<Village> {
        let digits: String = code.chars().filter(char::is_ascii_digit).collect();
        let parts: Vec<&str> = code.split('.').collect();
        if parts.len() != 4 || digits.len() != 10 {
            return None;
        }
        Some(Village {
            code: code.to_string(),
            region: digits.get(..6)?.to_string(),
            district: format!("{}.{}", parts[0], parts[1]),
            digits,
        })
    }
}

/// The villages of the given districts, in code order.
pub(crate) async fn villages_of<C: ConnectionTrait>(
    db: &C,
    districts: &[String],
) -> anyhow::Result<Vec<Village>> {
    let mut out = Vec::new();
    for district in districts {
        let rows = areas::Entity::find()
            .filter(areas::Column::Level.eq(areas::LEVEL_VILLAGE))
            .filter(areas::Column::Code.starts_with(format!("{district}.")))
            .order_by_asc(areas::Column::Code)
            .all(db)
            .await?;
        out.extend(rows.iter().filter_map(|row| Village::new(&row.code)));
    }
    Ok(out)
}

/// What the demo needs to know about a generated household.
#[derive(Debug, Clone)]
pub(crate) struct HouseholdSummary {
    pub id: i64,
    pub village: usize,
    pub head_name: String,
    pub member_ids: Vec<i64>,
    pub in_registry: bool,
    pub created_at: DateTime<Utc>,
}

/// Desil weights: most families in the registry slice are in the poorest deciles.
const DESIL_WEIGHTS: [(u8, u32); 10] = [
    (1, 20),
    (2, 20),
    (3, 18),
    (4, 14),
    (5, 9),
    (6, 7),
    (7, 5),
    (8, 3),
    (9, 2),
    (10, 2),
];

impl Synth {
    fn housing(&mut self, desil: Option<u8>) -> (HousingCondition, IncomeBand, Vec<AssetKind>) {
        let poor = desil.is_none_or(|d| d <= 4);
        let rng = &mut self.rng;
        let income = if poor {
            weighted(
                rng,
                &[
                    (IncomeBand::Below500k, 25),
                    (IncomeBand::From500kTo1m, 35),
                    (IncomeBand::From1mTo2m, 30),
                    (IncomeBand::From2mTo3m, 10),
                ],
            )
        } else {
            weighted(
                rng,
                &[
                    (IncomeBand::From1mTo2m, 30),
                    (IncomeBand::From2mTo3m, 35),
                    (IncomeBand::From3mTo5m, 25),
                    (IncomeBand::From5m, 10),
                ],
            )
        };
        let weak = poor && chance(rng, 35);
        let housing = HousingCondition {
            house_tenure: weighted(
                rng,
                &[
                    (Tenure::Owned, 75),
                    (Tenure::RentFree, 13),
                    (Tenure::Rented, 10),
                    (Tenure::Other, 2),
                ],
            ),
            land_tenure: weighted(
                rng,
                &[
                    (Tenure::Owned, 70),
                    (Tenure::RentFree, 20),
                    (Tenure::Other, 10),
                ],
            ),
            floor_area_m2: rng.gen_range(if weak { 14..45 } else { 30..110 }),
            floor: if weak {
                weighted(
                    rng,
                    &[
                        (FloorMaterial::Earth, 50),
                        (FloorMaterial::Cement, 40),
                        (FloorMaterial::Bamboo, 10),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (FloorMaterial::Ceramic, 55),
                        (FloorMaterial::Cement, 30),
                        (FloorMaterial::Tile, 15),
                    ],
                )
            },
            wall: if weak {
                weighted(
                    rng,
                    &[
                        (WallMaterial::WovenBamboo, 45),
                        (WallMaterial::Wood, 30),
                        (WallMaterial::PlasteredWeave, 25),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[(WallMaterial::Masonry, 90), (WallMaterial::Wood, 10)],
                )
            },
            roof: weighted(
                rng,
                &[
                    (RoofMaterial::ClayTile, 70),
                    (RoofMaterial::Asbestos, 15),
                    (RoofMaterial::Zinc, 10),
                    (RoofMaterial::Thatch, if weak { 5 } else { 0 }),
                ],
            ),
            drinking_water: weighted(
                rng,
                &[
                    (DrinkingWater::Refill, 35),
                    (DrinkingWater::ProtectedWell, 25),
                    (DrinkingWater::Borehole, 15),
                    (DrinkingWater::PipedMetered, 10),
                    (DrinkingWater::UnprotectedWell, 8),
                    (DrinkingWater::ProtectedSpring, 7),
                ],
            ),
            lighting: if poor {
                weighted(
                    rng,
                    &[
                        (Lighting::Pln450, 55),
                        (Lighting::Pln900, 30),
                        (Lighting::PlnNoMeter, 15),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (Lighting::Pln900, 50),
                        (Lighting::Pln1300, 40),
                        (Lighting::Pln2200, 10),
                    ],
                )
            },
            cooking_fuel: weighted(
                rng,
                &[
                    (CookingFuel::Lpg3kg, 82),
                    (CookingFuel::Firewood, if poor { 15 } else { 2 }),
                    (CookingFuel::LpgLarge, 3),
                ],
            ),
            toilet: if weak {
                weighted(
                    rng,
                    &[
                        (ToiletFacility::Shared, 35),
                        (ToiletFacility::OwnWithoutSepticTank, 35),
                        (ToiletFacility::None, 15),
                        (ToiletFacility::Public, 15),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (ToiletFacility::OwnWithSepticTank, 80),
                        (ToiletFacility::OwnWithoutSepticTank, 20),
                    ],
                )
            },
        };
        let mut assets = Vec::new();
        for (asset, percent) in [
            (AssetKind::Smartphone, if poor { 70 } else { 95 }),
            (AssetKind::Motorcycle, if poor { 45 } else { 85 }),
            (AssetKind::Bicycle, 30),
            (AssetKind::Refrigerator, if poor { 15 } else { 70 }),
            (AssetKind::FlatTelevision, if poor { 20 } else { 60 }),
            (AssetKind::Livestock, 15),
            (AssetKind::Gold, if poor { 3 } else { 25 }),
            (AssetKind::Car, if poor { 0 } else { 12 }),
        ] {
            if chance(rng, percent) {
                assets.push(asset);
            }
        }
        assets.sort();
        (housing, income, assets)
    }

    fn registry_programmes(&mut self, desil: u8, has_school_child: bool) -> Vec<ProgrammeKind> {
        let rng = &mut self.rng;
        let mut programmes = Vec::new();
        let (pkh, bpnt, pbi, kip) = match desil {
            1..=2 => (45, 65, 80, 45),
            3..=4 => (15, 35, 60, 20),
            _ => (0, 3, 20, 0),
        };
        for (kind, percent) in [
            (ProgrammeKind::Pkh, pkh),
            (ProgrammeKind::Bpnt, bpnt),
            (ProgrammeKind::PbiJk, pbi),
            (
                ProgrammeKind::KipPip,
                if has_school_child { kip } else { 0 },
            ),
            (
                ProgrammeKind::EnergySubsidy,
                if desil <= 4 { 30 } else { 0 },
            ),
        ] {
            if chance(rng, percent) {
                programmes.push(kind);
            }
        }
        programmes
    }

    /// One synthetic household with its members, registry record (about 60 %) and enrolments.
    pub(crate) fn household(
        &mut self,
        ids: &mut NextIds,
        villages: &[Village],
        village: usize,
        created_by: Option<i64>,
        rows: &mut Rows,
    ) -> anyhow::Result<HouseholdSummary> {
        let Some(place) = villages.get(village) else {
            bail!("no village to place a household in");
        };
        let id = take(&mut ids.households);
        let in_registry = chance(&mut self.rng, 60);
        let desil = in_registry.then(|| weighted(&mut self.rng, &DESIL_WEIGHTS));
        let people = self.members(place, desil);
        let head_name = people.first().map(|p| p.name.clone()).unwrap_or_default();
        let has_school_child = people
            .iter()
            .any(|p| (6..=18).contains(&age_on(p.birth, self.today)));
        let programmes = match desil {
            Some(desil) => self.registry_programmes(desil, has_school_child),
            None => Vec::new(),
        };
        let (housing, income, assets) = self.housing(desil);
        let kk = Synth::no_kk(&place.region, id);
        let kk_hash = self.key.lookup_hash(IdKind::NoKk, &kk);
        let kk_masked = mask_id_number(&kk);
        let registry_id = desil.map(|_| format!("DTSEN-{}-{id:07}", place.digits));
        let dusun = *pick(&mut self.rng, &DUSUN);
        let rw = self.rng.gen_range(1..=8);
        let rt = self.rng.gen_range(1..=12);
        let street = format!(
            "{} No. {}",
            pick(&mut self.rng, &STREETS),
            self.rng.gen_range(1..=120)
        );
        let created_at =
            self.now - chrono::Duration::minutes(self.rng.gen_range(400 * 24 * 60..760 * 24 * 60));
        let details = HouseholdDetails {
            housing,
            assets,
            programmes: programmes.clone(),
            has_house_photo: chance(&mut self.rng, 30),
            awaiting_survey: false,
        };
        let subdistrict = crate::services::households::subdistrict_of(&place.code);
        rows.households.push(households::ActiveModel {
            id: Set(id),
            kk_hash: Set(kk_hash.clone()),
            kk_sealed: Set(self.key.seal(&kk)),
            kk_masked: Set(kk_masked.clone()),
            head_name: Set(head_name.clone()),
            village_code: Set(place.code.clone()),
            dusun: Set(Some(dusun.to_string())),
            rw: Set(Some(rw.to_string())),
            rt: Set(Some(rt.to_string())),
            street: Set(Some(street)),
            registry_id: Set(registry_id.clone()),
            desil: Set(desil.map(i16::from)),
            income_band: Set(income.code().to_string()),
            details: Set(serde_json::to_string(&details)?),
            status: Set("active".to_string()),
            merged_into: Set(None),
            created_by: Set(created_by),
            created_at: Set(created_at),
            updated_at: Set(created_at),
            version: Set(1),
        });
        if let (Some(registry_id), Some(desil)) = (&registry_id, desil) {
            let codes: Vec<&str> = programmes.iter().map(|p| p.code()).collect();
            rows.families.push(registry_families::ActiveModel {
                registry_id: Set(registry_id.clone()),
                source: Set("dtsen".to_string()),
                kk_hash: Set(kk_hash),
                kk_sealed: Set(self.key.seal(&kk)),
                kk_masked: Set(kk_masked),
                head_name: Set(head_name.clone()),
                village_code: Set(place.code.clone()),
                address: Set(Some(format!("Dusun {dusun} RT {rt:03}/RW {rw:03}"))),
                rt: Set(Some(format!("{rt:03}"))),
                rw: Set(Some(format!("{rw:03}"))),
                dusun: Set(Some(dusun.to_string())),
                desil: Set(i16::from(desil)),
                programmes: Set(serde_json::to_string(&codes)?),
                import_id: Set(self.import_id),
                updated_at: Set(created_at),
            });
            for kind in &programmes {
                if let Some(programme_id) = self.programme_ids.get(kind) {
                    let since = days_before(self.today, self.rng.gen_range(200..1500));
                    rows.enrolments.push(enrolments::ActiveModel {
                        id: Set(take(&mut ids.enrolments)),
                        household_id: Set(id),
                        programme_id: Set(*programme_id),
                        since: Set(since),
                        until: Set(None),
                        source: Set("registry".to_string()),
                        created_at: Set(created_at),
                    });
                }
            }
        }
        let mut member_ids = Vec::with_capacity(people.len());
        for person in people {
            let member_id = take(&mut ids.members);
            member_ids.push(member_id);
            let protected = person.nik.as_ref().map(|nik| {
                (
                    self.key.lookup_hash(IdKind::Nik, nik),
                    self.key.seal(nik),
                    mask_nik(nik),
                )
            });
            if let (Some(registry_id), Some((hash, _, masked)), Some(nik)) =
                (&registry_id, &protected, &person.nik)
                && person.status == MemberRegistryStatus::Confirmed
            {
                rows.people.push(registry_people::ActiveModel {
                    id: Set(take(&mut ids.registry_people)),
                    registry_id: Set(registry_id.clone()),
                    nik_hash: Set(hash.clone()),
                    nik_sealed: Set(self.key.seal(nik)),
                    nik_masked: Set(masked.clone()),
                    name: Set(person.name.clone()),
                    relationship: Set(i16::from(person.relationship.number())),
                    import_id: Set(self.import_id),
                });
            }
            let (nik_hash, nik_sealed, nik_masked) = match protected {
                Some((hash, sealed, masked)) => (Some(hash), Some(sealed), Some(masked)),
                None => (None, None, None),
            };
            let key = shared::names::search_key(&person.name);
            rows.member_words.extend(
                words::words_of(
                    member_id,
                    Some(&subdistrict),
                    Some(&key),
                    person.birth,
                    person.status.code(),
                )
                .iter()
                .map(words::word_row),
            );
            rows.members.push(members::ActiveModel {
                id: Set(member_id),
                household_id: Set(id),
                nik_hash: Set(nik_hash),
                nik_sealed: Set(nik_sealed),
                nik_masked: Set(nik_masked),
                name_key: Set(Some(key)),
                subdistrict: Set(Some(subdistrict.clone())),
                name: Set(person.name),
                sex: Set(person.sex.code().to_string()),
                birth_date: Set(person.birth),
                relationship: Set(i16::from(person.relationship.number())),
                registry_status: Set(person.status.code().to_string()),
                details: Set(serde_json::to_string(&person.details)?),
                created_at: Set(created_at),
                updated_at: Set(created_at),
                version: Set(1),
            });
        }
        Ok(HouseholdSummary {
            id,
            village,
            head_name,
            member_ids,
            in_registry,
            created_at,
        })
    }
}
