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
