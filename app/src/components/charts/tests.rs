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
