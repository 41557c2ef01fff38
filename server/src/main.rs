//! `slrt`: the SLRT Portal executable (serve, migrate, import-areas, seed-demo, create-admin).

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use app::api::ssr::SessionCookie;
use clap::{Parser, Subcommand, ValueEnum};
use server::cli::{
    backup, bare_list, bench, create_admin, db_check, import_areas, seed_demo, seed_scale,
};
use server::protect::DataKey;
use server::services::{self, ServiceConfig, SessionPolicy};
use server::{db, web};
use shared::deadline::HolidayCalendar;
use shared::roles::Role;
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's malloc: many threads allocating and freeing the
/// small strings of a render spent a fifth of the CPU in glibc's arenas
/// (profile of `/kasus` under load, see README Benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "slrt",
    version,
    about = "SLRT Portal: Sistem Layanan dan Rujukan Terpadu"
)]
struct Cli {
    /// Database: `sqlite://data/slrt.db` (default) or `postgres://user:pass@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/slrt.db",
        global = true
    )]
    database_url: String,
    /// Log format on standard error.
    #[arg(long, env = "SLRT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    /// File holding the data key that protects NIK and No KK (created if missing).
    #[arg(
        long,
        env = "SLRT_DATA_KEY_FILE",
        default_value = "data/slrt.key",
        global = true
    )]
    data_key_file: PathBuf,
    #[command(subcommand)]
    command: Command,
}

impl Cli {
    /// The data key: `SLRT_DATA_KEY` (64 hex characters) or the key file.
    fn data_key(&self) -> anyhow::Result<DataKey> {
        match std::env::var("SLRT_DATA_KEY") {
            Ok(hex) => Ok(DataKey::from_hex(&hex)?),
            Err(_) => Ok(DataKey::load_or_create(&self.data_key_file)?),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal over HTTP.
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "SLRT_LISTEN", default_value = "127.0.0.1:3000")]
        listen: SocketAddr,
        /// Folder with the built browser files (`pkg/slrt.js`, `.wasm`, `.css`).
        #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
        site_root: String,
        /// Send the session cookie over plain http too (local runs only).
        #[arg(long, env = "SLRT_INSECURE_COOKIES")]
        insecure_cookies: bool,
        /// Behind a reverse proxy: take the client's address from the last
        /// `X-Forwarded-For` entry (for the audit log and sign-in throttling).
        #[arg(long, env = "SLRT_TRUST_PROXY")]
        trust_proxy: bool,
        /// A demonstration server: the published demo password is accepted as it is
        /// (elsewhere an account signing in with it must change it first).
        #[arg(long, env = "SLRT_DEMO")]
        demo: bool,
        /// Apply pending migrations before serving.
        #[arg(long)]
        migrate: bool,
        /// Minutes of inactivity after which a session ends.
        #[arg(long, env = "SLRT_SESSION_IDLE_MINUTES", default_value_t = 60)]
        session_idle_minutes: u64,
        /// Hours after login at which a session ends regardless of use.
        #[arg(long, env = "SLRT_SESSION_MAX_HOURS", default_value_t = 12)]
        session_max_hours: u64,
        /// Holiday list (`yyyy-mm-dd name` per line) instead of the built-in fixed-date holidays.
        #[arg(long, env = "SLRT_HOLIDAYS_FILE")]
        holidays_file: Option<PathBuf>,
        /// Requests answered at once; more wait for their turn.
        #[arg(long, env = "SLRT_MAX_IN_FLIGHT", default_value_t = 16)]
        max_in_flight: usize,
        /// Requests that may wait for a turn; beyond them the server answers 503 at once.
        #[arg(long, env = "SLRT_MAX_QUEUED", default_value_t = 4096)]
        max_queued: usize,
        /// Folder the uploaded documents (KK, KTP, letters, photos) are kept in,
        /// outside the site root: default `files/` beside the SQLite database
        /// file (`data/files` with PostgreSQL).
        #[arg(long, env = "SLRT_FILES_DIR")]
        files_dir: Option<PathBuf>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load Kemendagri area codes from the `idn-area-data` CSV folder.
    ImportAreas {
        /// Folder holding provinces.csv, regencies.csv, districts.csv, villages.csv.
        dir: PathBuf,
        /// Do nothing when the area table already has rows.
        #[arg(long)]
        if_empty: bool,
    },
    /// Import the district's registry slice (DTKS/DTSEN) from a spreadsheet; see docs/registry-import.md.
    ImportRegistry {
        /// The registry file: XLSX, XLS or ODS (first visible worksheet), or
        /// CSV/text with `,` `;` or tab, UTF-8 or Windows-1252 (told by content).
        file: PathBuf,
        /// Where to write the rejected rows (default: `<file>.rejected.csv`).
        #[arg(long)]
        report: Option<PathBuf>,
        /// The district (`32.09`) whose village and sub-district names the
        /// file may give instead of codes.
        #[arg(long)]
        district: Option<String>,
    },
    /// Create the demo district: accounts, catalogue, households, cases (only into a database without users).
    SeedDemo {
        /// Also this many front-desk accounts of the district (`fo.cirebon.001`..)
        /// and of Waled's first village (`fo.waled.001`..), for load tests.
        #[arg(long, default_value_t = 0)]
        desks: usize,
    },
    /// Generate synthetic households (with members, registry records, cases) for benchmarks.
    SeedScale {
        /// How many households.
        #[arg(long)]
        households: u64,
        /// Seed of the random generator (the same seed gives the same data).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// District codes whose villages receive the households.
        #[arg(long, default_value = seed_scale::DEFAULT_DISTRICTS)]
        districts: String,
    },
    /// Time the calls staff wait on (NIK lookup, case lists) against this database; prints a table.
    Bench {
        /// NIK lookups to time.
        #[arg(long, default_value_t = 1000)]
        lookups: usize,
        /// Case lists to time (of each kind).
        #[arg(long, default_value_t = 200)]
        lists: usize,
    },
    /// Recount every dashboard figure from the records (after loading data by hand, or to repair).
    StatsRebuild,
    /// Check that the database is whole (integrity, links between records); exits 1 if not.
    DbCheck {
        /// Also print the rows of the main tables (`table <name> <rows>`).
        #[arg(long)]
        counts: bool,
    },
    /// Serve the benchmark's yardstick: a bare list of one village's cases at `/cases?village=`.
    BareList {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:3001")]
        listen: SocketAddr,
    },
    /// Write a consistent copy of the live SQLite database to a new file.
    Backup {
        /// The new backup file (never overwritten).
        path: PathBuf,
    },
    /// Create an account; the password is read from SLRT_ADMIN_PASSWORD or standard input.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        /// Role code (default: admin).
        #[arg(long, default_value = "admin")]
        role: String,
        /// Area code the role covers; omit for the whole nation.
        #[arg(long)]
        area: Option<String>,
    },
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env("SLRT_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Makes the documents folder and refuses one inside the served site (its
/// files would be reachable by their path).
fn check_files_dir(files_dir: &std::path::Path, site_root: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(files_dir)
        .with_context(|| format!("cannot make the documents folder {}", files_dir.display()))?;
    let files = std::fs::canonicalize(files_dir)
        .with_context(|| format!("cannot read {}", files_dir.display()))?;
    if let Ok(site) = std::fs::canonicalize(site_root)
        && files.starts_with(&site)
    {
        anyhow::bail!(
            "the documents folder {} lies inside the site root {site_root}: choose another (--files-dir)",
            files.display()
        );
    }
    tracing::info!(folder = %files.display(), "documents are kept here");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let db = db::connect(&cli.database_url)
        .await
        .context("cannot open the database")?;
    let data_key = || cli.data_key();
    match &cli.command {
        Command::Serve {
            listen,
            site_root,
            insecure_cookies,
            trust_proxy,
            demo,
            migrate,
            session_idle_minutes,
            session_max_hours,
            holidays_file,
            max_in_flight,
            max_queued,
            files_dir,
        } => {
            let (listen, insecure_cookies) = (*listen, *insecure_cookies);
            if *migrate {
                db::migrate(&db).await.context("migration failed")?;
            }
            let policy = SessionPolicy {
                idle_timeout: Duration::from_secs(session_idle_minutes * 60),
                absolute_timeout: Duration::from_secs(session_max_hours * 3600),
            };
            let calendar = match holidays_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    HolidayCalendar::parse(&text)
                        .map_err(|error| anyhow::anyhow!(error.message_en()))?
                }
                None => services::builtin_holidays(),
            };
            let cookie = SessionCookie {
                secure: !insecure_cookies,
                max_age_seconds: i64::try_from(policy.absolute_timeout.as_secs())
                    .unwrap_or(i64::MAX),
            };
            if insecure_cookies {
                tracing::warn!(
                    "session cookies are sent over plain http: use this only on a local machine"
                );
            }
            let files_dir = files_dir
                .clone()
                .unwrap_or_else(|| db::files_dir_beside(&cli.database_url));
            check_files_dir(&files_dir, site_root)?;
            let files = server::files::FileStore::new(files_dir);
            let store = services::store::Store::new(db.clone());
            services::housekeeping::spawn(store.clone(), policy, files.clone());
            services::housekeeping::spawn_checkpoints(store.clone());
            services::housekeeping::spawn_duplicate_scans(store.clone());
            let state = web::AppState {
                leptos_options: web::leptos_options(site_root, listen),
                services: services::build_on(
                    store,
                    ServiceConfig {
                        sessions: policy,
                        throttle: services::LoginThrottle::default(),
                        key: data_key()?,
                        calendar,
                        demo: *demo,
                        lookups: (
                            services::lookup_limit::USER_BURST,
                            services::lookup_limit::USER_PERIOD,
                        ),
                        files,
                        export_page_rows: services::export::EXPORT_PAGE_ROWS,
                    },
                ),
                // The pool is shared (a handle on it); the server keeps it open.
                db: db.clone(),
                cookie,
                trust_proxy: *trust_proxy,
            };
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            tracing::info!("SLRT Portal listening on http://{listen}");
            axum::serve(
                listener,
                web::router_with(
                    state,
                    web::Limits {
                        in_flight: *max_in_flight,
                        queued: *max_queued,
                        ..web::Limits::default()
                    },
                )
                .into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown_signal())
            .await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            db::migrate(&db).await.context("migration failed")?;
            tracing::info!("database is up to date");
        }
        Command::ImportAreas { dir, if_empty } => {
            db::migrate(&db).await.context("migration failed")?;
            if *if_empty && import_areas::has_areas(&db).await? {
                tracing::info!("areas already loaded; import skipped");
                return Ok(());
            }
            let report = import_areas::run(&db, dir).await?;
            tracing::info!(
                provinces = report.provinces,
                districts = report.districts,
                subdistricts = report.subdistricts,
                villages = report.villages,
                "areas imported"
            );
        }
        Command::ImportRegistry {
            file,
            report,
            district,
        } => {
            use server::registry_import;
            let district = district
                .as_deref()
                .map(|code| {
                    shared::geo::AreaCode::parse(code)
                        .and_then(|code| code.require_level(shared::geo::AreaLevel::District))
                        .map_err(|error| {
                            anyhow::anyhow!("--district {code}: {}", error.message_en())
                        })
                })
                .transpose()?;
            db::migrate(&db).await.context("migration failed")?;
            let report_path = report
                .clone()
                .unwrap_or_else(|| registry_import::default_report_path(file));
            let options = registry_import::ImportOptions {
                rejected_report: Some(report_path.clone()),
                progress: registry_import::Progress::Terminal,
                reading: registry_import::Reading {
                    district,
                    ..Default::default()
                },
                ..Default::default()
            };
            let outcome = registry_import::import(&db, &data_key()?, file, options).await?;
            tracing::info!(
                import_id = outcome.import_id,
                rows = outcome.rows_total,
                accepted = outcome.rows_accepted,
                rejected = outcome.rows_rejected,
                families = outcome.families_upserted,
                people = outcome.people_upserted,
                households_linked = outcome.households_linked,
                proposals_enacted = outcome.proposals.enacted.len(),
                seconds = format!("{:.1}", outcome.elapsed.as_secs_f64()),
                rows_per_second = outcome.rows_per_second() as u64,
                "registry imported"
            );
            if !outcome.proposals.still_missing.is_empty() {
                tracing::warn!(
                    proposals = ?outcome.proposals.still_missing,
                    "new-family proposals sent to Kemensos are still missing from the registry"
                );
            }
            if outcome.rows_rejected > 0 {
                tracing::warn!(
                    rejected = outcome.rows_rejected,
                    report = %report_path.display(),
                    "some rows were rejected and not imported; see the report"
                );
            }
        }
        Command::SeedDemo { desks } => {
            db::migrate(&db).await.context("migration failed")?;
            let config = seed_demo::DemoConfig {
                desks: *desks,
                ..seed_demo::DemoConfig::default()
            };
            match seed_demo::run_with(&db, &data_key()?, &config).await? {
                seed_demo::SeedOutcome::Seeded(counts) => tracing::info!(
                    accounts = counts.accounts,
                    households = counts.households,
                    members = counts.members,
                    cases = counts.cases,
                    referrals = counts.referrals,
                    proposals = counts.proposals,
                    "demo data created (password of every demo account: {})",
                    seed_demo::DEMO_PASSWORD
                ),
                seed_demo::SeedOutcome::AlreadySeeded => {
                    tracing::info!("the database already has users; demo seed skipped")
                }
            }
        }
        Command::SeedScale {
            households,
            seed,
            districts,
        } => {
            db::migrate(&db).await.context("migration failed")?;
            let options = seed_scale::ScaleOptions::new(
                *households,
                *seed,
                seed_scale::parse_districts(districts)?,
            );
            let report = seed_scale::run(&db, &data_key()?, &options).await?;
            let seconds = report.elapsed.as_secs_f64();
            tracing::info!(
                households = report.households,
                members = report.members,
                registry_families = report.registry_families,
                cases = report.cases,
                seconds = format!("{seconds:.1}"),
                households_per_second = (report.households as f64 / seconds.max(0.001)) as u64,
                "synthetic data created"
            );
        }
        Command::DbCheck { counts } => {
            let report = db_check::run(&db, *counts).await?;
            for (table, rows) in &report.counts {
                println!("table {table} {rows}");
            }
            if report.problems.is_empty() {
                println!("integrity: ok");
            } else {
                for problem in &report.problems {
                    println!("problem: {problem}");
                }
                anyhow::bail!(
                    "the database is not whole: {} problems",
                    report.problems.len()
                );
            }
        }
        Command::BareList { listen } => {
            bare_list::serve(db.clone(), *listen).await?;
        }
        Command::StatsRebuild => {
            db::migrate(&db).await.context("migration failed")?;
            let started = std::time::Instant::now();
            let txn = sea_orm::TransactionTrait::begin(&db).await?;
            services::stats::rebuild(&txn).await?;
            txn.commit().await?;
            tracing::info!(
                seconds = format!("{:.1}", started.elapsed().as_secs_f64()),
                "dashboard figures recounted"
            );
        }
        Command::Bench { lookups, lists } => {
            let key = data_key()?;
            // One account times hundreds of look-ups: the per-user allowance
            // that guards the registry against enumeration would stop it.
            let config = ServiceConfig {
                lookups: (u32::MAX, std::time::Duration::from_nanos(1)),
                ..ServiceConfig::with_key(key.clone())
            };
            let services = services::build(db.clone(), config);
            let options = bench::BenchOptions {
                lookups: *lookups,
                lists: *lists,
                seed: 7,
            };
            let rows = bench::run(&db, &key, &services, options).await?;
            bench::print_table(
                "Service timings (SQLite unless DATABASE_URL says otherwise)",
                &rows,
            );
        }
        Command::Backup { path } => {
            let bytes = backup::run(&db, path).await?;
            tracing::info!(path = %path.display(), bytes, "backup written");
            eprintln!(
                "Ingat: simpan juga salinan kunci data ({}, atau SLRT_DATA_KEY) di tempat yang aman; \
                 tanpa kunci itu NIK dan No KK dalam cadangan tidak dapat dibaca. \
                 Remember to back up the data key too: without it the NIK and No KK in the backup cannot be read.",
                cli.data_key_file.display()
            );
        }
        Command::CreateAdmin {
            username,
            full_name,
            role,
            area,
        } => {
            db::migrate(&db).await.context("migration failed")?;
            let role = Role::from_code(role).with_context(|| format!("unknown role `{role}`"))?;
            let password = match std::env::var("SLRT_ADMIN_PASSWORD") {
                Ok(password) => password,
                Err(_) => {
                    eprintln!("Kata sandi / password:");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let id = create_admin::create(
                &db,
                create_admin::NewAccount {
                    username: username.clone(),
                    full_name: full_name.clone(),
                    password,
                    role,
                    area_code: area.clone(),
                },
            )
            .await?;
            tracing::info!(user_id = id, "account created");
        }
    }
    if !matches!(cli.command, Command::Serve { .. }) {
        close(db).await;
    }
    Ok(())
}

/// Closes a one-shot command's connections, so that SQLite merges its
/// write-ahead log into the database file and removes it (the last connection
/// to close does) instead of leaving it for whoever opens the file next. A
/// close that does not finish in 10 s is left to the process's exit.
async fn close(db: sea_orm::DatabaseConnection) {
    match tokio::time::timeout(std::time::Duration::from_secs(10), db.close()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(%error, "closing the database failed"),
        Err(_) => tracing::warn!("closing the database took over 10 s; left to the exit"),
    }
}

/// Resolves on Ctrl-C or SIGTERM, letting open requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => tracing::error!(%error, "cannot listen for SIGTERM"),
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
