/*
 * The thread's floating-point mode, read and set, to flush denormal numbers to zero during
 * training: Adam's first moment decays by 0.9 per step where a gradient is zero (fc1's weights
 * of pixels that are rarely inked), reaches the denormal range within about 800 steps, and
 * every operation on a denormal then takes a microcode assist (measured: batch-128 epochs 1-4
 * took 1.69, 1.96, 2.13, 2.20 s with denormals and 1.67, 1.71, 1.81, 1.68 s flushed). The
 * same switch as torch.set_flush_denormal(True). Hand-written because the C library's fenv
 * has no portable flush-to-zero control; on other CPUs these are no-ops.
 */
#include "digit_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
/* MXCSR bits: FTZ (15) flushes denormal results, DAZ (6) treats denormal inputs as zero. */
#define DK_FLUSH_BITS 0x8040u
unsigned dk_fp_mode(void) { return _mm_getcsr(); }
void dk_set_fp_mode(unsigned mode) { _mm_setcsr(mode); }
unsigned dk_fp_mode_flushing(unsigned mode) { return mode | DK_FLUSH_BITS; }
#elif defined(__aarch64__)
/* FPCR bit 24 (FZ) flushes denormal inputs and results. */
unsigned dk_fp_mode(void) { unsigned long r; __asm__ volatile("mrs %0, fpcr" : "=r"(r)); return (unsigned)r; }
void dk_set_fp_mode(unsigned mode) { unsigned long r = mode; __asm__ volatile("msr fpcr, %0" : : "r"(r)); }
unsigned dk_fp_mode_flushing(unsigned mode) { return mode | (1u << 24); }
#else
unsigned dk_fp_mode(void) { return 0; }
void dk_set_fp_mode(unsigned mode) { (void)mode; }
unsigned dk_fp_mode_flushing(unsigned mode) { return mode; }
#endif
