#ifndef EDGEFLEET_CFUZZING_H
#define EDGEFLEET_CFUZZING_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for programs with their own `main` (compiler-rt FuzzerDriver.cpp): parses libFuzzer's
/// flags from argc/argv and runs `callback` on every input. Linked by `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
