// The x86-64 release build's CPU baseline, checked before any Swift code runs.
//
// Release builds compile every Swift module for Haswell-class x86-64-v3 (Package.swift: `-target-cpu haswell`;
// without it the int8 loops run 3–4× slower), so the compiler may emit AVX, AVX2, FMA, BMI, LZCNT or MOVBE
// anywhere, down to a global initialiser. On an older CPU (Atom/Celeron/Pentium Silver before Tremont, Sandy
// Bridge) such a binary would die with SIGILL and no message. This constructor runs first (C constructors run
// before `main`; the Swift runtime library it links against is built for the plain x86-64 baseline) and, if the
// CPU lacks the baseline, says so and how to build for that CPU, then exits with status 1.
//
// Package.swift defines EDGEFLEET_BASELINE_X86_64_LEVEL (3, or 4 for an AVX-512 `-target-cpu`) only for such
// builds; this file is compiled without any target attribute, so the check itself runs on every x86-64 CPU.
#if defined(__x86_64__) && defined(EDGEFLEET_BASELINE_X86_64_LEVEL)
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "XCR0.h"

/// The baseline features this CPU lacks, as a space-separated list in `missing` (empty when it has them all).
static void edgefleet_baseline_missing(char *missing, size_t capacity) {
    unsigned int eax = 0, ebx = 0, ecx1 = 0, edx = 0, ebx7 = 0, ecx81 = 0;
    missing[0] = 0;
#define EDGEFLEET_NEED(condition, name)                                               \
    do {                                                                             \
        if (!(condition) && strlen(missing) + sizeof(name) + 1 < capacity) {         \
            if (missing[0]) strcat(missing, " ");                                    \
            strcat(missing, name);                                                   \
        }                                                                            \
    } while (0)
    __get_cpuid(1, &eax, &ebx, &ecx1, &edx);
    unsigned int max = __get_cpuid_max(0, 0);
    if (max >= 7) __cpuid_count(7, 0, eax, ebx7, ecx81, edx);
    ecx81 = 0;
    if (__get_cpuid_max(0x80000000, 0) >= 0x80000001) __cpuid(0x80000001, eax, ebx, ecx81, edx);
    // AVX registers are usable only when the OS saves them: OSXSAVE, then XCR0's SSE and AVX state bits.
    int osxsave = (ecx1 >> 27) & 1;
    uint64_t xcr0 = osxsave ? edgefleet_xcr0() : 0;
    int ymm = osxsave && (xcr0 & 0x6) == 0x6;
    EDGEFLEET_NEED((ecx1 >> 9) & 1, "ssse3");
    EDGEFLEET_NEED((ecx1 >> 19) & 1, "sse4.1");
    EDGEFLEET_NEED((ecx1 >> 20) & 1, "sse4.2");
    EDGEFLEET_NEED((ecx1 >> 23) & 1, "popcnt");
    EDGEFLEET_NEED(ymm && ((ecx1 >> 28) & 1), "avx");
    EDGEFLEET_NEED(ymm && ((ebx7 >> 5) & 1), "avx2");
    EDGEFLEET_NEED((ecx1 >> 12) & 1, "fma");
    EDGEFLEET_NEED((ecx1 >> 29) & 1, "f16c");
    EDGEFLEET_NEED((ecx1 >> 22) & 1, "movbe");
    EDGEFLEET_NEED((ebx7 >> 3) & 1, "bmi1");
    EDGEFLEET_NEED((ebx7 >> 8) & 1, "bmi2");
    EDGEFLEET_NEED((ecx81 >> 5) & 1, "lzcnt");
#if EDGEFLEET_BASELINE_X86_64_LEVEL >= 4
    int zmm = ymm && (xcr0 & 0xE0) == 0xE0;
    EDGEFLEET_NEED(zmm && ((ebx7 >> 16) & 1), "avx512f");
    EDGEFLEET_NEED(zmm && ((ebx7 >> 30) & 1), "avx512bw");
    EDGEFLEET_NEED(zmm && ((ebx7 >> 17) & 1), "avx512dq");
    EDGEFLEET_NEED(zmm && ((ebx7 >> 31) & 1), "avx512vl");
#endif
#undef EDGEFLEET_NEED
}

static void edgefleet_write_all(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t written = write(STDERR_FILENO, text, length);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return;
        text += written;
        length -= (size_t)written;
    }
}

// Priority 101: the first user constructor, before any other C or C++ initialiser in the executable.
__attribute__((constructor(101))) static void edgefleet_require_baseline(void) {
    char missing[160];
    edgefleet_baseline_missing(missing, sizeof missing);
    if (missing[0] == 0) return;
    edgefleet_write_all(program_invocation_short_name);
#if EDGEFLEET_BASELINE_X86_64_LEVEL >= 4
    edgefleet_write_all(": this build needs an x86-64-v4 CPU (AVX-512); this CPU lacks: ");
#else
    edgefleet_write_all(": this build needs an x86-64-v3 CPU (Haswell or newer: AVX2, FMA, BMI2); this CPU lacks: ");
#endif
    edgefleet_write_all(missing);
    edgefleet_write_all(".\nBuild for this CPU with `EDGEFLEET_TARGET_CPU=none swift build -c release` (any x86-64; "
                        "slower kernels) or name it (`EDGEFLEET_TARGET_CPU=goldmont`, `sandybridge`, …): "
                        "docs/runtime.md, \"CPU baseline\".\n");
    _exit(1);
}
#endif
