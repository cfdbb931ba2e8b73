// test_cli.cc — msc_cli_parse over argv arrays: defaults, every option in its long and short form,
// every kind of bad input with a message that names the option and the value, repeated parsing;
// and the --help and --list-kernels texts.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "mpiscale/cli.h"
#include "capture.h"
#include "mpiscale/kernel.h"
#include "mpiscale/model.h"
#include "mpiscale/range.h"

namespace {

// A mutable argv ("mpiscale" first, NULL-terminated) that outlives the options pointing into it.
class Argv {
public:
    Argv(std::initializer_list<const char *> args) {
        strings_.push_back("mpiscale");
        for (const char *a : args) strings_.push_back(a);
        for (std::string &s : strings_) ptrs_.push_back(&s[0]);
        ptrs_.push_back(nullptr);
    }
    Argv(const Argv &) = delete;  // ptrs_ point into strings_: a copy would point into the source
    Argv &operator=(const Argv &) = delete;
    int argc() const { return static_cast<int>(strings_.size()); }
    char *const *argv() { return ptrs_.data(); }
    std::string Joined() const {
        std::string j;
        for (const std::string &s : strings_) j += (j.empty() ? "" : " ") + s;
        return j;
    }

private:
    std::vector<std::string> strings_;
    std::vector<char *> ptrs_;
};

msc_status Parse(Argv &a, msc_options *o, std::string *err = nullptr) {
    char buf[512];
    std::memset(buf, 0, sizeof buf);
    std::memset(o, 0x5A, sizeof *o);
    const msc_status st = msc_cli_parse(a.argc(), a.argv(), o, buf, sizeof buf);
    if (err) *err = buf;
    return st;
}

msc_options ParseOk(Argv a) {
    msc_options o;
    std::string err;
    EXPECT_EQ(Parse(a, &o, &err), MSC_OK) << a.Joined() << ": " << err;
    return o;
}

msc_range RangeOf(const char *text) {
    msc_range r{0, 0};
    EXPECT_EQ(msc_range_parse(text, &r, nullptr, 0), MSC_OK) << text;
    return r;
}

// ---- defaults and each option ------------------------------------------------------------------

TEST(Cli, DefaultsAreDoMathOverItsDefaultRangeWith1024BlockSegments) {
    const msc_options o = ParseOk({});
    const msc_kernel *dm = msc_kernel_find("do_math");
    EXPECT_EQ(o.action, MSC_ACTION_RUN);
    EXPECT_EQ(o.kernel, dm);
    const msc_range want = RangeOf(dm->default_range);
    EXPECT_EQ(o.range.lo, want.lo);
    EXPECT_EQ(o.range.hi, want.hi);
    EXPECT_EQ(o.segments_requested, MSC_DEFAULT_SEGMENTS);
    EXPECT_EQ(o.segments, msc_segments_clip(msc_range_count(want), MSC_DEFAULT_SEGMENTS));
    EXPECT_EQ(o.schedule.kind, MSC_SCHED_BLOCK);
    EXPECT_EQ(o.schedule.chunk, 0) << "no chunk given: the default rule applies";
    EXPECT_EQ(o.slow_rank, -1);
    EXPECT_EQ(o.slow_factor, 1);
    EXPECT_EQ(o.params.count, dm->n_params);
    EXPECT_EQ(o.serial_baseline, 0);
    EXPECT_EQ(o.quiet, 0);
    EXPECT_EQ(o.json_path, nullptr);
    EXPECT_EQ(o.csv_path, nullptr);
}

TEST(Cli, DefaultSegmentsIs1024) { EXPECT_EQ(MSC_DEFAULT_SEGMENTS, 1024); }

TEST(Cli, DefaultRangeFollowsTheChosenKernel) {
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        const msc_options o = ParseOk({"--kernel", k->name});
        EXPECT_EQ(o.kernel, k);
        const msc_range want = RangeOf(k->default_range);
        EXPECT_EQ(o.range.lo, want.lo) << k->name;
        EXPECT_EQ(o.range.hi, want.hi) << k->name;
        // Default parameters are the kernel's own.
        EXPECT_EQ(o.params.count, k->n_params) << k->name;
        for (int j = 0; j < k->n_params; ++j) EXPECT_EQ(o.params.value[j], k->params[j].def);
    }
}

TEST(Cli, KernelLongShortAndEqualsForms) {
    const msc_kernel *ss = msc_kernel_find("sum_squares");
    EXPECT_EQ(ParseOk({"--kernel", "sum_squares"}).kernel, ss);
    EXPECT_EQ(ParseOk({"-k", "sum_squares"}).kernel, ss);
    EXPECT_EQ(ParseOk({"--kernel=sum_squares"}).kernel, ss);
    EXPECT_EQ(ParseOk({"-ksum_squares"}).kernel, ss);
}

TEST(Cli, RangeLongShortAndEqualsForms) {
    msc_options o = ParseOk({"--range", "5:50"});
    EXPECT_EQ(o.range.lo, 5);
    EXPECT_EQ(o.range.hi, 50);
    o = ParseOk({"-r", "100"});
    EXPECT_EQ(o.range.lo, 0);
    EXPECT_EQ(o.range.hi, 100);
    o = ParseOk({"--range=1K:2K"});
    EXPECT_EQ(o.range.lo, 1000);
    EXPECT_EQ(o.range.hi, 2000);
}

TEST(Cli, RangeWithNegativeStartIsAValueNotAnOption) {
    const msc_options o = ParseOk({"--range", "-10:10"});
    EXPECT_EQ(o.range.lo, -10);
    EXPECT_EQ(o.range.hi, 10);
    const msc_options p = ParseOk({"-r", "-10:10"});
    EXPECT_EQ(p.range.lo, -10);
}

TEST(Cli, SegmentsLongAndShortForms) {
    EXPECT_EQ(ParseOk({"--segments", "7"}).segments, 7);
    EXPECT_EQ(ParseOk({"-s", "7"}).segments_requested, 7);
    EXPECT_EQ(ParseOk({"--segments=2K"}).segments, 2000);
}

TEST(Cli, SegmentsAreClippedToTheElementCount) {
    msc_options o = ParseOk({"--range", "100"});
    EXPECT_EQ(o.segments_requested, MSC_DEFAULT_SEGMENTS);
    EXPECT_EQ(o.segments, 100);
    o = ParseOk({"--range", "10:13", "--segments", "50"});
    EXPECT_EQ(o.segments_requested, 50);
    EXPECT_EQ(o.segments, 3);
    o = ParseOk({"--range", "1", "--segments", "1"});
    EXPECT_EQ(o.segments, 1);
}

TEST(Cli, SegmentsAcceptTheMaximum) {
    const msc_options o = ParseOk({"--segments", "16777216"});
    EXPECT_EQ(o.segments_requested, MSC_MAX_SEGMENTS);
    EXPECT_EQ(o.segments, MSC_MAX_SEGMENTS);
}

struct ScheduleForm {
    const char *label;
    std::vector<const char *> args;
    msc_schedule_kind kind;
    int64_t chunk;
};

void PrintTo(const ScheduleForm &c, std::ostream *os) { *os << c.label; }

class CliSchedule : public ::testing::TestWithParam<ScheduleForm> {};

TEST_P(CliSchedule, ParsesIntoKindAndChunk) {
    const ScheduleForm &c = GetParam();
    std::vector<std::string> storage = {"mpiscale"};
    for (const char *x : c.args) storage.push_back(x);
    std::vector<char *> ptrs;
    for (std::string &x : storage) ptrs.push_back(&x[0]);
    ptrs.push_back(nullptr);
    msc_options o;
    char err[512] = "";
    ASSERT_EQ(msc_cli_parse(static_cast<int>(storage.size()), ptrs.data(), &o, err, sizeof err),
              MSC_OK)
        << err;
    EXPECT_EQ(o.schedule.kind, c.kind);
    EXPECT_EQ(o.schedule.chunk, c.chunk);
}

INSTANTIATE_TEST_SUITE_P(
    Cli, CliSchedule,
    ::testing::Values(
        ScheduleForm{"block", {"--schedule", "block"}, MSC_SCHED_BLOCK, 0},
        ScheduleForm{"cyclic", {"--schedule", "cyclic"}, MSC_SCHED_CYCLIC, 0},
        ScheduleForm{"block_cyclic", {"--schedule", "block-cyclic"}, MSC_SCHED_BLOCK_CYCLIC, 0},
        ScheduleForm{"block_cyclic_k", {"--schedule", "block-cyclic:4"}, MSC_SCHED_BLOCK_CYCLIC, 4},
        ScheduleForm{"dynamic", {"--schedule", "dynamic"}, MSC_SCHED_DYNAMIC, 0},
        ScheduleForm{"dynamic_k", {"--schedule", "dynamic:8"}, MSC_SCHED_DYNAMIC, 8},
        ScheduleForm{"dynamic_k_suffix", {"--schedule", "dynamic:2K"}, MSC_SCHED_DYNAMIC, 2000},
        ScheduleForm{"dynamic_k_max", {"--schedule", "dynamic:16777216"}, MSC_SCHED_DYNAMIC,
                     16777216},
        ScheduleForm{"guided", {"--schedule", "guided"}, MSC_SCHED_GUIDED, 0},
        ScheduleForm{"guided_min", {"--schedule", "guided:3"}, MSC_SCHED_GUIDED, 3},
        ScheduleForm{"weighted", {"--schedule", "weighted"}, MSC_SCHED_WEIGHTED, 0},
        ScheduleForm{"equals_form", {"--schedule=dynamic:8"}, MSC_SCHED_DYNAMIC, 8}),
    [](const ::testing::TestParamInfo<ScheduleForm> &info) {
        return std::string(info.param.label);
    });

TEST(Cli, ScheduleChunkIsKeptEvenWhenLargerThanTheSegments) {
    // Whether K fits the run is the plan's business (one chunk), not a usage error.
    const msc_options o = ParseOk({"-r", "100", "--schedule", "dynamic:1000"});
    EXPECT_EQ(o.segments, 100);
    EXPECT_EQ(o.schedule.chunk, 1000);
}

TEST(Cli, SlowRankGivesRankAndFactor) {
    msc_options o = ParseOk({"--slow-rank", "1:4"});
    EXPECT_EQ(o.slow_rank, 1);
    EXPECT_EQ(o.slow_factor, 4);
    o = ParseOk({"--slow-rank=3:2"});
    EXPECT_EQ(o.slow_rank, 3);
    EXPECT_EQ(o.slow_factor, 2);
}

TEST(Cli, SlowRankAcceptsItsBounds) {
    msc_options o = ParseOk({"--slow-rank", "0:1"});
    EXPECT_EQ(o.slow_rank, 0);
    EXPECT_EQ(o.slow_factor, 1);
    o = ParseOk({"--slow-rank", "0:100"});
    EXPECT_EQ(o.slow_factor, 100);
    // Whether the rank exists is known only under mpirun: the driver checks it.
    o = ParseOk({"--slow-rank", "4095:2"});
    EXPECT_EQ(o.slow_rank, 4095);
}

TEST(Cli, SlowRankAcceptsTheUsualIntegerForms) {
    const msc_options o = ParseOk({"--slow-rank", "1_0:1e1"});
    EXPECT_EQ(o.slow_rank, 10);
    EXPECT_EQ(o.slow_factor, 10);
}

TEST(Cli, ParamLongAndShortForms) {
    const msc_kernel *rf = msc_kernel_find("random_fill");
    msc_options o = ParseOk({"--kernel", "random_fill", "--param", "seed=7"});
    EXPECT_EQ(msc_params_get(rf, &o.params, "seed"), 7.0);
    o = ParseOk({"-k", "random_fill", "-p", "seed=8"});
    EXPECT_EQ(msc_params_get(rf, &o.params, "seed"), 8.0);
    const msc_kernel *am = msc_kernel_find("amdahl");
    o = ParseOk({"-k", "amdahl", "--param=serial=0.3"});
    EXPECT_EQ(msc_params_get(am, &o.params, "serial"), 0.3);
}

TEST(Cli, ParamIsRepeatableAndTheLastValueWins) {
    const msc_kernel *rf = msc_kernel_find("random_fill");
    const msc_options o = ParseOk({"-k", "random_fill", "-p", "seed=3", "-p", "seed=9"});
    EXPECT_EQ(msc_params_get(rf, &o.params, "seed"), 9.0);
}

TEST(Cli, EveryRepeatedParamIsValidated) {
    Argv a{"-k", "random_fill", "-p", "seed=3", "-p", "bogus=1"};
    msc_options o;
    std::string err;
    EXPECT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_NE(err.find("'bogus=1'"), std::string::npos) << err;
}

TEST(Cli, ParamMayComeBeforeKernel) {
    const msc_kernel *sl = msc_kernel_find("sleep");
    const msc_options o = ParseOk({"-p", "usec=5", "-k", "sleep"});
    EXPECT_EQ(o.kernel, sl);
    EXPECT_EQ(msc_params_get(sl, &o.params, "usec"), 5.0);
}

TEST(Cli, FlagsSerialBaselineAndQuiet) {
    msc_options o = ParseOk({"--serial-baseline", "--quiet"});
    EXPECT_EQ(o.serial_baseline, 1);
    EXPECT_EQ(o.quiet, 1);
    o = ParseOk({"-q"});
    EXPECT_EQ(o.quiet, 1);
    EXPECT_EQ(o.serial_baseline, 0);
}

TEST(Cli, JsonAndCsvPathsPointAtTheirArguments) {
    Argv a{"--json", "runs.jsonl", "--csv", "runs.csv"};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_OK) << err;
    ASSERT_NE(o.json_path, nullptr);
    ASSERT_NE(o.csv_path, nullptr);
    EXPECT_STREQ(o.json_path, "runs.jsonl");
    EXPECT_STREQ(o.csv_path, "runs.csv");
}

TEST(Cli, HelpListKernelsAndVersionActions) {
    EXPECT_EQ(ParseOk({"--help"}).action, MSC_ACTION_HELP);
    EXPECT_EQ(ParseOk({"-h"}).action, MSC_ACTION_HELP);
    EXPECT_EQ(ParseOk({"--list-kernels"}).action, MSC_ACTION_LIST_KERNELS);
    EXPECT_EQ(ParseOk({"-l"}).action, MSC_ACTION_LIST_KERNELS);
    EXPECT_EQ(ParseOk({"--version"}).action, MSC_ACTION_VERSION);
    EXPECT_EQ(ParseOk({"-V"}).action, MSC_ACTION_VERSION);
}

TEST(Cli, HelpStillLeavesAKernel) {
    // cli.h: the kernel is "never NULL after a successful parse".
    for (const char *flag : {"--help", "--list-kernels", "--version"}) {
        const msc_options o = ParseOk({flag});
        EXPECT_NE(o.kernel, nullptr) << flag;
    }
}

TEST(Cli, AllOptionsTogether) {
    Argv a{"-k",   "amdahl", "-r",         "-1K:1M",         "-s",    "64", "--schedule", "dynamic:8",
           "-p",   "serial=0.25", "--serial-baseline", "-q", "--json", "a.jsonl", "--csv",
           "b.csv", "--slow-rank", "2:3"};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_OK) << err;
    EXPECT_EQ(o.action, MSC_ACTION_RUN);
    EXPECT_EQ(o.kernel, msc_kernel_find("amdahl"));
    EXPECT_EQ(o.range.lo, -1000);
    EXPECT_EQ(o.range.hi, 1000000);
    EXPECT_EQ(o.segments, 64);
    EXPECT_EQ(o.schedule.kind, MSC_SCHED_DYNAMIC);
    EXPECT_EQ(o.schedule.chunk, 8);
    EXPECT_EQ(o.slow_rank, 2);
    EXPECT_EQ(o.slow_factor, 3);
    EXPECT_EQ(o.params.value[0], 0.25);
    EXPECT_EQ(o.serial_baseline, 1);
    EXPECT_EQ(o.quiet, 1);
    EXPECT_STREQ(o.json_path, "a.jsonl");
    EXPECT_STREQ(o.csv_path, "b.csv");
}

// ---- bad input ---------------------------------------------------------------------------------

struct BadCli {
    const char *label;
    std::vector<const char *> args;
    msc_status want;
    std::vector<const char *> must_contain;  // e.g. the option name and the quoted value
};

void PrintTo(const BadCli &c, std::ostream *os) { *os << c.label; }

class CliRejects : public ::testing::TestWithParam<BadCli> {};

TEST_P(CliRejects, WithStatusAndMessageNamingOptionAndValue) {
    const BadCli &c = GetParam();
    std::vector<std::string> storage = {"mpiscale"};
    for (const char *a : c.args) storage.push_back(a);
    std::vector<char *> ptrs;
    for (std::string &s : storage) ptrs.push_back(&s[0]);
    ptrs.push_back(nullptr);
    msc_options o;
    char err[512];
    std::memset(err, 0, sizeof err);
    const msc_status st =
        msc_cli_parse(static_cast<int>(storage.size()), ptrs.data(), &o, err, sizeof err);
    EXPECT_EQ(st, c.want) << c.label << ": " << err;
    const std::string e(err);
    EXPECT_EQ(e.find('\n'), std::string::npos) << "message must be one line: " << e;
    for (const char *needle : c.must_contain)
        EXPECT_NE(e.find(needle), std::string::npos) << "'" << needle << "' missing from: " << e;
}

INSTANTIATE_TEST_SUITE_P(
    Cli, CliRejects,
    ::testing::Values(
        BadCli{"range_end_before_start", {"--range", "12:5"}, MSC_ERR_USAGE,
               {"--range: '12:5': end must be greater than start"}},
        BadCli{"range_empty", {"-r", "5:5"}, MSC_ERR_USAGE, {"--range", "'5:5'"}},
        BadCli{"range_junk", {"--range", "abc"}, MSC_ERR_USAGE, {"--range", "'abc'"}},
        BadCli{"range_trailing_junk", {"--range", "100x"}, MSC_ERR_USAGE, {"--range", "'100x'"}},
        BadCli{"range_overflow",
               {"-r", "-9223372036854775808:9223372036854775807"},
               MSC_ERR_RANGE,
               {"--range", "'-9223372036854775808:9223372036854775807'"}},
        BadCli{"range_beyond_do_math_limit",
               {"--range", "0:9223372036854775807"},
               MSC_ERR_RANGE,
               {"--range", "'0:9223372036854775807'"}},
        BadCli{"range_beyond_sum_squares_limit",
               {"-k", "sum_squares", "-r", "0:4611686018427387904"},
               MSC_ERR_RANGE,
               {"--range", "'0:4611686018427387904'"}},
        BadCli{"range_beyond_primes_limit",
               {"-k", "primes", "-r", "0:5000G"},
               MSC_ERR_RANGE,
               {"--range", "'0:5000G'"}},
        BadCli{"segments_zero", {"--segments", "0"}, MSC_ERR_USAGE, {"--segments", "'0'"}},
        BadCli{"segments_negative", {"--segments", "-3"}, MSC_ERR_USAGE, {"--segments", "'-3'"}},
        BadCli{"segments_junk", {"-s", "abc"}, MSC_ERR_USAGE, {"--segments", "'abc'"}},
        BadCli{"segments_trailing_junk", {"--segments", "100x"}, MSC_ERR_USAGE,
               {"--segments", "'100x'"}},
        BadCli{"segments_fraction", {"--segments", "1.5"}, MSC_ERR_USAGE,
               {"--segments", "'1.5'"}},
        BadCli{"segments_above_max", {"--segments", "16777217"}, MSC_ERR_USAGE,
               {"--segments", "'16777217'"}},
        BadCli{"segments_overflow", {"--segments", "9223372036854775808"}, MSC_ERR_USAGE,
               {"--segments", "'9223372036854775808'"}},
        BadCli{"unknown_kernel", {"--kernel", "nope"}, MSC_ERR_USAGE, {"--kernel", "'nope'"}},
        BadCli{"empty_kernel", {"-k", ""}, MSC_ERR_USAGE, {"--kernel", "''"}},
        BadCli{"unknown_schedule", {"--schedule", "static"}, MSC_ERR_USAGE,
               {"--schedule: 'static': unknown schedule (accepted: block, cyclic, "
                "block-cyclic[:K], dynamic[:K], guided[:MIN], weighted)"}},
        BadCli{"empty_schedule", {"--schedule", ""}, MSC_ERR_USAGE,
               {"--schedule: '': unknown schedule"}},
        BadCli{"schedule_wrong_case", {"--schedule", "Dynamic"}, MSC_ERR_USAGE,
               {"--schedule: 'Dynamic': unknown schedule"}},
        BadCli{"schedule_chunk_on_block", {"--schedule", "block:4"}, MSC_ERR_USAGE,
               {"--schedule: 'block:4': block takes no ':' parameter"}},
        BadCli{"schedule_chunk_on_cyclic", {"--schedule", "cyclic:1"}, MSC_ERR_USAGE,
               {"--schedule: 'cyclic:1': cyclic takes no ':' parameter"}},
        BadCli{"schedule_chunk_on_weighted", {"--schedule", "weighted:2"}, MSC_ERR_USAGE,
               {"--schedule: 'weighted:2': weighted takes no ':' parameter"}},
        BadCli{"schedule_chunk_zero", {"--schedule", "dynamic:0"}, MSC_ERR_USAGE,
               {"--schedule: 'dynamic:0': chunk must be between 1 and 16777216 segments"}},
        BadCli{"schedule_min_zero", {"--schedule", "guided:0"}, MSC_ERR_USAGE,
               {"--schedule: 'guided:0': chunk must be between 1 and 16777216 segments"}},
        BadCli{"schedule_chunk_negative", {"--schedule", "block-cyclic:-2"}, MSC_ERR_USAGE,
               {"--schedule: 'block-cyclic:-2': chunk must be between 1 and 16777216 segments"}},
        BadCli{"schedule_chunk_above_max", {"--schedule", "dynamic:16777217"}, MSC_ERR_USAGE,
               {"--schedule: 'dynamic:16777217': chunk must be between 1 and 16777216 segments"}},
        BadCli{"schedule_chunk_empty", {"--schedule", "dynamic:"}, MSC_ERR_USAGE,
               {"--schedule: 'dynamic:': chunk: not an integer"}},
        BadCli{"schedule_chunk_junk", {"--schedule", "guided:x"}, MSC_ERR_USAGE,
               {"--schedule: 'guided:x': chunk: not an integer"}},
        BadCli{"schedule_chunk_fraction", {"--schedule", "dynamic:2.5"}, MSC_ERR_USAGE,
               {"--schedule: 'dynamic:2.5': chunk: not a whole number"}},
        BadCli{"missing_schedule_value", {"--schedule"}, MSC_ERR_USAGE,
               {"--schedule: missing value"}},
        BadCli{"slow_rank_without_factor", {"--slow-rank", "1"}, MSC_ERR_USAGE,
               {"--slow-rank: '1': expected RANK:FACTOR"}},
        BadCli{"slow_rank_empty", {"--slow-rank", ""}, MSC_ERR_USAGE,
               {"--slow-rank: '': expected RANK:FACTOR"}},
        BadCli{"slow_rank_negative", {"--slow-rank", "-1:2"}, MSC_ERR_USAGE,
               {"--slow-rank: '-1:2': RANK must be an integer from 0 to 1000000"}},
        BadCli{"slow_rank_missing_rank", {"--slow-rank", ":2"}, MSC_ERR_USAGE,
               {"--slow-rank: ':2': RANK must be an integer from 0 to 1000000"}},
        BadCli{"slow_rank_junk_rank", {"--slow-rank", "x:2"}, MSC_ERR_USAGE,
               {"--slow-rank: 'x:2': RANK must be an integer from 0 to 1000000"}},
        BadCli{"slow_rank_fraction_rank", {"--slow-rank", "1.5:2"}, MSC_ERR_USAGE,
               {"--slow-rank: '1.5:2': RANK must be an integer from 0 to 1000000"}},
        BadCli{"slow_rank_overlong_rank", {"--slow-rank", "000000000000000000000000000000001:2"},
               MSC_ERR_USAGE,
               {"--slow-rank: '000000000000000000000000000000001:2': expected RANK:FACTOR"}},
        BadCli{"slow_rank_factor_zero", {"--slow-rank", "1:0"}, MSC_ERR_USAGE,
               {"--slow-rank: '1:0': FACTOR must be an integer from 1 to 100"}},
        BadCli{"slow_rank_factor_above_max", {"--slow-rank", "1:101"}, MSC_ERR_USAGE,
               {"--slow-rank: '1:101': FACTOR must be an integer from 1 to 100"}},
        BadCli{"slow_rank_factor_negative", {"--slow-rank", "1:-2"}, MSC_ERR_USAGE,
               {"--slow-rank: '1:-2': FACTOR must be an integer from 1 to 100"}},
        BadCli{"slow_rank_factor_fraction", {"--slow-rank", "1:1.5"}, MSC_ERR_USAGE,
               {"--slow-rank: '1:1.5': FACTOR must be an integer from 1 to 100"}},
        BadCli{"slow_rank_factor_empty", {"--slow-rank", "1:"}, MSC_ERR_USAGE,
               {"--slow-rank: '1:': FACTOR must be an integer from 1 to 100"}},
        BadCli{"slow_rank_factor_junk", {"--slow-rank", "1:2x"}, MSC_ERR_USAGE,
               {"--slow-rank: '1:2x': FACTOR must be an integer from 1 to 100"}},
        BadCli{"slow_rank_three_fields", {"--slow-rank", "1:2:3"}, MSC_ERR_USAGE,
               {"--slow-rank: '1:2:3': FACTOR must be an integer from 1 to 100"}},
        BadCli{"missing_slow_rank_value", {"--slow-rank"}, MSC_ERR_USAGE,
               {"--slow-rank: missing value"}},
        BadCli{"param_unknown_key", {"--param", "bogus=1"}, MSC_ERR_USAGE,
               {"--param", "'bogus=1'"}},
        BadCli{"param_bad_value", {"-k", "random_fill", "-p", "seed=x"}, MSC_ERR_USAGE,
               {"--param", "'seed=x'"}},
        BadCli{"param_out_of_bounds", {"-k", "amdahl", "-p", "serial=0.99"}, MSC_ERR_USAGE,
               {"--param", "'serial=0.99'"}},
        BadCli{"param_without_equals", {"-k", "sleep", "-p", "usec"}, MSC_ERR_USAGE,
               {"--param", "'usec'"}},
        BadCli{"unknown_long_option", {"--bogus"}, MSC_ERR_USAGE, {"--bogus"}},
        BadCli{"unknown_long_option_with_value", {"--bogus=3"}, MSC_ERR_USAGE, {"--bogus"}},
        BadCli{"unknown_short_option", {"-x"}, MSC_ERR_USAGE, {"-x"}},
        BadCli{"flag_given_a_value", {"--quiet=1"}, MSC_ERR_USAGE, {"--quiet"}},
        BadCli{"missing_range_value", {"--range"}, MSC_ERR_USAGE, {"--range"}},
        BadCli{"missing_short_range_value", {"-r"}, MSC_ERR_USAGE, {"--range"}},
        BadCli{"missing_kernel_value", {"-k"}, MSC_ERR_USAGE, {"--kernel"}},
        BadCli{"missing_segments_value", {"--segments"}, MSC_ERR_USAGE, {"--segments"}},
        BadCli{"missing_json_value", {"--json"}, MSC_ERR_USAGE, {"--json"}},
        BadCli{"missing_csv_value", {"--csv"}, MSC_ERR_USAGE, {"--csv"}},
        BadCli{"missing_param_value", {"-p"}, MSC_ERR_USAGE, {"--param"}},
        BadCli{"empty_json_path", {"--json", ""}, MSC_ERR_USAGE, {"--json"}},
        BadCli{"empty_csv_path", {"--csv", ""}, MSC_ERR_USAGE, {"--csv"}},
        BadCli{"json_and_csv_same_file", {"--json", "out.txt", "--csv", "out.txt"},
               MSC_ERR_USAGE, {"'out.txt'"}},
        BadCli{"positional_argument", {"stray"}, MSC_ERR_USAGE, {"'stray'"}},
        BadCli{"positional_after_options", {"-r", "0:100", "extra"}, MSC_ERR_USAGE,
               {"'extra'"}},
        BadCli{"positional_number", {"100"}, MSC_ERR_USAGE, {"'100'"}}),
    [](const ::testing::TestParamInfo<BadCli> &info) { return std::string(info.param.label); });

TEST(Cli, RangeErrorMessageIsExactlyOptionValueReason) {
    Argv a{"--range", "12:5"};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--range: '12:5': end must be greater than start");
}

TEST(Cli, SegmentsErrorMessageIsExact) {
    Argv a{"--segments", "0"};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--segments: '0': must be between 1 and 16777216");
}

TEST(Cli, UnknownKernelMessageIsExact) {
    Argv a{"-k", "nope"};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--kernel: 'nope': unknown kernel (see --list-kernels)");
}

TEST(Cli, MissingValueMessageIsExact) {
    Argv a{"--range"};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--range: missing value");
}

TEST(Cli, ScheduleErrorMessageIsExactlyOptionValueReason) {
    Argv a{"--schedule", "dynamic:0"};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--schedule: 'dynamic:0': chunk must be between 1 and 16777216 segments");
}

TEST(Cli, SlowRankErrorMessagesAreExact) {
    msc_options o;
    std::string err;
    Argv a{"--slow-rank", "3"};
    ASSERT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--slow-rank: '3': expected RANK:FACTOR");
    Argv b{"--slow-rank", "3:0"};
    ASSERT_EQ(Parse(b, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--slow-rank: '3:0': FACTOR must be an integer from 1 to 100");
    Argv c{"--slow-rank", "-3:2"};
    ASSERT_EQ(Parse(c, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--slow-rank: '-3:2': RANK must be an integer from 0 to 1000000");
}

TEST(Cli, ToleratesNullErrorBuffer) {
    Argv a{"--range", "12:5"};
    msc_options o;
    EXPECT_EQ(msc_cli_parse(a.argc(), a.argv(), &o, nullptr, 0), MSC_ERR_USAGE);
}

// ---- repeated parsing --------------------------------------------------------------------------

TEST(Cli, ParsingTwiceInARowStartsAfresh) {
    msc_options a = ParseOk({"-k", "pi", "-r", "0:1000", "-q", "-s", "10", "--schedule",
                             "guided:4", "--slow-rank", "1:5"});
    EXPECT_EQ(a.kernel, msc_kernel_find("pi"));
    msc_options b = ParseOk({"-r", "5:10"});
    EXPECT_EQ(b.schedule.kind, MSC_SCHED_BLOCK);
    EXPECT_EQ(b.slow_rank, -1);
    EXPECT_EQ(b.kernel, msc_kernel_find("do_math"));
    EXPECT_EQ(b.range.lo, 5);
    EXPECT_EQ(b.range.hi, 10);
    EXPECT_EQ(b.quiet, 0);
    EXPECT_EQ(b.segments_requested, MSC_DEFAULT_SEGMENTS);
    EXPECT_EQ(b.segments, 5);
}

TEST(Cli, ParsingAfterAnErrorMidwayStartsAfresh) {
    // The error stops getopt inside a bundle of short options; the next parse must not resume it.
    Argv bad{"-qx", "-k", "pi"};
    msc_options o;
    std::string err;
    EXPECT_EQ(Parse(bad, &o, &err), MSC_ERR_USAGE);
    const msc_options a = ParseOk({"-q"});
    EXPECT_EQ(a.quiet, 1);
    EXPECT_EQ(a.kernel, msc_kernel_find("do_math"));
    const msc_options b = ParseOk({});
    EXPECT_EQ(b.quiet, 0);
    Argv bad2{"-r", "0:10", "--bogus", "-q"};
    EXPECT_EQ(Parse(bad2, &o, &err), MSC_ERR_USAGE);
    const msc_options c = ParseOk({"-s", "3", "-r", "0:10"});
    EXPECT_EQ(c.segments, 3);
    EXPECT_EQ(c.quiet, 0);
}

TEST(Cli, ManyParsesGiveTheSameAnswer) {
    for (int i = 0; i < 50; ++i) {
        const msc_options o = ParseOk({"-k", "sum_squares", "-r", "-5:5", "-s", "3"});
        ASSERT_EQ(o.kernel, msc_kernel_find("sum_squares")) << i;
        ASSERT_EQ(o.range.lo, -5) << i;
        ASSERT_EQ(o.segments, 3) << i;
    }
}

// ---- help and list texts -----------------------------------------------------------------------

std::string Capture(void (*write)(FILE *)) { return CaptureFile(write); }

std::vector<std::string> Lines(const std::string &text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

std::string Help() {
    return Capture([](FILE *f) { msc_cli_help(f, "mpiscale"); });
}

TEST(Cli, HelpNamesEveryKernel) {
    const std::string h = Help();
    for (size_t i = 0; i < msc_kernel_count(); ++i)
        EXPECT_NE(h.find(msc_kernel_at(i)->name), std::string::npos) << msc_kernel_at(i)->name;
}

TEST(Cli, HelpNamesEveryOption) {
    const std::string h = Help();
    for (const char *opt : {"--kernel", "-k", "--range", "-r", "--segments", "-s", "--schedule",
                            "--param", "-p", "--serial-baseline", "--slow-rank", "--quiet", "-q",
                            "--json", "--csv", "--sweep", "--repeat", "--warmup", "--weak",
                            "--repeat auto[:CAP]", "--precision", "--calibrate", "--progress",
                            "--no-progress", "--target-speedup", "--min-efficiency",
                            "--help", "-h", "--list-kernels", "-l", "--version", "-V"})
        EXPECT_NE(h.find(opt), std::string::npos) << opt;
}

TEST(Cli, HelpNamesEveryScheduleAndItsChunkForm) {
    const std::string h = Help();
    for (const char *form : {"block", "cyclic", "block-cyclic:K", "dynamic:K", "guided:MIN",
                             "weighted"})
        EXPECT_NE(h.find(form), std::string::npos) << form;
}

TEST(Cli, HelpNamesEveryPhase) {
    const std::string h = Help();
    for (const char *phase : {"init", "setup", "baseline", "serial", "calibrate", "scatter",
                              "compute", "gather", "combine", "verify"})
        EXPECT_NE(h.find(phase), std::string::npos) << phase;
}

TEST(Cli, HelpListsEveryExitCode) {
    // Each code starts a line of its own in the exit status section: "  70  internal error".
    const std::vector<std::string> lines = Lines(Help());
    for (const char *code : {"0", "2", "3", "4", "70"}) {
        bool found = false;
        for (const std::string &l : lines) {
            const size_t b = l.find_first_not_of(' ');
            if (b == std::string::npos || b == 0) continue;
            const std::string rest = l.substr(b);
            const size_t n = std::strlen(code);
            if (rest.compare(0, n, code) == 0 && rest.size() > n && rest[n] == ' ') found = true;
        }
        EXPECT_TRUE(found) << "exit code " << code << " not listed";
    }
}

TEST(Cli, HelpUsesTheProgramName) {
    const std::string h = Capture([](FILE *f) { msc_cli_help(f, "my-prog-name"); });
    EXPECT_NE(h.find("my-prog-name"), std::string::npos);
    EXPECT_EQ(h.find("%s"), std::string::npos);
}

TEST(Cli, HelpNamesKernelParametersWithDefaults) {
    const std::string h = Help();
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        for (int j = 0; j < k->n_params; ++j)
            EXPECT_NE(h.find(std::string(k->params[j].name) + "="), std::string::npos)
                << k->name << " " << k->params[j].name;
    }
}

std::string ListKernels() { return Capture([](FILE *f) { msc_cli_list_kernels(f); }); }

TEST(Cli, ListKernelsStartsALineWithEveryKernelAndItsDefaultRange) {
    const std::vector<std::string> lines = Lines(ListKernels());
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        bool found = false;
        for (const std::string &l : lines) {
            if (l.compare(0, std::strlen(k->name), k->name) != 0) continue;
            const char next = l.size() > std::strlen(k->name) ? l[std::strlen(k->name)] : ' ';
            if (next != ' ' && next != '\t') continue;
            found = true;
            EXPECT_NE(l.find(k->default_range), std::string::npos) << l;
        }
        EXPECT_TRUE(found) << k->name << " does not start a line";
    }
}

TEST(Cli, ListKernelsMentionsSummariesAndParameters) {
    const std::string t = ListKernels();
    for (size_t i = 0; i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        EXPECT_NE(t.find(k->summary), std::string::npos) << k->name;
        for (int j = 0; j < k->n_params; ++j)
            EXPECT_NE(t.find(k->params[j].name), std::string::npos) << k->params[j].name;
    }
}

TEST(Cli, ListKernelsWritesOneLinePerKernel) {
    // cli.h: "one line per registered kernel (name, default range, parameters, summary)".
    const std::vector<std::string> lines = Lines(ListKernels());
    EXPECT_EQ(lines.size(), msc_kernel_count());
    for (size_t i = 0; i < lines.size() && i < msc_kernel_count(); ++i) {
        const msc_kernel *k = msc_kernel_at(i);
        EXPECT_NE(lines[i].find(k->name), std::string::npos) << lines[i];
        EXPECT_NE(lines[i].find(k->summary), std::string::npos) << lines[i];
    }
}

// Integer bounds are printed exactly, so a user can type the largest accepted value back.
TEST(Cli, HelpAndListPrintIntegerBoundsThatParse) {
    const std::string expected = "seed=1 (0 to 9007199254740992)";
    EXPECT_NE(Help().find(expected), std::string::npos);
    EXPECT_NE(ListKernels().find(expected), std::string::npos);
    const msc_kernel *k = msc_kernel_find("random_fill");
    const char *kv[] = {"seed=9007199254740992"};
    msc_params p;
    char err[256] = "";
    EXPECT_EQ(msc_params_parse(k, kv, 1, &p, err, sizeof err), MSC_OK) << err;
}


// ---- sweeps: --sweep, --repeat, --warmup, --weak ----------------------------------------------

std::vector<int> SweepList(const msc_options &o) {
    return std::vector<int>(o.sweep_list, o.sweep_list + o.sweep_len);
}

// The exact one-line message of a refused command line (and its status, checked to be `want`).
std::string RefusalOf(Argv a, msc_status want = MSC_ERR_USAGE) {
    msc_options o;
    std::string err;
    EXPECT_EQ(Parse(a, &o, &err), want) << a.Joined();
    return err;
}

TEST(CliSweep, WithoutSweepOptionsThereIsOneRunOnAllRanks) {
    const msc_options o = ParseOk({"-r", "0:1000"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_NONE);
    EXPECT_EQ(o.sweep_len, 0);
    EXPECT_EQ(o.repeat, 1);
    EXPECT_EQ(o.warmup, 0);
    EXPECT_EQ(o.weak, 0);
}

TEST(CliSweep, ListIsSortedAndDeduplicated) {
    const msc_options o = ParseOk({"--sweep", "8,2,4,2,1,8"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(SweepList(o), (std::vector<int>{1, 2, 4, 8}));
    EXPECT_EQ(o.repeat, 1);
    EXPECT_EQ(o.warmup, 0);
    EXPECT_EQ(o.weak, 0);
}

TEST(CliSweep, ListOfOneCountIsThatCount) {
    const msc_options o = ParseOk({"--sweep", "3"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(SweepList(o), (std::vector<int>{3}));
}

TEST(CliSweep, ListOfOneRepeatedCountIsThatCountOnce) {
    const msc_options o = ParseOk({"--sweep", "2,2,2"});
    EXPECT_EQ(SweepList(o), (std::vector<int>{2}));
}

TEST(CliSweep, EqualsFormIsAccepted) {
    const msc_options o = ParseOk({"--sweep=4,1"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(SweepList(o), (std::vector<int>{1, 4}));
}

TEST(CliSweep, ListAcceptsTheBoundsOneAndAMillion) {
    const msc_options o = ParseOk({"--sweep", "1000000,1"});
    EXPECT_EQ(SweepList(o), (std::vector<int>{1, 1000000}));
}

TEST(CliSweep, ListAcceptsSixtyFourCountsAndRefusesSixtyFive) {
    std::string list64, list65;
    for (int p = 1; p <= 64; ++p) list64 += (p > 1 ? "," : "") + std::to_string(p);
    list65 = list64 + ",65";
    Argv a{"--sweep", list64.c_str()};
    msc_options o;
    std::string err;
    ASSERT_EQ(Parse(a, &o, &err), MSC_OK) << err;
    ASSERT_EQ(o.sweep_len, MSC_MAX_SWEEP);
    EXPECT_EQ(o.sweep_list[0], 1);
    EXPECT_EQ(o.sweep_list[63], 64);
    EXPECT_EQ(RefusalOf({"--sweep", list65.c_str()}),
              "--sweep: '" + list65 + "': more than 64 rank counts");
}

TEST(CliSweep, Pow2AndAllAreKindsWithoutAList) {
    const msc_options pow2 = ParseOk({"--sweep", "pow2"});
    EXPECT_EQ(pow2.sweep, MSC_SWEEP_POW2);
    EXPECT_EQ(pow2.sweep_len, 0);
    const msc_options all = ParseOk({"--sweep", "all"});
    EXPECT_EQ(all.sweep, MSC_SWEEP_ALL);
    EXPECT_EQ(all.sweep_len, 0);
}

// An option given twice is an edited job-script line gone wrong: refused, naming the option,
// whatever the values and however the option is spelled (short, long, --name=value).
TEST(CliRepeated, EveryOptionGivenTwiceIsRefusedNamingIt) {
    struct {
        Argv argv;
        const char *msg;
    } cases[] = {
        {{"--sweep", "1,2", "--sweep", "pow2"}, "--sweep: given more than once"},
        {{"--repeat", "auto", "--repeat", "4"}, "--repeat: given more than once"},
        {{"--schedule", "cyclic", "--schedule=guided:2"}, "--schedule: given more than once"},
        {{"-r", "0:10", "--range", "0:10"}, "--range: given more than once"},
        {{"-k", "pi", "-k", "pi"}, "--kernel: given more than once"},
        {{"-s", "4", "--segments=4"}, "--segments: given more than once"},
        {{"--json", "a", "--json", "b"}, "--json: given more than once"},
        {{"--checkpoint", "a", "--checkpoint", "a"}, "--checkpoint: given more than once"},
        {{"--weak", "--weak"}, "--weak: given more than once"},
        {{"-q", "-q"}, "--quiet: given more than once"},
    };
    for (auto &c : cases) {
        msc_options o;
        std::string err;
        EXPECT_EQ(Parse(c.argv, &o, &err), MSC_ERR_USAGE) << c.argv.Joined();
        EXPECT_EQ(err, c.msg) << c.argv.Joined();
    }
}

TEST(CliRepeated, ParamsRepeatAndProgressLastWins) {
    const msc_options a = ParseOk({"-k", "heavy_tail", "-p", "seed=3", "--param", "alpha=2"});
    EXPECT_EQ(a.params.count, 2);
    const msc_options b = ParseOk({"--progress", "--no-progress", "--progress"});
    EXPECT_EQ(b.progress, MSC_PROGRESS_ON);
}

TEST(CliSweep, RepeatWarmupAndWeakAreKeptWithAList) {
    const msc_options o =
        ParseOk({"--sweep", "1,2,4", "--repeat", "5", "--warmup", "2", "--weak"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(SweepList(o), (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(o.repeat, 5);
    EXPECT_EQ(o.warmup, 2);
    EXPECT_EQ(o.weak, 1);
}

TEST(CliSweep, RepeatAloneSweepsTheLaunchsOwnRankCount) {
    const msc_options o = ParseOk({"--repeat", "7"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(o.sweep_len, 0);
    EXPECT_EQ(o.repeat, 7);
    EXPECT_EQ(o.warmup, 0);
}

TEST(CliSweep, RepeatOfOneAloneStillMeansASweep) {
    const msc_options o = ParseOk({"--repeat", "1"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(o.sweep_len, 0);
}

TEST(CliSweep, WarmupAloneSweepsTheLaunchsOwnRankCount) {
    const msc_options o = ParseOk({"--warmup", "3"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(o.sweep_len, 0);
    EXPECT_EQ(o.warmup, 3);
    EXPECT_EQ(o.repeat, 1);
}

TEST(CliSweep, WarmupOfZeroAloneStillMeansASweep) {
    const msc_options o = ParseOk({"--warmup", "0"});
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(o.sweep_len, 0);
    EXPECT_EQ(o.warmup, 0);
}

TEST(CliSweep, WeakAloneIsAWeakSweepOfTheLaunchsOwnRankCount) {
    const msc_options o = ParseOk({"--weak"});
    EXPECT_EQ(o.weak, 1);
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST);
    EXPECT_EQ(o.sweep_len, 0);
    EXPECT_EQ(o.repeat, 1);
    EXPECT_EQ(o.warmup, 0);
}

TEST(CliSweep, WeakTakesNoValue) {
    EXPECT_EQ(RefusalOf({"--weak=1"}), "--weak: takes no value");
}

TEST(CliSweep, RepeatAcceptsItsBounds) {
    EXPECT_EQ(ParseOk({"--repeat", "1"}).repeat, 1);
    EXPECT_EQ(ParseOk({"--repeat", "1000"}).repeat, MSC_MAX_REPEAT);
    EXPECT_EQ(ParseOk({"--repeat=12"}).repeat, 12);
}

TEST(CliSweep, WarmupAcceptsItsBounds) {
    EXPECT_EQ(ParseOk({"--warmup", "0"}).warmup, 0);
    EXPECT_EQ(ParseOk({"--warmup", "1000"}).warmup, MSC_MAX_REPEAT);
    EXPECT_EQ(ParseOk({"--warmup=4"}).warmup, 4);
}

struct BadSweep {
    const char *label;
    std::vector<const char *> args;
    const char *message;  // the whole error line
};

void PrintTo(const BadSweep &c, std::ostream *os) { *os << c.label; }

class CliSweepRejects : public ::testing::TestWithParam<BadSweep> {};

TEST_P(CliSweepRejects, WithUsageErrorAndTheExactMessage) {
    const BadSweep &c = GetParam();
    std::vector<std::string> storage = {"mpiscale"};
    for (const char *a : c.args) storage.push_back(a);
    std::vector<char *> ptrs;
    for (std::string &s : storage) ptrs.push_back(&s[0]);
    ptrs.push_back(nullptr);
    msc_options o;
    char err[512];
    std::memset(err, 0, sizeof err);
    EXPECT_EQ(msc_cli_parse(static_cast<int>(storage.size()), ptrs.data(), &o, err, sizeof err),
              MSC_ERR_USAGE);
    EXPECT_STREQ(err, c.message);
}

#define RANK_COUNT "a rank count must be an integer from 1 to 1000000"
#define EXPECTED_FORMS "expected pow2, all or a list like 1,2,4"

INSTANTIATE_TEST_SUITE_P(
    Cli, CliSweepRejects,
    ::testing::Values(
        BadSweep{"sweep_word", {"--sweep", "x"}, "--sweep: 'x': 'x': " RANK_COUNT},
        BadSweep{"sweep_zero", {"--sweep", "0"}, "--sweep: '0': '0': " RANK_COUNT},
        BadSweep{"sweep_negative", {"--sweep", "-2"}, "--sweep: '-2': '-2': " RANK_COUNT},
        BadSweep{"sweep_above_a_million", {"--sweep", "1000001"},
                 "--sweep: '1000001': '1000001': " RANK_COUNT},
        BadSweep{"sweep_fraction", {"--sweep", "1.5"}, "--sweep: '1.5': '1.5': " RANK_COUNT},
        BadSweep{"sweep_bad_item_in_a_list", {"--sweep", "1,0,4"},
                 "--sweep: '1,0,4': '0': " RANK_COUNT},
        BadSweep{"sweep_junk_item_in_a_list", {"--sweep", "2,4x"},
                 "--sweep: '2,4x': '4x': " RANK_COUNT},
        BadSweep{"sweep_wrong_case_pow2", {"--sweep", "Pow2"},
                 "--sweep: 'Pow2': 'Pow2': " RANK_COUNT},
        BadSweep{"sweep_pow2_in_a_list", {"--sweep", "pow2,4"},
                 "--sweep: 'pow2,4': 'pow2': " RANK_COUNT},
        BadSweep{"sweep_all_in_a_list", {"--sweep", "1,all"},
                 "--sweep: '1,all': 'all': " RANK_COUNT},
        BadSweep{"sweep_empty", {"--sweep", ""}, "--sweep: '': " EXPECTED_FORMS},
        BadSweep{"sweep_empty_item", {"--sweep", "1,,2"}, "--sweep: '1,,2': " EXPECTED_FORMS},
        BadSweep{"sweep_trailing_comma", {"--sweep", "1,2,"}, "--sweep: '1,2,': " EXPECTED_FORMS},
        BadSweep{"sweep_leading_comma", {"--sweep", ",1"}, "--sweep: ',1': " EXPECTED_FORMS},
        BadSweep{"sweep_overlong_item", {"--sweep", "000000000000000000000000000000001"},
                 "--sweep: '000000000000000000000000000000001': " EXPECTED_FORMS},
        BadSweep{"sweep_missing_value", {"--sweep"}, "--sweep: missing value"},
        BadSweep{"repeat_zero", {"--repeat", "0"},
                 "--repeat: '0': must be an integer from 1 to 1000"},
        BadSweep{"repeat_above_max", {"--repeat", "1001"},
                 "--repeat: '1001': must be an integer from 1 to 1000"},
        BadSweep{"repeat_negative", {"--repeat", "-1"},
                 "--repeat: '-1': must be an integer from 1 to 1000"},
        BadSweep{"repeat_junk", {"--repeat", "x"},
                 "--repeat: 'x': must be an integer from 1 to 1000"},
        BadSweep{"repeat_fraction", {"--repeat", "2.5"},
                 "--repeat: '2.5': must be an integer from 1 to 1000"},
        BadSweep{"repeat_empty", {"--repeat", ""},
                 "--repeat: '': must be an integer from 1 to 1000"},
        BadSweep{"repeat_missing_value", {"--repeat"}, "--repeat: missing value"},
        BadSweep{"warmup_negative", {"--warmup", "-1"},
                 "--warmup: '-1': must be an integer from 0 to 1000"},
        BadSweep{"warmup_above_max", {"--warmup", "1001"},
                 "--warmup: '1001': must be an integer from 0 to 1000"},
        BadSweep{"warmup_junk", {"--warmup", "two"},
                 "--warmup: 'two': must be an integer from 0 to 1000"},
        BadSweep{"warmup_missing_value", {"--warmup"}, "--warmup: missing value"}),
    [](const ::testing::TestParamInfo<BadSweep> &info) { return std::string(info.param.label); });

#undef RANK_COUNT
#undef EXPECTED_FORMS

TEST(CliSweep, SerialBaselineIsRefusedWithAnySweepForm) {
    const std::string why =
        "--serial-baseline: not in a sweep (--sweep, --repeat, --warmup or --weak), which measures T1 at p = 1 itself: add 1 to --sweep instead";
    EXPECT_EQ(RefusalOf({"--serial-baseline", "--sweep", "1,2"}), why);
    EXPECT_EQ(RefusalOf({"--sweep", "pow2", "--serial-baseline"}), why);
    EXPECT_EQ(RefusalOf({"--sweep", "all", "--serial-baseline"}), why);
    EXPECT_EQ(RefusalOf({"--serial-baseline", "--repeat", "3"}), why);
    EXPECT_EQ(RefusalOf({"--serial-baseline", "--warmup", "1"}), why);
    EXPECT_EQ(RefusalOf({"--weak", "--serial-baseline"}), why);
    EXPECT_EQ(RefusalOf({"--serial-baseline", "--warmup", "1"}), why);
    EXPECT_EQ(RefusalOf({"--serial-baseline", "--weak"}), why);
}

TEST(CliSweep, SerialBaselineWithoutASweepIsStillAccepted) {
    const msc_options o = ParseOk({"--serial-baseline"});
    EXPECT_EQ(o.serial_baseline, 1);
    EXPECT_EQ(o.sweep, MSC_SWEEP_NONE);
}

TEST(CliSweep, HelpAndVersionIgnoreSweepValuesThatAreNeverUsed) {
    // Actions other than running return before values are validated, as they do for --range.
    EXPECT_EQ(ParseOk({"--sweep", "x", "--help"}).action, MSC_ACTION_HELP);
    EXPECT_EQ(ParseOk({"--repeat", "0", "--serial-baseline", "--version"}).action,
              MSC_ACTION_VERSION);
}

TEST(CliSweep, ParsingAfterASweepStartsAfresh) {
    const msc_options a =
        ParseOk({"--sweep", "1,2,4", "--repeat", "9", "--warmup", "2", "--weak"});
    EXPECT_EQ(a.sweep, MSC_SWEEP_LIST);
    const msc_options b = ParseOk({"-r", "0:100"});
    EXPECT_EQ(b.sweep, MSC_SWEEP_NONE);
    EXPECT_EQ(b.sweep_len, 0);
    EXPECT_EQ(b.repeat, 1);
    EXPECT_EQ(b.warmup, 0);
    EXPECT_EQ(b.weak, 0);
}

// ---- msc_sweep_points ---------------------------------------------------------------------------

// The points of a sweep on world_size ranks; *st and *err receive the outcome.
std::vector<int> PointsOf(const msc_options &o, int world_size, msc_status *st = nullptr,
                          std::string *err = nullptr) {
    int points[MSC_MAX_SWEEP], n = -1;
    char buf[256] = "";
    const msc_status s = msc_sweep_points(&o, world_size, points, &n, buf, sizeof buf);
    if (st) *st = s;
    if (err) *err = buf;
    if (s != MSC_OK) return {};
    EXPECT_GE(n, 1);
    EXPECT_LE(n, MSC_MAX_SWEEP);
    return std::vector<int>(points, points + (n < 0 ? 0 : n));
}

std::vector<int> Range1To(int last) {
    std::vector<int> v;
    for (int p = 1; p <= last; ++p) v.push_back(p);
    return v;
}

struct PointsCase {
    int world;
    std::vector<int> pow2;
    std::vector<int> all;  // empty: refused
};

void PrintTo(const PointsCase &c, std::ostream *os) { *os << "world " << c.world; }

class SweepPoints : public ::testing::TestWithParam<PointsCase> {};

TEST_P(SweepPoints, Pow2DoublesFromOneUpToTheWorld) {
    const PointsCase &c = GetParam();
    msc_status st;
    EXPECT_EQ(PointsOf(ParseOk({"--sweep", "pow2"}), c.world, &st), c.pow2);
    EXPECT_EQ(st, MSC_OK);
}

TEST_P(SweepPoints, AllCountsFromOneToTheWorldOrIsRefusedAbove64) {
    const PointsCase &c = GetParam();
    msc_status st;
    std::string err;
    const std::vector<int> got = PointsOf(ParseOk({"--sweep", "all"}), c.world, &st, &err);
    if (c.all.empty()) {
        EXPECT_EQ(st, MSC_ERR_USAGE);
        EXPECT_EQ(err, "--sweep all: more than 64 rank counts; use a list or pow2");
    } else {
        EXPECT_EQ(st, MSC_OK) << err;
        EXPECT_EQ(got, c.all);
    }
}

TEST_P(SweepPoints, NoSweepIsTheOnePointOfTheWholeWorld) {
    EXPECT_EQ(PointsOf(ParseOk({}), GetParam().world), std::vector<int>{GetParam().world});
}

TEST_P(SweepPoints, RepeatAloneIsTheOnePointOfTheWholeWorld) {
    EXPECT_EQ(PointsOf(ParseOk({"--repeat", "3"}), GetParam().world),
              std::vector<int>{GetParam().world});
}

INSTANTIATE_TEST_SUITE_P(
    Cli, SweepPoints,
    ::testing::Values(PointsCase{1, {1}, {1}}, PointsCase{2, {1, 2}, {1, 2}},
                      PointsCase{3, {1, 2}, {1, 2, 3}}, PointsCase{4, {1, 2, 4}, {1, 2, 3, 4}},
                      PointsCase{5, {1, 2, 4}, {1, 2, 3, 4, 5}},
                      PointsCase{64, {1, 2, 4, 8, 16, 32, 64}, Range1To(64)},
                      PointsCase{65, {1, 2, 4, 8, 16, 32, 64}, {}}),
    [](const ::testing::TestParamInfo<PointsCase> &info) {
        return "world" + std::to_string(info.param.world);
    });

TEST(CliSweep, ListPointsAreTheListWhenTheWorldIsLargeEnough) {
    const msc_options o = ParseOk({"--sweep", "4,1,2"});
    EXPECT_EQ(PointsOf(o, 4), (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(PointsOf(o, 5), (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(PointsOf(o, 65), (std::vector<int>{1, 2, 4}));
}

TEST(CliSweep, ListPointsOfOneRankFitAOneRankLaunch) {
    EXPECT_EQ(PointsOf(ParseOk({"--sweep", "1"}), 1), std::vector<int>{1});
}

TEST(CliSweep, ListPointAboveTheWorldIsRefusedWithTheExactReason) {
    const msc_options o = ParseOk({"--sweep", "1,2,4,8"});
    msc_status st;
    std::string err;
    EXPECT_TRUE(PointsOf(o, 4, &st, &err).empty());
    EXPECT_EQ(st, MSC_ERR_USAGE);
    EXPECT_EQ(err, "--sweep: 8 is more than the 4 ranks of this launch (mpirun -np)");
    PointsOf(o, 3, &st, &err);
    EXPECT_EQ(st, MSC_ERR_USAGE);
    EXPECT_EQ(err, "--sweep: 4 is more than the 3 ranks of this launch (mpirun -np)");
}

TEST(CliSweep, ListPointAboveAOneRankLaunchSaysRankInTheSingular) {
    msc_status st;
    std::string err;
    PointsOf(ParseOk({"--sweep", "2"}), 1, &st, &err);
    EXPECT_EQ(st, MSC_ERR_USAGE);
    EXPECT_EQ(err, "--sweep: 2 is more than the 1 rank of this launch (mpirun -np)");
}

TEST(CliSweep, PointsToleratesANullErrorBuffer) {
    const msc_options o = ParseOk({"--sweep", "2"});
    int points[MSC_MAX_SWEEP], n = -1;
    EXPECT_EQ(msc_sweep_points(&o, 1, points, &n, nullptr, 0), MSC_ERR_USAGE);
    const msc_options all = ParseOk({"--sweep", "all"});
    EXPECT_EQ(msc_sweep_points(&all, 65, points, &n, nullptr, 0), MSC_ERR_USAGE);
}


// ---- the planner's options ---------------------------------------------------------------------

TEST(CliPlanner, DefaultsAskNothing) {
    const msc_options o = ParseOk({});
    EXPECT_EQ(o.target_speedup, 0.0);
    EXPECT_EQ(o.min_efficiency, 0.0);
}

TEST(CliPlanner, AcceptsATargetAboveOneAndAFloorUpToOne) {
    EXPECT_EQ(ParseOk({"--target-speedup", "12.5"}).target_speedup, 12.5);
    EXPECT_EQ(ParseOk({"--min-efficiency", "0.7"}).min_efficiency, 0.7);
    EXPECT_EQ(ParseOk({"--min-efficiency", "1"}).min_efficiency, 1.0);
}

TEST(CliPlanner, RefusesBadValuesWithTheExactMessage) {
    const struct {
        const char *opt, *value, *message;
    } cases[] = {
        {"--target-speedup", "1", "--target-speedup: '1': must be a number above 1"},
        {"--target-speedup", "x", "--target-speedup: 'x': must be a number above 1"},
        {"--target-speedup", "inf", "--target-speedup: 'inf': must be a number above 1"},
        {"--target-speedup", "3x", "--target-speedup: '3x': must be a number above 1"},
        {"--min-efficiency", "0", "--min-efficiency: '0': must be a number above 0 and at most 1"},
        {"--min-efficiency", "1.01",
         "--min-efficiency: '1.01': must be a number above 0 and at most 1"},
        {"--min-efficiency", "nan",
         "--min-efficiency: 'nan': must be a number above 0 and at most 1"},
    };
    for (const auto &c : cases) {
        Argv a{c.opt, c.value};
        msc_options o;
        std::string err;
        EXPECT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE) << c.message;
        EXPECT_EQ(err, c.message);
    }
}


// ---- --repeat auto, --precision ----------------------------------------------------------------

TEST(CliAuto, RepeatAutoHasItsDefaults) {
    const msc_options o = ParseOk({"--repeat", "auto"});
    EXPECT_EQ(o.repeat_auto, 1);
    EXPECT_EQ(o.repeat, MSC_SAMPLE_MIN_CI) << "every point runs at least 6 times";
    EXPECT_EQ(o.repeat_cap, 30);
    EXPECT_EQ(o.precision, 0.02);
    EXPECT_EQ(o.sweep, MSC_SWEEP_LIST) << "alone, like --repeat N, it sweeps the launch's P";
    EXPECT_EQ(o.sweep_len, 0);
}

TEST(CliAuto, RepeatAutoTakesACapFromSixTo1000) {
    EXPECT_EQ(ParseOk({"--repeat", "auto:12"}).repeat_cap, 12);
    EXPECT_EQ(ParseOk({"--repeat", "auto:6"}).repeat_cap, 6);
    EXPECT_EQ(ParseOk({"--repeat", "auto:1000"}).repeat_cap, 1000);
    EXPECT_EQ(ParseOk({"--repeat=auto:1K"}).repeat_cap, 1000) << "the usual integer forms";
    const msc_options o = ParseOk({"--sweep", "1,2", "--repeat", "auto:8", "--warmup", "1"});
    EXPECT_EQ(o.repeat_auto, 1);
    EXPECT_EQ(o.warmup, 1);
    EXPECT_EQ(SweepList(o), (std::vector<int>{1, 2}));
}

TEST(CliAuto, PrecisionTakesAPercentageOrAFraction) {
    const struct {
        const char *text;
        double want;
    } cases[] = {{"2%", 0.02}, {"0.02", 0.02}, {"1.5%", 0.015}, {"0.1%", 0.001},
                 {"50%", 0.5}, {"0.5", 0.5},   {"5e-3", 0.005}, {".25", 0.25}};
    for (const auto &c : cases) {
        const msc_options o = ParseOk({"--repeat", "auto", "--precision", c.text});
        EXPECT_DOUBLE_EQ(o.precision, c.want) << c.text;
    }
    EXPECT_DOUBLE_EQ(ParseOk({"--precision=3%", "--repeat=auto"}).precision, 0.03)
        << "in either order";
}

TEST(CliAuto, FixedRepeatKeepsNoAutoAndNoPrecision) {
    const msc_options o = ParseOk({"--repeat", "5"});
    EXPECT_EQ(o.repeat, 5);
    EXPECT_EQ(o.repeat_auto, 0);
    EXPECT_EQ(o.repeat_cap, 0);
    EXPECT_EQ(o.precision, 0.0);
    const msc_options d = ParseOk({});
    EXPECT_EQ(d.repeat_auto, 0);
    EXPECT_EQ(d.repeat, 1);
}

TEST(CliCheckpoint, DefaultsStatusBesideTheJournalAndKeepsEveryPath) {
    // the options point into argv: each Argv lives as long as the options read from it
    Argv av{"--checkpoint", "run.journal", "--fresh", "--report", "r.txt", "--force"};
    msc_options a;
    ASSERT_EQ(Parse(av, &a), MSC_OK);
    ASSERT_NE(a.checkpoint_path, nullptr);
    EXPECT_STREQ(a.checkpoint_path, "run.journal");
    EXPECT_EQ(a.status_path, nullptr) << "no --status given";
    ASSERT_NE(msc_options_status(&a), nullptr);
    EXPECT_STREQ(msc_options_status(&a), "run.journal.status");
    const msc_options copy = a; // a copy names the same file (no pointer into the original)
    EXPECT_STREQ(msc_options_status(&copy), "run.journal.status");
    EXPECT_EQ(a.fresh, 1);
    EXPECT_STREQ(a.report_path, "r.txt");
    EXPECT_EQ(a.force, 1);
    Argv bv{"--checkpoint", "j", "--status", "s.json"};
    msc_options b;
    ASSERT_EQ(Parse(bv, &b), MSC_OK);
    EXPECT_STREQ(msc_options_status(&b), "s.json");
    Argv cv{"--status", "only.json"};
    msc_options c;
    ASSERT_EQ(Parse(cv, &c), MSC_OK);
    EXPECT_STREQ(msc_options_status(&c), "only.json");
    EXPECT_EQ(c.checkpoint_path, nullptr);
    const msc_options d = ParseOk({});
    EXPECT_EQ(msc_options_status(&d), nullptr);
    EXPECT_EQ(d.deadline_s, 0.0);
    EXPECT_EQ(d.time_limit_s, 0.0);
}

TEST(CliCheckpoint, TimeLimitsInEveryForm) {
    const struct {
        const char *text;
        double seconds;
    } ok[] = {{"90", 90}, {"1.5", 1.5}, {"30s", 30}, {"30m", 1800}, {"1.5h", 5400},
              {"10:00", 600}, {"2:00:00", 7200}, {"1-00:00:00", 86400}, {"0:0:1", 1}};
    for (const auto &c : ok) {
        const msc_options o = ParseOk({"--time-limit", c.text});
        EXPECT_DOUBLE_EQ(o.time_limit_s, c.seconds) << c.text;
    }
    const msc_options d = ParseOk({"--deadline", "1796581336"});
    EXPECT_DOUBLE_EQ(d.deadline_s, 1796581336.0);
}

TEST(CliCheckpoint, RefusesBadValuesAndCombinationsWithTheExactMessage) {
#define TL_MSG "': must be seconds (90), a number with a unit (30m, 1.5h) or [[D-]HH:]MM:SS, above 0 and at most a year"
#define DL_MSG "': must be a time in seconds since the Epoch, as `date +%s` prints it"
    struct {
        Argv argv;
        const char *msg;
    } cases[] = {
        {{"--time-limit", "0"}, "--time-limit: '0" TL_MSG},
        {{"--time-limit", "-5"}, "--time-limit: '-5" TL_MSG},
        {{"--time-limit", "nan"}, "--time-limit: 'nan" TL_MSG},
        {{"--time-limit", "inf"}, "--time-limit: 'inf" TL_MSG},
        {{"--time-limit", "10x"}, "--time-limit: '10x" TL_MSG},
        {{"--time-limit", ""}, "--time-limit: '" TL_MSG},
        {{"--time-limit", "1:2:3:4"}, "--time-limit: '1:2:3:4" TL_MSG},
        {{"--time-limit", "1-10:00"}, "--time-limit: '1-10:00" TL_MSG},
        {{"--time-limit", "400d"}, "--time-limit: '400d" TL_MSG},
        {{"--time-limit", "9000h"}, "--time-limit: '9000h" TL_MSG},
        {{"--deadline", "0x10"}, "--deadline: '0x10" DL_MSG},
        {{"--deadline", "1e9"}, "--deadline: '1e9" DL_MSG},
        {{"--deadline", "-1"}, "--deadline: '-1" DL_MSG},
        {{"--deadline", "tomorrow"}, "--deadline: 'tomorrow" DL_MSG},
        {{"--fresh"}, "--fresh: only with --checkpoint FILE (it discards that journal)"},
        {{"--force"}, "--force: only with --report FILE (it replaces that file)"},
        {{"--checkpoint", ""}, "--checkpoint: '': empty file name"},
        {{"--status", ""}, "--status: '': empty file name"},
        {{"--report", ""}, "--report: '': empty file name"},
        {{"--json", "x", "--status", "x"}, "--status: 'x': the same file as --json"},
        {{"--checkpoint", "x", "--report", "x"}, "--checkpoint: 'x': the same file as --report"},
        {{"--checkpoint", "j", "--sweep", "1,2"},
         "--checkpoint: not with a sweep (--sweep, --repeat, --warmup or --weak): a resumed run "
         "measures only part of the job, so its times cannot be a point of a study; checkpoint "
         "single runs"},
    };
#undef TL_MSG
#undef DL_MSG
    for (auto &c : cases) {
        msc_options o;
        std::string err;
        EXPECT_EQ(Parse(c.argv, &o, &err), MSC_ERR_USAGE) << c.argv.Joined();
        EXPECT_EQ(err, c.msg) << c.argv.Joined();
    }
}

TEST(CliAuto, RefusesBadCapsAndPrecisionsWithTheExactMessage) {
#define CAP_MSG "': CAP must be an integer from 6 (the fewest runs with a 95% interval of the median) to 1000"
#define PREC_MSG "': must be a percentage like 2% or a fraction like 0.02, above 0 and at most 50%"
    const struct {
        std::vector<const char *> args;
        const char *message;
    } cases[] = {
        {{"--repeat", "auto:5"}, "--repeat: 'auto:5" CAP_MSG},
        {{"--repeat", "auto:1001"}, "--repeat: 'auto:1001" CAP_MSG},
        {{"--repeat", "auto:"}, "--repeat: 'auto:" CAP_MSG},
        {{"--repeat", "auto:x"}, "--repeat: 'auto:x" CAP_MSG},
        {{"--repeat", "auto:-7"}, "--repeat: 'auto:-7" CAP_MSG},
        {{"--repeat", "auto:12:3"}, "--repeat: 'auto:12:3" CAP_MSG},
        {{"--repeat", "autox"}, "--repeat: 'autox': must be an integer from 1 to 1000"},
        {{"--repeat", "AUTO"}, "--repeat: 'AUTO': must be an integer from 1 to 1000"},
        {{"--repeat", "auto", "--precision", "0"}, "--precision: '0" PREC_MSG},
        {{"--repeat", "auto", "--precision", "0%"}, "--precision: '0%" PREC_MSG},
        {{"--repeat", "auto", "--precision", "-1%"}, "--precision: '-1%" PREC_MSG},
        {{"--repeat", "auto", "--precision", "51%"}, "--precision: '51%" PREC_MSG},
        {{"--repeat", "auto", "--precision", "0.51"}, "--precision: '0.51" PREC_MSG},
        {{"--repeat", "auto", "--precision", "2"}, "--precision: '2" PREC_MSG},
        {{"--repeat", "auto", "--precision", "x"}, "--precision: 'x" PREC_MSG},
        {{"--repeat", "auto", "--precision", ""}, "--precision: '" PREC_MSG},
        {{"--repeat", "auto", "--precision", "2%%"}, "--precision: '2%%" PREC_MSG},
        {{"--repeat", "auto", "--precision", "2 %"}, "--precision: '2 %" PREC_MSG},
        {{"--repeat", "auto", "--precision", " 2%"}, "--precision: ' 2%" PREC_MSG},
        {{"--repeat", "auto", "--precision", "nan"}, "--precision: 'nan" PREC_MSG},
        {{"--repeat", "auto", "--precision", "inf%"}, "--precision: 'inf%" PREC_MSG},
        {{"--precision", "2%"},
         "--precision: '2%': only with --repeat auto (it says when to stop repeating)"},
        {{"--repeat", "5", "--precision", "2%"},
         "--precision: '2%': only with --repeat auto (it says when to stop repeating)"},
        {{"--sweep", "1,2", "--precision", "0.02"},
         "--precision: '0.02': only with --repeat auto (it says when to stop repeating)"},
        {{"--repeat", "auto", "--precision"}, "--precision: missing value"},
        {{"--repeat", "auto", "--serial-baseline"},
         "--serial-baseline: not in a sweep (--sweep, --repeat, --warmup or --weak), which measures T1 at p = 1 itself: add 1 to --sweep instead"},
    };
#undef CAP_MSG
#undef PREC_MSG
    for (const auto &c : cases) {
        std::vector<std::string> storage = {"mpiscale"};
        for (const char *a : c.args) storage.push_back(a);
        std::vector<char *> ptrs;
        for (std::string &x : storage) ptrs.push_back(&x[0]);
        ptrs.push_back(nullptr);
        msc_options o;
        char err[512] = "";
        EXPECT_EQ(msc_cli_parse(static_cast<int>(storage.size()), ptrs.data(), &o, err, sizeof err),
                  MSC_ERR_USAGE)
            << c.message;
        EXPECT_STREQ(err, c.message);
    }
}

TEST(CliAuto, ParsingAfterAutoStartsAfresh) {
    ParseOk({"--repeat", "auto:9", "--precision", "5%", "--calibrate", "--no-progress"});
    const msc_options o = ParseOk({"-r", "0:100"});
    EXPECT_EQ(o.repeat_auto, 0);
    EXPECT_EQ(o.repeat_cap, 0);
    EXPECT_EQ(o.precision, 0.0);
    EXPECT_EQ(o.calibrate, 0);
    EXPECT_EQ(o.progress, MSC_PROGRESS_AUTO);
    EXPECT_EQ(o.sweep, MSC_SWEEP_NONE);
}

// ---- --calibrate, --progress -------------------------------------------------------------------

TEST(CliCalibrate, OffByDefaultAndNoSweepByItself) {
    const msc_options d = ParseOk({});
    EXPECT_EQ(d.calibrate, 0);
    const msc_options o = ParseOk({"--calibrate"});
    EXPECT_EQ(o.calibrate, 1);
    EXPECT_EQ(o.sweep, MSC_SWEEP_NONE) << "a single run, calibrated at P";
    EXPECT_EQ(o.calibrate_runs, 5);
}

TEST(CliCalibrate, RunsAreTheRepeatCountWhenGivenElseFive) {
    EXPECT_EQ(ParseOk({"--calibrate", "--repeat", "3"}).calibrate_runs, 3);
    EXPECT_EQ(ParseOk({"--calibrate", "--sweep", "1,2"}).calibrate_runs, 5);
    EXPECT_EQ(ParseOk({"--calibrate", "--repeat", "auto"}).calibrate_runs, 5);
    EXPECT_EQ(ParseOk({"--calibrate", "--repeat", "1"}).calibrate_runs, 1);
}

TEST(CliCalibrate, TakesNoValue) {
    Argv a{"--calibrate=3"};
    msc_options o;
    std::string err;
    EXPECT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE);
    EXPECT_EQ(err, "--calibrate: takes no value");
}

TEST(CliProgress, AutoByDefaultOnAndOffByFlagAndTheLastGivenWins) {
    EXPECT_EQ(ParseOk({}).progress, MSC_PROGRESS_AUTO);
    EXPECT_EQ(ParseOk({"--progress"}).progress, MSC_PROGRESS_ON);
    EXPECT_EQ(ParseOk({"--no-progress"}).progress, MSC_PROGRESS_OFF);
    EXPECT_EQ(ParseOk({"--progress", "--no-progress"}).progress, MSC_PROGRESS_OFF);
    EXPECT_EQ(ParseOk({"--no-progress", "--progress"}).progress, MSC_PROGRESS_ON);
}

TEST(CliProgress, FlagsTakeNoValue) {
    for (const char *flag : {"--progress=1", "--no-progress=yes"}) {
        Argv a{flag};
        msc_options o;
        std::string err;
        EXPECT_EQ(Parse(a, &o, &err), MSC_ERR_USAGE) << flag;
        EXPECT_EQ(err, std::string(flag).substr(0, std::strcspn(flag, "=")) + ": takes no value");
    }
}

TEST(CliHelp, DocumentsTheNewOptionsWithDefaultsAndAnExample) {
    const std::string h = Help();
    for (const char *text : {"at least 6 runs, at most CAP (default 30, up to 1000)",
                             "(default 2%; above 0, at most 50%)", "--repeat N runs, else 5",
                             "--progress          show progress on stderr",
                             "only when stderr\n                          is a terminal",
                             "--sweep 1,2,4 --repeat auto:20 --precision 1% --calibrate"})
        EXPECT_NE(h.find(text), std::string::npos) << text << "\n" << h;
    EXPECT_EQ(h.find("%%"), std::string::npos) << "a format escape left in the text";
}

TEST(CliKernels, EmptyKernelIsListedAndNamedInHelp) {
    EXPECT_NE(msc_kernel_find("empty"), nullptr);
    EXPECT_NE(ListKernels().find("empty "), std::string::npos);
    EXPECT_NE(Help().find("  empty "), std::string::npos);
}

}  // namespace
