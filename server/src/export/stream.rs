//! Sending a list's file while its rows are read: the answer's headers go out
//! at once, then the body as pages arrive. CSV leaves page by page; a workbook
//! is built on a blocking thread (in constant memory) and leaves once its last
//! row is written. Memory stays bounded by a few pages whatever the list's
//! size, and a few exports at a time run (the others wait briefly, then are
//! told to try again), so that exports cannot crowd out the desks' work.

use std::io::{self, Write};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use shared::clock::Zone;
use shared::contract::ServiceError;
use shared::export::ExportRows;
use tokio::sync::{Semaphore, SemaphorePermit, mpsc};

use super::csv::{self, Separator};
use super::table::{self, Table, Value};
use super::xlsx::XlsxFile;

/// Exports that may run at once on this server.
const EXPORTS_AT_ONCE: usize = 4;
/// How long an export waits for its turn before the user is told to try again.
const TURN_WAIT: Duration = Duration::from_secs(10);
/// Bytes of a workbook sent at once.
const CHUNK: usize = 64 * 1024;

static EXPORTS: Semaphore = Semaphore::const_new(EXPORTS_AT_ONCE);

/// An export's turn: held until its file has left.
pub struct Turn(#[allow(dead_code)] SemaphorePermit<'static>);

/// Waits for an export's turn; a server that stays busy answers "try again".
pub async fn turn() -> Result<Turn, ServiceError> {
    match tokio::time::timeout(TURN_WAIT, EXPORTS.acquire()).await {
        Ok(Ok(permit)) => Ok(Turn(permit)),
        _ => {
            tracing::warn!("every export turn is taken: answering busy");
            Err(ServiceError::Unavailable)
        }
    }
}

/// Which file a list goes out as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Csv(Separator),
}

/// A list's rows and how each becomes a row of its table.
pub struct Download<T> {
    pub table: &'static Table,
    pub rows: ExportRows<T>,
    /// The user's time zone: the file's date, and local times in its rows.
    pub zone: Zone,
    pub to_row: fn(&T, Zone) -> Vec<Value>,
}

/// The answer carrying the file: headers now, the body as it is written.
pub fn respond<T: Send + 'static>(download: Download<T>, kind: FileKind, turn: Turn) -> Response {
    let (body, out) = mpsc::channel::<Result<Bytes, io::Error>>(4);
    let day = download.zone.today(chrono::Utc::now());
    let stem = download.table.stem;
    let (extension, content_type) = match kind {
        FileKind::Csv(separator) => {
            tokio::spawn(send_csv(download, separator, body, turn));
            ("csv", "text/csv; charset=utf-8")
        }
        FileKind::Xlsx => {
            tokio::spawn(send_xlsx(download, body, turn));
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        }
    };
    // Fused: the layers around the body (compression) may poll again after
    // its end, which a bare `unfold` does not allow.
    let stream =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(out, |mut out| async move {
            out.recv().await.map(|chunk| (chunk, out))
        }));
    let response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response();
    // Dated on the user's own day: `kasus-20260305.xlsx`.
    let disposition = format!(
        "attachment; filename=\"{stem}-{}.{extension}\"",
        day.format("%Y%m%d")
    );
    crate::downloads::with_disposition(response, &disposition)
}

/// The end of a body that failed: the client sees a broken download, never a
/// file that looks whole.
fn broken() -> io::Error {
    io::Error::other("the export stopped before its last row")
}

async fn send_csv<T: Send + 'static>(
    mut download: Download<T>,
    separator: Separator,
    body: mpsc::Sender<Result<Bytes, io::Error>>,
    _turn: Turn,
) {
    let table = download.table;
    let head = csv::head(table, separator).map_err(|error| {
        tracing::error!(%error, "could not write a CSV export");
        broken()
    });
    if body.send(head.map(Bytes::from)).await.is_err() {
        return;
    }
    loop {
        let chunk = match download.rows.pages.next_page().await {
            Ok(Some(page)) => {
                let rows: Vec<Vec<Value>> = page
                    .iter()
                    .map(|item| (download.to_row)(item, download.zone))
                    .collect();
                csv::records(rows.iter().map(Vec::as_slice), separator).map_err(|error| {
                    tracing::error!(%error, "could not write a CSV export");
                    broken()
                })
            }
            Ok(None) => return,
            Err(error) => {
                tracing::error!(%error, "an export stopped: a page could not be read");
                Err(broken())
            }
        };
        let failed = chunk.is_err();
        if body.send(chunk.map(Bytes::from)).await.is_err() || failed {
            return;
        }
    }
}

/// What the workbook's thread is fed.
enum Feed {
    Rows(Vec<Vec<Value>>),
    /// Every row was sent.
    End,
}

async fn send_xlsx<T: Send + 'static>(
    mut download: Download<T>,
    body: mpsc::Sender<Result<Bytes, io::Error>>,
    _turn: Turn,
) {
    let title = table::title(
        download.table,
        &download.rows.area_name,
        download.zone.today(chrono::Utc::now()),
    );
    let (feed, fed) = mpsc::channel::<Feed>(2);
    let table = download.table;
    let gone = body.clone();
    let writer = tokio::task::spawn_blocking(move || write_xlsx(table, &title, fed, body));
    loop {
        if gone.is_closed() {
            break;
        }
        let message = match download.rows.pages.next_page().await {
            Ok(Some(page)) => Feed::Rows(
                page.iter()
                    .map(|item| (download.to_row)(item, download.zone))
                    .collect(),
            ),
            Ok(None) => Feed::End,
            Err(error) => {
                tracing::error!(%error, "an export stopped: a page could not be read");
                // The thread sees the feed end without `End` and breaks the body.
                break;
            }
        };
        let end = matches!(message, Feed::End);
        if feed.send(message).await.is_err() || end {
            break;
        }
    }
    drop(feed);
    if let Err(error) = writer.await {
        tracing::error!(%error, "the workbook's writer stopped");
    }
}

/// Writes the workbook as its rows arrive, then sends it in chunks.
fn write_xlsx(
    table: &'static Table,
    title: &str,
    mut fed: mpsc::Receiver<Feed>,
    body: mpsc::Sender<Result<Bytes, io::Error>>,
) {
    let written = (|| -> Result<bool, rust_xlsxwriter::XlsxError> {
        let mut file = XlsxFile::new(table, title)?;
        loop {
            match fed.blocking_recv() {
                Some(Feed::Rows(rows)) => {
                    for row in rows {
                        file.write_row(&row)?;
                    }
                }
                Some(Feed::End) => break,
                // The rows stopped coming: no file that looks whole.
                None => return Ok(false),
            }
        }
        let mut out = Chunks {
            buffer: Vec::with_capacity(CHUNK),
            body: body.clone(),
        };
        file.finish(&mut out)?;
        out.flush()?;
        Ok(true)
    })();
    match written {
        Ok(true) => {}
        Ok(false) => {
            let _ = body.blocking_send(Err(broken()));
        }
        Err(error) => {
            if !body.is_closed() {
                tracing::error!(%error, "could not write a workbook export");
            }
            let _ = body.blocking_send(Err(broken()));
        }
    }
}

/// The workbook's bytes, sent in chunks to the body.
struct Chunks {
    buffer: Vec<u8>,
    body: mpsc::Sender<Result<Bytes, io::Error>>,
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.body
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the download was left"))
    }
}
