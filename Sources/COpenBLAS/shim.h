// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config "openblas"), plus its
// thread-control calls, which are not part of standard CBLAS.
#ifndef KORQA_COPENBLAS_SHIM_H
#define KORQA_COPENBLAS_SHIM_H
#include <cblas.h>

// OpenBLAS starts its worker threads when the library loads; they spin (sched_yield) for a while
// before they sleep, stealing a core from a process that never asks BLAS for threads. This ends
// them; a later multi-threaded BLAS call starts them again (OpenBLAS's blas_server.c).
int blas_thread_shutdown_(void);
#endif
