// test_timing.cc — phase names, the min/mean/max reduction with the slowest rank, load imbalance
// and the monotonic clock. Never asserts on absolute times.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "mpiscale/timing.h"

namespace {

TEST(Timing, EveryPhaseHasADistinctNonEmptyName) {
    std::set<std::string> seen;
    for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph) {
        const char *n = msc_phase_name(static_cast<msc_phase>(ph));
        ASSERT_NE(n, nullptr) << ph;
        EXPECT_GT(std::strlen(n), 0u) << ph;
        EXPECT_STRNE(n, "?") << ph;
        EXPECT_TRUE(seen.insert(n).second) << "duplicate phase name " << n;
    }
}

TEST(Timing, ComputePhaseIsNamedCompute) {
    EXPECT_STREQ(msc_phase_name(MSC_PHASE_COMPUTE), "compute");
}

TEST(Timing, PhasesAreNamedInTheOrderTheyRun) {
    const char *const want[] = {"init",    "setup",   "baseline", "serial",  "calibrate",
                                "scatter", "compute", "gather",   "combine", "verify"};
    ASSERT_EQ(MSC_PHASE_COUNT, static_cast<int>(sizeof want / sizeof want[0]));
    for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph)
        EXPECT_STREQ(msc_phase_name(static_cast<msc_phase>(ph)), want[ph]) << ph;
}

TEST(Timing, CalibrateComesBetweenSerialAndScatter) {
    EXPECT_STREQ(msc_phase_name(MSC_PHASE_CALIBRATE), "calibrate");
    EXPECT_EQ(MSC_PHASE_CALIBRATE, MSC_PHASE_SERIAL + 1);
    EXPECT_EQ(MSC_PHASE_SCATTER, MSC_PHASE_CALIBRATE + 1);
}

TEST(Timing, OutOfRangePhaseNameIsQuestionMark) {
    EXPECT_STREQ(msc_phase_name(MSC_PHASE_COUNT), "?");
    EXPECT_STREQ(msc_phase_name(static_cast<msc_phase>(MSC_PHASE_COUNT + 5)), "?");
    EXPECT_STREQ(msc_phase_name(static_cast<msc_phase>(-1)), "?");
}

// t[r * MSC_PHASE_COUNT + ph] with only phase `ph` set from `v`.
std::vector<double> OnePhase(int ph, const std::vector<double> &v) {
    std::vector<double> t(v.size() * MSC_PHASE_COUNT, 0.0);
    for (size_t r = 0; r < v.size(); ++r) t[r * MSC_PHASE_COUNT + ph] = v[r];
    return t;
}

TEST(Timing, ReduceGivesMinMeanMaxAndSlowestRank) {
    const std::vector<double> t = OnePhase(MSC_PHASE_COMPUTE, {1.0, 4.0, 2.0, 1.0});
    msc_phase_stats s[MSC_PHASE_COUNT];
    msc_phase_reduce(t.data(), 4, s);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_COMPUTE].min_s, 1.0);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_COMPUTE].mean_s, 2.0);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_COMPUTE].max_s, 4.0);
    EXPECT_EQ(s[MSC_PHASE_COMPUTE].max_rank, 1);
}

TEST(Timing, ReduceMaxRankIsLowestRankAtTheMaximum) {
    const std::vector<double> t = OnePhase(MSC_PHASE_GATHER, {0.5, 3.0, 1.0, 3.0, 3.0});
    msc_phase_stats s[MSC_PHASE_COUNT];
    msc_phase_reduce(t.data(), 5, s);
    EXPECT_EQ(s[MSC_PHASE_GATHER].max_rank, 1);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_GATHER].max_s, 3.0);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_GATHER].min_s, 0.5);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_GATHER].mean_s, 10.5 / 5);
}

TEST(Timing, ReduceAllEqualPicksRankZero) {
    const std::vector<double> t = OnePhase(MSC_PHASE_SETUP, {2.0, 2.0, 2.0});
    msc_phase_stats s[MSC_PHASE_COUNT];
    msc_phase_reduce(t.data(), 3, s);
    EXPECT_EQ(s[MSC_PHASE_SETUP].max_rank, 0);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_SETUP].min_s, 2.0);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_SETUP].mean_s, 2.0);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_SETUP].max_s, 2.0);
}

TEST(Timing, ReduceMaxOnLastRank) {
    const std::vector<double> t = OnePhase(MSC_PHASE_VERIFY, {0.0, 0.0, 7.0});
    msc_phase_stats s[MSC_PHASE_COUNT];
    msc_phase_reduce(t.data(), 3, s);
    EXPECT_EQ(s[MSC_PHASE_VERIFY].max_rank, 2);
    EXPECT_DOUBLE_EQ(s[MSC_PHASE_VERIFY].min_s, 0.0);
}

TEST(Timing, ReduceKeepsPhasesApart) {
    // Rank r, phase ph holds 100 * r + ph: each phase must see only its own column.
    const int P = 3;
    std::vector<double> t(P * MSC_PHASE_COUNT);
    for (int r = 0; r < P; ++r)
        for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph) t[r * MSC_PHASE_COUNT + ph] = 100.0 * r + ph;
    msc_phase_stats s[MSC_PHASE_COUNT];
    msc_phase_reduce(t.data(), P, s);
    for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph) {
        EXPECT_DOUBLE_EQ(s[ph].min_s, ph) << msc_phase_name(static_cast<msc_phase>(ph));
        EXPECT_DOUBLE_EQ(s[ph].mean_s, 100.0 + ph) << ph;
        EXPECT_DOUBLE_EQ(s[ph].max_s, 200.0 + ph) << ph;
        EXPECT_EQ(s[ph].max_rank, 2) << ph;
    }
}

TEST(Timing, ReduceSingleRankIsThatRank) {
    std::vector<double> t(MSC_PHASE_COUNT);
    for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph) t[ph] = 0.25 * ph;
    msc_phase_stats s[MSC_PHASE_COUNT];
    msc_phase_reduce(t.data(), 1, s);
    for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph) {
        EXPECT_DOUBLE_EQ(s[ph].min_s, 0.25 * ph);
        EXPECT_DOUBLE_EQ(s[ph].mean_s, 0.25 * ph);
        EXPECT_DOUBLE_EQ(s[ph].max_s, 0.25 * ph);
        EXPECT_EQ(s[ph].max_rank, 0);
    }
}

struct ImbalanceCase {
    const char *label;
    std::vector<double> t;
    double want;
};

void PrintTo(const ImbalanceCase &c, std::ostream *os) { *os << c.label; }

class TimingImbalance : public ::testing::TestWithParam<ImbalanceCase> {};

TEST_P(TimingImbalance, IsMaxOverMeanMinusOne) {
    const ImbalanceCase &c = GetParam();
    EXPECT_NEAR(msc_imbalance(c.t.data(), static_cast<int>(c.t.size())), c.want, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(
    Timing, TimingImbalance,
    ::testing::Values(ImbalanceCase{"balanced", {1, 1, 1, 1}, 0.0},
                      ImbalanceCase{"one_slow_one_idle", {2, 1, 1, 0}, 1.0},
                      ImbalanceCase{"all_zero", {0, 0, 0}, 0.0},
                      ImbalanceCase{"single_rank", {3.5}, 0.0},
                      ImbalanceCase{"half_again", {3, 1}, 0.5},
                      ImbalanceCase{"one_busy_of_four", {4, 0, 0, 0}, 3.0}),
    [](const ::testing::TestParamInfo<ImbalanceCase> &info) {
        return std::string(info.param.label);
    });

TEST(Timing, ClockIsMonotonic) {
    double prev = msc_now_s();
    for (int i = 0; i < 100000; ++i) {
        const double now = msc_now_s();
        ASSERT_GE(now, prev) << "clock went backwards at sample " << i;
        prev = now;
    }
}

TEST(Timing, ClockAdvances) {
    const double t0 = msc_now_s();
    double t1 = t0;
    // Busy-wait until the clock moves; a nanosecond clock moves long before the bound.
    for (long i = 0; i < 100000000 && t1 == t0; ++i) t1 = msc_now_s();
    EXPECT_GT(t1, t0);
    EXPECT_TRUE(std::isfinite(t1));
}

}  // namespace
