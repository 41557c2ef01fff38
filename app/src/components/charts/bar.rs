//! The bar chart: one labelled count per bar.

use leptos::either::Either;
use leptos::prelude::*;

use super::{
    BAR_HEIGHT, BASELINE, Bar, CAPTION, DataTable, FIGURE, FONT, GAP, INK, NoData, PAD, PALETTE,
    ROW, STUB, STUB_WIDTH, SVG_CLASS, SuppressedNote, WIDTH, bar_length, fit_label, no_data, num,
    spoken_value, text_width, value_text,
};
use crate::i18n::tr;

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
