//! Village meetings (musdes/muskel) of flow B: the list, a meeting's record,
//! the proposals a new meeting may discuss, and the changes to an open meeting.

use leptos::prelude::*;
use shared::dto::Created;
use shared::meeting::{DecisionDraft, MeetingCandidates, MeetingDraft, MeetingFile, MeetingRow};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// The meetings of the user's area, newest first.
#[server(prefix = "/api", endpoint = "meeting_list")]
pub async fn meeting_list() -> Result<Vec<MeetingRow>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.meetings.list(&actor, None).await?)
}

/// The villages with proposals waiting for a meeting, and the waiting
/// proposals of `village` (a code, or empty for the only such village).
#[server(prefix = "/api", endpoint = "meeting_agenda_options")]
pub async fn meeting_agenda_options(village: String) -> Result<MeetingCandidates, AppError> {
    let actor = ssr::actor()?;
    let village = shared::meeting::village_choice(&village)?;
    Ok(ssr::services()?
        .meetings
        .candidates(&actor, village)
        .await?)
}

/// A meeting's whole record (the view is audited).
#[server(prefix = "/api", endpoint = "get_meeting")]
pub async fn get_meeting(id: i64) -> Result<MeetingFile, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.meetings.file(&actor, id).await?)
}

/// Makes a meeting, or changes an open one (date, place, people, agenda); the
/// browser then goes to the meeting's page (also a form posted without script).
#[server(prefix = "/api", endpoint = "save_meeting")]
pub async fn save_meeting(draft: MeetingDraft) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let saved = ssr::services()?
        .meetings
        .save(&actor, draft.checked()?)
        .await?;
    leptos_axum::redirect(&crate::paths::meeting(saved.id));
    Ok(saved)
}

/// Records the meeting's decision on one proposal of its agenda.
#[server(prefix = "/api", endpoint = "decide_in_meeting")]
pub async fn decide_in_meeting(
    #[server(flatten)] draft: DecisionDraft,
) -> Result<MeetingFile, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .meetings
        .decide(&actor, draft.checked()?)
        .await?)
}

/// Approves the meeting: agreed proposals go on to the home visit, the others end.
#[server(prefix = "/api", endpoint = "approve_meeting")]
pub async fn approve_meeting(meeting_id: i64, version: i32) -> Result<MeetingFile, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .meetings
        .approve(&actor, meeting_id, version)
        .await?)
}
