#ifndef EDGEFLEET_CVNNIUINT8_H
#define EDGEFLEET_CVNNIUINT8_H

#include <stdint.h>

#include "ConvShape.h"

/// Legacy uint8 convolutions (per-tensor quantisation) on AVX-512 VNNI. `vpdpbusd` multiplies unsigned by signed
/// bytes, so the uint8 activations go in as they are (no sign flip). The weights minus their zero point,
/// `w − z_w`, span −255…255 and do not fit a signed byte: the filter is packed as `w' = w − 128` (int8, the quad
/// layout `[block][kQuad][channel 0..<16][4]` of the int8 kernels) and every pixel's accumulators start from
/// `weightOffset · Σx` with `weightOffset = 128 − z_w` and Σx the sum of the pixel's gathered row (padding taps
/// reading the input zero point), so `Σ x·w' + weightOffset·Σx = Σ x·(w − z_w)` exactly (int32 wraps alike).
/// The input zero point is folded into `bias` as for int8. Results are requantised with TFLite's double-rounding
/// `MultiplyByQuantizedMultiplier(multipliers[c], shifts[c])`, offset by `zeroPoint`, clamped to [`lo`, `hi`]
/// (within 0…255) and stored as uint8. The plain twin is Kernels' uint8 `conv2DReference`; KernelsTests compares
/// them byte for byte. Call only when the CPU has AVX-512 F, BW and VNNI (SIGILL otherwise). No-ops off x86-64.

/// Up to four pixels (`pixels`, 1…4) × every 16-channel block in `firstBlock`..<`endBlock`: `activations` holds the
/// pixels' rows of `kQuads × 4` unsigned bytes back to back (zero beyond the receptive field), `corrections[i]` the
/// start of pixel i's accumulators (`weightOffset · Σx`); `out` is the first pixel's channel 0, pixel i at
/// `out + i × outStride`. `bias`, `multipliers`, `shifts` are per output channel from channel 0. Pure: writes
/// only `out`.
void edgefleet_vnni512_u8_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads,
                                      const uint8_t *activations, intptr_t pixels, const int32_t *corrections,
                                      intptr_t outputChannels, const int32_t *bias, const int32_t *multipliers,
                                      const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *out,
                                      intptr_t outStride);

/// A 1×1, stride-1 uint8 convolution (or a slice of it): output pixels `firstPixel`..<`endPixel` (equal to the
/// input pixels), blocks `firstBlock`..<`endBlock`. When `inputChannels` is a multiple of 4 the input rows are the
/// packed rows and are read in place; otherwise each pixel's row is copied, zero-padded to whole quads, into
/// `scratch` (`4 × kQuads × 4` bytes owned by the caller's thread). `output`: the output tensor (pixel p at
/// `p × outputChannels`).
void edgefleet_vnni512_u8_conv1x1(const uint8_t *input, intptr_t firstPixel, intptr_t endPixel,
                                  intptr_t inputChannels, uint8_t *scratch, const int8_t *quads, intptr_t firstBlock,
                                  intptr_t endBlock, intptr_t kQuads, int32_t weightOffset, intptr_t outputChannels,
                                  const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                  int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *output);

/// Any uint8 convolution geometry (or a slice of it) with the taps gathered in C: output pixels
/// `firstPixel`..<`endPixel` (batch-major), blocks `firstBlock`..<`endBlock`. For four pixels at a time each
/// pixel's receptive field (taps × input channels, tap order) is copied into `scratch` (rows of `kQuads × 4`
/// bytes; a filter row whose taps lie back to back inside the image is one copy; taps outside read `padValue`, the
/// input zero point; zeros up to whole quads), summed with `vpsadbw` for its correction, and run through
/// `edgefleet_vnni512_u8_conv_pixels`. `scratch`: `4 × kQuads × 4` bytes owned by the caller's thread.
void edgefleet_vnni512_u8_conv_gather(const edgefleet_conv_shape *shape, const uint8_t *input, uint8_t padValue,
                                      intptr_t firstPixel, intptr_t endPixel, uint8_t *scratch, const int8_t *quads,
                                      intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads, int32_t weightOffset,
                                      const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                      int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *output);

#endif
