//! The stacked bar chart: a count per series in each row, with the row's total.

use leptos::either::Either;
use leptos::prelude::*;

use super::{
    BAR_HEIGHT, BASELINE, CAPTION, DataTable, FIGURE, FONT, GAP, INK, Legend, NoData, PAD, ROW,
    STACK_STUB_WIDTH, STUB, SVG_CLASS, StackedRow, SuppressedNote, WHITE, WIDTH, bar_length,
    colour, fit_label, ink_on, no_data, num, row_sums, row_total_text, spoken_text, spoken_value,
    text_width, value_text,
};
use crate::format::number_id;
use crate::i18n::tr;

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
