//! A memo, per thread, of short lines' measures and first rule hits.
//!
//! Real pages repeat their menus, share bars, bylines and stamps from page to
//! page of a site: of the short lines (at most 80 bytes) of the bench's 2,422
//! pages, read in order, more than half repeat an earlier line. A line's
//! measures ([`Features`]) and its first rule hit depend on its text alone
//! (and on the rule set), so a repeat is answered from the memo, and the
//! records are the same byte for byte.
//!
//! The memo is direct-mapped: a line's hash picks its slot, and a new line
//! takes the slot over. It holds [`SLOTS`] lines of at most [`MAX_LINE`] bytes
//! (about 3 MB per thread), made on first use and kept from document to
//! document; a different rule set empties it. The slots' hashes are kept
//! apart, in 128 KB that stay in the processor's cache: a line not in the
//! memo is told by its hash alone, without a read of its slot.

use std::cell::RefCell;
use std::hash::BuildHasher;

use super::features::Features;

/// Lines of at most this many bytes are remembered.
pub(super) const MAX_LINE: usize = 80;

/// Slots of the memo, a power of two.
const SLOTS: usize = 1 << 14;

/// A remembered line.
#[derive(Clone, Copy)]
struct Slot {
    /// The line's length in bytes; 0 for an empty slot (an empty line is
    /// never remembered).
    len: u8,
    text: [u8; MAX_LINE],
    f: Features,
    rule: Option<usize>,
}

const EMPTY: Slot = Slot {
    len: 0,
    text: [0; MAX_LINE],
    f: Features {
        weight: 0,
        words: 0,
        terminal: false,
        colon: false,
        inner_stops: 0,
        alnum_words: 0,
        lang_stops: None,
        glued_teaser: false,
    },
    rule: None,
};

/// The lines remembered for one rule set.
pub(super) struct Memo {
    /// The rule set's id ([`crate::rules::RuleSet::id`]).
    rules: u64,
    /// The hash of each slot's line, with its lowest bit set; 0 for an
    /// empty slot.
    hashes: Vec<u64>,
    slots: Vec<Slot>,
}

thread_local! {
    static MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's memo for the rule set `rules`, or with
/// `None` when the memo is in use (a call within a call).
pub(super) fn with<R>(rules: u64, f: impl FnOnce(Option<&mut Memo>) -> R) -> R {
    MEMO.with(|cell| match cell.try_borrow_mut() {
        Ok(mut memo) => {
            let m = memo.get_or_insert_with(|| Memo {
                rules,
                hashes: vec![0; SLOTS],
                slots: vec![EMPTY; SLOTS],
            });
            if m.rules != rules {
                // Another rule set: its slots are emptied by their hashes.
                m.rules = rules;
                m.hashes.fill(0);
            }
            f(Some(m))
        }
        Err(_) => f(None),
    })
}

/// Runs `f` with this thread's memo taken, so that the measures within `f`
/// are made without it.
#[cfg(test)]
pub(super) fn without<R>(f: impl FnOnce() -> R) -> R {
    MEMO.with(|cell| {
        let _taken = cell.borrow_mut();
        f()
    })
}

impl Memo {
    /// The hash of `line` (lowest bit set) and its slot.
    fn place(line: &[u8]) -> (u64, usize) {
        let h = foldhash::fast::FixedState::default().hash_one(line) | 1;
        (h, (h >> 1) as usize & (SLOTS - 1))
    }

    /// Brings the slot of `line` into the processor's cache ahead of its
    /// [`Memo::get`] or [`Memo::put`]: the slots (about 3 MB) are read and
    /// written at random, a miss of the cache each, which a prefetch a few
    /// lines ahead hides.
    pub(super) fn prefetch(&self, line: &str) {
        let b = line.as_bytes();
        if b.is_empty() || b.len() > MAX_LINE {
            return;
        }
        let (_, at) = Self::place(b);
        let slot = std::ptr::from_ref(&self.slots[at]).cast::<u8>();
        // Each cache line of 64 bytes that the slot touches (three of them).
        let skew = slot.addr() % 64;
        for off in (0..skew + size_of::<Slot>()).step_by(64) {
            crate::simd::prefetch(slot.wrapping_add(off).wrapping_sub(skew));
        }
    }

    /// The measures and first rule hit remembered for `line`, if any.
    pub(super) fn get(&self, line: &str) -> Option<(Features, Option<usize>)> {
        let b = line.as_bytes();
        if b.is_empty() || b.len() > MAX_LINE {
            return None;
        }
        let (h, at) = Self::place(b);
        if self.hashes[at] != h {
            return None;
        }
        let s = &self.slots[at];
        (usize::from(s.len) == b.len() && s.text[..b.len()] == *b).then_some((s.f, s.rule))
    }

    /// Remembers the measures and first rule hit of `line` (a line too long
    /// or empty is not remembered).
    pub(super) fn put(&mut self, line: &str, f: Features, rule: Option<usize>) {
        let b = line.as_bytes();
        if b.is_empty() || b.len() > MAX_LINE {
            return;
        }
        let (h, at) = Self::place(b);
        self.hashes[at] = h;
        let s = &mut self.slots[at];
        s.len = b.len() as u8;
        s.text[..b.len()].copy_from_slice(b);
        s.f = f;
        s.rule = rule;
    }
}
