// Shared by the AVX-512 kernels (VNNI.c, Depthwise512.c): not part of the public header.
#ifndef EDGEFLEET_PREFETCH_FOR_WRITE_H
#define EDGEFLEET_PREFETCH_FOR_WRITE_H
#include <stdint.h>

// How far ahead of its stores a kernel asks for its output lines.
#define EDGEFLEET_WRITE_AHEAD 2048

// Asks for exclusive ownership of the output lines [from, from + bytes), clipped to `limit` (`prefetchw`, with the
// caller compiled for "prfchw": every CPU with AVX-512 or AVX-VNNI has it). Prefetches never fault.
//
// Why: the arena is reused by every layer, and some layers (channel-split ones, the classifier) are read by both
// threads, so a layer's output often lands on lines another core holds. Each store to such a line then waits for
// that core to give it up. Between cores of one die that is cheap; on a VM whose two vCPUs sit on different dies
// (a 350 ns core-to-core round trip instead of 75, measured by turns on the development VM) MobileNetV2's stem
// spent 140 µs instead of 62 on the half whose output lines the other core held, and the two-thread speed-up fell
// from 1.9× to 1.6×. Asking for the lines a couple of kilobytes ahead overlaps those hand-overs with the work.
static inline void edgefleet_prefetch_for_write(const void *from, const void *limit, intptr_t bytes) {
    const char *p = (const char *)from, *end = (const char *)limit;
    if (p + bytes < end) end = p + bytes;
    for (; p < end; p += 64) __builtin_prefetch(p, 1, 3);
}

#endif
