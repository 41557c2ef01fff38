//! Masked identity numbers cannot be rebuilt, on SQLite and PostgreSQL. For every
//! role, everything it can read about a family (lists, the household file, the
//! case, the referral inbox and letter, exports, a lookup by the family card
//! number) is collected, and an attacker's arithmetic is run over it: a NIK is
//! its sub-district (digits 1–6, shown by the village on every page), the birth
//! date (digits 7–12, the day + 40 for women) and a serial (13–16). Whatever
//! the answers give away of each part narrows the candidates; every member must
//! keep at least 10,000 of them. The audited reveal is the one way to the whole
//! number, and is left out.

mod common;

use chrono::{Datelike, Utc};
use common::people::{complaint, household_request};
use common::{TestResult, actor, database_with_areas};
use server::services;
use shared::case::CaseAction;
use shared::complaint::{Channel, ComplaintType};
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{
    CaseFilter, CaseTransitionRequest, HouseholdFilter, IdentityQuery, IssueReferral, OpenCase,
    ReferralFilter,
};
use shared::roles::Role;

const WALED_DESA: &str = "32.09.01.2008";
const CIREBON: &str = "32.09";

/// Everything `who` can read about the family, as the JSON it would receive.
async fn answers(
    services: &Services,
    who: &Actor,
    household_id: i64,
    case_id: i64,
    referral_id: i64,
    no_kk: &shared::identity::NoKk,
) -> String {
    fn json<T: serde::Serialize, E>(answer: Result<T, E>) -> String {
        answer
            .ok()
            .and_then(|value| serde_json::to_string(&value).ok())
            .unwrap_or_default()
    }
    /// Every row of an export, or its refusal.
    async fn exported<T: Send + 'static>(
        opened: Result<shared::export::ExportRows<T>, ServiceError>,
    ) -> Result<Vec<T>, ServiceError> {
        opened?.collect_all().await
    }
    let households = &services.households;
    let cases = &services.cases;
    let referrals = &services.referrals;
    [
        json(households.list(who, HouseholdFilter::default()).await),
        json(exported(households.export(who, HouseholdFilter::default()).await).await),
        json(households.file(who, household_id).await),
        json(
            households
                .lookup(who, IdentityQuery::NoKk(no_kk.clone()))
                .await,
        ),
        json(cases.list(who, CaseFilter::default()).await),
        json(exported(cases.export(who, CaseFilter::default()).await).await),
        json(cases.detail(who, case_id).await),
        json(referrals.inbox(who, ReferralFilter::default()).await),
        json(referrals.letter(who, referral_id).await),
    ]
    .join("\n")
}

/// How many NIKs fit what `text` gives away about `nik` (a member born on `born`).
fn candidates(text: &str, nik: &str, born: chrono::NaiveDate) -> u64 {
    if text.contains(nik) {
        return 1;
    }
    let digits: Vec<char> = nik.chars().collect();
    // Which positions of the number some masked form in the answers shows.
    let mut shown = [false; 16];
    let chars: Vec<char> = text.chars().collect();
    for window in chars.windows(16) {
        let masked = window.iter().all(|c| c.is_ascii_digit() || *c == '*');
        if masked && window.contains(&'*') {
            for (position, c) in window.iter().enumerate() {
                if *c == digits[position] {
                    shown[position] = true;
                }
            }
        }
    }
    let serial_unknown = shown[12..].iter().filter(|s| !**s).count();
    let serial = 10u64.pow(u32::try_from(serial_unknown).unwrap_or(4));
    // The birth date: from the masked form, or written out anywhere as a date.
    let iso = born.format("%Y-%m-%d").to_string();
    let written = born.format("%d/%m/%Y").to_string();
    let date_known =
        shown[6..12].iter().all(|s| *s) || text.contains(&iso) || text.contains(&written);
    let dates = if date_known { 1 } else { 365 };
    serial * dates
}

#[tokio::test]
async fn no_role_can_rebuild_a_masked_nik_from_what_it_reads() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let in_village = |name: &'static str, role| {
        let (db, services) = (db.clone(), services.clone());
        async move { actor(&db, &services, name, role, Some(WALED_DESA)).await }
    };
    let fo = in_village("fo", Role::FrontOffice).await?;
    let bo = in_village("bo", Role::BackOffice).await?;
    let facilitator = in_village("pendamping", Role::Facilitator).await?;
    let supervisor = in_village("supervisor", Role::Supervisor).await?;
    let coordinator = in_village("koordinator", Role::PuskesosCoordinator).await?;
    let manager = actor(&db, &services, "manajer", Role::SlrtManager, Some(CIREBON)).await?;
    let head = actor(&db, &services, "bupati", Role::DistrictHead, Some(CIREBON)).await?;
    let monitor = actor(&db, &services, "pemantau", Role::KemensosMonitor, None).await?;
    let institution_id = common::institution(&db, "RSUD Waled").await?;
    let programme_id = common::programme(&db, institution_id).await?;
    let hospital = common::institution_user(&db, &services, "rsud.waled", institution_id).await?;

    // The members' NIK serials share no digit, position by position, with the
    // family card's last four (0007, shown): the count below takes any digit a
    // mask shows in the right place as given away, whoever's number it masks.
    let mut request = household_request(WALED_DESA, 7, "h7")?;
    for (serial, member) in (4315..).zip(request.members.iter_mut()) {
        member.nik = Some(common::people::nik(member.sex, member.birth_date, serial)?);
    }
    let no_kk = request.household.no_kk.clone();
    let people: Vec<(String, chrono::NaiveDate)> = request
        .members
        .iter()
        .filter_map(|m| {
            m.nik
                .as_ref()
                .map(|nik| (nik.as_str().to_string(), m.birth_date))
        })
        .collect();
    assert_eq!(people.len(), 2);
    let household_id = services.households.register(&fo, request).await?.id;
    let case_id = services
        .cases
        .open(
            &fo,
            OpenCase {
                idempotency_key: "c7".into(),
                household_id,
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
        let step = CaseTransitionRequest {
            case_id,
            version,
            action,
            note: String::new(),
        };
        services.cases.transition(who, step).await?;
    }
    let referral = services
        .referrals
        .issue(
            &coordinator,
            IssueReferral {
                idempotency_key: "r7".into(),
                case_id,
                complaint_id: None,
                member_id: None,
                programme_id,
                institution_id,
                consent: Some(shared::referral::ConsentGiven {
                    given_by: "Darto Wiryono".into(),
                    given_on: Utc::now().date_naive(),
                    institution_id,
                    programme_id,
                    resident_informed: true,
                }),
            },
        )
        .await?;

    let everyone = [
        &fo,
        &bo,
        &facilitator,
        &supervisor,
        &coordinator,
        &manager,
        &hospital,
        &head,
        &monitor,
    ];
    for who in everyone {
        let text = answers(&services, who, household_id, case_id, referral.id, &no_kk).await;
        // The reading really happened for whoever may open the file.
        if who.role.may(shared::access::Action::ViewPersonalData) {
            assert!(
                text.contains("Darto Wiryono"),
                "{:?} read nothing",
                who.role
            );
        }
        for (nik, born) in &people {
            // Roles that may not see the whole number never see a birth date.
            if !who.role.may(shared::access::Action::ViewFullIdentity) {
                let iso = born.format("%Y-%m-%d").to_string();
                let written = born.format("%d/%m/%Y").to_string();
                assert!(
                    !text.contains(&iso) && !text.contains(&written),
                    "{:?} reads a birth date",
                    who.role
                );
            }
            let left = candidates(&text, nik, *born);
            assert!(
                left >= 10_000,
                "{:?} narrows a NIK to {left} candidates from what it reads",
                who.role
            );
        }
    }

    // The roles that may see the whole number (audited) see the birth date;
    // the supervisor, who may not, sees the year and the age only.
    let file = services.households.file(&supervisor, household_id).await?;
    for member in &file.members {
        assert!(!member.birth_date_exact);
        assert_eq!(
            (
                member.member.birth_date.month(),
                member.member.birth_date.day()
            ),
            (1, 1)
        );
        let real = people
            .iter()
            .find(|(_, born)| born.year() == member.member.birth_date.year())
            .map(|(_, born)| *born)
            .ok_or("a member's birth year")?;
        // The age from the year alone: one that turned on the birthday would tell the day.
        let today = shared::deadline::day_in_wib(Utc::now());
        assert_eq!(i64::from(member.age), i64::from(today.year() - real.year()));
    }
    let file = services.households.file(&bo, household_id).await?;
    assert!(file.members.iter().all(|m| m.birth_date_exact));
    assert!(
        file.members
            .iter()
            .all(|m| people.iter().any(|(_, born)| *born == m.member.birth_date))
    );

    // The test itself sees a rebuild when one is possible: a mask with the serial
    // beside the birth date.
    let (nik, born) = &people[0];
    let leaky = format!(
        "{}******{} {}",
        &nik[..6],
        &nik[12..],
        born.format("%Y-%m-%d")
    );
    assert_eq!(candidates(&leaky, nik, *born), 1);
    Ok(())
}
