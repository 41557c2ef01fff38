//! The line chart: a count per x label for each series, full-size or compact.

use leptos::either::Either;
use leptos::prelude::*;

use super::{
    AXIS, BASELINE, CAPTION, COMPACT_FONT, COMPACT_SVG_CLASS, COMPACT_WIDTH, DataTable, FIGURE,
    FONT, GAP, GRID, INK, INK_MUTED, Legend, NoData, PAD, STUB, SVG_CLASS, Series, SuppressedNote,
    WHITE, WIDTH, colour, dash, nice_ticks, no_data, num, scale, spoken_value, spread_labels,
    text_width, value_text, x_label_indices,
};
use crate::format::number_id;
use crate::i18n::tr;

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
