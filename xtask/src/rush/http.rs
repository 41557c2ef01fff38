//! HTTP/1.1 answers as the rush reads them: status, headers, Content-Length or chunked bodies,
//! `Set-Cookie` and `Retry-After`.

use std::io::{self, BufRead, Read};
use std::time::Duration;

/// Longest header line or chunk-size line accepted.
const MAX_LINE: u64 = 64 * 1024;
/// Largest body accepted (a case list page is a few kilobytes).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Most header lines accepted in one answer.
const MAX_HEADERS: usize = 200;

/// An answer: status, headers in order, body.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The server closes the connection after this answer.
    pub close: bool,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every `Set-Cookie` as (name, value); an expired cookie has an empty value.
    pub fn set_cookies(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, value)| {
                let mut parts = value.split(';');
                let (name, value) = parts.next()?.trim().split_once('=')?;
                let expired = parts.any(|attr| {
                    attr.trim()
                        .split_once('=')
                        .is_some_and(|(k, v)| k.eq_ignore_ascii_case("max-age") && v.trim() == "0")
                });
                let value = if expired { "" } else { value.trim() };
                Some((name.trim().to_string(), value.to_string()))
            })
            .collect()
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by the server).
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// One line without its CRLF; `None` at end of stream before any byte.
fn read_line<R: BufRead>(reader: &mut R) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let read = reader
        .by_ref()
        .take(MAX_LINE)
        .read_until(b'\n', &mut line)?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "line cut short",
        ));
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| invalid("header line is not UTF-8"))
}

fn parse_status(line: &str) -> io::Result<(u16, bool)> {
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(invalid(format!("not an HTTP/1 status line: {line:.60}")));
    }
    let status = parts
        .next()
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| invalid(format!("bad status line: {line:.60}")))?;
    Ok((status, version == "HTTP/1.0"))
}

fn read_chunked<R: BufRead>(reader: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or_else(|| eof("chunk size"))?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| invalid(format!("bad chunk size {size_text:.20}")))?;
        if size == 0 {
            // Trailer fields, then the empty line.
            while let Some(trailer) = read_line(reader)? {
                if trailer.is_empty() {
                    return Ok(body);
                }
            }
            return Err(eof("chunked trailer"));
        }
        if body.len() + size > MAX_BODY {
            return Err(invalid("body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        match read_line(reader)? {
            Some(rest) if rest.is_empty() => {}
            _ => return Err(invalid("chunk not followed by CRLF")),
        }
    }
}

pub fn eof(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("connection closed in {what}"),
    )
}

/// Reads one answer (skipping 1xx interim answers). `Ok(None)`: the stream
/// ended before the first byte (a keep-alive connection the server closed).
pub fn read_response<R: BufRead>(reader: &mut R) -> io::Result<Option<Response>> {
    let mut first = true;
    loop {
        let Some(status_line) = read_line(reader)? else {
            return if first {
                Ok(None)
            } else {
                Err(eof("status line"))
            };
        };
        first = false;
        let (status, http10) = parse_status(&status_line)?;
        let mut headers = Vec::new();
        loop {
            let line = read_line(reader)?.ok_or_else(|| eof("headers"))?;
            if line.is_empty() {
                break;
            }
            if headers.len() >= MAX_HEADERS {
                return Err(invalid("too many headers"));
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| invalid(format!("bad header line {line:.60}")))?;
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        if (100..200).contains(&status) {
            continue;
        }
        let mut response = Response {
            status,
            headers,
            body: Vec::new(),
            close: http10,
        };
        if let Some(connection) = response.header("connection") {
            let connection = connection.to_ascii_lowercase();
            response.close =
                connection.contains("close") || (http10 && !connection.contains("keep-alive"));
        }
        let chunked = response
            .header("transfer-encoding")
            .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
        if chunked {
            response.body = read_chunked(reader)?;
        } else if let Some(length) = response.header("content-length") {
            let length = length
                .trim()
                .parse::<usize>()
                .map_err(|_| invalid("bad Content-Length"))?;
            if length > MAX_BODY {
                return Err(invalid("body too large"));
            }
            response.body = vec![0; length];
            reader.read_exact(&mut response.body)?;
        } else if !(status == 204 || status == 304) {
            reader
                .take(MAX_BODY as u64)
                .read_to_end(&mut response.body)?;
            response.close = true;
        }
        return Ok(Some(response));
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use super::*;

    fn parse(text: &str) -> Response {
        let mut reader = BufReader::new(text.as_bytes());
        match read_response(&mut reader) {
            Ok(Some(response)) => response,
            other => panic!("not parsed: {other:?}"),
        }
    }

    #[test]
    fn content_length_body_and_keep_alive() {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nContent-Type: application/json\r\n\r\n{\"id\":42}HTTP/1.1 204 No Content\r\n\r\n";
        let mut reader = BufReader::new(text.as_bytes());
        let first = read_response(&mut reader).ok().flatten();
        assert_eq!(first.as_ref().map(|r| r.status), Some(200));
        assert_eq!(
            first.as_ref().map(Response::text).as_deref(),
            Some("{\"id\":42}")
        );
        assert_eq!(first.map(|r| r.close), Some(false));
        let second = read_response(&mut reader).ok().flatten();
        assert_eq!(second.map(|r| (r.status, r.body.len())), Some((204, 0)));
        assert!(matches!(read_response(&mut reader), Ok(None)));
    }

    #[test]
    fn chunked_body_with_extension_and_trailer() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: yes\r\n\r\n";
        let response = parse(text);
        assert_eq!(response.text(), "hello, chunked!");
        assert!(!response.close);
    }

    #[test]
    fn a_cut_chunked_body_is_an_error() {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel";
        let mut reader = BufReader::new(text.as_bytes());
        assert!(read_response(&mut reader).is_err());
    }

    #[test]
    fn interim_answers_are_skipped_and_close_is_seen() {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 3\r\nContent-Length: 2\r\n\r\n{}";
        let response = parse(text);
        assert_eq!(response.status, 503);
        assert!(response.close);
        assert_eq!(response.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn retry_after_as_a_date_is_ignored() {
        let text = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(parse(text).retry_after(), None);
    }

    #[test]
    fn set_cookie_names_values_and_removal() {
        let text = "HTTP/1.1 200 OK\r\nSet-Cookie: slrt_session=abc123; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200\r\nset-cookie: slrt_lang=id; Path=/\r\nSet-Cookie: old=; Path=/; Max-Age=0\r\nContent-Length: 0\r\n\r\n";
        let cookies = parse(text).set_cookies();
        assert_eq!(
            cookies,
            vec![
                ("slrt_session".to_string(), "abc123".to_string()),
                ("slrt_lang".to_string(), "id".to_string()),
                ("old".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn a_body_without_length_runs_to_the_end() {
        let response = parse("HTTP/1.0 200 OK\r\n\r\nall of it");
        assert_eq!(response.text(), "all of it");
        assert!(response.close);
    }
}
