// The declaration in include/CFuzzing.h is all this module provides; libFuzzer itself comes with -sanitize=fuzzer.
#include "CFuzzing.h"
