// test_driver_mpi.cc — the driver under mpirun (ctest runs this binary at 1, 2, 3 and 4 ranks).
// For every kernel and awkward ranges, the distributed run must give the kernel's reference
// result, cover every element exactly once, and produce the same digest as a serial computation
// of the same segments — which is what makes digests equal across rank counts. Every kernel under
// every schedule must give block's digest, with the chunks and atomic claims its plan implies.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include <csignal>
#include <cstdio>
#include <unistd.h>

#include "mpiscale/cli.h"
#include "mpiscale/driver.h"
#include "mpiscale/journal.h"
#include "mpiscale/kernel.h"
#include "mpiscale/model.h"
#include "mpiscale/schedule.h"

namespace {

int world_rank()
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int world_size()
{
    int s = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

msc_options parse(std::vector<std::string> args)
{
    args.insert(args.begin(), "mpiscale");
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    msc_options o;
    char err[256] = "";
    msc_status st = msc_cli_parse((int)args.size(), argv.data(), &o, err, sizeof err);
    EXPECT_EQ(st, MSC_OK) << err;
    return o;
}

// The digest and total a single process gets by running the same pieces in the same order:
// the serial share first (if the kernel declares one), then every segment of the rest.
uint64_t serial_digest(const msc_options &o, msc_partial *total)
{
    const int64_t n = msc_range_count(o.range);
    const int64_t n_serial = (int64_t)(msc_kernel_serial_share(o.kernel, &o.params) * (double)n);
    const msc_range par = {o.range.lo + n_serial, o.range.hi};
    const int64_t n_seg = msc_segments_clip(n - n_serial, o.segments_requested);
    std::vector<msc_partial> parts;
    if (n_serial > 0) {
        msc_partial p;
        std::memset(&p, 0, sizeof p);
        o.kernel->run(o.range, o.range.lo, par.lo, &o.params, &p);
        parts.push_back(p);
    }
    for (int64_t s = 0; s < n_seg; s++) {
        const msc_range seg = msc_segment(par, n_seg, s);
        msc_partial p;
        std::memset(&p, 0, sizeof p);
        o.kernel->run(o.range, seg.lo, seg.hi, &o.params, &p);
        parts.push_back(p);
    }
    return msc_partials_combine(parts.data(), (int64_t)parts.size(), total);
}

struct Case {
    const char *kernel;
    const char *range;
    const char *segments;
    const char *param; // or nullptr
};

std::ostream &operator<<(std::ostream &os, const Case &c)
{
    return os << c.kernel << " " << c.range << " /" << c.segments;
}

class DriverKernels : public ::testing::TestWithParam<Case> {};

TEST_P(DriverKernels, MatchesReferenceAndSerialDigest)
{
    const Case c = GetParam();
    std::vector<std::string> args = {"--kernel", c.kernel, "--range", c.range, "--segments", c.segments};
    if (c.param != nullptr) {
        args.push_back("--param");
        args.push_back(c.param);
    }
    const msc_options o = parse(args);
    msc_run_record rec;
    std::memset(&rec, 0, sizeof rec);
    char err[512] = "";
    const msc_status st = msc_driver_run(&o, MPI_COMM_WORLD, 0.0, &rec, err, sizeof err);

    // Every rank must come back with the same status.
    int mine = (int)st, lo = 0, hi = 0;
    MPI_Allreduce(&mine, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&mine, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    EXPECT_EQ(lo, hi) << "ranks disagree on the status";
    ASSERT_EQ(st, MSC_OK) << err;

    if (world_rank() == 0) {
        msc_partial total;
        const uint64_t want = serial_digest(o, &total);
        char want_hex[17], want_result[64];
        std::snprintf(want_hex, sizeof want_hex, "%016llx", (unsigned long long)want);
        msc_result_format(o.kernel, &total, want_result, sizeof want_result);
        EXPECT_TRUE(rec.verdict.pass) << rec.verdict.method;
        EXPECT_STREQ(rec.digest, want_hex);
        EXPECT_STREQ(rec.result, want_result);
        EXPECT_EQ(total.n_items, msc_range_count(o.range));
        EXPECT_EQ(rec.ranks, world_size());
        const int64_t n_seg = rec.segments;
        EXPECT_EQ(rec.idle_ranks, n_seg < world_size() ? world_size() - (int)n_seg : 0);
        EXPECT_GE(rec.nodes, 1);
        EXPECT_LE(rec.nodes, rec.ranks);
        int placed = 0;
        for (int h = 0; h < rec.nodes; h++) placed += rec.hosts[h].ranks;
        EXPECT_EQ(placed, rec.ranks) << "every rank sits on exactly one node";
        if (rec.nodes == 1) { // the ranks of one node, as one range
            const std::string want = world_size() == 1 ? "0" : "0-" + std::to_string(world_size() - 1);
            EXPECT_EQ(std::string(rec.hosts[0].rank_list), want);
        }
        EXPECT_EQ(rec.status, MSC_OK);
    }
    msc_record_free(&rec);
}

const Case cases[] = {
    {"do_math", "0:1000003", "1024", nullptr},
    {"do_math", "-1000:12345", "7", nullptr},
    {"do_math", "5:7", "1024", nullptr}, // fewer elements than ranks
    {"do_math", "41:42", "1", nullptr},  // one element
    {"do_math", "9007199254000000:9007199255000000", "13", nullptr}, // near the 2^53 limit
    {"sum_squares", "-5000:4999", "10", nullptr},
    {"sum_squares", "4611686018427387894:4611686018427387904", "3", nullptr}, // [2^62-10, 2^62)
    {"sum_squares", "-9223372036854775808:-9223372036854775806", "5", nullptr},
    {"random_fill", "-777:100000", "33", "seed=42"},
    {"random_fill", "4611686018427387000:4611686018427388000", "4", nullptr},
    {"pi", "0:100000", "1024", nullptr},
    {"pi", "-50000:50001", "9", nullptr},
    {"primes", "0:200000", "64", nullptr},
    {"primes", "-100:3", "2", nullptr},
    {"primes", "4398046500000:4398046511104", "5", nullptr}, // up to 2^42
    {"sleep", "0:40", "8", "usec=100"},
    {"sleep", "9223372036854775800:9223372036854775807", "3", "usec=0"},
    {"amdahl", "0:300001", "16", "serial=0.3"},
    {"amdahl", "-20:3", "1024", "serial=0.5"},
};

INSTANTIATE_TEST_SUITE_P(AllKernels, DriverKernels, ::testing::ValuesIn(cases));

// ---- every kernel under every schedule --------------------------------------------------------

// A small awkward range (and parameters) per kernel: an odd element count not divisible by 7,
// well under a second at any rank count. A kernel not listed here runs over 1:1004 with its
// default parameters, so a newly registered kernel is covered without editing this table.
struct SmallRun {
    const char *kernel;
    const char *range;
    const char *param; // or nullptr
};

const SmallRun small_runs[] = {
    {"do_math", "-1000:20003", nullptr},        {"sum_squares", "-5000:4999", nullptr},
    {"random_fill", "-777:20000", "seed=42"},   {"pi", "-50000:50001", nullptr},
    {"primes", "-100:100003", nullptr},         {"sleep", "0:23", "usec=20"},
    {"amdahl", "-1000:20003", "serial=0.3"},    {"heavy_tail", "0:1003", nullptr},
};

SmallRun small_run(const msc_kernel *k)
{
    for (const SmallRun &r : small_runs)
        if (std::strcmp(r.kernel, k->name) == 0) return r;
    return SmallRun{k->name, "1:1004", nullptr};
}

const char *const schedule_specs[] = {"block",   "cyclic", "block-cyclic:3", "dynamic",
                                      "dynamic:1", "guided", "guided:2",      "weighted"};

// (kernel index in the registry, --schedule value, --segments): 7 segments leave a remainder at
// 2, 3 and 4 ranks; 3 segments leave a rank without work at 4.
using ScheduleCase = std::tuple<size_t, const char *, int>;

class DriverSchedules : public ::testing::TestWithParam<ScheduleCase> {};

// Runs the job of `args` on MPI_COMM_WORLD into *rec; returns this rank's status.
msc_status run_job(const std::vector<std::string> &args, msc_run_record *rec, char *err, size_t len)
{
    const msc_options o = parse(args);
    std::memset(rec, 0, sizeof *rec);
    return msc_driver_run(&o, MPI_COMM_WORLD, 0.0, rec, err, len);
}

TEST_P(DriverSchedules, SameDigestAsBlockEverySegmentOnce)
{
    const msc_kernel *k = msc_kernel_at(std::get<0>(GetParam()));
    const char *spec = std::get<1>(GetParam());
    const std::string segments = std::to_string(std::get<2>(GetParam()));
    const SmallRun run = small_run(k);
    std::vector<std::string> args = {"--kernel", k->name, "--range", run.range, "--segments", segments};
    if (run.param != nullptr) {
        args.push_back("--param");
        args.push_back(run.param);
    }
    std::vector<std::string> block_args = args, sched_args = args;
    block_args.insert(block_args.end(), {"--schedule", "block"});
    sched_args.insert(sched_args.end(), {"--schedule", spec});

    // Both runs are collective: every rank makes both calls before any assertion can return.
    msc_run_record block_rec, rec;
    char block_err[512] = "", err[512] = "";
    const msc_status block_st = run_job(block_args, &block_rec, block_err, sizeof block_err);
    const msc_status st = run_job(sched_args, &rec, err, sizeof err);
    int mine[2] = {(int)block_st, (int)st}, lo[2] = {0, 0}, hi[2] = {0, 0};
    MPI_Allreduce(mine, lo, 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(mine, hi, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    EXPECT_EQ(lo[0], hi[0]) << "ranks disagree on the block run's status";
    EXPECT_EQ(lo[1], hi[1]) << "ranks disagree on the status under " << spec;
    EXPECT_EQ(block_st, MSC_OK) << block_err;
    EXPECT_EQ(st, MSC_OK) << err;

    if (world_rank() == 0 && block_st == MSC_OK && st == MSC_OK) {
        const int p = world_size();
        const msc_options o = parse(sched_args);
        msc_partial total;
        const uint64_t want = serial_digest(o, &total);
        char want_hex[17], want_result[64];
        std::snprintf(want_hex, sizeof want_hex, "%016llx", (unsigned long long)want);
        msc_result_format(o.kernel, &total, want_result, sizeof want_result);
        const int64_t n = msc_range_count(o.range);
        const int64_t n_serial =
            (int64_t)(msc_kernel_serial_share(o.kernel, &o.params) * (double)n);
        const int64_t n_seg = msc_segments_clip(n - n_serial, o.segments_requested);

        EXPECT_EQ(rec.status, MSC_OK);
        EXPECT_TRUE(rec.verdict.pass) << rec.verdict.method;
        EXPECT_STREQ(rec.digest, block_rec.digest) << "the digest differs from block's";
        EXPECT_STREQ(rec.digest, want_hex) << "the digest differs from a serial run of segments";
        EXPECT_STREQ(rec.result, want_result);
        EXPECT_EQ(total.n_items, n);
        EXPECT_EQ(rec.segments, n_seg);
        EXPECT_EQ(rec.ranks, p);
        EXPECT_EQ(rec.schedule.kind, o.schedule.kind);
        if (o.schedule.chunk > 0) {
            EXPECT_EQ(rec.schedule.chunk, o.schedule.chunk);
        }

        // The plan the driver must have followed, from the same inputs (weighted: P chunks, sized
        // by speeds measured in the run).
        msc_plan plan;
        char plan_err[256] = "";
        ASSERT_EQ(msc_plan_init(&plan, &o.schedule, n_seg, p, nullptr, plan_err, sizeof plan_err),
                  MSC_OK)
            << plan_err;
        EXPECT_EQ(rec.balance.chunks, plan.n_chunks);
        EXPECT_EQ(rec.schedule.chunk, plan.sched.chunk);
        if (msc_schedule_is_dynamic(o.schedule.kind)) {
            // Each chunk is claimed once; then every rank makes one last claim that finds no work.
            EXPECT_EQ(rec.balance.claims, rec.balance.chunks + p);
            EXPECT_GE(rec.idle_ranks, std::max<int64_t>(0, p - plan.n_chunks));
            EXPECT_LT(rec.idle_ranks, p);
        } else {
            EXPECT_EQ(rec.balance.claims, 0);
            EXPECT_EQ(rec.balance.claims_s, 0.0);
            if (o.schedule.kind == MSC_SCHED_WEIGHTED) {
                EXPECT_GE(rec.idle_ranks, std::max<int64_t>(0, p - n_seg));
                EXPECT_LT(rec.idle_ranks, p);
            } else {
                int idle = 0;
                for (int r = 0; r < p; r++) idle += msc_plan_rank_segments(&plan, r) == 0;
                EXPECT_EQ(rec.idle_ranks, idle);
            }
        }
        if (o.schedule.kind == MSC_SCHED_WEIGHTED && p > 1) {
            EXPECT_GT(rec.balance.speed_min, 0.0);
            EXPECT_LE(rec.balance.speed_min, rec.balance.speed_max);
            EXPECT_GT(rec.phases[MSC_PHASE_CALIBRATE].max_s, 0.0) << "no calibrate phase";
        } else {
            // One rank takes every segment whatever its speed: nothing to calibrate.
            EXPECT_EQ(rec.phases[MSC_PHASE_CALIBRATE].max_s, 0.0);
        }
        msc_plan_free(&plan);
    }
    msc_record_free(&block_rec);
    msc_record_free(&rec);
}

std::string schedule_case_name(const ::testing::TestParamInfo<ScheduleCase> &info)
{
    std::string name = std::string(msc_kernel_at(std::get<0>(info.param))->name) + "_" +
                       std::get<1>(info.param) + "_S" + std::to_string(std::get<2>(info.param));
    for (char &c : name)
        if (!std::isalnum((unsigned char)c)) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(AllKernelsAllSchedules, DriverSchedules,
                         ::testing::Combine(::testing::Range<size_t>(0, msc_kernel_count()),
                                            ::testing::ValuesIn(schedule_specs),
                                            ::testing::Values(7, 3)),
                         schedule_case_name);

// Runs the job of `args` with the kernel's run function replaced by `run`: a planted fault.
msc_status run_faulty(std::vector<std::string> args,
                      void (*run)(msc_range, int64_t, int64_t, const msc_params *, msc_partial *),
                      msc_run_record *rec, char *err, size_t len)
{
    msc_options o = parse(args);
    msc_kernel faulty = *o.kernel;
    faulty.run = run;
    o.kernel = &faulty;
    std::memset(rec, 0, sizeof *rec);
    return msc_driver_run(&o, MPI_COMM_WORLD, 0.0, rec, err, len);
}

// A kernel that miscounts one element in every segment: the sum is off, and verify must say so
// on every rank as the same status.
void off_by_one_run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    msc_kernel_find("sum_squares")->run(whole, lo, hi, p, out);
    out->exact_lo += 1;
}

TEST(Driver, WrongResultFailsVerificationOnEveryRank)
{
    msc_run_record rec;
    char err[512] = "";
    EXPECT_EQ(run_faulty({"--kernel", "sum_squares", "--range", "0:1000", "--segments", "5"},
                         off_by_one_run, &rec, err, sizeof err),
              MSC_ERR_VERIFY);
    if (world_rank() == 0) {
        EXPECT_FALSE(rec.verdict.pass);
        EXPECT_EQ(rec.status, MSC_ERR_VERIFY);
        EXPECT_NE(std::string(err).find("reference"), std::string::npos) << err;
    }
    msc_record_free(&rec);
}

// A kernel that skips the last element of each segment: the element count check must catch it
// before any verification, as an internal error on every rank.
void skipping_run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p, msc_partial *out)
{
    msc_kernel_find("do_math")->run(whole, lo, hi > lo ? hi - 1 : hi, p, out);
}

TEST(Driver, MissingElementsAreAnInternalErrorOnEveryRank)
{
    msc_run_record rec;
    char err[512] = "";
    EXPECT_EQ(run_faulty({"--kernel", "do_math", "--range", "0:100", "--segments", "4"}, skipping_run,
                         &rec, err, sizeof err),
              MSC_ERR_INTERNAL);
    if (world_rank() == 0) {
        EXPECT_NE(std::string(err).find("segment"), std::string::npos) << err;
    }
    msc_record_free(&rec);
}

// Above the size where random_fill's total is checked exactly, only its mean is tested; a wrong
// first segment must still be caught, by the spot check of segments against the independent path.
void first_segment_wrong_run(msc_range whole, int64_t lo, int64_t hi, const msc_params *p,
                             msc_partial *out)
{
    msc_kernel_find("random_fill")->run(whole, lo, hi, p, out);
    if (lo == whole.lo) out->exact_lo += 1;
}

TEST(Driver, SpotCheckCatchesAWrongSegmentThatTheStatisticsMiss)
{
    msc_run_record rec;
    char err[512] = "";
    EXPECT_EQ(run_faulty({"--kernel", "random_fill", "--range", "0:5M", "--segments", "64"},
                         first_segment_wrong_run, &rec, err, sizeof err),
              MSC_ERR_VERIFY);
    if (world_rank() == 0) {
        EXPECT_NE(std::string(rec.verdict.method).find("statistical"), std::string::npos)
            << rec.verdict.method;
        EXPECT_NE(std::string(rec.verdict.method).find("segment 0 differs"), std::string::npos)
            << rec.verdict.method;
    }
    msc_record_free(&rec);
}

TEST(Driver, SerialBaselineGivesMeasuredT1AndSameDigest)
{
    const msc_options o = parse({"--kernel", "amdahl", "--range", "0:200000", "--serial-baseline"});
    msc_run_record rec;
    std::memset(&rec, 0, sizeof rec);
    char err[512] = "";
    ASSERT_EQ(msc_driver_run(&o, MPI_COMM_WORLD, 0.0, &rec, err, sizeof err), MSC_OK) << err;
    if (world_rank() == 0) {
        EXPECT_EQ(rec.analysis.t1_source, MSC_T1_BASELINE);
        EXPECT_GT(rec.measure.baseline_s, 0.0);
        EXPECT_TRUE(rec.verdict.pass) << rec.verdict.method;
        EXPECT_GT(rec.phases[MSC_PHASE_SERIAL].max_s, 0.0);
    }
    msc_record_free(&rec);
}

// ---- progress, --repeat auto, --calibrate -----------------------------------------------------

struct ProgressLog {
    int calls = 0;
    int waits = 0; // "waiting" reports: rank 0 done, the others not yet
    std::vector<double> fractions;
    std::vector<int> claimed;
};

void log_progress(const msc_progress *pr, void *ctx)
{
    ProgressLog *log = static_cast<ProgressLog *>(ctx);
    if (std::strcmp(pr->phase, "waiting") == 0) { /* after rank 0's share, whole */
        log->waits++;
        EXPECT_DOUBLE_EQ(pr->fraction, 1.0);
        EXPECT_GE(pr->elapsed_s, 0.0);
        return;
    }
    EXPECT_EQ(log->waits, 0) << "a compute report after a waiting one";
    log->calls++;
    log->fractions.push_back(pr->fraction);
    log->claimed.push_back(pr->claimed);
    EXPECT_STREQ(pr->phase, "compute");
    EXPECT_GE(pr->elapsed_s, 0.0);
}

// With no minimum interval the watch hears of every segment rank 0 computes, and of nothing on
// the other ranks: its own share under block (up to 100%), the segments handed out under dynamic.
TEST(DriverProgress, RankZeroHearsOfEverySegmentBetweenSegmentsAndNoOtherRankHearsAnything)
{
    for (const char *sched : {"block", "dynamic:2"}) {
        const msc_options o = parse({"--kernel", "do_math", "--range", "0:100000", "--segments", "64",
                                     "--schedule", sched});
        ProgressLog log;
        const msc_watch watch = {log_progress, &log, 0.0};
        msc_run_record rec;
        std::memset(&rec, 0, sizeof rec);
        char err[512] = "";
        ASSERT_EQ(msc_driver_run_watched(&o, MPI_COMM_WORLD, 0.0, &watch, &rec, err, sizeof err), MSC_OK)
            << err;
        if (world_rank() != 0) {
            EXPECT_EQ(log.calls + log.waits, 0) << sched;
        } else {
            const bool dynamic = std::strcmp(sched, "block") != 0;
            if (!dynamic) {
                EXPECT_EQ(log.calls, (64 + world_size() - 1) / world_size()) << "rank 0's share";
                ASSERT_FALSE(log.fractions.empty());
                EXPECT_DOUBLE_EQ(log.fractions.back(), 1.0);
            }
            EXPECT_GT(log.calls, 0) << sched;
            for (size_t i = 0; i < log.fractions.size(); ++i) {
                EXPECT_GT(log.fractions[i], 0.0);
                EXPECT_LE(log.fractions[i], 1.0);
                if (i > 0) {
                    EXPECT_GE(log.fractions[i], log.fractions[i - 1]) << sched;
                }
                EXPECT_EQ(log.claimed[i], dynamic ? 1 : 0) << sched;
            }
        }
        msc_record_free(&rec);
    }
}

struct SweepLog {
    std::vector<std::vector<double>> walls; // measured job times per point, in run order
    int starts = 0, dones = 0;
    bool totals_ok = true;
};

void sweep_start(const msc_sweep_pos *pos, void *ctx)
{
    SweepLog *log = static_cast<SweepLog *>(ctx);
    log->starts++;
    if (pos->done != log->dones || pos->total < pos->done + 1 || pos->left[pos->point] < 1)
        log->totals_ok = false;
}

void sweep_done(const msc_run_record *rec, const msc_sweep_pos *pos, void *ctx)
{
    SweepLog *log = static_cast<SweepLog *>(ctx);
    log->dones++;
    if ((size_t)pos->point >= log->walls.size()) log->walls.resize(pos->point + 1);
    if (pos->run >= 0) {
        EXPECT_EQ((size_t)pos->run, log->walls[pos->point].size()) << "runs come in order";
        log->walls[pos->point].push_back(rec->measure.wall_s);
    }
}

bool precise_prefix(const std::vector<double> &w, size_t n, double precision)
{
    msc_sample s;
    EXPECT_EQ(msc_sample_stats(w.data(), (int)n, &s, nullptr), MSC_OK);
    return msc_sample_precise(&s, precision) != 0;
}

// Every point: at least 6 runs, then runs until its job times are precise or it has CAP runs,
// and not one run more. Checked against the rule itself, so it holds however noisy the machine.
TEST(DriverSweep, AutoRepeatRunsEachPointUntilPreciseOrTheCapAndAllRanksAgree)
{
    for (const char *precision : {"50%", "0.000000001"}) {
        const msc_options o = parse({"--kernel", "sleep", "--param", "usec=2000", "--range", "0:4",
                                     "--segments", "4", "--sweep", "all", "--repeat", "auto:8",
                                     "--warmup", "1", "--precision", precision});
        int points[MSC_MAX_SWEEP], n_points = 0;
        ASSERT_EQ(msc_sweep_points(&o, world_size(), points, &n_points, nullptr, 0), MSC_OK);
        SweepLog log;
        msc_sweep_hooks hooks;
        std::memset(&hooks, 0, sizeof hooks);
        hooks.start = sweep_start;
        hooks.done = sweep_done;
        hooks.ctx = &log;
        char err[512] = "";
        const msc_status st = msc_driver_sweep(&o, MPI_COMM_WORLD, 0.0, points, n_points, &hooks, err, sizeof err);
        int mine = (int)st, lo = 0, hi = 0;
        MPI_Allreduce(&mine, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        MPI_Allreduce(&mine, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        EXPECT_EQ(lo, hi) << "ranks disagree on the status";
        ASSERT_EQ(st, MSC_OK) << err;
        if (world_rank() != 0) {
            EXPECT_EQ(log.starts, 0);
            continue;
        }
        EXPECT_TRUE(log.totals_ok);
        EXPECT_EQ(log.starts, log.dones);
        ASSERT_EQ((int)log.walls.size(), n_points);
        const double prec = o.precision;
        for (int i = 0; i < n_points; ++i) {
            const std::vector<double> &w = log.walls[i];
            const size_t n = w.size();
            EXPECT_GE(n, (size_t)MSC_SAMPLE_MIN_CI) << "p = " << points[i];
            EXPECT_LE(n, 8u) << "p = " << points[i];
            for (size_t k = MSC_SAMPLE_MIN_CI; k < n; ++k)
                EXPECT_FALSE(precise_prefix(w, k, prec)) << "p = " << points[i] << " was precise after "
                                                         << k << " runs and still ran";
            if (n < 8) {
                EXPECT_TRUE(precise_prefix(w, n, prec)) << "p = " << points[i] << " stopped early";
            }
            if (prec < 1e-6) {
                EXPECT_EQ(n, 8u) << "nothing is that precise: the cap";
            }
        }
        EXPECT_EQ(log.starts, n_points * 1 + [&] {
            int runs = 0;
            for (const auto &w : log.walls) runs += (int)w.size();
            return runs;
        }()) << "one warm-up per point, then the measured runs";
    }
}

TEST(DriverSweep, FixedRepeatRunsEveryPointExactlyRTimesWithExactTotals)
{
    const msc_options o = parse({"--kernel", "do_math", "--range", "0:10000", "--sweep", "all",
                                 "--repeat", "3"});
    int points[MSC_MAX_SWEEP], n_points = 0;
    ASSERT_EQ(msc_sweep_points(&o, world_size(), points, &n_points, nullptr, 0), MSC_OK);
    SweepLog log;
    msc_sweep_hooks hooks;
    std::memset(&hooks, 0, sizeof hooks);
    hooks.start = [](const msc_sweep_pos *pos, void *ctx) {
        sweep_start(pos, ctx);
        EXPECT_TRUE(pos->exact);
        EXPECT_EQ(pos->total, 3 * pos->n_points);
    };
    hooks.done = sweep_done;
    hooks.ctx = &log;
    char err[512] = "";
    ASSERT_EQ(msc_driver_sweep(&o, MPI_COMM_WORLD, 0.0, points, n_points, &hooks, err, sizeof err), MSC_OK)
        << err;
    if (world_rank() == 0) {
        EXPECT_TRUE(log.totals_ok);
        ASSERT_EQ((int)log.walls.size(), n_points);
        for (const auto &w : log.walls) EXPECT_EQ(w.size(), 3u);
    }
}

TEST(DriverCalibrate, EmptyKernelAtEachPointAndInitTimesOfEveryRank)
{
    const msc_options o = parse({"--kernel", "primes", "--range", "0:100000000", "--sweep", "all",
                                 "--schedule", "dynamic"});
    int points[MSC_MAX_SWEEP], n_points = 0;
    ASSERT_EQ(msc_sweep_points(&o, world_size(), points, &n_points, nullptr, 0), MSC_OK);
    msc_calibration cal;
    char err[512] = "";
    // MPI_Init "took" 1 ms on rank 0, 2 ms on rank 1, ...
    const double t0 = 0.001 * (world_rank() + 1);
    const double start = MPI_Wtime();
    const msc_status st = msc_driver_calibrate(&o, MPI_COMM_WORLD, t0, points, n_points, 2, &cal, err, sizeof err);
    ASSERT_EQ(st, MSC_OK) << err;
    // primes over 0:100M would take minutes: the empty kernel does none of that work
    EXPECT_LT(MPI_Wtime() - start, 30.0);
    if (world_rank() == 0) {
        EXPECT_EQ(cal.ranks, world_size());
        EXPECT_EQ(cal.init.n, world_size());
        EXPECT_DOUBLE_EQ(cal.init.min, 0.001);
        EXPECT_DOUBLE_EQ(cal.init.max, 0.001 * world_size());
        ASSERT_EQ(cal.n_rows, n_points);
        for (int i = 0; i < n_points; ++i) {
            EXPECT_EQ(cal.rows[i].p, points[i]);
            EXPECT_EQ(cal.rows[i].runs, 2);
            EXPECT_GT(cal.rows[i].job_s, 0.0);
            EXPECT_GE(cal.rows[i].scatter_s, 0.0);
            EXPECT_GE(cal.rows[i].gather_s, 0.0);
            EXPECT_GE(cal.rows[i].combine_s, 0.0);
            EXPECT_LE(cal.rows[i].combine_s, cal.rows[i].job_s);
        }
    }
}

// ---- checkpoint: the stream to rank 0's journal, resume from it, and the agreed stop ----------

// Rank 0's journal path, the same on every rank (broadcast), in a fresh temporary directory.
std::string journal_path()
{
    char path[256] = "";
    if (world_rank() == 0) {
        char tmpl[] = "/tmp/msc-ckpt-XXXXXX";
        const char *d = mkdtemp(tmpl);
        snprintf(path, sizeof path, "%s/journal", d != nullptr ? d : "/tmp");
    }
    MPI_Bcast(path, sizeof path, MPI_CHAR, 0, MPI_COMM_WORLD);
    return path;
}

// Every segment reaches the journal exactly once, with its exact partial, whoever computed it;
// a rerun that takes any subset of them from the journal gives the uninterrupted digest, under
// any schedule, and computes only the rest.
TEST(DriverCheckpoint, EverySegmentJournaledOnceAndAnyResumeGivesTheSameDigest)
{
    for (const char *sched : {"block", "dynamic:3", "cyclic"}) {
        const msc_options o = parse({"--kernel", "primes", "--range", "0:200003", "--segments", "37",
                                     "--schedule", sched});
        msc_partial total;
        const uint64_t want = serial_digest(o, &total);
        char want_hex[17];
        snprintf(want_hex, sizeof want_hex, "%016llx", (unsigned long long)want);
        const std::string path = journal_path();
        char inputs[512], err[512] = "";
        msc_range par;
        int64_t n_seg = 0;
        msc_job_split(o.kernel, &o.params, o.range, o.segments_requested, &par, &n_seg);
        msc_journal_inputs(o.kernel, &o.params, o.range, n_seg, inputs, sizeof inputs);
        msc_run_ctl ctl;
        std::memset(&ctl, 0, sizeof ctl);
        ctl.journal_fd = -1;
        if (world_rank() == 0) {
            ASSERT_EQ(msc_journal_rewrite(path.c_str(), inputs, nullptr, 0, err, sizeof err), MSC_OK) << err;
            ASSERT_EQ(msc_journal_open_append(path.c_str(), &ctl.journal_fd, err, sizeof err), MSC_OK) << err;
        }
        msc_run_record rec;
        std::memset(&rec, 0, sizeof rec);
        ASSERT_EQ(msc_driver_run_ctl(&o, MPI_COMM_WORLD, 0.0, nullptr, &ctl, &rec, err, sizeof err), MSC_OK) << err;
        std::vector<msc_journal_entry> by(n_seg);
        std::vector<unsigned char> have(n_seg);
        if (world_rank() == 0) {
            close(ctl.journal_fd);
            EXPECT_EQ(ctl.journaled, n_seg) << sched;
            EXPECT_EQ(ctl.computed, n_seg) << sched;
            EXPECT_STREQ(rec.digest, want_hex) << sched;
            msc_journal_scan scan;
            ASSERT_EQ(msc_journal_load(path.c_str(), inputs, n_seg, by.data(), have.data(), &scan, err,
                                       sizeof err),
                      MSC_OK)
                << err;
            EXPECT_EQ(scan.entries, n_seg) << sched;
            EXPECT_EQ(scan.lines, n_seg) << sched << ": a segment journaled twice";
            EXPECT_EQ(scan.bad + scan.duplicates + scan.conflicts, 0) << sched;
            for (int64_t s2 = 0; s2 < n_seg; s2++) {
                const msc_range seg = msc_segment(par, n_seg, s2);
                EXPECT_EQ(by[s2].lo, seg.lo);
                EXPECT_EQ(by[s2].hi, seg.hi);
                EXPECT_GE(by[s2].rank, 0);
                EXPECT_LT(by[s2].rank, world_size());
            }
        }
        msc_record_free(&rec);
        // resume with every third segment taken from the journal, under another schedule
        const msc_options o2 = parse({"--kernel", "primes", "--range", "0:200003", "--segments", "37",
                                      "--schedule", std::string(sched) == "block" ? "guided" : "block"});
        for (int64_t s2 = 0; s2 < n_seg; s2++) have[s2] = have[s2] && s2 % 3 == 0;
        msc_run_ctl ctl2;
        std::memset(&ctl2, 0, sizeof ctl2);
        ctl2.journal_fd = -1;
        if (world_rank() == 0) {
            ctl2.have = have.data();
            ctl2.reused = by.data();
            ctl2.n_segments = n_seg;
        }
        std::memset(&rec, 0, sizeof rec);
        ASSERT_EQ(msc_driver_run_ctl(&o2, MPI_COMM_WORLD, 0.0, nullptr, &ctl2, &rec, err, sizeof err), MSC_OK)
            << err;
        if (world_rank() == 0) {
            const int64_t reused = (n_seg + 2) / 3;
            EXPECT_EQ(ctl2.reused_count, reused);
            EXPECT_EQ(ctl2.computed, n_seg - reused);
            EXPECT_EQ(rec.reused_segments, reused);
            EXPECT_STREQ(rec.digest, want_hex) << sched << ": resumed";
            EXPECT_TRUE(rec.verdict.pass);
            unlink(path.c_str());
            rmdir(path.substr(0, path.rfind('/')).c_str());
        }
        msc_record_free(&rec);
    }
}

// A stop asked for on one rank only (the others never see a signal) is agreed by all: every rank
// returns MSC_INTERRUPTED, rank 0 learns which signal, and no record is filled.
TEST(DriverCheckpoint, AStopOnOneRankStopsEveryRank)
{
    const msc_options o = parse({"--kernel", "sleep", "--param", "usec=2000", "--range", "0:4000",
                                 "--segments", "400"});
    static volatile sig_atomic_t flag = 0;
    flag = world_rank() == world_size() - 1 ? SIGUSR2 : 0;
    msc_run_ctl ctl;
    std::memset(&ctl, 0, sizeof ctl);
    ctl.journal_fd = -1;
    ctl.stop = &flag;
    msc_run_record rec;
    std::memset(&rec, 0, sizeof rec);
    char err[512] = "";
    EXPECT_EQ(msc_driver_run_ctl(&o, MPI_COMM_WORLD, 0.0, nullptr, &ctl, &rec, err, sizeof err),
              MSC_INTERRUPTED);
    if (world_rank() == 0) {
        EXPECT_EQ(ctl.stop_signal, SIGUSR2);
        EXPECT_EQ(ctl.stopped_by_deadline, 0);
        EXPECT_EQ(rec.kernel, nullptr);
    }
    msc_record_free(&rec);
    // a deadline already past stops the run the same way
    msc_run_ctl late;
    std::memset(&late, 0, sizeof late);
    late.journal_fd = -1;
    late.deadline_s = 1.0;
    std::memset(&rec, 0, sizeof rec);
    EXPECT_EQ(msc_driver_run_ctl(&o, MPI_COMM_WORLD, 0.0, nullptr, &late, &rec, err, sizeof err),
              MSC_INTERRUPTED);
    if (world_rank() == 0) {
        EXPECT_EQ(late.stopped_by_deadline, 1);
    }
    msc_record_free(&rec);
}

} // namespace
