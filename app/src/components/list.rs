//! List pages: the query in the address (filters, page number), the pager,
//! links that keep the query, and fresh idempotency keys for the forms on them.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A query parameter of the current address, or empty.
pub fn query_value(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let query = use_query_map();
    move || query.read().get(name).unwrap_or_default()
}

/// The page number in the address (`?page=`), at least 1.
pub fn query_page() -> impl Fn() -> u32 + Copy + Send + Sync {
    let page = query_value("page");
    move || page().parse::<u32>().unwrap_or(1).max(1)
}

/// "Previous / next" links that keep the other query parameters.
#[component]
pub fn Pager(page: u32, per_page: u32, total: u64, query: String) -> impl IntoView {
    let pages = total.div_ceil(u64::from(per_page.max(1))).max(1);
    let link = move |target: u64| {
        if query.is_empty() {
            format!("?page={target}")
        } else {
            format!("?{query}&page={target}")
        }
    };
    let current = u64::from(page);
    view! {
        <nav class="mt-3 flex items-center gap-3 text-sm" aria-label=crate::i18n::tr("Halaman", "Pages")>
            {(current > 1).then(|| view! { <a class="underline" href=link(current - 1)>{crate::i18n::tr("‹ Sebelumnya", "‹ Previous")}</a> })}
            <span data-testid="pager">{format!("{current} / {pages}")}</span>
            {(current < pages).then(|| view! { <a class="underline" href=link(current + 1)>{crate::i18n::tr("Berikutnya ›", "Next ›")}</a> })}
        </nav>
    }
}

/// `base` with the non-empty `pairs` as its query (`/unduh/kasus.csv?status=semua`).
pub fn with_query(base: &str, pairs: &[(&str, String)]) -> String {
    let query = encode_query(pairs);
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

/// Encodes query parameters (`name=value&...`), skipping empty values.
pub fn encode_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A list download's address: `base` with the list's filter, and with the
/// separator chosen when `comma` (`;` is the download's own default).
pub fn export_href(base: &str, pairs: &[(&'static str, String)], comma: bool) -> String {
    let mut pairs = pairs.to_vec();
    if comma {
        pairs.push((crate::paths::SEPARATOR, crate::paths::COMMA.to_string()));
    }
    with_query(base, &pairs)
}

/// A list's downloads, carrying its current filter: Excel, CSV with `;` (what
/// Excel expects under Indonesian settings) and CSV with `,`. Plain links, so
/// they work without JavaScript; they wrap on a narrow phone.
#[component]
pub fn ExportLinks(
    /// The list's CSV download.
    csv: &'static str,
    /// The list's workbook download.
    xlsx: &'static str,
    /// The list's filter as query pairs (without the page).
    query: Signal<Vec<(&'static str, String)>>,
    /// `data-testid` of the CSV (;) link; the others add `-xlsx` and `-comma`.
    test_id: &'static str,
) -> impl IntoView {
    use crate::components::page::BUTTON_QUIET;
    use crate::i18n::tr;
    let href =
        move |base: &'static str, comma: bool| move || export_href(base, &query.get(), comma);
    view! {
        <span class="flex flex-wrap items-center gap-2" role="group" aria-label=tr("Unduh daftar ini", "Download this list")>
            <a href=href(xlsx, false) class=BUTTON_QUIET rel="external" download="" data-testid=format!("{test_id}-xlsx")>
                {tr("Unduh Excel (.xlsx)", "Download Excel (.xlsx)")}
            </a>
            <a href=href(csv, false) class=BUTTON_QUIET rel="external" download="" data-testid=test_id
                title=tr("Pemisah titik koma, untuk Excel berbahasa Indonesia", "Semicolon-separated, for Excel with Indonesian settings")>
                {tr("Unduh CSV (;)", "Download CSV (;)")}
            </a>
            <a href=href(csv, true) class="px-1 py-2 text-sm text-teal-800 underline" rel="external" download="" data-testid=format!("{test_id}-comma")
                title=tr("Pemisah koma, untuk Excel berbahasa Inggris", "Comma-separated, for Excel with English settings")>
                {tr("CSV (,)", "CSV (,)")}
            </a>
        </span>
    }
}

/// A new key for an idempotent request (a resubmission is answered with the first result).
pub fn fresh_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        format!(
            "{:x}-{:x}",
            js_sys::Date::now() as u64,
            (js_sys::Math::random() * 1e15) as u64
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use std::time::{SystemTime, UNIX_EPOCH};
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{nanos:x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_links_carry_the_filter_and_the_separator() {
        let pairs = vec![("status", "referred".to_string()), ("q", String::new())];
        assert_eq!(
            export_href("/unduh/kasus.csv", &pairs, false),
            "/unduh/kasus.csv?status=referred"
        );
        assert_eq!(
            export_href("/unduh/kasus.csv", &pairs, true),
            "/unduh/kasus.csv?status=referred&pemisah=koma"
        );
        assert_eq!(
            export_href("/unduh/audit.xlsx", &[], false),
            "/unduh/audit.xlsx"
        );
    }

    #[test]
    fn queries_are_encoded_and_skip_empty_values() {
        assert_eq!(
            encode_query(&[
                ("q", "siti & ani".into()),
                ("role", String::new()),
                ("x", "a/b".into())
            ]),
            "q=siti%20%26%20ani&x=a%2Fb"
        );
    }
}
