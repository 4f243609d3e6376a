#ifndef EDGEFLEET_CDOTPRODUCT_H
#define EDGEFLEET_CDOTPRODUCT_H

#include <stdint.h>

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

#endif
