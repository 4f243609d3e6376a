#ifndef EDGEFLEET_CDEPTHWISE_H
#define EDGEFLEET_CDEPTHWISE_H

#include <stdint.h>

#include "ConvShape.h"

/// The most taps `edgefleet_avx512_depthwise_rows` takes (its tap pointers live on the stack).
#define EDGEFLEET_DEPTHWISE_MAX_TAPS 64

/// One output pixel of an int8 DEPTHWISE_CONV_2D with depth multiplier 1 on AVX-512 (sixteen channels per
/// register, a masked tail): for channels `first`..<`end`, `bias[c] + Σ_t rows[t][c] × filter[t × channels + c]`
/// requantised with TFLite's double-rounding `MultiplyByQuantizedMultiplier(multipliers[c], shifts[c])`, offset by
/// `zeroPoint`, clamped to [`lo`, `hi`] and stored to `out[c]`. `rows`: `taps` pointers to the input pixels the
/// taps read (padding taps point at a row of input zero points, which `bias`, folded, cancels); `filter`:
/// `[taps][channels]` int8. Pure; reads only the channels it computes. Call only when the CPU has AVX-512 F and BW
/// (SIGILL otherwise). No-op off x86-64.
void edgefleet_avx512_depthwise_pixel(const int8_t *const *rows, intptr_t taps, const int8_t *filter,
                                      intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                      const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                      int32_t lo, int32_t hi, int8_t *out);

/// `pixels` output pixels of one row whose taps all lie inside the image, by channel block with the block's
/// weights held in registers: pixel i reads tap t at `x0 + i × pixelStep + tapOffsets[t]` (byte offsets; `x0` is
/// the first pixel's first tap at channel 0) and stores to `out0 + i × outStep`. Otherwise as
/// `edgefleet_avx512_depthwise_pixel`. Requires AVX-512 F and BW. No-op off x86-64.
void edgefleet_avx512_depthwise_interior(const int8_t *x0, intptr_t pixels, intptr_t pixelStep,
                                         const intptr_t *tapOffsets, intptr_t taps, const int8_t *filter,
                                         intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                         const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                         int32_t lo, int32_t hi, int8_t *out0, intptr_t outStep);

/// Output rows `firstRow`..<`endRow` (batch × outputHeight, batch-major) and channels `first`..<`end` of an int8
/// DEPTHWISE_CONV_2D with any depth multiplier, the whole loop in C: border pixels through their tap pointers (taps
/// outside the image read `zeroRow`, `inputChannels` input zero points) in batches of up to eight pixels across
/// rows with each channel block's weights loaded once per batch, each row's interior as
/// `edgefleet_avx512_depthwise_interior` (interior runs shorter than eight pixels join the batches). `filter`: `[taps][channels]`; `output`: the output tensor.
/// Does nothing when the filter has more than `EDGEFLEET_DEPTHWISE_MAX_TAPS` taps (the caller keeps another path).
/// Requires AVX-512 F and BW. No-op off x86-64.
void edgefleet_avx512_depthwise_rows(const edgefleet_conv_shape *shape, const int8_t *input, const int8_t *zeroRow,
                                     const int8_t *filter, const int32_t *bias, const int32_t *multipliers,
                                     const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *output,
                                     intptr_t firstRow, intptr_t endRow, intptr_t first, intptr_t end);

#endif
