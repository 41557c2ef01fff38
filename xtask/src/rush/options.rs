//! The options of `cargo xtask bench rush`.

use std::time::Duration;

use super::drafts;

/// The command's options.
#[derive(Debug, Clone)]
pub struct Options {
    pub clients: usize,
    pub rounds: u32,
    pub engines: Vec<Engine>,
    pub skip_kill: bool,
    pub time_limit: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

fn number<T: std::str::FromStr>(value: Option<&String>, name: &str) -> Result<T, String> {
    value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{name} needs a number"))
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            clients: 400,
            rounds: 3,
            engines: vec![Engine::Sqlite, Engine::Postgres],
            skip_kill: false,
            time_limit: Duration::from_secs(90 * 60),
        };
        let mut at = 0;
        while at < args.len() {
            let value = args.get(at + 1);
            match args[at].as_str() {
                "--clients" => options.clients = number(value, "--clients")?,
                "--rounds" => options.rounds = number(value, "--rounds")?,
                "--time-limit-minutes" => {
                    let minutes: u64 = number(value, "--time-limit-minutes")?;
                    options.time_limit = Duration::from_secs(minutes.max(1) * 60);
                }
                "--engine" => {
                    options.engines = match value.map(String::as_str) {
                        Some("sqlite") => vec![Engine::Sqlite],
                        Some("postgres") => vec![Engine::Postgres],
                        Some("both") => vec![Engine::Sqlite, Engine::Postgres],
                        _ => return Err("--engine takes sqlite, postgres or both".into()),
                    }
                }
                "--skip-kill" => {
                    options.skip_kill = true;
                    at += 1;
                    continue;
                }
                other => return Err(format!("bench rush: unknown option `{other}`")),
            }
            at += 2;
        }
        if !(1..=drafts::MAX_CLIENTS - 1).contains(&options.clients) {
            return Err(format!(
                "--clients must be 1 to {}",
                drafts::MAX_CLIENTS - 1
            ));
        }
        if !(1..drafts::MAX_ROUNDS).contains(&options.rounds) {
            return Err(format!("--rounds must be 1 to {}", drafts::MAX_ROUNDS - 1));
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn options_have_defaults_and_refuse_nonsense() {
        let defaults = Options::parse(&[]).ok();
        assert_eq!(
            defaults.as_ref().map(|o| (o.clients, o.rounds)),
            Some((400, 3))
        );
        assert_eq!(defaults.map(|o| o.engines.len()), Some(2));
        let given =
            Options::parse(&args("--clients 20 --rounds 1 --engine sqlite --skip-kill")).ok();
        assert_eq!(
            given.map(|o| (o.clients, o.rounds, o.engines, o.skip_kill)),
            Some((20, 1, vec![Engine::Sqlite], true))
        );
        for bad in [
            "--clients",
            "--clients 0",
            "--rounds x",
            "--engine mysql",
            "--fast",
        ] {
            assert!(Options::parse(&args(bad)).is_err(), "{bad}");
        }
    }
}
