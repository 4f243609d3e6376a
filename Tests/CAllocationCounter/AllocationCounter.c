// Counts heap allocations by interposing the allocation functions of the test executable.
// Every call forwards to glibc's own implementation (__libc_*), so behaviour is unchanged; while a thread
// has counting enabled, its calls are counted. Test-only: linked into the test bundle, never the product.
#define _GNU_SOURCE
#include "AllocationCounter.h"
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static __thread int counting;
static __thread uint64_t count;

void edgefleet_allocation_counting_begin(void) { count = 0; counting = 1; }
uint64_t edgefleet_allocation_counting_end(void) { counting = 0; return count; }

// Under AddressSanitizer (scripts/sanitize.sh) the sanitizer owns malloc and free: forwarding them to glibc would hand
// ASan's memory to glibc's free. The counter then counts nothing, and sanitize.sh skips the allocation-count tests.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EDGEFLEET_ALLOCATION_COUNTER_DISABLED 1
#endif
#endif
#ifndef EDGEFLEET_ALLOCATION_COUNTER_DISABLED

static inline void note(void) { if (counting) count++; }

void *malloc(size_t n) { note(); return __libc_malloc(n); }
void *calloc(size_t n, size_t size) { note(); return __libc_calloc(n, size); }
void *realloc(void *p, size_t n) { note(); return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *aligned_alloc(size_t alignment, size_t n) { note(); return __libc_memalign(alignment, n); }
void *memalign(size_t alignment, size_t n) { note(); return __libc_memalign(alignment, n); }
int posix_memalign(void **out, size_t alignment, size_t n) {
    note();
    void *p = __libc_memalign(alignment, n);
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}
#endif
