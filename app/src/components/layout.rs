//! The frame of a signed-in page: top bar with the portal name, the user and sign-out.

use leptos::prelude::*;
use shared::dto::CurrentUser;

use crate::api::Logout;
use crate::i18n::texts;

/// Top bar and page body for signed-in users.
#[component]
pub fn SignedInLayout(user: CurrentUser, children: Children) -> impl IntoView {
    let texts = texts();
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="bg-teal-700 text-white">
            <div class="mx-auto flex max-w-5xl items-center justify-between gap-3 px-4 py-3">
                <a href="/" class="min-w-0">
                    <span class="block text-lg font-semibold leading-tight">{texts.app_name}</span>
                    <span class="block truncate text-xs text-teal-100">{texts.app_tagline}</span>
                </a>
                <div class="flex items-center gap-3">
                    <span class="hidden text-sm sm:inline" data-testid="header-user">
                        {user.full_name.clone()}
                    </span>
                    <ActionForm action=logout>
                        <button
                            type="submit"
                            class="rounded-md bg-white/10 px-3 py-2 text-sm font-medium hover:bg-white/20 focus:outline-none focus-visible:ring-2 focus-visible:ring-white"
                        >
                            {texts.sign_out}
                        </button>
                    </ActionForm>
                </div>
            </div>
        </header>
        <main class="mx-auto max-w-5xl px-4 py-6">{children()}</main>
    }
}
