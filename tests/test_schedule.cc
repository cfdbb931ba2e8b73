// test_schedule.cc — work-distribution plans. For every schedule kind over many (S, P) shapes the
// chunks tile [0, S) in order, static owners are c mod P and each rank's share is the sum of the
// chunks it owns; dynamic kinds name no owner. Then known answers per kind, the default chunk
// rules, and --schedule parsing, naming and formatting with their exact messages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "mpiscale/range.h"
#include "mpiscale/schedule.h"

namespace {

const msc_schedule_kind kAllKinds[] = {MSC_SCHED_BLOCK,   MSC_SCHED_CYCLIC, MSC_SCHED_BLOCK_CYCLIC,
                                       MSC_SCHED_DYNAMIC, MSC_SCHED_GUIDED, MSC_SCHED_WEIGHTED};

bool TakesChunk(msc_schedule_kind k) {
    return k == MSC_SCHED_BLOCK_CYCLIC || k == MSC_SCHED_DYNAMIC || k == MSC_SCHED_GUIDED;
}

bool IsDynamic(msc_schedule_kind k) { return k == MSC_SCHED_DYNAMIC || k == MSC_SCHED_GUIDED; }

msc_schedule Sched(msc_schedule_kind kind, int64_t chunk = 0) {
    msc_schedule s;
    s.kind = kind;
    s.chunk = chunk;
    return s;
}

std::string Shape(const msc_schedule &s, int64_t n_seg, int n_ranks) {
    char name[64];
    msc_schedule_format(&s, name, sizeof name);
    return std::string(name) + " S=" + std::to_string(n_seg) + " P=" + std::to_string(n_ranks);
}

// Owns a plan; the test fails if msc_plan_init does.
class Plan {
public:
    Plan(msc_schedule s, int64_t n_seg, int n_ranks, const double *speeds = nullptr) {
        char err[256] = "";
        const msc_status st = msc_plan_init(&p_, &s, n_seg, n_ranks, speeds, err, sizeof err);
        EXPECT_EQ(st, MSC_OK) << Shape(s, n_seg, n_ranks) << ": " << err;
    }
    ~Plan() { msc_plan_free(&p_); }
    Plan(const Plan &) = delete;
    Plan &operator=(const Plan &) = delete;
    const msc_plan *operator->() const { return &p_; }
    const msc_plan *get() const { return &p_; }

    std::vector<msc_assignment> Chunks() const {
        std::vector<msc_assignment> v;
        for (int64_t c = 0; c < p_.n_chunks; ++c) v.push_back(msc_plan_chunk(&p_, c));
        return v;
    }
    std::vector<int64_t> Counts() const {
        std::vector<int64_t> v;
        for (int64_t c = 0; c < p_.n_chunks; ++c) v.push_back(msc_plan_chunk(&p_, c).count);
        return v;
    }
    std::vector<int64_t> Firsts() const {
        std::vector<int64_t> v;
        for (int64_t c = 0; c < p_.n_chunks; ++c) v.push_back(msc_plan_chunk(&p_, c).first);
        return v;
    }
    std::vector<int> Owners() const {
        std::vector<int> v;
        for (int64_t c = 0; c < p_.n_chunks; ++c) v.push_back(msc_plan_owner(&p_, c));
        return v;
    }
    std::vector<int64_t> Shares() const {
        std::vector<int64_t> v;
        for (int r = 0; r < p_.n_ranks; ++r) v.push_back(msc_plan_rank_segments(&p_, r));
        return v;
    }

private:
    msc_plan p_;
};

using V64 = std::vector<int64_t>;

// Every plan, whatever its kind: the header's contract, checked chunk by chunk.
void ExpectPlanInvariants(const msc_schedule &s, int64_t n_seg, int n_ranks,
                          const double *speeds = nullptr) {
    SCOPED_TRACE(Shape(s, n_seg, n_ranks));
    const Plan plan(s, n_seg, n_ranks, speeds);
    const msc_plan *p = plan.get();
    ASSERT_EQ(p->sched.kind, s.kind);
    ASSERT_EQ(p->n_seg, n_seg);
    ASSERT_EQ(p->n_ranks, n_ranks);
    ASSERT_GE(p->n_chunks, 0);
    if (TakesChunk(s.kind)) {
        ASSERT_GE(p->sched.chunk, 1) << "chunk not resolved";
        if (s.chunk > 0) {
            ASSERT_EQ(p->sched.chunk, s.chunk) << "a given chunk must be kept";
        }
    }

    // Chunks tile [0, S) in order, without gaps or overlap.
    int64_t next = 0;
    std::vector<int64_t> owned(static_cast<size_t>(n_ranks), 0);
    for (int64_t c = 0; c < p->n_chunks; ++c) {
        const msc_assignment a = msc_plan_chunk(p, c);
        ASSERT_EQ(a.first, next) << "chunk " << c << " does not start where chunk " << c - 1
                                 << " ended";
        ASSERT_GE(a.count, 0) << "chunk " << c;
        if (s.kind != MSC_SCHED_BLOCK && s.kind != MSC_SCHED_WEIGHTED) {
            ASSERT_GT(a.count, 0) << "chunk " << c << " is empty";
        }
        next += a.count;
        const int owner = msc_plan_owner(p, c);
        if (IsDynamic(s.kind)) {
            ASSERT_EQ(owner, -1) << "a dynamic chunk has no owner in advance; chunk " << c;
        } else {
            ASSERT_EQ(owner, static_cast<int>(c % n_ranks)) << "chunk " << c;
            owned[static_cast<size_t>(owner)] += a.count;
        }
    }
    ASSERT_EQ(next, n_seg) << "chunks do not cover [0, S)";

    // Static shares are what the owners' chunks add up to; dynamic kinds have none.
    int64_t total = 0;
    for (int r = 0; r < n_ranks; ++r) {
        const int64_t share = msc_plan_rank_segments(p, r);
        if (IsDynamic(s.kind)) {
            ASSERT_EQ(share, -1) << "rank " << r;
        } else {
            ASSERT_EQ(share, owned[static_cast<size_t>(r)]) << "rank " << r;
            total += share;
        }
    }
    if (!IsDynamic(s.kind)) {
        ASSERT_EQ(total, n_seg) << "shares do not add up to S";
    }
}

// S = 0, S < P, S % P == 0, remainders, P = 1, around powers of two.
std::vector<int64_t> SegmentCounts() {
    std::vector<int64_t> v;
    for (int64_t s = 0; s <= 40; ++s) v.push_back(s);
    for (int64_t s : {63, 64, 65, 100, 127, 128, 129, 999, 1000, 1023, 1024, 1025, 4103})
        v.push_back(s);
    return v;
}

std::vector<int> RankCounts() {
    std::vector<int> v;
    for (int p = 1; p <= 17; ++p) v.push_back(p);
    for (int p : {31, 32, 33, 64, 100, 1024}) v.push_back(p);
    return v;
}

// ---- invariants for every kind -----------------------------------------------------------------

class EveryKind : public ::testing::TestWithParam<msc_schedule_kind> {};

TEST_P(EveryKind, ChunksTileTheSegmentsAndSharesAddUpForManyShapes) {
    const msc_schedule_kind kind = GetParam();
    std::vector<int64_t> chunks = {0};  // the default rule
    if (TakesChunk(kind)) chunks.insert(chunks.end(), {1, 3, 7, 64});
    for (int64_t k : chunks)
        for (int64_t s : SegmentCounts())
            for (int p : RankCounts()) {
                ExpectPlanInvariants(Sched(kind, k), s, p);
                if (HasFatalFailure()) return;
            }
}

TEST_P(EveryKind, ChunksTileTheMaximumSegmentCount) {
    const msc_schedule_kind kind = GetParam();
    for (int p : {1, 7, 1024}) {
        if (kind == MSC_SCHED_CYCLIC && p != 7) continue;  // 2^24 chunks: once is enough
        ExpectPlanInvariants(Sched(kind), MSC_MAX_SEGMENTS, p);
        if (HasFatalFailure()) return;
    }
    ExpectPlanInvariants(Sched(kind), MSC_MAX_SEGMENTS - 1, 3);
}

TEST_P(EveryKind, ResolvedChunkIsZeroOnlyForKindsWithoutOne) {
    const Plan plan(Sched(GetParam()), 1000, 4);
    if (TakesChunk(GetParam())) {
        EXPECT_EQ(plan->sched.chunk, msc_schedule_default_chunk(GetParam(), 1000, 4));
    } else {
        EXPECT_EQ(plan->sched.chunk, 0);
    }
}

TEST_P(EveryKind, RefusesANegativeSegmentCount) {
    const msc_schedule s = Sched(GetParam());
    msc_plan p;
    char err[256] = "";
    EXPECT_EQ(msc_plan_init(&p, &s, -1, 2, nullptr, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_STREQ(err, "bad plan: -1 segments on 2 ranks");
    msc_plan_free(&p);
}

TEST_P(EveryKind, RefusesFewerThanOneRank) {
    const msc_schedule s = Sched(GetParam());
    msc_plan p;
    char err[256] = "";
    EXPECT_EQ(msc_plan_init(&p, &s, 10, 0, nullptr, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_STREQ(err, "bad plan: 10 segments on 0 ranks");
    msc_plan_free(&p);
    EXPECT_EQ(msc_plan_init(&p, &s, 10, -4, nullptr, nullptr, 0), MSC_ERR_USAGE);
    msc_plan_free(&p);
}

TEST_P(EveryKind, NameParsesBackToTheKind) {
    msc_schedule s = Sched(MSC_SCHED_COUNT, 99);
    char err[256] = "";
    ASSERT_EQ(msc_schedule_parse(msc_schedule_name(GetParam()), &s, err, sizeof err), MSC_OK)
        << err;
    EXPECT_EQ(s.kind, GetParam());
    EXPECT_EQ(s.chunk, 0) << "no ':K' given: the default rule applies";
}

TEST_P(EveryKind, FormatRoundTripsThroughParse) {
    for (int64_t chunk : {INT64_C(0), INT64_C(1), INT64_C(8), MSC_MAX_SEGMENTS}) {
        const msc_schedule s = Sched(GetParam(), chunk);
        char text[64];
        msc_schedule_format(&s, text, sizeof text);
        msc_schedule back = Sched(MSC_SCHED_COUNT, -5);
        char err[256] = "";
        ASSERT_EQ(msc_schedule_parse(text, &back, err, sizeof err), MSC_OK)
            << "'" << text << "': " << err;
        EXPECT_EQ(back.kind, s.kind) << text;
        EXPECT_EQ(back.chunk, TakesChunk(s.kind) ? chunk : 0) << text;
    }
}

INSTANTIATE_TEST_SUITE_P(Schedule, EveryKind, ::testing::ValuesIn(kAllKinds),
                         [](const ::testing::TestParamInfo<msc_schedule_kind> &info) {
                             std::string n = msc_schedule_name(info.param);
                             for (char &c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

// ---- block -------------------------------------------------------------------------------------

TEST(Schedule, BlockTenSegmentsOnThreeRanksGiveFourThreeThree) {
    const Plan p(Sched(MSC_SCHED_BLOCK), 10, 3);
    EXPECT_EQ(p->n_chunks, 3);
    EXPECT_EQ(p.Firsts(), (V64{0, 4, 7}));
    EXPECT_EQ(p.Counts(), (V64{4, 3, 3}));
    EXPECT_EQ(p.Shares(), (V64{4, 3, 3}));
    EXPECT_EQ(p.Owners(), (std::vector<int>{0, 1, 2}));
}

TEST(Schedule, BlockRemainderGoesToLowRanks) {
    const Plan p(Sched(MSC_SCHED_BLOCK), 11, 4);
    EXPECT_EQ(p.Counts(), (V64{3, 3, 3, 2}));
    EXPECT_EQ(p.Firsts(), (V64{0, 3, 6, 9}));
}

TEST(Schedule, BlockSplitsEvenlyWhenRanksDivideSegments) {
    const Plan p(Sched(MSC_SCHED_BLOCK), 12, 4);
    EXPECT_EQ(p.Counts(), (V64{3, 3, 3, 3}));
    EXPECT_EQ(p.Firsts(), (V64{0, 3, 6, 9}));
}

TEST(Schedule, BlockGivesHighRanksNothingWhenFewerSegmentsThanRanks) {
    const Plan p(Sched(MSC_SCHED_BLOCK), 2, 5);
    EXPECT_EQ(p.Counts(), (V64{1, 1, 0, 0, 0}));
    EXPECT_EQ(p.Firsts(), (V64{0, 1, 2, 2, 2}));
    EXPECT_EQ(p.Shares(), (V64{1, 1, 0, 0, 0}));
}

TEST(Schedule, BlockWithZeroSegmentsGivesEveryRankAnEmptyRun) {
    const Plan p(Sched(MSC_SCHED_BLOCK), 0, 3);
    EXPECT_EQ(p.Counts(), (V64{0, 0, 0}));
    EXPECT_EQ(p.Firsts(), (V64{0, 0, 0}));
}

TEST(Schedule, BlockOnOneRankIsOneRunOfEverything) {
    const Plan p(Sched(MSC_SCHED_BLOCK), 1000, 1);
    EXPECT_EQ(p.Counts(), (V64{1000}));
    EXPECT_EQ(p.Shares(), (V64{1000}));
}

TEST(Schedule, BlockStaysExactNearInt64Max) {
    const int64_t s = INT64_MAX;  // 2 * 4611686018427387903 + 1
    const Plan p(Sched(MSC_SCHED_BLOCK), s, 2);
    EXPECT_EQ(p.Counts(), (V64{INT64_C(4611686018427387904), INT64_C(4611686018427387903)}));
    EXPECT_EQ(p.Firsts(), (V64{0, INT64_C(4611686018427387904)}));
    ExpectPlanInvariants(Sched(MSC_SCHED_BLOCK), INT64_MAX, 7);
    ExpectPlanInvariants(Sched(MSC_SCHED_BLOCK), INT64_MAX - 1, 1024);
}

TEST(Schedule, BlockIgnoresAChunkParameter) {
    const Plan with(Sched(MSC_SCHED_BLOCK, 5), 10, 3), without(Sched(MSC_SCHED_BLOCK), 10, 3);
    EXPECT_EQ(with->sched.chunk, 0);
    EXPECT_EQ(with.Counts(), without.Counts());
}

// ---- cyclic ------------------------------------------------------------------------------------

TEST(Schedule, CyclicDealsSingleSegmentsRoundRobin) {
    const Plan p(Sched(MSC_SCHED_CYCLIC), 7, 3);
    EXPECT_EQ(p->n_chunks, 7);
    EXPECT_EQ(p.Firsts(), (V64{0, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(p.Counts(), (V64{1, 1, 1, 1, 1, 1, 1}));
    EXPECT_EQ(p.Owners(), (std::vector<int>{0, 1, 2, 0, 1, 2, 0}));
    EXPECT_EQ(p.Shares(), (V64{3, 2, 2}));
}

TEST(Schedule, CyclicLeavesHighRanksIdleWhenFewerSegmentsThanRanks) {
    const Plan p(Sched(MSC_SCHED_CYCLIC), 2, 4);
    EXPECT_EQ(p.Shares(), (V64{1, 1, 0, 0}));
}

TEST(Schedule, CyclicShareOfAHugeCountIsExact) {
    // INT64_MAX = 3 * 3074457345618258602 + 1: too many chunks to walk, so shares are computed.
    const Plan p(Sched(MSC_SCHED_CYCLIC), INT64_MAX, 3);
    EXPECT_EQ(p->n_chunks, INT64_MAX);
    EXPECT_EQ(p.Shares(), (V64{INT64_C(3074457345618258603), INT64_C(3074457345618258602),
                               INT64_C(3074457345618258602)}));
    const msc_assignment last = msc_plan_chunk(p.get(), INT64_MAX - 1);
    EXPECT_EQ(last.first, INT64_MAX - 1);
    EXPECT_EQ(last.count, 1);
    EXPECT_EQ(msc_plan_owner(p.get(), INT64_MAX - 1), static_cast<int>((INT64_MAX - 1) % 3));
}

// ---- block-cyclic ------------------------------------------------------------------------------

TEST(Schedule, BlockCyclicDealsRunsOfKWithAShortTailChunk) {
    const Plan p(Sched(MSC_SCHED_BLOCK_CYCLIC, 3), 10, 2);
    EXPECT_EQ(p->n_chunks, 4);
    EXPECT_EQ(p.Firsts(), (V64{0, 3, 6, 9}));
    EXPECT_EQ(p.Counts(), (V64{3, 3, 3, 1}));
    EXPECT_EQ(p.Owners(), (std::vector<int>{0, 1, 0, 1}));
    EXPECT_EQ(p.Shares(), (V64{6, 4}));
}

TEST(Schedule, BlockCyclicTailGoesToTheRankWhoseTurnItIs) {
    // Three full chunks go to ranks 0, 1, 2; the short fourth comes round to rank 0 again.
    const Plan p(Sched(MSC_SCHED_BLOCK_CYCLIC, 3), 10, 3);
    EXPECT_EQ(p.Counts(), (V64{3, 3, 3, 1}));
    EXPECT_EQ(p.Shares(), (V64{4, 3, 3}));
    // Five full chunks of 2 and a tail of 1 on 4 ranks: the tail is chunk 5, rank 1's.
    const Plan q(Sched(MSC_SCHED_BLOCK_CYCLIC, 2), 11, 4);
    EXPECT_EQ(q.Counts(), (V64{2, 2, 2, 2, 2, 1}));
    EXPECT_EQ(q.Shares(), (V64{4, 3, 2, 2}));
}

TEST(Schedule, BlockCyclicWithOneSegmentChunksIsCyclic) {
    const Plan bc(Sched(MSC_SCHED_BLOCK_CYCLIC, 1), 23, 4), cy(Sched(MSC_SCHED_CYCLIC), 23, 4);
    EXPECT_EQ(bc.Firsts(), cy.Firsts());
    EXPECT_EQ(bc.Counts(), cy.Counts());
    EXPECT_EQ(bc.Owners(), cy.Owners());
    EXPECT_EQ(bc.Shares(), cy.Shares());
}

TEST(Schedule, BlockCyclicChunkLargerThanTheWorkGivesRankZeroEverything) {
    const Plan p(Sched(MSC_SCHED_BLOCK_CYCLIC, 50), 10, 3);
    EXPECT_EQ(p.Counts(), (V64{10}));
    EXPECT_EQ(p.Shares(), (V64{10, 0, 0}));
}

TEST(Schedule, BlockCyclicSharesOfAHugeCountAddUp) {
    // 2^40 segments in chunks of 2^24: 65536 chunks, few enough to walk.
    ExpectPlanInvariants(Sched(MSC_SCHED_BLOCK_CYCLIC, MSC_MAX_SEGMENTS), INT64_C(1) << 40, 5);
    ExpectPlanInvariants(Sched(MSC_SCHED_BLOCK_CYCLIC, MSC_MAX_SEGMENTS),
                         (INT64_C(1) << 40) + 12345, 7);
}

// ---- dynamic -----------------------------------------------------------------------------------

TEST(Schedule, DynamicChunksAreKSegmentsWithAShortLastOne) {
    const Plan p(Sched(MSC_SCHED_DYNAMIC, 4), 10, 2);
    EXPECT_EQ(p->n_chunks, 3);
    EXPECT_EQ(p.Firsts(), (V64{0, 4, 8}));
    EXPECT_EQ(p.Counts(), (V64{4, 4, 2}));
    EXPECT_EQ(p.Owners(), (std::vector<int>{-1, -1, -1}));
    EXPECT_EQ(p.Shares(), (V64{-1, -1}));
}

TEST(Schedule, DynamicChunksAreAllKWhenKDividesTheWork) {
    const Plan p(Sched(MSC_SCHED_DYNAMIC, 5), 20, 3);
    EXPECT_EQ(p.Counts(), (V64{5, 5, 5, 5}));
}

TEST(Schedule, DynamicChunkLargerThanTheWorkIsOneChunk) {
    const Plan p(Sched(MSC_SCHED_DYNAMIC, 8), 5, 4);
    EXPECT_EQ(p.Counts(), (V64{5}));
}

TEST(Schedule, DynamicWithZeroSegmentsHasNoChunks) {
    const Plan p(Sched(MSC_SCHED_DYNAMIC), 0, 4);
    EXPECT_EQ(p->n_chunks, 0);
}

TEST(Schedule, DynamicDefaultChunkGivesAboutSixtyFourClaimsPerRank) {
    // 1000 segments on 2 ranks: K = 1000 / 128 = 7, so 143 chunks.
    const Plan p(Sched(MSC_SCHED_DYNAMIC), 1000, 2);
    EXPECT_EQ(p->sched.chunk, 7);
    EXPECT_EQ(p->n_chunks, 143);
    EXPECT_EQ(p.Counts().back(), 6);
}

TEST(Schedule, DynamicOwnerAndSharesAreMinusOneForEveryChunkAndRank) {
    for (msc_schedule_kind kind : {MSC_SCHED_DYNAMIC, MSC_SCHED_GUIDED}) {
        const Plan p(Sched(kind, 2), 40, 3);
        for (int owner : p.Owners()) EXPECT_EQ(owner, -1) << msc_schedule_name(kind);
        for (int64_t share : p.Shares()) EXPECT_EQ(share, -1) << msc_schedule_name(kind);
    }
}

TEST(Schedule, DynamicChunksOfAHugeCountTile) {
    ExpectPlanInvariants(Sched(MSC_SCHED_DYNAMIC, MSC_MAX_SEGMENTS), (INT64_C(1) << 40) + 3, 4);
}

// ---- guided ------------------------------------------------------------------------------------

TEST(Schedule, GuidedKnownAnswerHundredSegmentsOnTwoRanks) {
    // Each chunk is ceil(remaining / 4): 100 -> 25, 75 -> 19, 56 -> 14, 42 -> 11, ...
    const Plan p(Sched(MSC_SCHED_GUIDED), 100, 2);
    EXPECT_EQ(p->sched.chunk, 1);
    EXPECT_EQ(p.Counts(), (V64{25, 19, 14, 11, 8, 6, 5, 3, 3, 2, 1, 1, 1, 1}));
}

TEST(Schedule, GuidedStopsShrinkingAtItsMinimum) {
    const Plan p(Sched(MSC_SCHED_GUIDED, 4), 100, 2);
    EXPECT_EQ(p.Counts(), (V64{25, 19, 14, 11, 8, 6, 5, 4, 4, 4}));
}

TEST(Schedule, GuidedLastChunkMayFallBelowTheMinimum) {
    // One rank: ceil(10 / 2) = 5, then max(4, 3) = 4, then the single segment left.
    const Plan p(Sched(MSC_SCHED_GUIDED, 4), 10, 1);
    EXPECT_EQ(p.Counts(), (V64{5, 4, 1}));
}

TEST(Schedule, GuidedMinimumLargerThanTheWorkIsOneChunk) {
    const Plan p(Sched(MSC_SCHED_GUIDED, 64), 10, 4);
    EXPECT_EQ(p.Counts(), (V64{10}));
}

int64_t CeilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0); }

TEST(Schedule, GuidedEachChunkIsMaxOfMinAndCeilRemainingOverTwoP) {
    for (int64_t min : {1, 2, 5, 16})
        for (int64_t s : SegmentCounts())
            for (int p : {1, 2, 3, 4, 7, 16, 64}) {
                const Plan plan(Sched(MSC_SCHED_GUIDED, min), s, p);
                int64_t left = s;
                for (const msc_assignment &a : plan.Chunks()) {
                    int64_t want = std::max(min, CeilDiv(left, 2 * static_cast<int64_t>(p)));
                    if (want > left) want = left;
                    ASSERT_EQ(a.count, want) << Shape(plan->sched, s, p) << " left " << left;
                    left -= a.count;
                }
                ASSERT_EQ(left, 0) << Shape(plan->sched, s, p);
            }
}

TEST(Schedule, GuidedChunksNeverGrow) {
    for (int64_t min : {1, 3, 10})
        for (int64_t s : SegmentCounts())
            for (int p : RankCounts()) {
                const Plan plan(Sched(MSC_SCHED_GUIDED, min), s, p);
                const V64 c = plan.Counts();
                for (size_t i = 1; i < c.size(); ++i)
                    ASSERT_LE(c[i], c[i - 1]) << Shape(plan->sched, s, p) << " chunk " << i;
            }
}

TEST(Schedule, GuidedChunksNeverFallBelowMinExceptTheLast) {
    for (int64_t min : {1, 2, 3, 10, 100})
        for (int64_t s : SegmentCounts())
            for (int p : RankCounts()) {
                const Plan plan(Sched(MSC_SCHED_GUIDED, min), s, p);
                const V64 c = plan.Counts();
                for (size_t i = 0; i + 1 < c.size(); ++i)
                    ASSERT_GE(c[i], min) << Shape(plan->sched, s, p) << " chunk " << i;
                if (!c.empty()) {
                    ASSERT_GE(c.back(), 1);
                }
            }
}

TEST(Schedule, GuidedFirstChunkIsHalfAFairShare) {
    for (int64_t s : SegmentCounts())
        for (int p : RankCounts()) {
            if (s == 0) continue;
            const Plan plan(Sched(MSC_SCHED_GUIDED), s, p);
            ASSERT_GT(plan->n_chunks, 0);
            EXPECT_EQ(msc_plan_chunk(plan.get(), 0).count, CeilDiv(s, 2 * static_cast<int64_t>(p)))
                << "S=" << s << " P=" << p;
        }
}

TEST(Schedule, GuidedChunksOfAHugeCountTile) {
    ExpectPlanInvariants(Sched(MSC_SCHED_GUIDED), (INT64_C(1) << 40) + 7, 4);
    ExpectPlanInvariants(Sched(MSC_SCHED_GUIDED, 1000), INT64_C(1) << 50, 64);
}

// ---- weighted ----------------------------------------------------------------------------------

V64 WeightedShares(int64_t n_seg, std::vector<double> speeds) {
    const Plan p(Sched(MSC_SCHED_WEIGHTED), n_seg, static_cast<int>(speeds.size()), speeds.data());
    EXPECT_EQ(p->n_chunks, static_cast<int64_t>(speeds.size()));
    EXPECT_EQ(p.Counts(), p.Shares()) << "rank r's share is chunk r";
    return p.Shares();
}

TEST(Schedule, WeightedSharesAreProportionalToSpeeds) {
    EXPECT_EQ(WeightedShares(8, {1, 3}), (V64{2, 6}));
    EXPECT_EQ(WeightedShares(8, {3, 1}), (V64{6, 2}));
    EXPECT_EQ(WeightedShares(10, {3, 1, 1}), (V64{6, 2, 2}));
    EXPECT_EQ(WeightedShares(100, {1, 1, 2, 4, 2}), (V64{10, 10, 20, 40, 20}));
}

TEST(Schedule, WeightedSpeedsNeedOnlyBeRelative) {
    EXPECT_EQ(WeightedShares(8, {1e9, 3e9}), (V64{2, 6}));
    EXPECT_EQ(WeightedShares(8, {0.25e-6, 0.75e-6}), (V64{2, 6}));
}

TEST(Schedule, WeightedHugeSpeedsStayProportional) {
    // The sum of the speeds would overflow a double; scaling by the fastest keeps them usable.
    EXPECT_EQ(WeightedShares(10, {DBL_MAX, DBL_MAX / 2}), (V64{7, 3}));
}

TEST(Schedule, WeightedSegmentCountsNearInt64MaxAddUpAndTerminate) {
    // (double)INT64_MAX rounds up to 2^63; the plan must still give exactly n_seg, in order.
    for (int64_t n : {INT64_MAX, INT64_MAX - 511, INT64_MAX - 512}) {
        for (std::vector<double> speeds :
             {std::vector<double>{1}, std::vector<double>{1, 1}, std::vector<double>{1, 3, 2}}) {
            const V64 shares = WeightedShares(n, speeds);
            int64_t left = n;
            for (int64_t x : shares) {
                ASSERT_GE(x, 0);
                ASSERT_LE(x, left);
                left -= x;
            }
            EXPECT_EQ(left, 0) << "shares do not add up to " << n;
        }
    }
}

TEST(Schedule, WeightedEqualSpeedsGiveTheRemainderToLowRanks) {
    EXPECT_EQ(WeightedShares(10, {1, 1, 1}), (V64{4, 3, 3}));
    EXPECT_EQ(WeightedShares(11, {2, 2, 2, 2}), (V64{3, 3, 3, 2}));
    EXPECT_EQ(WeightedShares(2, {1, 1, 1, 1}), (V64{1, 1, 0, 0}));
}

TEST(Schedule, WeightedRoundsByLargestRemainder) {
    EXPECT_EQ(WeightedShares(10, {1, 2}), (V64{3, 7}));        // 3.33, 6.67
    EXPECT_EQ(WeightedShares(5, {2, 1, 1}), (V64{3, 1, 1}));   // 2.5, 1.25, 1.25
    EXPECT_EQ(WeightedShares(7, {5, 3, 2}), (V64{4, 2, 1}));   // 3.5, 2.1, 1.4
    EXPECT_EQ(WeightedShares(7, {2, 3, 5}), (V64{1, 2, 4}));   // 1.4, 2.1, 3.5
    EXPECT_EQ(WeightedShares(3, {1, 1}), (V64{2, 1}));         // a tie goes to the lower rank
}

TEST(Schedule, WeightedGivesAVerySlowRankNothing) {
    EXPECT_EQ(WeightedShares(100, {1, 1e-9}), (V64{100, 0}));
}

TEST(Schedule, WeightedRunsAreContiguousInRankOrder) {
    const double speeds[] = {1, 3, 2, 2};
    const Plan p(Sched(MSC_SCHED_WEIGHTED), 16, 4, speeds);
    EXPECT_EQ(p.Firsts(), (V64{0, 2, 8, 12}));
    EXPECT_EQ(p.Counts(), (V64{2, 6, 4, 4}));
    EXPECT_EQ(p.Owners(), (std::vector<int>{0, 1, 2, 3}));
}

TEST(Schedule, WeightedSharesAreWithinOneOfTheIdeal) {
    uint64_t state = 42;
    auto next = [&state]() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (int trial = 0; trial < 300; ++trial) {
        const int p = 1 + trial % 13;
        const int64_t s = static_cast<int64_t>(next() * 5000);
        std::vector<double> speeds;
        double total = 0;
        for (int r = 0; r < p; ++r) {
            speeds.push_back(0.01 + next() * 100);
            total += speeds.back();
        }
        SCOPED_TRACE("trial " + std::to_string(trial));
        ExpectPlanInvariants(Sched(MSC_SCHED_WEIGHTED), s, p, speeds.data());
        const V64 shares = WeightedShares(s, speeds);
        for (int r = 0; r < p; ++r) {
            const double ideal = static_cast<double>(s) * speeds[r] / total;
            EXPECT_LT(std::fabs(static_cast<double>(shares[r]) - ideal), 1.0) << "rank " << r;
        }
    }
}

TEST(Schedule, WeightedFallsBackToEqualSharesForUnusableSpeeds) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    {
        const Plan p(Sched(MSC_SCHED_WEIGHTED), 10, 3, nullptr);
        EXPECT_EQ(p.Shares(), (V64{4, 3, 3})) << "NULL speeds";
    }
    const std::vector<std::vector<double>> unusable = {
        {0, 1, 5}, {1, 0, 5}, {-1, 1, 5}, {1, 1, -0.5}, {nan, 1, 5},
        {1, nan, 5}, {inf, 1, 5}, {1, 1, inf}, {1, -inf, 5}, {0, 0, 0}};
    for (const std::vector<double> &speeds : unusable) {
        std::string label;
        for (double v : speeds) label += std::to_string(v) + " ";
        EXPECT_EQ(WeightedShares(10, speeds), (V64{4, 3, 3})) << "speeds " << label;
    }
}

TEST(Schedule, WeightedWithZeroSegmentsGivesEveryRankNothing) {
    EXPECT_EQ(WeightedShares(0, {1, 3, 2}), (V64{0, 0, 0}));
}

TEST(Schedule, WeightedOnOneRankIsEverything) {
    EXPECT_EQ(WeightedShares(1000, {0.5}), (V64{1000}));
}

TEST(Schedule, WeightedSharesOfAHugeCountAddUp) {
    EXPECT_EQ(WeightedShares(INT64_C(1) << 40, {1, 3}),
              (V64{INT64_C(1) << 38, 3 * (INT64_C(1) << 38)}));
    const double speeds[] = {1.0, 2.5, 0.3, 7.0, 1e-3};
    ExpectPlanInvariants(Sched(MSC_SCHED_WEIGHTED), (INT64_C(1) << 53) + 12345, 5, speeds);
}

// ---- default chunks ----------------------------------------------------------------------------

struct DefaultCase {
    msc_schedule_kind kind;
    int64_t n_seg;
    int n_ranks;
    int64_t want;
};

TEST(Schedule, DefaultChunkFollowsTheDocumentedRules) {
    const DefaultCase cases[] = {
        // block-cyclic: max(1, S / 16P)
        {MSC_SCHED_BLOCK_CYCLIC, 1024, 4, 16},
        {MSC_SCHED_BLOCK_CYCLIC, 1000, 4, 15},
        {MSC_SCHED_BLOCK_CYCLIC, 64, 4, 1},
        {MSC_SCHED_BLOCK_CYCLIC, 10, 4, 1},
        {MSC_SCHED_BLOCK_CYCLIC, 0, 1, 1},
        {MSC_SCHED_BLOCK_CYCLIC, MSC_MAX_SEGMENTS, 1, MSC_MAX_SEGMENTS / 16},
        // dynamic: max(1, S / 64P)
        {MSC_SCHED_DYNAMIC, 1024, 4, 4},
        {MSC_SCHED_DYNAMIC, 6400, 1, 100},
        {MSC_SCHED_DYNAMIC, 6399, 1, 99},
        {MSC_SCHED_DYNAMIC, 255, 4, 1},
        {MSC_SCHED_DYNAMIC, 100, 4, 1},
        {MSC_SCHED_DYNAMIC, 0, 3, 1},
        {MSC_SCHED_DYNAMIC, MSC_MAX_SEGMENTS, 1024, 256},
        // guided: 1
        {MSC_SCHED_GUIDED, 1000000, 4, 1},
        {MSC_SCHED_GUIDED, 0, 1, 1},
        // kinds without a chunk
        {MSC_SCHED_BLOCK, 1024, 4, 0},
        {MSC_SCHED_CYCLIC, 1024, 4, 0},
        {MSC_SCHED_WEIGHTED, 1024, 4, 0},
    };
    for (const DefaultCase &c : cases)
        EXPECT_EQ(msc_schedule_default_chunk(c.kind, c.n_seg, c.n_ranks), c.want)
            << msc_schedule_name(c.kind) << " S=" << c.n_seg << " P=" << c.n_ranks;
}

TEST(Schedule, PlanAppliesTheDefaultChunkOnlyWhenNoneIsGiven) {
    for (msc_schedule_kind kind : {MSC_SCHED_BLOCK_CYCLIC, MSC_SCHED_DYNAMIC, MSC_SCHED_GUIDED}) {
        const Plan dflt(Sched(kind), 5000, 3), given(Sched(kind, 11), 5000, 3);
        EXPECT_EQ(dflt->sched.chunk, msc_schedule_default_chunk(kind, 5000, 3))
            << msc_schedule_name(kind);
        EXPECT_EQ(given->sched.chunk, 11) << msc_schedule_name(kind);
    }
}

// ---- bad plans ---------------------------------------------------------------------------------

TEST(Schedule, PlanRefusesAnUnknownKind) {
    const msc_schedule s = Sched(MSC_SCHED_COUNT);
    msc_plan p;
    char err[256] = "";
    EXPECT_EQ(msc_plan_init(&p, &s, 10, 2, nullptr, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_STREQ(err, "unknown schedule");
    msc_plan_free(&p);
}

TEST(Schedule, FailedPlanIsZeroedAndSafeToFree) {
    const msc_schedule s = Sched(MSC_SCHED_GUIDED);
    msc_plan p;
    std::memset(&p, 0x5A, sizeof p);
    EXPECT_EQ(msc_plan_init(&p, &s, -5, 2, nullptr, nullptr, 0), MSC_ERR_USAGE);
    EXPECT_EQ(p.starts, nullptr);
    EXPECT_EQ(p.n_chunks, 0);
    msc_plan_free(&p);
}

TEST(Schedule, FreeZeroesThePlanAndIsSafeTwice) {
    for (msc_schedule_kind kind : kAllKinds) {
        const msc_schedule s = Sched(kind);
        msc_plan p;
        ASSERT_EQ(msc_plan_init(&p, &s, 100, 3, nullptr, nullptr, 0), MSC_OK);
        msc_plan_free(&p);
        EXPECT_EQ(p.starts, nullptr) << msc_schedule_name(kind);
        EXPECT_EQ(p.n_chunks, 0) << msc_schedule_name(kind);
        EXPECT_EQ(p.n_seg, 0) << msc_schedule_name(kind);
        msc_plan_free(&p);
    }
}

// ---- names, parsing, formatting ----------------------------------------------------------------

TEST(Schedule, KindsHaveTheDocumentedNames) {
    EXPECT_STREQ(msc_schedule_name(MSC_SCHED_BLOCK), "block");
    EXPECT_STREQ(msc_schedule_name(MSC_SCHED_CYCLIC), "cyclic");
    EXPECT_STREQ(msc_schedule_name(MSC_SCHED_BLOCK_CYCLIC), "block-cyclic");
    EXPECT_STREQ(msc_schedule_name(MSC_SCHED_DYNAMIC), "dynamic");
    EXPECT_STREQ(msc_schedule_name(MSC_SCHED_GUIDED), "guided");
    EXPECT_STREQ(msc_schedule_name(MSC_SCHED_WEIGHTED), "weighted");
    EXPECT_EQ(MSC_SCHED_COUNT, 6);
}

TEST(Schedule, NameOfAnOutOfRangeKindIsQuestionMark) {
    EXPECT_STREQ(msc_schedule_name(MSC_SCHED_COUNT), "?");
    EXPECT_STREQ(msc_schedule_name(static_cast<msc_schedule_kind>(-1)), "?");
    EXPECT_STREQ(msc_schedule_name(static_cast<msc_schedule_kind>(1000)), "?");
}

TEST(Schedule, OnlyDynamicAndGuidedAreClaimedAtRunTime) {
    for (msc_schedule_kind kind : kAllKinds)
        EXPECT_EQ(msc_schedule_is_dynamic(kind), IsDynamic(kind) ? 1 : 0)
            << msc_schedule_name(kind);
}

struct ParseOk {
    const char *text;
    msc_schedule_kind kind;
    int64_t chunk;
};

void PrintTo(const ParseOk &c, std::ostream *os) { *os << "'" << c.text << "'"; }

class ScheduleParseAccepts : public ::testing::TestWithParam<ParseOk> {};

TEST_P(ScheduleParseAccepts, GivesKindAndChunk) {
    const ParseOk &c = GetParam();
    msc_schedule s = Sched(MSC_SCHED_COUNT, -7);
    char err[256] = "";
    ASSERT_EQ(msc_schedule_parse(c.text, &s, err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(s.kind, c.kind);
    EXPECT_EQ(s.chunk, c.chunk);
}

INSTANTIATE_TEST_SUITE_P(
    Schedule, ScheduleParseAccepts,
    ::testing::Values(ParseOk{"block", MSC_SCHED_BLOCK, 0}, ParseOk{"cyclic", MSC_SCHED_CYCLIC, 0},
                      ParseOk{"block-cyclic", MSC_SCHED_BLOCK_CYCLIC, 0},
                      ParseOk{"block-cyclic:4", MSC_SCHED_BLOCK_CYCLIC, 4},
                      ParseOk{"dynamic", MSC_SCHED_DYNAMIC, 0},
                      ParseOk{"dynamic:8", MSC_SCHED_DYNAMIC, 8},
                      ParseOk{"dynamic:1", MSC_SCHED_DYNAMIC, 1},
                      ParseOk{"dynamic:16777216", MSC_SCHED_DYNAMIC, MSC_MAX_SEGMENTS},
                      ParseOk{"dynamic:1K", MSC_SCHED_DYNAMIC, 1000},
                      ParseOk{"dynamic:1_000", MSC_SCHED_DYNAMIC, 1000},
                      ParseOk{"dynamic:+8", MSC_SCHED_DYNAMIC, 8},
                      ParseOk{"guided", MSC_SCHED_GUIDED, 0},
                      ParseOk{"guided:2", MSC_SCHED_GUIDED, 2},
                      ParseOk{"weighted", MSC_SCHED_WEIGHTED, 0}));

struct ParseBad {
    const char *label;
    const char *text;
    const char *message;
};

void PrintTo(const ParseBad &c, std::ostream *os) { *os << c.label; }

class ScheduleParseRejects : public ::testing::TestWithParam<ParseBad> {};

TEST_P(ScheduleParseRejects, WithUsageErrorAndExactReason) {
    const ParseBad &c = GetParam();
    msc_schedule s;
    char err[256] = "";
    EXPECT_EQ(msc_schedule_parse(c.text, &s, err, sizeof err), MSC_ERR_USAGE)
        << "'" << c.text << "'";
    EXPECT_STREQ(err, c.message) << "'" << c.text << "'";
}

const char kUnknown[] =
    "unknown schedule (accepted: block, cyclic, block-cyclic[:K], dynamic[:K], guided[:MIN], "
    "weighted)";
const char kChunkBounds[] = "chunk must be between 1 and 16777216 segments";

INSTANTIATE_TEST_SUITE_P(
    Schedule, ScheduleParseRejects,
    ::testing::Values(
        ParseBad{"empty", "", kUnknown}, ParseBad{"capitalised", "Block", kUnknown},
        ParseBad{"upper_case", "DYNAMIC", kUnknown}, ParseBad{"trailing_space", "block ", kUnknown},
        ParseBad{"leading_space", " block", kUnknown}, ParseBad{"plural", "blocks", kUnknown},
        ParseBad{"prefix", "dyn", kUnknown}, ParseBad{"underscore", "block_cyclic", kUnknown},
        ParseBad{"other_name", "static", kUnknown}, ParseBad{"only_a_chunk", ":4", kUnknown},
        ParseBad{"unknown_with_chunk", "auto:4", kUnknown},
        ParseBad{"block_with_chunk", "block:4", "block takes no ':' parameter"},
        ParseBad{"block_with_colon", "block:", "block takes no ':' parameter"},
        ParseBad{"cyclic_with_chunk", "cyclic:2", "cyclic takes no ':' parameter"},
        ParseBad{"weighted_with_chunk", "weighted:1", "weighted takes no ':' parameter"},
        ParseBad{"empty_chunk", "dynamic:", "chunk: not an integer"},
        ParseBad{"junk_chunk", "dynamic:x", "chunk: not an integer"},
        ParseBad{"trailing_junk_chunk", "guided:4x", "chunk: not an integer"},
        ParseBad{"two_chunks", "block-cyclic:4:2", "chunk: not an integer"},
        ParseBad{"space_in_chunk", "dynamic: 8", "chunk: not an integer"},
        ParseBad{"fractional_chunk", "dynamic:1.5", "chunk: not a whole number"},
        ParseBad{"overflowing_chunk", "dynamic:99999999999999999999",
                 "chunk: out of the signed 64-bit range"},
        ParseBad{"zero_chunk", "dynamic:0", kChunkBounds},
        ParseBad{"zero_guided_min", "guided:0", kChunkBounds},
        ParseBad{"negative_chunk", "block-cyclic:-1", kChunkBounds},
        ParseBad{"chunk_above_max", "dynamic:16777217", kChunkBounds},
        ParseBad{"chunk_far_above_max", "guided:1G", kChunkBounds}),
    [](const ::testing::TestParamInfo<ParseBad> &info) { return std::string(info.param.label); });

TEST(Schedule, ParseToleratesANullErrorBuffer) {
    msc_schedule s;
    EXPECT_EQ(msc_schedule_parse("nope", &s, nullptr, 0), MSC_ERR_USAGE);
    EXPECT_EQ(msc_schedule_parse("dynamic:0", &s, nullptr, 0), MSC_ERR_USAGE);
    EXPECT_EQ(msc_schedule_parse("dynamic:3", &s, nullptr, 0), MSC_OK);
    EXPECT_EQ(s.chunk, 3);
}

TEST(Schedule, FormatWritesTheScheduleAsItWouldBeTyped) {
    const struct {
        msc_schedule s;
        const char *want;
    } cases[] = {
        {Sched(MSC_SCHED_BLOCK), "block"},
        {Sched(MSC_SCHED_CYCLIC), "cyclic"},
        {Sched(MSC_SCHED_BLOCK_CYCLIC), "block-cyclic"},
        {Sched(MSC_SCHED_BLOCK_CYCLIC, 16), "block-cyclic:16"},
        {Sched(MSC_SCHED_DYNAMIC), "dynamic"},
        {Sched(MSC_SCHED_DYNAMIC, 8), "dynamic:8"},
        {Sched(MSC_SCHED_GUIDED, 1), "guided:1"},
        {Sched(MSC_SCHED_WEIGHTED), "weighted"},
        {Sched(MSC_SCHED_BLOCK, 5), "block"},  // a chunk on a kind without one is not shown
        {Sched(MSC_SCHED_WEIGHTED, 3), "weighted"},
    };
    for (const auto &c : cases) {
        char buf[64];
        std::memset(buf, 'x', sizeof buf);
        msc_schedule_format(&c.s, buf, sizeof buf);
        EXPECT_STREQ(buf, c.want);
    }
}

TEST(Schedule, FormatOfDynamicEightParsesBackToDynamicEight) {
    msc_schedule s;
    char err[256] = "";
    ASSERT_EQ(msc_schedule_parse("dynamic:8", &s, err, sizeof err), MSC_OK) << err;
    char buf[64];
    msc_schedule_format(&s, buf, sizeof buf);
    EXPECT_STREQ(buf, "dynamic:8");
}

TEST(Schedule, FormatTruncatesToTheBuffer) {
    const msc_schedule s = Sched(MSC_SCHED_BLOCK_CYCLIC, 16);
    char buf[8];
    std::memset(buf, 'x', sizeof buf);
    msc_schedule_format(&s, buf, 6);
    EXPECT_STREQ(buf, "block");
    EXPECT_EQ(buf[6], 'x') << "wrote past the given length";
}

}  // namespace
