//! The demo's end of flow B: each demo proposal past padan Dukcapil gets its
//! members' match (matched, or no NIK), and the district's approved and sent
//! proposals are gathered in batches as the SLRT manager would have made
//! them, the sent batch with its sealed submission file.

use anyhow::Context;
use chrono::Datelike;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::geo::{AreaCode, AreaLevel};
use shared::proposal::ProposalStage;
use shared::proposal_batch::{BatchState, CivilMatch, MatchOutcome, MemberMatch, batch_number};

use crate::entities::{members, proposal_batches, proposal_events, proposals, users};
use crate::protect::DataKey;
use crate::services::batches::submission_rows;

/// Adds the match and the batches to the proposals already written; the number of batches.
pub(super) async fn insert_batches<C: ConnectionTrait>(
    txn: &C,
    key: &DataKey,
    manager: &str,
) -> anyhow::Result<usize> {
    let matched = [
        ProposalStage::CivilRegistryMatched,
        ProposalStage::Ratified,
        ProposalStage::Submitted,
        ProposalStage::Enacted,
    ];
    let list = proposals::Entity::find()
        .filter(proposals::Column::Stage.is_in(matched.iter().map(|s| s.code())))
        .order_by_asc(proposals::Column::Id)
        .all(txn)
        .await?;
    for proposal in &list {
        let people = members::Entity::find()
            .filter(members::Column::HouseholdId.eq(proposal.household_id))
            .order_by_asc(members::Column::Id)
            .all(txn)
            .await?;
        let civil = CivilMatch {
            members: people
                .iter()
                .filter(|m| m.is_living())
                .map(|m| MemberMatch {
                    member_id: m.id,
                    outcome: if m.nik_hash.is_some() {
                        MatchOutcome::Matched
                    } else {
                        MatchOutcome::NoNik
                    },
                })
                .collect(),
        };
        proposals::Entity::update_many()
            .col_expr(
                proposals::Column::CivilMatch,
                Expr::value(serde_json::to_string(&civil)?),
            )
            .filter(proposals::Column::Id.eq(proposal.id))
            .exec(txn)
            .await?;
    }
    let manager = users::Entity::find()
        .filter(users::Column::Username.eq(manager))
        .one(txn)
        .await?
        .map(|u| u.id);
    let sent: Vec<proposals::Model> = list
        .iter()
        .filter(|p| {
            p.stage == ProposalStage::Submitted.code() || p.stage == ProposalStage::Enacted.code()
        })
        .cloned()
        .collect();
    let approved: Vec<proposals::Model> = list
        .iter()
        .filter(|p| p.stage == ProposalStage::Ratified.code())
        .cloned()
        .collect();
    let mut made: u32 = 0;
    for (state, group) in [
        (BatchState::Submitted, sent),
        (BatchState::Ratified, approved),
    ] {
        let Some(first) = group.first() else {
            continue;
        };
        let district = AreaCode::parse(&first.village_code)
            .ok()
            .and_then(|code| code.ancestor_at(AreaLevel::District))
            .context("a demo proposal's village has no district")?;
        let ids: Vec<i64> = group.iter().map(|p| p.id).collect();
        // The batch was approved (and sent) when its proposals' steps say.
        let steps = proposal_events::Entity::find()
            .filter(proposal_events::Column::ProposalId.is_in(ids.clone()))
            .filter(proposal_events::Column::Action.is_in(["ratify", "submit"]))
            .order_by_asc(proposal_events::Column::At)
            .all(txn)
            .await?;
        let ratify = steps.iter().rev().find(|e| e.action == "ratify");
        let submit = steps.iter().rev().find(|e| e.action == "submit");
        let ratified_at = ratify.map_or(first.updated_at, |e| e.at);
        let decree = ratify
            .and_then(|e| e.note.clone())
            .unwrap_or_else(|| "SK Bupati".to_string())
            .chars()
            .take(shared::proposal_batch::DECREE_MAX)
            .collect::<String>();
        let number = batch_number(&district, ratified_at.year(), made + 1);
        let (file, people) = if state == BatchState::Submitted {
            let rows = submission_rows(txn, key, &number, &group)
                .await
                .map_err(|error| anyhow::anyhow!(error.message_en()))?;
            (Some(key.seal(&serde_json::to_string(&rows)?)), rows.len())
        } else {
            (None, 0)
        };
        let batch = proposal_batches::ActiveModel {
            number: Set(number),
            district_code: Set(district.as_str().to_string()),
            state: Set(state.code().to_string()),
            decree: Set(decree),
            proposals: Set(i32::try_from(group.len())?),
            people: Set(i32::try_from(people)?),
            ratified_by: Set(manager),
            ratified_at: Set(ratified_at),
            submitted_by: Set(submit.and(manager)),
            submitted_at: Set(submit.map(|e| e.at)),
            file_sealed: Set(file),
            created_at: Set(ratified_at),
            updated_at: Set(submit.map_or(ratified_at, |e| e.at)),
            version: Set(if submit.is_some() { 2 } else { 1 }),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        proposals::Entity::update_many()
            .col_expr(proposals::Column::BatchId, Expr::value(batch.id))
            .filter(proposals::Column::Id.is_in(ids))
            .exec(txn)
            .await?;
        made += 1;
    }
    Ok(usize::try_from(made)?)
}
