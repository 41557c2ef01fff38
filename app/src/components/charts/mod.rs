//! Dashboard charts drawn as plain SVG by `view!`: rendered on the server, so
//! they show before the WebAssembly bundle loads, and hydrated unchanged (the
//! output depends only on the data: no randomness, no ids, no browser maths).
//!
//! Counts are `Option<u64>`: `None` is a cell suppressed for privacy (1–4
//! people). It is drawn as a short grey stub labelled "<5" and never counted
//! as zero in a total without a note saying so. Every chart is followed by a
//! `<details>` table of the same numbers.
//!
//! Styling uses SVG presentation attributes (`fill`, `font-size`), not `style`
//! attributes, which the portal's Content-Security-Policy blocks.
//!
//! This file holds the shared frame (data types, palette and sizes, scales and
//! geometry, legend, notes and the data table); each chart kind has its own file.

mod bar;
mod donut;
mod line;
mod stacked;

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::page::{TABLE, TD, TH};
use crate::format::number_id;
use crate::i18n::tr;

pub use bar::{BarChart, BarChartProps};
pub use donut::{DonutChart, DonutChartProps};
pub use line::{LineChart, LineChartProps};
pub use stacked::{StackedBarChart, StackedBarChartProps};

/// One labelled count: a bar of a [`BarChart`] or a slice of a [`DonutChart`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    /// `None`: suppressed for privacy (1–4 people).
    pub value: Option<u64>,
}

/// One row of a [`StackedBarChart`]: a count per series, in the series' order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackedRow {
    pub label: String,
    /// `None`: suppressed for privacy (1–4 people). Missing trailing values
    /// (fewer than there are series) are drawn as nothing and shown as "–".
    pub values: Vec<Option<u64>>,
}

/// One line of a [`LineChart`]: a count per x label, in the labels' order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    /// `None`: suppressed for privacy (1–4 people), a gap in the line with a
    /// grey stub at the baseline. Missing trailing values are a plain gap.
    pub values: Vec<Option<u64>>,
}

/// The Okabe–Ito colour-blind-safe palette, in order of use.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

const WHITE: &str = "#ffffff";
const NEAR_BLACK: &str = "#111111";
/// The text colour for a label drawn on each [`PALETTE`] colour (the one of
/// white and near-black with the higher contrast, at least 4.5:1; checked by a test).
const INK_ON_PALETTE: [&str; 8] = [
    WHITE, NEAR_BLACK, NEAR_BLACK, NEAR_BLACK, NEAR_BLACK, NEAR_BLACK, NEAR_BLACK, WHITE,
];
/// Labels on the white background (slate-800).
const INK: &str = "#1e293b";
/// Axis tick labels (slate-600, 7.6:1 on white).
const INK_MUTED: &str = "#475569";
const GRID: &str = "#e2e8f0";
const AXIS: &str = "#94a3b8";
/// Suppressed cells (gray-500, 4.8:1 on white).
const STUB: &str = "#6b7280";
/// The empty ring under a donut's slices.
const TRACK: &str = "#f1f5f9";

/// How wide a chart is drawn on a 360 px phone: the page's padding and a
/// card's take 64 px.
const PHONE_PX: f64 = 296.0;
/// Width of the full-size charts' viewBox.
const WIDTH: f64 = 360.0;
/// Font size of the full-size charts, in viewBox units: 11.1 px when drawn
/// [`PHONE_PX`] wide, 13.5 px at 360 px, at most 16.8 px (see [`SVG_CLASS`]).
const FONT: f64 = 13.5;
/// Width of a compact line chart's viewBox.
const COMPACT_WIDTH: f64 = 280.0;
/// Font size of a compact line chart: 11.6 px when drawn [`PHONE_PX`] wide,
/// at most 15 px (see [`COMPACT_SVG_CLASS`]).
const COMPACT_FONT: f64 = 11.0;
/// Height of one bar's row.
const ROW: f64 = 28.0;
const BAR_HEIGHT: f64 = 18.0;
const PAD: f64 = 4.0;
/// Space between a bar and its label.
const GAP: f64 = 6.0;
/// Width of the grey stub of a suppressed cell in a bar chart.
const STUB_WIDTH: f64 = 6.0;
/// Width of the grey stub of a suppressed cell inside a stacked bar.
const STACK_STUB_WIDTH: f64 = 4.0;
/// Side of the donut's square viewBox (drawn 12rem wide on a phone).
const DONUT_SIZE: f64 = 200.0;
const DONUT_OUTER: f64 = 94.0;
const DONUT_INNER: f64 = 60.0;
/// Slices beyond this many are folded into one "Lainnya" (other) slice.
const DONUT_MAX_SLICES: usize = 8;
/// Where the baseline of text sits below the middle of its line, in ems.
const BASELINE: f64 = 0.35;

// Text is at least 11 px on a 360 px wide phone (checked when compiling).
const _: () = assert!(FONT * PHONE_PX / WIDTH >= 11.0);
const _: () = assert!(COMPACT_FONT * PHONE_PX / COMPACT_WIDTH >= 11.0);
// The donut's box is 12rem (192 px) wide there; its smallest text is 12 units.
const _: () = assert!(12.0 * 192.0 / DONUT_SIZE >= 11.0);

// ---------------------------------------------------------------------------
// Pure helpers (geometry and formatting)
// ---------------------------------------------------------------------------

/// A number for an SVG attribute: at most two decimals, no `-0`.
fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    let rounded = (value * 100.0).round() / 100.0;
    if rounded.abs() < 0.005 {
        "0".to_string()
    } else {
        format!("{rounded}")
    }
}

/// The length of `value` on a scale where `max` is `length` long, within
/// `0..=length`; 0 when `max` is 0.
pub fn scale(value: u64, max: u64, length: f64) -> f64 {
    if max == 0 || length <= 0.0 {
        return 0.0;
    }
    (value as f64 / max as f64 * length).clamp(0.0, length)
}

/// A bar's length for `value`: like [`scale`], but at least one unit when the
/// value is not 0, so that small counts stay visible.
fn bar_length(value: u64, max: u64, length: f64) -> f64 {
    let exact = scale(value, max, length);
    if value > 0 { exact.max(1.0) } else { exact }
}

/// Ticks of a y axis from 0 that covers `max`: 3 to 5 evenly spaced values,
/// the step 1, 2, 2.5 or 5 times a power of ten (2.5 only from 25 up).
/// `nice_ticks(1234)` is `[0, 500, 1000, 1500]`.
pub fn nice_ticks(max: u64) -> Vec<u64> {
    let max = u128::from(max);
    let mut magnitude: u128 = 1;
    for _ in 0..=19 {
        for tenths in [10u128, 20, 25, 50] {
            if tenths == 25 && magnitude == 1 {
                continue;
            }
            let step = magnitude * tenths / 10;
            let intervals = max.div_ceil(step);
            if intervals <= 4 {
                return (0..=intervals.max(2))
                    .map(|i| u64::try_from(step * i).unwrap_or(u64::MAX))
                    .collect();
            }
        }
        magnitude *= 10;
    }
    let max = u64::try_from(max).unwrap_or(u64::MAX);
    vec![0, max.div_ceil(2), max]
}

/// Shares of `values` in tenths of a percent, rounded so that they add up to
/// exactly 1000 (largest remainder; ties go to the earlier value). All zero
/// when the values add up to 0.
pub fn percent_tenths(values: &[u64]) -> Vec<u64> {
    let total: u128 = values.iter().map(|&v| u128::from(v)).sum();
    if total == 0 {
        return vec![0; values.len()];
    }
    let mut shares: Vec<u64> = Vec::with_capacity(values.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(values.len());
    for (index, &value) in values.iter().enumerate() {
        let scaled = u128::from(value) * 1000;
        shares.push(u64::try_from(scaled / total).unwrap_or(1000));
        remainders.push((scaled % total, index));
    }
    let given: u64 = shares.iter().sum();
    let missing = usize::try_from(1000u64.saturating_sub(given)).unwrap_or(0);
    // Largest remainder first; among equals, the earlier value first.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, index) in remainders.iter().take(missing) {
        if let Some(share) = shares.get_mut(index) {
            *share += 1;
        }
    }
    shares
}

/// A percentage given in tenths, the Indonesian way: `125` is `12,5%`.
pub fn format_percent(tenths: u64) -> String {
    format!("{},{}%", number_id(tenths / 10), tenths % 10)
}

/// A count, or "<5" for a suppressed cell.
fn value_text(value: Option<u64>) -> String {
    value.map_or_else(|| "<5".to_string(), number_id)
}

/// A count for an `aria-label`, where "<5" is read out as words.
fn spoken_value(value: Option<u64>) -> String {
    value.map_or_else(
        || tr("kurang dari 5", "fewer than 5").to_string(),
        number_id,
    )
}

/// A shown count or total for an `aria-label`: "<5" and "≥" read out as words.
fn spoken_text(text: &str) -> String {
    text.replace("<5", tr("kurang dari 5", "fewer than 5"))
        .replace('≥', tr("paling sedikit", "at least"))
}

/// Estimated width of `text` at `font` size (0.6 em a character: generous for
/// digits and most words, so that labels do not run into bars).
fn text_width(text: &str, font: f64) -> f64 {
    text.chars().count() as f64 * font * 0.6
}

/// `text`, cut short with "…" to fit `max_width` at `font` size.
fn fit_label(text: &str, max_width: f64, font: f64) -> String {
    if text_width(text, font) <= max_width {
        return text.to_string();
    }
    let fits = (max_width / (font * 0.6)).floor().max(1.0) as usize;
    let kept: String = text.chars().take(fits.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// Sine and cosine of `angle` in `0..=π/2` by Taylor series: plain IEEE
/// arithmetic, bit-for-bit the same on the server and in WebAssembly (the
/// platform `sin`/`cos` may differ in the last bit), so both print the same path.
fn sin_cos_quarter(angle: f64) -> (f64, f64) {
    let square = angle * angle;
    let (mut sin, mut sin_term) = (angle, angle);
    let (mut cos, mut cos_term) = (1.0, 1.0);
    for n in 1..=10 {
        let k = f64::from(2 * n);
        sin_term *= -square / (k * (k + 1.0));
        cos_term *= -square / ((k - 1.0) * k);
        sin += sin_term;
        cos += cos_term;
    }
    (sin, cos)
}

/// The point `fraction` of a turn clockwise from twelve o'clock on the unit
/// circle, in SVG coordinates (y grows downwards).
fn unit_point(fraction: f64) -> (f64, f64) {
    let quarters = fraction.rem_euclid(1.0) * 4.0;
    let whole = quarters.floor();
    let (s, c) = sin_cos_quarter((quarters - whole) * std::f64::consts::FRAC_PI_2);
    let (sin, cos) = match (whole as i64).rem_euclid(4) {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    };
    (sin, -cos)
}

/// The SVG path of a donut slice from `start` to `end` (fractions of a turn,
/// clockwise from twelve o'clock) between radii `inner` and `outer` around
/// (`cx`, `cy`). A slice of the whole turn is drawn as a full ring (two half
/// circles each way; draw with `fill-rule="evenodd"`), because an arc whose
/// ends meet draws nothing.
pub fn donut_arc_path(cx: f64, cy: f64, outer: f64, inner: f64, start: f64, end: f64) -> String {
    let start = start.clamp(0.0, 1.0);
    let end = end.clamp(start, 1.0);
    let (ro, ri) = (num(outer), num(inner));
    if end - start >= 1.0 - 1e-9 {
        let x = num(cx);
        let (outer_top, outer_bottom) = (num(cy - outer), num(cy + outer));
        let (inner_top, inner_bottom) = (num(cy - inner), num(cy + inner));
        return format!(
            "M{x},{outer_top} A{ro},{ro} 0 1 1 {x},{outer_bottom} A{ro},{ro} 0 1 1 {x},{outer_top} Z \
             M{x},{inner_top} A{ri},{ri} 0 1 0 {x},{inner_bottom} A{ri},{ri} 0 1 0 {x},{inner_top} Z"
        );
    }
    let large = u8::from(end - start > 0.5);
    let (sx, sy) = unit_point(start);
    let (ex, ey) = unit_point(end);
    let at =
        |radius: f64, x: f64, y: f64| format!("{},{}", num(cx + radius * x), num(cy + radius * y));
    format!(
        "M{} A{ro},{ro} 0 {large} 1 {} L{} A{ri},{ri} 0 {large} 0 {} Z",
        at(outer, sx, sy),
        at(outer, ex, ey),
        at(inner, ex, ey),
        at(inner, sx, sy),
    )
}

/// Moves label positions apart so that neighbours are at least `gap` apart,
/// staying within `low..=high` where there is room; keeps the input order.
fn spread_labels(positions: &[f64], gap: f64, low: f64, high: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by(|&a, &b| positions[a].total_cmp(&positions[b]).then(a.cmp(&b)));
    let mut placed: Vec<f64> = order.iter().map(|&i| positions[i].max(low)).collect();
    for i in 1..placed.len() {
        placed[i] = placed[i].max(placed[i - 1] + gap);
    }
    if let Some(last) = placed.last_mut() {
        *last = last.min(high);
    }
    for i in (0..placed.len().saturating_sub(1)).rev() {
        placed[i] = placed[i].min(placed[i + 1] - gap);
    }
    let mut result = vec![0.0; positions.len()];
    for (rank, &index) in order.iter().enumerate() {
        result[index] = placed[rank].max(low);
    }
    result
}

/// Which x labels fit in `width` at `font` size without touching:
/// every n-th counted back from the last (the latest month matters most).
fn x_label_indices(labels: &[String], width: f64, font: f64) -> Vec<usize> {
    let count = labels.len();
    if count == 0 {
        return Vec::new();
    }
    let widest = labels
        .iter()
        .map(|label| text_width(label, font))
        .fold(0.0, f64::max)
        + font;
    let room = ((width / widest).floor() as usize).max(1);
    let stride = count.div_ceil(room).max(1);
    (0..count)
        .filter(|i| (count - 1 - i).is_multiple_of(stride))
        .collect()
}

/// The colour of series or slice `index`.
fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// The text colour for a label on colour `index`.
fn ink_on(index: usize) -> &'static str {
    INK_ON_PALETTE[index % INK_ON_PALETTE.len()]
}

/// Dash pattern of line `index`, so that lines differ by more than colour.
fn dash(index: usize) -> Option<&'static str> {
    [None, Some("6 4"), Some("2 3"), Some("8 3 2 3")][index % 4]
}

/// True when nothing is worth drawing: no cells, or every cell a known zero.
fn no_data<'a>(values: impl IntoIterator<Item = &'a Option<u64>>) -> bool {
    values.into_iter().all(|value| *value == Some(0))
}

/// A row's known sum and its number of suppressed cells.
fn row_sums(values: &[Option<u64>]) -> (u64, usize) {
    let known = values
        .iter()
        .flatten()
        .fold(0u64, |sum, v| sum.saturating_add(*v));
    let suppressed = values.iter().filter(|value| value.is_none()).count();
    (known, suppressed)
}

/// A row's total: exact, "<5" for a single suppressed cell alone, or else
/// "≥ n", the least it can be (each suppressed cell is at least 1).
fn row_total_text(known: u64, suppressed: usize) -> String {
    match (known, suppressed) {
        (_, 0) => number_id(known),
        (0, 1) => "<5".to_string(),
        _ => format!(
            "≥ {}",
            number_id(known.saturating_add(u64::try_from(suppressed).unwrap_or(u64::MAX)))
        ),
    }
}

// ---------------------------------------------------------------------------
// Shared parts
// ---------------------------------------------------------------------------

const FIGURE: &str = "min-w-0";
const CAPTION: &str = "mb-2 font-semibold text-slate-800";
/// Full-size charts stop growing at 28rem (448 px), where their text is 16.8 px.
const SVG_CLASS: &str = "block h-auto w-full max-w-md tabular-nums";
/// Compact charts stop growing at 24rem (384 px), where their text is 15 px.
const COMPACT_SVG_CLASS: &str = "block h-auto w-full max-w-sm tabular-nums";
/// The donut is drawn inside a box at most 12rem wide.
const DONUT_SVG_CLASS: &str = "block h-auto w-full tabular-nums";
const NUMBER_CELL: &str = "px-3 py-2 text-right align-top tabular-nums";

/// "No data yet" in place of a chart.
#[component]
fn NoData(title: String) -> impl IntoView {
    view! {
        <figure class=FIGURE>
            <figcaption class=CAPTION>{title}</figcaption>
            <p class="text-sm text-slate-600" data-chart-empty="">
                {tr("Belum ada data", "No data yet")}
            </p>
        </figure>
    }
}

/// Explains "<5" (and, with `extra`, how totals treat it) under a chart.
#[component]
fn SuppressedNote(extra: Option<&'static str>) -> impl IntoView {
    view! {
        <p class="mt-1 text-xs text-slate-600">
            {tr(
                "<5: angka kecil disembunyikan untuk melindungi privasi.",
                "<5: small figures hidden to protect privacy.",
            )}
            {extra.map(|text| format!(" {text}"))}
        </p>
    }
}

/// Series names with their colour (and, for lines, their dash pattern); with
/// `stub`, also the grey stub of suppressed cells, labelled "<5".
#[component]
fn Legend(names: Vec<String>, lines: bool, stub: bool) -> impl IntoView {
    view! {
        <ul class="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
            {names
                .into_iter()
                .enumerate()
                .map(|(index, name)| {
                    view! {
                        <li class="flex items-center gap-1.5">
                            <svg class="h-3 w-5 shrink-0" viewBox="0 0 20 12" aria-hidden="true">
                                {if lines {
                                    Either::Left(view! {
                                        <line
                                            x1="0" y1="6" x2="20" y2="6"
                                            stroke=colour(index)
                                            stroke-width="2.5"
                                            stroke-dasharray=dash(index)
                                        />
                                    })
                                } else {
                                    Either::Right(view! {
                                        <rect x="4" y="0" width="12" height="12" rx="2" fill=colour(index) />
                                    })
                                }}
                            </svg>
                            <span>{name}</span>
                        </li>
                    }
                })
                .collect_view()}
            {stub.then(|| view! {
                <li class="flex items-center gap-1.5">
                    <svg class="h-3 w-5 shrink-0" viewBox="0 0 20 12" aria-hidden="true">
                        <rect x="8" y="0" width="4" height="12" fill=STUB />
                    </svg>
                    <span>"<5"</span>
                </li>
            })}
        </ul>
    }
}

/// A small table of the chart's numbers, folded away by default.
#[component]
fn DataTable(title: String, head: Vec<String>, rows: Vec<Vec<String>>) -> impl IntoView {
    view! {
        <details class="mt-2 text-sm print:hidden">
            <summary class="cursor-pointer text-slate-700 hover:underline">
                {tr("Lihat tabel", "Show table")}
            </summary>
            <div class="mt-2 overflow-x-auto">
                <table class=TABLE>
                    <caption class="sr-only">{title}</caption>
                    <thead>
                        <tr>
                            {head
                                .into_iter()
                                .enumerate()
                                .map(|(index, cell)| {
                                    let class = if index == 0 { TH } else { "px-3 py-2 text-right font-semibold text-slate-700" };
                                    view! { <th scope="col" class=class>{cell}</th> }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">
                        {rows
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr>
                                        {row
                                            .into_iter()
                                            .enumerate()
                                            .map(|(index, cell)| {
                                                if index == 0 {
                                                    Either::Left(view! { <th scope="row" class=TD>{cell}</th> })
                                                } else {
                                                    Either::Right(view! { <td class=NUMBER_CELL>{cell}</td> })
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, feature = "ssr"))]
mod render_tests;
