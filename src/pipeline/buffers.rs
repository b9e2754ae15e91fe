//! What the workers and the writer share: rule counts and spare buffers.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::record::Record;

/// What the workers and the writer share, so that memory is freed by the
/// thread that allocated it. With glibc's allocator, a block freed by another
/// thread than its own takes the lock of its owner's arena; at `-j 2` the
/// workers slept on it, the writer freeing every record's buffers. So the rule
/// counts are kept where the documents are cleaned (the records' strings are
/// freed there), and the writer hands each written record's buffer back for
/// another record.
#[derive(Default)]
pub(super) struct Shared {
    /// Lines removed and characters fixed, by rule: hashed, as a record may
    /// remove hundreds of lines ([`Shared::counts`] sorts them).
    counts: Mutex<(RuleCounts<Cow<'static, str>>, RuleCounts<String>)>,
    /// Written records' buffers, empty, for reuse, and their capacity in all.
    buffers: Mutex<(Vec<Vec<u8>>, usize)>,
}

/// Counts by rule id.
type RuleCounts<K> = HashMap<K, u64, foldhash::fast::FixedState>;

/// The bytes of spare buffers [`Shared`] keeps at most, and the largest
/// buffer it keeps: memory stays bounded whatever the records.
const SPARE_BYTES: usize = 16 << 20;
const SPARE_BUFFER_BYTES: usize = 256 << 10;

impl Shared {
    /// An empty buffer for a record.
    pub(super) fn buffer(&self) -> Vec<u8> {
        let Ok(mut spare) = self.buffers.lock() else {
            return Vec::new();
        };
        match spare.0.pop() {
            Some(b) => {
                spare.1 -= b.capacity();
                b
            }
            None => Vec::new(),
        }
    }

    /// Takes back a written record's buffer.
    pub(super) fn recycle(&self, mut buf: Vec<u8>) {
        if buf.capacity() > SPARE_BUFFER_BYTES {
            return;
        }
        buf.clear();
        if let Ok(mut spare) = self.buffers.lock()
            && spare.1 + buf.capacity() <= SPARE_BYTES
        {
            spare.1 += buf.capacity();
            spare.0.push(buf);
        }
    }

    /// The lines removed and the characters fixed, by rule id, sorted.
    pub(super) fn counts(self) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
        let (removed, fixes) = self.counts.into_inner().unwrap_or_else(|e| e.into_inner());
        (
            removed
                .into_iter()
                .map(|(k, n)| (k.into_owned(), n))
                .collect(),
            fixes.into_iter().collect(),
        )
    }

    /// Counts a record's removed lines and fixes by rule.
    pub(super) fn count(&self, rec: Record) {
        if rec.removed.is_empty() && rec.fixes.is_empty() {
            return;
        }
        // A worker that panicked holding the lock left whole counts (each
        // entry is one add): go on counting, as `counts` reads them.
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        // Removed lines come in runs of one rule (a menu, a comment thread):
        // a run is looked up once.
        let mut run: Option<(Cow<'static, str>, u64)> = None;
        for r in rec.removed {
            match &mut run {
                Some((rule, n)) if *rule == r.rule => *n += 1,
                _ => {
                    if let Some((rule, n)) = run.replace((r.rule, 1)) {
                        *c.0.entry(rule).or_default() += n;
                    }
                }
            }
        }
        if let Some((rule, n)) = run {
            *c.0.entry(rule).or_default() += n;
        }
        for f in rec.fixes {
            *c.1.entry(f.rule).or_default() += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spare_buffers_come_back_empty_and_stay_within_their_bound() {
        let shared = Shared::default();
        let mut b = Vec::with_capacity(1000);
        b.extend_from_slice(b"a written record");
        shared.recycle(b);
        let again = shared.buffer();
        assert!(again.is_empty() && again.capacity() >= 1000);
        assert_eq!(shared.buffers.lock().unwrap().1, 0);
        // A buffer too large for reuse is let go; the rest up to the bound.
        shared.recycle(Vec::with_capacity(SPARE_BUFFER_BYTES + 1));
        assert!(shared.buffers.lock().unwrap().0.is_empty());
        for _ in 0..(SPARE_BYTES / SPARE_BUFFER_BYTES + 5) {
            shared.recycle(Vec::with_capacity(SPARE_BUFFER_BYTES));
        }
        let spare = shared.buffers.lock().unwrap();
        assert!(spare.1 <= SPARE_BYTES);
        assert_eq!(spare.1, spare.0.iter().map(Vec::capacity).sum::<usize>());
    }

    #[test]
    fn rule_counts_survive_a_worker_that_panicked_holding_the_lock() {
        let shared = Shared::default();
        let removed = |rule: &str| Record {
            removed: vec![crate::record::Removed {
                rule: rule.to_string().into(),
                line: 1,
                text: "x".into(),
            }],
            ..Record::default()
        };
        shared.count(removed("promo.app"));
        let poisoned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _held = shared.counts.lock().unwrap();
            panic!("a worker dies");
        }));
        assert!(poisoned.is_err() && shared.counts.is_poisoned());
        shared.count(removed("promo.app"));
        let (removed, _) = shared.counts();
        assert_eq!(removed.get("promo.app"), Some(&2));
    }

    #[test]
    fn rule_counts_are_kept_by_the_workers() {
        let shared = Shared::default();
        let rec = Record {
            removed: vec![
                crate::record::Removed {
                    rule: "promo.app".into(),
                    line: 1,
                    text: "Get our app".into(),
                },
                crate::record::Removed {
                    rule: "promo.app".into(),
                    line: 2,
                    text: "Download the app".into(),
                },
            ],
            ..Record::default()
        };
        shared.count(rec);
        let (removed, fixes) = shared.counts();
        assert_eq!(removed.get("promo.app"), Some(&2));
        assert!(fixes.is_empty());
    }

    #[test]
    fn runs_and_interleaved_rules_are_all_counted() {
        let shared = Shared::default();
        let rules = [
            "nav.menu-item",
            "nav.menu-item",
            "share.bar",
            "nav.menu-item",
        ];
        let removed = |rules: &[&'static str]| Record {
            removed: rules
                .iter()
                .enumerate()
                .map(|(k, &rule)| crate::record::Removed {
                    rule: Cow::Borrowed(rule),
                    line: k + 1,
                    text: "x".into(),
                })
                .collect(),
            ..Record::default()
        };
        shared.count(removed(&rules));
        shared.count(removed(&rules[2..]));
        shared.count(removed(&[]));
        let (removed, _) = shared.counts();
        let want = BTreeMap::from([
            ("nav.menu-item".to_string(), 4),
            ("share.bar".to_string(), 2),
        ]);
        assert_eq!(removed, want);
    }
}
