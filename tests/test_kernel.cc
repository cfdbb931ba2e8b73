// test_kernel.cc — the kernel registry, --param parsing, partial combination and its digest, and
// every kernel against references computed here independently: over whole ranges, over many
// segmentings (the result must not depend on the split), with negative starts, at each kernel's
// limits, and with verify() catching a tampered total.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "mpiscale/kernel.h"
#include "mpiscale/range.h"

#include <Random123/philox.h>

namespace {

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

const int64_t kTwo53 = INT64_C(1) << 53;
const int64_t kTwo62 = INT64_C(1) << 62;

u128 Exact(const msc_partial &p) { return (static_cast<u128>(p.exact_hi) << 64) | p.exact_lo; }

std::string U128Text(u128 v) {
    std::string s;
    do {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    } while (v != 0);
    return s;
}

const msc_kernel *Kernel(const char *name) {
    const msc_kernel *k = msc_kernel_find(name);
    EXPECT_NE(k, nullptr) << "kernel " << name << " is not registered";
    return k;
}

msc_params Params(const msc_kernel *k, const std::vector<std::string> &kv) {
    std::vector<const char *> p;
    for (const std::string &s : kv) p.push_back(s.c_str());
    msc_params out;
    std::memset(&out, 0, sizeof out);
    char err[256] = "";
    EXPECT_EQ(msc_params_parse(k, p.data(), static_cast<int>(p.size()), &out, err, sizeof err),
              MSC_OK)
        << err;
    return out;
}

msc_status Check(const msc_kernel *k, msc_range r, const msc_params &p, std::string *why = nullptr) {
    char err[512] = "";
    // A kernel without a check function has no limits of its own.
    const msc_status st = k->check != nullptr ? k->check(r, &p, err, sizeof err) : MSC_OK;
    if (why) *why = err;
    return st;
}

msc_partial RunK(const msc_kernel *k, msc_range whole, int64_t lo, int64_t hi, const msc_params &p) {
    msc_partial out;
    std::memset(&out, 0xA5, sizeof out);  // the kernel must set every field
    k->run(whole, lo, hi, &p, &out);
    return out;
}

// Runs `whole` cut into n_seg segments and combines the partials in segment order.
msc_partial RunSegmented(const msc_kernel *k, msc_range whole, int64_t n_seg, const msc_params &p,
                         uint64_t *digest = nullptr, std::vector<msc_partial> *parts_out = nullptr) {
    std::vector<msc_partial> parts;
    for (int64_t s = 0; s < n_seg; ++s) {
        const msc_range seg = msc_segment(whole, n_seg, s);
        parts.push_back(RunK(k, whole, seg.lo, seg.hi, p));
        EXPECT_EQ(parts.back().n_items, seg.hi - seg.lo) << "segment " << s;
    }
    msc_partial total;
    std::memset(&total, 0xA5, sizeof total);
    const uint64_t d = msc_partials_combine(parts.data(), n_seg, &total);
    if (digest) *digest = d;
    if (parts_out) *parts_out = parts;
    return total;
}

msc_verdict Verify(const msc_kernel *k, msc_range r, const msc_params &p, const msc_partial &total,
                   msc_status *st_out = nullptr) {
    msc_verdict v;
    std::memset(&v, 0, sizeof v);
    v.pass = -1;
    char err[256] = "";
    const msc_status st = k->verify(r, &p, &total, &v, err, sizeof err);
    if (st_out) {
        *st_out = st;
    } else {
        EXPECT_EQ(st, MSC_OK) << err;
    }
    return v;
}

// ---- independent references -------------------------------------------------------------------

u128 RefDoMath(int64_t lo, int64_t hi) {
    u128 s = 0;
    for (int64_t i = lo; i < hi; ++i) {
        const i128 x = static_cast<i128>(i) + 1 - 1000000;
        s += static_cast<u128>(x < 0 ? -x : x);
    }
    return s;
}

u128 RefSumSquares(int64_t lo, int64_t hi) {
    u128 s = 0;
    for (int64_t i = lo; i < hi; ++i) {
        const i128 x = i;
        s += static_cast<u128>(x * x);
    }
    return s;
}

bool IsPrimeSlow(int64_t n) {
    if (n < 2) return false;
    for (int64_t d = 2; d * d <= n; ++d)
        if (n % d == 0) return false;
    return true;
}

// Primes in [lo, hi) by a plain sieve (hi small) or trial division (narrow ranges).
uint64_t RefPrimes(int64_t lo, int64_t hi) {
    if (hi <= 2) return 0;
    if (lo < 2) lo = 2;
    if (hi <= 2000000) {
        std::vector<bool> comp(static_cast<size_t>(hi), false);
        for (int64_t i = 2; i * i < hi; ++i)
            if (!comp[i])
                for (int64_t j = i * i; j < hi; j += i) comp[j] = true;
        uint64_t c = 0;
        for (int64_t i = lo; i < hi; ++i) c += !comp[i];
        return c;
    }
    uint64_t c = 0;
    for (int64_t i = lo; i < hi; ++i) c += IsPrimeSlow(i);
    return c;
}

// heavy_tail, from the description in its source: element i is Philox4x32-10 at counter
// (i lo, i hi, 0x68746c69, 0) keyed by (seed lo, seed hi); words 0-1 give u in (0, 1], words 2-3
// the start state; the walk is w = min(2^26, floor(1024 u^(-1/alpha))) steps of Knuth's MMIX LCG.
struct TailElement {
    uint64_t x0, steps;
};

TailElement RefTailElement(uint64_t seed, double alpha, int64_t i) {
    const uint64_t u64 = static_cast<uint64_t>(i);
    philox4x32_ctr_t ctr = {{static_cast<uint32_t>(u64), static_cast<uint32_t>(u64 >> 32),
                             0x68746c69u, 0u}};
    philox4x32_key_t key = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
    const philox4x32_ctr_t r = philox4x32(ctr, key);
    const uint64_t bits = ((static_cast<uint64_t>(r.v[0]) << 32 | r.v[1]) >> 11) + 1;
    const double u = std::ldexp(static_cast<double>(bits), -53);
    const double w = std::floor(1024.0 * std::pow(u, -1.0 / alpha));
    const uint64_t cap = UINT64_C(1) << 26;
    TailElement e;
    e.steps = w >= static_cast<double>(cap) ? cap : static_cast<uint64_t>(w);
    e.x0 = static_cast<uint64_t>(r.v[2]) << 32 | r.v[3];
    return e;
}

// The plain walk, step by step.
u128 RefHeavyTail(uint64_t seed, double alpha, int64_t lo, int64_t hi) {
    u128 s = 0;
    for (int64_t i = lo; i < hi; ++i) {
        const TailElement e = RefTailElement(seed, alpha, i);
        uint64_t x = e.x0;
        for (uint64_t k = 0; k < e.steps; ++k) x = 6364136223846793005ull * x + 1442695040888963407ull;
        s += x;
    }
    return s;
}

// ---- the registry ------------------------------------------------------------------------------

TEST(Kernel, RegistryHoldsExactlyTheDocumentedKernels) {
    std::set<std::string> names;
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        ASSERT_NE(k, nullptr) << i;
        ASSERT_NE(k->name, nullptr) << i;
        EXPECT_TRUE(names.insert(k->name).second) << "duplicate kernel " << k->name;
    }
    const std::set<std::string> want = {"do_math", "sum_squares", "random_fill", "pi",    "primes",
                                        "sleep",   "amdahl",      "heavy_tail",  "empty"};
    EXPECT_EQ(names, want);
    EXPECT_EQ(msc_kernel_count(), want.size());
}

TEST(Kernel, FindReturnsTheRegisteredEntry) {
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        EXPECT_EQ(msc_kernel_find(k->name), k) << k->name;
    }
}

TEST(Kernel, FindReturnsNullForUnknownNames) {
    EXPECT_EQ(msc_kernel_find("nope"), nullptr);
    EXPECT_EQ(msc_kernel_find(""), nullptr);
    EXPECT_EQ(msc_kernel_find("do_math "), nullptr);
    EXPECT_EQ(msc_kernel_find("do_mat"), nullptr);
    EXPECT_EQ(msc_kernel_find("do_maths"), nullptr);
    EXPECT_EQ(msc_kernel_find("DO_MATH"), nullptr);
}

class EveryKernel : public ::testing::TestWithParam<size_t> {
protected:
    const msc_kernel *k() const { return msc_kernel_at(GetParam()); }
};

TEST_P(EveryKernel, HasNameSummaryVersionAndFunctions) {
    const msc_kernel *kk = k();
    ASSERT_NE(kk, nullptr);
    ASSERT_NE(kk->name, nullptr);
    EXPECT_GT(std::strlen(kk->name), 0u);
    ASSERT_NE(kk->summary, nullptr);
    EXPECT_GT(std::strlen(kk->summary), 0u) << kk->name;
    EXPECT_EQ(std::strchr(kk->summary, '\n'), nullptr) << "summary must be one line";
    EXPECT_GE(kk->version, 1) << kk->name;
    EXPECT_NE(kk->run, nullptr) << kk->name;
    EXPECT_NE(kk->verify, nullptr) << kk->name;
    EXPECT_TRUE(kk->result_kind == MSC_RESULT_EXACT || kk->result_kind == MSC_RESULT_REAL);
}

TEST_P(EveryKernel, DefaultRangeParsesAndPassesTheKernelsOwnCheck) {
    const msc_kernel *kk = k();
    ASSERT_NE(kk->default_range, nullptr);
    ASSERT_GT(std::strlen(kk->default_range), 0u) << kk->name;
    msc_range r;
    char err[256] = "";
    ASSERT_EQ(msc_range_parse(kk->default_range, &r, err, sizeof err), MSC_OK)
        << kk->name << ": '" << kk->default_range << "': " << err;
    std::string why;
    EXPECT_EQ(Check(kk, r, Params(kk, {}), &why), MSC_OK) << kk->name << ": " << why;
}

TEST_P(EveryKernel, ParamSpecsAreConsistent) {
    const msc_kernel *kk = k();
    ASSERT_GE(kk->n_params, 0);
    ASSERT_LE(kk->n_params, MSC_MAX_PARAMS) << kk->name;
    if (kk->n_params > 0) {
        ASSERT_NE(kk->params, nullptr) << kk->name;
    }
    std::set<std::string> seen;
    for (int i = 0; i < kk->n_params; ++i) {
        const msc_param_spec &s = kk->params[i];
        ASSERT_NE(s.name, nullptr);
        EXPECT_GT(std::strlen(s.name), 0u);
        EXPECT_EQ(std::strchr(s.name, '='), nullptr) << s.name;
        EXPECT_TRUE(seen.insert(s.name).second) << "duplicate param " << s.name;
        EXPECT_LE(s.min, s.def) << s.name;
        EXPECT_LE(s.def, s.max) << s.name;
        ASSERT_NE(s.help, nullptr);
        EXPECT_GT(std::strlen(s.help), 0u) << s.name;
        if (s.type == MSC_PARAM_INT) {
            for (double v : {s.def, s.min, s.max}) {
                EXPECT_EQ(v, std::floor(v)) << s.name << " bound is not whole";
                EXPECT_LE(std::fabs(v), 9007199254740992.0) << s.name;
            }
        }
    }
    if (kk->serial_param >= 0) {
        ASSERT_LT(kk->serial_param, kk->n_params) << kk->name;
        const msc_param_spec &s = kk->params[kk->serial_param];
        EXPECT_EQ(s.type, MSC_PARAM_REAL);
        EXPECT_GE(s.min, 0.0);
        EXPECT_LT(s.max, 1.0) << "serial share must stay below 1";
    } else {
        EXPECT_EQ(kk->serial_param, -1) << kk->name;
    }
}

TEST_P(EveryKernel, DefaultParamsAreTheSpecDefaults) {
    const msc_kernel *kk = k();
    const msc_params p = Params(kk, {});
    EXPECT_EQ(p.count, kk->n_params);
    for (int i = 0; i < kk->n_params; ++i) {
        EXPECT_EQ(p.value[i], kk->params[i].def) << kk->params[i].name;
        EXPECT_EQ(msc_params_get(kk, &p, kk->params[i].name), kk->params[i].def);
    }
}

TEST_P(EveryKernel, RejectsAnUnknownParameterNamingIt) {
    const msc_kernel *kk = k();
    const char *kv[] = {"no_such_key=1"};
    msc_params p;
    char err[512] = "";
    EXPECT_EQ(msc_params_parse(kk, kv, 1, &p, err, sizeof err), MSC_ERR_USAGE) << kk->name;
    EXPECT_NE(std::string(err).find("no_such_key"), std::string::npos) << err;
}

TEST_P(EveryKernel, EmptyRunGivesZeroPartial) {
    const msc_kernel *kk = k();
    const msc_range whole{0, 100};
    msc_params p = Params(kk, {});
    if (kk->n_params > 0 && std::string(kk->name) == "sleep") p = Params(kk, {"usec=0"});
    const msc_partial z = RunK(kk, whole, 40, 40, p);
    EXPECT_EQ(z.exact_lo, 0u) << kk->name;
    EXPECT_EQ(z.exact_hi, 0u) << kk->name;
    EXPECT_EQ(z.real, 0.0) << kk->name;
    EXPECT_EQ(z.n_items, 0) << kk->name;
}

INSTANTIATE_TEST_SUITE_P(Kernel, EveryKernel, ::testing::Range<size_t>(0, msc_kernel_count()),
                         [](const ::testing::TestParamInfo<size_t> &info) {
                             return std::string(msc_kernel_at(info.param)->name);
                         });

// ---- every kernel over concrete ranges ---------------------------------------------------------

struct KCase {
    const char *label;
    const char *kernel;
    int64_t lo, hi;
    std::vector<std::string> params;
};

void PrintTo(const KCase &c, std::ostream *os) { *os << c.label; }

class KernelCase : public ::testing::TestWithParam<KCase> {
protected:
    void SetUp() override {
        k_ = msc_kernel_find(GetParam().kernel);
        ASSERT_NE(k_, nullptr);
        p_ = Params(k_, GetParam().params);
        r_ = msc_range{GetParam().lo, GetParam().hi};
        ASSERT_EQ(Check(k_, r_, p_), MSC_OK);
    }
    const msc_kernel *k_ = nullptr;
    msc_params p_{};
    msc_range r_{};
};

TEST_P(KernelCase, WholeRangeMatchesIndependentReference) {
    const std::string name = k_->name;
    const msc_partial t = RunK(k_, r_, r_.lo, r_.hi, p_);
    EXPECT_EQ(t.n_items, r_.hi - r_.lo);
    if (name == "do_math" || name == "amdahl") {
        EXPECT_EQ(U128Text(Exact(t)), U128Text(RefDoMath(r_.lo, r_.hi)));
    } else if (name == "sum_squares") {
        EXPECT_EQ(U128Text(Exact(t)), U128Text(RefSumSquares(r_.lo, r_.hi)));
    } else if (name == "primes") {
        EXPECT_EQ(U128Text(Exact(t)), U128Text(RefPrimes(r_.lo, r_.hi)));
    } else if (name == "sleep" || name == "empty") {
        EXPECT_EQ(U128Text(Exact(t)), U128Text(static_cast<u128>(r_.hi - r_.lo)));
    } else if (name == "pi") {
        EXPECT_EQ(Exact(t), 0u);
        EXPECT_NEAR(t.real, M_PI, 1e-6);
    } else if (name == "heavy_tail") {
        const msc_kernel *k = k_;
        EXPECT_EQ(U128Text(Exact(t)),
                  U128Text(RefHeavyTail(static_cast<uint64_t>(msc_params_get(k, &p_, "seed")),
                                        msc_params_get(k, &p_, "alpha"), r_.lo, r_.hi)));
        EXPECT_EQ(t.real, 0.0);
    } else if (name == "random_fill") {
        // Each element contributes a 53-bit integer k with k * 2^-53 in [0, 1): the sum is below
        // n * 2^53 and its mean near 2^52.
        const double n = static_cast<double>(r_.hi - r_.lo);
        EXPECT_LT(static_cast<double>(Exact(t)), n * 9007199254740992.0);
        const double mean = static_cast<double>(Exact(t)) / 9007199254740992.0 / n;
        EXPECT_NEAR(mean, 0.5, 6.0 * std::sqrt(1.0 / (12.0 * n)));
    } else {
        FAIL() << "no reference for kernel " << name;
    }
}

TEST_P(KernelCase, VerifyPassesOnTheComputedTotal) {
    const msc_partial t = RunSegmented(k_, r_, 8, p_);
    const msc_verdict v = Verify(k_, r_, p_, t);
    EXPECT_EQ(v.pass, 1) << k_->name << ": " << v.method << " expected " << v.expected;
    EXPECT_GT(std::strlen(v.expected), 0u);
    EXPECT_GT(std::strlen(v.method), 0u);
}

TEST_P(KernelCase, VerifiedExpectedTextIsTheReferenceValue) {
    const msc_partial t = RunK(k_, r_, r_.lo, r_.hi, p_);
    const msc_verdict v = Verify(k_, r_, p_, t);
    ASSERT_EQ(v.pass, 1);
    if (k_->result_kind == MSC_RESULT_EXACT) {
        // A passing exact result equals its reference, so the texts agree.
        EXPECT_STREQ(v.expected, U128Text(Exact(t)).c_str());
    } else {
        EXPECT_NEAR(std::strtod(v.expected, nullptr), M_PI, 1e-15) << v.expected;
    }
}

TEST_P(KernelCase, SplittingDoesNotChangeTheResult) {
    const msc_partial whole = RunK(k_, r_, r_.lo, r_.hi, p_);
    const int64_t n = r_.hi - r_.lo;
    for (int64_t s : {INT64_C(1), INT64_C(2), INT64_C(3), INT64_C(7), INT64_C(16), INT64_C(1000),
                      n}) {
        if (s > n) continue;
        SCOPED_TRACE("segments=" + std::to_string(s));
        const msc_partial t = RunSegmented(k_, r_, s, p_);
        EXPECT_EQ(t.exact_lo, whole.exact_lo);
        EXPECT_EQ(t.exact_hi, whole.exact_hi);
        EXPECT_EQ(t.n_items, n);
        if (k_->result_kind == MSC_RESULT_REAL) {
            EXPECT_NEAR(t.real, whole.real, 1e-12 * std::fabs(whole.real));
        } else {
            EXPECT_EQ(t.real, whole.real);
        }
        EXPECT_EQ(Verify(k_, r_, p_, t).pass, 1);
    }
}

TEST_P(KernelCase, UnevenSplitsAddUpExactly) {
    // Cut at irregular points and add with msc_partial_add: exact parts must agree.
    const msc_partial whole = RunK(k_, r_, r_.lo, r_.hi, p_);
    msc_partial acc;
    std::memset(&acc, 0, sizeof acc);
    uint64_t state = 12345;
    for (int64_t lo = r_.lo; lo < r_.hi;) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const int64_t step = 1 + static_cast<int64_t>((state >> 33) % 997);
        const int64_t hi = r_.hi - lo > step ? lo + step : r_.hi;
        const msc_partial part = RunK(k_, r_, lo, hi, p_);
        msc_partial_add(&acc, &part);
        lo = hi;
    }
    EXPECT_EQ(acc.exact_lo, whole.exact_lo);
    EXPECT_EQ(acc.exact_hi, whole.exact_hi);
    EXPECT_EQ(acc.n_items, whole.n_items);
    if (k_->result_kind == MSC_RESULT_REAL) {
        EXPECT_NEAR(acc.real, whole.real, 1e-12 * std::fabs(whole.real));
    }
}

TEST_P(KernelCase, SameSegmentingGivesIdenticalResultAndDigest) {
    uint64_t d1 = 0, d2 = 0;
    const msc_partial a = RunSegmented(k_, r_, 13, p_, &d1);
    const msc_partial b = RunSegmented(k_, r_, 13, p_, &d2);
    EXPECT_EQ(d1, d2);
    EXPECT_EQ(a.exact_lo, b.exact_lo);
    EXPECT_EQ(a.exact_hi, b.exact_hi);
    EXPECT_EQ(std::memcmp(&a.real, &b.real, sizeof a.real), 0) << "real results differ in bits";
}

TEST_P(KernelCase, VerifyFailsWhenExactLowWordIsOffByOne) {
    msc_partial t = RunSegmented(k_, r_, 4, p_);
    if (k_->result_kind == MSC_RESULT_REAL) t.real += 1e-6;
    else t.exact_lo += 1;
    msc_status st;
    const msc_verdict v = Verify(k_, r_, p_, t, &st);
    EXPECT_FALSE(st == MSC_OK && v.pass) << k_->name << " accepted a tampered total";
}

TEST_P(KernelCase, VerifyFailsWhenHighWordIsTampered) {
    msc_partial t = RunSegmented(k_, r_, 4, p_);
    if (k_->result_kind == MSC_RESULT_REAL) t.real -= 1e-3;
    else t.exact_hi += 1;
    msc_status st;
    const msc_verdict v = Verify(k_, r_, p_, t, &st);
    EXPECT_FALSE(st == MSC_OK && v.pass) << k_->name << " accepted a tampered total";
}

INSTANTIATE_TEST_SUITE_P(
    Kernel, KernelCase,
    ::testing::Values(
        KCase{"do_math_small", "do_math", 0, 10000, {}},
        KCase{"do_math_negative_start", "do_math", -5000, 5000, {}},
        KCase{"do_math_across_x_zero", "do_math", 999000, 1001000, {}},
        KCase{"do_math_all_negative", "do_math", -3000000, -2990000, {}},
        KCase{"sum_squares_small", "sum_squares", 0, 10000, {}},
        KCase{"sum_squares_negative_start", "sum_squares", -7000, 3001, {}},
        KCase{"sum_squares_large_values", "sum_squares", INT64_C(3037000000), INT64_C(3037010000),
              {}},
        KCase{"random_fill_seed1", "random_fill", 0, 10000, {}},
        KCase{"random_fill_seed7_negative", "random_fill", -4096, 4097, {"seed=7"}},
        KCase{"pi_1e5", "pi", 0, 100000, {}},
        KCase{"pi_negative_start", "pi", -50000, 50000, {}},
        KCase{"primes_1e5", "primes", 0, 100000, {}},
        KCase{"primes_negative_start", "primes", -100, 5000, {}},
        KCase{"primes_near_1e6", "primes", 999000, 1000000, {}},
        KCase{"sleep_usec0", "sleep", 0, 1000, {"usec=0"}},
        KCase{"sleep_negative_start", "sleep", -10, 10, {"usec=0"}},
        KCase{"empty_default", "empty", 0, 1000000, {}},
        KCase{"empty_negative_start", "empty", -10, 10, {}},
        KCase{"amdahl_default", "amdahl", 0, 10000, {}},
        KCase{"amdahl_negative_start", "amdahl", -5000, 5000, {"serial=0"}},
        KCase{"heavy_tail_default", "heavy_tail", 0, 2000, {}},
        KCase{"heavy_tail_negative_start_seed9_alpha2", "heavy_tail", -1000, 1000,
              {"seed=9", "alpha=2"}}),
    [](const ::testing::TestParamInfo<KCase> &info) { return std::string(info.param.label); });

// ---- kernel-specific behaviour -----------------------------------------------------------------

TEST(Kernel, DoMathSumIsSumOfAbsoluteX) {
    // [0, 3): x = -999999, -999998, -999997.
    const msc_kernel *k = Kernel("do_math");
    const msc_partial t = RunK(k, msc_range{0, 3}, 0, 3, Params(k, {}));
    EXPECT_EQ(Exact(t), static_cast<u128>(999999 + 999998 + 999997));
    // [999999, 1000001): x = 0, 1.
    const msc_partial u = RunK(k, msc_range{999999, 1000001}, 999999, 1000001, Params(k, {}));
    EXPECT_EQ(Exact(u), static_cast<u128>(1));
}

TEST(Kernel, AmdahlGivesTheSameTotalAsDoMath) {
    const msc_kernel *a = Kernel("amdahl"), *d = Kernel("do_math");
    const msc_range r{-20000, 30000};
    for (const char *serial : {"serial=0", "serial=0.3", "serial=0.95"}) {
        const msc_partial ta = RunSegmented(a, r, 9, Params(a, {serial}));
        const msc_partial td = RunSegmented(d, r, 9, Params(d, {}));
        EXPECT_EQ(Exact(ta), Exact(td)) << serial;
    }
}

TEST(Kernel, DoMathAcceptsRangesUpToTheExactDoubleLimit) {
    const msc_kernel *k = Kernel("do_math");
    const msc_params p = Params(k, {});
    const int64_t lo_min = -kTwo53 + 999999;  // x = i + 1 - 1e6 = -2^53
    const int64_t hi_max = kTwo53 + 1000000;  // last i = 2^53 + 999999, x = 2^53
    EXPECT_EQ(Check(k, msc_range{lo_min, lo_min + 5}, p), MSC_OK);
    EXPECT_EQ(Check(k, msc_range{hi_max - 5, hi_max}, p), MSC_OK);
    EXPECT_EQ(Check(k, msc_range{lo_min, hi_max}, p), MSC_OK);
}

TEST(Kernel, DoMathRefusesRangesWhereXExceedsTwoTo53) {
    const msc_kernel *k = Kernel("do_math");
    const msc_params p = Params(k, {});
    const int64_t lo_min = -kTwo53 + 999999, hi_max = kTwo53 + 1000000;
    std::string why;
    EXPECT_EQ(Check(k, msc_range{lo_min - 1, lo_min + 5}, p, &why), MSC_ERR_RANGE);
    EXPECT_GT(why.size(), 0u);
    EXPECT_EQ(Check(k, msc_range{hi_max - 5, hi_max + 1}, p), MSC_ERR_RANGE);
    EXPECT_EQ(Check(k, msc_range{0, INT64_MAX}, p), MSC_ERR_RANGE);
    EXPECT_EQ(Check(k, msc_range{INT64_MIN, -1}, p), MSC_ERR_RANGE);
    EXPECT_EQ(Check(Kernel("amdahl"), msc_range{0, INT64_MAX}, Params(Kernel("amdahl"), {})),
              MSC_ERR_RANGE);
}

TEST(Kernel, DoMathIsExactAtTheEdgesOfItsRange) {
    const msc_kernel *k = Kernel("do_math");
    const msc_params p = Params(k, {});
    const int64_t lo_min = -kTwo53 + 999999, hi_max = kTwo53 + 1000000;
    for (msc_range r : {msc_range{lo_min, lo_min + 3000}, msc_range{hi_max - 3000, hi_max}}) {
        const msc_partial t = RunSegmented(k, r, 7, p);
        EXPECT_EQ(U128Text(Exact(t)), U128Text(RefDoMath(r.lo, r.hi))) << r.lo;
        EXPECT_EQ(Verify(k, r, p, t).pass, 1) << r.lo;
    }
}

TEST(Kernel, DoMathVerifiesAHugeRangeByClosedForm) {
    // The closed form must not overflow for the widest accepted range; a wrong total must fail.
    const msc_kernel *k = Kernel("do_math");
    const msc_params p = Params(k, {});
    const msc_range r{-kTwo53 + 999999, kTwo53 + 1000000};
    // sum of |x| for x in [-2^53, 2^53] = 2 * (2^53 (2^53 + 1) / 2) = 2^53 (2^53 + 1).
    const u128 want = static_cast<u128>(kTwo53) * static_cast<u128>(kTwo53 + 1);
    msc_partial t;
    std::memset(&t, 0, sizeof t);
    t.exact_lo = static_cast<uint64_t>(want);
    t.exact_hi = static_cast<uint64_t>(want >> 64);
    t.n_items = r.hi - r.lo;
    msc_verdict v = Verify(k, r, p, t);
    EXPECT_EQ(v.pass, 1) << v.expected;
    EXPECT_STREQ(v.expected, U128Text(want).c_str());
    t.exact_lo += 1;
    EXPECT_EQ(Verify(k, r, p, t).pass, 0);
}

TEST(Kernel, SumSquaresAcceptsTheLargestSquaresThatFit) {
    const msc_kernel *k = Kernel("sum_squares");
    const msc_params p = Params(k, {});
    const msc_range r{kTwo62 - 10, kTwo62};
    ASSERT_EQ(Check(k, r, p), MSC_OK);
    const msc_partial t = RunSegmented(k, r, 3, p);
    EXPECT_EQ(U128Text(Exact(t)), U128Text(RefSumSquares(r.lo, r.hi)));
    EXPECT_EQ(Verify(k, r, p, t).pass, 1);
}

TEST(Kernel, SumSquaresBoundaryAtTwoTo128) {
    // 15 squares of at least 2^124 fit below 2^128; 16 do not.
    const msc_kernel *k = Kernel("sum_squares");
    const msc_params p = Params(k, {});
    const msc_range fits{kTwo62, kTwo62 + 15}, over{kTwo62, kTwo62 + 16};
    ASSERT_EQ(Check(k, fits, p), MSC_OK);
    const msc_partial t = RunK(k, fits, fits.lo, fits.hi, p);
    EXPECT_EQ(U128Text(Exact(t)), U128Text(RefSumSquares(fits.lo, fits.hi)));
    EXPECT_EQ(Verify(k, fits, p, t).pass, 1);
    std::string why;
    EXPECT_EQ(Check(k, over, p, &why), MSC_ERR_RANGE);
    EXPECT_GT(why.size(), 0u);
}

TEST(Kernel, SumSquaresBoundaryAtTwoTo128ForNegativeValues) {
    const msc_kernel *k = Kernel("sum_squares");
    const msc_params p = Params(k, {});
    const msc_range fits{-kTwo62 - 14, -kTwo62 + 1}, over{-kTwo62 - 15, -kTwo62 + 1};
    ASSERT_EQ(Check(k, fits, p), MSC_OK);
    const msc_partial t = RunK(k, fits, fits.lo, fits.hi, p);
    EXPECT_EQ(U128Text(Exact(t)), U128Text(RefSumSquares(fits.lo, fits.hi)));
    EXPECT_EQ(Verify(k, fits, p, t).pass, 1);
    EXPECT_EQ(Check(k, over, p), MSC_ERR_RANGE);
}

TEST(Kernel, SumSquaresRefusesRangesWhoseSumOverflows) {
    const msc_kernel *k = Kernel("sum_squares");
    const msc_params p = Params(k, {});
    EXPECT_EQ(Check(k, msc_range{0, kTwo62}, p), MSC_ERR_RANGE);
    EXPECT_EQ(Check(k, msc_range{0, INT64_MAX}, p), MSC_ERR_RANGE);
    EXPECT_EQ(Check(k, msc_range{INT64_MIN, -1}, p), MSC_ERR_RANGE);
    EXPECT_EQ(Check(k, msc_range{INT64_MAX - 3, INT64_MAX}, p), MSC_OK);   // 3 squares < 2^128
    EXPECT_EQ(Check(k, msc_range{INT64_MIN, INT64_MIN + 1}, p), MSC_OK);   // (2^63)^2 = 2^126
    // sum (2^63 - j)^2 for j < 4 = 2^128 - 12 * 2^63 + 14 fits; a fifth square does not.
    EXPECT_EQ(Check(k, msc_range{INT64_MIN, INT64_MIN + 4}, p), MSC_OK);
    EXPECT_EQ(Check(k, msc_range{INT64_MIN, INT64_MIN + 5}, p), MSC_ERR_RANGE);
}

TEST(Kernel, SumSquaresOfInt64MinIsTwoTo126) {
    const msc_kernel *k = Kernel("sum_squares");
    const msc_params p = Params(k, {});
    const msc_range r{INT64_MIN, INT64_MIN + 1};
    const msc_partial t = RunK(k, r, r.lo, r.hi, p);
    EXPECT_EQ(Exact(t), static_cast<u128>(1) << 126);
    EXPECT_EQ(Verify(k, r, p, t).pass, 1);
}

TEST(Kernel, SumSquaresSmallKnownAnswers) {
    const msc_kernel *k = Kernel("sum_squares");
    const msc_params p = Params(k, {});
    EXPECT_EQ(Exact(RunK(k, msc_range{0, 4}, 0, 4, p)), static_cast<u128>(0 + 1 + 4 + 9));
    EXPECT_EQ(Exact(RunK(k, msc_range{-3, 3}, -3, 3, p)), static_cast<u128>(9 + 4 + 1 + 0 + 1 + 4));
    // Sum of i^2 for i < 10^6 = (n-1) n (2n-1) / 6.
    const int64_t n = 1000000;
    const msc_range r{0, n};
    const msc_partial t = RunSegmented(k, r, 64, p);
    EXPECT_EQ(Exact(t), static_cast<u128>(n - 1) * n * (2 * n - 1) / 6);
}

TEST(Kernel, PrimesKnownCounts) {
    const msc_kernel *k = Kernel("primes");
    const msc_params p = Params(k, {});
    struct {
        int64_t lo, hi;
        uint64_t count;
    } cases[] = {{0, 2, 0}, {0, 3, 1}, {2, 3, 1}, {0, 10, 4}, {0, 100, 25}, {0, 1000, 168},
                 {0, 100000, 9592}, {-1000, 0, 0}, {-5, 3, 1}, {14, 17, 0}, {17, 18, 1}};
    for (const auto &c : cases) {
        const msc_range r{c.lo, c.hi};
        const msc_partial t = RunSegmented(k, r, r.hi - r.lo < 5 ? 1 : 5, p);
        EXPECT_EQ(Exact(t), static_cast<u128>(c.count)) << "[" << c.lo << ", " << c.hi << ")";
        EXPECT_EQ(Verify(k, r, p, t).pass, 1) << "[" << c.lo << ", " << c.hi << ")";
    }
}

TEST(Kernel, PrimesAcceptsEndUpToTwoTo42) {
    const msc_kernel *k = Kernel("primes");
    const msc_params p = Params(k, {});
    const int64_t limit = INT64_C(1) << 42;
    const msc_range r{limit - 60, limit};
    ASSERT_EQ(Check(k, r, p), MSC_OK);
    const msc_partial t = RunSegmented(k, r, 3, p);
    EXPECT_EQ(Exact(t), static_cast<u128>(RefPrimes(r.lo, r.hi)));
    EXPECT_EQ(Verify(k, r, p, t).pass, 1);
}

TEST(Kernel, PrimesRefusesEndBeyondItsLimit) {
    const msc_kernel *k = Kernel("primes");
    const msc_params p = Params(k, {});
    const int64_t limit = INT64_C(1) << 42;
    std::string why;
    EXPECT_EQ(Check(k, msc_range{0, limit + 1}, p, &why), MSC_ERR_RANGE);
    EXPECT_NE(why.find("4398046511104"), std::string::npos) << "limit not named: " << why;
    EXPECT_EQ(Check(k, msc_range{limit, limit + 10}, p), MSC_ERR_RANGE);
    EXPECT_EQ(Check(k, msc_range{0, INT64_MAX}, p), MSC_ERR_RANGE);
}

TEST(Kernel, PiIsCloseToPiForOneHundredThousandIntervals) {
    const msc_kernel *k = Kernel("pi");
    const msc_params p = Params(k, {});
    const msc_range r{0, 100000};
    const msc_partial t = RunSegmented(k, r, 10, p);
    EXPECT_NEAR(t.real, M_PI, 1e-6);
    const msc_verdict v = Verify(k, r, p, t);
    EXPECT_EQ(v.pass, 1) << v.method;
}

TEST(Kernel, PiDependsOnTheIntervalIndexNotTheAbsoluteIndex) {
    // Element i is interval i - START: shifting the whole range changes nothing, bit for bit.
    const msc_kernel *k = Kernel("pi");
    const msc_params p = Params(k, {});
    uint64_t d1 = 0, d2 = 0;
    const msc_partial a = RunSegmented(k, msc_range{0, 100000}, 8, p, &d1);
    const msc_partial b = RunSegmented(k, msc_range{-50000, 50000}, 8, p, &d2);
    EXPECT_EQ(std::memcmp(&a.real, &b.real, sizeof a.real), 0) << a.real << " vs " << b.real;
    EXPECT_EQ(d1, d2);
}

TEST(Kernel, PiVerifyRejectsAResultOutsideTheErrorBound) {
    const msc_kernel *k = Kernel("pi");
    const msc_params p = Params(k, {});
    const msc_range r{0, 100000};
    msc_partial t = RunSegmented(k, r, 4, p);
    t.real = M_PI + 1e-7;
    EXPECT_EQ(Verify(k, r, p, t).pass, 0);
    t.real = M_PI;
    EXPECT_EQ(Verify(k, r, p, t).pass, 1);
}

TEST(Kernel, PiResultIsTheSameForTheSameSegmentingRegardlessOfWhoComputesIt) {
    // Ranks hold contiguous runs of segments; the digest and total depend only on the sequence.
    const msc_kernel *k = Kernel("pi");
    const msc_params p = Params(k, {});
    const msc_range r{0, 99991};
    std::vector<msc_partial> parts;
    uint64_t d_all = 0;
    const msc_partial all = RunSegmented(k, r, 17, p, &d_all, &parts);
    // Recompute the same segments in reverse order (as if other ranks did them), then combine.
    std::vector<msc_partial> again(17);
    for (int64_t s = 16; s >= 0; --s) {
        const msc_range seg = msc_segment(r, 17, s);
        again[static_cast<size_t>(s)] = RunK(k, r, seg.lo, seg.hi, p);
    }
    msc_partial t;
    const uint64_t d = msc_partials_combine(again.data(), 17, &t);
    EXPECT_EQ(d, d_all);
    EXPECT_EQ(std::memcmp(&t.real, &all.real, sizeof t.real), 0);
}

TEST(Kernel, SleepWithZeroUsecCountsElements) {
    const msc_kernel *k = Kernel("sleep");
    const msc_params p = Params(k, {"usec=0"});
    const msc_partial t = RunSegmented(k, msc_range{-7, 100000}, 3, p);
    EXPECT_EQ(Exact(t), static_cast<u128>(100007));
}

TEST(Kernel, EmptyCountsTheElementsOfAnySplitAndVerifies) {
    // No per-element work: even 2^62 elements are counted at once, whatever the segments.
    const msc_kernel *k = Kernel("empty");
    const msc_params p = Params(k, {});
    const msc_range r{-(INT64_C(1) << 61), INT64_C(1) << 61};
    const msc_partial t = RunSegmented(k, r, 1024, p);
    EXPECT_EQ(Exact(t), static_cast<u128>(INT64_C(1) << 62));
    EXPECT_EQ(t.n_items, INT64_C(1) << 62);
    msc_verdict v;
    std::memset(&v, 0, sizeof v);
    char err[128] = "";
    EXPECT_EQ(k->verify(r, &p, &t, &v, err, sizeof err), MSC_OK) << err;
    EXPECT_TRUE(v.pass) << v.method;
    EXPECT_TRUE(v.exact);
    EXPECT_EQ(k->n_params, 0);
    EXPECT_EQ(k->serial_param, -1);
}

TEST(Kernel, SleepWithAShortWaitStillCounts) {
    const msc_kernel *k = Kernel("sleep");
    const msc_params p = Params(k, {"usec=1"});
    const msc_partial t = RunK(k, msc_range{0, 5}, 0, 5, p);
    EXPECT_EQ(Exact(t), static_cast<u128>(5));
    EXPECT_EQ(t.n_items, 5);
}

TEST(Kernel, RandomFillIsIndependentOfTheSplit) {
    const msc_kernel *k = Kernel("random_fill");
    const msc_params p = Params(k, {"seed=7"});
    const msc_range r{-3, 20000};
    const msc_partial whole = RunK(k, r, r.lo, r.hi, p);
    // Pieces that straddle the kernel's internal buffer size and are added by hand.
    const int64_t cuts[] = {-3, -2, 4093, 4094, 8190, 12289, 19999, 20000};
    msc_partial acc;
    std::memset(&acc, 0, sizeof acc);
    for (size_t i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; ++i) {
        const msc_partial part = RunK(k, r, cuts[i], cuts[i + 1], p);
        msc_partial_add(&acc, &part);
    }
    EXPECT_EQ(acc.exact_lo, whole.exact_lo);
    EXPECT_EQ(acc.exact_hi, whole.exact_hi);
    EXPECT_EQ(acc.n_items, whole.n_items);
}

TEST(Kernel, RandomFillElementDoesNotDependOnTheWholeRange) {
    // Element i is keyed by (seed, i) alone.
    const msc_kernel *k = Kernel("random_fill");
    const msc_params p = Params(k, {"seed=3"});
    const msc_partial a = RunK(k, msc_range{0, 1000}, 500, 501, p);
    const msc_partial b = RunK(k, msc_range{500, 501}, 500, 501, p);
    EXPECT_EQ(Exact(a), Exact(b));
    EXPECT_LT(Exact(a), static_cast<u128>(1) << 53);
}

TEST(Kernel, RandomFillDifferentSeedGivesADifferentResult) {
    const msc_kernel *k = Kernel("random_fill");
    const msc_range r{0, 5000};
    const msc_partial a = RunK(k, r, r.lo, r.hi, Params(k, {}));
    const msc_partial b = RunK(k, r, r.lo, r.hi, Params(k, {"seed=7"}));
    const msc_partial c = RunK(k, r, r.lo, r.hi, Params(k, {"seed=4294967296"}));  // 2^32
    const msc_partial d = RunK(k, r, r.lo, r.hi, Params(k, {"seed=0"}));
    EXPECT_NE(Exact(a), Exact(b));
    EXPECT_NE(Exact(a), Exact(c));
    EXPECT_NE(Exact(d), Exact(c)) << "seed's high word is ignored";
    EXPECT_NE(Exact(a), Exact(d));
    // A total computed with one seed does not verify under another.
    EXPECT_EQ(Verify(k, r, Params(k, {"seed=7"}), a).pass, 0);
}

TEST(Kernel, RandomFillKnownAnswerPinsItsVersion) {
    // kernel.h: `version` is bumped whenever the result for the same inputs changes. These values
    // were recorded from version 1; a change of stream must bump the version and this table.
    const msc_kernel *k = Kernel("random_fill");
    ASSERT_EQ(k->version, 1) << "version bumped: record the new known answers here";
    const msc_range r{0, 1000};
    EXPECT_EQ(U128Text(Exact(RunK(k, r, r.lo, r.hi, Params(k, {"seed=1"})))),
              "4582747135364354996");
    EXPECT_EQ(U128Text(Exact(RunK(k, r, r.lo, r.hi, Params(k, {"seed=7"})))),
              "4309788674204647605");
    EXPECT_EQ(Exact(RunK(k, r, 0, 1, Params(k, {"seed=1"}))), static_cast<u128>(8018741759353153u));
}

TEST(Kernel, RandomFillIsRepeatable) {
    const msc_kernel *k = Kernel("random_fill");
    const msc_params p = Params(k, {"seed=99"});
    const msc_range r{1000, 3000};
    EXPECT_EQ(Exact(RunK(k, r, r.lo, r.hi, p)), Exact(RunK(k, r, r.lo, r.hi, p)));
}

// ---- parameters --------------------------------------------------------------------------------

TEST(Kernel, ParamsOverrideDefaults) {
    const msc_kernel *rf = Kernel("random_fill"), *sl = Kernel("sleep"), *am = Kernel("amdahl");
    msc_params p = Params(rf, {"seed=7"});
    EXPECT_EQ(msc_params_get(rf, &p, "seed"), 7.0);
    p = Params(sl, {"usec=5"});
    EXPECT_EQ(msc_params_get(sl, &p, "usec"), 5.0);
    p = Params(am, {"serial=0.3"});
    EXPECT_EQ(msc_params_get(am, &p, "serial"), 0.3);
    p = Params(am, {"serial=0"});
    EXPECT_EQ(msc_params_get(am, &p, "serial"), 0.0);
}

TEST(Kernel, ParamsAcceptTheirInclusiveBounds) {
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        for (int j = 0; j < k->n_params; ++j) {
            const msc_param_spec &s = k->params[j];
            for (double v : {s.min, s.max}) {
                char kv[128];
                std::snprintf(kv, sizeof kv, "%s=%.17g", s.name, v);
                msc_params p = Params(k, {kv});
                EXPECT_EQ(msc_params_get(k, &p, s.name), v) << kv;
            }
        }
    }
}

TEST(Kernel, ParamsLastValueForAKeyWins) {
    const msc_kernel *rf = Kernel("random_fill");
    const msc_params p = Params(rf, {"seed=3", "seed=9"});
    EXPECT_EQ(msc_params_get(rf, &p, "seed"), 9.0);
}

struct BadParam {
    const char *label;
    const char *kernel;
    const char *kv;
};

void PrintTo(const BadParam &c, std::ostream *os) { *os << c.label; }

class KernelBadParam : public ::testing::TestWithParam<BadParam> {};

TEST_P(KernelBadParam, IsUsageErrorNamingKeyAndValue) {
    const BadParam &c = GetParam();
    const msc_kernel *k = Kernel(c.kernel);
    ASSERT_NE(k, nullptr);
    msc_params p;
    char err[512] = "";
    const char *kv[] = {c.kv};
    EXPECT_EQ(msc_params_parse(k, kv, 1, &p, err, sizeof err), MSC_ERR_USAGE) << c.kv;
    EXPECT_NE(std::string(err).find(std::string("'") + c.kv + "'"), std::string::npos)
        << "value not quoted in: " << err;
}

INSTANTIATE_TEST_SUITE_P(
    Kernel, KernelBadParam,
    ::testing::Values(BadParam{"unknown_key", "random_fill", "colour=7"},
                      BadParam{"param_on_kernel_without_params", "do_math", "seed=7"},
                      BadParam{"no_equals", "sleep", "usec"},
                      BadParam{"empty_key", "sleep", "=5"},
                      BadParam{"empty_value", "sleep", "usec="},
                      BadParam{"int_not_whole", "random_fill", "seed=1.5"},
                      BadParam{"int_junk", "random_fill", "seed=abc"},
                      BadParam{"int_trailing_junk", "sleep", "usec=5x"},
                      BadParam{"int_below_min", "random_fill", "seed=-1"},
                      BadParam{"int_above_max", "random_fill", "seed=9007199254740993"},
                      BadParam{"sleep_above_max", "sleep", "usec=10000001"},
                      BadParam{"real_junk", "amdahl", "serial=abc"},
                      BadParam{"real_trailing_junk", "amdahl", "serial=0.3x"},
                      BadParam{"real_nan", "amdahl", "serial=nan"},
                      BadParam{"real_inf", "amdahl", "serial=inf"},
                      BadParam{"real_negative", "amdahl", "serial=-0.1"},
                      BadParam{"real_too_large", "amdahl", "serial=0.96"},
                      BadParam{"real_one", "amdahl", "serial=1"},
                      BadParam{"case_matters", "amdahl", "SERIAL=0.3"},
                      BadParam{"heavy_tail_alpha_below_min", "heavy_tail", "alpha=1.04"},
                      BadParam{"heavy_tail_alpha_one", "heavy_tail", "alpha=1"},
                      BadParam{"heavy_tail_alpha_above_max", "heavy_tail", "alpha=4.01"},
                      BadParam{"heavy_tail_alpha_nan", "heavy_tail", "alpha=nan"},
                      BadParam{"heavy_tail_seed_negative", "heavy_tail", "seed=-1"},
                      BadParam{"heavy_tail_seed_above_max", "heavy_tail",
                               "seed=9007199254740993"},
                      BadParam{"heavy_tail_seed_fraction", "heavy_tail", "seed=0.5"},
                      BadParam{"key_is_prefix_of_name", "random_fill", "see=1"},
                      BadParam{"name_is_prefix_of_key", "random_fill", "seeds=1"}),
    [](const ::testing::TestParamInfo<BadParam> &info) { return std::string(info.param.label); });

TEST(Kernel, BadParamMessageSaysWhatIsAccepted) {
    msc_params p;
    char err[512] = "";
    const char *unknown[] = {"colour=7"};
    ASSERT_EQ(msc_params_parse(Kernel("random_fill"), unknown, 1, &p, err, sizeof err),
              MSC_ERR_USAGE);
    EXPECT_NE(std::string(err).find("seed"), std::string::npos) << err;
    const char *high[] = {"serial=0.96"};
    ASSERT_EQ(msc_params_parse(Kernel("amdahl"), high, 1, &p, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_NE(std::string(err).find("0.95"), std::string::npos) << err;
}

TEST(Kernel, ParamsGetIsNanForAnUnknownName) {
    const msc_kernel *rf = Kernel("random_fill"), *dm = Kernel("do_math");
    const msc_params p = Params(rf, {}), q = Params(dm, {});
    EXPECT_TRUE(std::isnan(msc_params_get(rf, &p, "usec")));
    EXPECT_TRUE(std::isnan(msc_params_get(dm, &q, "seed")));
}

TEST(Kernel, ParamsFormatIsEmptyForAKernelWithoutParams) {
    const msc_kernel *dm = Kernel("do_math");
    const msc_params p = Params(dm, {});
    char buf[64];
    std::memset(buf, 'x', sizeof buf);
    msc_params_format(dm, &p, buf, sizeof buf);
    EXPECT_STREQ(buf, "");
}

TEST(Kernel, ParamsFormatKnownAnswers) {
    char buf[128];
    const msc_kernel *rf = Kernel("random_fill"), *sl = Kernel("sleep");
    msc_params p = Params(rf, {"seed=7"});
    msc_params_format(rf, &p, buf, sizeof buf);
    EXPECT_STREQ(buf, "seed=7");
    p = Params(rf, {"seed=9007199254740992"});
    msc_params_format(rf, &p, buf, sizeof buf);
    EXPECT_STREQ(buf, "seed=9007199254740992");
    p = Params(sl, {"usec=5"});
    msc_params_format(sl, &p, buf, sizeof buf);
    EXPECT_STREQ(buf, "usec=5");
}

TEST(Kernel, ParamsFormatRoundTripsRealValues) {
    const msc_kernel *am = Kernel("amdahl");
    for (const char *kv : {"serial=0.3", "serial=0.1", "serial=0.95", "serial=0"}) {
        const msc_params p = Params(am, {kv});
        char buf[128];
        msc_params_format(am, &p, buf, sizeof buf);
        ASSERT_EQ(std::strncmp(buf, "serial=", 7), 0) << buf;
        // The formatted text, parsed back, gives the same value.
        const msc_params q = Params(am, {buf});
        EXPECT_EQ(q.value[0], p.value[0]) << kv << " -> " << buf;
    }
}

TEST(Kernel, SerialShareIsTheAmdahlParameter) {
    const msc_kernel *am = Kernel("amdahl");
    msc_params p = Params(am, {});
    EXPECT_EQ(msc_kernel_serial_share(am, &p), 0.3);
    p = Params(am, {"serial=0.5"});
    EXPECT_EQ(msc_kernel_serial_share(am, &p), 0.5);
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        if (k == am) continue;
        EXPECT_EQ(k->serial_param, -1) << k->name;
        const msc_params q = Params(k, {});
        EXPECT_EQ(msc_kernel_serial_share(k, &q), 0.0) << k->name;
    }
}

// ---- partials, digest, formatting --------------------------------------------------------------

msc_partial Partial(uint64_t hi, uint64_t lo, double real, int64_t n) {
    msc_partial p;
    std::memset(&p, 0, sizeof p);
    p.exact_hi = hi;
    p.exact_lo = lo;
    p.real = real;
    p.n_items = n;
    return p;
}

TEST(Kernel, PartialAddCarriesIntoTheHighWord) {
    msc_partial acc = Partial(0, UINT64_MAX, 0.5, 3);
    const msc_partial one = Partial(0, 1, 0.25, 4);
    msc_partial_add(&acc, &one);
    EXPECT_EQ(acc.exact_lo, 0u);
    EXPECT_EQ(acc.exact_hi, 1u);
    EXPECT_EQ(acc.real, 0.75);
    EXPECT_EQ(acc.n_items, 7);
}

TEST(Kernel, PartialAddAddsBothWords) {
    msc_partial acc = Partial(5, UINT64_MAX - 1, 0, 0);
    const msc_partial b = Partial(7, 3, 0, 0);
    msc_partial_add(&acc, &b);
    EXPECT_EQ(acc.exact_hi, 13u);
    EXPECT_EQ(acc.exact_lo, 1u);
}

TEST(Kernel, CombineOfNothingIsZero) {
    msc_partial t = Partial(1, 2, 3.0, 4);
    const uint64_t d = msc_partials_combine(nullptr, 0, &t);
    EXPECT_EQ(t.exact_lo, 0u);
    EXPECT_EQ(t.exact_hi, 0u);
    EXPECT_EQ(t.real, 0.0);
    EXPECT_EQ(t.n_items, 0);
    msc_partial dummy = Partial(0, 0, 0, 0);
    EXPECT_EQ(d, msc_partials_combine(&dummy, 0, &t)) << "digest of nothing must be fixed";
}

TEST(Kernel, CombineSumsInOrder) {
    const msc_partial parts[] = {Partial(0, 10, 0.5, 1), Partial(0, UINT64_MAX, 1.0, 2),
                                 Partial(2, 5, 0.25, 3)};
    msc_partial t;
    msc_partials_combine(parts, 3, &t);
    // 10 + (2^64 - 1) + (2 * 2^64 + 5) = 3 * 2^64 + 14
    EXPECT_EQ(t.exact_hi, 3u);
    EXPECT_EQ(t.exact_lo, 14u);
    EXPECT_EQ(t.real, 1.75);
    EXPECT_EQ(t.n_items, 6);
}

TEST(Kernel, DigestIsIdenticalForTheSamePartialSequence) {
    const msc_partial a[] = {Partial(0, 1, 0.1, 5), Partial(1, 2, 0.2, 6), Partial(0, 3, 0.3, 7)};
    msc_partial b[3];
    std::memcpy(b, a, sizeof a);
    msc_partial t1, t2;
    EXPECT_EQ(msc_partials_combine(a, 3, &t1), msc_partials_combine(b, 3, &t2));
}

TEST(Kernel, DigestChangesWhenAnyPartOfAnyPartialChanges) {
    const msc_partial base[] = {Partial(0, 1, 0.1, 5), Partial(1, 2, 0.2, 6),
                                Partial(0, 3, 0.3, 7)};
    msc_partial t;
    const uint64_t d0 = msc_partials_combine(base, 3, &t);
    for (int which = 0; which < 3; ++which) {
        for (int field = 0; field < 4; ++field) {
            msc_partial m[3];
            std::memcpy(m, base, sizeof base);
            switch (field) {
            case 0: m[which].exact_lo += 1; break;
            case 1: m[which].exact_hi += 1; break;
            case 2: m[which].real = std::nextafter(m[which].real, 1.0); break;
            case 3: m[which].n_items += 1; break;
            }
            EXPECT_NE(msc_partials_combine(m, 3, &t), d0)
                << "partial " << which << " field " << field;
        }
    }
}

TEST(Kernel, DigestDependsOnTheOrderOfPartials) {
    const msc_partial a[] = {Partial(0, 1, 0.0, 5), Partial(0, 2, 0.0, 5)};
    const msc_partial b[] = {Partial(0, 2, 0.0, 5), Partial(0, 1, 0.0, 5)};
    msc_partial ta, tb;
    const uint64_t da = msc_partials_combine(a, 2, &ta), db = msc_partials_combine(b, 2, &tb);
    EXPECT_EQ(ta.exact_lo, tb.exact_lo);  // same sum...
    EXPECT_NE(da, db);                    // ...different sequence
}

TEST(Kernel, DigestDependsOnHowManyPartialsThereAre) {
    const msc_partial a[] = {Partial(0, 0, 0.0, 0), Partial(0, 0, 0.0, 0)};
    msc_partial t;
    EXPECT_NE(msc_partials_combine(a, 1, &t), msc_partials_combine(a, 2, &t));
}

struct U128Case {
    uint64_t hi, lo;
    const char *text;
};

void PrintTo(const U128Case &c, std::ostream *os) { *os << c.text; }

class KernelU128Format : public ::testing::TestWithParam<U128Case> {};

TEST_P(KernelU128Format, KnownAnswer) {
    char buf[64];
    std::memset(buf, 'x', sizeof buf);
    msc_u128_format(GetParam().hi, GetParam().lo, buf, sizeof buf);
    EXPECT_STREQ(buf, GetParam().text);
}

TEST_P(KernelU128Format, FitsInFortyBytes) {
    char buf[40];
    msc_u128_format(GetParam().hi, GetParam().lo, buf, sizeof buf);
    EXPECT_STREQ(buf, GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Kernel, KernelU128Format,
    ::testing::Values(U128Case{0, 0, "0"}, U128Case{0, 1, "1"}, U128Case{0, 10, "10"},
                      U128Case{0, UINT64_MAX, "18446744073709551615"},
                      U128Case{1, 0, "18446744073709551616"},
                      U128Case{1, 1, "18446744073709551617"},
                      U128Case{UINT64_MAX, UINT64_MAX,
                               "340282366920938463463374607431768211455"},
                      U128Case{UINT64_C(0x8000000000000000), 0,
                               "170141183460469231731687303715884105728"},
                      U128Case{0, UINT64_C(10000000000000000000), "10000000000000000000"}));

TEST(Kernel, ResultFormatExactIsUnsignedDecimal) {
    const msc_partial t = Partial(1, 0, 0.0, 1);
    char buf[64];
    msc_result_format(Kernel("sum_squares"), &t, buf, sizeof buf);
    EXPECT_STREQ(buf, "18446744073709551616");
}

TEST(Kernel, ResultFormatRealHasSeventeenSignificantDigits) {
    char buf[64];
    const msc_partial t = Partial(0, 0, 0.1, 1);
    msc_result_format(Kernel("pi"), &t, buf, sizeof buf);
    EXPECT_STREQ(buf, "0.10000000000000001");
    const msc_partial u = Partial(0, 0, M_PI, 1);
    msc_result_format(Kernel("pi"), &u, buf, sizeof buf);
    EXPECT_EQ(std::strtod(buf, nullptr), M_PI) << buf;
    EXPECT_STREQ(buf, "3.1415926535897931");
}

}  // namespace

// The quadrature check must tell the midpoint rule from a wrong one: the left-rectangle rule is
// off by about h, far outside the bound, while the midpoint total passes.
TEST(Kernel, PiVerifyRejectsTheLeftRectangleRule) {
    const msc_kernel *k = Kernel("pi");
    const msc_params p = Params(k, {});
    const int64_t n = 1000000;
    const msc_range r{0, n};
    const double h = 1.0 / (double)n;
    double left = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const double x = (double)i * h;
        left += 4.0 / (1.0 + x * x);
    }
    msc_partial t;
    std::memset(&t, 0, sizeof t);
    t.real = left * h;
    t.n_items = n;
    EXPECT_EQ(Verify(k, r, p, t).pass, 0) << "left rule total " << t.real;
    EXPECT_EQ(Verify(k, r, p, RunSegmented(k, r, 7, p)).pass, 1);
}

TEST(Kernel, PiRefusesMoreThanTwoTo53Intervals) {
    const msc_kernel *k = Kernel("pi");
    const msc_params p = Params(k, {});
    const int64_t limit = (int64_t)1 << 53;
    char err[256] = "";
    EXPECT_EQ(k->check(msc_range{0, limit}, &p, err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(k->check(msc_range{-1, limit}, &p, err, sizeof err), MSC_ERR_RANGE);
    EXPECT_NE(std::string(err).find("2^53"), std::string::npos) << err;
}

// Random123's published known answers for Philox4x32-10 (the kat_vectors file of its
// distribution): the generator random_fill is built on is the one the literature tested.
TEST(Kernel, Philox4x32KnownAnswersFromRandom123) {
    struct Kat {
        uint32_t ctr[4], key[2], out[4];
    };
    const Kat kats[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (const Kat &k : kats) {
        philox4x32_ctr_t c = {{k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]}};
        philox4x32_key_t key = {{k.key[0], k.key[1]}};
        const philox4x32_ctr_t r = philox4x32(c, key);
        for (int j = 0; j < 4; j++) EXPECT_EQ(r.v[j], k.out[j]) << "word " << j;
    }
}

// Element 0 with seed 0 is Philox at counter 0 and key 0: its first two words, as one 64-bit
// number, shifted down to 53 bits. Ties the kernel's use of the stream to the published vector.
TEST(Kernel, RandomFillElementZeroSeedZeroIsThePublishedPhiloxWord) {
    const msc_kernel *k = Kernel("random_fill");
    const msc_params p = Params(k, {"seed=0"});
    msc_partial t;
    std::memset(&t, 0, sizeof t);
    k->run(msc_range{0, 1}, 0, 1, &p, &t);
    EXPECT_EQ(t.exact_hi, 0u);
    EXPECT_EQ(t.exact_lo, 0x6627e8d5e169c58dull >> 11);
}

// Real parts are combined with compensated summation: many tiny partials after a large one are
// not lost, as they would be when added one by one.
TEST(Kernel, CombineKeepsTinyRealPartsAfterALargeOne) {
    std::vector<msc_partial> parts(1001);
    std::memset(parts.data(), 0, parts.size() * sizeof parts[0]);
    parts[0].real = 1.0;
    for (size_t i = 1; i < parts.size(); i++) parts[i].real = 1e-16;
    msc_partial total;
    msc_partials_combine(parts.data(), (int64_t)parts.size(), &total);
    EXPECT_NEAR(total.real, 1.0 + 1000 * 1e-16, 1e-18);
    double plain = 0.0;
    for (const msc_partial &x : parts) plain += x.real;
    EXPECT_EQ(plain, 1.0) << "the naive sum loses them, which is why combine compensates";
}

namespace {
std::vector<msc_partial> SegmentParts(const msc_kernel *k, msc_range r, int64_t n_seg,
                                      const msc_params &p) {
    std::vector<msc_partial> parts((size_t)n_seg);
    for (int64_t s = 0; s < n_seg; s++) {
        const msc_range seg = msc_segment(r, n_seg, s);
        std::memset(&parts[(size_t)s], 0, sizeof parts[0]);
        k->run(r, seg.lo, seg.hi, &p, &parts[(size_t)s]);
    }
    return parts;
}
}  // namespace

TEST(Kernel, SpotCheckPassesHonestSegmentsAndNamesATamperedOne) {
    const msc_kernel *k = Kernel("random_fill");
    const msc_params p = Params(k, {"seed=5"});
    const msc_range r{-100, 100000};
    std::vector<msc_partial> parts = SegmentParts(k, r, 50, p);
    int64_t bad = 0;
    EXPECT_EQ(msc_spot_check(k, r, r, 50, parts.data(), &p, 1 << 22, &bad), 50);
    EXPECT_EQ(bad, -1);
    parts[49].exact_lo ^= 1; // the last segment is always among those checked
    EXPECT_GE(msc_spot_check(k, r, r, 50, parts.data(), &p, 10, &bad), 2);
    EXPECT_EQ(bad, 49);
}

TEST(Kernel, SpotCheckStaysWithinItsBudgetButAlwaysTakesFirstAndLast) {
    const msc_kernel *k = Kernel("random_fill");
    const msc_params p = Params(k, {});
    const msc_range r{0, 100000};
    std::vector<msc_partial> parts = SegmentParts(k, r, 100, p);
    int64_t bad = 0;
    EXPECT_EQ(msc_spot_check(k, r, r, 100, parts.data(), &p, 10000, &bad), 9); // 1001 per segment
    EXPECT_EQ(msc_spot_check(k, r, r, 100, parts.data(), &p, 1, &bad), 2);
    parts[0].n_items += 1;
    msc_spot_check(k, r, r, 100, parts.data(), &p, 1, &bad);
    EXPECT_EQ(bad, 0);
}

TEST(Kernel, SpotCheckIsNothingForKernelsCheckedExactly) {
    for (const char *name : {"do_math", "sum_squares", "pi", "primes", "sleep", "amdahl"}) {
        const msc_kernel *k = Kernel(name);
        EXPECT_EQ(k->reference_run, nullptr) << name;
        const msc_params p = std::string(name) == "sleep" ? Params(k, {"usec=0"}) : Params(k, {});
        const msc_range r{0, 100};
        std::vector<msc_partial> parts = SegmentParts(k, r, 4, p);
        int64_t bad = 0;
        EXPECT_EQ(msc_spot_check(k, r, r, 4, parts.data(), &p, 1 << 22, &bad), 0) << name;
        EXPECT_EQ(bad, -1);
    }
}

// Whether verify checked the whole total exactly decides whether the driver spot-checks segments.
TEST(Kernel, VerdictSaysWhenTheTotalWasCheckedExactly) {
    const msc_kernel *k = Kernel("random_fill");
    const msc_params p = Params(k, {});
    const msc_range small{0, 1000}, large{0, 5000000};
    EXPECT_EQ(Verify(k, small, p, RunSegmented(k, small, 4, p)).exact, 1);
    EXPECT_EQ(Verify(k, large, p, RunSegmented(k, large, 4, p)).exact, 0);
    const msc_kernel *d = Kernel("do_math");
    const msc_params pd = Params(d, {});
    EXPECT_EQ(Verify(d, small, pd, RunSegmented(d, small, 4, pd)).exact, 1);
    const msc_kernel *pi = Kernel("pi");
    EXPECT_EQ(Verify(pi, small, pd, RunSegmented(pi, small, 4, pd)).exact, 0);
}

// ---- heavy_tail --------------------------------------------------------------------------------

namespace {

// The jump-ahead (reference_run) against the plain walk (run), segment by segment.
TEST(Kernel, HeavyTailRunEqualsReferenceRunForManySeedsAndAlphas) {
    const msc_kernel *k = Kernel("heavy_tail");
    ASSERT_NE(k->reference_run, nullptr);
    for (const char *seed : {"seed=0", "seed=1", "seed=7", "seed=4294967296",
                             "seed=9007199254740992"})
        for (const char *alpha : {"alpha=1.05", "alpha=1.2", "alpha=2.5", "alpha=4"}) {
            const msc_params p = Params(k, {seed, alpha});
            for (msc_range r : {msc_range{0, 1}, msc_range{0, 64}, msc_range{-40, 23},
                                msc_range{INT64_C(1) << 40, (INT64_C(1) << 40) + 17}}) {
                msc_partial a, b;
                std::memset(&a, 0xA5, sizeof a);
                std::memset(&b, 0x5A, sizeof b);
                k->run(r, r.lo, r.hi, &p, &a);
                k->reference_run(r, r.lo, r.hi, &p, &b);
                EXPECT_EQ(U128Text(Exact(a)), U128Text(Exact(b)))
                    << seed << " " << alpha << " [" << r.lo << ", " << r.hi << ")";
                EXPECT_EQ(a.n_items, r.hi - r.lo);
                EXPECT_EQ(b.n_items, r.hi - r.lo);
                EXPECT_EQ(a.real, 0.0);
                EXPECT_EQ(b.real, 0.0);
            }
        }
}

TEST(Kernel, HeavyTailMatchesThePlainWalkOfItsDescription) {
    const msc_kernel *k = Kernel("heavy_tail");
    for (const char *alpha : {"alpha=1.05", "alpha=3"}) {
        const msc_params p = Params(k, {"seed=3", alpha});
        const msc_range r{100, 400};
        const msc_partial t = RunSegmented(k, r, 7, p);
        EXPECT_EQ(U128Text(Exact(t)), U128Text(RefHeavyTail(3, msc_params_get(k, &p, "alpha"),
                                                            r.lo, r.hi)))
            << alpha;
    }
}

TEST(Kernel, HeavyTailVerifyPassesOnTheTrueTotalAndFailsWhenItIsOffByOne) {
    const msc_kernel *k = Kernel("heavy_tail");
    for (const char *seed : {"seed=1", "seed=12345"}) {
        const msc_params p = Params(k, {seed, "alpha=1.5"});
        const msc_range r{-500, 1500};
        msc_partial t = RunSegmented(k, r, 16, p);
        msc_verdict v = Verify(k, r, p, t);
        EXPECT_EQ(v.pass, 1) << seed << ": " << v.method;
        EXPECT_EQ(v.exact, 1) << "every walk is recomputed: the total is checked exactly";
        EXPECT_STREQ(v.expected, U128Text(Exact(t)).c_str());
        EXPECT_NE(std::string(v.method).find("jump-ahead"), std::string::npos) << v.method;
        const u128 want = Exact(t);
        for (int delta : {+1, -1}) {
            const u128 off = want + static_cast<u128>(static_cast<i128>(delta));
            t.exact_lo = static_cast<uint64_t>(off);
            t.exact_hi = static_cast<uint64_t>(off >> 64);
            v = Verify(k, r, p, t);
            EXPECT_EQ(v.pass, 0) << seed << " total off by " << delta;
            EXPECT_STREQ(v.expected, U128Text(want).c_str()) << "expected names the true total";
        }
    }
}

TEST(Kernel, HeavyTailTotalUnderOneSeedDoesNotVerifyUnderAnother) {
    const msc_kernel *k = Kernel("heavy_tail");
    const msc_range r{0, 500};
    const msc_partial t = RunK(k, r, r.lo, r.hi, Params(k, {"seed=1"}));
    EXPECT_EQ(Verify(k, r, Params(k, {"seed=2"}), t).pass, 0);
    EXPECT_EQ(Verify(k, r, Params(k, {"seed=1", "alpha=1.3"}), t).pass, 0);
}

TEST(Kernel, HeavyTailElementDependsOnlyOnSeedAndIndex) {
    const msc_kernel *k = Kernel("heavy_tail");
    const msc_params p = Params(k, {"seed=5"});
    const msc_partial a = RunK(k, msc_range{0, 1000}, 700, 701, p);
    const msc_partial b = RunK(k, msc_range{700, 701}, 700, 701, p);
    EXPECT_EQ(Exact(a), Exact(b));
    EXPECT_LT(Exact(a), static_cast<u128>(1) << 64) << "one element is one 64-bit end state";
}

TEST(Kernel, HeavyTailParamsHaveTheirDocumentedDefaultsAndBounds) {
    const msc_kernel *k = Kernel("heavy_tail");
    ASSERT_EQ(k->n_params, 2);
    EXPECT_STREQ(k->params[0].name, "seed");
    EXPECT_EQ(k->params[0].type, MSC_PARAM_INT);
    EXPECT_EQ(k->params[0].def, 1.0);
    EXPECT_EQ(k->params[0].min, 0.0);
    EXPECT_EQ(k->params[0].max, 9007199254740992.0);
    EXPECT_STREQ(k->params[1].name, "alpha");
    EXPECT_EQ(k->params[1].type, MSC_PARAM_REAL);
    EXPECT_EQ(k->params[1].def, 1.2);
    EXPECT_EQ(k->params[1].min, 1.05);
    EXPECT_EQ(k->params[1].max, 4.0);
    const msc_params p = Params(k, {"alpha=1.05", "seed=9007199254740992"});
    EXPECT_EQ(msc_params_get(k, &p, "alpha"), 1.05);
    EXPECT_EQ(msc_params_get(k, &p, "seed"), 9007199254740992.0);
    const msc_params q = Params(k, {"alpha=4"});
    EXPECT_EQ(msc_params_get(k, &q, "alpha"), 4.0);
}

TEST(Kernel, HeavyTailAlphaBoundsAreNamedWhenRefused) {
    msc_params p;
    char err[512] = "";
    const char *low[] = {"alpha=1.04"};
    ASSERT_EQ(msc_params_parse(Kernel("heavy_tail"), low, 1, &p, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_NE(std::string(err).find("1.05"), std::string::npos) << err;
    EXPECT_NE(std::string(err).find("'alpha=1.04'"), std::string::npos) << err;
}

TEST(Kernel, HeavyTailCostsHaveAParetoTail) {
    // P(w >= 1024 m) = m^-alpha: with alpha 1.2 about 6.3% of walks are 10x the minimum and
    // 0.4% are 100x; no walk is shorter than 1024 steps or longer than 2^26.
    const int n = 20000;
    int over10 = 0, over100 = 0;
    for (int64_t i = 0; i < n; ++i) {
        const TailElement e = RefTailElement(1, 1.2, i);
        ASSERT_GE(e.steps, 1024u) << i;
        ASSERT_LE(e.steps, UINT64_C(1) << 26) << i;
        over10 += e.steps >= 10240;
        over100 += e.steps >= 102400;
    }
    const double p10 = std::pow(10.0, -1.2), p100 = std::pow(100.0, -1.2);
    EXPECT_NEAR(over10, n * p10, 6 * std::sqrt(n * p10 * (1 - p10)));
    EXPECT_NEAR(over100, n * p100, 6 * std::sqrt(n * p100 * (1 - p100)));
}

TEST(Kernel, HeavyTailHasNoRangeLimitOfItsOwn) {
    const msc_kernel *k = Kernel("heavy_tail");
    EXPECT_EQ(Check(k, msc_range{INT64_MIN, INT64_MAX}, Params(k, {})), MSC_OK);
    // The end of the int64 range still runs (elements are keyed by their 64-bit index).
    const msc_range r{INT64_MAX - 5, INT64_MAX};
    const msc_params p = Params(k, {});
    EXPECT_EQ(Verify(k, r, p, RunK(k, r, r.lo, r.hi, p)).pass, 1);
}

TEST(Kernel, HeavyTailSpotCheckFindsATamperedSegment) {
    // heavy_tail has a reference_run, so sampled segments can be recomputed independently.
    const msc_kernel *k = Kernel("heavy_tail");
    const msc_params p = Params(k, {"seed=4"});
    const msc_range r{0, 400};
    std::vector<msc_partial> parts = SegmentParts(k, r, 8, p);
    int64_t bad = 0;
    EXPECT_EQ(msc_spot_check(k, r, r, 8, parts.data(), &p, 1 << 20, &bad), 8);
    EXPECT_EQ(bad, -1);
    parts[3].exact_lo += 1;
    EXPECT_GT(msc_spot_check(k, r, r, 8, parts.data(), &p, 1 << 20, &bad), 0);
    EXPECT_EQ(bad, 3);
}

}  // namespace
