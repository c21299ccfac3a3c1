#include "korqa_kernels.h"

#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
// Dispatch on CPU features, not on a CPU model: "arch=haswell" would test for that exact model;
// "arch=x86-64-v3" is the feature level (AVX2 + FMA + …). A plain "avx2" clone has no FMA, so
// AVX2-only CPUs (AMD EPYC before Zen 4) ran the LSTM cell a fifth slower than they can, and
// rounded differently from the AVX-512 clone (which has FMA).
#define KORQA_MULTIVERSION __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#else
#define KORQA_MULTIVERSION
#endif

static inline float exp_approx(float x) {
    x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
    // Round to nearest through an int conversion: SSE2 has it, so even the baseline clone
    // vectorizes (floorf would be a libm call without SSE4.1).
    float t = x * 1.44269504f;
    int32_t ni = (int32_t)(t + (t >= 0.0f ? 0.5f : -0.5f));
    float n = (float)ni;
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;  // x - n ln2, ln2 split (Cephes C1, C2)
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t bits = (ni + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float sigmoid_approx(float x) { return 1.0f / (1.0f + exp_approx(-x)); }

// tanh(x) = 2 sigmoid(2x) - 1, with the odd Taylor series x - x^3/3 + 2x^5/15 for |x| < 0.0625,
// where the identity would lose relative precision.
static inline float tanh_approx(float x) {
    float viaSigmoid = 2.0f / (1.0f + exp_approx(-2.0f * x)) - 1.0f;
    float x2 = x * x;
    float series = x * (1.0f - x2 * (1.0f / 3.0f - x2 * (2.0f / 15.0f)));
    return x2 < 0.0625f * 0.0625f ? series : viaSigmoid;
}

KORQA_MULTIVERSION void korqa_exp(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] = exp_approx(x[i]);
}

KORQA_MULTIVERSION void korqa_sigmoid(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] = sigmoid_approx(x[i]);
}

KORQA_MULTIVERSION void korqa_tanh(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] = tanh_approx(x[i]);
}

KORQA_MULTIVERSION void korqa_lstm_cell_forward(float *restrict gates, const float *restrict cPrev, float *restrict c,
                                                float *restrict tanhC, float *restrict h, int64_t H) {
    float *gi = gates, *gf = gates + H, *gg = gates + 2 * H, *go = gates + 3 * H;
    for (int64_t j = 0; j < H; j++) {
        float i = sigmoid_approx(gi[j]), f = sigmoid_approx(gf[j]);
        float g = tanh_approx(gg[j]), o = sigmoid_approx(go[j]);
        gi[j] = i; gf[j] = f; gg[j] = g; go[j] = o;
        float cj = f * cPrev[j] + i * g;
        float tc = tanh_approx(cj);
        c[j] = cj;
        tanhC[j] = tc;
        h[j] = o * tc;
    }
}

KORQA_MULTIVERSION void korqa_lstm_cell_backward(const float *restrict gates, const float *restrict cPrev,
                                                 const float *restrict tanhC, const float *restrict dhCarry,
                                                 const float *restrict dOut, float *restrict dc,
                                                 float *restrict dGates, int64_t H) {
    const float *gi = gates, *gf = gates + H, *gg = gates + 2 * H, *go = gates + 3 * H;
    for (int64_t j = 0; j < H; j++) {
        float i = gi[j], f = gf[j], g = gg[j], o = go[j];
        float dh = dhCarry[j] + dOut[j];
        float tc = tanhC[j];
        float dcj = dc[j] + dh * o * (1.0f - tc * tc);
        dGates[j] = dcj * g * i * (1.0f - i);
        dGates[H + j] = dcj * cPrev[j] * f * (1.0f - f);
        dGates[2 * H + j] = dcj * i * (1.0f - g * g);
        dGates[3 * H + j] = dh * tc * o * (1.0f - o);
        dc[j] = dcj * f;
    }
}

// The recurrent product of one sequence, y[n] += x[k] · w[k, n], runs once per LSTM step and
// reads all of w (W_hhᵀ, e.g. 96 x 384 floats = 147 KB, from L2) each time. Columns are cut into
// blocks of B outputs that stay in registers while their panel of w streams by; the panels are
// packed contiguously (korqa_matvec_pack) so that each is one sequential read for the
// prefetcher, instead of k rows 4n bytes apart.
//
// B fits the register file: AVX-512 has 32 registers of 16 floats (192 = 12 of them), AVX2 16
// of 8 (96 = 12). A 192 block on AVX2 spilled to the stack every step (batch-1 inference was
// 0.54x PyTorch on an AVX2-only EPYC). Narrower blocks then cover the rest of a row (n = 4H is
// often not a multiple of the block: 256), and the last width 1 whatever remains. Every output
// sums x[p] w[p, j] over p in order, whatever its block: the schedule never changes a result.
#define KORQA_MATVEC_PACKED_BLOCKS(B)                                           \
    for (; j + (B) <= n; j += (B)) {                                            \
        float acc[(B)];                                                         \
        for (int t = 0; t < (B); t++) acc[t] = y[j + t];                        \
        for (int64_t p = 0; p < k; p++) {                                       \
            const float xp = x[p];                                              \
            const float *row = panel + p * (B);                                 \
            for (int t = 0; t < (B); t++) acc[t] += xp * row[t];                \
        }                                                                       \
        for (int t = 0; t < (B); t++) y[j + t] = acc[t];                        \
        panel += k * (B);                                                       \
    }

// One kernel: blocks of W1, then W2, then W3 columns, then single columns. The widths must be
// the ones korqa_matvec_pack lays the panels out with (the tables below); a width repeated
// after itself finds no columns left and does nothing.
#define KORQA_MATVEC_KERNEL(NAME, W1, W2, W3)                                                    \
    static void NAME(const float *restrict x, const float *restrict packed, float *restrict y,  \
                     int64_t k, int64_t n) {                                                     \
        int64_t j = 0;                                                                           \
        const float *panel = packed;                                                             \
        KORQA_MATVEC_PACKED_BLOCKS(W1)                                                           \
        KORQA_MATVEC_PACKED_BLOCKS(W2)                                                           \
        KORQA_MATVEC_PACKED_BLOCKS(W3)                                                           \
        KORQA_MATVEC_PACKED_BLOCKS(1)                                                            \
    }

__attribute__((target("avx512f,avx512vl,fma"))) KORQA_MATVEC_KERNEL(matvec_avx512, 192, 64, 16)
__attribute__((target("avx2,fma"))) KORQA_MATVEC_KERNEL(matvec_avx2, 96, 32, 8)
KORQA_MATVEC_KERNEL(matvec_baseline, 48, 4, 4)

typedef void (*matvec_kernel)(const float *, const float *, float *, int64_t, int64_t);

static const int64_t widths_avx512[] = {192, 64, 16, 1, 0};
static const int64_t widths_avx2[] = {96, 32, 8, 1, 0};
static const int64_t widths_baseline[] = {48, 4, 1, 0};

// The kernel and its block widths, chosen once for this CPU (a benign race: every thread that
// gets here stores the same values).
static matvec_kernel chosen_kernel = 0;
static const int64_t *chosen_widths = 0;

static void choose_matvec(void) {
    if (chosen_kernel) return;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
        chosen_widths = widths_avx512; chosen_kernel = matvec_avx512;
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        chosen_widths = widths_avx2; chosen_kernel = matvec_avx2;
    } else {
        chosen_widths = widths_baseline; chosen_kernel = matvec_baseline;
    }
}

void korqa_matvec_pack(const float *restrict w, float *restrict packed, int64_t k, int64_t n) {
    choose_matvec();
    int64_t j = 0;
    for (const int64_t *width = chosen_widths; *width; width++) {
        const int64_t B = *width;
        for (; j + B <= n; j += B) {
            for (int64_t p = 0; p < k; p++) memcpy(packed + p * B, w + p * n + j, (size_t)B * sizeof(float));
            packed += k * B;
        }
    }
}

void korqa_matvec_packed(const float *restrict x, const float *restrict packed, float *restrict y, int64_t k, int64_t n) {
    choose_matvec();
    chosen_kernel(x, packed, y, k, n);
}

KORQA_MULTIVERSION void korqa_add_scaled_rows(float *restrict out, const float *restrict table, const int32_t *restrict rows,
                                              int64_t count, int64_t dim, float scale) {
#pragma clang fp contract(off)
    for (int64_t r = 0; r < count; r++) {
        const float *row = table + (int64_t)rows[r] * dim;
        for (int64_t d = 0; d < dim; d++) out[d] += scale * row[d];
    }
}
