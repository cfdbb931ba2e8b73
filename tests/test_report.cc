// test_report.cc — a hand-built run record rendered as JSON (parsed back with jansson), CSV (parsed
// back as RFC 4180) and text, including the schedule's balance and --slow-rank; appending to files;
// and the output-path check that creates nothing.
#include <gtest/gtest.h>

#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mpiscale/kernel.h"
#include "mpiscale/model.h"
#include "mpiscale/report.h"
#include "mpiscale/timing.h"
#include "capture.h"
#include "scratch.h"

namespace {

// A record for `kernel` over [-10, 1000000) on 4 ranks of one node, verified, with phase times
// that differ per phase so that a mix-up shows.
msc_run_record MakeRecord(const char *kernel = "do_math", std::vector<const char *> kv = {}) {
    msc_run_record r;
    std::memset(&r, 0, sizeof r);
    r.kernel = msc_kernel_find(kernel);
    EXPECT_NE(r.kernel, nullptr);
    EXPECT_EQ(msc_params_parse(r.kernel, kv.data(), static_cast<int>(kv.size()), &r.params,
                               nullptr, 0),
              MSC_OK);
    r.range = msc_range{-10, 1000000};
    r.segments = 64;
    r.schedule.kind = MSC_SCHED_BLOCK;
    r.schedule.chunk = 0;
    r.serial_baseline = 0;
    r.slow_rank = -1;
    r.slow_factor = 1;
    r.ranks = 4;
    r.nodes = 1;
    r.idle_ranks = 0;
    r.oversubscribed_nodes = 0;
    r.hosts = static_cast<msc_host *>(std::malloc(sizeof(msc_host)));
    std::memset(r.hosts, 0, sizeof(msc_host));
    std::snprintf(r.hosts[0].name, sizeof r.hosts[0].name, "node01");
    r.hosts[0].ranks = 4;
    r.hosts[0].cores = 8;
    r.status = MSC_OK;
    // Larger than any int64: must travel as a string.
    std::snprintf(r.result, sizeof r.result, "340282366920938463463374607431768211455");
    std::snprintf(r.digest, sizeof r.digest, "0123456789abcdef");
    r.verdict.pass = 1;
    std::snprintf(r.verdict.expected, sizeof r.verdict.expected, "%s", r.result);
    std::snprintf(r.verdict.method, sizeof r.verdict.method, "closed form, exact");
    for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph) {
        r.phases[ph].min_s = 0.125 * ph;
        r.phases[ph].mean_s = 0.125 * ph + 0.0625;
        r.phases[ph].max_s = 0.125 * ph + 0.1;
        r.phases[ph].max_rank = ph % 4;
    }
    r.imbalance = 0.05;
    r.balance.chunks = 4;
    r.balance.claims = 0;
    r.balance.claims_s = 0.0;
    r.balance.claim_max_s = 0.0;
    r.balance.idle_s = 0.75;
    r.balance.idle_fraction = 0.09375;
    r.balance.speed_min = 0.0;
    r.balance.speed_max = 0.0;
    r.balance.cost_trend = 1.25;
    r.balance.cost_spread = 2.5;
    r.balance.advice[0] = '\0';
    r.measure.ranks = 4;
    r.measure.wall_s = 3.0;
    r.measure.setup_s = 0.25;
    r.measure.serial_s = 1.0;
    r.measure.compute_sum_s = 8.0;
    r.measure.compute_max_s = 2.0;
    r.measure.baseline_s = -1.0;
    r.measure.baseline_compute_s = -1.0;
    msc_model_analyse(&r.measure, &r.analysis);
    std::snprintf(r.mpi_library, sizeof r.mpi_library, "Open MPI v4.1.4, \"test\" build\\x");
    std::snprintf(r.compiler, sizeof r.compiler, "gcc 12.2.0");
    std::snprintf(r.start_time, sizeof r.start_time, "2026-11-22T01:00:00Z");
    return r;
}

// Owns a record and frees it at scope end.
struct Record {
    msc_run_record r;
    explicit Record(msc_run_record rec) : r(rec) {}
    ~Record() { msc_record_free(&r); }
    Record(const Record &) = delete;
    Record &operator=(const Record &) = delete;
};

// Renders rec as JSON and parses it back; the test fails if either step fails.
json_t *JsonOf(const msc_run_record &rec, std::string *text_out = nullptr) {
    char *text = msc_report_json(&rec);
    EXPECT_NE(text, nullptr);
    if (text == nullptr) return nullptr;
    if (text_out) *text_out = text;
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    EXPECT_NE(j, nullptr) << "invalid JSON (" << e.text << "): " << text;
    std::free(text);
    return j;
}

struct JsonDoc {
    json_t *j;
    explicit JsonDoc(json_t *p) : j(p) {}
    ~JsonDoc() { json_decref(j); }
    json_t *operator[](const char *key) const { return json_object_get(j, key); }
};

double Num(json_t *v) { return json_number_value(v); }



bool Exists(const std::string &path) {
    struct stat sb;
    return stat(path.c_str(), &sb) == 0;
}

std::vector<std::string> SplitLines(const std::string &text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t nl = text.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

// RFC 4180 fields of one line.
std::vector<std::string> CsvFields(const std::string &line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quote in: " << line;
    return fields;
}


std::string Capture(const msc_run_record &rec, void (*write)(FILE *, const msc_run_record *)) {
    return CaptureFile([&](FILE *f) { write(f, &rec); });
}

// ---- status labels -----------------------------------------------------------------------------

TEST(Report, StatusLabelsAreTheDocumentedNames) {
    EXPECT_STREQ(msc_status_label(MSC_OK), "complete");
    EXPECT_STREQ(msc_status_label(MSC_ERR_USAGE), "invalid_input");
    EXPECT_STREQ(msc_status_label(MSC_ERR_RANGE), "invalid_input");
    EXPECT_STREQ(msc_status_label(MSC_ERR_IO), "io_error");
    EXPECT_STREQ(msc_status_label(MSC_ERR_VERIFY), "verification_failed");
    EXPECT_STREQ(msc_status_label(MSC_ERR_NOMEM), "internal_error");
    EXPECT_STREQ(msc_status_label(MSC_ERR_MPI), "internal_error");
    EXPECT_STREQ(msc_status_label(MSC_ERR_INTERNAL), "internal_error");
}

// ---- record ownership --------------------------------------------------------------------------

TEST(Report, RecordFreeReleasesAndZeroes) {
    msc_run_record r = MakeRecord();
    msc_record_free(&r);
    EXPECT_EQ(r.hosts, nullptr);
    EXPECT_EQ(r.kernel, nullptr);
    EXPECT_EQ(r.nodes, 0);
    EXPECT_EQ(r.ranks, 0);
    msc_record_free(&r);  // a zeroed record is safe to free again
}

TEST(Report, RecordFreeIsSafeOnAZeroedRecord) {
    msc_run_record r;
    std::memset(&r, 0, sizeof r);
    msc_record_free(&r);
    EXPECT_EQ(r.hosts, nullptr);
}

// ---- JSON --------------------------------------------------------------------------------------

TEST(Report, JsonIsOneCompactLine) {
    Record rec(MakeRecord());
    std::string text;
    JsonDoc d(JsonOf(rec.r, &text));
    ASSERT_NE(d.j, nullptr);
    EXPECT_TRUE(json_is_object(d.j));
    EXPECT_EQ(text.find('\n'), std::string::npos) << "JSON Lines objects must not hold a newline";
}

TEST(Report, JsonHasEveryDocumentedKeyWithItsType) {
    Record rec(MakeRecord());
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_TRUE(json_is_integer(d["schema"]));
    EXPECT_TRUE(json_is_string(d["kernel"]));
    EXPECT_TRUE(json_is_object(d["params"]));
    ASSERT_TRUE(json_is_object(d["range"]));
    EXPECT_TRUE(json_is_integer(json_object_get(d["range"], "start")));
    EXPECT_TRUE(json_is_integer(json_object_get(d["range"], "end")));
    EXPECT_TRUE(json_is_integer(d["segments"]));
    EXPECT_TRUE(json_is_string(d["schedule"]));
    EXPECT_TRUE(json_is_object(d["balance"]));
    EXPECT_TRUE(json_is_null(d["slow_rank"]));
    EXPECT_TRUE(json_is_null(d["sweep"]));
    EXPECT_TRUE(json_is_integer(d["ranks"]));
    EXPECT_TRUE(json_is_integer(d["nodes"]));
    EXPECT_TRUE(json_is_string(d["result"]));
    EXPECT_TRUE(json_is_string(d["digest"]));
    EXPECT_TRUE(json_is_boolean(d["verified"]));
    for (const char *k : {"wall_s", "t1_s", "speedup", "efficiency", "serial_fraction",
                          "karp_flatt"})
        EXPECT_TRUE(json_is_number(d[k])) << k;
    EXPECT_TRUE(json_is_string(d["t1_source"]));
    EXPECT_TRUE(json_is_object(d["phases"]));
    EXPECT_TRUE(json_is_string(d["status"]));
    // provenance
    EXPECT_TRUE(json_is_string(d["mpi_library"]));
    EXPECT_TRUE(json_is_string(d["compiler"]));
    EXPECT_TRUE(json_is_string(d["start_time"]));
    EXPECT_TRUE(json_is_array(d["hosts"]));
}

TEST(Report, JsonValuesRoundTrip) {
    Record rec(MakeRecord());
    const msc_run_record &r = rec.r;
    JsonDoc d(JsonOf(r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_EQ(json_integer_value(d["schema"]), MSC_SCHEMA_VERSION);
    EXPECT_STREQ(json_string_value(d["kernel"]), "do_math");
    EXPECT_EQ(json_integer_value(json_object_get(d["range"], "start")), -10);
    EXPECT_EQ(json_integer_value(json_object_get(d["range"], "end")), 1000000);
    EXPECT_EQ(json_integer_value(d["segments"]), 64);
    EXPECT_STREQ(json_string_value(d["schedule"]), "block");
    EXPECT_EQ(json_integer_value(d["ranks"]), 4);
    EXPECT_EQ(json_integer_value(d["nodes"]), 1);
    EXPECT_STREQ(json_string_value(d["result"]), "340282366920938463463374607431768211455");
    EXPECT_STREQ(json_string_value(d["digest"]), "0123456789abcdef");
    EXPECT_TRUE(json_is_true(d["verified"]));
    EXPECT_EQ(Num(d["wall_s"]), 3.0);
    EXPECT_EQ(Num(d["t1_s"]), r.analysis.t1_s);
    EXPECT_STREQ(json_string_value(d["t1_source"]), "estimated");
    EXPECT_EQ(Num(d["speedup"]), r.analysis.speedup);
    EXPECT_EQ(Num(d["efficiency"]), r.analysis.efficiency);
    EXPECT_EQ(Num(d["serial_fraction"]), r.analysis.serial_fraction);
    EXPECT_EQ(Num(d["karp_flatt"]), r.analysis.karp_flatt);
    EXPECT_STREQ(json_string_value(d["status"]), "complete");
    EXPECT_STREQ(json_string_value(d["mpi_library"]), r.mpi_library);
    EXPECT_STREQ(json_string_value(d["compiler"]), "gcc 12.2.0");
    EXPECT_STREQ(json_string_value(d["start_time"]), "2026-11-22T01:00:00Z");
    json_t *h = json_array_get(d["hosts"], 0);
    ASSERT_TRUE(json_is_object(h));
    EXPECT_EQ(json_array_size(d["hosts"]), 1u);
    EXPECT_STREQ(json_string_value(json_object_get(h, "name")), "node01");
    EXPECT_EQ(json_integer_value(json_object_get(h, "ranks")), 4);
    EXPECT_EQ(json_integer_value(json_object_get(h, "cores")), 8);
}

TEST(Report, JsonRealsRoundTripExactly) {
    Record rec(MakeRecord());
    rec.r.measure.wall_s = 0.1;  // not exact in binary: needs 17 significant digits
    rec.r.analysis.speedup = 1.0 / 3.0;
    rec.r.analysis.efficiency = std::nextafter(0.75, 1.0);
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_EQ(Num(d["wall_s"]), 0.1);
    EXPECT_EQ(Num(d["speedup"]), 1.0 / 3.0);
    EXPECT_EQ(Num(d["efficiency"]), std::nextafter(0.75, 1.0));
}

TEST(Report, JsonPhasesHoldMinMeanMaxPerPhase) {
    Record rec(MakeRecord());
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    json_t *phases = d["phases"];
    ASSERT_TRUE(json_is_object(phases));
    for (int ph = 0; ph < MSC_PHASE_COUNT; ++ph) {
        const char *name = msc_phase_name(static_cast<msc_phase>(ph));
        json_t *p = json_object_get(phases, name);
        ASSERT_TRUE(json_is_object(p)) << name;
        EXPECT_EQ(Num(json_object_get(p, "min")), rec.r.phases[ph].min_s) << name;
        EXPECT_EQ(Num(json_object_get(p, "mean")), rec.r.phases[ph].mean_s) << name;
        EXPECT_EQ(Num(json_object_get(p, "max")), rec.r.phases[ph].max_s) << name;
    }
}

TEST(Report, JsonRangeAtInt64Limits) {
    Record rec(MakeRecord());
    rec.r.range = msc_range{INT64_MIN, -1};
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_EQ(json_integer_value(json_object_get(d["range"], "start")), INT64_MIN);
    EXPECT_EQ(json_integer_value(json_object_get(d["range"], "end")), -1);
    rec.r.range = msc_range{0, INT64_MAX};
    JsonDoc e(JsonOf(rec.r));
    ASSERT_NE(e.j, nullptr);
    EXPECT_EQ(json_integer_value(json_object_get(e["range"], "end")), INT64_MAX);
}

TEST(Report, JsonParamsKeepTheirTypes) {
    {
        Record rec(MakeRecord("random_fill", {"seed=7"}));
        JsonDoc d(JsonOf(rec.r));
        ASSERT_NE(d.j, nullptr);
        json_t *seed = json_object_get(d["params"], "seed");
        ASSERT_TRUE(json_is_integer(seed));
        EXPECT_EQ(json_integer_value(seed), 7);
    }
    {
        Record rec(MakeRecord("amdahl", {"serial=0.3"}));
        JsonDoc d(JsonOf(rec.r));
        ASSERT_NE(d.j, nullptr);
        json_t *serial = json_object_get(d["params"], "serial");
        ASSERT_TRUE(json_is_number(serial));
        EXPECT_EQ(Num(serial), 0.3);
    }
    {
        Record rec(MakeRecord("do_math"));
        JsonDoc d(JsonOf(rec.r));
        ASSERT_NE(d.j, nullptr);
        EXPECT_EQ(json_object_size(d["params"]), 0u);
    }
}

TEST(Report, JsonBaselineSourceIsNamed) {
    Record rec(MakeRecord());
    rec.r.serial_baseline = 1;
    rec.r.measure.baseline_s = 7.5;
    rec.r.measure.baseline_compute_s = 7.0;
    msc_model_analyse(&rec.r.measure, &rec.r.analysis);
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_STREQ(json_string_value(d["t1_source"]), "baseline");
    EXPECT_EQ(Num(d["t1_s"]), 7.75);
}

TEST(Report, JsonNanAndInfinityBecomeNull) {
    Record rec(MakeRecord());
    rec.r.ranks = 1;
    rec.r.measure.ranks = 1;
    rec.r.measure.serial_s = 0.0;  // f = 0: ceiling 1/f is infinite
    msc_model_analyse(&rec.r.measure, &rec.r.analysis);
    ASSERT_TRUE(std::isnan(rec.r.analysis.karp_flatt));
    ASSERT_TRUE(std::isinf(rec.r.analysis.ceiling));
    rec.r.imbalance = NAN;
    std::string text;
    JsonDoc d(JsonOf(rec.r, &text));
    ASSERT_NE(d.j, nullptr) << text;
    EXPECT_TRUE(json_is_null(d["karp_flatt"])) << text;
    EXPECT_EQ(text.find("nan"), std::string::npos) << text;
    EXPECT_EQ(text.find("inf"), std::string::npos) << text;
}

TEST(Report, JsonZeroWallTimeStillValid) {
    Record rec(MakeRecord());
    rec.r.measure.wall_s = 0.0;
    msc_model_analyse(&rec.r.measure, &rec.r.analysis);
    std::string text;
    JsonDoc d(JsonOf(rec.r, &text));
    ASSERT_NE(d.j, nullptr) << text;
    EXPECT_TRUE(json_is_number(d["wall_s"]));
    // speedup = t1 / 0 is not a finite number; whatever it is, it must not break the JSON.
    EXPECT_TRUE(json_is_null(d["speedup"]) || json_is_number(d["speedup"]));
}

TEST(Report, JsonNanPhaseTimeDoesNotDropThePhase) {
    Record rec(MakeRecord());
    rec.r.phases[MSC_PHASE_BASELINE].min_s = NAN;
    rec.r.phases[MSC_PHASE_BASELINE].mean_s = NAN;
    rec.r.phases[MSC_PHASE_BASELINE].max_s = NAN;
    std::string text;
    JsonDoc d(JsonOf(rec.r, &text));
    ASSERT_NE(d.j, nullptr) << text;
    json_t *p = json_object_get(d["phases"], msc_phase_name(MSC_PHASE_BASELINE));
    ASSERT_TRUE(json_is_object(p)) << text;
    EXPECT_TRUE(json_is_null(json_object_get(p, "max"))) << text;
}

TEST(Report, JsonVerificationFailureIsRecorded) {
    Record rec(MakeRecord());
    rec.r.verdict.pass = 0;
    rec.r.status = MSC_ERR_VERIFY;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_TRUE(json_is_false(d["verified"]));
    EXPECT_STREQ(json_string_value(d["status"]), "verification_failed");
}

TEST(Report, JsonListsEveryHost) {
    Record rec(MakeRecord());
    rec.r.nodes = 3;
    rec.r.hosts = static_cast<msc_host *>(std::realloc(rec.r.hosts, 3 * sizeof(msc_host)));
    std::memset(&rec.r.hosts[1], 0, 2 * sizeof(msc_host)); // realloc leaves the new hosts undefined
    for (int i = 0; i < 3; ++i) {
        std::snprintf(rec.r.hosts[i].name, sizeof rec.r.hosts[i].name, "n%d", i);
        rec.r.hosts[i].ranks = i + 1;
        rec.r.hosts[i].cores = 2;
    }
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    ASSERT_EQ(json_array_size(d["hosts"]), 3u);
    EXPECT_EQ(json_integer_value(d["nodes"]), 3);
    for (size_t i = 0; i < 3; ++i) {
        json_t *h = json_array_get(d["hosts"], i);
        EXPECT_EQ(std::string(json_string_value(json_object_get(h, "name"))),
                  "n" + std::to_string(i));
        EXPECT_EQ(json_integer_value(json_object_get(h, "ranks")), static_cast<json_int_t>(i + 1));
    }
}

TEST(Report, JsonAppendTwiceGivesTwoParseableLines) {
    const ScratchDir dir;
    const std::string path = dir / "runs.jsonl";
    {
        Record a(MakeRecord());
        Record b(MakeRecord("random_fill", {"seed=7"}));
        b.r.ranks = 8;
        char err[256] = "";
        ASSERT_EQ(msc_report_json_append(path.c_str(), &a.r, err, sizeof err), MSC_OK) << err;
        ASSERT_EQ(msc_report_json_append(path.c_str(), &b.r, err, sizeof err), MSC_OK) << err;
    }
    const std::string text = ReadFile(path);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    const std::vector<std::string> lines = SplitLines(text);
    ASSERT_EQ(lines.size(), 2u) << text;
    const char *kernels[] = {"do_math", "random_fill"};
    const json_int_t ranks[] = {4, 8};
    for (size_t i = 0; i < 2; ++i) {
        json_error_t e;
        JsonDoc d(json_loads(lines[i].c_str(), 0, &e));
        ASSERT_NE(d.j, nullptr) << "line " << i + 1 << ": " << e.text;
        EXPECT_STREQ(json_string_value(d["kernel"]), kernels[i]);
        EXPECT_EQ(json_integer_value(d["ranks"]), ranks[i]);
    }
}

TEST(Report, JsonAppendIntoAMissingDirectoryFailsWithIoError) {
    const ScratchDir dir;
    const std::string path = dir / "missing/runs.jsonl";
    Record a(MakeRecord());
    char err[256] = "";
    EXPECT_EQ(msc_report_json_append(path.c_str(), &a.r, err, sizeof err), MSC_ERR_IO);
    EXPECT_NE(std::string(err).find(path), std::string::npos) << err;
    EXPECT_FALSE(Exists(dir / "missing"));
}

// ---- JSON: schedule, balance, slow rank ---------------------------------------------------------

// A dynamic:8 run with every balance field set to a distinct value.
msc_run_record MakeDynamicRecord() {
    msc_run_record r = MakeRecord();
    r.schedule.kind = MSC_SCHED_DYNAMIC;
    r.schedule.chunk = 8;
    r.balance.chunks = 8;
    r.balance.claims = 12;
    r.balance.claims_s = 0.0006;
    r.balance.claim_max_s = 0.0001;
    r.balance.idle_s = 0.125;
    r.balance.idle_fraction = 0.015625;
    r.balance.speed_min = 5.0;  // "0 for other schedules": not shown even when set
    r.balance.speed_max = 7.0;
    r.balance.cost_trend = 17.5;
    r.balance.cost_spread = 3.25;
    r.balance.rank_skew = 1.75;
    std::snprintf(r.balance.advice, sizeof r.balance.advice,
                  "claims took 6.0%% of the compute time (12 claims, \"50.0\" us each): a "
                  "larger chunk would cut that");
    return r;
}

TEST(Report, JsonSchemaIsTwo) {
    EXPECT_EQ(MSC_SCHEMA_VERSION, 2);
    Record rec(MakeRecord());
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_EQ(json_integer_value(d["schema"]), 2);
}

TEST(Report, JsonScheduleIsTheFormattedSchedule) {
    const struct {
        msc_schedule_kind kind;
        int64_t chunk;
        const char *want;
    } cases[] = {{MSC_SCHED_BLOCK, 0, "block"},
                 {MSC_SCHED_CYCLIC, 0, "cyclic"},
                 {MSC_SCHED_BLOCK_CYCLIC, 16, "block-cyclic:16"},
                 {MSC_SCHED_DYNAMIC, 8, "dynamic:8"},
                 {MSC_SCHED_GUIDED, 1, "guided:1"},
                 {MSC_SCHED_WEIGHTED, 0, "weighted"}};
    for (const auto &c : cases) {
        Record rec(MakeRecord());
        rec.r.schedule.kind = c.kind;
        rec.r.schedule.chunk = c.chunk;
        JsonDoc d(JsonOf(rec.r));
        ASSERT_NE(d.j, nullptr);
        EXPECT_STREQ(json_string_value(d["schedule"]), c.want);
        EXPECT_STREQ(json_string_value(json_object_get(d["balance"], "kind")),
                     msc_schedule_name(c.kind));
    }
}

TEST(Report, JsonBalanceHoldsTheMeasuredValues) {
    Record rec(MakeDynamicRecord());
    const msc_balance &b = rec.r.balance;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    json_t *bal = d["balance"];
    ASSERT_TRUE(json_is_object(bal));
    EXPECT_STREQ(json_string_value(json_object_get(bal, "kind")), "dynamic");
    EXPECT_EQ(json_integer_value(json_object_get(bal, "chunk")), 8);
    EXPECT_EQ(json_integer_value(json_object_get(bal, "chunks")), 8);
    EXPECT_EQ(json_integer_value(json_object_get(bal, "claims")), 12);
    EXPECT_EQ(Num(json_object_get(bal, "claims_s")), b.claims_s);
    EXPECT_EQ(Num(json_object_get(bal, "claim_max_s")), b.claim_max_s);
    EXPECT_EQ(Num(json_object_get(bal, "idle_s")), b.idle_s);
    EXPECT_EQ(Num(json_object_get(bal, "idle_fraction")), b.idle_fraction);
    EXPECT_EQ(Num(json_object_get(bal, "cost_trend")), b.cost_trend);
    EXPECT_EQ(Num(json_object_get(bal, "cost_spread")), b.cost_spread);
    EXPECT_EQ(Num(json_object_get(bal, "rank_skew")), b.rank_skew);
    EXPECT_TRUE(json_is_null(json_object_get(bal, "speed_min")));
    EXPECT_TRUE(json_is_null(json_object_get(bal, "speed_max")));
    EXPECT_STREQ(json_string_value(json_object_get(bal, "advice")), b.advice);
    const char *keys[] = {"kind",        "chunk",  "chunks",        "claims",
                          "claims_s",    "claim_max_s", "idle_s",   "idle_fraction",
                          "cost_trend",  "cost_spread", "rank_skew", "speed_min",
                          "speed_max",   "advice"};
    EXPECT_EQ(json_object_size(bal), sizeof keys / sizeof keys[0]);
    for (const char *k : keys) EXPECT_NE(json_object_get(bal, k), nullptr) << k;
}

TEST(Report, JsonSpeedsAreNullOutsideWeighted) {
    for (msc_schedule_kind kind : {MSC_SCHED_BLOCK, MSC_SCHED_CYCLIC, MSC_SCHED_BLOCK_CYCLIC,
                                   MSC_SCHED_DYNAMIC, MSC_SCHED_GUIDED}) {
        Record rec(MakeRecord());
        rec.r.schedule.kind = kind;
        rec.r.balance.speed_min = 1e6;
        rec.r.balance.speed_max = 2e6;
        JsonDoc d(JsonOf(rec.r));
        ASSERT_NE(d.j, nullptr);
        EXPECT_TRUE(json_is_null(json_object_get(d["balance"], "speed_min")))
            << msc_schedule_name(kind);
        EXPECT_TRUE(json_is_null(json_object_get(d["balance"], "speed_max")))
            << msc_schedule_name(kind);
    }
}

TEST(Report, JsonWeightedRunShowsItsCalibratedSpeeds) {
    Record rec(MakeRecord());
    rec.r.schedule.kind = MSC_SCHED_WEIGHTED;
    rec.r.balance.speed_min = 1.5e6;
    rec.r.balance.speed_max = 3.0e6;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_EQ(Num(json_object_get(d["balance"], "speed_min")), 1.5e6);
    EXPECT_EQ(Num(json_object_get(d["balance"], "speed_max")), 3.0e6);
    EXPECT_TRUE(json_is_null(json_object_get(d["balance"], "chunk"))) << "weighted has no chunk";
}

TEST(Report, JsonBalanceUsesNullForWhatWasNotMeasured) {
    Record rec(MakeRecord());  // block, no chunk, no advice
    rec.r.balance.cost_trend = NAN;
    rec.r.balance.cost_spread = INFINITY;
    std::string text;
    JsonDoc d(JsonOf(rec.r, &text));
    ASSERT_NE(d.j, nullptr) << text;
    json_t *bal = d["balance"];
    EXPECT_TRUE(json_is_null(json_object_get(bal, "chunk"))) << text;
    EXPECT_TRUE(json_is_null(json_object_get(bal, "advice"))) << text;
    EXPECT_TRUE(json_is_null(json_object_get(bal, "cost_trend"))) << text;
    EXPECT_TRUE(json_is_null(json_object_get(bal, "cost_spread"))) << text;
    EXPECT_EQ(json_integer_value(json_object_get(bal, "claims")), 0);
    EXPECT_EQ(json_integer_value(json_object_get(bal, "chunks")), 4);
    EXPECT_EQ(Num(json_object_get(bal, "idle_s")), 0.75);
}

TEST(Report, JsonSlowRankIsNullUnlessGiven) {
    Record rec(MakeRecord());
    {
        JsonDoc d(JsonOf(rec.r));
        ASSERT_NE(d.j, nullptr);
        EXPECT_TRUE(json_is_null(d["slow_rank"]));
    }
    rec.r.slow_rank = 3;
    rec.r.slow_factor = 4;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    json_t *sr = d["slow_rank"];
    ASSERT_TRUE(json_is_object(sr));
    EXPECT_EQ(json_object_size(sr), 2u);
    EXPECT_EQ(json_integer_value(json_object_get(sr, "rank")), 3);
    EXPECT_EQ(json_integer_value(json_object_get(sr, "factor")), 4);
}

TEST(Report, JsonHasEveryPhaseIncludingCalibrate) {
    Record rec(MakeRecord());
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_EQ(json_object_size(d["phases"]), static_cast<size_t>(MSC_PHASE_COUNT));
    json_t *cal = json_object_get(d["phases"], "calibrate");
    ASSERT_TRUE(json_is_object(cal));
    EXPECT_EQ(Num(json_object_get(cal, "max")), rec.r.phases[MSC_PHASE_CALIBRATE].max_s);
}

// ---- CSV ---------------------------------------------------------------------------------------

// The CSV row of rec as (header name -> field); the test fails when the counts differ.
std::vector<std::pair<std::string, std::string>> CsvRecord(const msc_run_record &rec) {
    std::vector<char> row(8192);
    EXPECT_EQ(msc_report_csv_row(&rec, row.data(), row.size()), MSC_OK);
    const std::vector<std::string> head = CsvFields(msc_report_csv_header());
    const std::vector<std::string> fields = CsvFields(row.data());
    EXPECT_EQ(fields.size(), head.size()) << row.data();
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = 0; i < head.size() && i < fields.size(); ++i) out.emplace_back(head[i], fields[i]);
    return out;
}

std::string CsvField(const std::vector<std::pair<std::string, std::string>> &rec,
                     const char *name) {
    for (const auto &kv : rec)
        if (kv.first == name) return kv.second;
    ADD_FAILURE() << "no column " << name;
    return "";
}

TEST(Report, CsvHeaderIsTheDocumentedColumnList) {
    EXPECT_STREQ(msc_report_csv_header(),
                 "schema,start_time,kernel,params,range_start,range_end,segments,schedule,ranks,"
                 "nodes,result,digest,verified,status,wall_s,t1_s,t1_source,speedup,efficiency,"
                 "compute_speedup,serial_fraction,karp_flatt,imbalance,idle_s,claims,claims_s,"
                 "advice,hosts,mpi_library,compiler,sweep_mode,sweep_run");
}

TEST(Report, CsvSweepColumnsAreEmptyOutsideASweep) {
    Record rec(MakeRecord());
    const auto row = CsvRecord(rec.r);
    EXPECT_EQ(CsvField(row, "sweep_mode"), "");
    EXPECT_EQ(CsvField(row, "sweep_run"), "");
}

TEST(Report, CsvSweepColumnsNameTheModeAndTheRunIndexAsJsonDoes) {
    Record rec(MakeRecord());
    rec.r.sweep_mode = 1;
    rec.r.sweep_run = 3;
    auto row = CsvRecord(rec.r);
    EXPECT_EQ(CsvField(row, "sweep_mode"), "strong");
    EXPECT_EQ(CsvField(row, "sweep_run"), "3");
    rec.r.sweep_mode = 2;
    rec.r.sweep_run = 0;
    row = CsvRecord(rec.r);
    EXPECT_EQ(CsvField(row, "sweep_mode"), "weak");
    EXPECT_EQ(CsvField(row, "sweep_run"), "0");
    JsonDoc j(JsonOf(rec.r));
    EXPECT_STREQ(json_string_value(json_object_get(j["sweep"], "mode")), "weak");
    EXPECT_EQ(json_integer_value(json_object_get(j["sweep"], "run")), 0);
}

TEST(Report, CsvSweepColumnsComeLastSoNoOtherColumnMoves) {
    const std::vector<std::string> head = CsvFields(msc_report_csv_header());
    ASSERT_GE(head.size(), 3u);
    EXPECT_EQ(head[head.size() - 3], "compiler");
    EXPECT_EQ(head[head.size() - 2], "sweep_mode");
    EXPECT_EQ(head[head.size() - 1], "sweep_run");
    EXPECT_EQ(head[26], "advice") << "advice keeps its place";
}

TEST(Report, CsvBalanceColumnsHoldTheRunsValues) {
    Record rec(MakeDynamicRecord());
    const auto row = CsvRecord(rec.r);
    EXPECT_EQ(CsvField(row, "schema"), "2");
    EXPECT_EQ(CsvField(row, "schedule"), "dynamic:8");
    EXPECT_EQ(std::strtod(CsvField(row, "imbalance").c_str(), nullptr), 0.05);
    EXPECT_EQ(std::strtod(CsvField(row, "idle_s").c_str(), nullptr), 0.125);
    EXPECT_EQ(CsvField(row, "claims"), "12");
    EXPECT_EQ(std::strtod(CsvField(row, "claims_s").c_str(), nullptr), 0.0006);
    // The advice holds commas and quotes: it must come back whole.
    EXPECT_EQ(CsvField(row, "advice"), rec.r.balance.advice);
    EXPECT_EQ(CsvField(row, "hosts"), "node01:4");
}

TEST(Report, CsvEmptyAdviceIsAnEmptyField) {
    Record rec(MakeRecord());
    const auto row = CsvRecord(rec.r);
    EXPECT_EQ(CsvField(row, "advice"), "");
    EXPECT_EQ(CsvField(row, "claims"), "0");
    EXPECT_EQ(CsvField(row, "schedule"), "block");
}

TEST(Report, CsvAppendFitsTheLongestFields) {
    // Every text field at its longest and made of quotes, each doubled by the quoting.
    const ScratchDir dir;
    const std::string path = dir / "long.csv";
    Record rec(MakeDynamicRecord());
    std::memset(rec.r.balance.advice, '"', sizeof rec.r.balance.advice - 1);
    rec.r.balance.advice[sizeof rec.r.balance.advice - 1] = '\0';
    std::memset(rec.r.mpi_library, '"', sizeof rec.r.mpi_library - 1);
    rec.r.mpi_library[sizeof rec.r.mpi_library - 1] = '\0';
    std::memset(rec.r.compiler, '"', sizeof rec.r.compiler - 1);
    rec.r.compiler[sizeof rec.r.compiler - 1] = '\0';
    std::memset(rec.r.start_time, '"', sizeof rec.r.start_time - 1);
    rec.r.start_time[sizeof rec.r.start_time - 1] = '\0';
    std::memset(rec.r.result, '"', sizeof rec.r.result - 1);
    rec.r.result[sizeof rec.r.result - 1] = '\0';
    std::memset(rec.r.hosts[0].name, '"', sizeof rec.r.hosts[0].name - 1);
    rec.r.hosts[0].name[sizeof rec.r.hosts[0].name - 1] = '\0';
    char err[256] = "";
    ASSERT_EQ(msc_report_csv_append(path.c_str(), &rec.r, err, sizeof err), MSC_OK) << err;
    const std::vector<std::string> lines = SplitLines(ReadFile(path));
    ASSERT_EQ(lines.size(), 2u);
    const std::vector<std::string> fields = CsvFields(lines[1]);
    ASSERT_EQ(fields.size(), CsvFields(lines[0]).size());
    EXPECT_EQ(fields[26], rec.r.balance.advice);
}

TEST(Report, CsvRowHasAsManyFieldsAsTheHeader) {
    Record rec(MakeRecord());
    char row[4096];
    ASSERT_EQ(msc_report_csv_row(&rec.r, row, sizeof row), MSC_OK);
    const std::vector<std::string> head = CsvFields(msc_report_csv_header());
    const std::vector<std::string> fields = CsvFields(row);
    EXPECT_EQ(fields.size(), head.size()) << row;
    EXPECT_EQ(std::strchr(row, '\n'), nullptr);
    EXPECT_EQ(std::strchr(msc_report_csv_header(), '\n'), nullptr);
}

TEST(Report, CsvFieldsLineUpWithTheHeader) {
    Record rec(MakeRecord("random_fill", {"seed=7"}));
    char row[4096];
    ASSERT_EQ(msc_report_csv_row(&rec.r, row, sizeof row), MSC_OK);
    const std::vector<std::string> head = CsvFields(msc_report_csv_header());
    const std::vector<std::string> fields = CsvFields(row);
    ASSERT_EQ(fields.size(), head.size());
    auto field = [&](const char *name) -> std::string {
        for (size_t i = 0; i < head.size(); ++i)
            if (head[i] == name) return fields[i];
        ADD_FAILURE() << "no column " << name;
        return "";
    };
    EXPECT_EQ(field("kernel"), "random_fill");
    EXPECT_EQ(field("params"), "seed=7");
    EXPECT_EQ(field("range_start"), "-10");
    EXPECT_EQ(field("range_end"), "1000000");
    EXPECT_EQ(field("segments"), "64");
    EXPECT_EQ(field("ranks"), "4");
    EXPECT_EQ(field("result"), rec.r.result);
    EXPECT_EQ(field("digest"), "0123456789abcdef");
    EXPECT_EQ(field("status"), "complete");
    EXPECT_EQ(std::strtod(field("wall_s").c_str(), nullptr), 3.0);
    // The provenance text holds a comma, quotes and a backslash: it must survive quoting.
    EXPECT_EQ(field("mpi_library"), rec.r.mpi_library);
}

// A 100-node job with short host names: every host must reach the CSV row and the file.
void GiveManyHosts(msc_run_record *r, int n) {
    r->nodes = n;
    r->ranks = 4 * n;
    r->hosts = static_cast<msc_host *>(std::realloc(r->hosts, n * sizeof(msc_host)));
    for (int i = 0; i < n; ++i) {
        std::memset(&r->hosts[i], 0, sizeof(msc_host));
        std::snprintf(r->hosts[i].name, sizeof r->hosts[i].name, "node%03d", i);
        r->hosts[i].ranks = 4;
        r->hosts[i].cores = 4;
    }
}

TEST(Report, CsvListsEveryHostOfALargeJob) {
    Record rec(MakeRecord());
    GiveManyHosts(&rec.r, 100);
    std::vector<char> row(65536);
    ASSERT_EQ(msc_report_csv_row(&rec.r, row.data(), row.size()), MSC_OK);
    const std::vector<std::string> head = CsvFields(msc_report_csv_header());
    const std::vector<std::string> fields = CsvFields(row.data());
    ASSERT_EQ(fields.size(), head.size());
    std::string hosts;
    for (size_t i = 0; i < head.size(); ++i)
        if (head[i] == "hosts") hosts = fields[i];
    EXPECT_NE(hosts.find("node000"), std::string::npos) << hosts;
    EXPECT_NE(hosts.find("node099"), std::string::npos) << "hosts truncated: " << hosts;
}

TEST(Report, CsvAppendSucceedsForALargeJob) {
    const ScratchDir dir;
    const std::string path = dir / "big.csv";
    Record rec(MakeRecord());
    GiveManyHosts(&rec.r, 100);
    char err[256] = "";
    EXPECT_EQ(msc_report_csv_append(path.c_str(), &rec.r, err, sizeof err), MSC_OK) << err;
    const std::vector<std::string> lines = SplitLines(ReadFile(path));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(CsvFields(lines[1]).size(), CsvFields(lines[0]).size());
}

TEST(Report, JsonListsEveryHostOfALargeJob) {
    Record rec(MakeRecord());
    GiveManyHosts(&rec.r, 100);
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    ASSERT_EQ(json_array_size(d["hosts"]), 100u);
    EXPECT_STREQ(json_string_value(json_object_get(json_array_get(d["hosts"], 99), "name")),
                 "node099");
}

TEST(Report, CsvNanIsAnEmptyField) {
    Record rec(MakeRecord());
    rec.r.analysis.karp_flatt = NAN;
    char row[4096];
    ASSERT_EQ(msc_report_csv_row(&rec.r, row, sizeof row), MSC_OK);
    const std::vector<std::string> head = CsvFields(msc_report_csv_header());
    const std::vector<std::string> fields = CsvFields(row);
    ASSERT_EQ(fields.size(), head.size());
    bool seen = false;
    for (size_t i = 0; i < head.size(); ++i) {
        if (head[i] == "karp_flatt") {
            seen = true;
            EXPECT_EQ(fields[i], "");
        }
    }
    EXPECT_TRUE(seen) << "no karp_flatt column";
    EXPECT_EQ(std::string(row).find("nan"), std::string::npos) << row;
}

TEST(Report, CsvRowNeedsRoomForItsTerminator) {
    Record rec(MakeRecord());
    char row[4096];
    ASSERT_EQ(msc_report_csv_row(&rec.r, row, sizeof row), MSC_OK);
    const size_t n = std::strlen(row);
    std::vector<char> exact(n + 1, 'x'), short_by_one(n, 'x');
    EXPECT_EQ(msc_report_csv_row(&rec.r, exact.data(), exact.size()), MSC_OK);
    EXPECT_STREQ(exact.data(), row);
    EXPECT_EQ(msc_report_csv_row(&rec.r, short_by_one.data(), short_by_one.size()), MSC_ERR_NOMEM);
    char tiny[1];
    EXPECT_EQ(msc_report_csv_row(&rec.r, tiny, sizeof tiny), MSC_ERR_NOMEM);
}

TEST(Report, CsvAppendWritesTheHeaderOnceThenRows) {
    const ScratchDir dir;
    const std::string path = dir / "runs.csv";
    {
        Record a(MakeRecord());
        char err[256] = "";
        ASSERT_EQ(msc_report_csv_append(path.c_str(), &a.r, err, sizeof err), MSC_OK) << err;
        ASSERT_EQ(msc_report_csv_append(path.c_str(), &a.r, err, sizeof err), MSC_OK) << err;
    }
    const std::string text = ReadFile(path);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    const std::vector<std::string> lines = SplitLines(text);
    ASSERT_EQ(lines.size(), 3u) << text;
    EXPECT_EQ(lines[0], msc_report_csv_header());
    const size_t n_head = CsvFields(lines[0]).size();
    for (size_t i = 1; i < lines.size(); ++i) {
        EXPECT_NE(lines[i], lines[0]) << "header repeated on line " << i + 1;
        EXPECT_EQ(CsvFields(lines[i]).size(), n_head) << "line " << i + 1;
    }
}

TEST(Report, CsvAppendToAnExistingEmptyFileWritesTheHeader) {
    const ScratchDir dir;
    const std::string path = dir / "empty.csv";
    { std::ofstream touch(path); }
    Record a(MakeRecord());
    ASSERT_EQ(msc_report_csv_append(path.c_str(), &a.r, nullptr, 0), MSC_OK);
    const std::vector<std::string> lines = SplitLines(ReadFile(path));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], msc_report_csv_header());
}

TEST(Report, CsvAppendToAFileWithContentAddsNoHeader) {
    const ScratchDir dir;
    const std::string path = dir / "old.csv";
    { std::ofstream old(path); old << msc_report_csv_header() << "\n"; }
    Record a(MakeRecord());
    ASSERT_EQ(msc_report_csv_append(path.c_str(), &a.r, nullptr, 0), MSC_OK);
    const std::vector<std::string> lines = SplitLines(ReadFile(path));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], msc_report_csv_header());
    EXPECT_NE(lines[1], msc_report_csv_header());
}

// ---- output checks -----------------------------------------------------------------------------

TEST(Report, OutputCheckInAMissingDirectoryIsIoErrorAndCreatesNothing) {
    const ScratchDir dir;
    const std::string path = dir / "no/such/dir/out.jsonl";
    char err[512] = "";
    EXPECT_EQ(msc_output_check(path.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_NE(std::string(err).find(path), std::string::npos) << err;
    EXPECT_FALSE(Exists(dir / "no"));
}

TEST(Report, OutputCheckOfAnAbsentFileInAWritableDirectoryCreatesNothing) {
    const ScratchDir dir;
    const std::string path = dir / "new.jsonl";
    char err[512] = "";
    EXPECT_EQ(msc_output_check(path.c_str(), err, sizeof err), MSC_OK) << err;
    EXPECT_FALSE(Exists(path));
}

TEST(Report, OutputCheckOfAnExistingFileLeavesItAlone) {
    const ScratchDir dir;
    const std::string path = dir / "old.jsonl";
    { std::ofstream old(path); old << "{}\n"; }
    EXPECT_EQ(msc_output_check(path.c_str(), nullptr, 0), MSC_OK);
    EXPECT_EQ(ReadFile(path), "{}\n");
}

TEST(Report, OutputCheckOfAnEmptyPathIsIoError) {
    // Nothing can be appended to "": the check must say so before any work is done.
    char err[512] = "";
    EXPECT_EQ(msc_output_check("", err, sizeof err), MSC_ERR_IO);
}

TEST(Report, OutputCheckOfADirectoryIsIoError) {
    const ScratchDir dir;
    char err[512] = "";
    EXPECT_EQ(msc_output_check(dir.path().c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_GT(std::strlen(err), 0u);
}

TEST(Report, OutputCheckUnderARegularFileIsIoError) {
    const ScratchDir dir;
    const std::string file = dir / "plain";
    { std::ofstream f(file); f << "x"; }
    char err[512] = "";
    EXPECT_EQ(msc_output_check((file + "/out.csv").c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_GT(std::strlen(err), 0u);
}

// ---- text --------------------------------------------------------------------------------------

TEST(Report, TextSaysPassWhenVerified) {
    Record rec(MakeRecord());
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("Verification: PASS"), std::string::npos) << t;
    EXPECT_EQ(t.find("Verification: FAIL"), std::string::npos);
    EXPECT_NE(t.find(rec.r.result), std::string::npos);
    EXPECT_NE(t.find(rec.r.digest), std::string::npos);
    EXPECT_NE(t.find("do_math"), std::string::npos);
    EXPECT_NE(t.find("node01"), std::string::npos);
}

TEST(Report, TextSaysFailWhenNotVerified) {
    Record rec(MakeRecord());
    rec.r.verdict.pass = 0;
    rec.r.status = MSC_ERR_VERIFY;
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("Verification: FAIL"), std::string::npos) << t;
    EXPECT_EQ(t.find("Verification: PASS"), std::string::npos);
}

TEST(Report, TextNamesEveryPhaseThatRan) {
    Record rec(MakeRecord());
    const std::string t = Capture(rec.r, msc_report_text);
    for (msc_phase ph : {MSC_PHASE_SETUP, MSC_PHASE_COMPUTE, MSC_PHASE_GATHER,
                         MSC_PHASE_COMBINE})
        EXPECT_NE(t.find(msc_phase_name(ph)), std::string::npos) << msc_phase_name(ph);
}

TEST(Report, TextHandlesOneRankWithoutKarpFlatt) {
    Record rec(MakeRecord("amdahl"));
    rec.r.ranks = 1;
    rec.r.measure.ranks = 1;
    msc_model_analyse(&rec.r.measure, &rec.r.analysis);
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("Verification: PASS"), std::string::npos) << t;
    EXPECT_NE(t.find("Status: complete"), std::string::npos) << t;
}

// The lines of the text report.
std::vector<std::string> TextLines(const msc_run_record &rec) {
    return SplitLines(Capture(rec, msc_report_text));
}

bool HasLineStarting(const std::vector<std::string> &lines, const std::string &prefix) {
    for (const std::string &l : lines)
        if (l.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

TEST(Report, TextShowsTheScheduleBlockForAStaticSchedule) {
    Record rec(MakeRecord());
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("64 segments, schedule block, 4 ranks on 1 node"), std::string::npos) << t;
    EXPECT_NE(t.find("\nSchedule block (4 chunks of 64 segments):\n"), std::string::npos) << t;
    EXPECT_NE(t.find("  load imbalance  5.00% (max/mean compute - 1)\n"), std::string::npos) << t;
    EXPECT_NE(t.find("  idle time       0.750000 rank-s waiting for the slowest rank (9.4% of P x "
                     "slowest compute"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("  messages        none while computing"), std::string::npos) << t;
    EXPECT_EQ(t.find("  claims "), std::string::npos) << t;
    EXPECT_EQ(t.find("calibration"), std::string::npos) << t;
    EXPECT_NE(t.find("  segment cost    last tenth of the range 1.25x the first; slowest segment "
                     "2.50x the median\n"),
              std::string::npos)
        << t;
}

TEST(Report, TextShowsClaimsForADynamicSchedule) {
    Record rec(MakeDynamicRecord());
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("schedule dynamic:8, 4 ranks"), std::string::npos) << t;
    EXPECT_NE(t.find("\nSchedule dynamic:8 (8 chunks of 64 segments):\n"), std::string::npos) << t;
    EXPECT_NE(t.find("  claims          12 atomic fetch-and-add on rank 0's window, 0.000600 s in "
                     "all (50.00 us each, slowest 100.0 us)\n"),
              std::string::npos)
        << t;
    EXPECT_EQ(t.find("  messages "), std::string::npos) << t;
}

TEST(Report, TextSaysChunkInTheSingularForOneChunk) {
    Record rec(MakeRecord());
    rec.r.balance.chunks = 1;
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("Schedule block (1 chunk of 64 segments):"), std::string::npos) << t;
}

TEST(Report, TextShowsTheCalibratedSpeedsForAWeightedSchedule) {
    Record rec(MakeRecord());
    rec.r.schedule.kind = MSC_SCHED_WEIGHTED;
    rec.r.balance.speed_min = 1e6;
    rec.r.balance.speed_max = 2e6;
    rec.r.phases[MSC_PHASE_CALIBRATE].max_s = 0.25;
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("  calibration     probe speeds 1e+06 to 2e+06 elements/s (slowest rank at "
                     "50% of the fastest), 0.250000 s\n"),
              std::string::npos)
        << t;
}

TEST(Report, TextSegmentCostLineSaysNaForAnUnknownTrend) {
    Record rec(MakeRecord());
    rec.r.balance.cost_trend = NAN;
    const std::string t = Capture(rec.r, msc_report_text);
    EXPECT_NE(t.find("last tenth of the range n/a the first; slowest segment 2.50x the median"),
              std::string::npos)
        << t;
    rec.r.balance.cost_spread = NAN;
    EXPECT_EQ(Capture(rec.r, msc_report_text).find("segment cost"), std::string::npos);
}

TEST(Report, TextShowsTheAdviceLineOnlyWhenThereIsAdvice) {
    Record rec(MakeRecord());
    EXPECT_EQ(Capture(rec.r, msc_report_text).find("advice:"), std::string::npos);
    std::snprintf(rec.r.balance.advice, sizeof rec.r.balance.advice,
                  "segment costs are irregular (slowest 20.0x the median): --schedule dynamic "
                  "would likely balance it");
    const std::vector<std::string> lines = TextLines(rec.r);
    EXPECT_TRUE(HasLineStarting(lines, std::string("  advice: ") + rec.r.balance.advice));
}

TEST(Report, TextShowsTheCalibratePhaseOnlyWhenItTookTime) {
    Record rec(MakeRecord());
    rec.r.phases[MSC_PHASE_CALIBRATE] = msc_phase_stats{};
    EXPECT_FALSE(HasLineStarting(TextLines(rec.r), "calibrate ")) << "calibrate shown at zero";
    rec.r.phases[MSC_PHASE_CALIBRATE].min_s = 0.01;
    rec.r.phases[MSC_PHASE_CALIBRATE].mean_s = 0.02;
    rec.r.phases[MSC_PHASE_CALIBRATE].max_s = 0.03;
    rec.r.phases[MSC_PHASE_CALIBRATE].max_rank = 2;
    EXPECT_TRUE(HasLineStarting(TextLines(rec.r), "calibrate     0.010000     0.020000     "
                                                  "0.030000  2"));
}

TEST(Report, TextPhasesComeInTheirOrder) {
    Record rec(MakeRecord());
    rec.r.serial_baseline = 1;
    const std::string t = Capture(rec.r, msc_report_text);
    size_t at = 0;
    for (int ph = MSC_PHASE_INIT; ph < MSC_PHASE_COUNT; ++ph) {
        const std::string line = std::string("\n") + msc_phase_name(static_cast<msc_phase>(ph)) + " ";
        const size_t found = t.find(line, at);
        ASSERT_NE(found, std::string::npos) << msc_phase_name(static_cast<msc_phase>(ph)) << "\n" << t;
        at = found + 1;
    }
}

TEST(Report, TextNotesASlowRank) {
    Record rec(MakeRecord());
    EXPECT_EQ(Capture(rec.r, msc_report_text).find("--slow-rank"), std::string::npos);
    rec.r.slow_rank = 1;
    rec.r.slow_factor = 4;
    EXPECT_NE(Capture(rec.r, msc_report_text)
                  .find("  note: --slow-rank 1:4: rank 1 ran every kernel call 4 times, emulating "
                        "a node 4 times slower\n"),
              std::string::npos);
    rec.r.slow_factor = 1;  // a factor of 1 changes nothing: no note
    EXPECT_EQ(Capture(rec.r, msc_report_text).find("--slow-rank"), std::string::npos);
}

TEST(Report, SummaryIsOneLine) {
    Record rec(MakeRecord());
    const std::string s = Capture(rec.r, msc_report_summary);
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.back(), '\n');
    EXPECT_EQ(s.find('\n'), s.size() - 1) << s;
    EXPECT_NE(s.find("do_math"), std::string::npos);
    EXPECT_NE(s.find(rec.r.result), std::string::npos);
    EXPECT_NE(s.find("PASS"), std::string::npos);
}

// --json and --csv must not name one file, however it is spelled.
TEST(Report, OutputSameSeesThroughSpellingsAndLinks) {
    ScratchDir dir;
    const std::string a = dir / "a.out", b = dir / "b.out";
    EXPECT_EQ(msc_output_same(a.c_str(), (dir.path() + "/./a.out").c_str()), 1) << "neither exists";
    EXPECT_EQ(msc_output_same(a.c_str(), b.c_str()), 0);
    std::ofstream(a) << "x";
    std::ofstream(b) << "y";
    EXPECT_EQ(msc_output_same(a.c_str(), b.c_str()), 0);
    const std::string link = dir / "link.out";
    ASSERT_EQ(symlink(a.c_str(), link.c_str()), 0);
    EXPECT_EQ(msc_output_same(link.c_str(), a.c_str()), 1);
}

TEST(Report, OutputCheckRefusesADirectoryNameBeforeItExists) {
    ScratchDir dir;
    char err[256] = "";
    const std::string p = dir / "notyet/";
    EXPECT_EQ(msc_output_check(p.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_NE(std::string(err).find("directory"), std::string::npos) << err;
    EXPECT_FALSE(Exists(dir / "notyet"));
}


// ---- JSON: the sweep a run belongs to ----------------------------------------------------------

TEST(Report, JsonSweepIsNullOutsideASweep) {
    Record rec(MakeRecord());
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    ASSERT_NE(d["sweep"], nullptr) << "the key is present, with null";
    EXPECT_TRUE(json_is_null(d["sweep"]));
}

TEST(Report, JsonSweepNamesAStrongSweepAndTheRunIndex) {
    Record rec(MakeRecord());
    rec.r.sweep_mode = 1;
    rec.r.sweep_run = 0;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    json_t *sw = d["sweep"];
    ASSERT_TRUE(json_is_object(sw));
    EXPECT_EQ(json_object_size(sw), 2u);
    EXPECT_STREQ(json_string_value(json_object_get(sw, "mode")), "strong");
    ASSERT_TRUE(json_is_integer(json_object_get(sw, "run")));
    EXPECT_EQ(json_integer_value(json_object_get(sw, "run")), 0);
}

TEST(Report, JsonSweepNamesAWeakSweepAndTheRunIndex) {
    Record rec(MakeRecord());
    rec.r.sweep_mode = 2;
    rec.r.sweep_run = 7;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    json_t *sw = d["sweep"];
    ASSERT_TRUE(json_is_object(sw));
    EXPECT_EQ(json_object_size(sw), 2u);
    EXPECT_STREQ(json_string_value(json_object_get(sw, "mode")), "weak");
    EXPECT_EQ(json_integer_value(json_object_get(sw, "run")), 7);
}

TEST(Report, JsonSweepDoesNotChangeTheOtherKeys) {
    Record rec(MakeRecord());
    size_t plain = 0;
    {
        JsonDoc d(JsonOf(rec.r));
        ASSERT_NE(d.j, nullptr);
        plain = json_object_size(d.j);
    }
    rec.r.sweep_mode = 1;
    rec.r.sweep_run = 2;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_EQ(json_object_size(d.j), plain);
    EXPECT_EQ(json_integer_value(d["ranks"]), 4);
}

// ---- sweep summary -----------------------------------------------------------------------------

const char kDigestA[] = "aaaaaaaaaaaaaaaa";
const char kDigestB[] = "bbbbbbbbbbbbbbbb";

// One measured run of a sweep: verified, one node, not oversubscribed, digest A, its own T1
// estimate p times its job time (perfect balance) unless given.
msc_sweep_run SweepRun(int p, double wall_s, double t1_est_s = -1.0) {
    msc_sweep_run r;
    std::memset(&r, 0, sizeof r);
    r.p = p;
    r.wall_s = wall_s;
    r.t1_est_s = t1_est_s >= 0.0 ? t1_est_s : p * wall_s;
    r.imbalance = 0.0;
    r.scatter_s = r.compute_s = r.gather_s = NAN; // no phase breakdown unless a test sets one
    r.nodes = 1;
    r.oversubscribed = 0;
    r.verified = 1;
    std::snprintf(r.digest, sizeof r.digest, "%s", kDigestA);
    return r;
}

// A run with its phase breakdown: serial, scatter, compute, gather in seconds.
msc_sweep_run WithPhases(msc_sweep_run r, double serial, double scatter, double compute, double gather) {
    r.serial_s = serial;
    r.scatter_s = scatter;
    r.compute_s = compute;
    r.gather_s = gather;
    return r;
}

msc_sweep_run Oversubscribed(msc_sweep_run r) {
    r.oversubscribed = 1;
    return r;
}

// Amdahl's job time on p ranks for serial fraction f and single-rank time t1_s.
double AmdahlTime(double t1_s, double f, int p) { return t1_s * (f + (1.0 - f) / p); }

msc_sweep_summary Summarise(const std::vector<msc_sweep_run> &runs, int weak = 0) {
    msc_sweep_summary s;
    EXPECT_EQ(msc_sweep_summarise(runs.data(), static_cast<int>(runs.size()), weak, &s), MSC_OK);
    return s;
}

std::vector<int> RowPs(const msc_sweep_summary &s) {
    std::vector<int> ps;
    for (int k = 0; k < s.n_rows; ++k) ps.push_back(s.rows[k].p);
    return ps;
}

const msc_sweep_row &RowAt(const msc_sweep_summary &s, int p) {
    for (int k = 0; k < s.n_rows; ++k)
        if (s.rows[k].p == p) return s.rows[k];
    ADD_FAILURE() << "no row for p = " << p;
    return s.rows[0];
}

TEST(ReportSweep, RefusesNoRuns) {
    msc_sweep_summary s;
    msc_sweep_run one = SweepRun(1, 1.0);
    EXPECT_EQ(msc_sweep_summarise(&one, 0, 0, &s), MSC_ERR_USAGE);
    EXPECT_EQ(msc_sweep_summarise(&one, -1, 0, &s), MSC_ERR_USAGE);
    EXPECT_EQ(msc_sweep_summarise(nullptr, 1, 0, &s), MSC_ERR_USAGE);
}

TEST(ReportSweep, TakesSixtyFourDistinctCountsAndRefusesSixtyFive) {
    std::vector<msc_sweep_run> runs;
    for (int p = 1; p <= 64; ++p) runs.push_back(SweepRun(p, 1.0 / p));
    msc_sweep_summary s;
    EXPECT_EQ(msc_sweep_summarise(runs.data(), 64, 0, &s), MSC_OK);
    EXPECT_EQ(s.n_rows, 64);
    runs.push_back(SweepRun(65, 1.0 / 65));
    EXPECT_EQ(msc_sweep_summarise(runs.data(), 65, 0, &s), MSC_ERR_USAGE);
}

TEST(ReportSweep, RowsComeOutByPWhateverTheRunOrder) {
    const msc_sweep_summary s =
        Summarise({SweepRun(4, 1.0), SweepRun(1, 4.0), SweepRun(8, 0.5), SweepRun(2, 2.0), SweepRun(4, 1.0), SweepRun(1, 4.0)});
    EXPECT_EQ(RowPs(s), (std::vector<int>{1, 2, 4, 8}));
    EXPECT_EQ(RowAt(s, 1).wall.n, 2);
    EXPECT_EQ(RowAt(s, 2).wall.n, 1);
    EXPECT_EQ(RowAt(s, 4).wall.n, 2);
    EXPECT_EQ(RowAt(s, 8).wall.n, 1);
    EXPECT_EQ(s.weak, 0);
}

TEST(ReportSweep, RowHoldsTheMedianMinAndMaxOfItsRuns) {
    const msc_sweep_summary s =
        Summarise({SweepRun(1, 8.0), SweepRun(2, 5.0), SweepRun(2, 3.0), SweepRun(2, 4.0), SweepRun(2, 9.0), SweepRun(2, 4.5)});
    const msc_sweep_row &r = RowAt(s, 2);
    EXPECT_EQ(r.wall.n, 5);
    EXPECT_DOUBLE_EQ(r.wall.median, 4.5);
    EXPECT_DOUBLE_EQ(r.wall.min, 3.0);
    EXPECT_DOUBLE_EQ(r.wall.max, 9.0);
}

TEST(ReportSweep, RowImbalanceIsTheMedianOverItsRuns) {
    std::vector<msc_sweep_run> runs = {SweepRun(1, 2.0), SweepRun(2, 1.0), SweepRun(2, 1.0), SweepRun(2, 1.0)};
    runs[1].imbalance = 0.30;
    runs[2].imbalance = 0.05;
    runs[3].imbalance = 0.10;
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_DOUBLE_EQ(RowAt(s, 2).imbalance, 0.10);
    EXPECT_DOUBLE_EQ(RowAt(s, 1).imbalance, 0.0);
}

TEST(ReportSweep, RowNodesAndOversubscriptionAreTheMostOverItsRuns) {
    std::vector<msc_sweep_run> runs = {SweepRun(1, 2.0), SweepRun(4, 1.0), SweepRun(4, 1.0)};
    runs[1].nodes = 1;
    runs[2].nodes = 2;
    runs[2].oversubscribed = 1;
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(RowAt(s, 4).nodes, 2);
    EXPECT_EQ(RowAt(s, 4).oversubscribed, 1);
    EXPECT_EQ(RowAt(s, 1).nodes, 1);
    EXPECT_EQ(RowAt(s, 1).oversubscribed, 0);
}

TEST(ReportSweep, T1IsTheMedianJobTimeAtOneRankWhenSwept) {
    // The p = 1 runs' own estimates (100 s) must not be used when p = 1 was measured.
    const msc_sweep_summary s = Summarise(
        {SweepRun(1, 10.0, 100.0), SweepRun(1, 12.0, 100.0), SweepRun(1, 11.0, 100.0), SweepRun(2, 5.5, 100.0)});
    EXPECT_EQ(s.t1_measured, 1);
    EXPECT_DOUBLE_EQ(s.t1_s, 11.0);
    EXPECT_DOUBLE_EQ(RowAt(s, 2).speedup, 2.0);
}

TEST(ReportSweep, T1IsTheSmallestPointsMedianEstimateWithoutOneRank) {
    // Smallest point p = 2: estimates 9, 8, 20 -> 9; p = 4's estimates (50) are not used.
    const msc_sweep_summary s = Summarise({SweepRun(4, 3.0, 50.0), SweepRun(2, 6.0, 9.0), SweepRun(2, 6.0, 8.0),
                                           SweepRun(2, 6.0, 20.0), SweepRun(4, 3.0, 50.0)});
    EXPECT_EQ(s.t1_measured, 0);
    EXPECT_DOUBLE_EQ(s.t1_s, 9.0);
    EXPECT_DOUBLE_EQ(RowAt(s, 2).speedup, 1.5);
    EXPECT_DOUBLE_EQ(RowAt(s, 4).speedup, 3.0);
}

TEST(ReportSweep, SpeedupEfficiencyAndKarpFlattHaveTheirKnownValues) {
    // T1 = 8: p = 2 at 5 s gives S = 1.6, E = 0.8, e = (1/1.6 - 1/2) / (1 - 1/2) = 0.25;
    // p = 4 at 2.5 s gives S = 3.2, E = 0.8, e = (0.3125 - 0.25) / 0.75 = 1/12.
    const msc_sweep_summary s = Summarise({SweepRun(1, 8.0), SweepRun(2, 5.0), SweepRun(4, 2.5)});
    const msc_sweep_row &r1 = RowAt(s, 1), &r2 = RowAt(s, 2), &r4 = RowAt(s, 4);
    EXPECT_DOUBLE_EQ(r1.speedup, 1.0);
    EXPECT_DOUBLE_EQ(r1.efficiency, 1.0);
    EXPECT_TRUE(std::isnan(r1.karp_flatt)) << "no Karp-Flatt at p = 1";
    EXPECT_DOUBLE_EQ(r2.speedup, 1.6);
    EXPECT_DOUBLE_EQ(r2.efficiency, 0.8);
    EXPECT_NEAR(r2.karp_flatt, 0.25, 1e-12);
    EXPECT_DOUBLE_EQ(r4.speedup, 3.2);
    EXPECT_DOUBLE_EQ(r4.efficiency, 0.8);
    EXPECT_NEAR(r4.karp_flatt, 1.0 / 12.0, 1e-12);
}

TEST(ReportSweep, SpeedupUsesTheRowsMedian) {
    const msc_sweep_summary s = Summarise({SweepRun(1, 12.0), SweepRun(3, 4.0), SweepRun(3, 100.0), SweepRun(3, 6.0)});
    EXPECT_DOUBLE_EQ(RowAt(s, 3).wall.median, 6.0);
    EXPECT_DOUBLE_EQ(RowAt(s, 3).speedup, 2.0);
    EXPECT_NEAR(RowAt(s, 3).efficiency, 2.0 / 3.0, 1e-15);
}

TEST(ReportSweep, DigestsAgreeWhenEveryRunHasTheSameDigest) {
    const msc_sweep_summary s = Summarise({SweepRun(1, 4.0), SweepRun(2, 2.0), SweepRun(2, 2.0), SweepRun(4, 1.0)});
    EXPECT_EQ(s.digests_agree, 1);
    for (int k = 0; k < s.n_rows; ++k) {
        EXPECT_EQ(s.rows[k].digests, 1) << "p = " << s.rows[k].p;
        EXPECT_STREQ(s.rows[k].digest, kDigestA);
    }
}

TEST(ReportSweep, OneDifferentDigestMeansTheDigestsDisagree) {
    std::vector<msc_sweep_run> runs = {SweepRun(1, 4.0), SweepRun(2, 2.0), SweepRun(4, 1.0), SweepRun(4, 1.0)};
    std::snprintf(runs[3].digest, sizeof runs[3].digest, "%s", kDigestB);
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(s.digests_agree, 0);
}

TEST(ReportSweep, PointWhoseRunsDifferCountsItsDistinctDigestsAndShowsTheFirst) {
    std::vector<msc_sweep_run> runs = {SweepRun(1, 4.0), SweepRun(4, 1.0), SweepRun(4, 1.0), SweepRun(4, 1.0),
                                       SweepRun(2, 2.0)};
    std::snprintf(runs[1].digest, sizeof runs[1].digest, "%s", kDigestB);
    std::snprintf(runs[3].digest, sizeof runs[3].digest, "%s", kDigestB);
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(RowAt(s, 4).digests, 2);  // B, A, B
    EXPECT_STREQ(RowAt(s, 4).digest, kDigestB);
    EXPECT_EQ(RowAt(s, 1).digests, 1);
    EXPECT_EQ(RowAt(s, 2).digests, 1);
    EXPECT_EQ(s.digests_agree, 0);
}

TEST(ReportSweep, PointsThatDifferOnlyFromEachOtherStillDisagree) {
    // Each point agrees with itself, but p = 2 has another digest than p = 1.
    std::vector<msc_sweep_run> runs = {SweepRun(1, 4.0), SweepRun(2, 2.0), SweepRun(2, 2.0)};
    std::snprintf(runs[1].digest, sizeof runs[1].digest, "%s", kDigestB);
    std::snprintf(runs[2].digest, sizeof runs[2].digest, "%s", kDigestB);
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(RowAt(s, 2).digests, 1);
    EXPECT_STREQ(RowAt(s, 2).digest, kDigestB);
    EXPECT_EQ(s.digests_agree, 0);
}

TEST(ReportSweep, PointIsVerifiedOnlyWhenEveryRunVerified) {
    std::vector<msc_sweep_run> runs = {SweepRun(1, 4.0), SweepRun(2, 2.0), SweepRun(2, 2.0), SweepRun(2, 2.0)};
    runs[2].verified = 0;
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(RowAt(s, 1).verified, 1);
    EXPECT_EQ(RowAt(s, 2).verified, 0);
}

TEST(ReportSweep, AmdahlFitRecoversTheSerialFractionOfExactTimes) {
    const double f = 0.05, t1 = 100.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8, 16}) runs.push_back(SweepRun(p, AmdahlTime(t1, f, p)));
    const msc_sweep_summary s = Summarise(runs);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_NEAR(s.amdahl.f, f, 1e-9);
    EXPECT_NEAR(s.amdahl.ceiling, 1.0 / f, 1e-6);
    EXPECT_EQ(s.amdahl.fit.n, 5);
    EXPECT_EQ(s.amdahl.fit.n_distinct, 5);
    EXPECT_EQ(s.fit_skipped_rows, 0);
    EXPECT_EQ(s.gustafson.fit.ok, 0) << "no Gustafson fit in a strong sweep";
}

TEST(ReportSweep, AmdahlFitUsesEveryRepeatAndRecoversFThroughSymmetricNoise) {
    // +-2% around each exact time: the medians are exact and, 1/S being linear in the time, the
    // least-squares f too; the repeats' scatter gives the interval its width.
    const double f = 0.2, t1 = 40.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8})
        for (double k : {1.0, 0.98, 1.02}) runs.push_back(SweepRun(p, k * AmdahlTime(t1, f, p)));
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_DOUBLE_EQ(s.t1_s, t1);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_EQ(s.amdahl.fit.n, 12);
    EXPECT_NEAR(s.amdahl.f, f, 1e-9);
    EXPECT_LT(s.amdahl.f_lo, f);
    EXPECT_GT(s.amdahl.f_hi, f);
}

TEST(ReportSweep, UslFitOfAmdahlTimesFindsContentionFAndNoCoherency) {
    // Amdahl is USL with sigma = f and kappa = 0.
    const double f = 0.1, t1 = 10.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8}) runs.push_back(SweepRun(p, AmdahlTime(t1, f, p)));
    const msc_sweep_summary s = Summarise(runs);
    ASSERT_TRUE(s.usl.fit.ok) << s.usl.fit.why;
    EXPECT_NEAR(s.usl.sigma, f, 1e-9);
    EXPECT_NEAR(s.usl.kappa, 0.0, 1e-9);
    EXPECT_EQ(s.usl.kappa_significant, 0);
}

TEST(ReportSweep, UslNeedsThreeDistinctRankCounts) {
    const double f = 0.1, t1 = 10.0;
    const msc_sweep_summary s = Summarise({SweepRun(1, t1), SweepRun(1, t1), SweepRun(4, AmdahlTime(t1, f, 4)),
                                           SweepRun(4, AmdahlTime(t1, f, 4))});
    EXPECT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_FALSE(s.usl.fit.ok);
    EXPECT_STREQ(s.usl.fit.why, "2 distinct rank counts: at least 3 are needed");
}

TEST(ReportSweep, OnePointIsNotFitted) {
    const msc_sweep_summary s = Summarise({SweepRun(4, 1.0, 4.0), SweepRun(4, 1.1, 4.0)});
    EXPECT_FALSE(s.amdahl.fit.ok);
    EXPECT_STREQ(s.amdahl.fit.why, "1 distinct rank count: at least 2 are needed");
    EXPECT_FALSE(s.usl.fit.ok);
}

TEST(ReportSweep, OversubscribedPointIsLeftOutOfTheFitsWhileTwoCleanCountsRemain) {
    const double f = 0.1, t1 = 10.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, AmdahlTime(t1, f, p)));
    runs.push_back(Oversubscribed(SweepRun(8, 3.0 * AmdahlTime(t1, f, 8))));
    runs.push_back(Oversubscribed(SweepRun(8, 3.0 * AmdahlTime(t1, f, 8))));
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(s.fit_skipped_rows, 1);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_EQ(s.amdahl.fit.n, 3);
    EXPECT_EQ(s.amdahl.fit.n_distinct, 3);
    EXPECT_NEAR(s.amdahl.f, f, 1e-9) << "the slow p = 8 runs did not drag the fit";
    ASSERT_TRUE(s.usl.fit.ok) << s.usl.fit.why;
    EXPECT_EQ(s.usl.fit.n, 3);
    // The point stays in the table.
    ASSERT_EQ(s.n_rows, 4);
    EXPECT_EQ(RowAt(s, 8).oversubscribed, 1);
    EXPECT_NEAR(RowAt(s, 8).speedup, t1 / (3.0 * AmdahlTime(t1, f, 8)), 1e-12);
}

TEST(ReportSweep, TheSameSlowPointIsFittedWhenItIsNotOversubscribed) {
    // The contrast to the test above: without the flag the p = 8 runs pull f up.
    const double f = 0.1, t1 = 10.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, AmdahlTime(t1, f, p)));
    runs.push_back(SweepRun(8, 3.0 * AmdahlTime(t1, f, 8)));
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(s.fit_skipped_rows, 0);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_EQ(s.amdahl.fit.n, 4);
    EXPECT_GT(s.amdahl.f, f + 0.05);
}

TEST(ReportSweep, WithTwoCleanCountsLeftUslIsRefusedForTooFewDistinctP) {
    const double f = 0.1, t1 = 10.0;
    const msc_sweep_summary s =
        Summarise({SweepRun(1, t1), SweepRun(2, AmdahlTime(t1, f, 2)),
                   Oversubscribed(SweepRun(4, 2.0 * AmdahlTime(t1, f, 4)))});
    EXPECT_EQ(s.fit_skipped_rows, 1);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_NEAR(s.amdahl.f, f, 1e-9);
    EXPECT_FALSE(s.usl.fit.ok);
    EXPECT_STREQ(s.usl.fit.why, "2 distinct rank counts: at least 3 are needed");
}

TEST(ReportSweep, OversubscribedPointsStayInTheFitsWhenFewerThanTwoCleanCountsRemain) {
    const double f = 0.1, t1 = 10.0;
    const msc_sweep_summary s =
        Summarise({SweepRun(1, t1), Oversubscribed(SweepRun(2, AmdahlTime(t1, f, 2))),
                   Oversubscribed(SweepRun(4, AmdahlTime(t1, f, 4)))});
    EXPECT_EQ(s.fit_skipped_rows, 0);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_EQ(s.amdahl.fit.n, 3);
    EXPECT_NEAR(s.amdahl.f, f, 1e-9);
}

TEST(ReportSweep, EveryPointOversubscribedIsFittedWithNothingSkipped) {
    const double f = 0.1, t1 = 10.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(Oversubscribed(SweepRun(p, AmdahlTime(t1, f, p))));
    const msc_sweep_summary s = Summarise(runs);
    EXPECT_EQ(s.fit_skipped_rows, 0);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    EXPECT_EQ(s.amdahl.fit.n, 3);
}

TEST(ReportSweep, WeakSpeedupIsTheScaledSpeedupPT1OverTheMedian) {
    // T1 = 10 at p = 1; the job time grows a little as the work grows with p.
    const msc_sweep_summary s = Summarise({SweepRun(1, 10.0), SweepRun(2, 10.5), SweepRun(4, 12.5)}, 1);
    EXPECT_EQ(s.weak, 1);
    EXPECT_EQ(s.t1_measured, 1);
    EXPECT_DOUBLE_EQ(s.t1_s, 10.0);
    EXPECT_DOUBLE_EQ(RowAt(s, 1).speedup, 1.0);
    EXPECT_DOUBLE_EQ(RowAt(s, 2).speedup, 2.0 * 10.0 / 10.5);
    EXPECT_DOUBLE_EQ(RowAt(s, 4).speedup, 3.2);
    EXPECT_DOUBLE_EQ(RowAt(s, 4).efficiency, 0.8);
    for (int k = 0; k < s.n_rows; ++k)
        EXPECT_TRUE(std::isnan(s.rows[k].karp_flatt)) << "no Karp-Flatt in a weak sweep, p = "
                                                      << s.rows[k].p;
}

TEST(ReportSweep, WeakSweepFitsGustafsonsSerialFraction) {
    // S(p) = p - alpha (p - 1) with alpha = 0.1: the time on p ranks is p T1 / S(p).
    const double alpha = 0.1, t1 = 20.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8}) runs.push_back(SweepRun(p, p * t1 / (p - alpha * (p - 1))));
    const msc_sweep_summary s = Summarise(runs, 1);
    ASSERT_TRUE(s.gustafson.fit.ok) << s.gustafson.fit.why;
    EXPECT_NEAR(s.gustafson.alpha, alpha, 1e-9);
    EXPECT_EQ(s.gustafson.fit.n, 4);
    EXPECT_NEAR(RowAt(s, 8).speedup, 8.0 - alpha * 7.0, 1e-9);
    EXPECT_FALSE(s.amdahl.fit.ok) << "no Amdahl fit in a weak sweep";
    EXPECT_FALSE(s.usl.fit.ok) << "no USL fit in a weak sweep";
}

TEST(ReportSweep, WeakSweepLeavesOversubscribedPointsOutOfTheGustafsonFit) {
    const double alpha = 0.1, t1 = 20.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, p * t1 / (p - alpha * (p - 1))));
    runs.push_back(Oversubscribed(SweepRun(8, 2.0 * 8 * t1 / (8 - alpha * 7))));
    const msc_sweep_summary s = Summarise(runs, 1);
    EXPECT_EQ(s.fit_skipped_rows, 1);
    ASSERT_TRUE(s.gustafson.fit.ok) << s.gustafson.fit.why;
    EXPECT_EQ(s.gustafson.fit.n, 3);
    EXPECT_NEAR(s.gustafson.alpha, alpha, 1e-9);
}

// ---- sweep text --------------------------------------------------------------------------------

std::string SweepText(const msc_sweep_summary &s) {
    return CaptureFile([&](FILE *f) { msc_report_sweep_text(f, &s); });
}

// The table's data lines: those that start with a right-aligned rank count.
std::vector<std::string> TableRows(const std::string &text) {
    std::vector<std::string> rows;
    for (const std::string &l : SplitLines(text)) {
        size_t i = 0;
        while (i < l.size() && l[i] == ' ') ++i;
        if (l.size() >= 7 && i < 6 && l[5] >= '0' && l[5] <= '9' && l[6] == ' ') rows.push_back(l);
    }
    return rows;
}

bool Has(const std::string &text, const std::string &needle) {
    return text.find(needle) != std::string::npos;
}

msc_sweep_summary StrongExample() {
    const double f = 0.1, t1 = 8.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8}) runs.push_back(SweepRun(p, AmdahlTime(t1, f, p)));
    return Summarise(runs);
}

TEST(ReportSweepText, OpensWithTheKindAndNumberOfPoints) {
    const std::string t = SweepText(StrongExample());
    EXPECT_EQ(t.rfind("\nStrong-scaling sweep, 4 points:\n", 0), 0u) << t;
    const std::string w = SweepText(Summarise({SweepRun(2, 1.0)}, 1));
    EXPECT_EQ(w.rfind("\nWeak-scaling sweep, 1 point:\n", 0), 0u) << w;
}

TEST(ReportSweepText, HeaderNamesEveryColumnInOrder) {
    const std::vector<std::string> lines = SplitLines(SweepText(StrongExample()));
    ASSERT_GE(lines.size(), 3u);
    const std::string &h = lines[2];
    size_t at = 0;
    for (const char *col : {"p", "nodes", "runs", "outliers", "median s", "+-95%", "min s", "max s",
                            "speedup", "efficiency", "Karp-Flatt", "imbalance", "digest"}) {
        const size_t next = h.find(col, at);
        EXPECT_NE(next, std::string::npos) << "'" << col << "' missing or out of order in: " << h;
        if (next != std::string::npos) at = next + std::strlen(col);
    }
}

TEST(ReportSweepText, PhaseBreakdownIsTheMedianPerPoint) {
    // p = 2: three runs whose phases have medians 0.1 / 0.002 / 0.5 / 0.003; p = 1 has none known
    const msc_sweep_summary s = Summarise({SweepRun(1, 1.0), WithPhases(SweepRun(2, 0.6), 0.1, 0.001, 0.5, 0.004),
                                           WithPhases(SweepRun(2, 0.61), 0.2, 0.002, 0.4, 0.003),
                                           WithPhases(SweepRun(2, 0.62), 0.05, 0.009, 0.6, 0.001)},
                                          0);
    EXPECT_DOUBLE_EQ(s.rows[1].serial_s, 0.1);
    EXPECT_DOUBLE_EQ(s.rows[1].scatter_s, 0.002);
    EXPECT_DOUBLE_EQ(s.rows[1].compute_s, 0.5);
    EXPECT_DOUBLE_EQ(s.rows[1].gather_s, 0.003);
    EXPECT_TRUE(std::isnan(s.rows[0].compute_s));
    const std::string t = SweepText(s);
    EXPECT_TRUE(Has(t, "Phases per point (medians over the runs, seconds;")) << t;
    EXPECT_TRUE(Has(t, "     p     serial    scatter    compute     gather  compute %\n")) << t;
    EXPECT_TRUE(Has(t, "     1   0.000000          -          -          -          -\n")) << t;
    // compute share: 0.5 s of the 0.61 s median job time
    EXPECT_TRUE(Has(t, "     2   0.100000   0.002000   0.500000   0.003000      82.0%\n")) << t;
    // no breakdown at all: no block
    EXPECT_FALSE(Has(SweepText(StrongExample()), "Phases per point")) << SweepText(StrongExample());
}

TEST(ReportSweepText, UslWhatIfAndItsWarningOnRetrogradeData) {
    // exact USL data, sigma = 0.05, kappa = 0.02: T(p) = T1 (1 + sigma (p-1) + kappa p (p-1)) / p,
    // speedup peaks at sqrt(0.95 / 0.02) = 6.9
    const double t1 = 10.0, sigma = 0.05, kappa = 0.02;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8, 16})
        for (int k = 0; k < 2; k++) runs.push_back(SweepRun(p, t1 * (1 + sigma * (p - 1) + kappa * p * (p - 1)) / p));
    const msc_sweep_summary s = Summarise(runs, 0);
    ASSERT_TRUE(s.usl.fit.ok) << s.usl.fit.why;
    EXPECT_NEAR(s.usl.kappa, kappa, 1e-9);
    const std::string t = SweepText(s);
    char want[160];
    const double t32 = t1 * (1 + sigma * 31 + kappa * 32 * 31) / 32;
    std::snprintf(want, sizeof want, "  what if (USL, T1 = 10 s): p=32 %.3g s,", t32);
    EXPECT_TRUE(Has(t, want)) << t;
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why; // f fits, but the data are retrograde
    EXPECT_TRUE(Has(t, "Amdahl's what-if leaves out the coherency cost that makes this study "
                       "retrograde: beyond p = 7 trust the USL's")) << t;
}

TEST(ReportSweepText, WeightedProbeGetsItsOwnPhaseColumn) {
    msc_sweep_run a = WithPhases(SweepRun(1, 1.0), 0.01, 0.001, 0.9, 0.002),
                  b = WithPhases(SweepRun(2, 0.6), 0.01, 0.001, 0.45, 0.002);
    const std::string plain = SweepText(Summarise({a, b}, 0));
    EXPECT_FALSE(Has(plain, "probe")) << plain; // no weighted schedule: no column
    a.probe_s = 0.0;                            // a 1-rank weighted run skips the probe
    b.probe_s = 0.028;
    const std::string t = SweepText(Summarise({a, b}, 0));
    EXPECT_TRUE(Has(t, "     p     serial      probe    scatter    compute     gather  compute %\n")) << t;
    EXPECT_TRUE(Has(t, "     2   0.010000   0.028000   0.001000   0.450000   0.002000      75.0%\n")) << t;
}

TEST(ReportSweepText, WeakHeaderSaysScaledSpeedup) {
    const std::string t = SweepText(Summarise({SweepRun(1, 1.0), SweepRun(2, 1.1)}, 1));
    EXPECT_TRUE(Has(t, "scaled S")) << t;
}

TEST(ReportSweepText, ShowsOneLinePerPointInOrder) {
    const msc_sweep_summary s = StrongExample();
    const std::vector<std::string> rows = TableRows(SweepText(s));
    ASSERT_EQ(rows.size(), 4u);
    for (size_t i = 0; i < rows.size(); ++i) {
        int p = 0;
        ASSERT_EQ(std::sscanf(rows[i].c_str(), "%d", &p), 1) << rows[i];
        EXPECT_EQ(p, s.rows[i].p) << rows[i];
    }
}

TEST(ReportSweepText, PointLineHoldsItsValues) {
    // T1 = 8, p = 2 at 5 s: S = 1.600, E = 80.0%, Karp-Flatt 0.2500; p = 1 has no Karp-Flatt.
    std::vector<msc_sweep_run> runs = {SweepRun(1, 8.0), SweepRun(2, 5.0), SweepRun(2, 4.0), SweepRun(2, 6.0)};
    runs[1].imbalance = 0.125;
    runs[2].imbalance = 0.125;
    runs[3].imbalance = 0.125;
    const std::vector<std::string> rows = TableRows(SweepText(Summarise(runs)));
    ASSERT_EQ(rows.size(), 2u);
    std::istringstream in(rows[1]);
    std::vector<std::string> cells;
    for (std::string c; in >> c;) cells.push_back(c);
    // outliers 0; no 95% interval of the median with 3 runs: "-"
    EXPECT_EQ(cells, (std::vector<std::string>{"2", "1", "3", "0", "5.000000", "-", "4.000000",
                                               "6.000000", "1.600", "80.0%", "0.2500", "12.50%",
                                               kDigestA}));
    EXPECT_TRUE(Has(rows[0], " - ")) << "Karp-Flatt at p = 1 is shown as '-': " << rows[0];
}

TEST(ReportSweepText, SaysT1WasMeasuredAtOneRank) {
    const std::string t = SweepText(StrongExample());
    EXPECT_TRUE(Has(t, "\nT1 = 8.000000 s, measured: the median job time at p = 1\n")) << t;
}

TEST(ReportSweepText, SaysT1WasEstimatedAndHowToMeasureIt) {
    const std::string t = SweepText(Summarise({SweepRun(2, 3.0, 6.0), SweepRun(4, 2.0, 6.5)}));
    EXPECT_TRUE(Has(t, "\nT1 = 6.000000 s, estimated from the smallest point's segment times (add "
                       "p = 1 to the sweep to measure it)\n"))
        << t;
}

TEST(ReportSweepText, StrongSweepSaysTheDigestsAgree) {
    const std::string t = SweepText(StrongExample());
    EXPECT_TRUE(Has(t, "\nDigests: one digest at every p, as it must be\n")) << t;
}

TEST(ReportSweepText, StrongSweepFlagsDigestsThatDiffer) {
    std::vector<msc_sweep_run> runs = {SweepRun(1, 4.0), SweepRun(2, 2.0), SweepRun(2, 2.0)};
    std::snprintf(runs[2].digest, sizeof runs[2].digest, "%s", kDigestB);
    const std::string t = SweepText(Summarise(runs));
    EXPECT_TRUE(Has(t, "\nDigests: DIFFER between points: a bug, please report it\n")) << t;
    const std::vector<std::string> rows = TableRows(t);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_FALSE(Has(rows[0], "(differs between runs!)")) << rows[0];
    EXPECT_TRUE(Has(rows[1], kDigestA + std::string(" (differs between runs!)"))) << rows[1];
}

TEST(ReportSweepText, WeakSweepSaysNothingAboutDigestsAcrossPoints) {
    // The range grows with p, so digests are expected to differ between points.
    std::vector<msc_sweep_run> runs = {SweepRun(1, 1.0), SweepRun(2, 1.1)};
    std::snprintf(runs[1].digest, sizeof runs[1].digest, "%s", kDigestB);
    const std::string t = SweepText(Summarise(runs, 1));
    EXPECT_FALSE(Has(t, "Digests:")) << t;
}

TEST(ReportSweepText, MarksAPointThatFailedVerification) {
    std::vector<msc_sweep_run> runs = {SweepRun(1, 4.0), SweepRun(2, 2.0)};
    runs[1].verified = 0;
    const std::vector<std::string> rows = TableRows(SweepText(Summarise(runs)));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_FALSE(Has(rows[0], "NOT VERIFIED")) << rows[0];
    EXPECT_TRUE(Has(rows[1], " NOT VERIFIED")) << rows[1];
}

TEST(ReportSweepText, WarnsOfOversubscriptionAndSaysThePointIsLeftOut) {
    const double f = 0.1, t1 = 8.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, AmdahlTime(t1, f, p)));
    runs.push_back(Oversubscribed(SweepRun(8, 2.0)));
    const std::string t = SweepText(Summarise(runs));
    EXPECT_TRUE(Has(t, "\nwarning: at p = 8 ranks share cores (more ranks than cores on a node): "
                       "that point measures the machine's time-sharing, not the program's "
                       "scaling\n"))
        << t;
    EXPECT_FALSE(Has(t, "at p = 4 ranks share cores")) << t;
    EXPECT_TRUE(Has(t, "\nThe fits below leave out the 1 point whose ranks share cores.\n")) << t;
}

TEST(ReportSweepText, LeaveOutLineCountsPointsInThePlural) {
    const double f = 0.1, t1 = 8.0;
    std::vector<msc_sweep_run> runs = {SweepRun(1, t1), SweepRun(2, AmdahlTime(t1, f, 2)),
                                       Oversubscribed(SweepRun(4, 3.0)), Oversubscribed(SweepRun(8, 2.0))};
    const std::string t = SweepText(Summarise(runs));
    EXPECT_TRUE(Has(t, "warning: at p = 4 ranks share cores")) << t;
    EXPECT_TRUE(Has(t, "warning: at p = 8 ranks share cores")) << t;
    EXPECT_TRUE(Has(t, "\nThe fits below leave out the 2 points whose ranks share cores.\n")) << t;
}

TEST(ReportSweepText, WarnsWithoutALeaveOutLineWhenTheOversubscribedPointsAreKept) {
    const double f = 0.1, t1 = 8.0;
    const std::string t = SweepText(Summarise(
        {SweepRun(1, t1), Oversubscribed(SweepRun(2, AmdahlTime(t1, f, 2))),
         Oversubscribed(SweepRun(4, AmdahlTime(t1, f, 4)))}));
    EXPECT_TRUE(Has(t, "warning: at p = 2 ranks share cores")) << t;
    EXPECT_TRUE(Has(t, "warning: at p = 4 ranks share cores")) << t;
    EXPECT_FALSE(Has(t, "leave out")) << t;
}

TEST(ReportSweepText, CleanSweepHasNoWarnings) {
    const std::string t = SweepText(StrongExample());
    EXPECT_FALSE(Has(t, "warning")) << t;
    EXPECT_FALSE(Has(t, "leave out")) << t;
}

TEST(ReportSweepText, WarnsOfAnOutlierRun) {
    // Median 1.0, MAD 0.05: 5.0 lies far beyond 3 scaled MADs.
    std::vector<msc_sweep_run> runs = {SweepRun(1, 2.0)};
    for (double w : {1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 5.0}) runs.push_back(SweepRun(2, w));
    const std::string t = SweepText(Summarise(runs));
    EXPECT_TRUE(Has(t, "\nwarning: at p = 2, 1 run lies more than 3 scaled MADs from the median "
                       "(an outlier: the machine was busy?)\n"))
        << t;
}

TEST(ReportSweepText, ShowsTheAmdahlAndUslFits) {
    const std::string t = SweepText(StrongExample());
    EXPECT_TRUE(Has(t, "\nAmdahl: serial fraction f = 0.1000")) << t;
    EXPECT_TRUE(Has(t, " from 4 runs; ceiling 1/f = 10.0x\n")) << t;
    EXPECT_TRUE(Has(t, "  predicted speedup: P=2 ")) << t;
    EXPECT_TRUE(Has(t, "\nUSL: contention sigma = 0.1000")) << t;
    EXPECT_TRUE(Has(t, "kappa is not significantly above 0: no retrograde scaling detected")) << t;
    EXPECT_FALSE(Has(t, "not fitted")) << t;
    EXPECT_FALSE(Has(t, "Gustafson")) << t;
}

TEST(ReportSweepText, SaysWhyUslWasNotFitted) {
    const double f = 0.1, t1 = 8.0;
    const std::string t = SweepText(Summarise({SweepRun(1, t1), SweepRun(4, AmdahlTime(t1, f, 4))}));
    EXPECT_TRUE(Has(t, "\nAmdahl: serial fraction f = 0.1000")) << t;
    EXPECT_TRUE(Has(t, "\nUSL: not fitted: 2 distinct rank counts: at least 3 are needed\n")) << t;
}

TEST(ReportSweepText, SaysWhyNeitherStrongModelWasFitted) {
    const std::string t = SweepText(Summarise({SweepRun(4, 1.0, 4.0)}));
    EXPECT_TRUE(Has(t, "\nAmdahl: not fitted: 1 distinct rank count: at least 2 are needed\n")) << t;
    EXPECT_TRUE(Has(t, "\nUSL: not fitted: 1 distinct rank count: at least 3 are needed\n")) << t;
}

TEST(ReportSweepText, WeakSweepShowsOnlyTheGustafsonFit) {
    const double alpha = 0.25, t1 = 20.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, p * t1 / (p - alpha * (p - 1))));
    const std::string t = SweepText(Summarise(runs, 1));
    EXPECT_TRUE(Has(t, "\nGustafson: serial fraction alpha = 0.2500")) << t;
    EXPECT_TRUE(Has(t, " from 3 runs; scaled speedup S(p) = p - alpha (p - 1)\n")) << t;
    EXPECT_FALSE(Has(t, "Amdahl")) << t;
    EXPECT_FALSE(Has(t, "USL")) << t;
}

TEST(ReportSweepText, WeakSweepSaysWhyGustafsonWasNotFitted) {
    const std::string t = SweepText(Summarise({SweepRun(1, 1.0), SweepRun(1, 1.0)}, 1));
    EXPECT_TRUE(Has(t, "\nGustafson: not fitted: 1 distinct rank count: at least 2 are needed\n"))
        << t;
}


// ---- the serial-fraction cross-check and the planner ------------------------------------------

// An Amdahl sweep with f = 0.1 and T1 = 10 s, each run's timed serial phases 0.08 * T1 (so 0.02 of
// f is overhead), 2% noise either side at every p so that f has an interval.
msc_sweep_summary PlannedSweep(double target, double floor_e) {
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8})
        for (double k : {1.0, 0.98, 1.02}) {
            msc_sweep_run r = SweepRun(p, k * AmdahlTime(10.0, 0.1, p));
            r.serial_s = 0.8;
            runs.push_back(r);
        }
    msc_sweep_summary s = Summarise(runs);
    s.target_speedup = target;
    s.min_efficiency = floor_e;
    return s;
}

TEST(ReportSweep, SerialShareIsTheMedianTimedSerialOverT1) {
    const msc_sweep_summary s = PlannedSweep(0, 0);
    EXPECT_NEAR(s.serial_share, 0.08, 1e-12);
    EXPECT_EQ(s.max_p, 8);
}

TEST(ReportSweepText, CrossCheckShowsTheOverheadAboveTheTimedSerialShare) {
    const msc_sweep_summary s = PlannedSweep(0, 0);
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    const std::string t = SweepText(s);
    char want[200];
    std::snprintf(want, sizeof want,
                  "timed serial phases (setup, serial share, combine): 0.0800 of T1; the other "
                  "%.4f of f is parallel overhead",
                  s.amdahl.f - 0.08);
    EXPECT_TRUE(Has(t, want)) << t;
}

TEST(ReportSweepText, WhatIfGivesTimesAndCoreHoursBeyondTheLargestP) {
    const msc_sweep_summary s = PlannedSweep(0, 0);
    const double f = s.amdahl.f, t16 = s.t1_s * (f + (1 - f) / 16);
    char want[200];
    const double lo16 = s.t1_s * (s.amdahl.f_lo + (1 - s.amdahl.f_lo) / 16),
                 hi16 = s.t1_s * (s.amdahl.f_hi + (1 - s.amdahl.f_hi) / 16);
    std::snprintf(want, sizeof want, "    p=16: %.3g s, %.3g core-h (%.3g to %.3g s, %.3g to %.3g core-h)\n",
                  t16, 16 * t16 / 3600.0, lo16, hi16, 16 * lo16 / 3600.0, 16 * hi16 / 3600.0);
    const std::string t = SweepText(s);
    EXPECT_TRUE(Has(t, want)) << t;
    EXPECT_LT(lo16, hi16); // the interval is a real range
    EXPECT_TRUE(Has(t, "    p=64: ")) << "three doublings: 16, 32, 64\n" << t;
    // the ceiling with its interval: 1/f_hi to 1/f_lo
    std::snprintf(want, sizeof want, "ceiling 1/f = %.1fx (%.1fx to ", 1 / f, 1 / s.amdahl.f_hi);
    EXPECT_TRUE(Has(t, want)) << t;
    // an interval reaching f = 0 has an unbounded ceiling, and the parenthesis still closes
    msc_sweep_summary z = s;
    z.amdahl.f_lo = 0.0;
    EXPECT_TRUE(Has(SweepText(z), " to unbounded)\n")) << SweepText(z);
    EXPECT_FALSE(Has(t, "needs p =")) << "no target asked";
    EXPECT_FALSE(Has(t, "efficiency stays")) << "no floor asked";
}

TEST(ReportSweepText, PlannerAnswersATargetSpeedupAndAnEfficiencyFloor) {
    const msc_sweep_summary s = PlannedSweep(5.0, 0.5);
    const std::string t = SweepText(s);
    char want[120];
    std::snprintf(want, sizeof want, "  speedup 5 needs p = %.0f (",
                  msc_ranks_for_speedup(s.amdahl.f, 5.0));
    EXPECT_TRUE(Has(t, want)) << t;
    std::snprintf(want, sizeof want, "  efficiency stays >= 0.5 up to p = %.0f (",
                  msc_ranks_for_efficiency(s.amdahl.f, 0.5));
    EXPECT_TRUE(Has(t, want)) << t;
    EXPECT_TRUE(Has(t, "over f's interval)")) << t;
}

TEST(ReportSweepText, PlannerSaysATargetBeyondTheCeilingIsNeverReached) {
    const std::string t = SweepText(PlannedSweep(50.0, 0));  // ceiling 1/0.1 = 10
    char want[120];
    std::snprintf(want, sizeof want, "  speedup 50 needs p = never: beyond the ceiling 1/f = %.3gx",
                  1 / PlannedSweep(50.0, 0).amdahl.f);
    EXPECT_TRUE(Has(t, want)) << t;
}

// ---- --repeat auto: runs per point, precision reached, outliers ---------------------------------

TEST(ReportAuto, SixIsTheFewestRunsWithAnIntervalOfTheMedian) {
    const double x[6] = {1.0, 1.1, 0.9, 1.05, 0.95, 1.02};
    msc_sample s5, s6;
    ASSERT_EQ(msc_sample_stats(x, MSC_SAMPLE_MIN_CI - 1, &s5, nullptr), MSC_OK);
    ASSERT_EQ(msc_sample_stats(x, MSC_SAMPLE_MIN_CI, &s6, nullptr), MSC_OK);
    EXPECT_TRUE(std::isnan(s5.ci_lo)) << "5 runs: no 95% interval";
    EXPECT_TRUE(std::isnan(msc_sample_halfwidth(&s5)));
    EXPECT_FALSE(msc_sample_precise(&s5, 0.5)) << "no interval: never precise";
    EXPECT_TRUE(std::isfinite(s6.ci_lo));
    EXPECT_EQ(MSC_SAMPLE_MIN_CI, 6);
}

TEST(ReportAuto, HalfWidthIsTheWiderSideOverTheMedian) {
    // Six runs: the interval is min to max. Median 1.0, min 0.95, max 1.1: the wider side is 10%.
    const double x[6] = {1.0, 1.0, 1.0, 1.0, 0.95, 1.1};
    msc_sample s;
    ASSERT_EQ(msc_sample_stats(x, 6, &s, nullptr), MSC_OK);
    EXPECT_NEAR(msc_sample_halfwidth(&s), 0.10, 1e-12);
    EXPECT_TRUE(msc_sample_precise(&s, 0.11));
    EXPECT_FALSE(msc_sample_precise(&s, 0.09));
}

// A strong sweep with the given job times per point, and --repeat auto's inputs.
msc_sweep_summary AutoSweep(const std::vector<std::pair<int, std::vector<double>>> &points,
                            double precision, int cap) {
    std::vector<msc_sweep_run> runs;
    for (const auto &pt : points)
        for (double w : pt.second) runs.push_back(SweepRun(pt.first, w));
    msc_sweep_summary s = Summarise(runs);
    s.precision = precision;
    s.repeat_cap = cap;
    return s;
}

// n runs with median `mid` whose 95% interval of the median reaches mid * (1 +- half): a third of
// the runs at each end and the rest at mid (at n = 6 and n = 30 the interval's order statistics
// fall on the end values), and no outlier (the MAD is that spread too).
std::vector<double> Spread(int n, double mid, double half) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(i < n / 3 ? mid * (1 - half) : i < 2 * n / 3 ? mid : mid * (1 + half));
    return v;
}

TEST(ReportAuto, SaysHowManyRunsEachPointTookAndFlagsThePointAtTheCap) {
    const msc_sweep_summary s =
        AutoSweep({{1, Spread(6, 8.0, 0.008)}, {2, Spread(11, 4.0, 0.0)}, {4, Spread(30, 2.0, 0.034)}},
                  0.02, 30);
    const std::string t = SweepText(s);
    EXPECT_TRUE(Has(t, "\nRepeats (--repeat auto): each point until the 95% interval of its median "
                       "lies within +-2%, at least 6 and at most 30 runs:\n"))
        << t;
    EXPECT_TRUE(Has(t, "\n  p=1: +-0.8% after 6 runs\n")) << t;
    EXPECT_TRUE(Has(t, "\n  p=2: +-0.0% after 11 runs\n")) << t;
    EXPECT_TRUE(Has(t, "\n  p=4: +-3.4% after 30 runs, not within +-2%\n")) << t;
    EXPECT_TRUE(Has(t, "\nwarning: 1 point stopped at 30 runs short of +-2%: p=4 (")) << t;
}

TEST(ReportAuto, EveryPointPreciseGivesNoWarning) {
    const std::string t = SweepText(AutoSweep({{1, Spread(6, 8.0, 0.1)}, {2, Spread(6, 4.0, 0.2)}}, 0.5, 8));
    EXPECT_TRUE(Has(t, "within +-50%, at least 6 and at most 8 runs:")) << t;
    EXPECT_TRUE(Has(t, "\n  p=1: +-10.0% after 6 runs\n")) << t;
    EXPECT_TRUE(Has(t, "\n  p=2: +-20.0% after 6 runs\n")) << t;
    EXPECT_FALSE(Has(t, "not within")) << t;
    EXPECT_FALSE(Has(t, "stopped at")) << t;
}

TEST(ReportAuto, SeveralPointsAtTheCapAreNamedTogether) {
    const std::string t = SweepText(
        AutoSweep({{1, Spread(6, 8.0, 0.05)}, {2, Spread(6, 4.0, 0.0)}, {4, Spread(6, 2.0, 0.05)}}, 0.01, 6));
    EXPECT_TRUE(Has(t, "\nwarning: 2 points stopped at 6 runs short of +-1%: p=1, p=4 (")) << t;
    EXPECT_TRUE(Has(t, "\n  p=1: +-5.0% after 6 runs, not within +-1%\n")) << t;
}

TEST(ReportAuto, APointWithoutAnIntervalSaysSo) {
    // Fewer than 6 runs (a sweep that stopped early): no half-width to give.
    const std::string t = SweepText(AutoSweep({{1, {1.0, 1.0}}, {2, Spread(6, 0.5, 0.0)}}, 0.02, 30));
    EXPECT_TRUE(Has(t, "\n  p=1: +-n/a after 2 runs, not within +-2%\n")) << t;
}

TEST(ReportAuto, FixedRepeatsHaveNoRepeatsBlock) {
    const std::string t = SweepText(AutoSweep({{1, Spread(6, 8.0, 0.05)}, {2, Spread(6, 4.0, 0.05)}}, 0.0, 0));
    EXPECT_FALSE(Has(t, "Repeats (--repeat auto)")) << t;
    EXPECT_FALSE(Has(t, "not within")) << t;
}

TEST(ReportAuto, TableShowsEachPointsOutliersAndHalfWidth) {
    // p = 2: median 1.0, MAD 0.05; 5.0 is an outlier. p = 1: six equal runs, half-width 0.
    std::vector<double> noisy = {1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 5.0};
    const msc_sweep_summary s = AutoSweep({{1, Spread(6, 2.0, 0.0)}, {2, noisy}}, 0.02, 30);
    const std::vector<std::string> rows = TableRows(SweepText(s));
    ASSERT_EQ(rows.size(), 2u);
    std::vector<std::vector<std::string>> cells(2);
    for (size_t r = 0; r < 2; ++r) {
        std::istringstream in(rows[r]);
        for (std::string c; in >> c;) cells[r].push_back(c);
        ASSERT_GE(cells[r].size(), 6u) << rows[r];
    }
    EXPECT_EQ(cells[0][2], "6");
    EXPECT_EQ(cells[0][3], "0") << rows[0];
    EXPECT_EQ(cells[0][5], "0.0%") << rows[0];
    EXPECT_EQ(cells[1][2], "7");
    EXPECT_EQ(cells[1][3], "1") << "the outlier run is counted in the table: " << rows[1];
    char want[16];
    std::snprintf(want, sizeof want, "%.1f%%", 100.0 * msc_sample_halfwidth(&s.rows[1].wall));
    EXPECT_EQ(cells[1][5], want) << rows[1];
    EXPECT_EQ(s.fit_skipped_runs, 1) << "and still left out of the fits";
    const std::string t = SweepText(s);
    EXPECT_TRUE(Has(t, " after 7 runs, not within +-2% (1 outlier)\n")) << t;
}

// ---- --calibrate ------------------------------------------------------------------------------

// Calibration rows at each p with a constant runtime cost o (job time), scatter, gather, combine.
msc_calibration MakeCalibration(const std::vector<int> &ps, double o_s) {
    msc_calibration c;
    std::memset(&c, 0, sizeof c);
    const double init[4] = {0.020, 0.030, 0.025, 0.040};
    c.ranks = 4;
    EXPECT_EQ(msc_sample_stats(init, 4, &c.init, nullptr), MSC_OK);
    for (int p : ps) {
        msc_calibration_row &r = c.rows[c.n_rows++];
        r.p = p;
        r.runs = 5;
        r.job_s = o_s;
        r.scatter_s = 0.000125;
        r.gather_s = 0.00025;
        r.combine_s = 0.00007;
    }
    return c;
}

std::string CalibrationText(const msc_calibration &c, double t1_s, const msc_sweep_summary *s) {
    return CaptureFile([&](FILE *f) { msc_report_calibration_text(f, &c, t1_s, "measured", s); });
}

TEST(ReportCalibration, BlockShowsInitAndEachPointsCostsAsAShareOfT1) {
    const msc_calibration c = MakeCalibration({1, 2, 4}, 0.01);
    const std::string t = CalibrationText(c, 10.0, nullptr);
    EXPECT_EQ(t.rfind("\nRuntime overhead (--calibrate): the same job with kernel empty (no "
                      "per-element work), 5 runs per p after the measured runs, medians; not in "
                      "--json/--csv:\n", 0), 0u)
        << t;
    EXPECT_TRUE(Has(t, "\n  MPI_Init      min 0.020000 s, median 0.027500 s, max 0.040000 s over 4 "
                       "ranks (before the job time, not part of it)\n"))
        << t;
    EXPECT_TRUE(Has(t, "\n       p  empty job s   scatter s    gather s   combine s  share of T1\n")) << t;
    EXPECT_TRUE(Has(t, "\n       4     0.010000    0.000125    0.000250    0.000070       0.100%\n")) << t;
    EXPECT_TRUE(Has(t, "\n  T1 = 10.000000 s (measured); ")) << t;
    EXPECT_FALSE(Has(t, "fitted f")) << "no sweep, no comparison: " << t;
}

TEST(ReportCalibration, ConstantOverheadIsAmdahlsFOfOverheadOverT1) {
    // T(p) = (T1 - o)/p + o is Amdahl's law with f = o / T1 exactly.
    msc_amdahl_fit fit;
    const msc_calibration c = MakeCalibration({1, 2, 4, 8}, 0.01);
    msc_calibration_fit(&c, 10.0, nullptr, &fit);
    ASSERT_TRUE(fit.fit.ok) << fit.fit.why;
    EXPECT_NEAR(fit.f, 0.001, 1e-12);
}

TEST(ReportCalibration, ComparesTheRuntimesShareWithTheFittedF) {
    const double t1 = 10.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, AmdahlTime(t1, 0.1, p)));
    const msc_sweep_summary s = Summarise(runs);
    ASSERT_TRUE(s.amdahl.fit.ok);
    const std::string t = CalibrationText(MakeCalibration({1, 2, 4}, 0.01), t1, &s);
    EXPECT_TRUE(Has(t, "\n  the runtime alone accounts for about 0.0010 of the fitted f = 0.1000 (1%) "
                       "at the same p; the rest is the kernel's own serial part, imbalance and "
                       "contention\n"))
        << t;
}

TEST(ReportCalibration, RuntimeAboveTheFittedFAccountsForAllOfIt) {
    const double t1 = 10.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, AmdahlTime(t1, 0.001, p)));
    const msc_sweep_summary s = Summarise(runs);
    const std::string t = CalibrationText(MakeCalibration({1, 2, 4}, 0.1), t1, &s);
    EXPECT_TRUE(Has(t, "\n  the runtime alone accounts for about all of the fitted f = 0.0010 (alone "
                       "it would give f = 0.0100; the difference is noise)\n"))
        << t;
}

TEST(ReportCalibration, SaysThereIsNoFToCompareWithWhenAmdahlWasNotFitted) {
    const msc_sweep_summary s = Summarise({SweepRun(2, 1.0), SweepRun(2, 1.1)});
    const std::string t = CalibrationText(MakeCalibration({2}, 0.01), 2.0, &s);
    EXPECT_TRUE(Has(t, "\n  no fitted f to compare with (Amdahl: not fitted)\n")) << t;
}

TEST(ReportCalibration, WeakSweepHasNoAmdahlComparison) {
    const msc_sweep_summary s = Summarise({SweepRun(1, 1.0), SweepRun(2, 1.1)}, 1);
    const std::string t = CalibrationText(MakeCalibration({1, 2}, 0.01), 1.0, &s);
    EXPECT_FALSE(Has(t, "fitted f")) << t;
}

TEST(ReportCalibration, LeavesOutThePointsTheSweepsFitsLeftOut) {
    // p = 8 shares cores and is left out of the sweep's fit; its runtime cost (100x) must not
    // enter the runtime's f either.
    const double t1 = 10.0;
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4}) runs.push_back(SweepRun(p, AmdahlTime(t1, 0.1, p)));
    runs.push_back(Oversubscribed(SweepRun(8, 3.0)));
    const msc_sweep_summary s = Summarise(runs);
    ASSERT_EQ(s.fit_skipped_rows, 1);
    msc_calibration c = MakeCalibration({1, 2, 4, 8}, 0.01);
    c.rows[3].job_s = 1.0;
    msc_amdahl_fit fit;
    msc_calibration_fit(&c, t1, &s, &fit);
    ASSERT_TRUE(fit.fit.ok) << fit.fit.why;
    EXPECT_NEAR(fit.f, 0.001, 1e-12);
    EXPECT_EQ(fit.fit.n, 3);
}

}  // namespace

// Placement: which ranks share a node, whether they are bound, idle cores, the network asked for.
std::string TextOf(const msc_run_record &rec) { return Capture(rec, msc_report_text); }

TEST(Report, TextShowsPlacementRanksPerNodeAndNoBinding) {
    Record rec(MakeRecord());
    rec.r.nodes = 2;
    rec.r.ranks = 3;
    rec.r.hosts = static_cast<msc_host *>(std::realloc(rec.r.hosts, 2 * sizeof(msc_host)));
    std::memset(&rec.r.hosts[1], 0, sizeof(msc_host));
    std::snprintf(rec.r.hosts[0].rank_list, sizeof rec.r.hosts[0].rank_list, "0-1");
    rec.r.hosts[0].ranks = 2;
    rec.r.hosts[0].cores = 2;
    std::snprintf(rec.r.hosts[1].name, sizeof rec.r.hosts[1].name, "node02");
    std::snprintf(rec.r.hosts[1].rank_list, sizeof rec.r.hosts[1].rank_list, "2");
    rec.r.hosts[1].ranks = 1;
    rec.r.hosts[1].cores = 4;
    const std::string text = TextOf(rec.r);
    EXPECT_NE(text.find("  placement: node01 ranks 0-1; node02 rank 2; not bound to cores (each rank "
                        "may run on any core of its node)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  note: node node02 has 3 of its 4 cores without a rank\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("node node01 has"), std::string::npos) << "node01 has no idle core";
    EXPECT_EQ(text.find("  network:"), std::string::npos) << "no network line when nothing was asked for";
}

TEST(Report, TextSaysWhenEveryRankIsBound) {
    Record rec(MakeRecord());
    std::snprintf(rec.r.hosts[0].rank_list, sizeof rec.r.hosts[0].rank_list, "0-3");
    rec.r.hosts[0].bound_ranks = 4;
    rec.r.hosts[0].bound_cpus = 1;
    EXPECT_NE(TextOf(rec.r).find("  placement: node01 ranks 0-3; every rank bound to 1 CPU\n"), std::string::npos)
        << TextOf(rec.r);
    rec.r.hosts[0].bound_ranks = 2;
    EXPECT_NE(TextOf(rec.r).find("; 2 of 4 ranks bound to cores\n"), std::string::npos) << TextOf(rec.r);
}

TEST(Report, TextLeavesPlacementOutWhenUnknown) {
    Record rec(MakeRecord()); // rank_list empty: a record built without the driver
    const std::string text = TextOf(rec.r);
    EXPECT_EQ(text.find("placement:"), std::string::npos) << text;
    EXPECT_EQ(text.find("cores without a rank"), std::string::npos) << text;
}

TEST(Report, TextAndJsonShowTheNetworkTheLauncherAskedFor) {
    Record rec(MakeRecord());
    std::snprintf(rec.r.transport, sizeof rec.r.transport, "pml ob1, btl tcp,self, TCP on 10.1.2.0/24");
    EXPECT_NE(TextOf(rec.r).find("  network: pml ob1, btl tcp,self, TCP on 10.1.2.0/24 (as the launcher was "
                                 "told)\n"),
              std::string::npos);
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    EXPECT_STREQ(json_string_value(d["network"]), "pml ob1, btl tcp,self, TCP on 10.1.2.0/24");
    rec.r.transport[0] = '\0';
    JsonDoc none(JsonOf(rec.r));
    EXPECT_TRUE(json_is_null(none["network"]));
}

TEST(Report, JsonCarriesEachHostsRanksBindingAndIdleCores) {
    Record rec(MakeRecord());
    std::snprintf(rec.r.hosts[0].rank_list, sizeof rec.r.hosts[0].rank_list, "0,2-3");
    rec.r.hosts[0].bound_ranks = 3;
    JsonDoc d(JsonOf(rec.r));
    ASSERT_NE(d.j, nullptr);
    json_t *h = json_array_get(d["hosts"], 0);
    EXPECT_STREQ(json_string_value(json_object_get(h, "rank_list")), "0,2-3");
    EXPECT_EQ(json_integer_value(json_object_get(h, "bound_ranks")), 3);
    EXPECT_EQ(json_integer_value(json_object_get(h, "idle_cores")), 4); // 4 ranks on 8 cores
}
