//! Dashboards for district heads, planners and national monitors: an area's
//! figures with charts and its sub-areas side by side (drilling down one level
//! at a time), a comparison of provinces or districts with rankings, a tile
//! map and small multiples, and a printable one-page summary. Aggregates
//! only: counts of 1–4 show as "<5".

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::access::Action as Permission;
use shared::dashboard::{
    AreaDashboard, AreaRow, Comparison, Count, INDICATOR_COLUMNS, RESOLVE_DAYS_CAP, TableCell,
};
use shared::dto::CurrentUser;

use crate::api::{get_area_dashboard, get_comparison};
use crate::components::charts::{
    Bar, BarChart, DonutChart, LineChart, Series, StackedBarChart, StackedRow,
};
use crate::components::list::with_query;
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, INPUT, LABEL, SignedInPage, TABLE, TD, TH,
};
use crate::format::{date_id, number_id};
use crate::i18n::{Lang, lang, texts, tr};
use crate::paths;

/// Indicator columns shown in the sub-area and comparison tables on screen
/// (every column is in the downloads).
const TABLE_COLUMNS: [&str; 8] = [
    "keluarga",
    "cakupan",
    "kasus",
    "terbuka",
    "terlambat",
    "selesai",
    "median_hari",
    "tanpa_program",
];

/// A cell as people read it: `1.234`, `45,3%`, `12 hari`, `<5`.
fn shown(cell: &TableCell) -> String {
    match cell {
        TableCell::Text(text) => text.clone(),
        TableCell::Count(n) => number_id(*n),
        TableCell::PerMille(p) => format!("{},{}%", p / 10, p % 10),
        TableCell::Days(d) if *d >= RESOLVE_DAYS_CAP => format!("> {}", RESOLVE_DAYS_CAP - 1),
        TableCell::Days(d) => d.to_string(),
        TableCell::Hidden => "<5".to_string(),
    }
}

/// A cell's number for sorting and colouring (`None`: hidden or not computable).
fn numeric(cell: &TableCell) -> Option<u64> {
    match cell {
        TableCell::Count(n) => Some(*n),
        TableCell::PerMille(p) => Some(u64::from(*p)),
        TableCell::Days(d) => Some(u64::from(*d)),
        _ => None,
    }
}

fn label_of(id: &str, en: &str) -> String {
    if lang() == Lang::En { en } else { id }.to_string()
}

fn count_bars(counts: &[Count]) -> Vec<Bar> {
    counts
        .iter()
        .filter(|c| c.value != Some(0))
        .map(|c| Bar {
            label: label_of(&c.label, &c.label_en),
            value: c.value,
        })
        .collect()
}

/// The name of the level below an area, by the length of its code.
fn child_level(code: &str) -> &'static str {
    match code.len() {
        0 => tr("Provinsi", "Province"),
        2 => tr("Kabupaten/Kota", "District"),
        5 => tr("Kecamatan", "Sub-district"),
        _ => tr("Desa/Kelurahan", "Village"),
    }
}

fn english_pair() -> (&'static str, String) {
    (
        "bahasa",
        if lang() == Lang::En {
            "en".into()
        } else {
            String::new()
        },
    )
}

/// `2026-03` → `03/26`.
fn short_month(month: &str) -> String {
    match month.split_once('-') {
        Some((year, m)) => format!("{m}/{}", year.get(2..).unwrap_or(year)),
        None => month.to_string(),
    }
}

fn short_months(months: &[String]) -> Vec<String> {
    months.iter().map(|m| short_month(m)).collect()
}

/// Cases opened and resolved per month, as two lines.
fn trend_of(board: &AreaDashboard) -> Vec<Series> {
    vec![
        Series {
            name: tr("Dibuka", "Opened").to_string(),
            values: board.cases_opened_by_month.clone(),
        },
        Series {
            name: tr("Selesai", "Resolved").to_string(),
            values: board.cases_resolved_by_month.clone(),
        },
    ]
}

/// The indicator columns of [`TABLE_COLUMNS`], in that order.
fn table_columns() -> Vec<&'static shared::dashboard::IndicatorColumn> {
    TABLE_COLUMNS
        .iter()
        .filter_map(|key| INDICATOR_COLUMNS.iter().find(|c| c.0 == *key))
        .collect()
}

/// An area's dashboard (`?wilayah=`, the user's own area without it).
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Dasbor", "Dashboard") content=|user| view! { <DashboardBody user print=false /> } /> }
}

/// Loads the dashboard of the area in the address (the user's own without
/// one) and shows it whole, or as the one-page summary with `print`.
#[component]
fn DashboardBody(user: CurrentUser, print: bool) -> impl IntoView {
    let query = use_query_map();
    let own = user.area_code.clone();
    let area = move || query.read().get("wilayah").unwrap_or_else(|| own.clone());
    let board = Resource::new(area, get_area_dashboard);
    let may_compare = user.role.may(Permission::ViewAggregates) && user.area_code.len() <= 2;
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(board) if print => EitherOf3::A(view! { <PrintSummary board /> }),
                    Ok(board) => EitherOf3::B(view! { <AreaBoard board may_compare /> }),
                    Err(error) => EitherOf3::C(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AreaBoard(board: AreaDashboard, may_compare: bool) -> impl IntoView {
    let code = board.area.code.clone();
    let xlsx = with_query(
        paths::DASHBOARD_XLSX,
        &[("wilayah", code.clone()), english_pair()],
    );
    let print = with_query(paths::DASHBOARD_PRINT, &[("wilayah", code.clone())]);
    let overdue = (board.may_drill_to_records && !code.is_empty()).then(|| {
        with_query(
            paths::CASES,
            &[("wilayah", code.clone()), ("terlambat", "1".into())],
        )
    });
    let tables: Vec<(String, &'static str)> = [
        ("ringkasan", tr("ringkasan", "summary")),
        ("wilayah", tr("per wilayah", "by area")),
        ("desil", tr("desil", "deciles")),
        ("status_kasus", tr("status kasus", "case states")),
        ("sektor", tr("sektor", "sectors")),
        ("jenis", tr("jenis pengaduan", "complaint types")),
        ("rujukan", tr("rujukan", "referrals")),
        ("usulan", tr("usulan", "proposals")),
        ("tren", tr("tren bulanan", "monthly trend")),
    ]
    .into_iter()
    .map(|(key, name)| {
        (
            with_query(
                paths::DASHBOARD_CSV,
                &[
                    ("wilayah", code.clone()),
                    ("tabel", key.into()),
                    english_pair(),
                ],
            ),
            name,
        )
    })
    .collect();
    let referral_series: Vec<String> = board
        .referral_states
        .iter()
        .map(|s| label_of(&s.label, &s.label_en))
        .collect();
    let referral_rows: Vec<StackedRow> = board
        .referrals_by_programme
        .iter()
        .map(|row| StackedRow {
            label: label_of(&row.label, &row.label_en),
            values: row.values.clone(),
        })
        .collect();
    let months = short_months(&board.months);
    let trend = trend_of(&board);
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-3">
            <div>
                {board.parent.clone().map(|parent| {
                    let href = with_query(paths::DASHBOARD, &[("wilayah", parent.code.clone())]);
                    view! {
                        <a href=href class="text-sm text-teal-800 underline" data-testid="dashboard-up">
                            {format!("← {}", parent.name)}
                        </a>
                    }
                })}
                <h1 class="text-2xl font-semibold" data-testid="dashboard-title">
                    {format!("{} {}", tr("Dasbor", "Dashboard"), board.area.name)}
                </h1>
                <FiguresAsOf today=board.today />
            </div>
            <div class="flex flex-wrap gap-2 print:hidden">
                <a href=print class=BUTTON_QUIET data-testid="dashboard-print">{tr("Ringkasan cetak", "Printable summary")}</a>
                <a href=xlsx class=BUTTON_QUIET rel="external" download="" data-testid="dashboard-xlsx">{tr("Unduh XLSX", "Download XLSX")}</a>
                {may_compare.then(|| view! {
                    <a href=paths::COMPARISON class=BUTTON_QUIET data-testid="dashboard-compare">{tr("Perbandingan wilayah", "Compare areas")}</a>
                })}
                {overdue.map(|href| view! {
                    <a href=href class=BUTTON_QUIET data-testid="dashboard-overdue">{tr("Kasus terlambat", "Overdue cases")}</a>
                })}
            </div>
        </div>
        <IndicatorCards board=board.clone() />
        <div class="mt-6 grid gap-4 lg:grid-cols-2">
            <section class="rounded-xl border border-slate-200 bg-white p-4">
                <BarChart title=tr("Keluarga per desil", "Households by decile").to_string() bars=count_bars(&board.households_by_desil) />
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4">
                <LineChart title=tr("Kasus per bulan", "Cases per month").to_string() x_labels=months series=trend compact=false />
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4">
                <BarChart title=tr("Pengaduan per sektor", "Complaints by sector").to_string() bars=count_bars(&board.complaints_by_sector) />
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4">
                <DonutChart title=tr("Jenis pengaduan", "Complaint types").to_string() slices=count_bars(&board.complaints_by_type) />
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4">
                <BarChart title=tr("Kasus per status", "Cases by state").to_string() bars=count_bars(&board.cases_by_state) />
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4">
                <StackedBarChart title=tr("Rujukan per program dan status", "Referrals by programme and state").to_string() series=referral_series rows=referral_rows />
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4">
                <BarChart title=tr("Usulan registri per tahap", "Registry proposals by stage").to_string() bars=count_bars(&board.proposals_by_stage) />
            </section>
            <section class="rounded-xl border border-slate-200 bg-white p-4" data-testid="proposals-by-kind">
                <BarChart title=tr("Usulan registri per jenis", "Registry proposals by kind").to_string() bars=count_bars(&board.proposals_by_kind) />
                <p class="mt-2 text-sm" data-testid="median-days-to-send">
                    {tr("Median hari dari usulan sampai dikirim ke Kemensos: ", "Median days from proposal to sending to Kemensos: ")}
                    <span class="font-semibold">
                        {match board.median_days_to_send {
                            Some(days) if days >= shared::dashboard::SEND_DAYS_CAP => tr("setahun atau lebih", "a year or more").to_string(),
                            Some(days) => days.to_string(),
                            None => "–".to_string(),
                        }}
                    </span>
                </p>
            </section>
        </div>
        {(!board.children.is_empty()).then(|| {
            let csv = with_query(paths::DASHBOARD_CSV, &[("wilayah", code.clone()), ("tabel", "wilayah".into()), english_pair()]);
            view! {
                <section class="mt-6">
                    <div class="mb-2 flex flex-wrap items-center justify-between gap-2">
                        <h2 class="text-lg font-semibold">{format!("{} {}", tr("Per", "By"), child_level(&board.area.code).to_lowercase())}</h2>
                        <a href=csv class="text-sm text-teal-800 underline print:hidden" rel="external" download="">{tr("Unduh CSV", "Download CSV")}</a>
                    </div>
                    <AreaTable rows=board.children.clone() ranked=false drill=true />
                </section>
            }
        })}
        <section class="mt-6 text-sm print:hidden" data-testid="dashboard-downloads">
            <h2 class="mb-1 font-semibold">{tr("Unduh tabel (CSV)", "Download tables (CSV)")}</h2>
            <ul class="flex flex-wrap gap-x-4 gap-y-1">
                {tables.into_iter().map(|(href, name)| view! {
                    <li><a href=href class="text-teal-800 underline" rel="external" download="">{name}</a></li>
                }).collect_view()}
            </ul>
            <p class="mt-2 text-slate-600">
                {tr(
                    "Angka 1–4 ditampilkan sebagai <5 agar tidak ada warga yang dapat dikenali; bila hanya satu angka yang disembunyikan, angka terkecil berikutnya ikut disembunyikan.",
                    "Counts of 1–4 show as <5 so that nobody can be recognised; when only one count would be hidden, the next smallest is hidden too.",
                )}
            </p>
        </section>
    }
}

/// The headline figures as cards, in three groups.
#[component]
fn IndicatorCards(board: AreaDashboard) -> impl IntoView {
    let groups: [(&'static str, std::ops::Range<usize>); 3] = [
        (tr("Keluarga dan registri", "Households and registry"), 0..4),
        (tr("Layanan dan rujukan", "Services and referrals"), 4..14),
        (
            tr("Kesenjangan program", "Programme coverage gaps"),
            14..INDICATOR_COLUMNS.len(),
        ),
    ];
    view! {
        <div class="space-y-4" data-testid="indicator-cards">
            {groups.into_iter().map(|(title, range)| view! {
                <section>
                    <h2 class="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{title}</h2>
                    <dl class="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5">
                        {INDICATOR_COLUMNS[range].iter().map(|(key, id, en, value)| {
                            let cell = value(&board.indicators);
                            view! {
                                <div class="rounded-lg border border-slate-200 bg-white p-3" data-indicator=*key>
                                    <dt class="text-xs text-slate-600">{label_of(id, en)}</dt>
                                    <dd class="text-xl font-semibold tabular-nums">{shown(&cell)}</dd>
                                </div>
                            }
                        }).collect_view()}
                    </dl>
                </section>
            }).collect_view()}
        </div>
    }
}

/// Areas side by side; with `drill`, each name opens that area's dashboard.
#[component]
fn AreaTable(rows: Vec<AreaRow>, ranked: bool, drill: bool) -> impl IntoView {
    let columns = table_columns();
    let headers = columns.clone();
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table class=TABLE data-testid="area-table">
                <thead class="bg-slate-50">
                    <tr>
                        {ranked.then(|| view! { <th scope="col" class=TH>"#"</th> })}
                        <th scope="col" class=TH>{tr("Wilayah", "Area")}</th>
                        {headers.into_iter().map(|(_, id, en, _)| view! {
                            <th scope="col" class="px-3 py-2 text-right font-semibold text-slate-700">{label_of(id, en)}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {rows.into_iter().enumerate().map(|(index, row)| {
                        let name = row.area.name.clone();
                        let href = with_query(paths::DASHBOARD, &[("wilayah", row.area.code.clone())]);
                        let cells: Vec<String> = columns.iter().map(|(_, _, _, value)| shown(&value(&row.indicators))).collect();
                        view! {
                            <tr data-area=row.area.code.clone()>
                                {ranked.then(|| view! { <td class=TD>{index + 1}</td> })}
                                <td class=TD>
                                    {if drill {
                                        Either::Left(view! { <a href=href class="text-teal-800 underline">{name}</a> })
                                    } else {
                                        Either::Right(view! { <span>{name}</span> })
                                    }}
                                </td>
                                {cells.into_iter().map(|text| view! {
                                    <td class="px-3 py-2 text-right tabular-nums">{text}</td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Provinces or districts side by side (`?tingkat=provinsi|kabupaten&urut=<indicator>`).
#[component]
pub fn ComparisonPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Perbandingan wilayah", "Compare areas") content=|_user| view! { <ComparisonBody /> } /> }
}

#[component]
fn ComparisonBody() -> impl IntoView {
    let query = use_query_map();
    let level = move || query.read().get("tingkat").unwrap_or_default();
    let comparison = Resource::new(level, get_comparison);
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                // Tracked: ranking by another indicator re-renders without refetching.
                let order = query.read().get("urut").unwrap_or_else(|| "kasus".into());
                let all = query.read().get("semua").is_some_and(|v| v == "1");
                match comparison.await {
                    Ok(comparison) => Either::Left(view! { <ComparisonBoard comparison order all /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

/// Five classes of a sequential, colour-blind-safe blue scale, light to dark.
const CLASSES: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

/// Rows of the ranking shown before "show all".
const RANKING_ROWS: usize = 25;
/// Names of inactive areas listed before "and N more".
const INACTIVE_NAMES: usize = 30;

/// The colour class of each value: zero the lightest, positive values in four
/// quartile classes; `None` stays `None` (drawn grey).
fn colour_classes(values: &[Option<u64>]) -> Vec<Option<usize>> {
    let mut positive: Vec<u64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| *v > 0)
        .collect();
    positive.sort_unstable();
    let limits: Vec<u64> = (1..4)
        .map(|q| {
            positive
                .get(positive.len() * q / 4)
                .copied()
                .unwrap_or(u64::MAX)
        })
        .collect();
    values
        .iter()
        .map(|value| {
            value.map(|v| {
                if v == 0 {
                    0
                } else {
                    1 + limits.iter().filter(|limit| v >= **limit).count()
                }
            })
        })
        .collect()
}

#[component]
fn ComparisonBoard(comparison: Comparison, order: String, all: bool) -> impl IntoView {
    let provinces = comparison.level == shared::dashboard::CompareLevel::Province;
    let level_code = if provinces { "provinsi" } else { "kabupaten" };
    let column = INDICATOR_COLUMNS
        .iter()
        .find(|c| c.0 == order)
        .or_else(|| INDICATOR_COLUMNS.iter().find(|c| c.0 == "kasus"))
        .copied();
    let mut ranked: Vec<(AreaRow, Vec<Option<u64>>)> = comparison
        .rows
        .iter()
        .cloned()
        .zip(comparison.activity.iter().cloned())
        .collect();
    if let Some((_, _, _, value)) = column {
        // Highest first; hidden values last; ties by code.
        ranked.sort_by(|(a, _), (b, _)| {
            let (va, vb) = (
                numeric(&value(&a.indicators)),
                numeric(&value(&b.indicators)),
            );
            vb.cmp(&va).then_with(|| a.area.code.cmp(&b.area.code))
        });
    }
    let (order_key, order_id, order_en) =
        column.map_or(("kasus", "Kasus", "Cases"), |c| (c.0, c.1, c.2));
    let values: Vec<Option<u64>> = comparison
        .rows
        .iter()
        .map(|row| column.and_then(|c| numeric(&(c.3)(&row.indicators))))
        .collect();
    let classes = colour_classes(&values);
    let tiles: Vec<Tile> = comparison
        .rows
        .iter()
        .zip(values)
        .zip(classes)
        .map(|((row, value), class)| (row.area.code.clone(), row.area.name.clone(), value, class))
        .collect();
    let xlsx = with_query(
        paths::COMPARISON_XLSX,
        &[("tingkat", level_code.into()), english_pair()],
    );
    let csv = with_query(
        paths::COMPARISON_CSV,
        &[
            ("tingkat", level_code.into()),
            ("tabel", "perbandingan".into()),
            english_pair(),
        ],
    );
    let activity_csv = with_query(
        paths::COMPARISON_CSV,
        &[
            ("tingkat", level_code.into()),
            ("tabel", "aktivitas".into()),
            english_pair(),
        ],
    );
    let months = short_months(&comparison.months);
    // Only areas with a new case in the year (a hidden month counts): an
    // empty chart of an idle area said nothing.
    let multiples: Vec<(String, Vec<Option<u64>>)> = ranked
        .iter()
        .filter(|(_, activity)| activity.iter().any(|month| *month != Some(0)))
        .take(12)
        .map(|(row, activity)| (row.area.name.clone(), activity.clone()))
        .collect();
    // Areas at 0 by the chosen indicator are counted, not listed one by one
    // (hundreds of zero rows buried the ranking); "show all" lists them too.
    let is_zero =
        |row: &AreaRow| column.is_some_and(|c| numeric(&(c.3)(&row.indicators)) == Some(0));
    let total_rows = ranked.len();
    let zero_rows = if all {
        0
    } else {
        ranked.iter().filter(|(row, _)| is_zero(row)).count()
    };
    let rows: Vec<AreaRow> = ranked
        .into_iter()
        .map(|(row, _)| row)
        .filter(|row| all || !is_zero(row))
        .take(if all { usize::MAX } else { RANKING_ROWS })
        .collect();
    // Rows were left out: past the first page, or at 0.
    let show_all = (!all && rows.len() < total_rows).then(|| {
        with_query(
            paths::COMPARISON,
            &[
                ("tingkat", level_code.into()),
                ("urut", order_key.into()),
                ("semua", "1".into()),
            ],
        )
    });
    let inactive_count = comparison.inactive.len();
    let mut inactive_names: Vec<String> = comparison
        .inactive
        .iter()
        .take(INACTIVE_NAMES)
        .map(|a| a.name.clone())
        .collect();
    if inactive_count > INACTIVE_NAMES {
        inactive_names.push(format!(
            "{} {} {}",
            tr("dan", "and"),
            number_id((inactive_count - INACTIVE_NAMES) as u64),
            tr("lainnya", "more")
        ));
    }
    let groups = comparison.groups.clone();
    view! {
        <div class="mb-4 flex flex-wrap items-end justify-between gap-3">
            <div>
                <h1 class="text-2xl font-semibold" data-testid="comparison-title">
                    {format!("{} — {}", tr("Perbandingan wilayah", "Compare areas"), comparison.within.name)}
                </h1>
                <FiguresAsOf today=comparison.today />
            </div>
            <div class="flex flex-wrap gap-2">
                <a href=with_query(paths::COMPARISON, &[("tingkat", "provinsi".into()), ("urut", order_key.into())])
                    class=if provinces { BUTTON } else { BUTTON_QUIET } aria-current=provinces.then_some("page")>{tr("Provinsi", "Provinces")}</a>
                <a href=with_query(paths::COMPARISON, &[("tingkat", "kabupaten".into()), ("urut", order_key.into())])
                    class=if provinces { BUTTON_QUIET } else { BUTTON } aria-current=(!provinces).then_some("page")>{tr("Kabupaten/Kota", "Districts")}</a>
                <a href=xlsx class=BUTTON_QUIET rel="external" download="" data-testid="comparison-xlsx">{tr("Unduh XLSX", "Download XLSX")}</a>
            </div>
        </div>
        <form method="get" class="mb-4 flex flex-wrap items-end gap-2" data-testid="comparison-order">
            <input type="hidden" name="tingkat" value=level_code />
            <div>
                <label for="urut" class=LABEL>{tr("Urutkan dan warnai menurut", "Rank and colour by")}</label>
                <select id="urut" name="urut" class=INPUT>
                    {INDICATOR_COLUMNS.iter().map(|(key, id, en, _)| view! {
                        <option value=*key selected=*key == order_key>{label_of(id, en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
        </form>
        <section class="mb-6 rounded-xl border border-slate-200 bg-white p-4">
            <h2 class="mb-2 font-semibold">{format!("{}: {}", tr("Peta petak", "Tile map"), label_of(order_id, order_en))}</h2>
            <TileMap tiles groups title=label_of(order_id, order_en) />
            <p class="mt-2 text-xs text-slate-600">
                {tr("Warna makin gelap = nilai makin tinggi (0, lalu empat kelas kuartil); abu-abu = <5 atau tidak dapat dihitung. Petak diurut menurut kode wilayah; angka di petak adalah nilainya, nama lengkap muncul saat penunjuk diarahkan ke petak.",
                    "Darker = higher (0, then four quartile classes); grey = <5 or not computable. Tiles are in area-code order; the number on a tile is its value, the full name shows when pointing at it.")}
            </p>
        </section>
        <section class="mb-6">
            <div class="mb-2 flex flex-wrap items-center justify-between gap-2">
                <h2 class="text-lg font-semibold">{format!("{}: {}", tr("Peringkat", "Ranking"), label_of(order_id, order_en))}</h2>
                <a href=csv class="text-sm text-teal-800 underline" rel="external" download="">{tr("Unduh CSV", "Download CSV")}</a>
            </div>
            <AreaTable rows ranked=true drill=false />
            {(zero_rows > 0).then(|| view! {
                <p class="mt-2 text-sm text-slate-600" data-testid="ranking-zeros">
                    {format!("{} {}", number_id(zero_rows as u64), tr("wilayah lain bernilai 0 (tidak dicantumkan).", "other areas at 0 (not listed)."))}
                </p>
            })}
            {show_all.map(|href| view! {
                <a href=href class="mt-2 inline-block text-sm text-teal-800 underline" data-testid="ranking-all">
                    {format!("{} ({})", tr("Tampilkan semua", "Show all"), number_id(total_rows as u64))}
                </a>
            })}
        </section>
        <section class="mb-6">
            <div class="mb-2 flex flex-wrap items-center justify-between gap-2">
                <h2 class="text-lg font-semibold">{tr("Kasus baru per bulan (12 teratas)", "New cases per month (top 12)")}</h2>
                <a href=activity_csv class="text-sm text-teal-800 underline" rel="external" download="">{tr("Unduh CSV", "Download CSV")}</a>
            </div>
            <div class="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="small-multiples">
                {multiples.into_iter().map(|(name, values)| view! {
                    <div class="rounded-lg border border-slate-200 bg-white p-3">
                        <LineChart title=name x_labels=months.clone()
                            series=vec![Series { name: tr("Kasus baru", "New cases").to_string(), values }] compact=true />
                    </div>
                }).collect_view()}
            </div>
        </section>
        <section class="mb-6" data-testid="inactive-areas">
            <h2 class="mb-1 text-lg font-semibold">
                {format!("{} ({})", tr("Tanpa kasus baru dalam 3 bulan terakhir", "No new case in the last 3 months"), number_id(inactive_count as u64))}
            </h2>
            <p class="text-sm text-slate-700">
                {if inactive_names.is_empty() {
                    tr("Semua wilayah aktif.", "Every area is active.").to_string()
                } else {
                    inactive_names.join(", ")
                }}
            </p>
        </section>
    }
}

/// A tile: area code, name, value (`None`: hidden) and colour class.
type Tile = (String, String, Option<u64>, Option<usize>);

/// Areas as coloured tiles: one row per group (province) with its districts,
/// or, without groups, a grid of labelled tiles.
#[component]
fn TileMap(
    tiles: Vec<Tile>,
    groups: Vec<shared::dashboard::AreaRef>,
    title: String,
) -> impl IntoView {
    let fill_of = |class: Option<usize>| class.map_or("#d1d5db", |c| CLASSES[c.min(4)]);
    let ink_of = |class: Option<usize>| {
        if class.is_some_and(|c| c >= 3) {
            "#ffffff"
        } else {
            "#111111"
        }
    };
    let value_text = |value: Option<u64>| value.map_or("<5".to_string(), number_id);
    let label = format!("{} {title}", tr("Peta petak menurut", "Tile map by"));
    if groups.len() > 1 {
        const TILE: usize = 30;
        const STEP: usize = 32;
        const LEFT: usize = 150;
        let rows: Vec<(String, Vec<Tile>)> = groups
            .into_iter()
            .map(|group| {
                let prefix = format!("{}.", group.code);
                let members = tiles
                    .iter()
                    .filter(|t| t.0.starts_with(&prefix))
                    .cloned()
                    .collect();
                (group.name, members)
            })
            .collect();
        let widest = rows.iter().map(|(_, m)| m.len()).max().unwrap_or(1).max(1);
        let (width, height) = (LEFT + widest * STEP, rows.len() * STEP);
        let list = rows.clone();
        let region = label.clone();
        Either::Left(view! {
            // A wide screen gets the map, each tile with its value; a phone the same as a list.
            // Focusable, so that the keyboard can scroll it too.
            <div class="hidden overflow-x-auto sm:block" tabindex="0" role="region" aria-label=region>
                // Drawn at its own size (the values stay readable), scrolled sideways when wider.
                <svg viewBox=format!("0 0 {width} {height}") width=width height=height role="img" aria-label=label
                    class="block" data-testid="tile-map">
                    {rows.into_iter().enumerate().map(|(r, (name, members))| {
                        let y = r * STEP;
                        let short: String = if name.chars().count() > 22 {
                            name.chars().take(21).chain(['…']).collect()
                        } else {
                            name.clone()
                        };
                        view! {
                            <g>
                                <text x="0" y=y + 19 font-size="11" fill="#1e293b">{short}</text>
                                {members.into_iter().enumerate().map(|(i, (_, name, value, class))| {
                                    let x = LEFT + i * STEP;
                                    let text = value_text(value);
                                    view! {
                                        <g>
                                            <title>{format!("{name}: {text}")}</title>
                                            <rect x=x y=y width=TILE height=TILE rx="3" fill=fill_of(class) stroke="#94a3b8" stroke-width="0.5" />
                                            <text x=x + TILE / 2 y=y + 19 text-anchor="middle" font-size="9" fill=ink_of(class)>{text}</text>
                                        </g>
                                    }
                                }).collect_view()}
                            </g>
                        }
                    }).collect_view()}
                </svg>
            </div>
            <div class="sm:hidden" data-testid="tile-list">
                {list.into_iter().filter(|(_, members)| !members.is_empty()).map(|(name, members)| view! {
                    <details class="border-b border-slate-200 py-2">
                    <summary class="cursor-pointer text-sm font-semibold">{format!("{name} ({})", members.len())}</summary>
                    <ul class="mt-1 grid grid-cols-1 gap-1 text-sm">
                        {members.into_iter().map(|(_, name, value, class)| view! {
                            <li class="flex items-center gap-2">
                                // An SVG fill, not an inline style: the pages' policy allows no inline style.
                                <svg class="h-3 w-3 shrink-0" viewBox="0 0 12 12" aria-hidden="true">
                                    <rect width="12" height="12" rx="2" fill=fill_of(class) stroke="#94a3b8" />
                                </svg>
                                <span class="min-w-0 flex-1 wrap-anywhere">{name}</span>
                                <span class="tabular-nums">{value_text(value)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    </details>
                }).collect_view()}
            </div>
        })
    } else {
        const COLS: usize = 6;
        const W: usize = 56;
        const H: usize = 44;
        let rows = tiles.len().div_ceil(COLS).max(1);
        Either::Right(view! {
            <svg viewBox=format!("0 0 {} {}", COLS * W, rows * H) width="100%" role="img" aria-label=label
                class="block h-auto w-full max-w-3xl" data-testid="tile-map">
                {tiles.into_iter().enumerate().map(|(i, (code, name, value, class))| {
                    let (x, y) = ((i % COLS) * W, (i / COLS) * H);
                    let text = value_text(value);
                    let short = shared::geo::tile_label(&code, &name);
                    view! {
                        <g>
                            <title>{format!("{name}: {text}")}</title>
                            <rect x=x + 1 y=y + 1 width=W - 2 height=H - 2 rx="4" fill=fill_of(class) stroke="#94a3b8" stroke-width="0.5" />
                            <text x=x + W / 2 y=y + 18 text-anchor="middle" font-size="9" fill=ink_of(class)>{short}</text>
                            <text x=x + W / 2 y=y + 33 text-anchor="middle" font-size="11" font-weight="600" fill=ink_of(class)>{text}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        })
    }
}

/// Sub-areas listed on the one-page summary.
const SUMMARY_ROWS: usize = 10;
/// Tables of the summary: small print, so that it fits on one A4 page.
const SUMMARY_TABLE: &str = "min-w-full divide-y divide-slate-200 text-xs";

/// The one-page summary of an area, for printing on A4 (`?wilayah=`).
#[component]
pub fn DashboardPrintPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Ringkasan dasbor", "Dashboard summary") content=|user| view! { <DashboardBody user print=true /> } /> }
}

#[component]
fn PrintSummary(board: AreaDashboard) -> impl IntoView {
    let back = with_query(paths::DASHBOARD, &[("wilayah", board.area.code.clone())]);
    let months = short_months(&board.months);
    let trend = trend_of(&board);
    // One page: the sub-areas with the most households (all of them are in the workbook).
    let mut children = board.children.clone();
    children.sort_by_key(|row| std::cmp::Reverse(row.indicators.households.unwrap_or(0)));
    let listed_all = children.len() <= SUMMARY_ROWS;
    children.truncate(SUMMARY_ROWS);
    view! {
        <div class="mb-4 flex gap-2 print:hidden">
            <button type="button" class=BUTTON data-testid="print-summary" on:click=move |_| {
                let _ = window().print();
            }>{tr("Cetak", "Print")}</button>
            <a href=back class=BUTTON_QUIET>{tr("Kembali ke dasbor", "Back to the dashboard")}</a>
        </div>
        <article class="mx-auto max-w-3xl bg-white text-xs" data-testid="dashboard-summary">
            <header class="mb-3 border-b-2 border-slate-800 pb-2">
                <p class="text-xs uppercase tracking-wide text-slate-600">{tr("Sistem Layanan dan Rujukan Terpadu", "Integrated Service and Referral System")}</p>
                <h1 class="text-xl font-semibold">{format!("{} — {}", tr("Ringkasan", "Summary"), board.area.name)}</h1>
                <p class="text-xs text-slate-600">{format!("{} {}", tr("Data per", "Figures as of"), date_id(board.today))}</p>
            </header>
            <div class="grid grid-cols-2 gap-4">
                <table class=SUMMARY_TABLE>
                    <tbody class="divide-y divide-slate-100">
                        {INDICATOR_COLUMNS.iter().map(|(_, id, en, value)| view! {
                            <tr>
                                <th scope="row" class="px-2 py-0.5 text-left font-normal">{label_of(id, en)}</th>
                                <td class="px-2 py-0.5 text-right font-semibold tabular-nums">{shown(&value(&board.indicators))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="max-w-xs space-y-2">
                    <BarChart title=tr("Keluarga per desil", "Households by decile").to_string() bars=count_bars(&board.households_by_desil) />
                    <LineChart title=tr("Kasus per bulan", "Cases per month").to_string() x_labels=months series=trend compact=true />
                </div>
            </div>
            {(!children.is_empty()).then(|| view! {
                <h2 class="mb-1 mt-4 font-semibold">
                    {format!("{} {}", tr("Per", "By"), child_level(&board.area.code).to_lowercase())}
                    {(!listed_all).then(|| format!(" ({})", tr("yang terbanyak keluarganya; semuanya ada di XLSX", "with the most households; all of them are in the XLSX")))}
                </h2>
                <table class=SUMMARY_TABLE>
                    <thead>
                        <tr>
                            <th class=TH>{tr("Wilayah", "Area")}</th>
                            {table_columns().into_iter().map(|(_, id, en, _)| view! {
                                <th class="px-2 py-1 text-right font-semibold">{label_of(id, en)}</th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">
                        {children.into_iter().map(|row| view! {
                            <tr>
                                <td class="px-2 py-0.5">{row.area.name.clone()}</td>
                                {table_columns().into_iter().map(|(_, _, _, value)| view! {
                                    <td class="px-2 py-0.5 text-right tabular-nums">{shown(&value(&row.indicators))}</td>
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p class="mt-3 text-xs text-slate-600">
                {tr("Angka 1–4 ditampilkan sebagai <5. Sumber: SLRT Portal, dihitung dari catatan layanan.",
                    "Counts of 1–4 show as <5. Source: SLRT Portal, counted from the service records.")}
            </p>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_lightest_and_positive_values_fall_in_quartiles() {
        let values = [Some(0), Some(1), Some(2), Some(3), Some(4), None, Some(0)];
        assert_eq!(
            colour_classes(&values),
            vec![Some(0), Some(1), Some(2), Some(3), Some(4), None, Some(0)]
        );
        // One busy area among idle ones gets a dark tile, the idle ones the lightest.
        assert_eq!(
            colour_classes(&[Some(0), Some(184), Some(0)]),
            vec![Some(0), Some(4), Some(0)]
        );
        assert!(colour_classes(&[]).is_empty());
    }

    #[test]
    fn cells_read_the_indonesian_way() {
        assert_eq!(shown(&TableCell::Count(12345)), "12.345");
        assert_eq!(shown(&TableCell::PerMille(453)), "45,3%");
        assert_eq!(shown(&TableCell::Hidden), "<5");
        assert_eq!(shown(&TableCell::Days(RESOLVE_DAYS_CAP)), "> 90");
        assert_eq!(short_month("2026-03"), "03/26");
        assert_eq!(numeric(&TableCell::Text("–".into())), None);
        assert_eq!(child_level("32.09"), "Kecamatan");
    }
}

/// The day the figures are for, and why they may differ a little from a list.
#[component]
fn FiguresAsOf(today: chrono::NaiveDate) -> impl IntoView {
    view! {
        <p class="text-sm text-slate-600">{format!("{} {}", tr("Data per", "Figures as of"), date_id(today))}</p>
        <p class="max-w-prose text-xs text-slate-600" data-testid="figures-noise-note">
            {tr(
                "Setiap angka diberi selisih acak kecil (umumnya ±2, selalu sama untuk angka yang sama) agar warga tidak dapat dikenali dari selisih antarangka; karena itu bisa berbeda sedikit dari jumlah di daftar. 0 tetap 0.",
                "Each figure carries a small random adjustment (usually ±2, always the same for the same figure) so that residents cannot be recognised by taking figures from each other; it may differ a little from a list's count. 0 stays 0.",
            )}
        </p>
    }
}
