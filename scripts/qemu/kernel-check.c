// The aarch64 C microkernels (Sources/CDotProduct/DotProduct.c) against a scalar reference, on random tiles
// with every k length from 0 to 70 and extreme values, and the NEON requantisation (CRequantizeNEON.h, the
// functions Kernels inlines on aarch64) against TFLite's scalar double rounding, lane by lane; run under qemu-aarch64 by scripts/test-aarch64-kernels.sh
// (CI) and scripts/qemu-insn-count.sh. `smlal` runs on every core; `sdot` only where HWCAP has asimddp (elsewhere
// it would be SIGILL, which is what the run-time dispatch prevents). The two feature probes (CPUFeatures.c, which
// the Swift dispatch reads, and DotProduct.c's own) must agree. Exit status 1 on the first mismatch. Kernels'
// XCTests compare the same kernels with their Swift twins; this check needs no aarch64 Swift build.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "CDotProduct.h"
#include "CPUFeatures.h"

static uint64_t state = 0x9E3779B97F4A7C15u;
static uint32_t next(void) {  // SplitMix64: the same sequence on every machine
    uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}
// Mostly random values, sometimes the range ends: the products and sums the kernels must not lose.
static int16_t value(int lo, int hi) {
    uint32_t r = next();
    if (r % 8 == 0) return (int16_t)((r & 8) ? lo : hi);
    return (int16_t)(lo + (int)(r % (uint32_t)(hi - lo + 1)));
}

enum { MAXK = 70 };
static int16_t wPairs[MAXK * 32];
static int32_t xPairs[4][MAXK];
static int8_t wQuads[MAXK * 64], xQuads[4][MAXK * 4];

static int check_smlal(intptr_t k) {
    // Pair kernels see int8 weights and activations minus a zero point as int16: [-255, 255] covers uint8 too.
    for (intptr_t i = 0; i < k * 32; i++) wPairs[i] = value(-255, 255);
    for (int p = 0; p < 4; p++)
        for (intptr_t i = 0; i < k; i++)
            xPairs[p][i] = (int32_t)(uint16_t)value(-255, 255) | (int32_t)((uint32_t)(uint16_t)value(-255, 255) << 16);
    int32_t got[64];
    memset(got, 0x55, sizeof got);
    edgefleet_smlal_tile4x16(wPairs, xPairs[0], xPairs[1], xPairs[2], xPairs[3], k, got);
    for (int p = 0; p < 4; p++)
        for (int c = 0; c < 16; c++) {
            int32_t want = 0;
            for (intptr_t i = 0; i < k; i++) {
                int16_t x0 = (int16_t)(xPairs[p][i] & 0xFFFF), x1 = (int16_t)((uint32_t)xPairs[p][i] >> 16);
                want += wPairs[(i * 16 + c) * 2] * x0 + wPairs[(i * 16 + c) * 2 + 1] * x1;
            }
            if (got[p * 16 + c] != want) {
                printf("smlal mismatch: kPairs %ld pixel %d channel %d: %d, want %d\n", (long)k, p, c, got[p * 16 + c], want);
                return 1;
            }
        }
    return 0;
}

static int check_sdot(intptr_t k) {
    for (intptr_t i = 0; i < k * 64; i++) wQuads[i] = (int8_t)value(-128, 127);
    for (int p = 0; p < 4; p++)
        for (intptr_t i = 0; i < k * 4; i++) xQuads[p][i] = (int8_t)value(-128, 127);
    int32_t got[64];
    memset(got, 0x55, sizeof got);
    edgefleet_sdot_tile4x16(wQuads, xQuads[0], xQuads[1], xQuads[2], xQuads[3], k, got);
    for (int p = 0; p < 4; p++)
        for (int c = 0; c < 16; c++) {
            int32_t want = 0;
            for (intptr_t i = 0; i < k; i++)
                for (int j = 0; j < 4; j++) want += wQuads[(i * 16 + c) * 4 + j] * xQuads[p][i * 4 + j];
            if (got[p * 16 + c] != want) {
                printf("sdot mismatch: kQuads %ld pixel %d channel %d: %d, want %d\n", (long)k, p, c, got[p * 16 + c], want);
                return 1;
            }
        }
    return 0;
}

// TFLite's reference MultiplyByQuantizedMultiplier (double rounding), as Kernels' FixedPoint.swift spells it:
// gemmlowp's SaturatingRoundingDoublingHighMul (sign-dependent nudge, division toward zero) and RoundingDivideByPOT
// (mask and threshold). The left shift wraps (unsigned arithmetic), as in two's complement.
static int32_t srdhm(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / (1ll << 31));
}
static int32_t rdbpot(int32_t x, int exponent) {
    int32_t mask = (int32_t)((1ll << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}
static int32_t mbqm(int32_t x, int32_t m, int32_t shift) {
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    return rdbpot(srdhm((int32_t)((uint32_t)x << left), m), right);
}

static int32_t rx[8], rm[8], rs[8];
static const int32_t edges[] = {0, 1, -1, 2, -2, 3, -3, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1,
                                1 << 30, -(1 << 30), (1 << 30) + 1, 12345, -12345, 1 << 20, -(1 << 20)};
enum { EDGES = sizeof edges / sizeof edges[0] };
static int32_t any32(void) { return (int32_t)next(); }
static int32_t accumulator(void) {  // edges, small values (exact ties are likely), typical sums, anything
    uint32_t r = next() % 4;
    if (r == 0) return edges[next() % EDGES];
    if (r == 1) return (int32_t)(next() % 4097) - 2048;
    if (r == 2) return (int32_t)(next() % (1u << 25)) - (1 << 24);
    return any32();
}
static int32_t multiplier(void) {  // QuantizeMultiplier's range [2^30, 2^31), zero, edges, any value
    uint32_t r = next() % 8;
    if (r == 0) return 0;
    if (r == 1) return edges[next() % EDGES];
    if (r == 2) return any32();
    return (int32_t)((1u << 30) + next() % (1u << 30));
}
static int32_t shift(void) {  // −31…31, mostly the right shifts real layers use
    uint32_t r = next() % 4;
    if (r == 0) return (int32_t)(next() % 63) - 31;
    if (r == 1) return (int32_t)(next() % 8);
    return -(int32_t)(next() % 32);
}

#if defined(__aarch64__)
static int check_requantize(int round) {
    for (int i = 0; i < 8; i++) { rx[i] = accumulator(); rm[i] = multiplier(); rs[i] = shift(); }
    if (round % 16 == 0) {  // the saturating corner, on every lane
        for (int i = 0; i < 8; i++) { rx[i] = INT32_MIN; rm[i] = INT32_MIN; }
    }
    int32x4_t x0 = vld1q_s32(rx), x1 = vld1q_s32(rx + 4), m0 = vld1q_s32(rm), m1 = vld1q_s32(rm + 4);
    int32x4_t s0 = vld1q_s32(rs), s1 = vld1q_s32(rs + 4);
    int32_t got[8];
    vst1q_s32(got, edgefleet_neon_requantize4(x0, m0, s0));
    vst1q_s32(got + 4, edgefleet_neon_requantize4(x1, m1, s1));
    // The fused forms: zero point, clamp, narrowing stores for int8, uint8 and int16 outputs.
    int32_t zp = (int32_t)(next() % 256) - 128;
    int8_t s8[8];
    uint8_t u8[8];
    int16_t s16[8];
    int32_t lo8 = -128 + (int32_t)(next() % 3) * 64, hi8 = 127 - (int32_t)(next() % 3) * 32;
    edgefleet_neon_requantize8_store_s8(x0, x1, m0, m1, s0, s1, zp, lo8, hi8, s8);
    edgefleet_neon_requantize8_store_u8(x0, x1, m0, m1, s0, s1, zp + 128, lo8 + 128, hi8 + 128, u8);
    edgefleet_neon_requantize8_store_s16(x0, x1, m0, m1, s0, s1, 0, -32768, 32767, s16);
    for (int i = 0; i < 8; i++) {
        int32_t want = mbqm(rx[i], rm[i], rs[i]);
        int32_t w8 = (int32_t)((uint32_t)want + (uint32_t)zp);  // wraps like the kernels' `&+`
        int32_t c8 = w8 < lo8 ? lo8 : w8 > hi8 ? hi8 : w8;
        int32_t wu = (int32_t)((uint32_t)want + (uint32_t)(zp + 128));
        int32_t cu = wu < lo8 + 128 ? lo8 + 128 : wu > hi8 + 128 ? hi8 + 128 : wu;
        int32_t c16 = want < -32768 ? -32768 : want > 32767 ? 32767 : want;
        if (got[i] != want || s8[i] != c8 || u8[i] != cu || s16[i] != c16) {
            printf("requantize mismatch: x %d m %d shift %d: %d, want %d (int8 %d want %d, uint8 %d want %d, int16 %d want %d)\n",
                   rx[i], rm[i], rs[i], got[i], want, s8[i], c8, u8[i], cu, s16[i], c16);
            return 1;
        }
    }
    return 0;
}
#endif

// The reference's own ties: products at odd multiples of 2^30 and right shifts landing on exact halves, both
// signs, where a rounding that is half-up rather than half-away-from-zero would differ.
#if defined(__aarch64__)
static int check_requantize_ties(void) {
    static const int32_t ms[] = {1 << 30, (1 << 30) + 1, INT32_MAX, 3 << 29};
    static const int32_t ss[] = {0, -1, -4, 1, -31, -30, 31};
    for (unsigned a = 0; a < sizeof ms / sizeof ms[0]; a++)
        for (unsigned b = 0; b < sizeof ss / sizeof ss[0]; b++)
            for (int32_t start = -1024; start < 1024; start += 4) {
                int32_t xs[4] = {start, start + 1, start + 2, start + 3}, got[4];
                vst1q_s32(got, edgefleet_neon_requantize4(vld1q_s32(xs), vdupq_n_s32(ms[a]), vdupq_n_s32(ss[b])));
                for (int i = 0; i < 4; i++)
                    if (got[i] != mbqm(xs[i], ms[a], ss[b])) {
                        printf("requantize tie mismatch: x %d m %d shift %d: %d, want %d\n", xs[i], ms[a], ss[b], got[i],
                               mbqm(xs[i], ms[a], ss[b]));
                        return 1;
                    }
            }
    return 0;
}
#endif

int main(void) {
    int tiles = 0, dot = edgefleet_cpu_has_dotprod();
    uint32_t features = edgefleet_cpu_features();
    if (!(features & EDGEFLEET_CPU_NEON) || !(features & EDGEFLEET_CPU_DOTPROD) != !dot) {
        printf("feature probes disagree: edgefleet_cpu_features 0x%x, edgefleet_cpu_has_dotprod %d\n", features, dot);
        return 1;
    }
    for (int round = 0; round < 20; round++)
        for (intptr_t k = 0; k <= MAXK; k++) {
            if (check_smlal(k) || (dot && check_sdot(k))) return 1;
            tiles++;
        }
    int requantized = 0;
#if defined(__aarch64__)
    if (check_requantize_ties()) return 1;
    for (int round = 0; round < 200000; round++) {
        if (check_requantize(round)) return 1;
        requantized += 8;
    }
#endif
    printf("kernel-check: smlal %d tiles exact; sdot %s; requantize %d lanes exact\n", tiles,
           dot ? "the same tiles exact" : "not run (no asimddp)", requantized);
    return 0;
}
