#include <cblas.h>

/* LAPACK routines OpenBLAS exports (Fortran calling convention: every argument by pointer,
 * column-major). Debian's libopenblas-dev ships no lapack.h prototypes for them in the cblas
 * include path, so the two used are declared here. */
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info);
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
            double *w, double *work, const int *lwork, int *info);
