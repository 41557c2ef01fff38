//! Registry import (`slrt import-registry`): CSV and XLSX, row-by-row rejection,
//! upsert by registry id, protected identity numbers, household linking, atomicity.
//! Every NIK and No KK here is synthetic (made-up serials in 32.09.01).

mod common;

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;
use common::{TempDir, TestResult, data_key, database_with_areas};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet, Set};
use server::entities::{households, registry_families, registry_imports, registry_people};
use server::protect::IdKind;
use server::registry_import::{
    self, ImportOptions, ImportProgress, ImportReport, Progress, RejectedRow,
};
use sha2::{Digest, Sha256};
use shared::identity::{Nik, NoKk};

const HEADER: &str = "id_keluarga,sumber,no_kk,nik,nama,hubungan,kode_wilayah,alamat,desil,program";

/// A synthetic NIK issued in 32.09.01: born on `day` January 1985, serial `serial`.
fn nik(serial: u16, female: bool) -> String {
    let day = 1 + u32::from(serial % 28) + if female { 40 } else { 0 };
    format!("320901{day:02}0185{serial:04}")
}

/// A synthetic No KK issued in 32.09.01 on 14 February 2015.
fn kk(serial: u16) -> String {
    format!("320901140215{serial:04}")
}

/// One person row of a registry file.
#[derive(Clone)]
struct Row {
    family: &'static str,
    source: &'static str,
    kk: String,
    nik: String,
    name: &'static str,
    relationship: &'static str,
    village: &'static str,
    address: &'static str,
    desil: &'static str,
    programmes: &'static str,
}

impl Row {
    fn cells(&self) -> [String; 10] {
        [
            self.family.to_string(),
            self.source.to_string(),
            self.kk.clone(),
            self.nik.clone(),
            self.name.to_string(),
            self.relationship.to_string(),
            self.village.to_string(),
            self.address.to_string(),
            self.desil.to_string(),
            self.programmes.to_string(),
        ]
    }

    /// The row as a CSV line (fields quoted where they hold a comma, quote or newline).
    fn csv(&self) -> String {
        self.cells()
            .iter()
            .map(|cell| {
                if cell.contains([',', '"', '\n']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[allow(clippy::too_many_arguments)]
fn row(
    family: &'static str,
    kk_serial: u16,
    nik_serial: u16,
    female: bool,
    name: &'static str,
    relationship: &'static str,
    village: &'static str,
    desil: &'static str,
    programmes: &'static str,
) -> Row {
    Row {
        family,
        source: "dtsen",
        kk: kk(kk_serial),
        nik: nik(nik_serial, female),
        name,
        relationship,
        village,
        address: "Dusun Kliwon RT 001/RW 002",
        desil,
        programmes,
    }
}

/// Three families, seven people: F-001 with its head first, F-002 with its head
/// second (DTKS, bare-digit village code, no programme), F-003 without a head row.
fn good_rows() -> Vec<Row> {
    let f1 = |nik_serial, female, name, rel| {
        row(
            "F-001",
            1,
            nik_serial,
            female,
            name,
            rel,
            "32.09.01.2008",
            "1",
            "pkh;bpnt",
        )
    };
    let f2 = |nik_serial, female, name, rel| Row {
        source: "DTKS",
        address: "",
        ..row(
            "F-002",
            2,
            nik_serial,
            female,
            name,
            rel,
            "3209022001",
            "4",
            "",
        )
    };
    let f3 = |nik_serial, female, name, rel| Row {
        address: "Jl. Mawar 3, RT 004",
        ..row(
            "F-003",
            3,
            nik_serial,
            female,
            name,
            rel,
            "33.04.01.2001",
            "10",
            "PBI_JK ; pkh;pkh",
        )
    };
    vec![
        f1(1, false, "Budi Santoso", "1"),
        f1(2, true, "Siti Aminah", "2"),
        f1(3, false, "Agus Santoso", "3"),
        f2(4, false, "Rina Lestari", "3"),
        f2(5, false, "Dedi Lestari", "1"),
        f3(6, true, "Wati Suryani", "2"),
        f3(7, false, "Dodi Suryani", "3"),
    ]
}

fn csv_bytes(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = HEADER.as_bytes().to_vec();
    for line in lines {
        bytes.push(b'\n');
        bytes.extend_from_slice(line);
    }
    bytes.push(b'\n');
    bytes
}

fn csv_of(rows: &[Row]) -> Vec<u8> {
    let lines: Vec<Vec<u8>> = rows.iter().map(|r| r.csv().into_bytes()).collect();
    csv_bytes(&lines)
}

async fn import(
    db: &DatabaseConnection,
    path: &Path,
    batch_rows: usize,
) -> anyhow::Result<ImportReport> {
    let options = ImportOptions {
        rejected_report: Some(registry_import::default_report_path(path)),
        batch_rows,
        ..ImportOptions::default()
    };
    registry_import::import(db, &data_key(), path, options).await
}

type FamilyView = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i16,
    String,
);

/// Stored families without the parts that differ between runs (sealed copy, time, import id).
async fn families(db: &DatabaseConnection) -> Result<Vec<FamilyView>, sea_orm::DbErr> {
    let mut rows: Vec<FamilyView> = registry_families::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|f| {
            (
                f.registry_id,
                f.source,
                f.kk_hash,
                f.kk_masked,
                f.head_name,
                f.village_code,
                f.address,
                f.desil,
                f.programmes,
            )
        })
        .collect();
    rows.sort();
    Ok(rows)
}

type PersonView = (String, String, String, String, i16);

async fn people(db: &DatabaseConnection) -> Result<Vec<PersonView>, sea_orm::DbErr> {
    let mut rows: Vec<PersonView> = registry_people::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.registry_id,
                p.nik_hash,
                p.nik_masked,
                p.name,
                p.relationship,
            )
        })
        .collect();
    rows.sort();
    Ok(rows)
}

fn family<'a>(rows: &'a [FamilyView], id: &str) -> Option<&'a FamilyView> {
    rows.iter().find(|f| f.0 == id)
}

#[tokio::test]
async fn good_csv_imports_families_and_people_with_protected_numbers() -> TestResult {
    let db = database_with_areas().await?;
    let key = data_key();
    let dir = TempDir::new()?;
    let rows = good_rows();
    let bytes = csv_of(&rows);
    let path = dir.write("dtsen-3209.csv", &bytes)?;
    let seen: Arc<std::sync::Mutex<Vec<ImportProgress>>> = Arc::default();
    let seen_by_callback = seen.clone();
    let options = ImportOptions {
        rejected_report: Some(registry_import::default_report_path(&path)),
        progress: Progress::Callback(Arc::new(move |progress: &ImportProgress| {
            if let Ok(mut seen) = seen_by_callback.lock() {
                seen.push(*progress);
            }
            ControlFlow::Continue(())
        })),
        ..ImportOptions::default()
    };
    let report = registry_import::import(&db, &key, &path, options).await?;

    assert_eq!(
        (
            report.rows_total,
            report.rows_accepted,
            report.rows_rejected
        ),
        (7, 7, 0)
    );
    assert_eq!((report.families_upserted, report.people_upserted), (3, 7));
    assert!(report.rejected.is_empty());
    let last = seen.lock().map_err(|_| "poisoned")?.last().copied();
    assert_eq!(
        last,
        Some(ImportProgress {
            rows_read: 7,
            rows_accepted: 7,
            rows_rejected: 0,
            bytes_read: bytes.len() as u64,
            bytes_total: Some(bytes.len() as u64),
        })
    );

    let stored = registry_families::Entity::find().all(&db).await?;
    assert_eq!(stored.len(), 3);
    let views = families(&db).await?;
    let f1 = family(&views, "F-001").ok_or("F-001 missing")?;
    assert_eq!(
        (
            f1.1.as_str(),
            f1.4.as_str(),
            f1.5.as_str(),
            f1.7,
            f1.8.as_str()
        ),
        (
            "dtsen",
            "Budi Santoso",
            "32.09.01.2008",
            1,
            r#"["pkh","bpnt"]"#
        )
    );
    assert_eq!(f1.6.as_deref(), Some("Dusun Kliwon RT 001/RW 002"));
    let f2 = family(&views, "F-002").ok_or("F-002 missing")?;
    assert_eq!(
        (
            f2.1.as_str(),
            f2.4.as_str(),
            f2.5.as_str(),
            f2.6.as_deref(),
            f2.7,
            f2.8.as_str()
        ),
        ("dtks", "Dedi Lestari", "32.09.02.2001", None, 4, "[]"),
        "the head row names the head even when it is not the first row"
    );
    let f3 = family(&views, "F-003").ok_or("F-003 missing")?;
    assert_eq!(
        (f3.4.as_str(), f3.6.as_deref(), f3.7, f3.8.as_str()),
        (
            "Wati Suryani",
            Some("Jl. Mawar 3, RT 004"),
            10,
            r#"["pkh","pbi_jk"]"#
        ),
        "without a head row the first row names the family; programmes are deduplicated"
    );

    for family in &stored {
        let serial = match family.registry_id.as_str() {
            "F-001" => 1,
            "F-002" => 2,
            _ => 3,
        };
        let number = kk(serial);
        assert_eq!(family.kk_hash, key.lookup_hash(IdKind::NoKk, &number));
        assert_eq!(key.open(&family.kk_sealed)?, number);
        assert_eq!(family.kk_masked, NoKk::parse(&number)?.masked());
        assert_eq!(family.import_id, Some(report.import_id));
    }
    let stored_people = registry_people::Entity::find().all(&db).await?;
    assert_eq!(stored_people.len(), 7);
    for source in &rows {
        let person = stored_people
            .iter()
            .find(|p| p.nik_hash == key.lookup_hash(IdKind::Nik, &source.nik))
            .ok_or("person missing")?;
        assert_eq!(person.registry_id, source.family);
        assert_eq!(person.name, source.name);
        assert_eq!(person.relationship.to_string(), source.relationship);
        assert_eq!(key.open(&person.nik_sealed)?, source.nik);
        assert_eq!(person.nik_masked, Nik::parse(&source.nik)?.masked());
    }
    // No column of any stored row holds a NIK or No KK in clear.
    let everything = format!(
        "{stored:?}{stored_people:?}{:?}",
        registry_imports::Entity::find().all(&db).await?
    );
    for source in &rows {
        assert!(!everything.contains(&source.nik), "clear NIK stored");
        assert!(!everything.contains(&source.kk), "clear No KK stored");
    }

    let record = registry_imports::Entity::find_by_id(report.import_id)
        .one(&db)
        .await?
        .ok_or("import not recorded")?;
    assert_eq!(record.status, "done");
    assert_eq!(record.file_name, "dtsen-3209.csv");
    assert_eq!(record.file_sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(report.file_sha256, record.file_sha256);
    assert_eq!(
        (
            record.rows_total,
            record.rows_accepted,
            record.rows_rejected
        ),
        (7, 7, 0)
    );
    assert!(record.finished_at.is_some());
    let report_text = std::fs::read_to_string(dir.0.join("dtsen-3209.csv.rejected.csv"))?;
    assert_eq!(
        report_text.trim_end(),
        format!("baris,kolom,alasan,reason,{HEADER}")
    );
    Ok(())
}

#[tokio::test]
async fn reimport_is_idempotent_and_updates_a_changed_desil() -> TestResult {
    let db = database_with_areas().await?;
    let dir = TempDir::new()?;
    let rows = good_rows();
    let path = dir.write("registry.csv", &csv_of(&rows))?;
    import(&db, &path, 0).await?;
    let (families_before, people_before) = (families(&db).await?, people(&db).await?);

    let again = import(&db, &path, 0).await?;
    assert_eq!((again.families_upserted, again.people_upserted), (3, 7));
    assert_eq!(families(&db).await?, families_before, "nothing changes");
    assert_eq!(people(&db).await?, people_before);

    let changed: Vec<Row> = rows
        .iter()
        .map(|r| match r.family {
            "F-001" => Row {
                desil: "2",
                ..r.clone()
            },
            _ => r.clone(),
        })
        .collect();
    let path = dir.write("registry-2.csv", &csv_of(&changed))?;
    let third = import(&db, &path, 0).await?;
    assert_eq!(third.rows_accepted, 7);
    let after = families(&db).await?;
    assert_eq!(after.len(), 3);
    assert_eq!(family(&after, "F-001").map(|f| f.7), Some(2));
    assert_eq!(family(&after, "F-002"), family(&families_before, "F-002"));
    assert_eq!(people(&db).await?, people_before);
    let runs = registry_imports::Entity::find().all(&db).await?;
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().all(|run| run.status == "done"));
    let stored = registry_families::Entity::find_by_id("F-001")
        .one(&db)
        .await?
        .ok_or("F-001 missing")?;
    assert_eq!(stored.import_id, Some(third.import_id));
    Ok(())
}

/// A rejection a test expects: line, field, a piece of the Indonesian reason.
type Expected = (u64, &'static str, &'static str);

/// Good rows of F-001 and F-002 mixed with every kind of bad row: the file, the
/// rejections expected in file order, and the NIKs of rows that must not be stored.
fn corrupted_file() -> (Vec<u8>, Vec<Expected>, Vec<String>) {
    let good = good_rows();
    let f1 = |r: &Row| r.csv().into_bytes();
    let bad = |family: &'static str, nik_serial: u16| {
        row(
            family,
            9,
            nik_serial,
            false,
            "Warga Uji",
            "1",
            "32.09.01.2008",
            "3",
            "pkh",
        )
    };
    let mut lines: Vec<Vec<u8>> = good.iter().take(3).map(f1).collect(); // lines 2-4
    let mut expected = Vec::new();
    let mut bad_niks = Vec::new();
    let mut push = |lines: &mut Vec<Vec<u8>>, line: Vec<u8>, field, reason, nik: String| {
        lines.push(line);
        expected.push((lines.len() as u64 + 1, field, reason));
        bad_niks.push(nik);
    };
    let r = Row {
        nik: "3209013201850011".into(),
        ..bad("X-01", 11)
    };
    push(&mut lines, f1(&r), "nik", "Digit 7–8 NIK", r.nik.clone());
    let r = Row {
        desil: "11",
        ..bad("X-02", 12)
    };
    push(
        &mut lines,
        f1(&r),
        "desil",
        "harus antara 1 dan 10",
        r.nik.clone(),
    );
    let r = Row {
        desil: "tinggi",
        ..bad("X-03", 13)
    };
    push(
        &mut lines,
        f1(&r),
        "desil",
        "harus berupa angka",
        r.nik.clone(),
    );
    let r = Row {
        village: "32.09.01.2999",
        ..bad("X-04", 14)
    };
    push(
        &mut lines,
        f1(&r),
        "kode_wilayah",
        "tidak ada dalam tabel wilayah",
        r.nik.clone(),
    );
    let r = Row {
        village: "32.09.01",
        ..bad("X-05", 15)
    };
    push(
        &mut lines,
        f1(&r),
        "kode_wilayah",
        "Desa/Kelurahan",
        r.nik.clone(),
    );
    let r = bad("X-06", 16);
    let truncated = format!("X-06,dtsen,{},{},Warga Uji", r.kk, r.nik).into_bytes();
    push(&mut lines, truncated, "baris", "terpotong", r.nik.clone());
    let r = Row {
        programmes: "pkh;bansos",
        ..bad("X-08", 18)
    };
    push(&mut lines, f1(&r), "program", "\"bansos\"", r.nik.clone());
    let r = Row {
        name: "",
        ..bad("X-09", 19)
    };
    push(
        &mut lines,
        f1(&r),
        "nama",
        "Isian nama wajib diisi",
        r.nik.clone(),
    );
    let r = Row {
        kk: "3209015402150003".into(),
        ..bad("X-10", 20)
    };
    push(
        &mut lines,
        f1(&r),
        "no_kk",
        "Digit 7–8 No KK",
        r.nik.clone(),
    );
    // F-001 again, with a desil that disagrees with its accepted rows.
    let r = Row {
        nik: nik(21, true),
        relationship: "3",
        desil: "3",
        ..good[0].clone()
    };
    push(
        &mut lines,
        f1(&r),
        "desil",
        "berbeda dengan baris keluarga F-001",
        r.nik.clone(),
    );
    // F-001 again, the head's NIK a second time under another name.
    let r = Row {
        name: "Budi Ganda",
        relationship: "3",
        ..good[0].clone()
    };
    push(
        &mut lines,
        f1(&r),
        "nik",
        "tercatat lebih dari sekali",
        String::new(),
    );
    // F-001 again, a second head.
    let r = Row {
        nik: nik(22, false),
        name: "Kepala Kedua",
        ..good[0].clone()
    };
    push(
        &mut lines,
        f1(&r),
        "hubungan",
        "sudah memiliki kepala keluarga",
        r.nik.clone(),
    );
    let r = Row {
        source: "bdt",
        ..bad("X-11", 23)
    };
    push(&mut lines, f1(&r), "sumber", "\"bdt\"", r.nik.clone());
    lines.push(f1(&good[4])); // line 17: F-002's head, good
    let r = Row {
        relationship: "9",
        ..bad("X-12", 24)
    };
    push(
        &mut lines,
        f1(&r),
        "hubungan",
        "antara 1 dan 8",
        r.nik.clone(),
    );
    let r = bad("X-13", 25);
    let mut extra = f1(&r);
    extra.extend_from_slice(b",lebih");
    push(&mut lines, extra, "baris", "seharusnya 10", r.nik.clone());
    bad_niks.retain(|n| !n.is_empty());
    (csv_bytes(&lines), expected, bad_niks)
}

fn problems_of(rejected: &[RejectedRow]) -> Vec<(u64, String, String)> {
    rejected
        .iter()
        .flat_map(|row| {
            row.problems
                .iter()
                .map(move |p| (row.line, p.field.clone(), p.reason_id.clone()))
        })
        .collect()
}

#[tokio::test]
async fn bad_rows_are_rejected_with_line_and_reason_and_leave_nothing() -> TestResult {
    let key = data_key();
    let (bytes, expected, bad_niks) = corrupted_file();
    let dir = TempDir::new()?;
    let path = dir.write("rusak.csv", &bytes)?;
    // One batch, and batches of two rows (so families and people come from earlier batches).
    let mut outcomes = Vec::new();
    for batch_rows in [0, 2] {
        let db = database_with_areas().await?;
        let report = import(&db, &path, batch_rows).await?;
        assert_eq!(
            (
                report.rows_total,
                report.rows_accepted,
                report.rows_rejected
            ),
            (19, 4, 15),
            "batch size {batch_rows}"
        );
        assert_eq!(report.families_upserted, 2);
        let problems = problems_of(&report.rejected);
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for ((line, field, reason), (want_line, want_field, want_reason)) in
            problems.iter().zip(&expected)
        {
            assert_eq!(
                (*line, field.as_str()),
                (*want_line, *want_field),
                "{reason}"
            );
            assert!(
                reason.contains(want_reason),
                "line {line}: `{reason}` should mention `{want_reason}`"
            );
        }
        for row in &report.rejected {
            for problem in &row.problems {
                assert!(!problem.reason_en.is_empty());
            }
        }

        let stored = families(&db).await?;
        let ids: Vec<&str> = stored.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(ids, ["F-001", "F-002"], "no family of a rejected row");
        assert_eq!(family(&stored, "F-001").map(|f| f.7), Some(1));
        assert_eq!(
            family(&stored, "F-002").map(|f| f.4.as_str()),
            Some("Dedi Lestari")
        );
        let stored_people = people(&db).await?;
        assert_eq!(stored_people.len(), 4);
        for nik in &bad_niks {
            let hash = key.lookup_hash(IdKind::Nik, nik);
            assert!(
                stored_people.iter().all(|p| p.1 != hash),
                "a rejected person was stored"
            );
        }
        let head_hash = key.lookup_hash(IdKind::Nik, &nik(1, false));
        let head = stored_people.iter().find(|p| p.1 == head_hash);
        assert_eq!(
            head.map(|p| p.3.as_str()),
            Some("Budi Santoso"),
            "the duplicate changed nothing"
        );

        let report_text = std::fs::read_to_string(registry_import::default_report_path(&path))?;
        let mut reader = csv::Reader::from_reader(report_text.as_bytes());
        let written: Vec<(u64, String)> = reader
            .records()
            .map(|record| {
                let record = record?;
                let line = record.get(0).unwrap_or_default().parse().unwrap_or(0);
                Ok((line, record.get(1).unwrap_or_default().to_string()))
            })
            .collect::<Result<_, csv::Error>>()?;
        let want: Vec<(u64, String)> = expected
            .iter()
            .map(|(line, field, _)| (*line, field.to_string()))
            .collect();
        assert_eq!(written, want);
        for nik in bad_niks.iter().chain([&nik(1, false)]) {
            assert!(
                !report_text.contains(nik.as_str()),
                "clear NIK in the report"
            );
        }
        outcomes.push(problems);
    }
    assert_eq!(outcomes[0], outcomes[1], "the batch size changes nothing");
    Ok(())
}

#[tokio::test]
async fn line_numbers_hold_with_crlf_blank_lines_and_quoted_newlines() -> TestResult {
    let db = database_with_areas().await?;
    let good = good_rows();
    let multi_line = Row {
        address: "Dusun Manis\nRT 001/RW 003",
        ..good[4].clone()
    };
    let bad_desil = Row {
        desil: "11",
        ..good[5].clone()
    };
    let bad_nik = Row {
        nik: "3209013201850011".into(),
        ..good[6].clone()
    };
    let text = format!(
        "{HEADER}\r\n{}\r\n\r\n{}\r\n{}\r\n{}",
        good[0].csv(),
        bad_desil.csv(),
        multi_line.csv(),
        bad_nik.csv()
    );
    let dir = TempDir::new()?;
    let path = dir.write("crlf.csv", text.as_bytes())?;
    let report = import(&db, &path, 0).await?;
    assert_eq!(
        (
            report.rows_total,
            report.rows_accepted,
            report.rows_rejected
        ),
        (4, 2, 2),
        "{:#?}",
        report.rejected
    );
    let lines: Vec<(u64, String)> = problems_of(&report.rejected)
        .into_iter()
        .map(|(line, field, _)| (line, field))
        .collect();
    assert_eq!(lines, [(4, "desil".to_string()), (7, "nik".to_string())]);
    let stored = families(&db).await?;
    assert_eq!(
        family(&stored, "F-002").and_then(|f| f.6.as_deref()),
        Some("Dusun Manis\nRT 001/RW 003")
    );
    assert_eq!(
        family(&stored, "F-001").map(|f| f.8.as_str()),
        Some(r#"["pkh","bpnt"]"#),
        "no carriage return left in the last field"
    );
    Ok(())
}

#[tokio::test]
async fn batch_size_does_not_change_the_outcome() -> TestResult {
    let dir = TempDir::new()?;
    // F-002's head comes after its first row: with one-row batches the head's name
    // reaches a family stored by an earlier batch.
    let path = dir.write("registry.csv", &csv_of(&good_rows()))?;
    let reference = database_with_areas().await?;
    import(&reference, &path, 0).await?;
    for batch_rows in [1, 3] {
        let db = database_with_areas().await?;
        let report = import(&db, &path, batch_rows).await?;
        assert_eq!((report.families_upserted, report.rows_accepted), (3, 7));
        assert_eq!(families(&db).await?, families(&reference).await?);
        assert_eq!(people(&db).await?, people(&reference).await?);
    }
    Ok(())
}

/// Families whose rows come apart (another family between them), each with a
/// person listed twice and a second head, one with a row whose family fields
/// differ, at batch sizes 1 to 4 (so batches end on refused rows and on
/// families cut in two, and meet families written by the batch just before and
/// by batches further back), also as a district's own import: each refuses
/// the same rows as one batch does.
#[tokio::test]
async fn families_met_again_across_batches_refuse_the_same_rows() -> TestResult {
    let f1 = |nik_serial, name, rel| {
        row(
            "F-001",
            1,
            nik_serial,
            false,
            name,
            rel,
            "32.09.01.2008",
            "1",
            "pkh",
        )
    };
    let f2 = |nik_serial, name, rel| {
        row(
            "F-002",
            2,
            nik_serial,
            false,
            name,
            rel,
            "32.09.01.2008",
            "2",
            "",
        )
    };
    let rows = vec![
        f1(1, "Budi Santoso", "3"),
        f1(2, "Siti Aminah", "1"),
        f1(1, "Budi Santoso", "3"),
        f2(3, "Dedi Lestari", "1"),
        f1(4, "Agus Santoso", "3"),
        f1(2, "Siti Aminah", "3"),
        f2(5, "Rina Lestari", "1"),
        f1(6, "Wawan Santoso", "1"),
        f2(3, "Dedi Lestari", "3"),
        f2(7, "Tono Lestari", "3"),
        Row {
            desil: "3",
            ..f1(8, "Eka Santoso", "3")
        },
        f2(9, "Yanti Lestari", "3"),
    ];
    let dir = TempDir::new()?;
    let path = dir.write("terpisah.csv", &csv_of(&rows))?;
    let reference = database_with_areas().await?;
    let whole = import(&reference, &path, 0).await?;
    let refused: Vec<u64> = whole.rejected.iter().map(|row| row.line).collect();
    // Lines 4, 7 and 10 list a person twice, 8 and 9 a second head, 12 another desil.
    assert_eq!(refused, [4, 7, 8, 9, 10, 12]);
    assert_eq!(
        (
            whole.rows_accepted,
            whole.families_upserted,
            whole.rows_rejected
        ),
        (6, 2, 6)
    );
    let district = shared::geo::AreaCode::parse("32.09")?;
    for (batch_rows, confined) in [
        (1, false),
        (2, false),
        (3, false),
        (4, false),
        (1, true),
        (3, true),
    ] {
        let db = database_with_areas().await?;
        let options = ImportOptions {
            batch_rows,
            confine_to_district: confined,
            reading: registry_import::Reading {
                district: confined.then(|| district.clone()),
                ..Default::default()
            },
            ..ImportOptions::default()
        };
        let report = registry_import::import(&db, &data_key(), &path, options).await?;
        let lines: Vec<u64> = report.rejected.iter().map(|row| row.line).collect();
        let run = format!("batch size {batch_rows}, district's own: {confined}");
        assert_eq!(lines, refused, "{run}");
        assert_eq!(
            (report.rows_accepted, report.families_upserted),
            (6, 2),
            "{run}"
        );
        assert_eq!(families(&db).await?, families(&reference).await?, "{run}");
        assert_eq!(people(&db).await?, people(&reference).await?, "{run}");
    }
    let stored = families(&reference).await?;
    assert_eq!(
        family(&stored, "F-001").map(|f| (f.4.as_str(), f.7)),
        Some(("Siti Aminah", 1))
    );
    assert_eq!(
        family(&stored, "F-002").map(|f| f.4.as_str()),
        Some("Dedi Lestari")
    );
    Ok(())
}

#[tokio::test]
async fn xlsx_imports_the_same_as_csv() -> TestResult {
    let dir = TempDir::new()?;
    let rows = good_rows();
    let csv_path = dir.write("registry.csv", &csv_of(&rows))?;
    let from_csv = database_with_areas().await?;
    import(&from_csv, &csv_path, 0).await?;

    let xlsx_path = dir.0.join("registry.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, name) in HEADER.split(',').enumerate() {
        sheet.write_string(0, u16::try_from(column)?, name)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let at = u32::try_from(index)? + 1;
        for (column, cell) in row.cells().iter().enumerate() {
            let column = u16::try_from(column)?;
            if cell.is_empty() {
                continue;
            }
            // Numbers where Excel users type numbers: hubungan and desil.
            if column == 5 || column == 8 {
                sheet.write_number(at, column, cell.parse::<f64>()?)?;
            } else {
                sheet.write_string(at, column, cell)?;
            }
        }
    }
    // A NIK typed as a number: Excel keeps 15 digits, so the row is refused.
    let numeric = rows.len() as u32 + 1;
    for (column, cell) in row("X-20", 9, 30, false, "Angka", "1", "32.09.01.2008", "2", "")
        .cells()
        .iter()
        .enumerate()
    {
        let column = u16::try_from(column)?;
        if column == 3 {
            sheet.write_number(numeric, column, cell.parse::<f64>()?)?;
        } else {
            sheet.write_string(numeric, column, cell)?;
        }
    }
    workbook.save(&xlsx_path)?;

    let from_xlsx = database_with_areas().await?;
    let report = import(&from_xlsx, &xlsx_path, 0).await?;
    assert_eq!(
        (
            report.rows_total,
            report.rows_accepted,
            report.rows_rejected
        ),
        (8, 7, 1)
    );
    let problems = problems_of(&report.rejected);
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].0, problems[0].1.as_str()), (9, "nik"));
    assert!(problems[0].2.contains("sebagai Teks"), "{}", problems[0].2);
    assert_eq!(families(&from_xlsx).await?, families(&from_csv).await?);
    assert_eq!(people(&from_xlsx).await?, people(&from_csv).await?);
    Ok(())
}

/// A list as a district office keeps it: saved by Excel in an Indonesian
/// locale (`;`, Windows-1252), a title above the header and a row numbering
/// the columns under it, the office's column names, SHDK and programmes in
/// words, villages by name in their sub-district, RT/RW in one cell.
fn office_list(rows: &[Row]) -> Vec<u8> {
    let mut text = String::from(
        "DAFTAR KELUARGA DTSEN KABUPATEN CIREBON;;;;;;;;;;;;\r\n\
         ;;;;;;;;;;;;\r\n\
         NO;ID KELUARGA;SUMBER DATA;NOMOR KK;NIK;NAMA LENGKAP;SHDK;KECAMATAN;DESA/KELURAHAN;RT/RW;DUSUN;ALAMAT;DESIL;PROGRAM BANTUAN\r\n\
         1;2;3;4;5;6;7;8;9;10;11;12;13;14\r\n",
    );
    let shdk = |number: &str| match number {
        "1" => "KEPALA KELUARGA",
        "2" => "Istri",
        _ => "anak",
    };
    fn place(village: &str) -> (&str, &str) {
        match village {
            "32.09.01.2008" => ("Waled", "Waled Desa"),
            "3209022001" => ("", "JATISEENG"),
            other => ("", other),
        }
    }
    for (number, row) in rows.iter().enumerate() {
        let (sub_district, village) = place(row.village);
        let programmes = row.programmes.replace("pkh;bpnt", "PKH, BPNT");
        let dusun = if row.family == "F-003" {
            "Pasir Pétak"
        } else {
            "Kliwon"
        };
        text.push_str(&format!(
            "{};{};{};{};{};{};{};{};{};001/002;{};\"{}\";Desil {};\"{}\"\r\n",
            number + 1,
            row.family,
            row.source.to_uppercase(),
            row.kk,
            row.nik,
            row.name,
            shdk(row.relationship),
            sub_district,
            village,
            dusun,
            row.address,
            row.desil,
            programmes,
        ));
    }
    // Windows-1252: `é` is one byte.
    text.chars()
        .map(|c| if c == 'é' { 0xE9 } else { c as u8 })
        .collect()
}

#[tokio::test]
async fn a_list_as_an_office_keeps_it_imports_as_the_documented_file_does() -> TestResult {
    let dir = TempDir::new()?;
    let good = good_rows();
    let from_csv = database_with_areas().await?;
    import(&from_csv, &dir.write("registry.csv", &csv_of(&good))?, 0).await?;

    // Two more rows: a village misspelt, a NIK Excel wrote in scientific form.
    let mut rows = good.clone();
    rows.push(Row {
        village: "Jatisseng",
        ..row("X-01", 9, 31, false, "Warga Uji", "1", "", "3", "")
    });
    rows.push(Row {
        nik: "3,20901E+15".into(),
        ..row(
            "X-02",
            9,
            32,
            false,
            "Warga Uji",
            "1",
            "32.09.01.2008",
            "3",
            "",
        )
    });
    let path = dir.write("DTSEN Cirebon.csv", &office_list(&rows))?;
    let district = shared::geo::AreaCode::parse("32.09")?;
    let options = ImportOptions {
        reading: registry_import::Reading {
            district: Some(district),
            ..Default::default()
        },
        ..ImportOptions::default()
    };
    let from_office = database_with_areas().await?;
    let report = registry_import::import(&from_office, &data_key(), &path, options).await?;
    assert_eq!(
        (
            report.rows_total,
            report.rows_accepted,
            report.rows_rejected
        ),
        (9, 7, 2),
        "{:#?}",
        report.rejected
    );
    let problems = problems_of(&report.rejected);
    // Lines: title, blank, header, numbering, then the rows from line 5.
    assert_eq!(
        problems
            .iter()
            .map(|(line, field, _)| (*line, field.as_str()))
            .collect::<Vec<_>>(),
        [(12, "DESA/KELURAHAN"), (13, "NIK")]
    );
    assert!(
        problems[0].2.contains("Jatiseeng"),
        "a near miss offered: {}",
        problems[0].2
    );
    assert!(problems[1].2.contains("Excel"), "{}", problems[1].2);
    assert_eq!(families(&from_office).await?, families(&from_csv).await?);
    assert_eq!(people(&from_office).await?, people(&from_csv).await?);
    type Neighbourhood = (String, Option<String>, Option<String>, Option<String>);
    let kept: Vec<Neighbourhood> = registry_families::Entity::find()
        .all(&from_office)
        .await?
        .into_iter()
        .map(|f| (f.registry_id, f.rt, f.rw, f.dusun))
        .collect();
    assert!(kept.contains(&(
        "F-001".into(),
        Some("001".into()),
        Some("002".into()),
        Some("Kliwon".into())
    )));
    assert!(
        kept.contains(&(
            "F-003".into(),
            Some("001".into()),
            Some("002".into()),
            Some("Pasir Pétak".into())
        )),
        "Windows-1252 read as such: {kept:?}"
    );

    // Without the district, a village's name is refused with what to do.
    let without = database_with_areas().await?;
    let report = import(&without, &path, 0).await?;
    assert_eq!(
        report.rows_accepted, 2,
        "F-003's two people give their village by code"
    );
    let problems = problems_of(&report.rejected);
    assert!(
        problems.iter().any(|(line, field, reason)| *line == 5
            && field == "DESA/KELURAHAN"
            && reason.contains("--district")),
        "{problems:#?}"
    );
    Ok(())
}

/// The definitions of the registry's indexes (name and SQL), on SQLite.
async fn sqlite_indexes(db: &DatabaseConnection) -> Result<Vec<(String, String)>, sea_orm::DbErr> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('registry_people', 'registry_families') ORDER BY name",
        ))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "name")?, row.try_get("", "sql")?)))
        .collect()
}

/// A large file on SQLite drops the hash indexes inside the transaction and
/// builds them again at its end: the same state as row-by-row upkeep, the
/// same indexes after, and a failed import leaves them as they were.
#[tokio::test]
async fn indexes_set_aside_for_a_large_file_come_back_whole() -> TestResult {
    let dir = TempDir::new()?;
    let path = dir.write("registry.csv", &csv_of(&good_rows()))?;
    let kept = database_with_areas().await?;
    import(&kept, &path, 0).await?;
    let rebuilt = database_with_areas().await?;
    if rebuilt.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return Ok(()); // SQLite only; PostgreSQL keeps its indexes.
    }
    let indexes_before = sqlite_indexes(&rebuilt).await?;
    assert!(
        indexes_before
            .iter()
            .any(|(name, _)| name == "idx_registry_people_nik_hash")
    );
    // Cancelled after its first batch: the drop is rolled back with the rest.
    let options = ImportOptions {
        batch_rows: 2,
        rebuild_indexes: Some(true),
        progress: Progress::Callback(Arc::new(|_: &ImportProgress| ControlFlow::Break(()))),
        ..ImportOptions::default()
    };
    assert!(
        registry_import::import(&rebuilt, &data_key(), &path, options)
            .await
            .is_err()
    );
    assert_eq!(sqlite_indexes(&rebuilt).await?, indexes_before);
    let options = ImportOptions {
        batch_rows: 2,
        rebuild_indexes: Some(true),
        ..ImportOptions::default()
    };
    registry_import::import(&rebuilt, &data_key(), &path, options).await?;
    assert_eq!(sqlite_indexes(&rebuilt).await?, indexes_before);
    assert_eq!(families(&rebuilt).await?, families(&kept).await?);
    assert_eq!(people(&rebuilt).await?, people(&kept).await?);
    Ok(())
}

async fn household(
    db: &DatabaseConnection,
    number: &str,
) -> Result<households::Model, Box<dyn std::error::Error>> {
    let key = data_key();
    let now = Utc::now();
    Ok(households::ActiveModel {
        id: NotSet,
        kk_hash: Set(key.lookup_hash(IdKind::NoKk, number)),
        kk_sealed: Set(key.seal(number)),
        kk_masked: Set(NoKk::parse(number)?.masked()),
        head_name: Set("Kepala Uji".into()),
        village_code: Set("32.09.01.2008".into()),
        dusun: Set(None),
        rw: Set(None),
        rt: Set(None),
        street: Set(None),
        registry_id: Set(None),
        desil: Set(None),
        income_band: Set("below_500k".into()),
        details: Set("{}".into()),
        status: Set("active".into()),
        merged_into: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(db)
    .await?)
}

#[tokio::test]
async fn households_with_a_matching_kk_get_registry_id_and_desil() -> TestResult {
    let db = database_with_areas().await?;
    let matching = household(&db, &kk(1)).await?;
    let other = household(&db, &kk(77)).await?;
    // Rows written here bypass the services: count them as a bulk load would.
    let txn = sea_orm::TransactionTrait::begin(&db).await?;
    server::services::stats::rebuild(&txn).await?;
    txn.commit().await?;
    let dir = TempDir::new()?;
    let rows = good_rows();
    let path = dir.write("registry.csv", &csv_of(&rows))?;

    let report = import(&db, &path, 0).await?;
    assert_eq!(report.households_linked, 1);
    // The dashboard counters follow the linked household in the import's transaction.
    assert_eq!(
        desil_counts(&db).await?,
        [("-".to_string(), 1), ("1".to_string(), 1)]
    );
    let linked = households::Entity::find_by_id(matching.id)
        .one(&db)
        .await?
        .ok_or("household missing")?;
    assert_eq!(linked.registry_id.as_deref(), Some("F-001"));
    assert_eq!(linked.desil, Some(1));
    assert_eq!(linked.version, 2, "a changed household gets a new version");
    let untouched = households::Entity::find_by_id(other.id)
        .one(&db)
        .await?
        .ok_or("household missing")?;
    assert_eq!(untouched, other);

    let again = import(&db, &path, 0).await?;
    assert_eq!(
        again.households_linked, 0,
        "nothing changed, nothing rewritten"
    );

    let changed: Vec<Row> = rows
        .iter()
        .map(|r| Row {
            desil: if r.family == "F-001" { "2" } else { r.desil },
            ..r.clone()
        })
        .collect();
    let path = dir.write("registry-2.csv", &csv_of(&changed))?;
    let third = import(&db, &path, 0).await?;
    assert_eq!(third.households_linked, 1);
    let relinked = households::Entity::find_by_id(matching.id)
        .one(&db)
        .await?
        .ok_or("household missing")?;
    assert_eq!((relinked.desil, relinked.version), (Some(2), 3));
    assert_eq!(
        desil_counts(&db).await?,
        [("-".to_string(), 1), ("2".to_string(), 1)]
    );
    Ok(())
}

/// The district's household counters by desil (non-zero only).
async fn desil_counts(db: &DatabaseConnection) -> Result<Vec<(String, i64)>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    use server::entities::area_stats;
    Ok(area_stats::Entity::find()
        .filter(area_stats::Column::AreaCode.eq("32.09"))
        .filter(area_stats::Column::Metric.eq("hh"))
        .filter(area_stats::Column::Value.ne(0))
        .order_by_asc(area_stats::Column::K1)
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.k1, row.value))
        .collect())
}

#[tokio::test]
async fn a_failed_or_cancelled_import_applies_nothing_and_is_recorded() -> TestResult {
    let db = database_with_areas().await?;
    let dir = TempDir::new()?;
    let path = dir.write("registry.csv", &csv_of(&good_rows()))?;
    let report_path = registry_import::default_report_path(&path);
    assert_eq!(
        report_path,
        dir.0.join("registry.csv.rejected.csv"),
        "the report sits next to the input"
    );

    // Cancelled after two batches of two rows were written inside the transaction.
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let options = ImportOptions {
        rejected_report: Some(report_path.clone()),
        batch_rows: 2,
        progress: Progress::Callback(Arc::new(move |_: &ImportProgress| {
            if counted.fetch_add(1, Ordering::SeqCst) >= 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })),
        ..ImportOptions::default()
    };
    let error = registry_import::import(&db, &data_key(), &path, options)
        .await
        .err()
        .ok_or("a cancelled import must fail")?;
    assert!(format!("{error:#}").contains("cancelled"), "{error:#}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(families(&db).await?.is_empty(), "nothing applied");
    assert!(people(&db).await?.is_empty());
    assert!(!report_path.exists(), "no partial report");

    // A header without the desil column.
    let broken = dir.write(
        "no-desil.csv",
        b"id_keluarga,sumber,no_kk,nik,nama,hubungan,kode_wilayah,alamat,program\n",
    )?;
    let error = import(&db, &broken, 0)
        .await
        .err()
        .ok_or("a header without desil must fail")?;
    assert!(format!("{error:#}").contains("desil"), "{error:#}");

    // Not a registry file type.
    let text = dir.write("registry.txt", b"hello")?;
    assert!(import(&db, &text, 0).await.is_err());

    let runs = registry_imports::Entity::find().all(&db).await?;
    assert_eq!(runs.len(), 3);
    assert!(
        runs.iter()
            .all(|run| run.status == "failed" && run.finished_at.is_some())
    );
    assert!(families(&db).await?.is_empty());

    // The same file imports once nothing cancels it.
    let report = import(&db, &path, 2).await?;
    assert_eq!(report.rows_accepted, 7);
    assert_eq!(families(&db).await?.len(), 3);
    Ok(())
}
