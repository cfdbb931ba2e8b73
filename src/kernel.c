/* kernel.c — the kernel registry (one const table, Lua's luaL_Reg habit), --param parsing and
 * validation, and the combination of partials in segment order with their digest. The kernels
 * themselves live one per file in src/kernels/. */
#include "mpiscale/kernel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "u128.h"

static const msc_kernel *const registry[] = {
    &msc_kernel_do_math, &msc_kernel_sum_squares, &msc_kernel_random_fill, &msc_kernel_pi,
    &msc_kernel_primes,  &msc_kernel_sleep,       &msc_kernel_amdahl,
    &msc_kernel_heavy_tail, &msc_kernel_empty,
};

size_t msc_kernel_count(void)
{
    return sizeof registry / sizeof registry[0];
}

const msc_kernel *msc_kernel_at(size_t i)
{
    return i < msc_kernel_count() ? registry[i] : NULL;
}

const msc_kernel *msc_kernel_find(const char *name)
{
    for (size_t i = 0; name != NULL && i < msc_kernel_count(); i++)
        if (strcmp(registry[i]->name, name) == 0) return registry[i];
    return NULL;
}

static void accepted_keys(const msc_kernel *k, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < k->n_params && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", k->params[i].name);
    if (k->n_params == 0) snprintf(buf, len, "none");
}

static msc_status parse_value(const msc_param_spec *s, const char *text, double *out, char *err,
                              size_t len)
{
    double v;
    if (s->type == MSC_PARAM_INT) {
        int64_t iv;
        if (msc_parse_i64(text, &iv, NULL, 0) != MSC_OK)
            return msc_fail(MSC_ERR_USAGE, err, len, "not an integer");
        /* Compare as integers: bounds are whole numbers, and a double would round 2^53 + 1. */
        if (iv < (int64_t)s->min || iv > (int64_t)s->max)
            return msc_fail(MSC_ERR_USAGE, err, len, "must be between %.10g and %.10g", s->min, s->max);
        v = (double)iv;
    } else {
        char *end = NULL;
        v = strtod(text, &end);
        if (end == text || *end != '\0' || !isfinite(v))
            return msc_fail(MSC_ERR_USAGE, err, len, "not a number");
    }
    if (v < s->min || v > s->max)
        return msc_fail(MSC_ERR_USAGE, err, len, "must be between %.10g and %.10g", s->min, s->max);
    *out = v;
    return MSC_OK;
}

msc_status msc_params_parse(const msc_kernel *k, const char *const *kv, int n, msc_params *out,
                            char *err, size_t len)
{
    msc_params p;
    memset(&p, 0, sizeof p);
    p.count = k->n_params;
    for (int i = 0; i < k->n_params; i++) p.value[i] = k->params[i].def;
    for (int j = 0; j < n; j++) {
        const char *eq = strchr(kv[j], '=');
        char key[64], keys[160], why[96];
        if (eq == NULL || eq == kv[j] || (size_t)(eq - kv[j]) >= sizeof key)
            return msc_fail(MSC_ERR_USAGE, err, len, "--param: '%s': expected KEY=VALUE", kv[j]);
        memcpy(key, kv[j], (size_t)(eq - kv[j]));
        key[eq - kv[j]] = '\0';
        int found = -1;
        for (int i = 0; i < k->n_params; i++)
            if (strcmp(k->params[i].name, key) == 0) found = i;
        if (found < 0) {
            accepted_keys(k, keys, sizeof keys);
            return msc_fail(MSC_ERR_USAGE, err, len,
                            "--param: '%s': kernel %s has no parameter '%s' (accepted: %s)", kv[j],
                            k->name, key, keys);
        }
        if (parse_value(&k->params[found], eq + 1, &p.value[found], why, sizeof why) != MSC_OK)
            return msc_fail(MSC_ERR_USAGE, err, len, "--param: '%s': %s", kv[j], why);
    }
    *out = p;
    return MSC_OK;
}

double msc_params_get(const msc_kernel *k, const msc_params *p, const char *name)
{
    for (int i = 0; i < k->n_params; i++)
        if (strcmp(k->params[i].name, name) == 0) return p->value[i];
    return NAN;
}

void msc_params_format(const msc_kernel *k, const msc_params *p, char *buf, size_t len)
{
    size_t used = 0;
    if (len == 0) return;
    buf[0] = '\0';
    /* Integers exactly; reals with 15 digits, which reads back as what the user typed. */
    for (int i = 0; i < k->n_params && used < len; i++) {
        if (k->params[i].type == MSC_PARAM_INT)
            used += (size_t)snprintf(buf + used, len - used, "%s%s=%lld", i ? "," : "",
                                     k->params[i].name, (long long)p->value[i]);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%s=%.15g", i ? "," : "",
                                     k->params[i].name, p->value[i]);
    }
}

double msc_kernel_serial_share(const msc_kernel *k, const msc_params *p)
{
    return k->serial_param >= 0 ? p->value[k->serial_param] : 0.0;
}

void msc_partial_add(msc_partial *acc, const msc_partial *b)
{
    msc_partial_set_exact(acc, msc_partial_exact(acc) + msc_partial_exact(b));
    acc->real += b->real;
    acc->n_items += b->n_items;
}

/* FNV-1a over the partial's four words, least significant byte first, so the digest does not
 * depend on struct layout or padding. */
static uint64_t fnv1a_word(uint64_t h, uint64_t w)
{
    for (int i = 0; i < 8; i++) {
        h ^= (w >> (8 * i)) & 0xffu;
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t msc_partials_combine(const msc_partial *parts, int64_t n, msc_partial *total)
{
    uint64_t h = 0xcbf29ce484222325ull;
    msc_partial acc;
    double carry = 0.0; /* compensated sum of the real parts: error O(u), not O(n u) */
    memset(&acc, 0, sizeof acc);
    for (int64_t i = 0; i < n; i++) {
        uint64_t real_bits;
        memcpy(&real_bits, &parts[i].real, sizeof real_bits);
        h = fnv1a_word(h, parts[i].exact_lo);
        h = fnv1a_word(h, parts[i].exact_hi);
        h = fnv1a_word(h, real_bits);
        h = fnv1a_word(h, (uint64_t)parts[i].n_items);
        const double y = parts[i].real - carry, t = acc.real + y;
        carry = (t - acc.real) - y;
        msc_partial_add(&acc, &parts[i]);
        acc.real = t;
    }
    *total = acc;
    return h;
}

int64_t msc_spot_check(const msc_kernel *k, msc_range whole, msc_range par, int64_t n_seg,
                       const msc_partial *parts, const msc_params *p, int64_t budget,
                       int64_t *bad)
{
    int64_t checked = 0;
    *bad = -1;
    if (k->reference_run == NULL || n_seg < 1) return 0;
    const int64_t per_segment = msc_range_count(par) / n_seg + 1;
    int64_t want = budget / per_segment;
    if (want < 2) want = 2; /* the first and last segments are checked whatever the budget */
    if (want > n_seg) want = n_seg;
    for (int64_t j = 0; j < want && *bad < 0; j++) {
        /* evenly spread, j = 0 -> first segment, j = want-1 -> last */
        const int64_t s = want == 1 ? 0 : j * (n_seg - 1) / (want - 1); /* n_seg <= 2^24 */
        const msc_range seg = msc_segment(par, n_seg, s);
        msc_partial ref;
        memset(&ref, 0, sizeof ref);
        k->reference_run(whole, seg.lo, seg.hi, p, &ref);
        checked++;
        if (ref.exact_lo != parts[s].exact_lo || ref.exact_hi != parts[s].exact_hi ||
            memcmp(&ref.real, &parts[s].real, sizeof ref.real) != 0 || ref.n_items != parts[s].n_items)
            *bad = s;
    }
    return checked;
}

void msc_u128_format(uint64_t hi, uint64_t lo, char *buf, size_t len)
{
    char tmp[48];
    size_t n = 0;
    msc_u128 v = msc_u128_make(hi, lo);
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0);
    size_t i = 0;
    for (; i < n && i + 1 < len; i++) buf[i] = tmp[n - 1 - i];
    if (len > 0) buf[i < len ? i : len - 1] = '\0';
}

void msc_verdict_exact(msc_verdict *v, const msc_partial *total, msc_u128 want, const char *method)
{
    msc_u128_format((uint64_t)(want >> 64), (uint64_t)want, v->expected, sizeof v->expected);
    snprintf(v->method, sizeof v->method, "%s", method);
    v->pass = msc_partial_exact(total) == want;
    v->exact = 1;
}

void msc_result_format(const msc_kernel *k, const msc_partial *total, char *buf, size_t len)
{
    if (k->result_kind == MSC_RESULT_REAL)
        snprintf(buf, len, "%.17g", total->real);
    else
        msc_u128_format(total->exact_hi, total->exact_lo, buf, len);
}

void msc_job_split(const msc_kernel *k, const msc_params *p, msc_range r, int64_t segments_requested,
                   msc_range *par, int64_t *n_seg)
{
    const int64_t n_items = msc_range_count(r);
    const int64_t n_serial = (int64_t)(msc_kernel_serial_share(k, p) * (double)n_items);
    par->lo = r.lo + n_serial;
    par->hi = r.hi;
    *n_seg = msc_segments_clip(n_items - n_serial, segments_requested);
}
