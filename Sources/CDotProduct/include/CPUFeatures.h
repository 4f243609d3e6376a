#ifndef EDGEFLEET_CPUFEATURES_H
#define EDGEFLEET_CPUFEATURES_H

#include <stddef.h>
#include <stdint.h>

// Feature bits of `edgefleet_cpu_features()`.
#define EDGEFLEET_CPU_AVX2 0x1u         // x86: AVX2 (and the OS saves the YMM state).
#define EDGEFLEET_CPU_AVX512F 0x2u      // x86: AVX-512 foundation (and the OS saves the ZMM and opmask state).
#define EDGEFLEET_CPU_AVX512BW 0x4u     // x86: AVX-512 byte and word instructions.
#define EDGEFLEET_CPU_AVX512VNNI 0x8u   // x86: AVX-512 VNNI (`vpdpbusd` on ZMM registers).
#define EDGEFLEET_CPU_AVXVNNI 0x10u     // x86: AVX-VNNI (the VEX-encoded `vpdpbusd` on YMM registers).
#define EDGEFLEET_CPU_NEON 0x100u       // aarch64: Advanced SIMD (always present).
#define EDGEFLEET_CPU_DOTPROD 0x200u    // aarch64: ARMv8.2 dot product (`sdot`).

/// The instruction-set features this CPU executes and the OS supports, as `EDGEFLEET_CPU_*` bits, read from
/// CPUID and XGETBV (x86) or the kernel's HWCAP (aarch64). Cheap but not free: callers read it once.
uint32_t edgefleet_cpu_features(void);

/// Writes the CPU's model name (x86: the CPUID brand string; elsewhere an empty string) into `buffer`, at most
/// `capacity` bytes including the terminating NUL. Returns the length written without the NUL.
size_t edgefleet_cpu_brand(char *buffer, size_t capacity);

/// A spin-wait hint for one poll of a busy-wait loop: `pause` on x86-64, `yield` on aarch64, as both vendors advise:
/// a polling thread then leaves the core's execution resources to an SMT sibling (which may be the thread it waits
/// for) and draws less power. On the 2-vCPU development VM an A/B of MobileNetV2 at two threads showed no difference
/// either way (docs/benchmarks.md, session 8).
static inline void edgefleet_spin_hint(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

#endif
