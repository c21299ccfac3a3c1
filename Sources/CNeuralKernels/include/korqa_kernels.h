// Elementwise kernels for NeuralCore, in C so that the compiler vectorizes them (Swift's generic
// SIMD conversions and rounding go lane by lane). Each function is compiled twice (AVX2+FMA and
// baseline x86-64) and the loader picks the one the CPU supports.
#ifndef KORQA_KERNELS_H
#define KORQA_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// In place: x = exp(x), 1/(1+exp(-x)), tanh(x). Cephes single-precision polynomial for exp,
/// relative error about 2e-7 on [-87.3, 88.3] (inputs are clamped to that range).
void korqa_exp(float *x, int64_t n);
void korqa_sigmoid(float *x, int64_t n);
void korqa_tanh(float *x, int64_t n);

/// One LSTM cell step for one row, gates in the order i, f, g, o.
/// gates [4H]: pre-activations in, activations out. c = f*cPrev + i*g, tanhC = tanh(c),
/// h = o*tanhC.
void korqa_lstm_cell_forward(float *gates, const float *cPrev, float *c, float *tanhC, float *h, int64_t H);

/// Backward of one LSTM cell step for one row.
/// dh = dhCarry + dOut (both [H]); dc [H] is the carried cell gradient, replaced by the gradient
/// for cPrev; dGates [4H] receives the gradient of the pre-activations.
void korqa_lstm_cell_backward(const float *gates, const float *cPrev, const float *tanhC,
                              const float *dhCarry, const float *dOut, float *dc, float *dGates, int64_t H);

/// y[n] += x[k] · w[k, n] (w row-major with rows of n floats): one LSTM step's recurrent product
/// h W_hhᵀ for a single sequence, from `packed`, w as korqa_matvec_pack lays it out (k·n floats):
/// column panels, each contiguous, of the widths this CPU's kernel keeps in registers.
/// Measured (AMD EPYC, AVX2, `make bench-speed`): batch-1 BiLSTM inference 4.2x PyTorch's tokens/s.
void korqa_matvec_pack(const float *w, float *packed, int64_t k, int64_t n);
void korqa_matvec_packed(const float *x, const float *packed, float *y, int64_t k, int64_t n);

/// out[d] += scale * table[rows[r] * dim + d] for each r in order, d < dim: a word vector as the
/// mean of its unit rows. Multiply and add stay separate (no FMA), so the sums round exactly as
/// the scalar Swift loop this replaced did.
void korqa_add_scaled_rows(float *out, const float *table, const int32_t *rows, int64_t count, int64_t dim, float scale);

#ifdef __cplusplus
}
#endif

#endif
