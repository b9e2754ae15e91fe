//! Sixteen bytes compared at once, for the scans of the repair and classify
//! stages: SSE2 on x86-64 (in every x86-64 processor), byte by byte elsewhere.
//! Thirty-two at once ([`Bytes32`]) for code compiled for AVX2 and run where
//! the processor has it ([`has_avx2`]); [`Lanes`] is what both widths share.

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

/// Bytes compared all at once, whatever the width: what a byte class is
/// written against, so that one class serves [`Bytes16`] and, where the
/// processor has AVX2, [`Bytes32`].
pub(crate) trait Lanes: Copy {
    /// Which lanes passed a comparison; combined with `|`.
    type Mask: Copy + std::ops::BitOr<Output = Self::Mask>;
    /// Bytes equal to `b`.
    fn eq(self, b: u8) -> Self::Mask;
    /// Bytes in `lo..=hi` (`lo <= hi`, not the whole range).
    fn range(self, lo: u8, hi: u8) -> Self::Mask;
    /// Bytes from 0x80 up.
    fn high(self) -> Self::Mask;
}

impl Lanes for Bytes16 {
    type Mask = Mask16;

    #[inline(always)]
    fn eq(self, b: u8) -> Mask16 {
        Bytes16::eq(self, b)
    }

    #[inline(always)]
    fn range(self, lo: u8, hi: u8) -> Mask16 {
        Bytes16::range(self, lo, hi)
    }

    #[inline(always)]
    fn high(self) -> Mask16 {
        Bytes16::high(self)
    }
}

/// Asks the processor to bring the cache line holding `p` closer, ahead of
/// a read or write of it: a hint, with no effect on what the program does.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    // SAFETY: a prefetch never faults, whatever the address; SSE is in the
    // x86-64 baseline (checked by the `cfg`).
    #[allow(unsafe_code)]
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>());
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = p;
}

/// Whether the processor has AVX2 (looked up once, then read from a cache).
#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::{Bytes32, Mask32};

/// Thirty-two bytes at a time with AVX2, for code compiled with the feature
/// (`#[target_feature(enable = "avx2")]`) and run only where
/// [`has_avx2`] says so.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi8, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };

    /// Thirty-two bytes. Made only by [`Bytes32::load`], whose caller
    /// vouches for AVX2: every other method may then use it.
    #[derive(Clone, Copy)]
    pub(crate) struct Bytes32(__m256i);

    /// Which of the thirty-two bytes passed a comparison: a lane passes when
    /// its top bit is set.
    #[derive(Clone, Copy)]
    pub(crate) struct Mask32(__m256i);

    impl Bytes32 {
        /// Loads thirty-two bytes.
        ///
        /// # Safety
        /// The processor must have AVX2.
        #[inline(always)]
        pub(crate) unsafe fn load(b: &[u8; 32]) -> Bytes32 {
            // SAFETY: AVX2 is there (this function's contract); the load
            // reads the 32 bytes of `b`, unaligned.
            Bytes32(unsafe { _mm256_loadu_si256(b.as_ptr().cast::<__m256i>()) })
        }
    }

    impl Mask32 {
        /// The mask as bits, bit `i` for byte `i`.
        #[inline(always)]
        pub(crate) fn bits(self) -> u32 {
            // SAFETY: a mask comes from a `Bytes32`, so AVX2 is there.
            unsafe { _mm256_movemask_epi8(self.0) as u32 }
        }
    }

    impl std::ops::BitOr for Mask32 {
        type Output = Mask32;

        #[inline(always)]
        fn bitor(self, other: Mask32) -> Mask32 {
            // SAFETY: masks come from `Bytes32`, so AVX2 is there.
            Mask32(unsafe { _mm256_or_si256(self.0, other.0) })
        }
    }

    impl super::Lanes for Bytes32 {
        type Mask = Mask32;

        #[inline(always)]
        fn eq(self, b: u8) -> Mask32 {
            // SAFETY: a `Bytes32` exists, so AVX2 is there.
            Mask32(unsafe { _mm256_cmpeq_epi8(self.0, _mm256_set1_epi8(b as i8)) })
        }

        /// As the SSE2 `range`: shifted so that `lo` lands on -128, the
        /// bytes in range are the ones below `-128 + (hi - lo) + 1`.
        #[inline(always)]
        fn range(self, lo: u8, hi: u8) -> Mask32 {
            debug_assert!(lo <= hi && hi - lo < 0xFF);
            let shift = 0x80u8.wrapping_sub(lo) as i8;
            let bound = 0x81u8.wrapping_add(hi - lo) as i8;
            // SAFETY: a `Bytes32` exists, so AVX2 is there.
            Mask32(unsafe {
                _mm256_cmpgt_epi8(
                    _mm256_set1_epi8(bound),
                    _mm256_add_epi8(self.0, _mm256_set1_epi8(shift)),
                )
            })
        }

        #[inline(always)]
        fn high(self) -> Mask32 {
            Mask32(self.0)
        }
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

        #[test]
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        fn thirty_two_bytes_compare_as_byte_by_byte(
            bytes in proptest::array::uniform32(proptest::prelude::any::<u8>()),
            a in proptest::prelude::any::<u8>(),
            b in proptest::prelude::any::<u8>(),
        ) {
            if !has_avx2() {
                return Ok(());
            }
            let (lo, hi) = (a.min(b), a.max(b));
            let hi = if hi - lo == 0xFF { 0xFE } else { hi };
            // SAFETY: the processor has AVX2 (checked above).
            let v = unsafe { Bytes32::load(&bytes) };
            // Each half, byte by byte.
            let plain = |f: &dyn Fn(portable::V) -> u16| {
                let half = |k: usize| {
                    let h: [u8; 16] = bytes[16 * k..16 * k + 16].try_into().unwrap();
                    u32::from(f(portable::load(&h)))
                };
                half(0) | half(1) << 16
            };
            proptest::prop_assert_eq!(Lanes::eq(v, a).bits(), plain(&|p| portable::eq(p, a)));
            proptest::prop_assert_eq!(
                (Lanes::range(v, lo, hi) | Lanes::eq(v, b)).bits(),
                plain(&|p| portable::or(portable::range(p, lo, hi), portable::eq(p, b)))
            );
            proptest::prop_assert_eq!(Lanes::high(v).bits(), plain(&|p| portable::high(p)));
        }
    }
}
