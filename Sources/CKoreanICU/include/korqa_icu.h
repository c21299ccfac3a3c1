// A thin C face over the parts of ICU that KorQA needs.
//
// Why this exists: Foundation on Linux bundles its own copy of ICU, and a Swift module that can
// see both Foundation and <unicode/*.h> fails to compile ("UErrorCode has different
// definitions"). This header therefore uses only <stdint.h> types; the ICU headers are included
// by korqa_icu.c alone, where urename.h maps each call to the version-suffixed symbol of the
// system ICU (libicuuc / libicui18n).
#ifndef KORQA_ICU_H
#define KORQA_ICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// NFKC-normalizes `src` (UTF-16, `srcLength` units) into `dst` (capacity `dstCapacity`).
/// Returns the length written, or -needed when `dst` is too small, or INT32_MIN on another ICU
/// error (whose code is stored in *errorCode).
int32_t korqa_icu_nfkc(const uint16_t *src, int32_t srcLength,
                       uint16_t *dst, int32_t dstCapacity, int32_t *errorCode);

/// 1 when NFKC has a normalization boundary before `c` (text before it never interacts with it).
int32_t korqa_icu_nfkc_has_boundary_before(uint32_t c);

/// 1 when the NFKC quick check answers YES for `c` alone (it maps to itself).
int32_t korqa_icu_nfkc_quick_check_yes(uint32_t c);

/// The one-step (raw) NFKC decomposition mapping of `c` into `dst`; returns its UTF-16 length,
/// or -1 when `c` has none.
int32_t korqa_icu_nfkc_raw_decomposition(uint32_t c, uint16_t *dst, int32_t dstCapacity);

/// 1 for the Unicode White_Space property.
int32_t korqa_icu_is_white_space(uint32_t c);

/// The Unicode general category as ICU's UCharCategory number (U_CONTROL_CHAR == 15,
/// U_FORMAT_CHAR == 16).
int32_t korqa_icu_general_category(uint32_t c);

/// The Grapheme_Cluster_Break property as ICU's UGraphemeClusterBreak number (0 == OTHER,
/// 6 == LV, 7 == LVT).
int32_t korqa_icu_grapheme_cluster_break(uint32_t c);

/// Word-break boundaries (ICU root-locale rules) of `text` (UTF-16). Writes up to `capacity`
/// boundary offsets (UTF-16 units, starting with 0 and ending with textLength) into `boundaries`
/// and the rule status that ends each segment into `ruleStatus` (ruleStatus[i] belongs to the
/// segment ending at boundaries[i]; ruleStatus[0] is 0). Returns the number of boundaries, or
/// -needed when capacity is too small, or INT32_MIN on an ICU error (*errorCode set).
int32_t korqa_icu_word_boundaries(const uint16_t *text, int32_t textLength,
                                  int32_t *boundaries, int32_t *ruleStatus, int32_t capacity,
                                  int32_t *errorCode);

/// The version of the linked ICU, e.g. "72.1".
const char *korqa_icu_version(void);

#ifdef __cplusplus
}
#endif

#endif
