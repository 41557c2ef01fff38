//! The sign-in page. Works as a plain HTML form before the WebAssembly bundle
//! loads; once hydrated it signs in without a page reload and can reveal the password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::Login;
use crate::i18n::texts;

const INPUT_CLASS: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30";

/// Username and password form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let texts = texts();
    let login = ServerAction::<Login>::new();
    let show_password = RwSignal::new(false);
    let error = move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error.message())
    };

    view! {
        <Title text=texts.login_title />
        <main class="flex min-h-screen items-center justify-center px-4 py-8">
            <div class="w-full max-w-sm">
                <div class="mb-6 text-center">
                    <h1 class="text-2xl font-bold text-teal-800">{texts.app_name}</h1>
                    <p class="text-sm text-slate-600">{texts.app_tagline}</p>
                </div>
                <div class="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
                    <h2 class="text-lg font-semibold">{texts.login_title}</h2>
                    <p class="mb-4 text-sm text-slate-600">{texts.login_intro}</p>
                    <ActionForm action=login attr:class="space-y-4" attr:novalidate="">
                        <div>
                            <label for="username" class="mb-1 block text-sm font-medium">
                                {texts.username}
                            </label>
                            <input
                                id="username"
                                name="username"
                                type="text"
                                autocomplete="username"
                                autocapitalize="none"
                                spellcheck="false"
                                required
                                class=INPUT_CLASS
                            />
                        </div>
                        <div>
                            <label for="password" class="mb-1 block text-sm font-medium">
                                {texts.password}
                            </label>
                            <div class="flex gap-2">
                                <input
                                    id="password"
                                    name="password"
                                    type=move || if show_password.get() { "text" } else { "password" }
                                    autocomplete="current-password"
                                    required
                                    class=INPUT_CLASS
                                />
                                <button
                                    type="button"
                                    data-testid="toggle-password"
                                    aria-controls="password"
                                    aria-pressed=move || show_password.get().to_string()
                                    class="shrink-0 rounded-md border border-slate-300 px-3 text-sm text-slate-700 hover:bg-slate-100"
                                    on:click=move |_| show_password.update(|shown| *shown = !*shown)
                                >
                                    {move || {
                                        if show_password.get() {
                                            texts.hide_password
                                        } else {
                                            texts.show_password
                                        }
                                    }}
                                </button>
                            </div>
                        </div>
                        <Show when=move || error().is_some()>
                            <p
                                role="alert"
                                data-testid="login-error"
                                class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
                            >
                                {error}
                            </p>
                        </Show>
                        <button
                            type="submit"
                            class="w-full rounded-md bg-teal-700 px-4 py-2.5 font-semibold text-white hover:bg-teal-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:ring-offset-2 disabled:opacity-60"
                            disabled=move || login.pending().get()
                        >
                            {move || if login.pending().get() { texts.signing_in } else { texts.sign_in }}
                        </button>
                    </ActionForm>
                </div>
                <div class="mt-4 text-center text-slate-700">
                    <crate::components::layout::LanguageSwitch />
                </div>
            </div>
        </main>
    }
}
