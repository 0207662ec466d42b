#include <cblas.h>

/* LAPACK routines OpenBLAS exports (Fortran calling convention: every argument by pointer,
 * column-major). Debian's libopenblas-dev ships no lapack.h prototypes for them in the cblas
 * include path, so the one used is declared here. */
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info);

/* OpenBLAS's own (exported, not in cblas.h): stops the library's worker threads; later calls run
 * on the calling thread while the thread count stays 1. */
void blas_thread_shutdown_(void);
