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

#endif
#endif
