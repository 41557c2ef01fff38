//! The `slrt` binary under test: its commands on one database, and the server
//! process (started, killed with SIGKILL, restarted, its peak memory read).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::session::Conn;
use crate::util;

/// How long a server may take to answer `/readyz` after starting.
const READY_WAIT: Duration = Duration::from_secs(120);

/// `slrt` with one database and data key.
pub struct Slrt {
    pub bin: PathBuf,
    pub root: PathBuf,
    pub database_url: String,
    pub key_file: PathBuf,
    /// Where server logs go.
    pub logs: PathBuf,
}

/// What a command printed and whether it succeeded.
pub struct Ran {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Slrt {
    /// `slrt <args>` on this database, from the workspace root.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = util::cmd(&self.bin, args);
        command
            .current_dir(&self.root)
            .env("DATABASE_URL", &self.database_url)
            .env("SLRT_DATA_KEY_FILE", &self.key_file)
            .env_remove("SLRT_DATA_KEY");
        command
    }

    /// Runs a command with its output shown; an error if it fails.
    pub fn run(&self, args: &[&str]) -> Result<(), String> {
        util::status(&mut self.command(args))
    }

    /// Runs a command and captures its output.
    pub fn capture(&self, args: &[&str]) -> Result<Ran, String> {
        let output = self
            .command(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("cannot start slrt {}: {error}", args.join(" ")))?;
        Ok(Ran {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }

    /// Starts `slrt <args>` in the background, its output to `<logs>/<log_name>`.
    pub fn spawn(&self, args: &[&str], log_name: &str) -> Result<Child, String> {
        let path = self.logs.join(log_name);
        let log = File::options()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        self.command(args)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|error| format!("cannot start slrt {}: {error}", args.join(" ")))
    }

    /// Starts `slrt serve` on `port` and waits until it is ready.
    pub fn serve(&self, port: u16) -> Result<Server, String> {
        let listen = format!("127.0.0.1:{port}");
        // Behind a (pretend) proxy: each desk's address comes in `X-Forwarded-For`.
        let mut args = crate::demo_serve_args(&listen).to_vec();
        args.push("--trust-proxy");
        let child = self.spawn(&args, "server.log")?;
        let mut server = Server {
            child,
            port,
            log: self.logs.join("server.log"),
        };
        server.wait_ready("/readyz")?;
        Ok(server)
    }
}

/// The last `lines` lines of a file, for error messages.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A running server (or other long-running `slrt` command) on 127.0.0.1.
pub struct Server {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Server {
    /// Wraps a spawned command that listens on `port` and logs to `log`.
    pub fn new(child: Child, port: u16, log: PathBuf) -> Server {
        Server { child, port, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `GET path` answers 200; an error if the process ends or time runs out.
    pub fn wait_ready(&mut self, path: &str) -> Result<(), String> {
        let until = Instant::now() + READY_WAIT;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            self.port
        );
        while Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "exited ({status}) before it was ready; last lines of {}:\n{}",
                    self.log.display(),
                    tail(&self.log, 15)
                ));
            }
            let mut conn = Conn::new(self.port, Duration::from_secs(5));
            if conn
                .roundtrip(request.as_bytes())
                .is_ok_and(|response| response.status == 200)
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "not ready within {} s; last lines of {}:\n{}",
            READY_WAIT.as_secs(),
            self.log.display(),
            tail(&self.log, 15)
        ))
    }

    /// Ends the process with SIGKILL (`Child::kill` on Unix) and reaps it.
    pub fn kill9(&mut self) -> Result<(), String> {
        self.child
            .kill()
            .map_err(|error| format!("kill -9 {}: {error}", self.pid()))?;
        self.child
            .wait()
            .map(|_| ())
            .map_err(|error| format!("wait for {}: {error}", self.pid()))
    }

    /// True when the process has ended.
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Peak resident memory (`VmHWM`) in MB, from `/proc/<pid>/status`.
    pub fn peak_rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    }

    /// Resets the peak to the current resident memory (`5` into `clear_refs`);
    /// false when the kernel refused (the peak then covers the server's whole life).
    pub fn reset_peak_rss(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5").is_ok()
    }

    /// SIGTERM, then SIGKILL after 10 s.
    pub fn stop(&mut self) {
        if self.exited() {
            return;
        }
        let pid = self.pid().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if self.exited() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
