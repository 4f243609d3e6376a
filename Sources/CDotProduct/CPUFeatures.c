// Run-time CPU feature detection: one binary, built for the x86-64-v3 (AVX2) or ARMv8.0 baseline, picks the
// VNNI or dot-product microkernels only where the CPU (and, for the wider registers, the OS) supports them.
#include "CPUFeatures.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include "XCR0.h"

uint32_t edgefleet_cpu_features(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    // OSXSAVE (ECX bit 27) must be set before XGETBV may run.
    if (!(ecx & (1u << 27))) return 0;
    uint64_t xcr0 = edgefleet_xcr0();
    int ymm = (xcr0 & 0x6) == 0x6;           // SSE and AVX state
    int zmm = ymm && (xcr0 & 0xE0) == 0xE0;  // opmask, ZMM0-15 upper halves, ZMM16-31
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    uint32_t features = 0;
    if (ymm && (ebx & (1u << 5))) features |= EDGEFLEET_CPU_AVX2;
    if (zmm && (ebx & (1u << 16))) features |= EDGEFLEET_CPU_AVX512F;
    if (zmm && (ebx & (1u << 30))) features |= EDGEFLEET_CPU_AVX512BW;
    if (zmm && (ecx & (1u << 11))) features |= EDGEFLEET_CPU_AVX512VNNI;
    unsigned int maxSubleaf = eax;
    if (maxSubleaf >= 1) {
        __cpuid_count(7, 1, eax, ebx, ecx, edx);
        if (ymm && (eax & (1u << 4))) features |= EDGEFLEET_CPU_AVXVNNI;
    }
    return features;
}

size_t edgefleet_cpu_brand(char *buffer, size_t capacity) {
    if (capacity == 0) return 0;
    buffer[0] = 0;
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid_max(0x80000000, 0) < 0x80000004) return 0;
    char brand[49];
    for (unsigned int i = 0; i < 3; i++) {
        __cpuid(0x80000002 + i, eax, ebx, ecx, edx);
        memcpy(brand + 16 * i, &eax, 4);
        memcpy(brand + 16 * i + 4, &ebx, 4);
        memcpy(brand + 16 * i + 8, &ecx, 4);
        memcpy(brand + 16 * i + 12, &edx, 4);
    }
    brand[48] = 0;
    // The brand string is padded with spaces on some CPUs; trim both ends.
    const char *start = brand;
    while (*start == ' ') start++;
    size_t length = strlen(start);
    while (length > 0 && start[length - 1] == ' ') length--;
    if (length >= capacity) length = capacity - 1;
    memcpy(buffer, start, length);
    buffer[length] = 0;
    return length;
}

#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

uint32_t edgefleet_cpu_features(void) {
    unsigned long hwcap = getauxval(AT_HWCAP);
    uint32_t features = 0;
    if (hwcap & HWCAP_ASIMD) features |= EDGEFLEET_CPU_NEON;
    if (hwcap & HWCAP_ASIMDDP) features |= EDGEFLEET_CPU_DOTPROD;
    return features;
}

size_t edgefleet_cpu_brand(char *buffer, size_t capacity) {
    // aarch64 has no brand string; edgectl reads /proc/cpuinfo and the device tree instead.
    if (capacity > 0) buffer[0] = 0;
    return 0;
}

#else
uint32_t edgefleet_cpu_features(void) { return 0; }

size_t edgefleet_cpu_brand(char *buffer, size_t capacity) {
    if (capacity > 0) buffer[0] = 0;
    return 0;
}
#endif
