//! The differencing attacks on the published dashboards: an attacker who
//! knows how the figures add up (a total and its parts in each table, the
//! headline figures against the tables, a parent against its children, a
//! share and its whole) works out every count shown as "<5" that a relation
//! leaves alone, and chains what it found into the next relation.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use server::entities::area_stats;
use server::services::dashboards;
use shared::contract::{Actor, Services};
use shared::dashboard::{AreaDashboard, Cell, Count, Figures, Indicators};

/// (area, quantity).
type Name = (String, String);

/// What was printed, what it means, and how the quantities relate.
#[derive(Default)]
pub struct Reading {
    /// Printed numbers (`None`: "<5").
    pub printed: BTreeMap<Name, Cell>,
    /// The true counts, for scoring (never used by the attacker).
    pub truth: BTreeMap<Name, u64>,
    /// `total = Σ parts`.
    sums: Vec<(Name, Vec<Name>)>,
    /// `part ≈ per mille × whole / 1000`.
    shares: Vec<(Name, Name, u32)>,
}

fn name(area: &str, quantity: &str) -> Name {
    (area.to_string(), quantity.to_string())
}

fn headline(i: &Indicators) -> [(&'static str, Cell); 15] {
    [
        ("households", i.households),
        ("people", i.people),
        ("in_registry", i.households_in_registry),
        ("poor", i.poor_households),
        ("cases", i.cases),
        ("open", i.open_cases),
        ("overdue", i.overdue_cases),
        ("resolved", i.resolved_cases),
        ("complaints", i.complaints),
        ("referrals", i.referrals),
        ("referrals_done", i.referrals_completed),
        ("proposals", i.proposals),
        ("gap_poor", i.gap_poor_no_programme),
        ("gap_health", i.gap_health_insurance),
        ("gap_edu", i.gap_education_aid),
    ]
}

fn exact(f: &Figures) -> [(&'static str, u64); 16] {
    [
        ("households", f.households.n),
        ("people", f.people.n),
        ("in_registry", f.households_in_registry.n),
        ("poor", f.poor_households.n),
        ("cases", f.cases.n),
        ("open", f.open_cases.n),
        ("overdue", f.overdue_cases.n),
        ("resolved", f.resolved_cases.n),
        ("complaints", f.complaints.n),
        ("referrals", f.referrals.n),
        ("referrals_done", f.referrals_completed.n),
        ("proposals", f.proposals.n),
        ("gap_poor", f.gap_poor_no_programme.n),
        ("gap_health", f.gap_health_insurance.n),
        ("gap_edu", f.gap_education_aid.n),
        ("closed", f.closed_cases.n),
    ]
}

impl Reading {
    fn print(&mut self, area: &str, quantity: &str, cell: Cell) {
        self.printed.insert(name(area, quantity), cell);
    }

    fn table(&mut self, area: &str, prefix: &str, total: &str, counts: &[Count]) {
        let parts: Vec<Name> = counts
            .iter()
            .map(|c| name(area, &format!("{prefix}:{}", c.key)))
            .collect();
        for (count, part) in counts.iter().zip(&parts) {
            self.print(area, &part.1, count.value);
        }
        self.sums.push((name(area, total), parts));
    }

    /// Reads one area's dashboard as its viewer sees it, and the truth behind it.
    pub async fn area(
        &mut self,
        db: &DatabaseConnection,
        services: &Services,
        viewer: &Actor,
        area: &str,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let board: AreaDashboard = services.dashboards.area(viewer, area).await?;
        for (quantity, cell) in headline(&board.indicators) {
            self.print(area, quantity, cell);
        }
        let desils = |prefix: &str| -> Vec<Name> {
            (1..=10)
                .map(|d| name(area, &format!("{prefix}:{d}")))
                .collect()
        };
        self.table(area, "hh", "households", &board.households_by_desil);
        self.table(area, "people", "people", &board.people_by_desil);
        self.table(area, "case", "cases", &board.cases_by_state);
        self.table(area, "sector", "complaints", &board.complaints_by_sector);
        self.table(area, "type", "complaints", &board.complaints_by_type);
        self.table(area, "referral", "referrals", &board.referral_states);
        self.table(area, "proposal", "proposals", &board.proposals_by_stage);
        self.table(area, "proposal_kind", "proposals", &board.proposals_by_kind);
        self.sums.push((name(area, "in_registry"), desils("hh")));
        self.sums.push((
            name(area, "poor"),
            vec![name(area, "hh:1"), name(area, "hh:2")],
        ));
        self.sums
            .push((name(area, "resolved"), vec![name(area, "case:resolved")]));
        self.sums.push((
            name(area, "referrals_done"),
            vec![name(area, "referral:completed")],
        ));
        self.sums.push((
            name(area, "cases"),
            vec![
                name(area, "open"),
                name(area, "case:resolved"),
                name(area, "case:closed"),
            ],
        ));
        if let Some(share) = board.indicators.registry_coverage_per_mille {
            self.shares
                .push((name(area, "in_registry"), name(area, "households"), share));
        }
        // A parent is the sum of its children, figure by figure.
        if !board.children.is_empty() {
            for (i, (quantity, _)) in headline(&board.indicators).iter().enumerate() {
                let mut parts = Vec::new();
                for row in &board.children {
                    let child = &row.area.code;
                    self.print(child, quantity, headline(&row.indicators)[i].1);
                    parts.push(name(child, quantity));
                }
                self.sums.push((name(area, quantity), parts));
            }
        }
        // The truth, from the counters.
        let today = board.today;
        for (quantity, n) in exact(&dashboards::figures(db, area, today).await?) {
            self.truth.insert(name(area, quantity), n);
        }
        for row in area_stats::Entity::find()
            .filter(area_stats::Column::AreaCode.eq(area))
            .all(db)
            .await?
        {
            let value = u64::try_from(row.value).unwrap_or(0);
            let keys = match row.metric.as_str() {
                "hh" => vec![format!("hh:{}", row.k1)],
                "people" => vec![format!("people:{}", row.k1)],
                "case" => vec![format!("case:{}", row.k1)],
                "complaint" => vec![format!("sector:{}", row.k1), format!("type:{}", row.k2)],
                "referral" => vec![format!("referral:{}", row.k2)],
                "proposal" => vec![format!("proposal:{}", row.k1)],
                "proposal_kind" => vec![format!("proposal_kind:{}", row.k1)],
                _ => vec![],
            };
            for key in keys {
                *self.truth.entry(name(area, &key)).or_default() += value;
            }
        }
        Ok(())
    }

    /// The hidden quantities (printed as "<5" somewhere).
    pub fn hidden(&self) -> BTreeSet<Name> {
        self.printed
            .iter()
            .filter(|(_, c)| c.is_none())
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The same printing, but every printed number exact: what publishing
    /// with "<5" alone, without noise, would have shown.
    pub fn without_noise(&self) -> Reading {
        Reading {
            printed: self
                .printed
                .iter()
                .map(|(n, c)| {
                    let exact = self.truth.get(n).copied().unwrap_or(0);
                    (n.clone(), c.map(|_| exact))
                })
                .collect(),
            truth: self.truth.clone(),
            sums: self.sums.clone(),
            shares: self.shares.clone(),
        }
    }

    /// Works out what the relations give, chaining until nothing more comes:
    /// each hidden quantity's estimate (the first relation that gave it).
    pub fn attack(&self) -> BTreeMap<Name, i64> {
        let mut known: BTreeMap<Name, i64> = self
            .printed
            .iter()
            .filter_map(|(n, c)| c.map(|v| (n.clone(), v as i64)))
            .collect();
        let mut found: BTreeMap<Name, i64> = BTreeMap::new();
        for (part, whole, share) in &self.shares {
            if let Some(whole) = known.get(whole).copied()
                && !known.contains_key(part)
            {
                let estimate = (i64::from(*share) * whole + 500) / 1000;
                found.insert(part.clone(), estimate);
                known.insert(part.clone(), estimate);
            }
        }
        loop {
            let mut progress = false;
            for (total, parts) in &self.sums {
                let members: Vec<&Name> = std::iter::once(total).chain(parts).collect();
                let unknown: Vec<&&Name> = members
                    .iter()
                    .filter(|n| !known.contains_key(**n))
                    .collect();
                if unknown.len() != 1 {
                    continue;
                }
                let missing = (**unknown[0]).clone();
                let sum_parts: i64 = parts.iter().filter_map(|p| known.get(p)).sum();
                let estimate = if &missing == total {
                    sum_parts
                } else {
                    known.get(total).copied().unwrap_or(0) - sum_parts
                };
                found.insert(missing.clone(), estimate);
                known.insert(missing, estimate);
                progress = true;
            }
            if !progress {
                return found;
            }
        }
    }

    /// Of the hidden quantities an attack reached: how many, and how many it
    /// got exactly right (an estimate below 1 taken as 1: "<5" is not zero).
    pub fn score(&self, found: &BTreeMap<Name, i64>) -> (usize, usize) {
        let hidden = self.hidden();
        let reached: Vec<(&Name, &i64)> =
            found.iter().filter(|(n, _)| hidden.contains(*n)).collect();
        let right = reached
            .iter()
            .filter(|(n, estimate)| {
                let truth = self.truth.get(*n).copied().unwrap_or(0) as i64;
                (**estimate).max(1) == truth
            })
            .count();
        (reached.len(), right)
    }

    /// The best a guess without any attack does: the most common true value
    /// of the hidden quantities the attack reached, guessed for all of them.
    pub fn best_blind_guess(&self, found: &BTreeMap<Name, i64>) -> usize {
        let hidden = self.hidden();
        let mut by_value: BTreeMap<u64, usize> = BTreeMap::new();
        for n in found.keys().filter(|n| hidden.contains(*n)) {
            *by_value
                .entry(self.truth.get(n).copied().unwrap_or(0))
                .or_default() += 1;
        }
        by_value.values().copied().max().unwrap_or(0)
    }
}
