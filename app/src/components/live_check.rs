//! The draft check of a plain form (an `ActionForm` of named inputs) run as
//! the user types: the form's fields are read into its `shared::drafts` draft
//! by their `name`, checked by the draft's `to_request` (the same check the
//! server function runs), and each field's message appears under it once the
//! user has left that field. Nothing is sent: the form still posts as it is.
//!
//! ```text
//! let live = LiveCheck::new(move |d: &ReferralDraft| d.to_request(today).err());
//! <ActionForm action=issue on:input=move |e| live.read(&e) on:focusout=move |e| live.leave(&e)>
//!     <input name="consent_given_by" .../>
//!     <LiveError live field="consent_given_by" />
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use shared::DomainError;

use super::form::{FieldMessages, messages_of};

/// A form's fields as (name, value) pairs.
type Pairs = Vec<(String, String)>;

/// A draft check over a form's pairs.
type PairsCheck = Arc<dyn Fn(&Pairs) -> Option<DomainError> + Send + Sync>;

/// The live check of one form; see the module's documentation.
pub struct LiveCheck {
    messages: RwSignal<FieldMessages>,
    left: RwSignal<BTreeSet<String>>,
    check: StoredValue<PairsCheck>,
}

impl Clone for LiveCheck {
    fn clone(&self) -> Self {
        *self
    }
}

impl Copy for LiveCheck {}

impl LiveCheck {
    /// A check of the draft `D` read from the form (a form that cannot be read
    /// as a `D` is left to the server).
    pub fn new<D: DeserializeOwned + 'static>(
        check: impl Fn(&D) -> Option<DomainError> + Send + Sync + 'static,
    ) -> Self {
        let check = move |pairs: &Pairs| draft_of::<D>(pairs).and_then(|draft| check(&draft));
        LiveCheck {
            messages: RwSignal::new(Vec::new()),
            left: RwSignal::new(BTreeSet::new()),
            check: StoredValue::new(Arc::new(check)),
        }
    }

    /// Checks again what the form the event happened in holds now (`on:input`, `on:change`).
    ///
    /// Events can arrive after the form is gone: a page that redraws after a
    /// save removes the focused field, and the browser then sends it a
    /// `focusout`. The check's values are disposed by then, so nothing is
    /// read or written (reading a disposed value would stop the whole page).
    pub fn read(&self, event: &leptos::ev::Event) {
        let Some(pairs) = form_pairs(event) else {
            return;
        };
        if let Some(check) = self.check.try_get_value() {
            self.messages.try_set(messages_of(check(&pairs)));
        }
    }

    /// Marks the field the user left (`on:focusout`) and checks again.
    pub fn leave(&self, event: &leptos::ev::FocusEvent) {
        if let Some(name) = target_name(event) {
            self.left.try_update(|left| {
                left.insert(name);
            });
        }
        self.read(event);
    }

    /// The message to show under `field` now, if any.
    pub fn error(&self, field: &str) -> Option<String> {
        if !self.left.with(|left| left.contains(field)) {
            return None;
        }
        self.messages.with(|messages| {
            messages
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, message)| message.clone())
        })
    }
}

/// The live message of one field of a [`LiveCheck`]ed form.
#[component]
pub fn LiveError(live: LiveCheck, field: &'static str) -> impl IntoView {
    move || {
        live.error(field).map(|message| {
            view! {
                <p class="mt-1 text-sm text-red-700" data-live-error=field aria-live="polite">
                    {message}
                </p>
            }
        })
    }
}

/// The note field of a workflow step's form (a case action, a proposal step).
/// It empties once `taken` reports the step done, so that a note never carries
/// over to the next step's form, where a double tap would send it again; after
/// a refusal it keeps what was typed.
#[component]
pub fn StepNote(
    id: String,
    label: &'static str,
    required: bool,
    taken: Signal<bool>,
    live: LiveCheck,
    #[prop(optional)] test_id: Option<String>,
) -> impl IntoView {
    let note = RwSignal::new(String::new());
    Effect::new(move |_| {
        if taken.get() {
            note.set(String::new());
        }
    });
    view! {
        <div>
            <label for=id.clone() class=crate::components::page::LABEL>{label}</label>
            <input
                id=id
                name="note"
                type="text"
                class=crate::components::page::INPUT
                required=required
                prop:value=note
                on:input=move |event| note.set(event_target_value(&event))
                data-testid=test_id
            />
            <LiveError live field="note" />
        </div>
    }
}

/// The draft a form's pairs make: each name once (the last value wins, as for a
/// checkbox's hidden fallback), every value text.
fn draft_of<D: DeserializeOwned>(pairs: &Pairs) -> Option<D> {
    let fields: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(fields)).ok()
}

/// The fields of the form an event happened in, as a browser would send them.
#[cfg(feature = "hydrate")]
fn form_pairs(event: &leptos::ev::Event) -> Option<Pairs> {
    use leptos::wasm_bindgen::JsCast;
    let form = event
        .current_target()?
        .dyn_into::<leptos::web_sys::HtmlFormElement>()
        .ok()?;
    let data = leptos::web_sys::FormData::new_with_form(&form).ok()?;
    let query = leptos::web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data)
        .ok()?
        .to_string();
    let query: String = query.into();
    Some(
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decoded(name), decoded(value))
            })
            .collect(),
    )
}

#[cfg(feature = "hydrate")]
fn decoded(part: &str) -> String {
    let spaced = part.replace('+', " ");
    js_sys::decode_uri_component(&spaced)
        .map(String::from)
        .unwrap_or(spaced)
}

/// Events only happen in the browser.
#[cfg(not(feature = "hydrate"))]
fn form_pairs(_event: &leptos::ev::Event) -> Option<Pairs> {
    None
}

/// The `name` of the field an event happened on.
#[cfg(feature = "hydrate")]
fn target_name(event: &leptos::ev::FocusEvent) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    let target = event.target()?;
    let element = target.dyn_into::<leptos::web_sys::Element>().ok()?;
    element
        .get_attribute("name")
        .filter(|name| !name.is_empty())
}

#[cfg(not(feature = "hydrate"))]
fn target_name(_event: &leptos::ev::FocusEvent) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_read_as_its_draft_the_last_value_winning() {
        let pairs: Pairs = vec![
            ("case_id".into(), "7".into()),
            ("version".into(), "2".into()),
            ("action".into(), "close".into()),
            ("note".into(), "first".into()),
            ("note".into(), "second".into()),
        ];
        let draft: Option<shared::drafts::CaseActionDraft> = draft_of(&pairs);
        let draft = draft.unwrap_or_default();
        assert_eq!(draft.case_id, "7");
        assert_eq!(draft.note, "second");
        assert_eq!(draft.reason, "");
    }

    #[test]
    fn a_form_missing_a_required_field_is_left_to_the_server() {
        let pairs: Pairs = vec![("note".into(), "x".into())];
        let draft: Option<shared::drafts::CaseActionDraft> = draft_of(&pairs);
        assert!(draft.is_none());
    }
}
