//! The last steps of flow B: the civil-registry match of a proposal's members
//! (padan Dukcapil, per member matched / not matched / no NIK), and the batch
//! the district approves together (pengesahan) and sends to Kemensos with its
//! submission file, one row per person (by name, by address).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::drafts::number;
use crate::error::{DomainError, FieldErrors};
use crate::geo::AreaCode;
use crate::intake::parse_code;

/// Most proposals one batch holds.
pub const BATCH_MAX: usize = 500;
/// Longest decree (SK) number or letter reference.
pub const DECREE_MAX: usize = 120;
/// Most members one match records.
pub const MATCH_MEMBERS_MAX: usize = 40;

crate::coded_enum! {
    /// What the civil registry (Disdukcapil) answered for one member.
    pub enum MatchOutcome {
        /// Padan: the NIK and name agree with the civil registry.
        Matched = ("matched", "Padan", "Matched"),
        /// Tidak padan: the civil registry does not know the NIK, or knows it with other data.
        NotMatched = ("not_matched", "Tidak padan", "Not matched"),
        /// Tanpa NIK: the member has no NIK to match (to be referred for civil documents).
        NoNik = ("no_nik", "Tanpa NIK", "No NIK"),
    }
}

crate::coded_enum! {
    /// Where a batch stands.
    pub enum BatchState {
        /// Disahkan: approved by the district head; the file is not sent yet.
        Ratified = ("ratified", "Disahkan", "Approved"),
        /// Dikirim: the submission file was made and the batch sent to Kemensos.
        Submitted = ("submitted", "Dikirim", "Sent"),
    }
}

crate::coded_enum! {
    /// Why a match or a batch is refused.
    pub enum BatchProblem {
        MatchIncomplete = ("match_incomplete", "Setiap anggota keluarga perlu hasil padan Dukcapil.", "Every member of the family needs a civil-registry match result."),
        MatchUnknownMember = ("match_unknown_member", "Hasil padan menyebut orang yang bukan anggota keluarga ini.", "The match names someone who is not a member of this family."),
        MatchNeedsNik = ("match_needs_nik", "Anggota tanpa NIK hanya dapat dicatat 'Tanpa NIK'.", "A member without a NIK can only be recorded as 'No NIK'."),
        MatchHasNik = ("match_has_nik", "Anggota ini punya NIK: catat 'Padan' atau 'Tidak padan'.", "This member has a NIK: record 'Matched' or 'Not matched'."),
        BatchEmpty = ("batch_empty", "Pilih usulan yang akan disahkan.", "Choose the proposals to approve."),
        BatchTooLarge = ("batch_too_large", "Satu berkas memuat paling banyak 500 usulan.", "One batch holds at most 500 proposals."),
        NotAwaitingApproval = ("not_awaiting_approval", "Usulan ini tidak (lagi) menunggu pengesahan: muat ulang daftar.", "This proposal is not (or no longer) waiting for approval: reload the list."),
        OtherDistrict = ("other_district", "Satu berkas hanya memuat usulan satu kabupaten/kota.", "One batch holds the proposals of one district only."),
        AlreadySubmitted = ("already_submitted", "Berkas ini sudah dikirim.", "This batch was already sent."),
        MatchThroughForm = ("match_through_form", "Padan Dukcapil dicatat dengan hasil setiap anggota (formulir padan di halaman usulan).", "The civil-registry match is recorded with each member's result (the match form on the proposal's page)."),
        ThroughBatch = ("through_batch", "Pengesahan dan pengiriman dicatat per berkas (menu Pengesahan dan pengiriman).", "Approval and sending are recorded per batch (the Approval and sending page)."),
        MatchFileUnreadable = ("match_file_unreadable", "File ini tidak dapat dibaca: kirim file hasil padan sebagai CSV atau XLSX.", "This file cannot be read: send the match-result file as CSV or XLSX."),
        MatchFileTooLarge = ("match_file_too_large", "File hasil padan paling besar 1,9 MB.", "A match-result file is 1.9 MB at most."),
        MatchFileHeader = ("match_file_header", "File hasil padan perlu kolom NIK dan kolom hasil (Padan / Tidak padan) di baris judulnya.", "The match-result file needs a NIK column and an answer column (matched / not matched) in its header row."),
        NotSubmitted = ("not_submitted", "Berkas ini belum dikirim: belum ada file usulan.", "This batch is not sent yet: it has no submission file."),
    }
}

impl From<BatchProblem> for DomainError {
    fn from(problem: BatchProblem) -> Self {
        DomainError::Batch { problem }
    }
}

/// One member's match result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMatch {
    pub member_id: i64,
    pub outcome: MatchOutcome,
}

/// The civil-registry match of a proposal's members, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CivilMatch {
    pub members: Vec<MemberMatch>,
}

impl CivilMatch {
    /// The match checked against the family's living members (`(id, has a
    /// NIK)`): every one of them answered once, no one else, and a NIK's
    /// presence agreeing with the answer.
    pub fn checked(
        given: &[MemberMatch],
        people: &[(i64, bool)],
    ) -> Result<CivilMatch, BatchProblem> {
        let mut members = Vec::with_capacity(people.len());
        for given in given {
            let Some((_, has_nik)) = people.iter().find(|(id, _)| *id == given.member_id) else {
                return Err(BatchProblem::MatchUnknownMember);
            };
            match (has_nik, given.outcome) {
                (false, MatchOutcome::Matched | MatchOutcome::NotMatched) => {
                    return Err(BatchProblem::MatchNeedsNik);
                }
                (true, MatchOutcome::NoNik) => return Err(BatchProblem::MatchHasNik),
                _ => {}
            }
            if !members
                .iter()
                .any(|m: &MemberMatch| m.member_id == given.member_id)
            {
                members.push(*given);
            }
        }
        if members.len() != people.len() {
            return Err(BatchProblem::MatchIncomplete);
        }
        Ok(CivilMatch { members })
    }

    /// The answer recorded for `member_id`.
    pub fn outcome_of(&self, member_id: i64) -> Option<MatchOutcome> {
        self.members
            .iter()
            .find(|m| m.member_id == member_id)
            .map(|m| m.outcome)
    }
}

impl CivilMatch {
    /// The family's living members as a match needs them: `(id, has a NIK)`.
    pub fn people(file: &crate::dto::HouseholdFile) -> Vec<(i64, bool)> {
        file.members
            .iter()
            .filter(|m| crate::proposal_change::living(m))
            .map(|m| (m.id, m.nik_masked.is_some()))
            .collect()
    }
}

/// A living member of the family on the match form, with the answer recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchMember {
    pub id: i64,
    pub name: String,
    pub relationship: crate::member::Relationship,
    pub nik_masked: Option<String>,
    pub outcome: Option<MatchOutcome>,
}

impl MatchMember {
    /// The family's living members, each with its recorded answer.
    pub fn of_file(
        file: &crate::dto::HouseholdFile,
        recorded: Option<&CivilMatch>,
    ) -> Vec<MatchMember> {
        file.members
            .iter()
            .filter(|m| crate::proposal_change::living(m))
            .map(|m| MatchMember {
                id: m.id,
                name: m.member.name.clone(),
                relationship: m.member.relationship,
                nik_masked: m.nik_masked.clone(),
                outcome: recorded.and_then(|r| r.outcome_of(m.id)),
            })
            .collect()
    }
}

/// What a match-result file said: each answer cell read as an outcome
/// (`padan`, `sesuai`, `ya`, `1` … or `tidak padan`, `tidak sesuai`, `tidak`,
/// `0` …, any case); `None` for anything else.
pub fn match_answer(text: &str) -> Option<MatchOutcome> {
    let text = text.trim().to_lowercase().replace(['_', '-'], " ");
    match text.as_str() {
        "padan" | "sesuai" | "cocok" | "ya" | "y" | "1" | "ditemukan" | "matched" => {
            Some(MatchOutcome::Matched)
        }
        "tidak padan" | "tidak sesuai" | "tidak cocok" | "tidak" | "t" | "0"
        | "tidak ditemukan" | "not matched" => Some(MatchOutcome::NotMatched),
        _ => None,
    }
}

/// Largest match-result file taken (a district's file of a few thousand rows is far smaller).
pub const MATCH_FILE_MAX_BYTES: usize = 1_900_000;

/// What importing a match-result file did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchImport {
    /// Rows read below the header.
    pub rows: u32,
    /// Rows whose NIK belongs to a member of a proposal waiting for its match.
    pub used: u32,
    /// Rows refused: line number and why (first 50).
    pub problems: Vec<(u32, String)>,
    /// Proposals whose every living member was answered: recorded as matched.
    pub matched: Vec<i64>,
    /// Waiting proposals only partly answered by the file (left waiting).
    pub incomplete: Vec<i64>,
}

/// One member's answer as chosen on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMatchDraft {
    pub member_id: String,
    /// [`MatchOutcome`] code (empty: not answered).
    #[serde(default)]
    pub outcome: String,
}

/// The padan Dukcapil form of a proposal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchDraft {
    pub proposal_id: String,
    pub version: String,
    #[serde(default)]
    pub members: Vec<MemberMatchDraft>,
    /// The match letter's number or a note.
    #[serde(default)]
    pub note: String,
}

/// A checked [`MatchDraft`]: the answers, not yet held against the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMatch {
    pub proposal_id: i64,
    pub version: i32,
    pub members: Vec<MemberMatch>,
    pub note: String,
}

impl MatchDraft {
    /// The request, or every error named after its field.
    pub fn to_request(&self) -> Result<RecordMatch, DomainError> {
        let mut errors = FieldErrors::new();
        let proposal_id = errors.check(
            "proposal_id",
            number::<i64>("proposal_id", &self.proposal_id),
        );
        let version = errors.check("version", number::<i32>("version", &self.version));
        let note = errors.check(
            "note",
            crate::text::optional("note", &self.note, crate::workflow::NOTE_MAX),
        );
        if self.members.len() > MATCH_MEMBERS_MAX {
            errors.push(
                "members",
                DomainError::NumberOutOfRange {
                    field: "members".into(),
                    min: 0,
                    max: MATCH_MEMBERS_MAX as i64,
                    found: i64::try_from(self.members.len()).unwrap_or(i64::MAX),
                },
            );
        }
        let mut members = Vec::new();
        for (index, member) in self.members.iter().take(MATCH_MEMBERS_MAX).enumerate() {
            let id = errors.check(
                &format!("members.{index}.member_id"),
                number::<i64>("member_id", &member.member_id),
            );
            let outcome = errors.check(
                &format!("members.{index}.outcome"),
                parse_code::<MatchOutcome>("outcome", &member.outcome),
            );
            if let (Some(member_id), Some(outcome)) = (id, outcome) {
                members.push(MemberMatch { member_id, outcome });
            }
        }
        errors.finish()?;
        match (proposal_id, version, note) {
            (Some(proposal_id), Some(version), Some(note)) => Ok(RecordMatch {
                proposal_id,
                version,
                members,
                note: note.unwrap_or_default(),
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// The approval form: the proposals ticked and the decree's number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatifyDraft {
    #[serde(default)]
    pub idempotency_key: String,
    /// Ids of the proposals ticked.
    #[serde(default)]
    pub proposals: Vec<String>,
    /// The district head's decree (SK) or approval letter number.
    #[serde(default)]
    pub decree: String,
}

/// A checked [`RatifyDraft`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatifyBatch {
    pub idempotency_key: String,
    pub proposal_ids: Vec<i64>,
    pub decree: String,
}

impl RatifyDraft {
    /// The request, or every error named after its field.
    pub fn to_request(&self) -> Result<RatifyBatch, DomainError> {
        let mut errors = FieldErrors::new();
        let decree = errors.check(
            "decree",
            crate::text::required("decree", &self.decree, DECREE_MAX),
        );
        let mut proposal_ids = Vec::new();
        if self.proposals.is_empty() {
            errors.push("proposals", BatchProblem::BatchEmpty.into());
        } else if self.proposals.len() > BATCH_MAX {
            errors.push("proposals", BatchProblem::BatchTooLarge.into());
        } else {
            for (index, id) in self.proposals.iter().enumerate() {
                if let Some(id) = errors.check(
                    &format!("proposals.{index}"),
                    number::<i64>("proposals", id),
                ) && !proposal_ids.contains(&id)
                {
                    proposal_ids.push(id);
                }
            }
        }
        errors.finish()?;
        match decree {
            Some(decree) => Ok(RatifyBatch {
                idempotency_key: self.idempotency_key.trim().to_string(),
                proposal_ids,
                decree,
            }),
            None => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// The sending form of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitDraft {
    pub batch_id: String,
    pub version: String,
}

/// A checked [`SubmitDraft`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitBatch {
    pub batch_id: i64,
    pub version: i32,
}

impl SubmitDraft {
    pub fn to_request(&self) -> Result<SubmitBatch, DomainError> {
        let mut errors = FieldErrors::new();
        let batch_id = errors.check("batch_id", number::<i64>("batch_id", &self.batch_id));
        let version = errors.check("version", number::<i32>("version", &self.version));
        errors.finish()?;
        match (batch_id, version) {
            (Some(batch_id), Some(version)) => Ok(SubmitBatch { batch_id, version }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// A batch as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRow {
    pub id: i64,
    pub version: i32,
    pub number: String,
    pub district: AreaCode,
    pub state: BatchState,
    pub decree: String,
    pub proposals: u32,
    pub people: u32,
    pub ratified_at: DateTime<Utc>,
    pub ratified_by: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
}

/// A batch with its proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchFile {
    pub batch: BatchRow,
    pub proposals: Vec<crate::dto::ProposalRow>,
}

/// The batches of the user's area and the proposals waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDesk {
    pub batches: Vec<BatchRow>,
    /// Proposals matched with the civil registry, waiting for the district's approval.
    pub waiting: Vec<crate::dto::ProposalRow>,
}

/// The columns of a registry file (the registry import's, in its documented
/// order: `docs/registry-import.md`).
pub const REGISTRY_COLUMNS: [&str; 10] = [
    "id_keluarga",
    "sumber",
    "no_kk",
    "nik",
    "nama",
    "hubungan",
    "kode_wilayah",
    "alamat",
    "desil",
    "program",
];

/// The submission file's columns after the registry's own.
const PROPOSAL_COLUMNS: [&str; 10] = [
    "no",
    "no_berkas",
    "id_usulan",
    "jenis_usulan",
    "perubahan",
    "rt",
    "rw",
    "jenis_kelamin",
    "tanggal_lahir",
    "status_padan",
];

/// The columns of the submission file, one row per person: the registry
/// import's ten first, so that the file reads back as a registry slice once
/// Kemensos has given each family its id and decile; then what is proposed
/// and where the family lives.
pub const SUBMISSION_COLUMNS: [&str; 20] = {
    let mut all = [""; 20];
    let mut at = 0;
    while at < 10 {
        all[at] = REGISTRY_COLUMNS[at];
        all[at + 10] = PROPOSAL_COLUMNS[at];
        at += 1;
    }
    all
};

/// A batch's number: `BU-<district digits>-<year>-<serial, 4 digits>`.
pub fn batch_number(district: &AreaCode, year: i32, serial: u32) -> String {
    format!("{}{serial:04}", batch_prefix(district, year))
}

/// What every batch number of a district's year starts with.
pub fn batch_prefix(district: &AreaCode, year: i32) -> String {
    format!("BU-{}-{year}-", district.as_str().replace('.', ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;

    fn answer(member_id: i64, outcome: MatchOutcome) -> MemberMatch {
        MemberMatch { member_id, outcome }
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<MatchOutcome>();
        check_coded::<BatchState>();
        check_coded::<BatchProblem>();
    }

    #[test]
    fn a_match_answers_every_living_member_once_and_agrees_with_their_nik() {
        let people = [(1, true), (2, true), (3, false)];
        let full = [
            answer(1, MatchOutcome::Matched),
            answer(2, MatchOutcome::NotMatched),
            answer(3, MatchOutcome::NoNik),
        ];
        let checked = CivilMatch::checked(&full, &people);
        assert_eq!(checked.map(|m| m.members.len()), Ok(3));
        assert_eq!(
            CivilMatch::checked(&full[..2], &people),
            Err(BatchProblem::MatchIncomplete)
        );
        // Twice the same member does not stand in for another.
        let twice = [full[0], full[0], full[2]];
        assert_eq!(
            CivilMatch::checked(&twice, &people),
            Err(BatchProblem::MatchIncomplete)
        );
        let stranger = [full[0], full[1], full[2], answer(9, MatchOutcome::Matched)];
        assert_eq!(
            CivilMatch::checked(&stranger, &people),
            Err(BatchProblem::MatchUnknownMember)
        );
        let no_nik_matched = [full[0], full[1], answer(3, MatchOutcome::Matched)];
        assert_eq!(
            CivilMatch::checked(&no_nik_matched, &people),
            Err(BatchProblem::MatchNeedsNik)
        );
        let nik_as_none = [answer(1, MatchOutcome::NoNik), full[1], full[2]];
        assert_eq!(
            CivilMatch::checked(&nik_as_none, &people),
            Err(BatchProblem::MatchHasNik)
        );
    }

    #[test]
    fn forms_name_their_wrong_fields() {
        let draft = MatchDraft {
            proposal_id: "7".into(),
            version: "2".into(),
            members: vec![
                MemberMatchDraft {
                    member_id: "1".into(),
                    outcome: "matched".into(),
                },
                MemberMatchDraft {
                    member_id: "2".into(),
                    outcome: String::new(),
                },
            ],
            note: String::new(),
        };
        let Err(DomainError::Invalid { errors }) = draft.to_request() else {
            panic!("an unanswered member is refused");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "members.1.outcome");

        let ratify = RatifyDraft {
            idempotency_key: "k".into(),
            proposals: vec!["3".into(), "3".into(), "4".into()],
            decree: " SK 400/12/2026 ".into(),
        };
        let request = ratify.to_request();
        assert_eq!(
            request.map(|r| (r.proposal_ids, r.decree)),
            Ok((vec![3, 4], "SK 400/12/2026".to_string()))
        );
        let empty = RatifyDraft::default().to_request();
        let Err(DomainError::Invalid { errors }) = empty else {
            panic!("an empty batch without decree is refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["decree", "proposals"]);
    }

    #[test]
    fn answers_read_as_offices_write_them() {
        for yes in ["Padan", "SESUAI", " ya ", "1", "matched"] {
            assert_eq!(match_answer(yes), Some(MatchOutcome::Matched), "{yes}");
        }
        for no in [
            "Tidak Padan",
            "tidak_sesuai",
            "TIDAK",
            "0",
            "tidak-ditemukan",
        ] {
            assert_eq!(match_answer(no), Some(MatchOutcome::NotMatched), "{no}");
        }
        for unclear in ["", "mungkin", "2", "padan?"] {
            assert_eq!(match_answer(unclear), None, "{unclear}");
        }
    }

    #[test]
    fn the_submission_file_starts_with_the_registry_s_columns() {
        assert_eq!(SUBMISSION_COLUMNS[..10], REGISTRY_COLUMNS);
        assert_eq!(SUBMISSION_COLUMNS[10], "no");
        assert_eq!(SUBMISSION_COLUMNS[19], "status_padan");
    }

    #[test]
    fn batch_numbers_read_as_the_district_year_and_serial() {
        let district = AreaCode::parse("32.09").expect("a district code");
        assert_eq!(batch_number(&district, 2026, 7), "BU-3209-2026-0007");
    }
}
