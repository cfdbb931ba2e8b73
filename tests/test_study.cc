// test_study.cc — the study reader of mpiscale-report: records written by msc_report_json read back
// into runs; grouping by kernel, parameters, range and mode; refusals of malformed lines (with
// file:line) and of incompatible runs (saying what differs); and the CSV, Markdown and Extra-P
// exports, parsed back.
#include <gtest/gtest.h>

#include <jansson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "mpiscale/kernel.h"
#include "mpiscale/model.h"
#include "mpiscale/report.h"
#include "mpiscale/study.h"
#include "capture.h"
#include "mpiscale/timing.h"

namespace {

struct RunSpec {
    const char *kernel = "amdahl";
    std::vector<const char *> params = {"serial=0.3"};
    int64_t lo = 0, hi = 2000000;
    int ranks = 1;
    double wall_s = 1.0;
    double t1_s = 1.0;       // the record's own T1 estimate
    double serial_s = 0.25;  // its timed serial phases
    int sweep_mode = 1;      // 0 none, 1 strong, 2 weak
    int64_t segments = 1024;
    msc_schedule_kind schedule = MSC_SCHED_BLOCK;
    int verified = 1;
    msc_status status = MSC_OK;
    int cores = 2;           // cores of the one host
    const char *mpi = "Open MPI v4.1.4";
    double scatter_s = 0.001, compute_s = 0.5, gather_s = 0.002; // slowest rank's phases
    int64_t chunk = 0;       // the schedule's chunk as run (a default one scales with p)
    int slow_rank = -1, slow_factor = 1;
    const char *compiler = "gcc 12.2.0";
    double baseline_s = -1;  // --serial-baseline: rank 0 alone, or -1
    double precision = 0;    // --repeat auto's precision and cap, or 0
    int cap = 0;
    int64_t reused = 0;      // resumed from a checkpoint: segments taken from it
};

// A run record as mpiscale writes it: built as a msc_run_record and rendered by msc_report_json,
// so the reader is tested against the writer, not against a copy of the format.
std::string Line(const RunSpec &s) {
    msc_run_record r;
    std::memset(&r, 0, sizeof r);
    r.kernel = msc_kernel_find(s.kernel);
    EXPECT_NE(r.kernel, nullptr);
    EXPECT_EQ(msc_params_parse(r.kernel, s.params.data(), static_cast<int>(s.params.size()), &r.params,
                               nullptr, 0),
              MSC_OK);
    r.range = msc_range{s.lo, s.hi};
    r.segments = s.segments;
    r.schedule.kind = s.schedule;
    r.schedule.chunk = s.chunk;
    r.slow_rank = s.slow_rank;
    r.slow_factor = s.slow_factor;
    r.sweep_mode = s.sweep_mode;
    r.sweep_precision = s.precision;
    r.sweep_cap = s.cap;
    r.reused_segments = s.reused;
    r.ranks = s.ranks;
    r.nodes = 1;
    static msc_host host;
    std::snprintf(host.name, sizeof host.name, "node1");
    host.ranks = s.ranks;
    host.cores = s.cores;
    r.hosts = &host;
    r.status = s.status;
    std::snprintf(r.result, sizeof r.result, "42");
    std::snprintf(r.digest, sizeof r.digest, "0123456789abcdef");
    r.verdict.pass = s.verified;
    r.measure.ranks = s.ranks;
    r.measure.wall_s = s.wall_s;
    r.measure.serial_s = s.serial_s;
    r.measure.compute_sum_s = s.t1_s - s.serial_s;
    r.measure.compute_max_s = (s.t1_s - s.serial_s) / s.ranks;
    r.measure.baseline_s = s.baseline_s;
    r.measure.baseline_compute_s = s.baseline_s > 0 ? s.baseline_s - s.serial_s : 0;
    r.phases[MSC_PHASE_SCATTER].max_s = s.scatter_s;
    r.phases[MSC_PHASE_COMPUTE].max_s = s.compute_s;
    r.phases[MSC_PHASE_GATHER].max_s = s.gather_s;
    msc_model_analyse(&r.measure, &r.analysis);
    std::snprintf(r.mpi_library, sizeof r.mpi_library, "%s", s.mpi);
    std::snprintf(r.compiler, sizeof r.compiler, "%s", s.compiler);
    static int calls = 0; // every call is another run: its own start time
    const int k = calls++;
    std::snprintf(r.start_time, sizeof r.start_time, "2026-11-22T%02d:%02d:%02dZ", k / 3600 % 24,
                  k / 60 % 60, k % 60);
    char *json = msc_report_json(&r);
    EXPECT_NE(json, nullptr);
    std::string out = json != nullptr ? json : "";
    std::free(json);
    return out;
}

// The record `line` with field `key` set to v (taken), or removed when v is null.
std::string WithField(const std::string &line, const char *key, json_t *v) {
    json_t *o = json_loads(line.c_str(), 0, nullptr);
    if (v != nullptr)
        json_object_set_new(o, key, v);
    else
        json_object_del(o, key);
    char *t = json_dumps(o, JSON_COMPACT);
    std::string out = t;
    std::free(t);
    json_decref(o);
    return out;
}

struct Set {
    msc_study_set set;
    Set() { std::memset(&set, 0, sizeof set); }
    ~Set() { msc_study_set_free(&set); }
    msc_status Add(const std::string &line, int64_t no = 1, std::string *why = nullptr) {
        char err[512] = "";
        msc_status st = msc_study_add_line(&set, line.c_str(), "runs.jsonl", no, err, sizeof err);
        if (why != nullptr) *why = err;
        return st;
    }
};

TEST(StudyRead, ReadsBackWhatTheWriterWrote) {
    Set s;
    RunSpec r;
    r.ranks = 2;
    r.wall_s = 0.625;
    r.t1_s = 1.0;
    r.serial_s = 0.25;
    r.cores = 1; // 2 ranks on a 1-core host: oversubscribed
    ASSERT_EQ(s.Add(Line(r)), MSC_OK);
    ASSERT_EQ(s.set.n, 1);
    const msc_study &st = s.set.v[0];
    EXPECT_STREQ(st.key.kernel, "amdahl");
    EXPECT_STREQ(st.key.params, "{\"serial\":0.29999999999999999}");
    EXPECT_EQ(st.key.start, 0);
    EXPECT_EQ(st.key.end, 2000000);
    EXPECT_EQ(st.key.weak, 0);
    EXPECT_EQ(st.setup.segments, 1024);
    EXPECT_STREQ(st.setup.schedule, "block");
    EXPECT_STREQ(st.title, "amdahl serial=0.3, [0, 2000000), strong");
    EXPECT_STREQ(st.slug, "amdahl-serial-0.3-0-2000000-strong");
    EXPECT_STREQ(st.first, "runs.jsonl:1");
    ASSERT_EQ(st.n_runs, 1);
    EXPECT_EQ(st.runs[0].p, 2);
    EXPECT_DOUBLE_EQ(st.runs[0].wall_s, 0.625);
    EXPECT_DOUBLE_EQ(st.runs[0].t1_est_s, 1.0);
    EXPECT_NEAR(st.runs[0].serial_s, 0.25, 1e-12);
    EXPECT_EQ(st.runs[0].oversubscribed, 1);
    EXPECT_DOUBLE_EQ(st.runs[0].scatter_s, 0.001); // the phase breakdown: each phase's slowest rank
    EXPECT_DOUBLE_EQ(st.runs[0].compute_s, 0.5);
    EXPECT_DOUBLE_EQ(st.runs[0].gather_s, 0.002);
    EXPECT_EQ(st.runs[0].verified, 1);
    EXPECT_STREQ(st.runs[0].digest, "0123456789abcdef");
    EXPECT_EQ(s.set.records, 1);
}

TEST(StudyRead, SingleRunsAndStrongSweepsAreOneStudy) {
    Set s;
    RunSpec a, b;
    a.sweep_mode = 0; // a separate job, no sweep
    b.sweep_mode = 1;
    b.ranks = 4;
    ASSERT_EQ(s.Add(Line(a)), MSC_OK);
    ASSERT_EQ(s.Add(Line(b), 2), MSC_OK);
    ASSERT_EQ(s.set.n, 1);
    EXPECT_EQ(s.set.v[0].n_runs, 2);
}

TEST(StudyRead, GroupsByKernelParamsRangeAndMode) {
    Set s;
    RunSpec a;
    RunSpec b = a;
    b.params = {"serial=0.1"};
    RunSpec c = a;
    c.hi = 1000000;
    RunSpec d = a;
    d.kernel = "pi";
    d.params = {};
    RunSpec e = a;
    e.sweep_mode = 2; // weak, p = 1: the same range but another mode
    for (const RunSpec *r : {&a, &b, &c, &d, &e, &a}) ASSERT_EQ(s.Add(Line(*r)), MSC_OK);
    ASSERT_EQ(s.set.n, 5);
    EXPECT_EQ(s.set.v[0].n_runs, 2);
    EXPECT_STREQ(s.set.v[1].title, "amdahl serial=0.1, [0, 2000000), strong");
    EXPECT_STREQ(s.set.v[2].title, "amdahl serial=0.3, [0, 1000000), strong");
    EXPECT_STREQ(s.set.v[3].title, "pi, [0, 2000000), strong");
    EXPECT_STREQ(s.set.v[4].title, "amdahl serial=0.3, [0, 2000000), weak");
}

TEST(StudyRead, WeakRunsGroupByTheirOneRankRangeAndSegments) {
    Set s;
    RunSpec a;
    a.sweep_mode = 2;
    a.hi = 1000;
    a.segments = 100;
    RunSpec b = a;
    b.ranks = 4; // the writer records the grown range and segment count
    b.hi = 4000;
    b.segments = 400;
    ASSERT_EQ(s.Add(Line(a)), MSC_OK);
    ASSERT_EQ(s.Add(Line(b), 2), MSC_OK);
    ASSERT_EQ(s.set.n, 1);
    EXPECT_EQ(s.set.v[0].key.end, 1000);
    EXPECT_EQ(s.set.v[0].setup.segments, 100);
    EXPECT_EQ(s.set.v[0].n_runs, 2);
    RunSpec c = b;
    c.hi = 4002; // not p times a 1-rank range
    std::string why;
    EXPECT_EQ(s.Add(Line(c), 3, &why), MSC_ERR_USAGE);
    EXPECT_EQ(why, "runs.jsonl:3: a weak-scaling record whose range is not a multiple of its ranks");
}

TEST(StudyRead, LeavesOutRunsThatFailedOrDidNotComplete) {
    Set s;
    RunSpec ok, bad, io;
    bad.verified = 0;
    bad.status = MSC_ERR_VERIFY;
    io.status = MSC_ERR_IO;
    ASSERT_EQ(s.Add(Line(ok)), MSC_OK);
    ASSERT_EQ(s.Add(Line(bad), 2), MSC_OK);
    ASSERT_EQ(s.Add(Line(io), 3), MSC_OK);
    ASSERT_EQ(s.set.n, 1);
    EXPECT_EQ(s.set.v[0].n_runs, 1);
    EXPECT_EQ(s.set.v[0].left_out, 2);
    EXPECT_EQ(s.set.records, 3);
}

TEST(StudyRead, LeavesOutResumedRunsWhoseTimesCoverPartOfTheJob) {
    Set s;
    RunSpec ok, resumed;
    resumed.reused = 300;
    resumed.wall_s = 0.4;
    ASSERT_EQ(s.Add(Line(ok)), MSC_OK);
    ASSERT_EQ(s.Add(Line(resumed), 2), MSC_OK);
    ASSERT_EQ(s.set.n, 1);
    EXPECT_EQ(s.set.v[0].n_runs, 1);
    EXPECT_EQ(s.set.v[0].left_out, 1);
    EXPECT_NE(Line(resumed).find("\"resumed\":true,\"reused_segments\":300"), std::string::npos) << Line(resumed);
    EXPECT_NE(Line(ok).find("\"resumed\":false,\"reused_segments\":0"), std::string::npos) << Line(ok);
}

TEST(StudyRead, RefusesIncompatibleRunsSayingWhatDiffers) {
    struct Case {
        RunSpec other;
        const char *what;
    };
    RunSpec base;
    std::vector<Case> cases(3, Case{base, ""});
    cases[0].other.segments = 512;
    cases[0].what = "segments: 1024 at runs.jsonl:1, 512 here";
    cases[1].other.schedule = MSC_SCHED_CYCLIC;
    cases[1].what = "schedule: block at runs.jsonl:1, cyclic here";
    cases[2].other.mpi = "MPICH 4.0";
    cases[2].what = "MPI library: \"Open MPI v4.1.4\" at runs.jsonl:1, \"MPICH 4.0\" here";
    for (const Case &c : cases) {
        Set s;
        ASSERT_EQ(s.Add(Line(base)), MSC_OK);
        std::string why;
        EXPECT_EQ(s.Add(Line(c.other), 7, &why), MSC_ERR_USAGE);
        EXPECT_EQ(why, std::string("runs.jsonl:7: cannot join the study \"amdahl serial=0.3, [0, 2000000), "
                                   "strong\": its runs differ in ") +
                           c.what +
                           " (analyse them in separate calls, or rerun with the same settings)");
        EXPECT_EQ(s.set.v[0].n_runs, 1);
    }
}

TEST(StudyRead, RefusesSlowRankCompilerAndKernelVersionMixes) {
    RunSpec base, slow, cc;
    slow.slow_rank = 1;
    slow.slow_factor = 3;
    cc.compiler = "clang 14";
    {
        Set s;
        ASSERT_EQ(s.Add(Line(base)), MSC_OK);
        std::string why;
        EXPECT_EQ(s.Add(Line(slow), 2, &why), MSC_ERR_USAGE);
        EXPECT_NE(why.find("its runs differ in --slow-rank: none at runs.jsonl:1, 1:3 here"), std::string::npos) << why;
        EXPECT_EQ(s.Add(Line(cc), 3, &why), MSC_ERR_USAGE);
        EXPECT_NE(why.find("its runs differ in compiler: \"gcc 12.2.0\" at runs.jsonl:1, \"clang 14\" here"),
                  std::string::npos) << why;
        EXPECT_EQ(s.Add(WithField(Line(base), "kernel_version", json_integer(7)), 4, &why), MSC_ERR_USAGE);
        EXPECT_NE(why.find("its runs differ in kernel version: 1 at runs.jsonl:1, 7 here"), std::string::npos) << why;
        EXPECT_EQ(s.set.v[0].n_runs, 1);
    }
}

TEST(StudyRead, DefaultChunksThatScaleWithPJoinOneStudy) {
    // dynamic's default chunk is S/64P: 16 at p = 1, 8 at p = 2 — the same setting
    Set s;
    RunSpec a, b;
    a.schedule = b.schedule = MSC_SCHED_DYNAMIC;
    a.chunk = 16;
    b.chunk = 8;
    b.ranks = 2;
    ASSERT_EQ(s.Add(Line(a)), MSC_OK);
    ASSERT_EQ(s.Add(Line(b), 2), MSC_OK);
    ASSERT_EQ(s.set.n, 1);
    EXPECT_STREQ(s.set.v[0].setup.schedule, "dynamic");
    EXPECT_EQ(s.set.v[0].n_runs, 2);
}

TEST(StudyRead, RefusesTheSameRunReadTwiceNamingBoth) {
    Set s;
    const std::string line = Line(RunSpec());
    ASSERT_EQ(s.Add(line, 1), MSC_OK);
    std::string why;
    EXPECT_EQ(s.Add(line, 9, &why), MSC_ERR_USAGE);
    EXPECT_EQ(why.rfind("runs.jsonl:9: the same run as runs.jsonl:1 (same start time, ranks, job time and "
                        "digest)", 0), 0u) << why;
    EXPECT_EQ(s.set.v[0].n_runs, 1);
    EXPECT_EQ(s.set.malformed, 0); // not a malformed line: --skip-malformed must not skip it
}

TEST(StudyRead, OversubscribedOnlyWithMoreRanksThanCores) {
    Set s;
    RunSpec a;
    a.ranks = 2;
    a.cores = 2; // as many ranks as cores: not oversubscribed
    ASSERT_EQ(s.Add(Line(a)), MSC_OK);
    EXPECT_EQ(s.set.v[0].runs[0].oversubscribed, 0);
}

TEST(StudyRead, SlugsTellNegativeRangesAndEqualSlugsApart) {
    Set s;
    RunSpec a, b, c;
    a.kernel = b.kernel = "do_math";
    a.params = b.params = {};
    a.lo = -1000000;
    a.hi = b.hi = 9000000;
    b.lo = 1000000;
    ASSERT_EQ(s.Add(Line(a)), MSC_OK);
    ASSERT_EQ(s.Add(Line(b), 2), MSC_OK);
    ASSERT_EQ(s.set.n, 2);
    EXPECT_STREQ(s.set.v[0].title, "do_math, [-1000000, 9000000), strong");
    EXPECT_STREQ(s.set.v[0].slug, "do-math-m1000000-9000000-strong");
    EXPECT_STREQ(s.set.v[1].slug, "do-math-1000000-9000000-strong");
    // titles that differ only in characters the slug drops get a number
    c.params = {"serial=0.3"};
    msc_study fake = s.set.v[1];
    std::snprintf(fake.slug, sizeof fake.slug, "amdahl-serial-0.3-0-2000000-strong");
    s.set.v[1] = fake; // occupy the slug the next study would get
    ASSERT_EQ(s.Add(Line(c), 3), MSC_OK);
    EXPECT_STREQ(s.set.v[2].slug, "amdahl-serial-0.3-0-2000000-strong-2");
}

TEST(StudyRead, RefusesImplausibleValues) {
    const std::string good = Line(RunSpec());
    auto with = [&](const char *key, json_t *v) { return WithField(good, key, v); };
    struct Case {
        std::string line;
        const char *why;
    } cases[] = {
        {with("t1_s", json_real(-1.0)), "runs.jsonl:2: \"t1_s\" is not a plausible time"},
        {with("wall_s", json_real(1e300)), "runs.jsonl:2: \"wall_s\" is not a plausible time"},
        {with("serial_fraction", json_real(-5)), "runs.jsonl:2: \"serial_fraction\" is out of range"},
        {with("imbalance", json_real(-3)), "runs.jsonl:2: \"imbalance\" is out of range"},
        {with("ranks", json_integer(2000000)), "runs.jsonl:2: \"ranks\" is out of range"},
        {with("digest", json_string("ab,\"c|d")), "runs.jsonl:2: \"digest\" is not 16 hexadecimal digits"},
        {with("slow_rank", json_integer(3)), "runs.jsonl:2: \"slow_rank\" is not null or {"},
    };
    for (const Case &c : cases) {
        Set s;
        std::string why;
        EXPECT_EQ(s.Add(c.line, 2, &why), MSC_ERR_USAGE) << c.line;
        EXPECT_EQ(why.rfind(c.why, 0), 0u) << why;
    }
}

TEST(StudyRead, ReportsMalformedLinesWithFileAndLine) {
    const std::string good = Line(RunSpec());
    auto without = [&](const char *key) { return WithField(good, key, nullptr); };
    auto with = [&](const char *key, json_t *v) { return WithField(good, key, v); };
    struct Case {
        std::string line;
        const char *why;
    } cases[] = {
        {good.substr(0, good.size() / 2), "runs.jsonl:5: not valid JSON: "},
        {"[1, 2]", "runs.jsonl:5: not a JSON object"},
        {"{\"a\": 1}", "runs.jsonl:5: no \"schema\" field: not an mpiscale run record"},
        {without("wall_s"), "runs.jsonl:5: no \"wall_s\" field: not an mpiscale run record"},
        {with("wall_s", json_string("fast")), "runs.jsonl:5: \"wall_s\" is not a number"},
        {with("wall_s", json_real(0.0)), "runs.jsonl:5: \"wall_s\" is not a positive time"},
        {with("ranks", json_integer(0)), "runs.jsonl:5: \"ranks\" is out of range"},
        {with("kernel", json_integer(3)), "runs.jsonl:5: \"kernel\" is not a string"},
        {with("schema", json_integer(MSC_SCHEMA_VERSION + 1)),
         "runs.jsonl:5: schema 3 is newer than this mpiscale-report reads (up to 2): update it"},
        {with("verified", json_string("yes")), "runs.jsonl:5: \"verified\" is missing or not true/false"},
        {with("params", json_integer(1)), "runs.jsonl:5: \"params\" is missing or not an object"},
        {with("sweep", json_string("x")), "runs.jsonl:5: \"sweep\" is not null or an object"},
    };
    for (const Case &c : cases) {
        Set s;
        std::string why;
        EXPECT_EQ(s.Add(c.line, 5, &why), MSC_ERR_USAGE) << c.line;
        EXPECT_EQ(why.compare(0, std::strlen(c.why), c.why), 0) << why;
        EXPECT_EQ(s.set.n, 0);
        EXPECT_EQ(s.set.malformed, 1);
    }
    Set blank;
    EXPECT_EQ(blank.Add(" \t\r\n"), MSC_OK);
    EXPECT_EQ(blank.set.records, 0);
    EXPECT_EQ(blank.set.malformed, 0);
}

// Runs of the amdahl law with f = 0.2 exactly: T(p) = T1 (f + (1 - f)/p), three repeats per p.
void AddAmdahl(Set &s, double f, std::vector<int> ps, int repeats) {
    int no = 1;
    for (int rep = 0; rep < repeats; rep++)
        for (int p : ps) {
            RunSpec r;
            r.ranks = p;
            r.cores = 64;
            r.wall_s = 2.0 * (f + (1 - f) / p) * (1 + 1e-4 * rep);
            r.t1_s = 2.0;
            r.serial_s = 2.0 * f / 2;
            ASSERT_EQ(s.Add(Line(r), no++), MSC_OK);
        }
}

TEST(StudyFinish, SaysT1CameFromTheSerialBaseline) {
    Set s;
    RunSpec a, b;
    a.ranks = 2;
    a.baseline_s = 1.5; // --serial-baseline at the smallest point, no p = 1
    b.ranks = 4;
    b.baseline_s = 1.6;
    ASSERT_EQ(s.Add(Line(a)), MSC_OK);
    ASSERT_EQ(s.Add(Line(b), 2), MSC_OK);
    char err[256];
    ASSERT_EQ(msc_study_finish(&s.set, 0, 0, err, sizeof err), MSC_OK);
    EXPECT_FALSE(s.set.v[0].sum.t1_measured);
    EXPECT_TRUE(s.set.v[0].sum.t1_baseline);
    EXPECT_STREQ(msc_sweep_t1_source(&s.set.v[0].sum),
                 "measured by --serial-baseline (rank 0 alone) at the smallest point");
}

TEST(StudyFinish, AStudyWithoutRunsSaysWhyAndTheOthersGoOn) {
    Set s;
    RunSpec bad, good;
    bad.verified = 0;
    bad.status = MSC_ERR_VERIFY;
    good.kernel = "pi";
    good.params = {};
    ASSERT_EQ(s.Add(Line(bad)), MSC_OK);
    ASSERT_EQ(s.Add(Line(good), 2), MSC_OK);
    char err[256];
    ASSERT_EQ(msc_study_finish(&s.set, 0, 0, err, sizeof err), MSC_OK);
    EXPECT_FALSE(s.set.v[0].summarised);
    EXPECT_STREQ(s.set.v[0].why, "every run was left out (not complete, not verified, or without a T1)");
    EXPECT_TRUE(s.set.v[1].summarised);
    EXPECT_EQ(s.set.summarised, 1);
}

TEST(StudyFinish, KeepsWhatRepeatAutoAskedForTheReport) {
    Set s;
    for (int k = 0; k < 6; k++) {
        RunSpec r;
        r.precision = 0.01;
        r.cap = 8;
        r.wall_s = 1.0 + 0.01 * k;
        ASSERT_EQ(s.Add(Line(r), k + 1), MSC_OK);
    }
    char err[256];
    ASSERT_EQ(msc_study_finish(&s.set, 0, 0, err, sizeof err), MSC_OK);
    EXPECT_DOUBLE_EQ(s.set.v[0].sum.precision, 0.01);
    EXPECT_EQ(s.set.v[0].sum.repeat_cap, 8);
    char *text = nullptr;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    msc_study_text(f, &s.set.v[0], 0, 1);
    std::fclose(f);
    const std::string t = text;
    std::free(text);
    EXPECT_NE(t.find("Repeats (--repeat auto)"), std::string::npos) << t;
}

TEST(StudyFinish, FitsTheSameModelAsASweep) {
    Set s;
    AddAmdahl(s, 0.2, {1, 2, 4, 8}, 3);
    char err[256];
    ASSERT_EQ(msc_study_finish(&s.set, 3.0, 0.5, err, sizeof err), MSC_OK);
    const msc_study &st = s.set.v[0];
    ASSERT_TRUE(st.summarised);
    EXPECT_EQ(st.sum.n_rows, 4);
    EXPECT_TRUE(st.sum.t1_measured);
    ASSERT_TRUE(st.sum.amdahl.fit.ok) << st.sum.amdahl.fit.why;
    EXPECT_NEAR(st.sum.amdahl.f, 0.2, 1e-3);
    EXPECT_DOUBLE_EQ(st.sum.target_speedup, 3.0);
    EXPECT_DOUBLE_EQ(st.sum.min_efficiency, 0.5);
    EXPECT_NEAR(st.sum.serial_share, 0.2 / 2.0002, 1e-12); // serial 0.2 s over T1, the median at p = 1
    // the text is the sweep's, under a heading that says where the runs came from
    char *text = nullptr;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    msc_study_text(f, &st, 0, 1);
    std::fclose(f);
    std::string t = text;
    std::free(text);
    EXPECT_EQ(t.rfind("== Study 1 of 1: amdahl serial=0.3, [0, 2000000), strong ==\n"
                      "12 runs from 1 file (first at runs.jsonl:1); 1024 segments, schedule block, "
                      "kernel version 1\n", 0), 0u) << t;
    EXPECT_NE(t.find("Amdahl: serial fraction f = 0.2000"), std::string::npos) << t;
}

// Splits one CSV line (RFC 4180 quoting).
std::vector<std::string> CsvFields(const std::string &line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); i++) {
        char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            out.back() += '"';
            i++;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

std::string Capture(void (*fn)(FILE *, const msc_study_set *), const msc_study_set *set) {
    return CaptureFile([&](FILE *f) { fn(f, set); });
}

TEST(StudyExport, CsvParsesBackRowByRow) {
    Set s;
    AddAmdahl(s, 0.2, {1, 2, 4}, 2);
    char err[256];
    ASSERT_EQ(msc_study_finish(&s.set, 0, 0, err, sizeof err), MSC_OK);
    std::istringstream in(Capture(msc_study_csv, &s.set));
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    const std::vector<std::string> head = CsvFields(line);
    auto col = [&](const char *name) {
        for (size_t i = 0; i < head.size(); i++)
            if (head[i] == name) return i;
        ADD_FAILURE() << "no column " << name;
        return size_t(0);
    };
    int rows = 0;
    while (std::getline(in, line)) {
        const std::vector<std::string> v = CsvFields(line);
        ASSERT_EQ(v.size(), head.size()) << line;
        const msc_sweep_row &r = s.set.v[0].sum.rows[rows];
        EXPECT_EQ(v[col("params")], "{\"serial\":0.29999999999999999}"); // quoted: it holds a quote
        EXPECT_EQ(std::atoi(v[col("p")].c_str()), r.p);
        EXPECT_NEAR(std::strtod(v[col("wall_median_s")].c_str(), nullptr), r.wall.median, 1e-9);
        EXPECT_NEAR(std::strtod(v[col("speedup")].c_str(), nullptr), r.speedup, 1e-8);
        EXPECT_NEAR(std::strtod(v[col("amdahl_f")].c_str(), nullptr), 0.2, 1e-3);
        EXPECT_NEAR(std::strtod(v[col("model_speedup")].c_str(), nullptr), 1 / (0.2 + 0.8 / r.p), 1e-2);
        EXPECT_EQ(v[col("mode")], "strong");
        EXPECT_NEAR(std::strtod(v[col("usl_sigma")].c_str(), nullptr), 0.2, 1e-2); // USL of Amdahl data
        EXPECT_EQ(v[col("gustafson_alpha")], "");                                   // strong: not fitted
        EXPECT_NEAR(std::strtod(v[col("compute_s")].c_str(), nullptr), 0.5, 1e-12);  // phase medians
        EXPECT_NEAR(std::strtod(v[col("gather_s")].c_str(), nullptr), 0.002, 1e-12);
        rows++;
        if (rows == 1) {
            EXPECT_EQ(v[col("karp_flatt")], ""); // none at p = 1
        }
    }
    EXPECT_EQ(rows, 3);
}

TEST(StudyExport, MarkdownHasOneTableRowPerPoint) {
    Set s;
    AddAmdahl(s, 0.2, {1, 2, 4, 8}, 1);
    char err[256];
    ASSERT_EQ(msc_study_finish(&s.set, 0, 0, err, sizeof err), MSC_OK);
    const std::string md = Capture(msc_study_markdown, &s.set);
    EXPECT_EQ(md.rfind("### amdahl serial=0.3, [0, 2000000), strong\n", 0), 0u) << md;
    int rows = 0;
    std::istringstream in(md);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("| ", 0) == 0 && line.find("| p |") == std::string::npos) rows++;
    EXPECT_EQ(rows, 4) << md;
    EXPECT_NE(md.find("- Amdahl: serial fraction f = 0.2000"), std::string::npos) << md;
}

TEST(StudyExport, MarkdownEscapesWhatMarkdownWouldInterpret) {
    Set s;
    RunSpec r;
    r.kernel = "do_math"; // '_' would start emphasis
    r.params = {};
    ASSERT_EQ(s.Add(Line(r)), MSC_OK);
    char err[256];
    ASSERT_EQ(msc_study_finish(&s.set, 0, 0, err, sizeof err), MSC_OK);
    const std::string md = Capture(msc_study_markdown, &s.set);
    EXPECT_EQ(md.rfind("### do\\_math, [0, 2000000), strong\n", 0), 0u) << md;
}

TEST(StudyExport, ExtrapRefusesStudiesAtDifferentRankCounts) {
    Set s;
    AddAmdahl(s, 0.2, {1, 2}, 1);
    RunSpec pi;
    pi.kernel = "pi";
    pi.params = {};
    pi.ranks = 4;
    ASSERT_EQ(s.Add(Line(pi), 10), MSC_OK);
    char err[512];
    FILE *f = std::tmpfile();
    EXPECT_EQ(msc_study_extrap(f, &s.set, err, sizeof err), MSC_ERR_USAGE);
    std::fclose(f);
    EXPECT_STREQ(err, "Extra-P needs every study measured at the same rank counts, but \"amdahl "
                      "serial=0.3, [0, 2000000), strong\" has p = 1 and \"pi, [0, 2000000), strong\" "
                      "has not: write one study at a time (give only its files)");
}

TEST(StudyExport, ExtrapLinesParseBackOnePerRun) {
    Set s;
    AddAmdahl(s, 0.2, {1, 2, 4}, 2);
    char err[256];
    char *text = nullptr;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    ASSERT_EQ(msc_study_extrap(f, &s.set, err, sizeof err), MSC_OK);
    std::fclose(f);
    std::istringstream in(text);
    std::free(text);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        json_error_t e;
        json_t *o = json_loads(line.c_str(), 0, &e);
        ASSERT_NE(o, nullptr) << e.text;
        const msc_sweep_run &r = s.set.v[0].runs[lines];
        EXPECT_EQ(json_integer_value(json_object_get(json_object_get(o, "params"), "p")), r.p);
        EXPECT_STREQ(json_string_value(json_object_get(o, "callpath")), "amdahl-serial-0.3-0-2000000-strong");
        EXPECT_STREQ(json_string_value(json_object_get(o, "metric")), "time");
        EXPECT_DOUBLE_EQ(json_real_value(json_object_get(o, "value")), r.wall_s);
        json_decref(o);
        lines++;
    }
    EXPECT_EQ(lines, 6);
}

} // namespace
