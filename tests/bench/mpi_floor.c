/* mpi_floor.c — the least an MPI program can do: MPI_Init, then MPI_Finalize. launch.sh times
 * mpiscale against it, so that what mpiscale adds to a launch is measured, not guessed. */
#include <mpi.h>

int main(int argc, char **argv)
{
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) return 1;
    return MPI_Finalize() == MPI_SUCCESS ? 0 : 1;
}
