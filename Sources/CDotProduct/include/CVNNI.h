#ifndef EDGEFLEET_CVNNI_H
#define EDGEFLEET_CVNNI_H

#include <stdint.h>

/// The AVX-512 VNNI GEMM microkernel (`vpdpbusd` on ZMM): a 4-pixel × 16-channel tile of int32 dot products over
/// `kQuads` groups of four values. `weights`: `kQuads × 16 × 4` int8 (`[kQuad][channel][4]`, the `sdot` layout);
/// `p0`…`p3`: `kQuads × 4` unsigned bytes each, the int8 activations with their sign bit flipped (x + 128);
/// `start`: 16 int32 each lane starts from (−128 × the channel's weight sum, which undoes the flip exactly);
/// `accumulators`: 64 int32 written as `[pixel][channel]`. Call only when the CPU has AVX-512 F, BW and VNNI
/// (SIGILL otherwise). Pure: no allocation, no side effects beyond `accumulators`. A no-op off x86-64.
void edgefleet_vnni512_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators);

/// The AVX-VNNI twin of `edgefleet_vnni512_tile4x16` (the VEX-encoded `vpdpbusd` on two YMM halves), same
/// arguments and result. Call only when the CPU has AVX-VNNI. A no-op off x86-64.
void edgefleet_avxvnni_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                const uint8_t *p3, intptr_t kQuads, const int32_t *start, int32_t *accumulators);

#endif
