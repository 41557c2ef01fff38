//! Saves that survive a weak connection and a busy server: a keyed save (one
//! carrying its idempotency key) that failed in passing is sent again by itself,
//! the same request with the same key, a few times with growing waits, while the
//! page says it is still saving. What was typed stays in the form throughout.

use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;
use shared::dto::Created;

use crate::api::AppError;
use crate::i18n::tr;

/// Tries of one save in all (the first and the resends).
pub const SAVE_TRIES: u32 = 5;

/// The wait before resend `n` (1 for the first resend): 1 s, 2 s, 4 s, 8 s.
pub fn wait_before_resend(n: u32) -> Duration {
    Duration::from_secs(1u64 << n.saturating_sub(1).min(4))
}

/// A save and which try of it is running (0 when none is).
#[derive(Clone, Copy)]
pub struct KeyedSave<D: 'static> {
    pub action: Action<D, Result<Created, AppError>>,
    pub attempt: RwSignal<u32>,
}

/// A save of `D` through `send` that resends after a passing failure (see the module).
pub fn keyed_save<D, Fut>(send: fn(D) -> Fut) -> KeyedSave<D>
where
    D: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Created, AppError>> + 'static,
{
    let attempt = RwSignal::new(0);
    let action = Action::new_local(move |draft: &D| {
        let draft = draft.clone();
        async move {
            let outcome = with_resends(|| send(draft.clone()), |n| attempt.set(n)).await;
            attempt.set(0);
            outcome
        }
    });
    KeyedSave { action, attempt }
}

/// Runs `call` until it succeeds, is refused for good, or [`SAVE_TRIES`] passing
/// failures in a row; `trying` hears the number of each try.
pub async fn with_resends<T, Fut>(
    mut call: impl FnMut() -> Fut,
    mut trying: impl FnMut(u32),
) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    let mut tries = 1;
    trying(tries);
    loop {
        match call().await {
            Err(error) if error.is_transient() && tries < SAVE_TRIES => {
                // Told before the wait, so that the page says so while it waits.
                tries += 1;
                trying(tries);
                pause(wait_before_resend(tries - 1)).await;
            }
            outcome => return outcome,
        }
    }
}

/// Waits about `duration` in the browser (the server never resends): 80–120 %
/// of it at random, so that desks refused at the same moment do not all come
/// back at the same moment.
async fn pause(duration: Duration) {
    #[cfg(feature = "hydrate")]
    {
        let duration = duration.mul_f64(0.8 + 0.4 * js_sys::Math::random());
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            set_timeout(
                move || {
                    let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
                },
                duration,
            );
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = duration;
}

/// "Still saving" under the save button while a resend waits or runs.
#[component]
pub fn SaveProgress(attempt: RwSignal<u32>) -> impl IntoView {
    view! {
        <p class="text-sm text-amber-800" role="status" aria-live="polite" data-testid="save-progress">
            {move || {
                let n = attempt.get();
                (n > 1)
                    .then(|| {
                        format!(
                            "{} ({n}/{SAVE_TRIES})",
                            tr(
                                "Koneksi lambat atau server sibuk: masih mencoba menyimpan, isian Anda tetap aman",
                                "Slow connection or busy server: still trying to save, what you typed is kept",
                            ),
                        )
                    })
            }}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ErrorKind;

    fn error(kind: ErrorKind, code: &str) -> AppError {
        AppError {
            kind,
            code: code.into(),
            message_id: String::new(),
            message_en: String::new(),
            fields: Vec::new(),
        }
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        // Every future here is ready at once (the pause does nothing off the browser).
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut context) {
                return value;
            }
        }
    }

    #[test]
    fn passing_failures_are_resent_until_one_succeeds() {
        let mut answers = vec![
            Err(error(ErrorKind::Transport, "transport")),
            Err(error(ErrorKind::Refused, "unavailable")),
            Ok(7),
        ]
        .into_iter();
        let mut tries = Vec::new();
        let outcome = run(with_resends(
            || std::future::ready(answers.next().unwrap_or(Ok(0))),
            |n| tries.push(n),
        ));
        assert_eq!(outcome, Ok(7));
        assert_eq!(tries, vec![1, 2, 3]);
    }

    #[test]
    fn a_refusal_is_not_resent_and_resends_are_bounded() {
        let mut calls = 0;
        let refused = run(with_resends(
            || {
                calls += 1;
                std::future::ready(Err::<(), _>(error(ErrorKind::Invalid, "text_required")))
            },
            |_| {},
        ));
        assert_eq!(calls, 1);
        assert_eq!(
            refused.map_err(|e| e.code),
            Err("text_required".to_string())
        );
        let mut calls = 0;
        let busy = run(with_resends(
            || {
                calls += 1;
                std::future::ready(Err::<(), _>(error(ErrorKind::Refused, "unavailable")))
            },
            |_| {},
        ));
        assert_eq!(calls, SAVE_TRIES);
        assert!(busy.is_err());
    }

    #[test]
    fn waits_grow() {
        let waits: Vec<u64> = (1..SAVE_TRIES)
            .map(|n| wait_before_resend(n).as_secs())
            .collect();
        assert_eq!(waits, vec![1, 2, 4, 8]);
    }
}
