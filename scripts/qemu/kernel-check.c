// The aarch64 C microkernels (Sources/CDotProduct/DotProduct.c) against a scalar reference, on random tiles
// with every k length from 0 to 70 and extreme values; run under qemu-aarch64 by scripts/test-aarch64-kernels.sh
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
    printf("kernel-check: smlal %d tiles exact; sdot %s\n", tiles, dot ? "the same tiles exact" : "not run (no asimddp)");
    return 0;
}
