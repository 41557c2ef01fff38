//! `cargo xtask setup`: installs, idempotently, what building and testing the
//! portal needs, skipping at once whatever is already there.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::{self, Steps, cmd, on_path, output};

/// What the tools are needed for: running needs the build tools only; testing
/// also needs Chromium and PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// How the browser bundle is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmToolchain {
    /// rustup's `wasm32-unknown-unknown` standard library.
    Rustup,
    /// Debian's rustc-web with `-Zbuild-std` and lld (when rustup cannot download).
    DebianBuildStd,
}

/// Paths of the installed tools.
#[derive(Debug, Clone)]
pub struct Tools {
    pub wasm: WasmToolchain,
    pub wasm_bindgen: PathBuf,
    pub chromium: PathBuf,
    /// Folder with `initdb` and `pg_ctl`.
    pub postgres_bin: Option<PathBuf>,
    /// zopfli is installed: the gzip copies of the bundle are ~5% smaller.
    pub zopfli: bool,
    /// rustup's standard library sources are installed: the bundle's standard
    /// library is built for size with it (about 10% smaller).
    pub rust_src: bool,
}

/// The environment variable that hands the tools found by one xtask to another
/// it starts (the browser bundle built beside the Rust tests).
pub const TOOLS_VAR: &str = "SLRT_XTASK_TOOLS";

impl Tools {
    /// The tools as one line for [`TOOLS_VAR`]: fields split by a tab.
    pub fn to_env(&self) -> String {
        let path = |path: &Path| path.to_string_lossy().into_owned();
        [
            match self.wasm {
                WasmToolchain::Rustup => "rustup".to_string(),
                WasmToolchain::DebianBuildStd => "debian".to_string(),
            },
            path(&self.wasm_bindgen),
            path(&self.chromium),
            self.postgres_bin.as_deref().map(path).unwrap_or_default(),
            u8::from(self.zopfli).to_string(),
            u8::from(self.rust_src).to_string(),
        ]
        .join("\t")
    }

    /// The tools handed over by [`Tools::to_env`], or `None` for anything else.
    pub fn from_env(line: &str) -> Option<Tools> {
        let fields: Vec<&str> = line.split('\t').collect();
        let [wasm, wasm_bindgen, chromium, postgres_bin, zopfli, rust_src] = fields.as_slice()
        else {
            return None;
        };
        Some(Tools {
            wasm: match *wasm {
                "rustup" => WasmToolchain::Rustup,
                "debian" => WasmToolchain::DebianBuildStd,
                _ => return None,
            },
            wasm_bindgen: PathBuf::from(wasm_bindgen),
            chromium: PathBuf::from(chromium),
            postgres_bin: (!postgres_bin.is_empty()).then(|| PathBuf::from(postgres_bin)),
            zopfli: *zopfli == "1",
            rust_src: *rust_src == "1",
        })
    }
}

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const DEBIAN_WASM_PACKAGES: [&str; 4] = ["rustc-web", "cargo-web", "rust-web-src", "lld-19"];

pub fn run(root: &Path, purpose: Purpose) -> Result<Tools, String> {
    let mut steps = Steps::new("setup");
    let wasm = steps.run("wasm32 toolchain", wasm_toolchain)?;
    steps.run("node and npm packages", || npm_packages(root))?;
    let wasm_bindgen = steps.run("wasm-bindgen-cli", || wasm_bindgen(root))?;
    let zopfli = steps.run("zopfli", || Ok(zopfli()))?;
    let rust_src = wasm == WasmToolchain::Rustup && steps.run("rust-src", || Ok(rust_src()))?;
    let (chromium, postgres_bin) = if purpose == Purpose::Test {
        let chromium = steps.run("chromium", chromium)?;
        let postgres_bin = steps.run("postgresql server", postgres).map(Some)?;
        (chromium, postgres_bin)
    } else {
        (PathBuf::from("/usr/bin/chromium"), None)
    };
    steps.print();
    Ok(Tools {
        wasm,
        wasm_bindgen,
        chromium,
        postgres_bin,
        zopfli,
        rust_src,
    })
}

/// True when `relative` is a folder inside the active toolchain's sysroot.
fn sysroot_has(relative: &str) -> bool {
    output(&mut cmd("rustc", ["--print", "sysroot"]))
        .is_some_and(|sysroot| Path::new(sysroot.trim()).join(relative).is_dir())
}

fn rustup_rust_src_installed() -> bool {
    sysroot_has("lib/rustlib/src/rust/library/std")
}

/// rustup's `rust-src` component, for building the bundle's standard library
/// for size; without it (no download), the bundle uses the prebuilt one.
fn rust_src() -> bool {
    if !rustup_rust_src_installed() && on_path("rustup") {
        let added = util::status(&mut cmd(
            "timeout",
            ["120", "rustup", "component", "add", "rust-src"],
        ));
        if added.is_err() {
            println!("rust-src unavailable; the bundle uses the prebuilt standard library");
        }
    }
    rustup_rust_src_installed()
}

/// zopfli writes smaller gzip files than `gzip -9`; without it (no apt), the
/// build falls back to gzip.
fn zopfli() -> bool {
    if !on_path("zopfli")
        && let Err(error) = apt_install(&["zopfli"])
    {
        println!("zopfli unavailable ({error}); gzip -9 instead");
    }
    on_path("zopfli")
}

fn rustup_has_wasm_target() -> bool {
    sysroot_has(&format!("lib/rustlib/{WASM_TARGET}/lib"))
}

fn debian_build_std_ready() -> bool {
    Path::new("/usr/lib/rustlib/src/rust/library").is_dir()
        && Path::new("/usr/bin/rustc").is_file()
        && Path::new("/usr/lib/llvm-19/bin/wasm-ld").is_file()
}

fn wasm_toolchain() -> Result<WasmToolchain, String> {
    if rustup_has_wasm_target() {
        println!("rustup's {WASM_TARGET} target is installed");
        return Ok(WasmToolchain::Rustup);
    }
    if on_path("rustup") {
        // rustup's download has been seen to hang: give it a minute at most.
        let added = util::status(&mut cmd(
            "timeout",
            ["60", "rustup", "target", "add", WASM_TARGET],
        ));
        if added.is_ok() && rustup_has_wasm_target() {
            return Ok(WasmToolchain::Rustup);
        }
        println!("rustup could not add {WASM_TARGET}; using Debian's rustc-web with build-std");
    }
    if !debian_build_std_ready() {
        apt_install(&DEBIAN_WASM_PACKAGES)?;
    }
    if debian_build_std_ready() {
        Ok(WasmToolchain::DebianBuildStd)
    } else {
        Err("no WebAssembly toolchain: neither rustup's target nor Debian's rustc-web could be installed".into())
    }
}

fn npm_packages(root: &Path) -> Result<(), String> {
    if !on_path("npm") || !on_path("node") {
        apt_install(&["nodejs", "npm"])?;
    }
    let lock = std::fs::read(root.join("package-lock.json"))
        .map_err(|error| format!("cannot read package-lock.json: {error}"))?;
    let stamp = root.join("node_modules/.slrt-package-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        println!("node_modules matches package-lock.json");
        return Ok(());
    }
    // `npm install`, not `npm ci`: the registry mirror lacks some other platforms'
    // optional packages, which `npm ci` counts as a lockfile mismatch.
    util::status(
        cmd(
            "npm",
            ["install", "--no-audit", "--no-fund", "--loglevel=error"],
        )
        .current_dir(root),
    )?;
    let lock = std::fs::read(root.join("package-lock.json"))
        .map_err(|error| format!("cannot read package-lock.json: {error}"))?;
    std::fs::write(&stamp, lock).map_err(|error| format!("{}: {error}", stamp.display()))
}

fn wasm_bindgen(root: &Path) -> Result<PathBuf, String> {
    let version = util::locked_version(root, "wasm-bindgen")?;
    let install_root = util::cache_dir().join(format!("wasm-bindgen-{version}"));
    let binary = install_root.join("bin/wasm-bindgen");
    let installed = output(&mut cmd(&binary, ["--version"]))
        .map(|out| out.contains(&version))
        .unwrap_or(false);
    if installed {
        println!(
            "wasm-bindgen {version} is installed at {}",
            binary.display()
        );
        return Ok(binary);
    }
    // `--locked` cannot be used: the CLI's own lockfile names crates the registry no longer has.
    util::status(&mut cmd(
        "cargo",
        [
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={version}"),
            "--root",
            &install_root.to_string_lossy(),
        ],
    ))?;
    Ok(binary)
}

fn chromium() -> Result<PathBuf, String> {
    let path = PathBuf::from("/usr/bin/chromium");
    if !path.is_file() {
        apt_install(&["chromium"])?;
    }
    if path.is_file() {
        Ok(path)
    } else {
        Err("chromium is not installed".into())
    }
}

fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn postgres() -> Result<PathBuf, String> {
    if let Some(bin) = postgres_bin() {
        println!("postgresql server binaries in {}", bin.display());
        return Ok(bin);
    }
    apt_install(&["postgresql"])?;
    postgres_bin().ok_or_else(|| "postgresql server binaries not found after install".into())
}

fn is_root() -> bool {
    output(&mut cmd("id", ["-u"]))
        .map(|uid| uid.trim() == "0")
        .unwrap_or(false)
}

/// Installs Debian packages (as root, or through passwordless sudo).
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let prefix: Vec<&str> = if is_root() {
        vec![]
    } else if on_path("sudo") {
        vec!["sudo", "-n"]
    } else {
        return Err(format!(
            "missing Debian packages; please run as root: apt-get install -y {}",
            packages.join(" ")
        ));
    };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = prefix.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut command = cmd(all[0], &all[1..]);
        command.env("DEBIAN_FRONTEND", "noninteractive");
        util::status(&mut command)
    };
    apt(&["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend_from_slice(packages);
    apt(&args)?;
    // Give freshly installed services' post-install scripts a moment.
    std::thread::sleep(Duration::from_millis(200));
    Ok(())
}

#[cfg(test)]
mod handed_over {
    use super::*;

    #[test]
    fn tools_handed_to_another_xtask_come_back_the_same() {
        let tools = Tools {
            wasm: WasmToolchain::DebianBuildStd,
            wasm_bindgen: PathBuf::from("/home/ci/.cargo/bin/wasm-bindgen"),
            chromium: PathBuf::from("/usr/bin/chromium"),
            postgres_bin: None,
            zopfli: true,
            rust_src: false,
        };
        let back = Tools::from_env(&tools.to_env()).map(|t| format!("{t:?}"));
        assert_eq!(back, Some(format!("{tools:?}")));
        let with_postgres = Tools {
            wasm: WasmToolchain::Rustup,
            postgres_bin: Some(PathBuf::from("/usr/lib/postgresql/15/bin")),
            ..tools
        };
        let back = Tools::from_env(&with_postgres.to_env()).map(|t| format!("{t:?}"));
        assert_eq!(back, Some(format!("{with_postgres:?}")));
        assert!(Tools::from_env("rustup\t/x").is_none());
        assert!(Tools::from_env("gcc\ta\tb\t\t1\t1").is_none());
    }
}
