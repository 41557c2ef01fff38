//! The front desk as plain HTML forms, through the real router: what a phone
//! sends before the page's script has loaded, or with JavaScript off. Every
//! post goes to the page's own address in the body; the server answers with
//! the page again (the lookup's answer, the form as typed with its errors) or
//! a 303 to the record it created.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestResult, account, database_with_areas};
use http_body_util::BodyExt;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::entities::proposals;
use server::services;
use shared::household::{
    CookingFuel, DrinkingWater, FloorMaterial, IncomeBand, Lighting, RoofMaterial, Tenure,
    ToiletFacility, WallMaterial,
};
use shared::roles::Role;
use tower::ServiceExt;

const WALED_DESA: &str = "32.09.01.2008";
/// A head born 12 April 1985 (male), issued in Kecamatan Waled.
const HEAD_NIK: &str = "3209011204850731";
const NO_KK: &str = "3209011203150731";

struct Desk {
    app: axum::Router,
    cookie: String,
    db: sea_orm::DatabaseConnection,
}

async fn desk() -> Result<Desk, Box<dyn std::error::Error>> {
    desk_as("fo.waled", Role::FrontOffice, WALED_DESA).await
}

async fn desk_as(
    username: &str,
    role: Role,
    area: &str,
) -> Result<Desk, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    account(&db, username, role, Some(area)).await?;
    let app = common::site_router(&db, services::build(db.clone(), common::config()));
    let cookie = common::sign_in(&app, username).await?;
    Ok(Desk { app, cookie, db })
}

/// A form post as a browser without script sends it.
fn form(
    path: &str,
    cookie: &str,
    pairs: &[(&str, &str)],
) -> Result<Request<Body>, Box<dyn std::error::Error>> {
    Ok(Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, format!("http://127.0.0.1:3000{path}"))
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(Body::from(serde_urlencoded::to_string(pairs)?))?)
}

impl Desk {
    async fn post(
        &self,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> Result<(StatusCode, Option<String>, String), Box<dyn std::error::Error>> {
        let response = self
            .app
            .clone()
            .oneshot(form(path, &self.cookie, pairs)?)
            .await?;
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((
            status,
            location,
            String::from_utf8_lossy(&bytes).into_owned(),
        ))
    }
}

/// Every field of a complete registration of one head of family.
fn registration(key: &str) -> Vec<(&'static str, String)> {
    let first = |all: &[&'static str]| all.first().copied().unwrap_or_default().to_string();
    let codes = |list: Vec<&'static str>| first(&list);
    vec![
        ("form", "registration".into()),
        ("idempotency_key", key.into()),
        ("no_kk", NO_KK.into()),
        ("head_name", "Darsono".into()),
        ("village", WALED_DESA.into()),
        ("rw", "2".into()),
        ("rt", "5".into()),
        ("street", "Gang Mawar 7".into()),
        ("house_tenure", Tenure::Owned.code().into()),
        ("land_tenure", Tenure::Owned.code().into()),
        ("floor_area_m2", "24".into()),
        (
            "floor",
            codes(FloorMaterial::ALL.iter().map(|v| v.code()).collect()),
        ),
        (
            "wall",
            codes(WallMaterial::ALL.iter().map(|v| v.code()).collect()),
        ),
        (
            "roof",
            codes(RoofMaterial::ALL.iter().map(|v| v.code()).collect()),
        ),
        (
            "drinking_water",
            codes(DrinkingWater::ALL.iter().map(|v| v.code()).collect()),
        ),
        (
            "lighting",
            codes(Lighting::ALL.iter().map(|v| v.code()).collect()),
        ),
        (
            "cooking_fuel",
            codes(CookingFuel::ALL.iter().map(|v| v.code()).collect()),
        ),
        (
            "toilet",
            codes(ToiletFacility::ALL.iter().map(|v| v.code()).collect()),
        ),
        ("income_band", IncomeBand::Below500k.code().into()),
        ("members.0.nik", HEAD_NIK.into()),
        ("members.0.name", "Darsono".into()),
        ("members.0.relationship", "head".into()),
        ("members.0.birth_place", "Cirebon".into()),
        ("members.0.marital_status", "married_registered".into()),
        ("members.0.education", "primary".into()),
        ("members.0.occupation", "not_working".into()),
        ("op", "save".into()),
    ]
}

fn pairs<'a>(list: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    list.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

#[tokio::test]
async fn a_lookup_posted_without_script_answers_on_the_page() -> TestResult {
    let desk = desk().await?;
    let (status, _, html) = desk
        .post(
            "/layanan",
            &[("form", "lookup"), ("kind", "nik"), ("number", HEAD_NIK)],
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"data-testid="registry-not-found""#),
        "{html}"
    );
    assert!(html.contains(r#"data-testid="start-registration""#));
    // The field shows the number masked once the lookup has answered.
    assert!(html.contains(r#"value="************0731""#), "{html}");

    let (status, _, html) = desk
        .post(
            "/layanan",
            &[("form", "lookup"), ("kind", "nik"), ("number", "3209")],
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"data-testid="lookup-error""#), "{html}");
    assert!(html.contains("16 digit"), "the error names what is wrong");
    Ok(())
}

#[tokio::test]
async fn a_household_registered_and_a_case_opened_without_script() -> TestResult {
    let desk = desk().await?;
    // Starting the registration carries the number looked up, with what it encodes.
    let (status, _, html) = desk
        .post(
            "/layanan",
            &[
                ("form", "start_registration"),
                ("kind", "nik"),
                ("number", HEAD_NIK),
            ],
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"data-testid="registration-form""#),
        "{html}"
    );
    assert!(html.contains(&format!(r#"value="{HEAD_NIK}""#)));
    assert!(
        html.contains(r#"value="1985-04-12""#),
        "birth date from the NIK"
    );

    // "+ Add a member" is a round trip that keeps everything typed.
    let mut typed = registration("k-1");
    typed.retain(|(name, _)| *name != "op");
    typed.push(("op", "add_member".into()));
    let (status, _, html) = desk.post("/layanan", &pairs(&typed)).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches(r#"data-testid="member""#).count(), 2);
    assert!(html.contains(r#"value="Gang Mawar 7""#));

    // Saved with the empty second row: refused, the form comes back with its errors.
    let mut incomplete = registration("k-1");
    incomplete.push(("members.1.name", String::new()));
    let (status, _, html) = desk.post("/layanan", &pairs(&incomplete)).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="f-members-1-name-error""#));
    assert!(
        html.contains("wajib diisi") || html.contains("harus diisi"),
        "the missing name is named: {html}"
    );
    assert!(html.contains(r#"value="Darsono""#), "what was typed stays");

    // Complete: 303 to the household's file; sent twice (a double tap), the same file.
    let complete = registration("k-1");
    let (status, location, _) = desk.post("/layanan", &pairs(&complete)).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let household = location.ok_or("no location")?;
    assert!(household.starts_with("/keluarga/"), "{household}");
    let (_, again, _) = desk.post("/layanan", &pairs(&complete)).await?;
    assert_eq!(again.as_deref(), Some(household.as_str()));

    // The case: one complaint added by a round trip, then opened.
    let case = [
        ("form", "open_case"),
        ("idempotency_key", "c-1"),
        ("channel", "walk_in_puskesos"),
        ("complaints.0.complaint_type", "service_request"),
        ("complaints.0.sector", "health"),
        (
            "complaints.0.description",
            "Istri perlu kontrol kehamilan; belum punya jaminan kesehatan.",
        ),
        ("complaints.0.urgency", "urgent"),
        ("complaints.0.evidence", "ktp"),
    ];
    let mut adding = case.to_vec();
    adding.push(("op", "add_complaint"));
    let (status, _, html) = desk.post(&household, &adding).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches(r#"data-testid="complaint""#).count(), 2);
    assert!(
        html.contains("belum punya jaminan kesehatan.</textarea>"),
        "{html}"
    );
    let (status, location, _) = desk.post(&household, &case).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ok_or("no location")?.starts_with("/kasus/"));
    Ok(())
}

#[tokio::test]
async fn a_family_proposed_to_the_registry_without_script() -> TestResult {
    let desk = desk().await?;
    let (_, location, _) = desk.post("/layanan", &pairs(&registration("k-p"))).await?;
    let household = location.ok_or("no location")?;
    account(&desk.db, "bo.waled", Role::BackOffice, Some(WALED_DESA)).await?;
    let bo = Desk {
        cookie: common::sign_in(&desk.app, "bo.waled").await?,
        app: desk.app.clone(),
        db: desk.db.clone(),
    };
    let proposal = |note: &'static str, op: &'static str| {
        vec![
            ("form", "propose"),
            ("idempotency_key", "p-1"),
            ("change_type", "new_family"),
            ("source", "rt_rw"),
            ("note", note),
            ("op", op),
        ]
    };
    // Choosing the kind is a round trip that shows its fields and keeps what was typed.
    let (status, _, html) = bo
        .post(&household, &proposal("Belum terdata", "choose_type"))
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"data-testid="propose-form""#));
    assert!(html.contains(r#"value="Belum terdata""#), "{html}");
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 0);
    // Sent without its note: refused, the form comes back as typed.
    let (status, _, html) = bo.post(&household, &proposal("", "save")).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="f-note-error""#), "{html}");
    // Complete: 303 to the proposal's page; sent twice, the same proposal.
    let complete = proposal("Belum terdata", "save");
    let (status, location, _) = bo.post(&household, &complete).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = location.ok_or("no location")?;
    assert!(page.starts_with("/usulan/"), "{page}");
    let (_, again, _) = bo.post(&household, &complete).await?;
    assert_eq!(again.as_deref(), Some(page.as_str()));
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 1);
    Ok(())
}

#[tokio::test]
async fn posts_without_a_session_or_from_another_site_change_nothing() -> TestResult {
    let desk = desk().await?;
    let complete = registration("k-2");
    let stranger = desk
        .app
        .clone()
        .oneshot(form("/layanan", "", &pairs(&complete))?)
        .await?;
    assert_eq!(stranger.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stranger
            .headers()
            .get(header::LOCATION)
            .map(|v| v.as_bytes()),
        Some(&b"/login"[..])
    );
    let mut cross_site = form("/layanan", &desk.cookie, &pairs(&complete))?;
    cross_site
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse()?);
    let refused = desk.app.clone().oneshot(cross_site).await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (status, _, _) = desk.post("/layanan", &[("form", "other")]).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    use sea_orm::{EntityTrait, PaginatorTrait};
    let households = server::entities::households::Entity::find()
        .count(&desk.db)
        .await?;
    assert_eq!(households, 0, "the refused posts registered nothing");
    Ok(())
}

#[tokio::test]
async fn only_the_lookup_counts_against_the_address_s_lookup_allowance() -> TestResult {
    let desk = desk().await?;
    // More round trips than an address may look up at once (120): adding rows
    // to a registration is typing, not looking up.
    let mut typed = registration("k-3");
    typed.retain(|(name, _)| *name != "op");
    typed.push(("op", "add_member".into()));
    for round in 0..130 {
        let (status, _, _) = desk.post("/layanan", &pairs(&typed)).await?;
        assert_eq!(status, StatusCode::OK, "round trip {round}");
    }
    Ok(())
}

#[tokio::test]
async fn a_household_edited_and_a_birth_recorded_without_script() -> TestResult {
    use server::entities::{households, members};
    let desk = desk().await?;
    let (_, location, _) = desk.post("/layanan", &pairs(&registration("k-e"))).await?;
    let household = location.ok_or("no location")?;
    let id: i64 = household.rsplit('/').next().ok_or("no id")?.parse()?;
    let version = |db: sea_orm::DatabaseConnection| async move {
        households::Entity::find_by_id(id)
            .one(&db)
            .await
            .map(|h| h.map(|h| h.version).unwrap_or_default())
    };
    let opened = version(desk.db.clone()).await?.to_string();
    // The household's own fields, as the edit page posts them: the RT moves.
    let edit = |rt: &'static str, seen: &str| {
        let mut fields: Vec<(&'static str, String)> = registration("unused")
            .into_iter()
            .filter(|(name, _)| !name.starts_with("members.") && *name != "idempotency_key")
            .map(|(name, value)| match name {
                "form" => (name, "household_edit".to_string()),
                "rt" => (name, rt.to_string()),
                _ => (name, value),
            })
            .collect();
        fields.push(("version", seen.to_string()));
        fields.push(("idempotency_key", "edit".to_string()));
        fields
    };
    let path = format!("{household}/ubah");
    let (status, location, _) = desk.post(&path, &pairs(&edit("9", &opened))).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(household.as_str()));
    let stored = households::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("gone")?;
    assert_eq!(stored.rt.as_deref(), Some("9"));
    // A second edit on the version first opened: 409, the page shows what is
    // saved now beside what was typed, and nothing changes.
    let (status, _, html) = desk.post(&path, &pairs(&edit("7", &opened))).await?;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains(r#"data-testid="edit-conflict""#), "{html}");
    assert!(html.contains(r#"data-field="rt""#), "{html}");
    let stored = households::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("gone")?;
    assert_eq!(stored.rt.as_deref(), Some("9"));

    // A birth, from the life-event page's plain form.
    let today = chrono::Utc::now().date_naive().to_string();
    let current = version(desk.db.clone()).await?.to_string();
    let birth = vec![
        ("form", "life_event"),
        ("idempotency_key", "birth-1"),
        ("version", current.as_str()),
        ("kind", "birth"),
        ("occurred_on", today.as_str()),
        ("document", "birth_certificate"),
        ("member.no_documents", "on"),
        ("member.name", "Bayi Darsono"),
        ("member.sex", "female"),
        ("member.birth_place", "Cirebon"),
        ("member.birth_date", today.as_str()),
        ("member.relationship", "child"),
        ("member.marital_status", "never_married"),
        ("member.education", "no_schooling"),
        ("member.occupation", "not_working"),
        ("op", "save"),
    ];
    let (status, location, _) = desk.post(&format!("{household}/peristiwa"), &birth).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location
            .as_deref()
            .is_some_and(|l| l.starts_with(&format!("{household}?peristiwa="))),
        "{location:?}"
    );
    assert_eq!(members::Entity::find().count(&desk.db).await?, 2);
    // Sent again (the answer was lost): the same answer, no second baby.
    let (status, _, _) = desk.post(&format!("{household}/peristiwa"), &birth).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(members::Entity::find().count(&desk.db).await?, 2);
    Ok(())
}

#[tokio::test]
async fn a_family_on_record_is_shown_and_another_confirmed_without_script() -> TestResult {
    let desk = desk().await?;
    let (status, location, _) = desk.post("/layanan", &pairs(&registration("k-1"))).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let first = location.ok_or("no location")?;
    // The same name and birth date on another card (a NIK typed otherwise).
    let mut again = registration("k-2");
    for (name, value) in &mut again {
        match *name {
            "no_kk" => *value = "3209011203150732".into(),
            "members.0.nik" => *value = "3209011204850732".into(),
            _ => {}
        }
    }
    let (status, _, html) = desk.post("/layanan", &pairs(&again)).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(r#"data-testid="likely-duplicates""#),
        "{html}"
    );
    assert!(
        html.contains(&format!(r#"href="{first}""#)),
        "the family on record opens from here"
    );
    assert!(html.contains(r#"name="confirmed_new""#));
    assert!(
        html.contains(r#"value="3209011203150732""#),
        "what was typed stays"
    );
    assert_eq!(
        server::entities::households::Entity::find()
            .count(&desk.db)
            .await?,
        1,
        "nothing saved"
    );
    again.push(("confirmed_new", "1".into()));
    let (status, location, _) = desk.post("/layanan", &pairs(&again)).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_ne!(location.ok_or("no location")?, first);
    Ok(())
}

#[tokio::test]
async fn two_records_merged_and_a_pair_set_aside_without_script() -> TestResult {
    use sea_orm::{ColumnTrait, QueryFilter};
    let desk = desk_as("manajer", Role::SlrtManager, "32.09").await?;
    let services = services::build(desk.db.clone(), common::config());
    let fo = common::actor(
        &desk.db,
        &services,
        "fo",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let mut ids = Vec::new();
    for serial in 1..=4 {
        let mut request =
            common::people::household_request(WALED_DESA, serial, &format!("h{serial}"))?;
        if serial == 2 {
            // The second record spells the head's name the old way.
            request.household.head_name = "Darto Wirjono".into();
            request.members[0].name = "Darto Wirjono".into();
        }
        ids.push(services.households.register(&fo, request).await?.id);
    }
    let head = |household: i64| {
        let db = desk.db.clone();
        async move {
            server::entities::members::Entity::find()
                .filter(server::entities::members::Column::HouseholdId.eq(household))
                .filter(server::entities::members::Column::Relationship.eq(1))
                .one(&db)
                .await
        }
    };
    let (kept, merged) = (ids[0], ids[1]);
    let page = format!("/ganda/{kept}/{merged}");
    let form = vec![
        ("form", "merge".to_string()),
        ("idempotency_key", "m-1".to_string()),
        ("survivor_version", "1".to_string()),
        ("merged_version", "1".to_string()),
        ("head_name", "merged".to_string()),
        ("address", "survivor".to_string()),
        ("house", "survivor".to_string()),
        ("economy", "merged".to_string()),
    ];
    // The second record's head left unpaired: refused, the choices kept.
    let (status, _, html) = desk.post(&page, &pairs(&form)).await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"data-testid="merge-error""#), "{html}");
    assert!(html.contains("harus dipasangkan"), "{html}");
    let merged_choice = html
        .split("<input")
        .find(|tag| tag.contains(r#"name="head_name" value="merged""#))
        .ok_or("no choice of the second record's head name")?;
    assert!(
        merged_choice
            .split('>')
            .next()
            .is_some_and(|tag| tag.contains("checked")),
        "the choice made stays: {merged_choice}"
    );
    let merged_head = head(merged).await?.ok_or("no head")?.id;
    let kept_head = head(kept).await?.ok_or("no head")?.id;
    let pair = format!("same.{merged_head}");
    let mut paired: Vec<(&str, &str)> = pairs(&form);
    let kept_text = kept_head.to_string();
    paired.push((pair.as_str(), kept_text.as_str()));
    let (status, location, _) = desk.post(&page, &paired).await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(format!("/keluarga/{kept}?diubah=digabung#riwayat").as_str())
    );
    let row = server::entities::households::Entity::find_by_id(merged)
        .one(&desk.db)
        .await?
        .ok_or("gone")?;
    assert_eq!(row.merged_into, Some(kept));

    // Another pair set aside as two families.
    let (first, second) = (ids[2].to_string(), ids[3].to_string());
    let (status, location, _) = desk
        .post(
            "/ganda",
            &[("form", "dismiss"), ("first", &first), ("second", &second)],
        )
        .await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/ganda"));
    assert_eq!(
        server::entities::duplicate_reviews::Entity::find()
            .count(&desk.db)
            .await?,
        1
    );
    Ok(())
}
