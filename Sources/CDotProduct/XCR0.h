// XCR0 through XGETBV, shared by the feature probes (CPUFeatures.c) and the baseline check (BaselineGuard.c): not
// part of the public header. Inline assembly, so no `xsave` target attribute is needed and both files stay plain
// x86-64. Callers check OSXSAVE (CPUID leaf 1, ECX bit 27) first: without it XGETBV faults.
#ifndef EDGEFLEET_XCR0_H
#define EDGEFLEET_XCR0_H
#if defined(__x86_64__)
#include <stdint.h>

static inline uint64_t edgefleet_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#endif
#endif
