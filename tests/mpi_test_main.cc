// mpi_test_main.cc — GoogleTest main for tests that run under mpirun: MPI_Init before the tests,
// output from rank 0 only, and one exit code agreed by all ranks so mpirun reports a failure on
// any rank.
#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    ::testing::InitGoogleTest(&argc, argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) {
        ::testing::TestEventListeners &listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
    }
    int failed = RUN_ALL_TESTS() != 0 ? 1 : 0, any_failed = 1;
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank != 0 && failed) fprintf(stderr, "rank %d: tests failed (see rank 0 for the list)\n", rank);
    MPI_Finalize();
    return any_failed;
}
