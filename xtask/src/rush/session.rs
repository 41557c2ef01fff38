//! A small blocking HTTP/1.1 client for the rush: requests, keep-alive
//! connections to 127.0.0.1 only (reopened when the server closed them), and
//! sessions that keep their cookies.

use std::io::{self, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use super::http::{Response, eof, read_response};

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub content_type: Option<&'static str>,
    pub accept: &'static str,
    pub body: Vec<u8>,
}

impl Request {
    pub fn get(path: impl Into<String>, accept: &'static str) -> Request {
        Request {
            method: "GET",
            path: path.into(),
            content_type: None,
            accept,
            body: Vec::new(),
        }
    }

    /// A server function taking JSON arguments.
    pub fn json(path: impl Into<String>, body: String) -> Request {
        Request {
            method: "POST",
            path: path.into(),
            content_type: Some("application/json"),
            accept: "application/json",
            body: body.into_bytes(),
        }
    }

    /// A server function taking url-encoded arguments.
    pub fn form(path: impl Into<String>, fields: &[(&str, &str)]) -> Request {
        let body = fields
            .iter()
            .map(|(name, value)| format!("{}={}", url_encode(name), url_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        Request {
            method: "POST",
            path: path.into(),
            content_type: Some("application/x-www-form-urlencoded"),
            accept: "application/json",
            body: body.into_bytes(),
        }
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One keep-alive connection to 127.0.0.1:`port`, reopened when the server closed it.
pub struct Conn {
    addr: SocketAddr,
    timeout: Duration,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    pub fn new(port: u16, timeout: Duration) -> Conn {
        Conn {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            timeout,
            stream: None,
        }
    }

    fn connect(&self) -> io::Result<BufReader<TcpStream>> {
        let stream = TcpStream::connect_timeout(&self.addr, self.timeout)?;
        stream.set_read_timeout(Some(self.timeout))?;
        stream.set_write_timeout(Some(self.timeout))?;
        stream.set_nodelay(true)?;
        Ok(BufReader::new(stream))
    }

    /// Sends `bytes` and reads the answer. A reused connection that turns out
    /// closed before any byte of the answer is reopened once and the request resent.
    pub fn roundtrip(&mut self, bytes: &[u8]) -> io::Result<Response> {
        let reused = self.stream.is_some();
        match self.once(bytes) {
            Err((error, false)) if reused && is_stale(&error) => {
                self.once(bytes).map_err(|(error, _)| error)
            }
            other => other.map_err(|(error, _)| error),
        }
    }

    /// One try; the error says whether any byte of an answer arrived.
    fn once(&mut self, bytes: &[u8]) -> Result<Response, (io::Error, bool)> {
        let mut stream = match self.stream.take() {
            Some(stream) => stream,
            None => self.connect().map_err(|e| (e, false))?,
        };
        stream.get_mut().write_all(bytes).map_err(|e| (e, false))?;
        match read_response(&mut stream) {
            Ok(Some(response)) => {
                if !response.close {
                    self.stream = Some(stream);
                }
                Ok(response)
            }
            Ok(None) => Err((eof("the answer's first line"), false)),
            // A reset of a connection the server closed meanwhile arrives as a read
            // error before any byte: as stale as an end of file.
            Err(error) if is_stale(&error) => Err((error, false)),
            Err(error) => Err((error, true)),
        }
    }
}

fn is_stale(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
    )
}

/// A browser-like session: one connection and its cookies.
pub struct Session {
    conn: Conn,
    port: u16,
    cookies: Vec<(String, String)>,
    /// Sent as `X-Forwarded-For` (the client's own address behind a proxy).
    address: Option<String>,
}

impl Session {
    pub fn new(port: u16, timeout: Duration) -> Session {
        Session {
            conn: Conn::new(port, timeout),
            port,
            cookies: Vec::new(),
            address: None,
        }
    }

    /// Sends every later request as coming from `address` (`X-Forwarded-For`).
    pub fn send_from(&mut self, address: String) {
        self.address = Some(address);
    }

    /// Sends a request with the session's cookies and keeps the cookies the answer sets.
    pub fn send(&mut self, request: &Request) -> io::Result<Response> {
        let bytes = self.encode(request);
        let response = self.conn.roundtrip(&bytes)?;
        for (name, value) in response.set_cookies() {
            self.cookies.retain(|(kept, _)| *kept != name);
            if !value.is_empty() {
                self.cookies.push((name, value));
            }
        }
        Ok(response)
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.iter().any(|(kept, _)| kept == name)
    }

    fn encode(&self, request: &Request) -> Vec<u8> {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: {}\r\nUser-Agent: slrt-rush\r\n",
            request.method, request.path, self.port, request.accept
        );
        if let Some(content_type) = request.content_type {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        if request.method != "GET" || !request.body.is_empty() {
            head.push_str(&format!("Content-Length: {}\r\n", request.body.len()));
        }
        if let Some(address) = &self.address {
            head.push_str(&format!("X-Forwarded-For: {address}\r\n"));
        }
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", cookies.join("; ")));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&request.body);
        bytes
    }
}

/// A scripted server on 127.0.0.1 for tests: one connection per inner list,
/// each answer sent after reading one request; the connection closes after its list.
#[cfg(test)]
pub fn scripted_server(connections: Vec<Vec<&'static str>>) -> u16 {
    use std::io::BufRead;
    let Ok(listener) = std::net::TcpListener::bind("127.0.0.1:0") else {
        return 0;
    };
    let port = listener.local_addr().map_or(0, |addr| addr.port());
    std::thread::spawn(move || {
        for answers in connections {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            for answer in answers {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                let _ = std::io::Read::read_exact(&mut reader, &mut body);
                let _ = reader.get_mut().write_all(answer.as_bytes());
            }
        }
    });
    port
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(
            url_encode("slrt-demo 2026&x=é"),
            "slrt-demo%202026%26x%3D%C3%A9"
        );
    }

    #[test]
    fn a_session_keeps_cookies_and_reconnects_when_the_server_closed() {
        let port = scripted_server(vec![
            vec![
                "HTTP/1.1 200 OK\r\nSet-Cookie: slrt_session=t1; Path=/\r\nContent-Length: 0\r\n\r\n",
            ],
            vec!["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"],
        ]);
        let mut session = Session::new(port, Duration::from_secs(5));
        let first = session.send(&Request::form("/api/login", &[("username", "fo.waled")]));
        assert_eq!(first.map(|r| r.status).ok(), Some(200));
        assert!(session.has_cookie("slrt_session"));
        // The server closed the first connection without saying so: the request goes again on a new one.
        let second = session.send(&Request::get("/kasus", "text/html"));
        assert_eq!(second.map(|r| r.text()).ok().as_deref(), Some("ok"));
    }
}
