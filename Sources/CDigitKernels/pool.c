/*
 * A small pool of worker threads for training's fork-joins, whose workers spin for a short while
 * after each job before they sleep. A training step hands work to the second thread twice (the
 * batch's blocks, then the update) a few hundred microseconds apart; a worker asleep on a
 * condition variable took p50 13 µs, p90 17 µs to run after it was signalled here
 * (bench/wake-latency.c); with this pool a training epoch went from 1.08-1.10 s to 1.005-1.028 s. Hand-written because libdispatch's concurrentPerform
 * always parks its workers, and no library on Debian 12 offers a fork-join with a bounded spin.
 * Only training uses it (the spin would take a core from the desktop app's user for nothing).
 */
#include "digit_kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax(void) { _mm_pause(); }
#else
static inline void cpu_relax(void) {}
#endif

/* How long a worker spins for the next job before it sleeps. */
#define DK_POOL_SPIN_NS 300000LL

struct dk_pool {
    int workers;
    pthread_t *threads;
    atomic_ulong seq;
    atomic_int remaining;
    atomic_int sleeping;
    atomic_int stop;
    dk_pool_fn fn;
    void *ctx;
    int parts;
    unsigned mode;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

typedef struct {
    dk_pool *pool;
    int index;
} worker_arg;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *worker(void *p) {
    worker_arg *arg = p;
    dk_pool *pool = arg->pool;
    const int part = arg->index + 1;
    free(arg);
    unsigned long last = 0;
    for (;;) {
        unsigned long seq = atomic_load(&pool->seq);
        if (seq == last) {
            const long long until = now_ns() + DK_POOL_SPIN_NS;
            for (int i = 0; (seq = atomic_load(&pool->seq)) == last && !atomic_load(&pool->stop); i++) {
                cpu_relax();
                if ((i & 255) == 255 && now_ns() > until) break;
            }
        }
        if (seq == last) {
            pthread_mutex_lock(&pool->mu);
            atomic_fetch_add(&pool->sleeping, 1);
            while ((seq = atomic_load(&pool->seq)) == last && !atomic_load(&pool->stop))
                pthread_cond_wait(&pool->cv, &pool->mu);
            atomic_fetch_sub(&pool->sleeping, 1);
            pthread_mutex_unlock(&pool->mu);
        }
        if (atomic_load(&pool->stop)) return NULL;
        last = seq;
        if (part < pool->parts) {
            const unsigned saved = dk_fp_mode();
            if (saved != pool->mode) dk_set_fp_mode(pool->mode);
            pool->fn(pool->ctx, part);
            if (saved != pool->mode) dk_set_fp_mode(saved);
        }
        atomic_fetch_sub(&pool->remaining, 1);
    }
}

dk_pool *dk_pool_create(int workers) {
    if (workers < 1) return NULL;
    dk_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = calloc((size_t)workers, sizeof(pthread_t));
    if (!pool->threads) { free(pool); return NULL; }
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
    for (int i = 0; i < workers; i++) {
        worker_arg *arg = malloc(sizeof *arg);
        if (!arg) break;
        arg->pool = pool;
        arg->index = i;
        if (pthread_create(&pool->threads[i], NULL, worker, arg) != 0) { free(arg); break; }
        pool->workers++;
    }
    if (pool->workers == 0) { dk_pool_free(pool); return NULL; }
    return pool;
}

int dk_pool_size(const dk_pool *pool) { return pool ? pool->workers + 1 : 1; }

void dk_pool_run(dk_pool *pool, int parts, dk_pool_fn fn, void *ctx) {
    pool->fn = fn;
    pool->ctx = ctx;
    pool->parts = parts;
    pool->mode = dk_fp_mode();
    atomic_store(&pool->remaining, pool->workers);
    atomic_fetch_add(&pool->seq, 1);
    if (atomic_load(&pool->sleeping) > 0) {
        pthread_mutex_lock(&pool->mu);
        pthread_cond_broadcast(&pool->cv);
        pthread_mutex_unlock(&pool->mu);
    }
    fn(ctx, 0);
    while (atomic_load(&pool->remaining) > 0) cpu_relax();
}

void dk_pool_free(dk_pool *pool) {
    if (!pool) return;
    atomic_store(&pool->stop, 1);
    pthread_mutex_lock(&pool->mu);
    pthread_cond_broadcast(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
    for (int i = 0; i < pool->workers; i++) pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->mu);
    pthread_cond_destroy(&pool->cv);
    free(pool->threads);
    free(pool);
}

/* How long a party spins at the barrier before it also yields its core. */
#define DK_BARRIER_SPIN_NS 200000LL

struct dk_barrier {
    atomic_int arrived;
    atomic_uint phase;
    int parties;
};

dk_barrier *dk_barrier_create(int parties) {
    if (parties < 1) return NULL;
    dk_barrier *b = calloc(1, sizeof *b);
    if (b) b->parties = parties;
    return b;
}

void dk_barrier_wait(dk_barrier *b) {
    const unsigned phase = atomic_load(&b->phase);
    if (atomic_fetch_add(&b->arrived, 1) == b->parties - 1) {
        atomic_store(&b->arrived, 0);
        atomic_fetch_add(&b->phase, 1);
        return;
    }
    /* Spin; past DK_BARRIER_SPIN_NS yield, in case the other party has no core of its own to
     * run on (more threads than cores). */
    const long long until = now_ns() + DK_BARRIER_SPIN_NS;
    for (int i = 0; atomic_load(&b->phase) == phase; i++) {
        cpu_relax();
        if ((i & 255) == 255 && now_ns() > until) sched_yield();
    }
}

void dk_barrier_free(dk_barrier *b) { free(b); }
