//! Referrals: the inbox (institution staff answer, case staff follow), the
//! printable letter and the public check of a letter's verification code.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::dto::{Page, ReferralCheck, ReferralFilter, ReferralInboxItem, ReferralLetter};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// Referrals addressed to the user's institution, or issued inside the user's area.
#[server(prefix = "/api", endpoint = "referral_inbox", input = Json)]
pub async fn referral_inbox(filter: ReferralFilter) -> Result<Page<ReferralInboxItem>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.referrals.inbox(&actor, filter).await?)
}

/// Accepts, rejects (with a reason), starts, completes (with the outcome) or cancels a referral.
#[server(prefix = "/api", endpoint = "answer_referral")]
pub async fn answer_referral(
    #[server(flatten)] draft: shared::drafts::ReferralAnswerDraft,
) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    let referrals = ssr::services()?.referrals;
    referrals.transition(&actor, draft.to_request()?).await?;
    Ok(())
}

/// The referral letter to print (audited).
#[server(prefix = "/api", endpoint = "referral_letter")]
pub async fn get_referral_letter(referral_id: i64) -> Result<ReferralLetter, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .referrals
        .letter(&actor, referral_id)
        .await?)
}

/// Checks a letter's verification code (anyone, signed in or not; no personal data).
#[server(prefix = "/api", endpoint = "verify_referral")]
pub async fn verify_referral(code: String) -> Result<ReferralCheck, AppError> {
    Ok(ssr::services()?.referrals.verify(&code).await?)
}
