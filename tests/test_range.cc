// test_range.cc — integer parsing, "START:END" ranges, and segment cutting at every boundary:
// n % s == 0, n < s, n == s, n == 1, ranges touching INT64_MIN and INT64_MAX, MSC_MAX_SEGMENTS.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mpiscale/range.h"

namespace {

// ---------------------------------------------------------------------------------------------
// msc_parse_i64

struct I64Case {
    const char *text;
    int64_t want;
};

void PrintTo(const I64Case &c, std::ostream *os) { *os << "'" << c.text << "'"; }

class ParseI64Accepts : public ::testing::TestWithParam<I64Case> {};

TEST_P(ParseI64Accepts, KnownAnswer) {
    const I64Case &c = GetParam();
    int64_t v = 12345;
    char err[256] = "";
    ASSERT_EQ(msc_parse_i64(c.text, &v, err, sizeof err), MSC_OK) << c.text << ": " << err;
    EXPECT_EQ(v, c.want) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Range, ParseI64Accepts,
    ::testing::Values(I64Case{"0", 0}, I64Case{"123", 123}, I64Case{"-5", -5},
                      I64Case{"-0", 0}, I64Case{"30_000_000", 30000000},
                      I64Case{"1_0", 10}, I64Case{"3e7", 30000000}, I64Case{"2.5e3", 2500},
                      I64Case{"1e0", 1}, I64Case{"1e18", INT64_C(1000000000000000000)},
                      I64Case{"9.2e18", INT64_C(9200000000000000000)},
                      I64Case{"1.5e1", 15}, I64Case{"30M", 30000000}, I64Case{"1K", 1000},
                      I64Case{"7M", 7000000}, I64Case{"1G", 1000000000},
                      I64Case{"2T", INT64_C(2000000000000)},
                      I64Case{"3P", INT64_C(3000000000000000)},
                      I64Case{"9223P", INT64_C(9223000000000000000)},
                      I64Case{"-30M", -30000000},
                      I64Case{"9223372036854775807", INT64_MAX},
                      I64Case{"-9223372036854775808", INT64_MIN},
                      I64Case{"9_223_372_036_854_775_807", INT64_MAX}));

class ParseI64Rejects : public ::testing::TestWithParam<const char *> {};

TEST_P(ParseI64Rejects, WithUsageErrorAndReason) {
    const char *text = GetParam();
    int64_t v = 777;
    char err[256] = "";
    EXPECT_EQ(msc_parse_i64(text, &v, err, sizeof err), MSC_ERR_USAGE) << "'" << text << "'";
    EXPECT_GT(std::strlen(err), 0u) << "no reason given for '" << text << "'";
}

INSTANTIATE_TEST_SUITE_P(Range, ParseI64Rejects,
                         ::testing::Values("", "abc", "12x", "12 ", "x12", "1.5", "2.5e0", "1e-3",
                                           "1e30", "1e19", "9.3e18", "9224P",
                                           "9223372036854775808", "-9223372036854775809",
                                           "99999999999999999999999", "_", "-", "e5", "1e",
                                           "M", "30MM", "30Q", "1:2", "0x10"));

TEST(Range, ParseI64ToleratesNullErrorBuffer) {
    int64_t v = 0;
    EXPECT_EQ(msc_parse_i64("junk", &v, nullptr, 0), MSC_ERR_USAGE);
    EXPECT_EQ(msc_parse_i64("42", &v, nullptr, 0), MSC_OK);
    EXPECT_EQ(v, 42);
}

TEST(Range, ParseI64OutOfRangeReasonSaysSo) {
    int64_t v = 0;
    char err[256] = "";
    ASSERT_EQ(msc_parse_i64("9223372036854775808", &v, err, sizeof err), MSC_ERR_USAGE);
    std::string e(err);
    EXPECT_NE(e.find("range"), std::string::npos) << e;
}

// ---------------------------------------------------------------------------------------------
// msc_range_parse

struct RangeCase {
    const char *text;
    int64_t lo, hi;
};

void PrintTo(const RangeCase &c, std::ostream *os) { *os << "'" << c.text << "'"; }

class RangeParseAccepts : public ::testing::TestWithParam<RangeCase> {};

TEST_P(RangeParseAccepts, KnownAnswer) {
    const RangeCase &c = GetParam();
    msc_range r{-1, -1};
    char err[256] = "";
    ASSERT_EQ(msc_range_parse(c.text, &r, err, sizeof err), MSC_OK) << c.text << ": " << err;
    EXPECT_EQ(r.lo, c.lo) << c.text;
    EXPECT_EQ(r.hi, c.hi) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Range, RangeParseAccepts,
    ::testing::Values(RangeCase{"0:100", 0, 100}, RangeCase{"100", 0, 100},
                      RangeCase{"1", 0, 1}, RangeCase{"-10:10", -10, 10},
                      RangeCase{"-10:-9", -10, -9}, RangeCase{"5:6", 5, 6},
                      RangeCase{"1K:2K", 1000, 2000}, RangeCase{"0:1G", 0, 1000000000},
                      RangeCase{"1e3:2.5e3", 1000, 2500}, RangeCase{"30M", 0, 30000000},
                      RangeCase{"0:9223372036854775807", 0, INT64_MAX},
                      RangeCase{"9223372036854775807", 0, INT64_MAX},
                      RangeCase{"-9223372036854775808:-1", INT64_MIN, -1},
                      RangeCase{"9223372036854775806:9223372036854775807", INT64_MAX - 1,
                                INT64_MAX},
                      RangeCase{"-1:9223372036854775806", -1, INT64_MAX - 1}));

TEST(Range, ParseRejectsEndBeforeStartWithReason) {
    msc_range r;
    char err[256] = "";
    EXPECT_EQ(msc_range_parse("12:5", &r, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_NE(std::string(err).find("end must be greater than start"), std::string::npos) << err;
}

TEST(Range, ParseRejectsEmptyRange) {
    msc_range r;
    char err[256] = "";
    EXPECT_EQ(msc_range_parse("5:5", &r, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_NE(std::string(err).find("end must be greater than start"), std::string::npos) << err;
}

TEST(Range, ParseRejectsZeroAndNegativeEndAlone) {
    msc_range r;
    char err[256] = "";
    EXPECT_EQ(msc_range_parse("0", &r, err, sizeof err), MSC_ERR_USAGE) << "0 means 0:0, empty";
    EXPECT_EQ(msc_range_parse("-5", &r, err, sizeof err), MSC_ERR_USAGE) << "-5 means 0:-5";
}

class RangeParseOverflows : public ::testing::TestWithParam<const char *> {};

TEST_P(RangeParseOverflows, IsRangeErrorNeverWrapped) {
    msc_range r{1, 2};
    char err[256] = "";
    EXPECT_EQ(msc_range_parse(GetParam(), &r, err, sizeof err), MSC_ERR_RANGE) << GetParam();
    EXPECT_GT(std::strlen(err), 0u);
}

INSTANTIATE_TEST_SUITE_P(Range, RangeParseOverflows,
                         ::testing::Values("-9223372036854775808:9223372036854775807",
                                           "-1:9223372036854775807",
                                           "-9223372036854775808:0",
                                           "-5000P:5000P"));

class RangeParseMalformed : public ::testing::TestWithParam<const char *> {};

TEST_P(RangeParseMalformed, IsUsageError) {
    msc_range r;
    char err[256] = "";
    EXPECT_EQ(msc_range_parse(GetParam(), &r, err, sizeof err), MSC_ERR_USAGE)
        << "'" << GetParam() << "'";
    EXPECT_GT(std::strlen(err), 0u);
}

INSTANTIATE_TEST_SUITE_P(Range, RangeParseMalformed,
                         ::testing::Values("", ":", ":5", "5:", "a:b", "1:x", "x:1", "1:2:3",
                                           "1.5:3", "0:1e30", "0:9223372036854775808", "abc",
                                           "0 :5"));

// ---------------------------------------------------------------------------------------------
// msc_range_count

TEST(Range, CountOfOrdinaryRangeIsHiMinusLo) {
    EXPECT_EQ(msc_range_count(msc_range{0, 10}), 10);
    EXPECT_EQ(msc_range_count(msc_range{-10, 10}), 20);
    EXPECT_EQ(msc_range_count(msc_range{7, 8}), 1);
}

TEST(Range, CountOfEmptyOrInvertedRangeIsZero) {
    EXPECT_EQ(msc_range_count(msc_range{5, 5}), 0);
    EXPECT_EQ(msc_range_count(msc_range{10, 5}), 0);
    EXPECT_EQ(msc_range_count(msc_range{INT64_MAX, INT64_MIN}), 0);
}

TEST(Range, CountAtInt64Limits) {
    EXPECT_EQ(msc_range_count(msc_range{0, INT64_MAX}), INT64_MAX);
    EXPECT_EQ(msc_range_count(msc_range{INT64_MIN, -1}), INT64_MAX);
    EXPECT_EQ(msc_range_count(msc_range{INT64_MIN, 0}), -1);
    EXPECT_EQ(msc_range_count(msc_range{INT64_MIN, INT64_MAX}), -1);
    EXPECT_EQ(msc_range_count(msc_range{-1, INT64_MAX}), -1);
}

// ---------------------------------------------------------------------------------------------
// msc_segments_clip

TEST(Range, SegmentsClipToElementCount) {
    EXPECT_EQ(msc_segments_clip(10, 1024), 10);
    EXPECT_EQ(msc_segments_clip(1023, 1024), 1023);
    EXPECT_EQ(msc_segments_clip(1024, 1024), 1024);
    EXPECT_EQ(msc_segments_clip(1025, 1024), 1024);
    EXPECT_EQ(msc_segments_clip(INT64_MAX, MSC_MAX_SEGMENTS), MSC_MAX_SEGMENTS);
}

TEST(Range, SegmentsClipIsAtLeastOne) {
    EXPECT_EQ(msc_segments_clip(1, 1024), 1);
    EXPECT_EQ(msc_segments_clip(0, 1024), 1);
    EXPECT_EQ(msc_segments_clip(100, 0), 1);
    EXPECT_EQ(msc_segments_clip(100, -3), 1);
}

// ---------------------------------------------------------------------------------------------
// msc_segment

// Checks every segment of r cut into n_seg: tiling without gaps or overlaps, sizes differing by
// at most one, remainder on the first segments.
void ExpectExactTiling(msc_range r, int64_t n_seg) {
    const int64_t n = msc_range_count(r);
    ASSERT_GT(n, 0);
    ASSERT_LE(n_seg, n);
    const int64_t base = n / n_seg, rem = n % n_seg;
    int64_t next = r.lo;
    for (int64_t k = 0; k < n_seg; ++k) {
        const msc_range s = msc_segment(r, n_seg, k);
        const int64_t want = base + (k < rem ? 1 : 0);
        // Plain comparisons in the loop keep 2^24 segments fast; report only the first failure.
        if (s.lo != next || s.hi < s.lo || s.hi - s.lo != want) {
            ASSERT_EQ(s.lo, next) << "gap or overlap before segment " << k << " of " << n_seg;
            ASSERT_EQ(msc_range_count(s), want) << "segment " << k << " of " << n_seg;
        }
        next = s.hi;
    }
    EXPECT_EQ(next, r.hi) << "segments do not end at hi";
}

struct SegCase {
    const char *label;
    int64_t lo, hi, n_seg;
};

void PrintTo(const SegCase &c, std::ostream *os) { *os << c.label; }

class SegmentTiling : public ::testing::TestWithParam<SegCase> {};

TEST_P(SegmentTiling, TilesRangeExactlyWithRemainderFirst) {
    const SegCase &c = GetParam();
    ExpectExactTiling(msc_range{c.lo, c.hi}, c.n_seg);
}

INSTANTIATE_TEST_SUITE_P(
    Range, SegmentTiling,
    ::testing::Values(SegCase{"one_element", 0, 1, 1}, SegCase{"n_eq_s", 0, 7, 7},
                      SegCase{"divides", 0, 12, 4}, SegCase{"remainder", 0, 10, 3},
                      SegCase{"remainder_s_minus_1", 0, 11, 4},
                      SegCase{"one_segment", -3, 100, 1}, SegCase{"negative", -5, 5, 3},
                      SegCase{"all_negative", -1000, -1, 7},
                      SegCase{"near_int64_max", INT64_MAX - 10, INT64_MAX, 3},
                      SegCase{"near_int64_min", INT64_MIN, INT64_MIN + 10, 3},
                      SegCase{"from_int64_min_wide", INT64_MIN, -1, 3},
                      SegCase{"to_int64_max_wide", 0, INT64_MAX, 7},
                      SegCase{"to_int64_max_one_seg", -1, INT64_MAX - 1, 1},
                      SegCase{"wide_many", INT64_MIN / 2, INT64_MAX / 2, 1000},
                      SegCase{"big_count_small_range", 0, 5000, 4999}),
    [](const ::testing::TestParamInfo<SegCase> &info) { return std::string(info.param.label); });

struct KnownSeg {
    int64_t lo, hi;
};

TEST(Range, SegmentKnownAnswerTenIntoThree) {
    const msc_range r{0, 10};
    const KnownSeg want[] = {{0, 4}, {4, 7}, {7, 10}};
    for (int k = 0; k < 3; ++k) {
        msc_range s = msc_segment(r, 3, k);
        EXPECT_EQ(s.lo, want[k].lo) << k;
        EXPECT_EQ(s.hi, want[k].hi) << k;
    }
}

TEST(Range, RemainderGoesToFirstSegments) {
    const msc_range r{-5, 5};  // 10 items into 4: 3, 3, 2, 2
    const KnownSeg want[] = {{-5, -2}, {-2, 1}, {1, 3}, {3, 5}};
    for (int k = 0; k < 4; ++k) {
        msc_range s = msc_segment(r, 4, k);
        EXPECT_EQ(s.lo, want[k].lo) << k;
        EXPECT_EQ(s.hi, want[k].hi) << k;
    }
}

TEST(Range, SegmentSizesDifferByAtMostOneForManyShapes) {
    for (int64_t n = 1; n <= 40; ++n)
        for (int64_t s = 1; s <= n; ++s) {
            SCOPED_TRACE("n=" + std::to_string(n) + " s=" + std::to_string(s));
            ExpectExactTiling(msc_range{-17, -17 + n}, s);
            if (HasFatalFailure()) return;
        }
}

TEST(Range, SegmentsNearInt64MaxEndExactlyAtMax) {
    const msc_range r{INT64_MAX - 10, INT64_MAX};
    const msc_range last = msc_segment(r, 10, 9);
    EXPECT_EQ(last.lo, INT64_MAX - 1);
    EXPECT_EQ(last.hi, INT64_MAX);
    const msc_range first = msc_segment(r, 10, 0);
    EXPECT_EQ(first.lo, INT64_MAX - 10);
    EXPECT_EQ(first.hi, INT64_MAX - 9);
}

TEST(Range, SegmentsOfWidestRangeDoNotOverflow) {
    // INT64_MAX items from INT64_MIN: 3 * 3074457345618258602 + 1, so the first segment is longer.
    const msc_range r{INT64_MIN, -1};
    const msc_range s0 = msc_segment(r, 3, 0), s1 = msc_segment(r, 3, 1),
                    s2 = msc_segment(r, 3, 2);
    EXPECT_EQ(s0.lo, INT64_MIN);
    EXPECT_EQ(s0.hi, INT64_MIN + INT64_C(3074457345618258603));
    EXPECT_EQ(s1.lo, s0.hi);
    EXPECT_EQ(s1.hi, s1.lo + INT64_C(3074457345618258602));
    EXPECT_EQ(s2.lo, s1.hi);
    EXPECT_EQ(s2.hi, -1);
}

TEST(Range, MaxSegmentsIsTwoToThe24) { EXPECT_EQ(MSC_MAX_SEGMENTS, INT64_C(16777216)); }

TEST(Range, MaxSegmentsOverWidestRangeTileAtTheEdges) {
    const msc_range r{0, INT64_MAX};
    const int64_t n = INT64_MAX, s = MSC_MAX_SEGMENTS;
    const int64_t base = n / s, rem = n % s;  // rem = 2^24 - 1: all but the last are longer
    ASSERT_EQ(rem, s - 1);
    msc_range first = msc_segment(r, s, 0);
    EXPECT_EQ(first.lo, 0);
    EXPECT_EQ(first.hi, base + 1);
    msc_range before_last = msc_segment(r, s, s - 2);
    msc_range last = msc_segment(r, s, s - 1);
    EXPECT_EQ(msc_range_count(before_last), base + 1);
    EXPECT_EQ(before_last.hi, last.lo);
    EXPECT_EQ(msc_range_count(last), base);
    EXPECT_EQ(last.hi, INT64_MAX);
    msc_range mid = msc_segment(r, s, s / 2);
    EXPECT_EQ(mid.lo, (s / 2) * (base + 1));
}

TEST(Range, MaxSegmentsTileAMidSizedRangeExactly) {
    ExpectExactTiling(msc_range{-3, 100000003}, MSC_MAX_SEGMENTS);
}

TEST(Range, MaxSegmentsOfExactlyThatManyItemsAreSingletons) {
    const msc_range r{INT64_MAX - MSC_MAX_SEGMENTS, INT64_MAX};
    ExpectExactTiling(r, MSC_MAX_SEGMENTS);
}

}  // namespace
