//! Builds the browser side of the portal into `target/site/pkg/`:
//! the WebAssembly bundle (cargo → wasm-bindgen → wasm-opt), the CSS (Tailwind)
//! and gzip copies that the server sends to browsers that accept them.

use std::path::Path;
use std::process::Command;

use crate::setup::{Tools, WasmToolchain};
use crate::util::{self, Steps, cmd};

/// Must equal `LEPTOS_OUTPUT_NAME` in `.cargo/config.toml`.
const OUTPUT_NAME: &str = "slrt";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_PROFILE: &str = "wasm-release";
/// The fast, unoptimised profile of `cargo xtask dev`.
const WASM_DEV_PROFILE: &str = "wasm-dev";

/// How the site is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Small and compressed: what is deployed and tested.
    Release,
    /// Quick to rebuild (`cargo xtask dev`): no optimisation, no compressed copies.
    Dev,
}
/// Where the build-std fallback keeps its artefacts, apart from rustup's.
const BUILD_STD_TARGET_DIR: &str = "target/build-std";

/// A cargo command for the wasm32 target through the available toolchain.
fn wasm_cargo_command(root: &Path, tools: &Tools, args: &[&str]) -> Command {
    let mut command = match tools.wasm {
        WasmToolchain::Rustup => cmd("cargo", args),
        WasmToolchain::DebianBuildStd => {
            let mut command = cmd("/usr/bin/cargo", args);
            command
                .env("RUSTC", "/usr/bin/rustc")
                .env("RUSTC_BOOTSTRAP", "1")
                .args([
                    "-Zbuild-std=std,panic_abort",
                    "--config",
                    "target.wasm32-unknown-unknown.linker=\"/usr/lib/llvm-19/bin/wasm-ld\"",
                    "--target-dir",
                    BUILD_STD_TARGET_DIR,
                ]);
            command
        }
    };
    command.args(["--target", WASM_TARGET]).current_dir(root);
    command
}

/// Runs `cargo <args> --target wasm32-unknown-unknown` with the available toolchain.
pub fn wasm_cargo(root: &Path, tools: &Tools, args: &[&str]) -> Result<(), String> {
    util::status(&mut wasm_cargo_command(root, tools, args))
}

/// Builds WASM, JS and CSS into `target/site/pkg`.
pub fn build_site(root: &Path, tools: &Tools, steps: &mut Steps, mode: Mode) -> Result<(), String> {
    let pkg = root.join("target/site/pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    let release = mode == Mode::Release;
    let profile = if release {
        WASM_PROFILE
    } else {
        WASM_DEV_PROFILE
    };
    steps.run("css (tailwindcss)", || {
        let mut command = cmd(
            root.join("node_modules/.bin/tailwindcss"),
            ["-i", "style/main.css", "-o", "target/site/pkg/slrt.css"],
        );
        if release {
            command.arg("--minify");
        }
        util::status(command.current_dir(root))
    })?;
    steps.run(if release { "wasm (cargo, wasm-release)" } else { "wasm (cargo, wasm-dev)" }, || {
        let mut command = wasm_cargo_command(
            root,
            tools,
            &[
                "rustc",
                "-p",
                "app",
                "--lib",
                "--crate-type",
                "cdylib",
                "--profile",
                profile,
                "--features",
                "hydrate",
            ],
        );
        if release && tools.wasm == WasmToolchain::Rustup && tools.rust_src {
            // The standard library rebuilt for size, with panics that stop at
            // once (no message machinery), no source locations and no Debug
            // text in the bundle: about 7% smaller. Nightly options on the
            // pinned stable compiler, as the Debian fallback above does; the
            // server and the tests are built without them.
            command.env("RUSTC_BOOTSTRAP", "1").args([
                "-Zbuild-std=std,panic_abort",
                "--config",
                "build.rustflags=[\"-Zunstable-options\", \"-Cpanic=immediate-abort\", \"-Zlocation-detail=none\", \"-Zfmt-debug=none\"]",
            ]);
        }
        // Relocations let the splitter move each page group into a module of its own.
        command.args(["--", "-Clink-args=--emit-relocs"]);
        util::status(&mut command)
    })?;
    let target_dir = match tools.wasm {
        WasmToolchain::Rustup => util::cargo_target_dir(root),
        WasmToolchain::DebianBuildStd => root.join(BUILD_STD_TARGET_DIR),
    };
    let raw = target_dir.join(WASM_TARGET).join(profile).join("app.wasm");
    let split_main = raw.with_file_name("app_split.wasm");
    let split = steps.run("wasm-split (one module per page group)", || {
        split_bundle(&raw, &split_main, &pkg)
    })?;
    steps.run("wasm-bindgen", || {
        util::status(&mut cmd(
            &tools.wasm_bindgen,
            [
                "--target",
                "web",
                "--no-typescript",
                // The split modules import the main module's functions by their linker names.
                "--keep-lld-exports",
                "--out-dir",
                &pkg.to_string_lossy(),
                "--out-name",
                OUTPUT_NAME,
                &split_main.to_string_lossy(),
            ],
        ))
    })?;
    let bindgen_wasm = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    let final_wasm = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    if !release {
        std::fs::rename(&bindgen_wasm, &final_wasm)
            .map_err(|e| format!("{}: {e}", bindgen_wasm.display()))?;
        // Compressed copies of an earlier release build would be served instead.
        for file in files_in(&pkg)? {
            if matches!(file.extension().and_then(|e| e.to_str()), Some("gz" | "br")) {
                std::fs::remove_file(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            }
        }
        return publish(&pkg).map(|_| ());
    }
    steps.run("wasm-opt -Oz (binaryen from npm)", || {
        wasm_opt(root, &bindgen_wasm, &final_wasm)?;
        std::fs::remove_file(&bindgen_wasm)
            .map_err(|e| format!("{}: {e}", bindgen_wasm.display()))?;
        for module in &split.split_modules {
            wasm_opt(root, module, module)?;
        }
        Ok(())
    })?;
    steps.run(
        if tools.zopfli {
            "gzip copies (zopfli)"
        } else {
            "gzip copies (gzip -9)"
        },
        || {
            for file in files_in(&pkg)? {
                let compress = matches!(
                    file.extension().and_then(|e| e.to_str()),
                    Some("wasm" | "js" | "css" | "json")
                );
                if compress {
                    gzip(&file, tools.zopfli)?;
                }
            }
            Ok(())
        },
    )?;
    steps.run("brotli copies (node zlib, quality 11)", || {
        let files: Vec<String> = files_in(&pkg)?
            .into_iter()
            .filter(|file| {
                matches!(
                    file.extension().and_then(|e| e.to_str()),
                    Some("wasm" | "js" | "css" | "json")
                )
            })
            .map(|file| file.to_string_lossy().into_owned())
            .collect();
        brotli(root, &files)
    })?;
    let raw_size = std::fs::metadata(&raw).map(|m| kib(m.len())).unwrap_or(0.0);
    println!("\nbrowser bundle (KiB): cargo's wasm {raw_size:.0} before splitting and wasm-opt");
    print!("{}", bundle_table(&pkg, &split.prefetch_map)?);
    let build = publish(&pkg)?;
    println!("published as pkg/{build}/ (served immutable; pkg/current names it)");
    Ok(())
}

/// The name of the file that names the current build's folder under `pkg/`.
const CURRENT: &str = "current";

/// Moves the files just built in `pkg/` into `pkg/<build>/`, a folder named
/// after their contents, writes that name to `pkg/current` (the server reads
/// it at start) and removes older builds but the one before (pages a browser
/// opened before the server restarted still find their files). Every file
/// under a build's folder never changes, so the server lets browsers keep
/// them for a year without asking again.
fn publish(pkg: &Path) -> Result<String, String> {
    let mut files: Vec<std::path::PathBuf> = files_in(pkg)?
        .into_iter()
        .filter(|f| f.is_file() && f.file_name().is_some_and(|n| n != CURRENT))
        .collect();
    files.sort();
    // FNV-1a over names and contents: a folder name, not a signature.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for file in &files {
        eat(file
            .file_name()
            .map(|n| n.as_encoded_bytes())
            .unwrap_or_default());
        eat(&std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?);
    }
    let build = format!("{hash:016x}");
    let folder = pkg.join(&build);
    if folder.exists() {
        std::fs::remove_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    for file in &files {
        if let Some(name) = file.file_name() {
            std::fs::rename(file, folder.join(name))
                .map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    let current = pkg.join(CURRENT);
    let previous = std::fs::read_to_string(&current).unwrap_or_default();
    std::fs::write(&current, &build).map_err(|e| format!("{}: {e}", current.display()))?;
    for entry in files_in(pkg)? {
        let keep = entry
            .file_name()
            .is_some_and(|n| n == CURRENT || n == build.as_str() || n == previous.trim());
        if entry.is_dir() && !keep {
            std::fs::remove_dir_all(&entry).map_err(|e| format!("{}: {e}", entry.display()))?;
        }
    }
    Ok(build)
}

/// Splits the bundle at the page groups' split points (`app::pages::groups`):
/// the main module (application shell), one module per group and the modules
/// groups share. Writes `__wasm_split_manifest.json` (group → modules), from
/// which the server names a page's modules in its head so the browser fetches
/// them beside the main module.
fn split_bundle(
    raw: &Path,
    split_main: &Path,
    pkg: &Path,
) -> Result<wasm_split_cli_support::SplitWasm, String> {
    for file in files_in(pkg)? {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("split_")
            || name.starts_with("chunk_")
            || name.starts_with("__wasm_split")
        {
            std::fs::remove_file(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    let input = std::fs::read(raw).map_err(|e| format!("{}: {e}", raw.display()))?;
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = pkg;
    options.main_out_path = split_main;
    // The loader's name that Leptos's hydration scripts ask for.
    options.link_name = "./__wasm_split.______________________.js";
    options.main_module = "./slrt.js";
    let split =
        wasm_split_cli_support::transform(options).map_err(|e| format!("wasm-split: {e:#}"))?;
    let mut groups: Vec<_> = split.prefetch_map.iter().collect();
    groups.sort();
    let entries: Vec<String> = groups
        .into_iter()
        .map(|(group, modules)| {
            let modules: Vec<String> = modules.iter().map(|m| format!("\"{m}\"")).collect();
            format!("\"{group}\":[{}]", modules.join(","))
        })
        .collect();
    let manifest = pkg.join("__wasm_split_manifest.json");
    std::fs::write(&manifest, format!("{{{}}}", entries.join(",")))
        .map_err(|e| format!("{}: {e}", manifest.display()))?;
    Ok(split)
}

/// What the first page of each group downloads (the main module, the group's
/// modules and the modules it shares with other groups), gzipped, as a table.
fn bundle_table(
    pkg: &Path,
    groups: &std::collections::HashMap<String, Vec<String>>,
) -> Result<String, String> {
    let gz = |name: &str| -> Result<f64, String> {
        let path = pkg.join(format!("{name}.gz"));
        std::fs::metadata(&path)
            .map(|m| kib(m.len()))
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let main = gz("slrt.wasm")?;
    let js = gz("slrt.js")? + gz("__wasm_split.______________________.js")?;
    let css = gz("slrt.css")?;
    let mut total = main;
    for file in files_in(pkg)? {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.ends_with(".wasm") && name != "slrt.wasm" {
            total += gz(name)?;
        }
    }
    let mut table =
        String::from("| page group | wasm gzipped, first page | wasm files |\n|---|---|---|\n");
    let mut names: Vec<&String> = groups.keys().collect();
    names.sort();
    for name in names {
        let modules = &groups[name];
        let mut size = main;
        for module in modules {
            size += gz(&format!("{module}.wasm"))?;
        }
        table.push_str(&format!("| {name} | {size:.1} | {} |\n", modules.len() + 1));
    }
    table.push_str(&format!(
        "| (main module alone) | {main:.1} | 1 |\n| (all modules together) | {total:.1} | |\n\
         plus JavaScript {js:.1} KiB and CSS {css:.1} KiB gzipped\n"
    ));
    Ok(table)
}

fn kib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

fn files_in(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    entries
        .map(|entry| entry.map(|e| e.path()).map_err(|e| e.to_string()))
        .collect()
}

fn wasm_opt(root: &Path, input: &Path, output: &Path) -> Result<(), String> {
    // Never Debian's /usr/bin/wasm-opt: its old binaryen breaks wasm-bindgen output.
    util::status(&mut cmd(
        root.join("node_modules/.bin/wasm-opt"),
        [
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-reference-types",
            "--enable-multivalue",
            "--enable-sign-ext",
            &input.to_string_lossy(),
            "-o",
            &output.to_string_lossy(),
        ],
    ))
}

/// Writes `<file>.br` beside each of `files` (browsers on https prefer it: about
/// 15% smaller than gzip for the bundle), with Node's zlib, which the CSS build
/// already needs.
fn brotli(root: &Path, files: &[String]) -> Result<(), String> {
    const SCRIPT: &str = "const fs=require('fs'),z=require('zlib');\
        for(const f of process.argv.slice(1)){fs.writeFileSync(f+'.br',z.brotliCompressSync(\
        fs.readFileSync(f),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}));}";
    let mut command = cmd("node", ["-e", SCRIPT]);
    command.args(files).current_dir(root);
    util::status(&mut command)
}

/// Writes `<file>.gz` beside `file`, for the server's precompressed answers.
fn gzip(file: &Path, zopfli: bool) -> Result<(), String> {
    let path = file.to_string_lossy();
    if zopfli {
        util::status(&mut cmd("zopfli", ["--gzip", &*path]))
    } else {
        util::status(&mut cmd("gzip", ["-9", "-k", "-f", "-n", &*path]))
    }
}
