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
void edgefleet_vnni512_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators) {
    (void)weights; (void)p0; (void)p1; (void)p2; (void)p3; (void)kQuads; (void)start; (void)accumulators;
}

void edgefleet_avxvnni_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators) {
    (void)weights; (void)p0; (void)p1; (void)p2; (void)p3; (void)kQuads; (void)start; (void)accumulators;
}
#endif
