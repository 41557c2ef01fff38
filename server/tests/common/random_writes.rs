//! Random writes through the services by a team of desks in the fixture's
//! villages (many refused, which must change nothing), for the tests that
//! compare or attack what the dashboards publish after them.

use std::collections::HashMap;

use chrono::Utc;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use server::entities::{cases, households, proposals, referrals, registry_families};
use server::protect::IdKind;
use server::services;
use shared::case::{CaseAction, CloseReason};
use shared::complaint::{Channel, ComplaintType, Sector};
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{
    CaseTransitionRequest, IssueReferral, OpenCase, ProposalTransitionRequest,
    ReferralTransitionRequest, StartProposal,
};
use shared::identity::Sex;
use shared::member::Relationship;
use shared::programme::ProgrammeKind;
use shared::proposal::{ProposalAction, ProposalKind, ProposalSource};
use shared::referral::ReferralAction;
use shared::roles::Role;

use super::people::{complaint, date, household_request, member, nik};
use super::{actor, database_with_areas};

pub const VILLAGES: [&str; 3] = ["32.09.01.2008", "32.09.01.2009", "32.09.02.2001"];

pub struct Team {
    pub db: DatabaseConnection,
    pub services: Services,
    pub fo: Actor,
    pub bo: Actor,
    pub coordinator: Actor,
    /// The Puskesos coordinator of each village, by village code.
    pub coordinators: HashMap<&'static str, Actor>,
    /// A front office of each village (its cases are handled at the village level).
    pub village_desks: HashMap<&'static str, Actor>,
    pub manager: Actor,
    pub hospital: Actor,
    pub head: Actor,
    pub monitor: Actor,
    pub programme_id: i64,
    pub institution_id: i64,
}

pub async fn team() -> Result<Team, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), super::config());
    let institution_id = super::institution(&db, "RSUD Waled").await?;
    let programme_id = super::programme(&db, institution_id).await?;
    let hospital = super::institution_user(&db, &services, "rsud", institution_id).await?;
    let mut coordinators = HashMap::new();
    let mut village_desks = HashMap::new();
    for (i, village) in VILLAGES.iter().enumerate() {
        let name = format!("koordinator{i}");
        coordinators.insert(
            *village,
            actor(
                &db,
                &services,
                &name,
                Role::PuskesosCoordinator,
                Some(village),
            )
            .await?,
        );
        let name = format!("fo{i}");
        village_desks.insert(
            *village,
            actor(&db, &services, &name, Role::FrontOffice, Some(village)).await?,
        );
    }
    Ok(Team {
        coordinators,
        village_desks,
        fo: actor(&db, &services, "fo", Role::FrontOffice, Some("32.09")).await?,
        bo: actor(&db, &services, "bo", Role::BackOffice, Some("32.09")).await?,
        coordinator: actor(
            &db,
            &services,
            "koordinator",
            Role::PuskesosCoordinator,
            Some("32.09"),
        )
        .await?,
        manager: actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?,
        head: actor(&db, &services, "bupati", Role::DistrictHead, Some("32.09")).await?,
        monitor: actor(&db, &services, "pemantau", Role::KemensosMonitor, None).await?,
        hospital,
        programme_id,
        institution_id,
        services,
        db,
    })
}

/// Puts a family with this No KK serial in the registry, so that registering it gives it a desil.
pub async fn in_registry(
    db: &DatabaseConnection,
    serial: u16,
    village: &str,
    desil: i16,
) -> Result<(), Box<dyn std::error::Error>> {
    let key = super::data_key();
    let no_kk = super::people::no_kk(serial)?;
    registry_families::ActiveModel {
        registry_id: Set(format!("R-{serial}")),
        source: Set("dtsen".into()),
        kk_hash: Set(key.lookup_hash(IdKind::NoKk, &no_kk.as_str())),
        kk_sealed: Set(key.seal(&no_kk.as_str())),
        kk_masked: Set(no_kk.masked()),
        head_name: Set("Darto Wiryono".into()),
        village_code: Set(village.into()),
        address: Set(None),
        desil: Set(desil),
        programmes: Set("[]".into()),
        import_id: Set(None),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One random write; refusals are fine (they must change nothing).
pub async fn random_write(
    t: &Team,
    rng: &mut StdRng,
    step: u16,
) -> Result<(), Box<dyn std::error::Error>> {
    let household_ids: Vec<i64> = households::Entity::find()
        .all(&t.db)
        .await?
        .iter()
        .map(|h| h.id)
        .collect();
    let case_rows = cases::Entity::find().all(&t.db).await?;
    let referral_rows = referrals::Entity::find().all(&t.db).await?;
    let proposal_rows = proposals::Entity::find().all(&t.db).await?;
    let choice = if household_ids.len() < 4 {
        0
    } else {
        rng.gen_range(0..10)
    };
    let ignore = |result: Result<(), ServiceError>| match result {
        Ok(())
        | Err(ServiceError::Forbidden | ServiceError::Invalid(_) | ServiceError::Conflict) => {
            Ok(())
        }
        Err(error) => Err(Box::<dyn std::error::Error>::from(format!("{error:?}"))),
    };
    match choice {
        // Register a household, half of them found in the registry.
        0 | 1 => {
            let village = *VILLAGES.choose(rng).ok_or("no village")?;
            if rng.gen_bool(0.6) {
                in_registry(&t.db, step, village, rng.gen_range(1..=10)).await?;
            }
            let mut request = household_request(village, step, &format!("hh-{step}"))?;
            let child_year = rng.gen_range(2006..=2022);
            request.members.push(member(
                nik(Sex::Female, date(child_year, 2, 14)?, step)?,
                "Anak",
                Relationship::Child,
            )?);
            request.household.programmes = [
                ProgrammeKind::Pkh,
                ProgrammeKind::PbiJk,
                ProgrammeKind::KipPip,
            ]
            .into_iter()
            .filter(|_| rng.gen_bool(0.3))
            .collect();
            t.services.households.register(&t.fo, request).await?;
        }
        // Open a case with one or two complaints.
        2 => {
            let household_id = *household_ids.choose(rng).ok_or("no household")?;
            let village = households::Entity::find_by_id(household_id)
                .one(&t.db)
                .await?
                .ok_or("no household")?
                .village_code;
            let desk = match t.village_desks.get(village.as_str()) {
                Some(desk) if rng.gen_bool(0.5) => desk,
                _ => &t.fo,
            };
            let mut complaints = vec![];
            for _ in 0..rng.gen_range(1..=2) {
                let mut c = complaint(
                    *[ComplaintType::ServiceRequest, ComplaintType::Grievance]
                        .choose(rng)
                        .ok_or("no type")?,
                );
                c.sector = *[Sector::Health, Sector::Education, Sector::Food]
                    .choose(rng)
                    .ok_or("no sector")?;
                complaints.push(c);
            }
            t.services
                .cases
                .open(
                    desk,
                    OpenCase {
                        idempotency_key: format!("case-{step}"),
                        household_id,
                        channel: Channel::WalkInPuskesos,
                        complaints,
                    },
                )
                .await?;
        }
        // Move a case on (any action by anyone: many are refused).
        3..=5 if !case_rows.is_empty() => {
            let case = case_rows.choose(rng).ok_or("no case")?;
            let coordinator = match t.coordinators.get(case.village_code.as_str()) {
                Some(local) if case.level == "village" => local,
                _ => &t.manager,
            };
            let actions = [
                CaseAction::CheckRegistry,
                CaseAction::IdentifyNeeds,
                CaseAction::DecideService,
                CaseAction::StartMonitoring,
                CaseAction::Resolve,
                CaseAction::Close(CloseReason::Withdrawn),
                CaseAction::Escalate,
                CaseAction::TakeOver,
            ];
            // Mostly the step the case is waiting for, by the role that takes it.
            let natural = match case.state.as_str() {
                "registered" => Some((CaseAction::CheckRegistry, &t.fo)),
                "registry_checked" => Some((CaseAction::IdentifyNeeds, &t.bo)),
                "needs_identified" => Some((CaseAction::DecideService, coordinator)),
                "service_decided" | "referred" => Some((CaseAction::StartMonitoring, coordinator)),
                "monitoring" => Some((CaseAction::Resolve, coordinator)),
                "escalated" => Some((CaseAction::TakeOver, &t.manager)),
                _ => None,
            };
            let (action, who) = match natural {
                Some(pair) if rng.gen_bool(0.7) => pair,
                _ => (
                    *actions.choose(rng).ok_or("no action")?,
                    [&t.fo, &t.bo, coordinator, &t.manager]
                        .choose(rng)
                        .copied()
                        .ok_or("no actor")?,
                ),
            };
            let result = t
                .services
                .cases
                .transition(
                    who,
                    CaseTransitionRequest {
                        case_id: case.id,
                        version: case.version,
                        action,
                        note: "Catatan uji".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        // Refer a case (refused unless its service is decided).
        6 if !case_rows.is_empty() => {
            let case = case_rows.choose(rng).ok_or("no case")?;
            let coordinator = match t.coordinators.get(case.village_code.as_str()) {
                Some(local) if case.level == "village" => local,
                _ => &t.manager,
            };
            let result = t
                .services
                .referrals
                .issue(
                    coordinator,
                    IssueReferral {
                        idempotency_key: format!("ref-{step}"),
                        case_id: case.id,
                        complaint_id: None,
                        programme_id: t.programme_id,
                        institution_id: t.institution_id,
                        consent: Some(shared::referral::ConsentGiven {
                            given_by: "Darto Wiryono".into(),
                            given_on: Utc::now().date_naive(),
                            institution_id: t.institution_id,
                            programme_id: t.programme_id,
                            resident_informed: true,
                        }),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        // The hospital answers a referral.
        7 if !referral_rows.is_empty() => {
            let referral = referral_rows.choose(rng).ok_or("no referral")?;
            let action = *[
                ReferralAction::Accept,
                ReferralAction::StartProcessing,
                ReferralAction::Complete,
                ReferralAction::Reject,
            ]
            .choose(rng)
            .ok_or("no action")?;
            let result = t
                .services
                .referrals
                .transition(
                    &t.hospital,
                    ReferralTransitionRequest {
                        referral_id: referral.id,
                        version: referral.version,
                        action,
                        note: "Hasil layanan".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        // Propose a family to the registry, or move a proposal on.
        8 => {
            let household_id = *household_ids.choose(rng).ok_or("no household")?;
            let result = t
                .services
                .proposals
                .start(
                    &t.bo,
                    StartProposal {
                        idempotency_key: format!("usul-{step}"),
                        household_id,
                        kind: ProposalKind::NewFamily,
                        source: ProposalSource::Visit,
                        note: "Belum terdaftar".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        9 if !proposal_rows.is_empty() => {
            let proposal = proposal_rows.choose(rng).ok_or("no proposal")?;
            let action = *[
                ProposalAction::ApproveInVillageMeeting,
                ProposalAction::Verify,
                ProposalAction::MatchCivilRegistry,
            ]
            .choose(rng)
            .ok_or("no action")?;
            let who = [&t.bo, &t.coordinator, &t.manager]
                .choose(rng)
                .copied()
                .ok_or("no actor")?;
            let result = t
                .services
                .proposals
                .transition(
                    who,
                    ProposalTransitionRequest {
                        proposal_id: proposal.id,
                        version: proposal.version,
                        action,
                        note: "Berita acara 12/2026".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        _ => {}
    }
    Ok(())
}
