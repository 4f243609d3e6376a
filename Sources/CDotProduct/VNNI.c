// The x86 VNNI microkernels. Only these functions carry the AVX-512 VNNI / AVX-VNNI target attributes, so the
// rest of the package keeps its x86-64-v3 (AVX2) baseline and the binary runs on CPUs without them; Kernels calls
// them after checking CPUID (`edgefleet_cpu_features`). `vpdpbusd` multiplies unsigned by signed bytes: the
// activations arrive with their sign bit flipped (x + 128) and each lane starts from −128 × Σw, so the sums equal
// the signed dot products exactly (all int32 arithmetic wraps the same way). The portable twin is
// `gemmTile4x16QuadsPortable` in Kernels; KernelsTests compares them byte for byte on random shapes.
#include "CVNNI.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

static inline int32_t edgefleet_load_quad(const uint8_t *p) {
    int32_t q;
    memcpy(&q, p, 4);
    return q;
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void edgefleet_vnni512_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators) {
    // Two accumulator sets (even and odd k) so eight independent `vpdpbusd` chains hide the instruction's latency.
    __m512i a0 = _mm512_loadu_si512(start), a1 = a0, a2 = a0, a3 = a0;
    __m512i b0 = _mm512_setzero_si512(), b1 = b0, b2 = b0, b3 = b0;
    intptr_t k = 0;
    for (; k + 1 < kQuads; k += 2) {
        __m512i w0 = _mm512_loadu_si512(weights + 64 * k);
        __m512i w1 = _mm512_loadu_si512(weights + 64 * k + 64);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k)), w0);
        a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(edgefleet_load_quad(p1 + 4 * k)), w0);
        a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(edgefleet_load_quad(p2 + 4 * k)), w0);
        a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(edgefleet_load_quad(p3 + 4 * k)), w0);
        b0 = _mm512_dpbusd_epi32(b0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k + 4)), w1);
        b1 = _mm512_dpbusd_epi32(b1, _mm512_set1_epi32(edgefleet_load_quad(p1 + 4 * k + 4)), w1);
        b2 = _mm512_dpbusd_epi32(b2, _mm512_set1_epi32(edgefleet_load_quad(p2 + 4 * k + 4)), w1);
        b3 = _mm512_dpbusd_epi32(b3, _mm512_set1_epi32(edgefleet_load_quad(p3 + 4 * k + 4)), w1);
    }
    if (k < kQuads) {
        __m512i w0 = _mm512_loadu_si512(weights + 64 * k);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k)), w0);
        a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(edgefleet_load_quad(p1 + 4 * k)), w0);
        a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(edgefleet_load_quad(p2 + 4 * k)), w0);
        a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(edgefleet_load_quad(p3 + 4 * k)), w0);
    }
    _mm512_storeu_si512(accumulators + 0, _mm512_add_epi32(a0, b0));
    _mm512_storeu_si512(accumulators + 16, _mm512_add_epi32(a1, b1));
    _mm512_storeu_si512(accumulators + 32, _mm512_add_epi32(a2, b2));
    _mm512_storeu_si512(accumulators + 48, _mm512_add_epi32(a3, b3));
}

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

__attribute__((target("avx512f")))
void edgefleet_avx512_requantize16(const int32_t *x, const int32_t *multipliers, const int32_t *shifts, int32_t *out) {
    _mm512_storeu_si512(out, edgefleet_requantize16(_mm512_loadu_si512(x), _mm512_loadu_si512(multipliers),
                                                    _mm512_loadu_si512(shifts)));
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void edgefleet_vnni512_conv_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                     const uint8_t *p3, intptr_t kQuads, const int32_t *start, intptr_t pixels,
                                     intptr_t channels, const int32_t *bias, const int32_t *multipliers,
                                     const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *out,
                                     intptr_t outStride) {
    __m512i a0 = _mm512_loadu_si512(start), a1 = a0, a2 = a0, a3 = a0;
    __m512i b0 = _mm512_setzero_si512(), b1 = b0, b2 = b0, b3 = b0;
    intptr_t k = 0;
    for (; k + 1 < kQuads; k += 2) {
        __m512i w0 = _mm512_loadu_si512(weights + 64 * k);
        __m512i w1 = _mm512_loadu_si512(weights + 64 * k + 64);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k)), w0);
        a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(edgefleet_load_quad(p1 + 4 * k)), w0);
        a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(edgefleet_load_quad(p2 + 4 * k)), w0);
        a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(edgefleet_load_quad(p3 + 4 * k)), w0);
        b0 = _mm512_dpbusd_epi32(b0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k + 4)), w1);
        b1 = _mm512_dpbusd_epi32(b1, _mm512_set1_epi32(edgefleet_load_quad(p1 + 4 * k + 4)), w1);
        b2 = _mm512_dpbusd_epi32(b2, _mm512_set1_epi32(edgefleet_load_quad(p2 + 4 * k + 4)), w1);
        b3 = _mm512_dpbusd_epi32(b3, _mm512_set1_epi32(edgefleet_load_quad(p3 + 4 * k + 4)), w1);
    }
    if (k < kQuads) {
        __m512i w0 = _mm512_loadu_si512(weights + 64 * k);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k)), w0);
        a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(edgefleet_load_quad(p1 + 4 * k)), w0);
        a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(edgefleet_load_quad(p2 + 4 * k)), w0);
        a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(edgefleet_load_quad(p3 + 4 * k)), w0);
    }
    __m512i acc[4] = {_mm512_add_epi32(a0, b0), _mm512_add_epi32(a1, b1), _mm512_add_epi32(a2, b2),
                      _mm512_add_epi32(a3, b3)};
    __mmask16 lanes = (__mmask16)((1u << channels) - 1);
    __m512i bv = _mm512_maskz_loadu_epi32(lanes, bias);
    __m512i mv = _mm512_maskz_loadu_epi32(lanes, multipliers);
    __m512i sv = _mm512_maskz_loadu_epi32(lanes, shifts);
    __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t i = 0; i < pixels; i++) {
        __m512i v = _mm512_add_epi32(edgefleet_requantize16(_mm512_add_epi32(acc[i], bv), mv, sv), zp);
        v = _mm512_min_epi32(_mm512_max_epi32(v, low), high);
        // Clamped to int8 already, so the saturating narrow is exact.
        _mm512_mask_cvtsepi32_storeu_epi8(out + i * outStride, lanes, v);
    }
}

__attribute__((target("avx512f")))
void edgefleet_avx512_binary8(const void *input1, const void *input2, void *output, intptr_t count, int operation,
                              int isUnsigned, int32_t offset1, int32_t offset2, int32_t leftShift, int32_t m1,
                              int32_t s1, int32_t m2, int32_t s2, int32_t mo, int32_t so, int32_t zeroPoint,
                              int32_t lo, int32_t hi) {
    const uint8_t *a = (const uint8_t *)input1, *b = (const uint8_t *)input2;
    uint8_t *out = (uint8_t *)output;
    const __m512i o1 = _mm512_set1_epi32(offset1), o2 = _mm512_set1_epi32(offset2), ls = _mm512_set1_epi32(leftShift);
    const __m512i vm1 = _mm512_set1_epi32(m1), vs1 = _mm512_set1_epi32(s1), vm2 = _mm512_set1_epi32(m2);
    const __m512i vs2 = _mm512_set1_epi32(s2), vmo = _mm512_set1_epi32(mo), vso = _mm512_set1_epi32(so);
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t i = 0; i + 16 <= count; i += 16) {
        __m128i ra = _mm_loadu_si128((const __m128i *)(a + i)), rb = _mm_loadu_si128((const __m128i *)(b + i));
        __m512i x = isUnsigned ? _mm512_cvtepu8_epi32(ra) : _mm512_cvtepi8_epi32(ra);
        __m512i y = isUnsigned ? _mm512_cvtepu8_epi32(rb) : _mm512_cvtepi8_epi32(rb);
        x = _mm512_add_epi32(x, o1);
        y = _mm512_add_epi32(y, o2);
        __m512i raw;
        if (operation == 2) {
            raw = _mm512_mullo_epi32(x, y);
        } else {
            x = edgefleet_requantize16(_mm512_sllv_epi32(x, ls), vm1, vs1);
            y = edgefleet_requantize16(_mm512_sllv_epi32(y, ls), vm2, vs2);
            raw = operation == 1 ? _mm512_sub_epi32(x, y) : _mm512_add_epi32(x, y);
        }
        __m512i v = _mm512_add_epi32(edgefleet_requantize16(raw, vmo, vso), zp);
        v = _mm512_min_epi32(_mm512_max_epi32(v, low), high);
        // Clamped to the element type already, so the saturating narrows are exact.
        __m128i bytes = isUnsigned ? _mm512_cvtusepi32_epi8(v) : _mm512_cvtsepi32_epi8(v);
        _mm_storeu_si128((__m128i *)(out + i), bytes);
    }
}

__attribute__((target("avx2,avxvnni")))
void edgefleet_avxvnni_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators) {
    __m256i s0 = _mm256_loadu_si256((const __m256i *)start), s1 = _mm256_loadu_si256((const __m256i *)(start + 8));
    __m256i a00 = s0, a01 = s1, a10 = s0, a11 = s1, a20 = s0, a21 = s1, a30 = s0, a31 = s1;
    for (intptr_t k = 0; k < kQuads; k++) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)(weights + 64 * k));
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(weights + 64 * k + 32));
        __m256i x0 = _mm256_set1_epi32(edgefleet_load_quad(p0 + 4 * k));
        __m256i x1 = _mm256_set1_epi32(edgefleet_load_quad(p1 + 4 * k));
        __m256i x2 = _mm256_set1_epi32(edgefleet_load_quad(p2 + 4 * k));
        __m256i x3 = _mm256_set1_epi32(edgefleet_load_quad(p3 + 4 * k));
        a00 = _mm256_dpbusd_avx_epi32(a00, x0, w0); a01 = _mm256_dpbusd_avx_epi32(a01, x0, w1);
        a10 = _mm256_dpbusd_avx_epi32(a10, x1, w0); a11 = _mm256_dpbusd_avx_epi32(a11, x1, w1);
        a20 = _mm256_dpbusd_avx_epi32(a20, x2, w0); a21 = _mm256_dpbusd_avx_epi32(a21, x2, w1);
        a30 = _mm256_dpbusd_avx_epi32(a30, x3, w0); a31 = _mm256_dpbusd_avx_epi32(a31, x3, w1);
    }
    _mm256_storeu_si256((__m256i *)(accumulators + 0), a00); _mm256_storeu_si256((__m256i *)(accumulators + 8), a01);
    _mm256_storeu_si256((__m256i *)(accumulators + 16), a10); _mm256_storeu_si256((__m256i *)(accumulators + 24), a11);
    _mm256_storeu_si256((__m256i *)(accumulators + 32), a20); _mm256_storeu_si256((__m256i *)(accumulators + 40), a21);
    _mm256_storeu_si256((__m256i *)(accumulators + 48), a30); _mm256_storeu_si256((__m256i *)(accumulators + 56), a31);
}

#else
void edgefleet_vnni512_conv_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                     const uint8_t *p3, intptr_t kQuads, const int32_t *start, intptr_t pixels,
                                     intptr_t channels, const int32_t *bias, const int32_t *multipliers,
                                     const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *out,
                                     intptr_t outStride) {
    (void)weights; (void)p0; (void)p1; (void)p2; (void)p3; (void)kQuads; (void)start; (void)pixels; (void)channels;
    (void)bias; (void)multipliers; (void)shifts; (void)zeroPoint; (void)lo; (void)hi; (void)out; (void)outStride;
}

void edgefleet_avx512_requantize16(const int32_t *x, const int32_t *multipliers, const int32_t *shifts, int32_t *out) {
    (void)x; (void)multipliers; (void)shifts; (void)out;
}

void edgefleet_avx512_binary8(const void *input1, const void *input2, void *output, intptr_t count, int operation,
                              int isUnsigned, int32_t offset1, int32_t offset2, int32_t leftShift, int32_t m1,
                              int32_t s1, int32_t m2, int32_t s2, int32_t mo, int32_t so, int32_t zeroPoint,
                              int32_t lo, int32_t hi) {
    (void)input1; (void)input2; (void)output; (void)count; (void)operation; (void)isUnsigned; (void)offset1;
    (void)offset2; (void)leftShift; (void)m1; (void)s1; (void)m2; (void)s2; (void)mo; (void)so; (void)zeroPoint;
    (void)lo; (void)hi;
}

void edgefleet_vnni512_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators) {
    (void)weights; (void)p0; (void)p1; (void)p2; (void)p3; (void)kQuads; (void)start; (void)accumulators;
}

void edgefleet_avxvnni_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators) {
    (void)weights; (void)p0; (void)p1; (void)p2; (void)p3; (void)kQuads; (void)start; (void)accumulators;
}
#endif
