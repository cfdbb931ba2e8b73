// test_model.cc — Amdahl, Karp–Flatt and the analysis of one run, against hand-worked values.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "mpiscale/model.h"

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

}  // namespace
