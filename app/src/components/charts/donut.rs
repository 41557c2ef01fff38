//! The donut chart: shares of a whole, the largest slices first and the rest folded.

use leptos::either::Either;
use leptos::prelude::*;

use super::{
    BASELINE, Bar, CAPTION, DONUT_INNER, DONUT_MAX_SLICES, DONUT_OUTER, DONUT_SIZE,
    DONUT_SVG_CLASS, DataTable, FIGURE, FONT, INK, INK_MUTED, NoData, STUB, SuppressedNote, TRACK,
    WHITE, colour, donut_arc_path, format_percent, no_data, num, percent_tenths, row_sums,
    row_total_text, spoken_text, spoken_value, value_text,
};
use crate::format::number_id;
use crate::i18n::tr;

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
