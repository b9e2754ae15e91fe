//! Sixteen bytes compared at once, for the scans of the repair and classify
//! stages: SSE2 on x86-64 (in every x86-64 processor), byte by byte elsewhere.

/// Sixteen bytes, compared all at once: with SSE2 on x86-64, byte by byte
/// elsewhere. Each comparison gives a [`Mask16`], one lane per byte.
#[derive(Clone, Copy)]
pub(crate) struct Bytes16(imp::V);

/// The outcome of a comparison of [`Bytes16`]: which of the sixteen bytes
/// passed it. Masks combine with `|` lane by lane, and [`Mask16::bits`] gives
/// them as 16 bits, bit `i` for byte `i`: one move out of the vector for a
/// whole class, however many comparisons make it.
#[derive(Clone, Copy)]
pub(crate) struct Mask16(imp::M);

// The SSE2 intrinsics are `unsafe` to call only for want of the feature, which
// every x86-64 processor has (it is in the target's baseline, checked by the
// `cfg`): each block below is sound on any x86-64.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code)]
mod imp {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set_epi64x, _mm_set1_epi8,
    };

    pub(super) type V = __m128i;
    /// A lane passes when its top bit is set.
    pub(super) type M = __m128i;

    #[inline(always)]
    pub(super) fn load(b: &[u8; 16]) -> V {
        let lo = i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        let hi = i64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]);
        // SAFETY: SSE2 is present (see the module's `cfg`).
        unsafe { _mm_set_epi64x(hi, lo) }
    }

    #[inline(always)]
    pub(super) fn eq(v: V, b: u8) -> M {
        // SAFETY: SSE2 is present (see the module's `cfg`).
        unsafe { _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)) }
    }

    /// Bytes in `lo..=hi` (`lo <= hi`, not the whole range): shifted so that
    /// `lo` lands on -128, they are the ones below `-128 + (hi - lo) + 1`
    /// in signed order. One add and one compare.
    #[inline(always)]
    pub(super) fn range(v: V, lo: u8, hi: u8) -> M {
        let shift = 0x80u8.wrapping_sub(lo) as i8;
        let bound = 0x81u8.wrapping_add(hi - lo) as i8;
        // SAFETY: SSE2 is present (see the module's `cfg`).
        unsafe { _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(shift)), _mm_set1_epi8(bound)) }
    }

    #[inline(always)]
    pub(super) fn high(v: V) -> M {
        v
    }

    #[inline(always)]
    pub(super) fn or(a: M, b: M) -> M {
        // SAFETY: SSE2 is present (see the module's `cfg`).
        unsafe { _mm_or_si128(a, b) }
    }

    #[inline(always)]
    pub(super) fn bits(m: M) -> u16 {
        // SAFETY: SSE2 is present (see the module's `cfg`).
        unsafe { _mm_movemask_epi8(m) as u16 }
    }
}

/// Byte by byte: the implementation where SSE2 is not there, and the
/// reference the SSE2 one is tested against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
mod portable {
    pub(super) type V = [u8; 16];
    pub(super) type M = u16;

    #[inline(always)]
    pub(super) fn load(b: &[u8; 16]) -> V {
        *b
    }

    #[inline(always)]
    pub(super) fn eq(v: V, b: u8) -> M {
        range(v, b, b)
    }

    #[inline(always)]
    pub(super) fn range(v: V, lo: u8, hi: u8) -> M {
        v.iter()
            .enumerate()
            .fold(0, |m, (i, &b)| m | u16::from((lo..=hi).contains(&b)) << i)
    }

    #[inline(always)]
    pub(super) fn high(v: V) -> M {
        range(v, 0x80, 0xFF)
    }

    #[inline(always)]
    pub(super) fn or(a: M, b: M) -> M {
        a | b
    }

    #[inline(always)]
    pub(super) fn bits(m: M) -> u16 {
        m
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use portable as imp;

impl Bytes16 {
    /// Loads sixteen bytes.
    #[inline(always)]
    pub(crate) fn load(b: &[u8; 16]) -> Bytes16 {
        Bytes16(imp::load(b))
    }

    /// Bytes equal to `b`.
    #[inline(always)]
    pub(crate) fn eq(self, b: u8) -> Mask16 {
        Mask16(imp::eq(self.0, b))
    }

    /// Bytes in `lo..=hi` (`lo <= hi`, not the whole range).
    #[inline(always)]
    pub(crate) fn range(self, lo: u8, hi: u8) -> Mask16 {
        debug_assert!(lo <= hi && hi - lo < 0xFF);
        Mask16(imp::range(self.0, lo, hi))
    }

    /// Bytes from 0x80 up.
    #[inline(always)]
    pub(crate) fn high(self) -> Mask16 {
        Mask16(imp::high(self.0))
    }
}

impl Mask16 {
    /// The mask as bits, bit `i` for byte `i`.
    #[inline(always)]
    pub(crate) fn bits(self) -> u16 {
        imp::bits(self.0)
    }
}

impl std::ops::BitOr for Mask16 {
    type Output = Mask16;

    #[inline(always)]
    fn bitor(self, other: Mask16) -> Mask16 {
        Mask16(imp::or(self.0, other.0))
    }
}

/// The index of the first byte of `b` from `i` on that `class` takes, or
/// `b.len()` when there is none: sixteen bytes at a time. The last few are
/// read in the last sixteen bytes of `b`, the ones before them masked off; a
/// slice shorter than sixteen bytes is padded with spaces, which `class` must
/// leave out.
#[inline(always)]
pub(crate) fn find(b: &[u8], mut i: usize, class: impl Fn(Bytes16) -> Mask16) -> usize {
    let load = |chunk: &[u8]| Bytes16::load(chunk.try_into().unwrap_or(&[b' '; 16]));
    while let Some(chunk) = b.get(i..i + 16) {
        let found = class(load(chunk)).bits();
        if found != 0 {
            return i + found.trailing_zeros() as usize;
        }
        i += 16;
    }
    if i >= b.len() {
        return b.len();
    }
    let (start, x) = match b.len().checked_sub(16) {
        Some(start) => (start, load(&b[start..])),
        None => {
            let mut padded = [b' '; 16];
            padded[..b.len()].copy_from_slice(b);
            (0, Bytes16::load(&padded))
        }
    };
    let found = class(x).bits() >> (i - start);
    if found != 0 {
        i + found.trailing_zeros() as usize
    } else {
        b.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn sixteen_bytes_compare_as_byte_by_byte(
            bytes in proptest::array::uniform16(proptest::prelude::any::<u8>()),
            a in proptest::prelude::any::<u8>(),
            b in proptest::prelude::any::<u8>(),
        ) {
            // Any bounds but the whole range.
            let (lo, hi) = (a.min(b), a.max(b));
            let hi = if hi - lo == 0xFF { 0xFE } else { hi };
            let (v, p) = (imp::load(&bytes), portable::load(&bytes));
            proptest::prop_assert_eq!(imp::bits(imp::eq(v, a)), portable::eq(p, a));
            proptest::prop_assert_eq!(
                imp::bits(imp::or(imp::range(v, lo, hi), imp::eq(v, b))),
                portable::bits(portable::or(portable::range(p, lo, hi), portable::eq(p, b)))
            );
            proptest::prop_assert_eq!(imp::bits(imp::high(v)), portable::high(p));
        }
    }
}
