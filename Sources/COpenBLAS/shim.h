// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config "openblas"), plus its
// thread-control calls, which are not part of standard CBLAS.
#ifndef KORQA_COPENBLAS_SHIM_H
#define KORQA_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
