// test_status.cc — the result codes: their exit codes, their messages and msc_fail's formatting.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "mpiscale/status.h"

namespace {

struct ExitCase {
    msc_status st;
    int code;
    const char *label;
};

void PrintTo(const ExitCase &c, std::ostream *os) { *os << c.label; }

class StatusExitCode : public ::testing::TestWithParam<ExitCase> {};

TEST_P(StatusExitCode, MapsToDocumentedExitCode) {
    const ExitCase &c = GetParam();
    EXPECT_EQ(msc_exit_code(c.st), c.code) << c.label;
}

INSTANTIATE_TEST_SUITE_P(
    Status, StatusExitCode,
    ::testing::Values(ExitCase{MSC_OK, 0, "ok"}, ExitCase{MSC_INTERRUPTED, 75, "interrupted"}, ExitCase{MSC_ERR_USAGE, 2, "usage"},
                      ExitCase{MSC_ERR_RANGE, 2, "range"}, ExitCase{MSC_ERR_IO, 3, "io"},
                      ExitCase{MSC_ERR_VERIFY, 4, "verify"}, ExitCase{MSC_ERR_NOMEM, 70, "nomem"},
                      ExitCase{MSC_ERR_MPI, 70, "mpi"},
                      ExitCase{MSC_ERR_INTERNAL, 70, "internal"}),
    [](const ::testing::TestParamInfo<ExitCase> &info) { return std::string(info.param.label); });

TEST(Status, ExitCodeConstantsHaveDocumentedValues) {
    EXPECT_EQ(MSC_EXIT_OK, 0);
    EXPECT_EQ(MSC_EXIT_USAGE, 2);
    EXPECT_EQ(MSC_EXIT_IO, 3);
    EXPECT_EQ(MSC_EXIT_VERIFY, 4);
    EXPECT_EQ(MSC_EXIT_INTERNAL, 70);
}

TEST(Status, StrerrorIsNeverNullOrEmptyForAnyCode) {
    for (int s = MSC_OK; s <= MSC_ERR_INTERNAL; ++s) {
        const char *m = msc_strerror(static_cast<msc_status>(s));
        ASSERT_NE(m, nullptr) << "status " << s;
        EXPECT_GT(std::strlen(m), 0u) << "status " << s;
    }
}

TEST(Status, StrerrorIsNotNullForUnknownCode) {
    EXPECT_NE(msc_strerror(static_cast<msc_status>(99)), nullptr);
    EXPECT_NE(msc_strerror(static_cast<msc_status>(-1)), nullptr);
}

TEST(Status, StrerrorDistinguishesEveryCode) {
    for (int a = MSC_OK; a <= MSC_ERR_INTERNAL; ++a)
        for (int b = a + 1; b <= MSC_ERR_INTERNAL; ++b)
            EXPECT_STRNE(msc_strerror(static_cast<msc_status>(a)),
                         msc_strerror(static_cast<msc_status>(b)))
                << a << " vs " << b;
}

TEST(Status, FailFormatsMessageAndReturnsItsStatus) {
    char err[64];
    std::memset(err, 'x', sizeof err);
    msc_status st = msc_fail(MSC_ERR_RANGE, err, sizeof err, "--%s: '%d'", "segments", 42);
    EXPECT_EQ(st, MSC_ERR_RANGE);
    EXPECT_STREQ(err, "--segments: '42'");
}

TEST(Status, FailReturnsEveryStatusUnchanged) {
    char err[16];
    for (int s = MSC_OK; s <= MSC_ERR_INTERNAL; ++s)
        EXPECT_EQ(msc_fail(static_cast<msc_status>(s), err, sizeof err, "x"), s);
}

TEST(Status, FailTruncatesAndNulTerminatesInSmallBuffer) {
    char err[8];
    std::memset(err, 'x', sizeof err);
    EXPECT_EQ(msc_fail(MSC_ERR_USAGE, err, sizeof err, "%s", "a very long message"), MSC_ERR_USAGE);
    EXPECT_EQ(err[sizeof err - 1], '\0');
    EXPECT_STREQ(err, "a very ");
}

TEST(Status, FailWritesOnlyTheTerminatorIntoOneByteBuffer) {
    char err[4] = {'x', 'y', 'z', 'w'};
    EXPECT_EQ(msc_fail(MSC_ERR_IO, err, 1, "abc"), MSC_ERR_IO);
    EXPECT_EQ(err[0], '\0');
    EXPECT_EQ(err[1], 'y');
}

TEST(Status, FailToleratesNullBuffer) {
    EXPECT_EQ(msc_fail(MSC_ERR_IO, nullptr, 100, "value %d", 3), MSC_ERR_IO);
}

TEST(Status, FailLeavesBufferUntouchedWhenLengthIsZero) {
    char err[4] = {'x', 'y', 'z', '\0'};
    EXPECT_EQ(msc_fail(MSC_ERR_VERIFY, err, 0, "abc"), MSC_ERR_VERIFY);
    EXPECT_STREQ(err, "xyz");
}

}  // namespace
