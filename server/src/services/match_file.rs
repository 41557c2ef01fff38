//! The match-result file of padan Dukcapil: the civil registry answers a
//! district's list of NIKs with a spreadsheet, one row per NIK with its answer
//! (padan / tidak padan). The file is read here (CSV with `,` or `;`, or XLSX;
//! the header row found among the first rows by its `NIK` and answer columns),
//! and every proposal of the area waiting for its match whose living members
//! the file answers whole is recorded as matched, through the same write as
//! the form. Row problems are reported by line, never with the number itself.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::access::{Action, Target};
use shared::contract::{Actor, ProposalService, ServiceError};
use shared::proposal::{ProposalAction, ProposalFlow, ProposalStage};
use shared::proposal_batch::{
    BatchProblem, MATCH_FILE_MAX_BYTES, MatchImport, MatchOutcome, MemberMatch, RecordMatch,
    match_answer,
};
use shared::workflow::Workflow;

use super::common::{Subject, authorize, entry, own_scope, refuse_step, within_scope};
use super::db_failure;
use super::proposals::DbProposalService;
use crate::entities::{members, proposals};
use crate::protect::{DataKey, IdKind};

/// Rows of the file searched for the header.
const HEADER_SEARCH_ROWS: usize = 10;
/// Row problems kept in the report.
const PROBLEMS_KEPT: usize = 50;
/// Names of the answer column, compared without case, spaces or punctuation;
/// the most specific first (a file may also hold a `STATUS` of something else).
const ANSWER_COLUMNS: [&str; 6] = [
    "statuspadan",
    "hasilpadan",
    "padan",
    "hasil",
    "keterangan",
    "status",
];

fn refused(problem: BatchProblem) -> ServiceError {
    ServiceError::Invalid(problem.into())
}

/// A row of the file: its line (as a spreadsheet program numbers it) and its cells.
type Row = (u32, Vec<String>);

/// The file's rows as text: a workbook's first sheet, or CSV separated by
/// `;` or `,` (whichever gives a header row).
fn rows_of(content: &[u8]) -> Result<Vec<Row>, ServiceError> {
    if content.starts_with(b"PK") {
        let mut book = Xlsx::new(Cursor::new(content))
            .map_err(|_| refused(BatchProblem::MatchFileUnreadable))?;
        let sheet = book
            .worksheet_range_at(0)
            .ok_or(refused(BatchProblem::MatchFileUnreadable))?
            .map_err(|_| refused(BatchProblem::MatchFileUnreadable))?;
        let first = sheet.start().map_or(0, |(row, _)| row);
        return Ok(sheet
            .rows()
            .enumerate()
            .map(|(index, row)| {
                let line = first
                    .saturating_add(u32::try_from(index).unwrap_or(u32::MAX))
                    .saturating_add(1);
                let cells = row
                    .iter()
                    .map(|cell| match cell {
                        Data::String(text) => text.clone(),
                        Data::Int(n) => n.to_string(),
                        // A NIK kept as a number has lost its last digits: shown
                        // as Excel shows it, so that it is refused as such.
                        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                            format!("{f:.0}")
                        }
                        Data::Float(f) => format!("{f:E}"),
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    })
                    .collect();
                (line, cells)
            })
            .collect());
    }
    let text = String::from_utf8_lossy(content);
    let text = text.trim_start_matches('\u{feff}');
    let mut fallback = None;
    for delimiter in [b';', b','] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|_| refused(BatchProblem::MatchFileUnreadable))?;
            let line = record
                .position()
                .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
        if header_of(&rows).is_some() {
            return Ok(rows);
        }
        fallback.get_or_insert(rows);
    }
    Ok(fallback.unwrap_or_default())
}

fn squeezed(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

/// Where the header is and which columns hold the NIK and the answer.
fn header_of(rows: &[Row]) -> Option<(usize, usize, usize)> {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(at, (_, row))| {
            let names: Vec<String> = row.iter().map(|cell| squeezed(cell)).collect();
            // `NIK`, `N I K`, `No. NIK`, `NIK ART`.
            let nik = names
                .iter()
                .position(|n| n == "nik" || n.starts_with("nik") || n.ends_with("nik"))?;
            let answer = ANSWER_COLUMNS
                .iter()
                .find_map(|wanted| names.iter().position(|n| n == wanted))?;
            Some((at, nik, answer))
        })
}

/// The answers of the file by the NIK's lookup hash, and what it refused.
fn answers_of(
    content: &[u8],
    key: &DataKey,
    report: &mut MatchImport,
) -> Result<HashMap<String, MatchOutcome>, ServiceError> {
    if content.is_empty() {
        return Err(refused(BatchProblem::MatchFileUnreadable));
    }
    if content.len() > MATCH_FILE_MAX_BYTES {
        return Err(refused(BatchProblem::MatchFileTooLarge));
    }
    let rows = rows_of(content)?;
    let (header, nik_at, answer_at) =
        header_of(&rows).ok_or(refused(BatchProblem::MatchFileHeader))?;
    let mut answers = HashMap::new();
    for (line, row) in rows.iter().skip(header + 1) {
        let line = *line;
        let cell = |at: usize| row.get(at).map_or("", |text| text.trim());
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        let nik: String = cell(nik_at)
            .trim_start_matches('\'')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let problem = if nik.contains(['E', 'e', '+']) {
            Some(
                "NIK tersimpan sebagai angka dan kehilangan digit terakhirnya: format kolom NIK sebagai Teks di Excel lalu ketik ulang / the NIK was stored as a number and lost its last digits",
            )
        } else if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
            Some("NIK bukan 16 digit / the NIK is not 16 digits")
        } else {
            None
        };
        match (problem, match_answer(cell(answer_at))) {
            (Some(problem), _) => push_problem(report, line, problem),
            (None, None) => push_problem(
                report,
                line,
                "Hasil tidak dikenali: tulis Padan atau Tidak padan / the answer is neither matched nor not matched",
            ),
            (None, Some(outcome)) => {
                answers.insert(key.lookup_hash(IdKind::Nik, &nik), outcome);
            }
        }
    }
    Ok(answers)
}

fn push_problem(report: &mut MatchImport, line: u32, problem: &str) {
    if report.problems.len() < PROBLEMS_KEPT {
        report.problems.push((line, problem.to_string()));
    }
}

/// Reads the file and records the match of every waiting proposal of the
/// actor's area it answers whole.
pub(crate) async fn import(
    service: &DbProposalService,
    actor: &Actor,
    content: Vec<u8>,
) -> Result<MatchImport, ServiceError> {
    let db = service.store();
    let scope = own_scope(actor)?;
    let area = match &scope {
        shared::geo::AreaScope::Area(code) => Some(code.clone()),
        shared::geo::AreaScope::National => None,
    };
    authorize(
        db,
        actor,
        Action::ChangeProposal,
        &Target::area(scope.clone()),
        Subject::kind("proposal"),
    )
    .await?;
    if let Err(error) = ProposalFlow::transition(
        ProposalStage::Verified,
        ProposalAction::MatchCivilRegistry,
        actor.role,
    ) {
        return Err(refuse_step(
            db,
            actor,
            "import_civil_matches",
            Subject::kind("proposal"),
            area.as_ref(),
            error,
        )
        .await);
    }
    let mut report = MatchImport::default();
    let answers = answers_of(&content, service.key(), &mut report)?;
    let waiting = within_scope(
        proposals::Entity::find(),
        proposals::Column::VillageCode,
        &scope,
    )
    .filter(proposals::Column::Stage.eq(ProposalStage::Verified.code()))
    .order_by_asc(proposals::Column::Id)
    .all(db)
    .await
    .map_err(db_failure)?;
    for proposal in waiting {
        let people = members::Entity::find()
            .filter(members::Column::HouseholdId.eq(proposal.household_id))
            .order_by_asc(members::Column::Id)
            .all(db)
            .await
            .map_err(db_failure)?;
        let living: Vec<&members::Model> = people.iter().filter(|m| m.is_living()).collect();
        let answered: Vec<Option<MatchOutcome>> = living
            .iter()
            .map(|m| match &m.nik_hash {
                Some(hash) => answers.get(hash).copied(),
                None => Some(MatchOutcome::NoNik),
            })
            .collect();
        let from_file = living
            .iter()
            .filter(|m| m.nik_hash.as_ref().is_some_and(|h| answers.contains_key(h)))
            .count();
        if from_file == 0 {
            continue;
        }
        report.used += u32::try_from(from_file).unwrap_or(0);
        if answered.iter().any(Option::is_none) {
            report.incomplete.push(proposal.id);
            continue;
        }
        let members = living
            .iter()
            .zip(answered)
            .filter_map(|(m, outcome)| {
                outcome.map(|outcome| MemberMatch {
                    member_id: m.id,
                    outcome,
                })
            })
            .collect();
        let recorded = service
            .record_match(
                actor,
                RecordMatch {
                    proposal_id: proposal.id,
                    version: proposal.version,
                    members,
                    note: "Impor file hasil padan Dukcapil / match-result file".into(),
                },
            )
            .await;
        match recorded {
            Ok(_) => report.matched.push(proposal.id),
            // Changed meanwhile or refused: it keeps waiting; the rest goes on.
            Err(error) => {
                tracing::warn!(proposal = proposal.id, error = %error.message_en(), "match from the file not recorded");
                report.incomplete.push(proposal.id);
            }
        }
    }
    db.audit_ok(
        entry(
            actor,
            "import_civil_matches",
            Subject::kind("proposal"),
            area.as_ref(),
        )
        .detail(format!(
            "rows={}; used={}; matched={}; incomplete={}; problems={}",
            report.rows,
            report.used,
            report.matched.len(),
            report.incomplete.len(),
            report.problems.len()
        )),
    )
    .await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_found_below_title_rows_by_its_names() {
        let rows: Vec<Row> = [
            vec!["HASIL PADAN DUKCAPIL KAB. CIREBON", ""],
            vec!["", ""],
            vec!["No.", "No. NIK", "Status", "Status Padan"],
            vec!["1", "3209011204850001", "AKTIF", "PADAN"],
        ]
        .iter()
        .zip(1..)
        .map(|(row, line)| (line, row.iter().map(|c| (*c).to_string()).collect()))
        .collect();
        assert_eq!(
            header_of(&rows),
            Some((2, 1, 3)),
            "the specific answer column"
        );
        assert_eq!(header_of(&rows[..2]), None);
    }

    #[test]
    fn a_semicolon_file_reads_and_bad_rows_are_named_by_line() {
        let key = DataKey::from_bytes([7; 32]);
        // A title without ';', a blank line: lines as a spreadsheet numbers them.
        let file = "\u{feff}Hasil padan Dukcapil, Kab. Cirebon\n\nNIK;Nama;Hasil\n3209011204850001;Budi;Padan\n3.20901E+15;Siti;Padan\n32090112;Ani;padan\n3209016109880002;Sri;entah\n\n";
        let mut report = MatchImport::default();
        let answers = answers_of(file.as_bytes(), &key, &mut report);
        let answers = answers.unwrap_or_default();
        assert_eq!(answers.len(), 1);
        assert_eq!(
            answers.get(&key.lookup_hash(IdKind::Nik, "3209011204850001")),
            Some(&MatchOutcome::Matched)
        );
        assert_eq!(report.rows, 4);
        let lines: Vec<u32> = report.problems.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![5, 6, 7]);
        assert!(report.problems[0].1.contains("Teks"));
        assert!(report.problems.iter().all(|(_, p)| !p.contains("3209")));
    }

    #[test]
    fn a_file_without_its_columns_is_refused_whole() {
        let key = DataKey::from_bytes([7; 32]);
        let mut report = MatchImport::default();
        let refused = answers_of(b"nama,alamat\nBudi,Waled\n", &key, &mut report);
        assert!(matches!(
            refused,
            Err(ServiceError::Invalid(shared::DomainError::Batch {
                problem: BatchProblem::MatchFileHeader
            }))
        ));
        assert!(matches!(
            answers_of(b"", &key, &mut report),
            Err(ServiceError::Invalid(_))
        ));
    }
}
