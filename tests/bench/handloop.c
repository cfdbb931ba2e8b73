/* handloop.c — the baseline for tests/bench/compare.sh: the seeds' do_math loop as a bare C+MPI
 * program, no framework. Rank r of P sums (int64)sqrt(x*x), x = i+1-1000000 as a double, over its
 * block of [0, N); MPI_Reduce(SUM) to rank 0, which prints the sum. Usage: handloop N
 * Built with -O3 -march=native -fno-math-errno so that gcc can vectorise the loop (vsqrtpd). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char *end = NULL;
    const int64_t n = argc == 2 ? (int64_t)strtoll(argv[1], &end, 10) : -1;
    if (n < 0 || *end != '\0') {
        if (rank == 0) fprintf(stderr, "usage: handloop N (a whole number >= 0)\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    const int64_t lo = n / size * rank + (rank < n % size ? rank : n % size);
    const int64_t hi = lo + n / size + (rank < n % size ? 1 : 0);
    int64_t s = 0;
    for (int64_t i = lo; i < hi; i++) {
        const double x = (double)(i + 1 - 1000000);
        s += (int64_t)sqrt(x * x);
    }
    int64_t total = 0;
    MPI_Reduce(&s, &total, 1, MPI_INT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("Result: %" PRId64 "\n", total);
    MPI_Finalize();
    return 0;
}
