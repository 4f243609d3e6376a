// The aarch64 C microkernels (`sdot`, and `smlal` for cores without it): Swift cannot emit `sdot` without compiling the whole module for ARMv8.2, which would
// make every kernel die with SIGILL on the Pi 3, Zero 2 W and Pi 4. Here only this function carries the
// dot-product target attribute, and Kernels calls it after checking HWCAP at run time. Its portable twin is
// `gemmTile4x16QuadsPortable` in Kernels; KernelsTests compares them wherever the CPU has the instructions.
#include "CDotProduct.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

int edgefleet_cpu_has_dotprod(void) {
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
}

__attribute__((target("dotprod")))
void edgefleet_sdot_tile4x16(const int8_t *weights, const int8_t *p0, const int8_t *p1, const int8_t *p2,
                             const int8_t *p3, intptr_t kQuads, int32_t *accumulators) {
    int32x4_t a00 = vdupq_n_s32(0), a01 = a00, a02 = a00, a03 = a00;
    int32x4_t a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    int32x4_t a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    int32x4_t a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    for (intptr_t k = 0; k < kQuads; k++) {
        const int8_t *w = weights + 64 * k;
        int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);
        int32_t q0, q1, q2, q3;
        memcpy(&q0, p0 + 4 * k, 4);
        memcpy(&q1, p1 + 4 * k, 4);
        memcpy(&q2, p2 + 4 * k, 4);
        memcpy(&q3, p3 + 4 * k, 4);
        int8x16_t x0 = vreinterpretq_s8_s32(vdupq_n_s32(q0));
        int8x16_t x1 = vreinterpretq_s8_s32(vdupq_n_s32(q1));
        int8x16_t x2 = vreinterpretq_s8_s32(vdupq_n_s32(q2));
        int8x16_t x3 = vreinterpretq_s8_s32(vdupq_n_s32(q3));
        a00 = vdotq_s32(a00, w0, x0); a01 = vdotq_s32(a01, w1, x0); a02 = vdotq_s32(a02, w2, x0); a03 = vdotq_s32(a03, w3, x0);
        a10 = vdotq_s32(a10, w0, x1); a11 = vdotq_s32(a11, w1, x1); a12 = vdotq_s32(a12, w2, x1); a13 = vdotq_s32(a13, w3, x1);
        a20 = vdotq_s32(a20, w0, x2); a21 = vdotq_s32(a21, w1, x2); a22 = vdotq_s32(a22, w2, x2); a23 = vdotq_s32(a23, w3, x2);
        a30 = vdotq_s32(a30, w0, x3); a31 = vdotq_s32(a31, w1, x3); a32 = vdotq_s32(a32, w2, x3); a33 = vdotq_s32(a33, w3, x3);
    }
    vst1q_s32(accumulators + 0, a00); vst1q_s32(accumulators + 4, a01); vst1q_s32(accumulators + 8, a02); vst1q_s32(accumulators + 12, a03);
    vst1q_s32(accumulators + 16, a10); vst1q_s32(accumulators + 20, a11); vst1q_s32(accumulators + 24, a12); vst1q_s32(accumulators + 28, a13);
    vst1q_s32(accumulators + 32, a20); vst1q_s32(accumulators + 36, a21); vst1q_s32(accumulators + 40, a22); vst1q_s32(accumulators + 44, a23);
    vst1q_s32(accumulators + 48, a30); vst1q_s32(accumulators + 52, a31); vst1q_s32(accumulators + 56, a32); vst1q_s32(accumulators + 60, a33);
}

// The `smlal` microkernel (no dot product needed). `vld2q_s16` splits a 16-value run of interleaved weight pairs
// into the eight channels' k and k+1 weights; the four pixels' pairs sit in one int16x8 vector whose lanes are
// used by index, so each weight vector feeds four widening multiply-accumulates without any shuffles.
void edgefleet_smlal_tile4x16(const int16_t *weights, const int32_t *p0, const int32_t *p1, const int32_t *p2,
                              const int32_t *p3, intptr_t kPairs, int32_t *accumulators) {
    int32x4_t a00 = vdupq_n_s32(0), a01 = a00, a02 = a00, a03 = a00;
    int32x4_t a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    int32x4_t a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    int32x4_t a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    for (intptr_t k = 0; k < kPairs; k++) {
        int16x8x2_t lo = vld2q_s16(weights + 32 * k);       // channels 0..7: val[0] weight k, val[1] weight k+1
        int16x8x2_t hi = vld2q_s16(weights + 32 * k + 16);  // channels 8..15
        int32x4_t pairs = vdupq_n_s32(p0[k]);
        pairs = vsetq_lane_s32(p1[k], pairs, 1);
        pairs = vsetq_lane_s32(p2[k], pairs, 2);
        pairs = vsetq_lane_s32(p3[k], pairs, 3);
        int16x8_t x = vreinterpretq_s16_s32(pairs);  // [p0 k, p0 k+1, p1 k, p1 k+1, ...]
#define EDGEFLEET_SMLAL_PIXEL(A0, A1, A2, A3, LANE) \
        A0 = vmlal_laneq_s16(A0, vget_low_s16(lo.val[0]), x, LANE); \
        A0 = vmlal_laneq_s16(A0, vget_low_s16(lo.val[1]), x, LANE + 1); \
        A1 = vmlal_high_laneq_s16(A1, lo.val[0], x, LANE); \
        A1 = vmlal_high_laneq_s16(A1, lo.val[1], x, LANE + 1); \
        A2 = vmlal_laneq_s16(A2, vget_low_s16(hi.val[0]), x, LANE); \
        A2 = vmlal_laneq_s16(A2, vget_low_s16(hi.val[1]), x, LANE + 1); \
        A3 = vmlal_high_laneq_s16(A3, hi.val[0], x, LANE); \
        A3 = vmlal_high_laneq_s16(A3, hi.val[1], x, LANE + 1);
        EDGEFLEET_SMLAL_PIXEL(a00, a01, a02, a03, 0)
        EDGEFLEET_SMLAL_PIXEL(a10, a11, a12, a13, 2)
        EDGEFLEET_SMLAL_PIXEL(a20, a21, a22, a23, 4)
        EDGEFLEET_SMLAL_PIXEL(a30, a31, a32, a33, 6)
#undef EDGEFLEET_SMLAL_PIXEL
    }
    vst1q_s32(accumulators + 0, a00); vst1q_s32(accumulators + 4, a01); vst1q_s32(accumulators + 8, a02); vst1q_s32(accumulators + 12, a03);
    vst1q_s32(accumulators + 16, a10); vst1q_s32(accumulators + 20, a11); vst1q_s32(accumulators + 24, a12); vst1q_s32(accumulators + 28, a13);
    vst1q_s32(accumulators + 32, a20); vst1q_s32(accumulators + 36, a21); vst1q_s32(accumulators + 40, a22); vst1q_s32(accumulators + 44, a23);
    vst1q_s32(accumulators + 48, a30); vst1q_s32(accumulators + 52, a31); vst1q_s32(accumulators + 56, a32); vst1q_s32(accumulators + 60, a33);
}
#else
int edgefleet_cpu_has_dotprod(void) { return 0; }

void edgefleet_sdot_tile4x16(const int8_t *weights, const int8_t *p0, const int8_t *p1, const int8_t *p2,
                             const int8_t *p3, intptr_t kQuads, int32_t *accumulators) {
    (void)weights; (void)p0; (void)p1; (void)p2; (void)p3; (void)kQuads; (void)accumulators;
}

void edgefleet_smlal_tile4x16(const int16_t *weights, const int32_t *p0, const int32_t *p1, const int32_t *p2,
                              const int32_t *p3, intptr_t kPairs, int32_t *accumulators) {
    (void)weights; (void)p0; (void)p1; (void)p2; (void)p3; (void)kPairs; (void)accumulators;
}
#endif
