#ifndef EDGEFLEET_CDEPTHWISEUINT8_H
#define EDGEFLEET_CDEPTHWISEUINT8_H

#include <stdint.h>

#include "ConvShape.h"
#include "CDepthwise.h"

/// Output rows `firstRow`..<`endRow` (batch × outputHeight, batch-major) and channels `first`..<`end` of a legacy
/// uint8 DEPTHWISE_CONV_2D with depth multiplier 1 on AVX-512, sixteen channels per register: for each output
/// pixel and channel c, `bias[c] + Σ_t x_t[c] × filter[t × channels + c]` requantised with TFLite's double-rounding
/// `MultiplyByQuantizedMultiplier(multipliers[c], shifts[c])`, offset by `zeroPoint`, clamped to [`lo`, `hi`]
/// (within 0…255) and stored as uint8. `filter`: `[taps][channels]` Int16 weights minus their zero point
/// (−255…255); taps outside the image read `zeroRow` (`inputChannels` input zero points, which `bias`, folded,
/// cancels). Border pixels resolve their taps one by one, each row's interior runs per channel block with the
/// block's weights in registers. Does nothing when the filter has more than `EDGEFLEET_DEPTHWISE_MAX_TAPS` taps or
/// the multiplier is not 1 (the caller keeps the Swift loop). The twin is the Swift `depthwise` loop in Kernels.
/// Requires AVX-512 F and BW (SIGILL otherwise). No-op off x86-64.
void edgefleet_avx512_u8_depthwise_rows(const edgefleet_conv_shape *shape, const uint8_t *input,
                                        const uint8_t *zeroRow, const int16_t *filter, const int32_t *bias,
                                        const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                        int32_t lo, int32_t hi, uint8_t *output, intptr_t firstRow, intptr_t endRow,
                                        intptr_t first, intptr_t end);

#endif
