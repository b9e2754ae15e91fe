//! The line model: learned weights that score each line as article body or
//! not, from the rows of [`super::context`].
//!
//! Two stages of gradient-boosted trees, trained offline by
//! `scripts/train_lines.py` from annotated pages and kept as data in
//! `rules/model/lines.json` (embedded in the binary):
//!
//! 1. The first stage scores each line from its own row: its measures, the
//!    rules that matched it, the heuristic span and the lines around it.
//! 2. The second stage reads the same row plus the first stage's scores of the
//!    lines around (window means, the score mass before and after, the block
//!    of likely body lines the line belongs to), so that a line's decision
//!    follows its neighbours' (stacked sequential learning: the second stage
//!    is the sequence decoder, learned rather than hand-set).
//!
//! A line is body when the second stage's probability reaches the model's
//! threshold (a lower one for lines the heuristic span also took for body).
//! Inference is plain Rust: each tree is a flat array of nodes for
//! explanations (and the reference walk of the tests), and a list of tests
//! with leaf bitvectors for scoring sixteen rows at once (QuickScorer's
//! layout).

use serde::Deserialize;

use super::context::{ROW_WIDTH, Row, RowMaker, Stage2};
use crate::error::{Error, Result};

/// The built-in model, embedded at compile time.
pub const BUILTIN: &str = include_str!("../../rules/model/lines.json");

/// One tree, as the training script writes it: node `i` sends a row to
/// `left[i]` when `row[feature[i]] <= threshold[i]`, else to `right[i]`; a
/// negative child `c` is leaf `!c` (that is, `-c - 1`). `value[i]` is the
/// mean score of the training rows that reached node `i` (for explanations).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TreeFile {
    feature: Vec<u16>,
    threshold: Vec<f32>,
    left: Vec<i32>,
    right: Vec<i32>,
    value: Vec<f32>,
    leaf: Vec<f32>,
}

/// A stage as written: the column names it reads and its trees.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StageFile {
    names: Vec<String>,
    trees: Vec<TreeFile>,
}

/// The model file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    format: u32,
    /// How the model was trained (the command and the data), for people.
    #[allow(dead_code)]
    trained: String,
    stage1: StageFile,
    stage2: StageFile,
    threshold: f32,
    threshold_heuristic_body: f32,
}

/// A slot of a flattened tree: an inner node, or a leaf that sends every
/// row back to itself (threshold +∞, both children itself), so that a walk
/// of exactly the tree's depth ends on a leaf whatever the path.
#[derive(Debug, Clone, Copy)]
struct Slot {
    threshold: f32,
    feature: u16,
    /// Children, as slots of the same tree.
    left: u16,
    right: u16,
}

/// Where a tree's slots are.
#[derive(Debug, Clone, Copy)]
struct Tree {
    /// Its first slot in [`Ensemble::slots`].
    start: u32,
    /// Its inner nodes, slots `0..inner`; the leaves follow.
    inner: u16,
    /// The longest path from the root to a leaf (for the reference walk).
    #[cfg_attr(not(test), allow(dead_code))]
    depth: u16,
}

/// Rows scored together: their tests run side by side (in vector lanes).
/// Sixteen: each test's threshold and leaf mask are set up once for two AVX2
/// compares (four SSE2 ones).
pub(super) const LANES: usize = 16;
const _: () = assert!(LANES.is_multiple_of(8));

/// A node of a tree in the bitvector layout of [`Ensemble::score_columns`]
/// (QuickScorer's): when a row fails the node's test, the leaves of the
/// node's left subtree are out of its reach.
#[derive(Debug, Clone, Copy)]
struct Test {
    threshold: f32,
    /// The column tested.
    column: u16,
    /// The tree's leaves (bit `j` for its `j`-th leaf from the left) that a
    /// row failing the test can still reach: all but the left subtree's.
    keep: u32,
}

/// The rows of [`LANES`] lines, column by column: `cols[c][k]` is column
/// `c` of row `k`.
type Columns = [[f32; LANES]; ROW_WIDTH];

/// Slots of a tree in memory: room for 32 leaves and 31 inner nodes, a power
/// of two so that a walk indexes them with a mask instead of a bounds check.
const TREE_SLOTS: usize = 64;

/// A sum of trees over rows of a fixed width.
#[derive(Debug)]
pub(crate) struct Ensemble {
    slots: Vec<Slot>,
    /// A leaf's value, or an inner node's mean score over the training rows
    /// that reached it (for explanations); by slot.
    values: Vec<f32>,
    trees: Vec<Tree>,
    width: usize,
    /// The nodes of every tree, tree after tree, in the tree's node order.
    tests: Vec<Test>,
    /// Each tree's leaf values, from the left (leaf `j` of the bitvector
    /// layout); unused entries 0.
    leaves: Vec<[f32; 32]>,
    /// Whether the processor has AVX2 (for [`Ensemble::score_columns`]).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    avx2: bool,
}

impl Ensemble {
    fn new(stage: StageFile, names: &[&str], what: &str) -> Result<Self> {
        let bad = |problem: String| Error::Model {
            problem: format!("{what}: {problem}"),
        };
        if stage.names.len() != names.len() || stage.names.iter().zip(names).any(|(a, b)| a != b) {
            return Err(bad(format!(
                "trained on other columns than this build computes ({} named, {} expected); retrain it with scripts/train_lines.py",
                stage.names.len(),
                names.len()
            )));
        }
        let mut slots = Vec::new();
        let mut values = Vec::new();
        let mut trees = Vec::new();
        for (k, t) in stage.trees.into_iter().enumerate() {
            let n = t.feature.len();
            if t.threshold.len() != n
                || t.left.len() != n
                || t.right.len() != n
                || t.value.len() != n
            {
                return Err(bad(format!("tree {k}: arrays of different lengths")));
            }
            if t.leaf.len() != n + 1 {
                return Err(bad(format!(
                    "tree {k}: {} leaves for {n} nodes",
                    t.leaf.len()
                )));
            }
            if 2 * n + 1 > TREE_SLOTS {
                return Err(bad(format!(
                    "tree {k}: {} leaves, more than the {} this build reads",
                    n + 1,
                    TREE_SLOTS / 2
                )));
            }
            // A child is a later node or a leaf (`!leaf`), so every walk ends.
            let slot = |i: usize, c: i32| -> Option<u16> {
                if c >= 0 {
                    (c as usize > i && (c as usize) < n).then_some(c as u16)
                } else {
                    ((!c) as usize <= n).then(|| (n + (!c) as usize) as u16)
                }
            };
            let start = slots.len() as u32;
            for i in 0..n {
                let (Some(left), Some(right)) = (slot(i, t.left[i]), slot(i, t.right[i])) else {
                    return Err(bad(format!("tree {k}: a node points outside the tree")));
                };
                if usize::from(t.feature[i]) >= names.len() {
                    return Err(bad(format!(
                        "tree {k}: a node reads column {}",
                        t.feature[i]
                    )));
                }
                slots.push(Slot {
                    threshold: t.threshold[i],
                    feature: t.feature[i],
                    left,
                    right,
                });
            }
            for j in 0..=n {
                let me = (n + j) as u16;
                slots.push(Slot {
                    threshold: f32::INFINITY,
                    feature: 0,
                    left: me,
                    right: me,
                });
            }
            values.extend(&t.value);
            values.extend(&t.leaf);
            // Unused slots up to TREE_SLOTS: leaves of value 0 never reached.
            for j in 2 * n + 1..TREE_SLOTS {
                slots.push(Slot {
                    threshold: f32::INFINITY,
                    feature: 0,
                    left: j as u16,
                    right: j as u16,
                });
                values.push(0.0);
            }
            // Every node but the root and every leaf has one parent: the
            // nodes make a tree (what the bitvector layout needs).
            let mut parents = vec![0u8; 2 * n + 1];
            for s in &slots[start as usize..][..n] {
                for c in [s.left, s.right] {
                    parents[usize::from(c)] = parents[usize::from(c)].saturating_add(1);
                }
            }
            if parents.iter().skip(1).any(|&p| p != 1) {
                return Err(bad(format!(
                    "tree {k}: a node or a leaf is reached twice or never"
                )));
            }
            // Depths: children come after their parents.
            let mut depth = vec![0u16; 2 * n + 1];
            for i in 0..n {
                let s = slots[start as usize + i];
                depth[usize::from(s.left)] = depth[i] + 1;
                depth[usize::from(s.right)] = depth[i] + 1;
            }
            trees.push(Tree {
                start,
                inner: n as u16,
                depth: depth.into_iter().max().unwrap_or(0),
            });
        }
        let mut ensemble = Ensemble {
            slots,
            values,
            trees,
            width: names.len(),
            tests: Vec::new(),
            leaves: Vec::new(),
            #[cfg(target_arch = "x86_64")]
            avx2: std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(not(target_arch = "x86_64"))]
            avx2: false,
        };
        ensemble.lay_out_bitvectors();
        Ok(ensemble)
    }

    /// Fills [`Ensemble::tests`] and [`Ensemble::leaves`] from the slots.
    fn lay_out_bitvectors(&mut self) {
        for tree in &self.trees {
            let slots = &self.slots[tree.start as usize..][..TREE_SLOTS];
            let values = &self.values[tree.start as usize..][..TREE_SLOTS];
            // Leaves from the left: a depth-first walk, left child first.
            // Leaf slot `s` is the tree's `first[s]`-th leaf from the left.
            let mut order = [0u16; TREE_SLOTS / 2];
            let mut leaves = 0;
            let mut first = [0u32; TREE_SLOTS];
            let mut stack = vec![0u16];
            while let Some(at) = stack.pop() {
                let s = slots[usize::from(at)];
                if at < tree.inner {
                    stack.push(s.right);
                    stack.push(s.left);
                } else {
                    first[usize::from(at)] = leaves;
                    order[leaves as usize] = at;
                    leaves += 1;
                }
            }
            // Left subtrees' leaves: children come after their parents, so
            // a backward pass sees every child before its parent.
            let mut under = [0u32; TREE_SLOTS];
            for at in (0..usize::from(tree.inner) * 2 + 1).rev() {
                under[at] = if at < usize::from(tree.inner) {
                    let s = slots[at];
                    under[usize::from(s.left)] | under[usize::from(s.right)]
                } else {
                    1 << first[at]
                };
            }
            for s in &slots[..usize::from(tree.inner)] {
                self.tests.push(Test {
                    threshold: s.threshold,
                    column: s.feature,
                    keep: !under[usize::from(s.left)],
                });
            }
            let mut by_leaf = [0f32; 32];
            for (j, &at) in order[..leaves as usize].iter().enumerate() {
                by_leaf[j] = values[usize::from(at)];
            }
            self.leaves.push(by_leaf);
        }
    }

    /// The raw score (log-odds) of `row`.
    #[cfg(test)]
    pub(crate) fn score(&self, row: &Row) -> f32 {
        self.score_lanes(&[*row; LANES])[0]
    }

    /// The raw scores of [`LANES`] rows.
    #[cfg(test)]
    pub(crate) fn score_lanes(&self, lane: &[Row; LANES]) -> [f32; LANES] {
        self.score_columns(&columns(lane))
    }

    /// The raw scores of the [`LANES`] rows in `cols`, the trees evaluated
    /// QuickScorer's way: every node of a tree is tested, each failed test
    /// takes the leaves of the node's left subtree out of the row's reach,
    /// and the row's leaf is the leftmost left. No branch depends on a row,
    /// and the lanes' tests run side by side. The tests are those of the
    /// walk (`row[feature] <= threshold`) and the leaf values are added tree
    /// after tree as the walk adds them: the scores are the same, bit for bit.
    fn score_columns(&self, cols: &Columns) -> [f32; LANES] {
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: the processor has AVX2 (`Ensemble::avx2`).
            #[allow(unsafe_code)]
            return unsafe { self.score_columns_avx2(cols) };
        }
        self.score_columns_with(cols, reach)
    }

    /// [`Ensemble::score_columns`] compiled for AVX2, eight lanes to a compare.
    /// The leaves are looked up in registers too: a lane's leaf is the lowest
    /// bit left in its reach, whose index is read off the exponent of that bit
    /// as a float and picks the leaf's value out of the tree's 32 (four
    /// registers of eight) by permutes and blends. The sums add the same
    /// values in the same order as [`Ensemble::score_columns_with`]: the
    /// scores are the same, bit for bit.
    ///
    /// # Safety
    /// The processor must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    #[target_feature(enable = "avx2")]
    unsafe fn score_columns_avx2(&self, cols: &Columns) -> [f32; LANES] {
        use std::arch::x86_64::{
            __m256, _mm256_add_ps, _mm256_and_si256, _mm256_blendv_ps, _mm256_castps_si256,
            _mm256_castsi256_ps, _mm256_cvtepi32_ps, _mm256_loadu_ps, _mm256_permutevar8x32_ps,
            _mm256_set1_epi32, _mm256_setzero_ps, _mm256_setzero_si256, _mm256_slli_epi32,
            _mm256_srli_epi32, _mm256_storeu_ps, _mm256_sub_epi32,
        };
        const V: usize = LANES / 8;
        let mut sum = [_mm256_setzero_ps(); V];
        let mut tests = &self.tests[..];
        for (tree, leaves) in self.trees.iter().zip(&self.leaves) {
            let (mine, rest) = tests.split_at(usize::from(tree.inner).min(tests.len()));
            tests = rest;
            // SAFETY: the processor has AVX2 (this function's contract).
            let reach = unsafe { reach_avx2_lanes(mine, cols) };
            // SAFETY: each load reads eight of the tree's 32 leaf values.
            let l: [__m256; 4] =
                std::array::from_fn(|j| unsafe { _mm256_loadu_ps(leaves.as_ptr().add(8 * j)) });
            for (a, acc) in reach.into_iter().zip(&mut sum) {
                // The lowest bit left (never none: no test takes the rightmost
                // leaf out of reach), as a float: its exponent is its index.
                let low = _mm256_and_si256(a, _mm256_sub_epi32(_mm256_setzero_si256(), a));
                let exponent =
                    _mm256_srli_epi32::<23>(_mm256_castps_si256(_mm256_cvtepi32_ps(low)));
                let leaf = _mm256_sub_epi32(
                    _mm256_and_si256(exponent, _mm256_set1_epi32(0xFF)),
                    _mm256_set1_epi32(127),
                );
                // Bits 0-2 of the index pick within a register (the permutes
                // read only those), bit 3 and then bit 4 (moved to the sign
                // bit, which the blends read) between registers.
                let pick = |r: __m256| _mm256_permutevar8x32_ps(r, leaf);
                let bit3 = _mm256_castsi256_ps(_mm256_slli_epi32::<28>(leaf));
                let bit4 = _mm256_castsi256_ps(_mm256_slli_epi32::<27>(leaf));
                let low16 = _mm256_blendv_ps(pick(l[0]), pick(l[1]), bit3);
                let high16 = _mm256_blendv_ps(pick(l[2]), pick(l[3]), bit3);
                *acc = _mm256_add_ps(*acc, _mm256_blendv_ps(low16, high16, bit4));
            }
        }
        let mut out = [0f32; LANES];
        for (v, s) in sum.iter().enumerate() {
            // SAFETY: the store writes eight lanes into `out`, in bounds.
            unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(8 * v), *s) };
        }
        out
    }

    /// [`Ensemble::score_columns`] with `reach` for the trees' tests.
    #[inline(always)]
    fn score_columns_with(
        &self,
        cols: &Columns,
        reach: impl Fn(&[Test], &Columns) -> [u32; LANES],
    ) -> [f32; LANES] {
        let mut sum = [0f32; LANES];
        let mut tests = &self.tests[..];
        for (tree, leaves) in self.trees.iter().zip(&self.leaves) {
            let (mine, rest) = tests.split_at(usize::from(tree.inner).min(tests.len()));
            tests = rest;
            let reach = reach(mine, cols);
            for k in 0..LANES {
                sum[k] += leaves[reach[k].trailing_zeros() as usize & 31];
            }
        }
        sum
    }

    /// The raw scores of [`LANES`] rows, each tree walked from its root to
    /// its leaf (the walks of the rows interleaved): the reference of
    /// [`Ensemble::score_lanes`].
    #[cfg(test)]
    fn walk_lanes(&self, lane: &[Row; LANES]) -> [f32; LANES] {
        {
            let mut sum = [0f32; LANES];
            for tree in &self.trees {
                let at = tree.start as usize;
                // Every tree has TREE_SLOTS slots (the last ones unused), and
                // rows ROW_WIDTH columns: masks keep the indices in range.
                let Ok(slots) = <&[Slot; TREE_SLOTS]>::try_from(&self.slots[at..at + TREE_SLOTS])
                else {
                    continue;
                };
                let mut cur = [0u16; LANES];
                for _ in 0..tree.depth {
                    for k in 0..LANES {
                        let s = slots[usize::from(cur[k]) & (TREE_SLOTS - 1)];
                        cur[k] = if lane[k][usize::from(s.feature) & (ROW_WIDTH - 1)] <= s.threshold
                        {
                            s.left
                        } else {
                            s.right
                        };
                    }
                }
                let values = &self.values[at..];
                for k in 0..LANES {
                    sum[k] += values[usize::from(cur[k])];
                }
            }
            sum
        }
    }

    /// How much each column moved the score of `row` (the changes of the
    /// node means along each tree's path, summed per column), largest first.
    pub(crate) fn contributions(&self, row: &[f32]) -> Vec<(usize, f32)> {
        let mut by_column = vec![0f32; self.width];
        for tree in &self.trees {
            let slots = &self.slots[tree.start as usize..];
            let values = &self.values[tree.start as usize..];
            let mut at = 0u16;
            while at < tree.inner {
                let s = slots[usize::from(at)];
                let next = if row[usize::from(s.feature)] <= s.threshold {
                    s.left
                } else {
                    s.right
                };
                by_column[usize::from(s.feature)] +=
                    values[usize::from(next)] - values[usize::from(at)];
                at = next;
            }
        }
        let mut v: Vec<(usize, f32)> = by_column
            .into_iter()
            .enumerate()
            .filter(|&(_, c)| c != 0.0)
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        v
    }
}

/// Why the model decided a line: its probability and the columns that
/// weighed most.
#[derive(Debug, Clone, PartialEq)]
pub struct LineScore {
    /// The second stage's probability that the line is body.
    pub p: f32,
    /// The three columns that moved the second stage's score most, with how
    /// much (in log-odds; positive towards body).
    pub top: Vec<(&'static str, f32)>,
}

/// The line model: two stages and two thresholds.
#[derive(Debug)]
pub struct LineModel {
    pub(crate) stage1: Ensemble,
    pub(crate) stage2: Ensemble,
    /// A line is body when its stage-2 probability reaches this…
    pub(crate) threshold: f32,
    /// …or this, when the heuristic span also took it for body. Both are
    /// fitted by the training script on its training pages.
    pub(crate) threshold_heuristic_body: f32,
}

impl LineModel {
    /// The built-in model.
    pub fn builtin() -> Result<Self> {
        Self::parse(BUILTIN)
    }

    /// A model from the text of a model file (`rules/model/lines.json`).
    pub fn parse(text: &str) -> Result<Self> {
        let file: ModelFile = serde_json::from_str(text).map_err(|e| Error::Model {
            problem: e.to_string(),
        })?;
        if file.format != 1 {
            return Err(Error::Model {
                problem: format!("format {} (this build reads format 1)", file.format),
            });
        }
        Ok(LineModel {
            stage1: Ensemble::new(file.stage1, &super::context::NAMES, "stage 1")?,
            stage2: Ensemble::new(file.stage2, &super::context::NAMES2, "stage 2")?,
            threshold: file.threshold,
            threshold_heuristic_body: file.threshold_heuristic_body,
        })
    }
}

/// The leaves of a tree that each of [`LANES`] rows can reach after its
/// `tests` (see [`Ensemble::score_columns`]): SSE2 compares on x86-64 (in
/// every x86-64 processor), four lanes at a time; lane by lane elsewhere.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code)]
#[inline(always)]
fn reach(tests: &[Test], cols: &Columns) -> [u32; LANES] {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_castps_si128, _mm_cmple_ps, _mm_loadu_ps, _mm_or_si128,
        _mm_set1_epi32, _mm_set1_ps, _mm_storeu_si128,
    };
    const V: usize = LANES / 4;
    // SAFETY: SSE2 is present (see the `cfg`); the loads read the floats of
    // one column, four at a time, and the stores write into `out`, in bounds.
    unsafe {
        let mut acc = [_mm_set1_epi32(-1); V];
        for t in tests {
            let col = &cols[usize::from(t.column) & (ROW_WIDTH - 1)];
            let threshold = _mm_set1_ps(t.threshold);
            let keep = _mm_set1_epi32(t.keep as i32);
            for (v, a) in acc.iter_mut().enumerate() {
                // All ones where `col[k] <= threshold` (false for NaN, as `<=`).
                let le = _mm_cmple_ps(_mm_loadu_ps(col.as_ptr().add(4 * v)), threshold);
                *a = _mm_and_si128(*a, _mm_or_si128(_mm_castps_si128(le), keep));
            }
        }
        let mut out = [0u32; LANES];
        for (v, a) in acc.iter().enumerate() {
            _mm_storeu_si128(out.as_mut_ptr().add(4 * v).cast::<__m128i>(), *a);
        }
        out
    }
}

/// [`reach`] with AVX2 compares, eight lanes at a time.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(all(test, target_arch = "x86_64"))]
#[allow(unsafe_code)]
#[target_feature(enable = "avx2")]
unsafe fn reach_avx2(tests: &[Test], cols: &Columns) -> [u32; LANES] {
    use std::arch::x86_64::{__m256i, _mm256_storeu_si256};
    let mut out = [0u32; LANES];
    // SAFETY: the processor has AVX2 (this function's contract).
    let lanes = unsafe { reach_avx2_lanes(tests, cols) };
    for (v, a) in lanes.iter().enumerate() {
        // SAFETY: the store writes eight lanes into `out`, in bounds.
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().add(8 * v).cast::<__m256i>(), *a) };
    }
    out
}

/// [`reach`] with AVX2 compares, in registers of eight lanes.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn reach_avx2_lanes(
    tests: &[Test],
    cols: &Columns,
) -> [std::arch::x86_64::__m256i; LANES / 8] {
    use std::arch::x86_64::{
        _CMP_LE_OQ, _mm256_and_si256, _mm256_castps_si256, _mm256_cmp_ps, _mm256_loadu_ps,
        _mm256_or_si256, _mm256_set1_epi32, _mm256_set1_ps,
    };
    const V: usize = LANES / 8;
    let mut acc = [_mm256_set1_epi32(-1); V];
    for t in tests {
        let col = &cols[usize::from(t.column) & (ROW_WIDTH - 1)];
        // The test's two constants, once for all the lanes.
        let threshold = _mm256_set1_ps(t.threshold);
        let keep = _mm256_set1_epi32(t.keep as i32);
        for (v, a) in acc.iter_mut().enumerate() {
            // SAFETY: the load reads eight floats of one column, in bounds.
            let x = unsafe { _mm256_loadu_ps(col.as_ptr().add(8 * v)) };
            // All ones where `col[k] <= threshold`: an ordered compare, false
            // for NaN as `<=` is.
            let le = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_LE_OQ>(x, threshold));
            *a = _mm256_and_si256(*a, _mm256_or_si256(le, keep));
        }
    }
    acc
}

/// The leaves of a tree that each of [`LANES`] rows can reach after its
/// `tests`, lane by lane (where there is no SSE2; the tests' reference).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[cfg_attr(
    all(test, target_arch = "x86_64", target_feature = "sse2"),
    allow(dead_code)
)]
fn reach_plain(tests: &[Test], cols: &Columns) -> [u32; LANES] {
    let mut reach = [u32::MAX; LANES];
    for t in tests {
        let col = &cols[usize::from(t.column) & (ROW_WIDTH - 1)];
        for k in 0..LANES {
            reach[k] &= if col[k] <= t.threshold {
                u32::MAX
            } else {
                t.keep
            };
        }
    }
    reach
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use reach_plain as reach;

/// Documents of at most this many free rows keep their batches of columns
/// from the first stage to the second (8 KiB per [`LANES`] rows: 4 MiB at
/// most, kept by each thread from document to document, so that they are
/// cleared once); longer ones make each row twice, in one buffer.
const KEEP_ROWS: usize = 8192;

thread_local! {
    /// The batches of [`LineModel::probabilities_kept`].
    static BATCHES: std::cell::RefCell<Vec<Columns>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A stage's probabilities of the free rows (0 for the others), the rows
/// written by `fill` [`LANES`] at a time into one buffer of columns
/// (`fill(r, k, cols)` writes row `r` as row `k` of `cols`).
fn score_free(
    stage: &Ensemble,
    free: &[bool],
    fill: impl Fn(usize, usize, &mut Columns),
) -> Vec<f32> {
    let mut out = vec![0f32; free.len()];
    let mut cols: Columns = [[0f32; LANES]; ROW_WIDTH];
    let mut at = [0usize; LANES];
    let mut k = 0;
    let flush = |cols: &Columns, at: &[usize; LANES], k: usize, out: &mut [f32]| {
        let scores = stage.score_columns(cols);
        for j in 0..k {
            out[at[j]] = sigmoid(scores[j]);
        }
    };
    for (r, _) in free.iter().enumerate().filter(|(_, f)| **f) {
        fill(r, k, &mut cols);
        at[k] = r;
        k += 1;
        if k == LANES {
            flush(&cols, &at, k, &mut out);
            k = 0;
        }
    }
    if k > 0 {
        flush(&cols, &at, k, &mut out);
    }
    out
}

/// [`LANES`] rows, column by column.
#[cfg(test)]
fn columns(lane: &[Row; LANES]) -> Columns {
    std::array::from_fn(|c| std::array::from_fn(|k| lane[k][c]))
}

/// The logistic function.
pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// The built-in model, parsed once; `None` if it failed to parse, which a
/// test rules out.
pub(crate) fn builtin() -> Option<std::sync::Arc<LineModel>> {
    static MODEL: std::sync::LazyLock<Option<std::sync::Arc<LineModel>>> =
        std::sync::LazyLock::new(|| LineModel::builtin().ok().map(std::sync::Arc::new));
    MODEL.clone()
}

impl LineModel {
    /// The first stage's probabilities and the second stage's of the rows
    /// `rows` makes, for the rows that are the model's to decide (`free`).
    /// A row that is not free is never body: both its probabilities are 0,
    /// and the trees do not run on it.
    pub(super) fn probabilities(
        &self,
        rows: &RowMaker<'_, '_>,
        free: &[bool],
    ) -> (Vec<f32>, Vec<f32>) {
        if free.iter().filter(|&&f| f).count() <= KEEP_ROWS {
            self.probabilities_kept(rows, free)
        } else {
            self.probabilities_refilled(rows, free)
        }
    }

    /// [`LineModel::probabilities`], each batch of [`LANES`] rows keeping the
    /// first stage's columns for the second, which adds its own: a row is
    /// made once.
    pub(super) fn probabilities_kept(
        &self,
        rows: &RowMaker<'_, '_>,
        free: &[bool],
    ) -> (Vec<f32>, Vec<f32>) {
        let at: Vec<usize> = (0..free.len()).filter(|&r| free[r]).collect();
        BATCHES.with(|cell| {
            let mut fresh = Vec::new();
            let mut borrowed;
            let batches: &mut Vec<Columns> = match cell.try_borrow_mut() {
                Ok(b) => {
                    borrowed = b;
                    &mut borrowed
                }
                Err(_) => &mut fresh,
            };
            let need = at.len().div_ceil(LANES);
            if batches.len() < need {
                batches.resize(need, [[0f32; LANES]; ROW_WIDTH]);
            }
            self.score_kept(rows, free.len(), &at, &mut batches[..need])
        })
    }

    /// [`LineModel::probabilities_kept`] of the `n` rows, the free ones
    /// `at`, in `batches` (stale values in the lanes past a batch's rows are
    /// read by the trees and ignored).
    fn score_kept(
        &self,
        rows: &RowMaker<'_, '_>,
        n: usize,
        at: &[usize],
        batches: &mut [Columns],
    ) -> (Vec<f32>, Vec<f32>) {
        let mut p1 = vec![0f32; n];
        for (cols, rs) in batches.iter_mut().zip(at.chunks(LANES)) {
            for (k, &r) in rs.iter().enumerate() {
                rows.fill_with(r, |c, v| cols[c][k] = v);
            }
            let scores = self.stage1.score_columns(cols);
            for (k, &r) in rs.iter().enumerate() {
                p1[r] = sigmoid(scores[k]);
            }
        }
        let weight = rows.weights();
        let stage2 = Stage2::new(&p1, &weight);
        let mut p2 = vec![0f32; n];
        for (cols, rs) in batches.iter_mut().zip(at.chunks(LANES)) {
            for (k, &r) in rs.iter().enumerate() {
                stage2.fill_with(r, |c, v| cols[c][k] = v);
            }
            let scores = self.stage2.score_columns(cols);
            for (k, &r) in rs.iter().enumerate() {
                p2[r] = sigmoid(scores[k]);
            }
        }
        (p1, p2)
    }

    /// [`LineModel::probabilities`] with one buffer of columns, each row made
    /// again for the second stage: for documents of more than [`KEEP_ROWS`]
    /// free rows.
    pub(super) fn probabilities_refilled(
        &self,
        rows: &RowMaker<'_, '_>,
        free: &[bool],
    ) -> (Vec<f32>, Vec<f32>) {
        let p1 = score_free(&self.stage1, free, |r, k, cols| {
            rows.fill_with(r, |c, v| cols[c][k] = v);
        });
        let weight = rows.weights();
        let stage2 = Stage2::new(&p1, &weight);
        let p2 = score_free(&self.stage2, free, |r, k, cols| {
            rows.fill_with(r, |c, v| cols[c][k] = v);
            stage2.fill_with(r, |c, v| cols[c][k] = v);
        });
        (p1, p2)
    }

    /// The probability and the weightiest columns of each free row, for
    /// `rinse explain` (`None` for rows the model does not decide).
    pub(super) fn explain(&self, rows: &RowMaker<'_, '_>, free: &[bool]) -> Vec<Option<LineScore>> {
        let (p1, p2) = self.probabilities(rows, free);
        let weight = rows.weights();
        let stage2 = Stage2::new(&p1, &weight);
        let mut row: Row = [0f32; ROW_WIDTH];
        (0..rows.len())
            .map(|r| {
                free[r].then(|| {
                    rows.fill(r, &mut row);
                    stage2.fill(r, &mut row);
                    LineScore {
                        p: p2[r],
                        top: self
                            .stage2
                            .contributions(&row)
                            .into_iter()
                            .take(3)
                            .map(|(k, c)| (super::context::NAMES2[k], c))
                            .collect(),
                    }
                })
            })
            .collect()
    }

    /// Whether each row's line is article body (see [`LineModel::probabilities`]).
    pub(super) fn body(&self, rows: &RowMaker<'_, '_>, free: &[bool]) -> Vec<bool> {
        let (_, p2) = self.probabilities(rows, free);
        p2.iter()
            .enumerate()
            .map(|(r, &p)| {
                let t = if rows.heuristic_body(r) {
                    self.threshold_heuristic_body
                } else {
                    self.threshold
                };
                p >= t
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::context::{NAMES, NAMES2};

    /// A model file whose stages have the given trees (JSON arrays).
    fn file(trees1: &str, trees2: &str) -> String {
        format!(
            r#"{{"format":1,"trained":"test","stage1":{{"names":{},"trees":{trees1}}},"stage2":{{"names":{},"trees":{trees2}}},"threshold":0.5,"threshold_heuristic_body":0.5}}"#,
            serde_json::to_string(&NAMES.to_vec()).unwrap(),
            serde_json::to_string(&*NAMES2).unwrap(),
        )
    }

    #[test]
    fn trees_send_rows_left_at_or_below_the_threshold() {
        // Tree: column 2 <= 0.5 ? (column 0 <= 3 ? 1 : 2) : 4; a second tree of one leaf.
        let tree = r#"{"feature":[2,0],"threshold":[0.5,3.0],"left":[1,-1],"right":[-3,-2],"value":[2.0,1.5],"leaf":[1.0,2.0,4.0]}"#;
        let leaf = r#"{"feature":[],"threshold":[],"left":[],"right":[],"value":[],"leaf":[0.25]}"#;
        let m = LineModel::parse(&file(&format!("[{tree},{leaf}]"), "[]")).unwrap();
        let mut row: Row = [0f32; ROW_WIDTH];
        assert_eq!(m.stage1.score(&row), 1.25);
        row[0] = 3.5;
        assert_eq!(m.stage1.score(&row), 2.25);
        row[2] = 0.5;
        assert_eq!(m.stage1.score(&row), 2.25);
        row[2] = 0.75;
        assert_eq!(m.stage1.score(&row), 4.25);
        assert_eq!(m.stage2.score(&[0f32; ROW_WIDTH]), 0.0);
        // From the root's 2.0: column 2 took it to 4.0.
        assert_eq!(m.stage1.contributions(&row), vec![(2, 2.0)]);
        row[2] = 0.0;
        row[0] = 0.0;
        // Column 2 took it to 1.5, column 0 to 1.0.
        assert_eq!(m.stage1.contributions(&row), vec![(0, -0.5), (2, -0.5)]);
    }

    #[test]
    fn malformed_model_files_are_refused_with_a_reason() {
        let cycle = r#"[{"feature":[0,1],"threshold":[0,0],"left":[1,0],"right":[-1,-2],"value":[0,0],"leaf":[0,0,0]}]"#;
        let outside =
            r#"[{"feature":[0],"threshold":[0],"left":[5],"right":[-1],"value":[0],"leaf":[0,0]}]"#;
        let column = r#"[{"feature":[999],"threshold":[0],"left":[-1],"right":[-2],"value":[0],"leaf":[0,0]}]"#;
        let leaves =
            r#"[{"feature":[0],"threshold":[0],"left":[-1],"right":[-2],"value":[0],"leaf":[0]}]"#;
        let twice = r#"[{"feature":[0,1],"threshold":[0,0],"left":[1,-1],"right":[-1,-2],"value":[0,0],"leaf":[0,0,0]}]"#;
        for trees in [cycle, outside, column, leaves, twice] {
            let e = LineModel::parse(&file(trees, "[]"))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("line model: stage 1: tree 0"), "{e}");
        }
        let renamed = file("[]", "[]").replacen("log_weight", "other", 1);
        let e = LineModel::parse(&renamed).unwrap_err().to_string();
        assert!(e.contains("retrain"), "{e}");
        assert!(LineModel::parse("{").is_err());
        let e = LineModel::parse(&file("[]", "[]").replace("\"format\":1", "\"format\":2"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("format 2"), "{e}");
    }

    /// The bitvector scorer gives the walk's scores bit for bit, on rows of
    /// the built-in model's own thresholds (and the floats next to them, and
    /// the odd ones: ±0, ±∞, NaN), so that every test goes both ways.
    #[test]
    fn bitvector_scores_are_the_walks_bit_for_bit() {
        let m = LineModel::builtin().unwrap();
        let mut next = xorshift();
        for stage in [&m.stage1, &m.stage2] {
            let mut by_column =
                vec![vec![0f32, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN]; ROW_WIDTH];
            for t in &stage.tests {
                let f = usize::from(t.column);
                let x = t.threshold;
                by_column[f].extend([x, x.next_down(), x.next_up()]);
            }
            for _ in 0..2000 {
                let lanes: [Row; LANES] = std::array::from_fn(|_| {
                    std::array::from_fn(|f| {
                        let pick = &by_column[f];
                        pick[next() as usize % pick.len()]
                    })
                });
                let (fast, walk) = (stage.score_lanes(&lanes), stage.walk_lanes(&lanes));
                assert_eq!(fast.map(f32::to_bits), walk.map(f32::to_bits));
                let cols = columns(&lanes);
                for tree in stage.tests.chunks(14) {
                    assert_eq!(reach(tree, &cols), reach_plain(tree, &cols));
                    #[cfg(target_arch = "x86_64")]
                    if stage.avx2 {
                        // SAFETY: the processor has AVX2.
                        #[allow(unsafe_code)]
                        let wide = unsafe { reach_avx2(tree, &cols) };
                        assert_eq!(wide, reach_plain(tree, &cols));
                    }
                }
                let narrow = stage.score_columns_with(&cols, reach);
                assert_eq!(narrow.map(f32::to_bits), walk.map(f32::to_bits));
            }
        }
    }

    /// A pseudo-random sequence (xorshift64), the same in every run.
    fn xorshift() -> impl FnMut() -> u64 {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// Trees of 32 leaves, the most a model may have, send every row to the
    /// leaf a walk finds (whichever of the four registers of leaves it is in).
    #[test]
    fn the_32_leaves_of_a_full_tree_are_scored_as_walked() {
        // A complete tree of depth 5: node i tests column i against 0.5 and
        // has children 2i + 1 and 2i + 2; positions 31 to 62 are leaves 0-31.
        let child = |c: usize| {
            if c < 31 {
                c as i64
            } else {
                -(c as i64 - 31) - 1
            }
        };
        let tree = serde_json::json!({
            "feature": (0..31).collect::<Vec<_>>(),
            "threshold": vec![0.5; 31],
            "left": (0..31).map(|i| child(2 * i + 1)).collect::<Vec<_>>(),
            "right": (0..31).map(|i| child(2 * i + 2)).collect::<Vec<_>>(),
            "value": vec![0.0; 31],
            "leaf": (0..32).map(|j| j as f32 + 0.25).collect::<Vec<_>>(),
        });
        let m = LineModel::parse(&file(&format!("[{tree},{tree}]"), "[]")).unwrap();
        let mut seen = [false; 32];
        let mut next = xorshift();
        for _ in 0..64 {
            // 0, 0.5 (left, at the threshold) or 1 (right).
            let lanes: [Row; LANES] =
                std::array::from_fn(|_| std::array::from_fn(|_| (next() % 3) as f32 * 0.5));
            let (fast, walk) = (m.stage1.score_lanes(&lanes), m.stage1.walk_lanes(&lanes));
            assert_eq!(fast.map(f32::to_bits), walk.map(f32::to_bits));
            for w in walk {
                seen[(w / 2.0 - 0.25) as usize] = true;
            }
        }
        assert!(seen.iter().all(|&s| s), "{seen:?}");
    }

    #[test]
    fn the_builtin_model_fits_this_build() {
        let m = LineModel::builtin().unwrap();
        assert!(!m.stage1.trees.is_empty() && !m.stage2.trees.is_empty());
    }
}
