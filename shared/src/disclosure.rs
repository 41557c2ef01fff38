//! Disclosure control for published counts: primary suppression of small
//! cells, complementary suppression so that no hidden cell can be worked out
//! from what is published beside it, and the attacker that checks it.
//!
//! The model is a [`Grid`]: cells (exact counts) tied by sums (`total = Σ
//! parts`). A cell is *shown* (it is printed somewhere: a dashboard, a
//! table, a CSV or XLSX export, or behind a printed share) or *derived* (never
//! printed, but fixed by the others, e.g. households outside the registry =
//! households − households in the registry). The guarantee, checked by
//! [`Grid::protect`] with [`attack`] and tested against brute force:
//!
//! - a shown count of 1 to 4 ([`crate::dashboard::SMALL_CELL`]) is hidden;
//! - no hidden shown cell, and no derived cell of 1 to 4, can be pinned to a
//!   single value by a reader who knows every published cell and every sum,
//!   combines the sums in any linear way (exact elimination) and uses the
//!   bounds they imply (a hidden cell is at least 1, since zeros are shown;
//!   with [`Grid::class_aware`] the reader is also granted which hidden cells
//!   are small, i.e. at most 4: a reader who takes every "<5" at its word;
//!   the dashboards do not use it, as in the smallest areas no pattern of
//!   hidden non-zero cells withstands that reader: two villages of 2 + 2
//!   poor households, each 1 + 1 by desil, under a sub-district's "<5");
//! - shares are printed only when their part and whole are both shown, so
//!   they say nothing the counts do not (see [`areas`]).
//!
//! Complements are chosen by cost, greedily, not optimally: every shown cell
//! has a *tier* (set by the caller with [`Grid::set_tier`]; lower is cheaper
//! to hide, e.g. an inner cell of a table below its totals, a small child area
//! below its parent), and while some cell can be pinned, the cheapest shown,
//! non-zero, still-free cell of a sum it is in, by tier and then by value, is
//! hidden too (or, when the sums it is in have none, of a sum reached through
//! hidden cells, then through any cell), one pinned cell per sum and round,
//! until the attacker pins nothing. A total is thus hidden only when it is
//! small itself or no cheaper cell of its sums is left. Cells decided earlier
//! (another dashboard's level) are *fixed*: they take part in the sums but are
//! never flipped.
//!
//! What the attacker does not try: integer reasoning beyond bounds (parity,
//! divisibility), and non-linear facts the grid is not told about.

use std::collections::{BTreeMap, BTreeSet};

pub mod areas;

/// Counts from 1 to this many are small (hidden, and never to be pinned).
const SMALL_MAX: u64 = crate::dashboard::SMALL_CELL - 1;

/// What a reader knows of a cell: it lies in `lo..=hi` (`hi` `None`: no upper bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub lo: u64,
    pub hi: Option<u64>,
}

impl Range {
    /// A published value.
    pub fn exact(value: u64) -> Range {
        Range {
            lo: value,
            hi: Some(value),
        }
    }

    /// Anything from `lo` up.
    pub fn from(lo: u64) -> Range {
        Range { lo, hi: None }
    }

    /// Whether only one value is left.
    pub fn is_single(&self) -> bool {
        self.hi == Some(self.lo)
    }
}

/// `total = Σ parts`, over cell indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// A printed share: `per_mille = ⌊1000 · part / whole⌋`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub part: usize,
    pub whole: usize,
    pub per_mille: u32,
}

/// Below this a coefficient is zero (elimination in floating point on sums of ±1).
const EPS: f64 = 1e-7;

/// The attacker: narrows every cell's range with the sums (combined by exact
/// elimination, then by propagating bounds) and the shares, to a fixed point.
/// Sound: a value consistent with everything published is never excluded.
pub fn attack(ranges: &[Range], sums: &[Sum], shares: &[Share]) -> Vec<Range> {
    let mut lo: Vec<f64> = ranges.iter().map(|r| r.lo as f64).collect();
    let mut hi: Vec<f64> = ranges
        .iter()
        .map(|r| r.hi.map_or(f64::INFINITY, |h| h as f64))
        .collect();
    for _round in 0..40 {
        let before = (lo.clone(), hi.clone());
        let rows = eliminated_rows(&lo, &hi, sums);
        for _ in 0..20 {
            let inner = (lo.clone(), hi.clone());
            for (terms, constant) in &rows {
                propagate(terms, *constant, &mut lo, &mut hi);
            }
            for share in shares {
                propagate_share(share, &mut lo, &mut hi);
            }
            if (lo.clone(), hi.clone()) == inner {
                break;
            }
        }
        if (lo.clone(), hi.clone()) == before {
            break;
        }
    }
    lo.iter()
        .zip(&hi)
        .map(|(&l, &h)| Range {
            lo: l.max(0.0) as u64,
            hi: h.is_finite().then(|| h.max(0.0) as u64),
        })
        .collect()
}

/// Whether a cell's bounds leave it one value.
fn known(lo: &[f64], hi: &[f64], cell: usize) -> bool {
    hi[cell] == lo[cell]
}

/// The sums with known cells moved to the constant, brought to reduced row
/// echelon form per group of linked unknowns; the original rows are kept too
/// (bounds propagate better through short rows).
fn eliminated_rows(lo: &[f64], hi: &[f64], sums: &[Sum]) -> Vec<(Vec<(usize, f64)>, f64)> {
    let mut rows: Vec<(BTreeMap<usize, f64>, f64)> = Vec::new();
    for sum in sums {
        let mut terms: BTreeMap<usize, f64> = BTreeMap::new();
        let mut constant = 0.0;
        let signed = std::iter::once((sum.total, 1.0)).chain(sum.parts.iter().map(|&p| (p, -1.0)));
        for (cell, sign) in signed {
            if known(lo, hi, cell) {
                constant -= sign * lo[cell];
            } else {
                *terms.entry(cell).or_default() += sign;
            }
        }
        terms.retain(|_, c| c.abs() > EPS);
        if !terms.is_empty() {
            rows.push((terms, constant));
        }
    }
    // Groups of unknowns linked by some row (union-find).
    let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
    fn root(parent: &mut BTreeMap<usize, usize>, x: usize) -> usize {
        let mut r = x;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        parent.insert(x, r);
        r
    }
    for (terms, _) in &rows {
        let cells: Vec<usize> = terms.keys().copied().collect();
        for &c in &cells {
            parent.entry(c).or_insert(c);
        }
        for pair in cells.windows(2) {
            let (a, b) = (root(&mut parent, pair[0]), root(&mut parent, pair[1]));
            if a != b {
                parent.insert(a, b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, (terms, _)) in rows.iter().enumerate() {
        if let Some(&first) = terms.keys().next() {
            let r = root(&mut parent, first);
            groups.entry(r).or_default().push(i);
        }
    }
    let mut out: Vec<(Vec<(usize, f64)>, f64)> = rows
        .iter()
        .map(|(t, c)| (t.iter().map(|(&k, &v)| (k, v)).collect(), *c))
        .collect();
    for members in groups.values() {
        let columns: Vec<usize> = members
            .iter()
            .flat_map(|&i| rows[i].0.keys().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let index: BTreeMap<usize, usize> =
            columns.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let mut matrix: Vec<Vec<f64>> = members
            .iter()
            .map(|&i| {
                let mut row = vec![0.0; columns.len() + 1];
                for (cell, coef) in &rows[i].0 {
                    row[index[cell]] = *coef;
                }
                row[columns.len()] = rows[i].1;
                row
            })
            .collect();
        reduce(&mut matrix, columns.len());
        for row in matrix {
            let terms: Vec<(usize, f64)> = columns
                .iter()
                .enumerate()
                .filter(|(i, _)| row[*i].abs() > EPS)
                .map(|(i, &c)| (c, row[i]))
                .collect();
            if !terms.is_empty() {
                out.push((terms, row[columns.len()]));
            }
        }
    }
    out
}

/// Gauss–Jordan elimination with partial pivoting, in place (last column: constants).
fn reduce(matrix: &mut [Vec<f64>], columns: usize) {
    let mut pivot_row = 0;
    for col in 0..columns {
        if pivot_row >= matrix.len() {
            break;
        }
        let best = (pivot_row..matrix.len())
            .max_by(|&a, &b| matrix[a][col].abs().total_cmp(&matrix[b][col].abs()));
        let Some(best) = best else { break };
        if matrix[best][col].abs() <= EPS {
            continue;
        }
        matrix.swap(pivot_row, best);
        let pivot = matrix[pivot_row][col];
        for value in matrix[pivot_row].iter_mut() {
            *value /= pivot;
        }
        let pivot_values = matrix[pivot_row].clone();
        for (r, row) in matrix.iter_mut().enumerate() {
            if r == pivot_row {
                continue;
            }
            let factor = row[col];
            if factor.abs() > EPS {
                for (value, p) in row.iter_mut().zip(&pivot_values) {
                    *value -= factor * p;
                }
            }
        }
        pivot_row += 1;
    }
}

/// Narrows bounds with one row `Σ coef · cell = constant`; integers only.
fn propagate(terms: &[(usize, f64)], constant: f64, lo: &mut [f64], hi: &mut [f64]) {
    for (k, &(cell, coef)) in terms.iter().enumerate() {
        let (mut least, mut most) = (0.0, 0.0);
        for (j, &(other, c)) in terms.iter().enumerate() {
            if j == k {
                continue;
            }
            let (a, b) = (c * lo[other], c * hi[other]);
            let (a, b) = if a.is_nan() || b.is_nan() {
                (f64::NEG_INFINITY, f64::INFINITY)
            } else {
                (a.min(b), a.max(b))
            };
            least += a;
            most += b;
        }
        let (from, to) = (constant - most, constant - least);
        let (new_lo, new_hi) = if coef > 0.0 {
            (from / coef, to / coef)
        } else {
            (to / coef, from / coef)
        };
        tighten(cell, new_lo, new_hi, lo, hi);
    }
}

fn tighten(cell: usize, new_lo: f64, new_hi: f64, lo: &mut [f64], hi: &mut [f64]) {
    if !new_lo.is_nan() {
        let rounded = (new_lo - EPS * 100.0).ceil();
        if rounded > lo[cell] && rounded <= hi[cell] {
            lo[cell] = rounded;
        }
    }
    if !new_hi.is_nan() && new_hi.is_finite() {
        let rounded = (new_hi + EPS * 100.0).floor();
        if rounded < hi[cell] && rounded >= lo[cell] {
            hi[cell] = rounded;
        }
    }
}

/// `1000 · part ≥ p · whole` and `1000 · part ≤ (p + 1) · whole − 1`.
fn propagate_share(share: &Share, lo: &mut [f64], hi: &mut [f64]) {
    let p = f64::from(share.per_mille);
    let (part, whole) = (share.part, share.whole);
    let part_lo = p * lo[whole] / 1000.0;
    let part_hi = ((p + 1.0) * hi[whole] - 1.0) / 1000.0;
    tighten(part, part_lo, part_hi, lo, hi);
    let whole_hi = if p > 0.0 {
        1000.0 * hi[part] / p
    } else {
        f64::INFINITY
    };
    let whole_lo = (1000.0 * lo[part] + 1.0) / (p + 1.0);
    tighten(whole, whole_lo, whole_hi, lo, hi);
}

/// One cell of a [`Grid`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct GridCell {
    value: u64,
    /// Printed somewhere (else derived: fixed by the sums, never printed).
    shown: bool,
    hidden: bool,
    /// Decided elsewhere: never flipped here.
    fixed: bool,
    /// What hiding it costs (lower is taken first as a complement).
    tier: u32,
}

/// Cells and the sums between them; see the module's documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    cells: Vec<GridCell>,
    sums: Vec<Sum>,
    /// Cells that stayed pinnable because no complement could be found.
    unprotected: BTreeSet<usize>,
    /// Whether the attacker is told which hidden cells are small (1 to 4).
    class_aware: bool,
    /// Cells that, hidden, would be given away at once by a sum whose other
    /// cells are all published and can never be hidden (fixed or zero): no
    /// use as complements (refreshed every round of [`Grid::protect`]).
    hopeless: BTreeSet<usize>,
}

impl Grid {
    /// A grid whose attacker is told which hidden cells are small (at most
    /// 4), as a reader who takes every "<5" at its word would assume.
    pub fn class_aware() -> Grid {
        Grid {
            class_aware: true,
            ..Grid::default()
        }
    }

    /// A shown count, to be decided here.
    pub fn shown(&mut self, value: u64) -> usize {
        self.push(value, true, false, false)
    }

    /// A shown count decided elsewhere (`hidden` or published).
    pub fn decided(&mut self, value: u64, hidden: bool) -> usize {
        self.push(value, true, hidden, true)
    }

    /// A count that is never printed but follows from the sums.
    pub fn derived(&mut self, value: u64) -> usize {
        self.push(value, false, true, true)
    }

    fn push(&mut self, value: u64, shown: bool, hidden: bool, fixed: bool) -> usize {
        self.cells.push(GridCell {
            value,
            shown,
            hidden,
            fixed,
            tier: 0,
        });
        self.cells.len() - 1
    }

    /// Sets what hiding a cell costs as a complement (0 unless set; lower goes first).
    pub fn set_tier(&mut self, cell: usize, tier: u32) {
        if let Some(c) = self.cells.get_mut(cell) {
            c.tier = tier;
        }
    }

    /// States `total = Σ parts`.
    pub fn sum(&mut self, total: usize, parts: Vec<usize>) {
        self.sums.push(Sum { total, parts });
    }

    /// The value of a cell.
    pub fn value(&self, cell: usize) -> u64 {
        self.cells.get(cell).map_or(0, |c| c.value)
    }

    /// Whether a shown cell is hidden (after [`Grid::protect`]).
    pub fn is_hidden(&self, cell: usize) -> bool {
        self.cells.get(cell).is_none_or(|c| c.hidden)
    }

    /// The published value of a cell: `None` when hidden.
    pub fn published(&self, cell: usize) -> Option<u64> {
        (!self.is_hidden(cell)).then(|| self.value(cell))
    }

    /// Cells left pinnable (none, unless the sums leave no complement to take).
    pub fn unprotected(&self) -> &BTreeSet<usize> {
        &self.unprotected
    }

    /// What the strongest reader knows of each cell (see the module's documentation).
    fn knowledge(&self) -> Vec<Range> {
        self.cells
            .iter()
            .map(|c| match (c.shown, c.hidden) {
                (true, false) => Range::exact(c.value),
                (true, true) if self.class_aware && c.value <= SMALL_MAX => Range {
                    lo: 1,
                    hi: Some(SMALL_MAX),
                },
                (true, true) => Range::from(1),
                (false, _) => Range::from(0),
            })
            .collect()
    }

    /// Cells that must not be pinned: hidden shown cells, small derived ones.
    fn guarded(&self, cell: usize) -> bool {
        let c = &self.cells[cell];
        c.hidden && (c.shown || (1..=SMALL_MAX).contains(&c.value))
    }

    /// The cells the attacker pins that it must not.
    pub fn pinned(&self) -> Vec<usize> {
        attack(&self.knowledge(), &self.sums, &[])
            .iter()
            .enumerate()
            .filter(|(cell, range)| range.is_single() && self.guarded(*cell))
            .map(|(cell, _)| cell)
            .collect()
    }

    /// Primary suppression, then complements until nothing can be pinned.
    pub fn protect(&mut self) {
        for cell in &mut self.cells {
            if cell.shown && !cell.fixed && (1..=SMALL_MAX).contains(&cell.value) {
                cell.hidden = true;
            }
        }
        loop {
            let pinned: Vec<usize> = self
                .pinned()
                .into_iter()
                .filter(|c| !self.unprotected.contains(c))
                .collect();
            if pinned.is_empty() {
                return;
            }
            self.hopeless = self.hopeless_cells();
            // One complement per round for the cells of a sum: the next attack
            // tells whether the others still need one.
            let mut chosen: BTreeSet<usize> = BTreeSet::new();
            let mut served: BTreeSet<usize> = BTreeSet::new();
            for cell in pinned {
                if served.contains(&cell) {
                    continue;
                }
                match self.complement(cell) {
                    Some(other) => {
                        chosen.insert(other);
                        for sum in &self.sums {
                            let members = || std::iter::once(&sum.total).chain(&sum.parts);
                            if members().any(|&m| m == cell || m == other) {
                                served.extend(members().copied());
                            }
                        }
                    }
                    None => {
                        self.unprotected.insert(cell);
                    }
                }
            }
            for cell in chosen {
                self.cells[cell].hidden = true;
            }
        }
    }

    /// Whether a cell may be taken as a complement.
    fn candidate(&self, cell: usize) -> bool {
        let c = &self.cells[cell];
        c.shown && !c.hidden && !c.fixed && c.value > 0 && !self.hopeless.contains(&cell)
    }

    /// See [`Grid::hopeless`]: a free cell alone among published cells that
    /// stay published (fixed, or zero) in some sum.
    fn hopeless_cells(&self) -> BTreeSet<usize> {
        let stays = |m: usize| {
            let c = &self.cells[m];
            !c.hidden && (c.fixed || c.value == 0)
        };
        let mut out = BTreeSet::new();
        for sum in &self.sums {
            let members: Vec<usize> = std::iter::once(sum.total)
                .chain(sum.parts.clone())
                .collect();
            for &m in &members {
                if !self.cells[m].hidden && members.iter().all(|&o| o == m || stays(o)) {
                    out.insert(m);
                }
            }
        }
        out
    }

    /// The complement for a pinned cell: the cheapest candidate (by tier, then
    /// value) of the sums nearest to it, walking from sum to sum through hidden cells, or, when
    /// that finds none, through any cell.
    fn complement(&self, pinned: usize) -> Option<usize> {
        self.leak_candidate(pinned)
            .or_else(|| self.nearest_candidate(pinned, false))
            .or_else(|| self.nearest_candidate(pinned, true))
    }

    /// When a sum gives the pinned cell away by itself (every other member
    /// published), a complement must come from such a sum: the cheapest
    /// candidate of them by tier, then the one in most of them, then the
    /// smallest.
    fn leak_candidate(&self, pinned: usize) -> Option<usize> {
        let members = |sum: &Sum| std::iter::once(sum.total).chain(sum.parts.clone());
        let leaks: Vec<&Sum> = self
            .sums
            .iter()
            .filter(|sum| {
                members(sum).any(|m| m == pinned)
                    && members(sum).all(|m| m == pinned || !self.cells[m].hidden)
            })
            .collect();
        let mut found: BTreeMap<usize, usize> = BTreeMap::new();
        for sum in &leaks {
            for m in members(sum).filter(|&m| self.candidate(m)) {
                *found.entry(m).or_default() += 1;
            }
        }
        found
            .into_iter()
            .min_by_key(|&(c, n)| {
                (
                    self.cells[c].tier,
                    std::cmp::Reverse(n),
                    self.cells[c].value,
                    c,
                )
            })
            .map(|(c, _)| c)
    }

    /// The cheapest candidate of the nearest sums, walking through hidden
    /// cells only, or through every cell (`widely`).
    fn nearest_candidate(&self, pinned: usize, widely: bool) -> Option<usize> {
        let mut reached: BTreeSet<usize> = BTreeSet::from([pinned]);
        let mut frontier = vec![pinned];
        let mut used_sums: BTreeSet<usize> = BTreeSet::new();
        while !frontier.is_empty() {
            let mut found: Vec<usize> = Vec::new();
            let mut next = Vec::new();
            for (i, sum) in self.sums.iter().enumerate() {
                let members: Vec<usize> = std::iter::once(sum.total)
                    .chain(sum.parts.iter().copied())
                    .collect();
                if used_sums.contains(&i) || !members.iter().any(|m| frontier.contains(m)) {
                    continue;
                }
                used_sums.insert(i);
                for m in members {
                    if self.candidate(m) {
                        found.push(m);
                        if widely && reached.insert(m) {
                            next.push(m);
                        }
                    } else if (widely || self.cells[m].hidden) && reached.insert(m) {
                        next.push(m);
                    }
                }
            }
            let cost = |c: usize| (self.cells[c].tier, self.cells[c].value, c);
            if let Some(best) = found.into_iter().min_by_key(|&c| cost(c)) {
                return Some(best);
            }
            frontier = next;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every assignment of the cells (unbounded ones up to `cap`) that satisfies
    /// the sums and shares; a sum is checked as soon as its cells have values.
    fn solutions(ranges: &[Range], sums: &[Sum], shares: &[Share], cap: u64) -> Vec<Vec<u64>> {
        let last = |s: &Sum| s.parts.iter().copied().chain([s.total]).max().unwrap_or(0);
        let mut due: Vec<Vec<&Sum>> = vec![Vec::new(); ranges.len()];
        for s in sums {
            due[last(s)].push(s);
        }
        let mut out = Vec::new();
        let mut values: Vec<u64> = ranges.iter().map(|r| r.lo).collect();
        struct Walk<'a> {
            ranges: &'a [Range],
            due: &'a [Vec<&'a Sum>],
            shares: &'a [Share],
            cap: u64,
        }
        fn walk(i: usize, values: &mut Vec<u64>, w: &Walk<'_>, out: &mut Vec<Vec<u64>>) {
            if i == w.ranges.len() {
                let ok = w.shares.iter().all(|s| {
                    values[s.whole] > 0
                        && values[s.part] * 1000 / values[s.whole] == u64::from(s.per_mille)
                });
                if ok {
                    out.push(values.clone());
                }
                return;
            }
            let top = w.ranges[i].hi.unwrap_or(w.cap).min(w.cap);
            for v in w.ranges[i].lo..=top {
                values[i] = v;
                let ok = w.due[i]
                    .iter()
                    .all(|s| values[s.total] == s.parts.iter().map(|&p| values[p]).sum::<u64>());
                if ok {
                    walk(i + 1, values, w, out);
                }
            }
        }
        let w = Walk {
            ranges,
            due: &due,
            shares,
            cap,
        };
        walk(0, &mut values, &w, &mut out);
        out
    }

    #[test]
    fn a_total_minus_its_parts_is_found() {
        // 12 = a + 7 → a = 5; nested sums: 20 = x + y + z, 13 = x + y → z = 7.
        let ranges = [Range::exact(12), Range::from(1), Range::exact(7)];
        let got = attack(
            &ranges,
            &[Sum {
                total: 0,
                parts: vec![1, 2],
            }],
            &[],
        );
        assert_eq!(got[1], Range::exact(5));
        let ranges = [
            Range::exact(20),
            Range::exact(13),
            Range::from(1),
            Range::from(1),
            Range::from(1),
        ];
        let sums = [
            Sum {
                total: 0,
                parts: vec![2, 3, 4],
            },
            Sum {
                total: 1,
                parts: vec![2, 3],
            },
        ];
        let got = attack(&ranges, &sums, &[]);
        assert_eq!(got[4], Range::exact(7));
        assert!(!got[2].is_single());
    }

    #[test]
    fn a_share_of_a_small_whole_gives_its_part() {
        // 50.0% of 6 households → 3.
        let ranges = [Range::from(1), Range::exact(6)];
        let got = attack(
            &ranges,
            &[],
            &[Share {
                part: 0,
                whole: 1,
                per_mille: 500,
            }],
        );
        assert_eq!(got[0], Range::exact(3));
    }

    #[test]
    fn two_small_cells_of_a_row_guard_each_other_unless_all_ones_or_fours() {
        let mut g = Grid::default();
        let (t, a, b, c) = (g.shown(14), g.shown(3), g.shown(2), g.shown(9));
        g.sum(t, vec![a, b, c]);
        g.protect();
        assert_eq!(
            [t, a, b, c].map(|x| g.published(x)),
            [Some(14), None, None, Some(9)]
        );
        // 1 + 1 under a shown total: the bounds pin both, a third cell goes.
        let mut g = Grid::default();
        let (t, a, b, c, d) = (g.shown(27), g.shown(1), g.shown(1), g.shown(9), g.shown(16));
        g.sum(t, vec![a, b, c, d]);
        g.protect();
        assert_eq!(
            [t, a, b, c, d].map(|x| g.published(x)),
            [Some(27), None, None, None, Some(16)]
        );
        assert!(g.pinned().is_empty());
    }

    #[test]
    fn a_derived_small_difference_hides_a_headline() {
        // Cases 20 = open 10 + resolved 7 + closed 3: closed is printed in the
        // state table; hiding it alone would leave it as 20 − 10 − 7.
        let mut g = Grid::default();
        let (cases, open, resolved, closed) = (g.shown(20), g.shown(10), g.shown(7), g.shown(3));
        g.sum(cases, vec![open, resolved, closed]);
        g.protect();
        assert_eq!(g.published(closed), None);
        assert_eq!(g.published(resolved), None, "the smallest other cell goes");
        assert!(g.pinned().is_empty());
    }

    #[test]
    fn a_cell_a_fixed_sum_would_give_away_is_no_complement() {
        // 7 = x + 0 is printed above (fixed): hiding x would not hide it.
        let mut g = Grid::default();
        let (p, x, zero) = (g.decided(7, false), g.shown(7), g.shown(0));
        g.sum(p, vec![x, zero]);
        let (r, s, w) = (g.shown(30), g.shown(3), g.shown(20));
        g.sum(r, vec![x, s, w]);
        g.protect();
        assert_eq!(
            [x, s, w, r].map(|c| g.published(c)),
            [Some(7), None, None, Some(30)]
        );
        assert!(g.pinned().is_empty() && g.unprotected().is_empty());
    }

    #[test]
    fn a_total_goes_only_when_no_inner_cell_is_left() {
        // 9 = 3 + 6 with 6 the only other part: the part goes, not the total,
        // even when the total is the cheaper by value in another sum.
        let mut g = Grid::default();
        let (t, a, b) = (g.shown(9), g.shown(3), g.shown(6));
        g.sum(t, vec![a, b]);
        let (column, c) = (g.shown(40), g.shown(31));
        g.sum(column, vec![t, c]);
        for total in [t, column] {
            g.set_tier(total, 10);
        }
        g.protect();
        assert_eq!(
            [t, a, b, column, c].map(|x| g.published(x)),
            [Some(9), None, None, Some(40), Some(31)]
        );
    }

    /// A random table: rows of parts with row totals, column totals and a grand total.
    fn table(values: &[Vec<u64>]) -> (Grid, Vec<usize>) {
        let mut g = Grid::default();
        let mut cells = Vec::new();
        let width = values.iter().map(Vec::len).max().unwrap_or(0);
        let mut rows = Vec::new();
        for row in values {
            let ids: Vec<usize> = row.iter().map(|&v| g.shown(v)).collect();
            let total = g.shown(row.iter().sum());
            g.sum(total, ids.clone());
            cells.extend(ids.iter().copied());
            cells.push(total);
            rows.push((ids, total));
        }
        let mut column_totals = Vec::new();
        for col in 0..width {
            let parts: Vec<usize> = rows
                .iter()
                .filter_map(|(ids, _)| ids.get(col).copied())
                .collect();
            let value = parts.iter().map(|&p| g.value(p)).sum();
            let total = g.shown(value);
            g.sum(total, parts);
            cells.push(total);
            column_totals.push(total);
        }
        let grand_value = rows.iter().map(|(_, t)| g.value(*t)).sum();
        let grand = g.shown(grand_value);
        g.sum(grand, rows.iter().map(|(_, t)| *t).collect());
        g.sum(grand, column_totals);
        cells.push(grand);
        (g, cells)
    }

    proptest! {
        // A fixed seed: the same 200 tables on every machine (a rare table that
        // fails would otherwise fail someone else's run by luck); change the
        // seed locally, or set PROPTEST_RNG_SEED, to explore others.
        #![proptest_config(ProptestConfig {
            cases: 200,
            rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_206),
            ..ProptestConfig::default()
        })]

        /// The attacker never excludes the truth, and whatever it pins, brute force pins too.
        #[test]
        fn the_attacker_is_sound(
            values in proptest::collection::vec(0u64..7, 2..6),
            hide in proptest::collection::vec(any::<bool>(), 6),
        ) {
            let total: u64 = values.iter().sum();
            let mut ranges = vec![Range::exact(total)];
            let mut truth = vec![total];
            for (i, &v) in values.iter().enumerate() {
                truth.push(v);
                ranges.push(if hide[i] { Range::from(0) } else { Range::exact(v) });
            }
            let sums = [Sum { total: 0, parts: (1..=values.len()).collect() }];
            let got = attack(&ranges, &sums, &[]);
            for (range, &value) in got.iter().zip(&truth) {
                prop_assert!(range.lo <= value && range.hi.is_none_or(|h| value <= h));
            }
            let all = solutions(&ranges, &sums, &[], total);
            for (cell, range) in got.iter().enumerate() {
                if range.is_single() {
                    prop_assert!(all.iter().all(|s| s[cell] == range.lo));
                }
            }
        }

        /// After protection, brute force over the hidden cells finds at least
        /// two values for each of them.
        #[test]
        fn protected_tables_keep_every_hidden_cell_open(
            values in proptest::collection::vec(proptest::collection::vec(0u64..7, 2..4), 2..4),
        ) {
            let (mut g, cells) = table(&values);
            g.protect();
            prop_assert!(g.unprotected().is_empty());
            let ranges = g.knowledge();
            let hidden: Vec<usize> = cells.iter().copied().filter(|&c| g.is_hidden(c)).collect();
            prop_assume!(hidden.len() <= 8);
            // Values up to the largest true one, and at least every small
            // count a "<5" may stand for: a cap at the largest true value
            // alone would pin a lone hidden 1 by the cap, not by the sums.
            let cap = (0..ranges.len())
                .map(|c| g.value(c))
                .max()
                .unwrap_or(0)
                .max(SMALL_MAX + 1);
            let all = solutions(&ranges, &g.sums, &[], cap);
            prop_assert!(!all.is_empty(), "the truth is a solution");
            for cell in hidden {
                let seen: BTreeSet<u64> = all.iter().map(|s| s[cell]).collect();
                prop_assert!(seen.len() >= 2, "cell {} pinned in {:?}", cell, values);
            }
        }
    }
}
