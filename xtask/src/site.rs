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
pub fn build_site(root: &Path, tools: &Tools, steps: &mut Steps) -> Result<(), String> {
    let pkg = root.join("target/site/pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    steps.run("css (tailwindcss)", || {
        util::status(
            cmd(
                root.join("node_modules/.bin/tailwindcss"),
                [
                    "-i",
                    "style/main.css",
                    "-o",
                    "target/site/pkg/slrt.css",
                    "--minify",
                ],
            )
            .current_dir(root),
        )
    })?;
    steps.run("wasm (cargo, wasm-release)", || {
        wasm_cargo(
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
                WASM_PROFILE,
                "--features",
                "hydrate",
            ],
        )
    })?;
    let target_dir = match tools.wasm {
        WasmToolchain::Rustup => util::cargo_target_dir(root),
        WasmToolchain::DebianBuildStd => root.join(BUILD_STD_TARGET_DIR),
    };
    let raw = target_dir
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join("app.wasm");
    steps.run("wasm-bindgen", || {
        util::status(&mut cmd(
            &tools.wasm_bindgen,
            [
                "--target",
                "web",
                "--no-typescript",
                "--out-dir",
                &pkg.to_string_lossy(),
                "--out-name",
                OUTPUT_NAME,
                &raw.to_string_lossy(),
            ],
        ))
    })?;
    let bindgen_wasm = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    let final_wasm = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    steps.run("wasm-opt -Oz (binaryen from npm)", || {
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
                &bindgen_wasm.to_string_lossy(),
                "-o",
                &final_wasm.to_string_lossy(),
            ],
        ))?;
        std::fs::remove_file(&bindgen_wasm).map_err(|e| format!("{}: {e}", bindgen_wasm.display()))
    })?;
    steps.run("gzip copies", || {
        for ext in ["wasm", "js", "css"] {
            let file = pkg.join(format!("{OUTPUT_NAME}.{ext}"));
            util::status(&mut cmd(
                "gzip",
                ["-9", "-k", "-f", "-n", &file.to_string_lossy()],
            ))?;
        }
        Ok(())
    })?;
    let size = |name: &str| {
        std::fs::metadata(pkg.join(name))
            .map(|m| m.len() as f64 / 1024.0)
            .unwrap_or(0.0)
    };
    let raw_size = std::fs::metadata(&raw)
        .map(|m| m.len() as f64 / 1024.0)
        .unwrap_or(0.0);
    println!("\nbrowser bundle sizes (KiB):");
    println!("  wasm raw (cargo)          {raw_size:>9.1}");
    println!("  wasm after wasm-opt       {:>9.1}", size("slrt.wasm"));
    println!("  wasm gzipped              {:>9.1}", size("slrt.wasm.gz"));
    println!("  js gzipped                {:>9.1}", size("slrt.js.gz"));
    println!("  css gzipped               {:>9.1}", size("slrt.css.gz"));
    Ok(())
}
