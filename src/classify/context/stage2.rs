//! The second stage's own columns ([`NAMES2_OWN`]): the first stage's
//! probabilities around each row, summed up front ([`Stage2`]). The training
//! script computes the same columns (`stage2_columns` in
//! `scripts/train_lines.py`): the two must agree, column for column.

use super::*;

/// The second stage's own columns, which follow [`NAMES`] in its rows: the
/// first stage's probability `p` of the line and of the lines around it.
pub const NAMES2_OWN: [&str; COLUMNS2 - COLUMNS] = [
    "p",
    "p_w1",
    "p_w2",
    "p_w5",
    "p_w10",
    "p_w25",
    "p_before3",
    "p_after3",
    "p_before10",
    "p_after10",
    "p_before30",
    "p_after30",
    "mass_before",
    "mass_after",
    "p_max",
    "p_share",
];

/// Columns of a second-stage row.
pub const COLUMNS2: usize = COLUMNS + 16;

/// The column names of a second-stage row: [`NAMES`], then [`NAMES2_OWN`].
pub static NAMES2: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| NAMES.iter().chain(&NAMES2_OWN).copied().collect());

/// What the second stage reads of the first stage's probabilities `p`
/// around each row, summed up front.
pub(in crate::classify) struct Stage2<'p> {
    pub(super) p: &'p [f32],
    /// Prefix sums of `p`.
    pub(super) c: Vec<f64>,
    /// Each row's `p` × weight, and the running sum up to and with it.
    pub(super) mass: Vec<(f64, f64)>,
    pub(super) total: f64,
    pub(super) p_max: f32,
    pub(super) p_share: f32,
}

impl<'p> Stage2<'p> {
    /// Sums up `p` for rows whose lines weigh `weight`. The training script
    /// computes the same columns (`stage2_columns` in
    /// `scripts/train_lines.py`): change both together.
    pub(in crate::classify) fn new(p: &'p [f32], weight: &[f32]) -> Self {
        let n = p.len();
        let mut c = Vec::with_capacity(n + 1);
        let mut acc = 0f64;
        c.push(0f64);
        for &x in p {
            acc += f64::from(x);
            c.push(acc);
        }
        let mut mass = Vec::with_capacity(n);
        let mut cum = 0f64;
        for (&x, &w) in p.iter().zip(weight) {
            let m = f64::from(x) * f64::from(w);
            cum += m;
            mass.push((m, cum));
        }
        let total = cum + 1e-6;
        Stage2 {
            p,
            c,
            mass,
            total,
            p_max: p.iter().copied().fold(0f32, f32::max),
            p_share: p.iter().filter(|&&x| x > 0.5).count() as f32 / n.max(1) as f32,
        }
    }

    /// Writes the second stage's own columns of row `i` into `row` (after
    /// its first [`COLUMNS`], which [`RowMaker::fill`] writes).
    pub(in crate::classify) fn fill(&self, i: usize, row: &mut Row) {
        self.fill_with(i, |c, v| row[c] = v);
    }

    /// Gives each of the second stage's own values of row `i` to `set`, with
    /// its column.
    #[inline(always)]
    pub(in crate::classify) fn fill_with(&self, i: usize, mut set: impl FnMut(usize, f32)) {
        let (p, c) = (self.p, &self.c);
        let n = p.len();
        let window = |k: usize| {
            let lo = i.saturating_sub(k);
            let hi = (i + k + 1).min(n);
            let cnt = hi - lo - 1;
            if cnt == 0 {
                0.0
            } else {
                ((c[hi] - c[lo] - f64::from(p[i])) / cnt as f64) as f32
            }
        };
        let side = |k: usize, before: bool| {
            let (lo, hi) = if before {
                (i.saturating_sub(k), i)
            } else {
                ((i + 1).min(n), (i + 1 + k).min(n))
            };
            if hi == lo {
                -1.0
            } else {
                ((c[hi] - c[lo]) / (hi - lo) as f64) as f32
            }
        };
        let (m, cum) = self.mass[i];
        let own = [
            p[i],
            window(1),
            window(2),
            window(5),
            window(10),
            window(25),
            side(3, true),
            side(3, false),
            side(10, true),
            side(10, false),
            side(30, true),
            side(30, false),
            ((cum - m) / self.total) as f32,
            ((self.total - cum) / self.total) as f32,
            self.p_max,
            self.p_share,
        ];
        for (c, v) in (COLUMNS..COLUMNS2).zip(own) {
            set(c, v);
        }
    }
}
