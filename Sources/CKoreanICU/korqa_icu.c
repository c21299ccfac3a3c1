#include "korqa_icu.h"

#include <stdio.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uversion.h>

// ICU caches the NFKC instance itself; the getter is cheap after the first call.
static const UNormalizer2 *nfkc(void) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *instance = unorm2_getNFKCInstance(&error);
    return U_SUCCESS(error) ? instance : NULL;
}

int32_t korqa_icu_nfkc(const uint16_t *src, int32_t srcLength,
                       uint16_t *dst, int32_t dstCapacity, int32_t *errorCode) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *n = nfkc();
    if (n == NULL) { *errorCode = U_MISSING_RESOURCE_ERROR; return INT32_MIN; }
    int32_t length = unorm2_normalize(n, (const UChar *)src, srcLength,
                                      (UChar *)dst, dstCapacity, &error);
    if (error == U_BUFFER_OVERFLOW_ERROR) { *errorCode = 0; return -length; }
    if (U_FAILURE(error)) { *errorCode = (int32_t)error; return INT32_MIN; }
    *errorCode = 0;
    return length;
}

int32_t korqa_icu_nfkc_has_boundary_before(uint32_t c) {
    const UNormalizer2 *n = nfkc();
    return n != NULL && unorm2_hasBoundaryBefore(n, (UChar32)c) ? 1 : 0;
}

int32_t korqa_icu_nfkc_quick_check_yes(uint32_t c) {
    return u_getIntPropertyValue((UChar32)c, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES ? 1 : 0;
}

int32_t korqa_icu_nfkc_raw_decomposition(uint32_t c, uint16_t *dst, int32_t dstCapacity) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *n = nfkc();
    if (n == NULL) return -1;
    int32_t length = unorm2_getRawDecomposition(n, (UChar32)c, (UChar *)dst, dstCapacity, &error);
    if (U_FAILURE(error)) return -1;
    return length;
}

int32_t korqa_icu_is_white_space(uint32_t c) { return u_isUWhiteSpace((UChar32)c) ? 1 : 0; }

int32_t korqa_icu_general_category(uint32_t c) { return (int32_t)u_charType((UChar32)c); }

int32_t korqa_icu_grapheme_cluster_break(uint32_t c) {
    return u_getIntPropertyValue((UChar32)c, UCHAR_GRAPHEME_CLUSTER_BREAK);
}

int32_t korqa_icu_word_boundaries(const uint16_t *text, int32_t textLength,
                                  int32_t *boundaries, int32_t *ruleStatus, int32_t capacity,
                                  int32_t *errorCode) {
    UErrorCode error = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "", (const UChar *)text, textLength, &error);
    if (U_FAILURE(error)) { *errorCode = (int32_t)error; return INT32_MIN; }
    int32_t count = 0;
    for (int32_t b = ubrk_first(it); b != UBRK_DONE; b = ubrk_next(it)) {
        if (count < capacity) {
            boundaries[count] = b;
            ruleStatus[count] = count == 0 ? 0 : ubrk_getRuleStatus(it);
        }
        count++;
    }
    ubrk_close(it);
    *errorCode = 0;
    return count <= capacity ? count : -count;
}

const char *korqa_icu_version(void) {
    static char text[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo info;
    u_getVersion(info);
    u_versionToString(info, text);
    return text;
}
