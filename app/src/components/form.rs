//! Forms that check as the officer types and never lose what was typed.
//!
//! A form keeps its whole draft (a `shared::intake` type of plain strings) in
//! one signal. The same check the server runs (`to_request`) runs on every
//! change; a field shows its error once it was left or the form was sent, and
//! an error the server answered stays beside its field until the field
//! changes. The field components are not generic: each takes a value signal,
//! a change callback and an error signal, so the bundle holds one copy.

use std::sync::Arc;

use leptos::prelude::*;
use shared::Coded;

use crate::api::AppError;
use crate::components::page::{INPUT, LABEL};
use crate::i18n::{Lang, label, lang, tr};

/// Reaches one value inside a draft (`None` when the part it points into was removed).
pub type Lens<D, T> = Arc<dyn Fn(&mut D) -> Option<&mut T> + Send + Sync>;

/// Field errors as (field, message) pairs in the current language.
pub type FieldMessages = Vec<(String, String)>;

/// Field errors of a draft check, in the current language.
pub fn messages_of(error: Option<shared::DomainError>) -> FieldMessages {
    let english = lang() == Lang::En;
    match error {
        Some(shared::DomainError::Invalid { errors }) => errors
            .into_iter()
            .map(|e| {
                let message = if english {
                    e.error.message_en()
                } else {
                    e.error.message_id()
                };
                (e.field, message)
            })
            .collect(),
        Some(other) => vec![(
            String::new(),
            if english {
                other.message_en()
            } else {
                other.message_id()
            },
        )],
        None => Vec::new(),
    }
}

/// The state of one form: its draft, the live check, what was touched, the server's answer.
pub struct FormState<D: Send + Sync + 'static> {
    /// Everything typed so far.
    pub draft: RwSignal<D>,
    /// The live check's field errors.
    pub check: Memo<FieldMessages>,
    /// Fields the officer has left.
    pub touched: RwSignal<Vec<String>>,
    /// The form was sent at least once: show every error.
    pub submitted: RwSignal<bool>,
    /// Errors the server answered, by field; cleared field by field as they change.
    pub server: RwSignal<FieldMessages>,
}

impl<D: Send + Sync + 'static> Clone for FormState<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D: Send + Sync + 'static> Copy for FormState<D> {}

impl<D: Clone + PartialEq + Send + Sync + 'static> FormState<D> {
    /// A form over `draft`, checked by `check` on every change.
    pub fn new(
        draft: D,
        check: impl Fn(&D) -> Option<shared::DomainError> + Send + Sync + 'static,
    ) -> Self {
        let draft = RwSignal::new(draft);
        FormState {
            draft,
            check: Memo::new(move |_| draft.with(|d| messages_of(check(d)))),
            touched: RwSignal::new(Vec::new()),
            submitted: RwSignal::new(false),
            server: RwSignal::new(Vec::new()),
        }
    }

    /// The error to show beside `field` now, if any.
    pub fn error(&self, field: &str) -> Option<String> {
        let own = |list: &FieldMessages| {
            list.iter()
                .find(|(name, _)| name == field)
                .map(|(_, message)| message.clone())
        };
        if let Some(message) = self.server.with(own) {
            return Some(message);
        }
        let shown = self.submitted.get() || self.touched.with(|t| t.iter().any(|f| f == field));
        if shown { self.check.with(own) } else { None }
    }

    fn changed(&self, field: &str) {
        self.server
            .update(|list| list.retain(|(name, _)| name != field));
    }

    fn signal_error(&self, field: String) -> Signal<Option<String>> {
        let state = *self;
        Signal::derive(move || state.error(&field))
    }

    fn on_leave(&self, field: String) -> Callback<()> {
        let touched = self.touched;
        // A blur can come after the form is gone (the page redrew around the
        // focused field): then there is nothing left to mark.
        Callback::new(move |()| {
            touched.try_update(|list| {
                if !list.contains(&field) {
                    list.push(field.clone());
                }
            });
        })
    }

    /// Binds a field to the value `lens` reaches.
    pub fn bind<T: Clone + Default + Send + Sync + 'static>(
        &self,
        field: &str,
        lens: Lens<D, T>,
    ) -> Binding<T> {
        let state = *self;
        let read = lens.clone();
        let name = field.to_string();
        Binding {
            name: field.to_string(),
            value: Signal::derive(move || {
                state.draft.track();
                state
                    .draft
                    .try_update_untracked(|d| read(d).map(|v| v.clone()))
                    .flatten()
                    .unwrap_or_default()
            }),
            set: Callback::new(move |value: T| {
                state.draft.update(|d| {
                    if let Some(slot) = lens(d) {
                        *slot = value;
                    }
                });
                state.changed(&name);
            }),
            error: self.signal_error(field.to_string()),
            leave: self.on_leave(field.to_string()),
        }
    }

    /// Binds a text field (or a select) to the text `lens` reaches.
    pub fn text(&self, field: &str, lens: Lens<D, String>) -> Binding<String> {
        self.bind(field, lens)
    }

    /// Binds a checkbox to the flag `lens` reaches.
    pub fn flag(&self, field: &str, lens: Lens<D, bool>) -> Binding<bool> {
        self.bind(field, lens)
    }

    /// Binds a group of checkboxes to the list of codes `lens` reaches.
    pub fn codes(&self, field: &str, lens: Lens<D, Vec<String>>) -> Binding<Vec<String>> {
        self.bind(field, lens)
    }

    /// Shows the server's refusal: field errors beside their fields, the rest in the summary.
    pub fn refused(&self, error: &AppError) {
        self.submitted.set(true);
        self.server.set(error.field_messages());
    }

    /// Connects the form to `save`, which creates a record: on success the browser goes
    /// to `page_of(id)`; a refusal lands beside the fields. Answers the refusal that
    /// belongs to no field (shown in the summary).
    pub fn on_created(
        &self,
        save: Action<D, Result<shared::dto::Created, AppError>>,
        page_of: impl Fn(i64) -> String + 'static,
    ) -> Signal<Option<String>> {
        let state = *self;
        let navigate = leptos_router::hooks::use_navigate();
        Effect::new(move |_| {
            if let Some(result) = save.value().get() {
                match result {
                    Ok(created) => navigate(&page_of(created.id), Default::default()),
                    Err(error) => state.refused(&error),
                }
            }
        });
        Signal::derive(move || {
            save.value().with(|last| match last {
                Some(Err(error)) if error.field_messages().is_empty() => Some(error.message()),
                _ => None,
            })
        })
    }

    /// Shows `refused`, the server's answer to the form posted without script
    /// (see [`crate::posted`]), until the form is sent again; `created` is the
    /// summary refusal of [`FormState::on_created`]. Answers the summary refusal to show.
    pub fn refused_before(
        &self,
        refused: Option<AppError>,
        created: Signal<Option<String>>,
        save: Action<D, Result<shared::dto::Created, AppError>>,
    ) -> Signal<Option<String>> {
        if let Some(error) = &refused {
            self.refused(error);
        }
        let summary = refused
            .filter(|error| error.field_messages().is_empty())
            .map(|error| error.message());
        Signal::derive(move || {
            if save.value().with(Option::is_some) || save.pending().get() {
                created.get()
            } else {
                summary.clone()
            }
        })
    }

    /// Sends the draft with `save` when the live check finds nothing wrong; otherwise shows every error.
    pub fn submit(&self, save: Action<D, Result<shared::dto::Created, AppError>>) {
        self.submitted.set(true);
        if self.check.with(Vec::is_empty) {
            save.dispatch(self.draft.get_untracked());
        }
    }

    /// The errors the summary lists: none until the form was sent once.
    pub fn summary_errors(&self) -> Signal<FieldMessages> {
        let state = *self;
        Signal::derive(move || {
            if state.submitted.get() {
                state.check.get()
            } else {
                Vec::new()
            }
        })
    }
}

/// What a form needs to work as plain HTML (posted to its own page before the
/// script has loaded, see [`crate::posted`]): which form it is, its idempotency
/// key, and a hidden first submit button that saves, so that Enter in a field
/// saves rather than adding a row.
#[component]
pub fn NoScriptFields(form: &'static str, key: String) -> impl IntoView {
    view! {
        <input type="hidden" name=crate::posted::FORM value=form />
        <input type="hidden" name="idempotency_key" value=key />
        <button type="submit" name=crate::posted::OP value="save" hidden tabindex="-1"></button>
    }
}

/// One field's connection to its form.
pub struct Binding<T: Send + Sync + 'static> {
    /// The field's API name (`members.0.nik`).
    pub name: String,
    /// Its current value.
    pub value: Signal<T>,
    /// Changes it.
    pub set: Callback<T>,
    /// The error to show beside it.
    pub error: Signal<Option<String>>,
    /// Marks it as left (touched).
    pub leave: Callback<()>,
}

/// The element id of a field.
pub fn field_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// The `<option>`s of a coded enum as (code, label) pairs in the current language.
pub fn options_of<T: Coded>() -> Vec<(String, String)> {
    T::ALL
        .iter()
        .map(|v| (v.code().to_string(), label(*v).to_string()))
        .collect()
}

/// A field's label; a required field's ends in a red star.
#[component]
fn FieldLabel(id: String, label: &'static str, required: bool) -> impl IntoView {
    view! {
        <label for=id class=LABEL>
            {label}
            {required.then_some(view! { <span class="text-red-700" aria-hidden="true">" *"</span> })}
        </label>
    }
}

/// The error line under a field.
#[component]
fn FieldError(id: String, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="mt-1 text-sm text-red-700" data-field-error="" aria-live="polite">
            {move || error.get().unwrap_or_default()}
        </p>
    }
}

/// A labelled text input (also date and number inputs through `kind`).
#[component]
pub fn TextField(
    label: &'static str,
    binding: Binding<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] hint: &'static str,
    #[prop(default = "")] inputmode: &'static str,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let id = field_id(&binding.name);
    let error_id = format!("{id}-error");
    let Binding {
        name,
        value,
        set,
        error,
        leave,
    } = binding;
    view! {
        <div>
            <FieldLabel id=id.clone() label required />
            <input
                id=id
                name=name
                type=kind
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                required=required
                class=INPUT
                // The attribute for a page rendered by the server (a form posted
                // without script comes back filled in), the property as typed.
                value=move || value.get()
                prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev))
                on:blur=move |_| { leave.try_run(()); }
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            />
            {(!hint.is_empty()).then_some(view! { <p class="mt-1 text-xs text-slate-500">{hint}</p> })}
            <FieldError id=error_id error />
        </div>
    }
}

/// A labelled multi-line text input.
#[component]
pub fn TextAreaField(
    label: &'static str,
    binding: Binding<String>,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let id = field_id(&binding.name);
    let error_id = format!("{id}-error");
    let Binding {
        name,
        value,
        set,
        error,
        leave,
    } = binding;
    view! {
        <div>
            <FieldLabel id=id.clone() label required />
            <textarea
                id=id
                name=name
                rows="3"
                required=required
                class=INPUT
                prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev))
                on:blur=move |_| { leave.try_run(()); }
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            >
                {value.get_untracked()}
            </textarea>
            <FieldError id=error_id error />
        </div>
    }
}

/// A labelled select of (code, label) options, with an empty "choose" first.
#[component]
pub fn SelectField(
    label: &'static str,
    binding: Binding<String>,
    options: Vec<(String, String)>,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let id = field_id(&binding.name);
    let error_id = format!("{id}-error");
    let Binding {
        name,
        value,
        set,
        error,
        leave,
    } = binding;
    view! {
        <div>
            <FieldLabel id=id.clone() label required />
            <select
                id=id
                name=name
                required=required
                class=INPUT
                on:change=move |ev| set.run(event_target_value(&ev))
                on:blur=move |_| { leave.try_run(()); }
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            >
                <option value="" selected=move || value.get().is_empty()>{tr("— pilih —", "— choose —")}</option>
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let option = code.clone();
                        view! { <option value=code selected=move || value.with(|v| *v == option)>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldError id=error_id error />
        </div>
    }
}

/// A group of checkboxes holding a list of codes.
#[component]
pub fn ChoiceList(
    label: &'static str,
    binding: Binding<Vec<String>>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let id = field_id(&binding.name);
    let error_id = format!("{id}-error");
    let Binding {
        name,
        value,
        set,
        error,
        ..
    } = binding;
    let described_by = error_id.clone();
    view! {
        <fieldset id=id aria-describedby=described_by>
            <legend class=LABEL>{label}</legend>
            <div class="grid gap-1 sm:grid-cols-2">
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let name = name.clone();
                        let (shown, wanted, ticked) = (code.clone(), code.clone(), code.clone());
                        view! {
                            <label class="flex items-start gap-2 text-sm">
                                <input
                                    type="checkbox"
                                    name=name
                                    value=code
                                    class="mt-1"
                                    checked=move || value.with(|list| list.contains(&ticked))
                                    prop:checked=move || value.with(|list| list.contains(&shown))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let mut list = value.get_untracked();
                                        list.retain(|c| *c != wanted);
                                        if on {
                                            list.push(wanted.clone());
                                        }
                                        set.run(list);
                                    }
                                />
                                <span>{text}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <FieldError id=error_id error />
        </fieldset>
    }
}

/// One labelled checkbox.
#[component]
pub fn CheckField(label: &'static str, binding: Binding<bool>) -> impl IntoView {
    let id = field_id(&binding.name);
    let error_id = format!("{id}-error");
    let Binding {
        name,
        value,
        set,
        error,
        ..
    } = binding;
    view! {
        <div>
            <label class="flex items-start gap-2 text-sm">
                <input
                    id=id
                    type="checkbox"
                    name=name
                    class="mt-1"
                    checked=move || value.get()
                    prop:checked=move || value.get()
                    on:change=move |ev| set.run(event_target_checked(&ev))
                    aria-describedby=error_id.clone()
                />
                <span>{label}</span>
            </label>
            <FieldError id=error_id error />
        </div>
    }
}

/// The summary above a form's button: what is still wrong, or the server's refusal.
#[component]
pub fn FormSummary(
    errors: Signal<FieldMessages>,
    refusal: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        let refusal = refusal.get();
        let count = errors.with(Vec::len);
        (refusal.is_some() || count > 0).then(|| {
            let text = refusal.unwrap_or_else(|| {
                format!(
                    "{count} {}",
                    tr(
                        "isian belum benar; lihat pesan di bawah kolomnya.",
                        "fields are not right yet; see the message under each."
                    )
                )
            });
            view! {
                <p role="alert" data-testid="form-error" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                    {text}
                </p>
            }
        })
    }
}

/// A lens to a value that is always there (a field of the draft itself).
pub fn pick<D: 'static, T: 'static>(pick: fn(&mut D) -> &mut T) -> Lens<D, T> {
    Arc::new(move |d: &mut D| Some(pick(d)))
}
