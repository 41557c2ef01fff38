//! The village meeting (musyawarah desa or kelurahan, musdes/muskel) of flow B:
//! a record of its own with the proposals on its agenda, the decision on each,
//! who took part, the village head and the signed minutes. Approving the
//! meeting moves every agreed proposal on to the home visit (verivali) and
//! closes every proposal not agreed with its reason, in one step.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::drafts::number;
use crate::error::{DomainError, FieldErrors};
use crate::geo::AreaCode;
use crate::intake::{parse_code, parse_date};

/// Largest minutes file accepted (a phone photo of the signed page, or a scan).
pub const MINUTES_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most people listed as taking part.
pub const PARTICIPANTS_MAX: usize = 200;
/// Most proposals on one agenda.
pub const AGENDA_MAX: usize = 200;
/// Longest place, name, role or reason.
pub const TEXT_MAX: usize = 200;

crate::coded_enum! {
    /// What the meeting decided about one proposal.
    pub enum MeetingDecision {
        /// Agreed: the proposal goes on to the home visit.
        Agreed = ("agreed", "Disetujui", "Agreed"),
        /// Not agreed: the proposal ends here, with the meeting's reason.
        NotAgreed = ("not_agreed", "Tidak disetujui", "Not agreed"),
    }
}

crate::coded_enum! {
    /// Where a meeting's record stands.
    pub enum MeetingState {
        /// Being prepared or written up: agenda, people and decisions can change.
        Open = ("open", "Belum disahkan", "Not yet approved"),
        /// Approved with its minutes: nothing changes any more.
        Approved = ("approved", "Disahkan", "Approved"),
    }
}

crate::coded_enum! {
    /// The kind of a minutes file, told by its first bytes (never by its name).
    pub enum MinutesType {
        Pdf = ("pdf", "PDF", "PDF"),
        Jpeg = ("jpeg", "Foto JPEG", "JPEG photo"),
        Png = ("png", "Gambar PNG", "PNG image"),
    }
}

crate::coded_enum! {
    /// Why a meeting's record cannot be saved or approved as it is.
    pub enum MeetingProblem {
        ProposalOfOtherVillage = ("proposal_of_other_village", "Usulan ini dari desa lain: musdes hanya membahas usulan desanya sendiri.", "This proposal is from another village: a meeting discusses its own village's proposals only."),
        ProposalNotWaiting = ("proposal_not_waiting", "Usulan ini tidak lagi menunggu musdes.", "This proposal is no longer waiting for a village meeting."),
        ProposalOnOtherMeeting = ("proposal_on_other_meeting", "Usulan ini sudah masuk agenda musdes lain yang belum disahkan.", "This proposal is already on the agenda of another meeting not yet approved."),
        ProposalNotOnAgenda = ("proposal_not_on_agenda", "Usulan ini tidak ada di agenda musdes ini.", "This proposal is not on this meeting's agenda."),
        AgendaEmpty = ("agenda_empty", "Pilih paling sedikit satu usulan untuk agenda musdes.", "Choose at least one proposal for the meeting's agenda."),
        AgendaTooLong = ("agenda_too_long", "Agenda musdes paling banyak 200 usulan.", "A meeting's agenda holds 200 proposals at most."),
        Undecided = ("undecided", "Setiap usulan di agenda perlu keputusan (disetujui atau tidak).", "Every proposal on the agenda needs a decision (agreed or not)."),
        ReasonMissing = ("reason_missing", "Tuliskan alasan musdes untuk usulan yang tidak disetujui.", "Write the meeting's reason for a proposal not agreed."),
        NoParticipants = ("no_participants", "Tuliskan peserta musdes (satu orang per baris).", "List the meeting's participants (one person per line)."),
        TooManyParticipants = ("too_many_participants", "Peserta paling banyak 200 orang.", "200 participants at most."),
        VillageHeadMissing = ("village_head_missing", "Tuliskan nama kepala desa/lurah yang menandatangani berita acara.", "Write the name of the village head who signed the minutes."),
        NotHeldYet = ("not_held_yet", "Musdes baru dapat disahkan setelah tanggal pelaksanaannya.", "A meeting can be approved only once its date has come."),
        MinutesMissing = ("minutes_missing", "Unggah berita acara musdes yang sudah ditandatangani.", "Upload the signed minutes of the meeting."),
        MinutesType = ("minutes_type", "Berita acara harus berupa PDF, foto JPEG atau gambar PNG.", "The minutes must be a PDF, a JPEG photo or a PNG image."),
        MinutesTooLarge = ("minutes_too_large", "Berkas berita acara paling besar 5 MB.", "The minutes file may be 5 MB at most."),
        Approved = ("approved", "Musdes ini sudah disahkan: datanya tidak dapat diubah lagi.", "This meeting is approved: its record can no longer change."),
        OnOpenAgenda = ("on_open_agenda", "Usulan ini ada di agenda musdes yang belum disahkan: putuskan di musdes itu, atau keluarkan dulu dari agendanya.", "This proposal is on the agenda of a meeting not yet approved: decide it there, or take it off that agenda first."),
        Stale = ("stale", "Musdes ini baru saja diubah orang lain: muat ulang halaman, lalu coba lagi.", "Someone else has just changed this meeting: reload the page, then try again."),
    }
}

impl MinutesType {
    /// The kind of `bytes` by their signature, if one accepted.
    pub fn sniff(bytes: &[u8]) -> Option<MinutesType> {
        if bytes.starts_with(b"%PDF-") {
            Some(MinutesType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MinutesType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(MinutesType::Png)
        } else {
            None
        }
    }

    /// The media type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            MinutesType::Pdf => "application/pdf",
            MinutesType::Jpeg => "image/jpeg",
            MinutesType::Png => "image/png",
        }
    }

    /// The file name ending it is downloaded with.
    pub fn extension(self) -> &'static str {
        match self {
            MinutesType::Pdf => "pdf",
            MinutesType::Jpeg => "jpg",
            MinutesType::Png => "png",
        }
    }
}

/// Checks an uploaded minutes file: not empty, at most [`MINUTES_MAX_BYTES`],
/// and a PDF, JPEG or PNG by its content.
pub fn check_minutes(bytes: &[u8]) -> Result<MinutesType, MeetingProblem> {
    if bytes.is_empty() {
        return Err(MeetingProblem::MinutesMissing);
    }
    if bytes.len() > MINUTES_MAX_BYTES {
        return Err(MeetingProblem::MinutesTooLarge);
    }
    MinutesType::sniff(bytes).ok_or(MeetingProblem::MinutesType)
}

/// The village a list of waiting proposals is asked for: a code, or empty for
/// the only village with waiting proposals.
pub fn village_choice(text: &str) -> Result<Option<AreaCode>, DomainError> {
    match text.trim() {
        "" => Ok(None),
        code => AreaCode::parse(code).map(Some),
    }
}

/// Someone who took part in the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub name: String,
    /// What they came as (kepala desa, BPD, RT 002, pendamping PKH, ...); may be empty.
    pub role: String,
}

/// The participants typed one per line as "name, role" (the role may be left
/// out); empty lines are skipped.
pub fn parse_participants(text: &str) -> Result<Vec<Participant>, DomainError> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(PARTICIPANTS_MAX + 1)
        .collect();
    if lines.len() > PARTICIPANTS_MAX {
        return Err(DomainError::Meeting {
            problem: MeetingProblem::TooManyParticipants,
        });
    }
    let mut people = Vec::with_capacity(lines.len());
    for line in lines {
        let (name, role) = match line.split_once(',') {
            Some((name, role)) => (name.trim(), role.trim()),
            None => (line, ""),
        };
        let name = crate::text::required("participants", name, TEXT_MAX)?;
        let role = crate::text::optional("participants", role, TEXT_MAX)?.unwrap_or_default();
        people.push(Participant { name, role });
    }
    Ok(people)
}

/// The participants as typed back into the form ("name, role" per line).
pub fn participants_text(people: &[Participant]) -> String {
    people
        .iter()
        .map(|p| {
            if p.role.is_empty() {
                p.name.clone()
            } else {
                format!("{}, {}", p.name, p.role)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A meeting's record as typed: new (no `meeting_id`) or changed while open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDraft {
    /// Empty for a new meeting.
    #[serde(default)]
    pub meeting_id: String,
    #[serde(default)]
    pub version: String,
    /// Sent again with the same key, a new meeting is made once.
    #[serde(default)]
    pub idempotency_key: String,
    pub village: String,
    pub held_on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub village_head: String,
    /// One person per line: "name, role".
    #[serde(default)]
    pub participants: String,
    /// Ids of the proposals on the agenda.
    #[serde(default)]
    pub proposals: Vec<String>,
}

/// A checked [`MeetingDraft`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveMeeting {
    /// `Some((id, version seen))` to change a meeting, `None` for a new one.
    pub existing: Option<(i64, i32)>,
    pub idempotency_key: String,
    pub village: AreaCode,
    pub held_on: NaiveDate,
    pub place: String,
    /// May stay empty until the minutes are signed.
    pub village_head: String,
    pub participants: Vec<Participant>,
    pub proposal_ids: Vec<i64>,
}

impl MeetingDraft {
    /// The record, or every error named after its field.
    pub fn checked(&self) -> Result<SaveMeeting, DomainError> {
        let mut errors = FieldErrors::new();
        let existing = if self.meeting_id.trim().is_empty() {
            Some(None)
        } else {
            let id = errors.check("meeting_id", number::<i64>("meeting_id", &self.meeting_id));
            let version = errors.check("version", number::<i32>("version", &self.version));
            id.zip(version).map(Some)
        };
        let village = errors.check(
            "village",
            AreaCode::parse(self.village.trim())
                .and_then(|code| code.require_level(crate::geo::AreaLevel::Village)),
        );
        let held_on = errors.check("held_on", parse_date("held_on", &self.held_on));
        let place = errors.check(
            "place",
            crate::text::required("place", &self.place, TEXT_MAX),
        );
        let village_head = errors
            .check(
                "village_head",
                crate::text::optional("village_head", &self.village_head, TEXT_MAX),
            )
            .map(Option::unwrap_or_default);
        let participants = errors.check("participants", parse_participants(&self.participants));
        let mut proposal_ids = Vec::new();
        if self.proposals.is_empty() {
            errors.push(
                "proposals",
                DomainError::Meeting {
                    problem: MeetingProblem::AgendaEmpty,
                },
            );
        } else if self.proposals.len() > AGENDA_MAX {
            // Refused before anything is read: a long list costs nothing.
            errors.push(
                "proposals",
                DomainError::Meeting {
                    problem: MeetingProblem::AgendaTooLong,
                },
            );
        } else {
            let mut seen = std::collections::HashSet::new();
            for (index, id) in self.proposals.iter().enumerate() {
                if let Some(id) = errors.check(
                    &format!("proposals.{index}"),
                    number::<i64>("proposals", id),
                ) && seen.insert(id)
                {
                    proposal_ids.push(id);
                }
            }
        }
        errors.finish()?;
        match (
            existing,
            village,
            held_on,
            place,
            village_head,
            participants,
        ) {
            (
                Some(existing),
                Some(village),
                Some(held_on),
                Some(place),
                Some(village_head),
                Some(participants),
            ) => Ok(SaveMeeting {
                existing,
                idempotency_key: self.idempotency_key.trim().to_string(),
                village,
                held_on,
                place,
                village_head,
                participants,
                proposal_ids,
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// The decision on one proposal of the agenda, as chosen on the meeting's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDraft {
    pub meeting_id: String,
    pub version: String,
    pub proposal_id: String,
    /// [`MeetingDecision`] code.
    pub decision: String,
    /// Why not agreed (required then).
    #[serde(default)]
    pub reason: String,
}

/// A checked [`DecisionDraft`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decide {
    pub meeting_id: i64,
    pub version: i32,
    pub proposal_id: i64,
    pub decision: MeetingDecision,
    /// Empty when agreed.
    pub reason: String,
}

impl DecisionDraft {
    /// The decision, or every error named after its field.
    pub fn checked(&self) -> Result<Decide, DomainError> {
        let mut errors = FieldErrors::new();
        let meeting_id = errors.check("meeting_id", number("meeting_id", &self.meeting_id));
        let version = errors.check("version", number("version", &self.version));
        let proposal_id = errors.check("proposal_id", number("proposal_id", &self.proposal_id));
        let decision = errors.check(
            "decision",
            parse_code::<MeetingDecision>("decision", &self.decision),
        );
        let reason = match decision {
            Some(MeetingDecision::NotAgreed) => {
                match crate::text::optional("reason", &self.reason, TEXT_MAX) {
                    Ok(Some(reason)) => Some(reason),
                    Ok(None) => {
                        errors.push(
                            "reason",
                            DomainError::Meeting {
                                problem: MeetingProblem::ReasonMissing,
                            },
                        );
                        None
                    }
                    Err(error) => {
                        errors.push("reason", error);
                        None
                    }
                }
            }
            _ => Some(String::new()),
        };
        errors.finish()?;
        match (meeting_id, version, proposal_id, decision, reason) {
            (Some(meeting_id), Some(version), Some(proposal_id), Some(decision), Some(reason)) => {
                Ok(Decide {
                    meeting_id,
                    version,
                    proposal_id,
                    decision,
                    reason,
                })
            }
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// What approval needs of a meeting's record; see [`approval_problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalFacts<'a> {
    pub state: MeetingState,
    pub held_on: NaiveDate,
    pub today: NaiveDate,
    pub village_head: &'a str,
    pub participants: usize,
    pub agenda: usize,
    /// Agenda items without a decision.
    pub undecided: usize,
    pub has_minutes: bool,
}

/// The first thing that keeps the meeting from being approved, if any.
pub fn approval_problem(facts: ApprovalFacts<'_>) -> Option<MeetingProblem> {
    use MeetingProblem as P;
    if facts.state == MeetingState::Approved {
        Some(P::Approved)
    } else if facts.agenda == 0 {
        Some(P::AgendaEmpty)
    } else if facts.held_on > facts.today {
        Some(P::NotHeldYet)
    } else if facts.undecided > 0 {
        Some(P::Undecided)
    } else if facts.participants == 0 {
        Some(P::NoParticipants)
    } else if facts.village_head.trim().is_empty() {
        Some(P::VillageHeadMissing)
    } else if !facts.has_minutes {
        Some(P::MinutesMissing)
    } else {
        None
    }
}

/// A meeting in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRow {
    pub id: i64,
    pub version: i32,
    pub village: AreaCode,
    /// The village's name (the code when unknown).
    pub village_name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub state: MeetingState,
    /// Proposals on the agenda, agreed and not agreed.
    pub agenda: u32,
    pub agreed: u32,
    pub not_agreed: u32,
    pub has_minutes: bool,
}

/// What a new meeting may put on its agenda.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingCandidates {
    /// Villages with waiting proposals: code and name.
    pub villages: Vec<(AreaCode, String)>,
    /// The village chosen (or the only one), if any.
    pub village: Option<AreaCode>,
    /// Its waiting proposals.
    pub proposals: Vec<crate::dto::ProposalRow>,
}

/// A proposal on a meeting's agenda, as read out and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingItem {
    pub proposal: crate::dto::ProposalRow,
    /// The family's address as the meeting knows it (dusun, RT/RW, street).
    pub address: String,
    pub decision: Option<MeetingDecision>,
    pub reason: String,
}

/// The uploaded minutes of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesInfo {
    pub kind: MinutesType,
    pub size_bytes: i64,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

/// A meeting's whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingFile {
    pub row: MeetingRow,
    pub village_head: String,
    pub participants: Vec<Participant>,
    pub items: Vec<MeetingItem>,
    pub minutes: Option<MinutesInfo>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What keeps it from being approved now ([`approval_problem`]).
    pub approval_problem: Option<MeetingProblem>,
    /// Whether the user may change the record (and approve it).
    pub may_change: bool,
}

impl MeetingFile {
    /// The record as its form shows it, to change it.
    pub fn draft(&self) -> MeetingDraft {
        MeetingDraft {
            meeting_id: self.row.id.to_string(),
            version: self.row.version.to_string(),
            idempotency_key: String::new(),
            village: self.row.village.as_str().to_string(),
            held_on: self.row.held_on.format("%Y-%m-%d").to_string(),
            place: self.row.place.clone(),
            village_head: self.village_head.clone(),
            participants: participants_text(&self.participants),
            proposals: self
                .items
                .iter()
                .map(|item| item.proposal.id.to_string())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_village_is_chosen_by_its_code_or_left_open() {
        assert_eq!(village_choice(" "), Ok(None));
        assert_eq!(
            village_choice("32.09.01.2008").map(|c| c.map(|c| c.as_str().to_string())),
            Ok(Some("32.09.01.2008".to_string()))
        );
        assert!(village_choice("desa").is_err());
    }

    #[test]
    fn codes_and_labels_hold() {
        check_coded::<MeetingDecision>();
        check_coded::<MeetingState>();
        check_coded::<MinutesType>();
        check_coded::<MeetingProblem>();
    }

    #[test]
    fn minutes_are_told_by_their_content_and_bounded() {
        assert_eq!(check_minutes(b"%PDF-1.7\n..."), Ok(MinutesType::Pdf));
        assert_eq!(
            check_minutes(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Ok(MinutesType::Jpeg)
        );
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0];
        assert_eq!(check_minutes(&png), Ok(MinutesType::Png));
        // A page saved as .pdf but holding HTML, or an executable, is refused.
        assert_eq!(
            check_minutes(b"<html><script>"),
            Err(MeetingProblem::MinutesType)
        );
        assert_eq!(check_minutes(b"MZ\x90\0"), Err(MeetingProblem::MinutesType));
        assert_eq!(check_minutes(b""), Err(MeetingProblem::MinutesMissing));
        let mut large = b"%PDF-".to_vec();
        large.resize(MINUTES_MAX_BYTES + 1, b' ');
        assert_eq!(check_minutes(&large), Err(MeetingProblem::MinutesTooLarge));
        large.truncate(MINUTES_MAX_BYTES);
        assert_eq!(check_minutes(&large), Ok(MinutesType::Pdf));
    }

    #[test]
    fn participants_are_read_one_per_line_and_written_back_alike() {
        let text = "Sutrisno, Kepala Desa\n\n  Ani Lestari ,BPD \nWarsih";
        let people = parse_participants(text).unwrap_or_default();
        assert_eq!(
            people,
            vec![
                Participant {
                    name: "Sutrisno".into(),
                    role: "Kepala Desa".into()
                },
                Participant {
                    name: "Ani Lestari".into(),
                    role: "BPD".into()
                },
                Participant {
                    name: "Warsih".into(),
                    role: String::new()
                },
            ]
        );
        assert_eq!(
            parse_participants(&participants_text(&people)).unwrap_or_default(),
            people
        );
        assert!(parse_participants(", BPD").is_err());
        let crowd = "Warga\n".repeat(PARTICIPANTS_MAX + 1);
        assert!(parse_participants(&crowd).is_err());
    }

    fn draft() -> MeetingDraft {
        MeetingDraft {
            village: "32.09.01.2008".into(),
            held_on: "2026-12-01".into(),
            place: "Balai desa".into(),
            participants: "Sutrisno, Kepala Desa".into(),
            proposals: vec!["4".into(), "7".into(), "4".into()],
            ..MeetingDraft::default()
        }
    }

    #[test]
    fn a_meeting_draft_is_checked_field_by_field() {
        let saved = draft().checked();
        assert_eq!(
            saved.as_ref().map(|s| (s.existing, s.proposal_ids.clone())),
            Ok((None, vec![4, 7]))
        );
        let mut changed = draft();
        changed.meeting_id = "12".into();
        changed.version = "3".into();
        assert_eq!(changed.checked().map(|s| s.existing), Ok(Some((12, 3))));
        let broken = MeetingDraft {
            village: "32.09".into(),
            held_on: "31/02/2026".into(),
            place: " ".into(),
            proposals: Vec::new(),
            ..MeetingDraft::default()
        };
        let fields: Vec<String> = match broken.checked() {
            Err(DomainError::Invalid { errors }) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        };
        assert_eq!(fields, ["village", "held_on", "place", "proposals"]);
    }

    #[test]
    fn a_long_agenda_is_refused_before_it_is_read() {
        let long = MeetingDraft {
            proposals: (0..=AGENDA_MAX).map(|n| n.to_string()).collect(),
            ..draft()
        };
        assert!(matches!(
            long.checked(),
            Err(DomainError::Invalid { errors })
                if errors.len() == 1 && errors[0].error == DomainError::Meeting { problem: MeetingProblem::AgendaTooLong }
        ));
    }

    #[test]
    fn not_agreed_needs_its_reason() {
        let decision = DecisionDraft {
            meeting_id: "1".into(),
            version: "2".into(),
            proposal_id: "9".into(),
            decision: "not_agreed".into(),
            reason: " ".into(),
        };
        assert!(matches!(
            decision.checked(),
            Err(DomainError::Invalid { errors }) if errors.len() == 1 && errors[0].field == "reason"
        ));
        let agreed = DecisionDraft {
            decision: "agreed".into(),
            reason: "ignored".into(),
            ..decision
        };
        assert_eq!(
            agreed.checked().map(|d| (d.decision, d.reason)),
            Ok((MeetingDecision::Agreed, String::new()))
        );
    }

    #[test]
    fn approval_needs_a_held_decided_signed_meeting() {
        let ready = ApprovalFacts {
            state: MeetingState::Open,
            held_on: day(2026, 12, 1),
            today: day(2026, 12, 6),
            village_head: "Sutrisno",
            participants: 12,
            agenda: 3,
            undecided: 0,
            has_minutes: true,
        };
        assert_eq!(approval_problem(ready), None);
        let cases = [
            (
                ApprovalFacts {
                    state: MeetingState::Approved,
                    ..ready
                },
                MeetingProblem::Approved,
            ),
            (
                ApprovalFacts { agenda: 0, ..ready },
                MeetingProblem::AgendaEmpty,
            ),
            (
                ApprovalFacts {
                    held_on: day(2026, 12, 7),
                    ..ready
                },
                MeetingProblem::NotHeldYet,
            ),
            (
                ApprovalFacts {
                    undecided: 1,
                    ..ready
                },
                MeetingProblem::Undecided,
            ),
            (
                ApprovalFacts {
                    participants: 0,
                    ..ready
                },
                MeetingProblem::NoParticipants,
            ),
            (
                ApprovalFacts {
                    village_head: " ",
                    ..ready
                },
                MeetingProblem::VillageHeadMissing,
            ),
            (
                ApprovalFacts {
                    has_minutes: false,
                    ..ready
                },
                MeetingProblem::MinutesMissing,
            ),
        ];
        for (facts, problem) in cases {
            assert_eq!(approval_problem(facts), Some(problem), "{facts:?}");
        }
    }
}
