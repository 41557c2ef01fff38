//! CSV and other delimited text as offices save it: the encoding detected
//! (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252) and the
//! delimiter sniffed (`,` `;` or tab), both overridable; records streamed.

use std::fs::File;
use std::io::{self, BufReader, Chain, Cursor, Read, Seek, SeekFrom};

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use super::SheetError;
use super::cell::{Cell, Row};

shared::coded_enum! {
    /// The character encoding of a text file.
    pub enum TextEncoding {
        /// UTF-8, with or without a byte-order mark.
        Utf8 = ("utf8", "UTF-8", "UTF-8"),
        /// Windows-1252 (what Excel writes as "CSV" on Windows in Indonesia; Latin-1 reads the same).
        Windows1252 = ("windows1252", "Windows-1252 / Latin-1 (ANSI)", "Windows-1252 / Latin-1 (ANSI)"),
        /// UTF-16 little-endian (Excel's "Unicode Text").
        Utf16Le = ("utf16le", "UTF-16 LE (Unicode Text)", "UTF-16 LE (Unicode Text)"),
        /// UTF-16 big-endian.
        Utf16Be = ("utf16be", "UTF-16 BE", "UTF-16 BE"),
    }
}

impl TextEncoding {
    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::Windows1252 => WINDOWS_1252,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
        }
    }
}

shared::coded_enum! {
    /// What separates the fields of a line.
    pub enum Delimiter {
        /// `,` (CSV as most programs write it).
        Comma = ("comma", "Koma (,)", "Comma (,)"),
        /// `;` (what Excel writes as CSV where the decimal separator is a comma, as in Indonesia).
        Semicolon = ("semicolon", "Titik koma (;)", "Semicolon (;)"),
        /// A tab (text copied from a sheet, Excel's "Text (Tab delimited)").
        Tab = ("tab", "Tab", "Tab"),
    }
}

impl Delimiter {
    /// The byte itself.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }
}

/// How a text file was read: each choice, and whether it was detected (or given by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvFormat {
    pub encoding: TextEncoding,
    pub encoding_detected: bool,
    pub delimiter: Delimiter,
    pub delimiter_detected: bool,
}

/// Bytes of decoded text the delimiter is sniffed from (whole lines in it).
const SNIFF_BYTES: usize = 64 * 1024;
/// Lines the delimiter is sniffed from.
const SNIFF_LINES: usize = 30;

/// The encoding of the file: its byte-order mark, else UTF-8 if the whole file
/// is valid UTF-8 (read through once, a block at a time), else Windows-1252.
/// Leaves the file at its start.
pub(super) fn detect_encoding(file: &mut File) -> io::Result<TextEncoding> {
    let mut head = [0u8; 3];
    let read = read_up_to(file, &mut head)?;
    let head = head.get(..read).unwrap_or_default();
    let found = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        TextEncoding::Utf8
    } else if head.starts_with(&[0xFF, 0xFE]) {
        TextEncoding::Utf16Le
    } else if head.starts_with(&[0xFE, 0xFF]) {
        TextEncoding::Utf16Be
    } else {
        file.seek(SeekFrom::Start(0))?;
        if is_utf8(file)? {
            TextEncoding::Utf8
        } else {
            TextEncoding::Windows1252
        }
    };
    file.seek(SeekFrom::Start(0))?;
    Ok(found)
}

/// Fills `buffer` as far as the input goes; the bytes read.
pub(super) fn read_up_to(input: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        let Some(rest) = buffer.get_mut(filled..) else {
            break;
        };
        match input.read(rest) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Whether everything `input` holds is valid UTF-8 (a character may span two blocks).
fn is_utf8(input: &mut impl Read) -> io::Result<bool> {
    let mut buffer = vec![0u8; 1 << 16];
    let mut carried = 0;
    loop {
        let Some(space) = buffer.get_mut(carried..) else {
            return Ok(false);
        };
        let read = read_up_to(input, space)?;
        let filled = carried + read;
        let block = buffer.get(..filled).unwrap_or_default();
        match std::str::from_utf8(block) {
            Ok(_) => carried = 0,
            // A character cut by the end of the block: carry its bytes over.
            Err(error) if error.error_len().is_none() && read > 0 => {
                let valid = error.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return Ok(false),
        }
        if read == 0 {
            return Ok(carried == 0);
        }
    }
}

/// Decodes a byte stream to UTF-8 as it is read, counting the bytes taken
/// from the file and whether any were not valid in the encoding.
pub(super) struct Transcode<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    input_at: usize,
    input_end: usize,
    output: Vec<u8>,
    output_at: usize,
    output_end: usize,
    input_done: bool,
    finished: bool,
    raw_bytes: u64,
    replaced: bool,
}

impl<R: Read> Transcode<R> {
    pub(super) fn new(inner: R, encoding: TextEncoding) -> Transcode<R> {
        Transcode {
            inner,
            decoder: encoding.encoding().new_decoder_with_bom_removal(),
            input: vec![0; 1 << 15],
            input_at: 0,
            input_end: 0,
            output: vec![0; 1 << 16],
            output_at: 0,
            output_end: 0,
            input_done: false,
            finished: false,
            raw_bytes: 0,
            replaced: false,
        }
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.output_at < self.output_end {
                let pending = self
                    .output
                    .get(self.output_at..self.output_end)
                    .unwrap_or_default();
                let count = pending.len().min(buf.len());
                if let (Some(target), Some(source)) = (buf.get_mut(..count), pending.get(..count)) {
                    target.copy_from_slice(source);
                }
                self.output_at += count;
                return Ok(count);
            }
            if self.finished {
                return Ok(0);
            }
            if self.input_at == self.input_end && !self.input_done {
                let read = self.inner.read(&mut self.input)?;
                self.raw_bytes += read as u64;
                self.input_at = 0;
                self.input_end = read;
                self.input_done = read == 0;
            }
            let source = self
                .input
                .get(self.input_at..self.input_end)
                .unwrap_or_default();
            let (result, read, written, replaced) =
                self.decoder
                    .decode_to_utf8(source, &mut self.output, self.input_done);
            self.replaced |= replaced;
            self.input_at += read;
            self.output_at = 0;
            self.output_end = written;
            if self.input_done && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
        }
    }
}

type CsvInput = Chain<Chain<Cursor<Vec<u8>>, Transcode<BufReader<File>>>, &'static [u8]>;

/// The records of a text file, read one at a time.
pub(super) struct CsvRows {
    reader: csv::Reader<CsvInput>,
    record: csv::ByteRecord,
    format: CsvFormat,
    max_columns: usize,
}

impl CsvRows {
    /// Opens `file` (at its start) as delimited text; `encoding` and
    /// `delimiter` are detected where the caller gives none.
    pub(super) fn open(
        mut file: File,
        encoding: Option<TextEncoding>,
        delimiter: Option<Delimiter>,
        max_columns: usize,
    ) -> Result<CsvRows, SheetError> {
        let (encoding, encoding_detected) = match encoding {
            Some(encoding) => (encoding, false),
            None => (detect_encoding(&mut file).map_err(SheetError::io)?, true),
        };
        let mut text = Transcode::new(BufReader::with_capacity(1 << 18, file), encoding);
        let mut head = vec![0u8; SNIFF_BYTES];
        let read = read_up_to(&mut text, &mut head).map_err(SheetError::io)?;
        head.truncate(read);
        if head.contains(&0) {
            return Err(SheetError::NotASpreadsheet {
                what: super::NotSpreadsheet::Binary,
            });
        }
        let (delimiter, delimiter_detected) = match delimiter {
            Some(delimiter) => (delimiter, false),
            None => (sniff_delimiter(&head), true),
        };
        // Records end at `\n` only (a `\r` before it is dropped from the last
        // field), and a `\n` is appended to the input, so every record is read
        // with its terminating `\n`: the reader's line count after a record is
        // one past its last line (see `registry_import::read::read_csv`).
        let input = Cursor::new(head).chain(text).chain(&b"\n"[..]);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter.byte())
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(input);
        Ok(CsvRows {
            reader,
            record: csv::ByteRecord::new(),
            format: CsvFormat {
                encoding,
                encoding_detected,
                delimiter,
                delimiter_detected,
            },
            max_columns,
        })
    }

    pub(super) fn format(&self) -> CsvFormat {
        self.format
    }

    /// Bytes of the file read so far.
    pub(super) fn bytes_read(&self) -> u64 {
        self.reader.get_ref().get_ref().0.get_ref().1.raw_bytes
    }

    /// Whether some bytes were not valid in the encoding (read as `�`).
    pub(super) fn replaced_characters(&self) -> bool {
        self.reader.get_ref().get_ref().0.get_ref().1.replaced
    }

    /// The next record that is not blank.
    pub(super) fn next_row(&mut self) -> Result<Option<Row>, SheetError> {
        loop {
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|error| SheetError::Csv {
                    line: error.position().map_or(0, csv::Position::line),
                    detail: shared::text::without_personal_numbers(&error.to_string(), 200),
                })?;
            if !more {
                return Ok(None);
            }
            let newlines: usize = self
                .record
                .iter()
                .map(|field| field.iter().filter(|&&b| b == b'\n').count())
                .sum();
            let number = self
                .reader
                .position()
                .line()
                .saturating_sub(1 + newlines as u64);
            let last = self.record.len().saturating_sub(1);
            let cells: Vec<Cell> = self
                .record
                .iter()
                .take(self.max_columns)
                .enumerate()
                .map(|(index, field)| {
                    let field = if index == last {
                        field.strip_suffix(b"\r").unwrap_or(field)
                    } else {
                        field
                    };
                    // The input is UTF-8 already (decoded as it was read).
                    let text = String::from_utf8_lossy(field);
                    if text.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(text.into_owned())
                    }
                })
                .collect();
            let row = Row { number, cells };
            if !row.is_blank() {
                return Ok(Some(row));
            }
        }
    }
}

/// The delimiter of the first lines of `head`: of `,`, `;` and tab, the one
/// that splits the most lines into the same number of fields (quotes
/// respected, a field may hold a line break), the larger count on a tie;
/// `,` when none splits any line.
pub(super) fn sniff_delimiter(head: &[u8]) -> Delimiter {
    let text = String::from_utf8_lossy(head);
    let mut best = (Delimiter::Comma, 0usize, 0usize);
    for delimiter in [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab] {
        let counts = counts_per_line(&text, delimiter.byte() as char);
        let mut modes: Vec<(usize, usize)> = Vec::new();
        for &count in counts.iter().filter(|&&count| count > 0) {
            match modes.iter_mut().find(|(value, _)| *value == count) {
                Some((_, lines)) => *lines += 1,
                None => modes.push((count, 1)),
            }
        }
        let Some(&(mode, lines)) = modes.iter().max_by_key(|(value, lines)| (*lines, *value))
        else {
            continue;
        };
        if (lines, mode) > (best.2, best.1) {
            best = (delimiter, mode, lines);
        }
    }
    best.0
}

/// How many times `delimiter` occurs outside quotes in each of the first
/// [`SNIFF_LINES`] complete records of `text` (blank lines left out).
fn counts_per_line(text: &str, delimiter: char) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut count = 0;
    let mut quoted = false;
    let mut blank = true;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                blank = false;
            }
            '\n' if !quoted => {
                if !blank {
                    counts.push(count);
                }
                if counts.len() >= SNIFF_LINES {
                    return counts;
                }
                count = 0;
                blank = true;
            }
            '\r' => {}
            c if c == delimiter && !quoted => {
                count += 1;
                blank = false;
            }
            _ => blank = false,
        }
    }
    // The last line counts only if it is whole (the text ends there, not the sniffed block).
    if !blank && text.len() < SNIFF_BYTES {
        counts.push(count);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_that_splits_lines_alike() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), Delimiter::Comma);
        assert_eq!(
            sniff_delimiter(b"a;b;c\r\n1;2,5;3\r\n"),
            Delimiter::Semicolon
        );
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), Delimiter::Tab);
        // Commas inside quotes do not count; a title line without any does not either.
        assert_eq!(
            sniff_delimiter(b"DAFTAR KELUARGA\nNAMA;ALAMAT\n\"Budi, S\";\"Jl. Mawar, 3\"\n"),
            Delimiter::Semicolon
        );
        // The registry's programme list holds semicolons; the commas are the delimiter.
        assert_eq!(
            sniff_delimiter(b"id,program,nama\nF-1,pkh;bpnt,Budi\nF-2,pkh,Siti\n"),
            Delimiter::Comma
        );
        assert_eq!(sniff_delimiter(b"one column\nonly\n"), Delimiter::Comma);
        // A quoted line break keeps the record whole.
        assert_eq!(
            sniff_delimiter(b"a;b\n\"x\ny\";z\n1;2\n"),
            Delimiter::Semicolon
        );
    }

    #[test]
    fn utf8_is_told_from_windows_1252_across_blocks() {
        let mut text = vec![b'a'; (1 << 16) - 1];
        text.extend("é".as_bytes());
        assert!(is_utf8(&mut text.as_slice()).unwrap_or(false));
        let mut latin = b"Andr\xe9".to_vec();
        assert!(!is_utf8(&mut latin.as_slice()).unwrap_or(true));
        latin.clear();
        assert!(is_utf8(&mut latin.as_slice()).unwrap_or(false));
        // A character cut off by the end of the file is not UTF-8.
        assert!(!is_utf8(&mut &b"abc\xc3"[..]).unwrap_or(true));
    }

    #[test]
    fn transcoding_reads_windows_1252_and_utf16_as_utf8() {
        let mut out = String::new();
        let mut reader = Transcode::new(&b"Andr\xe9;Ren\xe9"[..], TextEncoding::Windows1252);
        assert!(reader.read_to_string(&mut out).is_ok());
        assert_eq!(out, "André;René");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "NIK\tNAMA\n".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        let mut out = String::new();
        let mut reader = Transcode::new(utf16.as_slice(), TextEncoding::Utf16Le);
        assert!(reader.read_to_string(&mut out).is_ok());
        assert_eq!(out, "NIK\tNAMA\n");
        assert_eq!(reader.raw_bytes, utf16.len() as u64);
        let mut out = String::new();
        let mut reader = Transcode::new(&b"\xef\xbb\xbfNIK"[..], TextEncoding::Utf8);
        assert!(reader.read_to_string(&mut out).is_ok());
        assert_eq!(out, "NIK");
        assert!(!reader.replaced);
    }
}
