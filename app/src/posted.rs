//! Front-desk forms posted as plain HTML: before the page's script has loaded,
//! on a phone that never loads it, or with JavaScript off. The server answers
//! the post itself ([`answer`]): a record created sends the browser on to its
//! page (303); anything else renders the same page again with what the server
//! found (a lookup's answer, the form as typed with its errors), handed to the
//! page as a [`Posted`] in the render's context. Nothing typed travels in an
//! address.
//!
//! The page reads it through [`posted_form`], a resource: the server resolves it
//! while rendering and the browser hydrates from the same value, so a page
//! posted before its script loaded comes alive showing what it showed.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::dto::IdentityLookup;
use shared::intake::{OpenCaseDraft, RegistrationDraft};
use shared::proposal_change::ProposalDraft;

use crate::api::AppError;

/// What the server found for a form posted without the page's script.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Posted {
    /// The lookup form: the number as typed and the lookup's answer.
    Lookup {
        kind: String,
        number: String,
        answer: Result<IdentityLookup, AppError>,
    },
    /// The registration form, as typed, with the refusal when it was sent.
    Registration {
        draft: Box<RegistrationDraft>,
        refusal: Option<AppError>,
    },
    /// The proposal form of a household, as typed, with the refusal when it was sent.
    Proposal {
        draft: Box<ProposalDraft>,
        refusal: Option<AppError>,
    },
    /// A household's edit form, as typed, with the refusal when it was sent.
    HouseholdEdit {
        draft: Box<shared::editing::HouseholdEditDraft>,
        refusal: Option<AppError>,
    },
    /// A member's edit form, as typed, with the refusal when it was sent.
    MemberEdit {
        draft: Box<shared::editing::MemberEditDraft>,
        refusal: Option<AppError>,
    },
    /// The life-event form of a household, as typed, with the refusal when it was sent.
    LifeEvent {
        draft: Box<shared::life_event::LifeEventDraft>,
        refusal: Option<AppError>,
    },
    /// The open-case form of a household, as typed, with the refusal when it was sent.
    OpenCase {
        draft: OpenCaseDraft,
        refusal: Option<AppError>,
    },
    /// The merge of two household records, as chosen, with the refusal.
    Merge {
        request: Box<shared::duplicates::MergeHouseholds>,
        refusal: Option<AppError>,
    },
    /// A pair of the duplicate list set aside, refused.
    Dismiss { refusal: Option<AppError> },
}

/// The [`Posted`] answer of this render, if the page is answering a form post.
pub fn posted_form() -> Resource<Option<Posted>> {
    let posted = use_context::<Posted>();
    Resource::new(
        || (),
        move |()| {
            let posted = posted.clone();
            async move { posted }
        },
    )
}

/// The name of the hidden input saying which form was posted.
pub const FORM: &str = "form";
/// The name of a submit button's operation (`add_member`, `remove_member.2`, `save`).
pub const OP: &str = "op";

/// The HTTP status of a page rendered again, and how long to wait before
/// sending again when the refusal passes with time (429, 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    pub retry_after: Option<u64>,
}

impl Status {
    /// 200.
    pub const OK: Status = Status {
        code: 200,
        retry_after: None,
    };

    /// The status of a service's refusal.
    #[cfg(feature = "ssr")]
    pub fn of(error: &shared::contract::ServiceError) -> Status {
        Status {
            code: error.http_status(),
            retry_after: error.retry_after_seconds(),
        }
    }
}

/// How the server answers a form post.
#[derive(Debug)]
pub enum Answer {
    /// Go on to this page (the record created).
    SeeOther(String),
    /// Render the posted page again with this, under this HTTP status.
    Render(Box<Posted>, Status),
    /// The post names no form of this page (400).
    NotAForm,
}

#[cfg(feature = "ssr")]
mod answering {
    use shared::contract::{Actor, ServiceError, Services};
    use shared::dto::Created;
    use shared::intake::{OpenCaseDraft, RegistrationDraft};
    use shared::proposal_change::ProposalDraft;

    use super::{Answer, FORM, OP, Posted, Status};
    use crate::api::AppError;
    use crate::paths;

    fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    fn refused(error: ServiceError) -> (Option<AppError>, Status) {
        let status = Status::of(&error);
        (Some(AppError::from(error)), status)
    }

    /// The answer to a form that creates a record: a 303 to the record's page
    /// (`page_of`), or the form again as `again` builds it with the refusal.
    fn created_or_again(
        saved: Result<Created, ServiceError>,
        page_of: fn(i64) -> String,
        again: impl FnOnce(Option<AppError>) -> Posted,
    ) -> Answer {
        match saved {
            Ok(created) => Answer::SeeOther(page_of(created.id)),
            Err(error) => {
                let (refusal, status) = refused(error);
                Answer::Render(Box::new(again(refusal)), status)
            }
        }
    }

    /// Answers the front desk's forms posted to `/layanan`: the lookup, the
    /// start of a registration and the registration form (rows added or
    /// removed, or saved).
    pub async fn front_desk(
        services: &Services,
        actor: &Actor,
        pairs: &[(String, String)],
        today: chrono::NaiveDate,
    ) -> Answer {
        match value(pairs, FORM) {
            "lookup" => {
                let (kind, number) = (value(pairs, "kind"), value(pairs, "number"));
                let answer = match shared::form_post::lookup_query(kind, number) {
                    Ok(query) => services.households.lookup(actor, query).await,
                    Err(error) => Err(ServiceError::from(error)),
                };
                let status = answer.as_ref().err().map_or(Status::OK, Status::of);
                let posted = Posted::Lookup {
                    kind: kind.to_owned(),
                    number: number.to_owned(),
                    answer: answer.map_err(AppError::from),
                };
                Answer::Render(Box::new(posted), status)
            }
            "start_registration" => {
                let draft = RegistrationDraft::for_number(
                    crate::components::list::fresh_key(),
                    actor.area_code.as_deref().unwrap_or_default(),
                    value(pairs, "kind"),
                    value(pairs, "number"),
                    today,
                );
                let posted = Posted::Registration {
                    draft: Box::new(draft),
                    refusal: None,
                };
                Answer::Render(Box::new(posted), Status::OK)
            }
            "registration" => {
                let mut draft = RegistrationDraft::from_form(pairs, today);
                let op = value(pairs, OP);
                if op == "add_member" {
                    draft.add_member();
                } else if let Some(index) = op.strip_prefix("remove_member.") {
                    draft.remove_member(index.parse().unwrap_or(0));
                } else {
                    let saved = match draft.to_request(today) {
                        Ok(request) => services.households.register(actor, request).await,
                        Err(error) => Err(ServiceError::from(error)),
                    };
                    // Registered to be proposed (from `/usulan`): on to its proposal form.
                    let page_of = if value(pairs, paths::THEN_PROPOSE) == "1" {
                        paths::household_proposal
                    } else {
                        paths::household
                    };
                    return created_or_again(saved, page_of, |refusal| Posted::Registration {
                        draft: Box::new(draft),
                        refusal,
                    });
                }
                let posted = Posted::Registration {
                    draft: Box::new(draft),
                    refusal: None,
                };
                Answer::Render(Box::new(posted), Status::OK)
            }
            _ => unknown_form(),
        }
    }

    /// Answers the open-case form posted to a household's page.
    pub async fn household(
        services: &Services,
        actor: &Actor,
        household_id: i64,
        pairs: &[(String, String)],
        today: chrono::NaiveDate,
    ) -> Answer {
        match value(pairs, FORM) {
            "open_case" => {}
            "propose" => return propose(services, actor, household_id, pairs).await,
            _ => return unknown_form(),
        }
        let mut draft = OpenCaseDraft::from_form(pairs, household_id);
        if value(pairs, OP) == "add_complaint" {
            draft.add_complaint();
            return Answer::Render(
                Box::new(Posted::OpenCase {
                    draft,
                    refusal: None,
                }),
                Status::OK,
            );
        }
        let opened = match draft.to_request(today) {
            Ok(request) => services.cases.open(actor, request).await,
            Err(error) => Err(ServiceError::from(error)),
        };
        created_or_again(opened, paths::case, |refusal| Posted::OpenCase {
            draft,
            refusal,
        })
    }

    /// The proposal form: "Tampilkan isian" shows the fields of the change
    /// chosen; saving opens the new proposal's page.
    async fn propose(
        services: &Services,
        actor: &Actor,
        household_id: i64,
        pairs: &[(String, String)],
    ) -> Answer {
        let draft = ProposalDraft::from_form(pairs, household_id);
        if value(pairs, OP) == "choose_type" {
            return Answer::Render(
                Box::new(Posted::Proposal {
                    draft: Box::new(draft),
                    refusal: None,
                }),
                Status::OK,
            );
        }
        let started = match draft.to_request() {
            Ok(request) => services.proposals.start(actor, request).await,
            Err(error) => Err(ServiceError::from(error)),
        };
        created_or_again(started, paths::proposal, |refusal| Posted::Proposal {
            draft: Box::new(draft),
            refusal,
        })
    }

    /// The life-event form: "Tampilkan isian" shows the fields of the event
    /// chosen; saving shows the household's file again, with the event.
    pub async fn life_event(
        services: &Services,
        actor: &Actor,
        household_id: i64,
        pairs: &[(String, String)],
        today: chrono::NaiveDate,
    ) -> Answer {
        if value(pairs, FORM) != "life_event" {
            return unknown_form();
        }
        let draft = shared::life_event::LifeEventDraft::from_form(pairs, household_id);
        if value(pairs, OP) == "choose_kind" {
            return Answer::Render(
                Box::new(Posted::LifeEvent {
                    draft: Box::new(draft),
                    refusal: None,
                }),
                Status::OK,
            );
        }
        let saved = match draft.to_request(today) {
            Ok(request) => services.households.life_event(actor, request).await,
            Err(error) => Err(ServiceError::from(error)),
        };
        created_or_again(saved, paths::household_event_recorded, |refusal| {
            Posted::LifeEvent {
                draft: Box::new(draft),
                refusal,
            }
        })
    }

    /// A household's edit form: saving shows the household's file again.
    pub async fn household_edit(
        services: &Services,
        actor: &Actor,
        household_id: i64,
        pairs: &[(String, String)],
    ) -> Answer {
        if value(pairs, FORM) != "household_edit" {
            return unknown_form();
        }
        let draft = shared::editing::HouseholdEditDraft::from_form(pairs, household_id);
        let saved = match draft.to_request() {
            Ok(request) => services
                .households
                .update(actor, request)
                .await
                .map(|_| Created { id: household_id }),
            Err(error) => Err(ServiceError::from(error)),
        };
        created_or_again(saved, paths::household, |refusal| Posted::HouseholdEdit {
            draft: Box::new(draft),
            refusal,
        })
    }

    /// A member's edit form: saving shows the household's file again.
    pub async fn member_edit(
        services: &Services,
        actor: &Actor,
        (household_id, member_id): (i64, i64),
        pairs: &[(String, String)],
        today: chrono::NaiveDate,
    ) -> Answer {
        if value(pairs, FORM) != "member_edit" {
            return unknown_form();
        }
        let draft = shared::editing::MemberEditDraft::from_form(pairs, member_id);
        let saved = match draft.to_request(today) {
            Ok(request) => services
                .households
                .update_member(actor, request)
                .await
                .map(|_| Created { id: household_id }),
            Err(error) => Err(ServiceError::from(error)),
        };
        created_or_again(saved, paths::household, |refusal| Posted::MemberEdit {
            draft: Box::new(draft),
            refusal,
        })
    }

    /// The merge of household record `merged` into `survivor`: merging shows
    /// the record kept.
    pub async fn merge(
        services: &Services,
        actor: &Actor,
        (survivor, merged): (i64, i64),
        pairs: &[(String, String)],
    ) -> Answer {
        if value(pairs, FORM) != "merge" {
            return unknown_form();
        }
        let request = shared::duplicates::MergeHouseholds::from_form(pairs, survivor, merged);
        let saved = services.households.merge(actor, request.clone()).await;
        created_or_again(saved, paths::household_merged, |refusal| Posted::Merge {
            request: Box::new(request),
            refusal,
        })
    }

    /// A pair of the district's duplicate list set aside as two families.
    pub async fn dismiss(services: &Services, actor: &Actor, pairs: &[(String, String)]) -> Answer {
        if value(pairs, FORM) != "dismiss" {
            return unknown_form();
        }
        let id = |name: &str| value(pairs, name).parse::<i64>().unwrap_or(0);
        let saved = services
            .households
            .dismiss_duplicate(actor, id("first"), id("second"))
            .await
            .map(|()| Created { id: 0 });
        created_or_again(
            saved,
            |_| paths::DUPLICATES.to_string(),
            |refusal| Posted::Dismiss { refusal },
        )
    }

    fn unknown_form() -> Answer {
        Answer::NotAForm
    }
}

#[cfg(feature = "ssr")]
pub use answering::{
    dismiss, front_desk, household, household_edit, life_event, member_edit, merge,
};
