/* range.c — exact integer parsing (digits, '_' separators, scientific forms, K/M/G/T/P suffixes)
 * and the cutting of a half-open range into segments. All arithmetic is checked: a value that
 * does not fit is an error, never a wrapped number. No floating point is involved in parsing. */
#include "mpiscale/range.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Collects the significant digits of "[+-]D[_D...][.D...][e[+-]D][suffix]" and the power of ten
 * they are scaled by. Leading zeros are dropped so long zero runs cannot overflow anything. */
static msc_status parse_i64(const char *s, int64_t *out, char *err, size_t len)
{
    char digits[64];
    size_t nd = 0;
    int neg = 0, any = 0, frac_digits = 0;
    long long exp10 = 0;
    const char *p = s;

    if (*p == '+' || *p == '-') neg = (*p++ == '-');
    for (int in_frac = 0;; p++) {
        if (isdigit((unsigned char)*p)) {
            any = 1;
            if (in_frac) frac_digits++;
            if (nd == 0 && *p == '0') continue;
            if (nd >= sizeof digits) return msc_fail(MSC_ERR_USAGE, err, len, "out of the signed 64-bit range");
            digits[nd++] = *p;
        } else if (*p == '_' && any && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[-1])) {
            continue;
        } else if (*p == '.' && !in_frac && isdigit((unsigned char)p[1])) {
            in_frac = 1;
        } else {
            break;
        }
    }
    if (!any) return msc_fail(MSC_ERR_USAGE, err, len, "not an integer");
    if (*p == 'e' || *p == 'E') {
        int eneg = 0;
        long long e = 0;
        p++;
        if (*p == '+' || *p == '-') eneg = (*p++ == '-');
        if (!isdigit((unsigned char)*p)) return msc_fail(MSC_ERR_USAGE, err, len, "not an integer");
        for (; isdigit((unsigned char)*p); p++) {
            if (e > 1000) return msc_fail(MSC_ERR_USAGE, err, len, "out of the signed 64-bit range");
            e = e * 10 + (*p - '0');
        }
        exp10 = eneg ? -e : e;
    }
    if (*p != '\0' && p[1] == '\0') {
        static const char suffixes[] = "KMGTP";
        const char *hit = strchr(suffixes, toupper((unsigned char)*p));
        if (hit != NULL) {
            exp10 += 3 * (long long)(hit - suffixes + 1);
            p++;
        }
    }
    if (*p != '\0') return msc_fail(MSC_ERR_USAGE, err, len, "not an integer");

    exp10 -= frac_digits;
    /* Digits shifted below the decimal point must all be zero for the value to be whole. */
    while (exp10 < 0 && nd > 0) {
        if (digits[nd - 1] != '0') return msc_fail(MSC_ERR_USAGE, err, len, "not a whole number");
        nd--;
        exp10++;
    }
    if (nd == 0) {
        *out = 0;
        return MSC_OK;
    }
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t mag = 0;
    for (size_t i = 0; i < nd; i++) {
        uint64_t d = (uint64_t)(digits[i] - '0');
        if (mag > (limit - d) / 10) return msc_fail(MSC_ERR_USAGE, err, len, "out of the signed 64-bit range");
        mag = mag * 10 + d;
    }
    for (; exp10 > 0; exp10--) {
        if (mag > limit / 10) return msc_fail(MSC_ERR_USAGE, err, len, "out of the signed 64-bit range");
        mag *= 10;
    }
    if (neg)
        *out = mag == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)mag;
    else
        *out = (int64_t)mag;
    return MSC_OK;
}

msc_status msc_parse_i64(const char *text, int64_t *out, char *err, size_t len)
{
    int64_t v = 0;
    if (text == NULL || out == NULL) return msc_fail(MSC_ERR_USAGE, err, len, "not an integer");
    msc_status st = parse_i64(text, &v, err, len);
    if (st == MSC_OK) *out = v;
    return st;
}

msc_status msc_range_parse(const char *text, msc_range *out, char *err, size_t len)
{
    char start_text[128];
    const char *end_text = text;
    int64_t start = 0, end = 0, n = 0;
    msc_status st;

    if (text == NULL || out == NULL) return msc_fail(MSC_ERR_USAGE, err, len, "missing range");
    const char *colon = strchr(text, ':');
    if (colon != NULL) {
        size_t k = (size_t)(colon - text);
        if (k == 0 || k >= sizeof start_text)
            return msc_fail(MSC_ERR_USAGE, err, len, "expected START:END or END");
        memcpy(start_text, text, k);
        start_text[k] = '\0';
        end_text = colon + 1;
        if ((st = parse_i64(start_text, &start, err, len)) != MSC_OK) {
            char why[96];
            snprintf(why, sizeof why, "%s", err != NULL ? err : "");
            return msc_fail(st, err, len, "START: %s", why);
        }
    }
    if ((st = parse_i64(end_text, &end, err, len)) != MSC_OK) {
        char why[96];
        snprintf(why, sizeof why, "%s", err != NULL ? err : "");
        return msc_fail(st, err, len, colon != NULL ? "END: %s" : "%s", why);
    }
    if (end <= start) return msc_fail(MSC_ERR_USAGE, err, len, "end must be greater than start");
    if (__builtin_sub_overflow(end, start, &n))
        return msc_fail(MSC_ERR_RANGE, err, len, "END-START does not fit in a signed 64-bit count");
    out->lo = start;
    out->hi = end;
    return MSC_OK;
}

int64_t msc_range_count(msc_range r)
{
    int64_t n;
    if (r.hi <= r.lo) return 0;
    if (__builtin_sub_overflow(r.hi, r.lo, &n)) return -1;
    return n;
}

int64_t msc_segments_clip(int64_t n_items, int64_t requested)
{
    int64_t s = requested < n_items ? requested : n_items;
    return s < 1 ? 1 : s;
}

msc_range msc_segment(msc_range r, int64_t n_seg, int64_t k)
{
    const int64_t n = r.hi - r.lo;
    const int64_t base = n / n_seg, rem = n % n_seg;
    /* k * base <= n and the offset <= n, so nothing here can overflow. */
    const int64_t first = r.lo + k * base + (k < rem ? k : rem);
    msc_range seg = {first, first + base + (k < rem ? 1 : 0)};
    return seg;
}
