// Legacy uint8 convolutions on AVX-512 VNNI (the arithmetic is described in CVNNIUInt8.h). Kept apart from the
// int8 kernels in VNNI.c: the activations are not sign-flipped, each pixel's accumulators start from its own
// correction instead of a per-channel start, and the results are stored as unsigned bytes. Only these functions
// carry the AVX-512 VNNI target attributes; Kernels calls them after checking CPUID.
#include "CVNNIUInt8.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include "Requantize16.h"

static inline int32_t edgefleet_u8_load_quad(const uint8_t *p) {
    int32_t q;
    memcpy(&q, p, 4);
    return q;
}

static inline __mmask64 edgefleet_u8_mask64(intptr_t left) {
    return left >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << left) - 1);
}

// Requantises one 16-channel row of int32 sums (bias not yet added) and stores its uint8 results. Clamped to
// [lo, hi] within 0…255 first, so the unsigned saturating narrow is exact.
__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_u8_store16(uint8_t *out, __m512i acc, __m512i bias, __m512i multiplier, __m512i shift,
                                        __m512i zp, __m512i low, __m512i high, int full, __mmask16 lanes) {
    __m512i v = _mm512_add_epi32(edgefleet_requantize16(_mm512_add_epi32(acc, bias), multiplier, shift), zp);
    v = _mm512_min_epi32(_mm512_max_epi32(v, low), high);
    if (full) _mm_storeu_si128((__m128i *)out, _mm512_cvtusepi32_epi8(v));
    else _mm512_mask_cvtusepi32_storeu_epi8(out, lanes, v);
}

// Four pixels × 16 full channels at once, as VNNI.c's int8 store but narrowed to unsigned bytes: `vpackssdw`, the
// zero point (0…255) added in int16 with saturation, `vpackuswb`, the clamp on unsigned bytes, one `vpermd` back to
// pixel order. Exact: a value saturated on the way lies beyond 0…255 on the same side, so the clamp gives what
// clamping the int32 value would. (This replaces the "requantise at zero point − 128 and flip the bytes" route:
// the unsigned pack needs no flip.)
__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_u8_store4x16(uint8_t *out, intptr_t outStride, const __m512i acc[4], __m512i bias,
                                          __m512i multiplier, __m512i shift, __m512i zp16, __m512i low8,
                                          __m512i high8) {
    __m512i v0 = edgefleet_requantize16(_mm512_add_epi32(acc[0], bias), multiplier, shift);
    __m512i v1 = edgefleet_requantize16(_mm512_add_epi32(acc[1], bias), multiplier, shift);
    __m512i v2 = edgefleet_requantize16(_mm512_add_epi32(acc[2], bias), multiplier, shift);
    __m512i v3 = edgefleet_requantize16(_mm512_add_epi32(acc[3], bias), multiplier, shift);
    __m512i p01 = _mm512_adds_epi16(_mm512_packs_epi32(v0, v1), zp16);
    __m512i p23 = _mm512_adds_epi16(_mm512_packs_epi32(v2, v3), zp16);
    __m512i b = _mm512_min_epu8(_mm512_max_epu8(_mm512_packus_epi16(p01, p23), low8), high8);
    b = _mm512_permutexvar_epi32(_mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), b);
    _mm_storeu_si128((__m128i *)out, _mm512_castsi512_si128(b));
    _mm_storeu_si128((__m128i *)(out + outStride), _mm512_extracti32x4_epi32(b, 1));
    _mm_storeu_si128((__m128i *)(out + 2 * outStride), _mm512_extracti32x4_epi32(b, 2));
    _mm_storeu_si128((__m128i *)(out + 3 * outStride), _mm512_extracti32x4_epi32(b, 3));
}

// Σ of `n` unsigned bytes: `vpsadbw` against zero, eight 64-bit partial sums per 64 bytes.
__attribute__((target("avx512f,avx512bw")))
static inline int32_t edgefleet_u8_sum(const uint8_t *p, intptr_t n) {
    const __m512i zero = _mm512_setzero_si512();
    __m512i sum = zero;
    for (intptr_t j = 0; j < n; j += 64) {
        sum = _mm512_add_epi64(sum, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(edgefleet_u8_mask64(n - j), p + j), zero));
    }
    return (int32_t)_mm512_reduce_add_epi64(sum);
}

// weightOffset · Σx, wrapping like the int32 accumulators (no signed-overflow UB).
static inline int32_t edgefleet_u8_correction(int32_t weightOffset, int32_t sum) {
    return (int32_t)((uint32_t)weightOffset * (uint32_t)sum);
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static inline void edgefleet_u8_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock,
                                            intptr_t kQuads, const uint8_t *const rows[4], intptr_t pixels,
                                            const int32_t *corrections, intptr_t outputChannels, const int32_t *bias,
                                            const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                            int32_t lo, int32_t hi, uint8_t *out, intptr_t outStride) {
    // A partial group repeats its last pixel; those results are not stored.
    const uint8_t *p0 = rows[0];
    const uint8_t *p1 = rows[pixels > 1 ? 1 : pixels - 1];
    const uint8_t *p2 = rows[pixels > 2 ? 2 : pixels - 1];
    const uint8_t *p3 = rows[pixels > 3 ? 3 : pixels - 1];
    const __m512i c0 = _mm512_set1_epi32(corrections[0]);
    const __m512i c1 = _mm512_set1_epi32(corrections[pixels > 1 ? 1 : pixels - 1]);
    const __m512i c2 = _mm512_set1_epi32(corrections[pixels > 2 ? 2 : pixels - 1]);
    const __m512i c3 = _mm512_set1_epi32(corrections[pixels > 3 ? 3 : pixels - 1]);
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    const __m512i zp16 = _mm512_set1_epi16((short)zeroPoint);
    const __m512i low8 = _mm512_set1_epi8((char)lo), high8 = _mm512_set1_epi8((char)hi);
    intptr_t block = firstBlock;
    // Two blocks (32 channels) per step, as the int8 kernel: each broadcast quad feeds two `vpdpbusd`.
    for (; block + 1 < endBlock; block += 2) {
        const int8_t *wa = quads + block * kQuads * 64, *wb = wa + kQuads * 64;
        __m512i a0 = c0, a1 = c1, a2 = c2, a3 = c3, b0 = c0, b1 = c1, b2 = c2, b3 = c3;
        for (intptr_t k = 0; k < kQuads; k++) {
            __m512i w0 = _mm512_loadu_si512(wa + 64 * k), w1 = _mm512_loadu_si512(wb + 64 * k);
            __m512i x0 = _mm512_set1_epi32(edgefleet_u8_load_quad(p0 + 4 * k));
            __m512i x1 = _mm512_set1_epi32(edgefleet_u8_load_quad(p1 + 4 * k));
            __m512i x2 = _mm512_set1_epi32(edgefleet_u8_load_quad(p2 + 4 * k));
            __m512i x3 = _mm512_set1_epi32(edgefleet_u8_load_quad(p3 + 4 * k));
            a0 = _mm512_dpbusd_epi32(a0, x0, w0); b0 = _mm512_dpbusd_epi32(b0, x0, w1);
            a1 = _mm512_dpbusd_epi32(a1, x1, w0); b1 = _mm512_dpbusd_epi32(b1, x1, w1);
            a2 = _mm512_dpbusd_epi32(a2, x2, w0); b2 = _mm512_dpbusd_epi32(b2, x2, w1);
            a3 = _mm512_dpbusd_epi32(a3, x3, w0); b3 = _mm512_dpbusd_epi32(b3, x3, w1);
        }
        intptr_t c = block * 16;
        intptr_t n = outputChannels - c - 16;   // channels of the second block (1…16)
        int fullB = n >= 16;
        __mmask16 lanesB = (__mmask16)(fullB ? 0xFFFF : (1u << n) - 1);
        __m512i ba = _mm512_loadu_si512(bias + c), ma = _mm512_loadu_si512(multipliers + c);
        __m512i sa = _mm512_loadu_si512(shifts + c);
        __m512i bb = _mm512_maskz_loadu_epi32(lanesB, bias + c + 16);
        __m512i mb = _mm512_maskz_loadu_epi32(lanesB, multipliers + c + 16);
        __m512i sb = _mm512_maskz_loadu_epi32(lanesB, shifts + c + 16);
        __m512i accA[4] = {a0, a1, a2, a3}, accB[4] = {b0, b1, b2, b3};
        if (pixels == 4) {
            edgefleet_u8_store4x16(out + c, outStride, accA, ba, ma, sa, zp16, low8, high8);
            if (fullB) {
                edgefleet_u8_store4x16(out + c + 16, outStride, accB, bb, mb, sb, zp16, low8, high8);
                continue;
            }
            for (intptr_t i = 0; i < pixels; i++)
                edgefleet_u8_store16(out + i * outStride + c + 16, accB[i], bb, mb, sb, zp, low, high, fullB, lanesB);
            continue;
        }
        for (intptr_t i = 0; i < pixels; i++) {
            edgefleet_u8_store16(out + i * outStride + c, accA[i], ba, ma, sa, zp, low, high, 1, 0xFFFF);
            edgefleet_u8_store16(out + i * outStride + c + 16, accB[i], bb, mb, sb, zp, low, high, fullB, lanesB);
        }
    }
    if (block < endBlock) {
        // One block left: the 4×16 tile with two accumulator sets (even and odd k) to hide `vpdpbusd`'s latency.
        const int8_t *weights = quads + block * kQuads * 64;
        __m512i a0 = c0, a1 = c1, a2 = c2, a3 = c3;
        __m512i b0 = _mm512_setzero_si512(), b1 = b0, b2 = b0, b3 = b0;
        intptr_t k = 0;
        for (; k + 1 < kQuads; k += 2) {
            __m512i w0 = _mm512_loadu_si512(weights + 64 * k);
            __m512i w1 = _mm512_loadu_si512(weights + 64 * k + 64);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(edgefleet_u8_load_quad(p0 + 4 * k)), w0);
            a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(edgefleet_u8_load_quad(p1 + 4 * k)), w0);
            a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(edgefleet_u8_load_quad(p2 + 4 * k)), w0);
            a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(edgefleet_u8_load_quad(p3 + 4 * k)), w0);
            b0 = _mm512_dpbusd_epi32(b0, _mm512_set1_epi32(edgefleet_u8_load_quad(p0 + 4 * k + 4)), w1);
            b1 = _mm512_dpbusd_epi32(b1, _mm512_set1_epi32(edgefleet_u8_load_quad(p1 + 4 * k + 4)), w1);
            b2 = _mm512_dpbusd_epi32(b2, _mm512_set1_epi32(edgefleet_u8_load_quad(p2 + 4 * k + 4)), w1);
            b3 = _mm512_dpbusd_epi32(b3, _mm512_set1_epi32(edgefleet_u8_load_quad(p3 + 4 * k + 4)), w1);
        }
        if (k < kQuads) {
            __m512i w0 = _mm512_loadu_si512(weights + 64 * k);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(edgefleet_u8_load_quad(p0 + 4 * k)), w0);
            a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(edgefleet_u8_load_quad(p1 + 4 * k)), w0);
            a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(edgefleet_u8_load_quad(p2 + 4 * k)), w0);
            a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(edgefleet_u8_load_quad(p3 + 4 * k)), w0);
        }
        __m512i acc[4] = {_mm512_add_epi32(a0, b0), _mm512_add_epi32(a1, b1), _mm512_add_epi32(a2, b2),
                          _mm512_add_epi32(a3, b3)};
        intptr_t c = block * 16;
        intptr_t n = outputChannels - c;
        int full = n >= 16;
        __mmask16 lanes = (__mmask16)(full ? 0xFFFF : (1u << n) - 1);
        __m512i bv = _mm512_maskz_loadu_epi32(lanes, bias + c), mv = _mm512_maskz_loadu_epi32(lanes, multipliers + c);
        __m512i sv = _mm512_maskz_loadu_epi32(lanes, shifts + c);
        if (pixels == 4 && full) {
            edgefleet_u8_store4x16(out + c, outStride, acc, bv, mv, sv, zp16, low8, high8);
            return;
        }
        for (intptr_t i = 0; i < pixels; i++) {
            edgefleet_u8_store16(out + i * outStride + c, acc[i], bv, mv, sv, zp, low, high, full, lanes);
        }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void edgefleet_vnni512_u8_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads,
                                      const uint8_t *activations, intptr_t pixels, const int32_t *corrections,
                                      intptr_t outputChannels, const int32_t *bias, const int32_t *multipliers,
                                      const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *out,
                                      intptr_t outStride) {
    const intptr_t row = kQuads * 4;
    const uint8_t *rows[4] = {activations, activations + row, activations + 2 * row, activations + 3 * row};
    edgefleet_u8_conv_pixels(quads, firstBlock, endBlock, kQuads, rows, pixels, corrections, outputChannels, bias,
                             multipliers, shifts, zeroPoint, lo, hi, out, outStride);
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void edgefleet_vnni512_u8_conv1x1(const uint8_t *input, intptr_t firstPixel, intptr_t endPixel,
                                  intptr_t inputChannels, uint8_t *scratch, const int8_t *quads, intptr_t firstBlock,
                                  intptr_t endBlock, intptr_t kQuads, int32_t weightOffset, intptr_t outputChannels,
                                  const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                  int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *output) {
    const intptr_t row = kQuads * 4;
    // With whole quads per pixel the input rows are the packed rows: no copy at all (no sign flip to apply).
    const int inPlace = row == inputChannels;
    for (intptr_t pixel = firstPixel; pixel < endPixel; pixel += 4) {
        intptr_t count = endPixel - pixel < 4 ? endPixel - pixel : 4;
        const uint8_t *rows[4];
        int32_t corrections[4];
        for (intptr_t i = 0; i < count; i++) {
            const uint8_t *src = input + (pixel + i) * inputChannels;
            if (inPlace) {
                rows[i] = src;
            } else {
                // Zero-padded to whole quads (their weights are 0 and they add nothing to Σx).
                uint8_t *dst = scratch + i * row;
                for (intptr_t j = 0; j < row; j += 64) {
                    __m512i v = _mm512_maskz_loadu_epi8(edgefleet_u8_mask64(inputChannels - j), src + j);
                    _mm512_mask_storeu_epi8(dst + j, edgefleet_u8_mask64(row - j), v);
                }
                rows[i] = dst;
            }
            corrections[i] = edgefleet_u8_correction(weightOffset, edgefleet_u8_sum(src, inputChannels));
        }
        edgefleet_u8_conv_pixels(quads, firstBlock, endBlock, kQuads, rows, count, corrections, outputChannels, bias,
                                 multipliers, shifts, zeroPoint, lo, hi, output + pixel * outputChannels,
                                 outputChannels);
    }
}

// Copies `n` bytes, 64 per masked step.
__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_u8_copy(uint8_t *dst, const uint8_t *src, intptr_t n) {
    for (intptr_t j = 0; j < n; j += 64) {
        __mmask64 m = edgefleet_u8_mask64(n - j);
        _mm512_mask_storeu_epi8(dst + j, m, _mm512_maskz_loadu_epi8(m, src + j));
    }
}

__attribute__((target("avx512f,avx512bw")))
static inline void edgefleet_u8_fill(uint8_t *dst, __m512i value, intptr_t n) {
    for (intptr_t j = 0; j < n; j += 64) _mm512_mask_storeu_epi8(dst + j, edgefleet_u8_mask64(n - j), value);
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void edgefleet_vnni512_u8_conv_gather(const edgefleet_conv_shape *shape, const uint8_t *input, uint8_t padValue,
                                      intptr_t firstPixel, intptr_t endPixel, uint8_t *scratch, const int8_t *quads,
                                      intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads, int32_t weightOffset,
                                      const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                      int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *output) {
    const edgefleet_conv_shape s = *shape;
    const intptr_t row = kQuads * 4, ic = s.inputChannels, oc = s.outputChannels;
    const intptr_t imageBytes = s.inputHeight * s.inputWidth * ic, runBytes = s.filterWidth * ic;
    // Padding taps read the input zero point (the folded bias cancels it; it counts in Σx like any tap).
    const __m512i pad = _mm512_set1_epi8((char)padValue);
    const intptr_t perImage = s.outputHeight * s.outputWidth;
    if (firstPixel >= endPixel || perImage == 0) return;
    const uint8_t *rows[4] = {scratch, scratch + row, scratch + 2 * row, scratch + 3 * row};
    // Output coordinates of the next pixel, advanced incrementally (no division per pixel).
    intptr_t b = firstPixel / perImage, oy = (firstPixel % perImage) / s.outputWidth, ox = firstPixel % s.outputWidth;
    for (intptr_t pixel = firstPixel; pixel < endPixel; pixel += 4) {
        intptr_t count = endPixel - pixel < 4 ? endPixel - pixel : 4;
        int32_t corrections[4];
        for (intptr_t i = 0; i < count; i++) {
            const uint8_t *image = input + b * imageBytes;
            uint8_t *dst = scratch + i * row;
            intptr_t k = 0;
            const intptr_t iy0 = oy * s.strideHeight - s.paddingTop, ix0 = ox * s.strideWidth - s.paddingLeft;
            const int columnsInside = s.dilationWidth == 1 && ix0 >= 0 && ix0 + s.filterWidth <= s.inputWidth;
            for (intptr_t ky = 0; ky < s.filterHeight; ky++) {
                const intptr_t iy = iy0 + ky * s.dilationHeight;
                const int rowInside = iy >= 0 && iy < s.inputHeight;
                if (rowInside && columnsInside) {
                    // The filter row's taps lie back to back: one copy (an RGB stem's 3×3 row is 9 bytes).
                    edgefleet_u8_copy(dst + k, image + (iy * s.inputWidth + ix0) * ic, runBytes);
                    k += runBytes;
                    continue;
                }
                for (intptr_t kx = 0; kx < s.filterWidth; kx++) {
                    const intptr_t ix = ix0 + kx * s.dilationWidth;
                    if (rowInside && ix >= 0 && ix < s.inputWidth) {
                        edgefleet_u8_copy(dst + k, image + (iy * s.inputWidth + ix) * ic, ic);
                    } else {
                        edgefleet_u8_fill(dst + k, pad, ic);
                    }
                    k += ic;
                }
            }
            // Zeros up to whole quads (their weights are zero and they add nothing to Σx).
            for (; k < row; k++) dst[k] = 0;
            corrections[i] = edgefleet_u8_correction(weightOffset, edgefleet_u8_sum(dst, row));
            if (++ox == s.outputWidth) {
                ox = 0;
                if (++oy == s.outputHeight) { oy = 0; b++; }
            }
        }
        edgefleet_u8_conv_pixels(quads, firstBlock, endBlock, kQuads, rows, count, corrections, oc, bias, multipliers,
                                 shifts, zeroPoint, lo, hi, output + pixel * oc, oc);
    }
}

#else
void edgefleet_vnni512_u8_conv_pixels(const int8_t *quads, intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads,
                                      const uint8_t *activations, intptr_t pixels, const int32_t *corrections,
                                      intptr_t outputChannels, const int32_t *bias, const int32_t *multipliers,
                                      const int32_t *shifts, int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *out,
                                      intptr_t outStride) {
    (void)quads; (void)firstBlock; (void)endBlock; (void)kQuads; (void)activations; (void)pixels; (void)corrections;
    (void)outputChannels; (void)bias; (void)multipliers; (void)shifts; (void)zeroPoint; (void)lo; (void)hi;
    (void)out; (void)outStride;
}

void edgefleet_vnni512_u8_conv1x1(const uint8_t *input, intptr_t firstPixel, intptr_t endPixel,
                                  intptr_t inputChannels, uint8_t *scratch, const int8_t *quads, intptr_t firstBlock,
                                  intptr_t endBlock, intptr_t kQuads, int32_t weightOffset, intptr_t outputChannels,
                                  const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                  int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *output) {
    (void)input; (void)firstPixel; (void)endPixel; (void)inputChannels; (void)scratch; (void)quads; (void)firstBlock;
    (void)endBlock; (void)kQuads; (void)weightOffset; (void)outputChannels; (void)bias; (void)multipliers;
    (void)shifts; (void)zeroPoint; (void)lo; (void)hi; (void)output;
}

void edgefleet_vnni512_u8_conv_gather(const edgefleet_conv_shape *shape, const uint8_t *input, uint8_t padValue,
                                      intptr_t firstPixel, intptr_t endPixel, uint8_t *scratch, const int8_t *quads,
                                      intptr_t firstBlock, intptr_t endBlock, intptr_t kQuads, int32_t weightOffset,
                                      const int32_t *bias, const int32_t *multipliers, const int32_t *shifts,
                                      int32_t zeroPoint, int32_t lo, int32_t hi, uint8_t *output) {
    (void)shape; (void)input; (void)padValue; (void)firstPixel; (void)endPixel; (void)scratch; (void)quads;
    (void)firstBlock; (void)endBlock; (void)kQuads; (void)weightOffset; (void)bias; (void)multipliers; (void)shifts;
    (void)zeroPoint; (void)lo; (void)hi; (void)output;
}
#endif
