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
#include "Requantize16.h"
#include "PrefetchForWrite.h"

static inline int32_t edgefleet_load_quad(const uint8_t *p) {
    int32_t q;
    memcpy(&q, p, 4);
    return q;
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void edgefleet_vnni512_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators) {
    if (p1 == p0 && p2 == p0 && p3 == p0) {
        // One pixel repeated (a group of one: a batch-1 FULLY_CONNECTED): computed once, in four chains over k mod 4
        // for `vpdpbusd`'s latency, and stored to all four rows as the contract says.
        __m512i c0 = _mm512_loadu_si512(start), c1 = _mm512_setzero_si512(), c2 = c1, c3 = c1;
        intptr_t k = 0;
        for (; k + 3 < kQuads; k += 4) {
            c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k)), _mm512_loadu_si512(weights + 64 * k));
            c1 = _mm512_dpbusd_epi32(c1, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k + 4)), _mm512_loadu_si512(weights + 64 * k + 64));
            c2 = _mm512_dpbusd_epi32(c2, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k + 8)), _mm512_loadu_si512(weights + 64 * k + 128));
            c3 = _mm512_dpbusd_epi32(c3, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k + 12)), _mm512_loadu_si512(weights + 64 * k + 192));
        }
        for (; k < kQuads; k++)
            c0 = _mm512_dpbusd_epi32(c0, _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k)), _mm512_loadu_si512(weights + 64 * k));
        const __m512i sum = _mm512_add_epi32(_mm512_add_epi32(c0, c1), _mm512_add_epi32(c2, c3));
        for (int row = 0; row < 4; row++) _mm512_storeu_si512(accumulators + 16 * row, sum);
        return;
    }
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

__attribute__((target("avx512f")))
void edgefleet_avx512_requantize16(const int32_t *x, const int32_t *multipliers, const int32_t *shifts, int32_t *out) {
    _mm512_storeu_si512(out, edgefleet_requantize16(_mm512_loadu_si512(x), _mm512_loadu_si512(multipliers),
                                                    _mm512_loadu_si512(shifts)));
}

__attribute__((target("avx512f")))
void edgefleet_avx512_requantize16_prepared(const int32_t *x, const int32_t *multipliers, const int32_t *shifts,
                                            int32_t *out) {
    static const int32_t zeros[16] = {0};
    edgefleet_rq16 q;
    edgefleet_rq16_prepare(&q, zeros, multipliers, shifts, 0xFFFF);
    _mm512_storeu_si512(out, edgefleet_rq16_apply(_mm512_loadu_si512(x), &q));
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

// Requantises one 16-channel row of int32 sums (bias not yet added) and stores its int8 results: a full block as one
// plain 16-byte store (the masked narrowing store to memory, `vpmovsdb m128{k}`, was a tenth of the tile's time in
// perf), a partial one with the mask.
__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_store16(int8_t *out, __m512i acc, const edgefleet_rq16 *rq, __m512i zp, __m512i low,
                                     __m512i high, int full, __mmask16 lanes) {
    __m512i v = _mm512_add_epi32(edgefleet_rq16_apply(acc, rq), zp);
    v = _mm512_min_epi32(_mm512_max_epi32(v, low), high);
    // Clamped to int8 already, so the saturating narrow is exact.
    if (full) _mm_storeu_si128((__m128i *)out, _mm512_cvtsepi32_epi8(v));
    else _mm512_mask_cvtsepi32_storeu_epi8(out, lanes, v);
}

// Four pixels × 16 full channels requantised and stored at once: the int32 results narrowed with saturating packs
// (`vpackssdw`, the zero point added in int16 with saturation, `vpacksswb`), clamped on bytes, and put back in pixel
// order with one `vpermd`. Exact: a value saturated on the way is beyond the int8 range on the same side, so the
// clamp gives what clamping the int32 sum would (TFLite's optimised kernels narrow the same way).
__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_store4x16(int8_t *out, intptr_t outStride, const __m512i acc[4], const edgefleet_rq16 *rq,
                                       __m512i zp16, __m512i low8, __m512i high8) {
    __m512i v0 = edgefleet_rq16_apply(acc[0], rq);
    __m512i v1 = edgefleet_rq16_apply(acc[1], rq);
    __m512i v2 = edgefleet_rq16_apply(acc[2], rq);
    __m512i v3 = edgefleet_rq16_apply(acc[3], rq);
    __m512i p01 = _mm512_adds_epi16(_mm512_packs_epi32(v0, v1), zp16);
    __m512i p23 = _mm512_adds_epi16(_mm512_packs_epi32(v2, v3), zp16);
    // Per 128-bit lane k: dwords v0[4k…4k+3], v1[…], v2[…], v3[…] as bytes.
    __m512i b = _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(p01, p23), low8), high8);
    b = _mm512_permutexvar_epi32(_mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), b);
    _mm_storeu_si128((__m128i *)out, _mm512_castsi512_si128(b));
    _mm_storeu_si128((__m128i *)(out + outStride), _mm512_extracti32x4_epi32(b, 1));
    _mm_storeu_si128((__m128i *)(out + 2 * outStride), _mm512_extracti32x4_epi32(b, 2));
    _mm_storeu_si128((__m128i *)(out + 3 * outStride), _mm512_extracti32x4_epi32(b, 3));
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static inline void edgefleet_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads,
                                   const int32_t *starts, const uint8_t *activations, intptr_t pixels,
                                   intptr_t outputChannels, const edgefleet_rq16 *rq, int32_t zeroPoint, int32_t lo,
                                   int32_t hi, int8_t *out, intptr_t outStride) {
    // `rq[b − firstBlock]`: block b's prepared requantisation (`edgefleet_rq_blocks`).
    const intptr_t row = kQuads * 4;
    // A partial group repeats its last pixel; those results are not stored.
    const uint8_t *p0 = activations;
    const uint8_t *p1 = activations + (pixels > 1 ? 1 : pixels - 1) * row;
    const uint8_t *p2 = activations + (pixels > 2 ? 2 : pixels - 1) * row;
    const uint8_t *p3 = activations + (pixels > 3 ? 3 : pixels - 1) * row;
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    const __m512i zp16 = _mm512_set1_epi16((short)zeroPoint);
    const __m512i low8 = _mm512_set1_epi8((char)lo), high8 = _mm512_set1_epi8((char)hi);
    intptr_t block = firstBlock;
    if (pixels == 1) {
        // One pixel (a batch-1 FULLY_CONNECTED, whose one row the 4-pixel tiles below would compute four times):
        // four blocks per step, each broadcast activation quad feeding four `vpdpbusd`.
        for (; block < endBlock; block += 4) {
            const intptr_t n = endBlock - block < 4 ? endBlock - block : 4;
            const int8_t *w = quads + block * kQuads * 64;
            const intptr_t stride = kQuads * 64;
            __m512i acc[4];
            for (intptr_t j = 0; j < 4; j++) acc[j] = _mm512_loadu_si512(starts + (block + (j < n ? j : 0)) * 16);
            if (n == 4) {
                for (intptr_t k = 0; k < kQuads; k++) {
                    const __m512i x = _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k));
                    acc[0] = _mm512_dpbusd_epi32(acc[0], x, _mm512_loadu_si512(w + 64 * k));
                    acc[1] = _mm512_dpbusd_epi32(acc[1], x, _mm512_loadu_si512(w + stride + 64 * k));
                    acc[2] = _mm512_dpbusd_epi32(acc[2], x, _mm512_loadu_si512(w + 2 * stride + 64 * k));
                    acc[3] = _mm512_dpbusd_epi32(acc[3], x, _mm512_loadu_si512(w + 3 * stride + 64 * k));
                }
            } else {
                for (intptr_t k = 0; k < kQuads; k++) {
                    const __m512i x = _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k));
                    for (intptr_t j = 0; j < n; j++)
                        acc[j] = _mm512_dpbusd_epi32(acc[j], x, _mm512_loadu_si512(w + j * stride + 64 * k));
                }
            }
            for (intptr_t j = 0; j < n; j++) {
                const intptr_t c = (block + j) * 16, left = outputChannels - c;
                const int full = left >= 16;
                edgefleet_store16(out + c, acc[j], rq + (block + j - firstBlock), zp, low, high, full,
                                  (__mmask16)(full ? 0xFFFF : (1u << left) - 1));
            }
        }
        return;
    }
    // Two blocks (32 channels) per step: each broadcast activation quad feeds two `vpdpbusd`, so a k step issues
    // 6 loads for 8 multiply-adds instead of 5 for 4 (the 4×16 tile was bound by its loads).
    for (; block + 1 < endBlock; block += 2) {
        const int8_t *wa = quads + block * kQuads * 64, *wb = wa + kQuads * 64;
        __m512i a0 = _mm512_loadu_si512(starts + block * 16), b0 = _mm512_loadu_si512(starts + block * 16 + 16);
        __m512i a1 = a0, a2 = a0, a3 = a0, b1 = b0, b2 = b0, b3 = b0;
        for (intptr_t k = 0; k < kQuads; k++) {
            __m512i w0 = _mm512_loadu_si512(wa + 64 * k), w1 = _mm512_loadu_si512(wb + 64 * k);
            __m512i x0 = _mm512_set1_epi32(edgefleet_load_quad(p0 + 4 * k));
            __m512i x1 = _mm512_set1_epi32(edgefleet_load_quad(p1 + 4 * k));
            __m512i x2 = _mm512_set1_epi32(edgefleet_load_quad(p2 + 4 * k));
            __m512i x3 = _mm512_set1_epi32(edgefleet_load_quad(p3 + 4 * k));
            a0 = _mm512_dpbusd_epi32(a0, x0, w0); b0 = _mm512_dpbusd_epi32(b0, x0, w1);
            a1 = _mm512_dpbusd_epi32(a1, x1, w0); b1 = _mm512_dpbusd_epi32(b1, x1, w1);
            a2 = _mm512_dpbusd_epi32(a2, x2, w0); b2 = _mm512_dpbusd_epi32(b2, x2, w1);
            a3 = _mm512_dpbusd_epi32(a3, x3, w0); b3 = _mm512_dpbusd_epi32(b3, x3, w1);
        }
        intptr_t c = block * 16;
        intptr_t n = outputChannels - c - 16;   // channels of the second block (1…16)
        int fullB = n >= 16;
        __mmask16 lanesB = (__mmask16)(fullB ? 0xFFFF : (1u << n) - 1);
        const edgefleet_rq16 *ra = rq + (block - firstBlock), *rb = ra + 1;
        __m512i accA[4] = {a0, a1, a2, a3}, accB[4] = {b0, b1, b2, b3};
        if (pixels == 4) {
            edgefleet_store4x16(out + c, outStride, accA, ra, zp16, low8, high8);
            if (fullB) {
                edgefleet_store4x16(out + c + 16, outStride, accB, rb, zp16, low8, high8);
                continue;
            }
            for (intptr_t i = 0; i < pixels; i++)
                edgefleet_store16(out + i * outStride + c + 16, accB[i], rb, zp, low, high, fullB, lanesB);
            continue;
        }
        for (intptr_t i = 0; i < pixels; i++) {
            edgefleet_store16(out + i * outStride + c, accA[i], ra, zp, low, high, 1, 0xFFFF);
            edgefleet_store16(out + i * outStride + c + 16, accB[i], rb, zp, low, high, fullB, lanesB);
        }
    }
    if (block < endBlock) {
        // One block left: the 4×16 tile, with two accumulator sets (even and odd k) to hide `vpdpbusd`'s latency.
        const int8_t *weights = quads + block * kQuads * 64;
        __m512i a0 = _mm512_loadu_si512(starts + block * 16), a1 = a0, a2 = a0, a3 = a0;
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
        intptr_t c = block * 16;
        intptr_t n = outputChannels - c;
        int full = n >= 16;
        __mmask16 lanes = (__mmask16)(full ? 0xFFFF : (1u << n) - 1);
        const edgefleet_rq16 *rv = rq + (block - firstBlock);
        if (pixels == 4 && full) {
            edgefleet_store4x16(out + c, outStride, acc, rv, zp16, low8, high8);
            return;
        }
        if (pixels == 4 && n == 8) {
            // Eight channels (vww's RGB stem): two pixels per register, so the requantisation runs on two full
            // vectors instead of four half-empty ones; each pair is narrowed in a register, stored as 8-byte halves.
            // The constants' lanes 0–7 repeated (whole 64-bit lanes, so their even/odd split holds).
            edgefleet_rq16 r2;
#define EDGEFLEET_REPEAT8(FIELD) r2.FIELD = _mm512_broadcast_i64x4(_mm512_castsi512_si256(rv->FIELD))
            EDGEFLEET_REPEAT8(bias); EDGEFLEET_REPEAT8(multiplier); EDGEFLEET_REPEAT8(multiplierOdd);
            EDGEFLEET_REPEAT8(leftShift); EDGEFLEET_REPEAT8(nudgeEven); EDGEFLEET_REPEAT8(nudgeOdd);
            EDGEFLEET_REPEAT8(negativeEven); EDGEFLEET_REPEAT8(negativeOdd); EDGEFLEET_REPEAT8(shiftEven);
            EDGEFLEET_REPEAT8(shiftOdd);
#undef EDGEFLEET_REPEAT8
            for (intptr_t i = 0; i < 4; i += 2) {
                // Lanes 0–7: pixel i, lanes 8–15: pixel i + 1.
                __m512i v = _mm512_shuffle_i64x2(acc[i], acc[i + 1], 0x44);
                v = _mm512_add_epi32(edgefleet_rq16_apply(v, &r2), zp);
                // Clamped to int8 already, so the saturating narrow is exact.
                __m128i bytes = _mm512_cvtsepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(v, low), high));
                _mm_storel_epi64((__m128i *)(out + i * outStride + c), bytes);
                _mm_storeh_pd((double *)(out + (i + 1) * outStride + c), _mm_castsi128_pd(bytes));
            }
            return;
        }
        for (intptr_t i = 0; i < pixels; i++) {
            edgefleet_store16(out + i * outStride + c, acc[i], rv, zp, low, high, full, lanes);
        }
    }
}

// At most this many blocks' requantisation constants are prepared at once (10 KiB on the stack); wider layers run
// their blocks in chunks of this size.
#define EDGEFLEET_RQ_BLOCKS 16

// Prepares blocks `firstBlock`..<`endBlock` (at most EDGEFLEET_RQ_BLOCKS) of the per-channel requantisation.
__attribute__((target("avx512f")))
static inline void edgefleet_rq_blocks(edgefleet_rq16 *rq, intptr_t firstBlock, intptr_t endBlock,
                                       intptr_t outputChannels, const int32_t *bias, const int32_t *multipliers,
                                       const int32_t *shifts) {
    for (intptr_t block = firstBlock; block < endBlock; block++) {
        const intptr_t c = block * 16, n = outputChannels - c;
        const __mmask16 lanes = (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1);
        edgefleet_rq16_prepare(rq + (block - firstBlock), bias + c, multipliers + c, shifts + c, lanes);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void edgefleet_vnni512_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads,
                                   const int32_t *starts, const uint8_t *activations, intptr_t pixels,
                                   intptr_t outputChannels, const int32_t *bias, const int32_t *multipliers,
                                   const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *out,
                                   intptr_t outStride) {
    edgefleet_rq16 rq[EDGEFLEET_RQ_BLOCKS];
    for (intptr_t chunk = firstBlock; chunk < endBlock; chunk += EDGEFLEET_RQ_BLOCKS) {
        const intptr_t chunkEnd = endBlock - chunk < EDGEFLEET_RQ_BLOCKS ? endBlock : chunk + EDGEFLEET_RQ_BLOCKS;
        edgefleet_rq_blocks(rq, chunk, chunkEnd, outputChannels, bias, multipliers, shifts);
        edgefleet_conv_pixels(quads, chunk, chunkEnd, kQuads, starts, activations, pixels, outputChannels, rq,
                              zeroPoint, lo, hi, out, outStride);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni,prfchw")))
void edgefleet_vnni512_conv1x1(const int8_t *input, intptr_t firstPixel, intptr_t endPixel, intptr_t inputChannels,
                               uint8_t *scratch, const int8_t *quads, intptr_t firstBlock, intptr_t endBlock,
                               intptr_t kQuads, const int32_t *starts, intptr_t outputChannels, const int32_t *bias,
                               const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint, int32_t lo,
                               int32_t hi, int8_t *output) {
    const intptr_t row = kQuads * 4;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    edgefleet_rq16 rq[EDGEFLEET_RQ_BLOCKS];
    for (intptr_t chunk = firstBlock; chunk < endBlock; chunk += EDGEFLEET_RQ_BLOCKS) {
    const intptr_t chunkEnd = endBlock - chunk < EDGEFLEET_RQ_BLOCKS ? endBlock : chunk + EDGEFLEET_RQ_BLOCKS;
    edgefleet_rq_blocks(rq, chunk, chunkEnd, outputChannels, bias, multipliers, shifts);
    for (intptr_t pixel = firstPixel; pixel < endPixel; pixel += 4) {
        intptr_t count = endPixel - pixel < 4 ? endPixel - pixel : 4;
        // Each pixel's channels with the sign bit flipped, padded with zeros to whole quads (their weights are 0).
        for (intptr_t i = 0; i < count; i++) {
            const int8_t *src = input + (pixel + i) * inputChannels;
            uint8_t *dst = scratch + i * row;
            for (intptr_t j = 0; j < row; j += 64) {
                intptr_t loaded = inputChannels - j, stored = row - j;
                __mmask64 load = loaded >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << loaded) - 1);
                __mmask64 store = stored >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << stored) - 1);
                __m512i v = _mm512_maskz_mov_epi8(load, _mm512_xor_si512(_mm512_maskz_loadu_epi8(load, src + j), flip));
                _mm512_mask_storeu_epi8(dst + j, store, v);
            }
        }
        // The output a few groups ahead, on the first pass over the pixels (later chunks find the lines owned),
        // when this part writes whole pixels (a block split shares every pixel's lines with the other part).
        if (chunk == firstBlock && firstBlock == 0 && endBlock * 16 >= outputChannels) {
            const intptr_t ahead = 4 * outputChannels > EDGEFLEET_WRITE_AHEAD ? 4 * outputChannels : EDGEFLEET_WRITE_AHEAD;
            edgefleet_prefetch_for_write(output + pixel * outputChannels + ahead, output + endPixel * outputChannels,
                                         count * outputChannels);
        }
        edgefleet_conv_pixels(quads, chunk, chunkEnd, kQuads, starts, scratch, count, outputChannels, rq, zeroPoint,
                              lo, hi, output + pixel * outputChannels, outputChannels);
    }
    }
}

// Copies `n` int8 values with the sign bit flipped (x + 128 as unsigned), 64 bytes per masked step.
__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_copy_flipped(uint8_t *dst, const int8_t *src, intptr_t n) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    for (intptr_t j = 0; j < n; j += 64) {
        intptr_t left = n - j;
        __mmask64 m = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
        _mm512_mask_storeu_epi8(dst + j, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + j), flip));
    }
}

__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_fill(uint8_t *dst, __m512i value, intptr_t n) {
    for (intptr_t j = 0; j < n; j += 64) {
        intptr_t left = n - j;
        __mmask64 m = left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
        _mm512_mask_storeu_epi8(dst + j, m, value);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni,prfchw")))
void edgefleet_vnni512_conv_gather(const edgefleet_conv_shape *shape, const int8_t *input, int8_t padValue,
                                   intptr_t firstPixel, intptr_t endPixel, uint8_t *scratch, const int8_t *quads,
                                   intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads, const int32_t *starts,
                                   const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                   int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *output) {
    const edgefleet_conv_shape s = *shape;
    const intptr_t row = kQuads * 4, ic = s.inputChannels, oc = s.outputChannels;
    const intptr_t imageBytes = s.inputHeight * s.inputWidth * ic, runBytes = s.filterWidth * ic;
    const intptr_t ahead = 4 * oc > EDGEFLEET_WRITE_AHEAD ? 4 * oc : EDGEFLEET_WRITE_AHEAD;
    // Padding taps read the input zero point (the folded bias cancels it), flipped like every activation.
    const __m512i pad = _mm512_set1_epi8((char)((uint8_t)padValue ^ 0x80));
    const intptr_t perImage = s.outputHeight * s.outputWidth;
    if (firstPixel >= endPixel || perImage == 0) return;
    const int shortRuns = s.dilationWidth == 1 && runBytes <= 64;
    const __mmask64 runMask = runBytes >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << runBytes) - 1);
    const intptr_t lastRow = (s.filterHeight - 1) * s.dilationHeight, rowStep = s.dilationHeight * s.inputWidth * ic;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    edgefleet_rq16 rq[EDGEFLEET_RQ_BLOCKS];
    for (intptr_t chunk = firstBlock; chunk < endBlock; chunk += EDGEFLEET_RQ_BLOCKS) {
    const intptr_t chunkEnd = endBlock - chunk < EDGEFLEET_RQ_BLOCKS ? endBlock : chunk + EDGEFLEET_RQ_BLOCKS;
    edgefleet_rq_blocks(rq, chunk, chunkEnd, oc, bias, multipliers, shifts);
    // Output coordinates of the next pixel, advanced incrementally (no division per pixel).
    intptr_t b = firstPixel / perImage, oy = (firstPixel % perImage) / s.outputWidth, ox = firstPixel % s.outputWidth;
    for (intptr_t pixel = firstPixel; pixel < endPixel; pixel += 4) {
        intptr_t count = endPixel - pixel < 4 ? endPixel - pixel : 4;
        for (intptr_t i = 0; i < count; i++) {
            const int8_t *image = input + b * imageBytes;
            uint8_t *dst = scratch + i * row;
            const intptr_t iy0 = oy * s.strideHeight - s.paddingTop, ix0 = ox * s.strideWidth - s.paddingLeft;
            if (shortRuns && ix0 >= 0 && ix0 + s.filterWidth <= s.inputWidth && iy0 >= 0 && iy0 + lastRow < s.inputHeight) {
                // Every tap inside and each filter row one run of at most 64 bytes (an RGB stem's 3×3 row is 9):
                // one masked load, XOR and store per row, the quad padding zeroed first and then overwritten.
                const int8_t *src = image + (iy0 * s.inputWidth + ix0) * ic;
                memset(dst + row - 4, 0, 4);
                for (intptr_t ky = 0; ky < s.filterHeight; ky++) {
                    __m512i v = _mm512_maskz_loadu_epi8(runMask, src + ky * rowStep);
                    _mm512_mask_storeu_epi8(dst + ky * runBytes, runMask, _mm512_xor_si512(v, flip));
                }
                if (++ox == s.outputWidth) {
                    ox = 0;
                    if (++oy == s.outputHeight) { oy = 0; b++; }
                }
                continue;
            }
            intptr_t k = 0;
            // Without dilation a filter row's taps lie back to back: the columns inside the image are one copy (an
            // RGB stem's 3×3 row is 9 bytes) between the padding taps on either side, each one fill (KWS's 10×4
            // stem on one channel had taken a call per byte at the borders).
            const int columnsInside = s.dilationWidth == 1 && ix0 >= 0 && ix0 + s.filterWidth <= s.inputWidth;
            intptr_t kxLo = ix0 < 0 ? -ix0 : 0, kxHi = s.inputWidth - ix0;
            if (kxLo > s.filterWidth) kxLo = s.filterWidth;
            if (kxHi > s.filterWidth) kxHi = s.filterWidth;
            if (kxHi < kxLo) kxHi = kxLo;
            for (intptr_t ky = 0; ky < s.filterHeight; ky++) {
                const intptr_t iy = iy0 + ky * s.dilationHeight;
                const int rowInside = iy >= 0 && iy < s.inputHeight;
                if (!rowInside) {
                    edgefleet_fill(dst + k, pad, runBytes);
                    k += runBytes;
                    continue;
                }
                if (columnsInside) {
                    edgefleet_copy_flipped(dst + k, image + (iy * s.inputWidth + ix0) * ic, runBytes);
                    k += runBytes;
                    continue;
                }
                if (s.dilationWidth == 1) {
                    if (kxLo > 0) edgefleet_fill(dst + k, pad, kxLo * ic);
                    if (kxHi > kxLo)
                        edgefleet_copy_flipped(dst + k + kxLo * ic, image + (iy * s.inputWidth + ix0 + kxLo) * ic,
                                               (kxHi - kxLo) * ic);
                    if (kxHi < s.filterWidth) edgefleet_fill(dst + k + kxHi * ic, pad, (s.filterWidth - kxHi) * ic);
                    k += runBytes;
                    continue;
                }
                for (intptr_t kx = 0; kx < s.filterWidth; kx++) {
                    const intptr_t ix = ix0 + kx * s.dilationWidth;
                    if (rowInside && ix >= 0 && ix < s.inputWidth) {
                        edgefleet_copy_flipped(dst + k, image + (iy * s.inputWidth + ix) * ic, ic);
                    } else {
                        edgefleet_fill(dst + k, pad, ic);
                    }
                    k += ic;
                }
            }
            // Zeros up to whole quads (their weights are zero too).
            for (; k < row; k++) dst[k] = 0;
            if (++ox == s.outputWidth) {
                ox = 0;
                if (++oy == s.outputHeight) { oy = 0; b++; }
            }
        }
        // The output a few groups ahead, as in edgefleet_vnni512_conv1x1.
        if (chunk == firstBlock && firstBlock == 0 && endBlock * 16 >= oc)
            edgefleet_prefetch_for_write(output + pixel * oc + ahead, output + endPixel * oc, count * oc);
        edgefleet_conv_pixels(quads, chunk, chunkEnd, kQuads, starts, scratch, count, oc, rq, zeroPoint, lo, hi,
                              output + pixel * oc, oc);
    }
    }
}

__attribute__((target("avx512f,prfchw")))
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
        if ((i & 63) == 0) edgefleet_prefetch_for_write(out + i + EDGEFLEET_WRITE_AHEAD, out + count, 64);
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
    if (p1 == p0 && p2 == p0 && p3 == p0) {
        // One pixel repeated (as in edgefleet_vnni512_tile4x16): once, in two chains per half, stored four times.
        __m256i c0 = s0, c1 = s1, d0 = _mm256_setzero_si256(), d1 = d0;
        intptr_t k = 0;
        for (; k + 1 < kQuads; k += 2) {
            __m256i x = _mm256_set1_epi32(edgefleet_load_quad(p0 + 4 * k));
            __m256i y = _mm256_set1_epi32(edgefleet_load_quad(p0 + 4 * k + 4));
            c0 = _mm256_dpbusd_avx_epi32(c0, x, _mm256_loadu_si256((const __m256i *)(weights + 64 * k)));
            c1 = _mm256_dpbusd_avx_epi32(c1, x, _mm256_loadu_si256((const __m256i *)(weights + 64 * k + 32)));
            d0 = _mm256_dpbusd_avx_epi32(d0, y, _mm256_loadu_si256((const __m256i *)(weights + 64 * k + 64)));
            d1 = _mm256_dpbusd_avx_epi32(d1, y, _mm256_loadu_si256((const __m256i *)(weights + 64 * k + 96)));
        }
        if (k < kQuads) {
            __m256i x = _mm256_set1_epi32(edgefleet_load_quad(p0 + 4 * k));
            c0 = _mm256_dpbusd_avx_epi32(c0, x, _mm256_loadu_si256((const __m256i *)(weights + 64 * k)));
            c1 = _mm256_dpbusd_avx_epi32(c1, x, _mm256_loadu_si256((const __m256i *)(weights + 64 * k + 32)));
        }
        c0 = _mm256_add_epi32(c0, d0);
        c1 = _mm256_add_epi32(c1, d1);
        for (int row = 0; row < 4; row++) {
            _mm256_storeu_si256((__m256i *)(accumulators + 16 * row), c0);
            _mm256_storeu_si256((__m256i *)(accumulators + 16 * row + 8), c1);
        }
        return;
    }
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

void edgefleet_avx512_requantize16_prepared(const int32_t *x, const int32_t *multipliers, const int32_t *shifts,
                                            int32_t *out) {
    (void)x; (void)multipliers; (void)shifts; (void)out;
}

void edgefleet_vnni512_conv_gather(const edgefleet_conv_shape *shape, const int8_t *input, int8_t padValue,
                                   intptr_t firstPixel, intptr_t endPixel, uint8_t *scratch, const int8_t *quads,
                                   intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads, const int32_t *starts,
                                   const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                   int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *output) {
    (void)shape; (void)input; (void)padValue; (void)firstPixel; (void)endPixel; (void)scratch; (void)quads;
    (void)firstBlock; (void)endBlock; (void)kQuads; (void)starts; (void)bias; (void)multipliers; (void)shifts;
    (void)zeroPoint; (void)lo; (void)hi; (void)output;
}

void edgefleet_vnni512_conv1x1(const int8_t *input, intptr_t firstPixel, intptr_t endPixel, intptr_t inputChannels,
                               uint8_t *scratch, const int8_t *quads, intptr_t firstBlock, intptr_t endBlock,
                               intptr_t kQuads, const int32_t *starts, intptr_t outputChannels, const int32_t *bias,
                               const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint, int32_t lo,
                               int32_t hi, int8_t *output) {
    (void)input; (void)firstPixel; (void)endPixel; (void)inputChannels; (void)scratch; (void)quads; (void)firstBlock;
    (void)endBlock; (void)kQuads; (void)starts; (void)outputChannels; (void)bias; (void)multipliers; (void)shifts;
    (void)zeroPoint; (void)lo; (void)hi; (void)output;
}

void edgefleet_vnni512_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads,
                                   const int32_t *starts, const uint8_t *activations, intptr_t pixels,
                                   intptr_t outputChannels, const int32_t *bias, const int32_t *multipliers,
                                   const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *out,
                                   intptr_t outStride) {
    (void)quads; (void)firstBlock; (void)endBlock; (void)kQuads; (void)starts; (void)activations; (void)pixels;
    (void)outputChannels; (void)bias; (void)multipliers; (void)shifts; (void)zeroPoint; (void)lo; (void)hi;
    (void)out; (void)outStride;
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
