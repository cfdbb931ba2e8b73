// test_isa.cc — the kernels' vector paths: choosing one, refusing one the CPU lacks, and the proof
// that every path gives do_math's (and amdahl's) partial bit for bit as the scalar loop does, over
// ranges that start and end anywhere in a vector, cross x = 0, and reach the limits where the AVX2
// path must hand over to the scalar one. Also that the limit measurements measure something.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mpiscale/isa.h"
#include "mpiscale/kernel.h"

namespace {

const int64_t kTwo51 = INT64_C(1) << 51;
const int64_t kTwo53 = INT64_C(1) << 53;

// Restores the path in use when a test ends, whatever it selected.
struct IsaGuard {
    msc_isa saved = msc_isa_active();
    ~IsaGuard() { msc_isa_select(saved); }
};

std::vector<msc_isa> Available() {
    std::vector<msc_isa> v;
    for (int i = MSC_ISA_SCALAR; i <= static_cast<int>(msc_isa_best()); i++) v.push_back(static_cast<msc_isa>(i));
    return v;
}

msc_partial RunOn(const msc_kernel *k, msc_isa isa, int64_t lo, int64_t hi) {
    EXPECT_EQ(msc_isa_select(isa), 0);
    msc_params p{};
    p.count = k->n_params;
    for (int i = 0; i < k->n_params; i++) p.value[i] = k->params[i].def;
    msc_partial out{};
    const msc_range whole = {lo, hi};
    k->run(whole, lo, hi, &p, &out);
    return out;
}

TEST(Isa, NamesParseBothWays) {
    for (msc_isa isa : {MSC_ISA_AUTO, MSC_ISA_SCALAR, MSC_ISA_AVX2, MSC_ISA_AVX512}) {
        msc_isa back = MSC_ISA_SCALAR;
        ASSERT_EQ(msc_isa_parse(msc_isa_name(isa), &back), 0) << msc_isa_name(isa);
        EXPECT_EQ(back, isa);
    }
    msc_isa out = MSC_ISA_AVX2;
    EXPECT_EQ(msc_isa_parse("avx", &out), -1);
    EXPECT_EQ(msc_isa_parse("AVX512", &out), -1);
    EXPECT_EQ(msc_isa_parse("", &out), -1);
    EXPECT_EQ(msc_isa_parse(nullptr, &out), -1);
    EXPECT_EQ(out, MSC_ISA_AVX2); // untouched on failure
    EXPECT_STREQ(msc_isa_instruction(MSC_ISA_AVX512, MSC_OP_SQRT), "vsqrtpd zmm");
    EXPECT_STREQ(msc_isa_instruction(MSC_ISA_AVX2, MSC_OP_SQRT), "vsqrtpd ymm");
    EXPECT_STREQ(msc_isa_instruction(MSC_ISA_AVX512, MSC_OP_DIV), "vdivpd zmm");
    EXPECT_STREQ(msc_isa_instruction(MSC_ISA_AVX2, MSC_OP_NONE), "?");
}

TEST(Isa, SelectsWhatTheCpuHasAndRefusesTheRest) {
    IsaGuard guard;
    const msc_isa best = msc_isa_best();
    ASSERT_EQ(msc_isa_select(MSC_ISA_AUTO), 0);
    EXPECT_EQ(msc_isa_active(), best);
    ASSERT_EQ(msc_isa_select(MSC_ISA_SCALAR), 0);
    EXPECT_EQ(msc_isa_active(), MSC_ISA_SCALAR);
    if (best < MSC_ISA_AVX512) { // this CPU lacks it: asking for it changes nothing
        EXPECT_EQ(msc_isa_select(MSC_ISA_AVX512), -1);
        EXPECT_EQ(msc_isa_active(), MSC_ISA_SCALAR); // unchanged
    }
    EXPECT_EQ(msc_isa_select(static_cast<msc_isa>(7)), -1);
}

// Every path's partial equals the scalar one for ranges of every length modulo the vector steps
// (16 elements for AVX-512, 8 for AVX2) and across the flush of the lane sums (8192 elements).
TEST(Isa, DoMathPathsGiveTheScalarPartialBitForBit) {
    IsaGuard guard;
    const msc_kernel *k = msc_kernel_find("do_math");
    ASSERT_NE(k, nullptr);
    std::vector<std::pair<int64_t, int64_t>> ranges;
    for (int64_t len = 0; len <= 40; len++) ranges.push_back({999990, 999990 + len}); // x crosses 0
    for (int64_t len : {8191, 8192, 8193, 16384 + 15, 100000}) ranges.push_back({-12345, -12345 + len});
    ranges.push_back({0, 3000001});
    ranges.push_back({-kTwo53 + 1000000 - 1, -kTwo53 + 1000000 - 1 + 20000}); // x from -2^53
    ranges.push_back({kTwo53 + 1000000 - 20000, kTwo53 + 1000000});           // x up to 2^53
    ranges.push_back({kTwo51 + 1000000 - 5000, kTwo51 + 1000000 + 5000});     // AVX2's edge
    ranges.push_back({-kTwo51 + 1000000 - 5000, -kTwo51 + 1000000 + 5000});
    for (const auto &r : ranges) {
        const msc_partial want = RunOn(k, MSC_ISA_SCALAR, r.first, r.second);
        EXPECT_EQ(want.n_items, r.second - r.first);
        for (msc_isa isa : Available()) {
            const msc_partial got = RunOn(k, isa, r.first, r.second);
            EXPECT_EQ(got.exact_lo, want.exact_lo) << msc_isa_name(isa) << " [" << r.first << ", " << r.second << ")";
            EXPECT_EQ(got.exact_hi, want.exact_hi) << msc_isa_name(isa) << " [" << r.first << ", " << r.second << ")";
            EXPECT_EQ(got.n_items, want.n_items);
        }
    }
}

// The paths agree with do_math's own closed form (verify), not only with each other.
TEST(Isa, EveryPathVerifiesAgainstTheClosedForm) {
    IsaGuard guard;
    const msc_kernel *k = msc_kernel_find("do_math");
    ASSERT_NE(k, nullptr);
    const msc_range r = {-777, 2000003};
    for (msc_isa isa : Available()) {
        const msc_partial got = RunOn(k, isa, r.lo, r.hi);
        msc_verdict v{};
        char err[128] = "";
        msc_params p{};
        ASSERT_EQ(k->verify(r, &p, &got, &v, err, sizeof err), MSC_OK);
        EXPECT_TRUE(v.pass) << msc_isa_name(isa) << ": expected " << v.expected;
    }
}

// The digest of a job (the sequence of segment partials) is the same on every path.
TEST(Isa, DigestIsTheSameOnEveryPath) {
    IsaGuard guard;
    const msc_kernel *k = msc_kernel_find("amdahl");
    ASSERT_NE(k, nullptr);
    std::vector<uint64_t> digests;
    for (msc_isa isa : Available()) {
        std::vector<msc_partial> parts;
        for (int64_t lo = 0; lo < 1000000; lo += 99991) parts.push_back(RunOn(k, isa, lo, std::min<int64_t>(lo + 99991, 1000000)));
        msc_partial total{};
        digests.push_back(msc_partials_combine(parts.data(), static_cast<int64_t>(parts.size()), &total));
    }
    for (uint64_t d : digests) EXPECT_EQ(d, digests.front());
}

// pi's lanes do the same IEEE operations on every path: the same double, bit for bit, for segments
// of every length modulo the 16 lanes, at any offset into the whole range.
TEST(Isa, PiPathsGiveTheScalarPartialBitForBit) {
    IsaGuard guard;
    const msc_kernel *k = msc_kernel_find("pi");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->per_item_op, MSC_OP_DIV);
    const msc_range whole = {-1000, 10000000};
    std::vector<std::pair<int64_t, int64_t>> segs;
    for (int64_t len = 0; len <= 40; len++) segs.push_back({-1000 + 7 * len, -1000 + 8 * len});
    for (int64_t len : {15, 16, 17, 4096, 100003}) segs.push_back({12345, 12345 + len});
    segs.push_back({9000000, 10000000});
    msc_params p{};
    for (const auto &g : segs) {
        msc_partial want{};
        ASSERT_EQ(msc_isa_select(MSC_ISA_SCALAR), 0);
        k->run(whole, g.first, g.second, &p, &want);
        for (msc_isa isa : Available()) {
            ASSERT_EQ(msc_isa_select(isa), 0);
            msc_partial got{};
            k->run(whole, g.first, g.second, &p, &got);
            EXPECT_EQ(std::memcmp(&got.real, &want.real, sizeof got.real), 0)
                << msc_isa_name(isa) << " [" << g.first << ", " << g.second << "): " << got.real << " vs " << want.real;
            EXPECT_EQ(got.n_items, g.second - g.first);
        }
    }
}

TEST(Isa, LimitsMeasureSomethingAndRefuseMissingPaths) {
    for (msc_isa isa : Available())
        for (msc_op op : {MSC_OP_SQRT, MSC_OP_DIV}) {
            const double ns = msc_isa_limit_ns(isa, op, 0.02);
            EXPECT_TRUE(std::isfinite(ns) && ns > 0.0) << msc_isa_name(isa) << " op " << op << ": " << ns;
        }
    EXPECT_LT(msc_isa_limit_ns(MSC_ISA_SCALAR, MSC_OP_NONE, 0.02), 0.0);
    if (msc_isa_best() < MSC_ISA_AVX512) {
        EXPECT_LT(msc_isa_limit_ns(MSC_ISA_AVX512, MSC_OP_SQRT, 0.02), 0.0);
    }
    const double add = msc_isa_add_latency_ns(0.01);
    EXPECT_TRUE(std::isfinite(add) && add > 0.0) << add;
}

} // namespace
