//! `cargo xtask dev`: the edit loop. A debug server and an unoptimised bundle,
//! rebuilt and restarted when a source file changes, and every open page told
//! to reload itself (Leptos's `AutoReload` script listens on a websocket at
//! `LEPTOS_RELOAD_PORT`; this module is that websocket's tiny server).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::setup;
use crate::site::{self, Mode};
use crate::util::{self, Steps, cmd};

/// The folders whose files trigger a rebuild.
const WATCHED: [&str; 6] = [
    "app/src",
    "shared/src",
    "server/src",
    "migrations/src",
    "style",
    "Cargo.toml",
];
/// The port of the page-reload websocket.
const RELOAD_PORT: u16 = 3001;

/// Runs the edit loop until interrupted.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let database_url = crate::option(args, "--database-url")
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://data/dev.db".to_string());
    let listen = crate::option(args, "--listen").unwrap_or_else(|| "127.0.0.1:3000".to_string());
    let tools = setup::run(root, setup::Purpose::Run)?;
    let started = Instant::now();
    build(root, &tools)?;
    let slrt = util::cargo_target_dir(root).join("debug/slrt");
    let slrt_cmd = |sub: &[&str]| {
        let mut command = cmd(&slrt, sub);
        command.current_dir(root).env("DATABASE_URL", &database_url);
        command
    };
    std::fs::create_dir_all(root.join("data")).map_err(|e| format!("data/: {e}"))?;
    crate::demo_database(root, &slrt_cmd)?;
    let pages = reload_server()?;
    let serve = || {
        let mut command = slrt_cmd(&crate::demo_serve_args(&listen));
        command
            .env("LEPTOS_WATCH", "true")
            .env("LEPTOS_RELOAD_PORT", RELOAD_PORT.to_string());
        util::Child::spawn(command, "slrt serve")
    };
    let mut server = serve()?;
    util::wait_for_http(&format!("http://{listen}/readyz"), Duration::from_secs(60))?;
    println!(
        "\nSLRT Portal (dev): http://{listen}  ready after {:.0} s; watching {} for changes\n",
        started.elapsed().as_secs_f64(),
        WATCHED.join(", ")
    );
    let mut seen = newest_change(root);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = newest_change(root);
        if now <= seen {
            continue;
        }
        // Let an editor finish writing (several files saved at once).
        std::thread::sleep(Duration::from_millis(300));
        seen = newest_change(root);
        let rebuild = Instant::now();
        println!("\nchange seen: rebuilding");
        match build(root, &tools) {
            Ok(()) => {
                drop(server);
                server = serve()?;
                util::wait_for_http(&format!("http://{listen}/readyz"), Duration::from_secs(60))?;
                let reloaded = tell_pages(&pages);
                println!(
                    "rebuilt and restarted in {:.1} s; {reloaded} open page(s) reloaded",
                    rebuild.elapsed().as_secs_f64()
                );
            }
            // The old server keeps running; the next save tries again.
            Err(error) => println!("build failed ({error}); fix and save again"),
        }
    }
}

/// The unoptimised bundle and the debug server.
fn build(root: &Path, tools: &setup::Tools) -> Result<(), String> {
    let mut steps = Steps::new("dev build");
    site::build_site(root, tools, &mut steps, Mode::Dev)?;
    steps.run("server (debug)", || {
        util::status(cmd("cargo", ["build", "-p", "server"]).current_dir(root))
    })?;
    steps.print();
    Ok(())
}

/// The latest modification time of any watched file.
fn newest_change(root: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut stack: Vec<PathBuf> = WATCHED.iter().map(|p| root.join(p)).collect();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            }
        } else if let Ok(modified) = meta.modified() {
            newest = newest.max(modified);
        }
    }
    newest
}

type Pages = Arc<Mutex<Vec<TcpStream>>>;

/// Accepts the pages' reload websockets on [`RELOAD_PORT`].
fn reload_server() -> Result<Pages, String> {
    let listener = TcpListener::bind(("127.0.0.1", RELOAD_PORT))
        .map_err(|e| format!("reload port {RELOAD_PORT}: {e}"))?;
    let pages: Pages = Arc::new(Mutex::new(Vec::new()));
    let accepted = pages.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if let Some(stream) = handshake(stream)
                && let Ok(mut list) = accepted.lock()
            {
                list.push(stream);
            }
        }
    });
    Ok(pages)
}

/// Answers a websocket opening handshake (RFC 6455 §4.2.2).
fn handshake(mut stream: TcpStream) -> Option<TcpStream> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut key = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("sec-websocket-key")
        {
            key = Some(value.trim().to_string());
        }
    }
    let accept = accept_key(&key?);
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    stream.write_all(answer.as_bytes()).ok()?;
    Some(stream)
}

/// Sends "reload everything" to every open page; answers how many took it.
fn tell_pages(pages: &Pages) -> usize {
    let message = br#"{"all":true}"#;
    let mut frame = vec![0x81, u8::try_from(message.len()).unwrap_or(0)];
    frame.extend_from_slice(message);
    let Ok(mut list) = pages.lock() else {
        return 0;
    };
    list.retain_mut(|stream| stream.write_all(&frame).is_ok());
    let told = list.len();
    // The pages reload and open new sockets.
    list.clear();
    told
}

/// `Sec-WebSocket-Accept` for a client's key: base64(SHA-1(key + GUID)).
fn accept_key(key: &str) -> String {
    base64(&sha1(
        format!("{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11").as_bytes(),
    ))
}

fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bits.to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let next = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = next;
        }
        for (state, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *state = state.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handshake_answers_the_rfc_example() {
        // RFC 6455 §1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
