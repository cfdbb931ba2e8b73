// test_schedule.cc — the block plan: contiguous runs per rank that tile [0, S) in rank order, with
// counts differing by at most one and the remainder on the low ranks; and --schedule parsing.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mpiscale/range.h"
#include "mpiscale/schedule.h"

namespace {

std::vector<msc_assignment> Plan(int64_t n_seg, int n_ranks, msc_status *st = nullptr) {
    std::vector<msc_assignment> out(static_cast<size_t>(n_ranks > 0 ? n_ranks : 1),
                                    msc_assignment{-99, -99});
    char err[256] = "";
    msc_status s = msc_schedule_plan(MSC_SCHED_BLOCK, n_seg, n_ranks, out.data(), err, sizeof err);
    if (st) {
        *st = s;
    } else {
        EXPECT_EQ(s, MSC_OK) << err;
    }
    return out;
}

// The block-plan invariants for any S >= 0, P >= 1.
void ExpectBlockPlan(int64_t n_seg, int n_ranks) {
    SCOPED_TRACE("S=" + std::to_string(n_seg) + " P=" + std::to_string(n_ranks));
    const std::vector<msc_assignment> a = Plan(n_seg, n_ranks);
    const int64_t base = n_seg / n_ranks, rem = n_seg % n_ranks;
    int64_t next = 0;
    for (int r = 0; r < n_ranks; ++r) {
        EXPECT_EQ(a[r].count, base + (r < rem ? 1 : 0)) << "rank " << r;
        EXPECT_EQ(a[r].first, next) << "rank " << r << " does not start where rank " << r - 1
                                    << " ended";
        next = a[r].first + a[r].count;
    }
    EXPECT_EQ(next, n_seg) << "runs do not cover [0, S)";
}

TEST(Schedule, BlockKnownAnswerTenSegmentsThreeRanks) {
    const std::vector<msc_assignment> a = Plan(10, 3);
    EXPECT_EQ(a[0].first, 0);
    EXPECT_EQ(a[0].count, 4);
    EXPECT_EQ(a[1].first, 4);
    EXPECT_EQ(a[1].count, 3);
    EXPECT_EQ(a[2].first, 7);
    EXPECT_EQ(a[2].count, 3);
}

TEST(Schedule, RemainderGoesToLowRanks) {
    const std::vector<msc_assignment> a = Plan(11, 4);  // 3, 3, 3, 2
    EXPECT_EQ(a[0].count, 3);
    EXPECT_EQ(a[1].count, 3);
    EXPECT_EQ(a[2].count, 3);
    EXPECT_EQ(a[3].count, 2);
    EXPECT_EQ(a[3].first, 9);
}

TEST(Schedule, EvenSplitWhenRanksDivideSegments) {
    const std::vector<msc_assignment> a = Plan(12, 4);
    for (int r = 0; r < 4; ++r) {
        EXPECT_EQ(a[r].first, 3 * r);
        EXPECT_EQ(a[r].count, 3);
    }
}

TEST(Schedule, HighRanksGetNothingWhenFewerSegmentsThanRanks) {
    const std::vector<msc_assignment> a = Plan(2, 5);
    EXPECT_EQ(a[0].first, 0);
    EXPECT_EQ(a[0].count, 1);
    EXPECT_EQ(a[1].first, 1);
    EXPECT_EQ(a[1].count, 1);
    for (int r = 2; r < 5; ++r) EXPECT_EQ(a[r].count, 0) << "rank " << r;
}

TEST(Schedule, ZeroSegmentsGiveEveryRankNothing) {
    const std::vector<msc_assignment> a = Plan(0, 3);
    for (int r = 0; r < 3; ++r) {
        EXPECT_EQ(a[r].count, 0) << "rank " << r;
        EXPECT_EQ(a[r].first, 0) << "rank " << r;
    }
}

TEST(Schedule, SingleRankGetsEverything) {
    const std::vector<msc_assignment> a = Plan(1000, 1);
    EXPECT_EQ(a[0].first, 0);
    EXPECT_EQ(a[0].count, 1000);
}

TEST(Schedule, SingleRankSingleSegment) {
    const std::vector<msc_assignment> a = Plan(1, 1);
    EXPECT_EQ(a[0].first, 0);
    EXPECT_EQ(a[0].count, 1);
}

TEST(Schedule, BlockPlanInvariantsHoldForManyShapes) {
    for (int64_t s = 0; s <= 50; ++s)
        for (int p = 1; p <= 17; ++p) {
            ExpectBlockPlan(s, p);
            if (HasFailure()) return;
        }
}

TEST(Schedule, BlockPlanAtMaxSegments) {
    ExpectBlockPlan(MSC_MAX_SEGMENTS, 7);
    ExpectBlockPlan(MSC_MAX_SEGMENTS, 1);
    ExpectBlockPlan(MSC_MAX_SEGMENTS - 1, 1024);
}

TEST(Schedule, PlanRejectsNegativeSegmentCount) {
    msc_assignment a[2];
    char err[256] = "";
    EXPECT_EQ(msc_schedule_plan(MSC_SCHED_BLOCK, -1, 2, a, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_GT(std::strlen(err), 0u);
}

TEST(Schedule, PlanRejectsZeroOrNegativeRankCount) {
    msc_assignment a[2];
    char err[256] = "";
    EXPECT_EQ(msc_schedule_plan(MSC_SCHED_BLOCK, 10, 0, a, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_GT(std::strlen(err), 0u);
    EXPECT_EQ(msc_schedule_plan(MSC_SCHED_BLOCK, 10, -4, a, nullptr, 0), MSC_ERR_USAGE);
}

TEST(Schedule, ParseAcceptsBlock) {
    msc_schedule_kind k = static_cast<msc_schedule_kind>(42);
    char err[256] = "";
    ASSERT_EQ(msc_schedule_parse("block", &k, err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(k, MSC_SCHED_BLOCK);
}

class ScheduleParseRejects : public ::testing::TestWithParam<const char *> {};

TEST_P(ScheduleParseRejects, WithUsageErrorListingBlock) {
    msc_schedule_kind k;
    char err[256] = "";
    EXPECT_EQ(msc_schedule_parse(GetParam(), &k, err, sizeof err), MSC_ERR_USAGE)
        << "'" << GetParam() << "'";
    EXPECT_NE(std::string(err).find("block"), std::string::npos)
        << "accepted names missing from: " << err;
}

INSTANTIATE_TEST_SUITE_P(Schedule, ScheduleParseRejects,
                         ::testing::Values("", "dynamic", "Block", "BLOCK", "block ", " block",
                                           "blocks", "cyclic"));

TEST(Schedule, NameOfBlockIsBlock) { EXPECT_STREQ(msc_schedule_name(MSC_SCHED_BLOCK), "block"); }

TEST(Schedule, NameRoundTripsThroughParse) {
    msc_schedule_kind k;
    ASSERT_EQ(msc_schedule_parse(msc_schedule_name(MSC_SCHED_BLOCK), &k, nullptr, 0), MSC_OK);
    EXPECT_EQ(k, MSC_SCHED_BLOCK);
}

}  // namespace
