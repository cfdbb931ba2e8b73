// test_model.cc — Amdahl, Karp–Flatt and the analysis of one run, against hand-worked values; and
// the balance analysis of a schedule: idle time, cost trend and spread, and each advice rule fired
// by a constructed case (and kept quiet by a balanced one).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mpiscale/model.h"
#include "mpiscale/schedule.h"
#include "mpiscale/timing.h"

namespace {

struct AmdahlCase {
    const char *label;
    double f, p, want;
};

void PrintTo(const AmdahlCase &c, std::ostream *os) { *os << c.label; }

class ModelAmdahl : public ::testing::TestWithParam<AmdahlCase> {};

TEST_P(ModelAmdahl, SpeedupKnownAnswer) {
    const AmdahlCase &c = GetParam();
    EXPECT_NEAR(msc_amdahl_speedup(c.f, c.p), c.want, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(
    Model, ModelAmdahl,
    ::testing::Values(AmdahlCase{"f03_p2", 0.3, 2, 1.0 / 0.65},
                      AmdahlCase{"f0_p1", 0.0, 1, 1.0}, AmdahlCase{"f0_p8", 0.0, 8, 8.0},
                      AmdahlCase{"f0_p64", 0.0, 64, 64.0}, AmdahlCase{"f1_p2", 1.0, 2, 1.0},
                      AmdahlCase{"f1_p1000", 1.0, 1000, 1.0},
                      AmdahlCase{"f05_p1", 0.5, 1, 1.0},
                      AmdahlCase{"f01_p10", 0.1, 10, 1.0 / 0.19},
                      AmdahlCase{"f025_p4", 0.25, 4, 1.0 / (0.25 + 0.75 / 4)}),
    [](const ::testing::TestParamInfo<AmdahlCase> &info) { return std::string(info.param.label); });

TEST(Model, AmdahlWorkedExampleIsOnePointFiveThreeEight) {
    EXPECT_NEAR(msc_amdahl_speedup(0.3, 2), 1.538461538461538, 1e-12);
}

TEST(Model, AmdahlApproachesCeilingForManyProcessors) {
    EXPECT_NEAR(msc_amdahl_speedup(0.25, 1e12), 4.0, 1e-9);
    EXPECT_LT(msc_amdahl_speedup(0.25, 1e12), 4.0);
}

TEST(Model, CeilingIsOneOverF) {
    EXPECT_DOUBLE_EQ(msc_amdahl_ceiling(0.25), 4.0);
    EXPECT_DOUBLE_EQ(msc_amdahl_ceiling(1.0), 1.0);
    EXPECT_DOUBLE_EQ(msc_amdahl_ceiling(0.1), 10.0);
}

TEST(Model, CeilingOfZeroSerialFractionIsInfinite) {
    const double c = msc_amdahl_ceiling(0.0);
    EXPECT_TRUE(std::isinf(c));
    EXPECT_GT(c, 0);
}

TEST(Model, KarpFlattOfTheWorkedExampleIsPointThree) {
    // s = 1.538461 (Amdahl's 1/0.65 to six decimals) on p = 2.
    EXPECT_NEAR(msc_karp_flatt(1.538461, 2), 0.3, 1e-6);
}

TEST(Model, KarpFlattRecoversAmdahlFraction) {
    EXPECT_NEAR(msc_karp_flatt(1.538461538461538, 2), 0.3, 1e-12);
    for (double f : {0.0, 0.05, 0.3, 0.9, 1.0})
        for (double p : {2.0, 3.0, 16.0, 1000.0})
            EXPECT_NEAR(msc_karp_flatt(msc_amdahl_speedup(f, p), p), f, 1e-12)
                << "f=" << f << " p=" << p;
}

TEST(Model, KarpFlattKnownAnswer) {
    // s = 3 on p = 4: (1/3 - 1/4) / (1 - 1/4) = 1/9.
    EXPECT_NEAR(msc_karp_flatt(3.0, 4.0), 1.0 / 9.0, 1e-15);
    // Perfect speedup gives zero serial fraction; superlinear gives a negative one (not clamped).
    EXPECT_NEAR(msc_karp_flatt(4.0, 4.0), 0.0, 1e-15);
    EXPECT_LT(msc_karp_flatt(5.0, 4.0), 0.0);
}

TEST(Model, KarpFlattIsNanOnOneProcessor) {
    EXPECT_TRUE(std::isnan(msc_karp_flatt(1.0, 1.0)));
    EXPECT_TRUE(std::isnan(msc_karp_flatt(1.5, 1.0)));
    EXPECT_TRUE(std::isnan(msc_karp_flatt(1.0, 0.5)));
}

TEST(Model, KarpFlattIsNanForNonPositiveSpeedup) {
    EXPECT_TRUE(std::isnan(msc_karp_flatt(0.0, 4.0)));
    EXPECT_TRUE(std::isnan(msc_karp_flatt(-1.0, 4.0)));
}

// Four ranks; serial 1 s, compute 8 s in total and 2 s on the slowest rank; 3 s wall.
msc_measure FourRankRun() {
    msc_measure m{};
    m.ranks = 4;
    m.wall_s = 3.0;
    m.serial_s = 1.0;
    m.compute_sum_s = 8.0;
    m.compute_max_s = 2.0;
    m.setup_s = 0.5;
    m.baseline_s = -1.0;
    m.baseline_compute_s = -1.0;
    return m;
}

TEST(Model, AnalyseWithoutBaselineEstimatesT1) {
    const msc_measure m = FourRankRun();
    msc_analysis a;
    msc_model_analyse(&m, &a);
    EXPECT_EQ(a.t1_source, MSC_T1_ESTIMATED);
    EXPECT_DOUBLE_EQ(a.t1_s, 9.0);                 // serial_s + compute_sum_s
    EXPECT_DOUBLE_EQ(a.speedup, 3.0);              // 9 / 3
    EXPECT_DOUBLE_EQ(a.efficiency, 0.75);          // 3 / 4
    EXPECT_DOUBLE_EQ(a.serial_fraction, 1.0 / 9);  // 1 / 9
    EXPECT_DOUBLE_EQ(a.ceiling, 9.0);
    EXPECT_NEAR(a.karp_flatt, 1.0 / 9, 1e-12);     // (1/3 - 1/4) / (3/4)
    EXPECT_DOUBLE_EQ(a.compute_speedup, 4.0);      // 8 / 2
}

TEST(Model, AnalyseWithBaselineUsesBaselinePlusSetup) {
    msc_measure m = FourRankRun();
    m.baseline_s = 7.5;
    m.baseline_compute_s = 7.0;
    msc_analysis a;
    msc_model_analyse(&m, &a);
    EXPECT_EQ(a.t1_source, MSC_T1_BASELINE);
    EXPECT_DOUBLE_EQ(a.t1_s, 8.0);                   // baseline_s 7.5 + setup_s 0.5
    EXPECT_DOUBLE_EQ(a.compute_speedup, 3.5);        // baseline_compute_s 7 / compute_max_s 2
    EXPECT_DOUBLE_EQ(a.speedup, 8.0 / 3.0);
    EXPECT_DOUBLE_EQ(a.efficiency, 8.0 / 3.0 / 4.0);
    EXPECT_DOUBLE_EQ(a.serial_fraction, 1.0 / 8.0);  // serial_s / t1
    EXPECT_DOUBLE_EQ(a.ceiling, 8.0);
    EXPECT_NEAR(a.karp_flatt, msc_karp_flatt(8.0 / 3.0, 4), 1e-15);
}

TEST(Model, AnalyseZeroBaselineCountsAsMeasured) {
    msc_measure m = FourRankRun();
    m.baseline_s = 0.0;  // "< 0 when no baseline was run": 0 is a measured (tiny) baseline
    m.baseline_compute_s = 0.0;
    m.setup_s = 0.0;
    m.wall_s = 0.5;
    msc_analysis a;
    msc_model_analyse(&m, &a);
    EXPECT_EQ(a.t1_source, MSC_T1_BASELINE);
}

TEST(Model, AnalyseOnOneRankHasNanKarpFlatt) {
    msc_measure m{};
    m.ranks = 1;
    m.serial_s = 0.5;
    m.compute_sum_s = 1.5;
    m.compute_max_s = 1.5;
    m.wall_s = 2.0;
    m.baseline_s = -1;
    m.baseline_compute_s = -1;
    msc_analysis a;
    msc_model_analyse(&m, &a);
    EXPECT_DOUBLE_EQ(a.t1_s, 2.0);
    EXPECT_DOUBLE_EQ(a.speedup, 1.0);
    EXPECT_DOUBLE_EQ(a.efficiency, 1.0);
    EXPECT_DOUBLE_EQ(a.serial_fraction, 0.25);
    EXPECT_DOUBLE_EQ(a.compute_speedup, 1.0);
    EXPECT_TRUE(std::isnan(a.karp_flatt));
}

TEST(Model, AnalyseWithNoSerialTimeHasInfiniteCeiling) {
    msc_measure m = FourRankRun();
    m.serial_s = 0.0;
    m.wall_s = 2.0;
    msc_analysis a;
    msc_model_analyse(&m, &a);
    EXPECT_DOUBLE_EQ(a.serial_fraction, 0.0);
    EXPECT_TRUE(std::isinf(a.ceiling));
    EXPECT_DOUBLE_EQ(a.speedup, 4.0);
}

TEST(Model, AnalyseClampsSerialFractionToOne) {
    // A baseline shorter than the measured serial phases would give f > 1; it is clamped.
    msc_measure m = FourRankRun();
    m.baseline_s = 0.2;
    m.baseline_compute_s = 0.1;
    m.setup_s = 0.0;
    m.serial_s = 1.0;
    msc_analysis a;
    msc_model_analyse(&m, &a);
    EXPECT_LE(a.serial_fraction, 1.0);
    EXPECT_DOUBLE_EQ(a.serial_fraction, 1.0);
    EXPECT_GE(a.serial_fraction, 0.0);
}

// ---- balance: idle time ------------------------------------------------------------------------

// Runs msc_balance_analyse on a copy of `in` and returns the result.
msc_balance Analyse(msc_schedule_kind kind, const std::vector<double> &seg,
                    const std::vector<double> &compute, double imbalance,
                    const msc_balance &in = msc_balance{},
                    const std::vector<int> &owners = std::vector<int>{}) {
    msc_balance b = in;
    msc_balance_analyse(kind, static_cast<int64_t>(seg.size()), seg.data(),
                        owners.empty() ? nullptr : owners.data(),
                        static_cast<int>(compute.size()), compute.data(), imbalance, &b);
    return b;
}

// Segment times 1, 2, ..., n: cost that grows along the range, like primes by trial division.
std::vector<double> Growing(int n) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(i + 1.0);
    return v;
}

// What a block split of `seg` over `p` ranks computes per rank (remainder to the low ranks).
std::vector<double> BlockCompute(const std::vector<double> &seg, int p) {
    std::vector<double> c(static_cast<size_t>(p), 0.0);
    const size_t n = seg.size(), base = n / p, rem = n % p;
    size_t s = 0;
    for (size_t r = 0; r < static_cast<size_t>(p); ++r)
        for (size_t j = 0; j < base + (r < rem ? 1 : 0); ++j) c[r] += seg[s++];
    return c;
}

double Imbalance(const std::vector<double> &compute) {
    return msc_imbalance(compute.data(), static_cast<int>(compute.size()));
}

TEST(Balance, IdleTimeIsWhatEachRankWaitedForTheSlowest) {
    // Slowest 4 s: ranks wait 3 + 2 + 1 + 0 = 6 rank-s out of 4 x 4 = 16.
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, {1, 1, 1, 1}, {1, 2, 3, 4}, 0.6);
    EXPECT_DOUBLE_EQ(b.idle_s, 6.0);
    EXPECT_DOUBLE_EQ(b.idle_fraction, 0.375);
}

TEST(Balance, OneBusyRankOfFourLosesThreeQuartersOfTheCapacity) {
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, {1, 1}, {4, 0, 0, 0}, 3.0);
    EXPECT_DOUBLE_EQ(b.idle_s, 12.0);
    EXPECT_DOUBLE_EQ(b.idle_fraction, 0.75);
}

TEST(Balance, EqualRanksHaveNoIdleTime) {
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, {1, 1, 1}, {2.5, 2.5, 2.5}, 0.0);
    EXPECT_DOUBLE_EQ(b.idle_s, 0.0);
    EXPECT_DOUBLE_EQ(b.idle_fraction, 0.0);
}

TEST(Balance, OneRankHasNoIdleTime) {
    const msc_balance b = Analyse(MSC_SCHED_DYNAMIC, {1, 2}, {3.0}, 0.0);
    EXPECT_DOUBLE_EQ(b.idle_s, 0.0);
    EXPECT_DOUBLE_EQ(b.idle_fraction, 0.0);
}

TEST(Balance, NoComputeAtAllGivesZeroIdleFractionNotNan) {
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, {}, {0, 0, 0}, 0.0);
    EXPECT_DOUBLE_EQ(b.idle_s, 0.0);
    EXPECT_DOUBLE_EQ(b.idle_fraction, 0.0);
}

// ---- balance: cost trend and spread ------------------------------------------------------------

TEST(Balance, UniformCostHasTrendOneAndSpreadOne) {
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, std::vector<double>(40, 0.25), {5, 5}, 0.0);
    EXPECT_DOUBLE_EQ(b.cost_trend, 1.0);
    EXPECT_DOUBLE_EQ(b.cost_spread, 1.0);
}

TEST(Balance, LinearlyGrowingCostHasTheRatioOfTheLastTenthToTheFirst) {
    // 100 segments: first tenth 1..10 (mean 5.5), last tenth 91..100 (mean 95.5).
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, Growing(100), {1, 1}, 0).cost_trend, 95.5 / 5.5);
    // 20 segments: tenths of two, 1..2 (1.5) and 19..20 (19.5).
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, Growing(20), {1, 1}, 0).cost_trend, 13.0);
    // 25 segments: tenths of two (25 / 10 rounded down), 1..2 and 24..25.
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, Growing(25), {1, 1}, 0).cost_trend, 24.5 / 1.5);
    // 10 segments: a tenth is one segment.
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, Growing(10), {1, 1}, 0).cost_trend, 10.0);
}

TEST(Balance, FallingCostHasATrendBelowOne) {
    std::vector<double> seg = Growing(100);
    std::reverse(seg.begin(), seg.end());
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, seg, {1, 1}, 0).cost_trend, 5.5 / 95.5);
}

TEST(Balance, CostTrendIsNanWithFewerThanTenSegments) {
    EXPECT_TRUE(std::isnan(Analyse(MSC_SCHED_BLOCK, Growing(9), {1, 1}, 0).cost_trend));
    EXPECT_TRUE(std::isnan(Analyse(MSC_SCHED_BLOCK, Growing(1), {1}, 0).cost_trend));
    EXPECT_TRUE(std::isnan(Analyse(MSC_SCHED_BLOCK, {}, {1}, 0).cost_trend));
}

TEST(Balance, CostTrendIsNanWhenTheFirstTenthTookNoTime) {
    std::vector<double> seg(20, 1.0);
    seg[0] = seg[1] = 0.0;
    EXPECT_TRUE(std::isnan(Analyse(MSC_SCHED_BLOCK, seg, {1, 1}, 0).cost_trend));
}

TEST(Balance, CostSpreadIsTheSlowestSegmentOverTheMedian) {
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, {1, 1, 9, 1, 1}, {1}, 0).cost_spread, 9.0);
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, {100, 4, 2, 3, 1}, {1}, 0).cost_spread, 100.0 / 3);
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, {2.0}, {1}, 0).cost_spread, 1.0);
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, Growing(101), {1}, 0).cost_spread, 101.0 / 51);
    // Even counts where both middle values agree, so either convention gives the same median.
    EXPECT_DOUBLE_EQ(Analyse(MSC_SCHED_BLOCK, {5, 2, 2, 2, 2, 1}, {1}, 0).cost_spread, 2.5);
}

TEST(Balance, CostSpreadIsNanWithoutSegmentsOrWithAZeroMedian) {
    EXPECT_TRUE(std::isnan(Analyse(MSC_SCHED_BLOCK, {}, {1}, 0).cost_spread));
    EXPECT_TRUE(std::isnan(Analyse(MSC_SCHED_BLOCK, {0, 0, 0, 1, 2}, {1}, 0).cost_spread));
}

TEST(Balance, CostSpreadMatchesASortedMedianOnShuffledData) {
    // The median comes from an in-place selection; check it against nth_element on many inputs,
    // including runs of equal values (the classic trap for partition loops).
    uint64_t state = 7;
    auto next = [&state]() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int trial = 0; trial < 400; ++trial) {
        const size_t n = 1 + 2 * (next() % 60);  // odd: one middle value
        const uint64_t distinct = 1 + next() % 8;
        std::vector<double> seg;
        for (size_t i = 0; i < n; ++i) seg.push_back(1.0 + static_cast<double>(next() % distinct));
        const std::vector<double> before = seg;
        std::vector<double> sorted = seg;
        std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
        const double median = sorted[n / 2];
        const double max = *std::max_element(seg.begin(), seg.end());
        const msc_balance b = Analyse(MSC_SCHED_BLOCK, seg, {1}, 0);
        ASSERT_DOUBLE_EQ(b.cost_spread, max / median) << "trial " << trial << " n=" << n;
        ASSERT_EQ(seg, before) << "the segment times must not be reordered";
    }
}

TEST(Balance, AnalyseKeepsTheClaimsChunksAndSpeedsItWasGiven) {
    msc_balance in{};
    in.chunks = 17;
    in.claims = 21;
    in.claims_s = 0.001;
    in.claim_max_s = 0.0002;
    in.speed_min = 1e6;
    in.speed_max = 3e6;
    const msc_balance b = Analyse(MSC_SCHED_WEIGHTED, Growing(30), {3, 4}, 0.1, in);
    EXPECT_EQ(b.chunks, 17);
    EXPECT_EQ(b.claims, 21);
    EXPECT_EQ(b.claims_s, 0.001);
    EXPECT_EQ(b.claim_max_s, 0.0002);
    EXPECT_EQ(b.speed_min, 1e6);
    EXPECT_EQ(b.speed_max, 3e6);
}

// ---- balance: advice ---------------------------------------------------------------------------

bool Has(const msc_balance &b, const char *needle) {
    return std::string(b.advice).find(needle) != std::string::npos;
}

TEST(Balance, ImbalanceThresholdIsTenPercent) { EXPECT_DOUBLE_EQ(MSC_ADVICE_IMBALANCE, 0.10); }

TEST(Balance, BlockWithGrowingCostAdvisesGuidedOrDynamic) {
    const std::vector<double> seg = Growing(100), compute = BlockCompute(seg, 4);
    ASSERT_GT(Imbalance(compute), 0.7);
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute));
    EXPECT_STREQ(b.advice,
                 "segment cost grows 17.4x along the range (last tenth vs first), so contiguous "
                 "shares are unequal work: --schedule guided or dynamic would likely balance it");
}

TEST(Balance, BlockWithFallingCostSaysItFalls) {
    std::vector<double> seg = Growing(100);
    std::reverse(seg.begin(), seg.end());
    const std::vector<double> compute = BlockCompute(seg, 4);
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute));
    EXPECT_TRUE(Has(b, "segment cost falls 17.4x")) << b.advice;
    EXPECT_TRUE(Has(b, "guided or dynamic")) << b.advice;
}

TEST(Balance, WeightedWithGrowingCostAdvisesGuidedOrDynamicToo) {
    const std::vector<double> seg = Growing(100), compute = BlockCompute(seg, 4);
    const msc_balance b = Analyse(MSC_SCHED_WEIGHTED, seg, compute, Imbalance(compute));
    EXPECT_TRUE(Has(b, "grows 17.4x")) << b.advice;
    EXPECT_TRUE(Has(b, "--schedule guided or dynamic")) << b.advice;
}

TEST(Balance, GrowingCostBelowOnePointFiveIsNotATrend) {
    // Costs 1.0 to 1.4 (trend 1.37): the imbalance must be explained some other way.
    std::vector<double> seg;
    for (int i = 0; i < 100; ++i) seg.push_back(1.0 + 0.004 * i);
    std::vector<double> compute = BlockCompute(seg, 4);
    compute[1] *= 1.5;  // a slow rank, so the advice has something to say
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute));
    ASSERT_LT(b.cost_trend, 1.5);
    EXPECT_FALSE(Has(b, "grows")) << b.advice;
    EXPECT_TRUE(Has(b, "--schedule dynamic")) << b.advice;
}

TEST(Balance, IrregularSpikesAdviseDynamic) {
    // Uniform cost with three segments 20x the rest, none in the first or last tenth.
    std::vector<double> seg(100, 1.0);
    seg[15] = seg[20] = seg[35] = 20.0;
    const std::vector<double> compute = BlockCompute(seg, 4);  // 63, 44, 25, 25
    ASSERT_GT(Imbalance(compute), 0.5);
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute));
    EXPECT_DOUBLE_EQ(b.cost_trend, 1.0);
    EXPECT_DOUBLE_EQ(b.cost_spread, 20.0);
    EXPECT_STREQ(b.advice, "segment costs are irregular (slowest 20.0x the median): --schedule "
                           "dynamic would likely balance it");
}

TEST(Balance, IrregularSpikesUnderCyclicAdviseDynamic) {
    std::vector<double> seg(100, 1.0);
    seg[40] = seg[44] = seg[48] = seg[52] = 30.0;  // all dealt to rank 0 of 4
    const std::vector<double> compute = {96 + 120, 25, 25, 25};
    const msc_balance b = Analyse(MSC_SCHED_CYCLIC, seg, compute, Imbalance(compute));
    EXPECT_TRUE(Has(b, "irregular")) << b.advice;
    EXPECT_TRUE(Has(b, "--schedule dynamic")) << b.advice;
}

// Owners of n segments under a block split on p ranks (remainder to the low ranks).
std::vector<int> BlockOwners(int n, int p) {
    std::vector<int> o;
    for (int r = 0; r < p; ++r)
        for (int i = 0; i < n / p + (r < n % p ? 1 : 0); ++i) o.push_back(r);
    return o;
}

TEST(Balance, EvenCostsOnUnevenRanksAdviseWeighted) {
    // Rank 1 of 4 runs at half speed: its block of segments takes 2 s each, the rest 1 s.
    std::vector<double> seg(100, 1.0);
    for (int i = 25; i < 50; ++i) seg[i] = 2.0;
    const std::vector<double> compute = BlockCompute(seg, 4);  // 25, 50, 25, 25
    const msc_balance b =
        Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute), msc_balance{}, BlockOwners(100, 4));
    EXPECT_DOUBLE_EQ(b.rank_skew, 2.0);
    EXPECT_STREQ(b.advice, "the ranks ran alike segments at different speeds (up to 2.0x; a slower "
                           "or busier node?): --schedule weighted or dynamic would likely balance it");
}

TEST(Balance, WithoutOwnersAnUnexplainedImbalanceStillAdvisesDynamic) {
    std::vector<double> seg(100, 1.0);
    for (int i = 25; i < 50; ++i) seg[i] = 2.0;
    const std::vector<double> compute = BlockCompute(seg, 4);
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute));
    EXPECT_TRUE(std::isnan(b.rank_skew));
    EXPECT_STREQ(b.advice, "neither the segment costs nor the ranks' speeds explain it (a rank "
                           "delayed by something else?): --schedule dynamic would likely balance it");
}

TEST(Balance, ASlowLastRankIsNotTakenForCostGrowingAlongTheRange) {
    // Block on 4 ranks, uniform kernel, rank 3 twice as slow: the last tenth is 2x the first,
    // which alone would read as growing cost; the jump at the share boundary tells the truth.
    std::vector<double> seg(100, 1.0);
    for (int i = 75; i < 100; ++i) seg[i] = 2.0;
    const std::vector<double> compute = BlockCompute(seg, 4);
    const msc_balance b =
        Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute), msc_balance{}, BlockOwners(100, 4));
    EXPECT_DOUBLE_EQ(b.cost_trend, 2.0);
    EXPECT_FALSE(Has(b, "grows")) << b.advice;
    EXPECT_TRUE(Has(b, "different speeds (up to 2.0x")) << b.advice;
}

TEST(Balance, ASlowFirstRankIsNotTakenForCostFallingAlongTheRange) {
    std::vector<double> seg(100, 1.0);
    for (int i = 0; i < 25; ++i) seg[i] = 3.0;
    const std::vector<double> compute = BlockCompute(seg, 4);
    const msc_balance b =
        Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute), msc_balance{}, BlockOwners(100, 4));
    EXPECT_FALSE(Has(b, "falls")) << b.advice;
    EXPECT_TRUE(Has(b, "different speeds (up to 3.0x")) << b.advice;
}

TEST(Balance, SmoothlyGrowingCostShowsNoRankSkewAtTheBoundaries) {
    const std::vector<double> seg = Growing(1000), compute = BlockCompute(seg, 2);
    const msc_balance b =
        Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute), msc_balance{}, BlockOwners(1000, 2));
    EXPECT_LT(b.rank_skew, 1.05);
    EXPECT_TRUE(Has(b, "grows")) << b.advice;
}

TEST(Balance, OneHeavySegmentAtABoundaryIsNotASlowRank) {
    // Medians of the segments either side of a boundary: one spike does not move them.
    std::vector<double> seg(100, 1.0);
    seg[25] = 50.0;  // first segment of rank 1's share
    const std::vector<double> compute = BlockCompute(seg, 4);
    const msc_balance b =
        Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute), msc_balance{}, BlockOwners(100, 4));
    EXPECT_DOUBLE_EQ(b.rank_skew, 1.0);
    EXPECT_TRUE(Has(b, "irregular")) << b.advice;
}

TEST(Balance, CyclicSlowRankIsSeenFromPerRankMedians) {
    // Cyclic on 4 ranks: rank 2 gets segments 2, 6, 10, ... and runs them 1.8x slower.
    std::vector<double> seg;
    std::vector<int> owners;
    for (int i = 0; i < 100; ++i) {
        owners.push_back(i % 4);
        seg.push_back(i % 4 == 2 ? 1.8 : 1.0);
    }
    const std::vector<double> compute = {25, 25, 45, 25};
    const msc_balance b =
        Analyse(MSC_SCHED_CYCLIC, seg, compute, Imbalance(compute), msc_balance{}, owners);
    EXPECT_DOUBLE_EQ(b.rank_skew, 1.8);
    EXPECT_TRUE(Has(b, "--schedule weighted or dynamic")) << b.advice;
}

TEST(Balance, DynamicKindsReportNoRankSkew) {
    const std::vector<double> seg(100, 1.0), compute = {25, 25, 25, 25};
    const msc_balance b =
        Analyse(MSC_SCHED_DYNAMIC, seg, compute, 0.0, msc_balance{}, BlockOwners(100, 4));
    EXPECT_TRUE(std::isnan(b.rank_skew));
}

TEST(Balance, WeightedWithEvenCostsBlamesTheCalibration) {
    std::vector<double> seg(100, 1.0);
    for (int i = 50; i < 75; ++i) seg[i] = 1.6;  // rank 2 slower than the probe said
    const std::vector<double> compute = {25, 25, 40, 25};
    const msc_balance b = Analyse(MSC_SCHED_WEIGHTED, seg, compute, Imbalance(compute),
                                  msc_balance{}, BlockOwners(100, 4));
    EXPECT_TRUE(Has(b, "calibration probe")) << b.advice;
    EXPECT_TRUE(Has(b, "--schedule dynamic")) << b.advice;
    EXPECT_FALSE(Has(b, "--schedule weighted")) << "already weighted: " << b.advice;
}

TEST(Balance, CoarseBlockCyclicDealOfGrowingCostAdvisesASmallerK) {
    const std::vector<double> seg = Growing(100), compute = {1500, 1200, 1100, 1250};
    const msc_balance b = Analyse(MSC_SCHED_BLOCK_CYCLIC, seg, compute, Imbalance(compute));
    EXPECT_TRUE(Has(b, "segment cost grows 17.4x")) << b.advice;
    EXPECT_TRUE(Has(b, "too coarse")) << b.advice;
    EXPECT_TRUE(Has(b, "smaller block-cyclic K")) << b.advice;
}

TEST(Balance, StaticKindsGiveNoAdviceAtOrBelowTenPercentImbalance) {
    // Growing cost, spikes, even costs: each would fire above the threshold, none at or below it.
    std::vector<double> spiky(100, 1.0);
    spiky[50] = 50.0;
    const std::vector<std::vector<double>> cases = {Growing(100), spiky,
                                                    std::vector<double>(100, 1.0)};
    for (msc_schedule_kind kind :
         {MSC_SCHED_BLOCK, MSC_SCHED_CYCLIC, MSC_SCHED_BLOCK_CYCLIC, MSC_SCHED_WEIGHTED})
        for (const std::vector<double> &seg : cases)
            for (double imbalance : {0.0, 0.05, 0.10}) {
                const msc_balance b = Analyse(kind, seg, {10, 10, 10, 11}, imbalance);
                EXPECT_STREQ(b.advice, "") << msc_schedule_name(kind) << " at " << imbalance;
            }
    // Just above the threshold, the same growing-cost block run does get advice.
    EXPECT_STRNE(Analyse(MSC_SCHED_BLOCK, Growing(100), {10, 10, 10, 11}, 0.1001).advice, "");
}

TEST(Balance, StaticKindsGiveNoAdviceWhenImbalanceIsNan) {
    EXPECT_STREQ(Analyse(MSC_SCHED_BLOCK, Growing(100), {0, 0}, NAN).advice, "");
}

TEST(Balance, DynamicWithCostlyClaimsAdvisesALargerChunk) {
    msc_balance in{};
    in.chunks = 100;
    in.claims = 104;
    in.claims_s = 0.5;  // 5% of the 10 s of compute
    const msc_balance b =
        Analyse(MSC_SCHED_DYNAMIC, std::vector<double>(100, 0.1), {2.5, 2.5, 2.5, 2.5}, 0.0, in);
    EXPECT_STREQ(b.advice, "claims took 5.0% of the compute time (104 claims, 4807.7 us each): a "
                           "larger chunk would cut that");
}

TEST(Balance, GuidedWithCostlyClaimsAdvisesALargerChunkToo) {
    msc_balance in{};
    in.chunks = 50;
    in.claims = 54;
    in.claims_s = 0.3;
    const msc_balance b =
        Analyse(MSC_SCHED_GUIDED, std::vector<double>(100, 0.1), {2.5, 2.5, 2.5, 2.5}, 0.3, in);
    EXPECT_TRUE(Has(b, "a larger chunk would cut that")) << b.advice;
    EXPECT_TRUE(Has(b, "3.0% of the compute time")) << b.advice;
}

TEST(Balance, DynamicClaimsAtTwoPercentOrLessGiveNoAdvice) {
    msc_balance in{};
    in.chunks = 256;
    in.claims = 260;
    in.claims_s = 0.19;  // 1.9% of 10 s
    const msc_balance b =
        Analyse(MSC_SCHED_DYNAMIC, std::vector<double>(256, 0.04), {2.5, 2.5, 2.5, 2.5}, 0.02, in);
    EXPECT_STREQ(b.advice, "");
}

TEST(Balance, DynamicWithFewChunksAdvisesMoreSegments) {
    // Six chunks on four ranks (fewer than 8 per rank) and 40% imbalance.
    msc_balance in{};
    in.chunks = 6;
    in.claims = 10;
    in.claims_s = 1e-5;
    const std::vector<double> compute = {4, 2, 2, 2};
    const msc_balance b =
        Analyse(MSC_SCHED_DYNAMIC, std::vector<double>(6, 1.0), compute, 0.6, in);
    EXPECT_STREQ(b.advice, "only 6 chunks for 4 ranks, so the last ones leave ranks idle: raise "
                           "--segments or use a smaller chunk");
    const msc_balance g =
        Analyse(MSC_SCHED_GUIDED, std::vector<double>(6, 1.0), compute, 0.6, in);
    EXPECT_STREQ(g.advice, b.advice);
}

TEST(Balance, FewChunksMeansFewerThanEightPerRank) {
    msc_balance in{};
    in.claims_s = 1e-5;
    in.chunks = 31;  // one short of 8 per rank on 4 ranks
    EXPECT_TRUE(Has(Analyse(MSC_SCHED_DYNAMIC, std::vector<double>(31, 1.0), {10, 8, 8, 6}, 0.25,
                            in),
                    "only 31 chunks for 4 ranks"));
    in.chunks = 32;
    EXPECT_FALSE(Has(Analyse(MSC_SCHED_DYNAMIC, std::vector<double>(32, 1.0), {10, 8, 8, 6}, 0.25,
                             in),
                     "only"));
}

TEST(Balance, DynamicWithEnoughChunksButLongLastOnesAdvisesSmallerChunksOrGuided) {
    msc_balance in{};
    in.chunks = 32;  // 8 per rank: not "few"
    in.claims = 36;
    in.claims_s = 1e-5;
    const msc_balance b =
        Analyse(MSC_SCHED_DYNAMIC, std::vector<double>(32, 1.0), {10, 8, 8, 6}, 0.25, in);
    EXPECT_STREQ(b.advice, "the last chunks were long enough to leave ranks idle: try a smaller "
                           "chunk or --schedule guided");
    const msc_balance g =
        Analyse(MSC_SCHED_GUIDED, std::vector<double>(32, 1.0), {10, 8, 8, 6}, 0.25, in);
    EXPECT_STREQ(g.advice, "the last chunks were long enough to leave ranks idle: raise "
                           "--segments so single segments are shorter");
}

TEST(Balance, CostlyClaimsAreNamedBeforeFewChunks) {
    msc_balance in{};
    in.chunks = 3;
    in.claims = 7;
    in.claims_s = 1.0;
    const msc_balance b =
        Analyse(MSC_SCHED_DYNAMIC, std::vector<double>(3, 1.0), {4, 2, 2, 2}, 0.6, in);
    EXPECT_TRUE(Has(b, "a larger chunk")) << b.advice;
}

TEST(Balance, BalancedDynamicRunGivesNoAdvice) {
    msc_balance in{};
    in.chunks = 256;
    in.claims = 260;
    in.claims_s = 0.001;
    for (msc_schedule_kind kind : {MSC_SCHED_DYNAMIC, MSC_SCHED_GUIDED})
        for (double imbalance : {0.0, 0.05, 0.10}) {
            const msc_balance b =
                Analyse(kind, Growing(256), {10, 10, 10, 11}, imbalance, in);
            EXPECT_STREQ(b.advice, "") << msc_schedule_name(kind) << " at " << imbalance;
        }
}

TEST(Balance, DynamicKindsDoNotBlameTheCostShape) {
    // A growing cost is what dynamic scheduling is for: no "use guided or dynamic" advice.
    msc_balance in{};
    in.chunks = 100;
    in.claims = 104;
    in.claims_s = 1e-5;
    const msc_balance b = Analyse(MSC_SCHED_DYNAMIC, Growing(100), {1300, 1250, 1262, 1238},
                                  0.3, in);
    EXPECT_FALSE(Has(b, "grows")) << b.advice;
}

TEST(Balance, AdviceIsOneLine) {
    const std::vector<double> seg = Growing(100), compute = BlockCompute(seg, 4);
    const msc_balance b = Analyse(MSC_SCHED_BLOCK, seg, compute, Imbalance(compute));
    ASSERT_STRNE(b.advice, "");
    EXPECT_EQ(std::strchr(b.advice, '\n'), nullptr);
    EXPECT_LT(std::strlen(b.advice), sizeof b.advice);
}


// ---- fitted models -----------------------------------------------------------------------------

// Speedups that Amdahl's Law gives for serial fraction f at each p.
std::vector<double> AmdahlSpeedups(double f, const std::vector<double> &p) {
    std::vector<double> s;
    for (double x : p) s.push_back(1.0 / (f + (1.0 - f) / x));
    return s;
}

msc_amdahl_fit FitAmdahl(const std::vector<double> &p, const std::vector<double> &s) {
    msc_amdahl_fit f;
    msc_fit_amdahl(p.data(), s.data(), static_cast<int>(p.size()), &f);
    return f;
}

TEST(Fit, SeedsFiguresGiveKarpFlattAndCeiling) {
    // The seeds: 7.8 s in one process, 1.4 s on 12. S = 5.571, e = 0.105, ceiling about 9.5x.
    const double s = 7.8 / 1.4;
    EXPECT_NEAR(s, 5.571, 0.0005);
    EXPECT_NEAR(msc_karp_flatt(s, 12), 0.105, 0.0005);
    const msc_amdahl_fit f = FitAmdahl({1, 12}, {1.0, s});
    ASSERT_TRUE(f.fit.ok) << f.fit.why;
    EXPECT_NEAR(f.f, msc_karp_flatt(s, 12), 1e-12) << "one point above p = 1: the fit is Karp-Flatt";
    EXPECT_NEAR(f.ceiling, 9.5, 0.05);
    EXPECT_TRUE(std::isnan(f.f_se)) << "a single informative measurement has no error estimate";
    EXPECT_TRUE(std::isnan(f.f_lo));
}

TEST(Fit, AmdahlHandWorkedTwoPoints) {
    // p = 2, S = 1.6: y = 1/1.6 - 1/2 = 0.125, x = 0.5; p = 4, S = 2.5: y = 0.15, x = 0.75.
    // f = (0.5*0.125 + 0.75*0.15) / (0.25 + 0.5625) = 0.175 / 0.8125 = 0.2153846...
    const msc_amdahl_fit f = FitAmdahl({1, 2, 4}, {1.0, 1.6, 2.5});
    ASSERT_TRUE(f.fit.ok) << f.fit.why;
    EXPECT_NEAR(f.f, 0.175 / 0.8125, 1e-12);
    // residuals 0.125 - 0.5f and 0.15 - 0.75f; se = sqrt(rss / 1 / 0.8125)
    const double r1 = 0.125 - 0.5 * f.f, r2 = 0.15 - 0.75 * f.f;
    EXPECT_NEAR(f.f_se, std::sqrt((r1 * r1 + r2 * r2) / 0.8125), 1e-12);
    EXPECT_NEAR(f.f_hi - f.f, 12.706 * f.f_se, 1e-9) << "one degree of freedom: t = 12.706";
    EXPECT_EQ(f.fit.n, 3);
    EXPECT_EQ(f.fit.n_distinct, 3);
}

TEST(Fit, AmdahlRecoversExactSyntheticF) {
    const std::vector<double> p = {1, 2, 4, 8, 16, 32};
    for (double truth : {0.0, 0.01, 0.1, 0.3, 0.9}) {
        const msc_amdahl_fit f = FitAmdahl(p, AmdahlSpeedups(truth, p));
        ASSERT_TRUE(f.fit.ok) << f.fit.why;
        EXPECT_NEAR(f.f, truth, 1e-12);
        EXPECT_NEAR(f.f_se, 0.0, 1e-12);
        EXPECT_STREQ(f.fit.why, "");
    }
}

TEST(Fit, AmdahlRecoversNoisySyntheticFWithinItsInterval) {
    // Seeded noise of 2% on every time, 5 repeats at each p: the 95% interval must hold the
    // truth in (nearly) every one of 200 data sets, and be honest (not absurdly wide).
    std::mt19937_64 rng(12345);
    std::normal_distribution<double> noise(0.0, 0.02);
    int inside = 0, trials = 200;
    double width = 0.0;
    for (int t = 0; t < trials; ++t) {
        std::vector<double> p, s;
        for (double x : {1.0, 2.0, 4.0, 8.0})
            for (int r = 0; r < 5; ++r) {
                p.push_back(x);
                s.push_back(1.0 / ((0.2 + 0.8 / x) * (1.0 + noise(rng))));
            }
        const msc_amdahl_fit f = FitAmdahl(p, s);
        ASSERT_TRUE(f.fit.ok) << f.fit.why;
        inside += f.f_lo <= 0.2 && 0.2 <= f.f_hi;
        width += f.f_hi - f.f_lo;
    }
    EXPECT_GE(inside, trials * 90 / 100) << "a 95% interval held the truth in " << inside << " of "
                                         << trials;
    EXPECT_LT(width / trials, 0.05) << "mean interval width";
}

TEST(Fit, AmdahlFromOneAndTwoRanksWithRepeatsFindsTheSerialShare) {
    // The amdahl kernel's case: serial = 0.3 at p = 1 and 2, three repeats each, 1% noise.
    const msc_amdahl_fit f =
        FitAmdahl({1, 1, 1, 2, 2, 2}, {1.0, 0.99, 1.01, 1.538 * 1.01, 1.538, 1.538 * 0.99});
    ASSERT_TRUE(f.fit.ok) << f.fit.why;
    EXPECT_NEAR(f.f, 0.3, 0.01);
    EXPECT_TRUE(std::isfinite(f.f_se));
    EXPECT_LE(f.f_lo, 0.3);
    EXPECT_GE(f.f_hi, 0.3);
}

TEST(Fit, AmdahlRefusesOneDistinctRankCount) {
    const msc_amdahl_fit f = FitAmdahl({4, 4, 4}, {3.0, 3.1, 2.9});
    EXPECT_FALSE(f.fit.ok);
    EXPECT_STREQ(f.fit.why, "1 distinct rank count: at least 2 are needed");
    EXPECT_TRUE(std::isnan(f.f));
}

TEST(Fit, AmdahlRefusesSuperlinearData) {
    const msc_amdahl_fit f = FitAmdahl({1, 2, 4, 8}, {1.0, 2.3, 4.8, 9.9});
    EXPECT_FALSE(f.fit.ok);
    EXPECT_NE(std::string(f.fit.why).find("superlinear"), std::string::npos) << f.fit.why;
    EXPECT_TRUE(std::isnan(f.f)) << "no made-up number";
}

TEST(Fit, AmdahlRefusesAFitSignificantlyBelowZero) {
    // Mostly superlinear with one point just below p: f is well below 0 and its interval too.
    const msc_amdahl_fit f =
        FitAmdahl({1, 2, 2, 2, 4, 4, 4}, {1.0, 2.4, 2.41, 2.39, 5.0, 5.02, 3.99});
    EXPECT_FALSE(f.fit.ok);
    EXPECT_NE(std::string(f.fit.why).find("below 0"), std::string::npos) << f.fit.why;
    EXPECT_TRUE(std::isnan(f.f));
}

TEST(Fit, AmdahlShowsANoiseLevelNegativeFAsZeroWithANote) {
    // perfect scaling measured with noise: f a hair below 0, its interval reaching above 0
    const msc_amdahl_fit f = FitAmdahl({1, 2, 2, 4, 4}, {1.0, 2.02, 1.99, 4.03, 3.99});
    ASSERT_TRUE(f.fit.ok) << f.fit.why;
    EXPECT_EQ(f.f, 0.0);
    EXPECT_NE(std::string(f.fit.note).find("within noise of 0"), std::string::npos) << f.fit.note;
    EXPECT_TRUE(std::isinf(f.ceiling));
}

TEST(Fit, AmdahlRefusesAFitSignificantlyAboveOne) {
    // every run slower on 2 ranks than on 1: S = 0.8, 0.8, 0.8 -> 1/S - 1/2 = 0.75 = f/2 -> f = 1.5
    const double p[] = {1, 1, 1, 2, 2, 2}, s[] = {1, 1, 1, 0.8, 0.79, 0.81};
    msc_amdahl_fit a;
    msc_fit_amdahl(p, s, 6, &a);
    EXPECT_FALSE(a.fit.ok);
    EXPECT_EQ(std::string(a.fit.why).rfind("fitted f = 1.5", 0), 0u) << a.fit.why;
    EXPECT_NE(std::string(a.fit.why).find("above 1: the job got slower with more ranks"), std::string::npos);
}

TEST(Fit, AmdahlShowsANoiseLevelFAboveOneAsOneWithANote) {
    const double p[] = {1, 1, 2, 2}, s[] = {1, 1, 1.3, 0.75};
    msc_amdahl_fit a;
    msc_fit_amdahl(p, s, 4, &a);
    ASSERT_TRUE(a.fit.ok) << a.fit.why;
    EXPECT_EQ(a.f, 1.0);
    EXPECT_LE(a.f_lo, a.f);
    EXPECT_LE(a.f, a.f_hi);
    EXPECT_NE(std::string(a.fit.note).find("within noise of 1"), std::string::npos) << a.fit.note;
}

TEST(Fit, AmdahlRefusesBadInput) {
    EXPECT_FALSE(FitAmdahl({1, 0.5}, {1.0, 2.0}).fit.ok);
    EXPECT_FALSE(FitAmdahl({1, 2}, {1.0, -2.0}).fit.ok);
    EXPECT_FALSE(FitAmdahl({1, 2}, {1.0, NAN}).fit.ok);
    const msc_amdahl_fit f = FitAmdahl({1, 2}, {1.0, 0.0});
    EXPECT_STREQ(f.fit.why, "measurement 2 is not usable (p = 2, speedup = 0): p must be >= 1 and "
                            "the speedup a positive number");
    msc_amdahl_fit none;
    msc_fit_amdahl(nullptr, nullptr, 0, &none);
    EXPECT_FALSE(none.fit.ok);
    EXPECT_STREQ(none.fit.why, "no measurements");
}

TEST(Fit, AmdahlNotesTooNoisyData) {
    const msc_amdahl_fit f = FitAmdahl({1, 2, 2, 4, 4}, {1.0, 1.9, 2.0, 3.3, 4.0});
    ASSERT_TRUE(f.fit.ok) << f.fit.why;
    EXPECT_NE(std::string(f.fit.note).find("too noisy"), std::string::npos) << f.fit.note;
}

TEST(Fit, GustafsonRecoversAlphaFromScaledSpeedups) {
    const std::vector<double> p = {1, 2, 4, 8};
    std::vector<double> s;
    for (double x : p) s.push_back(x - 0.1 * (x - 1.0));
    msc_gustafson_fit g;
    msc_fit_gustafson(p.data(), s.data(), 4, &g);
    ASSERT_TRUE(g.fit.ok) << g.fit.why;
    EXPECT_NEAR(g.alpha, 0.1, 1e-12);
    EXPECT_NEAR(g.alpha_se, 0.0, 1e-12);
}

TEST(Fit, GustafsonHandWorked) {
    // p - S: 2 - 1.8 = 0.2 at x = 1; 4 - 3.4 = 0.6 at x = 3: alpha = (0.2 + 1.8) / 10 = 0.2
    const double p[] = {2, 4}, s[] = {1.8, 3.4};
    msc_gustafson_fit g;
    msc_fit_gustafson(p, s, 2, &g);
    ASSERT_TRUE(g.fit.ok) << g.fit.why;
    EXPECT_NEAR(g.alpha, 0.2, 1e-12);
    EXPECT_NEAR(g.alpha_se, 0.0, 1e-12);
}

TEST(Fit, UslRecoversExactSigmaAndKappa) {
    const double sigma = 0.05, kappa = 0.002;
    std::vector<double> p, s;
    for (double x : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0}) {
        p.push_back(x);
        s.push_back(x / (1.0 + sigma * (x - 1.0) + kappa * x * (x - 1.0)));
    }
    msc_usl_fit u;
    msc_fit_usl(p.data(), s.data(), static_cast<int>(p.size()), &u);
    ASSERT_TRUE(u.fit.ok) << u.fit.why;
    EXPECT_NEAR(u.sigma, sigma, 1e-10);
    EXPECT_NEAR(u.kappa, kappa, 1e-12);
    EXPECT_NEAR(u.p_peak, std::sqrt((1 - sigma) / kappa), 1e-6);
    EXPECT_TRUE(u.kappa_significant);
}

TEST(Fit, UslRecoversNoisySigmaAndKappaWithinTheirIntervals) {
    std::mt19937_64 rng(777);
    std::normal_distribution<double> noise(0.0, 0.01);
    const double sigma = 0.03, kappa = 0.001;
    int inside_s = 0, inside_k = 0, significant = 0;
    const int trials = 200;
    for (int t = 0; t < trials; ++t) {
        std::vector<double> p, s;
        for (double x : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0})
            for (int r = 0; r < 3; ++r) {
                p.push_back(x);
                s.push_back(x / (1.0 + sigma * (x - 1.0) + kappa * x * (x - 1.0)) * (1.0 + noise(rng)));
            }
        msc_usl_fit u;
        msc_fit_usl(p.data(), s.data(), static_cast<int>(p.size()), &u);
        ASSERT_TRUE(u.fit.ok) << u.fit.why;
        inside_s += u.sigma_lo <= sigma && sigma <= u.sigma_hi;
        inside_k += u.kappa_lo <= kappa && kappa <= u.kappa_hi;
        significant += u.kappa_significant;
    }
    EXPECT_GE(inside_s, trials * 90 / 100);
    EXPECT_GE(inside_k, trials * 90 / 100);
    EXPECT_GE(significant, trials * 90 / 100) << "kappa = 0.001 over p up to 32 is detectable";
}

TEST(Fit, UslWithoutCoherencyHasNoPeak) {
    const std::vector<double> p = {1, 2, 4, 8};
    const std::vector<double> s = AmdahlSpeedups(0.1, p);  // USL with kappa = 0, sigma = f
    msc_usl_fit u;
    msc_fit_usl(p.data(), s.data(), 4, &u);
    ASSERT_TRUE(u.fit.ok) << u.fit.why;
    EXPECT_NEAR(u.sigma, 0.1, 1e-12);
    EXPECT_NEAR(u.kappa, 0.0, 1e-12);
    EXPECT_FALSE(u.kappa_significant);
}

TEST(Fit, UslNeedsThreeDistinctRankCounts) {
    const double p[] = {1, 2, 2}, s[] = {1.0, 1.8, 1.9};
    msc_usl_fit u;
    msc_fit_usl(p, s, 3, &u);
    EXPECT_FALSE(u.fit.ok);
    EXPECT_STREQ(u.fit.why, "2 distinct rank counts: at least 3 are needed");
    EXPECT_TRUE(std::isnan(u.sigma));
}

TEST(Fit, UslExactlyDeterminedHasNoInterval) {
    const double p[] = {1, 2, 4}, s[] = {1.0, 1.8, 3.0};
    msc_usl_fit u;
    msc_fit_usl(p, s, 3, &u);
    ASSERT_TRUE(u.fit.ok) << u.fit.why;
    EXPECT_TRUE(std::isnan(u.sigma_se));
    EXPECT_FALSE(u.kappa_significant);
    EXPECT_NE(std::string(u.fit.note).find("no interval"), std::string::npos);
}

TEST(Fit, StudentTQuantiles) {
    EXPECT_DOUBLE_EQ(msc_t95(1), 12.706);
    EXPECT_DOUBLE_EQ(msc_t95(10), 2.228);
    EXPECT_DOUBLE_EQ(msc_t95(30), 2.042);
    EXPECT_NEAR(msc_t95(40), 2.021, 1e-12);
    EXPECT_NEAR(msc_t95(120), 1.980, 1e-12);
    EXPECT_GT(msc_t95(35), 2.021);
    EXPECT_LT(msc_t95(35), 2.042);
    EXPECT_NEAR(msc_t95(1000000), 1.960, 1e-3);
    EXPECT_TRUE(std::isnan(msc_t95(0)));
}

TEST(Fit, RanksForASpeedupTarget) {
    // f = 0.1: S(p) = 1 / (0.1 + 0.9/p); S = 5 needs 0.9/p = 0.1 -> p = 9 exactly
    EXPECT_EQ(msc_ranks_for_speedup(0.1, 5.0), 9.0);
    EXPECT_EQ(msc_ranks_for_speedup(0.1, 5.5), 11.0);  // 0.9/(1/5.5 - 0.1) = 11.0
    EXPECT_EQ(msc_ranks_for_speedup(0.1, 6.0), 14.0);  // 13.5 -> 14
    EXPECT_TRUE(std::isinf(msc_ranks_for_speedup(0.1, 10.0))) << "the ceiling itself";
    EXPECT_EQ(msc_ranks_for_speedup(0.0, 7.5), 8.0);
    EXPECT_EQ(msc_ranks_for_speedup(0.3, 1.0), 1.0);
    EXPECT_TRUE(std::isnan(msc_ranks_for_speedup(0.3, 0.5)));
    // f = 1, the upper end of a wide interval: no speedup ever, but speedup 1 on one rank
    EXPECT_TRUE(std::isinf(msc_ranks_for_speedup(1.0, 1.01)));
    EXPECT_EQ(msc_ranks_for_speedup(1.0, 1.0), 1.0);
    EXPECT_TRUE(std::isnan(msc_ranks_for_speedup(1.5, 2.0)));
}

TEST(Fit, RanksForAnEfficiencyFloor) {
    // f = 0.1, E = 0.5: p <= (2 - 1 + 0.1) / 0.1 = 11
    EXPECT_EQ(msc_ranks_for_efficiency(0.1, 0.5), 11.0);
    EXPECT_NEAR(msc_amdahl_speedup(0.1, 11) / 11, 0.5, 1e-12);
    EXPECT_LT(msc_amdahl_speedup(0.1, 12) / 12, 0.5);
    EXPECT_EQ(msc_ranks_for_efficiency(0.1, 1.0), 1.0);
    EXPECT_TRUE(std::isinf(msc_ranks_for_efficiency(0.0, 0.7)));
    EXPECT_TRUE(std::isnan(msc_ranks_for_efficiency(0.1, 0.0)));
    EXPECT_TRUE(std::isnan(msc_ranks_for_efficiency(0.1, 1.5)));
    // f = 1: S(p) = 1, E(p) = 1/p >= 0.5 up to p = 2
    EXPECT_EQ(msc_ranks_for_efficiency(1.0, 0.5), 2.0);
    EXPECT_TRUE(std::isnan(msc_ranks_for_efficiency(-0.1, 0.5)));
}


// ---- repeated measurements ---------------------------------------------------------------------

msc_sample Sample(const std::vector<double> &x, std::vector<int> *flags = nullptr) {
    msc_sample s;
    if (flags) flags->assign(x.size(), -1);
    EXPECT_EQ(msc_sample_stats(x.data(), static_cast<int>(x.size()), &s,
                               flags ? flags->data() : nullptr),
              MSC_OK);
    return s;
}

TEST(Sample, MedianMinMaxMeanMad) {
    const msc_sample s = Sample({5, 1, 4, 2, 3});
    EXPECT_EQ(s.n, 5);
    EXPECT_EQ(s.median, 3.0);
    EXPECT_EQ(s.min, 1.0);
    EXPECT_EQ(s.max, 5.0);
    EXPECT_EQ(s.mean, 3.0);
    EXPECT_EQ(s.mad, 1.0);  // deviations 2, 2, 1, 1, 0
    EXPECT_EQ(Sample({4, 1, 3, 2}).median, 2.5);
}

TEST(Sample, NoMedianIntervalBelowSixMeasurements) {
    // P(all five on one side of the median) = 2/32 > 5%: no order-statistic interval reaches 95%.
    const msc_sample s = Sample({1, 2, 3, 4, 5});
    EXPECT_TRUE(std::isnan(s.ci_lo));
    EXPECT_TRUE(std::isnan(s.ci_level));
    EXPECT_EQ(msc_sample_precise(&s, 1.0), 0) << "no interval, never precise enough";
}

TEST(Sample, MedianIntervalFromBinomialRanks) {
    // n = 6: [x(1), x(6)], coverage 1 - 2/64; n = 10: [x(2), x(9)], 1 - 22/1024;
    // n = 20: [x(6), x(15)], 1 - 2 * 21700/1048576.
    std::vector<double> v;
    for (int i = 1; i <= 6; ++i) v.push_back(i);
    msc_sample s = Sample(v);
    EXPECT_EQ(s.ci_lo, 1.0);
    EXPECT_EQ(s.ci_hi, 6.0);
    EXPECT_DOUBLE_EQ(s.ci_level, 1.0 - 2.0 / 64);
    v.clear();
    for (int i = 1; i <= 10; ++i) v.push_back(i);
    s = Sample(v);
    EXPECT_EQ(s.ci_lo, 2.0);
    EXPECT_EQ(s.ci_hi, 9.0);
    EXPECT_DOUBLE_EQ(s.ci_level, 1.0 - 22.0 / 1024);
    v.clear();
    for (int i = 20; i >= 1; --i) v.push_back(i);  // order of input does not matter
    s = Sample(v);
    EXPECT_EQ(s.ci_lo, 6.0);
    EXPECT_EQ(s.ci_hi, 15.0);
    EXPECT_NEAR(s.ci_level, 1.0 - 2.0 * 21700 / 1048576, 1e-12);
    EXPECT_GE(s.ci_level, 0.95);
}

TEST(Sample, PreciseWhenTheIntervalIsWithinTheTolerance) {
    const msc_sample s = Sample({1.00, 0.99, 1.01, 1.00, 1.005, 0.995, 1.0, 1.002, 0.998, 1.0});
    EXPECT_EQ(msc_sample_precise(&s, 0.02), 1);
    EXPECT_EQ(msc_sample_precise(&s, 0.001), 0);
}

TEST(Sample, FlagsOutliersByScaledMad) {
    std::vector<int> flags;
    const msc_sample s = Sample({1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 3.0}, &flags);
    EXPECT_EQ(s.outliers, 1);
    EXPECT_EQ(flags, (std::vector<int>{0, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(Sample({2.0, 2.0, 2.0}).outliers, 0) << "no spread, no outliers";
}

TEST(Sample, RefusesAnEmptySample) {
    msc_sample s;
    EXPECT_EQ(msc_sample_stats(nullptr, 0, &s, nullptr), MSC_ERR_USAGE);
    const double one = 1.0;
    EXPECT_EQ(msc_sample_stats(&one, 0, &s, nullptr), MSC_ERR_USAGE);
}

}  // namespace
