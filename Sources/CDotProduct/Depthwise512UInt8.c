// The AVX-512 legacy uint8 depthwise convolution (depth multiplier 1): the int8 kernel of Depthwise512.c with
// unsigned activations (`vpmovzxbd`), Int16 weights minus their zero point (`vpmovsxwd`) and unsigned stores. Kept
// apart from it so the int8 kernel stays as it is. Only these functions carry the AVX-512 target attribute; Kernels
// calls them after checking CPUID. The twin is the Swift `depthwise` loop; KernelsTests compares them byte for byte.
#include "CDepthwiseUInt8.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "Requantize16.h"

#define EDGEFLEET_U8DW_TARGET __attribute__((target("avx512f,avx512bw")))

// Sixteen uint8 activations zero-extended to int32; a channel tail reads only its `mask` bytes (masked loads do not
// fault on the bytes they skip).
EDGEFLEET_U8DW_TARGET static inline __m512i edgefleet_u8dw_load_x(const uint8_t *p, int full, __mmask64 mask) {
    if (full) return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm512_cvtepu8_epi32(_mm512_castsi512_si128(_mm512_maskz_loadu_epi8(mask, p)));
}

// Sixteen Int16 weights sign-extended to int32.
EDGEFLEET_U8DW_TARGET static inline __m512i edgefleet_u8dw_load_w(const int16_t *p, int full, __mmask32 mask) {
    if (full) return _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i *)p));
    return _mm512_cvtepi16_epi32(_mm512_castsi512_si256(_mm512_maskz_loadu_epi16(mask, p)));
}

EDGEFLEET_U8DW_TARGET static inline void edgefleet_u8dw_store(uint8_t *out, __m512i acc, __m512i mult, __m512i shift,
                                                              __m512i zp, __m512i lo, __m512i hi, int full,
                                                              __mmask16 lanes) {
    __m512i v = _mm512_add_epi32(edgefleet_requantize16(acc, mult, shift), zp);
    v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
    // Clamped to 0…255 already, so the unsigned saturating narrow is exact.
    if (full) _mm_storeu_si128((__m128i *)out, _mm512_cvtusepi32_epi8(v));
    else _mm512_mask_cvtusepi32_storeu_epi8(out, lanes, v);
}

EDGEFLEET_U8DW_TARGET
static inline void edgefleet_u8dw_pixel(const uint8_t *const *rows, intptr_t taps, const int16_t *filter,
                                        intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                        const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                        int32_t lo, int32_t hi, uint8_t *out) {
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t c = first; c < end; c += 16) {
        intptr_t n = end - c < 16 ? end - c : 16;
        int full = n == 16;
        __mmask16 lanes = (__mmask16)((1u << n) - 1);
        __mmask64 bytes = (__mmask64)((1ull << n) - 1);
        __m512i acc = _mm512_maskz_loadu_epi32(lanes, bias + c);
        for (intptr_t t = 0; t < taps; t++) {
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_u8dw_load_x(rows[t] + c, full, bytes),
                                                           edgefleet_u8dw_load_w(filter + t * channels + c, full,
                                                                                 (__mmask32)lanes)));
        }
        edgefleet_u8dw_store(out + c, acc, _mm512_maskz_loadu_epi32(lanes, multipliers + c),
                             _mm512_maskz_loadu_epi32(lanes, shifts + c), zp, low, high, full, lanes);
    }
}

// One channel block of a run of interior pixels, the block's weights widened once and held in registers (the
// compiler unrolls the tap loop when `TAPS` is a constant, as for 3×3).
#define EDGEFLEET_U8DW_INTERIOR_BODY(TAPS)                                                                         \
    {                                                                                                          \
    __m512i w[TAPS];                                                                                           \
    for (intptr_t t = 0; t < (TAPS); t++) w[t] = edgefleet_u8dw_load_w(filter + t * channels + c, full, words); \
    for (intptr_t i = 0; i < pixels; i++) {                                                                    \
        const uint8_t *x = x0 + i * pixelStep + c;                                                             \
        __m512i acc = bv;                                                                                      \
        for (intptr_t t = 0; t < (TAPS); t++)                                                                  \
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_u8dw_load_x(x + tapOffsets[t], full, bytes), \
                                                           w[t]));                                             \
        edgefleet_u8dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);                 \
    }                                                                                                          \
    }

EDGEFLEET_U8DW_TARGET
static inline void edgefleet_u8dw_interior(const uint8_t *x0, intptr_t pixels, intptr_t pixelStep,
                                           const intptr_t *tapOffsets, intptr_t taps, const int16_t *filter,
                                           intptr_t channels, intptr_t first, intptr_t end, const int32_t *bias,
                                           const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                           int32_t lo, int32_t hi, uint8_t *out0, intptr_t outStep) {
    const __m512i zp = _mm512_set1_epi32(zeroPoint), low = _mm512_set1_epi32(lo), high = _mm512_set1_epi32(hi);
    for (intptr_t c = first; c < end; c += 16) {
        intptr_t n = end - c < 16 ? end - c : 16;
        int full = n == 16;
        __mmask16 lanes = (__mmask16)((1u << n) - 1);
        __mmask32 words = (__mmask32)lanes;
        __mmask64 bytes = (__mmask64)((1ull << n) - 1);
        const __m512i bv = _mm512_maskz_loadu_epi32(lanes, bias + c);
        const __m512i mv = _mm512_maskz_loadu_epi32(lanes, multipliers + c);
        const __m512i sv = _mm512_maskz_loadu_epi32(lanes, shifts + c);
        if (taps == 9) {
            EDGEFLEET_U8DW_INTERIOR_BODY(9)
        } else {
            for (intptr_t i = 0; i < pixels; i++) {
                const uint8_t *x = x0 + i * pixelStep + c;
                __m512i acc = bv;
                for (intptr_t t = 0; t < taps; t++)
                    acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(edgefleet_u8dw_load_x(x + tapOffsets[t], full, bytes),
                                                                   edgefleet_u8dw_load_w(filter + t * channels + c, full, words)));
                edgefleet_u8dw_store(out0 + i * outStep + c, acc, mv, sv, zp, low, high, full, lanes);
            }
        }
    }
}

EDGEFLEET_U8DW_TARGET
void edgefleet_avx512_u8_depthwise_rows(const edgefleet_conv_shape *shape, const uint8_t *input,
                                        const uint8_t *zeroRow, const int16_t *filter, const int32_t *bias,
                                        const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                        int32_t lo, int32_t hi, uint8_t *output, intptr_t firstRow, intptr_t endRow,
                                        intptr_t first, intptr_t end) {
    const edgefleet_conv_shape s = *shape;
    const intptr_t ic = s.inputChannels, oc = s.outputChannels, fh = s.filterHeight, fw = s.filterWidth;
    const intptr_t taps = fh * fw;
    if (taps > EDGEFLEET_DEPTHWISE_MAX_TAPS || s.outputHeight == 0 || ic == 0 || oc != ic) return;
    const uint8_t *rows[EDGEFLEET_DEPTHWISE_MAX_TAPS];
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
    for (intptr_t r = firstRow; r < endRow; r++) {
        const intptr_t b = r / s.outputHeight, oy = r % s.outputHeight;
        const uint8_t *image = input + b * s.inputHeight * s.inputWidth * ic;
        uint8_t *out = output + r * s.outputWidth * oc;
        const intptr_t iy0 = oy * s.strideHeight - s.paddingTop;
        const int rowInside = iy0 >= 0 && iy0 + (fh - 1) * s.dilationHeight < s.inputHeight;
        const int interior = rowInside && firstInterior <= lastInterior;
        for (intptr_t ox = 0; ox < s.outputWidth; ox++) {
            if (interior && ox == firstInterior) {
                edgefleet_u8dw_interior(image + (iy0 * s.inputWidth + firstInterior * sw - pl) * ic,
                                        lastInterior - firstInterior + 1, sw * ic, offsets, taps, filter, oc, first,
                                        end, bias, multipliers, shifts, zeroPoint, lo, hi, out + firstInterior * oc,
                                        oc);
                ox = lastInterior;
                continue;
            }
            // A border pixel: taps outside the image read the zero-point row.
            const intptr_t ix0 = ox * sw - pl;
            for (intptr_t ky = 0; ky < fh; ky++) {
                const intptr_t iy = iy0 + ky * s.dilationHeight;
                for (intptr_t kx = 0; kx < fw; kx++) {
                    const intptr_t ix = ix0 + kx * s.dilationWidth;
                    rows[ky * fw + kx] = iy >= 0 && iy < s.inputHeight && ix >= 0 && ix < s.inputWidth
                        ? image + (iy * s.inputWidth + ix) * ic : zeroRow;
                }
            }
            edgefleet_u8dw_pixel(rows, taps, filter, oc, first, end, bias, multipliers, shifts, zeroPoint, lo, hi,
                                 out + ox * oc);
        }
    }
}

#else
void edgefleet_avx512_u8_depthwise_rows(const edgefleet_conv_shape *shape, const uint8_t *input,
                                        const uint8_t *zeroRow, const int16_t *filter, const int32_t *bias,
                                        const int32_t *multipliers, const int32_t *shifts, int32_t zeroPoint,
                                        int32_t lo, int32_t hi, uint8_t *output, intptr_t firstRow, intptr_t endRow,
                                        intptr_t first, intptr_t end) {
    (void)shape; (void)input; (void)zeroRow; (void)filter; (void)bias; (void)multipliers; (void)shifts;
    (void)zeroPoint; (void)lo; (void)hi; (void)output; (void)firstRow; (void)endRow; (void)first; (void)end;
}
#endif
