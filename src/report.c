/* report.c — renders one run three ways: the human report (a FILE* from main), a JSON Lines object
 * built with jansson, and a CSV row. Files are appended through atomic.c (the old content plus the
 * new line, written whole to a temporary file and renamed over the file), after a check made before
 * any work, so a run leaves a whole record or none. Also a sweep's table and fits, and
 * --calibrate's runtime-overhead block: text only, never written to the files. */
#include "mpiscale/report.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "mpiscale/atomic.h"
#include "mpiscale/cli.h"

void msc_record_free(msc_run_record *rec)
{
    free(rec->hosts);
    memset(rec, 0, sizeof *rec);
}

const char *msc_status_label(msc_status st)
{
    switch (st) {
    case MSC_OK: return "complete";
    case MSC_INTERRUPTED: return "interrupted";
    case MSC_ERR_USAGE:
    case MSC_ERR_RANGE: return "invalid_input";
    case MSC_ERR_IO: return "io_error";
    case MSC_ERR_VERIFY: return "verification_failed";
    case MSC_ERR_NOMEM:
    case MSC_ERR_MPI:
    case MSC_ERR_INTERNAL: break;
    }
    return "internal_error";
}

static const char *t1_label(msc_t1_source s)
{
    return s == MSC_T1_BASELINE ? "baseline" : "estimated";
}

static int64_t count_of(const msc_run_record *rec)
{
    return msc_range_count(rec->range);
}

/* ---- text ------------------------------------------------------------------------------------ */

/* Prints v with `digits` decimals followed by suffix, or n/a / unbounded when not finite. */
static void print_num(FILE *f, double v, int digits, const char *suffix)
{
    if (isfinite(v))
        fprintf(f, "%.*f%s", digits, v, suffix);
    else
        fprintf(f, "%s", isnan(v) ? "n/a" : "unbounded");
}

/* The schedule block: how evenly the work fell, what waiting and claiming cost, and advice. */
static void report_balance(FILE *f, const msc_run_record *rec, const char *sched)
{
    const msc_balance *b = &rec->balance;
    const double max_c = rec->phases[MSC_PHASE_COMPUTE].max_s;
    fprintf(f, "\nSchedule %s (%lld chunk%s of %lld segments):\n", sched, (long long)b->chunks,
            b->chunks == 1 ? "" : "s", (long long)rec->segments);
    fprintf(f, "  load imbalance  %.2f%% (max/mean compute - 1)\n", 100.0 * rec->imbalance);
    fprintf(f, "  idle time       %.6f rank-s waiting for the slowest rank (%.1f%% of P x slowest "
               "compute %.6f s)\n", b->idle_s, 100.0 * b->idle_fraction, max_c);
    if (msc_schedule_is_dynamic(rec->schedule.kind))
        fprintf(f, "  claims          %lld atomic fetch-and-add on rank 0's window, %.6f s in all "
                   "(%.2f us each, slowest %.1f us)\n",
                (long long)b->claims, b->claims_s,
                b->claims > 0 ? 1e6 * b->claims_s / (double)b->claims : 0.0, 1e6 * b->claim_max_s);
    else
        fprintf(f, "  messages        none while computing: every rank derives the plan; one "
                   "MPI_Scatter checks it (scatter phase)\n");
    if (rec->schedule.kind == MSC_SCHED_WEIGHTED && rec->ranks > 1)
        fprintf(f, "  calibration     probe speeds %.4g to %.4g elements/s (slowest rank at %.0f%% "
                   "of the fastest), %.6f s\n",
                b->speed_min, b->speed_max,
                b->speed_max > 0.0 ? 100.0 * b->speed_min / b->speed_max : 0.0,
                rec->phases[MSC_PHASE_CALIBRATE].max_s);
    if (isfinite(b->cost_trend) || isfinite(b->cost_spread)) {
        fprintf(f, "  segment cost    last tenth of the range ");
        print_num(f, b->cost_trend, 2, "x");
        fprintf(f, " the first; slowest segment ");
        print_num(f, b->cost_spread, 2, "x");
        fprintf(f, " the median");
        if (isfinite(b->rank_skew) && b->rank_skew >= 1.0) {
            fprintf(f, "; ranks' speeds on alike segments differ up to ");
            print_num(f, b->rank_skew, 2, "x");
        }
        fprintf(f, "\n");
    }
    if (b->advice[0] != '\0') fprintf(f, "  advice: %s\n", b->advice);
}

/* The kernels' vector path (for kernels bound by one instruction) and the ranks' peak memory. */
static void report_path_and_memory(FILE *f, const msc_run_record *rec)
{
    if (rec->kernel->per_item_op != MSC_OP_NONE && rec->nodes > 0 && rec->hosts[0].isa[0] != '\0') {
        int same = 1;
        for (int i = 1; i < rec->nodes; i++) same &= strcmp(rec->hosts[i].isa, rec->hosts[0].isa) == 0;
        msc_isa isa = MSC_ISA_SCALAR;
        fprintf(f, "  kernel path:");
        if (same) {
            msc_isa_parse(rec->hosts[0].isa, &isa);
            fprintf(f, " %s (%s)%s", rec->hosts[0].isa, msc_isa_instruction(isa, rec->kernel->per_item_op),
                    rec->nodes == 1 ? "" : " on every node");
        } else {
            for (int i = 0; i < rec->nodes; i++)
                fprintf(f, "%s %s %s", i ? "," : "", rec->hosts[i].name, rec->hosts[i].isa);
        }
        if (rec->isa_requested[0] != '\0')
            fprintf(f, ", as --isa %s asked\n", rec->isa_requested);
        else
            fprintf(f, ", the widest %s, chosen at run time (--isa scalar turns vector paths "
                       "off)\n", rec->nodes == 1 ? "this node has" : "each node has");
    }
    if (rec->peak_rss_max_rank >= 0 && rec->peak_rss_max_kib > 0) {
        fprintf(f, "  memory: peak resident set per rank ");
        if (rec->peak_rss_min_kib == rec->peak_rss_max_kib || rec->ranks == 1)
            fprintf(f, "%.1f MiB\n", rec->peak_rss_max_kib / 1024.0);
        else
            fprintf(f, "%.1f to %.1f MiB (the largest on rank %d)\n", rec->peak_rss_min_kib / 1024.0,
                    rec->peak_rss_max_kib / 1024.0, rec->peak_rss_max_rank);
    }
}

void msc_report_text(FILE *f, const msc_run_record *rec)
{
    const msc_analysis *a = &rec->analysis;
    char params[160];
    msc_params_format(rec->kernel, &rec->params, params, sizeof params);

    fprintf(f, "mpiscale %s: kernel %s, range [%lld, %lld) = %lld elements, params %s\n",
            MSC_VERSION, rec->kernel->name, (long long)rec->range.lo, (long long)rec->range.hi,
            (long long)count_of(rec), params[0] ? params : "none");
    char sched[48];
    msc_schedule_format(&rec->schedule, sched, sizeof sched);
    fprintf(f, "  %lld segments, schedule %s, %d rank%s on %d node%s:", (long long)rec->segments,
            sched, rec->ranks, rec->ranks == 1 ? "" : "s", rec->nodes,
            rec->nodes == 1 ? "" : "s");
    for (int i = 0; i < rec->nodes; i++)
        fprintf(f, "%s %s (%d rank%s, %d cores)", i ? "," : "", rec->hosts[i].name,
                rec->hosts[i].ranks, rec->hosts[i].ranks == 1 ? "" : "s", rec->hosts[i].cores);
    fprintf(f, "\n  MPI: %s\n", rec->mpi_library);
    if (rec->transport[0] != '\0') fprintf(f, "  network: %s (as the launcher was told)\n", rec->transport);
    if (rec->nodes > 0 && rec->hosts[0].rank_list[0] != '\0') {
        int bound = 0;
        fprintf(f, "  placement:");
        for (int i = 0; i < rec->nodes; i++) {
            fprintf(f, "%s %s rank%s %.95s", i ? ";" : "", rec->hosts[i].name,
                    rec->hosts[i].ranks == 1 ? "" : "s", rec->hosts[i].rank_list);
            bound += rec->hosts[i].bound_ranks;
        }
        if (bound == 0)
            fprintf(f, "; not bound to cores (each rank may run on any core of its node)\n");
        else if (bound == rec->ranks) {
            int widest = 0;
            for (int i = 0; i < rec->nodes; i++)
                if (rec->hosts[i].bound_cpus > widest) widest = rec->hosts[i].bound_cpus;
            fprintf(f, "; every rank bound to %s%d CPU%s\n", widest > 1 ? "at most " : "", widest,
                    widest == 1 ? "" : "s");
        } else
            fprintf(f, "; %d of %d ranks bound to cores\n", bound, rec->ranks);
    }
    for (int i = 0; i < rec->nodes; i++)
        if (rec->hosts[i].rank_list[0] != '\0' && rec->hosts[i].ranks < rec->hosts[i].cores)
            fprintf(f, "  note: node %s has %d of its %d cores without a rank\n", rec->hosts[i].name,
                    rec->hosts[i].cores - rec->hosts[i].ranks, rec->hosts[i].cores);
    for (int i = 0; i < rec->nodes; i++)
        if (rec->hosts[i].ranks > rec->hosts[i].cores)
            fprintf(f, "  warning: node %s runs %d ranks on %d cores (oversubscribed): ranks take "
                       "turns on the cores and waiting ranks spin, so every time here includes "
                       "waiting for a core\n",
                    rec->hosts[i].name, rec->hosts[i].ranks, rec->hosts[i].cores);
    report_path_and_memory(f, rec);
    if (rec->idle_ranks > 0)
        fprintf(f, "  note: %d rank%s had no work (%lld segments for %d ranks)\n", rec->idle_ranks,
                rec->idle_ranks == 1 ? "" : "s", (long long)rec->segments, rec->ranks);

    if (rec->slow_rank >= 0 && rec->slow_factor > 1)
        fprintf(f, "  note: --slow-rank %d:%d: rank %d ran every kernel call %d times, emulating a "
                   "node %d times slower\n",
                rec->slow_rank, rec->slow_factor, rec->slow_rank, rec->slow_factor, rec->slow_factor);

    fprintf(f, "\nResult: %s\n", rec->result);
    fprintf(f, "Digest: %s\n", rec->digest);
    fprintf(f, "Verification: %s (%s; reference %s)\n", rec->verdict.pass ? "PASS" : "FAIL",
            rec->verdict.method, rec->verdict.expected);

    fprintf(f, "\n%-9s %12s %12s %12s  %s\n", "phase", "min s", "mean s", "max s", "slowest rank");
    for (int ph = 0; ph < MSC_PHASE_COUNT; ph++) {
        const msc_phase_stats *s = &rec->phases[ph];
        if ((ph == MSC_PHASE_BASELINE && !rec->serial_baseline) ||
            ((ph == MSC_PHASE_SERIAL || ph == MSC_PHASE_CALIBRATE) && rec->phases[ph].max_s == 0.0))
            continue;
        fprintf(f, "%-9s %12.6f %12.6f %12.6f  %d\n", msc_phase_name((msc_phase)ph), s->min_s,
                s->mean_s, s->max_s, s->max_rank);
    }
    report_balance(f, rec, sched);

    if (rec->reused_segments > 0)
        fprintf(f, "\nResumed: %lld of %lld segments came from the checkpoint journal; the times "
                   "below cover only the %lld computed in this run, so this run is no measurement "
                   "of the whole job (mpiscale-report leaves it out of fits). The result and "
                   "digest are the whole job's.\n",
                (long long)rec->reused_segments, (long long)rec->segments,
                (long long)(rec->segments - rec->reused_segments));
    fprintf(f, "\nScaling on %d rank%s (T1 %s):\n", rec->ranks, rec->ranks == 1 ? "" : "s",
            a->t1_source == MSC_T1_BASELINE
                ? "measured: rank 0 ran the whole range alone (--serial-baseline)"
                : "estimated: sum of segment compute times + serial phases");
    fprintf(f, "  T1            %.6f s\n", a->t1_s);
    fprintf(f, "  job time      %.6f s (setup through combine on rank 0)\n", rec->measure.wall_s);
    {
        const double init = rec->phases[MSC_PHASE_INIT].max_s, whole = init + rec->measure.wall_s;
        if (init > 0.0 && whole > 0.0)
            fprintf(f, "  MPI_Init      %.6f s on the slowest rank: %.1f%% of MPI_Init plus job time, "
                       "a cost that more ranks do not shrink (mpirun's own start before it comes "
                       "on top)\n",
                    init, 100.0 * init / whole);
    }
    fprintf(f, "  speedup       ");
    print_num(f, a->speedup, 3, "");
    fprintf(f, "   (compute only: ");
    print_num(f, a->compute_speedup, 3, "");
    fprintf(f, ")\n  efficiency    ");
    print_num(f, 100.0 * a->efficiency, 1, "%");
    if (a->t1_source == MSC_T1_ESTIMATED)
        fprintf(f, "\n  note: T1 is this run's own segment times added up, so the speedup shows "
                   "balance and overhead, not whether the ranks really ran P times faster than "
                   "one (shared memory bandwidth, shared cores); --serial-baseline measures T1");

    fprintf(f, "\n\nAmdahl's Law:\n  serial fraction f = ");
    print_num(f, a->serial_fraction, 6, "");
    fprintf(f, " (timed serial phases setup + serial + combine, over T1)\n");
    if (rec->ranks > 1) {
        fprintf(f, "  Karp-Flatt e = ");
        print_num(f, a->karp_flatt, 6, "");
        fprintf(f, " at P = %d (serial fraction implied by the measured speedup; e above f is "
                   "parallel overhead: communication, imbalance, waiting)\n", rec->ranks);
    }
    fprintf(f, "  predicted speedup:");
    for (int p = 1; p <= 1024; p *= 2) {
        fprintf(f, "%s P=%d ", p == 64 ? "\n                    " : "", p);
        print_num(f, msc_amdahl_speedup(a->serial_fraction, p), 2, "");
    }
    fprintf(f, "\n  ceiling 1/f = ");
    print_num(f, a->ceiling, 1, "");
    fprintf(f, "\n");
    const double declared = msc_kernel_serial_share(rec->kernel, &rec->params);
    if (rec->kernel->serial_param >= 0) {
        const double predicted = msc_amdahl_speedup(declared, rec->ranks);
        fprintf(f, "  declared serial share F = %.3f: Amdahl predicts %.3f at P = %d; speedup "
                   "(T1 %s) ", declared, predicted, rec->ranks, t1_label(a->t1_source));
        print_num(f, a->speedup, 3, "");
        fprintf(f, " (");
        print_num(f, 100.0 * (a->speedup / predicted - 1.0), 1, "%");
        fprintf(f, ")\n");
    }
    fprintf(f, "\nStatus: %s\n", msc_status_label(rec->status));
}

void msc_report_summary(FILE *f, const msc_run_record *rec)
{
    fprintf(f, "%s P=%d result=%s digest=%s verification=%s wall_s=%.6f speedup=", rec->kernel->name,
            rec->ranks, rec->result, rec->digest, rec->verdict.pass ? "PASS" : "FAIL",
            rec->measure.wall_s);
    print_num(f, rec->analysis.speedup, 3, "");
    fprintf(f, " t1=%s status=%s\n", t1_label(rec->analysis.t1_source), msc_status_label(rec->status));
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* NaN and infinity are not JSON numbers; they become null. */
static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

char *msc_report_json(const msc_run_record *rec)
{
    json_t *o = json_object(), *params = json_object(), *range = json_object();
    json_t *phases = json_object(), *hosts = json_array(), *verification = json_object();
    char *text = NULL;
    if (o == NULL || params == NULL || range == NULL || phases == NULL || hosts == NULL ||
        verification == NULL)
        goto out;

    for (int i = 0; i < rec->kernel->n_params; i++) {
        const msc_param_spec *s = &rec->kernel->params[i];
        json_object_set_new(params, s->name, s->type == MSC_PARAM_INT
                                                 ? json_integer((json_int_t)rec->params.value[i])
                                                 : json_real(rec->params.value[i]));
    }
    json_object_set_new(range, "start", json_integer(rec->range.lo));
    json_object_set_new(range, "end", json_integer(rec->range.hi));
    for (int ph = 0; ph < MSC_PHASE_COUNT; ph++) {
        json_t *p = json_object();
        json_object_set_new(p, "min", real_or_null(rec->phases[ph].min_s));
        json_object_set_new(p, "mean", real_or_null(rec->phases[ph].mean_s));
        json_object_set_new(p, "max", real_or_null(rec->phases[ph].max_s));
        json_object_set_new(p, "max_rank", json_integer(rec->phases[ph].max_rank));
        json_object_set_new(phases, msc_phase_name((msc_phase)ph), p);
    }
    for (int i = 0; i < rec->nodes; i++) {
        const msc_host *x = &rec->hosts[i];
        json_t *h = json_pack("{s:s, s:i, s:i}", "name", x->name, "ranks", x->ranks, "cores", x->cores);
        if (h != NULL && x->rank_list[0] != '\0') {
            json_object_set_new(h, "rank_list", json_stringn(x->rank_list, strnlen(x->rank_list, sizeof x->rank_list)));
            json_object_set_new(h, "bound_ranks", json_integer(x->bound_ranks));
            json_object_set_new(h, "idle_cores", json_integer(x->cores > x->ranks ? x->cores - x->ranks : 0));
        }
        if (h != NULL && x->isa[0] != '\0')
            json_object_set_new(h, "isa", json_stringn(x->isa, strnlen(x->isa, sizeof x->isa)));
        json_array_append_new(hosts, h);
    }
    json_object_set_new(verification, "method", json_string(rec->verdict.method));
    json_object_set_new(verification, "expected", json_string(rec->verdict.expected));

    json_object_set_new(o, "schema", json_integer(MSC_SCHEMA_VERSION));
    json_object_set_new(o, "mpiscale_version", json_string(MSC_VERSION));
    json_object_set_new(o, "kernel", json_string(rec->kernel->name));
    json_object_set_new(o, "kernel_version", json_integer(rec->kernel->version));
    json_object_set_new(o, "params", params);
    params = NULL;
    json_object_set_new(o, "range", range);
    range = NULL;
    json_object_set_new(o, "n_items", json_integer(count_of(rec)));
    json_object_set_new(o, "segments", json_integer(rec->segments));
    {
        char sched[48];
        const msc_balance *b = &rec->balance;
        msc_schedule_format(&rec->schedule, sched, sizeof sched);
        json_object_set_new(o, "schedule", json_string(sched));
        json_t *bal = json_object();
        if (bal != NULL) {
            json_object_set_new(bal, "kind", json_string(msc_schedule_name(rec->schedule.kind)));
            json_object_set_new(bal, "chunk", rec->schedule.chunk > 0 ? json_integer(rec->schedule.chunk)
                                                                     : json_null());
            json_object_set_new(bal, "chunks", json_integer(b->chunks));
            json_object_set_new(bal, "claims", json_integer(b->claims));
            json_object_set_new(bal, "claims_s", real_or_null(b->claims_s));
            json_object_set_new(bal, "claim_max_s", real_or_null(b->claim_max_s));
            json_object_set_new(bal, "idle_s", real_or_null(b->idle_s));
            json_object_set_new(bal, "idle_fraction", real_or_null(b->idle_fraction));
            json_object_set_new(bal, "cost_trend", real_or_null(b->cost_trend));
            json_object_set_new(bal, "cost_spread", real_or_null(b->cost_spread));
            json_object_set_new(bal, "rank_skew", real_or_null(b->rank_skew));
            const int calibrated = rec->schedule.kind == MSC_SCHED_WEIGHTED && rec->ranks > 1;
            json_object_set_new(bal, "speed_min", calibrated ? real_or_null(b->speed_min) : json_null());
            json_object_set_new(bal, "speed_max", calibrated ? real_or_null(b->speed_max) : json_null());
            json_object_set_new(bal, "advice", b->advice[0] ? json_string(b->advice) : json_null());
            json_object_set_new(o, "balance", bal);
        }
        json_t *sweep = rec->sweep_mode > 0 ? json_pack("{s:s, s:i}", "mode",
                                                        rec->sweep_mode == 2 ? "weak" : "strong",
                                                        "run", rec->sweep_run)
                                            : json_null();
        if (rec->sweep_mode > 0 && rec->sweep_cap > 0) { /* --repeat auto, for mpiscale-report */
            json_object_set_new(sweep, "precision", json_real(rec->sweep_precision));
            json_object_set_new(sweep, "cap", json_integer(rec->sweep_cap));
        }
        json_object_set_new(o, "sweep", sweep);
        json_object_set_new(o, "slow_rank", rec->slow_rank >= 0
                                                ? json_pack("{s:i, s:i}", "rank", rec->slow_rank,
                                                            "factor", rec->slow_factor)
                                                : json_null());
    }
    json_object_set_new(o, "ranks", json_integer(rec->ranks));
    json_object_set_new(o, "nodes", json_integer(rec->nodes));
    json_object_set_new(o, "idle_ranks", json_integer(rec->idle_ranks));
    json_object_set_new(o, "result", json_string(rec->result));
    json_object_set_new(o, "digest", json_string(rec->digest));
    json_object_set_new(o, "verified", json_boolean(rec->verdict.pass));
    json_object_set_new(o, "verification", verification);
    verification = NULL;
    json_object_set_new(o, "wall_s", real_or_null(rec->measure.wall_s));
    json_object_set_new(o, "t1_s", real_or_null(rec->analysis.t1_s));
    json_object_set_new(o, "t1_source", json_string(t1_label(rec->analysis.t1_source)));
    json_object_set_new(o, "speedup", real_or_null(rec->analysis.speedup));
    json_object_set_new(o, "efficiency", real_or_null(rec->analysis.efficiency));
    json_object_set_new(o, "compute_speedup", real_or_null(rec->analysis.compute_speedup));
    json_object_set_new(o, "serial_fraction", real_or_null(rec->analysis.serial_fraction));
    json_object_set_new(o, "karp_flatt", real_or_null(rec->analysis.karp_flatt));
    json_object_set_new(o, "amdahl_ceiling", real_or_null(rec->analysis.ceiling));
    json_object_set_new(o, "imbalance", real_or_null(rec->imbalance));
    json_object_set_new(o, "phases", phases);
    phases = NULL;
    json_object_set_new(o, "status", json_string(msc_status_label(rec->status)));
    json_object_set_new(o, "resumed", json_boolean(rec->reused_segments > 0));
    json_object_set_new(o, "reused_segments", json_integer((json_int_t)rec->reused_segments));
    json_object_set_new(o, "hosts", hosts);
    json_object_set_new(o, "network", rec->transport[0] != '\0' ? json_string(rec->transport) : json_null());
    json_object_set_new(o, "ns_per_item", real_or_null(msc_record_ns_per_item(rec)));
    json_object_set_new(o, "isa_requested", json_string(rec->isa_requested[0] != '\0' ? rec->isa_requested : "auto"));
    if (rec->peak_rss_max_rank >= 0) {
        json_object_set_new(o, "peak_rss_kib", json_pack("{s:I, s:I, s:i}", "min", (json_int_t)rec->peak_rss_min_kib,
                                                         "max", (json_int_t)rec->peak_rss_max_kib, "max_rank",
                                                         rec->peak_rss_max_rank));
    } else
        json_object_set_new(o, "peak_rss_kib", json_null());
    hosts = NULL;
    json_object_set_new(o, "mpi_library", json_string(rec->mpi_library));
    json_object_set_new(o, "compiler", json_string(rec->compiler));
    json_object_set_new(o, "start_time", json_string(rec->start_time));
    text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
out:
    json_decref(o);
    json_decref(params);
    json_decref(range);
    json_decref(phases);
    json_decref(hosts);
    json_decref(verification);
    return text;
}

/* ---- CSV ------------------------------------------------------------------------------------- */

static const char csv_header[] =
    "schema,start_time,kernel,params,range_start,range_end,segments,schedule,ranks,nodes,result,"
    "digest,verified,status,wall_s,t1_s,t1_source,speedup,efficiency,compute_speedup,"
    "serial_fraction,karp_flatt,imbalance,idle_s,claims,claims_s,advice,hosts,mpi_library,compiler,"
    "sweep_mode,sweep_run";

const char *msc_report_csv_header(void)
{
    return csv_header;
}

/* Appends text as one RFC 4180 field (quoted when it holds a comma, quote or newline). */
static size_t csv_text(char *buf, size_t len, size_t used, const char *text, int first)
{
    const int quote = strpbrk(text, ",\"\n\r") != NULL;
    if (!first && used < len) buf[used] = ',';
    used += first ? 0 : 1;
    if (quote && used < len) buf[used] = '"';
    used += (size_t)quote;
    for (const char *c = text; *c; c++) {
        if (*c == '"' && quote) {
            if (used < len) buf[used] = '"';
            used++;
        }
        if (used < len) buf[used] = *c;
        used++;
    }
    if (quote && used < len) buf[used] = '"';
    used += (size_t)quote;
    return used;
}

static size_t csv_real(char *buf, size_t len, size_t used, double v)
{
    char t[40] = "";
    if (isfinite(v)) snprintf(t, sizeof t, "%.9g", v);
    return csv_text(buf, len, used, t, 0);
}

msc_status msc_report_csv_row(const msc_run_record *rec, char *buf, size_t len)
{
    char t[64], params[160];
    size_t used = 0, h = 0;
    const size_t hosts_len = (size_t)rec->nodes * (sizeof rec->hosts[0].name + 16) + 1;
    char *hosts = (char *)malloc(hosts_len);
    if (hosts == NULL) return MSC_ERR_NOMEM;
    msc_params_format(rec->kernel, &rec->params, params, sizeof params);
    hosts[0] = '\0';
    for (int i = 0; i < rec->nodes && h < hosts_len; i++)
        h += (size_t)snprintf(hosts + h, hosts_len - h, "%s%s:%d", i ? " " : "", rec->hosts[i].name,
                              rec->hosts[i].ranks);
    snprintf(t, sizeof t, "%d", MSC_SCHEMA_VERSION);
    used = csv_text(buf, len, used, t, 1);
    used = csv_text(buf, len, used, rec->start_time, 0);
    used = csv_text(buf, len, used, rec->kernel->name, 0);
    used = csv_text(buf, len, used, params, 0);
    snprintf(t, sizeof t, "%lld", (long long)rec->range.lo);
    used = csv_text(buf, len, used, t, 0);
    snprintf(t, sizeof t, "%lld", (long long)rec->range.hi);
    used = csv_text(buf, len, used, t, 0);
    snprintf(t, sizeof t, "%lld", (long long)rec->segments);
    used = csv_text(buf, len, used, t, 0);
    {
        char sched[48];
        msc_schedule_format(&rec->schedule, sched, sizeof sched);
        used = csv_text(buf, len, used, sched, 0);
    }
    snprintf(t, sizeof t, "%d", rec->ranks);
    used = csv_text(buf, len, used, t, 0);
    snprintf(t, sizeof t, "%d", rec->nodes);
    used = csv_text(buf, len, used, t, 0);
    used = csv_text(buf, len, used, rec->result, 0);
    used = csv_text(buf, len, used, rec->digest, 0);
    used = csv_text(buf, len, used, rec->verdict.pass ? "true" : "false", 0);
    used = csv_text(buf, len, used, msc_status_label(rec->status), 0);
    used = csv_real(buf, len, used, rec->measure.wall_s);
    used = csv_real(buf, len, used, rec->analysis.t1_s);
    used = csv_text(buf, len, used, t1_label(rec->analysis.t1_source), 0);
    used = csv_real(buf, len, used, rec->analysis.speedup);
    used = csv_real(buf, len, used, rec->analysis.efficiency);
    used = csv_real(buf, len, used, rec->analysis.compute_speedup);
    used = csv_real(buf, len, used, rec->analysis.serial_fraction);
    used = csv_real(buf, len, used, rec->analysis.karp_flatt);
    used = csv_real(buf, len, used, rec->imbalance);
    used = csv_real(buf, len, used, rec->balance.idle_s);
    snprintf(t, sizeof t, "%lld", (long long)rec->balance.claims);
    used = csv_text(buf, len, used, t, 0);
    used = csv_real(buf, len, used, rec->balance.claims_s);
    used = csv_text(buf, len, used, rec->balance.advice, 0);
    used = csv_text(buf, len, used, hosts, 0);
    free(hosts);
    used = csv_text(buf, len, used, rec->mpi_library, 0);
    used = csv_text(buf, len, used, rec->compiler, 0);
    /* as JSON's "sweep": {mode, run}; empty fields outside a sweep, as JSON's null */
    used = csv_text(buf, len, used, rec->sweep_mode > 0 ? (rec->sweep_mode == 2 ? "weak" : "strong") : "", 0);
    t[0] = '\0';
    if (rec->sweep_mode > 0) snprintf(t, sizeof t, "%d", rec->sweep_run);
    used = csv_text(buf, len, used, t, 0);
    if (used >= len) {
        if (len > 0) buf[0] = '\0';
        return MSC_ERR_NOMEM;
    }
    buf[used] = '\0';
    return MSC_OK;
}

/* ---- files ----------------------------------------------------------------------------------- */

msc_status msc_output_check(const char *path, char *err, size_t len)
{
    struct stat sb;
    if (path == NULL || path[0] == '\0') return msc_fail(MSC_ERR_IO, err, len, "empty file name");
    /* "dir/" names a directory even when it does not exist yet: dirname() would say "." */
    if (path[strlen(path) - 1] == '/') return msc_fail(MSC_ERR_IO, err, len, "'%s': names a directory", path);
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) return msc_fail(MSC_ERR_IO, err, len, "'%s': is a directory", path);
        if (access(path, W_OK) != 0)
            return msc_fail(MSC_ERR_IO, err, len, "'%s': %s", path, strerror(errno));
        if (!S_ISREG(sb.st_mode)) return MSC_OK; /* a device or pipe is written in place */
        /* a regular file is replaced through a temporary file beside it: its directory too */
        char *copy = strdup(path);
        if (copy == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
        const char *dir = dirname(copy);
        msc_status st = MSC_OK;
        if (access(dir, W_OK | X_OK) != 0)
            st = msc_fail(MSC_ERR_IO, err, len, "'%s': directory '%s' is not writable (the file is "
                          "replaced whole through a temporary file there)", path, dir);
        free(copy);
        return st;
    }
    if (errno != ENOENT) return msc_fail(MSC_ERR_IO, err, len, "'%s': %s", path, strerror(errno));
    char *copy = strdup(path);
    if (copy == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory");
    const char *dir = dirname(copy);
    msc_status st = MSC_OK;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        st = msc_fail(MSC_ERR_IO, err, len, "'%s': directory '%s' does not exist", path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        st = msc_fail(MSC_ERR_IO, err, len, "'%s': directory '%s' is not writable", path, dir);
    free(copy);
    return st;
}

/* The directory of path resolved to an absolute name, plus its last component, into buf. */
static int canonical_name(const char *path, char *buf, size_t len)
{
    char *d = strdup(path), *b = strdup(path);
    char dir[PATH_MAX];
    int ok = d != NULL && b != NULL && realpath(dirname(d), dir) != NULL;
    if (ok) snprintf(buf, len, "%s/%s", dir, basename(b));
    free(d);
    free(b);
    return ok;
}

int msc_output_same(const char *a, const char *b)
{
    struct stat sa, sb;
    char ca[2 * PATH_MAX], cb[2 * PATH_MAX];
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (canonical_name(a, ca, sizeof ca) && canonical_name(b, cb, sizeof cb)) return strcmp(ca, cb) == 0;
    return strcmp(a, b) == 0;
}

msc_status msc_report_json_append(const char *path, const msc_run_record *rec, char *err,
                                  size_t len)
{
    char *line = msc_report_json(rec);
    if (line == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory building JSON");
    msc_status st = msc_atomic_append(path, NULL, line, err, len);
    free(line);
    return st;
}

msc_status msc_report_csv_append(const char *path, const msc_run_record *rec, char *err,
                                 size_t len)
{
    /* Fixed fields fit in 2 KiB; each host adds at most its name, a count and quoting. */
    const size_t size = 2048 + (size_t)rec->nodes * 2 * (sizeof rec->hosts[0].name + 16);
    char *row = (char *)malloc(size);
    if (row == NULL) return msc_fail(MSC_ERR_NOMEM, err, len, "out of memory building CSV");
    msc_status st = msc_report_csv_row(rec, row, size);
    if (st == MSC_OK)
        st = msc_atomic_append(path, csv_header, row, err, len);
    else
        msc_fail(st, err, len, "CSV row does not fit %zu bytes", size);
    free(row);
    return st;
}

/* ---- sweeps ------------------------------------------------------------------------------------ */

/* The median of the finite values of one double field (at byte offset `field`) over the runs at
 * p (every run for p = 0), scaled by 1/scale; NAN when there is none. buf holds n doubles. */
static double median_of(const msc_sweep_run *runs, int n, int p, size_t field, double scale, double *buf)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        double x;
        memcpy(&x, (const char *)&runs[i] + field, sizeof x);
        if ((p == 0 || runs[i].p == p) && isfinite(x)) buf[m++] = x / scale;
    }
    msc_sample s;
    return m > 0 && msc_sample_stats(buf, m, &s, NULL) == MSC_OK ? s.median : NAN;
}

msc_status msc_sweep_summarise(const msc_sweep_run *runs, int n, int weak, msc_sweep_summary *out)
{
    memset(out, 0, sizeof *out);
    out->weak = weak;
    if (n < 1 || runs == NULL) return MSC_ERR_USAGE;
    /* distinct p, ascending */
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < out->n_rows && out->rows[k].p != runs[i].p) k++;
        if (k < out->n_rows) continue;
        if (out->n_rows == MSC_SWEEP_ROWS) return MSC_ERR_USAGE;
        while (k > 0 && out->rows[k - 1].p > runs[i].p) {
            out->rows[k] = out->rows[k - 1];
            k--;
        }
        memset(&out->rows[k], 0, sizeof out->rows[k]);
        out->rows[k].p = runs[i].p;
        out->n_rows++;
    }
    double *v = (double *)malloc((size_t)n * sizeof *v), *w = (double *)malloc((size_t)n * sizeof *w);
    double *ps = (double *)malloc((size_t)n * sizeof *ps);
    int *idx = (int *)malloc((size_t)n * sizeof *idx), *flag = (int *)malloc((size_t)n * sizeof *flag);
    int *outlier = (int *)calloc((size_t)n, sizeof *outlier);
    if (v == NULL || w == NULL || ps == NULL || idx == NULL || flag == NULL || outlier == NULL) {
        free(v);
        free(w);
        free(ps);
        free(idx);
        free(flag);
        free(outlier);
        return MSC_ERR_NOMEM;
    }
    msc_status st = MSC_OK;
    out->digests_agree = 1;
    for (int k = 0; k < out->n_rows && st == MSC_OK; k++) {
        msc_sweep_row *row = &out->rows[k];
        int m = 0;
        row->verified = 1;
        for (int i = 0; i < n; i++) {
            if (runs[i].p != row->p) continue;
            if (m == 0) snprintf(row->digest, sizeof row->digest, "%s", runs[i].digest);
            int seen = 0;
            for (int j = 0; j < i && !seen; j++)
                seen = runs[j].p == row->p && strcmp(runs[j].digest, runs[i].digest) == 0;
            row->digests += !seen;
            if (strcmp(runs[i].digest, runs[0].digest) != 0) out->digests_agree = 0;
            idx[m] = i;
            v[m] = runs[i].wall_s;
            w[m++] = runs[i].imbalance;
            row->verified &= runs[i].verified != 0;
            if (runs[i].nodes > row->nodes) row->nodes = runs[i].nodes;
            if (runs[i].oversubscribed > row->oversubscribed) row->oversubscribed = runs[i].oversubscribed;
        }
        msc_sample imb;
        st = msc_sample_stats(v, m, &row->wall, flag);
        for (int j = 0; st == MSC_OK && j < m; j++) outlier[idx[j]] = flag[j];
        if (st == MSC_OK) st = msc_sample_stats(w, m, &imb, NULL);
        row->imbalance = imb.median;
        row->serial_s = median_of(runs, n, row->p, offsetof(msc_sweep_run, serial_s), 1.0, w);
        row->scatter_s = median_of(runs, n, row->p, offsetof(msc_sweep_run, scatter_s), 1.0, w);
        row->compute_s = median_of(runs, n, row->p, offsetof(msc_sweep_run, compute_s), 1.0, w);
        row->gather_s = median_of(runs, n, row->p, offsetof(msc_sweep_run, gather_s), 1.0, w);
        row->probe_s = median_of(runs, n, row->p, offsetof(msc_sweep_run, probe_s), 1.0, w);
    }
    if (st == MSC_OK) { /* T1 */
        const msc_sweep_row *first = &out->rows[0];
        out->t1_measured = first->p == 1;
        if (out->t1_measured) {
            out->t1_s = first->wall.median;
        } else {
            int m = 0;
            out->t1_baseline = 1;
            /* weak: the smallest point did p times the 1-rank work */
            for (int i = 0; i < n; i++)
                if (runs[i].p == first->p) {
                    v[m++] = runs[i].t1_est_s / (weak ? runs[i].p : 1);
                    out->t1_baseline &= runs[i].t1_baseline != 0;
                }
            msc_sample t1;
            st = msc_sample_stats(v, m, &t1, NULL);
            out->t1_s = t1.median;
        }
    }
    if (st == MSC_OK) {
        for (int k = 0; k < out->n_rows; k++) {
            msc_sweep_row *row = &out->rows[k];
            const double s = out->t1_s / row->wall.median;
            row->speedup = weak ? row->p * s : s;
            row->efficiency = row->speedup / row->p;
            row->karp_flatt = weak ? NAN : msc_karp_flatt(row->speedup, row->p);
        }
        /* Points whose ranks share cores measure time-sharing: the fits leave them out while
         * at least two distinct p remain without them. */
        int clean_rows = 0, m = 0;
        for (int k = 0; k < out->n_rows; k++) clean_rows += out->rows[k].oversubscribed == 0;
        const int skip = clean_rows >= 2 && clean_rows < out->n_rows;
        for (int i = 0; i < n; i++) {
            if (skip && runs[i].oversubscribed > 0) continue;
            if (outlier[i]) { /* a run the machine disturbed would pull the least squares */
                out->fit_skipped_runs++;
                continue;
            }
            ps[m] = runs[i].p;
            v[m++] = (weak ? runs[i].p : 1.0) * out->t1_s / runs[i].wall_s;
        }
        out->fit_skipped_rows = skip ? out->n_rows - clean_rows : 0;
        out->serial_share = median_of(runs, n, 0, offsetof(msc_sweep_run, serial_s), out->t1_s, w);
        out->max_p = out->rows[out->n_rows - 1].p;
        if (weak) {
            msc_fit_gustafson(ps, v, m, &out->gustafson);
        } else {
            msc_fit_amdahl(ps, v, m, &out->amdahl);
            msc_fit_usl(ps, v, m, &out->usl);
        }
    }
    free(v);
    free(w);
    free(ps);
    free(idx);
    free(flag);
    free(outlier);
    return st;
}

/* " (95% interval lo to hi)" or " (no interval: why)" */
static void print_interval(FILE *f, double lo, double hi, int digits)
{
    if (isfinite(lo) && isfinite(hi))
        fprintf(f, " (95%% interval %.*f to %.*f)", digits, lo, digits, hi);
    else
        fprintf(f, " (no interval: too few measurements)");
}

/* Ranks as text: "12", or "none" (never reached). */
static void print_ranks(FILE *f, double p)
{
    if (isfinite(p))
        fprintf(f, "%.0f", p);
    else
        fprintf(f, "%s", isnan(p) ? "n/a" : "never");
}

/* One planner answer, rank(f, goal), then over f's interval from f_a to f_b when there is one. */
static void print_plan(FILE *f, double (*rank)(double, double), double goal, double fit,
                       double f_a, double f_b)
{
    print_ranks(f, rank(fit, goal));
    if (rank == msc_ranks_for_speedup && isinf(rank(fit, goal)))
        fprintf(f, ": beyond the ceiling 1/f = %.3gx", msc_amdahl_ceiling(fit));
    if (isfinite(f_a) && isfinite(f_b)) {
        fprintf(f, " (");
        print_ranks(f, rank(f_a, goal));
        fprintf(f, " to ");
        print_ranks(f, rank(f_b, goal));
        fprintf(f, " over f's interval)");
    }
    fprintf(f, "\n");
}

/* What-if planning from the fitted f and its interval: larger p, a target speedup, a floor. */
static void report_plan(FILE *f, const msc_sweep_summary *s)
{
    const msc_amdahl_fit *a = &s->amdahl;
    const int ranged = isfinite(a->f_lo) && isfinite(a->f_hi) && a->f_hi - a->f_lo > 1e-9;
    fprintf(f, "  what if (Amdahl with f = %.4f, T1 = %.3g s), time and core-hours%s:\n", a->f, s->t1_s,
            ranged ? " (over f's interval)" : "");
    for (int p = 2 * s->max_p, k = 0; k < 3; k++, p *= 2) {
        const double t = s->t1_s * (a->f + (1.0 - a->f) / p);
        fprintf(f, "    p=%d: %.3g s, %.3g core-h", p, t, p * t / 3600.0);
        if (ranged) { /* time grows with f */
            const double lo = s->t1_s * (a->f_lo + (1.0 - a->f_lo) / p),
                         hi = s->t1_s * (a->f_hi + (1.0 - a->f_hi) / p);
            fprintf(f, " (%.3g to %.3g s, %.3g to %.3g core-h)", lo, hi, p * lo / 3600.0, p * hi / 3600.0);
        }
        fprintf(f, "\n");
    }
    if (s->target_speedup > 0.0) {
        fprintf(f, "  speedup %.3g needs p = ", s->target_speedup);
        print_plan(f, msc_ranks_for_speedup, s->target_speedup, a->f, a->f_lo, a->f_hi);
    }
    if (s->min_efficiency > 0.0) { /* a larger f allows fewer ranks: the interval runs hi to lo */
        fprintf(f, "  efficiency stays >= %.3g up to p = ", s->min_efficiency);
        print_plan(f, msc_ranks_for_efficiency, s->min_efficiency, a->f, a->f_hi, a->f_lo);
    }
}

/* --repeat auto: how many runs each point took, the precision it reached, and a warning naming
 * the points that stopped at the cap short of the precision asked. */
static void report_repeats(FILE *f, const msc_sweep_summary *s)
{
    if (s->repeat_cap <= 0) return;
    const double want = 100.0 * s->precision;
    int short_points = 0;
    fprintf(f, "Repeats (--repeat auto): each point until the 95%% interval of its median lies "
               "within +-%g%%, at least %d and at most %d runs:\n",
            want, MSC_SAMPLE_MIN_CI, s->repeat_cap);
    for (int k = 0; k < s->n_rows; k++) {
        const msc_sweep_row *r = &s->rows[k];
        const double half = msc_sample_halfwidth(&r->wall);
        const int precise = msc_sample_precise(&r->wall, s->precision);
        fprintf(f, "  p=%d: +-", r->p);
        print_num(f, 100.0 * half, 1, "%");
        fprintf(f, " after %d run%s", r->wall.n, r->wall.n == 1 ? "" : "s");
        if (!precise) {
            fprintf(f, ", not within +-%g%%", want);
            short_points++;
        }
        if (r->wall.outliers > 0)
            fprintf(f, " (%d outlier%s)", r->wall.outliers, r->wall.outliers == 1 ? "" : "s");
        fprintf(f, "\n");
    }
    if (short_points == 0) return;
    fprintf(f, "warning: %d point%s stopped at %d runs short of +-%g%%:", short_points,
            short_points == 1 ? "" : "s", s->repeat_cap, want);
    for (int k = 0, n = 0; k < s->n_rows; k++)
        if (!msc_sample_precise(&s->rows[k].wall, s->precision))
            fprintf(f, "%s p=%d", n++ ? "," : "", s->rows[k].p);
    fprintf(f, " (the machine is noisy there: a larger CAP, a longer range or a quieter machine "
               "would narrow it)\n");
}

const char *msc_sweep_t1_source(const msc_sweep_summary *s)
{
    if (s->t1_measured) return "measured: the median job time at p = 1";
    if (s->t1_baseline) return "measured by --serial-baseline (rank 0 alone) at the smallest point";
    return "estimated from the smallest point's segment times (add p = 1 to the sweep to measure it)";
}

/* A time in a phase column, or "-" when not known. */
static void print_phase(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, " %10.6f", v);
    else
        fprintf(f, " %10s", "-");
}

/* The phase breakdown per point, when the runs carry it. */
static void report_phases(FILE *f, const msc_sweep_summary *s)
{
    int known = 0, probe = 0;
    for (int k = 0; k < s->n_rows; k++) {
        known |= isfinite(s->rows[k].compute_s);
        probe |= isfinite(s->rows[k].probe_s) && s->rows[k].probe_s > 0.0;
    }
    if (!known) return;
    fprintf(f, "Phases per point (medians over the runs, seconds; serial: rank 0's setup, serial share "
               "and combine; %sscatter, compute, gather: the slowest rank's):\n",
            probe ? "probe: --schedule weighted's timing of the kernel; " : "");
    fprintf(f, "%6s %10s", "p", "serial");
    if (probe) fprintf(f, " %10s", "probe");
    fprintf(f, " %10s %10s %10s %10s\n", "scatter", "compute", "gather", "compute %");
    for (int k = 0; k < s->n_rows; k++) {
        const msc_sweep_row *r = &s->rows[k];
        fprintf(f, "%6d", r->p);
        print_phase(f, r->serial_s);
        if (probe) print_phase(f, r->probe_s);
        print_phase(f, r->scatter_s);
        print_phase(f, r->compute_s);
        print_phase(f, r->gather_s);
        if (isfinite(r->compute_s) && r->wall.median > 0.0)
            fprintf(f, " %9.1f%%\n", 100.0 * r->compute_s / r->wall.median);
        else
            fprintf(f, " %10s\n", "-");
    }
}

void msc_report_sweep_text(FILE *f, const msc_sweep_summary *s)
{
    fprintf(f, "\n%s-scaling sweep, %d point%s:\n", s->weak ? "Weak" : "Strong", s->n_rows,
            s->n_rows == 1 ? "" : "s");
    fprintf(f, "%6s %5s %4s %8s %12s %7s %10s %10s %9s %10s %10s %9s  %s\n", "p", "nodes", "runs",
            "outliers", "median s", "+-95%", "min s", "max s", s->weak ? "scaled S" : "speedup",
            "efficiency", "Karp-Flatt", "imbalance", "digest");
    for (int k = 0; k < s->n_rows; k++) {
        const msc_sweep_row *r = &s->rows[k];
        const double half = msc_sample_halfwidth(&r->wall);
        char ci[16] = "-";
        if (isfinite(half)) snprintf(ci, sizeof ci, "%.1f%%", 100.0 * half);
        fprintf(f, "%6d %5d %4d %8d %12.6f %7s %10.6f %10.6f %9.3f %9.1f%% ", r->p, r->nodes,
                r->wall.n, r->wall.outliers, r->wall.median, ci, r->wall.min, r->wall.max,
                r->speedup, 100.0 * r->efficiency);
        if (isfinite(r->karp_flatt))
            fprintf(f, "%10.4f", r->karp_flatt);
        else
            fprintf(f, "%10s", "-");
        fprintf(f, " %8.2f%%  %s%s%s\n", 100.0 * r->imbalance, r->digest,
                r->digests > 1 ? " (differs between runs!)" : "", r->verified ? "" : " NOT VERIFIED");
    }
    report_phases(f, s);
    fprintf(f, "T1 = %.6f s, %s\n", s->t1_s, msc_sweep_t1_source(s));
    if (!s->weak)
        fprintf(f, "Digests: %s\n", s->digests_agree ? "one digest at every p, as it must be"
                                                      : "DIFFER between points: a bug, please report it");
    for (int k = 0; k < s->n_rows; k++)
        if (s->rows[k].oversubscribed > 0)
            fprintf(f, "warning: at p = %d ranks share cores (more ranks than cores on a node): that "
                       "point measures the machine's time-sharing, not the program's scaling\n", s->rows[k].p);
    for (int k = 0; k < s->n_rows; k++)
        if (s->rows[k].wall.outliers > 0)
            fprintf(f, "warning: at p = %d, %d run%s more than 3 scaled MADs from the median "
                       "(an outlier: the machine was busy?)\n",
                    s->rows[k].p, s->rows[k].wall.outliers,
                    s->rows[k].wall.outliers == 1 ? " lies" : "s lie");
    report_repeats(f, s);
    if (s->fit_skipped_rows > 0)
        fprintf(f, "The fits below leave out the %d point%s whose ranks share cores.\n",
                s->fit_skipped_rows, s->fit_skipped_rows == 1 ? "" : "s");
    if (s->fit_skipped_runs > 0)
        fprintf(f, "The fits below leave out the %d outlier run%s.\n", s->fit_skipped_runs,
                s->fit_skipped_runs == 1 ? "" : "s");
    if (s->weak) {
        const msc_gustafson_fit *g = &s->gustafson;
        if (!g->fit.ok) {
            fprintf(f, "Gustafson: not fitted: %s\n", g->fit.why);
            return;
        }
        fprintf(f, "Gustafson: serial fraction alpha = %.4f", g->alpha);
        print_interval(f, g->alpha_lo, g->alpha_hi, 4);
        fprintf(f, " from %d runs; scaled speedup S(p) = p - alpha (p - 1)\n", g->fit.n);
        if (g->fit.note[0]) fprintf(f, "  note: %s\n", g->fit.note);
        return;
    }
    const msc_amdahl_fit *a = &s->amdahl;
    if (!a->fit.ok) {
        fprintf(f, "Amdahl: not fitted: %s\n", a->fit.why);
    } else {
        fprintf(f, "Amdahl: serial fraction f = %.4f", a->f);
        print_interval(f, a->f_lo, a->f_hi, 4);
        fprintf(f, " from %d runs; ceiling 1/f = ", a->fit.n);
        print_num(f, a->ceiling, 1, "x");
        if (isfinite(a->f_lo) && isfinite(a->f_hi) && a->f_hi - a->f_lo > 1e-9) { /* larger f, lower ceiling */
            fprintf(f, " (");
            print_num(f, msc_amdahl_ceiling(a->f_hi), 1, "x");
            fprintf(f, " to ");
            print_num(f, msc_amdahl_ceiling(a->f_lo), 1, "x"); /* "unbounded" when f_lo = 0 */
            fprintf(f, ")");
        }
        fprintf(f, "\n");
        if (a->fit.note[0]) fprintf(f, "  note: %s\n", a->fit.note);
        fprintf(f, "  predicted speedup:");
        for (int p = 2; p <= 1024; p *= 4) {
            fprintf(f, " P=%d ", p);
            print_num(f, msc_amdahl_speedup(a->f, p), 2, "");
        }
        fprintf(f, "\n");
        fprintf(f, "  Karp-Flatt e(p) above f, or rising with p, is overhead that grows with p "
                   "(communication, imbalance), not serial code\n");
        if (isfinite(s->serial_share) && a->f >= s->serial_share)
            fprintf(f, "  timed serial phases (setup, serial share, combine): %.4f of T1; the other "
                       "%.4f of f is parallel overhead (communication, imbalance, waiting)\n",
                    s->serial_share, a->f - s->serial_share);
        else if (isfinite(s->serial_share))
            fprintf(f, "  timed serial phases (setup, serial share, combine): %.4f of T1, more than "
                       "the fitted f: no parallel overhead shows above the noise\n",
                    s->serial_share);
        report_plan(f, s);
    }
    const msc_usl_fit *u = &s->usl;
    if (!u->fit.ok) {
        fprintf(f, "USL: not fitted: %s\n", u->fit.why);
        return;
    }
    fprintf(f, "USL: contention sigma = %.4f", u->sigma);
    print_interval(f, u->sigma_lo, u->sigma_hi, 4);
    fprintf(f, ", coherency kappa = %.6f", u->kappa);
    print_interval(f, u->kappa_lo, u->kappa_hi, 6);
    fprintf(f, "\n");
    if (u->kappa_significant)
        fprintf(f, "  kappa is significantly above 0: retrograde scaling, speedup peaks at p = %.0f\n",
                u->p_peak);
    else
        fprintf(f, "  kappa is not significantly above 0: no retrograde scaling detected\n");
    if (u->fit.note[0]) fprintf(f, "  note: %s\n", u->fit.note);
    /* the USL's own what-if, at the p of Amdahl's: where they part, contention and coherency
     * costs grow with p, which Amdahl's serial fraction does not model */
    fprintf(f, "  what if (USL, T1 = %.3g s):", s->t1_s);
    for (int p = 2 * s->max_p, k = 0; k < 3; k++, p *= 2) {
        const double d = 1.0 + u->sigma * (p - 1) + u->kappa * (double)p * (p - 1);
        fprintf(f, "%s p=%d %.3g s", k ? "," : "", p, s->t1_s * d / p);
    }
    fprintf(f, "\n");
    if (u->kappa_significant && a->fit.ok)
        fprintf(f, "  Amdahl's what-if leaves out the coherency cost that makes this study retrograde: "
                   "beyond p = %.0f trust the USL's\n", u->p_peak);
}

/* ---- --calibrate ------------------------------------------------------------------------------- */

double msc_record_ns_per_item(const msc_run_record *rec)
{
    if (rec->kernel == NULL || rec->reused_segments > 0) return NAN;
    msc_range par;
    int64_t n_seg = 0;
    msc_job_split(rec->kernel, &rec->params, rec->range, rec->segments, &par, &n_seg);
    const int64_t n = msc_range_count(par);
    const double t = rec->measure.compute_sum_s;
    return n > 0 && isfinite(t) && t > 0.0 ? 1e9 * t / (double)n : NAN;
}

/* 1 when the sweep's runs spent time in --schedule weighted's probe. */
static int sweep_has_probe(const msc_sweep_summary *sweep)
{
    for (int k = 0; sweep != NULL && k < sweep->n_rows; k++)
        if (isfinite(sweep->rows[k].probe_s) && sweep->rows[k].probe_s > 0.0) return 1;
    return 0;
}

/* 1 when the sweep's fits left out point p (its ranks shared cores). */
static int left_out_of_fits(const msc_sweep_summary *sweep, int p)
{
    for (int k = 0; sweep != NULL && sweep->fit_skipped_rows > 0 && k < sweep->n_rows; k++)
        if (sweep->rows[k].p == p) return sweep->rows[k].oversubscribed > 0;
    return 0;
}

void msc_calibration_fit(const msc_calibration *c, double t1_s, const msc_sweep_summary *sweep,
                         msc_amdahl_fit *out)
{
    double p[MSC_SWEEP_ROWS], sp[MSC_SWEEP_ROWS], work_s = t1_s;
    int n = 0;
    for (int k = 0; k < c->n_rows; k++)
        if (c->rows[k].p == 1) work_s = t1_s - c->rows[k].job_s;
    for (int k = 0; k < c->n_rows && k < MSC_SWEEP_ROWS; k++) {
        if (left_out_of_fits(sweep, c->rows[k].p)) continue;
        const double t = work_s / c->rows[k].p + c->rows[k].job_s;
        p[n] = c->rows[k].p;
        sp[n++] = t > 0.0 ? t1_s / t : NAN;
    }
    msc_fit_amdahl(p, sp, n, out);
}

void msc_report_calibration_text(FILE *f, const msc_calibration *c, double t1_s,
                                 const char *t1_source, const msc_sweep_summary *sweep)
{
    const msc_amdahl_fit *amdahl = sweep != NULL && !sweep->weak ? &sweep->amdahl : NULL;
    const int runs = c->n_rows > 0 ? c->rows[0].runs : 0;
    fprintf(f, "\nRuntime overhead (--calibrate): the same job with kernel empty (no per-element "
               "work), %d run%s per p after the measured runs, medians; not in --json/--csv:\n",
            runs, runs == 1 ? "" : "s");
    fprintf(f, "  MPI_Init      min %.6f s, median %.6f s, max %.6f s over %d rank%s (before the "
               "job time, not part of it)\n",
            c->init.min, c->init.median, c->init.max, c->ranks, c->ranks == 1 ? "" : "s");
    fprintf(f, "  %6s %12s %11s %11s %11s %12s\n", "p", "empty job s", "scatter s", "gather s",
            "combine s", "share of T1");
    for (int k = 0; k < c->n_rows; k++) {
        const msc_calibration_row *r = &c->rows[k];
        char share[32] = "n/a";
        if (t1_s > 0.0 && isfinite(t1_s)) snprintf(share, sizeof share, "%.3f%%", 100.0 * r->job_s / t1_s);
        fprintf(f, "  %6d %12.6f %11.6f %11.6f %11.6f %12s\n", r->p, r->job_s, r->scatter_s,
                r->gather_s, r->combine_s, share);
    }
    fprintf(f, "  T1 = %.6f s (%s); the empty job time is the runtime's own share of every run's "
               "job time\n", t1_s, t1_source);
    if (c->limit_ns > 0.0) {
        msc_isa isa = MSC_ISA_SCALAR;
        msc_isa_parse(c->isa, &isa);
        fprintf(f, "  node limit    %s (%s): %.3f ns per double (median of %d rank%s measuring at once; "
                   "slowest %.3f); a dependent double add takes %.3f ns\n",
                msc_isa_instruction(isa, c->op), c->isa, c->limit_ns, c->ranks, c->ranks == 1 ? "" : "s",
                c->limit_max_ns, c->add_latency_ns);
        if (isfinite(c->kernel_ns) && c->kernel_ns > 0.0)
            fprintf(f, "  kernel        %.3f ns per element on a rank: at %.2fx of this node's limit "
                       "(%.2fx its time)\n",
                    c->kernel_ns, c->limit_ns / c->kernel_ns, c->kernel_ns / c->limit_ns);
    }
    if (amdahl == NULL) return;
    if (!amdahl->fit.ok) {
        fprintf(f, "  no fitted f to compare with (Amdahl: not fitted)\n");
        return;
    }
    msc_amdahl_fit rt;
    msc_calibration_fit(c, t1_s, sweep, &rt);
    if (!rt.fit.ok) {
        fprintf(f, "  the runtime's own serial fraction: not fitted: %s\n", rt.fit.why);
        return;
    }
    if (rt.f >= amdahl->f)
        fprintf(f, "  the runtime alone accounts for about all of the fitted f = %.4f (alone it "
                   "would give f = %.4f; the difference is noise)\n", amdahl->f, rt.f);
    else
        fprintf(f, "  the runtime alone accounts for about %.4f of the fitted f = %.4f (%.0f%%) at the "
                   "same p; the rest is the kernel's own serial part, imbalance and contention%s\n",
                rt.f, amdahl->f, amdahl->f > 0.0 ? 100.0 * rt.f / amdahl->f : 0.0,
                sweep_has_probe(sweep) ? ", and --schedule weighted's probe (the phase table's "
                                         "probe column), which times the real kernel"
                                       : "");
}
