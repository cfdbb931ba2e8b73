// test_outcome.cc — the status file: states, their exit codes, and a write/read round trip.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "mpiscale/outcome.h"
#include "scratch.h"

namespace {

TEST(Outcome, StatesForStatusesAndTheirExitCodes) {
    EXPECT_EQ(msc_run_state_of(MSC_OK), MSC_RUN_COMPLETE);
    EXPECT_EQ(msc_run_state_of(MSC_INTERRUPTED), MSC_RUN_INTERRUPTED);
    EXPECT_EQ(msc_run_state_of(MSC_ERR_USAGE), MSC_RUN_INVALID);
    EXPECT_EQ(msc_run_state_of(MSC_ERR_RANGE), MSC_RUN_INVALID);
    EXPECT_EQ(msc_run_state_of(MSC_ERR_IO), MSC_RUN_FAILED);
    EXPECT_EQ(msc_run_state_of(MSC_ERR_VERIFY), MSC_RUN_FAILED);
    EXPECT_EQ(msc_run_state_of(MSC_ERR_MPI), MSC_RUN_FAILED);
    msc_outcome o;
    msc_outcome_init(&o);
    o.state = MSC_RUN_COMPLETE;
    EXPECT_EQ(msc_outcome_exit_code(&o), 0);
    o.state = MSC_RUN_INTERRUPTED;
    EXPECT_EQ(msc_outcome_exit_code(&o), 75);
    o.state = MSC_RUN_INVALID;
    EXPECT_EQ(msc_outcome_exit_code(&o), 2);
    o.state = MSC_RUN_FAILED;
    o.exit_code = 3;
    EXPECT_EQ(msc_outcome_exit_code(&o), 3);
    o.exit_code = 75;  // a failure never reads as resumable-and-fine
    EXPECT_EQ(msc_outcome_exit_code(&o), 70);
    o.exit_code = -1;
    EXPECT_EQ(msc_outcome_exit_code(&o), 70);
    EXPECT_STREQ(msc_run_state_name(MSC_RUN_INVALID), "invalid-input");
    EXPECT_STREQ(msc_run_state_name(MSC_RUN_RUNNING), "running");
}

TEST(Outcome, WritesWholeAndReadsBackEveryField) {
    const ScratchDir dir("msc_outcome_test");
    const std::string path = dir / "run.status";
    msc_outcome o;
    msc_outcome_init(&o);
    o.state = MSC_RUN_INTERRUPTED;
    o.exit_code = 75;
    snprintf(o.message, sizeof o.message, "interrupted by SIGTERM: \"quoted\"");
    snprintf(o.kernel, sizeof o.kernel, "primes");
    snprintf(o.inputs, sizeof o.inputs, "kernel=primes version=1 params= range=0:100 segments=8");
    snprintf(o.checkpoint, sizeof o.checkpoint, "%s", (dir / "ck").c_str());
    o.ranks = 3;
    o.segments = 8;
    o.done = 5;
    o.reused = 2;
    o.signal = 15;
    char err[256] = "";
    ASSERT_EQ(msc_outcome_write(path.c_str(), &o, err, sizeof err), MSC_OK) << err;
    const std::string text = ReadFile(path);
    EXPECT_NE(text.find("\"state\": \"interrupted\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"segments_remaining\": 3"), std::string::npos) << text;
    EXPECT_NE(text.find("\"resumable\": true"), std::string::npos) << text;
    EXPECT_NE(text.find("\"resumed\": true"), std::string::npos) << text;
    EXPECT_EQ(text.back(), '\n');
    msc_outcome r;
    ASSERT_EQ(msc_outcome_read(path.c_str(), &r, err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(r.state, MSC_RUN_INTERRUPTED);
    EXPECT_EQ(r.exit_code, 75);
    EXPECT_STREQ(r.message, o.message);
    EXPECT_STREQ(r.kernel, "primes");
    EXPECT_STREQ(r.inputs, o.inputs);
    EXPECT_STREQ(r.checkpoint, o.checkpoint);
    EXPECT_EQ(r.ranks, 3);
    EXPECT_EQ(r.segments, 8);
    EXPECT_EQ(r.done, 5);
    EXPECT_EQ(r.reused, 2);
    EXPECT_EQ(r.signal, 15);
    EXPECT_EQ(r.verified, -1);
    EXPECT_EQ(r.failed_rank, -1);
}

TEST(Outcome, RunningHasNoExitCodeAndUnknownsAreNull) {
    const ScratchDir dir("msc_outcome_test");
    const std::string path = dir / "s.json";
    msc_outcome o;
    msc_outcome_init(&o);
    char err[256] = "";
    ASSERT_EQ(msc_outcome_write(path.c_str(), &o, err, sizeof err), MSC_OK) << err;
    const std::string text = ReadFile(path);
    EXPECT_NE(text.find("\"exit_code\": null"), std::string::npos) << text;
    EXPECT_NE(text.find("\"segments\": null"), std::string::npos) << text;
    EXPECT_NE(text.find("\"resumable\": false"), std::string::npos) << text;
}

TEST(Outcome, RefusesWhatIsNotAStatusFile) {
    const ScratchDir dir("msc_outcome_test");
    const std::string path = dir / "x.json";
    char err[256] = "";
    msc_outcome r;
    EXPECT_EQ(msc_outcome_read((dir / "absent").c_str(), &r, err, sizeof err), MSC_ERR_IO);
    std::ofstream(path) << "{\"schema\": 1, \"state\": \"bored\"}\n";
    EXPECT_EQ(msc_outcome_read(path.c_str(), &r, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_NE(std::string(err).find("unknown state"), std::string::npos) << err;
    std::ofstream(path) << "not json\n";
    EXPECT_EQ(msc_outcome_read(path.c_str(), &r, err, sizeof err), MSC_ERR_USAGE);
    EXPECT_NE(std::string(err).find("not an mpiscale status file"), std::string::npos) << err;
}

TEST(Outcome, AWriteIntoAMissingDirectoryFailsAndSaysWhere) {
    msc_outcome o;
    msc_outcome_init(&o);
    char err[512] = "";
    EXPECT_EQ(msc_outcome_write("/nonexistent-dir-msc/run.status", &o, err, sizeof err), MSC_ERR_IO);
    EXPECT_NE(std::string(err).find("/nonexistent-dir-msc"), std::string::npos) << err;
}

}  // namespace
