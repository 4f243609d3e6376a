// Shared by the AVX-512 kernels (VNNI.c, Depthwise512.c): not part of the public header.
#ifndef EDGEFLEET_REQUANTIZE16_H
#define EDGEFLEET_REQUANTIZE16_H
#if defined(__x86_64__)
#include <immintrin.h>

// Sixteen lanes of TFLite's double-rounding MultiplyByQuantizedMultiplier, instruction for instruction the AVX2
// form in Kernels (Requantization+SIMD.swift): left shift, 32×32→64 products of even and odd lanes, the rounding
// doubling high half as (p + 2^30) >> 31, then the rounding right shift per lane.
__attribute__((target("avx512f")))
static inline __m512i edgefleet_requantize16(__m512i x, __m512i multiplier, __m512i shift) {
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
    __m512i leftShift = _mm512_max_epi32(shift, zero);
    __m512i rightShift = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
    __m512i a = _mm512_sllv_epi32(x, leftShift);
    const __m512i nudge = _mm512_set1_epi64(1LL << 30);
    __m512i even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(a, multiplier), nudge), 31);
    __m512i odd = _mm512_srli_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(multiplier, 32)), nudge), 31);
    __m512i q = _mm512_mask_blend_epi32((__mmask16)0xAAAA, even, _mm512_slli_epi64(odd, 32));
    __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, rightShift), one);
    __m512i remainder = _mm512_and_si512(q, mask);
    __m512i threshold = _mm512_add_epi32(_mm512_srai_epi32(mask, 1), _mm512_srli_epi32(q, 31));
    __mmask16 roundUp = _mm512_cmpgt_epi32_mask(remainder, threshold);
    __m512i shifted = _mm512_srav_epi32(q, rightShift);
    return _mm512_mask_add_epi32(shifted, roundUp, shifted, one);
}


// The per-channel constants of `edgefleet_requantize16` for sixteen channels, prepared once per call and block
// (`edgefleet_rq16_prepare`) so that each vector of sums then costs 14 instructions (`edgefleet_rq16_apply`)
// instead of 17: the two roundings of MultiplyByQuantizedMultiplier are merged into one 64-bit arithmetic shift.
typedef struct edgefleet_rq16 {
    __m512i bias, multiplier, multiplierOdd, leftShift;
    __m512i nudgeEven, nudgeOdd, negativeEven, negativeOdd, shiftEven, shiftOdd;
} edgefleet_rq16;

// Why one shift is exact: with p = a × m (64-bit; |p| < 2^62), SaturatingRoundingDoublingHighMul is
// q = ⌊(p + 2^30) / 2^31⌋ (gemmlowp's nudge and truncating division amount to this for both signs; the saturating
// case needs m = INT32_MIN, and multipliers are positive), and RoundingDivideByPOT(q, r) for r ≥ 1 is
// ⌊(q + 2^(r−1) − [q < 0]) / 2^r⌋ (round half away from zero). Since ⌊(⌊x / A⌋ + c) / B⌋ = ⌊(x + cA) / (AB)⌋ for
// integers, the result is (p + 2^30 + 2^(30+r) − [p < −2^30] × 2^31) >> (31 + r), and for r = 0 it is
// (p + 2^30) >> 31; no intermediate leaves the int64 range for r ≤ 31 (TFLite's shifts are ≥ −31).
__attribute__((target("avx512f")))
static inline void edgefleet_rq16_prepare(edgefleet_rq16 *q, const int32_t *bias, const int32_t *multipliers,
                                          const int32_t *shifts, __mmask16 lanes) {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i shift = _mm512_maskz_loadu_epi32(lanes, shifts);
    q->bias = _mm512_maskz_loadu_epi32(lanes, bias);
    q->multiplier = _mm512_maskz_loadu_epi32(lanes, multipliers);
    q->multiplierOdd = _mm512_srli_epi64(q->multiplier, 32);
    q->leftShift = _mm512_max_epi32(shift, zero);
    const __m512i right = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
    const __m512i rightEven = _mm512_and_si512(right, _mm512_set1_epi64(0xFFFFFFFFll));
    const __m512i rightOdd = _mm512_srli_epi64(right, 32);
    const __m512i half = _mm512_set1_epi64(1ll << 30), negative = _mm512_set1_epi64(1ll << 31);
    const __m512i base = _mm512_set1_epi64(31);
    const __mmask8 roundsEven = _mm512_cmpgt_epi64_mask(rightEven, zero);
    const __mmask8 roundsOdd = _mm512_cmpgt_epi64_mask(rightOdd, zero);
    q->nudgeEven = _mm512_add_epi64(half, _mm512_maskz_sllv_epi64(roundsEven, half, rightEven));
    q->nudgeOdd = _mm512_add_epi64(half, _mm512_maskz_sllv_epi64(roundsOdd, half, rightOdd));
    q->negativeEven = _mm512_maskz_mov_epi64(roundsEven, negative);
    q->negativeOdd = _mm512_maskz_mov_epi64(roundsOdd, negative);
    q->shiftEven = _mm512_add_epi64(rightEven, base);
    q->shiftOdd = _mm512_add_epi64(rightOdd, base);
}

// MultiplyByQuantizedMultiplier(acc + bias) of sixteen lanes with prepared constants; equal to
// `edgefleet_requantize16(acc + bias, multiplier, shift)` lane for lane (KernelsTests compare them).
__attribute__((target("avx512f")))
static inline __m512i edgefleet_rq16_apply(__m512i acc, const edgefleet_rq16 *q) {
    const __m512i a = _mm512_sllv_epi32(_mm512_add_epi32(acc, q->bias), q->leftShift);
    const __m512i limit = _mm512_set1_epi64(-(1ll << 30));
    __m512i even = _mm512_mul_epi32(a, q->multiplier);
    __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(a, 32), q->multiplierOdd);
    const __mmask8 negativeEven = _mm512_cmplt_epi64_mask(even, limit);
    const __mmask8 negativeOdd = _mm512_cmplt_epi64_mask(odd, limit);
    even = _mm512_add_epi64(even, q->nudgeEven);
    odd = _mm512_add_epi64(odd, q->nudgeOdd);
    even = _mm512_mask_sub_epi64(even, negativeEven, even, q->negativeEven);
    odd = _mm512_mask_sub_epi64(odd, negativeOdd, odd, q->negativeOdd);
    even = _mm512_srav_epi64(even, q->shiftEven);
    odd = _mm512_srav_epi64(odd, q->shiftOdd);
    return _mm512_mask_blend_epi32((__mmask16)0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

#endif
#endif
