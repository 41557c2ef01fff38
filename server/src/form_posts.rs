//! Front-desk forms posted as plain HTML (see `app::posted`): the HTTP side.
//! The page's own address answers the post: a record created is a 303 to its
//! page, anything else renders the same page again, through the same Leptos
//! app, with what the server found. The session, same-origin check, admission
//! and body limits are the router's layers, as for every other request.

use app::posted::{self, Answer, Posted, Status};
use app::shell;
use axum::Form;
use axum::body::Body;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use shared::contract::Actor;

use crate::web::AppState;

/// The form's (name, value) pairs, in order (repeated names for ticked boxes).
type Pairs = Vec<(String, String)>;

/// `POST /layanan`: the lookup, the start of a registration, the registration form.
pub async fn front_desk(State(state): State<AppState>, request: Request) -> Response {
    let Some((actor, parts, mut pairs)) = read(request).await else {
        return signed_out();
    };
    // A registration started from `/usulan` (`/layanan?usul=1`) goes on to
    // the household's proposal form.
    if parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "usul=1"))
    {
        pairs.push((app::paths::THEN_PROPOSE.to_string(), "1".to_string()));
    }
    // The officer's own day (the area's zone): no render context here to ask.
    let today = actor.today();
    let answer = posted::front_desk(&state.services, &actor, &pairs, today).await;
    respond(&state, parts, answer).await
}

/// `POST /keluarga/{id}`: the open-case form of a household.
pub async fn household(
    State(state): State<AppState>,
    Path(household_id): Path<i64>,
    request: Request,
) -> Response {
    answered(&state, request, async |services, actor, pairs| {
        posted::household(services, actor, household_id, pairs, actor.today()).await
    })
    .await
}

/// `POST /keluarga/{id}/peristiwa`: a household's life-event form.
pub async fn life_event(
    State(state): State<AppState>,
    Path(household_id): Path<i64>,
    request: Request,
) -> Response {
    answered(&state, request, async |services, actor, pairs| {
        posted::life_event(services, actor, household_id, pairs, actor.today()).await
    })
    .await
}

/// `POST /keluarga/{id}/ubah`: a household's edit form.
pub async fn household_edit(
    State(state): State<AppState>,
    Path(household_id): Path<i64>,
    request: Request,
) -> Response {
    answered(&state, request, async |services, actor, pairs| {
        posted::household_edit(services, actor, household_id, pairs).await
    })
    .await
}

/// `POST /keluarga/{id}/anggota/{member}`: a member's edit form.
pub async fn member_edit(
    State(state): State<AppState>,
    Path(ids): Path<(i64, i64)>,
    request: Request,
) -> Response {
    answered(&state, request, async |services, actor, pairs| {
        posted::member_edit(services, actor, ids, pairs, actor.today()).await
    })
    .await
}

/// `POST /ganda/{survivor}/{merged}`: the merge of two household records.
pub async fn merge(
    State(state): State<AppState>,
    Path(ids): Path<(i64, i64)>,
    request: Request,
) -> Response {
    answered(&state, request, async |services, actor, pairs| {
        posted::merge(services, actor, ids, pairs).await
    })
    .await
}

/// `POST /ganda`: a pair of the duplicate list set aside as two families.
pub async fn duplicates(State(state): State<AppState>, request: Request) -> Response {
    answered(&state, request, async |services, actor, pairs| {
        posted::dismiss(services, actor, pairs).await
    })
    .await
}

/// Reads the post, has `answer` answer it for the signed-in actor, and sends
/// the answer (a post without a session signs in again).
async fn answered(
    state: &AppState,
    request: Request,
    answer: impl AsyncFnOnce(&shared::contract::Services, &Actor, &[(String, String)]) -> Answer,
) -> Response {
    let Some((actor, parts, pairs)) = read(request).await else {
        return signed_out();
    };
    let answer = answer(&state.services, &actor, &pairs).await;
    respond(state, parts, answer).await
}

/// The signed-in actor, the request's head and the posted form (`None` without a session).
async fn read(request: Request) -> Option<(Actor, axum::http::request::Parts, Pairs)> {
    let actor = request.extensions().get::<Actor>().cloned()?;
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(parts.clone(), body);
    // A body that is not a form reads as an empty form: the page then says so.
    let pairs = match Form::<Pairs>::from_request(request, &()).await {
        Ok(Form(pairs)) => pairs,
        Err(_) => Vec::new(),
    };
    Some((actor, parts, pairs))
}

/// A post without a session: sign in again (what was typed is lost with the
/// session, as the sign-in page says).
fn signed_out() -> Response {
    Redirect::to(app::paths::LOGIN).into_response()
}

async fn respond(state: &AppState, parts: axum::http::request::Parts, answer: Answer) -> Response {
    match answer {
        Answer::SeeOther(path) => Redirect::to(&path).into_response(),
        Answer::Render(posted, status) => render(state, parts, *posted, status).await,
        Answer::NotAForm => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Formulir tidak dikenal.\nUnknown form.\n",
        )
            .into_response(),
    }
}

/// Renders the page at the request's address with `posted` in its context.
async fn render(
    state: &AppState,
    mut parts: axum::http::request::Parts,
    posted: Posted,
    status: Status,
) -> Response {
    let services = state.services.clone();
    let cookie = state.cookie.clone();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(services.clone());
            provide_context(cookie.clone());
            provide_context(posted.clone());
        },
        move || shell(options.clone()),
    );
    // The page is rendered as for a visit; the post's body was read above.
    parts.method = Method::GET;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::from_u16(status.code).unwrap_or(StatusCode::OK);
    }
    if let Some(seconds) = status.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
