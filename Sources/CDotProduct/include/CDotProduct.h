#ifndef EDGEFLEET_CDOTPRODUCT_H
#define EDGEFLEET_CDOTPRODUCT_H

#include <stdint.h>

#include "CPUFeatures.h"
#include "CVNNI.h"
#include "CDepthwise.h"
#include "CVNNIUInt8.h"
#include "CDepthwiseUInt8.h"
#include "CRequantizeNEON.h"
#include "CNEONLanes.h"

/// Nonzero when the CPU executes the ARMv8.2 dot-product instructions (`sdot`), from the kernel's HWCAP bits.
/// Always 0 on other architectures. Cortex-A76 (Raspberry Pi 5) has them; Cortex-A53/A72 (Pi 3, Zero 2 W, 4) do not.
int edgefleet_cpu_has_dotprod(void);

/// The `sdot` GEMM microkernel: a 4-pixel × 16-channel tile of int32 dot products over `kQuads` groups of four
/// int8 values. `weights`: `kQuads × 16 × 4` int8 (`[kQuad][channel][4]`); `p0`…`p3`: `kQuads × 4` int8 each;
/// `accumulators`: 64 int32 written as `[pixel][channel]`. Call only when `edgefleet_cpu_has_dotprod()` is
/// nonzero (SIGILL otherwise). Pure: no allocation, no side effects beyond `accumulators`. Absent (a no-op
/// that is never called) on other architectures.
void edgefleet_sdot_tile4x16(const int8_t *weights, const int8_t *p0, const int8_t *p1, const int8_t *p2,
                             const int8_t *p3, intptr_t kQuads, int32_t *accumulators);

/// The `smlal` GEMM microkernel for aarch64 cores without dot product (Cortex-A53/A72: Pi 3, Zero 2 W, Pi 4): a
/// 4-pixel × 16-channel tile of int32 dot products over `kPairs` pairs of int16 values, by widening int16
/// multiply-accumulates by lane. `weights`: one `PackedFilter` pair block (`kPairs × 16 × 2` int16,
/// `[kPair][channel][2]`); `p0`…`p3`: `kPairs` int32 each, two int16 activations (k low, k+1 high);
/// `accumulators`: 64 int32 written as `[pixel][channel]`. NEON is baseline on aarch64, so it needs no check.
/// Pure. A no-op that is never called on other architectures.
void edgefleet_smlal_tile4x16(const int16_t *weights, const int32_t *p0, const int32_t *p1, const int32_t *p2,
                              const int32_t *p3, intptr_t kPairs, int32_t *accumulators);

#endif
