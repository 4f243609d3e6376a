// The AVX-512 int8 depthwise convolution (multiplier 1): sixteen channels per ZMM register, any filter size,
// stride, dilation and padding, the requantisation fused (the same `edgefleet_requantize16` as the GEMM tile).
// Only these functions carry the AVX-512 target attribute, so the binary still runs on a CPU without it; Kernels
// calls them after checking CPUID. The portable twin is the Swift `depthwise` loop in Kernels; KernelsTests
// compares both with TFLite's reference byte for byte on random shapes.
#include "CDepthwise.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "Requantize16.h"

#define EDGEFLEET_DW_TARGET __attribute__((target("avx512f,avx512bw")))

// Sixteen int8 values sign-extended to int32; a channel tail reads only its `mask` bytes (masked loads do not
// fault on the bytes they skip, so a tail at the very end of a buffer is safe).
EDGEFLEET_DW_TARGET static inline __m512i edgefleet_dw_load(const int8_t *p, int full, __mmask64 mask) {
    if (full) return _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm512_cvtepi8_epi32(_mm512_castsi512_si128(_mm512_maskz_loadu_epi8(mask, p)));
}

EDGEFLEET_DW_TARGET static inline void edgefleet_dw_store(int8_t *out, __m512i acc, __m512i mult, __m512i shift,
                                                          __m512i zp, __m512i lo, __m512i hi, int full,
                                                          __mmask16 lanes) {
    __m512i v = _mm512_add_epi32(edgefleet_requantize16(acc, mult, shift), zp);
    v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
    // Clamped to int8 already, so the saturating narrow is exact.
    if (full) _mm_storeu_si128((__m128i *)out, _mm512_cvtsepi32_epi8(v));
    else _mm512_mask_cvtsepi32_storeu_epi8(out, lanes, v);
}

EDGEFLEET_DW_TARGET
void edgefleet_avx512_depthwise_pixel(const int8_t *const *rows, intptr_t taps, const int8_t *filter,
                                      intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                      const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                      int32_t lo, int32_t hi, int8_t *out) {
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t c = first; c < end; c += 16) {
        intptr_t n = end - c < 16 ? end - c : 16;
        int full = n == 16;
        __mmask16 lanes = (__mmask16)((1u << n) - 1);
        __mmask64 bytes = (__mmask64)((1ull << n) - 1);
        __m512i acc = _mm512_maskz_loadu_epi32(lanes, bias + c);
        for (intptr_t t = 0; t < taps; t++) {
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_dw_load(rows[t] + c, full, bytes),
                                                           edgefleet_dw_load(filter + t * channels + c, full, bytes)));
        }
        edgefleet_dw_store(out + c, acc, _mm512_maskz_loadu_epi32(lanes, multipliers + c),
                           _mm512_maskz_loadu_epi32(lanes, shifts + c), zp, low, high, full, lanes);
    }
}

// One channel block of a run of interior pixels, the block's weights widened once and held in registers (the
// compiler unrolls the tap loop when `TAPS` is a constant, as for 3×3).
#define EDGEFLEET_DW_INTERIOR_BODY(TAPS)                                                                           \
    __m512i w[TAPS];                                                                                           \
    for (intptr_t t = 0; t < (TAPS); t++) w[t] = edgefleet_dw_load(filter + t * channels + c, full, bytes);    \
    for (intptr_t i = 0; i < pixels; i++) {                                                                    \
        const int8_t *x = x0 + i * pixelStep + c;                                                              \
        __m512i acc = bv;                                                                                      \
        for (intptr_t t = 0; t < (TAPS); t++)                                                                  \
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_dw_load(x + tapOffsets[t], full, bytes), w[t])); \
        edgefleet_dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);                   \
    }

EDGEFLEET_DW_TARGET
void edgefleet_avx512_depthwise_interior(const int8_t *x0, intptr_t pixels, intptr_t pixelStep,
                                         const intptr_t *tapOffsets, intptr_t taps, const int8_t *filter,
                                         intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                         const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                         int32_t lo, int32_t hi, int8_t *out0, intptr_t outStep) {
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t c = first; c < end; c += 16) {
        intptr_t n = end - c < 16 ? end - c : 16;
        int full = n == 16;
        __mmask16 lanes = (__mmask16)((1u << n) - 1);
        __mmask64 bytes = (__mmask64)((1ull << n) - 1);
        const __m512i bv = _mm512_maskz_loadu_epi32(lanes, bias + c);
        const __m512i mv = _mm512_maskz_loadu_epi32(lanes, multipliers + c);
        const __m512i sv = _mm512_maskz_loadu_epi32(lanes, shifts + c);
        if (taps == 9) {
            EDGEFLEET_DW_INTERIOR_BODY(9)
        } else if (taps <= 25) {
            // 5×5 and smaller: weights still fit the 32 registers' budget reasonably; the loop stays generic.
            __m512i w[25];
            for (intptr_t t = 0; t < taps; t++) w[t] = edgefleet_dw_load(filter + t * channels + c, full, bytes);
            for (intptr_t i = 0; i < pixels; i++) {
                const int8_t *x = x0 + i * pixelStep + c;
                __m512i acc = bv;
                for (intptr_t t = 0; t < taps; t++)
                    acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_dw_load(x + tapOffsets[t], full, bytes), w[t]));
                edgefleet_dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);
            }
        } else {
            for (intptr_t i = 0; i < pixels; i++) {
                const int8_t *x = x0 + i * pixelStep + c;
                __m512i acc = bv;
                for (intptr_t t = 0; t < taps; t++)
                    acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_dw_load(x + tapOffsets[t], full, bytes),
                                                                   edgefleet_dw_load(filter + t * channels + c, full, bytes)));
                edgefleet_dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);
            }
        }
    }
}

#else
void edgefleet_avx512_depthwise_pixel(const int8_t *const *rows, intptr_t taps, const int8_t *filter,
                                      intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                      const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                      int32_t lo, int32_t hi, int8_t *out) {
    (void)rows; (void)taps; (void)filter; (void)channels; (void)first; (void)end; (void)bias; (void)multipliers;
    (void)shifts; (void)zeroPoint; (void)lo; (void)hi; (void)out;
}

void edgefleet_avx512_depthwise_interior(const int8_t *x0, intptr_t pixels, intptr_t pixelStep,
                                         const intptr_t *tapOffsets, intptr_t taps, const int8_t *filter,
                                         intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                         const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                         int32_t lo, int32_t hi, int8_t *out0, intptr_t outStep) {
    (void)x0; (void)pixels; (void)pixelStep; (void)tapOffsets; (void)taps; (void)filter; (void)channels;
    (void)first; (void)end; (void)bias; (void)multipliers; (void)shifts; (void)zeroPoint; (void)lo; (void)hi;
    (void)out0; (void)outStep;
}
#endif
