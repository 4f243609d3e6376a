#ifndef EDGEFLEET_CVNNI_H
#define EDGEFLEET_CVNNI_H

#include <stdint.h>

#include "ConvShape.h"

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

/// The AVX-512 VNNI tile of `edgefleet_vnni512_tile4x16` fused with the requantisation of its int8 outputs: for each
/// of the first `pixels` (1…4) pixels and `channels` (1…16) channels, `acc + bias[c]` is rescaled by TFLite's
/// double-rounding `MultiplyByQuantizedMultiplier(multipliers[c], shifts[c])`, offset by `zeroPoint`, clamped to
/// [`lo`, `hi`] and stored to `out + pixel × outStride + c` (`bias`, `multipliers`, `shifts` point at the block's
/// first channel; lanes at or beyond `channels` are neither read nor written). The results equal Kernels'
/// `multiplyByQuantizedMultiplier` lane by lane (tested). Call only with AVX-512 F, BW and VNNI. No-op off x86-64.
void edgefleet_vnni512_conv_tile4x16(const int8_t *weights, const uint8_t *p0, const uint8_t *p1, const uint8_t *p2,
                                     const uint8_t *p3, intptr_t kQuads, const int32_t *start, intptr_t pixels,
                                     intptr_t channels, const int32_t *bias, const int32_t *multipliers,
                                     const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *out,
                                     intptr_t outStride);

/// Every 16-channel block in `firstBlock`..<`endBlock` of up to four output pixels: the AVX-512 VNNI multiply-adds
/// (two blocks at once, a 4-pixel × 32-channel tile) fused with the requantisation and int8 stores of
/// `edgefleet_vnni512_conv_tile4x16`. `quads`: the whole packed filter (`[block][kQuad][16][4]`); `starts`: its
/// per-channel start values (`blocks × 16`); `activations`: `pixels` (1…4) sign-flipped rows of `kQuads × 4` bytes,
/// back to back; `bias`, `multipliers`, `shifts`: per output channel from channel 0 (read only below
/// `outputChannels`); `out`: the first pixel's channel 0, pixel i at `out + i × outStride`. Equal to the tile
/// function block by block (tested). Requires AVX-512 F, BW and VNNI. No-op off x86-64.
void edgefleet_vnni512_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads,
                                   const int32_t *starts, const uint8_t *activations, intptr_t pixels,
                                   intptr_t outputChannels, const int32_t *bias, const int32_t *multipliers,
                                   const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *out,
                                   intptr_t outStride);

/// A whole 1×1, stride-1 convolution (or a slice of it) on AVX-512 VNNI, without im2col: output pixels
/// `firstPixel`..<`endPixel` (equal to the input pixels) and blocks `firstBlock`..<`endBlock`. Four pixels at a time,
/// each pixel's `inputChannels` int8 values are copied with the sign bit flipped into `scratch` (rows of
/// `kQuads × 4` bytes, zero-padded; `scratch` holds `4 × kQuads × 4` bytes and belongs to the caller's thread) and
/// run through `edgefleet_vnni512_conv_pixels`; `output` is the output tensor (pixel p at `p × outputChannels`).
/// Requires AVX-512 F, BW and VNNI. No-op off x86-64.
void edgefleet_vnni512_conv1x1(const int8_t *input, intptr_t firstPixel, intptr_t endPixel, intptr_t inputChannels,
                               uint8_t *scratch, const int8_t *quads, intptr_t firstBlock, intptr_t endBlock,
                               intptr_t kQuads, const int32_t *starts, intptr_t outputChannels, const int32_t *bias,
                               const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint, int32_t lo,
                               int32_t hi, int8_t *output);

/// Any int8 convolution (or a slice of it) on AVX-512 VNNI with the taps gathered in C: output pixels
/// `firstPixel`..<`endPixel` (batch-major) and blocks `firstBlock`..<`endBlock`. For four pixels at a time, each
/// pixel's receptive field (taps × input channels, tap order) is copied sign-flipped into `scratch` (rows of
/// `kQuads × 4` bytes; a filter row whose taps lie back to back and inside the image is one copy; taps outside read
/// `padValue`, the input zero point) and run through `edgefleet_vnni512_conv_pixels`. `scratch`: `4 × kQuads × 4`
/// bytes owned by the caller's thread; `output`: the output tensor. Requires AVX-512 F, BW and VNNI. No-op off x86-64.
void edgefleet_vnni512_conv_gather(const edgefleet_conv_shape *shape, const int8_t *input, int8_t padValue,
                                   intptr_t firstPixel, intptr_t endPixel, uint8_t *scratch, const int8_t *quads,
                                   intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads, const int32_t *starts,
                                   const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                   int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *output);

/// The 16-lane requantisation of `edgefleet_vnni512_conv_tile4x16` alone, for tests:
/// `out[i] = MultiplyByQuantizedMultiplier(x[i], multipliers[i], shifts[i])` for i < 16. Requires AVX-512 F.
void edgefleet_avx512_requantize16(const int32_t *x, const int32_t *multipliers, const int32_t *shifts, int32_t *out);

/// The same sixteen lanes through the form the VNNI convolution uses since vww18 (constants prepared per block, the
/// two roundings merged into one 64-bit arithmetic shift), for tests: equal to `edgefleet_avx512_requantize16`.
/// Requires AVX-512 F. No-op off x86-64.
void edgefleet_avx512_requantize16_prepared(const int32_t *x, const int32_t *multipliers, const int32_t *shifts,
                                            int32_t *out);

/// Same-shape quantised ADD (`operation` 0), SUB (1) or MUL (2) of 8-bit tensors on sixteen lanes with AVX-512 F,
/// equal element by element to Kernels' `add`/`subtract`/`multiply` (TFLite's reference arithmetic): ADD/SUB bring
/// each input to the common scale (`(q + offset) << leftShift`, then `MultiplyByQuantizedMultiplier(m_i, s_i)`),
/// MUL multiplies the offset inputs; the result is rescaled by `(mo, so)`, offset by `zeroPoint` and clamped to
/// [`lo`, `hi`]. `isUnsigned` selects uint8 instead of int8 elements. Processes `count` elements, a multiple of 16.
/// Call only when the CPU has AVX-512 F. No-op off x86-64.
void edgefleet_avx512_binary8(const void *input1, const void *input2, void *output, intptr_t count, int operation,
                              int isUnsigned, int32_t offset1, int32_t offset2, int32_t leftShift, int32_t m1,
                              int32_t s1, int32_t m2, int32_t s2, int32_t mo, int32_t so, int32_t zeroPoint,
                              int32_t lo, int32_t hi);

#endif
