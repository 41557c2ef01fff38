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

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::page::{TABLE, TD, TH};
use crate::format::number_id;
use crate::i18n::tr;

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
                "<5: disembunyikan untuk melindungi privasi (1–4 orang).",
                "<5: hidden to protect privacy (1–4 people).",
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

// ---------------------------------------------------------------------------
// Bar chart
// ---------------------------------------------------------------------------

/// One drawn bar.
struct BarLayout {
    label: String,
    y: f64,
    length: f64,
    fill: &'static str,
    value: String,
}

/// Horizontal bars: labels on the left, each value at the end of its bar.
#[component]
pub fn BarChart(title: String, bars: Vec<Bar>) -> impl IntoView {
    if no_data(bars.iter().map(|bar| &bar.value)) {
        return Either::Left(view! { <NoData title /> });
    }
    let label_width = bars
        .iter()
        .map(|bar| text_width(&bar.label, FONT))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.45);
    let value_width = bars
        .iter()
        .map(|bar| text_width(&value_text(bar.value), FONT))
        .fold(0.0, f64::max);
    let bar_x = label_width + GAP;
    let length = (WIDTH - bar_x - GAP - value_width - PAD).max(STUB_WIDTH);
    let max = bars.iter().filter_map(|bar| bar.value).max().unwrap_or(0);
    let height = bars.len() as f64 * ROW + 2.0 * PAD;
    let aria = format!(
        "{title}: {}.",
        bars.iter()
            .map(|bar| format!("{} {}", bar.label, spoken_value(bar.value)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let suppressed = bars.iter().any(|bar| bar.value.is_none());
    let table_rows = bars
        .iter()
        .map(|bar| vec![bar.label.clone(), value_text(bar.value)])
        .collect();
    let layout: Vec<BarLayout> = bars
        .into_iter()
        .enumerate()
        .map(|(index, bar)| BarLayout {
            y: PAD + index as f64 * ROW,
            length: bar
                .value
                .map_or(STUB_WIDTH, |value| bar_length(value, max, length)),
            fill: if bar.value.is_some() {
                PALETTE[0]
            } else {
                STUB
            },
            value: value_text(bar.value),
            label: fit_label(&bar.label, label_width, FONT),
        })
        .collect();
    Either::Right(view! {
        <figure class=FIGURE data-chart="bar">
            <figcaption class=CAPTION>{title.clone()}</figcaption>
            <svg
                class=SVG_CLASS
                width="100%"
                viewBox=format!("0 0 {} {}", num(WIDTH), num(height))
                role="img"
                aria-label=aria
                font-size=num(FONT)
            >
                <title>{title.clone()}</title>
                {layout
                    .into_iter()
                    .map(|bar| {
                        let middle = bar.y + ROW / 2.0;
                        let text_y = num(middle + FONT * BASELINE);
                        view! {
                            <g>
                                <text x="0" y=text_y.clone() fill=INK>{bar.label}</text>
                                <rect
                                    x=num(bar_x)
                                    y=num(middle - BAR_HEIGHT / 2.0)
                                    width=num(bar.length)
                                    height=num(BAR_HEIGHT)
                                    rx="2"
                                    fill=bar.fill
                                />
                                <text x=num(bar_x + bar.length + GAP) y=text_y fill=INK>
                                    {bar.value}
                                </text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
            {suppressed.then(|| view! { <SuppressedNote extra=None /> })}
            <DataTable
                title
                head=vec![tr("Kategori", "Category").to_string(), tr("Jumlah", "Count").to_string()]
                rows=table_rows
            />
        </figure>
    })
}

// ---------------------------------------------------------------------------
// Stacked bar chart
// ---------------------------------------------------------------------------

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

/// One drawn segment of a stacked bar.
struct Segment {
    x: f64,
    width: f64,
    fill: &'static str,
    label: Option<(String, &'static str)>,
}

/// One drawn stacked bar.
struct StackLayout {
    label: String,
    y: f64,
    segments: Vec<Segment>,
    end: f64,
    total: String,
}

/// Horizontal stacked bars: one row per label, one segment per series (in the
/// order of `series`, labelled when wide enough), the row's total at the end.
#[component]
pub fn StackedBarChart(title: String, series: Vec<String>, rows: Vec<StackedRow>) -> impl IntoView {
    let count = series.len();
    let cells = |row: &StackedRow| row.values.iter().take(count).copied().collect::<Vec<_>>();
    if count == 0 || no_data(rows.iter().flat_map(|row| row.values.iter().take(count))) {
        return Either::Left(view! { <NoData title /> });
    }
    let sums: Vec<(u64, usize)> = rows.iter().map(|row| row_sums(&cells(row))).collect();
    let totals: Vec<String> = sums
        .iter()
        .map(|&(known, suppressed)| row_total_text(known, suppressed))
        .collect();
    let label_width = rows
        .iter()
        .map(|row| text_width(&row.label, FONT))
        .fold(0.0, f64::max)
        .min(WIDTH * 0.45);
    let total_width = totals
        .iter()
        .map(|t| text_width(t, FONT))
        .fold(0.0, f64::max);
    let most_stubs = sums.iter().map(|&(_, s)| s).max().unwrap_or(0);
    let bar_x = label_width + GAP;
    let length = (WIDTH - bar_x - GAP - total_width - PAD - most_stubs as f64 * STACK_STUB_WIDTH)
        .max(STACK_STUB_WIDTH);
    let max = sums.iter().map(|&(known, _)| known).max().unwrap_or(0);
    let height = rows.len() as f64 * ROW + 2.0 * PAD;
    let lower_bounds = sums
        .iter()
        .any(|&(known, s)| s > 1 || (s == 1 && known > 0));
    let suppressed = sums.iter().any(|&(_, s)| s > 0);

    let aria = format!(
        "{title}: {}.",
        rows.iter()
            .zip(&totals)
            .map(|(row, total)| {
                let parts = series
                    .iter()
                    .zip(cells(row))
                    .map(|(name, value)| format!("{name} {}", spoken_value(value)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "{}: {parts}, {} {}",
                    row.label,
                    tr("total", "total"),
                    spoken_text(total)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    let mut head = vec![tr("Kategori", "Category").to_string()];
    head.extend(series.iter().cloned());
    head.push(tr("Total", "Total").to_string());
    let table_rows = rows
        .iter()
        .zip(&totals)
        .map(|(row, total)| {
            let mut line = vec![row.label.clone()];
            line.extend((0..count).map(|i| {
                row.values
                    .get(i)
                    .map_or_else(|| "–".to_string(), |v| value_text(*v))
            }));
            line.push(total.clone());
            line
        })
        .collect();

    let layout: Vec<StackLayout> = rows
        .iter()
        .zip(totals)
        .enumerate()
        .map(|(index, (row, total))| {
            let mut x = bar_x;
            let mut segments = Vec::new();
            for (series_index, value) in cells(row).into_iter().enumerate() {
                let segment = match value {
                    Some(0) => continue,
                    Some(value) => {
                        let width = bar_length(value, max, length);
                        let text = number_id(value);
                        let label = (text_width(&text, FONT) + 2.0 * PAD <= width)
                            .then(|| (text, ink_on(series_index)));
                        Segment {
                            x,
                            width,
                            fill: colour(series_index),
                            label,
                        }
                    }
                    None => Segment {
                        x,
                        width: STACK_STUB_WIDTH,
                        fill: STUB,
                        label: None,
                    },
                };
                x += segment.width;
                segments.push(segment);
            }
            StackLayout {
                label: fit_label(&row.label, label_width, FONT),
                y: PAD + index as f64 * ROW,
                segments,
                end: x,
                total,
            }
        })
        .collect();

    Either::Right(view! {
        <figure class=FIGURE data-chart="stacked-bar">
            <figcaption class=CAPTION>{title.clone()}</figcaption>
            <svg
                class=SVG_CLASS
                width="100%"
                viewBox=format!("0 0 {} {}", num(WIDTH), num(height))
                role="img"
                aria-label=aria
                font-size=num(FONT)
            >
                <title>{title.clone()}</title>
                {layout
                    .into_iter()
                    .map(|row| {
                        let middle = row.y + ROW / 2.0;
                        let text_y = num(middle + FONT * BASELINE);
                        let top = num(middle - BAR_HEIGHT / 2.0);
                        view! {
                            <g>
                                <text x="0" y=text_y.clone() fill=INK>{row.label}</text>
                                {row
                                    .segments
                                    .into_iter()
                                    .map(|segment| {
                                        let label_x = num(segment.x + segment.width / 2.0);
                                        view! {
                                            <rect
                                                x=num(segment.x)
                                                y=top.clone()
                                                width=num(segment.width)
                                                height=num(BAR_HEIGHT)
                                                fill=segment.fill
                                                stroke=WHITE
                                                stroke-width="1"
                                            />
                                            {segment.label.map(|(text, ink)| view! {
                                                <text x=label_x y=text_y.clone() fill=ink text-anchor="middle">
                                                    {text}
                                                </text>
                                            })}
                                        }
                                    })
                                    .collect_view()}
                                <text x=num(row.end + GAP) y=text_y fill=INK>{row.total}</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
            <Legend names=series lines=false stub=suppressed />
            {suppressed.then(|| {
                let extra = lower_bounds.then(|| tr(
                    "≥: total paling sedikit, karena baris memuat sel <5.",
                    "≥: the least the total can be, as the row has <5 cells.",
                ));
                view! { <SuppressedNote extra=extra /> }
            })}
            <DataTable title head rows=table_rows />
        </figure>
    })
}

// ---------------------------------------------------------------------------
// Line chart
// ---------------------------------------------------------------------------

/// One drawn line.
struct LineLayout {
    index: usize,
    path: String,
    /// Points with no neighbour, which a path alone would not show.
    dots: Vec<(f64, f64)>,
    stubs: Vec<f64>,
    last: Option<(f64, f64, String)>,
}

/// Lines of one or more series over `x_labels` (such as months "2026-03"),
/// from 0 on the y axis, the last value of each series labelled. `compact`
/// draws a small multiple: shorter, with only the first and last x labels.
#[component]
pub fn LineChart(
    title: String,
    x_labels: Vec<String>,
    series: Vec<Series>,
    compact: bool,
) -> impl IntoView {
    let count = x_labels.len();
    let cells = |line: &Series| line.values.iter().take(count).copied().collect::<Vec<_>>();
    if count == 0
        || no_data(
            series
                .iter()
                .flat_map(|line| line.values.iter().take(count)),
        )
    {
        return Either::Left(view! { <NoData title /> });
    }
    let (width, font, height) = if compact {
        (COMPACT_WIDTH, COMPACT_FONT, 130.0)
    } else {
        (WIDTH, FONT, 220.0)
    };
    let max = series.iter().flat_map(cells).flatten().max().unwrap_or(0);
    let ticks = nice_ticks(max);
    let top_tick = ticks.last().copied().unwrap_or(1).max(1);
    let last_texts: Vec<Option<(usize, String)>> = series
        .iter()
        .map(|line| {
            let values = cells(line);
            values
                .len()
                .checked_sub(1)
                .map(|i| (i, value_text(values[i])))
        })
        .collect();
    let right_room = last_texts
        .iter()
        .flatten()
        .map(|(_, text)| text_width(text, font))
        .fold(0.0, f64::max)
        + GAP
        + PAD;
    let left = if compact {
        PAD
    } else {
        ticks
            .iter()
            .map(|&tick| text_width(&number_id(tick), font))
            .fold(0.0, f64::max)
            + GAP
    };
    let right = width - right_room;
    let plot_top = font;
    let bottom = height - font - 2.0 * PAD;
    let plot_height = bottom - plot_top;
    let x_at = |i: usize| {
        if count == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * i as f64 / (count - 1) as f64
        }
    };
    let y_at = |value: u64| bottom - scale(value, top_tick, plot_height);

    let lines: Vec<LineLayout> = series
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let values = cells(line);
            let mut path = String::new();
            let mut dots = Vec::new();
            let mut stubs = Vec::new();
            for (i, value) in values.iter().enumerate() {
                match value {
                    Some(value) => {
                        let (x, y) = (x_at(i), y_at(*value));
                        let joined = i > 0 && matches!(values.get(i - 1), Some(Some(_)));
                        path.push_str(&format!(
                            "{}{},{} ",
                            if joined { "L" } else { "M" },
                            num(x),
                            num(y)
                        ));
                        let next = matches!(values.get(i + 1), Some(Some(_)));
                        if !joined && !next {
                            dots.push((x, y));
                        }
                    }
                    None => stubs.push(x_at(i)),
                }
            }
            let last = last_texts[index].clone().map(|(i, text)| {
                let y = values[i].map_or(bottom - 3.0, y_at);
                (x_at(i), y, text)
            });
            LineLayout {
                index,
                path: path.trim_end().to_string(),
                dots,
                stubs,
                last,
            }
        })
        .collect();
    let label_ys = spread_labels(
        &lines
            .iter()
            .map(|line| line.last.as_ref().map_or(bottom, |(_, y, _)| *y))
            .collect::<Vec<_>>(),
        font * 1.05,
        plot_top,
        bottom,
    );

    let aria = format!(
        "{title}. {}.",
        series
            .iter()
            .map(|line| {
                let points = x_labels
                    .iter()
                    .zip(line.values.iter())
                    .map(|(x, value)| format!("{x} {}", spoken_value(*value)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{}: {points}", line.name)
            })
            .collect::<Vec<_>>()
            .join(". ")
    );
    let suppressed = series.iter().flat_map(cells).any(|value| value.is_none());
    let mut head = vec![tr("Periode", "Period").to_string()];
    head.extend(series.iter().map(|line| line.name.clone()));
    let table_rows = x_labels
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mut row = vec![x.clone()];
            row.extend(series.iter().map(|line| {
                line.values
                    .get(i)
                    .map_or_else(|| "–".to_string(), |v| value_text(*v))
            }));
            row
        })
        .collect();
    let x_shown: Vec<usize> = if compact {
        if count == 1 {
            vec![0]
        } else {
            vec![0, count - 1]
        }
    } else {
        x_label_indices(&x_labels, right - left, font)
    };
    let x_texts: Vec<(f64, &'static str, String)> = x_shown
        .into_iter()
        .map(|i| {
            let anchor = match (i, count) {
                (_, 1) => "middle",
                (0, _) if compact => "start",
                (i, n) if compact && i == n - 1 => "end",
                _ => "middle",
            };
            let label = x_labels[i].clone();
            let half = text_width(&label, font) / 2.0;
            let x = if anchor == "middle" {
                x_at(i).clamp(half, width - half)
            } else {
                x_at(i)
            };
            (x, anchor, label)
        })
        .collect();
    let grid: Vec<(f64, Option<String>)> = ticks
        .iter()
        .map(|&tick| (y_at(tick), (!compact).then(|| number_id(tick))))
        .collect();
    let stroke = if compact { "1.75" } else { "2" };
    let names: Vec<String> = series.iter().map(|line| line.name.clone()).collect();
    let legend = (names.len() > 1 || suppressed)
        .then(|| view! { <Legend names lines=true stub=suppressed /> });

    Either::Right(view! {
        <figure class=FIGURE data-chart="line">
            <figcaption class=CAPTION>{title.clone()}</figcaption>
            <svg
                class=if compact { COMPACT_SVG_CLASS } else { SVG_CLASS }
                width="100%"
                viewBox=format!("0 0 {} {}", num(width), num(height))
                role="img"
                aria-label=aria
                font-size=num(font)
            >
                <title>{title.clone()}</title>
                {grid
                    .into_iter()
                    .map(|(y, label)| {
                        let is_base = y >= bottom - 0.001;
                        view! {
                            <line
                                x1=num(left) x2=num(right) y1=num(y) y2=num(y)
                                stroke=if is_base { AXIS } else { GRID }
                                stroke-width="1"
                            />
                            {label.map(|text| view! {
                                <text x=num(left - GAP) y=num(y + font * BASELINE) fill=INK_MUTED text-anchor="end">
                                    {text}
                                </text>
                            })}
                        }
                    })
                    .collect_view()}
                {x_texts
                    .into_iter()
                    .map(|(x, anchor, label)| view! {
                        <text x=num(x) y=num(height - PAD) fill=INK_MUTED text-anchor=anchor>{label}</text>
                    })
                    .collect_view()}
                {lines
                    .into_iter()
                    .zip(label_ys)
                    .map(|(line, label_y)| {
                        let paint = colour(line.index);
                        view! {
                            <g>
                                {line.stubs.into_iter().map(|x| view! {
                                    <rect x=num(x - 1.5) y=num(bottom - 6.0) width="3" height="6" fill=STUB />
                                }).collect_view()}
                                <path
                                    d=line.path
                                    fill="none"
                                    stroke=paint
                                    stroke-width=stroke
                                    stroke-linejoin="round"
                                    stroke-linecap="round"
                                    stroke-dasharray=dash(line.index)
                                />
                                {line.dots.into_iter().map(|(x, y)| view! {
                                    <circle cx=num(x) cy=num(y) r="2.5" fill=paint />
                                }).collect_view()}
                                {line.last.map(|(x, y, text)| view! {
                                    <circle cx=num(x) cy=num(y) r="3" fill=paint stroke=WHITE stroke-width="1" />
                                    <text x=num(x + GAP) y=num(label_y + font * BASELINE) fill=INK>{text}</text>
                                })}
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
            {legend}
            {suppressed.then(|| view! { <SuppressedNote extra=None /> })}
            <DataTable title head rows=table_rows />
        </figure>
    })
}

// ---------------------------------------------------------------------------
// Donut chart
// ---------------------------------------------------------------------------

/// One slice as drawn: the first seven of many, then the rest folded together.
struct Slice {
    label: String,
    /// The known count (the folded slice: the sum of its known counts).
    value: Option<u64>,
    /// The count as shown: "<5", or for the folded slice "≥ n" when it holds
    /// suppressed cells.
    text: String,
    colour: &'static str,
}

/// Keeps at most [`DONUT_MAX_SLICES`] slices, folding the rest into one
/// "other" slice of their known values.
fn fold_slices(slices: &[Bar], other: &str) -> Vec<Slice> {
    let keep = if slices.len() > DONUT_MAX_SLICES {
        DONUT_MAX_SLICES - 1
    } else {
        slices.len()
    };
    let mut shown: Vec<Slice> = slices
        .iter()
        .take(keep)
        .enumerate()
        .map(|(index, slice)| Slice {
            label: slice.label.clone(),
            value: slice.value,
            text: value_text(slice.value),
            colour: if slice.value.is_some() {
                colour(index)
            } else {
                STUB
            },
        })
        .collect();
    if slices.len() > keep {
        let rest: Vec<Option<u64>> = slices[keep..].iter().map(|slice| slice.value).collect();
        let (known, suppressed) = row_sums(&rest);
        shown.push(Slice {
            label: other.to_string(),
            value: Some(known),
            text: row_total_text(known, suppressed),
            colour: colour(keep),
        });
    }
    shown
}

/// A ring of at most eight slices with the total of the known values in the
/// middle, and a legend with each value and its share ("12,5%").
#[component]
pub fn DonutChart(title: String, slices: Vec<Bar>) -> impl IntoView {
    if no_data(slices.iter().map(|slice| &slice.value)) {
        return Either::Left(view! { <NoData title /> });
    }
    let shown = fold_slices(&slices, tr("Lainnya", "Other"));
    let suppressed = slices.iter().any(|slice| slice.value.is_none());
    let lower_bound = shown.iter().any(|slice| slice.text.starts_with('≥'));
    let known: Vec<u64> = shown.iter().map(|slice| slice.value.unwrap_or(0)).collect();
    let total: u64 = known.iter().fold(0u64, |sum, v| sum.saturating_add(*v));
    let shares = percent_tenths(&known);
    let share_text = |value: Option<u64>, tenths: u64| {
        if value.is_some() {
            format_percent(tenths)
        } else {
            "–".to_string()
        }
    };

    let centre = DONUT_SIZE / 2.0;
    let mut paths = Vec::new();
    let mut running: u128 = 0;
    for (slice, &value) in shown.iter().zip(&known) {
        if value == 0 || total == 0 {
            continue;
        }
        let start = running as f64 / total as f64;
        running += u128::from(value);
        let end = running as f64 / total as f64;
        paths.push((
            donut_arc_path(centre, centre, DONUT_OUTER, DONUT_INNER, start, end),
            slice.colour,
        ));
    }
    let total_text = number_id(total);
    let total_font =
        ((2.0 * DONUT_INNER - 12.0) / (total_text.chars().count() as f64 * 0.6)).clamp(FONT, 26.0);
    let caption = if suppressed {
        tr("Total tanpa <5", "Total excl. <5")
    } else {
        tr("Total", "Total")
    };

    let aria = format!(
        "{title}: {}. {} {}.",
        shown
            .iter()
            .zip(&shares)
            .map(|(slice, &tenths)| match slice.value {
                Some(_) => format!(
                    "{} {} ({})",
                    slice.label,
                    spoken_text(&slice.text),
                    format_percent(tenths)
                ),
                None => format!("{} {}", slice.label, spoken_value(None)),
            })
            .collect::<Vec<_>>()
            .join("; "),
        caption.replace("<5", tr("sel kurang dari 5", "cells under 5")),
        total_text
    );
    let all_known: Vec<u64> = slices
        .iter()
        .map(|slice| slice.value.unwrap_or(0))
        .collect();
    let table_rows = slices
        .iter()
        .zip(percent_tenths(&all_known))
        .map(|(slice, tenths)| {
            vec![
                slice.label.clone(),
                value_text(slice.value),
                share_text(slice.value, tenths),
            ]
        })
        .collect();
    let legend: Vec<(String, String, String, &'static str, bool)> = shown
        .into_iter()
        .zip(shares)
        .map(|(slice, tenths)| {
            (
                slice.label,
                slice.text,
                share_text(slice.value, tenths),
                slice.colour,
                slice.value.is_none(),
            )
        })
        .collect();

    Either::Right(view! {
        <figure class=FIGURE data-chart="donut">
            <figcaption class=CAPTION>{title.clone()}</figcaption>
            <div class="flex flex-col items-center gap-4 sm:flex-row sm:items-start">
                <div class="w-full max-w-48 shrink-0">
                    <svg
                        class=DONUT_SVG_CLASS
                        width="100%"
                        viewBox=format!("0 0 {0} {0}", num(DONUT_SIZE))
                        role="img"
                        aria-label=aria
                        font-size=num(FONT)
                    >
                        <title>{title.clone()}</title>
                        <circle
                            cx=num(centre)
                            cy=num(centre)
                            r=num((DONUT_OUTER + DONUT_INNER) / 2.0)
                            fill="none"
                            stroke=TRACK
                            stroke-width=num(DONUT_OUTER - DONUT_INNER)
                        />
                        {paths
                            .into_iter()
                            .map(|(d, fill)| view! {
                                <path d=d fill=fill fill-rule="evenodd" stroke=WHITE stroke-width="1" />
                            })
                            .collect_view()}
                        <text
                            x=num(centre)
                            y=num(centre + total_font * BASELINE - 6.0)
                            fill=INK
                            font-size=num(total_font)
                            font-weight="600"
                            text-anchor="middle"
                        >
                            {total_text}
                        </text>
                        <text x=num(centre) y=num(centre + 22.0) fill=INK_MUTED font-size="12" text-anchor="middle">
                            {caption}
                        </text>
                    </svg>
                </div>
                <ul class="w-full space-y-1 text-sm text-slate-700 sm:max-w-sm">
                    {legend
                        .into_iter()
                        .map(|(label, value, share, fill, stub)| view! {
                            <li class="flex items-baseline gap-2">
                                <svg class="h-3 w-3 shrink-0" viewBox="0 0 12 12" aria-hidden="true">
                                    <rect
                                        x=if stub { "4" } else { "0" }
                                        y="0"
                                        width=if stub { "4" } else { "12" }
                                        height="12"
                                        rx="2"
                                        fill=fill
                                    />
                                </svg>
                                <span class="min-w-0 flex-1">{label}</span>
                                <span class="tabular-nums">{value}</span>
                                <span class="w-14 text-right tabular-nums text-slate-600">{share}</span>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </div>
            {suppressed.then(|| view! {
                <SuppressedNote extra=Some(if lower_bound {
                    tr(
                        "Total dan persentase dihitung tanpa sel <5; ≥: paling sedikit.",
                        "The total and shares leave out <5 cells; ≥: at least.",
                    )
                } else {
                    tr(
                        "Total dan persentase dihitung tanpa sel <5.",
                        "The total and shares leave out <5 cells.",
                    )
                }) />
            })}
            <DataTable
                title
                head=vec![
                    tr("Kategori", "Category").to_string(),
                    tr("Jumlah", "Count").to_string(),
                    tr("Persentase", "Share").to_string(),
                ]
                rows=table_rows
            />
        </figure>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_cover_the_maximum_in_three_to_five_steps() {
        assert_eq!(nice_ticks(0), vec![0, 1, 2]);
        assert_eq!(nice_ticks(1), vec![0, 1, 2]);
        assert_eq!(nice_ticks(7), vec![0, 2, 4, 6, 8]);
        assert_eq!(nice_ticks(1234), vec![0, 500, 1000, 1500]);
        assert_eq!(
            nice_ticks(999_999),
            vec![0, 250_000, 500_000, 750_000, 1_000_000]
        );
        assert_eq!(nice_ticks(100), vec![0, 25, 50, 75, 100]);
        for max in (0..5_000).chain([u64::MAX / 3, u64::MAX]) {
            let ticks = nice_ticks(max);
            assert!((3..=5).contains(&ticks.len()), "{max}: {ticks:?}");
            assert_eq!(ticks[0], 0);
            assert!(*ticks.last().unwrap_or(&0) >= max, "{max}: {ticks:?}");
            let step = ticks[1];
            if max < u64::MAX / 2 {
                assert!(
                    ticks.windows(2).all(|w| w[1] - w[0] == step),
                    "{max}: {ticks:?}"
                );
            }
        }
    }

    #[test]
    fn scale_stays_within_its_length() {
        assert_eq!(scale(50, 100, 200.0), 100.0);
        assert_eq!(scale(5, 0, 200.0), 0.0);
        assert_eq!(scale(300, 100, 200.0), 200.0);
        assert_eq!(
            bar_length(1, 1_000_000, 200.0),
            1.0,
            "small counts stay visible"
        );
        assert_eq!(bar_length(0, 1_000_000, 200.0), 0.0);
    }

    #[test]
    fn svg_numbers_have_at_most_two_decimals() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn unit_points_match_the_library_trigonometry() {
        for step in 0..=64 {
            let fraction = f64::from(step) / 64.0;
            let (x, y) = unit_point(fraction);
            let angle = fraction * std::f64::consts::TAU;
            assert!((x - angle.sin()).abs() < 1e-12, "{fraction}");
            assert!((y + angle.cos()).abs() < 1e-12, "{fraction}");
        }
    }

    #[test]
    fn a_single_whole_slice_still_draws_a_full_ring() {
        let path = donut_arc_path(100.0, 100.0, 90.0, 60.0, 0.0, 1.0);
        assert_eq!(
            path,
            "M100,10 A90,90 0 1 1 100,190 A90,90 0 1 1 100,10 Z \
             M100,40 A60,60 0 1 0 100,160 A60,60 0 1 0 100,40 Z"
        );
        // Each arc goes somewhere: no arc whose two ends are the same point.
        assert_eq!(path.matches('A').count(), 4);
    }

    #[test]
    fn arc_paths_start_at_twelve_and_turn_clockwise() {
        assert_eq!(
            donut_arc_path(100.0, 100.0, 90.0, 60.0, 0.0, 0.25),
            "M100,10 A90,90 0 0 1 190,100 L160,100 A60,60 0 0 0 100,40 Z"
        );
        assert_eq!(
            donut_arc_path(100.0, 100.0, 90.0, 60.0, 0.25, 1.0),
            "M190,100 A90,90 0 1 1 100,10 L100,40 A60,60 0 1 0 160,100 Z",
            "three quarters take the large arc"
        );
    }

    #[test]
    fn percentages_add_up_to_a_hundred_and_read_the_indonesian_way() {
        assert_eq!(percent_tenths(&[1, 7]), vec![125, 875]);
        assert_eq!(format_percent(125), "12,5%");
        assert_eq!(format_percent(1000), "100,0%");
        assert_eq!(format_percent(0), "0,0%");
        let thirds = percent_tenths(&[1, 1, 1]);
        assert_eq!(thirds, vec![334, 333, 333]);
        assert_eq!(thirds.iter().sum::<u64>(), 1000);
        assert_eq!(percent_tenths(&[0, 0]), vec![0, 0]);
        assert_eq!(percent_tenths(&[]), Vec::<u64>::new());
        assert_eq!(percent_tenths(&[u64::MAX, u64::MAX]), vec![500, 500]);
        for values in [vec![3, 3, 3, 1], vec![1, 2, 3, 4, 5, 6, 7], vec![999, 1, 0]] {
            let shares = percent_tenths(&values);
            assert_eq!(shares.iter().sum::<u64>(), 1000, "{values:?}");
            for (value, share) in values.iter().zip(&shares) {
                if *value == 0 {
                    assert_eq!(*share, 0);
                }
            }
        }
    }

    #[test]
    fn suppressed_totals_say_they_are_a_lower_bound() {
        assert_eq!(row_sums(&[Some(10), None, Some(5), None]), (15, 2));
        assert_eq!(row_total_text(1234, 0), "1.234");
        assert_eq!(row_total_text(0, 1), "<5");
        assert_eq!(row_total_text(1234, 2), "≥ 1.236");
    }

    #[test]
    fn long_labels_are_shortened_to_fit() {
        assert_eq!(fit_label("Bogor", 100.0, 10.0), "Bogor");
        let short = fit_label("Daerah Istimewa Yogyakarta", 60.0, 10.0);
        assert_eq!(short, "Daerah Is…");
        assert!(text_width(&short, 10.0) <= 60.0);
    }

    #[test]
    fn end_labels_are_spread_apart_within_bounds() {
        assert_eq!(
            spread_labels(&[50.0, 52.0, 200.0], 13.0, 0.0, 100.0),
            vec![50.0, 63.0, 100.0]
        );
        assert_eq!(
            spread_labels(&[100.0, 100.0], 10.0, 0.0, 100.0),
            vec![90.0, 100.0]
        );
        assert_eq!(spread_labels(&[], 10.0, 0.0, 100.0), Vec::<f64>::new());
    }

    #[test]
    fn x_labels_thin_out_from_the_latest() {
        let months: Vec<String> = (1..=24).map(|m| format!("2025-{m:02}")).collect();
        let shown = x_label_indices(&months, 300.0, 13.0);
        assert_eq!(shown.last(), Some(&23));
        assert!(shown.len() <= 6, "{shown:?}");
        let few: Vec<String> = months.iter().take(3).cloned().collect();
        assert_eq!(x_label_indices(&few, 300.0, 13.0), vec![0, 1, 2]);
    }

    /// Relative luminance of `#rrggbb` (WCAG 2).
    fn luminance(hex: &str) -> f64 {
        let channel = |range: std::ops::Range<usize>| {
            let c = f64::from(u8::from_str_radix(&hex[range], 16).unwrap_or(0)) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1..3) + 0.7152 * channel(3..5) + 0.0722 * channel(5..7)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn labels_on_colours_have_enough_contrast() {
        for (fill, ink) in PALETTE.iter().zip(INK_ON_PALETTE) {
            assert!(
                contrast(fill, ink) >= 4.5,
                "{ink} on {fill}: {}",
                contrast(fill, ink)
            );
            let other = if ink == WHITE { NEAR_BLACK } else { WHITE };
            assert!(contrast(fill, ink) >= contrast(fill, other), "{fill}");
        }
        for ink in [INK, INK_MUTED, STUB] {
            assert!(contrast(ink, WHITE) >= 4.5, "{ink}");
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;
    use crate::i18n::Lang;

    /// The view's HTML without the `<!>` markers that hydration uses.
    fn render<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
        Owner::new().with(|| view().to_html()).replace("<!>", "")
    }

    fn bar(label: &str, value: Option<u64>) -> Bar {
        Bar {
            label: label.to_string(),
            value,
        }
    }

    #[test]
    fn bar_chart_shows_labels_values_and_suppressed_cells() {
        let html = render(|| {
            view! {
                <BarChart
                    title="Penerima per kecamatan".to_string()
                    bars=vec![bar("Cibinong", Some(1234)), bar("Bojong", None), bar("Citeureup", Some(87))]
                />
            }
        });
        assert!(html.contains("<svg"), "{html}");
        assert!(html.contains(r#"role="img""#));
        assert!(html.contains(r#"width="100%""#));
        assert!(html.contains("viewBox=\"0 0 360 92\""), "{html}");
        assert!(
            html.contains("<title>Penerima per kecamatan</title>"),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Penerima per kecamatan: Cibinong 1.234; Bojong kurang dari 5; Citeureup 87.\""), "{html}");
        assert!(html.contains(">Cibinong<"));
        assert!(html.contains(">1.234<"));
        assert!(
            html.contains(">&lt;5<"),
            "suppressed cell labelled <5: {html}"
        );
        assert!(html.contains(&format!("fill=\"{STUB}\"")), "grey stub");
        assert!(html.contains("<details"));
        assert!(html.contains("Lihat tabel"));
        assert!(
            html.contains("<tbody"),
            "explicit tbody, or the browser adds one and hydration breaks"
        );
        assert!(html.contains("disembunyikan untuk melindungi privasi"));
        assert!(
            !html.contains("style="),
            "the Content-Security-Policy blocks style attributes"
        );
    }

    #[test]
    fn empty_charts_say_there_is_no_data() {
        let html = render(|| view! { <BarChart title="Kosong".to_string() bars=vec![] /> });
        assert!(html.contains("Belum ada data"), "{html}");
        assert!(!html.contains("<svg"));
        let html = render(|| {
            view! { <BarChart title="Nol".to_string() bars=vec![bar("A", Some(0)), bar("B", Some(0))] /> }
        });
        assert!(html.contains("Belum ada data"));
        let html = render(|| {
            view! { <StackedBarChart title="Kosong".to_string() series=vec!["A".to_string()] rows=vec![] /> }
        });
        assert!(html.contains("Belum ada data"));
        let html = render(|| {
            view! {
                <LineChart
                    title="Kosong".to_string()
                    x_labels=vec!["2026-01".to_string()]
                    series=vec![Series { name: "A".to_string(), values: vec![Some(0)] }]
                    compact=false
                />
            }
        });
        assert!(html.contains("Belum ada data"));
        let html = render(|| view! { <DonutChart title="Kosong".to_string() slices=vec![] /> });
        assert!(html.contains("Belum ada data"));
    }

    #[test]
    fn empty_charts_speak_english_when_asked() {
        let html = render(|| {
            provide_context(Lang::En);
            view! { <DonutChart title="Empty".to_string() slices=vec![] /> }
        });
        assert!(html.contains("No data yet"), "{html}");
    }

    #[test]
    fn all_suppressed_is_not_empty() {
        let html =
            render(|| view! { <BarChart title="Kecil".to_string() bars=vec![bar("A", None)] /> });
        assert!(!html.contains("Belum ada data"));
        assert!(html.contains(">&lt;5<"));
    }

    #[test]
    fn stacked_bar_chart_labels_segments_and_bounds_totals() {
        let html = render(|| {
            view! {
                <StackedBarChart
                    title="Kasus menurut status".to_string()
                    series=vec!["Baru".to_string(), "Dirujuk".to_string(), "Selesai".to_string()]
                    rows=vec![
                        StackedRow { label: "Cibinong".to_string(), values: vec![Some(1200), Some(800), Some(34)] },
                        StackedRow { label: "Bojong".to_string(), values: vec![Some(40), None, Some(0)] },
                    ]
                />
            }
        });
        assert!(html.contains("<title>Kasus menurut status</title>"));
        assert!(html.contains("aria-label=\"Kasus menurut status: Cibinong: Baru 1.200, Dirujuk 800, Selesai 34, total 2.034; Bojong: Baru 40, Dirujuk kurang dari 5, Selesai 0, total paling sedikit 41.\""), "{html}");
        assert!(html.contains(">1.200<"), "wide segment labelled: {html}");
        assert!(html.contains(">2.034<"), "row total");
        assert!(
            html.contains(">≥ 41<"),
            "a total with a suppressed cell is a lower bound"
        );
        assert!(html.contains("≥: total paling sedikit"));
        assert!(html.contains(">Dirujuk<"), "legend");
        assert!(
            html.contains("<span>&lt;5</span>"),
            "the legend names the grey stub: {html}"
        );
        assert!(html.contains(">&lt;5<"), "table shows <5");
        assert!(
            html.contains(&format!("fill=\"{WHITE}\"")),
            "white text on the blue segment"
        );
    }

    #[test]
    fn line_chart_draws_axes_gaps_and_the_last_value() {
        let months: Vec<String> = ["2026-01", "2026-02", "2026-03", "2026-04"]
            .map(String::from)
            .to_vec();
        let series = vec![
            Series {
                name: "Rujukan".to_string(),
                values: vec![Some(900), None, Some(1100), Some(1234)],
            },
            Series {
                name: "Kasus".to_string(),
                values: vec![Some(300), Some(250), Some(400), Some(380)],
            },
        ];
        let html = render({
            let (months, series) = (months.clone(), series.clone());
            move || view! { <LineChart title="Per bulan".to_string() x_labels=months series compact=false /> }
        });
        assert!(html.contains("aria-label=\"Per bulan. Rujukan: 2026-01 900, 2026-02 kurang dari 5, 2026-03 1.100, 2026-04 1.234. Kasus: 2026-01 300, 2026-02 250, 2026-03 400, 2026-04 380.\""), "{html}");
        for tick in [">0<", ">500<", ">1.000<", ">1.500<"] {
            assert!(html.contains(tick), "y tick {tick}: {html}");
        }
        assert!(html.contains(">2026-01<") && html.contains(">2026-04<"));
        assert!(html.contains(">1.234<"), "last value labelled");
        assert!(html.contains(">380<"));
        assert_eq!(html.matches("<path").count(), 2);
        assert!(html.contains(r#"d="M"#));
        assert!(
            html.contains(" M"),
            "the suppressed month breaks the line: {html}"
        );
        assert!(html.contains(">Kasus<"), "legend");
        assert!(
            html.contains("<td class=\"px-3 py-2 text-right align-top tabular-nums\">&lt;5</td>"),
            "{html}"
        );

        let html = render(move || {
            view! { <LineChart title="Kecil".to_string() x_labels=months series compact=true /> }
        });
        assert!(html.contains("viewBox=\"0 0 280 130\""), "{html}");
        let chart = html.split("</svg>").next().unwrap_or_default();
        assert!(chart.contains(">2026-01<") && chart.contains(">2026-04<"));
        assert!(
            !chart.contains(">2026-02<"),
            "compact: only the first and last x labels, {chart}"
        );
        assert!(!chart.contains(">1.500<"), "compact: no y labels");
        assert!(
            chart.contains(">1.234<"),
            "compact: the last value is still labelled"
        );
    }

    #[test]
    fn donut_chart_shows_total_and_shares() {
        let html = render(|| {
            view! {
                <DonutChart
                    title="Jenis layanan".to_string()
                    slices=vec![bar("Kesehatan", Some(1000)), bar("Pendidikan", Some(7000)), bar("Lain", None)]
                />
            }
        });
        assert!(html.contains("<title>Jenis layanan</title>"));
        assert!(
            html.contains(">8.000<"),
            "centre total of the known values: {html}"
        );
        assert!(
            html.contains("Total tanpa &lt;5"),
            "says the total leaves suppressed cells out"
        );
        assert!(
            html.contains(">12,5%<") && html.contains(">87,5%<"),
            "{html}"
        );
        assert!(html.contains(">&lt;5<"));
        assert!(html.contains("aria-label=\"Jenis layanan: Kesehatan 1.000 (12,5%); Pendidikan 7.000 (87,5%); Lain kurang dari 5."), "{html}");
        assert_eq!(html.matches("<path").count(), 2);

        let html = render(
            || view! { <DonutChart title="Satu".to_string() slices=vec![bar("Semua", Some(5))] /> },
        );
        assert!(
            html.contains("A94,94 0 1 1 100,194"),
            "a single slice is a full ring: {html}"
        );
        assert!(html.contains(">100,0%<"));
    }

    #[test]
    fn donut_chart_folds_many_slices() {
        let slices: Vec<Bar> = (1..=10).map(|i| bar(&format!("S{i}"), Some(i))).collect();
        let html = render(move || view! { <DonutChart title="Banyak".to_string() slices /> });
        assert!(html.contains(">Lainnya<"), "{html}");
        assert_eq!(html.matches("<path").count(), 8);
        assert!(html.contains(">55<"), "total");
        assert!(html.contains(">S10<"), "the table keeps every slice");

        let mut slices: Vec<Bar> = (1..=8)
            .map(|i| bar(&format!("S{i}"), Some(i * 10)))
            .collect();
        slices.push(bar("S9", None));
        let html = render(move || view! { <DonutChart title="Banyak".to_string() slices /> });
        assert!(
            html.contains(">≥ 81<"),
            "the folded slice holds 80 and a suppressed cell: {html}"
        );
        assert!(html.contains("≥: paling sedikit"));
    }
}
