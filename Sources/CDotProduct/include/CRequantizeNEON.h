#ifndef EDGEFLEET_CREQUANTIZENEON_H
#define EDGEFLEET_CREQUANTIZENEON_H

// TFLite's double-rounding MultiplyByQuantizedMultiplier on NEON, as its optimized kernels do it
// (tensorflow/lite/kernels/internal/optimized: `vqrdmulhq_s32`, then gemmlowp's NEON RoundingDivideByPOT —
// a rounding shift `vrshlq_s32` after a saturating −1 on negative values). Static inline in the header so that
// Swift (Kernels' `#if arch(arm64)` branches, which see `int32x4_t` as `SIMD4<Int32>`) inlines them into the
// convolution, depthwise and elementwise loops, and so that scripts/qemu/kernel-check.c tests the very same
// code. NEON is baseline on aarch64: no run-time check. Nothing here exists on other architectures.
//
// Why it is exact for every input (the reference is Kernels' scalar `multiplyByQuantizedMultiplier`):
// - `sqrdmulh` is sat((2ab + 2^31) >> 32) = ⌊(ab + 2^30) / 2^31⌋, saturating only for a = b = INT32_MIN, where
//   SaturatingRoundingDoublingHighMul returns INT32_MAX too; its sign-dependent nudge and division toward zero
//   equal that floor for both signs (derivation in Requantization+SIMD.swift).
// - `srshl` by −e is ⌊(x + 2^(e−1)) / 2^e⌋ in full precision (round half up, no overflow at INT32_MAX).
//   RoundingDivideByPOT rounds half away from zero; for x < 0 that is ⌊(x − 1 + 2^(e−1)) / 2^e⌋, so negative
//   values get −1 first (the fix-up: the sign bit of x & −e, set only for x < 0 and e > 0). At x = INT32_MIN
//   the −1 saturates, which changes nothing: −2^31 is a multiple of 2^e, both give −2^(31−e).
// - The left shift (shift > 0) wraps like TFLite's `x * (1 << left_shift)` in two's complement.

#if defined(__aarch64__)
#include <arm_neon.h>
#include <stdint.h>

/// Four lanes of `MultiplyByQuantizedMultiplier(x, multiplier, shift)` (double rounding), byte-exact with the
/// scalar reference for every `x` and `multiplier` and `shift` in −31…31. Pure; inlined into the caller.
static inline __attribute__((always_inline)) int32x4_t edgefleet_neon_requantize4(int32x4_t x, int32x4_t multiplier,
                                                                                  int32x4_t shift) {
    const int32x4_t zero = vdupq_n_s32(0);
    int32x4_t left = vmaxq_s32(shift, zero);
    int32x4_t right = vminq_s32(shift, zero);  // −exponent: `srshl` by a negative amount shifts right, rounding
    int32x4_t high = vqrdmulhq_s32(vshlq_s32(x, left), multiplier);
    int32x4_t fixup = vshrq_n_s32(vandq_s32(high, right), 31);
    return vrshlq_s32(vqaddq_s32(high, fixup), right);
}

/// Eight requantised lanes (`x0` channels 0–3, `x1` channels 4–7) plus `zeroPoint`, clamped to [lo, hi] and
/// narrowed to int16 (exact: callers' ranges lie within int8/uint8/int16). Pure; inlined.
static inline __attribute__((always_inline)) int16x8_t edgefleet_neon_requantize8(
    int32x4_t x0, int32x4_t x1, int32x4_t m0, int32x4_t m1, int32x4_t s0, int32x4_t s1,
    int32_t zeroPoint, int32_t lo, int32_t hi) {
    const int32x4_t zp = vdupq_n_s32(zeroPoint), vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
    int32x4_t v0 = vminq_s32(vmaxq_s32(vaddq_s32(edgefleet_neon_requantize4(x0, m0, s0), zp), vlo), vhi);
    int32x4_t v1 = vminq_s32(vmaxq_s32(vaddq_s32(edgefleet_neon_requantize4(x1, m1, s1), zp), vlo), vhi);
    return vcombine_s16(vmovn_s32(v0), vmovn_s32(v1));
}

/// `edgefleet_neon_requantize8` stored as eight int8 at `out` (8 bytes, any alignment). `lo`/`hi` must lie in
/// −128…127. `out` is borrowed for the call only.
static inline __attribute__((always_inline)) void edgefleet_neon_requantize8_store_s8(
    int32x4_t x0, int32x4_t x1, int32x4_t m0, int32x4_t m1, int32x4_t s0, int32x4_t s1,
    int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *out) {
    vst1_s8(out, vmovn_s16(edgefleet_neon_requantize8(x0, x1, m0, m1, s0, s1, zeroPoint, lo, hi)));
}

/// `edgefleet_neon_requantize8` stored as eight uint8 at `out` (8 bytes, any alignment). `lo`/`hi` must lie in
/// 0…255. `out` is borrowed for the call only.
static inline __attribute__((always_inline)) void edgefleet_neon_requantize8_store_u8(
    int32x4_t x0, int32x4_t x1, int32x4_t m0, int32x4_t m1, int32x4_t s0, int32x4_t s1,
    int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *out) {
    vst1_u8(out, vmovn_u16(vreinterpretq_u16_s16(edgefleet_neon_requantize8(x0, x1, m0, m1, s0, s1, zeroPoint, lo, hi))));
}

/// `edgefleet_neon_requantize8` stored as eight int16 at `out` (16 bytes, any alignment). `out` is borrowed
/// for the call only.
static inline __attribute__((always_inline)) void edgefleet_neon_requantize8_store_s16(
    int32x4_t x0, int32x4_t x1, int32x4_t m0, int32x4_t m1, int32x4_t s0, int32x4_t s1,
    int32_t zeroPoint, int32_t lo, int32_t hi, int16_t *out) {
    vst1q_s16(out, edgefleet_neon_requantize8(x0, x1, m0, m1, s0, s1, zeroPoint, lo, hi));
}
#endif

#endif
