//! The page shown for an address the portal does not have.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::texts;

/// 404 page in Bahasa Indonesia.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let texts = texts();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <crate::pages::groups::HydratedMark />
        <Title text=texts.not_found_title />
        <main class="mx-auto max-w-md px-4 py-16 text-center">
            <h1 class="text-2xl font-semibold">{texts.not_found_title}</h1>
            <p class="mt-2 text-slate-600">{texts.not_found_body}</p>
            <a href="/" class="mt-6 inline-block text-teal-700 underline">{texts.back_home}</a>
        </main>
    }
}
