//! Small helpers of the build program: commands, timed steps, temporary
//! folders, child processes and waiting for a server.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The workspace root (the folder above `xtask/`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

/// Where cargo puts its artefacts: `CARGO_TARGET_DIR` or `<root>/target`.
pub fn cargo_target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}

/// A command with arguments.
pub fn cmd<I, S>(program: impl AsRef<OsStr>, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(program);
    command.args(args);
    command
}

/// Runs a command with inherited output; an error names it and its exit status.
pub fn status(command: &mut Command) -> Result<(), String> {
    let shown = describe(command);
    println!("$ {shown}");
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{shown}` failed ({status})")),
        Err(error) => Err(format!("cannot start `{shown}`: {error}")),
    }
}

/// Runs a command like [`status`], but stops it (with everything it started)
/// when it runs longer than `limit`: a test that waits forever fails the run
/// with its name in the log above, instead of using up the machine's time.
pub fn status_within(command: &mut Command, limit: Duration) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let shown = describe(command);
    println!("$ {shown}   (at most {} min)", limit.as_secs() / 60);
    // A group of its own, so that stopping it stops the test programs too.
    command.process_group(0);
    let mut child = command
        .spawn()
        .map_err(|error| format!("cannot start `{shown}`: {error}"))?;
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("`{shown}` failed ({status})")),
            Ok(None) if Instant::now() >= deadline => {
                stop_group(&mut child, "-KILL");
                return Err(format!(
                    "`{shown}` ran longer than {} min and was stopped: a test that \
                     \"has been running for over 60 seconds\" above is waiting forever",
                    limit.as_secs() / 60
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(500)),
            Err(error) => return Err(format!("cannot wait for `{shown}`: {error}")),
        }
    }
}

/// Sends `signal` (`-TERM`, `-KILL`) to the process group `child` leads
/// (started with `process_group(0)`: everything it started), then waits for it.
pub fn stop_group(child: &mut std::process::Child, signal: &str) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args([signal, "--", &group]).status();
    let _ = child.wait();
}

/// Runs a command and returns its standard output, or `None` if it failed.
pub fn output(command: &mut Command) -> Option<String> {
    command
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(command: &Command) -> String {
    let mut shown = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    shown
}

/// True when a program is found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// Named steps with their durations, printed as a table at the end.
pub struct Steps {
    title: &'static str,
    done: Vec<(String, Duration)>,
    started: Instant,
}

impl Steps {
    pub fn new(title: &'static str) -> Self {
        Steps {
            title,
            done: Vec::new(),
            started: Instant::now(),
        }
    }

    /// Runs one step, announcing it and recording how long it took.
    pub fn run<T>(
        &mut self,
        name: &str,
        step: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, String> {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = step();
        let took = started.elapsed();
        match &result {
            Ok(_) => println!("<== {name}: ok in {:.1} s", took.as_secs_f64()),
            Err(_) => {
                println!("<== {name}: FAILED after {:.1} s", took.as_secs_f64());
                self.done.push((format!("{name} (FAILED)"), took));
                self.print();
            }
        }
        if result.is_ok() {
            self.done.push((name.to_string(), took));
        }
        result.map_err(|error| format!("{name}: {error}"))
    }

    pub fn print(&self) {
        println!("\n{} steps:", self.title);
        for (name, took) in &self.done {
            println!("  {:<40} {:>8.1} s", name, took.as_secs_f64());
        }
        println!(
            "  {:<40} {:>8.1} s",
            "total",
            self.started.elapsed().as_secs_f64()
        );
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|error| format!("no free port: {error}"))
}

/// A temporary folder removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Result<Self, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process stopped (SIGTERM, then kill) when dropped.
pub struct Child {
    child: std::process::Child,
}

impl Child {
    pub fn spawn(mut command: Command, name: &str) -> Result<Self, String> {
        command
            .spawn()
            .map(|child| Child { child })
            .map_err(|error| format!("cannot start {name}: {error}"))
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `url` (http://host:port/path) answers 200.
pub fn wait_for_http(url: &str, timeout: Duration) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http url: {url}"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(mut stream) = TcpStream::connect(host) {
            let request =
                format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut answer).is_ok()
                && answer.starts_with("HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!(
        "{url} did not answer within {} s",
        timeout.as_secs()
    ))
}

/// The `version` of package `name` in Cargo.lock.
pub fn locked_version(root: &Path, name: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|error| format!("cannot read Cargo.lock: {error}"))?;
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted
            && let Some(version) = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_string());
        }
    }
    Err(format!("{name} is not in Cargo.lock"))
}

/// The user's cache folder for tools this project installs.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("slrt-portal")
}
