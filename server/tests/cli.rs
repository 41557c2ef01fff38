//! The `slrt` executable end to end on a SQLite file: migrate, import areas,
//! seed the demo accounts (twice: the second run changes nothing).

use std::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn slrt(database_url: &str, args: &[&str]) -> Result<std::process::Output, std::io::Error> {
    Command::new(env!("CARGO_BIN_EXE_slrt"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("SLRT_DATA_KEY", "2a".repeat(32))
        .env("SLRT_LOG", "info")
        .output()
}

#[test]
fn migrate_import_and_seed_demo() -> TestResult {
    let dir = std::env::temp_dir().join(format!("slrt-cli-{}", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}/slrt.db", dir.display());
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/areas");

    let migrate = slrt(&url, &["migrate"])?;
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(dir.join("slrt.db").is_file());

    let import = slrt(&url, &["import-areas", fixture])?;
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    assert!(String::from_utf8_lossy(&import.stderr).contains("villages=4"));
    // The command closed its connections: the write-ahead log is merged into
    // the file and gone, not left for the next command to read through.
    let wal = dir.join("slrt.db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |meta| meta.len() == 0),
        "{} left behind",
        wal.display()
    );

    let skipped = slrt(&url, &["import-areas", "--if-empty", fixture])?;
    assert!(String::from_utf8_lossy(&skipped.stderr).contains("import skipped"));

    let seed = slrt(&url, &["seed-demo"])?;
    let log = String::from_utf8_lossy(&seed.stderr);
    assert!(seed.status.success(), "{log}");
    assert!(log.contains("households=3000"), "{log}");
    assert!(!log.contains("accounts=0"), "{log}");

    let again = slrt(&url, &["seed-demo"])?;
    assert!(String::from_utf8_lossy(&again.stderr).contains("demo seed skipped"));

    // The database is whole, and says how much it holds.
    let check = slrt(&url, &["db-check", "--counts"])?;
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(said.contains("integrity: ok"), "{said}");
    assert!(said.contains("table households 3000"), "{said}");
    // A copy with pages overwritten is not.
    let mut damaged = std::fs::read(dir.join("slrt.db"))?;
    for byte in damaged.iter_mut().skip(3 * 4096).take(8 * 4096) {
        *byte = 0xA5;
    }
    std::fs::write(dir.join("damaged.db"), damaged)?;
    let damaged_url = format!("sqlite://{}/damaged.db", dir.display());
    let check = slrt(&damaged_url, &["db-check"])?;
    assert!(
        !check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let missing = slrt(&url, &["import-areas", "/nonexistent/folder"])?;
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot open"));

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
