#ifndef EDGEFLEET_ALLOCATION_COUNTER_H
#define EDGEFLEET_ALLOCATION_COUNTER_H
#include <stdint.h>

/// Starts counting heap allocations made by the calling thread.
void edgefleet_allocation_counting_begin(void);
/// Stops counting and returns the number of allocations since the matching begin.
uint64_t edgefleet_allocation_counting_end(void);

#endif
