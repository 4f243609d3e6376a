#ifndef EDGEFLEET_CNEONLANES_H
#define EDGEFLEET_CNEONLANES_H

// Eight-lane NEON building blocks Kernels' `#if arch(arm64)` loops inline (Swift sees `int16x8_t` as
// `SIMD8<Int16>`, `int32x4_t` as `SIMD4<Int32>`, `int8x8_t`/`uint8x8_t` as `SIMD8<Int8>`/`SIMD8<UInt8>`): widening
// loads to int16 and widening multiply-accumulates (`smlal`/`smlal2`), which Swift's SIMD types cannot express —
// they multiply in 32 bits after widening twice. Every quantised value (int8, uint8, int16, and uint8 filters
// minus their zero point, −255…255) fits int16, and an int16 × int16 product fits int32: exact. Nothing here
// exists on other architectures.

#if defined(__aarch64__)
#include <arm_neon.h>

/// Eight int8 widened to int16 (`sshll`).
static inline __attribute__((always_inline)) int16x8_t edgefleet_neon_widen_s8(int8x8_t v) { return vmovl_s8(v); }

/// Eight uint8 widened to int16 (`ushll`; 0…255 fits).
static inline __attribute__((always_inline)) int16x8_t edgefleet_neon_widen_u8(uint8x8_t v) {
    return vreinterpretq_s16_u16(vmovl_u8(v));
}

/// `acc + x[0..<4] × w[0..<4]` in int32 lanes (`smlal`).
static inline __attribute__((always_inline)) int32x4_t edgefleet_neon_mlal_low(int32x4_t acc, int16x8_t x, int16x8_t w) {
    return vmlal_s16(acc, vget_low_s16(x), vget_low_s16(w));
}

/// `acc + x[4..<8] × w[4..<8]` in int32 lanes (`smlal2`).
static inline __attribute__((always_inline)) int32x4_t edgefleet_neon_mlal_high(int32x4_t acc, int16x8_t x, int16x8_t w) {
    return vmlal_high_s16(acc, x, w);
}
#endif

#endif
