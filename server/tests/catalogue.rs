//! The programme catalogue and receiving institutions on SQLite and PostgreSQL:
//! everyone signed in reads them; only national administrators change them,
//! with unique codes, optimistic concurrency and a field diff in the audit log.

mod common;

use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{EntityTrait, PaginatorTrait};
use server::entities::{institutions, programmes};
use server::services;
use shared::DomainError;
use shared::complaint::Sector;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{SaveInstitution, SaveProgramme};
use shared::geo::{AreaCode, AreaScope};
use shared::programme::{CatalogueEntry, InstitutionId, InstitutionKind, ProgrammeKind};
use shared::roles::Role;

struct Office {
    services: Services,
    db: sea_orm::DatabaseConnection,
    admin: Actor,
    fo: Actor,
}

async fn office() -> Result<Office, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    Ok(Office {
        admin: actor(&db, &services, "admin", Role::Admin, None).await?,
        fo: actor(
            &db,
            &services,
            "fo",
            Role::FrontOffice,
            Some("32.09.01.2008"),
        )
        .await?,
        services,
        db,
    })
}

fn cirebon() -> Result<AreaScope, Box<dyn std::error::Error>> {
    Ok(AreaScope::Area(AreaCode::parse("32.09")?))
}

fn entry(code: &str, name: &str, kind: ProgrammeKind, area: AreaScope) -> CatalogueEntry {
    CatalogueEntry {
        code: code.to_string(),
        name: name.to_string(),
        kind,
        sector: kind.sector(),
        institution_kinds: vec![InstitutionKind::HealthOffice, InstitutionKind::Hospital],
        area,
        active: true,
    }
}

fn new_programme(entry: CatalogueEntry, institution_id: Option<i64>) -> SaveProgramme {
    SaveProgramme {
        id: None,
        version: None,
        entry,
        institution_id,
    }
}

fn new_institution(name: &str, serves: AreaScope) -> SaveInstitution {
    SaveInstitution {
        id: None,
        version: None,
        name: name.to_string(),
        kind: InstitutionKind::Hospital,
        serves,
        address: Some("Jl. Prabu Kiansantang No. 4".to_string()),
        phone: Some("0231-000-0001".to_string()),
        active: true,
    }
}

#[tokio::test]
async fn everyone_signed_in_reads_the_catalogue() -> TestResult {
    let office = office().await?;
    let hospital = office
        .services
        .catalogue
        .save_institution(&office.admin, new_institution("  RSUD Waled  ", cirebon()?))
        .await?;
    let centre = office
        .services
        .catalogue
        .save_institution(
            &office.admin,
            SaveInstitution {
                kind: InstitutionKind::RehabilitationCentre,
                address: None,
                phone: Some(" ".into()),
                ..new_institution("Balai Rehabilitasi Sosial Nasional", AreaScope::National)
            },
        )
        .await?;
    office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            new_programme(
                entry(
                    "pbi_apbd_cirebon",
                    "PBI APBD Kabupaten Cirebon",
                    ProgrammeKind::PbiApbd,
                    cirebon()?,
                ),
                Some(hospital.id),
            ),
        )
        .await?;
    office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            new_programme(
                entry(
                    "atensi",
                    "ATENSI Lansia",
                    ProgrammeKind::Atensi,
                    AreaScope::National,
                ),
                None,
            ),
        )
        .await?;

    let readers = [
        office.fo.clone(),
        actor(
            &office.db,
            &office.services,
            "bupati",
            Role::DistrictHead,
            Some("32.09"),
        )
        .await?,
        actor(
            &office.db,
            &office.services,
            "pemantau",
            Role::KemensosMonitor,
            None,
        )
        .await?,
        actor(
            &office.db,
            &office.services,
            "manajer.banjarnegara",
            Role::SlrtManager,
            Some("33.04"),
        )
        .await?,
        office.admin.clone(),
    ];
    for reader in &readers {
        let programmes = office.services.catalogue.programmes(reader).await?;
        let names: Vec<&str> = programmes.iter().map(|p| p.entry.name.as_str()).collect();
        assert_eq!(
            names,
            ["ATENSI Lansia", "PBI APBD Kabupaten Cirebon"],
            "ordered by name"
        );
        let pbi = &programmes[1];
        assert_eq!(pbi.version, 1);
        assert_eq!(pbi.institution_id, Some(hospital.id));
        assert_eq!(
            pbi.entry,
            entry(
                "pbi_apbd_cirebon",
                "PBI APBD Kabupaten Cirebon",
                ProgrammeKind::PbiApbd,
                cirebon()?
            )
        );
        assert_eq!(programmes[0].entry.area, AreaScope::National);
        assert_eq!(programmes[0].entry.sector, Sector::ChildProtection);

        let institutions = office.services.catalogue.institutions(reader).await?;
        assert_eq!(institutions.len(), 2);
        assert_eq!(
            institutions[0].institution.id,
            InstitutionId::from(centre.id)
        );
        assert_eq!(institutions[0].institution.serves, AreaScope::National);
        assert_eq!(
            (
                institutions[0].address.clone(),
                institutions[0].phone.clone()
            ),
            (None, None)
        );
        let rsud = &institutions[1];
        assert_eq!(rsud.institution.name, "RSUD Waled", "names are trimmed");
        assert_eq!(rsud.institution.kind, InstitutionKind::Hospital);
        assert_eq!(rsud.institution.serves, cirebon()?);
        assert!(rsud.institution.active);
        assert_eq!(rsud.phone.as_deref(), Some("0231-000-0001"));
    }
    // Stored as the schema says: sector code, JSON kinds, NULL for the nation.
    let rows = programmes::Entity::find().all(&office.db).await?;
    let atensi = rows
        .iter()
        .find(|r| r.code == "atensi")
        .ok_or("no atensi")?;
    assert_eq!(atensi.area_code, None);
    assert_eq!(atensi.sector, "child_protection");
    assert_eq!(atensi.institution_kinds, r#"["health_office","hospital"]"#);
    Ok(())
}

#[tokio::test]
async fn administrators_change_only_the_catalogue_of_their_own_area() -> TestResult {
    let office = office().await?;
    let district_admin = actor(
        &office.db,
        &office.services,
        "admin.cirebon",
        Role::Admin,
        Some("32.09"),
    )
    .await?;
    let monitor = actor(
        &office.db,
        &office.services,
        "pemantau",
        Role::KemensosMonitor,
        None,
    )
    .await?;
    let manager = actor(
        &office.db,
        &office.services,
        "manajer",
        Role::SlrtManager,
        Some("32.09"),
    )
    .await?;
    for (index, who) in [&office.fo, &monitor, &manager].into_iter().enumerate() {
        let code = format!("lokal-{index}");
        assert_eq!(
            office
                .services
                .catalogue
                .save_programme(
                    who,
                    new_programme(
                        entry(&code, "Program lokal", ProgrammeKind::Local, cirebon()?),
                        None
                    )
                )
                .await
                .err(),
            Some(ServiceError::Forbidden)
        );
        assert_eq!(
            office
                .services
                .catalogue
                .save_institution(who, new_institution("Puskesmas Waled", cirebon()?))
                .await
                .err(),
            Some(ServiceError::Forbidden)
        );
    }
    assert_eq!(programmes::Entity::find().count(&office.db).await?, 0);
    assert_eq!(institutions::Entity::find().count(&office.db).await?, 0);
    let refused = audit_rows(&office.db, "manage_catalogue", "refused").await?;
    assert_eq!(refused.len(), 6);
    assert!(
        refused
            .iter()
            .any(|r| r.actor_user_id == Some(office.fo.user_id) && r.object_type == "programme")
    );
    assert!(
        refused
            .iter()
            .any(|r| r.actor_user_id == Some(office.fo.user_id) && r.object_type == "institution")
    );

    // A district administrator keeps the district's own entries, not national or other districts' ones.
    office
        .services
        .catalogue
        .save_institution(
            &district_admin,
            new_institution("Puskesmas Waled", cirebon()?),
        )
        .await?;
    for area in [
        AreaScope::National,
        AreaScope::Area(AreaCode::parse("33.04")?),
    ] {
        assert_eq!(
            office
                .services
                .catalogue
                .save_institution(&district_admin, new_institution("Puskesmas Lain", area))
                .await
                .err(),
            Some(ServiceError::Forbidden)
        );
    }
    assert_eq!(institutions::Entity::find().count(&office.db).await?, 1);

    // The administrator's change goes through; a refused change to it leaves it as it was.
    let created = office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            new_programme(
                entry(
                    "blt-dd",
                    "BLT Dana Desa",
                    ProgrammeKind::BltDanaDesa,
                    AreaScope::National,
                ),
                None,
            ),
        )
        .await?;
    let change = SaveProgramme {
        id: Some(created.id),
        version: Some(1),
        ..new_programme(
            entry(
                "blt-dd",
                "BLT Dana Desa (dihentikan)",
                ProgrammeKind::BltDanaDesa,
                AreaScope::National,
            ),
            None,
        )
    };
    assert_eq!(
        office
            .services
            .catalogue
            .save_programme(&office.fo, change.clone())
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    let row = programmes::Entity::find_by_id(created.id)
        .one(&office.db)
        .await?
        .ok_or("no programme")?;
    assert_eq!((row.name.as_str(), row.version), ("BLT Dana Desa", 1));
    assert_eq!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, change)
            .await?,
        created
    );
    assert_eq!(
        audit_rows(&office.db, "create_programme", "ok")
            .await?
            .len(),
        1
    );
    assert_eq!(
        audit_rows(&office.db, "update_programme", "ok")
            .await?
            .len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn programme_codes_are_unique_and_entries_are_checked() -> TestResult {
    let office = office().await?;
    let pkh = office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            new_programme(
                entry("pkh", "PKH", ProgrammeKind::Pkh, AreaScope::National),
                None,
            ),
        )
        .await?;
    let bpnt = office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            new_programme(
                entry(
                    "bpnt",
                    "Program Sembako",
                    ProgrammeKind::Bpnt,
                    AreaScope::National,
                ),
                None,
            ),
        )
        .await?;
    let taken = Some(ServiceError::Invalid(DomainError::CodeTaken {
        field: "code".into(),
    }));
    let duplicate = new_programme(
        entry("pkh", "PKH kedua", ProgrammeKind::Pkh, AreaScope::National),
        None,
    );
    let refused = office
        .services
        .catalogue
        .save_programme(&office.admin, duplicate)
        .await
        .err();
    assert_eq!(refused, taken);
    let message = refused.map(|e| e.message_en()).unwrap_or_default();
    assert!(
        message.contains("code") && message.contains("already used"),
        "{message}"
    );
    // Renaming another entry's code onto it is refused too; keeping one's own code is fine.
    let onto = SaveProgramme {
        id: Some(bpnt.id),
        version: Some(1),
        ..new_programme(
            entry(
                "pkh",
                "Program Sembako",
                ProgrammeKind::Bpnt,
                AreaScope::National,
            ),
            None,
        )
    };
    assert_eq!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, onto)
            .await
            .err(),
        taken
    );
    let keep = SaveProgramme {
        id: Some(pkh.id),
        version: Some(1),
        ..new_programme(
            entry(
                "pkh",
                "Program Keluarga Harapan",
                ProgrammeKind::Pkh,
                AreaScope::National,
            ),
            None,
        )
    };
    office
        .services
        .catalogue
        .save_programme(&office.admin, keep)
        .await?;
    assert_eq!(programmes::Entity::find().count(&office.db).await?, 2);

    let bad_code = new_programme(
        entry("PKH Baru", "PKH", ProgrammeKind::Pkh, AreaScope::National),
        None,
    );
    assert!(matches!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, bad_code)
            .await,
        Err(ServiceError::Invalid(DomainError::UnknownCode { .. }))
    ));
    let no_name = new_programme(
        entry(
            "tanpa-nama",
            "  ",
            ProgrammeKind::Local,
            AreaScope::National,
        ),
        None,
    );
    assert!(matches!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, no_name)
            .await,
        Err(ServiceError::Invalid(DomainError::TextRequired { .. }))
    ));
    let unknown_area = new_programme(
        entry(
            "lokal",
            "Program lokal",
            ProgrammeKind::Local,
            AreaScope::Area(AreaCode::parse("35.01")?),
        ),
        None,
    );
    assert!(matches!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, unknown_area)
            .await,
        Err(ServiceError::Invalid(DomainError::UnknownCode { .. }))
    ));
    let unknown_institution = new_programme(
        entry(
            "lokal",
            "Program lokal",
            ProgrammeKind::Local,
            AreaScope::National,
        ),
        Some(999_999),
    );
    assert!(matches!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, unknown_institution)
            .await,
        Err(ServiceError::Invalid(DomainError::UnknownCode { .. }))
    ));
    let no_institution_name = SaveInstitution {
        name: " ".into(),
        ..new_institution("", AreaScope::National)
    };
    assert!(matches!(
        office
            .services
            .catalogue
            .save_institution(&office.admin, no_institution_name)
            .await,
        Err(ServiceError::Invalid(DomainError::TextRequired { .. }))
    ));
    let long_name = new_institution(&"R".repeat(121), AreaScope::National);
    assert!(matches!(
        office
            .services
            .catalogue
            .save_institution(&office.admin, long_name)
            .await,
        Err(ServiceError::Invalid(DomainError::TextTooLong {
            max: 120,
            ..
        }))
    ));
    assert_eq!(programmes::Entity::find().count(&office.db).await?, 2);
    assert_eq!(institutions::Entity::find().count(&office.db).await?, 0);
    Ok(())
}

#[tokio::test]
async fn stale_versions_conflict_and_change_nothing() -> TestResult {
    let office = office().await?;
    let created = office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            new_programme(
                entry("rtlh", "Rutilahu", ProgrammeKind::Rtlh, AreaScope::National),
                None,
            ),
        )
        .await?;
    let first = SaveProgramme {
        id: Some(created.id),
        version: Some(1),
        ..new_programme(
            entry(
                "rtlh",
                "Rutilahu Kabupaten",
                ProgrammeKind::Rtlh,
                AreaScope::National,
            ),
            None,
        )
    };
    office
        .services
        .catalogue
        .save_programme(&office.admin, first.clone())
        .await?;
    let stale = SaveProgramme {
        entry: entry(
            "rtlh",
            "Bedah Rumah",
            ProgrammeKind::Rtlh,
            AreaScope::National,
        ),
        ..first
    };
    assert_eq!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, stale.clone())
            .await
            .err(),
        Some(ServiceError::Conflict)
    );
    let no_version = SaveProgramme {
        version: None,
        ..stale
    };
    assert!(matches!(
        office
            .services
            .catalogue
            .save_programme(&office.admin, no_version)
            .await,
        Err(ServiceError::Invalid(_))
    ));
    let row = programmes::Entity::find_by_id(created.id)
        .one(&office.db)
        .await?
        .ok_or("no programme")?;
    assert_eq!((row.name.as_str(), row.version), ("Rutilahu Kabupaten", 2));
    assert_eq!(
        audit_rows(&office.db, "update_programme", "ok")
            .await?
            .len(),
        1
    );

    let hospital = office
        .services
        .catalogue
        .save_institution(&office.admin, new_institution("RSUD Waled", cirebon()?))
        .await?;
    let change = SaveInstitution {
        id: Some(hospital.id),
        version: Some(1),
        ..new_institution("RSUD Waled Cirebon", cirebon()?)
    };
    office
        .services
        .catalogue
        .save_institution(&office.admin, change.clone())
        .await?;
    let stale = SaveInstitution {
        name: "RSUD Lain".into(),
        ..change
    };
    assert_eq!(
        office
            .services
            .catalogue
            .save_institution(&office.admin, stale)
            .await
            .err(),
        Some(ServiceError::Conflict)
    );
    let row = institutions::Entity::find_by_id(hospital.id)
        .one(&office.db)
        .await?
        .ok_or("no institution")?;
    assert_eq!((row.name.as_str(), row.version), ("RSUD Waled Cirebon", 2));
    let missing = SaveInstitution {
        id: Some(999_999),
        version: Some(1),
        ..new_institution("Tidak ada", cirebon()?)
    };
    assert_eq!(
        office
            .services
            .catalogue
            .save_institution(&office.admin, missing)
            .await
            .err(),
        Some(ServiceError::NotFound)
    );
    Ok(())
}

#[tokio::test]
async fn changes_are_audited_with_a_field_diff() -> TestResult {
    let office = office().await?;
    let hospital = office
        .services
        .catalogue
        .save_institution(&office.admin, new_institution("RSUD Waled", cirebon()?))
        .await?;
    let created = office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            new_programme(
                entry(
                    "sktm",
                    "Keringanan biaya RS",
                    ProgrammeKind::HospitalFeeWaiver,
                    cirebon()?,
                ),
                None,
            ),
        )
        .await?;
    let create_audit = audit_rows(&office.db, "create_programme", "ok").await?;
    assert_eq!(create_audit.len(), 1);
    assert_eq!(
        create_audit[0].object_id.as_deref(),
        Some(created.id.to_string().as_str())
    );
    assert_eq!(create_audit[0].area_code.as_deref(), Some("32.09"));
    let created_detail = create_audit[0].detail.clone().unwrap_or_default();
    assert!(
        created_detail.contains("code: null → \"sktm\""),
        "{created_detail}"
    );

    let mut changed = entry(
        "sktm",
        "Surat keringanan biaya RSUD",
        ProgrammeKind::HospitalFeeWaiver,
        cirebon()?,
    );
    changed.active = false;
    office
        .services
        .catalogue
        .save_programme(
            &office.admin,
            SaveProgramme {
                id: Some(created.id),
                version: Some(1),
                entry: changed,
                institution_id: Some(hospital.id),
            },
        )
        .await?;
    let update_audit = audit_rows(&office.db, "update_programme", "ok").await?;
    assert_eq!(update_audit.len(), 1);
    let detail = update_audit[0].detail.clone().unwrap_or_default();
    assert!(
        detail.contains("name: \"Keringanan biaya RS\" → \"Surat keringanan biaya RSUD\""),
        "{detail}"
    );
    assert!(detail.contains("active: true → false"), "{detail}");
    assert!(
        detail.contains(&format!("institution_id: null → {}", hospital.id)),
        "{detail}"
    );
    assert!(
        !detail.contains("code"),
        "unchanged fields stay out: {detail}"
    );
    assert!(
        !detail.contains("sector"),
        "unchanged fields stay out: {detail}"
    );
    assert_eq!(update_audit[0].actor_user_id, Some(office.admin.user_id));

    let change = SaveInstitution {
        id: Some(hospital.id),
        version: Some(1),
        phone: Some("0231-000-0099".into()),
        active: false,
        ..new_institution("RSUD Waled", cirebon()?)
    };
    office
        .services
        .catalogue
        .save_institution(&office.admin, change)
        .await?;
    let institution_audit = audit_rows(&office.db, "update_institution", "ok").await?;
    assert_eq!(institution_audit.len(), 1);
    let detail = institution_audit[0].detail.clone().unwrap_or_default();
    assert_eq!(
        detail,
        "active: true → false\nphone: \"0231-000-0001\" → \"0231-000-0099\""
    );
    assert_eq!(
        audit_rows(&office.db, "create_institution", "ok")
            .await?
            .len(),
        1
    );
    Ok(())
}
