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
#include "mpiscale/kernel.h"
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
        ScheduleForm{"equals_form", {"--schedule=dynamic:8"}, MSC_SCHED_DYNAMIC, 8},
        ScheduleForm{"last_one_wins", {"--schedule", "cyclic", "--schedule", "guided:2"},
                     MSC_SCHED_GUIDED, 2},
        ScheduleForm{"chunk_does_not_leak_into_the_next",
                     {"--schedule", "dynamic:8", "--schedule", "weighted"}, MSC_SCHED_WEIGHTED,
                     0}),
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

std::string Capture(void (*write)(FILE *)) {
    FILE *f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    if (f == nullptr) return "";
    write(f);
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
    return out;
}

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
                            "--json",
                            "--csv", "--help", "-h", "--list-kernels", "-l", "--version", "-V"})
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

}  // namespace
