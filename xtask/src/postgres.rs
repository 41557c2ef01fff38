//! A throwaway PostgreSQL cluster for the test suite: created in a temporary
//! folder on a free port, tuned for speed over durability, removed on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::setup::Tools;
use crate::util::{self, TempDir, cmd, free_port, output};

pub struct Cluster {
    bin: PathBuf,
    dir: TempDir,
    port: u16,
    as_postgres_user: bool,
}

impl Cluster {
    pub fn start(_root: &Path, tools: &Tools) -> Result<Cluster, String> {
        let bin = tools
            .postgres_bin
            .clone()
            .ok_or("postgresql server binaries were not set up")?;
        // initdb refuses to run as root: run the server as the `postgres` user then.
        let as_postgres_user = output(&mut cmd("id", ["-u"]))
            .map(|uid| uid.trim() == "0")
            .unwrap_or(false);
        let dir = TempDir::new("slrt-pg")?;
        if as_postgres_user {
            util::status(&mut cmd(
                "chown",
                ["-R", "postgres:postgres", &dir.path().to_string_lossy()],
            ))?;
        }
        let port = free_port()?;
        let cluster = Cluster {
            bin,
            dir,
            port,
            as_postgres_user,
        };
        let data = cluster.data_dir();
        util::status(&mut cluster.pg_command(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
        ))?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            cluster.dir.path().display()
        );
        let log = format!("{}/server.log", cluster.dir.path().display());
        util::status(&mut cluster.pg_command(
            "pg_ctl",
            &[
                "-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start",
            ],
        ))
        .map_err(|error| {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{error}\n{tail}")
        })?;
        Ok(cluster)
    }

    /// Connection URL of the cluster's `postgres` database as superuser.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data_dir(&self) -> String {
        format!("{}/data", self.dir.path().display())
    }

    fn pg_command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres_user {
            let mut command = cmd("runuser", ["-u", "postgres", "--"]);
            command.arg(program).args(args);
            command
        } else {
            cmd(program, args)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .pg_command("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"])
            .status();
    }
}
