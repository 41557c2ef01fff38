//! Spreadsheets imported from the browser (`services::sheet_imports`): an
//! office's list uploaded, mapped (one column corrected), previewed with its
//! problems on their cells, checked whole, confirmed, imported by a job on
//! the server, its rejected rows downloaded; the mapping remembered for the
//! next file of the same layout; the same file recognised; other districts
//! and roles refused; a job lost with its server failed and run again.
//! Every NIK and No KK here is synthetic (made-up serials in 32.09.01).

mod common;

use std::time::Duration;

use app::paths as shared_paths;
use common::{TempDir, TestResult, actor, data_key, database_with_areas};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, Set};
use server::entities::{registry_people, sheet_imports};
use server::services::{ServiceConfig, build};
use sha2::{Digest, Sha256};
use shared::contract::{Actor, ServiceError, Services};
use shared::roles::Role;
use shared::sheet_import::{
    Field, MappingDraft, SheetImportProblem, SheetImportState, SheetImportView, StagedSheet,
};

/// A synthetic NIK issued in 32.09.01: born in January 1985, serial `serial`.
fn nik(serial: u16) -> String {
    format!("320901{:02}0185{serial:04}", 1 + serial % 28)
}

/// A synthetic No KK issued in 32.09.01.
fn kk(serial: u16) -> String {
    format!("320901140215{serial:04}")
}

/// A district's list as an office keeps it: a title row, the header with the
/// office's names (the relationship under a name the portal does not know),
/// a row numbering the columns, `;` between fields. Six people in three
/// families; one village misspelt, one NIK as Excel writes a number.
fn office_list() -> Vec<u8> {
    let mut text = String::from(
        "DATA DTSEN KABUPATEN CIREBON 2026;;;;;;;;;\r\n\
         NO;ID DTSEN;SUMBER;NO KK;NIK;NAMA;KEDUDUKAN;DESA;DESIL;KET\r\n\
         1;2;3;4;5;6;7;8;9;10\r\n",
    );
    let rows = [
        ("K-1", 1, nik(1), "Darsono", "1", "Waled Desa", "1"),
        ("K-1", 1, nik(2), "Sunarti", "2", "Waled Desa", "1"),
        ("K-2", 2, nik(3), "Carma", "1", "Jatiseeng", "2"),
        (
            "K-2",
            2,
            "3,20901E+15".to_string(),
            "Wasini",
            "2",
            "Jatiseeng",
            "2",
        ),
        ("K-3", 3, nik(5), "Tarmidi", "1", "Waled Kota", "3"),
        ("K-4", 4, nik(6), "Rasinah", "1", "Jatisseng", "3"),
    ];
    for (number, (family, kk_serial, nik, name, shdk, village, desil)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{};{family};DTSEN;{};{nik};{name};{shdk};{village};{desil};-\r\n",
            number + 1,
            kk(*kk_serial)
        ));
    }
    text.into_bytes()
}

struct Desk {
    db: DatabaseConnection,
    services: Services,
    _files: TempDir,
}

async fn desk() -> Result<Desk, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let files = TempDir::new()?;
    let mut config = ServiceConfig::with_key(data_key());
    config.files = server::files::FileStore::new(files.0.clone());
    let services = build(db.clone(), config);
    Ok(Desk {
        db,
        services,
        _files: files,
    })
}

impl Desk {
    /// The district's SLRT manager (32.09).
    async fn manager(&self) -> Result<Actor, Box<dyn std::error::Error>> {
        actor(
            &self.db,
            &self.services,
            "manajer",
            Role::SlrtManager,
            Some("32.09"),
        )
        .await
    }
}

/// Uploads `bytes` as `who` would from the browser; answers the upload's id.
async fn upload(
    services: &Services,
    who: &Actor,
    name: &str,
    bytes: &[u8],
) -> Result<i64, Box<dyn std::error::Error>> {
    Ok(services
        .sheet_imports
        .accept(who, staged(services, name, bytes)?)
        .await?)
}

/// Writes `bytes` where the upload handler would, as it would.
fn staged(services: &Services, name: &str, bytes: &[u8]) -> std::io::Result<StagedSheet> {
    let folder = services.sheet_imports.staging_folder();
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!(".upload-{}.part", uuid::Uuid::new_v4()));
    std::fs::write(&path, bytes)?;
    Ok(StagedSheet {
        path,
        file_name: name.to_string(),
        sha256: hex::encode(Sha256::digest(bytes)),
        bytes: bytes.len() as u64,
        district: None,
        destination: None,
    })
}

/// The upload's page once its job has ended (a job runs in the background).
async fn settled(
    services: &Services,
    who: &Actor,
    id: i64,
) -> Result<SheetImportView, ServiceError> {
    for _ in 0..600 {
        let view = services.sheet_imports.view(who, id).await?;
        if !view.state.running() {
            return Ok(view);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    services.sheet_imports.view(who, id).await
}

/// The mapping form as the page sends it: the fields shown, with `changes`.
fn mapping_of(view: &SheetImportView, changes: &[(usize, Field)]) -> MappingDraft {
    MappingDraft {
        import_id: view.id,
        version: view.version,
        header_row: view
            .header_row
            .map(|row| row.to_string())
            .unwrap_or_default(),
        sheet: String::new(),
        encoding: String::new(),
        shdk: view.numbering.code().to_string(),
        fields: view
            .columns
            .iter()
            .map(|column| {
                changes
                    .iter()
                    .find(|(index, _)| *index == column.index)
                    .map_or(column.field, |(_, field)| *field)
                    .code()
                    .to_string()
            })
            .collect(),
        intent: String::new(),
    }
}

fn refusal(problem: SheetImportProblem) -> ServiceError {
    ServiceError::Invalid(problem.into())
}

#[tokio::test]
async fn an_office_list_goes_from_upload_to_import_and_its_rejected_rows_download() -> TestResult {
    common::show_server_log();
    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    let list = office_list();

    let id = upload(services, &manager, "DTSEN Cirebon.csv", &list).await?;
    // The same file sent again while it waits is the same upload.
    let again = upload(services, &manager, "salinan.csv", &list).await?;
    assert_eq!(again, id);

    // The mapping step: the header found below the title, the numbering row
    // skipped, the office's names mapped, the unknown one left for the user.
    let view = services.sheet_imports.view(&manager, id).await?;
    assert_eq!(view.state, SheetImportState::Uploaded);
    assert_eq!(view.header_row, Some(2));
    assert!(view.kind.contains("CSV"), "{}", view.kind);
    let fields: Vec<Field> = view.columns.iter().map(|column| column.field).collect();
    assert_eq!(
        fields,
        [
            Field::Ignore,
            Field::RegistryFamilyId,
            Field::Source,
            Field::NoKk,
            Field::Nik,
            Field::Name,
            Field::Ignore,
            Field::Village,
            Field::Desil,
            Field::Ignore,
        ]
    );
    // Samples never show a whole identity number.
    let nik_samples = &view.columns[4].samples;
    assert_eq!(
        nik_samples.first().map(String::as_str),
        Some("320901********01")
    );
    assert!(
        !view
            .columns
            .iter()
            .flat_map(|c| &c.samples)
            .any(|s| s.contains(&nik(1)))
    );
    // The preview: six rows, the misspelt village and the NIK as a number marked.
    assert_eq!(view.preview.len(), 6);
    let village = view
        .preview_fields
        .iter()
        .position(|f| *f == Field::Village);
    let nik_column = view.preview_fields.iter().position(|f| *f == Field::Nik);
    let problem_at = |row: usize, column: Option<usize>| {
        column
            .and_then(|column| view.preview.get(row)?.cells.get(column)?.problem_id.clone())
            .unwrap_or_default()
    };
    assert!(
        problem_at(5, village).contains("Jatiseeng"),
        "{}",
        problem_at(5, village)
    );
    assert!(
        problem_at(3, nik_column).contains("Excel"),
        "{}",
        problem_at(3, nik_column)
    );
    assert_eq!(problem_at(0, village), "");
    assert_eq!(
        view.preview[0].cells[village.unwrap_or(0)].text,
        "32.09.01.2008"
    );

    // The relationship has no column yet: refused, nothing started.
    assert_eq!(
        services
            .sheet_imports
            .save_mapping(&manager, mapping_of(&view, &[]))
            .await,
        Err(refusal(SheetImportProblem::FieldMissing))
    );
    // One column corrected: the check of the whole file runs.
    services
        .sheet_imports
        .save_mapping(&manager, mapping_of(&view, &[(6, Field::Relationship)]))
        .await?;
    let checked = settled(services, &manager, id).await?;
    assert_eq!(
        checked.state,
        SheetImportState::Checked,
        "{:?}",
        checked.failure
    );
    let survey = checked.survey.ok_or("no check")?;
    assert_eq!(
        (
            survey.rows,
            survey.valid,
            survey.invalid,
            survey.families,
            survey.known_families
        ),
        (6, 4, 2, 3, 0)
    );
    assert_eq!(checked.columns[6].field, Field::Relationship);
    // Nothing was written by the check.
    assert_eq!(registry_people::Entity::find().count(&desk.db).await?, 0);

    // A confirmation from a stale page is refused; the current one imports.
    assert_eq!(
        services
            .sheet_imports
            .confirm(&manager, id, view.version)
            .await,
        Err(ServiceError::Conflict)
    );
    services
        .sheet_imports
        .confirm(&manager, id, checked.version)
        .await?;
    let done = settled(services, &manager, id).await?;
    assert_eq!(done.state, SheetImportState::Done, "{:?}", done.failure);
    let result = done.result.ok_or("no result")?;
    assert_eq!(
        (
            result.rows,
            result.accepted,
            result.rejected,
            result.families
        ),
        (6, 4, 2, 3)
    );
    assert_eq!(registry_people::Entity::find().count(&desk.db).await?, 4);
    assert!(done.rejected_report);

    // The rejected rows: line, column, reason and the row's own values, NIK masked.
    let (name, path) = services.sheet_imports.rejected_rows(&manager, id).await?;
    assert!(name.ends_with(".csv"));
    let report = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = report.lines().collect();
    assert!(
        lines[0].starts_with("baris,kolom,alasan,reason,id_keluarga,sumber,no_kk,nik,nama"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 3, "{report}");
    assert!(lines[1].starts_with("7,NIK,"), "{}", lines[1]);
    assert!(lines[2].starts_with("9,DESA,"), "{}", lines[2]);
    assert!(
        lines[2].contains("K-4") && lines[2].contains("Rasinah"),
        "{}",
        lines[2]
    );
    assert!(
        !report.contains(&nik(6)) && report.contains("320901********06"),
        "{report}"
    );
    // The file itself (whole NIKs) is not kept once imported.
    let stored = sheet_imports::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("row")?;
    let kept = services
        .sheet_imports
        .staging_folder()
        .join(&stored.stored_name);
    assert!(!kept.exists());

    // Next month's file of the same layout: recognised as the same file, its
    // mapping remembered (the corrected column included).
    let next = services
        .sheet_imports
        .accept(
            &manager,
            staged(services, "DTSEN Cirebon Januari.csv", &list)?,
        )
        .await?;
    assert_ne!(next, id);
    let view = services.sheet_imports.view(&manager, next).await?;
    assert_eq!(
        view.same_file.map(|(earlier, _, state)| (earlier, state)),
        Some((id, SheetImportState::Done))
    );
    assert!(view.remembered);
    assert_eq!(view.columns[6].field, Field::Relationship);

    // Reading again with another header row (a wrong one here) shows that
    // row's cells as the columns, proposed anew; row 2 again brings the
    // remembered mapping back.
    let mut reread = mapping_of(&view, &[]);
    reread.header_row = "1".into();
    reread.intent = shared::sheet_import::REREAD.into();
    services
        .sheet_imports
        .save_mapping(&manager, reread)
        .await?;
    let wrong = services.sheet_imports.view(&manager, next).await?;
    assert_eq!(
        (wrong.state, wrong.header_row, wrong.remembered),
        (SheetImportState::Uploaded, Some(1), false)
    );
    assert_eq!(wrong.columns[0].header, "DATA DTSEN KABUPATEN CIREBON 2026");
    let mut back = mapping_of(&wrong, &[]);
    back.header_row = "2".into();
    back.intent = shared::sheet_import::REREAD.into();
    services.sheet_imports.save_mapping(&manager, back).await?;
    let right = services.sheet_imports.view(&manager, next).await?;
    assert!(right.remembered);
    assert_eq!(right.columns[6].field, Field::Relationship);
    Ok(())
}

#[tokio::test]
async fn other_districts_and_roles_are_refused() -> TestResult {
    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    let elsewhere = actor(
        &desk.db,
        services,
        "manajer.lain",
        Role::SlrtManager,
        Some("33.04"),
    )
    .await?;
    let front = actor(
        &desk.db,
        services,
        "fo",
        Role::FrontOffice,
        Some("32.09.01.2008"),
    )
    .await?;
    let village_admin = actor(
        &desk.db,
        services,
        "admin.desa",
        Role::Admin,
        Some("32.09.01"),
    )
    .await?;
    let national = actor(&desk.db, services, "admin.pusat", Role::Admin, None).await?;
    let id = upload(services, &manager, "daftar.csv", &office_list()).await?;
    for who in [&elsewhere, &front] {
        assert_eq!(
            services.sheet_imports.view(who, id).await.err(),
            Some(ServiceError::Forbidden)
        );
        assert_eq!(
            services.sheet_imports.rejected_rows(who, id).await.err(),
            Some(ServiceError::Forbidden)
        );
    }
    assert_eq!(
        services.sheet_imports.list(&front).await.err(),
        Some(ServiceError::Forbidden)
    );
    assert!(services.sheet_imports.list(&elsewhere).await?.is_empty());
    assert_eq!(services.sheet_imports.list(&manager).await?.len(), 1);
    // Below a district nobody imports for it; above it, the district is named.
    let upload = staged(services, "daftar.csv", &office_list())?;
    let kept = upload.path.clone();
    assert_eq!(
        services
            .sheet_imports
            .accept(&village_admin, upload)
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert!(!kept.exists(), "a refused upload is not kept");
    assert_eq!(
        services
            .sheet_imports
            .accept(&national, staged(services, "daftar.csv", &office_list())?)
            .await
            .err(),
        Some(refusal(SheetImportProblem::DistrictInvalid))
    );
    let mut named = staged(services, "daftar-33.csv", &office_list())?;
    named.district = Some("33.04".into());
    let other = services.sheet_imports.accept(&national, named).await?;
    assert_eq!(
        services
            .sheet_imports
            .view(&national, other)
            .await?
            .district_code,
        "33.04"
    );
    assert_eq!(
        services.sheet_imports.view(&manager, other).await.err(),
        Some(ServiceError::Forbidden)
    );
    Ok(())
}

#[tokio::test]
async fn a_job_lost_with_its_server_fails_and_runs_again() -> TestResult {
    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    let id = upload(services, &manager, "daftar.csv", &office_list()).await?;
    let view = services.sheet_imports.view(&manager, id).await?;
    services
        .sheet_imports
        .save_mapping(&manager, mapping_of(&view, &[(6, Field::Relationship)]))
        .await?;
    let checked = settled(services, &manager, id).await?;
    // As if the server had stopped in the middle of the import: the row says
    // importing, no job of this process runs it.
    let mut row: sheet_imports::ActiveModel = sheet_imports::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("row")?
        .into();
    row.state = Set(SheetImportState::Importing.code().to_string());
    sheet_imports::Entity::update(row).exec(&desk.db).await?;
    let lost = services.sheet_imports.view(&manager, id).await?;
    assert_eq!(lost.state, SheetImportState::Failed);
    assert!(
        lost.failure
            .is_some_and(|(id_text, _)| id_text.contains("dimulai ulang"))
    );
    assert_eq!(registry_people::Entity::find().count(&desk.db).await?, 0);
    // It runs again from where it stood: checked, confirmed, imported.
    assert!(lost.version > checked.version);
    services
        .sheet_imports
        .confirm(&manager, id, lost.version)
        .await?;
    let done = settled(services, &manager, id).await?;
    assert_eq!(done.state, SheetImportState::Done, "{:?}", done.failure);
    assert_eq!(registry_people::Entity::find().count(&desk.db).await?, 4);
    Ok(())
}

/// A district's slice as a by-name-by-address workbook written by openpyxl
/// (`tests/fixtures/sheets/make_fixtures.py`): title rows, a numbering row,
/// the office's column names, RT, RW and dusun apart, a NIK kept as a number
/// and a misspelt village.
#[tokio::test]
async fn a_bnba_workbook_from_another_program_maps_checks_and_imports() -> TestResult {
    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    let book = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sheets/dtsen-bnba.xlsx"),
    )?;
    let id = upload(services, &manager, "DTSEN BNBA.xlsx", &book).await?;
    let view = services.sheet_imports.view(&manager, id).await?;
    assert_eq!(view.header_row, Some(4));
    assert!(view.kind.contains(".xlsx"), "{}", view.kind);
    let relationship = view
        .columns
        .iter()
        .position(|column| column.header == "KEDUDUKAN DLM KELUARGA")
        .ok_or("no relationship column")?;
    assert_eq!(view.columns[relationship].field, Field::Ignore);
    for (header, field) in [
        ("ID DTSEN", Field::RegistryFamilyId),
        ("NO. KK", Field::NoKk),
        ("DESA/KELURAHAN", Field::Village),
        ("KECAMATAN", Field::SubDistrict),
        ("RT", Field::Rt),
        ("DUSUN", Field::Dusun),
        ("PROGRAM BANTUAN", Field::Programmes),
    ] {
        let column = view.columns.iter().find(|column| column.header == header);
        assert_eq!(column.map(|column| column.field), Some(field), "{header}");
    }
    assert_eq!(view.preview.len(), 8);
    let problems: Vec<u64> = view
        .preview
        .iter()
        .filter(|row| row.cells.iter().any(|cell| cell.problem_id.is_some()))
        .map(|row| row.line)
        .collect();
    assert_eq!(
        problems,
        [10, 13],
        "the NIK kept as a number, the misspelt village"
    );

    services
        .sheet_imports
        .save_mapping(
            &manager,
            mapping_of(&view, &[(relationship, Field::Relationship)]),
        )
        .await?;
    let checked = settled(services, &manager, id).await?;
    let survey = checked.survey.ok_or("no check")?;
    assert_eq!(
        (survey.rows, survey.valid, survey.invalid, survey.families),
        (8, 6, 2, 3)
    );
    services
        .sheet_imports
        .confirm(&manager, id, checked.version)
        .await?;
    let done = settled(services, &manager, id).await?;
    let result = done.result.ok_or("no result")?;
    assert_eq!(
        (result.accepted, result.rejected, result.families),
        (6, 2, 3)
    );
    let family = server::entities::registry_families::Entity::find_by_id("D-101".to_string())
        .one(&desk.db)
        .await?
        .ok_or("D-101 not imported")?;
    assert_eq!(
        (
            family.village_code.as_str(),
            family.rt.as_deref(),
            family.rw.as_deref(),
            family.dusun.as_deref(),
            family.desil
        ),
        ("32.09.01.2008", Some("001"), Some("002"), Some("Kliwon"), 1)
    );
    Ok(())
}

/// An upload nobody imports loses its file (whole NIKs) after 72 hours; a
/// partial file of an upload cut off on the way goes after a day.
#[tokio::test]
async fn unused_uploads_lose_their_files() -> TestResult {
    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    let id = upload(services, &manager, "daftar.csv", &office_list()).await?;
    let row = sheet_imports::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("row")?;
    let folder = services.sheet_imports.staging_folder();
    let kept = folder.join(&row.stored_name);
    let partial = folder.join(".upload-cut.part");
    std::fs::write(&partial, b"id_keluarga,sumber")?;
    assert!(kept.exists());
    let store = server::services::store::Store::new(desk.db.clone());
    let files = server::files::FileStore::new(folder.parent().ok_or("folder")?.to_path_buf());

    // A day later: nothing is old enough yet.
    let soon = chrono::Utc::now() + chrono::Duration::hours(1);
    assert_eq!(
        server::services::housekeeping::sweep_uploads(&store, &files, soon).await?,
        0
    );
    assert!(kept.exists() && partial.exists());

    let later = chrono::Utc::now() + chrono::Duration::hours(73);
    assert_eq!(
        server::services::housekeeping::sweep_uploads(&store, &files, later).await?,
        2
    );
    assert!(!kept.exists() && !partial.exists());
    let view = services.sheet_imports.view(&manager, id).await?;
    assert_eq!(view.state, SheetImportState::Failed);
    assert!(
        view.failure
            .is_some_and(|(text, _)| text.contains("72 jam"))
    );
    assert!(view.survey.is_none() && view.columns.is_empty());
    Ok(())
}

/// An import for one district keeps to it: a row of a village elsewhere, or
/// of a family the registry keeps in another district, is rejected and the
/// other district's family left as it was. A double confirmation imports once.
#[tokio::test]
async fn a_district_import_keeps_to_its_district_and_runs_once() -> TestResult {
    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    // A family of 33.04 in the registry, imported by the administrator's command.
    let dir = TempDir::new()?;
    let elsewhere = dir.write(
        "33.csv",
        format!(
            "id_keluarga,sumber,no_kk,nik,nama,hubungan,kode_wilayah,alamat,desil,program\n\
             K-9,dtsen,{},{},Warga Susukan,1,33.04.01.2001,,4,\n",
            kk(9),
            nik(9)
        )
        .as_bytes(),
    )?;
    server::registry_import::import(&desk.db, &data_key(), &elsewhere, Default::default()).await?;

    let mut list = String::from_utf8(office_list())?;
    list.push_str(&format!(
        "7;K-9;DTSEN;{};{};Warga Pindah;1;Waled Desa;1;-\r\n",
        kk(9),
        nik(10)
    ));
    list.push_str(&format!(
        "8;K-8;DTSEN;{};{};Warga Luar;1;33.04.01.2001;1;-\r\n",
        kk(8),
        nik(11)
    ));
    let id = upload(services, &manager, "daftar.csv", list.as_bytes()).await?;
    let view = services.sheet_imports.view(&manager, id).await?;
    services
        .sheet_imports
        .save_mapping(&manager, mapping_of(&view, &[(6, Field::Relationship)]))
        .await?;
    let checked = settled(services, &manager, id).await?;
    let survey = checked.survey.ok_or("no check")?;
    assert_eq!(
        (survey.rows, survey.invalid),
        (8, 3),
        "the village of 33.04 is counted out"
    );

    // Pressed twice: one import runs, the other press is refused.
    let (first, second) = tokio::join!(
        services
            .sheet_imports
            .confirm(&manager, id, checked.version),
        services
            .sheet_imports
            .confirm(&manager, id, checked.version),
    );
    assert!(first.is_ok() != second.is_ok(), "{first:?} {second:?}");
    let done = settled(services, &manager, id).await?;
    let result = done.result.ok_or("no result")?;
    assert_eq!((result.accepted, result.rejected), (4, 4));
    let (_, path) = services.sheet_imports.rejected_rows(&manager, id).await?;
    let report = std::fs::read_to_string(path)?;
    assert_eq!(
        report
            .matches("tidak berada di kabupaten/kota 32.09")
            .count(),
        2,
        "{report}"
    );
    let kept = server::entities::registry_families::Entity::find_by_id("K-9".to_string())
        .one(&desk.db)
        .await?
        .ok_or("K-9")?;
    assert_eq!(
        (kept.village_code.as_str(), kept.desil),
        ("33.04.01.2001", 4)
    );
    Ok(())
}

/// Uploads on a weak signal last minutes: they take turns of their own (two
/// at once, one more answered 503 with `Retry-After`) and never hold the
/// turns of pages and saves.
#[tokio::test]
async fn slow_uploads_take_their_own_turns() -> TestResult {
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use tower::ServiceExt;
    let desk = desk().await?;
    let services = &desk.services;
    desk.manager().await?;
    let router = common::site_router(&desk.db, desk.services.clone());
    let cookie = common::sign_in(&router, "manajer").await?;
    let boundary = "----batasUnggah";
    let opening = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"daftar.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    );
    let request = |body: Body| {
        Request::post(shared_paths::SHEET_UPLOAD)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, cookie.clone())
            .body(body)
    };
    // Two uploads that keep sending (their senders held open).
    let mut senders = Vec::new();
    let mut sending = Vec::new();
    for _ in 0..2 {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        sender.send(opening.clone().into_bytes()).await?;
        let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver
                .recv()
                .await
                .map(|chunk| (Ok::<_, std::io::Error>(chunk), receiver))
        });
        let call = router.clone().oneshot(request(Body::from_stream(stream))?);
        sending.push(tokio::spawn(call));
        senders.push(sender);
    }
    // Both are being written to disk (each has its turn).
    let folder = services.sheet_imports.staging_folder();
    let partial = || {
        std::fs::read_dir(&folder)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|entry| entry.file_name().to_string_lossy().starts_with(".upload-"))
                    .count()
            })
            .unwrap_or(0)
    };
    for _ in 0..200 {
        if partial() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(partial(), 2);

    // A third waits for nobody: busy, to be sent again.
    let mut whole = opening.clone().into_bytes();
    whole.extend_from_slice(&office_list());
    whole.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let busy = router
        .clone()
        .oneshot(request(Body::from(whole.clone()))?)
        .await?;
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(busy.headers().contains_key(header::RETRY_AFTER));
    // Pages are answered meanwhile.
    let page = router
        .clone()
        .oneshot(
            Request::post("/api/sheet_imports")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, cookie.clone())
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(page.status(), StatusCode::OK);

    // The two are cut off: refused as interrupted, nothing kept; then a whole one is taken.
    drop(senders);
    for call in sending {
        let answer = call.await??;
        let to = answer
            .headers()
            .get(header::LOCATION)
            .and_then(|to| to.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(to.ends_with("galat=interrupted"), "{to}");
    }
    assert_eq!(partial(), 0);
    let taken = router.clone().oneshot(request(Body::from(whole))?).await?;
    let to = taken
        .headers()
        .get(header::LOCATION)
        .and_then(|to| to.to_str().ok())
        .unwrap_or_default();
    assert!(to.starts_with("/impor/"), "{to}");
    Ok(())
}

/// A village's BNBA list written by openpyxl (title rows, a numbering row,
/// SHDK numbered as on the family card, no date-of-birth column) becomes a
/// household file awaiting its home visit and a new-family proposal per
/// family not yet on record; the family likely on record otherwise written
/// and the one in the registry are left, listed in the report; a second
/// upload of the same list (as a rerun after a crash would) makes nothing twice.
#[tokio::test]
async fn a_village_bnba_list_becomes_proposals_once() -> TestResult {
    use sea_orm::{ColumnTrait, QueryFilter};
    use server::entities::{households, members, proposals};
    use shared::member::Relationship;
    use shared::sheet_import::{RelationshipNumbering, SheetDestination};

    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    // On record before the list arrives: a Darto Wiryono born 02/04/1980 in
    // Waled Kota (the list's Darto has another NIK and No KK), and a family
    // the registry holds.
    let front = actor(
        &desk.db,
        services,
        "fo.waledkota",
        Role::FrontOffice,
        Some("32.09.01.2009"),
    )
    .await?;
    let known = services
        .households
        .register(
            &front,
            common::people::household_request("32.09.01.2009", 7, "darto")?,
        )
        .await?
        .id;
    common::in_registry(&desk.db, 8, "32.09.01.2009", 3).await?;
    // And Sukarya's family has a file in Jatiseeng already (no registry
    // record, no proposal): the list proposes that file, it makes no other.
    let jatiseeng = actor(
        &desk.db,
        services,
        "fo.jatiseeng",
        Role::FrontOffice,
        Some("32.09.02.2001"),
    )
    .await?;
    let mut sukarya = common::people::household_request("32.09.02.2001", 9, "sukarya")?;
    sukarya.household.no_kk = shared::identity::NoKk::parse("3209021402150601")?;
    sukarya.household.head_name = "Sukarya".into();
    let sukarya = services.households.register(&jatiseeng, sukarya).await?.id;

    let book = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sheets/usulan-bnba.xlsx"),
    )?;
    let mut sheet = staged(services, "Usulan BNBA Waled Kota.xlsx", &book)?;
    sheet.destination = Some("proposals".into());
    let id = services.sheet_imports.accept(&manager, sheet).await?;
    let view = services.sheet_imports.view(&manager, id).await?;
    assert_eq!(view.destination, SheetDestination::Proposals);
    assert_eq!(view.header_row, Some(4));
    assert_eq!(view.numbering, RelationshipNumbering::Registry);
    for (header, field) in [
        ("NOMOR KK", Field::NoKk),
        ("NIK", Field::Nik),
        ("NAMA", Field::Name),
        ("JK", Field::Sex),
        ("SHDK", Field::Relationship),
        ("DESA", Field::Village),
        ("RT", Field::Rt),
    ] {
        let column = view.columns.iter().find(|column| column.header == header);
        assert_eq!(column.map(|column| column.field), Some(field), "{header}");
    }
    // The preview shows what a proposal keeps (no desil, no registry id).
    assert!(view.preview_fields.contains(&Field::Dusun));
    assert!(!view.preview_fields.contains(&Field::Desil));
    let problems: Vec<u64> = view
        .preview
        .iter()
        .filter(|row| row.cells.iter().any(|cell| cell.problem_id.is_some()))
        .map(|row| row.line)
        .collect();
    assert_eq!(
        problems,
        [11, 13],
        "the NIK kept as a number, the misspelt village"
    );

    // A mapping without the village is refused: a proposal needs it.
    let village = view
        .columns
        .iter()
        .position(|column| column.header == "DESA")
        .ok_or("no village column")?;
    let refused = services
        .sheet_imports
        .save_mapping(&manager, mapping_of(&view, &[(village, Field::Ignore)]))
        .await;
    assert_eq!(
        refused.err(),
        Some(refusal(SheetImportProblem::FieldMissing))
    );
    let mut mapping = mapping_of(&view, &[]);
    mapping.shdk = "dukcapil".into();
    services
        .sheet_imports
        .save_mapping(&manager, mapping)
        .await?;
    let checked = settled(services, &manager, id).await?;
    assert_eq!(checked.numbering, RelationshipNumbering::CivilRegistry);
    let survey = checked.survey.ok_or("no check")?;
    // Rows: 9; refused: the NIK kept as a number and the headless family's
    // other row, the misspelt village. Families: Saprudin's and Sukarya's to
    // propose, Karta's in the registry, Darto's likely on record.
    assert_eq!(
        (
            survey.rows,
            survey.invalid,
            survey.families,
            survey.to_propose,
            survey.known_families,
            survey.likely_duplicates
        ),
        (9, 3, 4, 2, 1, 1)
    );
    let before = proposals::Entity::find().count(&desk.db).await?;
    assert_eq!(before, 0, "checking writes nothing");

    services
        .sheet_imports
        .confirm(&manager, id, checked.version)
        .await?;
    let done = settled(services, &manager, id).await?;
    assert_eq!(done.state, SheetImportState::Done, "{:?}", done.failure);
    let result = done.result.ok_or("no result")?;
    assert_eq!(
        (
            result.rows,
            result.rejected,
            result.proposals_made,
            result.families_skipped,
            result.accepted
        ),
        (9, 3, 2, 2, 4)
    );
    assert!(done.rejected_report);

    let made = proposals::Entity::find().all(&desk.db).await?;
    assert_eq!(made.len(), 2);
    for proposal in &made {
        assert_eq!(
            (
                proposal.kind.as_str(),
                proposal.stage.as_str(),
                proposal.source.as_str()
            ),
            ("new_family", "proposed", "rt_rw")
        );
    }
    let saprudin = households::Entity::find()
        .filter(households::Column::HeadName.eq("SAPRUDIN"))
        .one(&desk.db)
        .await?
        .ok_or("no household for Saprudin")?;
    assert_eq!(
        (
            saprudin.village_code.as_str(),
            saprudin.rt.as_deref(),
            saprudin.rw.as_deref(),
            saprudin.dusun.as_deref(),
            saprudin.street.as_deref()
        ),
        (
            "32.09.01.2009",
            Some("2"),
            Some("1"),
            Some("Manis"),
            Some("Blok Manis No. 7")
        )
    );
    assert!(made.iter().any(|p| p.household_id == saprudin.id));
    assert!(
        made.iter()
            .any(|p| p.household_id == sukarya && p.village_code == "32.09.02.2001"),
        "the file on record is proposed: {made:?}"
    );
    // The file as staff see it: awaiting its home visit; the wife numbered 3
    // on the family card is the spouse, sex and birth date read from the NIK.
    let file = services.households.file(&manager, saprudin.id).await?;
    assert!(file.awaiting_survey);
    let people: Vec<(String, Relationship, bool)> = file
        .members
        .iter()
        .map(|m| {
            (
                m.member.name.clone(),
                m.member.relationship,
                m.awaiting_survey,
            )
        })
        .collect();
    assert_eq!(
        people,
        [
            ("SAPRUDIN".to_string(), Relationship::Head, true),
            ("RASTINI".to_string(), Relationship::Spouse, true),
            ("AAN".to_string(), Relationship::Child, true),
        ]
    );
    let rastini = file
        .members
        .iter()
        .find(|m| m.member.name == "RASTINI")
        .ok_or("no Rastini")?;
    assert_eq!(rastini.member.sex, shared::identity::Sex::Female);
    // The edit form does not offer the placeholders as answers.
    let edit = shared::editing::HouseholdEditDraft::of(&file);
    assert_eq!(
        (
            edit.household.floor.as_str(),
            edit.household.income_band.as_str()
        ),
        ("", "")
    );
    assert_eq!(
        members::Entity::find()
            .filter(members::Column::HouseholdId.eq(saprudin.id))
            .count(&desk.db)
            .await?,
        3
    );
    // The likely family was not proposed: the report names the household on record.
    let (_, report) = services.sheet_imports.rejected_rows(&manager, id).await?;
    let report = std::fs::read_to_string(report)?;
    assert!(report.starts_with("baris,kolom,alasan,reason,"), "{report}");
    assert!(report.contains(&format!("#{known}")), "{report}");
    assert!(report.contains("DTKS/DTSEN"), "{report}");
    assert!(
        !report.contains("3209010204800201"),
        "NIKs are masked: {report}"
    );
    assert!(
        report.contains("************0201,****************,DARTO WIRYONO"),
        "{report}"
    );

    // The same list again: recognised, mapped as remembered (numbering too),
    // and nothing made twice.
    let mut again = staged(services, "Usulan BNBA Waled Kota (1).xlsx", &book)?;
    again.destination = Some("proposals".into());
    let second = services.sheet_imports.accept(&manager, again).await?;
    let view = services.sheet_imports.view(&manager, second).await?;
    assert!(view.remembered);
    assert_eq!(view.numbering, RelationshipNumbering::CivilRegistry);
    assert_eq!(view.same_file.map(|(earlier, _, _)| earlier), Some(id));
    services
        .sheet_imports
        .save_mapping(&manager, mapping_of(&view, &[]))
        .await?;
    let checked = settled(services, &manager, second).await?;
    let survey = checked.survey.ok_or("no check")?;
    assert_eq!((survey.to_propose, survey.known_families), (0, 3));
    services
        .sheet_imports
        .confirm(&manager, second, checked.version)
        .await?;
    let done = settled(services, &manager, second).await?;
    let result = done.result.ok_or("no result")?;
    assert_eq!((result.proposals_made, result.families_skipped), (0, 4));
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 2);
    assert_eq!(
        households::Entity::find().count(&desk.db).await?,
        3,
        "Darto's and Sukarya's (registered before), Saprudin's"
    );
    assert!(common::stats_drift(&desk.db).await?.is_empty());
    assert!(common::name_words_drift(&desk.db).await?.is_empty());
    Ok(())
}

/// A BNBA list proposes a family whole or not at all (a refused child row
/// holds its family back), hints at the family card's numbering when SHDK
/// numbers do not read, and does not propose again a family whose last
/// proposal was refused: a person decides on that.
#[tokio::test]
async fn a_bnba_list_proposes_whole_families_and_not_again_after_a_refusal() -> TestResult {
    use sea_orm::{ColumnTrait, QueryFilter};
    use server::entities::proposals;
    use shared::dto::ProposalTransitionRequest;
    use shared::proposal::ProposalAction;

    let desk = desk().await?;
    let services = &desk.services;
    let manager = desk.manager().await?;
    let list = "DAFTAR USULAN RT/RW DESA WALED KOTA;;;;\r\n\
                NO KK;NIK;NAMA;SHDK;DESA\r\n\
                3209011402150701;3209012103790701;SUTARJA;1;Waled Kota\r\n\
                3209011402150701;12345;WARSIH;2;Waled Kota\r\n\
                3209011402150801;3209010506810801;KASMAN;1;Waled Kota\r\n\
                3209011402150901;3209011208770901;DULKARIM;1;Waled Kota\r\n\
                3209011402150901;3209015609990902;ENTIN;11;Waled Kota\r\n"
        .as_bytes()
        .to_vec();
    let manager = &manager;
    let run = |name: &'static str| {
        let list = list.clone();
        async move {
            let mut sheet = staged(services, name, &list)?;
            sheet.destination = Some("proposals".into());
            let id = services.sheet_imports.accept(manager, sheet).await?;
            let view = services.sheet_imports.view(manager, id).await?;
            services
                .sheet_imports
                .save_mapping(manager, mapping_of(&view, &[]))
                .await?;
            let checked = settled(services, manager, id).await?;
            services
                .sheet_imports
                .confirm(manager, id, checked.version)
                .await?;
            let done = settled(services, manager, id).await?;
            let (_, report) = services.sheet_imports.rejected_rows(manager, id).await?;
            Ok::<_, Box<dyn std::error::Error>>((
                checked.survey.ok_or("no check")?,
                done.result.ok_or("no result")?,
                std::fs::read_to_string(report)?,
            ))
        }
    };
    let (survey, result, report) = run("usulan.csv").await?;
    // Sutarja's family loses its wife's row (a NIK of 5 digits), so it is
    // not proposed without her; Dulkarim's has a child numbered 11, which
    // the registry's numbering does not know.
    assert_eq!((survey.rows, survey.invalid, survey.to_propose), (5, 4, 1));
    assert_eq!(survey.relationship_unread, 1);
    assert_eq!((result.proposals_made, result.rejected), (1, 4));
    assert!(report.contains("Baris 4 keluarga ini ditolak"), "{report}");
    assert!(report.contains("SUTARJA"), "{report}");

    // The village meeting refuses Kasman's proposal; the same list again
    // does not propose him anew, and says why.
    let proposal = proposals::Entity::find()
        .filter(proposals::Column::Stage.eq("proposed"))
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?;
    let facilitator = actor(
        &desk.db,
        services,
        "fasilitator",
        Role::Facilitator,
        Some("32.09.01"),
    )
    .await?;
    services
        .proposals
        .transition(
            &facilitator,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id: proposal.id,
                version: proposal.version,
                action: ProposalAction::Reject,
                note: "Musdes: mampu".into(),
            },
        )
        .await?;
    let (survey, result, report) = run("usulan (2).csv").await?;
    assert_eq!((survey.to_propose, survey.likely_duplicates), (0, 1));
    assert_eq!((result.proposals_made, result.families_skipped), (0, 1));
    assert!(
        report.contains(&format!(
            "Usulan sebelumnya ditolak (usulan #{})",
            proposal.id
        )),
        "{report}"
    );
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 1);
    Ok(())
}
