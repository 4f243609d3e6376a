// The AVX-512 int8 depthwise convolution: sixteen output channels per ZMM register, any depth multiplier, filter
// size, stride, dilation and padding, the requantisation fused (the same `edgefleet_requantize16` as the GEMM tile).
// Only these functions carry the AVX-512 target attribute, so the binary still runs on a CPU without it; Kernels
// calls them after checking CPUID. The portable twin is the Swift `depthwise` loop in Kernels; KernelsTests
// compares both with TFLite's reference byte for byte on random shapes.
#include "CDepthwise.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "Requantize16.h"
#include "PrefetchForWrite.h"

#define EDGEFLEET_DW_TARGET __attribute__((target("avx512f,avx512bw")))

// Sixteen int8 values sign-extended to int32; a channel tail reads only its `mask` bytes (masked loads do not
// fault on the bytes they skip, so a tail at the very end of a buffer is safe).
EDGEFLEET_DW_TARGET static inline __m512i edgefleet_dw_load(const int8_t *p, int full, __mmask64 mask) {
    if (full) return _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm512_cvtepi8_epi32(_mm512_castsi512_si128(_mm512_maskz_loadu_epi8(mask, p)));
}

// The activations of sixteen output channels: with depth multiplier m, output channel o reads input channel o / m,
// so the block reads at most sixteen consecutive input channels (from `xc`), widened and spread over the lanes by
// `vpermd` with `index` (lane j: (c + j) / m − xc). `permute` is a constant at each call site.
EDGEFLEET_DW_TARGET static inline __m512i edgefleet_dw_load_x(const int8_t *p, int permute, int full, __mmask64 mask,
                                                              __m512i index) {
    __m512i v = edgefleet_dw_load(p, full, mask);
    return permute ? _mm512_permutexvar_epi32(index, v) : v;
}

// Per channel block: where its activations start (`xc`), how many bytes to read and the lane index for `vpermd`.
#define EDGEFLEET_DW_BLOCK_INPUT                                                                                   \
    const intptr_t xc = multiplier == 1 ? c : c / multiplier;                                                   \
    const int xfull = multiplier == 1 && full;                                                                  \
    const intptr_t xcount = multiplier == 1 ? n : (c + n - 1) / multiplier - xc + 1;                            \
    const __mmask64 xbytes = (__mmask64)((1ull << xcount) - 1);                                                 \
    __m512i index = _mm512_setzero_si512();                                                                     \
    if (multiplier != 1) {                                                                                      \
        int32_t lanesIndex[16];                                                                                 \
        for (intptr_t j = 0; j < 16; j++) lanesIndex[j] = j < n ? (int32_t)((c + j) / multiplier - xc) : 0;      \
        index = _mm512_loadu_si512(lanesIndex);                                                                 \
    }

EDGEFLEET_DW_TARGET static inline void edgefleet_dw_store(int8_t *out, __m512i acc, __m512i mult, __m512i shift,
                                                          __m512i zp, __m512i lo, __m512i hi, int full,
                                                          __mmask16 lanes) {
    __m512i v = _mm512_add_epi32(edgefleet_requantize16(acc, mult, shift), zp);
    v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
    // Clamped to int8 already, so the saturating narrow is exact.
    if (full) _mm_storeu_si128((__m128i *)out, _mm512_cvtsepi32_epi8(v));
    else _mm512_mask_cvtsepi32_storeu_epi8(out, lanes, v);
}

EDGEFLEET_DW_TARGET
static inline void edgefleet_dw_pixel(const int8_t *const *rows, intptr_t taps, const int8_t *filter,
                                      intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                      const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                      int32_t lo, int32_t hi, int8_t *out, intptr_t multiplier) {
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t c = first; c < end; c += 16) {
        intptr_t n = end - c < 16 ? end - c : 16;
        int full = n == 16;
        __mmask16 lanes = (__mmask16)((1u << n) - 1);
        __mmask64 bytes = (__mmask64)((1ull << n) - 1);
        EDGEFLEET_DW_BLOCK_INPUT
        const int permute = multiplier != 1;
        __m512i acc = _mm512_maskz_loadu_epi32(lanes, bias + c);
        for (intptr_t t = 0; t < taps; t++) {
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_dw_load_x(rows[t] + xc, permute, xfull, xbytes, index),
                                                           edgefleet_dw_load(filter + t * channels + c, full, bytes)));
        }
        edgefleet_dw_store(out + c, acc, _mm512_maskz_loadu_epi32(lanes, multipliers + c),
                           _mm512_maskz_loadu_epi32(lanes, shifts + c), zp, low, high, full, lanes);
    }
}

// One channel block of a run of interior pixels, the block's weights widened once and held in registers (the
// compiler unrolls the tap loop when `TAPS` is a constant, as for 3×3).
#define EDGEFLEET_DW_INTERIOR_BODY(TAPS, PERMUTE)                                                                  \
    {                                                                                                          \
    __m512i w[TAPS];                                                                                           \
    for (intptr_t t = 0; t < (TAPS); t++) w[t] = edgefleet_dw_load(filter + t * channels + c, full, bytes);    \
    for (intptr_t i = 0; i < pixels; i++) {                                                                    \
        const int8_t *x = x0 + i * pixelStep + xc;                                                             \
        __m512i acc = bv;                                                                                      \
        for (intptr_t t = 0; t < (TAPS); t++)                                                                  \
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(                                                    \
                edgefleet_dw_load_x(x + tapOffsets[t], (PERMUTE), xfull, xbytes, index), w[t]));               \
        edgefleet_dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);                   \
    }                                                                                                          \
    }

EDGEFLEET_DW_TARGET
static inline void edgefleet_dw_interior(const int8_t *x0, intptr_t pixels, intptr_t pixelStep,
                                         const intptr_t *tapOffsets, intptr_t taps, const int8_t *filter,
                                         intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                         const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                         int32_t lo, int32_t hi, int8_t *out0, intptr_t outStep,
                                         intptr_t multiplier) {
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    if (multiplier == 1 && taps == 9 && channels == 8 && first == 0 && end == 8 && pixelStep == 8 && outStep == 8 &&
        pixels >= 2) {
        // Eight channels at stride 1: two neighbouring pixels are sixteen consecutive bytes at every tap and in the
        // output, so a pair runs as one full sixteen-lane block with the weights and per-channel parameters
        // repeated (vww's largest depthwise layer, 48×48×8, otherwise leaves half of every register idle).
        __m512i w[9];
        for (intptr_t t = 0; t < 9; t++) {
            __m128i half = _mm_loadl_epi64((const __m128i *)(filter + t * 8));
            w[t] = _mm512_cvtepi8_epi32(_mm_unpacklo_epi64(half, half));
        }
        const __m512i bv = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)bias));
        const __m512i mv = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)multipliers));
        const __m512i sv = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)shifts));
        const intptr_t pairs = pixels / 2;
        for (intptr_t i = 0; i < pairs; i++) {
            const int8_t *x = x0 + i * 16;
            __m512i acc = bv;
            for (intptr_t t = 0; t < 9; t++)
                acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(
                    _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(x + tapOffsets[t]))), w[t]));
            edgefleet_dw_store(out0 + i * 16, acc, mv, sv, zp, low, high, 1, 0xFFFF);
        }
        if ((pixels & 1) == 0) return;
        // An odd run's last pixel: the general loop below, eight lanes.
        x0 += pairs * 16;
        out0 += pairs * 16;
        pixels = 1;
    }
    for (intptr_t c = first; c < end; c += 16) {
        intptr_t n = end - c < 16 ? end - c : 16;
        int full = n == 16;
        __mmask16 lanes = (__mmask16)((1u << n) - 1);
        __mmask64 bytes = (__mmask64)((1ull << n) - 1);
        const __m512i bv = _mm512_maskz_loadu_epi32(lanes, bias + c);
        const __m512i mv = _mm512_maskz_loadu_epi32(lanes, multipliers + c);
        const __m512i sv = _mm512_maskz_loadu_epi32(lanes, shifts + c);
        EDGEFLEET_DW_BLOCK_INPUT
        if (taps == 9 && multiplier == 1) {
            EDGEFLEET_DW_INTERIOR_BODY(9, 0)
        } else if (taps == 9) {
            EDGEFLEET_DW_INTERIOR_BODY(9, 1)
        } else if (taps <= 25) {
            // 5×5 and smaller: weights still fit the 32 registers' budget reasonably; the loop stays generic.
            __m512i w[25];
            for (intptr_t t = 0; t < taps; t++) w[t] = edgefleet_dw_load(filter + t * channels + c, full, bytes);
            for (intptr_t i = 0; i < pixels; i++) {
                const int8_t *x = x0 + i * pixelStep + xc;
                __m512i acc = bv;
                for (intptr_t t = 0; t < taps; t++)
                    acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_dw_load_x(x + tapOffsets[t], multiplier != 1, xfull, xbytes, index), w[t]));
                edgefleet_dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);
            }
        } else {
            for (intptr_t i = 0; i < pixels; i++) {
                const int8_t *x = x0 + i * pixelStep + xc;
                __m512i acc = bv;
                for (intptr_t t = 0; t < taps; t++)
                    acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_dw_load_x(x + tapOffsets[t], multiplier != 1, xfull, xbytes, index),
                                                                   edgefleet_dw_load(filter + t * channels + c, full, bytes)));
                edgefleet_dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);
            }
        }
    }
}

// At most this many pixels per batch of `edgefleet_dw_batch` (their tap pointers live on the stack).
#define EDGEFLEET_DW_BATCH 8

// One channel block of a batch of pixels given by their tap pointers (`rows[i × taps + t]`), the block's weights
// widened once and held in registers across the batch.
#define EDGEFLEET_DW_BATCH_BODY(TAPS, PERMUTE)                                                                     \
    {                                                                                                          \
    __m512i w[TAPS];                                                                                           \
    for (intptr_t t = 0; t < (TAPS); t++) w[t] = edgefleet_dw_load(filter + t * channels + c, full, bytes);    \
    for (intptr_t i = 0; i < pixels; i++) {                                                                    \
        const int8_t *const *r = rows + i * taps;                                                              \
        __m512i acc = bv;                                                                                      \
        for (intptr_t t = 0; t < (TAPS); t++)                                                                  \
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(                                                    \
                edgefleet_dw_load_x(r[t] + xc, (PERMUTE), xfull, xbytes, index), w[t]));                       \
        edgefleet_dw_store(outs[i] + c, acc, mv, sv, zp, low, high, full, lanes);                              \
    }                                                                                                          \
    }

// Up to `EDGEFLEET_DW_BATCH` pixels anywhere in the output (border pixels, short interior runs), each through its
// own tap pointers: per channel block the weights are loaded once for the whole batch rather than once per pixel
// (KWS's 25×5 maps are about half border pixels, whose per-pixel path cost twice the interior's time in perf).
EDGEFLEET_DW_TARGET
static inline void edgefleet_dw_batch(const int8_t *const *rows, intptr_t pixels, intptr_t taps,
                                      int8_t *const *outs, const int8_t *filter, intptr_t channels, intptr_t first,
                                      intptr_t end, const int32_t *bias, const int32_t *multipliers,
                                      const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi,
                                      intptr_t multiplier) {
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t c = first; c < end; c += 16) {
        intptr_t n = end - c < 16 ? end - c : 16;
        int full = n == 16;
        __mmask16 lanes = (__mmask16)((1u << n) - 1);
        __mmask64 bytes = (__mmask64)((1ull << n) - 1);
        const __m512i bv = _mm512_maskz_loadu_epi32(lanes, bias + c);
        const __m512i mv = _mm512_maskz_loadu_epi32(lanes, multipliers + c);
        const __m512i sv = _mm512_maskz_loadu_epi32(lanes, shifts + c);
        EDGEFLEET_DW_BLOCK_INPUT
        if (taps == 9 && multiplier == 1) {
            EDGEFLEET_DW_BATCH_BODY(9, 0)
        } else if (taps == 9) {
            EDGEFLEET_DW_BATCH_BODY(9, 1)
        } else if (taps <= 25) {
            __m512i w[25];
            for (intptr_t t = 0; t < taps; t++) w[t] = edgefleet_dw_load(filter + t * channels + c, full, bytes);
            for (intptr_t i = 0; i < pixels; i++) {
                const int8_t *const *r = rows + i * taps;
                __m512i acc = bv;
                for (intptr_t t = 0; t < taps; t++)
                    acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(
                        edgefleet_dw_load_x(r[t] + xc, multiplier != 1, xfull, xbytes, index), w[t]));
                edgefleet_dw_store(outs[i] + c, acc, mv, sv, zp, low, high, full, lanes);
            }
        } else {
            for (intptr_t i = 0; i < pixels; i++) {
                const int8_t *const *r = rows + i * taps;
                __m512i acc = bv;
                for (intptr_t t = 0; t < taps; t++)
                    acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(
                        edgefleet_dw_load_x(r[t] + xc, multiplier != 1, xfull, xbytes, index),
                        edgefleet_dw_load(filter + t * channels + c, full, bytes)));
                edgefleet_dw_store(outs[i] + c, acc, mv, sv, zp, low, high, full, lanes);
            }
        }
    }
}

EDGEFLEET_DW_TARGET
void edgefleet_avx512_depthwise_pixel(const int8_t *const *rows, intptr_t taps, const int8_t *filter,
                                      intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                      const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                      int32_t lo, int32_t hi, int8_t *out) {
    edgefleet_dw_pixel(rows, taps, filter, channels, first, end, bias, multipliers, shifts, zeroPoint, lo, hi, out, 1);
}

EDGEFLEET_DW_TARGET
void edgefleet_avx512_depthwise_interior(const int8_t *x0, intptr_t pixels, intptr_t pixelStep,
                                         const intptr_t *tapOffsets, intptr_t taps, const int8_t *filter,
                                         intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                         const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                         int32_t lo, int32_t hi, int8_t *out0, intptr_t outStep) {
    edgefleet_dw_interior(x0, pixels, pixelStep, tapOffsets, taps, filter, channels, first, end, bias, multipliers,
                          shifts, zeroPoint, lo, hi, out0, outStep, 1);
}

__attribute__((target("avx512f,avx512bw,prfchw")))
void edgefleet_avx512_depthwise_rows(const edgefleet_conv_shape *shape, const int8_t *input, const int8_t *zeroRow,
                                     const int8_t *filter, const int32_t *bias, const int32_t *multipliers,
                                     const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *output,
                                     intptr_t firstRow, intptr_t endRow, intptr_t first, intptr_t end) {
    const edgefleet_conv_shape s = *shape;
    const intptr_t ic = s.inputChannels, oc = s.outputChannels, fh = s.filterHeight, fw = s.filterWidth;
    const intptr_t taps = fh * fw;
    if (taps > EDGEFLEET_DEPTHWISE_MAX_TAPS || s.outputHeight == 0 || ic == 0) return;
    const intptr_t multiplier = oc / ic;
    // Border pixels and short interior runs are queued here and computed a batch at a time (across rows).
    const int8_t *rows[EDGEFLEET_DW_BATCH * EDGEFLEET_DEPTHWISE_MAX_TAPS];
    int8_t *outs[EDGEFLEET_DW_BATCH];
    intptr_t queued = 0;
    intptr_t offsets[EDGEFLEET_DEPTHWISE_MAX_TAPS];
    for (intptr_t ky = 0; ky < fh; ky++)
        for (intptr_t kx = 0; kx < fw; kx++)
            offsets[ky * fw + kx] = (ky * s.dilationHeight * s.inputWidth + kx * s.dilationWidth) * ic;
    // Output columns whose taps all lie inside the row: ox × sw − pl ≥ 0 and ox × sw − pl + (fw − 1) × dw < iw.
    const intptr_t sw = s.strideWidth, pl = s.paddingLeft;
    const intptr_t firstInterior = (pl + sw - 1) / sw;
    const intptr_t lastTapStart = s.inputWidth - 1 - (fw - 1) * s.dilationWidth + pl;
    intptr_t lastInterior = lastTapStart >= 0 ? lastTapStart / sw : -1;   // inclusive
    if (lastInterior > s.outputWidth - 1) lastInterior = s.outputWidth - 1;
    // A run this short loads each block's weights for too few pixels: its pixels join the batches instead.
    const int runInterior = lastInterior - firstInterior + 1 >= EDGEFLEET_DW_BATCH;
    // This part's rows own whole output rows only when it has every channel (a channel split shares each row).
    const int wholeRows = first == 0 && end == oc;
    const intptr_t rowBytes = s.outputWidth * oc;
    if (wholeRows) edgefleet_prefetch_for_write(output + firstRow * rowBytes, output + endRow * rowBytes, rowBytes);
    for (intptr_t r = firstRow; r < endRow; r++) {
        const intptr_t b = r / s.outputHeight, oy = r % s.outputHeight;
        const int8_t *image = input + b * s.inputHeight * s.inputWidth * ic;
        int8_t *out = output + r * s.outputWidth * oc;
        // The next row's output while this one is computed.
        if (wholeRows) edgefleet_prefetch_for_write(out + rowBytes, output + endRow * rowBytes, rowBytes);
        const intptr_t iy0 = oy * s.strideHeight - s.paddingTop;
        const int rowInside = iy0 >= 0 && iy0 + (fh - 1) * s.dilationHeight < s.inputHeight;
        const int interior = rowInside && firstInterior <= lastInterior;
        for (intptr_t ox = 0; ox < s.outputWidth; ox++) {
            const intptr_t ix0 = ox * sw - pl;
            const int8_t **tapRows = rows + queued * taps;
            if (interior && ox >= firstInterior && ox <= lastInterior) {
                const int8_t *x = image + (iy0 * s.inputWidth + ix0) * ic;
                if (runInterior) {
                    edgefleet_dw_interior(x, lastInterior - firstInterior + 1, sw * ic, offsets, taps, filter, oc,
                                          first, end, bias, multipliers, shifts, zeroPoint, lo, hi,
                                          out + firstInterior * oc, oc, multiplier);
                    ox = lastInterior;
                    continue;
                }
                for (intptr_t t = 0; t < taps; t++) tapRows[t] = x + offsets[t];
            } else {
                // A border pixel: taps outside the image read the zero-point row.
                for (intptr_t ky = 0; ky < fh; ky++) {
                    const intptr_t iy = iy0 + ky * s.dilationHeight;
                    const int yInside = iy >= 0 && iy < s.inputHeight;
                    for (intptr_t kx = 0; kx < fw; kx++) {
                        const intptr_t ix = ix0 + kx * s.dilationWidth;
                        tapRows[ky * fw + kx] = yInside && ix >= 0 && ix < s.inputWidth
                            ? image + (iy * s.inputWidth + ix) * ic : zeroRow;
                    }
                }
            }
            outs[queued++] = out + ox * oc;
            if (queued == EDGEFLEET_DW_BATCH) {
                edgefleet_dw_batch(rows, queued, taps, outs, filter, oc, first, end, bias, multipliers, shifts,
                                   zeroPoint, lo, hi, multiplier);
                queued = 0;
            }
        }
    }
    if (queued > 0)
        edgefleet_dw_batch(rows, queued, taps, outs, filter, oc, first, end, bias, multipliers, shifts, zeroPoint, lo,
                           hi, multiplier);
}

#else
void edgefleet_avx512_depthwise_pixel(const int8_t *const *rows, intptr_t taps, const int8_t *filter,
                                      intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                      const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                      int32_t lo, int32_t hi, int8_t *out) {
    (void)rows; (void)taps; (void)filter; (void)channels; (void)first; (void)end; (void)bias; (void)multipliers;
    (void)shifts; (void)zeroPoint; (void)lo; (void)hi; (void)out;
}

void edgefleet_avx512_depthwise_interior(const int8_t *x0, intptr_t pixels, intptr_t pixelStep,
                                         const intptr_t *tapOffsets, intptr_t taps, const int8_t *filter,
                                         intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                         const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                         int32_t lo, int32_t hi, int8_t *out0, intptr_t outStep) {
    (void)x0; (void)pixels; (void)pixelStep; (void)tapOffsets; (void)taps; (void)filter; (void)channels;
    (void)first; (void)end; (void)bias; (void)multipliers; (void)shifts; (void)zeroPoint; (void)lo; (void)hi;
    (void)out0; (void)outStep;
}

void edgefleet_avx512_depthwise_rows(const edgefleet_conv_shape *shape, const int8_t *input, const int8_t *zeroRow,
                                     const int8_t *filter, const int32_t *bias, const int32_t *multipliers,
                                     const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, int8_t *output,
                                     intptr_t firstRow, intptr_t endRow, intptr_t first, intptr_t end) {
    (void)shape; (void)input; (void)zeroRow; (void)filter; (void)bias; (void)multipliers; (void)shifts;
    (void)zeroPoint; (void)lo; (void)hi; (void)output; (void)firstRow; (void)endRow; (void)first; (void)end;
}
#endif
