/* model.c — Amdahl's Law, Karp–Flatt, and the derivation of speedup, efficiency and the serial
 * fraction from one run's measured times. No I/O, no MPI: a pure function of measurements. */
#include "mpiscale/model.h"

#include <math.h>

double msc_amdahl_speedup(double f, double p)
{
    return 1.0 / (f + (1.0 - f) / p);
}

double msc_amdahl_ceiling(double f)
{
    return f > 0.0 ? 1.0 / f : INFINITY;
}

double msc_karp_flatt(double speedup, double p)
{
    if (!(p > 1.0) || !(speedup > 0.0)) return NAN;
    return (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p);
}

void msc_model_analyse(const msc_measure *m, msc_analysis *out)
{
    msc_analysis a;
    double t1_compute;
    if (m->baseline_s >= 0.0) {
        a.t1_source = MSC_T1_BASELINE;
        a.t1_s = m->baseline_s + m->setup_s; /* the baseline reuses the plan made in setup */
        t1_compute = m->baseline_compute_s;
    } else {
        a.t1_source = MSC_T1_ESTIMATED;
        a.t1_s = m->serial_s + m->compute_sum_s;
        t1_compute = m->compute_sum_s;
    }
    a.speedup = m->wall_s > 0.0 ? a.t1_s / m->wall_s : NAN;
    a.efficiency = a.speedup / m->ranks;
    a.compute_speedup = m->compute_max_s > 0.0 ? t1_compute / m->compute_max_s : NAN;
    a.serial_fraction = a.t1_s > 0.0 ? m->serial_s / a.t1_s : NAN;
    if (a.serial_fraction > 1.0) a.serial_fraction = 1.0;
    if (a.serial_fraction < 0.0) a.serial_fraction = 0.0;
    a.karp_flatt = msc_karp_flatt(a.speedup, m->ranks);
    a.ceiling = msc_amdahl_ceiling(a.serial_fraction);
    *out = a;
}
