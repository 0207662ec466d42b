#ifndef DIGITGEN_LIBFUZZER_H
#define DIGITGEN_LIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/*
 * libFuzzer's entry point for programs that have their own main (LLVM 11+), defined by the
 * fuzzer runtime that `-sanitize=fuzzer` links in. A harness's main.swift calls it (through
 * FuzzDriver.run) with the command line and the per-input callback.
 */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
