//! Referrals on SQLite and PostgreSQL: consent, numbering, the institution's
//! answers, institution-only access, the case following its referrals, and the
//! public letter check.

mod common;

use chrono::Utc;
use common::people::{complaint, household_request};
use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use server::services;
use shared::DomainError;
use shared::case::{CaseAction, CaseState};
use shared::complaint::{Channel, ComplaintType};
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{
    CaseSort, CaseTransitionRequest, IssueReferral, OpenCase, ReferralFilter,
    ReferralTransitionRequest,
};
use shared::referral::{ReferralAction, ReferralState};
use shared::roles::Role;

const WALED_DESA: &str = "32.09.01.2008";

struct World {
    db: DatabaseConnection,
    services: Services,
    fo: Actor,
    bo: Actor,
    coordinator: Actor,
    hospital: Actor,
    other_hospital: Actor,
    case_id: i64,
    programme_id: i64,
    institution_id: i64,
}

/// A case at `service_decided`, ready to be referred.
async fn world() -> Result<World, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(&db, &services, "fo", Role::FrontOffice, Some(WALED_DESA)).await?;
    let bo = actor(&db, &services, "bo", Role::BackOffice, Some(WALED_DESA)).await?;
    let coordinator = actor(
        &db,
        &services,
        "koordinator",
        Role::PuskesosCoordinator,
        Some(WALED_DESA),
    )
    .await?;
    let institution_id = common::institution(&db, "RSUD Waled").await?;
    let other_id = common::institution(&db, "RSUD Arjawinangun").await?;
    let programme_id = common::programme(&db, institution_id).await?;
    let hospital = common::institution_user(&db, &services, "rsud.waled", institution_id).await?;
    let other_hospital = common::institution_user(&db, &services, "rsud.lain", other_id).await?;
    let household = services
        .households
        .register(&fo, household_request(WALED_DESA, 1, "h1")?)
        .await?;
    let case_id = services
        .cases
        .open(
            &fo,
            OpenCase {
                idempotency_key: "c1".into(),
                household_id: household.id,
                channel: Channel::WalkInPuskesos,
                complaints: vec![complaint(ComplaintType::ServiceRequest)],
            },
        )
        .await?
        .id;
    for (who, action) in [
        (&fo, CaseAction::CheckRegistry),
        (&bo, CaseAction::IdentifyNeeds),
        (&coordinator, CaseAction::DecideService),
    ] {
        let version = services.cases.detail(who, case_id).await?.summary.version;
        services
            .cases
            .transition(
                who,
                CaseTransitionRequest {
                    case_id,
                    version,
                    action,
                    note: String::new(),
                },
            )
            .await?;
    }
    Ok(World {
        db,
        services,
        fo,
        bo,
        coordinator,
        hospital,
        other_hospital,
        case_id,
        programme_id,
        institution_id,
    })
}

fn issue(w: &World, key: &str) -> IssueReferral {
    IssueReferral {
        idempotency_key: key.into(),
        case_id: w.case_id,
        complaint_id: None,
        member_id: None,
        programme_id: w.programme_id,
        institution_id: w.institution_id,
        consent: Some(shared::referral::ConsentGiven {
            given_by: "Darto Wiryono".into(),
            given_on: Utc::now().date_naive(),
            institution_id: w.institution_id,
            programme_id: w.programme_id,
            resident_informed: true,
        }),
    }
}

async fn answer(
    w: &World,
    who: &Actor,
    id: i64,
    action: ReferralAction,
    note: &str,
) -> Result<shared::dto::ReferralView, ServiceError> {
    let version = w
        .services
        .referrals
        .inbox(&w.coordinator, ReferralFilter::default())
        .await?
        .items
        .into_iter()
        .find(|item| item.referral.id == id)
        .map(|item| item.referral.version)
        .ok_or(ServiceError::NotFound)?;
    w.services
        .referrals
        .transition(
            who,
            ReferralTransitionRequest {
                referral_id: id,
                version,
                action,
                note: note.into(),
            },
        )
        .await
}

#[tokio::test]
async fn a_referral_goes_from_consent_to_completion_and_the_case_follows() -> TestResult {
    let w = world().await?;
    // The back office may not take the case's `refer` step at village level.
    assert_eq!(
        w.services
            .referrals
            .issue(&w.bo, issue(&w, "r0"))
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    // The service itself refuses a referral without consent, or with consent for
    // another institution or purpose, or not told to the resident: whoever calls it.
    let refused = |change: &dyn Fn(&mut IssueReferral)| {
        let mut request = issue(&w, "r-refused");
        change(&mut request);
        request
    };
    type Change<'a> = &'a dyn Fn(&mut IssueReferral);
    let cases: [(&str, Change, DomainError); 5] = [
        ("none", &|r| r.consent = None, DomainError::ConsentMissing),
        (
            "nobody",
            &|r| {
                if let Some(c) = r.consent.as_mut() {
                    c.given_by = " ".into();
                }
            },
            DomainError::ConsentMissing,
        ),
        (
            "not told",
            &|r| {
                if let Some(c) = r.consent.as_mut() {
                    c.resident_informed = false;
                }
            },
            DomainError::ConsentMissing,
        ),
        (
            "other institution",
            &|r| {
                if let Some(c) = r.consent.as_mut() {
                    c.institution_id += 1000;
                }
            },
            DomainError::ConsentForOtherInstitution,
        ),
        (
            "other purpose",
            &|r| {
                if let Some(c) = r.consent.as_mut() {
                    c.programme_id += 1000;
                }
            },
            DomainError::ConsentForOtherPurpose,
        ),
    ];
    for (name, change, expected) in cases {
        assert_eq!(
            w.services
                .referrals
                .issue(&w.coordinator, refused(change))
                .await
                .err(),
            Some(ServiceError::Invalid(expected)),
            "{name}"
        );
    }
    assert_eq!(
        server::entities::referrals::Entity::find()
            .count(&w.db)
            .await?,
        0,
        "a refused referral stores nothing"
    );
    assert_eq!(
        audit_rows(&w.db, "issue_referral", "refused").await?.len(),
        5
    );

    let referral = w
        .services
        .referrals
        .issue(&w.coordinator, issue(&w, "r1"))
        .await?;
    let again = w
        .services
        .referrals
        .issue(&w.coordinator, issue(&w, "r1"))
        .await?;
    assert_eq!(referral.id, again.id);
    let year = Utc::now().format("%Y").to_string();
    assert_eq!(
        referral.number.as_str(),
        format!("RJK/3209012008/{year}/00001")
    );
    assert_eq!(referral.state, ReferralState::Sent);
    assert_eq!(referral.consent.given_by, "Darto Wiryono");
    assert_eq!(referral.verification_code.len(), 10);
    assert_eq!(
        w.services
            .cases
            .detail(&w.fo, w.case_id)
            .await?
            .summary
            .status
            .state,
        CaseState::Referred
    );

    // Only the addressed institution may answer; the other one is refused and audited.
    assert_eq!(
        answer(
            &w,
            &w.other_hospital,
            referral.id,
            ReferralAction::Accept,
            ""
        )
        .await
        .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        audit_rows(&w.db, "respond_to_referral", "refused")
            .await?
            .len(),
        1
    );
    answer(&w, &w.hospital, referral.id, ReferralAction::Accept, "").await?;
    assert_eq!(
        w.services
            .cases
            .detail(&w.fo, w.case_id)
            .await?
            .summary
            .status
            .state,
        CaseState::Monitoring
    );

    // The case cannot be resolved while its referral is open.
    let version = w
        .services
        .cases
        .detail(&w.coordinator, w.case_id)
        .await?
        .summary
        .version;
    let early = w
        .services
        .cases
        .transition(
            &w.coordinator,
            CaseTransitionRequest {
                case_id: w.case_id,
                version,
                action: CaseAction::Resolve,
                note: String::new(),
            },
        )
        .await;
    assert!(early.is_err());

    answer(
        &w,
        &w.hospital,
        referral.id,
        ReferralAction::StartProcessing,
        "",
    )
    .await?;
    assert!(matches!(
        answer(&w, &w.hospital, referral.id, ReferralAction::Complete, "").await,
        Err(ServiceError::Invalid(_))
    ));
    let done = answer(
        &w,
        &w.hospital,
        referral.id,
        ReferralAction::Complete,
        "Terdaftar PBI APBD mulai bulan depan",
    )
    .await?;
    assert_eq!(done.state, ReferralState::Completed);
    assert_eq!(
        done.outcome_note.as_deref(),
        Some("Terdaftar PBI APBD mulai bulan depan")
    );

    let version = w
        .services
        .cases
        .detail(&w.coordinator, w.case_id)
        .await?
        .summary
        .version;
    let resolved = w
        .services
        .cases
        .transition(
            &w.coordinator,
            CaseTransitionRequest {
                case_id: w.case_id,
                version,
                action: CaseAction::Resolve,
                note: String::new(),
            },
        )
        .await?;
    assert_eq!(resolved.summary.status.state, CaseState::Resolved);
    let actions: Vec<&str> = resolved
        .timeline
        .iter()
        .map(|c| c.action.as_str())
        .collect();
    for expected in [
        "refer",
        "issue",
        "accept",
        "start_monitoring",
        "start_processing",
        "complete",
        "resolve",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn institutions_see_only_their_referrals_and_letters_verify_without_personal_data()
-> TestResult {
    let w = world().await?;
    let referral = w
        .services
        .referrals
        .issue(&w.coordinator, issue(&w, "r2"))
        .await?;
    let inbox = w
        .services
        .referrals
        .inbox(&w.hospital, ReferralFilter::default())
        .await?;
    assert_eq!(inbox.total, 1);
    assert_eq!(inbox.items[0].resident_name, "Darto Wiryono");
    assert_eq!(
        w.services
            .referrals
            .inbox(&w.other_hospital, ReferralFilter::default())
            .await?
            .total,
        0
    );
    let elsewhere = actor(
        &w.db,
        &w.services,
        "fo.susukan",
        Role::FrontOffice,
        Some("33.04.01.2001"),
    )
    .await?;
    assert_eq!(
        w.services
            .referrals
            .inbox(&elsewhere, ReferralFilter::default())
            .await?
            .total,
        0
    );
    // Institutions never open the case file itself.
    assert_eq!(
        w.services.cases.detail(&w.hospital, w.case_id).await.err(),
        Some(ServiceError::Forbidden)
    );

    let check = w
        .services
        .referrals
        .verify(&referral.verification_code.to_lowercase())
        .await?;
    assert_eq!(check.number, referral.number.as_str());
    assert_eq!(check.institution_name, "RSUD Waled");
    assert_eq!(check.state, ReferralState::Sent);
    assert_eq!(
        w.services.referrals.verify("AAAAAAAAAA").await.err(),
        Some(ServiceError::NotFound)
    );
    Ok(())
}

#[tokio::test]
async fn the_sending_side_cancels_with_a_note_and_stale_answers_conflict() -> TestResult {
    let w = world().await?;
    let referral = w
        .services
        .referrals
        .issue(&w.coordinator, issue(&w, "r3"))
        .await?;
    let stale = w
        .services
        .referrals
        .transition(
            &w.hospital,
            ReferralTransitionRequest {
                referral_id: referral.id,
                version: referral.version + 1,
                action: ReferralAction::Accept,
                note: String::new(),
            },
        )
        .await;
    assert_eq!(stale.err(), Some(ServiceError::Conflict));
    let cancelled = answer(
        &w,
        &w.bo,
        referral.id,
        ReferralAction::Cancel,
        "Warga pindah domisili",
    )
    .await?;
    assert_eq!(cancelled.state, ReferralState::Cancelled);
    // The institution cannot cancel a referral it has not started.
    let second = w
        .services
        .referrals
        .issue(&w.coordinator, issue(&w, "r4"))
        .await?;
    assert_eq!(
        answer(&w, &w.hospital, second.id, ReferralAction::Cancel, "x")
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    Ok(())
}

#[tokio::test]
async fn the_inbox_opens_on_what_awaits_the_institution_newest_first() -> TestResult {
    let w = world().await?;
    let mut ids = Vec::new();
    for key in ["n1", "n2", "n3"] {
        ids.push(
            w.services
                .referrals
                .issue(&w.coordinator, issue(&w, key))
                .await?
                .id,
        );
    }
    let (first, second, third) = (ids[0], ids[1], ids[2]);
    answer(
        &w,
        &w.hospital,
        second,
        ReferralAction::Reject,
        "Bukan layanan kami.",
    )
    .await?;
    let open: Vec<ReferralState> = ReferralState::ALL
        .iter()
        .copied()
        .filter(|state| state.is_open())
        .collect();
    assert_eq!(
        inbox_ids(&w, open.clone(), CaseSort::NewestFirst).await?,
        vec![third, first],
        "what awaits the hospital, newest first; the refused one is not there"
    );
    assert_eq!(
        inbox_ids(&w, open, CaseSort::OldestFirst).await?,
        vec![first, third]
    );
    assert_eq!(
        inbox_ids(&w, Vec::new(), CaseSort::NewestFirst).await?,
        vec![third, second, first]
    );
    Ok(())
}

/// The ids the hospital's inbox lists on its first page.
async fn inbox_ids(
    w: &World,
    states: Vec<ReferralState>,
    sort: CaseSort,
) -> Result<Vec<i64>, ServiceError> {
    let filter = ReferralFilter {
        states,
        sort,
        page: 1,
        per_page: 25,
        ..ReferralFilter::default()
    };
    Ok(w.services
        .referrals
        .inbox(&w.hospital, filter)
        .await?
        .items
        .into_iter()
        .map(|item| item.referral.id)
        .collect())
}

#[tokio::test]
async fn a_referral_names_the_member_it_is_for_and_only_of_the_case_family() -> TestResult {
    let w = world().await?;
    let detail = w.services.cases.detail(&w.coordinator, w.case_id).await?;
    assert!(
        detail.members.len() >= 2,
        "the case offers its family's members"
    );
    let (member_id, member_name) = detail.members[1].clone();
    let other = w
        .services
        .households
        .register(&w.fo, household_request(WALED_DESA, 2, "h2")?)
        .await?;
    let stranger = w.services.households.file(&w.fo, other.id).await?.members[0].id;
    let refused = w
        .services
        .referrals
        .issue(
            &w.coordinator,
            IssueReferral {
                member_id: Some(stranger),
                ..issue(&w, "m1")
            },
        )
        .await;
    assert_eq!(
        refused.err(),
        Some(ServiceError::NotFound),
        "another family's member"
    );
    let issued = w
        .services
        .referrals
        .issue(
            &w.coordinator,
            IssueReferral {
                member_id: Some(member_id),
                ..issue(&w, "m2")
            },
        )
        .await?;
    let letter = w.services.referrals.letter(&w.hospital, issued.id).await?;
    assert_eq!(
        letter.item.member_name.as_deref(),
        Some(member_name.as_str())
    );
    assert_ne!(
        letter.item.resident_name, member_name,
        "the head, and the member apart"
    );
    let whole_family = w
        .services
        .referrals
        .issue(&w.coordinator, issue(&w, "m3"))
        .await?;
    let letter = w
        .services
        .referrals
        .letter(&w.hospital, whole_family.id)
        .await?;
    assert_eq!(letter.item.member_name, None);
    Ok(())
}
