/*
 * How long a worker thread sleeping on a condition variable takes to run after it is
 * signalled, after GAP_US microseconds of quiet (a user's click comes after such a pause).
 * README "Performance" cites it for not splitting a click over two threads.
 *
 *   cc -O2 bench/wake-latency.c -o /tmp/wake-latency -lpthread && /tmp/wake-latency [GAP_US [N]]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int go, quit;
static _Atomic unsigned long long woke;

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (!go && !quit) pthread_cond_wait(&wake, &lock);
        if (quit) { pthread_mutex_unlock(&lock); return NULL; }
        go = 0;
        pthread_mutex_unlock(&lock);
        atomic_store(&woke, __rdtsc());
    }
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double tsc_per_us(void) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    const unsigned long long t0 = __rdtsc();
    struct timespec d = {0, 100000000L};
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    const double us = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    return (__rdtsc() - t0) / us;
}

int main(int argc, char **argv) {
    const int gap_us = argc > 1 ? atoi(argv[1]) : 20000, n = argc > 2 ? atoi(argv[2]) : 300;
    if (gap_us < 0 || n < 10) return 2;
    const double rate = tsc_per_us();
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    double *us = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++) {
        struct timespec gap = {gap_us / 1000000, (gap_us % 1000000) * 1000L};
        nanosleep(&gap, NULL);
        atomic_store(&woke, 0);
        const unsigned long long t0 = __rdtsc();
        pthread_mutex_lock(&lock);
        go = 1;
        pthread_cond_signal(&wake);
        pthread_mutex_unlock(&lock);
        unsigned long long w;
        while (!(w = atomic_load(&woke))) {}
        us[i] = (w - t0) / rate;
    }
    qsort(us, n, sizeof *us, by_value);
    printf("after %d us of quiet: the worker runs p10 %.1f, p50 %.1f, p90 %.1f, max %.1f us after the signal (%d wake-ups)\n",
           gap_us, us[n / 10], us[n / 2], us[n * 9 / 10], us[n - 1], n);
    pthread_mutex_lock(&lock);
    quit = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    return 0;
}
